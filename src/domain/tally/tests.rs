use proptest::prelude::*;

use super::*;
use crate::domain::model::{Feedback, TicketEvent, TicketRecord};

fn record(number: u64, state: TicketState, opened_at: i64) -> TicketRecord {
    TicketRecord {
        state,
        ..TicketRecord::new(1, number, 2, opened_at)
    }
}

fn rated(stars: u8) -> Feedback {
    Feedback {
        stars,
        comment: None,
    }
}

/// The sums computed from scratch, as the rebuild at start does.
fn from_scratch(records: &[TicketRecord]) -> (Tally, HashMap<Snowflake, StaffTally>) {
    let mut tally = Tally::default();
    let mut staff: HashMap<Snowflake, StaffTally> = HashMap::new();
    for r in records {
        let figures = TicketFigures::of(r);
        tally.record(&figures, Sign::Add);
        for (user, part) in &figures.staff {
            staff.entry(*user).or_default().record(part, Sign::Add);
        }
    }
    staff.retain(|_, t| !t.is_empty());
    (tally, staff)
}

#[test]
fn a_quantile_is_within_its_bucket_of_the_exact_one() {
    let mut values: Vec<i64> = (1..=1000).map(|i| i * 7_919 % 86_400_000 + 500).collect();
    let mut histogram = Histogram::default();
    for v in &values {
        histogram.record(*v, Sign::Add);
    }
    for q in [0.1, 0.5, 0.9, 0.99] {
        let exact = crate::domain::stats::quantile(&mut values, q).unwrap();
        let read = histogram.quantile(q).unwrap();
        let error = (read - exact).abs() as f64 / exact as f64;
        assert!(error < 0.022, "q {q}: exact {exact}, read {read}");
    }
    assert_eq!(Histogram::default().quantile(0.5), None);
}

#[test]
fn removing_what_was_added_leaves_nothing() {
    let mut r = record(1, TicketState::Closed, 10 * HOUR_MS);
    r.closed_at = Some(r.opened_at + 90_000);
    r.trail.first_staff_reply = Some(r.opened_at + 30_000);
    r.trail.first_responder = Some(7);
    r.trail.feedback = Some(rated(4));
    r.staff.claimer = Some(7);
    r.trail.record(TicketEvent {
        at: r.opened_at + 1,
        by: 7,
        what: EventKind::Claimed,
    });
    let figures = TicketFigures::of(&r);
    let mut tally = Tally::default();
    tally.record(&figures, Sign::Add);
    assert_eq!((tally.closed, tally.ratings()), (1, 1));
    tally.record(&figures, Sign::Remove);
    assert_eq!(tally, Tally::default());
    let part = &figures.staff[0].1;
    assert_eq!(
        (part.answered, part.claimed, part.stars),
        (Some(30_000), true, Some(4))
    );
    let mut staff = StaffTally::default();
    staff.record(part, Sign::Add);
    staff.record(part, Sign::Remove);
    assert!(staff.is_empty());
}

#[test]
fn a_changed_record_moves_its_counts_and_a_same_one_changes_nothing() {
    let open = record(3, TicketState::Open, 5 * HOUR_MS);
    let mut closed = open.clone();
    closed.state = TicketState::Closed;
    closed.closed_at = Some(6 * HOUR_MS);
    let mut changes = TallyChanges::default();
    changes.replace(Some(TicketFigures::of(&open)), TicketFigures::of(&open));
    assert!(
        changes.is_empty(),
        "rewriting a record unchanged costs no row"
    );
    changes.replace(Some(TicketFigures::of(&open)), TicketFigures::of(&closed));
    let mut hour = Tally::default();
    hour.record(&TicketFigures::of(&open), Sign::Add);
    for (figures, sign) in &changes.hours[&(1, 5)] {
        hour.record(figures, *sign);
    }
    assert_eq!((hour.open, hour.closed), (0, 1));
    let read = hour.resolution.quantile(0.5).unwrap();
    assert!(
        (read - HOUR_MS).abs() < HOUR_MS / 90,
        "one hour read as {read} ms"
    );
    assert!(changes.hours.contains_key(&(1, ALL_TIME)));
}

fn arb_record() -> impl Strategy<Value = TicketRecord> {
    (
        1u64..40,
        0u8..4,
        0i64..48,
        proptest::option::of(0i64..10_000_000),
        proptest::option::of(1u8..=5),
        proptest::option::of(1u64..4),
        proptest::option::of(1u32..3),
    )
        .prop_map(|(number, state, hour, reply, stars, staff, topic)| {
            let state = [
                TicketState::Open,
                TicketState::Closed,
                TicketState::Deleted,
                TicketState::Failed,
            ][usize::from(state)];
            let mut r = record(number, state, hour * HOUR_MS + 17);
            r.topic = topic;
            r.closed_at = matches!(state, TicketState::Closed | TicketState::Deleted)
                .then_some(r.opened_at + 5_000_000);
            r.trail.first_staff_reply = reply.map(|ms| r.opened_at + ms);
            r.trail.first_responder = reply.and(staff);
            r.trail.feedback = stars.map(rated);
            r.staff.claimer = staff;
            if let Some(by) = staff {
                r.trail.record(TicketEvent {
                    at: r.opened_at,
                    by,
                    what: EventKind::Claimed,
                });
            }
            r
        })
}

proptest! {
    /// Whatever sequence of writes, the incremental sums equal the sums of the final records.
    #[test]
    fn incremental_sums_equal_sums_from_scratch(writes in proptest::collection::vec(arb_record(), 1..60)) {
        let mut stored: BTreeMap<u64, TicketRecord> = BTreeMap::new();
        let mut all_time = Tally::default();
        let mut staff: HashMap<Snowflake, StaffTally> = HashMap::new();
        for record in writes {
            let old = stored.insert(record.number, record.clone()).map(|r| TicketFigures::of(&r));
            let mut changes = TallyChanges::default();
            changes.replace(old, TicketFigures::of(&record));
            for (figures, sign) in changes.hours.remove(&(1, ALL_TIME)).unwrap_or_default() {
                all_time.record(&figures, sign);
            }
            for ((_, user), parts) in changes.staff {
                let row = staff.entry(user).or_default();
                for (part, sign) in parts {
                    row.record(&part, sign);
                }
            }
        }
        staff.retain(|_, t| !t.is_empty());
        let records: Vec<_> = stored.into_values().collect();
        let (expected, expected_staff) = from_scratch(&records);
        prop_assert_eq!(all_time, expected);
        prop_assert_eq!(staff, expected_staff);
    }
}
