//! A ticket actor's side of feedback: the opener's rating (or comment) of a closed ticket,
//! applied to the record it owns (`domain::feedback` says what may be), logged, answered.

use tracing::{info, warn};
use twilight_model::channel::message::Component;

use super::TicketActorState;
use crate::actors::log::Rated;
use crate::discord::reply::Reply;
use crate::domain::{
    feedback::{self, FeedbackRefusal, Rating},
    model::{GuildSettings, Snowflake, TicketRecord},
};
use crate::ui::text::{Text, t};
use crate::ui::ticket_messages::{rating_log, rating_thanks};

impl TicketActorState {
    pub(super) async fn feedback(
        &mut self,
        by: Snowflake,
        rating: Rating,
        reply: Reply,
        settings: &GuildSettings,
    ) {
        let (text, components) = match rated(&mut self.record, by, rating) {
            Ok(answer) => answer,
            Err(refusal) => return reply.send(&refusal).await,
        };
        self.persist(Vec::new()).await;
        if let (Some(feedback), Some(channel)) =
            (self.record.trail.feedback.clone(), settings.log_channel)
        {
            let number = self.record.number;
            let (field, embed) = self.in_channel_lang(|| rating_log(number, by, &feedback));
            self.log.rated(Rated::new(channel, number, field, embed));
        }
        reply.send_with(&text, components).await;
    }
}

/// Applies `rating` by `user` to `record`: the answer to give (text and components), or the
/// refusal to give.
pub fn rated(
    record: &mut TicketRecord,
    user: Snowflake,
    rating: Rating,
) -> Result<(String, Vec<Component>), String> {
    let number = record.number;
    let comment = matches!(rating, Rating::Comment(_));
    match feedback::apply(record, user, rating) {
        Ok(feedback) => {
            info!(
                ticket = number,
                stars = feedback.stars,
                comment,
                "ticket rated"
            );
            let stars = feedback.stars;
            record.trail.feedback = Some(feedback);
            Ok(if comment {
                (t!(RateCommentThanks, number), Vec::new())
            } else {
                rating_thanks(record.guild, number, stars)
            })
        }
        Err(refusal) => {
            warn!(ticket = number, user, %refusal, "refused: rating");
            Err(match refusal {
                FeedbackRefusal::NotOpener => t!(RateNotOpener, number),
                FeedbackRefusal::NotClosed => t!(RateNotClosed, number),
                FeedbackRefusal::RateFirst => t!(RateFirst, number),
                FeedbackRefusal::BadStars => Text::UnknownComponent.text().to_owned(),
            })
        }
    }
}
