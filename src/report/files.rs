//! Writing a batch's reports to a directory, and checking its `[expect]`
//! section against every seed.

use std::path::{Path, PathBuf};

use crate::scenario::{Expectation, ExpectationFailure};

use super::aggregate::{aggregate, MetricSummary, Row};
use super::{html, text};

/// Why the reports could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct ReportError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// The files written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportPaths {
    pub runs_csv: PathBuf,
    pub attackers_csv: PathBuf,
    pub summary_csv: PathBuf,
    pub summary_md: PathBuf,
    pub report_html: PathBuf,
}

/// One expectation judged over every seed: the first failing seed, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectationOutcome {
    /// The bound judged.
    pub expectation: Expectation,
    pub description: String,
    pub failure: Option<(u64, ExpectationFailure)>,
}

/// What a batch's `summary.md` and `report.html` are written from.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// Sorted by seed.
    pub rows: &'a [Row],
    pub summaries: &'a [MetricSummary],
    pub expectations: &'a [ExpectationOutcome],
}

/// Judge each expectation against every row.
pub fn check_expectations(rows: &[Row], expectations: &[Expectation]) -> Vec<ExpectationOutcome> {
    expectations
        .iter()
        .map(|expectation| {
            let failure = rows.iter().find_map(|row| {
                let actual = row.values.get(expectation.metric);
                expectation.check(actual).err().map(|failure| (row.seed, failure))
            });
            ExpectationOutcome {
                expectation: expectation.clone(),
                description: format!("{} {}", expectation.metric, expectation.bound),
                failure,
            }
        })
        .collect()
}

/// Writes `contents` to `path`.
pub(crate) fn write(path: PathBuf, contents: &str) -> Result<PathBuf, ReportError> {
    std::fs::write(&path, contents).map_err(|source| ReportError {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Creates `dir` and its parents.
pub(super) fn create_dir(dir: &Path) -> Result<(), ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError {
        path: dir.to_path_buf(),
        source,
    })
}

/// Write `runs.csv`, `attackers.csv`, `summary.csv`, `summary.md` and
/// `report.html` into `dir`.
pub fn write_reports(
    dir: &Path,
    name: &str,
    description: &str,
    rows: &[Row],
    expectations: &[ExpectationOutcome],
) -> Result<ReportPaths, ReportError> {
    create_dir(dir)?;
    let mut sorted = rows.to_vec();
    sorted.sort_by_key(|row| row.seed);
    let summaries = aggregate(&sorted);
    let batch = Batch {
        name,
        description,
        rows: &sorted,
        summaries: &summaries,
        expectations,
    };
    Ok(ReportPaths {
        runs_csv: write(dir.join("runs.csv"), &text::runs_csv(&sorted))?,
        attackers_csv: write(dir.join("attackers.csv"), &text::attackers_csv(&sorted))?,
        summary_csv: write(dir.join("summary.csv"), &text::summary_csv(&summaries))?,
        summary_md: write(dir.join("summary.md"), &text::summary_markdown(&batch))?,
        report_html: write(dir.join("report.html"), &html::report_html(&batch))?,
    })
}
