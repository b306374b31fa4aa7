//! From a resolved scenario to the pieces the simulator builds: the core's
//! `Policy`, each datacenter's `ServerConfig`, the network model and its
//! fault schedule. The scenario module parses and validates; this module
//! only translates (scenario → sim → proto, never the other way).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::scenario::model::{self as scenario_model, FaultKind, ResolvedScenario};
use sessionlab_proto::auth::Policy;
use sessionlab_proto::server::ServerConfig;
use sessionlab_proto::time::{duration_micros, Instant};

use crate::engine::distribution::Distribution;
use crate::engine::network::{Direction, Fault, LinkModel, NetworkConfig, Node};

/// The cluster secret every simulated datacenter shares (a constant: the
/// simulator models who holds keys, not how DCs keep their secrets).
pub const CLUSTER_SECRET: [u8; 32] = *b"sessionlab-simulated-dc-secret!!";

/// Seconds in a day, for day-counted knobs.
const DAY_SECONDS: u64 = 86_400;

/// The session layer's policy a scenario asks for.
pub fn policy(scenario: &ResolvedScenario) -> Policy {
    let knobs = &scenario.policy;
    let ttl_days = (knobs.authorization_ttl.as_secs() / DAY_SECONDS).clamp(1, 366);
    Policy {
        fresh_reset_window: knobs.fresh_reset_window,
        authorization_ttl_days: u32::try_from(ttl_days).unwrap_or(366),
        autoconfirm_period: knobs.autoconfirm_period,
        unconfirmed_can_reset: knobs.unconfirmed_can_reset,
        unconfirmed_can_accept_login_token: knobs.unconfirmed_can_accept_login_token,
        terminate_all_limit: u32::try_from(knobs.terminate_all_limit).unwrap_or(u32::MAX),
        revocation: knobs.revocation,
        temp_key_lifetime: knobs.temp_key_lifetime,
        notify_new_login: knobs.notify_new_login,
        login_token_lifetime: knobs.login_token_lifetime,
        max_future_tokens: usize::try_from(knobs.future_auth_token_limit).unwrap_or(usize::MAX),
        ..Policy::default()
    }
}

/// Datacenter `dc`'s configuration.
pub fn server_config(scenario: &ResolvedScenario, dc: u32) -> ServerConfig {
    let mut config = ServerConfig::new(dc, CLUSTER_SECRET, policy(scenario));
    config.pts_limit = u32::try_from(scenario.policy.pts_limit).unwrap_or(u32::MAX).max(1);
    config.pts_total_limit = u32::try_from(scenario.policy.pts_total_limit)
        .unwrap_or(u32::MAX)
        .max(1);
    config
}

/// How many datacenters (at least one).
pub fn datacenter_count(scenario: &ResolvedScenario) -> u32 {
    u32::try_from(scenario.datacenters.count).unwrap_or(u32::MAX).max(1)
}

/// The network model: access links from the `[network]` section,
/// inter-DC links from `[datacenters]`.
pub fn network(scenario: &ResolvedScenario) -> NetworkConfig {
    let network = &scenario.network;
    NetworkConfig {
        datacenters: datacenter_count(scenario),
        access: LinkModel {
            latency: network.latency.to_base(),
            loss: network.loss.get(),
            duplicate: network.duplicate.get(),
            reorder: network.reorder.get(),
        },
        inter_dc: LinkModel::lossless(scenario.datacenters.inter_dc_latency.to_base()),
        overrides: Default::default(),
    }
}

/// The clock-skew distribution (µs, signed).
pub fn clock_skew(scenario: &ResolvedScenario) -> Distribution {
    scenario.network.clock_skew.to_base()
}

/// The instant faults must have ended by: the quiet period before the end.
pub fn quiet_from(scenario: &ResolvedScenario) -> Instant {
    let epoch = scenario.meta.epoch;
    epoch.saturating_add(scenario.meta.duration.saturating_sub(scenario.meta.quiet_period))
}

/// The network faults of the scenario for concrete devices: shares of
/// devices are chosen by `pick(share) -> device ids` (the world decides
/// which, from its own RNG stream). Faults are cut short at the quiet
/// period; a fault that would start inside it is dropped.
pub fn faults(
    scenario: &ResolvedScenario,
    mut pick: impl FnMut(&crate::scenario::quantity::Share) -> Vec<u32>,
) -> Vec<Fault> {
    let epoch = scenario.meta.epoch;
    let quiet = quiet_from(scenario);
    let mut faults = Vec::new();
    for fault in &scenario.faults {
        let start = epoch.saturating_add(fault.at);
        if start >= quiet {
            continue;
        }
        let end = start.saturating_add(fault.duration).min(quiet);
        let duration_micros = duration_micros(end.saturating_duration_since(start));
        if duration_micros == 0 {
            continue;
        }
        match &fault.kind {
            FaultKind::Partition { devices, direction } => {
                let nodes: BTreeSet<Node> = pick(devices).into_iter().map(Node::Device).collect();
                if !nodes.is_empty() {
                    let direction = match direction {
                        scenario_model::Direction::Both => Direction::Both,
                        scenario_model::Direction::ToDc => Direction::ToDc,
                        scenario_model::Direction::FromDc => Direction::FromDc,
                    };
                    faults.push(Fault::Partition {
                        at: start,
                        duration_micros,
                        nodes,
                        direction,
                    });
                }
            }
            FaultKind::DcOutage { dc } => {
                let dc = u32::try_from(*dc).unwrap_or(u32::MAX);
                faults.push(Fault::DcOutage {
                    at: start,
                    duration_micros,
                    dc,
                });
            }
            FaultKind::DeviceOffline { devices } => {
                for device in pick(devices) {
                    faults.push(Fault::DeviceOffline {
                        at: start,
                        duration_micros,
                        device,
                    });
                }
            }
        }
    }
    faults
}

/// A duration as whole days, for reports.
pub fn days(duration: Duration) -> u64 {
    duration.as_secs() / DAY_SECONDS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;
    use sessionlab_proto::auth::RevocationPolicy;

    const SCENARIO: &str = r#"
[scenario]
name = "config-test"
duration = "7d"
quiet_period = "1h"

[policy]
authorization_ttl = "30d"
revocation = "async:2s"
terminate_all_limit = 5

[datacenters]
count = 2
inter_dc_latency = "20ms"

[network]
latency = "80ms"
loss = 0.02

[[fault]]
kind = "dc_outage"
at = "6d"
duration = "2d"
dc = 2

[[fault]]
kind = "device_offline"
at = "1d"
duration = "1h"
devices = "50%"

[population]
accounts = 2
devices = [{ kind = "phone", probability = 1.0 }]
"#;

    #[test]
    fn a_scenario_maps_to_policy_servers_network_and_faults() {
        let scenario = parse_scenario(SCENARIO, "config-test.toml").expect("valid").resolve(0);
        let policy = policy(&scenario);
        assert_eq!(policy.authorization_ttl_days, 30);
        assert_eq!(
            policy.revocation,
            RevocationPolicy::Async {
                delay: Duration::from_secs(2)
            }
        );
        assert_eq!(policy.terminate_all_limit, 5);
        assert_eq!(server_config(&scenario, 2).dc_id, 2);
        let network = network(&scenario);
        assert_eq!(network.datacenters, 2);
        assert_eq!(network.access.loss, 0.02);
        assert_eq!(network.access.latency, Distribution::Constant { value: 80_000.0 });
        assert_eq!(network.inter_dc.latency, Distribution::Constant { value: 20_000.0 });
        let faults = faults(&scenario, |_| vec![3, 4]);
        assert_eq!(faults.len(), 3);
        let outage_end = match &faults[0] {
            Fault::DcOutage {
                at,
                duration_micros,
                dc: 2,
            } => at.saturating_add(Duration::from_micros(*duration_micros)),
            other => panic!("{other:?}"),
        };
        assert_eq!(outage_end, quiet_from(&scenario), "cut short at the quiet period");
        assert!(matches!(faults[1], Fault::DeviceOffline { device: 3, .. }));
    }
}
