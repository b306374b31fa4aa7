//! `sessionlab run SCENARIO... [--seeds A..B] [--out DIR] [--jobs N]`: run
//! every seed of each scenario in parallel, write its reports, print a
//! short summary, and judge its `[expect]` section and the oracles.
//!
//! Files hold no wall-clock figure; timings go to the terminal only.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant as WallClock;

use super::check::write_scenario_errors;
use super::exit::report_batch_error;
use super::Exit;
use crate::report::{self, Row};
use crate::scenario::{duplicate_name, load_scenario, MetricId, Scenario, SeedRange};
use crate::world::batch::{run_seeds, MAX_JOBS};
use crate::world::RunOutcome;

/// Seeds one invocation runs at most per scenario.
pub const MAX_SEEDS: u64 = 1_000_000;

/// Arguments of `run`.
#[derive(Debug, clap::Args)]
pub struct RunArguments {
    /// Scenario files.
    #[arg(value_name = "SCENARIO", required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Seeds to run, half-open (`0..100`); the scenario's own range by default.
    #[arg(long, value_name = "A..B", value_parser = parse_seeds)]
    pub seeds: Option<SeedRange>,
    /// Output directory; each scenario's reports go in DIR/<scenario name>/.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Parallel jobs (threads).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS as i64))]
    pub jobs: u32,
}

fn parse_seeds(text: &str) -> Result<SeedRange, String> {
    SeedRange::parse(text, MAX_SEEDS).map_err(|error| error.to_string())
}

fn row(scenario: &Scenario, outcome: &RunOutcome) -> Row {
    Row {
        seed: outcome.seed,
        values: outcome.metrics.clone(),
        params: scenario.draws(outcome.seed),
        attackers: outcome.attackers.clone(),
    }
}

/// Every file is read and checked before any runs, so a broken or
/// clashing file is reported at once instead of after the others' runs.
pub fn run_command(arguments: &RunArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let mut exit = Exit::Ok;
    let mut loaded: Vec<(&Path, Scenario)> = Vec::new();
    for path in &arguments.scenarios {
        let checked = load_scenario(path).and_then(|scenario| {
            match loaded
                .iter()
                .find(|(_, earlier)| earlier.meta.name == scenario.meta.name)
            {
                Some((first, _)) => Err(duplicate_name(path, &scenario.meta.name, first).into()),
                None => Ok(scenario),
            }
        });
        match checked {
            Ok(scenario) => loaded.push((path, scenario)),
            Err(error) => {
                write_scenario_errors(err, &error)?;
                exit = exit.worst(Exit::BadInput);
            }
        }
    }
    for (path, scenario) in &loaded {
        exit = exit.worst(run_one(scenario, path, arguments, out, err)?);
    }
    out.flush()?;
    Ok(exit)
}

fn run_one(
    scenario: &Scenario,
    path: &Path,
    arguments: &RunArguments,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let range = arguments.seeds.clone().unwrap_or_else(|| scenario.meta.seeds.clone());
    let seeds: Vec<u64> = (range.start()..range.end()).collect();
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(seeds.len() as u64);
        bar.set_message(scenario.meta.name.clone());
        bar
    });
    let started = WallClock::now();
    let on_done = |_seed: u64| {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    };
    let outcomes = match run_seeds(scenario, &seeds, arguments.jobs as usize, &on_done) {
        Ok(outcomes) => outcomes,
        Err(error) => {
            if let Some(bar) = &progress {
                bar.finish_and_clear();
            }
            return Ok(report_batch_error(path, &error, err)?);
        }
    };
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let rows: Vec<Row> = outcomes.iter().map(|outcome| row(scenario, outcome)).collect();
    let expectations = report::check_expectations(&rows, &scenario.expectations);
    let dir = arguments.out.join(&scenario.meta.name);
    if let Err(error) = report::write_reports(
        &dir,
        &scenario.meta.name,
        &scenario.meta.description,
        &rows,
        &expectations,
    ) {
        writeln!(err, "{error}")?;
        return Ok(Exit::BadInput);
    }
    writeln!(
        out,
        "{}: {} seeds in {:.1}s → {}",
        scenario.meta.name,
        rows.len(),
        started.elapsed().as_secs_f64(),
        dir.display()
    )?;
    let summaries = report::aggregate(&rows);
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
            writeln!(err, "{}: seed {seed}: {failure}", path.display())?;
            exit = Exit::ExpectationFailed;
        }
    }
    for outcome in &outcomes {
        for violation in &outcome.violations {
            writeln!(
                err,
                "{}: seed {}: oracle violation: {violation}",
                path.display(),
                outcome.seed
            )?;
            exit = Exit::ExpectationFailed;
        }
    }
    Ok(exit)
}
