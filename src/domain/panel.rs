//! A panel's look and topics as an admin types them: the colour, the button's label and emoji,
//! the topics it opens. Pure parsing and checks; what Discord shows is built in `ui`.

use crate::domain::limits;
use crate::domain::model::{Panel, Snowflake, Topic};
use crate::domain::naming;
use crate::ui::text::{Text, t};

/// Unicode emoji are a few code points (a flag, a skin tone, a zero-width-joined family); more
/// than this is text, not an emoji.
const UNICODE_EMOJI_MAX_CHARS: usize = 10;

/// A button emoji as Discord takes it: a Unicode emoji, or a server's own by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelEmoji {
    Unicode(String),
    Custom {
        animated: bool,
        id: Snowflake,
        name: String,
    },
}

/// What an admin typed that a panel cannot show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookError {
    #[error("{}", Text::PanelColorBad)]
    Color,
    #[error("{}", Text::PanelEmojiBad)]
    Emoji,
    #[error("{}", t!(PanelLabelTooLong, max = limits::BUTTON_LABEL_MAX))]
    Label,
}

/// `#5865F2`, `5865f2` or blank (the default colour) as `0xRRGGBB`.
pub fn parse_color(text: &str) -> Result<Option<u32>, LookError> {
    let hex = text.trim();
    if hex.is_empty() {
        return Ok(None);
    }
    let hex = hex.strip_prefix('#').unwrap_or(hex);
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(LookError::Color);
    }
    u32::from_str_radix(hex, 16)
        .map(Some)
        .map_err(|_| LookError::Color)
}

/// The colour as an admin types it back: `#RRGGBB`.
pub fn show_color(color: u32) -> String {
    format!("#{:06X}", color & 0xFF_FFFF)
}

/// A custom emoji `<:name:id>` / `<a:name:id>`, or a short run of non-ASCII symbols (Discord
/// checks a Unicode emoji itself; this keeps words, mentions and markup out). Blank is none.
pub fn parse_emoji(text: &str) -> Result<Option<PanelEmoji>, LookError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        let mut parts = inner.split(':');
        let (animated, name, id) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(name), Some(id), None) if a.is_empty() || a == "a" => {
                (a == "a", name, id)
            }
            _ => return Err(LookError::Emoji),
        };
        let name_ok = (2..=32).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let digits = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
        let id = digits
            .then(|| id.parse::<Snowflake>().ok())
            .flatten()
            .filter(|id| *id > 0);
        return match (name_ok, id) {
            (true, Some(id)) => Ok(Some(PanelEmoji::Custom {
                animated,
                id,
                name: name.to_owned(),
            })),
            _ => Err(LookError::Emoji),
        };
    }
    let symbols = text.chars().count() <= UNICODE_EMOJI_MAX_CHARS
        && text
            .chars()
            .all(|c| !c.is_ascii() && !c.is_whitespace() && !c.is_control());
    if symbols {
        Ok(Some(PanelEmoji::Unicode(text.to_owned())))
    } else {
        Err(LookError::Emoji)
    }
}

/// The label an admin typed, made safe (it never pings, no bidi tricks); blank is the catalog's.
pub fn parse_label(text: &str) -> Result<String, LookError> {
    let text = text.trim();
    if text.chars().count() > limits::BUTTON_LABEL_MAX {
        return Err(LookError::Label);
    }
    Ok(naming::neutralize(text, limits::BUTTON_LABEL_MAX))
}

/// The topics an admin picked for a panel: those that still exist, in the server's order;
/// none picked is all of them.
pub fn chosen_topics(values: &[String], topics: &[Topic]) -> Vec<u32> {
    let picked: Vec<u32> = values.iter().filter_map(|v| v.parse().ok()).collect();
    topics
        .iter()
        .map(|t| t.id)
        .filter(|id| picked.contains(id))
        .collect()
}

/// Whether `topic` may be opened from `panel` (a forged select value for another panel's
/// topic is refused). A click from an unknown message (a panel posted by hand, or forgotten)
/// may open any of the server's topics, as panels always could.
pub fn offers(panel: Option<&Panel>, topics: &[Topic], topic: u32) -> bool {
    match panel {
        Some(panel) => panel.offered(topics).iter().any(|t| t.id == topic),
        None => topics.iter().any(|t| t.id == topic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn topic(id: u32) -> Topic {
        Topic {
            id,
            name: format!("t{id}"),
            category: None,
        }
    }

    #[test]
    fn colours_read_with_or_without_the_hash() {
        assert_eq!(parse_color("#5865F2"), Ok(Some(0x5865F2)));
        assert_eq!(parse_color(" 00ff00 "), Ok(Some(0x00FF00)));
        assert_eq!(parse_color(""), Ok(None));
        for bad in ["#12345", "1234567", "#GGGGGG", "red", "#+12345", "0x1234"] {
            assert_eq!(parse_color(bad), Err(LookError::Color), "{bad}");
        }
        assert_eq!(show_color(0x5865F2), "#5865F2");
        assert_eq!(parse_color(&show_color(0x0000AB)), Ok(Some(0xAB)));
    }

    #[test]
    fn emoji_are_unicode_symbols_or_custom_ones_by_id() {
        assert_eq!(
            parse_emoji("🎫"),
            Ok(Some(PanelEmoji::Unicode("🎫".into())))
        );
        assert_eq!(
            parse_emoji("<:ticket:123>"),
            Ok(Some(PanelEmoji::Custom {
                animated: false,
                id: 123,
                name: "ticket".into()
            }))
        );
        assert_eq!(
            parse_emoji("<a:spin_2:9>"),
            Ok(Some(PanelEmoji::Custom {
                animated: true,
                id: 9,
                name: "spin_2".into()
            }))
        );
        assert_eq!(parse_emoji("  "), Ok(None));
        for bad in [
            "ticket",
            "@everyone",
            "<@123>",
            "<:x:1>",
            "<:ticket:0>",
            "<:ticket:12:3>",
            "<b:ticket:1>",
            "🎫 ticket",
            "🎫🎫🎫🎫🎫🎫🎫🎫🎫🎫🎫",
        ] {
            assert_eq!(parse_emoji(bad), Err(LookError::Emoji), "{bad}");
        }
    }

    #[test]
    fn labels_are_cut_to_discord_and_never_ping() {
        assert_eq!(parse_label("  Get help "), Ok("Get help".into()));
        assert_eq!(parse_label(""), Ok(String::new()));
        assert_eq!(parse_label(&"x".repeat(81)), Err(LookError::Label));
        let label = parse_label("@everyone").unwrap();
        assert_ne!(label, "@everyone");
    }

    #[test]
    fn chosen_topics_keep_the_servers_order_and_drop_the_gone() {
        let topics = [topic(1), topic(2), topic(5)];
        let values: Vec<String> = ["5", "9", "1", "x"].iter().map(|s| s.to_string()).collect();
        assert_eq!(chosen_topics(&values, &topics), vec![1, 5]);
        assert!(chosen_topics(&[], &topics).is_empty());
    }

    #[test]
    fn a_panel_offers_its_own_topics_and_all_when_none_of_them_remain() {
        let topics = [topic(1), topic(2), topic(3)];
        let mut panel = Panel::new(1, 2, "t".into(), "d".into(), String::new());
        panel.topics = vec![2];
        assert!(offers(Some(&panel), &topics, 2));
        assert!(!offers(Some(&panel), &topics, 1), "another panel's topic");
        panel.topics = vec![7];
        assert!(offers(Some(&panel), &topics, 1), "its topic is gone: all");
        assert!(offers(None, &topics, 3));
        assert!(!offers(None, &topics, 4), "no such topic");
    }

    proptest! {
        /// Whatever an admin types, a label never carries a live mention or a bidi override,
        /// and stays within Discord's button limit.
        #[test]
        fn labels_never_ping(text in ".{0,100}") {
            if let Ok(label) = parse_label(&text) {
                prop_assert!(label.chars().count() <= limits::BUTTON_LABEL_MAX);
                prop_assert!(!label.contains("@everyone") && !label.contains("@here"));
                prop_assert!(!label.contains('\u{202E}'), "a bidi override");
            }
            let _ = parse_emoji(&text);
            let _ = parse_color(&text);
        }
    }
}
