//! The command-line arguments of the self-hoster's commands (`cli::Command` lists them). Each
//! also takes its options from `ticketeer.toml` and `TICKETEER_*` (`ops::config`), so each
//! struct is serde too, with the file's key names.

use std::path::PathBuf;

use clap::Args;
use serde::{Deserialize, Serialize};

/// How to reach Discord: the bot token and, for a simulator, its address.
#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct InviteArgs {
    /// The application id (the portal's General Information page); without it the link is
    /// made for the application of the bot token.
    #[arg(long)]
    pub application_id: Option<u64>,
    /// Bot token (prefer the environment or --token-file; never logged).
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Read the token from this file (must not be readable by group or others).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Base URL of a Discord-compatible API (a simulator).
    #[arg(long)]
    pub discord_api: Option<String>,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct DoctorArgs {
    /// Bot token (prefer the environment or --token-file; never logged).
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Read the token from this file (must not be readable by group or others).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Base URL of a Discord-compatible API (a simulator).
    #[arg(long)]
    pub discord_api: Option<String>,
    /// Where the bot's data lives (its settings are checked against Discord).
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist yet.
    pub file: PathBuf,
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct RestoreArgs {
    /// A backup made by `ticketeer backup`.
    pub file: PathBuf,
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
    /// Replace the data that is there (it is kept beside as ticketeer.redb.before-restore).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct ExportArgs {
    /// The guild (server id) whose settings, tickets and transcripts are written to stdout.
    #[arg(long)]
    pub guild: u64,
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct ImportArgs {
    /// A file written by `ticketeer export`.
    pub file: PathBuf,
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct AminaArgs {
    /// Amina's guild settings as `mongoexport` writes them (one JSON document a line).
    pub file: PathBuf,
    /// Carry it out; without it, only print what would be done.
    #[arg(long)]
    pub apply: bool,
    /// Bot token (prefer the environment or --token-file; never logged).
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Read the token from this file (must not be readable by group or others).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Base URL of a Discord-compatible API (a simulator).
    #[arg(long)]
    pub discord_api: Option<String>,
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Args, Serialize, Deserialize)]
pub struct ReshardArgs {
    /// The data directories of the current layout (every process's; their bots stopped).
    #[arg(long, num_args = 1.., required = true)]
    pub from: Vec<PathBuf>,
    /// New, empty data directories, one per process of the new layout; the i-th holds the
    /// i-th contiguous range of the new shards.
    #[arg(long, num_args = 1.., required = true)]
    pub to: Vec<PathBuf>,
    /// The new shard total.
    #[arg(long)]
    pub shard_total: u32,
}
