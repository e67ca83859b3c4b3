//! What a self-hoster runs besides the bot: `ticketeer invite | doctor | backup | restore |
//! export | import | import-amina`, the configuration file, and the local socket through which
//! these reach a running bot's store.
//!
//! Each command is a pure core (the link, the findings, the file format, the plan) unit-tested
//! apart from its I/O, and a thin `run` that gathers and prints.

pub mod amina;
pub mod args;
pub mod config;
pub mod control;
pub mod data;
pub mod doctor;
pub mod export;
pub mod invite;
pub mod reshard;
pub mod token;

/// What a command's failure is told as: each module's typed error, boxed (as `run::AppError`).
pub type OpsError = Box<dyn std::error::Error + Send + Sync>;
