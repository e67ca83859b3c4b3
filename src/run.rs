//! `ticketeer run` and `ticketeer sim`: wiring the command line to the bot and the simulator.

use std::{path::Path, time::Duration};

use tracing::info;

use crate::{
    actors::{Bot, BotConfig},
    cli::{Command, RunArgs, SimArgs, parse_shard_range},
    sim,
};

pub type AppError = Box<dyn std::error::Error + Send + Sync>;

pub use crate::ops::token::read_token_file;

/// `http://host:port` → `ws://host:port` (the simulator serves both on one port).
pub fn gateway_url_for(api: &str) -> String {
    let api = api.trim_end_matches('/');
    if let Some(rest) = api.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = api.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        format!("ws://{api}")
    }
}

pub fn bot_config(args: &RunArgs) -> Result<BotConfig, AppError> {
    let token = match (&args.token_file, &args.token) {
        (Some(path), _) => read_token_file(path)?,
        (None, Some(token)) if !token.trim().is_empty() => token.trim().to_owned(),
        _ => return Err("no bot token: set DISCORD_TOKEN or pass --token-file FILE".into()),
    };
    if args.no_ratelimiter && args.discord_api.is_none() {
        return Err("--no-ratelimiter is only allowed with --discord-api".into());
    }
    let shards = parse_shard_range(&args.shards)?;
    Ok(BotConfig {
        upload_budget: crate::domain::transcript::UPLOAD_BUDGET,
        token,
        api_base: args.discord_api.clone(),
        gateway_url: args.discord_api.as_deref().map(gateway_url_for),
        data_dir: args.data_dir.clone(),
        shards,
        shard_total: args.shard_total,
        ratelimiter: !args.no_ratelimiter,
        durability: args.durability.into(),
        identify_interval: identify_interval(args)?,
        rest_budget: args.rest_budget,
        transcript_upload: args.transcript_upload.clone(),
        request_timeout: crate::discord::DEFAULT_REQUEST_TIMEOUT,
        provision_window: crate::actors::line::DEFAULT_WINDOW,
        web: args.web_config(),
        retain_transcripts: args.retain_transcripts,
        clock: std::sync::Arc::new(crate::actors::clock::SystemClock),
    })
}

/// Discord's identify spacing, or a shorter one against a simulator that allows it.
fn identify_interval(args: &RunArgs) -> Result<Duration, AppError> {
    let asked = Duration::from_millis(args.identify_interval_ms);
    if asked < crate::actors::shard::IDENTIFY_INTERVAL && args.discord_api.is_none() {
        return Err("--identify-interval-ms below 5000 is only allowed with --discord-api".into());
    }
    Ok(asked)
}

/// `ticketeer keys rotate`: a new link-signing key in the store, so every older link fails.
pub async fn keys(args: crate::cli::KeysArgs) -> Result<(), AppError> {
    let crate::cli::KeysAction::Rotate = args.action;
    let store = open_store(&args.data_dir).await?;
    let key = crate::web::LinkKey::generate();
    let rotated = store.rotate_link_key(key.as_bytes().to_vec()).await;
    store.close().await;
    rotated?;
    println!("link key rotated: every transcript and stats link handed out before now answers 403");
    Ok(())
}

async fn open_store(data_dir: &Path) -> Result<crate::store::Store, AppError> {
    let config = crate::store::StoreConfig {
        path: data_dir.join("ticketeer.redb"),
        durability: crate::store::Durability::Immediate,
    };
    Ok(tokio::task::spawn_blocking(move || crate::store::Store::open(config)).await??)
}

/// `ticketeer prune`: what `--retain-transcripts` does, once, or only listed with `--dry-run`.
pub async fn prune(args: crate::cli::PruneArgs) -> Result<(), AppError> {
    let store = open_store(&args.data_dir).await?;
    let now = crate::actors::ticket::now_millis();
    let result = crate::retention::prune(&store, now, args.older_than_days, args.dry_run).await;
    store.close().await;
    let due = result?;
    for (guild, number) in &due {
        println!("server {guild} ticket #{number}");
    }
    let verb = if args.dry_run { "would go" } else { "deleted" };
    println!(
        "{} transcripts closed {} or more days ago {verb}",
        due.len(),
        args.older_than_days
    );
    Ok(())
}

/// `ticketeer forget-guild`: everything stored of one server, deleted.
pub async fn forget_guild(args: crate::cli::ForgetGuildArgs) -> Result<(), AppError> {
    let store = open_store(&args.data_dir).await?;
    let result = crate::retention::forget_guild(&store, args.guild).await;
    store.close().await;
    result?;
    println!(
        "deleted everything stored of server {}: settings, tickets, transcripts, kept files",
        args.guild
    );
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub async fn run(args: RunArgs) -> Result<(), AppError> {
    let config = bot_config(&args)?;
    let bot = Bot::start(config).await?;
    // `ticketeer backup | export | doctor` reach the store through it while the bot runs.
    let _socket = crate::ops::control::serve(bot.store().clone(), &args.data_dir)
        .inspect_err(
            |e| tracing::warn!(error = %e, "no backup socket: backups need the bot stopped"),
        )
        .ok();
    info!("ticketeer is running; ctrl-c or SIGTERM stops it gracefully");
    let fatal = tokio::select! {
        _ = shutdown_signal() => None,
        fatal = bot.gateway_fatal() => Some(fatal),
        () = async {
            if !bot.wait_ready(0, Duration::from_secs(60)).await {
                tracing::warn!("no READY from the gateway within 60 s; still trying");
            }
            std::future::pending().await
        } => None,
    };
    info!("stopping");
    let store = bot.store().clone();
    bot.shutdown().await;
    // The benchmark's --split mode reads this line: the counters live only in this process.
    let stats = store.stats();
    info!(
        commits = stats.commits,
        durable_commits = stats.durable_commits,
        ops = stats.ops,
        "store stats at exit"
    );
    match fatal {
        Some(fatal) => Err(fatal.to_string().into()),
        None => Ok(()),
    }
}

/// The self-hoster's commands (`crate::ops`): prints the answer on stdout; `Ok(false)` when the
/// answer reports a failure (the doctor's problems, an `import-amina --apply` that left a guild
/// out), so the exit code says it too.
pub async fn ops(command: Command) -> Result<bool, AppError> {
    use crate::ops::{data, doctor, invite};
    let (said, healthy) = match command {
        Command::Invite(args) => (invite::run(&args).await?, true),
        Command::Doctor(args) => doctor::run(&args).await?,
        Command::Backup(args) => (data::backup(&args).await?, true),
        Command::Restore(args) => (data::restore(&args).await?, true),
        Command::Export(args) => (data::export(&args).await?, true),
        Command::Import(args) => (data::import(&args).await?, true),
        Command::ImportAmina(args) => crate::ops::amina::run(&args).await?,
        Command::Reshard(args) => (crate::ops::reshard::run(&args).await?, true),
        Command::Run(_)
        | Command::Demo(_)
        | Command::Sim(_)
        | Command::Keys(_)
        | Command::Prune(_)
        | Command::ForgetGuild(_) => {
            return Err("not one of the self-hoster's commands".into());
        }
    };
    println!("{}", said.trim_end());
    Ok(healthy)
}

pub async fn sim(args: SimArgs) -> Result<(), AppError> {
    let config = sim::SimConfig {
        listen: args.listen,
        rate_limits: args.rate_limits,
        record: args.record,
        token: args.token,
        message_content: args.message_content.on(),
        server_members: args.server_members.on(),
        presence: args.presence.on(),
        identify_window: Duration::from_millis(args.identify_window_ms),
        max_concurrency: args.max_concurrency,
        app_name: args.app_name,
        ..sim::SimConfig::default()
    };
    sim::run_standalone(config, args.seed_guild).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_url_follows_the_api_scheme() {
        assert_eq!(
            gateway_url_for("http://127.0.0.1:9000/"),
            "ws://127.0.0.1:9000"
        );
        assert_eq!(
            gateway_url_for("https://example.test"),
            "wss://example.test"
        );
    }

    #[cfg(unix)]
    #[test]
    fn token_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("ticketeer-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "secret-token\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = read_token_file(&path).unwrap_err().to_string();
        assert!(error.contains("chmod 600"), "{error}");
        assert!(
            !error.contains("secret-token"),
            "the token leaked into the error"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_token_file(&path).unwrap(), "secret-token");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
