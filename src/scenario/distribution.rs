//! Distributions of latencies, clock offsets and sizes, and how to draw from
//! them: constant, uniform, normal, lognormal (given by median and 99th
//! percentile, as latency is usually reported) and pareto.
//!
//! Parameters are validated when the file is parsed (see `build::leaf`),
//! so sampling never meets a NaN-producing parameter.

use std::time::Duration;

use rand_core::RngCore;

use super::duration::SignedDuration;
use super::sampled::uniform_f64;

/// z-score of the 99th percentile of a standard normal distribution.
const Z_P99: f64 = 2.326_347_874_040_841;

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
    /// One draw.
    pub fn sample<R: RngCore>(&self, rng: &mut R) -> T {
        let base = match self {
            Distribution::Constant(value) => return value.clone(),
            Distribution::Uniform { min, max } => uniform_f64(min.to_base(), max.to_base(), rng),
            Distribution::Normal { mean, stddev } => mean.to_base() + stddev.to_base() * standard_normal(rng),
            Distribution::LogNormal { median, p99 } => {
                let sigma = (p99.to_base() / median.to_base()).ln() / Z_P99;
                median.to_base() * (sigma * standard_normal(rng)).exp()
            }
            Distribution::Pareto { scale, shape } => {
                // Inverse CDF with u in (0, 1]: scale / u^(1/shape) >= scale.
                let u = 1.0 - uniform_f64(0.0, 1.0, rng) * (1.0 - f64::EPSILON);
                scale.to_base() / u.powf(1.0 / shape)
            }
        };
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

/// A standard normal draw (Box-Muller; one of the pair is discarded so that
/// each draw consumes a fixed amount of randomness).
fn standard_normal<R: RngCore>(rng: &mut R) -> f64 {
    let u1 = 1.0 - uniform_f64(0.0, 1.0, rng) * (1.0 - f64::EPSILON);
    let u2 = uniform_f64(0.0, 1.0, rng);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
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
