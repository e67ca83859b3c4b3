//! The root supervisor and the [`Bot`] handle that starts and stops the whole tree.
//!
//! # Messages ([`RootMsg`])
//! - `Shutdown` ([`Bot::shutdown`]): in order — close the gateway with a resumable close (no new
//!   interactions), drain the router and every guild and ticket actor, flush the store — then
//!   reply and stop.
//! - `RespawnShard` (internal): restart a failed shard actor after its backoff.
//! - `InjectShardFailure` (fault hook): make a shard actor fail.
//!
//! The root supervises the router and the shard actors; a failed one is logged and restarted
//! with backoff (the router from the store, a shard by resuming its session, or identifying
//! through the process's one identify queue when the session is gone).

use std::{collections::HashMap, path::PathBuf, sync::Arc, time::Duration};

use ractor::{Actor, ActorCell, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use tokio::{sync::watch, task::JoinHandle};
use tracing::{info, warn};
use twilight_gateway::ShardId;

use crate::{
    discord::{Discord, DiscordError},
    domain::{deadline::Deadline, model::Snowflake},
    store::{Durability, Store, StoreConfig, StoreError},
    transcript_upload::TranscriptUploader,
    web::{Keyring, LinkKey, Links, Metrics, ReadyCheck, WebConfig, WebServer, server::WebState},
};

use super::{
    BotContext, FaultHooks, Services,
    clock::{self, Clock, ClockArgs, ClockHandle, DeadlineSink, SystemClock},
    commands,
    router::{RouterActor, RouterArgs, RouterMsg, RouterStatus},
    shard::{
        GatewayFatal, IDENTIFY_INTERVAL, IdentifyBudget, IdentifyQueue, IdentifySchedule,
        SessionKeeper, ShardActor, ShardArgs, ShardMsg,
    },
};

use super::backoff::Backoff;

/// How long a shutdown may spend finishing queued work, for the whole tree: one deadline, set
/// once and handed down, within which every guild drains at the same time. Inside the 90 s a
/// service manager usually allows a stop, with room for the store's last flush.
pub const DRAIN_BUDGET: Duration = Duration::from_secs(60);

/// The first restart delay of a failed shard actor (it resumes its session, within the
/// identify budget).
const SHARD_RESTART: Duration = Duration::from_millis(250);

/// How to run the bot.
#[derive(Debug, Clone)]
pub struct BotConfig {
    pub token: String,
    /// `http://127.0.0.1:PORT` of a simulator; `None` talks to Discord.
    pub api_base: Option<String>,
    /// `ws://127.0.0.1:PORT` of a simulator's gateway; `None` uses Discord's.
    pub gateway_url: Option<String>,
    pub data_dir: PathBuf,
    /// The shard ids this process runs, out of `shard_total`.
    pub shards: Vec<u32>,
    pub shard_total: u32,
    /// twilight's client-side limiter (Discord's 50 req/s). Off only against a simulator.
    pub ratelimiter: bool,
    pub durability: Durability,
    /// Discord's spacing of identifies per bucket (5 s); tests against a simulator configured
    /// with a shorter window lower it to match.
    pub identify_interval: Duration,
    /// The bot's global REST budget in requests per second, for all its processes together
    /// (Discord's 50 unless Discord raised it); this process paces its shards' share of it
    /// (`domain::sharding::rest_share`).
    pub rest_budget: u32,
    /// `--transcript-upload`: a paste service each closed ticket's HTML transcript is POSTed to.
    pub transcript_upload: Option<String>,
    /// Tickets one guild provisions at once; more clicks wait in line (see `actors::line`).
    pub provision_window: usize,
    /// How long one REST request may take (twilight's default is 10 s); the latency tests
    /// lower it.
    pub request_timeout: Duration,
    /// Bytes of transcript files one upload may carry (Discord's limit; tests lower it to
    /// reach the cut without megabytes of messages).
    pub upload_budget: usize,
    /// `--http`: the web side (transcript pages, stats, metrics, health); off when `None`.
    pub web: Option<crate::web::WebConfig>,
    /// `--retain-transcripts`: days a closed ticket's transcript is kept; forever when `None`.
    pub retain_transcripts: Option<u64>,
    /// The time deadlines (inactivity warnings and closes) are measured in: the system clock,
    /// or a `ManualClock` tests move (then `Bot::clock().check()` makes the bot look again).
    pub clock: Arc<dyn Clock>,
}

impl BotConfig {
    /// A configuration for running against a simulator at `http_url` / `gateway_url`.
    pub fn for_simulator(http_url: &str, gateway_url: &str, data_dir: PathBuf) -> Self {
        BotConfig {
            token: "simulated-token".into(),
            api_base: Some(http_url.to_owned()),
            gateway_url: Some(gateway_url.to_owned()),
            data_dir,
            shards: vec![0],
            shard_total: 1,
            ratelimiter: true,
            durability: Durability::Immediate,
            identify_interval: IDENTIFY_INTERVAL,
            rest_budget: crate::discord::global_pace::LIMIT as u32,
            transcript_upload: None,
            request_timeout: crate::discord::DEFAULT_REQUEST_TIMEOUT,
            provision_window: super::line::DEFAULT_WINDOW,
            upload_budget: crate::domain::transcript::UPLOAD_BUDGET,
            web: None,
            retain_transcripts: None,
            clock: Arc::new(SystemClock),
        }
    }

    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join("ticketeer.redb")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error(
        "Discord refused the bot token (401). Check DISCORD_TOKEN or --token-file; the bot will not retry."
    )]
    Unauthorized,
    #[error("could not reach Discord at start: {0}")]
    Discord(DiscordError),
    #[error("could not start the actor tree: {0}")]
    Spawn(String),
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("the web server cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

pub enum RootMsg {
    Shutdown(RpcReplyPort<()>),
    RespawnShard { shard: u32 },
    InjectShardFailure { shard: u32 },
    Status(RpcReplyPort<Option<ActorRef<RouterMsg>>>),
}

/// Hands due deadlines to the router of the moment, and holds them while there is none (before
/// the router runs at start, while a failed one is replaced): the clock fires overdue deadlines
/// as soon as it has loaded them.
#[derive(Default)]
pub struct RouterSlot(std::sync::Mutex<(Option<ActorRef<RouterMsg>>, Vec<Deadline>)>);

impl RouterSlot {
    fn set(&self, router: ActorRef<RouterMsg>) {
        let Ok(mut slot) = self.0.lock() else { return };
        for deadline in std::mem::take(&mut slot.1) {
            let _ = router.cast(RouterMsg::DeadlineDue(deadline));
        }
        slot.0 = Some(router);
    }
}

impl DeadlineSink for RouterSlot {
    fn due(&self, deadline: Deadline, _clock: &ClockHandle) {
        let Ok(mut slot) = self.0.lock() else { return };
        let sent = slot
            .0
            .as_ref()
            .is_some_and(|router| router.cast(RouterMsg::DeadlineDue(deadline)).is_ok());
        if !sent {
            slot.1.push(deadline);
        }
    }
}

pub struct RootArgs {
    slot: Arc<RouterSlot>,
    ctx: BotContext,
    config: BotConfig,
    preloaded: HashMap<Snowflake, crate::store::GuildSnapshot>,
    gateway: GatewayShared,
}

/// What every shard of the process shares.
#[derive(Clone)]
struct GatewayShared {
    queue: IdentifyQueue,
    sessions: SessionKeeper,
    fatal: watch::Sender<Option<GatewayFatal>>,
    /// Guilds waiting for a GUILD_CREATE, counted by the router, read by the shards.
    awaited: Arc<std::sync::atomic::AtomicUsize>,
}

pub struct RootState {
    slot: Arc<RouterSlot>,
    ctx: BotContext,
    config: BotConfig,
    gateway: GatewayShared,
    router: Option<ActorRef<RouterMsg>>,
    shards: HashMap<u32, ActorRef<ShardMsg>>,
    shard_cells: HashMap<ractor::ActorId, u32>,
    failures: HashMap<u32, Backoff>,
    stopping: bool,
}

pub struct RootActor;

impl Actor for RootActor {
    type Msg = RootMsg;
    type State = RootState;
    type Arguments = RootArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: RootArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        let (router, _) = Actor::spawn_linked(
            None,
            RouterActor,
            RouterArgs {
                ctx: args.ctx.clone(),
                preloaded: args.preloaded,
                awaited: args.gateway.awaited.clone(),
            },
            myself.get_cell(),
        )
        .await?;
        args.slot.set(router.clone());
        let mut state = RootState {
            slot: args.slot,
            ctx: args.ctx,
            config: args.config,
            gateway: args.gateway,
            router: Some(router),
            shards: HashMap::new(),
            shard_cells: HashMap::new(),
            failures: HashMap::new(),
            stopping: false,
        };
        for shard in state.config.shards.clone() {
            state.spawn_shard(&myself, shard).await?;
        }
        Ok(state)
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            RootMsg::Shutdown(reply) => {
                state.stopping = true;
                info!("shutting down: closing the gateway");
                for shard in state.shards.values() {
                    let _ = shard.cast(ShardMsg::Close);
                }
                if let Some(router) = &state.router {
                    info!("shutting down: draining guild and ticket actors");
                    let deadline = tokio::time::Instant::now() + DRAIN_BUDGET;
                    let drained = router
                        .call(
                            |reply| RouterMsg::Drain { deadline, reply },
                            Some(DRAIN_BUDGET),
                        )
                        .await;
                    if !matches!(drained, Ok(ractor::rpc::CallResult::Success(()))) {
                        warn!("the router did not drain by the shutdown deadline");
                    }
                    router.stop(Some("shutdown".into()));
                }
                info!("shutting down: flushing the store");
                if let Err(error) = state.ctx.store.flush().await {
                    warn!(%error, "store flush failed at shutdown");
                }
                let _ = reply.send(());
                myself.stop(Some("shutdown".into()));
            }
            RootMsg::RespawnShard { shard } => {
                // A router restart meanwhile may have started it already: one connection each.
                if !state.stopping && !state.shards.contains_key(&shard) {
                    state.spawn_shard(&myself, shard).await?;
                }
            }
            RootMsg::InjectShardFailure { shard } => {
                if let Some(actor) = state.shards.get(&shard) {
                    let _ = actor.cast(ShardMsg::InjectFailure);
                }
            }
            RootMsg::Status(reply) => {
                let _ = reply.send(state.router.clone());
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorTerminated(cell, _, _) => {
                if let Some(shard) = state.shard_cells.remove(&cell.get_id()) {
                    // A replacement may already run under this shard id.
                    if state
                        .shards
                        .get(&shard)
                        .is_some_and(|a| a.get_id() == cell.get_id())
                    {
                        state.shards.remove(&shard);
                    }
                }
            }
            SupervisionEvent::ActorFailed(cell, error) => {
                if let Some(shard) = state.shard_cells.remove(&cell.get_id()) {
                    state.shards.remove(&shard);
                    let backoff = state
                        .failures
                        .entry(shard)
                        .or_insert(Backoff::new(SHARD_RESTART))
                        .fail(std::time::Instant::now());
                    warn!(shard, %error, ?backoff, "shard actor failed; restarting");
                    let me = myself.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(backoff).await;
                        let _ = me.cast(RootMsg::RespawnShard { shard });
                    });
                } else if state
                    .router
                    .as_ref()
                    .is_some_and(|r| r.get_id() == cell.get_id())
                {
                    // The router holds no durable state: a fresh one rebuilds guild actors from
                    // the store as events arrive.
                    warn!(%error, "router failed; restarting");
                    cell.stop_children_and_wait(None, Some(Duration::from_secs(5)))
                        .await;
                    let preloaded = match state.ctx.store.load_all().await {
                        Ok(all) => all.into_iter().collect(),
                        Err(error) => {
                            warn!(%error, "could not reload guilds for the new router");
                            HashMap::new()
                        }
                    };
                    let (router, _) = Actor::spawn_linked(
                        None,
                        RouterActor,
                        RouterArgs {
                            ctx: state.ctx.clone(),
                            preloaded,
                            awaited: state.gateway.awaited.clone(),
                        },
                        myself.get_cell(),
                    )
                    .await?;
                    state.router = Some(router.clone());
                    state.slot.set(router.clone());
                    // Shards cast to the router they were given: restart them onto the new one.
                    // Waited for, so each leaves its session behind for its successor to resume.
                    for (_, shard) in state.shards.drain() {
                        state.shard_cells.remove(&shard.get_id());
                        let _ = shard
                            .stop_and_wait(
                                Some("router restarted".into()),
                                Some(Duration::from_secs(3)),
                            )
                            .await;
                    }
                    for shard in state.config.shards.clone() {
                        state.spawn_shard(&myself, shard).await?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl RootState {
    async fn spawn_shard(
        &mut self,
        myself: &ActorRef<RootMsg>,
        shard: u32,
    ) -> Result<(), ActorProcessingErr> {
        let Some(router) = self.router.clone() else {
            return Ok(());
        };
        let args = ShardArgs {
            id: ShardId::new(shard, self.config.shard_total),
            token: self.config.token.clone(),
            gateway_url: self.config.gateway_url.clone(),
            router,
            intents: super::shard::intents(crate::domain::privileged::server_members(
                self.ctx.discord.app_flags(),
            )),
            queue: self.gateway.queue.clone(),
            sessions: self.gateway.sessions.clone(),
            fatal: self.gateway.fatal.clone(),
            awaited: self.gateway.awaited.clone(),
        };
        let (actor, _) = Actor::spawn_linked(None, ShardActor, args, myself.get_cell()).await?;
        self.shard_cells.insert(actor.get_id(), shard);
        self.shards.insert(shard, actor);
        Ok(())
    }
}

/// A running bot: the handle `main`, the demo, the tests and the benchmarks hold.
pub struct Bot {
    clock_join: JoinHandle<()>,
    root: ActorRef<RootMsg>,
    root_join: JoinHandle<()>,
    router: ActorRef<RouterMsg>,
    ctx: BotContext,
    fatal: watch::Receiver<Option<GatewayFatal>>,
    web: Option<WebServer>,
    /// `--retain-transcripts`' schedule.
    pruner: Option<JoinHandle<()>>,
}

pub use crate::discord::install_crypto_provider;

/// The configuration errors found before anything is opened or connected.
fn check_config(config: &BotConfig) -> Result<(), StartError> {
    if config.shards.is_empty() || config.shards.iter().any(|s| *s >= config.shard_total) {
        return Err(StartError::Config(format!(
            "shard ids {:?} must be below the shard total {}",
            config.shards, config.shard_total
        )));
    }
    if !config.ratelimiter && config.api_base.is_none() {
        return Err(StartError::Config(
            "the client-side rate limiter can only be switched off against a simulator (--discord-api)".into(),
        ));
    }
    Ok(())
}

/// The REST client pacing this process's share of the bot's global budget, with the bot's
/// commands registered by the process holding shard 0 and checked by the others (a refused
/// token is its own error).
async fn connect_discord(config: &BotConfig) -> Result<Discord, StartError> {
    let part = crate::domain::sharding::BotPart {
        shards: config.shards.clone(),
        total: config.shard_total,
        budget: config.rest_budget,
    };
    let share = part.rest_share();
    if part.starved() {
        warn!(
            budget = config.rest_budget,
            shard_total = config.shard_total,
            "the bot has more shards than requests per second in its REST budget: this process \
             sends one request per window, and all processes together may exceed the budget; \
             ask Discord for a higher global limit and set --rest-budget"
        );
    }
    info!(
        share,
        budget = config.rest_budget,
        "this process's share of the global REST budget"
    );
    let discord = Discord::connect_with_timeout(
        &config.token,
        config.api_base.as_deref(),
        config.ratelimiter,
        config.request_timeout,
        &part,
    )
    .await
    .map_err(|e| match e {
        DiscordError::Unauthorized | DiscordError::Api { status: 401, .. } => {
            StartError::Unauthorized
        }
        other => StartError::Discord(other),
    })?;
    let wanted = [commands::ticket_command(), commands::tickets_command()];
    let unauthorized = |e| match e {
        DiscordError::Unauthorized => StartError::Unauthorized,
        other => StartError::Discord(other),
    };
    if config.shards.contains(&0) {
        discord
            .register_global_commands(&wanted)
            .await
            .map_err(unauthorized)?;
    } else {
        // One process registers (the one with shard 0): a set sent by many at once is many
        // writes of the same thing in Discord's commands bucket.
        let have = discord.global_command_names().await.map_err(unauthorized)?;
        let missing: Vec<&str> = wanted
            .iter()
            .map(|c| c.name.as_str())
            .filter(|name| !have.iter().any(|h| h == name))
            .collect();
        if missing.is_empty() {
            info!("the bot's commands are registered");
        } else {
            warn!(
                ?missing,
                "commands not registered yet: the process running shard 0 registers them \
                 when it starts"
            );
        }
    }
    Ok(discord)
}

impl Bot {
    pub async fn start(config: BotConfig) -> Result<Bot, StartError> {
        install_crypto_provider();
        check_config(&config)?;
        let transcript_upload = uploader(&config)?;
        let store_config = StoreConfig {
            path: config.store_path(),
            durability: config.durability,
        };
        let store = tokio::task::spawn_blocking(move || Store::open(store_config))
            .await
            .map_err(|e| StartError::Spawn(e.to_string()))??;

        let discord = connect_discord(&config).await?;

        warn_about_privileged_intents(&discord);
        let preloaded: HashMap<_, _> = store.load_all().await?.into_iter().collect();
        info!(
            guilds = preloaded.len(),
            bot = discord.bot_user_id(),
            "store loaded"
        );
        let gateway = gateway_shared(&discord, &config).await;
        let fatal = gateway.fatal.subscribe();
        let config_retain = config.retain_transcripts;
        let metrics = Arc::new(Metrics::new(Some(store.clone())));
        discord.attach_metrics(metrics.clone());
        let ready = Arc::new(std::sync::OnceLock::new());
        let web = match &config.web {
            Some(web) => Some(start_web(web, &store, &metrics, &ready).await?),
            None => None,
        };
        let slot = Arc::new(RouterSlot::default());
        let (clock, clock_join) = clock::spawn(ClockArgs {
            store: store.clone(),
            clock: config.clock.clone(),
            sink: slot.clone(),
        })
        .await
        .map_err(|e| StartError::Spawn(e.to_string()))?;
        let ctx = BotContext::new(Services {
            clock,
            time: config.clock.clone(),
            discord,
            store,
            faults: Arc::new(FaultHooks::default()),
            transcript_upload,
            provision_window: config.provision_window,
            upload_budget: config.upload_budget,
            links: web.as_ref().map(|(_, links)| links.clone()),
            keep: config.web.as_ref().map(|w| w.keep).unwrap_or_default(),
            metrics,
        });
        let (root, root_join) = Actor::spawn(
            None,
            RootActor,
            RootArgs {
                slot,
                ctx: ctx.clone(),
                config,
                preloaded,
                gateway,
            },
        )
        .await
        .map_err(|e| StartError::Spawn(e.to_string()))?;
        let router = ractor::call_t!(root, RootMsg::Status, 5_000)
            .map_err(|e| StartError::Spawn(e.to_string()))?
            .ok_or_else(|| StartError::Spawn("router missing".into()))?;
        let _ = ready.set(gateway_ready_check(root.clone()));
        let pruner =
            config_retain.map(|days| crate::retention::spawn_schedule(ctx.store.clone(), days));
        Ok(Bot {
            clock_join,
            root,
            root_join,
            router,
            ctx,
            fatal,
            web: web.map(|(server, _)| server),
            pruner,
        })
    }

    /// Where the web server listens, when `--http` is on.
    pub fn web_addr(&self) -> Option<std::net::SocketAddr> {
        self.web.as_ref().map(WebServer::local_addr)
    }

    /// The link maker, when `--http` is on.
    pub fn links(&self) -> Option<&Links> {
        self.ctx.links.as_ref()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.ctx.metrics
    }

    /// Resolves once Discord closed a shard with a code it cannot recover from (a reset token,
    /// sharding required); the process should stop and say why.
    pub async fn gateway_fatal(&self) -> GatewayFatal {
        let mut fatal = self.fatal.clone();
        match fatal.wait_for(Option::is_some).await {
            Ok(f) => f.unwrap_or(GatewayFatal { shard: 0, code: 0 }),
            // The root is gone, and with it every shard: nothing fatal will come.
            Err(_) => std::future::pending().await,
        }
    }

    /// Fault hook: the shard actor fails as a bug would, and the root restarts it.
    pub fn inject_shard_failure(&self, shard: u32) {
        let _ = self.root.cast(RootMsg::InjectShardFailure { shard });
    }

    pub fn faults(&self) -> &FaultHooks {
        &self.ctx.faults
    }

    pub fn store(&self) -> &Store {
        &self.ctx.store
    }

    pub fn discord(&self) -> &Discord {
        &self.ctx.discord
    }

    async fn current_router(&self) -> ActorRef<RouterMsg> {
        ractor::call_t!(self.root, RootMsg::Status, 5_000)
            .ok()
            .flatten()
            .unwrap_or_else(|| self.router.clone())
    }

    pub async fn status(&self) -> Option<RouterStatus> {
        let router = self.current_router().await;
        ractor::call_t!(router, RouterMsg::Status, 5_000).ok()
    }

    /// Waits until every shard got READY and `guilds` guild actors run.
    pub async fn wait_ready(&self, guilds: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.status().await
                && status.ready_shards > 0
                && status.guilds.len() >= guilds
            {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts every known guild's actor now instead of on first need (benchmarks).
    pub async fn wake_all_guilds(&self) {
        let _ = self.current_router().await.cast(RouterMsg::WakeAllGuilds);
    }

    /// Benchmarks: starts the actor of every ticket of every running guild actor (they
    /// otherwise start on first use); returns how many run.
    pub async fn wake_all_tickets(&self) -> usize {
        let router = self.current_router().await;
        match router.call(RouterMsg::WakeAllTickets, None).await {
            Ok(ractor::rpc::CallResult::Success(n)) => n,
            _ => 0,
        }
    }

    pub async fn inject_guild_panic(&self, guild: Snowflake) {
        let _ = self
            .current_router()
            .await
            .cast(RouterMsg::InjectGuildPanic { guild });
    }

    pub async fn inject_ticket_panic(&self, guild: Snowflake, number: u64) {
        let _ = self
            .current_router()
            .await
            .cast(RouterMsg::InjectTicketPanic { guild, number });
    }

    /// Graceful stop: nothing acknowledged is lost.
    pub async fn shutdown(self) {
        // The drain's budget, and time for the store's last flush after it.
        let _ = ractor::call_t!(
            self.root,
            RootMsg::Shutdown,
            (DRAIN_BUDGET + Duration::from_secs(15)).as_millis() as u64
        );
        let _ = self.root_join.await;
        if let Some(pruner) = self.pruner {
            pruner.abort();
        }
        if let Some(web) = self.web {
            web.stop().await;
        }
        self.ctx.clock.actor().stop(None);
        let _ = self.clock_join.await;
        release_store(self.ctx).await;
    }

    /// The process's one timer (tests move a `ManualClock`, then call `check` on it).
    pub fn clock(&self) -> &ClockHandle {
        &self.ctx.clock
    }

    /// Emulates a crash: every actor is killed where it stands, nothing is drained or flushed.
    /// The store is then closed so a new bot can open the same file in this process.
    pub async fn crash(self) {
        kill_tree(&self.root.get_cell());
        let _ = self.root_join.await;
        if let Some(pruner) = self.pruner {
            pruner.abort();
        }
        if let Some(web) = self.web {
            web.stop().await;
        }
        self.ctx.clock.actor().kill();
        let _ = self.clock_join.await;
        release_store(self.ctx).await;
    }
}

fn kill_tree(cell: &ActorCell) {
    for child in cell.get_children() {
        kill_tree(&child);
    }
    cell.kill();
}

/// Drops this handle's store reference and waits for the writer thread to release the file, so a
/// new bot can open the same path in this process (tests restart bots in-process).
async fn release_store(ctx: BotContext) {
    let store = ctx.store.clone();
    drop(ctx);
    store.close().await;
}

fn uploader(config: &BotConfig) -> Result<Option<TranscriptUploader>, StartError> {
    config
        .transcript_upload
        .as_deref()
        .map(TranscriptUploader::new)
        .transpose()
        .map_err(|e| StartError::Config(e.to_string()))
}

/// Binds `--http`, takes (or makes, at first start) the link-signing key from the store and
/// starts serving. Bound before the actors start, so the links they hand out carry the port.
async fn start_web(
    config: &WebConfig,
    store: &Store,
    metrics: &Arc<Metrics>,
    ready: &Arc<std::sync::OnceLock<ReadyCheck>>,
) -> Result<(WebServer, Links), StartError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen {
        addr: config.listen,
        source,
    })?;
    let stored = store
        .link_key_or_insert(LinkKey::generate().as_bytes().to_vec())
        .await?;
    let key = LinkKey::from_bytes(&stored).ok_or_else(|| {
        StartError::Config("the stored link key is damaged; run `ticketeer keys rotate`".into())
    })?;
    let public_url = match &config.public_url {
        Some(url) => {
            crate::web::check_public_url(url).map_err(|e| StartError::Config(e.to_string()))?
        }
        None => format!("http://{addr}"),
    };
    let links = Links::new(key.clone(), &public_url, config.link_ttl);
    let earlier = store.earlier_link_keys().await?;
    let earlier = earlier
        .iter()
        .filter_map(|k| LinkKey::from_bytes(k))
        .collect();
    let state = WebState {
        store: store.clone(),
        keys: Keyring::new(key, earlier),
        metrics: metrics.clone(),
        ready: ready.clone(),
        pages: crate::web::page_cache::PageCache::new(crate::web::server::PAGE_CACHE_BYTES),
    };
    let server = WebServer::start(listener, state).map_err(|source| StartError::Listen {
        addr: config.listen,
        source,
    })?;
    info!(%addr, %public_url, "web server listening");
    Ok((server, links))
}

/// `/readyz`'s gateway half: some shard has its READY.
fn gateway_ready_check(root: ActorRef<RootMsg>) -> ReadyCheck {
    Arc::new(move || {
        let root = root.clone();
        Box::pin(async move {
            let Ok(Some(router)) = ractor::call_t!(root, RootMsg::Status, 2_000) else {
                return false;
            };
            ractor::call_t!(router, RouterMsg::Status, 2_000)
                .is_ok_and(|status| status.ready_shards > 0)
        })
    })
}

/// One clear warning per privileged intent the application lacks, at start: what stops working
/// and where to switch it on.
fn warn_about_privileged_intents(discord: &Discord) {
    use crate::domain::privileged;
    let flags = discord.app_flags();
    if !privileged::message_content(flags) {
        warn!("{}", privileged::message_content_off_note());
    }
    if !privileged::server_members(flags) {
        warn!("{}", privileged::server_members_off_note());
    }
}

/// The identify queue, built from `GET /gateway/bot`'s budget (Discord's defaults if it cannot
/// be read), the session keeper and the fatal-close signal every shard shares.
async fn gateway_shared(discord: &Discord, config: &BotConfig) -> GatewayShared {
    let budget = match discord.session_start_limit().await {
        Ok(limit) => IdentifyBudget {
            max_concurrency: u32::from(limit.max_concurrency),
            remaining: limit.remaining,
            reset_after: Duration::from_millis(limit.reset_after),
            total: limit.total,
        },
        Err(error) => {
            warn!(%error, "could not read the identify budget; assuming Discord's defaults");
            IdentifyBudget::default()
        }
    };
    info!(
        max_concurrency = budget.max_concurrency,
        remaining = budget.remaining,
        total = budget.total,
        "identify budget"
    );
    let now = tokio::time::Instant::now();
    let mut schedule =
        IdentifySchedule::new(budget, config.identify_interval, config.shard_total, now);
    if config.shards.len() < config.shard_total as usize {
        // Other processes run shards of the same buckets: take turns with them.
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        schedule = schedule.across_processes(wall, now);
    }
    GatewayShared {
        queue: IdentifyQueue::new(schedule),
        sessions: SessionKeeper::default(),
        fatal: watch::channel(None).0,
        awaited: Arc::default(),
    }
}
