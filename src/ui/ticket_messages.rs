//! A ticket's messages (welcome, closed, reopened), the answers and DMs about it, its log
//! entries and the waiting line's place text: pure functions of the ticket's data.

use std::time::Duration;

use twilight_model::channel::message::{Component, component::ButtonStyle};

use crate::{
    discord::{
        OutgoingMessage,
        colors::{BLUE, GREEN, RED},
        embed as discord_embed,
    },
    domain::{
        custom_id::{self, Action},
        model::{EventKind, Feedback, Priority, Snowflake},
    },
};

use super::{
    components::buttons,
    fit,
    hub_screens::topic_shown,
    text::{Slot, Text, t},
};

fn embed(title: &str, description: &str, color: u32) -> twilight_model::channel::message::Embed {
    discord_embed(title, description, color, None)
}

/// The first message in a ticket channel: it mentions the opener and carries the Close and
/// Claim buttons.
pub fn welcome_message(number: u64, opener: Snowflake, topic: Option<&str>) -> OutgoingMessage {
    welcome_message_claimed(number, opener, topic, None, Priority::Normal)
}

/// The buttons a reopened ticket offers, on its reopen note.
pub fn open_controls(number: u64) -> Vec<Component> {
    vec![buttons(&[
        (
            Action::Close { ticket: number },
            Text::CloseButton,
            ButtonStyle::Danger,
        ),
        (
            Action::CloseWithReason { ticket: number },
            Text::CloseWithReasonButton,
            ButtonStyle::Secondary,
        ),
    ])]
}

/// The inactivity warning: says when the ticket closes, offers Keep open and Close, and
/// mentions whom `ping_user` and `ping_roles` name (the bot's mention rules let only those
/// ping).
pub fn stale_warning(
    number: u64,
    warn_hours: u32,
    close_hours: u32,
    ping_user: Option<Snowflake>,
    ping_roles: &[Snowflake],
) -> OutgoingMessage {
    let mentions: Vec<String> = ping_user
        .map(|u| format!("<@{u}>"))
        .into_iter()
        .chain(ping_roles.iter().map(|r| format!("<@&{r}>")))
        .collect();
    OutgoingMessage {
        content: (!mentions.is_empty()).then(|| mentions.join(" ")),
        embeds: vec![embed(
            &t!(StaleWarningTitle, number),
            &t!(StaleWarning, warn = warn_hours, close = close_hours),
            RED,
        )],
        components: vec![buttons(&[
            (
                Action::KeepOpen { ticket: number },
                Text::KeepOpenButton,
                ButtonStyle::Success,
            ),
            (
                Action::Close { ticket: number },
                Text::CloseButton,
                ButtonStyle::Danger,
            ),
        ])],
        attachments: Vec::new(),
    }
}

/// The buttons a closed ticket offers, on its "closed" message.
pub fn closed_controls(number: u64) -> Vec<Component> {
    vec![buttons(&[
        (
            Action::Delete { ticket: number },
            Text::DeleteButton,
            ButtonStyle::Danger,
        ),
        (
            Action::Reopen { ticket: number },
            Text::ReopenButton,
            ButtonStyle::Success,
        ),
    ])]
}

/// The "closed" message in the channel, with Delete and Reopen.
pub fn closed_message(number: u64, by: Snowflake, reason: Option<&str>) -> OutgoingMessage {
    let mut description = t!(ClosedBy, by);
    if let Some(reason) = reason {
        description.push('\n');
        description.push_str(&t!(ReasonLine, reason));
    }
    OutgoingMessage {
        embeds: vec![embed(
            &t!(ClosedTitle, number),
            &fit::cut(Slot::EmbedDescription, description),
            RED,
        )],
        components: closed_controls(number),
        ..Default::default()
    }
}

/// The note a reopen posts, carrying the Close buttons from then on.
pub fn reopened_message(number: u64, by: Snowflake) -> OutgoingMessage {
    OutgoingMessage {
        embeds: vec![embed(
            &t!(ReopenedTitle, number),
            &t!(ReopenedBy, by),
            GREEN,
        )],
        components: open_controls(number),
        ..Default::default()
    }
}

pub fn member_left_message(user: Snowflake) -> OutgoingMessage {
    OutgoingMessage {
        embeds: vec![embed(
            Text::MemberLeftTitle.text(),
            &t!(MemberLeftBody, user),
            RED,
        )],
        ..Default::default()
    }
}

/// `text` with each warning on a line of its own, cut to fit `slot`.
pub fn with_warnings<'a>(
    slot: Slot,
    mut text: String,
    notes: impl IntoIterator<Item = &'a String>,
) -> String {
    for note in notes {
        text.push('\n');
        text.push_str(&t!(Warning, note));
    }
    fit::cut(slot, text)
}

/// The answer to whoever closed a ticket, with what its transcript is missing.
pub fn closed_answer(number: u64, notes: &[String]) -> String {
    with_warnings(Slot::Content, t!(ClosedAnswer, number), notes)
}

/// The DM to the opener of a closed ticket: the link to read the transcript at (the web
/// side's page first, else the paste service's), whether the files are attached, and `cut`,
/// what of the transcript did not fit.
pub fn closed_dm(number: u64, link: Option<&str>, attached: bool, cut: Option<&str>) -> String {
    let mut text = match (link, attached) {
        (Some(link), true) => t!(ClosedDmWithLink, number, link),
        (Some(link), false) => t!(ClosedDmLinkOnly, number, link),
        (None, _) => t!(ClosedDm, number),
    };
    if let Some(cut) = cut {
        text.push(' ');
        text.push_str(cut);
    }
    fit::cut(Slot::Content, text)
}

/// What a close tells the log channel.
pub struct ClosedLog<'a> {
    pub number: u64,
    pub opener: Snowflake,
    pub by: Snowflake,
    pub reason: Option<&'a str>,
    /// The web side's staff link to the transcript page.
    pub page: Option<&'a str>,
    /// The paste service's link.
    pub link: Option<&'a str>,
    /// Why the transcript did not reach the opener, if it did not.
    pub undelivered: Option<&'a str>,
    /// What the transcript is missing, and what of it was cut.
    pub notes: Vec<&'a String>,
}

pub fn closed_log(log: &ClosedLog<'_>) -> String {
    let ClosedLog {
        number, opener, by, ..
    } = *log;
    let mut lines = vec![t!(LogClosed, number, opener, by)];
    lines.extend(log.reason.map(|reason| t!(ReasonLine, reason)));
    lines.extend(log.page.map(|link| t!(TranscriptPageLine, link)));
    lines.extend(log.link.map(|link| t!(TranscriptLine, link)));
    lines.extend(log.undelivered.map(|why| t!(LogNotDelivered, why)));
    with_warnings(
        Slot::EmbedDescription,
        lines.join("\n"),
        log.notes.iter().copied(),
    )
}

/// `<@a>, <@b>`.
fn mentions(users: &[Snowflake]) -> String {
    users
        .iter()
        .map(|u| format!("<@{u}>"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The answer to adding or removing people: who changed, and which bots were skipped.
pub fn people_changed_answer(
    changed: &[Snowflake],
    skipped_bots: &[Snowflake],
    add: bool,
) -> String {
    let skipped = if skipped_bots.is_empty() {
        String::new()
    } else {
        t!(BotsSkipped, bots = mentions(skipped_bots))
    };
    let users = mentions(changed);
    match (changed.is_empty(), add) {
        (true, _) => t!(NothingToChange, skipped),
        (false, true) => t!(UsersAdded, users, skipped),
        (false, false) => t!(UsersRemoved, users, skipped),
    }
}

/// The log entry of people added or removed: its title and description.
pub fn people_changed_log(
    number: u64,
    changed: &[Snowflake],
    by: Snowflake,
    add: bool,
) -> (Text, String) {
    let users = mentions(changed);
    if add {
        (
            Text::LogUserAddedTitle,
            t!(LogUsersAdded, users, number, by),
        )
    } else {
        (
            Text::LogUserRemovedTitle,
            t!(LogUsersRemoved, users, number, by),
        )
    }
}

/// A waiting member's place in line and the estimated wait.
pub fn place_in_line(number: u64, place: usize, estimate: Duration) -> String {
    let seconds = estimate.as_secs().max(1);
    let wait = if seconds < 90 {
        t!(WaitSeconds, seconds)
    } else {
        t!(WaitMinutes, minutes = seconds.div_ceil(60))
    };
    t!(PlaceInLine, number, place, wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stale_warning_pings_whom_it_is_told_and_offers_keep_open_and_close() {
        let warning = stale_warning(7, 48, 24, Some(5), &[8, 9]);
        assert_eq!(warning.content.as_deref(), Some("<@5> <@&8> <@&9>"));
        let description = warning.embeds[0].description.as_deref().unwrap_or("");
        assert!(description.contains("48 hours") && description.contains("in 24 hours"));
        let expected = vec![buttons(&[
            (
                Action::KeepOpen { ticket: 7 },
                Text::KeepOpenButton,
                ButtonStyle::Success,
            ),
            (
                Action::Close { ticket: 7 },
                Text::CloseButton,
                ButtonStyle::Danger,
            ),
        ])];
        assert_eq!(warning.components, expected);
        assert_eq!(stale_warning(7, 1, 1, None, &[]).content, None);
    }
    use crate::domain::limits;

    fn description(message: &OutgoingMessage) -> String {
        message.embeds[0].description.clone().unwrap_or_default()
    }

    #[test]
    fn the_welcome_names_the_opener_and_the_topic() {
        let welcome = welcome_message(7, 42, Some("Billing *now*"));
        assert_eq!(welcome.content.as_deref(), Some("<@42>"));
        assert_eq!(welcome.embeds[0].title.as_deref(), Some("Ticket #7"));
        assert_eq!(
            description(&welcome),
            "Hello <@42>! Staff will be with you shortly. Describe your request here.\nTopic: **Billing \\*now\\***"
        );
        assert_eq!(welcome.components, welcome_controls(7, false));
    }

    #[test]
    fn the_closed_message_carries_the_reason_and_delete_and_reopen() {
        let closed = closed_message(3, 9, Some("done"));
        assert_eq!(closed.embeds[0].title.as_deref(), Some("Ticket #3 closed"));
        assert_eq!(description(&closed), "Closed by <@9>.\nReason: done");
        assert_eq!(closed.components, closed_controls(3));
        assert_ne!(closed_controls(3), open_controls(3));
    }

    #[test]
    fn the_worst_close_log_fits_an_embed() {
        let reason = "r".repeat(limits::REASON_MAX);
        let link = format!("https://{}", "l".repeat(3000));
        let notes: Vec<String> = vec!["n".repeat(limits::TEXT_PIECE_MAX); 4];
        let log = closed_log(&ClosedLog {
            number: u64::MAX,
            opener: u64::MAX,
            by: u64::MAX,
            reason: Some(&reason),
            page: Some(&link),
            link: Some(&link),
            undelivered: Some("x"),
            notes: notes.iter().collect(),
        });
        assert!(log.chars().count() <= limits::EMBED_DESCRIPTION_MAX);
        assert!(
            log.starts_with("Ticket #18446744073709551615 of <@18446744073709551615> closed by")
        );
        let plain = closed_log(&ClosedLog {
            number: 2,
            opener: 5,
            by: 6,
            reason: None,
            page: None,
            link: None,
            undelivered: Some("gone"),
            notes: Vec::new(),
        });
        assert_eq!(
            plain,
            "Ticket #2 of <@5> closed by <@6>\nThe transcript could not be sent to the opener: gone."
        );
    }

    #[test]
    fn answers_and_dms_say_what_happened() {
        assert_eq!(
            closed_answer(4, &["no history".into()]),
            "Ticket #4 closed.\n⚠️ no history"
        );
        assert_eq!(
            closed_dm(4, Some("https://x"), true, Some("Cut.")),
            "Your ticket #4 was closed. Transcript: https://x (also attached). Cut."
        );
        assert_eq!(
            closed_dm(4, None, true, None),
            "Your ticket #4 was closed. The transcript is attached."
        );
        assert_eq!(
            closed_dm(4, Some("https://x"), false, None),
            "Your ticket #4 was closed. Transcript: https://x"
        );
        assert_eq!(
            people_changed_answer(&[1, 2], &[3], true),
            "<@1>, <@2> added. Bots skipped: <@3>."
        );
        assert_eq!(people_changed_answer(&[], &[], false), "Nothing to change.");
        assert_eq!(
            people_changed_log(8, &[1], 2, false).1,
            "<@1> removed from ticket #8 by <@2>"
        );
    }

    #[test]
    fn the_text_names_number_place_and_wait() {
        let text = place_in_line(12, 3, Duration::from_secs(4));
        assert!(text.contains("#12") && text.contains("number 3") && text.contains("about 4 s"));
        assert!(place_in_line(1, 1, Duration::from_secs(600)).contains("about 10 min"));
    }
}

// Staff workflow: the welcome as a claim changes it.

/// The welcome message with its claim line: edited in place when the claim changes, so the
/// channel's first message always says who holds the ticket.
pub fn welcome_message_claimed(
    number: u64,
    opener: Snowflake,
    topic: Option<&str>,
    claimer: Option<Snowflake>,
    priority: Priority,
) -> OutgoingMessage {
    let mut description = t!(Welcome, opener);
    if let Some(topic) = topic {
        description.push('\n');
        description.push_str(&t!(TopicLine, topic = topic_shown(topic)));
    }
    if priority != Priority::Normal {
        description.push('\n');
        description.push_str(&t!(PriorityLine, priority = priority_text(priority)));
    }
    if let Some(claimer) = claimer {
        description.push('\n');
        description.push_str(&t!(ClaimedLine, claimer));
    }
    OutgoingMessage {
        content: Some(format!("<@{opener}>")),
        embeds: vec![embed(&t!(WelcomeTitle, number), &description, BLUE)],
        components: welcome_controls(number, claimer.is_some()),
        attachments: Vec::new(),
    }
}

/// How a priority reads in a sentence.
pub fn priority_text(priority: Priority) -> Text {
    match priority {
        Priority::Low => Text::PriorityLow,
        Priority::Normal => Text::PriorityNormal,
        Priority::High => Text::PriorityHigh,
        Priority::Urgent => Text::PriorityUrgent,
    }
}

/// The welcome's buttons: Close, Close with reason, and Claim (Unclaim once claimed).
pub fn welcome_controls(number: u64, claimed: bool) -> Vec<Component> {
    let claim = if claimed {
        (
            Action::Unclaim { ticket: number },
            Text::UnclaimButton,
            ButtonStyle::Secondary,
        )
    } else {
        (
            Action::Claim { ticket: number },
            Text::ClaimButton,
            ButtonStyle::Success,
        )
    };
    vec![buttons(&[
        (
            Action::Close { ticket: number },
            Text::CloseButton,
            ButtonStyle::Danger,
        ),
        (
            Action::CloseWithReason { ticket: number },
            Text::CloseWithReasonButton,
            ButtonStyle::Secondary,
        ),
        claim,
    ])]
}

/// The opener's DM about a close, with the close's reason when one was given.
pub fn closed_dm_with_reason(
    number: u64,
    link: Option<&str>,
    attached: bool,
    cut: Option<&str>,
    reason: Option<&str>,
) -> String {
    let mut text = closed_dm(number, link, attached, cut);
    if let Some(reason) = reason {
        text.push('\n');
        text.push_str(&t!(ReasonLine, reason));
    }
    fit::cut(Slot::Content, text)
}

/// A close request: who asks, the reason, and Close / Keep open. A request by staff mentions
/// the opener, whose answer it waits for.
pub fn close_request_message(
    number: u64,
    opener: Snowflake,
    by: Snowflake,
    by_staff: bool,
    reason: Option<&str>,
    closes_at_secs: Option<i64>,
) -> OutgoingMessage {
    let mut description = if by_staff {
        t!(CloseRequestByStaff, by, number)
    } else {
        t!(CloseRequestByOpener, by, number)
    };
    if let Some(reason) = reason {
        description.push('\n');
        description.push_str(&t!(ReasonLine, reason));
    }
    if let Some(at) = closes_at_secs {
        description.push('\n');
        description.push_str(&t!(CloseRequestDelayLine, at));
    }
    OutgoingMessage {
        content: by_staff.then(|| format!("<@{opener}>")),
        embeds: vec![embed(Text::CloseRequestTitle.english(), &description, BLUE)],
        components: close_request_controls(number),
        attachments: Vec::new(),
    }
}

/// A ticket event's transcript line in the current language, said of the person who acted;
/// `name_of` names the people it mentions.
pub fn event_line(what: &EventKind, name_of: impl Fn(Snowflake) -> String) -> String {
    match what {
        EventKind::Claimed => Text::EventClaimed.text().to_owned(),
        EventKind::Unclaimed => Text::EventUnclaimed.text().to_owned(),
        EventKind::Transferred { to } => t!(EventTransferred, name = name_of(*to)),
        EventKind::Moved { topic } => t!(EventMoved, topic),
        EventKind::PrioritySet(priority) => {
            t!(EventPriority, priority = priority_text(*priority))
        }
        EventKind::Renamed { name } => t!(EventRenamed, name),
        EventKind::CloseRequested { reason: None } => Text::EventCloseRequested.text().to_owned(),
        EventKind::CloseRequested {
            reason: Some(reason),
        } => t!(EventCloseRequestedReason, request_reason = reason),
        EventKind::KeptOpen => Text::EventKeptOpen.text().to_owned(),
    }
}

/// The welcome with a line saying support is closed until `at` (Unix seconds), if given.
pub fn with_hours_notice(mut welcome: OutgoingMessage, at: Option<i64>) -> OutgoingMessage {
    if let (Some(at), Some(embed)) = (at, welcome.embeds.first_mut()) {
        let mut description = embed.description.take().unwrap_or_default();
        description.push_str("\n\n");
        description.push_str(&t!(OutsideHoursNotice, at));
        embed.description = Some(fit::cut(Slot::EmbedDescription, description));
    }
    welcome
}

/// `/tickets stats user:`'s answer.
pub fn staff_figures_text(user: Snowflake, figures: &crate::domain::stats::StaffFigures) -> String {
    let none = || Text::StaffFiguresNone.text().to_owned();
    let response = figures
        .first_response
        .map_or_else(none, crate::domain::stats::duration_text);
    let rating = figures.average_rating.map_or_else(none, |average| {
        format!("{average:.1}/5 ({})", figures.ratings)
    });
    t!(
        StaffFigures,
        user,
        answered = figures.answered,
        response,
        claims = figures.claims,
        rating
    )
}

/// Topics `/ticket stats` names; the page has them all.
const STATS_TOPICS_SHOWN: usize = 5;

/// `/ticket stats`' answer: the period's figures, and the page's link when there is a web side.
pub fn stats_text(
    stats: &crate::domain::stats::Stats,
    period: crate::domain::stats::Period,
    link: Option<String>,
) -> String {
    use crate::domain::stats::{Period, duration_text};
    let none = || Text::StaffFiguresNone.text().to_owned();
    let period = match period {
        Period::Day => Text::StatsDay,
        Period::Week => Text::StatsWeek,
        Period::Month => Text::StatsMonth,
        Period::All => Text::StatsAll,
    };
    let (response, tail) = stats.first_response.map_or_else(
        || (none(), none()),
        |(median, p90)| (duration_text(median), duration_text(p90)),
    );
    let resolution = stats.resolution.map_or_else(none, duration_text);
    let rating = stats
        .average_rating()
        .map_or_else(none, |average| format!("{average}/5 ({})", stats.ratings));
    let topics = (stats.per_topic.iter().take(STATS_TOPICS_SHOWN))
        .map(|(name, n)| format!("{} {n}", crate::domain::naming::escape_markdown(name)))
        .collect::<Vec<_>>()
        .join(", ");
    let days = (stats.per_day.iter())
        .map(|(day, n)| format!("{} {n}", day.get(5..).unwrap_or(day)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut lines = vec![
        t!(StatsHead, period = period.text()),
        t!(
            StatsCounts,
            tickets = stats.tickets(),
            open = stats.open,
            closed = stats.closed,
            deleted = stats.deleted,
            open_now = stats.open_now
        ),
        t!(StatsTimes, response, tail, resolution),
        t!(StatsRating, rating),
    ];
    if !topics.is_empty() {
        lines.push(t!(StatsTopics, topics));
    }
    lines.push(t!(StatsDays, days));
    if let Some(link) = link {
        lines.push(t!(StatsPage, link));
    }
    lines.join("\n")
}

/// The close DM's star buttons (1 to 5) for ticket `number` of `guild`: their custom ids carry
/// both, since a DM names no server.
pub fn rating_buttons(guild: Snowflake, number: u64) -> Vec<Component> {
    let stars: Vec<(String, String, ButtonStyle)> = (1..=5u8)
        .map(|stars| {
            let action = Action::Rate {
                guild,
                ticket: number,
                stars,
            };
            let label = format!("{stars} ★");
            (custom_id::encode(&action), label, ButtonStyle::Secondary)
        })
        .collect();
    let borrowed: Vec<(String, &str, ButtonStyle)> = stars
        .iter()
        .map(|(id, label, style)| (id.clone(), label.as_str(), *style))
        .collect();
    vec![crate::discord::button_row(&borrowed)]
}

/// The close DM's text with the rating prompt as its last line, within Discord's limit.
pub fn rating_prompt(text: String, number: u64) -> String {
    let prompt = t!(RatePrompt, number);
    let room = fit::max_chars(Slot::Content).saturating_sub(prompt.chars().count() + 1);
    let mut text: String = text.chars().take(room).collect();
    text.push('\n');
    text.push_str(&prompt);
    text
}

/// The answer to a rating: thanks, with "Add a comment".
pub fn rating_thanks(guild: Snowflake, number: u64, stars: u8) -> (String, Vec<Component>) {
    let comment = Action::RateComment {
        guild,
        ticket: number,
    };
    let row = buttons(&[(comment, Text::RateCommentButton, ButtonStyle::Primary)]);
    (t!(RateThanks, number, stars), vec![row])
}

/// The comment modal after a rating.
pub fn rating_comment_modal(guild: Snowflake, number: u64) -> crate::ui::Modal {
    crate::ui::Modal {
        custom_id: custom_id::encode(&Action::RateCommentModal {
            guild,
            ticket: number,
        }),
        title: t!(RateCommentTitle, number),
        components: vec![crate::ui::components::text_input(
            custom_id::fields::FEEDBACK_COMMENT,
            Text::RateCommentLabel.to_string(),
            twilight_model::channel::message::component::TextInputStyle::Paragraph,
            crate::domain::feedback::COMMENT_MAX as u16,
            true,
        )],
    }
}

/// The log entry of a rating or a comment.
pub fn feedback_log(number: u64, by: Snowflake, feedback: &Feedback) -> String {
    let mut text = t!(LogFeedback, number, stars = feedback.stars, by);
    if let Some(comment) = &feedback.comment {
        text.push('\n');
        text.push_str(&t!(LogFeedbackComment, comment));
    }
    text
}

/// A rating in the log: the field the close's entry gets, and the entry posted instead when
/// that one cannot be amended.
pub fn rating_log(
    number: u64,
    by: Snowflake,
    feedback: &Feedback,
) -> (
    twilight_model::channel::message::embed::EmbedField,
    twilight_model::channel::message::Embed,
) {
    use crate::domain::limits::EMBED_FIELD_VALUE_MAX;
    let text = feedback_log(number, by, feedback);
    let mut value: String = text.chars().take(EMBED_FIELD_VALUE_MAX).collect();
    if value.len() < text.len() {
        value = value.chars().take(EMBED_FIELD_VALUE_MAX - 1).collect();
        value.push('…');
    }
    let title = Text::LogFeedbackTitle.text();
    let field = twilight_model::channel::message::embed::EmbedField {
        inline: false,
        name: title.to_owned(),
        value,
    };
    (field, embed(title, &text, BLUE))
}

/// The buttons of a close request.
pub fn close_request_controls(number: u64) -> Vec<Component> {
    vec![buttons(&[
        (
            Action::CloseRequestAccept { ticket: number },
            Text::CloseRequestButton,
            ButtonStyle::Danger,
        ),
        (
            Action::CloseRequestKeep { ticket: number },
            Text::KeepOpenButton,
            ButtonStyle::Secondary,
        ),
    ])]
}

/// What `/tickets list` filters open tickets by; `None` matches any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub priority: Option<Priority>,
    pub claimer: Option<Snowflake>,
    pub topic: Option<u32>,
    /// Opened at least this long ago, in milliseconds.
    pub older_than_ms: Option<i64>,
}

/// Entries per page of `/tickets list`: ten fit one message with room to spare.
pub const LIST_PAGE: usize = 10;

/// The open tickets matching `filter`, most urgent first, then oldest first.
pub fn list_matches<'a>(
    records: &'a [crate::domain::model::TicketRecord],
    filter: &ListFilter,
    now: i64,
) -> Vec<&'a crate::domain::model::TicketRecord> {
    let mut out: Vec<_> = records
        .iter()
        .filter(|r| r.state == crate::domain::model::TicketState::Open)
        .filter(|r| filter.priority.is_none_or(|p| r.staff.priority == p))
        .filter(|r| filter.claimer.is_none_or(|c| r.staff.claimer == Some(c)))
        .filter(|r| filter.topic.is_none_or(|t| r.topic == Some(t)))
        .filter(|r| {
            filter
                .older_than_ms
                .is_none_or(|age| now - r.opened_at >= age)
        })
        .collect();
    out.sort_by_key(|r| (std::cmp::Reverse(r.staff.priority as u8), r.number));
    out
}

/// Page `page` (from 1) of the matches, each entry a link to its channel.
pub fn ticket_list_page(
    guild: Snowflake,
    matches: &[&crate::domain::model::TicketRecord],
    page: usize,
) -> String {
    if matches.is_empty() {
        return Text::ListEmpty.to_string();
    }
    let pages = matches.len().div_ceil(LIST_PAGE);
    let page = page.clamp(1, pages);
    let from = (page - 1) * LIST_PAGE;
    let shown = &matches[from..(from + LIST_PAGE).min(matches.len())];
    let mut text = t!(
        ListHeader,
        from = from + 1,
        to = from + shown.len(),
        total = matches.len(),
        page,
        pages
    );
    for r in shown {
        let link = r
            .channel
            .map(|c| crate::discord::channel_link(guild, c))
            .unwrap_or_default();
        text.push('\n');
        text.push_str(&t!(
            ListEntry,
            number = r.number,
            link,
            opener = r.opener,
            priority = priority_text(r.staff.priority)
        ));
        if let Some(claimer) = r.staff.claimer {
            text.push_str(&t!(ListClaimedBy, claimer));
        }
    }
    fit::cut(Slot::Content, text)
}

/// The staff member picker of a transfer.
pub fn transfer_prompt(number: u64) -> (String, Vec<Component>) {
    (
        t!(TransferPrompt, number),
        vec![super::components::auto_select(
            &Action::TransferSelect { ticket: number },
            Text::StaffPlaceholder,
            twilight_model::channel::message::component::SelectMenuType::User,
            (1, 1),
        )],
    )
}

#[cfg(test)]
mod claim_tests {
    use super::*;

    fn description(message: &OutgoingMessage) -> &str {
        message.embeds[0].description.as_deref().unwrap_or_default()
    }

    #[test]
    fn a_claimed_welcome_names_the_claimer_and_offers_unclaim() {
        let claimed = welcome_message_claimed(7, 42, Some("Billing"), Some(99), Priority::High);
        assert_eq!(
            description(&claimed),
            "Hello <@42>! Staff will be with you shortly. Describe your request here.\nTopic: **Billing**\nPriority: **high**\nClaimed by <@99>"
        );
        assert_eq!(claimed.components, welcome_controls(7, true));
        let open = welcome_message(7, 42, None);
        assert_eq!(open.components, welcome_controls(7, false));
        assert_ne!(welcome_controls(7, false), welcome_controls(7, true));
    }

    #[test]
    fn a_close_request_says_who_asks_why_and_offers_close_and_keep_open() {
        let by_staff = close_request_message(4, 42, 9, true, Some("done?"), None);
        assert_eq!(by_staff.content.as_deref(), Some("<@42>"));
        assert_eq!(
            description(&by_staff),
            "<@9> (staff) asks to close ticket #4. Press Close if you are done, or Keep open to keep talking.\nReason: done?"
        );
        assert_eq!(by_staff.components, close_request_controls(4));
        let by_opener = close_request_message(4, 42, 42, false, None, Some(1_900_000_000));
        assert_eq!(by_opener.content, None);
        assert!(description(&by_opener).starts_with("<@42> asks staff"));
        assert!(
            description(&by_opener)
                .ends_with("\nCloses by itself <t:1900000000:R> unless someone replies."),
        );
    }

    fn open(
        number: u64,
        priority: Priority,
        claimer: Option<u64>,
        opened_at: i64,
    ) -> crate::domain::model::TicketRecord {
        crate::domain::model::TicketRecord {
            topic: Some((number % 2) as u32),
            channel: Some(number.wrapping_add(1000)),
            state: crate::domain::model::TicketState::Open,
            staff: crate::domain::model::TicketStaff {
                claimer,
                priority,
                ..Default::default()
            },
            ..crate::domain::model::TicketRecord::new(
                1,
                number,
                number.wrapping_add(100),
                opened_at,
            )
        }
    }

    #[test]
    fn the_list_filters_sorts_by_urgency_and_pages() {
        let mut records: Vec<_> = (1..=25)
            .map(|n| open(n, Priority::Normal, None, 0))
            .collect();
        records.push(open(26, Priority::Urgent, Some(7), 50));
        let mut closed = open(27, Priority::Urgent, None, 0);
        closed.state = crate::domain::model::TicketState::Closed;
        records.push(closed);
        let all = list_matches(&records, &ListFilter::default(), 100);
        assert_eq!(all.len(), 26, "closed tickets are not listed");
        assert_eq!(all[0].number, 26, "the most urgent first");
        let first = ticket_list_page(1, &all, 1);
        assert!(
            first.starts_with("Open tickets 1–10 of 26 (page 1 of 3):"),
            "{first}"
        );
        assert!(
            first.contains(
                "#26 https://discord.com/channels/1/1026 · <@126> · urgent · claimed by <@7>"
            ),
            "{first}"
        );
        let last = ticket_list_page(1, &all, 9);
        assert!(
            last.starts_with("Open tickets 21–26 of 26 (page 3 of 3):"),
            "{last}"
        );
        let mine = ListFilter {
            claimer: Some(7),
            ..Default::default()
        };
        assert_eq!(list_matches(&records, &mine, 100).len(), 1);
        let old = ListFilter {
            older_than_ms: Some(60),
            ..Default::default()
        };
        assert_eq!(list_matches(&records, &old, 100).len(), 25);
        let topic = ListFilter {
            topic: Some(1),
            priority: Some(Priority::Normal),
            ..Default::default()
        };
        assert_eq!(list_matches(&records, &topic, 100).len(), 13);
        assert_eq!(ticket_list_page(1, &[], 1), "No open ticket matches.");
        // A full page of the longest entries fits one message.
        let worst: Vec<_> = (0..LIST_PAGE as u64)
            .map(|n| open(u64::MAX - n, Priority::Urgent, Some(u64::MAX), 0))
            .collect();
        let worst: Vec<_> = worst.iter().collect();
        let page = ticket_list_page(u64::MAX, &worst, 1);
        assert!(!page.ends_with('…'), "{page}");
        assert_eq!(page.lines().count(), LIST_PAGE + 1, "{page}");
    }

    #[test]
    fn the_closed_dm_carries_the_reason_and_fits() {
        assert_eq!(
            closed_dm_with_reason(3, None, true, None, Some("solved")),
            "Your ticket #3 was closed. The transcript is attached.\nReason: solved"
        );
        let reason = "r".repeat(crate::domain::limits::REASON_MAX);
        let link = format!("https://{}", "l".repeat(500));
        let cut = "c".repeat(400);
        let dm = closed_dm_with_reason(u64::MAX, Some(&link), true, Some(&cut), Some(&reason));
        assert!(dm.chars().count() <= fit::max_chars(Slot::Content));
    }
}
