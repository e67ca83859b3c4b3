//! Acknowledgements before channel work, bot-wide.
//!
//! Discord fails an interaction that gets no initial response within 3 s, while the channel work
//! behind it (create the channel, post the welcome, DM the opener) may take as long as it needs.
//! When a whole server clicks at once, both compete for the same CPU, connections and Discord:
//! left alone, the first tickets' channel work delays the last clicks' acknowledgements past the
//! deadline. [`AcksFirst`] counts initial responses started and not yet finished; while that
//! backlog is high, every other request waits until it has drained (for a bounded time, so
//! channel work is delayed under a burst, never starved).

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use tokio::sync::Notify;

/// Initial interaction responses the Discord module sends at once (its `callbacks_in_flight`).
pub(crate) const CALLBACKS_IN_FLIGHT: usize = 256;

/// Above this many pending acknowledgements, other requests hold back. It is the number of
/// initial responses the Discord module sends at once ([`CALLBACKS_IN_FLIGHT`]): beyond it,
/// acknowledgements queue for a connection, which is the sign that they are falling behind. A
/// steady 1,000 clicks/s keeps a few dozen pending; a burst of thousands goes far past it.
pub const BACKLOG_HIGH: usize = CALLBACKS_IN_FLIGHT;
/// Held-back requests go again once the backlog is down to this.
pub const BACKLOG_LOW: usize = BACKLOG_HIGH / 4;
/// The longest one request holds back: past Discord's deadline an acknowledgement cannot be
/// saved anyway, and channel work must never stall behind a backlog that does not drain.
pub const MAX_HOLD: Duration = Duration::from_secs(2);

/// The bot-wide count of initial responses in flight. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct AcksFirst {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    pending: AtomicUsize,
    drained: Notify,
}

/// One initial response in flight; dropping it (answered, failed or abandoned) ends it.
#[derive(Debug)]
#[must_use = "the acknowledgement counts as pending only while this lives"]
pub struct PendingAck {
    inner: Arc<Inner>,
}

impl Drop for PendingAck {
    fn drop(&mut self) {
        let before = self.inner.pending.fetch_sub(1, Ordering::AcqRel);
        if before <= BACKLOG_LOW + 1 {
            self.inner.drained.notify_waiters();
        }
    }
}

impl AcksFirst {
    /// Counts one acknowledgement from now until the returned guard drops. Call it when the
    /// acknowledgement is decided, before it is spawned: a spawned task may wait for a worker.
    pub fn start(&self) -> PendingAck {
        self.inner.pending.fetch_add(1, Ordering::AcqRel);
        PendingAck {
            inner: self.inner.clone(),
        }
    }

    pub fn pending(&self) -> usize {
        self.inner.pending.load(Ordering::Acquire)
    }

    /// Returns at once unless the backlog is above [`BACKLOG_HIGH`]; then waits until it is down
    /// to [`BACKLOG_LOW`], or [`MAX_HOLD`] passed. True when it held back.
    pub async fn wait_turn(&self) -> bool {
        self.wait_turn_at_most(MAX_HOLD).await
    }

    async fn wait_turn_at_most(&self, max_hold: Duration) -> bool {
        if self.pending() <= BACKLOG_HIGH {
            return false;
        }
        let _ = tokio::time::timeout(max_hold, async {
            loop {
                let drained = self.inner.drained.notified();
                tokio::pin!(drained);
                // Registered before the check, so a drain between the two is not missed.
                drained.as_mut().enable();
                if self.pending() <= BACKLOG_LOW {
                    return;
                }
                drained.await;
            }
        })
        .await;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test]
    async fn a_small_backlog_never_holds_anything_back() {
        let acks = AcksFirst::default();
        let _pending: Vec<_> = (0..BACKLOG_HIGH).map(|_| acks.start()).collect();
        assert!(!acks.wait_turn().await);
    }

    #[tokio::test(start_paused = true)]
    async fn a_large_backlog_holds_requests_until_it_drains() {
        let acks = AcksFirst::default();
        let mut pending: Vec<_> = (0..1_000).map(|_| acks.start()).collect();
        let waiter = tokio::spawn({
            let acks = acks.clone();
            async move {
                let held = acks.wait_turn().await;
                (held, acks.pending())
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            !waiter.is_finished(),
            "went ahead of 1,000 acknowledgements"
        );
        // Answering down to the low mark (but not below) releases it.
        pending.truncate(BACKLOG_LOW);
        let (held, pending_when_released) = waiter.await.unwrap();
        assert!(held);
        assert!(pending_when_released <= BACKLOG_LOW);
        drop(pending);
        assert_eq!(acks.pending(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_backlog_that_never_drains_holds_for_the_maximum_only() {
        let acks = AcksFirst::default();
        let _stuck: Vec<_> = (0..1_000).map(|_| acks.start()).collect();
        let start = Instant::now();
        assert!(acks.wait_turn_at_most(Duration::from_millis(100)).await);
        let held = start.elapsed();
        assert!(held >= Duration::from_millis(100), "{held:?}");
        assert!(held < Duration::from_secs(2), "{held:?}");
    }
}
