//! `--transcript-upload URL`: after a close, the HTML transcript is POSTed to a paste service and
//! the link it answers goes into the log message and the opener's DM.
//!
//! The upload is a convenience on top of the attachment, never a replacement: the transcript is
//! attached either way, so any failure here only costs the link. Hence the narrow retry policy:
//! a 5xx or a transport error may be a passing hiccup (retried, with backoff); a 4xx means the
//! service refuses this request and asking again would only repeat the refusal.
//!
//! The service is called with the HTML as the raw request body (`text/html; charset=utf-8`), the
//! convention of `curl --data-binary` paste services; it answers either JSON `{"url": "..."}` or
//! the link as plain text.

use std::time::Duration;

use reqwest::{
    StatusCode, Url,
    header::{CONTENT_TYPE, HeaderValue},
};
use tracing::warn;

/// Per request, connect to last byte: a hung service must not hold the ticket actor long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Tries per upload, the first included.
pub const TRIES: u32 = 3;
/// Wait before the second try; doubled before each further one.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// A longer answer is not a link; reading stops there so a hostile service cannot fill memory.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// Longer links are refused: they end up in an embed description and a DM.
const MAX_LINK_CHARS: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("invalid transcript upload URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: &'static str },
    #[error("could not build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("transport error talking to the upload service: {0}")]
    Transport(#[source] reqwest::Error),
    #[error("the upload service answered HTTP {status}")]
    Status { status: u16 },
    #[error("the upload service's answer holds no usable link: {0}")]
    BadResponse(&'static str),
}

impl UploadError {
    /// Only what may pass by itself is worth another try.
    pub fn is_retryable(&self) -> bool {
        match self {
            UploadError::Transport(_) => true,
            UploadError::Status { status } => *status >= 500,
            _ => false,
        }
    }
}

/// The configured paste service. Cheap to clone (reqwest's client is shared).
#[derive(Debug, Clone)]
pub struct TranscriptUploader {
    client: reqwest::Client,
    url: Url,
    first_backoff: Duration,
}

impl TranscriptUploader {
    /// Checks the URL (http or https) and builds the client with [`REQUEST_TIMEOUT`].
    pub fn new(url: &str) -> Result<Self, UploadError> {
        let parsed = Url::parse(url.trim()).map_err(|_| UploadError::InvalidUrl {
            url: url.to_owned(),
            reason: "not a URL",
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(UploadError::InvalidUrl {
                url: url.to_owned(),
                reason: "only http:// and https:// URLs with a host are supported",
            });
        }
        crate::discord::install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("ticketeer/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(UploadError::Client)?;
        Ok(TranscriptUploader {
            client,
            url: parsed,
            first_backoff: FIRST_BACKOFF,
        })
    }

    /// Shorter waits between tries (tests).
    pub fn with_backoff(mut self, first: Duration) -> Self {
        self.first_backoff = first;
        self
    }

    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Uploads `html` and returns the link the service answered, after up to [`TRIES`] tries.
    pub async fn upload(&self, html: &str) -> Result<String, UploadError> {
        let mut backoff = self.first_backoff;
        let mut attempt = 1;
        loop {
            match self.try_once(html).await {
                Ok(link) => return Ok(link),
                Err(error) if error.is_retryable() && attempt < TRIES => {
                    warn!(%error, attempt, ?backoff, "transcript upload failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn try_once(&self, html: &str) -> Result<String, UploadError> {
        let mut response = self
            .client
            .post(self.url.clone())
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )
            .body(html.to_owned())
            .send()
            .await
            .map_err(UploadError::Transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(UploadError::Status {
                status: status.as_u16(),
            });
        }
        if status == StatusCode::NO_CONTENT {
            return Err(UploadError::BadResponse("empty answer"));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(UploadError::Transport)? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(UploadError::BadResponse("answer too long"));
            }
            body.extend_from_slice(&chunk);
        }
        let body =
            std::str::from_utf8(&body).map_err(|_| UploadError::BadResponse("answer not UTF-8"))?;
        parse_response(content_type.as_deref(), body)
    }
}

/// The link in a service's answer: JSON `{"url": "..."}` (by content type, or by its shape) or
/// the plain-text body itself.
pub fn parse_response(content_type: Option<&str>, body: &str) -> Result<String, UploadError> {
    let body = body.trim();
    let json_type = content_type.is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
    });
    if json_type || body.starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(body).map_err(|_| UploadError::BadResponse("malformed JSON"))?;
        let url = value
            .get("url")
            .and_then(serde_json::Value::as_str)
            .ok_or(UploadError::BadResponse("JSON without a \"url\" string"))?;
        return checked_link(url.trim());
    }
    checked_link(body)
}

/// The link goes into Discord messages verbatim: only a plain absolute http(s) URL passes, so a
/// service cannot smuggle markdown, mentions or a second line into them.
fn checked_link(link: &str) -> Result<String, UploadError> {
    if link.is_empty() {
        return Err(UploadError::BadResponse("empty answer"));
    }
    if link.chars().count() > MAX_LINK_CHARS {
        return Err(UploadError::BadResponse("link too long"));
    }
    if !link
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '`' | '|' | '\\' | '@'))
    {
        return Err(UploadError::BadResponse(
            "the link holds spaces or characters a URL does not need",
        ));
    }
    let parsed = Url::parse(link).map_err(|_| UploadError::BadResponse("not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(UploadError::BadResponse("not an http(s) link"));
    }
    Ok(link.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_answers_give_their_url() {
        assert_eq!(
            parse_response(
                Some("application/json"),
                r#"{"url": "https://paste.example/abc"}"#
            )
            .unwrap(),
            "https://paste.example/abc"
        );
        // By shape, whatever the content type says.
        assert_eq!(
            parse_response(
                Some("text/plain"),
                r#" {"url":"http://p.test/x?id=1","extra":2} "#
            )
            .unwrap(),
            "http://p.test/x?id=1"
        );
        assert_eq!(
            parse_response(
                Some("Application/JSON; charset=utf-8"),
                r#"{"url":"https://a.b/c"}"#
            )
            .unwrap(),
            "https://a.b/c"
        );
    }

    #[test]
    fn plain_text_answers_are_the_link() {
        assert_eq!(
            parse_response(Some("text/plain"), "https://paste.example/abc\n").unwrap(),
            "https://paste.example/abc"
        );
        assert_eq!(
            parse_response(None, "  http://127.0.0.1:8080/t/1  ").unwrap(),
            "http://127.0.0.1:8080/t/1"
        );
    }

    #[test]
    fn answers_without_a_usable_link_are_refused() {
        for (content_type, body) in [
            (Some("application/json"), r#"{"link": "https://a.b/c"}"#),
            (Some("application/json"), r#"{"url": 5}"#),
            (Some("application/json"), "not json"),
            (None, r#"{"url": "https://a.b/c""#),
            (None, ""),
            (None, "   "),
            (None, "ok"),
            (None, "https://a.b/c\nhttps://d.e/f"),
            (None, "https://a.b/c @everyone"),
            (None, "https://a.b/<@1>"),
            (None, "javascript:alert(1)"),
            (None, "ftp://a.b/c"),
            (None, "/relative/path"),
            (Some("application/json"), r#"{"url": "file:///etc/passwd"}"#),
        ] {
            assert!(
                matches!(
                    parse_response(content_type, body),
                    Err(UploadError::BadResponse(_))
                ),
                "{content_type:?} {body:?} should be refused"
            );
        }
        let long = format!("https://a.b/{}", "x".repeat(MAX_LINK_CHARS));
        assert!(parse_response(None, &long).is_err());
    }

    #[test]
    fn only_5xx_and_transport_errors_are_retried() {
        assert!(UploadError::Status { status: 500 }.is_retryable());
        assert!(UploadError::Status { status: 503 }.is_retryable());
        assert!(!UploadError::Status { status: 400 }.is_retryable());
        assert!(!UploadError::Status { status: 404 }.is_retryable());
        assert!(!UploadError::Status { status: 429 }.is_retryable());
        assert!(!UploadError::BadResponse("x").is_retryable());
    }

    /// A local service: `/json` and `/text` answer a link, `/fail` always 500, `/refuse` 400;
    /// every request is counted and must carry the HTML.
    async fn service() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use axum::{Router, http::StatusCode, routing::post};
        use std::sync::{
            Arc,
            atomic::{AtomicUsize, Ordering},
        };
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = |answer: fn(String) -> (StatusCode, String)| {
            let hits = hits.clone();
            post(move |body: String| {
                let hits = hits.clone();
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    answer(body)
                }
            })
        };
        let app = Router::new()
            .route(
                "/json",
                counted(|body| {
                    let status = if body.contains("<html") {
                        StatusCode::OK
                    } else {
                        StatusCode::BAD_REQUEST
                    };
                    (status, r#"{"url":"https://paste.test/t/1"}"#.into())
                }),
            )
            .route(
                "/text",
                counted(|_| (StatusCode::CREATED, "https://paste.test/t/2\n".into())),
            )
            .route(
                "/fail",
                counted(|_| (StatusCode::INTERNAL_SERVER_ERROR, "down".into())),
            )
            .route(
                "/refuse",
                counted(|_| (StatusCode::BAD_REQUEST, "no".into())),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{addr}"), hits)
    }

    /// One bounded upload to `url`, with short backoffs.
    async fn upload_to(url: &str) -> Result<String, UploadError> {
        let uploader = TranscriptUploader::new(url)
            .unwrap()
            .with_backoff(Duration::from_millis(5));
        tokio::time::timeout(
            Duration::from_secs(10),
            uploader.upload("<html><body>transcript</body></html>"),
        )
        .await
        .expect("the upload gives up in time")
    }

    #[tokio::test]
    async fn uploads_retry_5xx_but_never_4xx() {
        use std::sync::atomic::Ordering;
        let (base, hits) = service().await;

        assert_eq!(
            upload_to(&format!("{base}/json")).await.unwrap(),
            "https://paste.test/t/1"
        );
        assert_eq!(
            upload_to(&format!("{base}/text")).await.unwrap(),
            "https://paste.test/t/2"
        );
        assert_eq!(hits.swap(0, Ordering::SeqCst), 2);

        let error = upload_to(&format!("{base}/fail")).await;
        assert!(matches!(error, Err(UploadError::Status { status: 500 })));
        assert_eq!(
            hits.swap(0, Ordering::SeqCst),
            TRIES as usize,
            "5xx retried"
        );

        let error = upload_to(&format!("{base}/refuse")).await;
        assert!(matches!(error, Err(UploadError::Status { status: 400 })));
        assert_eq!(hits.swap(0, Ordering::SeqCst), 1, "4xx never retried");

        // Nobody listening: a transport error, retried, then given up.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = closed.local_addr().unwrap();
        drop(closed);
        let error = upload_to(&format!("http://{addr}/")).await;
        assert!(matches!(error, Err(UploadError::Transport(_))), "{error:?}");
    }

    #[test]
    fn upload_urls_are_checked() {
        assert!(TranscriptUploader::new("https://paste.example/upload").is_ok());
        assert!(TranscriptUploader::new("http://127.0.0.1:9/").is_ok());
        for bad in ["", "paste.example", "ftp://paste.example/", "file:///tmp/x"] {
            assert!(
                matches!(
                    TranscriptUploader::new(bad),
                    Err(UploadError::InvalidUrl { .. })
                ),
                "{bad:?} should be refused"
            );
        }
    }
}
