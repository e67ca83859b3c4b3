//! Discord's permission algorithm, as documented under "Permission Overwrites": a pure function so
//! the simulator refuses the bot exactly what Discord would, and so the control API can answer
//! "what may this person do here" with the same code.

/// Permission bits the simulator reasons about (Discord's values).
pub mod bits {
    pub const CREATE_INSTANT_INVITE: u64 = 1 << 0;
    pub const KICK_MEMBERS: u64 = 1 << 1;
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_CHANNELS: u64 = 1 << 4;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const MENTION_EVERYONE: u64 = 1 << 17;
    pub const USE_EXTERNAL_EMOJIS: u64 = 1 << 18;
    pub const CONNECT: u64 = 1 << 20;
    pub const SPEAK: u64 = 1 << 21;
    pub const CHANGE_NICKNAME: u64 = 1 << 26;
    pub const MANAGE_ROLES: u64 = 1 << 28;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const MANAGE_THREADS: u64 = 1 << 34;
    pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
    pub const CREATE_PRIVATE_THREADS: u64 = 1 << 36;
    /// Posting in a thread needs this, not SEND_MESSAGES.
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
    /// Split from MANAGE_MESSAGES by Discord in 2025; since January 2026 pinning needs it.
    pub const PIN_MESSAGES: u64 = 1 << 51;
    /// Every permission Discord defines today (bits 0 through 51).
    pub const ALL: u64 = (1 << 52) - 1;

    /// What a fresh guild's @everyone role holds in the simulator (close to Discord's default).
    pub const EVERYONE_DEFAULT: u64 = CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CONNECT
        | SPEAK
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | CREATE_PRIVATE_THREADS
        | SEND_MESSAGES_IN_THREADS;

    /// The managed role of the simulator's bot: what a ticket bot needs.
    pub const BOT_ROLE: u64 = MANAGE_CHANNELS
        | MANAGE_ROLES
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY;
}

/// The permission that lets one post in a channel: in a thread, Send Messages in Threads.
pub fn send_bit(is_thread: bool) -> u64 {
    if is_thread {
        bits::SEND_MESSAGES_IN_THREADS
    } else {
        bits::SEND_MESSAGES
    }
}

/// Pins a channel may hold (Discord raised it from 50 to 250 in 2025).
pub const MAX_PINS: usize = 250;

/// Why Discord refuses a pin or unpin, after access to the channel and the message is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinRefusal {
    /// 50013: no Pin Messages in a guild channel (Manage Messages no longer pins).
    MissingPermissions,
    /// 50021: system messages (joins, pins, boosts...) cannot be pinned.
    SystemMessage,
    /// 30003: the channel already holds [`MAX_PINS`].
    MaxPins,
}

/// Message types people write: default, reply, slash-command and context-menu answers.
/// Every other type is a system message.
pub fn is_system_message(kind: u8) -> bool {
    !matches!(kind, 0 | 19 | 20 | 23)
}

/// Whether a pin (`pin: true`) or an unpin may go ahead. DMs need no permission. Pinning what
/// is already pinned succeeds without counting against the limit.
pub fn pin_check(
    pin: bool,
    in_guild: bool,
    perms: u64,
    kind: u8,
    already: bool,
    pinned: usize,
) -> Result<(), PinRefusal> {
    if in_guild && perms & bits::PIN_MESSAGES == 0 {
        return Err(PinRefusal::MissingPermissions);
    }
    if pin && is_system_message(kind) {
        return Err(PinRefusal::SystemMessage);
    }
    if pin && !already && pinned >= MAX_PINS {
        return Err(PinRefusal::MaxPins);
    }
    Ok(())
}

/// Whom an overwrite targets; the numbers are Discord's `type` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverwriteKind {
    Role = 0,
    Member = 1,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwrite {
    pub id: u64,
    pub kind: OverwriteKind,
    pub allow: u64,
    pub deny: u64,
}

/// The member whose permissions are computed, with the guild facts the algorithm needs.
#[derive(Debug, Clone, Copy)]
pub struct MemberContext<'a> {
    /// The guild id, which is also the @everyone role's id.
    pub guild_id: u64,
    pub owner_id: u64,
    pub user_id: u64,
    /// Permissions of the @everyone role.
    pub everyone: u64,
    /// The member's roles (other than @everyone) as `(role id, role permissions)`.
    pub roles: &'a [(u64, u64)],
}

/// Guild-level permissions: @everyone ORed with the member's roles; the owner and administrators
/// hold everything.
pub fn base_permissions(m: &MemberContext<'_>) -> u64 {
    if m.user_id == m.owner_id {
        return bits::ALL;
    }
    let perms = m.roles.iter().fold(m.everyone, |acc, (_, role)| acc | role);
    if perms & bits::ADMINISTRATOR != 0 {
        return bits::ALL;
    }
    perms
}

/// Channel permissions: base permissions, then the @everyone overwrite, then the member's roles'
/// overwrites combined, then the member's own overwrite, each deny before allow. Without
/// VIEW_CHANNEL nothing else counts, as Discord's clients and API treat it.
pub fn channel_permissions(m: &MemberContext<'_>, overwrites: &[Overwrite]) -> u64 {
    let base = base_permissions(m);
    if base & bits::ADMINISTRATOR != 0 || m.user_id == m.owner_id {
        return bits::ALL;
    }
    let mut perms = base;
    if let Some(everyone) = overwrites
        .iter()
        .find(|o| o.kind == OverwriteKind::Role && o.id == m.guild_id)
    {
        perms &= !everyone.deny;
        perms |= everyone.allow;
    }
    let (mut allow, mut deny) = (0, 0);
    for o in overwrites.iter().filter(|o| o.kind == OverwriteKind::Role) {
        if o.id != m.guild_id && m.roles.iter().any(|(id, _)| *id == o.id) {
            allow |= o.allow;
            deny |= o.deny;
        }
    }
    perms &= !deny;
    perms |= allow;
    if let Some(member) = overwrites
        .iter()
        .find(|o| o.kind == OverwriteKind::Member && o.id == m.user_id)
    {
        perms &= !member.deny;
        perms |= member.allow;
    }
    if perms & bits::VIEW_CHANNEL == 0 {
        return 0;
    }
    perms
}

/// What the bot holds when it writes overwrites. Discord: on channel create "only permissions
/// your bot has in the guild can be allowed/denied" and "setting MANAGE_ROLES permission in
/// channels is only possible for guild administrators"; on modify "only permissions your bot has
/// in the guild or parent channel (if applicable) can be allowed/denied (unless your bot has a
/// MANAGE_ROLES overwrite in the channel)".
#[derive(Debug, Clone, Copy)]
pub struct Granter {
    /// The bot's guild-level permissions.
    pub guild: u64,
    /// Its computed permissions in the parent category (modify only).
    pub parent: Option<u64>,
    /// A channel overwrite applying to the bot allows MANAGE_ROLES (modify only).
    pub manage_roles_overwrite: bool,
}

/// Whether the bot may write overwrites allowing `allow` and denying `deny`.
pub fn may_grant(g: &Granter, allow: u64, deny: u64) -> bool {
    if g.guild & bits::ADMINISTRATOR != 0 || g.manage_roles_overwrite {
        return true;
    }
    if allow & bits::MANAGE_ROLES != 0 {
        return false;
    }
    let holds = g.guild | g.parent.unwrap_or(0);
    (allow | deny) & !holds == 0
}

/// What Discord does with the embeds of a message sent without EMBED_LINKS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedLinks {
    Keep,
    /// Other content carries the message; the embeds are silently dropped.
    Drop,
    /// The embeds were all there was: 403 Missing Permissions.
    Refuse,
}

/// `has_other`: the message has something besides embeds (content, files, components, a poll,
/// stickers).
pub fn embed_links(perms: u64, has_embeds: bool, has_other: bool) -> EmbedLinks {
    if !has_embeds || perms & bits::EMBED_LINKS != 0 {
        EmbedLinks::Keep
    } else if has_other {
        EmbedLinks::Drop
    } else {
        EmbedLinks::Refuse
    }
}

#[cfg(test)]
mod tests {
    use super::bits::*;
    use super::*;

    const GUILD: u64 = 100;
    const OWNER: u64 = 1;
    const USER: u64 = 2;
    const STAFF: u64 = 300;
    const OTHER: u64 = 301;

    fn ctx(roles: &[(u64, u64)]) -> MemberContext<'_> {
        MemberContext {
            guild_id: GUILD,
            owner_id: OWNER,
            user_id: USER,
            everyone: VIEW_CHANNEL | SEND_MESSAGES,
            roles,
        }
    }

    fn role(id: u64, allow: u64, deny: u64) -> Overwrite {
        Overwrite {
            id,
            kind: OverwriteKind::Role,
            allow,
            deny,
        }
    }

    fn member(id: u64, allow: u64, deny: u64) -> Overwrite {
        Overwrite {
            id,
            kind: OverwriteKind::Member,
            allow,
            deny,
        }
    }

    #[test]
    fn overwrites_may_grant_only_what_the_guild_or_parent_gives() {
        let bot = MANAGE_CHANNELS | MANAGE_ROLES | VIEW_CHANNEL | SEND_MESSAGES;
        let create = Granter {
            guild: bot,
            parent: None,
            manage_roles_overwrite: false,
        };
        assert!(may_grant(
            &create,
            VIEW_CHANNEL | SEND_MESSAGES,
            VIEW_CHANNEL
        ));
        assert!(
            !may_grant(&create, ATTACH_FILES, 0),
            "not held in the guild"
        );
        assert!(!may_grant(&create, 0, ATTACH_FILES), "denying needs it too");
        assert!(!may_grant(&create, MANAGE_ROLES, 0), "only administrators");
        assert!(may_grant(&create, 0, MANAGE_ROLES));
        let from_parent = Granter {
            parent: Some(ATTACH_FILES),
            ..create
        };
        assert!(may_grant(&from_parent, ATTACH_FILES, 0));
        let admin = Granter {
            guild: ALL,
            ..create
        };
        assert!(may_grant(&admin, MANAGE_ROLES | ATTACH_FILES, 0));
        let exempt = Granter {
            manage_roles_overwrite: true,
            ..create
        };
        assert!(may_grant(&exempt, ATTACH_FILES, 0));
    }

    #[test]
    fn embeds_without_embed_links_are_dropped_or_refused() {
        let may = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS;
        let may_not = VIEW_CHANNEL | SEND_MESSAGES;
        assert_eq!(embed_links(may, true, false), EmbedLinks::Keep);
        assert_eq!(embed_links(may_not, false, true), EmbedLinks::Keep);
        assert_eq!(embed_links(may_not, true, true), EmbedLinks::Drop);
        assert_eq!(embed_links(may_not, true, false), EmbedLinks::Refuse);
    }

    #[test]
    fn owner_has_everything_despite_overwrites() {
        let mut c = ctx(&[]);
        c.user_id = OWNER;
        let ow = [role(GUILD, 0, VIEW_CHANNEL), member(OWNER, 0, ALL)];
        assert_eq!(channel_permissions(&c, &ow), ALL);
        assert_eq!(base_permissions(&c), ALL);
    }

    #[test]
    fn administrator_role_has_everything_despite_overwrites() {
        let roles = [(STAFF, ADMINISTRATOR)];
        let c = ctx(&roles);
        let ow = [role(GUILD, 0, VIEW_CHANNEL), role(STAFF, 0, ALL)];
        assert_eq!(channel_permissions(&c, &ow), ALL);
    }

    #[test]
    fn everyone_deny_with_member_allow_lets_the_member_in() {
        let c = ctx(&[]);
        let ow = [
            role(GUILD, 0, VIEW_CHANNEL),
            member(USER, VIEW_CHANNEL | SEND_MESSAGES, 0),
        ];
        let p = channel_permissions(&c, &ow);
        assert_ne!(p & VIEW_CHANNEL, 0);
        assert_ne!(p & SEND_MESSAGES, 0);
        // Someone else stays out.
        let mut other = ctx(&[]);
        other.user_id = 3;
        assert_eq!(channel_permissions(&other, &ow), 0);
    }

    #[test]
    fn role_deny_loses_to_member_allow() {
        let roles = [(STAFF, 0)];
        let c = ctx(&roles);
        let ow = [
            role(STAFF, 0, SEND_MESSAGES),
            member(USER, SEND_MESSAGES, 0),
        ];
        assert_ne!(channel_permissions(&c, &ow) & SEND_MESSAGES, 0);
        // Without the member overwrite the role deny holds.
        assert_eq!(channel_permissions(&c, &ow[..1]) & SEND_MESSAGES, 0);
    }

    #[test]
    fn role_allow_beats_role_deny_across_roles() {
        // Discord combines all role overwrites first, then applies deny before allow.
        let roles = [(STAFF, 0), (OTHER, 0)];
        let c = ctx(&roles);
        let ow = [role(STAFF, 0, SEND_MESSAGES), role(OTHER, SEND_MESSAGES, 0)];
        assert_ne!(channel_permissions(&c, &ow) & SEND_MESSAGES, 0);
    }

    #[test]
    fn no_view_channel_means_nothing() {
        let c = ctx(&[]);
        let ow = [role(GUILD, 0, VIEW_CHANNEL)];
        assert_eq!(channel_permissions(&c, &ow), 0);
    }

    #[test]
    fn overwrites_of_roles_the_member_lacks_do_not_apply() {
        let c = ctx(&[]);
        let ow = [role(STAFF, 0, VIEW_CHANNEL)];
        assert_ne!(channel_permissions(&c, &ow) & VIEW_CHANNEL, 0);
    }

    #[test]
    fn pins_need_pin_messages_not_manage_messages_and_stop_at_the_limit() {
        let pin = bits::PIN_MESSAGES;
        assert_eq!(pin_check(true, true, pin, 0, false, 0), Ok(()));
        assert_eq!(
            pin_check(true, true, bits::MANAGE_MESSAGES, 0, false, 0),
            Err(PinRefusal::MissingPermissions)
        );
        assert_eq!(
            pin_check(false, true, bits::MANAGE_MESSAGES, 0, true, 1),
            Err(PinRefusal::MissingPermissions)
        );
        assert_eq!(pin_check(true, false, 0, 19, false, 0), Ok(()), "a DM");
        assert_eq!(
            pin_check(true, true, pin, 6, false, 0),
            Err(PinRefusal::SystemMessage)
        );
        assert_eq!(
            pin_check(true, true, pin, 0, false, MAX_PINS),
            Err(PinRefusal::MaxPins)
        );
        assert_eq!(pin_check(true, true, pin, 0, true, MAX_PINS), Ok(()));
        assert_eq!(pin_check(false, true, pin, 6, true, MAX_PINS), Ok(()));
        assert_eq!(MAX_PINS, 250);
    }
}
