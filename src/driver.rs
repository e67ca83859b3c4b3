//! What people do, through the simulator's control API: post a panel, set staff roles, click
//! Open, press a ticket's buttons, and wait for the bot's answers. Shared by the demo, the
//! integration tests and the benchmarks, so each drives the bot exactly as a person would.

pub mod harness;

use std::time::Duration;

use serde_json::{Value, json};

use crate::{
    domain::custom_id::{self, Action, HubChoice, SetupChoice, fields},
    sim::{
        SeededGuild,
        client::{InteractionOutcome, SimClient, SimClientError},
    },
};

/// Why a person's step did not get the answer they expected.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("the simulator refused the step: {0}")]
    Sim(#[from] SimClientError),
    #[error("interaction {id} was not answered in time (state {state})")]
    NotAnswered { id: u64, state: String },
    #[error("interaction {id} never said {expected:?}; last answer: {last:?}")]
    Unexpected {
        id: u64,
        expected: String,
        last: String,
    },
    #[error("the bot refused {what}: {answer:?}")]
    Refused { what: &'static str, answer: String },
    #[error("no button or menu matching {0} was found")]
    NoSuchComponent(&'static str),
}

pub type DriverResult<T> = Result<T, DriverError>;

/// How long a person waits for the final answer after the acknowledgement.
const ANSWER_WAIT: Duration = Duration::from_secs(30);

/// How often a waiting person looks again.
const POLL: Duration = Duration::from_millis(25);

/// Polls `check` every [`POLL`] until it yields a value or `timeout` passes (`None`): waiting for
/// something to show without guessing a sleep.
pub async fn poll_until<T, F, Fut>(timeout: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The first enabled component (by message order) whose custom id decodes to an action `wanted`
/// accepts: `(message id, custom id)`. This is how a person finds the button they mean; a
/// disabled one cannot be pressed.
pub fn find_action(messages: &[Value], wanted: impl Fn(&Action) -> bool) -> Option<(u64, String)> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(id)) = map.get("custom_id")
                    && map.get("disabled").and_then(Value::as_bool) != Some(true)
                {
                    out.push(id.clone());
                }
                for v in map.values() {
                    walk(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    messages.iter().find_map(|m| {
        let mut ids = Vec::new();
        walk(m.get("components")?, &mut ids);
        let id = ids
            .into_iter()
            .find(|id| custom_id::decode(id).is_ok_and(|a| wanted(&a)))?;
        Some((m.get("id")?.as_str()?.parse().ok()?, id))
    })
}

/// Every button and menu in `messages`, in message order: `(message id, action, enabled)`.
pub fn buttons(messages: &[Value]) -> Vec<(u64, Action, bool)> {
    let mut out = Vec::new();
    for m in messages {
        let Some(message) = m["id"].as_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        for row in m["components"].as_array().into_iter().flatten() {
            for b in row["components"].as_array().into_iter().flatten() {
                if let Some(Ok(action)) = b["custom_id"].as_str().map(custom_id::decode) {
                    let enabled = b["disabled"].as_bool() != Some(true);
                    out.push((message, action, enabled));
                }
            }
        }
    }
    out
}

/// Whether an answer is a waiting-line update rather than the final answer.
pub fn is_place_in_line(text: &str) -> bool {
    text.contains(" in line (")
}

/// The channel id in a `https://discord.com/channels/G/C` link inside `text`.
pub fn channel_from_link(text: &str) -> Option<u64> {
    let start = text.find("/channels/")? + "/channels/".len();
    let mut parts = text[start..].split('/');
    let _guild = parts.next()?;
    let channel: String = parts
        .next()?
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    channel.parse().ok()
}

/// The text of a message (empty when there is none).
pub fn message_text(message: Option<&Value>) -> String {
    message
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

fn content(outcome: &InteractionOutcome) -> String {
    message_text(outcome.message.as_ref())
}

/// The ticket channels (named `ticket-…`) among `channels`: `(name, id)`.
pub fn ticket_channels(channels: &[Value]) -> Vec<(String, u64)> {
    channels
        .iter()
        .filter_map(|c| {
            let name = c.get("name")?.as_str()?;
            name.starts_with("ticket-").then(|| {
                let id = c["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
                (name.to_owned(), id)
            })
        })
        .collect()
}

/// The acknowledgement: waits until the interaction got its initial response.
pub async fn acknowledged(client: &SimClient, id: u64) -> DriverResult<InteractionOutcome> {
    let outcome = client.wait_interaction(id, 10_000).await?;
    if outcome.state != "responded" {
        return Err(DriverError::NotAnswered {
            id,
            state: outcome.state,
        });
    }
    Ok(outcome)
}

/// Waits for the interaction's message to satisfy `done`; returns (ack ms, final text).
pub async fn answer_where(
    client: &SimClient,
    id: u64,
    expected: &str,
    done: impl Fn(&str) -> bool,
) -> DriverResult<(u64, String)> {
    let first = acknowledged(client, id).await?;
    let ack_ms = first.ack_ms.unwrap_or(0);
    let deadline = tokio::time::Instant::now() + ANSWER_WAIT;
    let mut last = content(&first);
    loop {
        if done(&last) {
            return Ok((ack_ms, last));
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(DriverError::Unexpected {
                id,
                expected: expected.to_owned(),
                last,
            });
        }
        tokio::time::sleep(POLL).await;
        last = content(&client.wait_interaction(id, 0).await?);
    }
}

/// Waits for the answer text that contains `needle`.
pub async fn answer_containing(client: &SimClient, id: u64, needle: &str) -> DriverResult<String> {
    Ok(answer_where(client, id, needle, |t| t.contains(needle))
        .await?
        .1)
}

/// Waits for the first non-empty answer text.
pub async fn answer(client: &SimClient, id: u64) -> DriverResult<(u64, String)> {
    answer_where(client, id, "any answer", |t| !t.is_empty()).await
}

/// The id of the message an interaction's response created or updated.
pub async fn response_message(client: &SimClient, id: u64) -> DriverResult<u64> {
    let outcome = acknowledged(client, id).await?;
    outcome
        .message
        .as_ref()
        .and_then(|m| m["id"].as_str())
        .and_then(|s| s.parse().ok())
        .ok_or(DriverError::NoSuchComponent("a response message"))
}

/// The modal the interaction was answered with.
pub async fn modal(client: &SimClient, id: u64) -> DriverResult<Value> {
    let outcome = acknowledged(client, id).await?;
    outcome.modal.ok_or(DriverError::NoSuchComponent("a modal"))
}

fn subcommand(name: &str) -> Value {
    json!([{"name": name, "type": 1, "options": []}])
}

/// The owner picks `values` in the select `action` on the hub message `hub` in `channel`;
/// returns the interaction id.
pub async fn owner_selects(
    client: &SimClient,
    g: &SeededGuild,
    channel: u64,
    hub: u64,
    action: &Action,
    values: &[String],
) -> DriverResult<u64> {
    Ok(client
        .select(
            g.guild_id,
            channel,
            g.owner_id,
            hub,
            &custom_id::encode(action),
            values,
        )
        .await?)
}

/// `user` runs `/ticket menu` in `channel`; returns the hub message id.
pub async fn menu(client: &SimClient, guild: u64, channel: u64, user: u64) -> DriverResult<u64> {
    let id = client
        .command(guild, channel, user, "ticket", subcommand("menu"))
        .await?;
    response_message(client, id).await
}

/// The owner opens `/ticket menu` in `channel` and picks `choice` (Setup or Manage); returns the
/// hub message id, on which the next menu now is.
pub async fn open_hub(
    client: &SimClient,
    g: &SeededGuild,
    channel: u64,
    choice: HubChoice,
) -> DriverResult<u64> {
    let hub = menu(client, g.guild_id, channel, g.owner_id).await?;
    let id = owner_selects(
        client,
        g,
        channel,
        hub,
        &Action::HubMenu,
        &[choice.as_str().into()],
    )
    .await?;
    acknowledged(client, id).await?;
    Ok(hub)
}

/// The owner opens `/ticket menu` and walks Setup → `choice`; returns the hub message id.
pub async fn open_setup(
    client: &SimClient,
    g: &SeededGuild,
    choice: SetupChoice,
) -> DriverResult<(u64, u64)> {
    let channel = g.general_channel_id;
    let hub = open_hub(client, g, channel, HubChoice::Setup).await?;
    let id = owner_selects(
        client,
        g,
        channel,
        hub,
        &Action::SetupMenu,
        &[choice.as_str().into()],
    )
    .await?;
    acknowledged(client, id).await?;
    Ok((hub, id))
}

/// The owner walks Setup → `choice`, picks `values` in the select `action` on the hub, and
/// waits for the answer containing `saved`.
async fn setup_select(
    client: &SimClient,
    g: &SeededGuild,
    choice: SetupChoice,
    action: &Action,
    values: &[String],
    saved: &str,
) -> DriverResult<()> {
    let (hub, _) = open_setup(client, g, choice).await?;
    let id = owner_selects(client, g, g.general_channel_id, hub, action, values).await?;
    answer_where(client, id, saved, |t| t.contains(saved)).await?;
    Ok(())
}

/// The owner makes `panel`'s tickets private threads in `channel`: Setup → Edit a posted
/// panel → the panel → the thread channel select. Returns the bot's answer (a refusal names the
/// permission the bot lacks there).
pub async fn set_panel_threads(
    client: &SimClient,
    g: &SeededGuild,
    panel: u64,
    channel: u64,
) -> DriverResult<String> {
    let (hub, id) = open_setup(client, g, SetupChoice::PanelEdit).await?;
    answer_where(client, id, "the panel list", |t| t.contains("panel")).await?;
    let general = g.general_channel_id;
    let pick = [panel.to_string()];
    let id = owner_selects(client, g, general, hub, &Action::PanelEditSelect, &pick).await?;
    answer_where(client, id, "the panel's settings", |t| t.contains("<#")).await?;
    let threads = Action::PanelThreadsSelect { message: panel };
    let id = owner_selects(client, g, general, hub, &threads, &[channel.to_string()]).await?;
    let done = |t: &str| t.to_lowercase().contains("threads");
    Ok(answer_where(client, id, "the thread setting", done)
        .await?
        .1)
}

/// The owner makes the seeded staff role the guild's staff role.
pub async fn configure_staff(client: &SimClient, g: &SeededGuild) -> DriverResult<()> {
    set_staff_roles(client, g, &[g.staff_role_id]).await
}

/// The owner picks `roles` in Setup → Staff roles.
pub async fn set_staff_roles(
    client: &SimClient,
    g: &SeededGuild,
    roles: &[u64],
) -> DriverResult<()> {
    let roles: Vec<String> = roles.iter().map(u64::to_string).collect();
    setup_select(
        client,
        g,
        SetupChoice::StaffRoles,
        &Action::StaffRoleSelect,
        &roles,
        "Staff roles saved",
    )
    .await
}

/// The owner creates `#ticket-log` and picks it in Setup → Log channel; returns its id.
pub async fn set_log_channel(client: &SimClient, g: &SeededGuild) -> DriverResult<u64> {
    let log = client
        .create_channel(g.guild_id, "ticket-log", 0, None)
        .await?;
    let values = [log.to_string()];
    setup_select(
        client,
        g,
        SetupChoice::LogChannel,
        &Action::LogChannelSelect,
        &values,
        "will be logged",
    )
    .await?;
    Ok(log)
}

/// The owner opens Setup → `choice` and submits its modal `modal` with `values`; returns the
/// bot's answer.
async fn setup_modal(
    client: &SimClient,
    g: &SeededGuild,
    choice: SetupChoice,
    modal: &Action,
    values: &[(&str, &str)],
) -> DriverResult<String> {
    open_setup(client, g, choice).await?;
    let id = client
        .submit_modal(
            g.guild_id,
            g.general_channel_id,
            g.owner_id,
            &custom_id::encode(modal),
            values,
        )
        .await?;
    Ok(answer(client, id).await?.1)
}

/// The owner sets the limits through the limits modal; returns the bot's answer.
pub async fn set_limits(
    client: &SimClient,
    g: &SeededGuild,
    per_member: &str,
    per_guild: &str,
) -> DriverResult<String> {
    let values = [
        (fields::LIMIT_PER_MEMBER, per_member),
        (fields::LIMIT_PER_GUILD, per_guild),
    ];
    setup_modal(
        client,
        g,
        SetupChoice::Limits,
        &Action::LimitsModal,
        &values,
    )
    .await
}

/// The owner adds the topic `name` through Setup → Add topic; returns the bot's answer.
pub async fn add_topic(client: &SimClient, g: &SeededGuild, name: &str) -> DriverResult<String> {
    let values = [(fields::TOPIC_NAME, name)];
    setup_modal(
        client,
        g,
        SetupChoice::TopicAdd,
        &Action::TopicAddModal,
        &values,
    )
    .await
}

/// The owner adds a required short question `label` to the server-wide form through Setup →
/// Questions → Add; returns the bot's answer.
pub async fn add_question(
    client: &SimClient,
    g: &SeededGuild,
    label: &str,
) -> DriverResult<String> {
    let channel = g.general_channel_id;
    let (hub, _) = open_setup(client, g, SetupChoice::Questions).await?;
    let server_wide = ["0".to_owned()];
    let id = owner_selects(
        client,
        g,
        channel,
        hub,
        &Action::QuestionScopeSelect,
        &server_wide,
    );
    answer_where(client, id.await?, "the questions", |t| {
        t.contains("Questions for")
    })
    .await?;
    let add = custom_id::encode(&Action::QuestionAdd { scope: 0 });
    let id = client
        .click(g.guild_id, channel, g.owner_id, hub, &add)
        .await?;
    modal(client, id).await?;
    let form = custom_id::encode(&Action::QuestionModal { scope: 0, index: 0 });
    let values = [
        (fields::QUESTION_LABEL, label),
        (fields::QUESTION_LENGTHS, "1-100"),
        (fields::QUESTION_LONG, "no"),
        (fields::QUESTION_REQUIRED, "yes"),
    ];
    let id = client
        .submit_modal(g.guild_id, channel, g.owner_id, &form, &values)
        .await?;
    Ok(answer(client, id).await?.1)
}

/// The owner sets the ready-channel pool's size (`"0"`: off) through Setup → Ready channels;
/// returns the bot's answer.
pub async fn set_ready(client: &SimClient, g: &SeededGuild, size: &str) -> DriverResult<String> {
    let values = [(fields::READY_SIZE, size)];
    setup_modal(
        client,
        g,
        SetupChoice::ReadyChannels,
        &Action::ReadyModal,
        &values,
    )
    .await
}

/// The owner posts a panel in #general with `/ticket panel`; returns the panel message id.
pub async fn post_panel(client: &SimClient, g: &SeededGuild) -> DriverResult<u64> {
    let id = client
        .command(
            g.guild_id,
            g.general_channel_id,
            g.owner_id,
            "ticket",
            subcommand("panel"),
        )
        .await?;
    answer_where(client, id, "Panel posted", |t| t.contains("Panel posted")).await?;
    let messages = client.channel_messages(g.general_channel_id).await?;
    find_action(&messages, |a| *a == Action::OpenTicket)
        .map(|(m, _)| m)
        .ok_or(DriverError::NoSuchComponent("Open a ticket"))
}

/// A member clicks the panel's Open button; returns the interaction id.
pub async fn click_panel(
    client: &SimClient,
    g: &SeededGuild,
    panel: u64,
    member: u64,
) -> DriverResult<u64> {
    Ok(client
        .click(
            g.guild_id,
            g.general_channel_id,
            member,
            panel,
            &custom_id::encode(&Action::OpenTicket),
        )
        .await?)
}

/// A member clicks Open; returns (ack ms, answer text).
pub async fn click_open(
    client: &SimClient,
    g: &SeededGuild,
    panel: u64,
    member: u64,
) -> DriverResult<(u64, String)> {
    let id = click_panel(client, g, panel, member).await?;
    // The deferred answer is edited to the channel link or a refusal, possibly after a while
    // of "number N in line" updates.
    answer_where(client, id, "a ticket link or a refusal", |t| {
        !t.is_empty() && !is_place_in_line(t)
    })
    .await
}

/// A person presses the first button in `channel` matching `wanted`; returns the answer text.
pub async fn press(
    client: &SimClient,
    guild: u64,
    channel: u64,
    user: u64,
    what: &'static str,
    wanted: impl Fn(&Action) -> bool,
) -> DriverResult<String> {
    let messages = client.channel_messages(channel).await?;
    let (message, custom_id) =
        find_action(&messages, wanted).ok_or(DriverError::NoSuchComponent(what))?;
    let id = client
        .click(guild, channel, user, message, &custom_id)
        .await?;
    Ok(answer(client, id).await?.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_links_are_parsed() {
        assert_eq!(
            channel_from_link("Your ticket #1 is open: https://discord.com/channels/5/77"),
            Some(77)
        );
        assert_eq!(channel_from_link("no link"), None);
        assert_eq!(channel_from_link("https://discord.com/channels/5/"), None);
    }

    #[test]
    fn components_are_found_by_action() {
        let messages = vec![
            json!({"id": "1", "components": []}),
            json!({"id": "2", "components": [{"type": 1, "components": [
                {"type": 2, "custom_id": "not-ours"},
                {"type": 2, "custom_id": custom_id::encode(&Action::Close { ticket: 7 })}
            ]}]}),
        ];
        let found = find_action(&messages, |a| matches!(a, Action::Close { .. }));
        assert_eq!(
            found,
            Some((2, custom_id::encode(&Action::Close { ticket: 7 })))
        );
        let retired = vec![json!({"id": "3", "components": [{"type": 1, "components": [
            {"type": 2, "disabled": true, "custom_id": custom_id::encode(&Action::Close { ticket: 7 })}
        ]}]})];
        assert_eq!(
            find_action(&retired, |a| matches!(a, Action::Close { .. })),
            None,
            "a disabled button cannot be pressed"
        );
        assert_eq!(find_action(&messages, |a| *a == Action::OpenTicket), None);
    }
}
