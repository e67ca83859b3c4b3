//! Pure domain logic: no I/O, no actors. Everything here is unit-tested on its own.

pub mod access;
pub mod custom_id;
pub mod deadline;
pub mod feedback;
pub mod hours;
pub mod intake;
pub mod lifecycle;
pub mod limits;
pub mod model;
pub mod naming;
pub mod panel;
pub mod privileged;
pub mod ready;
pub mod reasons;
pub mod rename;
pub mod retention;
pub mod sharding;
pub mod stale;
pub mod stats;
pub mod tally;
pub mod transcript;
