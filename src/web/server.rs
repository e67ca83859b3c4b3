//! The axum server: transcript pages and their kept files, stats pages, `/metrics`,
//! `/healthz` and `/readyz`, each answer carrying the security headers.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::warn;

use crate::domain::stats::Period;
use crate::store::Store;

use super::link::{self, Keyring, LinkError, Token};
use super::metrics::{self, Metrics, RequestLabels};
use super::page_cache::{PageCache, PageKey};
use super::pages;

/// Answers whether the gateway sessions are up; set once the actor tree runs.
pub type ReadyCheck = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// What every handler reads.
#[derive(Clone)]
pub struct WebState {
    pub store: Store,
    pub keys: Keyring,
    pub metrics: Arc<Metrics>,
    /// Empty until the bot's actors run; `/readyz` is 503 until then.
    pub ready: Arc<OnceLock<ReadyCheck>>,
    pub pages: PageCache,
}

/// Bytes of rendered transcript pages the server keeps (see [`PageCache`]).
pub const PAGE_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// The running server; stopped by [`WebServer::stop`] (or with the runtime).
pub struct WebServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl WebServer {
    /// Serves on an already bound listener (so the caller knows the port before the bot runs).
    pub fn start(listener: TcpListener, state: WebState) -> std::io::Result<WebServer> {
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(state);
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                warn!(%error, "the web server stopped");
            }
        });
        Ok(WebServer {
            addr,
            stop: Some(stop),
            task,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish, and returns when it has.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for WebServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route(
            "/t/{guild}/{number}/{audience}/{expires}/{sig}",
            get(transcript),
        )
        .route(
            "/t/{guild}/{number}/{audience}/{expires}/{sig}/files/{id}",
            get(file),
        )
        .route("/s/{guild}/{expires}/{sig}", get(stats))
        .fallback(|| async { not_found("There is no page at this address.") })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers_and_count,
        ))
        .with_state(state)
}

/// Sets the security headers on every answer and counts it by route and status.
async fn headers_and_count(
    State(state): State<WebState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = route_of(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let csp = HeaderValue::from_str(&pages::content_security_policy())
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("private, no-store"));
    state
        .metrics
        .http_requests
        .get_or_create(&RequestLabels {
            route,
            status: response.status().as_u16(),
        })
        .inc();
    state
        .metrics
        .http_seconds
        .observe(started.elapsed().as_secs_f64());
    response
}

/// A fixed label per route, never the path itself (links would make one series each).
fn route_of(path: &str) -> &'static str {
    match path.split('/').nth(1) {
        Some("t") if path.contains("/files/") => "file",
        Some("t") => "transcript",
        Some("s") => "stats",
        Some("metrics") => "metrics",
        Some("healthz") => "healthz",
        Some("readyz") => "readyz",
        _ => "other",
    }
}

fn html_page(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn not_found(explanation: &str) -> Response {
    html_page(
        StatusCode::NOT_FOUND,
        pages::error_page(404, "Not found", explanation),
    )
}

fn store_failed(error: impl std::fmt::Display) -> Response {
    warn!(%error, "the web server could not read the store");
    html_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::error_page(
            500,
            "Something went wrong",
            "The transcript could not be read. Try again later.",
        ),
    )
}

/// A refused link as the small page that says why: 403 for a link that was altered (or signed
/// with a key since rotated), 410 for one that expired, 404 for what is not a link at all.
fn refused(error: LinkError) -> Response {
    match error {
        LinkError::Tampered => html_page(
            StatusCode::FORBIDDEN,
            pages::error_page(
                403,
                "This link is not valid",
                "The link was changed, or it was made before the server's keys were rotated. Ask staff for a new link.",
            ),
        ),
        LinkError::Expired => html_page(
            StatusCode::GONE,
            pages::error_page(
                410,
                "This link has expired",
                "Transcript links stop working after a while. Ask staff for a new link.",
            ),
        ),
        LinkError::Malformed => not_found("This is not a transcript link."),
    }
}

type TokenPath = (String, String, String, String, String);

fn token(p: &TokenPath) -> Token<'_> {
    Token {
        guild: &p.0,
        number: &p.1,
        audience: &p.2,
        expires: &p.3,
        signature: &p.4,
    }
}

async fn transcript(State(state): State<WebState>, Path(p): Path<TokenPath>) -> Response {
    let claims = match state.keys.verify(token(&p), link::now_secs()) {
        Ok(claims) => claims,
        Err(error) => return refused(error),
    };
    let stored = state
        .store
        .transcript_page_bytes(claims.guild, claims.number)
        .await;
    match stored {
        Ok(Some(bytes)) => {
            let key = PageKey {
                guild: claims.guild,
                number: claims.number,
                audience: claims.audience,
                base: format!("/t/{}/{}/{}/{}/{}", p.0, p.1, p.2, p.3, p.4),
            };
            if let Some(html) = state.pages.get(&key, &bytes) {
                return html_page(StatusCode::OK, html);
            }
            let doc = match crate::store::codec::decode_page(&bytes) {
                Ok(doc) => doc,
                Err(error) => return store_failed(error),
            };
            let html = Bytes::from(pages::transcript_page(&doc, claims.audience, &key.base));
            (state.pages).put(key, Arc::from(bytes), html.clone());
            html_page(StatusCode::OK, html)
        }
        Ok(None) => not_found(
            "This ticket has no transcript page (it was closed before the web side was on, or its transcript was deleted).",
        ),
        Err(error) => store_failed(error),
    }
}

async fn file(
    State(state): State<WebState>,
    Path((g, n, a, e, sig, id)): Path<(String, String, String, String, String, String)>,
) -> Response {
    let p = (g, n, a, e, sig);
    let claims = match state.keys.verify(token(&p), link::now_secs()) {
        Ok(claims) => claims,
        Err(error) => return refused(error),
    };
    let Ok(id) = id.parse::<u64>() else {
        return not_found("No such file.");
    };
    match state.store.file(claims.guild, claims.number, id).await {
        Ok(Some(kept)) => serve_file(kept),
        Ok(None) => not_found("No such file in this transcript."),
        Err(error) => store_failed(error),
    }
}

/// A kept file: images a browser shows inline, anything else only as a download, so nothing
/// a person uploaded is ever rendered as a page of this origin.
fn serve_file(kept: crate::store::StoredFile) -> Response {
    let inline = pages::image_type(&kept.filename, Some(&kept.content_type));
    let disposition = match inline {
        Some(_) => "inline".to_owned(),
        None => format!("attachment; filename=\"{}\"", safe_filename(&kept.filename)),
    };
    let mut response = Response::new(Body::from(kept.bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(inline.unwrap_or("application/octet-stream")),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    response
}

/// A file name safe inside a quoted header value: printable ASCII without quotes or slashes.
pub fn safe_filename(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '"' | '\\' | '/' | ';') => c,
            _ => '_',
        })
        .take(100)
        .collect();
    if cleaned.trim_matches(['_', '.', ' ']).is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

async fn stats(
    State(state): State<WebState>,
    Path((g, e, sig)): Path<(String, String, String)>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    // Not signed: it only narrows what the signed link shows.
    let period = query
        .get("period")
        .and_then(|p| Period::parse(p))
        .unwrap_or_default();
    let guild = match state.keys.verify_stats(&g, &e, &sig, link::now_secs()) {
        Ok(guild) => guild,
        Err(error) => return refused(error),
    };
    let now = link::now_secs() * 1000;
    let recent_from = crate::domain::stats::recent_from(now);
    let (tallies, snapshot) = match tokio::try_join!(
        state
            .store
            .guild_tallies(guild, period.since_hour(now), recent_from),
        state.store.load_guild(guild)
    ) {
        Ok(found) => found,
        Err(error) => return store_failed(error),
    };
    let stats = pages::Stats::of(&tallies, &snapshot.settings, recent_from);
    html_page(StatusCode::OK, pages::stats_page(guild, &stats, period))
}

async fn readyz(State(state): State<WebState>) -> Response {
    let gateway = match state.ready.get() {
        Some(check) => check().await,
        None => false,
    };
    let store = state.store.is_open();
    let body = format!(
        "gateway {}\nstore {}\n",
        if gateway {
            "connected"
        } else {
            "not connected"
        },
        if store { "open" } else { "closed" }
    );
    let status = if gateway && store {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body).into_response()
}

async fn metrics_text(State(state): State<WebState>) -> Response {
    match state.metrics.render() {
        Ok(text) => ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_labelled_without_their_links() {
        assert_eq!(route_of("/t/1/2/o/3/sig"), "transcript");
        assert_eq!(route_of("/t/1/2/o/3/sig/files/4"), "file");
        assert_eq!(route_of("/s/1/3/sig"), "stats");
        assert_eq!(route_of("/../etc/passwd"), "other");
    }

    #[test]
    fn download_names_cannot_break_out_of_the_header() {
        assert_eq!(safe_filename("a\"b\r\nc/d.txt"), "a_b__c_d.txt");
        assert_eq!(safe_filename("..."), "file");
        assert_eq!(safe_filename("résumé.pdf"), "r_sum_.pdf");
    }
}
