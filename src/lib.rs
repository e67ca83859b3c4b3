//! # Ticketeer
//!
//! A self-hosted Discord ticket bot: one binary, its own embedded database, and its own Discord
//! simulator to test and demo against.
//!
//! # Layout
//! - [`domain`]: pure logic (records, custom_id codec, access decisions, naming, limits,
//!   transcripts), no I/O, unit-tested on its own.
//! - [`ui`]: what people see, built by pure functions: the text catalog (every person-facing
//!   text behind a key, checked against Discord's limits), screens, modals, ticket messages,
//!   and the hub as a decision the guild actor carries out.
//! - [`store`]: the only code that touches redb; a writer thread with group commit.
//! - [`discord`]: the Discord edge, the only code that calls twilight-http: the client and its
//!   retry policy, acknowledge-first replies, the global pace, the TLS provider.
//! - [`actors`]: the ractor supervision tree (root → shard, router → guild → ticket).
//! - [`sim`]: the Discord simulator (gateway + REST + control API on one loopback port).
//! - [`demo`]: the scenario `cargo run --release` plays with no token.
//! - [`driver`]: what people do through the simulator (shared by demo, tests, benchmarks);
//!   [`driver::harness`] starts the simulator and the bot for the tests and the benchmark.
//! - [`cli`]: the clap command line the thin `main.rs` parses.
//! - [`ops`]: the self-hoster's commands: invite, doctor, configuration, backups, export and
//!   import, moving in from Amina.
//! - [`web`]: the optional HTTP server: signed transcript links and pages, kept attachments,
//!   stats pages, metrics and health.
//! - [`retention`]: `--retain-transcripts`, `ticketeer prune` and `ticketeer forget-guild`.
//! - [`transcript_upload`]: the optional paste-service upload of closed tickets' transcripts.

pub mod actors;
pub mod allocator;
pub mod cli;
pub mod demo;
pub mod discord;
pub mod domain;
pub mod driver;
pub mod ops;
pub mod retention;
pub mod run;
pub mod sim;
pub mod store;
pub mod transcript_upload;
pub mod ui;
pub mod web;
