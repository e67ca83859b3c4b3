//! The clock: the process's one timer. It holds every armed deadline in one ordered schedule
//! (`domain::deadline::Schedule`) and keeps a single wake-up pending, for the earliest of them;
//! no ticket has a task or a timer of its own.
//!
//! # Messages ([`ClockMsg`])
//! - `Arm` (whoever armed a deadline, after or alongside committing `WriteOp::PutDeadline`):
//!   schedule it, moving the same key's earlier time.
//! - `Done` (whoever carried a deadline's action out, once the action and its
//!   `WriteOp::RemoveDeadline` are committed) and `Cancel` (whoever disarmed it): forget it.
//! - `Check` (its own timer; tests after moving a [`ManualClock`]): fire what is due.
//! - `Status` (tests, benches): how many are armed, and the next time.
//!
//! # Exactly once, never early
//! The store is the truth: a deadline is stored when armed and removed in the same commit as its
//! action's effect, whose record says whether it ran (a closed ticket is not closed again), so
//! running an action twice changes nothing the second time. At start the clock loads every
//! stored deadline, and those already due fire at once, oldest first. A deadline fires only when
//! the clock reads a time at or past it. A fired deadline is not forgotten until `Done`: it is
//! fired again every [`REFIRE_AFTER`] until its action reports, so an action lost to a crashed
//! actor still runs.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use tokio::task::JoinHandle;

use crate::domain::deadline::{Deadline, DeadlineKey, Schedule};
use crate::domain::model::UnixMillis;
use crate::store::{Store, StoreError};

/// A fired deadline whose action has not reported `Done` fires again after this much clock time.
pub const REFIRE_AFTER: i64 = 5 * 60 * 1000;
/// The longest real wait between two checks: a wall clock that jumps (a suspended machine, a
/// corrected clock) is noticed within this.
pub const MAX_WAIT: Duration = Duration::from_secs(60);

/// Where the time comes from: the system clock in production, one the tests move.
pub trait Clock: std::fmt::Debug + Send + Sync + 'static {
    fn now(&self) -> UnixMillis;

    /// The real time to sleep until `millis` of this clock's time have passed.
    fn real_wait(&self, millis: i64) -> Duration {
        Duration::from_millis(millis.max(0) as u64)
    }
}

/// Unix time from the operating system.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixMillis {
        crate::actors::ticket::now_millis()
    }
}

/// A clock that moves only when told to; after moving it, send [`ClockMsg::Check`]
/// ([`ClockHandle::check`]) so the clock actor looks again.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(now: UnixMillis) -> Self {
        Self(AtomicI64::new(now))
    }

    pub fn advance(&self, millis: i64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixMillis {
        self.0.load(Ordering::SeqCst)
    }

    fn real_wait(&self, _millis: i64) -> Duration {
        // Time passes only through `advance`, which is followed by a `Check`.
        MAX_WAIT
    }
}

/// A clock that runs `speed` times faster than real time from `origin` (a real Unix time in
/// milliseconds), starting at clock time 0: hours of deadlines pass in seconds, and processes
/// sharing an origin (a killed one and its successor) share one timeline.
#[derive(Debug, Clone, Copy)]
pub struct FastClock {
    pub origin: UnixMillis,
    pub speed: i64,
}

impl Clock for FastClock {
    fn now(&self) -> UnixMillis {
        (SystemClock.now() - self.origin) * self.speed
    }

    fn real_wait(&self, millis: i64) -> Duration {
        // Rounded up, so a wake-up is never before the deadline.
        let real = (millis.max(0) + self.speed - 1) / self.speed;
        Duration::from_millis(real as u64)
    }
}

/// What carries a due deadline's action out. Called on the clock actor's handler: it must only
/// hand the deadline on (a cast, a spawned task), never wait.
pub trait DeadlineSink: Send + Sync + 'static {
    fn due(&self, deadline: Deadline, clock: &ClockHandle);
}

pub enum ClockMsg {
    Arm(Deadline),
    Cancel(DeadlineKey),
    Done(DeadlineKey),
    Check,
    Status(RpcReplyPort<ClockStatus>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClockStatus {
    /// Deadlines armed, including fired ones whose action has not reported `Done`.
    pub armed: usize,
    pub next_at: Option<UnixMillis>,
    /// Deadlines handed to the sink since start (refires included).
    pub fired: u64,
}

/// A cheap, cloneable way to talk to the clock actor.
#[derive(Clone, Debug)]
pub struct ClockHandle(ActorRef<ClockMsg>);

impl ClockHandle {
    pub fn arm(&self, deadline: Deadline) {
        let _ = self.0.cast(ClockMsg::Arm(deadline));
    }

    pub fn cancel(&self, key: DeadlineKey) {
        let _ = self.0.cast(ClockMsg::Cancel(key));
    }

    pub fn done(&self, key: DeadlineKey) {
        let _ = self.0.cast(ClockMsg::Done(key));
    }

    pub fn check(&self) {
        let _ = self.0.cast(ClockMsg::Check);
    }

    pub async fn status(&self) -> Option<ClockStatus> {
        ractor::call_t!(self.0, ClockMsg::Status, 5_000).ok()
    }

    pub fn actor(&self) -> &ActorRef<ClockMsg> {
        &self.0
    }
}

pub struct ClockActor;

pub struct ClockArgs {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub sink: Arc<dyn DeadlineSink>,
}

pub struct ClockState {
    clock: Arc<dyn Clock>,
    sink: Arc<dyn DeadlineSink>,
    schedule: Schedule,
    /// The one pending wake-up: the clock time it is for, and its task.
    timer: Option<(UnixMillis, JoinHandle<()>)>,
    fired: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("the armed deadlines could not be loaded: {0}")]
    Load(#[from] StoreError),
}

impl Actor for ClockActor {
    type Msg = ClockMsg;
    type State = ClockState;
    type Arguments = ClockArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<ClockMsg>,
        args: ClockArgs,
    ) -> Result<ClockState, ActorProcessingErr> {
        let stored = args
            .store
            .load_deadlines()
            .await
            .map_err(ClockError::from)?;
        let mut schedule = Schedule::default();
        for deadline in stored {
            if !schedule.arm(deadline) {
                tracing::warn!(
                    guild.id = deadline.key.guild,
                    ticket.number = deadline.key.number,
                    "stored deadline of an impossible ticket number skipped"
                );
            }
        }
        tracing::info!(armed = schedule.len(), "clock started");
        // Overdue ones fire on the first check, before any message sent after the start.
        let _ = myself.cast(ClockMsg::Check);
        Ok(ClockState {
            clock: args.clock,
            sink: args.sink,
            schedule,
            timer: None,
            fired: 0,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<ClockMsg>,
        msg: ClockMsg,
        state: &mut ClockState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            ClockMsg::Arm(deadline) => {
                if !state.schedule.arm(deadline) {
                    tracing::warn!(
                        guild.id = deadline.key.guild,
                        ticket.number = deadline.key.number,
                        "deadline of an impossible ticket number not armed"
                    );
                }
            }
            ClockMsg::Cancel(key) | ClockMsg::Done(key) => {
                state.schedule.cancel(key);
            }
            ClockMsg::Check => {
                if let Some((_, task)) = state.timer.take() {
                    task.abort();
                }
                state.fire_due(&myself);
            }
            ClockMsg::Status(reply) => {
                let _ = reply.send(ClockStatus {
                    armed: state.schedule.len(),
                    next_at: state.schedule.next_at(),
                    fired: state.fired,
                });
            }
        }
        state.rearm_timer(&myself);
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<ClockMsg>,
        state: &mut ClockState,
    ) -> Result<(), ActorProcessingErr> {
        if let Some((_, task)) = state.timer.take() {
            task.abort();
        }
        Ok(())
    }
}

impl ClockState {
    fn fire_due(&mut self, myself: &ActorRef<ClockMsg>) {
        let now = self.clock.now();
        let due = self.schedule.take_due(now);
        if due.is_empty() {
            return;
        }
        let handle = ClockHandle(myself.clone());
        for deadline in due {
            // Kept armed until its action reports `Done`, a little later each time it fires.
            // (It was armed, so its key packs.)
            let _ = self.schedule.arm(Deadline {
                key: deadline.key,
                at: now.saturating_add(REFIRE_AFTER),
            });
            self.fired += 1;
            self.sink.due(deadline, &handle);
        }
    }

    /// Keeps exactly one wake-up pending, for the earliest armed deadline.
    fn rearm_timer(&mut self, myself: &ActorRef<ClockMsg>) {
        let next = self.schedule.next_at();
        if self.timer.as_ref().map(|(at, _)| *at) == next {
            return;
        }
        if let Some((_, task)) = self.timer.take() {
            task.abort();
        }
        let Some(at) = next else { return };
        let wait = self.clock.real_wait(at - self.clock.now()).min(MAX_WAIT);
        let me = myself.clone();
        let task = tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let _ = me.cast(ClockMsg::Check);
        });
        self.timer = Some((at, task));
    }
}

/// Spawns the clock actor (unlinked: its owner stops it) and returns its handle.
pub async fn spawn(args: ClockArgs) -> Result<(ClockHandle, JoinHandle<()>), ActorProcessingErr> {
    let (actor, join) = Actor::spawn(None, ClockActor, args).await?;
    Ok((ClockHandle(actor), join))
}

#[cfg(test)]
mod tests;
