//! The messages that cross between actors of the tree, in a module every actor imports: a
//! child that needs its parent's message type takes it from here, so no actor module imports
//! another in both directions.
//!
//! [`GuildMsg`] is documented with its actor (`super::guild`): who sends each variant and what
//! it owns.

use std::sync::atomic::AtomicU64;

use ractor::RpcReplyPort;

use super::incoming::Incoming;
use crate::discord::ChannelSummary;
use crate::domain::access::Overwrite;
use crate::domain::deadline::Deadline;
use crate::domain::model::{Snowflake, TicketRecord};

/// What a guild actor is sent (see `super::guild` for who sends what).
pub enum GuildMsg {
    /// `seq` numbers the router's sends, so it can tell after a failure what was handled.
    Interaction {
        seq: u64,
        incoming: Box<Incoming>,
    },
    TicketUpdated(Box<TicketRecord>),
    ChannelDeleted {
        channel: Snowflake,
    },
    MemberLeft {
        user: Snowflake,
    },
    /// Shutdown: finish what is queued by `deadline`, the one the whole tree shares.
    Drain {
        deadline: tokio::time::Instant,
        reply: RpcReplyPort<()>,
    },
    /// Fault hook: panics inside the handler, as a bug would.
    InjectPanic,
    /// Fault hook: makes the actor of ticket `number` panic.
    InjectTicketPanic {
        number: u64,
    },
    /// Internal: respawn the actor of a ticket after it failed.
    RespawnTicket {
        number: u64,
    },
    /// Internal: tell waiting members their new place in line.
    LineTick,
    /// Benchmarks: start the actor of every open or closed ticket (they otherwise start on
    /// first use after a restart); replies once they run, with how many tickets have one.
    WakeTickets(RpcReplyPort<usize>),
    /// Internal: the category creation in [`Book::awaiting_category`] finished.
    CategoryCreated,
    Held(bool),
    /// A ticket's deadline passed (the clock, through the router).
    DeadlineDue(Deadline),
    /// Internal: look at the ready-channel pool again (`super::ready`).
    ReadyTick,
    /// Internal: a ready channel was created in a category, or not (`full`: Discord's 500
    /// channels per server reached).
    ReadyCreated(Result<(Snowflake, Option<Snowflake>), ReadyNotCreated>),
    /// Internal: the pool's own category was made (`None`: it could not be).
    ReadyCategoryCreated(Option<Snowflake>),
    /// Internal: the server's channels, listed for the pool; `None` when the listing failed.
    ReadyListed(Option<Vec<ChannelSummary>>),
    /// A channel of the guild was edited (router; only to a running guild actor): a person
    /// who edits a ready channel takes it out of the pool.
    ChannelUpdated {
        channel: Snowflake,
        name: String,
        topic: Option<String>,
        overwrites: Vec<Overwrite>,
    },
    /// A human (not a bot, not a webhook) wrote in one of the guild's channels.
    HumanMessage {
        channel: Snowflake,
        author: Snowflake,
        roles: Vec<Snowflake>,
    },
}

/// Why a ready channel was not created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadyNotCreated {
    /// Discord's 500 channels per server.
    ServerFull,
    Failed,
}

/// How far a guild actor got through the interactions the router sent it (sequence numbers).
/// Written by the guild actor, read by the router when the actor failed.
#[derive(Debug, Default)]
pub struct InteractionProgress {
    pub started: AtomicU64,
    pub finished: AtomicU64,
}
