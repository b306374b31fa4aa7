//! The typed scenario model: plain structs and enums, generic over the
//! [`Stage`] so that the same types describe the file (`Scenario<Spec>`, with
//! per-seed ranges) and one seed's run (`Scenario<Resolved>`, concrete values).
//!
//! Defaults are the documented Telegram behaviour (see `scenarios/README.md`);
//! they live in `build.rs` next to the keys they belong to.
//!
//! [`Sampled::OneOf`]: super::sampled::Sampled::OneOf

use std::collections::BTreeSet;
use std::time::Duration;

use rand_core::RngCore;

use super::distribution::{ByteDistribution, DurationDistribution, OffsetDistribution};
use super::draws::DrawnValue;
use super::expect::Expectation;
use super::quantity::{Probability, SeedRange, Share};
use super::sampled::{either, Resolved, Spec, Stage, Value};
use sessionlab_proto::time::Instant;

/// One scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario<S: Stage = Spec> {
    pub meta: Meta,
    pub policy: Policy<S>,
    pub datacenters: Datacenters<S>,
    pub network: Network<S>,
    pub faults: Vec<Fault<S>>,
    pub population: Population<S>,
    pub attackers: Vec<Attacker<S>>,
    /// `[[owner_action]]`: what owners do at a given time.
    pub owner_actions: Vec<OwnerAction<S>>,
    /// `[[device_event]]`: devices lost or restored from a backup.
    pub device_events: Vec<DeviceEvent<S>>,
    /// `[expect]`, sorted by metric name.
    pub expectations: Vec<Expectation>,
}

/// One seed's scenario: every setting concrete.
pub type ResolvedScenario = Scenario<Resolved>;

/// `[scenario]`: what the run is and how long it lasts.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub name: String,
    pub description: String,
    /// Virtual time simulated, quiet period included.
    pub duration: Duration,
    /// Default seeds; the command line may override them.
    pub seeds: SeedRange,
    /// At the end, faults stop for this long and sync must converge.
    pub quiet_period: Duration,
    /// Virtual time at the start of the run.
    pub epoch: Instant,
    /// `mutant`: the deliberately broken core this scenario runs against
    /// (`sessionlab mutants`, `sessionlab shrink`); only with the `mutants` feature.
    #[cfg(feature = "mutants")]
    pub mutant: Option<sessionlab_proto::mutant::Mutant>,
}

/// `[policy]`: the server's session-management rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy<S: Stage = Spec> {
    /// A session younger than this may not terminate others or change the TTL.
    pub fresh_reset_window: S::Of<Duration>,
    /// Inactivity TTL: authorizations idle longer are terminated (1..=366 days).
    pub authorization_ttl: S::Of<Duration>,
    /// An unconfirmed new login is confirmed automatically after this.
    pub autoconfirm_period: S::Of<Duration>,
    /// May an unconfirmed session terminate other sessions?
    pub unconfirmed_can_reset: S::Of<bool>,
    /// May an unconfirmed session accept a QR login token (mint a session)?
    pub unconfirmed_can_accept_login_token: S::Of<bool>,
    /// "Terminate all other sessions" ends at most this many (0 = all).
    pub terminate_all_limit: S::Of<u64>,
    /// How a revocation reaches the other datacenters.
    pub revocation: S::Of<Revocation>,
    /// Lifetime of PFS temp keys (zero = no temp keys).
    pub temp_key_lifetime: S::Of<Duration>,
    /// Do other sessions get `updateNewAuthorization`?
    pub notify_new_login: S::Of<bool>,
    /// Most updates in one `updates.differenceSlice`.
    pub pts_limit: S::Of<u64>,
    /// A gap wider than this gets `differenceTooLong` (full resync).
    pub pts_total_limit: S::Of<u64>,
    /// Lifetime of an exported QR login token.
    pub login_token_lifetime: S::Of<Duration>,
    /// Future auth tokens a client keeps.
    pub future_auth_token_limit: S::Of<u64>,
    /// Whether a key used from two addresses at once is invalidated.
    pub duplicate_key: S::Of<DuplicateKey>,
}

/// How a revocation on the home datacenter reaches derived authorizations:
/// the core's own policy type, so that the scenario and the server share
/// one definition (and one `promised_window`).
pub use sessionlab_proto::auth::RevocationPolicy as Revocation;

/// `AUTH_KEY_DUPLICATED`: the core's own policy type, as for [`Revocation`].
pub use sessionlab_proto::auth::DuplicateKeyPolicy as DuplicateKey;

/// `[datacenters]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Datacenters<S: Stage = Spec> {
    /// Number of datacenters, numbered 1..=count; an account's home is one of them.
    pub count: S::Of<u64>,
    /// One-way latency between two datacenters.
    pub inter_dc_latency: DurationDistribution,
}

/// `[network]`: every device–datacenter link.
#[derive(Debug, Clone, PartialEq)]
pub struct Network<S: Stage = Spec> {
    /// One-way latency of a packet.
    pub latency: DurationDistribution,
    /// Probability that a packet is lost.
    pub loss: S::Of<Probability>,
    /// Probability that a packet is delivered twice.
    pub duplicate: S::Of<Probability>,
    /// Probability that a packet overtakes the one before it.
    pub reorder: S::Of<Probability>,
    /// Each device's clock offset from true time.
    pub clock_skew: OffsetDistribution,
}

/// One `[[fault]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault<S: Stage = Spec> {
    /// Start, from the scenario's epoch.
    pub at: S::Of<Duration>,
    pub duration: S::Of<Duration>,
    pub kind: FaultKind,
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// The chosen devices lose their links in `direction`.
    Partition { devices: Share, direction: Direction },
    /// Datacenter `dc` (1-based) is down.
    DcOutage { dc: u64 },
    /// The chosen devices are switched off.
    DeviceOffline { devices: Share },
}

/// Which way a partition cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Both,
    ToDc,
    FromDc,
}

/// `[population]`: the accounts, their devices and their owners' habits.
#[derive(Debug, Clone, PartialEq)]
pub struct Population<S: Stage = Spec> {
    pub accounts: S::Of<u64>,
    /// Probability that an account has two-factor authentication on.
    pub two_factor: S::Of<Probability>,
    /// Device kinds, each owned by an account with its probability; an
    /// account that draws none gets the first kind listed.
    pub devices: Vec<DeviceSpec<S>>,
    pub online: Online<S>,
    /// Updates per account per day.
    pub updates_per_day: S::Of<u64>,
    /// Size of one update in bytes.
    pub update_bytes: ByteDistribution,
    pub audit: Audit<S>,
    /// How long each owner sleeps a day (0: owners keep no daily rhythm).
    /// Every account draws a time zone and a bedtime; its devices do not
    /// come online and its owner does not audit while the owner sleeps.
    pub sleep: S::Of<Duration>,
    /// Probability that an owner denies a login they do not recognise.
    pub deny_unrecognized_login: S::Of<Probability>,
}

/// One entry of `population.devices`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSpec<S: Stage = Spec> {
    pub kind: DeviceKind,
    pub probability: S::Of<Probability>,
}

/// Kinds of device an account may own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeviceKind {
    Phone,
    Desktop,
    Tablet,
    Web,
}

/// How devices come and go online (exponential session and gap lengths).
#[derive(Debug, Clone, PartialEq)]
pub struct Online<S: Stage = Spec> {
    pub mean_session: S::Of<Duration>,
    pub mean_gap: S::Of<Duration>,
}

/// How owners audit their session list.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit<S: Stage = Spec> {
    /// An audit opportunity comes this often...
    pub every: S::Of<Duration>,
    /// ...and is taken with this probability.
    pub probability: S::Of<Probability>,
    pub action: AuditAction,
    /// `terminate_suspicious` terminates a session when at least this many
    /// of its anomaly signals fire (seed 003: one alone is often a false
    /// positive, two or more mean act).
    pub min_signals: u32,
}

/// What an owner does in an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuditAction {
    /// Looks, does nothing.
    None,
    /// Terminates each session the anomaly signals flag.
    TerminateSuspicious,
    /// Terminates all other sessions from the device in hand.
    TerminateAllOthers,
}

/// One `[[attacker]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attacker<S: Stage = Spec> {
    /// Unique among the scenario's attackers.
    pub name: String,
    /// Accounts attacked.
    pub targets: Targets,
    pub acquire: Acquire<S>,
    pub behavior: BTreeSet<Behavior>,
    /// Authorizations `persist` mints (QR logins accepted by the stolen session).
    pub footholds: u32,
    /// How often `heartbeat` calls `updates.getState` on every held session.
    pub heartbeat_every: Duration,
    /// How often `exfiltrate` fetches a file from every media DC.
    pub fetch_every: Duration,
}

/// Which accounts an attacker aims at.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// A share of the population, drawn per seed from the attacker's own stream.
    Share(Share),
    /// The accounts an attacker listed earlier in the file aims at.
    SameAs(String),
}

/// How and when an attacker gets access.
#[derive(Debug, Clone, PartialEq)]
pub struct Acquire<S: Stage = Spec> {
    pub kind: AcquireKind,
    pub at: S::Of<Duration>,
}

/// The stolen material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AcquireKind {
    /// The auth key of the victim's device of this kind.
    StolenKey { device: DeviceKind },
    /// The whole session file of that device: its keys on every datacenter.
    SessionFile { device: DeviceKind },
    /// Login codes sent by SMS, after a SIM swap.
    SimSwap,
    /// One login code, phished.
    PhishedCode,
    /// The device itself, unlocked: the thief uses its sessions and the
    /// owner no longer has it.
    StolenDevice { device: DeviceKind },
}

/// One `[[owner_action]]`: owners of a share of accounts act at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerAction<S: Stage = Spec> {
    pub action: OwnerActionKind,
    /// From the scenario's epoch.
    pub at: S::Of<Duration>,
    /// Accounts whose owners act (chosen per seed).
    pub accounts: Share,
    /// The device in the owner's hand; `None`: the first logged-in one.
    pub from: Option<DeviceKind>,
}

/// What an owner does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OwnerActionKind {
    /// "Terminate all other sessions" (`auth.resetAuthorizations`).
    TerminateAllOthers,
    /// Terminate the session of one device (`account.resetAuthorization`).
    TerminateDevice { device: DeviceKind },
    /// Log out on the device in hand (`auth.logOut`).
    LogOut,
    /// Set the inactivity TTL (`account.setAuthorizationTTL`), in days.
    SetTtl { days: u32 },
    /// Turn two-factor authentication on (when off).
    EnableTwoFactor,
    /// Change the 2FA password (turns it on when off).
    ChangePassword,
    /// Delete the account (`account.deleteAccount`).
    DeleteAccount,
}

/// One `[[device_event]]`: what happens to a device of a share of accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceEvent<S: Stage = Spec> {
    pub kind: DeviceEventKind,
    pub device: DeviceKind,
    pub accounts: Share,
    pub at: S::Of<Duration>,
}

/// What happens to the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeviceEventKind {
    /// Lost: it never comes online again; its session stays until ended.
    Lost,
    /// Its app data is replaced by a backup taken `backup_age` earlier.
    RestoredFromBackup { backup_age: Duration },
}

/// What an attacker does with access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Behavior {
    /// Syncs and reads the account, exports the authorization to the
    /// media DC and fetches files there.
    Exfiltrate,
    /// Keeps the stolen key and sends nothing with it (so it reads nothing
    /// either: the server pushes only to sessions it has heard from): the
    /// control for the inactivity TTL.
    Dormant,
    /// Keeps the session active to defeat the inactivity TTL.
    Heartbeat,
    /// Mints new authorizations (QR login, future auth tokens).
    Persist,
    /// Replays and reorders captured packets.
    Replay,
    /// Logs in again after being terminated.
    Relogin,
    /// Terminates the owner's other sessions.
    TerminateOthers,
}

impl Value for DuplicateKey {
    /// Not ordered either: lists only.
    fn draw_between<R: RngCore>(min: &Self, max: &Self, rng: &mut R) -> Self {
        either(min, max, rng)
    }

    fn drawn(&self) -> DrawnValue {
        DrawnValue::DuplicateKey(*self)
    }
}

impl Value for Revocation {
    /// Revocation policies are not ordered: a `{ min, max }` range is refused
    /// by the parser; lists in `[swarm]` go through [`Sampled::OneOf`](super::sampled::Sampled::OneOf).
    fn draw_between<R: RngCore>(min: &Self, max: &Self, rng: &mut R) -> Self {
        either(min, max, rng)
    }

    fn drawn(&self) -> DrawnValue {
        DrawnValue::Revocation(*self)
    }
}
