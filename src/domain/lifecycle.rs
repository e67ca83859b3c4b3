//! A ticket's life as a state machine: which action is legal from which stored state.
//!
//! Buttons outlive the state they were posted for (a "Closed" message's Delete is still on screen
//! after a reopen, and two people can press at once), so every action on a ticket is checked here
//! against the ticket's stored state before anything is done. [`access`](super::access) decides
//! *who* may act; this module decides *whether the ticket is in a state where the act makes
//! sense*. Both are pure and checked by the ticket actor, which serializes them with the change.

use thiserror::Error;

use super::model::TicketState;
use crate::ui::text::{Text, t};

/// What a person (or an admin operation) asks of one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Close,
    Reopen,
    Delete,
    /// Add or remove people: the ticket stays open.
    ChangeUsers,
    /// Claim, unclaim or transfer: the ticket stays open.
    Claim,
    /// Ask for a close, or keep the ticket open: the ticket stays open.
    CloseRequest,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Close,
        Step::Reopen,
        Step::Delete,
        Step::ChangeUsers,
        Step::Claim,
        Step::CloseRequest,
    ];
}

/// A step refused because the ticket is not in a state it applies to; its text says which state
/// the ticket is in and, where there is one, what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{}", refusal_text(*.number, *.state, *.step))]
pub struct NotNow {
    pub number: u64,
    pub state: TicketState,
    pub step: Step,
}

/// The state `step` leads to from `state`, or why it does not apply now.
pub fn next_state(number: u64, state: TicketState, step: Step) -> Result<TicketState, NotNow> {
    use Step::*;
    use TicketState::*;
    match (state, step) {
        (Open, Close) => Ok(Closed),
        (Closed, Reopen) => Ok(Open),
        (Closed, Delete) => Ok(Deleted),
        (Open, ChangeUsers) => Ok(Open),
        (Open, Claim) => Ok(Open),
        (Open, CloseRequest) => Ok(Open),
        _ => Err(NotNow {
            number,
            state,
            step,
        }),
    }
}

fn refusal_text(number: u64, state: TicketState, step: Step) -> String {
    use Step::*;
    use TicketState::*;
    match (state, step) {
        (Provisioning, _) => t!(StillOpening, number),
        (Failed, _) => t!(NeverOpened, number),
        (Deleted, _) => t!(WasDeleted, number),
        (Open, Reopen) => t!(AlreadyOpen, number),
        // Delete buttons only ever appear on a "closed" message, so an open ticket being
        // deleted means it was reopened after that message was posted.
        (Open, Delete) => t!(OpenAgain, number),
        (Closed, Close) => t!(AlreadyClosed, number),
        (Closed, ChangeUsers) => t!(ClosedNoPeopleChange, number),
        (Closed, Claim) => t!(ClosedNoClaim, number),
        (Closed, CloseRequest) => t!(AlreadyClosed, number),
        // Legal pairs never reach here; a plain sentence keeps the function total.
        (Open, _) | (Closed, _) => t!(TicketIs, number, state = state_word(state)),
    }
}

/// How a state reads in a sentence ("Ticket #3 is …").
fn state_word(state: TicketState) -> Text {
    match state {
        TicketState::Provisioning => Text::StateProvisioning,
        TicketState::Open => Text::StateOpen,
        TicketState::Closed => Text::StateClosed,
        TicketState::Deleted => Text::StateDeleted,
        TicketState::Failed => Text::StateFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATES: [TicketState; 5] = [
        TicketState::Provisioning,
        TicketState::Open,
        TicketState::Closed,
        TicketState::Deleted,
        TicketState::Failed,
    ];

    /// Every (state, step) pair: exactly the six legal transitions succeed, and every refusal
    /// names the ticket and is neither empty nor the generic fallback for a pair that has its
    /// own sentence.
    #[test]
    fn every_state_and_step() {
        for state in STATES {
            for step in Step::ALL {
                let got = next_state(7, state, step);
                let expected = match (state, step) {
                    (TicketState::Open, Step::Close) => Some(TicketState::Closed),
                    (TicketState::Closed, Step::Reopen) => Some(TicketState::Open),
                    (TicketState::Closed, Step::Delete) => Some(TicketState::Deleted),
                    (TicketState::Open, Step::ChangeUsers) => Some(TicketState::Open),
                    (TicketState::Open, Step::Claim) => Some(TicketState::Open),
                    (TicketState::Open, Step::CloseRequest) => Some(TicketState::Open),
                    _ => None,
                };
                match (got, expected) {
                    (Ok(next), Some(want)) => assert_eq!(next, want, "{state:?} {step:?}"),
                    (Err(refusal), None) => {
                        let text = refusal.to_string();
                        assert!(text.starts_with("Ticket #7 "), "{state:?} {step:?}: {text}");
                        assert!(text.ends_with('.'), "{state:?} {step:?}: {text}");
                    }
                    (got, want) => panic!("{state:?} {step:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn a_stale_delete_on_a_reopened_ticket_says_to_close_it_first() {
        let refusal = next_state(12, TicketState::Open, Step::Delete).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "Ticket #12 is open again; close it first."
        );
        assert_eq!(
            next_state(12, TicketState::Closed, Step::ChangeUsers)
                .unwrap_err()
                .to_string(),
            "Ticket #12 is closed; reopen it before adding or removing people."
        );
        assert_eq!(
            next_state(12, TicketState::Open, Step::Reopen)
                .unwrap_err()
                .to_string(),
            "Ticket #12 is already open."
        );
    }

    #[test]
    fn nothing_leaves_deleted_or_failed() {
        for state in [TicketState::Deleted, TicketState::Failed] {
            for step in Step::ALL {
                assert!(next_state(1, state, step).is_err(), "{state:?} {step:?}");
            }
        }
    }
}
