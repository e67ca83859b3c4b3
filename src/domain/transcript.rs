//! Transcript rendering: a self-contained HTML page and a plain-text file.
//!
//! Everything that came from Discord is hostile: names, message text, embed text and URLs are
//! escaped; raw HTML in markdown becomes visible text; links keep only http(s)/mailto targets;
//! markdown images become plain links so opening a transcript fetches nothing but avatars. A
//! Content-Security-Policy forbids scripts even if something slipped through.
//!
//! Person-written text may carry bidirectional controls (a name ending in U+202E RIGHT-TO-LEFT
//! OVERRIDE would reverse the timestamp and the next name after it). In the HTML every such
//! piece sits in its own isolate (`<bdi>` inline, `dir="auto"` on blocks), where an unclosed
//! override ends with the element; the text file has no isolates, so it drops the controls.

use std::fmt::Write as _;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::ui::text::t;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TranscriptMessage {
    pub id: u64,
    pub author_id: u64,
    pub author_name: String,
    pub author_avatar_url: Option<String>,
    pub bot: bool,
    /// As Discord sends it (RFC 3339); shown raw if it does not parse.
    pub timestamp: String,
    pub edited_timestamp: Option<String>,
    pub content: String,
    pub embeds: Vec<TranscriptEmbed>,
    pub attachments: Vec<TranscriptAttachment>,
    /// Discord withheld this message's text (the app's Message Content intent is off): shown
    /// as such instead of as a blank.
    pub withheld: bool,
    /// The message this one replies to: `(author name, its text)`.
    pub reply_to: Option<(String, String)>,
    /// Discord's own line for a system message (a pin, a member joining), said of the author.
    pub system: Option<String>,
    pub pinned: bool,
    /// Sticker names (a sticker-only message has no text).
    pub stickers: Vec<String>,
    pub poll: Option<TranscriptPoll>,
    /// The text of forwarded messages (a forward's own content is empty).
    pub forwarded: Vec<String>,
    /// `(id, name)` of the users this message mentions: what the web page shows for `<@id>`.
    pub mentions: Vec<(u64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TranscriptPoll {
    pub question: String,
    pub answers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TranscriptEmbed {
    pub title: Option<String>,
    pub description: Option<String>,
    /// (name, value)
    pub fields: Vec<(String, String)>,
    pub footer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TranscriptAttachment {
    /// Discord's attachment id: the key of the kept copy in the store.
    pub id: u64,
    pub filename: String,
    pub url: String,
    pub size: u64,
    /// As Discord reported it, if it did.
    pub content_type: Option<String>,
    /// A copy was taken into the store at close (within the size bounds), so the web page
    /// serves it after Discord's link expired or the channel was deleted.
    pub kept: bool,
}

/// Everything a transcript page is rendered from, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TranscriptDoc {
    pub meta: TranscriptMeta,
    /// Oldest first.
    pub messages: Vec<TranscriptMessage>,
    /// The staff-notes thread's messages, oldest first: for the staff's copy only.
    pub staff_notes: Vec<TranscriptMessage>,
    /// `(user, colour)`: authors whose names show in their highest coloured role's colour, as
    /// Discord shows them.
    pub name_colors: Vec<(u64, u32)>,
}

/// The most authors whose names a transcript page colours (one read each at close); the
/// rest keep the default colour.
pub const COLORED_AUTHORS_MAX: usize = 10;

/// A role as a name's colour depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleColor {
    pub id: u64,
    /// `0`: the role gives no colour.
    pub color: u32,
    pub position: i64,
}

/// The colour Discord shows a member's name in: that of their highest role that has one
/// (ties between equal positions go to the lower id, as Discord sorts them).
pub fn name_color(roles: &[RoleColor], member_roles: &[u64]) -> Option<u32> {
    roles
        .iter()
        .filter(|r| r.color != 0 && member_roles.contains(&r.id))
        .max_by(|a, b| a.position.cmp(&b.position).then(b.id.cmp(&a.id)))
        .map(|r| r.color)
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TranscriptMeta {
    pub guild_id: u64,
    pub number: u64,
    pub opener_id: u64,
    pub topic: Option<String>,
    pub closed_by: Option<u64>,
    pub reason: Option<String>,
    /// What the reader must know about how complete this transcript is (text withheld by
    /// Discord, history that could not be read), shown at the top.
    pub notes: Vec<String>,
    /// When the ticket was opened and closed (Unix milliseconds), for the page's events.
    pub opened_at: Option<i64>,
    pub closed_at: Option<i64>,
}

pub(crate) const CSS: &str = "\
body{margin:0;background:#313338;color:#dbdee1;font:15px/1.4 'gg sans','Noto Sans',Helvetica,Arial,sans-serif}\
header{padding:16px 24px;background:#2b2d31;border-bottom:1px solid #1e1f22}\
header h1{margin:0 0 6px;font-size:20px;color:#f2f3f5}\
header dl{margin:0;display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:13px}\
header dt{color:#949ba4}header dd{margin:0}\
main{padding:8px 0 24px}\
.msg{display:flex;gap:14px;padding:6px 24px}.msg:hover{background:#2e3035}\
.avatar{width:40px;height:40px;border-radius:50%;flex:none;object-fit:cover}\
.initials{display:flex;align-items:center;justify-content:center;color:#fff;font-weight:600}\
.body{min-width:0;flex:1}.name{font-weight:600;color:#f2f3f5}\
.bot{background:#5865f2;color:#fff;font-size:10px;border-radius:3px;padding:1px 4px;margin-left:4px;vertical-align:middle}\
.time,.edited{color:#949ba4;font-size:12px;margin-left:6px}\
.content p{margin:0}.content{overflow-wrap:anywhere}\
code{background:#2b2d31;border-radius:3px;padding:0 3px;font-family:Consolas,monospace}\
pre{background:#2b2d31;border:1px solid #1e1f22;border-radius:4px;padding:8px;white-space:pre-wrap}pre code{padding:0}\
blockquote{margin:0;padding-left:10px;border-left:4px solid #4e5058}\
a{color:#00a8fc}\
.embed{border-left:4px solid #5865f2;background:#2b2d31;border-radius:4px;padding:8px 12px;margin-top:4px;max-width:520px}\
.embed .title{font-weight:600;color:#f2f3f5}.embed .field-name{font-weight:600;margin-top:6px}\
.embed .footer{font-size:12px;color:#949ba4;margin-top:6px}\
.attachment{margin-top:4px;font-size:14px}.attachment .size{color:#949ba4}\
.empty{padding:24px;color:#949ba4}\
.withheld{color:#949ba4;font-style:italic}.note{color:#f0b232}\
.reply,.system,.sticker{color:#949ba4;font-size:13px}.pinned{color:#f0b232;font-size:12px;margin-left:6px}\
.poll,.forward{border-left:4px solid #4e5058;padding-left:10px;margin-top:4px}.poll ul{margin:2px 0;padding-left:18px}\
";

/// Renders the HTML transcript. `messages` are oldest first.
pub fn render_html(meta: &TranscriptMeta, messages: &[TranscriptMessage]) -> String {
    let mut out = String::with_capacity(4096 + messages.len() * 600);
    let title = format!("Ticket #{} transcript", meta.number);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src https: data:\">",
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    let _ = write!(
        out,
        "<title>{}</title><style>{CSS}</style></head><body>",
        text(&title)
    );

    out.push_str("<header>");
    let _ = write!(out, "<h1>{}</h1><dl>", text(&title));
    let mut row = |k: &str, v: &str| {
        let _ = write!(out, "<dt>{}</dt><dd dir=\"auto\">{}</dd>", text(k), text(v));
    };
    row("Server", &meta.guild_id.to_string());
    row("Opened by", &meta.opener_id.to_string());
    if let Some(topic) = &meta.topic {
        row("Topic", &clean(topic));
    }
    if let Some(by) = meta.closed_by {
        row("Closed by", &by.to_string());
    }
    if let Some(reason) = &meta.reason {
        row("Reason", &clean(reason));
    }
    row("Messages", &messages.len().to_string());
    for note in &meta.notes {
        let _ = write!(
            out,
            "<dt class=\"note\">Note</dt><dd class=\"note\">{}</dd>",
            text(note)
        );
    }
    out.push_str("</dl></header><main>");

    if messages.is_empty() {
        out.push_str("<p class=\"empty\">No messages.</p>");
    }
    for m in messages {
        render_message_html(&mut out, m);
    }
    out.push_str("</main></body></html>\n");
    out
}

fn render_message_html(out: &mut String, m: &TranscriptMessage) {
    let _ = write!(out, "<div class=\"msg\" id=\"m{}\">", m.id);
    match m.author_avatar_url.as_deref().filter(|u| is_https(u)) {
        Some(url) => {
            let _ = write!(
                out,
                "<img class=\"avatar\" src=\"{}\" alt=\"\" loading=\"lazy\" referrerpolicy=\"no-referrer\">",
                attr(url)
            );
        }
        None => {
            let _ = write!(
                out,
                "<div class=\"avatar initials\" style=\"background:hsl({},45%,40%)\">{}</div>",
                m.author_id % 360,
                text(&initials(&m.author_name))
            );
        }
    }
    out.push_str("<div class=\"body\">");
    if let Some((author, said)) = &m.reply_to {
        let _ = write!(
            out,
            "<div class=\"reply\">↪ <bdi>{}</bdi>: <bdi>{}</bdi></div>",
            text(&clean(author)),
            text(&excerpt(said))
        );
    }
    out.push_str("<div class=\"head\">");
    let name = clean(&m.author_name);
    let _ = write!(
        out,
        "<span class=\"name\" title=\"{}\"><bdi>{}</bdi></span>",
        m.author_id,
        text(if name.trim().is_empty() {
            "Unknown user"
        } else {
            &name
        })
    );
    if m.bot {
        out.push_str("<span class=\"bot\">BOT</span>");
    }
    let _ = write!(
        out,
        "<time class=\"time\" datetime=\"{}\">{}</time>",
        attr(&m.timestamp),
        text(&display_time(&m.timestamp))
    );
    if let Some(edited) = &m.edited_timestamp {
        let _ = write!(
            out,
            "<span class=\"edited\" title=\"edited {}\">(edited)</span>",
            attr(&display_time(edited))
        );
    }
    if m.pinned {
        out.push_str("<span class=\"pinned\">📌 pinned</span>");
    }
    out.push_str("</div>");
    render_extras_html(out, m);
    if m.withheld {
        let _ = write!(
            out,
            "<div class=\"content withheld\">{}</div>",
            text(crate::domain::privileged::WITHHELD_MARK)
        );
    }
    if !m.content.trim().is_empty() {
        out.push_str("<div class=\"content\" dir=\"auto\">");
        markdown_html(out, &m.content);
        out.push_str("</div>");
    }
    render_embeds_html(out, &m.embeds);
    render_attachments_html(out, &m.attachments);
    out.push_str("</div></div>\n");
}

fn render_embeds_html(out: &mut String, embeds: &[TranscriptEmbed]) {
    for e in embeds {
        out.push_str("<div class=\"embed\">");
        if let Some(t) = &e.title {
            let _ = write!(
                out,
                "<div class=\"title\" dir=\"auto\">{}</div>",
                text(&clean(t))
            );
        }
        if let Some(d) = &e.description {
            out.push_str("<div class=\"content\" dir=\"auto\">");
            markdown_html(out, d);
            out.push_str("</div>");
        }
        for (name, value) in &e.fields {
            let _ = write!(
                out,
                "<div class=\"field-name\" dir=\"auto\">{}</div>",
                text(&clean(name))
            );
            out.push_str("<div class=\"content\" dir=\"auto\">");
            markdown_html(out, value);
            out.push_str("</div>");
        }
        if let Some(f) = &e.footer {
            let _ = write!(
                out,
                "<div class=\"footer\" dir=\"auto\">{}</div>",
                text(&clean(f))
            );
        }
        out.push_str("</div>");
    }
}

fn render_attachments_html(out: &mut String, attachments: &[TranscriptAttachment]) {
    for a in attachments {
        let name = clean(&a.filename);
        out.push_str("<div class=\"attachment\">📎 ");
        if is_http(&a.url) {
            let _ = write!(
                out,
                "<a href=\"{}\" rel=\"noopener noreferrer nofollow\"><bdi>{}</bdi></a>",
                attr(&a.url),
                text(&name)
            );
        } else {
            let _ = write!(out, "<bdi>{}</bdi>", text(&name));
        }
        let _ = write!(
            out,
            " <span class=\"size\">({})</span></div>",
            human_size(a.size)
        );
    }
}

/// What a message carries besides its text: a system line, stickers, a poll, forwards.
fn render_extras_html(out: &mut String, m: &TranscriptMessage) {
    if let Some(system) = &m.system {
        let _ = write!(out, "<div class=\"system\">{}</div>", text(system));
    }
    for sticker in &m.stickers {
        let _ = write!(
            out,
            "<div class=\"sticker\">Sticker: <bdi>{}</bdi></div>",
            text(&clean(sticker))
        );
    }
    if let Some(poll) = &m.poll {
        let _ = write!(
            out,
            "<div class=\"poll\"><div class=\"title\" dir=\"auto\">📊 {}</div><ul>",
            text(&clean(&poll.question))
        );
        for answer in &poll.answers {
            let _ = write!(out, "<li dir=\"auto\">{}</li>", text(&clean(answer)));
        }
        out.push_str("</ul></div>");
    }
    for forwarded in &m.forwarded {
        out.push_str("<div class=\"forward\"><div class=\"system\">Forwarded</div>");
        out.push_str("<div class=\"content\" dir=\"auto\">");
        markdown_html(out, forwarded);
        out.push_str("</div></div>");
    }
}

/// The first line of a replied-to message, at most 100 characters.
pub(crate) fn excerpt(said: &str) -> String {
    let line = clean(said.lines().next().unwrap_or(""));
    let mut short: String = line.chars().take(100).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    if short.trim().is_empty() {
        "(no text)".to_owned()
    } else {
        short
    }
}

/// The text file's lines for [`render_extras_html`]'s parts, and the reply above them.
fn render_extras_text(out: &mut String, m: &TranscriptMessage) {
    if let Some((author, said)) = &m.reply_to {
        let _ = writeln!(
            out,
            "    ↪ reply to {}: {}",
            plain_line(author),
            plain_line(&excerpt(said))
        );
    }
    if let Some(system) = &m.system {
        let _ = writeln!(out, "    [{system}]");
    }
    if m.pinned {
        out.push_str("    [pinned]\n");
    }
    for sticker in &m.stickers {
        let _ = writeln!(out, "    [sticker] {}", plain_line(sticker));
    }
    if let Some(poll) = &m.poll {
        let _ = writeln!(out, "    [poll] {}", plain_line(&poll.question));
        for answer in &poll.answers {
            let _ = writeln!(out, "      - {}", plain_line(answer));
        }
    }
    for forwarded in &m.forwarded {
        out.push_str("    [forwarded]\n");
        indent(out, &plain(forwarded), "      ");
    }
}

/// Discord-flavoured markdown to HTML with every raw HTML fragment shown as text.
pub(crate) fn markdown_html(out: &mut String, source: &str) {
    let source = clean(source);
    let parser = Parser::new_ext(&source, Options::ENABLE_STRIKETHROUGH);
    let mut events: Vec<Event> = Vec::new();
    // Links cannot nest, but a dropped link's end must be dropped too: remember per start.
    let mut kept_links: Vec<bool> = Vec::new();
    let mut in_code_block = false;
    for ev in parser {
        match ev {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let keep = is_http(&dest_url) || starts_with_ci(dest_url.trim(), "mailto:");
                kept_links.push(keep);
                if keep {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if kept_links.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(t) if kept_links.is_empty() && !in_code_block => {
                autolink(&t, &mut events);
            }
            // Discord shows every newline as a line break.
            Event::SoftBreak => events.push(Event::HardBreak),
            other => events.push(other),
        }
    }
    pulldown_cmark::html::push_html(out, events.into_iter());
}

/// Discord makes bare http(s) URLs clickable; CommonMark does not, so do it here. Trailing
/// punctuation stays outside the link, as in Discord.
fn autolink<'a>(text: &str, events: &mut Vec<Event<'a>>) {
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let found = [lower.find("https://"), lower.find("http://")]
            .into_iter()
            .flatten()
            .min();
        let Some(start) = found else { break };
        let tail = &rest[start..];
        let len = tail
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .map_or(tail.len(), |(i, _)| i);
        let url =
            tail[..len].trim_end_matches(['.', ',', ':', ';', '!', '?', ')', '\'', '*', '_', '~']);
        let scheme_len = if starts_with_ci(url, "https://") {
            8
        } else {
            7
        };
        if url.len() <= scheme_len {
            // Only a scheme: keep it as text and look further.
            events.push(Event::Text(CowStr::from(
                rest[..start + scheme_len].to_string(),
            )));
            rest = &rest[start + scheme_len..];
            continue;
        }
        if start > 0 {
            events.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        events.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: CowStr::from(url.to_string()),
            title: CowStr::from(""),
            id: CowStr::from(""),
        }));
        events.push(Event::Text(CowStr::from(url.to_string())));
        events.push(Event::End(TagEnd::Link));
        rest = &rest[start + url.len()..];
    }
    if !rest.is_empty() {
        events.push(Event::Text(CowStr::from(rest.to_string())));
    }
}

/// The time Discord's snowflake `id` was made (Unix milliseconds).
fn snowflake_millis(id: u64) -> i64 {
    (id >> 22) as i64 + 1_420_070_400_000
}

/// A ticket event as a transcript line: a system line said of `by`, at `at`.
pub fn event_message(at: i64, by: u64, by_name: String, line: String) -> TranscriptMessage {
    let timestamp = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default();
    TranscriptMessage {
        author_id: by,
        author_name: by_name,
        timestamp,
        system: Some(line),
        ..TranscriptMessage::default()
    }
}

/// Staff's copy of the messages: the ticket's, then a `heading` line, then the staff notes.
pub fn with_staff_notes(
    messages: &[TranscriptMessage],
    notes: &[TranscriptMessage],
    heading: String,
) -> Vec<TranscriptMessage> {
    let heading = TranscriptMessage {
        system: Some(heading),
        ..TranscriptMessage::default()
    };
    let mut all = messages.to_vec();
    all.push(heading);
    all.extend_from_slice(notes);
    all
}

/// Puts `events` (`(at, line)`, oldest first) among `messages` (oldest first) by time: an
/// event goes before the first message written after it.
pub fn merge_events(
    messages: Vec<TranscriptMessage>,
    events: Vec<(i64, TranscriptMessage)>,
) -> Vec<TranscriptMessage> {
    let mut merged = Vec::with_capacity(messages.len() + events.len());
    let mut events = events.into_iter().peekable();
    for message in messages {
        let written = snowflake_millis(message.id);
        while let Some((_, event)) = events.next_if(|(at, _)| *at <= written) {
            merged.push(event);
        }
        merged.push(message);
    }
    merged.extend(events.map(|(_, event)| event));
    merged
}

/// Renders the plain-text transcript. `messages` are oldest first.
pub fn render_text(meta: &TranscriptMeta, messages: &[TranscriptMessage]) -> String {
    let mut out = String::with_capacity(1024 + messages.len() * 200);
    let _ = writeln!(out, "Ticket #{} transcript", meta.number);
    let _ = writeln!(out, "Server: {}", meta.guild_id);
    let _ = writeln!(out, "Opened by: {}", meta.opener_id);
    if let Some(topic) = &meta.topic {
        let _ = writeln!(out, "Topic: {}", plain_line(topic));
    }
    if let Some(by) = meta.closed_by {
        let _ = writeln!(out, "Closed by: {by}");
    }
    if let Some(reason) = &meta.reason {
        let _ = writeln!(out, "Reason: {}", plain_line(reason));
    }
    let _ = writeln!(out, "Messages: {}", messages.len());
    for note in &meta.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    out.push_str("----------------------------------------\n");
    for m in messages {
        let _ = write!(
            out,
            "[{}] {} ({}){}",
            display_time(&m.timestamp),
            plain_line(&m.author_name),
            m.author_id,
            if m.bot { " [BOT]" } else { "" }
        );
        if m.edited_timestamp.is_some() {
            out.push_str(" (edited)");
        }
        out.push(':');
        if m.withheld {
            let _ = write!(out, " [{}]", crate::domain::privileged::WITHHELD_MARK);
        }
        let content = plain(&m.content);
        if content.contains('\n') {
            out.push('\n');
            indent(&mut out, &content, "    ");
        } else {
            let _ = writeln!(out, " {content}");
        }
        for e in &m.embeds {
            out.push_str("    [embed]\n");
            if let Some(t) = &e.title {
                let _ = writeln!(out, "      {}", plain_line(t));
            }
            if let Some(d) = &e.description {
                indent(&mut out, &plain(d), "      ");
            }
            for (n, v) in &e.fields {
                let _ = writeln!(out, "      {}:", plain_line(n));
                indent(&mut out, &plain(v), "        ");
            }
            if let Some(f) = &e.footer {
                let _ = writeln!(out, "      -- {}", plain_line(f));
            }
        }
        render_extras_text(&mut out, m);
        for a in &m.attachments {
            let _ = writeln!(
                out,
                "    [attachment] {} ({}) {}",
                plain_line(&a.filename),
                human_size(a.size),
                plain_line(&a.url)
            );
        }
    }
    out
}

fn indent(out: &mut String, s: &str, prefix: &str) {
    for line in s.lines() {
        let _ = writeln!(out, "{prefix}{line}");
    }
}

/// Control characters are removed (newline and tab kept): a transcript opened in a terminal
/// must not run escape sequences, and `\r` must not overwrite a line.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// Unicode's explicit bidirectional formatting characters (UAX #9): embeddings, overrides,
/// isolates and marks. A plain-text viewer applies them across whatever follows on the line.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// For the text file: [`clean`], and without bidi controls.
fn plain(s: &str) -> String {
    clean(s).chars().filter(|&c| !is_bidi_control(c)).collect()
}

/// For the text file: [`one_line`], and without bidi controls.
fn plain_line(s: &str) -> String {
    plain(s).replace(['\n', '\t'], " ")
}

pub(crate) fn initials(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_string())
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

fn is_https(url: &str) -> bool {
    starts_with_ci(url.trim(), "https://")
}

pub(crate) fn is_http(url: &str) -> bool {
    let u = url.trim();
    starts_with_ci(u, "https://") || starts_with_ci(u, "http://")
}

pub(crate) fn display_time(raw: &str) -> String {
    match OffsetDateTime::parse(raw, &Rfc3339) {
        Ok(t) => {
            let utc = t.to_offset(time::UtcOffset::UTC);
            utc.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .unwrap_or_else(|_| plain_line(raw))
        }
        // Not from a person, but shown beside their text: never a bidi control.
        Err(_) => plain_line(raw),
    }
}

pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// What Discord accepts in one message's files, together: 10 MiB per file for a bot in a server
/// without boosts. Kept as the budget for both transcript files at once, so one upload never
/// depends on how Discord counts a request with two.
pub const UPLOAD_BUDGET: usize = 10 * 1024 * 1024;

/// The transcript files as they fit one upload, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FittedTranscript<'a> {
    /// `None` when the page alone is over the budget (a page cut mid-way would not render).
    pub html: Option<&'a str>,
    pub text: std::borrow::Cow<'a, str>,
    /// Says what was cut, for the log and the DM; `None` when both are whole.
    pub cut: Option<String>,
}

/// Fits the transcript files into `budget` bytes: both whole when they fit; else the text file
/// alone, cut at a character boundary with a line saying so. The store keeps the whole
/// transcript either way.
pub fn fit_upload<'a>(html: &'a str, text: &'a str, budget: usize) -> FittedTranscript<'a> {
    if html.len() + text.len() <= budget {
        return FittedTranscript {
            html: Some(html),
            text: text.into(),
            cut: None,
        };
    }
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    if text.len() <= budget {
        return FittedTranscript {
            html: None,
            text: text.into(),
            cut: Some(t!(
                TranscriptHtmlLeftOut,
                mib = format!("{:.1}", mib(html.len() + text.len()))
            )),
        };
    }
    let tail = format!(
        "\n[transcript cut here: it is {:.1} MiB, over Discord's upload limit]\n",
        mib(text.len())
    );
    let mut end = budget.saturating_sub(tail.len()).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    FittedTranscript {
        html: None,
        text: format!("{}{tail}", &text[..end]).into(),
        cut: Some(t!(
            TranscriptTextCut,
            mib = format!("{:.1}", mib(html.len() + text.len()))
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_go_between_the_messages_written_around_them() {
        let at = |millis: i64| ((millis - 1_420_070_400_000) as u64) << 22;
        let message = |millis: i64| TranscriptMessage {
            id: at(millis),
            content: format!("m{millis}"),
            ..TranscriptMessage::default()
        };
        let event = |millis: i64| {
            let line = format!("e{millis}");
            (millis, event_message(millis, 7, "staff".into(), line))
        };
        let merged = merge_events(
            vec![message(2_000_000_000_000), message(2_000_000_005_000)],
            vec![
                event(1_999_999_999_000),
                event(2_000_000_001_000),
                event(2_000_000_009_000),
            ],
        );
        let order: Vec<String> = merged
            .iter()
            .map(|m| m.system.clone().unwrap_or_else(|| m.content.clone()))
            .collect();
        assert_eq!(
            order,
            [
                "e1999999999000",
                "m2000000000000",
                "e2000000001000",
                "m2000000005000",
                "e2000000009000"
            ]
        );
        assert_eq!(merged[2].timestamp, "2033-05-18T03:33:21Z");
        assert_eq!(merged[2].author_name, "staff");
    }

    use super::*;
    use proptest::prelude::*;

    fn meta() -> TranscriptMeta {
        TranscriptMeta {
            guild_id: 1,
            number: 42,
            opener_id: 7,
            topic: Some("<b>Billing</b>".into()),
            closed_by: Some(9),
            reason: Some("<script>alert('r')</script>".into()),
            notes: Vec::new(),
            ..Default::default()
        }
    }

    fn msg(id: u64, content: &str) -> TranscriptMessage {
        TranscriptMessage {
            id,
            author_id: 7,
            author_name: "alice".into(),
            timestamp: "2024-01-01T12:34:56.000000+00:00".into(),
            content: content.into(),
            ..Default::default()
        }
    }

    /// No tag the transcript did not write itself may appear: every `<` that starts an element
    /// must be one of ours.
    fn assert_only_our_tags(html: &str) {
        const ALLOWED: &[&str] = &[
            "!DOCTYPE",
            "html",
            "head",
            "meta",
            "title",
            "style",
            "body",
            "header",
            "h1",
            "dl",
            "dt",
            "dd",
            "main",
            "div",
            "img",
            "span",
            "bdi",
            "time",
            "p",
            "a",
            "strong",
            "em",
            "del",
            "code",
            "pre",
            "blockquote",
            "br",
            "ul",
            "ol",
            "li",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
        ];
        for (i, _) in html.match_indices('<') {
            let rest = &html[i + 1..];
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect();
            assert!(
                ALLOWED.contains(&name.as_str()),
                "unexpected tag <{name}> in:\n{html}"
            );
            // Inside our own tags, no event handler and no script URL.
            let tag = &html[i..html[i..].find('>').map_or(html.len(), |e| i + e)];
            let lower = tag.to_ascii_lowercase();
            assert!(!lower.contains("javascript:"), "script url in {tag}");
            for (j, _) in lower.match_indices(" on") {
                let attr: String = lower[j + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                assert!(
                    !lower[j + 3 + attr.len()..].starts_with('='),
                    "event handler in {tag}"
                );
            }
        }
    }

    /// Every bidi control in `html` is inside an isolating element (`<bdi>` or `dir="auto"`),
    /// so it cannot reorder anything outside that element.
    fn assert_bidi_isolated(html: &str) {
        const VOID: &[&str] = &["!DOCTYPE", "meta", "img", "br", "hr"];
        let mut open: Vec<(String, bool)> = Vec::new();
        let mut rest = html;
        while let Some(c) = rest.chars().next() {
            if c == '<' {
                let end = rest.find('>').expect("tags close");
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let (top, _) = open.pop().expect("balanced tags");
                    assert_eq!(top, name, "tags nest in:\n{html}");
                } else {
                    let name: String = tag
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                        .collect();
                    if !VOID.contains(&name.as_str()) {
                        let isolating = name == "bdi" || tag.contains("dir=\"auto\"");
                        open.push((name, isolating));
                    }
                }
                rest = &rest[end + 1..];
                continue;
            }
            if is_bidi_control(c) {
                assert!(
                    open.iter().any(|(_, isolating)| *isolating),
                    "bidi control U+{:04X} outside an isolate in:\n{html}",
                    c as u32
                );
            }
            rest = &rest[c.len_utf8()..];
        }
        assert!(open.is_empty(), "unclosed tags {open:?}");
    }

    #[test]
    fn uploads_fit_the_budget_or_say_what_was_cut() {
        let whole = fit_upload("<p>hi</p>", "hi", 100);
        assert_eq!(
            (whole.html, whole.text.as_ref(), whole.cut),
            (Some("<p>hi</p>"), "hi", None)
        );
        let html = "h".repeat(80);
        let text_only = fit_upload(&html, "short text", 60);
        assert_eq!(text_only.html, None);
        assert_eq!(text_only.text, "short text");
        assert!(
            text_only
                .cut
                .is_some_and(|c| c.contains("only the text file"))
        );
        // Multi-byte characters are never split, and the result stays within the budget.
        let text = "é".repeat(500);
        let cut = fit_upload(&html, &text, 300);
        assert!(cut.text.len() <= 300, "{}", cut.text.len());
        assert!(cut.text.contains("[transcript cut here"));
        assert!(cut.text.starts_with("éé"));
        assert!(cut.cut.is_some_and(|c| c.contains("cut short")));
    }

    #[test]
    fn replies_pins_stickers_polls_and_forwards_render() {
        let mut m = msg(2, "thanks!");
        m.reply_to = Some(("bob".into(), "my printer\nis on fire".into()));
        m.pinned = true;
        m.stickers.push("wave".into());
        m.poll = Some(TranscriptPoll {
            question: "Fixed?".into(),
            answers: vec!["yes".into(), "no".into()],
        });
        m.forwarded.push("**from elsewhere**".into());
        let mut pin = msg(3, "");
        pin.system = Some("pinned a message to this channel".into());
        let html = render_html(&meta(), &[m.clone(), pin.clone()]);
        assert_only_our_tags(&html);
        assert_bidi_isolated(&html);
        for needle in [
            "↪ <bdi>bob</bdi>: <bdi>my printer</bdi>",
            "📌 pinned",
            "Sticker: <bdi>wave</bdi>",
            "📊 Fixed?</div><ul><li dir=\"auto\">yes</li><li dir=\"auto\">no</li></ul>",
            "Forwarded</div><div class=\"content\" dir=\"auto\"><p><strong>from elsewhere</strong>",
            "<div class=\"system\">pinned a message to this channel</div>",
        ] {
            assert!(html.contains(needle), "{needle} in {html}");
        }
        let text = render_text(&meta(), &[m, pin]);
        for needle in [
            "    ↪ reply to bob: my printer\n",
            "    [pinned]\n",
            "    [sticker] wave\n",
            "    [poll] Fixed?\n      - yes\n      - no\n",
            "    [forwarded]\n      **from elsewhere**\n",
            "    [pinned a message to this channel]\n",
        ] {
            assert!(text.contains(needle), "{needle:?} in {text}");
        }
    }

    #[test]
    fn withheld_text_is_marked_not_blank() {
        let mut hidden = msg(1, "");
        hidden.withheld = true;
        let mut meta = meta();
        meta.notes.push("Some text was withheld.".into());
        let html = render_html(&meta, &[hidden.clone(), msg(2, "visible")]);
        assert!(html.contains(
            "<div class=\"content withheld\">message text withheld by Discord: Message Content intent off</div>"
        ));
        assert_eq!(html.matches("withheld by Discord").count(), 1);
        assert!(html.contains("<dd class=\"note\">Some text was withheld.</dd>"));
        let text = render_text(&meta, &[hidden, msg(2, "visible")]);
        assert!(text.contains("Note: Some text was withheld.\n"));
        assert!(
            text.contains("(7): [message text withheld by Discord: Message Content intent off]"),
            "{text}"
        );
        assert!(text.contains("(7): visible"));
    }

    #[test]
    fn a_right_to_left_override_stays_inside_its_name() {
        let mut m = msg(1, "hello \u{202E}olleh");
        m.author_name = "mallory\u{202E}live".into();
        let mut next = msg(2, "second");
        next.author_name = "bob".into();
        let html = render_html(&meta(), &[m.clone(), next.clone()]);
        assert!(html.contains("<bdi>mallory\u{202E}live</bdi></span><time"));
        assert_bidi_isolated(&html);
        let text = render_text(&meta(), &[m, next]);
        assert!(!text.chars().any(is_bidi_control), "{text}");
        assert!(text.contains("mallorylive (") && text.contains("hello olleh"));
    }

    #[test]
    fn hostile_content_stays_inert() {
        let mut m = msg(
            1,
            "<script>alert(1)</script> and <img src=x onerror=alert(2)>",
        );
        m.author_name = "<img src=x onerror=alert(3)>".into();
        m.author_avatar_url = Some("javascript:alert(4)".into());
        m.embeds.push(TranscriptEmbed {
            title: Some("<script>t</script>".into()),
            description: Some("<iframe src=x></iframe>".into()),
            fields: vec![("<b>n</b>".into(), "<svg onload=alert(5)>".into())],
            footer: Some("<style>*{}</style>".into()),
        });
        m.attachments.push(TranscriptAttachment {
            filename: "<script>.txt".into(),
            url: "javascript:alert(6)".into(),
            size: 10,
            ..Default::default()
        });
        let block = msg(2, "<div onclick=\"x\">\nblock html\n</div>");
        let links = msg(
            3,
            "[a](javascript:alert(7)) ![b](https://evil.example/pixel.png) [c](https://ok.example/\"onmouseover=\"x)",
        );
        let html = render_html(&meta(), &[m, block, links]);
        assert_only_our_tags(&html);
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(
            html.contains("&lt;script&gt;alert(&#x27;r&#x27;)")
                || html.contains("&lt;script&gt;alert('r')")
        );
        assert!(!html.contains("<img class=\"avatar\" src=\"javascript"));
        assert!(html.contains("Content-Security-Policy"));
        // The image became a link, so nothing is fetched on open.
        assert!(html.contains("<a href=\"https://evil.example/pixel.png\">b</a>"));
        assert!(!html.contains("href=\"javascript"));
    }

    #[test]
    fn markdown_renders() {
        let html = render_html(
            &meta(),
            &[msg(
                1,
                "**bold** *it* ~~gone~~ `code` [site](https://example.com)\n> quoted\n\n```\nlet x = 1 < 2;\n```\nline1\nline2",
            )],
        );
        for want in [
            "<strong>bold</strong>",
            "<em>it</em>",
            "<del>gone</del>",
            "<code>code</code>",
            "<a href=\"https://example.com\">site</a>",
            "<blockquote>",
            "<pre><code>let x = 1 &lt; 2;",
            "line1<br />",
        ] {
            assert!(html.contains(want), "missing {want}");
        }
    }

    #[test]
    fn header_avatars_attachments_edits() {
        let mut a = msg(1, "hello");
        a.author_avatar_url = Some("https://cdn.example/a.png".into());
        a.edited_timestamp = Some("2024-01-01T13:00:00.000000+00:00".into());
        let mut b = msg(2, "");
        b.author_name = "zed".into();
        b.author_id = 8;
        b.bot = true;
        b.attachments.push(TranscriptAttachment {
            filename: "log file.txt".into(),
            url: "https://cdn.example/log.txt?a=1&b=2".into(),
            size: 2048,
            ..Default::default()
        });
        let html = render_html(&meta(), &[a, b]);
        assert!(html.contains("<img class=\"avatar\" src=\"https://cdn.example/a.png\""));
        assert!(
            html.contains(">Z</div>"),
            "initials for an author without avatar"
        );
        assert!(html.contains("(edited)"));
        assert!(html.contains("2024-01-01 12:34:56 UTC"));
        assert!(html.contains("href=\"https://cdn.example/log.txt?a=1&amp;b=2\""));
        assert!(html.contains("log file.txt"));
        assert!(html.contains("2.0 KiB"));
        assert!(html.contains(">BOT<"));
        assert!(html.contains("Ticket #42 transcript"));
        assert_eq!(html.matches("(edited)").count(), 1);
    }

    #[test]
    fn bare_urls_become_links() {
        let html = render_html(
            &meta(),
            &[msg(
                1,
                "see https://example.com/a?b=1&c=2. and (http://x.example) `https://code.example` https:// end",
            )],
        );
        assert!(html.contains("<a href=\"https://example.com/a?b=1&amp;c=2\">https://example.com/a?b=1&amp;c=2</a>. and"));
        assert!(html.contains("(<a href=\"http://x.example\">http://x.example</a>)"));
        assert!(html.contains("<code>https://code.example</code>"));
        assert!(html.contains("https:// end"));
        let linked = render_html(&meta(), &[msg(1, "[https://a.example](https://b.example)")]);
        assert_eq!(linked.matches("<a ").count(), 1, "no link inside a link");
    }

    #[test]
    fn bad_timestamp_is_shown_not_fatal() {
        let mut m = msg(1, "x");
        m.timestamp = "<not a time>".into();
        let html = render_html(&meta(), &[m.clone()]);
        assert!(html.contains("&lt;not a time&gt;"));
        assert!(render_text(&meta(), &[m]).contains("[<not a time>]"));
    }

    #[test]
    fn text_transcript() {
        let mut a = msg(1, "first line\nsecond\u{1b}[2J line");
        a.edited_timestamp = Some("2024-01-01T13:00:00.000000+00:00".into());
        a.embeds.push(TranscriptEmbed {
            title: Some("Embed title".into()),
            description: Some("desc".into()),
            fields: vec![("name".into(), "value".into())],
            footer: Some("foot".into()),
        });
        a.attachments.push(TranscriptAttachment {
            filename: "f.png".into(),
            url: "https://cdn.example/f.png".into(),
            size: 5,
            ..Default::default()
        });
        let text = render_text(&meta(), &[a, msg(2, "plain")]);
        assert!(text.starts_with("Ticket #42 transcript\n"));
        assert!(text.contains("Closed by: 9"));
        assert!(text.contains(
            "[2024-01-01 12:34:56 UTC] alice (7) (edited):\n    first line\n    second[2J line\n"
        ));
        assert!(!text.contains('\u{1b}'));
        assert!(text.contains("Embed title") && text.contains("value") && text.contains("-- foot"));
        assert!(text.contains("[attachment] f.png (5 B) https://cdn.example/f.png"));
        assert!(text.contains("alice (7): plain\n"));
        assert!(text.contains("Messages: 2"));
    }

    #[test]
    fn empty_and_large_transcripts() {
        assert!(render_html(&meta(), &[]).contains("No messages."));
        let messages: Vec<TranscriptMessage> = (0..1000)
            .map(|i| msg(i, &format!("message **{i}** <b>x</b>")))
            .collect();
        let html = render_html(&meta(), &messages);
        assert_eq!(html.matches("class=\"msg\"").count(), 1000);
        assert!(html.contains("id=\"m999\""));
        assert!(html.contains("<strong>999</strong>"));
        assert!(html.ends_with("</html>\n"));
        let text = render_text(&meta(), &messages);
        assert_eq!(
            text.lines().filter(|l| l.starts_with("[2024")).count(),
            1000
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_content_never_injects_tags(
            content in "[<>a-z =\"'/:()\\[\\]!*`\n]{0,80}",
            name in any::<String>(),
        ) {
            let mut m = msg(1, &content);
            m.author_name = name;
            let html = render_html(&meta(), &[m.clone()]);
            assert_only_our_tags(&html);
            let _ = render_text(&meta(), &[m]);
        }

        #[test]
        fn arbitrary_unicode_everywhere_never_injects_tags(
            content in any::<String>(),
            name in any::<String>(),
            field in any::<String>(),
            url in any::<String>(),
        ) {
            let mut m = msg(1, &content);
            m.author_name = name.clone();
            m.author_avatar_url = Some(url.clone());
            m.timestamp = field.clone();
            m.edited_timestamp = Some(field.clone());
            m.embeds.push(TranscriptEmbed {
                title: Some(name.clone()),
                description: Some(content.clone()),
                fields: vec![(field.clone(), content.clone())],
                footer: Some(field.clone()),
            });
            m.attachments.push(TranscriptAttachment { filename: name, url, size: u64::MAX, ..Default::default() });
            let html = render_html(&meta(), &[m.clone()]);
            assert_only_our_tags(&html);
            let text = render_text(&meta(), &[m]);
            prop_assert!(text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        }

        /// Names, topics, reasons and every text of a message built from bidi controls,
        /// zero-width characters, RTL letters and markdown: in the HTML every control stays in
        /// an isolate; the text file has none.
        #[test]
        fn bidi_and_zero_width_text_is_isolated_or_dropped(
            name in BIDI_SOUP, content in BIDI_SOUP, other in BIDI_SOUP,
        ) {
            let mut m = msg(1, &content);
            m.author_name = name.clone();
            m.embeds.push(TranscriptEmbed {
                title: Some(other.clone()),
                description: Some(content.clone()),
                fields: vec![(name.clone(), other.clone())],
                footer: Some(name.clone()),
            });
            m.attachments.push(TranscriptAttachment {
                filename: other.clone(),
                url: "https://cdn.example/x".into(),
                size: 3,
                ..Default::default()
            });
            m.reply_to = Some((name.clone(), other.clone()));
            m.stickers.push(other.clone());
            m.poll = Some(TranscriptPoll { question: name.clone(), answers: vec![other.clone()] });
            m.forwarded.push(content.clone());
            let mut meta = meta();
            meta.topic = Some(name.clone());
            meta.reason = Some(other.clone());
            let html = render_html(&meta, &[m.clone(), msg(2, &other)]);
            assert_only_our_tags(&html);
            assert_bidi_isolated(&html);
            let text = render_text(&meta, &[m, msg(2, &other)]);
            prop_assert!(!text.chars().any(is_bidi_control));
        }
    }

    /// Bidi controls, zero-width characters, Hebrew and Arabic letters, markdown and HTML
    /// punctuation.
    const BIDI_SOUP: &str = "[\u{061C}\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2060}\u{2066}-\u{2069}\u{FEFF}\u{05D0}-\u{05D3}\u{0627}a-c0-9 *_`<>&\n]{0,40}";
}
