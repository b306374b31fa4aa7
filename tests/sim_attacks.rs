//! Attacks end to end, one behaviour or acquisition at a time, with the
//! exact metrics of fixed seeds: packet replay, heartbeats against the
//! inactivity TTL, and what owners do about them.

mod support;

use sessionlab::sim::world::{run, RunOptions, RunOutcome};
use support::sim::{metric, resolved};

const REPLAY: &str = r#"
[scenario]
name = "tiny-replay"
duration = "2d"
quiet_period = "1h"

[datacenters]
count = 2

[network]
latency = "40ms"
loss = 0.05

[population]
accounts = 3
devices = [{ kind = "phone", probability = 1.0 }, { kind = "desktop", probability = 1.0 }]
online = { mean_session = "30m", mean_gap = "1h" }
updates_per_day = 40
update_bytes = 200
audit = { every = "30d", probability = 0.0, action = "none" }

[[attacker]]
name = "replayer"
targets = "100%"
acquire = { kind = "stolen_key", device = "desktop", at = "6h" }
behavior = ["replay"]
"#;

fn show(outcome: &RunOutcome) {
    for (name, value) in &outcome.metrics {
        eprintln!("{name} = {value:?}");
    }
    for violation in &outcome.violations {
        eprintln!("violation: {violation}");
    }
}

#[test]
fn replayed_and_reordered_packets_are_never_processed_twice() {
    let outcome = run(&resolved(REPLAY), 1, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // Seed 1, exactly: three thieves re-inject every hour the last 16
    // packets of their victim's desktop, newest first and again 10 minutes
    // later. The transport refuses them all: a lost original was resent by
    // the desktop under the same msg_id, so even its replay is a duplicate.
    assert_eq!(metric(&outcome, "replayed_packets"), 2752.0);
    assert_eq!(metric(&outcome, "replays_accepted"), 0.0);
    assert_eq!(metric(&outcome, "oracle_violations"), 0.0);
}
