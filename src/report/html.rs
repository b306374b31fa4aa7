//! `report.html`: a self-contained page (no scripts, no external assets)
//! with the summary table and an inline SVG strip chart per main metric:
//! one dot per seed (hover for its value), the mean as a dashed line, the
//! axis labelled from 0 to the largest value.

use crate::scenario::MetricId;

use super::aggregate::{MetricSummary, Row};
use super::text::format_number;

/// The metrics charted across seeds.
pub const CHARTED: &[MetricId] = &[
    MetricId::LogoutBypasses,
    MetricId::MaxBypassWindowMs,
    MetricId::OracleViolations,
    MetricId::SurvivingFootholds,
    MetricId::UpdatesExfiltratedAfterRevocation,
    MetricId::SyncOverheadRatio,
    MetricId::PushLatencyP99Ms,
    MetricId::CatchUpP99Ms,
    MetricId::DifferenceCalls,
];

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 120.0;
const MARGIN: f64 = 24.0;
/// Room for the value labels left of the y axis.
const LEFT: f64 = 56.0;

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

fn chart(metric: MetricId, rows: &[Row]) -> String {
    let points: Vec<(u64, f64)> = rows
        .iter()
        .map(|row| (row.seed, row.values.number(metric)))
        .filter(|(_, value)| value.is_finite())
        .collect();
    let max = points.iter().map(|(_, value)| *value).fold(0.0, f64::max);
    let mean = if points.is_empty() {
        0.0
    } else {
        points.iter().map(|(_, value)| value).sum::<f64>() / points.len() as f64
    };
    let scale = if max > 0.0 { (HEIGHT - 2.0 * MARGIN) / max } else { 0.0 };
    let step = if points.len() > 1 {
        (WIDTH - 2.0 * LEFT - MARGIN) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let (left, right, bottom, top) = (LEFT, WIDTH - MARGIN, HEIGHT - MARGIN, MARGIN);
    let mean_y = bottom - mean * scale;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-label=\"{title} per seed\">\
         <title>{title} per seed</title>\
         <line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#888\"/>\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{bottom}\" stroke=\"#888\"/>\
         <text x=\"{label_x}\" y=\"{bottom}\" font-size=\"10\" text-anchor=\"end\">0</text>\
         <text x=\"{label_x}\" y=\"{top_label}\" font-size=\"10\" text-anchor=\"end\">{max_text}</text>\
         <line x1=\"{left}\" y1=\"{mean_y:.1}\" x2=\"{right}\" y2=\"{mean_y:.1}\" stroke=\"#c63\" stroke-dasharray=\"4 3\">\
         <title>mean {mean_text}</title></line>",
        title = escape(metric.name()),
        label_x = left - 4.0,
        top_label = top + 4.0,
        max_text = format_number(max),
        mean_text = format_number(mean),
    );
    for (index, (seed, value)) in points.iter().enumerate() {
        let x = LEFT + step * index as f64;
        let y = bottom - value * scale;
        svg.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#36c\"><title>seed {seed}: {}</title></circle>",
            format_number(*value)
        ));
    }
    if let (Some((first, _)), Some((last, _))) = (points.first(), points.last()) {
        let last_x = LEFT + step * (points.len() - 1) as f64;
        svg.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"{0}\" font-size=\"10\">seed {first}</text>\
             <text x=\"{last_x:.1}\" y=\"{0}\" font-size=\"10\" text-anchor=\"end\">seed {last}</text>",
            bottom + 14.0
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"14\" font-size=\"12\">{} — mean {} (dashed), max {}</text></svg>",
        escape(metric.name()),
        format_number(mean),
        format_number(max)
    ));
    svg
}

/// The whole page.
pub fn report_html(name: &str, description: &str, rows: &[Row], summaries: &[MetricSummary]) -> String {
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title>\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child{{text-align:left}}</style>\
         </head><body><h1>{0}</h1><p>{1}</p><p>{2} seeds.</p>",
        escape(name),
        escape(description),
        rows.len()
    );
    for metric in CHARTED {
        page.push_str(&format!("<figure>{}</figure>", chart(*metric, rows)));
    }
    page.push_str("<table><tr><th>metric</th><th>unit</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>min</th><th>max</th></tr>");
    for summary in summaries.iter().filter(|summary| summary.metric.id != MetricId::Seed) {
        page.push_str(&format!(
            "<tr><td>{}</td><td>{}</td>",
            escape(summary.metric.name),
            escape(summary.metric.unit)
        ));
        match summary.stats {
            Some(stats) => {
                for value in [stats.mean, stats.p50, stats.p95, stats.p99, stats.min, stats.max] {
                    page.push_str(&format!("<td>{}</td>", format_number(value)));
                }
            }
            None => page.push_str(&"<td></td>".repeat(6)),
        }
        page.push_str("</tr>");
    }
    page.push_str("</table></body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{MetricRow, MetricValue};

    #[test]
    fn escaping_covers_markup_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_chart_places_each_seed_and_labels_mean_and_max() {
        let rows: Vec<Row> = [(0, 2.0), (1, 4.0)]
            .into_iter()
            .map(|(seed, value)| Row {
                seed,
                values: MetricRow::from_fn(|id| {
                    MetricValue::Number(if id == MetricId::LogoutBypasses { value } else { 0.0 })
                }),
                params: crate::scenario::Draws::default(),
                attackers: Vec::new(),
                violations: Vec::new(),
            })
            .collect();
        let svg = chart(MetricId::LogoutBypasses, &rows);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<title>seed 0: 2</title>"));
        assert!(svg.contains("<title>seed 1: 4</title>"));
        assert!(svg.contains("mean 3 (dashed), max 4"));
        // The larger value sits at the top of the plot, the smaller halfway.
        assert!(svg.contains("cy=\"24.0\""));
        assert!(svg.contains("cy=\"60.0\""));
        assert!(svg.contains(">seed 0</text>") && svg.contains(">seed 1</text>"));
    }

    #[test]
    fn a_page_without_rows_has_no_nan() {
        let page = report_html("n<ame", "d", &[], &super::super::aggregate(&[]));
        assert!(page.contains("n&lt;ame"));
        assert!(!page.contains("NaN"));
    }
}
