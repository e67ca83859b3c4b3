//! Open-ticket limits, settings validation and select-menu paging, and Discord's text limits.
//! The refusals' `Display` is the person-facing text, from the catalog (`ui::text`).

use std::fmt;

use thiserror::Error;

use super::model::{GuildSettings, Inactivity, StalePing, Topic};
use crate::ui::text::{Text, t};

/// Topics per guild: 4 pages of the topic select.
pub const MAX_TOPICS: usize = 100;
/// Discord's limit of options in one string select.
pub const SELECT_PAGE: usize = 25;
/// Discord refuses more channels than this in one category.
pub const CATEGORY_CHANNELS_MAX: u32 = 50;

/// Discord's text limits, in characters, by where the text is shown.
pub const MESSAGE_CONTENT_MAX: usize = 2000;
pub const EMBED_TITLE_MAX: usize = 256;
pub const EMBED_DESCRIPTION_MAX: usize = 4096;
pub const EMBED_FOOTER_MAX: usize = 2048;
pub const BUTTON_LABEL_MAX: usize = 80;
pub const SELECT_PLACEHOLDER_MAX: usize = 150;
pub const SELECT_OPTION_LABEL_MAX: usize = 100;
pub const MODAL_TITLE_MAX: usize = 45;
pub const TEXT_INPUT_LABEL_MAX: usize = 45;
/// The `X-Audit-Log-Reason` header.
pub const AUDIT_REASON_MAX: usize = 512;
pub const CHANNEL_NAME_MAX: usize = 100;
/// The longest piece of text the bot substitutes into another (a reason, a note, a refusal's
/// cause): an embed field's limit, the smallest place a sentence of the bot's goes.
pub const TEXT_PIECE_MAX: usize = 1024;
/// Discord's limit of channels in one server.
pub const GUILD_CHANNELS_MAX: u32 = 500;

pub const PER_MEMBER_RANGE: (u32, u32) = (1, 100);
pub const PER_GUILD_RANGE: (u32, u32) = (1, 500);
pub const TOPIC_NAME_MAX: usize = 50;
pub const PANEL_TITLE_MAX: usize = EMBED_TITLE_MAX;
pub const PANEL_DESCRIPTION_MAX: usize = EMBED_DESCRIPTION_MAX;
pub const PANEL_FOOTER_MAX: usize = EMBED_FOOTER_MAX;
/// Discord's limit on all text of one embed together.
pub const EMBED_TOTAL_MAX: usize = 6000;
/// Discord's most fields in one embed.
pub const EMBED_FIELDS_MAX: usize = 25;
/// Discord's limits on an embed field's name and value.
pub const EMBED_FIELD_NAME_MAX: usize = 256;
pub const EMBED_FIELD_VALUE_MAX: usize = 1024;

/// Why a member may not open another ticket right now. `Display` is the person-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum OpenRefusal {
    MemberLimit { limit: u32 },
    GuildLimit { limit: u32 },
}

impl fmt::Display for OpenRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match *self {
            OpenRefusal::MemberLimit { limit: 1 } => Text::MemberLimitOne.to_string(),
            OpenRefusal::MemberLimit { limit } => t!(MemberLimit, limit),
            OpenRefusal::GuildLimit { limit } => t!(GuildLimit, limit),
        })
    }
}

/// Counts are of open tickets only (see `TicketState::is_open`). A count equal to the limit is
/// already full: the limit is the number of tickets allowed, not one less.
pub fn check_open(
    settings: &GuildSettings,
    open_by_member: u32,
    open_in_guild: u32,
) -> Result<(), OpenRefusal> {
    if open_in_guild >= settings.per_guild_limit {
        return Err(OpenRefusal::GuildLimit {
            limit: settings.per_guild_limit,
        });
    }
    if open_by_member >= settings.per_member_limit {
        return Err(OpenRefusal::MemberLimit {
            limit: settings.per_member_limit,
        });
    }
    Ok(())
}

/// A limit the admin entered that is not one. `Display` is the person-facing text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitsError {
    #[error("{}", t!(LimitNotANumber, field, min, max))]
    NotANumber { field: Text, min: u32, max: u32 },
    #[error("{}", t!(LimitOutOfRange, field, min, max))]
    OutOfRange { field: Text, min: u32, max: u32 },
    #[error("{}", Text::PingUnknown)]
    UnknownPing,
    #[error("{}", Text::YesOrNo)]
    NotYesOrNo,
}

/// Hours an inactivity time may be set to: up to a year.
pub const INACTIVITY_HOURS_MAX: u32 = 24 * 366;

/// Parses the inactivity modal. A warning time of 0 switches the feature off (the close time is
/// then not checked); the ping is one of `auto`, `opener`, `staff`, `none`, any case.
pub fn parse_inactivity(
    warn_after: &str,
    close_after: &str,
    ping: &str,
    opener_leaves: &str,
) -> Result<Inactivity, LimitsError> {
    let close_when_opener_leaves = match opener_leaves.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "n" => false,
        "yes" | "y" => true,
        _ => return Err(LimitsError::NotYesOrNo),
    };
    let warn_after_hours = parse_bounded(
        warn_after,
        Text::LimitFieldWarnAfter,
        (0, INACTIVITY_HOURS_MAX),
    )?;
    if warn_after_hours == 0 {
        return Ok(Inactivity {
            close_when_opener_leaves,
            ..Inactivity::default()
        });
    }
    let close_after_hours = parse_bounded(
        close_after,
        Text::LimitFieldCloseAfter,
        (1, INACTIVITY_HOURS_MAX),
    )?;
    let ping = match ping.trim().to_ascii_lowercase().as_str() {
        "" | "auto" => StalePing::WhoeverOwesAnAnswer,
        "opener" => StalePing::Opener,
        "staff" => StalePing::Staff,
        "none" | "nobody" => StalePing::Nobody,
        _ => return Err(LimitsError::UnknownPing),
    };
    Ok(Inactivity {
        warn_after_hours,
        close_after_hours,
        ping,
        close_when_opener_leaves,
    })
}

/// Parses the limits modal: `(per_member, per_guild)`. Surrounding whitespace is ignored.
pub fn parse_limits(per_member: &str, per_guild: &str) -> Result<(u32, u32), LimitsError> {
    let m = parse_bounded(per_member, Text::LimitFieldPerMember, PER_MEMBER_RANGE)?;
    let g = parse_bounded(per_guild, Text::LimitFieldPerGuild, PER_GUILD_RANGE)?;
    Ok((m, g))
}

fn parse_bounded(raw: &str, field: Text, (min, max): (u32, u32)) -> Result<u32, LimitsError> {
    let s = raw.trim();
    let digits = s
        .strip_prefix('-')
        .or_else(|| s.strip_prefix('+'))
        .unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LimitsError::NotANumber { field, min, max });
    }
    let out_of_range = LimitsError::OutOfRange { field, min, max };
    if s.starts_with('-') {
        // "-0" is zero, which is out of range too.
        return Err(out_of_range);
    }
    // Absurdly long digit strings overflow; they are out of range, not "not a number".
    let n: u64 = digits.parse().map_err(|_| out_of_range.clone())?;
    match u32::try_from(n) {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(out_of_range),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TopicError {
    #[error("{}", Text::TopicEmpty)]
    Empty,
    #[error("{}", t!(TopicTooLong, max = TOPIC_NAME_MAX))]
    TooLong,
    #[error("{}", Text::TopicControlChars)]
    ControlChars,
    #[error("{}", Text::TopicDuplicate)]
    Duplicate,
    #[error("{}", t!(TopicTooMany, max = MAX_TOPICS))]
    TooMany,
}

/// Trims and validates a new topic name: 1..=50 chars, no control characters, unique ignoring
/// case among `existing`. Any other character (including `:`) is fine: topics are referenced by id.
pub fn validate_topic_name(raw: &str, existing: &[Topic]) -> Result<String, TopicError> {
    if existing.len() >= MAX_TOPICS {
        return Err(TopicError::TooMany);
    }
    let name = raw.trim();
    if name.is_empty() {
        return Err(TopicError::Empty);
    }
    if name.chars().count() > TOPIC_NAME_MAX {
        return Err(TopicError::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(TopicError::ControlChars);
    }
    let folded = name.to_lowercase();
    if existing
        .iter()
        .any(|t| t.name.trim().to_lowercase() == folded)
    {
        return Err(TopicError::Duplicate);
    }
    Ok(name.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PanelError {
    #[error("{}", Text::PanelTitleEmpty)]
    EmptyTitle,
    #[error("{}", t!(PanelFieldTooLong, field, max))]
    TooLong { field: Text, max: usize },
    #[error("{}", t!(PanelTotalTooLong, max = EMBED_TOTAL_MAX))]
    TotalTooLong,
}

/// Trims and validates the panel embed's title (required), description and footer against
/// Discord's embed limits, including the 6000-character total.
pub fn validate_panel_text(
    title: &str,
    description: &str,
    footer: &str,
) -> Result<(String, String, String), PanelError> {
    let (t, d, f) = (title.trim(), description.trim(), footer.trim());
    if t.is_empty() {
        return Err(PanelError::EmptyTitle);
    }
    let (tl, dl, fl) = (t.chars().count(), d.chars().count(), f.chars().count());
    for (len, field, max) in [
        (tl, Text::PanelFieldTitle, PANEL_TITLE_MAX),
        (dl, Text::PanelFieldDescription, PANEL_DESCRIPTION_MAX),
        (fl, Text::PanelFieldFooter, PANEL_FOOTER_MAX),
    ] {
        if len > max {
            return Err(PanelError::TooLong { field, max });
        }
    }
    if tl + dl + fl > EMBED_TOTAL_MAX {
        return Err(PanelError::TotalTooLong);
    }
    Ok((t.to_string(), d.to_string(), f.to_string()))
}

/// Number of pages of `len` items (at least 1, so an empty list still has a page to show).
pub fn page_count(len: usize) -> u32 {
    u32::try_from(len.div_ceil(SELECT_PAGE).max(1)).unwrap_or(u32::MAX)
}

/// The page actually shown for a requested page: past the end means the last page, since
/// items may have been removed since the button was drawn.
pub fn clamp_page(len: usize, page: u32) -> u32 {
    page.min(page_count(len) - 1)
}

/// Page `page` (0-based) of 25 items, with whether a previous / next page exists.
pub fn page<T>(items: &[T], page: u32) -> (&[T], bool, bool) {
    let p = clamp_page(items.len(), page) as usize;
    let start = p * SELECT_PAGE;
    let end = (start + SELECT_PAGE).min(items.len());
    let slice = items.get(start..end).unwrap_or(&[]);
    (slice, p > 0, end < items.len())
}

/// Longest close reason kept; the modal allows 4000 but a reason is shown in embeds.
pub const REASON_MAX: usize = 1000;

/// The longest reason a close request carries (it shows on the request message).
pub const REQUEST_REASON_MAX: usize = 256;

/// The support hours form's longest windows text and zone name.
pub const HOURS_WINDOWS_MAX: usize = 200;
pub const HOURS_ZONE_MAX: usize = 40;

/// The longest delay a close request may wait before closing by itself: a week.
pub const REQUEST_DELAY_HOURS_MAX: u32 = 168;

/// A close request's `hours:` outside 1 to [`REQUEST_DELAY_HOURS_MAX`]. Discord enforces the
/// range on its command option, so such a value was forged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelayOutOfRange;

/// A close request's `hours:` option; absent means no delay.
pub fn parse_request_delay(raw: Option<&str>) -> Result<Option<u32>, DelayOutOfRange> {
    let Some(raw) = raw else { return Ok(None) };
    match raw.trim().parse::<u32>() {
        Ok(hours @ 1..=REQUEST_DELAY_HOURS_MAX) => Ok(Some(hours)),
        _ => Err(DelayOutOfRange),
    }
}

/// A close request's reason: as [`parse_reason`], cut to [`REQUEST_REASON_MAX`].
pub fn parse_request_reason(raw: &str) -> Option<String> {
    let reason = super::naming::neutralize(raw.trim(), REQUEST_REASON_MAX);
    let reason = reason.trim();
    (!reason.is_empty()).then(|| reason.to_string())
}

/// A close reason from the modal: trimmed, mentions broken, control characters removed, cut to
/// [`REASON_MAX`]; blank means no reason.
pub fn parse_reason(raw: &str) -> Option<String> {
    let reason = super::naming::neutralize(raw.trim(), REASON_MAX);
    let reason = reason.trim();
    (!reason.is_empty()).then(|| reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_request_delay_is_one_hour_to_a_week_or_none() {
        assert_eq!(parse_request_delay(None), Ok(None));
        assert_eq!(parse_request_delay(Some("1")), Ok(Some(1)));
        assert_eq!(parse_request_delay(Some(" 168 ")), Ok(Some(168)));
        for bad in ["0", "169", "-3", "2.5", "", "soon", "99999999999"] {
            assert_eq!(
                parse_request_delay(Some(bad)),
                Err(DelayOutOfRange),
                "{bad}"
            );
        }
    }

    #[test]
    fn inactivity_parses_hours_and_ping_and_zero_switches_it_off() {
        let on = parse_inactivity(" 48 ", "24", "Staff", "").expect("valid");
        assert_eq!(
            on,
            Inactivity {
                warn_after_hours: 48,
                close_after_hours: 24,
                ping: StalePing::Staff,
                close_when_opener_leaves: false,
            }
        );
        assert_eq!(
            parse_inactivity("24", "1", "", "no").map(|i| i.ping),
            Ok(StalePing::WhoeverOwesAnAnswer)
        );
        assert_eq!(
            parse_inactivity("0", "junk", "junk", ""),
            Ok(Inactivity::default())
        );
        assert_eq!(
            parse_inactivity("0", "", "", "Yes").map(|i| (i.is_on(), i.close_when_opener_leaves)),
            Ok((false, true))
        );
        assert_eq!(
            parse_inactivity("24", "12", "auto", "maybe"),
            Err(LimitsError::NotYesOrNo)
        );
        assert!(matches!(
            parse_inactivity("24", "0", "auto", ""),
            Err(LimitsError::OutOfRange { .. })
        ));
        assert!(matches!(
            parse_inactivity("-3", "1", "auto", ""),
            Err(LimitsError::OutOfRange { .. })
        ));
        assert!(matches!(
            parse_inactivity("x", "1", "auto", ""),
            Err(LimitsError::NotANumber { .. })
        ));
        assert_eq!(
            parse_inactivity("24", "12", "everyone", ""),
            Err(LimitsError::UnknownPing)
        );
        assert!(parse_inactivity("9000", "1", "auto", "").is_err());
    }

    use proptest::prelude::*;

    fn settings(member: u32, guild: u32) -> GuildSettings {
        GuildSettings {
            per_member_limit: member,
            per_guild_limit: guild,
            ..Default::default()
        }
    }

    fn topic(id: u32, name: &str) -> Topic {
        Topic {
            id,
            name: name.to_string(),
            category: None,
        }
    }

    #[test]
    fn limits_are_exact() {
        let s = settings(2, 3);
        assert_eq!(check_open(&s, 0, 0), Ok(()));
        assert_eq!(check_open(&s, 1, 2), Ok(()));
        assert_eq!(
            check_open(&s, 2, 0),
            Err(OpenRefusal::MemberLimit { limit: 2 })
        );
        assert_eq!(
            check_open(&s, 0, 3),
            Err(OpenRefusal::GuildLimit { limit: 3 })
        );
        assert_eq!(
            check_open(&s, 0, 4),
            Err(OpenRefusal::GuildLimit { limit: 3 })
        );
        let d = GuildSettings::default();
        assert_eq!(check_open(&d, 0, 49), Ok(()));
        assert!(check_open(&d, 1, 0).is_err());
        assert!(check_open(&d, 0, 50).is_err());
    }

    #[test]
    fn refusal_text_is_person_facing() {
        let one = OpenRefusal::MemberLimit { limit: 1 }.to_string();
        assert!(one.contains("already have an open ticket"), "{one}");
        let three = OpenRefusal::MemberLimit { limit: 3 }.to_string();
        assert!(three.contains('3'), "{three}");
        let g = OpenRefusal::GuildLimit { limit: 50 }.to_string();
        assert!(g.contains("50") && g.contains("server"), "{g}");
    }

    #[test]
    fn parse_limits_accepts_range_and_trims() {
        assert_eq!(parse_limits(" 1 ", "\t500\n"), Ok((1, 500)));
        assert_eq!(parse_limits("100", "1"), Ok((100, 1)));
        assert_eq!(parse_limits("+3", "20"), Ok((3, 20)));
    }

    #[test]
    fn parse_limits_refuses_garbage() {
        for (m, g) in [
            ("0", "10"),
            ("101", "10"),
            ("-1", "10"),
            ("-0", "10"),
            ("1", "0"),
            ("1", "501"),
            ("1", "99999999999999999999999999"),
            ("1", "4294967297"),
        ] {
            assert!(
                matches!(parse_limits(m, g), Err(LimitsError::OutOfRange { .. })),
                "{m:?} {g:?}"
            );
        }
        for (m, g) in [
            ("", "1"),
            ("one", "1"),
            ("1.5", "1"),
            ("1", "1e3"),
            ("1", "- 1"),
            ("٣", "1"),
            ("1", ""),
        ] {
            assert!(
                matches!(parse_limits(m, g), Err(LimitsError::NotANumber { .. })),
                "{m:?} {g:?}"
            );
        }
        let msg = parse_limits("0", "1").unwrap_err().to_string();
        assert!(msg.contains("per member") && msg.contains("100"), "{msg}");
    }

    #[test]
    fn topic_names() {
        let existing = [topic(1, "Billing"), topic(2, "a:b")];
        assert_eq!(
            validate_topic_name("  Support  ", &existing),
            Ok("Support".into())
        );
        assert_eq!(validate_topic_name("c:d:e", &existing), Ok("c:d:e".into()));
        assert_eq!(
            validate_topic_name("BILLING", &existing),
            Err(TopicError::Duplicate)
        );
        assert_eq!(
            validate_topic_name(" A:B ", &existing),
            Err(TopicError::Duplicate)
        );
        assert_eq!(
            validate_topic_name("   ", &existing),
            Err(TopicError::Empty)
        );
        assert_eq!(
            validate_topic_name("a\nb", &existing),
            Err(TopicError::ControlChars)
        );
        assert_eq!(
            validate_topic_name(&"é".repeat(50), &existing),
            Ok("é".repeat(50))
        );
        assert_eq!(
            validate_topic_name(&"é".repeat(51), &existing),
            Err(TopicError::TooLong)
        );
        let full: Vec<Topic> = (0..MAX_TOPICS as u32)
            .map(|i| topic(i, &format!("t{i}")))
            .collect();
        assert_eq!(validate_topic_name("new", &full), Err(TopicError::TooMany));
    }

    #[test]
    fn panel_text() {
        assert_eq!(
            validate_panel_text(" Help ", " Click ", ""),
            Ok(("Help".into(), "Click".into(), String::new()))
        );
        assert_eq!(
            validate_panel_text(" ", "d", "f"),
            Err(PanelError::EmptyTitle)
        );
        assert!(matches!(
            validate_panel_text(&"x".repeat(257), "", ""),
            Err(PanelError::TooLong {
                field: Text::PanelFieldTitle,
                ..
            })
        ));
        assert!(matches!(
            validate_panel_text("t", &"x".repeat(4097), ""),
            Err(PanelError::TooLong {
                field: Text::PanelFieldDescription,
                ..
            })
        ));
        assert!(matches!(
            validate_panel_text("t", "", &"x".repeat(2049)),
            Err(PanelError::TooLong {
                field: Text::PanelFieldFooter,
                ..
            })
        ));
        assert_eq!(
            validate_panel_text(&"x".repeat(256), &"x".repeat(4096), &"x".repeat(2048)),
            Err(PanelError::TotalTooLong)
        );
        assert!(
            validate_panel_text(&"x".repeat(256), &"x".repeat(4000), &"x".repeat(1744)).is_ok()
        );
    }

    #[test]
    fn paging() {
        let items: Vec<u32> = (0..60).collect();
        let (p, prev, next) = page(&items, 0);
        assert_eq!((p.len(), p[0], prev, next), (25, 0, false, true));
        let (p, prev, next) = page(&items, 1);
        assert_eq!((p.len(), p[0], prev, next), (25, 25, true, true));
        let (p, prev, next) = page(&items, 2);
        assert_eq!((p.len(), p[0], prev, next), (10, 50, true, false));
        assert_eq!(page(&items, u32::MAX), page(&items, 2));
        let exact: Vec<u32> = (0..50).collect();
        assert!(!page(&exact, 1).2);
        assert_eq!(page(&exact, 5).0.first(), Some(&25));
        let empty: [u32; 0] = [];
        assert_eq!(page(&empty, 3), (&empty[..], false, false));
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(25), 1);
        assert_eq!(page_count(26), 2);
    }

    proptest! {
        #[test]
        fn parse_limits_never_panics(a in any::<String>(), b in any::<String>()) {
            if let Ok((m, g)) = parse_limits(&a, &b) {
                prop_assert!((1..=100).contains(&m) && (1..=500).contains(&g));
            }
        }

        #[test]
        fn check_open_matches_definition(lm in 1u32..200, lg in 1u32..600, m in 0u32..300, g in 0u32..700) {
            let ok = check_open(&settings(lm, lg), m, g).is_ok();
            prop_assert_eq!(ok, m < lm && g < lg);
        }

        #[test]
        fn paging_covers_everything(len in 0usize..300, p in any::<u32>()) {
            let items: Vec<usize> = (0..len).collect();
            let (slice, prev, next) = page(&items, p);
            prop_assert!(slice.len() <= SELECT_PAGE);
            prop_assert!(len == 0 || !slice.is_empty());
            let shown = clamp_page(len, p) as usize;
            prop_assert_eq!(prev, shown > 0);
            prop_assert_eq!(next, (shown + 1) * SELECT_PAGE < len);
        }

        #[test]
        fn topic_name_ok_is_trimmed_and_bounded(raw in any::<String>()) {
            if let Ok(name) = validate_topic_name(&raw, &[]) {
                prop_assert_eq!(name.trim(), name.as_str());
                prop_assert!((1..=TOPIC_NAME_MAX).contains(&name.chars().count()));
            }
        }
    }
    #[test]
    fn reasons() {
        assert_eq!(parse_reason("   "), None);
        assert_eq!(parse_reason("\u{0}\u{7}"), None);
        assert_eq!(parse_reason("  solved  "), Some("solved".into()));
        let r = parse_reason(&format!("@everyone {}", "x".repeat(5000))).unwrap_or_default();
        assert!(!r.contains("@everyone"));
        assert_eq!(r.chars().count(), REASON_MAX);
    }
}
