//! Every kind of trace record ([`TraceEvent`]) and the small types its
//! fields are made of. `scenarios/README.md` § Trace schema documents each
//! kind and field; the tests in `tests.rs` pin their exact JSON.
//!
//! One id form throughout: auth key ids and authorization hashes are
//! [`Hex16`] strings (16 lowercase hex digits, a hash's signed `long` as its
//! two's complement bits), user ids, app indexes, DC ids and revocation
//! ids are JSON integers, attackers are named by their `[[attacker]]`
//! name. Names of kinds, causes and methods are snake_case strings (TL
//! methods as TL writes them, errors as Telegram sends them).

use serde::{Serialize, Serializer};
use sessionlab_proto::id::{AuthKeyId, AuthorizationHash};

/// An auth key id or an authorization hash: 16 lowercase hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hex16(pub u64);

impl Serialize for Hex16 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:016x}", self.0))
    }
}

impl From<AuthKeyId> for Hex16 {
    fn from(id: AuthKeyId) -> Hex16 {
        Hex16(id.get())
    }
}

impl From<AuthorizationHash> for Hex16 {
    fn from(hash: AuthorizationHash) -> Hex16 {
        // The signed `long`'s bits, as Telegram's clients print them.
        Hex16(hash.get() as u64)
    }
}

/// Who runs an app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HolderKind {
    Owner,
    Attacker,
}

/// One app of the run: whose account it is logged in to (or after), what
/// device it presents, who runs it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppEntry {
    pub app: usize,
    pub user_id: u64,
    /// `phone`, `desktop`, `tablet` or `web`.
    pub device: &'static str,
    pub holder: HolderKind,
    /// The `[[attacker]]`'s name when an attacker runs it, else null.
    pub attacker: Option<String>,
}

/// One account of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountEntry {
    pub user_id: u64,
    pub home_dc: u32,
}

/// What a datacenter did with an attacker's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestResult {
    /// Answered (or its answer held for other DCs' acknowledgements).
    Accepted,
    /// Answered with an `rpc_error`.
    Refused,
}

/// One scheduled fault, as the network applies it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultEntry {
    /// Its position in the run's fault schedule (a `[[fault]]` of
    /// `device_offline` gives one entry per device).
    pub fault: usize,
    /// `dc_outage`, `partition` or `device_offline`.
    pub kind: &'static str,
    /// The DC down (`dc_outage`), else null.
    pub dc: Option<u32>,
    /// The apps cut off (`partition`, `device_offline`), else empty.
    pub apps: Vec<usize>,
    /// `both`, `to_dc` or `from_dc` (`partition`), else null.
    pub direction: Option<&'static str>,
    /// The account of the device (`device_offline`), else null.
    pub user_id: Option<u64>,
}

/// A message between datacenters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InterDcEntry {
    pub from_dc: u32,
    pub to_dc: u32,
    /// `revoke`, `revoke_ack`, `validate`, `validate_reply` or
    /// `login_token_accepted`.
    pub message: &'static str,
    /// The account it is about, when known (a `revoke_ack` carries the
    /// account of the `revoke` it answers), else null.
    pub user_id: Option<u64>,
    /// `revoke` and `revoke_ack`: the revocation's id (per home DC), else null.
    pub revocation_id: Option<u64>,
    /// `revoke`: the home authorizations whose derived ones end; else empty.
    pub home_hashes: Vec<Hex16>,
}

/// One record of the trace, without its time.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TraceEvent {
    /// The first line: what the run is and who runs each app.
    Header {
        schema: u32,
        scenario: String,
        seed: u64,
        /// Set by `replay --account`: the one account kept, else null.
        account_filter: Option<u64>,
        accounts: Vec<AccountEntry>,
        apps: Vec<AppEntry>,
    },
    /// An app created during the run (an attacker's).
    AppCreated(AppEntry),
    /// An attacker acquired its access (the app it runs it from).
    Acquisition {
        attacker: String,
        user_id: u64,
        /// `acquire.kind` as the scenario writes it.
        kind: &'static str,
        /// The device taken (`stolen_key`, `session_file`, `stolen_device`), else null.
        device: Option<&'static str>,
        app: usize,
    },
    /// An acquisition that found nothing to take (`attacks_not_started`).
    AttackNotStarted {
        attacker: String,
        user_id: u64,
        kind: &'static str,
        device: Option<&'static str>,
    },
    /// A datacenter ran an API call sent by an attacker's app.
    AttackerRequest {
        attacker: String,
        user_id: u64,
        app: usize,
        dc: u32,
        /// The key the call came under (a temp key, when bound).
        key_id: Hex16,
        /// Accepted: the permanent key it acted for, else null.
        perm_key_id: Option<Hex16>,
        method: &'static str,
        result: RequestResult,
        /// The `rpc_error` answered, e.g. `401 SESSION_REVOKED`, else null.
        error: Option<String>,
        /// Accepted after its authorization's revocation was committed.
        bypass: bool,
        /// A bypass the core had promised to prevent (an oracle violation).
        violation: bool,
    },
    /// A login (or an import) bound a key to an account on a DC.
    AuthorizationCreated {
        user_id: u64,
        hash: Hex16,
        dc: u32,
        key_id: Hex16,
        /// `code`, `future_token`, `qr_login` or `import`.
        via: &'static str,
        /// `qr_login`: the accepting authorization; `import`: the home one; else null.
        from_hash: Option<Hex16>,
        /// The app whose request created it, else null.
        app: Option<usize>,
        by_attacker: bool,
    },
    /// The home DC committed the end of an authorization.
    AuthorizationRevoked {
        user_id: u64,
        hash: Hex16,
        dc: u32,
        key_id: Hex16,
        /// As `attackers.csv`'s `evicted_by` names it.
        cause: &'static str,
    },
    /// A derived authorization (an import) ended on another DC.
    DerivedRevoked {
        user_id: u64,
        home_hash: Hex16,
        dc: u32,
        key_id: Hex16,
        /// What requests under the key get from now on.
        reason: &'static str,
    },
    /// A DC sent a message to another; `copies` is how many the network
    /// delivers (0: lost, 2: duplicated).
    InterDcSent {
        #[serde(flatten)]
        message: InterDcEntry,
        copies: usize,
    },
    /// A message between DCs arrived.
    InterDcDelivered(InterDcEntry),
    FaultStarted(FaultEntry),
    FaultEnded(FaultEntry),
    /// A login code reached (or did not reach) its requester.
    CodeDelivered {
        user_id: u64,
        /// `sms` or `app`.
        by: &'static str,
        requester: usize,
        requester_got_it: bool,
        owner_saw_it: bool,
    },
    /// An owner carried out an `[[owner_action]]` from an app.
    OwnerAction {
        user_id: u64,
        app: usize,
        /// As the scenario writes it (`terminate_all_others`, ...).
        action: &'static str,
        /// `terminate_device`: the device terminated, else null.
        target_device: Option<&'static str>,
        /// `set_ttl`: the TTL in days, else null.
        ttl_days: Option<u32>,
    },
    /// A request the owner asked for was answered.
    OwnerRequestDone {
        user_id: u64,
        app: usize,
        method: &'static str,
    },
    /// An owner's app got an `rpc_error`.
    OwnerRequestFailed {
        user_id: u64,
        app: usize,
        method: &'static str,
        error: String,
    },
    /// An owner's app gave up on a request (no answer after every try).
    OwnerRequestLost {
        user_id: u64,
        app: usize,
        method: &'static str,
    },
    /// The owner will ask again later (try `attempt`, the first being 1).
    OwnerRequestRetriedLater {
        user_id: u64,
        app: usize,
        method: &'static str,
        attempt: u32,
    },
    /// The owner gave up (`owner_requests_abandoned`).
    OwnerRequestAbandoned {
        user_id: u64,
        app: usize,
        method: &'static str,
    },
    /// An owner's app ignored a packet it could not use.
    OwnerAppIgnored {
        user_id: u64,
        app: usize,
        dc: u32,
        error: String,
    },
    DeviceLost {
        user_id: u64,
        app: usize,
    },
    DeviceRestored {
        user_id: u64,
        app: usize,
    },
}

impl TraceEvent {
    /// The account the event is about; `None` for run-wide events (DC
    /// outages, partitions, inter-DC messages of no known account), which
    /// `replay --account` keeps as every account's context.
    pub fn user_id(&self) -> Option<u64> {
        match self {
            TraceEvent::Header { .. } => None,
            TraceEvent::AppCreated(entry) => Some(entry.user_id),
            TraceEvent::InterDcSent { message, .. } | TraceEvent::InterDcDelivered(message) => message.user_id,
            TraceEvent::FaultStarted(fault) | TraceEvent::FaultEnded(fault) => fault.user_id,
            TraceEvent::Acquisition { user_id, .. }
            | TraceEvent::AttackNotStarted { user_id, .. }
            | TraceEvent::AttackerRequest { user_id, .. }
            | TraceEvent::AuthorizationCreated { user_id, .. }
            | TraceEvent::AuthorizationRevoked { user_id, .. }
            | TraceEvent::DerivedRevoked { user_id, .. }
            | TraceEvent::CodeDelivered { user_id, .. }
            | TraceEvent::OwnerAction { user_id, .. }
            | TraceEvent::OwnerRequestDone { user_id, .. }
            | TraceEvent::OwnerRequestFailed { user_id, .. }
            | TraceEvent::OwnerRequestLost { user_id, .. }
            | TraceEvent::OwnerRequestRetriedLater { user_id, .. }
            | TraceEvent::OwnerRequestAbandoned { user_id, .. }
            | TraceEvent::OwnerAppIgnored { user_id, .. }
            | TraceEvent::DeviceLost { user_id, .. }
            | TraceEvent::DeviceRestored { user_id, .. } => Some(*user_id),
        }
    }
}
