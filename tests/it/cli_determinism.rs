//! `run --check-determinism`: every seed twice, in opposite orders across
//! the threads. The rule (`first_divergence`) is checked on real outcomes
//! with one thing changed at a time; the command on smoke agrees and
//! writes the same reports as a plain run.

use std::path::Path;

use sessionlab::cli::{first_divergence, Divergence};
use sessionlab::scenario::{load_scenario_source, MetricId, MetricRow, MetricValue};
use sessionlab::world::batch::run_seeds;
use sessionlab::world::RunOutcome;

use crate::support::binary::{scratch, sessionlab_in};

fn smoke_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.toml")
}

fn outcomes(seeds: &[u64]) -> Vec<RunOutcome> {
    let (_, scenario) = load_scenario_source(&smoke_path()).expect("smoke parses");
    run_seeds(&scenario, seeds, 2, &|_| ()).expect("smoke runs")
}

#[test]
fn the_first_seed_whose_runs_differ_is_named_with_what_differs() {
    let first = outcomes(&[0, 1, 2]);
    let mut again = outcomes(&[2, 1, 0]);
    assert_eq!(first_divergence(&first, &again), None, "smoke is deterministic");
    assert_eq!(first[1].trace_hash, again[1].trace_hash);

    // A changed trace hash on seed 2 and a changed metric on seed 1: the
    // lower seed is named, with the metric.
    let by_seed = |outcomes: &mut Vec<RunOutcome>, seed: u64| -> usize {
        outcomes
            .iter()
            .position(|outcome| outcome.seed == seed)
            .expect("the seed ran")
    };
    let two = by_seed(&mut again, 2);
    again[two].trace_hash = "0".repeat(64);
    let hash_only = first_divergence(&first, &again).expect("seed 2 differs");
    assert_eq!(
        hash_only,
        Divergence {
            seed: 2,
            trace_hashes: (first[2].trace_hash.clone(), "0".repeat(64)),
            metrics: vec![],
        }
    );
    let one = by_seed(&mut again, 1);
    let old = again[one].metrics.clone();
    again[one].metrics = MetricRow::from_fn(|id| match id {
        MetricId::Resends => MetricValue::Number(old.number(id) + 1.0),
        other => old.get(other),
    });
    let metric = first_divergence(&first, &again).expect("seed 1 differs");
    assert_eq!((metric.seed, metric.metrics), (1, vec!["resends"]));
    assert_eq!(metric.trace_hashes.0, metric.trace_hashes.1, "only the metric differs");

    // A seed missing from one side differs too.
    assert_eq!(
        first_divergence(&first, &first[..2]).map(|divergence| divergence.seed),
        Some(2)
    );
}

#[test]
fn check_determinism_on_smoke_agrees_and_writes_the_plain_reports() {
    let dir = scratch("check-determinism");
    let smoke = smoke_path();
    let smoke = smoke.to_str().expect("utf-8 path");
    let checked = sessionlab_in(
        &dir,
        &[
            "run",
            smoke,
            "--seeds",
            "0..4",
            "--jobs",
            "2",
            "--check-determinism",
            "--out",
            "checked",
        ],
    );
    assert!(checked.code == Some(0) || checked.code == Some(1), "{checked:?}");
    assert!(
        checked.stdout.starts_with(
            "smoke: determinism: 4 seeds run twice, in opposite orders: every trace hash and metric agrees\n"
        ),
        "{}",
        checked.stdout
    );
    let plain = sessionlab_in(&dir, &["run", smoke, "--seeds", "0..4", "--out", "plain"]);
    assert_eq!(plain.code, checked.code);
    for file in ["runs.csv", "summary.csv", "report.html"] {
        let read = |run: &str| std::fs::read(dir.join(run).join("smoke").join(file)).expect("a report");
        assert!(read("checked") == read("plain"), "{file} differs");
    }
}
