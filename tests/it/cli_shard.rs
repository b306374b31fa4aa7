//! `sessionlab run --shard I/N` and `sessionlab merge` as a user runs them:
//! the merge of a run's shards is byte-identical to the plain run, judges
//! `[expect]` as the run does, and refuses parts that do not make a whole
//! with the exact message and exit 2.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::cli_run::tiny;
use crate::support::binary::{copy_tree, scratch, sessionlab_in, Run};

/// Every file a plain `run` writes.
const REPORTS: [&str; 5] = ["runs.csv", "attackers.csv", "summary.csv", "summary.md", "report.html"];

fn ok(run: Run) -> Run {
    assert_eq!(run.code, Some(0), "{run:?}");
    run
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a directory")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts that `merged` holds every report `whole` holds, byte for byte.
fn assert_same_reports(whole: &Path, merged: &Path) {
    for file in REPORTS {
        let plain = std::fs::read(whole.join(file)).expect("the run wrote it");
        let joined = std::fs::read(merged.join(file)).expect("the merge wrote it");
        assert!(plain == joined, "{file} of the merge differs from the plain run's");
    }
}

#[test]
fn three_shards_of_smoke_merge_into_the_files_of_one_run() {
    let dir = scratch("shard-smoke");
    let smoke = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smoke.toml");
    let smoke = smoke.to_str().expect("utf-8 path");
    let whole = ok(sessionlab_in(
        &dir,
        &["run", smoke, "--seeds", "0..5", "--jobs", "2", "--out", "whole"],
    ));
    for index in 0..3 {
        let shard = format!("{index}/3");
        let part = format!("part{index}");
        let run = ok(sessionlab_in(
            &dir,
            &["run", smoke, "--seeds", "0..5", "--shard", &shard, "--out", &part],
        ));
        assert!(run.stdout.starts_with(&format!("smoke: shard {index}/3, ")), "{run:?}");
    }
    assert_eq!(
        file_names(&dir.join("part0/smoke")),
        [
            "attackers.csv",
            "runs.csv",
            "scenario.toml",
            "shard.json",
            "violations.csv"
        ]
    );
    let merged = ok(sessionlab_in(
        &dir,
        &["merge", "part0", "part1", "part2", "--out", "merged"],
    ));
    assert!(
        merged.stdout.starts_with("smoke: 5 seeds merged from 3 shards in "),
        "{merged:?}"
    );
    // The summary under the first line is the run's, figure for figure.
    let summary = |run: &Run| run.stdout.lines().skip(1).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(summary(&merged), summary(&whole));
    assert_eq!(
        file_names(&dir.join("merged/smoke")),
        file_names(&dir.join("whole/smoke"))
    );
    assert_same_reports(&dir.join("whole/smoke"), &dir.join("merged/smoke"));
}

#[test]
fn a_merge_judges_expect_as_the_run_does_and_shards_judge_nothing() {
    let dir = scratch("shard-expect");
    let scenario = tiny().expect("accounts", 3);
    std::fs::write(dir.join("failing.toml"), scenario.render()).expect("write the scenario");
    let whole = sessionlab_in(&dir, &["run", "failing.toml", "--out", "whole"]);
    assert_eq!(whole.code, Some(1), "{whole:?}");
    for shard in ["0/2", "1/2"] {
        let part = format!("part{}", &shard[..1]);
        ok(sessionlab_in(
            &dir,
            &["run", "failing.toml", "--shard", shard, "--out", &part],
        ));
    }
    let merged = sessionlab_in(&dir, &["merge", "part0", "part1", "--out", "merged"]);
    assert_eq!(merged.code, Some(1), "{merged:?}");
    assert_eq!(merged.stderr, whole.stderr);
    assert!(
        merged.stderr.starts_with("failing.toml: seed 0: expected accounts = 3"),
        "{merged:?}"
    );
    assert_same_reports(&dir.join("whole/tiny-cli"), &dir.join("merged/tiny-cli"));
}

/// Shards of `tiny` (seeds 0..3) for the refusals, made once: `p0`..`p2`
/// are its three shards; `other1` is shard 1/3 of a file of the same name
/// with another description, `range1` shard 1/3 of seeds 0..4, `half0`
/// shard 0/2.
fn parts() -> &'static Path {
    static PARTS: OnceLock<PathBuf> = OnceLock::new();
    PARTS.get_or_init(|| {
        let dir = scratch("shard-parts");
        let scenario = tiny().seeds("0..3");
        std::fs::write(dir.join("tiny.toml"), scenario.render()).expect("write");
        let other = scenario.set("scenario", "description", "another file");
        std::fs::write(dir.join("other.toml"), other.render()).expect("write");
        let runs: [(&str, &[&str]); 6] = [
            ("p0", &["tiny.toml", "--shard", "0/3"]),
            ("p1", &["tiny.toml", "--shard", "1/3"]),
            ("p2", &["tiny.toml", "--shard", "2/3"]),
            ("other1", &["other.toml", "--shard", "1/3"]),
            ("range1", &["tiny.toml", "--seeds", "0..4", "--shard", "1/3"]),
            ("half0", &["tiny.toml", "--shard", "0/2"]),
        ];
        for (out, args) in runs {
            let mut command = vec!["run"];
            command.extend_from_slice(args);
            command.extend_from_slice(&["--out", out]);
            ok(sessionlab_in(&dir, &command));
        }
        dir
    })
}

/// Merges `dirs` of [`parts`] (copied into a scratch directory named
/// `test`, after `damage` has had its way with the copies) and returns
/// the one line of stderr, asserting exit 2 and no output written.
fn refused(test: &str, dirs: &[&str], damage: impl FnOnce(&Path)) -> String {
    let dir = scratch(test);
    for part in dirs {
        if !dir.join(part).exists() && parts().join(part).exists() {
            copy_tree(&parts().join(part), &dir.join(part));
        }
    }
    damage(&dir);
    let mut args = vec!["merge"];
    args.extend_from_slice(dirs);
    args.extend_from_slice(&["--out", "merged"]);
    let run = sessionlab_in(&dir, &args);
    assert_eq!((run.code, run.stdout.as_str()), (Some(2), ""), "{run:?}");
    assert!(!dir.join("merged").exists(), "nothing is written: {run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    run.stderr.trim_end().to_string()
}

fn untouched(_: &Path) {}

/// A damage: the file at `path` (under the copies) now holds `text`.
fn overwrite(path: &'static str, text: &'static str) -> impl FnOnce(&Path) {
    move |dir: &Path| std::fs::write(dir.join(path), text).expect("damage")
}

#[test]
fn the_shards_of_tiny_merge_into_its_run() {
    let dir = scratch("shard-tiny-whole");
    copy_tree(parts(), &dir);
    ok(sessionlab_in(&dir, &["run", "tiny.toml", "--out", "whole"]));
    ok(sessionlab_in(
        &dir,
        &["merge", "p2", "p0", "p1/tiny-cli", "--out", "merged"],
    ));
    assert_same_reports(&dir.join("whole/tiny-cli"), &dir.join("merged/tiny-cli"));
}

#[test]
fn merge_refuses_a_missing_shard() {
    assert_eq!(
        refused("refuse-missing", &["p0", "p2"], untouched),
        "tiny-cli: shard 1/3 is missing: a merge needs all 3 shards"
    );
}

#[test]
fn merge_refuses_a_shard_given_twice_or_overlapping_another() {
    assert_eq!(
        refused("refuse-twice", &["p0", "p1", "p1/tiny-cli", "p2"], untouched),
        "p1/tiny-cli: shard 1/3 of tiny-cli is also in p1/tiny-cli: each shard must be given once"
    );
    assert_eq!(
        refused("refuse-overlap", &["p0", "p1", "p2", "half0"], untouched),
        "half0/tiny-cli: shard 0/2 of tiny-cli overlaps shard 0/3 in p0/tiny-cli: \
         they split the seeds into different numbers of shards"
    );
}

#[test]
fn merge_refuses_a_shard_of_another_scenario_file_or_seed_range() {
    assert_eq!(
        refused("refuse-scenario", &["p0", "other1", "p2"], untouched),
        "other1/tiny-cli: shard 1/3 of tiny-cli was run from a different scenario file than shard 0/3 in p0/tiny-cli"
    );
    assert_eq!(
        refused("refuse-range", &["p0", "range1", "p2"], untouched),
        "range1/tiny-cli: shard 1/3 of tiny-cli splits seeds 0..4, but shard 0/3 in p0/tiny-cli splits seeds 0..3"
    );
}

#[test]
fn merge_refuses_a_shard_of_another_version() {
    let older = |dir: &Path| {
        let manifest = dir.join("p1/tiny-cli/shard.json");
        let text = std::fs::read_to_string(&manifest).expect("manifest");
        let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
        std::fs::write(&manifest, text.replace(&version, "\"0.0.1\"")).expect("write");
    };
    assert_eq!(
        refused("refuse-version", &["p0", "p1", "p2"], older),
        format!(
            "p1/tiny-cli: shard 1/3 of tiny-cli was written by sessionlab 0.0.1, but this is sessionlab {}: \
             merge with the version that ran the shards",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn merge_refuses_a_damaged_manifest_or_csv() {
    assert_eq!(
        refused(
            "refuse-manifest",
            &["p0", "p1", "p2"],
            overwrite("p1/tiny-cli/shard.json", "{\"format\": ")
        ),
        "p1/tiny-cli/shard.json: damaged shard manifest: EOF while parsing a value at line 1 column 11"
    );
    let header_only = |dir: &Path| {
        let runs = dir.join("p2/tiny-cli/runs.csv");
        let text = std::fs::read_to_string(&runs).expect("runs.csv");
        let header = text.lines().next().expect("a header");
        std::fs::write(&runs, format!("{header}\n")).expect("damage");
    };
    assert_eq!(
        refused("refuse-runs", &["p0", "p1", "p2"], header_only),
        "p2/tiny-cli/runs.csv: damaged: no row for seed 2"
    );
    let rounded = |dir: &Path| {
        let runs = dir.join("p0/tiny-cli/runs.csv");
        let text = std::fs::read_to_string(&runs).expect("runs.csv");
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut cells: Vec<&str> = lines[1].split(',').collect();
        cells[1] = "2.0";
        lines[1] = cells.join(",");
        std::fs::write(&runs, lines.join("\n") + "\n").expect("damage");
    };
    assert_eq!(
        refused("refuse-cell", &["p0", "p1", "p2"], rounded),
        "p0/tiny-cli/runs.csv: damaged: line 2: accounts \"2.0\" is not a value as sessionlab writes it"
    );
    assert_eq!(
        refused("refuse-attackers", &["p0", "p1", "p2"], overwrite("p1/tiny-cli/attackers.csv", "seed\n")),
        "p1/tiny-cli/attackers.csv: damaged: line 1: not the columns this version of sessionlab writes for this scenario"
    );
    assert_eq!(
        refused("refuse-nothing", &["p0", "nowhere"], untouched),
        "nowhere: cannot read it: No such file or directory (os error 2)"
    );
}
