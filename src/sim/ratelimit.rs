//! Discord-like rate limits: fixed-window per-route buckets keyed by the route's major
//! parameter, plus a global per-token limit that interaction and webhook routes skip.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One bucket's rule: `limit` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub limit: u32,
    pub window: Duration,
}

impl Rule {
    pub const fn per(limit: u32, window_ms: u64) -> Self {
        Self {
            limit,
            window: Duration::from_millis(window_ms),
        }
    }
}

/// Which family of routes a request belongs to (each has its own rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteGroup {
    MessageCreate,
    MessageEdit,
    ChannelCreate,
    ChannelModify,
    /// Channel edits that change the name or topic: a tighter bucket of their own.
    ChannelRename,
    Overwrite,
    DmCreate,
    Webhook,
    Commands,
    Other,
}

/// The configurable rules; values follow what Discord documents or commonly answers.
#[derive(Debug, Clone)]
pub struct RateLimitTable {
    /// Requests per second per bot token across routes (interactions and webhooks exempt).
    pub global_per_second: u32,
    pub message_create: Rule,
    pub message_edit: Rule,
    pub channel_create: Rule,
    pub channel_modify: Rule,
    /// Name or topic changes per channel; Discord's known 2 per 10 minutes.
    pub channel_rename: Rule,
    pub overwrite: Rule,
    pub dm_create: Rule,
    pub webhook: Rule,
    pub commands: Rule,
    pub other: Rule,
}

impl Default for RateLimitTable {
    fn default() -> Self {
        Self {
            global_per_second: 50,
            message_create: Rule::per(5, 5_000),
            message_edit: Rule::per(5, 5_000),
            channel_create: Rule::per(10, 10_000),
            channel_modify: Rule::per(10, 10_000),
            channel_rename: Rule::per(2, 600_000),
            overwrite: Rule::per(10, 10_000),
            dm_create: Rule::per(10, 10_000),
            webhook: Rule::per(30, 2_000),
            commands: Rule::per(5, 20_000),
            other: Rule::per(40, 1_000),
        }
    }
}

impl RouteGroup {
    /// Buckets Discord reports with `x-ratelimit-scope: shared`: the limit is on the resource
    /// (the channel), not on this bot alone, and its 429s do not count as invalid requests.
    pub fn shared(self) -> bool {
        self == Self::ChannelRename
    }
}

impl RateLimitTable {
    pub fn rule(&self, g: RouteGroup) -> Rule {
        match g {
            RouteGroup::MessageCreate => self.message_create,
            RouteGroup::MessageEdit => self.message_edit,
            RouteGroup::ChannelCreate => self.channel_create,
            RouteGroup::ChannelModify => self.channel_modify,
            RouteGroup::ChannelRename => self.channel_rename,
            RouteGroup::Overwrite => self.overwrite,
            RouteGroup::DmCreate => self.dm_create,
            RouteGroup::Webhook => self.webhook,
            RouteGroup::Commands => self.commands,
            RouteGroup::Other => self.other,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    used: u32,
    /// When the window resets, in seconds since the Unix epoch: fixed when the window opens,
    /// so every answer in it says the same `x-ratelimit-reset`, as Discord's do.
    reset_epoch: f64,
}

impl Window {
    fn open(now: Instant, length: Duration) -> Window {
        let since_now = Instant::now().saturating_duration_since(now);
        let epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .saturating_sub(since_now);
        Window {
            start: now,
            used: 0,
            reset_epoch: (epoch + length).as_secs_f64(),
        }
    }
}

/// The answer for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Allowed(BucketInfo),
    Limited { info: BucketInfo, global: bool },
}

/// What the `x-ratelimit-*` headers say.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketInfo {
    pub bucket: String,
    pub limit: u32,
    pub remaining: u32,
    pub reset_after: f64,
    /// The window's reset in seconds since the Unix epoch, when the window has one fixed.
    pub reset: Option<f64>,
}

impl BucketInfo {
    /// A refusal outside any bucket's window (an injected fault, the invalid-request ban):
    /// nothing left, `reset_after` seconds to wait.
    pub fn refusal(bucket: &str, limit: u32, reset_after: f64) -> BucketInfo {
        BucketInfo {
            bucket: bucket.to_owned(),
            limit,
            remaining: 0,
            reset_after,
            reset: None,
        }
    }
}

#[derive(Debug, Default)]
pub struct Limiter {
    buckets: HashMap<(RouteGroup, u64), Window>,
    global: HashMap<String, Window>,
    last_sweep: Option<Instant>,
}

fn bucket_hash(g: RouteGroup) -> &'static str {
    match g {
        RouteGroup::MessageCreate => "80c17d2f203122d936070c88c8d10f33",
        RouteGroup::MessageEdit => "a24b2f8f5b0bd4e37cc3b18fd7bb7d3b",
        RouteGroup::ChannelCreate => "4b3d5f0d3b5c1f2d2a1c7c5e7e0b6a11",
        RouteGroup::ChannelModify => "0e4c7b0fd6d0c7b1e9d8f1c5a5b3e2f1",
        RouteGroup::ChannelRename => "6c1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d",
        RouteGroup::Overwrite => "5d9c1e3f1a7b2c4d6e8f0a1b3c5d7e9f",
        RouteGroup::DmCreate => "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        RouteGroup::Webhook => "d7a2c1f0e9b8a7c6d5e4f3a2b1c0d9e8",
        RouteGroup::Commands => "1a2b3c4d5e6f708192a3b4c5d6e7f809",
        RouteGroup::Other => "ffeeddccbbaa99887766554433221100",
    }
}

impl Limiter {
    /// Counts one request against its bucket (and the token's global limit unless exempt).
    pub fn check(
        &mut self,
        table: &RateLimitTable,
        group: RouteGroup,
        major: u64,
        token: Option<&str>,
        now: Instant,
    ) -> Verdict {
        self.sweep(table, now);
        let rule = table.rule(group);
        let w = (self.buckets.entry((group, major))).or_insert(Window::open(now, rule.window));
        if now.duration_since(w.start) >= rule.window {
            *w = Window::open(now, rule.window);
        }
        let reset_after = rule
            .window
            .saturating_sub(now.duration_since(w.start))
            .as_secs_f64();
        let bucket = bucket_hash(group).to_string();
        if w.used >= rule.limit {
            return Verdict::Limited {
                info: BucketInfo {
                    bucket,
                    limit: rule.limit,
                    remaining: 0,
                    reset_after,
                    reset: Some(w.reset_epoch),
                },
                global: false,
            };
        }
        if let Some(token) = token.filter(|_| group != RouteGroup::Webhook) {
            let second = Duration::from_secs(1);
            let g = (self.global.entry(token.to_string())).or_insert(Window::open(now, second));
            if now.duration_since(g.start) >= second {
                *g = Window::open(now, second);
            }
            if g.used >= table.global_per_second {
                let reset = Duration::from_secs(1)
                    .saturating_sub(now.duration_since(g.start))
                    .as_secs_f64();
                return Verdict::Limited {
                    info: BucketInfo {
                        bucket,
                        limit: rule.limit,
                        remaining: rule.limit - w.used,
                        reset_after: reset,
                        reset: Some(g.reset_epoch),
                    },
                    global: true,
                };
            }
            g.used += 1;
        }
        w.used += 1;
        Verdict::Allowed(BucketInfo {
            bucket,
            limit: rule.limit,
            remaining: rule.limit - w.used,
            reset_after,
            reset: Some(w.reset_epoch),
        })
    }

    /// Forgets expired windows now and then so 10,000 ticket channels do not pile up buckets.
    fn sweep(&mut self, table: &RateLimitTable, now: Instant) {
        if self
            .last_sweep
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(30))
        {
            return;
        }
        self.last_sweep = Some(now);
        self.buckets.retain(|(g, _), w| {
            now.duration_since(w.start) < table.rule(*g).window.max(Duration::from_secs(60))
        });
        self.global
            .retain(|_, w| now.duration_since(w.start) < Duration::from_secs(60));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixth_message_in_window_is_limited_and_window_resets() {
        let table = RateLimitTable::default();
        let mut l = Limiter::default();
        let t0 = Instant::now();
        for i in 0..5 {
            match l.check(&table, RouteGroup::MessageCreate, 7, Some("t"), t0) {
                Verdict::Allowed(info) => assert_eq!(info.remaining, 4 - i),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(matches!(
            l.check(&table, RouteGroup::MessageCreate, 7, Some("t"), t0),
            Verdict::Limited { global: false, .. }
        ));
        // Another channel has its own bucket.
        assert!(matches!(
            l.check(&table, RouteGroup::MessageCreate, 8, Some("t"), t0),
            Verdict::Allowed(_)
        ));
        let later = t0 + Duration::from_secs(5);
        assert!(matches!(
            l.check(&table, RouteGroup::MessageCreate, 7, Some("t"), later),
            Verdict::Allowed(_)
        ));
    }

    #[test]
    fn renames_have_their_own_ten_minute_bucket_that_sweeps_keep() {
        let table = RateLimitTable::default();
        let mut l = Limiter::default();
        let t0 = Instant::now();
        for _ in 0..2 {
            assert!(matches!(
                l.check(&table, RouteGroup::ChannelRename, 7, Some("t"), t0),
                Verdict::Allowed(_)
            ));
        }
        let limited = |l: &mut Limiter, g, t| {
            matches!(
                l.check(&table, g, 7, Some("t"), t),
                Verdict::Limited { global: false, .. }
            )
        };
        assert!(limited(&mut l, RouteGroup::ChannelRename, t0));
        assert!(!limited(&mut l, RouteGroup::ChannelModify, t0));
        // A sweep after a minute must not forget the ten-minute window.
        let t1 = t0 + Duration::from_secs(90);
        assert!(limited(&mut l, RouteGroup::ChannelRename, t1));
        assert!(!limited(
            &mut l,
            RouteGroup::ChannelRename,
            t0 + Duration::from_secs(600)
        ));
        assert!(RouteGroup::ChannelRename.shared());
    }

    #[test]
    fn channel_edits_and_overwrites_have_a_bucket_per_channel_not_the_guilds_create_bucket() {
        let table = RateLimitTable {
            global_per_second: 1_000,
            ..Default::default()
        };
        let mut l = Limiter::default();
        let t0 = Instant::now();
        for group in [RouteGroup::ChannelModify, RouteGroup::Overwrite] {
            for channel in 100..120 {
                for _ in 0..10 {
                    assert!(matches!(
                        l.check(&table, group, channel, Some("t"), t0),
                        Verdict::Allowed(_)
                    ));
                }
                assert!(matches!(
                    l.check(&table, group, channel, Some("t"), t0),
                    Verdict::Limited { global: false, .. }
                ));
            }
        }
        // 400 edits in 40 channels left the guild's create bucket untouched.
        assert!(matches!(
            l.check(&table, RouteGroup::ChannelCreate, 1, Some("t"), t0),
            Verdict::Allowed(BucketInfo { remaining: 9, .. })
        ));
    }

    /// Discord names a window by its reset: every answer in it says the same time.
    #[test]
    fn every_answer_of_a_window_names_the_same_reset() {
        let table = RateLimitTable::default();
        let mut l = Limiter::default();
        let t0 = Instant::now();
        let reset = |v: Verdict| match v {
            Verdict::Allowed(info) | Verdict::Limited { info, .. } => info.reset,
        };
        let first = reset(l.check(&table, RouteGroup::DmCreate, 0, Some("t"), t0));
        let later = t0 + Duration::from_millis(2_500);
        let second = reset(l.check(&table, RouteGroup::DmCreate, 0, Some("t"), later));
        assert!(first.is_some());
        assert_eq!(first, second);
        let next = t0 + Duration::from_secs(11);
        let third = reset(l.check(&table, RouteGroup::DmCreate, 0, Some("t"), next));
        assert!(third > first, "a new window, a new reset");
    }

    #[test]
    fn global_limit_spans_routes_but_not_webhooks() {
        let table = RateLimitTable {
            global_per_second: 3,
            ..Default::default()
        };
        let mut l = Limiter::default();
        let t0 = Instant::now();
        for major in 0..3 {
            assert!(matches!(
                l.check(&table, RouteGroup::Other, major, Some("t"), t0),
                Verdict::Allowed(_)
            ));
        }
        assert!(matches!(
            l.check(&table, RouteGroup::Other, 9, Some("t"), t0),
            Verdict::Limited { global: true, .. }
        ));
        assert!(matches!(
            l.check(&table, RouteGroup::Webhook, 9, Some("t"), t0),
            Verdict::Allowed(_)
        ));
    }
}
