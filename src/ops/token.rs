//! The bot token: from the command line, `DISCORD_TOKEN`, `ticketeer.toml` or a file no one
//! else can read. Never logged, never in an error message.

use std::path::{Path, PathBuf};

pub type TokenError = Box<dyn std::error::Error + Send + Sync>;

/// Reads the token file, refusing one that other users can read: a leaked token is a hijacked bot.
pub fn read_token_file(path: &Path) -> Result<String, TokenError> {
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

/// The token from `--token-file` if given, else from `--token`/`DISCORD_TOKEN`/the file's `token`.
pub fn resolve(token: Option<&str>, token_file: Option<&PathBuf>) -> Result<String, TokenError> {
    match (token_file, token) {
        (Some(path), _) => read_token_file(path),
        (None, Some(token)) if !token.trim().is_empty() => Ok(token.trim().to_owned()),
        _ => Err("no bot token: set DISCORD_TOKEN or pass --token-file FILE".into()),
    }
}
