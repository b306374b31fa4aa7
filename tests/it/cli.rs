//! The `sessionlab` binary run as a user runs it: each subcommand, its
//! output and its exit code (0 ok, 2 bad input), and the exact
//! `file:line:column: problem` message for each kind of malformed scenario.

use std::path::Path;

use sessionlab::scenario::duration::format_duration;
use sessionlab::scenario::{load_scenario, METRICS};
use sessionlab_testkit::scenario_fixture::{device, ScenarioFixture};

use crate::support::binary::{scratch, sessionlab_in, Run};

/// Runs `sessionlab ARGS...` in the repository root.
fn sessionlab(args: &[&str]) -> Run {
    sessionlab_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// The smallest valid scenario; malformed ones append to it (from line 7).
/// `[scenario]` (3 lines), then `[population]` (3 lines), no blank line:
/// the positions the malformed cases expect count from it.
fn minimal() -> ScenarioFixture {
    ScenarioFixture::new("t")
        .duration("7d")
        .accounts(10)
        .devices([device("phone")])
}

/// Writes `source` to `file` in a scratch directory, checks it there and
/// returns the one line on stderr, after asserting exit 2 and no stdout.
fn check_error(file: &str, source: &str) -> String {
    let directory = scratch(file);
    std::fs::write(directory.join(file), source).expect("write scenario");
    let run = sessionlab_in(&directory, &["check", file]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "", "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    run.stderr.trim_end_matches('\n').to_string()
}

#[test]
fn check_reports_each_kind_of_malformed_scenario_with_its_position() {
    let minimal = minimal().render();
    let cases = [
        (
            "unknown-key.toml",
            format!("{minimal}[bogus]\n"),
            "unknown-key.toml:7:2: unknown key `bogus`, expected one of `scenario`, `policy`, `datacenters`, \
             `network`, `fault`, `population`, `attacker`, `owner_action`, `device_event`, `expect`, `swarm`",
        ),
        (
            "wrong-type.toml",
            format!("{minimal}[network]\nloss = \"high\"\n"),
            "wrong-type.toml:8:8: wrong type: `network.loss` must be a number, found a string",
        ),
        (
            "out-of-range.toml",
            format!("{minimal}[datacenters]\ncount = 0\n"),
            "out-of-range.toml:8:9: `datacenters.count` = 0 is out of range: expected a whole number between 1 and 16",
        ),
        (
            "no-unit.toml",
            "[scenario]\nname = \"t\"\nduration = 7\n[population]\naccounts = 1\ndevices = [{ kind = \"phone\" }]\n"
                .to_string(),
            "no-unit.toml:3:12: `scenario.duration` = 7 has no unit: write a whole number followed by us, ms, s, m, \
             h or d, e.g. \"30s\"",
        ),
        (
            "missing-parameter.toml",
            format!("{minimal}[network]\nlatency = {{ dist = \"normal\", mean = \"1s\" }}\n"),
            "missing-parameter.toml:8:11: `network.latency`: distribution \"normal\" needs parameter `stddev`",
        ),
        (
            "empty-population.toml",
            self::minimal().accounts(0).render(),
            "empty-population.toml:5:12: empty population: `population.accounts` = 0: a scenario needs at least \
             one account",
        ),
        (
            "syntax.toml",
            "[scenario\n".to_string(),
            "syntax.toml:1:10: TOML syntax error: unclosed table, expected `]`",
        ),
    ];
    for (file, source, message) in cases {
        assert_eq!(check_error(file, &source), message);
    }
}

#[test]
fn check_reports_a_missing_file_as_bad_input() {
    let directory = scratch("missing");
    let run = sessionlab_in(&directory, &["check", "absent.toml"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("absent.toml:1:1: cannot read the file: "),
        "{run:?}"
    );
}

/// The `ok` line `check` prints for a valid file, computed from the library.
fn ok_line(path: &str) -> String {
    let scenario = load_scenario(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("valid scenario");
    let seeds = scenario.meta.seeds.len();
    let noun = if seeds == 1 { "seed" } else { "seeds" };
    let duration = format_duration(scenario.meta.duration);
    format!("ok  {path}  ({}: {seeds} {noun}, {duration})", scenario.meta.name)
}

/// Every `scenarios/*.toml`, relative to the repository root, sorted.
fn example_scenarios() -> Vec<String> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<String> = std::fs::read_dir(directory)
        .expect("scenarios/ exists")
        .map(|entry| entry.expect("entry").file_name().into_string().expect("utf-8 name"))
        .filter(|name| name.ends_with(".toml"))
        .map(|name| format!("scenarios/{name}"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn check_accepts_every_example_scenario() {
    let paths = example_scenarios();
    assert!(paths.len() >= 3, "{paths:?}");
    let args: Vec<&str> = std::iter::once("check")
        .chain(paths.iter().map(String::as_str))
        .collect();
    let run = sessionlab(&args);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:?}");
    let expected: String = paths.iter().map(|path| ok_line(path) + "\n").collect();
    assert_eq!(run.stdout, expected);
    assert!(
        run.stdout
            .contains("ok  scenarios/healthy-baseline.toml  (healthy-baseline: 20 seeds, 3d)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_goes_on_after_an_invalid_file() {
    let directory = scratch("mixed");
    std::fs::write(directory.join("bad.toml"), "[scenario\n").expect("write");
    std::fs::write(directory.join("good.toml"), minimal().render()).expect("write");
    let run = sessionlab_in(&directory, &["check", "bad.toml", "nope.toml", "good.toml"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "ok  good.toml  (t: 100 seeds, 7d)\n");
    let problems: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(problems.len(), 2, "{run:?}");
    assert!(problems[0].starts_with("bad.toml:1:10: "), "{run:?}");
    assert!(problems[1].starts_with("nope.toml:1:1: "), "{run:?}");
}

#[test]
fn list_metrics_prints_every_metric_in_a_table() {
    let run = sessionlab(&["list-metrics"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), METRICS.len() + 1, "a header, then one line per metric");
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["name", "unit", "meaning"]
    );
    for (line, metric) in lines[1..].iter().zip(METRICS) {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some(metric.name), "{line}");
        assert_eq!(words.next(), Some(metric.unit), "{line}");
        assert!(line.ends_with(metric.meaning), "{line}");
    }
}

#[test]
fn list_metrics_csv_parses() {
    let run = sessionlab(&["list-metrics", "--format", "csv"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:?}");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), ["name", "unit", "kind", "meaning"]);
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("valid CSV");
    let names: Vec<&str> = records.iter().map(|record| &record[0]).collect();
    let expected: Vec<&str> = METRICS.iter().map(|metric| metric.name).collect();
    assert_eq!(names, expected);
    for (record, metric) in records.iter().zip(METRICS) {
        assert_eq!((&record[1], &record[3]), (metric.unit, metric.meaning));
        assert!(["number", "bool"].contains(&&record[2]), "{record:?}");
    }
}

#[test]
fn status_prints_the_layers_in_their_order_and_points_to_the_code_map() {
    let run = sessionlab(&["status"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:?}");
    assert_eq!(
        run.stdout,
        format!("{}\n", sessionlab::cli::status_text()),
        "the binary prints the library's text"
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("sessionlab {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(
        lines[1],
        "layers, each using only those above it: core ← engine ← scenario ← world ← report ← serve ← cli"
    );
    let folders: Vec<&str> = lines[2..9]
        .iter()
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        folders,
        [
            "crates/proto",
            "src/engine",
            "src/scenario",
            "src/world",
            "src/report",
            "src/serve",
            "src/cli"
        ]
    );
    assert_eq!(lines[9], "code map and invariants: ARCHITECTURE.md");
    assert!(run.stdout.ends_with(
        "subcommands: run, merge, slurm, sweep, compare, serve, check, replay, shrink, mutants, list-metrics, status\n"
    ));
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for subcommand in [
        "run",
        "merge",
        "slurm",
        "sweep",
        "compare",
        "serve",
        "check",
        "replay",
        "shrink",
        "mutants",
        "list-metrics",
        "status",
    ] {
        let run = sessionlab(&[subcommand, "--help"]);
        assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:?}");
        assert!(
            run.stdout.contains(&format!("Usage: sessionlab {subcommand}")),
            "{run:?}"
        );
        assert!(run.stdout.contains("Example:\n  sessionlab "), "{run:?}");
    }
    let run = sessionlab(&["--help"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("Exit codes: 0 ok"), "{run:?}");
}

#[test]
fn bad_arguments_are_bad_input() {
    for args in [
        &["frobnicate"][..],
        &[],
        &["check"],
        &["list-metrics", "--format", "xml"],
    ] {
        let run = sessionlab(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
    let run = sessionlab(&["frobnicate"]);
    assert!(run.stderr.contains("unrecognized subcommand 'frobnicate'"), "{run:?}");
}

#[test]
fn run_refuses_two_scenarios_of_one_name_before_running_any() {
    let directory = scratch("duplicate-names");
    let text = minimal().duration("1h").accounts(1).render();
    std::fs::write(directory.join("first.toml"), &text).expect("write");
    std::fs::write(directory.join("second.toml"), &text).expect("write");
    let run = sessionlab_in(
        &directory,
        &["run", "first.toml", "second.toml", "--seeds", "0..1", "--out", "out"],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr.lines().next(),
        Some(
            "second.toml:2:8: scenario name \"t\" is already the name of first.toml: their reports would \
             overwrite each other; give each scenario its own name"
        ),
        "{run:?}"
    );
    assert!(directory.join("out/t/runs.csv").is_file(), "the first still runs");
}

#[test]
fn check_prints_every_problem_of_a_file_one_per_line() {
    let directory = scratch("several-problems");
    let source = minimal()
        .set("scenario", "seeds", "3")
        .policy("authorization_ttl", "36h")
        .render();
    std::fs::write(directory.join("two.toml"), source).expect("write");
    let run = sessionlab_in(&directory, &["check", "two.toml"]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(2), ""), "{run:?}");
    assert_eq!(
        run.stderr,
        "two.toml:4:9: `scenario.seeds` = \"3\" is not a half-open range of seeds such as \"0..100\"\n\
         two.toml:9:21: `policy.authorization_ttl` = \"36h\" is out of range: expected whole days, such as \"30d\"\n"
    );
}
