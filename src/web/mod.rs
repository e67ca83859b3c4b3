//! The web side: one HTTP server in the bot (`ticketeer run --http ADDR --public-url URL`).
//!
//! # Layout
//! - [`link`]: signed, expiring links (HMAC-SHA-256 over guild, ticket, audience, expiry).
//! - [`pages`]: the transcript page, the stats page and the error pages (maud templates).
//! - [`keep`]: which attachments a close copies into the store.
//! - [`metrics`]: the counters behind `/metrics`.
//! - [`page_cache`]: rendered transcript pages, kept while their stored document is unchanged.
//! - [`server`]: the axum routes, the security headers, `/healthz` and `/readyz`.
//!
//! Architecture Invariant: every page is built by the template engine, which escapes what it is
//! given; the only unescaped markup is the markdown renderer's, whose output is proven free of
//! a person's tags. No page loads anything from another origin.

pub mod keep;
pub mod link;
pub mod metrics;
pub mod page_cache;
pub mod pages;
pub mod server;

use std::net::SocketAddr;
use std::time::Duration;

pub use keep::KeepBounds;
pub use link::{Audience, Keyring, LinkKey};
pub use metrics::Metrics;
pub use server::{ReadyCheck, WebServer};

use crate::domain::model::Snowflake;

/// How long a link handed out at close (and by `/tickets transcript`) stays valid.
pub const DEFAULT_LINK_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// `--http` and what goes with it.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub listen: SocketAddr,
    /// How people reach the server (`https://tickets.example.org`); the listen address when
    /// absent, which suits a test or a demo on this machine only.
    pub public_url: Option<String>,
    pub link_ttl: Duration,
    pub keep: KeepBounds,
}

impl WebConfig {
    pub fn new(listen: SocketAddr) -> WebConfig {
        WebConfig {
            listen,
            public_url: None,
            link_ttl: DEFAULT_LINK_TTL,
            keep: KeepBounds::default(),
        }
    }
}

/// Makes the links the bot hands out.
#[derive(Debug, Clone)]
pub struct Links {
    key: LinkKey,
    public_url: String,
    ttl: Duration,
}

impl Links {
    pub fn new(key: LinkKey, public_url: &str, ttl: Duration) -> Links {
        Links {
            key,
            public_url: public_url.trim_end_matches('/').to_owned(),
            ttl,
        }
    }

    fn expiry(&self) -> i64 {
        link::now_secs().saturating_add(self.ttl.as_secs().min(i64::MAX as u64) as i64)
    }

    /// A fresh link to a closed ticket's transcript page.
    pub fn transcript(&self, guild: Snowflake, number: u64, audience: Audience) -> String {
        let claims = link::Claims {
            guild,
            number,
            audience,
            expires: self.expiry(),
        };
        format!("{}{}", self.public_url, link::sign(&self.key, &claims))
    }

    /// A fresh link to a guild's stats page.
    pub fn stats(&self, guild: Snowflake) -> String {
        format!(
            "{}{}",
            self.public_url,
            link::sign_stats(&self.key, guild, self.expiry())
        )
    }
}

/// Why `--public-url` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--public-url must be an http:// or https:// URL with a host and no query, got {0:?}")]
pub struct PublicUrlError(pub String);

/// Checks `--public-url`: links are this plus a path, so it must be a plain base URL.
pub fn check_public_url(raw: &str) -> Result<String, PublicUrlError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !rest.contains(['?', '#', ' ', '@']) =>
        {
            Ok(trimmed.to_owned())
        }
        _ => Err(PublicUrlError(raw.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_plain_bases() {
        assert_eq!(
            check_public_url("https://t.example.org/"),
            Ok("https://t.example.org".into())
        );
        assert_eq!(
            check_public_url("http://127.0.0.1:8081/tickets"),
            Ok("http://127.0.0.1:8081/tickets".into())
        );
        for bad in [
            "t.example.org",
            "ftp://x",
            "https://",
            "https://x?a=1",
            "https://u@x",
        ] {
            assert!(check_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_carry_the_public_url_and_verify() {
        let key = LinkKey::generate();
        let links = Links::new(
            key.clone(),
            "https://t.example.org/",
            Duration::from_secs(60),
        );
        let url = links.transcript(5, 9, Audience::Staff);
        let path = url
            .strip_prefix("https://t.example.org/t/")
            .unwrap_or_default();
        let parts: Vec<&str> = path.split('/').collect();
        assert_eq!(parts.len(), 5, "{url}");
        let token = link::Token {
            guild: parts[0],
            number: parts[1],
            audience: parts[2],
            expires: parts[3],
            signature: parts[4],
        };
        let claims = link::verify(&key, token, link::now_secs());
        assert_eq!(claims.map(|c| (c.guild, c.number)), Ok((5, 9)));
    }
}
