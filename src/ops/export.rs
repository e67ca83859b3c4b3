//! The portable export of one guild (`ticketeer export | import`): a versioned JSON document,
//! documented in `docs/export-format.md`, kept apart from the store's records so the file format
//! changes only on purpose.
//!
//! Ids are strings, as Discord writes snowflakes (JSON numbers lose precision past 2^53 in most
//! readers); a number is accepted on import too.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::model::{self, GuildSettings, TicketRecord, TicketState};
use crate::store::portable::GuildData;

/// The `format` field: says what the file is before anything else is read.
pub const FORMAT: &str = "ticketeer-guild-export";
/// The version this build writes; it reads every version up to it.
pub const VERSION: u32 = 1;

/// A Discord id, written as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(pub u64);

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(u64),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(Id(n)),
            Raw::Text(t) => t
                .parse()
                .map(Id)
                .map_err(|_| serde::de::Error::custom(format!("{t:?} is not a Discord id"))),
        }
    }
}

fn ids(v: &[u64]) -> Vec<Id> {
    v.iter().copied().map(Id).collect()
}

fn raw(v: &[Id]) -> Vec<u64> {
    v.iter().map(|i| i.0).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Export {
    pub format: String,
    pub version: u32,
    pub guild: Id,
    pub settings: Settings,
    /// The highest ticket number ever handed out; an import never hands out one below it.
    pub counter: u64,
    pub tickets: Vec<Ticket>,
    pub transcripts: Vec<Transcript>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub tickets_category: Option<Id>,
    pub overflow_categories: Vec<Id>,
    pub log_channel: Option<Id>,
    pub staff_roles: Vec<Id>,
    pub per_member_limit: u32,
    pub per_guild_limit: u32,
    pub topics: Vec<Topic>,
    pub next_topic_id: u32,
    pub panels: Vec<Panel>,
    /// Left out when the server chose no language (and so absent in older exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Warning and auto-close of quiet tickets; left out while switched off (and so absent in
    /// older exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactivity: Option<model::Inactivity>,
    /// The claim mode (`guarded`, `label`, `private`); absent means `guarded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_mode: Option<model::ClaimMode>,
    /// Topics overriding the claim mode: `[topic id, mode]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_claim_modes: Vec<(u32, model::ClaimMode)>,
    /// Questions and abuse controls; left out while none is set (and so absent in older
    /// exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake: Option<Intake>,
    /// Support hours; left out while off (and so absent in older exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<model::SupportHours>,
    /// The close DM asks for no rating; left out when it does.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub feedback_off: bool,
    /// Topics whose inactivity differs from the server's: `[topic id, inactivity]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_inactivity: Vec<(u32, model::Inactivity)>,
    /// Topics whose support hours differ from the server's: `[topic id, hours]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_hours: Vec<(u32, model::SupportHours)>,
}

/// The intake settings: the questions per form, the roles topics need, cooldown and daily cap.
/// The blocklist and members' opens are the running server's state, not exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<model::Question>,
    /// `[topic id, questions]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_questions: Vec<(u32, Vec<model::Question>)>,
    /// `[topic id, roles, "AnyOf" | "AllOf"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topic_roles: Vec<(u32, Vec<Id>, model::RoleMatch)>,
    #[serde(default)]
    pub cooldown_minutes: u32,
    #[serde(default)]
    pub daily_cap: u32,
}

impl From<&model::IntakeSettings> for Intake {
    fn from(i: &model::IntakeSettings) -> Self {
        Intake {
            questions: i.questions.clone(),
            topic_questions: i.topic_questions.clone(),
            topic_roles: i
                .topic_roles
                .iter()
                .map(|(t, r)| (*t, ids(&r.roles), r.need))
                .collect(),
            cooldown_minutes: i.cooldown_minutes,
            daily_cap: i.daily_cap,
        }
    }
}

impl From<&Intake> for model::IntakeSettings {
    fn from(i: &Intake) -> Self {
        model::IntakeSettings {
            questions: i.questions.clone(),
            topic_questions: i.topic_questions.clone(),
            topic_roles: i
                .topic_roles
                .iter()
                .map(|(t, roles, need)| {
                    let roles = raw(roles);
                    (*t, model::RoleRequirement { roles, need: *need })
                })
                .collect(),
            cooldown_minutes: i.cooldown_minutes,
            daily_cap: i.daily_cap,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: u32,
    pub name: String,
    pub category: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    pub channel: Id,
    pub message: Id,
    pub title: String,
    pub description: String,
    pub footer: String,
    /// The embed's colour, `0xRRGGBB`; left out when the default (and so absent in older
    /// exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<u32>,
    /// The button's colour or a topic select; left out when the default blue button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<model::PanelStyle>,
    /// The button's label or the select's placeholder; left out when the catalog's.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The button's emoji; left out when none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub emoji: String,
    /// The topics the panel opens; left out when all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<u32>,
    /// The channel the panel's tickets are private threads in; left out when channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads_in: Option<Id>,
}

impl From<&model::Panel> for Panel {
    fn from(p: &model::Panel) -> Self {
        Panel {
            channel: Id(p.channel),
            message: Id(p.message),
            title: p.title.clone(),
            description: p.description.clone(),
            footer: p.footer.clone(),
            color: (p.color != model::PANEL_COLOR_DEFAULT).then_some(p.color),
            style: (p.style != model::PanelStyle::default()).then_some(p.style),
            label: p.label.clone(),
            emoji: p.emoji.clone(),
            topics: p.topics.clone(),
            threads_in: p.threads_in.map(Id),
        }
    }
}

impl From<&Panel> for model::Panel {
    fn from(p: &Panel) -> Self {
        let mut panel = model::Panel::new(
            p.channel.0,
            p.message.0,
            p.title.clone(),
            p.description.clone(),
            p.footer.clone(),
        );
        panel.color = p.color.unwrap_or(model::PANEL_COLOR_DEFAULT);
        panel.style = p.style.unwrap_or_default();
        panel.label = p.label.clone();
        panel.emoji = p.emoji.clone();
        panel.topics = p.topics.clone();
        panel.threads_in = p.threads_in.map(|i| i.0);
        panel
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Provisioning,
    Open,
    Closed,
    Deleted,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub number: u64,
    pub opener: Id,
    pub topic: Option<u32>,
    pub parent: Option<Id>,
    pub channel: Option<Id>,
    pub state: State,
    /// Milliseconds since the Unix epoch.
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<Id>,
    pub close_reason: Option<String>,
    pub participants: Vec<Id>,
    pub closed_message: Option<Id>,
    /// Staff excluded the ticket from auto-close; left out when not (absent in older exports).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub autoclose_off: bool,
    /// The staff member who claimed the ticket; absent in exports made before claims existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimer: Option<Id>,
    /// The channel a thread ticket is a private thread in (its `channel` is the thread); left
    /// out for channel tickets (and so absent in older exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_in: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transcript {
    pub number: u64,
    pub html: String,
    pub text: String,
}

/// Why a document is not an export this build can take.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("not valid JSON for a Ticketeer export: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a Ticketeer guild export (its \"format\" is {0:?})")]
    NotAnExport(String),
    #[error(
        "the export is version {found}; this Ticketeer reads up to version {VERSION} (upgrade Ticketeer)"
    )]
    TooNew { found: u32 },
    #[error("transcript {0} has no ticket of that number in the export")]
    OrphanTranscript(u64),
    #[error("ticket number {0} appears twice in the export")]
    DuplicateNumber(u64),
}

impl From<TicketState> for State {
    fn from(s: TicketState) -> Self {
        match s {
            TicketState::Provisioning => State::Provisioning,
            TicketState::Open => State::Open,
            TicketState::Closed => State::Closed,
            TicketState::Deleted => State::Deleted,
            TicketState::Failed => State::Failed,
        }
    }
}

impl From<State> for TicketState {
    fn from(s: State) -> Self {
        match s {
            State::Provisioning => TicketState::Provisioning,
            State::Open => TicketState::Open,
            State::Closed => TicketState::Closed,
            State::Deleted => TicketState::Deleted,
            State::Failed => TicketState::Failed,
        }
    }
}

impl From<&GuildSettings> for Settings {
    fn from(s: &GuildSettings) -> Self {
        Settings {
            tickets_category: s.tickets_category.map(Id),
            overflow_categories: ids(&s.overflow_categories),
            log_channel: s.log_channel.map(Id),
            staff_roles: ids(&s.staff_roles),
            per_member_limit: s.per_member_limit,
            per_guild_limit: s.per_guild_limit,
            topics: s
                .topics
                .iter()
                .map(|t| Topic {
                    id: t.id,
                    name: t.name.clone(),
                    category: t.category.map(Id),
                })
                .collect(),
            next_topic_id: s.next_topic_id,
            panels: s.panels.iter().map(Into::into).collect(),
            language: s.language.clone(),
            inactivity: (s.inactivity != model::Inactivity::default()).then_some(s.inactivity),
            claim_mode: (s.claims.mode != model::ClaimMode::default()).then_some(s.claims.mode),
            topic_claim_modes: s.claims.topic_modes.clone(),
            intake: (s.intake != model::IntakeSettings::default()).then(|| (&s.intake).into()),
            hours: (s.hours != model::SupportHours::default()).then(|| s.hours.clone()),
            feedback_off: s.feedback_off,
            topic_inactivity: s.topic_inactivity.clone(),
            topic_hours: s.topic_hours.clone(),
        }
    }
}

impl From<&Settings> for GuildSettings {
    fn from(s: &Settings) -> Self {
        GuildSettings {
            tickets_category: s.tickets_category.map(|i| i.0),
            overflow_categories: raw(&s.overflow_categories),
            log_channel: s.log_channel.map(|i| i.0),
            staff_roles: raw(&s.staff_roles),
            per_member_limit: s.per_member_limit,
            per_guild_limit: s.per_guild_limit,
            topics: s
                .topics
                .iter()
                .map(|t| model::Topic {
                    id: t.id,
                    name: t.name.clone(),
                    category: t.category.map(|i| i.0),
                })
                .collect(),
            next_topic_id: s.next_topic_id,
            panels: s.panels.iter().map(Into::into).collect(),
            language: s.language.clone(),
            inactivity: s.inactivity.unwrap_or_default(),
            claims: model::ClaimSettings {
                mode: s.claim_mode.unwrap_or_default(),
                topic_modes: s.topic_claim_modes.clone(),
            },
            intake: s.intake.as_ref().map(Into::into).unwrap_or_default(),
            hours: s.hours.clone().unwrap_or_default(),
            feedback_off: s.feedback_off,
            topic_inactivity: s.topic_inactivity.clone(),
            topic_hours: s.topic_hours.clone(),
        }
    }
}

impl From<&TicketRecord> for Ticket {
    fn from(t: &TicketRecord) -> Self {
        Ticket {
            number: t.number,
            opener: Id(t.opener),
            topic: t.topic,
            parent: t.parent.map(Id),
            channel: t.channel.map(Id),
            state: t.state.into(),
            opened_at: t.opened_at,
            closed_at: t.closed_at,
            closed_by: t.closed_by.map(Id),
            close_reason: t.close_reason.clone(),
            participants: ids(&t.participants),
            closed_message: t.closed_message.map(Id),
            autoclose_off: t.autoclose_off,
            claimer: t.staff.claimer.map(Id),
            thread_in: t.thread_in.map(Id),
        }
    }
}

impl Ticket {
    fn record(&self, guild: u64) -> TicketRecord {
        TicketRecord {
            guild,
            number: self.number,
            opener: self.opener.0,
            topic: self.topic,
            parent: self.parent.map(|i| i.0),
            channel: self.channel.map(|i| i.0),
            state: self.state.into(),
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            closed_by: self.closed_by.map(|i| i.0),
            close_reason: self.close_reason.clone(),
            participants: raw(&self.participants),
            closed_message: self.closed_message.map(|i| i.0),
            autoclose_off: self.autoclose_off,
            // A warning is runtime state of the bot that posted it; the importing bot arms its
            // own.
            stale_warning: None,
            staff: crate::domain::model::TicketStaff {
                claimer: self.claimer.map(|i| i.0),
                ..Default::default()
            },
            // The bot's own history of the ticket (its transcript already carries the events
            // of a closed one).
            trail: Default::default(),
            thread_in: self.thread_in.map(|i| i.0),
        }
    }
}

/// The export document of what the store holds of one guild.
pub fn from_data(data: &GuildData) -> Export {
    Export {
        format: FORMAT.into(),
        version: VERSION,
        guild: Id(data.guild),
        settings: (&data.settings).into(),
        counter: data.counter,
        tickets: data.tickets.iter().map(Ticket::from).collect(),
        transcripts: data
            .transcripts
            .iter()
            .map(|(number, html, text)| Transcript {
                number: *number,
                html: html.clone(),
                text: text.clone(),
            })
            .collect(),
    }
}

/// Reads and checks an export document: its format and version first (so an unrelated file is
/// named as such rather than as a missing field), then its contents.
pub fn parse(json: &str) -> Result<GuildData, FormatError> {
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        version: Option<u32>,
    }
    let head: Head = serde_json::from_str(json)?;
    let format = head.format.unwrap_or_default();
    if format != FORMAT {
        return Err(FormatError::NotAnExport(format));
    }
    let found = head.version.unwrap_or(0);
    if found > VERSION {
        return Err(FormatError::TooNew { found });
    }
    let export: Export = serde_json::from_str(json)?;
    to_data(&export)
}

/// The store's form of an export, checked for duplicate numbers and orphan transcripts.
pub fn to_data(export: &Export) -> Result<GuildData, FormatError> {
    let guild = export.guild.0;
    let mut numbers = std::collections::BTreeSet::new();
    for t in &export.tickets {
        if !numbers.insert(t.number) {
            return Err(FormatError::DuplicateNumber(t.number));
        }
    }
    if let Some(t) = export
        .transcripts
        .iter()
        .find(|t| !numbers.contains(&t.number))
    {
        return Err(FormatError::OrphanTranscript(t.number));
    }
    Ok(GuildData {
        guild,
        settings: (&export.settings).into(),
        counter: export.counter,
        tickets: export.tickets.iter().map(|t| t.record(guild)).collect(),
        transcripts: export
            .transcripts
            .iter()
            .map(|t| (t.number, t.html.clone(), t.text.clone()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> GuildData {
        let mut settings = GuildSettings {
            log_channel: Some(1_234_567_890_123_456_789),
            staff_roles: vec![5, 6],
            language: Some("de".into()),
            inactivity: model::Inactivity {
                warn_after_hours: 24,
                close_after_hours: 12,
                ping: model::StalePing::Opener,
                close_when_opener_leaves: true,
            },
            ..GuildSettings::default()
        };
        settings.intake = model::IntakeSettings {
            questions: vec![model::Question {
                label: "Order \"id\" ✓".into(),
                style: model::QuestionStyle::Paragraph,
                required: true,
                min_len: 3,
                max_len: 900,
                placeholder: "A-1".into(),
                subject: true,
            }],
            topic_questions: Vec::new(),
            topic_roles: vec![(
                1,
                model::RoleRequirement {
                    roles: vec![1_234_567_890_123_456_780],
                    need: model::RoleMatch::AllOf,
                },
            )],
            cooldown_minutes: 30,
            daily_cap: 2,
        };
        settings.topics.push(model::Topic {
            id: 1,
            name: "Billing \"quotes\" ✓".into(),
            category: Some(9),
        });
        settings
            .panels
            .push(model::Panel::new(3, 4, "t".into(), "d".into(), "f".into()));
        // A panel with a look of its own, whose tickets are private threads.
        let mut threads = model::Panel::new(3, 5, "T".into(), "D".into(), String::new());
        threads.color = 0xe91e63;
        threads.style = model::PanelStyle::TopicSelect;
        threads.label = "Pick one".into();
        threads.emoji = "<:help:1234567890123456789>".into();
        threads.topics = vec![1];
        threads.threads_in = Some(3);
        settings.panels.push(threads);
        let hours = model::SupportHours {
            zone: "Europe/Paris".into(),
            windows: vec![(0b1_1111, 540, 1_080)],
            outside: model::OutsideHours::Notice,
            bypass_roles: vec![1_234_567_890_123_456_781],
        };
        settings.hours = hours.clone();
        settings.topic_hours = vec![(1, hours)];
        settings.feedback_off = true;
        settings.topic_inactivity = vec![(1, settings.inactivity)];
        let thread_ticket = TicketRecord {
            channel: Some(13),
            thread_in: Some(3),
            ..TicketRecord::new(77, 3, 8, 1)
        };
        let ticket = TicketRecord {
            topic: Some(1),
            parent: Some(9),
            channel: Some(10),
            state: TicketState::Closed,
            closed_at: Some(2),
            closed_by: Some(8),
            close_reason: Some("done".into()),
            participants: vec![11],
            closed_message: Some(12),
            autoclose_off: true,
            ..TicketRecord::new(77, 2, 8, 1)
        };
        GuildData {
            guild: 77,
            settings,
            counter: 3,
            tickets: vec![ticket, thread_ticket],
            transcripts: vec![(2, "<p>hi</p>".into(), "hi".into())],
        }
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let data = sample();
        let json = serde_json::to_string_pretty(&from_data(&data)).unwrap();
        assert!(json.contains("\"1234567890123456789\""), "ids as strings");
        assert_eq!(parse(&json).unwrap(), data);
    }

    #[test]
    fn foreign_and_future_documents_are_named_as_such() {
        assert!(matches!(
            parse(r#"{"hello": 1}"#),
            Err(FormatError::NotAnExport(f)) if f.is_empty()
        ));
        let mut doc = serde_json::to_value(from_data(&sample())).unwrap();
        doc["version"] = 99.into();
        assert!(matches!(
            parse(&doc.to_string()),
            Err(FormatError::TooNew { found: 99 })
        ));
        assert!(matches!(parse("not json"), Err(FormatError::Json(_))));
    }

    #[test]
    fn duplicate_numbers_and_orphan_transcripts_are_refused() {
        let mut export = from_data(&sample());
        export.transcripts[0].number = 5;
        assert!(matches!(
            to_data(&export),
            Err(FormatError::OrphanTranscript(5))
        ));
        let mut export = from_data(&sample());
        export.tickets.push(export.tickets[0].clone());
        assert!(matches!(
            to_data(&export),
            Err(FormatError::DuplicateNumber(2))
        ));
    }

    #[test]
    fn ids_may_be_numbers_but_not_words() {
        let mut doc = serde_json::to_value(from_data(&sample())).unwrap();
        doc["guild"] = 77.into();
        assert_eq!(parse(&doc.to_string()).unwrap().guild, 77);
        doc["guild"] = "seventy".into();
        let error = parse(&doc.to_string()).unwrap_err().to_string();
        assert!(error.contains("not a Discord id"), "{error}");
    }
}
