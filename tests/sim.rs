//! The Discord simulator against the real twilight clients: gateway handshake, resume without
//! losing dispatches, sharding, REST shapes and refusals, interactions, rate limits, recording.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use ticketeer::sim::{self, Faults, RateLimitMode, RateLimitTable, SimConfig, SimHandle};
use tokio::sync::mpsc;
use twilight_gateway::queue::InMemoryQueue;
use twilight_gateway::{ConfigBuilder, Event, EventTypeFlags, Intents, Shard, ShardId, StreamExt};
use twilight_http::Client;
use twilight_model::id::Id;

const TOKEN: &str = "sim-test-token";
const WAIT: Duration = Duration::from_secs(10);

fn intents() -> Intents {
    Intents::GUILDS
        | Intents::GUILD_MEMBERS
        | Intents::GUILD_MESSAGES
        | Intents::DIRECT_MESSAGES
        | Intents::MESSAGE_CONTENT
}

/// With `TICKETEER_SIM_RECORD_DIR` set, every simulator of this suite records its REST traffic
/// there, so the whole suite's traffic can be fed to openapi-check.
fn with_recording(mut config: SimConfig) -> SimConfig {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    if config.record.is_none()
        && let Some(dir) = std::env::var_os("TICKETEER_SIM_RECORD_DIR")
    {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        config.record =
            Some(PathBuf::from(dir).join(format!("sim-{}-{n}.jsonl", std::process::id())));
    }
    config
}

async fn start(config: SimConfig) -> SimHandle {
    sim::start(with_recording(config))
        .await
        .expect("simulator starts")
}

fn quiet() -> SimConfig {
    SimConfig {
        rate_limits: RateLimitMode::Off,
        message_content: true,
        ..Default::default()
    }
}

fn http(sim: &SimHandle, ratelimited: bool) -> Client {
    let mut b = Client::builder()
        .proxy(sim.addr().to_string(), true)
        .token(TOKEN.to_string())
        .timeout(WAIT);
    if !ratelimited {
        b = b.ratelimiter(None);
    }
    b.build()
}

/// A shard polled by its own task, its events forwarded to a channel (so the shard keeps
/// reconnecting and resuming while the test waits).
fn spawn_shard(sim: &SimHandle, id: u32, count: u32) -> mpsc::UnboundedReceiver<Event> {
    // Discord's spacing (5 s): the simulator answers op 9 to identifies closer than that.
    let config = ConfigBuilder::new(TOKEN.to_string(), intents())
        .proxy_url(sim.gateway_url())
        .queue(InMemoryQueue::default())
        .build();
    let mut shard = Shard::with_config(ShardId::new(id, count), config);
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(item) = shard.next_event(EventTypeFlags::all()).await {
            match item {
                Ok(event) => {
                    if tx.send(event).is_err() {
                        break;
                    }
                }
                Err(e) => eprintln!("shard {id}: {e}"),
            }
        }
    });
    rx
}

/// The next event matching `pick`, skipping others; panics after `WAIT`.
async fn next_matching<T>(
    rx: &mut mpsc::UnboundedReceiver<Event>,
    mut pick: impl FnMut(Event) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let e = rx.recv().await.expect("shard task alive");
            if let Some(t) = pick(e) {
                return t;
            }
        }
    })
    .await
    .expect("event arrives in time")
}

/// Polls `check` until it returns `Some`, with a bounded wait.
/// A private channel `ticket-1` made through twilight: @everyone denied, `grant` (one overwrite
/// as Discord's JSON) and the bot allowed. Returns the overwrites sent and the channel.
async fn private_channel(
    http: &Client,
    sim: &SimHandle,
    guild: u64,
    grant: Value,
) -> (
    Vec<twilight_model::channel::permission_overwrite::PermissionOverwrite>,
    twilight_model::channel::Channel,
) {
    let overwrites: Vec<twilight_model::channel::permission_overwrite::PermissionOverwrite> =
        serde_json::from_value(json!([
            {"id": guild.to_string(), "type": 0, "allow": "0", "deny": "1024"},
            grant,
            {"id": sim.application_id().to_string(), "type": 1, "allow": "101376", "deny": "0"},
        ]))
        .expect("overwrites");
    let channel = http
        .create_guild_channel(Id::new(guild), "ticket-1")
        .permission_overwrites(&overwrites)
        .await
        .expect("channel created")
        .model()
        .await
        .expect("channel model");
    (overwrites, channel)
}

/// The next INTERACTION_CREATE on the shard.
async fn next_interaction(
    rx: &mut mpsc::UnboundedReceiver<Event>,
) -> Box<twilight_model::gateway::payload::incoming::InteractionCreate> {
    next_matching(rx, |e| match e {
        Event::InteractionCreate(i) => Some(i),
        _ => None,
    })
    .await
}

async fn eventually<T, F: Future<Output = Option<T>>>(mut check: impl FnMut() -> F) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Some(t) = check().await {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("condition holds in time")
}

fn api_code(e: &twilight_http::Error) -> Option<u64> {
    match e.kind() {
        twilight_http::error::ErrorType::Response { body, .. } => {
            serde_json::from_slice::<Value>(body)
                .ok()?
                .get("code")?
                .as_u64()
        }
        _ => None,
    }
}

fn id(v: &Value) -> u64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v.as_u64())
        .expect("an id")
}

async fn register_ticket_command(http: &Client, sim: &SimHandle, guild: u64) {
    let commands: Vec<twilight_model::application::command::Command> =
        serde_json::from_value(json!([{
            "name": "ticket", "description": "Open a ticket", "type": 1, "version": "1",
            "options": [{"name": "topic", "description": "What about", "type": 3, "required": false}]
        }]))
        .expect("command model");
    http.interaction(Id::new(sim.application_id()))
        .set_guild_commands(Id::new(guild), &commands)
        .await
        .expect("commands registered");
}

#[tokio::test]
async fn identify_ready_and_guild_create() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(3).await;
    let mut rx = spawn_shard(&sim, 0, 1);
    let ready = next_matching(&mut rx, |e| match e {
        Event::Ready(r) => Some(r),
        _ => None,
    })
    .await;
    assert_eq!(ready.application.id.get(), sim.application_id());
    assert_eq!(ready.user.id.get(), sim.application_id());
    assert_eq!(ready.guilds.len(), 1);
    let guild = next_matching(&mut rx, |e| match e {
        Event::GuildCreate(g) => Some(g),
        _ => None,
    })
    .await;
    let twilight_model::gateway::payload::incoming::GuildCreate::Available(guild) = *guild else {
        panic!("guild unavailable");
    };
    assert_eq!(guild.id.get(), g.guild_id);
    // owner, staff, 3 members, the bot
    assert_eq!(guild.members.len(), 6);
    assert_eq!(guild.member_count, Some(6));
    assert!(guild.roles.iter().any(|r| r.name == "Staff"));
    assert!(
        guild
            .roles
            .iter()
            .any(|r| r.managed && r.name == "Ticketeer")
    );
    assert!(
        guild
            .channels
            .iter()
            .any(|c| c.id.get() == g.general_channel_id)
    );

    // A guild created later is announced too.
    let later = sim.client().create_guild("Later").await.expect("guild");
    let announced = next_matching(&mut rx, |e| match e {
        Event::GuildCreate(g) => Some(g.id().get()),
        _ => None,
    })
    .await;
    assert_eq!(announced, later.guild_id);
    sim.shutdown().await;
}

/// Dispatches sent while the shard is away arrive after the resume, in order, exactly once.
#[tokio::test]
async fn resume_after_reconnect_and_drop_loses_nothing() {
    let sim = start(SimConfig {
        heartbeat_interval: Duration::from_millis(500),
        ..quiet()
    })
    .await;
    let g = sim.seed_guild(1).await;
    let client = sim.client();
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;

    let mut expected = Vec::new();
    for round in 0..2 {
        if round == 0 {
            client.gateway_reconnect().await.expect("op 7 sent");
        } else {
            // Drop the connection only once the first resume has attached a new one.
            eventually(|| {
                let c = client.clone();
                async move { (c.stats().await.ok()?.gateway_resumes >= 1).then_some(()) }
            })
            .await;
            client
                .set_faults(&Faults {
                    drop_gateway: true,
                    ..Default::default()
                })
                .await
                .expect("connections dropped");
        }
        for i in 0..5 {
            let name = format!("round{round}-{i}");
            client
                .create_channel(g.guild_id, &name, 0, None)
                .await
                .expect("channel");
            expected.push(name);
        }
    }
    let mut seen = Vec::new();
    while seen.len() < expected.len() {
        let name = next_matching(&mut rx, |e| match e {
            Event::ChannelCreate(c) => c.name.clone(),
            _ => None,
        })
        .await;
        seen.push(name);
    }
    assert_eq!(seen, expected);
    // Nothing is delivered twice: a marker dispatched now is the very next channel event.
    client
        .create_channel(g.guild_id, "marker", 0, None)
        .await
        .expect("channel");
    let next = next_matching(&mut rx, |e| match e {
        Event::ChannelCreate(c) => c.name.clone(),
        _ => None,
    })
    .await;
    assert_eq!(next, "marker");
    let stats = client.stats().await.expect("stats");
    assert!(stats.gateway_resumes >= 2, "{stats:?}");
    assert_eq!(stats.gateway_sessions, 1, "resumed, never re-identified");
    sim.shutdown().await;
}

#[tokio::test]
async fn invalid_session_not_resumable_reidentifies() {
    let sim = start(quiet()).await;
    sim.seed_guild(0).await;
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    sim.client()
        .gateway_invalidate(false)
        .await
        .expect("op 9 sent");
    next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    assert_eq!(
        sim.client().stats().await.expect("stats").gateway_sessions,
        2
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn deleting_a_role_takes_it_from_members_and_overwrites() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let http = http(&sim, false);
    let client = sim.client();
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    let (overwrites, channel) = private_channel(
        &http,
        &sim,
        g.guild_id,
        json!({"id": g.staff_role_id.to_string(), "type": 0, "allow": "1024", "deny": "0"}),
    )
    .await;
    let cid = channel.id.get();
    assert!(
        client
            .permissions(cid, g.staff_id)
            .await
            .expect("perms")
            .view_channel
    );

    client
        .delete_role(g.guild_id, g.staff_role_id)
        .await
        .expect("role deleted");
    let deleted = next_matching(&mut rx, |e| match e {
        Event::RoleDelete(d) => Some(d),
        _ => None,
    })
    .await;
    assert_eq!(deleted.role_id.get(), g.staff_role_id);
    let roles = http
        .roles(Id::new(g.guild_id))
        .await
        .expect("roles")
        .models()
        .await
        .expect("models");
    assert!(roles.iter().all(|r| r.id.get() != g.staff_role_id));
    let member = http
        .guild_member(Id::new(g.guild_id), Id::new(g.staff_id))
        .await
        .expect("member")
        .model()
        .await
        .expect("model");
    assert!(member.roles.is_empty(), "{:?}", member.roles);
    let channel = http
        .channel(Id::new(cid))
        .await
        .expect("channel")
        .model()
        .await
        .expect("model");
    assert_eq!(channel.permission_overwrites.map(|o| o.len()), Some(2));
    assert!(
        !client
            .permissions(cid, g.staff_id)
            .await
            .expect("perms")
            .view_channel
    );
    // Granting the deleted role in an overwrite is now refused, as Discord does.
    let refused = http
        .update_channel(Id::new(cid))
        .permission_overwrites(&overwrites)
        .await
        .expect_err("unknown role refused");
    assert!(api_code(&refused).is_some(), "{refused}");
    // @everyone cannot be deleted; a role twice cannot either.
    assert!(client.delete_role(g.guild_id, g.guild_id).await.is_err());
    assert!(
        client
            .delete_role(g.guild_id, g.staff_role_id)
            .await
            .is_err()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn two_shards_split_guilds() {
    let sim = start(quiet()).await;
    let client = sim.client();
    let mut guilds = Vec::new();
    for i in 0..50 {
        guilds.push(
            client
                .create_guild(&format!("g{i}"))
                .await
                .expect("guild")
                .guild_id,
        );
        let odd = guilds.iter().filter(|g| (*g >> 22) % 2 == 1).count();
        if guilds.len() >= 4 && odd > 0 && odd < guilds.len() {
            break;
        }
    }
    for shard in 0..2u32 {
        let mut rx = spawn_shard(&sim, shard, 2);
        let ready = next_matching(&mut rx, |e| match e {
            Event::Ready(r) => Some(r),
            _ => None,
        })
        .await;
        let mut got: Vec<u64> = ready.guilds.iter().map(|g| g.id.get()).collect();
        got.sort_unstable();
        let mut want: Vec<u64> = guilds
            .iter()
            .copied()
            .filter(|g| (g >> 22) % 2 == u64::from(shard))
            .collect();
        want.sort_unstable();
        assert!(!want.is_empty());
        assert_eq!(got, want, "shard {shard}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn channels_messages_and_interactions_through_twilight() {
    let sim = start(SimConfig {
        interaction_deadline: Duration::from_millis(600),
        ..quiet()
    })
    .await;
    let g = sim.seed_guild(2).await;
    let http = http(&sim, false);
    let client = sim.client();
    let app = Id::new(sim.application_id());
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    register_ticket_command(&http, &sim, g.guild_id).await;

    // A private channel: @everyone denied, the opener and the bot allowed.
    let opener = g.member_ids[0];
    let (_, channel) = private_channel(
        &http,
        &sim,
        g.guild_id,
        json!({"id": opener.to_string(), "type": 1, "allow": "3072", "deny": "0"}),
    )
    .await;
    let cid = channel.id.get();
    assert_eq!(
        channel.permission_overwrites.as_ref().map(Vec::len),
        Some(3)
    );
    assert!(
        client
            .permissions(cid, opener)
            .await
            .expect("perms")
            .view_channel
    );
    assert!(
        !client
            .permissions(cid, g.member_ids[1])
            .await
            .expect("perms")
            .view_channel
    );

    // A message with a button.
    let components: Vec<twilight_model::channel::message::Component> =
        serde_json::from_value(json!([{"type": 1, "components": [
            {"type": 2, "style": 4, "custom_id": "close:1", "label": "Close"}]}]))
        .expect("components");
    let msg = http
        .create_message(Id::new(cid))
        .content("Welcome")
        .components(&components)
        .await
        .expect("message sent")
        .model()
        .await
        .expect("message model");
    let stored = client.channel_messages(cid).await.expect("messages");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0]["components"][0]["components"][0]["custom_id"],
        "close:1"
    );

    // Someone who cannot see the channel cannot click; a missing custom_id is refused.
    assert!(
        client
            .click(g.guild_id, cid, g.member_ids[1], msg.id.get(), "close:1")
            .await
            .is_err()
    );
    assert!(
        client
            .click(g.guild_id, cid, opener, msg.id.get(), "nope")
            .await
            .is_err()
    );

    // A command answered in time, then answered again.
    let iid = client
        .command(
            g.guild_id,
            g.general_channel_id,
            opener,
            "ticket",
            json!({"topic": "billing"}),
        )
        .await
        .expect("command accepted");
    let interaction = next_interaction(&mut rx).await;
    assert_eq!(interaction.id.get(), iid);
    let response: twilight_model::http::interaction::InteractionResponse =
        serde_json::from_value(json!({"type": 4, "data": {"content": "Opened", "flags": 64}}))
            .expect("response");
    http.interaction(app)
        .create_response(interaction.id, &interaction.token, &response)
        .await
        .expect("first answer accepted");
    let second = http
        .interaction(app)
        .create_response(interaction.id, &interaction.token, &response)
        .await
        .expect_err("second answer refused");
    assert_eq!(api_code(&second), Some(40060));
    let outcome = client.wait_interaction(iid, 2000).await.expect("outcome");
    assert_eq!(outcome.state, "responded");
    assert_eq!(
        outcome.message.as_ref().map(|m| m["content"].clone()),
        Some(json!("Opened"))
    );
    let followup = http
        .interaction(app)
        .create_followup(&interaction.token)
        .content("More")
        .await
        .expect("followup")
        .model()
        .await
        .expect("followup model");
    assert_eq!(followup.content, "More");

    // The button click arrives as a component interaction with the full message.
    let click = client
        .click(g.guild_id, cid, opener, msg.id.get(), "close:1")
        .await
        .expect("click accepted");
    let interaction = next_interaction(&mut rx).await;
    assert_eq!(interaction.id.get(), click);
    assert_eq!(interaction.message.as_ref().map(|m| m.id), Some(msg.id));
    let update: twilight_model::http::interaction::InteractionResponse = serde_json::from_value(
        json!({"type": 7, "data": {"content": "Closing", "components": []}}),
    )
    .expect("response");
    http.interaction(app)
        .create_response(interaction.id, &interaction.token, &update)
        .await
        .expect("update accepted");
    let outcome = client.wait_interaction(click, 2000).await.expect("outcome");
    assert_eq!(
        outcome.message.as_ref().map(|m| m["content"].clone()),
        Some(json!("Closing"))
    );

    // Too late: the deadline (600 ms here) passed before the answer.
    let late = client
        .command(
            g.guild_id,
            g.general_channel_id,
            opener,
            "ticket",
            Value::Null,
        )
        .await
        .expect("command accepted");
    let interaction = next_interaction(&mut rx).await;
    let outcome = client.wait_interaction(late, 3000).await.expect("outcome");
    assert_eq!(outcome.state, "failed");
    let err = http
        .interaction(app)
        .create_response(interaction.id, &interaction.token, &response)
        .await
        .expect_err("late answer refused");
    assert_eq!(api_code(&err), Some(10062));
    assert_eq!(client.stats().await.expect("stats").interactions_failed, 1);

    // The same three outcomes in one request, in order; an unknown id is named, not dropped.
    let summaries = client
        .interaction_summaries(&[iid, click, late, 42])
        .await
        .expect("summaries");
    let brief: Vec<(u64, Option<&str>, &str)> = summaries
        .iter()
        .map(|s| (s.interaction_id, s.state.as_deref(), s.content.as_str()))
        .collect();
    assert_eq!(
        brief,
        vec![
            (iid, Some("responded"), "Opened"),
            (click, Some("responded"), "Closing"),
            (late, Some("failed"), ""),
            (42, None, ""),
        ]
    );
    assert!(summaries[0].ack_ms.is_some() && summaries[2].ack_ms.is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn modal_round_trip() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let http = http(&sim, false);
    let client = sim.client();
    let app = Id::new(sim.application_id());
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    register_ticket_command(&http, &sim, g.guild_id).await;
    let user = g.member_ids[0];
    // Only registered commands can be run.
    assert!(
        client
            .command(g.guild_id, g.general_channel_id, user, "nope", Value::Null)
            .await
            .is_err()
    );
    // Not opened yet: refused.
    assert!(
        client
            .submit_modal(
                g.guild_id,
                g.general_channel_id,
                user,
                "form",
                &[("reason", "x")]
            )
            .await
            .is_err()
    );
    let iid = client
        .command(
            g.guild_id,
            g.general_channel_id,
            user,
            "ticket",
            Value::Null,
        )
        .await
        .expect("command");
    let interaction = next_interaction(&mut rx).await;
    let modal: twilight_model::http::interaction::InteractionResponse = serde_json::from_value(
        json!({"type": 9, "data": {"custom_id": "form", "title": "Why?", "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "reason", "label": "Reason",
                "style": 2, "required": true}]}]}}),
    )
    .expect("modal");
    http.interaction(app)
        .create_response(interaction.id, &interaction.token, &modal)
        .await
        .expect("modal opened");
    let outcome = client.wait_interaction(iid, 2000).await.expect("outcome");
    assert_eq!(
        outcome.modal.as_ref().map(|m| m["custom_id"].clone()),
        Some(json!("form"))
    );
    // Another user cannot submit it.
    assert!(
        client
            .submit_modal(
                g.guild_id,
                g.general_channel_id,
                g.staff_id,
                "form",
                &[("reason", "x")]
            )
            .await
            .is_err()
    );
    client
        .submit_modal(
            g.guild_id,
            g.general_channel_id,
            user,
            "form",
            &[("reason", "printer on fire")],
        )
        .await
        .expect("submitted");
    let submitted = next_interaction(&mut rx).await;
    let Some(twilight_model::application::interaction::InteractionData::ModalSubmit(data)) =
        &submitted.data
    else {
        panic!("modal submit data expected");
    };
    assert_eq!(data.custom_id, "form");
    let text = serde_json::to_value(&data.components).expect("components");
    assert!(text.to_string().contains("printer on fire"));
    sim.shutdown().await;
}

/// Every limit refused with Discord's code, through raw HTTP so twilight's own validation
/// cannot stop a request first.
#[tokio::test]
async fn limits_are_refused_with_discord_codes() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let client = sim.client();
    let raw = reqwest::Client::new();
    let base = format!("{}/api/v10", sim.http_url());
    let ch = g.general_channel_id;
    let big = |n: usize| "x".repeat(n);
    let button = |id: &str| json!({"type": 2, "style": 1, "custom_id": id, "label": "b"});
    let row = |n: usize| json!({"type": 1, "components": (0..n).map(|i| button(&format!("b{i}"))).collect::<Vec<_>>()});
    let embed = |k: &str, n: usize| json!({"embeds": [{ k: big(n) }]});

    // A full category and a guild at 500 channels, built through the control API.
    let cat = client
        .create_channel(g.guild_id, "full", 4, None)
        .await
        .expect("category");
    for i in 0..50 {
        client
            .create_channel(g.guild_id, &format!("c{i}"), 0, Some(cat))
            .await
            .expect("child");
    }
    let full_guild = client.create_guild("Full").await.expect("guild");
    for i in 0..500 {
        client
            .create_channel(full_guild.guild_id, &format!("f{i}"), 0, None)
            .await
            .expect("channel");
    }
    let closed = client
        .add_member_with(
            g.guild_id,
            &sim::NewMember {
                username: "closed".into(),
                dms_open: false,
                ..Default::default()
            },
        )
        .await
        .expect("member");
    let dm: Value = raw
        .post(format!("{base}/users/@me/channels"))
        .header("authorization", format!("Bot {TOKEN}"))
        .json(&json!({"recipient_id": closed.to_string()}))
        .send()
        .await
        .expect("dm")
        .json()
        .await
        .expect("dm json");
    let dm = id(&dm["id"]);

    let msgs = format!("channels/{ch}/messages");
    let cases: Vec<(&str, String, Value, u16, u64)> = vec![
        (
            "POST",
            msgs.clone(),
            json!({"content": big(2001)}),
            400,
            50035,
        ),
        ("POST", msgs.clone(), json!({}), 400, 50006),
        (
            "POST",
            msgs.clone(),
            json!({"embeds": (0..11).map(|_| json!({"title": "t"})).collect::<Vec<_>>()}),
            400,
            50035,
        ),
        ("POST", msgs.clone(), embed("title", 257), 400, 50035),
        ("POST", msgs.clone(), embed("description", 4097), 400, 50035),
        (
            "POST",
            msgs.clone(),
            json!({"embeds": [{"fields": (0..26).map(|_| json!({"name": "n", "value": "v"})).collect::<Vec<_>>()}]}),
            400,
            50035,
        ),
        (
            "POST",
            msgs.clone(),
            json!({"embeds": [{"footer": {"text": big(2049)}}]}),
            400,
            50035,
        ),
        (
            "POST",
            msgs.clone(),
            json!({"embeds": [{"description": big(4000)}, {"description": big(2001)}]}),
            400,
            50035,
        ),
        (
            "POST",
            msgs.clone(),
            json!({"components": (0..6).map(|_| row(1)).collect::<Vec<_>>()}),
            400,
            50035,
        ),
        (
            "POST",
            msgs.clone(),
            json!({"components": [row(6)]}),
            400,
            50035,
        ),
        (
            "POST",
            msgs.clone(),
            json!({"components": [{"type": 1, "components": [button(&big(101))]}]}),
            400,
            50035,
        ),
        (
            "POST",
            msgs.clone(),
            json!({"components": [{"type": 1, "components": [button("")]}]}),
            400,
            50035,
        ),
        (
            "POST",
            msgs.clone(),
            json!({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s",
            "options": (0..26).map(|i| json!({"label": "l", "value": i.to_string()})).collect::<Vec<_>>()}]}]}),
            400,
            50035,
        ),
        (
            "POST",
            format!("channels/{dm}/messages"),
            json!({"content": "hi"}),
            403,
            50007,
        ),
        (
            "POST",
            "channels/1/messages".into(),
            json!({"content": "hi"}),
            404,
            10003,
        ),
        ("GET", "guilds/1".to_string(), Value::Null, 404, 10004),
        (
            "GET",
            format!("channels/{ch}/messages/1"),
            Value::Null,
            404,
            10008,
        ),
        (
            "GET",
            format!("guilds/{}/members/1", g.guild_id),
            Value::Null,
            404,
            10007,
        ),
        (
            "POST",
            "users/@me/channels".into(),
            json!({"recipient_id": "1"}),
            404,
            10013,
        ),
        (
            "GET",
            format!("channels/{ch}/messages?limit=101"),
            Value::Null,
            400,
            50035,
        ),
        (
            "POST",
            format!("guilds/{}/channels", g.guild_id),
            json!({"name": "x", "parent_id": cat.to_string()}),
            400,
            50035,
        ),
        (
            "POST",
            format!("guilds/{}/channels", full_guild.guild_id),
            json!({"name": "x"}),
            400,
            30013,
        ),
        (
            "POST",
            format!("guilds/{}/channels", g.guild_id),
            json!({"name": big(101)}),
            400,
            50035,
        ),
        // The bot may not grant what it lacks (Administrator).
        (
            "POST",
            format!("guilds/{}/channels", g.guild_id),
            json!({"name": "x", "permission_overwrites": [
            {"id": g.staff_role_id.to_string(), "type": 0, "allow": "8"}]}),
            403,
            50013,
        ),
        (
            "PUT",
            format!("channels/{ch}/permissions/{}", g.staff_role_id),
            json!({"type": 0, "allow": "32"}),
            403,
            50013,
        ),
        (
            "POST",
            "interactions/1/aW50ZXJhY3Rpb24_1_x/callback".into(),
            json!({"type": 1}),
            404,
            10062,
        ),
        (
            "POST",
            format!("webhooks/{}/aW50ZXJhY3Rpb24_1_x", sim.application_id()),
            json!({"content": "x"}),
            404,
            10015,
        ),
    ];
    for (method, path, body, status, code) in cases {
        let mut req = raw
            .request(method.parse().expect("method"), format!("{base}/{path}"))
            .header("authorization", format!("Bot {TOKEN}"));
        if !body.is_null() {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let got_status = resp.status().as_u16();
        let got: Value = resp.json().await.expect("json error body");
        assert_eq!(
            (got_status, got["code"].as_u64()),
            (status, Some(code)),
            "{method} {path}: {got}"
        );
        assert!(got["message"].is_string());
    }

    // More than 10 files (one over the size limit: `uploads_over_discords_limits_...`).
    let mut form =
        reqwest::multipart::Form::new().text("payload_json", json!({"content": "f"}).to_string());
    for i in 0..11 {
        form = form.part(
            format!("files[{i}]"),
            reqwest::multipart::Part::bytes(vec![b'a'; 10]).file_name(format!("f{i}.txt")),
        );
    }
    let resp = raw
        .post(format!("{base}/{msgs}"))
        .header("authorization", format!("Bot {TOKEN}"))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status().as_u16(), 400);
    let got: Value = resp.json().await.expect("json");
    assert_eq!(got["code"], 50035, "11 files");

    // Missing Access (cannot view) and Missing Permissions (role lowered).
    let hidden = raw
        .post(format!(
            "{}/_sim/guilds/{}/channels",
            sim.http_url(),
            g.guild_id
        ))
        .json(&json!({"name": "hidden", "permission_overwrites": [
            {"id": g.guild_id.to_string(), "type": 0, "deny": "1024"}]}))
        .send()
        .await
        .expect("hidden")
        .json::<Value>()
        .await
        .expect("json");
    let hidden = id(&hidden["channel_id"]);
    let resp = raw
        .get(format!("{base}/channels/{hidden}/messages"))
        .header("authorization", format!("Bot {TOKEN}"))
        .send()
        .await
        .expect("read");
    assert_eq!(resp.status().as_u16(), 403);
    assert_eq!(resp.json::<Value>().await.expect("json")["code"], 50001);

    let guild = client.create_guild("Lowered").await.expect("guild");
    client
        .set_role_permissions(guild.guild_id, guild.bot_role_id, 1024 | 2048)
        .await
        .expect("lowered");
    let resp = raw
        .post(format!("{base}/guilds/{}/channels", guild.guild_id))
        .header("authorization", format!("Bot {TOKEN}"))
        .json(&json!({"name": "nope"}))
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status().as_u16(), 403);
    assert_eq!(resp.json::<Value>().await.expect("json")["code"], 50013);

    // A pinned token refuses others with 401 code 0, counted as invalid.
    let pinned = start(SimConfig {
        token: Some("right".into()),
        ..quiet()
    })
    .await;
    let resp = raw
        .get(format!("{}/api/v10/users/@me", pinned.http_url()))
        .header("authorization", "Bot wrong")
        .send()
        .await
        .expect("me");
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.json::<Value>().await.expect("json")["code"], 0);
    assert_eq!(
        pinned
            .client()
            .stats()
            .await
            .expect("stats")
            .invalid_requests,
        1
    );
    pinned.shutdown().await;
    sim.shutdown().await;
}

/// Modal limits need the interaction token, which only the gateway carries.
#[tokio::test]
async fn modal_limits_are_refused() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let http = http(&sim, false);
    register_ticket_command(&http, &sim, g.guild_id).await;
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    let raw = reqwest::Client::new();
    let long = "x".repeat(46);
    for data in [
        json!({"custom_id": "m", "title": long, "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1}]}]}),
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1, "max_length": 4001}]}]}),
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1, "value": "v".repeat(4001)}]}]}),
        json!({"custom_id": "", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1}]}]}),
        // The intake form's limits: lengths in range and ordered, a prefill within them, one
        // text input per row, at most five rows, a label of at most 45 characters.
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1, "min_length": 9,
             "max_length": 3}]}]}),
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1, "max_length": 0}]}]}),
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1, "max_length": 3,
             "value": "four"}]}]}),
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1},
            {"type": 4, "custom_id": "b", "label": "b", "style": 1}]}]}),
        json!({"custom_id": "m", "title": "t", "components": vec![json!({"type": 1,
            "components": [{"type": 4, "custom_id": "a", "label": "a", "style": 1}]}); 6]}),
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": long, "style": 1}]}]}),
        json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [
            {"type": 4, "custom_id": "a", "label": "a", "style": 1,
             "placeholder": "p".repeat(101)}]}]}),
    ] {
        sim.client()
            .command(
                g.guild_id,
                g.general_channel_id,
                g.member_ids[0],
                "ticket",
                Value::Null,
            )
            .await
            .expect("command");
        let i = next_interaction(&mut rx).await;
        let resp = raw
            .post(format!(
                "{}/api/v10/interactions/{}/{}/callback",
                sim.http_url(),
                i.id,
                i.token
            ))
            .json(&json!({"type": 9, "data": data}))
            .send()
            .await
            .expect("callback");
        assert_eq!(resp.status().as_u16(), 400);
        assert_eq!(
            resp.json::<Value>().await.expect("json")["code"],
            50035,
            "{data}"
        );
    }
    sim.shutdown().await;
}

/// twilight's default ratelimiter meets a 429 with the headers it reads, waits and succeeds.
#[tokio::test]
async fn twilight_waits_out_a_429() {
    let table = RateLimitTable {
        message_create: sim::ratelimit::Rule::per(2, 700),
        ..Default::default()
    };
    let sim = sim::start_with_limits(with_recording(SimConfig::default()), table)
        .await
        .expect("simulator");
    let g = sim.seed_guild(0).await;
    let http = http(&sim, true);
    for i in 0..5 {
        http.create_message(Id::new(g.general_channel_id))
            .content(&format!("m{i}"))
            .await
            .expect("eventually sent");
    }
    let stats = sim.client().stats().await.expect("stats");
    assert!(stats.rate_limited >= 1, "{stats:?}");
    assert_eq!(
        stats
            .requests_per_route
            .get("POST /channels/{id}/messages")
            .copied()
            .unwrap_or(0) as usize,
        5 + stats.rate_limited as usize
    );
    assert_eq!(
        sim.client()
            .channel_messages(g.general_channel_id)
            .await
            .expect("messages")
            .len(),
        5
    );
    sim.shutdown().await;
}

/// A fault-injected 429 carries the headers too, and twilight retries through it.
#[tokio::test]
async fn injected_429s_are_retried() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(0).await;
    sim.client()
        .set_faults(&Faults {
            http_429_ratio: 0.5,
            ..Default::default()
        })
        .await
        .expect("faults");
    let http = http(&sim, true);
    for i in 0..6 {
        http.create_message(Id::new(g.general_channel_id))
            .content(&format!("m{i}"))
            .await
            .expect("eventually sent");
    }
    let msgs = eventually(|| {
        let c = sim.client();
        async move {
            let m = c.channel_messages(g.general_channel_id).await.ok()?;
            (m.len() == 6).then_some(m)
        }
    })
    .await;
    assert_eq!(msgs[0]["content"], "m0");
    sim.shutdown().await;
}

fn openapi_check() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        PathBuf::from("/work/shared/tools/openapi-check"),
        manifest.join("../shared/tools/openapi-check"),
    ];
    candidates.into_iter().find(|p| p.exists())
}

/// A recorded run of typical bot traffic conforms to Discord's OpenAPI spec.
#[tokio::test]
async fn recording_passes_openapi_check() {
    let Some(tool) = openapi_check() else {
        eprintln!("skipped: openapi-check not found (../shared is absent)");
        return;
    };
    let has_jsonschema = std::process::Command::new("python3")
        .args(["-c", "import jsonschema, referencing"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_jsonschema {
        eprintln!("skipped: python3 with jsonschema is not available");
        return;
    }
    let record =
        std::env::temp_dir().join(format!("ticketeer-sim-record-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&record);
    let sim = start(SimConfig {
        record: Some(record.clone()),
        ..quiet()
    })
    .await;
    let g = sim.seed_guild(2).await;
    let http = http(&sim, false);
    let client = sim.client();
    let app = Id::new(sim.application_id());
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;

    http.gateway().authed().await.expect("gateway/bot");
    http.current_user().await.expect("users/@me");
    http.current_user_application()
        .await
        .expect("applications/@me");
    register_ticket_command(&http, &sim, g.guild_id).await;
    http.interaction(app)
        .guild_commands(Id::new(g.guild_id))
        .await
        .expect("commands");
    http.interaction(app)
        .global_commands()
        .await
        .expect("global commands");
    http.guild(Id::new(g.guild_id)).await.expect("guild");
    http.roles(Id::new(g.guild_id)).await.expect("roles");
    http.guild_member(Id::new(g.guild_id), Id::new(g.member_ids[0]))
        .await
        .expect("member");
    http.guild_channels(Id::new(g.guild_id))
        .await
        .expect("channels");
    let category = http
        .create_guild_channel(Id::new(g.guild_id), "Tickets")
        .kind(twilight_model::channel::ChannelType::GuildCategory)
        .await
        .expect("category")
        .model()
        .await
        .expect("category model");
    let overwrites: Vec<twilight_model::channel::permission_overwrite::PermissionOverwrite> =
        serde_json::from_value(json!([
            {"id": g.guild_id.to_string(), "type": 0, "allow": "0", "deny": "1024"},
            {"id": sim.application_id().to_string(), "type": 1, "allow": "101376", "deny": "0"},
            {"id": g.member_ids[0].to_string(), "type": 1, "allow": "3072", "deny": "0"},
        ]))
        .expect("overwrites");
    let ticket = http
        .create_guild_channel(Id::new(g.guild_id), "ticket-0001")
        .parent_id(category.id)
        .topic("Billing")
        .permission_overwrites(&overwrites)
        .await
        .expect("ticket")
        .model()
        .await
        .expect("ticket model");
    http.channel(ticket.id).await.expect("get channel");
    http.update_channel(ticket.id)
        .name("ticket-0001-closed")
        .await
        .expect("rename");
    let staff_ow: twilight_model::http::permission_overwrite::PermissionOverwrite =
        serde_json::from_value(
            json!({"id": g.staff_role_id.to_string(), "type": 0, "allow": "3072"}),
        )
        .expect("overwrite");
    http.update_channel_permission(ticket.id, &staff_ow)
        .await
        .expect("put overwrite");
    http.delete_channel_permission(ticket.id)
        .role(Id::new(g.staff_role_id))
        .await
        .expect("delete overwrite");
    let components: Vec<twilight_model::channel::message::Component> =
        serde_json::from_value(json!([{"type": 1, "components": [
            {"type": 2, "style": 4, "custom_id": "close:1", "label": "Close"},
            {"type": 2, "style": 5, "url": "https://example.com", "label": "Docs"}]}]))
        .expect("components");
    let embeds: Vec<twilight_model::channel::message::Embed> = serde_json::from_value(json!([
        {"title": "Ticket #1", "description": "Billing", "color": 5793266, "type": "rich",
         "fields": [{"name": "Opened by", "value": "<@1>", "inline": true}],
         "footer": {"text": "Ticketeer"}, "timestamp": "2024-01-01T00:00:00.000000+00:00"}
    ]))
    .expect("embeds");
    let msg = http
        .create_message(ticket.id)
        .content("Welcome")
        .embeds(&embeds)
        .components(&components)
        .await
        .expect("message")
        .model()
        .await
        .expect("message model");
    // twilight serializes `attachments[].id` as a number, which Discord accepts but its spec
    // types as a string; `payload_json` with string ids keeps the request in the spec's shape.
    let file = twilight_model::http::attachment::Attachment::from_bytes(
        "transcript.html".into(),
        b"<html></html>".to_vec(),
        1,
    );
    let payload = json!({"content": "Transcript",
        "attachments": [{"id": "1", "filename": "transcript.html"}]})
    .to_string();
    let uploaded = http
        .create_message(ticket.id)
        .attachments(&[file])
        .payload_json(payload.as_bytes())
        .await
        .expect("upload")
        .model()
        .await
        .expect("message model");
    let uploaded = serde_json::to_value(&uploaded).expect("message json");
    let attachment = id(&uploaded["attachments"][0]["id"]);
    assert_eq!(
        client.attachment(attachment).await.expect("bytes"),
        b"<html></html>"
    );
    http.update_message(ticket.id, msg.id)
        .content(Some("Edited"))
        .await
        .expect("edit");
    http.message(ticket.id, msg.id).await.expect("get message");
    http.channel_messages(ticket.id)
        .limit(10)
        .await
        .expect("history");
    http.channel_messages(ticket.id)
        .before(msg.id)
        .await
        .expect("before");
    http.delete_message(ticket.id, msg.id)
        .await
        .expect("delete message");
    let dm = http
        .create_private_channel(Id::new(g.member_ids[1]))
        .await
        .expect("dm")
        .model()
        .await
        .expect("dm model");
    http.create_message(dm.id)
        .content("Your ticket was closed")
        .await
        .expect("dm message");

    // An interaction answered with a deferral, then @original edit, follow-up and delete.
    let iid = client
        .command(
            g.guild_id,
            g.general_channel_id,
            g.member_ids[0],
            "ticket",
            json!({"topic": "x"}),
        )
        .await
        .expect("command");
    let i = next_interaction(&mut rx).await;
    let defer: twilight_model::http::interaction::InteractionResponse =
        serde_json::from_value(json!({"type": 5, "data": {"flags": 64}})).expect("defer");
    http.interaction(app)
        .create_response(i.id, &i.token, &defer)
        .await
        .expect("defer");
    http.interaction(app)
        .update_response(&i.token)
        .content(Some("Done"))
        .await
        .expect("edit original");
    http.interaction(app)
        .response(&i.token)
        .await
        .expect("get original");
    let f = http
        .interaction(app)
        .create_followup(&i.token)
        .content("Follow-up")
        .await
        .expect("followup")
        .model()
        .await
        .expect("followup model");
    http.interaction(app)
        .update_followup(&i.token, f.id)
        .content(Some("Follow-up 2"))
        .await
        .expect("edit followup");
    http.interaction(app)
        .delete_followup(&i.token, f.id)
        .await
        .expect("delete followup");
    assert_eq!(
        client
            .wait_interaction(iid, 1000)
            .await
            .expect("outcome")
            .state,
        "responded"
    );

    // Callbacks asked `with_response`, as some libraries do: 200 with the callback response.
    for (kind, data) in [
        (4, json!({"content": "Hi", "embeds": [{"title": "T"}]})),
        (5, json!({})),
    ] {
        client
            .command(
                g.guild_id,
                g.general_channel_id,
                g.member_ids[0],
                "ticket",
                Value::Null,
            )
            .await
            .expect("command");
        let i = next_interaction(&mut rx).await;
        let resp = reqwest::Client::new()
            .post(format!(
                "{}/api/v10/interactions/{}/{}/callback?with_response=true",
                sim.http_url(),
                i.id,
                i.token
            ))
            .json(&json!({"type": kind, "data": data}))
            .send()
            .await
            .expect("callback");
        assert_eq!(resp.status().as_u16(), 200);
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["interaction"]["id"], i.id.to_string());
        if kind == 4 {
            assert_eq!(body["resource"]["message"]["content"], "Hi");
        }
    }

    // A refusal is recorded in Discord's error shape too.
    let _ = http.create_message(Id::new(1)).content("x").await;
    for (path, body) in [
        (
            format!("channels/{}/messages", g.general_channel_id),
            json!({"content": "x".repeat(2001)}),
        ),
        (
            format!("guilds/{}/channels", g.guild_id),
            json!({"name": "x", "permission_overwrites": [
                {"id": g.staff_role_id.to_string(), "type": 0, "allow": "8", "deny": "0"}]}),
        ),
    ] {
        let resp = reqwest::Client::new()
            .post(format!("{}/api/v10/{path}", sim.http_url()))
            .header("authorization", format!("Bot {TOKEN}"))
            .json(&body)
            .send()
            .await
            .expect("refused request");
        assert!(resp.status().is_client_error());
    }
    http.delete_channel(ticket.id)
        .await
        .expect("delete channel");
    sim.shutdown().await;

    let out = std::process::Command::new("python3")
        .arg(&tool)
        .arg(&record)
        .output()
        .expect("openapi-check runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "openapi-check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" 0 errors"), "{stdout}");
    let _ = std::fs::remove_file(&record);
}

/// Clicks and selects are refused unless Discord's client would offer them.
#[tokio::test]
async fn selects_and_ephemeral_components_are_checked() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(2).await;
    let client = sim.client();
    let (alice, bob) = (g.member_ids[0], g.member_ids[1]);
    let ch = g.general_channel_id;
    let raw = reqwest::Client::new();
    let sent: Value = raw
        .post(format!("{}/api/v10/channels/{ch}/messages", sim.http_url()))
        .header("authorization", format!("Bot {TOKEN}"))
        .json(&json!({"content": "Pick", "components": [
            {"type": 1, "components": [{"type": 3, "custom_id": "topic", "max_values": 2,
                "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]}]},
            {"type": 1, "components": [{"type": 5, "custom_id": "who"}]},
            {"type": 1, "components": [{"type": 6, "custom_id": "role"}]},
            {"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "off", "label": "Off",
                "disabled": true}]},
        ]}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("message");
    let m = id(&sent["id"]);
    assert_eq!(sent["components"][0]["id"], 1, "Discord numbers components");
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(
        client
            .select(g.guild_id, ch, alice, m, "topic", &s(&["a", "b"]))
            .await
            .is_ok()
    );
    assert!(
        client
            .select(g.guild_id, ch, alice, m, "topic", &s(&["c"]))
            .await
            .is_err()
    );
    assert!(
        client
            .select(g.guild_id, ch, alice, m, "topic", &s(&[]))
            .await
            .is_err()
    );
    let bob_s = bob.to_string();
    assert!(
        client
            .select(
                g.guild_id,
                ch,
                alice,
                m,
                "who",
                std::slice::from_ref(&bob_s)
            )
            .await
            .is_ok()
    );
    assert!(
        client
            .select(g.guild_id, ch, alice, m, "who", &s(&["12345"]))
            .await
            .is_err()
    );
    let staff = g.staff_role_id.to_string();
    assert!(
        client
            .select(g.guild_id, ch, alice, m, "role", &[staff])
            .await
            .is_ok()
    );
    assert!(
        client
            .select(g.guild_id, ch, alice, m, "role", &[bob_s])
            .await
            .is_err()
    );
    assert!(client.click(g.guild_id, ch, alice, m, "off").await.is_err());

    // An ephemeral answer with a button: only its recipient can press it.
    let http = http(&sim, false);
    register_ticket_command(&http, &sim, g.guild_id).await;
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    let iid = client
        .command(g.guild_id, ch, alice, "ticket", Value::Null)
        .await
        .expect("command");
    let i = next_interaction(&mut rx).await;
    let answer: twilight_model::http::interaction::InteractionResponse =
        serde_json::from_value(json!({"type": 4, "data": {"content": "Sure?", "flags": 64,
            "components": [{"type": 1, "components": [
                {"type": 2, "style": 4, "custom_id": "confirm", "label": "Yes"}]}]}}))
        .expect("answer");
    http.interaction(Id::new(sim.application_id()))
        .create_response(i.id, &i.token, &answer)
        .await
        .expect("answered");
    let outcome = client.wait_interaction(iid, 2000).await.expect("outcome");
    let eph = id(&outcome.message.expect("ephemeral message")["id"]);
    assert!(
        client
            .click(g.guild_id, ch, bob, eph, "confirm")
            .await
            .is_err()
    );
    assert!(
        client
            .click(g.guild_id, ch, alice, eph, "confirm")
            .await
            .is_ok()
    );
    // Ephemeral messages stay out of the channel's history.
    let history = client.channel_messages(ch).await.expect("history");
    assert!(history.iter().all(|m| id(&m["id"]) != eph));
    sim.shutdown().await;
}

/// 5xx faults reach the client (twilight does not retry them) and latency is added.
#[tokio::test]
async fn server_error_and_latency_faults() {
    let sim = start(quiet()).await;
    let client = sim.client();
    let http = http(&sim, false);
    client
        .set_faults(&Faults {
            http_5xx_ratio: 1.0,
            ..Default::default()
        })
        .await
        .expect("faults");
    let err = http.current_user().await.expect_err("500");
    assert!(matches!(
        err.kind(),
        twilight_http::error::ErrorType::Response { status, .. } if status.get() == 500
    ));
    client
        .set_faults(&Faults {
            latency_ms: 150,
            ..Default::default()
        })
        .await
        .expect("faults");
    let t = std::time::Instant::now();
    http.current_user().await.expect("slow but fine");
    assert!(t.elapsed() >= Duration::from_millis(150));
    client
        .set_faults(&Faults::default())
        .await
        .expect("faults off");
    let stats = client.stats().await.expect("stats");
    assert_eq!(stats.requests_per_route.get("GET /users/@me"), Some(&2));
    sim.shutdown().await;
}

/// A throughput smoke test: many tickets' worth of REST traffic stays fast (no O(n²) paths).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tickets_worth_of_traffic_is_fast() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let http = std::sync::Arc::new(http(&sim, false));
    let started = std::time::Instant::now();
    let tickets = 300;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..tickets {
        let http = http.clone();
        let guild = Id::new(g.guild_id);
        tasks.spawn(async move {
            let name = format!("ticket-{n}");
            let c = http
                .create_guild_channel(guild, &name)
                .await
                .expect("channel")
                .model()
                .await
                .expect("model");
            for i in 0..3 {
                http.create_message(c.id)
                    .content(&format!("m{i}"))
                    .await
                    .expect("message");
            }
            http.channel_messages(c.id)
                .limit(100)
                .await
                .expect("history");
            http.delete_channel(c.id).await.expect("delete");
        });
        if tasks.len() >= 16 {
            tasks.join_next().await;
        }
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = started.elapsed();
    let stats = sim.client().stats().await.expect("stats");
    eprintln!(
        "{} requests in {elapsed:?} ({:.0}/s)",
        stats.total_requests,
        stats.total_requests as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(stats.total_requests, tickets * 6);
    assert!(elapsed < Duration::from_secs(30), "too slow: {elapsed:?}");
    sim.shutdown().await;
}

/// Discord's `enforce_nonce`: a create retried after a lost answer returns the first message
/// instead of posting a second one.
#[tokio::test]
async fn enforced_nonces_make_message_creates_idempotent() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let raw = reqwest::Client::new();
    let url = format!(
        "{}/api/v10/channels/{}/messages",
        sim.http_url(),
        g.general_channel_id
    );
    let post = |body: Value| {
        raw.post(url.clone())
            .header("authorization", format!("Bot {TOKEN}"))
            .json(&body)
            .send()
    };
    let body = json!({"content": "hello", "nonce": "tk1", "enforce_nonce": true});
    let first: Value = post(body.clone()).await.unwrap().json().await.unwrap();
    let again: Value = post(body).await.unwrap().json().await.unwrap();
    assert_eq!(
        first["id"], again["id"],
        "the retry returns the first message"
    );
    // Without enforcement, or with another nonce, a new message is made.
    let other: Value = post(json!({"content": "hello", "nonce": "tk1"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(first["id"], other["id"]);
    let messages = sim
        .client()
        .channel_messages(g.general_channel_id)
        .await
        .unwrap();
    let hellos = messages.iter().filter(|m| m["content"] == "hello").count();
    assert_eq!(hellos, 2);
    sim.shutdown().await;
}

// ================================================================================================
// As strict as Discord: privileged intents and REST refusals (issues 23 and 24).
// ================================================================================================

/// A simulator as a freshly made application has it: Message Content off, Server Members on.
fn fresh_app() -> SimConfig {
    SimConfig {
        rate_limits: RateLimitMode::Off,
        ..Default::default()
    }
}

/// One raw REST call as the bot: the status and the JSON answer (`null` when empty).
async fn api(sim: &SimHandle, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = reqwest::Client::new()
        .request(method, format!("{}/api/v10{path}", sim.http_url()))
        .header("authorization", format!("Bot {TOKEN}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn content_of(list: &Value, want: u64) -> &str {
    list.as_array()
        .and_then(|l| l.iter().find(|m| id(&m["id"]) == want))
        .and_then(|m| m["content"].as_str())
        .expect("message listed")
}

#[tokio::test]
async fn without_message_content_rest_blanks_what_others_wrote_in_guilds() {
    let sim = start(fresh_app()).await;
    let g = sim.seed_guild(1).await;
    let (client, member, bot) = (sim.client(), g.member_ids[0], sim.application_id());
    let ch = g.general_channel_id;
    let plain = client.post_message(ch, member, "secret").await.unwrap();
    let mention = client
        .post_message(ch, member, &format!("<@{bot}> help"))
        .await
        .unwrap();
    let (_, own) = api(
        &sim,
        "POST",
        &format!("/channels/{ch}/messages"),
        Some(json!({"content": "mine", "embeds": [{"title": "e"}]})),
    )
    .await;
    let own = id(&own["id"]);
    let (_, dm) = api(
        &sim,
        "POST",
        "/users/@me/channels",
        Some(json!({"recipient_id": member.to_string()})),
    )
    .await;
    let dm = id(&dm["id"]);
    let in_dm = client.post_message(dm, member, "dm secret").await.unwrap();

    let (status, history) = api(&sim, "GET", &format!("/channels/{ch}/messages"), None).await;
    assert_eq!(status, 200);
    assert_eq!(content_of(&history, plain), "");
    assert_eq!(content_of(&history, mention), format!("<@{bot}> help"));
    assert_eq!(content_of(&history, own), "mine");
    let (_, one) = api(
        &sim,
        "GET",
        &format!("/channels/{ch}/messages/{plain}"),
        None,
    )
    .await;
    assert_eq!(one["content"], "");
    assert_eq!(one["embeds"], json!([]));
    let (_, dms) = api(&sim, "GET", &format!("/channels/{dm}/messages"), None).await;
    assert_eq!(content_of(&dms, in_dm), "dm secret");
    client.pin(ch, plain, g.staff_id).await.unwrap();
    let (_, pins) = api(&sim, "GET", &format!("/channels/{ch}/messages/pins"), None).await;
    assert_eq!(pins["items"][0]["message"]["content"], "");
    // People still see everything; only the app is kept from it.
    let seen = client.channel_messages(ch).await.unwrap();
    assert!(seen.iter().any(|m| m["content"] == "secret"));

    // The owner turns Message Content on: the same history comes in full.
    let flags = client
        .set_privileged_intents(&sim::PrivilegedSwitches {
            message_content: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(flags, (1 << 18) | (1 << 14));
    let (_, history) = api(&sim, "GET", &format!("/channels/{ch}/messages"), None).await;
    assert_eq!(content_of(&history, plain), "secret");
    sim.shutdown().await;
}

#[tokio::test]
async fn message_content_on_shows_every_message() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let ch = g.general_channel_id;
    let plain = sim
        .client()
        .post_message(ch, g.member_ids[0], "visible")
        .await
        .unwrap();
    let http = http(&sim, false);
    let history = http
        .channel_messages(Id::new(ch))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let m = history
        .iter()
        .find(|m| m.id.get() == plain)
        .expect("listed");
    assert_eq!(m.content, "visible");
    sim.shutdown().await;
}

#[tokio::test]
async fn application_flags_follow_the_switches() {
    let sim = start(fresh_app()).await;
    let http = http(&sim, false);
    let app = http
        .current_user_application()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let flags = app.flags.expect("flags").bits();
    assert_eq!(flags, 1 << 14, "Server Members only, by default");
    sim.client()
        .set_privileged_intents(&sim::PrivilegedSwitches {
            message_content: Some(true),
            server_members: Some(false),
            presence: Some(true),
        })
        .await
        .unwrap();
    let (_, app) = api(&sim, "GET", "/applications/@me", None).await;
    assert_eq!(app["flags"], (1u64 << 18) | (1 << 12));
    // READY tells a session the same; GUILD_MEMBERS is now refused, so ask without it.
    let config = ConfigBuilder::new(
        TOKEN.to_string(),
        Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::MESSAGE_CONTENT,
    )
    .proxy_url(sim.gateway_url())
    .build();
    let mut shard = Shard::with_config(ShardId::ONE, config);
    let ready = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(Ok(Event::Ready(r))) = shard.next_event(EventTypeFlags::READY).await {
                return r;
            }
        }
    })
    .await
    .expect("READY");
    assert_eq!(ready.application.flags.bits(), (1 << 18) | (1 << 12));
    sim.shutdown().await;
}

/// Discord closes an identify asking for a privileged intent the application has not enabled
/// with 4014, which twilight treats as fatal.
#[tokio::test]
async fn identify_with_a_disallowed_intent_is_closed_with_4014() {
    let sim = start(fresh_app()).await;
    let mut rx = spawn_shard(&sim, 0, 1);
    let code = next_matching(&mut rx, |e| match e {
        Event::GatewayClose(frame) => Some(frame.map(|f| f.code)),
        Event::Ready(_) => Some(None),
        _ => None,
    })
    .await;
    assert_eq!(code, Some(4014));
    assert_eq!(sim.client().stats().await.unwrap().gateway_sessions, 0);
    sim.shutdown().await;
}

/// A text channel made by the owner with these overwrites (Discord's JSON).
async fn channel_with(sim: &SimHandle, guild: u64, name: &str, overwrites: Value) -> u64 {
    let v: Value = reqwest::Client::new()
        .post(format!("{}/_sim/guilds/{guild}/channels", sim.http_url()))
        .json(&json!({"name": name, "type": 0, "permission_overwrites": overwrites}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    id(&v["channel_id"])
}

/// The bot's own member overwrite denying `deny`.
fn bot_denied(sim: &SimHandle, deny: u64) -> Value {
    json!([{"id": sim.application_id().to_string(), "type": 1, "allow": "0",
        "deny": deny.to_string()}])
}

#[tokio::test]
async fn embeds_without_embed_links_are_refused_or_dropped() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(0).await;
    let ch = channel_with(&sim, g.guild_id, "no-embeds", bot_denied(&sim, 1 << 14)).await;
    let path = format!("/channels/{ch}/messages");
    let embed = json!([{"title": "Ticket", "description": "d"}]);
    let (status, err) = api(&sim, "POST", &path, Some(json!({"embeds": embed}))).await;
    assert_eq!(status, 403);
    assert_eq!(
        err,
        json!({"code": 50013, "message": "Missing Permissions"})
    );
    let (status, msg) = api(
        &sim,
        "POST",
        &path,
        Some(json!({"content": "text", "embeds": embed})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(msg["content"], "text");
    assert_eq!(msg["embeds"], json!([]), "embeds dropped silently");
    // An edit that would leave nothing but embeds is refused as well.
    let (_, bare) = api(&sim, "POST", &path, Some(json!({"content": "x"}))).await;
    let (status, _) = api(
        &sim,
        "PATCH",
        &format!("{path}/{}", id(&bare["id"])),
        Some(json!({"content": "", "embeds": embed})),
    )
    .await;
    assert_eq!(status, 403);
    // Where the bot has Embed Links they go through.
    let general = format!("/channels/{}/messages", g.general_channel_id);
    let (_, ok) = api(&sim, "POST", &general, Some(json!({"embeds": embed}))).await;
    assert_eq!(ok["embeds"][0]["title"], "Ticket");
    sim.shutdown().await;
}

#[tokio::test]
async fn no_dms_to_bots_or_to_people_sharing_no_guild() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(2).await;
    let client = sim.client();
    let other_bot = client
        .add_member_with(
            g.guild_id,
            &sim::NewMember {
                username: "otherbot".into(),
                bot: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (status, err) = api(
        &sim,
        "POST",
        "/users/@me/channels",
        Some(json!({"recipient_id": other_bot.to_string()})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        err,
        json!({"code": 50007, "message": "Cannot send messages to this user"})
    );

    let (stays, leaves) = (g.member_ids[0], g.member_ids[1]);
    let http = http(&sim, false);
    for user in [stays, leaves] {
        let dm = http
            .create_private_channel(Id::new(user))
            .await
            .unwrap()
            .model()
            .await
            .unwrap();
        http.create_message(dm.id).content("hello").await.unwrap();
    }
    client.remove_member(g.guild_id, leaves).await.unwrap();
    let dm = http
        .create_private_channel(Id::new(leaves))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let err = http
        .create_message(dm.id)
        .content("your ticket was closed")
        .await
        .expect_err("no shared guild, no DM");
    assert_eq!(api_code(&err), Some(50007));
    assert_eq!(client.dms(leaves).await.unwrap().len(), 1, "only the first");
    let dm = http
        .create_private_channel(Id::new(stays))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    http.create_message(dm.id)
        .content("still here")
        .await
        .unwrap();
    assert_eq!(client.dms(stays).await.unwrap().len(), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn history_without_read_message_history_is_empty_not_refused() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let ch = channel_with(&sim, g.guild_id, "no-history", bot_denied(&sim, 1 << 16)).await;
    sim.client()
        .post_message(ch, g.member_ids[0], "before the bot looks")
        .await
        .unwrap();
    let (status, list) = api(&sim, "GET", &format!("/channels/{ch}/messages"), None).await;
    assert_eq!((status, list), (200, json!([])));
    let hidden = channel_with(&sim, g.guild_id, "hidden", bot_denied(&sim, 1 << 10)).await;
    let (status, err) = api(&sim, "GET", &format!("/channels/{hidden}/messages"), None).await;
    assert_eq!((status, err["code"].clone()), (403, json!(50001)));
    sim.shutdown().await;
}

/// Overwrites in Discord's JSON.
fn ow_json(list: &[ticketeer::domain::access::Overwrite]) -> Value {
    use ticketeer::domain::access::OverwriteKind;
    json!(
        list.iter()
            .map(|o| json!({
                "id": o.id.to_string(),
                "type": if o.kind == OverwriteKind::Role { 0 } else { 1 },
                "allow": o.allow.to_string(),
                "deny": o.deny.to_string(),
            }))
            .collect::<Vec<_>>()
    )
}

#[tokio::test]
async fn a_ticket_bots_usual_overwrites_are_accepted() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let bot = sim.application_id();
    let staff = [g.staff_role_id];
    let category = ticketeer::domain::access::category_overwrites(g.guild_id, bot, &staff);
    let (status, cat) = api(
        &sim,
        "POST",
        &format!("/guilds/{}/channels", g.guild_id),
        Some(json!({"name": "Tickets", "type": 4, "permission_overwrites": ow_json(&category)})),
    )
    .await;
    assert_eq!(status, 201, "{cat}");
    let ticket =
        ticketeer::domain::access::ticket_overwrites(g.guild_id, bot, g.member_ids[0], &[], &staff);
    let (status, ch) = api(
        &sim,
        "POST",
        &format!("/guilds/{}/channels", g.guild_id),
        Some(
            json!({"name": "ticket-1", "type": 0, "parent_id": cat["id"],
            "permission_overwrites": ow_json(&ticket)}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{ch}");
    // Closing rewrites them without the opener.
    let closed = ticketeer::domain::access::closed_ticket_overwrites(g.guild_id, bot, &staff);
    let (status, _) = api(
        &sim,
        "PATCH",
        &format!("/channels/{}", id(&ch["id"])),
        Some(json!({"permission_overwrites": ow_json(&closed)})),
    )
    .await;
    assert_eq!(status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn overwrites_grant_only_what_the_bot_holds_in_the_guild_or_parent() {
    let sim = start(quiet()).await;
    let client = sim.client();
    let gd = client.create_guild("Strict").await.unwrap();
    let (guild, bot) = (gd.guild_id, sim.application_id());
    // The bot lacks Manage Messages at guild level; overwrites give it to the bot here and there.
    let member = client.add_member(guild, "alice", &[]).await.unwrap();
    let extra = 1u64 << 13;
    let bot_extra =
        json!({"id": bot.to_string(), "type": 1, "allow": extra.to_string(), "deny": "0"});
    let alice_extra =
        json!({"id": member.to_string(), "type": 1, "allow": extra.to_string(), "deny": "0"});
    let cat = reqwest::Client::new()
        .post(format!("{}/_sim/guilds/{guild}/channels", sim.http_url()))
        .json(&json!({"name": "Cat", "type": 4, "permission_overwrites": [bot_extra]}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let cat = id(&cat["channel_id"]);
    let simr = &sim;
    let create = |name: &str, extra: Value| {
        let mut body = json!({"name": name, "type": 0});
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            body[k] = v;
        }
        let path = format!("/guilds/{guild}/channels");
        async move { api(simr, "POST", &path, Some(body)).await }
    };
    // Create: the category's grant does not count, only the guild's.
    let (status, err) = create(
        "a",
        json!({"parent_id": cat.to_string(), "permission_overwrites": [alice_extra.clone()]}),
    )
    .await;
    assert_eq!((status, err["code"].clone()), (403, json!(50013)));
    // Create: allowing Manage Roles needs Administrator.
    let manage_roles = json!({"id": member.to_string(), "type": 1, "allow": (1u64 << 28).to_string(), "deny": "0"});
    let (status, _) = create(
        "b",
        json!({"permission_overwrites": [manage_roles.clone()]}),
    )
    .await;
    assert_eq!(status, 403);

    // Modify: the channel's own overwrite for the bot does not count...
    let own = channel_with(&sim, guild, "own", json!([bot_extra.clone()])).await;
    let (status, _) = api(
        &sim,
        "PUT",
        &format!("/channels/{own}/permissions/{member}"),
        Some(json!({"type": 1, "allow": extra.to_string(), "deny": "0"})),
    )
    .await;
    assert_eq!(status, 403, "not held in the guild or a parent");
    let (_, plain) = create("c", json!({})).await;
    let plain = id(&plain["id"]);
    // ...but the parent category's does.
    let (status, _) = api(
        &sim,
        "PATCH",
        &format!("/channels/{plain}"),
        Some(json!({"parent_id": cat.to_string(), "lock_permissions": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = api(
        &sim,
        "PATCH",
        &format!("/channels/{plain}"),
        Some(json!({"permission_overwrites": [bot_extra, alice_extra]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // An administrator bot may grant anything, Manage Roles included.
    client
        .set_role_permissions(guild, gd.bot_role_id, 1 << 3)
        .await
        .unwrap();
    let (status, _) = create("e", json!({"permission_overwrites": [manage_roles]})).await;
    assert_eq!(status, 201);
    sim.shutdown().await;
}

/// One multipart message create with these file sizes; the status and the answer.
async fn upload(sim: &SimHandle, channel: u64, sizes: &[usize]) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new().text("payload_json", r#"{"content":"logs"}"#);
    for (i, size) in sizes.iter().enumerate() {
        let part =
            reqwest::multipart::Part::bytes(vec![b'x'; *size]).file_name(format!("f{i}.txt"));
        form = form.part(format!("files[{i}]"), part);
    }
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v10/channels/{channel}/messages",
            sim.http_url()
        ))
        .header("authorization", format!("Bot {TOKEN}"))
        .multipart(form)
        .send()
        .await
        .expect("sent");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn uploads_over_discords_limits_are_refused_with_413() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(0).await;
    let ch = g.general_channel_id;
    const MIB: usize = 1024 * 1024;
    let too_large = json!({"code": 40005, "message": "Request entity too large"});
    let (status, ok) = upload(&sim, ch, &[10 * MIB]).await;
    assert_eq!(status, 200, "exactly the per-file limit");
    assert_eq!(ok["attachments"][0]["size"], 10 * MIB);
    assert_eq!(
        upload(&sim, ch, &[10 * MIB + 1]).await,
        (413, too_large.clone())
    );
    // Each file within the limit, the request over Discord's 25 MiB.
    assert_eq!(
        upload(&sim, ch, &[9 * MIB, 9 * MIB, 9 * MIB]).await,
        (413, too_large)
    );
    let messages = sim.client().channel_messages(ch).await.unwrap();
    assert_eq!(messages.len(), 1, "refused uploads post nothing");
    sim.shutdown().await;
}

#[tokio::test]
async fn nonces_embed_fields_and_blank_channel_names_are_validated() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(0).await;
    let msgs = format!("/channels/{}/messages", g.general_channel_id);
    let (status, err) = api(
        &sim,
        "POST",
        &msgs,
        Some(json!({"content": "x", "nonce": "n".repeat(26)})),
    )
    .await;
    assert_eq!((status, err["code"].clone()), (400, json!(50035)));
    assert!(err["errors"]["nonce"]["_errors"].is_array(), "{err}");
    let (status, _) = api(
        &sim,
        "POST",
        &msgs,
        Some(json!({"content": "x", "nonce": "n".repeat(25)})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, err) = api(
        &sim,
        "POST",
        &msgs,
        Some(json!({"embeds": [{"title": "t", "fields": [{"name": "Reason", "value": ""}]}]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        err["errors"]["embeds"]["0"]["fields"]["0"]["value"]["_errors"].is_array(),
        "{err}"
    );
    let (status, err) = api(
        &sim,
        "POST",
        &format!("/guilds/{}/channels", g.guild_id),
        Some(json!({"name": "   ", "type": 0})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(err["errors"]["name"]["_errors"].is_array(), "{err}");
    let (status, ch) = api(
        &sim,
        "POST",
        &format!("/guilds/{}/channels", g.guild_id),
        Some(json!({"name": " Ticket 7 ", "type": 0})),
    )
    .await;
    assert_eq!((status, ch["name"].clone()), (201, json!("ticket-7")));
    sim.shutdown().await;
}

/// A raw REST call as the bot, with the answer's headers.
async fn api_headers(
    sim: &SimHandle,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let resp = reqwest::Client::new()
        .request(method, format!("{}/api/v10{path}", sim.http_url()))
        .header("authorization", format!("Bot {TOKEN}"))
        .json(&body)
        .send()
        .await
        .expect("sent");
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    (status, headers, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn renames_dm_opening_and_invalid_requests_are_limited_like_discord() {
    let sim = start(SimConfig {
        message_content: true,
        ..Default::default()
    })
    .await;
    let g = sim.seed_guild(12).await;
    let ch = format!("/channels/{}", g.general_channel_id);
    for name in ["one", "two"] {
        let (status, _, _) =
            api_headers(&sim, reqwest::Method::PATCH, &ch, json!({"name": name})).await;
        assert_eq!(status, 200);
    }
    let (status, headers, body) =
        api_headers(&sim, reqwest::Method::PATCH, &ch, json!({"topic": "t"})).await;
    assert_eq!(status, 429, "a third rename or topic change in 10 minutes");
    assert_eq!(headers["x-ratelimit-scope"], "shared");
    assert!(body["retry_after"].as_f64().unwrap() > 500.0, "{body}");
    let (status, _, _) =
        api_headers(&sim, reqwest::Method::PATCH, &ch, json!({"nsfw": true})).await;
    assert_eq!(status, 200, "other edits have their own bucket");
    let stats = sim.client().stats().await.unwrap();
    assert_eq!(
        stats.invalid_requests, 0,
        "shared 429s are not held against the bot"
    );

    // Opening DMs: ten in ten seconds, then 40003.
    let mut refused = None;
    for user in &g.member_ids {
        let (status, _, body) = api_headers(
            &sim,
            reqwest::Method::POST,
            "/users/@me/channels",
            json!({"recipient_id": user.to_string()}),
        )
        .await;
        if status != 200 {
            refused = Some((status, body["code"].clone()));
            break;
        }
    }
    assert_eq!(refused, Some((429, json!(40003))));
    let stats = sim.client().stats().await.unwrap();
    assert_eq!(stats.invalid_requests_last_10_min, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn too_many_invalid_requests_get_the_bot_refused() {
    let sim = start(SimConfig {
        invalid_request_limit: Some(3),
        ..quiet()
    })
    .await;
    let g = sim.seed_guild(0).await;
    let hidden = channel_with(&sim, g.guild_id, "hidden", bot_denied(&sim, 1 << 10)).await;
    for _ in 0..3 {
        let (status, _) = api(&sim, "GET", &format!("/channels/{hidden}"), None).await;
        assert_eq!(status, 403);
    }
    let stats = sim.client().stats().await.unwrap();
    assert_eq!(stats.invalid_requests_last_10_min, 3);
    let (status, headers, _) = api_headers(
        &sim,
        reqwest::Method::GET,
        &format!("/channels/{}", g.general_channel_id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 429, "refused after the limit, valid or not");
    assert_eq!(headers["x-ratelimit-global"], "true");
    sim.shutdown().await;
}

/// Replies, pins, stickers, polls, forwards, edits and avatars, as people make them, come back
/// over REST in shapes twilight-model parses and Discord's spec allows.
#[tokio::test]
async fn people_make_every_kind_of_message_a_transcript_meets() {
    use twilight_model::channel::message::{MessageReferenceType, MessageType};
    let record = std::env::temp_dir().join(format!(
        "ticketeer-sim-variety-{}.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&record);
    let sim = start(SimConfig {
        record: Some(record.clone()),
        ..quiet()
    })
    .await;
    let g = sim.seed_guild(2).await;
    let (client, ch) = (sim.client(), g.general_channel_id);
    let (alice, bob) = (g.member_ids[0], g.member_ids[1]);
    let animated = format!("a_{}", "0123456789abcdef".repeat(2));
    client.set_avatar(alice, Some(&animated)).await.unwrap();
    client
        .set_avatar(bob, Some(&"fedcba9876543210".repeat(2)))
        .await
        .unwrap();
    let first = client.post_message(ch, alice, "my printer").await.unwrap();
    let reply = client.reply(ch, bob, first, "which one?").await.unwrap();
    client
        .edit_message(ch, first, alice, "my printer is on fire")
        .await
        .unwrap();
    let pin = client.pin(ch, first, g.staff_id).await.unwrap();
    let sticker = client
        .post_message_with(
            ch,
            bob,
            json!({"sticker_items": [{"id": "749054660769218631", "name": "Wave", "format_type": 1}]}),
        )
        .await
        .unwrap();
    let poll = client
        .post_message_with(
            ch,
            alice,
            json!({"poll": {"question": "Fixed?", "answers": ["yes", "no"]}}),
        )
        .await
        .unwrap();
    let forward = client.forward(ch, bob, first).await.unwrap();
    // Only staff (Manage Messages) may pin; a stranger's forward of a missing message fails.
    assert!(client.pin(ch, reply, alice).await.is_err());
    assert!(client.forward(ch, bob, 42).await.is_err());

    let http = http(&sim, false);
    let history = http
        .channel_messages(Id::new(ch))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let get = |id: u64| {
        history
            .iter()
            .find(|m| m.id.get() == id)
            .expect("in history")
    };
    let original = get(first);
    assert!(original.pinned);
    assert!(original.edited_timestamp.is_some());
    assert!(original.author.avatar.expect("avatar").is_animated());
    let r = get(reply);
    assert_eq!(r.kind, MessageType::Reply);
    assert_eq!(
        r.reference
            .as_ref()
            .and_then(|x| x.message_id)
            .map(|i| i.get()),
        Some(first)
    );
    assert_eq!(
        r.referenced_message.as_ref().map(|m| m.content.as_str()),
        Some("my printer is on fire")
    );
    assert!(!r.author.avatar.expect("avatar").is_animated());
    let p = get(pin);
    assert_eq!(p.kind, MessageType::ChannelMessagePinned);
    assert_eq!(
        p.reference
            .as_ref()
            .and_then(|x| x.message_id)
            .map(|i| i.get()),
        Some(first)
    );
    assert_eq!(get(sticker).sticker_items[0].name, "Wave");
    let poll = get(poll).poll.as_ref().expect("poll");
    assert_eq!(poll.question.text.as_deref(), Some("Fixed?"));
    assert_eq!(poll.answers.len(), 2);
    let f = get(forward);
    assert_eq!(f.content, "");
    assert_eq!(
        f.reference.as_ref().map(|x| x.kind),
        Some(MessageReferenceType::Forward)
    );
    assert_eq!(
        f.message_snapshots[0].message.content,
        "my printer is on fire"
    );
    let pins = http.pins(Id::new(ch)).await.unwrap().model().await.unwrap();
    assert_eq!(pins.items.len(), 1);
    assert_eq!(pins.items[0].message.id.get(), first);
    assert!(!pins.has_more);
    sim.shutdown().await;

    let has_jsonschema = std::process::Command::new("python3")
        .args(["-c", "import jsonschema, referencing"])
        .status()
        .is_ok_and(|s| s.success());
    if let Some(tool) = openapi_check().filter(|_| has_jsonschema) {
        let out = std::process::Command::new("python3")
            .arg(&tool)
            .arg(&record)
            .output()
            .expect("openapi-check runs");
        // The spec's MessageReferenceType lists only DEFAULT (0); Discord documents FORWARD (1),
        // which a forward must carry, so that one finding is expected.
        let stdout = String::from_utf8_lossy(&out.stdout);
        let unexpected: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with("line "))
            .filter(|l| !l.contains("message_reference/type: 1 is not valid"))
            .collect();
        assert!(unexpected.is_empty(), "{stdout}");
        assert!(stdout.contains("openapi-check:"), "{stdout}");
    }
    let _ = std::fs::remove_file(&record);
}

/// A session that identified with MESSAGE_CONTENT loses content once the owner turns the switch
/// off, as REST does.
#[tokio::test]
async fn message_content_switched_off_blanks_live_dispatches_too() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    let client = sim.client();
    let (ch, member) = (g.general_channel_id, g.member_ids[0]);
    client.post_message(ch, member, "while on").await.unwrap();
    let seen = next_matching(&mut rx, |e| match e {
        Event::MessageCreate(m) => Some(m.content.clone()),
        _ => None,
    })
    .await;
    assert_eq!(seen, "while on");
    client
        .set_privileged_intents(&sim::PrivilegedSwitches {
            message_content: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    client.post_message(ch, member, "while off").await.unwrap();
    let seen = next_matching(&mut rx, |e| match e {
        Event::MessageCreate(m) => Some(m.content.clone()),
        _ => None,
    })
    .await;
    assert_eq!(seen, "");
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Gateway strictness: identify limits, close codes 4007/4009/4011, op 1 from the
// server, the bot removed from a guild or a guild unavailable.
// ---------------------------------------------------------------------------------------------

/// A shard with an instant identify queue (so the simulator's limits are what is tested),
/// polled by its own task; `config` may carry a session to resume.
fn spawn_shard_with(
    sim: &SimHandle,
    id: u32,
    count: u32,
    edit: impl FnOnce(ConfigBuilder<InMemoryQueue>) -> ConfigBuilder<InMemoryQueue>,
) -> mpsc::UnboundedReceiver<Event> {
    let builder = ConfigBuilder::new(TOKEN.to_string(), intents())
        .proxy_url(sim.gateway_url())
        .queue(InMemoryQueue::new(
            0,
            1000,
            Duration::from_secs(86400),
            1000,
        ));
    let mut shard = Shard::with_config(ShardId::new(id, count), edit(builder).build());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(item) = shard.next_event(EventTypeFlags::all()).await {
            if let Ok(event) = item
                && tx.send(event).is_err()
            {
                break;
            }
        }
    });
    rx
}

fn close_code(e: &Event) -> Option<u16> {
    match e {
        Event::GatewayClose(frame) => frame.as_ref().map(|f| f.code),
        _ => None,
    }
}

#[tokio::test]
async fn a_second_identify_within_the_window_gets_invalid_session() {
    // Discord's window (5 s) and max_concurrency 1: shard 1 right after shard 0 is refused.
    let sim = start(quiet()).await;
    let mut rx0 = spawn_shard_with(&sim, 0, 2, |b| b);
    next_matching(&mut rx0, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    let mut rx1 = spawn_shard_with(&sim, 1, 2, |b| b);
    next_matching(&mut rx1, |e| {
        matches!(e, Event::GatewayInvalidateSession(false)).then_some(())
    })
    .await;
    let client = sim.client();
    let stats = client.stats().await.expect("stats");
    assert!(stats.identifies_refused >= 1, "{stats:?}");
    assert_eq!(stats.gateway_sessions, 1);
    let identifies = client.identifies().await.expect("identifies");
    assert!(
        identifies[0].accepted && !identifies[1].accepted,
        "{identifies:?}"
    );
    sim.shutdown().await;

    // With max_concurrency 2 the two shards are different buckets: both get in at once.
    let sim = start(SimConfig {
        max_concurrency: 2,
        ..quiet()
    })
    .await;
    for shard in 0..2 {
        let mut rx = spawn_shard_with(&sim, shard, 2, |b| b);
        next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    }
    let stats = sim.client().stats().await.expect("stats");
    assert_eq!((stats.identifies_refused, stats.gateway_sessions), (0, 2));
    sim.shutdown().await;
}

#[tokio::test]
async fn gateway_bot_counts_identifies_and_the_daily_limit_resets_the_token() {
    let sim = start(SimConfig {
        daily_identifies: 2,
        identify_window: Duration::from_millis(50),
        ..quiet()
    })
    .await;
    let http = http(&sim, false);
    let limit = || async {
        let info = http
            .gateway()
            .authed()
            .await
            .unwrap()
            .model()
            .await
            .unwrap();
        info.session_start_limit
    };
    let fresh = limit().await;
    assert_eq!(
        (fresh.total, fresh.remaining, fresh.max_concurrency),
        (2, 2, 1)
    );
    assert_eq!(fresh.reset_after, 86_400_000);
    let mut rx = spawn_shard_with(&sim, 0, 1, |b| b);
    next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    let after_one = limit().await;
    assert_eq!(after_one.remaining, 1);
    assert!(after_one.reset_after < 86_400_000);

    // The second identify spends the day; the third resets the token: 4004, fatal.
    let client = sim.client();
    tokio::time::sleep(Duration::from_millis(60)).await;
    client.gateway_invalidate(false).await.expect("op 9");
    next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    assert_eq!(limit().await.remaining, 0);
    tokio::time::sleep(Duration::from_millis(60)).await;
    client.gateway_invalidate(false).await.expect("op 9");
    let code = next_matching(&mut rx, |e| close_code(&e)).await;
    assert_eq!(code, 4004);
    let stats = client.stats().await.expect("stats");
    assert!(stats.token_reset);
    assert_eq!(stats.identifies_today, 2);
    let refused = http
        .current_user()
        .await
        .expect_err("the old token is dead");
    assert!(refused.to_string().contains("401"), "{refused}");
    sim.shutdown().await;
}

#[tokio::test]
async fn the_server_asking_for_a_heartbeat_gets_one_at_once() {
    // An hour between heartbeats: any heartbeat seen now answers op 1.
    let sim = start(SimConfig {
        heartbeat_interval: Duration::from_secs(3600),
        ..quiet()
    })
    .await;
    sim.seed_guild(0).await;
    let mut rx = spawn_shard_with(&sim, 0, 1, |b| b);
    next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    let client = sim.client();
    let before = client.stats().await.expect("stats").heartbeats;
    assert_eq!(client.gateway_request_heartbeat().await.expect("op 1"), 1);
    let answered = tokio::time::timeout(Duration::from_secs(1), async {
        loop {
            if client.stats().await.expect("stats").heartbeats > before {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(answered.is_ok(), "no heartbeat after op 1");
    sim.shutdown().await;
}

#[tokio::test]
async fn resuming_with_a_sequence_never_sent_is_closed_with_4007() {
    let sim = start(SimConfig {
        identify_window: Duration::from_millis(50),
        ..quiet()
    })
    .await;
    let mut first = spawn_shard_with(&sim, 0, 1, |b| b);
    let ready = next_matching(&mut first, |e| match e {
        Event::Ready(r) => Some(r),
        _ => None,
    })
    .await;
    let session = twilight_gateway::Session::new(9_999, ready.session_id.clone());
    let mut resumer = spawn_shard_with(&sim, 0, 1, |b| {
        b.session(session)
            .resume_url(ready.resume_gateway_url.clone())
    });
    let code = next_matching(&mut resumer, |e| close_code(&e)).await;
    assert_eq!(code, 4007);
    // The session is gone: twilight's next resume gets op 9, then it identifies afresh.
    next_matching(&mut resumer, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    assert_eq!(
        sim.client().stats().await.expect("stats").gateway_sessions,
        2
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_client_that_stops_heartbeating_is_closed_with_4009() {
    let sim = start(SimConfig {
        heartbeat_interval: Duration::from_millis(200),
        identify_window: Duration::from_millis(50),
        ..quiet()
    })
    .await;
    let config = ConfigBuilder::new(TOKEN.to_string(), intents())
        .proxy_url(sim.gateway_url())
        .queue(InMemoryQueue::new(
            0,
            1000,
            Duration::from_secs(86400),
            1000,
        ))
        .build();
    let mut shard = Shard::with_config(ShardId::ONE, config);
    async fn next(
        shard: &mut Shard,
    ) -> Result<Event, twilight_gateway::error::ReceiveMessageError> {
        let fut = shard.next_event(EventTypeFlags::all());
        tokio::time::timeout(WAIT, fut)
            .await
            .expect("event")
            .expect("open")
    }
    while !matches!(next(&mut shard).await, Ok(Event::Ready(_))) {}
    // Not polled, the shard sends no heartbeat: past twice the interval Discord gives up.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mut code = None;
    while code.is_none() {
        if let Ok(e) = next(&mut shard).await {
            code = close_code(&e);
        }
    }
    assert_eq!(code, Some(4009));
    // Not resumable: the next READY is a new session.
    while !matches!(next(&mut shard).await, Ok(Event::Ready(_))) {}
    assert_eq!(
        sim.client().stats().await.expect("stats").gateway_sessions,
        2
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_shard_holding_too_many_guilds_is_closed_with_4011() {
    let sim = start(SimConfig {
        max_guilds_per_shard: 1,
        ..quiet()
    })
    .await;
    sim.seed_guild(0).await;
    sim.seed_guild(0).await;
    let mut rx = spawn_shard_with(&sim, 0, 1, |b| b);
    let code = next_matching(&mut rx, |e| close_code(&e)).await;
    assert_eq!(code, 4011);
    assert_eq!(
        sim.client().stats().await.expect("stats").gateway_sessions,
        0
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn removing_the_bot_sends_guild_delete_and_rest_refuses_as_discord_does() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(0).await;
    let http = http(&sim, false);
    let client = sim.client();
    let mut rx = spawn_shard_with(&sim, 0, 1, |b| b);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;

    client
        .set_guild_unavailable(g.guild_id, true)
        .await
        .expect("outage");
    let outage = next_matching(&mut rx, |e| match e {
        Event::GuildDelete(d) => Some(d),
        _ => None,
    })
    .await;
    assert_eq!(
        (outage.id.get(), outage.unavailable),
        (g.guild_id, Some(true))
    );
    client
        .set_guild_unavailable(g.guild_id, false)
        .await
        .expect("back");
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;

    client.remove_bot(g.guild_id).await.expect("removed");
    let removed = next_matching(&mut rx, |e| match e {
        Event::GuildDelete(d) => Some(d),
        _ => None,
    })
    .await;
    assert_eq!((removed.id.get(), removed.unavailable), (g.guild_id, None));
    let guild = http
        .guild(Id::new(g.guild_id))
        .await
        .expect_err("not in it");
    assert_eq!(api_code(&guild), Some(10004));
    let channel = http
        .channel(Id::new(g.general_channel_id))
        .await
        .expect_err("cannot see it");
    assert_eq!(api_code(&channel), Some(50001));
    let stats = client.stats().await.expect("stats");
    assert_eq!(stats.departed_guild_requests.get(&g.guild_id), Some(&2));

    client.readd_bot(g.guild_id).await.expect("re-added");
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    assert!(http.guild(Id::new(g.guild_id)).await.is_ok());
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Any client: routes other libraries (discord.py, serenity, discord.js) call, and bodies and
// errors in the exact shape Discord sends them.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_oauth2_application_route_answers_like_applications_me() {
    let sim = start(quiet()).await;
    let (status, app) = api(&sim, "GET", "/oauth2/applications/@me", None).await;
    let (_, same) = api(&sim, "GET", "/applications/@me", None).await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(app["id"], json!(sim.application_id().to_string()));
    assert_eq!(app, same);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_route_the_simulator_does_not_serve_answers_discords_404() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let c = g.general_channel_id;
    for (method, path) in [
        ("POST", format!("/channels/{c}/typing")),
        ("GET", format!("/guilds/{}/bans", g.guild_id)),
        ("POST", format!("/channels/{c}")),
        ("GET", "/nowhere".to_string()),
    ] {
        let (status, body) = api(&sim, method, &path, None).await;
        assert_eq!(
            (status, body),
            (404, json!({"message": "404: Not Found", "code": 0})),
            "{method} {path}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn the_bot_pins_and_unpins_with_pin_messages_as_on_discord() {
    use ticketeer::sim::permissions::bits;
    let sim = start(quiet()).await;
    let (client, http) = (sim.client(), http(&sim, false));
    let g = client.create_guild("Pins").await.unwrap();
    let ch = client
        .create_channel(g.guild_id, "pins", 0, None)
        .await
        .unwrap();
    let alice = client.add_member(g.guild_id, "alice", &[]).await.unwrap();
    let theirs = client.post_message(ch, alice, "pin me").await.unwrap();
    let (cid, mid) = (Id::new(ch), Id::new(theirs));

    // Manage Messages no longer pins; Pin Messages does.
    let manage = bits::BOT_ROLE | bits::MANAGE_MESSAGES;
    let roles = [(g.bot_role_id, manage)];
    for (role, perms) in roles {
        client
            .set_role_permissions(g.guild_id, role, perms)
            .await
            .unwrap();
    }
    let refused = http
        .create_pin(cid, mid)
        .await
        .expect_err("no Pin Messages");
    assert_eq!(api_code(&refused), Some(50013));
    client
        .set_role_permissions(g.guild_id, g.bot_role_id, manage | bits::PIN_MESSAGES)
        .await
        .unwrap();
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    let done = http.create_pin(cid, mid).await.expect("pinned");
    assert_eq!(done.status().get(), 204);
    let update = next_matching(&mut rx, |e| match e {
        Event::ChannelPinsUpdate(u) => Some(u.clone()),
        _ => None,
    })
    .await;
    assert_eq!(update.channel_id, cid);
    assert!(update.last_pin_timestamp.is_some());
    http.create_pin(cid, mid)
        .await
        .expect("pinning again is fine");

    let listing = http.pins(cid).await.unwrap().model().await.unwrap();
    assert_eq!(listing.items.len(), 1);
    assert!(listing.items[0].message.pinned);
    let seen = client.channel_messages(ch).await.unwrap();
    let system: Vec<&Value> = seen.iter().filter(|m| m["type"] == 6).collect();
    assert_eq!(system.len(), 1, "one system message for one pin: {seen:?}");
    assert_eq!(id(&system[0]["author"]["id"]), sim.application_id());
    assert_eq!(id(&system[0]["message_reference"]["message_id"]), theirs);
    let refused = http
        .create_pin(cid, Id::new(id(&system[0]["id"])))
        .await
        .expect_err("a system message");
    assert_eq!(api_code(&refused), Some(50021));

    // The routes before paging: a bare array, and PUT/DELETE at /pins/{id}.
    let (status, old) = api(&sim, "GET", &format!("/channels/{ch}/pins"), None).await;
    assert_eq!(
        (status, id(&old[0]["id"]), old[0]["pinned"].clone()),
        (200, theirs, json!(true))
    );
    let (status, body) = api(
        &sim,
        "DELETE",
        &format!("/channels/{ch}/pins/{theirs}"),
        None,
    )
    .await;
    assert_eq!((status, body), (204, Value::Null));
    let (_, old) = api(&sim, "GET", &format!("/channels/{ch}/pins"), None).await;
    assert_eq!(old, json!([]));
    let (status, _) = api(&sim, "PUT", &format!("/channels/{ch}/pins/{theirs}"), None).await;
    assert_eq!(status, 204);
    http.delete_pin(cid, mid).await.expect("unpinned");
    let listing = http.pins(cid).await.unwrap().model().await.unwrap();
    assert!(listing.items.is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_channel_holds_250_pins_then_30003() {
    use ticketeer::sim::permissions::bits;
    let sim = start(quiet()).await;
    let client = sim.client();
    let g = client.create_guild("Many pins").await.unwrap();
    let perms = bits::BOT_ROLE | bits::PIN_MESSAGES;
    client
        .set_role_permissions(g.guild_id, g.bot_role_id, perms)
        .await
        .unwrap();
    let ch = client
        .create_channel(g.guild_id, "pins", 0, None)
        .await
        .unwrap();
    let alice = client.add_member(g.guild_id, "alice", &[]).await.unwrap();
    for i in 0..=250 {
        let m = client
            .post_message(ch, alice, &format!("m{i}"))
            .await
            .unwrap();
        let (status, body) = api(
            &sim,
            "PUT",
            &format!("/channels/{ch}/messages/pins/{m}"),
            None,
        )
        .await;
        if i < 250 {
            assert_eq!(status, 204, "pin {i}: {body}");
        } else {
            assert_eq!(
                (status, body["code"].clone()),
                (400, json!(30003)),
                "{body}"
            );
            assert_eq!(body["message"], "Maximum number of pins reached (250)");
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn the_bot_edits_its_application_and_reads_it_back() {
    let sim = start(quiet()).await;
    let (status, app) = api(
        &sim,
        "PATCH",
        "/applications/@me",
        Some(json!({
            "description": {"default": "Tickets for your server"},
            "tags": ["support", "tickets"],
            "interactions_endpoint_url": null,
            "flags": 1 << 19,
        })),
    )
    .await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(app["description"], "Tickets for your server");
    for path in ["/applications/@me", "/oauth2/applications/@me"] {
        let (_, read) = api(&sim, "GET", path, None).await;
        assert_eq!(read["description"], "Tickets for your server", "{path}");
        assert_eq!(read["tags"], json!(["support", "tickets"]));
        assert_ne!(read["flags"].as_u64().unwrap() & (1 << 19), 0);
    }
    let (status, err) = api(
        &sim,
        "PATCH",
        "/applications/@me",
        Some(json!({"description": {"default": "d".repeat(401)}})),
    )
    .await;
    assert_eq!((status, err["code"].clone()), (400, json!(50035)), "{err}");
    let (_, read) = api(&sim, "GET", "/applications/@me", None).await;
    assert_eq!(read["description"], "Tickets for your server");
    sim.shutdown().await;
}

#[tokio::test]
async fn the_application_and_its_bot_carry_the_configured_name() {
    let sim = start(SimConfig {
        app_name: "Helpdesk".into(),
        ..quiet()
    })
    .await;
    let http = http(&sim, false);
    let me = http.current_user().await.unwrap().model().await.unwrap();
    assert_eq!(me.name, "Helpdesk");
    let (_, app) = api(&sim, "GET", "/oauth2/applications/@me", None).await;
    assert_eq!(
        (app["name"].clone(), app["bot"]["username"].clone()),
        (json!("Helpdesk"), json!("Helpdesk"))
    );
    let g = sim.client().create_guild("Named").await.unwrap();
    let roles = http
        .roles(Id::new(g.guild_id))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let bot_role = roles
        .iter()
        .find(|r| r.id.get() == g.bot_role_id)
        .expect("bot role");
    assert_eq!(bot_role.name, "Helpdesk");
    sim.shutdown().await;

    let default = start(quiet()).await;
    let (_, app) = api(&default, "GET", "/applications/@me", None).await;
    assert_eq!(app["name"], "Ticketeer");
    default.shutdown().await;
}

#[tokio::test]
async fn field_errors_carry_discords_string_codes() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let (status, err) = api(
        &sim,
        "POST",
        &format!("/channels/{}/messages", g.general_channel_id),
        Some(json!({"content": "x".repeat(2001)})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        err,
        json!({"code": 50035, "message": "Invalid Form Body", "errors": {"content": {"_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}
        ]}}})
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn bodies_come_back_with_discords_defaults_and_without_nulls() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let msgs = format!("/channels/{}/messages", g.general_channel_id);
    let (status, sent) = api(
        &sim,
        "POST",
        &msgs,
        Some(json!({"embeds": [{
            "title": "Ticket",
            "footer": {"text": "Ticketeer", "icon_url": null},
            "fields": [{"name": "Topic", "value": "billing"}],
        }]})),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    let (_, read) = api(&sim, "GET", &format!("{msgs}/{}", id(&sent["id"])), None).await;
    for m in [&sent, &read] {
        let e = &m["embeds"][0];
        assert_eq!(e["footer"], json!({"text": "Ticketeer"}), "{m}");
        assert_eq!(e["fields"][0]["inline"], json!(false), "{m}");
    }
    let (status, v2) = api(
        &sim,
        "POST",
        &msgs,
        Some(
            json!({"flags": 1 << 15, "components": [{"type": 17, "components": [
                {"type": 10, "content": "hello"}, {"type": 14}
            ]}]}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{v2}");
    let container = &v2["components"][0];
    assert_eq!(container["spoiler"], json!(false), "{v2}");
    assert_eq!(container["accent_color"], Value::Null, "{v2}");
    assert!(container.as_object().unwrap().contains_key("accent_color"));
    assert_eq!(container["components"][1]["divider"], json!(true), "{v2}");
    sim.shutdown().await;
}

#[tokio::test]
async fn user_and_message_commands_carry_their_target_resolved() {
    use twilight_model::application::interaction::InteractionData;
    let sim = start(quiet()).await;
    let (client, http) = (sim.client(), http(&sim, false));
    let g = sim.seed_guild(2).await;
    let (ch, alice) = (g.general_channel_id, g.member_ids[0]);
    let commands: Vec<twilight_model::application::command::Command> =
        serde_json::from_value(json!([
            {"name": "Open ticket for", "type": 2, "description": "", "version": "1"},
            {"name": "Open ticket about", "type": 3, "description": "", "version": "1"},
        ]))
        .unwrap();
    http.interaction(Id::new(sim.application_id()))
        .set_guild_commands(Id::new(g.guild_id), &commands)
        .await
        .unwrap();
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| matches!(e, Event::Ready(_)).then_some(())).await;
    let said = client.post_message(ch, alice, "my printer").await.unwrap();

    client
        .context_command(g.guild_id, ch, g.staff_id, "Open ticket for", alice)
        .await
        .unwrap();
    let it = next_interaction(&mut rx).await;
    let Some(InteractionData::ApplicationCommand(data)) = &it.data else {
        panic!("a command: {it:?}");
    };
    assert_eq!(
        data.kind,
        twilight_model::application::command::CommandType::User
    );
    assert_eq!(data.target_id.map(|t| t.get()), Some(alice));
    let resolved = data.resolved.as_ref().expect("resolved");
    assert!(resolved.users.contains_key(&Id::new(alice)));
    assert!(resolved.members.contains_key(&Id::new(alice)));
    assert!(data.options.is_empty());

    client
        .context_command(g.guild_id, ch, g.staff_id, "Open ticket about", said)
        .await
        .unwrap();
    let it = next_interaction(&mut rx).await;
    let Some(InteractionData::ApplicationCommand(data)) = &it.data else {
        panic!("a command: {it:?}");
    };
    assert_eq!(
        data.kind,
        twilight_model::application::command::CommandType::Message
    );
    let resolved = data.resolved.as_ref().expect("resolved");
    assert_eq!(resolved.messages[&Id::new(said)].content, "my printer");

    // Only registered context commands, on a message in that channel or a known user.
    let other = client
        .create_channel(g.guild_id, "elsewhere", 0, None)
        .await
        .unwrap();
    assert!(
        client
            .context_command(g.guild_id, other, g.staff_id, "Open ticket about", said)
            .await
            .is_err()
    );
    assert!(
        client
            .context_command(g.guild_id, ch, g.staff_id, "ticket", alice)
            .await
            .is_err()
    );
    sim.shutdown().await;
}

// ---- threads ------------------------------------------------------------------------------------
// Discord's thread routes: create (with or without a message), membership, private visibility,
// Send Messages in Threads, archiving, the active list and the THREAD_* dispatches.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_are_created_joined_and_dispatched_as_on_discord() {
    use twilight_model::channel::ChannelType;
    use twilight_model::channel::thread::AutoArchiveDuration;
    let sim = start(quiet()).await;
    let (client, http) = (sim.client(), http(&sim, false));
    let mut rx = spawn_shard(&sim, 0, 1);
    let g = client.create_guild("Threads").await.unwrap();
    next_matching(&mut rx, |e| match e {
        Event::GuildCreate(c) if c.id().get() == g.guild_id => Some(()),
        _ => None,
    })
    .await;
    let ch = client
        .create_channel(g.guild_id, "support", 0, None)
        .await
        .unwrap();
    let alice = client.add_member(g.guild_id, "alice", &[]).await.unwrap();
    let cid = Id::new(ch);

    // A private thread without a message.
    let private = http
        .create_thread(cid, "ticket-1", ChannelType::PrivateThread)
        .auto_archive_duration(AutoArchiveDuration::Week)
        .invitable(true)
        .await
        .unwrap();
    assert_eq!(private.status().get(), 201);
    let private = private.model().await.unwrap();
    assert_eq!(private.kind, ChannelType::PrivateThread);
    assert_eq!(private.parent_id, Some(cid));
    assert_eq!(private.owner_id, Some(Id::new(sim.application_id())));
    let meta = private.thread_metadata.clone().expect("thread_metadata");
    assert!(!meta.archived && !meta.locked);
    assert_eq!(meta.invitable, Some(true));
    assert_eq!(meta.auto_archive_duration, AutoArchiveDuration::Week);
    assert!(meta.create_timestamp.is_some());
    assert_eq!(private.member_count, Some(1));
    assert_eq!(private.message_count, Some(0));
    let me = private.member.clone().expect("the bot's thread member");
    assert_eq!(me.user_id, Some(Id::new(sim.application_id())));
    let created = next_matching(&mut rx, |e| match e {
        Event::ThreadCreate(t) => Some(t),
        _ => None,
    })
    .await;
    assert_eq!(created.id, private.id);
    assert_eq!(created.newly_created, Some(true));

    // A public thread from a message: same id as the message, which then shows it.
    let start_msg = client.post_message(ch, alice, "help please").await.unwrap();
    let public = http
        .create_thread_from_message(cid, Id::new(start_msg), "help")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(public.id.get(), start_msg);
    assert_eq!(public.kind, ChannelType::PublicThread);
    assert!(public.thread_metadata.as_ref().unwrap().invitable.is_none());
    let msg = http
        .message(cid, Id::new(start_msg))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(msg.thread.map(|t| t.id), Some(public.id));
    let again = http
        .create_thread_from_message(cid, Id::new(start_msg), "again")
        .await
        .unwrap_err();
    assert_eq!(api_code(&again), Some(160004));

    // Membership: the bot adds alice to its private thread; everyone sees THREAD_MEMBERS_UPDATE.
    http.add_thread_member(private.id, Id::new(alice))
        .await
        .unwrap();
    let update = next_matching(&mut rx, |e| match e {
        Event::ThreadMembersUpdate(u) if u.id == private.id => Some(u),
        _ => None,
    })
    .await;
    assert_eq!(update.member_count, 2);
    assert_eq!(update.added_members[0].user_id, Some(Id::new(alice)));
    let tm = http
        .thread_member(private.id, Id::new(alice))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(tm.user_id, Some(Id::new(alice)));
    let members = http
        .thread_members(private.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(members.len(), 2);
    let members = http
        .thread_members(private.id)
        .with_member(true)
        .limit(1)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert!(members[0].member.is_some());

    // The bot leaves and rejoins the public thread.
    http.leave_thread(public.id).await.unwrap();
    let unknown = http
        .thread_member(public.id, Id::new(sim.application_id()))
        .await
        .unwrap_err();
    assert_eq!(api_code(&unknown), Some(10007));
    http.join_thread(public.id).await.unwrap();

    // Active threads: both, with the bot's memberships.
    let active = http
        .active_threads(Id::new(g.guild_id))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(active.threads.len(), 2);
    assert_eq!(active.members.len(), 2);

    // Archived: a post unarchives it, as Discord does for a thread that is not locked.
    let archived = http
        .update_thread(private.id)
        .archived(true)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert!(archived.thread_metadata.unwrap().archived);
    next_matching(&mut rx, |e| match e {
        Event::ThreadUpdate(t) if t.id == private.id => Some(()),
        _ => None,
    })
    .await;
    let active_count = || async {
        let active = http.active_threads(Id::new(g.guild_id)).await.unwrap();
        active.model().await.unwrap().threads.len()
    };
    assert_eq!(active_count().await, 1);
    http.create_message(private.id)
        .content("hello")
        .await
        .unwrap();
    let unarchived = next_matching(&mut rx, |e| match e {
        Event::ThreadUpdate(t) if t.id == private.id => t.thread_metadata.clone(),
        _ => None,
    })
    .await;
    assert!(!unarchived.archived, "the post unarchived it");
    assert_eq!(active_count().await, 2);
    http.update_thread(private.id)
        .name("ticket-1-open")
        .await
        .unwrap();
    client
        .post_message(private.id.get(), alice, "hi")
        .await
        .unwrap();
    let thread = http
        .channel(private.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(thread.name.as_deref(), Some("ticket-1-open"));
    assert_eq!(thread.message_count, Some(2));

    // Deleting needs Manage Threads; THREAD_DELETE follows.
    let refused = http.delete_channel(public.id).await.unwrap_err();
    assert_eq!(api_code(&refused), Some(50013));
    client
        .set_role_permissions(
            g.guild_id,
            g.bot_role_id,
            sim::permissions::bits::BOT_ROLE | sim::permissions::bits::MANAGE_THREADS,
        )
        .await
        .unwrap();
    http.delete_channel(public.id).await.unwrap();
    let gone = next_matching(&mut rx, |e| match e {
        Event::ThreadDelete(t) => Some(t),
        _ => None,
    })
    .await;
    assert_eq!((gone.id, gone.parent_id), (public.id, cid));

    // GUILD_CREATE carries the active threads the bot sees, with its membership.
    client
        .set_guild_unavailable(g.guild_id, true)
        .await
        .unwrap();
    client
        .set_guild_unavailable(g.guild_id, false)
        .await
        .unwrap();
    let guild = next_matching(&mut rx, |e| match e {
        Event::GuildCreate(c) => match *c {
            twilight_model::gateway::payload::incoming::GuildCreate::Available(g) => Some(g),
            _ => None,
        },
        _ => None,
    })
    .await;
    assert_eq!(guild.threads.len(), 1);
    assert_eq!(guild.threads[0].id, private.id);
    assert!(guild.threads[0].member.is_some());

    // Archived and locked: posts are refused with 50083, the bot's and a member's alike.
    http.update_thread(private.id)
        .archived(true)
        .locked(true)
        .await
        .unwrap();
    let refused = http
        .create_message(private.id)
        .content("hello")
        .await
        .unwrap_err();
    assert_eq!(api_code(&refused), Some(50083));
    let by_alice = client.post_message(private.id.get(), alice, "hi").await;
    assert!(by_alice.is_err(), "{by_alice:?}");
    sim.shutdown().await;
}

/// A guild holds at most 1,000 active threads (Discord's limit): the next create, or an
/// unarchive, is 400 160006 until one is archived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guild_holds_at_most_a_thousand_active_threads() {
    use twilight_model::channel::ChannelType;
    let sim = start(quiet()).await;
    let http = http(&sim, false);
    let client = sim.client();
    let guild = client.create_guild("Full").await.unwrap().guild_id;
    let parent = client.create_channel(guild, "support", 0, None);
    let cid = Id::new(parent.await.unwrap());
    let create = |name: String| {
        let http = &http;
        async move {
            let made = http.create_thread(cid, &name, ChannelType::PrivateThread);
            Ok::<_, twilight_http::Error>(made.await?.model().await.expect("a thread").id)
        }
    };
    let first = create("ticket-0".into()).await.expect("a thread");
    for n in 1..1000 {
        create(format!("ticket-{n}"))
            .await
            .expect("under the limit");
    }
    let refused = create("one more".into()).await.expect_err("the 1,001st");
    assert_eq!(api_code(&refused), Some(160006));
    http.update_thread(first)
        .archived(true)
        .await
        .expect("archived");
    let room = create("in its place".into()).await;
    let room = room.expect("an archived thread is not active");
    let refused = http
        .update_thread(first)
        .archived(false)
        .await
        .expect_err("unarchiving would make 1,001");
    assert_eq!(api_code(&refused), Some(160006));
    http.update_thread(room)
        .archived(true)
        .await
        .expect("archived");
    http.update_thread(first)
        .archived(false)
        .await
        .expect("room again");
    sim.shutdown().await;
}

#[tokio::test]
async fn private_threads_show_only_to_members_and_manage_threads() {
    use sim::permissions::bits;
    let sim = start(quiet()).await;
    let (client, http) = (sim.client(), http(&sim, false));
    let g = client.create_guild("Private").await.unwrap();
    let ch = client
        .create_channel(g.guild_id, "support", 0, None)
        .await
        .unwrap();
    let mods = client
        .create_role(g.guild_id, "Mods", bits::MANAGE_THREADS)
        .await
        .unwrap();
    let alice = client.add_member(g.guild_id, "alice", &[]).await.unwrap();
    let bob = client.add_member(g.guild_id, "bob", &[]).await.unwrap();
    let moderator = client
        .add_member(g.guild_id, "moderator", &[mods])
        .await
        .unwrap();

    // A person opens a private thread; the bot is not in it and cannot see it.
    let t = client
        .create_thread(ch, alice, json!({"name": "alice-ticket", "type": 12}))
        .await
        .unwrap();
    let hidden = http.channel(Id::new(t)).await.unwrap_err();
    assert_eq!(api_code(&hidden), Some(50001));
    let p = client.permissions(t, bob).await.unwrap();
    assert!(!p.view_channel && !p.may_post, "{p:?}");
    assert!(client.post_message(t, bob, "let me in").await.is_err());
    let p = client.permissions(t, moderator).await.unwrap();
    assert!(p.view_channel && p.manage_threads, "{p:?}");
    assert!(
        client
            .permissions(t, g.owner_id)
            .await
            .unwrap()
            .view_channel
    );

    // A member sees and posts; alice (invitable thread) adds bob, then the bot.
    client.post_message(t, alice, "my issue").await.unwrap();
    client.join_thread(t, bob, Some(alice)).await.unwrap();
    let p = client.permissions(t, bob).await.unwrap();
    assert!(p.view_channel && p.may_post, "{p:?}");
    client.post_message(t, bob, "I'm in").await.unwrap();
    client
        .join_thread(t, sim.application_id(), Some(alice))
        .await
        .unwrap();
    http.channel(Id::new(t)).await.unwrap();

    // Messages in threads need Send Messages in Threads, not Send Messages.
    let everyone = bits::EVERYONE_DEFAULT & !bits::SEND_MESSAGES_IN_THREADS;
    client
        .set_role_permissions(g.guild_id, g.everyone_role_id, everyone)
        .await
        .unwrap();
    let p = client.permissions(t, bob).await.unwrap();
    assert!(p.send_messages && !p.may_post, "{p:?}");
    assert!(client.post_message(t, bob, "muted").await.is_err());
    let refused = http
        .create_message(Id::new(t))
        .content("bot")
        .await
        .unwrap_err();
    assert_eq!(api_code(&refused), Some(50013));
    client
        .post_message(ch, bob, "parent is fine")
        .await
        .unwrap();
    let bot = bits::BOT_ROLE | bits::SEND_MESSAGES_IN_THREADS;
    client
        .set_role_permissions(g.guild_id, g.bot_role_id, bot)
        .await
        .unwrap();
    http.create_message(Id::new(t))
        .content("bot")
        .await
        .unwrap();

    // Not invitable: only Manage Threads adds others.
    let closed = http
        .create_thread(
            Id::new(ch),
            "closed",
            twilight_model::channel::ChannelType::PrivateThread,
        )
        .invitable(false)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let refused = http
        .add_thread_member(closed.id, Id::new(alice))
        .await
        .unwrap_err();
    assert_eq!(api_code(&refused), Some(50013));
    client
        .set_role_permissions(g.guild_id, g.bot_role_id, bot | bits::MANAGE_THREADS)
        .await
        .unwrap();
    http.add_thread_member(closed.id, Id::new(alice))
        .await
        .unwrap();

    // Without Create Private Threads in the parent: 50013; private threads only in text channels.
    client
        .set_role_permissions(
            g.guild_id,
            g.everyone_role_id,
            bits::EVERYONE_DEFAULT & !bits::CREATE_PRIVATE_THREADS,
        )
        .await
        .unwrap();
    let refused = client
        .create_thread(ch, bob, json!({"name": "nope", "type": 12}))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    client
        .create_thread(ch, bob, json!({"name": "public", "type": 11}))
        .await
        .unwrap();
    let (status, body) = api(
        &sim,
        "POST",
        &format!("/channels/{t}/threads"),
        Some(json!({"name": "nested", "type": 12})),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (400, json!(50024)),
        "{body}"
    );

    // Listing members needs the Server Members switch.
    client
        .set_privileged_intents(&sim::PrivilegedSwitches {
            server_members: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    let refused = http.thread_members(Id::new(t)).await.unwrap_err();
    assert_eq!(api_code(&refused), Some(50001));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thread_dispatches_follow_the_bots_view_and_intents() {
    let sim = start(quiet()).await;
    let client = sim.client();
    // GUILDS without GUILD_MEMBERS: others' thread membership changes are not sent.
    let config = ConfigBuilder::new(
        TOKEN.to_string(),
        Intents::GUILDS | Intents::GUILD_MESSAGES | Intents::MESSAGE_CONTENT,
    )
    .proxy_url(sim.gateway_url())
    .queue(InMemoryQueue::default())
    .build();
    let mut shard = Shard::with_config(ShardId::ONE, config);
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(item) = shard.next_event(EventTypeFlags::all()).await {
            if let Ok(event) = item
                && tx.send(event).is_err()
            {
                break;
            }
        }
    });
    let g = client.create_guild("Views").await.unwrap();
    next_matching(&mut rx, |e| match e {
        Event::GuildCreate(c) if c.id().get() == g.guild_id => Some(()),
        _ => None,
    })
    .await;
    let ch = client
        .create_channel(g.guild_id, "support", 0, None)
        .await
        .unwrap();
    let alice = client.add_member(g.guild_id, "alice", &[]).await.unwrap();
    let bob = client.add_member(g.guild_id, "bob", &[]).await.unwrap();

    // A private thread the bot is not in: nothing about it reaches the bot.
    let hidden = client
        .create_thread(ch, alice, json!({"name": "hidden", "type": 12}))
        .await
        .unwrap();
    client.post_message(hidden, alice, "secret").await.unwrap();
    client.join_thread(hidden, bob, Some(alice)).await.unwrap();
    // A public one is seen; bob joining it is another member's change (needs GUILD_MEMBERS).
    let public = client
        .create_thread(ch, alice, json!({"name": "open", "type": 11}))
        .await
        .unwrap();
    client.join_thread(public, bob, None).await.unwrap();
    // Added to the private thread, the bot gets THREAD_CREATE and its own members update.
    client
        .join_thread(hidden, sim.application_id(), Some(alice))
        .await
        .unwrap();
    client.post_message(ch, alice, "marker").await.unwrap();

    let mut seen = Vec::new();
    loop {
        let e = tokio::time::timeout(WAIT, rx.recv())
            .await
            .expect("events in time")
            .expect("shard alive");
        match e {
            Event::ThreadCreate(t) => seen.push(format!("create {}", t.id)),
            Event::ThreadMembersUpdate(u) => seen.push(format!(
                "members {} +{:?} -{:?}",
                u.id,
                u.added_members
                    .iter()
                    .map(|m| m.user_id)
                    .collect::<Vec<_>>(),
                u.removed_member_ids
            )),
            Event::MessageCreate(m) if m.content == "marker" => break,
            Event::MessageCreate(m) => seen.push(format!("message {}", m.content)),
            _ => {}
        }
    }
    let bot: Id<twilight_model::id::marker::UserMarker> = Id::new(sim.application_id());
    assert_eq!(
        seen,
        vec![
            format!("create {public}"),
            format!("create {hidden}"),
            format!("members {hidden} +[Some({bot:?})] -[]"),
        ]
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn interactions_carry_the_persons_locale_and_the_servers() {
    let sim = start(quiet()).await;
    let g = sim.seed_guild(1).await;
    let http = http(&sim, false);
    let client = sim.client();
    let mut rx = spawn_shard(&sim, 0, 1);
    next_matching(&mut rx, |e| {
        matches!(e, Event::GuildCreate(_)).then_some(())
    })
    .await;
    register_ticket_command(&http, &sim, g.guild_id).await;
    let body = |locale: Value| {
        json!({
            "kind": "command", "guild_id": g.guild_id.to_string(),
            "channel_id": g.general_channel_id.to_string(),
            "user_id": g.member_ids[0].to_string(), "name": "ticket", "locale": locale,
        })
    };

    // Discord's defaults: a person and a server that chose nothing speak en-US.
    client
        .interaction(body(Value::Null))
        .await
        .expect("accepted");
    let i = next_interaction(&mut rx).await;
    let locales = (i.locale.as_deref(), i.guild_locale.as_deref());
    assert_eq!(locales, (Some("en-US"), Some("en-US")));

    client
        .set_preferred_locale(g.guild_id, "fr")
        .await
        .expect("a locale Discord knows");
    let updated = next_matching(&mut rx, |e| match e {
        Event::GuildUpdate(u) => Some(u),
        _ => None,
    })
    .await;
    assert_eq!(updated.preferred_locale, "fr");
    client
        .interaction(body(json!("de")))
        .await
        .expect("accepted");
    let i = next_interaction(&mut rx).await;
    let locales = (i.locale.as_deref(), i.guild_locale.as_deref());
    assert_eq!(locales, (Some("de"), Some("fr")));

    // Only Discord's locale codes.
    assert!(client.interaction(body(json!("german"))).await.is_err());
    assert!(client.set_preferred_locale(g.guild_id, "en").await.is_err());
    let created = client
        .create_guild_with(&json!({"name": "Lyon", "preferred_locale": "fr"}))
        .await
        .expect("created");
    let guild = http
        .guild(Id::new(created.guild_id))
        .await
        .expect("guild")
        .model()
        .await
        .expect("guild model");
    assert_eq!(guild.preferred_locale, "fr");
    sim.shutdown().await;
}
