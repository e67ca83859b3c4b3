//! Every component and modal custom id the bot puts on a message, as one typed enum.
//!
//! Wire format: `tk:<tag>[:<number>]*`, ASCII only. Numbers are canonical decimal (no sign, no
//! leading zeros) so that a decoded id always re-encodes to exactly the string that was received;
//! anything else is refused. Topics are referenced by their numeric id, never by name, so a topic
//! called `a:b` cannot break parsing. Ticket numbers are per guild: the guild always comes from
//! the interaction itself, never from the id, so a forged id cannot reach another guild.

use thiserror::Error;

/// Discord refuses custom ids longer than this (and empty ones).
pub const MAX_LEN: usize = 100;

const PREFIX: &str = "tk";

/// What a component or modal does when a person uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// "Open a ticket" button on a panel.
    OpenTicket,
    /// String select whose values are topic ids; only `opener` may use it.
    PickTopic {
        opener: u64,
    },
    /// Buttons paging the topic select when there are more than 25 topics.
    TopicPage {
        opener: u64,
        page: u32,
    },
    Close {
        ticket: u64,
    },
    CloseWithReason {
        ticket: u64,
    },
    CloseReasonModal {
        ticket: u64,
    },
    Reopen {
        ticket: u64,
    },
    Delete {
        ticket: u64,
    },
    /// `/ticket` hub: string select with [`HubChoice`] values.
    HubMenu,
    /// String select with [`SetupChoice`] values.
    SetupMenu,
    /// String select with [`ManageChoice`] values.
    ManageMenu,
    PanelChannelSelect,
    PanelModal {
        channel: u64,
    },
    PanelRemoveSelect,
    LogChannelSelect,
    /// String select: a Discord locale code, or [`LANGUAGE_FOLLOW_SERVER`].
    LanguageSelect,
    LimitsModal,
    StaffRoleSelect,
    TopicAddModal,
    TopicList {
        page: u32,
    },
    TopicRemoveSelect {
        page: u32,
    },
    TopicRemoveConfirm {
        topic: u32,
    },
    CloseAllConfirm,
    AddUserSelect {
        ticket: u64,
    },
    RemoveUserSelect {
        ticket: u64,
    },
    Cancel,
    /// "Keep open" on a stale warning.
    KeepOpen {
        ticket: u64,
    },
    /// The setup hub's inactivity modal (warn and close hours, whom to ping).
    InactivityModal,
    /// The setup hub's support hours modal (zone, windows, what happens outside them).
    HoursModal,
    /// The setup hub's ready-channels modal (how many, 0 for off).
    ReadyModal,
    // The staff workflow.
    /// Claim button on a ticket's welcome message.
    Claim {
        ticket: u64,
    },
    /// Unclaim button on a claimed ticket's welcome message.
    Unclaim {
        ticket: u64,
    },
    /// User select picking the staff member a ticket is handed to.
    TransferSelect {
        ticket: u64,
    },
    /// Close on a close request: closes with the request's stored reason.
    CloseRequestAccept {
        ticket: u64,
    },
    /// Keep open on a close request.
    CloseRequestKeep {
        ticket: u64,
    },
    // Feedback: on the opener's close DM, where Discord sends no server, so these carry it and
    // work after any restart (nothing about them is kept but the ticket's record).
    /// A star button: rate ticket `ticket` of `guild` with `stars` (1–5).
    Rate {
        guild: u64,
        ticket: u64,
        stars: u8,
    },
    /// "Add a comment" after rating: opens the comment modal.
    RateComment {
        guild: u64,
        ticket: u64,
    },
    /// The comment modal's submission.
    RateCommentModal {
        guild: u64,
        ticket: u64,
    },
    // Intake: questions and abuse controls.
    /// The intake form asked before a ticket opens; `scope` as [`scope_of`] writes it.
    IntakeForm {
        scope: u64,
    },
    /// Edit answers on a ticket's welcome message (its opener only).
    EditAnswers {
        ticket: u64,
    },
    /// The form that Edit answers opens, prefilled.
    EditAnswersModal {
        ticket: u64,
    },
    /// The hub's intake questions: string select of scopes (see [`scope_of`]).
    QuestionScopeSelect,
    /// Buttons paging the scopes when there are more topics than one select holds.
    QuestionScopePage {
        page: u32,
    },
    /// String select of what to do with one question: [`QuestionOp`] values.
    QuestionMenu {
        scope: u64,
    },
    QuestionAdd {
        scope: u64,
    },
    QuestionPreview {
        scope: u64,
    },
    /// The previewed form's submission: nothing opens.
    QuestionPreviewModal {
        scope: u64,
    },
    /// A question's form; `index` equal to the count adds one.
    QuestionModal {
        scope: u64,
        index: u32,
    },
    /// Role select: the roles needed to open a ticket of `topic`.
    TopicRolesSelect {
        topic: u32,
    },
    TopicRolesAnyOf {
        topic: u32,
    },
    TopicRolesAllOf {
        topic: u32,
    },
    /// Cooldown and daily cap.
    ControlsModal,
    BlockUserSelect,
    BlockRoleSelect,
    /// Reason and duration of a block; `role` is 1 for a role, 0 for a member.
    BlockModal {
        role: u32,
        id: u64,
    },
    /// String select of blocklist entries: [`block_value`] values.
    UnblockSelect,
    /// User select: forget members' opens (cooldown and daily count).
    ResetOpensSelect,
    /// String select of posted panels (message ids) to edit.
    PanelEditSelect,
    /// A posted panel's texts, edited in its message.
    PanelEditModal {
        message: u64,
    },
    /// The topic select on a panel (values are topic ids); the panel is the message it is on.
    PanelTopic,
    /// [`Action::PickTopic`] after a click on `panel` (a panel's message id): only that
    /// panel's topics may be picked.
    PanelPick {
        opener: u64,
        panel: u64,
    },
    /// [`Action::TopicPage`] of `panel`'s topics.
    PanelPage {
        opener: u64,
        panel: u64,
        page: u32,
    },
    /// Button on a panel's settings: its texts and colour (opens [`Action::PanelEditModal`]).
    PanelTexts {
        message: u64,
    },
    /// Button on a panel's settings: its button's label and emoji.
    PanelButton {
        message: u64,
    },
    /// The modal of [`Action::PanelButton`].
    PanelButtonModal {
        message: u64,
    },
    /// String select of a panel's style ([`crate::domain::model::PanelStyle`] values).
    PanelStyleSelect {
        message: u64,
    },
    /// String select of the topics a panel opens (topic ids; none is all).
    PanelTopicsSelect {
        message: u64,
    },
    /// Channel select on a panel's settings: its tickets become private threads there.
    PanelThreadsSelect {
        message: u64,
    },
    /// Button on a panel's settings: its tickets are channels again.
    PanelChannels {
        message: u64,
    },
    /// The intake form asked before a ticket opens from panel `panel` (whose setting decides
    /// whether the ticket is a thread); `scope` as [`scope_of`] writes it.
    IntakePanelForm {
        scope: u64,
        panel: u64,
    },
}

impl Action {
    /// The server a DM component names: only feedback is used outside a server.
    pub fn dm_guild(&self) -> Option<u64> {
        match *self {
            Action::Rate { guild, .. }
            | Action::RateComment { guild, .. }
            | Action::RateCommentModal { guild, .. } => Some(guild),
            _ => None,
        }
    }
}

/// What the [`Action::QuestionMenu`] select does with question `index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionOp {
    Edit(usize),
    MoveUp(usize),
    Remove(usize),
    /// Makes it the ticket's subject (or no longer, if it was).
    Subject(usize),
}

impl QuestionOp {
    pub fn value(self) -> String {
        match self {
            QuestionOp::Edit(i) => format!("e{i}"),
            QuestionOp::MoveUp(i) => format!("u{i}"),
            QuestionOp::Remove(i) => format!("r{i}"),
            QuestionOp::Subject(i) => format!("s{i}"),
        }
    }

    /// `None` for any value the bot never offered.
    pub fn parse(value: &str) -> Option<QuestionOp> {
        let (op, index) = value.split_at_checked(1)?;
        let canonical = index.len() == 1 && index.bytes().all(|b| b.is_ascii_digit());
        let index: usize = index.parse().ok().filter(|_| canonical)?;
        match op {
            "e" => Some(QuestionOp::Edit(index)),
            "u" => Some(QuestionOp::MoveUp(index)),
            "r" => Some(QuestionOp::Remove(index)),
            "s" => Some(QuestionOp::Subject(index)),
            _ => None,
        }
    }
}

/// The [`Action::UnblockSelect`] value of a blocklist entry: `m<id>` or `r<id>`.
pub fn block_value(member: bool, id: u64) -> String {
    format!("{}{id}", if member { 'm' } else { 'r' })
}

/// `(member, id)` from a [`block_value`]; `None` for anything else.
pub fn parse_block_value(value: &str) -> Option<(bool, u64)> {
    let (kind, id) = value.split_at_checked(1)?;
    let id = parse_canonical_u64(id).ok()?;
    match kind {
        "m" => Some((true, id)),
        "r" => Some((false, id)),
        _ => None,
    }
}

/// A topic (or none) as one number in a custom id: 0 for no topic, else the topic id plus one
/// (topic ids may be 0).
pub fn scope_of(topic: Option<u32>) -> u64 {
    topic.map_or(0, |t| u64::from(t) + 1)
}

/// The topic (or none) a custom id's scope names; `Err` for a number no topic id gives.
pub fn topic_of(scope: u64) -> Result<Option<u32>, CustomIdError> {
    match scope {
        0 => Ok(None),
        n => u32::try_from(n - 1)
            .map(Some)
            .map_err(|_| CustomIdError::BadNumber),
    }
}

/// Why a custom id was refused. Messages never echo the (possibly hostile) input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CustomIdError {
    #[error("custom id is empty")]
    Empty,
    #[error("custom id is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("custom id does not belong to this bot")]
    Foreign,
    #[error("unknown custom id action")]
    UnknownAction,
    #[error("custom id has the wrong number of fields")]
    WrongArity,
    #[error("custom id field is not a canonical number in range")]
    BadNumber,
}

/// Encodes an action; the result is always 1..=100 ASCII characters.
pub fn encode(action: &Action) -> String {
    use Action::*;
    let (tag, a, b): (&str, Option<u64>, Option<u64>) = match *action {
        Rate {
            guild,
            ticket,
            stars,
        } => return format!("{PREFIX}:rate:{guild}:{ticket}:{stars}"),
        RateComment { guild, ticket } => ("ratec", Some(guild), Some(ticket)),
        RateCommentModal { guild, ticket } => ("ratem", Some(guild), Some(ticket)),
        OpenTicket => ("open", None, None),
        PickTopic { opener } => ("pick", Some(opener), None),
        TopicPage { opener, page } => ("tpage", Some(opener), Some(page.into())),
        Close { ticket } => ("close", Some(ticket), None),
        CloseWithReason { ticket } => ("closer", Some(ticket), None),
        CloseReasonModal { ticket } => ("closem", Some(ticket), None),
        Reopen { ticket } => ("reopen", Some(ticket), None),
        Delete { ticket } => ("delete", Some(ticket), None),
        HubMenu => ("hub", None, None),
        SetupMenu => ("setup", None, None),
        ManageMenu => ("manage", None, None),
        PanelChannelSelect => ("panelch", None, None),
        PanelModal { channel } => ("panelm", Some(channel), None),
        PanelRemoveSelect => ("panelrm", None, None),
        LogChannelSelect => ("logch", None, None),
        LanguageSelect => ("lang", None, None),
        LimitsModal => ("limits", None, None),
        StaffRoleSelect => ("staff", None, None),
        TopicAddModal => ("topicadd", None, None),
        TopicList { page } => ("topics", Some(page.into()), None),
        TopicRemoveSelect { page } => ("topicrm", Some(page.into()), None),
        TopicRemoveConfirm { topic } => ("topicrmok", Some(topic.into()), None),
        CloseAllConfirm => ("closeall", None, None),
        AddUserSelect { ticket } => ("adduser", Some(ticket), None),
        RemoveUserSelect { ticket } => ("rmuser", Some(ticket), None),
        Cancel => ("cancel", None, None),
        KeepOpen { ticket } => ("keep", Some(ticket), None),
        InactivityModal => ("inactivity", None, None),
        HoursModal => ("hours", None, None),
        ReadyModal => ("ready", None, None),
        Claim { ticket } => ("claim", Some(ticket), None),
        Unclaim { ticket } => ("unclaim", Some(ticket), None),
        TransferSelect { ticket } => ("transfer", Some(ticket), None),
        CloseRequestAccept { ticket } => ("creqok", Some(ticket), None),
        CloseRequestKeep { ticket } => ("creqkeep", Some(ticket), None),
        IntakeForm { scope } => ("iform", Some(scope), None),
        EditAnswers { ticket } => ("iedit", Some(ticket), None),
        EditAnswersModal { ticket } => ("ieditm", Some(ticket), None),
        QuestionScopeSelect => ("iqscope", None, None),
        QuestionScopePage { page } => ("iqpage", Some(page.into()), None),
        QuestionMenu { scope } => ("iqmenu", Some(scope), None),
        QuestionAdd { scope } => ("iqadd", Some(scope), None),
        QuestionPreview { scope } => ("iqprev", Some(scope), None),
        QuestionPreviewModal { scope } => ("iqprevm", Some(scope), None),
        QuestionModal { scope, index } => ("iqm", Some(scope), Some(index.into())),
        TopicRolesSelect { topic } => ("iroles", Some(topic.into()), None),
        TopicRolesAnyOf { topic } => ("irolesany", Some(topic.into()), None),
        TopicRolesAllOf { topic } => ("irolesall", Some(topic.into()), None),
        ControlsModal => ("icontrols", None, None),
        BlockUserSelect => ("iblocku", None, None),
        BlockRoleSelect => ("iblockr", None, None),
        BlockModal { role, id } => ("iblockm", Some(role.into()), Some(id)),
        UnblockSelect => ("iunblock", None, None),
        ResetOpensSelect => ("ireset", None, None),
        PanelEditSelect => ("paneled", None, None),
        PanelEditModal { message } => ("paneledm", Some(message), None),
        PanelTopic => ("ptopic", None, None),
        PanelPick { opener, panel } => ("ppick", Some(opener), Some(panel)),
        PanelPage {
            opener,
            panel,
            page,
        } => return format!("{PREFIX}:ppage:{opener}:{panel}:{page}"),
        PanelTexts { message } => ("paneltx", Some(message), None),
        PanelButton { message } => ("panelbt", Some(message), None),
        PanelButtonModal { message } => ("panelbtm", Some(message), None),
        PanelStyleSelect { message } => ("panelst", Some(message), None),
        PanelTopicsSelect { message } => ("paneltp", Some(message), None),
        PanelThreadsSelect { message } => ("pthr", Some(message), None),
        PanelChannels { message } => ("pchan", Some(message), None),
        IntakePanelForm { scope, panel } => ("iformp", Some(scope), Some(panel)),
    };
    let mut out = format!("{PREFIX}:{tag}");
    for n in [a, b].into_iter().flatten() {
        out.push(':');
        out.push_str(&n.to_string());
    }
    out
}

/// Decodes a custom id received from Discord. Never panics; anything not produced by [`encode`]
/// is an error.
pub fn decode(raw: &str) -> Result<Action, CustomIdError> {
    use Action::*;
    if raw.is_empty() {
        return Err(CustomIdError::Empty);
    }
    if raw.len() > MAX_LEN {
        return Err(CustomIdError::TooLong);
    }
    let mut parts = raw.split(':');
    if parts.next() != Some(PREFIX) {
        return Err(CustomIdError::Foreign);
    }
    let tag = parts.next().ok_or(CustomIdError::UnknownAction)?;
    let nums: Vec<&str> = parts.collect();
    let args = Args(&nums);
    let (arity, u64_at, u32_at) = (|n| args.arity(n), |i| args.u64_at(i), |i| args.u32_at(i));
    if let Some(make) = ticket_action(tag) {
        arity(1)?;
        return Ok(make(u64_at(0)?));
    }
    if let Some(action) = intake_action(tag, &nums) {
        return action;
    }
    if let Some(action) = panel_action(tag, &nums) {
        return action;
    }
    let action = match tag {
        "open" => arity(0).map(|_| OpenTicket)?,
        "pick" => {
            arity(1)?;
            PickTopic { opener: u64_at(0)? }
        }
        "tpage" => {
            arity(2)?;
            TopicPage {
                opener: u64_at(0)?,
                page: u32_at(1)?,
            }
        }
        "hub" => arity(0).map(|_| HubMenu)?,
        "setup" => arity(0).map(|_| SetupMenu)?,
        "manage" => arity(0).map(|_| ManageMenu)?,
        "panelch" => arity(0).map(|_| PanelChannelSelect)?,
        "panelm" => {
            arity(1)?;
            PanelModal {
                channel: u64_at(0)?,
            }
        }
        "panelrm" => arity(0).map(|_| PanelRemoveSelect)?,
        "logch" => arity(0).map(|_| LogChannelSelect)?,
        "lang" => arity(0).map(|_| LanguageSelect)?,
        "limits" => arity(0).map(|_| LimitsModal)?,
        "staff" => arity(0).map(|_| StaffRoleSelect)?,
        "topicadd" => arity(0).map(|_| TopicAddModal)?,
        "topics" => {
            arity(1)?;
            TopicList { page: u32_at(0)? }
        }
        "topicrm" => {
            arity(1)?;
            TopicRemoveSelect { page: u32_at(0)? }
        }
        "topicrmok" => {
            arity(1)?;
            TopicRemoveConfirm { topic: u32_at(0)? }
        }
        "closeall" => arity(0).map(|_| CloseAllConfirm)?,
        "cancel" => arity(0).map(|_| Cancel)?,
        "inactivity" => arity(0).map(|_| InactivityModal)?,
        "hours" => arity(0).map(|_| HoursModal)?,
        "ready" => arity(0).map(|_| ReadyModal)?,
        _ => return feedback_action(tag, &nums),
    };
    Ok(action)
}

/// A custom id's numbers after its tag, read one by one as its action needs them.
#[derive(Clone, Copy)]
struct Args<'a>(&'a [&'a str]);

impl Args<'_> {
    fn arity(self, n: usize) -> Result<(), CustomIdError> {
        (self.0.len() == n)
            .then_some(())
            .ok_or(CustomIdError::WrongArity)
    }

    fn u64_at(self, i: usize) -> Result<u64, CustomIdError> {
        parse_canonical_u64(self.0[i])
    }

    fn u32_at(self, i: usize) -> Result<u32, CustomIdError> {
        self.u64_at(i)
            .and_then(|n| u32::try_from(n).map_err(|_| CustomIdError::BadNumber))
    }
}

/// Feedback's actions (they name the server: they come from DMs).
fn feedback_action(tag: &str, nums: &[&str]) -> Result<Action, CustomIdError> {
    use Action::*;
    if !matches!(tag, "rate" | "ratec" | "ratem") {
        return Err(CustomIdError::UnknownAction);
    }
    let numbers = nums
        .iter()
        .map(|n| parse_canonical_u64(n))
        .collect::<Result<Vec<u64>, _>>()?;
    match (tag, numbers.as_slice()) {
        ("rate", &[guild, ticket, stars]) => Ok(Rate {
            guild,
            ticket,
            stars: u8::try_from(stars).map_err(|_| CustomIdError::BadNumber)?,
        }),
        ("ratec", &[guild, ticket]) => Ok(RateComment { guild, ticket }),
        ("ratem", &[guild, ticket]) => Ok(RateCommentModal { guild, ticket }),
        _ => Err(CustomIdError::WrongArity),
    }
}

/// The intake's hub actions; `None` for a tag that is not one.
fn intake_action(tag: &str, nums: &[&str]) -> Option<Result<Action, CustomIdError>> {
    use Action::*;
    let args = Args(nums);
    let (arity, u64_at, u32_at) = (|n| args.arity(n), |i| args.u64_at(i), |i| args.u32_at(i));
    let plain = |action: Action| arity(0).map(|_| action);
    let one = |make: fn(u64) -> Action| arity(1).and_then(|_| Ok(make(u64_at(0)?)));
    let topic = |make: fn(u32) -> Action| arity(1).and_then(|_| Ok(make(u32_at(0)?)));
    Some(match tag {
        "iqscope" => plain(QuestionScopeSelect),
        "iqpage" => topic(|page| QuestionScopePage { page }),
        "iqmenu" => one(|scope| QuestionMenu { scope }),
        "iqadd" => one(|scope| QuestionAdd { scope }),
        "iqprev" => one(|scope| QuestionPreview { scope }),
        "iqprevm" => one(|scope| QuestionPreviewModal { scope }),
        "iqm" => arity(2).and_then(|_| {
            Ok(QuestionModal {
                scope: u64_at(0)?,
                index: u32_at(1)?,
            })
        }),
        "iroles" => topic(|topic| TopicRolesSelect { topic }),
        "irolesany" => topic(|topic| TopicRolesAnyOf { topic }),
        "irolesall" => topic(|topic| TopicRolesAllOf { topic }),
        "icontrols" => plain(ControlsModal),
        "iblocku" => plain(BlockUserSelect),
        "iblockr" => plain(BlockRoleSelect),
        "iblockm" => arity(2).and_then(|_| {
            Ok(BlockModal {
                role: u32_at(0)?,
                id: u64_at(1)?,
            })
        }),
        "iunblock" => plain(UnblockSelect),
        "ireset" => plain(ResetOpensSelect),
        "paneled" => plain(PanelEditSelect),
        "paneledm" => one(|message| PanelEditModal { message }),
        _ => return None,
    })
}

/// A panel's actions: a member's open from it, its settings in the hub; `None` for a tag that
/// is not one.
fn panel_action(tag: &str, nums: &[&str]) -> Option<Result<Action, CustomIdError>> {
    use Action::*;
    let numbers = || {
        nums.iter()
            .map(|n| parse_canonical_u64(n))
            .collect::<Result<Vec<u64>, _>>()
    };
    let one = |make: fn(u64) -> Action| match numbers()?.as_slice() {
        &[message] => Ok(make(message)),
        _ => Err(CustomIdError::WrongArity),
    };
    Some(match tag {
        "ptopic" => match nums {
            [] => Ok(PanelTopic),
            _ => Err(CustomIdError::WrongArity),
        },
        "ppick" => numbers().and_then(|n| match n.as_slice() {
            &[opener, panel] => Ok(PanelPick { opener, panel }),
            _ => Err(CustomIdError::WrongArity),
        }),
        "ppage" => numbers().and_then(|n| match n.as_slice() {
            &[opener, panel, page] => Ok(PanelPage {
                opener,
                panel,
                page: u32::try_from(page).map_err(|_| CustomIdError::BadNumber)?,
            }),
            _ => Err(CustomIdError::WrongArity),
        }),
        "paneltx" => one(|message| PanelTexts { message }),
        "panelbt" => one(|message| PanelButton { message }),
        "panelbtm" => one(|message| PanelButtonModal { message }),
        "panelst" => one(|message| PanelStyleSelect { message }),
        "paneltp" => one(|message| PanelTopicsSelect { message }),
        "pthr" => one(|message| PanelThreadsSelect { message }),
        "pchan" => one(|message| PanelChannels { message }),
        "iformp" => numbers().and_then(|n| match n.as_slice() {
            &[scope, panel] => Ok(IntakePanelForm { scope, panel }),
            _ => Err(CustomIdError::WrongArity),
        }),
        _ => return None,
    })
}

/// The actions on one ticket, whose only field is its number.
fn ticket_action(tag: &str) -> Option<fn(u64) -> Action> {
    use Action::*;
    let make: fn(u64) -> Action = match tag {
        "close" => |ticket| Close { ticket },
        "closer" => |ticket| CloseWithReason { ticket },
        "closem" => |ticket| CloseReasonModal { ticket },
        "reopen" => |ticket| Reopen { ticket },
        "delete" => |ticket| Delete { ticket },
        "adduser" => |ticket| AddUserSelect { ticket },
        "rmuser" => |ticket| RemoveUserSelect { ticket },
        "keep" => |ticket| KeepOpen { ticket },
        "claim" => |ticket| Claim { ticket },
        "unclaim" => |ticket| Unclaim { ticket },
        "transfer" => |ticket| TransferSelect { ticket },
        "creqok" => |ticket| CloseRequestAccept { ticket },
        "creqkeep" => |ticket| CloseRequestKeep { ticket },
        "iform" => |scope| IntakeForm { scope },
        "iedit" => |ticket| EditAnswers { ticket },
        "ieditm" => |ticket| EditAnswersModal { ticket },
        _ => return None,
    };
    Some(make)
}

/// Only the exact form `encode` writes is accepted, so decode∘encode is the identity.
fn parse_canonical_u64(s: &str) -> Result<u64, CustomIdError> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if !canonical {
        return Err(CustomIdError::BadNumber);
    }
    s.parse().map_err(|_| CustomIdError::BadNumber)
}

/// Custom ids of the text inputs inside the bot's modals (unique per modal, not global).
pub mod fields {
    pub const PANEL_TITLE: &str = "title";
    pub const PANEL_DESCRIPTION: &str = "description";
    pub const PANEL_FOOTER: &str = "footer";
    pub const PANEL_COLOR: &str = "color";
    pub const PANEL_LABEL: &str = "label";
    pub const PANEL_EMOJI: &str = "emoji";
    pub const LIMIT_PER_MEMBER: &str = "per_member";
    pub const LIMIT_PER_GUILD: &str = "per_guild";
    pub const TOPIC_NAME: &str = "name";
    pub const CLOSE_REASON: &str = "reason";
    pub const WARN_AFTER: &str = "warn_after";
    pub const CLOSE_AFTER: &str = "close_after";
    pub const STALE_PING: &str = "ping";
    pub const OPENER_LEAVES: &str = "opener_leaves";
    /// The topic a settings form is for; blank for the whole server.
    pub const FORM_TOPIC: &str = "topic";
    pub const FEEDBACK_COMMENT: &str = "comment";
    pub const HOURS_ZONE: &str = "zone";
    pub const HOURS_WINDOWS: &str = "windows";
    pub const HOURS_OUTSIDE: &str = "outside";
    pub const QUESTION_LABEL: &str = "label";
    pub const QUESTION_PLACEHOLDER: &str = "placeholder";
    pub const QUESTION_LENGTHS: &str = "lengths";
    pub const QUESTION_LONG: &str = "long";
    pub const QUESTION_REQUIRED: &str = "required";
    pub const COOLDOWN: &str = "cooldown";
    pub const DAILY_CAP: &str = "daily_cap";
    pub const BLOCK_REASON: &str = "reason";
    pub const BLOCK_DAYS: &str = "days";
    pub const READY_SIZE: &str = "ready_size";
}

macro_rules! choice_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $value:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The select option value sent to and received from Discord.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// `None` for any value the bot never offered.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($value => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

choice_enum! {
    /// Values of the [`Action::HubMenu`] select.
    HubChoice { Setup => "setup", Manage => "manage" }
}

choice_enum! {
    /// Values of the [`Action::SetupMenu`] select.
    SetupChoice {
        Panel => "panel",
        PanelRemove => "panel_remove",
        LogChannel => "log_channel",
        Limits => "limits",
        StaffRoles => "staff_roles",
        TopicAdd => "topic_add",
        TopicList => "topic_list",
        TopicRemove => "topic_remove",
        Language => "language",
        Inactivity => "inactivity",
        Hours => "hours",
        Feedback => "feedback",
        Questions => "questions",
        Controls => "controls",
        Blocklist => "blocklist",
        PanelEdit => "panel_edit",
        ReadyChannels => "ready",
    }
}

/// The [`Action::LanguageSelect`] value that drops the server's chosen language, so channel
/// messages follow the server's preferred locale again.
pub const LANGUAGE_FOLLOW_SERVER: &str = "server";

choice_enum! {
    /// Values of the [`Action::ManageMenu`] select.
    ManageChoice {
        CloseThis => "close",
        CloseAll => "close_all",
        AddUser => "add_user",
        RemoveUser => "remove_user",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every variant, at both ends of its number ranges.
    fn all_actions() -> Vec<Action> {
        use Action::*;
        let mut v = vec![
            OpenTicket,
            HubMenu,
            SetupMenu,
            ManageMenu,
            PanelChannelSelect,
            PanelRemoveSelect,
            LogChannelSelect,
            LanguageSelect,
            LimitsModal,
            StaffRoleSelect,
            TopicAddModal,
            CloseAllConfirm,
            Cancel,
            InactivityModal,
            HoursModal,
            QuestionScopeSelect,
            ControlsModal,
            BlockUserSelect,
            BlockRoleSelect,
            UnblockSelect,
            ResetOpensSelect,
            PanelEditSelect,
            ReadyModal,
            PanelTopic,
        ];
        for n in [0, 1, u64::MAX] {
            let m = u32::try_from(n).unwrap_or(u32::MAX);
            v.extend([
                PickTopic { opener: n },
                TopicPage { opener: n, page: m },
                Close { ticket: n },
                CloseWithReason { ticket: n },
                CloseReasonModal { ticket: n },
                Reopen { ticket: n },
                Delete { ticket: n },
                PanelModal { channel: n },
                TopicList { page: m },
                TopicRemoveSelect { page: m },
                TopicRemoveConfirm { topic: m },
                AddUserSelect { ticket: n },
                RemoveUserSelect { ticket: n },
                KeepOpen { ticket: n },
                Claim { ticket: n },
                Unclaim { ticket: n },
                TransferSelect { ticket: n },
                CloseRequestAccept { ticket: n },
                CloseRequestKeep { ticket: n },
                Rate {
                    guild: n,
                    ticket: n,
                    stars: u8::try_from(n).unwrap_or(u8::MAX),
                },
                RateComment {
                    guild: n,
                    ticket: n,
                },
                RateCommentModal {
                    guild: n,
                    ticket: n,
                },
                IntakeForm { scope: n },
                EditAnswers { ticket: n },
                EditAnswersModal { ticket: n },
                QuestionMenu { scope: n },
                QuestionAdd { scope: n },
                QuestionPreview { scope: n },
                QuestionPreviewModal { scope: n },
                QuestionModal { scope: n, index: m },
                TopicRolesSelect { topic: m },
                QuestionScopePage { page: m },
                PanelEditModal { message: n },
                PanelPick {
                    opener: n,
                    panel: n,
                },
                PanelPage {
                    opener: n,
                    panel: n,
                    page: m,
                },
                PanelTexts { message: n },
                PanelButton { message: n },
                PanelButtonModal { message: n },
                PanelStyleSelect { message: n },
                PanelTopicsSelect { message: n },
                PanelThreadsSelect { message: n },
                PanelChannels { message: n },
                IntakePanelForm { scope: n, panel: n },
                TopicRolesAnyOf { topic: m },
                TopicRolesAllOf { topic: m },
                BlockModal { role: m, id: n },
            ]);
        }
        v
    }

    #[test]
    fn intake_select_values_round_trip_and_refuse_the_rest() {
        for op in [
            QuestionOp::Edit(0),
            QuestionOp::MoveUp(4),
            QuestionOp::Remove(2),
            QuestionOp::Subject(3),
        ] {
            assert_eq!(QuestionOp::parse(&op.value()), Some(op));
        }
        for bad in ["", "e", "x1", "e01", "e12", "e-1", "é1"] {
            assert_eq!(QuestionOp::parse(bad), None, "{bad}");
        }
        assert_eq!(parse_block_value(&block_value(true, 7)), Some((true, 7)));
        assert_eq!(
            parse_block_value(&block_value(false, u64::MAX)),
            Some((false, u64::MAX))
        );
        for bad in ["", "m", "x1", "m01", "r-1"] {
            assert_eq!(parse_block_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn intake_scopes_name_no_topic_or_one_topic() {
        for topic in [None, Some(0), Some(7), Some(u32::MAX)] {
            assert_eq!(topic_of(scope_of(topic)), Ok(topic));
        }
        assert_eq!(topic_of(u64::MAX), Err(CustomIdError::BadNumber));
    }

    #[test]
    fn every_variant_round_trips_within_discord_limits() {
        for action in all_actions() {
            let s = encode(&action);
            assert!(!s.is_empty() && s.len() <= MAX_LEN, "{s}");
            assert!(s.is_ascii(), "{s}");
            assert_eq!(decode(&s), Ok(action), "{s}");
        }
    }

    #[test]
    fn distinct_actions_encode_distinctly() {
        let all = all_actions();
        let encoded: std::collections::HashSet<String> = all.iter().map(encode).collect();
        let unique: std::collections::HashSet<Action> = all.iter().copied().collect();
        assert_eq!(encoded.len(), unique.len());
    }

    #[test]
    fn known_wire_forms() {
        assert_eq!(encode(&Action::Close { ticket: 12 }), "tk:close:12");
        assert_eq!(encode(&Action::OpenTicket), "tk:open");
        assert_eq!(
            encode(&Action::TopicPage { opener: 5, page: 2 }),
            "tk:tpage:5:2"
        );
    }

    #[test]
    fn rejects_malformed() {
        use CustomIdError::*;
        let cases: &[(&str, CustomIdError)] = &[
            ("", Empty),
            ("tk", UnknownAction),
            ("tk:", UnknownAction),
            ("xx:close:1", Foreign),
            ("TK:close:1", Foreign),
            ("tk:CLOSE:1", UnknownAction),
            ("tk:nope", UnknownAction),
            ("tk:close", WrongArity),
            ("tk:close:1:2", WrongArity),
            ("tk:open:1", WrongArity),
            ("tk:close:", BadNumber),
            ("tk:close:01", BadNumber),
            ("tk:close:+1", BadNumber),
            ("tk:close:-1", BadNumber),
            ("tk:close: 1", BadNumber),
            ("tk:close:1a", BadNumber),
            ("tk:close:18446744073709551616", BadNumber),
            ("tk:topics:4294967296", BadNumber),
            ("tk:topicrmok:99999999999", BadNumber),
            ("tk:close:١", BadNumber),
            ("tk:tpage:1:", BadNumber),
        ];
        for (raw, want) in cases {
            assert_eq!(decode(raw).as_ref(), Err(want), "{raw:?}");
        }
        let long = format!("tk:close:{}", "1".repeat(100));
        assert_eq!(decode(&long), Err(TooLong));
    }

    #[test]
    fn choices_round_trip_and_reject_unknown() {
        for c in HubChoice::ALL {
            assert_eq!(HubChoice::parse(c.as_str()), Some(*c));
        }
        for c in SetupChoice::ALL {
            assert_eq!(SetupChoice::parse(c.as_str()), Some(*c));
        }
        for c in ManageChoice::ALL {
            assert_eq!(ManageChoice::parse(c.as_str()), Some(*c));
        }
        assert_eq!(HubChoice::parse("Setup"), None);
        assert_eq!(ManageChoice::parse(""), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_strings_never_panic_and_ok_reencodes(raw in ".{0,120}") {
            if let Ok(action) = decode(&raw) {
                prop_assert_eq!(encode(&action), raw);
            }
        }

        #[test]
        fn near_miss_strings_never_panic_and_ok_reencodes(
            tag in "(open|pick|tpage|close|closer|closem|reopen|delete|topics|topicrmok|cancel|x)",
            nums in proptest::collection::vec("[0-9+\\- ]{0,22}", 0..4),
        ) {
            let raw = format!("tk:{tag}{}", nums.iter().map(|n| format!(":{n}")).collect::<String>());
            if let Ok(action) = decode(&raw) {
                prop_assert_eq!(encode(&action), raw);
            }
        }

        #[test]
        fn numbered_variants_round_trip(n in any::<u64>(), p in any::<u32>()) {
            for action in [
                Action::Close { ticket: n },
                Action::TopicPage { opener: n, page: p },
                Action::TopicRemoveConfirm { topic: p },
                Action::RemoveUserSelect { ticket: n },
            ] {
                let s = encode(&action);
                prop_assert!(s.len() <= MAX_LEN);
                prop_assert_eq!(decode(&s), Ok(action));
            }
        }
    }
}
