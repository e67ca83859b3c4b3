//! Discord's global rate limit, kept with a margin twilight's limiter lacks.
//!
//! Discord allows a bot 50 requests per second across all routes except interaction responses
//! and webhooks. twilight 0.18 counts them in fixed one-second windows that start at its own
//! first request, while Discord's window starts when the first request *arrives*: the two drift
//! apart by the request latency, and a burst sent right as twilight's window turns over can land
//! inside Discord's previous one, a 429 for each request over the limit. (Measured: with Discord's
//! limits on in the simulator, some runs drew 50 429s at once.)
//!
//! [`GlobalPace`] admits at most `limit` requests in any span of `window`, a sliding window a
//! little longer than Discord's second. If requests arrive within `window − 1 s` of their send
//! time (the jitter of their latency), no one-second span of arrivals holds more than `limit`,
//! however Discord's window is aligned.

use std::{collections::VecDeque, sync::Mutex, time::Duration};

use tokio::time::Instant;

/// Requests per [`WINDOW`]: Discord's global limit.
pub const LIMIT: usize = 50;
/// Discord's second plus the latency jitter tolerated: 45.5 requests/s at most, 91 % of the
/// limit, and no 429 as long as latencies differ by less than 100 ms. (A 50 ms margin still
/// drew an occasional 429 on this 2-core machine under load, where a new connection's first
/// request can take that much longer than the ones after it.)
pub const WINDOW: Duration = Duration::from_millis(1_100);

/// A sliding-window limiter over send times. Disabled, it admits everything at once (the
/// simulator's engine runs switch rate limits off on both sides).
#[derive(Debug)]
pub struct GlobalPace {
    sent: Mutex<VecDeque<Instant>>,
    limit: usize,
    window: Duration,
    enabled: bool,
    /// Where each request's answer is counted, once the bot attached its metrics: every
    /// request under the global limit passes here.
    metrics: std::sync::OnceLock<std::sync::Arc<crate::web::Metrics>>,
}

impl GlobalPace {
    pub fn new(limit: usize, window: Duration, enabled: bool) -> Self {
        Self {
            sent: Mutex::new(VecDeque::with_capacity(if enabled { limit } else { 0 })),
            limit: limit.max(1),
            window,
            enabled,
            metrics: std::sync::OnceLock::new(),
        }
    }

    /// Counts a whole window as sent just now: a process that starts may be the restart of one
    /// that was killed a moment ago, whose last requests still count at Discord; together with
    /// the other processes' shares, this one's first window would then overshoot the bot's
    /// limit. Costs one window at start.
    pub fn spent(self) -> Self {
        if self.enabled {
            let now = Instant::now();
            let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
            sent.clear();
            sent.extend(std::iter::repeat_n(now, self.limit));
        }
        self
    }

    pub fn attach_metrics(&self, metrics: std::sync::Arc<crate::web::Metrics>) {
        let _ = self.metrics.set(metrics);
    }

    /// Counts one request's answer (`status` 0: none came).
    pub fn note(&self, route: &'static str, status: u16) {
        if let Some(metrics) = self.metrics.get() {
            metrics.rest(route, status);
        }
    }

    /// Discord's global limit, or nothing when `enabled` is false.
    pub fn discord(enabled: bool) -> Self {
        Self::new(LIMIT, WINDOW, enabled)
    }

    /// Waits until one more request fits in the window, and counts it as sent now.
    pub async fn admit(&self) {
        if !self.enabled {
            return;
        }
        loop {
            let wait = {
                let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                while sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window)
                {
                    sent.pop_front();
                }
                match sent.front() {
                    Some(oldest) if sent.len() >= self.limit => {
                        self.window - now.duration_since(*oldest)
                    }
                    _ => {
                        sent.push_back(now);
                        return;
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_window_ever_holds_more_than_the_limit() {
        let pace = Arc::new(GlobalPace::new(5, Duration::from_millis(100), true));
        let start = Instant::now();
        let tasks: Vec<_> = (0..23)
            .map(|_| {
                let pace = pace.clone();
                tokio::spawn(async move {
                    pace.admit().await;
                    Instant::now()
                })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.expect("task"));
        }
        times.sort();
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .take_while(|u| u.duration_since(*t) < Duration::from_millis(100))
                .count();
            assert!(in_window <= 5, "{in_window} sends within 100 ms of {i}");
        }
        // 23 sends at 5 per 100 ms: the last goes in the fifth window, not later.
        let last = times.last().expect("sends").duration_since(start);
        assert!(last >= Duration::from_millis(400) && last < Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_spent_pace_waits_one_window_before_its_first_request() {
        let pace = GlobalPace::new(3, Duration::from_millis(100), true).spent();
        let start = Instant::now();
        pace.admit().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(100));
        pace.admit().await;
        pace.admit().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn disabled_admits_everything_at_once() {
        let pace = GlobalPace::new(1, Duration::from_secs(10), false);
        let start = Instant::now();
        for _ in 0..100 {
            pace.admit().await;
        }
        assert_eq!(Instant::now(), start);
    }
}
