//! Answering a person within Discord's 3 s deadline: acknowledge first, then work.
//!
//! A [`Reply`] starts the acknowledgement (a deferred response) on its own task the moment it is
//! made, so no actor mailbox or REST queue stands between a click and its ack. Whoever finishes the
//! work later calls [`Reply::send`], which waits for that ack and then edits `@original`.

use futures_util::{
    FutureExt,
    future::{BoxFuture, Shared},
};
use std::sync::Arc;

use tracing::warn;
use twilight_model::channel::message::Component;

use super::{Discord, DiscordResult};

use crate::{actors::incoming::Incoming, ui::text::Lang};

/// Whether the acknowledgement landed; shared so every clone of a [`Reply`] can wait for it.
type Ack = Shared<BoxFuture<'static, bool>>;

/// A pending answer to one interaction. Clones answer the same interaction (a waiting member's
/// place in line is edited several times before the ticket actor edits in the link).
#[derive(Clone)]
pub struct Reply {
    discord: Discord,
    interaction_id: u64,
    token: String,
    ack: Option<Ack>,
    /// Orders the edits of all clones; `true` once the final answer went out, after which
    /// provisional updates (a place in line) are dropped instead of overwriting it.
    edits: Arc<tokio::sync::Mutex<bool>>,
    /// The person's language, which their answer is written in.
    lang: Lang,
}

/// Starts an acknowledgement on its own task, so it goes out whatever the caller does next.
fn spawn_ack(
    interaction_id: u64,
    call: impl std::future::Future<Output = DiscordResult<()>> + Send + 'static,
) -> Ack {
    let handle = tokio::spawn(call);
    async move {
        match handle.await {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                warn!(interaction = interaction_id, %error, "acknowledgement failed");
                false
            }
            Err(error) => {
                warn!(interaction = interaction_id, %error, "acknowledgement task died");
                false
            }
        }
    }
    .boxed()
    .shared()
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("interaction_id", &self.interaction_id)
            .finish_non_exhaustive()
    }
}

impl Reply {
    /// Acknowledges with an ephemeral "thinking…" now; the answer replaces it later.
    pub fn defer_ephemeral(discord: &Discord, incoming: &Incoming) -> Reply {
        let ack = spawn_ack(
            incoming.id,
            discord.defer_ephemeral(incoming.id, &incoming.token),
        );
        Reply {
            discord: discord.clone(),
            interaction_id: incoming.id,
            token: incoming.token.clone(),
            ack: Some(ack),
            edits: Arc::default(),
            lang: incoming.locale,
        }
    }

    /// Acknowledges a component silently; the answer later replaces the component's own message
    /// (used for selects on an ephemeral message, so the person sees one message evolve).
    pub fn defer_update(discord: &Discord, incoming: &Incoming) -> Reply {
        let ack = spawn_ack(
            incoming.id,
            discord.defer_update(incoming.id, &incoming.token),
        );
        Reply {
            discord: discord.clone(),
            interaction_id: incoming.id,
            token: incoming.token.clone(),
            ack: Some(ack),
            edits: Arc::default(),
            lang: incoming.locale,
        }
    }

    /// A reply for an interaction whose initial response was already sent (e.g. after a restart
    /// or when the answer is a follow-up edit); no ack is awaited.
    pub fn acknowledged(discord: &Discord, interaction_id: u64, token: String) -> Reply {
        Reply {
            discord: discord.clone(),
            interaction_id,
            token,
            ack: None,
            edits: Arc::default(),
            lang: Lang::English,
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The language of the person answered.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Waits for the acknowledgement; false when it failed (the person already saw the failure,
    /// so editing would only fail again).
    pub async fn acked(&self) -> bool {
        match &self.ack {
            None => true,
            Some(ack) => ack.clone().await,
        }
    }

    /// Replaces the acknowledgement with the answer. Failures are logged, never propagated: the
    /// work is done and recorded either way.
    pub async fn send(self, content: &str) {
        self.send_with(content, Vec::new()).await
    }

    pub async fn send_with(&self, content: &str, components: Vec<Component>) {
        self.edit(content, components, true).await
    }

    /// An interim answer (a place in line); never overwrites the final one.
    pub async fn send_provisional(&self, content: &str) {
        self.edit(content, Vec::new(), false).await
    }

    async fn edit(&self, content: &str, components: Vec<Component>, is_final: bool) {
        if !self.acked().await {
            return;
        }
        let mut final_sent = self.edits.lock().await;
        if *final_sent {
            return;
        }
        *final_sent = is_final;
        if let Err(error) = self
            .discord
            .edit_original(&self.token, content, &components)
            .await
        {
            warn!(interaction = self.interaction_id, %error, "could not edit the interaction response");
        }
    }
}

/// Answers at once with an ephemeral message, on its own task (refusals, menus).
pub fn reply_now(
    discord: &Discord,
    incoming: &Incoming,
    content: String,
    components: Vec<Component>,
) {
    answer_now(discord, incoming.id, &incoming.token, content, components);
}

/// [`reply_now`] for an interaction the router could not turn into an [`Incoming`].
pub fn answer_now(
    discord: &Discord,
    id: u64,
    token: &str,
    content: String,
    components: Vec<Component>,
) {
    // Called here, not in the task: the acknowledgement counts as pending from now on.
    let answer = discord.reply_ephemeral(id, token, &content, components);
    answer_on_task(id, answer, "could not answer the interaction");
}

/// Opens a modal as the initial response, on its own task.
pub fn open_modal_now(
    discord: &Discord,
    incoming: &Incoming,
    custom_id: String,
    title: &str,
    components: Vec<Component>,
) {
    let id = incoming.id;
    let answer = discord.open_modal(id, &incoming.token, custom_id, title, components);
    answer_on_task(id, answer, "could not open the modal");
}

/// Answers at once by replacing the component's message (menus navigating in place).
pub fn update_now(
    discord: &Discord,
    incoming: &Incoming,
    content: String,
    components: Vec<Component>,
) {
    let id = incoming.id;
    let answer = discord.update_message(id, &incoming.token, &content, components);
    answer_on_task(id, answer, "could not update the interaction message");
}

/// Sends an initial response on a task of its own (the acknowledgement already counts as
/// pending), logging `what` went wrong if Discord refused it.
fn answer_on_task(
    id: u64,
    answer: impl std::future::Future<Output = DiscordResult<()>> + Send + 'static,
    what: &'static str,
) {
    tokio::spawn(async move {
        if let Err(error) = answer.await {
            warn!(interaction = id, %error, "{what}");
        }
    });
}

/// Tells a person their interaction broke on our side (an actor failed while handling it): as
/// the initial response if none went out yet, else by editing the acknowledgement.
pub fn apologize(discord: &Discord, incoming: &Incoming) {
    let text = incoming.locale.text(crate::ui::text::Text::Apology);
    let (d, id, token) = (discord.clone(), incoming.id, incoming.token.clone());
    let answer = d.reply_ephemeral(id, &token, text, Vec::new());
    tokio::spawn(async move {
        match answer.await {
            Ok(()) => {}
            Err(error) if error.code() == Some(crate::discord::codes::ALREADY_ACKNOWLEDGED) => {
                if let Err(error) = d.edit_original(&token, text, &[]).await {
                    warn!(interaction = id, %error, "could not apologize");
                }
            }
            Err(error) => warn!(interaction = id, %error, "could not apologize"),
        }
    });
}
