//! Login codes go where they really go: an in-app code to whoever holds
//! one of the account's logged-in sessions, an SMS to whoever holds the
//! SIM. An owner who holds neither cannot log in again.

use sessionlab::world::{run, RunOptions, RunOutcome};
use sessionlab_testkit::scenario_fixture::{acquire, attacker, inline, ScenarioFixture};

use crate::support::sim::{metric, show, tiny_world};

/// One account, a phone (app 0) and a desktop (app 1), for three days.
/// At 26 h, past the fresh-session window, a pickpocket takes the unlocked
/// phone and terminates the owner's other sessions: the desktop wipes and
/// its owner logs it in again an hour later. The only logged-in session
/// is then the thief's, so the in-app code goes to the thief; the owner
/// asks for an SMS once allowed.
fn stolen_phone(name: &str) -> ScenarioFixture {
    tiny_world(name)
        .duration("3d")
        .datacenters(1)
        .accounts(1)
        .online("30m", "1h")
        .updates(0, 200)
        .policy("duplicate_key", "off")
        .attacker(
            attacker("pickpocket", "100%", acquire("stolen_device", "phone", "26h"))
                .set("behavior", ["terminate_others"]),
        )
}

fn traced(fixture: &ScenarioFixture) -> (RunOutcome, Vec<String>) {
    let mut outcome = run(&fixture.resolved(), 0, RunOptions { record_trace: true }).expect("runs");
    show(&outcome);
    let trace = outcome.trace.take().expect("recorded").lines();
    for line in trace.iter().filter(|line| line.contains("code_delivered")) {
        eprintln!("{line}");
    }
    (outcome, trace)
}

/// The desktop's (app 1) code deliveries: (by, whether it got the code).
fn desktop_codes(trace: &[String]) -> Vec<(String, bool)> {
    trace
        .iter()
        .filter(|line| line.contains("\"event\":\"code_delivered\"") && line.contains("\"requester\":1,"))
        .map(|line| {
            let by = if line.contains("\"by\":\"sms\"") { "sms" } else { "app" };
            (by.to_string(), line.contains("\"requester_got_it\":true"))
        })
        .collect()
}

#[test]
fn with_the_sim_the_owner_logs_in_again_by_sms() {
    let (outcome, trace) = traced(&stolen_phone("codes-sim-kept"));
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // The desktop's first login (its in-app code reached the owner's
    // phone), then after the wipe an in-app code that only the thief's
    // phone receives, then the SMS, which the owner's SIM gets.
    let codes = desktop_codes(&trace);
    assert_eq!(codes.last(), Some(&("sms".to_string(), true)), "{codes:?}");
    assert!(codes.contains(&("app".to_string(), false)), "{codes:?}");
    assert_eq!(metric(&outcome, "owner_requests_abandoned"), 0.0);
}

#[test]
fn with_the_phone_stolen_and_the_sim_swapped_the_owner_cannot_log_in_again() {
    let fixture = stolen_phone("codes-sim-swapped").attacker(
        attacker(
            "swapper",
            "0%",
            inline([("kind", "sim_swap".into()), ("at", "25h".into())]),
        )
        .set("targets", inline([("same_as", "pickpocket".into())])),
    );
    let (outcome, trace) = traced(&fixture);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    let codes = desktop_codes(&trace);
    // After the wipe no code of the desktop's reaches the owner: the
    // in-app ones go to the thieves' sessions, the SMS to the swapped SIM.
    let after_wipe: Vec<&(String, bool)> = codes.iter().skip(1).collect();
    assert!(!after_wipe.is_empty(), "{codes:?}");
    assert!(after_wipe.iter().all(|(_, got)| !got), "{codes:?}");
    assert!(after_wipe.iter().any(|(by, _)| by == "sms"), "{codes:?}");
    // Three starts, then the owner gives up: one abandoned login.
    assert_eq!(metric(&outcome, "owner_requests_abandoned"), 1.0);
}
