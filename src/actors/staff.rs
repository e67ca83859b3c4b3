//! The staff workflow's entry points in the guild actor (issue 15): the Claim and Unclaim
//! buttons, the transfer select and `/tickets claim | unclaim | transfer`. The guild actor only
//! finds the ticket and judges the people involved; the ticket actor applies the claim rules
//! (`access::plan_claim`) against its stored record.

use tracing::warn;

use super::{
    commands::REASON,
    guild_state::GuildState,
    incoming::{Incoming, IncomingKind},
    ticket::TicketMsg,
};
use crate::{
    discord::reply::reply_now,
    domain::{
        access::{self, ClaimRequest, Member},
        custom_id::Action,
    },
    ui::{text::Text, ticket_messages::transfer_prompt},
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
    let reason = match &incoming.kind {
        IncomingKind::Command { options, .. } => options.get(REASON).cloned(),
        _ => None,
    };
    if request {
        state.to_ticket(incoming, ticket, |by, reply, settings| {
            TicketMsg::RequestClose {
                by,
                reason,
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
