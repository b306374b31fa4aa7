//! Applying what the server sends: updates by the pts rule, the gap
//! buffer, and the answers to differences, state fetches and history
//! reloads. Pushed containers pass the seq rule first (`seq`).

use super::{ClientSync, Phase, SyncError, UpdateOutcome, GAP_WAIT};
use crate::sync::difference::Difference;
use crate::sync::event::{ApplyPath, FetchKind, FetchReason, SyncEvent};
use crate::sync::pending::Buffered;
use crate::sync::store::StoredUpdate;
use crate::sync::update::{SyncBox, SyncState, Update, UpdateBatch};
use crate::time::Instant;

/// Every update must cover at least one counter value and start at or above zero.
pub(super) fn validate(updates: &[Update]) -> Result<(), SyncError> {
    for update in updates {
        let position = update.position;
        if position.count == 0 || position.start().is_none() {
            return Err(SyncError::MalformedUpdate {
                seq: update.seq,
                count: position.count,
                end: position.end,
            });
        }
    }
    Ok(())
}

/// A peer-supplied count for an event, saturating rather than wrapping.
pub(super) fn count_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

impl ClientSync {
    /// A pushed update in its own `updates` container (`seq_start = seq =
    /// update.seq`, as the server pushes log updates): see [`ClientSync::on_batch`].
    pub fn on_update(&mut self, now: Instant, update: Update) -> Result<UpdateOutcome, SyncError> {
        self.on_batch(now, UpdateBatch::single(update))
    }

    /// The answer to `SyncAction::GetDifference { request_id, .. }`.
    pub fn on_difference(&mut self, now: Instant, request_id: u64, difference: Difference) -> Result<(), SyncError> {
        validate(difference.updates())?;
        if !self.accept_answer(request_id, FetchKind::Difference) {
            return Ok(());
        }
        self.last_activity = now;
        match difference {
            Difference::Empty { state } => {
                self.emit(SyncEvent::DifferenceEmpty);
                self.adopt(now, state);
            }
            Difference::Full { updates, state } => {
                self.offer_all(now, updates);
                self.adopt(now, state);
            }
            Difference::Slice {
                updates,
                intermediate_state,
            } => {
                self.emit(SyncEvent::DifferenceSlice {
                    updates: count_u32(updates.len()),
                });
                self.offer_all(now, updates);
                self.adopt(now, intermediate_state);
                self.fetch(now, FetchReason::Slice);
            }
            Difference::TooLong { pts } => {
                // The documented recovery: take the server's pts, refetch the
                // state, then reload the history (`on_state`, `on_history`).
                self.emit(SyncEvent::DifferenceTooLong { pts });
                self.state.pts = self.state.pts.max(pts);
                self.phase = Phase::NeedsStateThenHistory;
                self.resync_reason = FetchReason::TooLong;
                self.fetch(now, FetchReason::TooLong);
            }
        }
        self.arm_gap_timer(now);
        self.report_caught_up();
        Ok(())
    }

    /// The answer to `SyncAction::GetState { request_id }`. In a full
    /// resync the history reload follows.
    pub fn on_state(&mut self, now: Instant, request_id: u64, state: SyncState) {
        if !self.accept_answer(request_id, FetchKind::State) {
            return;
        }
        self.last_activity = now;
        if self.phase == Phase::NeedsStateThenHistory {
            // Buffered pushes wait for the history: it replaces the store.
            self.state = self.state.max_with(state);
            self.phase = Phase::NeedsHistory;
            self.fetch(now, self.resync_reason);
            return;
        }
        self.phase = Phase::Synced;
        self.adopt(now, state);
        self.arm_gap_timer(now);
        self.report_caught_up();
    }

    /// The answer to `SyncAction::GetHistory { request_id, .. }`: the newest
    /// messages of the account, in log order (`messages.getHistory`
    /// answers newest first; the caller reverses). The store is replaced
    /// by them; those above what was applied before and within the
    /// refetched state count as newly applied, those beyond the state are
    /// kept and counted when the pts rule reaches them.
    pub fn on_history(&mut self, now: Instant, request_id: u64, messages: Vec<StoredUpdate>) {
        if !self.accept_answer(request_id, FetchKind::History) {
            return;
        }
        self.last_activity = now;
        self.store.clear();
        let loaded = count_u32(messages.len());
        let (floor, ceiling) = (self.applied_seq_max, self.state.seq);
        let mut ahead = false;
        for message in messages {
            if message.seq > floor && message.seq <= ceiling {
                self.emit_applied(&message, ApplyPath::FullResync);
            }
            ahead |= message.seq > ceiling;
            self.store.insert(message);
        }
        self.phase = Phase::Synced;
        self.full_resyncs += 1;
        self.emit(SyncEvent::FullResyncLoaded { updates: loaded });
        self.drain();
        self.drain_batches(now);
        self.arm_gap_timer(now);
        // Nothing may come to move the state past what the page showed
        // (the push that would was lost): ask for the difference now.
        if ahead && self.in_flight.is_none() {
            self.fetch(now, FetchReason::HistoryAhead);
        }
        self.report_caught_up();
    }

    fn offer_all(&mut self, now: Instant, updates: Vec<Update>) {
        #[cfg(feature = "mutants")]
        if crate::mutant::is(self.config.mutant, crate::mutant::Mutant::LostUpdateNeverRefetched) {
            // What the app missed is dropped; the state moves past it.
            return;
        }
        for update in updates {
            self.offer(now, update, ApplyPath::Difference);
        }
    }

    /// The pts rule: apply the next update, ignore an old one, buffer one beyond a gap.
    pub(super) fn offer(&mut self, now: Instant, update: Update, path: ApplyPath) -> UpdateOutcome {
        let Some(start) = update.position.start() else {
            unreachable!("updates are validated before they are offered");
        };
        let local = self.state.counter(update.position.sync_box);
        if start == local {
            self.apply(update, path);
            self.drain();
            UpdateOutcome::Applied
        } else if start < local {
            self.emit(SyncEvent::Duplicate { seq: update.seq });
            UpdateOutcome::Duplicate
        } else {
            #[cfg(feature = "mutants")]
            if crate::mutant::is(self.config.mutant, crate::mutant::Mutant::LostUpdateNeverRefetched) {
                // Skip the gap: the missing updates are never fetched.
                *self.state.counter_mut(update.position.sync_box) = start;
                self.apply(update, path);
                self.drain();
                return UpdateOutcome::Applied;
            }
            self.buffer(now, start, update, local);
            UpdateOutcome::GapPending
        }
    }

    fn apply(&mut self, update: Update, path: ApplyPath) {
        let position = update.position;
        assert_eq!(
            position.start(),
            Some(self.state.counter(position.sync_box)),
            "only the next update applies"
        );
        // The seq is the container's (the seq rule sets it), not the update's.
        *self.state.counter_mut(position.sync_box) = position.end;
        self.state.date = self.state.date.max(update.date);
        let stored = StoredUpdate::from(&update);
        self.emit_applied(&stored, path);
        self.store.insert(stored);
    }

    fn emit_applied(&mut self, update: &StoredUpdate, path: ApplyPath) {
        self.applied_seq_max = self.applied_seq_max.max(update.seq);
        self.emit(SyncEvent::Applied {
            seq: update.seq,
            payload_bytes: update.payload_bytes,
            created_at: update.created_at,
            path,
        });
    }

    fn buffer(&mut self, now: Instant, start: u32, update: Update, local: u32) {
        let sync_box = update.position.sync_box;
        let seq = update.seq;
        match self.pending.insert(start, update) {
            Buffered::Kept | Buffered::AlreadyWaiting => {
                if self.gap_deadline.is_none() {
                    self.emit(SyncEvent::GapDetected { sync_box, local, start });
                    self.gap_deadline = Some(now + GAP_WAIT);
                }
            }
            Buffered::Full => {
                // A difference covers this update too; stop waiting.
                self.emit(SyncEvent::PendingOverflow { seq });
                self.fetch(now, FetchReason::PendingOverflow);
            }
        }
    }

    /// Adopt a state the server vouches for, never moving a counter back.
    fn adopt(&mut self, now: Instant, state: SyncState) {
        self.state = self.state.max_with(state);
        self.drain();
        self.drain_batches(now);
    }

    /// Apply buffered updates that now fit; discard those already covered.
    pub(super) fn drain(&mut self) {
        loop {
            let mut progressed = false;
            for sync_box in [SyncBox::Common, SyncBox::Secondary] {
                let local = self.state.counter(sync_box);
                for covered in self.pending.take_covered(sync_box, local) {
                    self.emit(SyncEvent::Duplicate { seq: covered.seq });
                }
                if let Some(next) = self.pending.take_next(sync_box, local) {
                    self.apply(next, ApplyPath::Push);
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        if self.pending.is_empty() {
            self.gap_deadline = None;
        }
    }

    /// After an answer, updates or containers still buffered mean a gap is still open.
    fn arm_gap_timer(&mut self, now: Instant) {
        if self.phase != Phase::Synced {
            return;
        }
        if !self.pending.is_empty() && self.gap_deadline.is_none() {
            self.gap_deadline = Some(now + GAP_WAIT);
        }
        if !self.pending_batches.is_empty() && self.seq_gap_deadline.is_none() {
            self.seq_gap_deadline = Some(now + GAP_WAIT);
        }
    }
}
