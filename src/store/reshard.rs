//! Moving guilds between data files (`ticketeer reshard`): every row of every guild-owned
//! table, copied as stored (no codec runs, so records of every version move unchanged), into
//! new files chosen by a placement, then counted and checksummed per guild on both sides.
//!
//! A guild's rows are found by the guild id that leads their key (the channel index: its
//! value); the rows no guild owns (DM channels by user, the link-signing key) go to every new
//! file, the key from the first source that has one. The counters move with their guilds, so a
//! ticket number is never handed out twice.
//!
//! Architecture Invariant: the sources are never written to; the destinations are new files.

use std::{
    collections::{BTreeMap, btree_map::Entry},
    path::{Path, PathBuf},
};

use redb::{
    Builder, Database, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition,
    TableHandle, WriteTransaction,
};
use sha2::{Digest, Sha256};

use super::{
    CHANNEL_INDEX, COUNTERS, DEADLINES, DM_CHANNELS, EARLIER_LINK_KEYS, FILES, INTAKE_BLOCKS,
    INTAKE_MEMBERS, LINK_KEY, LOG_ENTRIES, META, PAGES, READY, SCHEMA_KEY, SCHEMA_VERSION, SECRETS,
    SETTINGS, StoreError, TICKET_ANSWERS, TICKETS, TRANSCRIPTS, codec, create_fresh, db_err,
    guarded_open, open_ro, probe_existing,
};

/// One guild's rows: how many, and a SHA-256 over each row's table, key and value in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuildTally {
    pub rows: u64,
    pub checksum: [u8; 32],
}

/// Where a guild went and what it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub dest: usize,
    pub tally: GuildTally,
}

#[derive(Debug, thiserror::Error)]
pub enum ReshardError {
    #[error(
        "guild {guild} has data in both {} and {}; a guild lives in one file (forget it in one of them first)",
        first.display(),
        second.display()
    )]
    TwoHomes {
        guild: u64,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{} exists; reshard writes only new data files (choose an empty --to directory)", path.display())]
    DestExists { path: PathBuf },
    #[error(
        "guild {guild} differs after the copy: {source_rows} rows in the source, {copied_rows} in {} (or their checksums differ)",
        dest.display()
    )]
    Mismatch {
        guild: u64,
        source_rows: u64,
        copied_rows: u64,
        dest: PathBuf,
    },
    #[error("{} was written by a newer Ticketeer (schema version {found})", path.display())]
    SchemaTooNew { path: PathBuf, found: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who owns a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The guild id leading the key.
    Key,
    /// The guild id leading the value.
    Value,
    /// No guild: the row goes to every file.
    Everyone,
}

/// The leading id of a key or value, where it has one.
trait Lead {
    fn lead(&self) -> u64;
}

impl Lead for u64 {
    fn lead(&self) -> u64 {
        *self
    }
}
impl Lead for (u64, u64) {
    fn lead(&self) -> u64 {
        self.0
    }
}
impl Lead for (u64, u64, u64) {
    fn lead(&self) -> u64 {
        self.0
    }
}
impl Lead for (u64, u64, u8) {
    fn lead(&self) -> u64 {
        self.0
    }
}
impl Lead for (u64, u8, u64) {
    fn lead(&self) -> u64 {
        self.0
    }
}
impl Lead for &[u8] {
    fn lead(&self) -> u64 {
        0
    }
}
impl Lead for &str {
    fn lead(&self) -> u64 {
        0
    }
}
impl Lead for i64 {
    fn lead(&self) -> u64 {
        0
    }
}

/// What one pass over a table does with each row: `guild` is `None` for rows of everyone.
trait Visit {
    fn table<K, V>(&mut self, def: TableDefinition<K, V>, owner: Owner) -> Result<(), StoreError>
    where
        K: redb::Key + 'static,
        V: redb::Value + 'static,
        for<'a> K::SelfType<'a>: Lead + std::borrow::Borrow<K::SelfType<'a>>,
        for<'a> V::SelfType<'a>: Lead + std::borrow::Borrow<V::SelfType<'a>>;
}

/// Every table a guild's data lives in, in one fixed order (the checksums depend on it). A
/// table added to the store is added here, or `reshard` would leave its rows behind.
fn every_table(visit: &mut impl Visit) -> Result<(), StoreError> {
    visit.table(SETTINGS, Owner::Key)?;
    visit.table(COUNTERS, Owner::Key)?;
    visit.table(TICKETS, Owner::Key)?;
    visit.table(CHANNEL_INDEX, Owner::Value)?;
    visit.table(TRANSCRIPTS, Owner::Key)?;
    visit.table(PAGES, Owner::Key)?;
    visit.table(FILES, Owner::Key)?;
    visit.table(DEADLINES, Owner::Key)?;
    visit.table(INTAKE_MEMBERS, Owner::Key)?;
    visit.table(INTAKE_BLOCKS, Owner::Key)?;
    visit.table(TICKET_ANSWERS, Owner::Key)?;
    visit.table(READY, Owner::Key)?;
    visit.table(LOG_ENTRIES, Owner::Key)?;
    visit.table(super::tally::STATS_HOURS, Owner::Key)?;
    visit.table(super::tally::STATS_STAFF, Owner::Key)?;
    visit.table(DM_CHANNELS, Owner::Everyone)?;
    visit.table(SECRETS, Owner::Everyone)?;
    Ok(())
}

/// Counts and checksums each guild's rows.
struct Tally<'t> {
    txn: &'t ReadTransaction,
    hashes: BTreeMap<u64, (u64, Sha256)>,
}

impl Visit for Tally<'_> {
    fn table<K, V>(&mut self, def: TableDefinition<K, V>, owner: Owner) -> Result<(), StoreError>
    where
        K: redb::Key + 'static,
        V: redb::Value + 'static,
        for<'a> K::SelfType<'a>: Lead + std::borrow::Borrow<K::SelfType<'a>>,
        for<'a> V::SelfType<'a>: Lead + std::borrow::Borrow<V::SelfType<'a>>,
    {
        let Some(table) = open_ro(self.txn, def)? else {
            return Ok(());
        };
        for row in table.iter().map_err(db_err)? {
            let (key, value) = row.map_err(db_err)?;
            let (key, value) = (key.value(), value.value());
            let guild = match owner {
                Owner::Key => key.lead(),
                Owner::Value => value.lead(),
                Owner::Everyone => continue,
            };
            let (rows, hash) = self.hashes.entry(guild).or_default();
            *rows += 1;
            hash.update(def.name().as_bytes());
            hash.update(K::as_bytes(&key).as_ref());
            hash.update(V::as_bytes(&value).as_ref());
        }
        Ok(())
    }
}

fn tally(txn: &ReadTransaction) -> Result<BTreeMap<u64, GuildTally>, StoreError> {
    let mut tally = Tally {
        txn,
        hashes: BTreeMap::new(),
    };
    every_table(&mut tally)?;
    Ok(tally
        .hashes
        .into_iter()
        .map(|(guild, (rows, hash))| {
            let checksum = hash.finalize().into();
            (guild, GuildTally { rows, checksum })
        })
        .collect())
}

/// Copies the rows one destination takes from one source.
struct CopyRows<'t, F: Fn(u64) -> bool> {
    from: &'t ReadTransaction,
    to: &'t WriteTransaction,
    takes: F,
}

impl<F: Fn(u64) -> bool> Visit for CopyRows<'_, F> {
    fn table<K, V>(&mut self, def: TableDefinition<K, V>, owner: Owner) -> Result<(), StoreError>
    where
        K: redb::Key + 'static,
        V: redb::Value + 'static,
        for<'a> K::SelfType<'a>: Lead + std::borrow::Borrow<K::SelfType<'a>>,
        for<'a> V::SelfType<'a>: Lead + std::borrow::Borrow<V::SelfType<'a>>,
    {
        let Some(source) = open_ro(self.from, def)? else {
            return Ok(());
        };
        let mut target = self.to.open_table(def).map_err(db_err)?;
        for row in source.iter().map_err(db_err)? {
            let (key, value) = row.map_err(db_err)?;
            let (key, value) = (key.value(), value.value());
            let take = match owner {
                Owner::Key => (self.takes)(key.lead()),
                Owner::Value => (self.takes)(value.lead()),
                // The first source's row wins (the link key: links it signed keep working).
                Owner::Everyone => target.get(&key).map_err(db_err)?.is_none(),
            };
            if take {
                target.insert(key, value).map_err(db_err)?;
            }
        }
        Ok(())
    }
}

/// Opens an existing database without writing to it beyond redb's own repair of a file a
/// crash left open, and refuses one from a newer schema.
fn open_source(path: &Path) -> Result<Database, ReshardError> {
    probe_existing(path)?;
    let db = guarded_open(path, || Builder::new().open(path))?;
    let txn = db.begin_read().map_err(db_err)?;
    let found = match open_ro(&txn, META)? {
        Some(meta) => meta
            .get(SCHEMA_KEY)
            .map_err(db_err)?
            .map_or(0, |v| v.value()),
        None => 0,
    };
    if found > SCHEMA_VERSION {
        return Err(ReshardError::SchemaTooNew {
            path: path.to_owned(),
            found,
        });
    }
    drop(txn);
    Ok(db)
}

/// Moves every guild of the `sources` into new files at `dests`, guild `g` into
/// `dests[place(g)]`, then checks each guild's row count and checksum in its new file against
/// its source. Blocking: run it off the async runtime.
pub fn reshard(
    sources: &[PathBuf],
    dests: &[PathBuf],
    place: impl Fn(u64) -> usize,
) -> Result<BTreeMap<u64, Moved>, ReshardError> {
    if let Some(path) = dests.iter().find(|p| p.exists()) {
        return Err(ReshardError::DestExists { path: path.clone() });
    }
    let dbs: Vec<Database> = sources
        .iter()
        .map(|p| open_source(p))
        .collect::<Result<_, _>>()?;
    let txns: Vec<ReadTransaction> = dbs
        .iter()
        .map(|db| db.begin_read().map_err(db_err))
        .collect::<Result<_, _>>()?;
    let mut moves: BTreeMap<u64, (usize, Moved)> = BTreeMap::new();
    for (i, txn) in txns.iter().enumerate() {
        for (guild, tally) in tally(txn)? {
            let moved = Moved {
                dest: place(guild).min(dests.len().saturating_sub(1)),
                tally,
            };
            match moves.entry(guild) {
                Entry::Vacant(slot) => {
                    slot.insert((i, moved));
                }
                Entry::Occupied(first) => {
                    return Err(ReshardError::TwoHomes {
                        guild,
                        first: sources[first.get().0].clone(),
                        second: sources[i].clone(),
                    });
                }
            }
        }
    }
    for (d, dest) in dests.iter().enumerate() {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(StoreError::from)?;
        }
        let db = create_fresh(dest)?;
        let out = db.begin_write().map_err(db_err)?;
        for txn in &txns {
            let takes = |guild: u64| moves.get(&guild).is_some_and(|(_, m)| m.dest == d);
            every_table(&mut CopyRows {
                from: txn,
                to: &out,
                takes,
            })?;
        }
        keep_every_link_key(&txns, &out)?;
        // Sums copied from a file that never had them built would be wrong: rebuilt at open.
        if !txns.iter().all(super::tally::is_built) {
            super::tally::mark_unbuilt(&out)?;
        }
        out.commit().map_err(db_err)?;
    }
    drop(txns);
    drop(dbs);
    verify(dests, &moves)?;
    Ok(moves.into_iter().map(|(g, (_, m))| (g, m)).collect())
}

/// The destination signs with the first source's key (copied with the rows of everyone); links
/// the other sources signed (and the earlier keys they kept) stay valid as earlier keys, since
/// their guilds may now be here.
fn keep_every_link_key(
    sources: &[ReadTransaction],
    out: &redb::WriteTransaction,
) -> Result<(), StoreError> {
    let mut secrets = out.open_table(SECRETS).map_err(db_err)?;
    let current = secrets
        .get(LINK_KEY)
        .map_err(db_err)?
        .map(|v| v.value().to_vec());
    let mut earlier: Vec<Vec<u8>> = Vec::new();
    for txn in sources {
        let stored = super::link_keys_in(txn)?;
        for key in stored.current.into_iter().chain(stored.earlier) {
            if current.as_ref() != Some(&key) && !earlier.contains(&key) {
                earlier.push(key);
            }
        }
    }
    if !earlier.is_empty() {
        let joined = codec::join_keys(&earlier);
        secrets
            .insert(EARLIER_LINK_KEYS, joined.as_slice())
            .map_err(db_err)?;
    }
    Ok(())
}

/// Each destination holds exactly its guilds, each with its source's rows and checksum.
fn verify(dests: &[PathBuf], moves: &BTreeMap<u64, (usize, Moved)>) -> Result<(), ReshardError> {
    for (d, dest) in dests.iter().enumerate() {
        let db = guarded_open(dest, || Builder::new().open_read_only(dest))?;
        let txn = db.begin_read().map_err(db_err)?;
        let found = tally(&txn)?;
        let wanted = moves.iter().filter(|(_, (_, m))| m.dest == d);
        for (guild, (_, moved)) in wanted {
            let copied = found.get(guild);
            if copied != Some(&moved.tally) {
                return Err(ReshardError::Mismatch {
                    guild: *guild,
                    source_rows: moved.tally.rows,
                    copied_rows: copied.map_or(0, |t| t.rows),
                    dest: dest.clone(),
                });
            }
        }
        if let Some((guild, extra)) = found
            .iter()
            .find(|(g, _)| moves.get(g).is_none_or(|(_, m)| m.dest != d))
        {
            return Err(ReshardError::Mismatch {
                guild: *guild,
                source_rows: 0,
                copied_rows: extra.rows,
                dest: dest.clone(),
            });
        }
    }
    Ok(())
}
