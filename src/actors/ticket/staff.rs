//! A ticket actor's side of the staff workflow: claim, unclaim and transfer (with the repair
//! of an interrupted access edit), close requests, priority and renames. Who may do what is
//! decided in `domain::access`; this carries it out on the ticket's channel.

use ractor::ActorRef;
use tracing::{Instrument, info, warn};

use super::{BLUE, Person, TicketActorState, TicketMsg};
use crate::discord::{ChannelEdit, DiscordError, OutgoingMessage, reply::Reply};
use crate::domain::{
    access::{self, ClaimPlan, ClaimRequest, OverwriteEdit, Standing, TicketOp},
    deadline::{Deadline, DeadlineKind},
    lifecycle::{self, Step},
    limits,
    model::{ClaimMode, CloseRequest, EventKind, GuildSettings, Snowflake, TicketState},
    rename,
};
use crate::store::WriteOp;
use crate::ui::intake::with_answers;
use crate::ui::{
    hub_screens::topic_shown,
    text::{self, Text, t},
    ticket_messages::{close_request_controls, close_request_message, welcome_message_claimed},
};

// Staff workflow: claim, unclaim, transfer, and the repair of an interrupted
// access edit. The overwrites are always derived from the stored record (`open_overwrites`),
// never patched by hand, so every path that changes access agrees with every other.
impl TicketActorState {
    pub(super) async fn staff_message(&mut self, myself: &ActorRef<TicketMsg>, message: TicketMsg) {
        match message {
            TicketMsg::SetPriority {
                by,
                priority,
                reply,
                settings,
            } => {
                let asked = (by, priority);
                self.set_priority(myself, asked, reply, &settings).await
            }
            TicketMsg::Rename {
                by,
                name,
                reply,
                settings,
            } => self.rename(myself, (by, name), reply, &settings).await,
            TicketMsg::RenameDue { settings } => self.rename_due(myself, &settings).await,
            TicketMsg::Claim {
                by,
                request,
                reply,
                settings,
            } => self.claim(myself, (by, request), reply, &settings).await,
            TicketMsg::RepairAccess { settings } => self.repair_access(&settings).await,
            TicketMsg::RequestClose {
                by,
                reason,
                delay_hours,
                reply,
                settings,
            } => {
                let asked = Asked {
                    by,
                    reason,
                    delay_hours,
                };
                self.request_close(asked, reply, &settings).await
            }
            TicketMsg::AnswerCloseRequest {
                by,
                accept,
                reply,
                settings,
            } => {
                self.answer_close_request(by, accept, reply, &settings)
                    .await
            }
            TicketMsg::Move {
                by,
                topic,
                parent,
                reply,
                settings,
            } => {
                let to = (topic, parent);
                self.move_topic(myself, by, to, reply, &settings).await
            }
            TicketMsg::Notes { by, reply } => self.open_notes(by, reply).await,
            TicketMsg::Feedback {
                by,
                rating,
                reply,
                settings,
            } => self.feedback(by, rating, reply, &settings).await,
            TicketMsg::MoveTo {
                parent,
                settings,
                done,
            } => {
                self.topic_removed(parent, &settings).await;
                let _ = done.send(());
            }
            _ => warn!("not a staff workflow message"),
        }
    }

    /// How a claim changes this ticket's access: its topic's mode, else the server's.
    fn claim_mode(&self, settings: &GuildSettings) -> ClaimMode {
        settings.claims.mode_for(self.record.topic)
    }

    /// This open ticket's overwrites, derived from its stored state and the settings.
    pub(super) fn open_overwrites(&self, settings: &GuildSettings) -> Vec<access::Overwrite> {
        access::open_ticket_overwrites(&access::TicketAccess {
            guild: self.guild(),
            bot: self.discord().bot_user_id(),
            opener: self.record.opener,
            participants: &self.record.participants,
            staff_roles: &settings.staff_roles,
            claimer: self.record.staff.claimer,
            mode: self.claim_mode(settings),
        })
    }

    async fn claim(
        &mut self,
        myself: &ActorRef<TicketMsg>,
        (by, request): (Person, ClaimRequest),
        reply: Reply,
        settings: &GuildSettings,
    ) {
        let number = self.record.number;
        if let Err(stale) = lifecycle::next_state(number, self.record.state, Step::Claim) {
            info!(user = by.user, state = ?self.record.state, "refused: claim on a ticket not open");
            reply.send(&stale.to_string()).await;
            return;
        }
        let Some(channel) = self.record.channel else {
            reply.send(Text::NoChannel.english()).await;
            return;
        };
        let who = Standing {
            is_staff: by.is_staff,
            is_admin: by.is_admin,
            is_opener: by.user == self.record.opener,
        };
        let claimer = self.record.staff.claimer;
        let new =
            match access::plan_claim(number, request, by.user, who, claimer, self.record.opener) {
                Err(refusal) => {
                    warn!(user = by.user, ?request, %refusal, "refused: claim");
                    reply.send(&refusal.to_string()).await;
                    return;
                }
                // A double click or a retried request: already so, said again without a change.
                Ok(ClaimPlan::Unchanged) => {
                    let answer = match (request, claimer) {
                        (ClaimRequest::Unclaim, _) => t!(NotClaimed, number),
                        (_, Some(claimer)) if claimer != by.user => {
                            t!(TransferredAnswer, number, claimer)
                        }
                        _ => t!(AlreadyClaimedByYou, number),
                    };
                    reply.send(&answer).await;
                    return;
                }
                Ok(ClaimPlan::Set(new)) => new,
            };
        if let Err(error) = self.change_claim(channel, new, settings).await {
            reply
                .send(&t!(CouldNotClaim, error = error.person_message()))
                .await;
            return;
        }
        let event = match (request, new) {
            (ClaimRequest::Claim, _) => EventKind::Claimed,
            (_, None) => EventKind::Unclaimed,
            (_, Some(to)) => EventKind::Transferred { to },
        };
        self.note(by.user, event);
        drop(self.persist_lazy());
        self.refresh_welcome(channel, settings);
        // The topic names the claimer; unless it went with the overwrites, it follows.
        self.present(myself, settings).await;
        let (title, answer) = match (request, new) {
            (ClaimRequest::Claim, _) => (Text::LogClaimedTitle, t!(ClaimedAnswer, number)),
            (_, None) => (Text::LogUnclaimedTitle, t!(UnclaimedAnswer, number)),
            (_, Some(claimer)) => (
                Text::LogTransferredTitle,
                t!(TransferredAnswer, number, claimer),
            ),
        };
        info!(user = by.user, claimer = ?new, "claim changed");
        let by = by.user;
        // Built in the server's language, where the answer above is in the person's.
        let entry = || {
            let description = match (request, new) {
                (ClaimRequest::Claim, _) => t!(LogClaimed, number, by),
                (_, None) => t!(LogUnclaimed, number, by),
                (_, Some(claimer)) => t!(LogTransferred, number, claimer, by),
            };
            (title, description)
        };
        self.log(settings, entry, BLUE);
        reply.send(&answer).await;
    }

    /// Stores `new` as the claimer and brings the channel's overwrites to what the record now
    /// derives, by the smallest edit. The record says an edit is pending (durably) before the
    /// edit is sent, so a crash in between is repaired at the next start; a refused edit puts
    /// the old claimer back.
    async fn change_claim(
        &mut self,
        channel: Snowflake,
        new: Option<Snowflake>,
        settings: &GuildSettings,
    ) -> Result<(), DiscordError> {
        let before = self.open_overwrites(settings);
        let old = std::mem::replace(&mut self.record.staff.claimer, new);
        let after = self.open_overwrites(settings);
        // A thread's access is its members, not overwrites: a claim changes none of it.
        let edit = match self.is_thread() {
            true => OverwriteEdit::Nothing,
            false => access::plan_overwrite_edit(&before, &after),
        };
        // The topic names the claimer: with room in Discord's rename budget, it changes in
        // the same edit as the overwrites (one call); otherwise it follows (`present`).
        let (name, topic) = self.presentation(settings);
        let fingerprint = rename::shown_fingerprint(&name, &topic);
        let together =
            !self.is_thread() && fingerprint != self.shown(settings) && self.spend_rename();
        if edit == OverwriteEdit::Nothing && !together {
            self.persist(Vec::new()).await;
            return Ok(());
        }
        self.record.staff.access_pending = true;
        self.persist(Vec::new()).await;
        let result = if together {
            let edit = ChannelEdit {
                name: Some(&name),
                topic: Some(&topic),
                overwrites: Some(&after),
                parent: None,
            };
            self.discord()
                .edit_channel(self.guild(), channel, &edit)
                .await
        } else {
            self.apply_edit(channel, edit, &after).await
        };
        match &result {
            Ok(()) if together => self.record.trail.shown = Some(fingerprint),
            Ok(()) => {}
            Err(error) => {
                warn!(%error, "could not change the ticket's overwrites for a claim");
                self.record.staff.claimer = old;
            }
        }
        self.record.staff.access_pending = false;
        // Lazily: losing this write only repeats an edit that already landed at the next start.
        drop(self.persist_lazy());
        result
    }

    async fn apply_edit(
        &self,
        channel: Snowflake,
        edit: OverwriteEdit,
        all: &[access::Overwrite],
    ) -> Result<(), DiscordError> {
        match edit {
            OverwriteEdit::Nothing => Ok(()),
            OverwriteEdit::Put(overwrite) => {
                self.discord().put_overwrite(channel, &overwrite).await
            }
            OverwriteEdit::Delete(gone) => {
                self.discord()
                    .delete_overwrite(channel, gone.id, gone.kind)
                    .await
            }
            OverwriteEdit::Replace => self.set_access(channel, all).await,
        }
    }

    /// Edits the welcome message in place to show the claim, on a task of its own: the edit
    /// waits its turn in the channel's bucket and the ticket's next request must not wait
    /// behind it. A welcome whose id is not stored (opened before it was) is left as it is.
    pub(super) fn refresh_welcome(&self, channel: Snowflake, settings: &GuildSettings) {
        let Some(message) = self.record.staff.welcome_message else {
            info!("welcome message unknown; the claim shows in the log and the answers");
            return;
        };
        let topic = self
            .record
            .topic
            .and_then(|id| settings.topics.iter().find(|t| t.id == id))
            .map(|t| t.name.clone());
        let number = self.record.number;
        let base = self.in_channel_lang(|| {
            welcome_message_claimed(
                number,
                self.record.opener,
                topic.as_deref(),
                self.record.staff.claimer,
                self.record.staff.priority,
            )
        });
        let lang = self.lang.get();
        // Answers a restarted actor has not read yet are read on the task, off the mailbox.
        let known = self.answers.clone();
        let store = (known.is_none() && settings.intake.has_questions())
            .then(|| (self.ctx.store.clone(), self.guild()));
        let discord = self.ctx.discord.clone();
        tokio::spawn(
            async move {
                let answers = match (known, store) {
                    (Some(answers), _) => answers,
                    (None, Some((store, guild))) => match store.answers(guild, number).await {
                        Ok(answers) => answers,
                        Err(error) => {
                            warn!(%error, "answers unreadable; the welcome is left as it is");
                            return;
                        }
                    },
                    (None, None) => Vec::new(),
                };
                let welcome = text::speaking_sync(lang, || with_answers(base, number, &answers));
                if let Err(error) = discord
                    .edit_embeds_and_components(
                        channel,
                        message,
                        &welcome.embeds,
                        &welcome.components,
                    )
                    .await
                {
                    info!(%error, message, "could not show the claim on the welcome message");
                }
            }
            .in_current_span(),
        );
    }

    /// A crash between a claim's or a move's durable "pending" mark and its edit: the whole
    /// set is derived from the record again and written, with the stored category, in one edit.
    pub(super) async fn repair_access(&mut self, settings: &GuildSettings) {
        if !self.record.staff.access_pending || self.is_thread() {
            return;
        }
        let Some(channel) = self.record.channel else {
            return;
        };
        let overwrites = match self.record.state {
            TicketState::Open => self.open_overwrites(settings),
            TicketState::Closed => access::closed_ticket_overwrites(
                self.guild(),
                self.discord().bot_user_id(),
                &settings.staff_roles,
            ),
            _ => Vec::new(),
        };
        let edit = match (overwrites.is_empty(), self.record.parent) {
            (true, _) => Ok(()),
            (false, Some(parent)) => {
                let discord = self.discord();
                discord
                    .move_channel(self.guild(), channel, parent, Some(&overwrites))
                    .await
            }
            (false, None) => self.set_access(channel, &overwrites).await,
        };
        if let Err(error) = edit {
            warn!(%error, "could not repair the ticket's overwrites; left for the next start");
            return;
        }
        info!(claimer = ?self.record.staff.claimer, "repaired the ticket's overwrites after a crash");
        self.record.staff.access_pending = false;
        self.persist(Vec::new()).await;
        self.refresh_welcome(channel, settings);
    }
}

// Staff workflow: close requests. Either side asks the other to confirm a close;
// the request (with its reason) is stored, so Close closes with that reason even after a
// restart, and a second request waits until the first is answered.
impl TicketActorState {
    async fn request_close(&mut self, asked: Asked, reply: Reply, settings: &GuildSettings) {
        let Asked {
            by,
            reason,
            delay_hours,
        } = asked;
        if let Err(refusal) = self.check(by, TicketOp::RequestClose, Step::CloseRequest) {
            reply.send(&refusal).await;
            return;
        }
        let number = self.record.number;
        let Some(channel) = self.record.channel else {
            reply.send(Text::NoChannel.english()).await;
            return;
        };
        if self.record.staff.close_request.is_some() {
            info!(user = by.user, "close request already waiting");
            reply.send(&t!(CloseRequestPending, number)).await;
            return;
        }
        let reason = reason.and_then(|r| limits::parse_request_reason(&r));
        let by_staff = by.is_staff && by.user != self.record.opener;
        let deadline = delay_hours.map(|hours| Deadline {
            key: self.deadline_key(DeadlineKind::CloseRequest),
            at: self.now() + i64::from(hours) * 3_600_000,
        });
        let message = self.in_channel_lang(|| {
            close_request_message(
                number,
                self.record.opener,
                by.user,
                by_staff,
                reason.as_deref(),
                deadline.map(|d| d.at / 1000),
            )
        });
        let ping: &[Snowflake] = if by_staff { &[self.record.opener] } else { &[] };
        let posted = match self.discord().send_message(channel, &message, ping).await {
            Ok(id) => id,
            Err(error) => {
                warn!(%error, "could not post the close request");
                reply
                    .send(&t!(CouldNotRequestClose, error = error.person_message()))
                    .await;
                return;
            }
        };
        let requested = EventKind::CloseRequested {
            reason: reason.clone(),
        };
        self.note(by.user, requested);
        self.record.staff.close_request = Some(Box::new(CloseRequest {
            by: by.user,
            by_staff,
            reason,
            message: Some(posted),
        }));
        // The request and its deadline in one commit: after a crash both exist or neither.
        self.persist(deadline.map(WriteOp::PutDeadline).into_iter().collect())
            .await;
        self.armed(deadline);
        self.log(
            settings,
            || {
                (
                    Text::LogCloseRequestedTitle,
                    t!(LogCloseRequested, number, by = by.user),
                )
            },
            BLUE,
        );
        reply.send(&t!(CloseRequestPosted, number)).await;
    }

    /// Close: closes with the request's reason. Keep open: the request is withdrawn. Either
    /// way the request's buttons are retired; a second press finds the request answered.
    async fn answer_close_request(
        &mut self,
        by: Person,
        accept: bool,
        reply: Reply,
        settings: &GuildSettings,
    ) {
        let step = if accept {
            Step::Close
        } else {
            Step::CloseRequest
        };
        if let Err(refusal) = self.check(by, TicketOp::RequestClose, step) {
            reply.send(&refusal).await;
            return;
        }
        let number = self.record.number;
        let Some(request) = self.record.staff.close_request.clone() else {
            reply.send(&t!(NoCloseRequest, number)).await;
            return;
        };
        if accept {
            info!(user = by.user, "close request accepted");
            self.close(by, request.reason, Some(reply), settings).await;
            return;
        }
        self.withdraw_close_request(by.user, &request).await;
        info!(user = by.user, "close request declined; ticket kept open");
        self.log(
            settings,
            || {
                (
                    Text::LogKeptOpenTitle,
                    t!(LogKeptOpen, number, by = by.user),
                )
            },
            BLUE,
        );
        reply.send(&t!(KeptOpenAnswer, number)).await;
    }
}

// Staff workflow: moving a ticket to another topic. The category and the claim mode
// (a topic's own, or the server's) change; the opener, the people added and the claim stay,
// because the overwrites are derived from the record as always.
impl TicketActorState {
    async fn move_topic(
        &mut self,
        myself: &ActorRef<TicketMsg>,
        by: Person,
        (topic, parent): (u32, Snowflake),
        reply: Reply,
        settings: &GuildSettings,
    ) {
        let Some(channel) = self.staff_step(by, Text::MoveNotAllowed, &reply).await else {
            // The guild actor counted the ticket in `parent` already; this puts it back.
            self.updated();
            return;
        };
        if self.is_thread() {
            // A thread cannot leave its channel, and its topic is what its category would be.
            self.updated();
            return reply.send(Text::ThreadTicketNoMove.text()).await;
        }
        let number = self.record.number;
        let shown = settings
            .topics
            .iter()
            .find(|t| t.id == topic)
            .map(|t| topic_shown(&t.name))
            .unwrap_or_default();
        if self.record.topic == Some(topic) {
            self.updated();
            return reply.send(&t!(MoveSameTopic, number, topic = shown)).await;
        }
        if let Err(error) = self.relocate(channel, Some(topic), parent, settings).await {
            return reply
                .send(&t!(CouldNotMove, error = error.person_message()))
                .await;
        }
        info!(
            user = by.user,
            topic, parent, "ticket moved to another topic"
        );
        let name = settings.topics.iter().find(|t| t.id == topic);
        let moved = EventKind::Moved {
            topic: name.map(|t| t.name.clone()).unwrap_or_default(),
        };
        self.note(by.user, moved);
        drop(self.persist_lazy());
        self.present(myself, settings).await;
        self.refresh_welcome(channel, settings);
        let entry = || {
            let description = t!(LogMoved, number, topic = shown.clone(), by = by.user);
            (Text::LogMovedTitle, description)
        };
        self.log(settings, entry, BLUE);
        reply.send(&t!(MovedAnswer, number, topic = shown)).await;
    }

    /// The ticket's topic was removed: it belongs to no topic now, under `parent`.
    pub(super) async fn topic_removed(&mut self, parent: Snowflake, settings: &GuildSettings) {
        let Some(channel) = self.record.channel else {
            return;
        };
        if self.is_thread() {
            // Its thread stays where it is: only the topic goes.
            self.record.topic = None;
            self.updated();
            return self.persist(Vec::new()).await;
        }
        if self.record.state == TicketState::Open {
            // An error is logged in `relocate`; the record keeps the old place to match.
            let _ = self.relocate(channel, None, parent, settings).await;
            return;
        }
        // A closed ticket's access does not depend on its topic: only the category changes.
        match self
            .discord()
            .move_channel(self.guild(), channel, parent, None)
            .await
        {
            Ok(()) => {
                (self.record.topic, self.record.parent) = (None, Some(parent));
                self.persist(Vec::new()).await;
            }
            Err(error) => warn!(%error, "could not move the closed ticket's channel"),
        }
    }

    /// Stores the new topic and category, then moves the channel with the overwrites they
    /// derive, in one edit. Pending (durably) before the edit, so a crash between is repaired
    /// at the next start; a refused edit puts the old place back.
    async fn relocate(
        &mut self,
        channel: Snowflake,
        topic: Option<u32>,
        parent: Snowflake,
        settings: &GuildSettings,
    ) -> Result<(), DiscordError> {
        let before = self.open_overwrites(settings);
        self.pin_shown(settings);
        let old = (self.record.topic, self.record.parent);
        (self.record.topic, self.record.parent) = (topic, Some(parent));
        let after = self.open_overwrites(settings);
        let access = (before != after).then_some(after);
        self.record.staff.access_pending = true;
        self.persist(Vec::new()).await;
        let result = self
            .discord()
            .move_channel(self.guild(), channel, parent, access.as_deref())
            .await;
        if let Err(error) = &result {
            warn!(%error, "could not move the ticket channel");
            (self.record.topic, self.record.parent) = old;
        }
        self.record.staff.access_pending = false;
        // Lazily: losing this write only repeats an edit that already landed at the next start.
        drop(self.persist_lazy());
        result
    }
}

/// A close request as asked: who, why, and after how long it closes by itself.
struct Asked {
    by: Person,
    reason: Option<String>,
    delay_hours: Option<u32>,
}

// Close requests end three more ways: the other side replies in the channel (withdrawn), its
// delay passes with no reply (closed), or the ticket closes first (its close disarms all).
impl TicketActorState {
    /// Forgets the request and its deadline and retires its buttons; `by` kept it open.
    async fn withdraw_close_request(&mut self, by: Snowflake, request: &CloseRequest) {
        self.record.staff.close_request = None;
        self.note(by, EventKind::KeptOpen);
        let key = self.deadline_key(DeadlineKind::CloseRequest);
        self.ctx.clock.cancel(key);
        self.persist(vec![WriteOp::RemoveDeadline(key)]).await;
        if let (Some(channel), Some(message)) = (self.record.channel, request.message) {
            let controls = close_request_controls(self.record.number);
            self.retire_controls(channel, vec![(message, controls)]);
        }
    }

    /// A human wrote in the channel. A reply from the side that was asked withdraws the
    /// request (asked by staff: anyone but staff; asked by the opener: staff), and says so.
    pub(super) async fn reply_to_close_request(
        &mut self,
        author: Snowflake,
        staff: bool,
        settings: &GuildSettings,
    ) {
        let Some(request) = self.record.staff.close_request.clone() else {
            return;
        };
        let other_side = if request.by_staff {
            !staff || author == self.record.opener
        } else {
            staff && author != self.record.opener
        };
        if !other_side || self.record.state != TicketState::Open {
            return;
        }
        self.withdraw_close_request(author, &request).await;
        info!(author, "close request withdrawn: the other side replied");
        let number = self.record.number;
        if let Some(channel) = self.record.channel {
            let message = self.in_channel_lang(|| OutgoingMessage {
                content: Some(t!(CloseRequestWithdrawn, by = author)),
                ..OutgoingMessage::default()
            });
            if let Err(error) = self.discord().send_message(channel, &message, &[]).await {
                warn!(%error, "could not say the close request was withdrawn");
            }
        }
        let entry = || (Text::LogKeptOpenTitle, t!(LogKeptOpen, number, by = author));
        self.log(settings, entry, BLUE);
    }

    /// The request's delay passed with no reply: closed with its reason (or "no reply").
    pub(super) async fn close_request_due(&mut self, settings: &GuildSettings) {
        let key = self.deadline_key(DeadlineKind::CloseRequest);
        let waiting = self.record.staff.close_request.clone();
        let Some(request) = waiting.filter(|_| self.record.state == TicketState::Open) else {
            // Answered, withdrawn or closed meanwhile: nothing left to do.
            self.ctx.clock.cancel(key);
            drop(self.persist_lazy_with(vec![WriteOp::RemoveDeadline(key)]));
            return;
        };
        let bot = self.bot_person();
        let reason = request.reason.unwrap_or_else(|| {
            self.in_channel_lang(|| Text::CloseRequestNoReplyReason.text().to_owned())
        });
        info!("close request's delay passed with no reply: closing");
        self.close(bot, Some(reason), None, settings).await;
    }
}

impl TicketActorState {
    /// Staff only, on an open ticket; shown on the welcome message, edited in place.
    pub(super) async fn staff_step(
        &self,
        by: Person,
        refusal: Text,
        reply: &Reply,
    ) -> Option<Snowflake> {
        if !by.is_staff {
            warn!(
                user = by.user,
                "refused: staff action by a non-staff member"
            );
            reply.clone().send(refusal.english()).await;
            return None;
        }
        if let Err(stale) =
            lifecycle::next_state(self.record.number, self.record.state, Step::ChangeUsers)
        {
            reply.clone().send(&stale.to_string()).await;
            return None;
        }
        if self.record.channel.is_none() {
            reply.clone().send(Text::NoChannel.english()).await;
        }
        self.record.channel
    }
}
