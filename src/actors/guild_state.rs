//! A guild actor's state: its settings, counter and the book of its tickets (limits, the
//! waiting line, categories being created), and what the actor does with them. The actor itself
//! and the dispatch of interactions live in [`super::guild`]; the hub ([`super::hub`]) works on
//! this state too, so both import it and neither imports the other both ways.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use futures_util::FutureExt;
use ractor::{ActorCell, ActorProcessingErr, ActorRef};
use rustc_hash::FxHashMap;
use tracing::{info, warn};
use twilight_model::channel::ChannelType;

use crate::{
    domain::{
        access::{self, Member},
        hours::Decision,
        intake::{self as intake_rules, Opener, Refusal},
        limits,
        model::{
            Answer, BlockEntry, BlockTarget, GuildSettings, MemberOpens, OutsideHours, Panel,
            Snowflake, TicketRecord, TicketState,
        },
        ready::{self, ReadyPool},
    },
    store::{IntakeSnapshot, WriteOp},
};

use super::{
    BotContext,
    incoming::Incoming,
    line::WaitingLine,
    log::GuildLog,
    protocol::{GuildMsg, InteractionProgress},
    ticket::{
        Person, Provision, TicketActor, TicketArgs, TicketMsg, TicketSource, now_millis,
        transcript_files,
    },
};
use crate::discord::reply::{Reply, reply_now};
use crate::ui::{
    text::{self, Lang, SharedLang, Text, t},
    ticket_messages::place_in_line,
};

/// What the guild actor remembers of one ticket.
pub struct TicketEntry {
    pub opener: Snowflake,
    pub topic: Option<u32>,
    pub state: TicketState,
    pub channel: Option<Snowflake>,
    /// The category it counts in (`category_load`), followed when the ticket moves.
    pub parent: Option<Snowflake>,
    /// A close request waits for the other side: a reply withdraws it, so messages reach the
    /// ticket's actor even while inactivity is off.
    pub awaiting_reply: bool,
    /// Staff wrote in it already; until then a staff message is its first response time.
    pub answered: bool,
    pub actor: Option<ActorRef<TicketMsg>>,
}

pub struct GuildState {
    pub ctx: BotContext,
    pub guild: Snowflake,
    pub settings: Arc<GuildSettings>,
    pub counter: u64,
    /// What the actor knows of its tickets; allocated with the first one.
    pub book: LazyBook,
    /// Members' opens and the blocklist, as stored; allocated when there is any (most guilds
    /// use no abuse control).
    pub intake: Option<Box<IntakeBook>>,
    pub open_total: u32,
    pub(super) progress: Arc<InteractionProgress>,
    /// This actor, to start ticket actors on first use from anywhere in the UI.
    pub(super) myself: ActorRef<GuildMsg>,
    /// The server's preferred locale, as its latest interaction gave it (Discord sends it with
    /// every interaction, and only there).
    pub guild_locale: Option<Lang>,
    /// The ready-channel pool (`super::ready`); `None` for a guild that never had one, so an
    /// idle guild pays one pointer for it.
    pub ready: Option<Box<ReadyState>>,
}

/// A guild's ready-channel pool and what the guild actor knows about refilling it.
#[derive(Debug, Default)]
pub struct ReadyState {
    pub pool: ReadyPool,
    /// A ready channel is being created, or the server's channels listed, on a task.
    pub(super) working: bool,
    /// Channels in the server: last listed, plus the ready channels created since.
    pub(super) server_channels: Option<u32>,
    pub(super) last_open: Option<Instant>,
    pub(super) last_refill: Option<Instant>,
    /// A `ReadyTick` is on its way.
    pub(super) tick_armed: bool,
}

/// The guild actor's bookkeeping of its tickets, in one allocation made when the first ticket
/// is tracked: most guilds of a large bot have none open, and inline these maps made every idle
/// guild actor's task 224 bytes larger.
#[derive(Default)]
pub struct Book {
    pub tickets: FxHashMap<u64, TicketEntry>,
    pub by_channel: FxHashMap<Snowflake, u64>,
    pub open_by_member: FxHashMap<Snowflake, u32>,
    /// Ticket channels per category: Discord refuses a 51st channel in one category.
    pub(super) category_load: FxHashMap<Snowflake, u32>,
    /// Open clicks per member still being provisioned (at most `DOUBLE_CLICK_WINDOW` old): a
    /// double click must not open two tickets.
    pub(super) recent_opens: FxHashMap<Snowflake, Instant>,
    /// Actor id → ticket number, to know which ticket a supervision event is about.
    pub(super) actor_tickets: FxHashMap<ractor::ActorId, u64>,
    pub(super) failures: FxHashMap<u64, super::backoff::Backoff>,
    /// A tickets category being created, and the opens (already acknowledged, no number yet)
    /// waiting for it in click order. While it is `Some`, every open waits behind it.
    pub(super) awaiting_category: Option<AwaitingCategory>,
    /// Committed tickets waiting for the provisioning window (see [`super::line`]).
    pub(super) line: WaitingLine<(TicketRecord, Box<Provision>)>,
    pub(super) line_ticking: bool,
    /// Ticket actors spawned but perhaps not yet running (and so not yet linked as children).
    pub(super) starting: Vec<StartHandle>,
    /// The guild's log writer, shared with its ticket actors; made when the first one starts.
    pub(super) log: Option<GuildLog>,
    /// The language of the server's channel messages, shared with its ticket actors; made when
    /// the first one starts.
    pub(super) lang: Option<SharedLang>,
    /// The guild is unavailable (a Discord outage): calls about it would fail.
    pub(super) held: bool,
}

/// The result of a category creation, shared between the task that reports it and a drain.
type CategoryCreation = futures_util::future::Shared<
    futures_util::future::BoxFuture<'static, Result<Snowflake, String>>,
>;

pub struct AwaitingCategory {
    pub(super) creation: CategoryCreation,
    /// Whether it is an overflow category (else the default tickets category).
    overflow: bool,
    opens: Vec<WaitingOpen>,
    /// Moves to another topic waiting for the same category (`staff::move_in_category`).
    pub(super) moves: Vec<WaitingMove>,
}

/// An open request decided (limits checked) but not yet numbered.
pub struct WaitingOpen {
    user: Snowflake,
    topic: Option<u32>,
    reply: Reply,
    /// The answers to the intake form, if it had questions.
    answers: Vec<Answer>,
    /// The channel whose private thread the ticket will be (its panel's setting); `None` for a
    /// channel ticket.
    thread_in: Option<Snowflake>,
}

/// The abuse controls' state in memory, so an open is checked without a store read.
#[derive(Default)]
pub struct IntakeBook {
    pub opens: FxHashMap<Snowflake, MemberOpens>,
    pub blocks: FxHashMap<BlockTarget, BlockEntry>,
}

impl IntakeBook {
    /// The book from what the store held (`None` when nothing matters any more), and the ops
    /// that forget what no longer does: members' opens past their cooldown and day, blocks that
    /// ended. Stale entries are dropped here, at start, so the tables never only grow.
    pub fn from_snapshot(
        guild: Snowflake,
        snapshot: IntakeSnapshot,
        settings: &GuildSettings,
        now: i64,
    ) -> (Option<Box<IntakeBook>>, Vec<WriteOp>) {
        let mut stale = Vec::new();
        let mut book = IntakeBook::default();
        for (user, opens) in snapshot.opens {
            if intake_rules::opens_matter(&settings.intake, &opens, now) {
                book.opens.insert(user, opens);
            } else {
                stale.push(WriteOp::RemoveMemberOpens { guild, user });
            }
        }
        for (target, entry) in snapshot.blocks {
            if entry.until.is_none_or(|until| until > now) {
                book.blocks.insert(target, entry);
            } else {
                stale.push(WriteOp::RemoveBlock { guild, target });
            }
        }
        let empty = book.opens.is_empty() && book.blocks.is_empty();
        ((!empty).then(|| Box::new(book)), stale)
    }
}

/// A staff member's move of a ticket to another topic, decided (staff, open, a different topic)
/// but not yet handed to the ticket.
pub struct WaitingMove {
    pub ticket: u64,
    pub topic: u32,
    pub by: Person,
    pub reply: Reply,
}

/// Where a new ticket goes.
pub(super) enum CategoryChoice {
    Ready(Snowflake),
    /// None has room (or none exists yet): create one with this name.
    Create {
        name: String,
        overflow: bool,
    },
}

/// What an empty [`LazyBook`] reads as.
static EMPTY_BOOK: Book = Book {
    tickets: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
    by_channel: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
    open_by_member: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
    category_load: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
    recent_opens: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
    actor_tickets: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
    failures: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
    awaiting_category: None,
    line: WaitingLine::new(),
    line_ticking: false,
    starting: Vec::new(),
    log: None,
    lang: None,
    held: false,
};

/// A [`Book`] that exists only once written to: reads of an absent one see empty maps.
#[derive(Default)]
pub struct LazyBook(Option<Box<Book>>);

impl std::ops::Deref for LazyBook {
    type Target = Book;

    fn deref(&self) -> &Book {
        self.0.as_deref().unwrap_or(&EMPTY_BOOK)
    }
}

impl std::ops::DerefMut for LazyBook {
    fn deref_mut(&mut self) -> &mut Book {
        self.0.get_or_insert_with(Box::default)
    }
}

type StartHandle = tokio::task::JoinHandle<Result<tokio::task::JoinHandle<()>, ractor::SpawnErr>>;

/// How often waiting members are told their place.
pub(super) const LINE_TICK: Duration = Duration::from_secs(2);
/// When a member who is still waiting first hears their place.
pub(super) const FIRST_LINE_TICK: Duration = Duration::from_millis(500);

/// Two clicks of one member closer than this are one click, unless the first ticket finished
/// opening in between.
pub const DOUBLE_CLICK_WINDOW: Duration = Duration::from_secs(2);

/// Whether a member's Open at `now` repeats the one they made at `last` (still being
/// provisioned, or it would have been forgotten).
fn is_double_click(last: Option<&Instant>, now: Instant) -> bool {
    last.is_some_and(|at| now.duration_since(*at) < DOUBLE_CLICK_WINDOW)
}

/// The category a ticket lives under.
fn record_parent(settings: &GuildSettings, record: &TicketRecord) -> Option<Snowflake> {
    if record.parent.is_some() {
        return record.parent;
    }
    record
        .topic
        .and_then(|id| settings.topics.iter().find(|t| t.id == id))
        .and_then(|t| t.category)
        .or(settings.tickets_category)
}

/// The language of a server's channel messages: the one chosen in Setup, else the server's
/// preferred locale, else English.
pub fn server_lang(settings: &GuildSettings, guild_locale: Option<Lang>) -> Lang {
    settings
        .language
        .as_deref()
        .and_then(Lang::from_discord)
        .or(guild_locale)
        .unwrap_or_default()
}

fn topic_name(settings: &GuildSettings, topic: Option<u32>) -> Option<String> {
    topic
        .and_then(|id| settings.topics.iter().find(|t| t.id == id))
        .map(|t| t.name.clone())
}

impl GuildState {
    /// The language of this server's channel messages (welcome, closed, log entries, panels,
    /// category names).
    pub fn channel_lang(&self) -> Lang {
        server_lang(&self.settings, self.guild_locale)
    }

    /// Notes the server's locale an interaction carried and tells the ticket actors, which
    /// write the channel messages, the language that follows.
    pub fn heard_locale(&mut self, guild_locale: Option<Lang>) {
        self.guild_locale = guild_locale.or(self.guild_locale);
        self.share_lang();
    }

    /// Hands the [`channel_lang`](Self::channel_lang) to the ticket actors, if any started.
    fn share_lang(&self) {
        if let Some(shared) = &self.book.lang {
            shared.set(self.channel_lang());
        }
    }

    /// The server's language for a ticket actor about to start.
    fn shared_lang(&mut self) -> SharedLang {
        let lang = self.channel_lang();
        let shared = self.book.lang.get_or_insert_with(SharedLang::default);
        shared.set(lang);
        shared.clone()
    }

    /// The guild's log writer for a ticket actor about to start.
    pub(super) fn log(&mut self) -> GuildLog {
        let (discord, store, guild) = (&self.ctx.discord, &self.ctx.store, self.guild);
        self.book
            .log
            .get_or_insert_with(|| GuildLog::new(discord.clone(), store.clone(), guild))
            .clone()
    }

    /// Why log entries are being lost right now, if they are (see [`GuildLog::trouble`]).
    pub fn log_trouble(&self) -> Option<String> {
        self.book.log.as_ref().and_then(GuildLog::trouble)
    }

    pub fn member<'a>(incoming: &'a Incoming) -> Member<'a> {
        Member {
            user: incoming.user,
            roles: &incoming.roles,
            permissions: incoming.permissions,
        }
    }

    pub fn is_staff(&self, incoming: &Incoming) -> bool {
        access::is_staff(&Self::member(incoming), &self.settings.staff_roles)
    }

    pub(super) fn forget_actor(&mut self, cell: &ActorCell) -> Option<u64> {
        let number = self.book.actor_tickets.remove(&cell.get_id())?;
        if let Some(entry) = self.book.tickets.get_mut(&number)
            && entry
                .actor
                .as_ref()
                .is_some_and(|a| a.get_id() == cell.get_id())
        {
            entry.actor = None;
        }
        Some(number)
    }

    /// Updates the in-memory view (limits, channel index) from a record.
    pub fn track(&mut self, record: &TicketRecord) {
        let book = &mut *self.book;
        let entry = book.tickets.entry(record.number).or_insert(TicketEntry {
            opener: record.opener,
            topic: record.topic,
            // A fresh entry starts "dead" so the first track counts it in.
            state: TicketState::Failed,
            channel: None,
            parent: record.parent,
            awaiting_reply: false,
            answered: false,
            actor: None,
        });
        let was_open = entry.state.is_open();
        let is_open = record.state.is_open();
        if entry.state == TicketState::Provisioning && record.state != TicketState::Provisioning {
            // The open a double click would repeat is done: the member's next click is a new
            // request (the limits decide it), not "already being opened".
            book.recent_opens.remove(&record.opener);
        }
        let alive = |s: TicketState| {
            matches!(
                s,
                TicketState::Provisioning | TicketState::Open | TicketState::Closed
            )
        };
        let (was_alive, is_alive) = (alive(entry.state), alive(record.state));
        // Leave the category counted before (if any), join the one counted now: a moved ticket
        // changes category while alive.
        if was_alive && let Some(parent) = entry.parent {
            let load = book.category_load.entry(parent).or_insert(0);
            *load = load.saturating_sub(1);
        }
        if is_alive && let Some(parent) = record.parent {
            *book.category_load.entry(parent).or_insert(0) += 1;
        }
        entry.parent = record.parent;
        entry.topic = record.topic;
        entry.awaiting_reply = record.staff.close_request.is_some();
        entry.answered = record.trail.first_staff_reply.is_some();
        entry.state = record.state;
        entry.channel = record.channel;
        if let Some(channel) = record.channel {
            book.by_channel.insert(channel, record.number);
        }
        if was_open != is_open {
            let count = book.open_by_member.entry(record.opener).or_insert(0);
            if is_open {
                *count += 1;
                self.open_total += 1;
            } else {
                *count = count.saturating_sub(1);
                self.open_total = self.open_total.saturating_sub(1);
            }
        }
        self.counter = self.counter.max(record.number);
    }

    pub(super) async fn spawn_ticket(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        record: TicketRecord,
        provision: Option<Box<Provision>>,
    ) -> Result<(), ActorProcessingErr> {
        if matches!(record.state, TicketState::Deleted | TicketState::Failed) {
            return Ok(());
        }
        let number = record.number;
        let actor =
            self.start_ticket_actor(myself, number, TicketSource::Record(Box::new(record)))?;
        if let Some(p) = provision {
            let _ = actor.cast(TicketMsg::Provision(p));
        }
        Ok(())
    }

    /// The one way a ticket actor is started, and booked as this guild's child.
    fn start_ticket_actor(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        number: u64,
        ticket: TicketSource,
    ) -> Result<ActorRef<TicketMsg>, ractor::SpawnErr> {
        // Not awaited: a ticket actor's start cannot fail, and waiting for the scheduler to run
        // it would hold up every click queued behind this one in the guild's mailbox.
        let (actor, started) = ractor::ActorRuntime::spawn_linked_instant(
            None,
            TicketActor,
            TicketArgs {
                ctx: self.ctx.clone(),
                guild_actor: myself.clone(),
                ticket,
                log: self.log(),
                lang: self.shared_lang(),
            },
            myself.get_cell(),
        )?;
        // Until it runs, it is not yet linked as a child: a drain must wait for it first.
        self.book.starting.retain(|h| !h.is_finished());
        self.book.starting.push(started);
        self.book.actor_tickets.insert(actor.get_id(), number);
        if let Some(entry) = self.book.tickets.get_mut(&number) {
            entry.actor = Some(actor.clone());
        }
        Ok(actor)
    }

    pub fn refuse(&self, incoming: &Incoming, message: &str) {
        reply_now(&self.ctx.discord, incoming, message.to_owned(), Vec::new());
    }

    /// What a stored ticket caught mid-provisioning needs to finish (nobody waits for an
    /// answer any more); `None` for a ticket past provisioning.
    pub(super) fn resume_provision(
        &self,
        record: &TicketRecord,
        existing_channels: Option<Arc<Vec<crate::discord::ChannelSummary>>>,
    ) -> Option<Box<Provision>> {
        (record.state == TicketState::Provisioning).then(|| {
            Box::new(Provision {
                reply: None,
                commit: None,
                parent: record_parent(&self.settings, record),
                topic_name: topic_name(&self.settings, record.topic),
                settings: self.settings.clone(),
                existing_channels,
                answers: None,
                ready: self
                    .ready
                    .as_ref()
                    .and_then(|r| r.pool.handing_to(record.number))
                    .map(|c| c.id),
            })
        })
    }

    /// Forwards a person's request to a ticket actor, acknowledging it first.
    pub fn to_ticket(
        &mut self,
        incoming: &Incoming,
        number: u64,
        make: impl FnOnce(Person, Reply, Arc<GuildSettings>) -> TicketMsg,
    ) {
        let Some(actor) = self.ticket_actor(number) else {
            warn!(ticket = number, "action for a ticket without a live actor");
            self.refuse(incoming, &t!(TicketGone, number));
            return;
        };
        let person = self.person(incoming);
        let reply = Reply::defer_ephemeral(&self.ctx.discord, incoming);
        if actor
            .cast(make(person, reply, self.settings.clone()))
            .is_err()
        {
            warn!(ticket = number, "ticket actor is gone");
        }
    }

    /// Who `incoming` comes from, as the settings judge them.
    pub fn person(&self, incoming: &Incoming) -> Person {
        Person {
            user: incoming.user,
            is_staff: self.is_staff(incoming),
            is_admin: access::is_admin(&Self::member(incoming)),
        }
    }

    /// The ticket whose channel this interaction happened in, if any.
    /// The posted panel whose message is `message`.
    pub fn panel(&self, message: Snowflake) -> Option<&Panel> {
        self.settings.panels.iter().find(|p| p.message == message)
    }

    /// The channel whose private threads a panel's tickets are; `None` for channels (or no
    /// panel known).
    pub fn threads_of(&self, panel: Option<Snowflake>) -> Option<Snowflake> {
        panel.and_then(|m| self.panel(m)).and_then(|p| p.threads_in)
    }

    pub fn ticket_in_channel(&self, channel: Snowflake) -> Option<u64> {
        self.book.by_channel.get(&channel).copied()
    }

    /// Decides an open request; on success the number is allocated and its commit queued before
    /// this returns, and the ticket actor takes it from there.
    pub async fn open(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        incoming: &Incoming,
        (topic, thread_in): (Option<u32>, Option<Snowflake>),
        reply: Reply,
        answers: Vec<Answer>,
    ) -> Result<(), ActorProcessingErr> {
        let user = incoming.user;
        let now = Instant::now();
        let awaiting = self.book.awaiting_category.as_ref();
        if awaiting.is_some_and(|a| a.opens.iter().any(|w| w.user == user)) {
            let text = Text::AlreadyBeingOpened.text();
            tokio::spawn(async move { reply.send_with(text, Vec::new()).await });
            return Ok(());
        }
        // Opens waiting for a category count against the server's limit already.
        let waiting_opens = awaiting.map_or(0, |a| a.opens.len() as u32);
        if let Some((place, number)) = self.book.line.place_of_member(user) {
            // Clicking again keeps one place.
            let window = self.ctx.provision_window;
            let text = place_in_line(number, place, self.book.line.estimate(place, window));
            tokio::spawn(async move { reply.send_with(&text, Vec::new()).await });
            return Ok(());
        }
        if is_double_click(self.book.recent_opens.get(&user), now) {
            info!(user, "double click on open ignored");
            let text = Text::AlreadyBeingOpened.text();
            tokio::spawn(async move { reply.send_with(text, Vec::new()).await });
            return Ok(());
        }
        if let Err(text) = self.may_open(incoming, topic, waiting_opens) {
            tokio::spawn(async move { reply.send_with(&text, Vec::new()).await });
            return Ok(());
        }
        if self.book.recent_opens.len() > 4096 {
            self.book
                .recent_opens
                .retain(|_, at| is_double_click(Some(at), now));
        }
        self.book.recent_opens.insert(user, now);
        let open = WaitingOpen {
            user,
            topic,
            reply,
            answers,
            thread_in,
        };
        self.open_in_category(myself, open).await
    }

    /// The limits and the abuse controls, read from memory only: what the member is told when
    /// they may not open a ticket now. `waiting_opens` count against the server's limit.
    pub fn may_open(
        &self,
        incoming: &Incoming,
        topic: Option<u32>,
        waiting_opens: u32,
    ) -> Result<(), String> {
        let user = incoming.user;
        let member_open = self.book.open_by_member.get(&user).copied().unwrap_or(0);
        if let Err(refusal) =
            limits::check_open(&self.settings, member_open, self.open_total + waiting_opens)
        {
            info!(user, %refusal, "open refused by limits");
            return Err(refusal.to_string());
        }
        self.intake_refusal(incoming, topic).map_err(|refusal| {
            info!(user, ?refusal, "open refused by an abuse control");
            refusal.message()
        })?;
        self.hours_refusal(incoming, topic).inspect_err(|_| {
            info!(user, "open refused: outside support hours");
        })
    }

    /// Outside support hours set to refuse: refused with the next opening time. Staff and the
    /// bypass roles open at any time.
    fn hours_refusal(&self, incoming: &Incoming, topic: Option<u32>) -> Result<(), String> {
        let hours = self.settings.hours_for(topic);
        let exempt = hours.outside == OutsideHours::Notice
            || self.is_staff(incoming)
            || incoming
                .roles
                .iter()
                .any(|r| hours.bypass_roles.contains(r));
        if !hours.is_on() || exempt {
            return Ok(());
        }
        match crate::domain::hours::status(hours, now_millis() / 1000) {
            Decision::Open => Ok(()),
            Decision::Closed {
                next_open: Some(at),
            } => Err(t!(OutsideHoursRefused, at)),
            Decision::Closed { next_open: None } => Err(Text::OutsideHoursClosed.to_string()),
        }
    }

    /// The abuse controls alone; free when none is in use.
    fn intake_refusal(&self, incoming: &Incoming, topic: Option<u32>) -> Result<(), Refusal> {
        let controls = &self.settings.intake;
        if self.intake.is_none() && controls.topic_roles.is_empty() {
            return Ok(());
        }
        let book = self.intake.as_deref();
        let opener = Opener {
            user: incoming.user,
            roles: &incoming.roles,
            is_staff: self.is_staff(incoming),
        };
        intake_rules::check_open(
            controls,
            topic,
            opener,
            book.and_then(|b| b.opens.get(&incoming.user)),
            |target| book.and_then(|b| b.blocks.get(&target)),
            now_millis(),
        )
    }

    /// Counts an open for the cooldown and the daily cap; the op to store it, when either is on.
    fn count_open(&mut self, user: Snowflake) -> Option<WriteOp> {
        if !self.settings.intake.tracks_opens() {
            return None;
        }
        let now = now_millis();
        let book = self.intake.get_or_insert_with(Box::default);
        let opens = intake_rules::record_open(book.opens.get(&user), now);
        book.opens.insert(user, opens);
        if book.opens.len() > 4096 {
            let controls = &self.settings.intake;
            book.opens
                .retain(|_, o| intake_rules::opens_matter(controls, o, now));
        }
        Some(WriteOp::PutMemberOpens {
            guild: self.guild,
            user,
            opens,
        })
    }

    /// Numbers an open in the category it belongs in, or, when that category must be created
    /// first, starts the creation and waits for it (as every later open does until it is done).
    pub(super) async fn open_in_category(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        open: WaitingOpen,
    ) -> Result<(), ActorProcessingErr> {
        // A thread lives in its panel's channel: no category to wait for or fill.
        if open.thread_in.is_some() {
            return self.number(myself, open, None).await;
        }
        if let Some(awaiting) = &mut self.book.awaiting_category {
            awaiting.opens.push(open);
            return Ok(());
        }
        match self.choose_category(open.topic, None) {
            CategoryChoice::Ready(parent) => self.number(myself, open, Some(parent)).await,
            CategoryChoice::Create { name, overflow } => {
                // The opens wait in the book; the notifier task holds the creation.
                drop(self.start_category_creation(myself, &name, overflow, vec![open]));
                Ok(())
            }
        }
    }

    /// Hands a move to the ticket with the category it goes to, chosen as for an open (a full
    /// one overflows, a creation in flight is joined). The category's count moves with it now,
    /// so an open deciding next sees it; the ticket's update corrects it if Discord refuses.
    pub(super) fn move_in_category(&mut self, myself: &ActorRef<GuildMsg>, waiting: WaitingMove) {
        if let Some(awaiting) = &mut self.book.awaiting_category {
            awaiting.moves.push(waiting);
            return;
        }
        let current = self
            .book
            .tickets
            .get(&waiting.ticket)
            .and_then(|e| e.parent);
        let parent = match self.choose_category(Some(waiting.topic), current) {
            CategoryChoice::Ready(parent) => parent,
            CategoryChoice::Create { name, overflow } => {
                drop(self.start_category_creation(myself, &name, overflow, Vec::new()));
                if let Some(awaiting) = &mut self.book.awaiting_category {
                    awaiting.moves.push(waiting);
                }
                return;
            }
        };
        let Some(actor) = self.ticket_actor(waiting.ticket) else {
            let (reply, number) = (waiting.reply, waiting.ticket);
            tokio::spawn(async move { reply.send(&t!(TicketGone, number)).await });
            return;
        };
        let book = &mut *self.book;
        if let Some(entry) = book.tickets.get_mut(&waiting.ticket)
            && entry.parent != Some(parent)
        {
            if let Some(old) = entry.parent.replace(parent) {
                let load = book.category_load.entry(old).or_insert(0);
                *load = load.saturating_sub(1);
            }
            *book.category_load.entry(parent).or_insert(0) += 1;
        }
        let WaitingMove {
            topic, by, reply, ..
        } = waiting;
        let settings = self.settings.clone();
        let _ = actor.cast(TicketMsg::Move {
            by,
            topic,
            parent,
            reply,
            settings,
        });
    }

    /// Starts creating a tickets category on a task of its own; `opens` (and every open after
    /// them) wait for it in [`Book::awaiting_category`]. The only place a tickets category is
    /// created, so a creation in flight is always visible to whoever needs one next.
    pub(super) fn start_category_creation(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        name: &str,
        overflow: bool,
        opens: Vec<WaitingOpen>,
    ) -> CategoryCreation {
        // Its refusal is told to every open waiting on it, in the language of the one that
        // started it (it runs on the notifying task, which would otherwise speak English).
        let creation = text::carry(self.category_creation(name)).boxed().shared();
        let (me, notify) = (myself.clone(), creation.clone());
        tokio::spawn(async move {
            let _ = notify.await;
            let _ = me.cast(GuildMsg::CategoryCreated);
        });
        self.book.awaiting_category = Some(AwaitingCategory {
            creation: creation.clone(),
            overflow,
            opens,
            moves: Vec::new(),
        });
        creation
    }

    /// The default tickets category, created first if there is none. A creation already in
    /// flight (an open's, or another admin action's) is joined, never repeated: two "Tickets"
    /// categories would split the tickets and leave one behind empty. Admin setup only: this
    /// awaits Discord.
    pub async fn default_category(
        &mut self,
    ) -> Result<Result<Snowflake, String>, ActorProcessingErr> {
        let myself = self.myself.clone();
        loop {
            if let Some(category) = self.settings.tickets_category {
                return Ok(Ok(category));
            }
            let (creation, is_default) = match &self.book.awaiting_category {
                Some(awaiting) => (awaiting.creation.clone(), !awaiting.overflow),
                None => (
                    self.start_category_creation(
                        &myself,
                        self.channel_lang().text(Text::DefaultCategoryName),
                        false,
                        Vec::new(),
                    ),
                    true,
                ),
            };
            let created = creation.await;
            // Settled here rather than when `CategoryCreated` arrives: the caller goes on with
            // the saved setting, and the opens that waited are numbered in their order.
            self.category_created(&myself, created.clone()).await?;
            if is_default && created.is_err() {
                return Ok(created);
            }
        }
    }

    /// The waiting opens go on in their order: into the new category, or told why not.
    pub(super) async fn category_created(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        created: Result<Snowflake, String>,
    ) -> Result<(), ActorProcessingErr> {
        let Some(awaiting) = self.book.awaiting_category.take() else {
            return Ok(());
        };
        match created {
            Ok(category) => {
                let mut settings = (*self.settings).clone();
                if awaiting.overflow {
                    info!(category, "categories full; overflow category created");
                    settings.overflow_categories.push(category);
                } else {
                    settings.tickets_category = Some(category);
                }
                drop(self.save_settings(settings));
                for open in awaiting.opens {
                    self.open_in_category(myself, open).await?;
                }
                for waiting in awaiting.moves {
                    self.move_in_category(myself, waiting);
                }
            }
            Err(message) => {
                let replies = awaiting.opens.into_iter().map(|o| o.reply);
                for reply in replies.chain(awaiting.moves.into_iter().map(|m| m.reply)) {
                    let message = message.clone();
                    tokio::spawn(async move { reply.send_with(&message, Vec::new()).await });
                }
            }
        }
        Ok(())
    }

    /// Allocates the next number to an open and queues its provisioning.
    async fn number(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        open: WaitingOpen,
        parent: Option<Snowflake>,
    ) -> Result<(), ActorProcessingErr> {
        let WaitingOpen {
            user,
            topic,
            reply,
            answers,
            thread_in,
        } = open;
        self.counter += 1;
        let record = TicketRecord {
            topic,
            parent,
            thread_in,
            ..TicketRecord::new(self.guild, self.counter, user, now_millis())
        };
        let mut ops = vec![
            WriteOp::SetCounter {
                guild: self.guild,
                value: self.counter,
            },
            WriteOp::PutTicket(record.clone()),
        ];
        // In the number's own commit: an open that counts is never lost, and costs no write.
        ops.extend(self.count_open(user));
        if !answers.is_empty() {
            ops.push(WriteOp::PutAnswers {
                guild: self.guild,
                number: self.counter,
                answers: answers.clone(),
            });
        }
        // The handover is committed with the number: a crash before the channel edit is
        // repaired by finishing it, never by a second channel.
        let ready = match parent.and_then(|category| self.take_ready(record.number, category)) {
            Some((channel, op)) => {
                ops.push(op);
                Some(channel)
            }
            None => None,
        };
        let commit = self.ctx.store.write(ops);
        self.track(&record);
        info!(ticket = record.number, "ticket number allocated");
        let provision = Box::new(Provision {
            reply: Some(reply),
            commit: Some(commit),
            parent,
            topic_name: topic_name(&self.settings, topic),
            settings: self.settings.clone(),
            existing_channels: None,
            answers: Some(answers),
            ready,
        });
        self.book
            .line
            .push(record.number, record.opener, (record, provision));
        self.ctx.metrics.waiting_line.inc();
        self.pump(myself).await?;
        if !self.book.line.is_empty() && !self.book.line_ticking {
            // The first place is told after a short while, not at once: a line that drains
            // within it never costs anyone an extra edit.
            self.book.line_ticking = true;
            myself.send_after(FIRST_LINE_TICK, || GuildMsg::LineTick);
        }
        Ok(())
    }

    /// A pooled channel for ticket `number` going into `parent`, and the pool's write that
    /// records the handover; `None` when the pool is off, empty or has no usable channel.
    fn take_ready(&mut self, number: u64, parent: Snowflake) -> Option<(Snowflake, WriteOp)> {
        // With the setting off, one pointer test is all this costs an open.
        self.ready.as_ref()?;
        let tickets = self.book.category_load.get(&parent).copied().unwrap_or(0);
        let r = self.ready.as_mut()?;
        r.last_open = Some(Instant::now());
        let channel = r.pool.take_for(number, parent, tickets)?;
        info!(
            ticket = number,
            channel = channel.id,
            "ready channel handed to a ticket"
        );
        let op = WriteOp::PutReadyPool {
            guild: self.guild,
            pool: r.pool.clone(),
        };
        Some((channel.id, op))
    }

    /// Pooled channels in a category (they count toward its 50).
    pub(super) fn ready_in(&self, category: Snowflake) -> u32 {
        self.ready
            .as_ref()
            .map_or(0, |r| r.pool.in_category(category))
    }

    /// Starts waiting tickets while the provisioning window has room.
    pub(super) async fn pump(
        &mut self,
        myself: &ActorRef<GuildMsg>,
    ) -> Result<(), ActorProcessingErr> {
        // Read first: a guild without tickets has no book, and taking one mutably makes it.
        if self.book.line.is_empty() || self.book.held {
            return Ok(());
        }
        let window = self.ctx.provision_window;
        while let Some(next) = self.book.line.start_next(Instant::now(), window) {
            self.ctx.metrics.waiting_line.dec();
            let (record, provision) = next.payload;
            self.spawn_ticket(myself, record, Some(provision)).await?;
        }
        Ok(())
    }

    /// Edits the answer of every waiting member whose place changed.
    pub(super) fn tell_places(&mut self) {
        let mut updates = Vec::new();
        let window = self.ctx.provision_window;
        for (place, waiting) in self.book.line.moved() {
            if let Some(reply) = &waiting.payload.1.reply {
                updates.push((reply.clone(), waiting.number, place));
            }
        }
        for (reply, number, place) in updates {
            let estimate = self.book.line.estimate(place, window);
            // Outside any interaction: the place is told in the waiting member's language.
            let text = text::speaking_sync(reply.lang(), || place_in_line(number, place, estimate));
            tokio::spawn(async move { reply.send_provisional(&text).await });
        }
    }

    /// A member who left the server gives up their place; their ticket is never opened.
    pub(super) fn leave_line(&mut self, user: Snowflake) {
        if self.book.line.is_empty() {
            return;
        }
        let Some(waiting) = self.book.line.remove_member(user) else {
            return;
        };
        self.ctx.metrics.waiting_line.dec();
        let (mut record, provision) = waiting.payload;
        info!(
            ticket = record.number,
            user, "member left while waiting; place released"
        );
        record.state = TicketState::Failed;
        record.closed_at = Some(now_millis());
        drop(
            self.ctx
                .store
                .write(vec![WriteOp::PutTicket(record.clone())]),
        );
        self.track(&record);
        if let Some(reply) = provision.reply {
            let text = reply.lang().text(Text::LeftTheServer);
            tokio::spawn(async move { reply.send(text).await });
        }
    }

    /// The category for a new ticket: the topic's or the default one, or an overflow category
    /// when those hold Discord's maximum of 50 channels; or which one to create first.
    pub(super) fn choose_category(
        &self,
        topic: Option<u32>,
        current: Option<Snowflake>,
    ) -> CategoryChoice {
        let topic_category = topic
            .and_then(|topic| self.settings.topics.iter().find(|t| t.id == topic))
            .and_then(|t| t.category);
        let Some(base) = topic_category.or(self.settings.tickets_category) else {
            return CategoryChoice::Create {
                name: self
                    .channel_lang()
                    .text(Text::DefaultCategoryName)
                    .to_owned(),
                overflow: false,
            };
        };
        let mut candidates =
            std::iter::once(base).chain(self.settings.overflow_categories.iter().copied());
        // A ticket already in one of them (moved between topics sharing a category) stays.
        match candidates.find(|c| {
            let tickets = self.book.category_load.get(c).copied().unwrap_or(0);
            Some(*c) == current || ready::category_has_room(tickets, self.ready_in(*c))
        }) {
            Some(free) => CategoryChoice::Ready(free),
            None => CategoryChoice::Create {
                name: text::speaking_sync(self.channel_lang(), || {
                    t!(
                        OverflowCategoryName,
                        n = self.settings.overflow_categories.len() + 2
                    )
                }),
                overflow: true,
            },
        }
    }

    pub async fn create_category(&self, name: &str) -> Result<Snowflake, String> {
        self.category_creation(name).await
    }

    /// Creates a tickets category; the future owns what it needs, so it can run on its own task.
    fn category_creation(
        &self,
        name: &str,
    ) -> impl std::future::Future<Output = Result<Snowflake, String>> + Send + 'static {
        let overwrites = access::category_overwrites(
            self.guild,
            self.ctx.discord.bot_user_id(),
            &self.settings.staff_roles,
        );
        let (discord, guild, name) = (self.ctx.discord.clone(), self.guild, name.to_owned());
        async move {
            discord
                .create_channel(
                    guild,
                    &name,
                    ChannelType::GuildCategory,
                    None,
                    None,
                    &overwrites,
                )
                .await
                .map_err(|e| {
                    warn!(error = %e, "could not create a category");
                    t!(CategoryNotCreated, error = e.person_message())
                })
        }
    }

    /// Replaces the settings and persists them (durably, off this actor's path).
    pub fn save_settings(&mut self, settings: GuildSettings) -> crate::store::CommitReceipt {
        self.settings = Arc::new(settings.clone());
        self.share_lang();
        self.ctx.store.write(vec![WriteOp::PutSettings {
            guild: self.guild,
            settings,
        }])
    }

    /// Persists the ready-channel pool (durably: a lost write would leak or forget channels).
    pub fn save_pool(&self) -> Option<crate::store::CommitReceipt> {
        let r = self.ready.as_ref()?;
        Some(self.ctx.store.write(vec![WriteOp::PutReadyPool {
            guild: self.guild,
            pool: r.pool.clone(),
        }]))
    }

    /// Persists the pool without an fsync of its own, for a change a restart rebuilds: a
    /// settled hand-over is settled again at start from the ticket's record.
    pub fn save_pool_lazy(&self) {
        if let Some(r) = self.ready.as_ref() {
            drop(self.ctx.store.write_lazy(vec![WriteOp::PutReadyPool {
                guild: self.guild,
                pool: r.pool.clone(),
            }]));
        }
    }

    /// A pooled channel (or the ready category) deleted by a person leaves the pool; true
    /// when it was the pool's.
    fn ready_channel_deleted(&mut self, channel: Snowflake) -> bool {
        let Some(r) = self.ready.as_mut() else {
            return false;
        };
        let was_category = r.pool.category == Some(channel);
        if was_category {
            r.pool.category = None;
        }
        let was_pooled = r.pool.forget(channel);
        if was_pooled {
            warn!(
                channel,
                "a ready channel was deleted by hand; dropped from the pool"
            );
            r.server_channels = r.server_channels.map(|n| n.saturating_sub(1));
        }
        if was_pooled || was_category {
            drop(self.save_pool());
        }
        was_pooled
    }

    pub(super) async fn channel_deleted(&mut self, channel: Snowflake) {
        if self.ready_channel_deleted(channel) {
            return;
        }
        let settings = self.settings.clone();
        if let Some(number) = self.book.by_channel.get(&channel).copied() {
            if let Some(actor) = self.ticket_actor(number) {
                let _ = actor.cast(TicketMsg::ChannelDeleted { settings });
            }
            return;
        }
        // A category or the log channel deleted by hand: forget it so the next use recreates or
        // asks for it, instead of failing forever.
        let mut changed = (*settings).clone();
        let mut dirty = false;
        if changed.tickets_category == Some(channel) {
            changed.tickets_category = None;
            dirty = true;
        }
        if changed.log_channel == Some(channel) {
            changed.log_channel = None;
            dirty = true;
        }
        for topic in &mut changed.topics {
            if topic.category == Some(channel) {
                topic.category = None;
                dirty = true;
            }
        }
        changed.overflow_categories.retain(|c| *c != channel);
        // A panel in the channel is kept: no click can come from it, and the hub's next list
        // of panels names it for the admin before forgetting it.
        if self.settings.panels.iter().any(|p| p.channel == channel) {
            warn!(
                channel,
                "a panel's channel was deleted; the hub's panel list will say so"
            );
        }
        if dirty {
            info!(
                channel,
                "a configured channel was deleted; settings updated"
            );
            drop(self.save_settings(changed));
        }
    }

    pub(super) async fn send_transcript(&self, incoming: &Incoming, number: Option<&String>) {
        if !self.is_staff(incoming) {
            self.refuse(incoming, Text::NotStaff.text());
            return;
        }
        let Some(number) = number.and_then(|n| n.parse::<u64>().ok()) else {
            self.refuse(incoming, Text::TranscriptNumberMissing.text());
            return;
        };
        let reply = Reply::defer_ephemeral(&self.ctx.discord, incoming);
        let store = self.ctx.store.clone();
        let discord = self.ctx.discord.clone();
        let (guild, budget) = (self.guild, self.ctx.upload_budget);
        // Staff asked, so a staff link (fresh, so it outlives the one in the log).
        let page = self
            .ctx
            .links
            .as_ref()
            .map(|links| links.transcript(guild, number, crate::web::Audience::Staff));
        tokio::spawn(text::carry(async move {
            match store.transcript(guild, number).await {
                Ok(Some((html, text))) => {
                    if !reply.acked().await {
                        return;
                    }
                    let (files, cut) =
                        transcript_files(number, &html, &text, budget, page.is_some());
                    let mut content = match &page {
                        Some(link) => t!(TranscriptOfAtLink, number, link),
                        None => t!(TranscriptOf, number),
                    };
                    if let Some(cut) = cut {
                        content.push(' ');
                        content.push_str(&cut);
                    }
                    if let Err(error) = discord
                        .edit_original_with_files(reply.token(), &content, &files)
                        .await
                    {
                        warn!(%error, "could not send the transcript");
                    }
                }
                Ok(None) => reply.send(&t!(NoTranscript, number)).await,
                Err(error) => {
                    warn!(%error, "could not read the transcript");
                    reply.send(Text::TranscriptUnreadable.text()).await
                }
            }
        }));
    }

    /// `/ticket stats`: staff get the period's figures, read from the stored sums (never the
    /// tickets, so as fast with a million as with ten), and a fresh signed link to the charts.
    pub(super) fn send_stats(&self, incoming: &Incoming) {
        use crate::domain::stats::{Period, Stats, recent_from};
        if !self.is_staff(incoming) {
            self.refuse(incoming, Text::NotStaff.text());
            return;
        }
        let period = (incoming.option(super::commands::PERIOD))
            .and_then(Period::parse)
            .unwrap_or_default();
        let link = self.ctx.links.as_ref().map(|links| {
            let link = links.stats(self.guild);
            match period {
                Period::All => link,
                other => format!("{link}?period={}", other.as_str()),
            }
        });
        let reply = Reply::defer_ephemeral(&self.ctx.discord, incoming);
        let (store, guild, settings) = (self.ctx.store.clone(), self.guild, self.settings.clone());
        tokio::spawn(text::carry(async move {
            let now = now_millis();
            let recent_from = recent_from(now);
            let since = period.since_hour(now);
            let text = match store.guild_tallies(guild, since, recent_from).await {
                Ok(tallies) => {
                    let stats = Stats::of(&tallies, &settings, recent_from);
                    crate::ui::ticket_messages::stats_text(&stats, period, link)
                }
                Err(error) => {
                    warn!(%error, "could not read the statistics");
                    Text::ListReadFailed.to_string()
                }
            };
            reply.send(&text).await;
        }));
    }

    /// Open tickets (Open state), for close-all and the manage menu.
    pub fn open_ticket_numbers(&self) -> Vec<u64> {
        let mut numbers: Vec<u64> = self
            .book
            .tickets
            .iter()
            .filter(|(_, e)| e.state == TicketState::Open)
            .map(|(n, _)| *n)
            .collect();
        numbers.sort_unstable();
        numbers
    }

    /// Tickets whose channel exists (open or closed), for re-applying overwrites.
    pub fn open_or_closed_ticket_numbers(&self) -> Vec<u64> {
        self.book
            .tickets
            .iter()
            .filter(|(_, e)| {
                matches!(
                    e.state,
                    TicketState::Open | TicketState::Closed | TicketState::Provisioning
                )
            })
            .map(|(n, _)| *n)
            .collect()
    }

    pub fn ticket_actors_with_topic(&mut self, topic: u32) -> Vec<ActorRef<TicketMsg>> {
        let numbers: Vec<u64> = self
            .book
            .tickets
            .iter()
            .filter(|(_, e)| e.topic == Some(topic) && e.state != TicketState::Deleted)
            .map(|(n, _)| *n)
            .collect();
        numbers
            .into_iter()
            .filter_map(|n| self.ticket_actor(n))
            .collect()
    }

    /// The actor of a ticket whose channel exists, started on first use.
    pub fn ticket_actor(&mut self, number: u64) -> Option<ActorRef<TicketMsg>> {
        let entry = self.book.tickets.get(&number)?;
        if let Some(actor) = &entry.actor {
            return Some(actor.clone());
        }
        if !matches!(entry.state, TicketState::Open | TicketState::Closed) {
            return None;
        }
        let myself = self.myself.clone();
        let stored = TicketSource::Stored {
            guild: self.guild,
            number,
        };
        match self.start_ticket_actor(&myself, number, stored) {
            Ok(actor) => Some(actor),
            Err(error) => {
                warn!(ticket = number, %error, "could not start the ticket actor");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_intake_entries_are_dropped_at_start_and_forgotten_in_the_store() {
        let now = 10 * 86_400_000 + 5_000;
        let mut settings = GuildSettings::default();
        settings.intake.cooldown_minutes = 1;
        let opens = |last_open: i64| MemberOpens {
            last_open,
            day: last_open.div_euclid(86_400_000),
            today: 1,
        };
        let block = |until| BlockEntry {
            until,
            reason: String::new(),
            by: 1,
        };
        let snapshot = IntakeSnapshot {
            opens: vec![(1, opens(now - 1_000)), (2, opens(now - 2 * 86_400_000))],
            blocks: vec![
                (BlockTarget::Member(3), block(None)),
                (BlockTarget::Role(4), block(Some(now - 1))),
            ],
        };
        let (book, stale) = IntakeBook::from_snapshot(9, snapshot, &settings, now);
        let book = book.expect("live entries");
        assert!(book.opens.contains_key(&1) && !book.opens.contains_key(&2));
        assert!(book.blocks.contains_key(&BlockTarget::Member(3)));
        assert_eq!(
            stale,
            vec![
                WriteOp::RemoveMemberOpens { guild: 9, user: 2 },
                WriteOp::RemoveBlock {
                    guild: 9,
                    target: BlockTarget::Role(4)
                },
            ]
        );
        let (none, _) = IntakeBook::from_snapshot(9, IntakeSnapshot::default(), &settings, now);
        assert!(
            none.is_none(),
            "an unused intake costs an idle guild nothing"
        );
    }

    #[test]
    fn a_book_is_allocated_by_the_first_write_not_by_reads() {
        let mut book = LazyBook::default();
        assert!(book.tickets.is_empty() && !book.by_channel.contains_key(&7));
        assert!(book.0.is_none(), "reads allocate nothing");
        book.open_by_member.insert(7, 1);
        assert!(book.0.is_some());
        assert_eq!(book.open_by_member.get(&7), Some(&1));
    }

    #[test]
    fn the_server_language_is_the_chosen_one_else_discords_else_english() {
        let chosen = |code: &str| GuildSettings {
            language: Some(code.to_owned()),
            ..GuildSettings::default()
        };
        let none = GuildSettings::default();
        assert_eq!(server_lang(&none, None), Lang::English);
        assert_eq!(server_lang(&none, Some(Lang::French)), Lang::French);
        assert_eq!(server_lang(&chosen("de"), Some(Lang::French)), Lang::German);
        // A code a later version stored and this one does not speak: Discord's again.
        assert_eq!(server_lang(&chosen("ja"), Some(Lang::French)), Lang::French);
    }

    #[test]
    fn a_second_open_is_a_double_click_only_within_the_window() {
        let first = Instant::now();
        assert!(!is_double_click(None, first), "a first click is never one");
        assert!(is_double_click(Some(&first), first));
        let just_inside = first + DOUBLE_CLICK_WINDOW - Duration::from_millis(1);
        assert!(is_double_click(Some(&first), just_inside));
        let past = first + DOUBLE_CLICK_WINDOW;
        assert!(
            !is_double_click(Some(&first), past),
            "a click once the window passed is a new request"
        );
    }
}
