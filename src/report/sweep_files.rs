//! A sweep's files: `sweep.csv` (tidy: one row per variant and seed, a
//! column per swept setting, then every metric and the other per-seed
//! draws), `sweep.md` (per charted metric, the mean and 95 % interval of
//! each variant) and `sweep.html` (each charted metric against each swept
//! setting, one line per combination of the other settings, in the style
//! of `report.html` and with its layout self-check).

use std::path::Path;

use crate::scenario::{Metric, MetricId, METRICS};

use super::aggregate::Row;
use super::files::{ExpectationOutcome, ReportError};
use super::html::{escape, PAGE_STYLE};
use super::interval::{mean_interval, MeanInterval};
use super::layout_check::LAYOUT_CHECK;
use super::sweep_chart::{line_chart, Series};
use super::text::{csv_text, draw_cell, format_number, format_value, Numbers};

/// The files of a sweep.
pub const SWEEP_FILES: [&str; 3] = ["sweep.csv", "sweep.md", "sweep.html"];

/// One variant of a sweep and its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct VariantRows {
    /// Each swept setting's value, as a cell, in `--set` order.
    pub values: Vec<String>,
    /// Its rows, sorted by seed.
    pub rows: Vec<Row>,
    /// Its `[expect]` bounds judged over its rows.
    pub expectations: Vec<ExpectationOutcome>,
}

/// What a sweep writes about.
pub struct Sweep<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// The swept settings' paths, in `--set` order.
    pub paths: &'a [String],
    pub variants: &'a [VariantRows],
    /// The metrics charted and tabled.
    pub charted: &'a [MetricId],
}

/// Writes `sweep.csv`, `sweep.md` and `sweep.html` into `dir`.
pub fn write_sweep(dir: &Path, sweep: &Sweep<'_>) -> Result<(), ReportError> {
    let error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError { path, source }
    };
    std::fs::create_dir_all(dir).map_err(error(dir))?;
    let texts = [sweep_csv(sweep), sweep_markdown(sweep), sweep_html(sweep)];
    for (file, text) in SWEEP_FILES.iter().zip(texts) {
        let path = dir.join(file);
        std::fs::write(&path, text).map_err(error(&path))?;
    }
    Ok(())
}

/// `sweep.csv`: the swept settings (by path), `seed`, the other per-seed
/// draws (`param.` columns), then every metric, as `runs.csv` writes them.
pub fn sweep_csv(sweep: &Sweep<'_>) -> String {
    let first = sweep.variants.iter().flat_map(|variant| variant.rows.first()).next();
    let other_draws: Vec<String> = first
        .map(|row| {
            row.params
                .iter()
                .filter(|draw| !sweep.paths.contains(&draw.path))
                .map(|draw| draw.column())
                .collect()
        })
        .unwrap_or_default();
    let mut header: Vec<String> = sweep.paths.to_vec();
    header.push(MetricId::Seed.name().to_string());
    header.extend(other_draws);
    header.extend(METRICS.iter().skip(1).map(|metric| metric.name.to_string()));
    let mut records = vec![header];
    for variant in sweep.variants {
        for row in &variant.rows {
            let mut record = variant.values.clone();
            let mut values = row
                .values
                .iter()
                .map(|(_, value)| format_value(value, Numbers::Rounded));
            record.extend(values.next());
            record.extend(
                row.params
                    .iter()
                    .filter(|draw| !sweep.paths.contains(&draw.path))
                    .map(|draw| draw_cell(&draw.value)),
            );
            record.extend(values);
            records.push(record);
        }
    }
    csv_text(records)
}

fn interval_of(variant: &VariantRows, metric: MetricId) -> Option<MeanInterval> {
    let values: Vec<f64> = variant.rows.iter().map(|row| row.values.number(metric)).collect();
    mean_interval(&values)
}

fn metric_of(id: MetricId) -> &'static Metric {
    &METRICS[id as usize]
}

/// `sweep.md`: per charted metric, a table of the variants' means and 95 %
/// intervals; then the `[expect]` bounds each variant failed.
pub fn sweep_markdown(sweep: &Sweep<'_>) -> String {
    let mut out = format!("# {} (sweep)\n\n{}\n\n", sweep.name, sweep.description);
    let seeds: usize = sweep.variants.iter().map(|variant| variant.rows.len()).sum();
    out.push_str(&format!(
        "{} variants of {}, {seeds} runs. Each cell: mean [95 % interval] over the variant's seeds (Student's t).\n",
        sweep.variants.len(),
        sweep.paths.join(" × ")
    ));
    for &metric in sweep.charted {
        let metric = metric_of(metric);
        out.push_str(&format!("\n## {} ({})\n\n", metric.name, metric.unit));
        out.push_str(&format!(
            "| {} | seeds | mean | 95 % low | 95 % high |\n",
            sweep.paths.join(" | ")
        ));
        out.push_str(&format!("|{}---|---|---|---|\n", "---|".repeat(sweep.paths.len())));
        for variant in sweep.variants {
            let cells = match interval_of(variant, metric.id) {
                Some(interval) => format!(
                    "{} | {} | {} | {}",
                    interval.count,
                    format_number(interval.mean),
                    format_number(interval.low),
                    format_number(interval.high)
                ),
                None => "0 | | | ".to_string(),
            };
            out.push_str(&format!("| {} | {cells} |\n", variant.values.join(" | ")));
        }
    }
    out.push_str("\n## Expectations\n\n");
    for variant in sweep.variants {
        let failed: Vec<String> = variant
            .expectations
            .iter()
            .filter_map(|outcome| {
                let (seed, failure) = outcome.failure.as_ref()?;
                Some(format!("seed {seed}: {failure}"))
            })
            .collect();
        let label = label(sweep.paths, &variant.values);
        match failed.is_empty() {
            true => out.push_str(&format!("- {label}: every bound holds\n")),
            false => out.push_str(&format!("- {label}: {}\n", failed.join("; "))),
        }
    }
    out
}

fn label(paths: &[String], values: &[String]) -> String {
    paths
        .iter()
        .zip(values)
        .map(|(path, value)| format!("{path}={value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Series of `metric` against setting `axis`: one per combination of the
/// other settings' values, each point a value of `axis` in `--set` order.
fn series_against(sweep: &Sweep<'_>, axis: usize, metric: MetricId) -> (Vec<String>, Vec<Series>) {
    let mut x_labels: Vec<String> = Vec::new();
    for variant in sweep.variants {
        if !x_labels.contains(&variant.values[axis]) {
            x_labels.push(variant.values[axis].clone());
        }
    }
    let mut series: Vec<Series> = Vec::new();
    for variant in sweep.variants {
        let others: Vec<String> = (0..sweep.paths.len())
            .filter(|index| *index != axis)
            .map(|index| format!("{}={}", sweep.paths[index], variant.values[index]))
            .collect();
        let name = others.join(" ");
        let position = x_labels.iter().position(|x| *x == variant.values[axis]).unwrap_or(0);
        let point = interval_of(variant, metric).map(|interval| (position, interval));
        match series.iter_mut().find(|existing| existing.name == name) {
            Some(existing) => existing.points.extend(point),
            None => series.push(Series {
                name,
                points: point.into_iter().collect(),
            }),
        }
    }
    (x_labels, series)
}

/// `sweep.html`: a chart and a plain table per (charted metric, swept setting).
pub fn sweep_html(sweep: &Sweep<'_>) -> String {
    let mut body = String::new();
    for &metric in sweep.charted {
        let metric = metric_of(metric);
        for (axis, path) in sweep.paths.iter().enumerate() {
            let (x_labels, series) = series_against(sweep, axis, metric.id);
            let title = format!("{} ({}) against {path}", metric.name, metric.unit);
            body.push_str(&format!("<section>\n<h2>{}</h2>\n", escape(&title)));
            body.push_str(&line_chart(&title, path, metric.unit, &x_labels, &series));
            body.push_str(&series_table(path, &x_labels, &series));
            body.push_str("</section>\n");
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{name} sweep</title>\n\
         {PAGE_STYLE}</head>\n<body>\n<h1>{name} (sweep)</h1>\n<p>{description}</p>\n<p>Each point: the mean over the \
         variant's seeds, with its 95 % interval (Student's t) as a bar.</p>\n{body}{LAYOUT_CHECK}</body>\n</html>\n",
        name = escape(sweep.name),
        description = escape(sweep.description),
    )
}

fn series_table(path: &str, x_labels: &[String], series: &[Series]) -> String {
    let mut out = format!(
        "<table>\n<tr><th>series</th><th>{}</th><th>seeds</th><th>mean</th><th>95 % interval</th></tr>\n",
        escape(path)
    );
    for one in series {
        for (position, interval) in &one.points {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} … {}</td></tr>\n",
                escape(&one.name),
                escape(x_labels.get(*position).map_or("", String::as_str)),
                interval.count,
                format_number(interval.mean),
                format_number(interval.low),
                format_number(interval.high)
            ));
        }
    }
    out.push_str("</table>\n");
    out
}
