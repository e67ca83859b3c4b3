//! A ticket actor's side of inactivity: the warning and close deadlines, human messages, Keep
//! open and `/tickets autoclose`. What to do is decided by `domain::stale`; this carries it out.
//!
//! Cost: a human message moves a time in memory and writes nothing. The stored warning
//! deadline only moves when it fires early (someone wrote since), lazily. The warning itself is
//! committed durably together with the close deadline, and the close goes through the ticket's
//! usual close, whose commit also removes both deadlines.

use std::sync::Arc;

use tracing::{info, warn};

use super::{Person, TicketActorState, TicketMsg};
use crate::discord::reply::Reply;
use crate::domain::deadline::{Deadline, DeadlineKey, DeadlineKind};
use crate::domain::model::{GuildSettings, Snowflake, TicketState, UnixMillis};
use crate::domain::stale::{self, Activity, CloseDue, Speaker, WarningDue};
use crate::store::WriteOp;
use crate::ui::text::{Text, t};
use crate::ui::ticket_messages::stale_warning;

impl TicketActorState {
    /// The inactivity messages (see the module docs); others are not sent here.
    pub(super) async fn inactivity(&mut self, message: TicketMsg) {
        match message {
            TicketMsg::DeadlineDue { kind, settings } => self.deadline_due(kind, &settings).await,
            TicketMsg::HumanMessage {
                author,
                staff,
                settings,
            } => {
                tracing::debug!(author, "human message");
                self.reply_to_close_request(author, staff, &settings).await;
                self.first_reply(author, staff);
                self.human_message(staff, &settings).await
            }
            TicketMsg::KeepOpen {
                by,
                reply,
                settings,
            } => self.keep_open(by, reply, &settings).await,
            TicketMsg::SetAutoclose {
                on,
                by,
                reply,
                settings,
            } => self.set_autoclose(on, by, reply, &settings).await,
            TicketMsg::InactivityChanged { settings } => self.inactivity_changed(&settings),
            _ => {}
        }
    }

    pub(super) fn now(&self) -> UnixMillis {
        self.ctx.time.now()
    }

    pub(super) fn deadline_key(&self, kind: DeadlineKind) -> DeadlineKey {
        DeadlineKey {
            guild: self.record.guild,
            number: self.record.number,
            kind,
        }
    }

    /// The warning deadline of a ticket last active at `from`, if inactivity applies to it.
    pub(super) fn warning_deadline(
        &self,
        settings: &GuildSettings,
        from: UnixMillis,
    ) -> Option<Deadline> {
        let policy = settings.inactivity_for(self.record.topic);
        stale::applies(policy, self.record.state, self.record.autoclose_off).then(|| Deadline {
            key: self.deadline_key(DeadlineKind::StaleWarning),
            at: stale::warning_at(policy, from),
        })
    }

    /// The ticket just became open (provisioned or reopened): activity starts now, and the ops
    /// that arm its warning, to be committed with the record (and then [`Self::armed`]).
    pub(super) fn start_activity(&mut self, settings: &GuildSettings) -> Option<Deadline> {
        let now = self.now();
        self.activity = Some(Activity {
            at: now,
            by: Speaker::Member,
        });
        self.warning_deadline(settings, now)
    }

    /// Tells the clock about a deadline whose `PutDeadline` is queued.
    pub(super) fn armed(&self, deadline: Option<Deadline>) {
        if let Some(deadline) = deadline {
            self.ctx.clock.arm(deadline);
        }
    }

    /// The ops a close commits, and the clock told: no deadline outlives an open ticket.
    pub(super) fn disarm_all(&mut self) -> Vec<WriteOp> {
        self.record.stale_warning = None;
        [
            DeadlineKind::StaleWarning,
            DeadlineKind::AutoClose,
            DeadlineKind::CloseRequest,
        ]
        .into_iter()
        .map(|kind| {
            let key = self.deadline_key(kind);
            self.ctx.clock.cancel(key);
            WriteOp::RemoveDeadline(key)
        })
        .collect()
    }

    async fn deadline_due(&mut self, kind: DeadlineKind, settings: &GuildSettings) {
        match kind {
            DeadlineKind::StaleWarning => self.warning_due(settings).await,
            DeadlineKind::AutoClose => self.close_due(settings).await,
            DeadlineKind::CloseRequest => self.close_request_due(settings).await,
        }
    }

    /// The last human message as far as this actor knows, rebuilt after a start from the
    /// channel's newest message id (a snowflake carries its time; the bot's own warning does
    /// not count). Never before the ticket opened.
    async fn last_activity(&mut self) -> Activity {
        if let Some(activity) = self.activity {
            return activity;
        }
        let mut at = self.record.opened_at;
        if let Some(channel) = self.record.channel {
            match self.ctx.discord.last_message_id(channel).await {
                Ok(Some(last)) if Some(last) != self.record.stale_warning => {
                    at = at.max(stale::snowflake_millis(last));
                }
                Ok(_) => {}
                Err(error) => warn!(%error, "could not read the channel's last message"),
            }
        }
        let activity = Activity {
            at,
            by: Speaker::Unknown,
        };
        self.activity = Some(activity);
        activity
    }

    /// Forgets a deadline that has nothing left to do.
    fn drop_deadline(&self, kind: DeadlineKind) {
        let key = self.deadline_key(kind);
        let receipt = self
            .ctx
            .store
            .write_lazy(vec![WriteOp::RemoveDeadline(key)]);
        let clock = self.ctx.clock.clone();
        tokio::spawn(async move {
            if receipt.await.is_ok() {
                clock.done(key);
            }
        });
    }

    async fn warning_due(&mut self, settings: &GuildSettings) {
        let policy = *settings.inactivity_for(self.record.topic);
        let last = self.last_activity().await;
        let now = self.now();
        let warned = self.record.stale_warning.is_some();
        let state = self.record.state;
        match stale::on_warning_due(
            &policy,
            state,
            self.record.autoclose_off,
            warned,
            last.at,
            now,
        ) {
            WarningDue::Drop => self.drop_deadline(DeadlineKind::StaleWarning),
            WarningDue::Move(at) => {
                // Lazily: losing the move in a crash leaves the earlier time, which fires and
                // moves it again.
                let deadline = Deadline {
                    key: self.deadline_key(DeadlineKind::StaleWarning),
                    at,
                };
                drop(
                    self.ctx
                        .store
                        .write_lazy(vec![WriteOp::PutDeadline(deadline)]),
                );
                self.ctx.clock.arm(deadline);
            }
            WarningDue::Warn => self.warn(settings, last.by, now).await,
        }
    }

    async fn warn(&mut self, settings: &GuildSettings, last: Speaker, now: UnixMillis) {
        let Some(channel) = self.record.channel else {
            return self.drop_deadline(DeadlineKind::StaleWarning);
        };
        let policy = *settings.inactivity_for(self.record.topic);
        let mentions = stale::mentions(policy.ping, last);
        let user = mentions.opener.then_some(self.record.opener);
        let roles: &[u64] = if mentions.staff {
            &settings.staff_roles
        } else {
            &[]
        };
        let message = stale_warning(
            self.record.number,
            policy.warn_after_hours,
            policy.close_after_hours,
            user,
            roles,
        );
        let pinged: Vec<u64> = user.into_iter().collect();
        let posted = self
            .ctx
            .discord
            .send_message_pinging(channel, &message, &pinged, roles)
            .await;
        let warning = match posted {
            Ok(warning) => warning,
            Err(error) => {
                // The deadline stays: the clock fires it again.
                warn!(%error, "could not post the inactivity warning");
                return;
            }
        };
        info!("inactivity warning posted");
        self.record.stale_warning = Some(warning);
        let warn_key = self.deadline_key(DeadlineKind::StaleWarning);
        let close = Deadline {
            key: self.deadline_key(DeadlineKind::AutoClose),
            at: stale::close_at(&policy, now),
        };
        // Durably, with the record that says the warning is out: a restart neither posts it
        // twice nor forgets the close.
        self.persist(vec![
            WriteOp::RemoveDeadline(warn_key),
            WriteOp::PutDeadline(close),
        ])
        .await;
        self.ctx.clock.done(warn_key);
        self.ctx.clock.arm(close);
    }

    async fn close_due(&mut self, settings: &GuildSettings) {
        let written_since = match self.record.stale_warning {
            // This actor hears every human message while it runs and answers the warning at
            // once; only a freshly started one must ask the channel.
            Some(warning) if self.activity.is_none() => self.written_since(warning).await,
            _ => false,
        };
        let verdict = stale::on_close_due(
            settings.inactivity_for(self.record.topic),
            self.record.state,
            self.record.autoclose_off,
            self.record.stale_warning.is_some(),
            written_since,
        );
        match verdict {
            CloseDue::Drop => self.drop_deadline(DeadlineKind::AutoClose),
            CloseDue::Answered => self.answer_warning(settings).await,
            CloseDue::Close => {
                let bot = self.bot_person();
                let reason = Text::InactiveReason.to_string();
                // The close's commit removes the deadlines; a close that fails leaves the
                // deadline to fire again.
                if self.close(bot, Some(reason), None, settings).await {
                    info!("closed as inactive");
                }
            }
        }
    }

    /// Whether a message newer than the warning exists (snowflakes order by time).
    async fn written_since(&self, warning: u64) -> bool {
        let Some(channel) = self.record.channel else {
            return false;
        };
        match self.ctx.discord.last_message_id(channel).await {
            Ok(last) => last.is_some_and(|last| last > warning),
            Err(error) => {
                // Unknown: keep the ticket open rather than close a busy one.
                warn!(%error, "could not read the channel's last message");
                true
            }
        }
    }

    /// Someone answered the warning: it is deleted, the close disarmed and the warning armed
    /// again from the last activity. Lazily: a crash that loses this leaves the close armed,
    /// and its check finds the newer message.
    async fn answer_warning(&mut self, settings: &GuildSettings) {
        let Some(warning) = self.record.stale_warning.take() else {
            return;
        };
        if let Some(channel) = self.record.channel
            && let Err(error) = self.ctx.discord.delete_message(channel, warning).await
        {
            warn!(%error, "could not delete the inactivity warning");
        }
        let from = self.activity.map_or_else(|| self.now(), |a| a.at);
        let close_key = self.deadline_key(DeadlineKind::AutoClose);
        let rearm = self.warning_deadline(settings, from);
        let mut ops = vec![WriteOp::RemoveDeadline(close_key)];
        ops.extend(rearm.map(WriteOp::PutDeadline));
        drop(self.persist_lazy_with(ops));
        self.ctx.clock.cancel(close_key);
        self.armed(rearm);
    }

    /// Staff's first message is the ticket's first response time (lazily: a restart that loses
    /// it takes staff's next message instead).
    fn first_reply(&mut self, author: Snowflake, staff: bool) {
        let first = staff && author != self.record.opener;
        if first && self.record.trail.first_staff_reply.is_none() && self.record.state.is_open() {
            self.record.trail.first_staff_reply = Some(super::now_millis());
            self.record.trail.first_responder = Some(author);
            drop(self.persist_lazy());
        }
    }

    /// A human wrote in the channel: no store write, unless it answers a warning.
    async fn human_message(&mut self, staff: bool, settings: &Arc<GuildSettings>) {
        if self.record.state != TicketState::Open {
            return;
        }
        self.activity = Some(Activity {
            at: self.now(),
            by: if staff {
                Speaker::Staff
            } else {
                Speaker::Member
            },
        });
        if self.record.stale_warning.is_some() {
            self.answer_warning(settings).await;
        }
    }

    /// The warning's Keep open button. Whoever sees the channel may press it: its overwrites
    /// already limit that to the opener, the people added and staff.
    async fn keep_open(&mut self, by: Person, reply: Reply, settings: &GuildSettings) {
        let number = self.record.number;
        if self.record.state != TicketState::Open {
            return reply.send(&t!(AutocloseNotOpen, number)).await;
        }
        if self.record.stale_warning.is_none() {
            return reply.send(&t!(NotWarned, number)).await;
        }
        self.activity = Some(Activity {
            at: self.now(),
            by: if by.is_staff {
                Speaker::Staff
            } else {
                Speaker::Member
            },
        });
        self.answer_warning(settings).await;
        reply.send(&t!(KeptOpen, number)).await;
    }

    /// `/tickets autoclose mode:on|off` (the guild actor checked it is staff).
    async fn set_autoclose(
        &mut self,
        on: bool,
        by: Person,
        reply: Reply,
        settings: &GuildSettings,
    ) {
        let number = self.record.number;
        info!(
            by = by.user,
            on, "inactivity close switched for this ticket"
        );
        if self.record.state != TicketState::Open {
            return reply.send(&t!(AutocloseNotOpen, number)).await;
        }
        self.record.autoclose_off = !on;
        let warning = self.record.stale_warning;
        let mut ops = Vec::new();
        let mut rearm = None;
        if on {
            let from = self.activity.map_or_else(|| self.now(), |a| a.at);
            rearm = self.warning_deadline(settings, from);
            ops.extend(rearm.map(WriteOp::PutDeadline));
        } else {
            ops = self.disarm_all();
        }
        // Durably: a staff decision, answered as done.
        self.persist(ops).await;
        self.armed(rearm);
        if !on
            && let (Some(channel), Some(warning)) = (self.record.channel, warning)
            && let Err(error) = self.ctx.discord.delete_message(channel, warning).await
        {
            warn!(%error, "could not delete the inactivity warning");
        }
        let answer = if on {
            t!(AutocloseOn, number)
        } else {
            t!(AutocloseOff, number)
        };
        reply.send(&answer).await;
    }

    /// The guild's inactivity setting changed: an open ticket without a pending warning gets
    /// its warning deadline (from its last known activity, or from now).
    fn inactivity_changed(&mut self, settings: &GuildSettings) {
        if self.record.stale_warning.is_some() {
            return;
        }
        let from = self.activity.map_or_else(|| self.now(), |a| a.at);
        if let Some(deadline) = self.warning_deadline(settings, from) {
            drop(
                self.ctx
                    .store
                    .write_lazy(vec![WriteOp::PutDeadline(deadline)]),
            );
            self.ctx.clock.arm(deadline);
        }
    }
}
