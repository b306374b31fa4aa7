//! Integration tests of the scenario format: every file in `scenarios/`
//! parses, arbitrary text never panics and every error has a position, and
//! durations round-trip.

use std::path::Path;

use sessionlab::scenario::{load_scenario, parse_scenario};

#[test]
fn every_example_scenario_parses() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(&directory)
        .expect("scenarios/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3, "at least three example scenarios");
    for path in &paths {
        let scenario = load_scenario(path).unwrap_or_else(|error| panic!("{error}"));
        let stem = path.file_stem().and_then(|stem| stem.to_str()).expect("utf-8 name");
        assert_eq!(scenario.meta.name, stem, "a scenario's name is its file name");
    }
}

/// The example of DESIGN.md section 5, for mutation.
const EXAMPLE: &str = include_str!("../../scenarios/stolen-desktop-key.toml");

/// Checks the promise every error makes: a file name and a 1-based position
/// inside (or just past) the text.
fn assert_well_located(source: &str) {
    if let Err(errors) = parse_scenario(source, "fuzz.toml") {
        for error in errors.iter() {
            assert_eq!(error.file, "fuzz.toml");
            assert!(error.line >= 1 && error.column >= 1, "{error}");
            assert!(error.line <= source.lines().count() + 1, "{error}");
            assert!(error
                .to_string()
                .starts_with(&format!("fuzz.toml:{}:{}: ", error.line, error.column)));
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(source in "\\PC*") {
        assert_well_located(&source);
    }

    #[test]
    fn toml_like_text_never_panics(source in "(\\[[a-z_]{1,12}\\]\n|[a-z_.]{1,20} = (\"[0-9a-z%:.]{0,8}\"|[0-9.-]{1,6}|true|\\{ ?[a-z]{1,6} = [0-9\"a-z]{1,4} ?\\}|\\[[0-9, ]{0,8}\\])\n){0,12}") {
        assert_well_located(&source);
    }

    #[test]
    fn mutated_examples_never_panic(position in 0usize..4000, length in 0usize..40, insert in "\\PC{0,12}") {
        let mut start = position.min(EXAMPLE.len());
        while !EXAMPLE.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + length).min(EXAMPLE.len());
        while !EXAMPLE.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{}{}", &EXAMPLE[..start], insert, &EXAMPLE[end..]);
        assert_well_located(&mutated);
    }

    #[test]
    fn generated_durations_parse_to_their_value(count in 0u64..100_000, unit in 0usize..6) {
        let (name, micros) = [("us", 1u64), ("ms", 1_000), ("s", 1_000_000), ("m", 60_000_000), ("h", 3_600_000_000), ("d", 86_400_000_000)][unit];
        let expected = std::time::Duration::from_micros(count * micros);
        let parsed = sessionlab::scenario::parse_duration(&format!("{count}{name}"));
        if expected <= sessionlab::scenario::limits::MAX_DURATION {
            proptest::prop_assert_eq!(parsed, Ok(expected));
        } else {
            proptest::prop_assert!(parsed.is_err());
        }
        // The same duration inside a scenario reaches the model unchanged.
        if (1..=3660).contains(&count) && name == "d" || (1..100_000).contains(&count) && name == "s" {
            let source = format!("[scenario]\nname = \"d\"\nduration = \"{count}{name}\"\n[population]\naccounts = 1\ndevices = [{{ kind = \"phone\" }}]\n");
            let scenario = parse_scenario(&source, "d.toml").map_err(|error| proptest::test_runner::TestCaseError::fail(error.to_string()))?;
            proptest::prop_assert_eq!(scenario.meta.duration, expected);
        }
    }
}
