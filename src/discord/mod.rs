//! The only code that calls twilight-http (Architecture Invariant).
//!
//! [`Discord`] speaks in the bot's terms (ticket channel, welcome message, deferred reply) and owns
//! the retry policy: twilight retries 429s itself but never a 5xx, so calls that are safe to repeat
//! (reads, PUT/PATCH/DELETE, interaction edits) are retried here with backoff; a channel or message
//! create is not (a retry after a lost answer would duplicate it).

pub mod acks_first;
pub mod cdn;
pub mod global_pace;
pub mod reply;

use std::{collections::HashMap, sync::Arc, time::Duration};

// Tokio's clock, so the route gate's waits run on paused time in tests.
use tokio::time::Instant;

use twilight_http::{
    Client,
    client::ClientBuilder,
    error::{Error as HttpError, ErrorType},
    request::AuditLogReason,
};
use twilight_model::{
    application::command::Command,
    channel::{
        ChannelType, Message,
        message::{
            AllowedMentions, Component, Embed, MessageFlags,
            component::{ActionRow, Button, ButtonStyle},
        },
        permission_overwrite::{PermissionOverwrite, PermissionOverwriteType},
    },
    guild::Permissions,
    http::{
        attachment::Attachment,
        interaction::{InteractionResponse, InteractionResponseData, InteractionResponseType},
    },
    id::{
        Id,
        marker::{ApplicationMarker, ChannelMarker, GuildMarker, InteractionMarker, UserMarker},
    },
};

use self::{
    acks_first::{AcksFirst, CALLBACKS_IN_FLIGHT},
    global_pace::GlobalPace,
};
use crate::domain::access::{Overwrite, OverwriteKind};
use crate::domain::sharding::BotPart;

/// JSON error codes from Discord's documentation that the bot reacts to.
pub mod codes {
    pub const UNKNOWN_CHANNEL: u64 = 10003;
    pub const UNKNOWN_MESSAGE: u64 = 10008;
    pub const UNKNOWN_INTERACTION: u64 = 10062;
    pub const MISSING_ACCESS: u64 = 50001;
    pub const CANNOT_DM: u64 = 50007;
    pub const MISSING_PERMISSIONS: u64 = 50013;
    pub const MAX_CHANNELS: u64 = 30013;
    pub const ALREADY_ACKNOWLEDGED: u64 = 40060;
    pub const UNKNOWN_ROLE: u64 = 10011;
    pub const INVALID_FORM_BODY: u64 = 50035;
    pub const UNKNOWN_OVERWRITE: u64 = 10009;
    pub const THREAD_ARCHIVED: u64 = 50083;
    pub const UNKNOWN_MEMBER: u64 = 10007;
}

/// twilight's own default: how long one REST request may take before it counts as failed.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a Discord call failed, in the terms the callers branch on.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    /// Discord answered with a JSON error code (unknown channel, missing permissions, ...).
    #[error("Discord refused the request (HTTP {status}, code {code}): {message}")]
    Api {
        status: u16,
        code: u64,
        message: String,
    },
    /// Discord failed on its side (5xx) after our retries.
    #[error("Discord is failing (HTTP {status})")]
    Server { status: u16 },
    /// The token was refused: fatal for this process.
    #[error("the bot token was refused by Discord (401)")]
    Unauthorized,
    /// Transport trouble: timeout, connection refused. `Display` of a twilight error never
    /// includes the token.
    #[error("request to Discord failed: {0}")]
    Transport(#[source] HttpError),
    /// Discord answered with a body that is not the model it documents.
    #[error("unreadable Discord answer: {0}")]
    Unreadable(#[source] twilight_http::response::DeserializeBodyError),
}

impl DiscordError {
    pub fn code(&self) -> Option<u64> {
        match self {
            DiscordError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// A failure after which Discord may or may not have carried out the request: the answer
    /// was lost (timeout, dropped connection) or Discord failed on its side. A create that ends
    /// like this must be checked for before it is reported or repeated.
    pub fn outcome_unknown(&self) -> bool {
        self.is_transient()
    }

    /// A failure worth repeating an idempotent call for.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            DiscordError::Server { .. } | DiscordError::Transport(_)
        )
    }

    /// A short person-facing explanation (never the token, never raw bodies).
    pub fn person_message(&self) -> String {
        use crate::ui::text::{Text, t};
        match self.code() {
            Some(codes::MISSING_PERMISSIONS) | Some(codes::MISSING_ACCESS) => {
                Text::DiscordMissingPermissions.to_string()
            }
            Some(codes::MAX_CHANNELS) => {
                t!(
                    DiscordMaxChannels,
                    max = crate::domain::limits::GUILD_CHANNELS_MAX
                )
            }
            Some(codes::UNKNOWN_CHANNEL) => Text::DiscordUnknownChannel.to_string(),
            _ => Text::DiscordRefused.to_string(),
        }
    }
}

impl From<HttpError> for DiscordError {
    fn from(error: HttpError) -> Self {
        match error.kind() {
            ErrorType::Response { body, status, .. } => {
                let status = status.get();
                if status >= 500 {
                    return DiscordError::Server { status };
                }
                // Parse the body ourselves: twilight maps some errors to non-general variants.
                let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
                let code = parsed
                    .as_ref()
                    .and_then(|v| v.get("code"))
                    .and_then(|c| c.as_u64())
                    .unwrap_or(0);
                let message = parsed
                    .as_ref()
                    .and_then(|v| v.get("message"))
                    .and_then(|m| m.as_str())
                    .unwrap_or("")
                    .to_owned();
                DiscordError::Api {
                    status,
                    code,
                    message,
                }
            }
            ErrorType::Unauthorized => DiscordError::Unauthorized,
            _ => DiscordError::Transport(error),
        }
    }
}

pub type DiscordResult<T> = Result<T, DiscordError>;

/// Cheap to clone (one reference count); every actor and every spawned request holds one.
#[derive(Clone)]
pub struct Discord(Arc<DiscordInner>);

/// What a [`Discord`] shares between its clones.
pub struct DiscordInner {
    http: Arc<Client>,
    /// Initial interaction responses only, with no client-side rate limiter: twilight's limiter
    /// queues every `interactions/*` request behind one another (they share its "no resources"
    /// key), which would cap acknowledgements at one round trip at a time for the whole bot.
    /// Discord exempts interaction responses from the global limit and allows one per interaction.
    callbacks: Arc<Client>,
    /// Bounds initial responses in flight: a burst of thousands of clicks would otherwise open
    /// a connection per click at once. Each response is one short round trip, so a few hundred
    /// at a time still answer thousands per second.
    callbacks_in_flight: Arc<tokio::sync::Semaphore>,
    /// Every other request waits while many acknowledgements are pending (see `acks_first`).
    acks: AcksFirst,
    /// Bounds all other requests in flight: each is a connection, and a burst of place-in-line
    /// edits once ran a process out of file descriptors.
    requests_in_flight: Arc<tokio::sync::Semaphore>,
    gate: RouteGate,
    /// Discord's global 50 requests/s, as a sliding window (see `global_pace`); off only where
    /// twilight's limiter is off too (the simulator's engine runs).
    global: GlobalPace,
    application_id: Id<ApplicationMarker>,
    bot_user_id: Id<UserMarker>,
    /// The application's flags as last read: which privileged intents are switched on.
    app_flags: std::sync::atomic::AtomicU64,
    /// Where acknowledgement latencies are counted, once the bot attached its metrics.
    metrics: std::sync::OnceLock<Arc<crate::web::Metrics>>,
}

/// How many times an idempotent call is tried against a failing Discord.
const IDEMPOTENT_ATTEMPTS: u32 = 6;

/// Initial interaction responses get more, faster tries: they must land within Discord's 3 s,
/// and a lost one is the person's "This interaction failed" (8 tries fit in about 2 s).
const RESPONSE_ATTEMPTS: u32 = 8;

/// Other requests in flight at once (see `Discord::requests_in_flight`). Discord's global limit
/// of 50 requests/s makes more pointless in production; without limits it still keeps two cores
/// busy.
const REQUESTS_IN_FLIGHT: usize = 256;

/// Re-runs an idempotent request on transient failures with exponential backoff.
macro_rules! retry_idempotent {
    ($what:expr, $call:expr) => {{
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            match $call.await.map_err(DiscordError::from) {
                Ok(response) => break Ok(response),
                Err(error) if error.is_transient() && attempt < IDEMPOTENT_ATTEMPTS => {
                    tracing::warn!(%error, attempt, call = $what, "transient Discord failure, retrying");
                    tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
                }
                Err(error) => break Err(error),
            }
        }
    }};
}

/// [`retry_idempotent!`] for a route under Discord's global limit: every attempt waits for its
/// place in `$pace` (the bot's [`GlobalPace`]) first.
macro_rules! retry_limited {
    ($pace:expr, $what:expr, $call:expr) => {
        retry_idempotent!($what, async {
            $pace.admit().await;
            let answer = $call.await;
            $pace.note($what, $crate::discord::http_status(&answer));
            answer
        })
    };
}

/// The HTTP status of a twilight answer; 0 when none came (timeout, connection trouble).
pub(crate) fn http_status<T>(answer: &Result<twilight_http::Response<T>, HttpError>) -> u16 {
    match answer {
        Ok(response) => response.status().get(),
        Err(error) => match error.kind() {
            ErrorType::Response { status, .. } => status.get(),
            _ => 0,
        },
    }
}

/// What Discord's `x-ratelimit-*` headers last said about one route's bucket.
#[derive(Debug, Clone, Copy)]
struct BucketState {
    remaining: u32,
    reset_at: Instant,
    /// The bucket's size per window, when Discord said it.
    limit: Option<u32>,
    /// Requests this process sent in the window (counted for buckets of the whole bot).
    own: u32,
    /// The window's name: its reset time in whole seconds since the Unix epoch, from
    /// `x-ratelimit-reset` (see [`window_name`]).
    window: Option<u64>,
}

/// What one answer's `x-ratelimit-*` headers say.
#[derive(Debug, Clone, Copy, Default)]
struct BucketHeaders {
    remaining: Option<u32>,
    reset_after: Option<f64>,
    limit: Option<u32>,
    /// The window the answer came in, named by [`window_name`].
    reset: Option<u64>,
}

/// Holds a request back while its bucket is known to be exhausted. twilight 0.18 reads rate-limit
/// headers only on a 429 (where `x-ratelimit-scope` is present), so on its own it learns each
/// exhausted window by being refused once; every refusal counts toward Discord's 10,000 invalid
/// requests per 10 minutes. This gate reads the headers of successful answers instead, for the
/// routes a ticket storm exhausts: channel creation per guild, DM channel creation, and message
/// posts per channel (the log channel).
#[derive(Debug, Default)]
struct RouteGate {
    buckets: std::sync::Mutex<HashMap<String, BucketState>>,
    /// One request at a time per gated route once Discord is seen to send rate-limit headers:
    /// concurrent requests could not learn from each other's answers and would overshoot a
    /// window. (twilight sends a route's requests one at a time anyway when its limiter is on.)
    turns: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    limited: std::sync::atomic::AtomicBool,
    /// The shards this process runs and the bot's total, when other processes run the others:
    /// of a bucket the whole bot shares (one without a major parameter, like DM channel
    /// creation), it sends at most its part of the bucket's size per window
    /// (`sharding::share_of`), so the processes together stay within it without seeing each
    /// other's requests.
    bot_share: std::sync::OnceLock<(Vec<u32>, u32)>,
    /// When this process's client started, set with [`Self::bot_share`]: what the bot's other
    /// (or earlier) processes sent into a bot-wide bucket's current window is unknown here, so
    /// the first request into one waits until a whole window has passed since the start.
    joined: std::sync::OnceLock<Instant>,
}

/// The longest window of a bucket the whole bot shares (DM channel creation: 10 per 10 s).
const BOT_WIDE_WINDOW: Duration = Duration::from_secs(10);

impl RouteGate {
    /// Waits for `key`'s turn (when limits are in force) and until its bucket has a request
    /// left, and takes it. Hold the returned turn until the answer's headers are learned.
    async fn admit(&self, key: &str) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        self.admit_in(key, false).await
    }

    /// [`Self::admit`] for a bucket the whole bot shares, where this process keeps to its
    /// share ([`Self::bot_share`]).
    async fn admit_bot_wide(&self, key: &str) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        self.admit_in(key, true).await
    }

    /// This process's part of a bot-wide bucket of `limit` per window, in `window` when its
    /// name is known: never below one.
    fn own_allowance(&self, limit: u32, window: Option<u64>) -> u32 {
        use crate::domain::sharding::{share_in_window, share_of};
        match (self.bot_share.get(), window) {
            (Some((shards, total)), _) if shards.len() >= *total as usize => u32::MAX,
            (Some((shards, total)), Some(reset)) => {
                let window = reset / BOT_WIDE_WINDOW.as_secs();
                share_in_window(limit, shards, *total, window)
            }
            (Some((shards, total)), None) => share_of(limit, shards, *total),
            (None, _) => u32::MAX,
        }
    }

    async fn admit_in(
        &self,
        key: &str,
        bot_wide: bool,
    ) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        let turn = if self.limited.load(std::sync::atomic::Ordering::Relaxed) {
            let lock = self
                .turns
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key.to_owned())
                .or_default()
                .clone();
            Some(lock.lock_owned().await)
        } else {
            None
        };
        self.wait_for_room(key, bot_wide).await;
        turn
    }

    async fn wait_for_room(&self, key: &str, bot_wide: bool) {
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let allowance = |b: &BucketState| match (bot_wide, b.limit) {
                    (true, Some(limit)) => self.own_allowance(limit, b.window),
                    _ => u32::MAX,
                };
                let unseen_window = (self.joined.get())
                    .map(|joined| *joined + BOT_WIDE_WINDOW)
                    .filter(|seen| {
                        bot_wide && now < *seen && self.own_allowance(1, None) != u32::MAX
                    });
                match buckets.get_mut(key) {
                    None if let Some(seen) = unseen_window => seen - now,
                    Some(bucket) if now >= bucket.reset_at => {
                        buckets.remove(key);
                        return;
                    }
                    Some(bucket) if bucket.remaining == 0 || bucket.own >= allowance(bucket) => {
                        bucket.reset_at - now
                    }
                    Some(bucket) => {
                        bucket.remaining -= 1;
                        bucket.own += 1;
                        return;
                    }
                    None => return,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Records what an answer's headers say about `key`'s bucket.
    fn learn(&self, key: &str, headers: twilight_http::response::HeaderIter<'_>) {
        let mut said = BucketHeaders::default();
        for (name, value) in headers {
            let value = std::str::from_utf8(value).ok();
            match name {
                "x-ratelimit-remaining" => said.remaining = value.and_then(|v| v.parse().ok()),
                "x-ratelimit-limit" => said.limit = value.and_then(|v| v.parse().ok()),
                "x-ratelimit-reset-after" => said.reset_after = value.and_then(|v| v.parse().ok()),
                "x-ratelimit-reset" => said.reset = value.and_then(window_name),
                _ => {}
            }
        }
        self.record_headers(key, said);
    }

    #[cfg(test)]
    fn record(&self, key: &str, remaining: Option<u32>, reset_after: Option<f64>) {
        let said = BucketHeaders {
            remaining,
            reset_after,
            ..BucketHeaders::default()
        };
        self.record_headers(key, said);
    }

    /// Learns what one answer said about `key`'s bucket.
    fn record_headers(&self, key: &str, said: BucketHeaders) {
        if let (Some(remaining), Some(after)) = (said.remaining, said.reset_after)
            && after.is_finite()
            && after >= 0.0
        {
            self.limited
                .store(true, std::sync::atomic::Ordering::Relaxed);
            let now = Instant::now();
            let reset_at = now + Duration::from_secs_f64(after.min(3_600.0));
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            // The window this answer came in: still the one known (its own count goes on), or
            // a new one that the request just answered opened. Named windows say which.
            let (known, own) = match buckets.get(key) {
                Some(b) if b.window.is_some() && said.reset.is_some() && b.window != said.reset => {
                    (b.limit, 1)
                }
                Some(b) if now < b.reset_at => (b.limit, b.own),
                Some(b) => (b.limit, 1),
                None => (None, 1),
            };
            let limit = said.limit.or(known);
            buckets.insert(
                key.to_owned(),
                BucketState {
                    remaining,
                    reset_at,
                    limit,
                    own,
                    window: said.reset,
                },
            );
        }
    }
}

/// A window's name from its `x-ratelimit-reset` (seconds since the Unix epoch, with a
/// fraction): the whole second, rounded. Every answer of one window says the same reset, and
/// were Discord's servers to differ in its last digits, the whole second still agrees unless
/// they straddle a half second; two windows of a bucket the whole bot shares (10 s long) never
/// share a name. Were two processes ever to name one window differently, together they could
/// exceed it by the remainder, and the refused request is retried.
fn window_name(value: &str) -> Option<u64> {
    let seconds = value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)?;
    Some(seconds.round() as u64)
}

/// A message the bot posts: content, embeds, buttons, files.
#[derive(Debug, Default, Clone)]
pub struct OutgoingMessage {
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub components: Vec<Component>,
    pub attachments: Vec<Attachment>,
}

/// What one channel edit changes; `None` leaves a part as it is.
#[derive(Debug, Default, Clone, Copy)]
pub struct ChannelEdit<'a> {
    pub name: Option<&'a str>,
    pub topic: Option<&'a str>,
    pub parent: Option<u64>,
    pub overwrites: Option<&'a [Overwrite]>,
}

/// The parts of a guild channel repair and setup need.
#[derive(Debug, Clone)]
pub struct ChannelSummary {
    pub id: u64,
    pub name: String,
    pub kind: ChannelType,
    pub parent: Option<u64>,
    pub topic: Option<String>,
}

impl From<twilight_model::channel::Channel> for ChannelSummary {
    fn from(c: twilight_model::channel::Channel) -> Self {
        ChannelSummary {
            id: c.id.get(),
            name: c.name.unwrap_or_default(),
            kind: c.kind,
            parent: c.parent_id.map(|p| p.get()),
            topic: c.topic,
        }
    }
}

/// Mentions in bot messages ping only the users named explicitly; user text can never ping
/// @everyone or roles.
fn users_only_mentions(users: &[u64]) -> AllowedMentions {
    AllowedMentions {
        users: users.iter().map(|u| Id::new(*u)).collect(),
        ..AllowedMentions::default()
    }
}

/// The JSON body of a message (the `payload_json` part when it carries files). Written here
/// rather than by twilight because Discord documents attachment ids as snowflake strings (twilight
/// sends integers) and because twilight 0.18 cannot send `enforce_nonce`.
fn message_payload(
    content: Option<&str>,
    embeds: &[Embed],
    components: &[Component],
    mentions: &AllowedMentions,
    attachments: &[Attachment],
    nonce: Option<&str>,
) -> Vec<u8> {
    let attachments: Vec<serde_json::Value> = attachments
        .iter()
        .map(|a| serde_json::json!({"id": a.id.to_string(), "filename": a.filename}))
        .collect();
    let mut payload = serde_json::json!({
        "embeds": embeds,
        "components": components,
        "allowed_mentions": mentions,
        "attachments": attachments,
    });
    if let Some(content) = content {
        payload["content"] = serde_json::Value::String(content.to_owned());
    }
    if let Some(nonce) = nonce {
        payload["nonce"] = serde_json::Value::String(nonce.to_owned());
        payload["enforce_nonce"] = serde_json::Value::Bool(true);
    }
    serde_json::to_vec(&payload).unwrap_or_default()
}

pub fn to_twilight_overwrites(overwrites: &[Overwrite]) -> Vec<PermissionOverwrite> {
    overwrites
        .iter()
        .map(|o| PermissionOverwrite {
            id: Id::<twilight_model::id::marker::GenericMarker>::new(o.id),
            kind: match o.kind {
                OverwriteKind::Role => PermissionOverwriteType::Role,
                OverwriteKind::Member => PermissionOverwriteType::Member,
            },
            allow: Permissions::from_bits_truncate(o.allow),
            deny: Permissions::from_bits_truncate(o.deny),
        })
        .collect()
}

/// A row of buttons, each `(custom_id, label, style)`.
pub fn button_row(buttons: &[(String, &str, ButtonStyle)]) -> Component {
    Component::ActionRow(ActionRow {
        id: None,
        components: buttons
            .iter()
            .map(|(custom_id, label, style)| {
                Component::Button(Button {
                    custom_id: Some(custom_id.clone()),
                    disabled: false,
                    emoji: None,
                    id: None,
                    label: Some((*label).to_owned()),
                    sku_id: None,
                    style: *style,
                    url: None,
                })
            })
            .collect(),
    })
}

/// `components` with every button and select disabled: how a message shows controls that no
/// longer apply (the history keeps what was offered; nobody can press it).
pub fn disabled(components: &[Component]) -> Vec<Component> {
    components
        .iter()
        .map(|component| match component {
            Component::ActionRow(row) => Component::ActionRow(ActionRow {
                id: row.id,
                components: disabled(&row.components),
            }),
            Component::Button(button) => Component::Button(Button {
                disabled: true,
                ..button.clone()
            }),
            Component::SelectMenu(menu) => {
                let mut menu = menu.clone();
                menu.disabled = true;
                Component::SelectMenu(menu)
            }
            other => other.clone(),
        })
        .collect()
}

/// Whether any button or select in `components` can still be pressed.
pub fn any_enabled(components: &[Component]) -> bool {
    components.iter().any(|component| match component {
        Component::ActionRow(row) => any_enabled(&row.components),
        Component::Button(button) => !button.disabled && button.custom_id.is_some(),
        Component::SelectMenu(menu) => !menu.disabled,
        _ => false,
    })
}

/// The embed colours the bot uses, one meaning each.
pub mod colors {
    /// Opened, reopened.
    pub const GREEN: u32 = 0x2ecc71;
    /// Closed, deleted, something lost.
    pub const RED: u32 = 0xe74c3c;
    /// Information: tickets, panels, people added or removed.
    pub const BLUE: u32 = 0x3498db;
}

/// A rich embed with a title, a description and a color; `footer` optional.
pub fn embed(title: &str, description: &str, color: u32, footer: Option<&str>) -> Embed {
    Embed {
        author: None,
        color: Some(color),
        description: Some(description.to_owned()),
        fields: Vec::new(),
        flags: None,
        footer: footer.map(
            |text| twilight_model::channel::message::embed::EmbedFooter {
                icon_url: None,
                proxy_icon_url: None,
                text: text.to_owned(),
            },
        ),
        image: None,
        kind: "rich".to_owned(),
        provider: None,
        thumbnail: None,
        timestamp: None,
        title: Some(title.to_owned()),
        url: None,
        video: None,
    }
}

/// An initial response carrying a message that pings nobody.
fn message_response(
    kind: InteractionResponseType,
    content: &str,
    components: Vec<Component>,
    flags: Option<MessageFlags>,
) -> InteractionResponse {
    InteractionResponse {
        kind,
        data: Some(InteractionResponseData {
            content: Some(content.to_owned()),
            components: Some(components),
            flags,
            allowed_mentions: Some(AllowedMentions::default()),
            ..Default::default()
        }),
    }
}

/// Installs rustls' crypto provider once; twilight's client (and reqwest's) panics without one.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn channel_link(guild: u64, channel: u64) -> String {
    format!("https://discord.com/channels/{guild}/{channel}")
}

impl std::ops::Deref for Discord {
    type Target = DiscordInner;

    fn deref(&self) -> &DiscordInner {
        &self.0
    }
}

impl Discord {
    fn new(
        http: Arc<Client>,
        callbacks: Arc<Client>,
        gate: RouteGate,
        global: GlobalPace,
        application_id: Id<ApplicationMarker>,
        bot_user_id: Id<UserMarker>,
        app_flags: u64,
    ) -> Self {
        Self(Arc::new(DiscordInner {
            http,
            callbacks,
            callbacks_in_flight: Arc::new(tokio::sync::Semaphore::new(CALLBACKS_IN_FLIGHT)),
            acks: AcksFirst::default(),
            requests_in_flight: Arc::new(tokio::sync::Semaphore::new(REQUESTS_IN_FLIGHT)),
            gate,
            global,
            application_id,
            bot_user_id,
            app_flags: std::sync::atomic::AtomicU64::new(app_flags),
            metrics: std::sync::OnceLock::new(),
        }))
    }

    /// Builds the HTTP client: against Discord itself, or against a simulator at `api_base`
    /// (`http://127.0.0.1:PORT`). `ratelimiter: false` is only honoured with a simulator.
    pub fn http_client(token: &str, api_base: Option<&str>, ratelimiter: bool) -> Client {
        Self::http_client_with_timeout(token, api_base, ratelimiter, DEFAULT_REQUEST_TIMEOUT)
    }

    /// [`Self::http_client`] with a request timeout other than twilight's 10 s (tests lower it
    /// to reach the timed-out-create path in well under a second).
    pub fn http_client_with_timeout(
        token: &str,
        api_base: Option<&str>,
        ratelimiter: bool,
        timeout: Duration,
    ) -> Client {
        let mut builder = Self::builder(token, api_base, timeout);
        if !ratelimiter && api_base.is_some() {
            builder = builder.ratelimiter(None);
        }
        builder.build()
    }

    /// The client for initial interaction responses: never with twilight's limiter (see the
    /// `callbacks` field).
    fn callback_client(token: &str, api_base: Option<&str>, timeout: Duration) -> Client {
        Self::builder(token, api_base, timeout)
            .ratelimiter(None)
            .build()
    }

    fn builder(token: &str, api_base: Option<&str>, timeout: Duration) -> ClientBuilder {
        let builder = Client::builder().token(token.to_owned()).timeout(timeout);
        let Some(base) = api_base else {
            return builder;
        };
        let (host, use_http) = match base.strip_prefix("http://") {
            Some(rest) => (rest, true),
            None => (base.strip_prefix("https://").unwrap_or(base), false),
        };
        builder.proxy(host.trim_end_matches('/').to_owned(), use_http)
    }

    /// Builds the client and learns who the bot is (its user and application ids). A refused
    /// token surfaces here as [`DiscordError::Unauthorized`], before anything else starts.
    pub async fn connect(
        token: &str,
        api_base: Option<&str>,
        ratelimiter: bool,
    ) -> DiscordResult<Discord> {
        Self::connect_with_timeout(
            token,
            api_base,
            ratelimiter,
            DEFAULT_REQUEST_TIMEOUT,
            &BotPart::whole(),
        )
        .await
    }

    /// [`Self::connect`] with a request timeout other than twilight's 10 s, pacing this
    /// process's `part` of the bot's global budget and of every bucket the bot shares.
    pub async fn connect_with_timeout(
        token: &str,
        api_base: Option<&str>,
        ratelimiter: bool,
        timeout: Duration,
        part: &BotPart,
    ) -> DiscordResult<Discord> {
        let global_share = part.rest_share() as usize;
        let mut builder = Self::builder(token, api_base, timeout);
        if !ratelimiter && api_base.is_some() {
            builder = builder.ratelimiter(None);
        } else if global_share > global_pace::LIMIT {
            // A raised budget: twilight's own limiter would hold the process at Discord's 50.
            let limit = u16::try_from(global_share).unwrap_or(u16::MAX);
            builder =
                builder.ratelimiter(Some(twilight_http_ratelimiting::RateLimiter::new(limit)));
        }
        let http = Arc::new(builder.build());
        let gate = RouteGate::default();
        let _ = gate.bot_share.set((part.shards.clone(), part.total));
        let _ = gate.joined.set(Instant::now());
        // Paced exactly where twilight's limiter runs (`http_client_with_timeout`), from the
        // first request on: twilight counts these two in its first window too, and a pace that
        // missed them let a burst right after start exhaust twilight's window, which then sent
        // what it held in one go into Discord's next one (50 429s in one rate-limited run).
        let global = GlobalPace::new(
            global_share,
            global_pace::WINDOW,
            ratelimiter || api_base.is_none(),
        )
        .spent();
        let me = retry_limited!(global, "current_user", http.current_user())?;
        // Whether this Discord sends rate-limit headers at all decides how the gate works.
        gate.learn("GET users/@me", me.headers());
        let me = me.model().await?;
        let app = retry_limited!(
            global,
            "current_user_application",
            http.current_user_application()
        )?
        .model()
        .await?;
        let callbacks = Arc::new(Self::callback_client(token, api_base, timeout));
        let flags = app.flags.map_or(0, |f| f.bits());
        Ok(Discord::new(
            http, callbacks, gate, global, app.id, me.id, flags,
        ))
    }

    pub fn bot_user_id(&self) -> u64 {
        self.bot_user_id.get()
    }

    pub fn application_id(&self) -> u64 {
        self.application_id.get()
    }

    /// The application's flags as last read (at connect, or by [`Self::refresh_app_flags`]).
    pub fn app_flags(&self) -> u64 {
        self.app_flags.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether Discord shows the bot other people's message text (see `domain::privileged`).
    pub fn message_content(&self) -> bool {
        crate::domain::privileged::message_content(self.app_flags())
    }

    /// Reads the application's flags again: an intent switched on in the portal counts from
    /// the next read, without a restart.
    pub async fn refresh_app_flags(&self) -> DiscordResult<u64> {
        let _turn = self.turn().await;
        let app = retry_limited!(
            self.global,
            "current_user_application",
            self.http.current_user_application()
        )?
        .model()
        .await?;
        let flags = app.flags.map_or(0, |f| f.bits());
        self.app_flags
            .store(flags, std::sync::atomic::Ordering::Relaxed);
        Ok(flags)
    }

    /// `GET /gateway/bot`'s `session_start_limit`: the identifies left today and how many may
    /// run at once, which the bot's one identify queue is built from.
    pub async fn session_start_limit(
        &self,
    ) -> DiscordResult<twilight_model::gateway::SessionStartLimit> {
        let _turn = self.turn().await;
        let response = retry_limited!(self.global, "gateway_bot", self.http.gateway().authed())?;
        Ok(response.model().await?.session_start_limit)
    }

    /// Waits for a request's turn: behind a large backlog of acknowledgements first, then for
    /// one of the bounded request slots. Hold the permit until the answer is in.
    async fn turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.acks.wait_turn().await;
        // The semaphore is never closed; `None` would only mean going without a slot.
        self.requests_in_flight.acquire().await.ok()
    }

    /// Initial interaction responses started and not finished, bot-wide.
    pub fn pending_acks(&self) -> usize {
        self.acks.pending()
    }

    // ---- application commands -------------------------------------------------------------

    pub async fn register_global_commands(&self, commands: &[Command]) -> DiscordResult<()> {
        let _turn = self.turn().await;
        let interaction = self.http.interaction(self.application_id);
        retry_limited!(
            self.global,
            "set_global_commands",
            interaction.set_global_commands(commands)
        )?;
        Ok(())
    }

    /// The names of the bot's global commands as Discord has them.
    pub async fn global_command_names(&self) -> DiscordResult<Vec<String>> {
        let _turn = self.turn().await;
        let interaction = self.http.interaction(self.application_id);
        let commands = retry_limited!(
            self.global,
            "global_commands",
            interaction.global_commands()
        )?
        .models()
        .await?;
        Ok(commands.into_iter().map(|c| c.name).collect())
    }

    // ---- interaction responses (exempt from the global rate limit) ---------------------------
    //
    // These return a `'static` future and count as pending acknowledgements from the call on,
    // before the future is first polled: a caller that spawns it has decided the answer, and the
    // spawned task may wait for a worker while channel work would otherwise go first.

    fn respond(
        &self,
        id: u64,
        token: &str,
        response: InteractionResponse,
    ) -> impl Future<Output = DiscordResult<()>> + Send + 'static {
        let pending = self.acks.start();
        let discord = self.clone();
        let token = token.to_owned();
        async move {
            let result = discord.respond_now(id, &token, &response).await;
            drop(pending);
            result
        }
    }

    /// Counts acknowledgements (and their latency) in `metrics` from now on.
    pub fn attach_metrics(&self, metrics: Arc<crate::web::Metrics>) {
        self.global.attach_metrics(metrics.clone());
        let _ = self.metrics.set(metrics);
    }

    async fn respond_now(
        &self,
        id: u64,
        token: &str,
        response: &InteractionResponse,
    ) -> DiscordResult<()> {
        let started = Instant::now();
        let result = self.respond_with_retries(id, token, response).await;
        if let Some(metrics) = self.metrics.get() {
            match &result {
                Ok(()) => metrics.ack_seconds.observe(started.elapsed().as_secs_f64()),
                Err(_) => {
                    metrics.acks_failed.inc();
                }
            }
        }
        result
    }

    async fn respond_with_retries(
        &self,
        id: u64,
        token: &str,
        response: &InteractionResponse,
    ) -> DiscordResult<()> {
        // A second initial response is refused with 40060, which makes a retry safe: on a retry,
        // 40060 means an earlier attempt landed and only its answer was lost. Without retrying, a
        // single 5xx leaves the person with "This interaction failed".
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let permit = self.callbacks_in_flight.acquire().await;
            let result = self
                .callbacks
                .interaction(self.application_id)
                .create_response(Id::<InteractionMarker>::new(id), token, response)
                .await
                .map_err(DiscordError::from);
            // Released before any backoff sleep, so a retry does not hold a slot idle.
            drop(permit);
            match result {
                Ok(_) => return Ok(()),
                Err(error) if attempt > 1 && error.code() == Some(codes::ALREADY_ACKNOWLEDGED) => {
                    return Ok(());
                }
                Err(error) if error.is_transient() && attempt < RESPONSE_ATTEMPTS => {
                    tracing::warn!(%error, attempt, call = "interaction response", "transient Discord failure, retrying");
                    // Short backoff: the whole initial response must land within Discord's 3 s.
                    tokio::time::sleep(Duration::from_millis(25 << attempt.min(4))).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// "Thinking…" visible only to the person; the real answer comes by [`Self::edit_original`].
    pub fn defer_ephemeral(
        &self,
        id: u64,
        token: &str,
    ) -> impl Future<Output = DiscordResult<()>> + Send + 'static {
        let response = InteractionResponse {
            kind: InteractionResponseType::DeferredChannelMessageWithSource,
            data: Some(InteractionResponseData {
                flags: Some(MessageFlags::EPHEMERAL),
                ..Default::default()
            }),
        };
        self.respond(id, token, response)
    }

    /// Acknowledges a component without a new message; the component's message is edited later.
    pub fn defer_update(
        &self,
        id: u64,
        token: &str,
    ) -> impl Future<Output = DiscordResult<()>> + Send + 'static {
        let response = InteractionResponse {
            kind: InteractionResponseType::DeferredUpdateMessage,
            data: None,
        };
        self.respond(id, token, response)
    }

    /// A complete ephemeral answer as the initial response.
    pub fn reply_ephemeral(
        &self,
        id: u64,
        token: &str,
        content: &str,
        components: Vec<Component>,
    ) -> impl Future<Output = DiscordResult<()>> + Send + 'static {
        let response = message_response(
            InteractionResponseType::ChannelMessageWithSource,
            content,
            components,
            Some(MessageFlags::EPHEMERAL),
        );
        self.respond(id, token, response)
    }

    /// Answers an autocomplete interaction with `(name, value)` choices (initial response
    /// type 8; at most 25, each cut to Discord's 100 characters by the caller).
    pub fn autocomplete_result(
        &self,
        id: u64,
        token: &str,
        choices: &[(String, String)],
    ) -> impl Future<Output = DiscordResult<()>> + Send + 'static {
        use twilight_model::application::command::{CommandOptionChoice, CommandOptionChoiceValue};
        let response = InteractionResponse {
            kind: InteractionResponseType::ApplicationCommandAutocompleteResult,
            data: Some(twilight_model::http::interaction::InteractionResponseData {
                choices: Some(
                    choices
                        .iter()
                        .map(|(name, value)| CommandOptionChoice {
                            name: name.clone(),
                            name_localizations: None,
                            value: CommandOptionChoiceValue::String(value.clone()),
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
        };
        self.respond(id, token, response)
    }

    /// Replaces the message the component sits on (initial response type 7).
    pub fn update_message(
        &self,
        id: u64,
        token: &str,
        content: &str,
        components: Vec<Component>,
    ) -> impl Future<Output = DiscordResult<()>> + Send + 'static {
        let response = message_response(
            InteractionResponseType::UpdateMessage,
            content,
            components,
            None,
        );
        self.respond(id, token, response)
    }

    /// Opens a modal (initial response type 9).
    pub fn open_modal(
        &self,
        id: u64,
        token: &str,
        custom_id: String,
        title: &str,
        components: Vec<Component>,
    ) -> impl Future<Output = DiscordResult<()>> + Send + 'static {
        let response = InteractionResponse {
            kind: InteractionResponseType::Modal,
            data: Some(InteractionResponseData {
                custom_id: Some(custom_id),
                title: Some(title.to_owned()),
                components: Some(components),
                ..Default::default()
            }),
        };
        self.respond(id, token, response)
    }

    /// Edits the initial response (`@original`): idempotent, so retried.
    pub async fn edit_original(
        &self,
        token: &str,
        content: &str,
        components: &[Component],
    ) -> DiscordResult<()> {
        let _turn = self.turn().await;
        let interaction = self.http.interaction(self.application_id);
        let none = AllowedMentions::default();
        retry_idempotent!(
            "update_response",
            interaction
                .update_response(token)
                .content(Some(content))
                .components(Some(components))
                .allowed_mentions(Some(&none))
        )?;
        Ok(())
    }

    /// Edits `@original` with files attached (transcripts).
    pub async fn edit_original_with_files(
        &self,
        token: &str,
        content: &str,
        attachments: &[Attachment],
    ) -> DiscordResult<()> {
        let _turn = self.turn().await;
        let interaction = self.http.interaction(self.application_id);
        let payload = message_payload(
            Some(content),
            &[],
            &[],
            &AllowedMentions::default(),
            attachments,
            None,
        );
        interaction
            .update_response(token)
            .attachments(attachments)
            .payload_json(&payload)
            .await?;
        Ok(())
    }

    // ---- channels --------------------------------------------------------------------------

    /// Creates a text channel or category with its overwrites in the same call (one request,
    /// and no window in which the channel is visible to @everyone). A staff role deleted in
    /// Discord but still in the settings makes Discord refuse the overwrites: the create is
    /// then repeated once without the roles the guild no longer has.
    pub async fn create_channel(
        &self,
        guild: u64,
        name: &str,
        kind: ChannelType,
        parent: Option<u64>,
        topic: Option<&str>,
        overwrites: &[Overwrite],
    ) -> DiscordResult<u64> {
        let first = self
            .create_channel_once(guild, name, kind, parent, topic, overwrites)
            .await;
        match first {
            Err(error) => match self
                .without_missing_targets(guild, &error, overwrites)
                .await
            {
                Some(kept) => {
                    self.create_channel_once(guild, name, kind, parent, topic, &kept)
                        .await
                }
                None => Err(error),
            },
            ok => ok,
        }
    }

    /// `overwrites` without the roles `guild` no longer has and the members who left it, when
    /// `error` is Discord refusing them; `None` when that is not the problem (or nothing would
    /// change). A ticket's record keeps people who left (they may come back); Discord refuses
    /// an overwrite for someone who is not a member.
    async fn without_missing_targets(
        &self,
        guild: u64,
        error: &DiscordError,
        overwrites: &[Overwrite],
    ) -> Option<Vec<Overwrite>> {
        if !matches!(
            error.code(),
            Some(codes::INVALID_FORM_BODY) | Some(codes::UNKNOWN_ROLE)
        ) {
            return None;
        }
        let roles = match self.guild_role_ids(guild).await {
            Ok(roles) => roles,
            Err(error) => {
                tracing::warn!(%error, "could not list roles to check for deleted staff roles");
                return None;
            }
        };
        let mut kept = Vec::with_capacity(overwrites.len());
        for overwrite in overwrites {
            let exists = match overwrite.kind {
                OverwriteKind::Role => roles.contains(&overwrite.id),
                OverwriteKind::Member => self.is_member(guild, overwrite.id).await,
            };
            if exists {
                kept.push(*overwrite);
            }
        }
        if kept.len() == overwrites.len() {
            return None;
        }
        tracing::warn!(
            dropped = overwrites.len() - kept.len(),
            "a staff role no longer exists or a member left; left out of the overwrites"
        );
        Some(kept)
    }

    /// Whether `user` is a member of `guild` now; `true` when Discord cannot say (only a clear
    /// "unknown member" drops an overwrite).
    async fn is_member(&self, guild: u64, user: u64) -> bool {
        let _turn = self.turn().await;
        let answer = retry_limited!(
            self.global,
            "guild_member",
            self.http
                .guild_member(Id::<GuildMarker>::new(guild), Id::new(user))
        );
        !matches!(answer, Err(e) if e.code() == Some(codes::UNKNOWN_MEMBER))
    }

    async fn create_channel_once(
        &self,
        guild: u64,
        name: &str,
        kind: ChannelType,
        parent: Option<u64>,
        topic: Option<&str>,
        overwrites: &[Overwrite],
    ) -> DiscordResult<u64> {
        let overwrites = to_twilight_overwrites(overwrites);
        let mut request = self
            .http
            .create_guild_channel(Id::<GuildMarker>::new(guild), name)
            .kind(kind)
            .permission_overwrites(overwrites.as_slice());
        if let Some(parent) = parent {
            request = request.parent_id(Id::new(parent));
        }
        if let Some(topic) = topic {
            request = request.topic(topic);
        }
        let key = format!("POST guilds/{guild}/channels");
        let turn = self.gate.admit(&key).await;
        let slot = self.turn().await;
        self.global.admit().await;
        let response = request.await;
        self.global.note("create_channel", http_status(&response));
        let response = response?;
        drop(slot);
        self.gate.learn(&key, response.headers());
        drop(turn);
        let channel = response.model().await?;
        Ok(channel.id.get())
    }

    // ---- threads ---------------------------------------------------------------------------

    /// Creates a private thread in `channel` (type 12), kept a week before Discord archives
    /// it. Sent once, not retried: a retry after a lost answer would make a second thread.
    pub async fn create_private_thread(&self, channel: u64, name: &str) -> DiscordResult<u64> {
        let _turn = self.turn().await;
        self.global.admit().await;
        let thread = self
            .http
            .create_thread(
                Id::<ChannelMarker>::new(channel),
                name,
                ChannelType::PrivateThread,
            )
            .auto_archive_duration(twilight_model::channel::thread::AutoArchiveDuration::Week)
            .await?
            .model()
            .await?;
        Ok(thread.id.get())
    }

    /// Adds `user` to a thread; one already in it is left as is (Discord answers 204 either way).
    pub async fn add_thread_member(&self, thread: u64, user: u64) -> DiscordResult<()> {
        let _turn = self.turn().await;
        retry_limited!(
            self.global,
            "add_thread_member",
            self.http.add_thread_member(Id::new(thread), Id::new(user))
        )?;
        Ok(())
    }

    /// Removes `user` from a thread (Manage Threads, or the private thread's creator).
    pub async fn remove_thread_member(&self, thread: u64, user: u64) -> DiscordResult<()> {
        let _turn = self.turn().await;
        retry_limited!(
            self.global,
            "remove_thread_member",
            self.http
                .remove_thread_member(Id::new(thread), Id::new(user))
        )?;
        Ok(())
    }

    /// Archives or unarchives a thread, and locks or unlocks it (`None` leaves a flag as it
    /// is). Only Manage Threads may lock, or unarchive a locked thread.
    pub async fn edit_thread(
        &self,
        thread: u64,
        archived: Option<bool>,
        locked: Option<bool>,
    ) -> DiscordResult<()> {
        let _turn = self.turn().await;
        retry_limited!(self.global, "edit_thread", {
            let mut request = self.http.update_thread(Id::new(thread));
            if let Some(archived) = archived {
                request = request.archived(archived);
            }
            if let Some(locked) = locked {
                request = request.locked(locked);
            }
            request
        })?;
        Ok(())
    }

    /// Archives or unarchives a thread (its creator may do both without Manage Threads).
    pub async fn set_thread_archived(&self, thread: u64, archived: bool) -> DiscordResult<()> {
        let _turn = self.turn().await;
        retry_limited!(
            self.global,
            "archive_thread",
            self.http.update_thread(Id::new(thread)).archived(archived)
        )?;
        Ok(())
    }

    /// The guild's active (unarchived) threads the bot can see, as summaries (`parent`: the
    /// channel each is in).
    pub async fn active_threads(&self, guild: u64) -> DiscordResult<Vec<ChannelSummary>> {
        let _turn = self.turn().await;
        let response = retry_limited!(
            self.global,
            "active_threads",
            self.http.active_threads(Id::<GuildMarker>::new(guild))
        )?;
        let active = response.model().await?;
        Ok(active
            .threads
            .into_iter()
            .map(ChannelSummary::from)
            .collect())
    }

    pub async fn guild_channels(&self, guild: u64) -> DiscordResult<Vec<ChannelSummary>> {
        let _turn = self.turn().await;
        let response = retry_limited!(
            self.global,
            "guild_channels",
            self.http.guild_channels(Id::<GuildMarker>::new(guild))
        )?;
        let channels = response.models().await?;
        Ok(channels.into_iter().map(ChannelSummary::from).collect())
    }

    /// The id of the channel's newest message (a snowflake, so also its time), if it has one.
    pub async fn last_message_id(&self, channel: u64) -> DiscordResult<Option<u64>> {
        let _turn = self.turn().await;
        let response = retry_limited!(
            self.global,
            "channel",
            self.http.channel(Id::<ChannelMarker>::new(channel))
        )?;
        Ok(response.model().await?.last_message_id.map(|m| m.get()))
    }

    /// The ids of the guild's roles as Discord knows them now (a staff role in the settings may
    /// have been deleted by hand since).
    pub async fn guild_role_ids(&self, guild: u64) -> DiscordResult<Vec<u64>> {
        let _turn = self.turn().await;
        let response = retry_limited!(
            self.global,
            "roles",
            self.http.roles(Id::<GuildMarker>::new(guild))
        )?;
        let roles = response.models().await?;
        Ok(roles.into_iter().map(|r| r.id.get()).collect())
    }

    /// The colours of the names of `users` in `guild`, as Discord shows them (their highest
    /// coloured role's): one read of the roles, then one per user, side by side (each in the
    /// global pace). A user who left, or whose roles cannot be read, is left out.
    pub async fn name_colors(&self, guild: u64, users: &[u64]) -> DiscordResult<Vec<(u64, u32)>> {
        let _turn = self.turn().await;
        let response = retry_limited!(
            self.global,
            "roles",
            self.http.roles(Id::<GuildMarker>::new(guild))
        )?;
        let roles: Vec<crate::domain::transcript::RoleColor> = (response.models().await?)
            .into_iter()
            .map(|r| crate::domain::transcript::RoleColor {
                id: r.id.get(),
                color: r.colors.primary_color,
                position: r.position,
            })
            .collect();
        if roles.iter().all(|r| r.color == 0) {
            return Ok(Vec::new());
        }
        let roles = &roles;
        let reads = users.iter().map(|&user| async move {
            let answer = retry_limited!(
                self.global,
                "guild_member",
                self.http
                    .guild_member(Id::<GuildMarker>::new(guild), Id::new(user))
            );
            let member = answer.ok()?.model().await.ok()?;
            let member_roles: Vec<u64> = member.roles.iter().map(|r| r.get()).collect();
            crate::domain::transcript::name_color(roles, &member_roles).map(|c| (user, c))
        });
        let colors = futures_util::future::join_all(reads).await;
        Ok(colors.into_iter().flatten().collect())
    }

    /// The bot's computed permissions in `channel` of `guild` (three reads: the channel's
    /// overwrites, the guild's roles, the bot's roles), for checks at setup.
    pub async fn bot_permissions_in(&self, guild: u64, channel: u64) -> DiscordResult<u64> {
        let _turn = self.turn().await;
        let (overwrites, roles) = self.overwrites_and_roles(guild, channel).await?;
        let member = retry_limited!(
            self.global,
            "guild_member",
            self.http
                .guild_member(Id::<GuildMarker>::new(guild), Id::new(self.bot_user_id()))
        )?
        .model()
        .await?;
        let member_roles: Vec<u64> = member.roles.iter().map(|r| r.get()).collect();
        Ok(crate::domain::access::channel_permissions(
            guild,
            &member_roles,
            self.bot_user_id(),
            &roles,
            &overwrites,
        ))
    }

    /// Which of `roles` lack any of `need` in `channel`, each role on its own.
    pub async fn roles_lacking_in(
        &self,
        guild: u64,
        channel: u64,
        roles: &[u64],
        need: u64,
    ) -> DiscordResult<Vec<u64>> {
        let _turn = self.turn().await;
        let (overwrites, all) = self.overwrites_and_roles(guild, channel).await?;
        let lacking = crate::domain::access::roles_lacking(guild, roles, &all, &overwrites, need);
        Ok(lacking)
    }

    /// A channel's overwrites and the guild's roles as `(id, permissions)`: what permissions
    /// in the channel are computed from.
    async fn overwrites_and_roles(
        &self,
        guild: u64,
        channel: u64,
    ) -> DiscordResult<(Vec<Overwrite>, Vec<(u64, u64)>)> {
        let channel = retry_limited!(
            self.global,
            "channel",
            self.http.channel(Id::<ChannelMarker>::new(channel))
        )?
        .model()
        .await?;
        let roles = retry_limited!(
            self.global,
            "roles",
            self.http.roles(Id::<GuildMarker>::new(guild))
        )?
        .models()
        .await?;
        let overwrites = (channel.permission_overwrites.unwrap_or_default().iter())
            .map(domain_overwrite)
            .collect();
        let roles = (roles.iter())
            .map(|r| (r.id.get(), r.permissions.bits()))
            .collect();
        Ok((overwrites, roles))
    }

    /// Replaces all overwrites of a channel of `guild` in one PATCH (idempotent), leaving out
    /// staff roles deleted in Discord if that is why it was refused.
    pub async fn set_overwrites(
        &self,
        guild: u64,
        channel: u64,
        overwrites: &[Overwrite],
    ) -> DiscordResult<()> {
        match self.set_overwrites_once(channel, overwrites).await {
            Err(error) => match self
                .without_missing_targets(guild, &error, overwrites)
                .await
            {
                Some(kept) => self.set_overwrites_once(channel, &kept).await,
                None => Err(error),
            },
            ok => ok,
        }
    }

    async fn set_overwrites_once(
        &self,
        channel: u64,
        overwrites: &[Overwrite],
    ) -> DiscordResult<()> {
        let overwrites = to_twilight_overwrites(overwrites);
        let _turn = self.turn().await;
        retry_limited!(
            self.global,
            "update_channel_overwrites",
            self.http
                .update_channel(Id::<ChannelMarker>::new(channel))
                .permission_overwrites(overwrites.as_slice())
        )?;
        Ok(())
    }

    /// Makes an existing channel (a ready one) a ticket in one `PATCH /channels/{id}`: name,
    /// topic, parent and overwrites together, so it is never seen half made. The call is in
    /// the channel's own buckets, not the guild's channel-create bucket.
    pub async fn take_over_channel(
        &self,
        guild: u64,
        channel: u64,
        (name, topic): (&str, &str),
        parent: Option<u64>,
        overwrites: &[Overwrite],
    ) -> DiscordResult<()> {
        let edit = ChannelEdit {
            name: Some(name),
            topic: Some(topic),
            parent,
            overwrites: Some(overwrites),
        };
        self.edit_channel(guild, channel, &edit).await
    }

    /// Moves a channel under `parent`, with its new overwrites in the same edit when they
    /// change (one call in the channel's bucket, and no moment with the new category but the
    /// old access).
    pub async fn move_channel(
        &self,
        guild: u64,
        channel: u64,
        parent: u64,
        overwrites: Option<&[Overwrite]>,
    ) -> DiscordResult<()> {
        let edit = ChannelEdit {
            parent: Some(parent),
            overwrites,
            ..ChannelEdit::default()
        };
        self.edit_channel(guild, channel, &edit).await
    }

    /// Changes what `edit` names of a channel in one `PATCH /channels/{id}`. A name or topic
    /// counts against Discord's two renames per 10 minutes (`domain::rename`); callers keep to
    /// that budget.
    pub async fn edit_channel(
        &self,
        guild: u64,
        channel: u64,
        edit: &ChannelEdit<'_>,
    ) -> DiscordResult<()> {
        let error = match self.edit_channel_once(channel, edit).await {
            Err(error) => error,
            ok => return ok,
        };
        let Some(overwrites) = edit.overwrites else {
            return Err(error);
        };
        match self
            .without_missing_targets(guild, &error, overwrites)
            .await
        {
            Some(kept) => {
                let edit = ChannelEdit {
                    overwrites: Some(&kept),
                    ..*edit
                };
                self.edit_channel_once(channel, &edit).await
            }
            None => Err(error),
        }
    }

    async fn edit_channel_once(&self, channel: u64, edit: &ChannelEdit<'_>) -> DiscordResult<()> {
        let overwrites = edit.overwrites.map(to_twilight_overwrites);
        let _turn = self.turn().await;
        retry_limited!(self.global, "edit_channel", {
            let mut request = self.http.update_channel(Id::<ChannelMarker>::new(channel));
            if let Some(parent) = edit.parent {
                request = request.parent_id(Some(Id::new(parent)));
            }
            if let Some(overwrites) = &overwrites {
                request = request.permission_overwrites(overwrites.as_slice());
            }
            if let Some(name) = edit.name {
                request = request.name(name);
            }
            if let Some(topic) = edit.topic {
                request = request.topic(topic);
            }
            request
        })?;
        Ok(())
    }

    /// Deletes a channel; one that is already gone counts as deleted.
    pub async fn delete_channel(&self, channel: u64, reason: &str) -> DiscordResult<()> {
        let _turn = self.turn().await;
        let result = retry_limited!(
            self.global,
            "delete_channel",
            self.http
                .delete_channel(Id::<ChannelMarker>::new(channel))
                .reason(reason)
        );
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(codes::UNKNOWN_CHANNEL) => Ok(()),
            Err(e) => Err(e),
        }
    }

    // ---- messages --------------------------------------------------------------------------

    /// Posts a message; `ping` lists the users it may mention.
    pub async fn send_message(
        &self,
        channel: u64,
        message: &OutgoingMessage,
        ping: &[u64],
    ) -> DiscordResult<u64> {
        self.send_message_pinging(channel, message, ping, &[]).await
    }

    /// Posts a message that may mention the users in `ping` and the roles in `roles` (and no
    /// one else).
    pub async fn send_message_pinging(
        &self,
        channel: u64,
        message: &OutgoingMessage,
        ping: &[u64],
        roles: &[u64],
    ) -> DiscordResult<u64> {
        let mut mentions = users_only_mentions(ping);
        mentions.roles = roles.iter().map(|r| Id::new(*r)).collect();
        // A nonce Discord enforces makes the create idempotent: a retry after a lost answer gets
        // the message the first try made instead of posting it twice.
        // Not all digits: Discord takes an integer or a string here, and one that reads as both
        // is ambiguous to its own schema.
        let nonce = format!("tk{:x}", rand::random::<u64>());
        let payload = message_payload(
            message.content.as_deref(),
            &message.embeds,
            &message.components,
            &mentions,
            &message.attachments,
            Some(&nonce),
        );
        let channel_id = Id::<ChannelMarker>::new(channel);
        let key = format!("POST channels/{channel}/messages");
        let turn = self.gate.admit(&key).await;
        let slot = self.turn().await;
        let response = retry_limited!(self.global, "create_message", {
            let request = self.http.create_message(channel_id).payload_json(&payload);
            if message.attachments.is_empty() {
                request
            } else {
                request.attachments(&message.attachments)
            }
        })?;
        drop(slot);
        self.gate.learn(&key, response.headers());
        drop(turn);
        Ok(response.model().await?.id.get())
    }

    /// Replaces a message's components (its content and embeds stay). Idempotent, so retried.
    pub async fn edit_components(
        &self,
        channel: u64,
        message: u64,
        components: &[Component],
    ) -> DiscordResult<()> {
        self.edit_message(channel, message, None, Some(components))
            .await
    }

    /// Replaces a message's embeds and components (its content stays). Idempotent, so retried.
    pub async fn edit_embeds_and_components(
        &self,
        channel: u64,
        message: u64,
        embeds: &[Embed],
        components: &[Component],
    ) -> DiscordResult<()> {
        self.edit_message(channel, message, Some(embeds), Some(components))
            .await
    }

    /// Replaces what is given of a message's embeds and components; the rest, its content and
    /// its files stay. Person-written text is echoed in these messages (a panel's, a log
    /// entry's): the edit pings nobody.
    async fn edit_message(
        &self,
        channel: u64,
        message: u64,
        embeds: Option<&[Embed]>,
        components: Option<&[Component]>,
    ) -> DiscordResult<()> {
        let _turn = self.turn().await;
        let none = AllowedMentions::default();
        retry_limited!(self.global, "update_message", {
            let mut request = self
                .http
                .update_message(Id::<ChannelMarker>::new(channel), Id::new(message))
                .allowed_mentions(Some(&none));
            if let Some(embeds) = embeds {
                request = request.embeds(Some(embeds));
            }
            if let Some(components) = components {
                request = request.components(Some(components));
            }
            request
        })?;
        Ok(())
    }

    /// Puts one overwrite on a channel (`PUT /channels/{id}/permissions/{target}`), leaving
    /// the others as they are. Idempotent, so retried.
    pub async fn put_overwrite(&self, channel: u64, overwrite: &Overwrite) -> DiscordResult<()> {
        use twilight_model::http::permission_overwrite as http;
        let twilight = http::PermissionOverwrite {
            allow: Some(Permissions::from_bits_truncate(overwrite.allow)),
            deny: Some(Permissions::from_bits_truncate(overwrite.deny)),
            id: Id::new(overwrite.id),
            kind: match overwrite.kind {
                OverwriteKind::Role => http::PermissionOverwriteType::Role,
                OverwriteKind::Member => http::PermissionOverwriteType::Member,
            },
        };
        let _turn = self.turn().await;
        retry_limited!(
            self.global,
            "update_channel_permission",
            self.http
                .update_channel_permission(Id::<ChannelMarker>::new(channel), &twilight)
        )?;
        Ok(())
    }

    /// Removes one overwrite from a channel; one already gone counts as removed.
    pub async fn delete_overwrite(
        &self,
        channel: u64,
        target: u64,
        kind: OverwriteKind,
    ) -> DiscordResult<()> {
        let _turn = self.turn().await;
        let result = retry_limited!(self.global, "delete_channel_permission", {
            let request = self
                .http
                .delete_channel_permission(Id::<ChannelMarker>::new(channel));
            match kind {
                OverwriteKind::Member => request.member(Id::new(target)),
                OverwriteKind::Role => request.role(Id::new(target)),
            }
        });
        match result {
            Err(error) if error.code() == Some(codes::UNKNOWN_OVERWRITE) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The embeds of one message (a log entry to amend).
    pub async fn message_embeds(&self, channel: u64, message: u64) -> DiscordResult<Vec<Embed>> {
        let _turn = self.turn().await;
        let response = retry_limited!(
            self.global,
            "get_message",
            self.http
                .message(Id::<ChannelMarker>::new(channel), Id::new(message))
        )?;
        Ok(response.model().await?.embeds)
    }

    /// Replaces a message's embeds; its content, components and files stay. Idempotent, so
    /// retried.
    pub async fn edit_embeds(
        &self,
        channel: u64,
        message: u64,
        embeds: &[Embed],
    ) -> DiscordResult<()> {
        self.edit_message(channel, message, Some(embeds), None)
            .await
    }

    /// Deletes a message; one already gone counts as deleted.
    pub async fn delete_message(&self, channel: u64, message: u64) -> DiscordResult<()> {
        let _turn = self.turn().await;
        let result = retry_limited!(
            self.global,
            "delete_message",
            self.http
                .delete_message(Id::<ChannelMarker>::new(channel), Id::new(message))
        );
        match result {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some(codes::UNKNOWN_MESSAGE) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The whole history of a channel, oldest first, paging 100 at a time.
    pub async fn all_messages(&self, channel: u64) -> DiscordResult<Vec<Message>> {
        let _turn = self.turn().await;
        let channel_id = Id::<ChannelMarker>::new(channel);
        let mut all: Vec<Message> = Vec::new();
        let mut before = None;
        loop {
            let page = match before {
                None => {
                    retry_limited!(
                        self.global,
                        "channel_messages",
                        self.http.channel_messages(channel_id).limit(100)
                    )?
                    .models()
                    .await?
                }
                Some(b) => {
                    retry_limited!(
                        self.global,
                        "channel_messages",
                        self.http.channel_messages(channel_id).before(b).limit(100)
                    )?
                    .models()
                    .await?
                }
            };
            let full = page.len() == 100;
            // Discord pages newest first.
            before = page.last().map(|m| m.id);
            all.extend(page);
            if !full || before.is_none() {
                break;
            }
        }
        all.reverse();
        Ok(all)
    }

    /// Opens (or returns) the DM channel with a user.
    pub async fn open_dm(&self, user: u64) -> DiscordResult<u64> {
        const KEY: &str = "POST users/@me/channels";
        let turn = self.gate.admit_bot_wide(KEY).await;
        let slot = self.turn().await;
        let response = retry_limited!(
            self.global,
            "create_private_channel",
            self.http
                .create_private_channel(Id::<UserMarker>::new(user))
        )?;
        drop(slot);
        self.gate.learn(KEY, response.headers());
        drop(turn);
        Ok(response.model().await?.id.get())
    }
}

impl From<twilight_http::response::DeserializeBodyError> for DiscordError {
    fn from(error: twilight_http::response::DeserializeBodyError) -> Self {
        DiscordError::Unreadable(error)
    }
}

// Declared after the retry macros, which it uses.
mod inspect;
pub use inspect::{GuildInspection, InspectedChannel};

/// A channel's overwrite as Discord sent it, in the domain's terms the permission rules use.
pub(crate) fn domain_overwrite(
    o: &twilight_model::channel::permission_overwrite::PermissionOverwrite,
) -> Overwrite {
    Overwrite {
        id: o.id.get(),
        kind: match o.kind {
            PermissionOverwriteType::Member => OverwriteKind::Member,
            _ => OverwriteKind::Role,
        },
        allow: o.allow.bits(),
        deny: o.deny.bits(),
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_bucket_holds_requests_until_its_reset() {
        let gate = RouteGate::default();
        // Unknown buckets never wait.
        gate.admit("k").await;
        gate.record("k", Some(1), Some(0.3));
        let start = Instant::now();
        gate.admit("k").await; // takes the last request of the window
        assert!(start.elapsed() < Duration::from_millis(100));
        gate.admit("k").await; // waits for the reset
        assert!(
            start.elapsed() >= Duration::from_millis(290),
            "{:?}",
            start.elapsed()
        );
        // Other buckets are not held by this one; nonsense headers are ignored.
        gate.record("other", Some(0), Some(f64::NAN));
        let before = Instant::now();
        gate.admit("other").await;
        assert!(before.elapsed() < Duration::from_millis(100));
    }

    /// A process running shards 2..4 of 8 sends at most 2 of a bot-wide bucket's 10 per
    /// window, however many the bucket says remain: the others' requests are not in what it
    /// has seen.
    #[tokio::test(start_paused = true)]
    async fn a_bucket_of_the_whole_bot_is_used_only_up_to_this_process_share() {
        let gate = RouteGate::default();
        let _ = gate.bot_share.set((vec![2, 3], 8));
        let start = Instant::now();
        gate.admit_bot_wide("dm").await;
        let said = BucketHeaders {
            remaining: Some(9),
            reset_after: Some(10.0),
            limit: Some(10),
            reset: None,
        };
        gate.record_headers("dm", said);
        gate.admit_bot_wide("dm").await;
        assert!(start.elapsed() < Duration::from_millis(100));
        gate.record("dm", Some(8), Some(9.9));
        gate.admit_bot_wide("dm").await; // the third waits for the next window
        assert!(start.elapsed() >= Duration::from_millis(9_900));
        // The same bucket in a process that runs the whole bot is used to the end.
        let whole = RouteGate::default();
        let _ = whole.bot_share.set((vec![0], 1));
        whole.admit_bot_wide("dm").await;
        whole.record("dm", Some(9), Some(10.0));
        let later = Instant::now();
        for _ in 0..9 {
            whole.admit_bot_wide("dm").await;
        }
        assert!(later.elapsed() < Duration::from_millis(100));
    }

    /// Once an answer names the window, the process may take its part of that window's
    /// remainder as well: in a window that hands both of the remainder's requests to its
    /// shards, shards 2..4 of 8 send 4 of the 10, where their fixed part is 2.
    #[tokio::test(start_paused = true)]
    async fn a_named_window_gives_this_process_its_turn_at_the_remainder() {
        use crate::domain::sharding::share_in_window;
        let window = (1_800_000_000u64..)
            .step_by(10)
            .find(|reset| share_in_window(10, &[2, 3], 8, reset / 10) == 4)
            .expect("some window hands both extra requests to shards 2 and 3");
        let gate = RouteGate::default();
        let _ = gate.bot_share.set((vec![2, 3], 8));
        let start = Instant::now();
        gate.admit_bot_wide("dm").await;
        let said = |remaining| BucketHeaders {
            remaining: Some(remaining),
            reset_after: Some(10.0),
            limit: Some(10),
            reset: Some(window),
        };
        gate.record_headers("dm", said(9));
        for remaining in [8, 7, 6] {
            gate.admit_bot_wide("dm").await;
            gate.record_headers("dm", said(remaining));
        }
        assert!(
            start.elapsed() < Duration::from_millis(100),
            "4 in the window"
        );
        gate.admit_bot_wide("dm").await; // the fifth waits for the next window
        assert!(start.elapsed() >= Duration::from_millis(9_900));
    }

    /// A process that just started (or restarted after a kill) cannot know what the bot's
    /// other processes, or its own earlier run, sent into a bot-wide bucket's window: its first
    /// request there waits one whole window. A process running the whole bot does not wait.
    #[tokio::test(start_paused = true)]
    async fn a_new_process_waits_a_window_before_its_first_bot_wide_request() {
        let gate = RouteGate::default();
        let _ = gate.bot_share.set((vec![2, 3], 8));
        let _ = gate.joined.set(Instant::now());
        let start = Instant::now();
        gate.admit_bot_wide("dm").await;
        assert!(start.elapsed() >= BOT_WIDE_WINDOW);
        gate.admit("per-guild").await;
        assert!(start.elapsed() < BOT_WIDE_WINDOW + Duration::from_millis(100));
        let whole = RouteGate::default();
        let _ = whole.bot_share.set((vec![0], 1));
        let _ = whole.joined.set(Instant::now());
        let later = Instant::now();
        whole.admit_bot_wide("dm").await;
        assert!(later.elapsed() < Duration::from_millis(100));
    }
}
