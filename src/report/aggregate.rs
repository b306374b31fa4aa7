//! Per-metric aggregation over seeds: mean, p50, p95, p99, min, max.
//! Percentiles are nearest-rank: the value at rank ⌈p·n⌉ of the sorted
//! values. Booleans count as 1 (true) and 0 (false), so their mean is the
//! fraction of seeds where they held.

use crate::engine::percentile::nearest_rank;
use crate::scenario::{Draws, Metric, MetricRow, METRICS};

use super::attacker_row::AttackerRow;

/// One seed's row: a value for every metric of [`METRICS`], the seed's
/// per-seed draws (the `param.` columns of `runs.csv`), what each of its
/// attackers got (its rows of `attackers.csv`) and its oracle violations.
/// Every report is written from rows, whether they come from live runs or
/// from the files of shards (`sessionlab merge`).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub seed: u64,
    pub values: MetricRow,
    pub params: Draws,
    pub attackers: Vec<AttackerRow>,
    /// The oracle violations of the run, described.
    pub violations: Vec<String>,
}

/// One metric over all seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSummary {
    pub metric: Metric,
    /// `None` when no seed reported a finite value.
    pub stats: Option<Stats>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    pub mean: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub min: f64,
    pub max: f64,
}

/// Nearest-rank percentile of sorted values (NaN when there are none; [`stats`] never asks).
pub fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    nearest_rank(sorted, fraction).unwrap_or(f64::NAN)
}

fn stats(mut values: Vec<f64>) -> Option<Stats> {
    values.retain(|value| value.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Some(Stats {
        mean,
        p50: percentile(&values, 0.50),
        p95: percentile(&values, 0.95),
        p99: percentile(&values, 0.99),
        min: values[0],
        max: values[values.len() - 1],
    })
}

/// Every metric of [`METRICS`] (in that order) over `rows`.
pub fn aggregate(rows: &[Row]) -> Vec<MetricSummary> {
    METRICS
        .iter()
        .map(|metric| MetricSummary {
            metric: *metric,
            stats: stats(rows.iter().map(|row| row.values.number(metric.id)).collect()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{MetricId, MetricValue};

    #[test]
    fn nearest_rank_percentiles() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&values, 0.50), 5.0);
        assert_eq!(percentile(&values, 0.95), 10.0);
        assert_eq!(percentile(&values, 0.10), 1.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
    }

    #[test]
    fn stats_ignore_non_finite_values_and_empty_is_none() {
        let summary = stats(vec![3.0, f64::NAN, 1.0, 2.0]).expect("finite values");
        assert_eq!(
            (summary.min, summary.p50, summary.max, summary.mean),
            (1.0, 2.0, 3.0, 2.0)
        );
        assert_eq!(stats(vec![f64::NAN]), None);
    }

    #[test]
    fn booleans_aggregate_as_fractions() {
        let rows: Vec<Row> = [true, false, true, true]
            .iter()
            .enumerate()
            .map(|(seed, flag)| Row {
                seed: seed as u64,
                values: MetricRow::from_fn(|id| match id {
                    MetricId::SyncConverged => MetricValue::Bool(*flag),
                    _ => MetricValue::Number(f64::NAN),
                }),
                params: Draws::default(),
                attackers: Vec::new(),
                violations: Vec::new(),
            })
            .collect();
        let summary = aggregate(&rows);
        let converged = summary
            .iter()
            .find(|s| s.metric.id == MetricId::SyncConverged)
            .and_then(|s| s.stats);
        assert_eq!(converged.map(|stats| stats.mean), Some(0.75));
        // A metric no seed has a finite value for has no statistics.
        let not_finite = summary
            .iter()
            .find(|s| s.metric.id == MetricId::Resends)
            .map(|s| s.stats);
        assert_eq!(not_finite, Some(None));
    }
}
