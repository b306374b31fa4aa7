//! `sessionlab sweep --shard I/N` and `merge` of its parts: the merged
//! `sweep.csv`, `sweep.md` and `sweep.html` are byte-identical to one
//! sweep over all the seeds, and parts that do not make a whole — a
//! missing shard, other settings, a variant not run from the swept file —
//! are refused with exit 2 and no file written.

use std::path::Path;

use crate::support::binary::{scratch, sessionlab_in, Run};

fn smoke() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.toml");
    path.to_str().expect("utf-8 path").to_string()
}

fn code(run: &Run, expected: i32) {
    assert_eq!(run.code, Some(expected), "{run:?}");
}

/// `sweep smoke --set network.loss=0,0.2 --seeds 0..5 --out OUT`, plus `extra`.
fn sweep(dir: &Path, out: &str, extra: &[&str]) -> Run {
    let smoke = smoke();
    let mut args = vec![
        "sweep",
        smoke.as_str(),
        "--set",
        "network.loss=0,0.2",
        "--seeds",
        "0..5",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    sessionlab_in(dir, &args)
}

#[test]
fn merged_sweep_shards_are_the_whole_sweep_byte_for_byte() {
    let dir = scratch("sweep-shard-merge");
    code(&sweep(&dir, "whole", &["--jobs", "2"]), 0);
    let first = sweep(&dir, "part0", &["--shard", "0/2", "--jobs", "2"]);
    code(&first, 0);
    assert!(
        first.stdout.starts_with("smoke: shard 0/2, 2 variants × 3 seeds in "),
        "{}",
        first.stdout
    );
    code(&sweep(&dir, "part1", &["--shard", "1/2"]), 0);
    for file in [
        "sweep.json",
        "scenario.toml",
        "variant-0000/shard.json",
        "variant-0001/runs.csv",
    ] {
        assert!(dir.join("part1/smoke").join(file).is_file(), "{file}");
    }
    assert!(
        !dir.join("part1/smoke/sweep.csv").exists(),
        "a shard writes no sweep files"
    );
    let merged = sessionlab_in(&dir, &["merge", "part1", "part0", "--out", "merged"]);
    code(&merged, 0);
    assert!(
        merged
            .stdout
            .starts_with("smoke: 2 variants × 5 seeds merged from 2 shards in "),
        "{}",
        merged.stdout
    );
    for file in ["sweep.csv", "sweep.md", "sweep.html"] {
        let whole = std::fs::read(dir.join("whole/smoke").join(file)).expect("the whole sweep's file");
        let merged = std::fs::read(dir.join("merged/smoke").join(file)).expect("the merged file");
        assert!(whole == merged, "{file} differs");
    }
    assert!(!dir.join("merged/smoke/sweep.json").exists());
    // The merged directory is no part: merging it again finds nothing.
    let again = sessionlab_in(&dir, &["merge", "merged", "--out", "again"]);
    code(&again, 2);
    assert!(again.stderr.contains("no shard here"), "{}", again.stderr);
}

#[test]
fn sweep_shards_that_do_not_make_a_whole_are_refused() {
    let dir = scratch("sweep-shard-refused");
    code(&sweep(&dir, "part0", &["--shard", "0/2"]), 0);
    code(&sweep(&dir, "part1", &["--shard", "1/2"]), 0);
    let smoke = smoke();
    let other = sessionlab_in(
        &dir,
        &[
            "sweep",
            &smoke,
            "--set",
            "network.loss=0,0.1",
            "--seeds",
            "0..5",
            "--shard",
            "1/2",
            "--out",
            "other1",
        ],
    );
    code(&other, 0);
    let refused = |parts: &[&str], message: &str| {
        let mut args = vec!["merge"];
        args.extend_from_slice(parts);
        args.extend_from_slice(&["--out", "merged"]);
        let run = sessionlab_in(&dir, &args);
        code(&run, 2);
        assert!(run.stderr.contains(message), "{parts:?}: {}", run.stderr);
        assert!(!dir.join("merged").exists(), "{parts:?}: nothing written");
    };
    refused(&["part0"], "smoke: shard 1/2 is missing: a merge needs all 2 shards");
    refused(
        &["part0", "other1"],
        "sweeps network.loss=0,0.1, but part0/smoke sweeps network.loss=0,0.2",
    );
    refused(&["part0", "part0"], "each shard must be given once");
    // The swept file's copy edited: its variants are not the ones that ran.
    let copy = dir.join("part0/smoke/scenario.toml");
    let text = std::fs::read_to_string(&copy).expect("the copy");
    std::fs::write(&copy, text.replacen("duration = \"1d\"", "duration = \"2d\"", 1)).expect("edit");
    refused(
        &["part0", "part1"],
        "damaged: not a shard of variant 0 (network.loss=0)",
    );
}
