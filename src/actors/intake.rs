//! The intake's entry points in the guild actor: the form asked before a ticket is numbered,
//! its submission, and the opener's Edit answers. The rules are `domain::intake`'s; the abuse
//! controls themselves are checked with the limits in [`GuildState::may_open`].
//!
//! Cost: a server without questions opens exactly as before (the click is acknowledged with a
//! deferred answer and numbered). With questions, the form is the click's acknowledgement, and
//! its submission is numbered like a click: no extra REST call, no store read, the answers
//! riding in the number's commit and in the welcome message.

use ractor::{ActorProcessingErr, ActorRef};
use tracing::warn;

use crate::discord::reply::{Reply, open_modal_now, update_now};
use crate::domain::{
    custom_id::{self, Action},
    intake::{self as rules},
    model::{BlockEntry, BlockTarget, Snowflake, TicketState},
};
use crate::store::WriteOp;
use crate::ui::{
    intake as form,
    intake_hub::{self, RuntimeStep},
    text::{Text, t},
};

use super::{
    guild_state::GuildState,
    incoming::{Incoming, IncomingKind},
    protocol::GuildMsg,
    ticket::{TicketMsg, now_millis},
};

/// Open (or a picked topic): the form when the topic has questions, else the open itself.
pub async fn open_clicked(
    state: &mut GuildState,
    myself: &ActorRef<GuildMsg>,
    incoming: &Incoming,
    (topic, panel): (Option<u32>, Option<Snowflake>),
) -> Result<(), ActorProcessingErr> {
    let questions = state.settings.intake.questions_for(topic);
    if questions.is_empty() {
        let reply = answer_for(state, incoming, topic);
        let to = (topic, state.threads_of(panel));
        return state.open(myself, incoming, to, reply, Vec::new()).await;
    }
    // Checked before the form too, so nobody fills in a form only to be refused; the open
    // checks again, since the form may be submitted much later.
    if let Err(text) = state.may_open(incoming, topic, 0) {
        state.refuse(incoming, &text);
        return Ok(());
    }
    let scope = custom_id::scope_of(topic);
    // A thread panel rides in the form's id, so the submission opens a thread while the panel
    // still says so; a channel panel's form is the one it always was.
    let submit = match panel.filter(|_| state.threads_of(panel).is_some()) {
        Some(panel) => Action::IntakePanelForm { scope, panel },
        None => Action::IntakeForm { scope },
    };
    let modal = form::form(submit, Text::IntakeModalTitle, questions, &[]);
    open_modal_now(
        &state.ctx.discord,
        incoming,
        modal.custom_id,
        &modal.title,
        modal.components,
    );
    Ok(())
}

/// The deferred answer an open gets: in place of the topic picker it came from, or a new
/// ephemeral message under the panel.
fn answer_for(state: &GuildState, incoming: &Incoming, topic: Option<u32>) -> Reply {
    match topic {
        Some(_) => Reply::defer_update(&state.ctx.discord, incoming),
        None => Reply::defer_ephemeral(&state.ctx.discord, incoming),
    }
}

/// The intake form's submission and Edit answers.
pub async fn action(
    state: &mut GuildState,
    myself: &ActorRef<GuildMsg>,
    incoming: &Incoming,
    action: Action,
) -> Result<(), ActorProcessingErr> {
    match action {
        Action::IntakeForm { scope } => {
            form_submitted(state, myself, incoming, (scope, None)).await?
        }
        Action::IntakePanelForm { scope, panel } => {
            form_submitted(state, myself, incoming, (scope, Some(panel))).await?
        }
        Action::EditAnswers { ticket } => edit_clicked(state, incoming, ticket),
        Action::EditAnswersModal { ticket } => edit_submitted(state, incoming, ticket),
        _ => {}
    }
    Ok(())
}

fn fields(incoming: &Incoming) -> Option<&std::collections::BTreeMap<String, String>> {
    match &incoming.kind {
        IncomingKind::Modal { fields, .. } => Some(fields),
        _ => None,
    }
}

async fn form_submitted(
    state: &mut GuildState,
    myself: &ActorRef<GuildMsg>,
    incoming: &Incoming,
    (scope, panel): (u64, Option<Snowflake>),
) -> Result<(), ActorProcessingErr> {
    let topic = match custom_id::topic_of(scope) {
        Ok(topic) if topic.is_none_or(|id| state.settings.topics.iter().any(|t| t.id == id)) => {
            topic
        }
        _ => {
            warn!(scope, "intake form for a topic that does not exist");
            state.refuse(incoming, Text::TopicGonePickAgain.text());
            return Ok(());
        }
    };
    let Some(fields) = fields(incoming) else {
        warn!("intake form action without a modal submission");
        state.refuse(incoming, Text::UnknownComponent.text());
        return Ok(());
    };
    let questions = state.settings.intake.questions_for(topic);
    let answers = match rules::answers_from(questions, fields) {
        Ok(answers) if !questions.is_empty() => answers,
        Ok(_) => {
            // The questions were removed meanwhile: the form means nothing any more.
            state.refuse(incoming, Text::AnswersNotUnderstood.text());
            return Ok(());
        }
        Err(error) => {
            warn!(%error, "intake form refused");
            state.refuse(incoming, &error.to_string());
            return Ok(());
        }
    };
    let reply = answer_for(state, incoming, topic);
    let to = (topic, state.threads_of(panel));
    state.open(myself, incoming, to, reply, answers).await
}

/// Edit answers: the opener's form, prefilled by the ticket's actor (which holds the answers).
fn edit_clicked(state: &mut GuildState, incoming: &Incoming, ticket: u64) {
    if let Err(text) = may_edit(state, incoming, ticket) {
        state.refuse(incoming, &text);
        return;
    }
    let topic = state.book.tickets.get(&ticket).and_then(|e| e.topic);
    if state.settings.intake.questions_for(topic).is_empty() {
        // The questions were removed since: there is no form to show.
        state.refuse(incoming, Text::AnswersNotUnderstood.text());
        return;
    }
    let Some(actor) = state.ticket_actor(ticket) else {
        state.refuse(incoming, &crate::ui::text::t!(TicketGone, number = ticket));
        return;
    };
    let message = TicketMsg::ShowAnswersForm {
        incoming: Box::new(incoming.clone()),
        settings: state.settings.clone(),
    };
    if actor.cast(message).is_err() {
        warn!(ticket, "ticket actor is gone");
    }
}

/// Only the opener edits, and only while the ticket is open.
fn may_edit(state: &GuildState, incoming: &Incoming, ticket: u64) -> Result<(), String> {
    let Some(entry) = state.book.tickets.get(&ticket) else {
        return Err(crate::ui::text::t!(TicketGone, number = ticket));
    };
    if entry.opener != incoming.user {
        return Err(Text::AnswersNotYours.text().to_owned());
    }
    if entry.state != TicketState::Open {
        return Err(crate::ui::text::t!(AnswersTicketNotOpen, number = ticket));
    }
    Ok(())
}

fn edit_submitted(state: &mut GuildState, incoming: &Incoming, ticket: u64) {
    if let Err(text) = may_edit(state, incoming, ticket) {
        state.refuse(incoming, &text);
        return;
    }
    let topic = state.book.tickets.get(&ticket).and_then(|e| e.topic);
    let questions = state.settings.intake.questions_for(topic);
    let answers = match fields(incoming).map(|f| rules::answers_from(questions, f)) {
        Some(Ok(answers)) if !questions.is_empty() => answers,
        Some(Err(error)) => {
            warn!(%error, "edited answers refused");
            state.refuse(incoming, &error.to_string());
            return;
        }
        _ => {
            state.refuse(incoming, Text::AnswersNotUnderstood.text());
            return;
        }
    };
    state.to_ticket(incoming, ticket, |by, reply, settings| {
        TicketMsg::SetAnswers {
            by,
            answers,
            reply,
            settings,
        }
    });
}

/// The hub's blocklist and resets: memory first (the guild actor is their only writer), then
/// the store, and the admin is answered once it is durable.
pub fn carry_out(state: &mut GuildState, incoming: &Incoming, step: RuntimeStep) {
    let now = now_millis();
    let guild = state.guild;
    let book = state.intake.get_or_insert_with(Box::default);
    let (ops, done, in_place) = match step {
        RuntimeStep::ShowBlocklist => {
            let mut entries: Vec<(BlockTarget, BlockEntry)> =
                book.blocks.iter().map(|(t, e)| (*t, e.clone())).collect();
            entries.sort_by_key(|(t, _)| *t);
            let screen = intake_hub::blocklist_screen(&entries, now);
            update_now(&state.ctx.discord, incoming, screen.text, screen.components);
            return;
        }
        RuntimeStep::Block {
            target,
            reason,
            days,
        } => {
            let entry = BlockEntry {
                until: rules::block_until(days, now),
                reason,
                by: incoming.user,
            };
            book.blocks.insert(target, entry.clone());
            let done = match target {
                BlockTarget::Member(user) => t!(BlockedMember, user),
                BlockTarget::Role(role) => t!(BlockedRole, roles = format!("<@&{role}>")),
            };
            let op = WriteOp::PutBlock {
                guild,
                target,
                entry,
            };
            (vec![op], done, false)
        }
        RuntimeStep::Unblock(target) => {
            book.blocks.remove(&target);
            let op = WriteOp::RemoveBlock { guild, target };
            (vec![op], Text::Unblocked.to_string(), true)
        }
        RuntimeStep::ResetOpens(users) => {
            let mut ops = Vec::new();
            for user in &users {
                book.opens.remove(user);
                ops.push(WriteOp::RemoveMemberOpens { guild, user: *user });
            }
            let users: Vec<String> = users.iter().map(|u| format!("<@{u}>")).collect();
            (ops, t!(OpensReset, users = users.join(", ")), true)
        }
    };
    let reply = if in_place {
        Reply::defer_update(&state.ctx.discord, incoming)
    } else {
        Reply::defer_ephemeral(&state.ctx.discord, incoming)
    };
    let commit = state.ctx.store.write(ops);
    let failed = Text::IntakeNotSaved.text();
    tokio::spawn(async move {
        match commit.await {
            Ok(()) => reply.send(&done).await,
            Err(error) => {
                warn!(%error, "intake state not saved");
                reply.send(failed).await
            }
        }
    });
}
