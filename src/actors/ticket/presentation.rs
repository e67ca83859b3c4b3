//! What a ticket's channel shows in Discord's channel list: its name (the default or staff's
//! rename, behind a priority prefix) and its topic (number, opener, claimer, topic). Both are
//! derived from the record, like the overwrites, and brought up to date by one channel edit.
//!
//! Discord allows about two name or topic changes per channel per 10 minutes
//! (`domain::rename`). An edit beyond that budget waits here, sent by a timer message when
//! there is room; only the newest state is ever sent, and the ticket's other requests never
//! wait behind it. The budget's spends are stored with the record, so a restart keeps to it.

use std::sync::Arc;

use ractor::ActorRef;
use tracing::{info, warn};

use super::{BLUE, Person, TicketActorState, TicketMsg, now_millis};
use crate::discord::{ChannelEdit, DiscordError, reply::Reply};
use crate::domain::{
    intake,
    model::{EventKind, GuildSettings, Priority, Snowflake},
    naming, rename,
};
use crate::ui::text::{Text, t};
use crate::ui::ticket_messages::priority_text;

/// How bringing the channel up to date went.
pub(super) enum Presented {
    /// It already showed the record.
    Already,
    Done,
    Failed(DiscordError),
    /// Discord's budget is spent: sent at this time (Unix milliseconds).
    Later(i64),
}

impl TicketActorState {
    /// The channel's name and topic as the record says they should be (with the intake's
    /// subject, when the answers are known: see [`Self::present`]).
    pub(super) fn presentation(&self, settings: &GuildSettings) -> (String, String) {
        let record = &self.record;
        let base = (record.trail.custom_name.clone())
            .unwrap_or_else(|| naming::channel_name(record.number));
        let topic = self.topic_line(settings, record.staff.claimer);
        (rename::shown_name(&base, record.staff.priority), topic)
    }

    /// The channel topic the record derives with `claimer` (`None`: as a ticket is created).
    pub(super) fn topic_line(
        &self,
        settings: &GuildSettings,
        claimer: Option<Snowflake>,
    ) -> String {
        let record = &self.record;
        let topic_name = record
            .topic
            .and_then(|id| settings.topics.iter().find(|t| t.id == id))
            .map(|t| t.name.as_str());
        let subject = self.answers.as_deref().and_then(intake::subject);
        naming::ticket_topic(record.number, record.opener, topic_name, subject, claimer)
    }

    /// The fingerprint of what the channel shows now: as last set, else as it was created.
    pub(super) fn shown(&self, settings: &GuildSettings) -> u64 {
        self.record.trail.shown.unwrap_or_else(|| {
            let name = naming::channel_name(self.record.number);
            rename::shown_fingerprint(&name, &self.topic_line(settings, None))
        })
    }

    /// Remembers what the channel shows before a change to what it is derived from (its topic,
    /// the intake's subject) would make "as created" compute to something else.
    pub(super) fn pin_shown(&mut self, settings: &GuildSettings) {
        if self.record.trail.shown.is_none() {
            self.record.trail.shown = Some(self.shown(settings));
        }
    }

    /// Whether Discord's rename budget has room now; spends it (and remembers that) if so.
    pub(super) fn spend_rename(&mut self) -> bool {
        let now = now_millis();
        if self.renames.budget.next_slot(now) > now {
            return false;
        }
        self.renames.budget.spend(now);
        // Remembered whether or not the edit lands: Discord counts the attempt.
        self.record.trail.renamed_at = self.renames.budget.times();
        true
    }

    /// Brings the channel's name and topic to the record's: now when the budget has room,
    /// else by a timer (see the module docs).
    pub(super) async fn present(
        &mut self,
        myself: &ActorRef<TicketMsg>,
        settings: &GuildSettings,
    ) -> Presented {
        let Some(channel) = self.record.channel.filter(|_| self.record.state.is_open()) else {
            return Presented::Already;
        };
        // The subject is part of the topic: never write a topic that would drop it.
        self.load_answers(settings).await;
        let (name, topic) = self.presentation(settings);
        let fingerprint = rename::shown_fingerprint(&name, &topic);
        if fingerprint == self.shown(settings) {
            return Presented::Already;
        }
        if !self.spend_rename() {
            let slot = self.renames.budget.next_slot(now_millis());
            self.arm_rename(myself, slot - now_millis(), settings);
            info!(
                at = slot,
                "the channel's name and topic wait for the rename budget"
            );
            return Presented::Later(slot);
        }
        let edit = ChannelEdit {
            name: Some(&name),
            // A thread has a name and no topic.
            topic: Some(topic.as_str()).filter(|_| !self.is_thread()),
            ..ChannelEdit::default()
        };
        let result = self
            .discord()
            .edit_channel(self.guild(), channel, &edit)
            .await;
        if result.is_ok() {
            self.record.trail.shown = Some(fingerprint);
        }
        drop(self.persist_lazy());
        match result {
            Ok(()) => Presented::Done,
            Err(error) => {
                warn!(%error, "could not change the ticket channel's name and topic");
                Presented::Failed(error)
            }
        }
    }

    fn arm_rename(&mut self, myself: &ActorRef<TicketMsg>, wait_ms: i64, settings: &GuildSettings) {
        if self.renames.armed {
            return;
        }
        self.renames.armed = true;
        let settings = Arc::new(settings.clone());
        let wait = std::time::Duration::from_millis(wait_ms.max(0) as u64);
        myself.send_after(wait, move || TicketMsg::RenameDue { settings });
    }

    /// The budget has room again: the newest state goes out (or waits again, if an edit sent
    /// meanwhile spent the room this timer was for).
    pub(super) async fn rename_due(
        &mut self,
        myself: &ActorRef<TicketMsg>,
        settings: &GuildSettings,
    ) {
        self.renames.armed = false;
        // Nobody waits for an answer now: a failure is logged in `present`.
        let _ = self.present(myself, settings).await;
    }

    /// Staff set a ticket's priority: shown on the welcome message, edited in place, and as
    /// the channel name's prefix.
    pub(super) async fn set_priority(
        &mut self,
        myself: &ActorRef<TicketMsg>,
        (by, priority): (Person, Priority),
        reply: Reply,
        settings: &GuildSettings,
    ) {
        let Some(channel) = self.staff_step(by, Text::PriorityNotAllowed, &reply).await else {
            return;
        };
        let number = self.record.number;
        let shown = priority_text(priority);
        if self.record.staff.priority != priority {
            self.record.staff.priority = priority;
            self.note(by.user, EventKind::PrioritySet(priority));
            self.persist(Vec::new()).await;
            self.refresh_welcome(channel, settings);
            let entry = || {
                let description = t!(LogPriority, number, priority = shown, by = by.user);
                (Text::LogPriorityTitle, description)
            };
            self.log(settings, entry, BLUE);
            self.present(myself, settings).await;
        }
        reply.send(&t!(PrioritySet, number, priority = shown)).await;
    }

    /// Staff rename the channel: now, or when Discord's budget has room (the person is told
    /// when); the priority prefix stays in front of the new name.
    pub(super) async fn rename(
        &mut self,
        myself: &ActorRef<TicketMsg>,
        (by, name): (Person, String),
        reply: Reply,
        settings: &GuildSettings,
    ) {
        if self
            .staff_step(by, Text::RenameNotAllowed, &reply)
            .await
            .is_none()
        {
            return;
        }
        let Some(name) = rename::channel_slug(&name) else {
            return reply.send(Text::RenameBadName.text()).await;
        };
        let number = self.record.number;
        self.record.trail.custom_name = Some(name.clone());
        let answer = match self.present(myself, settings).await {
            Presented::Failed(error) => {
                let error = error.person_message();
                return reply.send(&t!(CouldNotRename, error)).await;
            }
            Presented::Later(slot) => t!(RenameQueued, number, name, at = slot / 1000),
            Presented::Already | Presented::Done => t!(RenamedAnswer, number, name),
        };
        self.note(by.user, EventKind::Renamed { name: name.clone() });
        drop(self.persist_lazy());
        let entry = || {
            let description = t!(LogRenamed, number, name, by = by.user);
            (Text::LogRenamedTitle, description)
        };
        self.log(settings, entry, BLUE);
        reply.send(&answer).await;
    }
}
