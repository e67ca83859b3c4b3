//! `ticketeer.toml`: the configuration file, layered under the environment and the command line.
//!
//! Precedence, highest first: a flag on the command line; `DISCORD_TOKEN` (for the token) or
//! `TICKETEER_<KEY>` in the environment; the file; the built-in default. The layering is
//! figment's; this module only says which layers exist, checks the file's keys, and keeps the
//! token out of every message.

use std::path::{Path, PathBuf};

use clap::{ArgMatches, parser::ValueSource};
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Serialize, de::DeserializeOwned};

/// The file read when no `--config` (or `TICKETEER_CONFIG`) is given and it exists.
pub const DEFAULT_FILE: &str = "ticketeer.toml";

/// Environment variables for options are `TICKETEER_` and the key in capitals.
pub const ENV_PREFIX: &str = "TICKETEER_";

/// Every key the file may hold (each is also a flag: `data_dir` is `--data-dir`).
pub const KEYS: [&str; 17] = [
    "token",
    "token_file",
    "discord_api",
    "data_dir",
    "shards",
    "shard_total",
    "no_ratelimiter",
    "durability",
    "transcript_upload",
    "log_format",
    "http",
    "public_url",
    "link_days",
    "keep_file_mib",
    "keep_ticket_mib",
    "retain_transcripts",
    "rest_budget",
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not valid TOML: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("{} has an unknown option `{key}`; known options: {}", path.display(), KEYS.join(", "))]
    Unknown { path: PathBuf, key: String },
    #[error(
        "{} holds the bot token but other users can read it (mode {mode:o}); run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    TokenReadable { path: PathBuf, mode: u32 },
    #[error("configuration option `{key}`: {message}")]
    Value { key: String, message: String },
}

/// The file to read: the one named by `--config`/`TICKETEER_CONFIG` (which must exist), else
/// `ticketeer.toml` in the working directory if there is one.
pub fn file_to_read(named: Option<&Path>) -> Option<PathBuf> {
    match named {
        Some(path) => Some(path.to_owned()),
        None => Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.is_file()),
    }
}

/// Reads and checks the file: TOML, only known keys, and a token only in a file no one else
/// can read. Errors never quote values (one of them may be the token).
pub fn read_file(path: &Path) -> Result<String, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| ConfigError::Syntax {
        path: path.to_owned(),
        // toml's message quotes the offending line, which may be the token's: keep the first
        // line (what is wrong and where) only.
        message: e.message().lines().next().unwrap_or("").to_owned(),
    })?;
    if let Some(key) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(ConfigError::Unknown {
            path: path.to_owned(),
            key: key.clone(),
        });
    }
    if table.contains_key("token") {
        check_private(path)?;
    }
    Ok(text)
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(ConfigError::TokenReadable {
            path: path.to_owned(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), ConfigError> {
    Ok(())
}

/// The ids of the arguments given on the command line or through their clap `env` (the
/// token's `DISCORD_TOKEN`), not left at a default.
pub fn explicit_args(matches: &ArgMatches) -> Vec<String> {
    matches
        .ids()
        .filter(|id| {
            matches!(
                matches.value_source(id.as_str()),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        })
        .map(|id| id.as_str().to_owned())
        .collect()
}

/// `parsed` (clap's view: defaults and what was given) with the file and `TICKETEER_*` layered
/// in at their precedence: defaults < file < environment < the arguments named in `explicit`.
pub fn layered<T: Serialize + DeserializeOwned>(
    parsed: &T,
    explicit: &[String],
    file_text: Option<&str>,
) -> Result<T, ConfigError> {
    // The token comes from `DISCORD_TOKEN` (a clap `env`, so among the explicit arguments),
    // never from `TICKETEER_TOKEN`: one documented place.
    let from_env: Vec<&str> = KEYS.iter().copied().filter(|k| *k != "token").collect();
    stack(
        parsed,
        explicit,
        file_text,
        Env::prefixed(ENV_PREFIX).only(&from_env),
    )
}

/// [`layered`] with `environment` as the environment's layer.
fn stack<T: Serialize + DeserializeOwned>(
    parsed: &T,
    explicit: &[String],
    file_text: Option<&str>,
    environment: impl figment::Provider,
) -> Result<T, ConfigError> {
    let given = serde_json::to_value(parsed).map_err(|e| ConfigError::Value {
        key: "(command line)".into(),
        message: e.to_string(),
    })?;
    let given: serde_json::Map<String, serde_json::Value> = given
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| explicit.iter().any(|e| e == *k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut figment = Figment::from(Serialized::defaults(parsed));
    if let Some(text) = file_text {
        figment = figment.merge(Toml::string(text));
    }
    figment = figment.merge(environment).merge(Serialized::globals(given));
    figment.extract().map_err(|e| {
        let key = e.path.join(".");
        // A type error quotes the value it found; for the token that is the secret itself.
        let message = if key == "token" {
            "must be a string".to_owned()
        } else {
            e.kind.to_string()
        };
        ConfigError::Value { key, message }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Opts {
        token: Option<String>,
        data_dir: PathBuf,
        shard_total: u32,
        shards: String,
    }

    fn defaults() -> Opts {
        Opts {
            token: None,
            data_dir: "data".into(),
            shard_total: 1,
            shards: "0..1".into(),
        }
    }

    /// No environment: what the tests layer is only what they say (other tests of the
    /// process may set `TICKETEER_*` meanwhile).
    fn no_env() -> Serialized<serde_json::Map<String, serde_json::Value>> {
        Serialized::globals(serde_json::Map::new())
    }

    #[test]
    fn flags_beat_the_file_which_beats_defaults() {
        let file = "data_dir = \"/srv/t\"\nshard_total = 4\n";
        let mut parsed = defaults();
        parsed.shard_total = 2;
        let out = stack(&parsed, &["shard_total".into()], Some(file), no_env()).unwrap();
        assert_eq!(out.data_dir, PathBuf::from("/srv/t"));
        assert_eq!(out.shard_total, 2, "the flag wins");
        assert_eq!(out.shards, "0..1", "untouched keys keep their default");
        let out = stack(&defaults(), &[], None, no_env()).unwrap();
        assert_eq!(out, defaults());
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own test helper returns its error by value
    fn the_environment_sits_between_the_file_and_the_flags() {
        // The one test of the real environment; `Jail` restores it afterwards.
        figment::Jail::expect_with(|jail| {
            jail.set_env("TICKETEER_SHARD_TOTAL", "8");
            jail.set_env(
                "TICKETEER_TOKEN",
                "ignored: the token comes from DISCORD_TOKEN",
            );
            let file = "shard_total = 4\n";
            let out = layered(&defaults(), &[], Some(file)).unwrap();
            assert_eq!(out.shard_total, 8);
            assert_eq!(out.token, None);
            let mut parsed = defaults();
            parsed.shard_total = 2;
            let out = layered(&parsed, &["shard_total".into()], Some(file)).unwrap();
            assert_eq!(out.shard_total, 2);
            Ok(())
        });
    }

    #[test]
    fn errors_name_the_key_and_never_the_token() {
        let error = stack(&defaults(), &[], Some("token = 123456789\n"), no_env())
            .unwrap_err()
            .to_string();
        assert!(error.contains("`token`"), "{error}");
        assert!(!error.contains("123456789"), "{error}");
        let error = stack(&defaults(), &[], Some("shard_total = \"many\"\n"), no_env())
            .unwrap_err()
            .to_string();
        assert!(error.contains("`shard_total`"), "{error}");
    }

    #[test]
    fn the_file_is_checked_for_unknown_keys_syntax_and_privacy() {
        let dir = std::env::temp_dir().join(format!("ticketeer-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ticketeer.toml");
        std::fs::write(&path, "data_dri = \"x\"\n").unwrap();
        let error = read_file(&path).unwrap_err().to_string();
        assert!(error.contains("unknown option `data_dri`"), "{error}");
        std::fs::write(&path, "token = \"secret-token\"\nshards = \n").unwrap();
        let error = read_file(&path).unwrap_err().to_string();
        assert!(error.contains("not valid TOML"), "{error}");
        assert!(!error.contains("secret-token"), "{error}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::write(&path, "token = \"secret-token\"\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let error = read_file(&path).unwrap_err().to_string();
            assert!(error.contains("chmod 600"), "{error}");
            assert!(!error.contains("secret-token"), "{error}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert!(read_file(&path).is_ok());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
