//! Who may do what with a ticket, and the permission overwrites that make it so on Discord.
//!
//! Overwrites are computed here, in one place, so that a ticket channel, a closed ticket and a
//! category always carry exactly the access the design says, and nothing a member could inherit.

use thiserror::Error;

use crate::{
    domain::model::ClaimMode,
    ui::text::{Text, t},
};

/// Discord permission bits the bot reads or grants.
pub mod perms {
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_CHANNELS: u64 = 1 << 4;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const MANAGE_ROLES: u64 = 1 << 28;
    pub const MANAGE_THREADS: u64 = 1 << 34;
    pub const CREATE_PRIVATE_THREADS: u64 = 1 << 36;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
}

use perms::*;

/// What the opener and added users get in an open ticket.
pub const MEMBER_ALLOW: u64 =
    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | ATTACH_FILES | EMBED_LINKS;

/// What staff roles and the bot get. Deliberately without MANAGE_ROLES: granting it in an
/// overwrite needs Administrator, and a bot without it would have every channel create refused.
pub const STAFF_ALLOW: u64 = MEMBER_ALLOW | MANAGE_CHANNELS;

/// Guild-level permissions the bot needs to run tickets (for a startup / setup check).
pub const BOT_REQUIRED: u64 = VIEW_CHANNEL
    | SEND_MESSAGES
    | READ_MESSAGE_HISTORY
    | EMBED_LINKS
    | ATTACH_FILES
    | MANAGE_CHANNELS
    | MANAGE_ROLES;

/// What the bot needs in the log channel: its entries are embeds, closed tickets' carry the
/// transcript files, and Discord hides history (and with it the channel's use) without Read
/// Message History.
pub const LOG_CHANNEL_NEEDS: u64 =
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY;

/// What the bot needs where it posts a panel (an embed with a button; no files).
pub const PANEL_CHANNEL_NEEDS: u64 =
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY;

/// What the bot needs in the channel a panel's tickets are private threads in: to create them,
/// write in them, and (Manage Threads) add and remove members, archive, lock and unlock them.
pub const THREAD_CHANNEL_NEEDS: u64 = VIEW_CHANNEL
    | READ_MESSAGE_HISTORY
    | EMBED_LINKS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
    | MANAGE_THREADS;

/// The names Discord's client shows for the permissions the bot checks, in its order.
pub const PERMISSION_NAMES: [(u64, &str); 12] = [
    (ADMINISTRATOR, "Administrator"),
    (MANAGE_CHANNELS, "Manage Channels"),
    (MANAGE_GUILD, "Manage Server"),
    (VIEW_CHANNEL, "View Channel"),
    (SEND_MESSAGES, "Send Messages"),
    (EMBED_LINKS, "Embed Links"),
    (ATTACH_FILES, "Attach Files"),
    (READ_MESSAGE_HISTORY, "Read Message History"),
    (MANAGE_ROLES, "Manage Roles"),
    (MANAGE_THREADS, "Manage Threads"),
    (CREATE_PRIVATE_THREADS, "Create Private Threads"),
    (SEND_MESSAGES_IN_THREADS, "Send Messages in Threads"),
];

/// The names of the permissions in `need` that `have` lacks, e.g. `["Embed Links"]`.
pub fn missing_permissions(have: u64, need: u64) -> Vec<&'static str> {
    PERMISSION_NAMES
        .iter()
        .filter(|(bit, _)| need & bit != 0 && have & bit == 0)
        .map(|(_, name)| *name)
        .collect()
}

/// A member's permissions in a channel, as Discord computes them: the guild's @everyone role
/// and the member's roles, then the channel's @everyone overwrite, the member's roles'
/// overwrites (denies before allows), and the member's own overwrite. Administrator has
/// everything; without View Channel a member has nothing in the channel. `roles` is every
/// role of the guild as `(id, permissions)`, @everyone (id = guild) included.
pub fn channel_permissions(
    guild: u64,
    member_roles: &[u64],
    member: u64,
    roles: &[(u64, u64)],
    overwrites: &[Overwrite],
) -> u64 {
    let role_permissions = |id: u64| roles.iter().find(|(r, _)| *r == id).map(|(_, p)| *p);
    let mut base = role_permissions(guild).unwrap_or(0);
    for &role in member_roles {
        base |= role_permissions(role).unwrap_or(0);
    }
    if base & ADMINISTRATOR != 0 {
        return u64::MAX;
    }
    let apply = |base: u64, allow: u64, deny: u64| (base & !deny) | allow;
    if let Some(everyone) = overwrites.iter().find(|o| o.id == guild) {
        base = apply(base, everyone.allow, everyone.deny);
    }
    let (mut allow, mut deny) = (0, 0);
    for o in overwrites
        .iter()
        .filter(|o| o.kind == OverwriteKind::Role && o.id != guild && member_roles.contains(&o.id))
    {
        allow |= o.allow;
        deny |= o.deny;
    }
    base = apply(base, allow, deny);
    if let Some(own) = overwrites
        .iter()
        .find(|o| o.kind == OverwriteKind::Member && o.id == member)
    {
        base = apply(base, own.allow, own.deny);
    }
    if base & VIEW_CHANNEL == 0 { 0 } else { base }
}

/// The `roles` (of the guild's `all`, as `(id, permissions)`) that lack any of `need` in a
/// channel with `overwrites`, each role taken alone as a member holding only it would be.
pub fn roles_lacking(
    guild: u64,
    roles: &[u64],
    all: &[(u64, u64)],
    overwrites: &[Overwrite],
    need: u64,
) -> Vec<u64> {
    (roles.iter().copied())
        .filter(|role| channel_permissions(guild, &[*role], 0, all, overwrites) & need != need)
        .collect()
}

/// Discord allows at most this many roles in the staff role select.
pub const MAX_STAFF_ROLES: usize = 10;

/// The person pressing a button, as the interaction describes them.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub user: u64,
    pub roles: &'a [u64],
    /// The interaction's `member.permissions` (already resolved by Discord).
    pub permissions: u64,
}

/// Administrator or Manage Server: may use `/ticket` setup.
pub fn is_admin(member: &Member) -> bool {
    member.permissions & (ADMINISTRATOR | MANAGE_GUILD) != 0
}

/// Admins plus holders of any configured staff role.
pub fn is_staff(member: &Member, staff_roles: &[u64]) -> bool {
    is_admin(member) || member.roles.iter().any(|r| staff_roles.contains(r))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketOp {
    Close,
    Reopen,
    Delete,
    AddUser,
    RemoveUser,
    ReadTranscript,
    /// Ask for a close, or answer a request (Close / Keep open): either side, like Close.
    RequestClose,
}

/// A refusal, carrying the text shown to the person (ephemerally).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct Refusal(pub Text);

/// Close: the opener or staff. Everything else: staff only.
pub fn may(op: TicketOp, is_staff: bool, is_opener: bool) -> Result<(), Refusal> {
    if is_staff {
        return Ok(());
    }
    match op {
        TicketOp::Close if is_opener => Ok(()),
        TicketOp::Close => Err(Refusal(Text::CloseNotAllowed)),
        TicketOp::Reopen => Err(Refusal(Text::ReopenNotAllowed)),
        TicketOp::Delete => Err(Refusal(Text::DeleteNotAllowed)),
        TicketOp::AddUser => Err(Refusal(Text::AddUserNotAllowed)),
        TicketOp::RemoveUser => Err(Refusal(Text::RemoveUserNotAllowed)),
        TicketOp::ReadTranscript => Err(Refusal(Text::ReadTranscriptNotAllowed)),
        TicketOp::RequestClose if is_opener => Ok(()),
        TicketOp::RequestClose => Err(Refusal(Text::RequestCloseNotAllowed)),
    }
}

/// Refusal for `/ticket` setup and close-all when the member is not an admin / staff.
pub const NOT_ADMIN: Refusal = Refusal(Text::NotAdmin);
pub const NOT_STAFF: Refusal = Refusal(Text::NotStaff);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverwriteKind {
    Role,
    Member,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Overwrite {
    pub id: u64,
    pub kind: OverwriteKind,
    pub allow: u64,
    pub deny: u64,
}

impl Overwrite {
    fn role(id: u64, allow: u64, deny: u64) -> Self {
        Self {
            id,
            kind: OverwriteKind::Role,
            allow,
            deny,
        }
    }
    fn member(id: u64, allow: u64) -> Self {
        Self {
            id,
            kind: OverwriteKind::Member,
            allow,
            deny: 0,
        }
    }
}

/// Overwrite for one added user (the ticket actor adds it without recomputing the whole set).
pub fn member_overwrite(user: u64) -> Overwrite {
    Overwrite::member(user, MEMBER_ALLOW)
}

/// Open ticket: @everyone cannot view; the bot and staff roles manage; opener and participants talk.
pub fn ticket_overwrites(
    guild: u64,
    bot: u64,
    opener: u64,
    participants: &[u64],
    staff_roles: &[u64],
) -> Vec<Overwrite> {
    let mut out = closed_ticket_overwrites(guild, bot, staff_roles);
    for &user in std::iter::once(&opener).chain(participants) {
        push_unique(&mut out, Overwrite::member(user, MEMBER_ALLOW));
    }
    out
}

/// Closed ticket: as open, minus the opener and participants.
pub fn closed_ticket_overwrites(guild: u64, bot: u64, staff_roles: &[u64]) -> Vec<Overwrite> {
    category_overwrites(guild, bot, staff_roles)
}

/// Ticket categories: nobody but the bot and staff. Never a member overwrite besides the bot,
/// so nobody inherits rights from having triggered the category's creation.
pub fn category_overwrites(guild: u64, bot: u64, staff_roles: &[u64]) -> Vec<Overwrite> {
    let mut out = vec![
        Overwrite::role(guild, 0, VIEW_CHANNEL),
        Overwrite::member(bot, STAFF_ALLOW),
    ];
    for &role in staff_roles {
        // A staff role equal to @everyone would hand every member staff access; skip it.
        if role != guild {
            push_unique(&mut out, Overwrite::role(role, STAFF_ALLOW, 0));
        }
    }
    out
}

/// Discord keys overwrites by id: a duplicate would be refused or silently merged, so the first
/// (most privileged, as callers push bot/staff first) wins.
fn push_unique(out: &mut Vec<Overwrite>, ow: Overwrite) {
    if !out.iter().any(|o| o.id == ow.id) {
        out.push(ow);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StaffRolesError {
    #[error("{}", t!(StaffRolesTooMany, max = MAX_STAFF_ROLES))]
    TooMany,
    #[error("{}", Text::StaffRolesEveryone)]
    Everyone,
}

/// Validates a staff role selection: deduplicated, order kept, @everyone refused.
pub fn validate_staff_roles(guild: u64, roles: &[u64]) -> Result<Vec<u64>, StaffRolesError> {
    if roles.contains(&guild) {
        return Err(StaffRolesError::Everyone);
    }
    let mut out: Vec<u64> = Vec::with_capacity(roles.len());
    for &r in roles {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    if out.len() > MAX_STAFF_ROLES {
        return Err(StaffRolesError::TooMany);
    }
    Ok(out)
}

/// Discord's user select allows at most this many users at once.
pub const MAX_USERS_PER_CHANGE: usize = 10;

/// What an add/remove-user selection actually changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    /// The participant list after the change (opener never in it).
    pub participants: Vec<u64>,
    /// Users whose access actually changed, in selection order.
    pub changed: Vec<u64>,
    /// Bots (including this bot) are never added or removed.
    pub skipped_bots: Vec<u64>,
    /// Already in (for add) / not in (for remove) the ticket, or the opener.
    pub unchanged: Vec<u64>,
}

/// Plans adding (`add = true`) or removing users from a ticket. `selected` is `(user, is_bot)`
/// as resolved by the select; duplicates are ignored and at most 10 are considered.
pub fn plan_user_change(
    selected: &[(u64, bool)],
    opener: u64,
    participants: &[u64],
    add: bool,
) -> UserChange {
    let mut out = UserChange {
        participants: participants.to_vec(),
        ..Default::default()
    };
    let mut seen: Vec<u64> = Vec::new();
    for &(user, bot) in selected {
        if seen.contains(&user) {
            continue;
        }
        if seen.len() == MAX_USERS_PER_CHANGE {
            break;
        }
        seen.push(user);
        let present = out.participants.contains(&user);
        if bot {
            out.skipped_bots.push(user);
        } else if user == opener || present == add {
            out.unchanged.push(user);
        } else if add {
            out.participants.push(user);
            out.changed.push(user);
        } else {
            out.participants.retain(|&p| p != user);
            out.changed.push(user);
        }
    }
    out
}

// Claims: who may claim, unclaim or transfer a ticket, and the overwrites a claim leads to.

/// Who a person is to one ticket, as the claim rules read it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    pub is_staff: bool,
    /// Administrator or Manage Server (`is_admin`); admins are staff too.
    pub is_admin: bool,
    pub is_opener: bool,
}

/// A claim operation as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimRequest {
    Claim,
    Unclaim,
    /// Hand the claim to `to`, as the user select resolved them.
    Transfer {
        to: u64,
        to_is_staff: bool,
    },
}

/// What an allowed claim operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimPlan {
    /// The new claimer (`None`: unclaimed).
    Set(Option<u64>),
    /// Already so (a double click, a retried request): nothing to change.
    Unchanged,
}

/// Why a claim operation was refused; the text says it to the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ClaimRefusal {
    #[error("{}", Text::ClaimNotAllowed)]
    NotStaff,
    #[error("{}", Text::ClaimOwnTicket)]
    OwnTicket,
    #[error("{}", t!(ClaimedBySomeoneElse, number = .number, claimer = .claimer))]
    ClaimedBy { number: u64, claimer: u64 },
    #[error("{}", Text::UnclaimNotAllowed)]
    NotClaimerToUnclaim,
    #[error("{}", Text::TransferNotAllowed)]
    NotClaimerToTransfer,
    #[error("{}", t!(TransferToNonStaff, user = .0))]
    ToNonStaff(u64),
    #[error("{}", t!(TransferToOpener, user = .0))]
    ToOpener(u64),
}

/// The claim rules. Claim: staff other than the opener, while nobody else holds the claim.
/// Unclaim: the claimer or an admin. Transfer: the claimer or an admin (any staff member while
/// the ticket is unclaimed), to staff other than the opener.
pub fn plan_claim(
    number: u64,
    request: ClaimRequest,
    by: u64,
    who: Standing,
    claimer: Option<u64>,
    opener: u64,
) -> Result<ClaimPlan, ClaimRefusal> {
    let is_claimer = claimer == Some(by);
    match request {
        ClaimRequest::Claim if !who.is_staff => Err(ClaimRefusal::NotStaff),
        ClaimRequest::Claim if who.is_opener => Err(ClaimRefusal::OwnTicket),
        ClaimRequest::Claim => match claimer {
            Some(c) if c == by => Ok(ClaimPlan::Unchanged),
            Some(claimer) => Err(ClaimRefusal::ClaimedBy { number, claimer }),
            None => Ok(ClaimPlan::Set(Some(by))),
        },
        ClaimRequest::Unclaim => match claimer {
            None if who.is_staff => Ok(ClaimPlan::Unchanged),
            Some(_) if is_claimer || who.is_admin => Ok(ClaimPlan::Set(None)),
            _ => Err(ClaimRefusal::NotClaimerToUnclaim),
        },
        ClaimRequest::Transfer { to, to_is_staff } => {
            let may = is_claimer || who.is_admin || (claimer.is_none() && who.is_staff);
            if !may {
                Err(ClaimRefusal::NotClaimerToTransfer)
            } else if to == opener {
                Err(ClaimRefusal::ToOpener(to))
            } else if !to_is_staff {
                Err(ClaimRefusal::ToNonStaff(to))
            } else if claimer == Some(to) {
                Ok(ClaimPlan::Unchanged)
            } else {
                Ok(ClaimPlan::Set(Some(to)))
            }
        }
    }
}

/// Everything an open ticket's overwrites are derived from: its stored state and the settings.
#[derive(Debug, Clone, Copy)]
pub struct TicketAccess<'a> {
    pub guild: u64,
    pub bot: u64,
    pub opener: u64,
    pub participants: &'a [u64],
    pub staff_roles: &'a [u64],
    pub claimer: Option<u64>,
    pub mode: ClaimMode,
}

/// An open ticket's overwrites. Unclaimed (or [`ClaimMode::Label`]): as [`ticket_overwrites`].
/// Claimed, [`ClaimMode::Guarded`]: staff roles keep seeing but may not send, the claimer may;
/// [`ClaimMode::Private`]: staff roles get nothing, so only the claimer among staff sees it
/// (Administrator bypasses overwrites). The opener and every added user always keep
/// [`MEMBER_ALLOW`]: a member overwrite outranks a role's deny, so an added user who happens to
/// hold a staff role still writes.
pub fn open_ticket_overwrites(a: &TicketAccess) -> Vec<Overwrite> {
    let claimer = match (a.claimer, a.mode) {
        (Some(claimer), ClaimMode::Guarded | ClaimMode::Private) => claimer,
        _ => {
            return ticket_overwrites(a.guild, a.bot, a.opener, a.participants, a.staff_roles);
        }
    };
    let mut out = vec![
        Overwrite::role(a.guild, 0, VIEW_CHANNEL),
        Overwrite::member(a.bot, STAFF_ALLOW),
        Overwrite::member(claimer, STAFF_ALLOW),
    ];
    if a.mode == ClaimMode::Guarded {
        for &role in a.staff_roles {
            if role != a.guild {
                push_unique(
                    &mut out,
                    Overwrite::role(role, STAFF_ALLOW & !SEND_MESSAGES, SEND_MESSAGES),
                );
            }
        }
    }
    for &user in std::iter::once(&a.opener).chain(a.participants) {
        push_unique(&mut out, Overwrite::member(user, MEMBER_ALLOW));
    }
    out
}

/// The smallest change from one set of overwrites to another: nothing, one overwrite put or
/// deleted (`PUT`/`DELETE /channels/{id}/permissions/{target}`), or the whole set replaced in
/// one channel edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverwriteEdit {
    Nothing,
    Put(Overwrite),
    /// The overwrite to remove.
    Delete(Overwrite),
    Replace,
}

pub fn plan_overwrite_edit(before: &[Overwrite], after: &[Overwrite]) -> OverwriteEdit {
    let mut puts = after.iter().filter(|o| !before.contains(o));
    let mut deletes = before
        .iter()
        .filter(|b| !after.iter().any(|a| a.id == b.id));
    match (puts.next(), puts.next(), deletes.next(), deletes.next()) {
        (None, _, None, _) => OverwriteEdit::Nothing,
        (Some(put), None, None, _) => OverwriteEdit::Put(*put),
        (None, _, Some(gone), None) => OverwriteEdit::Delete(*gone),
        _ => OverwriteEdit::Replace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_lacking_a_permission_are_each_judged_alone() {
        let (guild, staff, helpers, mods) = (1, 10, 11, 12);
        let all = [
            (guild, VIEW_CHANNEL),
            (staff, MANAGE_THREADS),
            (helpers, 0),
            (mods, ADMINISTRATOR),
        ];
        let need = VIEW_CHANNEL | MANAGE_THREADS;
        let roles = [staff, helpers, mods];
        assert_eq!(roles_lacking(guild, &roles, &all, &[], need), [helpers]);
        // The channel hides itself from @everyone: only the administrator still sees it.
        let hidden = Overwrite {
            id: guild,
            kind: OverwriteKind::Role,
            allow: 0,
            deny: VIEW_CHANNEL,
        };
        let lacking = roles_lacking(guild, &roles, &all, std::slice::from_ref(&hidden), need);
        assert_eq!(lacking, [staff, helpers]);
        // An overwrite gives the helpers both.
        let given = Overwrite {
            id: helpers,
            kind: OverwriteKind::Role,
            allow: need,
            deny: 0,
        };
        assert_eq!(
            roles_lacking(guild, &roles, &all, &[hidden, given], need),
            [staff]
        );
    }

    const GUILD: u64 = 100;
    const BOT: u64 = 200;
    const OPENER: u64 = 300;
    const STAFF_ROLE: u64 = 400;

    fn find(ows: &[Overwrite], id: u64) -> Option<Overwrite> {
        ows.iter().copied().find(|o| o.id == id)
    }

    #[test]
    fn staff_and_admin() {
        let roles = [STAFF_ROLE];
        let plain = Member {
            user: 1,
            roles: &[],
            permissions: VIEW_CHANNEL | SEND_MESSAGES,
        };
        let staff = Member {
            user: 2,
            roles: &roles,
            permissions: 0,
        };
        let admin = Member {
            user: 3,
            roles: &[],
            permissions: ADMINISTRATOR,
        };
        let manager = Member {
            user: 4,
            roles: &[],
            permissions: MANAGE_GUILD,
        };
        let channels = Member {
            user: 5,
            roles: &[],
            permissions: MANAGE_CHANNELS,
        };
        assert!(!is_staff(&plain, &[STAFF_ROLE]));
        assert!(is_staff(&staff, &[STAFF_ROLE]));
        assert!(!is_staff(&staff, &[]));
        assert!(!is_admin(&staff));
        assert!(is_admin(&admin) && is_staff(&admin, &[]));
        assert!(is_admin(&manager) && is_staff(&manager, &[]));
        assert!(!is_admin(&channels) && !is_staff(&channels, &[STAFF_ROLE]));
    }

    #[test]
    fn permission_matrix() {
        use TicketOp::*;
        for op in [Close, Reopen, Delete, AddUser, RemoveUser, ReadTranscript] {
            assert!(may(op, true, false).is_ok(), "{op:?} staff");
            assert!(may(op, true, true).is_ok(), "{op:?} staff opener");
            assert!(may(op, false, false).is_err(), "{op:?} bystander");
            assert_eq!(may(op, false, true).is_ok(), op == Close, "{op:?} opener");
        }
        assert_eq!(
            may(Delete, false, true),
            Err(Refusal(Text::DeleteNotAllowed))
        );
        assert_eq!(
            may(Delete, false, true).unwrap_err().to_string(),
            "Only staff can delete a ticket."
        );
    }

    #[test]
    fn open_ticket_overwrites() {
        let ows = ticket_overwrites(GUILD, BOT, OPENER, &[301, 302, 301, OPENER], &[STAFF_ROLE]);
        let everyone = find(&ows, GUILD).expect("@everyone");
        assert_eq!(everyone.kind, OverwriteKind::Role);
        assert_eq!(everyone.deny & VIEW_CHANNEL, VIEW_CHANNEL);
        assert_eq!(everyone.allow, 0);
        for user in [OPENER, 301, 302] {
            let o = find(&ows, user).expect("member");
            assert_eq!(o.kind, OverwriteKind::Member);
            assert_eq!(o.allow, MEMBER_ALLOW);
            assert_eq!(o.allow & MANAGE_CHANNELS, 0, "members never manage");
        }
        for (id, kind) in [
            (BOT, OverwriteKind::Member),
            (STAFF_ROLE, OverwriteKind::Role),
        ] {
            let o = find(&ows, id).expect("staff");
            assert_eq!(o.kind, kind);
            assert_eq!(o.allow, STAFF_ALLOW);
        }
        // Unique ids: Discord keys overwrites by id.
        let mut ids: Vec<u64> = ows.iter().map(|o| o.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ows.len());
        assert_eq!(ows.len(), 6);
        assert!(
            ows.iter()
                .all(|o| o.allow & (MANAGE_ROLES | ADMINISTRATOR) == 0)
        );
    }

    #[test]
    fn closed_and_category_have_no_members_but_bot() {
        for ows in [
            closed_ticket_overwrites(GUILD, BOT, &[STAFF_ROLE, 401]),
            category_overwrites(GUILD, BOT, &[STAFF_ROLE, 401]),
        ] {
            let members: Vec<u64> = ows
                .iter()
                .filter(|o| o.kind == OverwriteKind::Member)
                .map(|o| o.id)
                .collect();
            assert_eq!(members, vec![BOT]);
            assert!(find(&ows, 401).is_some_and(|o| o.allow == STAFF_ALLOW));
            assert!(find(&ows, GUILD).is_some_and(|o| o.deny & VIEW_CHANNEL != 0));
        }
    }

    #[test]
    fn everyone_as_staff_role_never_opens_tickets() {
        let ows = ticket_overwrites(GUILD, BOT, OPENER, &[], &[GUILD]);
        let everyone = find(&ows, GUILD).expect("@everyone");
        assert_eq!(everyone.allow, 0);
        assert_ne!(everyone.deny & VIEW_CHANNEL, 0);
        assert_eq!(
            validate_staff_roles(GUILD, &[1, GUILD]),
            Err(StaffRolesError::Everyone)
        );
    }

    #[test]
    fn channel_permissions_follow_discords_order() {
        const BOT_ROLE: u64 = 500;
        let roles = [
            (GUILD, VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS),
            (BOT_ROLE, ATTACH_FILES | READ_MESSAGE_HISTORY),
        ];
        let everyone_denies_embeds = Overwrite::role(GUILD, 0, EMBED_LINKS);
        let have = channel_permissions(GUILD, &[BOT_ROLE], BOT, &roles, &[everyone_denies_embeds]);
        assert_eq!(
            missing_permissions(have, LOG_CHANNEL_NEEDS),
            vec!["Embed Links"]
        );
        // A role overwrite gives it back; a member overwrite beats the role's deny.
        let role_allows = Overwrite::role(BOT_ROLE, EMBED_LINKS, 0);
        let have = channel_permissions(
            GUILD,
            &[BOT_ROLE],
            BOT,
            &roles,
            &[everyone_denies_embeds, role_allows],
        );
        assert!(missing_permissions(have, LOG_CHANNEL_NEEDS).is_empty());
        let role_denies = Overwrite::role(BOT_ROLE, 0, ATTACH_FILES);
        let own = Overwrite {
            id: BOT,
            kind: OverwriteKind::Member,
            allow: ATTACH_FILES,
            deny: 0,
        };
        let have = channel_permissions(GUILD, &[BOT_ROLE], BOT, &roles, &[role_denies, own]);
        assert_ne!(have & ATTACH_FILES, 0);
        // Without View Channel nothing else counts; Administrator bypasses overwrites.
        let hidden = Overwrite::role(GUILD, 0, VIEW_CHANNEL);
        let have = channel_permissions(GUILD, &[BOT_ROLE], BOT, &roles, &[hidden]);
        assert_eq!(have, 0);
        assert_eq!(
            missing_permissions(have, PANEL_CHANNEL_NEEDS),
            vec![
                "View Channel",
                "Send Messages",
                "Embed Links",
                "Read Message History"
            ]
        );
        let admin = [(GUILD, 0), (BOT_ROLE, ADMINISTRATOR)];
        let have = channel_permissions(GUILD, &[BOT_ROLE], BOT, &admin, &[hidden]);
        assert!(missing_permissions(have, LOG_CHANNEL_NEEDS).is_empty());
    }

    #[test]
    fn staff_role_validation() {
        assert_eq!(
            validate_staff_roles(GUILD, &[3, 1, 3, 2]),
            Ok(vec![3, 1, 2])
        );
        let eleven: Vec<u64> = (1..=11).collect();
        assert_eq!(
            validate_staff_roles(GUILD, &eleven),
            Err(StaffRolesError::TooMany)
        );
        assert!(validate_staff_roles(GUILD, &eleven[..10]).is_ok());
        assert_eq!(validate_staff_roles(GUILD, &[]), Ok(vec![]));
    }
    #[test]
    fn user_changes() {
        let add = plan_user_change(
            &[
                (5, false),
                (6, true),
                (OPENER, false),
                (7, false),
                (5, false),
            ],
            OPENER,
            &[7],
            true,
        );
        assert_eq!(add.participants, vec![7, 5]);
        assert_eq!(add.changed, vec![5]);
        assert_eq!(add.skipped_bots, vec![6]);
        assert_eq!(add.unchanged, vec![OPENER, 7]);
        let rm = plan_user_change(
            &[(7, false), (8, false), (OPENER, false)],
            OPENER,
            &[7, 9],
            false,
        );
        assert_eq!(rm.participants, vec![9]);
        assert_eq!(rm.changed, vec![7]);
        assert_eq!(rm.unchanged, vec![8, OPENER]);
        let many: Vec<(u64, bool)> = (1..=20).map(|u| (u, false)).collect();
        let capped = plan_user_change(&many, OPENER, &[], true);
        assert_eq!(capped.changed.len(), MAX_USERS_PER_CHANGE);
    }
}

#[cfg(test)]
mod claim_tests {
    use super::*;

    const GUILD: u64 = 100;
    const BOT: u64 = 200;
    const OPENER: u64 = 300;
    const STAFF_ROLE: u64 = 400;
    const ADDED: u64 = 500;
    const CLAIMER: u64 = 600;
    const OTHER_STAFF: u64 = 700;
    const ADMIN: u64 = 800;
    const BYSTANDER: u64 = 900;
    const NUMBER: u64 = 7;

    /// The personas of the permission matrix: `(name, user, standing)`. The owner is an admin
    /// to the bot (Discord gives the owner every permission), so it shares the admin's row.
    fn personas() -> Vec<(&'static str, u64, Standing)> {
        let staff = Standing {
            is_staff: true,
            ..Default::default()
        };
        let admin = Standing {
            is_staff: true,
            is_admin: true,
            is_opener: false,
        };
        vec![
            (
                "opener",
                OPENER,
                Standing {
                    is_opener: true,
                    ..Default::default()
                },
            ),
            (
                "staff opener",
                OPENER,
                Standing {
                    is_opener: true,
                    ..staff
                },
            ),
            ("added user", ADDED, Standing::default()),
            ("claimer", CLAIMER, staff),
            ("other staff", OTHER_STAFF, staff),
            ("admin", ADMIN, admin),
            ("owner", ADMIN, admin),
            ("bystander", BYSTANDER, Standing::default()),
        ]
    }

    fn plan(request: ClaimRequest, by: u64, who: Standing, claimer: Option<u64>) -> String {
        match plan_claim(NUMBER, request, by, who, claimer, OPENER) {
            Ok(ClaimPlan::Set(Some(c))) if c == by => "set self".into(),
            Ok(ClaimPlan::Set(Some(_))) => "set other".into(),
            Ok(ClaimPlan::Set(None)) => "set none".into(),
            Ok(ClaimPlan::Unchanged) => "unchanged".into(),
            Err(refusal) => format!("{refusal:?}"),
        }
    }

    /// Every persona × claim, unclaim and transfer, on an unclaimed and on a claimed ticket.
    #[test]
    fn the_claim_permission_matrix() {
        let to_staff = ClaimRequest::Transfer {
            to: OTHER_STAFF,
            to_is_staff: true,
        };
        // (persona, claim unclaimed, claim claimed, unclaim claimed, transfer claimed)
        let expected = [
            (
                "opener",
                "NotStaff",
                "NotStaff",
                "NotClaimerToUnclaim",
                "NotClaimerToTransfer",
            ),
            (
                "staff opener",
                "OwnTicket",
                "OwnTicket",
                "NotClaimerToUnclaim",
                "NotClaimerToTransfer",
            ),
            (
                "added user",
                "NotStaff",
                "NotStaff",
                "NotClaimerToUnclaim",
                "NotClaimerToTransfer",
            ),
            ("claimer", "set self", "unchanged", "set none", "set other"),
            (
                "other staff",
                "set self",
                "ClaimedBy { number: 7, claimer: 600 }",
                "NotClaimerToUnclaim",
                "NotClaimerToTransfer",
            ),
            (
                "admin",
                "set self",
                "ClaimedBy { number: 7, claimer: 600 }",
                "set none",
                "set other",
            ),
            (
                "owner",
                "set self",
                "ClaimedBy { number: 7, claimer: 600 }",
                "set none",
                "set other",
            ),
            (
                "bystander",
                "NotStaff",
                "NotStaff",
                "NotClaimerToUnclaim",
                "NotClaimerToTransfer",
            ),
        ];
        for ((name, user, who), row) in personas().into_iter().zip(expected) {
            assert_eq!(name, row.0);
            let got = [
                plan(ClaimRequest::Claim, user, who, None),
                plan(ClaimRequest::Claim, user, who, Some(CLAIMER)),
                plan(ClaimRequest::Unclaim, user, who, Some(CLAIMER)),
                plan(to_staff, user, who, Some(CLAIMER)),
            ];
            assert_eq!(got, [row.1, row.2, row.3, row.4], "{name}");
        }
    }

    /// Close requests and their answers: either side (the opener, staff), nobody else.
    #[test]
    fn close_requests_are_for_either_side_only() {
        for (name, _, who) in personas() {
            let allowed = may(TicketOp::RequestClose, who.is_staff, who.is_opener).is_ok();
            let expected = !matches!(name, "added user" | "bystander");
            assert_eq!(allowed, expected, "{name}");
        }
        assert_eq!(
            may(TicketOp::RequestClose, false, false),
            Err(Refusal(Text::RequestCloseNotAllowed))
        );
    }

    #[test]
    fn transfers_go_to_staff_other_than_the_opener() {
        let claimer = Standing {
            is_staff: true,
            ..Default::default()
        };
        let transfer = |to, to_is_staff| {
            plan_claim(
                NUMBER,
                ClaimRequest::Transfer { to, to_is_staff },
                CLAIMER,
                claimer,
                Some(CLAIMER),
                OPENER,
            )
        };
        assert_eq!(
            transfer(BYSTANDER, false),
            Err(ClaimRefusal::ToNonStaff(BYSTANDER))
        );
        assert_eq!(transfer(OPENER, true), Err(ClaimRefusal::ToOpener(OPENER)));
        assert_eq!(transfer(CLAIMER, true), Ok(ClaimPlan::Unchanged));
        assert_eq!(
            transfer(OTHER_STAFF, true),
            Ok(ClaimPlan::Set(Some(OTHER_STAFF)))
        );
        // Unclaimed: any staff member may hand it to someone.
        assert_eq!(
            plan_claim(
                NUMBER,
                ClaimRequest::Transfer {
                    to: CLAIMER,
                    to_is_staff: true
                },
                OTHER_STAFF,
                claimer,
                None,
                OPENER,
            ),
            Ok(ClaimPlan::Set(Some(CLAIMER)))
        );
        // Unclaiming an unclaimed ticket twice is not an error for staff.
        assert_eq!(
            plan_claim(
                NUMBER,
                ClaimRequest::Unclaim,
                CLAIMER,
                claimer,
                None,
                OPENER
            ),
            Ok(ClaimPlan::Unchanged)
        );
    }

    fn access(claimer: Option<u64>, mode: ClaimMode) -> Vec<Overwrite> {
        open_ticket_overwrites(&TicketAccess {
            guild: GUILD,
            bot: BOT,
            opener: OPENER,
            participants: &[ADDED],
            staff_roles: &[STAFF_ROLE],
            claimer,
            mode,
        })
    }

    /// What each persona can do in the channel, as Discord computes it from the overwrites:
    /// `(view, send)`.
    fn can(overwrites: &[Overwrite], user: u64) -> (bool, bool) {
        let everyone = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY;
        let roles = [(GUILD, everyone), (STAFF_ROLE, 0), (1, ADMINISTRATOR)];
        let member_roles: &[u64] = match user {
            CLAIMER | OTHER_STAFF => &[STAFF_ROLE],
            ADMIN => &[1],
            // An added user who also holds a staff role keeps writing under a guarded claim.
            ADDED => &[STAFF_ROLE],
            _ => &[],
        };
        let p = channel_permissions(GUILD, member_roles, user, &roles, overwrites);
        (p & VIEW_CHANNEL != 0, p & SEND_MESSAGES != 0)
    }

    #[test]
    fn each_mode_gives_each_persona_what_the_design_says() {
        let (yes, no) = (true, false);
        // (mode, claimer, opener, added, claimer, other staff, admin, bystander)
        let cases = [
            (ClaimMode::Guarded, None, [(yes, yes); 4]),
            (
                ClaimMode::Guarded,
                Some(CLAIMER),
                [(yes, yes), (yes, yes), (yes, yes), (yes, no)],
            ),
            (ClaimMode::Label, Some(CLAIMER), [(yes, yes); 4]),
            (
                ClaimMode::Private,
                Some(CLAIMER),
                [(yes, yes), (yes, yes), (yes, yes), (no, no)],
            ),
        ];
        for (mode, claimer, [opener, added, claimed, other]) in cases {
            let ows = access(claimer, mode);
            let who = format!("{mode:?} claimed by {claimer:?}");
            assert_eq!(can(&ows, OPENER), opener, "opener, {who}");
            assert_eq!(can(&ows, ADDED), added, "added user, {who}");
            assert_eq!(can(&ows, CLAIMER), claimed, "claimer, {who}");
            assert_eq!(can(&ows, OTHER_STAFF), other, "other staff, {who}");
            assert_eq!(can(&ows, ADMIN), (yes, yes), "admin, {who}");
            assert_eq!(can(&ows, BYSTANDER), (no, no), "bystander, {who}");
        }
    }

    /// Two well-known bots drop added users on claim: every claim state keeps them.
    #[test]
    fn added_users_survive_claim_unclaim_and_transfer() {
        for mode in [ClaimMode::Guarded, ClaimMode::Label, ClaimMode::Private] {
            for claimer in [None, Some(CLAIMER), Some(OTHER_STAFF)] {
                let ows = access(claimer, mode);
                for user in [OPENER, ADDED] {
                    let own = ows.iter().find(|o| o.id == user).expect("member overwrite");
                    assert_eq!(own.allow, MEMBER_ALLOW, "{mode:?} {claimer:?}");
                }
            }
        }
    }

    #[test]
    fn edits_are_the_smallest_that_reach_the_derived_set() {
        let unclaimed = access(None, ClaimMode::Guarded);
        let claimed = access(Some(CLAIMER), ClaimMode::Guarded);
        assert_eq!(
            plan_overwrite_edit(&unclaimed, &unclaimed),
            OverwriteEdit::Nothing
        );
        // A guarded claim changes the staff role and adds the claimer: one channel edit.
        assert_eq!(
            plan_overwrite_edit(&unclaimed, &claimed),
            OverwriteEdit::Replace
        );
        // A label claim changes nothing on Discord.
        assert_eq!(
            plan_overwrite_edit(&unclaimed, &access(Some(CLAIMER), ClaimMode::Label)),
            OverwriteEdit::Nothing
        );
        let mut one_more = unclaimed.clone();
        one_more.push(member_overwrite(BYSTANDER));
        assert_eq!(
            plan_overwrite_edit(&unclaimed, &one_more),
            OverwriteEdit::Put(member_overwrite(BYSTANDER))
        );
        assert_eq!(
            plan_overwrite_edit(&one_more, &unclaimed),
            OverwriteEdit::Delete(member_overwrite(BYSTANDER))
        );
    }
}
