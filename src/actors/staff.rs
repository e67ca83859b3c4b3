//! The staff workflow's entry points in the guild actor: the Claim and Unclaim
//! buttons, the transfer select, Close and Keep open on a close request, `/tickets claim |
//! unclaim | transfer | close | request-close | priority | rename | list`, autocomplete of close
//! reasons and `/ticket claim-mode`. The guild actor only finds the ticket and judges the people
//! involved; the ticket actor applies the rules (`access::plan_claim`, `lifecycle`) against its
//! stored record. Nothing here awaits: store reads run on tasks of their own.

use ractor::ActorRef;
use tracing::{info, warn};

use super::{
    commands::{
        CLAIMER, HOURS, LEVEL, MODE, NAME, OLDER_THAN_HOURS, PAGE, PRIORITY, REASON, TOPIC,
    },
    guild_state::{GuildState, WaitingMove},
    incoming::{Incoming, IncomingKind},
    protocol::GuildMsg,
    ticket::TicketMsg,
};
use crate::{
    discord::reply::{Reply, reply_now},
    domain::{
        access::{self, ClaimRequest, Member},
        custom_id::Action,
        limits,
        model::{ClaimMode, Priority},
    },
    ui::{
        hub_screens::topic_shown,
        text::{Text, t},
        ticket_messages::{ListFilter, list_matches, ticket_list_page, transfer_prompt},
    },
};

/// Carries out the staff workflow's components (Claim, Unclaim, the transfer select, Close and
/// Keep open on a close request); any other action is handed back.
pub fn action(state: &mut GuildState, incoming: &Incoming, action: Action) -> Option<Action> {
    match action {
        Action::Claim { ticket } => claim(state, incoming, ticket, ClaimRequest::Claim),
        Action::Unclaim { ticket } => claim(state, incoming, ticket, ClaimRequest::Unclaim),
        Action::TransferSelect { ticket } => transfer_select(state, incoming, ticket),
        Action::CloseRequestAccept { ticket } => {
            answer_close_request(state, incoming, ticket, true)
        }
        Action::CloseRequestKeep { ticket } => answer_close_request(state, incoming, ticket, false),
        other => return Some(other),
    }
    None
}

/// Claim or unclaim `ticket` (a button, or a command in its channel).
pub fn claim(state: &mut GuildState, incoming: &Incoming, ticket: u64, request: ClaimRequest) {
    state.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Claim {
        by,
        request,
        reply,
        settings,
    });
}

/// `/tickets claim | unclaim | transfer` inside a ticket channel. Transfer answers with the
/// staff picker; its choice arrives as [`transfer_select`].
pub fn command(state: &mut GuildState, incoming: &Incoming, request: Option<ClaimRequest>) {
    let Some(ticket) = state.ticket_in_channel(incoming.channel) else {
        state.refuse(incoming, Text::NotInTicket.english());
        return;
    };
    match request {
        Some(request) => claim(state, incoming, ticket, request),
        None if !state.is_staff(incoming) => {
            warn!(
                user = incoming.user,
                "refused: transfer prompt for a non-staff member"
            );
            state.refuse(incoming, Text::TransferNotAllowed.english());
        }
        None => {
            let (text, components) = transfer_prompt(ticket);
            reply_now(&state.ctx.discord, incoming, text, components);
        }
    }
}

/// `/tickets close reason:` (staff: closes at once) and `/tickets request-close reason:`
/// (either side: asks the other to confirm), inside a ticket channel.
pub fn close_command(state: &mut GuildState, incoming: &Incoming, request: bool) {
    let Some(ticket) = state.ticket_in_channel(incoming.channel) else {
        state.refuse(incoming, Text::NotInTicket.english());
        return;
    };
    let (reason, hours) = (
        incoming.option(REASON).map(str::to_owned),
        incoming.option(HOURS),
    );
    if request {
        let Ok(delay_hours) = limits::parse_request_delay(hours) else {
            warn!(
                user = incoming.user,
                ?hours,
                "refused: close request delay out of range"
            );
            let max = limits::REQUEST_DELAY_HOURS_MAX;
            state.refuse(incoming, &t!(RequestDelayBad, max));
            return;
        };
        state.to_ticket(incoming, ticket, |by, reply, settings| {
            TicketMsg::RequestClose {
                by,
                reason,
                delay_hours,
                reply,
                settings,
            }
        });
    } else if !state.is_staff(incoming) {
        // The opener closes with the Close buttons; the command is for staff.
        warn!(
            user = incoming.user,
            "refused: /tickets close by a non-staff member"
        );
        state.refuse(incoming, access::NOT_STAFF.0.english());
    } else {
        state.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Close {
            by,
            reason,
            reply,
            settings,
        });
    }
}

/// Close or Keep open on a close request.
pub fn answer_close_request(
    state: &mut GuildState,
    incoming: &Incoming,
    ticket: u64,
    accept: bool,
) {
    state.to_ticket(incoming, ticket, |by, reply, settings| {
        TicketMsg::AnswerCloseRequest {
            by,
            accept,
            reply,
            settings,
        }
    });
}

/// The transfer select: exactly one member, judged staff from what the select resolved.
pub fn transfer_select(state: &mut GuildState, incoming: &Incoming, ticket: u64) {
    let picked = match &incoming.kind {
        IncomingKind::Component { values, .. } if values.len() == 1 => {
            values[0].parse::<u64>().ok()
        }
        _ => None,
    };
    let Some(to) = picked else {
        warn!(
            user = incoming.user,
            "transfer select without exactly one member"
        );
        state.refuse(incoming, Text::TransferPickOne.english());
        return;
    };
    let to_is_staff = !incoming.resolved_bots.contains(&to)
        && incoming
            .resolved_members
            .iter()
            .find(|(user, _, _)| *user == to)
            .is_some_and(|(user, roles, permissions)| {
                let member = Member {
                    user: *user,
                    roles,
                    permissions: *permissions,
                };
                access::is_staff(&member, &state.settings.staff_roles)
            });
    claim(
        state,
        incoming,
        ticket,
        ClaimRequest::Transfer { to, to_is_staff },
    );
}

/// `/ticket claim-mode mode: topic:` (admins): saved, answered once durable, and every ticket's
/// overwrites re-derived under the new mode.
pub fn set_claim_mode(state: &mut GuildState, incoming: &Incoming) {
    if !access::is_admin(&GuildState::member(incoming)) {
        warn!(user = incoming.user, "refused: claim mode by a non-admin");
        state.refuse(incoming, access::NOT_ADMIN.0.english());
        return;
    }
    let IncomingKind::Command { options, .. } = &incoming.kind else {
        return;
    };
    let Some((mode, shown)) = options.get(MODE).and_then(|m| parse_mode(m)) else {
        warn!(user = incoming.user, "claim mode not one of the choices");
        state.refuse(incoming, Text::ClaimModeUnknown.english());
        return;
    };
    let mut settings = (*state.settings).clone();
    let done = match options.get(TOPIC) {
        None => {
            settings.claims.mode = mode;
            t!(ClaimModeSaved, mode = shown)
        }
        Some(name) => {
            let Some(topic) = settings
                .topics
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
            else {
                state.refuse(incoming, Text::ClaimModeNoSuchTopic.english());
                return;
            };
            let (id, topic) = (topic.id, topic_shown(&topic.name));
            settings.claims.topic_modes.retain(|(t, _)| *t != id);
            settings.claims.topic_modes.push((id, mode));
            t!(ClaimModeSavedTopic, topic, mode = shown)
        }
    };
    let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
    let commit = state.save_settings(settings);
    let settings = state.settings.clone();
    // Closed tickets' overwrites do not depend on claims.
    for number in state.open_ticket_numbers() {
        if let Some(actor) = state.ticket_actor(number) {
            let _ = actor.cast(TicketMsg::ApplyOverwrites {
                settings: settings.clone(),
            });
        }
    }
    tokio::spawn(async move {
        match commit.await {
            Ok(()) => reply.send(&done).await,
            Err(error) => {
                warn!(%error, "could not save the claim mode");
                reply.send(Text::ClaimModeNotSaved.english()).await
            }
        }
    });
}

fn parse_mode(value: &str) -> Option<(ClaimMode, Text)> {
    match value {
        "guarded" => Some((ClaimMode::Guarded, Text::ClaimModeGuarded)),
        "label" => Some((ClaimMode::Label, Text::ClaimModeLabel)),
        "private" => Some((ClaimMode::Private, Text::ClaimModePrivate)),
        _ => None,
    }
}

/// `/tickets priority level:` inside a ticket channel.
pub fn priority_command(state: &mut GuildState, incoming: &Incoming) {
    let Some(ticket) = state.ticket_in_channel(incoming.channel) else {
        state.refuse(incoming, Text::NotInTicket.english());
        return;
    };
    let level = incoming.option(LEVEL).and_then(parse_priority);
    let Some(priority) = level else {
        warn!(user = incoming.user, "priority not one of the choices");
        state.refuse(incoming, Text::PriorityUnknown.english());
        return;
    };
    state.to_ticket(incoming, ticket, |by, reply, settings| {
        TicketMsg::SetPriority {
            by,
            priority,
            reply,
            settings,
        }
    });
}

fn parse_priority(value: &str) -> Option<Priority> {
    match value {
        "low" => Some(Priority::Low),
        "normal" => Some(Priority::Normal),
        "high" => Some(Priority::High),
        "urgent" => Some(Priority::Urgent),
        _ => None,
    }
}

/// `/tickets rename name:` inside a ticket channel.
pub fn rename_command(state: &mut GuildState, incoming: &Incoming) {
    let Some(ticket) = state.ticket_in_channel(incoming.channel) else {
        state.refuse(incoming, Text::NotInTicket.english());
        return;
    };
    let name = incoming.option(NAME).unwrap_or_default().to_owned();
    state.to_ticket(incoming, ticket, |by, reply, settings| TicketMsg::Rename {
        by,
        name,
        reply,
        settings,
    });
}

/// `/tickets list` (staff): the open tickets matching the filters, read from the store on a
/// task of its own (the guild actor goes on with the next click), one page, ephemeral.
pub fn list_command(state: &mut GuildState, incoming: &Incoming) {
    if !state.is_staff(incoming) {
        warn!(
            user = incoming.user,
            "refused: ticket list for a non-staff member"
        );
        state.refuse(incoming, access::NOT_STAFF.0.english());
        return;
    }
    let IncomingKind::Command { options, .. } = &incoming.kind else {
        return;
    };
    let topic = match options.get(TOPIC) {
        None => None,
        Some(name) => match state
            .settings
            .topics
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
        {
            Some(topic) => Some(topic.id),
            None => {
                state.refuse(incoming, Text::ClaimModeNoSuchTopic.english());
                return;
            }
        },
    };
    let filter = ListFilter {
        priority: options.get(PRIORITY).and_then(|p| parse_priority(p)),
        claimer: options.get(CLAIMER).and_then(|c| c.parse().ok()),
        topic,
        older_than_ms: options
            .get(OLDER_THAN_HOURS)
            .and_then(|h| h.parse::<i64>().ok())
            .map(|h| h.saturating_mul(3_600_000)),
    };
    let page = options
        .get(PAGE)
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1);
    let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
    let (store, guild) = (state.ctx.store.clone(), state.guild);
    tokio::spawn(async move {
        let text = match store.load_guild(guild).await {
            Ok(snapshot) => {
                let now = crate::actors::ticket::now_millis();
                let matches = list_matches(&snapshot.tickets, &filter, now);
                ticket_list_page(guild, &matches, page)
            }
            Err(error) => {
                warn!(%error, "could not read the tickets to list them");
                Text::ListReadFailed.to_string()
            }
        };
        reply.send(&text).await;
    });
}

/// `/tickets notes` inside a ticket channel (staff; the ticket checks it too).
pub fn notes_command(state: &mut GuildState, incoming: &Incoming) {
    let Some(ticket) = state.ticket_in_channel(incoming.channel) else {
        state.refuse(incoming, Text::NotInTicket.text());
        return;
    };
    state.to_ticket(incoming, ticket, |by, reply, _| TicketMsg::Notes {
        by,
        reply,
    });
}

/// `/tickets move topic:` inside a ticket channel (staff). The topic comes as its id (what
/// autocomplete offers) or its name (typed).
pub fn move_command(state: &mut GuildState, myself: &ActorRef<GuildMsg>, incoming: &Incoming) {
    let Some(ticket) = state.ticket_in_channel(incoming.channel) else {
        state.refuse(incoming, Text::NotInTicket.text());
        return;
    };
    if !state.is_staff(incoming) {
        warn!(
            user = incoming.user,
            "refused: /tickets move by a non-staff member"
        );
        state.refuse(incoming, Text::MoveNotAllowed.text());
        return;
    }
    let wanted = incoming.option(TOPIC).unwrap_or_default().trim();
    let topic = state
        .settings
        .topics
        .iter()
        .find(|t| t.id.to_string() == wanted || t.name.eq_ignore_ascii_case(wanted));
    let Some(topic) = topic.map(|t| t.id) else {
        info!(user = incoming.user, "refused: move to an unknown topic");
        state.refuse(incoming, Text::MoveNoSuchTopic.text());
        return;
    };
    let waiting = WaitingMove {
        ticket,
        topic,
        by: state.person(incoming),
        reply: Reply::defer_ephemeral(&state.ctx.discord, incoming),
    };
    state.move_in_category(myself, waiting);
}

/// Autocomplete: `/tickets close reason:` suggests the server's most used close reasons and
/// `/tickets move topic:` the server's topics (staff only); anything else gets no choices.
/// Always answered, within Discord's 3 s: the reasons are read from the store on a task of
/// its own.
pub fn autocomplete(state: &mut GuildState, incoming: &Incoming, path: &[String], focused: &str) {
    let discord = state.ctx.discord.clone();
    let (id, token) = (incoming.id, incoming.token.clone());
    let typed = match &incoming.kind {
        IncomingKind::Autocomplete { value, .. } => value.clone(),
        _ => String::new(),
    };
    if matches!(path, [a, b] if a == super::commands::TICKETS && b == super::commands::MOVE) {
        let choices = if state.is_staff(incoming) {
            topic_choices(&state.settings.topics, &typed)
        } else {
            Vec::new()
        };
        tokio::spawn(async move {
            if let Err(error) = discord.autocomplete_result(id, &token, &choices).await {
                warn!(interaction = id, %error, "could not answer an autocomplete");
            }
        });
        return;
    }
    let wanted = matches!(path, [a, b] if a == super::commands::TICKETS && b == super::commands::CLOSE)
        && focused == REASON
        && state.is_staff(incoming);
    let (store, guild) = (state.ctx.store.clone(), state.guild);
    tokio::spawn(async move {
        let reasons = if wanted {
            match store.load_guild(guild).await {
                Ok(snapshot) => crate::domain::reasons::suggest(
                    snapshot
                        .tickets
                        .iter()
                        .filter_map(|t| t.close_reason.as_deref()),
                    &typed,
                ),
                Err(error) => {
                    warn!(%error, "could not read close reasons to suggest");
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let choices: Vec<(String, String)> = reasons.into_iter().map(|r| (r.clone(), r)).collect();
        if let Err(error) = discord.autocomplete_result(id, &token, &choices).await {
            warn!(interaction = id, %error, "could not answer an autocomplete");
        }
    });
}

/// Autocomplete choices for a topic: `(name, id)` of those whose name contains what was typed,
/// at most Discord's 25.
fn topic_choices(topics: &[crate::domain::model::Topic], typed: &str) -> Vec<(String, String)> {
    let typed = typed.trim().to_lowercase();
    topics
        .iter()
        .filter(|t| t.name.to_lowercase().contains(&typed))
        .take(25)
        .map(|t| (t.name.clone(), t.id.to_string()))
        .collect()
}

/// `/tickets stats user:` (staff): that staff member's figures, from their stored sums (read
/// on a task of its own).
pub fn staff_figures(state: &mut GuildState, incoming: &Incoming) {
    if !state.is_staff(incoming) {
        warn!(
            user = incoming.user,
            "refused: staff figures asked by a non-staff member"
        );
        state.refuse(incoming, Text::NotStaff.text());
        return;
    }
    let user = (incoming.option(super::commands::USER))
        .and_then(|u| u.parse::<u64>().ok())
        .unwrap_or(incoming.user);
    let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
    let (store, guild) = (state.ctx.store.clone(), state.guild);
    tokio::spawn(crate::ui::text::carry(async move {
        let text = match store.staff_tally(guild, user).await {
            Ok(tally) => {
                let figures = crate::domain::stats::StaffFigures::of(&tally);
                crate::ui::ticket_messages::staff_figures_text(user, &figures)
            }
            Err(error) => {
                warn!(%error, "could not read the tickets for staff figures");
                Text::ListReadFailed.to_string()
            }
        };
        reply.send(&text).await;
    }));
}
