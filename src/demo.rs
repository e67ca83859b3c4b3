//! `ticketeer demo` (and `cargo run --release` with no token): a simulator and the real bot in one
//! process, playing a server's day: a panel is posted, members open tickets at once, write in
//! them, and staff close and delete them. Ends with one summary line; non-zero exit on any failure.

use std::{path::PathBuf, sync::Arc, time::Duration};

use futures_util::future::join_all;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::{
    actors::{Bot, BotConfig},
    cli::DemoArgs,
    domain::custom_id::{self, Action},
    run::AppError,
    sim::{self, SimConfig, client::SimClient},
};

/// How long a person waits for the bot's answer before the demo counts a failure.
const ANSWER_WAIT_MS: u64 = 15_000;

/// The first component (by message order) whose custom id decodes to an action `wanted` accepts:
/// `(message id, custom id)`. This is how a person finds the button they mean.
pub fn find_action(messages: &[Value], wanted: impl Fn(&Action) -> bool) -> Option<(u64, String)> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(id)) = map.get("custom_id") {
                    out.push(id.clone());
                }
                for v in map.values() {
                    walk(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    messages.iter().find_map(|m| {
        let mut ids = Vec::new();
        walk(m.get("components")?, &mut ids);
        let id = ids
            .into_iter()
            .find(|id| custom_id::decode(id).is_ok_and(|a| wanted(&a)))?;
        Some((m.get("id")?.as_str()?.parse().ok()?, id))
    })
}

/// The channel id in a `https://discord.com/channels/G/C` link inside `text`.
pub fn channel_from_link(text: &str) -> Option<u64> {
    let start = text.find("/channels/")? + "/channels/".len();
    let rest = &text[start..];
    let mut parts = rest.split('/');
    let _guild = parts.next()?;
    let channel: String = parts.next()?.chars().take_while(|c| c.is_ascii_digit()).collect();
    channel.parse().ok()
}

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

/// Waits for the bot's answer to interaction `id`; the answer's text when it responded.
async fn answer(client: &SimClient, id: u64) -> Option<String> {
    let outcome = client.wait_interaction(id, ANSWER_WAIT_MS).await.ok()?;
    if outcome.state != "responded" {
        return None;
    }
    // A deferred answer is edited later: poll briefly for the final text.
    for _ in 0..150 {
        let outcome = client.wait_interaction(id, 100).await.ok()?;
        let content = outcome
            .message
            .as_ref()
            .and_then(|m| m.get("content"))
            .and_then(|c| c.as_str())
            .unwrap_or("")
            .to_owned();
        if !content.is_empty() {
            return Some(content);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

async fn scenario(client: &SimClient, seeded: &sim::SeededGuild) -> Tally {
    let mut tally = Tally::default();
    let guild = seeded.guild_id;
    let general = seeded.general_channel_id;

    // 1. The owner posts the panel.
    let panel_answer = match client
        .command(guild, general, seeded.owner_id, "ticket", serde_json::json!([{"name": "panel", "type": 1, "options": []}]))
        .await
    {
        Ok(id) => answer(client, id).await,
        Err(_) => None,
    };
    if panel_answer.is_none() {
        tally.failed += 1;
        return tally;
    }
    let open_id = custom_id::encode(&Action::OpenTicket);
    let panel = match client.channel_messages(general).await {
        Ok(messages) => find_action(&messages, |a| *a == Action::OpenTicket).map(|(m, _)| m),
        Err(_) => None,
    };
    let Some(panel) = panel else {
        tally.failed += 1;
        return tally;
    };

    // 2. Members open tickets, all at once.
    let openers: Vec<u64> = seeded.member_ids.iter().copied().take(20).collect();
    let bar = ProgressBar::new(openers.len() as u64 * 3);
    bar.set_style(
        ProgressStyle::with_template("demo: {bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("opening tickets");
    let client = Arc::new(client.clone());
    let opens = openers.iter().map(|&member| {
        let client = client.clone();
        let open_id = open_id.clone();
        let bar = bar.clone();
        async move {
            let id = client.click(guild, general, member, panel, &open_id).await.ok()?;
            let text = answer(&client, id).await?;
            bar.inc(1);
            Some((member, channel_from_link(&text)?))
        }
    });
    let tickets: Vec<Option<(u64, u64)>> = join_all(opens).await;
    let tickets: Vec<(u64, u64)> = tickets
        .into_iter()
        .map(|t| {
            if t.is_none() {
                tally.failed += 1;
            }
            t
        })
        .flatten()
        .collect();
    tally.opened = tickets.len();

    // 3. Openers write in their tickets.
    bar.set_message("members writing");
    for (member, channel) in &tickets {
        if client
            .post_message(*channel, *member, "Hello, I need help with my order **#42**.")
            .await
            .is_err()
        {
            tally.failed += 1;
        }
    }

    // 4. Openers close half of them; staff delete those.
    bar.set_message("closing and deleting");
    for (i, (member, channel)) in tickets.iter().enumerate() {
        if i % 2 == 1 {
            bar.inc(2);
            continue;
        }
        let messages = client.channel_messages(*channel).await.unwrap_or_default();
        let close_button = find_action(&messages, |a| matches!(a, Action::Close { .. }));
        let Some((message, close_id)) = close_button else {
            tally.failed += 1;
            continue;
        };
        let closed = match client.click(guild, *channel, *member, message, &close_id).await {
            Ok(id) => answer(&client, id).await.is_some_and(|t| t.contains("closed")),
            Err(_) => false,
        };
        bar.inc(1);
        if !closed {
            tally.failed += 1;
            continue;
        }
        tally.closed += 1;
        tally.transcripts += 1;
        let messages = client.channel_messages(*channel).await.unwrap_or_default();
        let delete = find_action(&messages, |a| matches!(a, Action::Delete { .. }));
        let Some((message, delete_id)) = delete else {
            tally.failed += 1;
            continue;
        };
        let deleted = match client
            .click(guild, *channel, seeded.staff_id, message, &delete_id)
            .await
        {
            Ok(id) => answer(&client, id).await.is_some_and(|t| t.contains("deleted")),
            Err(_) => false,
        };
        bar.inc(1);
        if deleted {
            tally.deleted += 1;
        } else {
            tally.failed += 1;
        }
    }
    bar.finish_and_clear();
    tally
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_links_are_parsed() {
        assert_eq!(
            channel_from_link("Your ticket #1 is open: https://discord.com/channels/5/77"),
            Some(77)
        );
        assert_eq!(channel_from_link("no link"), None);
    }
}
