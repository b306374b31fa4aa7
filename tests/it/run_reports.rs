//! What `sessionlab run` writes for a researcher beyond the metrics, and
//! what `replay` prints of it: the per-seed draws as `param.` columns of
//! `runs.csv`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sessionlab::cli::run_with_args;
use sessionlab::report::text::format_number;
use sessionlab::scenario::model::Revocation;
use sessionlab::scenario::{Probability, Sampled, SwarmRng, METRICS};
use sessionlab_testkit::scenario_fixture::{fault, inline, ScenarioFixture};

use crate::support::sim::tiny_world;

/// A scratch directory of this test process.
fn scratch(test: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("sessionlab-run-reports-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("a scratch directory");
    directory
}

/// Runs the command line in-process: (exit code, stdout, stderr).
fn sessionlab(args: &[&str]) -> (u8, String, String) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let exit = run_with_args(
        std::iter::once("sessionlab").chain(args.iter().copied()),
        &mut stdout,
        &mut stderr,
    );
    (
        exit.code(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// `fixture` written as `<name>.toml` in `directory`.
fn write(directory: &Path, name: &str, fixture: &ScenarioFixture) -> PathBuf {
    let path = directory.join(format!("{name}.toml"));
    std::fs::write(&path, fixture.render()).expect("a scenario file");
    path
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
    let directory = scratch("params");
    let file = write(&directory, "swarmed", &swarm_scenario());
    let out = directory.join("out");
    let (code, _, stderr) = sessionlab(&["run", utf8(&file), "--out", utf8(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let runs = std::fs::read_to_string(out.join("swarmed/runs.csv")).expect("runs.csv");
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
    let summary = std::fs::read_to_string(out.join("swarmed/summary.md")).expect("summary.md");
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
    let directory = scratch("no-params");
    let fixed = tiny_world("fixed")
        .duration("2h")
        .seeds("0..1")
        .accounts(1)
        .updates(10, 100);
    let file = write(&directory, "fixed", &fixed);
    let out = directory.join("out");
    let (code, _, stderr) = sessionlab(&["run", utf8(&file), "--out", utf8(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let runs = std::fs::read_to_string(out.join("fixed/runs.csv")).expect("runs.csv");
    let names: Vec<&str> = METRICS.iter().map(|metric| metric.name).collect();
    assert_eq!(runs.lines().next(), Some(names.join(",").as_str()));
}
