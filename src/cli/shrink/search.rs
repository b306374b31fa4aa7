//! The greedy search: starting from the failing scenario, try the
//! reductions kind by kind in their fixed order, keep a candidate when its
//! run at the same seed fails the same way (the same oracle, or the same
//! `[expect]` metric failing the same bound), and go round again until a
//! whole round keeps nothing or the budget is spent. Every candidate tried
//! is a [`Step`], so the report shows the whole path. The same file, seed
//! and run budget give the same steps on any machine.
//!
//! A scenario that names a `mutant` must keep failing *because of* it: a
//! candidate is kept only if, run without the mutant, it does not fail
//! that way (else a reduction could trade the mutant's failure for a
//! bound that a smaller world fails by itself, e.g. more footholds once
//! the owner's sweep is gone).

use std::collections::BTreeMap;

use toml::Table;

use super::budget::{Budget, Spending};
use super::reductions::{candidates, Reduction};
use crate::report::{failures, Failure};
use crate::scenario::{parse_scenario, Scenario};
use crate::world::batch::run_seed;
use crate::world::RunOptions;

/// What became of one candidate.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// It fails the same way: kept.
    Kept,
    /// It passes.
    Passes,
    /// It fails, but otherwise (the first way it fails).
    FailsOtherwise(String),
    /// It fails the same way without its mutant too: not the mutant's failure.
    FailsWithoutMutant,
    /// The parser refuses it (not run).
    Invalid(String),
    /// Its run crashed or ran away.
    Crashed(String),
}

/// One candidate tried.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub step: String,
    pub verdict: Verdict,
}

/// Where the search ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Shrunk {
    pub document: Table,
    pub steps: Vec<Step>,
    /// Candidate runs made.
    pub runs: u64,
    /// Whether it stopped for the budget rather than for want of a smaller candidate.
    pub out_of_budget: bool,
}

/// How one scenario fares at a seed: its failures, or why its run has none to judge.
pub fn judge(scenario: &Scenario, seed: u64) -> Result<Vec<Failure>, Verdict> {
    let outcome =
        run_seed(scenario, seed, RunOptions::default()).map_err(|error| Verdict::Crashed(error.to_string()))?;
    Ok(failures(&outcome.metrics, &outcome.violations, &scenario.expectations))
}

/// Whether `text` names a mutant and, without it, still fails like `target`.
fn unmutated_fails_too(text: &str, file_name: &str, seed: u64, target: &Failure, spending: &mut Spending) -> bool {
    let Ok(mut document) = text.parse::<Table>() else {
        return false;
    };
    let named = match document.get_mut("scenario") {
        Some(toml::Value::Table(meta)) => meta.remove("mutant").is_some(),
        _ => false,
    };
    if !named {
        return false;
    }
    let Ok(scenario) = parse_scenario(&toml::to_string(&document).unwrap_or_default(), file_name) else {
        return false;
    };
    spending.spend();
    judge(&scenario, seed).is_ok_and(|found| found.iter().any(|failure| failure.same_way(target)))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// Shrinks `document` while its run at `seed` fails like `target`.
pub fn shrink(document: Table, file_name: &str, seed: u64, target: &Failure, budget: Budget) -> Shrunk {
    let mut spending = Spending::new(budget);
    let mut current = document;
    let mut steps = Vec::new();
    // Text → verdict of every candidate already run (a reduction may lead
    // back to a document tried before).
    let mut tried: BTreeMap<String, Verdict> = BTreeMap::new();
    let mut out_of_budget = false;
    'rounds: loop {
        let mut kept_any = false;
        for kind in Reduction::ALL {
            'kind: loop {
                for candidate in candidates(kind, &current) {
                    let text = toml::to_string(&candidate.document).unwrap_or_default();
                    let verdict = match tried.get(&text) {
                        Some(verdict) => verdict.clone(),
                        None => {
                            if !spending.allows_another() {
                                out_of_budget = true;
                                break 'rounds;
                            }
                            let verdict = verdict_of(&text, file_name, seed, target, &mut spending);
                            tried.insert(text, verdict.clone());
                            steps.push(Step {
                                step: candidate.step.clone(),
                                verdict: verdict.clone(),
                            });
                            verdict
                        }
                    };
                    if verdict == Verdict::Kept {
                        current = candidate.document;
                        kept_any = true;
                        continue 'kind;
                    }
                }
                break;
            }
        }
        if !kept_any {
            break;
        }
    }
    Shrunk {
        document: current,
        steps,
        runs: spending.runs(),
        out_of_budget,
    }
}

fn verdict_of(text: &str, file_name: &str, seed: u64, target: &Failure, spending: &mut Spending) -> Verdict {
    let scenario = match parse_scenario(text, file_name) {
        Ok(scenario) => scenario,
        Err(errors) => return Verdict::Invalid(first_line(&errors.to_string())),
    };
    spending.spend();
    match judge(&scenario, seed) {
        Ok(found) if found.iter().any(|failure| failure.same_way(target)) => {
            match unmutated_fails_too(text, file_name, seed, target, spending) {
                true => Verdict::FailsWithoutMutant,
                false => Verdict::Kept,
            }
        }
        Ok(found) => match found.first() {
            Some(other) => Verdict::FailsOtherwise(other.by()),
            None => Verdict::Passes,
        },
        Err(verdict) => verdict,
    }
}
