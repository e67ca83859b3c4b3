//! The guild actor's ready-channel pool: refilling it while the guild is quiet (one create at a
//! time, on a task, so no click waits on it), taking back what a crash left, noticing what
//! people delete or edit, and re-applying staff roles. What to do is `domain::ready`'s decision;
//! handing a channel to a ticket is in `GuildState::number`, its edit in the ticket actor.

use std::time::{Duration, Instant};

use tracing::{info, warn};
use twilight_model::channel::ChannelType;

use super::guild_state::{GuildState, ReadyState};
use super::protocol::{GuildMsg, ReadyNotCreated};
use crate::discord::{ChannelSummary, codes};
use crate::domain::access::Overwrite;
use crate::domain::model::{Snowflake, TicketRecord, TicketState};
use crate::domain::ready::{self, Home, ReadyChannel, ReadyPool, Refill, RefillView};
use crate::store::CommitReceipt;
use crate::ui::text::Text;

/// At the guild actor's start: the stored pool, with handovers whose ticket is past
/// provisioning settled (a crash after the ticket's commit, before the pool's).
pub(super) fn start(state: &mut GuildState, pool: Option<ReadyPool>, tickets: &[TicketRecord]) {
    let Some(mut pool) = pool else {
        return;
    };
    let mut settled = false;
    for handover in pool.handing.clone() {
        let Some(record) = tickets.iter().find(|t| t.number == handover.number) else {
            // The ticket is gone from the live records (failed or deleted): the channel is
            // the pool's again.
            settled |= pool.finish_handover(handover.number, false);
            continue;
        };
        if record.state != TicketState::Provisioning {
            let used = record.channel == Some(handover.channel.id);
            settled |= pool.finish_handover(handover.number, used);
        }
    }
    state.ready = Some(Box::new(ReadyState {
        pool,
        ..ReadyState::default()
    }));
    if settled {
        drop(state.save_pool());
    }
    consider(state);
}

/// Ticket and pooled channels in a category (Discord's 50 counts both).
fn channels_in(state: &GuildState, category: Snowflake) -> u32 {
    state
        .book
        .category_load
        .get(&category)
        .copied()
        .unwrap_or(0)
        + state.ready_in(category)
}

/// Looks at the pool and does what `domain::ready::refill` says: nothing, later, list, create
/// (a channel, or first the pool's own category when the tickets category is full).
pub(super) fn consider(state: &mut GuildState) {
    if state.book.held {
        return;
    }
    let Some(pool_category) = state.ready.as_ref().map(|r| r.pool.category) else {
        return;
    };
    let (target, category_channels) =
        match ready::home(state.settings.tickets_category, pool_category, |c| {
            channels_in(state, c)
        }) {
            Home::In(category) => (Some(category), channels_in(state, category)),
            Home::MakeCategory => (None, 0),
            Home::Nowhere => return,
        };
    let busy = !state.book.line.is_empty()
        || state.book.line.in_flight() > 0
        || state.book.awaiting_category.is_some();
    let now = Instant::now();
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    let since =
        |t: Option<Instant>| t.map_or(u64::MAX, |t| now.duration_since(t).as_millis() as u64);
    let view = RefillView {
        pooled: r.pool.channels.len() as u32,
        busy,
        since_last_open_ms: since(r.last_open),
        since_last_refill_ms: since(r.last_refill),
        creating: r.working,
        server_channels: r.server_channels,
        category_channels,
    };
    match ready::refill(&r.pool, view) {
        Refill::Idle => {}
        Refill::Later(ms) => {
            if !r.tick_armed {
                r.tick_armed = true;
                state
                    .myself
                    .send_after(Duration::from_millis(ms), || GuildMsg::ReadyTick);
            }
        }
        Refill::List => {
            r.working = true;
            let (discord, guild, me) =
                (state.ctx.discord.clone(), state.guild, state.myself.clone());
            tokio::spawn(async move {
                let listed = match discord.guild_channels(guild).await {
                    Ok(channels) => Some(channels),
                    Err(error) => {
                        warn!(guild, %error, "could not list channels for the ready pool");
                        None
                    }
                };
                let _ = me.cast(GuildMsg::ReadyListed(listed));
            });
        }
        Refill::Create => match target {
            Some(category) => create(state, category),
            None => make_category(state),
        },
    }
}

/// Creates the pool's own category on a task (hidden like its channels);
/// `GuildMsg::ReadyCategoryCreated` records it.
fn make_category(state: &mut GuildState) {
    let overwrites = hidden_overwrites(state);
    let name = state.channel_lang().text(Text::ReadyCategoryName);
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    r.working = true;
    let (discord, guild, me) = (state.ctx.discord.clone(), state.guild, state.myself.clone());
    tokio::spawn(async move {
        let created = discord
            .create_channel(
                guild,
                name,
                ChannelType::GuildCategory,
                None,
                None,
                &overwrites,
            )
            .await;
        let category = match created {
            Ok(category) => Some(category),
            Err(error) => {
                warn!(guild, %error, "could not create the ready channels' category");
                None
            }
        };
        let _ = me.cast(GuildMsg::ReadyCategoryCreated(category));
    });
}

fn category_created(state: &mut GuildState, category: Option<Snowflake>) {
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    r.working = false;
    r.last_refill = Some(Instant::now());
    if let Some(category) = category {
        info!(category, "ready channels' category created");
        r.pool.category = Some(category);
        r.server_channels = r.server_channels.map(|n| n + 1);
        drop(state.save_pool());
    }
    consider(state);
}

/// Creates one ready channel on a task; `GuildMsg::ReadyCreated` brings it into the pool.
fn create(state: &mut GuildState, parent: Snowflake) {
    let overwrites = hidden_overwrites(state);
    let topic = ready::channel_topic(state.channel_lang().text(Text::ReadyChannelTopic));
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    r.working = true;
    r.pool.made += 1;
    let name = ready::channel_name(r.pool.made);
    let (discord, guild, me) = (state.ctx.discord.clone(), state.guild, state.myself.clone());
    tokio::spawn(async move {
        let created = discord
            .create_channel(
                guild,
                &name,
                ChannelType::GuildText,
                Some(parent),
                Some(&topic),
                &overwrites,
            )
            .await;
        let result = match created {
            Ok(channel) => Ok((channel, Some(parent))),
            Err(error) if error.code() == Some(codes::MAX_CHANNELS) => {
                warn!(
                    guild,
                    "the server holds Discord's maximum of channels; the pool stops"
                );
                Err(ReadyNotCreated::ServerFull)
            }
            Err(error) => {
                warn!(guild, %error, "could not create a ready channel");
                Err(ReadyNotCreated::Failed)
            }
        };
        let _ = me.cast(GuildMsg::ReadyCreated(result));
    });
}

fn hidden_overwrites(state: &GuildState) -> Vec<Overwrite> {
    ready::hidden_overwrites(
        state.guild,
        state.ctx.discord.bot_user_id(),
        &state.settings.staff_roles,
    )
}

/// The pool's messages to the guild actor.
pub(super) fn handle(state: &mut GuildState, message: GuildMsg) {
    match message {
        GuildMsg::ReadyTick => tick(state),
        GuildMsg::ReadyCreated(result) => created(state, result),
        GuildMsg::ReadyListed(channels) => listed(state, channels),
        GuildMsg::ReadyCategoryCreated(category) => category_created(state, category),
        GuildMsg::ChannelUpdated {
            channel,
            name,
            topic,
            overwrites,
        } => channel_updated(state, channel, &name, topic.as_deref(), &overwrites),
        _ => {}
    }
}

fn tick(state: &mut GuildState) {
    if let Some(r) = state.ready.as_deref_mut() {
        r.tick_armed = false;
    }
    consider(state);
}

fn created(
    state: &mut GuildState,
    result: Result<(Snowflake, Option<Snowflake>), ReadyNotCreated>,
) {
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    r.working = false;
    r.last_refill = Some(Instant::now());
    match result {
        Ok((id, parent)) => {
            r.server_channels = r.server_channels.map(|n| n + 1);
            if r.pool.enabled {
                info!(
                    channel = id,
                    pooled = r.pool.channels.len() + 1,
                    "ready channel created"
                );
                r.pool.channels.push(ReadyChannel { id, parent });
                drop(state.save_pool());
            } else {
                // Turned off while it was being made.
                delete_channels(state, vec![id]);
            }
        }
        Err(ReadyNotCreated::ServerFull) => r.server_channels = Some(ready::SERVER_CHANNELS_MAX),
        Err(ReadyNotCreated::Failed) => {}
    }
    consider(state);
}

/// The server's channels, listed: count them for the 500, drop pooled channels that are gone,
/// and take back ready channels a crash left unrecorded (they carry the pool's topic marker).
fn listed(state: &mut GuildState, channels: Option<Vec<ChannelSummary>>) {
    // A ticket's channel listed before its edit still carries the ready topic: it is the
    // ticket's, whatever the listing says.
    let marked: Vec<ReadyChannel> = channels
        .iter()
        .flatten()
        .filter(|c| ready::looks_ready(&c.name, c.topic.as_deref()))
        .filter(|c| state.ticket_in_channel(c.id).is_none())
        .map(|c| ReadyChannel {
            id: c.id,
            parent: c.parent,
        })
        .collect();
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    r.working = false;
    let Some(channels) = channels else {
        r.last_refill = Some(Instant::now());
        return;
    };
    r.server_channels = Some(channels.len() as u32);
    let before = r.pool.clone();
    r.pool
        .channels
        .retain(|c| channels.iter().any(|l| l.id == c.id));
    let mut taken_back = Vec::new();
    for found in marked {
        let known =
            r.pool.is_pooled(found.id) || r.pool.handing.iter().any(|h| h.channel.id == found.id);
        if !known && r.pool.enabled {
            info!(
                channel = found.id,
                "took back a ready channel made before a restart"
            );
            r.pool.channels.push(found);
            taken_back.push(found.id);
        }
    }
    if r.pool != before {
        drop(state.save_pool());
    }
    // Its overwrites are not in the listing: whatever they became, it is hidden again.
    hide(state, taken_back);
    consider(state);
}

/// A ticket left provisioning: its handover, if any, is over.
pub(super) fn ticket_settled(state: &mut GuildState, record: &TicketRecord) {
    if record.state == TicketState::Provisioning {
        return;
    }
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    let Some(channel) = r.pool.handing_to(record.number) else {
        consider(state);
        return;
    };
    r.pool
        .finish_handover(record.number, record.channel == Some(channel.id));
    state.save_pool_lazy();
    consider(state);
}

/// A person edited a pooled channel (its name, topic or who sees it): it is theirs now.
fn channel_updated(
    state: &mut GuildState,
    channel: Snowflake,
    name: &str,
    topic: Option<&str>,
    overwrites: &[Overwrite],
) {
    let expected = hidden_overwrites(state);
    let Some(r) = state.ready.as_deref_mut() else {
        return;
    };
    if !r.pool.is_pooled(channel) || ready::still_ready(name, topic, overwrites, &expected) {
        return;
    }
    warn!(
        channel,
        "a ready channel was edited by hand; dropped from the pool"
    );
    r.pool.forget(channel);
    drop(state.save_pool());
    consider(state);
}

/// Staff roles changed: pooled channels deny the new set by name (`domain::ready`).
pub(super) fn reapply_staff(state: &GuildState) {
    let Some(r) = state.ready.as_deref() else {
        return;
    };
    hide(state, r.pool.channels.iter().map(|c| c.id).collect());
}

/// Gives `channels` the hidden overwrites, on a task.
fn hide(state: &GuildState, channels: Vec<Snowflake>) {
    if channels.is_empty() {
        return;
    }
    let overwrites = hidden_overwrites(state);
    let (discord, guild) = (state.ctx.discord.clone(), state.guild);
    tokio::spawn(async move {
        for channel in channels {
            if let Err(error) = discord.set_overwrites(guild, channel, &overwrites).await {
                warn!(%error, channel, "could not update a ready channel's overwrites");
            }
        }
    });
}

/// The admin's setting: on or off, the size, the pool's own category (kept as it is).
/// Turning it off, or making it smaller, deletes the pooled channels beyond the size.
pub fn configure(
    state: &mut GuildState,
    enabled: bool,
    size: u32,
    category: Option<Snowflake>,
) -> Option<CommitReceipt> {
    let r = state.ready.get_or_insert_with(Box::default);
    r.pool.enabled = enabled;
    r.pool.size = size.clamp(1, ready::SIZE_MAX);
    r.pool.category = category;
    let keep = if enabled { r.pool.size as usize } else { 0 };
    let surplus: Vec<Snowflake> = r
        .pool
        .channels
        .drain(keep.min(r.pool.channels.len())..)
        .map(|c| c.id)
        .collect();
    let commit = state.save_pool();
    delete_channels(state, surplus);
    consider(state);
    commit
}

/// Deletes ready channels the pool no longer wants, on a task.
fn delete_channels(state: &GuildState, channels: Vec<Snowflake>) {
    if channels.is_empty() {
        return;
    }
    let (discord, reason) = (
        state.ctx.discord.clone(),
        state.channel_lang().text(Text::ReadyChannelDeleteReason),
    );
    tokio::spawn(async move {
        for channel in channels {
            if let Err(error) = discord.delete_channel(channel, reason).await {
                warn!(%error, channel, "could not delete a ready channel");
            }
        }
    });
}
