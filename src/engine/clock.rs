//! Virtual time: the simulator's one clock, in µs as [`Instant`].
//!
//! The clock starts at a scenario epoch (default 2026-01-01T00:00:00Z, so
//! msg_ids, salts and dates look like real ones) and only moves forward, when
//! the engine pops an event. It never reads the wall clock and never sleeps.

use std::time::Duration;

use sessionlab_proto::time::{duration_micros, Instant};

/// The simulator's virtual clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    epoch: Instant,
    now: Instant,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new(Instant::SCENARIO_EPOCH)
    }
}

impl Clock {
    /// A clock standing at `epoch`.
    pub const fn new(epoch: Instant) -> Clock {
        Clock { epoch, now: epoch }
    }

    /// The scenario epoch this clock started at.
    pub const fn epoch(&self) -> Instant {
        self.epoch
    }

    /// The current virtual time.
    #[inline]
    pub const fn now(&self) -> Instant {
        self.now
    }

    /// Virtual time elapsed since the epoch, in µs.
    pub const fn elapsed_micros(&self) -> u64 {
        // `now >= epoch` always holds: `advance_to` never moves backwards.
        self.now.unix_micros() - self.epoch.unix_micros()
    }

    /// The instant `offset` after the epoch: how scenario times ("at = 2d") map to virtual time.
    pub fn at_offset(&self, offset: Duration) -> Instant {
        self.epoch.saturating_add(offset)
    }

    /// The instant `offset_micros` after the epoch.
    pub fn at_offset_micros(&self, offset_micros: u64) -> Instant {
        Instant::from_unix_micros(self.epoch.unix_micros().saturating_add(offset_micros))
    }

    /// The instant `delay` after now.
    pub fn after(&self, delay: Duration) -> Instant {
        self.after_micros(duration_micros(delay))
    }

    /// The instant `delay_micros` after now.
    pub fn after_micros(&self, delay_micros: u64) -> Instant {
        Instant::from_unix_micros(self.now.unix_micros().saturating_add(delay_micros))
    }

    /// Move to `to`. Only the engine calls this, with the time of the event it
    /// pops; the queue guarantees that time is never in the past.
    #[inline]
    pub(crate) fn advance_to(&mut self, to: Instant) {
        assert!(to >= self.now, "virtual time went backwards: {to:?} < {:?}", self.now);
        self.now = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_at_the_scenario_epoch_by_default() {
        let clock = Clock::default();
        assert_eq!(clock.now(), Instant::SCENARIO_EPOCH);
        assert_eq!(clock.epoch(), Instant::SCENARIO_EPOCH);
        assert_eq!(clock.elapsed_micros(), 0);
    }

    #[test]
    fn offsets_are_relative_to_epoch_and_now() {
        let mut clock = Clock::new(Instant::from_unix_seconds(100));
        assert_eq!(clock.at_offset(Duration::from_secs(5)), Instant::from_unix_seconds(105));
        assert_eq!(clock.at_offset_micros(7), Instant::from_unix_micros(100_000_007));
        clock.advance_to(Instant::from_unix_seconds(110));
        assert_eq!(clock.elapsed_micros(), 10_000_000);
        assert_eq!(
            clock.after(Duration::from_millis(1)),
            Instant::from_unix_micros(110_001_000)
        );
        assert_eq!(clock.after_micros(u64::MAX), Instant::from_unix_micros(u64::MAX));
    }

    #[test]
    #[should_panic(expected = "virtual time went backwards")]
    fn advancing_backwards_is_a_broken_invariant() {
        let mut clock = Clock::new(Instant::from_unix_seconds(100));
        clock.advance_to(Instant::from_unix_seconds(99));
    }
}
