//! `ticketeer demo` (and `cargo run --release` with no token): a simulator and the real bot in one
//! process, playing a server's day: a panel is posted, members open tickets at once, write in
//! them, and staff close and delete them. Ends with one summary line; non-zero exit on any failure.

use std::{path::PathBuf, time::Duration};

use futures_util::future::join_all;
use indicatif::{ProgressBar, ProgressStyle};

use crate::{
    actors::{Bot, BotConfig},
    cli::DemoArgs,
    domain::custom_id::Action,
    driver,
    run::AppError,
    sim::{self, SimConfig, client::SimClient},
};

pub use crate::driver::{channel_from_link, find_action};

#[derive(Debug, Default)]
struct Tally {
    opened: usize,
    closed: usize,
    deleted: usize,
    transcripts: usize,
    failed: usize,
}

pub async fn run(args: DemoArgs) -> Result<(), AppError> {
    let sim = sim::start(SimConfig {
        rate_limits: args.rate_limits,
        ..SimConfig::default()
    })
    .await?;
    let data_dir = match args.data_dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!("ticketeer-demo-{}", std::process::id())),
    };
    let _ = std::fs::remove_file(data_dir.join("ticketeer.redb"));
    let client = sim.client();
    let seeded = sim.seed_guild(args.members).await;
    println!(
        "demo: simulator at {}, guild {} with {} members",
        sim.http_url(),
        seeded.guild_id,
        seeded.member_ids.len()
    );
    let bot = Bot::start(BotConfig::for_simulator(
        &sim.http_url(),
        &sim.gateway_url(),
        data_dir.clone(),
    ))
    .await?;
    if !bot.wait_ready(1, Duration::from_secs(30)).await {
        return Err("the bot did not connect to the simulator within 30 s".into());
    }
    let tally = scenario(&client, &seeded).await;
    let summary = format!(
        "demo: opened={} closed={} deleted={} transcripts={} failed={}",
        tally.opened, tally.closed, tally.deleted, tally.transcripts, tally.failed
    );
    bot.shutdown().await;
    sim.shutdown().await;
    cleanup(&data_dir);
    println!("{summary}");
    if tally.failed > 0 {
        return Err(format!("{} demo steps failed", tally.failed).into());
    }
    Ok(())
}

fn cleanup(dir: &PathBuf) {
    let _ = std::fs::remove_file(dir.join("ticketeer.redb"));
    let _ = std::fs::remove_dir(dir);
}

/// Counts a failed step and says what went wrong, above the progress bar.
fn failed(tally: &mut Tally, bar: &ProgressBar, step: &str, error: impl std::fmt::Display) {
    tally.failed += 1;
    bar.println(format!("demo: {step} failed: {error}"));
}

async fn scenario(client: &SimClient, seeded: &sim::SeededGuild) -> Tally {
    let mut tally = Tally::default();
    let guild = seeded.guild_id;
    let openers: Vec<u64> = seeded.member_ids.iter().copied().take(20).collect();
    let bar = ProgressBar::new(openers.len() as u64 * 3 + 2);
    bar.set_style(
        ProgressStyle::with_template("demo: {bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    // 1. The owner makes the Staff role staff and posts the panel.
    bar.set_message("setting up");
    if let Err(error) = driver::configure_staff(client, seeded).await {
        failed(&mut tally, &bar, "staff role setup", error);
        return tally;
    }
    bar.inc(1);
    let panel = match driver::post_panel(client, seeded).await {
        Ok(panel) => panel,
        Err(error) => {
            failed(&mut tally, &bar, "panel", error);
            return tally;
        }
    };
    bar.inc(1);

    // 2. Members open tickets, all at once.
    bar.set_message("opening tickets");
    let opens = openers.iter().map(|&member| {
        let bar = bar.clone();
        async move {
            let result = driver::click_open(client, seeded, panel, member).await;
            bar.inc(1);
            (member, result)
        }
    });
    let mut tickets = Vec::new();
    for (member, result) in join_all(opens).await {
        match result {
            Ok((_, text)) => match channel_from_link(&text) {
                Some(channel) => tickets.push((member, channel)),
                None => failed(
                    &mut tally,
                    &bar,
                    "open",
                    format!("answer without a link: {text}"),
                ),
            },
            Err(error) => failed(&mut tally, &bar, "open", error),
        }
    }
    tally.opened = tickets.len();

    // 3. Openers write in their tickets.
    bar.set_message("members writing");
    for (member, channel) in &tickets {
        if let Err(error) = client
            .post_message(
                *channel,
                *member,
                "Hello, I need help with my order **#42**.",
            )
            .await
        {
            failed(&mut tally, &bar, "writing", error);
        }
    }

    // 4. Openers close half of them; staff delete those.
    bar.set_message("closing and deleting");
    for (i, (member, channel)) in tickets.iter().enumerate() {
        if i % 2 == 1 {
            bar.inc(2);
            continue;
        }
        match driver::press(client, guild, *channel, *member, "Close", |a| {
            matches!(a, Action::Close { .. })
        })
        .await
        {
            Ok(text) if text.contains("closed") => {
                tally.closed += 1;
                tally.transcripts += 1;
            }
            Ok(text) => {
                failed(&mut tally, &bar, "close", text);
                continue;
            }
            Err(error) => {
                failed(&mut tally, &bar, "close", error);
                continue;
            }
        }
        bar.inc(1);
        match driver::press(client, guild, *channel, seeded.staff_id, "Delete", |a| {
            matches!(a, Action::Delete { .. })
        })
        .await
        {
            Ok(text) if text.contains("deleted") => tally.deleted += 1,
            Ok(text) => failed(&mut tally, &bar, "delete", text),
            Err(error) => failed(&mut tally, &bar, "delete", error),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    tally
}
