//! Per-device clock skew: each device's own clock runs at a fixed signed
//! offset from virtual time, drawn once per device from the scenario's
//! `clock_skew` distribution (in µs).
//!
//! A device stamps msg_ids from its own clock, so skew exercises the
//! protocol's time-offset correction (bad_msg codes 16/17).

use std::collections::BTreeMap;

use rand_core::RngCore;

use crate::engine::distribution::{Distribution, DistributionError};
use sessionlab_proto::time::Instant;

/// Largest skew applied, one day either way: a plausible misconfigured phone,
/// and a bound so a heavy-tailed distribution cannot push a device decades away.
pub const MAX_CLOCK_SKEW_MICROS: i64 = 86_400 * 1_000_000;

/// Most devices whose skew is tracked.
pub const MAX_SKEWED_DEVICES: usize = 1 << 20;

/// Why a skew could not be assigned.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum SkewError {
    #[error("invalid clock skew distribution: {0}")]
    Distribution(#[from] DistributionError),
    #[error("too many devices with a clock skew: limit {MAX_SKEWED_DEVICES}")]
    TooManyDevices,
}

/// One device's clock: virtual time shifted by a fixed offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeviceClock {
    skew_micros: i64,
}

impl DeviceClock {
    /// A clock `skew_micros` ahead (negative: behind), clamped to ±[`MAX_CLOCK_SKEW_MICROS`].
    pub fn new(skew_micros: i64) -> DeviceClock {
        DeviceClock {
            skew_micros: skew_micros.clamp(-MAX_CLOCK_SKEW_MICROS, MAX_CLOCK_SKEW_MICROS),
        }
    }

    /// The offset from virtual time.
    pub fn skew_micros(&self) -> i64 {
        self.skew_micros
    }

    /// What this device's clock reads when virtual time is `now`.
    pub fn local_now(&self, now: Instant) -> Instant {
        now.offset_by_micros(self.skew_micros)
    }
}

/// The skews of all devices of a run, drawn from one distribution.
#[derive(Clone, Debug)]
pub struct ClockSkew {
    distribution: Distribution,
    clocks: BTreeMap<u32, DeviceClock>,
}

impl ClockSkew {
    /// Skews drawn from `distribution` (values in µs).
    pub fn new(distribution: Distribution) -> Result<ClockSkew, SkewError> {
        distribution.validate()?;
        Ok(ClockSkew {
            distribution,
            clocks: BTreeMap::new(),
        })
    }

    /// No skew for anyone.
    pub fn none() -> ClockSkew {
        ClockSkew {
            distribution: Distribution::Constant { value: 0.0 },
            clocks: BTreeMap::new(),
        }
    }

    /// Device `device`'s clock, drawing its skew from `rng` the first time.
    /// Pass the device's own stream so the draw perturbs nothing else.
    pub fn assign(&mut self, device: u32, rng: &mut impl RngCore) -> Result<DeviceClock, SkewError> {
        if let Some(clock) = self.clocks.get(&device) {
            return Ok(*clock);
        }
        if self.clocks.len() >= MAX_SKEWED_DEVICES {
            return Err(SkewError::TooManyDevices);
        }
        let clock = DeviceClock::new(self.distribution.sample_signed_micros(rng));
        self.clocks.insert(device, clock);
        Ok(clock)
    }

    /// Device `device`'s clock: unskewed if never assigned.
    pub fn clock(&self, device: u32) -> DeviceClock {
        self.clocks.get(&device).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha12Rng;
    use rand_core::SeedableRng;

    #[test]
    fn device_clock_applies_a_clamped_offset() {
        let now = Instant::from_unix_seconds(1_000_000);
        assert_eq!(
            DeviceClock::new(-2_000_000).local_now(now),
            Instant::from_unix_seconds(999_998)
        );
        assert_eq!(DeviceClock::new(i64::MAX).skew_micros(), MAX_CLOCK_SKEW_MICROS);
        assert_eq!(DeviceClock::default().local_now(now), now);
    }

    #[test]
    fn skew_is_drawn_once_per_device() {
        let mut skew = ClockSkew::new(Distribution::Normal {
            mean: 0.0,
            stddev: 2_000_000.0,
        })
        .unwrap();
        let mut rng = ChaCha12Rng::seed_from_u64(1);
        let first = skew.assign(7, &mut rng).unwrap();
        assert_eq!(skew.assign(7, &mut rng).unwrap(), first);
        assert_eq!(skew.clock(7), first);
        assert_eq!(skew.clock(8), DeviceClock::default());
        let expected = Distribution::Normal {
            mean: 0.0,
            stddev: 2_000_000.0,
        }
        .sample_signed_micros(&mut ChaCha12Rng::seed_from_u64(1));
        assert_eq!(first.skew_micros(), expected);
        assert_ne!(first.skew_micros(), 0);
    }

    #[test]
    fn constant_skew_and_invalid_distribution() {
        let mut skew = ClockSkew::new(Distribution::Constant { value: -500.0 }).unwrap();
        let mut rng = ChaCha12Rng::seed_from_u64(2);
        assert_eq!(skew.assign(1, &mut rng).unwrap().skew_micros(), -500);
        assert!(matches!(
            ClockSkew::new(Distribution::Normal {
                mean: 0.0,
                stddev: -1.0
            }),
            Err(SkewError::Distribution(_))
        ));
        assert_eq!(ClockSkew::none().assign(3, &mut rng).unwrap().skew_micros(), 0);
    }
}
