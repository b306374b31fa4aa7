//! The scenario file format round-trips: every shipped `scenarios/*.toml`
//! parsed, read back into a `ScenarioFixture`, rendered and parsed again is
//! the same scenario; and a fixture's rendering parses to the values the
//! builder was given.
//!
//! The scenario model has no serializer (files are only ever read), so the
//! "render" half is the testkit's fixture renderer: this is what makes the
//! typed fixtures of the other tests trustworthy stand-ins for files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sessionlab::scenario::{load_scenario, parse_scenario, Scenario};
use sessionlab_testkit::scenario_fixture::{attacker, device_with, inline, owner_action, ScenarioFixture};

fn shipped_scenarios() -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
        .expect("scenarios/ is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "toml"))
        .collect();
    files.sort();
    files
}

/// A scenario without the one thing that is position, not meaning: the
/// source line each `[expect]` entry keeps for its error messages.
fn without_lines(mut scenario: Scenario) -> Scenario {
    for expectation in &mut scenario.expectations {
        expectation.line = 0;
    }
    scenario
}

#[test]
fn every_shipped_scenario_survives_parse_render_parse() {
    let files = shipped_scenarios();
    assert!(files.len() >= 3, "expected the shipped scenarios, found {files:?}");
    for file in files {
        let name = file.file_name().and_then(|name| name.to_str()).expect("utf-8 name");
        let text = std::fs::read_to_string(&file).expect("scenario is UTF-8");
        let original = parse_scenario(&text, name).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            load_scenario(&file).expect("loads"),
            original,
            "{name}: loading is parsing"
        );
        assert_eq!(
            parse_scenario(&text, name).expect("parses"),
            original,
            "{name}: parsing is pure"
        );
        let rendered = ScenarioFixture::from_toml(&text)
            .unwrap_or_else(|error| panic!("{name}: {error}"))
            .render();
        let again = parse_scenario(&rendered, name).unwrap_or_else(|error| panic!("{name}: {error}\n{rendered}"));
        assert_eq!(
            without_lines(again),
            without_lines(original),
            "{name} rendered as:\n{rendered}"
        );
    }
}

#[test]
fn a_fixture_parses_to_the_values_it_was_built_with() {
    let fixture = ScenarioFixture::new("fixture")
        .duration("2h")
        .quiet_period("30m")
        .datacenters(3)
        .accounts(5)
        .devices([device_with("phone", 1.0), device_with("desktop", 0.5)])
        .owner_action(owner_action("terminate_all_others", "1h", "phone"))
        .attacker(
            attacker(
                "thief",
                "100%",
                inline([
                    ("kind", "stolen_key".into()),
                    ("device", "desktop".into()),
                    ("at", "10m".into()),
                ]),
            )
            .set("behavior", ["exfiltrate"]),
        );
    let scenario = fixture.parse("fixture.toml").expect("the fixture parses");
    assert_eq!(scenario.meta.name, "fixture");
    assert_eq!(scenario.meta.duration, Duration::from_secs(2 * 3600));
    assert_eq!(scenario.meta.quiet_period, Duration::from_secs(30 * 60));
    assert_eq!(scenario.population.devices.len(), 2);
    assert_eq!(scenario.attackers.len(), 1);
    assert_eq!(scenario.owner_actions.len(), 1);
    let resolved = fixture.resolved();
    assert_eq!(resolved.datacenters.count, 3);
    assert_eq!(resolved.population.accounts, 5);
    // Dropping the attacker drops exactly it.
    let quiet = fixture.without("attacker").parse("fixture.toml").expect("parses");
    assert!(quiet.attackers.is_empty());
    assert_eq!(quiet.owner_actions, scenario.owner_actions);
}
