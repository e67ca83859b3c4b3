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
        ReadyModal => ("ready", None, None),
        Claim { ticket } => ("claim", Some(ticket), None),
        Unclaim { ticket } => ("unclaim", Some(ticket), None),
        TransferSelect { ticket } => ("transfer", Some(ticket), None),
        CloseRequestAccept { ticket } => ("creqok", Some(ticket), None),
        CloseRequestKeep { ticket } => ("creqkeep", Some(ticket), None),
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
    let arity = |n: usize| {
        (nums.len() == n)
            .then_some(())
            .ok_or(CustomIdError::WrongArity)
    };
    let u64_at = |i: usize| parse_canonical_u64(nums[i]);
    let u32_at = |i: usize| {
        parse_canonical_u64(nums[i])
            .and_then(|n| u32::try_from(n).map_err(|_| CustomIdError::BadNumber))
    };
    if let Some(make) = ticket_action(tag) {
        arity(1)?;
        return Ok(make(u64_at(0)?));
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
        "ready" => arity(0).map(|_| ReadyModal)?,
        _ => return Err(CustomIdError::UnknownAction),
    };
    Ok(action)
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
    pub const LIMIT_PER_MEMBER: &str = "per_member";
    pub const LIMIT_PER_GUILD: &str = "per_guild";
    pub const TOPIC_NAME: &str = "name";
    pub const CLOSE_REASON: &str = "reason";
    pub const WARN_AFTER: &str = "warn_after";
    pub const CLOSE_AFTER: &str = "close_after";
    pub const STALE_PING: &str = "ping";
    pub const OPENER_LEAVES: &str = "opener_leaves";
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
            ReadyModal,
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
            ]);
        }
        v
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
