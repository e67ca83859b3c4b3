//! `ticketeer run` and `ticketeer sim`: wiring the command line to the bot and the simulator.

use std::{path::Path, time::Duration};

use tracing::info;

use crate::{
    actors::{Bot, BotConfig},
    cli::{RunArgs, SimArgs, parse_shard_range},
    sim,
};

pub type AppError = Box<dyn std::error::Error + Send + Sync>;

/// Reads the token file, refusing one that other users can read: a leaked token is a hijacked bot.
pub fn read_token_file(path: &Path) -> Result<String, AppError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("cannot read token file {}: {e}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "token file {} is readable by other users (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )
            .into());
        }
    }
    let token = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read token file {}: {e}", path.display()))?;
    let token = token.trim().to_owned();
    if token.is_empty() {
        return Err(format!("token file {} is empty", path.display()).into());
    }
    Ok(token)
}

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
        identify_interval: crate::actors::shard::IDENTIFY_INTERVAL,
        transcript_upload: args.transcript_upload.clone(),
        request_timeout: crate::discord::DEFAULT_REQUEST_TIMEOUT,
        provision_window: crate::actors::line::DEFAULT_WINDOW,
        clock: std::sync::Arc::new(crate::actors::clock::SystemClock),
    })
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
