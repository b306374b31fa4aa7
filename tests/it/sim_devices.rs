//! What happens to devices, end to end with exact metrics of fixed seeds: a
//! lost phone terminated from the desktop, a stolen unlocked phone, an app
//! restored from a stale backup.

use crate::support::sim::{metric, show, tiny_world};
use sessionlab::world::{run, RunOptions};
use sessionlab_testkit::scenario_fixture::{acquire, attacker, device_event, owner_action, ScenarioFixture, Section};

/// Three accounts over four days, two datacenters, nothing happening.
fn devices() -> ScenarioFixture {
    tiny_world("tiny-devices")
        .duration("4d")
        .datacenters(2)
        .accounts(3)
        .online("30m", "2h")
        .updates(40, 200)
}

/// On day 2 the owner ends the phone's session from the desktop.
fn terminate_phone_from_desktop() -> Section {
    owner_action("terminate_device", "2d", "desktop").set("device", "phone")
}

#[test]
fn a_lost_phone_is_terminated_from_the_desktop() {
    let scenario = devices()
        .device_event(device_event("lost", "phone", "1d"))
        .owner_action(terminate_phone_from_desktop());
    let outcome = run(&scenario.resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // Seed 0, exactly: two owners end the lost phone's session from the
    // desktop. The third cannot: its desktop logged in after the phone and
    // was never confirmed (the phone was offline when the notification
    // came, and is gone now), and an unconfirmed session may not terminate
    // others (UNCONFIRMED_SESSION_FORBIDDEN) until it autoconfirms after 7d.
    assert_eq!(metric(&outcome, "authorizations_revoked"), 2.0);
    // The lost phones never make contact again, so none wipes.
    assert_eq!(metric(&outcome, "devices_wiped"), 0.0);
    assert_eq!(metric(&outcome, "sync_converged"), 1.0);
}

#[test]
fn a_stolen_phone_is_the_thiefs_until_the_owner_terminates_it() {
    let scenario = devices()
        .attacker(
            attacker("pickpocket", "100%", acquire("stolen_device", "phone", "1d")).set("behavior", ["exfiltrate"]),
        )
        .owner_action(terminate_phone_from_desktop());
    let outcome = run(&scenario.resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // Seed 0, exactly: the same two owners end the stolen phone's session
    // (the thief's app wipes); the third owner's unconfirmed desktop cannot,
    // so that thief keeps the phone's home and media-DC keys: two footholds.
    assert_eq!(metric(&outcome, "authorizations_revoked"), 2.0);
    assert_eq!(metric(&outcome, "devices_wiped"), 2.0);
    assert_eq!(metric(&outcome, "surviving_footholds"), 2.0);
    assert_eq!(metric(&outcome, "logout_bypasses"), 0.0);
}

/// Bad-message answers and difference calls of `devices()` without and
/// with a stale-backup restore of the desktops on day 3, under
/// `temp_key_lifetime` (`"0s"`: permanent keys carry the traffic).
fn restore_costs(temp_key_lifetime: &str) -> ([f64; 4], sessionlab::world::RunOutcome) {
    let restore = device_event("restored_from_backup", "desktop", "3d").set("backup_age", "2d");
    let scenario = devices()
        .policy("temp_key_lifetime", temp_key_lifetime)
        .device_event(restore);
    let outcome = run(&scenario.resolved(), 0, RunOptions::default()).expect("runs");
    let baseline_scenario = devices().policy("temp_key_lifetime", temp_key_lifetime);
    let baseline = run(&baseline_scenario.resolved(), 0, RunOptions::default()).expect("runs");
    let costs = [
        metric(&baseline, "bad_msg_notifications"),
        metric(&outcome, "bad_msg_notifications"),
        metric(&baseline, "difference_calls"),
        metric(&outcome, "difference_calls"),
    ];
    (costs, outcome)
}

#[test]
fn an_app_restored_from_a_stale_backup_recovers_and_converges() {
    // Seed 0, exactly, with permanent keys only. The three desktops go back
    // two days: old sessions, seqnos, salts and sync position. Each DC
    // refuses the first request of each (code 32, and 48: the backup's
    // future salts have expired), the seqno catches up, and a
    // getDifference brings the app to the server's state: 16 more
    // bad-message answers than without the restore (whose 17 are code 48
    // on links idle past their 64 future salts, 32 hours), 40 more
    // difference calls, and sync converges.
    let (costs, outcome) = restore_costs("0s");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    assert_eq!(costs, [17.0, 33.0, 566.0, 606.0]);
    // With temp keys (the default, 24 h), the backup's temp keys are dead:
    // the app binds new ones, in new sessions, with fresh salts, and no
    // request is refused; a new key every day also means no link outlives
    // its future salts. The catch-up costs the same 40 difference calls.
    let (costs, outcome) = restore_costs("24h");
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    assert_eq!(costs, [0.0, 0.0, 567.0, 607.0]);
    assert_eq!(metric(&outcome, "sync_converged"), 1.0);
    assert_eq!(metric(&outcome, "updates_lost"), 0.0);
    assert_eq!(metric(&outcome, "updates_duplicated"), 0.0);
}
