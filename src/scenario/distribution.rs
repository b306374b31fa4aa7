//! Distributions of latencies, clock offsets and sizes, and how to draw from
//! them: constant, uniform, normal, lognormal (given by median and 99th
//! percentile, as latency is usually reported) and pareto.
//!
//! Parameters are validated when the file is parsed (see `build::leaf`),
//! so sampling never meets a NaN-producing parameter.

use std::time::Duration;

use rand_core::RngCore;

use super::duration::SignedDuration;
use crate::engine::distribution::Distribution as BaseDistribution;

/// A distribution over values of type `T`.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution<T> {
    /// Always `T`.
    Constant(T),
    /// Uniform between `min` and `max` inclusive.
    Uniform { min: T, max: T },
    /// Normal; draws of a non-negative type are clamped at zero.
    Normal { mean: T, stddev: T },
    /// Log-normal with this median and 99th percentile (`p99 >= median > 0`).
    LogNormal { median: T, p99: T },
    /// Pareto with minimum `scale` (> 0) and tail index `shape` (> 0).
    Pareto { scale: T, shape: f64 },
}

/// Latencies and durations.
pub type DurationDistribution = Distribution<Duration>;
/// Clock offsets, which may be negative.
pub type OffsetDistribution = Distribution<SignedDuration>;
/// Sizes in bytes.
pub type ByteDistribution = Distribution<u64>;

/// A type a distribution ranges over, seen as a float in its base unit.
pub trait Quantity: Clone + PartialEq {
    /// Whether negative values exist (clock offsets) or draws clamp at zero.
    const SIGNED: bool;
    /// The value in its base unit (microseconds, bytes).
    fn to_base(&self) -> f64;
    /// The value nearest to `base` (saturating, clamped at zero when unsigned).
    fn from_base(base: f64) -> Self;
}

impl Quantity for Duration {
    const SIGNED: bool = false;
    fn to_base(&self) -> f64 {
        self.as_micros() as f64
    }
    fn from_base(base: f64) -> Duration {
        // `as` saturates and maps NaN to 0.
        Duration::from_micros(base.round() as u64)
    }
}

impl Quantity for SignedDuration {
    const SIGNED: bool = true;
    fn to_base(&self) -> f64 {
        self.micros as f64
    }
    fn from_base(base: f64) -> SignedDuration {
        SignedDuration {
            micros: base.round() as i64,
        }
    }
}

impl Quantity for u64 {
    const SIGNED: bool = false;
    fn to_base(&self) -> f64 {
        *self as f64
    }
    fn from_base(base: f64) -> u64 {
        base.round() as u64
    }
}

impl<T: Quantity> Distribution<T> {
    /// The same distribution in base units (µs, bytes): what the simulator
    /// samples. One sampler serves both, so a file and a run never disagree.
    pub fn to_base(&self) -> BaseDistribution {
        match self {
            Distribution::Constant(value) => BaseDistribution::Constant { value: value.to_base() },
            Distribution::Uniform { min, max } => BaseDistribution::Uniform {
                min: min.to_base(),
                max: max.to_base(),
            },
            Distribution::Normal { mean, stddev } => BaseDistribution::Normal {
                mean: mean.to_base(),
                stddev: stddev.to_base(),
            },
            Distribution::LogNormal { median, p99 } => BaseDistribution::LogNormal {
                median: median.to_base(),
                p99: p99.to_base(),
            },
            Distribution::Pareto { scale, shape } => BaseDistribution::Pareto {
                scale: scale.to_base(),
                shape: *shape,
            },
        }
    }

    /// One draw.
    pub fn sample<R: RngCore>(&self, rng: &mut R) -> T {
        if let Distribution::Constant(value) = self {
            return value.clone();
        }
        let base = self.to_base().sample(rng);
        T::from_base(if T::SIGNED { base } else { base.max(0.0) })
    }

    /// The distribution's name as written in a file.
    pub fn name(&self) -> &'static str {
        match self {
            Distribution::Constant(_) => "constant",
            Distribution::Uniform { .. } => "uniform",
            Distribution::Normal { .. } => "normal",
            Distribution::LogNormal { .. } => "lognormal",
            Distribution::Pareto { .. } => "pareto",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn draws<T: Quantity>(distribution: &Distribution<T>, count: usize) -> Vec<f64> {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let mut values: Vec<f64> = (0..count).map(|_| distribution.sample(&mut rng).to_base()).collect();
        values.sort_by(f64::total_cmp);
        values
    }

    #[test]
    fn constant_and_uniform_stay_put() {
        assert_eq!(
            Distribution::Constant(5u64).sample(&mut ChaCha20Rng::seed_from_u64(0)),
            5
        );
        let values = draws(&Distribution::Uniform { min: 10u64, max: 20 }, 1000);
        assert!(values[0] >= 10.0 && values[999] <= 20.0);
    }

    #[test]
    fn lognormal_matches_its_median_and_p99() {
        let latency = Distribution::LogNormal {
            median: Duration::from_millis(80),
            p99: Duration::from_millis(600),
        };
        let values = draws(&latency, 20_000);
        let median = values[10_000];
        let p99 = values[19_800];
        assert!((median - 80_000.0).abs() < 4_000.0, "median {median}");
        assert!((p99 - 600_000.0).abs() < 60_000.0, "p99 {p99}");
    }

    #[test]
    fn normal_offsets_can_be_negative_but_durations_cannot() {
        let skew = Distribution::Normal {
            mean: SignedDuration::ZERO,
            stddev: SignedDuration { micros: 2_000_000 },
        };
        assert!(draws(&skew, 1000)[0] < 0.0);
        let latency = Distribution::Normal {
            mean: Duration::ZERO,
            stddev: Duration::from_secs(2),
        };
        assert_eq!(draws(&latency, 1000)[0], 0.0);
    }

    #[test]
    fn pareto_never_goes_below_its_scale() {
        let sizes = draws(
            &Distribution::Pareto {
                scale: 100u64,
                shape: 1.5,
            },
            1000,
        );
        assert!(sizes[0] >= 100.0);
        assert!(sizes[999] > 1000.0, "a heavy tail");
        assert_eq!(
            Distribution::Pareto {
                scale: 1u64,
                shape: 1.0
            }
            .name(),
            "pareto"
        );
    }
}
