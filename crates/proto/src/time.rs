//! Time as the protocol core sees it: an [`Instant`] is a count of
//! microseconds since the Unix epoch, handed in by the caller as `now`.
//!
//! The core never reads a clock (architecture invariant 2). The simulator
//! owns virtual time; a real deployment would pass the system clock in.
//! Durations are plain [`std::time::Duration`] values.

use std::time::Duration;

/// Microseconds in one second.
pub const MICROS_PER_SECOND: u64 = 1_000_000;

/// A point in time: microseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

impl Instant {
    /// The Unix epoch itself.
    pub const EPOCH: Instant = Instant(0);

    /// 2026-01-01T00:00:00Z, the default scenario epoch.
    pub const SCENARIO_EPOCH: Instant = Instant(1_767_225_600 * MICROS_PER_SECOND);

    /// An instant `micros` microseconds after the epoch.
    pub const fn from_unix_micros(micros: u64) -> Instant {
        Instant(micros)
    }

    /// An instant `seconds` seconds after the epoch.
    pub const fn from_unix_seconds(seconds: u64) -> Instant {
        Instant(seconds.saturating_mul(MICROS_PER_SECOND))
    }

    /// Microseconds since the epoch.
    pub const fn unix_micros(self) -> u64 {
        self.0
    }

    /// Whole seconds since the epoch (rounded down).
    pub const fn unix_seconds(self) -> u64 {
        self.0 / MICROS_PER_SECOND
    }

    /// The time elapsed from `earlier` to `self`, or zero when `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.0.saturating_sub(earlier.0))
    }

    /// `self + duration`, saturating at the far future.
    pub fn saturating_add(self, duration: Duration) -> Instant {
        Instant(self.0.saturating_add(duration_micros(duration)))
    }

    /// `self - duration`, saturating at the epoch.
    pub fn saturating_sub(self, duration: Duration) -> Instant {
        Instant(self.0.saturating_sub(duration_micros(duration)))
    }

    /// Shift by a signed number of microseconds (a clock offset), saturating.
    pub fn offset_by_micros(self, offset_micros: i64) -> Instant {
        Instant(self.0.saturating_add_signed(offset_micros))
    }
}

impl std::ops::Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, duration: Duration) -> Instant {
        self.saturating_add(duration)
    }
}

/// A duration in whole microseconds, saturating at `u64::MAX`.
pub fn duration_micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// Signed difference `later - earlier` in microseconds, saturating.
pub fn signed_micros_between(later: Instant, earlier: Instant) -> i64 {
    let difference = i128::from(later.0) - i128::from(earlier.0);
    i64::try_from(difference).unwrap_or(if difference < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_epoch_is_2026_01_01() {
        // 2026-01-01 is 20454 days after 1970-01-01.
        assert_eq!(Instant::SCENARIO_EPOCH.unix_seconds(), 20_454 * 86_400);
    }

    #[test]
    fn arithmetic_saturates() {
        let t = Instant::from_unix_seconds(10);
        assert_eq!(t.saturating_sub(Duration::from_secs(20)), Instant::EPOCH);
        assert_eq!(
            Instant::from_unix_micros(u64::MAX).saturating_add(Duration::from_secs(1)),
            Instant::from_unix_micros(u64::MAX)
        );
        assert_eq!(t.saturating_duration_since(t + Duration::from_secs(1)), Duration::ZERO);
        assert_eq!(t.offset_by_micros(-2_000_000).unix_seconds(), 8);
        assert_eq!(signed_micros_between(Instant::EPOCH, t), -10_000_000);
    }
}
