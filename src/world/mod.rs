//! The world of one run: datacenters running the real `proto::Server`,
//! owners' devices and attackers running the real `proto::Client`, all
//! connected through the simulated network and driven by one event queue.
//!
//! A run is a pure function of (resolved scenario, seed): every random draw
//! comes from a labelled ChaCha stream, every collection whose order can
//! reach an output is ordered, and the trace hash covers every event.
//!
//! Files: [`events`] (what happens), [`build`] (population), [`apps`]
//! (packets between apps, the network and the servers), [`owner`] (what the
//! humans do), [`owner_actions`] (what they do on a schedule), [`devices`]
//! (devices lost, restored from backups), [`attacker`] (what attackers do),
//! [`replay`] (captured packets re-injected), [`attacker_outcome`] (what
//! each attacker got: the rows of `attackers.csv`), [`outcome`] (oracles at
//! the end and the metric row).

mod apps;
mod attacker;
pub mod attacker_outcome;
pub mod batch;
mod build;
pub mod config;
mod devices;
pub mod events;
pub mod footprint;
pub mod oracle;
mod outcome;
mod owner;
mod owner_actions;
mod owner_requests;
mod replay;
pub mod rhythm;
mod tally;
pub mod trace;

use std::collections::BTreeMap;

use rand_chacha::ChaCha12Rng;

use crate::engine::event_loop::Engine;
use crate::engine::network::{Network, Node};
use crate::scenario::model::{AcquireKind, Behavior, DeviceKind, ResolvedScenario};
use crate::world::config::WorldConfig;
use crate::world::oracle::bypass::BypassOracle;
use crate::world::oracle::credentials::CredentialGraph;
use sessionlab_proto::client::Client;
use sessionlab_proto::id::{AuthKeyId, AuthorizationHash, DcId, SessionId, UserId};
use sessionlab_proto::server::Server;
use sessionlab_proto::time::Instant;

pub use attacker_outcome::AttackerOutcome;
pub use build::{device_info, user_ids};
pub use events::{AccountIndex, AppId, Event};
pub use outcome::{Foothold, RunOutcome};

/// Events one run processes at most: a runaway feedback loop ends as an
/// error, not a hang.
pub const MAX_EVENTS_PER_RUN: u64 = 200_000_000;

/// Why a run could not be carried out (bad configuration reaching the sim).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("invalid network: {0}")]
    Network(String),
    #[error("event queue: {0}")]
    Queue(String),
    #[error("the run exceeded {MAX_EVENTS_PER_RUN} events")]
    TooManyEvents,
}

impl SimError {
    /// Whether the run ran away (rather than being given a bad configuration).
    pub fn ran_away(&self) -> bool {
        matches!(self, SimError::TooManyEvents)
    }
}

/// Who runs an app instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Owner { account: AccountIndex, kind: DeviceKind },
    Attacker { attacker: usize },
}

/// One app instance in the world.
pub struct App {
    pub client: Client,
    pub node: Node,
    pub holder: Holder,
    pub skew_micros: i64,
    pub online: bool,
    /// When its client last connected, by the simulator's true clock, while
    /// it stays connected: catch-up and push latencies run from here.
    pub connected_at: Option<Instant>,
    pub timer_generation: u64,
    pub timer_at: Option<Instant>,
    pub origin: sessionlab_proto::auth::NetworkOrigin,
    /// The owner lost the device (or it was stolen): it never comes back.
    pub lost: bool,
    /// Logins the owner started again after one failed (a code that
    /// expired before it was typed in, a lost step), since the last success.
    pub login_retries: u32,
    /// An attacker app's keys by DC, as acquired (a copied session file) or
    /// made (a fresh login): the surviving-foothold oracle checks these,
    /// since the attacker keeps the key bytes even after its client, told
    /// it is revoked, drops them.
    pub keys_held: BTreeMap<DcId, AuthKeyId>,
    rng: ChaCha12Rng,
}

/// One account and its owner's state.
pub struct AccountSim {
    pub user_id: UserId,
    pub phone: String,
    pub home_dc: DcId,
    pub password: Option<Vec<u8>>,
    pub devices: Vec<AppId>,
    /// The owner's devices logging in, each waiting for its login code.
    pub pending_logins: BTreeMap<AppId, PendingLogin>,
    /// Who holds the SIM (an attacker after a SIM swap).
    pub sim_holder: Option<usize>,
    /// An attacker the owner will hand the next login code to (phishing).
    pub phished_by: Option<usize>,
    /// The owner deleted the account: nobody logs in to it again.
    pub deleted: bool,
    /// A password change the server has not confirmed yet.
    pub new_password: Option<Vec<u8>>,
    /// When the owner sleeps.
    pub rhythm: rhythm::DailyRhythm,
    rng: ChaCha12Rng,
}

/// A device of the owner's that is logging in.
#[derive(Clone, Debug, Default)]
pub struct PendingLogin {
    /// The device has the server's `sentCode` answer (the phone_code_hash).
    pub code_requested: bool,
    /// A code that arrived before that answer.
    pub code: Option<String>,
}

impl AccountSim {
    /// The device's login ended (done or failed). The last one to end
    /// frees the map's node: an emptied B-tree keeps its leaf, 456 bytes
    /// an account for the rest of the run (1.6 % of a scale run's heap).
    pub fn end_pending_login(&mut self, app: AppId) {
        self.pending_logins.remove(&app);
        if self.pending_logins.is_empty() {
            self.pending_logins = BTreeMap::new();
        }
    }
}

/// One attacker against one account.
pub struct AttackerSim {
    pub name: String,
    pub account: AccountIndex,
    pub acquire: AcquireKind,
    pub behavior: std::collections::BTreeSet<Behavior>,
    /// Authorizations `persist` mints.
    pub footholds: u32,
    /// The stolen session that accepts the QR tokens `persist` mints with.
    pub persist_from: Option<AppId>,
    pub apps: Vec<AppId>,
    pub acquired: bool,
    /// An app waiting for a code / a QR acceptance.
    pub pending_login: Option<AppId>,
    pub code: Option<String>,
    pub code_requested: bool,
    /// `heartbeat_every` and `fetch_every` of its `[[attacker]]`.
    pub heartbeat_every: std::time::Duration,
    pub fetch_every: std::time::Duration,
    /// Whether its `exfiltrate` fetches are scheduled.
    pub fetching: bool,
    /// Packets captured on the victim's device (`replay` behaviour).
    pub capture: replay::Capture,
    /// What it got, for its row of `attackers.csv`.
    pub ledger: attacker_outcome::AttackerLedger,
}

/// The whole world of one run.
pub struct World {
    /// What this run was built from.
    pub config: WorldConfig,
    pub seed: u64,
    pub engine: Engine<Event>,
    pub network: Network,
    pub servers: BTreeMap<DcId, Server>,
    pub apps: Vec<App>,
    pub accounts: Vec<AccountSim>,
    pub attackers: Vec<AttackerSim>,
    /// (dc, key, session) → the app holding that session. Looked up for
    /// every packet a DC sends, never iterated: a fixed-key hash map.
    routes: rustc_hash::FxHashMap<(DcId, AuthKeyId, SessionId), AppId>,
    /// (user, authorization hash) → the app that holds it (ground truth).
    pub holders: BTreeMap<(UserId, AuthorizationHash), AppId>,
    /// Authorizations an attacker holds (stolen or minted): ground truth.
    pub attacker_held: std::collections::BTreeSet<(UserId, AuthorizationHash)>,
    /// Of those, the ones an owner terminated as suspicious.
    pub detected: std::collections::BTreeSet<(UserId, AuthorizationHash)>,
    /// Requests owners asked for and wait on, to ask again if lost.
    owner_requests: BTreeMap<(AppId, sessionlab_proto::client::RequestId), owner_requests::OwnerRequest>,
    /// Tapped owner devices → the replaying attacker with malware on them.
    taps: BTreeMap<AppId, usize>,
    /// Captured packets → how many deliveries of them ran API calls.
    replay_watch: BTreeMap<replay::PacketFingerprint, u32>,
    /// (device, `[[device_event]]` index) → the app state backed up for it.
    backups: BTreeMap<(AppId, usize), Client>,
    server_timers: BTreeMap<DcId, (u64, Option<Instant>)>,
    pub bypasses: BypassOracle,
    pub temp_keys: oracle::temp_keys::TempKeyOracle,
    /// Every committed revocation with its cause (attackers' evictions).
    pub revocations: attacker_outcome::Revocations,
    pub credentials: CredentialGraph,
    pub counters: outcome::Counters,
    /// What happened, when asked for (`replay --trace`).
    pub trace: Option<trace::Trace>,
    network_rng: ChaCha12Rng,
    server_rng: ChaCha12Rng,
    /// A server's outputs and events of one packet, drained between
    /// packets and kept for the next: two allocations a packet less.
    server_outputs: Vec<sessionlab_proto::server::ServerOutput>,
    server_events: Vec<sessionlab_proto::server::ServerEvent>,
}

/// Options of one run.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Keep a readable trace of the run (slower; for `replay`).
    pub record_trace: bool,
}

/// Run one seed of a resolved scenario.
pub fn run(scenario: &ResolvedScenario, seed: u64, options: RunOptions) -> Result<RunOutcome, SimError> {
    let mut world = build::world(WorldConfig::from_scenario(scenario), seed, options)?;
    world.run_loop()?;
    let end = world.config.end;
    if let Some(trace) = world.trace.as_mut() {
        trace.flush_until(end);
        // Explaining is for `replay` (which keeps a trace): `run` skips it.
        let credentials = &world.credentials;
        world.bypasses.explain(|key| credentials.chain_to(key));
    }
    Ok(world.finish())
}

impl World {
    fn run_loop(&mut self) -> Result<(), SimError> {
        while let Some((now, event)) = self.engine.pop() {
            if self.engine.processed() > MAX_EVENTS_PER_RUN {
                return Err(SimError::TooManyEvents);
            }
            if now > self.config.end {
                break;
            }
            if matches!(event, Event::End) {
                break;
            }
            self.handle(now, event);
        }
        Ok(())
    }

    fn handle(&mut self, now: Instant, event: Event) {
        match event {
            Event::ToDc { dc, app, bytes } => self.deliver_to_dc(now, dc, app, &bytes),
            Event::ToApp { app, dc, bytes } => self.deliver_to_app(now, app, dc, &bytes),
            Event::InterDc { message } => self.deliver_inter_dc(now, message),
            Event::AppTimer { app, generation } => self.app_timer(now, app, generation),
            Event::ServerTimer { dc, generation } => self.server_timer(now, dc, generation),
            Event::Login { app } => self.owner_login(now, app),
            Event::OwnerRetry { app, command, tries } => self.owner_retry(now, app, command, tries),
            Event::Online { app, online } => self.owner_online(now, app, online),
            Event::NewUpdate { account } => self.new_update(now, account),
            Event::Audit { account } => self.audit(now, account),
            Event::DeferredAudit { account } => self.audit_now(now, account),
            Event::Acquire { attacker } => self.acquire(now, attacker),
            Event::AttackerTick { attacker } => self.attacker_tick(now, attacker),
            Event::AttackerFetch { attacker } => self.attacker_fetch(now, attacker),
            Event::AttackerReplay { attacker } => self.attacker_replay(now, attacker),
            Event::ReplayToDc { dc, attacker, bytes } => self.deliver_replay(now, dc, attacker, &bytes),
            Event::OwnerAction { account, action } => self.owner_action(now, account, action),
            Event::Backup { app, event } => self.back_up(app, event),
            Event::DeviceFate { app, event } => self.device_fate(now, app, event),
            Event::AdvanceDeletion { account } => self.advance_deletion(now, account),
            Event::AttackerResendCode { attacker } => self.attacker_resend_code(now, attacker),
            Event::OwnerResendCode { app } => self.owner_resend_code(now, app),
            Event::OwnerLoginPatience { app, attempt } => self.owner_login_patience(now, app, attempt),
            Event::QuietPeriod => self.quiet_period(now),
            Event::End => {}
        }
    }

    /// Schedule `event` at `at`; a full queue drops it and counts it (a
    /// bounded queue is a promise of the engine, not of the scenario).
    fn schedule(&mut self, at: Instant, event: Event) {
        let at = at.max(self.engine.now());
        if self.engine.schedule(at, event).is_err() {
            self.counters.events_dropped += 1;
        }
    }

    /// The account of `user_id` (user ids are assigned in account order).
    fn account_of(&self, user_id: UserId) -> Option<AccountIndex> {
        let index = usize::try_from(user_id.get().checked_sub(build::FIRST_USER_ID)?).ok()?;
        self.accounts
            .get(index)
            .filter(|record| record.user_id == user_id)
            .map(|_| index)
    }

    /// Record what `what` builds in the trace, if one is kept (only then
    /// is it built).
    fn note(&mut self, now: Instant, what: impl FnOnce(&Self) -> trace::TraceEvent) {
        if self.trace.is_some() {
            let event = what(self);
            if let Some(trace) = self.trace.as_mut() {
                trace.push(now, event);
            }
        }
    }

    /// The user id of the account `app` belongs to (an owner's device) or
    /// is aimed at (an attacker's app).
    fn user_of(&self, app: AppId) -> u64 {
        let account = match self.apps.get(app).map(|entry| entry.holder) {
            Some(Holder::Owner { account, .. }) => Some(account),
            Some(Holder::Attacker { attacker }) => self.attackers.get(attacker).map(|record| record.account),
            None => None,
        };
        account
            .and_then(|account| self.accounts.get(account))
            .map_or(0, |record| record.user_id.get())
    }
}
#[cfg(test)]
mod oracle_tests;
