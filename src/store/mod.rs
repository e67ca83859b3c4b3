//! The durable store: one redb file, written by one dedicated thread with group commit.
//!
//! # Shape
//! - [`Store::write`] encodes the ops on the caller's thread (cheap, and it keeps the write
//!   transaction free of code that can fail halfway) and queues them to the writer thread.
//! - The writer thread takes the first queued request, drains whatever else is already queued (up
//!   to [`MAX_GROUP_OPS`]), applies all of it in one write transaction and commits once. When it
//!   committed moments ago (the store is busy) it first sleeps out a short linger to gather more.
//!   Under load many guilds share one fsync and one transaction; [`Store::stats`] shows commits
//!   against ops.
//! - Reads run on `spawn_blocking` inside a read transaction; redb lets readers run beside the
//!   writer, so a slow commit never stalls a read.
//!
//! Architecture Invariant: this module is the only code that touches redb, and no redb call runs
//! on a tokio worker or an actor's handler thread.
//!
//! Architecture Invariant: an existing file that is not our database is never modified. It is
//! probed read-only (or through a throwaway copy when redb would need to repair it first).

pub mod codec;
pub mod portable;
pub mod reshard;
mod tally;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::future::Future;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use redb::{
    Builder, Database, DatabaseError, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, StorageError, TableDefinition, TableError,
};
use tokio::sync::oneshot;

pub use codec::StoredFile;

use crate::domain::deadline::{Deadline, DeadlineKey, DeadlineKind};
use crate::domain::model::{
    Answer, BlockEntry, BlockTarget, GuildSettings, MemberOpens, Snowflake, TicketRecord,
    TicketState,
};
use crate::domain::ready::ReadyPool;
use crate::domain::tally::{GuildTallies, StaffTally, TallyChanges, TicketFigures};
use crate::domain::transcript::TranscriptDoc;

/// The schema this build writes and understands. Raise it when a table changes meaning; `open`
/// then refuses files from a newer build instead of misreading them.
pub const SCHEMA_VERSION: u64 = 1;

/// A group stops draining the queue past this many ops, so one commit stays bounded.
pub const MAX_GROUP_OPS: usize = 4096;

// Fixed names (never `type_name`), so the file does not depend on module paths.
const META: TableDefinition<&str, u64> = TableDefinition::new("ticketeer_meta");
const SETTINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("settings");
const COUNTERS: TableDefinition<u64, u64> = TableDefinition::new("counters");
const TICKETS: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("tickets");
const CHANNEL_INDEX: TableDefinition<u64, (u64, u64)> = TableDefinition::new("channel_index");
const TRANSCRIPTS: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("transcripts");
const DM_CHANNELS: TableDefinition<u64, u64> = TableDefinition::new("dm_channels");
/// Secrets by name (the link-signing key).
const SECRETS: TableDefinition<&str, &[u8]> = TableDefinition::new("secrets");
/// A closed ticket's transcript as a document the web page is rendered from.
const PAGES: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("transcript_pages");
/// Attachments kept at close: `(guild, number, attachment id)`.
const FILES: TableDefinition<(u64, u64, u64), &[u8]> = TableDefinition::new("ticket_files");

/// The name of the link-signing key in [`SECRETS`].
const LINK_KEY: &str = "link_key";
/// Earlier link keys whose links still verify (those of files a reshard merged into this one),
/// framed by [`codec::join_keys`]. A rotation clears them.
const EARLIER_LINK_KEYS: &str = "earlier_link_keys";
/// Armed deadlines: `(guild, number, kind byte)` → not-before time in Unix milliseconds.
const DEADLINES: TableDefinition<(u64, u64, u8), i64> = TableDefinition::new("deadlines");
/// A member's opens as the cooldown and daily cap count them: `(guild, user)`.
const INTAKE_MEMBERS: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("intake_members");
/// The blocklist: `(guild, 0 member | 1 role, id)`.
const INTAKE_BLOCKS: TableDefinition<(u64, u8, u64), &[u8]> = TableDefinition::new("intake_blocks");
/// A ticket's answers to the intake questions: `(guild, number)`.
const TICKET_ANSWERS: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("ticket_answers");

/// A guild's ready-channel pool (`domain::ready::ReadyPool`): guild → record.
const READY: TableDefinition<u64, &[u8]> = TableDefinition::new("ready_pools");
/// `(guild, ticket)` → `(channel, message, embed index)` of the ticket's close in the log.
const LOG_ENTRIES: TableDefinition<(u64, u64), (u64, u64, u64)> =
    TableDefinition::new("log_entries");

const SCHEMA_KEY: &str = "schema_version";

/// First bytes of every redb file; anything else at the path is not a database at all.
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Every commit is fsync'd before its writers are told it succeeded.
    #[default]
    Immediate,
    /// redb's `Durability::None`: commits may be lost on power failure. Benchmarks only.
    None,
}

#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub path: PathBuf,
    pub durability: Durability,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{} exists but is not a Ticketeer database; it was left untouched (move it away or choose another --data-dir)",
        path.display()
    )]
    Foreign { path: PathBuf },
    #[error(
        "{} cannot be read as a Ticketeer database ({reason}); it was left untouched (restore a backup or move it away)",
        path.display()
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "the database was written by a newer Ticketeer (schema version {found}, this build supports up to {supported}); upgrade Ticketeer"
    )]
    SchemaTooNew { found: u64, supported: u64 },
    #[error("database file I/O error: {0}")]
    Io(Arc<std::io::Error>),
    #[error("database error: {0}")]
    Db(#[source] Arc<redb::Error>),
    #[error(
        "{} is already open in another process (is another Ticketeer running?)",
        path.display()
    )]
    InUse { path: PathBuf },
    /// redb refuses a read-only open of a file that was not closed cleanly (a crash): it must
    /// be repaired first, which a read-only probe may not do.
    #[error("{} was not closed cleanly and needs a repair first", path.display())]
    RepairNeeded { path: PathBuf },
    #[error("the store writer panicked mid-commit")]
    WriterPanicked,
    #[error("a store task failed: {0}")]
    Task(#[source] Arc<tokio::task::JoinError>),
    #[error("a stored value could not be encoded or decoded: {0}")]
    Codec(#[source] codec::CodecError),
    #[error("the store has shut down")]
    Closed,
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(Arc::new(e))
    }
}

impl From<codec::CodecError> for StoreError {
    fn from(e: codec::CodecError) -> Self {
        StoreError::Codec(e)
    }
}

fn db_err(e: impl Into<redb::Error>) -> StoreError {
    StoreError::Db(Arc::new(e.into()))
}

/// What a guild actor needs to start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuildSnapshot {
    pub settings: GuildSettings,
    pub counter: u64,
    /// Every record whose channel may still exist: Provisioning, Open or Closed; by number.
    pub tickets: Vec<TicketRecord>,
    /// The intake's runtime state: members' opens and the blocklist.
    pub intake: IntakeSnapshot,
    /// The ready-channel pool, when the guild ever had one.
    pub ready: Option<ReadyPool>,
}

/// What the abuse controls check an open against, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeSnapshot {
    pub opens: Vec<(Snowflake, MemberOpens)>,
    pub blocks: Vec<(BlockTarget, BlockEntry)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    PutSettings {
        guild: Snowflake,
        settings: GuildSettings,
    },
    /// Stored as `max(old, value)`: a counter never goes back.
    SetCounter {
        guild: Snowflake,
        value: u64,
    },
    /// Keyed by `(record.guild, record.number)`; keeps the channel index in step.
    PutTicket(TicketRecord),
    /// Stored compressed.
    PutTranscript {
        guild: Snowflake,
        number: u64,
        html: String,
        text: String,
    },
    PutDmChannel {
        user: Snowflake,
        channel: Snowflake,
    },
    /// The link-signing key; with `replace` false, only when there is none yet (so two starts
    /// racing keep one key).
    PutLinkKey {
        key: Vec<u8>,
        replace: bool,
    },
    /// Stored compressed.
    PutTranscriptPage {
        guild: Snowflake,
        number: u64,
        doc: Box<TranscriptDoc>,
    },
    /// A ticket's transcript, its page and its kept files (retention); the record stays.
    DeleteTranscript {
        guild: Snowflake,
        number: u64,
    },
    /// Everything the store holds of a guild (a deletion request): settings, counter, records,
    /// transcripts, pages and files.
    ForgetGuild {
        guild: Snowflake,
    },
    /// An attachment kept at close.
    PutFile {
        guild: Snowflake,
        number: u64,
        id: Snowflake,
        file: StoredFile,
    },
    /// Arms a deadline, replacing the same key's earlier time.
    PutDeadline(Deadline),
    /// Disarms a deadline (fired or cancelled); nothing when it was not armed.
    RemoveDeadline(DeadlineKey),
    /// A member's opens as counted by the cooldown and daily cap.
    PutMemberOpens {
        guild: Snowflake,
        user: Snowflake,
        opens: MemberOpens,
    },
    /// Forgets a member's opens (an admin's cooldown reset).
    RemoveMemberOpens {
        guild: Snowflake,
        user: Snowflake,
    },
    PutBlock {
        guild: Snowflake,
        target: BlockTarget,
        entry: BlockEntry,
    },
    RemoveBlock {
        guild: Snowflake,
        target: BlockTarget,
    },
    /// A ticket's answers to its intake questions, replacing earlier ones.
    PutAnswers {
        guild: Snowflake,
        number: u64,
        answers: Vec<Answer>,
    },
    /// A guild's ready-channel pool, configuration and channels together.
    PutReadyPool {
        guild: Snowflake,
        pool: ReadyPool,
    },
    /// Where a ticket's close went in the log channel: the message, and the embed's place in it
    /// (log entries share messages), so a rating can amend it.
    PutLogEntry {
        guild: Snowflake,
        number: u64,
        at: LogPlace,
    },
}

/// One embed of one message in a log channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogPlace {
    pub channel: Snowflake,
    pub message: Snowflake,
    pub index: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreStats {
    /// Successful write transactions.
    pub commits: u64,
    /// Those of them that were fsync'd (the rest are made durable by the next durable one).
    pub durable_commits: u64,
    /// Ops those transactions carried.
    pub ops: u64,
    /// Read transactions (each a hop to the blocking pool).
    pub reads: u64,
    /// Time the successful commits took, fsync included, in microseconds.
    pub commit_micros: u64,
}

/// Resolves once the writes of one [`Store::write`] call are committed (or failed).
///
/// Dropping it does not cancel the write: the ops are already queued.
pub struct CommitReceipt {
    state: ReceiptState,
}

enum ReceiptState {
    Waiting(oneshot::Receiver<Result<(), StoreError>>),
    Done(Option<Result<(), StoreError>>),
}

impl Future for CommitReceipt {
    type Output = Result<(), StoreError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().state {
            // A dropped sender means the writer thread is gone without answering.
            ReceiptState::Waiting(rx) => Pin::new(rx)
                .poll(cx)
                .map(|r| r.unwrap_or(Err(StoreError::Closed))),
            ReceiptState::Done(result) => {
                Poll::Ready(result.take().unwrap_or(Err(StoreError::Closed)))
            }
        }
    }
}

/// An op already turned into the bytes the tables hold.
enum EncodedOp {
    Settings {
        guild: u64,
        bytes: Vec<u8>,
    },
    Counter {
        guild: u64,
        value: u64,
    },
    Ticket {
        key: (u64, u64),
        channel: Option<u64>,
        bytes: Vec<u8>,
        /// What the record adds to the statistics' sums.
        figures: Box<TicketFigures>,
    },
    Transcript {
        key: (u64, u64),
        bytes: Vec<u8>,
    },
    Dm {
        user: u64,
        channel: u64,
    },
    LinkKey {
        key: Vec<u8>,
        replace: bool,
    },
    Page {
        key: (u64, u64),
        bytes: Vec<u8>,
    },
    File {
        key: (u64, u64, u64),
        bytes: Vec<u8>,
    },
    DeleteTranscript {
        key: (u64, u64),
    },
    ForgetGuild {
        guild: u64,
    },
    Deadline {
        key: (u64, u64, u8),
        at: i64,
    },
    RemoveDeadline {
        key: (u64, u64, u8),
    },
    Intake(IntakeOp),
    Ready {
        guild: u64,
        bytes: Vec<u8>,
    },
    LogEntry {
        key: (u64, u64),
        at: (u64, u64, u64),
    },
}

/// An intake op already encoded: one put or remove in one of the intake tables.
enum IntakeOp {
    Member {
        key: (u64, u64),
        bytes: Option<Vec<u8>>,
    },
    Block {
        key: (u64, u8, u64),
        bytes: Option<Vec<u8>>,
    },
    Answers {
        key: (u64, u64),
        bytes: Vec<u8>,
    },
}

fn block_key(guild: u64, target: BlockTarget) -> (u64, u8, u64) {
    match target {
        BlockTarget::Member(id) => (guild, 0, id),
        BlockTarget::Role(id) => (guild, 1, id),
    }
}

fn encode_intake_op(op: WriteOp) -> Result<EncodedOp, StoreError> {
    let op = match op {
        WriteOp::PutMemberOpens { guild, user, opens } => IntakeOp::Member {
            key: (guild, user),
            bytes: Some(codec::encode_member_opens(&opens)?),
        },
        WriteOp::RemoveMemberOpens { guild, user } => IntakeOp::Member {
            key: (guild, user),
            bytes: None,
        },
        WriteOp::PutBlock {
            guild,
            target,
            entry,
        } => IntakeOp::Block {
            key: block_key(guild, target),
            bytes: Some(codec::encode_block(&entry)?),
        },
        WriteOp::RemoveBlock { guild, target } => IntakeOp::Block {
            key: block_key(guild, target),
            bytes: None,
        },
        WriteOp::PutAnswers {
            guild,
            number,
            answers,
        } => IntakeOp::Answers {
            key: (guild, number),
            bytes: codec::encode_answers(&answers)?,
        },
        other => return encode_op(other),
    };
    Ok(EncodedOp::Intake(op))
}

fn deadline_key(key: DeadlineKey) -> (u64, u64, u8) {
    (key.guild, key.number, key.kind.to_byte())
}

fn encode_op(op: WriteOp) -> Result<EncodedOp, StoreError> {
    Ok(match op {
        WriteOp::PutSettings { guild, settings } => EncodedOp::Settings {
            guild,
            bytes: codec::encode_settings(&settings)?,
        },
        WriteOp::SetCounter { guild, value } => EncodedOp::Counter { guild, value },
        WriteOp::PutTicket(record) => EncodedOp::Ticket {
            key: (record.guild, record.number),
            channel: record.channel,
            bytes: codec::encode_ticket(&record)?,
            figures: Box::new(TicketFigures::of(&record)),
        },
        WriteOp::PutTranscript {
            guild,
            number,
            html,
            text,
        } => EncodedOp::Transcript {
            key: (guild, number),
            bytes: codec::encode_transcript(&html, &text)?,
        },
        WriteOp::PutDmChannel { user, channel } => EncodedOp::Dm { user, channel },
        WriteOp::PutLinkKey { key, replace } => EncodedOp::LinkKey { key, replace },
        WriteOp::DeleteTranscript { guild, number } => EncodedOp::DeleteTranscript {
            key: (guild, number),
        },
        WriteOp::ForgetGuild { guild } => EncodedOp::ForgetGuild { guild },
        WriteOp::PutTranscriptPage { guild, number, doc } => EncodedOp::Page {
            key: (guild, number),
            bytes: codec::encode_page(&doc)?,
        },
        WriteOp::PutFile {
            guild,
            number,
            id,
            file,
        } => EncodedOp::File {
            key: (guild, number, id),
            bytes: codec::encode_file(&file)?,
        },
        WriteOp::PutDeadline(deadline) => EncodedOp::Deadline {
            key: deadline_key(deadline.key),
            at: deadline.at,
        },
        WriteOp::RemoveDeadline(key) => EncodedOp::RemoveDeadline {
            key: deadline_key(key),
        },
        WriteOp::PutReadyPool { guild, pool } => EncodedOp::Ready {
            guild,
            bytes: codec::encode_ready(&pool)?,
        },
        WriteOp::PutLogEntry { guild, number, at } => EncodedOp::LogEntry {
            key: (guild, number),
            at: (at.channel, at.message, at.index),
        },
        intake => return encode_intake_op(intake),
    })
}

struct Request {
    ops: Vec<EncodedOp>,
    /// Needs an fsync'd commit before its receipt resolves.
    durable: bool,
    reply: oneshot::Sender<Result<(), StoreError>>,
}

#[derive(Default)]
struct Counters {
    commits: AtomicU64,
    durable_commits: AtomicU64,
    ops: AtomicU64,
    reads: AtomicU64,
    commit_micros: AtomicU64,
}

struct Inner {
    /// `None` once closed. Readers clone the Arc for the length of one read only, so `shutdown`
    /// can wait them out and be the last owner.
    db: RwLock<Option<Arc<Database>>>,
    /// `None` only while dropping, so the writer sees the queue close and exits.
    tx: Mutex<Option<mpsc::Sender<Request>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    counters: Arc<Counters>,
    /// DM channel ids: asked for every ticket opened, so an answer must not cost a blocking-pool
    /// hop and a read transaction.
    dm_cache: Mutex<DmCache>,
}

/// Entries the DM cache holds before it starts over (each is 16 bytes plus map overhead).
const DM_CACHE_MAX: usize = 100_000;

/// The DM channel ids the store holds, in memory. Only this process writes the table, and every
/// write passes through [`Inner::remember_dm`], so while the whole table fits (it is loaded at
/// open) the cache is `complete` and a miss means "none": a member's first ticket then costs no
/// read. Past [`DM_CACHE_MAX`] it starts over as a plain cache in front of the table.
#[derive(Default)]
struct DmCache {
    channels: HashMap<Snowflake, Snowflake>,
    complete: bool,
}

/// What the DM cache knows of a user.
#[derive(Debug, PartialEq)]
enum DmLookup {
    Known(Snowflake),
    /// The cache holds the whole table, and not this user.
    Absent,
    /// Ask the table.
    Unknown,
}

impl DmCache {
    fn lookup(&self, user: Snowflake) -> DmLookup {
        match self.channels.get(&user) {
            Some(channel) => DmLookup::Known(*channel),
            None if self.complete => DmLookup::Absent,
            None => DmLookup::Unknown,
        }
    }

    fn insert(&mut self, user: Snowflake, channel: Snowflake) {
        if self.channels.len() >= DM_CACHE_MAX && !self.channels.contains_key(&user) {
            self.channels.clear();
            self.complete = false;
        }
        self.channels.insert(user, channel);
    }
}

impl Inner {
    fn remember_dm(&self, user: Snowflake, channel: Snowflake) {
        if let Ok(mut cache) = self.dm_cache.lock() {
            cache.insert(user, channel);
        }
    }
    /// Blocking and idempotent: commits what was queued, stops the writer, and releases the file.
    fn shutdown(&self) {
        // Closing the queue ends the writer once it has committed and answered what is queued.
        if let Ok(mut tx) = self.tx.lock() {
            tx.take();
        }
        let handle = self.writer.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = handle
            && handle.join().is_err()
        {
            tracing::error!("store writer thread panicked");
        }
        let Some(mut db) = self.db.write().ok().and_then(|mut db| db.take()) else {
            return;
        };
        // Reads in flight still hold the database; they are single short transactions.
        let deadline = std::time::Instant::now() + CLOSE_WAIT;
        loop {
            match Arc::try_unwrap(db) {
                Ok(db) => {
                    if let Err(e) = db.close() {
                        tracing::warn!(error = %e, "closing the database failed");
                    }
                    return;
                }
                Err(shared) if std::time::Instant::now() < deadline => {
                    db = shared;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(_) => {
                    tracing::warn!(
                        "reads still running at store close; the file is released when they end"
                    );
                    return;
                }
            }
        }
    }
}

/// How long a close waits for reads in flight before leaving the file to them.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

impl Drop for Inner {
    fn drop(&mut self) {
        // So reopening the same path right after dropping the last Store works.
        self.shutdown();
    }
}

/// Handle to the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("stats", &self.stats())
            .finish()
    }
}

impl Store {
    /// Blocking; creates the file (and parent dir) if absent. A file that is not a redb database,
    /// or a redb database without our schema-version table, or an unreadable one gives
    /// [`StoreError::Foreign`] / [`StoreError::Corrupt`], and the file is not modified. A fresh
    /// file gets the schema version.
    pub fn open(config: StoreConfig) -> Result<Store, StoreError> {
        let path = config.path.clone();
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            fs::create_dir_all(parent)?;
        }
        let fresh = match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => return Err(StoreError::Foreign { path }),
            Ok(meta) => meta.len() == 0,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(e.into()),
        };
        let db = if fresh {
            create_fresh(&path)?
        } else {
            probe_existing(&path)?;
            open_existing(&path)?
        };
        let dm_cache = load_dm_cache(&db)?;
        let db = Arc::new(db);
        let counters = Arc::new(Counters::default());
        let (tx, rx) = mpsc::channel();
        let writer = {
            let db = db.clone();
            let counters = counters.clone();
            let durability = config.durability;
            std::thread::Builder::new()
                .name("store-writer".into())
                .spawn(move || writer_loop(&db, durability, &counters, rx))?
        };
        tracing::info!(path = %path.display(), "store opened");
        Ok(Store {
            inner: Arc::new(Inner {
                db: RwLock::new(Some(db)),
                tx: Mutex::new(Some(tx)),
                writer: Mutex::new(Some(writer)),
                counters,
                dm_cache: Mutex::new(dm_cache),
            }),
        })
    }

    /// Queue writes; the receipt resolves once they are durably committed. All ops of one call
    /// commit atomically together. Dropping the receipt does not cancel the write.
    pub fn write(&self, ops: Vec<WriteOp>) -> CommitReceipt {
        self.write_with(ops, true)
    }

    /// Queue writes that may be lost in a crash until the next durable commit: the receipt
    /// resolves once they are committed and visible, without waiting for an fsync. For state the
    /// bot can rebuild (an Open ticket is adopted from its channel; a cached DM channel is asked
    /// again), so that only the writes that must survive cost a disk flush.
    pub fn write_lazy(&self, ops: Vec<WriteOp>) -> CommitReceipt {
        self.write_with(ops, false)
    }

    fn write_with(&self, ops: Vec<WriteOp>, durable: bool) -> CommitReceipt {
        for op in &ops {
            if let WriteOp::PutDmChannel { user, channel } = op {
                self.inner.remember_dm(*user, *channel);
            }
        }
        let encoded = match ops.into_iter().map(encode_op).collect() {
            Ok(encoded) => encoded,
            Err(e) => {
                tracing::warn!(error = %e, "store write refused");
                return CommitReceipt {
                    state: ReceiptState::Done(Some(Err(e))),
                };
            }
        };
        self.enqueue(encoded, durable)
    }

    fn enqueue(&self, ops: Vec<EncodedOp>, durable: bool) -> CommitReceipt {
        let (reply, rx) = oneshot::channel();
        let request = Request {
            ops,
            durable,
            reply,
        };
        let sent = match self.inner.tx.lock() {
            Ok(tx) => tx.as_ref().is_some_and(|tx| tx.send(request).is_ok()),
            Err(_) => false,
        };
        if !sent {
            return CommitReceipt {
                state: ReceiptState::Done(Some(Err(StoreError::Closed))),
            };
        }
        CommitReceipt {
            state: ReceiptState::Waiting(rx),
        }
    }

    /// Resolves when everything queued before it is committed.
    pub async fn flush(&self) -> Result<(), StoreError> {
        // The queue is FIFO and the writer answers a group only after its commit, so an empty
        // request is answered after every earlier one; durable, so lazy writes get fsync'd.
        self.enqueue(Vec::new(), true).await
    }

    /// Closes the store for every handle: what was queued is committed, later writes and reads
    /// get [`StoreError::Closed`], and the file is released (so the same path can be opened again
    /// in this process) by the time this returns.
    pub async fn close(self) {
        let inner = self.inner.clone();
        drop(self);
        if let Err(e) = tokio::task::spawn_blocking(move || inner.shutdown()).await {
            tracing::warn!(error = %e, "store close task failed");
        }
    }

    /// False once [`Store::close`] ran (or the store is shutting down).
    pub fn is_open(&self) -> bool {
        self.inner.db.read().is_ok_and(|db| db.is_some())
    }

    /// Replaces the link-signing key: every link signed with the old one, or with any earlier
    /// key kept beside it, stops verifying.
    pub async fn rotate_link_key(&self, fresh: Vec<u8>) -> Result<(), StoreError> {
        self.write(vec![WriteOp::PutLinkKey {
            key: fresh,
            replace: true,
        }])
        .await
    }

    pub fn stats(&self) -> StoreStats {
        StoreStats {
            commits: self.inner.counters.commits.load(Ordering::Relaxed),
            durable_commits: self.inner.counters.durable_commits.load(Ordering::Relaxed),
            ops: self.inner.counters.ops.load(Ordering::Relaxed),
            reads: self.inner.counters.reads.load(Ordering::Relaxed),
            commit_micros: self.inner.counters.commit_micros.load(Ordering::Relaxed),
        }
    }

    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self
            .inner
            .db
            .read()
            .ok()
            .and_then(|db| db.clone())
            .ok_or(StoreError::Closed)?;
        self.inner.counters.reads.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(move || {
            let txn = db.begin_read().map_err(db_err)?;
            f(&txn)
        })
        .await
        .map_err(|e| StoreError::Task(Arc::new(e)))?
    }

    /// The guild's settings, counter and live tickets; defaults when the guild is unknown.
    pub async fn load_guild(&self, guild: Snowflake) -> Result<GuildSnapshot, StoreError> {
        self.read(move |txn| load_guild_in(txn, guild)).await
    }

    /// Every guild the store knows of, read in one transaction.
    pub async fn load_all(&self) -> Result<Vec<(Snowflake, GuildSnapshot)>, StoreError> {
        self.read(|txn| {
            let mut guilds = BTreeSet::new();
            if let Some(table) = open_ro(txn, SETTINGS)? {
                for entry in table.iter().map_err(db_err)? {
                    guilds.insert(entry.map_err(db_err)?.0.value());
                }
            }
            if let Some(table) = open_ro(txn, COUNTERS)? {
                for entry in table.iter().map_err(db_err)? {
                    guilds.insert(entry.map_err(db_err)?.0.value());
                }
            }
            let mut pools = read_pools(txn)?;
            guilds.extend(pools.keys().copied());
            let mut tickets: BTreeMap<u64, Vec<TicketRecord>> = BTreeMap::new();
            if let Some(table) = open_ro(txn, TICKETS)? {
                for entry in table.iter().map_err(db_err)? {
                    let (key, value) = entry.map_err(db_err)?;
                    let (guild, number) = key.value();
                    guilds.insert(guild);
                    if let Some(record) = decode_ticket_lenient(guild, number, value.value())
                        && is_live(record.state)
                    {
                        tickets.entry(guild).or_default().push(record);
                    }
                }
            }
            let settings = open_ro(txn, SETTINGS)?;
            let counters = open_ro(txn, COUNTERS)?;
            let mut out = Vec::with_capacity(guilds.len());
            for guild in guilds {
                let settings = match &settings {
                    Some(t) => read_settings(t, guild)?,
                    None => GuildSettings::default(),
                };
                let counter = match &counters {
                    Some(t) => t.get(guild).map_err(db_err)?.map_or(0, |v| v.value()),
                    None => 0,
                };
                let tickets = tickets.remove(&guild).unwrap_or_default();
                out.push((
                    guild,
                    GuildSnapshot {
                        settings,
                        counter,
                        tickets,
                        intake: intake_in(txn, guild)?,
                        ready: pools.remove(&guild),
                    },
                ));
            }
            Ok(out)
        })
        .await
    }

    /// A ticket's answers to its intake questions (empty when it has none).
    pub async fn answers(&self, guild: Snowflake, number: u64) -> Result<Vec<Answer>, StoreError> {
        self.read(move |txn| {
            let Some(table) = open_ro(txn, TICKET_ANSWERS)? else {
                return Ok(Vec::new());
            };
            match table.get((guild, number)).map_err(db_err)? {
                Some(bytes) => Ok(codec::decode_answers(bytes.value())?),
                None => Ok(Vec::new()),
            }
        })
        .await
    }

    /// Every armed deadline, read in one transaction; a kind this build does not know is left
    /// in the table (a newer build armed it) and skipped with a warning.
    pub async fn load_deadlines(&self) -> Result<Vec<Deadline>, StoreError> {
        self.read(|txn| {
            let Some(table) = open_ro(txn, DEADLINES)? else {
                return Ok(Vec::new());
            };
            let mut out = Vec::with_capacity(table.len().map_err(db_err)? as usize);
            for entry in table.iter().map_err(db_err)? {
                let (key, at) = entry.map_err(db_err)?;
                let (guild, number, kind) = key.value();
                match DeadlineKind::from_byte(kind) {
                    Some(kind) => out.push(Deadline {
                        key: DeadlineKey {
                            guild,
                            number,
                            kind,
                        },
                        at: at.value(),
                    }),
                    None => tracing::warn!(
                        guild.id = guild,
                        ticket.number = number,
                        kind,
                        "skipping a deadline of an unknown kind"
                    ),
                }
            }
            Ok(out)
        })
        .await
    }

    pub async fn ticket(
        &self,
        guild: Snowflake,
        number: u64,
    ) -> Result<Option<TicketRecord>, StoreError> {
        self.read(move |txn| ticket_in(txn, (guild, number))).await
    }

    /// Where ticket `number`'s close went in the log channel, if it was posted.
    pub async fn log_entry(
        &self,
        guild: Snowflake,
        number: u64,
    ) -> Result<Option<LogPlace>, StoreError> {
        self.read(move |txn| {
            let Some(table) = open_ro(txn, LOG_ENTRIES)? else {
                return Ok(None);
            };
            let found = table.get((guild, number)).map_err(db_err)?;
            Ok(found.map(|v| {
                let (channel, message, index) = v.value();
                LogPlace {
                    channel,
                    message,
                    index,
                }
            }))
        })
        .await
    }

    /// Every record of every guild (retention looks at them all; rare, so one long read).
    pub async fn every_ticket(&self) -> Result<Vec<TicketRecord>, StoreError> {
        self.read(|txn| {
            let Some(table) = open_ro(txn, TICKETS)? else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            for entry in table.iter().map_err(db_err)? {
                let (key, value) = entry.map_err(db_err)?;
                let (guild, number) = key.value();
                out.extend(decode_ticket_lenient(guild, number, value.value()));
            }
            Ok(out)
        })
        .await
    }

    /// `(guild, number)` of every transcript the store holds.
    pub async fn transcript_keys(&self) -> Result<BTreeSet<(Snowflake, u64)>, StoreError> {
        self.read(|txn| {
            let mut keys = BTreeSet::new();
            for table in [TRANSCRIPTS, PAGES] {
                if let Some(table) = open_ro(txn, table)? {
                    for entry in table.iter().map_err(db_err)? {
                        keys.insert(entry.map_err(db_err)?.0.value());
                    }
                }
            }
            Ok(keys)
        })
        .await
    }

    /// Every record of the guild, in every state, by number.
    pub async fn all_tickets(&self, guild: Snowflake) -> Result<Vec<TicketRecord>, StoreError> {
        self.read(move |txn| guild_tickets(txn, guild, |_| true))
            .await
    }

    /// A guild's statistics' sums: the period from `since_hour` (`None`: all time) and tickets
    /// per hour from `recent_from` (hours since the Unix epoch). Reads sums, never records.
    pub async fn guild_tallies(
        &self,
        guild: Snowflake,
        since_hour: Option<u64>,
        recent_from: u64,
    ) -> Result<GuildTallies, StoreError> {
        self.read(move |txn| tally::guild_tallies(txn, guild, since_hour, recent_from))
            .await
    }

    /// One staff member's statistics' sums in a guild.
    pub async fn staff_tally(
        &self,
        guild: Snowflake,
        user: Snowflake,
    ) -> Result<StaffTally, StoreError> {
        self.read(move |txn| tally::staff_tally(txn, guild, user))
            .await
    }

    /// The record whose channel this is, in whatever state (a deleted ticket keeps its channel id
    /// in the record, and so in the index).
    pub async fn ticket_by_channel(
        &self,
        channel: Snowflake,
    ) -> Result<Option<TicketRecord>, StoreError> {
        self.read(move |txn| {
            let Some(index) = open_ro(txn, CHANNEL_INDEX)? else {
                return Ok(None);
            };
            let Some(key) = index.get(channel).map_err(db_err)?.map(|v| v.value()) else {
                return Ok(None);
            };
            ticket_in(txn, key)
        })
        .await
    }

    /// `(html, text)` of a closed ticket's transcript.
    pub async fn transcript(
        &self,
        guild: Snowflake,
        number: u64,
    ) -> Result<Option<(String, String)>, StoreError> {
        self.read(move |txn| {
            let Some(table) = open_ro(txn, TRANSCRIPTS)? else {
                return Ok(None);
            };
            match table.get((guild, number)).map_err(db_err)? {
                Some(bytes) => Ok(Some(codec::decode_transcript(bytes.value())?)),
                None => Ok(None),
            }
        })
        .await
    }

    /// The link-signing key, creating it from `fresh` (durably) when the store has none yet.
    pub async fn link_key_or_insert(&self, fresh: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        if let Some(key) = self.link_key().await? {
            return Ok(key);
        }
        self.write(vec![WriteOp::PutLinkKey {
            key: fresh,
            replace: false,
        }])
        .await?;
        self.link_key().await?.ok_or(StoreError::Closed)
    }

    /// The earlier keys whose links still verify (see [`EARLIER_LINK_KEYS`]).
    pub async fn earlier_link_keys(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        self.read(|txn| Ok(link_keys_in(txn)?.earlier)).await
    }

    pub async fn link_key(&self) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(|txn| Ok(link_keys_in(txn)?.current)).await
    }

    /// The document a closed ticket's web page is rendered from.
    pub async fn transcript_page(
        &self,
        guild: Snowflake,
        number: u64,
    ) -> Result<Option<TranscriptDoc>, StoreError> {
        match self.transcript_page_bytes(guild, number).await? {
            Some(bytes) => Ok(Some(codec::decode_page(&bytes)?)),
            None => Ok(None),
        }
    }

    /// A transcript page's stored bytes, undecoded ([`codec::decode_page`] reads them): what a
    /// cached rendering is checked against.
    pub async fn transcript_page_bytes(
        &self,
        guild: Snowflake,
        number: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(move |txn| {
            let Some(table) = open_ro(txn, PAGES)? else {
                return Ok(None);
            };
            Ok(table
                .get((guild, number))
                .map_err(db_err)?
                .map(|b| b.value().to_vec()))
        })
        .await
    }

    /// An attachment kept at the ticket's close.
    pub async fn file(
        &self,
        guild: Snowflake,
        number: u64,
        id: Snowflake,
    ) -> Result<Option<StoredFile>, StoreError> {
        self.read(move |txn| {
            let Some(table) = open_ro(txn, FILES)? else {
                return Ok(None);
            };
            match table.get((guild, number, id)).map_err(db_err)? {
                Some(bytes) => Ok(Some(codec::decode_file(bytes.value())?)),
                None => Ok(None),
            }
        })
        .await
    }

    pub async fn dm_channel(&self, user: Snowflake) -> Result<Option<Snowflake>, StoreError> {
        let cached = match self.inner.dm_cache.lock() {
            Ok(cache) => cache.lookup(user),
            Err(_) => DmLookup::Unknown,
        };
        match cached {
            DmLookup::Known(channel) => return Ok(Some(channel)),
            DmLookup::Absent => return Ok(None),
            DmLookup::Unknown => {}
        }
        let found = self
            .read(move |txn| {
                let Some(table) = open_ro(txn, DM_CHANNELS)? else {
                    return Ok(None);
                };
                Ok(table.get(user).map_err(db_err)?.map(|v| v.value()))
            })
            .await?;
        if let Some(channel) = found {
            self.inner.remember_dm(user, channel);
        }
        Ok(found)
    }
}

fn is_live(state: TicketState) -> bool {
    matches!(
        state,
        TicketState::Provisioning | TicketState::Open | TicketState::Closed
    )
}

/// The DM cache as the file holds it: the whole table when it fits, else empty and incomplete.
fn load_dm_cache(db: &Database) -> Result<DmCache, StoreError> {
    let txn = db.begin_read().map_err(db_err)?;
    let Some(table) = open_ro(&txn, DM_CHANNELS)? else {
        return Ok(DmCache {
            complete: true,
            ..DmCache::default()
        });
    };
    if table.len().map_err(db_err)? as usize > DM_CACHE_MAX {
        return Ok(DmCache::default());
    }
    let mut channels = HashMap::new();
    for entry in table.iter().map_err(db_err)? {
        let (user, channel) = entry.map_err(db_err)?;
        channels.insert(user.value(), channel.value());
    }
    Ok(DmCache {
        channels,
        complete: true,
    })
}

/// A table that was never created reads as empty (a file from before the table existed).
fn open_ro<K: redb::Key + 'static, V: redb::Value + 'static>(
    txn: &ReadTransaction,
    def: TableDefinition<K, V>,
) -> Result<Option<redb::ReadOnlyTable<K, V>>, StoreError> {
    match txn.open_table(def) {
        Ok(table) => Ok(Some(table)),
        Err(TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(db_err(e)),
    }
}

fn read_settings(
    table: &redb::ReadOnlyTable<u64, &[u8]>,
    guild: u64,
) -> Result<GuildSettings, StoreError> {
    match table.get(guild).map_err(db_err)? {
        // An undecodable settings value is an error, not defaults: defaults would be written
        // back over the guild's real configuration on its next change.
        Some(bytes) => codec::decode_settings(bytes.value()).map_err(|e| {
            tracing::warn!(guild.id = guild, error = %e, "stored guild settings unreadable");
            StoreError::from(e)
        }),
        None => Ok(GuildSettings::default()),
    }
}

/// Bulk loads skip a damaged record with a warning, so one bad value cannot keep a whole guild
/// from starting; the counter still guards its number against reuse.
fn decode_ticket_lenient(guild: u64, number: u64, bytes: &[u8]) -> Option<TicketRecord> {
    match codec::decode_ticket(bytes) {
        Ok(record) => Some(record),
        Err(e) => {
            tracing::warn!(guild.id = guild, ticket.number = number, error = %e, "skipping unreadable ticket record");
            None
        }
    }
}

fn ticket_in(txn: &ReadTransaction, key: (u64, u64)) -> Result<Option<TicketRecord>, StoreError> {
    let Some(table) = open_ro(txn, TICKETS)? else {
        return Ok(None);
    };
    match table.get(key).map_err(db_err)? {
        Some(bytes) => Ok(Some(codec::decode_ticket(bytes.value())?)),
        None => Ok(None),
    }
}

fn guild_tickets(
    txn: &ReadTransaction,
    guild: u64,
    keep: impl Fn(TicketState) -> bool,
) -> Result<Vec<TicketRecord>, StoreError> {
    let Some(table) = open_ro(txn, TICKETS)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in table
        .range((guild, 0u64)..=(guild, u64::MAX))
        .map_err(db_err)?
    {
        let (key, value) = entry.map_err(db_err)?;
        let (_, number) = key.value();
        if let Some(record) = decode_ticket_lenient(guild, number, value.value())
            && keep(record.state)
        {
            out.push(record);
        }
    }
    Ok(out)
}

fn load_guild_in(txn: &ReadTransaction, guild: u64) -> Result<GuildSnapshot, StoreError> {
    let settings = match open_ro(txn, SETTINGS)? {
        Some(table) => read_settings(&table, guild)?,
        None => GuildSettings::default(),
    };
    let counter = match open_ro(txn, COUNTERS)? {
        Some(table) => table.get(guild).map_err(db_err)?.map_or(0, |v| v.value()),
        None => 0,
    };
    let tickets = guild_tickets(txn, guild, is_live)?;
    let ready = match open_ro(txn, READY)? {
        Some(table) => match table.get(guild).map_err(db_err)? {
            Some(bytes) => decode_ready_lenient(guild, bytes.value()),
            None => None,
        },
        None => None,
    };
    Ok(GuildSnapshot {
        settings,
        counter,
        tickets,
        intake: intake_in(txn, guild)?,
        ready,
    })
}

/// A guild's intake state; a damaged value is skipped with a warning (it only relaxes a
/// control for one member or entry).
fn intake_in(txn: &ReadTransaction, guild: u64) -> Result<IntakeSnapshot, StoreError> {
    let mut out = IntakeSnapshot::default();
    if let Some(table) = open_ro(txn, INTAKE_MEMBERS)? {
        for entry in table
            .range((guild, 0)..=(guild, u64::MAX))
            .map_err(db_err)?
        {
            let (key, value) = entry.map_err(db_err)?;
            match codec::decode_member_opens(value.value()) {
                Ok(opens) => out.opens.push((key.value().1, opens)),
                Err(e) => tracing::warn!(guild.id = guild, error = %e, "skipping member opens"),
            }
        }
    }
    if let Some(table) = open_ro(txn, INTAKE_BLOCKS)? {
        for entry in table
            .range((guild, 0, 0)..=(guild, u8::MAX, u64::MAX))
            .map_err(db_err)?
        {
            let (key, value) = entry.map_err(db_err)?;
            let (_, kind, id) = key.value();
            let target = match kind {
                0 => BlockTarget::Member(id),
                1 => BlockTarget::Role(id),
                _ => continue,
            };
            match codec::decode_block(value.value()) {
                Ok(block) => out.blocks.push((target, block)),
                Err(e) => tracing::warn!(guild.id = guild, error = %e, "skipping a block entry"),
            }
        }
    }
    Ok(out)
}

/// Every stored pool; a damaged one is skipped with a warning (its channels stay in Discord,
/// hidden, and the next listing takes them back by their topic).
fn read_pools(txn: &ReadTransaction) -> Result<BTreeMap<u64, ReadyPool>, StoreError> {
    let mut out = BTreeMap::new();
    if let Some(table) = open_ro(txn, READY)? {
        for entry in table.iter().map_err(db_err)? {
            let (guild, bytes) = entry.map_err(db_err)?;
            if let Some(pool) = decode_ready_lenient(guild.value(), bytes.value()) {
                out.insert(guild.value(), pool);
            }
        }
    }
    Ok(out)
}

fn decode_ready_lenient(guild: u64, bytes: &[u8]) -> Option<ReadyPool> {
    match codec::decode_ready(bytes) {
        Ok(pool) => Some(pool),
        Err(e) => {
            tracing::warn!(guild.id = guild, error = %e, "skipping an unreadable ready-channel pool");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Opening

fn create_fresh(path: &Path) -> Result<Database, StoreError> {
    let db = guarded_open(path, || Builder::new().create(path))?;
    let txn = db.begin_write().map_err(db_err)?;
    {
        create_tables(&txn)?;
        let mut meta = txn.open_table(META).map_err(db_err)?;
        meta.insert(SCHEMA_KEY, SCHEMA_VERSION).map_err(db_err)?;
    }
    tally::rebuild_if_missing(&txn)?;
    txn.commit().map_err(db_err)?;
    Ok(db)
}

fn create_tables(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(META).map_err(db_err)?;
    txn.open_table(SETTINGS).map_err(db_err)?;
    txn.open_table(COUNTERS).map_err(db_err)?;
    txn.open_table(TICKETS).map_err(db_err)?;
    txn.open_table(CHANNEL_INDEX).map_err(db_err)?;
    txn.open_table(TRANSCRIPTS).map_err(db_err)?;
    txn.open_table(DM_CHANNELS).map_err(db_err)?;
    txn.open_table(SECRETS).map_err(db_err)?;
    txn.open_table(PAGES).map_err(db_err)?;
    txn.open_table(FILES).map_err(db_err)?;
    txn.open_table(DEADLINES).map_err(db_err)?;
    txn.open_table(INTAKE_MEMBERS).map_err(db_err)?;
    txn.open_table(INTAKE_BLOCKS).map_err(db_err)?;
    txn.open_table(TICKET_ANSWERS).map_err(db_err)?;
    txn.open_table(READY).map_err(db_err)?;
    txn.open_table(LOG_ENTRIES).map_err(db_err)?;
    txn.open_table(tally::STATS_HOURS).map_err(db_err)?;
    txn.open_table(tally::STATS_STAFF).map_err(db_err)?;
    Ok(())
}

/// Decides, without writing to `path`, whether it holds our database.
fn probe_existing(path: &Path) -> Result<(), StoreError> {
    let mut head = [0u8; REDB_MAGIC.len()];
    let mut file = fs::File::open(path)?;
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    drop(file);
    if filled < head.len() || head != REDB_MAGIC {
        return Err(StoreError::Foreign {
            path: path.to_owned(),
        });
    }
    let opened = guarded_open(path, || Builder::new().open_read_only(path));
    match opened {
        Ok(ro) => {
            let verdict = check_schema(path, &ro);
            let _ = ro.close();
            verdict
        }
        // redb refuses a read-only open of a file that was not closed cleanly (a crash) because
        // it would have to repair it. Repair a throwaway copy instead and look at that.
        Err(StoreError::RepairNeeded { .. }) => probe_copy(path),
        Err(e) => Err(e),
    }
}

fn probe_copy(path: &Path) -> Result<(), StoreError> {
    let mut copy_name = path.file_name().unwrap_or_default().to_os_string();
    copy_name.push(format!(".probe-{}", std::process::id()));
    let copy = path.with_file_name(copy_name);
    fs::copy(path, &copy)?;
    let verdict = guarded_open(&copy, || {
        Builder::new().set_check_integrity_on_open(true).open(&copy)
    })
    .map_err(|e| match e {
        // Errors about the copy are errors about the original.
        StoreError::Corrupt { reason, .. } => StoreError::Corrupt {
            path: path.to_owned(),
            reason,
        },
        StoreError::Foreign { .. } => StoreError::Foreign {
            path: path.to_owned(),
        },
        other => other,
    })
    .and_then(|db| check_schema(path, &db));
    if let Err(e) = fs::remove_file(&copy) {
        tracing::warn!(path = %copy.display(), error = %e, "could not remove database probe copy");
    }
    verdict
}

fn check_schema(path: &Path, db: &impl ReadableDatabase) -> Result<(), StoreError> {
    let foreign = || StoreError::Foreign {
        path: path.to_owned(),
    };
    let txn = db.begin_read().map_err(|e| StoreError::Corrupt {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let meta = match txn.open_table(META) {
        Ok(meta) => meta,
        Err(TableError::TableDoesNotExist(_))
        | Err(TableError::TableTypeMismatch { .. })
        | Err(TableError::TableIsMultimap(_)) => return Err(foreign()),
        Err(e) => {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                reason: e.to_string(),
            });
        }
    };
    let found = meta
        .get(SCHEMA_KEY)
        .map_err(|e| StoreError::Corrupt {
            path: path.to_owned(),
            reason: e.to_string(),
        })?
        .map(|v| v.value())
        .ok_or_else(foreign)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn open_existing(path: &Path) -> Result<Database, StoreError> {
    let db = guarded_open(path, || Builder::new().open(path))?;
    // A file from an older build of this schema may lack a table added since.
    let txn = db.begin_write().map_err(db_err)?;
    create_tables(&txn)?;
    tally::rebuild_if_missing(&txn)?;
    txn.commit().map_err(db_err)?;
    Ok(db)
}

/// Runs a redb open, turning its errors (and a panic, which debug builds of redb raise on some
/// damaged files) into errors a self-hoster can act on.
fn guarded_open<T>(
    path: &Path,
    open: impl FnOnce() -> Result<T, DatabaseError>,
) -> Result<T, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        path: path.to_owned(),
        reason,
    };
    match catch_unwind(AssertUnwindSafe(open)) {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(DatabaseError::DatabaseAlreadyOpen)) => Err(StoreError::InUse {
            path: path.to_owned(),
        }),
        Ok(Err(DatabaseError::RepairAborted)) => Err(StoreError::RepairNeeded {
            path: path.to_owned(),
        }),
        Ok(Err(DatabaseError::UpgradeRequired(v))) => {
            Err(corrupt(format!("old redb file format {v}")))
        }
        Ok(Err(DatabaseError::Storage(StorageError::Io(e))))
            if e.kind() == std::io::ErrorKind::InvalidData =>
        {
            Err(corrupt(e.to_string()))
        }
        Ok(Err(DatabaseError::Storage(StorageError::Io(e)))) => Err(e.into()),
        Ok(Err(e)) => Err(corrupt(e.to_string())),
        Err(_) => Err(corrupt("the file structure is damaged".into())),
    }
}

// ---------------------------------------------------------------------------------------------
// The writer thread

/// How long a group waits for company while writes keep coming: under load many guilds' numbers
/// share one fsync, and lazy writes (which nobody waits for) share one transaction instead of
/// paying one each; an idle store commits at once.
const GROUP_LINGER: Duration = Duration::from_millis(4);
/// A group this large commits without lingering.
const LINGER_ENOUGH_OPS: usize = 256;
/// A commit that finished less than this ago means the store is busy.
const BUSY_WINDOW: Duration = Duration::from_millis(20);

fn writer_loop(
    db: &Database,
    durability: Durability,
    counters: &Counters,
    rx: mpsc::Receiver<Request>,
) {
    // Non-durable commits since the last fsync'd one.
    let mut lazy_pending = false;
    let mut last_commit: Option<Instant> = None;
    // Ends when every Store handle is gone and the queue is drained.
    while let Ok(first) = rx.recv() {
        let mut n_ops = first.ops.len();
        let mut durable = first.durable;
        let mut group = vec![first];
        let busy = last_commit.is_some_and(|t| t.elapsed() < BUSY_WINDOW);
        let linger_until = Instant::now() + GROUP_LINGER;
        let drain = |group: &mut Vec<Request>, n_ops: &mut usize, durable: &mut bool| {
            while *n_ops < MAX_GROUP_OPS {
                let Ok(next) = rx.try_recv() else { break };
                *n_ops += next.ops.len();
                *durable |= next.durable;
                group.push(next);
            }
        };
        drain(&mut group, &mut n_ops, &mut durable);
        if busy && n_ops < LINGER_ENOUGH_OPS {
            // Asleep rather than blocked on the channel: a blocked receiver turns every send
            // into a wake-up (a futex call and a context switch per write), a sleeping one none.
            std::thread::sleep(linger_until.saturating_duration_since(Instant::now()));
            drain(&mut group, &mut n_ops, &mut durable);
        }
        let fsync = durable && durability == Durability::Immediate;
        let commit_started = Instant::now();
        let result = if n_ops == 0 && !(fsync && lazy_pending) {
            // Only flushes, and nothing lazy to make durable: already committed.
            Ok(())
        } else {
            match catch_unwind(AssertUnwindSafe(|| commit_group(db, fsync, &group))) {
                Ok(result) => result,
                Err(_) => Err(StoreError::WriterPanicked),
            }
        };
        match &result {
            Ok(()) if n_ops > 0 || fsync => {
                counters.commits.fetch_add(1, Ordering::Relaxed);
                counters.ops.fetch_add(n_ops as u64, Ordering::Relaxed);
                counters.commit_micros.fetch_add(
                    commit_started.elapsed().as_micros() as u64,
                    Ordering::Relaxed,
                );
                if fsync {
                    counters.durable_commits.fetch_add(1, Ordering::Relaxed);
                    lazy_pending = false;
                } else {
                    lazy_pending = true;
                }
                last_commit = Some(Instant::now());
            }
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(error = %e, requests = group.len(), ops = n_ops, "store commit failed");
            }
        }
        for request in group {
            // A writer that stopped waiting is fine: its ops are committed (or not) regardless.
            let _ = request.reply.send(result.clone());
        }
    }
    if lazy_pending && durability == Durability::Immediate {
        // Closing: what was committed lazily becomes durable before the file is released.
        if let Err(e) = commit_group(db, true, &[]) {
            tracing::warn!(error = %e, "final durable commit failed");
        }
    }
}

/// Fsync'd, or made durable by the next commit that is.
fn durability_of(fsync: bool) -> redb::Durability {
    if fsync {
        redb::Durability::Immediate
    } else {
        redb::Durability::None
    }
}

/// The link key a file signs with and the earlier keys kept beside it.
#[derive(Debug, Default)]
pub(super) struct StoredLinkKeys {
    pub current: Option<Vec<u8>>,
    pub earlier: Vec<Vec<u8>>,
}

pub(super) fn link_keys_in(txn: &ReadTransaction) -> Result<StoredLinkKeys, StoreError> {
    let Some(table) = open_ro(txn, SECRETS)? else {
        return Ok(StoredLinkKeys::default());
    };
    let current = (table.get(LINK_KEY).map_err(db_err)?).map(|v| v.value().to_vec());
    let earlier = (table.get(EARLIER_LINK_KEYS).map_err(db_err)?)
        .map_or_else(Vec::new, |v| codec::split_keys(v.value()));
    Ok(StoredLinkKeys { current, earlier })
}

fn commit_group(db: &Database, fsync: bool, group: &[Request]) -> Result<(), StoreError> {
    let mut txn = db.begin_write().map_err(db_err)?;
    txn.set_durability(durability_of(fsync)).map_err(db_err)?;
    {
        let mut t = WriteTables::open(&txn)?;
        let mut changes = TallyChanges::default();
        for op in group.iter().flat_map(|r| &r.ops) {
            match op {
                EncodedOp::Settings { guild, bytes } => {
                    t.settings
                        .insert(*guild, bytes.as_slice())
                        .map_err(db_err)?;
                }
                EncodedOp::Counter { guild, value } => {
                    let old = (t.counters.get(*guild).map_err(db_err)?).map_or(0, |v| v.value());
                    if *value > old {
                        t.counters.insert(*guild, *value).map_err(db_err)?;
                    }
                }
                EncodedOp::Ticket {
                    key,
                    channel,
                    bytes,
                    figures,
                } => {
                    let old = put_ticket(&mut t.tickets, &mut t.index, *key, *channel, bytes)?;
                    changes.replace(old, (**figures).clone());
                }
                EncodedOp::Transcript { key, bytes } => {
                    t.transcripts
                        .insert(*key, bytes.as_slice())
                        .map_err(db_err)?;
                }
                EncodedOp::Dm { user, channel } => {
                    t.dms.insert(*user, *channel).map_err(db_err)?;
                }
                EncodedOp::LinkKey { key, replace } => {
                    if *replace || t.secrets.get(LINK_KEY).map_err(db_err)?.is_none() {
                        t.secrets.insert(LINK_KEY, key.as_slice()).map_err(db_err)?;
                    }
                    if *replace {
                        t.secrets.remove(EARLIER_LINK_KEYS).map_err(db_err)?;
                    }
                }
                EncodedOp::Page { key, bytes } => {
                    t.pages.insert(*key, bytes.as_slice()).map_err(db_err)?;
                }
                EncodedOp::File { key, bytes } => {
                    t.files.insert(*key, bytes.as_slice()).map_err(db_err)?;
                }
                EncodedOp::DeleteTranscript { key } => {
                    delete_transcript(&mut t.transcripts, &mut t.pages, &mut t.files, *key)?;
                }
                EncodedOp::ForgetGuild { guild } => {
                    // Sums gathered earlier in this commit would bring the guild's rows back.
                    changes.hours.retain(|(g, _), _| g != guild);
                    changes.staff.retain(|(g, _), _| g != guild);
                    t.forget(*guild)?;
                }
                EncodedOp::Deadline { key, at } => {
                    t.deadlines.insert(*key, *at).map_err(db_err)?;
                }
                EncodedOp::RemoveDeadline { key } => {
                    t.deadlines.remove(*key).map_err(db_err)?;
                }
                EncodedOp::Intake(op) => t.intake.apply(op)?,
                EncodedOp::Ready { guild, bytes } => {
                    t.ready.insert(*guild, bytes.as_slice()).map_err(db_err)?;
                }
                EncodedOp::LogEntry { key, at } => {
                    t.log_entries.insert(*key, *at).map_err(db_err)?;
                }
            }
        }
        t.tallies.apply(changes)?;
    }
    txn.commit().map_err(db_err)
}

/// Every table a commit writes, open in its write transaction.
struct WriteTables<'t> {
    settings: BytesTable<'t, u64>,
    counters: redb::Table<'t, u64, u64>,
    tickets: BytesTable<'t, (u64, u64)>,
    index: redb::Table<'t, u64, (u64, u64)>,
    transcripts: BytesTable<'t, (u64, u64)>,
    dms: redb::Table<'t, u64, u64>,
    secrets: redb::Table<'t, &'static str, &'static [u8]>,
    pages: BytesTable<'t, (u64, u64)>,
    files: BytesTable<'t, (u64, u64, u64)>,
    deadlines: redb::Table<'t, (u64, u64, u8), i64>,
    intake: IntakeTables<'t>,
    ready: BytesTable<'t, u64>,
    tallies: tally::TallyTables<'t>,
    log_entries: redb::Table<'t, (u64, u64), (u64, u64, u64)>,
}

impl<'t> WriteTables<'t> {
    fn open(txn: &'t redb::WriteTransaction) -> Result<WriteTables<'t>, StoreError> {
        Ok(WriteTables {
            settings: txn.open_table(SETTINGS).map_err(db_err)?,
            counters: txn.open_table(COUNTERS).map_err(db_err)?,
            tickets: txn.open_table(TICKETS).map_err(db_err)?,
            index: txn.open_table(CHANNEL_INDEX).map_err(db_err)?,
            transcripts: txn.open_table(TRANSCRIPTS).map_err(db_err)?,
            dms: txn.open_table(DM_CHANNELS).map_err(db_err)?,
            secrets: txn.open_table(SECRETS).map_err(db_err)?,
            pages: txn.open_table(PAGES).map_err(db_err)?,
            files: txn.open_table(FILES).map_err(db_err)?,
            deadlines: txn.open_table(DEADLINES).map_err(db_err)?,
            intake: IntakeTables {
                members: txn.open_table(INTAKE_MEMBERS).map_err(db_err)?,
                blocks: txn.open_table(INTAKE_BLOCKS).map_err(db_err)?,
                answers: txn.open_table(TICKET_ANSWERS).map_err(db_err)?,
            },
            ready: txn.open_table(READY).map_err(db_err)?,
            tallies: tally::TallyTables::open(txn)?,
            log_entries: txn.open_table(LOG_ENTRIES).map_err(db_err)?,
        })
    }

    /// Everything the store holds of guild `g` (a deletion request).
    fn forget(&mut self, g: u64) -> Result<(), StoreError> {
        self.settings.remove(g).map_err(db_err)?;
        self.counters.remove(g).map_err(db_err)?;
        let all = (g, 0)..=(g, u64::MAX);
        (self.tickets.retain_in(all.clone(), |_, _| false)).map_err(db_err)?;
        (self.index.retain(|_, (owner, _)| owner != g)).map_err(db_err)?;
        (self.transcripts.retain_in(all.clone(), |_, _| false)).map_err(db_err)?;
        (self.pages.retain_in(all.clone(), |_, _| false)).map_err(db_err)?;
        (self.log_entries.retain_in(all, |_, _| false)).map_err(db_err)?;
        (self
            .files
            .retain_in((g, 0, 0)..=(g, u64::MAX, u64::MAX), |_, _| false))
        .map_err(db_err)?;
        (self
            .deadlines
            .retain_in((g, 0, 0)..=(g, u64::MAX, u8::MAX), |_, _| false))
        .map_err(db_err)?;
        self.intake.forget(g)?;
        self.ready.remove(g).map_err(db_err)?;
        self.tallies.forget(g)
    }
}

type BytesTable<'t, K> = redb::Table<'t, K, &'static [u8]>;

/// The intake tables, open in one write transaction.
struct IntakeTables<'t> {
    members: BytesTable<'t, (u64, u64)>,
    blocks: BytesTable<'t, (u64, u8, u64)>,
    answers: BytesTable<'t, (u64, u64)>,
}

impl IntakeTables<'_> {
    fn apply(&mut self, op: &IntakeOp) -> Result<(), StoreError> {
        match op {
            IntakeOp::Member {
                key,
                bytes: Some(b),
            } => self.members.insert(*key, b.as_slice()).map(drop),
            IntakeOp::Member { key, bytes: None } => self.members.remove(*key).map(drop),
            IntakeOp::Block {
                key,
                bytes: Some(b),
            } => self.blocks.insert(*key, b.as_slice()).map(drop),
            IntakeOp::Block { key, bytes: None } => self.blocks.remove(*key).map(drop),
            IntakeOp::Answers { key, bytes } => {
                self.answers.insert(*key, bytes.as_slice()).map(drop)
            }
        }
        .map_err(db_err)
    }

    fn forget(&mut self, g: u64) -> Result<(), StoreError> {
        self.members
            .retain_in((g, 0)..=(g, u64::MAX), |_, _| false)
            .map_err(db_err)?;
        self.blocks
            .retain_in((g, 0, 0)..=(g, u8::MAX, u64::MAX), |_, _| false)
            .map_err(db_err)?;
        self.answers
            .retain_in((g, 0)..=(g, u64::MAX), |_, _| false)
            .map_err(db_err)
    }
}

/// A ticket record, with the channel index kept pointing at it (and no longer at a channel it
/// left, unless another ticket has taken that channel since).
fn put_ticket(
    tickets: &mut BytesTable<'_, (u64, u64)>,
    index: &mut redb::Table<'_, u64, (u64, u64)>,
    key: (u64, u64),
    channel: Option<u64>,
    bytes: &[u8],
) -> Result<Option<TicketFigures>, StoreError> {
    let old = tickets
        .get(key)
        .map_err(db_err)?
        .and_then(|old| codec::decode_ticket(old.value()).ok());
    if let Some(old) = old.as_ref().and_then(|old| old.channel)
        && Some(old) != channel
    {
        let points_here = index
            .get(old)
            .map_err(db_err)?
            .is_some_and(|v| v.value() == key);
        if points_here {
            index.remove(old).map_err(db_err)?;
        }
    }
    if let Some(channel) = channel {
        index.insert(channel, key).map_err(db_err)?;
    }
    tickets.insert(key, bytes).map_err(db_err)?;
    Ok(old.as_ref().map(TicketFigures::of))
}

/// A ticket's transcript, its page and every file kept of it.
fn delete_transcript(
    transcripts: &mut BytesTable<'_, (u64, u64)>,
    pages: &mut BytesTable<'_, (u64, u64)>,
    files: &mut BytesTable<'_, (u64, u64, u64)>,
    (guild, number): (u64, u64),
) -> Result<(), StoreError> {
    transcripts.remove((guild, number)).map_err(db_err)?;
    pages.remove((guild, number)).map_err(db_err)?;
    files
        .retain_in((guild, number, 0)..=(guild, number, u64::MAX), |_, _| false)
        .map_err(db_err)?;
    Ok(())
}

#[cfg(test)]
mod tests;
