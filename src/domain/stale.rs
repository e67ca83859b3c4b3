//! Inactivity: when a quiet ticket is warned, when it is closed, and whom the warning pings.
//!
//! Pure: the ticket actor brings the record, the guild's [`Inactivity`] setting, what it knows of
//! the last human message and the clock's `now`; these functions say what to do.
//!
//! Last activity is lazy state: a human message only moves a time in the ticket actor's memory,
//! and the stored warning deadline stays where it was (earlier or equal). When that deadline
//! fires, [`on_warning_due`] moves it to the real time instead of warning. After a restart the
//! memory is gone and the channel's last message id stands in for it: a snowflake carries its
//! creation time, so a busy ticket is not closed and a quiet one not forgotten.

use super::model::{Inactivity, Snowflake, StalePing, TicketState, UnixMillis};

pub const HOUR: i64 = 3_600_000;
/// Discord's epoch (the first second of 2015) in Unix milliseconds.
pub const DISCORD_EPOCH: i64 = 1_420_070_400_000;

/// When a snowflake was created, in Unix milliseconds.
pub fn snowflake_millis(id: Snowflake) -> UnixMillis {
    (id >> 22) as i64 + DISCORD_EPOCH
}

/// Whether a human message in an open ticket is worth waking the ticket's actor for: it is
/// activity inactivity counts, it may withdraw a waiting close request, or it may be staff's
/// first answer (the first-response time). The router, before a guild's actor runs, and the
/// guild actor decide by this one rule; an actor already running hears every message.
pub fn message_matters(
    inactivity_on: bool,
    request_waiting: bool,
    first_answer_possible: bool,
) -> bool {
    inactivity_on || request_waiting || first_answer_possible
}

/// Who wrote the last human message, as far as the actor knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The opener or another member who is not staff (the ticket waits for staff).
    Member,
    /// Staff (the ticket waits for the opener).
    Staff,
    /// Not known (rebuilt after a restart from a message id, which says when, not who).
    Unknown,
}

/// The last human message: when (clock time) and who.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    pub at: UnixMillis,
    pub by: Speaker,
}

/// Whether inactivity applies to this ticket at all.
pub fn applies(policy: &Inactivity, state: TicketState, autoclose_off: bool) -> bool {
    policy.is_on() && state == TicketState::Open && !autoclose_off
}

/// When a ticket last active at `last` is due its warning.
pub fn warning_at(policy: &Inactivity, last: UnixMillis) -> UnixMillis {
    last.saturating_add(i64::from(policy.warn_after_hours) * HOUR)
}

/// When a ticket warned at `warned` is closed if nobody writes.
pub fn close_at(policy: &Inactivity, warned: UnixMillis) -> UnixMillis {
    warned.saturating_add(i64::from(policy.close_after_hours) * HOUR)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningDue {
    /// Inactivity no longer applies (closed, excluded, switched off) or the warning is already
    /// out: forget the deadline.
    Drop,
    /// Someone wrote since it was armed: move it.
    Move(UnixMillis),
    /// Post the warning and arm the close.
    Warn,
}

/// The warning deadline fired at `now`.
pub fn on_warning_due(
    policy: &Inactivity,
    state: TicketState,
    autoclose_off: bool,
    warned: bool,
    last: UnixMillis,
    now: UnixMillis,
) -> WarningDue {
    if !applies(policy, state, autoclose_off) || warned {
        return WarningDue::Drop;
    }
    let due = warning_at(policy, last);
    if due > now {
        WarningDue::Move(due)
    } else {
        WarningDue::Warn
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseDue {
    /// Nothing to do: not open, excluded, switched off, or the warning was already answered.
    Drop,
    /// Someone wrote after the warning: retire it and arm a new warning.
    Answered,
    /// Close as inactive.
    Close,
}

/// The close deadline fired. `written_since_warning`: a message newer than the warning exists.
pub fn on_close_due(
    policy: &Inactivity,
    state: TicketState,
    autoclose_off: bool,
    warned: bool,
    written_since_warning: bool,
) -> CloseDue {
    if !applies(policy, state, autoclose_off) || !warned {
        CloseDue::Drop
    } else if written_since_warning {
        CloseDue::Answered
    } else {
        CloseDue::Close
    }
}

/// Whom the warning mentions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mentions {
    pub opener: bool,
    pub staff: bool,
}

pub fn mentions(ping: StalePing, last: Speaker) -> Mentions {
    match ping {
        StalePing::Nobody => Mentions::default(),
        StalePing::Opener => Mentions {
            opener: true,
            staff: false,
        },
        StalePing::Staff => Mentions {
            opener: false,
            staff: true,
        },
        StalePing::WhoeverOwesAnAnswer => match last {
            Speaker::Staff => Mentions {
                opener: true,
                staff: false,
            },
            Speaker::Member => Mentions {
                opener: false,
                staff: true,
            },
            Speaker::Unknown => Mentions {
                opener: true,
                staff: true,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ON: Inactivity = Inactivity {
        warn_after_hours: 24,
        close_after_hours: 12,
        ping: StalePing::WhoeverOwesAnAnswer,
        close_when_opener_leaves: false,
    };

    #[test]
    fn a_snowflake_tells_its_time() {
        // Discord's documented example: 175928847299117063 is 2016-04-30 11:18:25.796 UTC.
        assert_eq!(snowflake_millis(175_928_847_299_117_063), 1_462_015_105_796);
    }

    #[test]
    fn the_warning_waits_for_the_last_human_message() {
        let open = TicketState::Open;
        assert_eq!(
            on_warning_due(&ON, open, false, false, 0, 24 * HOUR),
            WarningDue::Warn
        );
        // Someone wrote an hour in: a day from then.
        assert_eq!(
            on_warning_due(&ON, open, false, false, HOUR, 24 * HOUR),
            WarningDue::Move(25 * HOUR)
        );
        assert_eq!(
            on_warning_due(&ON, open, false, false, HOUR, 25 * HOUR),
            WarningDue::Warn
        );
    }

    #[test]
    fn no_warning_when_off_excluded_closed_or_already_out() {
        let off = Inactivity::default();
        let now = 100 * HOUR;
        assert_eq!(
            on_warning_due(&off, TicketState::Open, false, false, 0, now),
            WarningDue::Drop
        );
        assert_eq!(
            on_warning_due(&ON, TicketState::Open, true, false, 0, now),
            WarningDue::Drop
        );
        assert_eq!(
            on_warning_due(&ON, TicketState::Closed, false, false, 0, now),
            WarningDue::Drop
        );
        assert_eq!(
            on_warning_due(&ON, TicketState::Open, false, true, 0, now),
            WarningDue::Drop
        );
    }

    #[test]
    fn the_close_needs_an_unanswered_warning() {
        let open = TicketState::Open;
        assert_eq!(on_close_due(&ON, open, false, true, false), CloseDue::Close);
        assert_eq!(
            on_close_due(&ON, open, false, true, true),
            CloseDue::Answered
        );
        assert_eq!(on_close_due(&ON, open, false, false, false), CloseDue::Drop);
        assert_eq!(on_close_due(&ON, open, true, true, false), CloseDue::Drop);
        assert_eq!(
            on_close_due(&ON, TicketState::Closed, false, true, false),
            CloseDue::Drop
        );
    }

    #[test]
    fn the_warning_pings_whoever_owes_an_answer() {
        let rule = StalePing::WhoeverOwesAnAnswer;
        assert_eq!(
            mentions(rule, Speaker::Staff),
            Mentions {
                opener: true,
                staff: false
            }
        );
        assert_eq!(
            mentions(rule, Speaker::Member),
            Mentions {
                opener: false,
                staff: true
            }
        );
        assert_eq!(
            mentions(rule, Speaker::Unknown),
            Mentions {
                opener: true,
                staff: true
            }
        );
        assert_eq!(
            mentions(StalePing::Nobody, Speaker::Staff),
            Mentions::default()
        );
        assert!(mentions(StalePing::Staff, Speaker::Staff).staff);
        assert!(mentions(StalePing::Opener, Speaker::Member).opener);
    }

    #[test]
    fn times_saturate_instead_of_overflowing() {
        let long = Inactivity {
            warn_after_hours: u32::MAX,
            close_after_hours: u32::MAX,
            ping: StalePing::Nobody,
            close_when_opener_leaves: false,
        };
        assert_eq!(warning_at(&long, i64::MAX - 1), i64::MAX);
        assert_eq!(close_at(&long, i64::MAX - 1), i64::MAX);
        assert_eq!(close_at(&ON, 0), 12 * HOUR);
    }
}
