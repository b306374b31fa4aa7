//! `sessionlab list-metrics`: the metrics a run reports (the CSV columns and
//! the keys `[expect]` accepts), as an aligned table or as CSV for scripts.
//!
//! The list itself is [`crate::scenario::METRICS`]; this file only prints it.

use std::io::Write;

use crate::scenario::{Metric, MetricKind, METRICS};

use super::exit::Exit;
use super::table::aligned_table;

/// How `list-metrics` prints the list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricsFormat {
    /// An aligned table for people: name, unit, meaning.
    #[default]
    Table,
    /// CSV with the header `name,unit,kind,meaning`.
    Csv,
}

/// The CSV header, in column order.
pub const CSV_HEADER: [&str; 4] = ["name", "unit", "kind", "meaning"];

/// Prints every metric in `format` to `out`.
pub fn list_metrics(format: MetricsFormat, out: &mut dyn Write) -> anyhow::Result<Exit> {
    match format {
        MetricsFormat::Table => out.write_all(metrics_table(METRICS).as_bytes())?,
        MetricsFormat::Csv => write_metrics_csv(METRICS, out)?,
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// `metrics` as an aligned table with a header line.
pub fn metrics_table(metrics: &[Metric]) -> String {
    let header = vec!["name", "unit", "meaning"];
    let rows: Vec<Vec<&str>> = std::iter::once(header)
        .chain(
            metrics
                .iter()
                .map(|metric| vec![metric.name, metric.unit, metric.meaning]),
        )
        .collect();
    aligned_table(&rows)
}

/// `metrics` as CSV: [`CSV_HEADER`], then one record per metric.
pub fn write_metrics_csv(metrics: &[Metric], out: &mut dyn Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADER)?;
    for metric in metrics {
        writer.write_record([metric.name, metric.unit, kind_name(metric.kind), metric.meaning])?;
    }
    writer.flush()?;
    Ok(())
}

/// The `kind` column's word for `kind`.
pub fn kind_name(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Number => "number",
        MetricKind::Bool => "bool",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(format: MetricsFormat) -> String {
        let mut out = Vec::new();
        assert_eq!(list_metrics(format, &mut out).ok(), Some(Exit::Ok));
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn the_table_has_a_header_and_one_aligned_line_per_metric() {
        let table = printed(MetricsFormat::Table);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), METRICS.len() + 1);
        let meaning_column = lines[0].find("meaning").expect("header names the meaning");
        assert!(lines[0].starts_with("name"));
        for (line, metric) in lines[1..].iter().zip(METRICS) {
            assert!(line.starts_with(&format!("{} ", metric.name)), "{line}");
            assert_eq!(line.get(meaning_column..), Some(metric.meaning), "{line}");
            assert!(line.contains(&format!(" {} ", metric.unit)), "{line}");
        }
    }

    #[test]
    fn a_known_line_reads_exactly() {
        let table = printed(MetricsFormat::Table);
        let seed_line = table.lines().nth(1).expect("a first metric");
        let width = METRICS
            .iter()
            .map(|metric| metric.name.len())
            .max()
            .expect("metrics exist");
        assert_eq!(
            seed_line,
            format!("{:width$}  id     the seed of this run", "seed"),
            "units are at most 5 characters wide (`count`, `bytes`, `ratio`)"
        );
    }

    #[test]
    fn csv_reads_back_as_the_metric_list() {
        let text = printed(MetricsFormat::Csv);
        assert!(text.starts_with("name,unit,kind,meaning\n"));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("valid CSV");
        assert_eq!(records.len(), METRICS.len());
        for (record, metric) in records.iter().zip(METRICS) {
            let expected = [metric.name, metric.unit, kind_name(metric.kind), metric.meaning];
            assert_eq!(record.iter().collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn kinds_have_their_words() {
        assert_eq!(kind_name(MetricKind::Number), "number");
        assert_eq!(kind_name(MetricKind::Bool), "bool");
    }
}
