//! # Ticketeer
//!
//! A self-hosted Discord ticket bot: one binary, its own embedded database, and its own Discord
//! simulator to test and demo against.
//!
//! # Layout
//! - [`domain`]: pure logic (records, custom_id codec, access decisions, naming, limits,
//!   transcripts), no I/O, unit-tested on its own.
//! - [`store`]: the only code that touches redb; a writer thread with group commit.
//! - [`discord`]: the Discord edge, the only code that calls twilight-http: the client and its
//!   retry policy, acknowledge-first replies, the global pace, the TLS provider.
//! - [`actors`]: the ractor supervision tree (root → shard, router → guild → ticket).
//! - [`sim`]: the Discord simulator (gateway + REST + control API on one loopback port).
//! - [`demo`]: the scenario `cargo run --release` plays with no token.
//! - [`driver`]: what people do through the simulator (shared by demo, tests, benchmarks).
//! - [`cli`]: the clap command line the thin `main.rs` parses.
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
pub mod retention;
pub mod run;
pub mod sim;
pub mod store;
pub mod transcript_upload;
pub mod web;
