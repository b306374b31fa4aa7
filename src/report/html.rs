//! `report.html`: a self-contained page (no external assets) a researcher
//! keeps. Its Expectations section states each `[expect]` bound, what the
//! seeds gave and whether it held. Its charts are chosen by the kind of
//! study: a scenario with attackers (attacker rows) gets per-seed strip
//! charts of the attack metrics and, from every attacker of every seed,
//! the CDFs of requests accepted after eviction and of time to eviction
//! and the attackers holding access over time (`attack_charts`); one
//! without gets strip charts of what sync costs and how fast it is. A
//! metric 0 on every seed is named in a note instead of charted. Each
//! chart is an inline SVG whose axes fit their labels and span the data
//! (`chart_axis`), and under it a plain table naming every seed. Then the
//! summary table of every metric, and the layout self-check, the page's
//! only script (`layout_check`).

use crate::scenario::{MetricId, MetricKind, MetricValue};

use super::aggregate::{MetricSummary, Row};
use super::attack_charts::attack_figures;
use super::files::{Batch, ExpectationOutcome};
use super::layout_check::LAYOUT_CHECK;
use super::strip_chart::{mean, strip_chart};
use super::text::{format_number, seeds_sentence};

/// The style of `report.html` and `sweep.html`.
pub const PAGE_STYLE: &str = "<style>body{font-family:sans-serif;margin:2em;max-width:72em;line-height:1.4}\
h2{margin-top:1.6em;font-size:1.25em}table{border-collapse:collapse;margin:0.5em 0 1em}\
td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:first-child,th:first-child{text-align:left}\
svg{display:block;margin:1em 0;max-width:100%;height:auto}.caption{color:#444;max-width:60em}\
.note{color:#555;font-style:italic}.pass{background:#e6f4ea;color:#0d5323}\
.fail{background:#fce8e6;color:#a50e0e;font-weight:bold}</style>\n";

/// Tables longer than this fold into a `<details>` (open on a click).
const FOLDED_ROWS: usize = 40;

/// The metrics of a sync study, charted per seed.
pub const SYNC_CHARTED: &[MetricId] = &[
    MetricId::SyncBytesUp,
    MetricId::SyncBytesDown,
    MetricId::SyncOverheadRatio,
    MetricId::PushLatencyP50Ms,
    MetricId::PushLatencyP99Ms,
    MetricId::CatchUpP50Ms,
    MetricId::CatchUpP99Ms,
    MetricId::DifferenceCalls,
    MetricId::GapsDetected,
    MetricId::UpdatesLost,
    MetricId::UpdatesDuplicated,
];

/// The metrics of an attack study, charted per seed.
pub const ATTACK_CHARTED: &[MetricId] = &[
    MetricId::LogoutBypasses,
    MetricId::MaxBypassWindowMs,
    MetricId::OracleViolations,
    MetricId::SurvivingFootholds,
    MetricId::AccountsCompromisedAtEnd,
    MetricId::FootholdsMinted,
    MetricId::UpdatesExfiltratedAfterRevocation,
    MetricId::EvictionP50Ms,
    MetricId::DetectionRecall,
];

/// What a scenario studies, as its rows show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Study {
    /// Some seed has attacker rows: the scenario has attackers.
    Attack,
    Sync,
}

impl Study {
    pub fn of(rows: &[Row]) -> Study {
        match rows.iter().any(|row| !row.attackers.is_empty()) {
            true => Study::Attack,
            false => Study::Sync,
        }
    }
}

/// A chart with its title, caption and table.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub table: String,
}

/// Escape text for HTML and SVG.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A plain table of text cells (escaped here), folded when long.
pub fn plain_table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let count = rows.len();
    let table = table_markup(headers, rows);
    match count > FOLDED_ROWS {
        true => format!("<details><summary>The table ({count} rows)</summary>\n{table}</details>\n"),
        false => table,
    }
}

/// A table of text cells, escaped here.
fn table_markup(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut table = String::from("<table>\n<tr>");
    for header in headers {
        table.push_str(&format!("<th>{}</th>", escape(header)));
    }
    table.push_str("</tr>\n");
    for row in rows {
        table.push_str("<tr>");
        for cell in row {
            table.push_str(&format!("<td>{}</td>", escape(&cell)));
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</table>\n");
    table
}

fn section(figure: &Figure) -> String {
    format!(
        "<section>\n<h2>{}</h2>\n<p class=\"caption\">{}</p>\n{}{}</section>\n",
        escape(&figure.title),
        escape(&figure.caption),
        figure.svg,
        figure.table
    )
}

/// Strip charts of `metrics`, and the names of those 0 (or absent) on every seed.
fn metric_figures(metrics: &[MetricId], rows: &[Row]) -> (Vec<Figure>, Vec<&'static str>) {
    let mut figures = Vec::new();
    let mut zero = Vec::new();
    for &metric in metrics {
        let spec = metric.spec();
        let points: Vec<(u64, f64)> = rows
            .iter()
            .map(|row| (row.seed, row.values.number(metric)))
            .filter(|(_, value)| value.is_finite())
            .collect();
        if points.iter().all(|(_, value)| *value == 0.0) {
            zero.push(spec.name);
            continue;
        }
        let values = || points.iter().map(|(_, value)| *value);
        let caption = format!(
            "Per seed: {} ({}). Mean {} (dashed), min {}, max {}, over {} seeds.",
            spec.meaning,
            spec.unit,
            format_number(mean(values())),
            format_number(values().fold(f64::INFINITY, f64::min)),
            format_number(values().fold(f64::NEG_INFINITY, f64::max)),
            points.len()
        );
        let table = points
            .iter()
            .map(|(seed, value)| vec![seed.to_string(), format_number(*value)])
            .collect();
        let value_header = format!("{} ({})", spec.name, spec.unit);
        figures.push(Figure {
            title: spec.name.to_string(),
            caption,
            svg: strip_chart(&format!("{} per seed", spec.name), spec.unit, &points),
            table: plain_table(&["seed", &value_header], table),
        });
    }
    (figures, zero)
}

/// What the seeds gave for `metric`: the value, its range, or for a
/// boolean on how many seeds it held.
fn observed(metric: MetricId, rows: &[Row]) -> String {
    if metric.spec().kind == MetricKind::Bool {
        let held = rows
            .iter()
            .filter(|row| row.values.get(metric) == MetricValue::Bool(true))
            .count();
        return format!("true on {held} of {} seeds", rows.len());
    }
    let values: Vec<f64> = rows
        .iter()
        .map(|row| row.values.number(metric))
        .filter(|value| value.is_finite())
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let seeds = match rows.len() - values.len() {
        0 => "every seed".to_string(),
        missing => format!("the {} seeds with a value ({missing} without)", values.len()),
    };
    match (values.is_empty(), low == high) {
        (true, _) => "no value on any seed".to_string(),
        (false, true) => format!("{} on {seeds}", format_number(low)),
        (false, false) => format!("{} … {} over {seeds}", format_number(low), format_number(high)),
    }
}

/// The Expectations section: each bound, what the seeds gave, pass or fail.
fn expectations_section(rows: &[Row], expectations: &[ExpectationOutcome]) -> String {
    let mut out = String::from("<section>\n<h2>Expectations</h2>\n");
    if expectations.is_empty() {
        out.push_str("<p class=\"note\">The scenario states no [expect] bound.</p>\n</section>\n");
        return out;
    }
    let failed = expectations.iter().filter(|outcome| outcome.failure.is_some()).count();
    out.push_str(&format!(
        "<p>{} of {} bounds of the scenario's [expect] section hold on every seed.</p>\n",
        expectations.len() - failed,
        expectations.len()
    ));
    out.push_str("<table>\n<tr><th>metric</th><th>bound</th><th>observed</th><th>result</th></tr>\n");
    for outcome in expectations {
        let metric = outcome.expectation.metric;
        let (class, result) = match &outcome.failure {
            None => ("pass", "pass".to_string()),
            Some((seed, failure)) => ("fail", format!("FAIL: seed {seed} gave {}", failure.actual)),
        };
        out.push_str(&format!(
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(metric.name()),
            escape(&outcome.expectation.bound.to_string()),
            escape(&observed(metric, rows)),
            escape(&result)
        ));
    }
    out.push_str("</table>\n</section>\n");
    out
}

fn summary_table(summaries: &[MetricSummary]) -> String {
    let rows = summaries
        .iter()
        .filter(|summary| summary.metric.id != MetricId::Seed)
        .map(|summary| {
            let mut cells = vec![summary.metric.name.to_string(), summary.metric.unit.to_string()];
            match summary.stats {
                Some(stats) => {
                    cells.extend([stats.mean, stats.p50, stats.p95, stats.p99, stats.min, stats.max].map(format_number))
                }
                None => cells.extend(std::iter::repeat_n(String::new(), 6)),
            }
            cells
        })
        .collect();
    let headers = ["metric", "unit", "mean", "p50", "p95", "p99", "min", "max"];
    format!(
        "<section>\n<h2>Every metric over the seeds</h2>\n{}</section>\n",
        table_markup(&headers, rows)
    )
}

/// The whole page.
pub fn report_html(batch: &Batch<'_>) -> String {
    let rows = batch.rows;
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n{PAGE_STYLE}\
         </head>\n<body>\n<h1>{0}</h1>\n<p>{1}</p>\n<p>{2}</p>\n",
        escape(batch.name),
        escape(batch.description),
        seeds_sentence(rows),
    );
    let study = Study::of(rows);
    page.push_str(match study {
        Study::Attack => {
            "<p>An attack study (the scenario has attackers): the attack metrics per seed, then \
             what attackers.csv says of every attacker of every seed.</p>\n"
        }
        Study::Sync => "<p>A sync study (no attacker): what sync costs and how fast it is, per seed.</p>\n",
    });
    page.push_str(&expectations_section(rows, batch.expectations));
    let (mut figures, zero) = metric_figures(
        match study {
            Study::Attack => ATTACK_CHARTED,
            Study::Sync => SYNC_CHARTED,
        },
        rows,
    );
    let mut notes = Vec::new();
    if !zero.is_empty() {
        notes.push(format!("Not charted, 0 on every seed: {}.", zero.join(", ")));
    }
    if study == Study::Attack {
        let (attack, attack_notes) = attack_figures(rows);
        figures.extend(attack);
        notes.extend(attack_notes);
    }
    for figure in &figures {
        page.push_str(&section(figure));
    }
    for note in notes {
        page.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&note)));
    }
    page.push_str(&summary_table(batch.summaries));
    page.push_str(LAYOUT_CHECK);
    page.push_str("</body>\n</html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_page_without_rows_has_no_nan() {
        let page = report_html(&Batch {
            name: "n<ame",
            description: "d",
            rows: &[],
            summaries: &super::super::aggregate(&[]),
            expectations: &[],
        });
        assert!(page.contains("n&lt;ame"));
        assert!(page.contains("<p>No seeds.</p>"));
        assert!(!page.contains("NaN"));
    }

    #[test]
    fn observed_values_name_their_range_and_the_seeds_without_one() {
        let row = |seed: u64, value: f64| Row {
            seed,
            values: crate::scenario::MetricRow::from_fn(|id| match id {
                MetricId::SyncConverged => MetricValue::Bool(seed != 1),
                _ => MetricValue::Number(value),
            }),
            params: crate::scenario::Draws::default(),
            attackers: Vec::new(),
            violations: Vec::new(),
        };
        let rows = [row(0, 1.5), row(1, f64::NAN), row(2, 2.0)];
        assert_eq!(
            observed(MetricId::Resends, &rows),
            "1.5 … 2 over the 2 seeds with a value (1 without)"
        );
        assert_eq!(observed(MetricId::Resends, &rows[..1]), "1.5 on every seed");
        assert_eq!(observed(MetricId::Resends, &rows[1..2]), "no value on any seed");
        assert_eq!(observed(MetricId::SyncConverged, &rows), "true on 2 of 3 seeds");
    }

    #[test]
    fn long_tables_fold() {
        let rows = (0..41).map(|seed| vec![seed.to_string()]).collect();
        assert!(plain_table(&["seed"], rows).starts_with("<details><summary>The table (41 rows)</summary>"));
        let rows = (0..40).map(|seed| vec![seed.to_string()]).collect();
        assert!(plain_table(&["seed"], rows).starts_with("<table>"));
    }
}
