//! Fuzz target `compare_runs`: what `sessionlab compare` reads — two
//! `runs.csv` — as arbitrary bytes (A's, a NUL byte, B's). A damaged file
//! or two tables that do not pair must be an error value, never a panic;
//! and what compares must keep the promises of `report::compare`: p-values
//! in (0, 1], counts that add up, a table against itself equal everywhere,
//! swapped sides negated, and a `compare.csv` with a row per metric.

use sessionlab::report::compare::{MetricComparison, MIN_RESAMPLES};
use sessionlab::report::{
    compare_csv, compare_markdown, compare_tables, read_runs, BootstrapSettings, Comparison, RunsTable, Sides,
};

/// Few resamples: the fuzzer is after the code paths, not the figures.
const SETTINGS: BootstrapSettings = BootstrapSettings {
    resamples: MIN_RESAMPLES,
    seed: 0,
};

/// Both ends finite: `low ≤ high`.
fn check_metric(metric: &MetricComparison) {
    let sign = metric.sign;
    assert!(sign.p > 0.0 && sign.p <= 1.0, "{}: p = {}", metric.column.name, sign.p);
    assert_eq!(
        sign.higher + sign.lower + sign.ties,
        metric.pairs,
        "{}",
        metric.column.name
    );
    assert_eq!(metric.mean_difference.is_some(), metric.pairs > 0);
    if let Some(interval) = metric
        .interval
        .filter(|interval| interval.low.is_finite() && interval.high.is_finite())
    {
        assert!(interval.low <= interval.high, "{}: {interval:?}", metric.column.name);
    }
}

/// `compare.csv` reads back as a header and one row of 12 cells per metric.
fn check_files(comparison: &Comparison) {
    let text = compare_csv(comparison);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("compare.csv is valid CSV");
    assert_eq!(records.len(), comparison.metrics.len() + 1);
    assert!(records.iter().all(|record| record.len() == 12));
    for (record, metric) in records.iter().skip(1).zip(&comparison.metrics) {
        assert_eq!(record.get(0), Some(metric.column.name.as_str()));
    }
    let sides = Sides {
        name_a: "a".into(),
        dir_a: "a".into(),
        name_b: "b".into(),
        dir_b: "b".into(),
    };
    let markdown = compare_markdown(comparison, &sides, &[]);
    let table_rows = markdown.lines().filter(|line| line.starts_with("| ")).count();
    assert_eq!(table_rows, comparison.metrics.len() + 1, "one Markdown line per metric");
}

/// A table against itself: every difference is 0.
fn check_against_itself(table: &RunsTable) {
    let Ok(comparison) = compare_tables(table, table, SETTINGS) else {
        assert!(table.rows.is_empty(), "a table with rows pairs with itself");
        return;
    };
    for metric in &comparison.metrics {
        assert_eq!(metric.sign.ties, metric.pairs, "{}", metric.column.name);
        assert_eq!(metric.sign.p, 1.0);
        if let Some(interval) = metric.interval {
            assert_eq!((interval.low, interval.high), (0.0, 0.0), "{}", metric.column.name);
        }
    }
}

/// B against A: the mean differences negated, the intervals mirrored.
fn check_swapped(forward: &Comparison, a: &RunsTable, b: &RunsTable) {
    let backward = compare_tables(b, a, SETTINGS).expect("what pairs one way pairs the other");
    assert_eq!(backward.paired_seeds, forward.paired_seeds);
    for (there, back) in forward.metrics.iter().zip(&backward.metrics) {
        let finite = |value: Option<f64>| value.filter(|value| value.is_finite());
        if let (Some(there_mean), Some(back_mean)) = (finite(there.mean_difference), finite(back.mean_difference)) {
            assert_eq!(there_mean, -back_mean, "{}", there.column.name);
        }
        if let (Some(there_interval), Some(back_interval)) = (there.interval, back.interval) {
            let ends = [
                there_interval.low,
                there_interval.high,
                back_interval.low,
                back_interval.high,
            ];
            if ends.iter().all(|end| end.is_finite()) {
                assert_eq!(
                    (there_interval.low, there_interval.high),
                    (-back_interval.high, -back_interval.low),
                    "{}",
                    there.column.name
                );
            }
        }
        assert_eq!(there.sign.p, back.sign.p);
    }
}

pub fn compare_runs(data: &[u8]) {
    let mut parts = data.splitn(2, |byte| *byte == 0);
    let (bytes_a, bytes_b) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let (Ok(a), Ok(b)) = (read_runs(bytes_a, "a"), read_runs(bytes_b, "b")) else {
        return;
    };
    check_against_itself(&a);
    let Ok(comparison) = compare_tables(&a, &b, SETTINGS) else {
        return;
    };
    assert_eq!(comparison.metrics.len(), a.metrics.len());
    comparison.metrics.iter().for_each(check_metric);
    check_files(&comparison);
    check_swapped(&comparison, &a, &b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_seed_reaches_the_comparison() {
        // The seed is two tables that pair: the fuzzer must not only ever
        // see the error paths.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/seeds/compare_runs/handmade");
        let data = std::fs::read(path).expect("the seed is kept");
        let mut parts = data.splitn(2, |byte| *byte == 0);
        let a = read_runs(parts.next().unwrap_or_default(), "a").expect("A reads");
        let b = read_runs(parts.next().unwrap_or_default(), "b").expect("B reads");
        let comparison = compare_tables(&a, &b, SETTINGS).expect("they pair");
        assert_eq!(comparison.paired_seeds.len(), 10);
        compare_runs(&data);
    }
}
