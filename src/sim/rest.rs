//! Discord's REST API under `/api/v10`: one handler that decodes the path itself, so auth, faults,
//! rate limits, recording and stats wrap every route the same way.
//!
//! Route handlers are synchronous functions over the locked [`World`]: one request is one critical
//! section, and no lock is ever held across an `.await`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde_json::{Value, json};

use super::error::ApiError;
use super::permissions::{self, Overwrite, bits};
use super::ratelimit::{BucketInfo, RouteGroup, Verdict};
use super::state::{
    Attachment, Channel, InteractionKind, InteractionState, MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING, Message, Reference, World, id_of, interaction_id_from_token,
    now_timestamp, num_of, parse_overwrite,
};
use super::threads;
use super::validate::{self, channel_display_name};
use super::{RateLimitMode, Shared};

/// Interaction tokens stay valid this long for follow-ups and `@original` edits.
const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// A file part of a multipart request (`files[n]`).
#[derive(Debug)]
pub struct FilePart {
    pub index: usize,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// One decoded request.
struct Req {
    method: Method,
    /// The route as stats name it (`GET /channels/{id}/threads`).
    key: String,
    segs: Vec<String>,
    query: HashMap<String, String>,
    body: Value,
    files: Vec<FilePart>,
}

impl Req {
    fn q(&self, key: &str) -> Option<&str> {
        self.query.get(key).map(String::as_str)
    }
    fn flag(&self, key: &str) -> bool {
        matches!(self.q(key), Some("true" | "1" | "True"))
    }
}

struct Reply {
    status: StatusCode,
    body: Option<Value>,
}

impl Reply {
    fn ok(v: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(v),
        }
    }
    fn created(v: Value) -> Self {
        Self {
            status: StatusCode::CREATED,
            body: Some(v),
        }
    }
    fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            body: None,
        }
    }
}

type R<T> = Result<T, ApiError>;

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(hi), Some(lo)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        if b[i] == b'+' {
            out.push(b' ');
        } else {
            out.push(b[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    q.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// The stats key (`POST /channels/{id}/messages`), the rate-limit group, its major parameter,
/// and whether the route needs the bot token (interaction and webhook routes do not).
fn classify(method: &Method, segs: &[String]) -> (String, RouteGroup, u64, bool) {
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let mut key = String::with_capacity(48);
    key.push_str(method.as_str());
    key.push(' ');
    let token_route = matches!(s.first(), Some(&"interactions" | &"webhooks"));
    for (i, seg) in s.iter().enumerate() {
        key.push('/');
        if token_route && i == 2 {
            key.push_str("{token}");
        } else if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            key.push_str("{id}");
        } else {
            key.push_str(seg);
        }
    }
    let major = s.get(1).and_then(|m| m.parse().ok()).unwrap_or(0);
    let group = match (method.as_str(), s.as_slice()) {
        (_, ["interactions", ..]) => RouteGroup::Webhook,
        (_, ["webhooks", ..]) => RouteGroup::Webhook,
        ("POST", ["channels", _, "messages"]) => RouteGroup::MessageCreate,
        ("PATCH" | "DELETE", ["channels", _, "messages", _]) => RouteGroup::MessageEdit,
        ("POST", ["guilds", _, "channels"]) => RouteGroup::ChannelCreate,
        ("PATCH" | "DELETE", ["channels", _]) => RouteGroup::ChannelModify,
        (_, ["channels", _, "permissions", _]) => RouteGroup::Overwrite,
        ("POST", ["users", "@me", "channels"]) => RouteGroup::DmCreate,
        ("PUT" | "POST", ["applications", ..]) => RouteGroup::Commands,
        _ => RouteGroup::Other,
    };
    let major = if token_route {
        // Per-interaction bucket: hash the token's interaction id.
        s.get(2)
            .and_then(|t| interaction_id_from_token(t))
            .unwrap_or(major)
    } else {
        major
    };
    (key, group, major, !token_route)
}

fn json_response(status: StatusCode, body: &Option<Value>) -> Response {
    match body {
        Some(v) => {
            let mut r = Response::new(Body::from(v.to_string()));
            *r.status_mut() = status;
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
        None => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = status;
            r
        }
    }
}

fn add_bucket_headers(h: &mut HeaderMap, info: &BucketInfo) {
    let reset = info.reset.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
            + info.reset_after
    });
    let mut put = |k: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    };
    put("x-ratelimit-bucket", info.bucket.clone());
    put("x-ratelimit-limit", info.limit.to_string());
    put("x-ratelimit-remaining", info.remaining.to_string());
    put("x-ratelimit-reset", format!("{reset:.3}"));
    put(
        "x-ratelimit-reset-after",
        format!("{:.3}", info.reset_after),
    );
}

/// Where a 429 comes from: the scope Discord reports and, for DM opening, its own error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LimitKind {
    User,
    Global,
    /// A limit on the resource, not on this bot (`x-ratelimit-scope: shared`).
    Shared,
    DmOpen,
}

impl LimitKind {
    fn of(group: RouteGroup, global: bool) -> Self {
        match (global, group) {
            (true, _) => Self::Global,
            (false, RouteGroup::DmCreate) => Self::DmOpen,
            (false, g) if g.shared() => Self::Shared,
            _ => Self::User,
        }
    }
}

fn too_many(info: &BucketInfo, kind: LimitKind) -> (Response, Value) {
    let retry = info.reset_after.max(0.001);
    let global = kind == LimitKind::Global;
    let (code, message) = match kind {
        LimitKind::DmOpen => (40003, "You are opening direct messages too fast."),
        _ => (0, "You are being rate limited."),
    };
    let body = json!({
        "code": code,
        "message": message,
        "retry_after": (retry * 1000.0).ceil() / 1000.0,
        "global": global,
    });
    let mut r = json_response(StatusCode::TOO_MANY_REQUESTS, &Some(body.clone()));
    let h = r.headers_mut();
    add_bucket_headers(h, info);
    let scope = match kind {
        LimitKind::Global => "global",
        LimitKind::Shared => "shared",
        LimitKind::User | LimitKind::DmOpen => "user",
    };
    h.insert("x-ratelimit-scope", HeaderValue::from_static(scope));
    if global {
        h.insert("x-ratelimit-global", HeaderValue::from_static("true"));
    }
    if let Ok(v) = HeaderValue::from_str(&format!("{}", retry.ceil() as u64)) {
        h.insert(header::RETRY_AFTER, v);
    }
    (r, body)
}

async fn read_body(req: Request) -> Result<(Value, Vec<FilePart>), ApiError> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|_| ApiError::bad_json())?;
        let mut payload = Value::Null;
        let mut files = Vec::new();
        while let Ok(Some(field)) = mp.next_field().await {
            let name = field.name().unwrap_or("").to_string();
            let filename = field.file_name().map(str::to_string);
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let data = match field.bytes().await {
                Ok(d) => d,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(ApiError::too_large());
                }
                Err(_) => return Err(ApiError::bad_json()),
            };
            if name == "payload_json" {
                payload = serde_json::from_slice(&data).map_err(|_| ApiError::bad_json())?;
            } else if let Some(idx) = name
                .strip_prefix("files[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse().ok())
                .or_else(|| name.strip_prefix("file").and_then(|n| n.parse().ok()))
            {
                files.push(FilePart {
                    index: idx,
                    filename: filename.unwrap_or_else(|| format!("file{idx}")),
                    content_type,
                    data: data.to_vec(),
                });
            }
        }
        return Ok((payload, files));
    }
    // Over the limit is the only way reading a loopback body fails while anyone waits for the
    // answer.
    let bytes = axum::body::to_bytes(req.into_body(), validate::REQUEST_SIZE_MAX)
        .await
        .map_err(|_| ApiError::too_large())?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((Value::Null, Vec::new()));
    }
    serde_json::from_slice(&bytes)
        .map(|v| (v, Vec::new()))
        .map_err(|_| ApiError::bad_json())
}

/// Whether the token is the bot's: the pinned one (any, if none is pinned), and not reset
/// by Discord after too many identifies in a day.
fn authorized(sh: &Shared, token: Option<&str>) -> bool {
    if super::gateway::token_reset(sh) {
        return false;
    }
    match (token, &sh.config.token) {
        (None, _) => false,
        (Some(t), Some(pinned)) => t == pinned,
        (Some(t), None) => !t.is_empty(),
    }
}

/// The rate-limit group once the body is known: renaming a channel or changing its topic has a
/// bucket of its own.
fn body_group(group: RouteGroup, method: &Method, body: &Value) -> RouteGroup {
    let renames = body.get("name").is_some() || body.get("topic").is_some();
    if group == RouteGroup::ChannelModify && method == Method::PATCH && renames {
        RouteGroup::ChannelRename
    } else {
        group
    }
}

pub async fn handle(State(sh): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = parse_query(req.uri().query());
    let segs: Vec<String> = path
        .strip_prefix("/api/v10")
        .unwrap_or(&path)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let (key, group, major, needs_auth) = classify(&method, &segs);
    super::gateway::note_departed_request(&sh, &segs);
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let token = auth.as_deref().and_then(|a| a.strip_prefix("Bot "));

    let faults = sh.faults_snapshot();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }

    let (body, files) = match read_body(req).await {
        Ok(b) => b,
        Err(e) => {
            return finish(&sh, &key, &method, &path, &Value::Null, None, Err(e));
        }
    };

    if needs_auth && !authorized(&sh, token) {
        let e = ApiError::unauthorized();
        return finish(&sh, &key, &method, &path, &body, None, Err(e));
    }

    let (roll_5xx, roll_429) = {
        let mut rng = rand::rng();
        (
            faults.http_5xx_ratio > 0.0 && rng.random::<f64>() < faults.http_5xx_ratio,
            faults.http_429_ratio > 0.0 && rng.random::<f64>() < faults.http_429_ratio,
        )
    };
    if roll_5xx {
        let e = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            0,
            "500: Internal Server Error",
        );
        return finish(&sh, &key, &method, &path, &body, None, Err(e));
    }
    if roll_429 {
        let retry = rand::rng().random_range(0.05..0.2);
        let info = BucketInfo::refusal("fault", 1, retry);
        return limited(&sh, &key, &method, &path, &body, &info, LimitKind::User);
    }

    if let Some(info) = sh.invalid_request_ban() {
        return limited(&sh, &key, &method, &path, &body, &info, LimitKind::Global);
    }
    let group = body_group(group, &method, &body);
    let mut bucket = None;
    let exempt = matches!(segs.first().map(String::as_str), Some("interactions"));
    if sh.config.rate_limits == RateLimitMode::Discord && !exempt {
        let verdict = super::lock(&sh.limiter).check(
            &sh.limits,
            group,
            major,
            token.filter(|_| needs_auth),
            Instant::now(),
        );
        match verdict {
            Verdict::Allowed(info) => bucket = Some(info),
            Verdict::Limited { info, global } => {
                let kind = LimitKind::of(group, global);
                return limited(&sh, &key, &method, &path, &body, &info, kind);
            }
        }
    }

    let r = Req {
        method: method.clone(),
        key: key.clone(),
        segs,
        query,
        body,
        files,
    };
    let result = {
        let mut world = sh.world();
        route(&sh, &mut world, &r)
    };
    finish(&sh, &key, &method, &path, &r.body, bucket.as_ref(), result)
}

fn limited(
    sh: &Shared,
    key: &str,
    method: &Method,
    path: &str,
    request: &Value,
    info: &BucketInfo,
    kind: LimitKind,
) -> Response {
    let (resp, body) = too_many(info, kind);
    sh.count(
        key,
        StatusCode::TOO_MANY_REQUESTS,
        kind == LimitKind::Shared,
    );
    sh.record(method, path, 429, request, Some(&body));
    resp
}

fn finish(
    sh: &Shared,
    key: &str,
    method: &Method,
    path: &str,
    request: &Value,
    bucket: Option<&BucketInfo>,
    result: R<Reply>,
) -> Response {
    let (status, body) = match result {
        Ok(r) => (r.status, r.body),
        Err(e) => {
            if e.status.is_client_error() {
                tracing::debug!(%key, code = e.code, "sim refused: {}", e.message);
            }
            (e.status, Some(e.body()))
        }
    };
    sh.count(key, status, false);
    sh.record(method, path, status.as_u16(), request, body.as_ref());
    let mut resp = json_response(status, &body);
    if let Some(info) = bucket {
        add_bucket_headers(resp.headers_mut(), info);
    }
    resp
}

fn sf(s: &str) -> R<u64> {
    s.parse().map_err(|_| ApiError::not_found())
}

fn route(sh: &Shared, w: &mut World, r: &Req) -> R<Reply> {
    let s: Vec<&str> = r.segs.iter().map(String::as_str).collect();
    let m = r.method.as_str();
    match (m, s.as_slice()) {
        ("GET", ["gateway", "bot"]) => Ok(Reply::ok(super::gateway::gateway_bot(sh, w))),
        ("GET", ["gateway"]) => Ok(Reply::ok(json!({"url": sh.gateway_url()}))),
        ("GET", ["users", "@me"]) => {
            let mut u = w.user_json(w.app_id);
            u["mfa_enabled"] = json!(false);
            u["verified"] = json!(true);
            u["locale"] = json!("en-US");
            u["email"] = Value::Null;
            u["banner"] = Value::Null;
            u["accent_color"] = Value::Null;
            u["premium_type"] = json!(0);
            Ok(Reply::ok(u))
        }
        ("GET", ["users", "@me", "guilds"]) => my_guilds(w, r),
        ("GET", ["users", id]) => {
            let id = sf(id)?;
            if !w.users.contains_key(&id) {
                return Err(ApiError::unknown_user());
            }
            Ok(Reply::ok(w.user_json(id)))
        }
        // discord.py reads its application here at login and stops on a 404.
        ("GET", ["applications", "@me"] | ["oauth2", "applications", "@me"]) => {
            Ok(Reply::ok(application_json(w)))
        }
        ("PATCH", ["applications", "@me"]) => edit_application(w, &r.body),
        (_, ["applications", app, rest @ ..]) if *app != "@me" => {
            if sf(app)? != w.app_id {
                return Err(ApiError::unknown_application());
            }
            commands(w, r, rest)
        }
        ("POST", ["interactions", id, token, "callback"]) => callback(sh, w, r, sf(id)?, token),
        (_, ["webhooks", app, token, rest @ ..]) => webhook(w, r, sf(app)?, token, rest),
        ("POST", ["users", "@me", "channels"]) => open_dm(w, r),
        ("GET", ["guilds", g]) => {
            let g = bot_guild(w, sf(g)?)?;
            let mut v = w.guild_json(g);
            if r.flag("with_counts") {
                v["approximate_member_count"] = json!(g.members.len());
                v["approximate_presence_count"] = json!(0);
            }
            Ok(Reply::ok(v))
        }
        ("GET", ["guilds", g, "roles"]) => {
            let g = bot_guild(w, sf(g)?)?;
            Ok(Reply::ok(json!(
                g.roles.iter().map(World::role_json).collect::<Vec<_>>()
            )))
        }
        ("GET", ["guilds", g, "members", u]) => {
            let g = bot_guild(w, sf(g)?)?;
            let m = g
                .members
                .get(&sf(u)?)
                .ok_or_else(ApiError::unknown_member)?;
            Ok(Reply::ok(w.member_json(m, true)))
        }
        ("GET", ["guilds", g, "members"]) => {
            let g = bot_guild(w, sf(g)?)?;
            let limit = r.q("limit").and_then(|l| l.parse().ok()).unwrap_or(1usize);
            let after = r.q("after").and_then(|a| a.parse().ok()).unwrap_or(0u64);
            let list: Vec<Value> = g
                .members
                .range(after + 1..)
                .take(limit.clamp(1, 1000))
                .map(|(_, m)| w.member_json(m, true))
                .collect();
            Ok(Reply::ok(json!(list)))
        }
        ("GET", ["guilds", g, "channels"]) => {
            let g = bot_guild(w, sf(g)?)?;
            let list: Vec<Value> = g
                .channels
                .iter()
                .filter_map(|c| w.channels.get(c))
                .map(|c| w.channel_json(c))
                .collect();
            Ok(Reply::ok(json!(list)))
        }
        ("POST", ["guilds", g, "channels"]) => create_channel(w, &r.body, sf(g)?),
        ("GET", ["guilds", g, "threads", "active"]) => {
            let g = bot_guild(w, sf(g)?)?.id;
            Ok(Reply::ok(threads::active(w, g)))
        }
        (_, ["channels", ..]) => channel_route(w, r, &s),
        _ => Err(unknown_route(r)),
    }
}

/// `GET /users/@me/guilds`: the bot's guilds by id, paged with `after`/`before` and `limit`
/// (1–200, default 200), each with the bot's guild-level permissions as Discord computes them.
fn my_guilds(w: &World, r: &Req) -> R<Reply> {
    let limit = match r.q("limit") {
        None => 200,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=200).contains(&n) => n,
            _ => {
                return Err(ApiError::form(
                    &["limit".to_string()],
                    "NUMBER_TYPE_MAX",
                    "int value should be less than or equal to 200.",
                ));
            }
        },
    };
    let after: u64 = r.q("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let before: u64 = r
        .q("before")
        .and_then(|b| b.parse().ok())
        .unwrap_or(u64::MAX);
    let list: Vec<Value> = w
        .guilds
        .range(after.saturating_add(1)..before)
        .filter(|(_, g)| g.members.contains_key(&w.app_id))
        .take(limit)
        .map(|(_, g)| {
            let mut v = json!({
                "id": g.id.to_string(),
                "name": g.name,
                "icon": null,
                "banner": null,
                "owner": g.owner_id == w.app_id,
                "permissions": w.guild_permissions(g, w.app_id).to_string(),
                "features": [],
            });
            if r.flag("with_counts") {
                v["approximate_member_count"] = json!(g.members.len());
                v["approximate_presence_count"] = json!(0);
            }
            v
        })
        .collect();
    Ok(Reply::ok(json!(list)))
}

/// A route the simulator does not serve answers as Discord answers a route it has not: 404 with
/// code 0. Logged, since a client meeting it is usually one using a route worth simulating.
fn unknown_route(r: &Req) -> ApiError {
    tracing::warn!(method = %r.method, route = %r.key, "sim: route not served, answered 404");
    ApiError::not_found()
}

/// `/channels/...`: channels, their overwrites and their messages.
fn channel_route(w: &mut World, r: &Req, s: &[&str]) -> R<Reply> {
    match (r.method.as_str(), s) {
        ("GET", ["channels", c]) => {
            let (ch, _) = bot_channel(w, sf(c)?)?;
            Ok(Reply::ok(w.channel_json(ch)))
        }
        ("PATCH" | "DELETE", ["channels", c]) if is_thread(w, c) => thread_route(w, r, s),
        (_, ["channels", _, "threads"])
        | (_, ["channels", _, "messages", _, "threads"])
        | (_, ["channels", _, "thread-members", ..]) => thread_route(w, r, s),
        ("PATCH", ["channels", c]) => modify_channel(w, &r.body, sf(c)?),
        ("DELETE", ["channels", c]) => {
            let c = sf(c)?;
            let (ch, perms) = bot_channel(w, c)?;
            if ch.guild_id.is_some() && perms & bits::MANAGE_CHANNELS == 0 {
                return Err(ApiError::missing_permissions());
            }
            let v = w.delete_channel(c).ok_or_else(ApiError::unknown_channel)?;
            Ok(Reply::ok(v))
        }
        ("PUT", ["channels", c, "permissions", target]) => {
            put_overwrite(w, &r.body, sf(c)?, sf(target)?)
        }
        ("DELETE", ["channels", c, "permissions", target]) => {
            let (c, target) = (sf(c)?, sf(target)?);
            let (_, perms) = bot_guild_channel(w, c)?;
            if perms & bits::MANAGE_ROLES == 0 {
                return Err(ApiError::missing_permissions());
            }
            if let Some(ch) = w.channels.get_mut(&c) {
                ch.overwrites.retain(|o| o.id != target);
            }
            channel_updated(w, c);
            Ok(Reply::no_content())
        }
        ("GET", ["channels", c, "messages"]) => list_messages(w, r, sf(c)?),
        ("GET", ["channels", c, "messages", "pins"]) => list_pins(w, r, sf(c)?),
        ("GET", ["channels", c, "pins"]) => list_pins_deprecated(w, sf(c)?),
        ("PUT", ["channels", c, "messages", "pins", m] | ["channels", c, "pins", m]) => {
            set_pin(w, sf(c)?, sf(m)?, true)
        }
        ("DELETE", ["channels", c, "messages", "pins", m] | ["channels", c, "pins", m]) => {
            set_pin(w, sf(c)?, sf(m)?, false)
        }
        ("POST", ["channels", c, "messages"]) => create_message(w, r, sf(c)?),
        ("GET", ["channels", c, "messages", m]) => {
            let (c, m) = (sf(c)?, sf(m)?);
            let (_, perms) = bot_channel(w, c)?;
            if perms & bits::READ_MESSAGE_HISTORY == 0 {
                return Err(ApiError::missing_permissions());
            }
            let msg = channel_message(w, c, m)?;
            Ok(Reply::ok(w.rest_message_json(msg)))
        }
        ("PATCH", ["channels", c, "messages", m]) => {
            let (c, m) = (sf(c)?, sf(m)?);
            let (_, perms) = bot_channel(w, c)?;
            let msg = channel_message(w, c, m)?;
            if msg.author_id != w.app_id {
                return Err(ApiError::not_author());
            }
            let body = embeds_as_permitted(&r.body, &r.files, perms, &msg.content)?;
            edit_message(w, m, &body, &r.files)?;
            message_reply(w, m)
        }
        ("DELETE", ["channels", c, "messages", m]) => {
            let (c, m) = (sf(c)?, sf(m)?);
            let (_, perms) = bot_channel(w, c)?;
            let msg = channel_message(w, c, m)?;
            if msg.author_id != w.app_id && perms & bits::MANAGE_MESSAGES == 0 {
                return Err(ApiError::missing_permissions());
            }
            delete_message(w, m);
            Ok(Reply::no_content())
        }
        _ => Err(unknown_route(r)),
    }
}

/// Threads: creating them, their members, and editing or deleting one (see [`threads`]).
fn thread_route(w: &mut World, r: &Req, s: &[&str]) -> R<Reply> {
    match (r.method.as_str(), s) {
        ("PATCH", ["channels", c]) if is_thread(w, c) => {
            Ok(Reply::ok(threads::modify(w, sf(c)?, w.app_id, &r.body)?))
        }
        ("DELETE", ["channels", c]) if is_thread(w, c) => {
            Ok(Reply::ok(threads::delete(w, sf(c)?, w.app_id)?))
        }
        ("POST", ["channels", c, "threads"]) => {
            let t = threads::create(w, w.app_id, sf(c)?, None, &r.body)?;
            Ok(Reply::created(threads::thread_json(w, t)))
        }
        ("POST", ["channels", c, "messages", m, "threads"]) => {
            let t = threads::create(w, w.app_id, sf(c)?, Some(sf(m)?), &r.body)?;
            Ok(Reply::created(threads::thread_json(w, t)))
        }
        ("PUT", ["channels", c, "thread-members", u]) => {
            let user = if *u == "@me" { w.app_id } else { sf(u)? };
            threads::add_member(w, sf(c)?, w.app_id, user)?;
            Ok(Reply::no_content())
        }
        ("DELETE", ["channels", c, "thread-members", u]) => {
            let user = if *u == "@me" { w.app_id } else { sf(u)? };
            threads::remove_member(w, sf(c)?, w.app_id, user)?;
            Ok(Reply::no_content())
        }
        ("GET", ["channels", c, "thread-members", u]) => Ok(Reply::ok(threads::get_member(
            w,
            sf(c)?,
            sf(u)?,
            r.flag("with_member"),
        )?)),
        ("GET", ["channels", c, "thread-members"]) => {
            let after = match r.q("after") {
                Some(a) => sf(a)?,
                None => 0,
            };
            let limit = r.q("limit").and_then(|l| l.parse().ok());
            Ok(Reply::ok(threads::list_members(
                w,
                sf(c)?,
                r.flag("with_member"),
                after,
                limit,
            )?))
        }
        _ => Err(unknown_route(r)),
    }
}

fn is_thread(w: &World, c: &str) -> bool {
    c.parse()
        .ok()
        .and_then(|c: u64| w.channels.get(&c))
        .is_some_and(|ch| ch.thread.is_some())
}

fn open_dm(w: &mut World, r: &Req) -> R<Reply> {
    let user = r
        .body
        .get("recipient_id")
        .and_then(id_of)
        .ok_or_else(|| required("recipient_id"))?;
    match w.users.get(&user) {
        None => return Err(ApiError::unknown_user()),
        // Discord opens no DM channel with a bot (nor with itself).
        Some(u) if u.bot => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                50007,
                "Cannot send messages to this user",
            ));
        }
        Some(_) => {}
    }
    let c = w.dm_channel(user);
    let ch = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    Ok(Reply::ok(w.channel_json(ch)))
}

fn required(field: &str) -> ApiError {
    ApiError::form(
        &[field.to_string()],
        "BASE_TYPE_REQUIRED",
        "This field is required",
    )
}

/// `PATCH /applications/@me`: the editable fields are stored and shown by every later GET.
/// Of `flags`, only the `_LIMITED` intent bits may change through the API, as on Discord.
fn edit_application(w: &mut World, body: &Value) -> R<Reply> {
    let fields = validate::application_edit(body)?;
    if let Some(f) = body.get("flags").and_then(num_of) {
        let limited = super::intents::flags::LIMITED;
        w.app_flags = (w.app_flags & !limited) | (f & limited);
    }
    w.app_profile.extend(fields);
    Ok(Reply::ok(application_json(w)))
}

fn application_json(w: &World) -> Value {
    let mut app = application_defaults(w);
    for (k, v) in &w.app_profile {
        app[k] = v.clone();
    }
    app
}

fn application_defaults(w: &World) -> Value {
    json!({
        "id": w.app_id.to_string(),
        "name": w.bot_name,
        "icon": null,
        "description": "",
        "type": null,
        "bot": w.user_json(w.app_id),
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0000000000000000000000000000000000000000000000000000000000000000",
        "flags": w.app_flags,
        "summary": "",
        "rpc_origins": [],
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "owner": w.user_json(w.app_id),
        "team": null,
        "tags": [],
        "approximate_guild_count": w.guilds.len(),
        "integration_types_config": {"0": {}},
        "explicit_content_filter": 0,
        "is_monetized": false,
        "is_verified": false,
        "is_discoverable": false,
        "hook": true,
        "storefront_available": false,
        "max_participants": null,
        "flags_new": w.app_flags.to_string(),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "eligible_oauth2_scopes": ["bot", "applications.commands"],
    })
}

// ---- access helpers -----------------------------------------------------------------------------

fn bot_guild(w: &World, g: u64) -> R<&super::state::Guild> {
    match w.guilds.get(&g) {
        Some(guild) if guild.members.contains_key(&w.app_id) => Ok(guild),
        _ => Err(ApiError::unknown_guild()),
    }
}

/// The channel and the bot's permissions there; Missing Access when it cannot see it.
fn bot_channel(w: &World, c: u64) -> R<(&Channel, u64)> {
    let ch = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    let perms = w.permissions_in(ch, w.app_id);
    if perms & bits::VIEW_CHANNEL == 0 {
        return Err(ApiError::missing_access());
    }
    Ok((ch, perms))
}

fn bot_guild_channel(w: &World, c: u64) -> R<(&Channel, u64)> {
    let (ch, perms) = bot_channel(w, c)?;
    if ch.guild_id.is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            50003,
            "Cannot execute action on a DM channel",
        ));
    }
    Ok((ch, perms))
}

fn channel_message(w: &World, c: u64, m: u64) -> R<&Message> {
    match w.messages.get(&m) {
        Some(msg) if msg.channel_id == c && msg.ephemeral_to.is_none() => Ok(msg),
        _ => Err(ApiError::unknown_message()),
    }
}

fn channel_updated(w: &mut World, c: u64) {
    if let Some(ch) = w.channels.get(&c) {
        let payload = w.channel_json(ch);
        let g = ch.guild_id;
        w.dispatch(g, "CHANNEL_UPDATE", &payload, super::state::INTENT_GUILDS);
    }
}

// ---- channels -------------------------------------------------------------------------------------

fn parse_overwrites(v: &Value) -> R<Vec<Overwrite>> {
    let Some(list) = v.as_array() else {
        return Err(ApiError::form(
            &["permission_overwrites".into()],
            "BASE_TYPE_ARRAY",
            "Must be an array.",
        ));
    };
    list.iter()
        .enumerate()
        .map(|(i, o)| {
            parse_overwrite(o).ok_or_else(|| {
                ApiError::form(
                    &["permission_overwrites".into(), i.to_string()],
                    "BASE_TYPE_INVALID",
                    "Invalid permission overwrite",
                )
            })
        })
        .collect()
}

/// Overwrite targets must exist in the guild, and the bot may only grant what `granter` allows.
fn check_overwrites(
    w: &World,
    guild: u64,
    list: &[Overwrite],
    granter: &permissions::Granter,
) -> R<()> {
    let Some(g) = w.guilds.get(&guild) else {
        return Err(ApiError::unknown_guild());
    };
    for (i, o) in list.iter().enumerate() {
        let exists = match o.kind {
            super::permissions::OverwriteKind::Role => g.role(o.id).is_some(),
            super::permissions::OverwriteKind::Member => g.members.contains_key(&o.id),
        };
        if !exists {
            return Err(ApiError::form(
                &["permission_overwrites".into(), i.to_string(), "id".into()],
                "BASE_TYPE_INVALID",
                "Unknown role or member",
            ));
        }
    }
    let allow = list.iter().fold(0, |acc, o| acc | o.allow);
    let deny = list.iter().fold(0, |acc, o| acc | o.deny);
    if !permissions::may_grant(granter, allow, deny) {
        return Err(ApiError::missing_permissions());
    }
    Ok(())
}

/// What the bot holds when it rewrites an existing channel's overwrites: its guild permissions,
/// its permissions in the parent category, and whether an overwrite there gives it MANAGE_ROLES.
fn modify_granter(w: &World, ch: &Channel) -> permissions::Granter {
    let guild = ch.guild_id.and_then(|g| w.guilds.get(&g));
    let roles: Vec<u64> = guild
        .and_then(|g| g.members.get(&w.app_id))
        .map(|m| m.roles.clone())
        .unwrap_or_default();
    let applies = |o: &Overwrite| match o.kind {
        permissions::OverwriteKind::Member => o.id == w.app_id,
        permissions::OverwriteKind::Role => Some(o.id) == ch.guild_id || roles.contains(&o.id),
    };
    permissions::Granter {
        guild: guild.map_or(0, |g| w.guild_permissions(g, w.app_id)),
        parent: ch
            .parent_id
            .and_then(|p| w.channels.get(&p))
            .map(|pc| w.permissions_in(pc, w.app_id)),
        manage_roles_overwrite: ch
            .overwrites
            .iter()
            .any(|o| applies(o) && o.allow & bits::MANAGE_ROLES != 0),
    }
}

fn create_channel(w: &mut World, body: &Value, guild: u64) -> R<Reply> {
    let g = bot_guild(w, guild)?;
    let base = w.guild_permissions(g, w.app_id);
    let name = body.get("name").and_then(Value::as_str);
    let kind = body.get("type").and_then(num_of).unwrap_or(0);
    if !matches!(kind, 0 | 2 | 4 | 5 | 13 | 15) {
        return Err(ApiError::form(
            &["type".into()],
            "BASE_TYPE_CHOICES",
            "Value must be one of {0, 2, 4, 5, 13, 15}.",
        ));
    }
    validate::channel_name(name, kind as u8, true)?;
    let topic = body
        .get("topic")
        .and_then(Value::as_str)
        .map(str::to_string);
    if topic
        .as_ref()
        .is_some_and(|t| t.chars().count() > validate::TOPIC_MAX)
    {
        return Err(ApiError::form(
            &["topic".into()],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 1024 or fewer in length.",
        ));
    }
    let parent = body.get("parent_id").and_then(id_of);
    let mut holds = base;
    if let Some(p) = parent {
        let pc = match w.channels.get(&p) {
            Some(pc) if pc.guild_id == Some(guild) && pc.kind == 4 && kind != 4 => pc,
            _ => {
                return Err(ApiError::form(
                    &["parent_id".into()],
                    "CHANNEL_PARENT_INVALID_TYPE",
                    "Not a category",
                ));
            }
        };
        holds = w.permissions_in(pc, w.app_id);
    }
    if holds & bits::MANAGE_CHANNELS == 0 {
        return Err(ApiError::missing_permissions());
    }
    if g.channels.len() >= validate::CHANNELS_PER_GUILD_MAX {
        return Err(ApiError::max_channels());
    }
    if let Some(p) = parent {
        let children = g
            .channels
            .iter()
            .filter(|c| w.channels.get(c).is_some_and(|c| c.parent_id == Some(p)))
            .count();
        if children >= validate::CHANNELS_PER_CATEGORY_MAX {
            return Err(ApiError::form(
                &["parent_id".into()],
                "CHANNEL_PARENT_MAX_CHANNELS",
                "Maximum number of channels in category reached (50)",
            ));
        }
    }
    let overwrites = match body.get("permission_overwrites") {
        Some(Value::Null) | None => parent
            .and_then(|p| w.channels.get(&p))
            .map(|pc| pc.overwrites.clone())
            .unwrap_or_default(),
        Some(v) => {
            let list = parse_overwrites(v)?;
            if !list.is_empty() && holds & bits::MANAGE_ROLES == 0 && base & bits::MANAGE_ROLES == 0
            {
                return Err(ApiError::missing_permissions());
            }
            let granter = permissions::Granter {
                guild: base,
                parent: None,
                manage_roles_overwrite: false,
            };
            check_overwrites(w, guild, &list, &granter)?;
            list
        }
    };
    let name = name.unwrap_or_default().to_string();
    let id = w.new_channel(guild, &name, kind as u8, parent, topic, overwrites);
    if let Some(nsfw) = body.get("nsfw").and_then(Value::as_bool)
        && let Some(c) = w.channels.get_mut(&id)
    {
        c.nsfw = nsfw;
    }
    let ch = w.channels.get(&id).ok_or_else(ApiError::unknown_channel)?;
    Ok(Reply::created(w.channel_json(ch)))
}

/// A channel's new `parent_id` as Discord accepts it: `None` to leave its category, or a
/// category of the same guild with room for one more channel.
fn checked_parent(w: &World, ch: &Channel, guild: u64, p: &Value) -> R<Option<u64>> {
    let Some(p) = id_of(p) else {
        return if p.is_null() {
            Ok(None)
        } else {
            Err(required("parent_id"))
        };
    };
    let ok = w
        .channels
        .get(&p)
        .is_some_and(|pc| pc.guild_id == Some(guild) && pc.kind == 4)
        && ch.kind != 4;
    if !ok {
        return Err(ApiError::form(
            &["parent_id".into()],
            "CHANNEL_PARENT_INVALID_TYPE",
            "Not a category",
        ));
    }
    if ch.parent_id != Some(p) {
        let children = w
            .guilds
            .get(&guild)
            .map(|g| {
                g.channels
                    .iter()
                    .filter(|x| w.channels.get(x).is_some_and(|x| x.parent_id == Some(p)))
                    .count()
            })
            .unwrap_or(0);
        if children >= validate::CHANNELS_PER_CATEGORY_MAX {
            return Err(ApiError::form(
                &["parent_id".into()],
                "CHANNEL_PARENT_MAX_CHANNELS",
                "Maximum number of channels in category reached (50)",
            ));
        }
    }
    Ok(Some(p))
}

fn modify_channel(w: &mut World, body: &Value, c: u64) -> R<Reply> {
    let (ch, perms) = bot_guild_channel(w, c)?;
    let guild = ch.guild_id.unwrap_or(0);
    if perms & bits::MANAGE_CHANNELS == 0 {
        return Err(ApiError::missing_permissions());
    }
    if body.get("name").is_some() {
        validate::channel_name(body.get("name").and_then(Value::as_str), ch.kind, true)?;
    }
    if body
        .get("topic")
        .and_then(Value::as_str)
        .is_some_and(|t| t.chars().count() > validate::TOPIC_MAX)
    {
        return Err(ApiError::form(
            &["topic".into()],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 1024 or fewer in length.",
        ));
    }
    let new_parent = match body.get("parent_id") {
        Some(p) => Some(checked_parent(w, ch, guild, p)?),
        None => None,
    };
    let mut new_overwrites = None;
    if let Some(v) = body.get("permission_overwrites").filter(|v| !v.is_null()) {
        if perms & bits::MANAGE_ROLES == 0 {
            return Err(ApiError::missing_permissions());
        }
        let list = parse_overwrites(v)?;
        check_overwrites(w, guild, &list, &modify_granter(w, ch))?;
        new_overwrites = Some(list);
    }
    let Some(ch) = w.channels.get_mut(&c) else {
        return Err(ApiError::unknown_channel());
    };
    if let Some(n) = body.get("name").and_then(Value::as_str) {
        ch.name = channel_display_name(n, ch.kind);
    }
    match body.get("topic") {
        Some(Value::Null) => ch.topic = None,
        Some(Value::String(t)) => ch.topic = Some(t.clone()),
        _ => {}
    }
    if let Some(p) = body.get("position").and_then(Value::as_i64) {
        ch.position = p;
    }
    if let Some(n) = body.get("nsfw").and_then(Value::as_bool) {
        ch.nsfw = n;
    }
    if let Some(p) = new_parent {
        ch.parent_id = p;
        // Discord syncs a moved channel's overwrites with its new category when asked to.
        if body.get("lock_permissions").and_then(Value::as_bool) == Some(true)
            && let Some(p) = p
        {
            let parent = w.channels.get(&p).map(|pc| pc.overwrites.clone());
            if let (Some(ow), Some(ch)) = (parent, w.channels.get_mut(&c)) {
                ch.overwrites = ow;
            }
        }
    }
    if let Some(list) = new_overwrites
        && let Some(ch) = w.channels.get_mut(&c)
    {
        ch.overwrites = list;
    }
    channel_updated(w, c);
    let ch = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    Ok(Reply::ok(w.channel_json(ch)))
}

fn put_overwrite(w: &mut World, body: &Value, c: u64, target: u64) -> R<Reply> {
    let (ch, perms) = bot_guild_channel(w, c)?;
    let guild = ch.guild_id.unwrap_or(0);
    if perms & bits::MANAGE_ROLES == 0 {
        return Err(ApiError::missing_permissions());
    }
    let mut with_id = body.clone();
    if !with_id.is_object() {
        return Err(required("type"));
    }
    with_id["id"] = json!(target.to_string());
    let ow = parse_overwrite(&with_id).ok_or_else(|| required("type"))?;
    check_overwrites(w, guild, std::slice::from_ref(&ow), &modify_granter(w, ch))?;
    if let Some(ch) = w.channels.get_mut(&c) {
        match ch.overwrites.iter_mut().find(|o| o.id == target) {
            Some(existing) => *existing = ow,
            None => ch.overwrites.push(ow),
        }
    }
    channel_updated(w, c);
    Ok(Reply::no_content())
}

// ---- messages -------------------------------------------------------------------------------------

fn list_messages(w: &World, r: &Req, c: u64) -> R<Reply> {
    let (ch, perms) = bot_channel(w, c)?;
    // Discord answers an empty history, not an error, to who may view but not read back.
    if perms & bits::READ_MESSAGE_HISTORY == 0 {
        return Ok(Reply::ok(json!([])));
    }
    let limit: usize = match r.q("limit") {
        None => 50,
        Some(l) => match l.parse() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(ApiError::form(
                    &["limit".into()],
                    "NUMBER_TYPE_MAX",
                    "int value should be less than or equal to 100.",
                ));
            }
        },
    };
    let ids = &ch.messages;
    let slice: &[u64] = if let Some(before) = r.q("before").and_then(|b| b.parse::<u64>().ok()) {
        let end = ids.partition_point(|id| *id < before);
        &ids[end.saturating_sub(limit)..end]
    } else if let Some(after) = r.q("after").and_then(|a| a.parse::<u64>().ok()) {
        let start = ids.partition_point(|id| *id <= after);
        &ids[start..(start + limit).min(ids.len())]
    } else if let Some(around) = r.q("around").and_then(|a| a.parse::<u64>().ok()) {
        let mid = ids.partition_point(|id| *id < around);
        let start = mid.saturating_sub(limit / 2);
        &ids[start..(start + limit).min(ids.len())]
    } else {
        &ids[ids.len().saturating_sub(limit)..]
    };
    let list: Vec<Value> = slice
        .iter()
        .rev()
        .filter_map(|id| w.messages.get(id))
        .map(|m| w.rest_message_json(m))
        .collect();
    Ok(Reply::ok(json!(list)))
}

/// `GET /channels/{id}/messages/pins`: newest pin first, `before` a pin timestamp, 1–50 a page.
fn list_pins(w: &World, r: &Req, c: u64) -> R<Reply> {
    let (ch, perms) = bot_channel(w, c)?;
    let limit: usize = match r.q("limit").map(str::parse) {
        None => 50,
        Some(Ok(n)) if (1..=50).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::form(
                &["limit".into()],
                "NUMBER_TYPE_MAX",
                "int value should be less than or equal to 50.",
            ));
        }
    };
    if perms & bits::READ_MESSAGE_HISTORY == 0 {
        return Ok(Reply::ok(json!({"items": [], "has_more": false})));
    }
    let pins: Vec<(&str, &Message)> = pins_newest_first(w, ch)
        .into_iter()
        .filter(|(at, _)| r.q("before").is_none_or(|b| *at < b))
        .collect();
    let has_more = pins.len() > limit;
    let items: Vec<Value> = pins
        .iter()
        .take(limit)
        .map(|(at, m)| json!({"pinned_at": at, "message": w.rest_message_json(m)}))
        .collect();
    Ok(Reply::ok(json!({"items": items, "has_more": has_more})))
}

fn pins_newest_first<'w>(w: &'w World, ch: &Channel) -> Vec<(&'w str, &'w Message)> {
    let mut pins: Vec<(&str, &Message)> = ch
        .messages
        .iter()
        .filter_map(|id| w.messages.get(id))
        .filter_map(|m| m.pinned_at.as_deref().map(|at| (at, m)))
        .collect();
    pins.sort_by(|a, b| b.0.cmp(a.0));
    pins
}

/// `GET /channels/{id}/pins`, the route before paging: a bare array of messages, newest pin
/// first; like its successor it shows at most 50.
fn list_pins_deprecated(w: &World, c: u64) -> R<Reply> {
    let (ch, perms) = bot_channel(w, c)?;
    if perms & bits::READ_MESSAGE_HISTORY == 0 {
        return Ok(Reply::ok(json!([])));
    }
    let list: Vec<Value> = pins_newest_first(w, ch)
        .into_iter()
        .take(50)
        .map(|(_, m)| w.rest_message_json(m))
        .collect();
    Ok(Reply::ok(json!(list)))
}

/// Pin (`PUT`) or unpin (`DELETE`) as the bot: 204, also when it already was so.
fn set_pin(w: &mut World, c: u64, m: u64, pin: bool) -> R<Reply> {
    let (ch, perms) = bot_channel(w, c)?;
    let in_guild = ch.guild_id.is_some();
    let msg = channel_message(w, c, m)?;
    let already = msg.pinned_at.is_some();
    permissions::pin_check(pin, in_guild, perms, msg.kind, already, w.pin_count(c))?;
    let app = w.app_id;
    w.set_pinned(m, app, pin);
    Ok(Reply::no_content())
}

fn message_reply(w: &World, m: u64) -> R<Reply> {
    let msg = w.messages.get(&m).ok_or_else(ApiError::unknown_message)?;
    Ok(Reply::ok(w.rest_message_json(msg)))
}

fn create_message(w: &mut World, r: &Req, c: u64) -> R<Reply> {
    let (ch, perms) = bot_channel(w, c)?;
    if perms & permissions::send_bit(ch.thread.is_some()) == 0 {
        return Err(ApiError::missing_permissions());
    }
    if let Some(refused) = threads::post_refusal(w, ch) {
        return Err(refused);
    }
    if !r.files.is_empty() && perms & bits::ATTACH_FILES == 0 {
        return Err(ApiError::missing_permissions());
    }
    if let Some(recipient) = ch.recipient {
        // Discord delivers a bot's DM only to someone sharing a guild with it.
        let open = w
            .users
            .get(&recipient)
            .is_some_and(|u| u.dms_open && !u.bot)
            && w.shares_guild_with_bot(recipient);
        if !open {
            return Err(ApiError::cannot_dm());
        }
    }
    // `enforce_nonce`: a retried create answers the message the first try made.
    let nonce_key = (r.body.get("enforce_nonce").and_then(Value::as_bool) == Some(true))
        .then(|| match r.body.get("nonce") {
            Some(Value::String(n)) => Some(n.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .flatten()
        .map(|nonce| (c, w.app_id, nonce));
    if let Some(key) = &nonce_key
        && let Some(&existing) = w.nonces.get(key)
        && w.messages.contains_key(&existing)
    {
        return message_reply(w, existing);
    }
    let body = embeds_as_permitted(&r.body, &r.files, perms, "")?;
    let mut msg = w.blank_message(c, w.app_id);
    fill_message(w, &mut msg, &body, &r.files, true)?;
    if let Some(reference) = r.body.get("message_reference")
        && let Some(replied) = reference.get("message_id").and_then(id_of)
    {
        msg.kind = 19;
        msg.reference = Some(Reference {
            kind: 0,
            message_id: replied,
            channel_id: reference.get("channel_id").and_then(id_of).unwrap_or(c),
            guild_id: msg.guild_id,
        });
    }
    threads::unarchive_on_post(w, c);
    let id = w.insert_message(msg);
    if let Some(key) = nonce_key {
        w.nonces.insert(key, id);
    }
    w.dispatch_message("MESSAGE_CREATE", id);
    message_reply(w, id)
}

/// The body with its embeds dropped where the bot lacks EMBED_LINKS and something else carries
/// the message; refused when the embeds were all of it. `kept_content`: an edited message's
/// content, which stays unless the body replaces it.
fn embeds_as_permitted<'a>(
    body: &'a Value,
    files: &[FilePart],
    perms: u64,
    kept_content: &str,
) -> R<std::borrow::Cow<'a, Value>> {
    let non_empty = |k: &str| match body.get(k) {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    let content = body.get("content").is_some() && non_empty("content")
        || body.get("content").is_none() && !kept_content.is_empty();
    let other = content
        || !files.is_empty()
        || ["components", "sticker_ids", "poll"]
            .iter()
            .any(|k| non_empty(k));
    match permissions::embed_links(perms, non_empty("embeds"), other) {
        permissions::EmbedLinks::Keep => Ok(std::borrow::Cow::Borrowed(body)),
        permissions::EmbedLinks::Refuse => Err(ApiError::missing_permissions()),
        permissions::EmbedLinks::Drop => {
            let mut b = body.clone();
            if let Some(o) = b.as_object_mut() {
                o.remove("embeds");
            }
            Ok(std::borrow::Cow::Owned(b))
        }
    }
}

/// Discord's limits on one message's files: how many, and how large each.
fn check_files(files: &[FilePart]) -> R<()> {
    if files.len() > validate::FILES_MAX {
        return Err(ApiError::form(
            &["files".into()],
            "BASE_TYPE_MAX_LENGTH",
            "Must be 10 or fewer in length.",
        ));
    }
    if files.iter().any(|f| f.data.len() > validate::FILE_SIZE_MAX) {
        return Err(ApiError::too_large());
    }
    Ok(())
}

/// Applies a create/edit body to a message after validating it against Discord's limits.
fn fill_message(
    w: &mut World,
    msg: &mut Message,
    body: &Value,
    files: &[FilePart],
    creating: bool,
) -> R<()> {
    let body = if body.is_null() { &json!({}) } else { body };
    validate::message(body)?;
    check_files(files)?;
    let has = |k: &str| match body.get(k) {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    if creating
        && !has("content")
        && !has("embeds")
        && !has("components")
        && files.is_empty()
        && !has("sticker_ids")
        && !has("poll")
    {
        return Err(ApiError::empty_message());
    }
    if let Some(c) = body.get("content") {
        msg.content = c.as_str().unwrap_or_default().to_string();
        let (users, roles, everyone) = mentions(w, msg.guild_id, &msg.content, body);
        msg.mentions = users;
        msg.mention_roles = roles;
        msg.mention_everyone = everyone;
    }
    if let Some(e) = body.get("embeds") {
        msg.embeds = e
            .as_array()
            .map(|list| list.iter().map(super::echo::embed).collect())
            .unwrap_or_default();
    }
    if let Some(c) = body.get("components") {
        msg.components = c.as_array().cloned().unwrap_or_default();
        assign_component_ids(&mut msg.components, &mut 1);
    }
    if let Some(f) = body.get("flags").and_then(Value::as_u64) {
        // Only flags a bot may set are kept (suppress embeds, ephemeral, suppress notifications,
        // components v2); loading and others belong to Discord.
        let settable = (1 << 2) | MESSAGE_FLAG_EPHEMERAL | (1 << 12) | (1 << 15);
        msg.flags = (msg.flags & !settable) | (f & settable);
    }
    // On edit, `attachments` lists what to keep; new files are appended either way.
    if !creating && let Some(keep) = body.get("attachments").and_then(Value::as_array) {
        let keep: Vec<u64> = keep
            .iter()
            .filter_map(|a| a.get("id").and_then(id_of))
            .collect();
        msg.attachments.retain(|a| keep.contains(a));
    }
    let meta: Vec<&Value> = body
        .get("attachments")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    for f in files {
        let id = w.ids.next();
        let described = meta
            .iter()
            .find(|a| a.get("id").and_then(num_of) == Some(f.index as u64));
        let filename = described
            .and_then(|a| a.get("filename").and_then(Value::as_str))
            .unwrap_or(&f.filename)
            .to_string();
        w.attachments.insert(
            id,
            Attachment {
                id,
                channel: msg.channel_id,
                filename,
                content_type: f.content_type.clone(),
                description: described
                    .and_then(|a| a.get("description").and_then(Value::as_str))
                    .map(str::to_string),
                data: Arc::new(f.data.clone()),
            },
        );
        msg.attachments.push(id);
    }
    if !creating {
        msg.edited = Some(now_timestamp());
    }
    Ok(())
}

/// Discord numbers every component of a message (depth first, from 1) unless the bot did, and
/// fills in defaults it echoes back.
fn assign_component_ids(components: &mut [Value], next: &mut u64) {
    for c in components {
        if let Some(obj) = c.as_object_mut() {
            super::echo::component_defaults(obj);
            match obj.get("id").and_then(Value::as_u64) {
                Some(id) => *next = (*next).max(id + 1),
                None => {
                    obj.insert("id".into(), json!(*next));
                    *next += 1;
                }
            }
        }
        for key in ["components", "accessory", "component"] {
            match c.get_mut(key) {
                Some(Value::Array(children)) => assign_component_ids(children, next),
                Some(child @ Value::Object(_)) => {
                    assign_component_ids(std::slice::from_mut(child), next)
                }
                _ => {}
            }
        }
    }
}

/// Users and roles mentioned in `content`, filtered by `allowed_mentions` when given.
fn mentions(
    w: &World,
    guild: Option<u64>,
    content: &str,
    body: &Value,
) -> (Vec<u64>, Vec<u64>, bool) {
    let allowed = body.get("allowed_mentions");
    let parse_has = |what: &str| {
        allowed
            .and_then(|a| a.get("parse"))
            .and_then(Value::as_array)
            .map(|p| p.iter().any(|x| x.as_str() == Some(what)))
    };
    let listed = |key: &str, id: u64| {
        allowed
            .and_then(|a| a.get(key))
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|x| id_of(x) == Some(id)))
    };
    let mut users = Vec::new();
    let mut roles = Vec::new();
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('>') else { break };
        let inner = &rest[..end];
        if let Some(role) = inner.strip_prefix('&').and_then(|r| r.parse::<u64>().ok()) {
            let ok = allowed.is_none() || parse_has("roles") == Some(true) || listed("roles", role);
            let exists = guild
                .and_then(|g| w.guilds.get(&g))
                .is_some_and(|g| g.role(role).is_some());
            if ok && exists && !roles.contains(&role) {
                roles.push(role);
            }
        } else if let Ok(user) = inner.trim_start_matches('!').parse::<u64>() {
            let ok = allowed.is_none() || parse_has("users") == Some(true) || listed("users", user);
            if ok && w.users.contains_key(&user) && !users.contains(&user) {
                users.push(user);
            }
        }
        rest = &rest[end..];
    }
    let everyone = (content.contains("@everyone") || content.contains("@here"))
        && (allowed.is_none() || parse_has("everyone") == Some(true));
    (users, roles, everyone)
}

fn edit_message(w: &mut World, m: u64, body: &Value, files: &[FilePart]) -> R<()> {
    let Some(mut msg) = w.messages.get(&m).cloned() else {
        return Err(ApiError::unknown_message());
    };
    fill_message(w, &mut msg, body, files, false)?;
    msg.flags &= !MESSAGE_FLAG_LOADING;
    let ephemeral = msg.ephemeral_to.is_some();
    w.messages.insert(m, msg);
    if !ephemeral {
        w.dispatch_message("MESSAGE_UPDATE", m);
    }
    Ok(())
}

fn delete_message(w: &mut World, m: u64) {
    if let Some(msg) = w.remove_message(m)
        && msg.ephemeral_to.is_none()
    {
        let mut d = json!({"id": m.to_string(), "channel_id": msg.channel_id.to_string()});
        if let Some(g) = msg.guild_id {
            d["guild_id"] = json!(g.to_string());
        }
        let intent = if msg.guild_id.is_some() {
            super::state::INTENT_GUILD_MESSAGES
        } else {
            super::state::INTENT_DIRECT_MESSAGES
        };
        w.dispatch(msg.guild_id, "MESSAGE_DELETE", &d, intent);
    }
}

// ---- application commands ----------------------------------------------------------------------

fn command_json(w: &World, c: &Value, guild: Option<u64>) -> Value {
    let mut v = c.clone();
    v["application_id"] = json!(w.app_id.to_string());
    if let Some(g) = guild {
        v["guild_id"] = json!(g.to_string());
    }
    v
}

fn normalize_command(w: &mut World, c: &Value, existing: &[Value], i: usize) -> R<Value> {
    let path = |f: &str| vec![i.to_string(), f.to_string()];
    let kind = c.get("type").and_then(Value::as_u64).unwrap_or(1);
    let name = c.get("name").and_then(Value::as_str).unwrap_or("");
    let valid_name = !name.is_empty()
        && name.chars().count() <= 32
        && (kind != 1
            || name
                .chars()
                .all(|ch| ch == '-' || ch == '_' || ch.is_alphanumeric() && !ch.is_uppercase()));
    if !valid_name {
        return Err(ApiError::form(
            &path("name"),
            "APPLICATION_COMMAND_INVALID_NAME",
            "Command name is invalid",
        ));
    }
    let description = c.get("description").and_then(Value::as_str).unwrap_or("");
    if kind == 1 && (description.is_empty() || description.chars().count() > 100) {
        return Err(ApiError::form(
            &path("description"),
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        ));
    }
    if c.get("options")
        .and_then(Value::as_array)
        .is_some_and(|o| o.len() > 25)
    {
        return Err(ApiError::form(
            &path("options"),
            "BASE_TYPE_MAX_LENGTH",
            "Must be 25 or fewer in length.",
        ));
    }
    let id = existing
        .iter()
        .find(|e| {
            e.get("name").and_then(Value::as_str) == Some(name)
                && e.get("type").and_then(Value::as_u64) == Some(kind)
        })
        .and_then(|e| e.get("id").and_then(id_of))
        .unwrap_or_else(|| w.ids.next());
    let mut v = c.clone();
    v["id"] = json!(id.to_string());
    v["version"] = json!(w.ids.next().to_string());
    v["type"] = json!(kind);
    v["description"] = json!(description);
    if v.get("default_member_permissions").is_none() {
        v["default_member_permissions"] = Value::Null;
    } else if let Some(p) = v.get("default_member_permissions").and_then(num_of)
        && !v["default_member_permissions"].is_null()
    {
        v["default_member_permissions"] = json!(p.to_string());
    }
    if v.get("nsfw").is_none() {
        v["nsfw"] = json!(false);
    }
    if v.get("integration_types").is_none() {
        v["integration_types"] = json!([0]);
    }
    if v.get("contexts").is_none() {
        v["contexts"] = Value::Null;
    }
    for k in ["name_localizations", "description_localizations"] {
        if v.get(k).is_none() {
            v[k] = Value::Null;
        }
    }
    Ok(v)
}

fn commands(w: &mut World, r: &Req, rest: &[&str]) -> R<Reply> {
    let m = r.method.as_str();
    let (guild, tail) = match rest {
        ["guilds", g, tail @ ..] => {
            let g = sf(g)?;
            bot_guild(w, g)?;
            (Some(g), tail)
        }
        tail => (None, tail),
    };
    let list = |w: &World| -> Vec<Value> {
        match guild {
            Some(g) => w
                .guilds
                .get(&g)
                .map(|g| g.commands.clone())
                .unwrap_or_default(),
            None => w.global_commands.clone(),
        }
    };
    let store = |w: &mut World, cmds: Vec<Value>| match guild {
        Some(g) => {
            if let Some(g) = w.guilds.get_mut(&g) {
                g.commands = cmds;
            }
        }
        None => w.global_commands = cmds,
    };
    match (m, tail) {
        ("GET", ["commands"]) => {
            let cmds = list(w);
            Ok(Reply::ok(json!(
                cmds.iter()
                    .map(|c| command_json(w, c, guild))
                    .collect::<Vec<_>>()
            )))
        }
        ("PUT", ["commands"]) => {
            let Some(new) = r.body.as_array() else {
                return Err(ApiError::form(&[], "BASE_TYPE_ARRAY", "Must be an array."));
            };
            if new.len() > validate::COMMANDS_MAX {
                return Err(ApiError::max_commands());
            }
            let existing = list(w);
            let mut out = Vec::with_capacity(new.len());
            for (i, c) in new.iter().enumerate() {
                out.push(normalize_command(w, c, &existing, i)?);
            }
            store(w, out.clone());
            Ok(Reply::ok(json!(
                out.iter()
                    .map(|c| command_json(w, c, guild))
                    .collect::<Vec<_>>()
            )))
        }
        ("POST", ["commands"]) => {
            let mut cmds = list(w);
            let c = normalize_command(w, &r.body, &cmds, 0)?;
            let id = c.get("id").and_then(id_of);
            let replaced = cmds.iter().position(|e| e.get("id").and_then(id_of) == id);
            let status = match replaced {
                Some(i) => {
                    cmds[i] = c.clone();
                    StatusCode::OK
                }
                None => {
                    if cmds.len() >= validate::COMMANDS_MAX {
                        return Err(ApiError::max_commands());
                    }
                    cmds.push(c.clone());
                    StatusCode::CREATED
                }
            };
            store(w, cmds);
            Ok(Reply {
                status,
                body: Some(command_json(w, &c, guild)),
            })
        }
        ("GET" | "DELETE", ["commands", id]) => {
            let id = sf(id)?;
            let mut cmds = list(w);
            let pos = cmds
                .iter()
                .position(|c| c.get("id").and_then(id_of) == Some(id))
                .ok_or_else(ApiError::unknown_command)?;
            if m == "GET" {
                return Ok(Reply::ok(command_json(w, &cmds[pos], guild)));
            }
            cmds.remove(pos);
            store(w, cmds);
            Ok(Reply::no_content())
        }
        _ => Err(unknown_route(r)),
    }
}

// ---- interactions -------------------------------------------------------------------------------

/// Who an initial response with a message (type 4, or 5: deferred) answers.
struct Answer {
    channel: u64,
    user: u64,
    kind: InteractionKind,
    deferred: bool,
}

/// The message an initial response creates: the answer itself, or a "thinking" placeholder
/// when deferred; ephemeral ones are seen only by the person.
fn answer_message(
    w: &mut World,
    app_id: u64,
    answer: Answer,
    data: &Value,
    files: &[FilePart],
) -> R<u64> {
    let flags = data.get("flags").and_then(Value::as_u64).unwrap_or(0);
    let mut msg = w.blank_message(answer.channel, app_id);
    msg.webhook_id = Some(app_id);
    msg.kind = if answer.kind == InteractionKind::Command {
        20
    } else {
        19
    };
    if answer.deferred {
        msg.flags = MESSAGE_FLAG_LOADING;
    } else {
        fill_message(w, &mut msg, data, files, true)?;
    }
    if flags & MESSAGE_FLAG_EPHEMERAL != 0 {
        msg.flags |= MESSAGE_FLAG_EPHEMERAL;
        msg.ephemeral_to = Some(answer.user);
    }
    let mid = w.insert_message(msg);
    w.dispatch_message("MESSAGE_CREATE", mid);
    Ok(mid)
}

fn callback(sh: &Shared, w: &mut World, r: &Req, id: u64, token: &str) -> R<Reply> {
    let deadline = sh.config.interaction_deadline;
    let app_id = w.app_id;
    let it = match w.interactions.get_mut(&id) {
        Some(it) if it.token == token => it,
        _ => return Err(ApiError::unknown_interaction()),
    };
    if it.state == InteractionState::Responded {
        return Err(ApiError::already_acknowledged());
    }
    let elapsed = it.created.elapsed();
    if it.state == InteractionState::Failed || elapsed > deadline {
        return Err(ApiError::unknown_interaction());
    }
    let kind = it.kind;
    let (channel, user, source) = (it.channel_id, it.user_id, it.source_message);
    let rtype = r.body.get("type").and_then(Value::as_u64).unwrap_or(0);
    let data = r.body.get("data").cloned().unwrap_or(Value::Null);
    let invalid_type = || {
        ApiError::form(
            &["type".into()],
            "INTERACTION_RESPONSE_TYPE_INVALID",
            "Interaction response type is invalid for this interaction",
        )
    };
    let mut message = None;
    let mut modal = None;
    // An autocomplete interaction takes only choices, and only it takes them.
    if (kind == InteractionKind::Autocomplete) != (rtype == 8) {
        return Err(invalid_type());
    }
    match rtype {
        8 => validate::autocomplete_choices(&data)?,
        4 | 5 => {
            let answer = Answer {
                channel,
                user,
                kind,
                deferred: rtype == 5,
            };
            message = Some(answer_message(w, app_id, answer, &data, &r.files)?);
        }
        6 | 7 => {
            let Some(src) = source else {
                return Err(invalid_type());
            };
            if rtype == 7 {
                edit_message(w, src, &data, &r.files)?;
            }
            message = Some(src);
        }
        9 => {
            if kind == InteractionKind::ModalSubmit {
                return Err(invalid_type());
            }
            validate::modal(&data)?;
            let custom_id = data
                .get("custom_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let guild = w.interactions.get(&id).and_then(|i| i.guild_id);
            w.modals.insert(
                (user, custom_id),
                super::state::OpenModal {
                    modal: data.clone(),
                    guild_id: guild,
                    channel_id: channel,
                    source_message: source,
                },
            );
            modal = Some(data.clone());
        }
        _ => return Err(invalid_type()),
    }
    let Some(it) = w.interactions.get_mut(&id) else {
        return Err(ApiError::unknown_interaction());
    };
    it.state = InteractionState::Responded;
    it.ack_ms = Some(elapsed.as_millis() as u64);
    it.response = Some(json!({"type": rtype, "data": data}));
    it.message = message;
    it.modal = modal;
    it.notify.notify_waiters();
    let itype = match kind {
        InteractionKind::Command => 2,
        InteractionKind::Component => 3,
        InteractionKind::Autocomplete => 4,
        InteractionKind::ModalSubmit => 5,
    };
    if !r.flag("with_response") {
        return Ok(Reply::no_content());
    }
    Ok(Reply::ok(with_response_body(
        w, id, itype, rtype, channel, message,
    )))
}

/// The answer to `?with_response=true`: the interaction, and the message it answered with.
fn with_response_body(
    w: &World,
    id: u64,
    itype: u64,
    rtype: u64,
    channel: u64,
    message: Option<u64>,
) -> Value {
    let mut inter = json!({"id": id.to_string(), "type": itype, "channel_id": channel.to_string()});
    if let Some(g) = w.interactions.get(&id).and_then(|i| i.guild_id) {
        inter["guild_id"] = json!(g.to_string());
    }
    let mut body = json!({"interaction": inter});
    if let Some(mid) = message
        && let Some(msg) = w.messages.get(&mid)
    {
        body["interaction"]["response_message_id"] = json!(mid.to_string());
        body["interaction"]["response_message_loading"] =
            json!(msg.flags & MESSAGE_FLAG_LOADING != 0);
        body["interaction"]["response_message_ephemeral"] = json!(msg.ephemeral_to.is_some());
        // Discord describes the resource only for answers that carry a message.
        if matches!(rtype, 4 | 7) {
            body["resource"] = json!({"type": rtype, "message": w.rest_message_json(msg)});
        }
    }
    body
}

/// Counts a change of what the person sees as the interaction's answer, and wakes whoever waits.
fn answer_changed(w: &mut World, interaction: u64) {
    if let Some(it) = w.interactions.get_mut(&interaction) {
        it.edits += 1;
        it.notify.notify_waiters();
    }
}

fn webhook(w: &mut World, r: &Req, app: u64, token: &str, rest: &[&str]) -> R<Reply> {
    let iid = interaction_id_from_token(token).ok_or_else(ApiError::unknown_webhook)?;
    let (original, followups, responded, created, user) = match w.interactions.get(&iid) {
        Some(it) if it.token == token && app == w.app_id => (
            it.message,
            it.followups.clone(),
            it.state == InteractionState::Responded,
            it.created,
            it.user_id,
        ),
        _ => return Err(ApiError::unknown_webhook()),
    };
    if created.elapsed() > TOKEN_LIFETIME {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            50027,
            "Invalid Webhook Token",
        ));
    }
    if !responded {
        return Err(ApiError::unknown_webhook());
    }
    let target = |which: &str| -> R<u64> {
        if which == "@original" {
            return original.ok_or_else(ApiError::unknown_message);
        }
        let id = sf(which)?;
        if Some(id) == original || followups.contains(&id) {
            Ok(id)
        } else {
            Err(ApiError::unknown_message())
        }
    };
    match (r.method.as_str(), rest) {
        ("POST", []) => {
            let flags = r.body.get("flags").and_then(Value::as_u64).unwrap_or(0);
            // The first follow-up after a deferred answer replaces the loading message.
            if let Some(orig) = original
                && w.messages
                    .get(&orig)
                    .is_some_and(|m| m.flags & MESSAGE_FLAG_LOADING != 0)
            {
                edit_message(w, orig, &r.body, &r.files)?;
                answer_changed(w, iid);
                return message_reply(w, orig);
            }
            let channel = w
                .interactions
                .get(&iid)
                .map(|i| i.channel_id)
                .ok_or_else(ApiError::unknown_webhook)?;
            let mut msg = w.blank_message(channel, w.app_id);
            msg.webhook_id = Some(w.app_id);
            fill_message(w, &mut msg, &r.body, &r.files, true)?;
            if flags & MESSAGE_FLAG_EPHEMERAL != 0 {
                msg.flags |= MESSAGE_FLAG_EPHEMERAL;
                msg.ephemeral_to = Some(user);
            }
            let mid = w.insert_message(msg);
            w.dispatch_message("MESSAGE_CREATE", mid);
            if let Some(it) = w.interactions.get_mut(&iid) {
                it.followups.push(mid);
            }
            answer_changed(w, iid);
            message_reply(w, mid)
        }
        ("GET", ["messages", which]) => {
            let m = target(which)?;
            message_reply(w, m)
        }
        ("PATCH", ["messages", which]) => {
            let m = target(which)?;
            edit_message(w, m, &r.body, &r.files)?;
            answer_changed(w, iid);
            message_reply(w, m)
        }
        ("DELETE", ["messages", which]) => {
            let m = target(which)?;
            if !w.messages.contains_key(&m) {
                return Err(ApiError::unknown_message());
            }
            delete_message(w, m);
            Ok(Reply::no_content())
        }
        _ => Err(unknown_route(r)),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &Some(self.body()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_keys_hide_ids_and_tokens() {
        let segs = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
        let (k, g, major, auth) = classify(&Method::POST, &segs("channels/123/messages"));
        assert_eq!(k, "POST /channels/{id}/messages");
        assert_eq!(g, RouteGroup::MessageCreate);
        assert_eq!(major, 123);
        assert!(auth);
        let (k, _, _, auth) = classify(
            &Method::POST,
            &segs("interactions/5/aW50ZXJhY3Rpb24_5_abc/callback"),
        );
        assert_eq!(k, "POST /interactions/{id}/{token}/callback");
        assert!(!auth);
    }

    #[test]
    fn an_unserved_route_is_discords_404_and_logged_with_method_and_route() {
        #[derive(Clone, Default)]
        struct Buf(Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let segs: Vec<String> = ["channels", "7", "typing"].map(String::from).into();
        let r = Req {
            method: Method::POST,
            key: classify(&Method::POST, &segs).0,
            segs,
            query: HashMap::new(),
            body: Value::Null,
            files: Vec::new(),
        };
        let e = tracing::subscriber::with_default(subscriber, || unknown_route(&r));
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(e.body(), json!({"message": "404: Not Found", "code": 0}));
        let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("WARN"), "{log}");
        assert!(log.contains("method=POST"), "{log}");
        assert!(log.contains("route=POST /channels/{id}/typing"), "{log}");
    }

    #[test]
    fn the_bots_guilds_page_by_id_with_its_permissions() {
        let mut w = World::new("http://sim".into());
        let guilds: Vec<u64> = (0..3)
            .map(|i| w.create_guild(&format!("g{i}"), None).0)
            .collect();
        let get = |query: &[(&str, &str)]| {
            let segs: Vec<String> = ["users", "@me", "guilds"].map(String::from).into();
            let r = Req {
                method: Method::GET,
                key: classify(&Method::GET, &segs).0,
                segs,
                query: query
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body: Value::Null,
                files: Vec::new(),
            };
            my_guilds(&w, &r)
        };
        let all = get(&[]).unwrap().body.expect("a JSON body");
        assert_eq!(all.as_array().map(Vec::len), Some(3));
        assert_eq!(all[0]["owner"], false);
        // The bot's managed role: what a ticket bot needs, on top of @everyone.
        let perms: u64 = all[0]["permissions"].as_str().unwrap().parse().unwrap();
        assert_eq!(perms, bits::BOT_ROLE | bits::EVERYONE_DEFAULT);
        let after = guilds[0].to_string();
        let page = get(&[("after", after.as_str()), ("limit", "1")])
            .unwrap()
            .body
            .expect("a JSON body");
        assert_eq!(page[0]["id"], guilds[1].to_string());
        assert_eq!(page.as_array().map(Vec::len), Some(1));
        let Err(refused) = get(&[("limit", "201")]) else {
            panic!("a limit over 200 is refused");
        };
        assert_eq!(refused.body()["code"], 50035);
    }

    #[test]
    fn percent_decoding_handles_original() {
        assert_eq!(percent_decode("%40original"), "@original");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
