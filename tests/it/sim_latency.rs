//! The two sync latencies on scenarios small enough to work out by hand:
//! `push_latency_*` (an update created while a device is connected, from
//! its creation to its application) and `catch_up_*` (a device connecting,
//! to its first moment with nothing left to fetch), both on the
//! simulator's true clock, whatever the devices' clock skew.

use sessionlab::world::{run, RunOptions};
use sessionlab_testkit::scenario_fixture::{device_with, ScenarioFixture};

use crate::support::sim::{metric, show, tiny_world};

/// One account, one phone always online, one DC, a constant 40 ms each way,
/// no loss: a pushed update takes exactly one trip.
fn one_phone(name: &str) -> ScenarioFixture {
    tiny_world(name)
        .duration("6h")
        .datacenters(1)
        .accounts(1)
        .devices([device_with("phone", 1.0)])
        .online("1000d", "1s")
        .updates(24, 200)
}

#[test]
fn a_pushed_update_takes_one_trip_of_the_link() {
    let outcome = run(&one_phone("push-latency").resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    assert_eq!(metric(&outcome, "push_latency_p50_ms"), 40.0);
    assert_eq!(metric(&outcome, "push_latency_p99_ms"), 40.0);
}

#[test]
fn clock_skew_does_not_move_the_push_latency() {
    // The device's clock is hours off; latencies are on the true clock.
    let fixture = one_phone("push-latency-skew").network("clock_skew", "3h");
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert_eq!(metric(&outcome, "push_latency_p50_ms"), 40.0);
    assert_eq!(metric(&outcome, "push_latency_p99_ms"), 40.0);
}

#[test]
fn a_device_back_online_catches_up_in_one_round_trip() {
    // The phone comes and goes; on each return its first packet asks for
    // the difference, and the answer (40 ms + 40 ms later) leaves nothing
    // to fetch.
    let fixture = one_phone("catch-up").online("1h", "1h");
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    assert_eq!(metric(&outcome, "catch_up_p50_ms"), 80.0);
    assert_eq!(metric(&outcome, "catch_up_p99_ms"), 80.0);
    // Updates created while it was away are caught up, not pushed.
    assert_eq!(metric(&outcome, "push_latency_p99_ms"), 40.0);
}
