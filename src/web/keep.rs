//! Which of a ticket's attachments are copied into the store at close: Discord's links expire
//! and its files go with a deleted channel, so a transcript page keeps its own copies, within
//! bounds per file and per ticket.

use crate::domain::transcript::TranscriptMessage;

/// How much a close copies into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepBounds {
    /// A larger attachment is not copied (its page says so).
    pub per_file: u64,
    /// Attachments past this total, in message order, are not copied.
    pub per_ticket: u64,
}

impl Default for KeepBounds {
    fn default() -> Self {
        KeepBounds {
            // Discord's upload limit for a server without boosts: most files fit.
            per_file: 10 * 1024 * 1024,
            per_ticket: 50 * 1024 * 1024,
        }
    }
}

/// `(message index, attachment index)` of the attachments to copy: oldest first, each within
/// `per_file` by the size Discord reported, until the next would pass `per_ticket`. A file
/// that does not fit is skipped and smaller later ones still get their turn.
pub fn choose(messages: &[TranscriptMessage], bounds: KeepBounds) -> Vec<(usize, usize)> {
    let mut chosen = Vec::new();
    let mut total: u64 = 0;
    for (mi, m) in messages.iter().enumerate() {
        for (ai, a) in m.attachments.iter().enumerate() {
            if a.size > bounds.per_file {
                continue;
            }
            match total.checked_add(a.size) {
                Some(next) if next <= bounds.per_ticket => {
                    total = next;
                    chosen.push((mi, ai));
                }
                _ => {}
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transcript::TranscriptAttachment;

    fn with_sizes(sizes: &[&[u64]]) -> Vec<TranscriptMessage> {
        sizes
            .iter()
            .map(|files| TranscriptMessage {
                attachments: files
                    .iter()
                    .map(|&size| TranscriptAttachment {
                        size,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn files_over_the_per_file_bound_are_skipped() {
        let bounds = KeepBounds {
            per_file: 10,
            per_ticket: 100,
        };
        let chosen = choose(&with_sizes(&[&[5, 11], &[10]]), bounds);
        assert_eq!(chosen, vec![(0, 0), (1, 0)]);
    }

    #[test]
    fn the_ticket_bound_stops_the_total_but_smaller_files_still_fit() {
        let bounds = KeepBounds {
            per_file: 50,
            per_ticket: 60,
        };
        let chosen = choose(&with_sizes(&[&[40], &[30, 20], &[1]]), bounds);
        // 40 fits, 30 would make 70, 20 makes 60, 1 would make 61.
        assert_eq!(chosen, vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn sizes_near_u64_max_do_not_overflow() {
        let bounds = KeepBounds {
            per_file: u64::MAX,
            per_ticket: u64::MAX,
        };
        let chosen = choose(&with_sizes(&[&[u64::MAX, 1]]), bounds);
        assert_eq!(chosen, vec![(0, 0)]);
    }
}
