//! A thread ticket's side of the ticket actor: its private thread in the panel's channel,
//! created at the open with the opener added as a member.
//!
//! Who sees a private thread is Discord's rule, not an overwrite: its members, and whoever holds
//! Manage Threads in its channel (Administrator includes it). So the opener and added users are
//! thread members, and staff see every thread ticket through Manage Threads in that channel,
//! which the hub names when the panel is set to threads. A role mention by a bot adds nobody to a
//! private thread, so the welcome message does not try.

use tracing::{info, warn};

use super::TicketActorState;
use crate::discord::{DiscordError, codes, reply::Reply};
use crate::domain::{
    access,
    model::{GuildSettings, Snowflake},
    naming,
};
use crate::ui::text::t;

impl TicketActorState {
    /// Creates the ticket's private thread in `parent` with the opener in it; false (the person
    /// told why) when there is none.
    pub(super) async fn create_thread_for(
        &mut self,
        parent: Snowflake,
        reply: Option<&Reply>,
    ) -> bool {
        let name = naming::channel_name(self.record.number);
        let text = match self.discord().create_private_thread(parent, &name).await {
            Ok(thread) => match self.add_opener(thread).await {
                Ok(()) => {
                    info!(thread, parent, "ticket thread created");
                    self.record.channel = Some(thread);
                    return true;
                }
                Err(error) => {
                    // A thread its opener cannot see is no ticket: removed, and the open fails.
                    warn!(%error, thread, "could not add the opener to the ticket thread");
                    let _ = self
                        .discord()
                        .delete_channel(thread, "opener not added")
                        .await;
                    self.failed(&error).await
                }
            },
            Err(error) if error.outcome_unknown() => {
                // Sent once: a retry after a lost answer could make a second thread. The record
                // stays Provisioning; the next start finds the thread by its name or makes it.
                warn!(%error, "thread create unconfirmed; left for repair at the next start");
                t!(CreateUnconfirmed, number = self.record.number)
            }
            Err(error) => {
                warn!(%error, parent, "could not create the ticket thread");
                self.failed(&error).await
            }
        };
        if let Some(reply) = reply {
            reply.clone().send(&text).await;
        }
        false
    }

    /// At a restart's repair: the thread a crash left unrecorded, found by its name among the
    /// guild's active threads, becomes the ticket's (with the opener added, in case the crash
    /// came before that), so the create is never sent twice for one number. `Err` when
    /// Discord could not be asked: the ticket waits for the next start rather than risk a
    /// second thread.
    pub(super) async fn adopt_thread(&mut self, parent: Snowflake) -> Result<(), DiscordError> {
        let Some(thread) = self.find_thread(parent).await? else {
            return Ok(());
        };
        info!(thread, "adopted the ticket thread found after restart");
        self.add_opener(thread).await?;
        self.record.channel = Some(thread);
        Ok(())
    }

    /// This ticket's thread among the guild's active ones: in `parent`, named for its number.
    async fn find_thread(&self, parent: Snowflake) -> Result<Option<Snowflake>, DiscordError> {
        let name = naming::channel_name(self.record.number);
        let threads = self.discord().active_threads(self.guild()).await?;
        Ok(threads
            .iter()
            .find(|t| t.parent == Some(parent) && t.name == name)
            .map(|t| t.id))
    }

    async fn add_opener(&self, thread: Snowflake) -> Result<(), DiscordError> {
        self.discord()
            .add_thread_member(thread, self.record.opener)
            .await
    }
}

impl TicketActorState {
    /// Whether this ticket is a private thread rather than a channel.
    pub(super) fn is_thread(&self) -> bool {
        self.record.thread_in.is_some()
    }

    /// A close's (`open` false) or a reopen's access change. A channel gets the closed or the
    /// open overwrites. A closing thread is locked, so only moderators (Manage Threads) write
    /// in it or unarchive it, and is archived once the "closed" message is in it
    /// ([`Self::archive_closed_thread`]), since an archived thread takes no message; a
    /// reopening one is unlocked. Either edit also unarchives: Discord archives a thread left
    /// quiet for a week, and an archived thread takes no other edit.
    pub(super) async fn ticket_access(
        &self,
        channel: Snowflake,
        settings: &GuildSettings,
        open: bool,
    ) -> Result<(), DiscordError> {
        if self.is_thread() {
            let unarchived = Some(false);
            return self
                .discord()
                .edit_thread(channel, unarchived, Some(!open))
                .await;
        }
        let overwrites = if open {
            self.open_overwrites(settings)
        } else {
            let bot = self.discord().bot_user_id();
            access::closed_ticket_overwrites(self.guild(), bot, &settings.staff_roles)
        };
        self.set_access(channel, &overwrites).await
    }

    /// A closed thread ticket archived, last; a failure leaves it locked, which is enough.
    pub(super) async fn archive_closed_thread(&self, channel: Snowflake) {
        if !self.is_thread() {
            return;
        }
        if let Err(error) = self.discord().edit_thread(channel, Some(true), None).await {
            warn!(%error, "could not archive the closed ticket thread; it stays locked");
        }
    }

    /// People added to or removed from a thread ticket as its members (only ever while it is
    /// open). On a failure the ones done stay done (each is idempotent) and the error is
    /// returned for the answer.
    pub(super) async fn change_thread_members(
        &self,
        thread: Snowflake,
        users: &[Snowflake],
        add: bool,
    ) -> Result<(), DiscordError> {
        for &user in users {
            self.change_thread_member(thread, user, add).await?;
        }
        Ok(())
    }

    /// Adds or removes `user` in `thread` (the ticket's, or its staff notes'). A thread Discord
    /// archived after a quiet week takes no member change, so it is unarchived first.
    pub(super) async fn change_thread_member(
        &self,
        thread: Snowflake,
        user: Snowflake,
        add: bool,
    ) -> Result<(), DiscordError> {
        let change = || async move {
            match add {
                true => self.discord().add_thread_member(thread, user).await,
                false => self.discord().remove_thread_member(thread, user).await,
            }
        };
        match change().await {
            Err(error) if error.code() == Some(codes::THREAD_ARCHIVED) => {
                info!(thread, "the thread was archived; unarchiving it");
                self.discord().set_thread_archived(thread, false).await?;
                change().await
            }
            done => done,
        }
    }
}
