//! Paired comparisons of two designs (`sessionlab compare`): the rows of
//! two `runs.csv` ([`RunsTable`]) paired by seed, and per metric the mean
//! difference B − A with a bootstrap interval and a sign test.
//!
//! - **Pairs.** A seed in both tables is a pair; a metric's pairs are the
//!   pairs where both sides have a value of it. Seeds on one side only are
//!   counted, not compared.
//! - **Mean difference.** The mean of `b − a` over the metric's pairs
//!   (bools count 1 and 0: the difference in the share of seeds where it
//!   held).
//! - **95 % bootstrap interval** (percentile method). N resamples (10,000
//!   by default, 100 to 1,000,000), each of `n` differences drawn with replacement from the
//!   metric's `n`; the interval runs from the r-th smallest to the r-th
//!   largest of the N resample means, r = ⌈0.025·N⌉ (nearest rank, as every
//!   percentile of sessionlab). Draws are uniform indices (Lemire's
//!   method, unbiased) from a ChaCha8 stream seeded with
//!   `SHA-256("sessionlab/compare/v1" ‖ 0 ‖ S (u64 LE) ‖ metric name)`, S the
//!   `--seed`: a metric's interval depends only on its own differences, N
//!   and S, and swapping A and B mirrors it exactly.
//! - **Sign test**, two-sided and exact, over the nonzero differences
//!   (ties dropped): with k of the n increases,
//!   p = min(1, 2·P[X ≤ min(k, n − k)]), X ~ Binomial(n, 1/2); p = 1 when
//!   n = 0. Computed by a recursion on the binomial terms with an exact
//!   power-of-two scale, so it neither overflows nor underflows on the
//!   way (and is exact while the terms fit in 53 bits). A p below the
//!   smallest positive `f64` (about 4.9e-324: over about 1,070 pairs all
//!   moving one way) is reported as that smallest value.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

use super::compare_runs::{MetricColumn, RunsTable, SeedRow};

/// Resamples of the bootstrap unless told otherwise.
pub const DEFAULT_RESAMPLES: usize = 10_000;
/// The fewest resamples a comparison takes: with fewer than 40 the
/// interval would be the extremes of the resample means, and the 2.5 %
/// tails need a few resamples each.
pub const MIN_RESAMPLES: usize = 100;
/// The most resamples a comparison takes.
pub const MAX_RESAMPLES: usize = 1_000_000;
/// Domain separation of the bootstrap streams' seeds.
const STREAM_DOMAIN: &[u8] = b"sessionlab/compare/v1\0";
/// The smallest p-value reported: the smallest positive `f64`.
pub const SMALLEST_P: f64 = f64::from_bits(1);

/// How the bootstrap draws: N resamples from the streams of seed S.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BootstrapSettings {
    pub resamples: usize,
    pub seed: u64,
}

impl Default for BootstrapSettings {
    fn default() -> Self {
        BootstrapSettings {
            resamples: DEFAULT_RESAMPLES,
            seed: 0,
        }
    }
}

/// A 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The sign test of a metric's differences.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SignTest {
    /// Pairs where B is higher than A.
    pub higher: usize,
    /// Pairs where B is lower than A.
    pub lower: usize,
    /// Pairs where they are equal (dropped from the test).
    pub ties: usize,
    /// The two-sided exact p-value, in (0, 1].
    pub p: f64,
}

/// One metric compared.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricComparison {
    pub column: MetricColumn,
    /// Pairs where both sides have a value.
    pub pairs: usize,
    /// Means over those pairs (`None` without any).
    pub mean_a: Option<f64>,
    pub mean_b: Option<f64>,
    pub mean_difference: Option<f64>,
    pub interval: Option<Interval>,
    pub sign: SignTest,
}

/// A `param.` column of either side: on which it is, and when on both, on
/// how many pairs its cells agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawColumn {
    pub name: String,
    pub in_a: bool,
    pub in_b: bool,
    /// The pairs whose cells are equal, when the column is on both sides.
    pub equal_pairs: Option<usize>,
}

/// Two tables compared.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub settings: BootstrapSettings,
    /// The seeds on both sides, in order.
    pub paired_seeds: Vec<u64>,
    pub only_in_a: Vec<u64>,
    pub only_in_b: Vec<u64>,
    /// Every metric column, in file order.
    pub metrics: Vec<MetricComparison>,
    /// Every `param.` column: A's in order, then those only B has.
    pub draws: Vec<DrawColumn>,
}

/// Why two tables cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("{a} and {b} have different metric columns: {difference} (were they written by different versions of sessionlab?)")]
    DifferentColumns { a: String, b: String, difference: String },
    #[error("{a} and {b} have no seed in common ({a_seeds} and {b_seeds} seeds): nothing to pair")]
    NoSeedInCommon {
        a: String,
        b: String,
        a_seeds: usize,
        b_seeds: usize,
    },
}

/// The mean of `values`, `None` without any.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The bootstrap stream of `metric` under seed `seed`.
pub fn bootstrap_stream(seed: u64, metric: &str) -> ChaCha8Rng {
    let mut hasher = Sha256::new();
    hasher.update(STREAM_DOMAIN);
    hasher.update(seed.to_le_bytes());
    hasher.update(metric.as_bytes());
    ChaCha8Rng::from_seed(hasher.finalize().into())
}

/// A uniform index below `bound` (> 0), without bias (Lemire's method).
pub fn uniform_index(rng: &mut impl RngCore, bound: usize) -> usize {
    let bound = bound.max(1) as u64;
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let product = u128::from(rng.next_u64()) * u128::from(bound);
        if product as u64 >= threshold {
            return (product >> 64) as usize;
        }
    }
}

/// r = ⌈0.025·N⌉ (at least 1): the interval is the r-th smallest and r-th
/// largest of N resample means.
pub fn interval_rank(resamples: usize) -> usize {
    (resamples.saturating_mul(25)).div_ceil(1000).clamp(1, resamples.max(1))
}

/// The 95 % percentile bootstrap interval of the mean of `differences`,
/// drawn from `rng`; `None` without differences or resamples.
pub fn bootstrap_interval(differences: &[f64], resamples: usize, rng: &mut impl RngCore) -> Option<Interval> {
    let sample_mean = mean(differences)?;
    if resamples == 0 {
        return None;
    }
    let first = differences[0].to_bits();
    if differences.iter().all(|difference| difference.to_bits() == first) {
        // Every resample is the sample itself: its mean, to the bit.
        return Some(Interval {
            low: sample_mean,
            high: sample_mean,
        });
    }
    let count = differences.len();
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| {
            let sum: f64 = (0..count).map(|_| differences[uniform_index(rng, count)]).sum();
            sum / count as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let rank = interval_rank(resamples);
    Some(Interval {
        low: means[rank - 1],
        high: means[resamples - rank],
    })
}

/// `2^exponent` for `exponent` in -1022..=1023, exactly.
fn power_of_two(exponent: i64) -> f64 {
    f64::from_bits(((exponent.clamp(-1022, 1023) + 1023) as u64) << 52)
}

/// `value · 2^exponent`, rounding only where the result leaves the
/// normal range.
fn times_power_of_two(mut value: f64, mut exponent: i64) -> f64 {
    const STEP: i64 = 1000;
    while exponent > STEP && value.is_finite() {
        value *= power_of_two(STEP);
        exponent -= STEP;
    }
    while exponent < -STEP && value != 0.0 {
        value *= power_of_two(-STEP);
        exponent += STEP;
    }
    value * power_of_two(exponent)
}

/// The two-sided exact sign-test p-value of `higher` increases and `lower`
/// decreases: min(1, 2·P[X ≤ min(higher, lower)]), X ~ Binomial(n, 1/2),
/// n = higher + lower; 1 when n = 0.
pub fn sign_test_p(higher: u64, lower: u64) -> f64 {
    let Some(count) = higher.checked_add(lower).filter(|count| *count > 0) else {
        return 1.0;
    };
    let smaller = higher.min(lower);
    // Σ_{i ≤ smaller} C(n, i) · 2^(1 − n), as sum · 2^exponent: the terms
    // C(n, i) grow with i up to n / 2, and are rescaled by an exact power
    // of two before they could overflow.
    const RESCALE: i64 = 600;
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    let mut exponent = 1 - i64::try_from(count).unwrap_or(i64::MAX);
    for index in 0..smaller {
        term = term * (count - index) as f64 / (index + 1) as f64;
        sum += term;
        if sum > power_of_two(RESCALE) {
            term *= power_of_two(-RESCALE);
            sum *= power_of_two(-RESCALE);
            exponent = exponent.saturating_add(RESCALE);
        }
    }
    times_power_of_two(sum, exponent).clamp(SMALLEST_P, 1.0)
}

/// The sign test of `differences` (ties dropped).
pub fn sign_test(differences: &[f64]) -> SignTest {
    let higher = differences.iter().filter(|difference| **difference > 0.0).count();
    let lower = differences.iter().filter(|difference| **difference < 0.0).count();
    SignTest {
        higher,
        lower,
        ties: differences.len() - higher - lower,
        p: sign_test_p(higher as u64, lower as u64),
    }
}

/// One metric over its `pairs` of (A's value, B's value).
pub fn compare_metric(column: &MetricColumn, pairs: &[(f64, f64)], settings: BootstrapSettings) -> MetricComparison {
    let side_a: Vec<f64> = pairs.iter().map(|(a, _)| *a).collect();
    let side_b: Vec<f64> = pairs.iter().map(|(_, b)| *b).collect();
    let differences: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
    let mut stream = bootstrap_stream(settings.seed, &column.name);
    MetricComparison {
        column: column.clone(),
        pairs: pairs.len(),
        mean_a: mean(&side_a),
        mean_b: mean(&side_b),
        mean_difference: mean(&differences),
        interval: bootstrap_interval(&differences, settings.resamples, &mut stream),
        sign: sign_test(&differences),
    }
}

/// Why the metric columns of `a` and `b` differ, if they do.
fn column_difference(a: &RunsTable, b: &RunsTable) -> Option<String> {
    let names = |table: &RunsTable| {
        table
            .metrics
            .iter()
            .map(|column| column.name.clone())
            .collect::<Vec<_>>()
    };
    let (names_a, names_b) = (names(a), names(b));
    if names_a == names_b {
        return None;
    }
    let missing = |from: &[String], to: &[String]| from.iter().find(|name| !to.contains(name)).cloned();
    Some(if let Some(name) = missing(&names_a, &names_b) {
        format!("`{name}` is a column of the first, not of the second")
    } else if let Some(name) = missing(&names_b, &names_a) {
        format!("`{name}` is a column of the second, not of the first")
    } else {
        "the same columns in another order".to_string()
    })
}

/// The `param.` columns of both sides, compared on the paired seeds.
fn draw_columns(a: &RunsTable, b: &RunsTable, paired: &[u64]) -> Vec<DrawColumn> {
    let position = |table: &RunsTable, name: &str| table.params.iter().position(|param| param == name);
    let mut names: Vec<&String> = a.params.iter().collect();
    names.extend(b.params.iter().filter(|name| !a.params.contains(name)));
    names
        .into_iter()
        .map(|name| {
            let (in_a, in_b) = (position(a, name), position(b, name));
            let equal_pairs = in_a.zip(in_b).map(|(column_a, column_b)| {
                paired
                    .iter()
                    .filter(|seed| {
                        let cell = |table: &RunsTable, column: usize| {
                            table.rows.get(seed).and_then(|row| row.params.get(column)).cloned()
                        };
                        cell(a, column_a) == cell(b, column_b)
                    })
                    .count()
            });
            DrawColumn {
                name: name.clone(),
                in_a: in_a.is_some(),
                in_b: in_b.is_some(),
                equal_pairs,
            }
        })
        .collect()
}

/// Compares `b` against `a`, pairing their rows by seed. Their metric
/// columns must be the same, in the same order; their `param.` columns
/// may differ (they are reported, not compared).
pub fn compare_tables(a: &RunsTable, b: &RunsTable, settings: BootstrapSettings) -> Result<Comparison, CompareError> {
    if let Some(difference) = column_difference(a, b) {
        return Err(CompareError::DifferentColumns {
            a: a.file.clone(),
            b: b.file.clone(),
            difference,
        });
    }
    let paired: Vec<u64> = a
        .rows
        .keys()
        .filter(|seed| b.rows.contains_key(seed))
        .copied()
        .collect();
    if paired.is_empty() {
        return Err(CompareError::NoSeedInCommon {
            a: a.file.clone(),
            b: b.file.clone(),
            a_seeds: a.rows.len(),
            b_seeds: b.rows.len(),
        });
    }
    let only = |table: &RunsTable, other: &RunsTable| -> Vec<u64> {
        table
            .rows
            .keys()
            .filter(|seed| !other.rows.contains_key(seed))
            .copied()
            .collect()
    };
    let paired_rows: Vec<(&SeedRow, &SeedRow)> = paired
        .iter()
        .filter_map(|seed| Some((a.rows.get(seed)?, b.rows.get(seed)?)))
        .collect();
    let metrics = a
        .metrics
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let pairs: Vec<(f64, f64)> = paired_rows
                .iter()
                .filter_map(|(row_a, row_b)| Some(((*row_a.values.get(index)?)?, (*row_b.values.get(index)?)?)))
                .collect();
            compare_metric(column, &pairs, settings)
        })
        .collect();
    Ok(Comparison {
        settings,
        only_in_a: only(a, b),
        only_in_b: only(b, a),
        draws: draw_columns(a, b, &paired),
        paired_seeds: paired,
        metrics,
    })
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
