//! Statistics over a guild's ticket records: quantiles, durations as people read them, one
//! staff member's figures. Pure, so the numbers are tested without a store.

use super::model::GuildSettings;
use super::tally::{GuildTallies, HOUR_MS, StaffTally, hour_of};

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

    /// The first hour (since the Unix epoch) counted at `now`; `None`: all. Sums are kept per
    /// hour, so a period starts at the top of the hour it would start in.
    pub fn since_hour(self, now: i64) -> Option<u64> {
        self.since(now).map(hour_of)
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

impl StaffFigures {
    pub fn of(tally: &StaffTally) -> StaffFigures {
        StaffFigures {
            answered: tally.answered,
            claims: tally.claims,
            first_response: tally.first_response.quantile(0.5),
            ratings: tally.ratings,
            average_rating: (tally.ratings > 0).then(|| tally.stars as f64 / tally.ratings as f64),
        }
    }
}

/// What a guild's statistics show, in the page and in `/ticket stats`' answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Tickets opened in the period, by state now.
    pub open: u64,
    pub closed: u64,
    pub deleted: u64,
    pub failed: u64,
    /// Open now, whenever opened.
    pub open_now: u64,
    /// Topic name (or "No topic") → tickets, most first.
    pub per_topic: Vec<(String, u64)>,
    /// `YYYY-MM-DD` (UTC) → tickets opened that day, for the last [`RECENT_DAYS`] days.
    pub per_day: Vec<(String, u64)>,
    /// Openers' ratings: how many, and their stars per count (index 0 is one star).
    pub ratings: u64,
    pub stars: [u64; 5],
    /// From opening to staff's first message: `(median, p90)` in milliseconds.
    pub first_response: Option<(i64, i64)>,
    /// From opening to closing, median in milliseconds.
    pub resolution: Option<i64>,
    /// Tickets by time to staff's first message, in [`RESPONSE_RANGES`].
    pub response_spread: Vec<(String, u64)>,
}

/// The ranges the first-response chart counts tickets in: `(label, up to milliseconds)`.
pub const RESPONSE_RANGES: [(&str, i64); 6] = [
    ("under 5 min", 300_000),
    ("5–15 min", 900_000),
    ("15–60 min", 3_600_000),
    ("1–4 h", 14_400_000),
    ("4–24 h", 86_400_000),
    ("over a day", i64::MAX),
];

/// Days the tickets-per-day figures cover, today included.
pub const RECENT_DAYS: u64 = 7;
const DAY_MS: i64 = 86_400_000;

/// The first hour of the tickets-per-day figures at `now`: midnight (UTC), six days ago.
pub fn recent_from(now: i64) -> u64 {
    hour_of(now.div_euclid(DAY_MS) * DAY_MS - (RECENT_DAYS as i64 - 1) * DAY_MS)
}

impl Stats {
    /// The figures of a guild's sums; `recent_from` as given to the store.
    pub fn of(tallies: &GuildTallies, settings: &GuildSettings, recent_from: u64) -> Stats {
        let period = &tallies.period;
        let mut per_topic: Vec<(String, u64)> = (period.topics.iter())
            .map(|(topic, n)| {
                let name = topic
                    .and_then(|id| settings.topics.iter().find(|t| t.id == id))
                    .map_or_else(|| "No topic".to_owned(), |t| t.name.clone());
                (name, *n)
            })
            .collect();
        // A removed topic and "No topic" read the same: one row.
        per_topic.sort_by(|a, b| a.0.cmp(&b.0));
        per_topic.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        per_topic.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let hours_per_day = (DAY_MS / HOUR_MS) as u64;
        let per_day = (0..RECENT_DAYS)
            .map(|d| {
                let first = recent_from + d * hours_per_day;
                let n = (tallies.recent_hours.iter())
                    .filter(|(hour, _)| (first..first + hours_per_day).contains(hour))
                    .map(|(_, n)| n)
                    .sum();
                (day_text(first as i64 * HOUR_MS), n)
            })
            .collect();
        let response = &period.first_response;
        Stats {
            open: period.open,
            closed: period.closed,
            deleted: period.deleted,
            failed: period.failed,
            open_now: tallies.all_time.open,
            per_topic,
            per_day,
            ratings: period.ratings(),
            stars: period.stars,
            first_response: response.quantile(0.5).zip(response.quantile(0.9)),
            resolution: period.resolution.quantile(0.5),
            response_spread: RESPONSE_RANGES
                .iter()
                .scan(0, |from, (label, to)| {
                    let n = response.count_in(*from, *to);
                    *from = *to;
                    Some(((*label).to_owned(), n))
                })
                .collect(),
        }
    }

    pub fn tickets(&self) -> u64 {
        self.open + self.closed + self.deleted + self.failed
    }

    /// The average rating, one decimal, when there is any.
    pub fn average_rating(&self) -> Option<String> {
        let total: u64 = (1..=5).zip(self.stars).map(|(star, n)| star * n).sum();
        (self.ratings > 0).then(|| format!("{:.1}", total as f64 / self.ratings as f64))
    }
}

/// `YYYY-MM-DD` (UTC) of a time.
fn day_text(millis: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000))
        .map(|t| {
            let d = t.date();
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        })
        .unwrap_or_else(|_| "unknown".to_owned())
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
    use crate::domain::model::{EventKind, Feedback, TicketEvent, TicketRecord, TicketState};
    use crate::domain::tally::{Sign, TicketFigures};

    fn staff_figures(records: &[TicketRecord], user: u64) -> StaffFigures {
        let mut tally = StaffTally::default();
        for record in records {
            let figures = TicketFigures::of(record);
            for (_, part) in figures.staff.iter().filter(|(u, _)| *u == user) {
                tally.record(part, Sign::Add);
            }
        }
        StaffFigures::of(&tally)
    }

    fn record(number: u64) -> TicketRecord {
        TicketRecord {
            state: TicketState::Closed,
            closed_at: Some(2_000_000),
            ..TicketRecord::new(1, number, 100, 1_000_000)
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
        assert_eq!((figures.answered, figures.claims), (1, 2));
        let median = figures.first_response.expect("one answer");
        assert!(
            (median - 60_000).abs() <= 660,
            "60 s within 1.1 %: {median}"
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
