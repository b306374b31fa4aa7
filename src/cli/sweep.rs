//! `sessionlab sweep SCENARIO --set PATH=V1,V2,… [--set …] [--seeds A..B]
//! [--metric NAME]… [--shard I/N] [--out DIR] [--jobs N]`: run the grid of
//! variants of one scenario (each swept setting fixed to one of its
//! values, by the paths `[swarm]` uses) over the same seeds, and write
//! `sweep.csv`, `sweep.md` and `sweep.html` into `DIR/<name>/`.
//!
//! With `--shard I/N` it runs shard I of the seeds for every variant and
//! writes, in `DIR/<name>/`, `sweep.json` and one run shard per variant
//! (`variant-0000/`, …); `sessionlab merge` turns the shards into the
//! files one sweep over all the seeds writes, byte for byte.
//!
//! Every variant is built and validated before any runs. A sweep moves
//! settings on purpose, so its `[expect]` bounds are reported per variant
//! in `sweep.md`, not judged; an oracle violation is a bug and exits 1.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant as WallClock;

use super::check::write_scenario_errors;
use super::exit::report_batch_error;
use super::run::{row, seed_progress, MAX_SEEDS};
use super::Exit;
use crate::report::{
    self, sha256_hex, variant_dir, Row, ShardManifest, Sweep, SweepManifest, VariantRows, SWEEP_MANIFEST_FILE,
};
use crate::scenario::variant::{grid, value_text, variant_source, SweepSetting, Variant};
use crate::scenario::{load_scenario_source, parse_scenario, MetricId, Scenario, SeedRange, Shard};
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
    /// Run only shard I of N (counting from 0) of the seeds, for every
    /// variant, and write its parts for `sessionlab merge` (see `run`).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Parallel jobs (threads).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS as i64))]
    pub jobs: u32,
}

fn parse_setting(text: &str) -> Result<SweepSetting, String> {
    text.parse()
        .map_err(|error: crate::scenario::variant::VariantError| error.to_string())
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    text.parse()
        .map_err(|error: crate::scenario::ShardError| error.to_string())
}

fn parse_seeds(text: &str) -> Result<SeedRange, String> {
    SeedRange::parse(text, MAX_SEEDS).map_err(|error| error.to_string())
}

fn parse_metric(name: &str) -> Result<MetricId, String> {
    MetricId::from_name(name).ok_or_else(|| format!("no metric `{name}` (see `sessionlab list-metrics`)"))
}

/// A variant, built and validated.
pub(super) struct Built {
    pub(super) variant: Variant,
    /// The variant's scenario text (the file with the setting fixed).
    pub(super) text: String,
    pub(super) scenario: Scenario,
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
    let label = path.display().to_string();
    let built = match build_variants(&text, &label, &arguments.settings, err)? {
        Some(built) => built,
        None => return Ok(Exit::BadInput),
    };
    let range = arguments.seeds.clone().unwrap_or_else(|| scenario.meta.seeds.clone());
    let seeds: Vec<u64> = match arguments.shard {
        Some(shard) => shard.seeds(&range).collect(),
        None => range.iter().collect(),
    };
    if seeds.len().saturating_mul(built.len()) as u64 > MAX_SEEDS {
        writeln!(err, "{label}: the sweep would run more than {MAX_SEEDS} seeds")?;
        return Ok(Exit::BadInput);
    }
    if seeds.is_empty() {
        let shard = arguments.shard.map(|shard| shard.to_string()).unwrap_or_default();
        writeln!(
            err,
            "{label}: shard {shard} of seeds {}..{} holds no seed: use at most {} shards",
            range.start(),
            range.end(),
            range.len()
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
    let dir = arguments.out.join(&scenario.meta.name);
    let Some(shard) = arguments.shard else {
        let finished = FinishedSweep {
            scenario: &scenario,
            label: &label,
            settings: &arguments.settings,
            asked: &arguments.metrics,
            built: &built,
            variants,
            how: String::new(),
            started,
        };
        return finish_sweep(finished, &dir, out, err);
    };
    let parts = SweepShard {
        scenario: &scenario,
        text: &text,
        label: &label,
        settings: &arguments.settings,
        asked: &arguments.metrics,
        built: &built,
        variants: &variants,
        range,
        shard,
    };
    if let Err(error) = write_sweep_shard(&dir, &parts) {
        writeln!(err, "{error}")?;
        return Ok(Exit::BadInput);
    }
    writeln!(
        out,
        "{}: shard {shard}, {} variants × {} seeds in {:.1}s → {} (merge the shards for the sweep's files)",
        scenario.meta.name,
        variants.len(),
        seeds.len(),
        started.elapsed().as_secs_f64(),
        dir.display()
    )?;
    Ok(Exit::Ok)
}

/// One shard of a sweep, run and ready to be written.
struct SweepShard<'a> {
    scenario: &'a Scenario,
    /// The swept file's text, which `merge` rebuilds the variants from.
    text: &'a str,
    label: &'a str,
    settings: &'a [SweepSetting],
    asked: &'a [MetricId],
    built: &'a [Built],
    variants: &'a [VariantRows],
    /// The whole seed range the shards split.
    range: SeedRange,
    shard: Shard,
}

/// Writes each variant's run shard into `dir/variant-k/`, the swept
/// file's text into `dir/scenario.toml`, then `sweep.json` last: a directory holding one holds a finished shard.
fn write_sweep_shard(dir: &Path, parts: &SweepShard<'_>) -> Result<(), report::ReportError> {
    for name in report::SWEEP_FILES {
        // A plain sweep's files left in the directory would pass for this
        // shard's; the merge writes them.
        let _ = std::fs::remove_file(dir.join(name));
    }
    for (index, (one, variant)) in parts.built.iter().zip(parts.variants).enumerate() {
        let manifest = ShardManifest {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: parts.scenario.meta.name.clone(),
            scenario_file: parts.label.to_string(),
            scenario_sha256: sha256_hex(&one.text),
            seeds: parts.range.clone(),
            shard: parts.shard,
        };
        report::write_shard(&dir.join(variant_dir(index)), &manifest, &one.text, &variant.rows)?;
    }
    report::files::write(dir.join(report::shard_files::SCENARIO_COPY), parts.text)?;
    let manifest = SweepManifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: parts.scenario.meta.name.clone(),
        settings: parts.settings.to_vec(),
        metrics: parts.asked.to_vec(),
        variants: parts.built.len(),
    };
    report::files::write(dir.join(SWEEP_MANIFEST_FILE), &manifest.to_json())?;
    Ok(())
}

/// A sweep's rows, from live runs or read back from shards, ready to be
/// reported: `sweep` and `merge` share [`finish_sweep`].
pub(super) struct FinishedSweep<'a> {
    /// The swept file's scenario (name and description).
    pub(super) scenario: &'a Scenario,
    /// The scenario file as messages name it.
    pub(super) label: &'a str,
    pub(super) settings: &'a [SweepSetting],
    /// The metrics `--metric` asked for.
    pub(super) asked: &'a [MetricId],
    pub(super) built: &'a [Built],
    pub(super) variants: Vec<VariantRows>,
    /// What follows the seed count in the summary.
    pub(super) how: String,
    pub(super) started: WallClock,
}

/// Writes the sweep's files into `dir`, prints the summary and judges the
/// oracles: a violation exits 1.
pub(super) fn finish_sweep(
    finished: FinishedSweep<'_>,
    dir: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let paths: Vec<String> = finished.settings.iter().map(|setting| setting.path.clone()).collect();
    let charted = charted(finished.asked, &finished.variants);
    let sweep = Sweep {
        name: &finished.scenario.meta.name,
        description: &finished.scenario.meta.description,
        paths: &paths,
        variants: &finished.variants,
        charted: &charted,
    };
    // A shard's manifest left from an earlier `sweep --shard` into the
    // same directory would make `merge` take these files for a shard.
    let _ = std::fs::remove_file(dir.join(SWEEP_MANIFEST_FILE));
    if let Err(error) = report::write_sweep(dir, &sweep) {
        writeln!(err, "{error}")?;
        return Ok(Exit::BadInput);
    }
    let seeds = finished.variants.first().map_or(0, |variant| variant.rows.len());
    writeln!(
        out,
        "{}: {} variants × {seeds} seeds{} in {:.1}s → {}",
        finished.scenario.meta.name,
        finished.variants.len(),
        finished.how,
        finished.started.elapsed().as_secs_f64(),
        dir.display()
    )?;
    let mut exit = Exit::Ok;
    for (one, variant) in finished.built.iter().zip(&finished.variants) {
        for row in &variant.rows {
            for violation in &row.violations {
                writeln!(
                    err,
                    "{}: {}: seed {}: oracle violation: {violation}",
                    finished.label, one.variant, row.seed
                )?;
                exit = Exit::ExpectationFailed;
            }
        }
    }
    out.flush()?;
    Ok(exit)
}

/// Every variant's scenario, or `None` after writing why one is refused.
pub(super) fn build_variants(
    text: &str,
    label: &str,
    settings: &[SweepSetting],
    err: &mut dyn Write,
) -> anyhow::Result<Option<Vec<Built>>> {
    let variants = match grid(settings) {
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
                parse_scenario(&source, label)
                    .map(|scenario| (source, scenario))
                    .map_err(|errors| {
                        let problems: Vec<String> = errors.iter().map(|error| error.problem.to_string()).collect();
                        problems.join("; ")
                    })
            });
        match parsed {
            Ok((text, scenario)) => built.push(Built {
                variant,
                text,
                scenario,
            }),
            Err(problem) => {
                writeln!(err, "{label}: --set {variant}: {problem}")?;
                refused = true;
            }
        }
    }
    Ok((!refused).then_some(built))
}

/// A variant's rows, in seed order, with its cells and judged expectations.
pub(super) fn variant_rows(built: &Built, mut rows: Vec<Row>) -> VariantRows {
    // Seed order, whatever order the rows came in (threads, shards): the
    // first failing seed, and every float sum, are then the same.
    rows.sort_by_key(|row| row.seed);
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
