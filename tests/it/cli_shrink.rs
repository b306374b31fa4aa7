//! `sessionlab shrink` and `sessionlab mutants` as a user runs them: a
//! failing seed shrinks to a small scenario that `run` reproduces, failing
//! the same way; with the `mutants` feature, every mutant's failure in
//! `scenarios/` shrinks so (at most 5 accounts), and the table names what
//! caught each; without it, `mutants` says how to build it and exits 2.

use std::path::Path;

use crate::support::binary::{scratch, sessionlab_in, Run};

/// Runs `sessionlab ARGS...` in `directory`.
fn sessionlab(directory: &Path, args: &[&str]) -> Run {
    sessionlab_in(directory, args)
}

/// The repository's `scenarios/NAME.toml`, as text.
fn shipped(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The integer `population.accounts` of a scenario text.
fn accounts(text: &str) -> i64 {
    let table: toml::Table = text.parse().expect("the shrunk scenario is TOML");
    table["population"]["accounts"]
        .as_integer()
        .expect("a whole number of accounts")
}

/// Shrinks `file` (in `directory`) at `seed`; returns the shrink's stdout
/// and the shrunk scenario's text, after checking that `run` reproduces
/// the failure (exit 1, `by` on stderr).
fn shrink_and_reproduce(directory: &Path, file: &str, name: &str, seed: u64, by: &str) -> (String, String) {
    let seed_text = seed.to_string();
    let shrunk = sessionlab(directory, &["shrink", file, "--seed", &seed_text, "--out", "min"]);
    assert_eq!((shrunk.code, shrunk.stderr.as_str()), (Some(0), ""), "{shrunk:?}");
    assert!(shrunk.stdout.contains(&format!("fails by {by}")), "{}", shrunk.stdout);
    let minimal = format!("min/{name}.min.toml");
    let text = std::fs::read_to_string(directory.join(&minimal)).expect("NAME.min.toml written");
    assert!(directory.join(format!("min/{name}.min.trace.jsonl")).is_file());
    let seeds = format!("{seed}..{}", seed + 1);
    let again = sessionlab(directory, &["run", &minimal, "--seeds", &seeds, "--out", "again"]);
    assert_eq!(again.code, Some(1), "{again:?}");
    assert!(again.stderr.contains(&format!("seed {seed}: ")), "{again:?}");
    (shrunk.stdout, text)
}

#[test]
fn a_failing_bound_shrinks_to_one_account_that_run_reproduces() {
    let directory = scratch("shrink-bound");
    // smoke, with a bound every seed fails from above: 10 accounts.
    let text = shipped("smoke").replace("[expect]\n", "[expect]\naccounts = { max = 0 }\n");
    std::fs::write(directory.join("bound.toml"), text).expect("write the scenario");
    let (stdout, shrunk) = shrink_and_reproduce(&directory, "bound.toml", "smoke", 0, "expect: accounts <= 0");
    assert_eq!(accounts(&shrunk), 1, "{stdout}");
    assert!(
        stdout.contains("1. halve population.accounts: 10 → 5: fails the same way: kept"),
        "{stdout}"
    );
    assert!(shrunk.contains("name = \"smoke-min\""), "{shrunk}");
    assert!(shrunk.contains("seeds = \"0..1\""), "{shrunk}");
    // Only the failing bound is left to judge.
    let table: toml::Table = shrunk.parse().expect("TOML");
    let expect: Vec<&String> = table["expect"].as_table().expect("[expect]").keys().collect();
    assert_eq!(expect, ["accounts"], "{shrunk}");
    // Deterministic: the same steps again.
    let second = sessionlab(&directory, &["shrink", "bound.toml", "--seed", "0", "--out", "min2"]);
    assert_eq!(second.stdout.replace("min2/", "min/"), stdout);
}

#[test]
fn a_passing_seed_is_bad_input_and_the_budget_is_counted_in_runs() {
    let directory = scratch("shrink-passing");
    std::fs::write(directory.join("smoke.toml"), shipped("smoke")).expect("write the scenario");
    let passing = sessionlab(&directory, &["shrink", "smoke.toml", "--seed", "0"]);
    assert_eq!(passing.code, Some(2), "{passing:?}");
    assert!(passing.stderr.contains("seed 0 passes"), "{passing:?}");
    let text = shipped("smoke").replace("[expect]\n", "[expect]\naccounts = { max = 0 }\n");
    std::fs::write(directory.join("bound.toml"), text).expect("write the scenario");
    let short = sessionlab(
        &directory,
        &[
            "shrink",
            "bound.toml",
            "--seed",
            "0",
            "--budget",
            "2runs",
            "--out",
            "min",
        ],
    );
    assert_eq!(short.code, Some(0), "{short:?}");
    assert!(short.stdout.contains("(2 candidate runs)"), "{}", short.stdout);
    assert!(
        short.stdout.contains("stopped: the budget is spent"),
        "{}",
        short.stdout
    );
    let bad = sessionlab(&directory, &["shrink", "bound.toml", "--seed", "0", "--budget", "many"]);
    assert_eq!(bad.code, Some(2), "{bad:?}");
}

#[cfg(not(feature = "mutants"))]
#[test]
fn without_the_feature_mutants_says_how_to_build_it() {
    let run = sessionlab(Path::new(env!("CARGO_MANIFEST_DIR")), &["mutants"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--features mutants"), "{run:?}");
    let directory = scratch("mutant-key");
    let text = shipped("smoke").replace("[scenario]\n", "[scenario]\nmutant = \"replay-window-off\"\n");
    std::fs::write(directory.join("mutated.toml"), text).expect("write the scenario");
    let check = sessionlab(&directory, &["check", "mutated.toml"]);
    assert_eq!(check.code, Some(2), "{check:?}");
    assert!(
        check
            .stderr
            .contains("`scenario.mutant` needs sessionlab built with `--features mutants`"),
        "{check:?}"
    );
}

#[cfg(feature = "mutants")]
mod with_mutants {
    use super::*;
    use sessionlab::cli::mutant_targets;
    use sessionlab_proto::mutant::Mutant;

    /// Where each mutant is caught on seeds 0..2 (`sessionlab mutants`),
    /// and by what: (mutant, scenario, seed, by).
    const CAUGHT: [(&str, &str, u64, &str); 9] = [
        ("derived-not-revoked", "terminate-all-sync-slow-dcs", 0, "logout-bypass"),
        ("sync-answers-early", "terminate-all-sync-slow-dcs", 0, "logout-bypass"),
        ("temp-keys-outlive-permanent", "stolen-phone", 1, "temp-key"),
        ("replay-window-off", "replay-attack", 0, "replay"),
        ("ttl-never-applied", "ttl-idle", 0, "ttl"),
        (
            "fresh-session-rule-off",
            "sim-swap-fresh-session",
            0,
            "expect: authorizations_revoked = 0",
        ),
        ("revoked-device-never-wipes", "stolen-phone", 0, "wipe"),
        (
            "lost-update-never-refetched",
            "smoke",
            0,
            "expect: sync_converged = true",
        ),
        (
            "terminate-all-spares-one",
            "terminate-all-dc-outage",
            0,
            "expect: surviving_footholds = 0",
        ),
    ];

    #[test]
    fn every_mutant_is_caught_as_the_table_says() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = scratch("mutants-table");
        let out_text = out.display().to_string();
        let run = sessionlab(root, &["mutants", "--seeds", "0..2", "--jobs", "2", "--out", &out_text]);
        assert_eq!(run.code, Some(0), "{run:?}");
        let csv = std::fs::read_to_string(out.join("mutants.csv")).expect("mutants.csv");
        let mut expected = String::from("mutant,caught,scenario,seed,by\n");
        for (mutant, scenario, seed, by) in CAUGHT {
            expected.push_str(&format!("{mutant},true,{scenario},{seed},{by}\n"));
        }
        assert_eq!(csv, expected);
        assert_eq!(
            Mutant::ALL.map(|mutant| mutant.name()),
            CAUGHT.map(|(mutant, ..)| mutant)
        );
        for mutant in Mutant::ALL {
            assert!(
                run.stdout.contains(&mutant_targets(mutant).join(", ")),
                "{}",
                run.stdout
            );
        }
    }

    #[test]
    fn an_unknown_mutant_is_bad_input() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let run = sessionlab(root, &["mutants", "--mutant", "no-such-rule", "--out", "target/unused"]);
        assert_eq!(run.code, Some(2), "{run:?}");
        assert!(run.stderr.contains("replay-window-off"), "{run:?}");
    }

    #[test]
    fn every_mutants_failure_shrinks_to_at_most_five_accounts_failing_the_same_way() {
        for (mutant, scenario, seed, by) in CAUGHT {
            let directory = scratch(&format!("shrink-{mutant}"));
            let text = shipped(scenario).replacen("[scenario]\n", &format!("[scenario]\nmutant = \"{mutant}\"\n"), 1);
            std::fs::write(directory.join("mutated.toml"), text).expect("write the scenario");
            let (stdout, shrunk) = shrink_and_reproduce(&directory, "mutated.toml", scenario, seed, by);
            assert!(accounts(&shrunk) <= 5, "{mutant}: {stdout}");
            assert!(shrunk.contains(&format!("mutant = \"{mutant}\"")), "{shrunk}");
        }
    }
}
