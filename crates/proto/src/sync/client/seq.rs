//! The seq rule for pushed containers (core.telegram.org/api/updates): a
//! container whose `seq_start` is the client's `seq` + 1 applies (its
//! updates then pass the pts rule) and sets the client's `seq` to its own;
//! one whose `seq_start` is at or below the client's `seq` was already
//! applied and is ignored; one beyond is held for at most the gap wait,
//! then a difference is fetched. A container with `seq == 0` is unordered:
//! only the pts rule applies to its updates.

use super::apply::validate;
use super::{ClientSync, Phase, SyncError, UpdateOutcome, GAP_WAIT};
use crate::sync::event::{ApplyPath, FetchReason, SyncEvent};
use crate::sync::pending::Buffered;
use crate::sync::update::UpdateBatch;
use crate::time::Instant;

/// The outcome of a container from the outcomes of its updates: applied if
/// any applied, else waiting if any waits, else already applied.
fn combined(outcomes: impl IntoIterator<Item = UpdateOutcome>) -> UpdateOutcome {
    let mut result = None;
    for outcome in outcomes {
        result = match (result, outcome) {
            (Some(UpdateOutcome::Applied), _) | (_, UpdateOutcome::Applied) => Some(UpdateOutcome::Applied),
            (Some(UpdateOutcome::GapPending), _) | (_, UpdateOutcome::GapPending) => Some(UpdateOutcome::GapPending),
            (_, other) => Some(other),
        };
    }
    // A container without log updates in order only advances seq.
    result.unwrap_or(UpdateOutcome::Applied)
}

impl ClientSync {
    /// A pushed container arrived (`updates`, `updatesCombined`, or a
    /// seq-less `updateShort` as [`UpdateBatch::unordered`]).
    pub fn on_batch(&mut self, now: Instant, batch: UpdateBatch) -> Result<UpdateOutcome, SyncError> {
        validate(&batch.updates)?;
        if batch.is_ordered() && batch.seq_start > batch.seq {
            return Err(SyncError::MalformedBatch {
                seq_start: batch.seq_start,
                seq: batch.seq,
            });
        }
        if self.phase == Phase::Wiped {
            return Ok(UpdateOutcome::Ignored);
        }
        self.last_activity = now;
        if self.phase != Phase::Synced {
            // No state to judge against yet: keep the container (or, without
            // seq, its updates) for when the state arrives.
            if batch.is_ordered() {
                let seq = batch.seq;
                if self.pending_batches.insert(batch) == Buffered::Full {
                    // The state (and a difference after it) covers it.
                    self.emit(SyncEvent::PendingOverflow { seq });
                }
            } else {
                for update in batch.updates {
                    let start = update.position.start().unwrap_or(0);
                    self.pending.insert(start, update);
                }
            }
            return Ok(UpdateOutcome::GapPending);
        }
        if !batch.is_ordered() {
            let outcomes: Vec<_> = batch
                .updates
                .into_iter()
                .map(|update| self.offer(now, update, ApplyPath::Push))
                .collect();
            return Ok(combined(outcomes));
        }
        let local = self.state.seq;
        if batch.seq_start <= local {
            self.emit_old_batch(&batch);
            return Ok(UpdateOutcome::Duplicate);
        }
        if batch.seq_start == local.saturating_add(1) {
            let outcome = self.apply_batch(now, batch);
            self.drain_batches(now);
            return Ok(outcome);
        }
        let seq = batch.seq;
        let seq_start = batch.seq_start;
        match self.pending_batches.insert(batch) {
            Buffered::Kept | Buffered::AlreadyWaiting => {
                if self.seq_gap_deadline.is_none() {
                    self.emit(SyncEvent::SeqGapDetected { local, seq_start });
                    self.seq_gap_deadline = Some(now + GAP_WAIT);
                }
            }
            Buffered::Full => {
                self.emit(SyncEvent::PendingOverflow { seq });
                self.fetch(now, FetchReason::PendingOverflow);
            }
        }
        Ok(UpdateOutcome::GapPending)
    }

    fn emit_old_batch(&mut self, batch: &UpdateBatch) {
        self.emit(SyncEvent::OldBatchIgnored {
            seq: batch.seq,
            updates: super::apply::count_u32(batch.updates.len()),
        });
    }

    /// The container is next by seq: its updates pass the pts rule and the
    /// client's seq becomes the container's.
    fn apply_batch(&mut self, now: Instant, batch: UpdateBatch) -> UpdateOutcome {
        let outcomes: Vec<_> = batch
            .updates
            .into_iter()
            .map(|update| self.offer(now, update, ApplyPath::Push))
            .collect();
        self.state.seq = self.state.seq.max(batch.seq);
        combined(outcomes)
    }

    /// Apply held containers that are now next by seq; drop those already covered.
    pub(super) fn drain_batches(&mut self, now: Instant) {
        while let Some(batch) = self.pending_batches.take_first_up_to(self.state.seq.saturating_add(1)) {
            if batch.seq_start <= self.state.seq {
                self.emit_old_batch(&batch);
            } else {
                self.apply_batch(now, batch);
            }
        }
        if self.pending_batches.is_empty() {
            self.seq_gap_deadline = None;
        }
    }
}
