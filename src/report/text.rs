//! Text renderers: `runs.csv`, `summary.csv` and `summary.md`.

use crate::scenario::{DrawnValue, MetricId, MetricValue, METRICS};

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

/// A per-seed draw's cell: a number in the one format (durations in
/// milliseconds), `true`/`false`, or a revocation policy as in the file.
pub fn draw_cell(value: &DrawnValue) -> String {
    value.number().map_or_else(|| value.text(), format_number)
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

/// `runs.csv`: one row per seed, a column per metric in [`METRICS`] order,
/// and after `seed` a `param.` column per per-seed draw (every seed of a
/// scenario draws the same settings; the first row names the columns).
pub fn runs_csv(rows: &[Row]) -> String {
    let params: Vec<String> = rows
        .first()
        .map(|row| row.params.iter().map(|draw| draw.column()).collect())
        .unwrap_or_default();
    let mut header: Vec<String> = vec![MetricId::Seed.name().to_string()];
    header.extend(params);
    header.extend(METRICS.iter().skip(1).map(|metric| metric.name.to_string()));
    let mut records = vec![header];
    for row in rows {
        let mut values = row.values.iter().map(|(_, value)| format_value(value));
        let mut record: Vec<String> = values.next().into_iter().collect();
        record.extend(row.params.iter().map(|draw| draw_cell(&draw.value)));
        record.extend(values);
        records.push(record);
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
    if let Some(first) = rows.first().filter(|row| !row.params.is_empty()) {
        let paths: Vec<String> = first.params.iter().map(|draw| format!("`{}`", draw.path)).collect();
        text.push_str(&format!(
            "Drawn per seed (the `param.` columns of runs.csv): {}.\n\n",
            paths.join(", ")
        ));
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

    #[test]
    fn param_columns_sit_between_seed_and_the_metrics() {
        use crate::scenario::{Draws, MetricRow};
        let row = |seed: u64, loss: f64, at_micros: u64| {
            let mut params = Draws::default();
            params.push("network.loss", DrawnValue::Number(loss));
            params.push(
                "fault.0.at",
                DrawnValue::Duration(std::time::Duration::from_micros(at_micros)),
            );
            Row {
                seed,
                values: MetricRow::from_fn(|id| match id {
                    MetricId::Seed => MetricValue::Number(seed as f64),
                    _ => MetricValue::Number(1.0),
                }),
                params,
            }
        };
        let text = runs_csv(&[row(4, 0.125, 1_500), row(5, 1.0 / 3.0, 86_400_000_000)]);
        let lines: Vec<&str> = text.lines().collect();
        let metrics: Vec<&str> = METRICS[1..].iter().map(|metric| metric.name).collect();
        assert_eq!(
            lines[0],
            format!("seed,param.network.loss,param.fault.0.at_ms,{}", metrics.join(","))
        );
        let ones = vec!["1"; metrics.len()].join(",");
        assert_eq!(lines[1], format!("4,0.125,1.5,{ones}"));
        assert_eq!(lines[2], format!("5,0.333333,86400000,{ones}"));
        assert_eq!(lines.len(), 3);
        assert_eq!(
            MetricId::ALL[0],
            MetricId::Seed,
            "runs.csv puts the params after the first column"
        );
    }
}
