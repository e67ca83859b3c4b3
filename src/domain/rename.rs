//! Channel renames against Discord's budget: about two name (or topic) changes per channel
//! per 10 minutes. A rename beyond it would sit in Discord's bucket for minutes, so the ticket
//! actor asks here when the next one may go, holds the newest wanted name until then, and keeps
//! serving every other request meanwhile.

use std::collections::VecDeque;

use super::model::Priority;

/// Name or topic changes Discord allows per channel in one window.
pub const RENAMES_PER_WINDOW: usize = 2;
/// The window, in milliseconds.
pub const WINDOW_MS: i64 = 10 * 60 * 1000;
/// Discord's longest channel name.
pub const NAME_MAX: usize = 100;

/// The renames one channel made recently (milliseconds since the epoch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenameBudget {
    recent: VecDeque<i64>,
}

impl RenameBudget {
    /// The budget as the record remembers it (the times of the last renames).
    pub fn from_times(times: &[i64]) -> Self {
        let mut budget = Self::default();
        for at in times {
            budget.spend(*at);
        }
        budget
    }

    /// The times to remember, at most [`RENAMES_PER_WINDOW`].
    pub fn times(&self) -> Vec<i64> {
        self.recent.iter().copied().collect()
    }

    /// The earliest time, at or after `now`, a rename may be sent.
    pub fn next_slot(&self, now: i64) -> i64 {
        let live: Vec<i64> = self
            .recent
            .iter()
            .copied()
            .filter(|at| now - at < WINDOW_MS)
            .collect();
        if live.len() < RENAMES_PER_WINDOW {
            now
        } else {
            live[live.len() - RENAMES_PER_WINDOW] + WINDOW_MS
        }
    }

    /// A rename was sent at `at`.
    pub fn spend(&mut self, at: i64) {
        self.recent.push_back(at);
        while self.recent.len() > RENAMES_PER_WINDOW {
            self.recent.pop_front();
        }
    }
}

/// The channel's name as shown: `base` behind a short prefix for a priority other than normal,
/// so staff scanning the channel list see what is urgent. Cut to [`NAME_MAX`].
pub fn shown_name(base: &str, priority: Priority) -> String {
    let prefix = match priority {
        Priority::Urgent => "urgent-",
        Priority::High => "high-",
        Priority::Low => "low-",
        Priority::Normal => "",
    };
    format!("{prefix}{base}").chars().take(NAME_MAX).collect()
}

/// What the channel shows, reduced to a number: the record keeps this rather than the texts,
/// to tell whether the channel is up to date.
pub fn shown_fingerprint(name: &str, topic: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    (name, topic).hash(&mut hasher);
    hasher.finish()
}

/// A channel name as Discord's client makes one from what was typed: lowercase, spaces and
/// other separators as single dashes, only letters, digits, `-` and `_`; `None` when nothing
/// is left.
pub fn channel_slug(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.chars().count() >= NAME_MAX {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_renames_per_ten_minutes_then_the_oldest_frees_a_slot() {
        let mut budget = RenameBudget::default();
        assert_eq!(budget.next_slot(0), 0);
        budget.spend(0);
        assert_eq!(budget.next_slot(1_000), 1_000);
        budget.spend(1_000);
        assert_eq!(
            budget.next_slot(2_000),
            WINDOW_MS,
            "the third waits for the first's window"
        );
        assert_eq!(budget.next_slot(WINDOW_MS), WINDOW_MS);
        budget.spend(WINDOW_MS);
        assert_eq!(budget.next_slot(WINDOW_MS + 1), 1_000 + WINDOW_MS);
        assert_eq!(
            budget.next_slot(3 * WINDOW_MS),
            3 * WINDOW_MS,
            "all forgotten"
        );
    }

    #[test]
    fn priority_shows_as_a_prefix_and_normal_as_none() {
        assert_eq!(shown_name("ticket-0007", Priority::Normal), "ticket-0007");
        assert_eq!(
            shown_name("ticket-0007", Priority::Urgent),
            "urgent-ticket-0007"
        );
        assert_eq!(shown_name("refund", Priority::Low), "low-refund");
        let long = "n".repeat(NAME_MAX);
        assert_eq!(shown_name(&long, Priority::High).chars().count(), NAME_MAX);
        assert_ne!(
            shown_fingerprint("a", "bc"),
            shown_fingerprint("ab", "c"),
            "name and topic stay apart"
        );
    }

    #[test]
    fn a_remembered_budget_is_the_budget_it_was() {
        let mut budget = RenameBudget::default();
        for at in [0, 1_000, 2_000] {
            budget.spend(at);
        }
        let remembered = RenameBudget::from_times(&budget.times());
        assert_eq!(remembered, budget);
        assert_eq!(remembered.times(), [1_000, 2_000]);
        assert_eq!(remembered.next_slot(3_000), 1_000 + WINDOW_MS);
    }

    #[test]
    fn names_are_slugged_as_discord_shows_them() {
        assert_eq!(
            channel_slug("  Billing Issue #2 ").as_deref(),
            Some("billing-issue-2")
        );
        assert_eq!(channel_slug("a__b--c").as_deref(), Some("a__b-c"));
        assert_eq!(channel_slug("!!!"), None);
        assert_eq!(
            channel_slug(&"x".repeat(300)).map(|s| s.len()),
            Some(NAME_MAX)
        );
    }
}
