//! The application commands the bot registers: `/ticket` (admins) and `/tickets` (staff), with
//! their subcommands.

use twilight_model::{
    application::command::{
        Command, CommandOption, CommandOptionType, CommandOptionValue, CommandType,
    },
    application::interaction::InteractionContextType,
    guild::Permissions,
    id::Id,
};

fn option(kind: CommandOptionType, name: &str, description: &str) -> CommandOption {
    CommandOption {
        autocomplete: None,
        channel_types: None,
        choices: None,
        description: description.to_owned(),
        description_localizations: None,
        kind,
        max_length: None,
        max_value: None,
        min_length: None,
        min_value: None,
        name: name.to_owned(),
        name_localizations: None,
        options: None,
        required: None,
        file_types: None,
    }
}

/// The command and subcommand names, here once: the definitions below and the guild actor's
/// dispatch both use these.
pub const TICKET: &str = "ticket";
pub const TICKETS: &str = "tickets";
pub const MENU: &str = "menu";
pub const PANEL: &str = "panel";
pub const MANAGE: &str = "manage";
pub const TRANSCRIPT: &str = "transcript";
pub const STATS: &str = "stats";
/// `/tickets` staff workflow subcommands.
pub const CLAIM: &str = "claim";
pub const UNCLAIM: &str = "unclaim";
pub const TRANSFER: &str = "transfer";
pub const CLOSE: &str = "close";
pub const REQUEST_CLOSE: &str = "request-close";
/// The `close` and `request-close` subcommands' option.
pub const REASON: &str = "reason";
/// `request-close hours:`: close by itself after this long unless the other side replies.
pub const HOURS: &str = "hours";

/// `/ticket claim-mode mode: topic:` (admins).
pub const CLAIM_MODE: &str = "claim-mode";
pub const MODE: &str = "mode";
pub const TOPIC: &str = "topic";
/// The `mode:` choices' values.
pub const MODES: [(&str, &str); 3] = [
    ("guarded", "Guarded: staff read, only the claimer writes"),
    ("label", "Label: everyone keeps writing"),
    ("private", "Private: only the claimer among staff sees it"),
];

pub const PRIORITY: &str = "priority";
pub const LEVEL: &str = "level";
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
pub const RENAME: &str = "rename";
pub const NAME: &str = "name";

fn choices(
    values: &[(&str, &str)],
) -> Vec<twilight_model::application::command::CommandOptionChoice> {
    use twilight_model::application::command::{CommandOptionChoice, CommandOptionChoiceValue};
    values
        .iter()
        .map(|(value, name)| CommandOptionChoice {
            name: (*name).to_owned(),
            name_localizations: None,
            value: CommandOptionChoiceValue::String((*value).to_owned()),
        })
        .collect()
}

pub const LIST: &str = "list";
/// `/tickets move topic:`: to another topic (its category and claim mode).
pub const MOVE: &str = "move";
/// `/tickets notes`: the ticket's staff notes thread.
pub const NOTES: &str = "notes";
pub const CLAIMER: &str = "claimer";
/// `/tickets stats user:`: one staff member's figures.
pub const USER: &str = "user";
/// `stats period:`: how far back.
pub const PERIOD: &str = "period";
pub const OLDER_THAN_HOURS: &str = "older_than_hours";
pub const PAGE: &str = "page";

/// `/tickets list` and its filters (staff).
fn list_subcommand() -> CommandOption {
    let mut level = option(CommandOptionType::String, PRIORITY, "Only this priority");
    level.choices = Some(choices(&PRIORITIES.map(|p| (p, p))));
    let claimer = option(
        CommandOptionType::User,
        CLAIMER,
        "Only tickets this member claimed",
    );
    let mut topic = option(
        CommandOptionType::String,
        TOPIC,
        "Only this topic (its name)",
    );
    topic.max_length = Some(crate::domain::limits::TOPIC_NAME_MAX as u16);
    let mut older = option(
        CommandOptionType::Integer,
        OLDER_THAN_HOURS,
        "Only tickets opened at least this many hours ago",
    );
    older.min_value = Some(CommandOptionValue::Integer(1));
    let mut page = option(CommandOptionType::Integer, PAGE, "Which page of the list");
    page.min_value = Some(CommandOptionValue::Integer(1));
    subcommand(
        LIST,
        "List open tickets, most urgent first (staff)",
        vec![level, claimer, topic, older, page],
    )
}

/// `/tickets priority level:`, `/tickets rename name:` and `/tickets list` (staff).
fn priority_and_rename() -> [CommandOption; 5] {
    let mut level = option(CommandOptionType::String, LEVEL, "How urgent the ticket is");
    level.required = Some(true);
    level.choices = Some(choices(&PRIORITIES.map(|p| (p, p))));
    let mut name = option(CommandOptionType::String, NAME, "The channel's new name");
    name.required = Some(true);
    name.max_length = Some(crate::domain::rename::NAME_MAX as u16);
    [
        subcommand(PRIORITY, "Set this ticket's priority (staff)", vec![level]),
        subcommand(
            RENAME,
            "Rename this ticket's channel (staff; Discord allows 2 per 10 minutes)",
            vec![name],
        ),
        list_subcommand(),
        move_subcommand(),
        subcommand(
            NOTES,
            "Open this ticket's staff notes, a thread only staff see (staff)",
            Vec::new(),
        ),
    ]
}

fn move_subcommand() -> CommandOption {
    let mut topic = option(CommandOptionType::String, TOPIC, "The topic to move it to");
    topic.required = Some(true);
    // The server's topics are offered as staff type.
    topic.autocomplete = Some(true);
    topic.max_length = Some(crate::domain::limits::TOPIC_NAME_MAX as u16);
    subcommand(
        MOVE,
        "Move this ticket to another topic (staff)",
        vec![topic],
    )
}

fn claim_mode_subcommand() -> CommandOption {
    let mut mode = option(CommandOptionType::String, MODE, "What a claim does");
    mode.required = Some(true);
    mode.choices = Some(choices(&MODES));
    let mut topic = option(
        CommandOptionType::String,
        TOPIC,
        "Only for this topic (its name); the server's mode otherwise",
    );
    topic.max_length = Some(crate::domain::limits::TOPIC_NAME_MAX as u16);
    subcommand(
        CLAIM_MODE,
        "Choose what claiming a ticket does, server-wide or for one topic",
        vec![mode, topic],
    )
}

/// An optional `reason:` of at most `max` characters.
fn reason_option(max: usize, description: &str) -> CommandOption {
    let mut reason = option(CommandOptionType::String, REASON, description);
    reason.max_length = Some(max as u16);
    reason
}
/// `hours:` of `request-close`, in Discord's own range check.
fn request_delay_option() -> CommandOption {
    let mut hours = option(
        CommandOptionType::Integer,
        HOURS,
        "Close by itself after this many hours unless the other side replies",
    );
    hours.min_value = Some(CommandOptionValue::Integer(1));
    hours.max_value = Some(CommandOptionValue::Integer(i64::from(
        crate::domain::limits::REQUEST_DELAY_HOURS_MAX,
    )));
    hours
}

/// The `transcript` subcommand's option.
pub const NUMBER: &str = "number";
pub const AUTOCLOSE: &str = "autoclose";
// The `autoclose` subcommand's option is [`MODE`] too: [`ON`] or [`OFF`].
pub const ON: &str = "on";
pub const OFF: &str = "off";

fn subcommand(name: &str, description: &str, options: Vec<CommandOption>) -> CommandOption {
    let mut sub = option(CommandOptionType::SubCommand, name, description);
    sub.options = Some(options);
    sub
}

/// `period:` of `stats`: day, week, month or all (the default).
fn period_option() -> CommandOption {
    let mut period = option(
        CommandOptionType::String,
        PERIOD,
        "Only tickets opened in this period",
    );
    let periods = crate::domain::stats::Period::ALL.map(|p| (p.as_str(), p.as_str()));
    period.choices = Some(choices(&periods));
    period
}

/// `transcript number:N`, shared by `/ticket` and `/tickets`.
fn transcript_subcommand(description: &str) -> CommandOption {
    let mut number = option(CommandOptionType::Integer, NUMBER, "The ticket number");
    number.required = Some(true);
    number.min_value = Some(CommandOptionValue::Integer(1));
    subcommand(TRANSCRIPT, description, vec![number])
}

/// `autoclose mode:on|off`: include this ticket in, or exclude it from, the inactivity warning
/// and close.
fn autoclose_subcommand() -> CommandOption {
    use twilight_model::application::command::{CommandOptionChoice, CommandOptionChoiceValue};
    let choice = |value: &str| CommandOptionChoice {
        name: value.to_owned(),
        name_localizations: None,
        value: CommandOptionChoiceValue::String(value.to_owned()),
    };
    let mut mode = option(
        CommandOptionType::String,
        MODE,
        "off: never warn or close this ticket for inactivity; on: again",
    );
    mode.required = Some(true);
    mode.choices = Some(vec![choice(ON), choice(OFF)]);
    subcommand(
        AUTOCLOSE,
        "Inactivity warning and close for this ticket (staff)",
        vec![mode],
    )
}

#[allow(deprecated)] // `dm_permission` must be named; `contexts` carries the meaning
fn guild_command(
    name: &str,
    description: &str,
    default_member_permissions: Option<Permissions>,
    options: Vec<CommandOption>,
) -> Command {
    Command {
        application_id: None,
        contexts: Some(vec![InteractionContextType::Guild]),
        default_member_permissions,
        description: description.to_owned(),
        description_localizations: None,
        dm_permission: None,
        guild_id: None,
        id: None,
        integration_types: None,
        kind: CommandType::ChatInput,
        name: name.to_owned(),
        name_localizations: None,
        nsfw: None,
        options,
        version: Id::new(1),
    }
}

/// `/ticket menu | panel | transcript number:N | stats`, visible by default to Manage Server holders.
pub fn ticket_command() -> Command {
    guild_command(
        TICKET,
        "Ticket system: setup, management and transcripts",
        Some(Permissions::MANAGE_GUILD),
        vec![
            subcommand(MENU, "Open the ticket hub: setup and manage", Vec::new()),
            subcommand(
                PANEL,
                "Post an Open a ticket panel in this channel",
                Vec::new(),
            ),
            transcript_subcommand("Get the transcript of a closed ticket"),
            subcommand(
                STATS,
                "A link to this server's ticket statistics",
                vec![period_option()],
            ),
            claim_mode_subcommand(),
        ],
    )
}

/// `/tickets manage | transcript number:N | stats`: the staff commands. `/ticket` is hidden from members
/// without Manage Server, so staff who are staff only by role reach these here instead; Discord
/// shows them to everyone and the bot refuses whoever is not staff.
pub fn tickets_command() -> Command {
    guild_command(
        TICKETS,
        "Ticket staff tools: manage and transcripts",
        None,
        vec![
            subcommand(
                MANAGE,
                "Manage tickets: close, close all, add or remove users (staff)",
                Vec::new(),
            ),
            transcript_subcommand("Get the transcript of a closed ticket (staff)"),
            subcommand(
                STATS,
                "A link to this server's ticket statistics, or one staff member's figures (staff)",
                vec![
                    period_option(),
                    option(
                        CommandOptionType::User,
                        USER,
                        "Only this staff member's figures",
                    ),
                ],
            ),
            autoclose_subcommand(),
            subcommand(CLAIM, "Claim this ticket (staff)", Vec::new()),
            subcommand(UNCLAIM, "Release your claim on this ticket", Vec::new()),
            subcommand(
                TRANSFER,
                "Hand this ticket's claim to another staff member",
                Vec::new(),
            ),
            subcommand(
                CLOSE,
                "Close this ticket now, with an optional reason (staff)",
                vec![CommandOption {
                    // Suggests the server's most used reasons as staff type.
                    autocomplete: Some(true),
                    ..reason_option(
                        crate::domain::limits::REASON_MAX,
                        "Why it is closed (shown in the log, transcript and DM)",
                    )
                }],
            ),
            subcommand(
                REQUEST_CLOSE,
                "Ask the other side to confirm closing this ticket",
                vec![
                    reason_option(
                        crate::domain::limits::REQUEST_REASON_MAX,
                        "Why it can be closed",
                    ),
                    request_delay_option(),
                ],
            ),
        ]
        .into_iter()
        .chain(priority_and_rename())
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Discord refuses a command whose names are not lowercase 1–32 chars or whose descriptions
    /// exceed 100 chars; a refused bulk overwrite would leave the bot without commands.
    #[test]
    fn commands_fit_discord_limits() {
        fn check(name: &str, description: &str) {
            assert!((1..=32).contains(&name.len()), "{name}");
            assert_eq!(name, name.to_lowercase(), "{name}");
            assert!(
                (1..=100).contains(&description.chars().count()),
                "{description}"
            );
        }
        for command in [ticket_command(), tickets_command()] {
            check(&command.name, &command.description);
            assert!(command.options.len() <= 25);
            for sub in &command.options {
                check(&sub.name, &sub.description);
                for option in sub.options.iter().flatten() {
                    check(&option.name, &option.description);
                }
            }
        }
        assert_eq!(
            ticket_command().default_member_permissions,
            Some(Permissions::MANAGE_GUILD)
        );
        assert_eq!(tickets_command().default_member_permissions, None);
    }
}
