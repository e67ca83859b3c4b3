//! The command line: `ticketeer run | demo | sim` and the self-hoster's commands (`ops`).
//! Parsing and layering only; `main.rs` dispatches.

use std::{net::SocketAddr, path::PathBuf};

use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};

use crate::ops::{
    args::{
        AminaArgs, BackupArgs, DoctorArgs, ExportArgs, ImportArgs, InviteArgs, ReshardArgs,
        RestoreArgs,
    },
    config::{self, ConfigError},
};
use crate::sim::RateLimitMode;

/// `ticketeer --version`: the crate's version and the commit it was built from (`build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("TICKETEER_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "ticketeer",
    version = VERSION,
    about = "A self-hosted Discord ticket bot with its own embedded database"
)]
pub struct Cli {
    /// With no subcommand: `run` when a token is configured, else `demo`.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Configuration file (default: ./ticketeer.toml if it exists). Flags and TICKETEER_*
    /// variables override it.
    #[arg(long, global = true, env = "TICKETEER_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log lines as text (default) or as one JSON object each, for log shippers.
    #[arg(long, global = true, value_enum, env = "TICKETEER_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot against Discord (or a simulator with --discord-api).
    Run(RunArgs),
    /// Start a simulator and the bot in one process and play a scenario.
    Demo(DemoArgs),
    /// Run the Discord simulator alone.
    Sim(SimArgs),
    /// Print the link that adds the bot to a server, with exactly the permissions it needs.
    Invite(InviteArgs),
    /// Check every server for what would stop tickets from working (exit 1 if anything does).
    Doctor(DoctorArgs),
    /// Copy the database to FILE, consistently, also while the bot runs.
    Backup(BackupArgs),
    /// Put a backup in place of the database (the bot must be stopped).
    Restore(RestoreArgs),
    /// Write one server's settings, tickets and transcripts as JSON to stdout.
    Export(ExportArgs),
    /// Take in a file written by `export` (the bot must be stopped).
    Import(ImportArgs),
    /// Move a server in from the Amina bot: its settings and open tickets (dry run by default).
    ImportAmina(AminaArgs),
    /// Manage the key transcript and stats links are signed with.
    Keys(KeysArgs),
    /// Delete transcripts (and their kept files) closed longer ago than a period.
    Prune(PruneArgs),
    /// Delete everything stored of one server (a deletion request). The bot must be stopped.
    ForgetGuild(ForgetGuildArgs),
    /// Move the guilds of stopped processes' data directories into new ones for another shard
    /// total (or another split of the shards into processes), checked guild by guild.
    Reshard(ReshardArgs),
}

#[derive(Debug, Args, Serialize, Deserialize)]
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

#[derive(Debug, Args, Serialize, Deserialize)]
pub struct ForgetGuildArgs {
    /// The server's id.
    pub guild: u64,
    /// Where the redb file lives (the bot must be stopped).
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, Args, Serialize, Deserialize)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
    /// Where the redb file lives (the bot must be stopped).
    #[arg(long, default_value = "data", global = true)]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand, Serialize, Deserialize)]
pub enum KeysAction {
    /// Replace the link-signing key: every link handed out so far stops working (403).
    Rotate,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

#[derive(Debug, Args, Serialize, Deserialize)]
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
    /// The bot's global REST limit in requests per second, for all its processes together:
    /// Discord's 50, unless Discord raised it for this bot. Each process paces its shards'
    /// share of it.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=65_535))]
    pub rest_budget: u32,
    /// Spacing of identifies per bucket in milliseconds (Discord's 5,000); only for a
    /// simulator started with a shorter --identify-window-ms.
    #[arg(long, default_value_t = 5_000, hide = true)]
    pub identify_interval_ms: u64,
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
    /// Identifies allowed at once, one per bucket `shard_id % N` (`GET /gateway/bot`'s
    /// `max_concurrency`; Discord's 1 for most bots, 16 and more for large ones).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrency: u32,
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

/// The options of `ticketeer.toml` and `TICKETEER_*` layered under what the command line gave
/// (`matches`): flags, then the environment, then the file, then the defaults.
pub fn layer(
    command: Command,
    matches: &ArgMatches,
    file: Option<&str>,
) -> Result<Command, ConfigError> {
    let explicit = matches
        .subcommand()
        .map(|(_, m)| config::explicit_args(m))
        .unwrap_or_default();
    Ok(match command {
        Command::Run(a) => Command::Run(config::layered(&a, &explicit, file)?),
        Command::Invite(a) => Command::Invite(config::layered(&a, &explicit, file)?),
        Command::Doctor(a) => Command::Doctor(config::layered(&a, &explicit, file)?),
        Command::Backup(a) => Command::Backup(config::layered(&a, &explicit, file)?),
        Command::Restore(a) => Command::Restore(config::layered(&a, &explicit, file)?),
        Command::Export(a) => Command::Export(config::layered(&a, &explicit, file)?),
        Command::Import(a) => Command::Import(config::layered(&a, &explicit, file)?),
        Command::ImportAmina(a) => Command::ImportAmina(config::layered(&a, &explicit, file)?),
        Command::Keys(a) => Command::Keys(config::layered(&a, &explicit, file)?),
        Command::Prune(a) => Command::Prune(config::layered(&a, &explicit, file)?),
        Command::ForgetGuild(a) => Command::ForgetGuild(config::layered(&a, &explicit, file)?),
        other @ (Command::Demo(_) | Command::Sim(_) | Command::Reshard(_)) => other,
    })
}

/// The command to carry out. With none named: `run` when a token is configured (by
/// `DISCORD_TOKEN` or the file), else `demo`.
pub fn command(
    given: Option<Command>,
    matches: &ArgMatches,
    file: Option<&str>,
) -> Result<Command, ConfigError> {
    if let Some(command) = given {
        return layer(command, matches, file);
    }
    let args = RunArgs::from_env();
    let explicit: Vec<String> = args.token.iter().map(|_| "token".to_owned()).collect();
    let args: RunArgs = config::layered(&args, &explicit, file)?;
    Ok(if args.token.is_some() || args.token_file.is_some() {
        Command::Run(args)
    } else {
        Command::Demo(DemoArgs::default())
    })
}

/// The log format: the flag or `TICKETEER_LOG_FORMAT`, else the file's `log_format`.
pub fn log_format(cli: &Cli, file: Option<&str>) -> Result<LogFormat, ConfigError> {
    #[derive(Serialize, Deserialize)]
    struct Only {
        log_format: LogFormat,
    }
    let given = Only {
        log_format: cli.log_format.unwrap_or_default(),
    };
    let explicit: Vec<String> = cli
        .log_format
        .map(|_| "log_format".to_owned())
        .into_iter()
        .collect();
    Ok(config::layered(&given, &explicit, file)?.log_format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    #[test]
    fn shard_ranges_parse_and_refuse_nonsense() {
        assert_eq!(parse_shard_range("0..3"), Ok(vec![0, 1, 2]));
        assert_eq!(parse_shard_range("2..3"), Ok(vec![2]));
        assert!(parse_shard_range("3..3").is_err());
        assert!(parse_shard_range("a..b").is_err());
        assert!(parse_shard_range("5").is_err());
    }

    #[test]
    fn the_version_names_the_commit() {
        use clap::CommandFactory;
        let version = Cli::command().render_version();
        assert!(
            version.starts_with(&format!("ticketeer {} (commit ", env!("CARGO_PKG_VERSION"))),
            "{version}"
        );
        assert!(!env!("TICKETEER_COMMIT").is_empty());
    }

    #[test]
    fn the_example_configuration_is_valid_and_layers_onto_run() {
        let text = include_str!("../ticketeer.example.toml");
        let table: toml::Table = toml::from_str(text).expect("TOML");
        assert!(table.keys().all(|k| config::KEYS.contains(&k.as_str())));
        let matches = Cli::command().get_matches_from(["ticketeer", "run", "--shard-total", "2"]);
        let cli = Cli::from_arg_matches(&matches).expect("parsed");
        let format = log_format(&cli, Some(text));
        let Ok(Command::Run(args)) = command(cli.command, &matches, Some(text)) else {
            panic!("run with the example's options");
        };
        assert_eq!(args.token_file, Some(PathBuf::from("token")));
        assert_eq!(args.shard_total, 2, "the flag wins over the file");
        assert_eq!(args.durability, DurabilityArg::Immediate);
        assert_eq!(format.ok(), Some(LogFormat::Text));
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
