//! Updates that arrived beyond a gap, waiting (up to the gap wait) for the
//! missing ones. Keyed by (box, start): the update applies once the client's
//! counter of that box reaches `start`. Containers beyond a `seq` gap wait
//! the same way in [`PendingBatches`], keyed by `seq_start`.

use std::collections::BTreeMap;

use super::update::{SyncBox, Update, UpdateBatch};

/// The most updates a client buffers behind a gap; beyond this it stops
/// waiting and asks for a difference, which covers them anyway.
pub(crate) const PENDING_UPDATES_MAX: usize = 1_024;

/// The gap buffer.
#[derive(Clone, Debug, Default)]
pub(crate) struct PendingUpdates {
    updates: BTreeMap<(SyncBox, u32), Update>,
}

/// What happened to an update offered to the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Buffered {
    Kept,
    /// An update with the same start was already waiting.
    AlreadyWaiting,
    /// The buffer is full.
    Full,
}

impl PendingUpdates {
    /// Buffer `update` whose start is `start`.
    pub(crate) fn insert(&mut self, start: u32, update: Update) -> Buffered {
        let key = (update.position.sync_box, start);
        if self.updates.contains_key(&key) {
            return Buffered::AlreadyWaiting;
        }
        if self.updates.len() >= PENDING_UPDATES_MAX {
            return Buffered::Full;
        }
        self.updates.insert(key, update);
        Buffered::Kept
    }

    /// Remove and return the updates of `sync_box` that start below `local`:
    /// they are already covered.
    pub(crate) fn take_covered(&mut self, sync_box: SyncBox, local: u32) -> Vec<Update> {
        let keys: Vec<_> = self
            .updates
            .range((sync_box, 0)..(sync_box, local))
            .map(|(key, _)| *key)
            .collect();
        keys.iter().filter_map(|key| self.updates.remove(key)).collect()
    }

    /// Remove and return the update of `sync_box` that starts exactly at `local`.
    pub(crate) fn take_next(&mut self, sync_box: SyncBox, local: u32) -> Option<Update> {
        self.updates.remove(&(sync_box, local))
    }

    pub(crate) fn len(&self) -> usize {
        self.updates.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.updates.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.updates.clear();
    }
}

/// The most containers a client holds behind a `seq` gap.
pub(crate) const PENDING_BATCHES_MAX: usize = 1_024;

/// Containers that arrived beyond a `seq` gap.
#[derive(Clone, Debug, Default)]
pub(crate) struct PendingBatches {
    batches: BTreeMap<u32, UpdateBatch>,
}

impl PendingBatches {
    /// Hold `batch` (ordered, `seq_start` above the next expected one).
    pub(crate) fn insert(&mut self, batch: UpdateBatch) -> Buffered {
        if self.batches.contains_key(&batch.seq_start) {
            return Buffered::AlreadyWaiting;
        }
        if self.batches.len() >= PENDING_BATCHES_MAX {
            return Buffered::Full;
        }
        self.batches.insert(batch.seq_start, batch);
        Buffered::Kept
    }

    /// Remove and return the waiting container with the lowest `seq_start`
    /// if it is at or below `seq_start_max`.
    pub(crate) fn take_first_up_to(&mut self, seq_start_max: u32) -> Option<UpdateBatch> {
        let entry = self.batches.first_entry()?;
        (*entry.key() <= seq_start_max).then(|| entry.remove())
    }

    pub(crate) fn len(&self) -> usize {
        self.batches.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.batches.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::update::{Position, UpdateKind};
    use crate::time::Instant;

    fn update(end: u32) -> Update {
        Update {
            position: Position {
                sync_box: SyncBox::Common,
                end,
                count: 1,
            },
            seq: end,
            date: 0,
            created_at: Instant::EPOCH,
            kind: UpdateKind::NewMessage,
            payload_bytes: 1,
        }
    }

    #[test]
    fn buffers_by_box_and_start() {
        let mut pending = PendingUpdates::default();
        assert_eq!(pending.insert(4, update(5)), Buffered::Kept);
        assert_eq!(pending.insert(4, update(5)), Buffered::AlreadyWaiting);
        assert_eq!(pending.insert(1, update(2)), Buffered::Kept);
        assert_eq!(pending.insert(2, update(3)), Buffered::Kept);
        assert_eq!(pending.take_covered(SyncBox::Common, 2).len(), 1);
        assert_eq!(pending.take_next(SyncBox::Common, 2).map(|update| update.seq), Some(3));
        assert_eq!(pending.take_next(SyncBox::Secondary, 4), None);
        assert_eq!(pending.len(), 1);
    }

    #[test]
    fn batches_wait_by_seq_start_and_come_out_lowest_first() {
        let mut pending = PendingBatches::default();
        let batch = |seq| UpdateBatch::single(update(seq));
        assert_eq!(pending.insert(batch(7)), Buffered::Kept);
        assert_eq!(pending.insert(batch(5)), Buffered::Kept);
        assert_eq!(pending.insert(batch(5)), Buffered::AlreadyWaiting);
        assert_eq!(pending.take_first_up_to(4), None);
        assert_eq!(pending.take_first_up_to(6).map(|batch| batch.seq), Some(5));
        assert_eq!(pending.take_first_up_to(6), None);
        assert_eq!(pending.len(), 1);
        for seq in 100..100 + PENDING_BATCHES_MAX as u32 {
            pending.insert(batch(seq));
        }
        assert_eq!(pending.insert(batch(9)), Buffered::Full);
        pending.clear();
        assert!(pending.is_empty());
    }

    #[test]
    fn refuses_beyond_the_limit() {
        let mut pending = PendingUpdates::default();
        for start in 0..PENDING_UPDATES_MAX as u32 {
            assert_eq!(pending.insert(start + 10, update(start + 11)), Buffered::Kept);
        }
        assert_eq!(pending.insert(5, update(6)), Buffered::Full);
        assert_eq!(pending.len(), PENDING_UPDATES_MAX);
    }
}
