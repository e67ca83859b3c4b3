//! `ticketeer demo` (and `cargo run --release` with no token): a simulator and the real bot in one
//! process, playing a server's day through the same menus a person uses: the owner sets up staff,
//! a log channel and topics in the `/ticket` hub and posts a panel; members open tickets at once,
//! each picking a topic, and write in them; an admin adds and removes a helper; openers close half
//! (transcripts go to the log channel), staff reopen one, close it again and delete the closed
//! ones. Ends with one summary line; non-zero exit on any failure. Every counted step is checked
//! against what the simulator shows, so `failed=0` means each one really happened.

use std::{path::PathBuf, time::Duration};

use futures_util::future::join_all;
use indicatif::{ProgressBar, ProgressStyle};

use serde_json::Value;

use crate::{
    actors::{Bot, BotConfig},
    cli::DemoArgs,
    domain::custom_id::{self, Action, HubChoice, ManageChoice},
    domain::model::TicketState,
    driver::{self, DriverError, DriverResult},
    run::AppError,
    sim::{self, SimConfig, client::SimClient},
    web::{Audience, WebConfig},
};

use crate::driver::{channel_from_link, find_action};

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
        message_content: true,
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
    let mut config =
        BotConfig::for_simulator(&sim.http_url(), &sim.gateway_url(), data_dir.clone());
    config.web = Some(WebConfig::new(args.http));
    let bot = Bot::start(config).await?;
    if !bot.wait_ready(1, Duration::from_secs(30)).await {
        return Err("the bot did not connect to the simulator within 30 s".into());
    }
    let mut tally = scenario(&client, &seeded).await;
    show_pages(&bot, seeded.guild_id, &mut tally).await;
    if args.stay > 0 {
        println!(
            "demo: the pages stay up for {} s (ctrl-c ends sooner)",
            args.stay
        );
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(args.stay)) => {}
            _ = crate::run::shutdown_signal() => {}
        }
    }
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

/// Prints a link to the first closed ticket's transcript page and to the stats page, each
/// checked to load (a page that does not is a failed step).
async fn show_pages(bot: &Bot, guild: u64, tally: &mut Tally) {
    let Some(links) = bot.links() else {
        return;
    };
    let tickets = bot.store().all_tickets(guild).await.unwrap_or_default();
    let mut pages = vec![("stats", links.stats(guild))];
    let mut transcript = None;
    for t in tickets {
        if matches!(t.state, TicketState::Closed | TicketState::Deleted)
            && let Ok(Some(_)) = bot.store().transcript_page(guild, t.number).await
        {
            transcript = Some(links.transcript(guild, t.number, Audience::Staff));
            break;
        }
    }
    match transcript {
        Some(link) => pages.insert(0, ("transcript", link)),
        None => {
            tally.failed += 1;
            println!("demo: no closed ticket has a transcript page");
        }
    }
    let http = reqwest::Client::new();
    for (what, link) in pages {
        match http.get(&link).send().await.map(|r| r.status()) {
            Ok(status) if status.is_success() => println!("demo: {what} page: {link}"),
            Ok(status) => {
                tally.failed += 1;
                println!("demo: the {what} page answered {status}: {link}");
            }
            Err(error) => {
                tally.failed += 1;
                println!("demo: the {what} page did not load: {error}");
            }
        }
    }
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

/// The topics the owner creates; one holds a `:`, which broke the reference system's custom ids.
const TOPICS: [&str; 2] = ["Billing", "Bugs: crashes & errors"];

/// Members who open a ticket at once. The demo runs under Discord's rate limits, where channel
/// creation (10 per 10 s per server) and the log channel (5 messages per 5 s; the bot packs up to
/// 10 events per message) bound it, not the bot: this many keeps it at about 25 s.
const OPENERS: usize = 12;

/// How long the demo waits for something the bot does after answering (log messages).
const SETTLE: Duration = Duration::from_secs(20);

/// Counts only what it can confirm: a failed setup step ends the scenario early.
async fn scenario(client: &SimClient, seeded: &sim::SeededGuild) -> Tally {
    let mut tally = Tally::default();
    let guild = seeded.guild_id;
    let openers: Vec<u64> = seeded.member_ids.iter().copied().take(OPENERS).collect();
    // Someone who opens nothing, to be added to a ticket and removed again.
    let helper = seeded.member_ids.get(openers.len()).copied();
    let bar = ProgressBar::new(openers.len() as u64 * 3 + 6);
    bar.set_style(
        ProgressStyle::with_template("demo: {bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    // 1. The owner sets up staff, the log channel and topics through the hub, and posts a panel.
    let Some((log, panel)) = set_up(client, seeded, &mut tally, &bar).await else {
        return tally;
    };

    // 2. Members open tickets, all at once, each picking a topic.
    let tickets = open_all(client, seeded, panel, &openers, &mut tally, &bar).await;

    // 3. Openers write in their tickets.
    bar.set_message("members writing");
    for (member, channel, _) in &tickets {
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

    // 4. An admin adds a helper to the first ticket through Manage, then removes them.
    bar.set_message("adding and removing a helper");
    if let (Some(helper), Some((_, channel, number))) = (helper, tickets.first()) {
        for add in [true, false] {
            let step = if add { "add user" } else { "remove user" };
            match change_user(client, seeded, *channel, *number, helper, add).await {
                Ok(true) => {}
                Ok(false) => failed(&mut tally, &bar, step, "the helper's access did not change"),
                Err(error) => failed(&mut tally, &bar, step, error),
            }
        }
    }
    bar.inc(1);

    // 5. Openers close half of them: a transcript each, in the log channel.
    let closed = close_half(client, guild, &tickets, &mut tally, &bar).await;

    // 6. Staff reopen the first closed ticket (its opener sees it again), then close it again.
    bar.set_message("reopening");
    if let Some((member, channel, _)) = closed.first() {
        match reopen(client, guild, *channel, seeded.staff_id, *member).await {
            Ok(()) => match close(client, guild, *channel, seeded.staff_id).await {
                Ok(()) => tally.closed += 1,
                Err(error) => failed(&mut tally, &bar, "close after reopen", error),
            },
            Err(error) => failed(&mut tally, &bar, "reopen", error),
        }
    }

    // 7. Every close left a transcript (HTML and text) in the log channel.
    match transcripts_logged(client, log, tally.closed).await {
        Ok(n) => tally.transcripts = n,
        Err(n) => {
            tally.transcripts = n;
            let why = format!("{n} transcripts logged for {} closes", tally.closed);
            failed(&mut tally, &bar, "transcripts", why);
        }
    }

    // 8. Staff delete the closed tickets.
    bar.set_message("deleting");
    for (_, channel, _) in &closed {
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

/// Every other ticket's opener closes it; the closed ones.
async fn close_half(
    client: &SimClient,
    guild: u64,
    tickets: &[(u64, u64, u64)],
    tally: &mut Tally,
    bar: &ProgressBar,
) -> Vec<(u64, u64, u64)> {
    bar.set_message("closing");
    let mut closed = Vec::new();
    for (i, &(member, channel, number)) in tickets.iter().enumerate() {
        if i % 2 == 1 {
            bar.inc(2);
            continue;
        }
        match close(client, guild, channel, member).await {
            Ok(()) => {
                tally.closed += 1;
                closed.push((member, channel, number));
            }
            Err(error) => failed(tally, bar, "close", error),
        }
        bar.inc(1);
    }
    closed
}

/// Staff role, log channel, topics and a panel, through the hub: `(log channel, panel)`, or
/// `None` (with the failure counted) when a step failed.
async fn set_up(
    client: &SimClient,
    seeded: &sim::SeededGuild,
    tally: &mut Tally,
    bar: &ProgressBar,
) -> Option<(u64, u64)> {
    bar.set_message("setting up");
    if let Err(error) = driver::configure_staff(client, seeded).await {
        failed(tally, bar, "staff role setup", error);
        return None;
    }
    bar.inc(1);
    let log = match driver::set_log_channel(client, seeded).await {
        Ok(log) => log,
        Err(error) => {
            failed(tally, bar, "log channel setup", error);
            return None;
        }
    };
    bar.inc(1);
    for topic in TOPICS {
        if let Err(error) = add_topic(client, seeded, topic).await {
            failed(tally, bar, "topic setup", error);
            return None;
        }
        bar.inc(1);
    }
    match driver::post_panel(client, seeded).await {
        Ok(panel) => {
            bar.inc(1);
            Some((log, panel))
        }
        Err(error) => {
            failed(tally, bar, "panel", error);
            None
        }
    }
}

/// Every opener clicks at once and picks a topic: `(opener, channel, ticket number)` of each
/// ticket that opened.
async fn open_all(
    client: &SimClient,
    seeded: &sim::SeededGuild,
    panel: u64,
    openers: &[u64],
    tally: &mut Tally,
    bar: &ProgressBar,
) -> Vec<(u64, u64, u64)> {
    bar.set_message("opening tickets");
    let opens = openers.iter().enumerate().map(|(i, &member)| {
        let bar = bar.clone();
        async move {
            let result = open_with_topic(client, seeded, panel, member, i).await;
            bar.inc(1);
            (member, result)
        }
    });
    let mut tickets = Vec::new();
    for (member, result) in join_all(opens).await {
        match result {
            Ok(opened) => tickets.push((member, opened.0, opened.1)),
            Err(error) => failed(tally, bar, "open", error),
        }
    }
    tally.opened = tickets.len();
    tickets
}

/// The owner adds a topic through Setup → Add topic (a modal).
async fn add_topic(client: &SimClient, g: &sim::SeededGuild, name: &str) -> DriverResult<()> {
    let answer = driver::add_topic(client, g, name).await?;
    if answer.contains("added") {
        Ok(())
    } else {
        Err(DriverError::Refused {
            what: "a topic",
            answer,
        })
    }
}

/// A member clicks Open and picks the `i`-th topic (round robin) in their own topic select;
/// returns (channel, ticket number).
async fn open_with_topic(
    client: &SimClient,
    g: &sim::SeededGuild,
    panel: u64,
    member: u64,
    i: usize,
) -> DriverResult<(u64, u64)> {
    let id = driver::click_panel(client, g, panel, member).await?;
    let picker = driver::acknowledged(client, id).await?;
    let message = picker.message.unwrap_or(Value::Null);
    let picker_id: u64 = message["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(DriverError::NoSuchComponent("the topic select"))?;
    let mut topics = Vec::new();
    collect_option_values(&message["components"], &mut topics);
    let topic = topics
        .get(i % topics.len().max(1))
        .cloned()
        .ok_or(DriverError::NoSuchComponent("a topic option"))?;
    let id = client
        .select(
            g.guild_id,
            g.general_channel_id,
            member,
            picker_id,
            &custom_id::encode(&Action::PickTopic { opener: member }),
            &[topic],
        )
        .await?;
    let (_, text) =
        driver::answer_where(client, id, "a ticket link", |t| t.contains("is open")).await?;
    let channel = channel_from_link(&text).ok_or(DriverError::Unexpected {
        id,
        expected: "a channel link".into(),
        last: text.clone(),
    })?;
    Ok((channel, ticket_number(client, channel).await?))
}

/// Values of every select option under `components`.
fn collect_option_values(components: &Value, out: &mut Vec<String>) {
    match components {
        Value::Array(items) => items.iter().for_each(|c| collect_option_values(c, out)),
        Value::Object(map) => {
            if let Some(Value::Array(options)) = map.get("options") {
                out.extend(
                    options
                        .iter()
                        .filter_map(|o| o["value"].as_str().map(str::to_owned)),
                );
            }
            if let Some(inner) = map.get("components") {
                collect_option_values(inner, out);
            }
        }
        _ => {}
    }
}

/// The ticket's number, as its welcome message's Close button carries it.
async fn ticket_number(client: &SimClient, channel: u64) -> DriverResult<u64> {
    let messages = client.channel_messages(channel).await?;
    find_action(&messages, |a| matches!(a, Action::Close { .. }))
        .and_then(|(_, id)| match custom_id::decode(&id) {
            Ok(Action::Close { ticket }) => Some(ticket),
            _ => None,
        })
        .ok_or(DriverError::NoSuchComponent("the welcome message's Close"))
}

/// The owner uses `/ticket menu` → Manage → Add (or Remove) users inside the ticket channel;
/// true when the helper's view of the channel changed accordingly.
async fn change_user(
    client: &SimClient,
    g: &sim::SeededGuild,
    channel: u64,
    number: u64,
    helper: u64,
    add: bool,
) -> DriverResult<bool> {
    let hub = driver::open_hub(client, g, channel, HubChoice::Manage).await?;
    let choice = if add {
        ManageChoice::AddUser
    } else {
        ManageChoice::RemoveUser
    };
    let id = driver::owner_selects(
        client,
        g,
        channel,
        hub,
        &Action::ManageMenu,
        &[choice.as_str().into()],
    )
    .await?;
    driver::acknowledged(client, id).await?;
    let select = if add {
        Action::AddUserSelect { ticket: number }
    } else {
        Action::RemoveUserSelect { ticket: number }
    };
    let id = driver::owner_selects(client, g, channel, hub, &select, &[helper.to_string()]).await?;
    let verb = if add { "added" } else { "removed" };
    driver::answer_where(client, id, verb, |t| t.contains(verb)).await?;
    Ok(client.permissions(channel, helper).await?.view_channel == add)
}

/// `user` presses Close in the ticket; the answer must say it closed.
async fn close(client: &SimClient, guild: u64, channel: u64, user: u64) -> DriverResult<()> {
    let text = driver::press(client, guild, channel, user, "Close", |a| {
        matches!(a, Action::Close { .. })
    })
    .await?;
    if text.contains("closed") {
        Ok(())
    } else {
        Err(DriverError::Unexpected {
            id: 0,
            expected: "closed".into(),
            last: text,
        })
    }
}

/// Staff press Reopen; the opener must see the channel again.
async fn reopen(
    client: &SimClient,
    guild: u64,
    channel: u64,
    staff: u64,
    opener: u64,
) -> DriverResult<()> {
    let text = driver::press(client, guild, channel, staff, "Reopen", |a| {
        matches!(a, Action::Reopen { .. })
    })
    .await?;
    if !text.contains("reopened") {
        return Err(DriverError::Unexpected {
            id: 0,
            expected: "reopened".into(),
            last: text,
        });
    }
    if !client.permissions(channel, opener).await?.view_channel {
        return Err(DriverError::Unexpected {
            id: 0,
            expected: "the opener sees the reopened ticket".into(),
            last: text,
        });
    }
    Ok(())
}

/// Waits until `expected` "Ticket closed" log messages carry both transcript files; `Err` with
/// the count found when they do not appear in time.
async fn transcripts_logged(client: &SimClient, log: u64, expected: usize) -> Result<usize, usize> {
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        let found = client
            .channel_messages(log)
            .await
            .map(|messages| {
                messages
                    .iter()
                    .filter(|m| m["embeds"][0]["title"] == "Ticket closed")
                    .filter(|m| {
                        let names: Vec<&str> = m["attachments"]
                            .as_array()
                            .map(|a| a.iter().filter_map(|f| f["filename"].as_str()).collect())
                            .unwrap_or_default();
                        names.iter().any(|n| n.ends_with(".html"))
                            && names.iter().any(|n| n.ends_with(".txt"))
                    })
                    .count()
            })
            .unwrap_or(0);
        if found == expected {
            return Ok(found);
        }
        if found > expected || tokio::time::Instant::now() >= deadline {
            return Err(found);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
