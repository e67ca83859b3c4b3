//! The shard actor: owns one `twilight_gateway::Shard` connection.
//!
//! # Messages ([`ShardMsg`])
//! - `Close` (root, shutdown): close with a resumable close frame and stop.
//! - `Ended` (its poll task): the connection ended without a fatal close code; the actor fails
//!   so the root restarts it.
//! - `InjectFailure` (fault hook): fail as a bug would.
//!
//! Architecture Invariant: the event loop never awaits downstream work. It runs on its own task,
//! parses nothing beyond what twilight parses, and `cast`s every event to the router (a cast only
//! enqueues), then goes straight back to polling.
//!
//! Every shard of the process identifies through one [`IdentifyQueue`]: Discord allows
//! `max_concurrency` identifies per 5 s for the whole bot and answers the rest with Invalid
//! Session, and 1,000 a day, past which it resets the token. A shard that stops (a failure, a
//! router restart) leaves its session in the [`SessionKeeper`], so the next one resumes it.

use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};
use tokio::{
    sync::{oneshot, watch},
    task::JoinHandle,
    time::Instant,
};
use tracing::{error, info, warn};
use twilight_gateway::{
    CloseFrame, ConfigBuilder, Event, EventTypeFlags, Intents, Session, Shard, ShardId, StreamExt,
    queue::Queue,
};

use super::router::RouterMsg;
use crate::domain::sharding::IdentifySlots;

pub enum ShardMsg {
    Close,
    Ended,
    InjectFailure,
}

pub struct ShardArgs {
    pub id: ShardId,
    pub token: String,
    /// `ws://127.0.0.1:PORT` of a simulator, or `None` for Discord.
    pub gateway_url: Option<String>,
    pub router: ActorRef<RouterMsg>,
    /// What the session asks for ([`intents`]).
    pub intents: Intents,
    pub queue: IdentifyQueue,
    pub sessions: SessionKeeper,
    /// Where a fatal close (a reset token, sharding required) is reported for the process.
    pub fatal: watch::Sender<Option<GatewayFatal>>,
    /// Guilds the router waits to hear GUILD_CREATE from (unavailable ones).
    pub awaited: Arc<AtomicUsize>,
}

pub struct ShardState {
    /// Tells the poll task to close the connection resumably and end; dropped with the state
    /// when the actor fails, which tells it too.
    stop: Option<oneshot::Sender<()>>,
    poller: JoinHandle<()>,
}

pub struct ShardActor;

/// The gateway events the bot acts on; everything else is skipped before deserialization.
/// GUILD_CREATE is skipped on purpose: READY lists the guilds, guild actors start on first need,
/// and parsing a big bot's burst of full guild objects was most of its start-up. It is parsed
/// only while a guild waits for it (see [`ShardArgs::awaited`]).
pub fn wanted_events() -> EventTypeFlags {
    EventTypeFlags::READY
        | EventTypeFlags::RESUMED
        | EventTypeFlags::INTERACTION_CREATE
        | EventTypeFlags::CHANNEL_DELETE
        // A thread ticket deleted by a person.
        | EventTypeFlags::THREAD_DELETE
        // A person editing a ready channel takes it out of the pool.
        | EventTypeFlags::CHANNEL_UPDATE
        | EventTypeFlags::MEMBER_REMOVE
        | EventTypeFlags::GUILD_DELETE
        | EventTypeFlags::MESSAGE_CREATE
}

/// GUILDS and GUILD_MESSAGES (a human's message is a ticket's activity, for the inactivity
/// warning; not privileged, and the bot reads no content from it) always; GUILD_MEMBERS
/// (member-left events) only when the application has the Server Members privileged intent
/// switched on: Discord closes a session asking for a privileged intent it lacks (4014), and the
/// bot runs without those events rather than not at all.
pub fn intents(server_members: bool) -> Intents {
    let always = Intents::GUILDS | Intents::GUILD_MESSAGES;
    if server_members {
        always | Intents::GUILD_MEMBERS
    } else {
        always
    }
}

impl Actor for ShardActor {
    type Msg = ShardMsg;
    type State = ShardState;
    type Arguments = ShardArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: ShardArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        let mut builder = ConfigBuilder::new(args.token, args.intents).queue(args.queue);
        if let Some(url) = args.gateway_url {
            builder = builder.proxy_url(url);
        }
        if let Some((session, resume_url)) = args.sessions.take(args.id.number()) {
            info!(shard = %args.id, "resuming the session of the shard's previous run");
            builder = builder.session(session);
            if let Some(url) = resume_url {
                builder = builder.resume_url(url);
            }
        }
        let shard = Shard::with_config(args.id, builder.build());
        let (stop, stop_rx) = oneshot::channel();
        let link = PollLink {
            router: args.router,
            myself,
            sessions: args.sessions,
            fatal: args.fatal,
            awaited: args.awaited,
        };
        let poller = tokio::spawn(poll(shard, link, stop_rx));
        Ok(ShardState {
            stop: Some(stop),
            poller,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            ShardMsg::Close => {
                if let Some(stop) = state.stop.take() {
                    let _ = stop.send(());
                }
                myself.stop(Some("closed".into()));
            }
            ShardMsg::Ended => return Err("the gateway connection ended".into()),
            ShardMsg::InjectFailure => return Err("injected shard failure".into()),
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        if let Some(stop) = state.stop.take() {
            let _ = stop.send(());
        }
        let poller = &mut state.poller;
        if tokio::time::timeout(STOP_GRACE + Duration::from_millis(500), poller)
            .await
            .is_err()
        {
            state.poller.abort();
        }
        Ok(())
    }
}

/// How long a stopping poll task waits for its close frame to be answered.
const STOP_GRACE: Duration = Duration::from_secs(1);

/// What the poll task reports to.
struct PollLink {
    router: ActorRef<RouterMsg>,
    myself: ActorRef<ShardMsg>,
    sessions: SessionKeeper,
    fatal: watch::Sender<Option<GatewayFatal>>,
    awaited: Arc<AtomicUsize>,
}

/// The shard's event loop: every event is cast to the router. Told to stop, it closes with
/// 4000 (resumable) and keeps the session for the next run of this shard.
async fn poll(mut shard: Shard<IdentifyQueue>, link: PollLink, mut stop: oneshot::Receiver<()>) {
    let id = shard.id();
    let mut stopping: Option<Instant> = None;
    let mut last_close = None;
    loop {
        let give_up = stopping.unwrap_or_else(Instant::now) + STOP_GRACE;
        let wanted = match link.awaited.load(Ordering::Relaxed) {
            0 => wanted_events(),
            _ => wanted_events() | EventTypeFlags::GUILD_CREATE,
        };
        let item = tokio::select! {
            _ = &mut stop, if stopping.is_none() => {
                stopping = Some(Instant::now());
                shard.close(CloseFrame::RESUME);
                continue;
            }
            _ = tokio::time::sleep_until(give_up), if stopping.is_some() => break,
            item = shard.next_event(wanted) => item,
        };
        let Some(item) = item else { break };
        match item {
            Ok(Event::GatewayClose(_)) | Err(_) if stopping.is_some() => break,
            Ok(event) => {
                match &event {
                    Event::GatewayClose(frame) => last_close = frame.as_ref().map(|f| f.code),
                    // Counted before the router hears of it, so the GUILD_CREATE that ends it
                    // is parsed even if it comes before the router has counted it too.
                    Event::GuildDelete(_) => {
                        link.awaited.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
                if link
                    .router
                    .cast(RouterMsg::Gateway(Box::new(event)))
                    .is_err()
                {
                    info!(shard = %id, "router gone (shutting down); shard loop ends");
                    stopping = Some(Instant::now());
                    break;
                }
            }
            Err(error) => warn!(shard = %id, %error, "gateway receive error"),
        }
    }
    if let Some(session) = shard.session() {
        link.sessions
            .keep(id.number(), session.clone(), shard.resume_url());
    }
    info!(shard = %id, "gateway connection ended");
    if stopping.is_some() {
        return;
    }
    match last_close.filter(|code| fatal_message(*code).is_some()) {
        Some(code) => {
            let fatal = GatewayFatal {
                shard: id.number(),
                code,
            };
            error!(shard = %id, code, "{fatal}");
            link.fatal.send_replace(Some(fatal));
            link.myself.stop(Some("fatal gateway close".into()));
        }
        None => {
            let _ = link.myself.cast(ShardMsg::Ended);
        }
    }
}

// ---- fatal close codes ---------------------------------------------------------------------------

/// A close code after which Discord will not take this shard back as it is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayFatal {
    pub shard: u32,
    pub code: u16,
}

impl std::fmt::Display for GatewayFatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = fatal_message(self.code).unwrap_or("Discord closed the gateway for good");
        write!(
            f,
            "gateway closed shard {} with {}: {what}",
            self.shard, self.code
        )
    }
}

/// What the self-hoster must do after a fatal close code, or `None` for codes twilight
/// reconnects after.
pub fn fatal_message(code: u16) -> Option<&'static str> {
    Some(match code {
        4004 => {
            "Discord refused the bot token (Authentication failed). It may have been reset, e.g. \
             after 1,000 identifies in a day; set the new token in DISCORD_TOKEN or --token-file"
        }
        4010 => "the shard id is not below the shard total (Invalid shard); check --shards",
        4011 => {
            "Discord requires more shards (Sharding required): each shard may hold at most 2,500 \
             guilds. Raise --shard-total (GET /gateway/bot recommends a count) and restart"
        }
        4012 => "Discord no longer accepts this gateway version (Invalid API version)",
        4013 => "the bot asked for intents Discord does not know (Invalid intents)",
        4014 => {
            "Discord refused a privileged intent the bot asked for (Disallowed intents): the \
             bot asks for Server Members only when the application allowed it at start, so it \
             was switched off since. Switch \"Server Members Intent\" back on in the Discord \
             Developer Portal → your application → Bot → Privileged Gateway Intents, or restart \
             the bot to run without it (members leaving are then not noticed)"
        }
        _ => return None,
    })
}

// ---- sessions kept across restarts of a shard -----------------------------------------------------

/// A shard's session and the URL to resume it at.
type Kept = (Session, Option<String>);

/// The last session of each shard of this process, with its resume URL.
#[derive(Clone, Debug, Default)]
pub struct SessionKeeper(Arc<Mutex<HashMap<u32, Kept>>>);

impl SessionKeeper {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Kept>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn keep(&self, shard: u32, session: Session, resume_url: Option<&str>) {
        self.lock()
            .insert(shard, (session, resume_url.map(str::to_owned)));
    }

    /// Taken, not copied: a session is resumed once; if that fails twilight identifies afresh.
    fn take(&self, shard: u32) -> Option<Kept> {
        self.lock().remove(&shard)
    }
}

// ---- the identify queue ----------------------------------------------------------------------------

/// Discord's spacing of identifies in one bucket.
pub const IDENTIFY_INTERVAL: Duration = Duration::from_secs(5);

/// A session that lived this many intervals (a minute at Discord's 5 s) was healthy: the
/// shard's next identify starts a fresh backoff.
const HEALTHY_INTERVALS: u32 = 12;

const DAY: Duration = Duration::from_secs(86_400);

/// The identify budget as `GET /gateway/bot` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentifyBudget {
    pub max_concurrency: u32,
    pub remaining: u32,
    pub reset_after: Duration,
    pub total: u32,
}

impl Default for IdentifyBudget {
    /// Discord's defaults for a bot in fewer than 150,000 guilds.
    fn default() -> Self {
        Self {
            max_concurrency: 1,
            remaining: 1000,
            reset_after: DAY,
            total: 1000,
        }
    }
}

/// When each identify may go: pure bookkeeping behind [`IdentifyQueue`].
#[derive(Debug)]
pub struct IdentifySchedule {
    /// Spacing within a bucket: the interval plus a twentieth, as two identifies sent exactly
    /// one interval apart may arrive a little closer.
    spacing: Duration,
    interval: Duration,
    max_concurrency: u32,
    total: u32,
    remaining: u32,
    reset_at: Instant,
    /// Shards of the bot (all processes): they share what is left of the day.
    shards: u32,
    /// The bot-wide turns of each bucket's shards, with the wall-clock time (since the Unix
    /// epoch) at `origin`: see `domain::sharding`. `None` within one process that runs every
    /// shard of the bot, where `next_free` alone spaces the bucket.
    turns: Option<(IdentifySlots, Duration, Instant)>,
    /// Per bucket: the earliest next identify.
    next_free: HashMap<u32, Instant>,
    /// Per shard: its last identify and how many in a row came after short sessions.
    last: HashMap<u32, (Instant, u32)>,
}

impl IdentifySchedule {
    /// `shards`: the bot's shard total (the daily budget is the bot's, shared by all of them).
    pub fn new(budget: IdentifyBudget, interval: Duration, shards: u32, now: Instant) -> Self {
        Self {
            spacing: interval + interval / 20,
            interval,
            max_concurrency: budget.max_concurrency.max(1),
            total: budget.total.max(budget.remaining),
            remaining: budget.remaining,
            reset_at: now + budget.reset_after,
            shards: shards.max(1),
            turns: None,
            next_free: HashMap::new(),
            last: HashMap::new(),
        }
    }

    /// Identifies only in the shard's bot-wide turns (`domain::sharding::IdentifySlots`), so
    /// that other processes running shards of the same buckets never identify beside it.
    /// `wall`: the time since the Unix epoch at `now`.
    pub fn across_processes(mut self, wall: Duration, now: Instant) -> Self {
        let slots = IdentifySlots::new(self.shards, self.max_concurrency, self.spacing);
        self.turns = Some((slots, wall, now));
        self
    }

    /// The first moment at or after `at` that is one of `shard`'s turns.
    fn turn(&self, shard: u32, at: Instant) -> Instant {
        let Some((slots, wall, origin)) = self.turns else {
            return at;
        };
        let since = at.saturating_duration_since(origin);
        let asked = wall + since;
        at + slots.next_turn(shard, asked).saturating_sub(asked)
    }

    /// Books an identify for `shard` asked at `now`; returns when it may be sent.
    pub fn reserve(&mut self, shard: u32, now: Instant) -> Instant {
        if now >= self.reset_at {
            self.remaining = self.total;
            self.reset_at = now + DAY;
        }
        let streak = match self.last.get(&shard) {
            Some((at, streak))
                if now.saturating_duration_since(*at) < self.interval * HEALTHY_INTERVALS =>
            {
                streak + 1
            }
            _ => 0,
        };
        let mut earliest = match self.last.get(&shard) {
            Some((at, _)) if streak > 0 => (*at + self.backoff(streak, now)).max(now),
            _ => now,
        };
        if self.remaining == 0 {
            earliest = earliest.max(self.reset_at);
        }
        let bucket = shard % self.max_concurrency;
        let slot = self
            .next_free
            .get(&bucket)
            .map_or(earliest, |free| earliest.max(*free));
        let slot = self.turn(shard, slot);
        self.next_free.insert(bucket, slot + self.spacing);
        self.remaining = self.remaining.saturating_sub(1);
        self.last.insert(shard, (slot, streak));
        slot
    }

    /// The wait after a shard's last identify when its sessions keep ending early: doubling
    /// from one interval, capped at the shard's even share of the identifies left today, so a
    /// shard failing all day stays within the daily budget instead of being locked out by it.
    fn backoff(&self, streak: u32, now: Instant) -> Duration {
        let doubling = self.interval.saturating_mul(1 << (streak - 1).min(20));
        let until_reset = self.reset_at.saturating_duration_since(now);
        let share = until_reset.saturating_mul(self.shards) / self.remaining.max(1);
        doubling.min(share.max(self.interval))
    }
}

/// The process's one identify queue (twilight's [`Queue`]), shared by all its shards.
#[derive(Clone, Debug)]
pub struct IdentifyQueue(Arc<Mutex<IdentifySchedule>>);

impl IdentifyQueue {
    pub fn new(schedule: IdentifySchedule) -> Self {
        Self(Arc::new(Mutex::new(schedule)))
    }
}

impl Queue for IdentifyQueue {
    fn enqueue(&self, shard: u32) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        let at = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .reserve(shard, Instant::now());
        tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            let _ = tx.send(());
        });
        rx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const I: Duration = IDENTIFY_INTERVAL;

    fn schedule(budget: IdentifyBudget, shards: u32, now: Instant) -> IdentifySchedule {
        IdentifySchedule::new(budget, I, shards, now)
    }

    #[test]
    fn shards_of_one_bucket_identify_an_interval_apart() {
        let t0 = Instant::now();
        let mut s = schedule(IdentifyBudget::default(), 4, t0);
        let slots: Vec<Instant> = (0..4).map(|shard| s.reserve(shard, t0)).collect();
        assert_eq!(slots[0], t0);
        for pair in slots.windows(2) {
            assert!(pair[1] - pair[0] >= I, "{:?}", pair[1] - pair[0]);
        }
    }

    #[test]
    fn buckets_identify_side_by_side() {
        let t0 = Instant::now();
        let budget = IdentifyBudget {
            max_concurrency: 2,
            ..IdentifyBudget::default()
        };
        let mut s = schedule(budget, 4, t0);
        assert_eq!(s.reserve(0, t0), t0);
        assert_eq!(s.reserve(1, t0), t0);
        assert!(s.reserve(2, t0) >= t0 + I);
    }

    #[test]
    fn a_shard_whose_sessions_keep_ending_backs_off() {
        let t0 = Instant::now();
        let mut s = schedule(IdentifyBudget::default(), 1, t0);
        let mut at = s.reserve(0, t0);
        let mut gaps = Vec::new();
        for _ in 0..6 {
            // Each session ends a moment after it started.
            let next = s.reserve(0, at + Duration::from_millis(100));
            gaps.push(next - at);
            at = next;
        }
        // Doubling from one interval, up to the day's 1,000 identifies spread evenly (86.4 s).
        for (k, gap) in gaps.iter().enumerate() {
            let doubled = I * (1 << k);
            assert!(
                *gap >= doubled.min(Duration::from_secs(86)),
                "gap {k}: {gap:?}"
            );
            assert!(*gap <= doubled.max(Duration::from_millis(86_400)) + I / 20);
        }
        // A healthy session resets the backoff.
        let much_later = at + I * HEALTHY_INTERVALS;
        assert_eq!(s.reserve(0, much_later), much_later);
    }

    #[test]
    fn a_failing_shard_stays_within_the_daily_budget() {
        let t0 = Instant::now();
        let mut s = schedule(IdentifyBudget::default(), 1, t0);
        let mut at = s.reserve(0, t0);
        let mut identifies = 1;
        while at < t0 + DAY {
            at = s.reserve(0, at + Duration::from_millis(100));
            identifies += 1;
        }
        // Within the day's 1,000, with the last one landing at the reset or after.
        assert!(identifies <= 1001, "{identifies} identifies in a day");
        assert!(
            identifies > 500,
            "backed off far more than needed: {identifies}"
        );
    }

    #[test]
    fn a_spent_budget_waits_for_the_reset() {
        let t0 = Instant::now();
        let budget = IdentifyBudget {
            remaining: 0,
            reset_after: Duration::from_secs(3600),
            ..IdentifyBudget::default()
        };
        let mut s = schedule(budget, 1, t0);
        assert_eq!(s.reserve(0, t0), t0 + Duration::from_secs(3600));
    }

    /// Two processes, each with its own queue, running shards 0..2 and 2..4 of one bucket:
    /// their identifies, asked at the same moment, still come an interval apart.
    #[test]
    fn processes_sharing_a_bucket_take_turns() {
        let t0 = Instant::now();
        let wall = Duration::from_millis(1_700_000_000_321);
        let mut a = schedule(IdentifyBudget::default(), 4, t0).across_processes(wall, t0);
        let mut b = schedule(IdentifyBudget::default(), 4, t0).across_processes(wall, t0);
        let mut slots = vec![a.reserve(0, t0), a.reserve(1, t0)];
        slots.extend([b.reserve(2, t0), b.reserve(3, t0)]);
        slots.sort();
        for pair in slots.windows(2) {
            assert!(pair[1] - pair[0] >= I, "{:?}", pair[1] - pair[0]);
        }
        // Within one round of the four turns.
        assert!(slots[3] - t0 <= (I + I / 20) * 5 / 4 * 4);
    }

    #[test]
    fn fatal_codes_explain_themselves() {
        assert!(fatal_message(4011).is_some_and(|m| m.contains("--shard-total")));
        assert!(fatal_message(4004).is_some_and(|m| m.contains("token")));
        assert_eq!(fatal_message(4009), None);
        assert_eq!(fatal_message(4007), None);
    }
}
