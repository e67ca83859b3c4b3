//! Deadlines: a ticket, a kind and an absolute time, and the ordered schedule the process's one
//! clock actor (`actors::clock`) keeps of them.
//!
//! A deadline is stored when armed and removed when its action has run or it is cancelled; the
//! schedule here is the in-memory mirror the clock actor fires from. Pure: no clock is read here,
//! `now` is always an argument, so ordering and "never early" are tested without time passing.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use super::model::{Snowflake, UnixMillis};

/// What happens when a deadline passes. Stored as its byte ([`DeadlineKind::to_byte`]), so a
/// variant's byte never changes once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeadlineKind {
    /// A ticket quiet for its stale time gets a warning.
    StaleWarning,
    /// A warned ticket still quiet is closed as inactive.
    AutoClose,
    /// A close request with a delay closes the ticket when nobody on the other side replied.
    CloseRequest,
}

impl DeadlineKind {
    pub fn to_byte(self) -> u8 {
        match self {
            DeadlineKind::StaleWarning => 1,
            DeadlineKind::AutoClose => 2,
            DeadlineKind::CloseRequest => 3,
        }
    }

    /// `None` for a byte this build does not know (written by a newer one).
    pub fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(DeadlineKind::StaleWarning),
            2 => Some(DeadlineKind::AutoClose),
            3 => Some(DeadlineKind::CloseRequest),
            _ => None,
        }
    }
}

/// Which deadline: at most one of each kind per ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeadlineKey {
    pub guild: Snowflake,
    pub number: u64,
    pub kind: DeadlineKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub key: DeadlineKey,
    /// Not before this moment.
    pub at: UnixMillis,
}

/// Ticket numbers a schedule can hold: the number shares 128 bits with the guild and the kind.
/// A guild's counter would need 2^56 tickets to reach it.
pub const NUMBER_LIMIT: u64 = 1 << 56;

/// A key packed into 16 bytes: the guild, then the number and the kind byte in one word. Two
/// words rather than a `u128`, whose 16-byte alignment would pad each entry of either index
/// from 24 bytes to 32. Ordered as the key is (guild, number, kind).
type Packed = (u64, u64);

fn pack(key: DeadlineKey) -> Option<Packed> {
    (key.number < NUMBER_LIMIT)
        .then(|| (key.guild, (key.number << 8) | u64::from(key.kind.to_byte())))
}

fn unpack((guild, rest): Packed) -> Option<DeadlineKey> {
    Some(DeadlineKey {
        guild,
        number: rest >> 8,
        kind: DeadlineKind::from_byte(rest as u8)?,
    })
}

/// The armed deadlines, ordered by time. Arming a key again moves it; each key is in the
/// schedule at most once.
///
/// Two indexes: `by_time` answers "what is due", `at` finds a key's entry to move or cancel it:
/// a 24-byte B-tree entry and a 24-byte hash entry per deadline, with their slack (measured by
/// `benches/footprint.rs --deadlines`).
#[derive(Debug, Default)]
pub struct Schedule {
    by_time: BTreeSet<(UnixMillis, Packed)>,
    at: FxHashMap<Packed, UnixMillis>,
}

impl Schedule {
    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Arms `deadline`, replacing the same key's earlier time if it had one; false (and nothing
    /// armed) for a ticket number at or past [`NUMBER_LIMIT`].
    pub fn arm(&mut self, deadline: Deadline) -> bool {
        let Some(key) = pack(deadline.key) else {
            return false;
        };
        if let Some(old) = self.at.insert(key, deadline.at) {
            self.by_time.remove(&(old, key));
        }
        self.by_time.insert((deadline.at, key));
        true
    }

    /// Disarms `key`; true if it was armed.
    pub fn cancel(&mut self, key: DeadlineKey) -> bool {
        let Some(key) = pack(key) else {
            return false;
        };
        match self.at.remove(&key) {
            Some(at) => {
                self.by_time.remove(&(at, key));
                true
            }
            None => false,
        }
    }

    /// When the earliest armed deadline is due.
    pub fn next_at(&self) -> Option<UnixMillis> {
        self.by_time.first().map(|(at, _)| *at)
    }

    /// Takes out every deadline due at `now` (its time ≤ `now`), oldest first; ties by key, so
    /// the order is the same on every run.
    pub fn take_due(&mut self, now: UnixMillis) -> Vec<Deadline> {
        let mut due = Vec::new();
        while let Some(&(at, key)) = self.by_time.first() {
            if at > now {
                break;
            }
            self.by_time.pop_first();
            self.at.remove(&key);
            // Every packed key came from `pack`, so it unpacks.
            if let Some(key) = unpack(key) {
                due.push(Deadline { key, at });
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(number: u64, kind: DeadlineKind) -> DeadlineKey {
        DeadlineKey {
            guild: 7,
            number,
            kind,
        }
    }

    fn deadline(number: u64, at: UnixMillis) -> Deadline {
        Deadline {
            key: key(number, DeadlineKind::AutoClose),
            at,
        }
    }

    #[test]
    fn nothing_fires_before_its_time() {
        let mut s = Schedule::default();
        s.arm(deadline(1, 1_000));
        assert!(s.take_due(999).is_empty());
        assert_eq!(s.take_due(1_000), vec![deadline(1, 1_000)]);
        assert!(s.is_empty());
    }

    #[test]
    fn overdue_deadlines_come_out_oldest_first_and_once() {
        let mut s = Schedule::default();
        for (n, at) in [(1, 50), (2, 10), (3, 30), (4, 10), (5, 99)] {
            s.arm(deadline(n, at));
        }
        let due = s.take_due(60);
        let order: Vec<_> = due.iter().map(|d| (d.key.number, d.at)).collect();
        assert_eq!(order, vec![(2, 10), (4, 10), (3, 30), (1, 50)]);
        assert!(s.take_due(60).is_empty());
        assert_eq!(s.next_at(), Some(99));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn arming_a_key_again_moves_it() {
        let mut s = Schedule::default();
        s.arm(deadline(1, 10));
        s.arm(deadline(1, 500));
        assert_eq!(s.len(), 1);
        assert!(s.take_due(100).is_empty());
        assert_eq!(s.take_due(500).len(), 1);
    }

    #[test]
    fn kinds_of_one_ticket_are_separate_and_cancel_takes_one() {
        let mut s = Schedule::default();
        s.arm(Deadline {
            key: key(1, DeadlineKind::StaleWarning),
            at: 10,
        });
        s.arm(Deadline {
            key: key(1, DeadlineKind::AutoClose),
            at: 20,
        });
        assert!(s.cancel(key(1, DeadlineKind::StaleWarning)));
        assert!(!s.cancel(key(1, DeadlineKind::StaleWarning)));
        let due = s.take_due(100);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key.kind, DeadlineKind::AutoClose);
    }

    #[test]
    fn keys_pack_losslessly_and_impossible_numbers_are_refused() {
        let mut s = Schedule::default();
        for (guild, number) in [(0, 0), (u64::MAX, NUMBER_LIMIT - 1), (7, 12_345)] {
            for kind in [DeadlineKind::StaleWarning, DeadlineKind::AutoClose] {
                let key = DeadlineKey {
                    guild,
                    number,
                    kind,
                };
                assert_eq!(unpack(pack(key).expect("packs")), Some(key));
                assert!(s.arm(Deadline { key, at: 1 }));
            }
        }
        let too_big = DeadlineKey {
            guild: 1,
            number: NUMBER_LIMIT,
            kind: DeadlineKind::AutoClose,
        };
        assert!(!s.arm(Deadline {
            key: too_big,
            at: 1
        }));
        assert!(!s.cancel(too_big));
        assert_eq!(s.take_due(1).len(), 6);
    }

    #[test]
    fn kind_bytes_round_trip_and_unknown_bytes_are_refused() {
        for kind in [DeadlineKind::StaleWarning, DeadlineKind::AutoClose] {
            assert_eq!(DeadlineKind::from_byte(kind.to_byte()), Some(kind));
        }
        assert_eq!(DeadlineKind::from_byte(0), None);
        assert_eq!(DeadlineKind::from_byte(200), None);
    }
}
