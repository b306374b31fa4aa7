//! Helpers for whole-simulation tests: a scenario from TOML text, a metric
//! of a run as a number.

use sessionlab::scenario::{parse_scenario, MetricValue, ResolvedScenario};
use sessionlab::world::RunOutcome;

/// Seed 0's draw of a scenario written inline.
pub fn resolved(text: &str) -> ResolvedScenario {
    parse_scenario(text, "test.toml").expect("valid scenario").resolve(0)
}

/// A metric of a run, booleans as 0 or 1.
pub fn metric(outcome: &RunOutcome, name: &str) -> f64 {
    match outcome.metrics.get(name) {
        Some(MetricValue::Number(value)) => *value,
        Some(MetricValue::Bool(value)) => f64::from(u8::from(*value)),
        None => panic!("no metric {name}"),
    }
}
