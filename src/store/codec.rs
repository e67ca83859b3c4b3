//! The one place stored bytes are produced and parsed.
//!
//! Every value starts with a format version byte. bincode is not self-describing, so a record that
//! gains a field gets a new version byte here, and `decode` learns to read both; nothing outside
//! this module knows how a value is laid out.
//!
//! Decoding treats its input as hostile (a damaged file, a file edited by hand): it returns an
//! error and never panics, and bincode's allocation limit keeps a forged length prefix from
//! reserving gigabytes.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::domain::model::{
    Answer, BlockEntry, ClaimSettings, GuildSettings, Inactivity, IntakeSettings, MemberOpens,
    Panel, PanelStyle, Snowflake, SupportHours, TicketRecord, TicketStaff, TicketState,
    TicketTrail, Topic, UnixMillis,
};
use crate::domain::ready::ReadyPool;
use crate::domain::tally::{StaffTally, Tally};
use crate::domain::transcript::{TranscriptDoc, TranscriptMessage, TranscriptMeta};

/// Format of plain bincode values (settings before `language`; ticket records before they
/// remembered their "closed" message).
pub const VERSION_V1: u8 = 1;
/// Ticket records with `closed_message` (see [`TicketRecord`]).
pub const TICKET_V2: u8 = 2;
/// Ticket records with `autoclose_off`, `stale_warning` and the staff workflow's fields
/// ([`crate::domain::model::TicketStaff`]).
pub const TICKET_V3: u8 = 3;
/// Ticket records with their [`crate::domain::model::TicketTrail`] (events, renames, notes,
/// feedback).
pub const TICKET_V4: u8 = 4;
/// Ticket records with `thread_in`: thread tickets.
pub const TICKET_V5: u8 = 5;
/// Guild settings with `language`, `inactivity` and the claim settings.
pub const SETTINGS_V2: u8 = 2;
/// Guild settings with `intake`: questions and abuse controls.
pub const SETTINGS_V3: u8 = 3;
/// Guild settings with support `hours`.
pub const SETTINGS_V4: u8 = 4;
/// Guild settings whose panels have their own look and topics (see [`Panel`]).
pub const SETTINGS_V5: u8 = 5;
/// Guild settings whose panels may open private threads (see [`Panel::threads_in`]).
pub const SETTINGS_V6: u8 = 6;
/// Format of the intake tables' values (a member's opens, a blocklist entry, a ticket's
/// answers): version byte, then bincode.
pub const INTAKE_V1: u8 = 1;
/// Format of transcripts: version byte, then deflate of the bincode of `(html, text)`.
pub const TRANSCRIPT_V1: u8 = 1;

/// No single record we store comes near this; anything larger is damage, not data.
const RECORD_LIMIT: usize = 16 * 1024 * 1024;
/// A decompressed transcript larger than this is refused (a deflate bomb, or damage).
pub const TRANSCRIPT_LIMIT: usize = 64 * 1024 * 1024;

type RecordConfig = bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<RECORD_LIMIT>,
>;
type TranscriptConfig = bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<TRANSCRIPT_LIMIT>,
>;

fn record_config() -> RecordConfig {
    bincode::config::standard().with_limit::<RECORD_LIMIT>()
}

fn transcript_config() -> TranscriptConfig {
    bincode::config::standard().with_limit::<TRANSCRIPT_LIMIT>()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("empty value")]
    Empty,
    #[error("unknown value format version {0} (written by a newer Ticketeer?)")]
    UnknownVersion(u8),
    #[error("malformed value: {0}")]
    Malformed(String),
    #[error("{0} trailing bytes after the value")]
    TrailingBytes(usize),
    #[error("value could not be encoded: {0}")]
    Encode(String),
    #[error("transcript larger than {TRANSCRIPT_LIMIT} bytes once decompressed")]
    TooLarge,
}

/// Version byte followed by the bincode of `value`.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    encode_as(VERSION_V1, value)
}

fn encode_as<T: Serialize>(version: u8, value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![version];
    bincode::serde::encode_into_std_write(value, &mut out, record_config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    Ok(out)
}

/// Parses what [`encode`] produced; any other bytes give an error.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        VERSION_V1 => decode_body(body),
        other => Err(CodecError::UnknownVersion(other)),
    }
}

fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, CodecError> {
    let (value, used) = bincode::serde::decode_from_slice(body, record_config())
        .map_err(|e| CodecError::Malformed(e.to_string()))?;
    if used != body.len() {
        return Err(CodecError::TrailingBytes(body.len() - used));
    }
    Ok(value)
}

/// A ticket record in the current format ([`TICKET_V5`]).
pub fn encode_ticket(record: &TicketRecord) -> Result<Vec<u8>, CodecError> {
    encode_as(TICKET_V5, record)
}

/// Parses a ticket record of any format this version knows; older ones are upgraded.
pub fn decode_ticket(bytes: &[u8]) -> Result<TicketRecord, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        VERSION_V1 => decode_body::<TicketRecordV1>(body).map(TicketRecord::from),
        TICKET_V2 => decode_body::<TicketRecordV2>(body).map(TicketRecord::from),
        TICKET_V3 => decode_body::<TicketRecordV3>(body).map(TicketRecord::from),
        TICKET_V4 => decode_body::<TicketRecordV4>(body).map(TicketRecord::from),
        TICKET_V5 => decode_body(body),
        other => Err(CodecError::UnknownVersion(other)),
    }
}

/// The layout of a [`VERSION_V1`] ticket record: bincode is positional, so the old field list
/// is kept here, exactly, for as long as such records may be on disk.
#[derive(Deserialize)]
struct TicketRecordV1 {
    guild: Snowflake,
    number: u64,
    opener: Snowflake,
    topic: Option<u32>,
    parent: Option<Snowflake>,
    channel: Option<Snowflake>,
    state: TicketState,
    opened_at: UnixMillis,
    closed_at: Option<UnixMillis>,
    closed_by: Option<Snowflake>,
    close_reason: Option<String>,
    participants: Vec<Snowflake>,
}

impl From<TicketRecordV1> for TicketRecord {
    fn from(v1: TicketRecordV1) -> Self {
        TicketRecord {
            guild: v1.guild,
            number: v1.number,
            opener: v1.opener,
            topic: v1.topic,
            parent: v1.parent,
            channel: v1.channel,
            state: v1.state,
            opened_at: v1.opened_at,
            closed_at: v1.closed_at,
            closed_by: v1.closed_by,
            close_reason: v1.close_reason,
            participants: v1.participants,
            // A V1 ticket's "closed" message is unknown: its buttons stay as they are, and the
            // ticket actor's state check refuses them when they no longer apply.
            closed_message: None,
            // Before inactivity existed: included, never warned.
            autoclose_off: false,
            stale_warning: None,
            // Nobody had claimed it; its welcome message is found when first needed.
            staff: Default::default(),
            trail: Default::default(),
            thread_in: None,
        }
    }
}

/// The layout of a [`TICKET_V2`] ticket record: V1's fields and `closed_message`.
#[derive(Deserialize)]
struct TicketRecordV2 {
    v1: TicketRecordV1,
    closed_message: Option<Snowflake>,
}

impl From<TicketRecordV2> for TicketRecord {
    fn from(v2: TicketRecordV2) -> Self {
        TicketRecord {
            closed_message: v2.closed_message,
            ..TicketRecord::from(v2.v1)
        }
    }
}

/// The layout of a [`TICKET_V3`] ticket record: V2's fields, inactivity's and the staff
/// workflow's.
#[derive(Deserialize)]
struct TicketRecordV3 {
    v2: TicketRecordV2,
    autoclose_off: bool,
    stale_warning: Option<Snowflake>,
    staff: TicketStaff,
}

impl From<TicketRecordV3> for TicketRecord {
    fn from(v3: TicketRecordV3) -> Self {
        TicketRecord {
            autoclose_off: v3.autoclose_off,
            stale_warning: v3.stale_warning,
            staff: v3.staff,
            // No events were kept before; a rename budget starts full.
            ..TicketRecord::from(v3.v2)
        }
    }
}

/// The layout of a [`TICKET_V4`] ticket record: V3's fields and the trail.
#[derive(Deserialize)]
struct TicketRecordV4 {
    v3: TicketRecordV3,
    trail: TicketTrail,
}

impl From<TicketRecordV4> for TicketRecord {
    fn from(v4: TicketRecordV4) -> Self {
        TicketRecord {
            trail: v4.trail,
            // Before thread tickets: every ticket was a channel.
            ..TicketRecord::from(v4.v3)
        }
    }
}

/// Guild settings in the current format ([`SETTINGS_V6`]).
pub fn encode_settings(settings: &GuildSettings) -> Result<Vec<u8>, CodecError> {
    encode_as(SETTINGS_V6, settings)
}

/// Parses guild settings of any format this version knows; older ones are upgraded.
pub fn decode_settings(bytes: &[u8]) -> Result<GuildSettings, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        VERSION_V1 => decode_body::<GuildSettingsV1>(body).map(GuildSettings::from),
        SETTINGS_V2 => decode_body::<GuildSettingsV2>(body).map(GuildSettings::from),
        SETTINGS_V3 => decode_body::<GuildSettingsV3>(body).map(GuildSettings::from),
        SETTINGS_V4 => decode_body::<GuildSettingsV4>(body).map(GuildSettings::from),
        SETTINGS_V5 => decode_body::<GuildSettingsV5>(body).map(GuildSettings::from),
        SETTINGS_V6 => decode_body(body),
        other => Err(CodecError::UnknownVersion(other)),
    }
}

/// The layout of [`SETTINGS_V2`] guild settings, kept exactly for as long as they may be on
/// disk.
#[derive(Deserialize)]
struct GuildSettingsV2<P = PanelV1> {
    tickets_category: Option<Snowflake>,
    overflow_categories: Vec<Snowflake>,
    log_channel: Option<Snowflake>,
    staff_roles: Vec<Snowflake>,
    per_member_limit: u32,
    per_guild_limit: u32,
    topics: Vec<Topic>,
    next_topic_id: u32,
    panels: Vec<P>,
    language: Option<String>,
    inactivity: Inactivity,
    claims: ClaimSettings,
}

impl<P: Into<Panel>> From<GuildSettingsV2<P>> for GuildSettings {
    fn from(v2: GuildSettingsV2<P>) -> Self {
        GuildSettings {
            tickets_category: v2.tickets_category,
            overflow_categories: v2.overflow_categories,
            log_channel: v2.log_channel,
            staff_roles: v2.staff_roles,
            per_member_limit: v2.per_member_limit,
            per_guild_limit: v2.per_guild_limit,
            topics: v2.topics,
            next_topic_id: v2.next_topic_id,
            panels: v2.panels.into_iter().map(Into::into).collect(),
            language: v2.language,
            inactivity: v2.inactivity,
            claims: v2.claims,
            // Before intake existed: no questions, no controls.
            intake: IntakeSettings::default(),
            hours: Default::default(),
            feedback_off: false,
            topic_inactivity: Vec::new(),
            topic_hours: Vec::new(),
        }
    }
}

/// The layout of [`SETTINGS_V3`] guild settings: V2's and the intake's.
#[derive(Deserialize)]
struct GuildSettingsV3<P = PanelV1> {
    v2: GuildSettingsV2<P>,
    intake: IntakeSettings,
}

impl<P: Into<Panel>> From<GuildSettingsV3<P>> for GuildSettings {
    fn from(v3: GuildSettingsV3<P>) -> Self {
        GuildSettings {
            intake: v3.intake,
            // Before support hours existed: always open.
            ..GuildSettings::from(v3.v2)
        }
    }
}

/// The layout of [`SETTINGS_V4`] guild settings: V3's and support hours, the feedback switch
/// and the per-topic inactivity and hours.
#[derive(Deserialize)]
struct GuildSettingsV4<P = PanelV1> {
    v3: GuildSettingsV3<P>,
    hours: SupportHours,
    feedback_off: bool,
    topic_inactivity: Vec<(u32, Inactivity)>,
    topic_hours: Vec<(u32, SupportHours)>,
}

impl<P: Into<Panel>> From<GuildSettingsV4<P>> for GuildSettings {
    fn from(v4: GuildSettingsV4<P>) -> Self {
        GuildSettings {
            hours: v4.hours,
            feedback_off: v4.feedback_off,
            topic_inactivity: v4.topic_inactivity,
            topic_hours: v4.topic_hours,
            ..GuildSettings::from(v4.v3)
        }
    }
}

/// The layout of a panel in settings before [`SETTINGS_V5`]: its texts only.
#[derive(Deserialize)]
struct PanelV1 {
    channel: Snowflake,
    message: Snowflake,
    title: String,
    description: String,
    footer: String,
}

impl From<PanelV1> for Panel {
    fn from(v1: PanelV1) -> Self {
        // Before panels had a look of their own: the one every panel had, for every topic.
        Panel::new(v1.channel, v1.message, v1.title, v1.description, v1.footer)
    }
}

/// The layout of [`SETTINGS_V5`] guild settings: V4's, with panels that have a look.
type GuildSettingsV5 = GuildSettingsV4<PanelV2>;

/// The layout of a panel in [`SETTINGS_V5`]: its look and topics.
#[derive(Deserialize)]
struct PanelV2 {
    v1: PanelV1,
    color: u32,
    style: PanelStyle,
    label: String,
    emoji: String,
    topics: Vec<u32>,
}

impl From<PanelV2> for Panel {
    fn from(v2: PanelV2) -> Self {
        Panel {
            color: v2.color,
            style: v2.style,
            label: v2.label,
            emoji: v2.emoji,
            topics: v2.topics,
            // Before thread tickets: a panel's tickets were channels.
            ..Panel::from(v2.v1)
        }
    }
}

fn decode_intake<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        INTAKE_V1 => decode_body(body),
        other => Err(CodecError::UnknownVersion(other)),
    }
}

pub fn encode_member_opens(opens: &MemberOpens) -> Result<Vec<u8>, CodecError> {
    encode_as(INTAKE_V1, opens)
}

pub fn decode_member_opens(bytes: &[u8]) -> Result<MemberOpens, CodecError> {
    decode_intake(bytes)
}

pub fn encode_block(entry: &BlockEntry) -> Result<Vec<u8>, CodecError> {
    encode_as(INTAKE_V1, entry)
}

pub fn decode_block(bytes: &[u8]) -> Result<BlockEntry, CodecError> {
    decode_intake(bytes)
}

pub fn encode_answers(answers: &[Answer]) -> Result<Vec<u8>, CodecError> {
    encode_as(INTAKE_V1, &answers)
}

pub fn decode_answers(bytes: &[u8]) -> Result<Vec<Answer>, CodecError> {
    decode_intake(bytes)
}

/// The layout of [`VERSION_V1`] guild settings, kept exactly for as long as they may be on
/// disk.
#[derive(Deserialize)]
struct GuildSettingsV1 {
    tickets_category: Option<Snowflake>,
    overflow_categories: Vec<Snowflake>,
    log_channel: Option<Snowflake>,
    staff_roles: Vec<Snowflake>,
    per_member_limit: u32,
    per_guild_limit: u32,
    topics: Vec<Topic>,
    next_topic_id: u32,
    panels: Vec<PanelV1>,
}

impl From<GuildSettingsV1> for GuildSettings {
    fn from(v1: GuildSettingsV1) -> Self {
        GuildSettings {
            tickets_category: v1.tickets_category,
            overflow_categories: v1.overflow_categories,
            log_channel: v1.log_channel,
            staff_roles: v1.staff_roles,
            per_member_limit: v1.per_member_limit,
            per_guild_limit: v1.per_guild_limit,
            topics: v1.topics,
            next_topic_id: v1.next_topic_id,
            panels: v1.panels.into_iter().map(Panel::from).collect(),
            // No language was chosen: channel messages follow the server's preferred locale.
            language: None,
            // Settings from before inactivity existed: the feature stays off.
            inactivity: Inactivity::default(),
            // Before claims existed: the default mode, no topic overriding it.
            claims: ClaimSettings::default(),
            intake: IntakeSettings::default(),
            hours: Default::default(),
            feedback_off: false,
            topic_inactivity: Vec::new(),
            topic_hours: Vec::new(),
        }
    }
}

/// Version byte followed by the deflated bincode of `(html, text)`.
pub fn encode_transcript(html: &str, text: &str) -> Result<Vec<u8>, CodecError> {
    deflate_as(TRANSCRIPT_V1, &(html, text))
}

/// Parses what [`encode_transcript`] produced into `(html, text)`.
pub fn decode_transcript(bytes: &[u8]) -> Result<(String, String), CodecError> {
    inflate_from(TRANSCRIPT_V1, bytes)
}

/// Format of transcript pages: version byte, then deflate of the bincode of a
/// [`TranscriptDoc`] before it had staff notes.
pub const PAGE_V1: u8 = 1;
/// Transcript pages with the staff notes (shown to the staff audience only).
pub const PAGE_V2: u8 = 2;
/// Transcript pages with their authors' name colours.
pub const PAGE_V3: u8 = 3;

/// Version byte followed by the deflated bincode of the page's document.
pub fn encode_page(doc: &TranscriptDoc) -> Result<Vec<u8>, CodecError> {
    deflate_as(PAGE_V3, doc)
}

/// A [`PAGE_V2`] document: `(meta, messages, staff notes)`.
type PageV2 = (
    TranscriptMeta,
    Vec<TranscriptMessage>,
    Vec<TranscriptMessage>,
);

/// Parses what [`encode_page`] produced, or a page stored before staff notes or name colours
/// existed.
pub fn decode_page(bytes: &[u8]) -> Result<TranscriptDoc, CodecError> {
    match bytes.first() {
        Some(&PAGE_V1) => {
            let (meta, messages) = inflate_from(PAGE_V1, bytes)?;
            Ok(TranscriptDoc {
                meta,
                messages,
                staff_notes: Vec::new(),
                name_colors: Vec::new(),
            })
        }
        Some(&PAGE_V2) => {
            let (meta, messages, staff_notes): PageV2 = inflate_from(PAGE_V2, bytes)?;
            Ok(TranscriptDoc {
                meta,
                messages,
                staff_notes,
                name_colors: Vec::new(),
            })
        }
        _ => inflate_from(PAGE_V3, bytes),
    }
}

/// A file of a ticket's kept in the store: an attachment's bytes, so a transcript page shows it
/// after Discord's link expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Format of stored files: version byte, then the bincode of a [`StoredFile`] (not deflated:
/// images are compressed already).
pub const FILE_V1: u8 = 1;

pub fn encode_file(file: &StoredFile) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![FILE_V1];
    bincode::serde::encode_into_std_write(file, &mut out, transcript_config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    Ok(out)
}

pub fn decode_file(bytes: &[u8]) -> Result<StoredFile, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != FILE_V1 {
        return Err(CodecError::UnknownVersion(version));
    }
    let (value, used) = bincode::serde::decode_from_slice(body, transcript_config())
        .map_err(|e| CodecError::Malformed(e.to_string()))?;
    if used != body.len() {
        return Err(CodecError::TrailingBytes(body.len() - used));
    }
    Ok(value)
}

/// Format of a guild's ready-channel pool: version byte, then the bincode of a
/// [`ReadyPool`] (configuration and state together, in their own table).
pub const READY_V1: u8 = 1;

pub fn encode_ready(pool: &ReadyPool) -> Result<Vec<u8>, CodecError> {
    encode_as(READY_V1, pool)
}

pub fn decode_ready(bytes: &[u8]) -> Result<ReadyPool, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    match version {
        READY_V1 => decode_body(body),
        other => Err(CodecError::UnknownVersion(other)),
    }
}

/// Format of the statistics' running sums (a guild's hour or all-time [`Tally`], a staff
/// member's [`StaffTally`]): version byte, then bincode.
pub const TALLY_V1: u8 = 1;

pub fn encode_tally(tally: &Tally) -> Result<Vec<u8>, CodecError> {
    encode_as(TALLY_V1, tally)
}

pub fn decode_tally(bytes: &[u8]) -> Result<Tally, CodecError> {
    decode_versioned(TALLY_V1, bytes)
}

pub fn encode_staff_tally(tally: &StaffTally) -> Result<Vec<u8>, CodecError> {
    encode_as(TALLY_V1, tally)
}

pub fn decode_staff_tally(bytes: &[u8]) -> Result<StaffTally, CodecError> {
    decode_versioned(TALLY_V1, bytes)
}

/// A value with one known version so far.
fn decode_versioned<T: DeserializeOwned>(known: u8, bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != known {
        return Err(CodecError::UnknownVersion(version));
    }
    decode_body(body)
}

fn deflate_as<T: Serialize>(version: u8, value: &T) -> Result<Vec<u8>, CodecError> {
    let raw = bincode::serde::encode_to_vec(value, transcript_config())
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    let mut encoder = DeflateEncoder::new(vec![version], Compression::default());
    encoder
        .write_all(&raw)
        .map_err(|e| CodecError::Encode(e.to_string()))?;
    encoder
        .finish()
        .map_err(|e| CodecError::Encode(e.to_string()))
}

fn inflate_from<T: DeserializeOwned>(expected: u8, bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != expected {
        return Err(CodecError::UnknownVersion(version));
    }
    let mut raw = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "over it".
    DeflateDecoder::new(body)
        .take(TRANSCRIPT_LIMIT as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| CodecError::Malformed(e.to_string()))?;
    if raw.len() > TRANSCRIPT_LIMIT {
        return Err(CodecError::TooLarge);
    }
    let (value, used) = bincode::serde::decode_from_slice(&raw, transcript_config())
        .map_err(|e| CodecError::Malformed(e.to_string()))?;
    if used != raw.len() {
        return Err(CodecError::TrailingBytes(raw.len() - used));
    }
    Ok(value)
}

/// Link keys in one value: each key's length as one byte, then the key. Keys longer than 255
/// bytes are not link keys and are left out.
pub fn join_keys(keys: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for key in keys {
        if let Ok(len) = u8::try_from(key.len()) {
            out.push(len);
            out.extend_from_slice(key);
        }
    }
    out
}

/// [`join_keys`] read back; a cut-off last key is dropped.
pub fn split_keys(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    while let Some((&len, rest)) = bytes.split_first() {
        let Some((key, after)) = rest.split_at_checked(usize::from(len)) else {
            break;
        };
        keys.push(key.to_vec());
        bytes = after;
    }
    keys
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn link_keys_come_back_as_they_went_in() {
        let keys = vec![vec![1; 32], vec![2; 32], Vec::new(), vec![3; 5]];
        assert_eq!(split_keys(&join_keys(&keys)), keys);
        assert!(split_keys(&[]).is_empty());
        let mut cut = join_keys(&keys[..2]);
        cut.pop();
        assert_eq!(
            split_keys(&cut),
            vec![vec![1; 32]],
            "a cut-off key is dropped"
        );
        assert!(join_keys(&[vec![0; 300]]).is_empty());
    }
}
