//! Channel names, channel topics and making user text safe to show.
//!
//! The store is the source of truth for numbers and owners; the channel topic's trailing
//! `ticketeer:<number>:<opener>` marker only lets a restarted bot find a channel it created but
//! never recorded (crash between "channel created" and "record updated").

/// Discord's channel topic limit.
pub const CHANNEL_TOPIC_MAX: usize = 1024;

const MARKER: &str = "ticketeer:";
/// A subject's share of the channel topic: the rest (marker, topic name) always fits after it.
const SUBJECT_MAX: usize = 300;
const ZWSP: char = '\u{200B}';

/// `ticket-0001`: ASCII, zero-padded to at least 4 digits, per-guild number.
pub fn channel_name(number: u64) -> String {
    format!("ticket-{number:04}")
}

/// Readable metadata ending with a machine marker, e.g.
/// `Ticket #1 · opened by <@123> · topic: Billing · ticketeer:1:123`. At most 1024 chars.
pub fn channel_topic(number: u64, opener: u64, topic_name: Option<&str>) -> String {
    ticket_topic(number, opener, topic_name, None, None)
}

/// The whole topic: the subject first, then number, opener, claimer, topic, and the marker last.
pub fn ticket_topic(
    number: u64,
    opener: u64,
    topic_name: Option<&str>,
    subject: Option<&str>,
    claimer: Option<u64>,
) -> String {
    let subject = subject.map(|s| neutralize(&s.replace('\n', " "), SUBJECT_MAX));
    let mut head = match subject {
        Some(subject) => format!("{subject} · Ticket #{number} · opened by <@{opener}>"),
        None => format!("Ticket #{number} · opened by <@{opener}>"),
    };
    if let Some(claimer) = claimer {
        head.push_str(&format!(" · claimed by <@{claimer}>"));
    }
    let tail = format!(" · {MARKER}{number}:{opener}");
    match topic_name {
        Some(name) => {
            // The fixed parts are < 100 chars, so the name always fits its share.
            let room = CHANNEL_TOPIC_MAX - head.chars().count() - tail.chars().count() - 10;
            let name = neutralize(&name.replace('\n', " "), room);
            format!("{head} · topic: {name}{tail}")
        }
        None => format!("{head}{tail}"),
    }
}

/// Reads `(number, opener)` back from a topic written by [`channel_topic`]. Only the trailing
/// marker counts, so a topic name containing `ticketeer:1:2` cannot fake it.
pub fn parse_channel_topic(topic: &str) -> Option<(u64, u64)> {
    // The marker is always last, whatever comes before it (a claim, a topic name).
    let idx = topic.rfind(MARKER)?;
    let before = &topic[..idx];
    if !(before.is_empty() || before.ends_with(" · ")) {
        return None;
    }
    let (number, opener) = topic[idx + MARKER.len()..].split_once(':')?;
    Some((canonical(number)?, canonical(opener)?))
}

fn canonical(s: &str) -> Option<u64> {
    let ok =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if ok { s.parse().ok() } else { None }
}

/// Makes user-supplied text safe inside the bot's messages and embeds: every `@` gets a
/// zero-width space after it (so `@everyone`, `@here`, `<@id>`, `<@&id>` cannot ping), control
/// and bidi-override characters are removed (newline and tab kept), and the result is cut to
/// `max_chars` characters on a char boundary.
pub fn neutralize(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut count = 0;
    for c in text.chars() {
        if is_stripped(c) {
            continue;
        }
        let extra = usize::from(c == '@');
        if count + 1 + extra > max_chars {
            break;
        }
        out.push(c);
        if c == '@' {
            out.push(ZWSP);
        }
        count += 1 + extra;
    }
    out
}

fn is_stripped(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Escapes Discord markdown so user text (topic names, reasons) shows literally. The result can
/// be up to twice as long: cut with [`neutralize`] first, with half the room.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '-' | '[' | ']'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_subject_comes_first_and_cannot_fake_the_marker() {
        let t = ticket_topic(7, 8, Some("Billing"), Some("ticketeer:1:2 @here\nx"), None);
        assert!(
            t.starts_with("ticketeer:1:2 @\u{200B}here x · Ticket #7"),
            "{t}"
        );
        assert_eq!(parse_channel_topic(&t), Some((7, 8)));
        let huge = "s".repeat(5000);
        let t = ticket_topic(u64::MAX, u64::MAX, Some(&huge), Some(&huge), Some(u64::MAX));
        assert!(t.chars().count() <= CHANNEL_TOPIC_MAX);
        assert_eq!(parse_channel_topic(&t), Some((u64::MAX, u64::MAX)));
    }

    #[test]
    fn channel_names_are_padded_ascii() {
        assert_eq!(channel_name(1), "ticket-0001");
        assert_eq!(channel_name(0), "ticket-0000");
        assert_eq!(channel_name(9999), "ticket-9999");
        assert_eq!(channel_name(12345), "ticket-12345");
        let max = channel_name(u64::MAX);
        assert!(max.is_ascii() && max.len() <= 100);
    }

    #[test]
    fn topic_round_trips() {
        let t = channel_topic(1, 123, Some("Billing"));
        assert_eq!(
            t,
            "Ticket #1 · opened by <@123> · topic: Billing · ticketeer:1:123"
        );
        assert_eq!(parse_channel_topic(&t), Some((1, 123)));
        let t = channel_topic(u64::MAX, u64::MAX, None);
        assert_eq!(parse_channel_topic(&t), Some((u64::MAX, u64::MAX)));
    }

    #[test]
    fn hostile_topic_names_cannot_fake_marker_or_ping() {
        let t = channel_topic(7, 8, Some("x · ticketeer:1:2 @everyone\nnext"));
        assert_eq!(parse_channel_topic(&t), Some((7, 8)));
        assert!(!t.contains("@everyone"));
        assert!(!t.contains('\n'));
        let huge = "é".repeat(5000);
        let t = channel_topic(7, 8, Some(&huge));
        assert!(t.chars().count() <= CHANNEL_TOPIC_MAX);
        assert_eq!(parse_channel_topic(&t), Some((7, 8)));
    }

    #[test]
    fn parse_rejects_foreign_topics() {
        for s in [
            "",
            "hello",
            "ticketeer:",
            "ticketeer:1",
            "ticketeer:1:",
            "ticketeer:01:2",
            "ticketeer:1:2:3",
            "ticketeer:1:2 extra",
            "xticketeer:1:2",
            "ticketeer:-1:2",
            "ticketeer:18446744073709551616:2",
        ] {
            assert_eq!(parse_channel_topic(s), None, "{s:?}");
        }
        assert_eq!(parse_channel_topic("ticketeer:1:2"), Some((1, 2)));
    }

    #[test]
    fn neutralize_breaks_mentions() {
        let out = neutralize("@everyone @here <@123> <@!5> <@&9>", 1000);
        assert!(!out.contains("@everyone"));
        assert!(!out.contains("@here"));
        assert!(!out.contains("<@123>"));
        assert!(!out.contains("<@&9>"));
        assert!(!out.contains("<@!5>"));
        assert_eq!(out.replace(ZWSP, ""), "@everyone @here <@123> <@!5> <@&9>");
    }

    #[test]
    fn neutralize_strips_controls_and_trims() {
        assert_eq!(
            neutralize("a\u{0}b\u{1b}[31mc\r\n\td\u{202E}e", 100),
            "ab[31mc\n\tde"
        );
        assert_eq!(neutralize("héllo", 2), "hé");
        assert_eq!(
            neutralize("ab@", 3),
            "ab",
            "an @ that no longer fits with its ZWSP is dropped"
        );
        assert_eq!(neutralize("anything", 0), "");
    }

    #[test]
    fn escape_markdown_escapes() {
        assert_eq!(
            escape_markdown("**a** _b_ `c` ||d|| > e"),
            "\\*\\*a\\*\\* \\_b\\_ \\`c\\` \\|\\|d\\|\\| \\> e"
        );
        assert_eq!(escape_markdown("plain text"), "plain text");
    }

    proptest! {
        #[test]
        fn neutralize_is_bounded_and_safe(s in any::<String>(), max in 0usize..300) {
            let out = neutralize(&s, max);
            prop_assert!(out.chars().count() <= max);
            // Every @ is followed by the zero-width space, so no mention syntax can complete.
            let mut chars = out.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '@' {
                    prop_assert_eq!(chars.next(), Some(ZWSP));
                }
            }
            prop_assert!(out.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        }

        #[test]
        fn topic_always_parses_back(n in any::<u64>(), o in any::<u64>(), name in proptest::option::of(any::<String>()), claimer in any::<Option<u64>>()) {
            let t = ticket_topic(n, o, name.as_deref(), None, claimer);
            prop_assert!(t.chars().count() <= CHANNEL_TOPIC_MAX);
            prop_assert_eq!(parse_channel_topic(&t), Some((n, o)));
            if let Some(claimer) = claimer {
                let claimed = format!("claimed by <@{claimer}>");
                prop_assert!(t.contains(&claimed));
            }
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = parse_channel_topic(&s);
        }
    }
}
