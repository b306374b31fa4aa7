//! Building the world of one run from a resolved scenario: datacenters,
//! accounts and their devices, attackers and their targets, the network
//! and its faults, and the first events of every process.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use rand_chacha::ChaCha12Rng;
use rand_core::RngCore;

use super::{AccountSim, App, AttackerSim, Event, Holder, RunOptions, SimError, World};
use crate::engine::distribution::{bernoulli, unit_open_above};
use crate::engine::event_loop::Engine;
use crate::engine::network::{Fault, Network, Node};
use crate::engine::rng;
use crate::scenario::model::{DeviceKind, Targets};
use crate::world::config::WorldConfig;
use crate::world::oracle::bypass::BypassOracle;
use crate::world::oracle::credentials::CredentialGraph;
use sessionlab_proto::auth::{GeoPoint, NetworkOrigin};
use sessionlab_proto::client::{Client, ClientConfig, DeviceInfo};
use sessionlab_proto::id::{DcId, UserId};
use sessionlab_proto::server::Server;

/// Accounts one run simulates at most.
pub const MAX_ACCOUNTS: u64 = 1_000_000;

/// A labelled stream; labels are built here and always valid.
pub(super) fn stream(seed: u64, label: &str) -> ChaCha12Rng {
    rng::stream(seed, label).unwrap_or_else(|_| unreachable!("labels built by the simulator are valid"))
}

/// An exponential draw with mean `mean` (for Poisson processes).
pub(super) fn exponential(rng: &mut impl RngCore, mean: Duration) -> Duration {
    let u = 1.0 - unit_open_above(rng);
    Duration::from_secs_f64((-u.ln() * mean.as_secs_f64()).min(10.0 * 365.0 * 86_400.0))
}

/// What an app on a device of `kind` says it is in `initConnection`.
pub fn device_info(kind: DeviceKind) -> DeviceInfo {
    let (model, system, platform) = match kind {
        DeviceKind::Phone => ("Pixel 8", "Android 14", "android"),
        DeviceKind::Desktop => ("Desktop", "Windows 11", "windows"),
        DeviceKind::Tablet => ("iPad Air", "iPadOS 17", "ios"),
        DeviceKind::Web => ("Web browser", "Chrome 120", "web"),
    };
    DeviceInfo {
        device_model: model.into(),
        platform: platform.into(),
        system_version: system.into(),
        ..DeviceInfo::default()
    }
}

/// Where an owner's devices connect from: near home.
fn home_origin(account: usize) -> NetworkOrigin {
    NetworkOrigin {
        ip: format!("198.51.{}.{}", (account / 250) % 250, account % 250 + 1),
        country: "US".into(),
        region: "California".into(),
        coordinates: Some(GeoPoint::from_degrees(37.77, -122.42)),
    }
}

/// Where attackers connect from: far away.
pub(super) fn attacker_origin(attacker: usize) -> NetworkOrigin {
    NetworkOrigin {
        ip: format!("203.0.113.{}", attacker % 250 + 1),
        country: "RU".into(),
        region: "Moscow".into(),
        coordinates: Some(GeoPoint::from_degrees(55.75, 37.62)),
    }
}

pub(super) fn new_app(world_apps: usize, config: ClientConfig, holder: Holder, seed: u64, skew_micros: i64) -> App {
    let node = match holder {
        Holder::Owner { .. } => Node::Device(world_apps as u32),
        Holder::Attacker { .. } => Node::AttackerHost(world_apps as u32),
    };
    let client = Client::new(config).unwrap_or_else(|_| unreachable!("the simulator builds valid client configs"));
    App {
        client,
        node,
        holder,
        skew_micros,
        online: true,
        connected_at: None,
        timer_generation: 0,
        timer_at: None,
        lost: false,
        login_retries: 0,
        origin: match holder {
            Holder::Owner { account, .. } => home_origin(account),
            Holder::Attacker { attacker } => attacker_origin(attacker),
        },
        keys_held: Default::default(),
        rng: stream(seed, &rng::device_label(world_apps as u64)),
    }
}

/// The user id of account 0; account `i` is `FIRST_USER_ID + i`.
pub(super) const FIRST_USER_ID: u64 = 1_000;

/// The user ids of the accounts a run of `config` has.
pub fn user_ids(config: &WorldConfig) -> std::ops::Range<u64> {
    let accounts = config.population.accounts.min(MAX_ACCOUNTS);
    FIRST_USER_ID..FIRST_USER_ID + accounts
}

pub(super) fn world(config: WorldConfig, seed: u64, options: RunOptions) -> Result<World, SimError> {
    let epoch = config.epoch;
    let dc_count = config.datacenters;
    let servers = (1..=dc_count)
        .map(|dc| (DcId(dc), Server::new(config.server_config(DcId(dc)))))
        .collect();
    let mut population = stream(seed, "population");
    let skew = config.clock_skew;
    let network = Network::new(config.network.clone(), Vec::new()).map_err(|e| SimError::Network(e.to_string()))?;
    let mut world = World {
        bypasses: BypassOracle::new(config.policy.revocation),
        temp_keys: Default::default(),
        revocations: Default::default(),
        config,
        seed,
        engine: Engine::with_limit(epoch, 1 << 24),
        network,
        servers,
        apps: Vec::new(),
        accounts: Vec::new(),
        attackers: Vec::new(),
        routes: rustc_hash::FxHashMap::default(),
        server_outputs: Vec::new(),
        server_events: Vec::new(),
        holders: BTreeMap::new(),
        attacker_held: BTreeSet::new(),
        detected: BTreeSet::new(),
        owner_requests: BTreeMap::new(),
        taps: BTreeMap::new(),
        replay_watch: BTreeMap::new(),
        backups: BTreeMap::new(),
        server_timers: BTreeMap::new(),
        credentials: CredentialGraph::new(),
        counters: Default::default(),
        trace: None,
        network_rng: stream(seed, rng::NETWORK_LABEL),
        server_rng: stream(seed, "servers"),
    };
    let accounts = user_ids(&world.config).count();
    for index in 0..accounts {
        let home_dc = DcId(1 + (population.next_u32() % dc_count));
        let user_id = UserId(FIRST_USER_ID + index as u64);
        let phone = format!("+1555{index:07}");
        let two_factor = bernoulli(&mut population, world.config.population.two_factor.get());
        if let Some(server) = world.servers.get_mut(&home_dc) {
            let _ = server.register_account(user_id, &phone);
        }
        let mut kinds: Vec<DeviceKind> = world
            .config
            .population
            .devices
            .iter()
            .filter(|spec| bernoulli(&mut population, spec.probability.get()))
            .map(|spec| spec.kind)
            .collect();
        if kinds.is_empty() {
            kinds.extend(world.config.population.devices.first().map(|spec| spec.kind));
        }
        let mut devices = Vec::new();
        for (order, kind) in kinds.into_iter().enumerate() {
            let skew_micros = skew.sample_signed_micros(&mut population);
            let config = ClientConfig {
                home_dc,
                device: device_info(kind),
                // Apps use temp keys whenever the DCs allow them (api/pfs).
                temp_key_lifetime: world.config.policy.temp_key_lifetime,
                sync: world.config.app_sync_config(),
                ..ClientConfig::default()
            };
            let app = new_app(
                world.apps.len(),
                config,
                Holder::Owner { account: index, kind },
                seed,
                skew_micros,
            );
            let id = world.apps.len();
            world.apps.push(app);
            world.register_app_node(id)?;
            devices.push(id);
            // Devices join one after another, a few minutes apart.
            let at = epoch.saturating_add(Duration::from_secs(60 * (3 * order as u64) + (index as u64 % 600)));
            world.schedule(at, Event::Login { app: id });
        }
        world.accounts.push(AccountSim {
            user_id,
            phone,
            home_dc,
            password: two_factor.then(|| format!("password-{index}").into_bytes()),
            devices,
            pending_logins: BTreeMap::new(),
            sim_holder: None,
            phished_by: None,
            deleted: false,
            new_password: None,
            // A stream of its own: drawing the rhythm moves no other draw.
            rhythm: super::rhythm::DailyRhythm::draw(
                &mut stream(seed, &format!("rhythm/{index}")),
                world.config.population.sleep,
            ),
            rng: stream(seed, &format!("owner/{index}")),
        });
        world.schedule_account_processes(index);
    }
    world.build_attackers(seed);
    world.schedule_owner_actions(seed);
    world.schedule_device_events(seed);
    let faults = world.install_faults(seed, options.record_trace)?;
    if options.record_trace {
        world.start_trace(&faults);
    }
    let (quiet_from, end) = (world.config.quiet_from, world.config.end);
    world.schedule(quiet_from, Event::QuietPeriod);
    world.schedule(end, Event::End);
    Ok(world)
}

impl World {
    fn register_app_node(&mut self, app: usize) -> Result<(), SimError> {
        let result = match self.apps[app].node {
            Node::Device(id) => self.network.add_device(id),
            Node::AttackerHost(id) => self.network.add_attacker_host(id),
            Node::Datacenter(_) => Ok(()),
        };
        result.map_err(|error| SimError::Network(error.to_string()))
    }

    /// Add an app at run time (attackers' apps).
    pub(super) fn add_app(&mut self, config: ClientConfig, holder: Holder) -> usize {
        let id = self.apps.len();
        let app = new_app(id, config, holder, self.seed, 0);
        self.apps.push(app);
        self.register_attacker_node(id);
        // Attackers' fresh apps present themselves as desktops.
        self.note_app_created(self.engine.now(), id, DeviceKind::Desktop);
        id
    }

    /// Put an app added at run time on the network.
    pub(super) fn register_attacker_node(&mut self, id: usize) {
        if self.register_app_node(id).is_err() {
            self.counters.events_dropped += 1;
        }
    }

    fn schedule_account_processes(&mut self, index: usize) {
        let population = &self.config.population;
        let per_day = population.updates_per_day;
        let audit_every = population.audit.every;
        let epoch = self.config.epoch;
        let account = &mut self.accounts[index];
        if per_day > 0 {
            let mean = Duration::from_secs_f64(86_400.0 / per_day as f64);
            let first = epoch
                .saturating_add(Duration::from_secs(3600))
                .saturating_add(exponential(&mut account.rng, mean));
            // No update in the quiet period, the first one included: sync
            // must converge on what exists, with time for the idle fetch.
            if first < self.config.quiet_from {
                self.schedule(first, Event::NewUpdate { account: index });
            }
        }
        if audit_every > Duration::ZERO {
            self.schedule(epoch.saturating_add(audit_every), Event::Audit { account: index });
        }
    }

    fn build_attackers(&mut self, seed: u64) {
        let accounts = self.accounts.len();
        let mut aimed: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for spec in self.config.attackers.clone() {
            let targets = match &spec.targets {
                Targets::Share(share) => {
                    let mut picker = stream(seed, &format!("attacker/{}", spec.name));
                    let count = share.of(accounts as u64) as usize;
                    choose(&mut picker, accounts, count)
                }
                // Validation put the named attacker before this one.
                Targets::SameAs(name) => aimed.get(name).cloned().unwrap_or_default(),
            };
            aimed.insert(spec.name.clone(), targets.clone());
            for account in targets {
                let index = self.attackers.len();
                self.attackers.push(AttackerSim {
                    name: spec.name.clone(),
                    account,
                    acquire: spec.acquire.kind,
                    behavior: spec.behavior.clone(),
                    footholds: spec.footholds,
                    heartbeat_every: spec.heartbeat_every,
                    fetch_every: spec.fetch_every,
                    fetching: false,
                    persist_from: None,
                    apps: Vec::new(),
                    acquired: false,
                    pending_login: None,
                    code: None,
                    code_requested: false,
                    capture: Default::default(),
                    ledger: Default::default(),
                });
                let at = self.config.epoch.saturating_add(spec.acquire.at);
                self.schedule(at, Event::Acquire { attacker: index });
            }
        }
    }

    /// Put the scenario's faults on the network; returns them when `keep`
    /// (for the trace), else nothing.
    fn install_faults(&mut self, seed: u64, keep: bool) -> Result<Vec<Fault>, SimError> {
        let mut picker = stream(seed, "faults");
        let owner_devices: Vec<u32> = self
            .apps
            .iter()
            .filter_map(|app| match app.node {
                Node::Device(id) => Some(id),
                _ => None,
            })
            .collect();
        let faults = self.config.faults(|share| {
            let count = share.of(owner_devices.len() as u64) as usize;
            choose(&mut picker, owner_devices.len(), count)
                .into_iter()
                .map(|i| owner_devices[i])
                .collect()
        });
        let kept = if keep { faults.clone() } else { Vec::new() };
        let mut network =
            Network::new(self.config.network.clone(), faults).map_err(|e| SimError::Network(e.to_string()))?;
        for app in &self.apps {
            let added = match app.node {
                Node::Device(id) => network.add_device(id),
                Node::AttackerHost(id) => network.add_attacker_host(id),
                Node::Datacenter(_) => Ok(()),
            };
            added.map_err(|error| SimError::Network(error.to_string()))?;
        }
        self.network = network;
        Ok(kept)
    }
}

/// `count` distinct indices below `total`, in ascending order (a partial
/// Fisher–Yates shuffle).
pub(super) fn choose(rng: &mut impl RngCore, total: usize, count: usize) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..total).collect();
    let count = count.min(total);
    for index in 0..count {
        let pick = index + (rng.next_u64() % (total - index) as u64) as usize;
        indices.swap(index, pick);
    }
    let chosen: BTreeSet<usize> = indices.into_iter().take(count).collect();
    chosen.into_iter().collect()
}
