//! The pages the web side serves, built with maud, which escapes every `(value)` it is given.
//!
//! The one place markup is passed through unescaped is a message's text, as rendered by
//! [`transcript::markdown_html`]: it turns every raw HTML fragment into visible text and keeps
//! only http(s)/mailto links (its property tests prove no tag of a person's survives). Every
//! piece of person-written text sits in its own bidi isolate (`<bdi>`, or `dir="auto"` on a
//! block), so a right-to-left override ends with the element that holds it.
//!
//! The only script is [`LOCAL_TIME_SCRIPT`], inline and allowed by its hash: it rewrites the
//! UTC timestamps into the viewer's time zone. Without it the page reads the same, in UTC.

use std::collections::HashMap;
use std::fmt::Write as _;

use base64::{Engine, engine::general_purpose::STANDARD};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use sha2::{Digest, Sha256};

use crate::domain::model::Snowflake;
use crate::domain::transcript::{self, TranscriptAttachment, TranscriptDoc, TranscriptMessage};

use super::link::Audience;

/// Rewrites every `<time datetime>` into the viewer's local time. Its hash is the only script
/// the Content-Security-Policy allows.
/// One formatter for every timestamp: `toLocaleString` builds one per call, which on a
/// 10,000-message page costs more than the rest of the script.
pub const LOCAL_TIME_SCRIPT: &str = "const f=new Intl.DateTimeFormat(undefined,{dateStyle:'medium',timeStyle:'short'});for(const t of document.querySelectorAll('time[datetime]')){const d=new Date(t.dateTime);if(!isNaN(d)){t.textContent=f.format(d);t.title=t.dateTime}}";

/// The Content-Security-Policy of every page: nothing from elsewhere, images only from this
/// server (kept attachments) or inline, the one hashed script, no forms, no framing.
pub fn content_security_policy() -> String {
    let hash = STANDARD.encode(Sha256::digest(LOCAL_TIME_SCRIPT.as_bytes()));
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
         script-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// What the web page adds to the transcript's own styles: messages off screen are not laid out
/// until scrolled to (`content-visibility`, so a 10,000-message page opens fast), kept images,
/// a phone-width layout, and print (light, no hover, links spelled out).
const PAGE_CSS: &str = "\
.msg{content-visibility:auto;contain-intrinsic-size:auto 56px}\
.view{color:#949ba4;font-size:13px;margin:0 0 6px}\
.image img{display:block;max-width:min(100%,420px);max-height:320px;border-radius:4px;margin-top:4px}\
.not-kept{color:#949ba4;font-size:12px}\
.mention{background:#3c4270;color:#c9cdfb;border-radius:3px;padding:0 2px}\
.events{margin:12px 24px;padding:8px 12px;border-left:4px solid #f23f43;background:#2b2d31;border-radius:4px}\
.events p{margin:2px 0}\
.stats{padding:16px 24px}.stats svg{max-width:100%;height:auto;background:#2b2d31;border-radius:6px;margin:6px 0 18px}\
.stats table{border-collapse:collapse}.stats td,.stats th{padding:2px 10px;text-align:left}\
@media (max-width:600px){.msg{padding:6px 10px;gap:8px}.avatar{width:32px;height:32px}header{padding:12px}}\
@media print{body{background:#fff;color:#000}header,.embed,.events,pre,code{background:#fff;border-color:#999}\
.name,header h1,.embed .title{color:#000}.msg:hover{background:none}.msg{break-inside:avoid}\
a[href^='http']::after{content:' (' attr(href) ')'}}\
";

fn page(title: &str, body: Markup, script: bool) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width,initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                style { (PreEscaped(transcript::CSS)) (PreEscaped(PAGE_CSS)) }
            }
            body {
                (body)
                @if script {
                    script { (PreEscaped(LOCAL_TIME_SCRIPT)) }
                }
            }
        }
    }
}

/// A small page saying why there is nothing to show (403, 404, 410, 500).
pub fn error_page(status: u16, headline: &str, explanation: &str) -> String {
    page(
        headline,
        html! {
            header { h1 { (headline) } }
            main { p.empty { (explanation) } p.empty { "HTTP " (status) } }
        },
        false,
    )
    .into_string()
}

/// Names by user id, from the messages' authors (and the staff notes' for staff): what a
/// mention of them shows.
fn known_names(doc: &TranscriptDoc, audience: Audience) -> HashMap<Snowflake, String> {
    let notes: &[TranscriptMessage] = match audience {
        Audience::Staff => &doc.staff_notes,
        Audience::Opener => &[],
    };
    let mut names = HashMap::new();
    for m in doc.messages.iter().chain(notes) {
        names
            .entry(m.author_id)
            .or_insert_with(|| transcript::clean(&m.author_name));
    }
    for m in doc.messages.iter().chain(notes) {
        for (id, name) in &m.mentions {
            names.entry(*id).or_insert_with(|| transcript::clean(name));
        }
    }
    names
}

/// Discord's mention syntax (`<@id>`, `<@!id>`, `<@&id>`, `<#id>`) as readable names: a
/// known user's name, else a neutral word. The result is markdown source, escaped later.
pub fn resolve_mentions(text: &str, names: &HashMap<Snowflake, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match parse_mention(tail) {
            Some((kind, id, len)) => {
                let shown = match kind {
                    Mention::User => names
                        .get(&id)
                        .map(|n| format!("@{n}"))
                        .unwrap_or_else(|| "@unknown-user".to_owned()),
                    Mention::Role => "@role".to_owned(),
                    Mention::Channel => "#channel".to_owned(),
                };
                // Isolated, so a name's right-to-left text cannot run into what follows.
                out.push('\u{2068}');
                out.push_str(&shown);
                out.push('\u{2069}');
                rest = &tail[len..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

enum Mention {
    User,
    Role,
    Channel,
}

/// `<@123>` and friends at the start of `s`: the kind, the id and the bytes it spans.
fn parse_mention(s: &str) -> Option<(Mention, Snowflake, usize)> {
    let (kind, prefix) = if s.starts_with("<@&") {
        (Mention::Role, 3)
    } else if s.starts_with("<@!") {
        (Mention::User, 3)
    } else if s.starts_with("<@") {
        (Mention::User, 2)
    } else if s.starts_with("<#") {
        (Mention::Channel, 2)
    } else {
        return None;
    };
    let digits = s[prefix..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 20 || s.as_bytes().get(prefix + digits) != Some(&b'>') {
        return None;
    }
    let id = s[prefix..prefix + digits].parse().ok()?;
    Some((kind, id, prefix + digits + 1))
}

/// Attachments shown inline as images: formats a browser decodes without running anything.
/// SVG is left out on purpose (it can carry script), as is anything Discord did not label.
pub fn is_inline_image(a: &TranscriptAttachment) -> bool {
    image_type(&a.filename, a.content_type.as_deref()).is_some()
}

/// The image content type a kept file is served as, or `None` to serve it as a download.
pub fn image_type(filename: &str, content_type: Option<&str>) -> Option<&'static str> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    let by_ext = match ext.as_deref() {
        Some("png") => Some("image/png"),
        Some("jpg" | "jpeg") => Some("image/jpeg"),
        Some("gif") => Some("image/gif"),
        Some("webp") => Some("image/webp"),
        _ => None,
    };
    match (by_ext, content_type) {
        // A declared type that disagrees with the name is not trusted to be an image.
        (Some(t), Some(declared)) if !declared.starts_with(t) => None,
        (t, _) => t,
    }
}

/// A closed ticket's transcript page. `base` is the link's own path: kept files are served
/// under `{base}/files/{id}`.
pub fn transcript_page(doc: &TranscriptDoc, audience: Audience, base: &str) -> String {
    let meta = &doc.meta;
    let names = known_names(doc, audience);
    let colors: HashMap<Snowflake, u32> = doc.name_colors.iter().copied().collect();
    let name_of = |id: Snowflake| names.get(&id).cloned().unwrap_or_else(|| id.to_string());
    let title = format!("Ticket #{} transcript", meta.number);
    let view = match audience {
        Audience::Staff => "Staff view",
        Audience::Opener => "Your ticket's transcript",
    };
    let body = html! {
        header {
            h1 { (title) }
            p.view { (view) }
            dl {
                dt { "Opened by" } dd { bdi { (name_of(meta.opener_id)) } }
                @if let Some(topic) = &meta.topic {
                    dt { "Topic" } dd dir="auto" { (transcript::clean(topic)) }
                }
                dt { "Messages" } dd { (doc.messages.len()) }
                @for note in &meta.notes {
                    dt.note { "Note" } dd.note { (note) }
                }
            }
        }
        main {
            @if doc.messages.is_empty() {
                p.empty { "No messages." }
            }
            @for m in &doc.messages {
                (message(m, &names, &colors, base))
            }
            @if matches!(audience, Audience::Staff) && !doc.staff_notes.is_empty() {
                section.notes {
                    h2 { "Staff notes" }
                    @for m in &doc.staff_notes {
                        (message(m, &names, &colors, base))
                    }
                }
            }
            section.events {
                p { "Ticket #" (meta.number) " opened by " bdi { (name_of(meta.opener_id)) }
                    (at(meta.opened_at)) "." }
                @if let Some(by) = meta.closed_by {
                    p { "Closed by " bdi { (name_of(by)) } (at(meta.closed_at)) "."
                        @if let Some(reason) = &meta.reason {
                            " Reason: " bdi { (transcript::clean(reason)) }
                        }
                    }
                }
            }
        }
    };
    page(&title, body, true).into_string()
}

/// " at <time>" for an event's Unix-milliseconds time, shown in the reader's zone by the script.
fn at(millis: Option<i64>) -> Markup {
    let Some(t) = millis.and_then(|ms| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
    }) else {
        return html! {};
    };
    let rfc3339 = t
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    html! { " on " time datetime=(rfc3339) { (transcript::display_time(&rfc3339)) } }
}

fn message(
    m: &TranscriptMessage,
    names: &HashMap<Snowflake, String>,
    colors: &HashMap<Snowflake, u32>,
    base: &str,
) -> Markup {
    // Discord's role colour, as a CSS colour built from a number (nothing person-written).
    let color = colors
        .get(&m.author_id)
        .map(|c| format!("color:#{:06x}", c & 0xff_ffff));
    let name = transcript::clean(&m.author_name);
    let name = if name.trim().is_empty() {
        "Unknown user".to_owned()
    } else {
        name
    };
    html! {
        div.msg id={ "m" (m.id) } {
            div.avatar.initials style={ "background:hsl(" (m.author_id % 360) ",45%,40%)" } {
                (transcript::initials(&m.author_name))
            }
            div.body {
                @if let Some((author, said)) = &m.reply_to {
                    div.reply { "↪ " bdi { (transcript::clean(author)) } ": " bdi { (transcript::excerpt(said)) } }
                }
                div.head {
                    span.name title=(m.author_id) style=[color] { bdi { (name) } }
                    @if m.bot { span.bot { "BOT" } }
                    time.time datetime=(m.timestamp) { (transcript::display_time(&m.timestamp)) }
                    @if let Some(edited) = &m.edited_timestamp {
                        span.edited title={ "edited " (transcript::display_time(edited)) } { "(edited)" }
                    }
                    @if m.pinned { span.pinned { "📌 pinned" } }
                }
                @if let Some(system) = &m.system { div.system { (system) } }
                @for sticker in &m.stickers { div.sticker { "Sticker: " bdi { (transcript::clean(sticker)) } } }
                @if let Some(poll) = &m.poll {
                    div.poll {
                        div.title dir="auto" { "📊 " (transcript::clean(&poll.question)) }
                        ul { @for answer in &poll.answers { li dir="auto" { (transcript::clean(answer)) } } }
                    }
                }
                @for forwarded in &m.forwarded {
                    div.forward { div.system { "Forwarded" } (markdown(forwarded, names)) }
                }
                @if m.withheld {
                    div.content.withheld { (crate::domain::privileged::WITHHELD_MARK) }
                }
                @if !m.content.trim().is_empty() { (markdown(&m.content, names)) }
                @for e in &m.embeds {
                    div.embed {
                        @if let Some(t) = &e.title { div.title dir="auto" { (transcript::clean(t)) } }
                        @if let Some(d) = &e.description { (markdown(d, names)) }
                        @for (field, value) in &e.fields {
                            div.field-name dir="auto" { (transcript::clean(field)) }
                            (markdown(value, names))
                        }
                        @if let Some(f) = &e.footer { div.footer dir="auto" { (transcript::clean(f)) } }
                    }
                }
                @for a in &m.attachments { (attachment(a, base)) }
            }
        }
    }
}

/// A person's markdown as HTML (see the module comment for why this is the one unescaped part).
fn markdown(source: &str, names: &HashMap<Snowflake, String>) -> Markup {
    let mut out = String::new();
    transcript::markdown_html(&mut out, &resolve_mentions(source, names));
    html! { div.content dir="auto" { (PreEscaped(out)) } }
}

fn attachment(a: &TranscriptAttachment, base: &str) -> Markup {
    let name = transcript::clean(&a.filename);
    let href = format!("{base}/files/{}", a.id);
    html! {
        div.attachment {
            @if a.kept && is_inline_image(a) {
                figure.image style="margin:0" {
                    img src=(href) alt=(name) loading="lazy";
                    figcaption { "📎 " bdi { (name) } " " span.size { "(" (transcript::human_size(a.size)) ")" } }
                }
            } @else if a.kept {
                "📎 " a href=(href) download=(name) { bdi { (name) } }
                " " span.size { "(" (transcript::human_size(a.size)) ")" }
            } @else {
                "📎 " bdi { (name) } " " span.size { "(" (transcript::human_size(a.size)) ")" }
                " " span.not-kept { "not kept (larger than the size bound, or it could not be fetched)" }
            }
        }
    }
}

pub use crate::domain::stats::Stats;
use crate::domain::stats::{Period, duration_text};

/// A horizontal bar chart as inline SVG: one row per `(label, value)`.
fn bar_chart(label: &str, rows: &[(String, u64)]) -> Markup {
    const ROW: u64 = 26;
    const WIDTH: u64 = 560;
    const LABEL: u64 = 170;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let height = ROW * rows.len().max(1) as u64 + 10;
    let mut points = String::new();
    for (label, value) in rows {
        let _ = write!(points, "{label}={value};");
    }
    html! {
        svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label=(label) data-points=(points)
            width=(WIDTH) height=(height) viewBox={ "0 0 " (WIDTH) " " (height) } {
            title { (label) }
            @for (i, (name, value)) in rows.iter().enumerate() {
                @let y = 5 + i as u64 * ROW;
                @let w = (WIDTH - LABEL - 50) * value / max;
                text x="8" y=(y + 17) fill="#dbdee1" font-size="13" { (truncate(name, 22)) }
                rect x=(LABEL) y=(y + 4) width=(w.max(1)) height=(ROW - 8) rx="3" fill="#5865f2" {}
                text x=(LABEL + w + 6) y=(y + 17) fill="#dbdee1" font-size="13" { (value) }
            }
        }
    }
}

/// A chart label: short, and without bidi controls (an SVG `text` is no isolate).
fn truncate(s: &str, max: usize) -> String {
    let clean: String = transcript::clean(s)
        .chars()
        .filter(|c| !transcript::is_bidi_control(*c))
        .collect();
    let mut out: String = clean.chars().take(max).collect();
    if out.len() < clean.len() {
        out.push('…');
    }
    out
}

/// A guild's stats page: the counts and two charts, drawn on the server as SVG.
pub fn stats_page(guild: Snowflake, stats: &Stats, period: Period) -> String {
    let states = [
        ("Open".to_owned(), stats.open),
        ("Closed".to_owned(), stats.closed),
        ("Deleted".to_owned(), stats.deleted),
        ("Failed".to_owned(), stats.failed),
    ];
    let body = html! {
        header {
            h1 { "Tickets of server " (guild) }
            p.view {
                @match period {
                    Period::Day => "Opened in the last 24 hours",
                    Period::Week => "Opened in the last 7 days",
                    Period::Month => "Opened in the last 30 days",
                    Period::All => "All tickets",
                }
            }
        }
        main.stats {
            table {
                tr { th { "Open now" } td.count { (stats.open_now) } }
                @for (name, n) in &states { tr { th { (name) } td.count { (n) } } }
                tr {
                    th { "First response (median, p90)" }
                    td.count {
                        @match stats.first_response {
                            Some((median, p90)) => {
                                (duration_text(median)) ", " (duration_text(p90))
                            }
                            None => { "no answers yet" }
                        }
                    }
                }
                tr {
                    th { "Time to close (median)" }
                    td.count {
                        @match stats.resolution {
                            Some(median) => { (duration_text(median)) }
                            None => { "none closed yet" }
                        }
                    }
                }
                tr {
                    th { "Average rating" }
                    td.count {
                        @match stats.average_rating() {
                            Some(average) => { (average) " / 5 (" (stats.ratings) ")" }
                            None => { "no ratings yet" }
                        }
                    }
                }
            }
            @if stats.ratings > 0 {
                h2 { "Ratings" }
                @let stars: Vec<(String, u64)> = (1..=5)
                    .map(|n| (format!("{n} ★"), stats.stars[n - 1]))
                    .collect();
                (bar_chart("Ratings by stars", &stars))
            }
            @if stats.first_response.is_some() {
                h2 { "First response" }
                (bar_chart("Tickets by time to staff's first message", &stats.response_spread))
            }
            h2 { "Tickets per day" }
            (bar_chart("Tickets opened per day", &stats.per_day))
            h2 { "Tickets per topic" }
            (bar_chart("Tickets per topic", &stats.per_topic))
        }
    };
    page(&format!("Tickets of server {guild}"), body, false).into_string()
}

#[cfg(test)]
mod tests;
