//! `sessionlab sweep SCENARIO --set PATH=V1,V2,… [--set …] [--seeds A..B]
//! [--metric NAME]… [--out DIR] [--jobs N]`: run the grid of variants of
//! one scenario (each swept setting fixed to one of its values, by the
//! paths `[swarm]` uses) over the same seeds, and write `sweep.csv`,
//! `sweep.md` and `sweep.html` into `DIR/<name>/`.
//!
//! Every variant is built and validated before any runs. A sweep moves
//! settings on purpose, so its `[expect]` bounds are reported per variant
//! in `sweep.md`, not judged; an oracle violation is a bug and exits 1.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant as WallClock;

use super::check::write_scenario_errors;
use super::exit::report_batch_error;
use super::run::{row, seed_progress, MAX_SEEDS};
use super::Exit;
use crate::report::{self, Row, Sweep, VariantRows};
use crate::scenario::variant::{grid, value_text, variant_source, SweepSetting, Variant};
use crate::scenario::{load_scenario_source, parse_scenario, MetricId, Scenario, SeedRange};
use crate::world::batch::{run_seeds, MAX_JOBS};

/// Metrics a sweep charts by default, those among them that vary.
pub const DEFAULT_CHARTED: &[MetricId] = &[
    MetricId::SyncOverheadRatio,
    MetricId::SyncBytesUp,
    MetricId::SyncBytesDown,
    MetricId::PushLatencyP99Ms,
    MetricId::CatchUpP99Ms,
    MetricId::Resends,
    MetricId::LogoutBypasses,
    MetricId::MaxBypassWindowMs,
    MetricId::SurvivingFootholds,
    MetricId::AccountsCompromisedAtEnd,
];

/// Arguments of `sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArguments {
    /// The scenario file.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// A setting and its values, `PATH=V1,V2,…` (a path `[swarm]` accepts,
    /// such as `network.loss` or `policy.revocation`); repeat for a grid.
    #[arg(long = "set", value_name = "PATH=V1,V2", required = true, value_parser = parse_setting)]
    pub settings: Vec<SweepSetting>,
    /// Seeds each variant runs, half-open (`0..20`); the scenario's own by default.
    #[arg(long, value_name = "A..B", value_parser = parse_seeds)]
    pub seeds: Option<SeedRange>,
    /// A metric to chart and table (repeat); by default the main ones that vary.
    #[arg(long = "metric", value_name = "NAME", value_parser = parse_metric)]
    pub metrics: Vec<MetricId>,
    /// Output directory; the sweep's files go in DIR/<scenario name>/.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Parallel jobs (threads).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS as i64))]
    pub jobs: u32,
}

fn parse_setting(text: &str) -> Result<SweepSetting, String> {
    text.parse()
        .map_err(|error: crate::scenario::variant::VariantError| error.to_string())
}

fn parse_seeds(text: &str) -> Result<SeedRange, String> {
    SeedRange::parse(text, MAX_SEEDS).map_err(|error| error.to_string())
}

fn parse_metric(name: &str) -> Result<MetricId, String> {
    MetricId::from_name(name).ok_or_else(|| format!("no metric `{name}` (see `sessionlab list-metrics`)"))
}

/// A variant, built and validated.
struct Built {
    variant: Variant,
    scenario: Scenario,
}

/// Runs the sweep; see the module docs.
pub fn sweep(arguments: &SweepArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let path = &arguments.scenario;
    let (text, scenario) = match load_scenario_source(path) {
        Ok(loaded) => loaded,
        Err(errors) => {
            write_scenario_errors(err, &errors)?;
            return Ok(Exit::BadInput);
        }
    };
    let built = match build_variants(&text, arguments, err)? {
        Some(built) => built,
        None => return Ok(Exit::BadInput),
    };
    let range = arguments.seeds.clone().unwrap_or_else(|| scenario.meta.seeds.clone());
    let seeds: Vec<u64> = range.iter().collect();
    if seeds.len().saturating_mul(built.len()) as u64 > MAX_SEEDS {
        writeln!(
            err,
            "{}: the sweep would run more than {MAX_SEEDS} seeds",
            path.display()
        )?;
        return Ok(Exit::BadInput);
    }
    let started = WallClock::now();
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| seed_progress(seeds.len() * built.len(), &scenario.meta.name));
    let on_done = |_seed: u64| {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    };
    let mut variants = Vec::new();
    for one in &built {
        let outcomes = match run_seeds(&one.scenario, &seeds, arguments.jobs as usize, &on_done) {
            Ok(outcomes) => outcomes,
            Err(error) => {
                writeln!(err, "variant {}:", one.variant)?;
                return Ok(report_batch_error(path, &error, err)?);
            }
        };
        let rows: Vec<Row> = outcomes.iter().map(|outcome| row(&one.scenario, outcome)).collect();
        variants.push(variant_rows(one, rows));
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let paths: Vec<String> = arguments.settings.iter().map(|setting| setting.path.clone()).collect();
    let charted = charted(&arguments.metrics, &variants);
    let dir = arguments.out.join(&scenario.meta.name);
    let sweep = Sweep {
        name: &scenario.meta.name,
        description: &scenario.meta.description,
        paths: &paths,
        variants: &variants,
        charted: &charted,
    };
    if let Err(error) = report::write_sweep(&dir, &sweep) {
        writeln!(err, "{error}")?;
        return Ok(Exit::BadInput);
    }
    writeln!(
        out,
        "{}: {} variants × {} seeds in {:.1}s → {}",
        scenario.meta.name,
        variants.len(),
        seeds.len(),
        started.elapsed().as_secs_f64(),
        dir.display()
    )?;
    let mut exit = Exit::Ok;
    for (one, variant) in built.iter().zip(&variants) {
        for row in &variant.rows {
            for violation in &row.violations {
                writeln!(
                    err,
                    "{}: {}: seed {}: oracle violation: {violation}",
                    path.display(),
                    one.variant,
                    row.seed
                )?;
                exit = Exit::ExpectationFailed;
            }
        }
    }
    out.flush()?;
    Ok(exit)
}

/// Every variant's scenario, or `None` after writing why one is refused.
fn build_variants(text: &str, arguments: &SweepArguments, err: &mut dyn Write) -> anyhow::Result<Option<Vec<Built>>> {
    let label = arguments.scenario.display().to_string();
    let variants = match grid(&arguments.settings) {
        Ok(variants) => variants,
        Err(error) => {
            writeln!(err, "{label}: {error}")?;
            return Ok(None);
        }
    };
    let mut built = Vec::new();
    let mut refused = false;
    for variant in variants {
        let parsed = variant_source(text, &variant)
            .map_err(|error| error.to_string())
            .and_then(|source| {
                parse_scenario(&source, &label).map_err(|errors| {
                    let problems: Vec<String> = errors.iter().map(|error| error.problem.to_string()).collect();
                    problems.join("; ")
                })
            });
        match parsed {
            Ok(scenario) => built.push(Built { variant, scenario }),
            Err(problem) => {
                writeln!(err, "{label}: --set {variant}: {problem}")?;
                refused = true;
            }
        }
    }
    Ok((!refused).then_some(built))
}

/// A variant's rows with its cells and judged expectations.
fn variant_rows(built: &Built, rows: Vec<Row>) -> VariantRows {
    let values = built
        .variant
        .values
        .iter()
        .map(|(path, value)| {
            rows.first()
                .and_then(|row| row.params.get(path))
                .map_or_else(|| value_text(value), report::text::draw_cell)
        })
        .collect();
    let expectations = report::check_expectations(&rows, &built.scenario.expectations);
    VariantRows {
        values,
        rows,
        expectations,
    }
}

/// The metrics asked for, or the default ones whose value varies.
fn charted(asked: &[MetricId], variants: &[VariantRows]) -> Vec<MetricId> {
    if !asked.is_empty() {
        return asked.to_vec();
    }
    DEFAULT_CHARTED
        .iter()
        .copied()
        .filter(|metric| {
            let mut values = variants
                .iter()
                .flat_map(|variant| variant.rows.iter().map(|row| row.values.number(*metric)));
            let first = values.next();
            values.any(|value| Some(value) != first)
        })
        .collect()
}
