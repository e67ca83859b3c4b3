//! The statistics' running sums (see [`crate::domain::tally`]): kept in the commit that writes
//! the records they sum, rebuilt from the records once when a file has none yet.

use std::collections::HashMap;

use redb::{ReadTransaction, ReadableTable, TableDefinition, WriteTransaction};

use super::{BytesTable, META, StoreError, TICKETS, codec, db_err, open_ro};
use crate::domain::model::Snowflake;
use crate::domain::tally::{
    ALL_TIME, GuildTallies, Sign, StaffTally, Tally, TallyChanges, TicketFigures,
};

/// `(guild, hour of opening)` → that hour's [`Tally`]; `(guild, ALL_TIME)` → all of them.
pub(super) const STATS_HOURS: TableDefinition<(u64, u64), &[u8]> =
    TableDefinition::new("stats_hours");
/// `(guild, staff member)` → their [`StaffTally`].
pub(super) const STATS_STAFF: TableDefinition<(u64, u64), &[u8]> =
    TableDefinition::new("stats_staff");
/// Set in `META` once the sums match the records: a file written by a build without them (or
/// restored from such a backup) gets them rebuilt at open.
const BUILT_KEY: &str = "stats_built";

/// The two tables, open in one write transaction.
pub(super) struct TallyTables<'t> {
    hours: BytesTable<'t, (u64, u64)>,
    staff: BytesTable<'t, (u64, u64)>,
}

impl<'t> TallyTables<'t> {
    pub(super) fn open(txn: &'t WriteTransaction) -> Result<TallyTables<'t>, StoreError> {
        Ok(TallyTables {
            hours: txn.open_table(STATS_HOURS).map_err(db_err)?,
            staff: txn.open_table(STATS_STAFF).map_err(db_err)?,
        })
    }

    /// Applies a commit's changes: each row read once, changed, and written (or removed when
    /// nothing is left in it).
    pub(super) fn apply(&mut self, changes: TallyChanges) -> Result<(), StoreError> {
        for (key, figures) in changes.hours {
            let mut tally = read_row(&self.hours, key, codec::decode_tally)?;
            for (figures, sign) in &figures {
                tally.record(figures, *sign);
            }
            write_row(
                &mut self.hours,
                key,
                &tally,
                &Tally::default(),
                codec::encode_tally,
            )?;
        }
        for (key, parts) in changes.staff {
            let mut tally = read_row(&self.staff, key, codec::decode_staff_tally)?;
            for (part, sign) in &parts {
                tally.record(part, *sign);
            }
            let empty = StaffTally::default();
            write_row(
                &mut self.staff,
                key,
                &tally,
                &empty,
                codec::encode_staff_tally,
            )?;
        }
        Ok(())
    }

    pub(super) fn forget(&mut self, guild: Snowflake) -> Result<(), StoreError> {
        let all = (guild, 0)..=(guild, u64::MAX);
        self.hours
            .retain_in(all.clone(), |_, _| false)
            .map_err(db_err)?;
        self.staff.retain_in(all, |_, _| false).map_err(db_err)
    }
}

/// A damaged row is counted from zero (with a warning) rather than failing every commit of
/// the guild: the sums are derived data, the records stay right.
fn read_row<T: Default>(
    table: &BytesTable<'_, (u64, u64)>,
    key: (u64, u64),
    decode: fn(&[u8]) -> Result<T, codec::CodecError>,
) -> Result<T, StoreError> {
    let Some(bytes) = table.get(key).map_err(db_err)? else {
        return Ok(T::default());
    };
    Ok(decode(bytes.value()).unwrap_or_else(|error| {
        tracing::warn!(guild.id = key.0, %error, "unreadable statistics row; counted anew");
        T::default()
    }))
}

fn write_row<T: PartialEq>(
    table: &mut BytesTable<'_, (u64, u64)>,
    key: (u64, u64),
    value: &T,
    empty: &T,
    encode: fn(&T) -> Result<Vec<u8>, codec::CodecError>,
) -> Result<(), StoreError> {
    if value == empty {
        table.remove(key).map_err(db_err)?;
    } else {
        table
            .insert(key, encode(value)?.as_slice())
            .map_err(db_err)?;
    }
    Ok(())
}

/// Whether a file's sums were built (a file an older build wrote has none).
pub(super) fn is_built(txn: &ReadTransaction) -> bool {
    open_ro(txn, META)
        .ok()
        .flatten()
        .and_then(|meta| meta.get(BUILT_KEY).ok().flatten())
        .is_some()
}

/// Makes the next open rebuild the sums from the records.
pub(super) fn mark_unbuilt(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut meta = txn.open_table(META).map_err(db_err)?;
    meta.remove(BUILT_KEY).map_err(db_err)?;
    Ok(())
}

/// Builds the sums from every record when the file has none yet, in the caller's
/// transaction (so a crash halfway leaves no half-built sums marked as built).
pub(super) fn rebuild_if_missing(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut meta = txn.open_table(META).map_err(db_err)?;
    if meta.get(BUILT_KEY).map_err(db_err)?.is_some() {
        return Ok(());
    }
    let mut tables = TallyTables::open(txn)?;
    tables.hours.retain(|_, _| false).map_err(db_err)?;
    tables.staff.retain(|_, _| false).map_err(db_err)?;
    let (mut hours, mut staff) = (HashMap::new(), HashMap::new());
    let tickets = txn.open_table(TICKETS).map_err(db_err)?;
    for entry in tickets.iter().map_err(db_err)? {
        let (key, value) = entry.map_err(db_err)?;
        let Ok(record) = codec::decode_ticket(value.value()) else {
            // Start-up reports unreadable records; they count in no statistics.
            continue;
        };
        let figures = TicketFigures::of(&record);
        for hour in [figures.hour, ALL_TIME] {
            let row: &mut Tally = hours.entry((key.value().0, hour)).or_default();
            row.record(&figures, Sign::Add);
        }
        for (user, part) in &figures.staff {
            let row: &mut StaffTally = staff.entry((figures.guild, *user)).or_default();
            row.record(part, Sign::Add);
        }
    }
    for (key, tally) in hours {
        let bytes = codec::encode_tally(&tally)?;
        tables.hours.insert(key, bytes.as_slice()).map_err(db_err)?;
    }
    for (key, tally) in staff {
        let bytes = codec::encode_staff_tally(&tally)?;
        tables.staff.insert(key, bytes.as_slice()).map_err(db_err)?;
    }
    meta.insert(BUILT_KEY, 1).map_err(db_err)?;
    Ok(())
}

/// A guild's sums: the period from `since_hour` (`None`: all time) and the tickets per hour
/// from `recent_from`.
pub(super) fn guild_tallies(
    txn: &ReadTransaction,
    guild: Snowflake,
    since_hour: Option<u64>,
    recent_from: u64,
) -> Result<GuildTallies, StoreError> {
    let mut out = GuildTallies::default();
    let Some(table) = open_ro(txn, STATS_HOURS)? else {
        return Ok(out);
    };
    let decode = |bytes: &[u8]| {
        codec::decode_tally(bytes).unwrap_or_else(|error| {
            tracing::warn!(guild.id = guild, %error, "unreadable statistics row; skipped");
            Tally::default()
        })
    };
    if let Some(bytes) = table.get((guild, ALL_TIME)).map_err(db_err)? {
        out.all_time = decode(bytes.value());
    }
    let from = since_hour.unwrap_or(u64::MAX - 1).min(recent_from);
    for entry in table
        .range((guild, from)..(guild, ALL_TIME))
        .map_err(db_err)?
    {
        let (key, value) = entry.map_err(db_err)?;
        let hour = key.value().1;
        let tally = decode(value.value());
        if since_hour.is_some_and(|since| hour >= since) {
            out.period.merge(&tally);
        }
        if hour >= recent_from {
            out.recent_hours.push((hour, tally.tickets()));
        }
    }
    if since_hour.is_none() {
        out.period = out.all_time.clone();
    }
    Ok(out)
}

pub(super) fn staff_tally(
    txn: &ReadTransaction,
    guild: Snowflake,
    user: Snowflake,
) -> Result<StaffTally, StoreError> {
    let Some(table) = open_ro(txn, STATS_STAFF)? else {
        return Ok(StaffTally::default());
    };
    match table.get((guild, user)).map_err(db_err)? {
        Some(bytes) => Ok(codec::decode_staff_tally(bytes.value())?),
        None => Ok(StaffTally::default()),
    }
}
