//! `sessionlab merge DIR... [--out DIR]`: combine the shards of a run
//! (`run --shard I/N`, perhaps on several machines) into the files one
//! `run` over the whole seed range writes, byte for byte, and judge its
//! `[expect]` section and oracles as that run would (exit 1 on a failure).
//!
//! Each DIR is a shard's directory (holding `shard.json`, or `sweep.json`
//! for a shard of a sweep) or the `--out` directory of a sharded run or
//! sweep (each subdirectory holding one is a part). Parts are grouped by scenario name, and each scenario merges
//! alone. A scenario's parts must come from the same scenario file, the
//! same sessionlab version (this one) and the same seed range split into
//! the same number of shards, every shard exactly once, and its files
//! must be as a shard writes them: anything else is refused, naming the
//! problem, with exit 2 and no file of that scenario written. A sweep's
//! parts merge into the files one sweep writes (`sweep_merge`).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant as WallClock;

use super::check::write_scenario_errors;
use super::finish::{finish, Finished};
use super::run::seed_progress;
use super::sweep_merge::{merge_sweep, SweepPart};
use super::Exit;
use crate::report::{self, sha256_hex, Row, ShardManifest, MANIFEST_FILE, SWEEP_MANIFEST_FILE};
use crate::scenario::{parse_scenario, Scenario};

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArguments {
    /// Shard directories, or the --out directories of sharded runs.
    #[arg(value_name = "DIR", required = true)]
    pub parts: Vec<PathBuf>,
    /// Output directory; each scenario's reports go in DIR/<scenario name>/.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
}

/// One shard's directory and its manifest.
pub(super) struct Part {
    pub(super) dir: PathBuf,
    pub(super) manifest: ShardManifest,
}

impl Part {
    /// Reads the manifest in `dir`.
    pub(super) fn read(dir: PathBuf) -> Result<Part, String> {
        ShardManifest::read(&dir)
            .map(|manifest| Part { dir, manifest })
            .map_err(|error| error.to_string())
    }

    /// "`dir`: shard 1/3 of smoke", how messages begin.
    fn named(&self) -> String {
        format!(
            "{}: shard {} of {}",
            self.dir.display(),
            self.manifest.shard,
            self.manifest.scenario
        )
    }
}

/// The parts found in the DIRs: shards of runs and shards of sweeps.
#[derive(Default)]
struct Found {
    runs: Vec<Part>,
    sweeps: Vec<SweepPart>,
}

impl Found {
    /// Adds the part in `dir`, if it holds a manifest.
    fn add(&mut self, dir: PathBuf) -> Result<bool, String> {
        if dir.join(SWEEP_MANIFEST_FILE).is_file() {
            self.sweeps.push(SweepPart::read(dir)?);
        } else if dir.join(MANIFEST_FILE).is_file() {
            self.runs.push(Part::read(dir)?);
        } else {
            return Ok(false);
        }
        Ok(true)
    }
}

/// Adds the parts in `dir`: itself, if it holds a manifest, else each
/// subdirectory that does (in name order).
fn find_parts(dir: &Path, found: &mut Found) -> Result<(), String> {
    if found.add(dir.to_path_buf())? {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: cannot read it: {error}", dir.display()))?;
    let mut subdirectories: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    subdirectories.sort();
    let mut any = false;
    for subdirectory in subdirectories {
        any |= found.add(subdirectory)?;
    }
    if !any {
        return Err(format!(
            "{}: no shard here: neither it nor a subdirectory holds a {MANIFEST_FILE} or a {SWEEP_MANIFEST_FILE}",
            dir.display()
        ));
    }
    Ok(())
}

/// Why the parts of one scenario do not make a whole, if they do not.
pub(super) fn check_parts(name: &str, parts: &[Part], out_dir: &Path) -> Result<(), String> {
    let version = env!("CARGO_PKG_VERSION");
    let Some(first) = parts.first() else {
        return Err(format!("{name}: no shard"));
    };
    let mut by_index: BTreeMap<u64, &Part> = BTreeMap::new();
    for part in parts {
        let (manifest, reference) = (&part.manifest, &first.manifest);
        let against = format!("shard {} in {}", reference.shard, first.dir.display());
        if manifest.scenario_sha256 != reference.scenario_sha256 {
            return Err(format!(
                "{} was run from a different scenario file than {against}",
                part.named()
            ));
        }
        if manifest.version != version {
            return Err(format!(
                "{} was written by sessionlab {}, but this is sessionlab {version}: merge with the version that ran the shards",
                part.named(),
                manifest.version
            ));
        }
        if manifest.seeds != reference.seeds {
            return Err(format!(
                "{} splits seeds {}..{}, but {against} splits seeds {}..{}",
                part.named(),
                manifest.seeds.start(),
                manifest.seeds.end(),
                reference.seeds.start(),
                reference.seeds.end()
            ));
        }
        if manifest.shard.count() != reference.shard.count() {
            return Err(format!(
                "{} overlaps {against}: they split the seeds into different numbers of shards",
                part.named()
            ));
        }
        if let Some(other) = by_index.insert(manifest.shard.index(), part) {
            return Err(format!(
                "{} is also in {}: each shard must be given once",
                part.named(),
                other.dir.display()
            ));
        }
        if same_directory(&out_dir.join(name), &part.dir) {
            return Err(format!(
                "{}: --out would write the merged reports over this shard",
                part.named()
            ));
        }
    }
    let count = first.manifest.shard.count();
    let missing: Vec<String> = (0..count)
        .filter(|index| !by_index.contains_key(index))
        .take(5)
        .map(|index| format!("{index}/{count}"))
        .collect();
    match missing.len() {
        0 => Ok(()),
        1 => Err(format!(
            "{name}: shard {} is missing: a merge needs all {count} shards",
            missing[0]
        )),
        _ => Err(format!(
            "{name}: shards {}{} are missing: a merge needs all {count} shards",
            missing.join(", "),
            if (by_index.len() as u64) + 5 < count {
                ", …"
            } else {
                ""
            }
        )),
    }
}

/// Whether `a` and `b` name one existing directory.
fn same_directory(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// The scenario the parts ran, from the first part's copy; every part's
/// copy must be the text its manifest hashed.
pub(super) fn scenario_of(parts: &[Part], err: &mut dyn Write) -> anyhow::Result<Option<Scenario>> {
    let mut text = String::new();
    for part in parts {
        let copy = match report::read_scenario_copy(&part.dir) {
            Ok(copy) => copy,
            Err(error) => {
                writeln!(err, "{error}")?;
                return Ok(None);
            }
        };
        if sha256_hex(&copy) != part.manifest.scenario_sha256 {
            writeln!(
                err,
                "{}: damaged: its scenario.toml is not the file the manifest's scenario_sha256 names",
                part.named()
            )?;
            return Ok(None);
        }
        text = copy;
    }
    let Some(first) = parts.first() else {
        return Ok(None);
    };
    let label = first.dir.join(report::shard_files::SCENARIO_COPY).display().to_string();
    match parse_scenario(&text, &label) {
        Ok(scenario) if scenario.meta.name == first.manifest.scenario => Ok(Some(scenario)),
        Ok(_) => {
            writeln!(
                err,
                "{}: damaged: its scenario.toml names another scenario",
                first.named()
            )?;
            Ok(None)
        }
        Err(errors) => {
            write_scenario_errors(err, &errors)?;
            Ok(None)
        }
    }
}

/// Every part's rows, read back and checked; `progress` counts them.
pub(super) fn read_rows(
    parts: &[Part],
    scenario: &Scenario,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Vec<Row>, report::ShardFileError> {
    let mut rows: Vec<Row> = Vec::new();
    for part in parts {
        let seeds: Vec<u64> = part.manifest.shard.seeds(&part.manifest.seeds).collect();
        let part_rows = report::read_shard_rows(&part.dir, &seeds, &|seed| scenario.draws(seed))?;
        if let Some(bar) = progress {
            bar.inc(part_rows.len() as u64);
        }
        rows.extend(part_rows);
    }
    Ok(rows)
}

/// Merges the parts of one scenario into `arguments.out`.
fn merge_one(parts: &[Part], out_dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let started = WallClock::now();
    let Some(first) = parts.first() else {
        return Ok(Exit::Ok);
    };
    if let Err(problem) = check_parts(&first.manifest.scenario, parts, out_dir) {
        writeln!(err, "{problem}")?;
        return Ok(Exit::BadInput);
    }
    let Some(scenario) = scenario_of(parts, err)? else {
        return Ok(Exit::BadInput);
    };
    // On a terminal: seeds read of the whole range, and the time left.
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| seed_progress(first.manifest.seeds.len() as usize, &first.manifest.scenario));
    let rows = read_rows(parts, &scenario, progress.as_ref());
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            writeln!(err, "{error}")?;
            return Ok(Exit::BadInput);
        }
    };
    let finished = Finished {
        scenario: &scenario,
        label: &first.manifest.scenario_file,
        rows,
        how: format!(" merged from {} shards", parts.len()),
        started,
    };
    finish(finished, out_dir, out, err)
}

/// Runs `merge`: every scenario found in the DIRs, each on its own; the
/// worst outcome is the exit.
pub fn merge(arguments: &MergeArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let mut found = Found::default();
    for dir in &arguments.parts {
        if let Err(problem) = find_parts(dir, &mut found) {
            // A part that cannot be read would show up as a missing
            // shard of some scenario; say what is wrong instead.
            writeln!(err, "{problem}")?;
            return Ok(Exit::BadInput);
        }
    }
    let mut groups: BTreeMap<String, Vec<Part>> = BTreeMap::new();
    for part in found.runs {
        groups.entry(part.manifest.scenario.clone()).or_default().push(part);
    }
    let mut sweeps: BTreeMap<String, Vec<SweepPart>> = BTreeMap::new();
    for part in found.sweeps {
        sweeps.entry(part.manifest.scenario.clone()).or_default().push(part);
    }
    let mut exit = Exit::Ok;
    for parts in groups.values() {
        exit = exit.worst(merge_one(parts, &arguments.out, out, err)?);
    }
    for parts in sweeps.values() {
        exit = exit.worst(merge_sweep(parts, &arguments.out, out, err)?);
    }
    out.flush()?;
    Ok(exit)
}
