//! The end `run` and `merge` share: a scenario's rows (from live runs, or
//! read back from shards) become its reports in `DIR/<name>/`, a short
//! summary on stdout, and the verdict — every failed `[expect]` bound and
//! every oracle violation on stderr, exit 1 if there is one.
//!
//! One function serves both so that a merge judges and writes exactly as
//! one run over all the seeds does.

use std::io::Write;
use std::path::Path;
use std::time::Instant as WallClock;

use super::Exit;
use crate::report::{self, Row};
use crate::scenario::{MetricId, Scenario};

/// One scenario's rows, ready to be reported.
pub struct Finished<'a> {
    pub scenario: &'a Scenario,
    /// The scenario file as messages name it.
    pub label: &'a str,
    pub rows: Vec<Row>,
    /// What follows the seed count in the summary: "" for a run,
    /// " merged from 3 shards" for a merge.
    pub how: String,
    /// When the command started on this scenario (for the terminal only).
    pub started: WallClock,
}

/// Writes the reports of `finished` into `out_dir/<name>/`, prints the
/// summary and judges the rows. Unwritable reports are bad input.
pub fn finish(
    finished: Finished<'_>,
    out_dir: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Finished {
        scenario,
        label,
        mut rows,
        how,
        started,
    } = finished;
    // Seed order, whatever order the rows came in: the first failing
    // seed, and every float sum, are then the same for a run and a merge.
    rows.sort_by_key(|row| row.seed);
    let rows = &rows[..];
    let expectations = report::check_expectations(rows, &scenario.expectations);
    let dir = out_dir.join(&scenario.meta.name);
    // A shard's manifest left from an earlier `run --shard` into the same
    // directory would make `merge` take these reports for a shard.
    let _ = std::fs::remove_file(dir.join(report::MANIFEST_FILE));
    if let Err(error) = report::write_reports(
        &dir,
        &scenario.meta.name,
        &scenario.meta.description,
        rows,
        &expectations,
    ) {
        writeln!(err, "{error}")?;
        return Ok(Exit::BadInput);
    }
    writeln!(
        out,
        "{}: {} seeds{how} in {:.1}s → {}",
        scenario.meta.name,
        rows.len(),
        started.elapsed().as_secs_f64(),
        dir.display()
    )?;
    let summaries = report::aggregate(rows);
    for metric in [
        MetricId::LogoutBypasses,
        MetricId::SurvivingFootholds,
        MetricId::SyncOverheadRatio,
        MetricId::SyncConverged,
        MetricId::OracleViolations,
    ] {
        if let Some(stats) = summaries
            .iter()
            .find(|summary| summary.metric.id == metric)
            .and_then(|summary| summary.stats)
        {
            writeln!(
                out,
                "  {:<24} mean {:<12} max {}",
                metric.name(),
                report::text::format_number(stats.mean),
                report::text::format_number(stats.max)
            )?;
        }
    }
    let mut exit = Exit::Ok;
    for outcome in &expectations {
        if let Some((seed, failure)) = &outcome.failure {
            writeln!(err, "{label}: seed {seed}: {failure}")?;
            exit = Exit::ExpectationFailed;
        }
    }
    for row in rows {
        for violation in &row.violations {
            writeln!(err, "{label}: seed {}: oracle violation: {violation}", row.seed)?;
            exit = Exit::ExpectationFailed;
        }
    }
    Ok(exit)
}
