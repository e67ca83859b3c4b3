//! Which transcripts a retention period lets go: pure, so the rule is tested without a store.

use super::model::{Snowflake, TicketRecord, TicketState, UnixMillis};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// `(guild, number)` of the tickets whose transcript (and kept files) are older than
/// `keep_days`: closed (or closed and deleted) at least that long ago. An open ticket, even one
/// reopened after an earlier close, keeps everything: its next close writes a new transcript.
pub fn due(records: &[TicketRecord], now: UnixMillis, keep_days: u64) -> Vec<(Snowflake, u64)> {
    let keep_ms = i64::try_from(keep_days)
        .ok()
        .and_then(|d| d.checked_mul(DAY_MS))
        .unwrap_or(i64::MAX);
    records
        .iter()
        .filter(|r| matches!(r.state, TicketState::Closed | TicketState::Deleted))
        .filter(|r| {
            r.closed_at
                .is_some_and(|closed| now.saturating_sub(closed) >= keep_ms)
        })
        .map(|r| (r.guild, r.number))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(number: u64, state: TicketState, closed_at: Option<i64>) -> TicketRecord {
        TicketRecord {
            state,
            closed_at,
            ..TicketRecord::new(1, number, 2, 0)
        }
    }

    #[test]
    fn only_closed_tickets_past_the_period_are_due() {
        let now = 100 * DAY_MS;
        let records = [
            record(1, TicketState::Closed, Some(now - 30 * DAY_MS)),
            record(2, TicketState::Deleted, Some(now - 31 * DAY_MS)),
            record(3, TicketState::Closed, Some(now - 29 * DAY_MS)),
            // Reopened after a close 40 days ago: still in use.
            record(4, TicketState::Open, Some(now - 40 * DAY_MS)),
            record(5, TicketState::Closed, None),
            record(6, TicketState::Failed, Some(0)),
        ];
        assert_eq!(due(&records, now, 30), vec![(1, 1), (1, 2)]);
        assert_eq!(due(&records, now, 0).len(), 3);
    }

    #[test]
    fn huge_periods_and_clock_skew_keep_everything() {
        let records = [record(1, TicketState::Closed, Some(10))];
        assert!(due(&records, i64::MAX, u64::MAX).is_empty());
        // A close stamped in the future (clock skew) is not due.
        assert!(due(&records, 0, 1).is_empty());
    }
}
