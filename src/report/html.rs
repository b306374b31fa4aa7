//! `report.html`: a self-contained page (no scripts, no external assets)
//! with the summary table and an inline SVG strip chart per main metric,
//! one dot per seed.

use super::aggregate::{MetricSummary, Row};
use super::text::format_number;

/// The metrics charted across seeds.
pub const CHARTED: &[&str] = &[
    "logout_bypasses",
    "max_bypass_window_ms",
    "surviving_footholds",
    "sync_overhead_ratio",
    "convergence_p99_ms",
    "difference_calls",
];

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 120.0;
const MARGIN: f64 = 24.0;

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

fn chart(metric: &str, rows: &[Row]) -> String {
    let points: Vec<(u64, f64)> = rows
        .iter()
        .filter_map(|row| row.number(metric).filter(|v| v.is_finite()).map(|v| (row.seed, v)))
        .collect();
    let max = points.iter().map(|(_, value)| *value).fold(0.0, f64::max);
    let scale = if max > 0.0 { (HEIGHT - 2.0 * MARGIN) / max } else { 0.0 };
    let step = if points.len() > 1 {
        (WIDTH - 2.0 * MARGIN) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-label=\"{0} per seed\">\
         <title>{0} per seed</title>\
         <line x1=\"{MARGIN}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#888\"/>",
        escape(metric),
        HEIGHT - MARGIN,
        WIDTH - MARGIN
    );
    for (index, (seed, value)) in points.iter().enumerate() {
        let x = MARGIN + step * index as f64;
        let y = HEIGHT - MARGIN - value * scale;
        svg.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#36c\"><title>seed {seed}: {}</title></circle>",
            format_number(*value)
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{MARGIN}\" y=\"14\" font-size=\"12\">{} (max {})</text></svg>",
        escape(metric),
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
        page.push_str(&format!("<figure>{}</figure>", chart(metric, rows)));
    }
    page.push_str("<table><tr><th>metric</th><th>unit</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>min</th><th>max</th></tr>");
    for summary in summaries.iter().filter(|summary| summary.metric.name != "seed") {
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

    #[test]
    fn escaping_covers_markup_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_page_without_rows_has_no_nan() {
        let page = report_html("n<ame", "d", &[], &super::super::aggregate(&[]));
        assert!(page.contains("n&lt;ame"));
        assert!(!page.contains("NaN"));
    }
}
