//! Detection figures from the simulator's ground truth, on worlds small
//! enough to count by hand, and the owners' daily rhythm the "unusual
//! hours" signal is judged against.

use sessionlab::world::{run, RunOptions};
use sessionlab_testkit::scenario_fixture::{acquire, attacker, device_with, ScenarioFixture};

use crate::support::sim::{metric, show, tiny_world};

/// One account with a phone and a desktop for 36 hours; the owner audits
/// once, a day in, from the phone and terminates every other session.
/// Sleep and `AUTH_KEY_DUPLICATED` are off so that the count is by hand.
fn one_audit(name: &str) -> ScenarioFixture {
    tiny_world(name)
        .duration("36h")
        .datacenters(1)
        .accounts(1)
        .online("30m", "1h")
        .updates(0, 200)
        .audit("1d", 1.0, "terminate_all_others")
        .policy("duplicate_key", "off")
}

#[test]
fn terminating_a_thief_s_session_is_a_true_positive() {
    // The thief copies the desktop's key at 6 h: the desktop's one
    // authorization is then held by an attacker. The audit at 24 h
    // terminates it: 1 true positive, no false one, and the one
    // authorization the attacker held was found.
    let fixture = one_audit("detect-thief")
        .attacker(attacker("thief", "100%", acquire("stolen_key", "desktop", "6h")).set("behavior", ["exfiltrate"]));
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert_eq!(metric(&outcome, "detection_true_positives"), 1.0);
    assert_eq!(metric(&outcome, "detection_false_positives"), 0.0);
    assert_eq!(metric(&outcome, "detection_precision"), 1.0);
    assert_eq!(metric(&outcome, "detection_recall"), 1.0);
}

#[test]
fn terminating_the_owner_s_own_desktop_is_a_false_positive() {
    // No thief: the audit terminates the owner's own desktop. Precision 0;
    // recall 1, for attackers held nothing to find.
    let outcome = run(&one_audit("detect-nobody").resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert_eq!(metric(&outcome, "detection_true_positives"), 0.0);
    assert_eq!(metric(&outcome, "detection_false_positives"), 1.0);
    assert_eq!(metric(&outcome, "detection_precision"), 0.0);
    assert_eq!(metric(&outcome, "detection_recall"), 1.0);
}

#[test]
fn no_audit_finds_nothing() {
    // The same thief, owners who never audit: nothing terminated
    // (precision 1, nothing got wrong), the held authorization missed.
    let fixture = tiny_world("detect-none")
        .duration("36h")
        .datacenters(1)
        .accounts(1)
        .updates(0, 200)
        .policy("duplicate_key", "off")
        .population("deny_unrecognized_login", 0.0)
        .attacker(attacker("thief", "100%", acquire("stolen_key", "desktop", "6h")).set("behavior", ["exfiltrate"]));
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    assert_eq!(metric(&outcome, "detection_precision"), 1.0);
    assert_eq!(metric(&outcome, "detection_recall"), 0.0);
}

#[test]
fn owners_who_sleep_are_online_less() {
    // Two days of a phone that is online 50 minutes of every hour: with 16
    // hours of sleep a night it comes online only while its owner is
    // awake, so it sends well under half of what a sleepless one does
    // (8 of 24 hours awake, and sessions running on past bedtime).
    let sent = |sleep: &str| {
        let fixture = tiny_world(&format!("rhythm-{}", sleep.trim_end_matches('h')))
            .duration("2d")
            .datacenters(1)
            .accounts(4)
            .devices([device_with("phone", 1.0)])
            .online("50m", "10m")
            .updates(0, 200)
            .population("sleep", sleep);
        let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
        metric(&outcome, "messages_sent")
    };
    let (awake, sleeping) = (sent("0h"), sent("16h"));
    assert!(sleeping < awake * 0.6, "sleeping {sleeping} vs awake {awake}");
    assert!(sleeping > 0.0);
}
