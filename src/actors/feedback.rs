//! Feedback's entry points in the guild actor: a star button on a close DM, "Add a comment",
//! and the comment modal. Discord sends them from the opener's DMs, so the custom id names the
//! server (the router's `incoming::parse` routes by it) and the rules (`domain::feedback`) are
//! checked against the stored record: only its opener rates, whoever clicks.
//!
//! A ticket whose channel may still exist is rated by its actor, the only writer of its
//! record; a deleted one has no actor and nothing else writes its record, so it is rated here,
//! on a task of its own (nothing here awaits).

use tracing::warn;

use super::{
    guild_state::GuildState,
    incoming::{Incoming, IncomingKind},
    log::Rated,
    ticket::{TicketMsg, rated},
};
use crate::{
    discord::{reply::Reply, reply::open_modal_now},
    domain::{
        custom_id::{Action, fields},
        feedback::Rating,
    },
    store::WriteOp,
    ui::{
        text::{self, Text, t},
        ticket_messages::{rating_comment_modal, rating_log},
    },
};

/// Carries out a feedback component or modal; any other action is handed back.
pub fn action(state: &mut GuildState, incoming: &Incoming, action: Action) -> Option<Action> {
    match action {
        Action::Rate {
            guild,
            ticket,
            stars,
        } if guild == state.guild => rate(state, incoming, ticket, Rating::Stars(stars)),
        Action::RateComment { guild, ticket } if guild == state.guild => {
            let modal = rating_comment_modal(guild, ticket);
            let discord = &state.ctx.discord;
            open_modal_now(
                discord,
                incoming,
                modal.custom_id,
                &modal.title,
                modal.components,
            );
        }
        Action::RateCommentModal { guild, ticket } if guild == state.guild => {
            let comment = match &incoming.kind {
                IncomingKind::Modal { fields, .. } => fields.get(fields::FEEDBACK_COMMENT).cloned(),
                _ => None,
            };
            rate(
                state,
                incoming,
                ticket,
                Rating::Comment(comment.unwrap_or_default()),
            );
        }
        Action::Rate { .. } | Action::RateComment { .. } | Action::RateCommentModal { .. } => {
            warn!(
                user = incoming.user,
                "refused: feedback naming another server"
            );
            state.refuse(incoming, Text::UnknownComponent.text());
        }
        other => return Some(other),
    }
    None
}

fn rate(state: &mut GuildState, incoming: &Incoming, ticket: u64, rating: Rating) {
    if state.book.tickets.contains_key(&ticket) {
        state.to_ticket(incoming, ticket, |by, reply, settings| {
            TicketMsg::Feedback {
                by: by.user,
                rating,
                reply,
                settings,
            }
        });
        return;
    }
    let reply = Reply::defer_ephemeral(&state.ctx.discord, incoming);
    let (store, guild, user) = (state.ctx.store.clone(), state.guild, incoming.user);
    let log = state
        .settings
        .log_channel
        .map(|channel| (channel, state.log()));
    let lang = state.channel_lang();
    tokio::spawn(text::carry(async move {
        let record = match store.ticket(guild, ticket).await {
            Ok(Some(record)) => record,
            Ok(None) => return reply.send(&t!(TicketGone, number = ticket)).await,
            Err(error) => {
                warn!(%error, ticket, "could not read a ticket to rate it");
                return reply.send(Text::RateNotSaved.text()).await;
            }
        };
        let mut record = record;
        let answer = match rated(&mut record, user, rating) {
            Err(refusal) => return reply.send(&refusal).await,
            Ok(answer) => answer,
        };
        if let Err(error) = store.write(vec![WriteOp::PutTicket(record.clone())]).await {
            warn!(%error, ticket, "could not store a rating");
            return reply.send(Text::RateNotSaved.text()).await;
        }
        if let (Some((channel, log)), Some(feedback)) = (log, &record.trail.feedback) {
            let (field, embed) = text::speaking_sync(lang, || rating_log(ticket, user, feedback));
            log.rated(Rated::new(channel, ticket, field, embed));
        }
        reply.send_with(&answer.0, answer.1).await;
    }));
}
