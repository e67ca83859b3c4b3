//! The Discord simulator: one loopback port serving Discord's gateway (`/`), its REST API
//! (`/api/v10/...`) and a control API (`/_sim/...`) through which tests, the demo and the
//! benchmarks act as people (create guilds, click buttons, post messages) and inspect results.
//!
//! # Layout
//! - [`state`]: the in-memory world (users, guilds, channels, messages, interactions, gateway
//!   sessions) and its JSON renderings in the shapes twilight-model parses.
//! - [`gateway`]: the websocket (identify, READY, GUILD_CREATE, heartbeat, resume with replay).
//! - [`rest`]: `/api/v10` with Discord's validation, permissions, rate limits and recording.
//! - [`control`]: `/_sim` routes; [`client`]: the typed client of those routes.
//! - [`threads`]: thread creation, membership, archiving and visibility, for the bot and people.
//! - [`permissions`], [`validate`], [`ratelimit`], [`echo`] (what Discord fills in or drops of
//!   what a bot sent): pure rules, unit-tested on their own.
//!
//! Architecture Invariant: the world sits behind one std `Mutex` that is never held across an
//! `.await`; a REST request is one critical section, so answers and dispatches stay consistent.
//! Architecture Invariant: the simulator never calls out to the network; everything is loopback.

pub mod cdn;
pub mod client;
mod control;
pub mod echo;
pub mod error;
mod gateway;
pub mod intents;
pub mod permissions;
pub mod ratelimit;
mod rest;
mod state;
mod threads;
pub mod validate;

use std::collections::{BTreeMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::routing::{any, get};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use client::{
    ChannelPermissions, Faults, InteractionOutcome, NewMember, PrivilegedSwitches, SimClient,
    SimClientError, SimGuild, SimStats,
};
pub use ratelimit::RateLimitTable;

/// Whether the simulator enforces Discord's rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RateLimitMode {
    /// No limits and no rate-limit headers (benchmarks of the bot itself).
    Off,
    /// Per-route buckets and the global 50 req/s, answered with 429s like Discord.
    #[default]
    Discord,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub listen: SocketAddr,
    pub rate_limits: RateLimitMode,
    /// Append every REST exchange (not the control API) as one JSON line.
    pub record: Option<PathBuf>,
    /// `None` accepts any token; `Some` answers 401 (REST) or 4004 (gateway) to others.
    pub token: Option<String>,
    /// How long an interaction waits for its initial response before it fails.
    pub interaction_deadline: Duration,
    pub heartbeat_interval: Duration,
    /// The application's Message Content switch (off by default, as for a new application):
    /// without it REST blanks others' guild messages and identify may not ask for the intent.
    pub message_content: bool,
    /// The Server Members switch (on by default: the bot asks for GUILD_MEMBERS).
    pub server_members: bool,
    /// The Presence switch.
    pub presence: bool,
    /// Invalid requests (401, 403, 429 but shared) within ten minutes after which every request
    /// is refused until the window clears; Discord bans at 10,000. `None` only counts them.
    pub invalid_request_limit: Option<u32>,
    /// Identifies allowed per bucket per `identify_window` (`GET /gateway/bot`'s
    /// `max_concurrency`); more get Invalid Session.
    pub max_concurrency: u32,
    /// Discord's 5 s; tests shrink it (and tell the bot) to keep many shards quick.
    pub identify_window: Duration,
    /// Identifies per day (`session_start_limit.total`); past it every session ends with 4004.
    pub daily_identifies: u32,
    /// Guilds one shard may hold before its identify is closed with 4011 (Sharding Required).
    pub max_guilds_per_shard: usize,
    /// The application's name, which is also its bot user's username and its managed role's
    /// name in every guild, as Discord names them after a new application.
    pub app_name: String,
}

impl SimConfig {
    pub fn privileged_intents(&self) -> intents::PrivilegedIntents {
        intents::PrivilegedIntents {
            message_content: self.message_content,
            server_members: self.server_members,
            presence: self.presence,
        }
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            rate_limits: RateLimitMode::Discord,
            record: None,
            token: None,
            interaction_deadline: Duration::from_secs(3),
            heartbeat_interval: Duration::from_millis(41_250),
            message_content: false,
            server_members: true,
            presence: false,
            invalid_request_limit: None,
            max_concurrency: 1,
            identify_window: Duration::from_secs(5),
            daily_identifies: 1000,
            max_guilds_per_shard: 2500,
            app_name: "Ticketeer".into(),
        }
    }
}

/// Counters behind `GET /_sim/stats`.
#[derive(Debug, Default)]
struct Counters {
    per_route: BTreeMap<String, u64>,
    /// Answered 2xx: what Discord carried out (a 429'd post is no post).
    succeeded_per_route: BTreeMap<String, u64>,
    rate_limited_per_route: BTreeMap<String, u64>,
    total: u64,
    rate_limited: u64,
    invalid: u64,
    /// When recent invalid requests (401, 403, non-shared 429) were answered, oldest first.
    recent_invalid: VecDeque<Instant>,
}

/// The seeded "Staff" role's colour: its members' names show in it.
pub const STAFF_ROLE_COLOR: u32 = 0x1abc9c;

/// Discord's window for counting invalid requests.
const INVALID_WINDOW: Duration = Duration::from_secs(600);

fn prune_invalid(times: &mut VecDeque<Instant>, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= INVALID_WINDOW)
    {
        times.pop_front();
    }
}

/// Everything the routes share.
pub(crate) struct Shared {
    world: Mutex<state::World>,
    config: SimConfig,
    limits: RateLimitTable,
    limiter: Mutex<ratelimit::Limiter>,
    recorder: Option<Mutex<File>>,
    counters: Mutex<Counters>,
    faults: Mutex<Faults>,
    addr: SocketAddr,
    next_conn: AtomicU64,
    gateway: Mutex<gateway::GatewayBook>,
}

/// Locks a mutex, recovering from poisoning: a panicked request must not take the simulator down.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn world(&self) -> MutexGuard<'_, state::World> {
        lock(&self.world)
    }

    fn gateway_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn identify_limits(&self) -> gateway::IdentifyLimits {
        gateway::IdentifyLimits {
            max_concurrency: self.config.max_concurrency,
            window: self.config.identify_window,
            daily_total: self.config.daily_identifies,
            daily_window: Duration::from_secs(86_400),
        }
    }

    fn faults_snapshot(&self) -> Faults {
        lock(&self.faults).clone()
    }

    /// `shared_limit`: a 429 of a shared bucket, which Discord does not count as invalid.
    fn count(&self, key: &str, status: StatusCode, shared_limit: bool) {
        let mut c = lock(&self.counters);
        c.total += 1;
        if let Some(n) = c.per_route.get_mut(key) {
            *n += 1;
        } else {
            c.per_route.insert(key.to_string(), 1);
        }
        if status.is_success() {
            *c.succeeded_per_route.entry(key.to_string()).or_default() += 1;
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            c.rate_limited += 1;
            *c.rate_limited_per_route.entry(key.to_string()).or_default() += 1;
        }
        if matches!(status.as_u16(), 401 | 403 | 429) && !shared_limit {
            c.invalid += 1;
            let now = Instant::now();
            c.recent_invalid.push_back(now);
            prune_invalid(&mut c.recent_invalid, now);
        }
    }

    /// With `invalid_request_limit` set and reached, the 429 every request gets until old invalid
    /// requests leave the ten-minute window (Discord bans the IP for a while instead).
    fn invalid_request_ban(&self) -> Option<ratelimit::BucketInfo> {
        let limit = self.config.invalid_request_limit?;
        let mut c = lock(&self.counters);
        let now = Instant::now();
        prune_invalid(&mut c.recent_invalid, now);
        if c.recent_invalid.len() < limit as usize {
            return None;
        }
        let oldest = *c.recent_invalid.front()?;
        let wait = INVALID_WINDOW.saturating_sub(now.duration_since(oldest));
        Some(ratelimit::BucketInfo::refusal(
            "invalid-requests",
            limit,
            wait.as_secs_f64(),
        ))
    }

    fn record(
        &self,
        method: &Method,
        path: &str,
        status: u16,
        request: &Value,
        response: Option<&Value>,
    ) {
        let Some(rec) = &self.recorder else { return };
        let line = json!({
            "method": method.as_str(),
            "path": path,
            "status": status,
            "request": if request.is_null() { None } else { Some(request) },
            "response": response,
        });
        // One write per record, newline included: several simulators (tests run in parallel)
        // append to one file, and a record split over two writes could be torn by another's.
        let record = format!("{line}\n");
        // A full disk must not fail the request being answered; the recording is best effort.
        if lock(rec).write_all(record.as_bytes()).is_err() {
            tracing::warn!("sim: could not append to the recording");
        }
    }

    fn stats_json(&self) -> Value {
        let mut c = lock(&self.counters);
        prune_invalid(&mut c.recent_invalid, Instant::now());
        let gw = gateway::stats(self);
        let w = self.world();
        let mut v = json!({
            "requests_per_route": c.per_route,
            "succeeded_per_route": c.succeeded_per_route,
            "rate_limited_per_route": c.rate_limited_per_route,
            "total_requests": c.total,
            "rate_limited": c.rate_limited,
            "invalid_requests": c.invalid,
            "invalid_requests_last_10_min": c.recent_invalid.len(),
            "gateway_sessions": w.gateway_sessions,
            "gateway_resumes": w.gateway_resumes,
            "interactions_failed": w.interactions_failed,
            "interactions": w.interactions.len(),
            "guilds": w.guilds.len(),
            "channels": w.channels.len(),
            "messages": w.messages.len(),
        });
        if let (Some(v), Value::Object(gw)) = (v.as_object_mut(), gw) {
            v.extend(gw);
        }
        v
    }
}

/// A running simulator. Dropping it leaves the server running until the runtime ends; call
/// [`SimHandle::shutdown`] to stop it.
pub struct SimHandle {
    shared: Arc<Shared>,
    /// Tells the server to stop accepting and finish.
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
}

/// Ids of a guild made by [`SimHandle::seed_guild`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededGuild {
    pub guild_id: u64,
    pub owner_id: u64,
    pub staff_role_id: u64,
    pub staff_id: u64,
    pub member_ids: Vec<u64>,
    pub general_channel_id: u64,
}

/// Starts the simulator on `config.listen` with the default rate-limit table.
pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
    start_with_limits(config, RateLimitTable::default()).await
}

/// Starts the simulator with a custom rate-limit table.
pub async fn start_with_limits(
    config: SimConfig,
    limits: RateLimitTable,
) -> std::io::Result<SimHandle> {
    // reqwest and twilight need a process-wide rustls provider even for plain http.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let recorder = match &config.record {
        Some(path) => {
            let f = OpenOptions::new().create(true).append(true).open(path)?;
            Some(Mutex::new(f))
        }
        None => None,
    };
    let mut world = state::World::new(format!("http://{addr}"));
    world.app_flags = config.privileged_intents().flags();
    world.set_app_name(&config.app_name);
    let shared = Arc::new(Shared {
        world: Mutex::new(world),
        config,
        limits,
        limiter: Mutex::new(ratelimit::Limiter::default()),
        recorder,
        counters: Mutex::new(Counters::default()),
        faults: Mutex::new(Faults::default()),
        addr,
        next_conn: AtomicU64::new(1),
        gateway: Mutex::new(gateway::GatewayBook::default()),
    });
    let app = Router::new()
        .route("/", get(gateway::upgrade))
        .route("/api/v10/{*rest}", any(rest::handle))
        .merge(control::routes())
        .merge(cdn::routes())
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"code": 0, "message": "404: Not Found"})),
            )
        })
        .layer(DefaultBodyLimit::max(validate::REQUEST_SIZE_MAX))
        .with_state(shared.clone());
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stop_rx.await;
        });
        if let Err(e) = serve.await {
            tracing::warn!("sim server stopped: {e}");
        }
    });
    tracing::info!(%addr, "discord simulator listening");
    Ok(SimHandle {
        shared,
        stop: Some(stop_tx),
        server,
    })
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// `http://127.0.0.1:P`: the control API base (REST lives under `/api/v10` on the same port).
    pub fn http_url(&self) -> String {
        self.shared.http_url()
    }

    /// `ws://127.0.0.1:P`, no trailing slash (what twilight's `proxy_url` wants).
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url()
    }

    pub fn client(&self) -> SimClient {
        SimClient::new(&self.http_url())
    }

    /// The application id, which is also the bot user's id.
    pub fn application_id(&self) -> u64 {
        self.shared.world().app_id
    }

    /// Makes a guild with an owner, a "Staff" role (coloured [`STAFF_ROLE_COLOR`]) with one staff member, `members` ordinary
    /// members and a #general channel.
    pub async fn seed_guild(&self, members: usize) -> SeededGuild {
        let mut w = self.shared.world();
        let (guild_id, owner_id, _) = w.create_guild("Seeded Guild", None);
        let staff_role_id = control::create_role(
            &mut w,
            guild_id,
            "Staff",
            permissions::bits::MANAGE_MESSAGES
                | permissions::bits::PIN_MESSAGES
                | permissions::bits::KICK_MEMBERS,
            STAFF_ROLE_COLOR,
        )
        .unwrap_or(0);
        let staff_id =
            control::add_member(&mut w, guild_id, "staff", &[staff_role_id], false, true)
                .unwrap_or(0);
        let member_ids = (0..members)
            .filter_map(|i| {
                control::add_member(&mut w, guild_id, &format!("member{i}"), &[], false, true).ok()
            })
            .collect();
        let general_channel_id = w.new_channel(guild_id, "general", 0, None, None, Vec::new());
        SeededGuild {
            guild_id,
            owner_id,
            staff_role_id,
            staff_id,
            member_ids,
            general_channel_id,
        }
    }

    /// Closes gateway connections, stops the server and flushes the recording.
    pub async fn shutdown(mut self) {
        gateway::drop_all(&self.shared);
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if tokio::time::timeout(Duration::from_secs(2), &mut self.server)
            .await
            .is_err()
        {
            self.server.abort();
        }
    }
}

/// `ticketeer sim`: serves until ctrl-c, printing the addresses a bot should use.
pub async fn run_standalone(config: SimConfig, seed_guild: bool) -> std::io::Result<()> {
    let sim = start(config).await?;
    println!("Discord simulator listening on {}", sim.addr());
    println!("  gateway:     {}", sim.gateway_url());
    println!("  REST:        {}/api/v10", sim.http_url());
    println!("  control API: {}/_sim", sim.http_url());
    println!("  application/bot user id: {}", sim.application_id());
    if seed_guild {
        let g = sim.seed_guild(3).await;
        println!("seeded guild {}", g.guild_id);
        println!("  owner:        {}", g.owner_id);
        println!("  staff role:   {}", g.staff_role_id);
        println!("  staff member: {}", g.staff_id);
        let members: Vec<String> = g.member_ids.iter().map(u64::to_string).collect();
        println!("  members:      {}", members.join(", "));
        println!("  #general:     {}", g.general_channel_id);
    }
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
