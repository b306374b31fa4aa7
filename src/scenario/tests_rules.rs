//! One test per accepted form of the format: defaults, distributions,
//! shares, revocation modes, ranges, choices, `[swarm]`, expectations and
//! per-seed resolution.

use std::time::Duration;

use super::model::DuplicateKey;
use super::tests_errors::{error_after_minimal, MINIMAL};
use super::*;
use sessionlab_proto::time::Instant;

fn parse(source: &str) -> Scenario {
    parse_scenario(source, "t.toml").unwrap_or_else(|error| panic!("{error}"))
}

fn parse_after_minimal(extra: &str) -> Scenario {
    parse(&format!("{MINIMAL}{extra}"))
}

const DAY: Duration = Duration::from_secs(86_400);

fn probability(value: f64) -> Probability {
    Probability::new(value).expect("a probability")
}

#[test]
fn defaults_are_the_documented_telegram_behaviour() {
    let scenario = parse(MINIMAL);
    let policy = Policy::<Spec> {
        fresh_reset_window: Sampled::Fixed(DAY),
        authorization_ttl: Sampled::Fixed(180 * DAY),
        autoconfirm_period: Sampled::Fixed(7 * DAY),
        unconfirmed_can_reset: Sampled::Fixed(false),
        unconfirmed_can_accept_login_token: Sampled::Fixed(false),
        terminate_all_limit: Sampled::Fixed(0),
        revocation: Sampled::Fixed(Revocation::Sync),
        temp_key_lifetime: Sampled::Fixed(DAY),
        notify_new_login: Sampled::Fixed(true),
        pts_limit: Sampled::Fixed(1000),
        pts_total_limit: Sampled::Fixed(100_000),
        login_token_lifetime: Sampled::Fixed(Duration::from_secs(30)),
        future_auth_token_limit: Sampled::Fixed(20),
        duplicate_key: Sampled::Fixed(DuplicateKey::On {
            window: Duration::from_secs(60),
        }),
    };
    assert_eq!(scenario.policy, policy);
    assert_eq!(scenario.meta.seeds, SeedRange::new(0, 100, 100).unwrap());
    assert_eq!(scenario.meta.quiet_period, Duration::from_secs(3600));
    assert_eq!(scenario.meta.epoch, Instant::SCENARIO_EPOCH);
    assert_eq!(scenario.meta.description, "");
    assert_eq!(scenario.datacenters.count, Sampled::Fixed(5));
    assert_eq!(
        scenario.datacenters.inter_dc_latency,
        Distribution::Constant(Duration::from_millis(20))
    );
    assert_eq!(
        scenario.network.latency,
        Distribution::Constant(Duration::from_millis(50))
    );
    assert_eq!(scenario.network.loss, Sampled::Fixed(Probability::ZERO));
    assert_eq!(
        scenario.network.clock_skew,
        Distribution::Constant(SignedDuration::ZERO)
    );
    let population = &scenario.population;
    assert_eq!(
        population.devices,
        vec![DeviceSpec {
            kind: DeviceKind::Phone,
            probability: Sampled::Fixed(Probability::ONE)
        }]
    );
    assert_eq!(
        population.online.mean_session,
        Sampled::Fixed(Duration::from_secs(1200))
    );
    assert_eq!(population.updates_per_day, Sampled::Fixed(100));
    assert_eq!(population.update_bytes, Distribution::Constant(200));
    assert_eq!(population.audit.action, AuditAction::TerminateSuspicious);
    assert_eq!(population.deny_unrecognized_login, Sampled::Fixed(probability(0.5)));
    assert!(scenario.faults.is_empty() && scenario.attackers.is_empty() && scenario.expectations.is_empty());
}

#[test]
fn a_short_scenario_gets_a_tenth_as_quiet_period() {
    let scenario = parse(
        "[scenario]\nname = \"t\"\nduration = \"1h\"\n[population]\naccounts = 1\ndevices = [{ kind = \"web\" }]\n",
    );
    assert_eq!(scenario.meta.quiet_period, Duration::from_secs(360));
}

#[test]
fn every_distribution_form_parses() {
    let scenario = parse_after_minimal(
        "[network]\nlatency = { dist = \"pareto\", scale = \"10ms\", shape = 1.5 }\n\
         clock_skew = { dist = \"uniform\", min = \"-30s\", max = \"30s\" }\n\
         [datacenters]\ninter_dc_latency = { dist = \"constant\", value = \"7ms\" }\n",
    );
    assert_eq!(
        scenario.network.latency,
        Distribution::Pareto {
            scale: Duration::from_millis(10),
            shape: 1.5
        }
    );
    let skew = |micros| SignedDuration { micros };
    assert_eq!(
        scenario.network.clock_skew,
        Distribution::Uniform {
            min: skew(-30_000_000),
            max: skew(30_000_000)
        }
    );
    assert_eq!(
        scenario.datacenters.inter_dc_latency,
        Distribution::Constant(Duration::from_millis(7))
    );
    let scenario = parse_after_minimal("[network]\nlatency = { dist = \"normal\", mean = \"1s\", stddev = \"0s\" }\n");
    assert_eq!(
        scenario.network.latency,
        Distribution::Normal {
            mean: Duration::from_secs(1),
            stddev: Duration::ZERO
        }
    );
    let example = parse(include_str!("../../scenarios/stolen-desktop-key.toml"));
    assert_eq!(
        example.population.update_bytes,
        Distribution::LogNormal { median: 200, p99: 4000 }
    );
}

#[test]
fn shares_are_percentages_or_counts() {
    let faults = "[[fault]]\nkind = \"partition\"\nat = \"1d\"\nduration = \"1h\"\ndevices = \"12.5%\"\ndirection = \"from_dc\"\n\
                  [[fault]]\nkind = \"device_offline\"\nat = \"2d\"\nduration = \"1h\"\ndevices = 7\n\
                  [[fault]]\nkind = \"dc_outage\"\nat = \"3d\"\nduration = \"1h\"\ndc = 5\n";
    let scenario = parse_after_minimal(faults);
    let kinds: Vec<_> = scenario.faults.iter().map(|fault| fault.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            FaultKind::Partition {
                devices: Share::Fraction(probability(0.125)),
                direction: Direction::FromDc
            },
            FaultKind::DeviceOffline {
                devices: Share::Count(7)
            },
            FaultKind::DcOutage { dc: 5 },
        ]
    );
    assert_eq!(scenario.faults[1].at, Sampled::Fixed(2 * DAY));
}

#[test]
fn revocation_modes() {
    let revocation = |text: &str| {
        parse_after_minimal(&format!("[policy]\nrevocation = \"{text}\"\n"))
            .policy
            .revocation
    };
    assert_eq!(revocation("sync"), Sampled::Fixed(Revocation::Sync));
    assert_eq!(
        revocation("async:2s"),
        Sampled::Fixed(Revocation::Async {
            delay: Duration::from_secs(2)
        })
    );
    assert_eq!(
        revocation("lazy:5m"),
        Sampled::Fixed(Revocation::Lazy {
            cache_ttl: Duration::from_secs(300)
        })
    );
    assert_eq!(Revocation::Lazy { cache_ttl: DAY }.promised_window(), DAY);
    assert_eq!(Revocation::Sync.promised_window(), Duration::ZERO);
}

#[test]
fn duplicate_key_modes() {
    let duplicate_key = |text: &str| {
        parse_after_minimal(&format!("[policy]\nduplicate_key = \"{text}\"\n"))
            .policy
            .duplicate_key
    };
    assert_eq!(
        duplicate_key("on"),
        Sampled::Fixed(DuplicateKey::On {
            window: Duration::from_secs(60)
        })
    );
    assert_eq!(
        duplicate_key("on:5m"),
        Sampled::Fixed(DuplicateKey::On {
            window: Duration::from_secs(300)
        })
    );
    assert_eq!(duplicate_key("off"), Sampled::Fixed(DuplicateKey::Off));
    assert_eq!(
        error_after_minimal("[policy]\nduplicate_key = \"on:0s\"\n"),
        "t.toml:8:17: `policy.duplicate_key` = \"on:0s\" is out of range: expected \"on\", \"on:DURATION\" (e.g. \
         \"on:5m\") or \"off\""
    );
    assert_eq!(
        error_after_minimal("[policy]\nduplicate_key = true\n"),
        "t.toml:8:17: wrong type: `policy.duplicate_key` must be \"on\", \"on:DURATION\" (e.g. \"on:5m\") or \
         \"off\", found a boolean"
    );
}

#[test]
fn attackers_parse_with_their_behaviour() {
    let scenario = parse(include_str!("../../scenarios/stolen-desktop-key.toml"));
    let attacker = &scenario.attackers[0];
    assert_eq!(attacker.name, "malware-copy");
    assert_eq!(attacker.targets, Targets::Share(Share::Fraction(probability(0.05))));
    assert_eq!(
        attacker.acquire.kind,
        AcquireKind::StolenKey {
            device: DeviceKind::Desktop
        }
    );
    assert_eq!(attacker.acquire.at, Sampled::Fixed(DAY));
    let behavior: Vec<_> = attacker.behavior.iter().copied().collect();
    assert_eq!(
        behavior,
        vec![Behavior::Exfiltrate, Behavior::Heartbeat, Behavior::Persist]
    );
    let minimal = parse_after_minimal(
        "[[attacker]]\nname = \"s\"\ntargets = 3\nacquire = { kind = \"sim_swap\", at = \"2h\" }\n",
    );
    assert_eq!(minimal.attackers[0].acquire.kind, AcquireKind::SimSwap);
    assert_eq!(
        minimal.attackers[0].behavior.iter().copied().collect::<Vec<_>>(),
        vec![Behavior::Exfiltrate]
    );
}

#[test]
fn ranges_and_choices_in_place_of_a_value() {
    let scenario = parse_after_minimal(
        "[network]\nloss = { min = 0, max = 0.25 }\n[policy]\nrevocation = [\"sync\", \"lazy:1m\"]\nauthorization_ttl = { min = \"7d\", max = \"30d\" }\n",
    );
    assert_eq!(
        scenario.network.loss,
        Sampled::Range {
            min: Probability::ZERO,
            max: probability(0.25)
        }
    );
    let lazy = Revocation::Lazy {
        cache_ttl: Duration::from_secs(60),
    };
    assert_eq!(scenario.policy.revocation, Sampled::OneOf(vec![Revocation::Sync, lazy]));
    assert_eq!(
        scenario.policy.authorization_ttl,
        Sampled::Range {
            min: 7 * DAY,
            max: 30 * DAY
        }
    );
}

#[test]
fn swarm_overrides_by_dotted_path_in_every_spelling() {
    let scenario = parse_after_minimal(
        "[network]\nloss = 0.5\n[swarm]\n\"network.loss\" = { min = 0.0, max = 0.1 }\npolicy.notify_new_login = [true, false]\n\
         [swarm.population]\naccounts = { min = 5, max = 50 }\n",
    );
    // The swarm entry wins over the section's value.
    assert_eq!(
        scenario.network.loss,
        Sampled::Range {
            min: Probability::ZERO,
            max: probability(0.1)
        }
    );
    assert_eq!(scenario.policy.notify_new_login, Sampled::OneOf(vec![true, false]));
    assert_eq!(scenario.population.accounts, Sampled::Range { min: 5, max: 50 });
    let indexed = parse_after_minimal(
        "[[fault]]\nkind = \"device_offline\"\nat = \"1d\"\nduration = \"1h\"\ndevices = 1\n[swarm]\nfault.0.at = [\"1h\", \"2h\"]\n",
    );
    assert_eq!(
        indexed.faults[0].at,
        Sampled::OneOf(vec![Duration::from_secs(3600), Duration::from_secs(7200)])
    );
}

#[test]
fn expectations_of_every_form() {
    let scenario = parse_after_minimal(
        "[expect]\nlogout_bypasses = 0\nsurviving_footholds = { max = 0 }\nresends = { min = 1 }\n\
         sync_overhead_ratio = { min = 1, max = 1.3 }\nsync_converged = true\n",
    );
    // Sorted by metric name (toml tables are), whatever the file order.
    let bounds: Vec<_> = scenario
        .expectations
        .iter()
        .map(|e| (e.metric.name(), e.bound.clone(), e.line))
        .collect();
    assert_eq!(
        bounds,
        vec![
            ("logout_bypasses", Bound::Equal(0.0), 8),
            ("resends", Bound::AtLeast(1.0), 10),
            ("surviving_footholds", Bound::AtMost(0.0), 9),
            ("sync_converged", Bound::Is(true), 12),
            ("sync_overhead_ratio", Bound::Between { min: 1.0, max: 1.3 }, 11),
        ]
    );
    assert_eq!(scenario.expectations[0].check(0u64), Ok(()));
    let failure = scenario.expectations[2].check(2u64).unwrap_err();
    assert_eq!(failure.to_string(), "expected surviving_footholds <= 0 (line 9), got 2");
}

#[test]
fn epochs_accept_toml_date_times_and_strings() {
    let with_epoch = |epoch: &str| {
        let source = MINIMAL.replace("duration = \"7d\"\n", &format!("duration = \"7d\"\nepoch = {epoch}\n"));
        parse(&source).meta.epoch
    };
    assert_eq!(with_epoch("2026-01-01T00:00:00Z"), Instant::SCENARIO_EPOCH);
    assert_eq!(with_epoch("\"2026-01-01T01:00:00+01:00\""), Instant::SCENARIO_EPOCH);
    assert_eq!(with_epoch("1970-01-02T00:00:00Z"), Instant::from_unix_seconds(86_400));
}

#[test]
fn resolve_draws_every_setting_within_its_range_and_is_deterministic() {
    let scenario = parse(include_str!("../../scenarios/lossy-network.toml"));
    let mut seen_pts_limits = std::collections::BTreeSet::new();
    for seed in 0..64 {
        let resolved: ResolvedScenario = scenario.resolve(seed);
        assert_eq!(resolved, scenario.resolve(seed), "same seed, same draw");
        assert!((40..=100).contains(&resolved.population.accounts));
        assert!(resolved.network.loss.get() <= 0.2);
        let outage = resolved.faults[1].duration;
        assert!((Duration::from_secs(600)..=Duration::from_secs(7200)).contains(&outage));
        seen_pts_limits.insert(resolved.policy.pts_limit);
        // Fixed settings come through unchanged.
        assert_eq!(resolved.policy.pts_total_limit, 20_000);
        assert_eq!(resolved.faults[0].at, DAY);
        assert_eq!(resolved.meta, scenario.meta);
    }
    assert_eq!(
        seen_pts_limits.into_iter().collect::<Vec<_>>(),
        vec![100, 1000],
        "both choices are drawn"
    );
    assert_ne!(
        scenario.resolve(0).population.accounts,
        scenario.resolve(1).population.accounts
    );
}

#[test]
fn load_scenario_reads_files_and_reports_read_errors() {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let scenario = load_scenario(&directory.join("healthy-baseline.toml")).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(scenario.meta.name, "healthy-baseline");
    let errors = load_scenario(&directory.join("no-such-file.toml")).unwrap_err();
    let missing = errors.first();
    assert_eq!((errors.iter().count(), missing.line, missing.column), (1, 1, 1));
    assert!(matches!(missing.problem, Problem::Read(_)), "{missing}");
}

#[test]
fn each_per_seed_setting_is_a_draw_in_the_order_the_format_reads_it() {
    let scenario = parse_after_minimal(
        "[network]\nloss = { min = 0, max = 0.25 }\nduplicate = 0.5\n[policy]\nrevocation = [\"sync\", \"lazy:1m\"]\n\
         [swarm]\n\"population.accounts\" = { min = 5, max = 50 }\npolicy.authorization_ttl = [\"7d\", \"30d\"]\n",
    );
    for seed in 0..3 {
        let (resolved, draws) = scenario.resolve_with_draws(seed);
        let mut swarm = SwarmRng::new(seed);
        let ttl = swarm.draw("policy.authorization_ttl", &scenario.policy.authorization_ttl);
        let revocation = swarm.draw("policy.revocation", &scenario.policy.revocation);
        let loss = swarm.draw("network.loss", &scenario.network.loss);
        let accounts = swarm.draw("population.accounts", &scenario.population.accounts);
        // Fixed settings (`network.duplicate`, every default) are no draw.
        let expected: Vec<(String, DrawnValue)> = vec![
            ("param.policy.authorization_ttl_ms".into(), DrawnValue::Duration(ttl)),
            ("param.policy.revocation".into(), DrawnValue::Revocation(revocation)),
            ("param.network.loss".into(), DrawnValue::Number(loss.get())),
            ("param.population.accounts".into(), DrawnValue::Count(accounts)),
        ];
        let columns: Vec<(String, DrawnValue)> = draws.iter().map(|draw| (draw.column(), draw.value.clone())).collect();
        assert_eq!(columns, expected, "seed {seed}");
        assert_eq!(swarm.draws(), &draws);
        assert_eq!((resolved.network.loss, resolved.population.accounts), (loss, accounts));
        assert_eq!(scenario.draws(seed), draws);
    }
    assert!(parse_after_minimal("").draws(0).is_empty());
}
