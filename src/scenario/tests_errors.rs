//! One test per error rule of the format, asserting the exact message with
//! its line and column.

use super::*;

/// The smallest valid scenario; tests append sections to it.
pub(super) const MINIMAL: &str = "[scenario]\nname = \"t\"\nduration = \"7d\"\n\
[population]\naccounts = 10\ndevices = [{ kind = \"phone\" }]\n";

/// The error message `source` gives, as `file:line:column: problem`.
pub(super) fn error(source: &str) -> String {
    match parse_scenario(source, "t.toml") {
        Ok(scenario) => panic!("expected an error, parsed {scenario:?}"),
        Err(error) => error.to_string(),
    }
}

/// The error message a `[scenario]` section gives, followed by a valid
/// population (so that the section's own problem is the only one).
pub(super) fn scenario_section_error(section: &str) -> String {
    error(&format!(
        "{section}[population]\naccounts = 10\ndevices = [{{ kind = \"phone\" }}]\n"
    ))
}

/// The error message `MINIMAL` followed by `extra` gives (`extra` starts on line 7).
pub(super) fn error_after_minimal(extra: &str) -> String {
    error(&format!("{MINIMAL}{extra}"))
}

#[test]
fn syntax_errors_point_at_the_bad_token() {
    assert_eq!(
        error("[scenario\n"),
        "t.toml:1:10: TOML syntax error: unclosed table, expected `]`"
    );
}

#[test]
fn unknown_keys_are_errors_in_every_section() {
    assert_eq!(
        error_after_minimal("[bogus]\n"),
        "t.toml:7:2: unknown key `bogus`, expected one of `scenario`, `policy`, `datacenters`, `network`, \
         `fault`, `population`, `attacker`, `owner_action`, `device_event`, `expect`, `swarm`"
    );
    assert_eq!(
        error_after_minimal("[datacenters]\ncount = 2\nlatency = \"1ms\"\n"),
        "t.toml:9:1: unknown key `datacenters.latency`, expected `count` or `inter_dc_latency`"
    );
    let online = format!("{MINIMAL}online = {{ mean_session = \"1m\", gap = \"1h\" }}\n");
    assert_eq!(
        error(&online),
        "t.toml:7:33: unknown key `population.online.gap`, expected `mean_session` or `mean_gap`"
    );
    assert_eq!(
        error_after_minimal("[policy]\nfresh_reset = \"1h\"\n")
            .lines()
            .next()
            .map(|line| line.split(", expected").next()),
        Some(Some("t.toml:8:1: unknown key `policy.fresh_reset`"))
    );
}

#[test]
fn unknown_keys_inside_distributions_and_ranges() {
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"normal\", mean = \"1s\", foo = 2 }\n"),
        "t.toml:8:43: unknown key `network.latency.foo`, expected `dist`, `value`, `min`, `max`, `mean`, \
         `stddev`, `median`, `p99`, `scale`, `shape`"
    );
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"normal\", median = \"1s\" }\n"),
        "t.toml:8:30: unknown key `network.latency.median`, expected `mean`, `stddev` for dist = \"normal\""
    );
    assert_eq!(
        error_after_minimal("[network]\nloss = { min = 0.1, most = 0.2 }\n"),
        "t.toml:8:21: unknown key `network.loss.most`, expected `min`, `max`"
    );
}

#[test]
fn swarm_paths_must_name_a_sampled_setting() {
    let per_seed = "policy.fresh_reset_window, policy.authorization_ttl, policy.autoconfirm_period, \
                    policy.unconfirmed_can_reset, policy.unconfirmed_can_accept_login_token, \
                    policy.terminate_all_limit, policy.revocation, policy.temp_key_lifetime, \
                    policy.notify_new_login, policy.pts_limit, policy.pts_total_limit, \
                    policy.login_token_lifetime, policy.future_auth_token_limit, policy.duplicate_key, \
                    datacenters.count, \
                    network.loss, network.duplicate, network.reorder, population.accounts, \
                    population.two_factor, population.devices.0.probability, \
                    population.online.mean_session, population.online.mean_gap, \
                    population.updates_per_day, population.audit.every, population.audit.probability, \
                    population.sleep, population.deny_unrecognized_login";
    assert_eq!(
        error_after_minimal("[swarm]\n\"network.nope\" = [1, 2]\n"),
        format!("t.toml:8:1: `network.nope` cannot vary per seed; the settings that can are {per_seed}")
    );
    // Fixed-per-file settings are not drawn per seed, and are told so.
    assert_eq!(
        error_after_minimal("[swarm]\nscenario.duration = [\"1d\", \"2d\"]\n"),
        format!("t.toml:8:10: `scenario.duration` cannot vary per seed; the settings that can are {per_seed}")
    );
}

#[test]
fn wrong_types_name_the_key_and_both_types() {
    assert_eq!(
        error_after_minimal("[network]\nloss = \"high\"\n"),
        "t.toml:8:8: wrong type: `network.loss` must be a number, found a string"
    );
    assert_eq!(
        error_after_minimal("[policy]\nnotify_new_login = 1\n"),
        "t.toml:8:20: wrong type: `policy.notify_new_login` must be true or false, found an integer"
    );
    assert_eq!(
        error("[scenario]\nname = \"t\"\nduration = \"1d\"\n[population]\naccounts = 1\ndevices = \"phone\"\n"),
        "t.toml:6:11: wrong type: `population.devices`: string \"phone\", expected a sequence"
    );
    assert_eq!(
        error_after_minimal("[[fault]]\nkind = \"partition\"\nat = 2026-01-02T00:00:00Z\nduration = \"1h\"\n"),
        "t.toml:9:6: wrong type: `fault.at` cannot be a date-time"
    );
    assert_eq!(
        error("[scenario]\nname = \"t\"\nduration = \"1d\"\n[[population]]\n"),
        "t.toml:4:1: wrong type: `population`: invalid length 1, expected a table"
    );
}

#[test]
fn missing_keys_name_their_full_path() {
    assert_eq!(
        error("[scenario]\nname = \"t\"\n"),
        "t.toml:1:1: missing key `scenario.duration`"
    );
    assert_eq!(
        error("[scenario]\nname = \"t\"\nduration = \"1d\"\n[population]\naccounts = 3\n"),
        "t.toml:4:1: missing key `population.devices`"
    );
    assert_eq!(
        error_after_minimal("[[fault]]\nkind = \"partition\"\nat = \"1d\"\nduration = \"1h\"\n"),
        "t.toml:7:1: missing key `fault.0.devices`"
    );
    assert_eq!(
        error_after_minimal(
            "[[attacker]]\nname = \"a\"\ntargets = 1\nacquire = { kind = \"stolen_key\", at = \"1d\" }\n"
        ),
        "t.toml:10:11: missing key `attacker.0.acquire.device`"
    );
    assert_eq!(
        error_after_minimal("[network]\nlatency = { mean = \"1s\" }\n"),
        "t.toml:8:11: missing key `network.latency.dist`"
    );
}

#[test]
fn durations_need_a_unit() {
    assert_eq!(
        scenario_section_error("[scenario]\nname = \"t\"\nduration = 7\n"),
        "t.toml:3:12: `scenario.duration` = 7 has no unit: write a whole number followed by us, ms, s, m, h or d, e.g. \"30s\""
    );
    assert_eq!(
        error_after_minimal("[policy]\nautoconfirm_period = \"30\"\n"),
        "t.toml:8:22: `policy.autoconfirm_period` = \"30\" has no unit: write a whole number followed by us, ms, s, m, \
         h or d, e.g. \"30s\""
    );
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"uniform\", min = \"1ms\", max = 9 }\n"),
        "t.toml:8:50: `network.latency.max` = 9 has no unit: write a whole number followed by us, ms, s, m, h or d, e.g. \"30s\""
    );
    assert_eq!(
        error_after_minimal("[policy]\nrevocation = \"async:2\"\n"),
        "t.toml:8:14: `policy.revocation` = \"async:2\" has no unit: write a whole number followed by us, ms, s, m, \
         h or d, e.g. \"30s\""
    );
    assert_eq!(
        error_after_minimal("[policy]\ntemp_key_lifetime = \"1.5h\"\n"),
        "t.toml:8:21: `policy.temp_key_lifetime` = \"1.5h\" is not a duration: durations are whole numbers \
         of a unit: write \"90m\""
    );
    assert_eq!(
        error_after_minimal("[policy]\nauthorization_ttl = \"36h\"\n"),
        "t.toml:8:21: `policy.authorization_ttl` = \"36h\" is out of range: expected whole days, such as \"30d\""
    );
}

#[test]
fn distributions_need_every_parameter() {
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"normal\", mean = \"1s\" }\n"),
        "t.toml:8:11: `network.latency`: distribution \"normal\" needs parameter `stddev`"
    );
    assert_eq!(
        error_after_minimal("[population.update_bytes]\ndist = \"pareto\"\nscale = 10\n"),
        "t.toml:7:1: `population.update_bytes`: distribution \"pareto\" needs parameter `shape`"
    );
    assert_eq!(
        error_after_minimal("[network]\nlatency = { dist = \"gauss\" }\n"),
        "t.toml:8:20: `network.latency.dist` = \"gauss\" is out of range: expected one of \"constant\", \"uniform\", \
         \"normal\", \"lognormal\", \"pareto\""
    );
}

#[test]
fn a_behaviour_the_acquisition_cannot_carry_out_is_an_error() {
    let attacker = |acquire: &str| {
        error_after_minimal(&format!(
            "[[attacker]]\nname = \"a\"\ntargets = 1\nacquire = {acquire}\nbehavior = [\"exfiltrate\", \"replay\"]\n"
        ))
    };
    assert_eq!(
        attacker("{ kind = \"sim_swap\", at = \"1d\" }"),
        "t.toml:11:12: `attacker.0.behavior` has \"replay\", which captures packets with malware on the victim's \
         device: it needs `attacker.0.acquire.kind` = \"stolen_key\" or \"session_file\", not \"sim_swap\""
    );
    assert!(attacker("{ kind = \"phished_code\", at = \"1d\" }").contains("not \"phished_code\""));
    let fine = parse_scenario(
        &format!(
            "{MINIMAL}[[attacker]]\nname = \"a\"\ntargets = 1\n\
             acquire = {{ kind = \"session_file\", device = \"phone\", at = \"1d\" }}\nbehavior = [\"replay\"]\n"
        ),
        "t.toml",
    );
    assert!(fine.is_ok(), "{fine:?}");
}

#[test]
fn every_broken_section_and_entry_is_reported_at_once_in_file_order() {
    let source = "[scenario]\nname = \"t\"\nduration = \"7d\"\nseeds = \"3\"\n\
                  [policy]\nauthorization_ttl = \"36h\"\n\
                  [population]\naccounts = 10\ndevices = [{ kind = \"phone\" }]\n\
                  [expect]\nnope = 1\n";
    let errors = parse_scenario(source, "t.toml").unwrap_err();
    assert_eq!(
        errors.to_string(),
        "t.toml:4:9: `scenario.seeds` = \"3\" is not a half-open range of seeds such as \"0..100\"\n\
         t.toml:6:21: `policy.authorization_ttl` = \"36h\" is out of range: expected whole days, such as \"30d\"\n\
         t.toml:11:1: unknown metric `nope` (`sessionlab list-metrics` prints the list)"
    );
    assert_eq!((errors.first().line, errors.omitted()), (4, 0));
}

#[test]
fn targets_same_as_names_an_earlier_attacker() {
    let thief = |name: &str, targets: &str| {
        format!(
            "[[attacker]]\nname = \"{name}\"\ntargets = {targets}\n\
             acquire = {{ kind = \"session_file\", device = \"phone\", at = \"1d\" }}\n"
        )
    };
    let two = format!(
        "{MINIMAL}{}{}",
        thief("a", "\"50%\""),
        thief("b", "{ same_as = \"a\" }")
    );
    let scenario = parse_scenario(&two, "t.toml").expect("valid");
    assert_eq!(scenario.attackers[1].targets, Targets::SameAs("a".into()));
    assert_eq!(
        error_after_minimal(&format!("{}{}", thief("a", "1"), thief("b", "{ same_as = \"c\" }"))),
        "t.toml:13:23: `attacker.1.targets.same_as` = \"c\" is out of range: expected the name of an attacker \
         listed before this one"
    );
    assert_eq!(
        error_after_minimal(&thief("a", "{ like = \"a\" }")),
        "t.toml:9:13: unknown key `attacker.0.targets.like`, expected `same_as`"
    );
}

#[test]
fn attacker_periods_default_to_the_documented_ones() {
    let file = format!(
        "{MINIMAL}[[attacker]]\nname = \"a\"\ntargets = 1\n\
         acquire = {{ kind = \"session_file\", device = \"phone\", at = \"1d\" }}\nfetch_every = \"1m\"\n"
    );
    let scenario = parse_scenario(&file, "t.toml").expect("valid");
    assert_eq!(
        scenario.attackers[0].heartbeat_every,
        std::time::Duration::from_secs(12 * 3600)
    );
    assert_eq!(scenario.attackers[0].fetch_every, std::time::Duration::from_secs(60));
    assert_eq!(
        error_after_minimal(&file.replace("fetch_every = \"1m\"", "heartbeat_every = \"0s\"")[MINIMAL.len()..]),
        "t.toml:11:19: `attacker.0.heartbeat_every` = \"0s\" is out of range: expected a duration between 1s and \
         3660d"
    );
}
