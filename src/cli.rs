//! The command line: `ticketeer run | demo | sim`. Parsing only; `main.rs` dispatches.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::sim::RateLimitMode;

#[derive(Debug, Parser)]
#[command(
    name = "ticketeer",
    version,
    about = "A self-hosted Discord ticket bot with its own embedded database"
)]
pub struct Cli {
    /// With no subcommand: `run` when a token is configured, else `demo`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot against Discord (or a simulator with --discord-api).
    Run(RunArgs),
    /// Start a simulator and the bot in one process and play a scenario.
    Demo(DemoArgs),
    /// Run the Discord simulator alone.
    Sim(SimArgs),
    /// Manage the key transcript and stats links are signed with.
    Keys(KeysArgs),
    /// Delete transcripts (and their kept files) closed longer ago than a period.
    Prune(PruneArgs),
    /// Delete everything stored of one server (a deletion request). The bot must be stopped.
    ForgetGuild(ForgetGuildArgs),
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Transcripts of tickets closed at least this many days ago go.
    #[arg(long, value_name = "DAYS")]
    pub older_than_days: u64,
    /// Only list what would go.
    #[arg(long)]
    pub dry_run: bool,
    /// Where the redb file lives (the bot must be stopped).
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ForgetGuildArgs {
    /// The server's id.
    pub guild: u64,
    /// Where the redb file lives (the bot must be stopped).
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
    /// Where the redb file lives (the bot must be stopped).
    #[arg(long, default_value = "data", global = true)]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Replace the link-signing key: every link handed out so far stops working (403).
    Rotate,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DurabilityArg {
    /// Every commit is fsync'd before the bot relies on it (default).
    Immediate,
    /// No fsync: for benchmarks only; a crash may lose recent tickets.
    None,
}

impl From<DurabilityArg> for crate::store::Durability {
    fn from(arg: DurabilityArg) -> Self {
        match arg {
            DurabilityArg::Immediate => Self::Immediate,
            DurabilityArg::None => Self::None,
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Bot token (prefer the environment or --token-file; never logged).
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Read the token from this file (must not be readable by group or others).
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Base URL of a Discord-compatible API, e.g. a simulator at http://127.0.0.1:8080.
    /// Points both the REST client and the gateway there.
    #[arg(long)]
    pub discord_api: Option<String>,
    /// Where the redb file lives.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
    /// Shard ids to run, as a range START..END (default: 0..1).
    #[arg(long, default_value = "0..1")]
    pub shards: String,
    /// Total number of shards of the bot.
    #[arg(long, default_value_t = 1)]
    pub shard_total: u32,
    /// Switch off twilight's client-side rate limiter (only with --discord-api).
    #[arg(long)]
    pub no_ratelimiter: bool,
    #[arg(long, value_enum, default_value_t = DurabilityArg::Immediate)]
    pub durability: DurabilityArg,
    /// POST each closed ticket's HTML transcript to this paste service (http or https); its link
    /// (a JSON `{"url": ...}` or plain-text answer) goes into the log and the opener's DM. The
    /// transcript stays attached either way.
    #[arg(long, value_name = "URL")]
    pub transcript_upload: Option<String>,
    /// Serve transcript pages, stats pages, /metrics, /healthz and /readyz on this address
    /// (e.g. 127.0.0.1:8081); off unless set.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// How people reach --http (e.g. https://tickets.example.org behind a reverse proxy);
    /// links start with it. Default: http://ADDR.
    #[arg(long, value_name = "URL", requires = "http")]
    pub public_url: Option<String>,
    /// Days a transcript link handed out stays valid.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3650))]
    pub link_days: u64,
    /// Attachments larger than this (MiB) are not kept in the store at close.
    #[arg(long, default_value_t = 10)]
    pub keep_file_mib: u64,
    /// At most this many MiB of one ticket's attachments are kept in the store at close.
    #[arg(long, default_value_t = 50)]
    pub keep_ticket_mib: u64,
    /// Delete transcripts and their kept files this many days after the ticket's close
    /// (checked hourly, with a log line); kept forever unless set.
    #[arg(long, value_name = "DAYS")]
    pub retain_transcripts: Option<u64>,
}

impl RunArgs {
    /// `--http` and its companions as the bot's web configuration.
    pub fn web_config(&self) -> Option<crate::web::WebConfig> {
        let listen = self.http?;
        Some(crate::web::WebConfig {
            listen,
            public_url: self.public_url.clone(),
            link_ttl: std::time::Duration::from_secs(self.link_days * 24 * 3600),
            keep: crate::web::KeepBounds {
                per_file: self.keep_file_mib.saturating_mul(1024 * 1024),
                per_ticket: self.keep_ticket_mib.saturating_mul(1024 * 1024),
            },
        })
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Members in the seeded guild.
    #[arg(long, default_value_t = 50)]
    pub members: usize,
    /// Where the demo's redb file lives (a fresh temporary directory by default).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = RateLimitMode::Discord)]
    pub rate_limits: RateLimitMode,
    /// Where the demo's web pages are served (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub http: SocketAddr,
    /// Keep the simulator, the bot and its pages up this many seconds after the scenario, to
    /// open the printed links in a browser.
    #[arg(long, default_value_t = 0)]
    pub stay: u64,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Append every REST exchange as one JSON line to this file.
    #[arg(long)]
    pub record: Option<PathBuf>,
    /// Create a guild with an owner, a staff role and a few members at start.
    #[arg(long)]
    pub seed_guild: bool,
    #[arg(long, value_enum, default_value_t = RateLimitMode::Discord)]
    pub rate_limits: RateLimitMode,
    /// Accept only this bot token (any token otherwise).
    #[arg(long)]
    pub token: Option<String>,
    /// One identify per this many milliseconds (Discord: 5,000); tests that restart the bot
    /// many times a minute shorten it.
    #[arg(long, default_value_t = 5_000)]
    pub identify_window_ms: u64,
    /// The application's Message Content switch: off blanks others' guild messages over REST
    /// and refuses identifies asking for MESSAGE_CONTENT (4014), as on Discord.
    #[arg(long, value_enum, default_value_t = Switch::Off)]
    pub message_content: Switch,
    /// The application's Server Members switch (GUILD_MEMBERS intent).
    #[arg(long, value_enum, default_value_t = Switch::On)]
    pub server_members: Switch,
    /// The application's Presence switch (GUILD_PRESENCES intent).
    #[arg(long, value_enum, default_value_t = Switch::Off)]
    pub presence: Switch,
    /// The application's name: its bot user's username and its managed role's name.
    #[arg(long, default_value = "Ticketeer")]
    pub app_name: String,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    pub fn on(self) -> bool {
        self == Self::On
    }
}

/// Parses `START..END` into the shard ids it covers.
pub fn parse_shard_range(raw: &str) -> Result<Vec<u32>, String> {
    let (start, end) = raw
        .split_once("..")
        .ok_or_else(|| format!("expected START..END, got {raw:?}"))?;
    let start: u32 = start
        .trim()
        .parse()
        .map_err(|_| format!("bad shard start in {raw:?}"))?;
    let end: u32 = end
        .trim()
        .parse()
        .map_err(|_| format!("bad shard end in {raw:?}"))?;
    if start >= end {
        return Err(format!("empty shard range {raw:?}"));
    }
    Ok((start..end).collect())
}

impl RunArgs {
    /// `run` with every flag at its default (token from the environment).
    pub fn from_env() -> Self {
        Cli::parse_from(["ticketeer", "run"])
            .command
            .and_then(|c| match c {
                Command::Run(args) => Some(args),
                _ => None,
            })
            .unwrap_or_else(|| unreachable!("clap parsed `run` into another subcommand"))
    }
}

impl Default for DemoArgs {
    fn default() -> Self {
        DemoArgs {
            members: 50,
            data_dir: None,
            rate_limits: RateLimitMode::Discord,
            http: SocketAddr::from(([127, 0, 0, 1], 0)),
            stay: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ranges_parse_and_refuse_nonsense() {
        assert_eq!(parse_shard_range("0..3"), Ok(vec![0, 1, 2]));
        assert_eq!(parse_shard_range("2..3"), Ok(vec![2]));
        assert!(parse_shard_range("3..3").is_err());
        assert!(parse_shard_range("a..b").is_err());
        assert!(parse_shard_range("5").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
