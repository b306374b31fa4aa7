//! The files of `sessionlab compare`: `compare.csv` (one row per metric,
//! for scripts) and `compare.md` (the same for people, with the pairing,
//! the per-seed draws and the `--fail-if` verdicts).
//!
//! Both are pure functions of the [`Comparison`] and the names given, in
//! the one number format of every report ([`format_number`]); p-values,
//! which can be tiny, in their own ([`format_probability`]).

use super::compare::{Comparison, MetricComparison};
use super::text::{csv_text, format_number};

/// The columns of `compare.csv`, in order.
pub const COMPARE_CSV_HEADER: [&str; 12] = [
    "metric",
    "unit",
    "pairs",
    "mean_a",
    "mean_b",
    "mean_difference",
    "ci_low",
    "ci_high",
    "sign_test_p",
    "b_higher",
    "b_lower",
    "ties",
];
/// Seeds a text names at most before `…`.
const LISTED_SEEDS: usize = 10;

/// What the two sides are called: their scenario names and directories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sides {
    pub name_a: String,
    pub dir_a: String,
    pub name_b: String,
    pub dir_b: String,
}

/// A `--fail-if` bound judged: as written, the mean difference it saw,
/// and whether it was crossed.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundOutcome {
    pub bound: String,
    pub mean_difference: f64,
    pub crossed: bool,
}

/// A figure in the one number format; empty when there is none. A zero
/// is written `0`, whatever its sign.
pub fn format_figure(value: Option<f64>) -> String {
    value.map_or_else(String::new, |value| format_number(value + 0.0))
}

/// A p-value for a file: Rust's shortest form that reads back to the same
/// `f64`, in exponent notation (`1.9073486328125e-6`) below 0.0001.
pub fn format_probability(p: f64) -> String {
    if p >= 1e-4 || p == 0.0 || !p.is_finite() {
        format!("{p}")
    } else {
        format!("{p:e}")
    }
}

/// A p-value for people: three decimals, or three significant digits in
/// exponent notation below 0.001.
pub fn format_probability_short(p: f64) -> String {
    if p >= 1e-3 || !p.is_finite() {
        format!("{p:.3}")
    } else {
        format!("{p:.2e}")
    }
}

/// An interval as `[low, high]`, empty when there is none.
pub fn format_interval(metric: &MetricComparison) -> String {
    metric.interval.map_or_else(String::new, |interval| {
        format!(
            "[{}, {}]",
            format_figure(Some(interval.low)),
            format_figure(Some(interval.high))
        )
    })
}

/// The cells of a metric's row, in [`COMPARE_CSV_HEADER`] order.
fn cells(metric: &MetricComparison) -> Vec<String> {
    vec![
        metric.column.name.clone(),
        metric.column.unit.clone(),
        metric.pairs.to_string(),
        format_figure(metric.mean_a),
        format_figure(metric.mean_b),
        format_figure(metric.mean_difference),
        format_figure(metric.interval.map(|interval| interval.low)),
        format_figure(metric.interval.map(|interval| interval.high)),
        format_probability(metric.sign.p),
        metric.sign.higher.to_string(),
        metric.sign.lower.to_string(),
        metric.sign.ties.to_string(),
    ]
}

/// `compare.csv`: [`COMPARE_CSV_HEADER`], then one row per metric in the
/// order of runs.csv's columns.
pub fn compare_csv(comparison: &Comparison) -> String {
    let mut records = vec![COMPARE_CSV_HEADER.iter().map(|cell| cell.to_string()).collect()];
    records.extend(comparison.metrics.iter().map(cells));
    csv_text(records)
}

/// `text` safe in a Markdown table cell: one line, pipes escaped.
fn markdown_cell(text: &str) -> String {
    text.replace(['\r', '\n'], " ").replace('|', "\\|")
}

/// `text` as inline code: one line, backticks replaced.
fn code(text: &str) -> String {
    format!("`{}`", text.replace(['\r', '\n'], " ").replace('`', "'"))
}

/// "3 (0, 4, 7)", the list cut after [`LISTED_SEEDS`].
fn seed_list(seeds: &[u64]) -> String {
    if seeds.is_empty() {
        return "0".to_string();
    }
    let listed: Vec<String> = seeds.iter().take(LISTED_SEEDS).map(u64::to_string).collect();
    let more = if seeds.len() > LISTED_SEEDS { ", …" } else { "" };
    format!("{} ({}{more})", seeds.len(), listed.join(", "))
}

/// How the seeds paired, in one sentence.
pub fn pairing_sentence(comparison: &Comparison) -> String {
    let paired = &comparison.paired_seeds;
    let range = match (paired.first(), paired.last()) {
        (Some(first), Some(last)) if first != last => format!(" ({first}..={last})"),
        (Some(only), Some(_)) => format!(" ({only})"),
        _ => String::new(),
    };
    format!(
        "{} seeds paired{range}; only in A: {}; only in B: {}.",
        paired.len(),
        seed_list(&comparison.only_in_a),
        seed_list(&comparison.only_in_b)
    )
}

/// `compare.md`: the two sides, the pairing, the method, the table, the
/// per-seed draws and the verdicts of `bounds`.
pub fn compare_markdown(comparison: &Comparison, sides: &Sides, bounds: &[BoundOutcome]) -> String {
    let settings = comparison.settings;
    let mut text = format!(
        "# {} → {}\n\nA: {} in {}; B: {} in {}.\n\n{}\n\n",
        markdown_cell(&sides.name_a),
        markdown_cell(&sides.name_b),
        code(&sides.name_a),
        code(&sides.dir_a),
        code(&sides.name_b),
        code(&sides.dir_b),
        pairing_sentence(comparison)
    );
    text.push_str(&format!(
        "Per metric, over the paired seeds where both have a value: the means, the mean \
         difference B − A, its 95 % percentile bootstrap interval ({} resamples, seed {}) \
         and the two-sided exact sign test over the seeds where B and A differ (ties \
         dropped), with the count of seeds where B is higher, lower and equal.\n\n",
        settings.resamples, settings.seed
    ));
    text.push_str(
        "| metric | unit | pairs | mean A | mean B | B − A | 95 % interval | sign test p | B higher | B lower | ties |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for metric in &comparison.metrics {
        let row = [
            markdown_cell(&metric.column.name),
            markdown_cell(&metric.column.unit),
            metric.pairs.to_string(),
            format_figure(metric.mean_a),
            format_figure(metric.mean_b),
            format_figure(metric.mean_difference),
            format_interval(metric),
            format_probability_short(metric.sign.p),
            metric.sign.higher.to_string(),
            metric.sign.lower.to_string(),
            metric.sign.ties.to_string(),
        ];
        text.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    if !comparison.draws.is_empty() {
        text.push_str("\n## Drawn per seed\n\nThe `param.` columns, not compared:\n\n");
        for draw in &comparison.draws {
            let status = match (draw.in_a, draw.in_b, draw.equal_pairs) {
                (true, true, Some(equal)) => {
                    format!("equal on {equal} of {} paired seeds", comparison.paired_seeds.len())
                }
                (true, false, _) => "only in A".to_string(),
                _ => "only in B".to_string(),
            };
            text.push_str(&format!("- {}: {status}\n", code(&draw.name)));
        }
    }
    if !bounds.is_empty() {
        text.push_str("\n## Fail-if\n\n");
        for bound in bounds {
            let verdict = if bound.crossed { "FAIL" } else { "pass" };
            text.push_str(&format!(
                "- {verdict}: {} (mean difference {})\n",
                code(&bound.bound),
                format_figure(Some(bound.mean_difference))
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::compare::{compare_tables, BootstrapSettings};
    use crate::report::compare_runs::read_runs;

    fn comparison() -> Comparison {
        let read = |file: &str, text: &str| read_runs(text.as_bytes(), file).expect("valid");
        let a = read(
            "a",
            "seed,param.loss,resends,odd|name\n0,0.1,5,1\n1,0.2,5,1\n2,0.3,5,\n",
        );
        let b = read(
            "b",
            "seed,param.loss,resends,odd|name\n0,0.1,6,1\n1,0.3,6,1\n3,0.3,6,2\n",
        );
        compare_tables(&a, &b, BootstrapSettings::default()).expect("comparable")
    }

    #[test]
    fn probabilities_keep_their_digits() {
        assert_eq!(format_probability(1.0), "1");
        assert_eq!(format_probability(0.021484375), "0.021484375");
        assert_eq!(format_probability(0.0001), "0.0001");
        assert_eq!(format_probability(2f64.powi(-19)), "1.9073486328125e-6");
        assert_eq!(format_probability(crate::report::compare::SMALLEST_P), "5e-324");
        assert_eq!(format_probability_short(0.021484375), "0.021");
        assert_eq!(format_probability_short(2f64.powi(-19)), "1.91e-6");
    }

    #[test]
    fn figures_have_the_one_format_and_no_negative_zero() {
        assert_eq!(format_figure(Some(-0.0)), "0");
        assert_eq!(format_figure(Some(1.0 / 3.0)), "0.333333");
        assert_eq!(format_figure(Some(f64::INFINITY)), "");
        assert_eq!(format_figure(None), "");
    }

    #[test]
    fn the_csv_has_a_row_per_metric() {
        assert_eq!(
            compare_csv(&comparison()),
            "metric,unit,pairs,mean_a,mean_b,mean_difference,ci_low,ci_high,sign_test_p,b_higher,b_lower,ties\n\
             resends,count,2,5,6,1,1,1,0.5,2,0,0\n\
             odd|name,,2,1,1,0,0,0,1,0,0,2\n"
        );
    }

    #[test]
    fn the_markdown_names_the_sides_pairing_draws_and_verdicts() {
        let sides = Sides {
            name_a: "smoke".into(),
            dir_a: "out-a/smoke".into(),
            name_b: "smoke-lazy".into(),
            dir_b: "out-b".into(),
        };
        let bounds = [BoundOutcome {
            bound: "resends>0.5".into(),
            mean_difference: 1.0,
            crossed: true,
        }];
        let text = compare_markdown(&comparison(), &sides, &bounds);
        assert!(text.starts_with(
            "# smoke → smoke-lazy\n\nA: `smoke` in `out-a/smoke`; B: `smoke-lazy` in `out-b`.\n\n\
             2 seeds paired (0..=1); only in A: 1 (2); only in B: 1 (3).\n\n"
        ));
        assert!(text.contains("(10000 resamples, seed 0)"), "{text}");
        assert!(
            text.contains("\n| resends | count | 2 | 5 | 6 | 1 | [1, 1] | 0.500 | 2 | 0 | 0 |\n"),
            "{text}"
        );
        assert!(
            text.contains("\n| odd\\|name |  | 2 | 1 | 1 | 0 | [0, 0] | 1.000 | 0 | 0 | 2 |\n"),
            "{text}"
        );
        assert!(
            text.contains("\n- `param.loss`: equal on 1 of 2 paired seeds\n"),
            "{text}"
        );
        assert!(
            text.ends_with("## Fail-if\n\n- FAIL: `resends>0.5` (mean difference 1)\n"),
            "{text}"
        );
    }

    #[test]
    fn long_seed_lists_are_cut() {
        let seeds: Vec<u64> = (0..12).collect();
        assert_eq!(seed_list(&seeds), "12 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …)");
        assert_eq!(seed_list(&[]), "0");
    }
}
