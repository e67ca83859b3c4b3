//! How `ticketeer backup | export | doctor` reach the data: straight from the redb file when no
//! bot holds it, else through the running bot's local socket (`DATA_DIR/ticketeer.sock`), whose
//! store answers from a read transaction while the bot goes on.
//!
//! The socket speaks one JSON line each way per connection. It is created mode 0600 in the data
//! directory, so only the user running the bot (who can read the database file anyway) may ask.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::export::{self, Export};
use crate::domain::model::{GuildSettings, Snowflake};
use crate::store::{
    Durability, Store, StoreConfig, StoreError,
    portable::{FileSummary, GuildData},
};

/// The database file inside a data directory (as `BotConfig::store_path`).
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("ticketeer.redb")
}

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("ticketeer.sock")
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the bot is running on {} but its socket {} does not answer ({source}); stop the bot or try again",
        data_dir.display(),
        socket.display()
    )]
    Socket {
        data_dir: PathBuf,
        socket: PathBuf,
        source: std::io::Error,
    },
    #[error("the running bot answered: {0}")]
    Refused(String),
    #[error("the running bot's answer is unreadable: {0}")]
    Answer(String),
    #[error("no data in {}: there is no {} (check --data-dir)", data_dir.display(), db.display())]
    NoData { data_dir: PathBuf, db: PathBuf },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Request {
    Backup { path: PathBuf },
    Guild { guild: export::Id },
    Guilds,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredGuild {
    guild: export::Id,
    settings: Option<export::Settings>,
}

/// A store reached directly or through a running bot.
pub enum Access {
    Direct(Store),
    Running(PathBuf),
}

impl Access {
    /// Opens the data directory's store, or finds the bot that holds it. Never creates a
    /// database: these commands read what exists.
    pub async fn open(data_dir: &Path) -> Result<Access, AccessError> {
        let db = db_path(data_dir);
        if !db.exists() {
            return Err(AccessError::NoData {
                data_dir: data_dir.to_owned(),
                db,
            });
        }
        let config = StoreConfig {
            path: db,
            durability: Durability::Immediate,
        };
        let opened = tokio::task::spawn_blocking(move || Store::open(config))
            .await
            .map_err(|e| StoreError::Task(std::sync::Arc::new(e)))?;
        match opened {
            Ok(store) => Ok(Access::Direct(store)),
            Err(StoreError::InUse { .. }) => Ok(Access::Running(data_dir.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn backup(&self, dest: PathBuf) -> Result<FileSummary, AccessError> {
        match self {
            Access::Direct(store) => Ok(store.backup_to(dest).await?),
            Access::Running(dir) => {
                let answer = ask(dir, &Request::Backup { path: dest }).await?;
                serde_json::from_value(answer).map_err(|e| AccessError::Answer(e.to_string()))
            }
        }
    }

    pub async fn guild_data(&self, guild: Snowflake) -> Result<GuildData, AccessError> {
        match self {
            Access::Direct(store) => Ok(store.guild_data(guild).await?),
            Access::Running(dir) => {
                let answer = ask(
                    dir,
                    &Request::Guild {
                        guild: export::Id(guild),
                    },
                )
                .await?;
                let doc: Export = serde_json::from_value(answer)
                    .map_err(|e| AccessError::Answer(e.to_string()))?;
                export::to_data(&doc).map_err(|e| AccessError::Answer(e.to_string()))
            }
        }
    }

    /// Every guild the store knows, with its settings when any were ever made.
    pub async fn guilds(&self) -> Result<Vec<(Snowflake, Option<GuildSettings>)>, AccessError> {
        match self {
            Access::Direct(store) => Ok(stored_guilds(store).await?),
            Access::Running(dir) => {
                let answer = ask(dir, &Request::Guilds).await?;
                let list: Vec<StoredGuild> = serde_json::from_value(answer)
                    .map_err(|e| AccessError::Answer(e.to_string()))?;
                Ok(list
                    .into_iter()
                    .map(|g| (g.guild.0, g.settings.as_ref().map(GuildSettings::from)))
                    .collect())
            }
        }
    }

    /// Closes a store opened directly (a no-op for a running bot's).
    pub async fn close(self) {
        if let Access::Direct(store) = self {
            store.close().await;
        }
    }
}

async fn stored_guilds(
    store: &Store,
) -> Result<Vec<(Snowflake, Option<GuildSettings>)>, StoreError> {
    Ok(store
        .load_all()
        .await?
        .into_iter()
        .map(|(g, snap)| {
            let set_up = snap.settings != GuildSettings::default();
            (g, Some(snap.settings).filter(|_| set_up))
        })
        .collect())
}

#[cfg(unix)]
async fn ask(data_dir: &Path, request: &Request) -> Result<Value, AccessError> {
    let socket = socket_path(data_dir);
    let failed = |source: std::io::Error| AccessError::Socket {
        data_dir: data_dir.to_owned(),
        socket: socket.clone(),
        source,
    };
    let stream = tokio::net::UnixStream::connect(&socket)
        .await
        .map_err(failed)?;
    let (read, mut write) = stream.into_split();
    let mut line =
        serde_json::to_string(request).map_err(|e| AccessError::Answer(e.to_string()))?;
    line.push('\n');
    write.write_all(line.as_bytes()).await.map_err(failed)?;
    let mut answer = String::new();
    BufReader::new(read)
        .read_line(&mut answer)
        .await
        .map_err(failed)?;
    let answer: Value =
        serde_json::from_str(&answer).map_err(|e| AccessError::Answer(e.to_string()))?;
    match answer.get("error").and_then(Value::as_str) {
        Some(error) => Err(AccessError::Refused(error.to_owned())),
        None => Ok(answer.get("ok").cloned().unwrap_or(Value::Null)),
    }
}

#[cfg(not(unix))]
async fn ask(data_dir: &Path, _: &Request) -> Result<Value, AccessError> {
    Err(AccessError::Socket {
        data_dir: data_dir.to_owned(),
        socket: socket_path(data_dir),
        source: std::io::Error::other("local sockets need a Unix system; stop the bot first"),
    })
}

/// The running bot's end of the socket; the socket file goes when this is dropped.
pub struct ControlServer {
    path: PathBuf,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Serves the socket for the bot whose store is `store`. Call it only while `store` holds the
/// database: a socket file left by a process that died is then stale and is replaced.
#[cfg(unix)]
pub fn serve(store: Store, data_dir: &Path) -> std::io::Result<ControlServer> {
    use std::os::unix::fs::PermissionsExt;
    let path = socket_path(data_dir);
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut line = String::new();
                if BufReader::new(read).read_line(&mut line).await.is_err() {
                    return;
                }
                let answer = match serde_json::from_str::<Request>(&line) {
                    Ok(request) => answer(&store, request).await,
                    Err(e) => serde_json::json!({"error": format!("unreadable request: {e}")}),
                };
                let mut out = answer.to_string();
                out.push('\n');
                let _ = write.write_all(out.as_bytes()).await;
            });
        }
    });
    tracing::info!(socket = %path.display(), "backup and export socket ready");
    Ok(ControlServer { path, task })
}

#[cfg(not(unix))]
pub fn serve(_: Store, _: &Path) -> std::io::Result<ControlServer> {
    Err(std::io::Error::other("local sockets need a Unix system"))
}

async fn answer(store: &Store, request: Request) -> Value {
    let result: Result<Value, String> = match request {
        Request::Backup { path } => {
            tracing::info!(path = %path.display(), "backup asked for over the socket");
            store
                .backup_to(path)
                .await
                .map_err(|e| e.to_string())
                .and_then(|s| serde_json::to_value(s).map_err(|e| e.to_string()))
        }
        Request::Guild { guild } => store
            .guild_data(guild.0)
            .await
            .map_err(|e| e.to_string())
            .and_then(|d| serde_json::to_value(export::from_data(&d)).map_err(|e| e.to_string())),
        Request::Guilds => stored_guilds(store)
            .await
            .map_err(|e| e.to_string())
            .and_then(|list| {
                let list: Vec<StoredGuild> = list
                    .iter()
                    .map(|(g, s)| StoredGuild {
                        guild: export::Id(*g),
                        settings: s.as_ref().map(export::Settings::from),
                    })
                    .collect();
                serde_json::to_value(list).map_err(|e| e.to_string())
            }),
    };
    match result {
        Ok(ok) => serde_json::json!({ "ok": ok }),
        Err(error) => serde_json::json!({ "error": error }),
    }
}
