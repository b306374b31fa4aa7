//! Helpers for whole-simulation tests: a scenario from TOML text, a metric
//! of a run as a number.

use sessionlab::scenario::{parse_scenario, ResolvedScenario};
use sessionlab::world::RunOutcome;

/// Seed 0's draw of a scenario written inline.
pub fn resolved(text: &str) -> ResolvedScenario {
    parse_scenario(text, "test.toml").expect("valid scenario").resolve(0)
}

/// A metric of a run by its column name, booleans as 0 or 1.
pub fn metric(outcome: &RunOutcome, name: &str) -> f64 {
    match outcome.metrics.by_name(name) {
        Some(value) => value.as_number(),
        None => panic!("no metric {name}"),
    }
}

/// Print a run's metrics and violations (shown when a test fails).
pub fn show(outcome: &RunOutcome) {
    for (metric, value) in outcome.metrics.iter() {
        eprintln!("{} = {value}", metric.name);
    }
    for violation in &outcome.violations {
        eprintln!("violation: {violation}");
    }
}
