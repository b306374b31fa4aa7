//! Message ids: `msg_id ≈ unixtime · 2^32`, monotonic within a session.
//!
//! Client ids are divisible by 4; server ids are ≡ 1 (mod 4) for responses
//! and ≡ 3 otherwise. The lower 32 bits are never zero. The upper 32 bits
//! are the sender's idea of the Unix time, which is what lets a receiver
//! reject stale or future messages and lets a client correct its clock.

use crate::time::{Instant, MICROS_PER_SECOND};

/// Which residue (mod 4) an id must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MsgIdKind {
    /// Sent by a client: ≡ 0 (mod 4).
    Client,
    /// Sent by a server in answer to a client message: ≡ 1 (mod 4).
    ServerResponse,
    /// Sent by a server on its own initiative: ≡ 3 (mod 4).
    ServerNotification,
}

impl MsgIdKind {
    /// The residue mod 4 of ids of this kind.
    pub fn residue(self) -> u64 {
        match self {
            MsgIdKind::Client => 0,
            MsgIdKind::ServerResponse => 1,
            MsgIdKind::ServerNotification => 3,
        }
    }
}

/// The Unix time (seconds) encoded in a message id.
pub fn msg_id_unix_seconds(msg_id: u64) -> u64 {
    msg_id >> 32
}

/// The instant a message id claims, with the sub-second fraction.
pub fn msg_id_instant(msg_id: u64) -> Instant {
    let seconds = msg_id >> 32;
    let fraction_micros = ((msg_id & 0xffff_ffff) * MICROS_PER_SECOND) >> 32;
    Instant::from_unix_micros(
        seconds
            .saturating_mul(MICROS_PER_SECOND)
            .saturating_add(fraction_micros),
    )
}

/// The raw id for an instant, before the residue is applied.
fn raw_msg_id(at: Instant) -> u64 {
    let micros = at.unix_micros();
    let seconds = micros / MICROS_PER_SECOND;
    let fraction = ((micros % MICROS_PER_SECOND) << 32) / MICROS_PER_SECOND;
    (seconds << 32) | fraction
}

/// Generates monotonic ids for one session (a server's responses and
/// notifications share one increasing sequence).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MsgIdGenerator {
    last: u64,
}

impl MsgIdGenerator {
    /// A generator that has handed out no id yet.
    pub fn new() -> MsgIdGenerator {
        MsgIdGenerator::default()
    }

    /// The last id handed out (0 before the first).
    pub fn last(&self) -> u64 {
        self.last
    }

    /// The next id for a message sent at `at` (the sender's own clock,
    /// already corrected by any known offset). Strictly greater than every
    /// earlier id, with the right residue and nonzero lower 32 bits.
    pub fn next(&mut self, at: Instant, kind: MsgIdKind) -> u64 {
        let residue = kind.residue();
        let mut candidate = (raw_msg_id(at) & !3) | residue;
        if candidate <= self.last {
            // Same or earlier tick (or the clock went back): step past the last id.
            candidate = ((self.last & !3) + 4) | residue;
        }
        if candidate & 0xffff_ffff < 4 {
            // Lower 32 bits must never be zero (residue 0 would make them so).
            candidate = (candidate & !0xffff_ffff) | 4 | residue;
        }
        debug_assert!(candidate > self.last);
        debug_assert_eq!(candidate % 4, residue);
        self.last = candidate;
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_right_residue_and_time() {
        let at = Instant::from_unix_seconds(1_767_225_600) + std::time::Duration::from_millis(500);
        for kind in [
            MsgIdKind::Client,
            MsgIdKind::ServerResponse,
            MsgIdKind::ServerNotification,
        ] {
            let id = MsgIdGenerator::new().next(at, kind);
            assert_eq!(id % 4, kind.residue());
            assert_eq!(msg_id_unix_seconds(id), 1_767_225_600);
            assert_ne!(id & 0xffff_ffff, 0);
            let decoded = msg_id_instant(id);
            assert!(decoded.saturating_duration_since(at).as_micros() <= 1);
            assert!(at.saturating_duration_since(decoded).as_micros() <= 1);
        }
    }

    #[test]
    fn ids_are_strictly_monotonic_even_when_the_clock_goes_back() {
        let mut generator = MsgIdGenerator::new();
        let t = Instant::from_unix_seconds(1_767_225_600);
        let first = generator.next(t, MsgIdKind::Client);
        let second = generator.next(t, MsgIdKind::Client);
        let third = generator.next(t.saturating_sub(std::time::Duration::from_secs(10)), MsgIdKind::Client);
        assert!(first < second && second < third);
        assert!([first, second, third].iter().all(|id| id % 4 == 0));
    }

    #[test]
    fn server_kinds_share_one_increasing_sequence() {
        let mut generator = MsgIdGenerator::new();
        let t = Instant::from_unix_seconds(1_767_225_600);
        let response = generator.next(t, MsgIdKind::ServerResponse);
        let notification = generator.next(t, MsgIdKind::ServerNotification);
        let response_again = generator.next(t, MsgIdKind::ServerResponse);
        assert!(response < notification && notification < response_again);
        assert_eq!((response % 4, notification % 4, response_again % 4), (1, 3, 1));
    }

    #[test]
    fn whole_second_never_gives_zero_low_bits() {
        let id = MsgIdGenerator::new().next(Instant::from_unix_seconds(1_767_225_600), MsgIdKind::Client);
        assert_eq!(id & 0xffff_ffff, 4);
    }
}
