//! `merge` of a sweep's shards (`sweep --shard I/N`): the files one sweep
//! over all the seeds writes, byte for byte, judged as it judges them.
//!
//! A sweep shard's directory holds `sweep.json`, the swept file's text
//! (`scenario.toml`) and one run shard per variant (`variant-0000/`, …).
//! The merge rebuilds every variant from the swept file and the settings,
//! as `sweep` did, and then merges each variant's run shards with the
//! checks a run's shards get (same file, version, seed range, each shard
//! once); a variant shard must have been run from exactly the variant
//! rebuilt. Anything else is refused with exit 2, and nothing is written.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant as WallClock;

use super::check::write_scenario_errors;
use super::merge::{check_parts, read_rows, Part};
use super::run::seed_progress;
use super::sweep::{build_variants, finish_sweep, variant_rows, FinishedSweep};
use super::Exit;
use crate::report::{self, sha256_hex, variant_dir, SweepManifest, VariantRows};
use crate::scenario::{parse_scenario, Scenario};

/// One sweep shard's directory and its manifest.
pub(super) struct SweepPart {
    dir: PathBuf,
    pub(super) manifest: SweepManifest,
}

impl SweepPart {
    /// Reads the manifest in `dir`.
    pub(super) fn read(dir: PathBuf) -> Result<SweepPart, String> {
        SweepManifest::read(&dir)
            .map(|manifest| SweepPart { dir, manifest })
            .map_err(|error| error.to_string())
    }
}

/// Why the sweep shards do not belong to one sweep, if they do not.
fn check_sweep_parts(parts: &[SweepPart], out_dir: &Path) -> Result<(), String> {
    let version = env!("CARGO_PKG_VERSION");
    let Some(first) = parts.first() else {
        return Err("no sweep shard".to_string());
    };
    let settings = |part: &SweepPart| -> Vec<String> { part.manifest.settings.iter().map(|s| s.to_string()).collect() };
    for part in parts {
        let named = format!("{}: sweep shard of {}", part.dir.display(), part.manifest.scenario);
        let against = first.dir.display();
        if part.manifest.version != version {
            return Err(format!(
                "{named} was written by sessionlab {}, but this is sessionlab {version}: merge with the version that ran the shards",
                part.manifest.version
            ));
        }
        if settings(part) != settings(first) {
            return Err(format!(
                "{named} sweeps {}, but {against} sweeps {}",
                settings(part).join(" "),
                settings(first).join(" ")
            ));
        }
        if part.manifest.metrics != first.manifest.metrics {
            return Err(format!("{named} charts other metrics than {against}"));
        }
        if part.manifest.variants != first.manifest.variants {
            return Err(format!(
                "{named} has {} variants, but {against} has {}",
                part.manifest.variants, first.manifest.variants
            ));
        }
        let merged = out_dir.join(&part.manifest.scenario);
        if matches!((merged.canonicalize(), part.dir.canonicalize()), (Ok(a), Ok(b)) if a == b) {
            return Err(format!("{named}: --out would write the merged sweep over this shard"));
        }
    }
    Ok(())
}

/// The swept file's scenario and the variants rebuilt from it, or `None`
/// after writing why not.
fn rebuild(first: &SweepPart, err: &mut dyn Write) -> anyhow::Result<Option<(Scenario, Vec<super::sweep::Built>)>> {
    let text = match report::read_scenario_copy(&first.dir) {
        Ok(text) => text,
        Err(error) => {
            writeln!(err, "{error}")?;
            return Ok(None);
        }
    };
    let label = first.dir.join(report::shard_files::SCENARIO_COPY).display().to_string();
    let scenario = match parse_scenario(&text, &label) {
        Ok(scenario) if scenario.meta.name == first.manifest.scenario => scenario,
        Ok(_) => {
            writeln!(err, "{label}: damaged: it names another scenario than its sweep.json")?;
            return Ok(None);
        }
        Err(errors) => {
            write_scenario_errors(err, &errors)?;
            return Ok(None);
        }
    };
    let Some(built) = build_variants(&text, &label, &first.manifest.settings, err)? else {
        return Ok(None);
    };
    if built.len() != first.manifest.variants {
        writeln!(
            err,
            "{}: damaged: sweep.json counts {} variants, its settings make {}",
            first.dir.display(),
            first.manifest.variants,
            built.len()
        )?;
        return Ok(None);
    }
    Ok(Some((scenario, built)))
}

/// Merges the shards of one sweep into `out_dir/<name>/`.
pub(super) fn merge_sweep(
    parts: &[SweepPart],
    out_dir: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let started = WallClock::now();
    let Some(first) = parts.first() else {
        return Ok(Exit::Ok);
    };
    if let Err(problem) = check_sweep_parts(parts, out_dir) {
        writeln!(err, "{problem}")?;
        return Ok(Exit::BadInput);
    }
    let Some((scenario, built)) = rebuild(first, err)? else {
        return Ok(Exit::BadInput);
    };
    let name = &first.manifest.scenario;
    let mut variants: Vec<VariantRows> = Vec::with_capacity(built.len());
    let mut label = String::new();
    let mut progress = None;
    for (index, one) in built.iter().enumerate() {
        let variant_parts = match parts
            .iter()
            .map(|part| Part::read(part.dir.join(variant_dir(index))))
            .collect::<Result<Vec<Part>, String>>()
        {
            Ok(variant_parts) => variant_parts,
            Err(problem) => {
                writeln!(err, "{problem}")?;
                return Ok(Exit::BadInput);
            }
        };
        let problem = check_parts(name, &variant_parts, out_dir).err().or_else(|| {
            let sha = sha256_hex(&one.text);
            variant_parts
                .iter()
                .find(|part| part.manifest.scenario_sha256 != sha)
                .map(|part| {
                    format!(
                        "{}: damaged: not a shard of variant {} ({}) of the swept file",
                        part.dir.display(),
                        index,
                        one.variant
                    )
                })
        });
        if let Some(problem) = problem {
            writeln!(err, "{problem}")?;
            return Ok(Exit::BadInput);
        }
        let Some(reference) = variant_parts.first() else {
            return Ok(Exit::BadInput);
        };
        label.clone_from(&reference.manifest.scenario_file);
        // On a terminal: seeds read of every variant, and the time left.
        let total = reference.manifest.seeds.len() as usize * built.len();
        let bar = progress.get_or_insert_with(|| std::io::stderr().is_terminal().then(|| seed_progress(total, name)));
        match read_rows(&variant_parts, &one.scenario, bar.as_ref()) {
            Ok(rows) => variants.push(variant_rows(one, rows)),
            Err(error) => {
                writeln!(err, "{error}")?;
                return Ok(Exit::BadInput);
            }
        }
    }
    if let Some(Some(bar)) = progress {
        bar.finish_and_clear();
    }
    let finished = FinishedSweep {
        scenario: &scenario,
        label: &label,
        settings: &first.manifest.settings,
        asked: &first.manifest.metrics,
        built: &built,
        variants,
        how: format!(" merged from {} shards", parts.len()),
        started,
    };
    finish_sweep(finished, &out_dir.join(name), out, err)
}
