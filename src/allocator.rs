//! How the binary's allocator (mimalloc, `src/main.rs`) gives memory back to the system.
//!
//! mimalloc's defaults suit a short burst of work, not a bot that sits in ten thousand servers
//! waiting for clicks: freed pages are purged a second later, but only when the thread that freed
//! them allocates again, so the runtime's workers, idle after start-up, keep them resident; and
//! its arenas are advised as transparent huge pages, so one touched byte can make 2 MiB resident.
//! Measured with `cargo bench --bench footprint` (docs/benchmarks.md): an idle guild actor holds
//! 9.2–10.2 KiB of resident memory with the defaults, 7.9 with both changed here; what it costs
//! a burst of clicks stayed within the runs' noise in `ticket_storm`.
//!
//! mimalloc reads its `MIMALLOC_*` environment variables when the process loads, before `main`;
//! these setters run first thing in `main` instead, and leave alone any option the environment set,
//! so an operator can still tune it.

/// mimalloc's option numbers (`mi_option_t` in `mimalloc.h` of the version `libmimalloc-sys`
/// builds; the crate exports no constant for these two). A unit test checks them against
/// their documented defaults, so a version that renumbers them fails the tests, not production.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Purge freed pages at once and keep transparent huge pages off for this process, unless the
/// environment set either. Call it at the very start of `main`, before any thread starts:
/// mimalloc's option setters are not thread safe.
pub fn return_freed_memory_promptly() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: a plain store into mimalloc's option table; no other thread runs yet.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: as above.
        unsafe { libmimalloc_sys::mi_option_set(ALLOW_THP, 0) };
        // The option alone only stops advising new arenas; mimalloc's first arena was reserved
        // and advised before `main`. This is what mimalloc itself does at load when the
        // environment disables THP: the flag covers every mapping of the process.
        #[cfg(target_os = "linux")]
        // SAFETY: prctl with integer arguments only; it fails harmlessly on kernels without it.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers are positions in a C enum: if a mimalloc update moved them, the setters
    /// above would silently tune two other options. The test binary never calls them, so the
    /// options still hold mimalloc's documented defaults (purge delay 1,000 ms, THP allowed on
    /// Linux), which no neighbouring option shares with both.
    #[test]
    fn the_option_numbers_name_purge_delay_and_allow_thp() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // SAFETY: reads mimalloc's option table.
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
        }
        #[cfg(target_os = "linux")]
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
            // SAFETY: as above.
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(ALLOW_THP) }, 1);
        }
    }
}
