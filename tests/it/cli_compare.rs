//! `sessionlab compare` as a user runs it (in-process): two hand-made
//! runs.csv with figures known exactly, `--fail-if` exiting 1 or 0,
//! bad input exiting 2 with its message and no file, scenarios paired by
//! name, and two small designs run and compared end to end.

use crate::support::binary::in_process as sessionlab;
use std::path::{Path, PathBuf};

use sessionlab::scenario::METRICS;

use crate::cli_run::tiny;
use crate::support::binary::scratch;

fn utf8(path: &Path) -> &str {
    path.to_str().expect("a utf-8 path")
}

fn write_runs(dir: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("a scenario directory");
    std::fs::write(dir.join("runs.csv"), text).expect("runs.csv");
    dir.to_path_buf()
}

const HEADER: &str = "seed,param.network.loss,logout_bypasses,sync_converged,push_latency_p50_ms,resends\n";

/// A: seeds 0..=10. Every seed: no bypass, converged, latency 100.5 + seed,
/// 5 resends.
fn baseline() -> String {
    let rows: String = (0..=10)
        .map(|seed| format!("{seed},0.1,0,true,{},5\n", 100.5 + f64::from(seed)))
        .collect();
    format!("{HEADER}{rows}")
}

/// B: seeds 0..=9 and 12. One bypass each; seed 3 does not converge;
/// latency 2.5 ms more, none on seed 4; 6 resends, 4 on seed 0; the loss
/// drawn differently on seed 7.
fn candidate() -> String {
    let row = |seed: u32| {
        let converged = seed != 3;
        let latency = if seed == 4 {
            String::new()
        } else {
            (103.0 + f64::from(seed)).to_string()
        };
        let resends = if seed == 0 { 4 } else { 6 };
        let loss = if seed == 7 { 0.2 } else { 0.1 };
        format!("{seed},{loss},1,{converged},{latency},{resends}\n")
    };
    let rows: String = (0..=9).chain([12]).map(row).collect();
    format!("{HEADER}{rows}")
}

/// A scratch directory holding `baseline/runs.csv` and `candidate/runs.csv`.
fn handmade(test: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(test);
    let a = write_runs(&dir.join("baseline"), &baseline());
    let b = write_runs(&dir.join("candidate"), &candidate());
    (dir, a, b)
}

/// The exact compare.csv of [`baseline`] → [`candidate`]:
/// - logout_bypasses: +1 on all ten pairs: [1, 1], p = 2 / 2^10;
/// - sync_converged: -1 on one pair of ten: the resample mean is -X / 10,
///   X ~ Binomial(10, 0.1), whose 2.5 % tail starts at X = 3: [-0.3, 0];
///   one nonzero difference: p = 1;
/// - push_latency_p50_ms: +2.5 on the nine pairs with both values:
///   [2.5, 2.5], p = 2 / 2^9; means 945.5 / 9 and 968 / 9;
/// - resends: +1 on nine pairs, -1 on one: 1 - 2X / 10, [0.4, 1];
///   p = 2 · 11 / 1024.
const EXPECTED_CSV: &str = "\
metric,unit,pairs,mean_a,mean_b,mean_difference,ci_low,ci_high,sign_test_p,b_higher,b_lower,ties
logout_bypasses,count,10,0,1,1,1,1,0.001953125,10,0,0
sync_converged,bool,10,1,0.9,-0.1,-0.3,0,1,0,1,9
push_latency_p50_ms,ms,9,105.055556,107.555556,2.5,2.5,2.5,0.00390625,9,0,0
resends,count,10,5,5.8,0.8,0.4,1,0.021484375,9,1,0
";

#[test]
fn handmade_runs_compare_to_exact_figures() {
    let (dir, a, b) = handmade("compare-handmade");
    let out = dir.join("result");
    let (code, stdout, stderr) = sessionlab(&["compare", utf8(&a), utf8(&b), "--out", utf8(&out)]);
    assert_eq!((code, stderr.as_str()), (0, ""), "{stdout}");
    let csv = std::fs::read_to_string(out.join("compare.csv")).expect("compare.csv");
    assert_eq!(csv, EXPECTED_CSV);
    assert_eq!(
        stdout,
        format!(
            "baseline → candidate: 10 seeds paired (0..=9); only in A: 1 (10); only in B: 1 (12).\n  \
             metric               mean A      mean B      B − A  95 % interval  sign test p\n  \
             logout_bypasses      0           1           1      [1, 1]         0.002\n  \
             sync_converged       1           0.9         -0.1   [-0.3, 0]      1.000\n  \
             push_latency_p50_ms  105.055556  107.555556  2.5    [2.5, 2.5]     0.004\n  \
             resends              5           5.8         0.8    [0.4, 1]       0.021\n  \
             wrote {} and compare.md\n",
            out.join("compare.csv").display()
        )
    );
    let markdown = std::fs::read_to_string(out.join("compare.md")).expect("compare.md");
    assert!(markdown.starts_with("# baseline → candidate\n\n"), "{markdown}");
    assert!(markdown.contains("(10000 resamples, seed 0)"), "{markdown}");
    assert!(
        markdown.contains("\n| resends | count | 10 | 5 | 5.8 | 0.8 | [0.4, 1] | 0.021 | 9 | 1 | 0 |\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("\n- `param.network.loss`: equal on 9 of 10 paired seeds\n"),
        "{markdown}"
    );
    // Byte-deterministic: the same inputs, the same files.
    let again = dir.join("again");
    let (code, _, _) = sessionlab(&["compare", utf8(&a), utf8(&b), "--out", utf8(&again)]);
    assert_eq!(code, 0);
    for file in ["compare.csv", "compare.md"] {
        let first = std::fs::read(out.join(file)).expect("written");
        let second = std::fs::read(again.join(file)).expect("written");
        assert!(first == second, "{file} differs between two identical runs");
    }
}

#[test]
fn swapping_the_sides_negates_the_differences_and_mirrors_the_intervals() {
    let (dir, a, b) = handmade("compare-swapped");
    let out = dir.join("result");
    let (code, _, stderr) = sessionlab(&["compare", utf8(&b), utf8(&a), "--out", utf8(&out)]);
    assert_eq!(code, 0, "{stderr}");
    let csv = std::fs::read_to_string(out.join("compare.csv")).expect("compare.csv");
    assert_eq!(
        csv.lines().skip(1).collect::<Vec<_>>(),
        [
            "logout_bypasses,count,10,1,0,-1,-1,-1,0.001953125,0,10,0",
            "sync_converged,bool,10,0.9,1,0.1,0,0.3,1,1,0,9",
            "push_latency_p50_ms,ms,9,107.555556,105.055556,-2.5,-2.5,-2.5,0.00390625,0,9,0",
            "resends,count,10,5.8,5,-0.8,-1,-0.4,0.021484375,1,9,0",
        ]
    );
}

#[test]
fn fail_if_exits_1_when_a_mean_difference_crosses_its_bound() {
    let (dir, a, b) = handmade("compare-fail-if");
    let out = dir.join("result");
    let cases = [
        (&["logout_bypasses>0"][..], 1),
        (&["logout_bypasses>1"], 0),
        (&["logout_bypasses>=1"], 1),
        (&["sync_converged<0"], 1),
        (&["sync_converged<-0.5"], 0),
        (&["resends <= 0.8"], 1),
        (&["resends<0.8", "push_latency_p50_ms>2.5"], 0),
        (&["resends<0.8", "push_latency_p50_ms>2"], 1),
    ];
    for (bounds, expected) in cases {
        let mut args = vec!["compare", utf8(&a), utf8(&b), "--out", utf8(&out)];
        for bound in bounds {
            args.extend(["--fail-if", bound]);
        }
        let (code, stdout, stderr) = sessionlab(&args);
        assert_eq!(code, expected, "{bounds:?}: {stdout}{stderr}");
        if expected == 1 {
            assert!(stderr.contains(": crossed (mean difference "), "{stderr}");
        } else {
            assert_eq!(stderr, "", "{bounds:?}");
            assert!(stdout.contains(": holds (mean difference "), "{stdout}");
        }
    }
    let (_, _, stderr) = sessionlab(&[
        "compare",
        utf8(&a),
        utf8(&b),
        "--out",
        utf8(&out),
        "--fail-if",
        "logout_bypasses>0",
    ]);
    assert_eq!(
        stderr,
        "baseline → candidate: --fail-if logout_bypasses>0: crossed (mean difference 1)\n"
    );
    let markdown = std::fs::read_to_string(out.join("compare.md")).expect("compare.md");
    assert!(
        markdown.ends_with("## Fail-if\n\n- FAIL: `logout_bypasses>0` (mean difference 1)\n"),
        "{markdown}"
    );
}

#[test]
fn bad_input_exits_2_with_its_message_and_writes_nothing() {
    let (dir, a, b) = handmade("compare-bad-input");
    let out = dir.join("result");
    let runs = |name: &str, text: &str| write_runs(&dir.join(name), text);
    let other_columns = runs(
        "other-columns",
        "seed,logout_bypasses,sync_converged,resends\n0,0,true,5\n",
    );
    let other_seeds = runs("other-seeds", &format!("{HEADER}20,0.1,0,true,1,5\n"));
    let malformed = runs("malformed", &format!("{HEADER}0,0.1,0,true,fast,5\n"));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("a directory");
    let (a, b) = (utf8(&a), utf8(&b));
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec![a, b, "--fail-if", "frobnicate>1"],
            "error: invalid value 'frobnicate>1' for '--fail-if <METRIC>BOUND>': \"frobnicate\" is not a metric \
             (`sessionlab list-metrics` lists them)\n"
                .into(),
        ),
        (
            vec![a, b, "--fail-if", "resends>lots"],
            "error: invalid value 'resends>lots' for '--fail-if <METRIC>BOUND>': the bound \"lots\" is not a number\n"
                .into(),
        ),
        (
            vec![a, b, "--fail-if", "resends"],
            "error: invalid value 'resends' for '--fail-if <METRIC>BOUND>': no comparison: write METRIC>BOUND, \
             METRIC>=BOUND, METRIC<BOUND or METRIC<=BOUND\n"
                .into(),
        ),
        (
            vec![a, b, "--resamples", "5"],
            "error: invalid value '5' for '--resamples <N>': 5 is not in 100..=1000000\n".into(),
        ),
        (
            vec![a, utf8(&empty)],
            format!(
                "{}: no runs.csv here: neither it nor a subdirectory holds one (give a `sessionlab run --out` \
                 directory, or one scenario's directory in it)\n",
                empty.display()
            ),
        ),
        (
            vec![a, utf8(&other_columns)],
            format!(
                "{a}/runs.csv and {}/runs.csv have different metric columns: `push_latency_p50_ms` is a column of \
                 the first, not of the second (were they written by different versions of sessionlab?)\n",
                other_columns.display()
            ),
        ),
        (
            vec![a, utf8(&other_seeds)],
            format!(
                "{a}/runs.csv and {}/runs.csv have no seed in common (11 and 1 seeds): nothing to pair\n",
                other_seeds.display()
            ),
        ),
        (
            vec![utf8(&malformed), b],
            format!(
                "{}/runs.csv: line 2: push_latency_p50_ms is \"fast\", not a number\n",
                malformed.display()
            ),
        ),
        (
            vec![a, b, "--fail-if", "devices>0"],
            "--fail-if devices>0: devices is not a column of baseline's runs.csv\n".into(),
        ),
    ];
    for (args, expected) in cases {
        let mut full = vec!["compare"];
        full.extend(&args);
        full.extend(["--out", utf8(&out)]);
        let (code, stdout, stderr) = sessionlab(&full);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}: {stderr}");
        if expected.starts_with("error: ") {
            assert!(stderr.starts_with(&expected), "{args:?}: {stderr}");
        } else {
            assert_eq!(stderr, expected, "{args:?}");
        }
        assert!(!out.exists(), "{args:?}: bad input writes nothing");
    }
    // A metric without a value on any pair cannot be judged.
    let blank = runs("blank", "seed,resends\n0,\n");
    let (code, _, stderr) = sessionlab(&[
        "compare",
        utf8(&blank),
        utf8(&blank),
        "--fail-if",
        "resends>0",
        "--out",
        utf8(&out),
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "--fail-if resends>0: no seed has a value of resends in both blank and blank: the bound cannot be judged\n"
    );
}

#[test]
fn out_directories_pair_their_scenarios_by_name() {
    let dir = scratch("compare-by-name");
    write_runs(&dir.join("a/shared"), &baseline());
    write_runs(&dir.join("a/only-a"), &baseline());
    write_runs(&dir.join("b/shared"), &candidate());
    write_runs(&dir.join("b/only-b"), &candidate());
    let out = dir.join("result");
    let (a, b) = (dir.join("a"), dir.join("b"));
    let (code, stdout, stderr) = sessionlab(&["compare", utf8(&a), utf8(&b), "--out", utf8(&out)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "only-a: only in {}: not compared\nonly-b: only in {}: not compared\n",
            a.display(),
            b.display()
        )
    );
    assert!(stdout.starts_with("shared → shared: 10 seeds paired"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("shared/compare.csv")).expect("compare.csv");
    assert_eq!(csv, EXPECTED_CSV);
    // One scenario on each side: compared whatever their names.
    let (code, stdout, _) = sessionlab(&[
        "compare",
        utf8(&a.join("only-a")),
        utf8(&b),
        "--out",
        utf8(&dir.join("nothing")),
    ]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    let single = dir.join("single");
    write_runs(&single.join("candidate"), &candidate());
    let (code, stdout, stderr) = sessionlab(&["compare", utf8(&a.join("only-a")), utf8(&single), "--out", utf8(&out)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("only-a → candidate: "), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(out.join("compare.csv")).ok().as_deref(),
        Some(EXPECTED_CSV)
    );
}

#[test]
fn no_scenario_in_common_is_bad_input() {
    let dir = scratch("compare-no-common");
    write_runs(&dir.join("a/x"), &baseline());
    write_runs(&dir.join("a/y"), &baseline());
    write_runs(&dir.join("b/z"), &candidate());
    let (a, b) = (dir.join("a"), dir.join("b"));
    let (code, _, stderr) = sessionlab(&["compare", utf8(&a), utf8(&b), "--out", utf8(&dir.join("out"))]);
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with(&format!(
            "no scenario in common: {} holds x, y, {} holds z\n",
            a.display(),
            b.display()
        )),
        "{stderr}"
    );
}

#[test]
fn two_designs_run_and_compare_end_to_end() {
    let dir = scratch("compare-designs");
    let quiet = tiny().population("updates_per_day", 10);
    let busy = tiny().population("updates_per_day", 200);
    for (name, fixture) in [("quiet", &quiet), ("busy", &busy)] {
        let file = dir.join(format!("{name}.toml"));
        std::fs::write(&file, fixture.render()).expect("a scenario file");
        let (code, _, stderr) = sessionlab(&["run", utf8(&file), "--out", utf8(&dir.join(name))]);
        assert_eq!(code, 0, "{name}: {stderr}");
    }
    let (quiet_out, busy_out) = (dir.join("quiet"), dir.join("busy"));
    let out = dir.join("result");
    let compare = |bound: &str| {
        sessionlab(&[
            "compare",
            utf8(&quiet_out),
            utf8(&busy_out),
            "--out",
            utf8(&out),
            "--resamples",
            "1000",
            "--fail-if",
            bound,
        ])
    };
    let (code, stdout, stderr) = compare("sync_payload_bytes<0");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("tiny-cli → tiny-cli: 2 seeds paired (0..=1)"),
        "{stdout}"
    );
    let (code, _, stderr) = compare("sync_payload_bytes>0");
    assert_eq!(code, 1, "more updates carry more payload: {stderr}");
    let csv = std::fs::read_to_string(out.join("compare.csv")).expect("compare.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("valid CSV");
    let expected: Vec<(&str, &str)> = METRICS[1..].iter().map(|metric| (metric.name, metric.unit)).collect();
    let found: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row.get(0).unwrap_or_default(), row.get(1).unwrap_or_default()))
        .collect();
    assert_eq!(found, expected, "a row per metric, in list-metrics order");
    let accounts = rows
        .iter()
        .find(|row| row.get(0) == Some("accounts"))
        .expect("accounts");
    assert_eq!(
        accounts.iter().skip(2).collect::<Vec<_>>(),
        ["2", "2", "2", "0", "0", "0", "1", "0", "0", "2"],
        "the same population on both sides"
    );
}
