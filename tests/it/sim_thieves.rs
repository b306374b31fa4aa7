//! Thieves act like apps: a stolen key exports its authorization to the
//! media DC as the owner's apps do, heartbeat and fetch periods are the
//! attacker's own keys, two attackers can aim at the same accounts, and an
//! attack with nothing to take is counted.

use sessionlab::world::trace::TraceEvent;
use sessionlab::world::{run, RunOptions};
use sessionlab_testkit::scenario_fixture::{
    acquire, attacker, device_event, device_with, inline, owner_action, ScenarioFixture,
};

use crate::support::sim::{metric, show, tiny_world};

/// Two DCs, four accounts for a day; owners terminate all other sessions
/// at 12 h under `revocation` (duplicate-key detection off: one rule at a time).
fn thief_world(name: &str, revocation: &str) -> ScenarioFixture {
    tiny_world(name)
        .duration("1d")
        .datacenters(2)
        .accounts(4)
        .online("30m", "1h")
        .updates(24, 200)
        .revocation(revocation)
        .policy("duplicate_key", "off")
}

#[test]
fn a_stolen_key_fetches_media_from_the_other_dc_and_shows_its_revocation_window() {
    // The owner's phone is past the fresh-session window (24 h) at 30 h.
    let fixture = thief_world("thief-media", "async:30s")
        .duration("2d")
        .attacker(attacker("thief", "100%", acquire("stolen_key", "desktop", "2h")).set("behavior", ["exfiltrate"]))
        .owner_action(owner_action("terminate_all_others", "30h", "phone"));
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // The key was the home DC's only: every attacker bypass is on the
    // media DC the thief exported to, where revocation arrives
    // asynchronously, inside its 30 s (the home DC commits it at once).
    let bypasses: Vec<_> = outcome.bypasses.iter().filter(|bypass| bypass.by_attacker).collect();
    assert!(!bypasses.is_empty(), "a bypass on the media DC");
    for bypass in bypasses {
        assert!(bypass.window().as_secs() <= 30, "{bypass:?}");
    }
}

#[test]
fn an_attack_on_an_account_without_the_device_is_counted() {
    // Half the accounts have a desktop: a desktop key thief aimed at all
    // of them starts on those, and the others are counted, one each.
    let fixture = thief_world("thief-no-desktop", "sync")
        .accounts(12)
        .devices([device_with("phone", 1.0), device_with("desktop", 0.5)])
        .attacker(attacker("thief", "100%", acquire("stolen_key", "desktop", "2h")));
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    let never_acquired = outcome.attackers.iter().filter(|row| row.acquired_at.is_none()).count();
    assert!(never_acquired > 0 && never_acquired < 12, "{never_acquired}");
    assert_eq!(metric(&outcome, "attacks_not_started"), never_acquired as f64);
    assert_eq!(metric(&outcome, "devices"), 12.0 + (12 - never_acquired) as f64);
}

#[test]
fn a_second_attacker_can_aim_at_the_first_one_s_accounts() {
    let fixture = thief_world("thief-same-as", "sync")
        .accounts(20)
        .attacker(attacker("first", "25%", acquire("stolen_key", "desktop", "2h")))
        .attacker(
            attacker("second", "0%", acquire("session_file", "phone", "3h"))
                .set("targets", inline([("same_as", "first".into())])),
        );
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    let accounts_of = |name: &str| -> Vec<u64> {
        outcome
            .attackers
            .iter()
            .filter(|row| row.attacker == name)
            .map(|row| row.account.get())
            .collect()
    };
    assert_eq!(accounts_of("first").len(), 5);
    assert_eq!(accounts_of("first"), accounts_of("second"));
}

#[test]
fn the_heartbeat_period_is_the_attacker_s_own() {
    // A heartbeat-only thief from 6 h of a 1-day run calls updates.getState
    // on its held session once a period: 12 h (the default) at 18 h; 1 h
    // at 7 h, 8 h, .. 23 h, 17 times.
    let beats = |every: Option<&str>| {
        let mut thief =
            attacker("beater", "100%", acquire("stolen_key", "desktop", "6h")).set("behavior", ["heartbeat"]);
        if let Some(every) = every {
            thief = thief.set("heartbeat_every", every);
        }
        let fixture = thief_world("thief-heartbeat", "sync").accounts(1).attacker(thief);
        let options = RunOptions { record_trace: true };
        let outcome = run(&fixture.resolved(), 0, options).expect("runs");
        let trace = outcome.trace.expect("recorded");
        // The seconds in which the DC got an updates.getState from it: a
        // call refused and sent again (a temp key to bind first) arrives
        // more than once within its second.
        let seconds: std::collections::BTreeSet<u64> = trace
            .records()
            .iter()
            .filter(|record| {
                matches!(
                    record.event,
                    TraceEvent::AttackerRequest {
                        method: "updates.getState",
                        ..
                    }
                )
            })
            .map(|record| (record.at_ms / 1000.0) as u64)
            .collect();
        seconds.len()
    };
    let default = beats(None);
    assert_eq!(default, 1, "at 18 h");
    assert_eq!(beats(Some("12h")), default);
    assert_eq!(beats(Some("1h")) - default, 16);
}

#[test]
fn a_dormant_thief_never_calls_and_its_idle_key_expires_with_the_ttl() {
    // The desktop is lost at 6 h; its key, stolen at 2 h, is never used,
    // so the 1-day TTL expires it: a heartbeat thief on it keeps it alive.
    let run_with = |behavior: &str| {
        let fixture = thief_world("thief-dormant", "sync")
            .duration("3d")
            .policy("authorization_ttl", "1d")
            .device_event(device_event("lost", "desktop", "6h"))
            .attacker(attacker("thief", "100%", acquire("stolen_key", "desktop", "2h")).set("behavior", [behavior]));
        run(&fixture.resolved(), 0, RunOptions::default()).expect("runs")
    };
    let dormant = run_with("dormant");
    show(&dormant);
    assert!(dormant.violations.is_empty(), "{:?}", dormant.violations);
    assert_eq!(dormant.attackers.len(), 4);
    for row in &dormant.attackers {
        assert!(row.acquired_at.is_some(), "{row:?}");
        assert_eq!(row.first_accepted_at, None, "a dormant thief makes no call: {row:?}");
        assert_eq!(row.evicted_by, Some("authorization_ttl"), "{row:?}");
        assert_eq!(row.footholds_surviving, 0, "{row:?}");
        assert_eq!(row.updates_exfiltrated, 0, "never online, never pushed to: {row:?}");
    }
    let beating = run_with("heartbeat");
    for row in &beating.attackers {
        assert!(row.first_accepted_at.is_some(), "{row:?}");
        assert_eq!(row.evicted_at, None, "{row:?}");
        assert_eq!(row.footholds_surviving, 1, "{row:?}");
    }
}
