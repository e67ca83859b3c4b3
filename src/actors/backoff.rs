//! The restart backoff every supervisor uses for a child that failed: short at first, doubling
//! with each failure that follows soon after the last, up to a cap, and forgotten once the child
//! has run healthily for a while (so a failure a day later starts short again).

use std::time::{Duration, Instant};

/// How long a restarted child must run without failing before its next failure counts as a
/// first one again.
pub const HEALTHY_AFTER: Duration = Duration::from_secs(60);

/// The longest a failed child waits: long enough that a child failing in a loop costs little,
/// short enough that a person whose guild failed is answered well inside a minute.
pub const CAP: Duration = Duration::from_secs(10);

/// One child's failures.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    base: Duration,
    failures: u32,
    last_failure: Option<Instant>,
}

impl Backoff {
    /// A backoff whose first delay is `base`.
    pub const fn new(base: Duration) -> Self {
        Self {
            base,
            failures: 0,
            last_failure: None,
        }
    }

    /// Counts a failure at `now` and returns how long to wait before restarting.
    pub fn fail(&mut self, now: Instant) -> Duration {
        if self
            .last_failure
            .is_some_and(|last| now.saturating_duration_since(last) >= HEALTHY_AFTER)
        {
            self.failures = 0;
        }
        self.last_failure = Some(now);
        let delay = self
            .base
            .saturating_mul(1 << self.failures.min(16))
            .min(CAP);
        self.failures = self.failures.saturating_add(1);
        delay
    }

    /// Failures since the child last ran healthily.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_cap_and_starts_over_after_a_healthy_run() {
        let start = Instant::now();
        let mut backoff = Backoff::new(Duration::from_millis(100));
        let delays: Vec<u128> = (0..9)
            .map(|i| backoff.fail(start + Duration::from_secs(i)).as_millis())
            .collect();
        assert_eq!(
            delays,
            vec![100, 200, 400, 800, 1_600, 3_200, 6_400, 10_000, 10_000]
        );
        assert_eq!(backoff.failures(), 9);
        let later = start + Duration::from_secs(8) + HEALTHY_AFTER;
        assert_eq!(backoff.fail(later), Duration::from_millis(100));
        assert_eq!(backoff.failures(), 1);
    }
}
