//! Helpers for whole-simulation tests: the small world their scenarios
//! start from, a metric of a run as a number.

use sessionlab::world::RunOutcome;
use sessionlab_testkit::scenario_fixture::{device_with, ScenarioFixture};

/// The world the simulation tests start from: `[scenario]` `name` with a
/// 1-hour quiet period, 40 ms links, every account with a phone and a
/// desktop, owners who never audit (`every = "30d"`, probability 0) and
/// keep no daily rhythm (`population.sleep = "0s"`: a test of one rule
/// should not depend on when owners sleep; `sim_detection` tests it). A test
/// adds its duration, datacenters, accounts, online pattern and update
/// rate, and overrides what it needs otherwise.
pub fn tiny_world(name: &str) -> ScenarioFixture {
    ScenarioFixture::new(name)
        .quiet_period("1h")
        .latency("40ms")
        .devices([device_with("phone", 1.0), device_with("desktop", 1.0)])
        .audit("30d", 0.0, "none")
        .population("sleep", "0s")
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
