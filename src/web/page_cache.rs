//! Rendered transcript pages, kept while their stored document is unchanged.
//!
//! A transcript page is read far more often than it changes (a link in a log channel is opened
//! by every staff member who looks), and rendering it (inflate, decode, markdown, HTML) is the
//! web side's whole CPU cost: serving many page views during a ticket storm took CPU from the
//! storm. A view still reads the stored bytes (one B-tree lookup, no decoding) and serves the
//! cached HTML only if those bytes are the ones it was rendered from, so a page rewritten by a
//! reopen and close, or deleted by retention or a deletion request, is never served stale.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

use super::link::Audience;
use crate::domain::model::Snowflake;

/// What a rendered page depends on besides the stored document: the link's own path (its
/// files' addresses are under it) and who it is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub guild: Snowflake,
    pub number: u64,
    pub audience: Audience,
    pub base: String,
}

struct Entry {
    source: Arc<[u8]>,
    html: Bytes,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<PageKey, Entry>,
    /// Insertion order, oldest first: what is evicted when over budget.
    order: VecDeque<PageKey>,
    bytes: usize,
}

/// A byte-bounded cache of rendered pages; cheap to clone.
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Mutex<Inner>>,
    budget: usize,
}

impl PageCache {
    /// At most `budget` bytes of stored and rendered pages.
    pub fn new(budget: usize) -> PageCache {
        PageCache {
            inner: Arc::default(),
            budget,
        }
    }

    /// The page rendered from exactly `source`, if it is kept.
    pub fn get(&self, key: &PageKey, source: &[u8]) -> Option<Bytes> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let entry = inner.entries.get(key)?;
        (*entry.source == *source).then(|| entry.html.clone())
    }

    /// Keeps `html`, rendered from `source`, evicting the oldest pages beyond the budget. A page
    /// larger than the whole budget is not kept.
    pub fn put(&self, key: PageKey, source: Arc<[u8]>, html: Bytes) {
        let size = source.len() + html.len();
        if size > self.budget {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = inner.entries.remove(&key) {
            inner.bytes -= old.source.len() + old.html.len();
            inner.order.retain(|k| *k != key);
        }
        while inner.bytes + size > self.budget {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes -= old.source.len() + old.html.len();
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner.entries.insert(key, Entry { source, html });
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(number: u64) -> PageKey {
        PageKey {
            guild: 1,
            number,
            audience: Audience::Staff,
            base: format!("/t/{number}"),
        }
    }

    #[test]
    fn a_page_is_served_only_for_the_bytes_it_was_rendered_from() {
        let cache = PageCache::new(1_000);
        cache.put(
            key(1),
            Arc::from(&b"doc v1"[..]),
            Bytes::from_static(b"<p>v1</p>"),
        );
        assert_eq!(
            cache.get(&key(1), b"doc v1").as_deref(),
            Some(&b"<p>v1</p>"[..])
        );
        assert_eq!(
            cache.get(&key(1), b"doc v2"),
            None,
            "rewritten: rendered anew"
        );
        assert_eq!(cache.get(&key(2), b"doc v1"), None);
        let opener = PageKey {
            audience: Audience::Opener,
            ..key(1)
        };
        assert_eq!(
            cache.get(&opener, b"doc v1"),
            None,
            "each audience its own page"
        );
    }

    #[test]
    fn the_oldest_pages_go_when_over_budget() {
        let cache = PageCache::new(100);
        for n in 1..=4 {
            cache.put(
                key(n),
                Arc::from(&[n as u8; 10][..]),
                Bytes::from("x".repeat(20)),
            );
        }
        assert_eq!(cache.bytes(), 90);
        cache.put(
            key(5),
            Arc::from(&[5u8; 10][..]),
            Bytes::from("x".repeat(20)),
        );
        assert_eq!(cache.bytes(), 90, "the oldest went to make room");
        assert_eq!(cache.get(&key(1), &[1u8; 10]), None);
        assert!(cache.get(&key(5), &[5u8; 10]).is_some());
        cache.put(
            key(6),
            Arc::from(&[6u8; 10][..]),
            Bytes::from("x".repeat(200)),
        );
        assert_eq!(
            cache.get(&key(6), &[6u8; 10]),
            None,
            "larger than the budget: not kept"
        );
        cache.put(
            key(5),
            Arc::from(&[7u8; 10][..]),
            Bytes::from("y".repeat(20)),
        );
        assert_eq!(cache.bytes(), 90, "a replaced page counts once");
    }
}
