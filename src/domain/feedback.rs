//! Feedback: the opener rates a closed ticket from the close DM, 1 to 5 stars and an optional
//! comment. Only the opener may; rating again replaces the stars (the comment stays); a comment
//! needs a rating first. Pure: the ticket actor (or, for a deleted ticket, the guild actor)
//! applies the outcome to the record.

use super::model::{Feedback, Snowflake, TicketRecord, TicketState};

/// The longest comment kept (it is shown in a log embed).
pub const COMMENT_MAX: usize = 1000;

/// What a person asked: stars, or a comment on the stars given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rating {
    Stars(u8),
    Comment(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackRefusal {
    #[error("only the member who opened the ticket may rate it")]
    NotOpener,
    #[error("the ticket is not closed")]
    NotClosed,
    #[error("stars must be 1 to 5")]
    BadStars,
    #[error("a comment needs a rating first")]
    RateFirst,
}

/// The feedback `record` holds after `by` asked for `rating`.
pub fn apply(
    record: &TicketRecord,
    by: Snowflake,
    rating: Rating,
) -> Result<Feedback, FeedbackRefusal> {
    if by != record.opener {
        return Err(FeedbackRefusal::NotOpener);
    }
    if !matches!(record.state, TicketState::Closed | TicketState::Deleted) {
        return Err(FeedbackRefusal::NotClosed);
    }
    let now = record.trail.feedback.clone();
    match rating {
        Rating::Stars(stars @ 1..=5) => Ok(Feedback {
            stars,
            comment: now.and_then(|f| f.comment),
        }),
        Rating::Stars(_) => Err(FeedbackRefusal::BadStars),
        Rating::Comment(text) => {
            let now = now.ok_or(FeedbackRefusal::RateFirst)?;
            let text = super::naming::neutralize(text.trim(), COMMENT_MAX);
            let comment = Some(text.trim().to_owned()).filter(|c| !c.is_empty());
            Ok(Feedback { comment, ..now })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(opener: Snowflake) -> TicketRecord {
        TicketRecord {
            channel: Some(9),
            state: TicketState::Closed,
            closed_at: Some(1),
            closed_by: Some(opener),
            ..TicketRecord::new(1, 7, opener, 0)
        }
    }

    #[test]
    fn only_the_opener_rates_a_closed_ticket_with_one_to_five_stars() {
        let record = closed(42);
        assert_eq!(
            apply(&record, 42, Rating::Stars(4)),
            Ok(Feedback {
                stars: 4,
                comment: None
            })
        );
        assert_eq!(
            apply(&record, 43, Rating::Stars(4)),
            Err(FeedbackRefusal::NotOpener)
        );
        for bad in [0, 6, 255] {
            assert_eq!(
                apply(&record, 42, Rating::Stars(bad)),
                Err(FeedbackRefusal::BadStars)
            );
        }
        let open = TicketRecord {
            state: TicketState::Open,
            ..closed(42)
        };
        assert_eq!(
            apply(&open, 42, Rating::Stars(5)),
            Err(FeedbackRefusal::NotClosed)
        );
    }

    #[test]
    fn a_comment_follows_a_rating_and_a_new_rating_keeps_it() {
        let mut record = closed(42);
        assert_eq!(
            apply(&record, 42, Rating::Comment("great".into())),
            Err(FeedbackRefusal::RateFirst)
        );
        record.trail.feedback = Some(apply(&record, 42, Rating::Stars(2)).expect("rated"));
        let commented =
            apply(&record, 42, Rating::Comment("  @everyone fast! ".into())).expect("commented");
        assert_eq!(commented.stars, 2);
        assert_eq!(
            commented.comment.as_deref(),
            Some("@\u{200B}everyone fast!")
        );
        record.trail.feedback = Some(commented);
        let rerated = apply(&record, 42, Rating::Stars(5)).expect("re-rated");
        assert_eq!(rerated.stars, 5);
        assert_eq!(rerated.comment.as_deref(), Some("@\u{200B}everyone fast!"));
        let long = apply(&record, 42, Rating::Comment("x".repeat(5000))).expect("cut");
        assert_eq!(long.comment.map(|c| c.chars().count()), Some(COMMENT_MAX));
    }
}
