//! `sessionlab run` and `replay` as a user runs them: exit codes 0, 1 and 2,
//! and byte-identical outputs whatever `--jobs` is.

use std::path::{Path, PathBuf};
use std::process::Command;

use sessionlab_testkit::scenario_fixture::{device_with, ScenarioFixture, Value};

fn sessionlab(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sessionlab"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("sessionlab-cli-run-{}-{name}", std::process::id()))
}

/// A two-account world for half a day: seconds per seed in a debug build.
pub(crate) fn tiny() -> ScenarioFixture {
    ScenarioFixture::new("tiny-cli")
        .duration("12h")
        .seeds("0..2")
        .quiet_period("1h")
        .accounts(2)
        .devices([device_with("phone", 1.0)])
        .population("updates_per_day", 40)
}

/// [`tiny`] with `[expect]` holding `expect`, as (metric, bound) pairs.
fn scenario_file(name: &str, expect: &[(&str, Value)]) -> PathBuf {
    let path = temp(name).with_extension("toml");
    let scenario = expect.iter().fold(tiny(), |scenario, (metric, bound)| {
        scenario.expect(metric, bound.clone())
    });
    std::fs::write(&path, scenario.render()).expect("temp file");
    path
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn run_exits_0_when_expectations_hold_and_outputs_do_not_depend_on_jobs() {
    let scenario = scenario_file(
        "ok",
        &[("sync_converged", true.into()), ("oracle_violations", Value::Int(0))],
    );
    let (one, two) = (temp("jobs1"), temp("jobs2"));
    let (code, stdout, stderr) = sessionlab(&["run", path(&scenario), "--jobs", "1", "--out", path(&one)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("tiny-cli: 2 seeds in "), "{stdout}");
    assert_eq!(
        sessionlab(&["run", path(&scenario), "--jobs", "2", "--out", path(&two)]).0,
        0
    );
    for file in ["runs.csv", "attackers.csv", "summary.csv", "summary.md", "report.html"] {
        let a = std::fs::read(one.join("tiny-cli").join(file)).expect("written");
        let b = std::fs::read(two.join("tiny-cli").join(file)).expect("written");
        assert!(a == b, "{file} differs between --jobs 1 and --jobs 2");
    }
    let runs = std::fs::read_to_string(one.join("tiny-cli/runs.csv")).expect("written");
    assert!(runs.starts_with("seed,accounts,devices,"), "{runs}");
    assert_eq!(runs.lines().count(), 3, "a header and one row per seed");
}

#[test]
fn run_exits_1_when_an_expectation_fails() {
    let scenario = scenario_file("fail", &[("accounts", Value::Int(3))]);
    let (code, _, stderr) = sessionlab(&["run", path(&scenario), "--out", path(&temp("fail-out"))]);
    assert_eq!(code, 1);
    assert!(stderr.contains("seed 0: expected accounts = 3"), "{stderr}");
}

#[test]
fn run_exits_2_on_bad_input() {
    assert_eq!(sessionlab(&["run", "/nonexistent/scenario.toml"]).0, 2);
    let scenario = scenario_file("seeds", &[("sync_converged", true.into())]);
    assert_eq!(sessionlab(&["run", path(&scenario), "--seeds", "5..5"]).0, 2);
    assert_eq!(sessionlab(&["run", path(&scenario), "--jobs", "0"]).0, 2);
}

#[test]
fn replay_writes_a_trace_and_explains_the_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let trace = temp("trace.jsonl");
    let smoke = root.join("scenarios/smoke.toml");
    let (code, stdout, stderr) = sessionlab(&["replay", path(&smoke), "--seed", "0", "--trace", path(&trace)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("smoke seed 0: trace hash "), "{stdout}");
    assert!(stdout.contains("surviving foothold of file-thief"), "{stdout}");
    let lines = std::fs::read_to_string(&trace).expect("trace written");
    assert!(lines
        .lines()
        .all(|line| line.starts_with("{\"at_ms\":") && line.ends_with('}')));
    assert!(lines.lines().count() > 10);
}
