//! The replay trace explains an attack: on a tiny world a thief copies a
//! desktop key, the owner terminates all other sessions, and the thief's
//! fetches on the media DC get through inside the async revocation
//! window. One account's records follow the attack in order; every line
//! is JSON with a non-decreasing `at_ms`; `replay --account` keeps that
//! account's events only, and refuses an account the run does not have.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use sessionlab::world::{run, RunOptions};
use sessionlab_testkit::scenario_fixture::{acquire, attacker, fault, owner_action, ScenarioFixture};

use crate::support::sim::{show, tiny_world};

/// Two accounts on two DCs for two days; the thief takes the desktop key
/// of one at 2 h, DC 2 is down from 10 h to 11 h, the owner terminates
/// all other sessions at 30 h (past the fresh-session window).
fn attacked() -> ScenarioFixture {
    tiny_world("trace-attack")
        .duration("2d")
        .datacenters(2)
        .accounts(2)
        .online("30m", "1h")
        .updates(24, 200)
        .revocation("async:30s")
        .policy("duplicate_key", "off")
        .fault(fault("dc_outage", "10h", "1h").set("dc", 2))
        .attacker(attacker("thief", "50%", acquire("stolen_key", "desktop", "2h")).set("behavior", ["exfiltrate"]))
        .owner_action(owner_action("terminate_all_others", "30h", "phone"))
}

/// The trace of seed 0 as parsed JSON lines.
fn traced_lines() -> Vec<Value> {
    let outcome = run(&attacked().resolved(), 0, RunOptions { record_trace: true }).expect("runs");
    show(&outcome);
    let trace = outcome.trace.expect("recorded");
    trace
        .lines()
        .iter()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect()
}

fn kind(record: &Value) -> &str {
    record["event"].as_str().unwrap_or("?")
}

/// The attacked account's user id (from its acquisition).
fn victim(records: &[Value]) -> u64 {
    let acquisition = records.iter().find(|record| kind(record) == "acquisition");
    acquisition
        .and_then(|record| record["user_id"].as_u64())
        .expect("an acquisition")
}

#[test]
fn every_line_is_json_with_a_non_decreasing_time_and_the_header_first() {
    let records = traced_lines();
    assert_eq!(kind(&records[0]), "header");
    assert_eq!(records[0]["schema"], 1);
    assert_eq!(records[0]["scenario"], "trace-attack");
    assert_eq!(
        records[0]["apps"].as_array().map(Vec::len),
        Some(4),
        "two phones, two desktops"
    );
    let times: Vec<f64> = records
        .iter()
        .map(|record| record["at_ms"].as_f64().expect("every record has at_ms"))
        .collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "at_ms never decreases");
    let kinds: Vec<&str> = records.iter().map(kind).collect();
    for expected in [
        "fault_started",
        "fault_ended",
        "inter_dc_sent",
        "inter_dc_delivered",
        "owner_action",
    ] {
        assert!(kinds.contains(&expected), "{expected} in {kinds:?}");
    }
}

#[test]
fn one_account_s_records_follow_the_attack_in_order() {
    let records = traced_lines();
    let user_id = victim(&records);
    // The attack's milestones, in the order they happened, each record
    // collapsed to its kind (a request by whether it was a bypass).
    let mut milestones: Vec<String> = Vec::new();
    for record in records
        .iter()
        .filter(|record| record["user_id"].as_u64() == Some(user_id))
    {
        let milestone = match kind(record) {
            "app_created" if record["holder"] == "attacker" => "app_created",
            "acquisition" => "acquisition",
            "attacker_request" if record["bypass"] == true => "bypass",
            "attacker_request" if record["result"] == "accepted" => "accepted_request",
            "owner_action" => "owner_action",
            "authorization_revoked" => "authorization_revoked",
            "derived_revoked" => "derived_revoked",
            _ => continue,
        };
        if milestones.last().map(String::as_str) != Some(milestone) {
            milestones.push(milestone.to_string());
        }
    }
    // Its app appears, it acquires the key and reads; the owner acts,
    // the home DC revokes; a call at the very instant of the commit is
    // not after it, then the media DC, not yet told (async, 30 s),
    // accepts the thief's next call (a bypass) until the revocation
    // reaches it and ends the derived key.
    assert_eq!(
        milestones,
        [
            "app_created",
            "acquisition",
            "accepted_request",
            "owner_action",
            "authorization_revoked",
            "accepted_request",
            "bypass",
            "derived_revoked",
        ]
    );
    // The bypass is the thief's, on the media DC, under the revoked key.
    let bypass = records
        .iter()
        .find(|record| record["bypass"] == true)
        .expect("a bypass");
    assert_eq!(
        (bypass["attacker"].as_str(), bypass["user_id"].as_u64()),
        (Some("thief"), Some(user_id))
    );
    assert_eq!(
        bypass["key_id"].as_str().map(str::len),
        Some(16),
        "ids are 16 hex digits"
    );
}

fn sessionlab(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let directory = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("trace");
    std::fs::create_dir_all(&directory).expect("scratch directory");
    directory.join(name)
}

#[test]
fn replay_account_keeps_one_account_and_refuses_an_unknown_one() {
    let scenario = scratch("attack.toml");
    std::fs::write(&scenario, attacked().render()).expect("scenario written");
    let (full, one) = (scratch("full.jsonl"), scratch("one.jsonl"));
    let path = |path: &PathBuf| path.to_str().expect("utf-8").to_string();
    let replay = |trace: &PathBuf, account: Option<&str>| {
        let (scenario, trace) = (path(&scenario), path(trace));
        let mut args = vec!["replay", &scenario, "--seed", "0", "--trace", &trace];
        args.extend(account.map(|account| ["--account", account]).into_iter().flatten());
        sessionlab(&args)
    };
    let (code, stderr) = replay(&full, None);
    assert!(code <= 1, "{stderr}");
    let read = |path: &PathBuf| -> Vec<Value> {
        let text = std::fs::read_to_string(path).expect("trace written");
        text.lines()
            .map(|line| serde_json::from_str(line).expect("JSON"))
            .collect()
    };
    let all = read(&full);
    let user_id = victim(&all);
    let (code, stderr) = replay(&one, Some(&user_id.to_string()));
    assert!(code <= 1, "{stderr}");
    let kept = read(&one);
    assert_eq!(kind(&kept[0]), "header");
    assert_eq!(kept[0]["account_filter"].as_u64(), Some(user_id));
    assert!(kept.len() < all.len());
    assert!(kept[1..]
        .iter()
        .all(|record| record["user_id"].is_null() || record["user_id"].as_u64() == Some(user_id)));
    let expected = all[1..]
        .iter()
        .filter(|record| record["user_id"].is_null() || record["user_id"].as_u64() == Some(user_id))
        .count();
    assert_eq!(kept.len() - 1, expected, "every record of the account is kept");
    // Not an account of the run; not a number: bad input, no panic.
    let (code, stderr) = replay(&scratch("none.jsonl"), Some("5"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--account 5: no account of trace-attack seed 0 has this user id"),
        "{stderr}"
    );
    let (code, stderr) = replay(&scratch("none.jsonl"), Some("me"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("expected a user id"), "{stderr}");
}
