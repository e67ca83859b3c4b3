//! The real bot (actor tree, store, twilight clients) against the simulator: one ticket's whole
//! life, concurrency, restarts, crashes and actor failures.

use std::{collections::HashSet, path::PathBuf, time::Duration};

use futures_util::future::join_all;
use serde_json::Value;
use ticketeer::{
    actors::Bot,
    domain::{
        custom_id::{self, Action},
        model::TicketState,
    },
    driver::{
        self, channel_from_link, find_action,
        harness::{self, World},
        ticket_channels,
    },
    sim::{self, SeededGuild, SimHandle, client::SimClient},
};

/// Discord's interaction deadline: every answer must start within it.
const DEADLINE_MS: u64 = 3_000;

async fn start_sim() -> SimHandle {
    harness::start_sim(harness::recorded_sim_config())
        .await
        .expect("simulator starts")
}

fn data_dir(name: &str) -> PathBuf {
    harness::data_dir(&format!("test-{name}"))
}

async fn start_bot(sim: &SimHandle, dir: &std::path::Path, guilds: usize) -> Bot {
    start_bot_with(sim, dir, guilds, ticketeer::actors::line::DEFAULT_WINDOW).await
}

async fn start_bot_with(
    sim: &SimHandle,
    dir: &std::path::Path,
    guilds: usize,
    window: usize,
) -> Bot {
    let mut config = harness::bot_config(sim, dir);
    config.provision_window = window;
    harness::start_bot(config, guilds)
        .await
        .expect("bot starts and becomes ready")
}

/// One guild with the bot running on it, where most tests here start: the simulator, its
/// client, the seeded guild, the bot's data dir and the bot. A tuple, so each test names the
/// parts in one line; the five types differ, so a misordered pattern does not compile.
type OneGuild = (SimHandle, SimClient, SeededGuild, PathBuf, Bot);

async fn one_guild(name: &str, members: usize) -> OneGuild {
    let World {
        sim,
        client,
        mut guilds,
        dir,
        bot,
        ..
    } = World::launch(&format!("test-{name}"))
        .guild(members)
        .start()
        .await
        .expect("simulator and bot start");
    (sim, client, guilds.remove(0), dir, bot)
}

/// [`one_guild`] with the staff role configured and the panel posted: the panel's message id.
async fn staffed_guild_with_panel(name: &str, members: usize) -> (OneGuild, u64) {
    let (sim, client, seeded, dir, bot) = one_guild(name, members).await;
    configure_staff(&client, &seeded).await;
    let panel = post_panel(&client, &seeded).await;
    ((sim, client, seeded, dir, bot), panel)
}

async fn post_panel(client: &SimClient, seeded: &SeededGuild) -> u64 {
    driver::post_panel(client, seeded)
        .await
        .expect("panel posted")
}

/// Posts the panel and raises the server's open-ticket limit to `max` (one per member).
async fn panel_with_server_limit(client: &SimClient, seeded: &SeededGuild, max: &str) -> u64 {
    let panel = post_panel(client, seeded).await;
    let saved = driver::set_limits(client, seeded, "1", max).await.unwrap();
    assert!(saved.contains("Limits saved"), "{saved}");
    panel
}

async fn configure_staff(client: &SimClient, seeded: &SeededGuild) {
    driver::configure_staff(client, seeded)
        .await
        .expect("staff configured")
}

async fn click_open(
    client: &SimClient,
    seeded: &SeededGuild,
    panel: u64,
    member: u64,
) -> (u64, String) {
    driver::click_open(client, seeded, panel, member)
        .await
        .expect("open answered")
}

async fn click_action(
    client: &SimClient,
    guild: u64,
    channel: u64,
    user: u64,
    wanted: impl Fn(&Action) -> bool,
) -> Result<String, String> {
    driver::press(client, guild, channel, user, "button", wanted)
        .await
        .map_err(|e| e.to_string())
}

/// Whether `user` can see `channel`, by the simulator's Discord permission computation.
async fn can_view(client: &SimClient, channel: u64, user: u64) -> bool {
    client
        .permissions(channel, user)
        .await
        .expect("permissions")
        .view_channel
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_ticket_is_private_welcomed_dmed_closed_and_deleted() {
    let ((sim, client, seeded, dir, bot), panel) = staffed_guild_with_panel("life", 5).await;
    let opener = seeded.member_ids[0];
    let bystander = seeded.member_ids[1];

    let (ack_ms, text) = click_open(&client, &seeded, panel, opener).await;
    assert!(ack_ms <= DEADLINE_MS, "ack took {ack_ms} ms");
    let channel = channel_from_link(&text).expect("answer links the channel");

    let channels = client.guild_channels(seeded.guild_id).await.unwrap();
    assert_eq!(
        ticket_channels(&channels),
        vec![("ticket-0001".to_owned(), channel)]
    );

    // Who sees it, asked of the simulator's own permission computation.
    assert!(can_view(&client, channel, opener).await);
    assert!(can_view(&client, channel, seeded.staff_id).await);
    assert!(can_view(&client, channel, seeded.owner_id).await);
    assert!(!can_view(&client, channel, bystander).await);

    let messages = client.channel_messages(channel).await.unwrap();
    let welcome = &messages[0];
    assert!(
        welcome["content"]
            .as_str()
            .unwrap()
            .contains(&opener.to_string())
    );
    assert!(find_action(&messages, |a| matches!(a, Action::Close { ticket: 1 })).is_some());

    let dms = client.dms(opener).await.unwrap();
    assert!(
        dms.iter().any(|m| m["content"]
            .as_str()
            .is_some_and(|c| c.contains(&channel.to_string()))),
        "DM with a link: {dms:?}"
    );

    // A second open by the same member is refused, clearly.
    let (_, refusal) = click_open(&client, &seeded, panel, opener).await;
    assert!(
        refusal.contains("already") || refusal.contains("limit") || refusal.contains("open ticket"),
        "{refusal}"
    );

    // A bystander cannot even see the Close button: Discord (the simulator) refuses the click.
    let messages = client.channel_messages(channel).await.unwrap();
    let (message, close_id) =
        find_action(&messages, |a| matches!(a, Action::Close { .. })).unwrap();
    assert!(
        client
            .click(seeded.guild_id, channel, bystander, message, &close_id)
            .await
            .is_err()
    );

    // The opener closes; then the opener may not delete, staff may.
    let closed = click_action(&client, seeded.guild_id, channel, opener, |a| {
        matches!(a, Action::Close { .. })
    })
    .await
    .unwrap();
    assert!(closed.contains("closed"), "{closed}");
    assert!(!can_view(&client, channel, opener).await);
    assert!(can_view(&client, channel, seeded.staff_id).await);

    // The Close buttons no longer apply: the bot disables them, so nobody can close twice.
    assert!(
        buttons_retired(&client, channel, |a| matches!(a, Action::Close { .. })).await,
        "the welcome's Close stays pressable after the close"
    );

    let record = bot
        .store()
        .ticket(seeded.guild_id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.state, TicketState::Closed);
    assert!(
        bot.store()
            .transcript(seeded.guild_id, 1)
            .await
            .unwrap()
            .is_some()
    );

    // The opener lost access, so the simulator refuses their click on Delete; staff deletes.
    let deleted = click_action(&client, seeded.guild_id, channel, seeded.staff_id, |a| {
        matches!(a, Action::Delete { .. })
    })
    .await
    .unwrap();
    assert!(deleted.contains("deleted"), "{deleted}");
    let channels = client.guild_channels(seeded.guild_id).await.unwrap();
    assert!(ticket_channels(&channels).is_empty());
    let record = bot
        .store()
        .ticket(seeded.guild_id, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.state, TicketState::Deleted, "the record is kept");

    harness::stop(bot, sim, &dir).await;
}

/// Requests counted against Discord's global limit since `before` (interaction callbacks and
/// webhook edits are exempt), by route.
fn limited_calls(
    before: &sim::client::SimStats,
    after: &sim::client::SimStats,
) -> Vec<(String, u64)> {
    after
        .succeeded_per_route
        .iter()
        .filter(|(route, _)| sim::client::counts_against_global_limit(route))
        .map(|(route, n)| {
            let was = before.succeeded_per_route.get(route).copied().unwrap_or(0);
            (route.clone(), n - was)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Waits until the simulator has seen no request for 300 ms: the bot's work for the last click
/// (welcome, DM, log) is done.
async fn quiet_stats(client: &SimClient) -> sim::client::SimStats {
    let mut last = client.stats().await.expect("stats");
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = client.stats().await.expect("stats");
        if now.total_requests == last.total_requests {
            return now;
        }
        last = now;
    }
    panic!("the bot never went quiet");
}

/// The REST budget of opening a ticket (log channel off): the channel (overwrites, topic and
/// category in the one create call), the welcome message, and the DM, whose DM channel is
/// opened once per member and then taken from the store. 4 limited calls for a member's first
/// ticket, 3 for every later one, 4 with the log channel on.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn opening_costs_three_limited_calls_once_the_dm_channel_is_known() {
    let ((sim, client, seeded, dir, bot), panel) = staffed_guild_with_panel("budget", 3).await;
    let member = seeded.member_ids[0];

    let before = quiet_stats(&client).await;
    let (_, text) = click_open(&client, &seeded, panel, member).await;
    let channel = channel_from_link(&text).expect("first ticket");
    let first = limited_calls(&before, &quiet_stats(&client).await);
    assert_eq!(
        first.iter().map(|(_, n)| n).sum::<u64>(),
        4,
        "first ticket: {first:?}"
    );
    assert!(
        first.contains(&("POST /users/@me/channels".to_owned(), 1)),
        "{first:?}"
    );

    // Staff closes and deletes it, so the member may open another.
    let close_and_delete = async |channel: u64| {
        for wanted in [
            (|a: &Action| matches!(a, Action::Close { .. })) as fn(&Action) -> bool,
            |a: &Action| matches!(a, Action::Delete { .. }),
        ] {
            click_action(&client, seeded.guild_id, channel, seeded.staff_id, wanted)
                .await
                .expect("staff action answered");
        }
    };
    close_and_delete(channel).await;

    // At once: the double-click guard ends when the first ticket finished opening, not 2 s
    // after the click (it answered "already being opened" to a member whose ticket was done).
    let before = quiet_stats(&client).await;
    let (_, text) = click_open(&client, &seeded, panel, member).await;
    let channel = channel_from_link(&text).expect("second ticket");
    let second = limited_calls(&before, &quiet_stats(&client).await);
    assert_eq!(
        second,
        vec![
            ("POST /channels/{id}/messages".to_owned(), 2),
            ("POST /guilds/{id}/channels".to_owned(), 1),
        ],
        "second ticket: the DM channel comes from the store"
    );

    // With a log channel, one more: the open's log entry (4 at most, log on).
    driver::set_log_channel(&client, &seeded)
        .await
        .expect("log channel set");
    close_and_delete(channel).await;
    let before = quiet_stats(&client).await;
    let (_, text) = click_open(&client, &seeded, panel, member).await;
    assert!(channel_from_link(&text).is_some(), "third ticket: {text}");
    let third = limited_calls(&before, &quiet_stats(&client).await);
    assert_eq!(
        third,
        vec![
            ("POST /channels/{id}/messages".to_owned(), 3),
            ("POST /guilds/{id}/channels".to_owned(), 1),
        ],
        "third ticket, log on: welcome, DM and log entry"
    );
    harness::stop(bot, sim, &dir).await;
}

/// The opener sees a "closed" message again only once the ticket is reopened, and by then its
/// Delete is disabled: the opener never gets to press it, and nothing is deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_opener_never_gets_a_live_delete_button() {
    let ((sim, client, seeded, dir, bot), panel) =
        staffed_guild_with_panel("opener-delete", 3).await;
    let opener = seeded.member_ids[0];
    let (_, text) = click_open(&client, &seeded, panel, opener).await;
    let channel = channel_from_link(&text).unwrap();
    click_action(&client, seeded.guild_id, channel, seeded.staff_id, |a| {
        matches!(a, Action::Close { .. })
    })
    .await
    .unwrap();
    let reopened = click_action(&client, seeded.guild_id, channel, seeded.staff_id, |a| {
        matches!(a, Action::Reopen { .. })
    })
    .await
    .unwrap();
    assert!(reopened.contains("reopened"), "{reopened}");
    assert!(can_view(&client, channel, opener).await);
    assert!(
        buttons_retired(&client, channel, |a| matches!(a, Action::Delete { .. })).await,
        "Delete stays pressable on a reopened ticket"
    );
    let channels = client.guild_channels(seeded.guild_id).await.unwrap();
    assert_eq!(ticket_channels(&channels).len(), 1, "nothing was deleted");
    harness::stop(bot, sim, &dir).await;
}

/// Whether, within a few seconds, no enabled button in `channel` matches `wanted` any more.
async fn buttons_retired(
    client: &SimClient,
    channel: u64,
    wanted: impl Fn(&Action) -> bool,
) -> bool {
    for _ in 0..200 {
        let messages = client.channel_messages(channel).await.unwrap();
        if find_action(&messages, &wanted).is_none() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// Opens one ticket for each member at once; returns the channels.
async fn storm(client: &SimClient, seeded: &SeededGuild, panel: u64, members: &[u64]) -> Vec<u64> {
    let clicks = members
        .iter()
        .map(|&m| async move { click_open(client, seeded, panel, m).await });
    let answers = join_all(clicks).await;
    answers
        .into_iter()
        .map(|(ack_ms, text)| {
            assert!(ack_ms <= DEADLINE_MS, "ack took {ack_ms} ms");
            channel_from_link(&text).unwrap_or_else(|| panic!("no ticket: {text}"))
        })
        .collect()
}

fn assert_distinct_tickets(channels: &[Value], expected: usize) {
    let tickets = ticket_channels(channels);
    assert_eq!(tickets.len(), expected, "one channel per ticket");
    let names: HashSet<&String> = tickets.iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), expected, "ticket numbers are distinct");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_members_click_at_once_then_again_after_a_restart() {
    let (sim, client, seeded, dir, bot) = one_guild("storm", 250).await;
    let panel = panel_with_server_limit(&client, &seeded, "205").await;

    let first = storm(&client, &seeded, panel, &seeded.member_ids[..200]).await;
    assert_eq!(first.iter().collect::<HashSet<_>>().len(), 200);
    let channels = client.guild_channels(seeded.guild_id).await.unwrap();
    assert_distinct_tickets(&channels, 200);

    // After a restart on the same file the numbers go on; the server limit (205) holds exactly:
    // five of the next ten get a ticket, five a clear refusal.
    bot.shutdown().await;
    let bot = start_bot(&sim, &dir, 1).await;
    let clicks = seeded.member_ids[200..210]
        .iter()
        .map(|&m| click_open(&client, &seeded, panel, m));
    let answers = join_all(clicks).await;
    let opened = answers
        .iter()
        .filter(|(_, t)| channel_from_link(t).is_some())
        .count();
    assert_eq!(opened, 5, "exactly up to the server limit: {answers:?}");
    assert!(answers.iter().all(|(ack, _)| *ack <= DEADLINE_MS));
    let channels = client.guild_channels(seeded.guild_id).await.unwrap();
    assert_distinct_tickets(&channels, 205);
    let records = bot.store().all_tickets(seeded.guild_id).await.unwrap();
    let numbers: HashSet<u64> = records.iter().map(|r| r.number).collect();
    assert_eq!(numbers.len(), records.len());
    assert_eq!(records.len(), 205);
    assert_eq!(
        numbers.iter().max(),
        Some(&205),
        "numbers are 1..=205, none skipped or reused"
    );
    harness::stop(bot, sim, &dir).await;
}

/// The 51st ticket needs an overflow category (Discord allows 50 channels in one). Its creation
/// must not hold back the clicks behind it: with every REST call taking 1.6 s, a click that
/// waited for it before its own acknowledgement would miss Discord's 3 s deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clicks_are_acknowledged_while_an_overflow_category_is_created() {
    let (sim, client, seeded, dir, bot) = one_guild("overflow", 60).await;
    let panel = panel_with_server_limit(&client, &seeded, "60").await;
    storm(&client, &seeded, panel, &seeded.member_ids[..50]).await;
    let full = bot.store().load_guild(seeded.guild_id).await.unwrap();
    assert!(full.settings.overflow_categories.is_empty());

    client
        .set_faults(&sim::Faults {
            latency_ms: 1_600,
            ..Default::default()
        })
        .await
        .unwrap();
    let channels = storm(&client, &seeded, panel, &seeded.member_ids[50..53]).await;
    client.set_faults(&sim::Faults::default()).await.unwrap();

    let settings = bot
        .store()
        .load_guild(seeded.guild_id)
        .await
        .unwrap()
        .settings;
    assert_eq!(
        settings.overflow_categories.len(),
        1,
        "one overflow category for the three"
    );
    let all = client.guild_channels(seeded.guild_id).await.unwrap();
    for channel in channels {
        let parent = all
            .iter()
            .find(|c| c["id"].as_str() == Some(channel.to_string().as_str()))
            .and_then(|c| c["parent_id"].as_str())
            .and_then(|p| p.parse::<u64>().ok());
        assert_eq!(parent, Some(settings.overflow_categories[0]));
    }
    assert_distinct_tickets(&all, 53);
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_guilds_open_at_once() {
    let sim = start_sim().await;
    let client = sim.client();
    let mut guilds = Vec::new();
    for _ in 0..20 {
        guilds.push(sim.seed_guild(10).await);
    }
    let dir = data_dir("guilds");
    let bot = start_bot(&sim, &dir, 20).await;
    let mut panels = Vec::new();
    for g in &guilds {
        panels.push(post_panel(&client, g).await);
    }
    let work = guilds.iter().zip(&panels).map(|(g, &panel)| {
        let client = client.clone();
        async move { storm(&client, g, panel, &g.member_ids).await.len() }
    });
    let counts = join_all(work).await;
    assert_eq!(counts, vec![10; 20]);
    for g in &guilds {
        let channels = client.guild_channels(g.guild_id).await.unwrap();
        assert_distinct_tickets(&channels, 10);
    }
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crash_between_number_commit_and_channel_creation_loses_nothing() {
    let (sim, client, seeded, dir, bot) = one_guild("crash", 5).await;
    let panel = post_panel(&client, &seeded).await;
    let opener = seeded.member_ids[0];

    bot.faults().set_halt_before_channel_create(true);
    let id = client
        .click(
            seeded.guild_id,
            seeded.general_channel_id,
            opener,
            panel,
            &custom_id::encode(&Action::OpenTicket),
        )
        .await
        .unwrap();
    let outcome = client.wait_interaction(id, 5_000).await.unwrap();
    assert_eq!(outcome.state, "responded", "acknowledged before the crash");
    // Wait until the number is durable, then crash.
    let mut committed = false;
    for _ in 0..100 {
        if let Ok(Some(r)) = bot.store().ticket(seeded.guild_id, 1).await {
            assert_eq!(r.state, TicketState::Provisioning);
            committed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(committed, "ticket number was committed");
    bot.crash().await;
    assert!(ticket_channels(&client.guild_channels(seeded.guild_id).await.unwrap()).is_empty());

    let bot = start_bot(&sim, &dir, 1).await;
    // Repair at start provisions the acknowledged ticket: one channel, the same number.
    let mut repaired = None;
    for _ in 0..200 {
        let channels = client.guild_channels(seeded.guild_id).await.unwrap();
        let tickets = ticket_channels(&channels);
        if !tickets.is_empty() {
            repaired = Some(tickets);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let repaired = repaired.expect("the acknowledged ticket got its channel after restart");
    assert_eq!(repaired.len(), 1);
    assert_eq!(repaired[0].0, "ticket-0001");
    assert!(can_view(&client, repaired[0].1, opener).await);

    // The next ticket takes the next number: none reused, none duplicated.
    let (_, text) = click_open(&client, &seeded, panel, seeded.member_ids[1]).await;
    let channel = channel_from_link(&text).unwrap();
    let channels = client.guild_channels(seeded.guild_id).await.unwrap();
    assert!(ticket_channels(&channels).contains(&("ticket-0002".to_owned(), channel)));
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guild_actor_panic_is_invisible_to_other_guilds_and_its_tickets_still_work() {
    let sim = start_sim().await;
    let client = sim.client();
    let a = sim.seed_guild(5).await;
    let b = sim.seed_guild(5).await;
    let dir = data_dir("panic");
    let bot = start_bot(&sim, &dir, 2).await;
    let panel_a = post_panel(&client, &a).await;
    let panel_b = post_panel(&client, &b).await;
    let (_, text) = click_open(&client, &a, panel_a, a.member_ids[0]).await;
    let channel_a = channel_from_link(&text).unwrap();

    bot.inject_guild_panic(a.guild_id).await;
    bot.inject_ticket_panic(b.guild_id, 999).await; // unknown ticket: ignored
    // Guild B keeps working while A restarts.
    let (_, text) = click_open(&client, &b, panel_b, b.member_ids[0]).await;
    assert!(channel_from_link(&text).is_some(), "{text}");

    // A comes back from the store: its open ticket still closes, limits still hold.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let closed = click_action(&client, a.guild_id, channel_a, a.member_ids[0], |x| {
        matches!(x, Action::Close { .. })
    })
    .await
    .unwrap();
    assert!(closed.contains("closed"), "{closed}");
    let (_, text) = click_open(&client, &a, panel_a, a.member_ids[1]).await;
    assert!(
        text.contains("ticket-0002") || channel_from_link(&text).is_some(),
        "{text}"
    );
    let channels = client.guild_channels(a.guild_id).await.unwrap();
    assert_distinct_tickets(&channels, 2);

    // A ticket actor panic: restarted from the store, the ticket still answers.
    bot.inject_ticket_panic(a.guild_id, 2).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let channel_2 = ticket_channels(&channels)
        .into_iter()
        .find(|(n, _)| n == "ticket-0002")
        .unwrap()
        .1;
    let closed = click_action(&client, a.guild_id, channel_2, a.member_ids[1], |x| {
        matches!(x, Action::Close { .. })
    })
    .await
    .unwrap();
    assert!(closed.contains("closed"), "{closed}");
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn beyond_the_window_members_wait_in_line_and_the_line_survives_a_crash() {
    let sim = start_sim().await;
    let client = sim.client();
    let seeded = sim.seed_guild(40).await;
    let dir = data_dir("line");
    // A window of 2 makes a long line out of 30 clicks.
    let bot = start_bot_with(&sim, &dir, 1, 2).await;
    let panel = post_panel(&client, &seeded).await;
    let open_id = custom_id::encode(&Action::OpenTicket);
    // Slow Discord down so provisioning is the bottleneck and a line forms.
    client
        .set_faults(&sim::Faults {
            latency_ms: 150,
            ..Default::default()
        })
        .await
        .unwrap();
    let members: Vec<u64> = seeded.member_ids[..30].to_vec();
    let clicks = members.iter().map(|&m| {
        let client = client.clone();
        let (g, c) = (seeded.guild_id, seeded.general_channel_id);
        let open_id = open_id.clone();
        async move { client.click(g, c, m, panel, &open_id).await.unwrap() }
    });
    let ids = join_all(clicks).await;
    // Every click is acknowledged within the deadline, line or not.
    for id in &ids {
        let outcome = driver::acknowledged(&client, *id).await.unwrap();
        assert!(outcome.ack_ms.unwrap() <= DEADLINE_MS);
    }
    // The member furthest back is told a place in line; clicking again keeps that one place.
    fn place(text: &str) -> Option<usize> {
        let rest = &text[text.find("number ")? + "number ".len()..];
        rest.split_whitespace().next()?.parse().ok()
    }
    let mut furthest: Option<(usize, u64, u64)> = None;
    for _ in 0..300 {
        for (member, id) in members.iter().zip(&ids) {
            let outcome = client.wait_interaction(*id, 0).await.unwrap();
            let text = outcome
                .message
                .as_ref()
                .and_then(|m| m["content"].as_str())
                .unwrap_or("");
            if let Some(p) = place(text)
                && furthest.is_none_or(|(best, _, _)| p > best)
            {
                furthest = Some((p, *member, *id));
            }
        }
        if furthest.is_some_and(|(p, _, _)| p >= 10) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_, last, last_id) = furthest.expect("someone was told a place in line");
    let again = client
        .click(
            seeded.guild_id,
            seeded.general_channel_id,
            last,
            panel,
            &open_id,
        )
        .await
        .unwrap();
    let (_, again_text) = driver::answer(&client, again).await.unwrap();
    assert!(driver::is_place_in_line(&again_text), "{again_text}");

    // That member, still waiting, leaves the server: their place is released.
    let leaver = last;
    client.remove_member(seeded.guild_id, leaver).await.unwrap();
    let (_, released) =
        driver::answer_where(&client, last_id, "released", |t| t.contains("released"))
            .await
            .unwrap();
    assert!(
        released.contains("place in line was released"),
        "{released}"
    );

    // Crash while the line is long; the line is rebuilt from the store at restart.
    tokio::time::sleep(Duration::from_millis(200)).await;
    bot.crash().await;
    let before = ticket_channels(&client.guild_channels(seeded.guild_id).await.unwrap()).len();
    assert!(
        before < 29,
        "the crash must catch members still in line ({before} channels)"
    );
    client.set_faults(&sim::Faults::default()).await.unwrap();
    let bot = start_bot(&sim, &dir, 1).await;
    // Wait until every waiting ticket is provisioned and recorded Open (bounded).
    let open_others = |records: &[ticketeer::domain::model::TicketRecord]| {
        records
            .iter()
            .filter(|r| r.opener != leaver && r.state == TicketState::Open)
            .count()
    };
    let mut records = Vec::new();
    for _ in 0..600 {
        records = bot.store().all_tickets(seeded.guild_id).await.unwrap();
        if open_others(&records) >= 29 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let channels = ticket_channels(&client.guild_channels(seeded.guild_id).await.unwrap());
    assert_distinct_tickets(
        &client.guild_channels(seeded.guild_id).await.unwrap(),
        channels.len(),
    );
    let leaver_record = records.iter().find(|r| r.opener == leaver).unwrap();
    let others_open = open_others(&records);
    assert_eq!(
        others_open, 29,
        "every other acknowledged click got its ticket"
    );
    assert_eq!(channels.len(), 29, "no channel for the member who left");
    assert_eq!(leaver_record.state, TicketState::Failed);
    assert_eq!(
        records.iter().filter(|r| r.opener == leaver).count(),
        1,
        "one place, one record"
    );
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_panic_mid_interaction_loses_none_of_the_queued_clicks() {
    let (sim, client, seeded, dir, bot) = one_guild("mid-panic", 12).await;
    let panel = post_panel(&client, &seeded).await;
    // The guild actor breaks while handling one of ten simultaneous clicks; the clicks queued
    // behind it in its (dropped) mailbox must still be answered by its successor.
    bot.faults().set_panic_in_next_interaction();
    let open_id = custom_id::encode(&Action::OpenTicket);
    let clicks = seeded.member_ids[..10].iter().map(|&m| {
        let client = client.clone();
        let open_id = open_id.clone();
        let (g, c) = (seeded.guild_id, seeded.general_channel_id);
        async move {
            let id = client.click(g, c, m, panel, &open_id).await.unwrap();
            driver::answer(&client, id).await
        }
    });
    let answers = join_all(clicks).await;
    let texts: Vec<String> = answers
        .into_iter()
        .map(|a| a.expect("every click answered").1)
        .collect();
    let sorry = texts
        .iter()
        .filter(|t| t.contains("went wrong on our side"))
        .count();
    let opened = texts
        .iter()
        .filter(|t| channel_from_link(t).is_some())
        .count();
    assert_eq!(
        sorry, 1,
        "the click being handled is told it failed: {texts:?}"
    );
    assert_eq!(opened, 9, "every other click got its ticket: {texts:?}");
    let channels = client.guild_channels(seeded.guild_id).await.unwrap();
    assert_distinct_tickets(&channels, 9);
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_the_production_rate_limiter_acknowledgements_do_not_queue_behind_each_other() {
    let sim = start_sim().await;
    let client = sim.client();
    let seeded = sim.seed_guild(35).await;
    let dir = data_dir("prod-limiter");
    // As in production: twilight's client-side rate limiter on.
    let mut config = harness::bot_config(&sim, &dir);
    config.ratelimiter = true;
    let bot = harness::start_bot(config, 1).await.expect("bot starts");
    let panel = post_panel(&client, &seeded).await;
    // Every REST answer takes 150 ms: thirty acknowledgements in single file would take 4.5 s,
    // past Discord's 3 s deadline for most of them.
    client
        .set_faults(&sim::Faults {
            latency_ms: 150,
            ..Default::default()
        })
        .await
        .unwrap();
    let clicks = seeded.member_ids[..30].iter().map(|&m| {
        let client = client.clone();
        let seeded = &seeded;
        async move {
            let id = driver::click_panel(&client, seeded, panel, m)
                .await
                .unwrap();
            driver::acknowledged(&client, id)
                .await
                .unwrap()
                .ack_ms
                .unwrap()
        }
    });
    let mut acks = join_all(clicks).await;
    acks.sort_unstable();
    assert!(
        acks[acks.len() - 1] < 1_500,
        "acknowledgements queued behind each other: {acks:?}"
    );
    client.set_faults(&sim::Faults::default()).await.unwrap();
    harness::stop(bot, sim, &dir).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn quiet_guilds_cost_no_actor_until_first_need() {
    let sim = start_sim().await;
    let client = sim.client();
    let guilds = [
        sim.seed_guild(2).await,
        sim.seed_guild(2).await,
        sim.seed_guild(2).await,
    ];
    let dir = data_dir("quiet");
    let bot = start_bot(&sim, &dir, 3).await;
    let status = bot.status().await.unwrap();
    assert_eq!(status.guilds.len(), 3, "every guild is known");
    assert_eq!(
        status.guild_actors, 0,
        "no guild acted yet, so no actor runs"
    );
    // The first interaction in one guild starts that guild's actor, and only that one.
    post_panel(&client, &guilds[1]).await;
    let status = bot.status().await.unwrap();
    assert_eq!(status.guild_actors, 1);
    harness::stop(bot, sim, &dir).await;
}
