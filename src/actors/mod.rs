//! The supervision tree: root → shard(s), router → guild actors → ticket actors.
//!
//! Each actor lives in its own module, with its message enum documented at the top. Shared by all:
//! [`BotContext`] (the Discord client, the store and the fault hooks), cloned into every actor.

pub mod backoff;
pub mod clock;
pub mod commands;
pub mod feedback;
pub mod guild;
pub mod guild_state;
pub mod hub;
pub mod incoming;
pub mod intake;
pub mod line;
pub mod log;
pub mod protocol;
pub mod ready;
pub mod root;
pub mod router;
pub mod shard;
pub mod staff;
pub mod ticket;

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use crate::{discord::Discord, store::Store, transcript_upload::TranscriptUploader};

use clock::{Clock, ClockHandle};

/// What every actor needs to do its work: one shared allocation, so each of 10,000 guild actors
/// and each ticket actor holds a pointer to it rather than a 200-byte copy.
#[derive(Clone)]
pub struct BotContext(Arc<Services>);

impl BotContext {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl std::ops::Deref for BotContext {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The services behind a [`BotContext`].
pub struct Services {
    pub discord: Discord,
    pub store: Store,
    pub faults: Arc<FaultHooks>,
    /// `--transcript-upload`: where closed tickets' transcripts are also posted, if anywhere.
    pub transcript_upload: Option<TranscriptUploader>,
    /// Tickets one guild provisions at once (`BotConfig::provision_window`).
    pub provision_window: usize,
    /// Bytes of transcript files per upload (`BotConfig::upload_budget`).
    pub upload_budget: usize,
    /// Makes transcript links when the web side is on (`--http`).
    pub links: Option<crate::web::Links>,
    /// What a close copies into the store of a ticket's attachments (with `--http` on).
    pub keep: crate::web::KeepBounds,
    pub metrics: Arc<crate::web::Metrics>,
    /// The process's one timer: arm and cancel deadlines here.
    pub clock: ClockHandle,
    /// The time deadlines are measured in (`BotConfig::clock`).
    pub time: Arc<dyn Clock>,
}

/// Fault injection for the tests: switches that make the bot stop at the worst moments.
/// All off in production; flipping one is the only way to reach the code paths they guard.
#[derive(Debug, Default)]
pub struct FaultHooks {
    halt_before_channel_create: AtomicBool,
    panic_in_next_interaction: AtomicBool,
}

impl FaultHooks {
    /// From now on, ticket actors stop dead after their number is durable and before the
    /// channel is created, as if the process had been killed there.
    pub fn set_halt_before_channel_create(&self, on: bool) {
        self.halt_before_channel_create.store(on, Ordering::SeqCst);
    }

    /// The next interaction a guild actor handles makes it panic mid-way, as a bug would.
    pub fn set_panic_in_next_interaction(&self) {
        self.panic_in_next_interaction.store(true, Ordering::SeqCst);
    }

    /// True once after [`Self::set_panic_in_next_interaction`].
    pub fn take_panic_in_next_interaction(&self) -> bool {
        self.panic_in_next_interaction.swap(false, Ordering::SeqCst)
    }

    pub fn halt_before_channel_create(&self) -> bool {
        self.halt_before_channel_create.load(Ordering::SeqCst)
    }
}

pub use root::{Bot, BotConfig, StartError};
