//! The gateway websocket: Hello, Identify → READY + GUILD_CREATEs, heartbeats, Resume with
//! replay, and the op 7 / op 9 / dropped-connection faults tests drive.
//!
//! Frames always go out as compact JSON text with `op`, `s`, `t` before `d`, since twilight finds
//! those by string search.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::Shared;

/// At most this many queued dispatches are written before one flush.
const FRAMES_PER_WRITE: usize = 256;
use super::state::{Outbound, Session};

/// Gateway commands a client may send per minute before Discord closes with 4008.
const COMMANDS_PER_MINUTE: u32 = 120;

pub async fn upgrade(State(sh): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| connection(sh, socket))
}

/// Where a connection stands in the handshake.
enum Phase {
    AwaitingIdentify,
    Live(String),
}

async fn connection(sh: Arc<Shared>, socket: WebSocket) {
    let conn_id = sh.next_conn.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Outbound>();
    let hello = format!(
        "{{\"op\":10,\"s\":null,\"t\":null,\"d\":{{\"heartbeat_interval\":{}}}}}",
        sh.config.heartbeat_interval.as_millis()
    );
    if sink.send(WsMessage::Text(hello.into())).await.is_err() {
        return;
    }
    let mut phase = Phase::AwaitingIdentify;
    let mut window = (Instant::now(), 0u32);
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outbound::Frame(f)) => {
                    // Frames queued meanwhile go out in the same write: one syscall per frame
                    // made the simulator, not the bot, the bottleneck of a 10,000-click burst.
                    if sink.feed(WsMessage::Text(f.as_ref().into())).await.is_err() {
                        break;
                    }
                    let mut closing = None;
                    let mut broken = false;
                    for _ in 0..FRAMES_PER_WRITE {
                        match rx.try_recv() {
                            Ok(Outbound::Frame(f)) => {
                                if sink.feed(WsMessage::Text(f.as_ref().into())).await.is_err() {
                                    broken = true;
                                    break;
                                }
                            }
                            Ok(other) => {
                                closing = Some(other);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    if broken || sink.flush().await.is_err() {
                        break;
                    }
                    match closing {
                        Some(Outbound::Close(code, reason)) => {
                            let _ = sink
                                .send(WsMessage::Close(Some(CloseFrame { code, reason: reason.into() })))
                                .await;
                            break;
                        }
                        Some(Outbound::Drop) => break,
                        _ => {}
                    }
                }
                Some(Outbound::Close(code, reason)) => {
                    let _ = sink
                        .send(WsMessage::Close(Some(CloseFrame { code, reason: reason.into() })))
                        .await;
                    break;
                }
                Some(Outbound::Drop) | None => break,
            },
            inbound = stream.next() => {
                let text = match inbound {
                    Some(Ok(WsMessage::Text(t))) => t.to_string(),
                    Some(Ok(WsMessage::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                    Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => continue,
                    Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
                };
                if window.0.elapsed() >= Duration::from_secs(60) {
                    window = (Instant::now(), 0);
                }
                window.1 += 1;
                if window.1 > COMMANDS_PER_MINUTE {
                    let _ = tx.send(Outbound::Close(4008, "Rate limited."));
                    continue;
                }
                if let Some(code) = handle_command(&sh, &text, &mut phase, conn_id, &tx) {
                    let _ = sink
                        .send(WsMessage::Close(Some(CloseFrame { code: code.0, reason: code.1.into() })))
                        .await;
                    break;
                }
            }
        }
    }
    // The session outlives the connection so the client can resume it.
    if let Phase::Live(session_id) = phase {
        let mut world = sh.world();
        if let Some(s) = world.sessions.get_mut(&session_id)
            && s.conn.as_ref().is_some_and(|(id, _)| *id == conn_id)
        {
            s.detach();
        }
    }
}

/// Handles one client command; `Some((code, reason))` closes the connection.
fn handle_command(
    sh: &Arc<Shared>,
    text: &str,
    phase: &mut Phase,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
) -> Option<(u16, &'static str)> {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        tracing::warn!("sim gateway: undecodable payload");
        return Some((4002, "Error while decoding payload."));
    };
    let op = v.get("op").and_then(Value::as_u64);
    let d = v.get("d").cloned().unwrap_or(Value::Null);
    match (op, &*phase) {
        (Some(1), _) => {
            if let (Phase::Live(id), Some(seq)) = (&*phase, d.as_u64()) {
                // Acknowledged dispatches need no replay any more.
                let mut world = sh.world();
                if let Some(s) = world.sessions.get_mut(id) {
                    while s.buffer.front().is_some_and(|(n, _)| *n <= seq) {
                        s.buffer.pop_front();
                    }
                }
            }
            let _ = tx.send(Outbound::Frame(Arc::from(
                "{\"op\":11,\"s\":null,\"t\":null,\"d\":null}",
            )));
            None
        }
        (Some(2), Phase::AwaitingIdentify) => identify(sh, &d, conn_id, tx)
            .map(|id| {
                *phase = Phase::Live(id);
            })
            .err(),
        (Some(6), Phase::AwaitingIdentify) => match resume(sh, &d, conn_id, tx) {
            Ok(Some(id)) => {
                *phase = Phase::Live(id);
                None
            }
            Ok(None) => None,
            Err(code) => Some(code),
        },
        (Some(2 | 6), Phase::Live(_)) => Some((4005, "Already authenticated.")),
        (Some(3 | 4 | 8 | 31), Phase::Live(_)) => None,
        (Some(_), Phase::AwaitingIdentify) => Some((4003, "Not authenticated.")),
        _ => Some((4001, "Unknown opcode.")),
    }
}

fn token_ok(sh: &Shared, token: &str) -> bool {
    let bare = token.strip_prefix("Bot ").unwrap_or(token);
    match &sh.config.token {
        Some(pinned) => pinned == bare,
        None => !bare.is_empty(),
    }
}

fn identify(
    sh: &Arc<Shared>,
    d: &Value,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
) -> Result<String, (u16, &'static str)> {
    let token = d.get("token").and_then(Value::as_str).unwrap_or("");
    if !token_ok(sh, token) {
        return Err((4004, "Authentication failed."));
    }
    let Some(intents) = d.get("intents").and_then(Value::as_u64) else {
        return Err((4013, "Invalid intent(s)."));
    };
    let shard = match d.get("shard").and_then(Value::as_array) {
        None => (0, 1),
        Some(a) => match (
            a.first().and_then(Value::as_u64),
            a.get(1).and_then(Value::as_u64),
        ) {
            (Some(id), Some(count)) if count > 0 && id < count => (id, count),
            _ => return Err((4010, "Invalid shard.")),
        },
    };
    let session_id = {
        use rand::Rng;
        format!("{:032x}", rand::rng().random::<u128>())
    };
    let mut world = sh.world();
    if super::intents::disallowed(intents, world.app_flags) != 0 {
        return Err((4014, "Disallowed intent(s)."));
    }
    world.gateway_sessions += 1;
    let mut session = Session {
        shard,
        intents,
        token: token.to_string(),
        seq: 0,
        buffer: Default::default(),
        conn: Some((conn_id, tx.clone())),
        detached_since: None,
    };
    let guild_ids: Vec<u64> = world
        .guilds
        .keys()
        .copied()
        .filter(|g| session.owns_guild(Some(*g)))
        .collect();
    let app_id = world.app_id;
    let mut user = world.user_json(app_id);
    user["mfa_enabled"] = json!(false);
    user["verified"] = json!(true);
    user["email"] = Value::Null;
    let ready = json!({
        "v": 10,
        "user": user,
        "guilds": guild_ids.iter().map(|g| json!({"id": g.to_string(), "unavailable": true})).collect::<Vec<_>>(),
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": sh.gateway_url(),
        "shard": [shard.0, shard.1],
        "application": {"id": app_id.to_string(), "flags": world.app_flags},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "user_settings": {},
        "geo_ordered_rtc_regions": ["us-east"],
        "guild_join_requests": [],
        "_trace": ["[\"ticketeer-sim\"]"],
    });
    session.push("READY", &ready.to_string());
    for g in guild_ids {
        if let Some(guild) = world.guilds.get(&g) {
            let payload = world.guild_create_json(guild).to_string();
            session.push("GUILD_CREATE", &payload);
        }
    }
    world.sessions.insert(session_id.clone(), session);
    Ok(session_id)
}

/// Resumes a session: replays every dispatch after the client's `seq`, then RESUMED. A session
/// the simulator no longer knows (or that lost frames) gets Invalid Session, not resumable.
fn resume(
    sh: &Arc<Shared>,
    d: &Value,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
) -> Result<Option<String>, (u16, &'static str)> {
    let token = d.get("token").and_then(Value::as_str).unwrap_or("");
    if !token_ok(sh, token) {
        return Err((4004, "Authentication failed."));
    }
    let session_id = d.get("session_id").and_then(Value::as_str).unwrap_or("");
    let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
    let invalid = || {
        let _ = tx.send(Outbound::Frame(Arc::from(
            "{\"op\":9,\"s\":null,\"t\":null,\"d\":false}",
        )));
    };
    let mut world = sh.world();
    let Some(s) = world
        .sessions
        .get_mut(session_id)
        .filter(|s| s.token == token)
    else {
        invalid();
        return Ok(None);
    };
    if s.expired() || seq > s.seq || s.buffer.front().is_some_and(|(first, _)| *first > seq + 1) {
        world.sessions.remove(session_id);
        invalid();
        return Ok(None);
    }
    if let Some(old) = s.detach() {
        let _ = old.send(Outbound::Drop);
    }
    s.attach(conn_id, tx.clone());
    let replay: Vec<Arc<str>> = s
        .buffer
        .iter()
        .filter(|(n, _)| *n > seq)
        .map(|(_, f)| f.clone())
        .collect();
    for f in replay {
        s.send(Outbound::Frame(f));
    }
    // RESUMED takes a sequence number but is not replayed by a later resume.
    s.seq += 1;
    let resumed: Arc<str> =
        format!("{{\"op\":0,\"s\":{},\"t\":\"RESUMED\",\"d\":{{}}}}", s.seq).into();
    s.send(Outbound::Frame(resumed));
    world.gateway_resumes += 1;
    Ok(Some(session_id.to_string()))
}

/// Sends op 7 Reconnect to every live session.
pub fn reconnect_all(sh: &Shared) -> usize {
    let mut world = sh.world();
    let mut n = 0;
    for s in world.sessions.values_mut().filter(|s| s.conn.is_some()) {
        s.send(Outbound::Frame(Arc::from(
            "{\"op\":7,\"s\":null,\"t\":null,\"d\":null}",
        )));
        n += 1;
    }
    n
}

/// Sends op 9 Invalid Session to every live session; a non-resumable one is forgotten.
pub fn invalidate_all(sh: &Shared, resumable: bool) -> usize {
    let mut world = sh.world();
    let frame: Arc<str> = format!("{{\"op\":9,\"s\":null,\"t\":null,\"d\":{resumable}}}").into();
    let mut n = 0;
    for s in world.sessions.values_mut().filter(|s| s.conn.is_some()) {
        s.send(Outbound::Frame(frame.clone()));
        n += 1;
    }
    if !resumable {
        world.sessions.clear();
    }
    n
}

/// Drops every gateway connection without a close frame; sessions stay resumable.
pub fn drop_all(sh: &Shared) -> usize {
    let mut world = sh.world();
    let mut n = 0;
    for s in world.sessions.values_mut() {
        if let Some(tx) = s.detach() {
            let _ = tx.send(Outbound::Drop);
            n += 1;
        }
    }
    n
}
