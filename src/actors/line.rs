//! The waiting line of one guild: tickets whose number is committed but whose channel work has
//! not started, because the guild already has `window` tickets being provisioned.
//!
//! When more members click than Discord's limits let the bot serve at once, every click is still
//! acknowledged at once; the ones beyond the window wait here in number order, are told their
//! place and a fair estimate of the wait, and are told again as the line moves. The line needs no
//! table of its own: a waiting ticket is a `Provisioning` record in the store, so after a restart
//! the line is rebuilt from the store in the same order.
//!
//! Pure bookkeeping, generic over what waits, so it is unit-tested without actors or I/O.

use std::{
    collections::VecDeque,
    time::{Duration, Instant},
};

use rustc_hash::FxHashMap;

/// Tickets provisioned at once per guild by default.
pub const DEFAULT_WINDOW: usize = 8;

/// The estimate a line starts with, before any ticket was measured.
const INITIAL_ESTIMATE: Duration = Duration::from_millis(1_500);

/// Weight of the newest measurement in the moving average.
const EWMA_WEIGHT: f64 = 0.2;

pub struct Waiting<T> {
    pub number: u64,
    pub opener: u64,
    pub payload: T,
    /// The place the person was last told, to skip edits that would say the same.
    pub told: Option<usize>,
}

/// The window (tickets provisioned at once) is the bot's setting, passed in where it matters,
/// so an empty line is a constant and lives in the guild's lazily allocated book.
pub struct WaitingLine<T> {
    queue: VecDeque<Waiting<T>>,
    in_flight: FxHashMap<u64, Instant>,
    /// Graceful shutdown: everything waiting starts at once, whatever the window.
    draining: bool,
    /// Moving average of one ticket's provisioning time, in milliseconds.
    average_ms: f64,
}

impl<T> Default for WaitingLine<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> WaitingLine<T> {
    pub const fn new() -> Self {
        Self {
            queue: VecDeque::new(),
            in_flight: FxHashMap::with_hasher(rustc_hash::FxBuildHasher),
            draining: false,
            average_ms: INITIAL_ESTIMATE.as_millis() as f64,
        }
    }

    /// Lets everything waiting start at once (graceful shutdown finishes the line).
    pub fn open_window(&mut self) {
        self.draining = true;
    }

    fn effective(&self, window: usize) -> usize {
        if self.draining {
            usize::MAX
        } else {
            window.max(1)
        }
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    pub fn push(&mut self, number: u64, opener: u64, payload: T) {
        self.queue.push_back(Waiting {
            number,
            opener,
            payload,
            told: None,
        });
    }

    /// The next ticket to start, if a window of `window` has room; it counts as in flight from
    /// now.
    pub fn start_next(&mut self, now: Instant, window: usize) -> Option<Waiting<T>> {
        if self.in_flight.len() >= self.effective(window) {
            return None;
        }
        let next = self.queue.pop_front()?;
        self.in_flight.insert(next.number, now);
        Some(next)
    }

    /// A ticket in flight finished (opened or failed); returns whether it was in flight.
    pub fn finished(&mut self, number: u64, now: Instant) -> bool {
        let Some(started) = self.in_flight.remove(&number) else {
            return false;
        };
        let took = now.duration_since(started).as_millis() as f64;
        self.average_ms = self.average_ms * (1.0 - EWMA_WEIGHT) + took * EWMA_WEIGHT;
        true
    }

    /// 1-based place of a member's waiting ticket, with its number.
    pub fn place_of_member(&self, opener: u64) -> Option<(usize, u64)> {
        self.queue
            .iter()
            .position(|w| w.opener == opener)
            .map(|i| (i + 1, self.queue[i].number))
    }

    /// Takes a member's waiting ticket out of the line (they left the server).
    pub fn remove_member(&mut self, opener: u64) -> Option<Waiting<T>> {
        let index = self.queue.iter().position(|w| w.opener == opener)?;
        self.queue.remove(index)
    }

    /// The estimated wait for place `place` (1-based): the rounds of `window` tickets ahead of
    /// it, each taking the measured average.
    pub fn estimate(&self, place: usize, window: usize) -> Duration {
        let rounds = place.div_ceil(self.effective(window)) as f64;
        Duration::from_millis((rounds * self.average_ms).round() as u64)
    }

    /// Every waiting ticket whose person should hear their new place (see [`worth_telling`]),
    /// with that place; marks them told.
    pub fn moved(&mut self) -> Vec<(usize, &Waiting<T>)> {
        let mut changed = Vec::new();
        for (i, w) in self.queue.iter_mut().enumerate() {
            if worth_telling(w.told, i + 1) {
                w.told = Some(i + 1);
                changed.push(i);
            }
        }
        changed
            .into_iter()
            .map(|i| (i + 1, &self.queue[i]))
            .collect()
    }
}

/// Places up to this are told at every move: the wait is nearly over, every step matters.
pub const CLOSE_PLACES: usize = 10;

/// Whether a member last told `told` should hear about `place`: always the first time and near
/// the front; further back only once the place improved by a quarter. Each move costs one edit
/// per member told, so telling all of a line of thousands every tick would take the REST calls
/// the line is waiting for; this way a member hears O(log place) + 10 updates in all.
pub fn worth_telling(told: Option<usize>, place: usize) -> bool {
    match told {
        None => true,
        Some(told) if told == place => false,
        Some(told) => place <= CLOSE_PLACES || place * 4 <= told * 3 || place > told,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_bounds_what_runs_and_the_line_keeps_order() {
        let mut line = WaitingLine::new();
        let now = Instant::now();
        for n in 1..=5 {
            line.push(n, 100 + n, ());
        }
        assert_eq!(line.start_next(now, 2).map(|w| w.number), Some(1));
        assert_eq!(line.start_next(now, 2).map(|w| w.number), Some(2));
        assert!(line.start_next(now, 2).is_none(), "window full");
        assert_eq!(line.place_of_member(103), Some((1, 3)));
        assert_eq!(line.place_of_member(105), Some((3, 5)));
        assert!(line.finished(1, now));
        assert!(!line.finished(1, now), "finished once");
        assert_eq!(line.start_next(now, 2).map(|w| w.number), Some(3));
        assert_eq!(line.place_of_member(105), Some((2, 5)));
    }

    #[test]
    fn a_member_who_leaves_frees_their_place() {
        let mut line = WaitingLine::new();
        line.push(1, 10, ());
        line.push(2, 20, ());
        line.push(3, 30, ());
        assert_eq!(line.remove_member(20).map(|w| w.number), Some(2));
        assert_eq!(line.place_of_member(30), Some((2, 3)));
        assert!(line.remove_member(20).is_none());
    }

    #[test]
    fn estimates_follow_measured_provisioning_times() {
        let mut line: WaitingLine<()> = WaitingLine::new();
        assert_eq!(line.estimate(1, 4), INITIAL_ESTIMATE);
        assert_eq!(line.estimate(5, 4), INITIAL_ESTIMATE * 2);
        let start = Instant::now();
        for n in 0..50 {
            line.push(n, n, ());
            line.start_next(start, 4);
            line.finished(n, start + Duration::from_millis(100));
        }
        let one_round = line.estimate(4, 4).as_millis();
        assert!((95..=140).contains(&one_round), "{one_round}");
        assert!(line.estimate(8, 4) > line.estimate(4, 4));
    }

    #[test]
    fn moved_reports_every_place_once_per_change() {
        let mut line = WaitingLine::new();
        line.push(1, 1, ());
        line.push(2, 2, ());
        let places: Vec<usize> = line.moved().into_iter().map(|(p, _)| p).collect();
        assert_eq!(places, vec![1, 2]);
        assert!(line.moved().is_empty(), "nothing moved since");
        line.start_next(Instant::now(), 1);
        let places: Vec<(usize, u64)> = line
            .moved()
            .into_iter()
            .map(|(p, w)| (p, w.number))
            .collect();
        assert_eq!(places, vec![(1, 2)]);
    }

    #[test]
    fn far_back_members_hear_of_big_moves_only() {
        assert!(worth_telling(None, 500));
        assert!(!worth_telling(Some(7), 7));
        assert!(worth_telling(Some(11), 10), "near the front, every step");
        assert!(!worth_telling(Some(400), 399));
        assert!(!worth_telling(Some(400), 301));
        assert!(worth_telling(Some(400), 300), "a quarter of the way");
        // Walking a line of 1,000 to the front: few edits, the last 10 places each told.
        let (mut told, mut edits) = (None, 0);
        for place in (1..=1_000).rev() {
            if worth_telling(told, place) {
                told = Some(place);
                edits += 1;
            }
        }
        assert!(edits <= 30, "{edits} edits");
        assert_eq!(told, Some(1));
    }
}
