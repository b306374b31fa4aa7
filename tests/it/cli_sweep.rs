//! `sessionlab sweep` as a user runs it: each variant's rows are exactly
//! the rows of a plain run of the scenario with that setting fixed in
//! `[swarm]`; the tidy `sweep.csv`, `sweep.md` and `sweep.html` say what
//! they should; a setting that is not per-seed or a value out of range is
//! refused before anything runs (exit 2).

use std::path::Path;

use crate::support::binary::{scratch, sessionlab_in, Run};

fn smoke() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.toml");
    path.to_str().expect("utf-8 path").to_string()
}

fn code(run: &Run, expected: i32) {
    assert_eq!(run.code, Some(expected), "{run:?}");
}

fn records(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| record.expect("a CSV record").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn each_variant_runs_as_the_scenario_with_its_setting_fixed() {
    let dir = scratch("sweep-smoke");
    let smoke = smoke();
    let swept = sessionlab_in(
        &dir,
        &[
            "sweep",
            &smoke,
            "--set",
            "network.loss=0,0.2",
            "--seeds",
            "0..2",
            "--jobs",
            "2",
            "--out",
            "sweep",
        ],
    );
    code(&swept, 0);
    assert!(
        swept.stdout.starts_with("smoke: 2 variants × 2 seeds in "),
        "{}",
        swept.stdout
    );
    let sweep_csv = std::fs::read_to_string(dir.join("sweep/smoke/sweep.csv")).expect("sweep.csv");
    let sweep_rows = records(&sweep_csv);
    assert_eq!(sweep_rows.len(), 1 + 2 * 2);
    assert_eq!(sweep_rows[0][..3], ["network.loss", "seed", "accounts"]);
    let cells: Vec<(&str, &str)> = sweep_rows[1..]
        .iter()
        .map(|row| (row[0].as_str(), row[1].as_str()))
        .collect();
    assert_eq!(cells, [("0", "0"), ("0", "1"), ("0.2", "0"), ("0.2", "1")]);
    // The same rows as runs of the file with the loss fixed in [swarm].
    let text = std::fs::read_to_string(&smoke).expect("smoke.toml");
    for (index, loss) in ["0", "0.2"].iter().enumerate() {
        let fixed = dir.join(format!("fixed-{index}.toml"));
        std::fs::write(&fixed, format!("{text}\n[swarm]\n\"network.loss\" = [{loss}]\n")).expect("write");
        let out = format!("fixed-{index}");
        let run = sessionlab_in(
            &dir,
            &["run", fixed.to_str().expect("utf-8"), "--seeds", "0..2", "--out", &out],
        );
        assert!(run.code == Some(0) || run.code == Some(1), "{run:?}");
        let runs = records(&std::fs::read_to_string(dir.join(&out).join("smoke/runs.csv")).expect("runs.csv"));
        assert_eq!(runs[0][..2], ["seed", "param.network.loss"]);
        for (seed, run_row) in runs[1..].iter().enumerate() {
            let sweep_row = &sweep_rows[1 + index * 2 + seed];
            // runs.csv: seed, param.network.loss, metrics; sweep.csv: loss, seed, metrics.
            assert_eq!(sweep_row[0], run_row[1]);
            assert_eq!(sweep_row[1..2], run_row[..1]);
            assert_eq!(sweep_row[2..], run_row[2..], "loss {loss} seed {seed}");
        }
    }
    let markdown = std::fs::read_to_string(dir.join("sweep/smoke/sweep.md")).expect("sweep.md");
    assert!(markdown.contains("2 variants of network.loss, 4 runs."), "{markdown}");
    assert!(markdown.contains("| network.loss | seeds | mean | 95 % low | 95 % high |"));
    assert!(markdown.contains("## Expectations"));
    let html = std::fs::read_to_string(dir.join("sweep/smoke/sweep.html")).expect("sweep.html");
    let sections = markdown.matches("\n## ").count() - 1;
    assert_eq!(html.matches("<svg").count(), sections, "one chart per charted metric");
}

#[test]
fn a_chosen_metric_against_two_settings_gives_two_charts() {
    let dir = scratch("sweep-grid");
    let run = sessionlab_in(
        &dir,
        &[
            "sweep",
            &smoke(),
            "--set",
            "network.loss=0,0.1",
            "--set",
            "policy.revocation=sync,lazy:10m",
            "--metric",
            "difference_calls",
            "--seeds",
            "0..1",
            "--out",
            "out",
        ],
    );
    code(&run, 0);
    let csv = records(&std::fs::read_to_string(dir.join("out/smoke/sweep.csv")).expect("sweep.csv"));
    let cells: Vec<String> = csv[1..].iter().map(|row| format!("{} {}", row[0], row[1])).collect();
    assert_eq!(cells, ["0 sync", "0 lazy:10m", "0.1 sync", "0.1 lazy:10m"]);
    let html = std::fs::read_to_string(dir.join("out/smoke/sweep.html")).expect("sweep.html");
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("difference_calls (count) against policy.revocation"));
}

#[test]
fn settings_that_cannot_be_swept_are_refused_before_any_run() {
    let dir = scratch("sweep-refused");
    let smoke = smoke();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--set", "network.bogus=1"],
            "--set network.bogus=1: `network.bogus` cannot vary per seed; the settings that can are policy.",
        ),
        (&["--set", "network.loss=0,2"], "--set network.loss=2: "),
        (
            &["--set", "network.loss=0", "--set", "network.loss=1"],
            "`network.loss` is set twice",
        ),
        (&["--set", "network.loss"], "is not PATH=V1,V2"),
        (&["--set", "network.loss=0", "--metric", "nope"], "no metric `nope`"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["sweep", smoke.as_str(), "--seeds", "0..1", "--out", "out"];
        args.extend_from_slice(extra);
        let run = sessionlab_in(&dir, &args);
        code(&run, 2);
        assert!(run.stderr.contains(message), "{extra:?}: {}", run.stderr);
    }
    assert!(!dir.join("out").exists(), "nothing ran");
}
