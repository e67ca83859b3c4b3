//! One bot in many processes: the arithmetic each process does alone, from the shard ids it
//! runs, so that together they keep Discord's per-bot limits without anything to coordinate.
//!
//! - **Which shard holds a guild**: Discord's `(guild_id >> 22) % shard_total`.
//! - **The REST budget**: Discord's global limit (50 requests/s unless Discord raised it) is the
//!   bot's, not a process's. Each shard owns `budget / total` of it, and the first
//!   `budget % total` shards one more; a process paces the sum over its shards. The shares add
//!   up to exactly the budget whatever the split into processes.
//! - **Identify slots**: Discord allows one identify per 5 s per bucket `shard % max_concurrency`.
//!   The shards of one bucket take turns in wall-clock slots: slot `k` (the `k`-th span of
//!   `slot` since the Unix epoch) belongs to the bucket's `k mod n`-th shard, `n` being how many
//!   shards the bucket has. A shard identifies only near the start of its own slots, so no two
//!   processes' shards of one bucket ever identify within one interval of each other, as long
//!   as the hosts' clocks agree to within the slack (NTP keeps them within milliseconds).

use std::{ops::Range, time::Duration};

/// The shard Discord delivers `guild`'s events on.
pub fn shard_of(guild: u64, total: u32) -> u32 {
    ((guild >> 22) % u64::from(total.max(1))) as u32
}

/// What one process runs of the bot: its shards, the bot's shard total, and the bot's global
/// REST budget in requests per second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotPart {
    pub shards: Vec<u32>,
    pub total: u32,
    pub budget: u32,
}

impl BotPart {
    /// A process that is the whole bot, at Discord's 50 requests/s.
    pub fn whole() -> Self {
        Self {
            shards: vec![0],
            total: 1,
            budget: 50,
        }
    }

    /// This process's requests per window of the global budget.
    pub fn rest_share(&self) -> u32 {
        rest_share(self.budget, &self.shards, self.total)
    }

    /// Whether this process's share had to be rounded up (see [`share_is_starved`]).
    pub fn starved(&self) -> bool {
        share_is_starved(self.budget, &self.shards, self.total)
    }
}

/// The part of a bot-wide limit of `limit` per window that `shards` (of `total`) may use.
///
/// With at least one request per shard, shard `s` owns `limit / total`, the first
/// `limit % total` shards one more, and the parts of any split into processes add up to exactly
/// `limit`. With fewer requests than shards, a process gets its proportion rounded down: the
/// parts then add up to less, but never to more, unless a process's proportion is below one
/// ([`share_is_starved`]), which is rounded up so that it can work at all.
pub fn share_of(limit: u32, shards: &[u32], total: u32) -> u32 {
    let total = total.max(1);
    let shards: Vec<u32> = shards.iter().copied().filter(|s| *s < total).collect();
    if limit >= total {
        let (base, extra) = (limit / total, limit % total);
        return shards.iter().map(|s| base + u32::from(*s < extra)).sum();
    }
    let part = u64::from(limit) * shards.len() as u64 / u64::from(total);
    (part as u32).max(1)
}

/// [`share_of`] in one window of a bucket. `window` numbers the window: its reset time (which
/// Discord says the same in every answer of the window, whichever process sent the request)
/// divided by the window's length, so back-to-back windows have consecutive numbers.
///
/// The `limit % total` requests left after every shard's even part go to the shards in turn,
/// window after window, starting at shard `window % total`: the parts of any split into
/// processes add up to exactly `limit` in every window, and over any `total` consecutive
/// windows each shard gets exactly its proportion. At an even load the processes together then
/// use the whole bucket, where fixed parts leave the remainder to the first shards and the
/// others wait for their windows; a pause between windows only moves whose turn it is. Every
/// shard's part is at least its even part, so the one request a process sends before it knows
/// the window (to learn its number) always fits. With fewer requests than shards a window would
/// leave some processes nothing, so [`share_of`] stays.
pub fn share_in_window(limit: u32, shards: &[u32], total: u32, window: u64) -> u32 {
    let total = total.max(1);
    if limit < total {
        return share_of(limit, shards, total);
    }
    let (base, extra) = (limit / total, limit % total);
    let first = (window % u64::from(total)) as u32;
    (shards.iter().filter(|s| **s < total))
        .map(|s| base + u32::from((s + total - first) % total < extra))
        .sum()
}

/// Requests per window of the bot's global REST budget that `shards` (of `total`) may send.
pub fn rest_share(budget: u32, shards: &[u32], total: u32) -> u32 {
    share_of(budget, shards, total)
}

/// Whether [`share_of`] had to round a process's part up to one (the bot has more shards than
/// the limit has requests per window), so the processes together may exceed the limit.
pub fn share_is_starved(limit: u32, shards: &[u32], total: u32) -> bool {
    let total = total.max(1);
    let shards = shards.iter().filter(|s| **s < total).count() as u64;
    limit < total && u64::from(limit) * shards / u64::from(total) == 0
}

/// How the shards of one identify bucket take turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentifySlots {
    pub total: u32,
    pub max_concurrency: u32,
    /// One turn: the spacing of identifies in a bucket plus [`Self::slack`].
    pub slot: Duration,
    /// How late in its slot a shard may still identify.
    pub slack: Duration,
}

impl IdentifySlots {
    /// Turns of `spacing` (Discord's interval with its margin) plus a quarter of it as slack.
    pub fn new(total: u32, max_concurrency: u32, spacing: Duration) -> Self {
        let slack = spacing / 4;
        Self {
            total: total.max(1),
            max_concurrency: max_concurrency.max(1),
            slot: spacing + slack,
            slack,
        }
    }

    /// How many shards of the bot share `shard`'s bucket.
    pub fn bucket_size(&self, shard: u32) -> u32 {
        let bucket = shard % self.max_concurrency;
        (self.total - bucket.min(self.total)).div_ceil(self.max_concurrency)
    }

    /// The earliest time at or after `at` (time since the Unix epoch) when `shard` may
    /// identify. A shard alone in its bucket may go at once.
    pub fn next_turn(&self, shard: u32, at: Duration) -> Duration {
        let n = u128::from(self.bucket_size(shard));
        if n <= 1 {
            return at;
        }
        let mine = u128::from(shard / self.max_concurrency);
        let slot = self.slot.as_nanos().max(1);
        let now = at.as_nanos();
        let k = now / slot;
        if k % n == mine && now - k * slot <= self.slack.as_nanos() {
            return at;
        }
        let ahead = (mine + n - (k + 1) % n) % n;
        let start = (k + 1 + ahead) * slot;
        Duration::from_nanos(u64::try_from(start).unwrap_or(u64::MAX))
    }
}

/// The shard range each of `dirs` data directories (processes) holds out of `total`: contiguous
/// and as even as integer division makes them, in order.
pub fn ranges(dirs: usize, total: u32) -> Vec<Range<u32>> {
    let dirs = dirs.max(1) as u64;
    (0..dirs)
        .map(|i| {
            let start = (i * u64::from(total) / dirs) as u32;
            let end = ((i + 1) * u64::from(total) / dirs) as u32;
            start..end
        })
        .collect()
}

/// Which of [`ranges`]' directories `guild` belongs in.
pub fn dir_of(guild: u64, dirs: usize, total: u32) -> usize {
    let shard = shard_of(guild, total);
    ranges(dirs, total)
        .iter()
        .position(|r| r.contains(&shard))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guilds_map_to_shards_as_discord_documents() {
        // The low 22 bits (worker, process, increment) never move a guild.
        let guild = (9_959_345_677u64 << 22) | 0x3f_ffff;
        assert_eq!(shard_of(guild, 8), 5);
        assert_eq!(shard_of(guild, 1), 0);
        assert_eq!(shard_of(123, 0), 0, "a zero total is read as one shard");
    }

    #[test]
    fn shares_add_up_to_the_budget_however_the_shards_are_split() {
        for total in 1..=50u32 {
            for processes in 1..=total.min(8) {
                let sum: u32 = ranges(processes as usize, total)
                    .into_iter()
                    .map(|r| rest_share(50, &r.collect::<Vec<_>>(), total))
                    .sum();
                assert_eq!(sum, 50, "total {total}, {processes} processes");
            }
        }
        // Four processes of two shards each out of eight: 14 + 12 + 12 + 12.
        assert_eq!(rest_share(50, &[0, 1], 8), 14);
        assert_eq!(rest_share(50, &[6, 7], 8), 12);
        assert_eq!(rest_share(50, &[0], 1), 50);
        assert_eq!(rest_share(500, &[0, 1], 8), 126);
    }

    #[test]
    fn a_small_bucket_is_split_without_exceeding_it() {
        // DM channel creation, 10 per window: 4 + 2 + 2 + 2 over four processes of 8 shards.
        let parts: Vec<u32> = ranges(4, 8)
            .into_iter()
            .map(|r| share_of(10, &r.collect::<Vec<_>>(), 8))
            .collect();
        assert_eq!(parts, [4, 2, 2, 2]);
        // Fewer requests than shards: 8 processes of 2 of 16 shards get 1 each, 8 of the 10.
        let parts: u32 = ranges(8, 16)
            .into_iter()
            .map(|r| share_of(10, &r.collect::<Vec<_>>(), 16))
            .sum();
        assert_eq!(parts, 8);
        assert!(!share_is_starved(10, &[0, 1], 16));
    }

    #[test]
    fn a_window_hands_the_remainder_round_so_the_bucket_is_used_whole() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let splits = [(4usize, 8u32), (3, 8), (3, 7), (1, 8), (8, 8), (2, 4)];
        for (processes, total) in splits {
            let parts: Vec<Vec<u32>> = (ranges(processes, total).into_iter())
                .map(|r| r.collect())
                .collect();
            let mut got = vec![0u64; processes];
            let windows = 20_000;
            for _ in 0..windows {
                let window = rng.random_range(1_700_000_000_000..1_800_000_000_000u64);
                let shares: Vec<u32> = (parts.iter())
                    .map(|p| share_in_window(10, p, total, window))
                    .collect();
                assert_eq!(shares.iter().sum::<u32>(), 10, "{processes} of {total}");
                for ((part, share), sum) in parts.iter().zip(&shares).zip(&mut got) {
                    assert!(
                        *share >= 10 / total * part.len() as u32,
                        "below the even part"
                    );
                    *sum += u64::from(*share);
                }
            }
            for (part, sum) in parts.iter().zip(got) {
                let exact = 10.0 * part.len() as f64 / f64::from(total);
                let average = sum as f64 / f64::from(windows);
                assert!(
                    (average - exact).abs() < 0.05,
                    "{part:?}: {average} vs {exact}"
                );
            }
        }
        // Back-to-back windows: over any 8 in a row, each of 4 processes gets exactly 20.
        for start in [0u64, 5, 170_000_000_007] {
            for r in ranges(4, 8) {
                let part: Vec<u32> = r.collect();
                let got: u32 = (start..start + 8)
                    .map(|w| share_in_window(10, &part, 8, w))
                    .sum();
                assert_eq!(got, 20, "{part:?} from window {start}");
            }
        }
        // Fewer requests than shards: the fixed parts.
        assert_eq!(
            share_in_window(10, &[0, 1], 16, 123),
            share_of(10, &[0, 1], 16)
        );
    }

    #[test]
    fn a_share_below_one_request_is_raised_and_said() {
        assert_eq!(rest_share(50, &[99], 100), 1);
        assert!(share_is_starved(50, &[99], 100));
        // Two shards of 100 make one request of 50: not rounded.
        assert_eq!(rest_share(50, &[0, 1], 100), 1);
        assert!(!share_is_starved(50, &[0, 1], 100));
        assert!(!share_is_starved(50, &[0, 1], 8));
    }

    fn slots(total: u32, mc: u32) -> IdentifySlots {
        IdentifySlots::new(total, mc, Duration::from_millis(5_250))
    }

    #[test]
    fn buckets_hold_every_shard_once() {
        for (total, mc) in [(8, 1), (8, 3), (16, 16), (5, 8), (1000, 16)] {
            let s = slots(total, mc);
            let sum: u32 = (0..mc.min(total)).map(|b| s.bucket_size(b)).sum();
            assert_eq!(sum, total, "total {total}, max_concurrency {mc}");
        }
    }

    /// Every shard of the bot asks at random moments (several processes, no coordination);
    /// no two identifies of one bucket come closer than the spacing.
    #[test]
    fn no_two_identifies_of_a_bucket_come_within_the_spacing() {
        use rand::{Rng, SeedableRng};
        let spacing = Duration::from_millis(5_250);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for (total, mc) in [(8u32, 1u32), (8, 2), (16, 3)] {
            let s = IdentifySlots::new(total, mc, spacing);
            let mut turns: Vec<(u32, Duration)> = Vec::new();
            for _ in 0..400 {
                let shard = rng.random_range(0..total);
                let asked =
                    Duration::from_millis(rng.random_range(1_700_000_000_000..1_700_000_600_000));
                let turn = s.next_turn(shard, asked);
                assert!(turn >= asked);
                assert!(
                    turn - asked <= s.slot * s.bucket_size(shard),
                    "waited a whole round"
                );
                turns.push((shard, turn));
            }
            for (i, (a, ta)) in turns.iter().enumerate() {
                for (b, tb) in &turns[i + 1..] {
                    if a != b && a % mc == b % mc {
                        let gap = if ta > tb { *ta - *tb } else { *tb - *ta };
                        assert!(gap >= spacing, "shards {a} and {b}: {gap:?} apart");
                    }
                }
            }
        }
    }

    #[test]
    fn a_shard_alone_in_its_bucket_never_waits() {
        let s = slots(8, 8);
        let at = Duration::from_millis(1_700_000_000_123);
        assert_eq!(s.next_turn(5, at), at);
    }

    #[test]
    fn ranges_cover_the_shards_in_order_and_guilds_follow_them() {
        assert_eq!(ranges(4, 8), vec![0..2, 2..4, 4..6, 6..8]);
        assert_eq!(ranges(3, 8), vec![0..2, 2..5, 5..8]);
        for guild in (0..500u64).map(|i| (1_000_000 + i * 7) << 22) {
            let dir = dir_of(guild, 8, 16);
            assert!(ranges(8, 16)[dir].contains(&shard_of(guild, 16)));
        }
    }
}
