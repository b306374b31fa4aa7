//! Text renderers: `runs.csv`, `summary.csv` and `summary.md`.

use crate::scenario::{MetricId, MetricValue, METRICS};

use super::aggregate::{MetricSummary, Row};
use super::files::ExpectationOutcome;

/// A number in the one format every output uses: integers without a
/// fraction, others with up to 6 decimals, trailing zeros dropped.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{value:.0}");
    }
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn format_value(value: MetricValue) -> String {
    match value {
        MetricValue::Number(number) => format_number(number),
        MetricValue::Bool(flag) => flag.to_string(),
    }
}

fn csv_text(records: Vec<Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&record);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// `runs.csv`: one row per seed, a column per metric in [`METRICS`] order.
pub fn runs_csv(rows: &[Row]) -> String {
    let mut records = vec![METRICS.iter().map(|metric| metric.name.to_string()).collect()];
    for row in rows {
        records.push(row.values.iter().map(|(_, value)| format_value(value)).collect());
    }
    csv_text(records)
}

fn stat_cells(summary: &MetricSummary) -> Vec<String> {
    match summary.stats {
        Some(stats) => [stats.mean, stats.p50, stats.p95, stats.p99, stats.min, stats.max]
            .iter()
            .map(|value| format_number(*value))
            .collect(),
        None => vec![String::new(); 6],
    }
}

/// `summary.csv`: `metric,unit,mean,p50,p95,p99,min,max`.
pub fn summary_csv(summaries: &[MetricSummary]) -> String {
    let header = ["metric", "unit", "mean", "p50", "p95", "p99", "min", "max"];
    let mut records = vec![header.iter().map(|cell| cell.to_string()).collect()];
    for summary in summaries.iter().filter(|summary| summary.metric.id != MetricId::Seed) {
        let mut record = vec![summary.metric.name.to_string(), summary.metric.unit.to_string()];
        record.extend(stat_cells(summary));
        records.push(record);
    }
    csv_text(records)
}

/// `summary.md`: the scenario, the seeds, the summary table, expectations.
pub fn summary_markdown(
    name: &str,
    description: &str,
    rows: &[Row],
    summaries: &[MetricSummary],
    expectations: &[ExpectationOutcome],
) -> String {
    let mut text = format!("# {name}\n\n");
    if !description.is_empty() {
        text.push_str(&format!("{description}\n\n"));
    }
    let seeds: Vec<u64> = rows.iter().map(|row| row.seed).collect();
    match (seeds.first(), seeds.last()) {
        (Some(first), Some(last)) => text.push_str(&format!("{} seeds ({first}..={last}).\n\n", seeds.len())),
        _ => text.push_str("No seeds.\n\n"),
    }
    text.push_str("| metric | unit | mean | p50 | p95 | p99 | min | max |\n|---|---|---|---|---|---|---|---|\n");
    for summary in summaries.iter().filter(|summary| summary.metric.id != MetricId::Seed) {
        let cells = stat_cells(summary);
        text.push_str(&format!(
            "| {} | {} | {} |\n",
            summary.metric.name,
            summary.metric.unit,
            cells.join(" | ")
        ));
    }
    if !expectations.is_empty() {
        text.push_str("\n## Expectations\n\n");
        for outcome in expectations {
            match &outcome.failure {
                None => text.push_str(&format!("- pass: {}\n", outcome.description)),
                Some((seed, failure)) => {
                    text.push_str(&format!("- FAIL: {} — seed {seed}: {failure}\n", outcome.description))
                }
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_format() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(format_number(1.0 / 3.0), "0.333333");
        assert_eq!(format_number(-2.25), "-2.25");
        assert_eq!(format_number(f64::NAN), "");
    }
}
