//! The control API (`/_sim/...`): people acting (commands, clicks, modal submits, messages) as
//! Discord's client would let them, world building, inspection, faults and stats.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::permissions::{self, bits};
use super::state::{
    Attachment, DEFAULT_LOCALE, Interaction, InteractionKind, InteractionState, LOCALES, Member,
    Reference, Role, World, id_of, now_timestamp, num_of, parse_overwrite, remaining,
};
use super::threads;
use super::{Faults, Shared, gateway, lock};

type Answer = Result<Json<Value>, ApiError>;

fn refused(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError::new(status, 0, message)
}

fn bad(message: impl Into<String>) -> ApiError {
    refused(StatusCode::BAD_REQUEST, message)
}

fn id_param(s: &str) -> Result<u64, ApiError> {
    s.parse().map_err(|_| bad(format!("not a snowflake: {s}")))
}

fn field_id(body: &Value, key: &str) -> Result<u64, ApiError> {
    body.get(key)
        .and_then(id_of)
        .ok_or_else(|| bad(format!("missing or invalid {key}")))
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/guilds", post(create_guild))
        .route("/_sim/guilds/{g}", patch(patch_guild))
        .route("/_sim/guilds/{g}/roles", post(post_role))
        .route(
            "/_sim/guilds/{g}/roles/{r}",
            patch(patch_role).delete(delete_role),
        )
        .route("/_sim/guilds/{g}/members", post(post_member))
        .route("/_sim/guilds/{g}/members/{u}", delete(delete_member))
        .route(
            "/_sim/guilds/{g}/channels",
            post(post_channel).get(get_channels),
        )
        .route(
            "/_sim/channels/{c}",
            delete(delete_channel).get(get_channel).patch(patch_channel),
        )
        .route(
            "/_sim/channels/{c}/messages",
            post(post_message).get(get_messages),
        )
        .route("/_sim/channels/{c}/messages/{m}", patch(patch_message))
        .route("/_sim/channels/{c}/pins/{m}", post(post_pin))
        .route("/_sim/channels/{c}/threads", post(post_thread))
        .route(
            "/_sim/channels/{c}/thread-members/{u}",
            axum::routing::put(put_thread_member).delete(delete_thread_member),
        )
        .route("/_sim/users/{u}", patch(patch_user))
        .route("/_sim/channels/{c}/permissions/{u}", get(get_permissions))
        .route("/_sim/interactions", post(post_interaction))
        .route("/_sim/interactions/batch", post(post_interaction_batch))
        .route(
            "/_sim/interactions/outcomes",
            post(post_interaction_outcomes),
        )
        .route("/_sim/interactions/{id}", get(get_interaction))
        .route("/_sim/attachments/{id}", get(get_attachment))
        .route("/_sim/users/{u}/dms", get(get_dms))
        .route("/_sim/faults", post(post_faults).get(get_faults))
        .route("/_sim/stats", get(get_stats))
        .route(
            "/_sim/application",
            post(post_application).get(get_application),
        )
        .route("/_sim/gateway/reconnect", post(post_reconnect))
        .route("/_sim/gateway/invalidate", post(post_invalidate))
        .merge(gateway_routes())
}

async fn create_guild(State(sh): State<Arc<Shared>>, Json(body): Json<Value>) -> Answer {
    let name = body.get("name").and_then(Value::as_str).unwrap_or("Guild");
    let owner = body.get("owner_id").and_then(id_of);
    let locale = locale_field(&body, "preferred_locale")?;
    let mut w = sh.world();
    if let Some(o) = owner
        && !w.users.contains_key(&o)
    {
        return Err(ApiError::unknown_user());
    }
    let (g, owner_id, bot_role) = w.create_guild_in(name, owner, &locale);
    Ok(Json(json!({
        "guild_id": g.to_string(),
        "owner_id": owner_id.to_string(),
        "everyone_role_id": g.to_string(),
        "bot_role_id": bot_role.to_string(),
    })))
}

/// An admin changes the server's primary language; dispatches `GUILD_UPDATE`.
async fn patch_guild(
    State(sh): State<Arc<Shared>>,
    Path(g): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let g = id_param(&g)?;
    if body.get("preferred_locale").is_none() {
        return Err(bad("missing preferred_locale"));
    }
    let locale = locale_field(&body, "preferred_locale")?;
    let mut w = sh.world();
    let guild = w.guilds.get_mut(&g).ok_or_else(ApiError::unknown_guild)?;
    guild.preferred_locale = locale;
    let payload = w
        .guilds
        .get(&g)
        .map(|g| w.guild_json(g))
        .unwrap_or_default();
    w.dispatch(
        Some(g),
        "GUILD_UPDATE",
        &payload,
        super::state::INTENT_GUILDS,
    );
    Ok(Json(payload))
}

pub(crate) fn create_role(
    w: &mut World,
    g: u64,
    name: &str,
    perms: u64,
    color: u32,
) -> Result<u64, ApiError> {
    let id = w.ids.next();
    let guild = w.guilds.get_mut(&g).ok_or_else(ApiError::unknown_guild)?;
    let position = guild.roles.len() as i64;
    guild.roles.push(Role {
        id,
        name: name.to_string(),
        permissions: perms,
        position,
        managed: false,
        bot_id: None,
        color,
    });
    let role = guild
        .roles
        .last()
        .map(World::role_json)
        .unwrap_or(Value::Null);
    w.dispatch(
        Some(g),
        "GUILD_ROLE_CREATE",
        &json!({"guild_id": g.to_string(), "role": role}),
        super::state::INTENT_GUILDS,
    );
    Ok(id)
}

async fn post_role(
    State(sh): State<Arc<Shared>>,
    Path(g): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let g = id_param(&g)?;
    let name = body.get("name").and_then(Value::as_str).unwrap_or("role");
    let perms = body.get("permissions").and_then(num_of).unwrap_or(0);
    let color = body.get("color").and_then(num_of).unwrap_or(0) as u32;
    let id = create_role(&mut sh.world(), g, name, perms, color)?;
    Ok(Json(json!({"role_id": id.to_string()})))
}

async fn patch_role(
    State(sh): State<Arc<Shared>>,
    Path((g, r)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Answer {
    let (g, r) = (id_param(&g)?, id_param(&r)?);
    let perms = body
        .get("permissions")
        .and_then(num_of)
        .ok_or_else(|| bad("missing permissions"))?;
    let mut w = sh.world();
    let guild = w.guilds.get_mut(&g).ok_or_else(ApiError::unknown_guild)?;
    let role = guild
        .roles
        .iter_mut()
        .find(|x| x.id == r)
        .ok_or_else(ApiError::unknown_role)?;
    role.permissions = perms;
    let payload = json!({"guild_id": g.to_string(), "role": World::role_json(role)});
    w.dispatch(
        Some(g),
        "GUILD_ROLE_UPDATE",
        &payload,
        super::state::INTENT_GUILDS,
    );
    Ok(Json(json!({"role_id": r.to_string()})))
}

/// An admin deletes a role, as in Discord: members lose it, channel overwrites naming it go
/// with it, and `GUILD_ROLE_DELETE` is dispatched. @everyone and managed roles cannot be deleted.
async fn delete_role(
    State(sh): State<Arc<Shared>>,
    Path((g, r)): Path<(String, String)>,
) -> Answer {
    let (g, r) = (id_param(&g)?, id_param(&r)?);
    let mut w = sh.world();
    let guild = w.guilds.get_mut(&g).ok_or_else(ApiError::unknown_guild)?;
    let index = guild
        .roles
        .iter()
        .position(|x| x.id == r)
        .ok_or_else(ApiError::unknown_role)?;
    if r == g || guild.roles[index].managed {
        return Err(bad("@everyone and managed roles cannot be deleted"));
    }
    guild.roles.remove(index);
    for member in guild.members.values_mut() {
        member.roles.retain(|x| *x != r);
    }
    let channel_ids = guild.channels.clone();
    for c in channel_ids {
        if let Some(channel) = w.channels.get_mut(&c) {
            channel.overwrites.retain(|o| o.id != r);
        }
    }
    let payload = json!({"guild_id": g.to_string(), "role_id": r.to_string()});
    w.dispatch(
        Some(g),
        "GUILD_ROLE_DELETE",
        &payload,
        super::state::INTENT_GUILDS,
    );
    Ok(Json(json!({})))
}

pub(crate) fn add_member(
    w: &mut World,
    g: u64,
    username: &str,
    roles: &[u64],
    bot: bool,
    dms_open: bool,
) -> Result<u64, ApiError> {
    let guild = w.guilds.get(&g).ok_or_else(ApiError::unknown_guild)?;
    if let Some(r) = roles.iter().find(|r| guild.role(**r).is_none()) {
        return Err(bad(format!("unknown role {r}")));
    }
    let id = w.add_user(username, bot, dms_open);
    let member = Member {
        user_id: id,
        roles: roles.iter().copied().filter(|r| *r != g).collect(),
        joined_at: now_timestamp(),
    };
    let mut payload = w.member_json(&member, true);
    payload["guild_id"] = json!(g.to_string());
    if let Some(guild) = w.guilds.get_mut(&g) {
        guild.members.insert(id, member);
    }
    w.dispatch(
        Some(g),
        "GUILD_MEMBER_ADD",
        &payload,
        super::state::INTENT_GUILD_MEMBERS,
    );
    Ok(id)
}

async fn post_member(
    State(sh): State<Arc<Shared>>,
    Path(g): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let g = id_param(&g)?;
    let username = body
        .get("username")
        .and_then(Value::as_str)
        .unwrap_or("member");
    let roles: Vec<u64> = body
        .get("roles")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(id_of).collect())
        .unwrap_or_default();
    let bot = body.get("bot").and_then(Value::as_bool).unwrap_or(false);
    let dms_open = body
        .get("dms_open")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let id = add_member(&mut sh.world(), g, username, &roles, bot, dms_open)?;
    Ok(Json(json!({"user_id": id.to_string()})))
}

async fn delete_member(
    State(sh): State<Arc<Shared>>,
    Path((g, u)): Path<(String, String)>,
) -> Answer {
    let (g, u) = (id_param(&g)?, id_param(&u)?);
    let mut w = sh.world();
    let guild = w.guilds.get_mut(&g).ok_or_else(ApiError::unknown_guild)?;
    if u == guild.owner_id {
        return Err(bad("the owner cannot leave their guild"));
    }
    guild
        .members
        .remove(&u)
        .ok_or_else(ApiError::unknown_member)?;
    let payload = json!({"guild_id": g.to_string(), "user": w.user_json(u)});
    w.dispatch(
        Some(g),
        "GUILD_MEMBER_REMOVE",
        &payload,
        super::state::INTENT_GUILD_MEMBERS,
    );
    Ok(Json(json!({})))
}

async fn post_channel(
    State(sh): State<Arc<Shared>>,
    Path(g): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let g = id_param(&g)?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("channel");
    let kind = body.get("type").and_then(num_of).unwrap_or(0) as u8;
    let parent = body.get("parent_id").and_then(id_of);
    let topic = body
        .get("topic")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut w = sh.world();
    if !w.guilds.contains_key(&g) {
        return Err(ApiError::unknown_guild());
    }
    if let Some(p) = parent
        && !w
            .channels
            .get(&p)
            .is_some_and(|c| c.kind == 4 && c.guild_id == Some(g))
    {
        return Err(bad("parent_id is not a category of this guild"));
    }
    let overwrites = match body.get("permission_overwrites").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|o| parse_overwrite(o).ok_or_else(|| bad("invalid permission overwrite")))
            .collect::<Result<Vec<_>, _>>()?,
        None => parent
            .and_then(|p| w.channels.get(&p))
            .map(|c| c.overwrites.clone())
            .unwrap_or_default(),
    };
    let id = w.new_channel(g, name, kind, parent, topic, overwrites);
    Ok(Json(json!({"channel_id": id.to_string()})))
}

async fn get_channels(State(sh): State<Arc<Shared>>, Path(g): Path<String>) -> Answer {
    let g = id_param(&g)?;
    let w = sh.world();
    let guild = w.guilds.get(&g).ok_or_else(ApiError::unknown_guild)?;
    let list: Vec<Value> = guild
        .channels
        .iter()
        .filter_map(|c| w.channels.get(c))
        .map(|c| w.channel_json(c))
        .collect();
    Ok(Json(json!(list)))
}

/// Any channel as Discord shows it, threads included (with `thread_metadata`), whoever may
/// see it: the test's view of the world.
async fn get_channel(State(sh): State<Arc<Shared>>, Path(c): Path<String>) -> Answer {
    let c = id_param(&c)?;
    let w = sh.world();
    let channel = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    Ok(Json(w.channel_json(channel)))
}

/// `{"name"?, "topic"?}`: a person edits a channel.
async fn patch_channel(
    State(sh): State<Arc<Shared>>,
    Path(c): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let c = id_param(&c)?;
    let v = sh
        .world()
        .edit_channel(
            c,
            body.get("name").and_then(Value::as_str),
            body.get("topic").and_then(Value::as_str),
        )
        .ok_or_else(ApiError::unknown_channel)?;
    Ok(Json(v))
}

/// A person deletes a channel or thread. A thread the bot could see is announced with
/// THREAD_DELETE, as Discord does (a channel's CHANNEL_DELETE is sent by `World`).
async fn delete_channel(State(sh): State<Arc<Shared>>, Path(c): Path<String>) -> Answer {
    let c = id_param(&c)?;
    let mut w = sh.world();
    let thread_gone = w
        .channels
        .get(&c)
        .filter(|ch| ch.thread.is_some())
        .map(|ch| {
            let bot_saw = w.permissions_in(ch, w.app_id) & bits::VIEW_CHANNEL != 0;
            let gone = json!({
                "id": c.to_string(),
                "guild_id": ch.guild_id.map(|g| g.to_string()),
                "parent_id": ch.parent_id.map(|p| p.to_string()),
                "type": ch.kind,
            });
            (bot_saw, ch.guild_id, gone)
        });
    let v = w.delete_channel(c).ok_or_else(ApiError::unknown_channel)?;
    if let Some((true, guild, gone)) = thread_gone {
        w.dispatch(guild, "THREAD_DELETE", &gone, super::state::INTENT_GUILDS);
    }
    Ok(Json(v))
}

/// Files of a person's message: `[{"filename", "content"}]` (text) or `content_base64`.
fn person_files(body: &Value) -> Vec<(String, Vec<u8>)> {
    use base64::Engine;
    let Some(list) = body.get("attachments").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .map(|a| {
            let name = a
                .get("filename")
                .and_then(Value::as_str)
                .unwrap_or("file.txt")
                .to_string();
            let data = match (a.get("content_base64"), a.get("content")) {
                (Some(Value::String(b)), _) => base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .unwrap_or_default(),
                (_, Some(Value::String(t))) => t.clone().into_bytes(),
                _ => Vec::new(),
            };
            (name, data)
        })
        .collect()
}

/// What a person's message may carry besides content and files: a reply, stickers, a poll, or a
/// forward (which carries nothing else). Shapes are Discord's, as twilight-model 0.18 parses.
fn person_extras(w: &World, msg: &mut super::state::Message, body: &Value) -> Result<(), ApiError> {
    let known = |id: u64| {
        w.messages
            .get(&id)
            .filter(|m| m.ephemeral_to.is_none())
            .ok_or_else(ApiError::unknown_message)
    };
    if let Some(reply) = body.get("reply_to").and_then(id_of) {
        let target = known(reply)?;
        msg.kind = 19;
        msg.reference = Some(Reference {
            kind: 0,
            message_id: reply,
            channel_id: target.channel_id,
            guild_id: target.guild_id,
        });
    }
    if let Some(stickers) = body.get("sticker_items").and_then(Value::as_array) {
        msg.sticker_items = stickers
            .iter()
            .map(|st| {
                let id = st
                    .get("id")
                    .and_then(id_of)
                    .ok_or_else(|| bad("sticker id"))?;
                let name = st.get("name").and_then(Value::as_str).unwrap_or("sticker");
                let format = st.get("format_type").and_then(Value::as_u64).unwrap_or(1);
                Ok(json!({"id": id.to_string(), "name": name, "format_type": format}))
            })
            .collect::<Result<_, ApiError>>()?;
    }
    if let Some(poll) = body.get("poll") {
        msg.poll = Some(poll_json(poll)?);
    }
    if let Some(source) = body.get("forward").and_then(id_of) {
        let target = known(source)?;
        msg.snapshots = vec![w.snapshot_json(target)];
        msg.reference = Some(Reference {
            kind: 1,
            message_id: source,
            channel_id: target.channel_id,
            guild_id: target.guild_id,
        });
        msg.content.clear();
    }
    Ok(())
}

/// A poll as Discord answers it, from `{"question": "…", "answers": ["…"], "duration"?: hours,
/// "allow_multiselect"?: bool}`; nobody has voted yet.
fn poll_json(poll: &Value) -> Result<Value, ApiError> {
    let question = poll
        .get("question")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("poll.question: text"))?;
    let answers: Vec<&str> = poll
        .get("answers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if answers.is_empty() || answers.len() > 10 {
        return Err(bad("poll.answers: 1 to 10 texts"));
    }
    let hours = poll.get("duration").and_then(Value::as_u64).unwrap_or(24);
    let expiry = super::state::timestamp_ms(
        super::state::Snowflakes::now_ms() + super::state::DISCORD_EPOCH_MS + hours * 3_600_000,
    );
    Ok(json!({
        "question": {"text": question},
        "answers": answers.iter().enumerate().map(|(i, a)| json!({
            "answer_id": i + 1, "poll_media": {"text": a}})).collect::<Vec<_>>(),
        "expiry": expiry,
        "allow_multiselect": poll.get("allow_multiselect").and_then(Value::as_bool).unwrap_or(false),
        "layout_type": 1,
        "results": {
            "is_finalized": false,
            "answer_counts": (1..=answers.len()).map(|i| json!({
                "id": i, "count": 0, "me_voted": false})).collect::<Vec<_>>(),
        },
    }))
}

/// May `user` post in channel `c`? (With files, Attach Files too.)
fn may_post(w: &World, c: u64, user: u64, files: bool) -> Result<(), ApiError> {
    let ch = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    let perms = w.permissions_in(ch, user);
    if perms & bits::VIEW_CHANNEL == 0 {
        return Err(ApiError::missing_access());
    }
    let send = permissions::send_bit(ch.thread.is_some());
    if perms & send == 0 || (files && perms & bits::ATTACH_FILES == 0) {
        return Err(ApiError::missing_permissions());
    }
    if let Some(refused) = threads::post_refusal(w, ch) {
        return Err(refused);
    }
    Ok(())
}

/// A person creates a thread in channel `c` (from `message_id` when given), as the REST route
/// checks the bot. Answers the thread channel object.
async fn post_thread(
    State(sh): State<Arc<Shared>>,
    Path(c): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let c = id_param(&c)?;
    let user = field_id(&body, "user_id")?;
    let message = body.get("message_id").and_then(id_of);
    let mut w = sh.world();
    let t = threads::create(&mut w, user, c, message, &body)?;
    let ch = w.channels.get(&t).ok_or_else(ApiError::unknown_channel)?;
    Ok(Json(w.channel_json(ch)))
}

#[derive(Deserialize)]
struct ByQuery {
    by: Option<String>,
}

/// `u` joins thread `c`, or is added by `?by=` (who must be allowed to add them).
async fn put_thread_member(
    State(sh): State<Arc<Shared>>,
    Path((c, u)): Path<(String, String)>,
    Query(q): Query<ByQuery>,
) -> Answer {
    let (c, u) = (id_param(&c)?, id_param(&u)?);
    let by = q.by.as_deref().map(id_param).transpose()?.unwrap_or(u);
    threads::add_member(&mut sh.world(), c, by, u)?;
    Ok(Json(json!({})))
}

/// `u` leaves thread `c`, or is removed by `?by=`.
async fn delete_thread_member(
    State(sh): State<Arc<Shared>>,
    Path((c, u)): Path<(String, String)>,
    Query(q): Query<ByQuery>,
) -> Answer {
    let (c, u) = (id_param(&c)?, id_param(&u)?);
    let by = q.by.as_deref().map(id_param).transpose()?.unwrap_or(u);
    threads::remove_member(&mut sh.world(), c, by, u)?;
    Ok(Json(json!({})))
}

async fn post_message(
    State(sh): State<Arc<Shared>>,
    Path(c): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let c = id_param(&c)?;
    let user = field_id(&body, "user_id")?;
    let content = body
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let files = person_files(&body);
    let carries_more = ["sticker_items", "poll", "forward"]
        .iter()
        .any(|k| body.get(*k).is_some_and(|v| !v.is_null()));
    if content.is_empty() && files.is_empty() && !carries_more {
        return Err(ApiError::empty_message());
    }
    if content.chars().count() > super::validate::CONTENT_MAX {
        return Err(bad("content over 2000 characters"));
    }
    let mut w = sh.world();
    may_post(&w, c, user, !files.is_empty())?;
    let mut msg = w.blank_message(c, user);
    msg.content = content;
    person_extras(&w, &mut msg, &body)?;
    let guild = msg.guild_id;
    msg.mentions = parse_user_mentions(&w, &msg.content);
    if let Some(g) = guild.and_then(|g| w.guilds.get(&g)) {
        msg.mention_roles = parse_role_mentions(&msg.content)
            .into_iter()
            .filter(|r| g.role(*r).is_some())
            .collect();
    }
    for (filename, data) in files {
        let id = w.ids.next();
        let content_type = super::cdn::content_type_for(&filename);
        w.attachments.insert(
            id,
            Attachment {
                id,
                channel: c,
                filename,
                content_type: content_type.into(),
                description: None,
                data: Arc::new(data),
            },
        );
        msg.attachments.push(id);
    }
    super::threads::unarchive_on_post(&mut w, c);
    let id = w.insert_message(msg);
    w.dispatch_message("MESSAGE_CREATE", id);
    Ok(Json(json!({"message_id": id.to_string()})))
}

/// The author edits their message's content; `edited_timestamp` is set.
async fn patch_message(
    State(sh): State<Arc<Shared>>,
    Path((c, m)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Answer {
    let (c, m) = (id_param(&c)?, id_param(&m)?);
    let user = field_id(&body, "user_id")?;
    let content = body
        .get("content")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("content: the new text"))?;
    if content.chars().count() > super::validate::CONTENT_MAX {
        return Err(bad("content over 2000 characters"));
    }
    let mut w = sh.world();
    let mentions = parse_user_mentions(&w, content);
    let msg = w
        .messages
        .get_mut(&m)
        .filter(|msg| msg.channel_id == c && msg.ephemeral_to.is_none())
        .ok_or_else(ApiError::unknown_message)?;
    if msg.author_id != user {
        return Err(ApiError::not_author());
    }
    msg.content = content.to_string();
    msg.mentions = mentions;
    msg.edited = Some(now_timestamp());
    w.dispatch_message("MESSAGE_UPDATE", m);
    Ok(Json(json!({"message_id": m.to_string()})))
}

/// A person pins a message: it gets `pinned: true` and the channel a "pinned a message" system
/// message (type 6) by them, referencing it.
async fn post_pin(
    State(sh): State<Arc<Shared>>,
    Path((c, m)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Answer {
    let (c, m) = (id_param(&c)?, id_param(&m)?);
    let user = field_id(&body, "user_id")?;
    let mut w = sh.world();
    let ch = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    let perms = w.permissions_in(ch, user);
    let in_guild = ch.guild_id.is_some();
    let target = w
        .messages
        .get(&m)
        .filter(|msg| msg.channel_id == c && msg.ephemeral_to.is_none())
        .ok_or_else(ApiError::unknown_message)?;
    let already = target.pinned_at.is_some();
    permissions::pin_check(true, in_guild, perms, target.kind, already, w.pin_count(c))?;
    let id = w.set_pinned(m, user, true);
    Ok(Json(json!({"message_id": id.map(|id| id.to_string())})))
}

/// Sets a user's avatar hash (`a_…` for an animated one) or clears it with `null`.
async fn patch_user(
    State(sh): State<Arc<Shared>>,
    Path(u): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let u = id_param(&u)?;
    let avatar = match body.get("avatar") {
        Some(Value::String(h)) if !h.is_empty() => Some(h.clone()),
        Some(Value::Null) => None,
        _ => return Err(bad("avatar: a hash or null")),
    };
    let mut w = sh.world();
    let user = w.users.get_mut(&u).ok_or_else(ApiError::unknown_user)?;
    user.avatar = avatar;
    Ok(Json(w.user_json(u)))
}

fn parse_user_mentions(w: &World, content: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for part in content.split("<@").skip(1) {
        if let Some(end) = part.find('>')
            && let Ok(id) = part[..end].trim_start_matches('!').parse::<u64>()
            && w.users.contains_key(&id)
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

fn parse_role_mentions(content: &str) -> Vec<u64> {
    content
        .split("<@&")
        .skip(1)
        .filter_map(|p| p.split('>').next()?.parse().ok())
        .collect()
}

async fn get_messages(State(sh): State<Arc<Shared>>, Path(c): Path<String>) -> Answer {
    let c = id_param(&c)?;
    let w = sh.world();
    let ch = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    let list: Vec<Value> = ch
        .messages
        .iter()
        .filter_map(|m| w.messages.get(m))
        .map(|m| w.message_json(m))
        .collect();
    Ok(Json(json!(list)))
}

async fn get_permissions(
    State(sh): State<Arc<Shared>>,
    Path((c, u)): Path<(String, String)>,
) -> Answer {
    let (c, u) = (id_param(&c)?, id_param(&u)?);
    let w = sh.world();
    let ch = w.channels.get(&c).ok_or_else(ApiError::unknown_channel)?;
    let p = w.permissions_in(ch, u);
    Ok(Json(json!({
        "view_channel": p & bits::VIEW_CHANNEL != 0,
        "send_messages": p & bits::SEND_MESSAGES != 0,
        "read_message_history": p & bits::READ_MESSAGE_HISTORY != 0,
        "manage_channels": p & bits::MANAGE_CHANNELS != 0,
        "attach_files": p & bits::ATTACH_FILES != 0,
        "send_messages_in_threads": p & bits::SEND_MESSAGES_IN_THREADS != 0,
        "manage_threads": p & bits::MANAGE_THREADS != 0,
        "may_post": p & permissions::send_bit(ch.thread.is_some()) != 0,
        "bits": p.to_string(),
    })))
}

async fn get_attachment(State(sh): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return bad("not a snowflake").into_response();
    };
    let found = sh
        .world()
        .attachments
        .get(&id)
        .map(|a| (a.content_type.clone(), a.data.clone()));
    match found {
        Some((ct, data)) => (
            [(axum::http::header::CONTENT_TYPE, ct)],
            data.as_ref().clone(),
        )
            .into_response(),
        None => refused(StatusCode::NOT_FOUND, "unknown attachment").into_response(),
    }
}

async fn get_dms(State(sh): State<Arc<Shared>>, Path(u): Path<String>) -> Answer {
    let u = id_param(&u)?;
    let w = sh.world();
    let list: Vec<Value> = w
        .dm_channels
        .get(&u)
        .and_then(|c| w.channels.get(c))
        .map(|ch| {
            ch.messages
                .iter()
                .filter_map(|m| w.messages.get(m))
                .filter(|m| m.author_id == w.app_id)
                .map(|m| w.message_json(m))
                .collect()
        })
        .unwrap_or_default();
    Ok(Json(json!(list)))
}

async fn post_faults(State(sh): State<Arc<Shared>>, Json(f): Json<Faults>) -> Answer {
    let drop = f.drop_gateway;
    *lock(&sh.faults) = Faults {
        drop_gateway: false,
        ..f
    };
    let dropped = if drop { gateway::drop_all(&sh) } else { 0 };
    Ok(Json(json!({"dropped_connections": dropped})))
}

async fn get_faults(State(sh): State<Arc<Shared>>) -> Answer {
    Ok(Json(json!(sh.faults_snapshot())))
}

fn application_answer(flags: u64) -> Value {
    let allowed = super::intents::allowed_privileged(flags);
    json!({
        "flags": flags.to_string(),
        "message_content": allowed & super::intents::privileged::MESSAGE_CONTENT != 0,
        "server_members": allowed & super::intents::privileged::GUILD_MEMBERS != 0,
        "presence": allowed & super::intents::privileged::GUILD_PRESENCES != 0,
    })
}

/// Flips the application's privileged-intent switches, as its owner would on the developer
/// portal; live gateway sessions keep the intents they identified with.
async fn post_application(State(sh): State<Arc<Shared>>, Json(body): Json<Value>) -> Answer {
    use super::intents::flags as f;
    let mut w = sh.world();
    if let Some(flags) = body.get("flags") {
        w.app_flags = num_of(flags).ok_or_else(|| bad("flags: an integer"))?;
    }
    let switches = [
        (
            "message_content",
            f::GATEWAY_MESSAGE_CONTENT,
            f::GATEWAY_MESSAGE_CONTENT_LIMITED,
        ),
        (
            "server_members",
            f::GATEWAY_GUILD_MEMBERS,
            f::GATEWAY_GUILD_MEMBERS_LIMITED,
        ),
        ("presence", f::GATEWAY_PRESENCE, f::GATEWAY_PRESENCE_LIMITED),
    ];
    for (key, full, limited) in switches {
        match body.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(true)) => w.app_flags = (w.app_flags & !limited) | full,
            Some(Value::Bool(false)) => w.app_flags &= !(full | limited),
            Some(_) => return Err(bad(format!("{key}: true or false"))),
        }
    }
    Ok(Json(application_answer(w.app_flags)))
}

async fn get_application(State(sh): State<Arc<Shared>>) -> Answer {
    Ok(Json(application_answer(sh.world().app_flags)))
}

async fn get_stats(State(sh): State<Arc<Shared>>) -> Answer {
    Ok(Json(sh.stats_json()))
}

async fn post_reconnect(State(sh): State<Arc<Shared>>) -> Answer {
    Ok(Json(json!({"sessions": gateway::reconnect_all(&sh)})))
}

async fn post_invalidate(State(sh): State<Arc<Shared>>, body: Option<Json<Value>>) -> Answer {
    let resumable = body
        .and_then(|Json(b)| b.get("resumable").and_then(Value::as_bool))
        .unwrap_or(false);
    Ok(Json(
        json!({"sessions": gateway::invalidate_all(&sh, resumable)}),
    ))
}

// ---- interactions -------------------------------------------------------------------------------

/// Where a person acts: guild (optional for DMs), channel, user, and their permissions there.
struct Actor {
    guild_id: Option<u64>,
    channel_id: u64,
    user_id: u64,
    perms: u64,
    /// The person's Discord language, which their interactions carry as `locale`.
    locale: String,
}

/// A locale in `body[key]`, one of Discord's; "en-US" when absent.
fn locale_field(body: &Value, key: &str) -> Result<String, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(DEFAULT_LOCALE.to_owned()),
        Some(Value::String(l)) if LOCALES.contains(&l.as_str()) => Ok(l.clone()),
        Some(other) => Err(bad(format!(
            "{key} is not one of Discord's locales: {other}"
        ))),
    }
}

fn actor(w: &World, body: &Value) -> Result<Actor, ApiError> {
    let channel_id = field_id(body, "channel_id")?;
    let user_id = field_id(body, "user_id")?;
    let ch = w
        .channels
        .get(&channel_id)
        .ok_or_else(ApiError::unknown_channel)?;
    let guild_id = body.get("guild_id").and_then(id_of);
    if ch.guild_id != guild_id && !(guild_id.is_none() && ch.guild_id.is_some()) {
        return Err(bad("channel_id is not in guild_id"));
    }
    if !w.users.contains_key(&user_id) {
        return Err(ApiError::unknown_user());
    }
    if let Some(g) = ch.guild_id
        && !w
            .guilds
            .get(&g)
            .is_some_and(|g| g.members.contains_key(&user_id))
    {
        return Err(ApiError::unknown_member());
    }
    let perms = w.permissions_in(ch, user_id);
    if perms & bits::VIEW_CHANNEL == 0 {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "the user cannot view this channel",
        ));
    }
    Ok(Actor {
        guild_id: ch.guild_id,
        channel_id,
        user_id,
        perms,
        locale: locale_field(body, "locale")?,
    })
}

/// A registered command by name and type (1 slash, 2 user, 3 message: names are unique per type).
fn find_command(w: &World, guild: Option<u64>, name: &str, kind: u64) -> Option<Value> {
    let pick = |list: &[Value]| {
        list.iter()
            .find(|c| {
                c.get("name").and_then(Value::as_str) == Some(name)
                    && c.get("type").and_then(Value::as_u64).unwrap_or(1) == kind
            })
            .cloned()
    };
    guild
        .and_then(|g| w.guilds.get(&g))
        .and_then(|g| pick(&g.commands))
        .or_else(|| pick(&w.global_commands))
}

/// A command's `data` as Discord sends it: a slash command's options, or with `target_id` a
/// context-menu command (user, type 2; message, type 3) and its target resolved.
fn command_data(w: &World, a: &Actor, body: &Value) -> Result<Value, ApiError> {
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("missing name"))?;
    let target = body
        .get("target_id")
        .map(|_| field_id(body, "target_id"))
        .transpose()?;
    let def = match target {
        None => find_command(w, a.guild_id, name, 1),
        Some(_) => {
            find_command(w, a.guild_id, name, 2).or_else(|| find_command(w, a.guild_id, name, 3))
        }
    }
    .ok_or_else(|| {
        refused(
            StatusCode::NOT_FOUND,
            format!("no command {name:?} of that kind is registered"),
        )
    })?;
    if a.perms & bits::USE_APPLICATION_COMMANDS == 0 {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "the user cannot use commands here",
        ));
    }
    if let Some(required) = def.get("default_member_permissions").and_then(num_of)
        && !def["default_member_permissions"].is_null()
        && a.perms & required != required
    {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "the user lacks the command's default_member_permissions",
        ));
    }
    let kind = def.get("type").and_then(Value::as_u64).unwrap_or(1);
    let mut data = json!({
        "id": def.get("id").cloned().unwrap_or(Value::Null),
        "name": name,
        "type": kind,
    });
    if let Some(g) = a.guild_id {
        data["guild_id"] = json!(g.to_string());
    }
    match target {
        Some(t) => {
            data["target_id"] = json!(t.to_string());
            data["resolved"] = context_target(w, a, kind, t)?;
        }
        None => {
            let options = command_options(&def, body.get("options").unwrap_or(&Value::Null))?;
            if let Some(r) = resolved_for(w, a.guild_id, &options) {
                data["resolved"] = r;
            }
            data["options"] = json!(options);
        }
    }
    Ok(data)
}

/// A context-menu command's target as Discord resolves it: the user (and, in a guild, their
/// member), or the message, which must be one the person sees in that channel.
fn context_target(w: &World, a: &Actor, kind: u64, target: u64) -> Result<Value, ApiError> {
    if kind == 3 {
        let msg = w
            .messages
            .get(&target)
            .filter(|m| m.channel_id == a.channel_id)
            .filter(|m| m.ephemeral_to.is_none_or(|u| u == a.user_id))
            .ok_or_else(ApiError::unknown_message)?;
        return Ok(json!({"messages": {target.to_string(): w.message_json(msg)}}));
    }
    if !w.users.contains_key(&target) {
        return Err(ApiError::unknown_user());
    }
    let g = a.guild_id.and_then(|g| w.guilds.get(&g));
    let (mut users, mut members) = (Map::new(), Map::new());
    add_resolved(
        w,
        g,
        6,
        target,
        &mut users,
        &mut members,
        &mut Map::new(),
        &mut Map::new(),
    );
    Ok(resolved_value(users, members, Map::new(), Map::new()).unwrap_or(json!({})))
}

/// An autocomplete interaction's data: the command as typed so far, where exactly one option
/// is `focused` and, as on Discord, that option was registered with `autocomplete: true`.
fn autocomplete_data(w: &World, a: &Actor, body: &Value) -> Result<Value, ApiError> {
    let data = command_data(w, a, body)?;
    let name = body.get("name").and_then(Value::as_str).unwrap_or("");
    let def = find_command(w, a.guild_id, name, 1).unwrap_or(Value::Null);
    // (option as given, its definition) for every option, through subcommands.
    fn walk<'a>(
        given: &'a [Value],
        defs: &'a Value,
        out: &mut Vec<(&'a Value, Option<&'a Value>)>,
    ) {
        for option in given {
            let def = defs
                .get("options")
                .and_then(Value::as_array)
                .and_then(|d| d.iter().find(|d| d.get("name") == option.get("name")));
            out.push((option, def));
            if let (Some(inner), Some(def)) = (option.get("options").and_then(Value::as_array), def)
            {
                walk(inner, def, out);
            }
        }
    }
    let given = data
        .get("options")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut all = Vec::new();
    walk(&given, &def, &mut all);
    let focused: Vec<_> = all
        .iter()
        .filter(|(o, _)| o.get("focused").and_then(Value::as_bool) == Some(true))
        .collect();
    match focused.as_slice() {
        [(_, Some(def))] if def.get("autocomplete").and_then(Value::as_bool) == Some(true) => {
            Ok(data)
        }
        [_] => Err(bad(
            "the focused option was not registered with autocomplete",
        )),
        _ => Err(bad(
            "an autocomplete interaction has exactly one focused option",
        )),
    }
}

/// Turns `{"name": value}` or a list of options into Discord's option list, typed from the
/// registered command's definition when possible.
fn command_options(def: &Value, given: &Value) -> Result<Vec<Value>, ApiError> {
    let defs = def
        .get("options")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let typed = |name: &str, value: &Value| -> Value {
        let declared = defs
            .iter()
            .find(|d| d.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|d| d.get("type").and_then(Value::as_u64));
        let kind = declared.unwrap_or(match value {
            Value::Bool(_) => 5,
            Value::Number(n) if n.is_f64() => 10,
            Value::Number(_) => 4,
            _ => 3,
        });
        let value = match (kind, value) {
            (6..=9, v) => json!(id_of(v).map(|i| i.to_string()).unwrap_or_default()),
            (_, v) => v.clone(),
        };
        json!({"name": name, "type": kind, "value": value})
    };
    match given {
        Value::Null => Ok(Vec::new()),
        Value::Array(list) => Ok(list.clone()),
        Value::Object(map) => Ok(map.iter().map(|(k, v)| typed(k, v)).collect()),
        _ => Err(bad("options must be an object or an array")),
    }
}

fn resolved_for(w: &World, guild: Option<u64>, options: &[Value]) -> Option<Value> {
    let mut users = Map::new();
    let mut members = Map::new();
    let mut roles = Map::new();
    let mut channels = Map::new();
    let g = guild.and_then(|g| w.guilds.get(&g));
    fn walk(v: &[Value], out: &mut Vec<(u64, u64)>) {
        for o in v {
            let kind = o.get("type").and_then(Value::as_u64).unwrap_or(0);
            if let Some(id) = o.get("value").and_then(id_of)
                && matches!(kind, 6..=9)
            {
                out.push((kind, id));
            }
            if let Some(sub) = o.get("options").and_then(Value::as_array) {
                walk(sub, out);
            }
        }
    }
    let mut found = Vec::new();
    walk(options, &mut found);
    for (kind, id) in found {
        add_resolved(
            w,
            g,
            kind,
            id,
            &mut users,
            &mut members,
            &mut roles,
            &mut channels,
        );
    }
    resolved_value(users, members, roles, channels)
}

#[allow(clippy::too_many_arguments)]
fn add_resolved(
    w: &World,
    g: Option<&super::state::Guild>,
    kind: u64,
    id: u64,
    users: &mut Map<String, Value>,
    members: &mut Map<String, Value>,
    roles: &mut Map<String, Value>,
    channels: &mut Map<String, Value>,
) {
    let key = id.to_string();
    // kind: option types 6 user, 7 channel, 8 role, 9 mentionable.
    if matches!(kind, 6 | 9) && w.users.contains_key(&id) {
        users.insert(key.clone(), w.user_json(id));
        if let Some(m) = g.and_then(|g| g.members.get(&id)) {
            let mut mj = w.member_json(m, false);
            mj["permissions"] = json!("0");
            members.insert(key.clone(), mj);
        }
    }
    if matches!(kind, 8 | 9)
        && let Some(r) = g.and_then(|g| g.role(id))
    {
        roles.insert(key.clone(), World::role_json(r));
    }
    if kind == 7
        && let Some(c) = w.channels.get(&id)
    {
        channels.insert(
            key,
            json!({"id": c.id.to_string(), "name": c.name, "type": c.kind,
                "permissions": "0", "parent_id": c.parent_id.map(|p| p.to_string())}),
        );
    }
}

fn resolved_value(
    users: Map<String, Value>,
    members: Map<String, Value>,
    roles: Map<String, Value>,
    channels: Map<String, Value>,
) -> Option<Value> {
    if users.is_empty() && roles.is_empty() && channels.is_empty() {
        return None;
    }
    let mut v = Map::new();
    for (k, m) in [
        ("users", users),
        ("members", members),
        ("roles", roles),
        ("channels", channels),
    ] {
        if !m.is_empty() {
            v.insert(k.into(), Value::Object(m));
        }
    }
    Some(Value::Object(v))
}

/// The INTERACTION_CREATE payload for a person acting in a channel.
fn interaction_payload(
    w: &World,
    id: u64,
    token: &str,
    itype: u8,
    a: &Actor,
    data: Value,
    message: Option<Value>,
) -> Value {
    let ch = w.channels.get(&a.channel_id);
    let bot_perms = ch.map(|c| w.permissions_in(c, w.app_id)).unwrap_or(0);
    let mut v = json!({
        "id": id.to_string(),
        "application_id": w.app_id.to_string(),
        "type": itype,
        "data": data,
        "channel_id": a.channel_id.to_string(),
        "channel": ch.map(|c| w.channel_json(c)),
        "token": token,
        "version": 1,
        "app_permissions": bot_perms.to_string(),
        "locale": a.locale,
        "entitlements": [],
        "attachment_size_limit": super::validate::FILE_SIZE_MAX,
    });
    match a.guild_id.and_then(|g| w.guilds.get(&g)) {
        Some(g) => {
            let mut member = g
                .members
                .get(&a.user_id)
                .map(|m| w.member_json(m, true))
                .unwrap_or(Value::Null);
            member["permissions"] = json!(a.perms.to_string());
            v["guild_id"] = json!(g.id.to_string());
            v["guild"] =
                json!({"id": g.id.to_string(), "locale": g.preferred_locale, "features": []});
            v["guild_locale"] = json!(g.preferred_locale);
            v["member"] = member;
            v["context"] = json!(0);
            v["authorizing_integration_owners"] = json!({"0": g.id.to_string()});
        }
        None => {
            v["user"] = w.user_json(a.user_id);
            v["context"] = json!(1);
            v["authorizing_integration_owners"] = json!({"1": a.user_id.to_string()});
        }
    }
    if let Some(m) = message {
        v["message"] = m;
    }
    v
}

fn check_select_values(
    w: &World,
    guild: Option<u64>,
    comp: &Value,
    kind: u64,
    values: &[String],
) -> Result<Option<Value>, ApiError> {
    let min = comp.get("min_values").and_then(Value::as_u64).unwrap_or(1) as usize;
    let max = comp.get("max_values").and_then(Value::as_u64).unwrap_or(1) as usize;
    if values.len() < min || values.len() > max {
        return Err(bad(format!(
            "this select takes {min} to {max} values, got {}",
            values.len()
        )));
    }
    let g = guild.and_then(|g| w.guilds.get(&g));
    let (mut users, mut members, mut roles, mut channels) =
        (Map::new(), Map::new(), Map::new(), Map::new());
    for v in values {
        let ok = match kind {
            3 => comp
                .get("options")
                .and_then(Value::as_array)
                .is_some_and(|o| {
                    o.iter()
                        .any(|o| o.get("value").and_then(Value::as_str) == Some(v))
                }),
            _ => {
                let Ok(id) = v.parse::<u64>() else {
                    return Err(bad(format!("not a snowflake: {v}")));
                };
                let ok = match kind {
                    5 => g.is_some_and(|g| g.members.contains_key(&id)),
                    6 => g.is_some_and(|g| g.role(id).is_some()),
                    7 => {
                        g.is_some_and(|g| g.members.contains_key(&id))
                            || g.is_some_and(|g| g.role(id).is_some())
                    }
                    8 => w.channels.get(&id).is_some_and(|c| {
                        c.guild_id == guild
                            && comp
                                .get("channel_types")
                                .and_then(Value::as_array)
                                .is_none_or(|t| t.iter().any(|t| t.as_u64() == Some(c.kind as u64)))
                    }),
                    _ => false,
                };
                if ok {
                    // Map component type to option type for the resolved builder.
                    let option_kind = match kind {
                        5 => 6,
                        6 => 8,
                        7 => 9,
                        _ => 7,
                    };
                    add_resolved(
                        w,
                        g,
                        option_kind,
                        id,
                        &mut users,
                        &mut members,
                        &mut roles,
                        &mut channels,
                    );
                }
                ok
            }
        };
        if !ok {
            return Err(bad(format!("value {v} is not offered by this select")));
        }
    }
    Ok(resolved_value(users, members, roles, channels))
}

async fn post_interaction(State(sh): State<Arc<Shared>>, Json(body): Json<Value>) -> Answer {
    let id = start_interaction(&sh, &body)?;
    Ok(Json(json!({"interaction_id": id.to_string()})))
}

/// `POST /_sim/interactions/batch`: an array of interaction requests (each shaped like
/// `POST /_sim/interactions`'s body), created and dispatched back to back without yielding, so
/// thousands of clicks reach the bot within milliseconds. Answers an array in the same order:
/// each element the interaction id, or the error object a single request would have got.
/// Every body is checked and dispatched under one lock of the world: the bot can answer none
/// of them before all exist, as when people press at the same moment (a button the first
/// press makes stale is still pressable by the second).
async fn post_interaction_batch(
    State(sh): State<Arc<Shared>>,
    Json(bodies): Json<Vec<Value>>,
) -> Answer {
    let mut w = sh.world();
    let created: Vec<Result<u64, ApiError>> = bodies
        .iter()
        .map(|body| create_interaction(&mut w, body))
        .collect();
    drop(w);
    let answers: Vec<Value> = created
        .into_iter()
        .map(|created| match created {
            Ok(id) => {
                start_deadline(&sh, id);
                json!(id.to_string())
            }
            Err(e) => e.body(),
        })
        .collect();
    Ok(Json(Value::Array(answers)))
}

/// Creates one interaction as a person's client would, dispatches INTERACTION_CREATE and starts
/// its deadline timer.
fn start_interaction(sh: &Arc<Shared>, body: &Value) -> Result<u64, ApiError> {
    let id = create_interaction(&mut sh.world(), body)?;
    start_deadline(sh, id);
    Ok(id)
}

/// An interaction as the simulator starts it: kind, Discord's type number, `data`, the message
/// it came from (rendered) and that message's id.
type Started = (InteractionKind, u8, Value, Option<Value>, Option<u64>);

/// What a person's click or select sends: the component they used on a message they can see.
fn component_interaction(w: &World, a: &Actor, body: &Value) -> Result<Started, ApiError> {
    let mid = field_id(body, "message_id")?;
    let custom_id = body
        .get("custom_id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("missing custom_id"))?;
    let msg = w.messages.get(&mid).ok_or_else(ApiError::unknown_message)?;
    if msg.channel_id != a.channel_id {
        return Err(bad("the message is not in channel_id"));
    }
    if msg.ephemeral_to.is_some_and(|u| u != a.user_id) {
        return Err(ApiError::unknown_message());
    }
    let comp = super::validate::find_component(&msg.components, custom_id)
        .ok_or_else(|| bad(format!("the message has no component {custom_id:?}")))?
        .clone();
    if comp.get("disabled").and_then(Value::as_bool) == Some(true) {
        return Err(bad("the component is disabled"));
    }
    let ctype = comp.get("type").and_then(Value::as_u64).unwrap_or(0);
    let mut data = json!({"custom_id": custom_id, "component_type": ctype});
    match ctype {
        2 => {}
        3 | 5..=8 => {
            let values: Vec<String> = body
                .get("values")
                .and_then(Value::as_array)
                .map(|v| {
                    v.iter()
                        .filter_map(|x| match x {
                            Value::String(s) => Some(s.clone()),
                            Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            let resolved = check_select_values(w, a.guild_id, &comp, ctype, &values)?;
            data["values"] = json!(values);
            if let Some(r) = resolved {
                data["resolved"] = r;
            }
        }
        _ => return Err(bad("that component cannot be used")),
    }
    let message = w.message_json(msg);
    Ok((
        InteractionKind::Component,
        3,
        data,
        Some(message),
        Some(mid),
    ))
}

/// What a person's modal submit sends: the fields of a modal the bot opened for them.
fn modal_interaction(w: &mut World, a: &Actor, body: &Value) -> Result<Started, ApiError> {
    let custom_id = body
        .get("custom_id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("missing custom_id"))?
        .to_string();
    if body.get("forged").and_then(Value::as_bool) == Some(true) {
        return Ok(forged_modal(w, custom_id, body));
    }
    let open = w
        .modals
        .get(&(a.user_id, custom_id.clone()))
        .cloned()
        .ok_or_else(|| bad("the bot did not open that modal for this user"))?;
    if open.channel_id != a.channel_id || open.guild_id != a.guild_id {
        return Err(bad("the modal was opened in another channel"));
    }
    let fields = body
        .get("fields")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let inputs: Vec<Value> = super::validate::modal_inputs(&open.modal)
        .into_iter()
        .cloned()
        .collect();
    for k in fields.keys() {
        if !inputs
            .iter()
            .any(|i| i.get("custom_id").and_then(Value::as_str) == Some(k))
        {
            return Err(bad(format!("the modal has no field {k:?}")));
        }
    }
    let mut rows = Vec::new();
    for input in &inputs {
        let cid = input.get("custom_id").and_then(Value::as_str).unwrap_or("");
        let value = fields.get(cid).and_then(Value::as_str).unwrap_or("");
        let n = value.chars().count() as u64;
        let required = input
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let min = input.get("min_length").and_then(Value::as_u64).unwrap_or(0);
        let max = input
            .get("max_length")
            .and_then(Value::as_u64)
            .unwrap_or(4000);
        if (required && n == 0) || (n > 0 && n < min) || n > max {
            return Err(bad(format!(
                "field {cid:?} needs {min}..={max} characters{}",
                if required { "" } else { " or none" }
            )));
        }
        let row_id = w.next_component_id;
        w.next_component_id += 2;
        rows.push(json!({
            "type": 1,
            "id": row_id,
            "components": [{"type": 4, "id": row_id + 1, "custom_id": cid, "value": value}],
        }));
    }
    w.modals.remove(&(a.user_id, custom_id.clone()));
    let data = json!({"custom_id": custom_id, "components": rows});
    let message = open
        .source_message
        .and_then(|m| w.messages.get(&m))
        .map(|m| w.message_json(m));
    Ok((
        InteractionKind::ModalSubmit,
        5,
        data,
        message,
        open.source_message,
    ))
}

/// A modal submission as an attacker's own client sends it: any custom id, any fields, any
/// lengths, for a modal the bot may never have opened. Discord's checks are skipped, so a test
/// proves the bot refuses it itself.
fn forged_modal(w: &mut World, custom_id: String, body: &Value) -> Started {
    let fields = body
        .get("fields")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut rows = Vec::new();
    for (cid, value) in &fields {
        let row_id = w.next_component_id;
        w.next_component_id += 2;
        rows.push(json!({
            "type": 1,
            "id": row_id,
            "components": [{"type": 4, "id": row_id + 1, "custom_id": cid, "value": value}],
        }));
    }
    let data = json!({"custom_id": custom_id, "components": rows});
    (InteractionKind::ModalSubmit, 5, data, None, None)
}

/// Checks and records one interaction and dispatches INTERACTION_CREATE.
fn create_interaction(w: &mut World, body: &Value) -> Result<u64, ApiError> {
    let kind = body.get("kind").and_then(Value::as_str).unwrap_or("");
    let a = actor(w, body)?;
    let id = w.ids.next();
    let token = w.new_interaction_token(id);
    let (ikind, itype, data, message, source) = match kind {
        "command" => {
            let data = command_data(w, &a, body)?;
            (InteractionKind::Command, 2, data, None, None)
        }
        "component" => component_interaction(w, &a, body)?,
        "modal_submit" => modal_interaction(w, &a, body)?,
        "autocomplete" => {
            let data = autocomplete_data(w, &a, body)?;
            (InteractionKind::Autocomplete, 4, data, None, None)
        }
        other => return Err(bad(format!("unknown kind {other:?}"))),
    };
    let payload = interaction_payload(w, id, &token, itype, &a, data, message);
    let notify = Arc::new(tokio::sync::Notify::new());
    w.interactions.insert(
        id,
        Interaction {
            id,
            token,
            kind: ikind,
            guild_id: a.guild_id,
            channel_id: a.channel_id,
            user_id: a.user_id,
            created: std::time::Instant::now(),
            state: InteractionState::Pending,
            ack_ms: None,
            response: None,
            source_message: source,
            message: None,
            followups: Vec::new(),
            modal: None,
            edits: 0,
            notify,
        },
    );
    w.dispatch(a.guild_id, "INTERACTION_CREATE", &payload, 0);
    Ok(id)
}

/// Fails the interaction if it is still unanswered when Discord's deadline passes.
fn start_deadline(sh: &Arc<Shared>, id: u64) {
    let deadline = sh.config.interaction_deadline;
    let timer = sh.clone();
    tokio::spawn(async move {
        tokio::time::sleep(deadline).await;
        let mut w = timer.world();
        let mut failed = false;
        if let Some(it) = w.interactions.get_mut(&id)
            && it.state == InteractionState::Pending
        {
            it.state = InteractionState::Failed;
            it.notify.notify_waiters();
            failed = true;
        }
        if failed {
            w.interactions_failed += 1;
        }
    });
}

#[derive(Deserialize)]
struct WaitQuery {
    wait_ms: Option<u64>,
    /// Also wait while the answer has been edited no more than this many times.
    after_edits: Option<u64>,
}

fn outcome_json(w: &World, it: &Interaction) -> Value {
    let msg = |m: u64| w.messages.get(&m).map(|m| w.message_json(m));
    json!({
        "interaction_id": it.id.to_string(),
        "state": it.state.as_str(),
        "ack_ms": it.ack_ms,
        "response": it.response,
        "message": it.message.and_then(msg),
        "followups": it.followups.iter().filter_map(|m| msg(*m)).collect::<Vec<_>>(),
        "modal": it.modal,
        "edits": it.edits,
    })
}

#[derive(Deserialize)]
struct OutcomesQuery {
    ids: Vec<Value>,
}

/// `POST /_sim/interactions/outcomes` `{"ids": [...]}`: where each interaction stands, in the
/// same order, in one request: `{interaction_id, state, ack_ms, content}` with the current text
/// of its response message (`""` when there is none), or `{interaction_id, error}` for an id the
/// simulator does not know. Lets a harness follow thousands of clicks without one poll each.
async fn post_interaction_outcomes(
    State(sh): State<Arc<Shared>>,
    Json(q): Json<OutcomesQuery>,
) -> Answer {
    let w = sh.world();
    let answers = q
        .ids
        .iter()
        .map(|raw| {
            let Some(it) = id_of(raw).and_then(|id| w.interactions.get(&id)) else {
                return json!({"interaction_id": raw, "error": "unknown interaction"});
            };
            let content = it
                .message
                .and_then(|m| w.messages.get(&m))
                .map(|m| m.content.as_str())
                .unwrap_or("");
            json!({
                "interaction_id": it.id.to_string(),
                "state": it.state.as_str(),
                "ack_ms": it.ack_ms,
                "content": content,
            })
        })
        .collect();
    Ok(Json(Value::Array(answers)))
}

/// Whether a waiting `GET /_sim/interactions/{id}` keeps waiting: while nobody answered, and
/// with `after_edits=K` also while the answer was edited K times or fewer.
fn still_waiting(it: &Interaction, after_edits: Option<u64>) -> bool {
    match it.state {
        InteractionState::Pending => true,
        InteractionState::Failed => false,
        InteractionState::Responded => after_edits.is_some_and(|k| it.edits <= k),
    }
}

async fn get_interaction(
    State(sh): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(q): Query<WaitQuery>,
) -> Answer {
    let id = id_param(&id)?;
    let wait = Duration::from_millis(q.wait_ms.unwrap_or(0).min(60_000));
    let start = std::time::Instant::now();
    loop {
        let notify = {
            let w = sh.world();
            let it = w
                .interactions
                .get(&id)
                .ok_or_else(ApiError::unknown_interaction)?;
            let Some(left) = remaining(start, wait).filter(|_| still_waiting(it, q.after_edits))
            else {
                return Ok(Json(outcome_json(&w, it)));
            };
            (it.notify.clone(), left)
        };
        let (n, left) = notify;
        let notified = n.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        // Re-check after registering: the state may have changed between the two locks.
        {
            let w = sh.world();
            if let Some(it) = w.interactions.get(&id)
                && !still_waiting(it, q.after_edits)
            {
                return Ok(Json(outcome_json(&w, it)));
            }
        }
        let _ = tokio::time::timeout(left, notified).await;
    }
}

// ---- gateway: close codes, op 1, identify log, the bot removed or a guild unavailable ----------

fn gateway_routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/gateway/close", post(post_gateway_close))
        .route("/_sim/gateway/heartbeat", post(post_heartbeat_request))
        .route("/_sim/gateway/identifies", get(get_identifies))
        .route("/_sim/guilds/{g}/bot", delete(delete_bot).put(put_bot))
        .route("/_sim/guilds/{g}/unavailable", post(post_unavailable))
}

async fn post_gateway_close(State(sh): State<Arc<Shared>>, Json(body): Json<Value>) -> Answer {
    let code = body
        .get("code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (4000..5000).contains(c))
        .ok_or_else(|| bad("code must be a gateway close code (4000-4999)"))?;
    Ok(Json(json!({"sessions": gateway::close_all(&sh, code)})))
}

async fn post_heartbeat_request(State(sh): State<Arc<Shared>>) -> Answer {
    Ok(Json(json!({"sessions": gateway::request_heartbeat(&sh)})))
}

async fn get_identifies(State(sh): State<Arc<Shared>>) -> Answer {
    Ok(Json(json!(gateway::identifies(&sh))))
}

async fn delete_bot(State(sh): State<Arc<Shared>>, Path(g): Path<String>) -> Answer {
    if !gateway::remove_bot(&sh, id_param(&g)?) {
        return Err(refused(
            StatusCode::NOT_FOUND,
            "no such guild with the bot in it",
        ));
    }
    Ok(Json(json!({})))
}

async fn put_bot(State(sh): State<Arc<Shared>>, Path(g): Path<String>) -> Answer {
    if !gateway::readd_bot(&sh, id_param(&g)?) {
        return Err(refused(StatusCode::NOT_FOUND, "no such guild"));
    }
    Ok(Json(json!({})))
}

async fn post_unavailable(
    State(sh): State<Arc<Shared>>,
    Path(g): Path<String>,
    Json(body): Json<Value>,
) -> Answer {
    let unavailable = body
        .get("unavailable")
        .and_then(Value::as_bool)
        .ok_or_else(|| bad("missing unavailable (bool)"))?;
    if !gateway::set_unavailable(&sh, id_param(&g)?, unavailable) {
        return Err(refused(StatusCode::NOT_FOUND, "no such guild"));
    }
    Ok(Json(json!({})))
}
