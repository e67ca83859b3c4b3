//! What the router hands a guild actor: one interaction, flattened from twilight's model into the
//! few fields the bot decides on. Parsing lives here so actors never dig through `Interaction`.

use std::collections::BTreeMap;

use crate::ui::text::Lang;
use twilight_model::application::interaction::{
    Interaction, InteractionData, InteractionType,
    application_command::{CommandDataOption, CommandOptionValue},
    modal::ModalInteractionComponent,
};

/// One person's interaction inside a guild.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub id: u64,
    pub token: String,
    pub guild: u64,
    pub channel: u64,
    pub user: u64,
    pub user_name: String,
    pub roles: Vec<u64>,
    /// The member's computed permissions in this channel, as Discord sends them.
    pub permissions: u64,
    /// The bot's computed permissions in this channel (`app_permissions`), when sent.
    pub app_permissions: Option<u64>,
    pub kind: IncomingKind,
    /// Users a select resolved that are bots (skipped when adding people to a ticket).
    pub resolved_bots: Vec<u64>,
    /// The member's Discord language: what their ephemeral answers are written in.
    pub locale: Lang,
    /// The server's preferred locale (`guild_locale`; English when the bot does not speak it),
    /// `None` when Discord did not send one: what channel messages are written in unless the
    /// server chose a language in Setup.
    pub guild_locale: Option<Lang>,
    /// Members a user select resolved: `(user, roles, permissions)`, to tell staff apart.
    pub resolved_members: Vec<(u64, Vec<u64>, u64)>,
    /// Sent from a DM (feedback on a close DM): `guild` is the one its custom id names, not
    /// one Discord vouches the bot is in.
    pub in_dm: bool,
}

impl Incoming {
    /// A slash command's option `name`, as its value's text; `None` for anything else.
    pub fn option(&self, name: &str) -> Option<&str> {
        match &self.kind {
            IncomingKind::Command { options, .. } => options.get(name).map(String::as_str),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum IncomingKind {
    /// A slash command; `path` is the command name followed by subcommand names.
    Command {
        path: Vec<String>,
        options: BTreeMap<String, String>,
    },
    Component {
        custom_id: String,
        message: u64,
        values: Vec<String>,
    },
    Modal {
        custom_id: String,
        fields: BTreeMap<String, String>,
    },
    /// A command option being typed: `focused` is its name, `value` what is typed so far.
    Autocomplete {
        path: Vec<String>,
        focused: String,
        value: String,
    },
}

/// Why an interaction could not be turned into an [`Incoming`].
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum IncomingError {
    #[error("interaction outside a guild")]
    NotInGuild,
    #[error("interaction without the data its type requires")]
    Malformed,
    #[error("interaction type {0} is not handled")]
    Unsupported(u8),
}

pub fn parse(interaction: &Interaction) -> Result<Incoming, IncomingError> {
    let kind = match (interaction.kind, interaction.data.as_ref()) {
        (InteractionType::ApplicationCommand, Some(InteractionData::ApplicationCommand(data))) => {
            let mut path = vec![data.name.clone()];
            let mut options = BTreeMap::new();
            flatten_options(&data.options, &mut path, &mut options);
            IncomingKind::Command { path, options }
        }
        (InteractionType::MessageComponent, Some(InteractionData::MessageComponent(data))) => {
            IncomingKind::Component {
                custom_id: data.custom_id.clone(),
                message: interaction
                    .message
                    .as_ref()
                    .map(|m| m.id.get())
                    .unwrap_or(0),
                values: data.values.clone(),
            }
        }
        (InteractionType::ModalSubmit, Some(InteractionData::ModalSubmit(data))) => {
            let mut fields = BTreeMap::new();
            for component in &data.components {
                collect_modal_values(component, &mut fields);
            }
            IncomingKind::Modal {
                custom_id: data.custom_id.clone(),
                fields,
            }
        }
        (
            InteractionType::ApplicationCommandAutocomplete,
            Some(InteractionData::ApplicationCommand(data)),
        ) => {
            let mut path = vec![data.name.clone()];
            let mut focused = None;
            focused_option(&data.options, &mut path, &mut focused);
            let (focused, value) = focused.ok_or(IncomingError::Malformed)?;
            IncomingKind::Autocomplete {
                path,
                focused,
                value,
            }
        }
        (InteractionType::Ping, _) => return Err(IncomingError::Unsupported(1)),
        (kind, None) | (kind, Some(_))
            if matches!(
                kind,
                InteractionType::ApplicationCommand
                    | InteractionType::MessageComponent
                    | InteractionType::ModalSubmit
            ) =>
        {
            return Err(IncomingError::Malformed);
        }
        (kind, _) => return Err(IncomingError::Unsupported(kind as u8)),
    };
    let (guild, member) = match (interaction.guild_id, interaction.member.as_ref()) {
        (Some(guild), Some(member)) => (guild.get(), Some(member)),
        (Some(_), None) => return Err(IncomingError::Malformed),
        // In a DM only feedback is understood; its custom id names the server.
        (None, _) => (dm_guild(&kind).ok_or(IncomingError::NotInGuild)?, None),
    };
    let user = member
        .and_then(|m| m.user.as_ref())
        .or(interaction.user.as_ref())
        .ok_or(IncomingError::Malformed)?;
    Ok(Incoming {
        id: interaction.id.get(),
        token: interaction.token.clone(),
        guild,
        channel: interaction
            .channel
            .as_ref()
            .map(|c| c.id.get())
            .unwrap_or(0),
        user: user.id.get(),
        user_name: user.name.clone(),
        roles: member
            .map(|m| m.roles.iter().map(|r| r.get()).collect())
            .unwrap_or_default(),
        permissions: member.and_then(|m| m.permissions).map_or(0, |p| p.bits()),
        app_permissions: interaction.app_permissions.map(|p| p.bits()),
        kind,
        resolved_bots: resolved_bots(interaction),
        locale: Lang::or_english(interaction.locale.as_deref()),
        guild_locale: interaction
            .guild_locale
            .as_deref()
            .map(|locale| Lang::or_english(Some(locale))),
        resolved_members: resolved_members(interaction),
        in_dm: member.is_none(),
    })
}

/// The server a DM component or modal names (feedback on a close DM), if it is one.
fn dm_guild(kind: &IncomingKind) -> Option<u64> {
    let custom_id = match kind {
        IncomingKind::Component { custom_id, .. } | IncomingKind::Modal { custom_id, .. } => {
            custom_id
        }
        _ => return None,
    };
    crate::domain::custom_id::decode(custom_id).ok()?.dm_guild()
}

fn resolved_bots(interaction: &Interaction) -> Vec<u64> {
    match interaction.data.as_ref() {
        Some(InteractionData::MessageComponent(data)) => data
            .resolved
            .as_ref()
            .map(|r| {
                r.users
                    .values()
                    .filter(|u| u.bot)
                    .map(|u| u.id.get())
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn resolved_members(interaction: &Interaction) -> Vec<(u64, Vec<u64>, u64)> {
    match interaction.data.as_ref() {
        Some(InteractionData::MessageComponent(data)) => data
            .resolved
            .as_ref()
            .map(|r| {
                r.members
                    .iter()
                    .map(|(id, m)| {
                        (
                            id.get(),
                            m.roles.iter().map(|r| r.get()).collect(),
                            m.permissions.bits(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The subcommand path to the focused option, and its `(name, typed value)`.
fn focused_option(
    options: &[CommandDataOption],
    path: &mut Vec<String>,
    out: &mut Option<(String, String)>,
) {
    for option in options {
        match &option.value {
            CommandOptionValue::SubCommand(inner) | CommandOptionValue::SubCommandGroup(inner) => {
                path.push(option.name.clone());
                focused_option(inner, path, out);
            }
            CommandOptionValue::Focused(typed, _) => {
                *out = Some((option.name.clone(), typed.clone()));
            }
            _ => {}
        }
    }
}

fn flatten_options(
    options: &[CommandDataOption],
    path: &mut Vec<String>,
    out: &mut BTreeMap<String, String>,
) {
    for option in options {
        match &option.value {
            CommandOptionValue::SubCommand(inner) | CommandOptionValue::SubCommandGroup(inner) => {
                path.push(option.name.clone());
                flatten_options(inner, path, out);
            }
            CommandOptionValue::Integer(i) => {
                out.insert(option.name.clone(), i.to_string());
            }
            CommandOptionValue::String(s) => {
                out.insert(option.name.clone(), s.clone());
            }
            CommandOptionValue::Boolean(b) => {
                out.insert(option.name.clone(), b.to_string());
            }
            CommandOptionValue::Number(n) => {
                out.insert(option.name.clone(), n.to_string());
            }
            CommandOptionValue::User(id) => {
                out.insert(option.name.clone(), id.to_string());
            }
            CommandOptionValue::Channel(id) => {
                out.insert(option.name.clone(), id.to_string());
            }
            CommandOptionValue::Role(id) => {
                out.insert(option.name.clone(), id.to_string());
            }
            _ => {}
        }
    }
}

fn collect_modal_values(component: &ModalInteractionComponent, out: &mut BTreeMap<String, String>) {
    match component {
        ModalInteractionComponent::ActionRow(row) => {
            for inner in &row.components {
                collect_modal_values(inner, out);
            }
        }
        ModalInteractionComponent::Label(label) => collect_modal_values(&label.component, out),
        ModalInteractionComponent::TextInput(input) => {
            out.insert(input.custom_id.clone(), input.value.clone());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command interaction as Discord sends it, with the given locale fields.
    fn command(locales: serde_json::Value) -> Interaction {
        let mut v = serde_json::json!({
            "id": "1", "application_id": "2", "type": 2, "token": "t", "version": 1,
            "guild_id": "3", "channel": {"id": "4", "type": 0},
            "data": {"id": "6", "name": "ticket", "type": 1},
            "member": {"user": {"id": "5", "username": "a", "discriminator": "0",
                "avatar": null}, "roles": [], "joined_at": "2020-01-01T00:00:00.000000+00:00",
                "deaf": false, "mute": false, "flags": 0, "permissions": "0"},
            "entitlements": [], "authorizing_integration_owners": {}, "context": 0,
            "attachment_size_limit": 10_485_760,
        });
        for (key, value) in locales.as_object().into_iter().flatten() {
            v[key] = value.clone();
        }
        serde_json::from_value(v).expect("an interaction")
    }

    #[test]
    fn the_members_and_the_servers_locales_become_languages() {
        let both = parse(&command(
            serde_json::json!({"locale": "de", "guild_locale": "fr"}),
        ));
        let both = both.expect("parsed");
        assert_eq!(
            (both.locale, both.guild_locale),
            (Lang::German, Some(Lang::French))
        );
        // A language the bot does not speak reads as English; a missing one stays unknown.
        let other = parse(&command(
            serde_json::json!({"locale": "ja", "guild_locale": "ko"}),
        ));
        let other = other.expect("parsed");
        assert_eq!(
            (other.locale, other.guild_locale),
            (Lang::English, Some(Lang::English))
        );
        let none = parse(&command(serde_json::json!({}))).expect("parsed");
        assert_eq!((none.locale, none.guild_locale), (Lang::English, None));
    }
}
