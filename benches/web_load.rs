//! `cargo bench --bench web_load [-- --rate N --secs S]`: page views against the bot's web side.
//!
//! One process: the simulator, the real bot with `--http` on, one closed ticket of 100 messages
//! (markdown, mentions, an image kept at close). Then an open-loop load on loopback: `--rate`
//! (1,000) transcript page views per second for `--secs` (10), each sent at its scheduled time
//! however many are still in flight, and its latency counted from that time (a slow server is
//! not excused by sending later). Also: a 10,000-message transcript page, served and loaded in
//! headless chromium. docs/benchmarks.md has the runs.

use std::{
    process::{Command, ExitCode},
    sync::Arc,
    time::{Duration, Instant},
};

use hdrhistogram::Histogram;
use ticketeer::{
    actors::{Bot, BotConfig},
    domain::{
        custom_id::Action,
        transcript::{TranscriptDoc, TranscriptMessage, TranscriptMeta},
    },
    driver::{self, channel_from_link},
    sim::{self, RateLimitMode, SimConfig},
    store::WriteOp,
    web::{Audience, WebConfig},
};
use tokio::sync::Mutex;

fn flag(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let rate = flag(&args, "--rate", 1_000).max(1);
    let secs = flag(&args, "--secs", 10).max(1);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("web_load: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(rate, secs)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("web_load: {e}");
            ExitCode::FAILURE
        }
    }
}

type R<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

async fn run(rate: u64, secs: u64) -> R<()> {
    let sim = sim::start(SimConfig {
        rate_limits: RateLimitMode::Off,
        message_content: true,
        ..SimConfig::default()
    })
    .await?;
    let client = sim.client();
    let g = sim.seed_guild(3).await;
    let dir = std::env::temp_dir().join(format!("ticketeer-web-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut config = BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), dir.clone());
    config.ratelimiter = false;
    config.web = Some(WebConfig::new("127.0.0.1:0".parse()?));
    let bot = Bot::start(config).await?;
    if !bot.wait_ready(1, Duration::from_secs(30)).await {
        return Err("the bot did not become ready".into());
    }
    driver::configure_staff(&client, &g).await?;
    let panel = driver::post_panel(&client, &g).await?;
    let opener = g.member_ids[0];
    let (_, answer) = driver::click_open(&client, &g, panel, opener).await?;
    let channel = channel_from_link(&answer).ok_or("no ticket link")?;
    for i in 0..100 {
        let who = if i % 2 == 0 { opener } else { g.staff_id };
        client
            .post_message(
                channel,
                who,
                &format!(
                    "message {i}: **bold**, `code`, <@{opener}> and a https://example.org link"
                ),
            )
            .await?;
    }
    driver::press(&client, g.guild_id, channel, g.staff_id, "Close", |a| {
        matches!(a, Action::Close { .. })
    })
    .await?;
    let links = bot.links().ok_or("the web side is off")?.clone();
    let page = links.transcript(g.guild_id, 1, Audience::Staff);
    // The close stores the page; wait until it is served.
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while http.get(&page).send().await?.status() != 200 {
        if Instant::now() > deadline {
            return Err("the transcript page never appeared".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let size = http.get(&page).send().await?.bytes().await?.len();

    let (hist, errors, took) = load(&http, &page, rate, secs).await?;
    let total = rate * secs;
    println!(
        "web_load: {total} views of a 100-message page ({} KiB) at {rate}/s for {secs} s: \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {errors} errors, done in {:.2} s",
        size / 1024,
        hist.value_at_quantile(0.5) as f64 / 1000.0,
        hist.value_at_quantile(0.99) as f64 / 1000.0,
        hist.max() as f64 / 1000.0,
        took.as_secs_f64()
    );
    big_page(&bot, &http, &links, g.guild_id).await?;
    bot.shutdown().await;
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    if errors > 0 {
        return Err(format!("{errors} page views failed").into());
    }
    Ok(())
}

/// Open loop: request `i` is sent at `start + i / rate` and timed from then, in microseconds.
async fn load(
    http: &reqwest::Client,
    page: &str,
    rate: u64,
    secs: u64,
) -> R<(Histogram<u64>, u64, Duration)> {
    let hist = Arc::new(Mutex::new(Histogram::<u64>::new_with_bounds(
        1, 60_000_000, 3,
    )?));
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity((rate * secs) as usize);
    for i in 0..rate * secs {
        let due = start + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due.into()).await;
        let (http, page, hist, errors) =
            (http.clone(), page.to_owned(), hist.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let ok = match http.get(&page).send().await {
                Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            if !ok {
                errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            let micros = due.elapsed().as_micros().max(1) as u64;
            let _ = hist.lock().await.record(micros);
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let took = start.elapsed();
    let hist = hist.lock().await.clone();
    Ok((
        hist,
        errors.load(std::sync::atomic::Ordering::Relaxed),
        took,
    ))
}

/// A 10,000-message transcript: served once (time and size), then loaded and rendered by
/// headless chromium, less its start-up (measured on an empty page).
async fn big_page(
    bot: &Bot,
    http: &reqwest::Client,
    links: &ticketeer::web::Links,
    guild: u64,
) -> R<()> {
    let messages = (0..10_000u64)
        .map(|i| TranscriptMessage {
            id: i + 1,
            author_id: 100 + i % 5,
            author_name: format!("person {}", i % 5),
            timestamp: "2026-11-30T12:00:00+00:00".into(),
            content: format!(
                "message {i}: **bold**, `code`, <@100> and a https://example.org link"
            ),
            ..Default::default()
        })
        .collect();
    let doc = TranscriptDoc {
        meta: TranscriptMeta {
            guild_id: guild,
            number: 9_999,
            opener_id: 100,
            ..Default::default()
        },
        messages,
        staff_notes: Vec::new(),
        name_colors: Vec::new(),
    };
    bot.store()
        .write(vec![WriteOp::PutTranscriptPage {
            guild,
            number: 9_999,
            doc: Box::new(doc),
        }])
        .await?;
    let url = links.transcript(guild, 9_999, Audience::Staff);
    let started = Instant::now();
    let body = http.get(&url).send().await?.bytes().await?;
    let served = started.elapsed();
    let browser = |target: &str| -> R<Duration> {
        let profile = std::env::temp_dir().join(format!(
            "ticketeer-web-load-chromium-{}",
            std::process::id()
        ));
        let started = Instant::now();
        let out = Command::new("chromium")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(target)
            .output()?;
        let _ = std::fs::remove_dir_all(&profile);
        if !out.status.success() {
            return Err("chromium failed".into());
        }
        Ok(started.elapsed())
    };
    let (empty, full) = match (browser("about:blank"), browser(&url)) {
        (Ok(e), Ok(f)) => (e, f),
        _ => {
            println!(
                "web_load: 10,000-message page: {} KiB served in {} ms (chromium not available)",
                body.len() / 1024,
                served.as_millis()
            );
            return Ok(());
        }
    };
    println!(
        "web_load: 10,000-message page: {} KiB served in {} ms; chromium loaded and rendered it in {} ms ({} ms less {} ms start-up)",
        body.len() / 1024,
        served.as_millis(),
        full.saturating_sub(empty).as_millis(),
        full.as_millis(),
        empty.as_millis()
    );
    Ok(())
}
