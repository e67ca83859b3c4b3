//! The `/ticket` hub and the member-facing menus, carried out inside the guild actor: what to
//! do is decided by [`crate::ui::hub`] (pure), what it looks like by [`crate::ui`]; this module
//! sends, saves and calls Discord. Settings change in one place, [`save_then_answer`].

use futures_util::{FutureExt, future::BoxFuture};
use ractor::ActorProcessingErr;
use tracing::warn;

use crate::{
    discord::codes,
    domain::{
        access,
        custom_id::Action,
        lifecycle, limits,
        model::{Panel, PanelStyle, Snowflake, Topic},
        naming, privileged,
    },
    ui::{
        Screen, hub as decide,
        hub::{Answer, Change, Facts, Input, PanelList, PanelPost, Save, Step, TicketRequest, Who},
        hub_screens as screens,
        text::{self, Text, t},
    },
};

use super::{
    guild_state::GuildState,
    incoming::{Incoming, IncomingKind},
    ticket::{Person, TicketMsg},
};
use crate::discord::reply::{Reply, open_modal_now, reply_now, update_now};

/// How often a running close-all reports its progress.
const CLOSE_ALL_PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

fn who(state: &GuildState, incoming: &Incoming) -> Who {
    Who {
        user: incoming.user,
        is_admin: access::is_admin(&GuildState::member(incoming)),
        is_staff: state.is_staff(incoming),
    }
}

/// `/ticket menu`: the admin hub (ephemeral).
pub async fn show_hub(
    state: &mut GuildState,
    incoming: &Incoming,
) -> Result<(), ActorProcessingErr> {
    refresh_flags_if_off(state);
    let status = screens::status_lines(state.ctx.discord.app_flags(), state.log_trouble());
    let step = decide::open_hub(&who(state, incoming), &status);
    carry_out(state, incoming, step).await
}

/// `/tickets manage`: the Manage menu straight away, for staff.
pub async fn show_manage(
    state: &mut GuildState,
    incoming: &Incoming,
) -> Result<(), ActorProcessingErr> {
    let step = decide::open_manage(&who(state, incoming));
    carry_out(state, incoming, step).await
}

/// `/ticket panel`: a panel with the default texts in the current channel, for admins.
pub async fn post_default_panel(
    state: &mut GuildState,
    incoming: &Incoming,
) -> Result<(), ActorProcessingErr> {
    let step = decide::default_panel(
        &who(state, incoming),
        incoming.channel,
        incoming.app_permissions,
        state.channel_lang(),
    );
    carry_out(state, incoming, step).await
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

/// The topic choice shown to a member who clicks Open on a server with topics.
pub fn show_topic_picker(
    state: &GuildState,
    incoming: &Incoming,
    page: u32,
    in_place: bool,
    panel: Option<Snowflake>,
) {
    let panel = panel.and_then(|m| state.panel(m));
    let topics: Vec<Topic> = match panel {
        Some(panel) => panel
            .offered(&state.settings.topics)
            .into_iter()
            .cloned()
            .collect(),
        None => state.settings.topics.clone(),
    };
    // A panel offering every topic picks like any picker: its ids name no panel.
    let own = panel.filter(|p| !p.topics.is_empty()).map(|p| p.message);
    let Screen { text, components } = screens::topic_picker(&topics, page, incoming.user, own);
    if in_place {
        update_now(&state.ctx.discord, incoming, text, components);
    } else {
        reply_now(&state.ctx.discord, incoming, text, components);
    }
}

/// Close with reason: the modal asking for it, if the person may close the ticket now.
pub fn open_close_reason_modal(state: &GuildState, incoming: &Incoming, ticket: u64) {
    let Some(entry) = state.book.tickets.get(&ticket) else {
        state.refuse(incoming, Text::TicketNotHere.text());
        return;
    };
    if let Err(refusal) = access::may(
        access::TicketOp::Close,
        state.is_staff(incoming),
        entry.opener == incoming.user,
    ) {
        state.refuse(incoming, &refusal.to_string());
        return;
    }
    // A stale Close with reason must not ask for a reason it will then refuse.
    if let Err(stale) = lifecycle::next_state(ticket, entry.state, lifecycle::Step::Close) {
        state.refuse(incoming, &stale.to_string());
        return;
    }
    let modal = screens::close_reason_modal(ticket);
    open_modal_now(
        &state.ctx.discord,
        incoming,
        modal.custom_id,
        &modal.title,
        modal.components,
    );
}

/// Admin and staff menus (setup, manage) not handled by the guild actor itself.
pub async fn handle(
    state: &mut GuildState,
    incoming: &Incoming,
    action: Action,
) -> Result<(), ActorProcessingErr> {
    let facts = Facts {
        guild: state.guild,
        ticket_here: state.ticket_in_channel(incoming.channel),
        open_tickets: state.open_ticket_numbers().len(),
        channel: incoming.channel,
        app_permissions: incoming.app_permissions,
    };
    let input = match &incoming.kind {
        IncomingKind::Component { values, .. } => Input {
            values,
            fields: None,
        },
        IncomingKind::Modal { fields, .. } => Input {
            values: &[],
            fields: Some(fields),
        },
        IncomingKind::Command { .. } | IncomingKind::Autocomplete { .. } => Input {
            values: &[],
            fields: None,
        },
    };
    let step = decide::decide(
        &state.settings,
        &who(state, incoming),
        &facts,
        action,
        &input,
    );
    carry_out(state, incoming, step).await
}

/// Carries out one step of the hub: the only place its answers are sent and its settings saved.
pub async fn carry_out(
    state: &mut GuildState,
    incoming: &Incoming,
    step: Step,
) -> Result<(), ActorProcessingErr> {
    let discord = state.ctx.discord.clone();
    match step {
        Step::Show(Screen { text, components }) => reply_now(&discord, incoming, text, components),
        Step::Update(Screen { text, components }) => {
            update_now(&discord, incoming, text, components)
        }
        Step::OpenModal(modal) => open_modal_now(
            &discord,
            incoming,
            modal.custom_id,
            &modal.title,
            modal.components,
        ),
        Step::Refuse { text, why } => {
            warn!(user = incoming.user, why, "hub request refused");
            state.refuse(incoming, &text);
        }
        Step::Save(save) => {
            let reply = reply_for(state, incoming, save.answer);
            save_then_answer(state, reply, save, None);
        }
        Step::SetStaffRoles(save) => {
            let reply = reply_for(state, incoming, save.answer);
            save_then_answer(state, reply, save, None);
            reapply_overwrites(state);
        }
        Step::PostPanel(post) => {
            let reply = Reply::defer_ephemeral(&discord, incoming);
            post_panel(state, reply, post).await?;
        }
        Step::SetLogChannel {
            channel,
            known_permissions,
        } => {
            let reply = Reply::defer_update(&discord, incoming);
            set_log_channel(state, reply, channel, known_permissions).await;
        }
        Step::AddTopic { name } => {
            let reply = Reply::defer_ephemeral(&discord, incoming);
            add_topic(state, reply, name).await;
        }
        Step::RemovePanel(panel) => {
            let reply = Reply::defer_update(&discord, incoming);
            remove_panel(state, reply, *panel);
        }
        Step::RemoveTopic(topic) => {
            let reply = Reply::defer_update(&discord, incoming);
            remove_topic(state, reply, topic).await?;
        }
        Step::SetReady { size, done } => {
            let reply = Reply::defer_ephemeral(&discord, incoming);
            set_ready(state, reply, size, done).await?;
        }
        Step::CloseAll => close_all(state, incoming),
        Step::ToTicket { ticket, request } => to_ticket(state, incoming, ticket, request),
        Step::Intake(step) => super::intake::carry_out(state, incoming, step),
        Step::EditPanel(edit) => {
            let reply = Reply::defer_ephemeral(&discord, incoming);
            edit_panel(state, reply, edit).await;
        }
        Step::SetPanelThreads {
            panel,
            known_permissions: known,
        } => set_panel_threads(state, incoming, panel, known).await,
        Step::ListPanels(list) => {
            let reply = Reply::defer_update(&discord, incoming);
            list_panels(state, reply, list).await;
        }
    }
    Ok(())
}

/// Ready channels on (in the tickets category, made first if there is none) or off; the
/// admin is answered once the pool's record is durable.
async fn set_ready(
    state: &mut GuildState,
    reply: Reply,
    size: u32,
    done: String,
) -> Result<(), ActorProcessingErr> {
    if size > 0
        && let Err(message) = state.default_category().await?
    {
        reply.send(&message).await;
        return Ok(());
    }
    let category = state.ready.as_ref().and_then(|r| r.pool.category);
    let commit = super::ready::configure(state, size > 0, size, category);
    tokio::spawn(async move {
        let saved = match commit {
            Some(commit) => commit.await,
            None => Ok(()),
        };
        match saved {
            Ok(()) => reply.send(&done).await,
            Err(error) => {
                warn!(%error, "could not save the ready channels");
                reply.send(Text::ReadyNotSaved.text()).await
            }
        }
    });
    Ok(())
}

fn reply_for(state: &GuildState, incoming: &Incoming, answer: Answer) -> Reply {
    match answer {
        Answer::Ephemeral => Reply::defer_ephemeral(&state.ctx.discord, incoming),
        Answer::InPlace => Reply::defer_update(&state.ctx.discord, incoming),
    }
}

/// Changes the settings and answers `done` only once the change is durable (after `first`, work
/// the answer also waits for, whose words, if any, follow `done`), so an admin is never told of
/// a setting a restart would lose.
fn save_then_answer(
    state: &mut GuildState,
    reply: Reply,
    save: Save,
    first: Option<BoxFuture<'static, Option<String>>>,
) {
    let Save {
        change,
        done,
        failed,
        ..
    } = save;
    let what = change.what();
    let inactivity_on = matches!(&change,
        Change::Inactivity(i) | Change::TopicInactivity(_, i) if i.is_on());
    let mut settings = (*state.settings).clone();
    change.apply(&mut settings);
    let commit = state.save_settings(settings);
    let failed = failed.text();
    if inactivity_on {
        // Open tickets get their warning deadlines (those already armed are moved; a ticket
        // whose deadline fires after the feature was switched off just drops it).
        let settings = state.settings.clone();
        for number in state.open_ticket_numbers() {
            if let Some(actor) = state.ticket_actor(number) {
                let _ = actor.cast(TicketMsg::InactivityChanged {
                    settings: settings.clone(),
                });
            }
        }
    }
    tokio::spawn(async move {
        let said = match first {
            Some(first) => first.await,
            None => None,
        };
        match commit.await {
            Ok(()) => match said {
                Some(said) => reply.send(&format!("{done} {said}")).await,
                None => reply.send(&done).await,
            },
            Err(error) => {
                warn!(%error, "could not save {what}");
                reply.send(failed).await
            }
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
    purpose: Text,
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
                return Err(t!(
                    CannotCheckPermissions,
                    channel,
                    error = error.person_message()
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
        ?purpose,
        "the bot lacks permissions in a chosen channel"
    );
    Err(screens::bot_cannot_use(channel, purpose, &missing))
}

/// Posts a panel, creating the tickets category first if there is none, and remembers it.
async fn post_panel(
    state: &mut GuildState,
    reply: Reply,
    post: PanelPost,
) -> Result<(), ActorProcessingErr> {
    let PanelPost {
        channel,
        known_permissions,
        title,
        description,
        footer,
    } = post;
    let usable = bot_can_use(
        state,
        channel,
        known_permissions,
        access::PANEL_CHANNEL_NEEDS,
        Text::PurposePanelChannel,
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
    let mut panel = Panel::new(channel, 0, title, description, footer);
    let message = text::speaking_sync(state.channel_lang(), || {
        screens::panel_message(&panel, &state.settings.topics)
    });
    // Posting is awaited here (admin action, rare) so the panel is remembered in order.
    match state.ctx.discord.send_message(channel, &message, &[]).await {
        Ok(message) => {
            panel.message = message;
            // The panel is up and opens tickets whether or not it is remembered.
            let save = Save {
                change: Change::AddPanel(Box::new(panel)),
                answer: Answer::Ephemeral,
                done: Text::PanelPosted.to_string(),
                failed: Text::PanelPosted,
            };
            save_then_answer(state, reply, save, None);
        }
        Err(error) => {
            warn!(%error, channel, "could not post the panel");
            let message = t!(PanelPostFailed, error = error.person_message());
            tokio::spawn(async move { reply.send(&message).await });
        }
    }
    Ok(())
}

/// Edits a posted panel's message in place (admin setup, rare: awaited), then keeps its texts;
/// a panel whose message or channel a person deleted is forgotten, and the admin told.
async fn edit_panel(state: &mut GuildState, reply: Reply, edit: Box<Panel>) {
    let Some((channel, message)) = state.panel(edit.message).map(|p| (p.channel, p.message)) else {
        let text = Text::PanelGone.text();
        tokio::spawn(async move { reply.send(text).await });
        return;
    };
    let posted = text::speaking_sync(state.channel_lang(), || {
        screens::panel_message(&edit, &state.settings.topics)
    });
    let edited = state
        .ctx
        .discord
        .edit_embeds_and_components(channel, message, &posted.embeds, &posted.components)
        .await;
    let (change, done) = match edited {
        Ok(()) => (Change::EditPanel(edit), Text::PanelEdited),
        Err(error)
            if matches!(
                error.code(),
                Some(codes::UNKNOWN_MESSAGE | codes::UNKNOWN_CHANNEL)
            ) =>
        {
            warn!(channel, message, "the panel's message is gone; forgotten");
            (Change::RemovePanel { message }, Text::PanelGoneForgotten)
        }
        Err(error) => {
            warn!(%error, channel, "could not edit the panel");
            let text = t!(PanelEditFailed, error = error.person_message());
            tokio::spawn(async move { reply.send(&text).await });
            return;
        }
    };
    let save = Save {
        change,
        answer: Answer::Ephemeral,
        done: done.to_string(),
        failed: Text::SettingNotSaved,
    };
    save_then_answer(state, reply, save, None);
}

/// A panel's tickets as private threads (once the bot is found able to run them there) or as
/// channels again; tickets already open stay what they are.
async fn set_panel_threads(
    state: &mut GuildState,
    incoming: &Incoming,
    panel: Box<Panel>,
    known: Option<u64>,
) {
    let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
    let (done, staff_check) = match panel.threads_in {
        Some(channel) => {
            let need = access::THREAD_CHANNEL_NEEDS;
            let purpose = Text::PurposeThreadChannel;
            if let Err(refusal) = bot_can_use(state, channel, known, need, purpose).await {
                tokio::spawn(async move { reply.send(&refusal).await });
                return;
            }
            let check = staff_blind_to_threads(state, channel);
            (t!(PanelThreadsSet, channel), check)
        }
        None => (Text::PanelChannelsSet.to_string(), None),
    };
    let save = Save {
        change: Change::EditPanel(panel),
        answer: Answer::Ephemeral,
        done,
        failed: Text::SettingNotSaved,
    };
    save_then_answer(state, reply, save, staff_check);
}

/// Private threads show only to their members and to whoever holds Manage Threads in their
/// channel: the staff roles that would not see thread tickets in `channel`, named for the admin
/// (the setting is saved anyway; the roles can be given the permission afterwards). Off the
/// guild actor, on the answer's task. `None` without staff roles.
fn staff_blind_to_threads(
    state: &GuildState,
    channel: Snowflake,
) -> Option<BoxFuture<'static, Option<String>>> {
    let roles = state.settings.staff_roles.clone();
    if roles.is_empty() {
        return None;
    }
    let (discord, guild) = (state.ctx.discord.clone(), state.guild);
    let need = access::perms::VIEW_CHANNEL | access::perms::MANAGE_THREADS;
    Some(
        crate::ui::text::carry(async move {
            let blind = match discord.roles_lacking_in(guild, channel, &roles, need).await {
                Ok(blind) => blind,
                Err(error) => {
                    warn!(%error, channel, "could not check the staff roles' thread permissions");
                    return None;
                }
            };
            if blind.is_empty() {
                return None;
            }
            warn!(channel, ?blind, "staff roles cannot see thread tickets");
            let roles = blind.iter().map(|r| format!("<@&{r}>")).collect::<Vec<_>>();
            let roles = roles.join(", ");
            Some(t!(PanelThreadsStaffBlind, roles, channel))
        })
        .boxed(),
    )
}

async fn set_log_channel(
    state: &mut GuildState,
    reply: Reply,
    channel: Snowflake,
    known: Option<u64>,
) {
    let usable = bot_can_use(
        state,
        channel,
        known,
        access::LOG_CHANNEL_NEEDS,
        Text::PurposeLogChannel,
    )
    .await;
    if let Err(refusal) = usable {
        tokio::spawn(async move { reply.send(&refusal).await });
        return;
    }
    let save = Save {
        change: Change::LogChannel(channel),
        answer: Answer::InPlace,
        done: t!(LogChannelSet, channel),
        failed: Text::SettingNotSaved,
    };
    save_then_answer(state, reply, save, None);
}

/// A new topic gets its own category, created before the topic is saved.
async fn add_topic(state: &mut GuildState, reply: Reply, name: String) {
    let category = match state.create_category(&naming::neutralize(&name, 100)).await {
        Ok(category) => Some(category),
        Err(message) => {
            tokio::spawn(async move { reply.send(&message).await });
            return;
        }
    };
    let save = Save {
        done: t!(TopicAdded, topic = screens::topic_shown(&name)),
        change: Change::AddTopic { name, category },
        answer: Answer::Ephemeral,
        failed: Text::TopicNotSaved,
    };
    save_then_answer(state, reply, save, None);
    refresh_topic_selects(state);
}

/// The posted panels, once each is checked to still exist: the admin is told which a person
/// deleted (message or channel), and those are forgotten. Admin setup, rare: the checks (one
/// read per panel, at most a select's 25) are awaited together.
async fn list_panels(state: &mut GuildState, reply: Reply, list: PanelList) {
    let discord = state.ctx.discord.clone();
    let panels: Vec<Panel> = state.settings.panels.clone();
    let checks = panels.iter().take(limits::SELECT_PAGE).map(|p| {
        let discord = discord.clone();
        let (channel, message) = (p.channel, p.message);
        async move { discord.message_exists(channel, message).await }
    });
    let found = futures_util::future::join_all(checks).await;
    // Only Discord's "unknown message / channel" counts as gone; a refused or failed read
    // keeps the panel.
    let gone: Vec<&Panel> = panels
        .iter()
        .zip(&found)
        .filter(|(_, exists)| matches!(exists, Ok(false)))
        .map(|(p, _)| p)
        .collect();
    let kept: Vec<Panel> = panels
        .iter()
        .filter(|p| !gone.iter().any(|g| g.message == p.message))
        .cloned()
        .collect();
    let mut screen = list.screen(&kept);
    let mut commit = None;
    if !gone.is_empty() {
        for panel in &gone {
            warn!(
                channel = panel.channel,
                message = panel.message,
                "a panel's message or channel was deleted; forgotten"
            );
        }
        let channels = gone
            .iter()
            .map(|p| format!("<#{}>", p.channel))
            .collect::<Vec<_>>()
            .join(", ");
        screen.text = format!("{}\n\n{}", t!(PanelsGoneForgotten, channels), screen.text);
        let forgotten = gone.iter().map(|p| p.message).collect();
        let mut settings = (*state.settings).clone();
        Change::ForgetPanels(forgotten).apply(&mut settings);
        commit = Some(state.save_settings(settings));
    }
    // Answered once the forgetting is durable, so what the admin reads is what is kept.
    tokio::spawn(async move {
        if let Some(commit) = commit
            && let Err(error) = commit.await
        {
            warn!(%error, "could not save the deleted panels' removal");
        }
        reply.send_with(&screen.text, screen.components).await
    });
}

/// Deletes the panel's message and forgets the panel; "removed" once that is durable.
fn remove_panel(state: &mut GuildState, reply: Reply, panel: Panel) {
    let discord = state.ctx.discord.clone();
    let delete = async move {
        if let Err(error) = discord.delete_message(panel.channel, panel.message).await {
            warn!(%error, "could not delete the panel message");
        }
        None
    };
    let save = Save {
        change: Change::RemovePanel {
            message: panel.message,
        },
        answer: Answer::InPlace,
        done: Text::PanelRemoved.to_string(),
        failed: Text::PanelRemovedNotSaved,
    };
    save_then_answer(state, reply, save, Some(delete.boxed()));
}

/// Removes a topic: its open tickets move to the default category first (never orphaned), then
/// its category is deleted.
async fn remove_topic(
    state: &mut GuildState,
    reply: Reply,
    removed: Topic,
) -> Result<(), ActorProcessingErr> {
    let default = match state.default_category().await? {
        Ok(category) => category,
        Err(message) => {
            tokio::spawn(async move { reply.send(&message).await });
            return Ok(());
        }
    };
    let mut moves = Vec::new();
    for actor in state.ticket_actors_with_topic(removed.id) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let _ = actor.cast(TicketMsg::MoveTo {
            parent: default,
            settings: state.settings.clone(),
            done: tx,
        });
        moves.push(rx);
    }
    let discord = state.ctx.discord.clone();
    let category = removed.category;
    let first = async move {
        for moved in moves {
            let _ = moved.await;
        }
        if let Some(category) = category
            && let Err(error) = discord
                .delete_channel(category, Text::TopicRemovedAudit.text())
                .await
        {
            warn!(%error, "could not delete the topic category");
        }
        None
    };
    let save = Save {
        change: Change::RemoveTopic { topic: removed.id },
        answer: Answer::InPlace,
        done: t!(TopicRemoved, topic = screens::topic_shown(&removed.name)),
        failed: Text::TopicNotSaved,
    };
    save_then_answer(state, reply, save, Some(first.boxed()));
    refresh_topic_selects(state);
    Ok(())
}

/// The panels showing a select of their topics, edited to show the server's topics as they
/// are now (a topic added or removed). Admin setup, rare: one edit per such panel, on a task.
fn refresh_topic_selects(state: &GuildState) {
    let posted: Vec<(Snowflake, Snowflake, crate::discord::OutgoingMessage)> =
        text::speaking_sync(state.channel_lang(), || {
            state
                .settings
                .panels
                .iter()
                .filter(|p| p.style == PanelStyle::TopicSelect)
                .map(|p| {
                    let message = screens::panel_message(p, &state.settings.topics);
                    (p.channel, p.message, message)
                })
                .collect()
        });
    if posted.is_empty() {
        return;
    }
    let discord = state.ctx.discord.clone();
    tokio::spawn(async move {
        for (channel, message, posted) in posted {
            let edit = discord.edit_embeds_and_components(
                channel,
                message,
                &posted.embeds,
                &posted.components,
            );
            if let Err(error) = edit.await {
                warn!(%error, channel, message, "could not show a panel's topics as they are now");
            }
        }
    });
}

/// A Manage request for one ticket, to its actor.
fn to_ticket(state: &mut GuildState, incoming: &Incoming, ticket: u64, request: TicketRequest) {
    let with_bots = |users: Vec<Snowflake>| -> Vec<(Snowflake, bool)> {
        users
            .into_iter()
            .map(|u| (u, incoming.resolved_bots.contains(&u)))
            .collect()
    };
    match request {
        TicketRequest::Close => {
            state.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Close {
                by,
                reason: None,
                reply,
                settings,
            })
        }
        TicketRequest::AddUsers(users) => {
            let users = with_bots(users);
            state.to_ticket(incoming, ticket, |by, reply, settings| {
                TicketMsg::AddUsers {
                    by,
                    users,
                    reply,
                    settings,
                }
            })
        }
        TicketRequest::RemoveUsers(users) => {
            let users = with_bots(users);
            state.to_ticket(incoming, ticket, |by, reply, settings| {
                TicketMsg::RemoveUsers {
                    by,
                    users,
                    reply,
                    settings,
                }
            })
        }
    }
}

/// Closes every open ticket through its own actor, quietly (no per-ticket answer), and
/// reports the count.
fn close_all(state: &mut GuildState, incoming: &Incoming) {
    let numbers = state.open_ticket_numbers();
    let reply = Reply::defer_update(&state.ctx.discord, incoming);
    let by = Person {
        user: incoming.user,
        is_staff: true,
        is_admin: access::is_admin(&GuildState::member(incoming)),
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
    tokio::spawn(text::carry(report_close_all(reply, numbers.len(), waits)));
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
                .send_provisional(&t!(CloseAllProgress, done = done + 1, total))
                .await;
        }
    }
    reply.send(&t!(CloseAllDone, closed, total)).await
}

/// After staff roles change: categories get the new overwrites (here, on a task), ticket
/// channels through their own actors.
fn reapply_overwrites(state: &mut GuildState) {
    super::ready::reapply_staff(state);
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
