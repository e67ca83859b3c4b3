//! `cargo bench --bench footprint [-- --guilds 10000 --tickets 20000]`: what an idle guild actor
//! and an open ticket actor cost in memory, and how long start-up takes with a large store.
//!
//! The bot runs in a child process (this same binary with `--child`), so its resident set holds
//! nothing but the bot: the simulator, the seeding and the store building stay in the parent.
//! Three children, each against a fresh simulator holding exactly its guilds:
//! 1. 1 guild, 0 tickets: the fixed cost (runtime, twilight clients, redb, the shard);
//! 2. N guilds, 0 tickets: per idle guild actor = (2 − 1) ÷ (N − 1);
//! 3. N guilds, M open tickets: per open ticket without a running actor = (3 − 2) ÷ M; then
//!    every ticket's actor is woken (`Bot::wake_all_tickets`): per running ticket actor = what
//!    that added ÷ the actors running.
//!
//! A fourth child spawns N bare ractor actors (unit state, no messages) to show what ractor
//! itself costs per actor, apart from Ticketeer's state.
//!
//! Each child reports VmRSS just before `Bot::start` and once every guild actor runs (the
//! router's status lists every guild; ticket actors are spawned inside their guild actor's
//! start) and the resident set stopped growing, plus the start-up time: `Bot::start` → every
//! guild actor running. Writes `target/footprint.json`.
//!
//! `-- --stats N` instead fills a store with N closed tickets and times `/tickets stats`'
//! answer over it (the statistics' sums are read, never the tickets).

use std::{
    alloc::{GlobalAlloc, Layout},
    path::{Path, PathBuf},
    process::{Command, ExitCode, Stdio},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use mimalloc::MiMalloc;
use serde_json::{Value, json};
use ticketeer::{
    actors::{Bot, BotConfig},
    domain::model::{GuildSettings, TicketRecord, TicketState},
    sim::{self, RateLimitMode, SimConfig},
    store::{Durability, Store, StoreConfig, WriteOp},
};

/// The allocator the binary ships with (mimalloc, `src/main.rs`), counting the bytes the program
/// holds: RSS minus live heap is what the allocator keeps around (size-class rounding, freed
/// transient buffers, per-thread pages). Until the fourth session this wrapped the system
/// allocator, which measured 7.8 KiB per idle guild actor where the shipped binary holds 9.2–9.9.
struct Counting;

static LIVE_HEAP: AtomicU64 = AtomicU64::new(0);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
/// Live allocations by size class: class `k` holds sizes in `(2^(k-1), 2^k]`.
static CLASSES: [AtomicU64; 40] = [const { AtomicU64::new(0) }; 40];
/// Live allocations by exact size up to 4 KiB (the last slot holds everything larger): which
/// allocation an actor's cost is made of, to know what to shrink.
static EXACT: [AtomicU64; EXACT_SIZES + 1] = [const { AtomicU64::new(0) }; EXACT_SIZES + 1];
const EXACT_SIZES: usize = 4096;

fn class_of(size: usize) -> usize {
    ((usize::BITS - size.max(1).saturating_sub(1).leading_zeros()) as usize).min(39)
}

fn count_alloc(size: usize) {
    LIVE_HEAP.fetch_add(size as u64, Ordering::Relaxed);
    ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    CLASSES[class_of(size)].fetch_add(1, Ordering::Relaxed);
    EXACT[size.min(EXACT_SIZES)].fetch_add(1, Ordering::Relaxed);
}

fn count_dealloc(size: usize) {
    LIVE_HEAP.fetch_sub(size as u64, Ordering::Relaxed);
    ALLOCATIONS.fetch_sub(1, Ordering::Relaxed);
    CLASSES[class_of(size)].fetch_sub(1, Ordering::Relaxed);
    EXACT[size.min(EXACT_SIZES)].fetch_sub(1, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `MiMalloc`; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `MiMalloc` shares.
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() {
            count_alloc(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { MiMalloc.dealloc(ptr, layout) };
        count_dealloc(layout.size());
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { MiMalloc.alloc_zeroed(layout) };
        if !p.is_null() {
            count_alloc(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count_dealloc(layout.size());
            count_alloc(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn classes() -> Vec<u64> {
    CLASSES.iter().map(|c| c.load(Ordering::Relaxed)).collect()
}

fn exact_sizes() -> Vec<u64> {
    EXACT.iter().map(|c| c.load(Ordering::Relaxed)).collect()
}

/// Per-slot growth of live allocation counts between two snapshots, divided over `actors`:
/// the rows that grew by at least `min_per_actor`, each `{<key>: key_of(slot),
/// allocations_per_actor}`. Slots are exact sizes or size classes; missing slots count as 0.
fn growth(
    before: &[u64],
    after: &[u64],
    actors: usize,
    min_per_actor: f64,
    key: &str,
    key_of: impl Fn(usize) -> u64,
) -> Vec<Value> {
    after
        .iter()
        .zip(before.iter().chain(std::iter::repeat(&0)))
        .enumerate()
        .filter_map(|(slot, (a, b))| {
            let per_actor = (*a as f64 - *b as f64) / actors.max(1) as f64;
            (per_actor >= min_per_actor).then(|| {
                json!({key: key_of(slot), "allocations_per_actor": (per_actor * 100.0).round() / 100.0})
            })
        })
        .collect()
}

/// Exact sizes (4096 standing for "4096 or more") that grew by half an allocation per actor.
fn exact_growth(before: &[u64], after: &[u64], actors: usize) -> Value {
    Value::Array(growth(before, after, actors, 0.5, "size", |size| {
        size as u64
    }))
}

/// `(live heap bytes, live allocations)`.
fn heap() -> (u64, u64) {
    (
        LIVE_HEAP.load(Ordering::Relaxed),
        ALLOCATIONS.load(Ordering::Relaxed),
    )
}

/// Store ops per `Store::write` while building the file: one commit per chunk.
const BUILD_CHUNK: usize = 4096;

#[derive(Debug, Clone)]
struct Params {
    guilds: usize,
    tickets: usize,
    /// `--ready N`: every guild of the full run holds a full pool of N ready channels.
    ready: usize,
}

fn parse_params(args: &[String]) -> Result<Params, String> {
    let mut p = Params {
        guilds: 10_000,
        tickets: 20_000,
        ready: 0,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut num = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} takes a number"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--guilds" => p.guilds = num("--guilds")?,
            "--tickets" => p.tickets = num("--tickets")?,
            "--ready" => p.ready = num("--ready")?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if p.guilds < 2 {
        return Err("--guilds must be at least 2 (one run uses 1 guild as the baseline)".into());
    }
    Ok(p)
}

/// Resident set of this process in bytes (`VmRSS`).
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Polls the resident set until it holds still for [`SETTLED_FOR`] (reads 100 ms apart within
/// 64 KiB of each other), at most `limit`: spawned actors run their start on the scheduler after
/// their spawn returned, and the allocator gives freed pages back to the system only after a
/// delay (mimalloc's `purge_delay`, 1 s), so an idle bot's size is the one after that.
async fn settled_rss(limit: Duration) -> u64 {
    let deadline = Instant::now() + limit;
    let mut last = rss_bytes();
    let mut stable = 0;
    let needed = (SETTLED_FOR.as_millis() / 100) as u32;
    while stable < needed && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = rss_bytes();
        if now.abs_diff(last) <= 64 * 1024 {
            stable += 1;
        } else {
            stable = 0;
        }
        last = now;
    }
    last
}

/// Discord's maximum of guilds per shard.
const GUILDS_PER_SHARD: usize = 2_500;

/// How long the resident set must hold still to count as settled: longer than mimalloc's purge
/// delay.
const SETTLED_FOR: Duration = Duration::from_millis(2_500);

// ---------------------------------------------------------------------------------------------
// Child: the bot alone.

/// `--child API GATEWAY DATA_DIR GUILDS`: starts the bot, prints one JSON line.
async fn child(api: &str, gateway: &str, data_dir: &Path, guilds: usize) -> Result<Value, String> {
    let mut config = BotConfig::for_simulator(api, gateway, data_dir.to_path_buf());
    config.ratelimiter = false;
    // As many shards as Discord requires (2,500 guilds each, or it closes with 4011), all in
    // this process, as a bot of this size runs.
    config.shard_total = guilds.div_ceil(GUILDS_PER_SHARD).max(1) as u32;
    config.shards = (0..config.shard_total).collect();
    // Let the allocator and the runtime reach their steady size before the baseline.
    let before = settled_rss(Duration::from_secs(10)).await;
    let heap_before = heap();
    let start = Instant::now();
    let bot = Bot::start(config)
        .await
        .map_err(|e| format!("bot did not start: {e}"))?;
    let started_ms = start.elapsed().as_secs_f64() * 1e3;
    // Store loaded and every guild's snapshot preloaded; no guild actor yet.
    let heap_started = heap();
    // READY received: from here any interaction is taken (its guild actor starts on demand).
    if !bot.wait_ready(0, Duration::from_secs(120)).await {
        return Err("no READY within 120 s".into());
    }
    let accepting_ms = start.elapsed().as_secs_f64() * 1e3;
    if !bot.wait_ready(guilds, Duration::from_secs(120)).await {
        return Err(format!("{guilds} guilds not announced within 120 s"));
    }
    // Every guild is known but quiet: guild actors start on first need, so none runs yet.
    let heap_quiet = heap();
    let exact_quiet = exact_sizes();
    // Then start them all, to measure what a running (idle) guild actor costs.
    bot.wake_all_guilds().await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while bot.status().await.map_or(0, |s| s.guild_actors) < guilds {
        if Instant::now() > deadline {
            return Err(format!("{guilds} guild actors not running within 120 s"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ready_ms = start.elapsed().as_secs_f64() * 1e3;
    let after = settled_rss(Duration::from_secs(20)).await;
    let heap_after = heap();
    let classes_after = classes();
    let exact_by_actor = exact_growth(&exact_quiet, &exact_sizes(), guilds);
    let running = bot.status().await.map_or(0, |s| s.guild_actors);
    // Open tickets have no actor until first used after a start; wake them all to measure a
    // running (idle) ticket actor too.
    let ticket_actors = bot.wake_all_tickets().await;
    let rss_tickets_awake = settled_rss(Duration::from_secs(20)).await;
    let heap_tickets_awake = heap();
    bot.shutdown().await;
    Ok(json!({
        "rss_before": before,
        "rss_after": after,
        "heap_before": heap_before.0,
        "heap_started": heap_started.0,
        "heap_quiet": heap_quiet.0,
        "heap_after": heap_after.0,
        "allocations_before": heap_before.1,
        "allocations_after": heap_after.1,
        "classes_after": classes_after,
        "exact_sizes_per_guild_actor": exact_by_actor,
        "bot_start_returned_ms": started_ms,
        "startup_ms": ready_ms,
        "accepting_ms": accepting_ms,
        "guild_actors": running,
        "ticket_actors": ticket_actors,
        "rss_tickets_awake": rss_tickets_awake,
        "heap_tickets_awake": heap_tickets_awake.0,
        "allocations_tickets_awake": heap_tickets_awake.1,
    }))
}

/// `--bare N`: N ractor actors with unit state; what ractor itself costs per actor.
async fn bare(n: usize) -> Result<Value, String> {
    use ractor::{Actor, ActorProcessingErr, ActorRef};
    struct Bare;
    impl Actor for Bare {
        type Msg = ();
        type State = ();
        type Arguments = ();
        async fn pre_start(
            &self,
            _myself: ActorRef<()>,
            _args: (),
        ) -> Result<(), ActorProcessingErr> {
            Ok(())
        }
    }
    let before = settled_rss(Duration::from_secs(10)).await;
    let heap_before = heap();
    let exact_before = exact_sizes();
    let mut actors = Vec::with_capacity(n);
    for _ in 0..n {
        let (actor, handle) = Actor::spawn(None, Bare, ())
            .await
            .map_err(|e| format!("spawn: {e}"))?;
        actors.push((actor, handle));
    }
    let after = settled_rss(Duration::from_secs(20)).await;
    let heap_after = heap();
    let classes_after = classes();
    let exact_by_actor = exact_growth(&exact_before, &exact_sizes(), n);
    for (actor, _) in &actors {
        actor.stop(None);
    }
    for (_, handle) in actors {
        let _ = handle.await;
    }
    Ok(json!({
        "rss_before": before,
        "rss_after": after,
        "heap_before": heap_before.0,
        "heap_after": heap_after.0,
        "allocations_before": heap_before.1,
        "allocations_after": heap_after.1,
        "live_allocations_by_size_class": classes_after,
        "exact_sizes_per_actor": exact_by_actor,
        "actors": n,
    }))
}

/// `--deadlines N`: the live heap of N armed deadlines in the clock's schedule (the issue's
/// target: at most 100 bytes each).
fn deadlines(n: usize) -> Value {
    use ticketeer::domain::deadline::{Deadline, DeadlineKey, DeadlineKind, Schedule};
    let before = heap();
    let mut schedule = Schedule::default();
    for i in 0..n as u64 {
        schedule.arm(Deadline {
            key: DeadlineKey {
                guild: 1_000_000 + i % 10_000,
                number: i,
                kind: DeadlineKind::StaleWarning,
            },
            // Spread over a day, as warnings of tickets opened through one are.
            at: ((i * 7_919) % 86_400_000) as i64,
        });
    }
    let after = heap();
    let per = after.0.saturating_sub(before.0) as f64 / n.max(1) as f64;
    let armed = schedule.len();
    drop(schedule);
    json!({ "deadlines": armed, "heap_bytes_per_deadline": per })
}

/// `--stats N`: a fresh store filled with N closed tickets of one guild (answered, rated,
/// claimed, over two years), then `/tickets stats`' answer timed for every period: the
/// statistics' sums read and turned into the answer's text, as the guild actor's task does.
async fn stats(n: u64) -> Result<Value, String> {
    use ticketeer::domain::model::{EventKind, Feedback, TicketEvent};
    use ticketeer::domain::stats::{Period, StaffFigures, Stats, recent_from};
    const GUILD: u64 = 7;
    const BATCH: u64 = 10_000;
    const YEARS_2: i64 = 2 * 365 * 86_400_000;
    let dir = std::env::temp_dir().join(format!("ticketeer-stats-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("ticketeer.redb");
    let store = Store::open(StoreConfig {
        path: path.clone(),
        durability: Durability::None,
    })
    .map_err(|e| e.to_string())?;
    let now = ticketeer::actors::ticket::now_millis();
    let settings = GuildSettings {
        topics: (1..=6)
            .map(|id| ticketeer::domain::model::Topic {
                id,
                name: format!("Topic {id}"),
                category: None,
            })
            .collect(),
        ..GuildSettings::default()
    };
    let filling = Instant::now();
    for start in (1..=n).step_by(BATCH as usize) {
        let ops = (start..(start + BATCH).min(n + 1))
            .map(|number| {
                let mut r = TicketRecord {
                    state: TicketState::Closed,
                    close_reason: Some("solved".into()),
                    ..TicketRecord::new(GUILD, number, 1_000 + number, 0)
                };
                // Evenly over the last two years: a month holds 1/24 of them, a day 1/730.
                r.opened_at = now - YEARS_2 + (YEARS_2 / n as i64) * (number as i64 - 1);
                r.topic = Some((number % 6) as u32 + 1);
                r.closed_at = Some(r.opened_at + (number as i64 * 104_729) % 259_200_000);
                let staff = 100 + number % 20;
                r.trail.first_staff_reply = Some(r.opened_at + (number as i64 * 31) % 7_200_000);
                r.trail.first_responder = Some(staff);
                r.trail.events.push(TicketEvent {
                    at: r.opened_at,
                    by: staff,
                    what: EventKind::Claimed,
                });
                r.staff.claimer = Some(staff);
                r.trail.feedback = (number % 3 == 0).then(|| Feedback {
                    stars: (number % 5) as u8 + 1,
                    comment: None,
                });
                WriteOp::PutTicket(r)
            })
            .collect();
        store.write(ops).await.map_err(|e| e.to_string())?;
    }
    let fill_secs = filling.elapsed().as_secs_f64();
    let mut periods = serde_json::Map::new();
    for period in Period::ALL {
        let mut times = Vec::new();
        let mut text = String::new();
        for _ in 0..21 {
            let started = Instant::now();
            let recent = recent_from(now);
            let tallies = (store
                .guild_tallies(GUILD, period.since_hour(now), recent)
                .await)
                .map_err(|e| e.to_string())?;
            let stats = Stats::of(&tallies, &settings, recent);
            text = ticketeer::ui::ticket_messages::stats_text(&stats, period, None);
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "stats {}: p50 {:.2} ms, max {:.2} ms",
            period.as_str(),
            times[10],
            times[20]
        );
        periods.insert(
            period.as_str().into(),
            json!({ "p50_ms": times[10], "max_ms": times[20], "answer": text }),
        );
    }
    let started = Instant::now();
    let staff = store
        .staff_tally(GUILD, 105)
        .await
        .map_err(|e| e.to_string())?;
    let staff_ms = started.elapsed().as_secs_f64() * 1000.0;
    let figures = StaffFigures::of(&staff);
    store.close().await;
    let file_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(json!({
        "closed_tickets": n,
        "fill_seconds": fill_secs,
        "fill_tickets_per_second": n as f64 / fill_secs,
        "file_bytes": file_bytes,
        "periods": periods,
        "staff_ms": staff_ms,
        "staff_answered": figures.answered,
    }))
}

// ---------------------------------------------------------------------------------------------
// Parent: simulator, store, children.

/// One child run's measurement.
#[derive(Debug, Clone)]
struct Run {
    guilds: usize,
    tickets: usize,
    delta: u64,
    before: u64,
    after: u64,
    startup_ms: f64,
    accepting_ms: f64,
    /// Live heap bytes the bot added (ready − before) and of that, what was there once
    /// `Bot::start` returned (store loaded, snapshots preloaded, no guild actor yet).
    heap_delta: u64,
    heap_at_start: u64,
    /// Exact allocation sizes each guild actor added once started, `[{size, allocations_per_actor}]`.
    exact_sizes_per_guild_actor: Value,
    /// Live heap once every guild is announced but none has an actor yet.
    heap_quiet: u64,
    allocations_delta: u64,
    /// Live allocations per size class once ready.
    classes: Vec<u64>,
    /// Ticket actors running after waking every ticket, and what that added: RSS, live heap.
    ticket_actors: u64,
    rss_woken: u64,
    heap_woken: u64,
}

/// Builds the store the bot will find: every guild configured (a tickets category, a staff
/// role), its counter, and `tickets` Open tickets spread round-robin over the guilds, each with
/// its channel under the category and an opener who is a member.
async fn build_store(
    path: &Path,
    guilds: &[sim::SeededGuild],
    tickets: usize,
    ready: usize,
) -> Result<(), String> {
    let config = StoreConfig {
        path: path.to_path_buf(),
        durability: Durability::None,
    };
    let store = tokio::task::spawn_blocking(move || Store::open(config))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("store: {e}"))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut ops = Vec::new();
    let per_guild = tickets.div_ceil(guilds.len());
    // Synthetic ids far above the simulator's: Open tickets are not checked against Discord at
    // start (only Provisioning ones are), so the channels need not exist.
    let mut next_id: u64 = 9_000_000_000_000_000_000;
    let mut fresh = || {
        next_id += 1;
        next_id
    };
    for (i, g) in guilds.iter().enumerate() {
        let category = fresh();
        let settings = GuildSettings {
            tickets_category: Some(category),
            staff_roles: vec![g.staff_role_id],
            ..GuildSettings::default()
        };
        ops.push(WriteOp::PutSettings {
            guild: g.guild_id,
            settings,
        });
        let mine = (0..per_guild)
            .map(|k| k * guilds.len() + i)
            .filter(|t| *t < tickets)
            .count();
        for number in 1..=mine as u64 {
            let opener = g
                .member_ids
                .get(number as usize - 1)
                .copied()
                .unwrap_or(g.owner_id);
            ops.push(WriteOp::PutTicket(TicketRecord {
                parent: Some(category),
                channel: Some(fresh()),
                state: TicketState::Open,
                ..TicketRecord::new(g.guild_id, number, opener, now)
            }));
            // Every open ticket has its inactivity warning armed: start-up loads them all.
            ops.push(WriteOp::PutDeadline(
                ticketeer::domain::deadline::Deadline {
                    key: ticketeer::domain::deadline::DeadlineKey {
                        guild: g.guild_id,
                        number,
                        kind: ticketeer::domain::deadline::DeadlineKind::StaleWarning,
                    },
                    at: now + 86_400_000,
                },
            ));
        }
        ops.push(WriteOp::SetCounter {
            guild: g.guild_id,
            value: mine as u64,
        });
        if ready > 0 {
            // A full pool: nothing to refill, so the guild's actor waits for its first need.
            use ticketeer::domain::ready::{ReadyChannel, ReadyPool};
            let channels = (0..ready)
                .map(|_| ReadyChannel {
                    id: fresh(),
                    parent: Some(category),
                })
                .collect();
            let pool = ReadyPool {
                enabled: true,
                size: ready as u32,
                category: None,
                channels,
                handing: Vec::new(),
                made: ready as u64,
            };
            ops.push(WriteOp::PutReadyPool {
                guild: g.guild_id,
                pool,
            });
        }
        if ops.len() >= BUILD_CHUNK {
            store
                .write(std::mem::take(&mut ops))
                .await
                .map_err(|e| format!("store write: {e}"))?;
        }
    }
    store
        .write(ops)
        .await
        .map_err(|e| format!("store write: {e}"))?;
    store.flush().await.map_err(|e| format!("flush: {e}"))?;
    store.close().await;
    Ok(())
}

fn spawn_child(args: &[String]) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let out = Command::new(exe)
        .args(args)
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("child: {e}"))?;
    if !out.status.success() {
        return Err(format!("child {args:?} failed: {}", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| format!("child {args:?} printed no result"))?;
    serde_json::from_str(line).map_err(|e| format!("child result: {e}"))
}

async fn measure(
    guilds: usize,
    (tickets, ready): (usize, usize),
    base: &Path,
) -> Result<Run, String> {
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        message_content: true,
        // A bot in 10,000 guilds is a large bot: Discord lets its shards identify 16 at a time,
        // so start-up measures the bot, not Discord's 5 s identify spacing.
        max_concurrency: 16,
        ..SimConfig::default()
    })
    .await
    .map_err(|e| format!("simulator: {e}"))?;
    let members = tickets.div_ceil(guilds);
    let mut seeded = Vec::with_capacity(guilds);
    for _ in 0..guilds {
        seeded.push(sim.seed_guild(members).await);
    }
    let dir = base.join(format!("g{guilds}-t{tickets}"));
    let _ = std::fs::remove_dir_all(&dir);
    build_store(&dir.join("ticketeer.redb"), &seeded, tickets, ready).await?;
    let args = vec![
        "--child".to_string(),
        sim.http_url(),
        sim.gateway_url(),
        dir.display().to_string(),
        guilds.to_string(),
    ];
    // The child blocks this thread while the simulator serves it from the runtime's others.
    let result = tokio::task::spawn_blocking(move || spawn_child(&args))
        .await
        .map_err(|e| e.to_string())??;
    sim.shutdown().await;
    let file = std::fs::metadata(dir.join("ticketeer.redb")).map_or(0, |m| m.len());
    eprintln!(
        "footprint: the store file holds {guilds} guilds, {tickets} tickets in {:.1} MiB",
        file as f64 / (1024.0 * 1024.0)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let before = result["rss_before"].as_u64().unwrap_or(0);
    let after = result["rss_after"].as_u64().unwrap_or(0);
    let run = Run {
        guilds,
        tickets,
        before,
        after,
        delta: after.saturating_sub(before),
        startup_ms: result["startup_ms"].as_f64().unwrap_or(f64::NAN),
        exact_sizes_per_guild_actor: result["exact_sizes_per_guild_actor"].clone(),
        accepting_ms: result["accepting_ms"].as_f64().unwrap_or(f64::NAN),
        heap_delta: result["heap_after"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(result["heap_before"].as_u64().unwrap_or(0)),
        heap_at_start: result["heap_started"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(result["heap_before"].as_u64().unwrap_or(0)),
        heap_quiet: result["heap_quiet"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(result["heap_before"].as_u64().unwrap_or(0)),
        classes: result["classes_after"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_u64().unwrap_or(0)).collect())
            .unwrap_or_default(),
        allocations_delta: result["allocations_after"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(result["allocations_before"].as_u64().unwrap_or(0)),
        ticket_actors: result["ticket_actors"].as_u64().unwrap_or(0),
        rss_woken: result["rss_tickets_awake"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(after),
        heap_woken: result["heap_tickets_awake"]
            .as_u64()
            .unwrap_or(0)
            .saturating_sub(result["heap_after"].as_u64().unwrap_or(0)),
    };
    eprintln!(
        "footprint: {guilds} guilds, {tickets} tickets: RSS {:.1} → {:.1} MiB (+{:.1}), start-up {:.0} ms",
        mib(before),
        mib(after),
        mib(run.delta),
        run.startup_ms
    );
    Ok(run)
}

fn mib(b: u64) -> f64 {
    b as f64 / 1_048_576.0
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

async fn parent(p: Params) -> Result<bool, String> {
    let base = std::env::temp_dir().join(format!("ticketeer-footprint-{}", std::process::id()));
    let fixed = measure(1, (0, 0), &base).await?;
    let idle = measure(p.guilds, (0, 0), &base).await?;
    let full = measure(p.guilds, (p.tickets, p.ready), &base).await?;
    let bare = {
        let args = vec!["--bare".to_string(), p.guilds.to_string()];
        tokio::task::spawn_blocking(move || spawn_child(&args))
            .await
            .map_err(|e| e.to_string())??
    };
    let _ = std::fs::remove_dir_all(&base);
    let per_guild = idle.delta.saturating_sub(fixed.delta) as f64 / (p.guilds - 1) as f64;
    let per_ticket = if p.tickets > 0 {
        full.delta.saturating_sub(idle.delta) as f64 / p.tickets as f64
    } else {
        f64::NAN
    };
    let per = |a: u64, b: u64, n: usize| a.saturating_sub(b) as f64 / n.max(1) as f64;
    let heap_per_guild = per(idle.heap_delta, fixed.heap_delta, p.guilds - 1);
    let heap_per_ticket = per(full.heap_delta, idle.heap_delta, p.tickets);
    let allocs_per_guild = per(
        idle.allocations_delta,
        fixed.allocations_delta,
        p.guilds - 1,
    );
    let allocs_per_ticket = per(full.allocations_delta, idle.allocations_delta, p.tickets);
    let preload_per_guild = per(idle.heap_at_start, fixed.heap_at_start, p.guilds - 1);
    let quiet_per_guild = per(idle.heap_quiet, fixed.heap_quiet, p.guilds - 1);
    let bare_heap = per(
        bare["heap_after"].as_u64().unwrap_or(0),
        bare["heap_before"].as_u64().unwrap_or(0),
        p.guilds,
    );
    // Size classes that grew by at least one allocation per 4 actors: where the bytes are.
    let class_growth = |more: &Run, less: &Run, n: usize| {
        growth(&less.classes, &more.classes, n, 0.25, "size_up_to", |k| {
            1u64 << k
        })
    };
    let guild_classes = class_growth(&idle, &fixed, p.guilds - 1);
    let ticket_classes = class_growth(&full, &idle, p.tickets);
    let bare_per_actor = bare["rss_after"]
        .as_u64()
        .unwrap_or(0)
        .saturating_sub(bare["rss_before"].as_u64().unwrap_or(0)) as f64
        / p.guilds as f64;
    let sizes = json!({
        "GuildState": std::mem::size_of::<ticketeer::actors::guild::GuildState>(),
        "GuildMsg": std::mem::size_of::<ticketeer::actors::protocol::GuildMsg>(),
        "TicketEntry": std::mem::size_of::<ticketeer::actors::guild::TicketEntry>(),
        "TicketActorState": std::mem::size_of::<ticketeer::actors::ticket::TicketActorState>(),
        "TicketMsg": std::mem::size_of::<ticketeer::actors::ticket::TicketMsg>(),
        "TicketRecord": std::mem::size_of::<TicketRecord>(),
        "GuildSettings": std::mem::size_of::<GuildSettings>(),
    });
    // A running ticket actor: what waking every open ticket's actor added, per actor.
    let per_ticket_actor = per(full.rss_woken, 0, full.ticket_actors as usize);
    let heap_per_ticket_actor = per(full.heap_woken, 0, full.ticket_actors as usize);
    // The targets.
    let startup_ok = full.accepting_ms <= 1000.0;
    let guild_ok = per_guild <= 8.0 * 1024.0;
    let ticket_ok = full.ticket_actors as usize == p.tickets && per_ticket_actor <= 16.0 * 1024.0;
    let run_json = |r: &Run| {
        json!({
            "guilds": r.guilds, "tickets": r.tickets, "rss_before": r.before,
            "rss_after": r.after, "rss_delta": r.delta, "startup_ms": r.startup_ms,
            "heap_delta": r.heap_delta, "heap_at_bot_start_returned": r.heap_at_start,
            "allocations_delta": r.allocations_delta,
            "live_allocations_by_size_class": r.classes,
        })
    };
    let report = json!({
        "params": {"guilds": p.guilds, "tickets": p.tickets, "ready_per_guild": p.ready},
        "bytes_per_idle_guild_actor": per_guild,
        "bytes_per_open_ticket_actor": per_ticket_actor,
        "bytes_per_open_ticket_without_actor": per_ticket,
        "ticket_actors_woken": full.ticket_actors,
        "bytes_per_bare_ractor_actor": bare_per_actor,
        "live_heap": {
            "per_idle_guild_actor": heap_per_guild,
            "per_open_ticket_actor": heap_per_ticket_actor,
            "per_open_ticket_without_actor": heap_per_ticket,
            "per_bare_ractor_actor": bare_heap,
            "allocations_per_idle_guild_actor": allocs_per_guild,
            "allocations_per_open_ticket_actor": allocs_per_ticket,
            "per_guild_held_once_bot_start_returned": preload_per_guild,
            "per_quiet_guild_without_actor": quiet_per_guild,
            "size_classes_per_idle_guild_actor": guild_classes.clone(),
            "size_classes_per_open_ticket_actor": ticket_classes.clone(),
            "exact_sizes_per_idle_guild_actor": idle.exact_sizes_per_guild_actor,
        },
        "startup_ms": full.startup_ms,
        "accepting_interactions_ms": full.accepting_ms,
        "startup_ms_no_tickets": idle.startup_ms,
        "runs": [run_json(&fixed), run_json(&idle), run_json(&full)],
        "bare": bare,
        "type_sizes_bytes": sizes,
        "targets_met": {"guild_8kib": guild_ok, "ticket_16kib": ticket_ok, "startup_1s": startup_ok},
    });
    let path = target_dir().join("footprint.json");
    let written = std::fs::create_dir_all(target_dir()).and_then(|_| {
        std::fs::write(
            &path,
            serde_json::to_vec_pretty(&report).unwrap_or_default(),
        )
    });
    println!();
    println!("footprint: {} guilds, {} open tickets", p.guilds, p.tickets);
    println!("{:<40} {:>12} {:>10}", "", "measured", "target");
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!(
        "{:<40} {:>10.2} KiB {:>6} KiB {}",
        "per idle guild actor",
        per_guild / 1024.0,
        8,
        verdict(guild_ok)
    );
    println!(
        "{:<40} {:>10.2} KiB {:>6} KiB {}",
        format!("per open ticket actor ({} running)", full.ticket_actors),
        per_ticket_actor / 1024.0,
        16,
        verdict(ticket_ok)
    );
    println!(
        "{:<40} {:>10.2} KiB",
        "per open ticket, actor not started",
        per_ticket / 1024.0
    );
    println!(
        "{:<40} {:>10.2} KiB {:>10}",
        "per bare ractor actor (unit state)",
        bare_per_actor / 1024.0,
        "-"
    );
    println!(
        "{:<40} {:>10.2} KiB ({:.0} allocations)",
        "live heap per idle guild actor",
        heap_per_guild / 1024.0,
        allocs_per_guild
    );
    println!(
        "{:<40} {:>10.2} KiB ({:.0} allocations)",
        "live heap per open ticket, no actor",
        heap_per_ticket / 1024.0,
        allocs_per_ticket
    );
    println!(
        "{:<40} {:>10.2} KiB",
        "live heap per running ticket actor",
        heap_per_ticket_actor / 1024.0
    );
    println!(
        "{:<40} {:>10.2} KiB",
        "live heap per bare ractor actor",
        bare_heap / 1024.0
    );
    println!(
        "{:<40} {:>10.2} KiB",
        "of which held when Bot::start returned",
        preload_per_guild / 1024.0
    );
    println!(
        "{:<40} {:>10.2} KiB",
        "live heap per quiet guild (no actor yet)",
        quiet_per_guild / 1024.0
    );
    println!(
        "{:<40} {:>10.0} ms {:>7} ms {}",
        "start-up to accepting interactions",
        full.accepting_ms,
        1000,
        verdict(startup_ok)
    );
    println!(
        "{:<40} {:>10.0} ms",
        "start-up to every guild actor running", full.startup_ms
    );
    println!(
        "{:<40} {:>10.0} ms",
        "start-up without tickets", idle.startup_ms
    );
    println!(
        "{:<40} {:>10.1} MiB",
        "fixed cost (1 guild)",
        mib(fixed.delta)
    );
    println!("type sizes (bytes): {sizes}");
    println!(
        "allocations per idle guild actor by size: {}",
        Value::Array(guild_classes)
    );
    println!(
        "exact sizes per idle guild actor: {}",
        idle.exact_sizes_per_guild_actor
    );
    println!(
        "exact sizes per bare ractor actor: {}",
        bare["exact_sizes_per_actor"]
    );
    println!(
        "allocations per open ticket actor by size: {}",
        Value::Array(ticket_classes)
    );
    match written {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => println!("could not write {}: {e}", path.display()),
    }
    Ok(guild_ok && ticket_ok && startup_ok)
}

fn main() -> ExitCode {
    ticketeer::allocator::return_freed_memory_promptly();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("footprint: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("--child") => {
            let (Some(api), Some(gw), Some(dir), Some(guilds)) = (
                args.get(1),
                args.get(2),
                args.get(3),
                args.get(4).and_then(|g| g.parse().ok()),
            ) else {
                eprintln!("footprint --child API GATEWAY DATA_DIR GUILDS");
                return ExitCode::from(2);
            };
            runtime
                .block_on(child(api, gw, Path::new(dir), guilds))
                .map(|v| {
                    println!("{v}");
                    true
                })
        }
        Some("--deadlines") => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) => {
                println!("{}", deadlines(n));
                Ok(true)
            }
            None => Err("--deadlines N".into()),
        },
        Some("--stats") => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) => runtime.block_on(stats(n)).map(|v| {
                println!("{v}");
                true
            }),
            None => Err("--stats N".into()),
        },
        Some("--bare") => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) => runtime.block_on(bare(n)).map(|v| {
                println!("{v}");
                true
            }),
            None => Err("--bare N".into()),
        },
        _ => match parse_params(&args) {
            Ok(p) => runtime.block_on(parent(p)),
            Err(e) => {
                eprintln!("footprint: {e}");
                eprintln!(
                    "usage: cargo bench --bench footprint -- [--guilds N] [--tickets M] [--ready N]"
                );
                return ExitCode::from(2);
            }
        },
    };
    match result {
        // Missed targets are reported, not a failure: the figures are the product.
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("footprint: {e}");
            ExitCode::FAILURE
        }
    }
}
