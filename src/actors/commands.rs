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

/// `/ticket menu | panel | transcript number:N`, visible by default to Manage Server holders.
#[allow(deprecated)] // `dm_permission` must be named; `contexts` carries the meaning
pub fn ticket_command() -> Command {
    let mut number = option(CommandOptionType::Integer, "number", "The ticket number");
    number.required = Some(true);
    number.min_value = Some(CommandOptionValue::Integer(1));
    let mut transcript = option(
        CommandOptionType::SubCommand,
        "transcript",
        "Get the transcript of a closed ticket",
    );
    transcript.options = Some(vec![number]);
    let mut menu = option(
        CommandOptionType::SubCommand,
        "menu",
        "Open the ticket hub: setup and manage",
    );
    menu.options = Some(Vec::new());
    let mut panel = option(
        CommandOptionType::SubCommand,
        "panel",
        "Post an Open a ticket panel in this channel",
    );
    panel.options = Some(Vec::new());
    Command {
        application_id: None,
        contexts: Some(vec![InteractionContextType::Guild]),
        default_member_permissions: Some(Permissions::MANAGE_GUILD),
        description: "Ticket system: setup, management and transcripts".to_owned(),
        description_localizations: None,
        dm_permission: None,
        guild_id: None,
        id: None,
        integration_types: None,
        kind: CommandType::ChatInput,
        name: "ticket".to_owned(),
        name_localizations: None,
        nsfw: None,
        options: vec![menu, panel, transcript],
        version: Id::new(1),
    }
}

/// `/tickets manage | transcript number:N`: the staff commands. `/ticket` is hidden from members
/// without Manage Server, so staff who are staff only by role reach these here instead; Discord
/// shows them to everyone and the bot refuses whoever is not staff.
#[allow(deprecated)] // `dm_permission` must be named; `contexts` carries the meaning
pub fn tickets_command() -> Command {
    let mut number = option(CommandOptionType::Integer, "number", "The ticket number");
    number.required = Some(true);
    number.min_value = Some(CommandOptionValue::Integer(1));
    let mut transcript = option(
        CommandOptionType::SubCommand,
        "transcript",
        "Get the transcript of a closed ticket (staff)",
    );
    transcript.options = Some(vec![number]);
    let mut manage = option(
        CommandOptionType::SubCommand,
        "manage",
        "Manage tickets: close, close all, add or remove users (staff)",
    );
    manage.options = Some(Vec::new());
    Command {
        application_id: None,
        contexts: Some(vec![InteractionContextType::Guild]),
        default_member_permissions: None,
        description: "Ticket staff tools: manage and transcripts".to_owned(),
        description_localizations: None,
        dm_permission: None,
        guild_id: None,
        id: None,
        integration_types: None,
        kind: CommandType::ChatInput,
        name: "tickets".to_owned(),
        name_localizations: None,
        nsfw: None,
        options: vec![manage, transcript],
        version: Id::new(1),
    }
}
