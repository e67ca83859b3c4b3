//! Reliability and security proofs: the bot as a real process killed at random moments,
//! faults injected by the simulator, hostile input and who sees what.
//!
//! The process tests run `ticketeer sim` and `ticketeer run` as child processes (the binary cargo
//! built for this test) and read the redb file only while the bot is stopped.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use futures_util::future::join_all;
use rand::Rng;
use serde_json::{Value, json};
use ticketeer::{
    domain::{
        custom_id::{self, Action},
        model::{TicketRecord, TicketState},
    },
    driver::{self, channel_from_link, find_action, harness, poll_until, ticket_channels},
    sim::{SeededGuild, client::SimClient},
    store::{Durability, Store, StoreConfig},
};

const BIN: &str = env!("CARGO_BIN_EXE_ticketeer");

fn data_dir(name: &str) -> PathBuf {
    harness::data_dir(&format!("rel-{name}"))
}

/// A port nobody listens on right now: bind port 0, read it, release it.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// A child process killed when dropped, so a failing test leaves nothing running.
struct Proc {
    child: Option<Child>,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    /// SIGKILL, then reap.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then wait (bounded) for a clean exit; returns whether it exited successfully.
    fn terminate(&mut self, timeout: Duration) -> bool {
        let Some(mut child) = self.child.take() else {
            return false;
        };
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = Instant::now() + timeout;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return false;
                }
            }
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `ticketeer sim` on a fixed free port, answering its control API.
async fn spawn_sim(log: &Path) -> (Proc, String) {
    let port = free_port();
    let child = Command::new(BIN)
        .args([
            "sim",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--rate-limits",
            "off",
            // The bot is restarted many times a minute here, as in-process runs restart theirs.
            "--identify-window-ms",
            &harness::IDENTIFY_WINDOW.as_millis().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(
            std::fs::File::create(log)
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
        )
        .spawn()
        .expect("spawn ticketeer sim");
    let proc = Proc { child: Some(child) };
    let url = format!("http://127.0.0.1:{port}");
    let client = SimClient::new(&url);
    let up = poll_until(Duration::from_secs(20), || {
        let client = client.clone();
        async move { client.stats().await.ok() }
    })
    .await;
    assert!(up.is_some(), "ticketeer sim did not come up on port {port}");
    (proc, url)
}

/// `ticketeer run` against the simulator; returns once the bot's gateway session is identified.
async fn spawn_bot(client: &SimClient, url: &str, dir: &Path, token: &str, log: &Path) -> Proc {
    let before = client
        .stats()
        .await
        .map(|s| s.gateway_sessions)
        .unwrap_or(0);
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map(Stdio::from)
        .unwrap_or_else(|_| Stdio::null());
    let child = Command::new(BIN)
        .args([
            "run",
            "--discord-api",
            url,
            "--no-ratelimiter",
            "--data-dir",
        ])
        .arg(dir)
        .env("DISCORD_TOKEN", token)
        .env("RUST_LOG", "warn,ticketeer=debug")
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn ticketeer run");
    let proc = Proc { child: Some(child) };
    let ready = poll_until(Duration::from_secs(30), || {
        let client = client.clone();
        async move {
            client
                .stats()
                .await
                .ok()
                .filter(|s| s.gateway_sessions > before)
        }
    })
    .await;
    assert!(ready.is_some(), "bot pid {} never identified", proc.pid());
    proc
}

/// The guild the process tests drive, built through the simulator's control API.
#[derive(Debug, Clone)]
struct World {
    guild: u64,
    owner: u64,
    staff_role: u64,
    staff: u64,
    members: Vec<u64>,
    general: u64,
}

impl World {
    /// The same guild as the driver's steps take it.
    fn seeded(&self) -> SeededGuild {
        SeededGuild {
            guild_id: self.guild,
            owner_id: self.owner,
            staff_role_id: self.staff_role,
            staff_id: self.staff,
            member_ids: self.members.clone(),
            general_channel_id: self.general,
        }
    }
}

async fn seed_world(client: &SimClient, members: usize) -> World {
    let g = client.create_guild("Kill Test").await.expect("guild");
    // Manage Messages + Kick Members: a staff role without server-wide admin rights.
    let staff_role = client
        .create_role(g.guild_id, "Staff", (1 << 13) | (1 << 1))
        .await
        .expect("role");
    let staff = client
        .add_member(g.guild_id, "staff", &[staff_role])
        .await
        .expect("staff");
    let mut ids = Vec::new();
    for i in 0..members {
        ids.push(
            client
                .add_member(g.guild_id, &format!("member{i}"), &[])
                .await
                .expect("member"),
        );
    }
    let general = client
        .create_channel(g.guild_id, "general", 0, None)
        .await
        .expect("general");
    World {
        guild: g.guild_id,
        owner: g.owner_id,
        staff_role,
        staff,
        members: ids,
        general,
    }
}

/// The interaction's final text: `None` when it failed, or when the bot died before answering.
async fn final_text(client: &SimClient, id: u64, dead: &AtomicBool) -> Option<String> {
    final_text_within(client, id, dead, Duration::from_secs(8)).await
}

/// [`final_text`] waiting up to `within` for the final answer.
async fn final_text_within(
    client: &SimClient,
    id: u64,
    dead: &AtomicBool,
    within: Duration,
) -> Option<String> {
    let deadline = Instant::now() + within;
    loop {
        // Read the flag first: an answer read after the bot is dead is final.
        let was_dead = dead.load(Ordering::SeqCst);
        let outcome = client.wait_interaction(id, 100).await.ok()?;
        let content = outcome
            .message
            .as_ref()
            .and_then(|m| m.get("content"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        // "N in line" is an interim answer the bot edits into the link when the channel exists.
        if !content.is_empty() && !content.contains(" in line") {
            return Some(content);
        }
        if outcome.state == "failed" || was_dead || Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn run_command(client: &SimClient, w: &World, sub: &str) -> u64 {
    client
        .command(
            w.guild,
            w.general,
            w.owner,
            "ticket",
            json!([{"name": sub, "type": 1, "options": []}]),
        )
        .await
        .expect("command accepted")
}

/// The interaction's final text once it contains `needle`: a waiting-line update is not final.
async fn text_containing(client: &SimClient, id: u64, needle: &str) -> String {
    driver::answer_where(client, id, needle, |t| {
        !t.is_empty() && !driver::is_place_in_line(t) && t.contains(needle)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .1
}

/// Owner: /ticket menu → Setup → Staff roles → the staff role; then /ticket panel in #general.
async fn configure(client: &SimClient, w: &World) -> u64 {
    configure_with_staff(client, w, &[w.staff_role]).await
}

/// Staff roles set through the hub, then a panel posted; returns the panel's message id.
async fn configure_with_staff(client: &SimClient, w: &World, staff_roles: &[u64]) -> u64 {
    let g = w.seeded();
    driver::set_staff_roles(client, &g, staff_roles)
        .await
        .expect("staff roles saved");
    driver::post_panel(client, &g).await.expect("panel posted")
}

/// `Your ticket #N is open: …` → N.
fn ticket_number(text: &str) -> Option<u64> {
    let rest = &text[text.find('#')? + 1..];
    rest.chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// Reads every record and the settings while no bot holds the file.
async fn read_store(
    dir: &Path,
    guild: u64,
) -> (Vec<TicketRecord>, ticketeer::store::GuildSnapshot) {
    let path = dir.join("ticketeer.redb");
    let store = tokio::task::spawn_blocking(move || {
        Store::open(StoreConfig {
            path,
            durability: Durability::Immediate,
        })
    })
    .await
    .expect("open task")
    .expect("the store opens after a kill");
    let records = store.all_tickets(guild).await.expect("records");
    let snapshot = store.load_guild(guild).await.expect("guild");
    store.close().await;
    (records, snapshot)
}

/// What people were told, across every cycle.
#[derive(Debug, Default)]
struct Ledger {
    /// Acknowledged opens: number → channel.
    opened: BTreeMap<u64, u64>,
    closed: HashSet<u64>,
    deleted: HashSet<u64>,
    /// Deletes requested (acknowledged or not): a channel may legitimately be gone.
    delete_requested: HashSet<u64>,
    counts: Counts,
}

/// What a person sees of their own ticket, rebuilt from the store after each stop.
#[derive(Debug, Clone, Copy)]
enum Mine {
    Open(u64),
    Closed(u64),
}

#[derive(Debug, Default)]
struct Counts {
    opens: AtomicU64,
    opens_acked: AtomicU64,
    closes_acked: AtomicU64,
    deletes_acked: AtomicU64,
    unanswered: AtomicU64,
}

/// Checks the store (bot stopped) against the ledger and the simulator; returns the model of who
/// holds which ticket for the next cycle. `strict` is the final check after a graceful stop.
async fn check_stopped(
    client: &SimClient,
    w: &World,
    dir: &Path,
    ledger: &Ledger,
    panel: u64,
    strict: bool,
) -> (HashMap<u64, Mine>, Vec<(u64, u64)>) {
    let (records, snapshot) = read_store(dir, w.guild).await;
    let by_number: HashMap<u64, &TicketRecord> = records.iter().map(|r| (r.number, r)).collect();
    assert_eq!(by_number.len(), records.len(), "ticket numbers are unique");
    assert_eq!(
        snapshot.settings.staff_roles,
        vec![w.staff_role],
        "settings intact"
    );
    assert!(
        snapshot.settings.panels.iter().any(|p| p.message == panel),
        "the panel is still known"
    );
    for (&number, &channel) in &ledger.opened {
        let record = by_number
            .get(&number)
            .unwrap_or_else(|| panic!("acknowledged ticket #{number} has no record"));
        if let Some(stored) = record.channel {
            assert_eq!(
                stored, channel,
                "ticket #{number} points at another channel"
            );
        } else {
            assert_eq!(
                record.state,
                TicketState::Provisioning,
                "#{number}: {record:?}"
            );
            assert!(
                !strict,
                "#{number} still provisioning after a graceful stop"
            );
        }
    }
    for number in &ledger.closed {
        let state = by_number.get(number).map(|r| r.state);
        assert!(
            matches!(state, Some(TicketState::Closed | TicketState::Deleted)),
            "acknowledged close of #{number} lost: {state:?}"
        );
    }
    for number in &ledger.deleted {
        let state = by_number.get(number).map(|r| r.state);
        assert_eq!(
            state,
            Some(TicketState::Deleted),
            "acknowledged delete of #{number} lost"
        );
    }

    let channels = ticket_channels(&client.guild_channels(w.guild).await.expect("channels"));
    let names: HashSet<&String> = channels.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names.len(),
        channels.len(),
        "duplicate ticket names: {channels:?}"
    );
    let by_channel: HashMap<u64, &TicketRecord> = records
        .iter()
        .filter_map(|r| r.channel.map(|c| (c, r)))
        .collect();
    let mut pending = Vec::new();
    for (name, id) in &channels {
        match by_channel.get(id) {
            Some(r) => {
                assert!(
                    matches!(r.state, TicketState::Open | TicketState::Closed),
                    "{name} exists but its record is {:?}",
                    r.state
                );
                assert_eq!(*name, format!("ticket-{:04}", r.number));
            }
            None => {
                // Created just before the kill: only a Provisioning record may own it (adopted at
                // the next start); anything else is an orphan.
                let number: u64 = name.trim_start_matches("ticket-").parse().unwrap_or(0);
                let owner = by_number.get(&number).map(|r| r.state);
                assert!(
                    !strict && owner == Some(TicketState::Provisioning),
                    "orphan channel {name} ({id}): record {owner:?}"
                );
            }
        }
    }
    let live: HashSet<u64> = channels.iter().map(|(_, id)| *id).collect();
    let mut model = HashMap::new();
    for r in &records {
        match r.state {
            TicketState::Open | TicketState::Closed => {
                let channel = r.channel.unwrap_or(0);
                // A ticket whose delete was in flight may have lost its channel; otherwise the
                // channel must exist.
                assert!(
                    live.contains(&channel) || ledger.delete_requested.contains(&r.number),
                    "ticket #{} is {:?} but channel {channel} is gone",
                    r.number,
                    r.state
                );
                if strict && r.state == TicketState::Closed && live.contains(&channel) {
                    let view = client
                        .permissions(channel, r.opener)
                        .await
                        .map(|p| p.view_channel)
                        .unwrap_or(true);
                    // `close` locks the channel before it records Closed, so no kill can leave
                    // the opener inside a closed ticket.
                    assert!(
                        !view,
                        "closed ticket #{} is still visible to its opener",
                        r.number
                    );
                }
                if live.contains(&channel) {
                    let mine = if r.state == TicketState::Open {
                        Mine::Open(channel)
                    } else {
                        Mine::Closed(channel)
                    };
                    model.insert(r.opener, mine);
                }
            }
            TicketState::Provisioning => {
                pending.push((r.number, r.opener));
                // The opener holds a ticket: no new open until it is provisioned.
                model.insert(r.opener, Mine::Open(0));
            }
            TicketState::Deleted => {
                if let Some(channel) = r.channel {
                    assert!(
                        !live.contains(&channel),
                        "deleted #{} still has its channel",
                        r.number
                    );
                }
            }
            TicketState::Failed => {}
        }
    }
    assert!(
        !strict || pending.is_empty(),
        "provisioning after a graceful stop: {pending:?}"
    );
    (model, pending)
}

/// After a restart: every Provisioning ticket got exactly one channel (adopted or created), and
/// closed tickets are invisible to their openers.
async fn check_repaired(
    client: &SimClient,
    w: &World,
    pending: &[(u64, u64)],
) -> HashMap<u64, u64> {
    let found = poll_until(Duration::from_secs(15), || async move {
        let channels = ticket_channels(&client.guild_channels(w.guild).await.ok()?);
        let mut out = HashMap::new();
        for (n, opener) in pending {
            let name = format!("ticket-{n:04}");
            let (_, id) = channels.iter().find(|(c, _)| *c == name)?;
            // Repair is complete once the welcome (with its Close button) is posted.
            let messages = client.channel_messages(*id).await.ok()?;
            find_action(&messages, |a| matches!(a, Action::Close { .. }))?;
            out.insert(*opener, *id);
        }
        Some(out)
    })
    .await;
    found.unwrap_or_else(|| panic!("provisioning tickets {pending:?} were not repaired"))
}

/// One person's step against the bot: open, close own ticket, or (as staff) delete a closed one.
async fn step(
    client: &SimClient,
    w: &World,
    panel: u64,
    member: u64,
    mine: Option<Mine>,
    dead: &AtomicBool,
    counts: &Counts,
) -> Option<(Mine, Option<(u64, u64)>, char)> {
    let (user, channel, wanted): (u64, u64, fn(&Action) -> bool) = match mine {
        None => {
            counts.opens.fetch_add(1, Ordering::Relaxed);
            let id = client
                .click(
                    w.guild,
                    w.general,
                    member,
                    panel,
                    &custom_id::encode(&Action::OpenTicket),
                )
                .await
                .ok()?;
            let Some(text) = final_text(client, id, dead).await else {
                counts.unanswered.fetch_add(1, Ordering::Relaxed);
                return None;
            };
            let channel = channel_from_link(&text)?;
            let number = ticket_number(&text)?;
            counts.opens_acked.fetch_add(1, Ordering::Relaxed);
            return Some((Mine::Open(channel), Some((number, channel)), 'o'));
        }
        Some(Mine::Open(0)) => return None,
        Some(Mine::Open(channel)) => (member, channel, |a| matches!(a, Action::Close { .. })),
        Some(Mine::Closed(channel)) => (w.staff, channel, |a| matches!(a, Action::Delete { .. })),
    };
    let messages = client.channel_messages(channel).await.ok()?;
    let (message, cid) = find_action(&messages, wanted)?;
    let number = match custom_id::decode(&cid).ok()? {
        Action::Close { ticket } | Action::Delete { ticket } => ticket,
        _ => return None,
    };
    let is_delete = user == w.staff;
    let id = client
        .click(w.guild, channel, user, message, &cid)
        .await
        .ok()?;
    let marker = if is_delete { 'D' } else { 'C' };
    // The request itself is recorded before the answer: a delete may land unacknowledged.
    let text = final_text(client, id, dead).await;
    match text {
        Some(t) if is_delete && t.contains("deleted") => {
            counts.deletes_acked.fetch_add(1, Ordering::Relaxed);
            Some((Mine::Closed(channel), Some((number, channel)), 'd'))
        }
        Some(t) if !is_delete && t.contains("closed") => {
            counts.closes_acked.fetch_add(1, Ordering::Relaxed);
            Some((Mine::Closed(channel), Some((number, channel)), 'c'))
        }
        Some(_) => None,
        None => {
            counts.unanswered.fetch_add(1, Ordering::Relaxed);
            Some((Mine::Closed(channel), Some((number, channel)), marker))
        }
    }
}

/// Drives opens/closes/deletes from `workers` people at once until the bot dies.
async fn drive(
    client: &SimClient,
    w: &World,
    panel: u64,
    model: &HashMap<u64, Mine>,
    ledger: &mut Ledger,
    kill_after: Duration,
    bot: &mut Proc,
) {
    let workers = 4;
    let dead = Arc::new(AtomicBool::new(false));
    let counts = &ledger.counts;
    let stop = Arc::new(AtomicBool::new(false));
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let tasks = (0..workers).map(|k| {
        let (stop, dead, events) = (stop.clone(), dead.clone(), events.clone());
        let members: Vec<u64> = w.members.iter().copied().skip(k).step_by(workers).collect();
        let mut mine: HashMap<u64, Mine> = members
            .iter()
            .filter_map(|m| model.get(m).map(|x| (*m, *x)))
            .collect();
        async move {
            while !stop.load(Ordering::SeqCst) {
                let member = members[rand::rng().random_range(0..members.len())];
                let current = mine.get(&member).copied();
                if let Some((next, event, kind)) =
                    step(client, w, panel, member, current, &dead, counts).await
                {
                    if kind == 'd' || kind == 'D' {
                        mine.remove(&member);
                    } else {
                        mine.insert(member, next);
                    }
                    if let Some((number, channel)) = event
                        && let Ok(mut e) = events.lock()
                    {
                        e.push((kind, number, channel));
                    }
                }
            }
        }
    });
    let killer = async {
        tokio::time::sleep(kill_after).await;
        stop.store(true, Ordering::SeqCst);
        bot.kill();
        dead.store(true, Ordering::SeqCst);
    };
    let (_, _) = tokio::join!(join_all(tasks), killer);
    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    for (kind, number, channel) in events {
        match kind {
            'o' => {
                let previous = ledger.opened.insert(number, channel);
                assert!(previous.is_none(), "ticket #{number} acknowledged twice");
            }
            'c' => {
                ledger.closed.insert(number);
            }
            'd' => {
                ledger.deleted.insert(number);
                ledger.delete_requested.insert(number);
            }
            'D' => {
                ledger.delete_requested.insert(number);
            }
            _ => {}
        }
    }
}

/// Priority 1: SIGKILL at random moments, ≥ 20 cycles, then a graceful SIGTERM; nothing the bot
/// acknowledged is lost, nothing is duplicated, nothing is orphaned, settings stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_at_random_moments_loses_nothing_acknowledged() {
    let cycles: u64 = std::env::var("KILL_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let dir = data_dir("kill");
    std::fs::create_dir_all(&dir).expect("data dir");
    let (mut sim_proc, url) = spawn_sim(&dir.join("sim.log")).await;
    let client = SimClient::new(&url);
    let w = seed_world(&client, 24).await;
    let bot_log = dir.join("bot.log");
    let token = "kill-test-token-3f9a1c";

    let mut bot = spawn_bot(&client, &url, &dir, token, &bot_log).await;
    let panel = configure(&client, &w).await;
    let mut ledger = Ledger::default();
    let mut model = HashMap::new();
    let mut repaired = 0usize;
    let started = Instant::now();
    for cycle in 0..cycles {
        let kill_after = Duration::from_millis(rand::rng().random_range(150..1_200));
        drive(
            &client,
            &w,
            panel,
            &model,
            &mut ledger,
            kill_after,
            &mut bot,
        )
        .await;
        let (next, pending) = check_stopped(&client, &w, &dir, &ledger, panel, false).await;
        bot = spawn_bot(&client, &url, &dir, token, &bot_log).await;
        let fixed = check_repaired(&client, &w, &pending).await;
        repaired += fixed.len();
        model = next;
        // Repaired tickets are ordinary open tickets from now on.
        for (opener, channel) in fixed {
            model.insert(opener, Mine::Open(channel));
        }
        eprintln!(
            "cycle {cycle}: killed after {kill_after:?}; ledger {} opened",
            ledger.opened.len()
        );
    }
    // The graceful path: SIGTERM lands while a burst of opens is in flight; whatever the bot
    // acknowledged is provisioned and recorded before it exits, then a strict check.
    let free: Vec<u64> = w
        .members
        .iter()
        .copied()
        .filter(|m| !model.contains_key(m))
        .collect();
    let dead = Arc::new(AtomicBool::new(false));
    let clicks = free.iter().map(|&m| {
        let (client, dead) = (&client, dead.clone());
        async move {
            let id = client
                .click(
                    w.guild,
                    w.general,
                    m,
                    panel,
                    &custom_id::encode(&Action::OpenTicket),
                )
                .await
                .ok()?;
            final_text(client, id, &dead).await
        }
    });
    let pid = bot.pid().to_string();
    let term = async {
        tokio::time::sleep(Duration::from_millis(40)).await;
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
    };
    let (answers, ()) = tokio::join!(join_all(clicks), term);
    let exited = tokio::task::spawn_blocking(move || bot.terminate(Duration::from_secs(30)))
        .await
        .unwrap_or(false);
    assert!(exited, "SIGTERM: the bot exits cleanly");
    let mut graceful_acked = 0;
    for text in answers.into_iter().flatten() {
        if let (Some(channel), Some(number)) = (channel_from_link(&text), ticket_number(&text)) {
            ledger.opened.insert(number, channel);
            graceful_acked += 1;
        }
    }
    check_stopped(&client, &w, &dir, &ledger, panel, true).await;
    eprintln!(
        "SIGTERM during a burst of {} opens: {graceful_acked} acknowledged",
        free.len()
    );

    let log = std::fs::read_to_string(&bot_log).unwrap_or_default();
    assert!(!log.contains(token), "the token appeared in the bot's log");
    assert!(!log.contains("panicked"), "the bot panicked:\n{log}");
    eprintln!(
        "kill test: {cycles} SIGKILL cycles + 1 SIGTERM in {:?}; opens {} (acked {}), closes acked {}, \
         deletes acked {}, unanswered at kill {}, provisioning repaired {repaired}",
        started.elapsed(),
        ledger.counts.opens.load(Ordering::Relaxed),
        ledger.counts.opens_acked.load(Ordering::Relaxed),
        ledger.counts.closes_acked.load(Ordering::Relaxed),
        ledger.counts.deletes_acked.load(Ordering::Relaxed),
        ledger.counts.unanswered.load(Ordering::Relaxed),
    );
    sim_proc.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Faults from Discord, injected by the simulator (in-process bot and simulator).
// ---------------------------------------------------------------------------------------------

use ticketeer::{
    actors::{Bot, BotConfig},
    sim::{self, Faults, RateLimitMode, SimConfig, SimHandle, SimStats},
};

async fn start_sim() -> SimHandle {
    harness::start_sim(harness::sim_config())
        .await
        .expect("simulator starts")
}

async fn start_bot(sim: &SimHandle, dir: &Path) -> Bot {
    harness::start_bot(harness::bot_config(sim, dir), 1)
        .await
        .expect("bot starts and becomes ready")
}

/// One in-process world: simulator, seeded guild, bot, staff configured, panel posted.
async fn in_process(
    name: &str,
    members: usize,
) -> (SimHandle, SimClient, World, Bot, u64, PathBuf) {
    let sim = start_sim().await;
    let client = sim.client();
    let w = seed_world(&client, members).await;
    let dir = data_dir(name);
    let bot = start_bot(&sim, &dir).await;
    let panel = configure(&client, &w).await;
    (sim, client, w, bot, panel, dir)
}

/// Every member of `who` clicks Open at once; returns each final answer (`None`: never answered).
async fn open_storm(client: &SimClient, w: &World, panel: u64, who: &[u64]) -> Vec<Option<String>> {
    let never = AtomicBool::new(false);
    let clicks = who.iter().map(|&m| {
        let never = &never;
        async move {
            let id = client
                .click(
                    w.guild,
                    w.general,
                    m,
                    panel,
                    &custom_id::encode(&Action::OpenTicket),
                )
                .await
                .ok()?;
            final_text(client, id, never).await
        }
    });
    join_all(clicks).await
}

/// Ticket channels in the simulator agree with the store: one per live record, names distinct.
async fn assert_consistent(client: &SimClient, w: &World, bot: &Bot) -> usize {
    let channels = ticket_channels(&client.guild_channels(w.guild).await.expect("channels"));
    let names: HashSet<&String> = channels.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names.len(),
        channels.len(),
        "duplicate ticket names: {channels:?}"
    );
    let records = bot.store().all_tickets(w.guild).await.expect("records");
    for (name, id) in &channels {
        let record = records.iter().find(|r| r.channel == Some(*id));
        assert!(
            record.is_some_and(|r| matches!(r.state, TicketState::Open | TicketState::Closed)),
            "orphan or stale channel {name}: {record:?}"
        );
    }
    channels.len()
}

/// Discord's global limit (50 requests/s) when the first request of a window is slow: twilight
/// counts fixed one-second windows from its first *send*, Discord from the first *arrival*, so a
/// first request delayed by 40 ms (a new connection, a busy network) makes twilight's next
/// window open while Discord's first is still running, and its 50 requests drew 50 429s. The
/// bot's sliding-window pace (`global_pace`) waits 1.1 s instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_slow_first_request_does_not_push_a_burst_over_the_global_limit() {
    let (sim, guilds) = limited_sim_with_guilds(10).await;
    ticketeer::actors::root::install_crypto_provider();
    let discord = ticketeer::discord::Discord::connect("pace-token", Some(&sim.http_url()), true)
        .await
        .expect("connect");
    let client = sim.client();
    // Let the windows that connecting opened run out on both sides.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let before = client.stats().await.expect("stats");
    set_latency(&client, 40).await;
    discord.guild_role_ids(guilds[0]).await.expect("first read");
    set_latency(&client, 0).await;
    // 99 more at once (10 per guild, far under the per-route limit): 49 fit the first window.
    read_roles_at_once(&discord, &guilds, 99).await;
    assert_no_429s_since(&client, &before).await;
    sim.shutdown().await;
}

/// A simulator with Discord's limits on and `count` one-member guilds.
async fn limited_sim_with_guilds(count: usize) -> (SimHandle, Vec<u64>) {
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Discord,
        message_content: true,
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let mut guilds = Vec::new();
    for _ in 0..count {
        guilds.push(sim.seed_guild(1).await.guild_id);
    }
    (sim, guilds)
}

async fn set_latency(client: &SimClient, latency_ms: u64) {
    client
        .set_faults(&Faults {
            latency_ms,
            ..Faults::default()
        })
        .await
        .expect("faults");
}

/// `count` role reads over `guilds` in turn, all sent at once; each must succeed.
async fn read_roles_at_once(discord: &ticketeer::discord::Discord, guilds: &[u64], count: usize) {
    let reads = guilds
        .iter()
        .cycle()
        .take(count)
        .map(|g| discord.guild_role_ids(*g));
    for result in join_all(reads).await {
        result.expect("roles read");
    }
}

async fn assert_no_429s_since(client: &SimClient, before: &SimStats) {
    let after = client.stats().await.expect("stats");
    assert_eq!(
        after.rate_limited - before.rate_limited,
        0,
        "429s: {:?}",
        after.rate_limited_per_route
    );
}

/// The two requests `Discord::connect` makes count in twilight's first one-second window, so
/// they must count in the global pace too. Here they are slow (40 ms), so Discord's window opens
/// 40 ms after twilight's: had the pace let 50 more through at once, twilight would hold the
/// last 2 until its window turned and send them into the end of Discord's first one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_right_after_connecting_stays_under_the_global_limit() {
    let (sim, guilds) = limited_sim_with_guilds(10).await;
    let client = sim.client();
    let before = client.stats().await.expect("stats");
    set_latency(&client, 40).await;
    ticketeer::actors::root::install_crypto_provider();
    let discord = ticketeer::discord::Discord::connect("burst-token", Some(&sim.http_url()), true)
        .await
        .expect("connect");
    set_latency(&client, 0).await;
    // 60 reads at once (6 per guild, under the per-route limit): with the two of connecting,
    // more than one second's worth.
    read_roles_at_once(&discord, &guilds, 60).await;
    assert_no_429s_since(&client, &before).await;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_429_storm_on_channel_creation_answers_every_click_and_loses_nothing() {
    let (sim, client, w, bot, panel, dir) = in_process("429", 20).await;
    let before = client.stats().await.expect("stats");
    client
        .set_faults(&Faults {
            http_429_ratio: 0.3,
            ..Faults::default()
        })
        .await
        .expect("faults");
    let answers = open_storm(&client, &w, panel, &w.members).await;
    client
        .set_faults(&Faults::default())
        .await
        .expect("faults off");
    let linked: Vec<u64> = answers
        .iter()
        .filter_map(|a| a.as_deref().and_then(channel_from_link))
        .collect();
    assert_eq!(
        linked.len(),
        w.members.len(),
        "every click gets its ticket: {answers:?}"
    );
    assert_eq!(assert_consistent(&client, &w, &bot).await, w.members.len());
    let after = client.stats().await.expect("stats");
    let limited = after.rate_limited - before.rate_limited;
    let invalid = after.invalid_requests - before.invalid_requests;
    assert!(limited > 0, "the storm happened");
    // Discord bans at 10,000 invalid requests per 10 minutes; a 20-ticket storm must stay tiny.
    assert!(invalid < 200, "{invalid} invalid requests for 20 tickets");
    assert_eq!(
        after.interactions_failed, before.interactions_failed,
        "no click timed out"
    );
    eprintln!("429 storm: {limited} x 429 injected, {invalid} invalid requests, 20/20 tickets");
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_5xx_burst_is_retried_or_reported_and_leaves_no_orphan() {
    let (sim, client, w, bot, panel, dir) = in_process("5xx", 20).await;
    client
        .set_faults(&Faults {
            http_5xx_ratio: 0.25,
            ..Faults::default()
        })
        .await
        .expect("faults");
    let answers = open_storm(&client, &w, panel, &w.members).await;
    client
        .set_faults(&Faults::default())
        .await
        .expect("faults off");
    let mut opened = 0;
    let mut reported = 0;
    let mut silent = 0;
    for answer in &answers {
        match answer.as_deref() {
            Some(t) if channel_from_link(t).is_some() => opened += 1,
            Some(t) if t.contains("could not") || t.contains("try again") => reported += 1,
            Some(t) => panic!("unclear answer under 5xx: {t}"),
            None => silent += 1,
        }
    }
    eprintln!("5xx burst: {opened} opened, {reported} reported, {silent} unanswered");
    assert_eq!(silent, 0, "every click is answered: {answers:?}");
    assert!(opened > 0);
    // Every live channel has a record; nothing half-made is left behind.
    assert_eq!(assert_consistent(&client, &w, &bot).await, opened);
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_gateway_dropped_mid_burst_resumes_and_handles_each_click_once() {
    let (sim, client, w, bot, panel, dir) = in_process("drop", 30).await;
    let before = client.stats().await.expect("stats");
    let (first, second) = w.members.split_at(15);
    let storm_a = open_storm(&client, &w, panel, first);
    let drop = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        client
            .set_faults(&Faults {
                drop_gateway: true,
                ..Faults::default()
            })
            .await
            .expect("drop");
        open_storm(&client, &w, panel, second).await
    };
    let (a, b) = tokio::join!(storm_a, drop);
    let answers: Vec<_> = a.into_iter().chain(b).collect();
    let linked: HashSet<u64> = answers
        .iter()
        .filter_map(|a| a.as_deref().and_then(channel_from_link))
        .collect();
    assert_eq!(
        linked.len(),
        30,
        "every click answered with its own ticket: {answers:?}"
    );
    let after = client.stats().await.expect("stats");
    assert!(
        after.gateway_resumes > before.gateway_resumes,
        "the bot resumed"
    );
    assert_eq!(
        assert_consistent(&client, &w, &bot).await,
        30,
        "none handled twice"
    );
    let status = bot.status().await.expect("status");
    eprintln!(
        "gateway drop: resumes {}, duplicates dropped {}",
        after.gateway_resumes - before.gateway_resumes,
        status.duplicates_dropped
    );
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bot_role_without_manage_channels_gets_a_clear_message() {
    let sim = start_sim().await;
    let client = sim.client();
    let g = client.create_guild("Lowered").await.expect("guild");
    let member = client
        .add_member(g.guild_id, "m", &[])
        .await
        .expect("member");
    let general = client
        .create_channel(g.guild_id, "general", 0, None)
        .await
        .expect("general");
    let w = World {
        guild: g.guild_id,
        owner: g.owner_id,
        staff_role: 0,
        staff: 0,
        members: vec![member],
        general,
    };
    let dir = data_dir("lowered");
    let bot = start_bot(&sim, &dir).await;
    let id = run_command(&client, &w, "panel").await;
    text_containing(&client, id, "Panel posted").await;
    let messages = client.channel_messages(general).await.expect("messages");
    let (panel, _) = find_action(&messages, |a| *a == Action::OpenTicket).expect("panel");
    // View, send, embed, attach, history, manage roles: everything but Manage Channels.
    let lowered = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 28);
    client
        .set_role_permissions(g.guild_id, g.bot_role_id, lowered)
        .await
        .expect("lower the bot role");
    // The bot's own overwrite on its Tickets category still grants Manage Channels there (as on
    // Discord), so tickets keep working; once someone also deletes the category, the bot must
    // make a new one, which the lowered role cannot.
    let channels = client.guild_channels(g.guild_id).await.expect("channels");
    for c in channels.iter().filter(|c| c["type"].as_u64() == Some(4)) {
        let id: u64 = c["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("category id");
        client
            .delete_channel(id)
            .await
            .expect("delete the category by hand");
    }
    let answers = open_storm(&client, &w, panel, &[member]).await;
    let text = answers[0].clone().expect("answered");
    assert!(text.contains("Manage Channels"), "{text}");
    assert!(
        ticket_channels(&client.guild_channels(g.guild_id).await.expect("channels")).is_empty()
    );
    harness::stop(bot, sim, &dir).await;
}

// ---------------------------------------------------------------------------------------------
// Hostile input and who sees what.
// ---------------------------------------------------------------------------------------------

/// Opens a ticket for `member` and returns its channel.
async fn open_one(client: &SimClient, w: &World, panel: u64, member: u64) -> u64 {
    let answers = open_storm(client, w, panel, &[member]).await;
    let text = answers[0].clone().expect("open answered");
    channel_from_link(&text).unwrap_or_else(|| panic!("no ticket: {text}"))
}

/// What happened when `user` pressed the button `wanted` in `channel`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Press {
    /// The simulator (Discord) refused: the person cannot see the channel or the button.
    Hidden,
    /// The bot answered with this text.
    Answered(String),
}

async fn press(
    client: &SimClient,
    w: &World,
    channel: u64,
    user: u64,
    wanted: fn(&Action) -> bool,
) -> Press {
    let messages = client.channel_messages(channel).await.expect("messages");
    // The newest message with the button: a reopened ticket shows Close again further down.
    let rev: Vec<Value> = messages.into_iter().rev().collect();
    let (message, cid) = find_action(&rev, wanted).expect("the button exists");
    match client.click(w.guild, channel, user, message, &cid).await {
        Err(_) => Press::Hidden,
        Ok(id) => Press::Answered(text_containing(client, id, "").await),
    }
}

fn is_close(a: &Action) -> bool {
    matches!(a, Action::Close { .. })
}
fn is_reopen(a: &Action) -> bool {
    matches!(a, Action::Reopen { .. })
}
fn is_delete(a: &Action) -> bool {
    matches!(a, Action::Delete { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn permission_matrix_every_action_by_every_kind_of_person() {
    let (sim, client, w, bot, panel, dir) = in_process("matrix", 12).await;
    let admin_role = client
        .create_role(w.guild, "Admin", 1 << 3)
        .await
        .expect("admin role");
    let manager_role = client
        .create_role(w.guild, "Manager", 1 << 5)
        .await
        .expect("manager role");
    let admin = client
        .add_member(w.guild, "admin", &[admin_role])
        .await
        .expect("admin");
    let manager = client
        .add_member(w.guild, "manager", &[manager_role])
        .await
        .expect("manager");
    let other = client.create_guild("Elsewhere").await.expect("other guild");
    let outsider = client
        .add_member(other.guild_id, "outsider", &[])
        .await
        .expect("outsider");

    // (name, user or None for "the ticket's opener", sees open tickets, sees closed tickets,
    // staff to the bot). Manage Server makes a member staff to the bot, but Discord applies
    // channel overwrites to them (only Administrator bypasses them): without a staff role they
    // cannot see ticket channels, so every button is out of their reach.
    let people: Vec<(&str, Option<u64>, bool, bool, bool)> = vec![
        ("owner", Some(w.owner), true, true, true),
        ("administrator", Some(admin), true, true, true),
        ("manage-server", Some(manager), false, false, true),
        ("staff role", Some(w.staff), true, true, true),
        ("opener", None, true, false, false),
        ("bystander", Some(w.members[11]), false, false, false),
        ("other guild", Some(outsider), false, false, false),
    ];
    let mut cells = 0;
    for (row, &(name, who, sees_open, sees_closed, staff)) in people.iter().enumerate() {
        let opener = w.members[row];
        let user = who.unwrap_or(opener);
        let is_opener = who.is_none();
        let channel = open_one(&client, &w, panel, opener).await;
        let number = bot
            .store()
            .ticket_by_channel(channel)
            .await
            .expect("lookup")
            .expect("record")
            .number;
        let state = || async {
            bot.store()
                .ticket(w.guild, number)
                .await
                .expect("read")
                .expect("record")
                .state
        };
        let sees = |u: u64| {
            let client = &client;
            async move {
                client
                    .permissions(channel, u)
                    .await
                    .map(|p| p.view_channel)
                    .unwrap_or(false)
            }
        };

        assert_eq!(sees(user).await, sees_open, "{name} viewing an open ticket");
        cells += 1;

        // Close: the opener or staff.
        let closed = press(&client, &w, channel, user, is_close).await;
        match &closed {
            Press::Answered(t) if sees_open && (staff || is_opener) => {
                assert!(t.contains("closed"), "{name} close: {t}")
            }
            Press::Answered(t) if sees_open => assert!(t.contains("Only"), "{name} close: {t}"),
            Press::Hidden if !sees_open => {}
            other => panic!("{name} close: {other:?}"),
        }
        if state().await == TicketState::Open {
            assert!(
                !(staff || is_opener) || !sees_open,
                "{name}'s close was lost"
            );
            press(&client, &w, channel, w.staff, is_close).await;
        }
        cells += 1;
        assert_eq!(state().await, TicketState::Closed);
        assert_eq!(
            sees(user).await,
            sees_closed,
            "{name} viewing a closed ticket"
        );
        assert!(!sees(opener).await, "the opener sees a closed ticket");
        cells += 1;

        // Reopen: staff only.
        let reopened = press(&client, &w, channel, user, is_reopen).await;
        match &reopened {
            Press::Answered(t) if sees_closed && staff => {
                assert!(t.contains("reopened"), "{name} reopen: {t}")
            }
            Press::Answered(t) if sees_closed => assert!(t.contains("Only staff"), "{name}: {t}"),
            Press::Hidden if !sees_closed => {}
            other => panic!("{name} reopen: {other:?}"),
        }
        if state().await == TicketState::Closed {
            assert!(!(staff && sees_closed), "{name}'s reopen was lost");
            press(&client, &w, channel, w.staff, is_reopen).await;
        }
        cells += 1;
        assert_eq!(state().await, TicketState::Open);
        assert!(sees(opener).await, "the opener sees the reopened ticket");

        // Delete: staff only, and only once closed (a reopen disables the closed message's
        // Delete; the stale press is `tests/features.rs`'s). Staff close it again first.
        press(&client, &w, channel, w.staff, is_close).await;
        assert_eq!(state().await, TicketState::Closed);
        let deleted = press(&client, &w, channel, user, is_delete).await;
        match &deleted {
            Press::Answered(t) if sees_closed && staff => {
                assert!(t.contains("deleted"), "{name} delete: {t}")
            }
            Press::Answered(t) if sees_closed => {
                assert!(t.contains("Only staff"), "{name} delete: {t}");
                assert_eq!(
                    state().await,
                    TicketState::Closed,
                    "a refused delete changed nothing"
                );
            }
            Press::Hidden if !sees_closed => {}
            other => panic!("{name} delete: {other:?}"),
        }
        cells += 1;
        if state().await != TicketState::Deleted {
            press(&client, &w, channel, w.staff, is_delete).await;
        }
        assert_eq!(state().await, TicketState::Deleted);
        assert!(
            !sees(opener).await && !sees(w.staff).await,
            "a deleted channel is gone"
        );
        cells += 1;
    }
    eprintln!(
        "permission matrix: {cells} cells ({} people x 6 checks)",
        people.len()
    );
    harness::stop(bot, sim, &dir).await;
}

/// The close-reason modal with 4,000 characters of mentions, markdown and unicode: answered,
/// nobody pinged, nothing over Discord's limits, and the opener's other data untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_close_reason_pings_nobody_and_breaks_nothing() {
    let (sim, client, w, bot, panel, dir) = in_process("hostile", 3).await;
    let opener = w.members[0];
    let channel = open_one(&client, &w, panel, opener).await;
    let messages = client.channel_messages(channel).await.expect("messages");
    let (message, cid) = find_action(&messages, |a| matches!(a, Action::CloseWithReason { .. }))
        .expect("Close with reason");
    let id = client
        .click(w.guild, channel, opener, message, &cid)
        .await
        .expect("click");
    let modal = poll_until(Duration::from_secs(10), || async {
        client.wait_interaction(id, 200).await.ok()?.modal
    })
    .await
    .expect("a modal opened");
    let modal_id = modal["custom_id"]
        .as_str()
        .expect("modal custom id")
        .to_owned();
    let mut inputs = Vec::new();
    fn walk(v: &Value, out: &mut Vec<(String, u64)>) {
        match v {
            Value::Object(m) => {
                if m.get("type").and_then(Value::as_u64) == Some(4)
                    && let Some(id) = m.get("custom_id").and_then(Value::as_str)
                {
                    let max = m.get("max_length").and_then(Value::as_u64).unwrap_or(4000);
                    out.push((id.to_owned(), max));
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&modal, &mut inputs);
    let (field, max) = inputs.first().cloned().expect("a text input");
    let hostile_unit = "@everyone @here <@&1> **x** `y` ||z|| \u{202E}rtl\u{200F} 🎫 e\u{301} ";
    let reason: String = hostile_unit.chars().cycle().take(max as usize).collect();
    assert_eq!(reason.chars().count() as u64, max);
    let id = client
        .submit_modal(
            w.guild,
            channel,
            opener,
            &modal_id,
            &[(field.as_str(), reason.as_str())],
        )
        .await
        .expect("the simulator accepts a modal value at its limit");
    let text = text_containing(&client, id, "closed").await;
    assert!(!text.contains("@everyone"), "{text}");

    let mut all = client.channel_messages(channel).await.expect("messages");
    all.extend(client.dms(opener).await.expect("dms"));
    for m in &all {
        assert_eq!(m["mention_everyone"].as_bool(), Some(false), "a ping: {m}");
        assert!(
            m["mention_roles"].as_array().is_none_or(Vec::is_empty),
            "a role ping: {m}"
        );
        for e in m["embeds"].as_array().into_iter().flatten() {
            let d = e["description"].as_str().unwrap_or("");
            assert!(
                d.chars().count() <= 4096,
                "embed description over Discord's limit"
            );
            assert!(!d.contains('\u{202E}'), "a bidi override survived");
        }
    }
    let record = bot
        .store()
        .ticket(w.guild, 1)
        .await
        .expect("read")
        .expect("record");
    assert_eq!(record.state, TicketState::Closed);
    let stored = record.close_reason.unwrap_or_default();
    assert!(
        !stored.contains("@everyone"),
        "the stored reason is neutralized"
    );
    assert!(stored.chars().count() <= 1_000, "the reason is cut");
    harness::stop(bot, sim, &dir).await;
}

/// A `<script>` written in a ticket is inert text in the HTML transcript.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transcript_escapes_html_written_in_a_ticket() {
    let (sim, client, w, bot, panel, dir) = in_process("xss", 2).await;
    let opener = w.members[0];
    let channel = open_one(&client, &w, panel, opener).await;
    client
        .post_message(
            channel,
            opener,
            "<script>alert('pwned')</script> <img src=x onerror=1>",
        )
        .await
        .expect("message");
    let closed = press(&client, &w, channel, opener, is_close).await;
    assert!(
        matches!(&closed, Press::Answered(t) if t.contains("closed")),
        "{closed:?}"
    );
    let transcript = bot
        .store()
        .transcript(w.guild, 1)
        .await
        .expect("read")
        .expect("transcript stored");
    let (html, _text) = transcript;
    assert!(
        !html.contains("<script>alert"),
        "raw script in the transcript"
    );
    assert!(!html.contains("<img src=x"), "raw markup in the transcript");
    assert!(
        html.contains("&lt;script&gt;") || html.contains("&lt;script"),
        "escaped text kept"
    );
    harness::stop(bot, sim, &dir).await;
}

mod props {
    use proptest::prelude::*;
    use ticketeer::domain::{
        custom_id::{self, Action},
        limits, naming,
    };

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::OpenTicket),
            any::<u64>().prop_map(|ticket| Action::Close { ticket }),
            any::<u64>().prop_map(|ticket| Action::Delete { ticket }),
            any::<u64>().prop_map(|ticket| Action::Reopen { ticket }),
            any::<u64>().prop_map(|ticket| Action::CloseReasonModal { ticket }),
            (any::<u64>(), any::<u32>())
                .prop_map(|(opener, page)| Action::TopicPage { opener, page }),
            any::<u32>().prop_map(|topic| Action::TopicRemoveConfirm { topic }),
            any::<u64>().prop_map(|channel| Action::PanelModal { channel }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn custom_id_decode_never_panics(raw in "\\PC{0,120}") {
            let _ = custom_id::decode(&raw);
        }

        #[test]
        fn custom_id_forgeries_near_valid_ids_are_refused_or_canonical(
            tag in "(open|close|delete|reopen|tpage|pick|x)",
            nums in proptest::collection::vec("(-?[0-9]{0,22}|0[0-9]+|\\+1)", 0..4),
        ) {
            let raw = format!("tk:{tag}:{}", nums.join(":"));
            if let Ok(action) = custom_id::decode(&raw) {
                // Anything accepted is exactly what the bot itself would have written.
                prop_assert_eq!(custom_id::encode(&action), raw);
            }
        }

        #[test]
        fn custom_id_round_trips(a in action()) {
            let encoded = custom_id::encode(&a);
            prop_assert!(!encoded.is_empty() && encoded.len() <= custom_id::MAX_LEN);
            prop_assert_eq!(custom_id::decode(&encoded), Ok(a));
        }

        #[test]
        fn reasons_never_ping_and_stay_short(raw in "(@everyone|@here|<@&1>|\\PC|\u{202E}){0,600}") {
            if let Some(reason) = limits::parse_reason(&raw) {
                prop_assert!(!reason.contains("@everyone") && !reason.contains("@here"));
                prop_assert!(!reason.contains('\u{202E}'), "a bidi override survived");
                prop_assert!(reason.chars().count() <= limits::REASON_MAX);
            }
        }

        #[test]
        fn channel_topics_never_panic_and_round_trip(
            raw in "\\PC{0,200}", number in 1u64..1_000_000, opener in any::<u64>(),
        ) {
            let _ = naming::parse_channel_topic(&raw);
            let topic = naming::channel_topic(number, opener, Some(&raw));
            prop_assert_eq!(naming::parse_channel_topic(&topic), Some((number, opener)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// More faults: gateway sessions invalidated or moved mid-burst, a refused token, lost answers to
// channel creates, a staff role that no longer exists, panics under load.
// ---------------------------------------------------------------------------------------------

/// Every member of `who` has exactly one ticket record and one ticket channel, and every answer
/// linked that member's own channel.
async fn assert_one_ticket_each(client: &SimClient, w: &World, bot: &Bot, who: &[u64]) {
    let records = bot.store().all_tickets(w.guild).await.expect("records");
    for member in who {
        let mine: Vec<&TicketRecord> = records
            .iter()
            .filter(|r| r.opener == *member && r.state == TicketState::Open)
            .collect();
        assert_eq!(mine.len(), 1, "member {member}: {mine:?}");
    }
    assert_consistent(client, w, bot).await;
}

/// Clicks from `first` start, then `fault` fires ~30 ms in while `second` clicks too.
async fn storm_across<F, Fut>(
    client: &SimClient,
    w: &World,
    panel: u64,
    first: &[u64],
    second: &[u64],
    fault: F,
) -> Vec<Option<String>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let storm_a = open_storm(client, w, panel, first);
    let storm_b = async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        fault().await;
        open_storm(client, w, panel, second).await
    };
    let (a, b) = tokio::join!(storm_a, storm_b);
    a.into_iter().chain(b).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invalid_session_and_reconnect_mid_burst_answer_every_click_once() {
    let (sim, client, w, bot, panel, dir) = in_process("op9", 40).await;

    // Op 9 (not resumable): the bot must identify afresh; clicks keep coming meanwhile.
    let before = client.stats().await.expect("stats");
    let (a, b) = w.members[..20].split_at(10);
    // Discord delivers no interaction while a bot has no session, and the person sees "This
    // interaction failed": the second half clicks once the bot has identified again.
    let answers = storm_across(&client, &w, panel, a, b, || async {
        client.gateway_invalidate(false).await.expect("op 9 sent");
        let identified = poll_until(Duration::from_secs(10), || async {
            let s = client.stats().await.ok()?;
            (s.gateway_sessions > before.gateway_sessions).then_some(())
        })
        .await;
        assert!(identified.is_some(), "no new session after op 9");
    })
    .await;
    let after = client.stats().await.expect("stats");
    let linked: HashSet<u64> = answers
        .iter()
        .filter_map(|t| t.as_deref().and_then(channel_from_link))
        .collect();
    assert_eq!(linked.len(), 20, "every click its own ticket: {answers:?}");
    assert!(
        after.gateway_sessions > before.gateway_sessions,
        "op 9 (not resumable) made the bot identify a new session"
    );
    assert_eq!(after.interactions_failed, before.interactions_failed);
    assert_one_ticket_each(&client, &w, &bot, &w.members[..20]).await;
    let op9_sessions = after.gateway_sessions - before.gateway_sessions;

    // Op 7: the bot must resume; interactions sent while it reconnects are replayed, and the
    // router drops any it already handled.
    let before = client.stats().await.expect("stats");
    let (a, b) = w.members[20..].split_at(10);
    let answers = storm_across(&client, &w, panel, a, b, || async {
        client.gateway_reconnect().await.expect("op 7 sent");
    })
    .await;
    let after = client.stats().await.expect("stats");
    let linked: HashSet<u64> = answers
        .iter()
        .filter_map(|t| t.as_deref().and_then(channel_from_link))
        .collect();
    assert_eq!(linked.len(), 20, "every click its own ticket: {answers:?}");
    assert!(
        after.gateway_resumes > before.gateway_resumes,
        "op 7 made the bot resume"
    );
    assert_eq!(after.interactions_failed, before.interactions_failed);
    assert_one_ticket_each(&client, &w, &bot, &w.members).await;
    assert_eq!(assert_consistent(&client, &w, &bot).await, 40);
    let status = bot.status().await.expect("status");
    eprintln!(
        "op 9: {op9_sessions} new session(s), 20/20 answered; op 7: {} resume(s), 20/20 answered; duplicates dropped {}",
        after.gateway_resumes - before.gateway_resumes,
        status.duplicates_dropped
    );
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_token_is_a_clear_fatal_error_at_start() {
    // In-process: `Bot::start` says Unauthorized, after a single refused request.
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        token: Some("the-right-token".into()),
        message_content: true,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let dir = data_dir("401-in-process");
    let mut config = BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), dir.clone());
    config.token = "a-wrong-token-4f9c".into();
    let started = Instant::now();
    let result = Bot::start(config).await;
    assert!(
        matches!(result, Err(ticketeer::actors::StartError::Unauthorized)),
        "expected Unauthorized, got {:?}",
        result.as_ref().err()
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    let stats = sim.client().stats().await.expect("stats");
    assert_eq!(
        stats.gateway_sessions, 0,
        "no gateway connection with a bad token"
    );
    assert!(
        stats.invalid_requests <= 1,
        "no retry against a 401: {} invalid requests",
        stats.invalid_requests
    );
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);

    // As processes: `ticketeer sim --token` and `ticketeer run` with another token.
    let port = free_port();
    let sim_log = data_dir("401-sim.log");
    let _sim = Proc {
        child: Some(
            Command::new(BIN)
                .args(["sim", "--listen", &format!("127.0.0.1:{port}")])
                .args(["--rate-limits", "off", "--token", "the-right-token"])
                .stdout(Stdio::null())
                .stderr(
                    std::fs::File::create(&sim_log)
                        .map(Stdio::from)
                        .unwrap_or_else(|_| Stdio::null()),
                )
                .spawn()
                .expect("spawn ticketeer sim"),
        ),
    };
    let url = format!("http://127.0.0.1:{port}");
    let client = SimClient::new(&url);
    let up = poll_until(Duration::from_secs(20), || {
        let client = client.clone();
        async move { client.stats().await.ok() }
    })
    .await;
    assert!(up.is_some(), "ticketeer sim did not come up");
    let dir = data_dir("401-process");
    let started = Instant::now();
    let mut bot = Command::new(BIN)
        .args([
            "run",
            "--discord-api",
            &url,
            "--no-ratelimiter",
            "--data-dir",
        ])
        .arg(&dir)
        .env("DISCORD_TOKEN", "a-wrong-token-4f9c")
        .env("RUST_LOG", "warn,ticketeer=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ticketeer run");
    let status = loop {
        match bot.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < Duration::from_secs(15) => {
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            _ => {
                let _ = bot.kill();
                let _ = bot.wait();
                panic!("ticketeer run kept running with a refused token");
            }
        }
    };
    let elapsed = started.elapsed();
    let mut stderr = String::new();
    if let Some(mut pipe) = bot.stderr.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert!(!status.success(), "exit status {status}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(
        stderr.contains("refused the bot token (401)"),
        "no clear message: {stderr}"
    );
    assert!(
        !stderr.contains("a-wrong-token-4f9c"),
        "the token leaked: {stderr}"
    );
    let stats = client.stats().await.expect("stats");
    assert!(
        stats.invalid_requests <= 1,
        "no retry loop: {} invalid requests",
        stats.invalid_requests
    );
    eprintln!(
        "401: {status} after {elapsed:?}, {} refused request(s)",
        stats.invalid_requests
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&sim_log);
}

/// The number of channel creates the simulator answered (any status).
fn channel_creates(stats: &ticketeer::sim::client::SimStats) -> u64 {
    stats
        .requests_per_route
        .iter()
        .filter(|(route, _)| route.starts_with("POST /guilds/") && route.ends_with("/channels"))
        .map(|(_, n)| *n)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_channel_create_that_timed_out_is_adopted_never_duplicated() {
    let sim = start_sim().await;
    let client = sim.client();
    let w = seed_world(&client, 3).await;
    let dir = data_dir("latency");
    let mut config = harness::bot_config(&sim, &dir);
    // Stands in for twilight's 10 s against a Discord that answers after 10 s.
    config.request_timeout = Duration::from_millis(400);
    let bot = harness::start_bot(config, 1).await.expect("bot starts");
    let panel = configure(&client, &w).await;
    // The first ticket makes the Tickets category, so only ticket channels are created below.
    open_one(&client, &w, panel, w.members[0]).await;

    let before = client.stats().await.expect("stats");
    client
        .set_faults(&Faults {
            latency_ms: 700,
            ..Faults::default()
        })
        .await
        .expect("latency on");
    let click = async {
        let never = AtomicBool::new(false);
        let id = client
            .click(
                w.guild,
                w.general,
                w.members[1],
                panel,
                &custom_id::encode(&Action::OpenTicket),
            )
            .await
            .expect("click");
        poll_until(Duration::from_secs(15), || {
            let never = &never;
            let client = &client;
            async move { final_text(client, id, never).await }
        })
        .await
    };
    let spike = async {
        // The simulator drops a request whose client gave up (its latency comes first), so it
        // never carries out a timed-out create; Discord may. The test plays that Discord: while
        // the create's answer is being lost, the channel appears with the topic the bot sent.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let landed = reqwest::Client::new()
            .post(format!(
                "{}/_sim/guilds/{}/channels",
                sim.http_url(),
                w.guild
            ))
            .json(&json!({
                "name": "ticket-0002",
                "type": 0,
                "topic": ticketeer::domain::naming::channel_topic(2, w.members[1], None),
            }))
            .send()
            .await
            .expect("the lost create lands");
        assert!(landed.status().is_success());
        // Long enough for the create and the first checks to time out, short of Discord's 3 s
        // for the acknowledgement.
        tokio::time::sleep(Duration::from_millis(1_300)).await;
        client
            .set_faults(&Faults::default())
            .await
            .expect("latency off");
    };
    let (answer, ()) = tokio::join!(click, spike);
    let after = client.stats().await.expect("stats");
    let text = answer.expect("the click was answered");
    let creates = channel_creates(&after) - channel_creates(&before);
    eprintln!("latency spike: {creates} create(s) sent; answer: {text}");
    // The simulator counts only requests it answered: the lost create is not among them, and
    // no second create was sent.
    assert_eq!(creates, 0, "the create is never repeated");
    let channel = channel_from_link(&text).unwrap_or_else(|| panic!("not adopted: {text}"));
    let channels = ticket_channels(&client.guild_channels(w.guild).await.expect("channels"));
    assert_eq!(channels.len(), 2, "{channels:?}");
    assert!(channels.iter().any(|(_, id)| *id == channel));
    assert_eq!(assert_consistent(&client, &w, &bot).await, 2);
    // The adopted channel got its welcome message.
    let messages = client.channel_messages(channel).await.expect("messages");
    assert!(
        find_action(&messages, is_close).is_some(),
        "no welcome message"
    );
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deleted_staff_role_in_the_settings_does_not_break_tickets() {
    let sim = start_sim().await;
    let client = sim.client();
    let w = seed_world(&client, 2).await;
    let night_shift = client
        .create_role(w.guild, "Night shift", 1 << 13)
        .await
        .expect("role");
    let dir = data_dir("ghost-role");
    let bot = start_bot(&sim, &dir).await;
    let panel = configure_with_staff(&client, &w, &[w.staff_role, night_shift]).await;
    // Both staff roles exist when the Tickets category is made.
    open_one(&client, &w, panel, w.members[1]).await;
    // Then an admin deletes one in Discord; the settings still name it, and Discord refuses
    // overwrites for a role it does not know.
    client
        .delete_role(w.guild, night_shift)
        .await
        .expect("role deleted");

    let channel = open_one(&client, &w, panel, w.members[0]).await;
    let staff = client.permissions(channel, w.staff).await.expect("perms");
    assert!(
        staff.view_channel,
        "the surviving staff role still sees the ticket"
    );
    let other = client
        .permissions(channel, w.members[1])
        .await
        .expect("perms");
    assert!(!other.view_channel, "a bystander does not");
    // Closing rewrites the overwrites with the same settings: it must work too.
    let closed = press(&client, &w, channel, w.staff, is_close).await;
    assert!(
        matches!(&closed, Press::Answered(t) if t.contains("closed")),
        "{closed:?}"
    );
    let opener = client
        .permissions(channel, w.members[0])
        .await
        .expect("perms");
    assert!(!opener.view_channel, "the closed ticket is locked");
    assert_eq!(assert_consistent(&client, &w, &bot).await, 2);
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn panics_under_load_leave_no_click_unanswered() {
    const GUILDS: usize = 5;
    const MEMBERS: usize = 8;
    let sim = start_sim().await;
    let client = sim.client();
    let mut worlds = Vec::new();
    for _ in 0..GUILDS {
        worlds.push(seed_world(&client, MEMBERS + 1).await);
    }
    let dir = data_dir("panic-storm");
    let bot = harness::start_bot(harness::bot_config(&sim, &dir), GUILDS)
        .await
        .expect("bot starts");
    let mut panels = Vec::new();
    for w in &worlds {
        let id = run_command(&client, w, "panel").await;
        text_containing(&client, id, "Panel posted").await;
        let messages = client.channel_messages(w.general).await.expect("messages");
        panels.push(
            find_action(&messages, |a| *a == Action::OpenTicket)
                .expect("panel")
                .0,
        );
    }
    // Guild 1 has a ticket whose actor will panic mid-storm.
    let victim = open_one(&client, &worlds[1], panels[1], worlds[1].members[MEMBERS]).await;

    let storms = worlds
        .iter()
        .zip(&panels)
        .map(|(w, &panel)| open_storm(&client, w, panel, &w.members[..MEMBERS]));
    let faults = async {
        for round in 0..3 {
            tokio::time::sleep(Duration::from_millis(40 + 60 * round)).await;
            bot.inject_guild_panic(worlds[0].guild).await;
            bot.inject_ticket_panic(worlds[1].guild, 1).await;
        }
    };
    let (answers, ()) = tokio::join!(join_all(storms), faults);

    let mut unanswered = 0;
    let mut refused = Vec::new();
    for (g, per_guild) in answers.iter().enumerate() {
        for answer in per_guild {
            match answer.as_deref() {
                Some(t) if channel_from_link(t).is_some() => {}
                Some(t) => refused.push((g, t.to_owned())),
                None => unanswered += 1,
            }
        }
    }
    eprintln!(
        "panic storm: {} clicks over {GUILDS} guilds, 3 guild + 3 ticket panics; {unanswered} unanswered, {} not opened: {refused:?}",
        GUILDS * MEMBERS,
        refused.len()
    );
    assert_eq!(unanswered, 0, "every click is answered: {answers:?}");
    // Guilds that did not panic open every ticket.
    for (g, per_guild) in answers.iter().enumerate().skip(2) {
        assert!(
            per_guild
                .iter()
                .all(|a| a.as_deref().and_then(channel_from_link).is_some()),
            "guild {g}: {per_guild:?}"
        );
    }
    // The panicked guild recovers: a fresh click opens a ticket, and the ticket whose actor
    // panicked still closes.
    let fresh = open_one(&client, &worlds[0], panels[0], worlds[0].members[MEMBERS]).await;
    assert!(fresh > 0);
    let closed = poll_until(Duration::from_secs(10), || async {
        match press(
            &client,
            &worlds[1],
            victim,
            worlds[1].members[MEMBERS],
            is_close,
        )
        .await
        {
            Press::Answered(t) if t.contains("closed") => Some(t),
            _ => None,
        }
    })
    .await;
    assert!(closed.is_some(), "the panicked ticket actor came back");
    for w in &worlds {
        assert_consistent(&client, w, &bot).await;
    }
    harness::stop(bot, sim, &dir).await;
}

// ---------------------------------------------------------------------------------------------
// Gateway strictness: identify limits, sessions kept across a shard's restart,
// close codes, a guild the bot leaves or that goes dark, the server asking for a heartbeat.
// ---------------------------------------------------------------------------------------------

/// A simulator whose identify window is `window` (Discord's is 5 s), one identify at a time.
async fn strict_gateway_sim(window: Duration) -> SimHandle {
    sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        identify_window: window,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

/// A bot running `shards` of `total` in one process, against a simulator whose identify
/// window is `window`, waited for until every shard has had READY. Its interval is a little
/// longer than the window, as Discord's 5 s is for the bot: the simulator times identifies as
/// they arrive, after delivery jitter, and a loaded test machine has plenty.
async fn start_sharded_bot(sim: &SimHandle, dir: &Path, shards: u32, window: Duration) -> Bot {
    let interval = window + Duration::from_millis(60);
    let mut config = harness::bot_config(sim, dir);
    config.shards = (0..shards).collect();
    config.shard_total = shards;
    config.identify_interval = interval;
    let bot = Bot::start(config).await.expect("bot starts");
    let ready = poll_until(Duration::from_secs(20), || async {
        let status = bot.status().await?;
        (status.ready_shards >= shards as usize).then_some(())
    })
    .await;
    assert!(ready.is_some(), "not every shard got READY");
    bot
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_shards_in_one_process_identify_one_at_a_time() {
    let window = Duration::from_millis(300);
    let sim = strict_gateway_sim(window).await;
    let client = sim.client();
    seed_world(&client, 1).await;
    let dir = data_dir("four-shards");
    let bot = start_sharded_bot(&sim, &dir, 4, window).await;
    let identifies = client.identifies().await.expect("identifies");
    eprintln!("identifies: {identifies:?}");
    assert!(
        identifies.iter().all(|i| i.accepted),
        "an identify was refused (op 9): {identifies:?}"
    );
    let mut shards: Vec<u64> = identifies.iter().map(|i| i.shard).collect();
    shards.sort_unstable();
    assert_eq!(shards, vec![0, 1, 2, 3], "one identify per shard");
    for pair in identifies.windows(2) {
        assert!(
            pair[1].at_ms - pair[0].at_ms >= window.as_millis() as u64,
            "identifies closer than the window: {identifies:?}"
        );
    }
    let stats = client.stats().await.expect("stats");
    assert_eq!(stats.identifies_refused, 0);
    assert_eq!(stats.gateway_sessions, 4);
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_shard_whose_sessions_keep_ending_backs_off_its_identifies() {
    let window = Duration::from_millis(100);
    let sim = strict_gateway_sim(window).await;
    let client = sim.client();
    seed_world(&client, 1).await;
    let dir = data_dir("identify-backoff");
    let bot = start_sharded_bot(&sim, &dir, 1, window).await;
    // Every session ends at once (4009: not resumable) for 3 s. Spaced by the interval alone
    // that would be some 18 identifies; doubling from the interval, 4 or 5.
    let before = client.stats().await.expect("stats").identifies;
    let until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < until {
        client.gateway_close(4009).await.expect("closed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let identifies = client.identifies().await.expect("identifies");
    let during = identifies.len() as u64 - before;
    eprintln!("identifies in 3 s of sessions ending: {during}: {identifies:?}");
    assert!(during >= 2, "the shard kept identifying: {identifies:?}");
    assert!(during <= 8, "no backoff: {during} identifies in 3 s");
    assert!(identifies.iter().all(|i| i.accepted), "{identifies:?}");
    // Once sessions stop ending, the shard is back.
    let back = poll_until(Duration::from_secs(10), || async {
        let s = client.stats().await.ok()?;
        (s.identifies > before + during).then_some(())
    })
    .await;
    assert!(back.is_some(), "the shard never identified again");
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restarted_shard_actor_resumes_its_session() {
    let (sim, client, _w, bot, _panel, dir) = in_process("shard-respawn", 1).await;
    let before = client.stats().await.expect("stats");
    bot.inject_shard_failure(0);
    let resumed = poll_until(Duration::from_secs(10), || async {
        let s = client.stats().await.ok()?;
        (s.gateway_resumes > before.gateway_resumes).then_some(s)
    })
    .await
    .expect("the restarted shard resumed");
    assert_eq!(
        resumed.identifies, before.identifies,
        "the restarted shard identified instead of resuming"
    );
    harness::stop(bot, sim, &dir).await;
}

/// REST requests the bot made about `guild` since it was removed from it.
async fn departed_requests(client: &SimClient, guild: u64) -> u64 {
    let stats = client.stats().await.expect("stats");
    stats
        .departed_guild_requests
        .get(&guild)
        .copied()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guild_that_removed_the_bot_gets_no_more_requests_and_keeps_its_data() {
    let sim = start_sim().await;
    let client = sim.client();
    let w = seed_world(&client, 16).await;
    let dir = data_dir("removed");
    let mut config = harness::bot_config(&sim, &dir);
    // One ticket provisioned at a time, each REST call 40 ms: a burst keeps the guild busy for
    // seconds, so the removal lands in the middle of it.
    config.provision_window = 1;
    let bot = harness::start_bot(config, 1).await.expect("bot starts");
    let panel = configure(&client, &w).await;
    let first = open_one(&client, &w, panel, w.members[0]).await;
    set_latency(&client, 40).await;
    let mut clicks = Vec::new();
    for &m in &w.members[1..14] {
        let open = custom_id::encode(&Action::OpenTicket);
        clicks.push(
            client
                .click(w.guild, w.general, m, panel, &open)
                .await
                .expect("click"),
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.remove_bot(w.guild).await.expect("bot removed");
    let stopped = poll_until(Duration::from_secs(10), || async {
        let status = bot.status().await?;
        (status.departed.contains(&w.guild) && status.guild_actors == 0).then_some(())
    })
    .await;
    assert!(stopped.is_some(), "the guild's actor kept running");
    // Longer than a line tick (2 s) and the rest of the burst's work.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let doomed = departed_requests(&client, w.guild).await;
    eprintln!(
        "bot removed mid-burst of {}: {doomed} doomed requests",
        clicks.len()
    );
    // Only what was in flight when the GUILD_DELETE arrived: one ticket's channel creation
    // (one ticket provisioned at a time) and the ticket before it's welcome post, which goes
    // out once its channel exists, beside the next creation. (Left running, the guild's actors
    // went on with the line: 5 more.)
    assert!(doomed <= 2, "{doomed} requests after the removal");
    let records = bot.store().all_tickets(w.guild).await.expect("records");
    assert!(
        records.iter().any(|r| r.channel == Some(first)),
        "the guild's tickets stay in the store: {records:?}"
    );

    // Added back: the guild works again, from the store.
    set_latency(&client, 0).await;
    client.readd_bot(w.guild).await.expect("bot re-added");
    let again = open_one(&client, &w, panel, w.members[15]).await;
    assert!(again > 0);
    let status = bot.status().await.expect("status");
    assert!(!status.departed.contains(&w.guild));
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unavailable_guild_holds_its_line_until_it_is_back() {
    let sim = start_sim().await;
    let client = sim.client();
    let w = seed_world(&client, 10).await;
    let dir = data_dir("unavailable");
    let mut config = harness::bot_config(&sim, &dir);
    config.provision_window = 1;
    let bot = harness::start_bot(config, 1).await.expect("bot starts");
    let panel = configure(&client, &w).await;
    open_one(&client, &w, panel, w.members[0]).await;
    // Each call 150 ms: the line of 8 takes over a second, so the outage lands in it.
    set_latency(&client, 150).await;
    let mut clicks = Vec::new();
    for &m in &w.members[1..9] {
        let open = custom_id::encode(&Action::OpenTicket);
        clicks.push(
            client
                .click(w.guild, w.general, m, panel, &open)
                .await
                .expect("click"),
        );
    }
    client
        .set_guild_unavailable(w.guild, true)
        .await
        .expect("outage");
    let marked = poll_until(Duration::from_secs(10), || async {
        let status = bot.status().await?;
        status.unavailable.contains(&w.guild).then_some(status)
    })
    .await
    .expect("the bot saw the outage");
    assert!(!marked.departed.contains(&w.guild), "taken for a removal");
    assert_eq!(marked.guild_actors, 1, "the guild actor was stopped");
    // The ticket being provisioned finishes; none in line starts while the guild is away.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let held = channel_creates(&client.stats().await.expect("stats"));
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let still = channel_creates(&client.stats().await.expect("stats"));
    eprintln!(
        "outage: {held} channel creates when held, {} during",
        still - held
    );
    assert_eq!(
        still, held,
        "tickets provisioned while the guild was unavailable"
    );

    // GUILD_CREATE ends the outage: the line goes on with no click needed.
    client
        .set_guild_unavailable(w.guild, false)
        .await
        .expect("outage over");
    let never = AtomicBool::new(false);
    for id in clicks {
        let text = final_text(&client, id, &never).await;
        assert!(
            text.as_deref().and_then(channel_from_link).is_some(),
            "a click in line was not provisioned after the outage: {text:?}"
        );
    }
    assert!(bot.status().await.expect("status").unavailable.is_empty());
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_4007_and_4009_the_bot_identifies_again_and_answers_clicks() {
    let window = Duration::from_millis(200);
    let sim = strict_gateway_sim(window).await;
    let client = sim.client();
    let w = seed_world(&client, 2).await;
    let dir = data_dir("close-codes");
    let bot = start_sharded_bot(&sim, &dir, 1, window).await;
    assert!(bot.wait_ready(1, Duration::from_secs(10)).await);
    let panel = configure(&client, &w).await;
    for (i, code) in [4007u16, 4009].into_iter().enumerate() {
        let before = client.stats().await.expect("stats");
        // Both end the session: twilight's resume is refused (op 9) and it identifies.
        client.gateway_close(code).await.expect("closed");
        let identified = poll_until(Duration::from_secs(10), || async {
            let s = client.stats().await.ok()?;
            (s.gateway_sessions > before.gateway_sessions).then_some(())
        })
        .await;
        assert!(identified.is_some(), "no new session after {code}");
        let ticket = open_one(&client, &w, panel, w.members[i]).await;
        assert!(ticket > 0, "a click after {code}");
    }
    let stats = client.stats().await.expect("stats");
    assert_eq!(stats.identifies_refused, 0, "{stats:?}");
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sharding_required_stops_the_bot_with_a_clear_message() {
    // A shard may hold no guild at all here: the bot's one shard must be closed with 4011.
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        max_guilds_per_shard: 0,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let client = sim.client();
    seed_world(&client, 1).await;
    let dir = data_dir("sharding-required");
    let bot = Bot::start(harness::bot_config(&sim, &dir))
        .await
        .expect("bot starts");
    let fatal = tokio::time::timeout(Duration::from_secs(10), bot.gateway_fatal())
        .await
        .expect("the bot saw a fatal close");
    eprintln!("{fatal}");
    assert_eq!(fatal.code, 4011);
    assert!(fatal.to_string().contains("--shard-total"), "{fatal}");
    // Fatal means no retry loop: the one identify is all the day's budget pays for.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(client.identifies().await.expect("identifies").len(), 1);
    harness::stop(bot, sim, &dir).await;
}

/// The bot asks for Server Members only when the application allows it at start. Switched off
/// while the bot runs, the next identify is refused with 4014: the bot stops with a message
/// naming the intent, where to switch it on and what works without it, and does not retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn server_members_switched_off_while_running_stops_the_bot_with_a_clear_message() {
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        message_content: true,
        identify_window: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let client = sim.client();
    seed_world(&client, 1).await;
    let dir = data_dir("disallowed-intents");
    let mut config = harness::bot_config(&sim, &dir);
    config.identify_interval = Duration::from_millis(60);
    let bot = Bot::start(config).await.expect("bot starts");
    assert!(bot.wait_ready(1, Duration::from_secs(10)).await);
    client
        .set_privileged_intents(&ticketeer::sim::client::PrivilegedSwitches {
            server_members: Some(false),
            ..Default::default()
        })
        .await
        .expect("switch off");
    client.gateway_invalidate(false).await.expect("invalidate");
    let fatal = tokio::time::timeout(Duration::from_secs(10), bot.gateway_fatal())
        .await
        .expect("the bot saw a fatal close");
    assert_eq!(fatal.code, 4014);
    let said = fatal.to_string();
    for needle in [
        "Server Members Intent",
        "Developer Portal",
        "run without it",
    ] {
        assert!(said.contains(needle), "{needle:?} in {said}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(client.identifies().await.expect("identifies").len(), 2);
    harness::stop(bot, sim, &dir).await;
}

// ---------------------------------------------------------------------------------------------
// Durable deadlines under SIGKILL: 10,000 deadlines armed in the store, a child
// process running the real clock actor on a fast clock killed at random moments and restarted.

const DEADLINE_DIR_ENV: &str = "TICKETEER_DEADLINE_KILL_DIR";
const DEADLINE_ORIGIN_ENV: &str = "TICKETEER_DEADLINE_KILL_ORIGIN";
const DEADLINE_GUILD: u64 = 77;
const DEADLINE_COUNT: u64 = 10_000;
/// Clock milliseconds per real millisecond: the deadlines span 8 s of real time.
const DEADLINE_SPEED: i64 = 1_000;
const DEADLINE_SPAN: i64 = 8_000 * DEADLINE_SPEED;

fn deadline_key(number: u64) -> ticketeer::domain::deadline::DeadlineKey {
    ticketeer::domain::deadline::DeadlineKey {
        guild: DEADLINE_GUILD,
        number,
        kind: ticketeer::domain::deadline::DeadlineKind::AutoClose,
    }
}

/// The child's action, shaped like a ticket actor's auto-close: the in-memory record (loaded
/// from the store at start) says whether the close already ran; the close and the deadline's
/// removal commit together, and only then is the clock told it is done.
struct CloseOnDue {
    store: Store,
    clock: Arc<dyn ticketeer::actors::clock::Clock>,
    records: std::sync::Mutex<HashMap<u64, TicketRecord>>,
}

impl ticketeer::actors::clock::DeadlineSink for CloseOnDue {
    fn due(
        &self,
        deadline: ticketeer::domain::deadline::Deadline,
        clock: &ticketeer::actors::clock::ClockHandle,
    ) {
        use ticketeer::store::WriteOp;
        let now = self.clock.now();
        let mut ops = vec![WriteOp::RemoveDeadline(deadline.key)];
        if let Some(record) = self
            .records
            .lock()
            .expect("records")
            .get_mut(&deadline.key.number)
            && record.state == TicketState::Open
        {
            record.state = TicketState::Closed;
            record.closed_at = Some(now);
            record.participants.push(now as u64);
            ops.push(WriteOp::PutTicket(record.clone()));
        }
        let receipt = self.store.write(ops);
        let clock = clock.clone();
        tokio::spawn(async move {
            if receipt.await.is_ok() {
                clock.done(deadline.key);
            }
        });
    }
}

/// Child-process half of `deadlines_survive_sigkill_none_lost_doubled_or_early`: runs the clock
/// until no deadline is armed, unless killed first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run in a child process by deadlines_survive_sigkill_none_lost_doubled_or_early"]
async fn deadline_kill_child() {
    use ticketeer::actors::clock::{self, ClockArgs, FastClock};
    let (Some(dir), Some(origin)) = (
        std::env::var_os(DEADLINE_DIR_ENV),
        std::env::var(DEADLINE_ORIGIN_ENV).ok(),
    ) else {
        return;
    };
    let store = Store::open(StoreConfig {
        path: PathBuf::from(dir).join("ticketeer.redb"),
        durability: Durability::Immediate,
    })
    .expect("store opens after a kill");
    let records = store
        .all_tickets(DEADLINE_GUILD)
        .await
        .expect("records")
        .into_iter()
        .map(|r| (r.number, r))
        .collect();
    let fast: Arc<dyn ticketeer::actors::clock::Clock> = Arc::new(FastClock {
        origin: origin.parse().expect("origin"),
        speed: DEADLINE_SPEED,
    });
    let sink = Arc::new(CloseOnDue {
        store: store.clone(),
        clock: fast.clone(),
        records: std::sync::Mutex::new(records),
    });
    let (clock, _) = clock::spawn(ClockArgs {
        store: store.clone(),
        clock: fast,
        sink,
    })
    .await
    .expect("clock starts");
    loop {
        let status = clock.status().await.expect("clock answers");
        if status.armed == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    store.flush().await.expect("flush");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_survive_sigkill_none_lost_doubled_or_early() {
    use ticketeer::domain::deadline::Deadline;
    use ticketeer::store::WriteOp;
    let dir = data_dir("deadlines");
    let path = dir.join("ticketeer.redb");
    // Clock time 0 is one real second from now; the last deadline is 8 s after that.
    let origin = ticketeer::actors::ticket::now_millis() + 1_000;
    let mut rng = rand::rng();
    let mut armed = BTreeMap::new();
    {
        let store = Store::open(StoreConfig {
            path: path.clone(),
            durability: Durability::Immediate,
        })
        .expect("store");
        let mut ops = Vec::new();
        for number in 1..=DEADLINE_COUNT {
            let at = rng.random_range(0..DEADLINE_SPAN);
            armed.insert(number, at);
            ops.push(WriteOp::PutTicket(TicketRecord {
                state: TicketState::Open,
                ..TicketRecord::new(DEADLINE_GUILD, number, 1, 0)
            }));
            ops.push(WriteOp::PutDeadline(Deadline {
                key: deadline_key(number),
                at,
            }));
        }
        for chunk in ops.chunks(2_000) {
            store.write(chunk.to_vec()).await.expect("arm");
        }
        store.close().await;
    }
    let spawn_child = || Proc {
        child: Some(
            Command::new(std::env::current_exe().expect("test binary"))
                .args([
                    "deadline_kill_child",
                    "--exact",
                    "--ignored",
                    "--test-threads=1",
                ])
                .env(DEADLINE_DIR_ENV, &dir)
                .env(DEADLINE_ORIGIN_ENV, origin.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn child"),
        ),
    };
    // Kill at random moments until the last deadline is past, then let one run to the end.
    let mut kills = 0;
    while ticketeer::actors::ticket::now_millis() < origin + DEADLINE_SPAN / DEADLINE_SPEED + 500 {
        let mut child = spawn_child();
        tokio::time::sleep(Duration::from_millis(rng.random_range(100..1_200))).await;
        child.kill();
        kills += 1;
    }
    let mut last = spawn_child();
    let finished = tokio::task::spawn_blocking(move || {
        let child = last.child.as_mut().expect("child");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => return false,
            }
        }
    })
    .await
    .expect("wait");
    assert!(finished, "the last child did not finish");

    let store = Store::open(StoreConfig {
        path: path.clone(),
        durability: Durability::Immediate,
    })
    .expect("store");
    assert_eq!(store.load_deadlines().await.expect("deadlines"), vec![]);
    let records = store.all_tickets(DEADLINE_GUILD).await.expect("records");
    assert_eq!(records.len() as u64, DEADLINE_COUNT, "a record was lost");
    for record in &records {
        let at = armed[&record.number];
        assert_eq!(
            record.state,
            TicketState::Closed,
            "{} never fired",
            record.number
        );
        let fired = record.closed_at.expect("closed_at");
        assert!(
            fired >= at,
            "{} fired early: at {fired}, due {at}",
            record.number
        );
        assert_eq!(record.participants.len(), 1, "{} ran twice", record.number);
    }
    eprintln!(
        "deadline kill test: {DEADLINE_COUNT} deadlines, {kills} SIGKILLs, none lost, doubled or early"
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Ready channels under the kill loop: SIGKILL at random moments while a pool of
/// hidden channels is being handed to tickets and refilled; afterwards no ticket has two
/// channels, no number two tickets, and no ready channel is left outside the stored pool.
mod ready {
    use super::*;

    /// Channels named `ready-…` in Discord.
    async fn ready_in_discord(client: &SimClient, guild: u64) -> BTreeMap<u64, String> {
        let channels = client.guild_channels(guild).await.expect("channels");
        channels
            .iter()
            .filter_map(|c| {
                let name = c["name"].as_str()?;
                let id = c["id"].as_str()?.parse().ok()?;
                name.starts_with("ready-").then(|| (id, name.to_owned()))
            })
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sigkill_with_ready_channels_leaves_no_duplicate_and_no_orphan() {
        let cycles: u64 = std::env::var("KILL_CYCLES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5);
        let dir = data_dir("kill-ready");
        std::fs::create_dir_all(&dir).expect("data dir");
        let (mut sim_proc, url) = spawn_sim(&dir.join("sim.log")).await;
        let client = SimClient::new(&url);
        let w = seed_world(&client, 16).await;
        let bot_log = dir.join("bot.log");
        let token = "kill-ready-token-77c2";
        let mut bot = spawn_bot(&client, &url, &dir, token, &bot_log).await;
        let panel = configure(&client, &w).await;
        let answer = driver::set_ready(&client, &w.seeded(), "4")
            .await
            .expect("ready channels answered");
        assert!(answer.contains("Ready channels on"), "{answer}");
        let refilled = || async {
            poll_until(Duration::from_secs(30), || async {
                (ready_in_discord(&client, w.guild).await.len() >= 4).then_some(())
            })
            .await
            .is_some()
        };
        assert!(refilled().await, "the pool filled");
        let mut handed = 0;
        let mut ledger = Ledger::default();
        let mut model = HashMap::new();
        for cycle in 0..cycles {
            let kill_after = Duration::from_millis(rand::rng().random_range(150..1_200));
            drive(
                &client,
                &w,
                panel,
                &model,
                &mut ledger,
                kill_after,
                &mut bot,
            )
            .await;
            let (next, pending) = check_stopped(&client, &w, &dir, &ledger, panel, false).await;
            bot = spawn_bot(&client, &url, &dir, token, &bot_log).await;
            model = next;
            for (opener, channel) in check_repaired(&client, &w, &pending).await {
                model.insert(opener, Mine::Open(channel));
            }
            // Every cycle starts with a full pool, so every kill can land mid-handover.
            let pooled = ready_in_discord(&client, w.guild).await.len();
            assert!(refilled().await, "cycle {cycle}: the pool refilled");
            handed += 4usize.saturating_sub(pooled);
            eprintln!("ready cycle {cycle}: killed after {kill_after:?}");
        }
        // One more open starts the guild's actor, whose first refill lists the channels and
        // takes back a ready channel a kill left unrecorded; then a graceful stop.
        if let Some(&free) = w.members.iter().find(|m| !model.contains_key(m)) {
            open_one(&client, &w, panel, free).await;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(
            bot.terminate(Duration::from_secs(30)),
            "SIGTERM: the bot exits cleanly"
        );
        let (records, snapshot) = read_store(&dir, w.guild).await;
        let pool = snapshot.ready.expect("the pool is stored");
        let in_discord = ready_in_discord(&client, w.guild).await;
        for id in in_discord.keys() {
            assert!(
                pool.is_pooled(*id) || pool.handing.iter().any(|h| h.channel.id == *id),
                "ready channel {id} is in Discord but not in the pool: an orphan"
            );
        }
        for c in &pool.channels {
            assert!(
                in_discord.contains_key(&c.id),
                "pooled channel {} is gone",
                c.id
            );
        }
        let channels = client.guild_channels(w.guild).await.expect("channels");
        let tickets = ticket_channels(&channels);
        let names: HashSet<&String> = tickets.iter().map(|(n, _)| n).collect();
        assert_eq!(
            names.len(),
            tickets.len(),
            "a ticket number on two channels"
        );
        let mut by_channel = HashSet::new();
        for r in records.iter().filter(|r| r.state.is_open()) {
            let channel = r.channel.expect("an open ticket has its channel");
            assert!(
                by_channel.insert(channel),
                "two tickets in channel {channel}"
            );
            assert!(
                !in_discord.contains_key(&channel),
                "ticket #{} is still a ready channel",
                r.number
            );
        }
        let log = std::fs::read_to_string(&bot_log).unwrap_or_default();
        assert!(!log.contains("panicked"), "the bot panicked:\n{log}");
        eprintln!(
            "ready kill test: {cycles} cycles, {} opened, about {handed} ready channels used, {} pooled at the end",
            ledger.opened.len(),
            pool.channels.len()
        );
        sim_proc.kill();
        let _ = std::fs::remove_dir_all(&dir);
    }
}

// ---- one bot, many processes ---------------------------------------------------------------

mod fleet {
    //! One bot as several `ticketeer run` processes (shard ranges of one total) against one
    //! simulator with Discord's limits: the REST budget and identify turns shared without a
    //! coordinator, a process killed mid-burst, and the guilds moved to a new shard total.
    //! Sized for CI (16 guilds, a ticket in each). The large version is the same test with
    //! `TICKETEER_FLEET_GUILDS=10000 TICKETEER_FLEET_BUSY=200`: the bot in 10,000 guilds,
    //! tickets opened in 200 of them spread over all shards (every first ticket of a member
    //! needs a DM channel, 10 per 10 s for the whole bot, so a ticket in every guild would take
    //! Discord's limits hours, whatever the process count).

    use std::ops::Range;

    use super::*;
    use ticketeer::domain::sharding;

    /// The simulator's identify window; the processes are told a little more (their interval).
    /// Short for CI; with many guilds each identify's GUILD_CREATEs keep the simulator busy
    /// long enough to blur 300 ms, so the window grows toward Discord's 5 s.
    fn window() -> Duration {
        Duration::from_millis(300 + size().0 as u64 / 2)
    }
    const GUILDS: usize = 16;

    /// The guilds the bot is in, and how many of them get tickets (see the module's doc).
    fn size() -> (usize, usize) {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
        };
        let guilds = var("TICKETEER_FLEET_GUILDS").unwrap_or(GUILDS).max(1);
        let busy = var("TICKETEER_FLEET_BUSY")
            .unwrap_or(guilds)
            .clamp(1, guilds);
        (guilds, busy)
    }
    const TOKEN: &str = "fleet-token";

    /// `ticketeer run` for `range` of `total` shards, the client-side limits on as in production.
    fn spawn_member(url: &str, dir: &Path, range: &Range<u32>, total: u32, log: &Path) -> Proc {
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map(Stdio::from)
            .unwrap_or_else(|_| Stdio::null());
        let child = Command::new(BIN)
            .args(["run", "--discord-api", url, "--data-dir"])
            .arg(dir)
            .args(["--shards", &format!("{}..{}", range.start, range.end)])
            .args(["--shard-total", &total.to_string()])
            .args([
                "--identify-interval-ms",
                &(window().as_millis() + 60).to_string(),
            ])
            .env("DISCORD_TOKEN", TOKEN)
            .env("RUST_LOG", "warn,ticketeer=info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn ticketeer run");
        Proc { child: Some(child) }
    }

    /// Waits until `count` identifies were accepted since the simulator started.
    async fn identified(client: &SimClient, count: usize) {
        let done = poll_until(Duration::from_secs(60), || async {
            let ids = client.identifies().await.ok()?;
            (ids.iter().filter(|i| i.accepted).count() >= count).then_some(())
        })
        .await;
        assert!(done.is_some(), "fewer than {count} shards identified");
    }

    /// One process per directory, each with its contiguous range of `total`.
    fn start(url: &str, dirs: &[PathBuf], total: u32, log: &Path) -> Vec<Proc> {
        let ranges = sharding::ranges(dirs.len(), total);
        dirs.iter()
            .zip(&ranges)
            .map(|(dir, range)| spawn_member(url, dir, range, total, log))
            .collect()
    }

    /// `who(guild)` clicks Open in every guild at once; the final answers, guild by guild.
    async fn storm(
        client: &SimClient,
        guilds: &[(SeededGuild, u64)],
        who: impl Fn(&SeededGuild) -> u64,
        midway: impl std::future::Future<Output = ()>,
    ) -> Vec<Option<String>> {
        let alive = AtomicBool::new(false);
        let clicks = guilds.iter().map(|(g, panel)| {
            let member = who(g);
            let alive = &alive;
            async move {
                let id = driver::click_panel(client, g, *panel, member).await.ok()?;
                // Not acknowledged in Discord's 3 s (the process was killed): no answer. The
                // links come at each process's share of the global budget (two calls each).
                let within =
                    Duration::from_secs(8) + Duration::from_millis(100) * guilds.len() as u32;
                final_text_within(client, id, alive, within).await
            }
        });
        let (answers, ()) = tokio::join!(join_all(clicks), midway);
        answers
    }

    /// Where the run is, for the large version's log: time since the start and 429s so far.
    async fn mark(t0: Instant, client: &SimClient, what: &str) {
        let refused = client.stats().await.map(|s| s.rate_limited).unwrap_or(0);
        eprintln!("{:?}: {what} (429s so far: {refused})", t0.elapsed());
    }

    /// Acknowledged tickets: guild → number → channel.
    type Opened = BTreeMap<u64, BTreeMap<u64, u64>>;

    fn note(opened: &mut Opened, guild: u64, text: &str) -> u64 {
        let number = ticket_number(text).unwrap_or_else(|| panic!("no number in {text:?}"));
        let channel = channel_from_link(text).unwrap_or_else(|| panic!("no link in {text:?}"));
        let numbers = opened.entry(guild).or_default();
        assert!(
            numbers.insert(number, channel).is_none(),
            "guild {guild}: number {number} handed out twice"
        );
        number
    }

    /// Every acknowledged ticket is in the file of the process that runs its guild's shard,
    /// with its channel, and in no other file.
    async fn assert_stored(opened: &Opened, dirs: &[PathBuf], total: u32) {
        for (d, dir) in dirs.iter().enumerate() {
            let path = dir.join("ticketeer.redb");
            let config = StoreConfig {
                path,
                durability: Durability::Immediate,
            };
            let store = tokio::task::spawn_blocking(move || Store::open(config))
                .await
                .expect("open task")
                .expect("the store opens");
            for (guild, numbers) in opened {
                let home = sharding::dir_of(*guild, dirs.len(), total);
                let records = store.all_tickets(*guild).await.expect("records");
                if d != home {
                    assert!(records.is_empty(), "guild {guild} has tickets in dir {d}");
                    continue;
                }
                for (number, channel) in numbers {
                    let record = records.iter().find(|r| r.number == *number);
                    assert_eq!(
                        record.and_then(|r| r.channel),
                        Some(*channel),
                        "guild {guild}: acknowledged ticket #{number} lost"
                    );
                }
            }
            store.close().await;
        }
    }

    /// SIGTERM to every process at once, each waited for.
    fn stop_all(procs: &mut [Proc]) {
        std::thread::scope(|scope| {
            for proc in procs.iter_mut() {
                scope.spawn(|| {
                    assert!(
                        proc.terminate(Duration::from_secs(90)),
                        "a process did not stop cleanly"
                    );
                });
            }
        });
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn four_processes_share_the_limits_survive_a_kill_and_move_to_sixteen_shards() {
        let sim = sim::start(SimConfig {
            rate_limits: RateLimitMode::Discord,
            message_content: true,
            identify_window: window(),
            // Two buckets of four shards each, every bucket spread over all four processes.
            max_concurrency: 2,
            ..SimConfig::default()
        })
        .await
        .expect("simulator");
        let client = sim.client();
        let url = sim.http_url();
        let t0 = Instant::now();
        let (all, busy) = size();
        let seeded = harness::seed_guilds(&sim, all, 3).await;
        // Spread over the seeding order, so over the shards as well.
        let seeded: Vec<SeededGuild> = (0..busy).map(|i| seeded[i * all / busy].clone()).collect();
        let root = data_dir("fleet");
        std::fs::create_dir_all(&root).expect("dir");
        let log = root.join("fleet.log");
        let old: Vec<PathBuf> = (0..4).map(|i| root.join(format!("t8-{i}"))).collect();
        let mut procs = start(&url, &old, 8, &log);
        identified(&client, 8).await;
        mark(t0, &client, "8 shards up").await;
        let start_stats = client.stats().await.expect("stats");
        assert_eq!(
            start_stats.identifies_refused, 0,
            "processes identified side by side"
        );
        let mut guilds = Vec::new();
        let panels = join_all(seeded.iter().map(|g| driver::post_panel(&client, g))).await;
        for (g, panel) in seeded.into_iter().zip(panels) {
            guilds.push((g, panel.expect("panel")));
        }
        mark(t0, &client, "panels posted").await;

        // A burst over every guild; process 1 is killed in the middle and started again.
        let killed = 1;
        let of = |g: &SeededGuild| sharding::dir_of(g.guild_id, 4, 8);
        let restart = async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            procs[killed].kill();
            tokio::time::sleep(Duration::from_millis(200)).await;
            let range = &sharding::ranges(4, 8)[killed];
            procs[killed] = spawn_member(&url, &old[killed], range, 8, &log);
        };
        let answers = storm(&client, &guilds, |g| g.member_ids[0], restart).await;
        let mut opened = Opened::new();
        let mut retry = Vec::new();
        for ((g, panel), answer) in guilds.iter().zip(&answers) {
            match answer.as_deref().filter(|t| t.contains("#")) {
                Some(text) => {
                    note(&mut opened, g.guild_id, text);
                }
                None => {
                    assert_eq!(
                        of(g),
                        killed,
                        "guild {} of a live process: {answer:?}",
                        g.guild_id
                    );
                    retry.push((g.clone(), *panel));
                }
            }
        }
        eprintln!(
            "{:?}: burst answered, {} cut off by the kill",
            t0.elapsed(),
            retry.len()
        );
        identified(&client, 10).await;
        // The clicks the kill cut off work once the process is back, with fresh numbers.
        let again = storm(&client, &retry, |g| g.member_ids[1], async {}).await;
        for ((g, _), answer) in retry.iter().zip(&again) {
            let text = answer.as_deref().expect("answered after the restart");
            note(&mut opened, g.guild_id, text);
        }
        // The live processes' shards never identified again: nothing disturbed them.
        let ids = client.identifies().await.expect("identifies");
        let range = &sharding::ranges(4, 8)[killed];
        for id in &ids {
            if !range.contains(&(id.shard as u32)) {
                assert!(
                    ids.iter().filter(|i| i.shard == id.shard).count() == 1,
                    "{ids:?}"
                );
            }
        }
        mark(t0, &client, "retried").await;
        stop_all(&mut procs);
        mark(t0, &client, "stopped").await;
        assert_stored(&opened, &old, 8).await;
        assert_no_429s_since(&client, &SimStats::default()).await;

        // Offline: the guilds of 4 files for 8 shards into 8 files for 16.
        let new: Vec<PathBuf> = (0..8).map(|i| root.join(format!("t16-{i}"))).collect();
        let status = Command::new(BIN)
            .arg("reshard")
            .arg("--from")
            .args(&old)
            .arg("--to")
            .args(&new)
            .args(["--shard-total", "16"])
            .stdout(Stdio::null())
            .status()
            .expect("reshard runs");
        assert!(status.success(), "reshard failed");
        assert_stored(&opened, &new, 16).await;
        let before = client.stats().await.expect("stats");
        let mut procs = start(&url, &new, 16, &log);
        identified(&client, 10 + 16).await;
        mark(t0, &client, "16 shards up").await;
        let answers = storm(&client, &guilds, |g| g.member_ids[2], async {}).await;
        mark(t0, &client, "second burst answered").await;
        for ((g, _), answer) in guilds.iter().zip(&answers) {
            let text = answer.as_deref().expect("answered after the move");
            let highest = opened[&g.guild_id].keys().max().copied().unwrap_or(0);
            let number = note(&mut opened, g.guild_id, text);
            assert!(
                number > highest,
                "guild {}: #{number} after #{highest}",
                g.guild_id
            );
        }
        stop_all(&mut procs);
        assert_stored(&opened, &new, 16).await;
        let after = client.stats().await.expect("stats");
        assert_eq!(
            after.identifies_refused, 0,
            "identify turns across processes"
        );
        assert_no_429s_since(&client, &before).await;
        // Commands were set once per layout, by the process with shard 0; the others (and the
        // restarted process 1) only read them.
        let sets = after
            .requests_per_route
            .get("PUT /applications/{id}/commands")
            .copied();
        assert_eq!(sets, Some(2), "{:?}", after.requests_per_route);
        sim.shutdown().await;
        let _ = std::fs::remove_dir_all(&root);
    }
}
