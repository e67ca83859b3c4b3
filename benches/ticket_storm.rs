//! `cargo bench --bench ticket_storm [-- flags]`: a whole server clicks "Open a ticket" at once.
//!
//! Rounds of two phases in one process (`--rounds N`, default 3, the null bot first in every
//! other round), each phase against a fresh simulator with the same guilds, members and clicks:
//! 1. **Ticketeer**: the real bot (actor tree, durable store, twilight clients).
//! 2. **Null bot**: a gateway shard and twilight-http (through `ticketeer::discord::Discord`, the
//!    same thin wrapper the bot uses) making the same REST calls per ticket, with no actors and no
//!    store. The gap between the two is Ticketeer's own overhead.
//!
//! Flags: `--guilds N` (20) `--clickers N` (per guild, 50) `--rate-limits off|discord` (off)
//! `--durability immediate|none` (immediate) `--topics` `--rate N` (steady clicks per second)
//! `--burst` (every click in one batch) `--split` (the bot as a child process) `--rounds N` (3)
//! `--tickets-per-member N` (1: each member clicks again once every answer and DM of the
//! previous wave is in, so later tickets show what a returning member costs) `--ready N` (0:
//! Ticketeer's ready channels on at size N in every guild, filled before the storm) `--threads`
//! (every ticket a private thread in the panel's channel, for both bots)
//! `--processes N --shard-total T` (1, N: one bot as N `ticketeer run` children, each with its
//! range of the T shards and its own data directory; implies `--split`) `--idle-guilds N` (0:
//! more guilds the bot is in, where nobody clicks) `--questions` (one required intake question:
//! every click gets the form, and the member submits it).
//! Writes `target/ticket_storm.json`; exits non-zero when an invariant breaks.
//! docs/benchmarks.md explains every figure.

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    path::PathBuf,
    process::ExitCode,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use futures_util::future::join_all;
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use mimalloc::MiMalloc;
use serde_json::{Value, json};
use ticketeer::{
    cli::DurabilityArg,
    discord::{Discord, OutgoingMessage, button_row, channel_link},
    domain::{
        access,
        custom_id::{self, Action},
        model::{Answer, Question, QuestionStyle, TicketState},
        naming, sharding,
    },
    driver::{self, channel_from_link, find_action, harness, message_text},
    sim::{
        self, RateLimitMode, SeededGuild, SimConfig, SimHandle, SimStats,
        client::{SimClient, counts_against_global_limit},
    },
    store::{Durability, Store, StoreConfig},
};
use tokio::sync::Semaphore;
use twilight_gateway::{ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt};
use twilight_model::{
    application::interaction::{
        InteractionData,
        modal::{ModalInteractionComponent, ModalInteractionData},
    },
    channel::ChannelType,
    channel::message::component::ButtonStyle,
};

/// Control requests (clicks and answer polls) in flight at once: the clickers' concurrency.
const IN_FLIGHT: usize = 256;
/// Channels Discord allows in one category.
const CATEGORY_CAPACITY: u64 = 50;
/// Topics added per guild with `--topics`.
const TOPICS: usize = 3;

/// How the clicks reach the simulator.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Delivery {
    /// As fast as `IN_FLIGHT` concurrent clickers go.
    Concurrent,
    /// A steady `N` clicks per second, round-robin over guilds, however many are in flight.
    Rate(f64),
    /// Every click in one `POST /_sim/interactions/batch`: dispatched back to back.
    Burst,
}

impl Delivery {
    fn name(self) -> String {
        match self {
            Delivery::Concurrent => format!("concurrent ({IN_FLIGHT} in flight)"),
            Delivery::Rate(r) => format!("steady {r} clicks/s"),
            Delivery::Burst => "burst (one batch)".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Params {
    guilds: usize,
    clickers: usize,
    rate_limits: RateLimitMode,
    durability: Durability,
    topics: bool,
    split: bool,
    delivery: Delivery,
    /// Ticketeer and null-bot phases run this many times, alternating which goes first, so a
    /// drift of the shared machine's speed between two phases does not become the ratio.
    rounds: usize,
    /// Waves of clicks per phase: every member opens this many tickets, one per wave.
    tickets_per_member: usize,
    /// Transcript page views per second during the bot's storm (its web side on).
    web_load: Option<f64>,
    /// Ready channels per guild, made before the storm (0: the setting off).
    ready: u32,
    /// `--split` children, each running its range of `shard_total` shards.
    processes: usize,
    shard_total: u32,
    /// Tickets as private threads in the panel's channel instead of channels.
    threads: bool,
    /// Guilds the bot is in where nobody clicks (and no panel is posted).
    idle_guilds: usize,
    /// One intake question: each click gets the form, and the member submits it.
    questions: bool,
}

/// The command line (`cargo bench --bench ticket_storm -- --help`).
#[derive(Debug, clap::Parser)]
#[command(
    name = "ticket_storm",
    about = "A whole server clicks \"Open a ticket\" at once (docs/benchmarks.md)"
)]
struct Flags {
    /// Passed by cargo to every `harness = false` target.
    #[arg(long, hide = true)]
    bench: bool,
    #[arg(long, default_value_t = 20)]
    guilds: usize,
    /// Members clicking per guild (above 50 the server limit is raised through the menu first).
    #[arg(long, default_value_t = 50)]
    clickers: usize,
    #[arg(long, value_enum, default_value_t = RateLimitMode::Off)]
    rate_limits: RateLimitMode,
    #[arg(long, value_enum, default_value_t = DurabilityArg::Immediate)]
    durability: DurabilityArg,
    /// 3 topics per guild: each member gets the topic picker and picks one.
    #[arg(long, conflicts_with_all = ["rate", "burst"])]
    topics: bool,
    /// The bot as a child process (`ticketeer run`).
    #[arg(long)]
    split: bool,
    /// Steady clicks per second, round-robin over guilds, no cap on clicks in flight.
    #[arg(long, conflicts_with = "burst")]
    rate: Option<f64>,
    /// Every click in one batch, dispatched back to back.
    #[arg(long)]
    burst: bool,
    /// Rounds of both bots, the null bot first in every other round.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Waves of clicks: every member opens this many tickets, one per wave.
    #[arg(long, default_value_t = 1)]
    tickets_per_member: usize,
    /// The bot's web side on, and this many views per second of a 100-message transcript
    /// page during its storm (the page load that must not slow tickets); the null bot gets the
    /// same views of the same bytes from a bare server.
    #[arg(long, conflicts_with = "split")]
    web_load: Option<f64>,
    /// Ticketeer's ready channels on at this size in every guild, filled before the storm
    /// (the null bot has none: it creates every channel).
    #[arg(long, default_value_t = 0, conflicts_with = "split")]
    ready: u32,
    /// One bot as this many `ticketeer run` children (implies --split), each with its own data
    /// directory and range of --shard-total shards.
    #[arg(long, default_value_t = 1, conflicts_with_all = ["ready", "web_load"])]
    processes: usize,
    /// The bot's shards, split over --processes (default: one per process).
    #[arg(long)]
    shard_total: Option<u32>,
    /// Every ticket a private thread in the panel's channel (the panel set so through the
    /// hub; the null bot creates the thread and adds the member).
    #[arg(long, conflicts_with_all = ["topics", "ready", "split"])]
    threads: bool,
    /// More guilds the bot is in, where nobody opens a ticket: a bot of many guilds whose
    /// tickets come from some of them (--guilds) at a time.
    #[arg(long, default_value_t = 0)]
    idle_guilds: usize,
    /// One required intake question in every guild: each click gets the form and the member
    /// submits an answer (the null bot shows the same form and posts the answer).
    #[arg(long, conflicts_with_all = ["topics", "threads", "ready"])]
    questions: bool,
}

impl Params {
    /// The flags as the run uses them, or why they make no run.
    fn from_flags(f: Flags) -> Result<Params, String> {
        let delivery = match (f.rate, f.burst) {
            (Some(rate), _) if !(rate.is_finite() && rate > 0.0) => {
                return Err("--rate must be above 0".into());
            }
            (Some(rate), _) => Delivery::Rate(rate),
            (None, true) => Delivery::Burst,
            (None, false) => Delivery::Concurrent,
        };
        let p = Params {
            guilds: f.guilds,
            clickers: f.clickers,
            rate_limits: f.rate_limits,
            durability: f.durability.into(),
            topics: f.topics,
            split: f.split || f.processes > 1 || f.shard_total.is_some(),
            delivery,
            rounds: f.rounds,
            tickets_per_member: f.tickets_per_member,
            web_load: f.web_load.filter(|r| r.is_finite() && *r > 0.0),
            ready: f.ready,
            processes: f.processes.max(1),
            shard_total: f.shard_total.unwrap_or(f.processes.max(1) as u32),
            threads: f.threads,
            idle_guilds: f.idle_guilds,
            questions: f.questions,
        };
        let shards_needed = (p.guilds + p.idle_guilds).div_ceil(GUILDS_PER_SHARD) as u32;
        if p.shard_total < shards_needed {
            return Err(format!(
                "Discord holds at most {GUILDS_PER_SHARD} guilds on a shard: --shard-total {shards_needed} at least"
            ));
        }
        if p.shard_total < p.processes as u32 {
            return Err("--shard-total must be at least --processes".into());
        }
        if p.guilds == 0 || p.clickers == 0 || p.rounds == 0 || p.tickets_per_member == 0 {
            return Err(
                "--guilds, --clickers, --rounds and --tickets-per-member must be at least 1".into(),
            );
        }
        if p.tickets_per_guild() > 500 {
            return Err(
                "--clickers × --tickets-per-member is at most 500 (the largest per-server limit)"
                    .into(),
            );
        }
        Ok(p)
    }

    fn rate_limited(&self) -> bool {
        self.rate_limits == RateLimitMode::Discord
    }

    fn tickets(&self) -> usize {
        self.guilds * self.tickets_per_guild()
    }

    fn tickets_per_guild(&self) -> usize {
        self.clickers * self.tickets_per_member
    }

    /// How long a phase may take before the benchmark gives up on the stragglers.
    fn phase_deadline(&self) -> Duration {
        if self.rate_limited() {
            // The slowest bucket a ticket needs (see `discord_bound`) at one call per ticket,
            // with 50% slack for 429 retries, plus start-up.
            let first = 4.0 * (self.guilds * self.clickers) as f64;
            let slowest = discord_bound(self, first, self.tickets() as f64 * 4.0).least_s();
            Duration::from_secs_f64(60.0 + 1.5 * slowest)
        } else {
            let schedule = match self.delivery {
                Delivery::Rate(r) => self.tickets() as f64 / r,
                _ => 0.0,
            };
            Duration::from_secs_f64(120.0 + schedule)
        }
    }
}

/// What Discord's limits (as the simulator enforces them, `RateLimitTable::default()`: fixed
/// windows, the first one available at once) allow for one wave of clicks, as the seconds each
/// constraint needs at the least.
#[derive(Debug, Clone, Copy)]
struct WaveBound {
    /// The global 50 req/s over every limited call of the wave.
    global_s: f64,
    /// Channel creation is bucketed per guild (the guilds run in parallel).
    channel_create_s: f64,
    /// `POST /users/@me/channels` has no major parameter: one bucket for the whole bot.
    dm_create_s: f64,
}

impl WaveBound {
    /// The longest constraint: the least time the wave takes, and its name.
    fn least_s(&self) -> (f64, &'static str) {
        [
            (self.global_s, "global 50 req/s"),
            (self.channel_create_s, "channel creation per guild"),
            (self.dm_create_s, "DM channel creation per bot"),
        ]
        .into_iter()
        .fold((0.0, "none"), |a, b| if b.0 > a.0 { b } else { a })
    }
}

/// The bound of a storm: its waves run one after another (a wave starts once the one before
/// is done), so their least times add up; the bound is `tickets / that sum`.
#[derive(Debug, Clone)]
struct Bound {
    waves: Vec<WaveBound>,
    tickets: f64,
}

impl Bound {
    fn least_s(&self) -> f64 {
        self.waves.iter().map(|w| w.least_s().0).sum()
    }

    /// `(tickets/s, binding constraint of each wave)`; infinite when everything fits in the
    /// first windows.
    fn min(&self) -> (f64, String) {
        let mut names: Vec<&str> = self.waves.iter().map(|w| w.least_s().1).collect();
        names.dedup();
        let s = self.least_s();
        let rate = if s > 0.0 {
            self.tickets / s
        } else {
            f64::INFINITY
        };
        (rate, names.join(", then "))
    }

    /// One constraint's seconds over every wave.
    fn sum(&self, of: impl Fn(&WaveBound) -> f64) -> f64 {
        self.waves.iter().map(of).sum()
    }
}

/// Least time `calls` requests take under `rule`: every window after the first is waited out.
fn window_time(calls: f64, rule: sim::ratelimit::Rule) -> f64 {
    if calls <= 0.0 {
        return 0.0;
    }
    ((calls / f64::from(rule.limit)).ceil() - 1.0) * rule.window.as_secs_f64()
}

/// `limited_first` and `limited_later` are one phase's limited calls that were served (429s
/// excluded) in the first wave and in the later ones. Per guild a wave needs one channel per
/// clicker plus the tickets categories that fill up (none with `--threads`); the first wave
/// also one DM channel per member (a member's later tickets reuse it).
fn discord_bound(params: &Params, limited_first: f64, limited_later: f64) -> Bound {
    let table = sim::RateLimitTable::default();
    let global = sim::ratelimit::Rule::per(table.global_per_second, 1_000);
    let categories_after =
        |wave: usize| (wave as u64 * params.clickers as u64).div_ceil(CATEGORY_CAPACITY);
    let later_waves = params.tickets_per_member.saturating_sub(1).max(1) as f64;
    let waves = (1..=params.tickets_per_member)
        .map(|wave| {
            // Threads are created in the panel's channel, outside the guild's channel bucket.
            let channels = match params.threads {
                true => 0,
                false => {
                    params.clickers as u64 + categories_after(wave) - categories_after(wave - 1)
                }
            };
            WaveBound {
                global_s: window_time(
                    if wave == 1 {
                        limited_first
                    } else {
                        limited_later / later_waves
                    },
                    global,
                ),
                channel_create_s: window_time(channels as f64, table.channel_create),
                dm_create_s: if wave == 1 {
                    window_time((params.guilds * params.clickers) as f64, table.dm_create)
                } else {
                    0.0
                },
            }
        })
        .collect();
    Bound {
        waves,
        tickets: params.tickets() as f64,
    }
}

/// Tickets categories a guild needs: Discord holds at most 50 channels in one.
fn categories_for(params: &Params) -> u64 {
    if params.threads {
        return 0;
    }
    (params.tickets_per_guild() as u64).div_ceil(CATEGORY_CAPACITY)
}

/// Percentiles of one latency, in milliseconds.
fn summary(h: &Histogram<u64>) -> Value {
    if h.is_empty() {
        return json!({"p50": null, "p99": null, "max": null, "count": 0});
    }
    json!({
        "p50": h.value_at_quantile(0.50),
        "p99": h.value_at_quantile(0.99),
        "max": h.max(),
        "count": h.len(),
    })
}

fn new_histogram() -> Histogram<u64> {
    // 1 ms .. 1 hour at 3 significant digits; these bounds are constants, so this cannot fail.
    Histogram::new_with_bounds(1, 3_600_000, 3).expect("valid histogram bounds")
}

/// One clicker's result.
#[derive(Debug, Default)]
struct ClickResult {
    guild: u64,
    ack_ms: Option<u64>,
    /// Click → the answer visibly links the channel (polled, so an upper bound).
    answer_ms: Option<u64>,
    /// Click → channel created, from the simulator's own snowflake clock (exact to 1 ms).
    channel_ms: Option<u64>,
    channel: Option<u64>,
    /// The member was told a place in the waiting line before the channel link.
    in_line: bool,
    error: Option<String>,
}

/// The guild as the clickers see it.
#[derive(Debug, Clone)]
struct Target {
    seeded: SeededGuild,
    panel: u64,
}

#[derive(Debug)]
struct Storm {
    results: Vec<ClickResult>,
    /// `results[..first_wave_clicks]` are every member's first click.
    first_wave_clicks: usize,
    elapsed: Duration,
    /// Time until every answer was seen (before waiting for the DMs).
    answers_elapsed: Duration,
    before: SimStats,
    /// Once the first wave's answers and DMs were in.
    after_first_wave: SimStats,
    after: SimStats,
}

/// Snowflake → milliseconds since Discord's epoch.
fn snowflake_ms(id: u64) -> u64 {
    id >> 22
}

/// The components' string-select option values of a message.
fn select_values(message: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(options)) = map.get("options") {
                    out.extend(
                        options
                            .iter()
                            .filter_map(|o| o.get("value").and_then(Value::as_str))
                            .map(str::to_owned),
                    );
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(c) = message.get("components") {
        walk(c, &mut out);
    }
    out
}

/// Answers that a later edit replaces: the topic picker and the waiting line.
fn is_interim(text: &str) -> bool {
    ["What is your ticket", "Choose", " in line"]
        .iter()
        .any(|p| text.contains(p))
}

/// Follows an acknowledged interaction until its message links a channel, waiting in the
/// simulator for each change of the answer: no polling delay in the figures, no polling load.
async fn wait_for_link(
    client: &SimClient,
    id: u64,
    deadline: Instant,
) -> Result<(u64, bool), String> {
    let mut in_line = false;
    let mut seen_edits = None;
    loop {
        let wait_ms = deadline
            .saturating_duration_since(Instant::now())
            .as_millis()
            .min(10_000) as u64;
        let outcome = match seen_edits {
            None => client.wait_interaction(id, 0).await,
            Some(seen) => client.wait_answer_change(id, seen, wait_ms).await,
        }
        .map_err(|e| format!("wait for the answer: {e}"))?;
        seen_edits = Some(outcome.edits);
        let text = message_text(outcome.message.as_ref());
        if let Some(channel) = channel_from_link(&text) {
            return Ok((channel, in_line));
        }
        in_line |= text.contains(" in line");
        if !text.is_empty() && !is_interim(&text) {
            // A final answer without a link: a refusal or a failure the member sees.
            return Err(format!("answered without a ticket: {text}"));
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "no channel link before the deadline; last answer {text:?}"
            ));
        }
    }
}

/// Follows every click of a burst with one summary request per round for all that are not done
/// yet: 10,000 clickers polling one by one would make the harness the load being measured.
/// `answer_ms` is therefore late by up to one round (50 ms).
async fn follow_burst(
    client: &SimClient,
    jobs: &[(Target, u64, usize)],
    ids: Vec<Result<u64, String>>,
    sent_at: Instant,
    deadline: Instant,
    bar: &ProgressBar,
) -> Vec<ClickResult> {
    const ROUND: Duration = Duration::from_millis(50);
    const PER_REQUEST: usize = 2_000;
    let mut results: Vec<ClickResult> = jobs
        .iter()
        .map(|(t, _, _)| ClickResult {
            guild: t.seeded.guild_id,
            ..Default::default()
        })
        .collect();
    let mut open: Vec<(usize, u64)> = Vec::with_capacity(ids.len());
    for (i, sent) in ids.into_iter().enumerate() {
        match sent {
            Ok(id) => open.push((i, id)),
            Err(e) => {
                results[i].error = Some(format!("click refused: {e}"));
                bar.inc(1);
            }
        }
    }
    while !open.is_empty() {
        let mut still_open = Vec::with_capacity(open.len());
        for chunk in open.chunks(PER_REQUEST) {
            let ids: Vec<u64> = chunk.iter().map(|&(_, id)| id).collect();
            let summaries = match client.interaction_summaries(&ids).await {
                Ok(s) if s.len() == chunk.len() => s,
                Ok(_) | Err(_) if Instant::now() < deadline => {
                    still_open.extend_from_slice(chunk);
                    continue;
                }
                Ok(s) => {
                    for &(i, _) in chunk {
                        results[i].error = Some(format!("outcomes answered {} ids", s.len()));
                    }
                    continue;
                }
                Err(e) => {
                    for &(i, _) in chunk {
                        results[i].error = Some(format!("outcomes: {e}"));
                    }
                    continue;
                }
            };
            for (&(i, id), summary) in chunk.iter().zip(summaries) {
                let r = &mut results[i];
                r.ack_ms = r.ack_ms.or(summary.ack_ms);
                r.in_line |= summary.content.contains(" in line");
                let done = match summary.state.as_deref() {
                    Some("failed") => Err(format!(
                        "interaction {id} failed (not acknowledged in time)"
                    )),
                    None => Err(format!("interaction {id} unknown to the simulator")),
                    _ => match channel_from_link(&summary.content) {
                        Some(channel) => Ok(Some(channel)),
                        None if !summary.content.is_empty() && !is_interim(&summary.content) => {
                            Err(format!("answered without a ticket: {}", summary.content))
                        }
                        None if Instant::now() >= deadline => Err(format!(
                            "no channel link before the deadline; last answer {:?}",
                            summary.content
                        )),
                        None => Ok(None),
                    },
                };
                match done {
                    Ok(None) => still_open.push((i, id)),
                    Ok(Some(channel)) => {
                        r.answer_ms = Some(sent_at.elapsed().as_millis() as u64);
                        r.channel = Some(channel);
                        r.channel_ms = Some(snowflake_ms(channel).saturating_sub(snowflake_ms(id)));
                        bar.inc(1);
                    }
                    Err(e) => {
                        r.error = Some(e);
                        bar.inc(1);
                    }
                }
            }
        }
        open = still_open;
        if !open.is_empty() {
            tokio::time::sleep(ROUND).await;
        }
    }
    results
}

/// One member clicks Open (and picks a topic when asked); measures what the member sees.
async fn click(
    client: &SimClient,
    target: &Target,
    member: u64,
    index: usize,
    deadline: Instant,
) -> ClickResult {
    let g = &target.seeded;
    let start = Instant::now();
    let sent = client
        .click(
            g.guild_id,
            g.general_channel_id,
            member,
            target.panel,
            &custom_id::encode(&Action::OpenTicket),
        )
        .await
        .map_err(|e| format!("click refused: {e}"));
    follow(client, target, member, index, sent, start, deadline).await
}

/// Follows a sent click (`sent` at `start`) to its end: acknowledgement, topic pick, channel link.
async fn follow(
    client: &SimClient,
    target: &Target,
    member: u64,
    index: usize,
    sent: Result<u64, String>,
    start: Instant,
    deadline: Instant,
) -> ClickResult {
    let g = &target.seeded;
    let mut result = ClickResult {
        guild: g.guild_id,
        ..Default::default()
    };
    let outcome = async {
        let id = sent?;
        let first = client
            .wait_interaction(id, 10_000)
            .await
            .map_err(|e| format!("wait: {e}"))?;
        if first.state != "responded" {
            return Err(format!(
                "interaction {id} {} (not acknowledged in time)",
                first.state
            ));
        }
        result.ack_ms = first.ack_ms;
        let mut answer_id = id;
        let mut click_id = id;
        // A server with topics answers with a picker first: the member picks one.
        if let Some(picker) = first.message.as_ref().filter(|m| {
            find_action(std::slice::from_ref(m), |a| {
                matches!(a, Action::PickTopic { .. })
            })
            .is_some()
        }) {
            let (message, pick_id) = find_action(std::slice::from_ref(picker), |a| {
                matches!(a, Action::PickTopic { .. })
            })
            .ok_or("picker without a select")?;
            let values = select_values(picker);
            let value = values
                .get(index % values.len().max(1))
                .cloned()
                .ok_or("picker without topics")?;
            let id2 = client
                .select(
                    g.guild_id,
                    g.general_channel_id,
                    member,
                    message,
                    &pick_id,
                    &[value],
                )
                .await
                .map_err(|e| format!("topic select refused: {e}"))?;
            let second = client
                .wait_interaction(id2, 10_000)
                .await
                .map_err(|e| format!("wait: {e}"))?;
            if second.state != "responded" {
                return Err(format!("topic pick {id2} {}", second.state));
            }
            answer_id = id2;
            click_id = id2;
        }
        // A server with questions answers with the form: the member fills it in.
        if let Some(form) = &first.modal {
            let submitted = submit_form(client, g, member, form).await?;
            answer_id = submitted;
            click_id = submitted;
        }
        let (channel, in_line) = wait_for_link(client, answer_id, deadline).await?;
        Ok::<_, String>((channel, click_id, in_line))
    }
    .await;
    match outcome {
        Ok((channel, click_id, in_line)) => {
            result.in_line = in_line;
            result.answer_ms = Some(start.elapsed().as_millis() as u64);
            result.channel = Some(channel);
            // Both ids come from the simulator's clock: creation of the (last) interaction → of
            // the channel.
            result.channel_ms = Some(snowflake_ms(channel).saturating_sub(snowflake_ms(click_id)));
        }
        Err(e) => result.error = Some(e),
    }
    result
}

/// Submits `form` (a modal as the simulator shows it) with [`ANSWER`] in every text input;
/// the submission's interaction id.
async fn submit_form(
    client: &SimClient,
    g: &SeededGuild,
    member: u64,
    form: &Value,
) -> Result<u64, String> {
    let custom_id = form["custom_id"]
        .as_str()
        .ok_or("a form without a custom id")?;
    let rows = form["components"].as_array().cloned().unwrap_or_default();
    let inputs: Vec<String> = (rows.iter())
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_owned))
        .collect();
    let fields: Vec<(&str, &str)> = inputs.iter().map(|i| (i.as_str(), ANSWER)).collect();
    client
        .submit_modal(g.guild_id, g.general_channel_id, member, custom_id, &fields)
        .await
        .map_err(|e| format!("form refused: {e}"))
}

fn progress(total: usize, label: &str) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{label:>10} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} tickets ({{per_sec}})"
    )) {
        bar.set_style(style);
    }
    bar
}

/// The owner's setup in every guild at once (limits, topics when asked, a panel): the storm's
/// targets.
async fn set_up_guilds(
    client: &SimClient,
    guilds: &[SeededGuild],
    params: &Params,
) -> Result<Vec<Target>, String> {
    let setups = guilds.iter().map(|g| async move {
        configure(client, g, params).await?;
        let panel = post_panel(client, g).await?;
        if params.threads {
            panel_threads(client, g, panel).await?;
        }
        Ok::<_, String>(Target {
            seeded: g.clone(),
            panel,
        })
    });
    join_all(setups).await.into_iter().collect()
}

/// Every member of every guild clicks at once, once per wave (`--tickets-per-member`); returns
/// when every answer arrived and every DM went out (or the deadline passed). A wave starts once
/// every answer and DM of the one before is in, so a member's later tickets find their DM
/// channel known.
async fn storm(client: &SimClient, targets: &[Target], params: &Params, label: &str) -> Storm {
    let before = client.stats().await.unwrap_or_default();
    let bar = progress(params.tickets(), label);
    let deadline = Instant::now() + params.phase_deadline();
    let start = Instant::now();
    let mut results = Vec::with_capacity(params.tickets());
    let mut answers_elapsed = Duration::ZERO;
    let mut after = before.clone();
    let mut after_first_wave = None;
    for _ in 0..params.tickets_per_member {
        let wave_results = wave(client, targets, params, &bar, deadline).await;
        answers_elapsed = start.elapsed();
        // End to end includes the welcome message and the DM, which may land after the answer.
        let opened = wave_results.iter().filter(|r| r.channel.is_some()).count() as u64;
        let messages_before = message_posts(&after);
        after = client.stats().await.unwrap_or_default();
        while message_posts(&after).saturating_sub(messages_before) < 2 * opened
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
            after = client.stats().await.unwrap_or_default();
        }
        results.extend(wave_results);
        if after_first_wave.is_none() {
            after_first_wave = Some((after.clone(), results.len()));
        }
    }
    bar.finish();
    let elapsed = start.elapsed();
    let (after_first_wave, first_wave_clicks) = after_first_wave.unwrap_or((after.clone(), 0));
    Storm {
        results,
        first_wave_clicks,
        elapsed,
        answers_elapsed,
        before,
        after_first_wave,
        after,
    }
}

/// One click of every member, delivered as `params.delivery` says; returns when every click
/// was followed to its answer (or the deadline).
async fn wave(
    client: &SimClient,
    targets: &[Target],
    params: &Params,
    bar: &ProgressBar,
    deadline: Instant,
) -> Vec<ClickResult> {
    let permits = Arc::new(Semaphore::new(IN_FLIGHT));
    // Round-robin over guilds so the burst hits every guild at once, not one after another.
    let mut jobs = Vec::with_capacity(params.guilds * params.clickers);
    for i in 0..params.clickers {
        for t in targets {
            jobs.push((t.clone(), t.seeded.member_ids[i], i));
        }
    }
    let tasks: Vec<_> = match params.delivery {
        Delivery::Concurrent => jobs
            .into_iter()
            .map(|(target, member, index)| {
                let (client, permits, bar) = (client.clone(), permits.clone(), bar.clone());
                tokio::spawn(async move {
                    let _permit = permits.acquire_owned().await;
                    let r = click(&client, &target, member, index, deadline).await;
                    bar.inc(1);
                    vec![r]
                })
            })
            .collect(),
        Delivery::Rate(rate) => {
            let origin = tokio::time::Instant::now();
            jobs.into_iter()
                .enumerate()
                .map(|(i, (target, member, index))| {
                    let (client, bar) = (client.clone(), bar.clone());
                    let at = origin + Duration::from_secs_f64(i as f64 / rate);
                    // No concurrency cap: a steady rate means clicks come whether or not
                    // earlier ones were answered.
                    tokio::spawn(async move {
                        tokio::time::sleep_until(at).await;
                        let r = click(&client, &target, member, index, deadline).await;
                        bar.inc(1);
                        vec![r]
                    })
                })
                .collect()
        }
        Delivery::Burst => {
            let bodies: Vec<Value> = jobs
                .iter()
                .map(|(t, member, _)| {
                    SimClient::click_body(
                        t.seeded.guild_id,
                        t.seeded.general_channel_id,
                        *member,
                        t.panel,
                        &custom_id::encode(&Action::OpenTicket),
                    )
                })
                .collect();
            let sent_at = Instant::now();
            let ids = match client.interaction_batch(&bodies).await {
                Ok(ids) if ids.len() == jobs.len() => ids,
                Ok(ids) => {
                    vec![Err(format!("batch answered {} of {}", ids.len(), jobs.len())); jobs.len()]
                }
                Err(e) => vec![Err(format!("batch refused: {e}")); jobs.len()],
            };
            let client = client.clone();
            let bar = bar.clone();
            let watch = tokio::spawn(async move {
                follow_burst(&client, &jobs, ids, sent_at, deadline, &bar).await
            });
            vec![watch]
        }
    };
    let mut results = Vec::with_capacity(tasks.len());
    for t in join_all(tasks).await {
        match t {
            Ok(some) => results.extend(some),
            Err(e) => results.push(ClickResult {
                error: Some(format!("clicker task failed: {e}")),
                ..Default::default()
            }),
        }
    }
    results
}

/// Messages the simulator posted: a 429'd attempt is no message (and once counted as one, it
/// ended a rate-limited storm before its DMs were sent).
fn message_posts(s: &SimStats) -> u64 {
    s.succeeded_per_route
        .get("POST /channels/{id}/messages")
        .copied()
        .unwrap_or(0)
}

#[derive(Debug, Default)]
struct RestCounts {
    total: u64,
    limited: u64,
    per_route: BTreeMap<String, u64>,
    rate_limited: u64,
    rate_limited_per_route: BTreeMap<String, u64>,
    failed_interactions: u64,
}

fn rest_delta(before: &SimStats, after: &SimStats) -> RestCounts {
    let mut out = RestCounts {
        total: after.total_requests.saturating_sub(before.total_requests),
        rate_limited: after.rate_limited.saturating_sub(before.rate_limited),
        failed_interactions: after
            .interactions_failed
            .saturating_sub(before.interactions_failed),
        ..Default::default()
    };
    for (route, n) in &after.requests_per_route {
        let d = n.saturating_sub(before.requests_per_route.get(route).copied().unwrap_or(0));
        if d == 0 {
            continue;
        }
        if counts_against_global_limit(route) {
            out.limited += d;
        }
        out.per_route.insert(route.clone(), d);
    }
    for (route, n) in &after.rate_limited_per_route {
        let d = n.saturating_sub(
            before
                .rate_limited_per_route
                .get(route)
                .copied()
                .unwrap_or(0),
        );
        if d > 0 {
            out.rate_limited_per_route.insert(route.clone(), d);
        }
    }
    out
}

/// The threads of each bot under test: its runtime's workers and blocking pool, and for
/// Ticketeer the store's writer. Their CPU time over a storm is the bot's own work, apart from
/// the simulator's and the clickers' (which the ratio's wall-clock figures share between them).
const TICKETEER_THREADS: &[&str] = &["ticketeer-rt", "store-writer"];
const NULL_BOT_THREADS: &[&str] = &["null-bot-rt"];

/// Milliseconds of CPU (user + system) used so far by each of this process's threads named in
/// `names`, by thread id. Linux only (`/proc`); elsewhere empty.
fn thread_cpu_ms(names: &[&str]) -> HashMap<u64, f64> {
    let mut out = HashMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let named = std::fs::read_to_string(path.join("comm"))
            .is_ok_and(|comm| names.contains(&comm.trim_end()));
        let tid = task.file_name().to_string_lossy().parse::<u64>();
        if let (true, Ok(tid)) = (named, tid)
            && let Some(ms) = stat_cpu_ms(&path.join("stat"))
        {
            out.insert(tid, ms);
        }
    }
    out
}

/// User + system CPU of a `/proc/.../stat` file, in milliseconds (clock ticks of 10 ms, the
/// `USER_HZ` of every Linux ABI Rust targets).
fn stat_cpu_ms(path: &std::path::Path) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 * 10.0)
}

/// CPU the threads used between two [`thread_cpu_ms`] readings (a thread started in between
/// counts from zero).
fn cpu_between(before: &HashMap<u64, f64>, after: &HashMap<u64, f64>) -> Option<f64> {
    (!after.is_empty()).then(|| {
        after
            .iter()
            .map(|(tid, ms)| ms - before.get(tid).copied().unwrap_or(0.0))
            .sum()
    })
}

fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

async fn start_sim(params: &Params) -> Result<SimHandle, String> {
    harness::start_sim(SimConfig {
        rate_limits: params.rate_limits,
        ..harness::sim_config()
    })
    .await
    .map_err(|e| e.to_string())
}

/// The guilds where members click; the idle guilds are seeded after them.
async fn seed(sim: &SimHandle, params: &Params) -> Vec<SeededGuild> {
    let busy = harness::seed_guilds(sim, params.guilds, params.clickers).await;
    harness::seed_guilds(sim, params.idle_guilds, 1).await;
    busy
}

/// Raises the limits when a guild will hold more than the default 50 open tickets or a member
/// more than one, and adds topics.
async fn configure(client: &SimClient, g: &SeededGuild, params: &Params) -> Result<(), String> {
    if params.tickets_per_guild() > 50 || params.tickets_per_member > 1 {
        let per_member = params.tickets_per_member.to_string();
        let per_guild = params.tickets_per_guild().max(50).to_string();
        let answer = driver::set_limits(client, g, &per_member, &per_guild)
            .await
            .map_err(|e| e.to_string())?;
        if !answer.contains("Limits saved") {
            return Err(format!("limits not saved: {answer}"));
        }
    }
    if params.questions {
        let answer = driver::add_question(client, g, QUESTION)
            .await
            .map_err(|e| e.to_string())?;
        if !answer.contains("Saved: 1") {
            return Err(format!("question not saved: {answer}"));
        }
    }
    if params.topics {
        for t in 0..TOPICS {
            let answer = driver::add_topic(client, g, &format!("Topic {t}"))
                .await
                .map_err(|e| e.to_string())?;
            if !answer.contains("added") {
                return Err(format!("topic not added: {answer}"));
            }
        }
    }
    Ok(())
}

/// `--threads`: the bot's role given Manage Threads (what the hub asks for), then the panel's
/// tickets made private threads in its channel through the hub.
async fn panel_threads(client: &SimClient, g: &SeededGuild, panel: u64) -> Result<(), String> {
    let roles = bot_get(client, &format!("/guilds/{}/roles", g.guild_id)).await?;
    let role = roles
        .as_array()
        .and_then(|r| r.iter().find(|r| r["managed"] == true))
        .and_then(|r| r["id"].as_str()?.parse().ok())
        .ok_or("the bot's role not found")?;
    let granted = sim::permissions::bits::BOT_ROLE | access::perms::MANAGE_THREADS;
    client
        .set_role_permissions(g.guild_id, role, granted)
        .await
        .map_err(|e| e.to_string())?;
    let answer = driver::set_panel_threads(client, g, panel, g.general_channel_id)
        .await
        .map_err(|e| e.to_string())?;
    if !answer.contains("private threads in") {
        return Err(format!("thread panel not set: {answer}"));
    }
    Ok(())
}

/// A GET as the bot, answered with its JSON (reads the control API has no route for).
async fn bot_get(client: &SimClient, path: &str) -> Result<Value, String> {
    reqwest::Client::new()
        .get(format!("{}/api/v10{path}", client.base_url()))
        .header("authorization", "Bot simulated-token")
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())
}

async fn post_panel(client: &SimClient, g: &SeededGuild) -> Result<u64, String> {
    driver::post_panel(client, g)
        .await
        .map_err(|e| e.to_string())
}

/// What one phase measured.
#[derive(Debug)]
struct PhaseFigures {
    tickets: u64,
    tickets_per_s: f64,
    answers_per_s: f64,
    ack: Histogram<u64>,
    answer: Histogram<u64>,
    channel: Histogram<u64>,
    rest: RestCounts,
    /// The part of `rest` spent on members' later tickets (waves after the first), and those
    /// tickets: what a returning member costs.
    returning_rest: RestCounts,
    returning_tickets: u64,
    errors: u64,
    error_samples: Vec<String>,
    elapsed: Duration,
    in_line: u64,
    /// CPU the bot's own threads used during the storm, when it could be read.
    cpu_ms: Option<f64>,
}

fn figures(storm: &Storm) -> PhaseFigures {
    let (mut ack, mut answer, mut channel) = (new_histogram(), new_histogram(), new_histogram());
    let mut errors = 0;
    let mut error_samples = Vec::new();
    for r in &storm.results {
        if let Some(ms) = r.ack_ms {
            let _ = ack.record(ms.max(1));
        }
        if let Some(ms) = r.answer_ms {
            let _ = answer.record(ms.max(1));
        }
        if let Some(ms) = r.channel_ms {
            let _ = channel.record(ms.max(1));
        }
        if let Some(e) = &r.error {
            errors += 1;
            if error_samples.len() < 5 {
                error_samples.push(e.clone());
            }
        }
    }
    let rest = rest_delta(&storm.before, &storm.after);
    errors += rest.failed_interactions;
    let opened = |results: &[ClickResult]| results.iter().filter(|r| r.channel.is_some()).count();
    let tickets = opened(&storm.results) as u64;
    let returning_tickets = opened(&storm.results[storm.first_wave_clicks..]) as u64;
    PhaseFigures {
        tickets,
        tickets_per_s: tickets as f64 / storm.elapsed.as_secs_f64(),
        answers_per_s: tickets as f64 / storm.answers_elapsed.as_secs_f64(),
        ack,
        answer,
        channel,
        rest,
        returning_rest: rest_delta(&storm.after_first_wave, &storm.after),
        returning_tickets,
        errors,
        error_samples,
        elapsed: storm.elapsed,
        in_line: storm.results.iter().filter(|r| r.in_line).count() as u64,
        cpu_ms: None,
    }
}

/// Checks what must hold after the storm; returns the broken invariants.
async fn check_invariants(
    client: &SimClient,
    storm: &Storm,
    targets: &[Target],
    (store, threads): (Option<&Store>, bool),
) -> Vec<String> {
    let mut broken = Vec::new();
    let mut by_guild: HashMap<u64, Vec<u64>> = HashMap::new();
    for r in &storm.results {
        if let Some(c) = r.channel {
            by_guild.entry(r.guild).or_default().push(c);
        }
    }
    for t in targets {
        let gid = t.seeded.guild_id;
        let answered = by_guild.remove(&gid).unwrap_or_default();
        let distinct: HashSet<u64> = answered.iter().copied().collect();
        if distinct.len() != answered.len() {
            broken.push(format!(
                "guild {gid}: two members were given the same channel"
            ));
        }
        let listed = match threads {
            // Threads are not among a guild's channels: Discord lists the active ones apart.
            true => bot_get(client, &format!("/guilds/{gid}/threads/active"))
                .await
                .map(|v| v["threads"].as_array().cloned().unwrap_or_default()),
            false => client.guild_channels(gid).await.map_err(|e| e.to_string()),
        };
        let channels = match listed {
            Ok(c) => c,
            Err(e) => {
                broken.push(format!("guild {gid}: channel list unavailable: {e}"));
                continue;
            }
        };
        let tickets: Vec<(String, u64)> = channels
            .iter()
            .filter_map(|c| {
                let name = c.get("name")?.as_str()?;
                let id = c.get("id")?.as_str()?.parse().ok()?;
                name.starts_with("ticket-").then(|| (name.to_owned(), id))
            })
            .collect();
        let names: HashSet<&String> = tickets.iter().map(|(n, _)| n).collect();
        if names.len() != tickets.len() {
            broken.push(format!(
                "guild {gid}: duplicate ticket numbers among {} channels",
                tickets.len()
            ));
        }
        if tickets.len() != answered.len() {
            broken.push(format!(
                "guild {gid}: {} ticket channels for {} answered tickets (one channel per ticket)",
                tickets.len(),
                answered.len()
            ));
        }
        let ids: HashSet<u64> = tickets.iter().map(|(_, id)| *id).collect();
        if let Some(missing) = distinct.iter().find(|c| !ids.contains(c)) {
            broken.push(format!(
                "guild {gid}: answered channel {missing} does not exist"
            ));
        }
        if let Some(store) = store {
            match store.all_tickets(gid).await {
                Ok(records) => {
                    let numbers: HashSet<u64> = records.iter().map(|r| r.number).collect();
                    if numbers.len() != records.len() {
                        broken.push(format!(
                            "guild {gid}: duplicate ticket numbers in the store"
                        ));
                    }
                    let stored: HashSet<u64> = records
                        .iter()
                        .filter(|r| r.state == TicketState::Open)
                        .filter_map(|r| r.channel)
                        .collect();
                    let lost = distinct.iter().filter(|c| !stored.contains(c)).count();
                    if lost > 0 {
                        broken.push(format!(
                            "guild {gid}: {lost} answered tickets have no open record in the store"
                        ));
                    }
                }
                Err(e) => broken.push(format!("guild {gid}: store unreadable: {e}")),
            }
        }
    }
    broken
}

/// The runtime a bot under test runs on, apart from the simulator's and the clickers' (which
/// stand in for Discord and its users): in production a bot never shares an executor with
/// Discord. On one shared runtime every hop between the bot's actors waited in the same run
/// queue as thousands of simulated HTTP connections, a cost no deployment pays; both phases get
/// their own, so the comparison stays even.
fn bot_runtime(threads: &str) -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name(threads)
        .enable_all()
        .build()
        .map_err(|e| format!("bot runtime: {e}"))
}

/// Runs `future` on the bot's runtime and waits for it from the caller's.
async fn on<F>(runtime: &tokio::runtime::Runtime, future: F) -> Result<F::Output, String>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime
        .spawn(future)
        .await
        .map_err(|e| format!("bot runtime task: {e}"))
}

/// Phase 1: the real bot.
async fn run_ticketeer(
    params: &Params,
) -> Result<(PhaseFigures, Vec<String>, Value, Option<u64>), String> {
    let sim = start_sim(params).await?;
    let client = sim.client();
    let guilds = seed(&sim, params).await;
    let dir = harness::data_dir("storm");
    let mut config = harness::bot_config(&sim, &dir);
    // Twilight's client-side limiter only where Discord's limits are in force.
    config.ratelimiter = params.rate_limited();
    config.durability = params.durability;
    if params.web_load.is_some() {
        config.web = Some(ticketeer::web::WebConfig::new(std::net::SocketAddr::from(
            ([127, 0, 0, 1], 0),
        )));
    }
    let setup_start = Instant::now();
    let bot_rt = bot_runtime(TICKETEER_THREADS[0])?;
    let guild_count = params.guilds + params.idle_guilds;
    let bot = on(
        &bot_rt,
        harness::start_bot_within(config, guild_count, Duration::from_secs(60)),
    )
    .await?
    .map_err(|e| e.to_string())?;
    let ready_ms = setup_start.elapsed().as_millis() as u64;
    let targets = set_up_guilds(&client, &guilds, params).await?;
    let ready_fill_ms = fill_ready(&client, &bot, &guilds, params).await?;
    let setup_ms = setup_start.elapsed().as_millis() as u64;
    let store_before = bot.store().stats();
    let cpu_before = thread_cpu_ms(TICKETEER_THREADS);
    let load = match params.web_load {
        Some(rate) => Some(PageLoad::start(&bot, guilds[0].guild_id, rate).await?),
        None => None,
    };
    let storm = storm(&client, &targets, params, "ticketeer").await;
    let cpu = cpu_between(&cpu_before, &thread_cpu_ms(TICKETEER_THREADS));
    let web_load = match load {
        Some(load) => load.stop().await,
        None => Value::Null,
    };
    let store_after = bot.store().stats();
    let mut figures = figures(&storm);
    figures.cpu_ms = cpu;
    let broken = check_invariants(
        &client,
        &storm,
        &targets,
        (Some(bot.store()), params.threads),
    )
    .await;
    let peak = peak_rss_bytes();
    // Durable (fsync'd) commits: lazy ones ride along with the next durable one.
    let commits = store_after
        .durable_commits
        .saturating_sub(store_before.durable_commits);
    let ops = store_after.ops.saturating_sub(store_before.ops);
    let all_commits = store_after.commits.saturating_sub(store_before.commits);
    let reads = store_after.reads.saturating_sub(store_before.reads);
    let shutdown_start = Instant::now();
    on(&bot_rt, bot.shutdown()).await?;
    let shutdown_ms = shutdown_start.elapsed().as_millis() as u64;
    bot_rt.shutdown_background();
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    let extra = json!({
        "commits": commits,
        "all_commits": all_commits,
        "store_ops": ops,
        "store_reads": reads,
        "web_load": web_load,
        "phases_ms": {
            "ready_channels_fill": ready_fill_ms,
            "start_to_ready": ready_ms,
            "start_to_panels_posted": setup_ms,
            "storm_answers": storm.answers_elapsed.as_millis() as u64,
            "storm_end_to_end": storm.elapsed.as_millis() as u64,
            "shutdown": shutdown_ms,
        },
    });
    Ok((figures, broken, extra, peak))
}

/// `--ready N`: turns ready channels on in every guild and waits until each holds N (they are
/// made one per 2 s while the guild is quiet); returns how long that took.
async fn fill_ready(
    client: &SimClient,
    bot: &ticketeer::actors::Bot,
    guilds: &[SeededGuild],
    params: &Params,
) -> Result<u64, String> {
    if params.ready == 0 {
        return Ok(0);
    }
    let start = Instant::now();
    for g in guilds {
        let answer = driver::set_ready(client, g, &params.ready.to_string())
            .await
            .map_err(|e| e.to_string())?;
        if !answer.contains("Ready channels on") {
            return Err(format!("ready channels not set: {answer}"));
        }
    }
    let wanted = params.ready as usize;
    let bar = progress(guilds.len() * wanted, "ready channels");
    let deadline = Instant::now() + Duration::from_secs(5 + 3 * params.ready as u64);
    loop {
        let mut filled = 0;
        for g in guilds {
            let snapshot = bot
                .store()
                .load_guild(g.guild_id)
                .await
                .map_err(|e| e.to_string())?;
            filled += snapshot.ready.map_or(0, |p| p.channels.len().min(wanted));
        }
        bar.set_position(filled as u64);
        if filled == guilds.len() * wanted {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "ready channels: {filled} of {} made in time",
                guilds.len() * wanted
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bar.finish();
    // The guild counts as quiet again 5 s after its last open; none happened, so the storm
    // starts now.
    Ok(start.elapsed().as_millis() as u64)
}

/// `--web-load`: an open-loop stream of transcript page views (as a browser would send them,
/// from outside the bot's runtime) for as long as the storm runs.
struct PageLoad {
    stop: Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<Value>,
}

impl PageLoad {
    /// The page both phases serve: 100 messages of two people.
    fn doc(guild: u64, number: u64) -> ticketeer::domain::transcript::TranscriptDoc {
        use ticketeer::domain::transcript::{TranscriptDoc, TranscriptMessage, TranscriptMeta};
        TranscriptDoc {
            meta: TranscriptMeta {
                guild_id: guild,
                number,
                ..Default::default()
            },
            messages: (0..100)
                .map(|i| TranscriptMessage {
                    id: i + 1,
                    author_id: 7 + i % 2,
                    author_name: format!("person {}", i % 2),
                    timestamp: "2026-11-30T12:00:00+00:00".into(),
                    content: format!("message {i}: **bold**, `code` and <@7>"),
                    ..Default::default()
                })
                .collect(),
            staff_notes: Vec::new(),
            name_colors: Vec::new(),
        }
    }

    async fn start(
        bot: &ticketeer::actors::Bot,
        guild: u64,
        rate: f64,
    ) -> Result<PageLoad, String> {
        let number = 1_000_000;
        let doc = Self::doc(guild, number);
        bot.store()
            .write(vec![ticketeer::store::WriteOp::PutTranscriptPage {
                guild,
                number,
                doc: Box::new(doc),
            }])
            .await
            .map_err(|e| format!("the page could not be stored: {e}"))?;
        let url = bot.links().ok_or("the web side is off")?.transcript(
            guild,
            number,
            ticketeer::web::Audience::Staff,
        );
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let task = tokio::spawn(page_views(url, rate, stop.clone()));
        Ok(PageLoad { stop, task })
    }

    /// The null bot's phase gets the same views, of the same page's bytes served from memory
    /// by a bare axum server on its runtime: the views' client-side work then weighs on both
    /// phases, and the ratio shows what Ticketeer's page serving costs beyond sending bytes.
    async fn start_static(
        runtime: &tokio::runtime::Runtime,
        guild: u64,
        rate: f64,
    ) -> Result<PageLoad, String> {
        let doc = Self::doc(guild, 1_000_000);
        let html = ticketeer::web::pages::transcript_page(
            &doc,
            ticketeer::web::Audience::Staff,
            "/t/static",
        );
        let listener = on(runtime, tokio::net::TcpListener::bind("127.0.0.1:0"))
            .await?
            .map_err(|e| format!("static page server: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let app = axum::Router::new().fallback(move || {
            let html = html.clone();
            async move { axum::response::Html(html) }
        });
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let url = format!("http://{addr}/t/static");
        let task = tokio::spawn(page_views(url, rate, stop.clone()));
        Ok(PageLoad { stop, task })
    }

    async fn stop(self) -> Value {
        self.stop.store(true, Ordering::Relaxed);
        let figures = self.task.await.unwrap_or(Value::Null);
        println!("web load during the storm: {figures}");
        figures
    }
}

async fn page_views(url: String, rate: f64, stop: Arc<std::sync::atomic::AtomicBool>) -> Value {
    let http = reqwest::Client::new();
    let hist = Arc::new(Mutex::new(new_histogram()));
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        i += 1;
        let (http, url, hist, errors) = (http.clone(), url.clone(), hist.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let ok = match http.get(&url).send().await {
                Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            if !ok {
                errors.fetch_add(1, Ordering::Relaxed);
            }
            if let Ok(mut h) = hist.lock() {
                let _ = h.record(due.elapsed().as_millis().max(1) as u64);
            }
        }));
    }
    join_all(tasks).await;
    let h = hist
        .lock()
        .map(|h| h.clone())
        .unwrap_or_else(|_| new_histogram());
    json!({
        "views": i,
        "per_s": i as f64 / start.elapsed().as_secs_f64(),
        "p50_ms": h.value_at_quantile(0.5),
        "p99_ms": h.value_at_quantile(0.99),
        "errors": errors.load(Ordering::Relaxed),
    })
}

/// `VmHWM` of another process.
fn peak_rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A log line without its ANSI colour sequences (tracing colours fields even into a pipe).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ params letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `key=N` out of a tracing line.
fn field_of(line: &str, key: &str) -> Option<u64> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
}

/// The store-stats line's `(commits, durable_commits, ops)`, if printed, and the warnings seen.
type ChildLog = (Option<(Option<u64>, Option<u64>, Option<u64>)>, u64);

/// One `ticketeer run` child of `--split`: its process, its log reader and its data.
struct SplitChild {
    child: std::process::Child,
    pid: u32,
    log: std::thread::JoinHandle<ChildLog>,
    dir: PathBuf,
}

/// Starts `ticketeer run` on `shards` of `params.shard_total`, its log drained on a thread (a
/// full pipe would stall it) and kept for the store-stats line it prints when it stops.
fn spawn_split_child(
    params: &Params,
    url: &str,
    dir: PathBuf,
    shards: &std::ops::Range<u32>,
) -> Result<SplitChild, String> {
    use std::io::BufRead;
    let bin = env!("CARGO_BIN_EXE_ticketeer");
    let mut command = std::process::Command::new(bin);
    command
        .args(["run", "--discord-api", url, "--data-dir"])
        .arg(&dir)
        .args(["--shards", &format!("{}..{}", shards.start, shards.end)])
        .args(["--shard-total", &params.shard_total.to_string()])
        .args([
            "--durability",
            match params.durability {
                Durability::Immediate => "immediate",
                Durability::None => "none",
            },
        ])
        .env("DISCORD_TOKEN", "simulated-token")
        .env("RUST_LOG", "warn,ticketeer=info")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if !params.rate_limited() {
        command.arg("--no-ratelimiter");
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {bin}: {e}"))?;
    let pid = child.id();
    let stderr = child.stderr.take();
    let log = std::thread::spawn(move || {
        let mut stats = None;
        let mut warnings = 0u64;
        if let Some(err) = stderr {
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                let line = strip_ansi(&line);
                if line.contains("store stats at exit") {
                    stats = Some((
                        field_of(&line, "commits"),
                        field_of(&line, "durable_commits"),
                        field_of(&line, "ops"),
                    ));
                } else if line.contains("WARN") || line.contains("ERROR") {
                    warnings += 1;
                    if warnings <= 5 {
                        eprintln!("bot {pid}: {line}");
                    }
                }
            }
        }
        (stats, warnings)
    });
    Ok(SplitChild {
        child,
        pid,
        log,
        dir,
    })
}

/// Waits until every shard of the bot has a gateway session (their commands are registered
/// before that; guild actors start on demand).
async fn split_ready(
    client: &SimClient,
    children: &mut [SplitChild],
    shards: u32,
) -> Result<(), String> {
    let ready_deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let stats = client.stats().await.unwrap_or_default();
        if stats.gateway_sessions >= u64::from(shards) {
            return Ok(());
        }
        for c in children.iter_mut() {
            if let Ok(Some(status)) = c.child.try_wait() {
                return Err(format!("a bot exited during start-up: {status}"));
            }
        }
        if Instant::now() >= ready_deadline {
            children.iter_mut().for_each(|c| drop(c.child.kill()));
            return Err("the bot children did not connect within 120 s".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// SIGTERM to every child at once; each waited for up to 90 s.
async fn stop_split(children: Vec<SplitChild>) -> Result<Vec<(SplitChild, bool)>, String> {
    for c in &children {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &c.pid.to_string()])
            .status();
    }
    tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(90);
        children
            .into_iter()
            .map(|mut c| {
                loop {
                    match c.child.try_wait() {
                        Ok(Some(status)) => break (c, status.success()),
                        Ok(None) if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(10))
                        }
                        _ => {
                            let _ = c.child.kill();
                            break (c, false);
                        }
                    }
                }
            })
            .collect()
    })
    .await
    .map_err(|e| e.to_string())
}

/// Phase 1 with `--split`: `ticketeer run` as child processes (the binary cargo built beside
/// this benchmark; `--processes N` of them, each with its range of `--shard-total` shards and
/// its own data directory), stopped with SIGTERM; each store is checked from its file
/// afterwards for the guilds of its shards.
async fn run_ticketeer_split(
    params: &Params,
) -> Result<(PhaseFigures, Vec<String>, Value, Option<u64>), String> {
    let sim = start_sim(params).await?;
    let client = sim.client();
    let guilds = seed(&sim, params).await;
    let ranges = sharding::ranges(params.processes, params.shard_total);
    let setup_start = Instant::now();
    let mut children = Vec::new();
    for (i, range) in ranges.iter().enumerate() {
        let dir = harness::data_dir(&format!("storm-split-{i}"));
        children.push(spawn_split_child(params, &sim.http_url(), dir, range)?);
    }
    split_ready(&client, &mut children, params.shard_total).await?;
    let ready_ms = setup_start.elapsed().as_millis() as u64;
    let targets = match set_up_guilds(&client, &guilds, params).await {
        Ok(targets) => targets,
        Err(e) => {
            children.iter_mut().for_each(|c| drop(c.child.kill()));
            return Err(format!("setup through the child bot: {e}"));
        }
    };
    let setup_ms = setup_start.elapsed().as_millis() as u64;
    let stats_of = |c: &SplitChild| PathBuf::from(format!("/proc/{}/stat", c.pid));
    let cpu = |children: &[SplitChild]| -> Option<f64> {
        children.iter().map(|c| stat_cpu_ms(&stats_of(c))).sum()
    };
    let cpu_before = cpu(&children);
    let storm = storm(&client, &targets, params, "ticketeer").await;
    let mut figures = figures(&storm);
    figures.cpu_ms = cpu(&children).zip(cpu_before).map(|(a, b)| a - b);
    // How the tickets fell on the processes: the bot-wide bound pools them, each process
    // works through its own.
    let tickets_per_process: Vec<usize> = (0..ranges.len())
        .map(|d| {
            let in_dir = |t: &&Target| {
                sharding::dir_of(t.seeded.guild_id, ranges.len(), params.shard_total) == d
            };
            targets.iter().filter(in_dir).count() * params.tickets_per_guild()
        })
        .collect();
    println!("tickets per process: {tickets_per_process:?}");
    let peak = children.iter().map(|c| peak_rss_of(c.pid)).sum();
    let shutdown_start = Instant::now();
    let stopped = stop_split(children).await?;
    let shutdown_ms = shutdown_start.elapsed().as_millis() as u64;
    let mut broken = Vec::new();
    let (mut commits, mut durable, mut ops, mut warnings) = (Some(0), Some(0), Some(0), 0);
    for (d, (c, clean)) in stopped.into_iter().enumerate() {
        if !clean {
            broken.push(format!("bot {} did not exit cleanly after SIGTERM", c.pid));
        }
        let (stats, warned) = c.log.join().unwrap_or((None, 0));
        warnings += warned;
        let (a, b, o) = stats.unwrap_or((None, None, None));
        commits = commits.zip(a).map(|(x, y)| x + y);
        durable = durable.zip(b).map(|(x, y)| x + y);
        ops = ops.zip(o).map(|(x, y)| x + y);
        let config = StoreConfig {
            path: c.dir.join("ticketeer.redb"),
            durability: Durability::Immediate,
        };
        let store = tokio::task::spawn_blocking(move || Store::open(config))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("the stopped bot's store does not open: {e}"))?;
        let mine: Vec<Target> = targets
            .iter()
            .filter(|t| sharding::dir_of(t.seeded.guild_id, ranges.len(), params.shard_total) == d)
            .cloned()
            .collect();
        broken
            .extend(check_invariants(&client, &storm, &mine, (Some(&store), params.threads)).await);
        store.close().await;
        let _ = std::fs::remove_dir_all(&c.dir);
    }
    sim.shutdown().await;
    if durable.is_none() {
        broken.push("a bot printed no store stats at exit".into());
    }
    let extra = json!({
        // The children count from their start: setup (panels, limits) is included.
        "commits": durable.unwrap_or(0),
        "commits_include_setup": true,
        "all_commits": commits,
        "store_ops": ops.unwrap_or(0),
        "bot_log_warnings": warnings,
        "processes": params.processes,
        "shard_total": params.shard_total,
        "tickets_per_process": tickets_per_process,
        "phases_ms": {
            "start_to_ready": ready_ms,
            "start_to_panels_posted": setup_ms,
            "storm_answers": storm.answers_elapsed.as_millis() as u64,
            "storm_end_to_end": storm.elapsed.as_millis() as u64,
            "shutdown": shutdown_ms,
        },
    });
    Ok((figures, broken, extra, peak))
}

/// The null bot: reacts to INTERACTION_CREATE with the same REST calls per ticket as Ticketeer,
/// straight through twilight-http, numbering tickets with an in-memory counter.
struct NullBot {
    discord: Discord,
    counters: Mutex<HashMap<u64, u64>>,
    /// The categories each guild's tickets go in, made at setup: Discord holds at most 50
    /// channels per category, so ticket `n` goes in category `(n - 1) / 50`.
    categories: Mutex<HashMap<u64, Vec<u64>>>,
    /// Member → DM channel, as Ticketeer keeps them: a member's later tickets skip
    /// `POST /users/@me/channels`.
    dm_channels: Mutex<HashMap<u64, u64>>,
    errors: AtomicU64,
    topics: bool,
    /// `--threads`: each guild's panel channel, where its tickets are private threads.
    thread_channels: Mutex<HashMap<u64, u64>>,
    /// `--questions`: Open answers with the form, and its submission opens the ticket.
    questions: bool,
}

impl NullBot {
    fn next_number(&self, guild: u64) -> u64 {
        let mut c = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let n = c.entry(guild).or_insert(0);
        *n += 1;
        *n
    }

    fn error(&self, what: &str, e: impl std::fmt::Display) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        eprintln!("null bot: {what}: {e}");
    }

    async fn handle(
        self: Arc<Self>,
        interaction: Box<twilight_model::application::interaction::Interaction>,
    ) {
        let (Some(guild), Some(user)) = (interaction.guild_id, interaction.author_id()) else {
            return;
        };
        let (guild, user) = (guild.get(), user.get());
        let id = interaction.id.get();
        let token = interaction.token.clone();
        if let Some(InteractionData::ModalSubmit(form)) = &interaction.data {
            return self.open_from_form(guild, user, id, &token, form).await;
        }
        let Some(InteractionData::MessageComponent(data)) = &interaction.data else {
            return;
        };
        let action = custom_id::decode(&data.custom_id).ok();
        if self.questions && action == Some(Action::OpenTicket) {
            // The form, as Ticketeer shows it.
            let form = intake_form();
            let (custom_id, components) = (form.custom_id, form.components);
            let shown = self
                .discord
                .open_modal(id, &token, custom_id, &form.title, components);
            if let Err(e) = shown.await {
                self.error("form", e);
            }
            return;
        }
        if self.topics && action == Some(Action::OpenTicket) {
            // The topic picker, as Ticketeer answers it.
            let options: Vec<_> = (1..=TOPICS as u32)
                .map(|t| (t.to_string(), format!("Topic {t}")))
                .collect();
            let select = ticketeer::actors::guild::string_select(
                custom_id::encode(&Action::PickTopic { opener: user }),
                "Choose a topic",
                options,
            );
            if let Err(e) = self
                .discord
                .reply_ephemeral(id, &token, "What is your ticket about?", vec![select])
                .await
            {
                self.error("topic picker", e);
            }
            return;
        }
        let ack = if self.topics {
            self.discord.defer_update(id, &token).await
        } else {
            self.discord.defer_ephemeral(id, &token).await
        };
        if let Err(e) = ack {
            return self.error("acknowledge", e);
        }
        let topic_name = if self.topics {
            data.values.first().map(|v| format!("Topic {v}"))
        } else {
            None
        };
        let number = self.next_number(guild);
        let Some(channel) = self
            .make_ticket(guild, user, number, topic_name.as_deref())
            .await
        else {
            return;
        };
        self.welcome_answer_dm(guild, user, (number, channel), &token, &[])
            .await;
    }

    /// `--questions`: a submitted form opens the ticket with its answers in the welcome.
    async fn open_from_form(
        &self,
        guild: u64,
        user: u64,
        id: u64,
        token: &str,
        form: &ModalInteractionData,
    ) {
        let mut values = Vec::new();
        form.components
            .iter()
            .for_each(|c| text_inputs(c, &mut values));
        let answers: Vec<Answer> = (values.into_iter())
            .map(|value| Answer {
                label: QUESTION.into(),
                value,
                subject: false,
            })
            .collect();
        if let Err(e) = self.discord.defer_ephemeral(id, token).await {
            return self.error("acknowledge", e);
        }
        let number = self.next_number(guild);
        let Some(channel) = self.make_ticket(guild, user, number, None).await else {
            return;
        };
        self.welcome_answer_dm(guild, user, (number, channel), token, &answers)
            .await;
    }

    /// The ticket's channel (created with its overwrites under its category) or, with
    /// `--threads`, its private thread with the member added: Ticketeer's calls for each.
    async fn make_ticket(
        &self,
        guild: u64,
        user: u64,
        number: u64,
        topic_name: Option<&str>,
    ) -> Option<u64> {
        let threads_in = looked_up(&self.thread_channels, guild);
        let name = naming::channel_name(number);
        if let Some(parent) = threads_in {
            let thread = match self.discord.create_private_thread(parent, &name).await {
                Ok(thread) => thread,
                Err(e) => {
                    self.error("create thread", e);
                    return None;
                }
            };
            if let Err(e) = self.discord.add_thread_member(thread, user).await {
                self.error("add to thread", e);
            }
            return Some(thread);
        }
        let bot = self.discord.bot_user_id();
        let overwrites = access::ticket_overwrites(guild, bot, user, &[], &[]);
        let parent = self
            .categories
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&guild)
            .and_then(|c| c.get(((number - 1) / CATEGORY_CAPACITY) as usize).copied());
        let topic = naming::channel_topic(number, user, topic_name);
        let kind = ChannelType::GuildText;
        match self
            .discord
            .create_channel(guild, &name, kind, parent, Some(&topic), &overwrites)
            .await
        {
            Ok(c) => Some(c),
            Err(e) => {
                self.error("create channel", e);
                None
            }
        }
    }

    /// The welcome, the answer with the link and the DM, as Ticketeer sends them.
    async fn welcome_answer_dm(
        &self,
        guild: u64,
        user: u64,
        (number, channel): (u64, u64),
        token: &str,
        answers: &[Answer],
    ) {
        // The same message the bot posts, so both bots send the same bytes.
        let welcome = ticketeer::actors::ticket::welcome_message(number, user, None);
        let welcome = ticketeer::ui::intake::with_answers(welcome, number, answers);
        if let Err(e) = self.discord.send_message(channel, &welcome, &[user]).await {
            self.error("welcome", e);
        }
        let text = format!(
            "Your ticket #{number} is open: {}",
            channel_link(guild, channel)
        );
        if let Err(e) = self.discord.edit_original(token, &text, &[]).await {
            self.error("answer", e);
        }
        let known = looked_up(&self.dm_channels, user);
        let dm = match known {
            Some(dm) => dm,
            None => match self.discord.open_dm(user).await {
                Ok(dm) => {
                    self.dm_channels
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(user, dm);
                    dm
                }
                Err(e) => return self.error("open DM", e),
            },
        };
        let message = OutgoingMessage {
            content: Some(text),
            ..Default::default()
        };
        if let Err(e) = self.discord.send_message(dm, &message, &[]).await {
            self.error("DM", e);
        }
    }
}

/// `key`'s value in one of the null bot's maps.
fn looked_up(map: &Mutex<HashMap<u64, u64>>, key: u64) -> Option<u64> {
    map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .copied()
}

/// The null bot's gateway, handler and per-guild setup (categories, panel), on the runtime it
/// is called on.
async fn start_null_bot(
    http_url: String,
    gateway_url: String,
    guilds: Vec<SeededGuild>,
    params: Params,
) -> Result<(Arc<NullBot>, Vec<Target>, tokio::task::JoinHandle<()>), String> {
    let token = "simulated-token";
    let discord = Discord::connect(token, Some(&http_url), params.rate_limited())
        .await
        .map_err(|e| format!("null bot could not connect: {e}"))?;
    let nullbot = Arc::new(NullBot {
        discord: discord.clone(),
        counters: Mutex::new(HashMap::new()),
        categories: Mutex::new(HashMap::new()),
        dm_channels: Mutex::new(HashMap::new()),
        errors: AtomicU64::new(0),
        topics: params.topics,
        questions: params.questions,
        thread_channels: Mutex::new(HashMap::new()),
    });
    // As many shards as Ticketeer's processes run together, one identify per spacing.
    let total = params.shard_total.max(1);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(total as usize);
    let handler = nullbot.clone();
    let poller = tokio::spawn(async move {
        let mut shards = tokio::task::JoinSet::new();
        for id in 0..total {
            if id > 0 {
                tokio::time::sleep(NULL_BOT_IDENTIFY_SPACING).await;
            }
            let config = ConfigBuilder::new(token.to_owned(), Intents::GUILDS)
                .proxy_url(gateway_url.clone())
                .queue(twilight_gateway::queue::InMemoryQueue::new(
                    0,
                    1000,
                    Duration::from_secs(86_400),
                    1000,
                ))
                .build();
            let shard = Shard::with_config(ShardId::new(id, total), config);
            shards.spawn(null_bot_shard(shard, handler.clone(), ready_tx.clone()));
        }
        while shards.join_next().await.is_some() {}
    });
    let all_ready = async {
        for _ in 0..total {
            ready_rx.recv().await.ok_or("null bot gateway ended")?;
        }
        Ok::<(), &str>(())
    };
    tokio::time::timeout(
        Duration::from_secs(30) + NULL_BOT_IDENTIFY_SPACING * total,
        all_ready,
    )
    .await
    .map_err(|_| "null bot gateway not ready in time".to_string())??;
    let mut targets = Vec::new();
    for g in &guilds {
        let bot = discord.bot_user_id();
        let mut categories = Vec::new();
        for _ in 0..categories_for(&params) {
            let category = discord
                .create_channel(
                    g.guild_id,
                    "Tickets",
                    ChannelType::GuildCategory,
                    None,
                    None,
                    &access::category_overwrites(g.guild_id, bot, &[]),
                )
                .await
                .map_err(|e| format!("null bot category: {e}"))?;
            categories.push(category);
        }
        nullbot
            .categories
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(g.guild_id, categories);
        if params.threads {
            nullbot
                .thread_channels
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(g.guild_id, g.general_channel_id);
        }
        let panel = discord
            .send_message(
                g.general_channel_id,
                &OutgoingMessage {
                    content: Some("Need help? Open a ticket.".into()),
                    components: vec![button_row(&[(
                        custom_id::encode(&Action::OpenTicket),
                        "Open a ticket",
                        ButtonStyle::Primary,
                    )])],
                    ..Default::default()
                },
                &[],
            )
            .await
            .map_err(|e| format!("null bot panel: {e}"))?;
        targets.push(Target {
            seeded: g.clone(),
            panel,
        });
    }
    Ok((nullbot, targets, poller))
}

/// `--questions`: the form's one question, and every member's answer.
const QUESTION: &str = "Order number";
const ANSWER: &str = "A-1042";

/// The form Ticketeer shows for [`QUESTION`] as `driver::add_question` sets it.
fn intake_form() -> ticketeer::ui::Modal {
    let question = Question {
        label: QUESTION.into(),
        style: QuestionStyle::Short,
        required: true,
        min_len: 1,
        max_len: 100,
        placeholder: String::new(),
        subject: false,
    };
    let submit = Action::IntakeForm { scope: 0 };
    let title = ticketeer::ui::text::Text::IntakeModalTitle;
    ticketeer::ui::intake::form(submit, title, &[question], &[])
}

/// The values of a submitted form's text inputs, in order.
fn text_inputs(component: &ModalInteractionComponent, out: &mut Vec<String>) {
    match component {
        ModalInteractionComponent::ActionRow(row) => {
            row.components.iter().for_each(|c| text_inputs(c, out));
        }
        ModalInteractionComponent::Label(label) => text_inputs(&label.component, out),
        ModalInteractionComponent::TextInput(input) => out.push(input.value.clone()),
        _ => {}
    }
}

/// Guilds one shard may hold (Discord closes a shard with more with 4011).
const GUILDS_PER_SHARD: usize = 2_500;

/// Between two of the null bot's identifies: Discord's 5 s for one identify bucket, with margin.
const NULL_BOT_IDENTIFY_SPACING: Duration = Duration::from_millis(5_500);

/// One of the null bot's shards: every interaction handled on a task of its own.
async fn null_bot_shard(
    mut shard: Shard,
    handler: Arc<NullBot>,
    ready: tokio::sync::mpsc::Sender<()>,
) {
    let mut ready = Some(ready);
    let flags = EventTypeFlags::READY | EventTypeFlags::INTERACTION_CREATE;
    while let Some(item) = shard.next_event(flags).await {
        match item {
            Ok(Event::Ready(_)) => {
                if let Some(tx) = ready.take() {
                    let _ = tx.send(()).await;
                }
            }
            Ok(Event::InteractionCreate(ic)) => {
                tokio::spawn(handler.clone().handle(Box::new(ic.0)));
            }
            Ok(_) => {}
            Err(e) => eprintln!("null bot gateway: {e}"),
        }
    }
}

/// Phase 2: the null bot against a fresh simulator with the same guilds and clicks.
async fn run_null_bot(params: &Params) -> Result<(PhaseFigures, Vec<String>), String> {
    let sim = start_sim(params).await?;
    let client = sim.client();
    let guilds = seed(&sim, params).await;
    // Its own runtime, like Ticketeer's (see `bot_runtime`): connections, gateway and handlers.
    let bot_rt = bot_runtime(NULL_BOT_THREADS[0])?;
    let started = on(
        &bot_rt,
        start_null_bot(sim.http_url(), sim.gateway_url(), guilds, params.clone()),
    )
    .await
    .and_then(|started| started);
    let (nullbot, targets, poller) = match started {
        Ok(started) => started,
        Err(e) => {
            // A runtime may not be dropped inside this one.
            bot_rt.shutdown_background();
            return Err(e);
        }
    };
    let cpu_before = thread_cpu_ms(NULL_BOT_THREADS);
    let load = match params.web_load {
        Some(rate) => {
            Some(PageLoad::start_static(&bot_rt, targets[0].seeded.guild_id, rate).await?)
        }
        None => None,
    };
    let storm = storm(&client, &targets, params, "null bot").await;
    let cpu = cpu_between(&cpu_before, &thread_cpu_ms(NULL_BOT_THREADS));
    if let Some(load) = load {
        load.stop().await;
    }
    let mut figures = figures(&storm);
    figures.cpu_ms = cpu;
    figures.errors += nullbot.errors.load(Ordering::Relaxed);
    let broken = check_invariants(&client, &storm, &targets, (None, params.threads)).await;
    poller.abort();
    bot_rt.shutdown_background();
    sim.shutdown().await;
    Ok((figures, broken))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn ms3(h: &Histogram<u64>) -> String {
    if h.is_empty() {
        return "-".into();
    }
    format!(
        "{} / {} / {}",
        h.value_at_quantile(0.5),
        h.value_at_quantile(0.99),
        h.max()
    )
}

/// Both bots over the same workload, back to back.
struct Round {
    bot: PhaseFigures,
    null: PhaseFigures,
    /// Ticketeer's store and phase figures (see `run_ticketeer`).
    extra: Value,
    /// `None` when the null bot failed part of its work: a baseline that did is no baseline.
    ratio: Option<f64>,
}

impl PhaseFigures {
    /// Pools another round into this one: latencies into one histogram, counts summed.
    fn absorb(&mut self, other: PhaseFigures) {
        let _ = self.ack.add(&other.ack);
        let _ = self.answer.add(&other.answer);
        let _ = self.channel.add(&other.channel);
        self.tickets += other.tickets;
        self.rest.absorb(other.rest);
        self.returning_rest.absorb(other.returning_rest);
        self.returning_tickets += other.returning_tickets;
        self.errors += other.errors;
        self.error_samples.extend(other.error_samples);
        self.error_samples.truncate(5);
        self.elapsed += other.elapsed;
        self.in_line += other.in_line;
        self.cpu_ms = self.cpu_ms.zip(other.cpu_ms).map(|(a, b)| a + b);
    }

    fn cpu_ms_per_ticket(&self) -> Option<f64> {
        self.cpu_ms.map(|ms| ms / self.tickets.max(1) as f64)
    }

    /// Limited REST calls per ticket of a member's first ticket (the first wave) and of their
    /// later ones (`None` with one ticket per member).
    fn limited_per_ticket_first_and_later(&self) -> (f64, Option<f64>) {
        let first_tickets = self.tickets.saturating_sub(self.returning_tickets).max(1);
        let first_calls = self
            .rest
            .limited
            .saturating_sub(self.returning_rest.limited);
        let later = (self.returning_tickets > 0)
            .then(|| self.returning_rest.limited as f64 / self.returning_tickets as f64);
        (first_calls as f64 / first_tickets as f64, later)
    }
}

impl RestCounts {
    fn absorb(&mut self, other: RestCounts) {
        self.total += other.total;
        self.limited += other.limited;
        self.rate_limited += other.rate_limited;
        self.failed_interactions += other.failed_interactions;
        for (route, n) in other.per_route {
            *self.per_route.entry(route).or_default() += n;
        }
        for (route, n) in other.rate_limited_per_route {
            *self.rate_limited_per_route.entry(route).or_default() += n;
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The figures both bots report, under the same keys (Ticketeer's at the top level of the JSON,
/// the null bot's under `null_bot`).
fn phase_report(
    f: &PhaseFigures,
    tickets_per_s: f64,
    answers_per_s: f64,
) -> serde_json::Map<String, Value> {
    let tickets = f.tickets.max(1) as f64;
    let report = json!({
        "tickets": f.tickets,
        "tickets_per_s": tickets_per_s,
        "answers_per_s": answers_per_s,
        "cpu_ms_per_ticket": f.cpu_ms_per_ticket(),
        "ack_ms": summary(&f.ack),
        "click_to_channel_ms": summary(&f.channel),
        "click_to_answer_ms": summary(&f.answer),
        "rest_calls_per_ticket": f.rest.total as f64 / tickets,
        "limited_rest_calls_per_ticket": f.rest.limited as f64 / tickets,
        "limited_rest_calls_per_first_ticket": f.limited_per_ticket_first_and_later().0,
        "limited_rest_calls_per_later_ticket": f.limited_per_ticket_first_and_later().1,
        "errors": f.errors,
        "error_samples": f.error_samples,
        "elapsed_ms": f.elapsed.as_millis() as u64,
        "rate_limited_429s": f.rest.rate_limited,
        "rate_limited_429s_per_route": f.rest.rate_limited_per_route,
    });
    match report {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

fn sum_of(rounds: &[Round], key: &str) -> u64 {
    rounds
        .iter()
        .map(|r| r.extra[key].as_u64().unwrap_or(0))
        .sum()
}

async fn run(params: Params) -> Result<bool, String> {
    let mut rounds = Vec::with_capacity(params.rounds);
    let mut broken = Vec::new();
    let mut peak = None;
    for round in 0..params.rounds {
        // Every other round the null bot goes first, so neither bot always meets the machine
        // in the same state (warm caches, a neighbour's burst at a fixed point in the run).
        let null_first = if round % 2 == 1 {
            Some(run_null_bot(&params).await?)
        } else {
            None
        };
        let (bot, bot_broken, extra, bot_peak) = if params.split {
            run_ticketeer_split(&params).await?
        } else {
            run_ticketeer(&params).await?
        };
        let (null, null_broken) = match null_first {
            Some(done) => done,
            None => run_null_bot(&params).await?,
        };
        broken.extend(bot_broken);
        broken.extend(null_broken.into_iter().map(|b| format!("null bot: {b}")));
        peak = peak.max(bot_peak);
        let ratio = (null.errors == 0 && null.tickets == params.tickets() as u64)
            .then(|| bot.tickets_per_s / null.tickets_per_s);
        if params.rounds > 1 {
            println!(
                "round {}/{}: ticketeer {:.1} tickets/s (ack p99 {} ms), null bot {:.1} tickets/s (ack p99 {} ms), ratio {}",
                round + 1,
                params.rounds,
                bot.tickets_per_s,
                bot.ack.value_at_quantile(0.99),
                null.tickets_per_s,
                null.ack.value_at_quantile(0.99),
                ratio.map_or("n/a".into(), |r| format!("{r:.3}"))
            );
        }
        rounds.push(Round {
            bot,
            null,
            extra,
            ratio,
        });
    }
    // Throughput per round, paired: the median round's figures, not a mean one bad round drags.
    let ratio = rounds
        .iter()
        .map(|r| r.ratio)
        .collect::<Option<Vec<f64>>>()
        .map(median);
    let bot_tickets_per_s = median(rounds.iter().map(|r| r.bot.tickets_per_s).collect());
    let null_tickets_per_s = median(rounds.iter().map(|r| r.null.tickets_per_s).collect());
    let bot_answers_per_s = median(rounds.iter().map(|r| r.bot.answers_per_s).collect());
    let null_answers_per_s = median(rounds.iter().map(|r| r.null.answers_per_s).collect());
    let per_round: Vec<Value> = rounds
        .iter()
        .map(|r| {
            json!({
                "tickets_per_s": r.bot.tickets_per_s,
                "null_bot_tickets_per_s": r.null.tickets_per_s,
                "ratio": r.ratio,
                "ack_ms": summary(&r.bot.ack),
                "null_bot_ack_ms": summary(&r.null.ack),
                "cpu_ms_per_ticket": r.bot.cpu_ms_per_ticket(),
                "null_bot_cpu_ms_per_ticket": r.null.cpu_ms_per_ticket(),
                "phases_ms": r.extra["phases_ms"],
            })
        })
        .collect();
    let commits = sum_of(&rounds, "commits");
    let all_commits = sum_of(&rounds, "all_commits");
    let store_ops = sum_of(&rounds, "store_ops");
    let store_reads = sum_of(&rounds, "store_reads");
    let phases_ms = rounds[0].extra["phases_ms"].clone();
    let mut pooled = rounds.into_iter();
    let first = pooled.next().ok_or("no round ran")?;
    let (mut bot, mut nullbot) = (first.bot, first.null);
    for r in pooled {
        bot.absorb(r.bot);
        nullbot.absorb(r.null);
    }
    let expected = (params.tickets() * params.rounds) as u64;
    let tickets = bot.tickets.max(1) as f64;
    let rest_per_ticket = bot.rest.total as f64 / tickets;
    let limited_per_ticket = bot.rest.limited as f64 / tickets;
    let commits_per_ticket = commits as f64 / tickets;
    let null_tickets = nullbot.tickets.max(1) as f64;
    // One phase's served limited calls (the figures pool every round).
    let served = |r: &RestCounts| r.limited.saturating_sub(r.rate_limited) as f64;
    let served_later = served(&bot.returning_rest);
    let served_first = served(&bot.rest) - served_later;
    let one_round = |calls: f64| calls / params.rounds as f64;
    let bound = discord_bound(&params, one_round(served_first), one_round(served_later));
    let (discord_bound, binding) = bound.min();
    let missing = expected.saturating_sub(bot.tickets);
    let invariants_ok = broken.is_empty() && missing == 0;
    if missing > 0 {
        broken.push(format!(
            "{missing} of {expected} clicks did not end in a ticket"
        ));
    }
    let null_report = Value::Object(phase_report(
        &nullbot,
        null_tickets_per_s,
        null_answers_per_s,
    ));
    let params_report = json!({
        "guilds": params.guilds,
        "idle_guilds": params.idle_guilds,
        "clickers_per_guild": params.clickers,
        "tickets_per_member": params.tickets_per_member,
        "in_flight": IN_FLIGHT,
        "rate_limits": if params.rate_limited() { "discord" } else { "off" },
        "durability": match params.durability { Durability::Immediate => "immediate", Durability::None => "none" },
        "topics": params.topics,
        "split": params.split,
        "rounds": params.rounds,
        "delivery": match params.delivery {
            Delivery::Concurrent => json!("concurrent"),
            Delivery::Rate(r) => json!({"rate_per_s": r}),
            Delivery::Burst => json!("burst"),
        },
    });
    // The bot's figures at the top level, with what only it has beside them.
    let mut report = phase_report(&bot, bot_tickets_per_s, bot_answers_per_s);
    let only_the_bot = json!({
        "null_bot_tickets_per_s": null_tickets_per_s,
        "ratio": ratio,
        "rounds": per_round,
        "commits_per_ticket": commits_per_ticket,
        "peak_rss_bytes": peak,
        "invariants_ok": invariants_ok,
        "broken_invariants": broken,
        "answers_via_waiting_line": bot.in_line,
        "discord_bound_tickets_per_s": if params.rate_limited() { json!(discord_bound) } else { Value::Null },
        "discord_bound": if params.rate_limited() {
            json!({
                "binding": binding,
                "global_min_s": bound.sum(|w| w.global_s),
                "channel_create_min_s": bound.sum(|w| w.channel_create_s),
                "dm_create_min_s": bound.sum(|w| w.dm_create_s),
                "waves": bound.waves.iter().map(|w| json!({
                    "global_min_s": w.global_s,
                    "channel_create_min_s": w.channel_create_s,
                    "dm_create_min_s": w.dm_create_s,
                })).collect::<Vec<_>>(),
                "ticketeer_share_of_bound": bot_tickets_per_s / discord_bound,
            })
        } else {
            Value::Null
        },
        "rest_calls_per_route": bot.rest.per_route,
        "store_ops_per_ticket": store_ops as f64 / tickets,
        "store_transactions_per_ticket": all_commits as f64 / tickets,
        // Not counted across processes: `--split` reports null.
        "store_reads_per_ticket": (!params.split).then(|| store_reads as f64 / tickets),
        "phases_ms": phases_ms,
        "null_bot": null_report,
        "params": params_report,
    });
    if let Value::Object(extra) = only_the_bot {
        report.extend(extra);
    }
    let report = Value::Object(report);
    let dir = target_dir();
    let path = dir.join("ticket_storm.json");
    let written = std::fs::create_dir_all(&dir).and_then(|_| {
        std::fs::write(
            &path,
            serde_json::to_vec_pretty(&report).unwrap_or_default(),
        )
    });
    println!();
    println!(
        "ticket_storm: {} guilds x {} clickers x {} tickets each, rate limits {}, durability {}, topics {}",
        params.guilds,
        params.clickers,
        params.tickets_per_member,
        if params.rate_limited() {
            "discord"
        } else {
            "off"
        },
        match params.durability {
            Durability::Immediate => "immediate",
            Durability::None => "none",
        },
        params.topics
    );
    println!("delivery: {}", params.delivery.name());
    println!("{:<34} {:>16} {:>16}", "", "ticketeer", "null bot");
    println!(
        "{:<34} {:>16} {:>16}",
        "tickets", bot.tickets, nullbot.tickets
    );
    println!(
        "{:<34} {:>16.1} {:>16.1}",
        "tickets/s (end to end, median)", bot_tickets_per_s, null_tickets_per_s
    );
    let cpu = |f: &PhaseFigures| {
        f.cpu_ms_per_ticket()
            .map_or("-".into(), |ms| format!("{ms:.3}"))
    };
    println!(
        "{:<34} {:>16} {:>16}",
        "bot CPU ms / ticket",
        cpu(&bot),
        cpu(&nullbot)
    );
    println!(
        "{:<34} {:>16} {:>16}",
        "ack ms p50/p99/max",
        ms3(&bot.ack),
        ms3(&nullbot.ack)
    );
    println!(
        "{:<34} {:>16} {:>16}",
        "click->channel ms p50/p99/max",
        ms3(&bot.channel),
        ms3(&nullbot.channel)
    );
    println!(
        "{:<34} {:>16} {:>16}",
        "click->answer ms p50/p99/max",
        ms3(&bot.answer),
        ms3(&nullbot.answer)
    );
    println!(
        "{:<34} {:>16.2} {:>16.2}",
        "REST calls / ticket",
        rest_per_ticket,
        nullbot.rest.total as f64 / null_tickets
    );
    println!(
        "{:<34} {:>16.2} {:>16.2}",
        "limited REST calls / ticket",
        limited_per_ticket,
        nullbot.rest.limited as f64 / null_tickets
    );
    if params.tickets_per_member > 1 {
        let first_and_later = |f: &PhaseFigures| {
            let (first, later) = f.limited_per_ticket_first_and_later();
            format!("{first:.2} / {:.2}", later.unwrap_or(f64::NAN))
        };
        println!(
            "{:<34} {:>16} {:>16}",
            "  member's first / later tickets",
            first_and_later(&bot),
            first_and_later(&nullbot)
        );
    }
    println!(
        "{:<34} {:>16.3} {:>16}",
        "durable commits / ticket", commits_per_ticket, "-"
    );
    println!(
        "{:<34} {:>16.3} {:>16}",
        "store transactions / ticket",
        all_commits as f64 / tickets,
        "-"
    );
    if !params.split {
        println!(
            "{:<34} {:>16.3} {:>16}",
            "store reads / ticket",
            store_reads as f64 / tickets,
            "-"
        );
    }
    println!("{:<34} {:>16} {:>16}", "errors", bot.errors, nullbot.errors);
    println!(
        "{:<34} {:>16} {:>16}",
        "answers via the waiting line", bot.in_line, "-"
    );
    println!(
        "{:<34} {:>16} {:>16}",
        "peak RSS MiB (process)",
        peak.map(|b| format!("{:.1}", b as f64 / 1_048_576.0))
            .unwrap_or("-".into()),
        "-"
    );
    match ratio {
        Some(ratio) => println!(
            "ratio = ticketeer tickets/s / null-bot tickets/s = {ratio:.3}{}",
            if params.rounds > 1 {
                " (median of the rounds)"
            } else {
                ""
            }
        ),
        None => {
            println!("ratio = n/a: the null bot did not complete every ticket (see its errors)")
        }
    }
    if params.rate_limited() {
        println!(
            "Discord's bound for this workload: {discord_bound:.2} tickets/s (binding: {binding}; {limited_per_ticket:.2} limited calls per ticket)",
        );
        for (i, w) in bound.waves.iter().enumerate() {
            println!(
                "  wave {}: least seconds per constraint: global 50 req/s {:.0} s, channel creation {:.0} s, DM channel creation {:.0} s",
                i + 1,
                w.global_s,
                w.channel_create_s,
                w.dm_create_s
            );
        }
        println!(
            "ticketeer reached {:.0}% of the bound; 429s received: {} (null bot {})",
            100.0 * bot_tickets_per_s / discord_bound,
            bot.rest.rate_limited,
            nullbot.rest.rate_limited
        );
        for (who, rest) in [("ticketeer", &bot.rest), ("null bot", &nullbot.rest)] {
            for (route, n) in &rest.rate_limited_per_route {
                println!("{who}: {n} 429s on {route}");
            }
        }
    }
    for e in bot.error_samples.iter().chain(&nullbot.error_samples) {
        println!("error sample: {e}");
    }
    match written {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => println!("could not write {}: {e}", path.display()),
    }
    if invariants_ok {
        println!("invariants: ok");
    } else {
        for b in &broken {
            println!("INVARIANT BROKEN: {b}");
        }
    }
    Ok(invariants_ok)
}

/// The allocator `ticketeer` itself runs with (see `src/main.rs`).
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

fn main() -> ExitCode {
    // The allocator tuned as the binary tunes it (src/main.rs); it is process-wide, so the null
    // bot runs with the same settings.
    ticketeer::allocator::return_freed_memory_promptly();
    // The bot's own log, when asked for (`RUST_LOG=warn cargo bench ...`): quiet by default so
    // the table and the progress bar stay readable.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let params = match Params::from_flags(<Flags as clap::Parser>::parse()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("ticket_storm: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ticket_storm: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(params)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("ticket_storm: {e}");
            ExitCode::FAILURE
        }
    }
}
