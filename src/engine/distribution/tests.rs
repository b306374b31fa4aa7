//! Unit tests of [`super::Distribution`]: validation, exact reproducibility,
//! draws per sample, and sample statistics over 100k draws with fixed seeds.

use super::*;
use rand_chacha::ChaCha12Rng;
use rand_core::SeedableRng;

const SAMPLES: usize = 100_000;

fn rng(seed: u64) -> ChaCha12Rng {
    ChaCha12Rng::seed_from_u64(seed)
}

fn sorted_samples(distribution: Distribution, seed: u64) -> Vec<f64> {
    let mut rng = rng(seed);
    let mut samples: Vec<f64> = (0..SAMPLES).map(|_| distribution.sample(&mut rng)).collect();
    samples.sort_by(f64::total_cmp);
    samples
}

fn mean(samples: &[f64]) -> f64 {
    samples.iter().sum::<f64>() / samples.len() as f64
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn assert_close(actual: f64, expected: f64, relative_tolerance: f64, what: &str) {
    let error = ((actual - expected) / expected).abs();
    assert!(
        error <= relative_tolerance,
        "{what}: {actual} vs {expected} (error {error})"
    );
}

#[test]
fn validation_rejects_bad_parameters() {
    use DistributionError::*;
    // NaN never equals itself, so match on the variant and parameter name.
    assert!(matches!(
        Distribution::new_constant(f64::NAN),
        Err(NotFinite { parameter: "value", .. })
    ));
    assert_eq!(
        Distribution::new_uniform(2.0, 1.0),
        Err(UniformMinAboveMax { min: 2.0, max: 1.0 })
    );
    assert_eq!(
        Distribution::new_normal(0.0, -1.0),
        Err(Negative {
            parameter: "stddev",
            value: -1.0
        })
    );
    assert_eq!(
        Distribution::new_lognormal(0.0, 1.0),
        Err(NotPositive {
            parameter: "median",
            value: 0.0
        })
    );
    assert_eq!(
        Distribution::new_lognormal(10.0, 5.0),
        Err(P99BelowMedian { median: 10.0, p99: 5.0 })
    );
    assert_eq!(
        Distribution::new_pareto(1.0, 0.0),
        Err(NotPositive {
            parameter: "shape",
            value: 0.0
        })
    );
    assert_eq!(
        Distribution::new_pareto(f64::INFINITY, 1.0),
        Err(NotFinite {
            parameter: "scale",
            value: f64::INFINITY
        })
    );
    assert!(Distribution::new_uniform(1.0, 1.0).is_ok());
    assert!(Distribution::new_normal(-5.0, 0.0).is_ok());
    assert!(Distribution::new_lognormal(3.0, 3.0).is_ok());
}

#[test]
fn same_seed_same_samples_and_fixed_draws_per_sample() {
    let all = [
        (Distribution::Constant { value: 1.5 }, 0),
        (Distribution::Uniform { min: 0.0, max: 1.0 }, 1),
        (Distribution::Normal { mean: 0.0, stddev: 1.0 }, 2),
        (
            Distribution::LogNormal {
                median: 80.0,
                p99: 600.0,
            },
            2,
        ),
        (Distribution::Pareto { scale: 1.0, shape: 2.0 }, 1),
    ];
    for (distribution, draws) in all {
        let (mut first, mut second) = (rng(9), rng(9));
        let a: Vec<f64> = (0..100).map(|_| distribution.sample(&mut first)).collect();
        let b: Vec<f64> = (0..100).map(|_| distribution.sample(&mut second)).collect();
        assert_eq!(a, b, "{distribution:?}");
        let mut counted = rng(9);
        for _ in 0..100 * draws {
            counted.next_u64();
        }
        assert_eq!(
            first.next_u64(),
            counted.next_u64(),
            "{distribution:?} draws {draws} per sample"
        );
    }
}

#[test]
fn constant_is_constant() {
    let samples = sorted_samples(Distribution::Constant { value: 42.0 }, 1);
    assert!(samples.iter().all(|&x| x == 42.0));
}

#[test]
fn uniform_statistics() {
    let samples = sorted_samples(Distribution::Uniform { min: 10.0, max: 30.0 }, 2);
    assert!(samples[0] >= 10.0 && samples[SAMPLES - 1] < 30.0);
    assert_close(mean(&samples), 20.0, 0.01, "uniform mean");
    assert_close(quantile(&samples, 0.25), 15.0, 0.02, "uniform q25");
}

#[test]
fn normal_statistics() {
    let samples = sorted_samples(
        Distribution::Normal {
            mean: 100.0,
            stddev: 15.0,
        },
        3,
    );
    let mean_value = mean(&samples);
    let variance = samples.iter().map(|x| (x - mean_value).powi(2)).sum::<f64>() / SAMPLES as f64;
    assert_close(mean_value, 100.0, 0.005, "normal mean");
    assert_close(variance.sqrt(), 15.0, 0.02, "normal stddev");
    assert_close(quantile(&samples, 0.99), 100.0 + 15.0 * NORMAL_Z99, 0.01, "normal p99");
}

#[test]
fn lognormal_hits_its_median_and_p99() {
    let distribution = Distribution::LogNormal {
        median: 80.0,
        p99: 600.0,
    };
    let samples = sorted_samples(distribution, 4);
    assert!(samples[0] > 0.0);
    assert_close(quantile(&samples, 0.5), 80.0, 0.02, "lognormal median");
    assert_close(quantile(&samples, 0.99), 600.0, 0.05, "lognormal p99");
    assert_close(mean(&samples), distribution.mean().unwrap(), 0.03, "lognormal mean");
}

#[test]
fn pareto_statistics() {
    let distribution = Distribution::Pareto { scale: 2.0, shape: 3.0 };
    let samples = sorted_samples(distribution, 5);
    assert!(samples[0] >= 2.0);
    assert_close(mean(&samples), 3.0, 0.02, "pareto mean");
    assert_close(
        quantile(&samples, 0.5),
        2.0 * 2f64.powf(1.0 / 3.0),
        0.02,
        "pareto median",
    );
    assert_eq!(Distribution::Pareto { scale: 1.0, shape: 1.0 }.mean(), None);
}

#[test]
fn duration_and_size_helpers_round_and_clamp() {
    let mut rng = rng(6);
    assert_eq!(Distribution::Constant { value: -3.0 }.sample_micros(&mut rng), 0);
    assert_eq!(Distribution::Constant { value: 2.5 }.sample_micros(&mut rng), 3);
    assert_eq!(Distribution::Constant { value: f64::NAN }.sample_bytes(&mut rng), 0);
    assert_eq!(
        Distribution::Constant { value: 1e300 }.sample_micros(&mut rng),
        MAX_SAMPLED_MICROS
    );
    assert_eq!(
        Distribution::Constant { value: 1e300 }.sample_bytes(&mut rng),
        MAX_SAMPLED_BYTES
    );
    assert_eq!(
        Distribution::Constant { value: -2.6 }.sample_signed_micros(&mut rng),
        -3
    );
    assert_eq!(
        Distribution::Constant { value: -1e300 }.sample_signed_micros(&mut rng),
        -(MAX_SAMPLED_MICROS as i64)
    );
}

#[test]
fn bernoulli_extremes_are_exact() {
    let mut rng = rng(7);
    assert!((0..10_000).all(|_| bernoulli(&mut rng, 1.0)));
    assert!((0..10_000).all(|_| !bernoulli(&mut rng, 0.0)));
    let hits = (0..SAMPLES).filter(|_| bernoulli(&mut rng, 0.25)).count();
    assert_close(hits as f64, SAMPLES as f64 * 0.25, 0.02, "bernoulli rate");
}
