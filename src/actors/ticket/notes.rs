//! A ticket actor's side of staff notes: a private thread inside the ticket's channel that
//! only the staff added to it (and moderators with Manage Threads) can see. Created on first
//! use by `/tickets notes`, which adds whoever runs it; archived on close and unarchived on
//! reopen; its messages go into staff's copy of the transcript, never the opener's.
//!
//! A private thread is hidden from the opener and the people added because they are not its
//! members and hold no Manage Threads, so the ticket's overwrites need no change and the open
//! path no extra call.

use tracing::{info, warn};

use super::{History, Person, TicketActorState};
use crate::discord::{DiscordError, reply::Reply};
use crate::domain::model::Snowflake;
use crate::ui::text::{Text, t};

impl TicketActorState {
    /// `/tickets notes`: the thread (created if need be) with `by` in it, as a link.
    pub(super) async fn open_notes(&mut self, by: Person, reply: Reply) {
        let Some(channel) = self.staff_step(by, Text::NotesNotAllowed, &reply).await else {
            return;
        };
        if self.is_thread() {
            // Discord nests no thread in a thread.
            return reply.send(Text::ThreadTicketNoNotes.text()).await;
        }
        let number = self.record.number;
        let thread = match self.notes_thread(channel).await {
            Ok(thread) => thread,
            Err(error) => {
                warn!(%error, "could not create the staff notes thread");
                let error = error.person_message();
                return reply.send(&t!(NotesNotCreated, error)).await;
            }
        };
        if let Err(error) = self.change_thread_member(thread, by.user, true).await {
            warn!(%error, thread, "could not add a staff member to the notes");
            let error = error.person_message();
            return reply.send(&t!(NotesNotJoined, error)).await;
        }
        info!(user = by.user, thread, "staff member in the notes thread");
        reply.send(&t!(NotesReady, number, thread)).await;
    }

    /// The stored thread, or a new one stored durably before anyone is told of it.
    async fn notes_thread(&mut self, channel: Snowflake) -> Result<Snowflake, DiscordError> {
        if let Some(thread) = self.record.trail.notes_thread {
            return Ok(thread);
        }
        let name = self.in_channel_lang(|| Text::NotesThreadName.text().to_owned());
        let thread = self.discord().create_private_thread(channel, &name).await?;
        self.record.trail.notes_thread = Some(thread);
        self.persist(Vec::new()).await;
        Ok(thread)
    }

    /// Archives (on close) or unarchives (on reopen) the notes thread, if there is one. A
    /// failure is logged: the thread is staff-only either way.
    pub(super) async fn archive_notes(&self, archived: bool) {
        let Some(thread) = self.record.trail.notes_thread else {
            return;
        };
        if let Err(error) = self.discord().set_thread_archived(thread, archived).await {
            warn!(%error, thread, archived, "could not change the notes thread's archive state");
        }
    }

    /// Everything a close's transcript is made of: the channel's history (with what is missing
    /// from it) and the staff notes' messages.
    pub(super) async fn read_for_transcript(&self, channel: Snowflake) -> History {
        let (messages, mut notes) = self.history(channel).await;
        let staff_notes = match self.record.trail.notes_thread {
            None => Vec::new(),
            Some(thread) => match self.discord().all_messages(thread).await {
                Ok(messages) => messages,
                Err(error) => {
                    warn!(%error, thread, "could not read the staff notes for the transcript");
                    let error = error.person_message();
                    notes.push(self.in_channel_lang(|| t!(NotesUnreadable, error)));
                    Vec::new()
                }
            },
        };
        let name_colors = self.name_colors(&messages, &staff_notes).await;
        History {
            messages,
            staff_notes,
            notes,
            name_colors,
        }
    }

    /// The colours the web page shows the people's names in (only with the web side on: the
    /// file transcript does not use them, and each author costs a read).
    async fn name_colors(
        &self,
        messages: &[twilight_model::channel::Message],
        staff_notes: &[twilight_model::channel::Message],
    ) -> Vec<(u64, u32)> {
        if self.ctx.links.is_none() {
            return Vec::new();
        }
        let mut authors: Vec<u64> = Vec::new();
        for m in messages.iter().chain(staff_notes).filter(|m| !m.author.bot) {
            let author = m.author.id.get();
            if !authors.contains(&author) {
                authors.push(author);
            }
        }
        authors.truncate(crate::domain::transcript::COLORED_AUTHORS_MAX);
        if authors.is_empty() {
            return Vec::new();
        }
        match self.discord().name_colors(self.guild(), &authors).await {
            Ok(colors) => colors,
            Err(error) => {
                warn!(%error, "could not read the roles for the names' colours");
                Vec::new()
            }
        }
    }
}
