//! What `sessionlab run` writes for a researcher beyond the metrics, and
//! what `replay` prints of it: the per-seed draws as `param.` columns of
//! `runs.csv`, and `attackers.csv`, one row per (seed, attacker, account).

use crate::support::binary::in_process as sessionlab;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sessionlab::report::text::format_number;
use sessionlab::scenario::model::Revocation;
use sessionlab::scenario::{Probability, Sampled, SwarmRng, METRICS};
use sessionlab_testkit::scenario_fixture::{
    acquire, attacker, device_with, fault, inline, owner_action, ScenarioFixture,
};

use crate::support::sim::tiny_world;

/// A scratch directory of this test process.
fn scratch(test: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("sessionlab-run-reports-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("a scratch directory");
    directory
}

/// `fixture`, whose `scenario.name` is `name`, written to a scratch
/// directory of `test` and run over its seeds: (the scenario file, the
/// directory of its reports).
fn run_scenario(test: &str, name: &str, fixture: &ScenarioFixture) -> (PathBuf, PathBuf) {
    let directory = scratch(test);
    let file = directory.join(format!("{name}.toml"));
    std::fs::write(&file, fixture.render()).expect("a scenario file");
    let out = directory.join("out");
    let (code, _, stderr) = sessionlab(&["run", utf8(&file), "--out", utf8(&out)]);
    assert_eq!(code, 0, "{stderr}");
    (file, out.join(name))
}

fn utf8(path: &Path) -> &str {
    path.to_str().expect("a utf-8 path")
}

/// One account with a phone for two hours, four settings drawn per seed by
/// `[swarm]`: a revocation policy, a loss rate, a fault's start, an update rate.
fn swarm_scenario() -> ScenarioFixture {
    tiny_world("swarmed")
        .duration("2h")
        .seeds("0..3")
        .accounts(1)
        .updates(20, 100)
        .fault(fault("device_offline", "20m", "5m").set("devices", "100%"))
        .set(
            "swarm",
            "network.loss",
            inline([("min", 0.0.into()), ("max", 0.2.into())]),
        )
        .set("swarm", "policy.revocation", ["sync", "async:2s"])
        .set(
            "swarm",
            "fault.0.at",
            inline([("min", "10m".into()), ("max", "50m".into())]),
        )
        .set(
            "swarm",
            "population.updates_per_day",
            inline([("min", 10.into()), ("max", 100.into())]),
        )
}

/// Seed `seed`'s draws of [`swarm_scenario`], as (column, cell), drawn here
/// from the swarm streams themselves.
fn expected_draws(seed: u64) -> Vec<(String, String)> {
    let mut swarm = SwarmRng::new(seed);
    let revocation = swarm.draw(
        "policy.revocation",
        &Sampled::OneOf(vec![
            Revocation::Sync,
            Revocation::Async {
                delay: Duration::from_secs(2),
            },
        ]),
    );
    let probability = |value| Probability::new(value).expect("a probability");
    let loss = swarm.draw(
        "network.loss",
        &Sampled::Range {
            min: probability(0.0),
            max: probability(0.2),
        },
    );
    let fault_at = swarm.draw(
        "fault.0.at",
        &Sampled::Range {
            min: Duration::from_secs(600),
            max: Duration::from_secs(3000),
        },
    );
    let updates = swarm.draw("population.updates_per_day", &Sampled::Range { min: 10, max: 100 });
    let revocation = match revocation {
        Revocation::Sync => "sync".to_string(),
        Revocation::Async { .. } => "async:2s".to_string(),
        Revocation::Lazy { .. } => panic!("not among the choices"),
    };
    vec![
        ("param.policy.revocation".into(), revocation),
        ("param.network.loss".into(), format_number(loss.get())),
        (
            "param.fault.0.at_ms".into(),
            format_number(fault_at.as_micros() as f64 / 1000.0),
        ),
        ("param.population.updates_per_day".into(), updates.to_string()),
    ]
}

#[test]
fn every_per_seed_draw_is_a_runs_csv_column_and_replay_prints_it() {
    let (file, reports) = run_scenario("params", "swarmed", &swarm_scenario());
    let runs = std::fs::read_to_string(reports.join("runs.csv")).expect("runs.csv");
    let mut reader = csv::Reader::from_reader(runs.as_bytes());
    let header: Vec<String> = reader.headers().expect("a header").iter().map(String::from).collect();
    let params: Vec<String> = expected_draws(0).into_iter().map(|(column, _)| column).collect();
    let mut expected_header = vec!["seed".to_string()];
    expected_header.extend(params);
    expected_header.extend(METRICS[1..].iter().map(|metric| metric.name.to_string()));
    assert_eq!(header, expected_header);
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("valid CSV");
    assert_eq!(records.len(), 3);
    for (seed, record) in (0u64..).zip(&records) {
        let cells: Vec<String> = record.iter().take(5).map(String::from).collect();
        let mut expected = vec![seed.to_string()];
        expected.extend(expected_draws(seed).into_iter().map(|(_, cell)| cell));
        assert_eq!(cells, expected, "seed {seed}");
    }
    let summary = std::fs::read_to_string(reports.join("summary.md")).expect("summary.md");
    assert!(
        summary.contains(
            "Drawn per seed (the `param.` columns of runs.csv): `policy.revocation`, `network.loss`, \
             `fault.0.at`, `population.updates_per_day`.\n"
        ),
        "{summary}"
    );

    let (code, stdout, stderr) = sessionlab(&["replay", utf8(&file), "--seed", "2"]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let printed: Vec<String> = expected_draws(2)
        .into_iter()
        .map(|(column, cell)| format!("  {column:<38} {cell}"))
        .collect();
    assert_eq!(lines[1..5], printed, "{stdout}");
    assert_eq!(
        lines[5],
        format!("  {:<38} 2", "seed"),
        "the draws come before the metrics"
    );
}

#[test]
fn a_scenario_drawing_nothing_has_no_param_columns() {
    let fixed = tiny_world("fixed")
        .duration("2h")
        .seeds("0..1")
        .accounts(1)
        .updates(10, 100);
    let (_, reports) = run_scenario("no-params", "fixed", &fixed);
    let runs = std::fs::read_to_string(reports.join("runs.csv")).expect("runs.csv");
    let names: Vec<&str> = METRICS.iter().map(|metric| metric.name).collect();
    assert_eq!(runs.lines().next(), Some(names.join(",").as_str()));
}

/// One account with a phone and a desktop (and never a tablet) whose
/// desktop's session file a thief copies at 1 h; two datacenters, so the
/// thief fetches from the media DC every 20 s; the owner terminates all
/// other sessions from the phone at 2 h. A second attacker wants the tablet.
pub(crate) fn one_thief() -> ScenarioFixture {
    tiny_world("one-thief")
        .duration("3h")
        // The thieves use their copies beside the owners: with AUTH_KEY_DUPLICATED
        // on they would be caught first (sim_attacks::a_copied_key_used_beside_its_owner_dies_for_both);
        // this fixture isolates an eviction by terminate-all.
        .policy("duplicate_key", "off")
        .seeds("0..2")
        .datacenters(2)
        .policy("fresh_reset_window", "30m")
        .accounts(1)
        .devices([
            device_with("phone", 1.0),
            device_with("desktop", 1.0),
            device_with("tablet", 0.0),
        ])
        .updates(240, 100)
        .owner_action(owner_action("terminate_all_others", "2h", "phone"))
        .attacker(attacker("thief", "100%", acquire("session_file", "desktop", "1h")))
        .attacker(attacker("no-tablet", "100%", acquire("stolen_key", "tablet", "1h")))
}

#[test]
fn attackers_csv_has_one_row_per_seed_attacker_and_account() {
    let (_, reports) = run_scenario("attackers", "one-thief", &one_thief());
    let rows = std::fs::read_to_string(reports.join("attackers.csv")).expect("attackers.csv");
    // Both seeds, exactly. The thief holds the desktop's authorization from
    // the copy at 1 h (3600000 ms); its first fetch from the media DC, 20 s
    // later, is accepted at 3620120 ms. The owner's "terminate all others"
    // from the phone at 2 h is committed by the home datacenter at 7200040
    // ms, one 40 ms hop after it was sent: the phone holds a valid future
    // salt, so nothing is refused first (the replay trace's
    // `authorization_revoked`, cause ResetAll); the media DC accepted the
    // thief's fetch of that same instant, before it heard of it (no
    // bypass: not after the commit). It read 10 updates
    // (seed 0) and 5 (seed 1) and minted nothing; nothing of it survives.
    // The tablet thief's target has no tablet: a row with no times.
    assert_eq!(
        rows,
        "seed,attacker,account,acquisition,acquired_at_ms,first_accepted_ms,last_accepted_ms,evicted_at_ms,\
         evicted_by,updates_exfiltrated,footholds_minted,footholds_surviving\n\
         0,thief,1000,session_file,3600000,3620120,7200040,7200040,terminate_all_others,10,0,0\n\
         0,no-tablet,1000,stolen_key,,,,,,0,0,0\n\
         1,thief,1000,session_file,3600000,3620120,7200040,7200040,terminate_all_others,5,0,0\n\
         1,no-tablet,1000,stolen_key,,,,,,0,0,0\n"
    );
    let runs = std::fs::read_to_string(reports.join("runs.csv")).expect("runs.csv");
    let mut reader = csv::Reader::from_reader(runs.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|cell| cell == name).expect("a column");
    for record in reader.records() {
        let record = record.expect("a row");
        let evictions = [column("eviction_p50_ms"), column("eviction_p99_ms")].map(|index| record[index].to_string());
        // One evicted pair, 1 h 120 ms after its acquisition.
        assert_eq!(evictions, ["3600040", "3600040"]);
        assert_eq!(&record[column("accounts_compromised_at_end")], "0");
    }
}
