//! Store tests: real redb files in a per-test directory under the system temp dir.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::domain::model::{
    Answer, BlockEntry, BlockTarget, ClaimMode, ClaimSettings, CloseRequest, EventKind, Feedback,
    Inactivity, IntakeSettings, MemberOpens, OutsideHours, Panel, PanelStyle, Priority, Question,
    QuestionStyle, RoleMatch, RoleRequirement, StalePing, SupportHours, TicketEvent, TicketStaff,
    TicketTrail, Topic,
};

const TIMEOUT: Duration = Duration::from_secs(20);

/// A directory removed when the test ends, pass or fail.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ticketeer-store-{name}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("data").join("ticketeer.redb")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn config(path: &Path) -> StoreConfig {
    StoreConfig {
        path: path.to_owned(),
        durability: Durability::Immediate,
    }
}

fn open(path: &Path) -> Store {
    Store::open(config(path)).expect("open store")
}

async fn within<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(TIMEOUT, f)
        .await
        .expect("store operation timed out")
}

fn ticket(guild: u64, number: u64, channel: Option<u64>, state: TicketState) -> TicketRecord {
    TicketRecord {
        topic: Some(3),
        parent: Some(5),
        channel,
        state,
        participants: vec![7, 8],
        ..TicketRecord::new(guild, number, 1000 + number, 1_700_000_000_000)
    }
}

fn settings() -> GuildSettings {
    GuildSettings {
        tickets_category: Some(55),
        log_channel: Some(66),
        staff_roles: vec![1, 2],
        topics: vec![Topic {
            id: 1,
            name: "Billing ✓".into(),
            category: None,
        }],
        next_topic_id: 2,
        panels: vec![Panel {
            style: PanelStyle::TopicSelect,
            topics: vec![1],
            ..Panel::new(9, 10, "Help".into(), "Click".into(), String::new())
        }],
        ..GuildSettings::default()
    }
}

/// The intake's tables: a guild's members' opens and blocklist load with it, answers by ticket,
/// removals and a forgotten guild leave nothing behind, and other guilds are untouched.
#[tokio::test]
async fn intake_tables_load_with_their_guild_and_are_forgotten_with_it() {
    let dir = TempDir::new("intake");
    let path = dir.db();
    let opens = MemberOpens {
        last_open: 5,
        day: 0,
        today: 2,
    };
    let entry = BlockEntry {
        until: Some(9),
        reason: "spam".into(),
        by: 1,
    };
    let answers = vec![Answer {
        label: "Order".into(),
        value: "A-1".into(),
        subject: true,
    }];
    {
        let store = open(&path);
        let mut ops = Vec::new();
        for guild in [1, 2] {
            ops.push(WriteOp::PutMemberOpens {
                guild,
                user: 7,
                opens,
            });
            ops.push(WriteOp::PutMemberOpens {
                guild,
                user: 8,
                opens,
            });
            ops.push(WriteOp::PutBlock {
                guild,
                target: BlockTarget::Role(3),
                entry: entry.clone(),
            });
            ops.push(WriteOp::PutAnswers {
                guild,
                number: 1,
                answers: answers.clone(),
            });
        }
        ops.push(WriteOp::RemoveMemberOpens { guild: 1, user: 8 });
        within(store.write(ops)).await.expect("write");
    }
    let store = open(&path);
    let snap = within(store.load_guild(1)).await.expect("load");
    assert_eq!(snap.intake.opens, vec![(7, opens)]);
    assert_eq!(
        snap.intake.blocks,
        vec![(BlockTarget::Role(3), entry.clone())]
    );
    assert_eq!(within(store.answers(1, 1)).await.expect("read"), answers);
    assert!(within(store.answers(1, 2)).await.expect("read").is_empty());
    within(store.write(vec![
        WriteOp::RemoveBlock {
            guild: 2,
            target: BlockTarget::Role(3),
        },
        WriteOp::ForgetGuild { guild: 1 },
    ]))
    .await
    .expect("write");
    let forgotten = within(store.load_guild(1)).await.expect("load");
    assert_eq!(forgotten.intake, IntakeSnapshot::default());
    assert!(within(store.answers(1, 1)).await.expect("read").is_empty());
    let other = within(store.load_guild(2)).await.expect("load");
    assert_eq!(other.intake.opens.len(), 2);
    assert!(other.intake.blocks.is_empty());
    assert_eq!(within(store.answers(2, 1)).await.expect("read"), answers);
}

#[tokio::test]
async fn round_trip_through_reopen() {
    let dir = TempDir::new("reopen");
    let path = dir.db();
    {
        let store = open(&path);
        within(store.write(vec![
            WriteOp::PutSettings {
                guild: 1,
                settings: settings(),
            },
            WriteOp::SetCounter { guild: 1, value: 3 },
            WriteOp::PutTicket(ticket(1, 1, Some(101), TicketState::Open)),
            WriteOp::PutTicket(ticket(1, 2, Some(102), TicketState::Closed)),
            WriteOp::PutTicket(ticket(1, 3, None, TicketState::Deleted)),
            WriteOp::PutDmChannel {
                user: 42,
                channel: 4242,
            },
        ]))
        .await
        .expect("write");
    }
    let store = open(&path);
    let snap = within(store.load_guild(1)).await.expect("load");
    assert_eq!(snap.settings, settings());
    assert_eq!(snap.counter, 3);
    let numbers: Vec<u64> = snap.tickets.iter().map(|t| t.number).collect();
    assert_eq!(numbers, vec![1, 2], "deleted tickets are not live");
    assert_eq!(
        within(store.ticket(1, 3)).await.expect("ticket"),
        Some(ticket(1, 3, None, TicketState::Deleted))
    );
    assert_eq!(within(store.all_tickets(1)).await.expect("all").len(), 3);
    let reads = store.stats().reads;
    assert_eq!(within(store.dm_channel(42)).await.expect("dm"), Some(4242));
    assert_eq!(within(store.dm_channel(43)).await.expect("dm"), None);
    assert_eq!(
        store.stats().reads,
        reads,
        "the DM table was loaded at open: neither a hit nor a miss reads it again"
    );
}

#[test]
fn the_dm_cache_answers_misses_only_while_it_holds_the_whole_table() {
    let mut cache = DmCache {
        complete: true,
        ..DmCache::default()
    };
    cache.insert(1, 10);
    assert_eq!(cache.lookup(1), DmLookup::Known(10));
    assert_eq!(cache.lookup(2), DmLookup::Absent);
    for user in 2..=DM_CACHE_MAX as u64 {
        cache.insert(user, user * 10);
    }
    assert_eq!(
        cache.lookup(DM_CACHE_MAX as u64),
        DmLookup::Known(DM_CACHE_MAX as u64 * 10)
    );
    assert_eq!(cache.lookup(DM_CACHE_MAX as u64 + 5), DmLookup::Absent);
    // One more user than it holds: it starts over and no longer knows what the table has.
    cache.insert(DM_CACHE_MAX as u64 + 1, 7);
    assert_eq!(cache.lookup(DM_CACHE_MAX as u64 + 1), DmLookup::Known(7));
    assert_eq!(cache.lookup(1), DmLookup::Unknown);
    assert_eq!(cache.lookup(DM_CACHE_MAX as u64 + 5), DmLookup::Unknown);
}

#[tokio::test]
async fn a_store_too_large_for_the_dm_cache_reads_the_table_on_a_miss() {
    let dir = TempDir::new("dm-large");
    let path = dir.db();
    {
        let store = open(&path);
        let ops = (0..=DM_CACHE_MAX as u64)
            .map(|user| WriteOp::PutDmChannel {
                user,
                channel: user + 1,
            })
            .collect();
        within(store.write(ops)).await.expect("write");
        store.close().await;
    }
    let store = open(&path);
    let reads = store.stats().reads;
    assert_eq!(within(store.dm_channel(5)).await.expect("dm"), Some(6));
    assert_eq!(store.stats().reads, reads + 1, "not loaded at open: read");
    assert_eq!(within(store.dm_channel(5)).await.expect("dm"), Some(6));
    assert_eq!(store.stats().reads, reads + 1, "then cached");
    assert_eq!(
        within(store.dm_channel(DM_CACHE_MAX as u64 + 7))
            .await
            .expect("dm"),
        None
    );
    assert_eq!(store.stats().reads, reads + 2, "a miss asks the table");
}

#[tokio::test]
async fn unknown_guild_loads_defaults() {
    let dir = TempDir::new("defaults");
    let store = open(&dir.db());
    let snap = within(store.load_guild(77)).await.expect("load");
    assert_eq!(snap, GuildSnapshot::default());
    assert_eq!(within(store.ticket(77, 1)).await.expect("ticket"), None);
}

#[tokio::test]
async fn counter_never_decreases() {
    let dir = TempDir::new("counter");
    let store = open(&dir.db());
    for value in [5, 2, 9, 0, 8] {
        within(store.write(vec![WriteOp::SetCounter { guild: 1, value }]))
            .await
            .expect("write");
    }
    assert_eq!(within(store.load_guild(1)).await.expect("load").counter, 9);
    // Within one atomic group too.
    within(store.write(vec![
        WriteOp::SetCounter { guild: 2, value: 4 },
        WriteOp::SetCounter { guild: 2, value: 1 },
    ]))
    .await
    .expect("write");
    assert_eq!(within(store.load_guild(2)).await.expect("load").counter, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_share_commits() {
    let dir = TempDir::new("group");
    let store = open(&dir.db());
    let mut tasks = Vec::new();
    for i in 0..1000u64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .write(vec![
                    WriteOp::SetCounter {
                        guild: i % 20,
                        value: i,
                    },
                    WriteOp::PutTicket(ticket(i % 20, i, Some(10_000 + i), TicketState::Open)),
                ])
                .await
        }));
    }
    for task in tasks {
        within(task).await.expect("join").expect("write");
    }
    let stats = store.stats();
    assert_eq!(stats.ops, 2000);
    assert!(
        stats.commits < 500,
        "expected group commit to batch 1000 writes, got {} commits",
        stats.commits
    );
    let all = within(store.load_all()).await.expect("load_all");
    assert_eq!(all.len(), 20);
    let total: usize = all.iter().map(|(_, s)| s.tickets.len()).sum();
    assert_eq!(total, 1000);
}

#[tokio::test]
async fn dropped_receipt_still_commits_and_flush_waits() {
    let dir = TempDir::new("flush");
    let store = open(&dir.db());
    for i in 1..=50u64 {
        drop(store.write(vec![WriteOp::PutTicket(ticket(
            3,
            i,
            Some(i),
            TicketState::Open,
        ))]));
    }
    within(store.flush()).await.expect("flush");
    assert_eq!(within(store.all_tickets(3)).await.expect("all").len(), 50);
}

#[tokio::test]
async fn channel_index_follows_ticket() {
    let dir = TempDir::new("index");
    let store = open(&dir.db());
    let put = |t: TicketRecord| store.write(vec![WriteOp::PutTicket(t)]);
    within(put(ticket(1, 1, None, TicketState::Provisioning)))
        .await
        .expect("write");
    within(put(ticket(1, 1, Some(500), TicketState::Open)))
        .await
        .expect("write");
    assert_eq!(
        within(store.ticket_by_channel(500))
            .await
            .expect("lookup")
            .map(|t| t.number),
        Some(1)
    );
    within(put(ticket(1, 1, Some(600), TicketState::Open)))
        .await
        .expect("write");
    assert_eq!(
        within(store.ticket_by_channel(500)).await.expect("lookup"),
        None
    );
    assert_eq!(
        within(store.ticket_by_channel(600))
            .await
            .expect("lookup")
            .map(|t| (t.guild, t.number)),
        Some((1, 1))
    );
    within(put(ticket(1, 1, None, TicketState::Deleted)))
        .await
        .expect("write");
    assert_eq!(
        within(store.ticket_by_channel(600)).await.expect("lookup"),
        None
    );
}

#[tokio::test]
async fn transcript_is_compressed_and_round_trips() {
    let dir = TempDir::new("transcript");
    let store = open(&dir.db());
    let html = "<p>hello &amp; welcome ✓</p>\n".repeat(2000);
    let text = "user: hello\n".repeat(2000);
    let encoded = codec::encode_transcript(&html, &text).expect("encode");
    assert!(
        encoded.len() * 10 < html.len() + text.len(),
        "repetitive transcript should compress well: {} bytes",
        encoded.len()
    );
    within(store.write(vec![WriteOp::PutTranscript {
        guild: 1,
        number: 4,
        html: html.clone(),
        text: text.clone(),
    }]))
    .await
    .expect("write");
    assert_eq!(
        within(store.transcript(1, 4)).await.expect("read"),
        Some((html, text))
    );
    assert_eq!(within(store.transcript(1, 5)).await.expect("read"), None);
}

#[tokio::test]
async fn load_all_returns_every_guild() {
    let dir = TempDir::new("loadall");
    let store = open(&dir.db());
    within(store.write(vec![
        WriteOp::PutSettings {
            guild: 10,
            settings: settings(),
        },
        WriteOp::SetCounter {
            guild: 20,
            value: 1,
        },
        WriteOp::PutTicket(ticket(30, 1, Some(1), TicketState::Open)),
        WriteOp::PutTicket(ticket(30, 2, Some(2), TicketState::Failed)),
    ]))
    .await
    .expect("write");
    let all = within(store.load_all()).await.expect("load_all");
    let guilds: Vec<u64> = all.iter().map(|(g, _)| *g).collect();
    assert_eq!(guilds, vec![10, 20, 30]);
    assert_eq!(all[0].1.settings, settings());
    assert_eq!(all[1].1.counter, 1);
    assert_eq!(all[2].1.tickets.len(), 1);
    assert_eq!(all[2].1.tickets[0].number, 1);
}

fn assert_refused_untouched(path: &Path, contents: &[u8]) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, contents).expect("write file");
    let err = Store::open(config(path)).expect_err("must refuse a foreign file");
    assert!(
        matches!(err, StoreError::Foreign { .. } | StoreError::Corrupt { .. }),
        "unexpected error {err:?}"
    );
    assert_eq!(
        fs::read(path).expect("read back"),
        contents,
        "file was modified"
    );
    let leftovers: Vec<_> = fs::read_dir(path.parent().expect("parent"))
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "probe left files behind: {leftovers:?}");
}

#[test]
fn text_file_is_refused_and_untouched() {
    let dir = TempDir::new("text");
    assert_refused_untouched(&dir.db(), b"these are my notes, not a database\n");
}

#[test]
fn random_bytes_are_refused_and_untouched() {
    let dir = TempDir::new("random");
    let bytes: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert_refused_untouched(&dir.db(), &bytes);
}

#[test]
fn redb_magic_with_garbage_is_refused_and_untouched() {
    let dir = TempDir::new("magic");
    let mut bytes = REDB_MAGIC.to_vec();
    bytes.extend((0..8192u32).map(|i| (i * 31 % 251) as u8));
    assert_refused_untouched(&dir.db(), &bytes);
}

#[test]
fn other_redb_database_is_refused_and_untouched() {
    let dir = TempDir::new("otherdb");
    let path = dir.db();
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    {
        const OTHER: TableDefinition<u64, u64> = TableDefinition::new("someone_elses");
        let db = Database::create(&path).expect("create other db");
        let txn = db.begin_write().expect("begin");
        txn.open_table(OTHER)
            .expect("table")
            .insert(1, 2)
            .expect("insert");
        txn.commit().expect("commit");
    }
    let before = fs::read(&path).expect("read");
    let err = Store::open(config(&path)).expect_err("must refuse");
    assert!(matches!(err, StoreError::Foreign { .. }), "{err:?}");
    assert_eq!(fs::read(&path).expect("read"), before, "file was modified");
}

#[test]
fn newer_schema_is_refused() {
    let dir = TempDir::new("newer");
    let path = dir.db();
    drop(open(&path));
    {
        let db = Database::open(&path).expect("open");
        let txn = db.begin_write().expect("begin");
        txn.open_table(META)
            .expect("meta")
            .insert(SCHEMA_KEY, SCHEMA_VERSION + 1)
            .expect("insert");
        txn.commit().expect("commit");
    }
    let err = Store::open(config(&path)).expect_err("must refuse");
    assert!(
        matches!(err, StoreError::SchemaTooNew { found, supported }
            if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err:?}"
    );
}

#[test]
fn second_open_of_same_file_is_refused() {
    let dir = TempDir::new("twice");
    let path = dir.db();
    let _first = open(&path);
    let err = Store::open(config(&path)).expect_err("must refuse");
    assert!(err.to_string().contains("already open"), "{err}");
}

#[tokio::test]
async fn writes_after_writer_is_gone_report_closed() {
    let dir = TempDir::new("closed");
    let store = open(&dir.db());
    // Simulate the shutdown path: the queue is closed under the handle.
    store.inner.tx.lock().expect("lock").take();
    let err = within(store.write(vec![WriteOp::SetCounter { guild: 1, value: 1 }]))
        .await
        .expect_err("closed");
    assert!(matches!(err, StoreError::Closed), "{err:?}");
}

#[tokio::test]
async fn close_commits_queued_releases_file_and_closes_every_handle() {
    let dir = TempDir::new("close");
    let path = dir.db();
    let store = open(&path);
    let other_handle = store.clone();
    let queued = store.write(vec![WriteOp::SetCounter {
        guild: 1,
        value: 11,
    }]);
    within(store.close()).await;
    within(queued)
        .await
        .expect("queued write committed before close");
    assert!(matches!(
        within(other_handle.flush()).await,
        Err(StoreError::Closed)
    ));
    assert!(matches!(
        within(other_handle.load_guild(1)).await,
        Err(StoreError::Closed)
    ));
    // The file is free although a handle is still alive.
    let reopened = open(&path);
    assert_eq!(
        within(reopened.load_guild(1)).await.expect("load").counter,
        11
    );
}

const CRASH_PATH_ENV: &str = "TICKETEER_STORE_CRASH_PATH";

/// Child-process half of `crash_keeps_committed_writes`: commits, then exits without running any
/// destructor, so the file is left exactly as a killed process leaves it.
#[test]
#[ignore = "run in a child process by crash_keeps_committed_writes"]
fn crash_writer_child() {
    let Some(path) = std::env::var_os(CRASH_PATH_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = open(Path::new(&path));
        within(store.write(vec![
            WriteOp::SetCounter { guild: 5, value: 7 },
            WriteOp::PutTicket(ticket(5, 7, None, TicketState::Provisioning)),
        ]))
        .await
        .expect("write");
    });
    std::process::exit(0);
}

#[test]
fn crash_keeps_committed_writes() {
    let dir = TempDir::new("crash");
    let path = dir.db();
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "store::tests::crash_writer_child",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env(CRASH_PATH_ENV, &path)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run child");
    assert!(status.success(), "child failed: {status}");
    let store = open(&path);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let snap = runtime.block_on(within(store.load_guild(5))).expect("load");
    assert_eq!(snap.counter, 7);
    assert_eq!(
        snap.tickets,
        vec![ticket(5, 7, None, TicketState::Provisioning)]
    );
    let files: Vec<_> = fs::read_dir(path.parent().expect("parent"))
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(files.len(), 1, "probe copy left behind: {files:?}");
}

#[test]
fn probe_copy_accepts_ours_refuses_others_and_cleans_up() {
    // The copy path normally runs only after a crash redb wants to repair; call it directly.
    let dir = TempDir::new("probecopy");
    let ours = dir.db();
    drop(open(&ours));
    probe_copy(&ours).expect("our own file");
    let other = dir.0.join("data").join("other.redb");
    drop(Database::create(&other).expect("create"));
    let before = fs::read(&other).expect("read");
    let err = probe_copy(&other).expect_err("foreign");
    assert!(
        matches!(&err, StoreError::Foreign { path } if *path == other),
        "{err:?}"
    );
    assert_eq!(fs::read(&other).expect("read"), before);
    let files = fs::read_dir(dir.0.join("data")).expect("list").count();
    assert_eq!(files, 2, "probe copies left behind");
}

// ---------------------------------------------------------------------------------------------
// Codec

fn state_strategy() -> impl Strategy<Value = TicketState> {
    prop_oneof![
        Just(TicketState::Provisioning),
        Just(TicketState::Open),
        Just(TicketState::Closed),
        Just(TicketState::Deleted),
        Just(TicketState::Failed),
    ]
}

prop_compose! {
    fn ticket_strategy()(
        guild in any::<u64>(), number in any::<u64>(), opener in any::<u64>(),
        topic in any::<Option<u32>>(), parent in any::<Option<u64>>(),
        channel in any::<Option<u64>>(), state in state_strategy(),
        opened_at in any::<i64>(), closed_at in any::<Option<i64>>(),
        closed_by in any::<Option<u64>>(), close_reason in any::<Option<String>>(),
        participants in proptest::collection::vec(any::<u64>(), 0..8),
        closed_message in any::<Option<u64>>(),
        autoclose_off in any::<bool>(), stale_warning in any::<Option<u64>>(),
        (claimer, welcome_message, access_pending) in
            (any::<Option<u64>>(), any::<Option<u64>>(), any::<bool>()),
        close_request in any::<Option<(u64, bool, Option<String>, Option<u64>)>>()
            .prop_map(|r| r.map(|(by, by_staff, reason, message)|
                Box::new(CloseRequest { by, by_staff, reason, message }))),
        priority in any::<u8>(),
        trail in trail_strategy(),
        thread_in in any::<Option<u64>>(),
    ) -> TicketRecord {
        TicketRecord { guild, number, opener, topic, parent, channel, state, opened_at, closed_at,
            closed_by, close_reason, participants, closed_message, autoclose_off, stale_warning,
            staff: TicketStaff { claimer, welcome_message, access_pending, close_request,
                priority: priority_of(priority) }, trail, thread_in }
    }
}

fn priority_of(n: u8) -> Priority {
    [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ][usize::from(n % 4)]
}

fn event_kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        Just(EventKind::Claimed),
        Just(EventKind::Unclaimed),
        any::<u64>().prop_map(|to| EventKind::Transferred { to }),
        ".{0,30}".prop_map(|topic| EventKind::Moved { topic }),
        any::<u8>().prop_map(|p| EventKind::PrioritySet(priority_of(p))),
        ".{0,30}".prop_map(|name| EventKind::Renamed { name }),
        any::<Option<String>>().prop_map(|reason| EventKind::CloseRequested { reason }),
        Just(EventKind::KeptOpen),
    ]
}

prop_compose! {
    fn trail_strategy()(
        events in proptest::collection::vec(
            (any::<i64>(), any::<u64>(), event_kind())
                .prop_map(|(at, by, what)| TicketEvent { at, by, what }),
            0..6),
        renamed_at in proptest::collection::vec(any::<i64>(), 0..3),
        notes_thread in any::<Option<u64>>(),
        custom_name in proptest::option::of(".{0,20}"),
        shown in any::<Option<u64>>(),
        feedback in proptest::option::of((1..=5u8, proptest::option::of(".{0,40}"))
            .prop_map(|(stars, comment)| Feedback { stars, comment })),
        first_staff_reply in any::<Option<i64>>(),
        first_responder in any::<Option<u64>>(),
    ) -> TicketTrail {
        TicketTrail { events, renamed_at, notes_thread, custom_name, shown, feedback,
            first_staff_reply, first_responder }
    }
}

fn claim_mode(n: u8) -> ClaimMode {
    [ClaimMode::Guarded, ClaimMode::Label, ClaimMode::Private][usize::from(n % 3)]
}

fn question_strategy() -> impl Strategy<Value = Question> {
    (
        ".{0,45}",
        any::<bool>(),
        any::<bool>(),
        any::<u16>(),
        any::<u16>(),
        ".{0,100}",
        any::<bool>(),
    )
        .prop_map(
            |(label, paragraph, required, min_len, max_len, placeholder, subject)| Question {
                label,
                style: if paragraph {
                    QuestionStyle::Paragraph
                } else {
                    QuestionStyle::Short
                },
                required,
                min_len,
                max_len,
                placeholder,
                subject,
            },
        )
}

prop_compose! {
    fn intake_strategy()(
        questions in proptest::collection::vec(question_strategy(), 0..3),
        topic_questions in proptest::collection::vec(
            (any::<u32>(), proptest::collection::vec(question_strategy(), 0..3)), 0..3),
        topic_roles in proptest::collection::vec(
            (any::<u32>(), proptest::collection::vec(any::<u64>(), 0..3), any::<bool>())
                .prop_map(|(topic, roles, all)| (topic, RoleRequirement {
                    roles, need: if all { RoleMatch::AllOf } else { RoleMatch::AnyOf } })),
            0..3),
        cooldown_minutes in any::<u32>(),
        daily_cap in any::<u32>(),
    ) -> IntakeSettings {
        IntakeSettings { questions, topic_questions, topic_roles, cooldown_minutes, daily_cap }
    }
}

/// Settings with everything the current layout holds.
fn settings_strategy() -> impl Strategy<Value = GuildSettings> {
    (
        v4_settings_strategy(),
        proptest::collection::vec((panel_look_strategy(), any::<Option<u64>>()), 0..3),
    )
        .prop_map(|(mut settings, looks)| {
            // Each drawn look dresses one of the drawn panels, or a new one.
            for (i, ((color, style, label, emoji, topics), threads_in)) in
                looks.into_iter().enumerate()
            {
                let base = settings.panels.get(i).cloned().unwrap_or_else(|| {
                    Panel::new(1, i as u64, String::new(), String::new(), String::new())
                });
                let panel = Panel {
                    color,
                    style,
                    label,
                    emoji,
                    topics,
                    threads_in,
                    ..base
                };
                match settings.panels.get_mut(i) {
                    Some(slot) => *slot = panel,
                    None => settings.panels.push(panel),
                }
            }
            settings
        })
}

/// A panel's look: colour, style, label, emoji, topics.
fn panel_look_strategy() -> impl Strategy<Value = (u32, PanelStyle, String, String, Vec<u32>)> {
    (
        any::<u32>(),
        proptest::sample::select(PanelStyle::ALL.to_vec()),
        ".{0,80}",
        ".{0,10}",
        proptest::collection::vec(any::<u32>(), 0..25),
    )
}

/// Settings with what the V4 layout holds (panels with the default look).
fn v4_settings_strategy() -> impl Strategy<Value = GuildSettings> {
    (
        v3_settings_strategy(),
        hours_strategy(),
        any::<bool>(),
        proptest::collection::vec((any::<u32>(), any::<u32>(), any::<u32>()), 0..3),
        proptest::collection::vec((any::<u32>(), hours_strategy()), 0..2),
    )
        .prop_map(
            |(settings, hours, feedback_off, topics, topic_hours)| GuildSettings {
                hours,
                feedback_off,
                topic_hours,
                topic_inactivity: topics
                    .into_iter()
                    .map(|(t, warn, close)| {
                        let inactivity = Inactivity {
                            warn_after_hours: warn,
                            close_after_hours: close,
                            ..Inactivity::default()
                        };
                        (t, inactivity)
                    })
                    .collect(),
                ..settings
            },
        )
}

/// Settings with what the V3 layout holds (support hours at their default).
fn v3_settings_strategy() -> impl Strategy<Value = GuildSettings> {
    (v2_settings_strategy(), intake_strategy())
        .prop_map(|(settings, intake)| GuildSettings { intake, ..settings })
}

prop_compose! {
    fn hours_strategy()(
        zone in "[A-Za-z_/]{0,20}",
        windows in proptest::collection::vec(any::<(u8, u16, u16)>(), 0..4),
        notice in any::<bool>(),
        bypass_roles in proptest::collection::vec(any::<u64>(), 0..3),
    ) -> SupportHours {
        let outside = if notice { OutsideHours::Notice } else { OutsideHours::Refuse };
        SupportHours { zone, windows, outside, bypass_roles }
    }
}

prop_compose! {
    /// Settings with what the V2 layout holds (intake at its default).
    fn v2_settings_strategy()(
        tickets_category in any::<Option<u64>>(),
        overflow_categories in proptest::collection::vec(any::<u64>(), 0..4),
        log_channel in any::<Option<u64>>(),
        staff_roles in proptest::collection::vec(any::<u64>(), 0..4),
        per_member_limit in any::<u32>(), per_guild_limit in any::<u32>(),
        topics in proptest::collection::vec(
            (any::<u32>(), ".{0,50}", any::<Option<u64>>())
                .prop_map(|(id, name, category)| Topic { id, name, category }),
            0..4),
        next_topic_id in any::<u32>(),
        claims in (0..3u8, proptest::collection::vec((any::<u32>(), 0..3u8), 0..3))
            .prop_map(|(mode, topics)| ClaimSettings {
                mode: claim_mode(mode),
                topic_modes: topics.into_iter().map(|(t, m)| (t, claim_mode(m))).collect(),
            }),
        panels in proptest::collection::vec(
            (any::<u64>(), any::<u64>(), ".{0,20}", ".{0,40}", ".{0,20}")
                .prop_map(|(channel, message, title, description, footer)|
                    Panel::new(channel, message, title, description, footer)),
            0..3),
        language in proptest::option::of("[a-z]{2}(-[A-Z]{2})?"),
        warn_after_hours in any::<u32>(), close_after_hours in any::<u32>(),
        close_when_opener_leaves in any::<bool>(),
        ping in prop_oneof![Just(StalePing::WhoeverOwesAnAnswer), Just(StalePing::Opener),
            Just(StalePing::Staff), Just(StalePing::Nobody)],
    ) -> GuildSettings {
        GuildSettings { tickets_category, overflow_categories, log_channel, staff_roles,
            per_member_limit, per_guild_limit, topics, next_topic_id, panels, language,
            inactivity: Inactivity { warn_after_hours, close_after_hours, ping,
                close_when_opener_leaves }, claims, intake: IntakeSettings::default(),
            hours: Default::default(), feedback_off: false, topic_inactivity: Vec::new(),
            topic_hours: Vec::new() }
    }
}

/// Panels in the layout settings stored them in before [`codec::SETTINGS_V5`].
fn v1_panels(panels: &[Panel]) -> Vec<(u64, u64, String, String, String)> {
    panels
        .iter()
        .map(|p| {
            let p = p.clone();
            (p.channel, p.message, p.title, p.description, p.footer)
        })
        .collect()
}

proptest! {
    #[test]
    fn ticket_round_trips(record in ticket_strategy()) {
        let bytes = codec::encode_ticket(&record).expect("encode");
        prop_assert_eq!(bytes[0], codec::TICKET_V5);
        prop_assert_eq!(codec::decode_ticket(&bytes).expect("decode"), record);
    }

    /// Records written before thread tickets load as channel tickets.
    #[test]
    fn v4_ticket_records_upgrade(record in ticket_strategy()) {
        let r = record.clone();
        let v4_fields = (((r.guild, r.number, r.opener, r.topic, r.parent, r.channel, r.state,
            r.opened_at, r.closed_at, r.closed_by, r.close_reason, r.participants,
            r.closed_message), r.autoclose_off, r.stale_warning, r.staff), r.trail);
        let mut bytes = codec::encode(&v4_fields).expect("encode");
        bytes[0] = codec::TICKET_V4;
        let upgraded = codec::decode_ticket(&bytes).expect("decode");
        prop_assert_eq!(upgraded, TicketRecord { thread_in: None, ..record });
    }

    /// Records written before the trail existed load with no events, a full rename budget
    /// and no notes thread.
    #[test]
    fn v3_ticket_records_upgrade(record in ticket_strategy()) {
        let r = record.clone();
        let v3_fields = ((r.guild, r.number, r.opener, r.topic, r.parent, r.channel, r.state,
            r.opened_at, r.closed_at, r.closed_by, r.close_reason, r.participants,
            r.closed_message), r.autoclose_off, r.stale_warning, r.staff);
        let mut bytes = codec::encode(&v3_fields).expect("encode");
        bytes[0] = codec::TICKET_V3;
        let upgraded = codec::decode_ticket(&bytes).expect("decode");
        prop_assert_eq!(upgraded, TicketRecord { trail: TicketTrail::default(), thread_in: None,
            ..record });
    }

    /// Records written before inactivity and claims existed load as included, never warned,
    /// unclaimed and with nothing pending.
    #[test]
    fn v2_ticket_records_upgrade(record in ticket_strategy()) {
        let r = record.clone();
        let v2_fields = (r.guild, r.number, r.opener, r.topic, r.parent, r.channel, r.state,
            r.opened_at, r.closed_at, r.closed_by, r.close_reason, r.participants,
            r.closed_message);
        let mut bytes = codec::encode(&v2_fields).expect("encode");
        bytes[0] = codec::TICKET_V2;
        let upgraded = codec::decode_ticket(&bytes).expect("decode");
        prop_assert_eq!(upgraded, TicketRecord { autoclose_off: false, stale_warning: None,
            staff: TicketStaff::default(), trail: TicketTrail::default(), thread_in: None,
            ..record });
    }

    /// Records written before `closed_message` existed still load, with none remembered.
    #[test]
    fn v1_ticket_records_upgrade(record in ticket_strategy()) {
        let r = record.clone();
        let v1_fields = (r.guild, r.number, r.opener, r.topic, r.parent, r.channel, r.state,
            r.opened_at, r.closed_at, r.closed_by, r.close_reason, r.participants);
        let bytes = codec::encode(&v1_fields).expect("encode");
        prop_assert_eq!(bytes[0], codec::VERSION_V1);
        let upgraded = codec::decode_ticket(&bytes).expect("decode");
        prop_assert_eq!(upgraded, TicketRecord { closed_message: None, autoclose_off: false,
            stale_warning: None, staff: TicketStaff::default(), trail: TicketTrail::default(),
            thread_in: None, ..record });
    }

    #[test]
    fn settings_round_trip(settings in settings_strategy()) {
        let bytes = codec::encode_settings(&settings).expect("encode");
        prop_assert_eq!(bytes[0], codec::SETTINGS_V6);
        prop_assert_eq!(codec::decode_settings(&bytes).expect("decode"), settings);
    }

    /// Settings written before thread tickets still load, every panel opening channels.
    #[test]
    fn v5_settings_upgrade(settings in settings_strategy()) {
        let s = settings.clone();
        let panels: Vec<_> = s.panels.iter().map(|p| {
            let p = p.clone();
            ((p.channel, p.message, p.title, p.description, p.footer), p.color, p.style, p.label,
                p.emoji, p.topics)
        }).collect();
        let v5_fields = ((s.tickets_category, s.overflow_categories, s.log_channel,
            s.staff_roles, s.per_member_limit, s.per_guild_limit, s.topics, s.next_topic_id,
            panels, s.language, s.inactivity, s.claims), s.intake, s.hours, s.feedback_off,
            s.topic_inactivity, s.topic_hours);
        let mut bytes = codec::encode(&v5_fields).expect("encode");
        bytes[0] = codec::SETTINGS_V5;
        let channels_only = GuildSettings {
            panels: settings.panels.iter().cloned()
                .map(|p| Panel { threads_in: None, ..p }).collect(),
            ..settings
        };
        prop_assert_eq!(codec::decode_settings(&bytes).expect("decode"), channels_only);
    }

    /// Settings written before panels had a look of their own still load, each panel blue,
    /// with the default button, for every topic.
    #[test]
    fn v4_settings_upgrade(settings in v4_settings_strategy()) {
        let s = settings.clone();
        let v4_fields = (((s.tickets_category, s.overflow_categories, s.log_channel,
            s.staff_roles, s.per_member_limit, s.per_guild_limit, s.topics, s.next_topic_id,
            v1_panels(&s.panels), s.language, s.inactivity, s.claims), s.intake), s.hours,
            s.feedback_off, s.topic_inactivity, s.topic_hours);
        let mut bytes = codec::encode(&v4_fields).expect("encode");
        bytes[0] = codec::SETTINGS_V4;
        prop_assert_eq!(codec::decode_settings(&bytes).expect("decode"), settings);
    }

    /// Settings written before support hours existed still load, always open.
    #[test]
    fn v3_settings_upgrade(settings in v3_settings_strategy()) {
        let s = settings.clone();
        let v3_fields = ((s.tickets_category, s.overflow_categories, s.log_channel,
            s.staff_roles, s.per_member_limit, s.per_guild_limit, s.topics, s.next_topic_id,
            v1_panels(&s.panels), s.language, s.inactivity, s.claims), s.intake);
        let mut bytes = codec::encode(&v3_fields).expect("encode");
        bytes[0] = codec::SETTINGS_V3;
        prop_assert_eq!(codec::decode_settings(&bytes).expect("decode"), settings);
    }

    /// Settings written before intake existed still load, with no questions and no controls.
    #[test]
    fn v2_settings_upgrade(settings in v2_settings_strategy()) {
        let s = settings.clone();
        let v2_fields = (s.tickets_category, s.overflow_categories, s.log_channel, s.staff_roles,
            s.per_member_limit, s.per_guild_limit, s.topics, s.next_topic_id,
            v1_panels(&s.panels), s.language, s.inactivity, s.claims);
        let mut bytes = codec::encode(&v2_fields).expect("encode");
        bytes[0] = codec::SETTINGS_V2;
        prop_assert_eq!(codec::decode_settings(&bytes).expect("decode"), settings);
    }

    #[test]
    fn intake_values_round_trip(
        opens in (any::<i64>(), any::<i64>(), any::<u32>())
            .prop_map(|(last_open, day, today)| MemberOpens { last_open, day, today }),
        until in any::<Option<i64>>(), reason in ".{0,100}", by in any::<u64>(),
        answers in proptest::collection::vec((".{0,45}", ".{0,200}", any::<bool>())
            .prop_map(|(label, value, subject)| Answer { label, value, subject }), 0..5),
    ) {
        let bytes = codec::encode_member_opens(&opens).expect("encode");
        prop_assert_eq!(codec::decode_member_opens(&bytes).expect("decode"), opens);
        let entry = BlockEntry { until, reason, by };
        let bytes = codec::encode_block(&entry).expect("encode");
        prop_assert_eq!(codec::decode_block(&bytes).expect("decode"), entry);
        let bytes = codec::encode_answers(&answers).expect("encode");
        prop_assert_eq!(bytes[0], codec::INTAKE_V1);
        prop_assert_eq!(codec::decode_answers(&bytes).expect("decode"), answers);
    }

    /// Settings written before `language`, inactivity and claims existed still load, following
    /// the server's locale, with inactivity off and the default claim mode.
    #[test]
    fn v1_settings_upgrade(settings in v2_settings_strategy()) {
        let s = settings.clone();
        let v1_fields = (s.tickets_category, s.overflow_categories, s.log_channel, s.staff_roles,
            s.per_member_limit, s.per_guild_limit, s.topics, s.next_topic_id,
            v1_panels(&s.panels));
        let bytes = codec::encode(&v1_fields).expect("encode");
        prop_assert_eq!(bytes[0], codec::VERSION_V1);
        let upgraded = codec::decode_settings(&bytes).expect("decode");
        prop_assert_eq!(upgraded, GuildSettings {
            language: None,
            inactivity: Inactivity::default(),
            claims: ClaimSettings::default(),
            ..settings
        });
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = codec::decode_ticket(&bytes);
        let _ = codec::decode_settings(&bytes);
        let _ = codec::decode_transcript(&bytes);
    }

    #[test]
    fn versioned_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        // Past the version check, so the bincode and deflate parsers see the hostile bytes.
        let mut v = vec![codec::VERSION_V1];
        v.extend(bytes);
        let _ = codec::decode_ticket(&v);
        v[0] = codec::TICKET_V2;
        let _ = codec::decode_ticket(&v);
        v[0] = codec::TICKET_V3;
        let _ = codec::decode_ticket(&v);
        v[0] = codec::VERSION_V1;
        let _ = codec::decode_settings(&v);
        v[0] = codec::SETTINGS_V2;
        let _ = codec::decode_settings(&v);
        v[0] = codec::SETTINGS_V3;
        let _ = codec::decode_settings(&v);
        v[0] = codec::SETTINGS_V4;
        let _ = codec::decode_settings(&v);
        v[0] = codec::INTAKE_V1;
        let _ = codec::decode_answers(&v);
        let _ = codec::decode_block(&v);
        let _ = codec::decode_member_opens(&v);
        v[0] = codec::TRANSCRIPT_V1;
        let _ = codec::decode_transcript(&v);
    }

    #[test]
    fn transcript_round_trips(html in ".{0,200}", text in ".{0,200}") {
        let bytes = codec::encode_transcript(&html, &text).expect("encode");
        prop_assert_eq!(codec::decode_transcript(&bytes).expect("decode"), (html, text));
    }
}

#[test]
fn codec_rejects_unknown_version_and_trailing_bytes() {
    let record = ticket(1, 2, Some(3), TicketState::Open);
    let mut bytes = codec::encode_ticket(&record).expect("encode");
    bytes.push(0);
    assert!(matches!(
        codec::decode_ticket(&bytes),
        Err(codec::CodecError::TrailingBytes(1))
    ));
    bytes.pop();
    bytes[0] = 99;
    assert!(matches!(
        codec::decode_ticket(&bytes),
        Err(codec::CodecError::UnknownVersion(99))
    ));
    assert!(matches!(
        codec::decode_ticket(&[]),
        Err(codec::CodecError::Empty)
    ));
}

#[test]
fn hostile_length_prefix_does_not_allocate() {
    // A Vec length of u64::MAX in varint form: must be refused by the limit, not attempted.
    let mut bytes = vec![codec::VERSION_V1];
    bytes.extend([253, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    assert!(codec::decode::<Vec<u64>>(&bytes).is_err());
    assert!(codec::decode::<String>(&bytes).is_err());
}

#[tokio::test]
async fn lazy_writes_skip_the_fsync_and_become_durable_at_flush_and_close() {
    let dir = TempDir::new("lazy");
    let path = dir.db();
    {
        let store = open(&path);
        let before = store.stats();
        within(store.write_lazy(vec![WriteOp::PutTicket(ticket(
            1,
            1,
            Some(101),
            TicketState::Open,
        ))]))
        .await
        .expect("lazy write");
        let after_lazy = store.stats();
        assert_eq!(
            after_lazy.commits,
            before.commits + 1,
            "committed and visible"
        );
        assert_eq!(
            after_lazy.durable_commits, before.durable_commits,
            "a lazy write costs no fsync"
        );
        assert!(within(store.ticket(1, 1)).await.expect("read").is_some());
        within(store.flush()).await.expect("flush");
        assert_eq!(
            store.stats().durable_commits,
            before.durable_commits + 1,
            "flush makes pending lazy writes durable"
        );
        within(store.write_lazy(vec![WriteOp::PutDmChannel {
            user: 7,
            channel: 70,
        }]))
        .await
        .expect("lazy write");
        store.close().await;
    }
    let store = open(&path);
    assert!(within(store.ticket(1, 1)).await.expect("read").is_some());
    assert_eq!(
        within(store.dm_channel(7)).await.expect("read"),
        Some(70),
        "close makes the last lazy writes durable"
    );
}

#[tokio::test]
async fn under_load_durable_writes_share_fsyncs() {
    let dir = TempDir::new("linger");
    let store = open(&dir.db());
    // Warm the writer so it sees itself busy, then 500 writes from many tasks at once.
    within(store.write(vec![WriteOp::SetCounter { guild: 1, value: 1 }]))
        .await
        .expect("warm");
    let before = store.stats();
    let writes = (0..500u64).map(|n| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write(vec![WriteOp::PutTicket(ticket(
                    2,
                    n + 1,
                    None,
                    TicketState::Provisioning,
                ))])
                .await
        })
    });
    for handle in writes.collect::<Vec<_>>() {
        within(handle).await.expect("task").expect("write");
    }
    let fsyncs = store.stats().durable_commits - before.durable_commits;
    assert!(fsyncs * 5 <= 500, "{fsyncs} fsyncs for 500 writes");
}

#[tokio::test]
async fn under_load_lazy_writes_share_transactions() {
    let dir = TempDir::new("lazy-linger");
    let store = open(&dir.db());
    within(store.write(vec![WriteOp::SetCounter { guild: 1, value: 1 }]))
        .await
        .expect("warm");
    let before = store.stats();
    // A steady trickle, as a busy bot's "ticket is open" updates come: one write per
    // millisecond, each of which would otherwise be a transaction of its own.
    let mut receipts = Vec::new();
    for n in 0..200u64 {
        receipts.push(store.write_lazy(vec![WriteOp::PutTicket(ticket(
            2,
            n + 1,
            Some(10_000 + n),
            TicketState::Open,
        ))]));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    for receipt in receipts {
        within(receipt).await.expect("lazy write");
    }
    let transactions = store.stats().commits - before.commits;
    assert!(
        transactions * 2 <= 200,
        "{transactions} transactions for 200 lazy writes"
    );
    let snapshot = within(store.load_guild(2)).await.expect("load");
    assert_eq!(snapshot.tickets.len(), 200);
}

#[tokio::test]
async fn the_link_key_is_made_once_kept_and_rotated() {
    let dir = TempDir::new("link-key");
    let store = open(&dir.db());
    assert_eq!(within(store.link_key()).await.ok(), Some(None));
    let first = within(store.link_key_or_insert(vec![1; 32])).await.ok();
    assert_eq!(first, Some(vec![1; 32]));
    // A second start (or a racing one) keeps the key there is.
    let again = within(store.link_key_or_insert(vec![2; 32])).await.ok();
    assert_eq!(again, Some(vec![1; 32]));
    within(store.clone().close()).await;
    let store = open(&dir.db());
    assert_eq!(within(store.link_key()).await.ok(), Some(Some(vec![1; 32])));
    within(store.rotate_link_key(vec![3; 32]))
        .await
        .expect("rotate");
    assert_eq!(within(store.link_key()).await.ok(), Some(Some(vec![3; 32])));
    within(store.close()).await;
}

/// `value` as an older build stored a page: version byte, deflated bincode.
fn old_page<T: serde::Serialize>(version: u8, value: &T) -> Vec<u8> {
    let raw = bincode::serde::encode_to_vec(value, bincode::config::standard()).expect("encode");
    let mut encoder =
        flate2::write::DeflateEncoder::new(vec![version], flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &raw).expect("deflate");
    encoder.finish().expect("deflate")
}

/// Pages stored before name colours existed still load, with their staff notes and no colours;
/// a page with colours round-trips them.
#[test]
fn v2_transcript_pages_upgrade_and_colours_round_trip() {
    use crate::domain::transcript::{TranscriptDoc, TranscriptMessage, TranscriptMeta};
    let meta = TranscriptMeta {
        number: 5,
        ..Default::default()
    };
    let note = |id| TranscriptMessage {
        id,
        content: format!("note {id}"),
        ..Default::default()
    };
    let (messages, notes) = (vec![note(1)], vec![note(2), note(3)]);
    let bytes = old_page(
        codec::PAGE_V2,
        &(meta.clone(), messages.clone(), notes.clone()),
    );
    let doc = codec::decode_page(&bytes).expect("decode");
    assert_eq!(
        (doc.meta, doc.messages, doc.staff_notes, doc.name_colors),
        (meta.clone(), messages.clone(), notes.clone(), Vec::new())
    );
    let coloured = TranscriptDoc {
        meta,
        messages,
        staff_notes: notes,
        name_colors: vec![(10, 0x1abc9c), (11, 0xe91e63)],
    };
    let bytes = codec::encode_page(&coloured).expect("encode");
    assert_eq!(bytes[0], codec::PAGE_V3);
    assert_eq!(codec::decode_page(&bytes).expect("decode"), coloured);
}

/// Pages stored before staff notes existed still load, with none.
#[test]
fn v1_transcript_pages_upgrade() {
    use crate::domain::transcript::{TranscriptMessage, TranscriptMeta};
    let meta = TranscriptMeta {
        number: 4,
        ..Default::default()
    };
    let messages = vec![TranscriptMessage {
        id: 9,
        content: "hello".into(),
        ..Default::default()
    }];
    let raw = bincode::serde::encode_to_vec(
        &(meta.clone(), messages.clone()),
        bincode::config::standard(),
    )
    .expect("encode");
    let mut encoder =
        flate2::write::DeflateEncoder::new(vec![codec::PAGE_V1], flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, &raw).expect("deflate");
    let bytes = encoder.finish().expect("deflate");
    let doc = codec::decode_page(&bytes).expect("decode");
    assert_eq!(
        (doc.meta, doc.messages, doc.staff_notes),
        (meta, messages, Vec::new())
    );
}

#[tokio::test]
async fn transcript_pages_and_kept_files_round_trip() {
    use crate::domain::transcript::{TranscriptDoc, TranscriptMessage};
    let dir = TempDir::new("pages");
    let store = open(&dir.db());
    let doc = TranscriptDoc {
        messages: vec![TranscriptMessage {
            id: 9,
            content: "hello".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let file = StoredFile {
        filename: "a.png".into(),
        content_type: "image/png".into(),
        bytes: vec![0x89, b'P', b'N', b'G'],
    };
    within(store.write(vec![
        WriteOp::PutTranscriptPage {
            guild: 1,
            number: 2,
            doc: Box::new(doc.clone()),
        },
        WriteOp::PutFile {
            guild: 1,
            number: 2,
            id: 77,
            file: file.clone(),
        },
    ]))
    .await
    .expect("write");
    assert_eq!(
        within(store.transcript_page(1, 2)).await.ok(),
        Some(Some(doc))
    );
    assert_eq!(within(store.transcript_page(1, 3)).await.ok(), Some(None));
    assert_eq!(within(store.file(1, 2, 77)).await.ok(), Some(Some(file)));
    // Another ticket's number does not reach this ticket's file.
    assert_eq!(within(store.file(1, 3, 77)).await.ok(), Some(None));
    within(store.close()).await;
}

#[tokio::test]
async fn deadlines_are_armed_moved_removed_and_survive_a_reopen() {
    use crate::domain::deadline::{Deadline, DeadlineKey, DeadlineKind};
    let dir = TempDir::new("deadlines");
    let key = |number, kind| DeadlineKey {
        guild: 3,
        number,
        kind,
    };
    let store = open(&dir.db());
    within(store.write(vec![
        WriteOp::PutDeadline(Deadline {
            key: key(1, DeadlineKind::StaleWarning),
            at: 100,
        }),
        WriteOp::PutDeadline(Deadline {
            key: key(1, DeadlineKind::AutoClose),
            at: 200,
        }),
        WriteOp::PutDeadline(Deadline {
            key: key(2, DeadlineKind::StaleWarning),
            at: 300,
        }),
    ]))
    .await
    .expect("arm");
    within(store.write(vec![
        WriteOp::RemoveDeadline(key(1, DeadlineKind::StaleWarning)),
        WriteOp::RemoveDeadline(key(9, DeadlineKind::AutoClose)),
        WriteOp::PutDeadline(Deadline {
            key: key(2, DeadlineKind::StaleWarning),
            at: 50,
        }),
    ]))
    .await
    .expect("move and remove");
    within(store.close()).await;
    let store = open(&dir.db());
    let mut loaded = within(store.load_deadlines()).await.expect("load");
    loaded.sort_by_key(|d| d.key);
    assert_eq!(
        loaded,
        vec![
            Deadline {
                key: key(1, DeadlineKind::AutoClose),
                at: 200
            },
            Deadline {
                key: key(2, DeadlineKind::StaleWarning),
                at: 50
            },
        ]
    );
}

// Ready channels

fn ready_pool() -> crate::domain::ready::ReadyPool {
    use crate::domain::ready::{Handover, ReadyChannel, ReadyPool};
    ReadyPool {
        enabled: true,
        size: 25,
        category: Some(77),
        channels: vec![
            ReadyChannel {
                id: 501,
                parent: Some(77),
            },
            ReadyChannel {
                id: 502,
                parent: None,
            },
        ],
        handing: vec![Handover {
            channel: ReadyChannel {
                id: 503,
                parent: Some(77),
            },
            number: 9,
        }],
        made: 3,
    }
}

#[test]
fn ready_pool_codec_round_trips_and_refuses_what_it_does_not_know() {
    let pool = ready_pool();
    let bytes = codec::encode_ready(&pool).expect("encode");
    assert_eq!(bytes[0], codec::READY_V1);
    assert_eq!(codec::decode_ready(&bytes).expect("decode"), pool);
    let mut newer = bytes.clone();
    newer[0] = 99;
    assert_eq!(
        codec::decode_ready(&newer),
        Err(codec::CodecError::UnknownVersion(99))
    );
    assert!(codec::decode_ready(&bytes[..bytes.len() - 1]).is_err());
    assert_eq!(codec::decode_ready(&[]), Err(codec::CodecError::Empty));
}

#[tokio::test]
async fn ready_pool_survives_reopen_in_both_loads_and_is_forgotten_with_its_guild() {
    let dir = TempDir::new("ready");
    let path = dir.db();
    {
        let store = open(&path);
        within(store.write(vec![WriteOp::PutReadyPool {
            guild: 5,
            pool: ready_pool(),
        }]))
        .await
        .expect("write");
    }
    let store = open(&path);
    let snap = within(store.load_guild(5)).await.expect("load");
    assert_eq!(snap.ready, Some(ready_pool()));
    assert_eq!(within(store.load_guild(6)).await.expect("load").ready, None);
    let all = within(store.load_all()).await.expect("all");
    let (guild, snap) = all.first().expect("a guild known only by its pool");
    assert_eq!((*guild, snap.ready.clone()), (5, Some(ready_pool())));
    within(store.write(vec![WriteOp::ForgetGuild { guild: 5 }]))
        .await
        .expect("forget");
    assert_eq!(within(store.load_guild(5)).await.expect("load").ready, None);
}

/// The statistics' sums follow every write, in the same commit: after opens, closes, ratings
/// and a forgotten guild they equal the sums of the stored records; a file without sums (an
/// older build's) gets them rebuilt at open, equal again.
#[tokio::test]
async fn statistics_sums_follow_the_records_and_are_rebuilt_when_missing() {
    use crate::domain::tally::{HOUR_MS, Sign, Tally, TicketFigures, hour_of};
    let dir = TempDir::new("tallies");
    let store = open(&dir.db());
    let at = |hour: i64| 1_700_000_000_000 / HOUR_MS * HOUR_MS + hour * HOUR_MS;
    let mut records = Vec::new();
    for number in 1..=30u64 {
        let mut r = ticket(1, number, Some(100 + number), TicketState::Open);
        r.opened_at = at(number as i64 % 5);
        records.push(r);
    }
    within(store.write(records.iter().cloned().map(WriteOp::PutTicket).collect()))
        .await
        .unwrap();
    for r in records.iter_mut().filter(|r| r.number % 3 == 0) {
        r.state = TicketState::Closed;
        r.closed_at = Some(r.opened_at + 7_200_000);
        r.trail.first_staff_reply = Some(r.opened_at + 60_000);
        r.trail.first_responder = Some(77);
        r.trail.feedback = Some(Feedback {
            stars: 4,
            comment: None,
        });
        within(store.write(vec![WriteOp::PutTicket(r.clone())]))
            .await
            .unwrap();
    }
    let other = ticket(2, 1, Some(999), TicketState::Open);
    within(store.write(vec![WriteOp::PutTicket(other)]))
        .await
        .unwrap();
    within(store.write(vec![WriteOp::ForgetGuild { guild: 2 }]))
        .await
        .unwrap();

    let expected = |records: &[TicketRecord], since: u64| {
        let mut tally = Tally::default();
        for r in records.iter().filter(|r| hour_of(r.opened_at) >= since) {
            tally.record(&TicketFigures::of(r), Sign::Add);
        }
        tally
    };
    let check = |store: Store, records: Vec<TicketRecord>| async move {
        let all = within(store.guild_tallies(1, None, 0)).await.unwrap();
        assert_eq!(all.period, expected(&records, 0));
        assert_eq!((all.all_time.open, all.all_time.closed), (20, 10));
        let since = hour_of(at(3));
        let recent = within(store.guild_tallies(1, Some(since), since))
            .await
            .unwrap();
        assert_eq!(recent.period, expected(&records, since));
        assert_eq!(recent.recent_hours, vec![(since, 6), (since + 1, 6)]);
        let staff = within(store.staff_tally(1, 77)).await.unwrap();
        assert_eq!(
            (staff.answered, staff.ratings),
            (10, 0),
            "no claims: no ratings"
        );
        let gone = within(store.guild_tallies(2, None, 0)).await.unwrap();
        assert_eq!(
            gone.all_time,
            Tally::default(),
            "a forgotten guild keeps no sums"
        );
        store
    };
    let store = check(store, records.clone()).await;
    store.close().await;

    // An older build's file: the same records, no sums, no mark.
    {
        let db = Database::open(dir.db()).unwrap();
        let txn = db.begin_write().unwrap();
        txn.delete_table(tally::STATS_HOURS).unwrap();
        txn.delete_table(tally::STATS_STAFF).unwrap();
        txn.open_table(META).unwrap().remove("stats_built").unwrap();
        txn.commit().unwrap();
    }
    let store = open(&dir.db());
    check(store, records).await.close().await;
}

/// Guilds of two files moved into three by a placement: each guild's every row (tickets, the
/// counter, settings, deadlines, the intake's tables, transcripts) in exactly its new file,
/// the rows of no guild (DM channels, the link key) in each, and the counter still ahead of
/// every number, so the next ticket is not a number already used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reshard_moves_every_row_of_each_guild_and_checks_it() {
    let dir = TempDir::new("reshard");
    let sources = [
        dir.0.join("a/ticketeer.redb"),
        dir.0.join("b/ticketeer.redb"),
    ];
    for (i, path) in sources.iter().enumerate() {
        seed_reshard_source(path, i as u64).await;
    }
    let dests: Vec<PathBuf> = (0..3)
        .map(|d| dir.0.join(format!("to{d}/ticketeer.redb")))
        .collect();
    let place = |guild: u64| (guild % 3) as usize;
    let moved = {
        let (sources, dests) = (sources.to_vec(), dests.clone());
        tokio::task::spawn_blocking(move || reshard::reshard(&sources, &dests, place))
            .await
            .expect("task")
            .expect("reshard")
    };
    assert_eq!(moved.keys().copied().collect::<Vec<_>>(), [10, 11, 20, 21]);
    for (guild, m) in &moved {
        assert_eq!(m.dest, place(*guild));
        // Settings, counter, 3 tickets, 3 channel index rows, a deadline, answers, and the
        // statistics' hour row and all-time row.
        assert_eq!(m.tally.rows, 12, "guild {guild}");
    }
    for (d, path) in dests.iter().enumerate() {
        let store = open(path);
        for guild in [10u64, 11, 20, 21] {
            let tickets = within(store.all_tickets(guild)).await.expect("read");
            let snapshot = within(store.load_guild(guild)).await.expect("read");
            if place(guild) == d {
                assert_eq!(tickets.len(), 3, "guild {guild} in {d}");
                assert_eq!(snapshot.counter, 7);
                assert_eq!(snapshot.settings, settings());
            } else {
                assert!(
                    tickets.is_empty() && snapshot.counter == 0,
                    "{guild} in {d}"
                );
            }
        }
        let deadlines = within(store.load_deadlines()).await.expect("read");
        assert!(deadlines.iter().all(|x| place(x.key.guild) == d));
        assert_eq!(
            within(store.link_key()).await.expect("key"),
            Some(vec![0u8; 32]),
            "the first source's key, so its links keep working"
        );
        assert_eq!(
            within(store.earlier_link_keys()).await.expect("keys"),
            [vec![1u8; 32]],
            "the second source's key, so the links it signed keep working too"
        );
        within(store.close()).await;
    }
    // A rotation ends every earlier key's links as well as the current one's.
    let store = open(&dests[0]);
    within(store.rotate_link_key(vec![9; 32]))
        .await
        .expect("rotate");
    assert!(
        within(store.earlier_link_keys())
            .await
            .expect("keys")
            .is_empty()
    );
    within(store.close()).await;
    // A second run into the same places is refused: the copies are never overwritten.
    let again = reshard::reshard(&sources, &dests, place);
    assert!(matches!(
        again,
        Err(reshard::ReshardError::DestExists { .. })
    ));
    // A guild in two sources has two homes: refused before anything is written.
    let twice = [sources[0].clone(), dests[1].clone()];
    let fresh = [dir.0.join("x/ticketeer.redb")];
    let split = reshard::reshard(&twice, &fresh, |_| 0);
    assert!(
        matches!(
            split,
            Err(reshard::ReshardError::TwoHomes { guild: 10, .. })
        ),
        "{split:?}"
    );
    assert!(!fresh[0].exists());
}

/// Source `i` of the reshard test: guilds `10(i+1)` and `10(i+1)+1` with settings, a counter,
/// three tickets, a deadline and answers, a DM channel and a link key of its own.
async fn seed_reshard_source(path: &Path, i: u64) {
    let store = open(path);
    let mut ops = vec![WriteOp::PutDmChannel {
        user: 40 + i,
        channel: 400 + i,
    }];
    for guild in [10 * (i + 1), 10 * (i + 1) + 1] {
        ops.push(WriteOp::PutSettings {
            guild,
            settings: settings(),
        });
        ops.push(WriteOp::SetCounter { guild, value: 7 });
        for number in 1..=3 {
            ops.push(WriteOp::PutTicket(ticket(
                guild,
                number,
                Some(guild * 100 + number),
                TicketState::Open,
            )));
        }
        ops.push(WriteOp::PutDeadline(Deadline {
            key: DeadlineKey {
                guild,
                number: 2,
                kind: DeadlineKind::AutoClose,
            },
            at: 1_700_000_000_000,
        }));
        ops.push(WriteOp::PutAnswers {
            guild,
            number: 1,
            answers: vec![Answer {
                label: "Order".into(),
                value: format!("A-{guild}"),
                subject: true,
            }],
        });
    }
    within(store.write(ops)).await.expect("write");
    within(store.rotate_link_key(vec![i as u8; 32]))
        .await
        .expect("key");
    within(store.close()).await;
}
