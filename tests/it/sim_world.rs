//! Whole small simulations end to end: the real server and clients over the
//! simulated network, judged by the oracles.

use crate::support::sim::{metric, show, tiny_world};
use sessionlab::world::{run, RunOptions};
use sessionlab_testkit::scenario_fixture::{acquire, attacker, fault, ScenarioFixture};

/// Three accounts for a day on two datacenters, owners auditing weekly
/// (with probability 0: never).
fn baseline() -> ScenarioFixture {
    tiny_world("tiny-baseline")
        .duration("1d")
        .datacenters(2)
        .accounts(3)
        .online("30m", "2h")
        .updates(50, 200)
        .audit("7d", 0.0, "none")
}

#[test]
fn a_tiny_baseline_converges_and_is_deterministic() {
    let resolved = baseline().resolved();
    let first = run(&resolved, 1, RunOptions::default()).expect("runs");
    show(&first);
    let again = run(&resolved, 1, RunOptions::default()).expect("runs");
    assert_eq!(first.trace_hash, again.trace_hash);
    let other = run(&resolved, 2, RunOptions::default()).expect("runs");
    assert_ne!(first.trace_hash, other.trace_hash);
}

fn stolen(revocation: &str) -> ScenarioFixture {
    tiny_world("tiny-stolen-key")
        .duration("4d")
        // The thieves use their copies beside the owners: with AUTH_KEY_DUPLICATED
        // on they would be caught first (sim_attacks::a_copied_key_used_beside_its_owner_dies_for_both);
        // this fixture isolates audits and revocation policies.
        .policy("duplicate_key", "off")
        .revocation(revocation)
        .datacenters(2)
        .accounts(4)
        .online("30m", "2h")
        .updates(20, 200)
        .audit("2d", 1.0, "terminate_all_others")
        .attacker(
            attacker("malware-copy", "100%", acquire("session_file", "desktop", "1d"))
                .set("behavior", ["exfiltrate", "heartbeat", "persist"]),
        )
}

#[test]
fn a_stolen_session_file_is_found_by_audits() {
    let resolved = stolen("sync").resolved();
    let outcome = run(&resolved, 3, RunOptions::default()).expect("runs");
    // Seed 3, exactly: each of the four thieves mints a QR session; the
    // owners' terminate-all audits on day 2 end the stolen desktops and the
    // minted sessions (8 revocations, all of attacker-held sessions), the
    // thieves' apps and the owners' desktops are wiped, nothing survives.
    let expected = [
        ("footholds_minted", 4.0),
        ("authorizations_revoked", 8.0),
        ("detection_true_positives", 8.0),
        ("detection_false_positives", 0.0),
        ("devices_wiped", 12.0),
        ("surviving_footholds", 0.0),
        ("logout_bypasses", 0.0),
        ("oracle_violations", 0.0),
        ("sync_converged", 1.0),
    ];
    for (name, value) in expected {
        assert_eq!(metric(&outcome, name), value, "{name}");
    }
}

#[test]
fn a_batch_gives_the_same_outcomes_on_one_and_two_threads() {
    let scenario = baseline().parse("test.toml").expect("valid");
    let seeds = [4, 5, 6];
    let one = sessionlab::world::batch::run_seeds(&scenario, &seeds, 1, &|_| {}).expect("runs");
    let two = sessionlab::world::batch::run_seeds(&scenario, &seeds, 2, &|_| {}).expect("runs");
    let hashes = |outcomes: &[sessionlab::world::RunOutcome]| {
        outcomes
            .iter()
            .map(|outcome| (outcome.seed, outcome.trace_hash.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(hashes(&one), hashes(&two));
    assert_eq!(one.iter().map(|outcome| outcome.seed).collect::<Vec<_>>(), seeds);
}

/// One account, one datacenter, a 2-hour quiet period, and half the
/// devices offline for `offline` from `at`.
fn half_offline(name: &str, at: &str, offline: &str) -> ScenarioFixture {
    tiny_world(name)
        .quiet_period("2h")
        .datacenters(1)
        .accounts(1)
        .fault(fault("device_offline", at, offline).set("devices", "50%"))
}

/// Seven days offline against small difference limits: a gap of more than
/// 500 updates gets `differenceTooLong`.
fn offline_week() -> ScenarioFixture {
    half_offline("week-offline", "1d", "7d")
        .duration("9d")
        .policy("pts_limit", 100)
        .policy("pts_total_limit", 500)
        .online("2h", "1h")
        .updates(200, 100)
}

#[test]
fn a_week_offline_ends_in_a_full_resync_and_convergence() {
    let outcome = run(&offline_week().resolved(), 1, RunOptions::default()).expect("runs");
    for name in [
        "difference_too_long",
        "difference_calls",
        "difference_slices",
        "sync_converged",
        "updates_lost",
    ] {
        eprintln!("{name} = {}", metric(&outcome, name));
    }
    assert!(metric(&outcome, "difference_too_long") >= 1.0);
    assert_eq!(metric(&outcome, "sync_converged"), 1.0);
    assert_eq!(metric(&outcome, "updates_lost"), 0.0);
    assert_eq!(metric(&outcome, "oracle_violations"), 0.0);
}

fn partitioned_reset(revocation: &str) -> ScenarioFixture {
    tiny_world("terminate-all-during-partition")
        .duration("3d")
        // The thieves use their copies beside the owners: with AUTH_KEY_DUPLICATED
        // on they would be caught first (sim_attacks::a_copied_key_used_beside_its_owner_dies_for_both);
        // this fixture isolates revocation policies during a partition.
        .policy("duplicate_key", "off")
        .revocation(revocation)
        .datacenters(3)
        .accounts(3)
        .online("1h", "1h")
        .updates(20, 100)
        .audit("2d", 1.0, "terminate_all_others")
        .attacker(
            attacker("file-thief", "100%", acquire("session_file", "desktop", "1d"))
                .set("behavior", ["exfiltrate", "heartbeat"]),
        )
}

#[test]
fn revocation_policies_order_the_bypass_window() {
    let mut windows = Vec::new();
    for policy in ["sync", "async:30s", "lazy:10m"] {
        let outcome = run(&partitioned_reset(policy).resolved(), 2, RunOptions::default()).expect("runs");
        eprintln!(
            "{policy}: bypasses {} max window {} ms violations {:?} footholds {}",
            metric(&outcome, "logout_bypasses"),
            metric(&outcome, "max_bypass_window_ms"),
            outcome.violations,
            metric(&outcome, "surviving_footholds")
        );
        assert!(outcome.violations.is_empty(), "{policy}: {:?}", outcome.violations);
        windows.push(metric(&outcome, "max_bypass_window_ms"));
    }
    // Weaker designs cost more, and the oracle sees it: milliseconds of
    // in-flight requests under sync, up to the delay under async, up to
    // the cache TTL under lazy.
    assert!(windows[0] < 1_000.0, "{windows:?}");
    assert!(
        windows[1] > windows[0] && windows[1] <= 30_000.0 + 1_000.0,
        "{windows:?}"
    );
    assert!(
        windows[2] > windows[1] && windows[2] <= 600_000.0 + 1_000.0,
        "{windows:?}"
    );
}

/// Regression (a lossy-network seed panicked): a device back from 12 hours
/// offline asks for a difference of ~350 updates of 60 KB — 20 MB, far over
/// the 1 MiB packet body. The server slices it at 512 KiB and splits its
/// replies by bytes; nothing panics and the device converges.
#[test]
fn a_difference_larger_than_a_packet_arrives_in_slices() {
    let resolved = half_offline("big-difference", "2h", "12h")
        .duration("1d")
        .online("2h", "10m")
        .updates(700, 60000)
        .resolved();
    let outcome = run(&resolved, 0, RunOptions::default()).expect("runs");
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    assert_eq!(metric(&outcome, "sync_converged"), 1.0);
    assert_eq!(metric(&outcome, "updates_lost"), 0.0);
    // Seed 0, exactly: eight 60 KB updates fit under 512 KiB, so the
    // catch-up takes dozens of slices instead of one oversized answer.
    assert_eq!(metric(&outcome, "difference_slices"), 50.0);
}
