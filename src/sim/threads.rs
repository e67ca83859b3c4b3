//! Threads as Discord has them: created in a text or announcement channel (with or without a
//! starting message), joined and left, archived and locked, public (the parent's View Channel)
//! or private (members and Manage Threads only). Every function acts for `actor` (the bot over
//! REST, a person through the control API) so both are checked by the same rules.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::error::ApiError;
use super::permissions::bits;
use super::state::{Channel, INTENT_GUILD_MEMBERS, INTENT_GUILDS, Thread, World, now_timestamp};

type R<T> = Result<T, ApiError>;

/// The durations Discord accepts, in minutes.
pub const AUTO_ARCHIVE: [u64; 4] = [60, 1440, 4320, 10080];
/// Discord's default when a create names none (a channel's default is 24 hours).
const DEFAULT_AUTO_ARCHIVE: u64 = 1440;
const NAME_MAX: usize = 100;
/// Discord's most active (unarchived) threads in one guild, of every type together.
const ACTIVE_MAX: usize = 1000;

pub fn archived() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, 50083, "Thread is archived")
}

fn too_many_active() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        160006,
        "Maximum number of active threads reached",
    )
}

/// Whether `guild` already holds Discord's most active threads: a new one, or one
/// unarchived, is refused.
fn active_full(w: &World, guild: u64) -> bool {
    let active = w
        .channels
        .values()
        .filter(|c| c.guild_id == Some(guild))
        .filter(|c| c.thread.as_ref().is_some_and(|t| !t.archived))
        .count();
    active >= ACTIVE_MAX
}

fn wrong_channel_type() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        50024,
        "Cannot execute action on this channel type",
    )
}

/// The thread and `actor`'s permissions in it: 10003 when there is none, 50001 when `actor`
/// cannot see it, 50024 when the channel is not a thread.
fn thread_for(w: &World, id: u64, actor: u64) -> R<(&Channel, &Thread, u64)> {
    let ch = w.channels.get(&id).ok_or_else(ApiError::unknown_channel)?;
    let perms = w.permissions_in(ch, actor);
    if perms & bits::VIEW_CHANNEL == 0 {
        return Err(ApiError::missing_access());
    }
    let t = ch.thread.as_ref().ok_or_else(wrong_channel_type)?;
    Ok((ch, t, perms))
}

/// Why a message may not be posted in `ch` (beyond permissions): an archived thread that is
/// locked (Discord unarchives any other on a post, [`unarchive_on_post`]), or one that would
/// go over the guild's active threads.
pub fn post_refusal(w: &World, ch: &Channel) -> Option<ApiError> {
    let t = ch.thread.as_ref().filter(|t| t.archived)?;
    if t.locked {
        return Some(archived());
    }
    ch.guild_id
        .filter(|g| active_full(w, *g))
        .map(|_| too_many_active())
}

/// "Sending a message will automatically unarchive the thread, unless the thread has been
/// locked": after a post that [`post_refusal`] let through, an archived thread is active
/// again (THREAD_UPDATE).
pub fn unarchive_on_post(w: &mut World, id: u64) {
    let Some(t) = (w.channels.get_mut(&id)).and_then(|ch| ch.thread.as_mut()) else {
        return;
    };
    if !t.archived {
        return;
    }
    t.archived = false;
    t.archive_timestamp = now_timestamp();
    let v = thread_json(w, id);
    dispatch_if_visible(w, id, "THREAD_UPDATE", &v);
}

fn validate_name(body: &Value, required: bool) -> R<Option<String>> {
    match body.get("name") {
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(n)) => {
            let len = n.trim().chars().count();
            if len == 0 || n.chars().count() > NAME_MAX {
                return Err(ApiError::form(
                    &["name".into()],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 100 in length.",
                ));
            }
            Ok(Some(n.trim().to_string()))
        }
        _ => Err(ApiError::form(
            &["name".into()],
            "BASE_TYPE_REQUIRED",
            "This field is required",
        )),
    }
}

fn validate_auto_archive(body: &Value) -> R<Option<u64>> {
    match body.get("auto_archive_duration") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(d) if AUTO_ARCHIVE.contains(&d) => Ok(Some(d)),
            _ => Err(ApiError::form(
                &["auto_archive_duration".into()],
                "BASE_TYPE_CHOICES",
                "Value must be one of {60, 1440, 4320, 10080}.",
            )),
        },
    }
}

/// The thread type a create makes: from a message, public (an announcement thread in an
/// announcement channel); without one, what the body asks, Discord's documented default being
/// a private thread.
fn thread_kind(parent_kind: u8, from_message: bool, body: &Value) -> R<u8> {
    if from_message {
        return Ok(if parent_kind == 5 { 10 } else { 11 });
    }
    match body.get("type").and_then(Value::as_u64) {
        None => Ok(12),
        Some(k @ (10..=12)) => Ok(k as u8),
        Some(_) => Err(ApiError::form(
            &["type".into()],
            "BASE_TYPE_CHOICES",
            "Value must be one of {10, 11, 12}.",
        )),
    }
}

/// The id of a thread started from message `m` of `parent`: Discord gives it the message's id,
/// once.
fn starting_message(w: &World, parent: u64, m: u64) -> R<u64> {
    match w.messages.get(&m) {
        Some(msg) if msg.channel_id == parent && msg.ephemeral_to.is_none() => {}
        _ => return Err(ApiError::unknown_message()),
    }
    if w.channels.contains_key(&m) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            160004,
            "A thread has already been created for this message",
        ));
    }
    Ok(m)
}

/// `POST /channels/{parent}/threads` (`message: None`) or
/// `POST /channels/{parent}/messages/{message}/threads`. Answers the new thread's id.
pub fn create(
    w: &mut World,
    actor: u64,
    parent: u64,
    message: Option<u64>,
    body: &Value,
) -> R<u64> {
    let pc = w
        .channels
        .get(&parent)
        .ok_or_else(ApiError::unknown_channel)?;
    let perms = w.permissions_in(pc, actor);
    if perms & bits::VIEW_CHANNEL == 0 {
        return Err(ApiError::missing_access());
    }
    let guild = pc.guild_id.ok_or_else(wrong_channel_type)?;
    if !matches!(pc.kind, 0 | 5) {
        return Err(wrong_channel_type());
    }
    let name = validate_name(body, true)?.unwrap_or_default();
    let duration = validate_auto_archive(body)?.unwrap_or(DEFAULT_AUTO_ARCHIVE);
    let kind = thread_kind(pc.kind, message.is_some(), body)?;
    if (kind == 12 && pc.kind != 0) || (kind == 10 && pc.kind != 5) || (kind == 11 && pc.kind != 0)
    {
        return Err(wrong_channel_type());
    }
    let needed = if kind == 12 {
        bits::CREATE_PRIVATE_THREADS
    } else {
        bits::CREATE_PUBLIC_THREADS
    };
    if perms & needed == 0 {
        return Err(ApiError::missing_permissions());
    }
    if active_full(w, guild) {
        return Err(too_many_active());
    }
    let id = match message {
        Some(m) => starting_message(w, parent, m)?,
        None => w.ids.next(),
    };
    let now = now_timestamp();
    let invitable = body
        .get("invitable")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let thread = Thread {
        owner_id: actor,
        archived: false,
        locked: false,
        auto_archive_duration: duration,
        archive_timestamp: now.clone(),
        invitable,
        create_timestamp: now.clone(),
        members: BTreeMap::from([(actor, now)]),
        message_count: 0,
        total_message_sent: 0,
    };
    w.channels.insert(
        id,
        Channel {
            id,
            kind,
            guild_id: Some(guild),
            name,
            topic: None,
            parent_id: Some(parent),
            position: 0,
            nsfw: false,
            overwrites: Vec::new(),
            recipient: None,
            messages: Vec::new(),
            last_message_id: None,
            thread: Some(thread),
        },
    );
    let mut created = thread_json(w, id);
    created["newly_created"] = json!(true);
    dispatch_if_visible(w, id, "THREAD_CREATE", &created);
    if let Some(m) = message {
        // The starting message now shows its thread.
        w.dispatch_message("MESSAGE_UPDATE", m);
    }
    Ok(id)
}

/// A thread as REST answers it to the bot: with `member` when the bot is in it.
pub fn thread_json(w: &World, id: u64) -> Value {
    let Some(ch) = w.channels.get(&id) else {
        return Value::Null;
    };
    let mut v = w.channel_json(ch);
    if let Some(m) = w.thread_member_json(ch, w.app_id, false) {
        v["member"] = m;
    }
    v
}

/// Sends a thread event to the bot's sessions with GUILDS when the bot can see the thread.
fn dispatch_if_visible(w: &mut World, id: u64, event: &str, d: &Value) {
    let Some(ch) = w.channels.get(&id) else {
        return;
    };
    if w.permissions_in(ch, w.app_id) & bits::VIEW_CHANNEL == 0 {
        return;
    }
    let g = ch.guild_id;
    w.dispatch(g, event, d, INTENT_GUILDS);
}

/// THREAD_MEMBERS_UPDATE: sessions get it with GUILD_MEMBERS, or with GUILDS when the bot
/// itself was added or removed, as on Discord.
fn members_update(w: &mut World, id: u64, added: Option<u64>, removed: Option<u64>) {
    let Some(ch) = w.channels.get(&id) else {
        return;
    };
    let Some(t) = &ch.thread else { return };
    let mut d = json!({
        "id": id.to_string(),
        "guild_id": ch.guild_id.map(|g| g.to_string()),
        "member_count": t.members.len().min(50),
    });
    if let Some(u) = added
        && let Some(m) = w.thread_member_json(ch, u, true)
    {
        d["added_members"] = json!([m]);
    }
    if let Some(u) = removed {
        d["removed_member_ids"] = json!([u.to_string()]);
    }
    let about_bot = added == Some(w.app_id) || removed == Some(w.app_id);
    let intent = if about_bot {
        INTENT_GUILDS
    } else {
        INTENT_GUILD_MEMBERS
    };
    let visible = w.permissions_in(ch, w.app_id) & bits::VIEW_CHANNEL != 0 || about_bot;
    if visible {
        let g = ch.guild_id;
        w.dispatch(g, "THREAD_MEMBERS_UPDATE", &d, intent);
    }
}

/// `actor` adds `user` to the thread (`actor == user`: joins it). Joining needs only to see
/// the thread; adding someone else needs Send Messages in Threads and, in a private thread that
/// is not invitable, Manage Threads. The thread must not be archived.
pub fn add_member(w: &mut World, id: u64, actor: u64, user: u64) -> R<()> {
    let (ch, t, perms) = thread_for(w, id, actor)?;
    if t.archived {
        return Err(archived());
    }
    if actor != user {
        if perms & bits::SEND_MESSAGES_IN_THREADS == 0 {
            return Err(ApiError::missing_permissions());
        }
        if ch.kind == 12 && !t.invitable && perms & bits::MANAGE_THREADS == 0 {
            return Err(ApiError::missing_permissions());
        }
        let in_guild = ch
            .guild_id
            .and_then(|g| w.guilds.get(&g))
            .is_some_and(|g| g.members.contains_key(&user));
        if !in_guild {
            return Err(ApiError::unknown_member());
        }
    }
    if t.members.contains_key(&user) {
        return Ok(());
    }
    let bot_saw = w.permissions_in(ch, w.app_id) & bits::VIEW_CHANNEL != 0;
    if let Some(t) = w.channels.get_mut(&id).and_then(|c| c.thread.as_mut()) {
        t.members.insert(user, now_timestamp());
    }
    if user == w.app_id && !bot_saw {
        // A private thread the bot could not see: Discord sends it THREAD_CREATE.
        let v = thread_json(w, id);
        dispatch_if_visible(w, id, "THREAD_CREATE", &v);
    }
    members_update(w, id, Some(user), None);
    Ok(())
}

/// `actor` removes `user` (`actor == user`: leaves). Removing another needs Manage Threads, or
/// to be the creator of a private thread. The thread must not be archived.
pub fn remove_member(w: &mut World, id: u64, actor: u64, user: u64) -> R<()> {
    let (ch, t, perms) = thread_for(w, id, actor)?;
    if t.archived {
        return Err(archived());
    }
    if actor != user {
        let creator = ch.kind == 12 && t.owner_id == actor;
        if perms & bits::MANAGE_THREADS == 0 && !creator {
            return Err(ApiError::missing_permissions());
        }
    }
    if !t.members.contains_key(&user) {
        return if actor == user {
            Ok(())
        } else {
            Err(ApiError::unknown_member())
        };
    }
    if let Some(t) = w.channels.get_mut(&id).and_then(|c| c.thread.as_mut()) {
        t.members.remove(&user);
    }
    members_update(w, id, None, Some(user));
    Ok(())
}

/// `GET /channels/{thread}/thread-members/{user}` (`with_member`).
pub fn get_member(w: &World, id: u64, user: u64, with_member: bool) -> R<Value> {
    let (ch, _, _) = thread_for(w, id, w.app_id)?;
    w.thread_member_json(ch, user, with_member)
        .ok_or_else(ApiError::unknown_member)
}

/// `GET /channels/{thread}/thread-members`: needs the application's Server Members switch
/// (Discord: the GUILD_MEMBERS privileged intent), else 403 50001. With `with_member`, paged by
/// `after` and `limit` (1–100, default 100).
pub fn list_members(
    w: &World,
    id: u64,
    with_member: bool,
    after: u64,
    limit: Option<usize>,
) -> R<Value> {
    let (ch, t, _) = thread_for(w, id, w.app_id)?;
    let switch = super::intents::privileged::GUILD_MEMBERS;
    if super::intents::allowed_privileged(w.app_flags) & switch == 0 {
        return Err(ApiError::missing_access());
    }
    let users: Vec<u64> = if with_member {
        let limit = limit.unwrap_or(100);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::form(
                &["limit".into()],
                "NUMBER_TYPE_MAX",
                "int value should be less than or equal to 100.",
            ));
        }
        t.members
            .range(after + 1..)
            .take(limit)
            .map(|(u, _)| *u)
            .collect()
    } else {
        t.members.keys().copied().collect()
    };
    let list: Vec<Value> = users
        .into_iter()
        .filter_map(|u| w.thread_member_json(ch, u, with_member))
        .collect();
    Ok(json!(list))
}

/// `GET /guilds/{guild}/threads/active`: the guild's unarchived threads the bot can see, and
/// the bot's own thread members of them.
pub fn active(w: &World, guild: u64) -> Value {
    let mut threads: Vec<&Channel> = w
        .channels
        .values()
        .filter(|c| c.guild_id == Some(guild))
        .filter(|c| c.thread.as_ref().is_some_and(|t| !t.archived))
        .filter(|c| w.permissions_in(c, w.app_id) & bits::VIEW_CHANNEL != 0)
        .collect();
    threads.sort_by_key(|c| std::cmp::Reverse(c.id));
    let members: Vec<Value> = threads
        .iter()
        .filter_map(|c| w.thread_member_json(c, w.app_id, false))
        .collect();
    json!({
        "threads": threads.iter().map(|c| w.channel_json(c)).collect::<Vec<_>>(),
        "members": members,
        "has_more": false,
    })
}

/// `PATCH /channels/{thread}` by `actor`: `name`, `archived`, `auto_archive_duration`,
/// `locked`, `invitable` (private threads). Manage Threads may change all; the creator its
/// name, archived and auto_archive_duration; anyone who may post may unarchive an unlocked
/// thread. An archived thread takes no edit unless it is unarchived by it.
pub fn modify(w: &mut World, id: u64, actor: u64, body: &Value) -> R<Value> {
    let (ch, t, perms) = thread_for(w, id, actor)?;
    let name = validate_name(body, false)?;
    let duration = validate_auto_archive(body)?;
    let flag = |k: &str| -> R<Option<bool>> {
        match body.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::form(
                &[k.to_string()],
                "BASE_TYPE_BOOLEAN",
                "Must be either true or false.",
            )),
        }
    };
    let (archive, lock, invitable) = (flag("archived")?, flag("locked")?, flag("invitable")?);
    // `invitable` exists only on private threads; elsewhere it is ignored.
    let invitable = invitable.filter(|_| ch.kind == 12);
    if t.archived && archive != Some(false) {
        return Err(archived());
    }
    let moderator = perms & bits::MANAGE_THREADS != 0;
    if !moderator {
        let creator = t.owner_id == actor;
        let unarchive_only = archive == Some(false)
            && !t.locked
            && name.is_none()
            && duration.is_none()
            && lock.is_none()
            && invitable.is_none();
        let may_post = perms & bits::SEND_MESSAGES_IN_THREADS != 0;
        let creator_fields = creator && lock.is_none() && invitable.is_none();
        if !(creator_fields || (unarchive_only && may_post)) {
            return Err(ApiError::missing_permissions());
        }
        if t.locked && archive == Some(false) {
            return Err(ApiError::missing_permissions());
        }
    }
    if t.archived && archive == Some(false) && ch.guild_id.is_some_and(|g| active_full(w, g)) {
        return Err(too_many_active());
    }
    let now = now_timestamp();
    if let Some(ch) = w.channels.get_mut(&id)
        && let Some(t) = ch.thread.as_mut()
    {
        if let Some(n) = name {
            ch.name = n;
        }
        if let Some(d) = duration {
            t.auto_archive_duration = d;
        }
        if let Some(l) = lock {
            t.locked = l;
        }
        if let Some(i) = invitable {
            t.invitable = i;
        }
        if let Some(a) = archive
            && a != t.archived
        {
            t.archived = a;
            t.archive_timestamp = now;
        }
    }
    let v = thread_json(w, id);
    dispatch_if_visible(w, id, "THREAD_UPDATE", &v);
    Ok(v)
}

/// `DELETE /channels/{thread}`: needs Manage Threads; THREAD_DELETE.
pub fn delete(w: &mut World, id: u64, actor: u64) -> R<Value> {
    let (ch, _, perms) = thread_for(w, id, actor)?;
    let bot_saw = w.permissions_in(ch, w.app_id) & bits::VIEW_CHANNEL != 0;
    if perms & bits::MANAGE_THREADS == 0 {
        return Err(ApiError::missing_permissions());
    }
    let gone = json!({
        "id": id.to_string(),
        "guild_id": ch.guild_id.map(|g| g.to_string()),
        "parent_id": ch.parent_id.map(|p| p.to_string()),
        "type": ch.kind,
    });
    let g = ch.guild_id;
    let answer = thread_json(w, id);
    w.delete_channel(id);
    if bot_saw {
        w.dispatch(g, "THREAD_DELETE", &gone, INTENT_GUILDS);
    }
    Ok(answer)
}
