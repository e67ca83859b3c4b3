//! The guild's log writer: every open, close, delete, add and remove goes to the log channel as
//! an embed, without any ticket actor waiting for it.
//!
//! Discord lets a bot post about 5 messages per 5 s in one channel, so a busy server's log
//! channel is the slowest route a ticket touches. A ticket actor that awaited its log post would
//! hold its ticket (and the guild's provisioning window) behind that queue. Instead, entries go
//! into a channel; one task per guild drains it and packs up to 10 embeds into each message
//! (Discord's per-message maximum), so the log keeps up with ten times the events. Entries with
//! files (closed tickets' transcripts) are posted on their own.
//!
//! A plain task rather than an actor: its whole job is batching what is queued, which a mailbox
//! handled one message at a time cannot see.

use std::sync::{Arc, Mutex, OnceLock};

use tokio::sync::mpsc;
use tracing::warn;
use twilight_model::{
    channel::message::{Embed, embed::EmbedField},
    http::attachment::Attachment,
};

use crate::{
    discord::{Discord, OutgoingMessage, codes},
    domain::model::Snowflake,
    store::{LogPlace, Store, WriteOp},
    ui::text::{Text, render},
};

/// Embeds Discord accepts in one message.
const EMBEDS_PER_MESSAGE: usize = 10;
/// Characters Discord accepts across all embeds of one message.
const EMBED_CHARS_PER_MESSAGE: usize = crate::domain::limits::EMBED_TOTAL_MAX;

/// One event for the log channel.
#[derive(Debug)]
pub struct LogEntry {
    pub channel: Snowflake,
    pub embed: Embed,
    pub files: Vec<Attachment>,
    /// The ticket whose close this is: where it lands is stored, for its rating to amend.
    pub closes: Option<u64>,
}

/// A rating for the close entry of ticket `number`: shown as `field` of that entry, or posted
/// as `fallback` when the entry cannot be amended (never posted, deleted, or full).
#[derive(Debug)]
pub struct Rated {
    pub number: u64,
    pub field: EmbedField,
    pub fallback: LogEntry,
}

impl Rated {
    /// The rating of ticket `number`, logged in `channel`: `field` for its close entry,
    /// `fallback` posted when there is none to amend.
    pub fn new(channel: Snowflake, number: u64, field: EmbedField, fallback: Embed) -> Rated {
        Rated {
            number,
            field,
            fallback: LogEntry {
                channel,
                embed: fallback,
                files: Vec::new(),
                closes: None,
            },
        }
    }
}

/// What the writer task is given, in order.
#[derive(Debug)]
enum Queued {
    Entry(LogEntry),
    Rated(Rated),
}

/// Cheap to clone; held by the guild actor and its ticket actors. The writer task starts with
/// the first entry (most guilds of a big bot log nothing for hours, and an idle guild must stay
/// small) and ends when the last clone is dropped, after posting what was queued.
#[derive(Clone)]
pub struct GuildLog {
    writer: Arc<OnceLock<mpsc::UnboundedSender<Box<Queued>>>>,
    /// Why the last post to the log channel was refused, until one succeeds again: the hub
    /// shows it to the admins, who otherwise would only find entries missing.
    trouble: Arc<Mutex<Option<Trouble>>>,
    discord: Discord,
    store: Store,
    guild: Snowflake,
}

impl GuildLog {
    pub fn new(discord: Discord, store: Store, guild: Snowflake) -> GuildLog {
        GuildLog {
            writer: Arc::default(),
            trouble: Arc::default(),
            discord,
            store,
            guild,
        }
    }

    /// Why log entries are being lost right now, if they are, in the language being spoken
    /// (the admin's who opens the hub).
    pub fn trouble(&self) -> Option<String> {
        let trouble = *self.trouble.lock().unwrap_or_else(|e| e.into_inner());
        trouble.map(|Trouble { note, channel }| render(note, &[("channel", &channel)]))
    }

    /// Queues an entry; never waits. Boxed, because a channel reserves slots for 32 values at
    /// a time and an embed is large.
    pub fn post(&self, entry: LogEntry) {
        self.queue(Queued::Entry(entry));
    }

    /// Shows a rating in the ticket's close entry, after whatever is queued before it (so a
    /// close still being posted is amended, not duplicated).
    pub fn rated(&self, rated: Rated) {
        self.queue(Queued::Rated(rated));
    }

    fn queue(&self, item: Queued) {
        let tx = self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            let writer = Writer {
                discord: self.discord.clone(),
                store: self.store.clone(),
                guild: self.guild,
                trouble: self.trouble.clone(),
            };
            tokio::spawn(writer.run(rx));
            tx
        });
        if tx.send(Box::new(item)).is_err() {
            warn!("log writer gone; entry dropped");
        }
    }
}

fn embed_chars(embed: &Embed) -> usize {
    embed.title.as_deref().map_or(0, |t| t.chars().count())
        + embed
            .description
            .as_deref()
            .map_or(0, |d| d.chars().count())
        + embed.footer.as_ref().map_or(0, |f| f.text.chars().count())
        + embed
            .fields
            .iter()
            .map(|f| f.name.chars().count() + f.value.chars().count())
            .sum::<usize>()
}

/// One log message to post, and the closes it carries: `(embed index, ticket)`.
#[derive(Debug)]
pub struct Packed {
    pub channel: Snowflake,
    pub message: OutgoingMessage,
    pub closes: Vec<(u64, u64)>,
}

/// Splits queued entries into messages: consecutive embed-only entries for the same channel
/// share a message (within Discord's limits); an entry with files goes alone. Order is kept.
pub fn pack(entries: Vec<LogEntry>) -> Vec<Packed> {
    let mut out: Vec<Packed> = Vec::new();
    let mut open_chars = 0usize;
    let mut open = false;
    for entry in entries {
        let chars = embed_chars(&entry.embed);
        let fits = open
            && out.last().is_some_and(|last| {
                last.channel == entry.channel
                    && last.message.attachments.is_empty()
                    && last.message.embeds.len() < EMBEDS_PER_MESSAGE
                    && open_chars + chars <= EMBED_CHARS_PER_MESSAGE
            });
        if fits
            && entry.files.is_empty()
            && let Some(last) = out.last_mut()
        {
            if let Some(number) = entry.closes {
                last.closes.push((last.message.embeds.len() as u64, number));
            }
            last.message.embeds.push(entry.embed);
            open_chars += chars;
            continue;
        }
        open = entry.files.is_empty();
        open_chars = chars;
        out.push(Packed {
            channel: entry.channel,
            closes: entry.closes.map(|n| (0, n)).into_iter().collect(),
            message: OutgoingMessage {
                embeds: vec![entry.embed],
                attachments: entry.files,
                ..Default::default()
            },
        });
    }
    out
}

/// The task that posts a guild's log entries, one message at a time.
struct Writer {
    discord: Discord,
    store: Store,
    guild: Snowflake,
    trouble: Arc<Mutex<Option<Trouble>>>,
}

impl Writer {
    async fn run(self, mut rx: mpsc::UnboundedReceiver<Box<Queued>>) {
        let mut batch = Vec::new();
        while rx.recv_many(&mut batch, 64).await > 0 {
            let mut entries = Vec::new();
            for item in batch.drain(..) {
                match *item {
                    Queued::Entry(entry) => entries.push(entry),
                    Queued::Rated(rated) => {
                        self.post(std::mem::take(&mut entries)).await;
                        self.amend(rated).await;
                    }
                }
            }
            self.post(entries).await;
        }
    }

    async fn post(&self, entries: Vec<LogEntry>) {
        for packed in pack(entries) {
            let channel = packed.channel;
            let result = self
                .discord
                .send_message(channel, &packed.message, &[])
                .await;
            self.note(channel, &result);
            let Ok(message) = result else { continue };
            for (index, number) in packed.closes {
                let at = LogPlace {
                    channel,
                    message,
                    index,
                };
                // Lazily: a place lost to a crash only means a rating is posted on its own.
                let op = WriteOp::PutLogEntry {
                    guild: self.guild,
                    number,
                    at,
                };
                if let Err(error) = self.store.write_lazy(vec![op]).await {
                    warn!(%error, ticket = number, "could not remember the close's log entry");
                }
            }
        }
    }

    /// Adds (or replaces) the rating's field in the close entry; posts the fallback entry when
    /// there is no entry to amend or Discord refuses the edit.
    async fn amend(&self, rated: Rated) {
        let number = rated.number;
        let place = match self.store.log_entry(self.guild, number).await {
            Ok(place) => place,
            Err(error) => {
                warn!(%error, ticket = number, "could not read where the close was logged");
                None
            }
        };
        let amended = match place {
            Some(at) => self.amend_at(at, &rated.field).await,
            None => false,
        };
        if !amended {
            self.post(vec![rated.fallback]).await;
        }
    }

    async fn amend_at(&self, at: LogPlace, field: &EmbedField) -> bool {
        let mut embeds = match self.discord.message_embeds(at.channel, at.message).await {
            Ok(embeds) => embeds,
            Err(error) => {
                warn!(%error, channel = at.channel, "the close's log entry cannot be read");
                return false;
            }
        };
        if !with_field(&mut embeds, at.index, field) {
            return false;
        }
        let result = self
            .discord
            .edit_embeds(at.channel, at.message, &embeds)
            .await;
        if let Err(error) = &result {
            warn!(%error, channel = at.channel, "the close's log entry cannot be edited");
        }
        result.is_ok()
    }

    fn note<T>(&self, channel: Snowflake, result: &crate::discord::DiscordResult<T>) {
        let mut trouble = self.trouble.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(_) => *trouble = None,
            Err(error) => {
                warn!(guild = self.guild, channel, %error, "could not write to the log channel");
                // A passing failure (5xx, timeout) neither raises nor clears the note.
                if let Some(note) = refusal_note(channel, error.code()) {
                    *trouble = Some(note);
                }
            }
        }
    }
}

/// Puts `field` into embed `index` (replacing a field of the same name: a rating changed),
/// within Discord's limits on fields and characters; `false` when it cannot.
pub fn with_field(embeds: &mut [Embed], index: u64, field: &EmbedField) -> bool {
    let Some(embed) = usize::try_from(index).ok().and_then(|i| embeds.get_mut(i)) else {
        return false;
    };
    embed.fields.retain(|f| f.name != field.name);
    if embed.fields.len() >= crate::domain::limits::EMBED_FIELDS_MAX {
        return false;
    }
    embed.fields.push(field.clone());
    embeds.iter().map(embed_chars).sum::<usize>() <= EMBED_CHARS_PER_MESSAGE
}

/// Why the log channel refuses posts: a note naming the channel, rendered when shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Trouble {
    note: Text,
    channel: Snowflake,
}

/// What the admins are told when Discord refuses the log channel for good (not a passing
/// failure that a later post may not meet).
fn refusal_note(channel: Snowflake, code: Option<u64>) -> Option<Trouble> {
    let note = match code? {
        codes::MISSING_PERMISSIONS | codes::MISSING_ACCESS => Text::LogCannotPost,
        codes::UNKNOWN_CHANNEL => Text::LogChannelGone,
        _ => return None,
    };
    Some(Trouble { note, channel })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord::embed;

    fn entry(channel: u64, title: &str, files: usize) -> LogEntry {
        LogEntry {
            channel,
            embed: embed(title, "x", 0, None),
            files: (0..files)
                .map(|i| Attachment::from_bytes(format!("f{i}.txt"), vec![1], i as u64))
                .collect(),
            closes: None,
        }
    }

    fn titles(message: &OutgoingMessage) -> Vec<&str> {
        message
            .embeds
            .iter()
            .filter_map(|e| e.title.as_deref())
            .collect()
    }

    #[test]
    fn consecutive_entries_share_messages_of_at_most_ten_embeds() {
        let entries = (0..23).map(|i| entry(1, &format!("e{i}"), 0)).collect();
        let packed = pack(entries);
        assert_eq!(packed.len(), 3);
        assert_eq!(packed[0].message.embeds.len(), 10);
        assert_eq!(packed[2].message.embeds.len(), 3);
        assert_eq!(
            titles(&packed[2].message),
            vec!["e20", "e21", "e22"],
            "order kept"
        );
    }

    #[test]
    fn files_go_alone_and_channels_never_mix() {
        let packed = pack(vec![
            entry(1, "a", 0),
            entry(1, "closed", 2),
            entry(1, "b", 0),
            entry(2, "c", 0),
            entry(2, "d", 0),
        ]);
        let shape: Vec<(u64, Vec<&str>, usize)> = packed
            .iter()
            .map(|p| (p.channel, titles(&p.message), p.message.attachments.len()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (1, vec!["a"], 0),
                (1, vec!["closed"], 2),
                (1, vec!["b"], 0),
                (2, vec!["c", "d"], 0),
            ]
        );
    }

    #[test]
    fn the_embed_character_total_is_respected() {
        let long = "y".repeat(2500);
        let entries = (0..4)
            .map(|_| LogEntry {
                channel: 1,
                embed: embed("t", &long, 0, None),
                files: Vec::new(),
                closes: None,
            })
            .collect();
        let packed = pack(entries);
        assert_eq!(packed.len(), 2, "two 2,501-char embeds per message at most");
    }

    #[test]
    fn a_close_is_remembered_at_its_place_in_a_shared_message() {
        let mut entries: Vec<LogEntry> = (0..3).map(|i| entry(1, &format!("e{i}"), 0)).collect();
        entries[2].closes = Some(42);
        let mut alone = entry(1, "closed", 1);
        alone.closes = Some(43);
        entries.push(alone);
        let packed = pack(entries);
        assert_eq!(
            packed[0].closes,
            vec![(2, 42)],
            "third embed of the first message"
        );
        assert_eq!(packed[1].closes, vec![(0, 43)]);
    }

    #[test]
    fn a_rating_replaces_its_field_and_never_breaks_discords_limits() {
        let field = |value: &str| EmbedField {
            inline: false,
            name: "Feedback".into(),
            value: value.into(),
        };
        let mut embeds = vec![embed("a", "x", 0, None), embed("closed", "y", 0, None)];
        assert!(with_field(&mut embeds, 1, &field("4/5")));
        assert!(with_field(&mut embeds, 1, &field("2/5")));
        assert_eq!(embeds[1].fields.len(), 1, "a new rating replaces the old");
        assert_eq!(embeds[1].fields[0].value, "2/5");
        assert!(embeds[0].fields.is_empty());
        assert!(!with_field(&mut embeds, 2, &field("5/5")), "no such embed");
        let mut full = vec![embed("t", &"z".repeat(5_990), 0, None)];
        assert!(
            !with_field(&mut full, 0, &field("5/5")),
            "over 6,000 characters"
        );
    }
}
