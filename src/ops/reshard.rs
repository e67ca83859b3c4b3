//! `ticketeer reshard`: the guilds of the data directories of one shard layout moved into the
//! directories of another, offline, each guild checked by its row count and checksum.
//!
//! The `--to` directories hold contiguous shard ranges of the new total, in order
//! (`domain::sharding::ranges`); the answer names each directory's `--shards` range.

use std::{collections::BTreeMap, path::PathBuf};

use crate::{
    domain::sharding,
    ops::{OpsError, args::ReshardArgs},
    store::reshard::{self, Moved},
};

/// Why the move was not started.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("--to names {dirs} directories but there are only {total} shards to give them")]
    TooManyDirs { dirs: usize, total: u32 },
    #[error("--to {0} is also a --from directory; reshard writes only new data files")]
    Overlap(String),
    #[error("give at least one --from and one --to directory")]
    Empty,
}

/// Checks the layout before anything is opened.
pub fn plan(args: &ReshardArgs) -> Result<(), PlanError> {
    if args.from.is_empty() || args.to.is_empty() {
        return Err(PlanError::Empty);
    }
    if args.to.len() > args.shard_total as usize {
        return Err(PlanError::TooManyDirs {
            dirs: args.to.len(),
            total: args.shard_total,
        });
    }
    if let Some(dir) = args.to.iter().find(|d| args.from.contains(d)) {
        return Err(PlanError::Overlap(dir.display().to_string()));
    }
    Ok(())
}

/// What the self-hoster is told: per new directory its guilds, rows and the flags to run it.
pub fn report(args: &ReshardArgs, moved: &BTreeMap<u64, Moved>) -> String {
    let ranges = sharding::ranges(args.to.len(), args.shard_total);
    let mut said = format!(
        "moved {} guild(s) into {} data directories for --shard-total {}; every guild's rows \
         and checksum match its source\n",
        moved.len(),
        args.to.len(),
        args.shard_total
    );
    for (d, dir) in args.to.iter().enumerate() {
        let (guilds, rows) = moved
            .values()
            .filter(|m| m.dest == d)
            .fold((0u64, 0u64), |(g, r), m| (g + 1, r + m.tally.rows));
        let range = &ranges[d];
        said.push_str(&format!(
            "{}: {guilds} guild(s), {rows} row(s); run it with --data-dir {} --shards {}..{} \
             --shard-total {}\n",
            dir.display(),
            dir.display(),
            range.start,
            range.end,
            args.shard_total
        ));
    }
    said.push_str(
        "the --from directories are left as they were: keep them until the new layout runs",
    );
    said
}

/// Moves the guilds (the bots on the `--from` directories must be stopped).
pub async fn run(args: &ReshardArgs) -> Result<String, OpsError> {
    plan(args)?;
    let file = |dir: &PathBuf| dir.join("ticketeer.redb");
    let sources: Vec<PathBuf> = args.from.iter().map(file).collect();
    let dests: Vec<PathBuf> = args.to.iter().map(file).collect();
    let (dirs, total) = (args.to.len(), args.shard_total);
    let moved = tokio::task::spawn_blocking(move || {
        reshard::reshard(&sources, &dests, |guild| {
            sharding::dir_of(guild, dirs, total)
        })
    })
    .await??;
    Ok(report(args, &moved))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(from: &[&str], to: &[&str], total: u32) -> ReshardArgs {
        ReshardArgs {
            from: from.iter().map(PathBuf::from).collect(),
            to: to.iter().map(PathBuf::from).collect(),
            shard_total: total,
        }
    }

    #[test]
    fn a_layout_that_cannot_work_is_refused_before_anything_opens() {
        assert_eq!(plan(&args(&["a"], &["b", "c"], 2)), Ok(()));
        assert_eq!(
            plan(&args(&["a"], &["b", "c", "d"], 2)),
            Err(PlanError::TooManyDirs { dirs: 3, total: 2 })
        );
        assert_eq!(
            plan(&args(&["a", "b"], &["b"], 4)),
            Err(PlanError::Overlap("b".into()))
        );
        assert_eq!(plan(&args(&[], &["b"], 4)), Err(PlanError::Empty));
    }

    #[test]
    fn the_report_names_each_directory_and_its_shard_range() {
        let tally = reshard::GuildTally {
            rows: 5,
            checksum: [0; 32],
        };
        let moved = BTreeMap::from([
            (1, Moved { dest: 0, tally }),
            (2, Moved { dest: 1, tally }),
            (3, Moved { dest: 1, tally }),
        ]);
        let said = report(&args(&["old"], &["n0", "n1"], 16), &moved);
        assert!(said.contains("moved 3 guild(s)"), "{said}");
        assert!(
            said.contains(
                "n0: 1 guild(s), 5 row(s); run it with --data-dir n0 --shards 0..8 --shard-total 16"
            ),
            "{said}"
        );
        assert!(
            said.contains("n1: 2 guild(s), 10 row(s); run it with --data-dir n1 --shards 8..16"),
            "{said}"
        );
    }
}
