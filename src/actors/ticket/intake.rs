//! A ticket actor's side of the intake: its answers (given at the open, else read from the
//! store when first needed), the opener's Edit answers form and the edit of the welcome
//! message. The guild actor checks who may edit and what the answers are worth.

use ractor::ActorRef;
use tracing::{info, warn};

use super::{TicketActorState, TicketMsg};
use crate::discord::reply::open_modal_now;
use crate::domain::custom_id::Action;
use crate::domain::intake;
use crate::domain::model::{GuildSettings, TicketState};
use crate::store::WriteOp;
use crate::ui::intake as form;
use crate::ui::text::{Text, t};

impl TicketActorState {
    /// Reads the answers once, when any question is set (else there are none to read).
    pub(super) async fn load_answers(&mut self, settings: &GuildSettings) {
        if self.answers.is_some() || !settings.intake.has_questions() {
            return;
        }
        match self
            .ctx
            .store
            .answers(self.guild(), self.record.number)
            .await
        {
            Ok(answers) => self.answers = Some(answers),
            Err(error) => warn!(%error, "could not read the ticket's answers"),
        }
    }

    /// The intake messages; others are not sent here.
    pub(super) async fn intake_message(
        &mut self,
        myself: &ActorRef<TicketMsg>,
        message: TicketMsg,
    ) {
        match message {
            TicketMsg::ShowAnswersForm { incoming, settings } => {
                self.load_answers(&settings).await;
                let questions = settings.intake.questions_for(self.record.topic);
                let modal = form::form(
                    Action::EditAnswersModal {
                        ticket: self.record.number,
                    },
                    Text::EditAnswersModalTitle,
                    questions,
                    self.answers.as_deref().unwrap_or_default(),
                );
                open_modal_now(
                    &self.ctx.discord,
                    &incoming,
                    modal.custom_id,
                    &modal.title,
                    modal.components,
                );
            }
            TicketMsg::SetAnswers {
                by,
                answers,
                reply,
                settings,
            } => {
                let number = self.record.number;
                // Checked here too: the mailbox orders the edit with a close.
                if by.user != self.record.opener {
                    reply.send(Text::AnswersNotYours.text()).await;
                    return;
                }
                if self.record.state != TicketState::Open {
                    reply.send(&t!(AnswersTicketNotOpen, number)).await;
                    return;
                }
                let op = WriteOp::PutAnswers {
                    guild: self.guild(),
                    number,
                    answers: answers.clone(),
                };
                if let Err(error) = self.ctx.store.write(vec![op]).await {
                    warn!(%error, "could not store the edited answers");
                    reply.send(Text::StorageFailed.text()).await;
                    return;
                }
                info!("answers edited by the opener");
                self.load_answers(&settings).await;
                self.pin_shown(&settings);
                let before = self.answers.replace(answers);
                if let Some(channel) = self.record.channel {
                    self.refresh_welcome(channel, &settings);
                }
                reply.send(&t!(AnswersUpdated, number)).await;
                let subject =
                    |a: &Option<Vec<_>>| a.as_deref().and_then(intake::subject).map(str::to_owned);
                if subject(&before) != subject(&self.answers) {
                    // The topic shows the subject: now, or when Discord's rename budget has room.
                    self.present(myself, &settings).await;
                }
            }
            _ => {}
        }
    }
}
