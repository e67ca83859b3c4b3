//! `ticketeer backup | restore | export | import`: the data directory's file as a whole, and
//! one guild's data between hosts (or shard ranges).

use std::path::{Path, PathBuf};

use super::{
    OpsError,
    args::{BackupArgs, ExportArgs, ImportArgs, RestoreArgs},
    control::{Access, db_path},
    export,
};
use crate::store::{
    Durability, Store, StoreConfig, StoreError,
    portable::{FileSummary, verify_file},
};

fn summary_words(s: &FileSummary) -> String {
    format!(
        "{} guild(s) with settings, {} ticket(s), {} transcript(s)",
        s.guilds, s.tickets, s.transcripts
    )
}

/// A consistent copy of the database, made while the bot runs (through its socket) or not.
pub async fn backup(args: &BackupArgs) -> Result<String, OpsError> {
    // The running bot writes the file itself: give it a path that does not depend on our
    // working directory.
    let dest = std::path::absolute(&args.file)?;
    let access = Access::open(&args.data_dir).await?;
    let copied = access.backup(dest.clone()).await;
    access.close().await;
    let copied = copied?;
    let checked = verify_file(&dest)?;
    if checked != copied {
        return Err(format!(
            "the backup {} does not read back as written ({} copied, {} read back)",
            dest.display(),
            summary_words(&copied),
            summary_words(&checked)
        )
        .into());
    }
    Ok(format!(
        "backed up {} to {} (verified)",
        summary_words(&copied),
        dest.display()
    ))
}

/// Puts a backup in place of the data directory's database. Refused while a bot holds the
/// database, and over existing data without `--force`; what was there is kept beside.
pub async fn restore(args: &RestoreArgs) -> Result<String, OpsError> {
    let source = verify_file(&args.file)
        .map_err(|e| format!("{} is not a usable backup: {e}", args.file.display()))?;
    let dest = db_path(&args.data_dir);
    let kept = if dest.exists() {
        // `None`: unreadable, which only --force may replace.
        let present = match verify_file(&dest) {
            Ok(present) => Some(present),
            Err(StoreError::InUse { .. }) => {
                return Err(format!(
                    "a bot is running on {}; stop it before restoring",
                    args.data_dir.display()
                )
                .into());
            }
            Err(e) if args.force => {
                tracing::warn!(error = %e, "the database being replaced is unreadable");
                None
            }
            Err(e) => return Err(e.into()),
        };
        if present != Some(FileSummary::default()) && !args.force {
            let what = present.map_or("data".to_owned(), |p| summary_words(&p));
            return Err(format!(
                "{} already holds {what}; pass --force to replace it (it is then kept as {})",
                dest.display(),
                before_restore(&dest).display()
            )
            .into());
        }
        let kept = before_restore(&dest);
        if kept.exists() {
            return Err(format!(
                "{} exists from an earlier restore; move it away first",
                kept.display()
            )
            .into());
        }
        std::fs::rename(&dest, &kept)?;
        Some(kept)
    } else {
        std::fs::create_dir_all(&args.data_dir)?;
        None
    };
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::copy(&args.file, &partial)?;
    std::fs::rename(&partial, &dest)?;
    let mut said = format!(
        "restored {} into {}",
        summary_words(&source),
        dest.display()
    );
    if let Some(kept) = kept {
        said.push_str(&format!("; the data it replaced is in {}", kept.display()));
    }
    Ok(said)
}

fn before_restore(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".before-restore");
    PathBuf::from(name)
}

/// The export document (JSON) of one guild, from a running bot or the file.
pub async fn export(args: &ExportArgs) -> Result<String, OpsError> {
    let access = Access::open(&args.data_dir).await?;
    let data = access.guild_data(args.guild).await;
    access.close().await;
    let data = data?;
    if data.tickets.is_empty() && data.counter == 0 && data.settings == Default::default() {
        return Err(format!(
            "no data for guild {} in {}",
            args.guild,
            args.data_dir.display()
        )
        .into());
    }
    Ok(serde_json::to_string_pretty(&export::from_data(&data))?)
}

/// Takes an export into the data directory (a fresh one is created). Refused while a bot runs
/// on it, and when any ticket number of the export is already there.
pub async fn import(args: &ImportArgs) -> Result<String, OpsError> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let data = export::parse(&text).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let guild = data.guild;
    let config = StoreConfig {
        path: db_path(&args.data_dir),
        durability: Durability::Immediate,
    };
    let store = match tokio::task::spawn_blocking(move || Store::open(config)).await? {
        Ok(store) => store,
        Err(StoreError::InUse { .. }) => {
            return Err(format!(
                "a bot is running on {}; stop it before importing (its guild actors would not see the import)",
                args.data_dir.display()
            )
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    let imported = store.import_guild(data).await;
    store.close().await;
    let imported = imported?;
    Ok(format!(
        "imported guild {guild}: {} ticket(s), {} transcript(s), its settings and counter",
        imported.tickets, imported.transcripts
    ))
}
