//! Whole small simulations end to end: the real server and clients over the
//! simulated network, judged by the oracles.

use sessionlab::scenario::parse_scenario;
use sessionlab::sim::world::{run, RunOptions};

fn scenario(text: &str) -> sessionlab::scenario::ResolvedScenario {
    parse_scenario(text, "test.toml").expect("valid scenario").resolve(0)
}

const BASELINE: &str = r#"
[scenario]
name = "tiny-baseline"
duration = "1d"
quiet_period = "1h"

[datacenters]
count = 2

[network]
latency = "40ms"

[population]
accounts = 3
devices = [{ kind = "phone", probability = 1.0 }, { kind = "desktop", probability = 1.0 }]
online = { mean_session = "30m", mean_gap = "2h" }
updates_per_day = 50
update_bytes = 200
audit = { every = "7d", probability = 0.0, action = "none" }
"#;

#[test]
fn a_tiny_baseline_converges_and_is_deterministic() {
    let resolved = scenario(BASELINE);
    let first = run(&resolved, 1, RunOptions::default()).expect("runs");
    for (name, value) in &first.metrics {
        eprintln!("{name} = {value:?}");
    }
    let again = run(&resolved, 1, RunOptions::default()).expect("runs");
    assert_eq!(first.trace_hash, again.trace_hash);
    let other = run(&resolved, 2, RunOptions::default()).expect("runs");
    assert_ne!(first.trace_hash, other.trace_hash);
}

const STOLEN: &str = r#"
[scenario]
name = "tiny-stolen-key"
duration = "4d"
quiet_period = "1h"

[policy]
revocation = "REVOCATION"

[datacenters]
count = 2

[network]
latency = "40ms"

[population]
accounts = 4
devices = [{ kind = "phone", probability = 1.0 }, { kind = "desktop", probability = 1.0 }]
online = { mean_session = "30m", mean_gap = "2h" }
updates_per_day = 20
update_bytes = 200
audit = { every = "2d", probability = 1.0, action = "terminate_all_others" }

[[attacker]]
name = "malware-copy"
targets = "100%"
acquire = { kind = "session_file", device = "desktop", at = "1d" }
behavior = ["exfiltrate", "heartbeat", "persist"]
"#;

#[test]
fn a_stolen_session_file_is_found_by_audits() {
    let resolved = scenario(&STOLEN.replace("REVOCATION", "sync"));
    let outcome = run(&resolved, 3, RunOptions::default()).expect("runs");
    for (name, value) in &outcome.metrics {
        eprintln!("{name} = {value:?}");
    }
    for foothold in &outcome.footholds {
        eprintln!("foothold {foothold:?}");
    }
    eprintln!("violations {:?}", outcome.violations);
}

#[test]
fn a_batch_gives_the_same_outcomes_on_one_and_two_threads() {
    let scenario = parse_scenario(BASELINE, "test.toml").expect("valid");
    let seeds = [4, 5, 6];
    let one = sessionlab::sim::batch::run_seeds(&scenario, &seeds, 1, &|_| {}).expect("runs");
    let two = sessionlab::sim::batch::run_seeds(&scenario, &seeds, 2, &|_| {}).expect("runs");
    let hashes = |outcomes: &[sessionlab::sim::world::RunOutcome]| {
        outcomes
            .iter()
            .map(|outcome| (outcome.seed, outcome.trace_hash.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(hashes(&one), hashes(&two));
    assert_eq!(one.iter().map(|outcome| outcome.seed).collect::<Vec<_>>(), seeds);
}
