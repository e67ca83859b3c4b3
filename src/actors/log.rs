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
use twilight_model::{channel::message::Embed, http::attachment::Attachment};

use crate::{
    discord::{Discord, OutgoingMessage, codes},
    domain::model::Snowflake,
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
}

/// Cheap to clone; held by the guild actor and its ticket actors. The writer task starts with
/// the first entry (most guilds of a big bot log nothing for hours, and an idle guild must stay
/// small) and ends when the last clone is dropped, after posting what was queued.
#[derive(Clone)]
pub struct GuildLog {
    writer: Arc<OnceLock<mpsc::UnboundedSender<Box<LogEntry>>>>,
    /// Why the last post to the log channel was refused, until one succeeds again: the hub
    /// shows it to the admins, who otherwise would only find entries missing.
    trouble: Arc<Mutex<Option<Trouble>>>,
    discord: Discord,
    guild: Snowflake,
}

impl GuildLog {
    pub fn new(discord: Discord, guild: Snowflake) -> GuildLog {
        GuildLog {
            writer: Arc::default(),
            trouble: Arc::default(),
            discord,
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
        let tx = self.writer.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_log(
                self.discord.clone(),
                self.guild,
                rx,
                self.trouble.clone(),
            ));
            tx
        });
        if tx.send(Box::new(entry)).is_err() {
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

/// Splits queued entries into messages: consecutive embed-only entries for the same channel
/// share a message (within Discord's limits); an entry with files goes alone. Order is kept.
pub fn pack(entries: Vec<LogEntry>) -> Vec<(Snowflake, OutgoingMessage)> {
    let mut out: Vec<(Snowflake, OutgoingMessage)> = Vec::new();
    let mut open_chars = 0usize;
    let mut open = false;
    for entry in entries {
        let chars = embed_chars(&entry.embed);
        let fits = open
            && out.last().is_some_and(|(channel, message)| {
                *channel == entry.channel
                    && message.attachments.is_empty()
                    && message.embeds.len() < EMBEDS_PER_MESSAGE
                    && open_chars + chars <= EMBED_CHARS_PER_MESSAGE
            });
        if fits && entry.files.is_empty() {
            if let Some((_, message)) = out.last_mut() {
                message.embeds.push(entry.embed);
                open_chars += chars;
            }
            continue;
        }
        open = entry.files.is_empty();
        open_chars = chars;
        out.push((
            entry.channel,
            OutgoingMessage {
                embeds: vec![entry.embed],
                attachments: entry.files,
                ..Default::default()
            },
        ));
    }
    out
}

async fn write_log(
    discord: Discord,
    guild: Snowflake,
    mut rx: mpsc::UnboundedReceiver<Box<LogEntry>>,
    trouble: Arc<Mutex<Option<Trouble>>>,
) {
    let mut batch = Vec::new();
    while rx.recv_many(&mut batch, 64).await > 0 {
        let entries = batch.drain(..).map(|entry| *entry).collect();
        for (channel, message) in pack(entries) {
            let result = discord.send_message(channel, &message, &[]).await;
            let mut trouble = trouble.lock().unwrap_or_else(|e| e.into_inner());
            match &result {
                Ok(_) => *trouble = None,
                Err(error) => {
                    warn!(guild, channel, %error, "could not write to the log channel");
                    // A passing failure (5xx, timeout) neither raises nor clears the note.
                    if let Some(note) = refusal_note(channel, error.code()) {
                        *trouble = Some(note);
                    }
                }
            }
        }
    }
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
        assert_eq!(packed[0].1.embeds.len(), 10);
        assert_eq!(packed[2].1.embeds.len(), 3);
        assert_eq!(
            titles(&packed[2].1),
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
            .map(|(c, m)| (*c, titles(m), m.attachments.len()))
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
            })
            .collect();
        let packed = pack(entries);
        assert_eq!(packed.len(), 2, "two 2,501-char embeds per message at most");
    }
}
