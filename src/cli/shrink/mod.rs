//! `sessionlab shrink SCENARIO --seed N [--budget B] [--out DIR]`: a seed
//! that fails (an oracle violation or an `[expect]` bound) becomes the
//! smallest scenario the greedy search (`search`) finds that still fails
//! the same way at that seed: fewer accounts, attackers, faults, owner
//! actions, device events, device kinds and behaviours, a shorter run,
//! simpler network settings (`reductions`), within a budget of candidate
//! runs or wall time (`budget`). Writes `DIR/NAME.min.toml` (`[scenario]
//! name = "NAME-min"`, `seeds = "N..N+1"`, `[expect]` cut to the bound that
//! fails, if one does), which `sessionlab run DIR/NAME.min.toml` reproduces,
//! and its event trace `DIR/NAME.min.trace.jsonl` (the `replay --trace`
//! schema); prints every step tried.

mod budget;
mod reductions;
mod search;

use std::io::Write;
use std::path::PathBuf;

use toml::{Table, Value};

pub use budget::Budget;
use search::{judge, shrink, Verdict};

use super::check::write_scenario_errors;
use super::replay::write_trace;
use super::Exit;
use crate::report::{failures, Failure};
use crate::scenario::{load_scenario_source, parse_scenario};
use crate::world::batch::run_seed;
use crate::world::RunOptions;

/// Arguments of `shrink`.
#[derive(Debug, clap::Args)]
pub struct ShrinkArguments {
    /// The scenario file.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The seed that fails.
    #[arg(long)]
    pub seed: u64,
    /// How much to search: candidate runs (`200runs`, the default; the same
    /// steps on every machine) or wall time (`5m`).
    #[arg(long, value_name = "BUDGET", default_value_t = Budget::default())]
    pub budget: Budget,
    /// Where NAME.min.toml and NAME.min.trace.jsonl go.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

pub fn shrink_command(arguments: &ShrinkArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let label = arguments.scenario.display().to_string();
    let seed = arguments.seed;
    let (text, scenario) = match load_scenario_source(&arguments.scenario) {
        Ok(loaded) => loaded,
        Err(errors) => {
            write_scenario_errors(err, &errors)?;
            return Ok(Exit::BadInput);
        }
    };
    let target = match judge(&scenario, seed) {
        Ok(found) => match found.into_iter().next() {
            Some(first) => first,
            None => {
                writeln!(err, "{label}: seed {seed} passes: shrink takes a seed that fails")?;
                return Ok(Exit::BadInput);
            }
        },
        Err(verdict) => {
            writeln!(
                err,
                "{label}: seed {seed} does not run to an end ({verdict:?}): shrink takes a seed that fails an \
                 oracle or an [expect] bound; `sessionlab replay {label} --seed {seed}` shows the crash"
            )?;
            return Ok(Exit::Crashed);
        }
    };
    let Ok(document) = text.parse::<Table>() else {
        writeln!(err, "{label}: the file parsed as a scenario but not as a TOML table")?;
        return Ok(Exit::BadInput);
    };
    let name = scenario.meta.name.clone();
    writeln!(out, "{label} seed {seed} fails by {}: {target}", target.by())?;
    writeln!(out, "shrinking with a budget of {}:", arguments.budget)?;
    let start = prepared(document.clone(), &name, seed, &target);
    let file_name = format!("{name}.min.toml");
    let shrunk = shrink(start, &file_name, seed, &target, arguments.budget);
    for (number, step) in shrunk.steps.iter().enumerate() {
        writeln!(
            out,
            "  {:>3}. {}: {}",
            number + 1,
            step.step,
            verdict_text(&step.verdict)
        )?;
    }
    let kept = shrunk.steps.iter().filter(|step| step.verdict == Verdict::Kept).count();
    writeln!(
        out,
        "{} steps tried ({} candidate runs), {kept} kept; {}",
        shrunk.steps.len(),
        shrunk.runs,
        if shrunk.out_of_budget {
            "stopped: the budget is spent (a larger --budget may shrink further)"
        } else {
            "stopped: no reduction keeps the failure"
        }
    )?;
    writeln!(out, "before: {}", Size::of(&document))?;
    writeln!(out, "after:  {}", Size::of(&shrunk.document))?;
    let header = format!(
        "# Shrunk by `sessionlab shrink {label} --seed {seed}` ({} steps tried, {kept} kept)\n\
         # from {}; it fails by {}.\n\
         # Reproduce: sessionlab run {file_name} --seeds {seed}..{}\n\n",
        shrunk.steps.len(),
        Size::of(&document),
        target.by(),
        seed + 1
    );
    let minimal = format!("{header}{}", render(&shrunk.document)?);
    reproduce(&minimal, &file_name, seed, &target, arguments, out, err)
}

/// The search's starting point: the same scenario named `NAME-min`, on the
/// one seed, with `[expect]` cut to the bound that fails (none for an
/// oracle). None of this changes the run.
fn prepared(mut document: Table, name: &str, seed: u64, target: &Failure) -> Table {
    if let Some(Value::Table(meta)) = document.get_mut("scenario") {
        meta.insert("name".into(), Value::String(format!("{name}-min")));
        meta.insert("seeds".into(), Value::String(format!("{seed}..{}", seed + 1)));
    }
    match target {
        Failure::Expect { metric, .. } => {
            if let Some(Value::Table(expect)) = document.get_mut("expect") {
                expect.retain(|key, _| key == metric.name());
            }
        }
        Failure::Oracle { .. } => {
            document.remove("expect");
        }
    }
    document
}

/// Writes the minimal scenario and its trace after checking that its text
/// fails as the original did.
fn reproduce(
    minimal: &str,
    file_name: &str,
    seed: u64,
    target: &Failure,
    arguments: &ShrinkArguments,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Exit> {
    let scenario = match parse_scenario(minimal, file_name) {
        Ok(scenario) => scenario,
        Err(errors) => {
            write_scenario_errors(err, &errors)?;
            return Ok(Exit::Crashed);
        }
    };
    let outcome = match run_seed(&scenario, seed, RunOptions { record_trace: true }) {
        Ok(outcome) => outcome,
        Err(error) => {
            writeln!(err, "{file_name}: {error}")?;
            return Ok(Exit::Crashed);
        }
    };
    let found = failures(&outcome.metrics, &outcome.violations, &scenario.expectations);
    if !found.iter().any(|failure| failure.same_way(target)) {
        writeln!(
            err,
            "{file_name}: seed {seed} no longer fails by {} (a bug in shrink)",
            target.by()
        )?;
        return Ok(Exit::Crashed);
    }
    std::fs::create_dir_all(&arguments.out)?;
    let path = arguments.out.join(file_name);
    std::fs::write(&path, minimal)?;
    let trace_path = arguments.out.join(file_name.replace(".toml", ".trace.jsonl"));
    if let Some(trace) = &outcome.trace {
        write_trace(&trace_path, trace, None)?;
    }
    writeln!(out, "wrote {} and {}", path.display(), trace_path.display())?;
    writeln!(
        out,
        "reproduce: sessionlab run {} --seeds {seed}..{}",
        path.display(),
        seed + 1
    )?;
    out.flush()?;
    Ok(Exit::Ok)
}

/// The sections in the order `scenarios/README.md` documents them.
const SECTION_ORDER: [&str; 11] = [
    "scenario",
    "policy",
    "datacenters",
    "network",
    "fault",
    "population",
    "attacker",
    "owner_action",
    "device_event",
    "expect",
    "swarm",
];

/// A document as TOML with its sections in the documented order (any
/// other after them), empty tables left out.
pub fn render(document: &Table) -> Result<String, toml::ser::Error> {
    let mut keys: Vec<&String> = document.keys().collect();
    keys.sort_by_key(|key| {
        SECTION_ORDER
            .iter()
            .position(|known| known == key)
            .unwrap_or(SECTION_ORDER.len())
    });
    let mut text = String::new();
    for key in keys {
        let value = &document[key.as_str()];
        if value.as_table().is_some_and(Table::is_empty) {
            continue;
        }
        let mut one = Table::new();
        one.insert(key.clone(), value.clone());
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&toml::to_string(&one)?);
    }
    Ok(text)
}

fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Kept => "fails the same way: kept".into(),
        Verdict::Passes => "passes".into(),
        Verdict::FailsOtherwise(by) => format!("fails otherwise ({by})"),
        Verdict::FailsWithoutMutant => "fails the same way without the mutant too: not kept".into(),
        Verdict::Invalid(why) => format!("not a valid scenario ({why})"),
        Verdict::Crashed(why) => format!("crashed ({why})"),
    }
}

/// What a reader counts in a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Size {
    /// `population.accounts` as the file writes it.
    pub accounts: String,
    pub attackers: usize,
    pub faults: usize,
    pub owner_actions: usize,
    pub device_events: usize,
    pub duration: String,
}

impl Size {
    pub fn of(document: &Table) -> Size {
        let count = |key: &str| document.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        let text = |section: &str, key: &str| {
            document
                .get(section)
                .and_then(|table| table.get(key))
                .map(|value| match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        Size {
            accounts: text("population", "accounts"),
            attackers: count("attacker"),
            faults: count("fault"),
            owner_actions: count("owner_action"),
            device_events: count("device_event"),
            duration: text("scenario", "duration"),
        }
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "accounts {}, attackers {}, faults {}, owner actions {}, device events {}, duration {}",
            self.accounts, self.attackers, self.faults, self.owner_actions, self.device_events, self.duration
        )
    }
}
