//! The simulated Discord's memory: users, guilds, channels, messages, interactions and gateway
//! sessions, plus their JSON renderings in the shapes twilight-model 0.18 parses.
//!
//! Everything lives in one [`World`] behind a std `Mutex` (see `mod.rs`): every REST call is one
//! short critical section, which keeps the simulator's answers consistent without any locking
//! order to get wrong.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

use super::intents;
use super::permissions::{self, MemberContext, Overwrite, OverwriteKind, bits};
use super::validate::channel_display_name;

/// Discord's epoch (2015-01-01) in Unix milliseconds.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// How long a session without a connection stays resumable. Without this, every bot restart
/// would leave a session behind that buffers every later dispatch.
pub const RESUME_WINDOW: Duration = Duration::from_secs(120);

/// How many dispatches a session keeps for replay on resume, beyond what it acknowledged.
const REPLAY_CAP: usize = 50_000;

pub const INTENT_GUILDS: u64 = 1 << 0;
pub const INTENT_GUILD_MEMBERS: u64 = 1 << 1;
pub const INTENT_GUILD_MESSAGES: u64 = 1 << 9;
pub const INTENT_DIRECT_MESSAGES: u64 = 1 << 12;
pub const INTENT_MESSAGE_CONTENT: u64 = 1 << 15;

pub const MESSAGE_FLAG_EPHEMERAL: u64 = 1 << 6;
pub const MESSAGE_FLAG_LOADING: u64 = 1 << 7;

/// Real snowflakes, so `(guild_id >> 22) % shards` spreads guilds like Discord does.
#[derive(Debug, Default)]
pub struct Snowflakes {
    last: u64,
}

impl Snowflakes {
    /// Milliseconds since Discord's epoch.
    pub fn now_ms() -> u64 {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(DISCORD_EPOCH_MS);
        unix.saturating_sub(DISCORD_EPOCH_MS)
    }

    pub fn next(&mut self) -> u64 {
        let id = (Self::now_ms() << 22).max(self.last + 1);
        self.last = id;
        id
    }

    /// Guild ids get a millisecond of their own so guilds created in a burst still spread over
    /// shards (the shard is chosen from the timestamp bits).
    pub fn next_guild(&mut self) -> u64 {
        let id = (Self::now_ms() << 22).max(((self.last >> 22) + 1) << 22);
        self.last = id;
        id
    }
}

/// Discord's timestamp format, from a snowflake's embedded time.
pub fn snowflake_time(id: u64) -> String {
    let ms = (id >> 22) + DISCORD_EPOCH_MS;
    timestamp_ms(ms)
}

pub fn timestamp_ms(unix_ms: u64) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+00:00"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(unix_ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_else(|| "2024-01-01T00:00:00.000000+00:00".into())
}

pub fn now_timestamp() -> String {
    timestamp_ms(Snowflakes::now_ms() + DISCORD_EPOCH_MS)
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: u64,
    pub username: String,
    pub bot: bool,
    pub dms_open: bool,
    /// An avatar hash; `a_` in front marks an animated one, as on Discord.
    pub avatar: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: u64,
    pub name: String,
    pub permissions: u64,
    pub position: i64,
    pub managed: bool,
    /// For the bot's managed role: the bot user it belongs to.
    pub bot_id: Option<u64>,
    /// The colour its members' names show in; `0` for none.
    pub color: u32,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: u64,
    pub roles: Vec<u64>,
    pub joined_at: String,
}

/// The locale of a person or server that did not choose one, as Discord defaults it.
pub const DEFAULT_LOCALE: &str = "en-US";

/// Discord's locales (reference, "Locales"): what a person's `locale` and a server's
/// `preferred_locale` can be.
pub const LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

#[derive(Debug)]
pub struct Guild {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    /// Roles in creation order; the first is @everyone (id == guild id).
    pub roles: Vec<Role>,
    /// Members keyed by user id (ordered, so listings are stable).
    pub members: BTreeMap<u64, Member>,
    /// Channel ids in creation order.
    pub channels: Vec<u64>,
    pub commands: Vec<Value>,
    /// The server's primary language (`preferred_locale`, "en-US" unless set at creation): what
    /// interactions carry as `guild_locale`.
    pub preferred_locale: String,
}

impl Guild {
    pub fn role(&self, id: u64) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }
    pub fn everyone(&self) -> u64 {
        self.role(self.id).map(|r| r.permissions).unwrap_or(0)
    }
    /// The member's roles (without @everyone) with their permissions.
    pub fn member_roles(&self, user: u64) -> Vec<(u64, u64)> {
        self.members
            .get(&user)
            .map(|m| {
                m.roles
                    .iter()
                    .filter_map(|r| self.role(*r).map(|role| (role.id, role.permissions)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub id: u64,
    pub kind: u8,
    pub guild_id: Option<u64>,
    pub name: String,
    pub topic: Option<String>,
    pub parent_id: Option<u64>,
    pub position: i64,
    pub nsfw: bool,
    pub overwrites: Vec<Overwrite>,
    /// DM channels: the person the bot talks to.
    pub recipient: Option<u64>,
    /// Message ids, ascending (snowflakes are monotonic), so paging is a binary search.
    pub messages: Vec<u64>,
    pub last_message_id: Option<u64>,
    /// Threads (types 10, 11, 12): their metadata and members; `parent_id` is the channel.
    pub thread: Option<Thread>,
}

/// What a thread holds beyond a channel (Discord's `thread_metadata` and its members).
#[derive(Debug, Clone)]
pub struct Thread {
    pub owner_id: u64,
    pub archived: bool,
    pub locked: bool,
    /// Minutes: 60, 1440, 4320 or 10080.
    pub auto_archive_duration: u64,
    pub archive_timestamp: String,
    /// Private threads: whether non-moderators may add others.
    pub invitable: bool,
    pub create_timestamp: String,
    /// Members: user id → join timestamp.
    pub members: BTreeMap<u64, String>,
    /// Messages now in the thread, and ever sent there.
    pub message_count: u64,
    pub total_message_sent: u64,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub id: u64,
    /// The channel its message is in: part of its CDN URL.
    pub channel: u64,
    pub filename: String,
    pub content_type: String,
    pub description: Option<String>,
    pub data: Arc<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub author_id: u64,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    pub attachments: Vec<u64>,
    pub edited: Option<String>,
    pub flags: u64,
    pub kind: u8,
    /// Ephemeral interaction answers: only this user sees the message; it is not in the channel.
    pub ephemeral_to: Option<u64>,
    /// Set for interaction answers and follow-ups (the application id).
    pub webhook_id: Option<u64>,
    pub mentions: Vec<u64>,
    pub mention_roles: Vec<u64>,
    pub mention_everyone: bool,
    /// A reply (kind 0), a forward (1) or what a system message is about (a pin's message).
    pub reference: Option<Reference>,
    /// When it was pinned (Discord's timestamp format, so later sorts after earlier).
    pub pinned_at: Option<String>,
    /// `sticker_items` as Discord renders them (`id`, `name`, `format_type`).
    pub sticker_items: Vec<Value>,
    /// The poll as Discord renders it, results included.
    pub poll: Option<Value>,
    /// A forward's copies of the forwarded message (`message_snapshots`).
    pub snapshots: Vec<Value>,
}

/// A message's `message_reference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// 0 default (reply, pin), 1 forward.
    pub kind: u8,
    pub message_id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionState {
    Pending,
    Responded,
    Failed,
}

impl InteractionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Responded => "responded",
            Self::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionKind {
    Command,
    Component,
    ModalSubmit,
    /// A command option being typed (type 4); answered only with choices (callback type 8).
    Autocomplete,
}

#[derive(Debug)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
    pub kind: InteractionKind,
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub user_id: u64,
    pub created: Instant,
    pub state: InteractionState,
    pub ack_ms: Option<u64>,
    pub response: Option<Value>,
    /// For component interactions (and modal submits opened from one): the message clicked.
    pub source_message: Option<u64>,
    /// The message the initial response created or updated.
    pub message: Option<u64>,
    pub followups: Vec<u64>,
    pub modal: Option<Value>,
    /// Edits of its messages (`@original` or follow-ups) and follow-ups posted since the initial
    /// response; harnesses wait on it to see answers change without polling.
    pub edits: u64,
    pub notify: Arc<Notify>,
}

/// A modal the bot opened for a person, waiting for their submission.
#[derive(Debug, Clone)]
pub struct OpenModal {
    pub modal: Value,
    pub guild_id: Option<u64>,
    pub channel_id: u64,
    pub source_message: Option<u64>,
}

/// What a gateway connection's writer is asked to do.
#[derive(Debug, Clone)]
pub enum Outbound {
    Frame(Arc<str>),
    Close(u16, &'static str),
    /// Drop the TCP connection without a close frame (the `drop_gateway` fault).
    Drop,
}

#[derive(Debug)]
pub struct Session {
    pub shard: (u64, u64),
    pub intents: u64,
    pub token: String,
    pub seq: u64,
    /// Dispatches not yet acknowledged by a heartbeat, for replay on resume.
    pub buffer: VecDeque<(u64, Arc<str>)>,
    /// The live connection, if any: (connection id, sender).
    pub conn: Option<(u64, mpsc::UnboundedSender<Outbound>)>,
    /// When the session lost its connection; it expires after [`RESUME_WINDOW`].
    pub detached_since: Option<Instant>,
}

impl Session {
    pub fn owns_guild(&self, guild: Option<u64>) -> bool {
        let (id, count) = self.shard;
        match guild {
            Some(g) => (g >> 22) % count.max(1) == id,
            // DMs go to shard 0, as on Discord.
            None => id == 0,
        }
    }

    /// Numbers, buffers and sends one dispatch.
    pub fn push(&mut self, event: &str, d: &str) {
        self.seq += 1;
        let frame: Arc<str> = format!(
            "{{\"op\":0,\"s\":{},\"t\":\"{}\",\"d\":{}}}",
            self.seq, event, d
        )
        .into();
        self.buffer.push_back((self.seq, frame.clone()));
        if self.buffer.len() > REPLAY_CAP {
            self.buffer.pop_front();
        }
        self.send(Outbound::Frame(frame));
    }

    pub fn send(&mut self, out: Outbound) {
        if let Some((_, tx)) = &self.conn
            && tx.send(out).is_err()
        {
            self.detach();
        }
    }

    /// Forgets the connection (it closed or was dropped); the session stays resumable a while.
    pub fn detach(&mut self) -> Option<mpsc::UnboundedSender<Outbound>> {
        self.detached_since = Some(Instant::now());
        self.conn.take().map(|(_, tx)| tx)
    }

    pub fn attach(&mut self, conn_id: u64, tx: mpsc::UnboundedSender<Outbound>) {
        self.conn = Some((conn_id, tx));
        self.detached_since = None;
    }

    pub fn expired(&self) -> bool {
        self.conn.is_none()
            && self
                .detached_since
                .is_some_and(|t| t.elapsed() > RESUME_WINDOW)
    }
}

/// The whole simulated Discord.
#[derive(Debug)]
pub struct World {
    pub ids: Snowflakes,
    pub app_id: u64,
    pub bot_name: String,
    pub users: HashMap<u64, User>,
    pub guilds: BTreeMap<u64, Guild>,
    pub channels: HashMap<u64, Channel>,
    pub messages: HashMap<u64, Message>,
    pub attachments: HashMap<u64, Attachment>,
    /// user id → DM channel id between the bot and that user.
    pub dm_channels: HashMap<u64, u64>,
    pub interactions: HashMap<u64, Interaction>,
    pub modals: HashMap<(u64, String), OpenModal>,
    pub global_commands: Vec<Value>,
    pub sessions: HashMap<String, Session>,
    pub base_url: String,
    pub gateway_sessions: u64,
    pub gateway_resumes: u64,
    pub interactions_failed: u64,
    pub next_component_id: u64,
    /// `(channel, author, nonce)` → message, for `enforce_nonce` message creates: Discord returns
    /// the earlier message instead of creating a second one.
    pub nonces: HashMap<(u64, u64, String), u64>,
    /// The application's flags; its privileged-intent switches decide what REST withholds.
    pub app_flags: u64,
    /// Fields the bot set with `PATCH /applications/@me`, shown over the defaults.
    pub app_profile: serde_json::Map<String, Value>,
    /// Signs and checks attachment URLs (`sim::cdn`).
    pub cdn: super::cdn::Cdn,
}

impl World {
    pub fn new(base_url: String) -> Self {
        let mut ids = Snowflakes::default();
        let app_id = ids.next();
        let mut users = HashMap::new();
        users.insert(
            app_id,
            User {
                id: app_id,
                username: "Ticketeer".into(),
                bot: true,
                dms_open: false,
                avatar: None,
            },
        );
        Self {
            ids,
            app_id,
            bot_name: "Ticketeer".into(),
            app_profile: serde_json::Map::new(),
            users,
            guilds: BTreeMap::new(),
            channels: HashMap::new(),
            messages: HashMap::new(),
            attachments: HashMap::new(),
            dm_channels: HashMap::new(),
            interactions: HashMap::new(),
            modals: HashMap::new(),
            global_commands: Vec::new(),
            sessions: HashMap::new(),
            base_url,
            gateway_sessions: 0,
            gateway_resumes: 0,
            interactions_failed: 0,
            next_component_id: 1,
            nonces: HashMap::new(),
            cdn: super::cdn::Cdn::new(),
            app_flags: 0,
        }
    }

    // ---- permissions -------------------------------------------------------------------------

    /// A user's permissions in a channel (DMs: the two participants may view and send).
    pub fn permissions_in(&self, channel: &Channel, user: u64) -> u64 {
        let Some(guild_id) = channel.guild_id else {
            let inside = user == self.app_id || channel.recipient == Some(user);
            return if inside {
                bits::VIEW_CHANNEL
                    | bits::SEND_MESSAGES
                    | bits::READ_MESSAGE_HISTORY
                    | bits::EMBED_LINKS
                    | bits::ATTACH_FILES
            } else {
                0
            };
        };
        if let Some(t) = &channel.thread {
            // A thread has its parent's permissions; a private one shows only to its members
            // and to those with Manage Threads (Administrator holds it).
            let Some(parent) = channel.parent_id.and_then(|p| self.channels.get(&p)) else {
                return 0;
            };
            let perms = self.permissions_in(parent, user);
            let hidden = channel.kind == 12
                && !t.members.contains_key(&user)
                && perms & bits::MANAGE_THREADS == 0;
            return if hidden { 0 } else { perms };
        }
        let Some(guild) = self.guilds.get(&guild_id) else {
            return 0;
        };
        if !guild.members.contains_key(&user) {
            return 0;
        }
        let roles = guild.member_roles(user);
        let ctx = MemberContext {
            guild_id,
            owner_id: guild.owner_id,
            user_id: user,
            everyone: guild.everyone(),
            roles: &roles,
        };
        permissions::channel_permissions(&ctx, &channel.overwrites)
    }

    pub fn shares_guild_with_bot(&self, user: u64) -> bool {
        self.guilds
            .values()
            .any(|g| g.members.contains_key(&user) && g.members.contains_key(&self.app_id))
    }

    pub fn guild_permissions(&self, guild: &Guild, user: u64) -> u64 {
        if !guild.members.contains_key(&user) {
            return 0;
        }
        let roles = guild.member_roles(user);
        permissions::base_permissions(&MemberContext {
            guild_id: guild.id,
            owner_id: guild.owner_id,
            user_id: user,
            everyone: guild.everyone(),
            roles: &roles,
        })
    }

    // ---- gateway -----------------------------------------------------------------------------

    /// Sends a dispatch to every session that owns `guild` and asked for `intent` (0 = always).
    pub fn dispatch(&mut self, guild: Option<u64>, event: &str, d: &Value, intent: u64) {
        self.sessions.retain(|_, s| !s.expired());
        let mut text: Option<String> = None;
        for s in self.sessions.values_mut() {
            if !s.owns_guild(guild) || (intent != 0 && s.intents & intent == 0) {
                continue;
            }
            let t = text.get_or_insert_with(|| d.to_string());
            s.push(event, t);
        }
    }

    /// MESSAGE_CREATE/UPDATE carry content only for sessions with the MESSAGE_CONTENT intent
    /// (or when the bot is mentioned, or in DMs), as on Discord.
    pub fn dispatch_message(&mut self, event: &str, msg_id: u64) {
        let Some(msg) = self.messages.get(&msg_id) else {
            return;
        };
        if msg.ephemeral_to.is_some() {
            return;
        }
        let guild = msg.guild_id;
        // A thread the bot cannot see (private, not a member) sends it nothing.
        if let Some(c) = self.channels.get(&msg.channel_id)
            && c.thread.is_some()
            && self.permissions_in(c, self.app_id) & bits::VIEW_CHANNEL == 0
        {
            return;
        }
        self.sessions.retain(|_, s| !s.expired());
        let intent = if guild.is_some() {
            INTENT_GUILD_MESSAGES
        } else {
            INTENT_DIRECT_MESSAGES
        };
        let mut full = self.message_json(msg);
        // Gateway message events in a guild carry the author's partial member (no `user`),
        // as on Discord; REST message objects do not.
        if let Some(member) = guild
            .and_then(|g| self.guilds.get(&g))
            .and_then(|g| g.members.get(&msg.author_id))
            && msg.webhook_id.is_none()
        {
            full["member"] = self.member_json(member, false);
        }
        let guarded = !intents::content_exempt(&full, guild.is_some(), self.app_id);
        let app_has_content = intents::has_message_content(self.app_flags);
        let mut stripped = None;
        if guarded {
            let mut s = full.clone();
            intents::blank_content(&mut s);
            stripped = Some(s.to_string());
        }
        let full = full.to_string();
        for s in self.sessions.values_mut() {
            if !s.owns_guild(guild) || s.intents & intent == 0 {
                continue;
            }
            match &stripped {
                Some(st) if s.intents & INTENT_MESSAGE_CONTENT == 0 || !app_has_content => {
                    s.push(event, st)
                }
                _ => s.push(event, &full),
            }
        }
    }

    // ---- JSON renderings ---------------------------------------------------------------------

    pub fn user_json(&self, id: u64) -> Value {
        match self.users.get(&id) {
            Some(u) => json!({
                "id": u.id.to_string(),
                "username": u.username,
                "discriminator": "0",
                "global_name": if u.bot { Value::Null } else { json!(u.username) },
                "avatar": u.avatar,
                "bot": u.bot,
                "system": false,
                "public_flags": 0,
                "flags": 0,
                "banner": null,
                "accent_color": null,
                "avatar_decoration_data": null,
                "collectibles": null,
                "primary_guild": null,
            }),
            None => json!({"id": id.to_string(), "username": "Deleted User",
                "discriminator": "0", "global_name": null, "avatar": null, "public_flags": 0,
                "flags": 0, "primary_guild": null}),
        }
    }

    pub fn role_json(r: &Role) -> Value {
        let mut v = json!({
            "id": r.id.to_string(),
            "name": r.name,
            "description": null,
            "color": r.color,
            "colors": {"primary_color": r.color, "secondary_color": null, "tertiary_color": null},
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": r.position,
            "permissions": r.permissions.to_string(),
            "managed": r.managed,
            "mentionable": false,
            "flags": 0,
        });
        if let Some(bot) = r.bot_id {
            v["tags"] = json!({"bot_id": bot.to_string()});
        }
        v
    }

    pub fn member_json(&self, m: &Member, with_user: bool) -> Value {
        let mut v = json!({
            "roles": m.roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "joined_at": m.joined_at,
            "nick": null,
            "avatar": null,
            "banner": null,
            "premium_since": null,
            "communication_disabled_until": null,
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false,
        });
        if with_user {
            v["user"] = self.user_json(m.user_id);
        }
        v
    }

    pub fn overwrite_json(o: &Overwrite) -> Value {
        json!({
            "id": o.id.to_string(),
            "type": o.kind as u8,
            "allow": o.allow.to_string(),
            "deny": o.deny.to_string(),
        })
    }

    pub fn channel_json(&self, c: &Channel) -> Value {
        if let Some(t) = &c.thread {
            return self.thread_json(c, t);
        }
        if c.kind == 1 {
            let recipients: Vec<Value> =
                c.recipient.map(|r| self.user_json(r)).into_iter().collect();
            return json!({
                "id": c.id.to_string(),
                "type": 1,
                "last_message_id": c.last_message_id.map(|m| m.to_string()),
                "flags": 0,
                "recipients": recipients,
            });
        }
        let mut v = json!({
            "id": c.id.to_string(),
            "type": c.kind,
            "guild_id": c.guild_id.map(|g| g.to_string()),
            "name": c.name,
            "position": c.position,
            "permission_overwrites": c.overwrites.iter().map(Self::overwrite_json).collect::<Vec<_>>(),
            "parent_id": c.parent_id.map(|p| p.to_string()),
            "nsfw": c.nsfw,
            "flags": 0,
        });
        if c.kind != 4 {
            v["topic"] = json!(c.topic);
            v["last_message_id"] = json!(c.last_message_id.map(|m| m.to_string()));
            v["rate_limit_per_user"] = json!(0);
        }
        v
    }

    /// A thread as Discord renders it: a channel with `owner_id`, `thread_metadata` and counts.
    pub fn thread_json(&self, c: &Channel, t: &Thread) -> Value {
        let mut meta = json!({
            "archived": t.archived,
            "auto_archive_duration": t.auto_archive_duration,
            "archive_timestamp": t.archive_timestamp,
            "locked": t.locked,
            "create_timestamp": t.create_timestamp,
        });
        if c.kind == 12 {
            meta["invitable"] = json!(t.invitable);
        }
        json!({
            "id": c.id.to_string(),
            "type": c.kind,
            "guild_id": c.guild_id.map(|g| g.to_string()),
            "parent_id": c.parent_id.map(|p| p.to_string()),
            "owner_id": t.owner_id.to_string(),
            "name": c.name,
            "last_message_id": c.last_message_id.map(|m| m.to_string()),
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": meta,
            "message_count": t.message_count,
            "member_count": t.members.len().min(50),
            "total_message_sent": t.total_message_sent,
        })
    }

    /// A thread member object (`member`: the guild member too, for `with_member`).
    pub fn thread_member_json(&self, thread: &Channel, user: u64, member: bool) -> Option<Value> {
        let joined = thread.thread.as_ref()?.members.get(&user)?;
        let mut v = json!({
            "id": thread.id.to_string(),
            "user_id": user.to_string(),
            "join_timestamp": joined,
            "flags": 0,
        });
        if member
            && let Some(m) = thread
                .guild_id
                .and_then(|g| self.guilds.get(&g))
                .and_then(|g| g.members.get(&user))
        {
            v["member"] = self.member_json(m, true);
        }
        Some(v)
    }

    pub fn attachment_json(&self, a: &Attachment) -> Value {
        let url = self.cdn.url(&self.base_url, a.channel, a.id, &a.filename);
        let mut v = json!({
            "id": a.id.to_string(),
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.data.len(),
            "url": url,
            "proxy_url": url,
        });
        if let Some(d) = &a.description {
            v["description"] = json!(d);
        }
        v
    }

    pub fn message_json(&self, m: &Message) -> Value {
        let mut v = self.message_json_shallow(m);
        // Discord resolves a reply's message one level deep (null once it is deleted).
        if m.kind == 19
            && let Some(r) = m.reference
        {
            v["referenced_message"] = self
                .messages
                .get(&r.message_id)
                .map_or(Value::Null, |rm| self.message_json_shallow(rm));
        }
        v
    }

    fn message_json_shallow(&self, m: &Message) -> Value {
        let mut v = json!({
            "id": m.id.to_string(),
            "channel_id": m.channel_id.to_string(),
            "author": self.user_json(m.author_id),
            "content": m.content,
            "timestamp": snowflake_time(m.id),
            "edited_timestamp": m.edited,
            "tts": false,
            "mention_everyone": m.mention_everyone,
            "mentions": m.mentions.iter().map(|u| self.user_json(*u)).collect::<Vec<_>>(),
            "mention_roles": m.mention_roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "attachments": m.attachments.iter().filter_map(|a| self.attachments.get(a))
                .map(|a| self.attachment_json(a)).collect::<Vec<_>>(),
            "embeds": m.embeds,
            "components": m.components,
            "pinned": m.pinned_at.is_some(),
            "type": m.kind,
            "flags": m.flags,
        });
        if let Some(w) = m.webhook_id {
            v["webhook_id"] = json!(w.to_string());
            v["application_id"] = json!(w.to_string());
        }
        if let Some(g) = m.guild_id
            && m.ephemeral_to.is_none()
        {
            v["guild_id"] = json!(g.to_string());
        }
        if let Some(r) = m.reference {
            let mut reference = json!({
                "type": r.kind,
                "message_id": r.message_id.to_string(),
                "channel_id": r.channel_id.to_string(),
            });
            if let Some(g) = r.guild_id {
                reference["guild_id"] = json!(g.to_string());
            }
            v["message_reference"] = reference;
        }
        if !m.sticker_items.is_empty() {
            v["sticker_items"] = json!(m.sticker_items);
        }
        if let Some(p) = &m.poll {
            v["poll"] = p.clone();
        }
        if !m.snapshots.is_empty() {
            v["message_snapshots"] = json!(m.snapshots);
        }
        // A thread started from a message has the message's id.
        if let Some(t) = self.channels.get(&m.id)
            && t.thread.is_some()
            && t.parent_id == Some(m.channel_id)
        {
            v["thread"] = self.channel_json(t);
        }
        v
    }

    /// What a forward carries of `m`: its content, not its identity.
    pub fn snapshot_json(&self, m: &Message) -> Value {
        let full = self.message_json_shallow(m);
        let mut fields = json!({});
        for key in [
            "type",
            "content",
            "mentions",
            "mention_roles",
            "attachments",
            "embeds",
            "timestamp",
            "edited_timestamp",
            "flags",
            "components",
            "sticker_items",
        ] {
            if let Some(x) = full.get(key) {
                fields[key] = x.clone();
            }
        }
        let mut snap = json!({"message": fields});
        if let Some(g) = m.guild_id {
            snap["guild_id"] = json!(g.to_string());
        }
        snap
    }

    /// A message as the bot sees it over REST: without the Message Content setting, what others
    /// wrote in guilds comes blank unless it mentions the bot.
    pub fn rest_message_json(&self, m: &Message) -> Value {
        let mut v = self.message_json(m);
        intents::withhold(&mut v, m.guild_id.is_some(), self.app_id, self.app_flags);
        v
    }

    /// The guild as GET /guilds/{id} answers it (no channels or members).
    pub fn guild_json(&self, g: &Guild) -> Value {
        json!({
            "id": g.id.to_string(),
            "name": g.name,
            "icon": null,
            "splash": null,
            "discovery_splash": null,
            "owner_id": g.owner_id.to_string(),
            "afk_channel_id": null,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": g.roles.iter().map(Self::role_json).collect::<Vec<_>>(),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": null,
            "system_channel_id": null,
            "system_channel_flags": 0,
            "rules_channel_id": null,
            "public_updates_channel_id": null,
            "safety_alerts_channel_id": null,
            "max_members": 500000,
            "max_presences": null,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "vanity_url_code": null,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": g.preferred_locale,
            "nsfw_level": 0,
            "nsfw": false,
            "premium_progress_bar_enabled": false,
            "description": null,
            "banner": null,
            "region": "deprecated",
            "home_header": null,
            "widget_enabled": false,
            "widget_channel_id": null,
            "incidents_data": null,
        })
    }

    /// The full GUILD_CREATE payload: guild, roles, channels, members (including the bot).
    pub fn guild_create_json(&self, g: &Guild) -> Value {
        let mut v = self.guild_json(g);
        let channels: Vec<Value> = g
            .channels
            .iter()
            .filter_map(|c| self.channels.get(c))
            .map(|c| self.channel_json(c))
            .collect();
        let members: Vec<Value> = g
            .members
            .values()
            .map(|m| self.member_json(m, true))
            .collect();
        let joined = g
            .members
            .get(&self.app_id)
            .map(|m| m.joined_at.clone())
            .unwrap_or_else(|| snowflake_time(g.id));
        v["channels"] = json!(channels);
        v["members"] = json!(members);
        v["member_count"] = json!(g.members.len());
        // Active threads the bot can see, each with the bot's membership (no id or user_id).
        let mut threads: Vec<&Channel> = self
            .channels
            .values()
            .filter(|c| c.guild_id == Some(g.id))
            .filter(|c| c.thread.as_ref().is_some_and(|t| !t.archived))
            .filter(|c| self.permissions_in(c, self.app_id) & bits::VIEW_CHANNEL != 0)
            .collect();
        threads.sort_by_key(|c| c.id);
        let threads: Vec<Value> = threads
            .into_iter()
            .map(|c| {
                let mut t = self.channel_json(c);
                if let Some(mut m) = self.thread_member_json(c, self.app_id, false)
                    && let Some(o) = m.as_object_mut()
                {
                    o.remove("id");
                    o.remove("user_id");
                    t["member"] = m;
                }
                t
            })
            .collect();
        v["threads"] = json!(threads);
        v["presences"] = json!([]);
        v["voice_states"] = json!([]);
        v["stage_instances"] = json!([]);
        v["guild_scheduled_events"] = json!([]);
        v["soundboard_sounds"] = json!([]);
        v["large"] = json!(false);
        v["unavailable"] = json!(false);
        v["joined_at"] = json!(joined);
        v
    }

    // ---- world building (used by the control API and the handle) -----------------------------

    pub fn add_user(&mut self, username: &str, bot: bool, dms_open: bool) -> u64 {
        let id = self.ids.next();
        self.users.insert(
            id,
            User {
                id,
                username: username.to_string(),
                bot,
                dms_open,
                avatar: None,
            },
        );
        id
    }

    /// Creates a guild with @everyone, the bot's managed role and the bot as a member, and
    /// announces it to the gateway session that owns it.
    pub fn create_guild(&mut self, name: &str, owner: Option<u64>) -> (u64, u64, u64) {
        self.create_guild_in(name, owner, DEFAULT_LOCALE)
    }

    /// [`World::create_guild`] with the server's primary language.
    pub fn create_guild_in(
        &mut self,
        name: &str,
        owner: Option<u64>,
        preferred_locale: &str,
    ) -> (u64, u64, u64) {
        let id = self.ids.next_guild();
        let owner_id = match owner {
            Some(o) if self.users.contains_key(&o) => o,
            _ => self.add_user(&format!("{}_owner", slug(name)), false, true),
        };
        let bot_role_id = self.ids.next();
        let now = now_timestamp();
        let mut members = BTreeMap::new();
        members.insert(
            owner_id,
            Member {
                user_id: owner_id,
                roles: vec![],
                joined_at: now.clone(),
            },
        );
        members.insert(
            self.app_id,
            Member {
                user_id: self.app_id,
                roles: vec![bot_role_id],
                joined_at: now,
            },
        );
        let guild = Guild {
            id,
            name: name.to_string(),
            owner_id,
            roles: vec![
                Role {
                    id,
                    name: "@everyone".into(),
                    permissions: bits::EVERYONE_DEFAULT,
                    position: 0,
                    managed: false,
                    bot_id: None,
                    color: 0,
                },
                Role {
                    id: bot_role_id,
                    name: self.bot_name.clone(),
                    permissions: bits::BOT_ROLE,
                    position: 1,
                    managed: true,
                    bot_id: Some(self.app_id),
                    color: 0,
                },
            ],
            members,
            channels: Vec::new(),
            commands: Vec::new(),
            preferred_locale: preferred_locale.to_owned(),
        };
        self.guilds.insert(id, guild);
        if let Some(g) = self.guilds.get(&id) {
            let payload = self.guild_create_json(g);
            self.dispatch(Some(id), "GUILD_CREATE", &payload, 0);
        }
        (id, owner_id, bot_role_id)
    }

    pub fn new_channel(
        &mut self,
        guild_id: u64,
        name: &str,
        kind: u8,
        parent_id: Option<u64>,
        topic: Option<String>,
        overwrites: Vec<Overwrite>,
    ) -> u64 {
        let id = self.ids.next();
        let position = self
            .guilds
            .get(&guild_id)
            .map(|g| g.channels.len() as i64)
            .unwrap_or(0);
        self.channels.insert(
            id,
            Channel {
                id,
                kind,
                guild_id: Some(guild_id),
                name: channel_display_name(name, kind),
                topic,
                parent_id,
                position,
                nsfw: false,
                overwrites,
                recipient: None,
                messages: Vec::new(),
                last_message_id: None,
                thread: None,
            },
        );
        if let Some(g) = self.guilds.get_mut(&guild_id) {
            g.channels.push(id);
        }
        if let Some(c) = self.channels.get(&id) {
            let payload = self.channel_json(c);
            self.dispatch(Some(guild_id), "CHANNEL_CREATE", &payload, INTENT_GUILDS);
        }
        id
    }

    /// Removes a channel and its messages; children of a deleted category lose their parent.
    /// A person (an admin in Discord's client) renames a channel or changes its topic:
    /// CHANNEL_UPDATE follows, as for an edit over REST.
    pub fn edit_channel(
        &mut self,
        id: u64,
        name: Option<&str>,
        topic: Option<&str>,
    ) -> Option<Value> {
        let ch = self.channels.get_mut(&id)?;
        if let Some(name) = name {
            ch.name = super::validate::channel_display_name(name, ch.kind);
        }
        if let Some(topic) = topic {
            ch.topic = Some(topic.to_owned());
        }
        let ch = self.channels.get(&id)?;
        let payload = self.channel_json(ch);
        let guild = ch.guild_id;
        self.dispatch(guild, "CHANNEL_UPDATE", &payload, INTENT_GUILDS);
        Some(payload)
    }

    pub fn delete_channel(&mut self, id: u64) -> Option<Value> {
        let channel = self.channels.remove(&id)?;
        for m in &channel.messages {
            if let Some(msg) = self.messages.remove(m) {
                for a in msg.attachments {
                    self.attachments.remove(&a);
                }
            }
        }
        let payload = self.channel_json(&channel);
        if let Some(gid) = channel.guild_id {
            if let Some(g) = self.guilds.get_mut(&gid) {
                g.channels.retain(|c| *c != id);
            }
            if channel.kind == 4 {
                let children: Vec<u64> = self
                    .channels
                    .values()
                    .filter(|c| c.parent_id == Some(id))
                    .map(|c| c.id)
                    .collect();
                for child in children {
                    if let Some(c) = self.channels.get_mut(&child) {
                        c.parent_id = None;
                    }
                    if let Some(c) = self.channels.get(&child) {
                        let p = self.channel_json(c);
                        self.dispatch(Some(gid), "CHANNEL_UPDATE", &p, INTENT_GUILDS);
                    }
                }
            }
            if channel.thread.is_none() {
                self.dispatch(Some(gid), "CHANNEL_DELETE", &payload, INTENT_GUILDS);
                // Its threads go with it.
                let threads: Vec<u64> = self
                    .channels
                    .values()
                    .filter(|c| c.thread.is_some() && c.parent_id == Some(id))
                    .map(|c| c.id)
                    .collect();
                for t in threads {
                    self.delete_channel(t);
                }
            }
        }
        Some(payload)
    }

    pub fn dm_channel(&mut self, user: u64) -> u64 {
        if let Some(c) = self.dm_channels.get(&user) {
            return *c;
        }
        let id = self.ids.next();
        self.channels.insert(
            id,
            Channel {
                id,
                kind: 1,
                guild_id: None,
                name: String::new(),
                topic: None,
                parent_id: None,
                position: 0,
                nsfw: false,
                overwrites: Vec::new(),
                recipient: Some(user),
                messages: Vec::new(),
                last_message_id: None,
                thread: None,
            },
        );
        self.dm_channels.insert(user, id);
        id
    }

    /// Stores a message; ephemeral ones stay out of the channel's history.
    pub fn insert_message(&mut self, msg: Message) -> u64 {
        let id = msg.id;
        if msg.ephemeral_to.is_none()
            && let Some(c) = self.channels.get_mut(&msg.channel_id)
        {
            c.messages.push(id);
            c.last_message_id = Some(id);
            if let Some(t) = &mut c.thread {
                t.message_count += 1;
                t.total_message_sent += 1;
            }
        }
        self.messages.insert(id, msg);
        id
    }

    pub fn remove_message(&mut self, id: u64) -> Option<Message> {
        let msg = self.messages.remove(&id)?;
        if let Some(c) = self.channels.get_mut(&msg.channel_id)
            && let Ok(i) = c.messages.binary_search(&id)
        {
            c.messages.remove(i);
            if let Some(t) = &mut c.thread {
                t.message_count = t.message_count.saturating_sub(1);
            }
        }
        for a in &msg.attachments {
            self.attachments.remove(a);
        }
        Some(msg)
    }

    /// Pins in a channel, counted against Discord's limit.
    /// Names the application and its bot user alike, as a new application is named.
    pub fn set_app_name(&mut self, name: &str) {
        self.bot_name = name.to_string();
        if let Some(u) = self.users.get_mut(&self.app_id) {
            u.username = name.to_string();
        }
    }

    pub fn pin_count(&self, channel: u64) -> usize {
        self.channels.get(&channel).map_or(0, |c| {
            c.messages
                .iter()
                .filter(|m| self.messages.get(m).is_some_and(|m| m.pinned_at.is_some()))
                .count()
        })
    }

    /// Pins or unpins a message as `by` and dispatches what Discord does: MESSAGE_UPDATE,
    /// CHANNEL_PINS_UPDATE and, for a pin, the "pinned a message" system message (type 6) by
    /// `by`. Answers that system message's id; nothing happens when the state is already so.
    pub fn set_pinned(&mut self, m: u64, by: u64, pin: bool) -> Option<u64> {
        let msg = self.messages.get_mut(&m)?;
        if msg.pinned_at.is_some() == pin {
            return None;
        }
        msg.pinned_at = pin.then(now_timestamp);
        let (c, guild) = (msg.channel_id, msg.guild_id);
        self.dispatch_message("MESSAGE_UPDATE", m);
        let last = self
            .channels
            .get(&c)
            .into_iter()
            .flat_map(|ch| ch.messages.iter())
            .filter_map(|id| self.messages.get(id)?.pinned_at.clone())
            .max();
        let mut d = json!({"channel_id": c.to_string(), "last_pin_timestamp": last});
        if let Some(g) = guild {
            d["guild_id"] = json!(g.to_string());
        }
        let intent = if guild.is_some() {
            INTENT_GUILDS
        } else {
            INTENT_DIRECT_MESSAGES
        };
        self.dispatch(guild, "CHANNEL_PINS_UPDATE", &d, intent);
        if !pin {
            return None;
        }
        let mut system = self.blank_message(c, by);
        system.kind = 6;
        system.reference = Some(Reference {
            kind: 0,
            message_id: m,
            channel_id: c,
            guild_id: guild,
        });
        let id = self.insert_message(system);
        self.dispatch_message("MESSAGE_CREATE", id);
        Some(id)
    }

    pub fn blank_message(&mut self, channel_id: u64, author_id: u64) -> Message {
        let guild_id = self.channels.get(&channel_id).and_then(|c| c.guild_id);
        Message {
            id: self.ids.next(),
            channel_id,
            guild_id,
            author_id,
            content: String::new(),
            embeds: Vec::new(),
            components: Vec::new(),
            attachments: Vec::new(),
            edited: None,
            flags: 0,
            kind: 0,
            ephemeral_to: None,
            webhook_id: None,
            mentions: Vec::new(),
            mention_roles: Vec::new(),
            mention_everyone: false,
            reference: None,
            pinned_at: None,
            sticker_items: Vec::new(),
            poll: None,
            snapshots: Vec::new(),
        }
    }

    pub fn new_interaction_token(&mut self, id: u64) -> String {
        use rand::Rng;
        let mut rng = rand::rng();
        let secret: String = (0..32)
            .map(|_| {
                let c = rng.random_range(0..62u8);
                (match c {
                    0..=9 => b'0' + c,
                    10..=35 => b'a' + c - 10,
                    _ => b'A' + c - 36,
                }) as char
            })
            .collect();
        format!("aW50ZXJhY3Rpb24_{id}_{secret}")
    }
}

/// The interaction id embedded in a token minted by [`World::new_interaction_token`].
pub fn interaction_id_from_token(token: &str) -> Option<u64> {
    token.split('_').nth(1)?.parse().ok()
}

pub fn slug(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

pub fn parse_overwrite(v: &Value) -> Option<Overwrite> {
    let id = id_of(v.get("id")?)?;
    let kind = match v.get("type").and_then(num_of) {
        Some(0) => OverwriteKind::Role,
        Some(1) => OverwriteKind::Member,
        _ => return None,
    };
    let allow = v.get("allow").map(num_of).unwrap_or(Some(0))?;
    let deny = v.get("deny").map(num_of).unwrap_or(Some(0))?;
    Some(Overwrite {
        id,
        kind,
        allow,
        deny,
    })
}

/// A snowflake given as a string or a number.
pub fn id_of(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// An integer given as a number or a decimal string (permissions, types).
pub fn num_of(v: &Value) -> Option<u64> {
    match v {
        Value::Null => Some(0),
        other => id_of(other),
    }
}

/// Time left before `deadline` after `created`, or `None` when it passed.
pub fn remaining(created: Instant, deadline: Duration) -> Option<Duration> {
    deadline.checked_sub(created.elapsed())
}
