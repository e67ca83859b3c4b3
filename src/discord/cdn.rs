//! Downloads of attachment bytes from Discord's CDN (or the simulator's), for the copies a
//! close keeps. Plain HTTPS GETs of the URLs Discord handed out: no token is sent, and
//! twilight-http is not involved.

use std::sync::OnceLock;
use std::time::Duration;

use crate::domain::transcript::TranscriptDoc;
use crate::store::StoredFile;
use crate::web::{KeepBounds, Metrics, keep};

/// One file may take this long; a close waits for its copies, so a stuck CDN must not hold it.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not an http(s) URL")]
    NotHttp,
    #[error("larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the CDN answered {0}")]
    Status(u16),
    #[error("download failed: {0}")]
    Http(#[from] reqwest::Error),
}

fn client() -> Result<&'static reqwest::Client, FetchError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    super::install_crypto_provider();
    let built = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .user_agent(concat!("ticketeer/", env!("CARGO_PKG_VERSION")))
        .build()?;
    Ok(CLIENT.get_or_init(|| built))
}

/// The bytes at `url` and the content type the server gave, refusing (without reading on)
/// anything past `limit` bytes: a size Discord reported is not trusted to be the size served.
pub async fn fetch(url: &str, limit: u64) -> Result<(Option<String>, Vec<u8>), FetchError> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(FetchError::NotHttp);
    }
    let mut response = client()?.get(url).send().await?;
    if !response.status().is_success() {
        return Err(FetchError::Status(response.status().as_u16()));
    }
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(FetchError::TooLarge { limit });
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if bytes.len() as u64 + chunk.len() as u64 > limit {
            return Err(FetchError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((content_type, bytes))
}

/// Copies the attachments [`keep::choose`] picks within `bounds`, marking each copied one kept
/// in `doc`; one that cannot be fetched is left out (its page says so) with a warning.
/// Returns `(attachment id, file)` for the store.
pub async fn keep_attachments(
    doc: &mut TranscriptDoc,
    bounds: KeepBounds,
    metrics: &Metrics,
) -> Vec<(u64, StoredFile)> {
    let chosen = keep::choose(&doc.messages, bounds);
    let total: usize = doc.messages.iter().map(|m| m.attachments.len()).sum();
    metrics
        .files_skipped
        .inc_by(total.saturating_sub(chosen.len()) as u64);
    let mut kept = Vec::with_capacity(chosen.len());
    for (mi, ai) in chosen {
        let a = &mut doc.messages[mi].attachments[ai];
        match fetch(&a.url, bounds.per_file).await {
            Ok((content_type, bytes)) => {
                a.kept = true;
                metrics.files_kept.inc();
                let content_type = content_type
                    .or_else(|| a.content_type.clone())
                    .unwrap_or_else(|| "application/octet-stream".to_owned());
                kept.push((
                    a.id,
                    StoredFile {
                        filename: a.filename.clone(),
                        content_type,
                        bytes,
                    },
                ));
            }
            Err(error) => {
                metrics.files_skipped.inc();
                tracing::warn!(%error, attachment = a.id, "could not keep an attachment");
            }
        }
    }
    kept
}
