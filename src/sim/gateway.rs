//! The gateway websocket: Hello, Identify → READY + GUILD_CREATEs, heartbeats, Resume with
//! replay, and the op 7 / op 9 / dropped-connection faults tests drive.
//!
//! Frames always go out as compact JSON text with `op`, `s`, `t` before `d`, since twilight finds
//! those by string search.
//!
//! Identify limits as Discord keeps them ([`GatewayBook`]): `max_concurrency` identifies per
//! bucket (`shard_id % max_concurrency`) per 5 s, answered Invalid Session (op 9, `false`)
//! beyond; a daily total, past which every session ends with 4004 and the token is reset.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{Shared, lock};

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
    let mut last_beat = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(last_beat + heartbeat_grace(&sh)) => {
                // Discord ends a session whose heartbeats stopped; it cannot be resumed.
                if let Phase::Live(id) = &phase {
                    sh.world().sessions.remove(id);
                }
                close(&mut sink, 4009, "Session timed out.").await;
                break;
            }
            out = rx.recv() => {
                if !write_out(&mut sink, out, &mut rx).await {
                    break;
                }
            }
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
                let conn = Conn { id: conn_id, tx: &tx, last_beat: &mut last_beat };
                if let Some((code, reason)) = handle_command(&sh, &text, &mut phase, conn) {
                    close(&mut sink, code, reason).await;
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

type Sink = futures_util::stream::SplitSink<WebSocket, WsMessage>;

async fn close(sink: &mut Sink, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = sink.send(WsMessage::Close(Some(frame))).await;
}

/// Writes `first` and whatever else is queued by now; `false` once the connection is to end.
async fn write_out(
    sink: &mut Sink,
    first: Option<Outbound>,
    rx: &mut mpsc::UnboundedReceiver<Outbound>,
) -> bool {
    let frame = match first {
        Some(Outbound::Frame(f)) => f,
        Some(Outbound::Close(code, reason)) => {
            close(sink, code, reason).await;
            return false;
        }
        Some(Outbound::Drop) | None => return false,
    };
    // Frames queued meanwhile go out in the same write: one syscall per frame made the
    // simulator, not the bot, the bottleneck of a 10,000-click burst.
    if sink
        .feed(WsMessage::Text(frame.as_ref().into()))
        .await
        .is_err()
    {
        return false;
    }
    let mut closing = None;
    for _ in 0..FRAMES_PER_WRITE {
        match rx.try_recv() {
            Ok(Outbound::Frame(f)) => {
                if sink.feed(WsMessage::Text(f.as_ref().into())).await.is_err() {
                    return false;
                }
            }
            Ok(other) => {
                closing = Some(other);
                break;
            }
            Err(_) => break,
        }
    }
    if sink.flush().await.is_err() {
        return false;
    }
    match closing {
        Some(Outbound::Close(code, reason)) => {
            close(sink, code, reason).await;
            false
        }
        Some(Outbound::Drop) => false,
        _ => true,
    }
}

/// One connection as a command sees it.
struct Conn<'a> {
    id: u64,
    tx: &'a mpsc::UnboundedSender<Outbound>,
    /// When the client last heartbeated (or connected).
    last_beat: &'a mut tokio::time::Instant,
}

/// Handles one client command; `Some((code, reason))` closes the connection.
fn handle_command(
    sh: &Arc<Shared>,
    text: &str,
    phase: &mut Phase,
    conn: Conn<'_>,
) -> Option<(u16, &'static str)> {
    let (conn_id, tx) = (conn.id, conn.tx);
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        tracing::warn!("sim gateway: undecodable payload");
        return Some((4002, "Error while decoding payload."));
    };
    let op = v.get("op").and_then(Value::as_u64);
    let d = v.get("d").cloned().unwrap_or(Value::Null);
    match (op, &*phase) {
        (Some(1), _) => {
            *conn.last_beat = tokio::time::Instant::now();
            lock(&sh.gateway).heartbeats += 1;
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
        (Some(2), Phase::AwaitingIdentify) => match identify(sh, &d, conn_id, tx) {
            Ok(Some(id)) => {
                *phase = Phase::Live(id);
                None
            }
            Ok(None) => None,
            Err(code) => Some(code),
        },
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

/// How long a connection may go without a heartbeat before Discord times its session out.
/// Twice the interval: twilight's first heartbeat comes after a random part of one interval.
fn heartbeat_grace(sh: &Shared) -> Duration {
    sh.config.heartbeat_interval * 2
}

fn token_ok(sh: &Shared, token: &str) -> bool {
    if lock(&sh.gateway).token_reset {
        return false;
    }
    let bare = token.strip_prefix("Bot ").unwrap_or(token);
    match &sh.config.token {
        Some(pinned) => pinned == bare,
        None => !bare.is_empty(),
    }
}

/// Identifies a new session: `Ok(None)` when the identify limits answered op 9 instead.
fn identify(
    sh: &Arc<Shared>,
    d: &Value,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
) -> Result<Option<String>, (u16, &'static str)> {
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
    if !admitted(sh, shard.0, tx)? {
        return Ok(None);
    }
    let session_id = {
        use rand::Rng;
        format!("{:032x}", rand::rng().random::<u128>())
    };
    let mut world = sh.world();
    if super::intents::disallowed(intents, world.app_flags) != 0 {
        return Err((4014, "Disallowed intent(s)."));
    }
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
        .filter(|g| world.guilds[g].members.contains_key(&world.app_id))
        .collect();
    if guild_ids.len() > sh.config.max_guilds_per_shard {
        return Err((4011, "Sharding required."));
    }
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
    world.gateway_sessions += 1;
    world.sessions.insert(session_id.clone(), session);
    Ok(Some(session_id))
}

/// Books an identify against the limits: `Ok(false)` after sending op 9 (too soon), `Err(4004)`
/// once the daily total is spent (every other session is ended too, as the token is reset).
fn admitted(
    sh: &Shared,
    shard: u64,
    tx: &mpsc::UnboundedSender<Outbound>,
) -> Result<bool, (u16, &'static str)> {
    let now = Instant::now();
    let mut book = lock(&sh.gateway);
    let verdict = admit(&mut book, sh.identify_limits(), shard, now);
    book.record(shard, verdict == Admission::Accepted, now);
    match verdict {
        Admission::Accepted => Ok(true),
        Admission::TooSoon => {
            book.refused_too_soon += 1;
            let _ = tx.send(Outbound::Frame(Arc::from(
                "{\"op\":9,\"s\":null,\"t\":null,\"d\":false}",
            )));
            Ok(false)
        }
        Admission::DailyLimit => {
            book.token_reset = true;
            drop(book);
            tracing::warn!("sim gateway: daily identify limit spent; the token is reset");
            close_all(sh, 4004);
            Err((4004, "Authentication failed."))
        }
    }
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
    if seq > s.seq {
        // A sequence the session never reached: Discord closes with 4007, session gone.
        world.sessions.remove(session_id);
        return Err((4007, "Invalid seq."));
    }
    if s.expired() || s.buffer.front().is_some_and(|(first, _)| *first > seq + 1) {
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

// ---- identify limits, removed guilds, counters -------------------------------------------------

/// The gateway's own bookkeeping, apart from the world: identify limits and what tests read.
#[derive(Debug, Default)]
pub(crate) struct GatewayBook {
    /// Per bucket (`shard_id % max_concurrency`): when it last identified.
    last_identify: HashMap<u64, Instant>,
    /// When the current daily window began (the first identify after the last reset).
    day_started: Option<Instant>,
    used_today: u32,
    /// Past the daily limit Discord resets the token: every identify and resume fails with 4004.
    token_reset: bool,
    /// The first identify: the origin of [`IdentifyRecord::at_ms`].
    origin: Option<Instant>,
    /// Every identify, accepted or not, in order.
    identifies: Vec<IdentifyRecord>,
    refused_too_soon: u64,
    heartbeats: u64,
    /// Guilds the bot was removed from → REST requests the bot still made about them.
    departed: BTreeMap<u64, u64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct IdentifyRecord {
    /// Milliseconds since the simulator's first identify.
    pub at_ms: u64,
    pub shard: u64,
    pub accepted: bool,
}

/// What the identify limits say about one identify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    Accepted,
    /// Another identify of the same bucket within the window: op 9.
    TooSoon,
    /// The daily total is spent: Discord resets the token.
    DailyLimit,
}

/// The limits [`admit`] applies (from `SimConfig`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdentifyLimits {
    pub max_concurrency: u32,
    pub window: Duration,
    pub daily_total: u32,
    pub daily_window: Duration,
}

/// Decides one identify of `shard` at `now` and books it.
pub(crate) fn admit(
    book: &mut GatewayBook,
    limits: IdentifyLimits,
    shard: u64,
    now: Instant,
) -> Admission {
    if book
        .day_started
        .is_some_and(|t| now.duration_since(t) >= limits.daily_window)
    {
        book.day_started = None;
        book.used_today = 0;
    }
    if book.used_today >= limits.daily_total {
        return Admission::DailyLimit;
    }
    let bucket = shard % u64::from(limits.max_concurrency.max(1));
    if book
        .last_identify
        .get(&bucket)
        .is_some_and(|t| now.duration_since(*t) < limits.window)
    {
        return Admission::TooSoon;
    }
    book.last_identify.insert(bucket, now);
    book.day_started.get_or_insert(now);
    book.used_today += 1;
    Admission::Accepted
}

impl GatewayBook {
    /// `session_start_limit` of `GET /gateway/bot`: the day's identifies as counted so far.
    pub(crate) fn session_start_limit(&self, limits: IdentifyLimits, now: Instant) -> Value {
        let (remaining, reset_after) = match self.day_started {
            Some(t) if now.duration_since(t) < limits.daily_window => (
                limits.daily_total.saturating_sub(self.used_today),
                limits.daily_window - now.duration_since(t),
            ),
            _ => (limits.daily_total, limits.daily_window),
        };
        json!({
            "total": limits.daily_total,
            "remaining": remaining,
            "reset_after": reset_after.as_millis() as u64,
            "max_concurrency": limits.max_concurrency,
        })
    }

    fn record(&mut self, shard: u64, accepted: bool, now: Instant) {
        let origin = *self.origin.get_or_insert(now);
        self.identifies.push(IdentifyRecord {
            at_ms: now.saturating_duration_since(origin).as_millis() as u64,
            shard,
            accepted,
        });
    }
}

/// `GET /gateway/bot`: the simulator's own address, Discord's recommended shard count (one per
/// 1,000 guilds) and the identifies left today.
pub(crate) fn gateway_bot(sh: &Shared, w: &super::state::World) -> Value {
    let guilds = w
        .guilds
        .values()
        .filter(|g| g.members.contains_key(&w.app_id))
        .count();
    let limit = lock(&sh.gateway).session_start_limit(sh.identify_limits(), Instant::now());
    json!({
        "url": sh.gateway_url(),
        "shards": guilds.div_ceil(1000).max(1),
        "session_start_limit": limit,
    })
}

/// Counts a REST request about a guild the bot was removed from (by its path).
pub(crate) fn note_departed_request(sh: &Shared, segs: &[String]) {
    if lock(&sh.gateway).departed.is_empty() {
        return;
    }
    let guild = match segs {
        [first, id, ..] if first == "guilds" => id.parse().ok(),
        [first, id, ..] if first == "channels" => id
            .parse()
            .ok()
            .and_then(|c: u64| sh.world().channels.get(&c).and_then(|ch| ch.guild_id)),
        _ => None,
    };
    if let Some(g) = guild
        && let Some(n) = lock(&sh.gateway).departed.get_mut(&g)
    {
        *n += 1;
    }
}

/// The gateway's part of `/_sim/stats`.
pub(crate) fn stats(sh: &Shared) -> Value {
    let book = lock(&sh.gateway);
    json!({
        "identifies": book.identifies.len(),
        "identifies_refused": book.refused_too_soon,
        "identifies_today": book.used_today,
        "token_reset": book.token_reset,
        "heartbeats": book.heartbeats,
        "departed_guild_requests": book.departed,
    })
}

/// Whether the daily identify limit was passed, which reset the bot's token (REST answers 401).
pub(crate) fn token_reset(sh: &Shared) -> bool {
    lock(&sh.gateway).token_reset
}

/// Every identify so far, for tests that check their spacing.
pub(crate) fn identifies(sh: &Shared) -> Vec<IdentifyRecord> {
    lock(&sh.gateway).identifies.clone()
}

fn close_reason(code: u16) -> &'static str {
    match code {
        4000 => "Unknown error.",
        4004 => "Authentication failed.",
        4007 => "Invalid seq.",
        4009 => "Session timed out.",
        4010 => "Invalid shard.",
        4011 => "Sharding required.",
        4012 => "Invalid API version.",
        4013 => "Invalid intent(s).",
        4014 => "Disallowed intent(s).",
        _ => "Closed by the simulator.",
    }
}

/// Whether a session closed with `code` can still be resumed (Discord's close-code table).
fn resumable_after(code: u16) -> bool {
    matches!(code, 4000..=4003 | 4005 | 4008)
}

/// Closes every live connection with `code`; sessions that code ends are forgotten.
pub fn close_all(sh: &Shared, code: u16) -> usize {
    let mut world = sh.world();
    let mut n = 0;
    for s in world.sessions.values_mut().filter(|s| s.conn.is_some()) {
        s.send(Outbound::Close(code, close_reason(code)));
        n += 1;
    }
    if !resumable_after(code) {
        world.sessions.clear();
    }
    n
}

/// Sends op 1 (the server asking for a heartbeat now) to every live session.
pub fn request_heartbeat(sh: &Shared) -> usize {
    let mut world = sh.world();
    let mut n = 0;
    for s in world.sessions.values_mut().filter(|s| s.conn.is_some()) {
        s.send(Outbound::Frame(Arc::from(
            "{\"op\":1,\"s\":null,\"t\":null,\"d\":null}",
        )));
        n += 1;
    }
    n
}

/// Removes the bot from a guild (kicked, or the guild deleted): GUILD_DELETE without
/// `unavailable`; REST about the guild then answers as for any guild the bot is not in.
pub fn remove_bot(sh: &Shared, guild: u64) -> bool {
    let mut world = sh.world();
    let app = world.app_id;
    let Some(g) = world.guilds.get_mut(&guild) else {
        return false;
    };
    if g.members.remove(&app).is_none() {
        return false;
    }
    world.dispatch(
        Some(guild),
        "GUILD_DELETE",
        &json!({"id": guild.to_string()}),
        0,
    );
    drop(world);
    lock(&sh.gateway).departed.insert(guild, 0);
    true
}

/// Adds the bot back to a guild it was removed from, announced with GUILD_CREATE.
pub fn readd_bot(sh: &Shared, guild: u64) -> bool {
    let mut world = sh.world();
    let app = world.app_id;
    let Some(g) = world.guilds.get_mut(&guild) else {
        return false;
    };
    let role = g.roles.iter().find(|r| r.bot_id == Some(app)).map(|r| r.id);
    g.members.insert(
        app,
        super::state::Member {
            user_id: app,
            roles: role.into_iter().collect(),
            joined_at: super::state::now_timestamp(),
        },
    );
    announce(&mut world, guild);
    drop(world);
    lock(&sh.gateway).departed.remove(&guild);
    true
}

/// A guild going dark in an outage (GUILD_DELETE with `unavailable: true`) or coming back
/// (GUILD_CREATE).
pub fn set_unavailable(sh: &Shared, guild: u64, unavailable: bool) -> bool {
    let mut world = sh.world();
    if !world.guilds.contains_key(&guild) {
        return false;
    }
    if unavailable {
        let d = json!({"id": guild.to_string(), "unavailable": true});
        world.dispatch(Some(guild), "GUILD_DELETE", &d, 0);
    } else {
        announce(&mut world, guild);
    }
    true
}

fn announce(world: &mut super::state::World, guild: u64) {
    if let Some(g) = world.guilds.get(&guild) {
        let payload = world.guild_create_json(g);
        world.dispatch(Some(guild), "GUILD_CREATE", &payload, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> IdentifyLimits {
        IdentifyLimits {
            max_concurrency: 2,
            window: Duration::from_secs(5),
            daily_total: 4,
            daily_window: Duration::from_secs(86_400),
        }
    }

    #[test]
    fn one_identify_per_bucket_per_window() {
        let mut book = GatewayBook::default();
        let t0 = Instant::now();
        assert_eq!(admit(&mut book, limits(), 0, t0), Admission::Accepted);
        // Shard 1 is another bucket (1 % 2), shard 2 the same as shard 0.
        assert_eq!(admit(&mut book, limits(), 1, t0), Admission::Accepted);
        assert_eq!(admit(&mut book, limits(), 2, t0), Admission::TooSoon);
        let later = t0 + Duration::from_millis(4_999);
        assert_eq!(admit(&mut book, limits(), 2, later), Admission::TooSoon);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(admit(&mut book, limits(), 2, later), Admission::Accepted);
        assert_eq!(
            book.used_today, 3,
            "refused identifies use no session start"
        );
    }

    #[test]
    fn the_daily_total_runs_out_and_resets_after_a_day() {
        let mut book = GatewayBook::default();
        let t0 = Instant::now();
        for i in 0..4 {
            let t = t0 + Duration::from_secs(10 * i);
            assert_eq!(admit(&mut book, limits(), 0, t), Admission::Accepted);
        }
        let t = t0 + Duration::from_secs(60);
        assert_eq!(admit(&mut book, limits(), 0, t), Admission::DailyLimit);
        let limit = book.session_start_limit(limits(), t);
        assert_eq!(limit["remaining"], 0);
        assert_eq!(limit["reset_after"], 86_400_000 - 60_000);
        let next_day = t0 + Duration::from_secs(86_400);
        assert_eq!(admit(&mut book, limits(), 0, next_day), Admission::Accepted);
        assert_eq!(book.session_start_limit(limits(), next_day)["remaining"], 3);
    }
}
