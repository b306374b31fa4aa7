//! Probability distributions over f64 for latencies, sizes and skews, sampled
//! by hand from an explicit `RngCore` so every draw is reproducible and the
//! number of draws per sample is fixed (two for normal and lognormal, one for
//! uniform and Pareto, none for constant).
//!
//! Normal uses Box–Muller (keeping one of the pair: a sample must not depend
//! on a cached value). LogNormal is parameterised as scenario files give it,
//! by median and 99th percentile: mu = ln(median), sigma = (ln(p99) − mu) / z99.
//! Pareto is sampled by inverse CDF: scale / U^(1/shape).

use rand_core::RngCore;

/// The standard normal's 99th percentile, z such that Φ(z) = 0.99.
pub const NORMAL_Z99: f64 = 2.326_347_874_040_840_8;

/// Largest duration a sample may produce: 100 years in µs. Heavy tails
/// (Pareto with a small shape) would otherwise overflow instant arithmetic.
pub const MAX_SAMPLED_MICROS: u64 = 100 * 365 * 86_400 * 1_000_000;

/// Largest byte size a sample may produce (1 GiB).
pub const MAX_SAMPLED_BYTES: u64 = 1 << 30;

/// Why a distribution's parameters are rejected. They come from scenario
/// files, so these are values, not panics.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum DistributionError {
    #[error("{parameter} must be a finite number, got {value}")]
    NotFinite { parameter: &'static str, value: f64 },
    #[error("{parameter} must be positive, got {value}")]
    NotPositive { parameter: &'static str, value: f64 },
    #[error("{parameter} must not be negative, got {value}")]
    Negative { parameter: &'static str, value: f64 },
    #[error("uniform min {min} exceeds max {max}")]
    UniformMinAboveMax { min: f64, max: f64 },
    #[error("lognormal p99 {p99} is below the median {median}")]
    P99BelowMedian { median: f64, p99: f64 },
}

/// A distribution over f64.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distribution {
    Constant { value: f64 },
    Uniform { min: f64, max: f64 },
    Normal { mean: f64, stddev: f64 },
    LogNormal { median: f64, p99: f64 },
    Pareto { scale: f64, shape: f64 },
}

impl Distribution {
    /// Always `value`.
    pub fn new_constant(value: f64) -> Result<Distribution, DistributionError> {
        Distribution::Constant { value }.validated()
    }

    /// Uniform on [min, max).
    pub fn new_uniform(min: f64, max: f64) -> Result<Distribution, DistributionError> {
        Distribution::Uniform { min, max }.validated()
    }

    /// Normal with `mean` and `stddev` ≥ 0.
    pub fn new_normal(mean: f64, stddev: f64) -> Result<Distribution, DistributionError> {
        Distribution::Normal { mean, stddev }.validated()
    }

    /// Log-normal with `median` > 0 and `p99` ≥ median.
    pub fn new_lognormal(median: f64, p99: f64) -> Result<Distribution, DistributionError> {
        Distribution::LogNormal { median, p99 }.validated()
    }

    /// Pareto with `scale` > 0 (the minimum) and `shape` > 0.
    pub fn new_pareto(scale: f64, shape: f64) -> Result<Distribution, DistributionError> {
        Distribution::Pareto { scale, shape }.validated()
    }

    fn validated(self) -> Result<Distribution, DistributionError> {
        self.validate().map(|()| self)
    }

    /// Check the parameters; the enum's fields are public, so a value built
    /// directly (by a parser) must be validated before use.
    pub fn validate(&self) -> Result<(), DistributionError> {
        match *self {
            Distribution::Constant { value } => finite("value", value),
            Distribution::Uniform { min, max } => {
                finite("min", min)?;
                finite("max", max)?;
                if min > max {
                    return Err(DistributionError::UniformMinAboveMax { min, max });
                }
                Ok(())
            }
            Distribution::Normal { mean, stddev } => {
                finite("mean", mean)?;
                non_negative("stddev", stddev)
            }
            Distribution::LogNormal { median, p99 } => {
                positive("median", median)?;
                positive("p99", p99)?;
                if p99 < median {
                    return Err(DistributionError::P99BelowMedian { median, p99 });
                }
                Ok(())
            }
            Distribution::Pareto { scale, shape } => {
                positive("scale", scale)?;
                positive("shape", shape)
            }
        }
    }

    /// One sample. Assumes validated parameters (a broken one yields NaN or
    /// infinity, which the duration and size helpers clamp).
    pub fn sample(&self, rng: &mut impl RngCore) -> f64 {
        match *self {
            Distribution::Constant { value } => value,
            Distribution::Uniform { min, max } => min + (max - min) * unit_open_above(rng),
            Distribution::Normal { mean, stddev } => mean + stddev * standard_normal(rng),
            Distribution::LogNormal { median, p99 } => {
                let (mu, sigma) = lognormal_parameters(median, p99);
                (mu + sigma * standard_normal(rng)).exp()
            }
            Distribution::Pareto { scale, shape } => scale / unit_open_below(rng).powf(1.0 / shape),
        }
    }

    /// A sample as a duration in whole µs, rounded, clamped to [0, MAX_SAMPLED_MICROS].
    pub fn sample_micros(&self, rng: &mut impl RngCore) -> u64 {
        clamp_to_u64(self.sample(rng), MAX_SAMPLED_MICROS)
    }

    /// A sample as a signed offset in whole µs (a clock skew), rounded and
    /// clamped to ±MAX_SAMPLED_MICROS.
    pub fn sample_signed_micros(&self, rng: &mut impl RngCore) -> i64 {
        let limit = MAX_SAMPLED_MICROS as f64;
        let value = self.sample(rng);
        if value.is_nan() {
            return 0;
        }
        value.round().clamp(-limit, limit) as i64
    }

    /// A sample as a byte size, rounded, clamped to [0, MAX_SAMPLED_BYTES].
    pub fn sample_bytes(&self, rng: &mut impl RngCore) -> u64 {
        clamp_to_u64(self.sample(rng), MAX_SAMPLED_BYTES)
    }

    /// The distribution's mean, when finite (Pareto with shape ≤ 1 has none).
    pub fn mean(&self) -> Option<f64> {
        match *self {
            Distribution::Constant { value } => Some(value),
            Distribution::Uniform { min, max } => Some((min + max) / 2.0),
            Distribution::Normal { mean, .. } => Some(mean),
            Distribution::LogNormal { median, p99 } => {
                let (mu, sigma) = lognormal_parameters(median, p99);
                Some((mu + sigma * sigma / 2.0).exp())
            }
            Distribution::Pareto { scale, shape } => (shape > 1.0).then(|| shape * scale / (shape - 1.0)),
        }
    }
}

/// (mu, sigma) of the underlying normal of a log-normal given by median and p99.
pub fn lognormal_parameters(median: f64, p99: f64) -> (f64, f64) {
    let mu = median.ln();
    (mu, (p99.ln() - mu) / NORMAL_Z99)
}

/// A uniform f64 in [0, 1) from the top 53 bits of one u64.
pub fn unit_open_above(rng: &mut impl RngCore) -> f64 {
    const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
    (rng.next_u64() >> 11) as f64 * SCALE
}

/// A uniform f64 in (0, 1]: safe for `ln` and negative powers.
pub fn unit_open_below(rng: &mut impl RngCore) -> f64 {
    1.0 - unit_open_above(rng)
}

/// Whether an event of probability `probability` happens: one draw, always,
/// so that the stream advances the same way whatever the outcome.
pub fn bernoulli(rng: &mut impl RngCore, probability: f64) -> bool {
    unit_open_above(rng) < probability
}

/// One standard normal sample by Box–Muller (the cosine half of the pair).
pub fn standard_normal(rng: &mut impl RngCore) -> f64 {
    let radius = (-2.0 * unit_open_below(rng).ln()).sqrt();
    let angle = std::f64::consts::TAU * unit_open_above(rng);
    radius * angle.cos()
}

fn clamp_to_u64(value: f64, limit: u64) -> u64 {
    if value.is_nan() || value <= 0.0 {
        return 0;
    }
    let rounded = value.round();
    if rounded >= limit as f64 {
        limit
    } else {
        rounded as u64
    }
}

fn finite(parameter: &'static str, value: f64) -> Result<(), DistributionError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(DistributionError::NotFinite { parameter, value })
    }
}

fn positive(parameter: &'static str, value: f64) -> Result<(), DistributionError> {
    finite(parameter, value)?;
    if value > 0.0 {
        Ok(())
    } else {
        Err(DistributionError::NotPositive { parameter, value })
    }
}

fn non_negative(parameter: &'static str, value: f64) -> Result<(), DistributionError> {
    finite(parameter, value)?;
    if value >= 0.0 {
        Ok(())
    } else {
        Err(DistributionError::Negative { parameter, value })
    }
}

#[cfg(test)]
mod tests;
