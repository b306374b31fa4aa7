//! Typed accounting events of the sync layer (architecture invariant 6:
//! metrics come from typed events, never from logs), and [`SyncTotals`], a
//! fold of them into the counters the simulator reports.

use super::update::SyncBox;
use crate::time::Instant;

/// Which way a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Client to server.
    Up,
    /// Server to client.
    Down,
}

/// How an update reached the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApplyPath {
    /// Pushed by the server as it happened.
    Push,
    /// Fetched with `updates.getDifference`.
    Difference,
    /// Loaded by a full resync (the history reload after `differenceTooLong`).
    FullResync,
}

/// Why the client fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FetchReason {
    /// Start-up or reconnect.
    Connected,
    /// The server announced `new_session_created`: updates may have been missed.
    NewSessionCreated,
    /// A pts gap did not fill within the gap wait.
    Gap,
    /// A `seq` gap between pushed containers did not fill within the gap wait.
    SeqGap,
    /// The gap buffer was full.
    PendingOverflow,
    /// Nothing arrived for the idle period.
    Idle,
    /// The previous answer was a slice.
    Slice,
    /// The previous answer was `differenceTooLong` (the state refetch and
    /// the history reload that follow it).
    TooLong,
    /// The previous request's answer did not come in time.
    Retry,
    /// A history reload held messages beyond the refetched state: the
    /// state is behind, and a difference from it catches up.
    HistoryAhead,
}

/// Which request a fetch sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FetchKind {
    /// `updates.getDifference`.
    Difference,
    /// `updates.getState`.
    State,
    /// The history reload of a full resync (`messages.getHistory`).
    History,
}

/// One accounting event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncEvent {
    /// Packets carrying sync messages were sent (`Up`) or received
    /// (`Down`): `bytes` is their sync share, from their encoded lengths
    /// (see `transport::sync_meter`).
    Traffic {
        /// Up (client to server) or down.
        direction: Direction,
        /// The sync share of the packets' bytes.
        bytes: u64,
    },
    /// An update was applied for the first time.
    Applied {
        /// The update's `seq`.
        seq: u32,
        /// Bytes of the update's content.
        payload_bytes: u32,
        /// When the server created the update, by the server's clock (the
        /// caller, which knows the true time, measures the latency: the
        /// client's own clock may be skewed).
        created_at: Instant,
        /// How the update arrived.
        path: ApplyPath,
    },
    /// An update arrived that the client already had.
    Duplicate {
        /// The update's `seq`.
        seq: u32,
    },
    /// An update arrived beyond a gap: `local` is the client's counter, `start` the update's.
    GapDetected {
        /// The box with the gap.
        sync_box: SyncBox,
        /// The client's counter in that box.
        local: u32,
        /// The counter the update needs to apply next (above `local`).
        start: u32,
    },
    /// A pushed container arrived beyond a `seq` gap (`seq_start > local + 1`)
    /// and waits for the missing ones.
    SeqGapDetected {
        /// The client's `seq`.
        local: u32,
        /// The container's `seq_start`.
        seq_start: u32,
    },
    /// A pushed container whose `seq` was already applied (`seq_start <= local`)
    /// was ignored, updates and all.
    OldBatchIgnored {
        /// The container's `seq`.
        seq: u32,
        /// Updates it carried.
        updates: u32,
    },
    /// A gap buffer (pts updates or seq containers) was full; the update or
    /// container was dropped and a difference requested.
    PendingOverflow {
        /// The dropped update's (or container's) `seq`.
        seq: u32,
    },
    /// A request was sent (`attempt` counts from 1).
    FetchSent {
        /// Which request.
        kind: FetchKind,
        /// Why it was sent.
        reason: FetchReason,
        /// Which attempt this was, from 1.
        attempt: u32,
    },
    /// A request's answer did not come in time.
    FetchTimedOut {
        /// Which request.
        kind: FetchKind,
        /// The attempt that timed out.
        attempt: u32,
    },
    /// The retry budget ran out; the next fetch waits for the idle timer or a reconnect.
    FetchAbandoned {
        /// Which request was abandoned.
        kind: FetchKind,
    },
    /// An answer to a request no longer in flight was ignored.
    StaleAnswer {
        /// The id the answer was for.
        request_id: u64,
    },
    /// `updates.differenceEmpty` arrived: nothing was missed.
    DifferenceEmpty,
    /// The first time since connecting that nothing is left to fetch: the
    /// client is synced, nothing is in flight or buffered beyond a gap.
    CaughtUp,
    /// `updates.differenceSlice` arrived: more is to be fetched.
    DifferenceSlice {
        /// Updates in the slice.
        updates: u32,
    },
    /// `updates.differenceTooLong` arrived: the client took its `pts`; a
    /// state refetch and a history reload (the full resync) follow.
    DifferenceTooLong {
        /// The server's `pts` it named.
        pts: u32,
    },
    /// A history reload replaced the store with `updates` updates.
    FullResyncLoaded {
        /// Updates loaded.
        updates: u32,
    },
    /// The authorization was revoked and the store wiped.
    Wiped {
        /// Updates the store held.
        updates_dropped: u64,
    },
}

/// Counters folded from [`SyncEvent`]s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncTotals {
    /// Bytes of sync traffic from client to server.
    pub bytes_up: u64,
    /// Bytes of sync traffic from server to client.
    pub bytes_down: u64,
    /// Content bytes of the updates applied.
    pub payload_bytes_applied: u64,
    /// Updates applied (each once).
    pub updates_applied: u64,
    /// Updates that arrived again and were ignored.
    pub duplicates: u64,
    /// pts gaps detected (in either box).
    pub gaps_detected: u64,
    /// `seq` gaps detected between pushed containers.
    pub seq_gaps_detected: u64,
    /// Pushed containers ignored because their `seq` was already applied.
    pub old_batches_ignored: u64,
    /// `updates.getDifference` requests sent, retries included.
    pub difference_calls: u64,
    /// `updates.differenceSlice` answers received.
    pub difference_slices: u64,
    /// `updates.differenceTooLong` answers received.
    pub difference_too_long: u64,
    /// Full resyncs loaded (history reloads answered).
    pub full_resyncs: u64,
    /// Fetches whose answer did not come in time.
    pub fetch_timeouts: u64,
}

impl SyncTotals {
    /// Fold one event in.
    pub fn record(&mut self, event: &SyncEvent) {
        match *event {
            SyncEvent::Traffic { direction, bytes } => match direction {
                Direction::Up => self.bytes_up += bytes,
                Direction::Down => self.bytes_down += bytes,
            },
            SyncEvent::Applied { payload_bytes, .. } => {
                self.updates_applied += 1;
                self.payload_bytes_applied += u64::from(payload_bytes);
            }
            SyncEvent::Duplicate { .. } => self.duplicates += 1,
            SyncEvent::GapDetected { .. } => self.gaps_detected += 1,
            SyncEvent::SeqGapDetected { .. } => self.seq_gaps_detected += 1,
            SyncEvent::OldBatchIgnored { .. } => self.old_batches_ignored += 1,
            SyncEvent::FetchSent {
                kind: FetchKind::Difference,
                ..
            } => self.difference_calls += 1,
            SyncEvent::DifferenceSlice { .. } => self.difference_slices += 1,
            SyncEvent::DifferenceTooLong { .. } => self.difference_too_long += 1,
            SyncEvent::FullResyncLoaded { .. } => self.full_resyncs += 1,
            SyncEvent::FetchTimedOut { .. } => self.fetch_timeouts += 1,
            _ => {}
        }
    }

    /// All sync bytes over the payload bytes they delivered (`sync_overhead_ratio`);
    /// `None` before any payload was applied.
    pub fn overhead_ratio(&self) -> Option<f64> {
        (self.payload_bytes_applied > 0)
            .then(|| (self.bytes_up + self.bytes_down) as f64 / self.payload_bytes_applied as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_fold_traffic_and_applies() {
        let mut totals = SyncTotals::default();
        totals.record(&SyncEvent::Traffic {
            direction: Direction::Up,
            bytes: 104,
        });
        totals.record(&SyncEvent::Traffic {
            direction: Direction::Down,
            bytes: 92,
        });
        totals.record(&SyncEvent::Applied {
            seq: 1,
            payload_bytes: 50,
            created_at: Instant::EPOCH,
            path: ApplyPath::Push,
        });
        totals.record(&SyncEvent::Applied {
            seq: 2,
            payload_bytes: 50,
            created_at: Instant::EPOCH,
            path: ApplyPath::Push,
        });
        totals.record(&SyncEvent::FetchSent {
            kind: FetchKind::Difference,
            reason: FetchReason::Gap,
            attempt: 1,
        });
        totals.record(&SyncEvent::FetchSent {
            kind: FetchKind::State,
            reason: FetchReason::Gap,
            attempt: 1,
        });
        assert_eq!(totals.bytes_up, 104);
        assert_eq!(totals.bytes_down, 92);
        assert_eq!(totals.updates_applied, 2);
        assert_eq!(totals.payload_bytes_applied, 100);
        assert_eq!(totals.difference_calls, 1);
        assert_eq!(totals.overhead_ratio(), Some(196.0 / 100.0));
        assert_eq!(SyncTotals::default().overhead_ratio(), None);
    }
}
