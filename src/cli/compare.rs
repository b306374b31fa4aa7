//! `sessionlab compare DIR_A DIR_B [--out DIR] [--fail-if METRIC>BOUND]…
//! [--resamples N] [--seed S]`: two designs' runs paired by seed, and per
//! metric the mean difference B − A with a 95 % bootstrap interval and an
//! exact sign test (`report::compare` defines them), written as
//! `compare.csv` and `compare.md`, with a short table on stdout.
//!
//! Each DIR is one scenario's report directory (holding `runs.csv`) or the
//! `--out` directory of a run (each subdirectory holding a `runs.csv` is a
//! scenario). When both sides hold exactly one scenario, they are compared
//! whatever their names, into `--out DIR/compare.{csv,md}`; otherwise
//! scenarios of the same (directory) name are compared, each into
//! `DIR/<name>/`, and a name on one side only is named on stderr.
//!
//! Exits 1 when a `--fail-if` bound is crossed, 2 on bad input: an unknown
//! metric or malformed bound (at argument parsing), a missing or damaged
//! `runs.csv`, metric columns that differ, no seed or scenario in common,
//! a `--fail-if` metric without a value on any pair, or an output that
//! cannot be written; nothing is written for a comparison that fails so.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::fail_if::{FailIf, FailIfError};
use super::table::aligned_table;
use super::Exit;
use crate::report::compare::{BootstrapSettings, Comparison, DEFAULT_RESAMPLES, MAX_RESAMPLES, MIN_RESAMPLES};
use crate::report::compare_text::{format_figure, format_interval, format_probability_short, pairing_sentence};
use crate::report::{compare_csv, compare_markdown, compare_tables, read_runs, BoundOutcome, RunsTable, Sides};

/// The file each scenario's directory holds.
const RUNS_FILE: &str = "runs.csv";

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArguments {
    /// The baseline (A): a scenario's report directory, or a run's --out directory.
    #[arg(value_name = "DIR_A")]
    pub a: PathBuf,
    /// The design compared with it (B), the same way.
    #[arg(value_name = "DIR_B")]
    pub b: PathBuf,
    /// Output directory: compare.csv and compare.md (in DIR/<name>/ when
    /// scenarios pair by name).
    #[arg(long, value_name = "DIR", default_value = "compare")]
    pub out: PathBuf,
    /// Exit 1 when METRIC's mean difference B − A is beyond BOUND
    /// (`>`, `>=`, `<`, `<=`); may be repeated.
    #[arg(long = "fail-if", value_name = "METRIC>BOUND", value_parser = parse_fail_if)]
    pub fail_if: Vec<FailIf>,
    /// Bootstrap resamples per metric (100 to 1,000,000).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RESAMPLES as u64,
          value_parser = clap::value_parser!(u64).range(MIN_RESAMPLES as u64..=MAX_RESAMPLES as u64))]
    pub resamples: u64,
    /// Seed of the bootstrap's draws.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
}

fn parse_fail_if(text: &str) -> Result<FailIf, String> {
    text.parse().map_err(|error: FailIfError| error.to_string())
}

/// One scenario of a side: its name and its directory.
#[derive(Clone, Debug)]
struct Scenario {
    name: String,
    dir: PathBuf,
}

/// The scenarios in `dir`: itself, when it holds a `runs.csv`, else each
/// subdirectory that does (in name order).
fn scenarios_in(dir: &Path) -> Result<Vec<Scenario>, String> {
    let name_of = |path: &Path| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        )
    };
    if dir.join(RUNS_FILE).is_file() {
        let name = dir.canonicalize().map_or_else(|_| name_of(dir), |path| name_of(&path));
        return Ok(vec![Scenario {
            name,
            dir: dir.to_path_buf(),
        }]);
    }
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: cannot read it: {error}", dir.display()))?;
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        if path.join(RUNS_FILE).is_file() {
            found.insert(name_of(&path), path);
        }
    }
    if found.is_empty() {
        return Err(format!(
            "{}: no {RUNS_FILE} here: neither it nor a subdirectory holds one (give a `sessionlab run --out` \
             directory, or one scenario's directory in it)",
            dir.display()
        ));
    }
    Ok(found.into_iter().map(|(name, dir)| Scenario { name, dir }).collect())
}

/// One comparison to make: A's scenario, B's, and where its files go.
struct Pairing {
    a: Scenario,
    b: Scenario,
    out_dir: PathBuf,
}

/// The comparisons between the scenarios of the two sides (see the module
/// header); scenarios on one side only are named on `err`.
fn pairings(arguments: &CompareArguments, err: &mut dyn Write) -> anyhow::Result<Result<Vec<Pairing>, String>> {
    let (a, b) = match (scenarios_in(&arguments.a), scenarios_in(&arguments.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(problem), _) | (_, Err(problem)) => return Ok(Err(problem)),
    };
    if let ([one_a], [one_b]) = (a.as_slice(), b.as_slice()) {
        return Ok(Ok(vec![Pairing {
            a: one_a.clone(),
            b: one_b.clone(),
            out_dir: arguments.out.clone(),
        }]));
    }
    let by_name: BTreeMap<&str, &Scenario> = b.iter().map(|scenario| (scenario.name.as_str(), scenario)).collect();
    let mut found = Vec::new();
    for scenario in &a {
        match by_name.get(scenario.name.as_str()) {
            Some(other) => found.push(Pairing {
                a: scenario.clone(),
                b: (*other).clone(),
                out_dir: arguments.out.join(&scenario.name),
            }),
            None => writeln!(
                err,
                "{}: only in {}: not compared",
                scenario.name,
                arguments.a.display()
            )?,
        }
    }
    for scenario in b
        .iter()
        .filter(|scenario| !a.iter().any(|other| other.name == scenario.name))
    {
        writeln!(
            err,
            "{}: only in {}: not compared",
            scenario.name,
            arguments.b.display()
        )?;
    }
    if found.is_empty() {
        let names = |side: &[Scenario]| {
            side.iter()
                .map(|scenario| scenario.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Ok(Err(format!(
            "no scenario in common: {} holds {}, {} holds {}",
            arguments.a.display(),
            names(&a),
            arguments.b.display(),
            names(&b)
        )));
    }
    Ok(Ok(found))
}

/// Reads the `runs.csv` of `scenario`.
fn read_table(scenario: &Scenario) -> Result<RunsTable, String> {
    let path = scenario.dir.join(RUNS_FILE);
    let file = std::fs::File::open(&path).map_err(|error| format!("{}: cannot read it: {error}", path.display()))?;
    read_runs(std::io::BufReader::new(file), &path.display().to_string()).map_err(|error| error.to_string())
}

/// The comparison of one pairing, or what is wrong with its input.
fn compare_pairing(pairing: &Pairing, settings: BootstrapSettings) -> Result<Comparison, String> {
    let a = read_table(&pairing.a)?;
    let b = read_table(&pairing.b)?;
    compare_tables(&a, &b, settings).map_err(|error| error.to_string())
}

/// Each bound judged on `comparison`, or why one cannot be.
fn judge(bounds: &[FailIf], comparison: &Comparison, sides: &Sides) -> Result<Vec<BoundOutcome>, String> {
    bounds
        .iter()
        .map(|bound| {
            let name = bound.metric.name();
            let metric = comparison
                .metrics
                .iter()
                .find(|metric| metric.column.name == name)
                .ok_or_else(|| {
                    format!(
                        "--fail-if {bound}: {name} is not a column of {}'s runs.csv",
                        sides.name_a
                    )
                })?;
            let mean_difference = metric.mean_difference.filter(|mean| mean.is_finite()).ok_or_else(|| {
                format!(
                    "--fail-if {bound}: no seed has a value of {name} in both {} and {}: the bound cannot be judged",
                    sides.name_a, sides.name_b
                )
            })?;
            Ok(BoundOutcome {
                bound: bound.to_string(),
                mean_difference,
                crossed: bound.crossed(mean_difference),
            })
        })
        .collect()
}

/// The short table on stdout: the metrics that differ on some pair.
fn summary_table(comparison: &Comparison) -> String {
    let differing: Vec<_> = comparison
        .metrics
        .iter()
        .filter(|metric| metric.sign.higher + metric.sign.lower > 0)
        .collect();
    let equal = comparison.metrics.len() - differing.len();
    if differing.is_empty() {
        return "  every metric is equal on every pair\n".to_string();
    }
    let mut rows = vec![["metric", "mean A", "mean B", "B − A", "95 % interval", "sign test p"].map(String::from)];
    rows.extend(differing.iter().map(|metric| {
        [
            metric.column.name.clone(),
            format_figure(metric.mean_a),
            format_figure(metric.mean_b),
            format_figure(metric.mean_difference),
            format_interval(metric),
            format_probability_short(metric.sign.p),
        ]
    }));
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|row| row.iter().map(String::as_str).collect())
        .collect();
    let mut text: String = aligned_table(&rows).lines().map(|line| format!("  {line}\n")).collect();
    if equal > 0 {
        text.push_str(&format!("  ({equal} more metrics are equal on every pair)\n"));
    }
    text
}

/// Writes `compare.csv` and `compare.md` into `dir`.
fn write_files(dir: &Path, csv: &str, markdown: &str) -> Result<(), String> {
    let write = |name: &str, contents: &str| {
        let path = dir.join(name);
        std::fs::write(&path, contents).map_err(|error| format!("{}: {error}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    write("compare.csv", csv)?;
    write("compare.md", markdown)
}

/// Compares one pairing: its files, its table on stdout, its verdicts.
fn compare_one(
    pairing: &Pairing,
    arguments: &CompareArguments,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let settings = BootstrapSettings {
        resamples: usize::try_from(arguments.resamples).unwrap_or(MAX_RESAMPLES),
        seed: arguments.seed,
    };
    let sides = Sides {
        name_a: pairing.a.name.clone(),
        dir_a: pairing.a.dir.display().to_string(),
        name_b: pairing.b.name.clone(),
        dir_b: pairing.b.dir.display().to_string(),
    };
    let judged = compare_pairing(pairing, settings)
        .and_then(|comparison| judge(&arguments.fail_if, &comparison, &sides).map(|bounds| (comparison, bounds)));
    let (comparison, bounds) = match judged {
        Ok(judged) => judged,
        Err(problem) => {
            writeln!(err, "{problem}")?;
            return Ok(Exit::BadInput);
        }
    };
    let markdown = compare_markdown(&comparison, &sides, &bounds);
    if let Err(problem) = write_files(&pairing.out_dir, &compare_csv(&comparison), &markdown) {
        writeln!(err, "{problem}")?;
        return Ok(Exit::BadInput);
    }
    writeln!(
        out,
        "{} → {}: {}",
        sides.name_a,
        sides.name_b,
        pairing_sentence(&comparison)
    )?;
    out.write_all(summary_table(&comparison).as_bytes())?;
    writeln!(
        out,
        "  wrote {} and compare.md",
        pairing.out_dir.join("compare.csv").display()
    )?;
    let mut exit = Exit::Ok;
    for bound in &bounds {
        let figure = format_figure(Some(bound.mean_difference));
        if bound.crossed {
            writeln!(
                err,
                "{} → {}: --fail-if {}: crossed (mean difference {figure})",
                sides.name_a, sides.name_b, bound.bound
            )?;
            exit = Exit::ExpectationFailed;
        } else {
            writeln!(out, "  --fail-if {}: holds (mean difference {figure})", bound.bound)?;
        }
    }
    Ok(exit)
}

/// Runs `compare`: every pairing on its own; the worst outcome is the exit.
pub fn compare(arguments: &CompareArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let pairings = match pairings(arguments, err)? {
        Ok(pairings) => pairings,
        Err(problem) => {
            writeln!(err, "{problem}")?;
            return Ok(Exit::BadInput);
        }
    };
    let mut exit = Exit::Ok;
    for pairing in &pairings {
        exit = exit.worst(compare_one(pairing, arguments, out, err)?);
    }
    out.flush()?;
    Ok(exit)
}
