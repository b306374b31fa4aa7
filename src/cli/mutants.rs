//! `sessionlab mutants [--seeds A..B] [--out DIR] [--jobs N] [--mutant
//! NAME]... [--scenarios DIR]`: run each deliberately broken core
//! (`sessionlab_proto::mutant::Mutant`) against the shipped scenarios known
//! to exercise its rule ([`targets`], printed before the runs), stop at the
//! first seed that fails (an oracle violation or an `[expect]` bound), and
//! print and write (`DIR/mutants.csv`: mutant, caught, scenario, seed, by)
//! what caught it. A mutant nothing catches is a survivor: a rule no
//! oracle or scenario guards. Exits 0 when every mutant was caught, 1 on a
//! survivor, 2 on bad input.
//!
//! The mutants exist only in a build with the `mutants` feature; without
//! it the subcommand says so and exits 2.

use std::io::Write;
use std::path::PathBuf;

use super::run::parse_seeds;
use super::Exit;
use crate::scenario::SeedRange;
use crate::world::batch::MAX_JOBS;

/// The seeds each mutant runs on unless `--seeds` says otherwise.
pub const DEFAULT_MUTANT_SEEDS: (u64, u64) = (0, 2);

/// Arguments of `mutants`.
#[derive(Debug, clap::Args)]
pub struct MutantsArguments {
    /// Seeds each scenario runs, half-open; 0..2 by default.
    #[arg(long, value_name = "A..B", value_parser = parse_seeds)]
    pub seeds: Option<SeedRange>,
    /// Output directory: DIR/mutants.csv.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Parallel jobs (threads) per scenario run.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_JOBS as i64))]
    pub jobs: u32,
    /// Run only this mutant (repeatable); every mutant by default.
    #[arg(long = "mutant", value_name = "NAME")]
    pub mutants: Vec<String>,
    /// Where the shipped scenarios are (`<name>.toml` each).
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenarios: PathBuf,
}

/// Runs `mutants`, or explains that this build has none.
pub fn mutants(arguments: &MutantsArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    #[cfg(feature = "mutants")]
    {
        hunt::hunt(arguments, out, err)
    }
    #[cfg(not(feature = "mutants"))]
    {
        let _ = (arguments, out);
        writeln!(
            err,
            "sessionlab mutants: this sessionlab was built without its mutants; build it with \
             `--features mutants` (e.g. `cargo run --release --features mutants -- mutants`)"
        )?;
        Ok(Exit::BadInput)
    }
}

#[cfg(feature = "mutants")]
pub use hunt::{targets, Catch};

#[cfg(feature = "mutants")]
mod hunt {
    use std::io::Write;
    use std::path::Path;

    use anyhow::Context;
    use sessionlab_proto::mutant::Mutant;

    use super::{MutantsArguments, DEFAULT_MUTANT_SEEDS};
    use crate::cli::check::write_scenario_errors;
    use crate::cli::{aligned_table, Exit};
    use crate::report::failures;
    use crate::scenario::{load_scenario, Scenario, SeedRange};
    use crate::world::batch::run_seeds;

    /// The shipped scenarios (by name, in `scenarios/`) that exercise each
    /// mutant's rule, tried in this order until one catches it.
    pub fn targets(mutant: Mutant) -> &'static [&'static str] {
        match mutant {
            Mutant::DerivedNotRevoked => &["terminate-all-sync-slow-dcs", "terminate-all-sync"],
            Mutant::SyncAnswersEarly => &["terminate-all-sync-slow-dcs"],
            Mutant::TempKeysOutlivePermanent => &["stolen-phone", "terminate-all-sync"],
            Mutant::ReplayWindowOff => &["replay-attack"],
            Mutant::TtlNeverApplied => &["ttl-idle", "ttl-heartbeat"],
            Mutant::FreshSessionRuleOff => &["sim-swap-fresh-session"],
            Mutant::RevokedDeviceNeverWipes => &["stolen-phone", "terminate-all-sync"],
            Mutant::LostUpdateNeverRefetched => &["smoke", "healthy-baseline"],
            Mutant::TerminateAllSparesOne => &["terminate-all-dc-outage", "terminate-all-limit"],
        }
    }

    /// What caught a mutant: the scenario, the seed and the failure.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Catch {
        pub scenario: String,
        pub seed: u64,
        /// The oracle's name, `expect: METRIC BOUND`, or `crash: …`.
        pub by: String,
    }

    pub(super) fn hunt(arguments: &MutantsArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
        let mut chosen = Vec::new();
        for name in &arguments.mutants {
            match name.parse::<Mutant>() {
                Ok(mutant) => chosen.push(mutant),
                Err(error) => {
                    writeln!(err, "--mutant: {error}")?;
                    return Ok(Exit::BadInput);
                }
            }
        }
        if chosen.is_empty() {
            chosen = Mutant::ALL.to_vec();
        }
        let seeds = arguments.seeds.clone().unwrap_or_else(|| {
            let (start, end) = DEFAULT_MUTANT_SEEDS;
            SeedRange::new(start, end, end).expect("the default seed range is valid")
        });
        writeln!(
            out,
            "mutants on seeds {}..{}, each against:",
            seeds.start(),
            seeds.end()
        )?;
        let mapping: Vec<Vec<String>> = chosen
            .iter()
            .map(|mutant| vec![mutant.name().to_string(), targets(*mutant).join(", ")])
            .collect();
        write!(out, "{}", aligned_table(&borrowed(&mapping)))?;
        out.flush()?;
        let mut results = Vec::new();
        for &mutant in &chosen {
            let catch = match hunt_one(mutant, &arguments.scenarios, &seeds, arguments.jobs as usize, err)? {
                Ok(catch) => catch,
                Err(exit) => return Ok(exit),
            };
            results.push((mutant, catch));
        }
        let mut table = vec![["mutant", "caught", "scenario", "seed", "by"]
            .map(String::from)
            .to_vec()];
        for (mutant, catch) in &results {
            table.push(match catch {
                Some(catch) => vec![
                    mutant.name().to_string(),
                    "yes".to_string(),
                    catch.scenario.clone(),
                    catch.seed.to_string(),
                    catch.by.clone(),
                ],
                None => vec![
                    mutant.name().to_string(),
                    "NO".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            });
        }
        write!(out, "{}", aligned_table(&borrowed(&table)))?;
        let path = write_csv(&arguments.out, &results)?;
        let survivors: Vec<&str> = results
            .iter()
            .filter(|(_, catch)| catch.is_none())
            .map(|(mutant, _)| mutant.name())
            .collect();
        writeln!(
            out,
            "{} of {} mutants caught → {}",
            results.len() - survivors.len(),
            results.len(),
            path.display()
        )?;
        if survivors.is_empty() {
            return Ok(Exit::Ok);
        }
        for survivor in survivors {
            writeln!(
                err,
                "mutant {survivor} survived: no oracle or [expect] bound of {} caught it on seeds {}..{}",
                targets(survivor.parse().expect("a mutant's own name")).join(", "),
                seeds.start(),
                seeds.end()
            )?;
        }
        Ok(Exit::ExpectationFailed)
    }

    /// The first catch of `mutant`, or `None` for a survivor; `Err(exit)`
    /// when a scenario file is bad.
    fn hunt_one(
        mutant: Mutant,
        directory: &Path,
        seeds: &SeedRange,
        jobs: usize,
        err: &mut dyn Write,
    ) -> anyhow::Result<Result<Option<Catch>, Exit>> {
        let seeds: Vec<u64> = seeds.iter().collect();
        for name in targets(mutant) {
            let path = directory.join(format!("{name}.toml"));
            let mut scenario: Scenario = match load_scenario(&path) {
                Ok(scenario) => scenario,
                Err(error) => {
                    write_scenario_errors(err, &error)?;
                    return Ok(Err(Exit::BadInput));
                }
            };
            scenario.meta.mutant = Some(mutant);
            let catch = |seed: u64, by: String| Catch {
                scenario: name.to_string(),
                seed,
                by,
            };
            let outcomes = match run_seeds(&scenario, &seeds, jobs, &|_| ()) {
                Ok(outcomes) => outcomes,
                Err(error) => {
                    let seed = error.seed().unwrap_or_default();
                    return Ok(Ok(Some(catch(seed, format!("crash: {error}")))));
                }
            };
            let first = outcomes.iter().find_map(|outcome| {
                let found = failures(&outcome.metrics, &outcome.violations, &scenario.expectations);
                found.first().map(|failure| catch(outcome.seed, failure.by()))
            });
            if first.is_some() {
                return Ok(Ok(first));
            }
        }
        Ok(Ok(None))
    }

    fn borrowed(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|row| row.iter().map(String::as_str).collect())
            .collect()
    }

    /// `DIR/mutants.csv`: one row per mutant, in the order they ran.
    fn write_csv(dir: &Path, results: &[(Mutant, Option<Catch>)]) -> anyhow::Result<std::path::PathBuf> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join("mutants.csv");
        let mut writer = csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))?;
        writer.write_record(["mutant", "caught", "scenario", "seed", "by"])?;
        for (mutant, catch) in results {
            match catch {
                Some(catch) => {
                    let seed = catch.seed.to_string();
                    writer.write_record([mutant.name(), "true", &catch.scenario, &seed, &catch.by])?;
                }
                None => writer.write_record([mutant.name(), "false", "", "", ""])?,
            }
        }
        writer.flush()?;
        Ok(path)
    }
}
