//! One test per out-of-range and consistency rule, asserting the exact
//! message with its line and column.

use super::tests_errors::{error, error_after_minimal, scenario_section_error};

/// A scenario with `population` as its population section.
fn with_population(population: &str) -> String {
    format!("[scenario]\nname = \"t\"\nduration = \"7d\"\n[population]\n{population}")
}

#[test]
fn numbers_outside_their_range() {
    assert_eq!(
        error_after_minimal("[network]\nloss = 1.5\n"),
        "t.toml:8:8: `network.loss` = 1.5 is out of range: expected a probability between 0 and 1"
    );
    assert_eq!(
        error_after_minimal("[datacenters]\ncount = 0\n"),
        "t.toml:8:9: `datacenters.count` = 0 is out of range: expected a whole number between 1 and 16"
    );
    assert_eq!(
        error_after_minimal("[policy]\nterminate_all_limit = -1\n"),
        "t.toml:8:23: `policy.terminate_all_limit` = -1 is out of range: expected a whole number between 0 and 1000000"
    );
    assert_eq!(
        error_after_minimal("[policy]\nauthorization_ttl = \"400d\"\n"),
        "t.toml:8:21: `policy.authorization_ttl` = \"400d\" is out of range: expected a duration between 1d and 366d"
    );
    assert_eq!(
        error_after_minimal("[policy]\npts_limit = 500\npts_total_limit = 100\n"),
        "t.toml:8:13: `policy.pts_limit` = 500 is out of range: expected at most `policy.pts_total_limit` = 100"
    );
    assert_eq!(
        error_after_minimal("[network]\nlatency = \"3661d\"\n"),
        "t.toml:8:11: `network.latency` = \"3661d\" is out of range: expected at most 3660d"
    );
}

#[test]
fn durations_outside_the_scenario() {
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"t\"\nduration = \"1h\"\nquiet_period = \"1h\"\n"),
        "t.toml:4:16: `scenario.quiet_period` = \"1h\" is out of range: expected shorter than `scenario.duration` = 1h"
    );
    assert_eq!(
        error_after_minimal("[[fault]]\nkind = \"device_offline\"\nat = \"7d\"\nduration = \"1h\"\ndevices = 1\n"),
        "t.toml:9:6: `fault.0.at` = \"7d\" is out of range: expected before the end of the scenario \
         (`scenario.duration` = 7d)"
    );
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"t\"\nduration = \"3661d\"\n"),
        "t.toml:3:12: `scenario.duration` = \"3661d\" is out of range: expected at most 3660d"
    );
}

#[test]
fn distribution_parameters_are_validated() {
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"uniform\", min = \"2s\", max = \"1s\" }\n"),
        "t.toml:8:49: `network.latency.max` = \"1s\" is out of range: expected at least `min` = \"2s\""
    );
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"lognormal\", median = \"80ms\", p99 = \"10ms\" }\n"),
        "t.toml:8:56: `network.latency.p99` = \"10ms\" is out of range: expected at least `median` = \"80ms\""
    );
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"lognormal\", median = \"0s\", p99 = \"10ms\" }\n"),
        "t.toml:8:42: `network.latency.median` = \"0s\" is out of range: expected greater than zero"
    );
    assert_eq!(
        error_after_minimal("[network]\nclock_skew = { dist = \"normal\", mean = \"0s\", stddev = \"-1s\" }\n"),
        "t.toml:8:55: `network.clock_skew.stddev` = \"-1s\" is out of range: expected a spread of at least 0s"
    );
    assert_eq!(
        error(&with_population(
            "accounts = 1\ndevices = [{ kind = \"phone\" }]\nupdate_bytes = { dist = \"pareto\", scale = 10, shape = 0 }\n"
        )),
        "t.toml:7:55: `population.update_bytes.shape` = 0 is out of range: expected greater than zero"
    );
    assert_eq!(
        error(&with_population(
            "accounts = 1\ndevices = [{ kind = \"phone\" }]\nupdate_bytes = { dist = \"pareto\", scale = 0, shape = 1 }\n"
        )),
        "t.toml:7:43: `population.update_bytes.scale` = 0 is out of range: expected greater than zero"
    );
}

#[test]
fn ranges_and_choices_are_validated() {
    assert_eq!(
        error_after_minimal("[network]\nloss = { min = 0.2, max = 0.1 }\n"),
        "t.toml:8:27: `network.loss.max` = 0.1 is out of range: expected at least `min` = 0.2"
    );
    assert_eq!(
        error_after_minimal("[network]\nloss = { min = 0.2 }\n"),
        "t.toml:8:8: missing key `network.loss.max`"
    );
    assert_eq!(
        error_after_minimal("[network]\nloss = []\n"),
        "t.toml:8:8: `network.loss` = [...] is out of range: expected a list of 1 to 256 choices"
    );
    assert_eq!(
        error_after_minimal("[policy]\nrevocation = { min = 1, max = 2 }\n"),
        "t.toml:8:14: `policy.revocation` takes no { min, max } range; list the choices instead, e.g. [a, b]"
    );
}

#[test]
fn shares_seeds_and_names() {
    assert_eq!(
        error_after_minimal("[[fault]]\nkind = \"partition\"\nat = \"1d\"\nduration = \"1h\"\ndevices = \"150%\"\n"),
        "t.toml:11:11: `fault.0.devices` = \"150%\" is out of range: expected a percentage between 0% and 100%"
    );
    assert_eq!(
        error_after_minimal("[[fault]]\nkind = \"partition\"\nat = \"1d\"\nduration = \"1h\"\ndevices = \"lots\"\n"),
        "t.toml:11:11: `fault.0.devices` = \"lots\" is not a percentage such as \"5%\" or a whole count"
    );
    assert_eq!(
        error_after_minimal("[[fault]]\nkind = \"partition\"\nat = \"1d\"\nduration = \"1h\"\ndevices = \"-5%\"\n"),
        "t.toml:11:11: `fault.0.devices` = \"-5%\" is out of range: expected a percentage between 0% and 100%"
    );
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"t\"\nduration = \"1d\"\nseeds = \"3\"\n"),
        "t.toml:4:9: `scenario.seeds` = \"3\" is not a half-open range of seeds such as \"0..100\""
    );
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"t\"\nduration = \"1d\"\nseeds = \"5..5\"\n"),
        "t.toml:4:9: `scenario.seeds` = \"5..5\" is an empty range: the end must be greater than the start"
    );
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"  \"\nduration = \"1d\"\n"),
        "t.toml:2:8: `scenario.name` = \"  \" is out of range: expected a non-empty name"
    );
    assert_eq!(
        error_after_minimal("[policy]\nrevocation = \"eventually\"\n"),
        "t.toml:8:14: `policy.revocation` = \"eventually\" is out of range: expected \"sync\", \"async:DURATION\" or \
         \"lazy:DURATION\" (e.g. \"async:2s\")"
    );
    assert_eq!(
        error(&with_population("accounts = 1\ndevices = [{ kind = \"fridge\" }]\n")),
        "t.toml:6:21: `population.devices.0.kind` = \"fridge\" is out of range: expected one of \"phone\", \"desktop\", \
         \"tablet\", \"web\""
    );
}

#[test]
fn empty_populations_are_errors() {
    assert_eq!(
        error(&with_population("accounts = 0\ndevices = [{ kind = \"phone\" }]\n")),
        "t.toml:5:12: empty population: `population.accounts` = 0: a scenario needs at least one account"
    );
    assert_eq!(
        error(&with_population(
            "accounts = { min = 0, max = 5 }\ndevices = [{ kind = \"phone\" }]\n"
        )),
        "t.toml:5:20: empty population: `population.accounts.min` = 0: a scenario needs at least one account"
    );
    assert_eq!(
        error(&with_population("accounts = 3\ndevices = []\n")),
        "t.toml:6:11: empty population: `population.devices` is empty: list at least one device kind"
    );
    assert_eq!(
        error(&with_population(
            "accounts = 3\ndevices = [{ kind = \"phone\", probability = 0 }]\n"
        )),
        "t.toml:6:11: empty population: every device in `population.devices` has probability 0"
    );
    assert_eq!(
        error("[scenario]\nname = \"t\"\nduration = \"1d\"\n"),
        "t.toml:1:1: empty population: no [population] section: a scenario needs accounts and devices"
    );
}

#[test]
fn cross_references_are_checked() {
    assert_eq!(
        error_after_minimal(
            "[[attacker]]\nname = \"a\"\ntargets = \"5%\"\nacquire = { kind = \"stolen_key\", device = \"desktop\", at = \"1d\" }\n"
        ),
        "t.toml:10:43: `attacker.0.acquire.device` = \"desktop\": no device of that kind in `population.devices`"
    );
    assert_eq!(
        error_after_minimal(
            "[[attacker]]\nname = \"a\"\ntargets = 1\nacquire = { kind = \"sim_swap\", device = \"phone\", at = \"1d\" }\n"
        ),
        "t.toml:10:41: `attacker.0.acquire.device` does not apply to kind = \"sim_swap\""
    );
    assert_eq!(
        error_after_minimal("[[fault]]\nkind = \"dc_outage\"\nat = \"1d\"\nduration = \"1h\"\ndevices = \"5%\"\n"),
        "t.toml:11:11: `fault.0.devices` does not apply to kind = \"dc_outage\""
    );
    assert_eq!(
        error_after_minimal(
            "[datacenters]\ncount = 2\n[[fault]]\nkind = \"dc_outage\"\nat = \"1d\"\nduration = \"1h\"\ndc = 3\n"
        ),
        "t.toml:13:6: `fault.0.dc` = 3 is out of range: expected a whole number between 1 and 2"
    );
}

#[test]
fn duplicates_are_errors() {
    assert_eq!(
        error(&with_population(
            "accounts = 1\ndevices = [{ kind = \"phone\" }, { kind = \"phone\" }]\n"
        )),
        "t.toml:6:41: device kind \"phone\" is listed twice in `population.devices`"
    );
    let attacker = "[[attacker]]\nname = \"a\"\ntargets = 1\nacquire = { kind = \"phished_code\", at = \"1d\" }\n";
    assert_eq!(
        error_after_minimal(&format!("{attacker}{attacker}")),
        "t.toml:12:8: `attacker.1.name` = \"a\" is out of range: expected a non-empty name no other attacker uses"
    );
    assert_eq!(
        error_after_minimal(&format!("{attacker}behavior = [\"persist\", \"persist\"]\n")),
        "t.toml:11:24: `attacker.0.behavior` lists \"persist\" twice"
    );
}

#[test]
fn expectations_are_checked_against_the_metric_list() {
    assert_eq!(
        error_after_minimal("[expect]\nbogus_metric = 1\n"),
        "t.toml:8:1: unknown metric `bogus_metric` (`sessionlab list-metrics` prints the list)"
    );
    assert_eq!(
        error_after_minimal("[expect]\nsync_converged = 1\n"),
        "t.toml:8:18: wrong type: `expect.sync_converged` must be true or false, found an integer"
    );
    assert_eq!(
        error_after_minimal("[expect]\nlogout_bypasses = true\n"),
        "t.toml:8:19: wrong type: `expect.logout_bypasses` must be a number, found a boolean"
    );
    assert_eq!(
        error_after_minimal("[expect]\nresends = { min = 5, max = 1 }\n"),
        "t.toml:8:28: `expect.resends.max` = 1 is out of range: expected at least `min` = 5"
    );
    assert_eq!(
        error_after_minimal("[expect]\nresends = { most = 5 }\n"),
        "t.toml:8:13: unknown key `expect.resends.most`, expected `min`, `max`"
    );
}

#[test]
fn epochs_must_be_complete_date_times() {
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"t\"\nduration = \"1d\"\nepoch = 2026-01-01\n"),
        "t.toml:4:9: `scenario.epoch`: expected a date-time with an offset, e.g. 2026-01-01T00:00:00Z"
    );
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"t\"\nduration = \"1d\"\nepoch = 5\n"),
        "t.toml:4:9: wrong type: `scenario.epoch` must be a date-time such as 2026-01-01T00:00:00Z, found a integer"
    );
}
