//! The guild actor: one per guild, long-lived. It owns the guild's settings, ticket counter and
//! the in-memory view of its tickets (for limits), decides every open request, and supervises one
//! ticket actor per ticket whose channel exists.
//!
//! # Messages ([`GuildMsg`])
//! - `Interaction` (router): a person's command, click, select or modal in this guild.
//! - `TicketUpdated` (ticket actors): a ticket changed state; keeps limit counts exact.
//! - `ChannelDeleted`, `MemberLeft` (router): Discord-side changes made by people.
//! - `Drain` (router, shutdown): finish queued work, stop ticket actors, reply.
//! - `InjectPanic`, `InjectTicketPanic`: fault hooks for the supervision tests.
//! - `RespawnTicket`, `LineTick` (self): restart a failed ticket actor after its backoff; tell
//!   waiting members their place as the line ([`super::line`]) moves.
//! - `CategoryCreated` (self): a tickets category this actor asked for exists (or failed); the
//!   opens that waited for it go on.
//! - `Held` (router): the guild is in a Discord outage (`true`) or back (`false`); while held,
//!   no ticket in line starts provisioning.
//! - `DeadlineDue` (router, from the clock): handed to the ticket's actor, started if need be;
//!   a deadline of a ticket that no longer has a channel is removed here.
//! - `HumanMessage` (router): activity in a ticket channel, handed to its actor (a running one,
//!   or any while a stale warning waits for an answer).
//!
//! Architecture Invariant: this actor awaits no REST call while handling a member's click. REST
//! calls for one ticket run in that ticket's actor; answers to people run on their own tasks
//! ([`reply`]); a category that opens need is created on a task of its own while those opens
//! wait, acknowledged, in [`Book::awaiting_category`]. Clicks queued in this actor's mailbox
//! are not acknowledged yet: an await here would hold every one of them back (a mid-burst
//! overflow category took 110–230 ms). The remaining awaits are the store's reads at start and
//! admin setup in the hub (rare, and acknowledged first).

use std::{
    sync::{Arc, atomic::Ordering},
    time::{Duration, Instant},
};

use ractor::{Actor, ActorProcessingErr, ActorRef, SupervisionEvent};
use tracing::{Instrument, info_span, warn};

use crate::{
    domain::{
        access::ClaimRequest,
        custom_id::{self, Action, fields},
        deadline::Deadline,
        model::{Snowflake, TicketState},
    },
    store::{GuildSnapshot, WriteOp},
};

use super::guild_state::LINE_TICK;
pub use super::guild_state::{GuildState, TicketEntry};
use super::guild_state::{IntakeBook, LazyBook};
pub use crate::ui::components::string_select;

use super::{
    BotContext,
    backoff::Backoff,
    hub,
    incoming::{Incoming, IncomingKind},
    intake,
    protocol::{GuildMsg, InteractionProgress},
    staff,
    ticket::TicketMsg,
};
use crate::ui::text::{self, Text};

/// The first restart delay of a failed ticket actor.
const TICKET_RESTART: Duration = Duration::from_millis(100);

pub struct GuildArgs {
    pub ctx: BotContext,
    pub guild: Snowflake,
    /// Preloaded at start (one read for all guilds); `None` loads from the store.
    pub snapshot: Option<GuildSnapshot>,
    /// Where this actor reports how far it got through the router's interactions.
    pub progress: Arc<InteractionProgress>,
}

pub struct GuildActor;

impl Actor for GuildActor {
    type Msg = GuildMsg;
    type State = GuildState;
    type Arguments = GuildArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: GuildArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        // Boxed, like `handle`: what an idle actor's task carries inline is only the box.
        Box::pin(start_guild(myself, args)).await
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        // Boxed: the interaction and UI paths make a large state machine, which unboxed would be
        // carried inline by every idle guild actor's task for its whole life.
        Box::pin(handle_guild(myself, message, state)).await
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        // Boxed like `handle`: ractor keeps this future inline in every actor's message loop.
        Box::pin(handle_supervision(myself, event, state)).await
    }
}

/// A ticket actor stopped: forget it, and restart it from the store (with back-off) if it failed.
async fn handle_supervision(
    myself: ActorRef<GuildMsg>,
    event: SupervisionEvent,
    state: &mut GuildState,
) -> Result<(), ActorProcessingErr> {
    match event {
        SupervisionEvent::ActorTerminated(cell, _, _) => {
            state.forget_actor(&cell);
        }
        SupervisionEvent::ActorFailed(cell, error) => {
            if let Some(number) = state.forget_actor(&cell) {
                // Its window slot is freed; the respawned actor resumes it outside the window.
                if state.book.line.finished(number, Instant::now()) {
                    state.pump(&myself).await?;
                }
                let backoff = state
                    .book
                    .failures
                    .entry(number)
                    .or_insert(Backoff::new(TICKET_RESTART))
                    .fail(Instant::now());
                warn!(guild = state.guild, ticket = number, %error, ?backoff, "ticket actor failed; restarting from the store");
                state.ctx.metrics.actor_restarts.inc();
                let me = myself.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(backoff).await;
                    let _ = me.cast(GuildMsg::RespawnTicket { number });
                });
            }
        }
        _ => {}
    }
    Ok(())
}

/// `pre_start` of the guild actor: its state from the store, and the repair of tickets caught
/// mid-provisioning.
async fn start_guild(
    myself: ActorRef<GuildMsg>,
    args: GuildArgs,
) -> Result<GuildState, ActorProcessingErr> {
    let snapshot = match args.snapshot {
        Some(s) => s,
        None => args.ctx.store.load_guild(args.guild).await?,
    };
    let (intake, stale) = IntakeBook::from_snapshot(
        args.guild,
        snapshot.intake,
        &snapshot.settings,
        super::ticket::now_millis(),
    );
    if !stale.is_empty() {
        // Lazily: an entry that comes back after a crash is only dropped again next time.
        drop(args.ctx.store.write_lazy(stale));
    }
    let mut state = GuildState {
        ctx: args.ctx,
        guild: args.guild,
        settings: Arc::new(snapshot.settings),
        counter: snapshot.counter,
        book: LazyBook::default(),
        intake,
        open_total: 0,
        progress: args.progress,
        myself: myself.clone(),
        guild_locale: None,
        ready: None,
    };
    let needs_repair = snapshot
        .tickets
        .iter()
        .any(|t| t.state == TicketState::Provisioning);
    // Only when a ticket was caught mid-provisioning is the guild's channel list fetched, to
    // adopt a channel created just before a crash instead of creating a second one.
    let existing = if needs_repair {
        match state.ctx.discord.guild_channels(state.guild).await {
            Ok(channels) => Some(Arc::new(channels)),
            Err(error) => {
                warn!(guild = state.guild, %error, "could not list channels for repair");
                None
            }
        }
    } else {
        None
    };
    // Before the tickets: a ticket caught mid-handover resumes with its ready channel.
    super::ready::start(&mut state, snapshot.ready, &snapshot.tickets);
    let mut tickets = snapshot.tickets;
    tickets.sort_by_key(|t| t.number);
    let access_pending: Vec<u64> = tickets
        .iter()
        .filter(|t| t.staff.access_pending)
        .map(|t| t.number)
        .collect();
    for record in tickets {
        state.track(&record);
        let resume = state.resume_provision(&record, existing.clone());
        match resume {
            // Without the channel list, creating a channel now could duplicate one; the
            // record stays Provisioning and is repaired at the next start.
            Some(_) if existing.is_none() => state.spawn_ticket(&myself, record, None).await?,
            // Waiting tickets keep their place: the line is rebuilt in number order.
            Some(provision) => {
                state
                    .book
                    .line
                    .push(record.number, record.opener, (record, provision))
            }
            // Open and closed tickets get their actor on first use (`ticket_actor`): a bot
            // with thousands of quiet tickets starts fast and stays small.
            None => {}
        }
    }
    // A claim, unclaim or transfer cut short by a crash: its actor re-derives the overwrites.
    for number in access_pending {
        if let Some(actor) = state.ticket_actor(number) {
            let settings = state.settings.clone();
            let _ = actor.cast(TicketMsg::RepairAccess { settings });
        }
    }
    state.pump(&myself).await?;
    Ok(state)
}

/// One interaction, in its root span, speaking the member's language; the progress the router
/// reads after a failure is published around it.
async fn handle_interaction(
    myself: &ActorRef<GuildMsg>,
    state: &mut GuildState,
    seq: u64,
    incoming: Incoming,
) -> Result<(), ActorProcessingErr> {
    let span = info_span!(
        parent: None,
        "interaction",
        id = incoming.id,
        guild = incoming.guild,
        user = incoming.user
    );
    state.progress.started.store(seq, Ordering::Release);
    state.heard_locale(incoming.guild_locale);
    // What is said in the handling speaks the member's language; channel messages are
    // built in the server's (`GuildState::channel_lang`).
    let lang = incoming.locale;
    text::speaking(lang, state.interaction(myself, incoming))
        .instrument(span)
        .await?;
    state.progress.finished.store(seq, Ordering::Release);
    Ok(())
}

/// `handle` of the guild actor.
async fn handle_guild(
    myself: ActorRef<GuildMsg>,
    message: GuildMsg,
    state: &mut GuildState,
) -> Result<(), ActorProcessingErr> {
    match message {
        GuildMsg::Interaction { seq, incoming } => {
            handle_interaction(&myself, state, seq, *incoming).await?;
        }
        GuildMsg::TicketUpdated(record) => {
            state.track(&record);
            super::ready::ticket_settled(state, &record);
            if record.state != TicketState::Provisioning
                && state.book.line.finished(record.number, Instant::now())
            {
                state.pump(&myself).await?;
            }
        }
        GuildMsg::LineTick => {
            state.tell_places();
            if state.book.line.is_empty() {
                state.book.line_ticking = false;
            } else {
                myself.send_after(LINE_TICK, || GuildMsg::LineTick);
            }
        }
        GuildMsg::ChannelDeleted { channel } => {
            state.channel_deleted(channel).await;
            // A pooled channel may be the one gone: the pool refills.
            super::ready::consider(state);
        }
        GuildMsg::MemberLeft { user } => member_left(state, user),
        GuildMsg::Drain { deadline, reply } => {
            if tokio::time::timeout_at(deadline, drain(&myself, state, deadline))
                .await
                .is_err()
            {
                warn!(
                    guild = state.guild,
                    "shutdown deadline reached while draining"
                );
            }
            let _ = reply.send(());
        }
        GuildMsg::WakeTickets(reply) => {
            let numbers: Vec<u64> = state.book.tickets.keys().copied().collect();
            let running = numbers
                .into_iter()
                .filter(|number| state.ticket_actor(*number).is_some())
                .count();
            started(state).await;
            let _ = reply.send(running);
        }
        GuildMsg::CategoryCreated => {
            // A drain may have handled it already, and then started another creation.
            let finished = state
                .book
                .awaiting_category
                .as_ref()
                .and_then(|a| a.creation.peek().cloned());
            if let Some(created) = finished {
                state.category_created(&myself, created).await?;
            }
        }
        GuildMsg::Held(held) => {
            // Read first: setting the flag on a guild without a book makes one.
            if state.book.held != held {
                state.book.held = held;
                state.pump(&myself).await?;
            }
        }
        GuildMsg::InjectPanic => panic!("injected fault: guild actor panic"),
        GuildMsg::InjectTicketPanic { number } => {
            if let Some(actor) = state.ticket_actor(number) {
                let _ = actor.cast(TicketMsg::InjectPanic);
            }
        }
        GuildMsg::RespawnTicket { number } => respawn_ticket(&myself, state, number).await?,
        GuildMsg::DeadlineDue(deadline) => deadline_due(state, deadline),
        message @ (GuildMsg::ReadyTick
        | GuildMsg::ReadyCreated(_)
        | GuildMsg::ReadyListed(_)
        | GuildMsg::ReadyCategoryCreated(_)
        | GuildMsg::ChannelUpdated { .. }) => super::ready::handle(state, message),
        GuildMsg::HumanMessage {
            channel,
            author,
            roles,
        } => human_message(state, channel, author, &roles),
    }
    Ok(())
}

/// A deadline of one of this guild's tickets passed: its actor decides (see `domain::stale`).
fn deadline_due(state: &mut GuildState, deadline: Deadline) {
    let number = deadline.key.number;
    let provisioning = matches!(
        state.book.tickets.get(&number).map(|e| e.state),
        Some(TicketState::Provisioning)
    );
    let settings = state.settings.clone();
    match state.ticket_actor(number) {
        Some(actor) => {
            let _ = actor.cast(TicketMsg::DeadlineDue {
                kind: deadline.key.kind,
                settings,
            });
        }
        // Its actor is not running yet: the clock fires it again later.
        None if provisioning => {}
        None => {
            // No channel any more (deleted, failed, unknown): nothing to warn or close.
            let (store, clock) = (state.ctx.store.clone(), state.ctx.clock.clone());
            tokio::spawn(async move {
                if store
                    .write_lazy(vec![WriteOp::RemoveDeadline(deadline.key)])
                    .await
                    .is_ok()
                {
                    clock.done(deadline.key);
                }
            });
        }
    }
}

/// A human wrote in `channel`: if it is a ticket's, its actor hears of it. A ticket without a
/// running actor is told only when inactivity is on (its actor then starts to hear it); the
/// others learn the time from the channel's last message when a deadline asks.
fn human_message(
    state: &mut GuildState,
    channel: Snowflake,
    author: Snowflake,
    roles: &[Snowflake],
) {
    let Some(number) = state.ticket_in_channel(channel) else {
        return;
    };
    let Some(entry) = state.book.tickets.get(&number) else {
        return;
    };
    let staff = crate::domain::access::is_staff(
        &crate::domain::access::Member {
            user: author,
            roles,
            permissions: 0,
        },
        &state.settings.staff_roles,
    );
    let wanted = crate::domain::stale::message_matters(
        state.settings.any_inactivity_on(),
        entry.awaiting_reply,
        staff && !entry.answered && author != entry.opener,
    );
    if entry.state != TicketState::Open || (entry.actor.is_none() && !wanted) {
        return;
    }
    let settings = state.settings.clone();
    if let Some(actor) = state.ticket_actor(number) {
        let _ = actor.cast(TicketMsg::HumanMessage {
            author,
            staff,
            settings,
        });
    }
}

/// A member left: their place in line is released and their open tickets say so.
fn member_left(state: &mut GuildState, user: Snowflake) {
    state.leave_line(user);
    let theirs: Vec<u64> = state
        .book
        .tickets
        .iter()
        .filter(|(_, e)| e.opener == user && e.state == TicketState::Open)
        .map(|(n, _)| *n)
        .collect();
    for number in theirs {
        if let Some(actor) = state.ticket_actor(number) {
            let _ = actor.cast(TicketMsg::MemberLeft {
                user,
                settings: state.settings.clone(),
            });
        }
    }
}

/// Shutdown: acknowledged opens waiting for a category, and tickets still in line, are finished
/// now, not left for a restart; then the ticket actors drain.
async fn drain(
    myself: &ActorRef<GuildMsg>,
    state: &mut GuildState,
    deadline: tokio::time::Instant,
) -> Result<(), ActorProcessingErr> {
    while let Some(creation) = state
        .book
        .awaiting_category
        .as_ref()
        .map(|a| a.creation.clone())
    {
        let created = creation.await;
        state.category_created(myself, created).await?;
    }
    // Only a guild with a book has a line or actors starting; reading it allocates none.
    if !state.book.line.is_empty() {
        state.book.line.open_window();
        state.pump(myself).await?;
    }
    started(state).await;
    myself
        .get_cell()
        .drain_children_and_wait(Some(
            deadline.saturating_duration_since(tokio::time::Instant::now()),
        ))
        .await;
    Ok(())
}

/// Waits until every ticket actor spawned so far runs (and so is linked as a child).
async fn started(state: &mut GuildState) {
    if !state.book.starting.is_empty() {
        for started in state.book.starting.drain(..) {
            let _ = started.await;
        }
    }
}

/// A failed ticket actor's backoff is over: start it again from its stored record.
async fn respawn_ticket(
    myself: &ActorRef<GuildMsg>,
    state: &mut GuildState,
    number: u64,
) -> Result<(), ActorProcessingErr> {
    match state.ctx.store.ticket(state.guild, number).await {
        Ok(Some(record)) if record.state != TicketState::Deleted => {
            let resume = state.resume_provision(&record, None);
            state.track(&record);
            // A Provisioning ticket without the channel list is left for the next start's
            // repair rather than risk a duplicate channel.
            let resume = resume.filter(|_| record.channel.is_some());
            state.spawn_ticket(myself, record, resume).await?;
        }
        Ok(_) => {}
        Err(error) => warn!(guild = state.guild, number, %error, "could not reload ticket"),
    }
    Ok(())
}

/// The guild's interactions, dispatched to the open path, the ticket actors and the hub; apart
/// from the rest of [`GuildState`] so the hub, which works on that state, is not imported by the
/// module it is called from.
impl GuildState {
    async fn interaction(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        incoming: Incoming,
    ) -> Result<(), ActorProcessingErr> {
        if self.ctx.faults.take_panic_in_next_interaction() {
            panic!("injected fault: guild actor panic while handling an interaction");
        }
        match &incoming.kind {
            IncomingKind::Command { path, options } => {
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                use super::commands::{
                    AUTOCLOSE, MANAGE, MENU, MODE, NUMBER, PANEL, STATS, TICKET, TICKETS,
                    TRANSCRIPT,
                };
                match path.as_slice() {
                    [TICKETS, AUTOCLOSE] => self.set_autoclose(&incoming, options.get(MODE)),
                    [TICKET, PANEL] => hub::post_default_panel(self, &incoming).await?,
                    [TICKET, super::commands::CLAIM_MODE] => staff::set_claim_mode(self, &incoming),
                    [TICKET | TICKETS, TRANSCRIPT] => {
                        self.send_transcript(&incoming, options.get(NUMBER)).await
                    }
                    [TICKETS, STATS] if options.contains_key(super::commands::USER) => {
                        staff::staff_figures(self, &incoming)
                    }
                    [TICKET | TICKETS, STATS] => self.send_stats(&incoming),
                    [TICKET, MENU] | [TICKET] => hub::show_hub(self, &incoming).await?,
                    [TICKETS, MANAGE] | [TICKETS] => hub::show_manage(self, &incoming).await?,
                    [TICKETS, super::commands::CLAIM] => {
                        staff::command(self, &incoming, Some(ClaimRequest::Claim))
                    }
                    [TICKETS, super::commands::UNCLAIM] => {
                        staff::command(self, &incoming, Some(ClaimRequest::Unclaim))
                    }
                    [TICKETS, super::commands::TRANSFER] => staff::command(self, &incoming, None),
                    [TICKETS, super::commands::CLOSE] => {
                        staff::close_command(self, &incoming, false)
                    }
                    [TICKETS, super::commands::REQUEST_CLOSE] => {
                        staff::close_command(self, &incoming, true)
                    }
                    [TICKETS, super::commands::PRIORITY] => {
                        staff::priority_command(self, &incoming)
                    }
                    [TICKETS, super::commands::RENAME] => staff::rename_command(self, &incoming),
                    [TICKETS, super::commands::LIST] => staff::list_command(self, &incoming),
                    [TICKETS, super::commands::MOVE] => {
                        staff::move_command(self, myself, &incoming)
                    }
                    [TICKETS, super::commands::NOTES] => staff::notes_command(self, &incoming),
                    _ => {
                        warn!(command = ?path, "unknown command");
                        self.refuse(&incoming, Text::UnknownCommand.text());
                    }
                }
            }
            IncomingKind::Autocomplete { path, focused, .. } => {
                staff::autocomplete(self, &incoming, path, focused)
            }
            IncomingKind::Component { custom_id, .. } | IncomingKind::Modal { custom_id, .. } => {
                match custom_id::decode(custom_id) {
                    Ok(action) => self.action(myself, &incoming, action).await?,
                    Err(error) => {
                        warn!(%error, "unknown or malformed custom id");
                        self.refuse(&incoming, Text::UnknownComponent.text());
                    }
                }
            }
        }
        Ok(())
    }

    async fn action(
        &mut self,
        myself: &ActorRef<GuildMsg>,
        incoming: &Incoming,
        action: Action,
    ) -> Result<(), ActorProcessingErr> {
        match action {
            Action::OpenTicket
            | Action::TopicPage { .. }
            | Action::PickTopic { .. }
            | Action::PanelTopic
            | Action::PanelPick { .. }
            | Action::PanelPage { .. } => self.open_action(action, incoming, myself).await?,
            Action::Close { ticket } => {
                self.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Close {
                    by,
                    reason: None,
                    reply,
                    settings,
                });
            }
            Action::CloseReasonModal { ticket } => {
                let reason = match &incoming.kind {
                    IncomingKind::Modal { fields, .. } => fields
                        .get(fields::CLOSE_REASON)
                        .map(|r| r.trim().to_owned())
                        .filter(|r| !r.is_empty()),
                    _ => None,
                };
                self.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Close {
                    by,
                    reason,
                    reply,
                    settings,
                });
            }
            Action::CloseWithReason { ticket } => {
                hub::open_close_reason_modal(self, incoming, ticket)
            }
            Action::Reopen { ticket } => {
                self.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Reopen {
                    by,
                    reply,
                    settings,
                });
            }
            Action::Delete { .. } | Action::KeepOpen { .. } => self.ticket_button(incoming, action),
            Action::IntakeForm { .. }
            | Action::IntakePanelForm { .. }
            | Action::EditAnswers { .. }
            | Action::EditAnswersModal { .. } => {
                intake::action(self, myself, incoming, action).await?
            }
            // The staff workflow's and feedback's components first; what they do not handle is
            // the hub's.
            other => {
                if let Some(other) = staff::action(self, incoming, other)
                    .and_then(|other| super::feedback::action(self, incoming, other))
                {
                    hub::handle(self, incoming, other).await?
                }
            }
        }
        Ok(())
    }

    /// A member's way to a new ticket: a panel's button or topic select, the topic picker
    /// and its pages. A topic is taken only if the panel it came from offers it.
    async fn open_action(
        &mut self,
        action: Action,
        incoming: &Incoming,
        myself: &ActorRef<GuildMsg>,
    ) -> Result<(), ActorProcessingErr> {
        let clicked = match &incoming.kind {
            IncomingKind::Component { message, .. } => Some(*message),
            _ => None,
        };
        let (opener, panel, page) = match action {
            Action::OpenTicket => {
                let panel = clicked.filter(|m| self.panel(*m).is_some());
                let offered: Vec<u32> = match panel.and_then(|m| self.panel(m)) {
                    Some(p) => p
                        .offered(&self.settings.topics)
                        .iter()
                        .map(|t| t.id)
                        .collect(),
                    None => self.settings.topics.iter().map(|t| t.id).collect(),
                };
                let own_one = panel
                    .and_then(|m| self.panel(m))
                    .is_some_and(|p| !p.topics.is_empty());
                return match offered.as_slice() {
                    [] => intake::open_clicked(self, myself, incoming, (None, panel)).await,
                    // A panel set up for one topic opens it without asking.
                    &[topic] if own_one => {
                        let to = (Some(topic), panel);
                        intake::open_clicked(self, myself, incoming, to).await
                    }
                    _ => {
                        hub::show_topic_picker(self, incoming, 0, false, panel);
                        Ok(())
                    }
                };
            }
            Action::TopicPage { opener, page } => (opener, None, Some(page)),
            Action::PanelPage {
                opener,
                panel,
                page,
            } => (opener, Some(panel), Some(page)),
            Action::PickTopic { opener } => (opener, None, None),
            Action::PanelPick { opener, panel } => (opener, Some(panel), None),
            // The select on the panel itself is everyone's: the panel is its message.
            _ => (incoming.user, clicked, None),
        };
        if opener != incoming.user {
            // A forged or shared select can never put one member's choice in another's ticket.
            warn!(opener, "topic select used by another member");
            self.refuse(incoming, Text::MenuOfSomeoneElse.text());
            return Ok(());
        }
        if let Some(page) = page {
            hub::show_topic_picker(self, incoming, page, true, panel);
            return Ok(());
        }
        let chosen = match &incoming.kind {
            IncomingKind::Component { values, .. } => values
                .first()
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|id| {
                    let panel = panel.and_then(|m| self.panel(m));
                    crate::domain::panel::offers(panel, &self.settings.topics, *id)
                }),
            _ => None,
        };
        match chosen {
            Some(topic) => {
                let to = (Some(topic), panel);
                intake::open_clicked(self, myself, incoming, to).await?
            }
            None => {
                warn!(?panel, "a topic the panel does not offer, or gone");
                self.refuse(incoming, Text::TopicGonePickAgain.text());
            }
        }
        Ok(())
    }

    /// Delete and Keep open: a person's request to the ticket's actor.
    fn ticket_button(&mut self, incoming: &Incoming, action: Action) {
        match action {
            Action::Delete { ticket } => {
                self.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Delete {
                    by,
                    reply,
                    settings,
                });
            }
            Action::KeepOpen { ticket } => {
                self.to_ticket(incoming, ticket, |by, reply, settings| {
                    TicketMsg::KeepOpen {
                        by,
                        reply,
                        settings,
                    }
                });
            }
            _ => {}
        }
    }

    /// `/tickets autoclose mode:on|off` in a ticket channel (staff only).
    fn set_autoclose(&mut self, incoming: &Incoming, mode: Option<&String>) {
        use super::commands::{OFF, ON};
        if !self.is_staff(incoming) {
            self.refuse(incoming, Text::NotStaff.english());
            return;
        }
        let on = match mode.map(String::as_str) {
            Some(ON) => true,
            Some(OFF) => false,
            other => {
                warn!(mode = ?other, "autoclose without a known mode");
                self.refuse(incoming, Text::NotUnderstood.english());
                return;
            }
        };
        let Some(number) = self.ticket_in_channel(incoming.channel) else {
            self.refuse(incoming, Text::NotInTicket.english());
            return;
        };
        self.to_ticket(incoming, number, |by, reply, settings| {
            TicketMsg::SetAutoclose {
                on,
                by,
                reply,
                settings,
            }
        });
    }
}
