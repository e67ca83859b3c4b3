//! Whole-file backups and one guild's data in and out, for `ticketeer backup | restore | export |
//! import`. Part of the store because it touches redb; the file formats live in `crate::ops`.

use std::{
    borrow::Borrow,
    fs,
    path::{Path, PathBuf},
};

use redb::{ReadTransaction, ReadableTable, TableDefinition, WriteTransaction};

use super::{
    CHANNEL_INDEX, COUNTERS, DM_CHANNELS, INTAKE_BLOCKS, INTAKE_MEMBERS, META, READY, SETTINGS,
    Store, StoreError, TICKET_ANSWERS, TICKETS, TRANSCRIPTS, WriteOp, codec, create_fresh, db_err,
    guild_tickets, load_guild_in, open_ro, probe_existing,
};
use crate::domain::model::{GuildSettings, Snowflake, TicketRecord};

/// What a backup copied, or a verified file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FileSummary {
    pub guilds: u64,
    pub tickets: u64,
    pub transcripts: u64,
}

/// One guild's data as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuildData {
    pub guild: Snowflake,
    pub settings: GuildSettings,
    pub counter: u64,
    /// Every record, in every state, by number.
    pub tickets: Vec<TicketRecord>,
    /// `(number, html, text)` of each stored transcript.
    pub transcripts: Vec<(u64, String, String)>,
}

/// Why one guild's data was not taken in.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "ticket numbers {numbers:?} of guild {guild} are already in this database; importing would give two tickets one number (export from here and merge by hand, or import into a fresh data dir)"
    )]
    Collision { guild: Snowflake, numbers: Vec<u64> },
    #[error(
        "ticket {number} of the import belongs to guild {found}, not to the imported guild {guild}"
    )]
    ForeignTicket {
        guild: Snowflake,
        number: u64,
        found: Snowflake,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Writes a consistent copy of the whole database to `dest` while the store keeps serving:
    /// everything is read in one read transaction (a snapshot; the writer goes on beside it)
    /// into a new file beside `dest`, which is renamed into place once complete. An existing
    /// `dest` is never overwritten.
    pub async fn backup_to(&self, dest: PathBuf) -> Result<FileSummary, StoreError> {
        self.read(move |txn| backup_in(txn, &dest)).await
    }

    /// Everything the store holds of `guild`, read in one transaction.
    pub async fn guild_data(&self, guild: Snowflake) -> Result<GuildData, StoreError> {
        self.read(move |txn| guild_data_in(txn, guild)).await
    }

    /// Takes in one guild's data, durably and in one commit. Refused, with nothing written, when
    /// any of its ticket numbers is already stored for that guild; the counter becomes the
    /// larger of both, so numbers stay unique afterwards. Settings replace the stored ones.
    pub async fn import_guild(&self, data: GuildData) -> Result<FileSummary, ImportError> {
        if let Some(t) = data.tickets.iter().find(|t| t.guild != data.guild) {
            return Err(ImportError::ForeignTicket {
                guild: data.guild,
                number: t.number,
                found: t.guild,
            });
        }
        let guild = data.guild;
        let existing: Vec<u64> = self
            .read(move |txn| guild_tickets(txn, guild, |_| true))
            .await?
            .into_iter()
            .map(|t| t.number)
            .collect();
        let numbers: Vec<u64> = data
            .tickets
            .iter()
            .map(|t| t.number)
            .filter(|n| existing.contains(n))
            .collect();
        if !numbers.is_empty() {
            return Err(ImportError::Collision { guild, numbers });
        }
        let summary = FileSummary {
            guilds: 1,
            tickets: data.tickets.len() as u64,
            transcripts: data.transcripts.len() as u64,
        };
        let highest = data.tickets.iter().map(|t| t.number).max().unwrap_or(0);
        let mut ops = vec![
            WriteOp::PutSettings {
                guild,
                settings: data.settings,
            },
            WriteOp::SetCounter {
                guild,
                value: data.counter.max(highest),
            },
        ];
        ops.extend(data.tickets.into_iter().map(WriteOp::PutTicket));
        ops.extend(data.transcripts.into_iter().map(|(number, html, text)| {
            WriteOp::PutTranscript {
                guild,
                number,
                html,
                text,
            }
        }));
        self.write(ops).await?;
        Ok(summary)
    }
}

/// Checks, without writing to it, that `path` is a Ticketeer database this build can read, and
/// counts what it holds.
pub fn verify_file(path: &Path) -> Result<FileSummary, StoreError> {
    probe_existing(path)?;
    let db = super::guarded_open(path, || redb::Builder::new().open_read_only(path))?;
    let txn = redb::ReadableDatabase::begin_read(&db).map_err(db_err)?;
    summary_in(&txn)
}

fn summary_in(txn: &ReadTransaction) -> Result<FileSummary, StoreError> {
    let count = |def: TableDefinition<u64, &[u8]>| -> Result<u64, StoreError> {
        Ok(match open_ro(txn, def)? {
            Some(t) => redb::ReadableTableMetadata::len(&t).map_err(db_err)?,
            None => 0,
        })
    };
    let count_pairs = |def: TableDefinition<(u64, u64), &[u8]>| -> Result<u64, StoreError> {
        Ok(match open_ro(txn, def)? {
            Some(t) => redb::ReadableTableMetadata::len(&t).map_err(db_err)?,
            None => 0,
        })
    };
    Ok(FileSummary {
        guilds: count(SETTINGS)?,
        tickets: count_pairs(TICKETS)?,
        transcripts: count_pairs(TRANSCRIPTS)?,
    })
}

fn backup_in(txn: &ReadTransaction, dest: &Path) -> Result<FileSummary, StoreError> {
    if dest.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} exists; a backup never overwrites a file",
                dest.display()
            ),
        )
        .into());
    }
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = fs::remove_file(&partial);
    let copied = (|| {
        let db = create_fresh(&partial)?;
        let out = db.begin_write().map_err(db_err)?;
        copy_table(txn, &out, META)?;
        copy_table(txn, &out, SETTINGS)?;
        copy_table(txn, &out, COUNTERS)?;
        copy_table(txn, &out, TICKETS)?;
        copy_table(txn, &out, CHANNEL_INDEX)?;
        copy_table(txn, &out, TRANSCRIPTS)?;
        copy_table(txn, &out, DM_CHANNELS)?;
        // The blocklist and the opens the cooldown counts are as much a server's as its
        // settings; the answers are its tickets'.
        copy_table(txn, &out, INTAKE_MEMBERS)?;
        copy_table(txn, &out, INTAKE_BLOCKS)?;
        copy_table(txn, &out, TICKET_ANSWERS)?;
        // Without its pool a restored bot would not know its hidden channels until it lists them.
        copy_table(txn, &out, READY)?;
        // The statistics' sums, which META marks as built.
        copy_table(txn, &out, super::tally::STATS_HOURS)?;
        copy_table(txn, &out, super::tally::STATS_STAFF)?;
        // Where closes were logged, so a rating after a restore still amends its entry.
        copy_table(txn, &out, super::LOG_ENTRIES)?;
        out.commit().map_err(db_err)?;
        drop(db);
        fs::rename(&partial, dest)?;
        summary_in(txn)
    })();
    if copied.is_err() {
        let _ = fs::remove_file(&partial);
    }
    copied
}

fn copy_table<K, V>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<(), StoreError>
where
    K: redb::Key + 'static,
    V: redb::Value + 'static,
    for<'a> K::SelfType<'a>: Borrow<K::SelfType<'a>>,
    for<'a> V::SelfType<'a>: Borrow<V::SelfType<'a>>,
{
    let Some(source) = open_ro(from, def)? else {
        return Ok(());
    };
    let mut target = to.open_table(def).map_err(db_err)?;
    for entry in source.iter().map_err(db_err)? {
        let (key, value) = entry.map_err(db_err)?;
        target.insert(key.value(), value.value()).map_err(db_err)?;
    }
    Ok(())
}

fn guild_data_in(txn: &ReadTransaction, guild: Snowflake) -> Result<GuildData, StoreError> {
    let snapshot = load_guild_in(txn, guild)?;
    let tickets = guild_tickets(txn, guild, |_| true)?;
    let mut transcripts = Vec::new();
    if let Some(table) = open_ro(txn, TRANSCRIPTS)? {
        for entry in table
            .range((guild, 0u64)..=(guild, u64::MAX))
            .map_err(db_err)?
        {
            let (key, value) = entry.map_err(db_err)?;
            let (html, text) = codec::decode_transcript(value.value())?;
            transcripts.push((key.value().1, html, text));
        }
    }
    Ok(GuildData {
        guild,
        settings: snapshot.settings,
        counter: snapshot.counter,
        tickets,
        transcripts,
    })
}
