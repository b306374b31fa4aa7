//! The end of a run: the oracles that judge the final state (surviving
//! footholds, sync convergence, wipes), each attacker's row, and the
//! metric row of the run.

use crate::scenario::MetricRow;
use crate::world::oracle::bypass::Bypass;
use crate::world::oracle::credentials::{ChainStep, Credential};
use crate::world::oracle::names;
use sessionlab_proto::client::ClientEvent;
use sessionlab_proto::id::{AuthKeyId, DcId, UserId};
use sessionlab_proto::sync::{SyncEvent, SyncTotals};
use sessionlab_proto::time::{duration_micros, Instant};
use sessionlab_proto::transport::TransportEvent;
use std::time::Duration;

use super::attacker_outcome::{accounts_compromised, eviction_times_sorted_micros, AttackerOutcome};
use super::tally::Tally;
use super::{Holder, World};

/// Counts gathered while the run goes.
#[derive(Clone, Debug, Default)]
pub struct Counters {
    pub authorizations_created: u64,
    pub authorizations_revoked: u64,
    pub bad_msg_notifications: u64,
    pub resends: u64,
    pub attacker_requests: u64,
    pub attacker_requests_accepted: u64,
    pub footholds_minted: u64,
    pub updates_exfiltrated_after_revocation: u64,
    pub detection_true_positives: u64,
    pub detection_false_positives: u64,
    pub devices_wiped: u64,
    pub updates_created: u64,
    pub audits: u64,
    pub commands_refused: u64,
    pub transport_errors: u64,
    pub packets_unsent_offline: u64,
    pub packets_lost_offline: u64,
    pub packets_refused_by_apps: u64,
    pub events_dropped: u64,
    pub devices_lost: u64,
    pub devices_restored: u64,
    /// `[[owner_action]]`s carried out, and skipped (no device at hand).
    pub owner_actions: u64,
    pub owner_actions_skipped: u64,
    /// Owner requests given up after every try (the app's and the owner's).
    pub owner_requests_abandoned: u64,
    /// (attacker, target) pairs whose acquisition found nothing to take.
    pub attacks_not_started: u64,
    /// Captured packets attackers re-injected (each delivered copy).
    pub replayed_packets: u64,
    /// Replays that made a datacenter run an API call.
    pub replays_accepted: u64,
    /// Captured packets processed twice (original and replay): a bug.
    pub replays_processed_twice: u64,
    /// Owner devices' sync traffic and work.
    pub sync: SyncTotals,
    /// Push latencies: an update created while the device was connected,
    /// from its creation to its application, µs, on the true clock.
    pub push_latencies_micros: Vec<u64>,
    /// Catch-up times: from a device connecting to its first catch-up, µs.
    pub catch_up_micros: Vec<u64>,
}

impl Counters {
    /// Fold in one of an app's events at `now` (true time); `connected_at`
    /// is when the app last connected, if it still is.
    pub fn observe_client_event(
        &mut self,
        now: Instant,
        event: &ClientEvent,
        attacker: bool,
        connected_at: Option<Instant>,
    ) {
        match event {
            ClientEvent::Wiped { .. } => self.devices_wiped += 1,
            // Each retransmission once: a re-issued message (a new msg_id
            // after a refusal) is counted when it is sent again (`Resent`),
            // not also when it is re-issued.
            ClientEvent::Transport {
                event: TransportEvent::Resent { .. },
                ..
            } => self.resends += 1,
            ClientEvent::Sync(sync) if !attacker => {
                self.sync.record(sync);
                match (sync, connected_at) {
                    (SyncEvent::Applied { created_at, .. }, Some(connected)) if *created_at >= connected => {
                        let latency = now.saturating_duration_since(*created_at);
                        push_sample(&mut self.push_latencies_micros, latency);
                    }
                    (SyncEvent::CaughtUp, Some(connected)) => {
                        push_sample(&mut self.catch_up_micros, now.saturating_duration_since(connected));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// Latency samples kept at most, per kind (beyond, percentiles describe the
/// first ones).
pub const MAX_LATENCY_SAMPLES: usize = 10_000_000;

fn push_sample(samples: &mut Vec<u64>, latency: Duration) {
    if samples.len() < MAX_LATENCY_SAMPLES {
        samples.push(duration_micros(latency));
    }
}

/// Attacker access still working at the end, with how it was obtained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Foothold {
    pub attacker: String,
    pub account_user_id: UserId,
    pub dc: DcId,
    pub key_id: AuthKeyId,
    pub chain: Vec<ChainStep>,
}

/// Everything one run produced.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    pub seed: u64,
    /// Every metric of the table (`scenario::METRICS`).
    pub metrics: MetricRow,
    pub trace_hash: String,
    pub bypasses: Vec<Bypass>,
    pub footholds: Vec<Foothold>,
    /// What each attacker got against each target account (`attackers.csv`).
    pub attackers: Vec<AttackerOutcome>,
    /// Oracle violations, described.
    pub violations: Vec<String>,
    pub trace: Option<super::trace::Trace>,
}

impl World {
    fn surviving_footholds(&self) -> Vec<Foothold> {
        let mut footholds = Vec::new();
        for app in &self.apps {
            let Holder::Attacker { attacker } = app.holder else {
                continue;
            };
            let spec = &self.attackers[attacker];
            let user_id = self.accounts[spec.account].user_id;
            for (dc, server) in &self.servers {
                let Some(&key_id) = app.keys_held.get(dc) else {
                    continue;
                };
                let accepted = server
                    .authority()
                    .peek(self.config.end, key_id)
                    .is_ok_and(|handle| handle.user_id == user_id);
                if accepted {
                    footholds.push(Foothold {
                        attacker: spec.name.clone(),
                        account_user_id: user_id,
                        dc: *dc,
                        key_id,
                        chain: self.credentials.chain_to(&Credential::Key { dc: *dc, key_id }),
                    });
                }
            }
        }
        footholds
    }

    /// The wipe oracle: an owner's device whose home authorization was
    /// revoked before the quiet period, and which was online through it (so
    /// it talked to its datacenter), must have wiped its data. Lost devices
    /// are exempt: they never make contact again.
    fn unwiped_terminated_devices(&self) -> Vec<String> {
        let mut unwiped = Vec::new();
        for (id, app) in self.apps.iter().enumerate() {
            let Holder::Owner { account, .. } = app.holder else {
                continue;
            };
            if app.lost || !app.online || app.client.is_wiped() || !app.client.is_logged_in() {
                continue;
            }
            let home_dc = self.accounts[account].home_dc;
            let Some(key_id) = app.client.auth_key_id(home_dc) else {
                continue;
            };
            let revoked = self
                .bypasses
                .acts_for(home_dc, key_id)
                .and_then(|authorization| self.bypasses.revoked_at(authorization));
            if let Some(at) = revoked.filter(|at| *at < self.config.quiet_from) {
                let seconds = at.saturating_duration_since(self.config.epoch).as_secs();
                unwiped.push(format!(
                    "{}: device {id} (account {account}) was terminated at {seconds} s and did not wipe its data",
                    names::WIPE
                ));
            }
        }
        unwiped
    }

    /// (converged, updates lost, updates duplicated) over the owners'
    /// logged-in online devices: each must hold every update the server
    /// retains from its own starting point on, once.
    fn convergence(&self) -> (bool, u64, u64) {
        let (mut converged, mut lost, mut duplicated) = (true, 0u64, 0u64);
        for app in &self.apps {
            let Holder::Owner { account, .. } = app.holder else {
                continue;
            };
            if !app.online || !app.client.is_logged_in() || app.client.is_wiped() {
                continue;
            }
            let record = &self.accounts[account];
            let Some(server) = self.servers.get(&record.home_dc) else {
                continue;
            };
            // Updates are identified by their log seq (the message id a
            // device stores, also after a history reload, which has no pts).
            let held: Vec<u32> = app.client.applied_updates().map(|update| update.seq).collect();
            let mut seen = std::collections::BTreeSet::new();
            duplicated += held.iter().filter(|seq| !seen.insert(**seq)).count() as u64;
            let start = held.first().copied().unwrap_or(u32::MAX);
            let expected: Vec<u32> = server
                .updates(record.user_id)
                .filter(|update| update.pts().is_some())
                .map(|update| update.seq)
                .filter(|seq| *seq >= start)
                .collect();
            let missing = expected.iter().filter(|seq| !seen.contains(seq)).count() as u64;
            let state_matches = app
                .client
                .sync_state()
                .is_some_and(|state| state.pts == server.sync_state(record.user_id).pts);
            lost += missing;
            if missing > 0 || !state_matches {
                converged = false;
            }
        }
        (converged && duplicated == 0, lost, duplicated)
    }

    pub(super) fn finish(self) -> RunOutcome {
        let footholds = self.surviving_footholds();
        let attackers = self.attacker_outcomes(&footholds);
        let evictions = eviction_times_sorted_micros(&attackers);
        let (converged, lost, duplicated) = self.convergence();
        let mut violations: Vec<String> = self
            .bypasses
            .violations()
            .map(|bypass| {
                let broken = if bypass.after_sync_answer {
                    "after the owner's sync answer said it was done everywhere"
                } else {
                    "it already knew of"
                };
                format!(
                    "{}: DC {} accepted key {:#018x} {} ms after the revocation of authorization {:#018x} {broken}",
                    names::LOGOUT_BYPASS,
                    bypass.dc,
                    bypass.key_id,
                    bypass.window().as_millis(),
                    bypass.authorization.1
                )
            })
            .collect();
        violations.extend(self.unwiped_terminated_devices());
        violations.extend(self.temp_keys.violations());
        violations.extend(crate::world::oracle::ttl::outlived_ttl(&self.servers, self.config.end));
        if self.counters.replays_processed_twice > 0 {
            violations.push(format!(
                "{}: {} replayed packets were processed a second time",
                names::REPLAY,
                self.counters.replays_processed_twice
            ));
        }
        if self.counters.events_dropped > 0 {
            violations.push(format!(
                "{}: {} events dropped by the bounded queue",
                names::EVENT_QUEUE,
                self.counters.events_dropped
            ));
        }
        let counters = &self.counters;
        let mut push_latencies = counters.push_latencies_micros.clone();
        push_latencies.sort_unstable();
        let mut catch_ups = counters.catch_up_micros.clone();
        catch_ups.sort_unstable();
        let attacker_bypasses: Vec<&Bypass> = self.bypasses.attacker_bypasses().collect();
        let max_window_ms = attacker_bypasses
            .iter()
            .map(|bypass| bypass.window().as_millis() as f64)
            .fold(0.0, f64::max);
        let network = self.network.counters();
        let devices = self
            .apps
            .iter()
            .filter(|app| matches!(app.holder, Holder::Owner { .. }))
            .count();
        let tally = Tally {
            seed: self.seed,
            accounts: self.accounts.len() as u64,
            devices: devices as u64,
            counters,
            push_latencies_sorted_micros: &push_latencies,
            catch_up_sorted_micros: &catch_ups,
            converged,
            updates_lost: lost,
            updates_duplicated: duplicated,
            messages_sent: network.sent,
            messages_lost: network.dropped_total(),
            logout_bypasses: attacker_bypasses.len() as u64,
            max_bypass_window_ms: max_window_ms,
            oracle_violations: violations.len() as u64,
            surviving_footholds: footholds.len() as u64,
            accounts_compromised_at_end: accounts_compromised(&attackers),
            evictions_sorted_micros: &evictions,
            attacker_authorizations: self.attacker_held.len() as u64,
            attacker_authorizations_detected: self.detected.len() as u64,
        };
        let metrics = MetricRow::from_fn(|id| tally.value(id));
        RunOutcome {
            seed: self.seed,
            metrics,
            trace_hash: self.engine.trace().hex(),
            bypasses: self.bypasses.bypasses().to_vec(),
            footholds,
            attackers,
            violations,
            trace: self.trace,
        }
    }
}
