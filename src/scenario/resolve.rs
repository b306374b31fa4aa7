//! `Scenario<Spec>::resolve(seed)`: draw every per-seed setting, giving the
//! concrete `Scenario<Resolved>` the simulator runs.
//!
//! Each setting draws from its own stream, named by the same dotted path the
//! file and `[swarm]` use (see [`SwarmRng`]).

use super::draws::Draws;
use super::model::*;
use super::sampled::{Resolved, Spec, SwarmRng};

impl Scenario<Spec> {
    /// This seed's concrete scenario. Pure: the same seed always gives the same result.
    pub fn resolve(&self, seed: u64) -> Scenario<Resolved> {
        self.resolve_with_draws(seed).0
    }

    /// This seed's draws of the settings that vary per seed, in the order
    /// resolving reads them (the `param.` columns of `runs.csv`).
    pub fn draws(&self, seed: u64) -> Draws {
        self.resolve_with_draws(seed).1
    }

    /// This seed's concrete scenario and the record of its per-seed draws.
    pub fn resolve_with_draws(&self, seed: u64) -> (Scenario<Resolved>, Draws) {
        let mut swarm = SwarmRng::new(seed);
        let resolved = self.resolve_from(&mut swarm);
        (resolved, swarm.into_draws())
    }

    fn resolve_from(&self, swarm: &mut SwarmRng) -> Scenario<Resolved> {
        Scenario {
            meta: self.meta.clone(),
            policy: self.policy.resolve(swarm),
            datacenters: Datacenters {
                count: swarm.draw("datacenters.count", &self.datacenters.count),
                inter_dc_latency: self.datacenters.inter_dc_latency.clone(),
            },
            network: Network {
                latency: self.network.latency.clone(),
                loss: swarm.draw("network.loss", &self.network.loss),
                duplicate: swarm.draw("network.duplicate", &self.network.duplicate),
                reorder: swarm.draw("network.reorder", &self.network.reorder),
                clock_skew: self.network.clock_skew.clone(),
            },
            faults: self
                .faults
                .iter()
                .enumerate()
                .map(|(index, fault)| fault.resolve(index, swarm))
                .collect(),
            population: self.population.resolve(swarm),
            attackers: self
                .attackers
                .iter()
                .enumerate()
                .map(|(index, attacker)| attacker.resolve(index, swarm))
                .collect(),
            owner_actions: (self.owner_actions.iter().enumerate())
                .map(|(index, action)| OwnerAction {
                    action: action.action,
                    at: swarm.draw(&format!("owner_action.{index}.at"), &action.at),
                    accounts: action.accounts,
                    from: action.from,
                })
                .collect(),
            device_events: (self.device_events.iter().enumerate())
                .map(|(index, event)| DeviceEvent {
                    kind: event.kind,
                    device: event.device,
                    accounts: event.accounts,
                    at: swarm.draw(&format!("device_event.{index}.at"), &event.at),
                })
                .collect(),
            expectations: self.expectations.clone(),
        }
    }
}

impl Policy<Spec> {
    fn resolve(&self, swarm: &mut SwarmRng) -> Policy<Resolved> {
        Policy {
            fresh_reset_window: swarm.draw("policy.fresh_reset_window", &self.fresh_reset_window),
            authorization_ttl: swarm.draw("policy.authorization_ttl", &self.authorization_ttl),
            autoconfirm_period: swarm.draw("policy.autoconfirm_period", &self.autoconfirm_period),
            unconfirmed_can_reset: swarm.draw("policy.unconfirmed_can_reset", &self.unconfirmed_can_reset),
            unconfirmed_can_accept_login_token: swarm.draw(
                "policy.unconfirmed_can_accept_login_token",
                &self.unconfirmed_can_accept_login_token,
            ),
            terminate_all_limit: swarm.draw("policy.terminate_all_limit", &self.terminate_all_limit),
            revocation: swarm.draw("policy.revocation", &self.revocation),
            temp_key_lifetime: swarm.draw("policy.temp_key_lifetime", &self.temp_key_lifetime),
            notify_new_login: swarm.draw("policy.notify_new_login", &self.notify_new_login),
            pts_limit: swarm.draw("policy.pts_limit", &self.pts_limit),
            pts_total_limit: swarm.draw("policy.pts_total_limit", &self.pts_total_limit),
            login_token_lifetime: swarm.draw("policy.login_token_lifetime", &self.login_token_lifetime),
            future_auth_token_limit: swarm.draw("policy.future_auth_token_limit", &self.future_auth_token_limit),
            duplicate_key: swarm.draw("policy.duplicate_key", &self.duplicate_key),
        }
    }
}

impl Fault<Spec> {
    fn resolve(&self, index: usize, swarm: &mut SwarmRng) -> Fault<Resolved> {
        Fault {
            at: swarm.draw(&format!("fault.{index}.at"), &self.at),
            duration: swarm.draw(&format!("fault.{index}.duration"), &self.duration),
            kind: self.kind.clone(),
        }
    }
}

impl Population<Spec> {
    fn resolve(&self, swarm: &mut SwarmRng) -> Population<Resolved> {
        let devices: Vec<DeviceSpec<Resolved>> = (self.devices.iter().enumerate())
            .map(|(index, device)| DeviceSpec {
                kind: device.kind,
                probability: swarm.draw(&format!("population.devices.{index}.probability"), &device.probability),
            })
            .collect();
        Population {
            accounts: swarm.draw("population.accounts", &self.accounts),
            two_factor: swarm.draw("population.two_factor", &self.two_factor),
            devices,
            online: Online {
                mean_session: swarm.draw("population.online.mean_session", &self.online.mean_session),
                mean_gap: swarm.draw("population.online.mean_gap", &self.online.mean_gap),
            },
            updates_per_day: swarm.draw("population.updates_per_day", &self.updates_per_day),
            update_bytes: self.update_bytes.clone(),
            audit: Audit {
                every: swarm.draw("population.audit.every", &self.audit.every),
                probability: swarm.draw("population.audit.probability", &self.audit.probability),
                action: self.audit.action,
                min_signals: self.audit.min_signals,
            },
            sleep: swarm.draw("population.sleep", &self.sleep),
            deny_unrecognized_login: swarm.draw("population.deny_unrecognized_login", &self.deny_unrecognized_login),
        }
    }
}

impl Attacker<Spec> {
    fn resolve(&self, index: usize, swarm: &mut SwarmRng) -> Attacker<Resolved> {
        Attacker {
            name: self.name.clone(),
            targets: self.targets.clone(),
            acquire: Acquire {
                kind: self.acquire.kind,
                at: swarm.draw(&format!("attacker.{index}.acquire.at"), &self.acquire.at),
            },
            behavior: self.behavior.clone(),
            footholds: self.footholds,
            heartbeat_every: self.heartbeat_every,
            fetch_every: self.fetch_every,
        }
    }
}
