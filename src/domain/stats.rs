//! Statistics over a guild's ticket records: quantiles, durations as people read them, one
//! staff member's figures. Pure, so the numbers are tested without a store.

use super::model::{EventKind, Snowflake, TicketRecord};

/// How far back the statistics look, by when tickets were opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    Day,
    Week,
    Month,
    #[default]
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::All];

    /// The command choice's value and the link's `period` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::All => "all",
        }
    }

    /// `None` for anything the bot never offered.
    pub fn parse(value: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// The earliest opening time counted at `now` (Unix milliseconds); `None`: all.
    pub fn since(self, now: i64) -> Option<i64> {
        const DAY: i64 = 86_400_000;
        match self {
            Period::Day => Some(now - DAY),
            Period::Week => Some(now - 7 * DAY),
            Period::Month => Some(now - 30 * DAY),
            Period::All => None,
        }
    }

    /// Whether a ticket opened at `opened_at` counts.
    pub fn counts(self, opened_at: i64, now: i64) -> bool {
        self.since(now).is_none_or(|since| opened_at >= since)
    }
}

/// The `q` quantile (0 to 1) of `values`, nearest rank; `None` when empty.
pub fn quantile(values: &mut [i64], q: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1])
}

/// One staff member's figures: tickets they answered first, claims, their median first
/// response, and the ratings of the tickets they claimed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StaffFigures {
    pub answered: u64,
    pub claims: u64,
    pub first_response: Option<i64>,
    pub ratings: u64,
    pub average_rating: Option<f64>,
}

/// [`StaffFigures`] of `user` over a guild's records. Pure.
pub fn staff_figures(records: &[TicketRecord], user: Snowflake) -> StaffFigures {
    let mut figures = StaffFigures::default();
    let (mut responses, mut stars) = (Vec::new(), 0u64);
    for r in records {
        if r.trail.first_responder == Some(user)
            && let Some(at) = r.trail.first_staff_reply
        {
            figures.answered += 1;
            responses.push(at - r.opened_at);
        }
        let claimed = r.trail.events.iter().any(|e| match e.what {
            EventKind::Claimed => e.by == user,
            EventKind::Transferred { to } => to == user,
            _ => false,
        });
        if claimed {
            figures.claims += 1;
        }
        if (claimed || r.staff.claimer == Some(user))
            && let Some(feedback) = &r.trail.feedback
        {
            figures.ratings += 1;
            stars += u64::from(feedback.stars);
        }
    }
    figures.first_response = quantile(&mut responses, 0.5);
    figures.average_rating = (figures.ratings > 0).then(|| stars as f64 / figures.ratings as f64);
    figures
}

/// A duration as people read it: `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`.
pub fn duration_text(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s} s"),
        60..3_600 => format!("{} min", s / 60),
        3_600..86_400 => format!("{} h {} min", s / 3_600, s % 3_600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3_600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Feedback, TicketEvent, TicketStaff, TicketState, TicketTrail};

    fn record(number: u64) -> TicketRecord {
        TicketRecord {
            guild: 1,
            number,
            opener: 100,
            topic: None,
            parent: None,
            channel: None,
            state: TicketState::Closed,
            opened_at: 1_000_000,
            closed_at: Some(2_000_000),
            closed_by: None,
            close_reason: None,
            participants: Vec::new(),
            closed_message: None,
            autoclose_off: false,
            stale_warning: None,
            staff: TicketStaff::default(),
            trail: TicketTrail::default(),
        }
    }

    #[test]
    fn a_period_counts_tickets_opened_within_it() {
        let now = 100 * 86_400_000;
        assert!(Period::Day.counts(now - 3_600_000, now));
        assert!(!Period::Day.counts(now - 2 * 86_400_000, now));
        assert!(Period::Week.counts(now - 6 * 86_400_000, now));
        assert!(!Period::Month.counts(now - 31 * 86_400_000, now));
        assert!(Period::All.counts(0, now));
        for period in Period::ALL {
            assert_eq!(Period::parse(period.as_str()), Some(period));
        }
        assert_eq!(Period::parse("year"), None);
    }

    #[test]
    fn a_staff_members_figures_count_what_they_did() {
        let mut answered = record(1);
        answered.trail.first_staff_reply = Some(1_060_000);
        answered.trail.first_responder = Some(7);
        let mut claimed = record(2);
        claimed.trail.events.push(TicketEvent {
            at: 0,
            by: 7,
            what: EventKind::Claimed,
        });
        claimed.trail.feedback = Some(Feedback {
            stars: 4,
            comment: None,
        });
        let mut handed = record(3);
        handed.trail.events.push(TicketEvent {
            at: 0,
            by: 8,
            what: EventKind::Transferred { to: 7 },
        });
        handed.trail.feedback = Some(Feedback {
            stars: 1,
            comment: None,
        });
        let others = record(4);
        let records = [answered, claimed, handed, others];
        let figures = staff_figures(&records, 7);
        assert_eq!(
            (figures.answered, figures.claims, figures.first_response),
            (1, 2, Some(60_000))
        );
        assert_eq!((figures.ratings, figures.average_rating), (2, Some(2.5)));
        assert_eq!(staff_figures(&records, 9), StaffFigures::default());
        assert_eq!(quantile(&mut [5, 1, 3], 0.5), Some(3));
        assert_eq!(quantile(&mut [], 0.9), None);
        assert_eq!(duration_text(45_000), "45 s");
        assert_eq!(duration_text(12 * 60_000), "12 min");
        assert_eq!(duration_text(2 * 86_400_000 + 4 * 3_600_000), "2 d 4 h");
    }
}
