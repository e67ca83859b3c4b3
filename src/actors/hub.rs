//! The `/ticket` hub and member-facing menus: the guild actor's UI. Functions here run inside
//! the guild actor's handler with its state; they answer people on spawned tasks and change
//! settings through [`GuildState::save_settings`].

use ractor::{ActorProcessingErr, ActorRef};
use tracing::warn;
use twilight_model::channel::{
    ChannelType,
    message::{
        Component,
        component::{
            ActionRow, ButtonStyle, SelectMenu, SelectMenuType, TextInput, TextInputStyle,
        },
    },
};

use crate::{
    discord::{OutgoingMessage, button_row, codes},
    domain::{
        access,
        custom_id::{self, Action, HubChoice, ManageChoice, SetupChoice, fields},
        lifecycle, limits,
        model::{GuildSettings, Panel, Snowflake, Topic},
        naming, privileged,
    },
    store::CommitReceipt,
};

use super::{
    guild_state::{GuildState, string_select},
    incoming::{Incoming, IncomingKind},
    protocol::GuildMsg,
    ticket::{Person, TicketMsg},
};
use crate::discord::reply::{Reply, open_modal_now, reply_now, update_now};

/// How often a running close-all reports its progress.
const CLOSE_ALL_PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// `/ticket menu`: the admin hub (ephemeral).
pub fn show_hub(state: &GuildState, incoming: &Incoming) {
    let is_admin = access::is_admin(&GuildState::member(incoming));
    if !is_admin && !state.is_staff(incoming) {
        state.refuse(incoming, access::NOT_ADMIN.0);
        return;
    }
    // Staff without Manage Server reach Manage only; Setup stays with admins.
    let options = HubChoice::ALL
        .iter()
        .filter(|c| is_admin || **c == HubChoice::Manage)
        .map(|c| {
            let label = match c {
                HubChoice::Setup => "Setup",
                HubChoice::Manage => "Manage",
            };
            (c.as_str().to_owned(), label.to_owned())
        })
        .collect();
    let mut text = String::from("**Ticket hub**: choose what to do.");
    refresh_flags_if_off(state);
    for line in status_lines(state.ctx.discord.app_flags(), state.log_trouble()) {
        text.push_str("\n⚠️ ");
        text.push_str(&line);
    }
    reply_now(
        &state.ctx.discord,
        incoming,
        text,
        vec![string_select(
            custom_id::encode(&Action::HubMenu),
            "Setup or manage",
            options,
        )],
    );
}

/// What admins should know before anything else: things that fail without anyone seeing it.
fn status_lines(app_flags: u64, log_trouble: Option<String>) -> Vec<String> {
    let mut lines = Vec::new();
    if !privileged::message_content(app_flags) {
        lines.push(privileged::message_content_off_note());
    }
    if !privileged::server_members(app_flags) {
        lines.push(privileged::server_members_off_note());
    }
    lines.extend(log_trouble);
    lines
}

/// Re-reads the application's flags while Message Content is off: switched on in the portal
/// meanwhile, the next hub shows it, without a restart.
fn refresh_flags_if_off(state: &GuildState) {
    if privileged::message_content(state.ctx.discord.app_flags()) {
        return;
    }
    let discord = state.ctx.discord.clone();
    tokio::spawn(async move {
        if let Err(error) = discord.refresh_app_flags().await {
            warn!(%error, "could not re-read the application's flags");
        }
    });
}

/// Whether the bot holds `need` in `channel` (`known`: its permissions there, when the
/// interaction carried them). `Err` is the answer for the admin, naming what is missing.
async fn bot_can_use(
    state: &GuildState,
    channel: Snowflake,
    known: Option<u64>,
    need: u64,
    purpose: &str,
) -> Result<(), String> {
    let have = match known {
        Some(have) => have,
        None => match state
            .ctx
            .discord
            .bot_permissions_in(state.guild, channel)
            .await
        {
            Ok(have) => have,
            // Discord refuses to show the bot a channel it cannot view.
            Err(error) if error.code() == Some(codes::MISSING_ACCESS) => 0,
            Err(error) => {
                warn!(%error, channel, "could not check the bot's permissions");
                return Err(format!(
                    "I could not check my permissions in <#{channel}>: {}",
                    error.person_message()
                ));
            }
        },
    };
    let missing = access::missing_permissions(have, need);
    if missing.is_empty() {
        return Ok(());
    }
    warn!(
        channel,
        ?missing,
        purpose,
        "the bot lacks permissions in a chosen channel"
    );
    Err(format!(
        "I can't use <#{channel}> as {purpose}: I am missing **{}** there. Give me (or my role) {} in that channel's settings, or choose another channel.",
        missing.join("**, **"),
        if missing.len() == 1 {
            "that permission"
        } else {
            "those permissions"
        }
    ))
}

/// `/tickets manage`: the Manage menu straight away, for staff (by role or Manage Server). The
/// command is visible to everyone, so this check is the only gate.
pub fn show_manage(state: &GuildState, incoming: &Incoming) {
    if !state.is_staff(incoming) {
        warn!(
            user = incoming.user,
            "/tickets manage by a non-staff member refused"
        );
        state.refuse(incoming, access::NOT_STAFF.0);
        return;
    }
    reply_now(
        &state.ctx.discord,
        incoming,
        MANAGE_PROMPT.into(),
        vec![manage_menu()],
    );
}

const MANAGE_PROMPT: &str = "**Manage**: what do you want to do?";

fn manage_menu() -> Component {
    string_select(
        custom_id::encode(&Action::ManageMenu),
        "Choose an action",
        menu_options(ManageChoice::ALL, ManageChoice::as_str, manage_label),
    )
}

/// The topic choice shown to a member who clicks Open on a server with topics.
pub fn show_topic_picker(state: &GuildState, incoming: &Incoming, page: u32, in_place: bool) {
    let (options, has_prev, has_next) = topic_options(&state.settings.topics, page);
    let mut components = vec![string_select(
        custom_id::encode(&Action::PickTopic {
            opener: incoming.user,
        }),
        "Choose a topic",
        options,
    )];
    let page = limits::clamp_page(state.settings.topics.len(), page);
    let opener = incoming.user;
    components.extend(page_buttons(page, has_prev, has_next, |page| {
        Action::TopicPage { opener, page }
    }));
    let text = "What is your ticket about?".to_owned();
    if in_place {
        crate::discord::reply::update_now(&state.ctx.discord, incoming, text, components);
    } else {
        reply_now(&state.ctx.discord, incoming, text, components);
    }
}

/// The Previous / Next row under a paged list, if it has another page; `to` is the action
/// that shows a page. `page` is the page shown, already clamped.
fn page_buttons(
    page: u32,
    prev: bool,
    next: bool,
    to: impl Fn(u32) -> Action,
) -> Option<Component> {
    let mut buttons = Vec::new();
    if prev {
        buttons.push((
            custom_id::encode(&to(page.saturating_sub(1))),
            "Previous",
            ButtonStyle::Secondary,
        ));
    }
    if next {
        buttons.push((
            custom_id::encode(&to(page + 1)),
            "Next",
            ButtonStyle::Secondary,
        ));
    }
    (!buttons.is_empty()).then(|| button_row(&buttons))
}

#[allow(deprecated)] // Discord prefers Label components; action rows are still accepted
fn text_input(
    custom_id: &str,
    label: &str,
    style: TextInputStyle,
    max: u16,
    required: bool,
) -> Component {
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::TextInput(TextInput {
            custom_id: custom_id.to_owned(),
            id: None,
            label: Some(label.to_owned()),
            max_length: Some(max),
            min_length: None,
            placeholder: None,
            required: Some(required),
            style,
            value: None,
        })],
    })
}

pub fn open_close_reason_modal(state: &GuildState, incoming: &Incoming, ticket: u64) {
    let Some(entry) = state.book.tickets.get(&ticket) else {
        state.refuse(incoming, "That ticket does not exist here.");
        return;
    };
    if let Err(refusal) = access::may(
        access::TicketOp::Close,
        state.is_staff(incoming),
        entry.opener == incoming.user,
    ) {
        state.refuse(incoming, refusal.0);
        return;
    }
    // A stale Close with reason must not ask for a reason it will then refuse.
    if let Err(stale) = lifecycle::next_state(ticket, entry.state, lifecycle::Step::Close) {
        state.refuse(incoming, &stale.to_string());
        return;
    }
    open_modal_now(
        &state.ctx.discord,
        incoming,
        custom_id::encode(&Action::CloseReasonModal { ticket }),
        &format!("Close ticket #{ticket}"),
        vec![text_input(
            fields::CLOSE_REASON,
            "Reason (optional)",
            TextInputStyle::Paragraph,
            1000,
            false,
        )],
    );
}

/// Posts a panel in `channel`, creating the tickets category if missing, and remembers it.
pub async fn post_panel(
    state: &mut GuildState,
    reply: Reply,
    (channel, known_permissions): (Snowflake, Option<u64>),
    title: String,
    description: String,
    footer: String,
) -> Result<(), ActorProcessingErr> {
    let usable = bot_can_use(
        state,
        channel,
        known_permissions,
        access::PANEL_CHANNEL_NEEDS,
        "a panel channel",
    )
    .await;
    if let Err(refusal) = usable {
        tokio::spawn(async move { reply.send(&refusal).await });
        return Ok(());
    }
    if let Err(message) = state.default_category().await? {
        tokio::spawn(async move { reply.send(&message).await });
        return Ok(());
    }
    let message = panel_message(&title, &description, &footer);
    // Posting is awaited here (admin action, rare) so the panel is remembered in order.
    match state.ctx.discord.send_message(channel, &message, &[]).await {
        Ok(message_id) => {
            let panel = Panel {
                channel,
                message: message_id,
                title,
                description,
                footer,
            };
            // The panel is up and opens tickets whether or not it is remembered.
            save_then_answer(
                state,
                reply,
                |settings| settings.panels.push(panel),
                "Panel posted.".into(),
                "Panel posted.",
                "the panel",
            );
        }
        Err(error) => {
            warn!(%error, channel, "could not post the panel");
            let message = format!(
                "I could not post the panel there: {}",
                error.person_message()
            );
            tokio::spawn(async move { reply.send(&message).await });
        }
    }
    Ok(())
}

fn panel_message(title: &str, description: &str, footer: &str) -> OutgoingMessage {
    OutgoingMessage {
        embeds: vec![crate::discord::embed(
            title,
            description,
            crate::discord::colors::BLUE,
            Some(footer),
        )],
        components: vec![button_row(&[(
            custom_id::encode(&Action::OpenTicket),
            "Open a ticket",
            ButtonStyle::Primary,
        )])],
        ..Default::default()
    }
}

/// Queues `change` to the settings; the receipt resolves once it is durable.
fn change_settings(
    state: &mut GuildState,
    change: impl FnOnce(&mut GuildSettings),
) -> CommitReceipt {
    let mut settings = (*state.settings).clone();
    change(&mut settings);
    state.save_settings(settings)
}

/// Changes the settings and answers `done` only once the change is durable, so an admin is
/// never told of a setting a restart would lose; `failed` is the answer when it could not be
/// saved, `what` names the setting in the log.
fn save_then_answer(
    state: &mut GuildState,
    reply: Reply,
    change: impl FnOnce(&mut GuildSettings),
    done: String,
    failed: &'static str,
    what: &'static str,
) {
    let commit = change_settings(state, change);
    tokio::spawn(async move {
        match commit.await {
            Ok(()) => reply.send(&done).await,
            Err(error) => {
                warn!(%error, "could not save {what}");
                reply.send(failed).await
            }
        }
    });
}

fn auto_select(
    custom_id: String,
    placeholder: &str,
    kind: SelectMenuType,
    min: u8,
    max: u8,
) -> Component {
    Component::ActionRow(ActionRow {
        id: None,
        components: vec![Component::SelectMenu(SelectMenu {
            channel_types: (kind == SelectMenuType::Channel).then(|| vec![ChannelType::GuildText]),
            custom_id,
            default_values: None,
            disabled: false,
            id: None,
            kind,
            max_values: Some(max),
            min_values: Some(min),
            options: None,
            placeholder: Some(placeholder.to_owned()),
            required: None,
        })],
    })
}

fn values(incoming: &Incoming) -> &[String] {
    match &incoming.kind {
        IncomingKind::Component { values, .. } => values,
        _ => &[],
    }
}

fn modal_field<'a>(incoming: &'a Incoming, field: &str) -> &'a str {
    match &incoming.kind {
        IncomingKind::Modal { fields, .. } => fields.get(field).map(String::as_str).unwrap_or(""),
        _ => "",
    }
}

fn ids(values: &[String]) -> Vec<Snowflake> {
    values.iter().filter_map(|v| v.parse().ok()).collect()
}

fn menu_options<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|c| (value(*c).to_owned(), label(*c).to_owned()))
        .collect()
}

fn setup_label(choice: SetupChoice) -> &'static str {
    match choice {
        SetupChoice::Panel => "Post a panel message",
        SetupChoice::PanelRemove => "Remove a panel",
        SetupChoice::LogChannel => "Log channel",
        SetupChoice::Limits => "Ticket limits",
        SetupChoice::StaffRoles => "Staff roles",
        SetupChoice::TopicAdd => "Add a topic",
        SetupChoice::TopicList => "List topics",
        SetupChoice::TopicRemove => "Remove a topic",
    }
}

fn manage_label(choice: ManageChoice) -> &'static str {
    match choice {
        ManageChoice::CloseThis => "Close this ticket",
        ManageChoice::CloseAll => "Close all open tickets",
        ManageChoice::AddUser => "Add users to this ticket",
        ManageChoice::RemoveUser => "Remove users from this ticket",
    }
}

fn topic_options(topics: &[Topic], page: u32) -> (Vec<(String, String)>, bool, bool) {
    let (items, prev, next) = limits::page(topics, page);
    (
        items
            .iter()
            .map(|t| (t.id.to_string(), naming::neutralize(&t.name, 100)))
            .collect(),
        prev,
        next,
    )
}

/// A screen shown in place of the menu that led to it: its text and components.
type Screen = (String, Vec<Component>);

const UNKNOWN_CHOICE: &str = "Unknown choice. Nothing was changed.";
const NOT_IN_TICKET: &str = "Use this inside a ticket channel.";

/// Admin and staff menus (setup, manage) not handled by the guild actor itself.
pub async fn handle(
    state: &mut GuildState,
    _myself: &ActorRef<GuildMsg>,
    incoming: &Incoming,
    action: Action,
) -> Result<(), ActorProcessingErr> {
    if !permitted(state, incoming, &action) {
        return Ok(());
    }
    match action {
        Action::HubMenu => hub_menu(state, incoming),
        Action::SetupMenu => setup_menu(state, incoming),
        Action::PanelChannelSelect => panel_channel_selected(state, incoming),
        Action::PanelModal { channel } => panel_submitted(state, incoming, channel).await?,
        Action::PanelRemoveSelect => panel_remove_selected(state, incoming),
        Action::LogChannelSelect => log_channel_selected(state, incoming).await,
        Action::LimitsModal => limits_submitted(state, incoming),
        Action::StaffRoleSelect => staff_roles_selected(state, incoming),
        Action::TopicAddModal => topic_add_submitted(state, incoming).await,
        Action::TopicList { page } => show_topic_list(state, incoming, page),
        Action::TopicRemoveSelect { page } => topic_remove_selected(state, incoming, page),
        Action::TopicRemoveConfirm { topic } => remove_topic(state, incoming, topic).await?,
        Action::ManageMenu => manage_menu_choice(state, incoming),
        Action::CloseAllConfirm => close_all_confirmed(state, incoming),
        Action::AddUserSelect { ticket } => change_people_selected(state, incoming, ticket, true),
        Action::RemoveUserSelect { ticket } => {
            change_people_selected(state, incoming, ticket, false)
        }
        Action::Cancel => update_now(
            &state.ctx.discord,
            incoming,
            "Cancelled. Nothing was changed.".into(),
            Vec::new(),
        ),
        other => {
            warn!(?other, "action not handled by the hub");
            state.refuse(
                incoming,
                "That action is not available here. Nothing was changed.",
            );
        }
    }
    Ok(())
}

/// Setup is for admins; manage for staff. Every menu re-checks: a forged id gains nothing.
/// A refusal is answered here.
fn permitted(state: &GuildState, incoming: &Incoming, action: &Action) -> bool {
    let is_admin = access::is_admin(&GuildState::member(incoming));
    let staff = state.is_staff(incoming);
    let manage_chosen = *action == Action::HubMenu
        && values(incoming).first().and_then(|v| HubChoice::parse(v)) == Some(HubChoice::Manage);
    let needs_admin = !manage_chosen
        && !matches!(
            action,
            Action::ManageMenu
                | Action::CloseAllConfirm
                | Action::AddUserSelect { .. }
                | Action::RemoveUserSelect { .. }
                | Action::Cancel
        );
    if needs_admin && !is_admin {
        warn!(?action, "setup action by a non-admin refused");
        state.refuse(incoming, access::NOT_ADMIN.0);
        return false;
    }
    if !needs_admin && !staff && *action != Action::Cancel {
        warn!(?action, "manage action by a non-staff member refused");
        state.refuse(incoming, access::NOT_STAFF.0);
        return false;
    }
    true
}

/// The hub's choice: the Setup or the Manage menu, in place of the hub.
fn hub_menu(state: &GuildState, incoming: &Incoming) {
    let (text, components): Screen =
        match values(incoming).first().and_then(|v| HubChoice::parse(v)) {
            Some(HubChoice::Setup) => (
                "**Setup**: what do you want to configure?".into(),
                vec![string_select(
                    custom_id::encode(&Action::SetupMenu),
                    "Choose a setting",
                    menu_options(SetupChoice::ALL, SetupChoice::as_str, setup_label),
                )],
            ),
            Some(HubChoice::Manage) => (MANAGE_PROMPT.into(), vec![manage_menu()]),
            None => {
                state.refuse(incoming, UNKNOWN_CHOICE);
                return;
            }
        };
    update_now(&state.ctx.discord, incoming, text, components);
}

/// The Setup menu's choice: what to configure, as a screen or a modal.
fn setup_menu(state: &GuildState, incoming: &Incoming) {
    let settings = &state.settings;
    let (text, components) = match values(incoming).first().and_then(|v| SetupChoice::parse(v)) {
        Some(SetupChoice::Panel) => channel_prompt(
            "Choose the channel for the panel message.",
            Action::PanelChannelSelect,
            "Panel channel",
        ),
        Some(SetupChoice::PanelRemove) => panel_remove_screen(&settings.panels),
        Some(SetupChoice::LogChannel) => channel_prompt(
            "Choose the log channel.",
            Action::LogChannelSelect,
            "Log channel",
        ),
        Some(SetupChoice::Limits) => {
            open_modal_now(
                &state.ctx.discord,
                incoming,
                custom_id::encode(&Action::LimitsModal),
                "Ticket limits",
                limits_fields(settings.per_member_limit, settings.per_guild_limit),
            );
            return;
        }
        Some(SetupChoice::StaffRoles) => staff_roles_screen(),
        Some(SetupChoice::TopicAdd) => {
            open_modal_now(
                &state.ctx.discord,
                incoming,
                custom_id::encode(&Action::TopicAddModal),
                "Add a topic",
                vec![topic_name_field()],
            );
            return;
        }
        Some(SetupChoice::TopicList) => topic_list_screen(&settings.topics, 0),
        Some(SetupChoice::TopicRemove) => topic_remove_screen(&settings.topics, 0),
        None => {
            state.refuse(incoming, UNKNOWN_CHOICE);
            return;
        }
    };
    update_now(&state.ctx.discord, incoming, text, components);
}

fn channel_prompt(text: &str, action: Action, placeholder: &str) -> Screen {
    (
        text.into(),
        vec![auto_select(
            custom_id::encode(&action),
            placeholder,
            SelectMenuType::Channel,
            1,
            1,
        )],
    )
}

fn panel_remove_screen(panels: &[Panel]) -> Screen {
    if panels.is_empty() {
        return ("There are no panels to remove.".into(), Vec::new());
    }
    let options = panels
        .iter()
        .take(limits::SELECT_PAGE)
        .map(|p| {
            (
                p.message.to_string(),
                format!("{} (in #{})", naming::neutralize(&p.title, 60), p.channel),
            )
        })
        .collect();
    (
        "Choose the panel to remove.".into(),
        vec![string_select(
            custom_id::encode(&Action::PanelRemoveSelect),
            "Panel",
            options,
        )],
    )
}

fn limits_fields(per_member: u32, per_guild: u32) -> Vec<Component> {
    vec![
        text_input(
            fields::LIMIT_PER_MEMBER,
            &format!("Open tickets per member (now {per_member})"),
            TextInputStyle::Short,
            3,
            true,
        ),
        text_input(
            fields::LIMIT_PER_GUILD,
            &format!("Open tickets per server (now {per_guild})"),
            TextInputStyle::Short,
            3,
            true,
        ),
    ]
}

fn staff_roles_screen() -> Screen {
    (
        format!(
            "Choose up to {} staff roles (they see and handle every ticket).",
            access::MAX_STAFF_ROLES
        ),
        vec![auto_select(
            custom_id::encode(&Action::StaffRoleSelect),
            "Staff roles",
            SelectMenuType::Role,
            0,
            access::MAX_STAFF_ROLES as u8,
        )],
    )
}

fn topic_name_field() -> Component {
    text_input(
        fields::TOPIC_NAME,
        "Topic name",
        TextInputStyle::Short,
        limits::TOPIC_NAME_MAX as u16,
        true,
    )
}

fn panel_fields() -> Vec<Component> {
    vec![
        text_input(
            fields::PANEL_TITLE,
            "Title",
            TextInputStyle::Short,
            limits::PANEL_TITLE_MAX as u16,
            true,
        ),
        text_input(
            fields::PANEL_DESCRIPTION,
            "Description",
            TextInputStyle::Paragraph,
            4000,
            true,
        ),
        text_input(
            fields::PANEL_FOOTER,
            "Footer",
            TextInputStyle::Short,
            limits::PANEL_FOOTER_MAX as u16,
            false,
        ),
    ]
}

/// The bot's permissions in `channel` when the interaction came from it (Discord sends them
/// along), sparing a REST call.
fn known_permissions(incoming: &Incoming, channel: Snowflake) -> Option<u64> {
    (channel == incoming.channel)
        .then_some(incoming.app_permissions)
        .flatten()
}

fn panel_channel_selected(state: &GuildState, incoming: &Incoming) {
    let Some(channel) = ids(values(incoming)).first().copied() else {
        state.refuse(incoming, "Choose a channel.");
        return;
    };
    open_modal_now(
        &state.ctx.discord,
        incoming,
        custom_id::encode(&Action::PanelModal { channel }),
        "Panel message",
        panel_fields(),
    );
}

async fn panel_submitted(
    state: &mut GuildState,
    incoming: &Incoming,
    channel: Snowflake,
) -> Result<(), ActorProcessingErr> {
    match limits::validate_panel_text(
        modal_field(incoming, fields::PANEL_TITLE),
        modal_field(incoming, fields::PANEL_DESCRIPTION),
        modal_field(incoming, fields::PANEL_FOOTER),
    ) {
        Ok((title, description, footer)) => {
            let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
            let known = known_permissions(incoming, channel);
            post_panel(state, reply, (channel, known), title, description, footer).await
        }
        Err(error) => {
            warn!(%error, "panel text refused");
            state.refuse(incoming, &format!("{error}. Nothing was posted."));
            Ok(())
        }
    }
}

fn panel_remove_selected(state: &mut GuildState, incoming: &Incoming) {
    let chosen: Option<Snowflake> = values(incoming).first().and_then(|v| v.parse().ok());
    let Some(index) =
        chosen.and_then(|m| state.settings.panels.iter().position(|p| p.message == m))
    else {
        state.refuse(incoming, "That panel is already gone.");
        return;
    };
    let panel = state.settings.panels[index].clone();
    let commit = change_settings(state, |settings| {
        settings.panels.remove(index);
    });
    let discord = state.ctx.discord.clone();
    let reply = Reply::defer_update(&discord, incoming);
    tokio::spawn(async move {
        if let Err(error) = discord.delete_message(panel.channel, panel.message).await {
            warn!(%error, "could not delete the panel message");
        }
        // "Removed" is said only once it is durable, like every other setting.
        match commit.await {
            Ok(()) => reply.send("Panel removed.").await,
            Err(error) => {
                warn!(%error, "could not persist the panel removal");
                reply.send("The panel message was deleted, but the setting could not be saved; please try again.").await
            }
        }
    });
}

async fn log_channel_selected(state: &mut GuildState, incoming: &Incoming) {
    let Some(channel) = ids(values(incoming)).first().copied() else {
        state.refuse(incoming, "Choose a channel.");
        return;
    };
    let reply = Reply::defer_update(&state.ctx.discord, incoming);
    let known = known_permissions(incoming, channel);
    let usable = bot_can_use(
        state,
        channel,
        known,
        access::LOG_CHANNEL_NEEDS,
        "the log channel",
    )
    .await;
    if let Err(refusal) = usable {
        tokio::spawn(async move { reply.send(&refusal).await });
        return;
    }
    save_then_answer(
        state,
        reply,
        |settings| settings.log_channel = Some(channel),
        format!("Ticket events will be logged in <#{channel}>."),
        "The setting could not be saved; please try again.",
        "the log channel",
    );
}

fn limits_submitted(state: &mut GuildState, incoming: &Incoming) {
    let parsed = limits::parse_limits(
        modal_field(incoming, fields::LIMIT_PER_MEMBER),
        modal_field(incoming, fields::LIMIT_PER_GUILD),
    );
    let (per_member, per_guild) = match parsed {
        Ok(limits) => limits,
        Err(error) => {
            warn!(%error, "limits refused");
            state.refuse(incoming, &format!("{error}. The limits were not changed."));
            return;
        }
    };
    let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
    save_then_answer(
        state,
        reply,
        |settings| {
            settings.per_member_limit = per_member;
            settings.per_guild_limit = per_guild;
        },
        format!("Limits saved: {per_member} open per member, {per_guild} per server."),
        "The limits could not be saved; please try again.",
        "limits",
    );
}

fn staff_roles_selected(state: &mut GuildState, incoming: &Incoming) {
    let roles = match access::validate_staff_roles(state.guild, &ids(values(incoming))) {
        Ok(roles) => roles,
        Err(error) => {
            warn!(%error, "staff roles refused");
            state.refuse(incoming, &format!("{error}. Nothing was changed."));
            return;
        }
    };
    let done = staff_roles_saved(&roles);
    let reply = Reply::defer_update(&state.ctx.discord, incoming);
    save_then_answer(
        state,
        reply,
        |settings| settings.staff_roles = roles,
        done,
        "The staff roles could not be saved; please try again.",
        "staff roles",
    );
    reapply_overwrites(state);
}

/// A new topic gets its own category, created before the topic is saved.
async fn topic_add_submitted(state: &mut GuildState, incoming: &Incoming) {
    let name = match limits::validate_topic_name(
        modal_field(incoming, fields::TOPIC_NAME),
        &state.settings.topics,
    ) {
        Ok(name) => name,
        Err(error) => {
            warn!(%error, "topic name refused");
            state.refuse(incoming, &format!("{error}. No topic was added."));
            return;
        }
    };
    let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
    let category = match state.create_category(&naming::neutralize(&name, 100)).await {
        Ok(c) => Some(c),
        Err(message) => {
            tokio::spawn(async move { reply.send(&message).await });
            return;
        }
    };
    let done = format!(
        "Topic **{}** added.",
        naming::escape_markdown(&naming::neutralize(&name, 50))
    );
    save_then_answer(
        state,
        reply,
        |settings| {
            let id = settings.next_topic_id;
            settings.next_topic_id += 1;
            settings.topics.push(Topic { id, name, category });
        },
        done,
        "The topic could not be saved; please try again.",
        "the topic",
    );
}

/// A topic chosen for removal asks to confirm; the Previous / Next buttons (no value) page.
fn topic_remove_selected(state: &GuildState, incoming: &Incoming, page: u32) {
    let Some(topic) = values(incoming).first().and_then(|v| v.parse::<u32>().ok()) else {
        show_topic_remove(state, incoming, page);
        return;
    };
    let Some(t) = state.settings.topics.iter().find(|t| t.id == topic) else {
        state.refuse(incoming, "That topic no longer exists.");
        return;
    };
    update_now(
        &state.ctx.discord,
        incoming,
        format!(
            "Remove topic **{}**? Its open tickets move to the default category first.",
            naming::escape_markdown(&naming::neutralize(&t.name, 50))
        ),
        vec![confirm_row(&Action::TopicRemoveConfirm { topic }, "Remove")],
    );
}

/// A dangerous action's confirm button, next to Cancel.
fn confirm_row(confirm: &Action, label: &str) -> Component {
    button_row(&[
        (custom_id::encode(confirm), label, ButtonStyle::Danger),
        (
            custom_id::encode(&Action::Cancel),
            "Cancel",
            ButtonStyle::Secondary,
        ),
    ])
}

/// The Manage menu's choice; the per-ticket ones work inside a ticket channel only.
fn manage_menu_choice(state: &mut GuildState, incoming: &Incoming) {
    match values(incoming)
        .first()
        .and_then(|v| ManageChoice::parse(v))
    {
        Some(ManageChoice::CloseThis) => match state.ticket_in_channel(incoming.channel) {
            Some(number) => {
                state.to_ticket(incoming, number, |by, reply, settings| TicketMsg::Close {
                    by,
                    reason: None,
                    reply,
                    settings,
                })
            }
            None => state.refuse(incoming, NOT_IN_TICKET),
        },
        Some(ManageChoice::CloseAll) => {
            let open = state.open_ticket_numbers().len();
            update_now(
                &state.ctx.discord,
                incoming,
                format!("Close all {open} open tickets? Closed ones are left as they are."),
                vec![confirm_row(&Action::CloseAllConfirm, "Close all")],
            );
        }
        Some(choice @ (ManageChoice::AddUser | ManageChoice::RemoveUser)) => {
            match state.ticket_in_channel(incoming.channel) {
                Some(ticket) => {
                    let (text, components) = people_prompt(ticket, choice == ManageChoice::AddUser);
                    update_now(&state.ctx.discord, incoming, text, components);
                }
                None => state.refuse(incoming, NOT_IN_TICKET),
            }
        }
        None => state.refuse(incoming, UNKNOWN_CHOICE),
    }
}

fn people_prompt(ticket: u64, add: bool) -> Screen {
    let (action, text) = if add {
        (
            Action::AddUserSelect { ticket },
            &format!(
                "Choose up to {} members to add.",
                access::MAX_USERS_PER_CHANGE
            ),
        )
    } else {
        (
            Action::RemoveUserSelect { ticket },
            &format!(
                "Choose up to {} members to remove.",
                access::MAX_USERS_PER_CHANGE
            ),
        )
    };
    (
        text.into(),
        vec![auto_select(
            custom_id::encode(&action),
            "Members",
            SelectMenuType::User,
            1,
            10,
        )],
    )
}

/// Closes every open ticket through its own actor, quietly (no per-ticket answer), and
/// reports the count.
fn close_all_confirmed(state: &mut GuildState, incoming: &Incoming) {
    let numbers = state.open_ticket_numbers();
    let reply = Reply::defer_update(&state.ctx.discord, incoming);
    let by = Person {
        user: incoming.user,
        is_staff: true,
    };
    let mut waits = Vec::new();
    for number in &numbers {
        if let Some(actor) = state.ticket_actor(*number) {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let _ = actor.cast(TicketMsg::CloseQuietly {
                by,
                settings: state.settings.clone(),
                done: tx,
            });
            waits.push(rx);
        }
    }
    tokio::spawn(report_close_all(reply, numbers.len(), waits));
}

async fn report_close_all(
    reply: Reply,
    total: usize,
    waits: Vec<tokio::sync::oneshot::Receiver<bool>>,
) {
    let mut closed = 0usize;
    let mut told = tokio::time::Instant::now();
    for (done, wait) in waits.into_iter().enumerate() {
        if matches!(wait.await, Ok(true)) {
            closed += 1;
        }
        // Progress at most once a second: each close takes a transcript and a few
        // calls, so a big close-all runs for a while.
        if told.elapsed() >= CLOSE_ALL_PROGRESS_EVERY && done + 1 < total {
            told = tokio::time::Instant::now();
            reply
                .send_provisional(&format!(
                    "Closing open tickets… {} of {total} done.",
                    done + 1
                ))
                .await;
        }
    }
    reply
        .send(&format!("Closed {closed} of {total} open tickets."))
        .await
}

/// Members chosen to add to or remove from `ticket`; its actor checks and answers.
fn change_people_selected(state: &mut GuildState, incoming: &Incoming, ticket: u64, add: bool) {
    let users = ids(values(incoming))
        .into_iter()
        .map(|u| (u, incoming.resolved_bots.contains(&u)))
        .collect();
    state.to_ticket(incoming, ticket, |by, reply, settings| {
        if add {
            TicketMsg::AddUsers {
                by,
                users,
                reply,
                settings,
            }
        } else {
            TicketMsg::RemoveUsers {
                by,
                users,
                reply,
                settings,
            }
        }
    });
}

fn show_topic_list(state: &GuildState, incoming: &Incoming, page: u32) {
    let (text, components) = topic_list_screen(&state.settings.topics, page);
    update_now(&state.ctx.discord, incoming, text, components);
}

fn topic_list_screen(topics: &[Topic], page: u32) -> Screen {
    if topics.is_empty() {
        return ("No topics yet. Add one from Setup.".into(), Vec::new());
    }
    let (items, prev, next) = limits::page(topics, page);
    let page = limits::clamp_page(topics.len(), page);
    let text = format!(
        "**Topics** (page {} of {}):\n{}",
        page + 1,
        limits::page_count(topics.len()),
        items
            .iter()
            .map(|t| format!(
                "- {}",
                naming::escape_markdown(&naming::neutralize(&t.name, 50))
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let components = page_buttons(page, prev, next, |page| Action::TopicList { page })
        .into_iter()
        .collect();
    (text, components)
}

fn show_topic_remove(state: &GuildState, incoming: &Incoming, page: u32) {
    let (text, components) = topic_remove_screen(&state.settings.topics, page);
    update_now(&state.ctx.discord, incoming, text, components);
}

fn topic_remove_screen(topics: &[Topic], page: u32) -> Screen {
    if topics.is_empty() {
        return ("There are no topics to remove.".into(), Vec::new());
    }
    let (options, prev, next) = topic_options(topics, page);
    let page = limits::clamp_page(topics.len(), page);
    let mut components = vec![string_select(
        custom_id::encode(&Action::TopicRemoveSelect { page }),
        "Topic to remove",
        options,
    )];
    components.extend(page_buttons(page, prev, next, |page| {
        Action::TopicRemoveSelect { page }
    }));
    ("Choose the topic to remove.".into(), components)
}

/// Removes a topic: its open tickets move to the default category first (never orphaned), then
/// its category is deleted.
async fn remove_topic(
    state: &mut GuildState,
    incoming: &Incoming,
    topic: u32,
) -> Result<(), ActorProcessingErr> {
    let Some(removed) = state
        .settings
        .topics
        .iter()
        .find(|t| t.id == topic)
        .cloned()
    else {
        state.refuse(incoming, "That topic no longer exists.");
        return Ok(());
    };
    let reply = Reply::defer_update(&state.ctx.discord, incoming);
    let default = match state.default_category().await? {
        Ok(c) => c,
        Err(message) => {
            tokio::spawn(async move { reply.send(&message).await });
            return Ok(());
        }
    };
    let commit = change_settings(state, |settings| settings.topics.retain(|t| t.id != topic));
    let mut moves = Vec::new();
    for actor in state.ticket_actors_with_topic(topic) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = actor.cast(TicketMsg::MoveTo {
            parent: default,
            done: tx,
        });
        moves.push(rx);
    }
    let discord = state.ctx.discord.clone();
    tokio::spawn(async move {
        for m in moves {
            let _ = m.await;
        }
        let _ = commit.await;
        if let Some(category) = removed.category
            && let Err(error) = discord
                .delete_channel(category, "Ticket topic removed")
                .await
        {
            warn!(%error, "could not delete the topic category");
        }
        reply
            .send(&format!(
                "Topic **{}** removed; its open tickets moved to the default category.",
                naming::escape_markdown(&naming::neutralize(&removed.name, 50))
            ))
            .await
    });
    Ok(())
}

/// The answer once staff roles are saved.
fn staff_roles_saved(roles: &[Snowflake]) -> String {
    if roles.is_empty() {
        return "Staff roles cleared.".to_owned();
    }
    format!(
        "Staff roles saved: {}. Applied to the ticket categories and every open ticket.",
        roles
            .iter()
            .map(|r| format!("<@&{r}>"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// After staff roles change: categories get the new overwrites (here, on a task), ticket
/// channels through their own actors.
fn reapply_overwrites(state: &mut GuildState) {
    let settings = state.settings.clone();
    for number in state.open_or_closed_ticket_numbers() {
        if let Some(actor) = state.ticket_actor(number) {
            let _ = actor.cast(TicketMsg::ApplyOverwrites {
                settings: settings.clone(),
            });
        }
    }
    let mut categories: Vec<Snowflake> = settings.tickets_category.into_iter().collect();
    categories.extend(settings.overflow_categories.iter().copied());
    categories.extend(settings.topics.iter().filter_map(|t| t.category));
    let overwrites = access::category_overwrites(
        state.guild,
        state.ctx.discord.bot_user_id(),
        &settings.staff_roles,
    );
    let discord = state.ctx.discord.clone();
    let guild = state.guild;
    tokio::spawn(async move {
        for category in categories {
            if let Err(error) = discord.set_overwrites(guild, category, &overwrites).await {
                warn!(%error, category, "could not update a category's overwrites");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_name_each_thing_that_fails_unseen() {
        use privileged::{MESSAGE_CONTENT_FLAGS, SERVER_MEMBERS_FLAGS};
        let all_on = MESSAGE_CONTENT_FLAGS | SERVER_MEMBERS_FLAGS;
        assert!(status_lines(all_on, None).is_empty());
        let lines = status_lines(SERVER_MEMBERS_FLAGS, Some("log gone".into()));
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("Message Content intent is off"));
        assert_eq!(lines[1], "log gone");
        assert!(status_lines(0, None)[1].contains("Server Members intent is off"));
    }
}
