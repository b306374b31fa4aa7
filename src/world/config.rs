//! The typed configuration of one run ([`WorldConfig`]), translated once
//! from a resolved scenario: the core's `Policy`, each datacenter's
//! `ServerConfig`, the network model and its fault schedule, the run's
//! times, and the actors' specifications. The scenario module parses and
//! validates; this module only translates (scenario → world → core, never
//! the other way), and the world keeps this value, never the parsed file.

use sessionlab_proto::id::DcId;
use std::collections::BTreeSet;

use crate::scenario::model::{
    self as scenario_model, Attacker, DeviceEvent, FaultKind, OwnerAction, Population, ResolvedScenario,
};
use crate::scenario::quantity::Share;
use crate::scenario::Resolved;
use sessionlab_proto::auth::Policy;
use sessionlab_proto::server::ServerConfig;
use sessionlab_proto::sync::ClientConfig as SyncConfig;
use sessionlab_proto::time::{duration_micros, Instant};

use crate::engine::distribution::Distribution;
use crate::engine::network::{Direction, Fault, LinkModel, NetworkConfig, Node};

/// The cluster secret every simulated datacenter shares (a constant: the
/// simulator models who holds keys, not how DCs keep their secrets).
pub const CLUSTER_SECRET: [u8; 32] = *b"sessionlab-simulated-dc-secret!!";

/// Seconds in a day, for day-counted knobs.
const DAY_SECONDS: u64 = 86_400;

/// Everything one run is built from.
#[derive(Clone, Debug)]
pub struct WorldConfig {
    /// The scenario's `[scenario] name`.
    pub name: String,
    /// Virtual time at the start of the run.
    pub epoch: Instant,
    /// Virtual time at the end of the run.
    pub end: Instant,
    /// The instant faults must have ended by: the quiet period before the end.
    pub quiet_from: Instant,
    /// Datacenters, numbered 1..=datacenters (at least one).
    pub datacenters: u32,
    /// The session layer's policy, the same on every datacenter.
    pub policy: Policy,
    /// Updates per `getDifference` answer.
    pub pts_limit: u32,
    /// Updates a difference may span in all before `differenceTooLong`.
    pub pts_total_limit: u32,
    /// Access and inter-DC links (faults are installed once devices exist).
    pub network: NetworkConfig,
    /// The clock-skew distribution of devices (µs, signed).
    pub clock_skew: Distribution,
    /// Accounts, devices and the owners' habits.
    pub population: Population<Resolved>,
    /// `[[attacker]]`s, in file order.
    pub attackers: Vec<Attacker<Resolved>>,
    /// `[[owner_action]]`s, in file order.
    pub owner_actions: Vec<OwnerAction<Resolved>>,
    /// `[[device_event]]`s, in file order.
    pub device_events: Vec<DeviceEvent<Resolved>>,
    /// `[[fault]]`s, still naming shares of devices ([`WorldConfig::faults`]).
    faults: Vec<scenario_model::Fault<Resolved>>,
}

impl WorldConfig {
    /// The configuration `scenario` (one seed's draw) asks for.
    pub fn from_scenario(scenario: &ResolvedScenario) -> WorldConfig {
        let meta = &scenario.meta;
        let epoch = meta.epoch;
        let datacenters = u32::try_from(scenario.datacenters.count).unwrap_or(u32::MAX).max(1);
        WorldConfig {
            name: meta.name.clone(),
            epoch,
            end: epoch.saturating_add(meta.duration),
            quiet_from: epoch.saturating_add(meta.duration.saturating_sub(meta.quiet_period)),
            datacenters,
            policy: run_policy(scenario),
            pts_limit: u32::try_from(scenario.policy.pts_limit).unwrap_or(u32::MAX).max(1),
            pts_total_limit: u32::try_from(scenario.policy.pts_total_limit)
                .unwrap_or(u32::MAX)
                .max(1),
            network: network(scenario, datacenters),
            clock_skew: scenario.network.clock_skew.to_base(),
            population: scenario.population.clone(),
            attackers: scenario.attackers.clone(),
            owner_actions: scenario.owner_actions.clone(),
            device_events: scenario.device_events.clone(),
            faults: scenario.faults.clone(),
        }
    }

    /// The sync settings of every app: the defaults, and the run's mutant.
    pub fn app_sync_config(&self) -> SyncConfig {
        #[allow(unused_mut)]
        let mut sync = SyncConfig::default();
        #[cfg(feature = "mutants")]
        {
            sync.mutant = self.policy.mutant;
        }
        sync
    }

    /// Datacenter `dc`'s configuration.
    pub fn server_config(&self, dc: DcId) -> ServerConfig {
        let mut config = ServerConfig::new(dc, CLUSTER_SECRET, self.policy.clone());
        config.pts_limit = self.pts_limit;
        config.pts_total_limit = self.pts_total_limit;
        config
    }
}

/// The run's policy: the `[policy]` knobs, and the scenario's mutant.
fn run_policy(scenario: &ResolvedScenario) -> Policy {
    #[allow(unused_mut)]
    let mut run = policy(&scenario.policy);
    #[cfg(feature = "mutants")]
    {
        run.mutant = scenario.meta.mutant;
    }
    run
}

/// The session layer's policy a scenario's `[policy]` asks for.
fn policy(knobs: &scenario_model::Policy<Resolved>) -> Policy {
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
        duplicate_key: knobs.duplicate_key,
        ..Policy::default()
    }
}

/// The network model: access links from the `[network]` section,
/// inter-DC links from `[datacenters]`.
fn network(scenario: &ResolvedScenario, datacenters: u32) -> NetworkConfig {
    let network = &scenario.network;
    NetworkConfig {
        datacenters,
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

impl WorldConfig {
    /// The network faults of the scenario for concrete devices: shares of
    /// devices are chosen by `pick(share) -> device ids` (the world decides
    /// which, from its own RNG stream). Faults are cut short at the quiet
    /// period; a fault that would start inside it is dropped.
    pub fn faults(&self, mut pick: impl FnMut(&Share) -> Vec<u32>) -> Vec<Fault> {
        let epoch = self.epoch;
        let quiet = self.quiet_from;
        let mut faults = Vec::new();
        for fault in &self.faults {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;
    use sessionlab_proto::auth::RevocationPolicy;
    use std::time::Duration;

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
        let config = WorldConfig::from_scenario(&scenario);
        let policy = &config.policy;
        assert_eq!(policy.authorization_ttl_days, 30);
        assert_eq!(
            policy.revocation,
            RevocationPolicy::Async {
                delay: Duration::from_secs(2)
            }
        );
        assert_eq!(policy.terminate_all_limit, 5);
        assert_eq!(config.server_config(DcId(2)).dc_id, DcId(2));
        assert_eq!((config.datacenters, config.population.accounts), (2, 2));
        assert_eq!(config.end, config.epoch.saturating_add(Duration::from_secs(7 * 86_400)));
        assert_eq!(config.quiet_from, config.end.saturating_sub(Duration::from_secs(3600)));
        let network = &config.network;
        assert_eq!(network.datacenters, 2);
        assert_eq!(network.access.loss, 0.02);
        assert_eq!(network.access.latency, Distribution::Constant { value: 80_000.0 });
        assert_eq!(network.inter_dc.latency, Distribution::Constant { value: 20_000.0 });
        let faults = config.faults(|_| vec![3, 4]);
        assert_eq!(faults.len(), 3);
        let outage_end = match &faults[0] {
            Fault::DcOutage {
                at,
                duration_micros,
                dc: 2,
            } => at.saturating_add(Duration::from_micros(*duration_micros)),
            other => panic!("{other:?}"),
        };
        assert_eq!(outage_end, config.quiet_from, "cut short at the quiet period");
        assert!(matches!(faults[1], Fault::DeviceOffline { device: 3, .. }));
    }
}
