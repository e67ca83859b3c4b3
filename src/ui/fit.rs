//! Discord's character limit for each [`Slot`], and the guard that keeps a composed text within
//! it. Every catalog template is checked here against its slot with worst-case arguments.

use crate::domain::limits;

use super::text::Slot;

/// The most characters Discord accepts in `slot`.
pub fn max_chars(slot: Slot) -> usize {
    match slot {
        Slot::Content => limits::MESSAGE_CONTENT_MAX,
        Slot::EmbedTitle => limits::EMBED_TITLE_MAX,
        Slot::EmbedDescription => limits::EMBED_DESCRIPTION_MAX,
        Slot::EmbedFooter => limits::EMBED_FOOTER_MAX,
        Slot::ButtonLabel => limits::BUTTON_LABEL_MAX,
        Slot::SelectPlaceholder => limits::SELECT_PLACEHOLDER_MAX,
        Slot::SelectOption => limits::SELECT_OPTION_LABEL_MAX,
        Slot::ModalTitle => limits::MODAL_TITLE_MAX,
        Slot::InputLabel => limits::TEXT_INPUT_LABEL_MAX,
        Slot::AuditReason => limits::AUDIT_REASON_MAX,
        Slot::ChannelName => limits::CHANNEL_NAME_MAX,
        Slot::Piece => limits::TEXT_PIECE_MAX,
    }
}

/// `text` cut to what `slot` holds, ending in "…" when cut: a composed text whose parts come
/// from people or services (a transcript link, many long topic names) is shown shortened
/// rather than refused by Discord.
pub fn cut(slot: Slot, text: String) -> String {
    let max = max_chars(slot);
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::access,
        ui::text::{Arg, Lang, Text, render_in},
    };

    /// A refusal's cause: Discord's, or a setting's validation.
    const REFUSAL_CAUSES: &[Text] = &[
        Text::DiscordMissingPermissions,
        Text::DiscordMaxChannels,
        Text::DiscordUnknownChannel,
        Text::DiscordRefused,
        Text::DmRefused,
        Text::LimitNotANumber,
        Text::LimitOutOfRange,
        Text::PingUnknown,
        Text::YesOrNo,
        Text::TopicTooMany,
        Text::TopicControlChars,
        Text::PanelFieldTooLong,
        Text::PanelColorBad,
        Text::PanelEmojiBad,
        Text::PanelLabelTooLong,
        Text::QuestionLabelBad,
        Text::QuestionPlaceholderBad,
        Text::QuestionLengthsBad,
        Text::QuestionTooMany,
        Text::PanelTotalTooLong,
        Text::StaffRolesEveryone,
    ];

    /// Placeholders filled with one of these texts: the worst case is the longest of them.
    const ONE_OF: &[(&str, &[Text])] = &[
        ("wait", &[Text::WaitSeconds, Text::WaitMinutes]),
        (
            "priority",
            &[
                Text::PriorityLow,
                Text::PriorityNormal,
                Text::PriorityHigh,
                Text::PriorityUrgent,
            ],
        ),
        (
            "mode",
            &[
                Text::ClaimModeGuarded,
                Text::ClaimModeLabel,
                Text::ClaimModePrivate,
            ],
        ),
        (
            "period",
            &[
                Text::StatsDay,
                Text::StatsWeek,
                Text::StatsMonth,
                Text::StatsAll,
            ],
        ),
        (
            "purpose",
            &[Text::PurposePanelChannel, Text::PurposeLogChannel],
        ),
        (
            "ping",
            &[
                Text::PingAuto,
                Text::PingOpener,
                Text::PingStaff,
                Text::PingNobody,
            ],
        ),
        (
            "state",
            &[
                Text::StateProvisioning,
                Text::StateOpen,
                Text::StateClosed,
                Text::StateDeleted,
                Text::StateFailed,
            ],
        ),
        (
            "field",
            &[
                Text::LimitFieldPerMember,
                Text::LimitFieldPerGuild,
                Text::LimitFieldWarnAfter,
                Text::LimitFieldCloseAfter,
                Text::PanelFieldTitle,
                Text::PanelFieldDescription,
                Text::PanelFieldFooter,
            ],
        ),
        ("error", REFUSAL_CAUSES),
        ("why", REFUSAL_CAUSES),
        (
            "note",
            &[
                Text::MessageContentOff,
                Text::ServerMembersOff,
                Text::HistoryUnreadable,
                Text::NoHistoryPermission,
                Text::LogCannotPost,
                Text::LogChannelGone,
                Text::TranscriptHtmlLeftOut,
                Text::TranscriptTextCut,
            ],
        ),
    ];

    /// The longest text an argument named `name` is ever given, as the code that fills it
    /// bounds it. A new placeholder name fails here until its bound is written down.
    fn worst(lang: Lang, name: &str) -> String {
        let id = u64::MAX.to_string();
        let mentions = |n: usize, prefix: &str| vec![format!("<{prefix}{id}>"); n].join(", ");
        let longest = |texts: &[Text]| {
            texts
                .iter()
                .map(|t| worst_render(lang, *t))
                .max_by_key(|s| s.chars().count())
                .unwrap_or_default()
        };
        if let Some((_, texts)) = ONE_OF.iter().find(|(n, _)| *n == name) {
            return longest(texts);
        }
        match name {
            "number" | "channel" | "user" | "opener" | "by" | "claimer" | "thread" => id,
            "place" | "done" | "total" | "closed" | "open" | "from" | "to" => {
                usize::MAX.to_string()
            }
            "seconds" | "minutes" => u64::MAX.to_string(),
            // A transcript's size in MiB, one decimal: the store holds nothing near 10^9 MiB.
            "mib" => "999999999.9".to_owned(),
            "limit" | "per_member" | "per_guild" | "min" | "max" | "n" | "page" | "pages"
            | "warn" | "close" => u32::MAX.to_string(),
            // Topic names are cut to 50 characters; escaping can double each one.
            "topic" => "*".repeat(2 * limits::TOPIC_NAME_MAX),
            // A panel's title as its option shows it (cut to 60).
            "title" => "x".repeat(60),
            "reason" => "r".repeat(limits::REASON_MAX),
            "request_reason" => "r".repeat(limits::REQUEST_REASON_MAX),
            "stars" => "5".to_owned(),
            "answered" | "claims" | "tickets" | "open_now" | "deleted" => u64::MAX.to_string(),
            "response" | "tail" | "resolution" => "106751991167 d 23 h".to_owned(),
            // The five largest topics, names cut to 50 and escaped (each character doubled).
            "topics" => vec![format!("{} {}", "*".repeat(2 * limits::TOPIC_NAME_MAX), u64::MAX); 5]
                .join(", "),
            "days" => vec![format!("12-31 {}", u64::MAX); 7].join(", "),
            "rating" => format!("5.0/5 ({})", u64::MAX),
            // What the support hours form takes, echoed back.
            "windows" | "value" => "w".repeat(limits::HOURS_WINDOWS_MAX),
            "zone" => "z".repeat(limits::HOURS_ZONE_MAX),
            "outside" => worst_render(lang, Text::HoursOutsideNotice),
            "comment" => "c".repeat(crate::domain::feedback::COMMENT_MAX),
            // A paste service's link; longer ones are cut with the text they are in.
            "link" => format!("https://{}", "l".repeat(500)),
            "users" | "bots" => mentions(access::MAX_USERS_PER_CHANGE, "@"),
            // The panels a hub list found deleted: at most a select's 25.
            "channels" => mentions(limits::SELECT_PAGE, "#"),
            "roles" => mentions(access::MAX_STAFF_ROLES, "@&"),
            "missing" => access::PERMISSION_NAMES
                .iter()
                .map(|(_, name)| *name)
                .collect::<Vec<_>>()
                .join("**, **"),
            "language" => Lang::ALL
                .iter()
                .map(|l| l.name())
                .max_by_key(|n| n.chars().count())
                .unwrap_or_default()
                .to_owned(),
            "portal" => lang.catalog().template(Text::PortalPath).to_owned(),
            // A channel name as `rename::channel_slug` leaves it.
            "name" => "n".repeat(crate::domain::rename::NAME_MAX),
            // A Discord timestamp's seconds.
            "at" => i64::MAX.to_string(),
            "skipped" => worst_render(lang, Text::BotsSkipped),
            // A question's label, as `intake::validate_question` bounds it.
            "label" => "l".repeat(crate::domain::intake::LABEL_MAX),
            other => panic!("no worst case for the placeholder {{{other}}}"),
        }
    }

    /// `text` in `lang` with every argument at its longest, nested texts in the same language.
    fn worst_render(lang: Lang, text: Text) -> String {
        let values: Vec<(&'static str, String)> = text
            .placeholders()
            .into_iter()
            .map(|name| (name, worst(lang, name)))
            .collect();
        let args: Vec<Arg<'_>> = values
            .iter()
            .map(|(name, value)| (*name, value as &(dyn std::fmt::Display + Sync)))
            .collect();
        render_in(lang.catalog(), text, &args)
    }

    #[test]
    fn every_text_fits_its_slot_with_the_longest_arguments_in_every_language() {
        for lang in Lang::ALL {
            for text in Text::ALL {
                let rendered = worst_render(*lang, *text);
                let (len, max) = (rendered.chars().count(), max_chars(text.slot()));
                assert!(
                    len <= max,
                    "{lang:?} {text:?} ({:?}) is {len} characters with its longest arguments, over {max}",
                    text.slot()
                );
                assert!(
                    !rendered.contains("{"),
                    "{lang:?} {text:?} left a placeholder: {rendered}"
                );
            }
        }
    }

    #[test]
    fn a_cut_text_fits_and_says_it_was_cut() {
        let long = "a".repeat(3000);
        let cut = cut(Slot::Content, long);
        assert_eq!(cut.chars().count(), limits::MESSAGE_CONTENT_MAX);
        assert!(cut.ends_with('…'));
        assert_eq!(super::cut(Slot::ButtonLabel, "Close".into()), "Close");
    }
}
