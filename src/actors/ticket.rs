//! The ticket actor: one per ticket whose channel exists, the only code that changes that channel
//! (Architecture Invariant). Its mailbox serializes everything done to the channel, so a close
//! pressed twice closes once and a delete sent during a close runs after it.
//!
//! # Messages ([`TicketMsg`])
//! All are sent by this ticket's guild actor, which has already decoded the custom id and decided
//! whether the person is staff; the ticket actor applies the per-ticket rules (opener or staff).
//! - `Provision`: create (or adopt after a crash) the channel for a freshly committed number, post
//!   the welcome message, DM the opener and answer the click.
//! - `Close`, `Reopen`, `Delete`, `AddUsers`, `RemoveUsers`: a person's request, answered through
//!   the carried [`Reply`].
//! - `CloseQuietly` (close-all), `ApplyOverwrites` (staff roles changed), `MoveTo` (its topic
//!   was removed): admin operations over many tickets.
//! - `ChannelDeleted`: the channel was deleted by hand in Discord; the record is closed.
//! - `MemberLeft`: the opener or a participant left the server; logged in the channel.
//! - `DeadlineDue` (the clock, through the router and guild actor), `HumanMessage` (router),
//!   `KeepOpen` (the warning's button), `SetAutoclose` (`/tickets autoclose`),
//!   `InactivityChanged` (the hub saved the setting): inactivity, in [`stale`].
//! - `InjectPanic`: fault hook for the supervision tests.
//! - `Claim` (claim, unclaim, transfer): a staff member's request, answered through the
//!   carried [`Reply`]; `RepairAccess`: re-derive the overwrites after a crash mid-edit.
//! - `RequestClose`, `AnswerCloseRequest`: a close asked of the other side, and its answer.
//! - `Move`: to another topic; `SetPriority`, `Rename` (and `RenameDue`, sent to itself);
//!   `Notes`: the staff notes thread ([`notes`]).
//!
//! After each change the actor persists the record and tells the guild actor
//! (`GuildMsg::TicketUpdated`), which keeps the counts the limits need.

mod feedback;
mod intake;
mod notes;
mod presentation;
mod staff;
mod stale;
mod thread;

use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef};
use tokio::sync::oneshot;
use tracing::{Instrument, info, info_span, warn};
use twilight_model::{
    channel::{
        ChannelType, Message,
        message::{
            Component, Embed, MessageType,
            embed::{EmbedField, EmbedFooter},
        },
    },
    http::attachment::Attachment,
};

use crate::{
    discord::{ChannelSummary, Discord, DiscordError, OutgoingMessage, channel_link, codes},
    domain::{
        access::{self, ClaimRequest, TicketOp},
        custom_id::{self, Action},
        deadline::DeadlineKind,
        lifecycle::{self, Step},
        limits,
        model::{
            Answer, EventKind, GuildSettings, Priority, Snowflake, TicketEvent, TicketRecord,
            TicketState,
        },
        naming, privileged,
        rename::RenameBudget,
        transcript::{
            self, TranscriptAttachment, TranscriptDoc, TranscriptEmbed, TranscriptMessage,
            TranscriptMeta, TranscriptPoll,
        },
    },
    store::{CommitReceipt, WriteOp},
    web::Audience,
};

use super::{
    BotContext,
    log::{GuildLog, LogEntry},
    protocol::GuildMsg,
};
use crate::discord::reply::Reply;
use crate::ui::intake::with_answers;
/// Re-exported for the benchmark's null bot, which posts the same welcome.
pub use crate::ui::ticket_messages::welcome_message;
use crate::ui::{
    text::{self, Lang, SharedLang, Text, t},
    ticket_messages::{
        ClosedLog, closed_answer, closed_controls, closed_dm_with_reason, closed_log,
        closed_message, event_line, member_left_message, people_changed_answer, people_changed_log,
        rating_buttons, rating_prompt, reopened_message, with_hours_notice,
    },
};
pub use feedback::rated;

/// Who asks for a change, as the guild actor judged them.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub user: Snowflake,
    pub is_staff: bool,
    /// Administrator or Manage Server (`access::is_admin`).
    pub is_admin: bool,
}

pub enum TicketMsg {
    Provision(Box<Provision>),
    Close {
        by: Person,
        reason: Option<String>,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    Reopen {
        by: Person,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    Delete {
        by: Person,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    AddUsers {
        by: Person,
        /// `(user, is_bot)` as the select resolved them.
        users: Vec<(Snowflake, bool)>,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    RemoveUsers {
        by: Person,
        /// `(user, is_bot)` as the select resolved them.
        users: Vec<(Snowflake, bool)>,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    /// Close-all: close if open (already closed ones untouched), answer `done` with whether it did.
    CloseQuietly {
        by: Person,
        settings: Arc<GuildSettings>,
        done: oneshot::Sender<bool>,
    },
    /// Staff roles changed: rewrite this channel's overwrites.
    ApplyOverwrites {
        settings: Arc<GuildSettings>,
    },
    /// The ticket's topic was removed: move the channel under `parent`.
    MoveTo {
        parent: Snowflake,
        settings: Arc<GuildSettings>,
        done: oneshot::Sender<()>,
    },
    ChannelDeleted {
        settings: Arc<GuildSettings>,
    },
    MemberLeft {
        user: Snowflake,
        settings: Arc<GuildSettings>,
    },
    DeadlineDue {
        kind: DeadlineKind,
        settings: Arc<GuildSettings>,
    },
    /// A human (not a bot) wrote in the channel; `staff` as their roles say.
    HumanMessage {
        author: Snowflake,
        staff: bool,
        settings: Arc<GuildSettings>,
    },
    KeepOpen {
        by: Person,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    SetAutoclose {
        on: bool,
        by: Person,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    InactivityChanged {
        settings: Arc<GuildSettings>,
    },
    /// Fault hook: panics inside the handler, as a bug would.
    InjectPanic,
    // Staff workflow.
    /// Claim, unclaim or transfer, answered through the carried [`Reply`].
    Claim {
        by: Person,
        request: ClaimRequest,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    /// At start, for a record whose access edit a crash interrupted: re-derive the overwrites.
    RepairAccess {
        settings: Arc<GuildSettings>,
    },
    /// Ask the other side to confirm a close, with an optional reason.
    RequestClose {
        by: Person,
        reason: Option<String>,
        /// Close by itself this many hours from now unless the other side replies.
        delay_hours: Option<u32>,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    /// Close (`accept`) or Keep open on a close request.
    AnswerCloseRequest {
        by: Person,
        accept: bool,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    SetPriority {
        by: Person,
        priority: Priority,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    /// Rename the channel now if the budget allows, else when it does.
    Rename {
        by: Person,
        name: String,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    /// The rename budget has room again for the waiting name (sent to itself).
    RenameDue {
        settings: Arc<GuildSettings>,
    },
    /// The opener rates the closed ticket (or comments on the rating), from the close DM.
    Feedback {
        by: Snowflake,
        rating: crate::domain::feedback::Rating,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    /// `/tickets notes`: the staff notes thread, with the person in it.
    Notes {
        by: Person,
        reply: Reply,
    },
    /// Move to another topic, under `parent` (chosen by the guild actor as for an open).
    Move {
        by: Person,
        topic: u32,
        parent: Snowflake,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
    // Intake.
    /// The opener's Edit answers: answer the click with the form, prefilled.
    ShowAnswersForm {
        incoming: Box<super::incoming::Incoming>,
        settings: Arc<GuildSettings>,
    },
    /// The opener's edited answers, checked against the questions by the guild actor.
    SetAnswers {
        by: Person,
        answers: Vec<Answer>,
        reply: Reply,
        settings: Arc<GuildSettings>,
    },
}

impl TicketMsg {
    /// The language of the person this message answers, if it answers one.
    fn reply_lang(&self) -> Option<Lang> {
        match self {
            TicketMsg::Provision(p) => p.reply.as_ref().map(Reply::lang),
            TicketMsg::Close { reply, .. }
            | TicketMsg::Reopen { reply, .. }
            | TicketMsg::Delete { reply, .. }
            | TicketMsg::AddUsers { reply, .. }
            | TicketMsg::RemoveUsers { reply, .. }
            | TicketMsg::KeepOpen { reply, .. }
            | TicketMsg::SetAutoclose { reply, .. }
            | TicketMsg::Claim { reply, .. }
            | TicketMsg::RequestClose { reply, .. }
            | TicketMsg::AnswerCloseRequest { reply, .. }
            | TicketMsg::SetPriority { reply, .. }
            | TicketMsg::Rename { reply, .. }
            | TicketMsg::Move { reply, .. }
            | TicketMsg::Notes { reply, .. }
            | TicketMsg::Feedback { reply, .. }
            | TicketMsg::SetAnswers { reply, .. } => Some(reply.lang()),
            TicketMsg::ShowAnswersForm { incoming, .. } => Some(incoming.locale),
            TicketMsg::CloseQuietly { .. }
            | TicketMsg::ApplyOverwrites { .. }
            | TicketMsg::MoveTo { .. }
            | TicketMsg::ChannelDeleted { .. }
            | TicketMsg::MemberLeft { .. }
            | TicketMsg::DeadlineDue { .. }
            | TicketMsg::HumanMessage { .. }
            | TicketMsg::InactivityChanged { .. }
            | TicketMsg::RepairAccess { .. }
            | TicketMsg::RenameDue { .. }
            | TicketMsg::InjectPanic => None,
        }
    }
}

/// Everything provisioning needs; boxed because it dwarfs the other variants.
pub struct Provision {
    /// The click to answer; `None` when resuming after a restart.
    pub reply: Option<Reply>,
    /// Resolves once the number is durable; the channel is created only after.
    pub commit: Option<CommitReceipt>,
    pub parent: Option<Snowflake>,
    pub topic_name: Option<String>,
    pub settings: Arc<GuildSettings>,
    /// The guild's channels as found at start, to adopt a channel created before a crash.
    pub existing_channels: Option<Arc<Vec<ChannelSummary>>>,
    /// The answers to the intake form; `None` when resuming (they are in the store).
    pub answers: Option<Vec<Answer>>,
    /// A ready channel to make this ticket with one edit instead of a create; the pool's
    /// record names it as handed to this number, committed with the number.
    pub ready: Option<Snowflake>,
}

/// How making a ready channel the ticket went.
enum TakeOver {
    Done,
    /// Refused, or the channel is gone: create one instead (the guild actor gives the ready
    /// channel back to the pool when the ticket is not in it).
    Refused,
    /// The answer was lost: the edit may have landed. Left Provisioning for the next start,
    /// which finishes the same edit.
    Unknown(DiscordError),
}

pub struct TicketArgs {
    pub ctx: BotContext,
    pub guild_actor: ActorRef<GuildMsg>,
    pub ticket: TicketSource,
    pub log: GuildLog,
    /// The language of the server's channel messages, kept current by the guild actor.
    pub lang: SharedLang,
}

/// Where a ticket actor's record comes from.
pub enum TicketSource {
    /// The guild actor has it (a ticket being opened or resumed). Boxed: the other variant is
    /// two ids.
    Record(Box<TicketRecord>),
    /// Read from the store as the actor starts: actors of open tickets are started on first
    /// use, not all at once when the bot starts.
    Stored { guild: Snowflake, number: u64 },
}

pub struct TicketActorState {
    ctx: BotContext,
    guild_actor: ActorRef<GuildMsg>,
    record: TicketRecord,
    log: GuildLog,
    lang: SharedLang,
    /// The last human message while this actor ran; `None` after its start until a message
    /// arrives or a deadline rebuilds it from the channel (lazy state, never stored).
    activity: Option<crate::domain::stale::Activity>,
    /// The channel's rename budget and the name waiting for it (staff workflow).
    renames: Renames,
    /// The answers to the intake form, once known (given at the open, else read when needed).
    answers: Option<Vec<Answer>>,
}

/// The channel's rename budget (see [`presentation`]). Its spends are also stored in the
/// record (Discord remembers them across a restart of the bot); what waits for it is the
/// record's own state, sent by the timer.
#[derive(Default)]
struct Renames {
    budget: RenameBudget,
    /// A `RenameDue` is on its way; one is enough for any number of changes waiting.
    armed: bool,
}

pub struct TicketActor;

impl Actor for TicketActor {
    type Msg = TicketMsg;
    type State = TicketActorState;
    type Arguments = TicketArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        args: TicketArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        let record = match args.ticket {
            TicketSource::Record(record) => *record,
            TicketSource::Stored { guild, number } => {
                args.ctx.store.ticket(guild, number).await?.ok_or_else(|| {
                    format!("ticket #{number} of guild {guild} is not in the store")
                })?
            }
        };
        let renames = Renames {
            budget: RenameBudget::from_times(&record.trail.renamed_at),
            ..Renames::default()
        };
        Ok(TicketActorState {
            ctx: args.ctx,
            guild_actor: args.guild_actor,
            record,
            log: args.log,
            lang: args.lang,
            activity: None,
            renames,
            answers: None,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        let span = info_span!(
            "ticket",
            guild = state.record.guild,
            ticket = state.record.number
        );
        // A person's request is answered in their language; channel messages are built in the
        // server's (`in_channel_lang`).
        let lang = message.reply_lang().unwrap_or_else(|| state.lang.get());
        // Boxed: the close path's state machine is large, and unboxed it would be carried inline
        // by every ticket actor's task for its whole life.
        text::speaking(
            lang,
            Box::pin(async move {
                match message {
                    TicketMsg::Provision(p) => state.provision(*p).await,
                    TicketMsg::Close {
                        by,
                        reason,
                        reply,
                        settings,
                    } => {
                        state.close(by, reason, Some(reply), &settings).await;
                    }
                    TicketMsg::CloseQuietly { by, settings, done } => {
                        let closed = state.record.state == TicketState::Open
                            && state.close(by, None, None, &settings).await;
                        let _ = done.send(closed);
                    }
                    TicketMsg::ApplyOverwrites { settings } => {
                        state.apply_overwrites(&settings).await
                    }
                    TicketMsg::Reopen {
                        by,
                        reply,
                        settings,
                    } => state.reopen(by, reply, &settings).await,
                    TicketMsg::Delete {
                        by,
                        reply,
                        settings,
                    } => {
                        if state.delete(by, reply, &settings).await {
                            myself.stop(Some("deleted".into()));
                        }
                    }
                    TicketMsg::AddUsers {
                        by,
                        users,
                        reply,
                        settings,
                    } => state.change_users(by, users, true, reply, &settings).await,
                    TicketMsg::RemoveUsers {
                        by,
                        users,
                        reply,
                        settings,
                    } => state.change_users(by, users, false, reply, &settings).await,
                    TicketMsg::ChannelDeleted { settings } => {
                        state.channel_deleted(&settings).await;
                        myself.stop(Some("channel deleted".into()));
                    }
                    TicketMsg::MemberLeft { user, settings } => {
                        state.member_left(user, &settings).await
                    }
                    message @ (TicketMsg::DeadlineDue { .. }
                    | TicketMsg::HumanMessage { .. }
                    | TicketMsg::KeepOpen { .. }
                    | TicketMsg::SetAutoclose { .. }
                    | TicketMsg::InactivityChanged { .. }) => state.inactivity(message).await,
                    TicketMsg::InjectPanic => panic!("injected fault: ticket actor panic"),
                    intake @ (TicketMsg::ShowAnswersForm { .. } | TicketMsg::SetAnswers { .. }) => {
                        state.intake_message(&myself, intake).await
                    }
                    // The staff workflow's messages (and feedback), in their own block.
                    workflow => state.staff_message(&myself, workflow).await,
                }
            }),
        )
        .instrument(span)
        .await;
        Ok(())
    }
}

fn embed(title: &str, description: &str, color: u32) -> Embed {
    crate::discord::embed(title, description, color, None)
}

use crate::discord::colors::{BLUE, GREEN, RED};

impl TicketActorState {
    fn discord(&self) -> &Discord {
        &self.ctx.discord
    }

    /// `build` speaking the server's language: what goes into the channel, the log and the
    /// opener's DMs, whoever's request caused it.
    fn in_channel_lang<R>(&self, build: impl FnOnce() -> R) -> R {
        text::speaking_sync(self.lang.get(), build)
    }

    fn guild(&self) -> Snowflake {
        self.record.guild
    }

    /// The bot acting on its own (an inactivity close, a request's delay, an opener leaving):
    /// staff to the rules, never an admin.
    fn bot_person(&self) -> Person {
        Person {
            user: self.discord().bot_user_id(),
            is_staff: true,
            is_admin: false,
        }
    }

    /// Persists the record (durably) and tells the guild actor. A failed write is logged: the
    /// channel change already happened and the next change rewrites the whole record.
    async fn persist(&self, extra: Vec<WriteOp>) {
        let mut ops = extra;
        ops.push(WriteOp::PutTicket(self.record.clone()));
        if let Err(error) = self.ctx.store.write(ops).await {
            warn!(%error, "could not persist the ticket record");
        }
        self.updated();
    }

    /// Persists without waiting for a disk flush: only for a state a restart can rebuild. The
    /// receipt resolves once the write is committed (not fsync'd); the write happens whether or
    /// not anyone awaits it.
    fn persist_lazy(&self) -> CommitReceipt {
        self.persist_lazy_with(Vec::new())
    }

    /// [`Self::persist_lazy`] with `extra` ops in the same commit.
    fn persist_lazy_with(&self, extra: Vec<WriteOp>) -> CommitReceipt {
        let mut ops = extra;
        ops.push(WriteOp::PutTicket(self.record.clone()));
        let receipt = self.ctx.store.write_lazy(ops);
        self.updated();
        receipt
    }

    /// Adds a staff action to the record's trail; the caller persists it with the change.
    fn note(&mut self, by: Snowflake, what: EventKind) {
        let at = self.ctx.time.now();
        self.record.trail.record(TicketEvent { at, by, what });
    }

    fn updated(&self) {
        let _ = self
            .guild_actor
            .cast(GuildMsg::TicketUpdated(Box::new(self.record.clone())));
    }

    /// Queues a log entry (see [`super::log`]), written in the server's language; never waits
    /// for the log channel.
    /// `entry` gives the title and the description.
    fn log(&self, settings: &GuildSettings, entry: impl FnOnce() -> (Text, String), color: u32) {
        if let Some(channel) = settings.log_channel {
            let embed = self.log_embed(entry, color);
            self.log.post(LogEntry {
                channel,
                embed,
                files: Vec::new(),
                closes: None,
            });
        }
    }

    /// The close's entry: with the transcript's files, and remembered where it lands so the
    /// opener's rating can be shown in it.
    fn log_close(
        &self,
        settings: &GuildSettings,
        entry: impl FnOnce() -> (Text, String),
        files: Vec<Attachment>,
    ) {
        if let Some(channel) = settings.log_channel {
            let embed = self.log_embed(entry, RED);
            self.log.post(LogEntry {
                channel,
                embed,
                files,
                closes: Some(self.record.number),
            });
        }
    }

    fn log_embed(&self, entry: impl FnOnce() -> (Text, String), color: u32) -> Embed {
        self.in_channel_lang(|| {
            let (title, description) = entry();
            embed(title.text(), &description, color)
        })
    }

    fn link(&self) -> String {
        self.record
            .channel
            .map(|c| channel_link(self.guild(), c))
            .unwrap_or_default()
    }

    async fn provision(&mut self, mut p: Provision) {
        let mut reply = p.reply.take();
        if let Some(commit) = p.commit.take()
            && let Err(error) = commit.await
        {
            // The number never became durable: nothing was created, nobody is told a number.
            warn!(%error, "ticket number could not be committed");
            self.ctx.metrics.tickets_failed.inc();
            self.record.state = TicketState::Failed;
            self.updated();
            if let Some(reply) = reply {
                reply.send(Text::StorageFailed.text()).await;
            }
            return;
        }
        match p.answers.take() {
            Some(answers) => self.answers = Some(answers),
            None => self.load_answers(&p.settings).await,
        }
        if self.ctx.faults.halt_before_channel_create() {
            // Emulates a crash right after the durable commit: the actor goes quiet forever.
            info!("fault hook: halting between number commit and channel creation");
            std::future::pending::<()>().await;
        }
        if !self.adopt_existing(&p).await {
            return;
        }
        let number = self.record.number;
        let adopted = self.record.channel.is_some();
        if !adopted && !self.make_channel(&p, reply.as_ref()).await {
            return;
        }
        self.record.state = TicketState::Open;
        self.ctx.metrics.tickets_opened.inc();
        let warning = self.start_activity(&p.settings);
        // Not flushed to disk: the Provisioning record is durable, and a crash that loses this
        // write is repaired at start by adopting the channel (found by its topic), which arms
        // the warning again. So the warning deadline costs the open no fsync.
        let committed =
            self.persist_lazy_with(warning.map(WriteOp::PutDeadline).into_iter().collect());
        self.armed(warning);
        let channel = self.record.channel.unwrap_or_default();

        if !adopted || !self.welcome_posted(channel).await {
            let hours = p.settings.hours_for(self.record.topic);
            let notice = after_hours(hours, now_millis() / 1000);
            self.post_welcome(channel, p.topic_name.as_deref(), notice)
                .await;
        }
        // Whoever is shown the link finds the open record in the store: the commit (a store
        // linger at most) ran alongside the welcome post, so this rarely waits at all.
        if let Err(error) = committed.await {
            warn!(%error, "the open ticket record was not committed; a restart repairs it");
        }
        let link = self.link();
        if let Some(reply) = reply.as_mut() {
            reply
                .send_with(&t!(TicketOpenLink, number, link), Vec::new())
                .await;
        }
        // Best effort: the link is in the answer to the click as well; a refusal is logged.
        let _ = self
            .dm(
                self.record.opener,
                &OutgoingMessage {
                    content: Some(t!(TicketOpenLink, number, link)),
                    ..Default::default()
                },
            )
            .await;
        self.log(
            &p.settings,
            || {
                (
                    Text::LogOpenedTitle,
                    t!(LogOpened, number, opener = self.record.opener, channel),
                )
            },
            GREEN,
        );
    }

    /// After a crash the channel (by its metadata) or the thread (by its name) may exist
    /// already: adopted. False when a thread ticket could not be looked for: it waits for the
    /// next start rather than risk a second thread.
    async fn adopt_existing(&mut self, p: &Provision) -> bool {
        let number = self.record.number;
        if self.record.channel.is_none()
            && let Some(found) = p
                .existing_channels
                .as_deref()
                .and_then(|channels| find_ticket_channel(channels, number))
        {
            info!(
                channel = found,
                "adopted the ticket channel found after restart"
            );
            self.record.channel = Some(found);
        }
        if let Some(parent) = self
            .record
            .thread_in
            .filter(|_| self.record.channel.is_none())
            && p.existing_channels.is_some()
            && let Err(error) = self.adopt_thread(parent).await
        {
            warn!(%error, "could not look for the ticket's thread; left for the next start");
            return false;
        }
        true
    }

    /// Makes the ticket's channel from its ready channel, or else creates it; false (the
    /// person told why) when there is none.
    async fn make_channel(&mut self, p: &Provision, reply: Option<&Reply>) -> bool {
        if let Some(parent) = self.record.thread_in {
            return self.create_thread_for(parent, reply).await;
        }
        let Some(ready) = p.ready else {
            return self.create_for(p, reply).await;
        };
        match self.take_over(p, ready).await {
            TakeOver::Done => true,
            TakeOver::Refused => self.create_for(p, reply).await,
            TakeOver::Unknown(error) => {
                warn!(%error, channel = ready, "ready channel edit unconfirmed; left for repair at the next start");
                if let Some(reply) = reply {
                    let text = t!(CreateUnconfirmed, number = self.record.number);
                    reply.clone().send(&text).await;
                }
                false
            }
        }
    }

    /// One PATCH makes the ready channel the ticket (name, topic, parent, overwrites).
    async fn take_over(&mut self, p: &Provision, ready: Snowflake) -> TakeOver {
        let gone = p
            .existing_channels
            .as_deref()
            .is_some_and(|channels| !channels.iter().any(|c| c.id == ready));
        if gone {
            info!(
                channel = ready,
                "the ready channel was deleted; creating one"
            );
            let _ = self
                .guild_actor
                .cast(GuildMsg::ChannelDeleted { channel: ready });
            return TakeOver::Refused;
        }
        let overwrites = access::ticket_overwrites(
            self.guild(),
            self.discord().bot_user_id(),
            self.record.opener,
            &self.record.participants,
            &p.settings.staff_roles,
        );
        // As `presentation` derives it, so what the channel shows starts as the record says.
        let topic = self.topic_line(&p.settings, None);
        let name = naming::channel_name(self.record.number);
        let result = self
            .discord()
            .take_over_channel(self.guild(), ready, (&name, &topic), p.parent, &overwrites)
            .await;
        match result {
            Ok(()) => {
                info!(channel = ready, "a ready channel became the ticket");
                self.record.channel = Some(ready);
                // Discord counts the name and topic it was given against the channel's two
                // renames per 10 minutes.
                self.renames.budget.spend(now_millis());
                self.record.trail.renamed_at = self.renames.budget.times();
                self.pin_shown(&p.settings);
                TakeOver::Done
            }
            Err(error) if error.outcome_unknown() => TakeOver::Unknown(error),
            Err(error) => {
                if error.code() == Some(codes::UNKNOWN_CHANNEL) {
                    // Deleted by a person: the pool forgets it before this ticket settles.
                    let _ = self
                        .guild_actor
                        .cast(GuildMsg::ChannelDeleted { channel: ready });
                }
                warn!(%error, channel = ready, "the ready channel could not be used; creating one");
                TakeOver::Refused
            }
        }
    }

    /// Creates the channel of a ticket being provisioned; false (the person told why) when
    /// there is none.
    async fn create_for(&mut self, p: &Provision, reply: Option<&Reply>) -> bool {
        let text = match self.create_channel(p.parent, &p.settings).await {
            Created::Channel(channel) => {
                self.record.channel = Some(channel);
                // What it shows as created, before anything (a move, an edited subject) can
                // change what "as created" would compute to.
                self.pin_shown(&p.settings);
                return true;
            }
            Created::Unverified(error) => {
                // Discord may yet carry out the create: a Failed record would orphan that
                // channel. The record stays Provisioning, so the next start adopts the channel
                // by its topic or creates it.
                warn!(%error, "channel create unconfirmed; left for repair at the next start");
                t!(CreateUnconfirmed, number = self.record.number)
            }
            Created::Failed(error) => {
                warn!(%error, "could not create the ticket channel");
                self.failed(&error).await
            }
        };
        if let Some(reply) = reply {
            reply.clone().send(&text).await;
        }
        false
    }

    /// The open failed for good: the record says so durably; what the person is told.
    async fn failed(&mut self, error: &DiscordError) -> String {
        self.ctx.metrics.tickets_failed.inc();
        self.record.state = TicketState::Failed;
        self.persist(Vec::new()).await;
        t!(CreateFailed, error = error.person_message())
    }

    /// Creates the ticket's channel once. A create whose answer was lost (timeout, dropped
    /// connection, 5xx) may have happened anyway, so before it counts as failed the guild's
    /// channels are searched for one whose topic carries this number: a second click then never
    /// makes a duplicate, and a late success never leaves an orphan.
    async fn create_channel(&self, parent: Option<Snowflake>, settings: &GuildSettings) -> Created {
        let overwrites = access::ticket_overwrites(
            self.guild(),
            self.discord().bot_user_id(),
            self.record.opener,
            &self.record.participants,
            &settings.staff_roles,
        );
        // As `presentation` derives it, so what the channel shows starts as the record says.
        let topic = self.topic_line(settings, None);
        let name = naming::channel_name(self.record.number);
        let result = self
            .discord()
            .create_channel(
                self.guild(),
                &name,
                ChannelType::GuildText,
                parent,
                Some(&topic),
                &overwrites,
            )
            .await;
        let error = match result {
            Ok(channel) => return Created::Channel(channel),
            Err(error) if !error.outcome_unknown() => return Created::Failed(error),
            Err(error) => error,
        };
        warn!(%error, "the channel create may have landed anyway; looking for it");
        let mut verified = false;
        // Spaced out: Discord may still be working on the create whose answer was lost.
        for delay in [0u64, 300, 1_000, 2_000] {
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            match self.discord().guild_channels(self.guild()).await {
                Ok(channels) => {
                    verified = true;
                    if let Some(found) = find_ticket_channel(&channels, self.record.number) {
                        info!(
                            channel = found,
                            "adopted the channel whose create timed out"
                        );
                        return Created::Channel(found);
                    }
                }
                Err(list_error) => {
                    verified = false;
                    warn!(error = %list_error, "could not list channels to find the ticket's");
                }
            }
        }
        if verified {
            Created::Failed(error)
        } else {
            Created::Unverified(error)
        }
    }

    /// Discord refuses overwrites naming a role that was deleted (50035 Invalid Form Body, or
    /// 10011 Unknown Role). When a staff role in the settings is gone, returns `overwrites`
    /// without the roles Discord no longer knows, to try once more; `None` when that is not
    /// the cause.
    /// Sets this ticket channel's overwrites.
    async fn set_access(
        &self,
        channel: Snowflake,
        overwrites: &[access::Overwrite],
    ) -> Result<(), DiscordError> {
        self.discord()
            .set_overwrites(self.guild(), channel, overwrites)
            .await
    }

    async fn welcome_posted(&self, channel: Snowflake) -> bool {
        let close_id = custom_id::encode(&Action::Close {
            ticket: self.record.number,
        });
        match self.discord().all_messages(channel).await {
            Ok(messages) => messages.iter().any(|m| {
                serde_json::to_string(&m.components)
                    .map(|s| s.contains(&close_id))
                    .unwrap_or(false)
            }),
            Err(_) => false,
        }
    }

    /// The welcome: the ticket, its intake answers and, outside support hours set to open with a
    /// notice, when support opens again (`notice`).
    async fn post_welcome(&mut self, channel: Snowflake, topic: Option<&str>, notice: Option<i64>) {
        let answers = self.answers.as_deref().unwrap_or_default();
        let message = self.in_channel_lang(|| {
            let number = self.record.number;
            let welcome = welcome_message(number, self.record.opener, topic);
            with_hours_notice(with_answers(welcome, number, answers), notice)
        });
        match self
            .discord()
            .send_message(channel, &message, &[self.record.opener])
            .await
        {
            // Lazily: a restart that loses it finds the welcome by its Close button.
            Ok(id) => {
                self.record.staff.welcome_message = Some(id);
                drop(self.persist_lazy());
            }
            Err(error) => warn!(%error, "could not post the welcome message"),
        }
    }

    /// Sends a DM, reusing the cached DM channel. A member whose privacy settings refuse DMs is
    /// logged; nothing else fails.
    /// `Err` says, for the log, why it did not arrive. Discord's refusals (50007: no shared
    /// server, DMs closed) are final and not retried.
    async fn dm(&self, user: Snowflake, message: &OutgoingMessage) -> Result<(), String> {
        let cached = self.ctx.store.dm_channel(user).await.ok().flatten();
        let channel = match cached {
            Some(c) => c,
            None => match self.discord().open_dm(user).await {
                Ok(c) => {
                    // Fire and forget: losing this cache entry only costs one call later.
                    drop(
                        self.ctx
                            .store
                            .write_lazy(vec![WriteOp::PutDmChannel { user, channel: c }]),
                    );
                    c
                }
                Err(error) if error.code() == Some(codes::CANNOT_DM) => {
                    info!(user, "Discord refused a DM channel with this user");
                    return Err(self.in_channel_lang(|| Text::DmRefused.to_string()));
                }
                Err(error) => {
                    warn!(%error, user, "could not open a DM channel");
                    return Err(self.in_channel_lang(|| error.person_message()));
                }
            },
        };
        match self.discord().send_message(channel, message, &[]).await {
            Ok(_) => Ok(()),
            Err(error) if error.code() == Some(codes::CANNOT_DM) => {
                info!(user, "member left or does not accept DMs from the bot");
                Err(self.in_channel_lang(|| Text::DmRefused.to_string()))
            }
            Err(error) => {
                warn!(%error, user, "could not send a DM");
                Err(self.in_channel_lang(|| error.person_message()))
            }
        }
    }

    /// Closes an open ticket; true when it did. `reply` is `None` for close-all.
    async fn close(
        &mut self,
        by: Person,
        reason: Option<String>,
        reply: Option<Reply>,
        settings: &GuildSettings,
    ) -> bool {
        let refusal = match self.check(by, TicketOp::Close, Step::Close) {
            Err(refusal) => Some(refusal),
            Ok(_) if self.record.channel.is_none() => Some(Text::NoChannel.to_string()),
            Ok(_) => None,
        };
        if let Some(refusal) = refusal {
            if let Some(reply) = reply {
                reply.send(&refusal).await;
            }
            return false;
        }
        let channel = self.record.channel.unwrap_or_default();
        let reason = reason.and_then(|r| limits::parse_reason(&r));
        let read = self.read_for_transcript(channel).await;
        let mut rendered = self
            .in_channel_lang(|| self.render_transcript(&read, by.user, reason.clone(), settings));
        // Copied before the channel can go: Discord's links expire, and its files go with it.
        let kept = self.keep_files(&mut rendered.doc).await;
        // Access is removed before the record says Closed: a crash in between leaves an Open
        // record on a channel only staff can see (staff closes it again), never a Closed record
        // whose channel the opener still sees.
        if let Err(error) = self.ticket_access(channel, settings, false).await {
            warn!(%error, "could not lock the ticket channel; not closing");
            if let Some(reply) = reply {
                reply
                    .send(&t!(NotClosed, error = error.person_message()))
                    .await;
            }
            return false;
        }
        self.record.state = TicketState::Closed;
        self.record.closed_at = Some(now_millis());
        self.record.closed_by = Some(by.user);
        self.record.close_reason = reason.clone();
        // A waiting close request is answered by the close; its buttons go with the others.
        self.record.staff.close_request = None;
        let mut ops = self.disarm_all();
        ops.extend(self.transcript_writes(&mut rendered));
        ops.extend(kept);
        self.persist(ops).await;
        self.ctx.metrics.tickets_closed.inc();
        // The welcome's (and any reopen note's) Close buttons no longer apply.
        self.retire_controls(
            channel,
            live_controls(&read.messages, self.discord().bot_user_id()),
        );
        self.post_closed_message(channel, by.user, reason.as_deref())
            .await;
        self.archive_notes(true).await;
        self.archive_closed_thread(channel).await;
        let closed = Closed {
            by: by.user,
            reason,
            notes: read.notes,
        };
        self.hand_out_transcript(settings, &closed, &rendered).await;
        if let Some(reply) = reply {
            reply
                .send(&closed_answer(self.record.number, &closed.notes))
                .await;
        }
        true
    }

    /// The store writes of a close's transcript: staff's copy (what `/tickets transcript`
    /// answers staff with) and, with the web side on, the page's document.
    fn transcript_writes(&self, rendered: &mut Rendered) -> Vec<WriteOp> {
        let (html, text) = rendered.for_staff();
        let mut ops = vec![WriteOp::PutTranscript {
            guild: self.guild(),
            number: self.record.number,
            html: html.to_owned(),
            text: text.to_owned(),
        }];
        if self.ctx.links.is_some() {
            ops.push(WriteOp::PutTranscriptPage {
                guild: self.guild(),
                number: self.record.number,
                doc: Box::new(std::mem::take(&mut rendered.doc)),
            });
        }
        ops
    }

    /// The "closed" message with Delete and Reopen, remembered so a reopen can retire them.
    async fn post_closed_message(
        &mut self,
        channel: Snowflake,
        by: Snowflake,
        reason: Option<&str>,
    ) {
        let closed = self.in_channel_lang(|| closed_message(self.record.number, by, reason));
        match self.discord().send_message(channel, &closed, &[]).await {
            Ok(message) => {
                // Lazily: losing it in a crash only leaves its buttons enabled, and the state
                // check refuses them once they no longer apply.
                self.record.closed_message = Some(message);
                drop(self.persist_lazy());
            }
            Err(error) => warn!(%error, "could not post the closed message"),
        }
    }

    /// The transcript to the opener's DMs and the log channel (with whether the DM arrived, and
    /// what the transcript is missing, so the admins know).
    async fn hand_out_transcript(
        &self,
        settings: &GuildSettings,
        closed: &Closed,
        rendered: &Rendered,
    ) {
        let (html, text) = (rendered.html.as_str(), rendered.text.as_str());
        let number = self.record.number;
        let web = self.ctx.links.as_ref().map(|links| {
            (
                links.transcript(self.guild(), number, Audience::Opener),
                links.transcript(self.guild(), number, Audience::Staff),
            )
        });
        let (files, cut) = self.in_channel_lang(|| {
            transcript_files(number, html, text, self.ctx.upload_budget, web.is_some())
        });
        // Staff's copy carries the staff notes; the opener's (above) leaves them out.
        let staff_files = match &rendered.staff {
            Some((html, text)) => self.in_channel_lang(|| {
                transcript_files(number, html, text, self.ctx.upload_budget, web.is_some()).0
            }),
            None => files.clone(),
        };
        let link = self.upload_transcript(html).await;
        let opener_link = web.as_ref().map(|(opener, _)| opener.as_str());
        let dm_text = self.in_channel_lang(|| {
            let text = closed_dm_with_reason(
                number,
                opener_link.or(link.as_deref()),
                !files.is_empty(),
                cut.as_deref(),
                closed.reason.as_deref(),
            );
            // The stars below: the text is cut to fit with the prompt's line.
            match settings.feedback_off {
                true => text,
                false => rating_prompt(text, number),
            }
        });
        let stars = (!settings.feedback_off).then(|| rating_buttons(self.guild(), number));
        let dm = OutgoingMessage {
            content: Some(dm_text),
            attachments: files.clone(),
            components: stars.unwrap_or_default(),
            ..Default::default()
        };
        let delivered = self.dm(self.record.opener, &dm).await;
        let entry = || {
            let description = closed_log(&ClosedLog {
                number,
                opener: self.record.opener,
                by: closed.by,
                reason: closed.reason.as_deref(),
                page: web.as_ref().map(|(_, staff)| staff.as_str()),
                link: link.as_deref(),
                undelivered: delivered.as_ref().err().map(String::as_str),
                notes: closed.notes.iter().chain(&cut).collect(),
            });
            (Text::LogClosedTitle, description)
        };
        self.log_close(settings, entry, staff_files);
    }

    /// `--transcript-upload`: the link the paste service answered, or `None` (not configured, or
    /// failed: the attachment, sent either way, is then the only copy and a warning says why).
    async fn upload_transcript(&self, html: &str) -> Option<String> {
        let uploader = self.ctx.transcript_upload.as_ref()?;
        match uploader.upload(html).await {
            Ok(link) => {
                info!(%link, "transcript uploaded");
                Some(link)
            }
            Err(error) => {
                warn!(%error, url = uploader.url(), "transcript upload failed; attaching only");
                None
            }
        }
    }

    async fn apply_overwrites(&self, settings: &GuildSettings) {
        // Staff see a thread ticket through Manage Threads, not through overwrites.
        let Some(channel) = self.record.channel.filter(|_| !self.is_thread()) else {
            return;
        };
        let overwrites = match self.record.state {
            TicketState::Open => self.open_overwrites(settings),
            TicketState::Closed => access::closed_ticket_overwrites(
                self.guild(),
                self.discord().bot_user_id(),
                &settings.staff_roles,
            ),
            _ => return,
        };
        if let Err(error) = self.set_access(channel, &overwrites).await {
            warn!(%error, "could not apply new staff roles to the ticket channel");
        }
    }

    /// The channel's whole history, oldest first; empty (with a warning) when it cannot be read.
    /// With it, what the transcript must say about itself: a transcript is never silently
    /// empty or blank.
    async fn history(&self, channel: Snowflake) -> (Vec<Message>, Vec<String>) {
        let mut notes = Vec::new();
        if !self.discord().message_content()
            && let Err(error) = self.discord().refresh_app_flags().await
        {
            // Switched on in the portal since the last read? Worth one read per close while off.
            info!(%error, "could not re-read the application's flags");
        }
        let messages = match self.discord().all_messages(channel).await {
            Ok(messages) => messages,
            Err(error) => {
                warn!(%error, "could not fetch the ticket history for the transcript");
                notes.push(
                    self.in_channel_lang(|| t!(HistoryUnreadable, error = error.person_message())),
                );
                Vec::new()
            }
        };
        if messages.is_empty() && notes.is_empty() {
            // The welcome message is always there: Discord hid the history.
            let note = self.empty_history_note(channel).await;
            notes.push(self.in_channel_lang(|| note.to_string()));
        }
        // Said on every close while the intent is off, withheld text or not this time: the
        // admins must hear it before a transcript they need comes out blank.
        if !self.discord().message_content() {
            notes.push(self.in_channel_lang(privileged::message_content_off_note));
        }
        (messages, notes)
    }

    /// Why Discord answered a ticket channel's history with no messages at all.
    async fn empty_history_note(&self, channel: Snowflake) -> Text {
        let have = self
            .discord()
            .bot_permissions_in(self.guild(), channel)
            .await;
        match have {
            Ok(have) if have & access::perms::READ_MESSAGE_HISTORY == 0 => {
                warn!("no Read Message History in a ticket channel; the transcript is empty");
                Text::NoHistoryPermission
            }
            _ => {
                warn!("Discord returned no history for a ticket channel");
                Text::NoHistory
            }
        }
    }

    /// Disables the buttons of messages whose controls no longer apply, on a task of its own:
    /// the edits wait their turn in the channel's rate-limit bucket, and the ticket's next
    /// request must not wait behind them. The state check refuses a press that beats the edit.
    fn retire_controls(&self, channel: Snowflake, messages: Vec<(Snowflake, Vec<Component>)>) {
        if messages.is_empty() {
            return;
        }
        let discord = self.ctx.discord.clone();
        tokio::spawn(
            async move {
                for (message, components) in messages {
                    let off = crate::discord::disabled(&components);
                    if let Err(error) = discord.edit_components(channel, message, &off).await {
                        info!(%error, message, "could not disable stale ticket buttons");
                    }
                }
            }
            .in_current_span(),
        );
    }

    /// Who may do `op` and whether the ticket's state allows `step`: the state it leads to, or
    /// the text to answer with.
    fn check(&self, by: Person, op: TicketOp, step: Step) -> Result<TicketState, String> {
        if let Err(refusal) = access::may(op, by.is_staff, by.user == self.record.opener) {
            warn!(user = by.user, ?op, "refused: not allowed");
            return Err(refusal.to_string());
        }
        lifecycle::next_state(self.record.number, self.record.state, step).map_err(|stale| {
            info!(user = by.user, ?step, state = ?self.record.state, "refused: stale action");
            stale.to_string()
        })
    }

    fn render_transcript(
        &self,
        read: &History,
        closed_by: Snowflake,
        reason: Option<String>,
        settings: &GuildSettings,
    ) -> Rendered {
        let (bot, message_content) = (
            self.discord().bot_user_id(),
            self.discord().message_content(),
        );
        let convert = |history: &[Message]| -> Vec<TranscriptMessage> {
            history
                .iter()
                .map(|m| to_transcript(m, withheld_by_discord(m, bot, message_content)))
                .collect()
        };
        let messages = self.with_events(convert(&read.messages));
        let staff_notes = convert(&read.staff_notes);
        // The topic may since have been removed; then the transcript simply names none.
        let topic = self
            .record
            .topic
            .and_then(|id| settings.topics.iter().find(|t| t.id == id))
            .map(|t| t.name.clone());
        let meta = TranscriptMeta {
            guild_id: self.guild(),
            number: self.record.number,
            opener_id: self.record.opener,
            topic,
            closed_by: Some(closed_by),
            reason,
            notes: read.notes.clone(),
            opened_at: Some(self.record.opened_at),
            closed_at: Some(now_millis()),
        };
        let staff = (!staff_notes.is_empty()).then(|| {
            let heading = Text::StaffNotesHeading.text().to_owned();
            let all = transcript::with_staff_notes(&messages, &staff_notes, heading);
            (
                transcript::render_html(&meta, &all),
                transcript::render_text(&meta, &all),
            )
        });
        Rendered {
            html: transcript::render_html(&meta, &messages),
            text: transcript::render_text(&meta, &messages),
            staff,
            doc: TranscriptDoc {
                meta,
                messages,
                staff_notes,
                name_colors: read.name_colors.clone(),
            },
        }
    }

    /// The trail's events among the messages, as system lines in the server's language, naming
    /// people as the messages do (their ids when nobody wrote or mentioned them).
    fn with_events(&self, messages: Vec<TranscriptMessage>) -> Vec<TranscriptMessage> {
        if self.record.trail.events.is_empty() {
            return messages;
        }
        let mut names: std::collections::HashMap<u64, &str> = std::collections::HashMap::new();
        for m in &messages {
            names.entry(m.author_id).or_insert(&m.author_name);
            for (id, name) in &m.mentions {
                names.entry(*id).or_insert(name);
            }
        }
        let name_of = |id: u64| {
            names
                .get(&id)
                .map_or_else(|| id.to_string(), |n| n.to_string())
        };
        let events = self.in_channel_lang(|| {
            let events = self.record.trail.events.iter();
            events
                .map(|e| {
                    let line = event_line(&e.what, name_of);
                    (
                        e.at,
                        transcript::event_message(e.at, e.by, name_of(e.by), line),
                    )
                })
                .collect()
        });
        transcript::merge_events(messages, events)
    }

    /// With the web side on, the store writes of the attachments kept (`cdn::keep_attachments`).
    async fn keep_files(&self, doc: &mut TranscriptDoc) -> Vec<WriteOp> {
        if self.ctx.links.is_none() {
            return Vec::new();
        }
        let kept =
            crate::discord::cdn::keep_attachments(doc, self.ctx.keep, &self.ctx.metrics).await;
        kept.into_iter()
            .map(|(id, file)| WriteOp::PutFile {
                guild: self.guild(),
                number: self.record.number,
                id,
                file,
            })
            .collect()
    }

    async fn reopen(&mut self, by: Person, reply: Reply, settings: &GuildSettings) {
        if let Err(refusal) = self.check(by, TicketOp::Reopen, Step::Reopen) {
            reply.send(&refusal).await;
            return;
        }
        let Some(channel) = self.record.channel else {
            reply.send(Text::NoChannel.text()).await;
            return;
        };
        if let Err(error) = self.ticket_access(channel, settings, true).await {
            reply
                .send(&t!(CouldNotReopen, error = error.person_message()))
                .await;
            return;
        }
        self.record.state = TicketState::Open;
        self.record.closed_at = None;
        self.record.closed_by = None;
        self.record.close_reason = None;
        let stale = self.record.closed_message.take();
        let warning = self.start_activity(settings);
        self.persist(warning.map(WriteOp::PutDeadline).into_iter().collect())
            .await;
        self.armed(warning);
        self.archive_notes(false).await;
        // The "closed" message's Delete and Reopen no longer apply; the note below carries the
        // Close buttons from now on.
        let number = self.record.number;
        self.retire_controls(
            channel,
            stale
                .map(|m| (m, self.in_channel_lang(|| closed_controls(number))))
                .into_iter()
                .collect(),
        );
        let note = self.in_channel_lang(|| reopened_message(number, by.user));
        if let Err(error) = self.discord().send_message(channel, &note, &[]).await {
            warn!(%error, "could not post the reopened message");
        }
        self.log(
            settings,
            || {
                (
                    Text::LogReopenedTitle,
                    t!(LogReopened, number, by = by.user),
                )
            },
            GREEN,
        );
        reply.send(&t!(ReopenedAnswer, number)).await;
    }

    /// Returns true when the ticket is gone and the actor should stop.
    async fn delete(&mut self, by: Person, reply: Reply, settings: &GuildSettings) -> bool {
        if let Err(refusal) = self.check(by, TicketOp::Delete, Step::Delete) {
            reply.send(&refusal).await;
            return false;
        }
        if let Some(channel) = self.record.channel
            && let Err(error) = self
                .discord()
                .delete_channel(channel, &t!(DeletedAudit, number = self.record.number))
                .await
        {
            reply
                .send(&t!(CouldNotDelete, error = error.person_message()))
                .await;
            return false;
        }
        if self.record.closed_at.is_none() {
            self.record.closed_at = Some(now_millis());
            self.record.closed_by = Some(by.user);
        }
        self.record.state = TicketState::Deleted;
        self.persist(Vec::new()).await;
        self.log(
            settings,
            || {
                (
                    Text::LogDeletedTitle,
                    t!(LogDeleted, number = self.record.number, by = by.user),
                )
            },
            RED,
        );
        reply
            .send(&t!(DeletedAnswer, number = self.record.number))
            .await;
        true
    }

    async fn change_users(
        &mut self,
        by: Person,
        users: Vec<(Snowflake, bool)>,
        add: bool,
        reply: Reply,
        settings: &GuildSettings,
    ) {
        let op = if add {
            TicketOp::AddUser
        } else {
            TicketOp::RemoveUser
        };
        if let Err(refusal) = self.check(by, op, Step::ChangeUsers) {
            reply.send(&refusal).await;
            return;
        }
        let Some(channel) = self.record.channel else {
            reply.send(Text::NoChannel.text()).await;
            return;
        };
        let plan =
            access::plan_user_change(&users, self.record.opener, &self.record.participants, add);
        let answer = people_changed_answer(&plan.changed, &plan.skipped_bots, add);
        if plan.changed.is_empty() {
            reply.send(&answer).await;
            return;
        }
        let before = std::mem::replace(&mut self.record.participants, plan.participants);
        let changed = if self.is_thread() {
            self.change_thread_members(channel, &plan.changed, add)
                .await
        } else {
            self.set_access(channel, &self.open_overwrites(settings))
                .await
        };
        if let Err(error) = changed {
            self.record.participants = before;
            reply
                .send(&t!(CouldNotChangeAccess, error = error.person_message()))
                .await;
            return;
        }
        self.persist(Vec::new()).await;
        let number = self.record.number;
        let entry = || people_changed_log(number, &plan.changed, by.user, add);
        self.log(settings, entry, BLUE);
        reply.send(&answer).await;
    }

    async fn channel_deleted(&mut self, settings: &GuildSettings) {
        if matches!(self.record.state, TicketState::Deleted) {
            return;
        }
        info!("ticket channel deleted by hand; closing the record");
        if self.record.closed_at.is_none() {
            self.record.closed_at = Some(now_millis());
        }
        self.record.state = TicketState::Deleted;
        self.persist(Vec::new()).await;
        self.log(
            settings,
            || {
                (
                    Text::LogChannelDeletedTitle,
                    t!(LogChannelDeleted, number = self.record.number),
                )
            },
            RED,
        );
    }

    async fn member_left(&mut self, user: Snowflake, settings: &GuildSettings) {
        let Some(channel) = self.record.channel else {
            return;
        };
        if self.record.state != TicketState::Open {
            return;
        }
        let note = self.in_channel_lang(|| member_left_message(user));
        if let Err(error) = self.discord().send_message(channel, &note, &[]).await {
            warn!(%error, "could not log a member leaving");
        }
        if user == self.record.opener
            && settings
                .inactivity_for(self.record.topic)
                .close_when_opener_leaves
        {
            let bot = self.bot_person();
            let reason = Text::OpenerLeftReason.to_string();
            if self.close(bot, Some(reason), None, settings).await {
                info!("closed: the opener left");
            }
        }
    }
}

/// What a close read of the ticket: the channel's messages, the staff notes thread's, and what
/// the transcript is missing (see `TicketActorState::history`).
struct History {
    messages: Vec<Message>,
    staff_notes: Vec<Message>,
    notes: Vec<String>,
    /// Authors' name colours, for the web page.
    name_colors: Vec<(u64, u32)>,
}

/// A close's transcript: the opener's copy, the staff's when staff notes make it differ, and
/// the page's document.
struct Rendered {
    html: String,
    text: String,
    staff: Option<(String, String)>,
    doc: TranscriptDoc,
}

impl Rendered {
    /// What staff get: with the staff notes, if there are any.
    fn for_staff(&self) -> (&str, &str) {
        match &self.staff {
            Some((html, text)) => (html, text),
            None => (&self.html, &self.text),
        }
    }
}

/// What a close hands on to the transcript's readers.
struct Closed {
    by: Snowflake,
    reason: Option<String>,
    /// What the transcript is missing, and why (see `TicketActorState::history`).
    notes: Vec<String>,
}

/// How a channel create ended.
enum Created {
    Channel(Snowflake),
    /// Refused, or lost and then verified absent.
    Failed(DiscordError),
    /// Lost, and Discord could not be asked whether it happened.
    Unverified(DiscordError),
}

/// When support opens again, if `hours` open tickets with a notice and `now` is outside them.
fn after_hours(hours: &crate::domain::model::SupportHours, now: i64) -> Option<i64> {
    use crate::domain::{hours, model::OutsideHours};
    if hours.outside != OutsideHours::Notice {
        return None;
    }
    match hours::status(hours, now) {
        hours::Decision::Closed { next_open } => next_open,
        hours::Decision::Open => None,
    }
}

/// The channel whose topic carries ticket `number` (`naming::channel_topic`).
fn find_ticket_channel(channels: &[ChannelSummary], number: u64) -> Option<Snowflake> {
    channels
        .iter()
        .find(|c| {
            c.topic
                .as_deref()
                .and_then(naming::parse_channel_topic)
                .is_some_and(|(n, _)| n == number)
        })
        .map(|c| c.id)
}

/// The bot's own messages in `history` that still offer a button or menu: `(id, components)`.
fn live_controls(history: &[Message], bot: Snowflake) -> Vec<(Snowflake, Vec<Component>)> {
    history
        .iter()
        .filter(|m| m.author.id.get() == bot && crate::discord::any_enabled(&m.components))
        .map(|m| (m.id.get(), m.components.clone()))
        .collect()
}

pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The transcript's files as they fit one Discord upload (`transcript::fit_upload`), and what
/// was cut to fit, if anything.
///
/// With a web page to link to (`page`), a transcript too large for one upload is sent as the
/// link only: a cut file would hold less than the page does.
pub fn transcript_files(
    number: u64,
    html: &str,
    text: &str,
    budget: usize,
    page: bool,
) -> (Vec<Attachment>, Option<String>) {
    let fitted = transcript::fit_upload(html, text, budget);
    if page && fitted.cut.is_some() {
        return (Vec::new(), Some(Text::TranscriptSentAsLinkOnly.to_string()));
    }
    let mut files = Vec::with_capacity(2);
    if let Some(html) = fitted.html {
        files.push(Attachment::from_bytes(
            format!("ticket-{number:04}.html"),
            html.as_bytes().to_vec(),
            0,
        ));
    }
    files.push(Attachment::from_bytes(
        format!("ticket-{number:04}.txt"),
        fitted.text.as_bytes().to_vec(),
        1,
    ));
    (files, fitted.cut)
}

/// Whether Discord withheld this message's text from the bot: the application lacks Message
/// Content, and the message is neither the bot's own nor mentions it, and everything that intent
/// covers came back empty. (Ticket channels are guild channels; DMs are never withheld.)
fn withheld_by_discord(message: &Message, bot: Snowflake, message_content: bool) -> bool {
    !message_content
        && matches!(message.kind, MessageType::Regular | MessageType::Reply)
        && message.author.id.get() != bot
        && !message.mentions.iter().any(|m| m.id.get() == bot)
        && message.content.is_empty()
        && message.embeds.is_empty()
        && message.attachments.is_empty()
        && message.components.is_empty()
}

/// What a transcript says for Discord's system messages, of their author; `None` for people's
/// messages (and system messages whose content says it all).
fn system_line(kind: MessageType) -> Option<String> {
    let line = match kind {
        MessageType::Regular | MessageType::Reply => return None,
        MessageType::ChannelMessagePinned => "pinned a message to this channel",
        MessageType::UserJoin => "joined the server",
        MessageType::ChannelNameChange => "changed the channel name",
        MessageType::ThreadCreated => "started a thread",
        MessageType::ChatInputCommand | MessageType::ContextMenuCommand => "used a command",
        MessageType::AutoModerationAction => "AutoMod acted on a message",
        _ => "Discord system message",
    };
    Some(line.to_owned())
}

fn to_transcript(message: &Message, withheld: bool) -> TranscriptMessage {
    TranscriptMessage {
        withheld,
        id: message.id.get(),
        author_id: message.author.id.get(),
        author_name: message.author.name.clone(),
        author_avatar_url: message.author.avatar.map(|hash| {
            // Discord serves an animated avatar (an `a_` hash) as a GIF.
            let ext = if hash.is_animated() { "gif" } else { "png" };
            format!(
                "https://cdn.discordapp.com/avatars/{}/{hash}.{ext}",
                message.author.id
            )
        }),
        reply_to: message
            .referenced_message
            .as_ref()
            .map(|r| (r.author.name.clone(), r.content.clone())),
        system: system_line(message.kind),
        pinned: message.pinned,
        stickers: message
            .sticker_items
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        poll: message.poll.as_ref().map(|p| TranscriptPoll {
            question: p.question.text.clone().unwrap_or_default(),
            answers: p
                .answers
                .iter()
                .map(|a| a.poll_media.text.clone().unwrap_or_default())
                .collect(),
        }),
        forwarded: message
            .message_snapshots
            .iter()
            .map(|s| s.message.content.clone())
            .collect(),
        mentions: message
            .mentions
            .iter()
            .map(|m| (m.id.get(), m.name.clone()))
            .collect(),
        bot: message.author.bot,
        timestamp: message.timestamp.iso_8601().to_string(),
        edited_timestamp: message.edited_timestamp.map(|t| t.iso_8601().to_string()),
        content: message.content.clone(),
        embeds: message
            .embeds
            .iter()
            .map(|e| TranscriptEmbed {
                title: e.title.clone(),
                description: e.description.clone(),
                fields: e
                    .fields
                    .iter()
                    .map(|EmbedField { name, value, .. }| (name.clone(), value.clone()))
                    .collect(),
                footer: e
                    .footer
                    .as_ref()
                    .map(|EmbedFooter { text, .. }| text.clone()),
            })
            .collect(),
        attachments: message
            .attachments
            .iter()
            .map(|a| TranscriptAttachment {
                id: a.id.get(),
                filename: a.filename.clone(),
                url: a.url.clone(),
                size: a.size,
                content_type: a.content_type.clone(),
                kept: false,
            })
            .collect(),
    }
}
