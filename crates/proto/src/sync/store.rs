//! A client's local store of applied updates: ordered by the server's `seq`
//! (the log order across both boxes) and bounded — the oldest are evicted
//! first, as a device keeps recent history and refetches older on demand.
//!
//! What the store keeps of an update is a [`StoredUpdate`]: its identity
//! (`seq`, which is also the message id on the wire) and content, not its
//! place in a box. A device that reloads its history after
//! `differenceTooLong` gets messages (`messages.getHistory`), which carry no
//! `pts`; what it stores is the same either way.

use std::collections::BTreeMap;

use super::update::{Update, UpdateKind};
use crate::time::Instant;

/// One update as a device keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredUpdate {
    /// The log's `seq` for the update (the message id on the wire).
    pub seq: u32,
    /// Unix seconds at which the server created it.
    pub date: u32,
    /// Exact creation time (for the apply-latency metric).
    pub created_at: Instant,
    /// What the update is about.
    pub kind: UpdateKind,
    /// Size of its content.
    pub payload_bytes: u32,
}

impl From<&Update> for StoredUpdate {
    fn from(update: &Update) -> StoredUpdate {
        StoredUpdate {
            seq: update.seq,
            date: update.date,
            created_at: update.created_at,
            kind: update.kind,
            payload_bytes: update.payload_bytes,
        }
    }
}

/// Updates a client keeps unless configured otherwise.
pub(crate) const STORE_UPDATES_DEFAULT: usize = 100_000;
/// The largest store a client may be configured with.
pub(crate) const STORE_UPDATES_MAX: usize = 10_000_000;

/// The bounded store.
#[derive(Clone, Debug)]
pub(crate) struct UpdateStore {
    limit: usize,
    updates: BTreeMap<u32, StoredUpdate>,
}

impl UpdateStore {
    /// An empty store of at most `limit` updates (`limit >= 1`, checked by the caller's config).
    pub(crate) fn new(limit: usize) -> UpdateStore {
        assert!(limit >= 1, "store limit is validated by ClientConfig");
        UpdateStore {
            limit,
            updates: BTreeMap::new(),
        }
    }

    /// Keep `update`, evicting the oldest beyond the limit. Returns whether
    /// the store did not already hold an update with this `seq`.
    pub(crate) fn insert(&mut self, update: StoredUpdate) -> bool {
        let new = self.updates.insert(update.seq, update).is_none();
        while self.updates.len() > self.limit {
            self.updates.pop_first();
        }
        new
    }

    /// Empty the store; returns how many updates it held.
    pub(crate) fn clear(&mut self) -> usize {
        let held = self.updates.len();
        self.updates.clear();
        held
    }

    pub(crate) fn len(&self) -> usize {
        self.updates.len()
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.updates.is_empty()
    }

    /// The stored updates in log order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &StoredUpdate> + '_ {
        self.updates.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(seq: u32) -> StoredUpdate {
        StoredUpdate {
            seq,
            date: 0,
            created_at: Instant::EPOCH,
            kind: UpdateKind::NewMessage,
            payload_bytes: 1,
        }
    }

    #[test]
    fn keeps_log_order_and_evicts_the_oldest() {
        let mut store = UpdateStore::new(2);
        assert!(store.insert(update(3)));
        assert!(store.insert(update(1)));
        assert!(!store.insert(update(1)));
        assert!(store.insert(update(2)));
        assert_eq!(store.iter().map(|update| update.seq).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(store.clear(), 2);
        assert!(store.is_empty());
    }
}
