//! The clock actor on a [`ManualClock`] and a real store in a temp dir.

use std::sync::Mutex;
use std::time::Duration;

use super::*;
use crate::domain::deadline::DeadlineKind;
use crate::store::{Durability, StoreConfig, WriteOp};

/// Records what it was handed, with the clock's time then.
struct Recorder {
    clock: Arc<ManualClock>,
    fired: Mutex<Vec<(Deadline, UnixMillis)>>,
}

impl DeadlineSink for Recorder {
    fn due(&self, deadline: Deadline, _clock: &ClockHandle) {
        let now = self.clock.now();
        self.fired.lock().expect("recorder").push((deadline, now));
    }
}

impl Recorder {
    fn numbers(&self) -> Vec<u64> {
        let fired = self.fired.lock().expect("recorder");
        fired.iter().map(|(d, _)| d.key.number).collect()
    }
}

struct Fixture {
    dir: std::path::PathBuf,
    store: Store,
    clock: Arc<ManualClock>,
    recorder: Arc<Recorder>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fixture(name: &str, now: UnixMillis) -> Fixture {
    let dir = std::env::temp_dir().join(format!("ticketeer-clock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(StoreConfig {
        path: dir.join("t.redb"),
        durability: Durability::None,
    })
    .expect("store");
    let clock = Arc::new(ManualClock::new(now));
    let recorder = Arc::new(Recorder {
        clock: clock.clone(),
        fired: Mutex::new(Vec::new()),
    });
    Fixture {
        dir,
        store,
        clock,
        recorder,
    }
}

impl Fixture {
    async fn start(&self) -> ClockHandle {
        let (handle, _) = spawn(ClockArgs {
            store: self.store.clone(),
            clock: self.clock.clone(),
            sink: self.recorder.clone(),
        })
        .await
        .expect("clock starts");
        handle
    }
}

fn deadline(number: u64, at: UnixMillis) -> Deadline {
    Deadline {
        key: DeadlineKey {
            guild: 9,
            number,
            kind: DeadlineKind::AutoClose,
        },
        at,
    }
}

/// Status is answered after every message sent before it, so it is a barrier.
async fn settle(clock: &ClockHandle) -> ClockStatus {
    clock.status().await.expect("clock answers")
}

#[tokio::test]
async fn stored_overdue_deadlines_fire_at_start_oldest_first() {
    let f = fixture("overdue", 10_000);
    let ops = [(1, 5_000), (2, 1_000), (3, 9_000), (4, 20_000), (5, 1_000)]
        .into_iter()
        .map(|(n, at)| WriteOp::PutDeadline(deadline(n, at)))
        .collect();
    f.store.write(ops).await.expect("arm");
    let clock = f.start().await;
    let status = settle(&clock).await;
    assert_eq!(f.recorder.numbers(), vec![2, 5, 1, 3]);
    // Fired but not reported done: still armed, to fire again if the action was lost.
    assert_eq!(status.armed, 5);
    assert_eq!(status.next_at, Some(20_000));
}

#[tokio::test]
async fn a_deadline_never_fires_before_its_time() {
    let f = fixture("early", 0);
    let clock = f.start().await;
    clock.arm(deadline(1, 1_000));
    clock.check();
    f.clock.advance(999);
    clock.check();
    settle(&clock).await;
    assert!(f.recorder.numbers().is_empty());
    f.clock.advance(1);
    clock.check();
    settle(&clock).await;
    let fired = f.recorder.fired.lock().expect("recorder").clone();
    assert_eq!(fired, vec![(deadline(1, 1_000), 1_000)]);
}

#[tokio::test]
async fn a_fired_deadline_fires_again_until_its_action_reports_done() {
    let f = fixture("refire", 0);
    let clock = f.start().await;
    clock.arm(deadline(1, 10));
    clock.cancel(deadline(2, 10).key);
    f.clock.advance(10);
    clock.check();
    settle(&clock).await;
    f.clock.advance(REFIRE_AFTER - 1);
    clock.check();
    settle(&clock).await;
    assert_eq!(f.recorder.numbers(), vec![1]);
    f.clock.advance(1);
    clock.check();
    settle(&clock).await;
    assert_eq!(f.recorder.numbers(), vec![1, 1]);
    clock.done(deadline(1, 10).key);
    f.clock.advance(10 * REFIRE_AFTER);
    clock.check();
    let status = settle(&clock).await;
    assert_eq!(f.recorder.numbers(), vec![1, 1]);
    assert_eq!(status.armed, 0);
}

#[tokio::test]
async fn cancelled_and_moved_deadlines_fire_only_at_their_last_time() {
    let f = fixture("moved", 0);
    let clock = f.start().await;
    clock.arm(deadline(1, 100));
    clock.arm(deadline(2, 100));
    clock.cancel(deadline(1, 100).key);
    clock.arm(deadline(2, 300));
    f.clock.advance(200);
    clock.check();
    settle(&clock).await;
    assert!(f.recorder.numbers().is_empty());
    f.clock.advance(100);
    clock.check();
    settle(&clock).await;
    assert_eq!(f.recorder.numbers(), vec![2]);
}

#[tokio::test]
async fn the_timer_wakes_the_clock_without_being_asked() {
    // A fast clock: 1,000 clock milliseconds per real one.
    let f = fixture("timer", 0);
    let fast = Arc::new(FastClock {
        origin: SystemClock.now(),
        speed: 1_000,
    });
    let recorder = Arc::new(Recorder {
        clock: f.clock.clone(),
        fired: Mutex::new(Vec::new()),
    });
    let (clock, _) = spawn(ClockArgs {
        store: f.store.clone(),
        clock: fast.clone(),
        sink: recorder.clone(),
    })
    .await
    .expect("clock starts");
    let at = fast.now() + 50_000;
    clock.arm(deadline(1, at));
    let started = std::time::Instant::now();
    while recorder.numbers().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(5), "never fired");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(fast.now() >= at, "fired early");
}
