//! Unit tests of argument parsing and exit codes, run in memory through
//! [`run_with_args`] (tests/it/cli.rs runs the built binary).

use std::io;

use clap::CommandFactory;

use super::*;

/// Runs `sessionlab ARGS...` in memory: (exit, stdout, stderr).
fn sessionlab(args: &[&str]) -> (Exit, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = run_with_args(
        std::iter::once("sessionlab").chain(args.iter().copied()),
        &mut out,
        &mut err,
    );
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).expect("utf-8");
    (exit, text(out), text(err))
}

#[test]
fn the_argument_definitions_are_consistent() {
    Arguments::command().debug_assert();
}

#[test]
fn argument_errors_are_bad_input_on_stderr() {
    for args in [
        &["frobnicate"][..],
        &["check"],
        &["list-metrics", "--format", "xml"],
        &["status", "extra"],
    ] {
        let (exit, out, err) = sessionlab(args);
        assert_eq!(exit, Exit::BadInput, "{args:?}");
        assert_eq!(out, "", "{args:?}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
    let (_, _, err) = sessionlab(&["frobnicate"]);
    assert!(err.contains("unrecognized subcommand 'frobnicate'"), "{err}");
    // No subcommand at all: the help, on stderr, as bad input.
    let (exit, out, err) = sessionlab(&[]);
    assert_eq!((exit, out.as_str()), (Exit::BadInput, ""));
    assert!(err.contains("Usage: sessionlab <COMMAND>"), "{err}");
}

#[test]
fn help_and_version_are_ok_on_stdout() {
    let (exit, out, err) = sessionlab(&["--version"]);
    assert_eq!(
        (exit, out, err),
        (
            Exit::Ok,
            format!("sessionlab {}\n", env!("CARGO_PKG_VERSION")),
            String::new()
        )
    );
    for (subcommand, example) in [
        ("check", "sessionlab check scenarios/*.toml"),
        ("list-metrics", "sessionlab list-metrics --format csv"),
        ("status", "sessionlab status"),
    ] {
        let (exit, out, err) = sessionlab(&[subcommand, "--help"]);
        assert_eq!(exit, Exit::Ok, "{subcommand}");
        assert_eq!(err, "");
        assert!(out.contains(&format!("Example:\n  {example}")), "{out}");
        assert!(out.contains(&format!("Usage: sessionlab {subcommand}")), "{out}");
    }
    let (exit, out, _) = sessionlab(&["--help"]);
    assert_eq!(exit, Exit::Ok);
    for subcommand in ["run", "check", "replay", "list-metrics", "status"] {
        assert!(out.contains(&format!("  {subcommand} ")), "{out}");
    }
}

#[test]
fn status_prints_the_status_text() {
    assert_eq!(
        sessionlab(&["status"]),
        (Exit::Ok, format!("{}\n", status_text()), String::new())
    );
}

#[test]
fn list_metrics_formats_parse() {
    let (exit, table, _) = sessionlab(&["list-metrics"]);
    assert_eq!((exit, table), (Exit::Ok, metrics_table(crate::scenario::METRICS)));
    let (exit, csv, _) = sessionlab(&["list-metrics", "--format", "csv"]);
    assert_eq!(exit, Exit::Ok);
    assert!(csv.starts_with("name,unit,kind,meaning\n"));
    let (exit, explicit, _) = sessionlab(&["list-metrics", "--format", "table"]);
    assert_eq!((exit, explicit), (Exit::Ok, metrics_table(crate::scenario::METRICS)));
}

#[test]
fn check_accepts_at_most_the_file_limit() {
    let mut args = vec!["check"];
    args.extend(std::iter::repeat_n("missing.toml", MAX_CHECK_FILES + 1));
    let (exit, _, err) = sessionlab(&args);
    assert_eq!(exit, Exit::BadInput);
    assert!(err.contains("unexpected value 'missing.toml'"), "{err}");
    // Exactly the limit is accepted (and each missing file reported).
    let (exit, _, err) = sessionlab(&args[..=MAX_CHECK_FILES]);
    assert_eq!((exit, err.lines().count()), (Exit::BadInput, MAX_CHECK_FILES));
}

/// A writer that fails every write with `kind`.
struct Failing(io::ErrorKind);

impl io::Write for Failing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(self.0, "refused"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn output_failures_end_the_command_as_not_done() {
    for args in [&["status"][..], &["list-metrics"], &["list-metrics", "--format", "csv"]] {
        let mut err = Vec::new();
        let exit = run_with_args(
            std::iter::once("sessionlab").chain(args.iter().copied()),
            &mut Failing(io::ErrorKind::Other),
            &mut err,
        );
        assert_eq!(exit, Exit::BadInput);
        let err = String::from_utf8(err).expect("utf-8");
        assert!(
            err.starts_with("sessionlab: cannot write the output: "),
            "{args:?}: {err}"
        );
        assert!(err.contains("refused"), "{err}");

        let mut err = Vec::new();
        let exit = run_with_args(
            std::iter::once("sessionlab").chain(args.iter().copied()),
            &mut Failing(io::ErrorKind::BrokenPipe),
            &mut err,
        );
        assert_eq!(
            (exit, String::from_utf8(err).expect("utf-8")),
            (Exit::BadInput, String::new()),
            "{args:?}: a closed pipe is quiet"
        );
    }
}

#[test]
fn shards_are_parsed_by_clap_into_valid_shards_and_anything_else_is_a_usage_error() {
    let cases = [
        (
            "3/3",
            "shard 3 of 3 does not exist: I must be below N (shards count from 0)",
        ),
        ("0/0", "no shards: N must be at least 1"),
        ("1", "not a shard such as \"0/4\" (I/N: shard I of N, counting from 0)"),
        (
            "1/two",
            "not a shard such as \"0/4\" (I/N: shard I of N, counting from 0)",
        ),
    ];
    for (shard, problem) in cases {
        let (exit, out, err) = sessionlab(&["run", "scenarios/smoke.toml", "--shard", shard]);
        assert_eq!((exit, out.as_str()), (Exit::BadInput, ""), "{shard}");
        let expected = format!("error: invalid value '{shard}' for '--shard <I/N>': {problem}\n");
        assert!(err.starts_with(&expected), "{shard}: {err}");
    }
    let parsed = Arguments::try_parse_from(["sessionlab", "run", "x.toml", "--shard", "2/5"]).expect("parses");
    let Command::Run(run) = parsed.command else {
        panic!("not run: {parsed:?}");
    };
    assert_eq!(run.shard, crate::scenario::Shard::new(2, 5).ok());
}

#[test]
fn a_shard_without_seeds_is_refused_before_anything_runs() {
    let (exit, out, err) = sessionlab(&["run", "scenarios/smoke.toml", "--seeds", "0..2", "--shard", "2/3"]);
    assert_eq!((exit, out.as_str()), (Exit::BadInput, ""));
    assert_eq!(
        err,
        "scenarios/smoke.toml: shard 2/3 of seeds 0..2 holds no seed: use at most 2 shards\n"
    );
}

#[test]
fn a_manifest_takes_as_many_seeds_as_a_run_runs() {
    assert_eq!(MAX_SEEDS, crate::report::shard_manifest::MAX_MANIFEST_SEEDS);
}

#[test]
fn merge_without_a_shard_is_bad_input() {
    let (exit, out, err) = sessionlab(&["merge", "src", "--out", "/nonexistent/out"]);
    assert_eq!((exit, out.as_str()), (Exit::BadInput, ""));
    assert_eq!(
        err,
        "src: no shard here: neither it nor a subdirectory holds a shard.json or a sweep.json\n"
    );
}
