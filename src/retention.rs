//! Retention and deletion requests: `--retain-transcripts DAYS` (a schedule inside `run`),
//! `ticketeer prune [--dry-run]` and `ticketeer forget-guild`. The rule of what is due is
//! [`crate::domain::retention::due`]; this module only applies it to the store.

use std::time::Duration;

use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::domain::{model::Snowflake, retention};
use crate::store::{Store, StoreError, WriteOp};

/// How often `--retain-transcripts` looks for transcripts past their time.
pub const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// `(guild, number)` of the transcripts older than `keep_days` that the store still holds;
/// unless `dry_run`, deletes them (transcript, page and kept files; the ticket record stays, so
/// numbers are never reused).
pub async fn prune(
    store: &Store,
    now_millis: i64,
    keep_days: u64,
    dry_run: bool,
) -> Result<Vec<(Snowflake, u64)>, StoreError> {
    let records = store.every_ticket().await?;
    let held = store.transcript_keys().await?;
    let due: Vec<(Snowflake, u64)> = retention::due(&records, now_millis, keep_days)
        .into_iter()
        .filter(|key| held.contains(key))
        .collect();
    if !dry_run && !due.is_empty() {
        let ops = due
            .iter()
            .map(|&(guild, number)| WriteOp::DeleteTranscript { guild, number })
            .collect();
        store.write(ops).await?;
    }
    Ok(due)
}

/// Runs [`prune`] now and every [`PRUNE_EVERY`], with a log line each time it deleted
/// something; ends when the store closes.
pub fn spawn_schedule(store: Store, keep_days: u64) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PRUNE_EVERY);
        loop {
            every.tick().await;
            match prune(
                &store,
                crate::actors::ticket::now_millis(),
                keep_days,
                false,
            )
            .await
            {
                Ok(deleted) if deleted.is_empty() => {}
                Ok(deleted) => info!(
                    transcripts = deleted.len(),
                    keep_days, "retention: deleted transcripts and their files past the period"
                ),
                Err(StoreError::Closed) => return,
                Err(error) => warn!(%error, "retention: pruning failed; trying again later"),
            }
        }
    })
}

/// Deletes everything the store holds of `guild` (a deletion request). The bot must be stopped.
pub async fn forget_guild(store: &Store, guild: Snowflake) -> Result<(), StoreError> {
    store.write(vec![WriteOp::ForgetGuild { guild }]).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{TicketRecord, TicketState};
    use crate::domain::transcript::TranscriptDoc;
    use crate::store::{Durability, StoreConfig, StoredFile};

    const DAY: i64 = 24 * 3600 * 1000;

    fn record(guild: u64, number: u64, closed_at: i64) -> TicketRecord {
        TicketRecord {
            channel: Some(1000 + number),
            state: TicketState::Closed,
            closed_at: Some(closed_at),
            ..TicketRecord::new(guild, number, 2, 0)
        }
    }

    fn closed_with_everything(guild: u64, number: u64, closed_at: i64) -> Vec<WriteOp> {
        vec![
            WriteOp::SetCounter {
                guild,
                value: number,
            },
            WriteOp::PutTicket(record(guild, number, closed_at)),
            WriteOp::PutTranscript {
                guild,
                number,
                html: "<p>x</p>".into(),
                text: "x".into(),
            },
            WriteOp::PutTranscriptPage {
                guild,
                number,
                doc: Box::new(TranscriptDoc::default()),
            },
            WriteOp::PutFile {
                guild,
                number,
                id: 9,
                file: StoredFile {
                    filename: "a.png".into(),
                    content_type: "image/png".into(),
                    bytes: vec![1, 2, 3],
                },
            },
        ]
    }

    #[tokio::test]
    async fn prune_dry_run_then_delete_then_forget_a_guild() {
        let dir = std::env::temp_dir().join(format!("ticketeer-retention-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(StoreConfig {
            path: dir.join("t.redb"),
            durability: Durability::Immediate,
        })
        .expect("store opens");
        let now = 100 * DAY;
        let mut ops = closed_with_everything(1, 1, now - 40 * DAY);
        ops.extend(closed_with_everything(1, 2, now - 2 * DAY));
        ops.extend(closed_with_everything(2, 1, now - 40 * DAY));
        store.write(ops).await.expect("written");

        let due = prune(&store, now, 30, true).await.expect("dry run");
        assert_eq!(due, vec![(1, 1), (2, 1)]);
        assert!(
            store.transcript(1, 1).await.expect("read").is_some(),
            "dry run deletes nothing"
        );

        let deleted = prune(&store, now, 30, false).await.expect("pruned");
        assert_eq!(deleted, due);
        assert!(store.transcript(1, 1).await.expect("read").is_none());
        assert!(store.transcript_page(1, 1).await.expect("read").is_none());
        assert!(store.file(1, 1, 9).await.expect("read").is_none());
        assert!(
            store.ticket(1, 1).await.expect("read").is_some(),
            "the record stays"
        );
        assert!(
            store.transcript(1, 2).await.expect("read").is_some(),
            "newer ones stay"
        );
        assert!(
            prune(&store, now, 30, false)
                .await
                .expect("again")
                .is_empty()
        );

        forget_guild(&store, 1).await.expect("forgotten");
        assert!(store.all_tickets(1).await.expect("read").is_empty());
        assert!(store.transcript(1, 2).await.expect("read").is_none());
        assert!(store.file(1, 2, 9).await.expect("read").is_none());
        assert_eq!(store.load_guild(1).await.expect("read").counter, 0);
        assert!(store.ticket_by_channel(1002).await.expect("read").is_none());
        // The other guild is untouched.
        assert_eq!(store.all_tickets(2).await.expect("read").len(), 1);
        assert_eq!(store.load_guild(2).await.expect("read").counter, 1);
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
