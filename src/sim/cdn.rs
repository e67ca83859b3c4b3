//! The simulator's CDN: attachment bytes at expiring, signed URLs, as Discord serves them.
//!
//! Discord's attachment URLs carry `ex` (expiry, hex Unix seconds), `is` (issued, hex) and `hm`
//! (a signature over them); past `ex`, or with `hm` not matching, the CDN answers 404 "This
//! content is no longer available." Files also go with a deleted message or channel. The
//! simulator does the same, with a lifetime the control API can shorten and a clock it can move
//! forward (`POST /_sim/cdn`), so a test can watch a link die without waiting a day.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::get, routing::post};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Shared;

/// Discord's attachment links last about a day.
pub const DEFAULT_TTL_SECS: u64 = 24 * 3600;

/// What the simulator's CDN needs to sign and check its URLs.
#[derive(Debug, Clone)]
pub struct Cdn {
    /// Never leaves the simulator: URLs cannot be forged from outside.
    pub secret: u64,
    pub ttl_secs: u64,
    /// Added to the wall clock when checking expiry (the control API moves time forward).
    pub clock_offset_secs: i64,
}

impl Cdn {
    pub fn new() -> Cdn {
        Cdn {
            secret: rand::random(),
            ttl_secs: DEFAULT_TTL_SECS,
            clock_offset_secs: 0,
        }
    }

    pub fn now(&self) -> i64 {
        wall_clock().saturating_add(self.clock_offset_secs)
    }

    fn mac(&self, id: u64, ex: i64, is: i64) -> String {
        let digest = Sha256::digest(format!("{}:{id}:{ex:x}:{is:x}", self.secret).as_bytes());
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    /// An attachment's URL as the CDN hands it out now.
    pub fn url(&self, base: &str, channel: u64, id: u64, filename: &str) -> String {
        let is = self.now();
        let ex = is.saturating_add(self.ttl_secs.min(i64::MAX as u64) as i64);
        format!(
            "{base}/attachments/{channel}/{id}/{}?ex={ex:x}&is={is:x}&hm={}&",
            encode_path(filename),
            self.mac(id, ex, is)
        )
    }

    /// Whether a request's `ex`/`is`/`hm` are genuine and not expired.
    pub fn check(&self, id: u64, ex: &str, is: &str, hm: &str) -> bool {
        let (Ok(ex), Ok(is)) = (i64::from_str_radix(ex, 16), i64::from_str_radix(is, 16)) else {
            return false;
        };
        // Not a secret worth timing: the simulator's CDN guards test data.
        self.mac(id, ex, is) == hm && self.now() < ex
    }
}

impl Default for Cdn {
    fn default() -> Self {
        Cdn::new()
    }
}

fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The content type Discord reports for an uploaded file of this name.
pub fn content_type_for(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

pub(super) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/attachments/{channel}/{id}/{filename}", get(get_file))
        .route("/_sim/cdn", post(post_cdn).get(get_cdn))
}

#[derive(Deserialize)]
struct Signed {
    ex: Option<String>,
    is: Option<String>,
    hm: Option<String>,
}

fn gone() -> Response {
    (
        StatusCode::NOT_FOUND,
        "This content is no longer available.",
    )
        .into_response()
}

async fn get_file(
    State(sh): State<Arc<Shared>>,
    Path((channel, id, filename)): Path<(String, String, String)>,
    Query(q): Query<Signed>,
) -> Response {
    let (Ok(channel), Ok(id)) = (channel.parse::<u64>(), id.parse::<u64>()) else {
        return gone();
    };
    let (Some(ex), Some(is), Some(hm)) = (q.ex, q.is, q.hm) else {
        return gone();
    };
    let w = sh.world();
    let Some(a) = w.attachments.get(&id) else {
        return gone();
    };
    if a.channel != channel || a.filename != filename || !w.cdn.check(id, &ex, &is, &hm) {
        return gone();
    }
    (
        [(header::CONTENT_TYPE, a.content_type.clone())],
        a.data.as_ref().clone(),
    )
        .into_response()
}

/// `{"ttl_secs": N, "advance_secs": N}`: the lifetime of URLs handed out from now on, and how
/// far to move the CDN's clock forward (every URL older than that then expires).
async fn post_cdn(State(sh): State<Arc<Shared>>, Json(body): Json<Value>) -> Response {
    let mut w = sh.world();
    if let Some(ttl) = body.get("ttl_secs").and_then(Value::as_u64) {
        w.cdn.ttl_secs = ttl;
    }
    if let Some(advance) = body.get("advance_secs").and_then(Value::as_i64) {
        if advance < 0 {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"message": "the CDN clock only moves forward"})),
            )
                .into_response();
        }
        w.cdn.clock_offset_secs = w.cdn.clock_offset_secs.saturating_add(advance);
    }
    Json(cdn_json(&w.cdn)).into_response()
}

async fn get_cdn(State(sh): State<Arc<Shared>>) -> Response {
    Json(cdn_json(&sh.world().cdn)).into_response()
}

fn cdn_json(cdn: &Cdn) -> Value {
    json!({"ttl_secs": cdn.ttl_secs, "clock_offset_secs": cdn.clock_offset_secs})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (String, String, String) {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let get = |k: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .unwrap_or_default()
                .to_owned()
        };
        (get("ex"), get("is"), get("hm"))
    }

    #[test]
    fn urls_verify_until_they_expire() {
        let mut cdn = Cdn::new();
        cdn.ttl_secs = 60;
        let url = cdn.url("http://sim", 5, 7, "a b.png");
        assert!(
            url.starts_with("http://sim/attachments/5/7/a%20b.png?ex="),
            "{url}"
        );
        let (ex, is, hm) = parts(&url);
        assert!(cdn.check(7, &ex, &is, &hm));
        // Another attachment's id, or a pushed-out expiry, does not verify.
        assert!(!cdn.check(8, &ex, &is, &hm));
        let later = format!("{:x}", i64::from_str_radix(&ex, 16).unwrap_or(0) + 1000);
        assert!(!cdn.check(7, &later, &is, &hm));
        cdn.clock_offset_secs = 61;
        assert!(!cdn.check(7, &ex, &is, &hm));
    }

    #[test]
    fn content_types_follow_the_name() {
        assert_eq!(content_type_for("x.PNG"), "image/png");
        assert_eq!(content_type_for("notes.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type_for("x.svg"), "application/octet-stream");
        assert_eq!(content_type_for("noext"), "application/octet-stream");
    }
}
