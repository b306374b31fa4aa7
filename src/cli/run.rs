//! `sessionlab run SCENARIO... [--seeds A..B] [--shard I/N] [--out DIR]
//! [--jobs N]`: run every seed of each scenario in parallel, write its
//! reports, print a short summary, and judge its `[expect]` section and
//! the oracles. With `--shard`, run one interleaved part of the seeds and
//! write its rows and manifest for `sessionlab merge`, judging nothing.
//! With `--check-determinism`, every seed runs twice (`determinism`).
//!
//! Files hold no wall-clock figure; timings go to the terminal only.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant as WallClock;

use super::check::write_scenario_errors;
use super::determinism;
use super::exit::report_batch_error;
use super::finish::{finish, Finished};
use super::Exit;
use crate::report::{self, sha256_hex, AttackerRow, Row, ShardManifest};
use crate::scenario::{duplicate_name, load_scenario_source, Scenario, SeedRange, Shard};
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
    /// Run only shard I of N (counting from 0): the seeds s with
    /// (s - A) % N == I. Writes the shard's rows and a manifest
    /// (shard.json) for `sessionlab merge` instead of the reports, and
    /// judges no [expect] bound: the merge does.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Parallel jobs (threads).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS as i64))]
    pub jobs: u32,
    /// Run every seed twice, the second time in the opposite order across
    /// the threads, and exit 3 naming the first seed whose trace hash or
    /// metrics differ.
    #[arg(long)]
    pub check_determinism: bool,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    text.parse()
        .map_err(|error: crate::scenario::ShardError| error.to_string())
}

pub(super) fn parse_seeds(text: &str) -> Result<SeedRange, String> {
    SeedRange::parse(text, MAX_SEEDS).map_err(|error| error.to_string())
}

pub(super) fn row(scenario: &Scenario, outcome: &RunOutcome) -> Row {
    Row {
        seed: outcome.seed,
        values: outcome.metrics.clone(),
        params: scenario.draws(outcome.seed),
        attackers: outcome.attackers.iter().map(AttackerRow::from).collect(),
        violations: outcome.violations.clone(),
    }
}

/// A scenario to run: the file as named, its text and what it parses to.
struct Loaded<'a> {
    path: &'a Path,
    text: String,
    scenario: Scenario,
}

/// Every file is read and checked before any runs, so a broken or
/// clashing file is reported at once instead of after the others' runs.
pub fn run_command(arguments: &RunArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let mut exit = Exit::Ok;
    let mut loaded: Vec<Loaded<'_>> = Vec::new();
    for path in &arguments.scenarios {
        let checked = load_scenario_source(path).and_then(|(text, scenario)| {
            match loaded
                .iter()
                .find(|earlier| earlier.scenario.meta.name == scenario.meta.name)
            {
                Some(first) => Err(duplicate_name(path, &scenario.meta.name, first.path).into()),
                None => Ok(Loaded { path, text, scenario }),
            }
        });
        match checked {
            Ok(scenario) => loaded.push(scenario),
            Err(error) => {
                write_scenario_errors(err, &error)?;
                exit = exit.worst(Exit::BadInput);
            }
        }
    }
    for scenario in &loaded {
        exit = exit.worst(run_one(scenario, arguments, out, err)?);
    }
    out.flush()?;
    Ok(exit)
}

fn run_one(
    loaded: &Loaded<'_>,
    arguments: &RunArguments,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let Loaded { path, text, scenario } = loaded;
    let range = arguments.seeds.clone().unwrap_or_else(|| scenario.meta.seeds.clone());
    let seeds: Vec<u64> = match arguments.shard {
        Some(shard) => shard.seeds(&range).collect(),
        None => range.iter().collect(),
    };
    if seeds.is_empty() {
        let shard = arguments.shard.map(|shard| shard.to_string()).unwrap_or_default();
        writeln!(
            err,
            "{}: shard {shard} of seeds {}..{} holds no seed: use at most {} shards",
            path.display(),
            range.start(),
            range.end(),
            range.len()
        )?;
        return Ok(Exit::BadInput);
    }
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| seed_progress(seeds.len(), &scenario.meta.name));
    let started = WallClock::now();
    let on_done = |_seed: u64| {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    };
    let outcomes = run_seeds(scenario, &seeds, arguments.jobs as usize, &on_done);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(error) => return Ok(report_batch_error(path, &error, err)?),
    };
    if arguments.check_determinism {
        let reversed: Vec<u64> = seeds.iter().rev().copied().collect();
        let again = match run_seeds(scenario, &reversed, arguments.jobs as usize, &|_| ()) {
            Ok(again) => again,
            Err(error) => return Ok(report_batch_error(path, &error, err)?),
        };
        let label = path.display().to_string();
        let verdict = determinism::judge(&scenario.meta.name, &label, &outcomes, &again, out, err)?;
        if verdict != Exit::Ok {
            return Ok(verdict);
        }
    }
    let rows: Vec<Row> = outcomes.iter().map(|outcome| row(scenario, outcome)).collect();
    let label = path.display().to_string();
    let Some(shard) = arguments.shard else {
        let finished = Finished {
            scenario,
            label: &label,
            rows,
            how: String::new(),
            started,
        };
        return finish(finished, &arguments.out, out, err);
    };
    let manifest = ShardManifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.meta.name.clone(),
        scenario_file: label,
        scenario_sha256: sha256_hex(text),
        seeds: range,
        shard,
    };
    let dir = arguments.out.join(&scenario.meta.name);
    if let Err(error) = report::write_shard(&dir, &manifest, text, &rows) {
        writeln!(err, "{error}")?;
        return Ok(Exit::BadInput);
    }
    writeln!(
        out,
        "{}: shard {shard}, {} seeds in {:.1}s → {} (merge the shards to judge [expect])",
        scenario.meta.name,
        rows.len(),
        started.elapsed().as_secs_f64(),
        dir.display()
    )?;
    Ok(Exit::Ok)
}

/// What the progress bar shows (indicatif's template syntax).
const SEED_PROGRESS_TEMPLATE: &str = "{msg} [{bar:30}] {pos}/{len} seeds, ETA {eta}";

/// A progress bar on a terminal: the scenario, seeds done of all, and the
/// time left at the pace so far.
pub(super) fn seed_progress(seeds: usize, name: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(seeds as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(SEED_PROGRESS_TEMPLATE) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(name.to_string());
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_template_parses_and_counts_seeds() {
        assert!(indicatif::ProgressStyle::with_template(SEED_PROGRESS_TEMPLATE).is_ok());
        let bar = seed_progress(7, "smoke");
        bar.inc(2);
        assert_eq!((bar.position(), bar.length()), (2, Some(7)));
        assert_eq!(bar.message(), "smoke");
    }
}
