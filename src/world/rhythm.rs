//! Owners' daily rhythm: each account draws a time zone and a bedtime, and
//! its owner sleeps `population.sleep` a night. While the owner sleeps the
//! account's devices do not come online and the owner does not audit, so
//! the server's per-hour activity of the account — what the anomaly signal
//! "unusual hours" is judged against — has a night in it, which a thief
//! acting around the clock does not keep.
//!
//! Integer arithmetic on seconds: the same on every machine.

use std::time::Duration;

use rand_chacha::rand_core::RngCore;
use sessionlab_proto::time::Instant;

const SECONDS_PER_DAY: u64 = 86_400;
/// Time zones are whole hours from UTC−11 to UTC+12, drawn uniformly.
const UTC_OFFSET_HOURS_MIN: i64 = -11;
/// How many time zones there are to draw from.
const TIME_ZONES: u64 = 24;
/// The earliest bedtime, local: 22:00.
const BEDTIME_EARLIEST_S: u64 = 22 * 3600;
/// Bedtimes are drawn uniformly in whole minutes over this span (22:00 to 01:00).
const BEDTIME_SPAN_MINUTES: u64 = 3 * 60;

/// One owner's day: when, in UTC, the night begins, and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyRhythm {
    /// Hours east of UTC.
    pub utc_offset_hours: i64,
    /// Local bedtime, seconds after local midnight (may pass 24:00).
    pub bedtime_local_s: u64,
    /// Sleep per night; zero for an owner who keeps no rhythm.
    pub sleep: Duration,
}

impl DailyRhythm {
    /// Draw a time zone and a bedtime for an owner who sleeps `sleep`.
    pub fn draw(rng: &mut impl RngCore, sleep: Duration) -> DailyRhythm {
        let zone = rng.next_u64() % TIME_ZONES;
        let minutes = rng.next_u64() % BEDTIME_SPAN_MINUTES;
        DailyRhythm {
            utc_offset_hours: UTC_OFFSET_HOURS_MIN + zone as i64,
            bedtime_local_s: BEDTIME_EARLIEST_S + minutes * 60,
            sleep: sleep.min(Duration::from_secs(SECONDS_PER_DAY)),
        }
    }

    /// Seconds since this night's bedtime began, if the owner sleeps at `now`.
    fn seconds_into_night(&self, now: Instant) -> Option<u64> {
        let sleep_s = self.sleep.as_secs();
        if sleep_s == 0 {
            return None;
        }
        let offset_s = self.utc_offset_hours * 3600;
        let local_s = (now.unix_seconds() as i64 + offset_s).rem_euclid(SECONDS_PER_DAY as i64) as u64;
        let bedtime_s = self.bedtime_local_s % SECONDS_PER_DAY;
        let since_bedtime_s = (local_s + SECONDS_PER_DAY - bedtime_s) % SECONDS_PER_DAY;
        (since_bedtime_s < sleep_s).then_some(since_bedtime_s)
    }

    /// Whether the owner sleeps at `now`.
    pub fn asleep(&self, now: Instant) -> bool {
        self.seconds_into_night(now).is_some()
    }

    /// `now` when the owner is awake, else the instant the owner wakes.
    pub fn awake_from(&self, now: Instant) -> Instant {
        match self.seconds_into_night(now) {
            None => now,
            Some(since_bedtime_s) => now.saturating_add(Duration::from_secs(self.sleep.as_secs() - since_bedtime_s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    /// Midnight UTC of some day.
    fn midnight() -> Instant {
        Instant::from_unix_seconds(1_700_006_400 - 1_700_006_400 % SECONDS_PER_DAY)
    }

    fn at(hours: u64, minutes: u64) -> Instant {
        midnight().saturating_add(Duration::from_secs(hours * 3600 + minutes * 60))
    }

    fn utc_sleeper() -> DailyRhythm {
        DailyRhythm {
            utc_offset_hours: 0,
            bedtime_local_s: 23 * 3600,
            sleep: Duration::from_secs(8 * 3600),
        }
    }

    #[test]
    fn the_night_runs_from_bedtime_for_the_sleep_length_across_midnight() {
        let rhythm = utc_sleeper();
        assert!(!rhythm.asleep(at(22, 59)));
        assert!(rhythm.asleep(at(23, 0)));
        assert!(rhythm.asleep(at(3, 0)));
        assert!(rhythm.asleep(at(6, 59)));
        assert!(!rhythm.asleep(at(7, 0)));
        assert_eq!(rhythm.awake_from(at(3, 0)), at(7, 0));
        assert_eq!(
            rhythm.awake_from(at(23, 0)),
            at(7, 0).saturating_add(Duration::from_secs(86_400))
        );
        assert_eq!(rhythm.awake_from(at(12, 0)), at(12, 0));
    }

    #[test]
    fn the_time_zone_moves_the_night_in_utc() {
        // 23:00 at UTC+3 is 20:00 UTC.
        let rhythm = DailyRhythm {
            utc_offset_hours: 3,
            ..utc_sleeper()
        };
        assert!(!rhythm.asleep(at(19, 59)));
        assert!(rhythm.asleep(at(20, 0)));
        assert!(!rhythm.asleep(at(4, 0)));
        // A bedtime past midnight (00:30 local, written 24:30).
        let late = DailyRhythm {
            bedtime_local_s: 24 * 3600 + 1800,
            ..utc_sleeper()
        };
        assert!(!late.asleep(at(0, 29)));
        assert!(late.asleep(at(0, 30)));
        assert!(late.asleep(at(8, 29)));
        assert!(!late.asleep(at(8, 30)));
    }

    #[test]
    fn no_sleep_means_always_awake() {
        let rhythm = DailyRhythm {
            sleep: Duration::ZERO,
            ..utc_sleeper()
        };
        assert!((0..24).all(|hour| !rhythm.asleep(at(hour, 0))));
        assert_eq!(rhythm.awake_from(at(3, 0)), at(3, 0));
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for _ in 0..1000 {
            let rhythm = DailyRhythm::draw(&mut rng, Duration::from_secs(8 * 3600));
            assert!((-11..=12).contains(&rhythm.utc_offset_hours));
            assert!((22 * 3600..25 * 3600).contains(&rhythm.bedtime_local_s));
            assert_eq!(rhythm.bedtime_local_s % 60, 0);
        }
    }

    #[test]
    fn every_instant_is_awake_or_asleep_and_waking_is_awake() {
        arbtest::arbtest(|u| {
            let rhythm = DailyRhythm {
                utc_offset_hours: u.int_in_range(-11..=12)?,
                bedtime_local_s: u.int_in_range(22 * 3600..=25 * 3600)?,
                sleep: Duration::from_secs(u.int_in_range(0..=16 * 3600)?),
            };
            let now = midnight().saturating_add(Duration::from_secs(u.int_in_range(0..=10 * 86_400)?));
            let woken = rhythm.awake_from(now);
            assert!(!rhythm.asleep(woken));
            assert!(woken >= now);
            assert!(woken.saturating_duration_since(now) <= rhythm.sleep);
            assert_eq!(rhythm.asleep(now), woken != now);
            Ok(())
        });
    }
}
