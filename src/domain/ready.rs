//! Ready channels: hidden channels a guild creates while it is quiet, so that a burst of opens
//! turns each into a ticket with one channel edit (a per-channel bucket) instead of a channel
//! create (Discord's 10 per 10 s per guild). The pool's record, its sizing, when to refill,
//! naming, visibility and whether a ready channel may be used under Discord's limits, as pure
//! functions.

use serde::{Deserialize, Serialize};

use super::access::{Overwrite, OverwriteKind, STAFF_ALLOW, perms::VIEW_CHANNEL};
use super::limits::CATEGORY_CHANNELS_MAX;
use super::model::Snowflake;

/// The largest pool an admin may ask for: two categories' worth (Discord allows 50 channels in
/// one), the tickets category's room and a ready category of its own.
pub const SIZE_MAX: u32 = 2 * CATEGORY_CHANNELS_MAX;
/// The size offered when an admin turns the pool on.
pub const SIZE_DEFAULT: u32 = 25;
/// Discord's channels per server (error 30013).
pub const SERVER_CHANNELS_MAX: u32 = super::limits::GUILD_CHANNELS_MAX;
/// Ready channels never bring a server closer than this to Discord's 500: the room is the
/// admins' and the tickets', not the pool's.
pub const SERVER_RESERVE: u32 = 25;
/// A guild is quiet once no ticket was opened for this long.
pub const QUIET_AFTER_MS: u64 = 5_000;
/// Ready channels are created at most one per this interval: half the guild's channel-create
/// bucket (10 per 10 s), so the other half is always there for a ticket when the pool is empty.
pub const REFILL_SPACING_MS: u64 = 2_000;
/// The channel name prefix admins see; channel names cannot be translated per viewer.
pub const NAME_PREFIX: &str = "ready-";
/// The start of a ready channel's topic: how a channel created just before a crash is
/// recognised and taken back into the pool.
pub const TOPIC_MARKER: &str = "ticketeer:ready";

/// One pooled channel and the category it was created in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyChannel {
    pub id: Snowflake,
    pub parent: Option<Snowflake>,
}

/// A ready channel being handed to a ticket: its number is committed with this entry, so a
/// crash before the channel edit is repaired by finishing the edit, never by a second channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub channel: ReadyChannel,
    pub number: u64,
}

/// A guild's pool: its configuration and its state, stored together in their own table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReadyPool {
    pub enabled: bool,
    /// How many hidden channels to keep ready (1..=[`SIZE_MAX`]).
    pub size: u32,
    /// The pool's own category, made once the tickets category holds 50 channels; ready
    /// channels go to the tickets category while it has room.
    pub category: Option<Snowflake>,
    /// Hidden channels waiting for a ticket, oldest first.
    pub channels: Vec<ReadyChannel>,
    pub handing: Vec<Handover>,
    /// Ready channels ever made in this guild: numbers their names.
    pub made: u64,
}

impl ReadyPool {
    pub fn is_pooled(&self, channel: Snowflake) -> bool {
        self.channels.iter().any(|c| c.id == channel)
    }

    /// Pooled channels in `category`.
    pub fn in_category(&self, category: Snowflake) -> u32 {
        self.channels
            .iter()
            .filter(|c| c.parent == Some(category))
            .count() as u32
    }

    /// Drops a channel from the pool and from any handover (deleted or edited by a person);
    /// true when it was known.
    pub fn forget(&mut self, channel: Snowflake) -> bool {
        let before = self.channels.len() + self.handing.len();
        self.channels.retain(|c| c.id != channel);
        self.handing.retain(|h| h.channel.id != channel);
        before != self.channels.len() + self.handing.len()
    }

    /// On, and holding fewer channels than its size (or a hand-over to settle): its guild's
    /// actor is started with the bot, not on first need.
    pub fn short(&self) -> bool {
        self.enabled && (self.channels.len() < self.size as usize || !self.handing.is_empty())
    }

    /// The channel being handed to ticket `number`, if any.
    pub fn handing_to(&self, number: u64) -> Option<ReadyChannel> {
        self.handing
            .iter()
            .find(|h| h.number == number)
            .map(|h| h.channel)
    }

    /// Takes a ready channel for ticket `number` going into `target`, where the tickets
    /// already hold `target_tickets` channels. `None` when the pool is off, empty, or no
    /// pooled channel may move there under the 50 per category.
    pub fn take_for(
        &mut self,
        number: u64,
        target: Snowflake,
        target_tickets: u32,
    ) -> Option<ReadyChannel> {
        if !self.enabled {
            return None;
        }
        let ready_there = self.in_category(target);
        // One already in the target category moves nowhere: it costs the category nothing.
        let index = self
            .channels
            .iter()
            .position(|c| c.parent == Some(target))
            .or_else(|| {
                may_move_into(target_tickets, ready_there)
                    .then_some(0)
                    .filter(|_| !self.channels.is_empty())
            })?;
        let channel = self.channels.remove(index);
        self.handing.push(Handover { channel, number });
        Some(channel)
    }

    /// A handover finished: the channel became ticket `number`'s (`used`), or it goes back
    /// to the pool (the ticket got another channel, or none).
    pub fn finish_handover(&mut self, number: u64, used: bool) -> bool {
        let Some(index) = self.handing.iter().position(|h| h.number == number) else {
            return false;
        };
        let handover = self.handing.remove(index);
        if !used {
            self.channels.push(handover.channel);
        }
        true
    }
}

/// Whether a ready channel from another category may move into one holding `tickets` ticket
/// channels and `ready` pooled ones: Discord refuses a 51st channel in a category.
pub fn may_move_into(tickets: u32, ready: u32) -> bool {
    tickets + ready < CATEGORY_CHANNELS_MAX
}

/// Whether a category holding `tickets` ticket channels and `ready` pooled ones has room for
/// the next ticket: a pooled channel already there becomes it without adding a channel.
pub fn category_has_room(tickets: u32, ready: u32) -> bool {
    if ready > 0 {
        tickets + ready <= CATEGORY_CHANNELS_MAX
    } else {
        tickets < CATEGORY_CHANNELS_MAX
    }
}

/// Where the next ready channel goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    In(Snowflake),
    /// The tickets category is full: make the pool's own category first.
    MakeCategory,
    /// No tickets category yet, or both categories full.
    Nowhere,
}

/// The tickets category while it has room, then the pool's own category (made when first
/// needed); `channels_in` counts a category's ticket and pooled channels.
pub fn home(
    tickets: Option<Snowflake>,
    ready: Option<Snowflake>,
    channels_in: impl Fn(Snowflake) -> u32,
) -> Home {
    let Some(tickets) = tickets else {
        return Home::Nowhere;
    };
    let with_room = [Some(tickets), ready]
        .into_iter()
        .flatten()
        .find(|c| channels_in(*c) < CATEGORY_CHANNELS_MAX);
    match (with_room, ready) {
        (Some(category), _) => Home::In(category),
        (None, None) => Home::MakeCategory,
        (None, Some(_)) => Home::Nowhere,
    }
}

/// What the refill decision looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefillView {
    pub pooled: u32,
    /// A ticket is being provisioned or waits in line.
    pub busy: bool,
    pub since_last_open_ms: u64,
    pub since_last_refill_ms: u64,
    /// A ready channel is being created right now.
    pub creating: bool,
    /// Channels in the server, as last listed plus those created since; `None` before the
    /// first listing.
    pub server_channels: Option<u32>,
    /// Ticket channels and pooled channels in the category ready channels go to.
    pub category_channels: u32,
}

/// What the guild actor should do about its pool now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refill {
    /// Full, off, or no room: nothing until something changes.
    Idle,
    /// Not now (busy, or too soon): look again after this many milliseconds.
    Later(u64),
    /// List the server's channels first (count them, take back ready channels a crash left).
    List,
    /// Create one ready channel.
    Create,
}

/// When to create the next ready channel: only while the guild is quiet, one at a time, at
/// most one per [`REFILL_SPACING_MS`], and never into Discord's limits.
pub fn refill(pool: &ReadyPool, view: RefillView) -> Refill {
    if !pool.enabled || view.creating {
        return Refill::Idle;
    }
    if view.busy {
        return Refill::Later(QUIET_AFTER_MS);
    }
    // A listing costs no channel create: it comes first, even for a full pool, so channels
    // deleted while the bot was away leave the pool before a ticket is handed one.
    let Some(server) = view.server_channels else {
        return Refill::List;
    };
    if view.pooled >= pool.size.min(SIZE_MAX) {
        return Refill::Idle;
    }
    if view.since_last_open_ms < QUIET_AFTER_MS {
        return Refill::Later(QUIET_AFTER_MS - view.since_last_open_ms);
    }
    if view.since_last_refill_ms < REFILL_SPACING_MS {
        return Refill::Later(REFILL_SPACING_MS - view.since_last_refill_ms);
    }
    if server + SERVER_RESERVE >= SERVER_CHANNELS_MAX
        || view.category_channels >= CATEGORY_CHANNELS_MAX
    {
        return Refill::Idle;
    }
    Refill::Create
}

/// The size an admin typed, or why not.
pub fn parse_size(input: &str) -> Option<u32> {
    input
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=SIZE_MAX).contains(n))
}

/// The name of the `n`th ready channel made in a guild.
pub fn channel_name(n: u64) -> String {
    format!("{NAME_PREFIX}{n:04}")
}

/// A ready channel's topic: the marker, then what admins who see it read.
pub fn channel_topic(explanation: &str) -> String {
    format!("{TOPIC_MARKER} · {explanation}")
}

/// Whether a channel's topic marks it as a ready channel (made by this bot before a crash).
pub fn is_ready_topic(topic: Option<&str>) -> bool {
    topic.is_some_and(|t| t.starts_with(TOPIC_MARKER))
}

/// Whether a listed channel is a ready channel as the bot made it (its name and topic): one
/// a person renamed is theirs, even with the topic left.
pub fn looks_ready(name: &str, topic: Option<&str>) -> bool {
    name.starts_with(NAME_PREFIX) && is_ready_topic(topic)
}

/// Whether a pooled channel still looks as the bot left it; a person who renamed it or
/// changed who sees it took it for something else, and it leaves the pool.
pub fn still_ready(
    name: &str,
    topic: Option<&str>,
    overwrites: &[Overwrite],
    expected: &[Overwrite],
) -> bool {
    let same_set = overwrites.len() == expected.len()
        && expected.iter().all(|e| {
            overwrites
                .iter()
                .any(|o| o.id == e.id && o.allow == e.allow && o.deny == e.deny)
        });
    looks_ready(name, topic) && same_set
}

/// A ready channel's overwrites: nobody but the bot sees it (admins see every channel anyway).
/// Staff roles are denied by name, so a staff role given View Channel by another overwrite
/// later still cannot see it; a change of staff roles is re-applied to pooled channels.
pub fn hidden_overwrites(
    guild: Snowflake,
    bot: Snowflake,
    staff_roles: &[Snowflake],
) -> Vec<Overwrite> {
    let mut out = vec![
        Overwrite {
            id: guild,
            kind: OverwriteKind::Role,
            allow: 0,
            deny: VIEW_CHANNEL,
        },
        Overwrite {
            id: bot,
            kind: OverwriteKind::Member,
            allow: STAFF_ALLOW,
            deny: 0,
        },
    ];
    for &role in staff_roles {
        if role != guild && !out.iter().any(|o| o.id == role) {
            out.push(Overwrite {
                id: role,
                kind: OverwriteKind::Role,
                allow: 0,
                deny: VIEW_CHANNEL,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(n: u64, parent: Option<Snowflake>) -> ReadyPool {
        ReadyPool {
            enabled: true,
            size: 10,
            category: None,
            channels: (1..=n).map(|id| ReadyChannel { id, parent }).collect(),
            handing: Vec::new(),
            made: n,
        }
    }

    fn quiet(pooled: u32) -> RefillView {
        RefillView {
            pooled,
            busy: false,
            since_last_open_ms: 60_000,
            since_last_refill_ms: 60_000,
            creating: false,
            server_channels: Some(10),
            category_channels: 5,
        }
    }

    #[test]
    fn refills_only_when_quiet_spaced_and_within_limits() {
        let p = pool(3, Some(9));
        assert_eq!(refill(&p, quiet(3)), Refill::Create);
        assert_eq!(refill(&p, quiet(10)), Refill::Idle);
        // A full pool is still listed once, to drop what was deleted while the bot was away.
        assert_eq!(
            refill(
                &p,
                RefillView {
                    server_channels: None,
                    ..quiet(10)
                }
            ),
            Refill::List
        );
        assert_eq!(
            refill(
                &p,
                RefillView {
                    busy: true,
                    ..quiet(3)
                }
            ),
            Refill::Later(QUIET_AFTER_MS)
        );
        assert_eq!(
            refill(
                &p,
                RefillView {
                    since_last_open_ms: 1_000,
                    ..quiet(3)
                }
            ),
            Refill::Later(QUIET_AFTER_MS - 1_000)
        );
        assert_eq!(
            refill(
                &p,
                RefillView {
                    since_last_refill_ms: 500,
                    ..quiet(3)
                }
            ),
            Refill::Later(REFILL_SPACING_MS - 500)
        );
        assert_eq!(
            refill(
                &p,
                RefillView {
                    creating: true,
                    ..quiet(3)
                }
            ),
            Refill::Idle
        );
        assert_eq!(
            refill(
                &p,
                RefillView {
                    server_channels: None,
                    ..quiet(3)
                }
            ),
            Refill::List
        );
        let near_500 = SERVER_CHANNELS_MAX - SERVER_RESERVE;
        assert_eq!(
            refill(
                &p,
                RefillView {
                    server_channels: Some(near_500),
                    ..quiet(3)
                }
            ),
            Refill::Idle
        );
        assert_eq!(
            refill(
                &p,
                RefillView {
                    category_channels: 50,
                    ..quiet(3)
                }
            ),
            Refill::Idle
        );
        let off = ReadyPool {
            enabled: false,
            ..p
        };
        assert_eq!(refill(&off, quiet(0)), Refill::Idle);
    }

    // 10 creates per 10 s per guild on Discord: the refill takes at most half of them.
    const _: () = assert!(10_000 / REFILL_SPACING_MS <= 5);

    #[test]
    fn take_prefers_the_target_category_and_respects_fifty() {
        let mut p = pool(2, Some(7));
        p.channels.push(ReadyChannel {
            id: 3,
            parent: Some(9),
        });
        assert_eq!(p.take_for(100, 9, 49).map(|c| c.id), Some(3));
        assert_eq!(p.handing_to(100).map(|c| c.id), Some(3));
        // From another category only while the target has room.
        assert_eq!(p.take_for(101, 9, 50), None);
        assert_eq!(p.take_for(101, 9, 10).map(|c| c.id), Some(1));
        let mut off = pool(2, None);
        off.enabled = false;
        assert_eq!(off.take_for(1, 9, 0), None);
        let mut empty = pool(0, None);
        assert_eq!(empty.take_for(1, 9, 0), None);
    }

    #[test]
    fn a_handover_ends_used_or_back_in_the_pool() {
        let mut p = pool(2, Some(9));
        let c = p.take_for(5, 9, 0).expect("one");
        assert!(p.finish_handover(5, false));
        assert!(p.is_pooled(c.id));
        let c = p.take_for(6, 9, 0).expect("one");
        assert!(p.finish_handover(6, true));
        assert!(!p.is_pooled(c.id));
        assert!(!p.finish_handover(6, true));
        assert!(p.handing.is_empty());
    }

    #[test]
    fn ready_channels_fill_the_tickets_category_then_their_own() {
        let load = |full: &'static [u64]| move |c: u64| if full.contains(&c) { 50 } else { 10 };
        assert_eq!(home(None, None, load(&[])), Home::Nowhere);
        assert_eq!(home(Some(1), None, load(&[])), Home::In(1));
        assert_eq!(home(Some(1), None, load(&[1])), Home::MakeCategory);
        assert_eq!(home(Some(1), Some(2), load(&[1])), Home::In(2));
        assert_eq!(home(Some(1), Some(2), load(&[1, 2])), Home::Nowhere);
        assert_eq!(SIZE_MAX, 100);
    }

    #[test]
    fn a_pool_is_short_while_on_and_below_its_size() {
        let mut p = pool(10, None);
        assert!(!p.short());
        p.channels.pop();
        assert!(p.short());
        p.enabled = false;
        assert!(!p.short());
    }

    #[test]
    fn forgetting_drops_pooled_and_handed_channels() {
        let mut p = pool(3, Some(9));
        let c = p.take_for(5, 9, 0).expect("one");
        assert!(p.forget(c.id));
        assert!(p.handing_to(5).is_none());
        assert!(p.forget(2));
        assert!(!p.forget(2));
        assert_eq!(p.channels.len(), 1);
    }

    #[test]
    fn category_room_counts_ready_channels() {
        assert!(category_has_room(49, 0));
        assert!(!category_has_room(50, 0));
        // 45 tickets + 5 ready: the next ticket takes a ready one in place.
        assert!(category_has_room(45, 5));
        assert!(!category_has_room(46, 5));
        assert!(may_move_into(48, 1));
        assert!(!may_move_into(45, 5));
    }

    #[test]
    fn names_topics_and_sizes() {
        assert_eq!(channel_name(7), "ready-0007");
        assert!(is_ready_topic(Some(&channel_topic("hidden"))));
        assert!(!is_ready_topic(Some("ticketeer:7:1")));
        assert!(!is_ready_topic(None));
        assert!(looks_ready("ready-0001", Some(&channel_topic("x"))));
        assert!(!looks_ready("my-notes", Some(&channel_topic("x"))));
        assert_eq!(parse_size(" 25 "), Some(25));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("101"), None);
        assert_eq!(parse_size("x"), None);
    }

    #[test]
    fn hidden_from_everyone_and_staff_but_the_bot() {
        let ows = hidden_overwrites(1, 2, &[3, 1, 3]);
        assert_eq!(ows.len(), 3);
        assert_eq!(ows[0].deny & VIEW_CHANNEL, VIEW_CHANNEL);
        assert_eq!(ows[1].allow & VIEW_CHANNEL, VIEW_CHANNEL);
        assert_eq!(ows[2].deny & VIEW_CHANNEL, VIEW_CHANNEL);
        let topic = channel_topic("x");
        assert!(still_ready("ready-0001", Some(&topic), &ows, &ows));
        assert!(!still_ready("support", Some(&topic), &ows, &ows));
        assert!(!still_ready("ready-0001", Some(&topic), &ows[..2], &ows));
        assert!(!still_ready("ready-0001", Some("mine now"), &ows, &ows));
    }
}
