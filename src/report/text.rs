//! Text renderers: `runs.csv`, `attackers.csv`, `summary.csv` and `summary.md`.

use crate::scenario::{DrawnValue, Draws, MetricId, MetricValue, METRICS};

use super::aggregate::{MetricSummary, Row};
use super::attacker_row::ATTACKERS_CSV_HEADER;
use super::files::Batch;

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

/// How `runs.csv` writes metric values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbers {
    /// The one number format every report uses ([`format_number`]).
    Rounded,
    /// Rust's shortest form that reads back to the same `f64` (`NaN`,
    /// `inf` for values that are not finite): a shard's `runs.csv`, so that
    /// `merge` aggregates the very values a plain run would.
    Exact,
}

/// A metric value's cell in `numbers`' format; booleans are `true`/`false`.
pub fn format_value(value: MetricValue, numbers: Numbers) -> String {
    match (value, numbers) {
        (MetricValue::Number(number), Numbers::Rounded) => format_number(number),
        (MetricValue::Number(number), Numbers::Exact) => number.to_string(),
        (MetricValue::Bool(flag), _) => flag.to_string(),
    }
}

pub(crate) fn csv_text(records: Vec<Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in records {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&record);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The header of `runs.csv` for rows whose draws are `params`.
pub fn runs_csv_header(params: &Draws) -> Vec<String> {
    let mut header: Vec<String> = vec![MetricId::Seed.name().to_string()];
    header.extend(params.iter().map(|draw| draw.column()));
    header.extend(METRICS.iter().skip(1).map(|metric| metric.name.to_string()));
    header
}

/// `runs.csv`: one row per seed, a column per metric in [`METRICS`] order,
/// and after `seed` a `param.` column per per-seed draw (every seed of a
/// scenario draws the same settings; the first row names the columns).
pub fn runs_csv(rows: &[Row]) -> String {
    runs_csv_with(rows, Numbers::Rounded)
}

/// [`runs_csv`] with metric values in `numbers`' format.
pub fn runs_csv_with(rows: &[Row], numbers: Numbers) -> String {
    let header = runs_csv_header(&rows.first().map(|row| row.params.clone()).unwrap_or_default());
    let mut records = vec![header];
    for row in rows {
        let mut values = row.values.iter().map(|(_, value)| format_value(value, numbers));
        let mut record: Vec<String> = values.next().into_iter().collect();
        record.extend(row.params.iter().map(|draw| draw_cell(&draw.value)));
        record.extend(values);
        records.push(record);
    }
    csv_text(records)
}

/// `attackers.csv`: one row per (seed, attacker, target account), seeds in
/// order, then each seed's attackers in `[[attacker]]` order and target
/// accounts in account order; an empty cell where there is no value.
pub fn attackers_csv(rows: &[Row]) -> String {
    let mut records = vec![ATTACKERS_CSV_HEADER.iter().map(|cell| cell.to_string()).collect()];
    for row in rows {
        for attacker in &row.attackers {
            let mut record = vec![row.seed.to_string()];
            record.extend(attacker.cells());
            records.push(record);
        }
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

/// "4 seeds (0..=3)." or "No seeds." (`rows` sorted by seed).
pub fn seeds_sentence(rows: &[Row]) -> String {
    match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => format!("{} seeds ({}..={}).", rows.len(), first.seed, last.seed),
        _ => "No seeds.".to_string(),
    }
}

/// `summary.md`: the scenario, the seeds, the summary table, expectations.
pub fn summary_markdown(batch: &Batch<'_>) -> String {
    let Batch {
        name,
        description,
        rows,
        summaries,
        expectations,
    } = *batch;
    let mut text = format!("# {name}\n\n");
    if !description.is_empty() {
        text.push_str(&format!("{description}\n\n"));
    }
    text.push_str(&format!("{}\n\n", seeds_sentence(rows)));
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
    fn attackers_csv_has_a_row_per_seed_and_attacker_with_empty_cells_for_none() {
        use crate::scenario::{Draws, MetricRow};
        use crate::world::AttackerOutcome;
        use sessionlab_proto::id::UserId;
        use std::time::Duration;
        let evicted = AttackerOutcome {
            attacker: "thief".into(),
            account: UserId(1000),
            acquisition: "session_file",
            acquired_at: Some(Duration::from_secs(3600)),
            first_accepted_at: Some(Duration::from_micros(3_600_040_250)),
            last_accepted_at: Some(Duration::from_secs(7000)),
            evicted_at: Some(Duration::from_secs(7200)),
            evicted_by: Some("terminate_all_others"),
            updates_exfiltrated: 12,
            footholds_minted: 0,
            footholds_surviving: 0,
        };
        let not_started = AttackerOutcome {
            account: UserId(1001),
            acquired_at: None,
            first_accepted_at: None,
            last_accepted_at: None,
            evicted_at: None,
            evicted_by: None,
            updates_exfiltrated: 0,
            ..evicted.clone()
        };
        let row = Row {
            seed: 3,
            values: MetricRow::from_fn(|_| MetricValue::Number(0.0)),
            params: Draws::default(),
            attackers: vec![(&evicted).into(), (&not_started).into()],
            violations: Vec::new(),
        };
        assert_eq!(
            attackers_csv(&[row]),
            "seed,attacker,account,acquisition,acquired_at_ms,first_accepted_ms,last_accepted_ms,\
             evicted_at_ms,evicted_by,updates_exfiltrated,footholds_minted,footholds_surviving\n\
             3,thief,1000,session_file,3600000,3600040.25,7000000,7200000,terminate_all_others,12,0,0\n\
             3,thief,1001,session_file,,,,,,0,0,0\n"
        );
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
                attackers: Vec::new(),
                violations: Vec::new(),
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
