//! The router: the one place gateway events become the bot's messages.
//!
//! # Messages ([`RouterMsg`])
//! - `Gateway` (shard actors): one gateway event. Interactions go to their guild actor (spawned on
//!   first need, or at GUILD_CREATE); DMs are answered here; a duplicate interaction id (a replay
//!   after resume) is dropped.
//! - `Status` (root, tests): readiness and guild count.
//! - `Drain` (root, shutdown): stop taking interactions and drain every guild actor.
//! - `InjectGuildPanic`, `InjectTicketPanic`: fault hooks.
//! - `RespawnGuild` (internal): restart a failed guild actor from the store after its backoff.
//! - `DeadlineDue` (the clock, through `root::RouterSlot`): a ticket's deadline passed; its
//!   guild actor is started if it is not running.
//!
//! MESSAGE_CREATE (GUILD_MESSAGES intent) counts as a ticket's activity: a human's message goes
//! to its guild actor only when that actor runs or the guild's stored snapshot has inactivity
//! on and an open ticket in that channel, so chatter elsewhere wakes nothing.
//!
//! The router supervises the guild actors: a failed guild actor is logged, its children stopped,
//! and it is restarted from the store with backoff. Other guilds never notice.
//!
//! A guild the bot was removed from (GUILD_DELETE without `unavailable`) has its guild and ticket
//! actors killed where they stand: every REST call they would still make is doomed (Discord
//! answers Unknown Guild and Missing Access). Its data stays in the store; an interaction from
//! it later (the bot was added back) starts it again from the store, whose repair finishes what
//! the kill interrupted. A guild in an outage (`unavailable: true`) keeps its actor, which starts
//! no ticket from its line until the guild's GUILD_CREATE (or anything else from it) says it is
//! back.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use rustc_hash::{FxHashMap, FxHashSet};
use tracing::{info, warn};
use twilight_gateway::Event;

use crate::{
    domain::{
        deadline::Deadline,
        model::{Snowflake, TicketState},
    },
    store::GuildSnapshot,
};

use super::{
    BotContext,
    guild::{GuildActor, GuildArgs},
    incoming::{self, Incoming, IncomingError},
    protocol::{GuildMsg, InteractionProgress},
};
use crate::discord::reply::{self, answer_now, reply_now};
use crate::ui::text::{Lang, Text};

use super::backoff::Backoff;

/// The first restart delay of a failed guild actor: its people are waiting.
const GUILD_RESTART: Duration = Duration::from_millis(50);

pub enum RouterMsg {
    Gateway(Box<Event>),
    Status(RpcReplyPort<RouterStatus>),
    /// Shutdown: drain every guild actor, all at once, by `deadline`.
    Drain {
        deadline: tokio::time::Instant,
        reply: RpcReplyPort<()>,
    },
    InjectGuildPanic {
        guild: Snowflake,
    },
    InjectTicketPanic {
        guild: Snowflake,
        number: u64,
    },
    RespawnGuild {
        guild: Snowflake,
    },
    DeadlineDue(Deadline),
    /// Benchmarks: start the actor of every guild announced so far and from now on.
    WakeAllGuilds,
    /// Benchmarks: start the actor of every ticket of every running guild actor; replies with
    /// how many run.
    WakeAllTickets(RpcReplyPort<usize>),
    /// Internal: a guild actor's `pre_start` failed (it was spawned without waiting for it).
    GuildStartFailed {
        guild: Snowflake,
        actor: ActorId,
    },
}

#[derive(Debug, Clone, Default)]
pub struct RouterStatus {
    /// Shards that received READY (or RESUMED).
    pub ready_shards: usize,
    /// Guilds the gateway announced (GUILD_CREATE) or that have a running actor.
    pub guilds: HashSet<Snowflake>,
    /// Guild actors running: a guild gets one on first need, so quiet guilds cost no actor.
    pub guild_actors: usize,
    pub interactions_routed: u64,
    pub duplicates_dropped: u64,
    /// Guilds the bot was removed from (their data kept in the store).
    pub departed: HashSet<Snowflake>,
    /// Guilds in an outage (GUILD_DELETE with `unavailable`).
    pub unavailable: HashSet<Snowflake>,
}

pub struct RouterArgs {
    pub ctx: BotContext,
    /// Every guild's stored state, read once at start.
    pub preloaded: HashMap<Snowflake, GuildSnapshot>,
    /// How many guilds wait for a GUILD_CREATE (the unavailable ones): the shards parse
    /// GUILD_CREATE only while some do.
    pub awaited: Arc<AtomicUsize>,
}

pub struct RouterState {
    ctx: BotContext,
    preloaded: HashMap<Snowflake, GuildSnapshot>,
    guilds: FxHashMap<Snowflake, ActorRef<GuildMsg>>,
    actor_guilds: FxHashMap<ActorId, Snowflake>,
    failures: FxHashMap<Snowflake, Backoff>,
    seen: FxHashSet<u64>,
    seen_order: VecDeque<u64>,
    status: RouterStatus,
    draining: bool,
    /// What each live guild actor was sent and has not finished, so a failed actor's mailbox
    /// (which ractor drops) is handed to its successor instead of lost.
    ledgers: FxHashMap<Snowflake, Ledger>,
    /// Guilds announced by the gateway, with or without an actor.
    known: FxHashSet<Snowflake>,
    /// Start every announced guild's actor (benchmarks measure what a running actor costs).
    wake_all: bool,
    /// Interactions for a guild whose actor failed and waits out its backoff, handed in order
    /// to the restarted actor: a panic must not leave a click unanswered.
    stranded: FxHashMap<Snowflake, Vec<Incoming>>,
    /// Guilds the bot was removed from: their events wake no actor.
    departed: FxHashSet<Snowflake>,
    /// Guilds in an outage, until anything is heard from them again.
    unavailable: FxHashSet<Snowflake>,
    awaited: Arc<AtomicUsize>,
}

/// The interactions one guild actor was sent, in order, with the progress it reports.
#[derive(Default)]
struct Ledger {
    progress: Arc<InteractionProgress>,
    next_seq: u64,
    sent: VecDeque<(u64, Incoming)>,
}

impl Ledger {
    /// Records an interaction about to be sent; returns its sequence number.
    fn record(&mut self, incoming: &Incoming) -> u64 {
        let finished = self.progress.finished.load(Ordering::Acquire);
        while self.sent.front().is_some_and(|(seq, _)| *seq <= finished) {
            self.sent.pop_front();
        }
        self.next_seq += 1;
        self.sent.push_back((self.next_seq, incoming.clone()));
        self.next_seq
    }

    /// After the actor failed: the interaction it was handling (if any) and those it never
    /// started.
    fn settle(self) -> (Option<Incoming>, Vec<Incoming>) {
        let finished = self.progress.finished.load(Ordering::Acquire);
        let started = self.progress.started.load(Ordering::Acquire);
        let mut in_progress = None;
        let mut unstarted = Vec::new();
        for (seq, incoming) in self.sent {
            if seq <= finished {
                continue;
            }
            if seq == started && started > finished {
                in_progress = Some(incoming);
            } else {
                unstarted.push(incoming);
            }
        }
        (in_progress, unstarted)
    }
}

/// How many interaction ids are remembered for de-duplication (well past any replay window).
const SEEN_CAPACITY: usize = 100_000;

pub struct RouterActor;

impl Actor for RouterActor {
    type Msg = RouterMsg;
    type State = RouterState;
    type Arguments = RouterArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        args: RouterArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(RouterState {
            ctx: args.ctx,
            preloaded: args.preloaded,
            guilds: FxHashMap::default(),
            actor_guilds: FxHashMap::default(),
            failures: FxHashMap::default(),
            seen: FxHashSet::default(),
            seen_order: VecDeque::new(),
            status: RouterStatus::default(),
            draining: false,
            ledgers: FxHashMap::default(),
            known: FxHashSet::default(),
            wake_all: false,
            stranded: FxHashMap::default(),
            departed: FxHashSet::default(),
            unavailable: FxHashSet::default(),
            awaited: args.awaited,
        })
    }

    async fn post_start(
        &self,
        myself: ActorRef<Self::Msg>,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        // A guild's actor starts on first need, except where a crash left tickets
        // mid-provisioning or mid access edit (a claim): those are repaired (and the line
        // rebuilt) right away; and where a ready-channel pool is short, so it refills before
        // the next rush rather than during it.
        let repair: Vec<Snowflake> = state
            .preloaded
            .iter()
            .filter(|(_, snapshot)| {
                snapshot
                    .tickets
                    .iter()
                    .any(|t| t.state == TicketState::Provisioning || t.staff.access_pending)
                    || snapshot.ready.as_ref().is_some_and(|p| p.short())
            })
            .map(|(guild, _)| *guild)
            .collect();
        for guild in repair {
            let _ = state.guild_actor(&myself, guild).await;
        }
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            RouterMsg::Gateway(event) => state.gateway(&myself, *event).await,
            RouterMsg::Status(reply) => {
                let mut status = state.status.clone();
                status.guilds = state.known.iter().copied().collect();
                status.guilds.extend(state.guilds.keys().copied());
                status.guild_actors = state.guilds.len();
                status.departed = state.departed.iter().copied().collect();
                status.unavailable = state.unavailable.iter().copied().collect();
                let _ = reply.send(status);
            }
            RouterMsg::Drain { deadline, reply } => {
                state.draining = true;
                // Concurrently: one slow guild must not use up the others' share of the time.
                let drains = state.guilds.values().map(|guild| async move {
                    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                    let drained = guild
                        .call(|reply| GuildMsg::Drain { deadline, reply }, Some(left))
                        .await;
                    if !matches!(drained, Ok(ractor::rpc::CallResult::Success(()))) {
                        warn!("a guild actor did not drain by the shutdown deadline");
                    }
                    guild.stop(Some("shutdown".into()));
                });
                futures_util::future::join_all(drains).await;
                let _ = reply.send(());
            }
            RouterMsg::InjectGuildPanic { guild } => {
                if let Some(actor) = state.guilds.get(&guild) {
                    let _ = actor.cast(GuildMsg::InjectPanic);
                }
            }
            RouterMsg::InjectTicketPanic { guild, number } => {
                if let Some(actor) = state.guilds.get(&guild) {
                    let _ = actor.cast(GuildMsg::InjectTicketPanic { number });
                }
            }
            RouterMsg::WakeAllGuilds => {
                state.wake_all = true;
                let known: Vec<Snowflake> = state.known.iter().copied().collect();
                for guild in known {
                    let _ = state.guild_actor(&myself, guild).await;
                }
            }
            RouterMsg::WakeAllTickets(reply) => {
                // Asked of each guild off the router's loop: routing goes on meanwhile.
                let actors: Vec<ActorRef<GuildMsg>> = state.guilds.values().cloned().collect();
                tokio::spawn(async move {
                    let mut running = 0;
                    for actor in actors {
                        if let Ok(ractor::rpc::CallResult::Success(n)) =
                            actor.call(GuildMsg::WakeTickets, None).await
                        {
                            running += n;
                        }
                    }
                    let _ = reply.send(running);
                });
            }
            RouterMsg::GuildStartFailed { guild, actor } => {
                if state.actor_guilds.remove(&actor).is_some() {
                    state.guild_failed(&myself, guild, "start failed");
                }
            }
            RouterMsg::RespawnGuild { guild } => {
                if !state.draining {
                    let _ = state.guild_actor(&myself, guild).await;
                }
            }
            RouterMsg::DeadlineDue(deadline) => {
                // Dropped while draining, for a departed guild or one waiting out a restart:
                // the clock fires it again until its action reports done.
                let guild = deadline.key.guild;
                if !state.draining
                    && !state.departed.contains(&guild)
                    && !state.stranded.contains_key(&guild)
                    && let Some(actor) = state.guild_actor(&myself, guild).await
                {
                    let _ = actor.cast(GuildMsg::DeadlineDue(deadline));
                }
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
                if let Some(guild) = state.actor_guilds.remove(&cell.get_id()) {
                    state.guilds.remove(&guild);
                    state.ledgers.remove(&guild);
                }
            }
            SupervisionEvent::ActorFailed(cell, error) => {
                let Some(guild) = state.actor_guilds.remove(&cell.get_id()) else {
                    return Ok(());
                };
                // Its ticket actors belong to the failed instance; the restarted one respawns
                // them from the store, so none may linger and act twice on a channel.
                cell.stop_children_and_wait(None, Some(Duration::from_secs(5)))
                    .await;
                state.guild_failed(&myself, guild, &error.to_string());
            }
            _ => {}
        }
        Ok(())
    }
}

impl RouterState {
    /// Sends an interaction to its guild actor, noting it in the ledger first: if the actor is
    /// dead already, the ledger hands it to the successor when the failure is handled.
    fn forward(&mut self, guild: Snowflake, actor: &ActorRef<GuildMsg>, incoming: Incoming) {
        let seq = self.ledgers.entry(guild).or_default().record(&incoming);
        if let Err(error) = actor.cast(GuildMsg::Interaction {
            seq,
            incoming: Box::new(incoming),
        }) {
            warn!(guild, %error, "guild actor unreachable; the interaction waits for its restart");
        }
    }

    /// The guild's snapshot read at start, handed to its actor. The table shrinks as guilds wake:
    /// a snapshot slot is some 180 bytes, and a woken guild's actor holds its own copy.
    fn take_preloaded(&mut self, guild: Snowflake) -> Option<GuildSnapshot> {
        let snapshot = self.preloaded.remove(&guild);
        if self.preloaded.capacity() > 64 && self.preloaded.len() < self.preloaded.capacity() / 4 {
            self.preloaded.shrink_to_fit();
        }
        snapshot
    }

    async fn guild_actor(
        &mut self,
        myself: &ActorRef<RouterMsg>,
        guild: Snowflake,
    ) -> Option<ActorRef<GuildMsg>> {
        if let Some(actor) = self.guilds.get(&guild) {
            return Some(actor.clone());
        }
        let ledger = Ledger::default();
        let args = GuildArgs {
            ctx: self.ctx.clone(),
            guild,
            snapshot: self.take_preloaded(guild),
            progress: ledger.progress.clone(),
        };
        // Not awaited: the router goes on routing while the guild loads (10,000 GUILD_CREATEs at
        // start must not each wait for a store read). Messages queue until it runs; a start that
        // fails is handled like a failure, so they are not lost.
        match ractor::ActorRuntime::spawn_linked_instant(None, GuildActor, args, myself.get_cell())
        {
            Ok((actor, started)) => {
                self.actor_guilds.insert(actor.get_id(), guild);
                self.guilds.insert(guild, actor.clone());
                self.ledgers.insert(guild, ledger);
                for incoming in self.stranded.remove(&guild).unwrap_or_default() {
                    self.forward(guild, &actor, incoming);
                }
                let (me, id) = (myself.clone(), actor.get_id());
                tokio::spawn(async move {
                    if !matches!(started.await, Ok(Ok(_))) {
                        let _ = me.cast(RouterMsg::GuildStartFailed { guild, actor: id });
                    }
                });
                Some(actor)
            }
            Err(error) => {
                warn!(guild, %error, "could not start the guild actor");
                // Nobody will handle what waited for this actor: say so rather than leave
                // people with a spinner.
                for incoming in self.stranded.remove(&guild).unwrap_or_default() {
                    reply::apologize(&self.ctx.discord, &incoming);
                }
                None
            }
        }
    }

    /// A guild actor failed (or never started): its unhandled interactions wait for a
    /// replacement, started after a backoff that grows with repeated failures.
    fn guild_failed(&mut self, myself: &ActorRef<RouterMsg>, guild: Snowflake, why: &str) {
        self.guilds.remove(&guild);
        let (in_progress, unstarted) = self
            .ledgers
            .remove(&guild)
            .map(Ledger::settle)
            .unwrap_or_default();
        if let Some(incoming) = in_progress {
            // Not replayed: it may be what broke the actor.
            reply::apologize(&self.ctx.discord, &incoming);
        }
        let held = self.stranded.entry(guild).or_default();
        let later = std::mem::take(held);
        held.extend(unstarted);
        held.extend(later);
        let backoff = self
            .failures
            .entry(guild)
            .or_insert(Backoff::new(GUILD_RESTART))
            .fail(std::time::Instant::now());
        warn!(
            guild,
            error = why,
            ?backoff,
            "guild actor failed; restarting from the store"
        );
        self.ctx.metrics.actor_restarts.inc();
        let me = myself.clone();
        tokio::spawn(async move {
            tokio::time::sleep(backoff).await;
            let _ = me.cast(RouterMsg::RespawnGuild { guild });
        });
    }

    /// The bot was removed from `guild`: its actors are killed where they stand (queued work
    /// dropped, nothing more sent) and it is forgotten, except in the store.
    fn bot_removed(&mut self, guild: Snowflake) {
        info!(
            guild,
            "removed from the guild; its work stops, its data stays in the store"
        );
        self.departed.insert(guild);
        self.unavailable.remove(&guild);
        self.known.remove(&guild);
        self.ledgers.remove(&guild);
        self.stranded.remove(&guild);
        self.failures.remove(&guild);
        // Read again from the store if the bot is added back.
        self.preloaded.remove(&guild);
        self.note_awaited();
        if let Some(actor) = self.guilds.remove(&guild) {
            // Unmapped first, so its end is not taken for a failure to restart.
            self.actor_guilds.remove(&actor.get_id());
            let cell = actor.get_cell();
            cell.kill();
            for child in cell.get_children() {
                child.kill();
            }
        }
    }

    /// Something came from `guild`: the bot is in it and it is available.
    fn heard_from(&mut self, guild: Snowflake) {
        if self.departed.is_empty() && self.unavailable.is_empty() {
            return;
        }
        if self.departed.remove(&guild) {
            info!(guild, "back in the guild");
            self.known.insert(guild);
        }
        if self.unavailable.remove(&guild) {
            info!(guild, "guild available again");
            if let Some(actor) = self.guilds.get(&guild) {
                let _ = actor.cast(GuildMsg::Held(false));
            }
        }
        self.note_awaited();
    }

    /// Only an outage is waited out on GUILD_CREATE: a guild that removed the bot may never
    /// come back, and while any guild is awaited every GUILD_CREATE is parsed in full.
    fn note_awaited(&self) {
        self.awaited
            .store(self.unavailable.len(), Ordering::Relaxed);
    }

    fn first_time(&mut self, interaction: u64) -> bool {
        if !self.seen.insert(interaction) {
            return false;
        }
        self.seen_order.push_back(interaction);
        if self.seen_order.len() > SEEN_CAPACITY
            && let Some(old) = self.seen_order.pop_front()
        {
            self.seen.remove(&old);
        }
        true
    }

    /// A human's message in a guild, as a ticket's activity (see the module docs).
    async fn message_created(
        &mut self,
        myself: &ActorRef<RouterMsg>,
        message: &twilight_model::gateway::payload::incoming::MessageCreate,
    ) {
        let Some(guild) = message.guild_id.map(|g| g.get()) else {
            return;
        };
        // Other bots (and this one) are not activity; webhooks carry `webhook_id`.
        if message.author.bot || message.webhook_id.is_some() || self.draining {
            return;
        }
        let channel = message.channel_id.get();
        let concerned = self.guilds.contains_key(&guild)
            || self.preloaded.get(&guild).is_some_and(|snapshot| {
                // Who wrote is not judged here (staff roles are the guild actor's): any
                // message may be staff's first answer.
                let counts = snapshot.settings.any_inactivity_on();
                snapshot.tickets.iter().any(|t| {
                    t.channel == Some(channel)
                        && t.state == TicketState::Open
                        && crate::domain::stale::message_matters(
                            counts,
                            t.staff.close_request.is_some(),
                            t.trail.first_staff_reply.is_none(),
                        )
                })
            });
        if !concerned || self.departed.contains(&guild) {
            return;
        }
        if let Some(actor) = self.guild_actor(myself, guild).await {
            let roles = message
                .member
                .as_ref()
                .map(|m| m.roles.iter().map(|r| r.get()).collect())
                .unwrap_or_default();
            let _ = actor.cast(GuildMsg::HumanMessage {
                channel,
                author: message.author.id.get(),
                roles,
            });
        }
    }

    /// A guild's interaction to its actor, unless the bot is shutting down.
    async fn route(&mut self, myself: &ActorRef<RouterMsg>, incoming: Incoming) {
        if self.draining {
            reply_now(
                &self.ctx.discord,
                &incoming,
                incoming.locale.text(Text::Restarting).to_owned(),
                Vec::new(),
            );
            return;
        }
        let guild = incoming.guild;
        self.status.interactions_routed += 1;
        if incoming.in_dm {
            // The server is the custom id's word, not Discord's: only one the bot serves.
            let serves = self.guilds.contains_key(&guild)
                || self.known.contains(&guild)
                || self.preloaded.contains_key(&guild);
            if !serves || self.departed.contains(&guild) {
                warn!(
                    guild,
                    user = incoming.user,
                    "refused: a DM component naming no server of ours"
                );
                let text = incoming.locale.text(Text::UnknownComponent).to_owned();
                reply_now(&self.ctx.discord, &incoming, text, Vec::new());
                return;
            }
        } else {
            // Discord delivers a guild's interactions only while the bot is in it.
            self.heard_from(guild);
        }
        if let Some(held) = self.stranded.get_mut(&guild) {
            // The guild's actor waits out its restart backoff: keep the order.
            held.push(incoming);
            return;
        }
        if let Some(actor) = self.guild_actor(myself, guild).await {
            self.forward(guild, &actor, incoming);
        }
    }

    /// Only a running guild can hold ready channels being watched; a quiet guild's pool is
    /// checked against a listing when its actor starts.
    fn channel_updated(&self, channel: &twilight_model::channel::Channel) {
        if let Some(guild) = channel.guild_id
            && let Some(actor) = self.guilds.get(&guild.get())
        {
            let _ = actor.cast(GuildMsg::ChannelUpdated {
                channel: channel.id.get(),
                name: channel.name.clone().unwrap_or_default(),
                topic: channel.topic.clone(),
                overwrites: channel
                    .permission_overwrites
                    .iter()
                    .flatten()
                    .map(crate::discord::domain_overwrite)
                    .collect(),
            });
        }
    }

    async fn interaction(
        &mut self,
        myself: &ActorRef<RouterMsg>,
        interaction: twilight_model::application::interaction::Interaction,
    ) {
        if !self.first_time(interaction.id.get()) {
            self.status.duplicates_dropped += 1;
            info!(interaction = %interaction.id, "duplicate interaction dropped");
            return;
        }
        self.ctx.metrics.interactions.inc();
        // Their person's language, for the answers given here.
        let lang = Lang::or_english(interaction.locale.as_deref());
        match incoming::parse(&interaction) {
            Ok(incoming) => self.route(myself, incoming).await,
            Err(IncomingError::NotInGuild) => {
                answer_now(
                    &self.ctx.discord,
                    interaction.id.get(),
                    &interaction.token,
                    lang.text(Text::NotInGuild).to_owned(),
                    Vec::new(),
                );
            }
            Err(error) => {
                warn!(interaction = %interaction.id, %error, "interaction not handled");
                answer_now(
                    &self.ctx.discord,
                    interaction.id.get(),
                    &interaction.token,
                    lang.text(Text::NotUnderstood).to_owned(),
                    Vec::new(),
                );
            }
        }
    }

    /// A channel or thread of `guild` was deleted: its guild actor decides whether it mattered.
    async fn channel_gone(&mut self, myself: &ActorRef<RouterMsg>, guild: u64, channel: u64) {
        if !self.draining
            && !self.departed.contains(&guild)
            && let Some(actor) = self.guild_actor(myself, guild).await
        {
            let _ = actor.cast(GuildMsg::ChannelDeleted { channel });
        }
    }

    async fn gateway(&mut self, myself: &ActorRef<RouterMsg>, event: Event) {
        match event {
            Event::Ready(ready) => {
                info!(guilds = ready.guilds.len(), "shard ready");
                self.status.ready_shards += 1;
                for guild in &ready.guilds {
                    self.heard_from(guild.id.get());
                }
                self.known.extend(ready.guilds.iter().map(|g| g.id.get()));
            }
            Event::InteractionCreate(interaction) => self.interaction(myself, interaction.0).await,
            // Could be a ticket channel, a category or the log channel of a quiet guild: rare
            // enough to wake its actor for.
            Event::ChannelDelete(channel) => {
                if let Some(guild) = channel.guild_id {
                    self.channel_gone(myself, guild.get(), channel.id.get())
                        .await;
                }
            }
            // Only a thread ticket's deletion matters, and its guild actor knows its threads.
            Event::ThreadDelete(thread) => {
                (self.channel_gone(myself, thread.guild_id.get(), thread.id.get())).await;
            }
            Event::ChannelUpdate(channel) => self.channel_updated(&channel),
            Event::MemberRemove(member) => {
                let (guild, user) = (member.guild_id.get(), member.user.id.get());
                // Members leave all the time: wake a quiet guild only if the member has a
                // ticket there (a running guild also checks its waiting line).
                let concerned = self.guilds.contains_key(&guild)
                    || self.preloaded.get(&guild).is_some_and(|snapshot| {
                        snapshot
                            .tickets
                            .iter()
                            .any(|t| t.opener == user && t.state.is_open())
                    });
                if concerned
                    && !self.draining
                    && !self.departed.contains(&guild)
                    && let Some(actor) = self.guild_actor(myself, guild).await
                {
                    let _ = actor.cast(GuildMsg::MemberLeft { user });
                }
            }
            Event::GuildDelete(deleted) if deleted.unavailable == Some(true) => {
                let guild = deleted.id.get();
                warn!(guild, "guild unavailable (Discord outage); its work waits");
                self.unavailable.insert(guild);
                if let Some(actor) = self.guilds.get(&guild) {
                    let _ = actor.cast(GuildMsg::Held(true));
                }
                self.note_awaited();
            }
            Event::MessageCreate(message) => self.message_created(myself, &message).await,
            Event::GuildCreate(created) => self.heard_from(created.id().get()),
            Event::GuildDelete(deleted) => self.bot_removed(deleted.id.get()),
            Event::GatewayClose(frame) => {
                info!(?frame, "gateway closed");
            }
            _ => {}
        }
    }
}
