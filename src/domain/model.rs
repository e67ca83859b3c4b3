//! The persisted domain records shared by the store, the actors and the pure domain logic.
//!
//! Ids are plain `u64` snowflakes here (not twilight's typed ids) because these structs are what
//! the store's codec serializes; conversion to `Id<Marker>` happens at the Discord edge.

use serde::{Deserialize, Serialize};

/// A Discord snowflake as stored.
pub type Snowflake = u64;

/// Milliseconds since the Unix epoch.
pub type UnixMillis = i64;

/// Default number of open tickets one member may hold at once.
pub const DEFAULT_PER_MEMBER_LIMIT: u32 = 1;
/// Default number of open tickets a whole server may hold at once.
pub const DEFAULT_PER_GUILD_LIMIT: u32 = 50;

/// One guild's ticket configuration, owned by that guild's actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuildSettings {
    /// Default category new tickets go under (created on first need).
    pub tickets_category: Option<Snowflake>,
    /// Extra categories made when a category reached Discord's 50-channel limit.
    pub overflow_categories: Vec<Snowflake>,
    /// Where open/close/delete/add/remove are logged as embeds.
    pub log_channel: Option<Snowflake>,
    /// Roles whose members are staff, besides Manage Server / Administrator holders.
    pub staff_roles: Vec<Snowflake>,
    pub per_member_limit: u32,
    pub per_guild_limit: u32,
    pub topics: Vec<Topic>,
    /// Topic ids are never reused, so a stale select can never pick a different topic.
    pub next_topic_id: u32,
    pub panels: Vec<Panel>,
    /// The language of the server's channel messages (welcome, closed, log, panel), as a
    /// Discord locale code chosen in Setup; `None` follows the server's preferred locale.
    pub language: Option<String>,
    /// Warning and auto-close of tickets nobody writes in.
    pub inactivity: Inactivity,
    /// How a claim changes a ticket's access, server-wide and per topic.
    pub claims: ClaimSettings,
    /// Questions asked before a ticket is numbered, and the abuse controls.
    pub intake: IntakeSettings,
    /// When staff answer; outside them a ticket is refused or opens with a notice.
    pub hours: SupportHours,
    /// The close DM asks for no rating.
    pub feedback_off: bool,
    /// Topics whose inactivity differs from the server's.
    pub topic_inactivity: Vec<(u32, Inactivity)>,
    /// Topics whose support hours differ from the server's.
    pub topic_hours: Vec<(u32, SupportHours)>,
}

/// Discord's most text inputs in one modal, so the most questions per topic.
pub const QUESTIONS_MAX: usize = 5;

/// What a member is asked before a ticket opens, and what may keep them from opening one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeSettings {
    /// Asked when no topic applies (a panel's Open button on a server without topics).
    pub questions: Vec<Question>,
    /// `(topic id, its questions)`; topic ids are never reused, so a removed topic's entry is
    /// inert.
    pub topic_questions: Vec<(u32, Vec<Question>)>,
    /// `(topic id, the roles a member needs to open one)`.
    pub topic_roles: Vec<(u32, RoleRequirement)>,
    /// Minutes a member waits between two tickets they open; 0 is off.
    pub cooldown_minutes: u32,
    /// Tickets a member may open per UTC day; 0 is no cap.
    pub daily_cap: u32,
}

impl IntakeSettings {
    /// The questions asked for an open of `topic` (none when none are set).
    pub fn questions_for(&self, topic: Option<u32>) -> &[Question] {
        match topic {
            None => &self.questions,
            Some(id) => self
                .topic_questions
                .iter()
                .find(|(t, _)| *t == id)
                .map_or(&[], |(_, q)| q.as_slice()),
        }
    }

    /// Whether any question is set anywhere (else a ticket never has answers to read).
    pub fn has_questions(&self) -> bool {
        !self.questions.is_empty() || self.topic_questions.iter().any(|(_, q)| !q.is_empty())
    }

    /// Whether opening leaves state behind that a later open is checked against.
    pub fn tracks_opens(&self) -> bool {
        self.cooldown_minutes > 0 || self.daily_cap > 0
    }
}

/// One text input of the intake modal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// At most 45 characters (Discord's text input label).
    pub label: String,
    pub style: QuestionStyle,
    pub required: bool,
    /// Characters an answer needs at least (0 = any) and at most (≤ 1,024, an embed field).
    pub min_len: u16,
    pub max_len: u16,
    /// At most 100 characters; empty for none.
    pub placeholder: String,
    /// The answer is the ticket's subject, shown in its channel topic.
    pub subject: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum QuestionStyle {
    #[default]
    Short,
    Paragraph,
}

/// The roles a member needs to open a ticket of a topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRequirement {
    pub roles: Vec<Snowflake>,
    pub need: RoleMatch,
}

/// Whether one of the roles is enough or every one is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RoleMatch {
    #[default]
    AnyOf,
    AllOf,
}

/// A member's opens as the cooldown and the daily cap count them (the `intake_members` table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MemberOpens {
    pub last_open: UnixMillis,
    /// The UTC day (`millis / 86_400_000`) `today` counts.
    pub day: i64,
    pub today: u32,
}

/// Who a blocklist entry keeps from opening tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BlockTarget {
    Member(Snowflake),
    Role(Snowflake),
}

/// One blocklist entry (the `intake_blocks` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockEntry {
    /// When the block ends; `None` for never.
    pub until: Option<UnixMillis>,
    /// Shown to the member; at most [`crate::domain::limits::REASON_MAX`] characters.
    pub reason: String,
    pub by: Snowflake,
}

/// One answer to an intake question, as it was asked (the `ticket_answers` table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub label: String,
    pub value: String,
    pub subject: bool,
}

/// When a quiet ticket is warned and then closed as inactive, and whom the warning pings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inactivity {
    /// Hours without a human message before the warning; 0 switches the feature off.
    pub warn_after_hours: u32,
    /// Hours after the warning, still without a human message, before the close.
    pub close_after_hours: u32,
    pub ping: StalePing,
    /// Close an open ticket as soon as its opener leaves the server (needs Server Members).
    pub close_when_opener_leaves: bool,
}

impl Inactivity {
    pub fn is_on(&self) -> bool {
        self.warn_after_hours > 0
    }
}

impl GuildSettings {
    /// The inactivity rules of a ticket of `topic`: the topic's own, else the server's.
    pub fn inactivity_for(&self, topic: Option<u32>) -> &Inactivity {
        topic
            .and_then(|t| self.topic_inactivity.iter().find(|(id, _)| *id == t))
            .map_or(&self.inactivity, |(_, inactivity)| inactivity)
    }

    /// The support hours of a ticket of `topic`: the topic's own, else the server's.
    pub fn hours_for(&self, topic: Option<u32>) -> &SupportHours {
        topic
            .and_then(|t| self.topic_hours.iter().find(|(id, _)| *id == t))
            .map_or(&self.hours, |(_, hours)| hours)
    }

    /// Whether any ticket may be warned: the server's rules or a topic's are on.
    pub fn any_inactivity_on(&self) -> bool {
        self.inactivity.is_on() || self.topic_inactivity.iter().any(|(_, i)| i.is_on())
    }
}

/// Whom a stale warning mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StalePing {
    /// The opener when staff spoke last (the answer is theirs to give), staff roles otherwise.
    #[default]
    WhoeverOwesAnAnswer,
    Opener,
    Staff,
    Nobody,
}

/// The claim mode setting: the server's, and topics that override it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSettings {
    pub mode: ClaimMode,
    /// `(topic id, mode)`; topic ids are never reused, so a removed topic's entry is inert.
    pub topic_modes: Vec<(u32, ClaimMode)>,
}

impl ClaimSettings {
    /// The mode for a ticket of `topic`: the topic's override, else the server's.
    pub fn mode_for(&self, topic: Option<u32>) -> ClaimMode {
        topic
            .and_then(|t| self.topic_modes.iter().find(|(id, _)| *id == t))
            .map_or(self.mode, |(_, mode)| *mode)
    }
}

impl Default for GuildSettings {
    fn default() -> Self {
        Self {
            tickets_category: None,
            overflow_categories: Vec::new(),
            log_channel: None,
            staff_roles: Vec::new(),
            per_member_limit: DEFAULT_PER_MEMBER_LIMIT,
            per_guild_limit: DEFAULT_PER_GUILD_LIMIT,
            topics: Vec::new(),
            next_topic_id: 1,
            panels: Vec::new(),
            language: None,
            inactivity: Inactivity::default(),
            claims: ClaimSettings::default(),
            intake: IntakeSettings::default(),
            hours: SupportHours::default(),
            feedback_off: false,
            topic_inactivity: Vec::new(),
            topic_hours: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub id: u32,
    /// Any characters, at most 50; unique ignoring case within a guild.
    pub name: String,
    pub category: Option<Snowflake>,
}

/// A posted "Open a ticket" panel message. Its message id names it: a panel is edited in place,
/// never reposted, so the id a member's click carries stays the panel's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    pub channel: Snowflake,
    pub message: Snowflake,
    pub title: String,
    pub description: String,
    pub footer: String,
    /// The embed's colour, `0xRRGGBB`.
    pub color: u32,
    /// A button's colour, or a topic select on the panel itself.
    pub style: PanelStyle,
    /// The button's label or the select's placeholder; empty is the catalog's, in the server's
    /// language.
    pub label: String,
    /// The button's emoji: a Unicode emoji or a custom one as `<:name:id>`; empty for none.
    pub emoji: String,
    /// The topics this panel opens; empty is all of the server's.
    pub topics: Vec<u32>,
    /// The text channel this panel's tickets are private threads in; `None` makes them
    /// channels. Threads escape Discord's 50 channels per category and 500 per server.
    pub threads_in: Option<Snowflake>,
}

/// The panels' embed colour before a server chose one.
pub const PANEL_COLOR_DEFAULT: u32 = 0x3498db;

impl Panel {
    /// A panel with the default look: a blue "Open a ticket" button for every topic.
    pub fn new(
        channel: Snowflake,
        message: Snowflake,
        title: String,
        description: String,
        footer: String,
    ) -> Self {
        Panel {
            channel,
            message,
            title,
            description,
            footer,
            color: PANEL_COLOR_DEFAULT,
            style: PanelStyle::default(),
            label: String::new(),
            emoji: String::new(),
            topics: Vec::new(),
            threads_in: None,
        }
    }

    /// The server's topics this panel offers, in the server's order. Topics removed since the
    /// panel was set up are skipped; when none of the panel's own remain it offers them all,
    /// so a panel never becomes a button that opens nothing.
    pub fn offered<'a>(&self, topics: &'a [Topic]) -> Vec<&'a Topic> {
        let own: Vec<&Topic> = topics
            .iter()
            .filter(|t| self.topics.contains(&t.id))
            .collect();
        if own.is_empty() {
            topics.iter().collect()
        } else {
            own
        }
    }
}

/// How a panel lets a member open a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PanelStyle {
    #[default]
    Blue,
    Grey,
    Green,
    Red,
    /// A select of the panel's topics instead of a button (a button on a server without
    /// topics, where there is nothing to select).
    TopicSelect,
}

impl PanelStyle {
    pub const ALL: [PanelStyle; 5] = [
        PanelStyle::Blue,
        PanelStyle::Grey,
        PanelStyle::Green,
        PanelStyle::Red,
        PanelStyle::TopicSelect,
    ];

    /// The value a hub select carries for it.
    pub fn as_str(self) -> &'static str {
        match self {
            PanelStyle::Blue => "blue",
            PanelStyle::Grey => "grey",
            PanelStyle::Green => "green",
            PanelStyle::Red => "red",
            PanelStyle::TopicSelect => "select",
        }
    }

    pub fn parse(value: &str) -> Option<PanelStyle> {
        PanelStyle::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TicketState {
    /// Number committed, channel not (yet) known to exist.
    Provisioning,
    Open,
    Closed,
    /// Channel removed; the record is kept.
    Deleted,
    /// Provisioning could not complete (e.g. Discord refused the channel); the number stays burnt.
    Failed,
}

impl TicketState {
    /// Counts against the per-member and per-server limits.
    pub fn is_open(self) -> bool {
        matches!(self, TicketState::Provisioning | TicketState::Open)
    }
}

/// One ticket, from click to deletion. The store, not the channel, is the source of truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRecord {
    pub guild: Snowflake,
    /// Per-guild, allocated from the guild counter, never reused.
    pub number: u64,
    pub opener: Snowflake,
    pub topic: Option<u32>,
    /// The category the channel lives (or will live) under.
    pub parent: Option<Snowflake>,
    pub channel: Option<Snowflake>,
    pub state: TicketState,
    pub opened_at: UnixMillis,
    pub closed_at: Option<UnixMillis>,
    pub closed_by: Option<Snowflake>,
    pub close_reason: Option<String>,
    /// Users added to the ticket besides the opener.
    pub participants: Vec<Snowflake>,
    /// While closed, the bot's "closed" message carrying Delete and Reopen: its buttons are
    /// disabled when the ticket is reopened. Stored so that holds across a restart.
    pub closed_message: Option<Snowflake>,
    /// Staff excluded this ticket from the inactivity warning and close.
    pub autoclose_off: bool,
    /// The stale warning posted and not yet answered: its message, deleted when someone writes.
    /// Set in the same commit that arms the close, so it also says the warning deadline ran.
    pub stale_warning: Option<Snowflake>,
    /// The staff workflow's part of the record (claim, welcome message, pending access edit).
    pub staff: TicketStaff,
    /// What happened to the ticket besides its messages, and what outlives a restart of the
    /// actor that did it.
    pub trail: TicketTrail,
    /// For a thread ticket, the text channel its private thread lives in (`channel` is then the
    /// thread); `None` for a channel ticket.
    pub thread_in: Option<Snowflake>,
}

impl TicketRecord {
    /// A ticket as its number is taken: provisioning, with no channel, no topic and nothing
    /// done to it yet. Other starting points change fields of this one.
    pub fn new(guild: Snowflake, number: u64, opener: Snowflake, opened_at: UnixMillis) -> Self {
        TicketRecord {
            guild,
            number,
            opener,
            topic: None,
            parent: None,
            channel: None,
            state: TicketState::Provisioning,
            opened_at,
            closed_at: None,
            closed_by: None,
            close_reason: None,
            participants: Vec::new(),
            closed_message: None,
            autoclose_off: false,
            stale_warning: None,
            staff: TicketStaff::default(),
            trail: TicketTrail::default(),
            thread_in: None,
        }
    }
}

/// A ticket's history beyond its channel's messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketTrail {
    /// Staff actions, oldest first, for the transcript's event lines; at most [`EVENTS_MAX`]
    /// (the newest are kept).
    pub events: Vec<TicketEvent>,
    /// When the channel was last renamed (at most two): Discord's budget of two renames per
    /// 10 minutes outlives a restart of the bot, so the record remembers it too.
    pub renamed_at: Vec<UnixMillis>,
    /// The private staff-notes thread, once created.
    pub notes_thread: Option<Snowflake>,
    /// The name staff gave the channel (`/tickets rename`); the default name otherwise.
    pub custom_name: Option<String>,
    /// What the channel shows (its name and topic, `rename::shown_fingerprint`) as last set;
    /// `None`: as it was created.
    pub shown: Option<u64>,
    /// The opener's rating of the ticket once closed (`domain::feedback`).
    pub feedback: Option<Feedback>,
    /// When staff first wrote in the ticket (a human with a staff role, not the opener): the
    /// first response time the statistics measure.
    pub first_staff_reply: Option<UnixMillis>,
    /// Who wrote it.
    pub first_responder: Option<Snowflake>,
}

/// An opener's rating: 1 to 5 stars and an optional comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub stars: u8,
    pub comment: Option<String>,
}

/// The most events a ticket keeps; a ticket renamed a thousand times keeps its newest.
pub const EVENTS_MAX: usize = 100;

impl TicketTrail {
    pub fn record(&mut self, event: TicketEvent) {
        if self.events.len() >= EVENTS_MAX {
            self.events.remove(0);
        }
        self.events.push(event);
    }
}

/// One staff action on a ticket: who, when, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketEvent {
    pub at: UnixMillis,
    pub by: Snowflake,
    pub what: EventKind,
}

/// Stored by position: add variants at the end only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Claimed,
    Unclaimed,
    Transferred {
        to: Snowflake,
    },
    /// To the topic of this name (kept as shown then: the topic may be removed later).
    Moved {
        topic: String,
    },
    PrioritySet(Priority),
    Renamed {
        name: String,
    },
    CloseRequested {
        reason: Option<String>,
    },
    KeptOpen,
}

/// Support hours: weekly windows in an IANA time zone (`domain::hours`). Off while `zone` is
/// empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportHours {
    pub zone: String,
    /// `(days, start, end)`: a day mask (bit 0 Monday) and local minutes `[start, end)`.
    pub windows: Vec<(u8, u16, u16)>,
    pub outside: OutsideHours,
    /// Members with one of these roles open at any time (staff always do).
    pub bypass_roles: Vec<Snowflake>,
}

impl SupportHours {
    pub fn is_on(&self) -> bool {
        !self.zone.is_empty() && !self.windows.is_empty()
    }
}

/// What opening a ticket outside support hours does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutsideHours {
    /// Refused, naming the next opening time.
    #[default]
    Refuse,
    /// Opened, with a notice on the welcome message that replies may be slow.
    Notice,
}

/// How a claim changes who may see and write in a ticket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimMode {
    /// Staff keep seeing the ticket; only the claimer (and the opener's side) can write.
    #[default]
    Guarded,
    /// A label only: everyone keeps writing.
    Label,
    /// Only the claimer among staff sees the ticket (Administrators always do).
    Private,
}

/// What the staff workflow stores on a ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketStaff {
    /// The staff member who claimed the ticket.
    pub claimer: Option<Snowflake>,
    /// The welcome message, edited in place when the claim changes.
    pub welcome_message: Option<Snowflake>,
    /// Set durably before an access edit (claim, unclaim, transfer) and cleared after it: a
    /// crash in between leaves it set, and the next start re-derives the channel's overwrites.
    pub access_pending: bool,
    /// A close asked of the other side, waiting for Close or Keep open. Boxed: rare, and
    /// every ticket actor carries its record.
    pub close_request: Option<Box<CloseRequest>>,
    pub priority: Priority,
}

/// How urgent staff judge a ticket; shown on its welcome message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

/// One side asking the other to confirm a close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseRequest {
    pub by: Snowflake,
    /// Asked by staff (of the opener), or by the opener (of staff).
    pub by_staff: bool,
    /// At most `limits::REQUEST_REASON_MAX` characters.
    pub reason: Option<String>,
    /// The request message carrying Close and Keep open.
    pub message: Option<Snowflake>,
}
