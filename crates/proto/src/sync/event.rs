//! Typed accounting events of the sync layer (architecture invariant 6:
//! metrics come from typed events, never from logs), and [`SyncTotals`], a
//! fold of them into the counters the simulator reports.

use std::collections::BTreeMap;

use super::list_hash::ListAnswer;
use super::size::{wire_bytes, SyncMessage};
use super::update::SyncBox;

/// Which way a message travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Client to server.
    Up,
    /// Server to client.
    Down,
}

/// What a message of sync traffic is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrafficKind {
    PushedUpdate,
    DifferenceRequest,
    DifferenceAnswer,
    StateFetch,
    FullResync,
    ListFetch,
    NotModifiedAnswer,
}

impl TrafficKind {
    /// The kind and direction of `message`.
    pub fn of(message: SyncMessage<'_>) -> (TrafficKind, Direction) {
        match message {
            SyncMessage::PushedUpdate(_) => (TrafficKind::PushedUpdate, Direction::Down),
            SyncMessage::DifferenceRequest => (TrafficKind::DifferenceRequest, Direction::Up),
            SyncMessage::DifferenceAnswer(_) => (TrafficKind::DifferenceAnswer, Direction::Down),
            SyncMessage::StateRequest => (TrafficKind::StateFetch, Direction::Up),
            SyncMessage::StateAnswer => (TrafficKind::StateFetch, Direction::Down),
            SyncMessage::FullResyncRequest => (TrafficKind::FullResync, Direction::Up),
            SyncMessage::FullResyncAnswer(_) => (TrafficKind::FullResync, Direction::Down),
            SyncMessage::ListRequest => (TrafficKind::ListFetch, Direction::Up),
            SyncMessage::ListAnswer(ListAnswer::NotModified) => (TrafficKind::NotModifiedAnswer, Direction::Down),
            SyncMessage::ListAnswer(ListAnswer::Full { .. }) => (TrafficKind::ListFetch, Direction::Down),
        }
    }
}

/// How an update reached the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApplyPath {
    Push,
    Difference,
    FullResync,
}

/// Why the client fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FetchReason {
    /// Start-up or reconnect.
    Connected,
    NewSessionCreated,
    /// A gap did not fill within the gap wait.
    Gap,
    /// The gap buffer was full.
    PendingOverflow,
    /// Nothing arrived for the idle period.
    Idle,
    /// The previous answer was a slice.
    Slice,
    /// The previous answer was `differenceTooLong`.
    TooLong,
    /// The previous request's answer did not come in time.
    Retry,
}

/// Which request a fetch sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FetchKind {
    Difference,
    State,
    FullResync,
}

/// One accounting event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncEvent {
    /// A sync message of `bytes` (estimated, see `size`) was sent or received.
    Traffic {
        kind: TrafficKind,
        direction: Direction,
        bytes: u64,
    },
    /// An update was applied for the first time.
    Applied {
        seq: u32,
        payload_bytes: u32,
        latency_micros: u64,
        path: ApplyPath,
    },
    /// An update arrived that the client already had.
    Duplicate {
        seq: u32,
    },
    /// An update arrived beyond a gap: `local` is the client's counter, `start` the update's.
    GapDetected {
        sync_box: SyncBox,
        local: u32,
        start: u32,
    },
    /// The gap buffer was full; the update was dropped and a difference requested.
    PendingOverflow {
        seq: u32,
    },
    /// A request was sent (`attempt` counts from 1).
    FetchSent {
        kind: FetchKind,
        reason: FetchReason,
        attempt: u32,
    },
    /// A request's answer did not come in time.
    FetchTimedOut {
        kind: FetchKind,
        attempt: u32,
    },
    /// The retry budget ran out; the next fetch waits for the idle timer or a reconnect.
    FetchAbandoned {
        kind: FetchKind,
    },
    /// An answer to a request no longer in flight was ignored.
    StaleAnswer {
        request_id: u64,
    },
    DifferenceEmpty,
    DifferenceSlice {
        updates: u32,
    },
    DifferenceTooLong {
        pts: u32,
    },
    /// A full resync replaced the store with `updates` updates.
    FullResyncLoaded {
        updates: u32,
    },
    /// The authorization was revoked and the store wiped.
    Wiped {
        updates_dropped: u64,
    },
}

impl SyncEvent {
    /// The traffic event for `message`.
    pub fn traffic(message: SyncMessage<'_>) -> SyncEvent {
        let (kind, direction) = TrafficKind::of(message);
        SyncEvent::Traffic {
            kind,
            direction,
            bytes: wire_bytes(message),
        }
    }
}

/// Counters folded from [`SyncEvent`]s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncTotals {
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub bytes_by_kind: BTreeMap<TrafficKind, u64>,
    pub payload_bytes_applied: u64,
    pub updates_applied: u64,
    pub duplicates: u64,
    pub gaps_detected: u64,
    pub difference_calls: u64,
    pub difference_slices: u64,
    pub difference_too_long: u64,
    pub full_resyncs: u64,
    pub fetch_timeouts: u64,
    pub latency_micros_sum: u64,
    pub latency_micros_max: u64,
}

impl SyncTotals {
    /// Fold one event in.
    pub fn record(&mut self, event: &SyncEvent) {
        match *event {
            SyncEvent::Traffic { kind, direction, bytes } => {
                match direction {
                    Direction::Up => self.bytes_up += bytes,
                    Direction::Down => self.bytes_down += bytes,
                }
                *self.bytes_by_kind.entry(kind).or_default() += bytes;
            }
            SyncEvent::Applied {
                payload_bytes,
                latency_micros,
                ..
            } => {
                self.updates_applied += 1;
                self.payload_bytes_applied += u64::from(payload_bytes);
                self.latency_micros_sum = self.latency_micros_sum.saturating_add(latency_micros);
                self.latency_micros_max = self.latency_micros_max.max(latency_micros);
            }
            SyncEvent::Duplicate { .. } => self.duplicates += 1,
            SyncEvent::GapDetected { .. } => self.gaps_detected += 1,
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
    use crate::sync::size::PACKET_OVERHEAD_BYTES;

    #[test]
    fn totals_fold_traffic_and_applies() {
        let mut totals = SyncTotals::default();
        totals.record(&SyncEvent::traffic(SyncMessage::DifferenceRequest));
        totals.record(&SyncEvent::traffic(SyncMessage::ListAnswer(&ListAnswer::NotModified)));
        totals.record(&SyncEvent::Applied {
            seq: 1,
            payload_bytes: 50,
            latency_micros: 7,
            path: ApplyPath::Push,
        });
        totals.record(&SyncEvent::Applied {
            seq: 2,
            payload_bytes: 50,
            latency_micros: 3,
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
        assert_eq!(totals.bytes_up, PACKET_OVERHEAD_BYTES + 28);
        assert_eq!(totals.bytes_down, PACKET_OVERHEAD_BYTES + 16);
        assert_eq!(
            totals.bytes_by_kind[&TrafficKind::NotModifiedAnswer],
            PACKET_OVERHEAD_BYTES + 16
        );
        assert_eq!(totals.updates_applied, 2);
        assert_eq!(totals.payload_bytes_applied, 100);
        assert_eq!((totals.latency_micros_sum, totals.latency_micros_max), (10, 7));
        assert_eq!(totals.difference_calls, 1);
        assert_eq!(
            totals.overhead_ratio(),
            Some((2.0 * PACKET_OVERHEAD_BYTES as f64 + 44.0) / 100.0)
        );
        assert_eq!(SyncTotals::default().overhead_ratio(), None);
    }
}
