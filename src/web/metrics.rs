//! The bot's metrics, served at `/metrics` in Prometheus' text format by `prometheus-client`.
//!
//! Counters the actors bump live in [`Metrics`] (one per bot, in its `Services`); the store's
//! own counters are read at each scrape by [`StoreCollector`], so the write path carries no
//! extra work for them.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::store::Store;

/// A web request's labels: which page kind it was for, and how it was answered.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: &'static str,
    pub status: u16,
}

/// Everything counted, and the registry that renders it.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    pub tickets_opened: Counter,
    pub tickets_closed: Counter,
    pub tickets_failed: Counter,
    /// Attachments copied into the store at close, and those left out (over a size bound, or
    /// the download failed).
    pub files_kept: Counter,
    pub files_skipped: Counter,
    /// Interactions received from the gateway (duplicates of a replayed one not counted).
    pub interactions: Counter,
    /// Guild and ticket actors that failed and were restarted from the store.
    pub actor_restarts: Counter,
    /// From deciding to answer an interaction to Discord accepting the initial response.
    pub ack_seconds: Histogram,
    /// Initial responses that never landed (the person saw "This interaction failed").
    pub acks_failed: Counter,
    pub http_requests: Family<RequestLabels, Counter>,
    pub http_seconds: Histogram,
    /// Requests to Discord's REST API by route and answer (status 0: no answer), each attempt
    /// counted; 429s among them also in `rest_rate_limited`.
    pub rest_requests: Family<RequestLabels, Counter>,
    pub rest_rate_limited: Counter,
    /// Tickets numbered and waiting for a provisioning slot, over all guilds.
    pub waiting_line: Gauge,
}

impl Metrics {
    pub fn new(store: Option<Store>) -> Metrics {
        let mut registry = Registry::with_prefix("ticketeer");
        let tickets_opened = Counter::default();
        let tickets_closed = Counter::default();
        let tickets_failed = Counter::default();
        let files_kept = Counter::default();
        let files_skipped = Counter::default();
        let interactions = Counter::default();
        let actor_restarts = Counter::default();
        // 1 ms to about 8 s: Discord's deadline is 3 s.
        let ack_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 14));
        let acks_failed = Counter::default();
        let http_requests = Family::<RequestLabels, Counter>::default();
        // 0.5 ms to about 4 s.
        let http_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 14));
        let (rest_requests, rest_rate_limited, waiting_line) = register_discord(&mut registry);
        registry.register(
            "tickets_opened",
            "Tickets whose channel was created",
            tickets_opened.clone(),
        );
        registry.register(
            "tickets_closed",
            "Tickets closed (with a transcript)",
            tickets_closed.clone(),
        );
        registry.register(
            "tickets_failed",
            "Tickets that could not be provisioned",
            tickets_failed.clone(),
        );
        registry.register(
            "files_kept",
            "Attachments copied into the store at close",
            files_kept.clone(),
        );
        registry.register(
            "files_skipped",
            "Attachments not kept at close (over a size bound, or not fetched)",
            files_skipped.clone(),
        );
        registry.register(
            "interactions",
            "Interactions received (replayed duplicates not counted)",
            interactions.clone(),
        );
        registry.register(
            "actor_restarts",
            "Guild and ticket actors restarted after a failure",
            actor_restarts.clone(),
        );
        registry.register(
            "ack_seconds",
            "Time to acknowledge an interaction (Discord allows 3 s)",
            ack_seconds.clone(),
        );
        registry.register(
            "acks_failed",
            "Interactions whose acknowledgement failed",
            acks_failed.clone(),
        );
        registry.register(
            "http_requests",
            "Web requests by route and status",
            http_requests.clone(),
        );
        registry.register(
            "http_request_seconds",
            "Time to answer a web request",
            http_seconds.clone(),
        );
        if let Some(store) = store {
            registry.register_collector(Box::new(StoreCollector(store)));
        }
        Metrics {
            registry,
            tickets_opened,
            tickets_closed,
            tickets_failed,
            files_kept,
            files_skipped,
            interactions,
            actor_restarts,
            ack_seconds,
            acks_failed,
            http_requests,
            http_seconds,
            rest_requests,
            rest_rate_limited,
            waiting_line,
        }
    }

    /// One Discord REST request's answer (status 0: none came).
    pub fn rest(&self, route: &'static str, status: u16) {
        self.rest_requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
        if status == 429 {
            self.rest_rate_limited.inc();
        }
    }

    /// The Prometheus text exposition of everything registered.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// What the bot's side of Discord adds: REST requests, 429s, the waiting line.
fn register_discord(registry: &mut Registry) -> (Family<RequestLabels, Counter>, Counter, Gauge) {
    let rest_requests = Family::<RequestLabels, Counter>::default();
    let rest_rate_limited = Counter::default();
    let waiting_line = Gauge::default();
    registry.register(
        "waiting_line",
        "Tickets numbered and waiting for a provisioning slot",
        waiting_line.clone(),
    );
    registry.register(
        "discord_requests",
        "Discord REST requests by route and status (0: no answer)",
        rest_requests.clone(),
    );
    registry.register(
        "discord_rate_limited",
        "Discord REST requests answered 429",
        rest_rate_limited.clone(),
    );
    (rest_requests, rest_rate_limited, waiting_line)
}

/// The `Content-Type` of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// The store's commit counters, read at scrape time.
#[derive(Debug)]
struct StoreCollector(Store);

impl Collector for StoreCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let stats = self.0.stats();
        let rows = [
            (
                "store_commits",
                "Store write transactions committed",
                stats.commits,
            ),
            (
                "store_durable_commits",
                "Store commits that were fsync'd",
                stats.durable_commits,
            ),
            (
                "store_ops",
                "Writes those commits carried (ops / commits is the mean batch size)",
                stats.ops,
            ),
            ("store_reads", "Store read transactions", stats.reads),
        ];
        let seconds = ConstCounter::new(stats.commit_micros as f64 / 1e6);
        let metric = encoder.encode_descriptor(
            "store_commit_seconds",
            "Time spent in store commits (over store_commits: the mean commit latency)",
            None,
            seconds.metric_type(),
        )?;
        seconds.encode(metric)?;
        for (name, help, value) in rows {
            let counter = ConstCounter::new(value);
            let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
            counter.encode(metric)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_in_prometheus_text() {
        let metrics = Metrics::new(None);
        metrics.tickets_opened.inc();
        metrics.tickets_opened.inc();
        metrics
            .http_requests
            .get_or_create(&RequestLabels {
                route: "transcript",
                status: 403,
            })
            .inc();
        metrics.http_seconds.observe(0.002);
        let text = metrics.render().unwrap_or_default();
        assert!(
            text.contains("# TYPE ticketeer_tickets_opened_total counter"),
            "{text}"
        );
        assert!(text.contains("ticketeer_tickets_opened_total 2"), "{text}");
        assert!(
            text.contains("ticketeer_http_requests_total{route=\"transcript\",status=\"403\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("ticketeer_http_request_seconds_count 1"),
            "{text}"
        );
    }
}
