//! `proto::Client`: one app instance on a device, sans-IO.
//!
//! It holds an auth key and a transport session per datacenter, logs in
//! (code, 2FA, future auth tokens, QR), follows its sync state machine,
//! keeps the home session alive with pings, reacts to revocation by wiping
//! its local data and dropping its keys, and reports everything as typed
//! [`ClientEvent`]s.
//!
//! ```text
//!  caller ── command ──► Client ── ApiCall ──► DcLink (ClientSession per DC) ── poll_transmit ──► (dc, packet)
//!  (dc, packet) ── handle_packet ──► DcLink::receive ── rpc_result ──► answer: login, lists, sync answers
//!                                                     └─ Updates ────► push: ClientSync, NewLogin, QR
//!  ClientSync ── SyncAction ──► updates.getState / getDifference / messages.getHistory (home DC)
//! ```
//!
//! The protocol conventions it follows (the contract with `proto::Server`):
//! keys are created by [`Client::auth_key_for`] and registered at the DC by
//! the caller; every request is wrapped in `invokeWithLayer(initConnection)`
//! until its session has had an answer; a 401 `AUTH_KEY_UNREGISTERED`,
//! `SESSION_REVOKED`, `SESSION_EXPIRED` or `USER_DEACTIVATED` wipes the
//! client; pushed `Updates` arrive as content messages on their own. The
//! server never binds a revoked key again, so a log-out or a wipe drops
//! every key: the caller asks `auth_key_for` for fresh ones (and registers
//! them) before the next login.

mod answer;
mod command;
mod config;
mod dc;
mod event;
mod io;
mod login;
mod push;
mod session_file;
mod syncing;
mod temp_key;

use crate::id::{AuthKeyId, DcId, SessionId, UserId};
use litemap::LiteMap;
use std::collections::VecDeque;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use crate::crypto::AuthKey;
use crate::sync::client::ClientConfigError;
use crate::sync::{ClientSync, StoredUpdate, SyncState};
use crate::time::Instant;
use crate::wire::api::ApiCall;

pub use command::{Command, Password};
pub use config::{
    ClientConfig, DeviceInfo, API_LAYER, KEEP_ALIVE_INTERVAL, MAX_BIND_ATTEMPTS, MAX_DATACENTERS, MAX_EVENTS,
    MAX_FUTURE_AUTH_TOKENS, MAX_PENDING_REQUESTS_PER_DC, MAX_REQUEST_ATTEMPTS, REQUEST_TIMEOUT, TEMP_KEY_RENEW_LEAD,
};
pub use event::{ClientError, ClientEvent, CommandError, RequestId, WipeReason};
pub use session_file::{SessionFile, SessionKey};

/// Inline bytes of one DC link (for [`crate::footprint`]).
pub(crate) const DC_LINK_BYTES: usize = std::mem::size_of::<dc::DcLink>();

use dc::DcLink;
use login::LoginState;

/// A request sent and not yet answered.
#[derive(Clone, Debug)]
struct Outstanding {
    dc: DcId,
    call: ApiCall,
    /// The sync state machine's id, for sync fetches.
    sync_request: Option<u64>,
    /// When the request is re-sent or reported lost (runs only while online).
    deadline: Instant,
    /// Sends so far (1 after the first).
    attempts: u32,
}

/// One app instance on one device.
#[derive(Clone, Debug)]
pub struct Client {
    config: ClientConfig,
    /// One link per DC it talks to (a few): a sorted vector, not a B-tree,
    /// whose every node held room for eleven links (17 KiB a device). The
    /// links are boxed: a vector of 984-byte links starts with room for
    /// four, 4 KiB for a device that talks to one DC.
    links: LiteMap<DcId, Box<DcLink>>,
    requests: LiteMap<RequestId, Outstanding>,
    next_request: u64,
    /// Logged out (a login perhaps under way), wiped, or logged in.
    login: LoginState,
    /// Future auth tokens from earlier log-outs, oldest first.
    future_tokens: VecDeque<Vec<u8>>,
    /// Present while logged in (and after a wipe, wiped, until the next login).
    sync: Option<ClientSync>,
    online: bool,
    next_ping_at: Option<Instant>,
    next_ping_id: u64,
    events: VecDeque<ClientEvent>,
    events_dropped: u64,
    /// The DC after which `poll_transmit` looks first, for fairness.
    last_transmit_dc: Option<DcId>,
    /// Bytes (sent, received) over keys dropped since: the totals survive.
    retired_bytes: (u64, u64),
}

impl Client {
    /// A logged-out client without keys, offline until `on_connected`.
    pub fn new(config: ClientConfig) -> Result<Client, ClientConfigError> {
        // Validate the sync settings once, so that every later login can
        // build its sync state machine without a fallible step.
        ClientSync::new(config.sync, config.bootstrap)?;
        Ok(Client {
            config,
            links: LiteMap::new(),
            requests: LiteMap::new(),
            next_request: 1,
            login: LoginState::default(),
            future_tokens: VecDeque::new(),
            sync: None,
            online: false,
            next_ping_at: None,
            next_ping_id: 1,
            events: VecDeque::new(),
            events_dropped: 0,
            last_transmit_dc: None,
            retired_bytes: (0, 0),
        })
    }

    /// The auth key for `dc`, created on first use and again after the keys
    /// were dropped (log-out, wipe, a dead key): the DH exchange is not
    /// modelled, so a key and a random session id are drawn from a ChaCha
    /// stream seeded from `rng`. The caller registers the key at that DC
    /// and hands the salt the DC issued to [`Client::handle_issued_salt`].
    ///
    /// # Panics
    /// When more than [`MAX_DATACENTERS`] DCs are asked for: the caller
    /// configures the DCs, so that is a bug, not a peer's doing.
    pub fn auth_key_for(&mut self, dc: DcId, rng: &mut impl RngCore) -> AuthKey {
        if let Some(link) = self.links.get(&dc) {
            return link.key.clone();
        }
        assert!(
            self.links.len() < MAX_DATACENTERS,
            "more than {MAX_DATACENTERS} datacenters"
        );
        let mut stream = ChaCha20Rng::from_rng(rng);
        let key = AuthKey::generate(&mut stream);
        let session_id = stream.next_u64();
        let link = DcLink::new(key.clone(), SessionId::new(session_id));
        self.links.insert(dc, Box::new(link));
        key
    }

    /// The server salt the key exchange for `dc`'s key ended with (what
    /// [`Server::register_key`](crate::server::Server::register_key)
    /// returns): the session sends with it until future salts arrive.
    pub fn handle_issued_salt(&mut self, dc: DcId, salt: u64) {
        if let Some(link) = self.links.get_mut(&dc) {
            link.session.handle_issued_salt(salt);
        }
    }

    /// The next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    fn emit(&mut self, event: ClientEvent) {
        if self.events.len() < MAX_EVENTS {
            self.events.push_back(event);
        } else {
            self.events_dropped += 1;
        }
    }

    /// What the client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The account's home DC (from the config).
    pub fn home_dc(&self) -> DcId {
        self.config.home_dc
    }

    /// The logged-in account's user id.
    pub fn user_id(&self) -> Option<UserId> {
        self.login.user().map(|user| UserId::from_wire(user.id))
    }

    /// Whether an account is logged in (not logged out or wiped since).
    pub fn is_logged_in(&self) -> bool {
        self.login.is_logged_in()
    }

    /// Whether the last authorization was revoked and nobody logged in since.
    pub fn is_wiped(&self) -> bool {
        self.login.wipe_reason().is_some()
    }

    /// The 401 that wiped the client, while wiped.
    pub fn wipe_reason(&self) -> Option<WipeReason> {
        self.login.wipe_reason()
    }

    /// Whether the last sign-in answered `SESSION_PASSWORD_NEEDED` (2FA is next).
    pub fn is_password_needed(&self) -> bool {
        self.login.is_password_needed()
    }

    /// Whether the device is connected (between `on_connected` and `on_disconnected`).
    pub fn is_online(&self) -> bool {
        self.online
    }

    /// The sync state machine (for the convergence oracle), while logged in.
    pub fn sync(&self) -> Option<&ClientSync> {
        self.sync.as_ref()
    }

    /// The local sync state; `None` before the first login.
    pub fn sync_state(&self) -> Option<SyncState> {
        self.sync.as_ref().map(ClientSync::state)
    }

    /// The applied updates in log order (empty when logged out or wiped).
    pub fn applied_updates(&self) -> impl Iterator<Item = &StoredUpdate> + '_ {
        self.sync.iter().flat_map(ClientSync::updates)
    }

    /// The `auth_key_id` of the key held for `dc`.
    pub fn auth_key_id(&self, dc: DcId) -> Option<AuthKeyId> {
        self.links.get(&dc).map(|link| link.key.id())
    }

    /// The id of the temp key `dc`'s traffic goes under, while one is bound.
    pub fn temp_key_id(&self, dc: DcId) -> Option<AuthKeyId> {
        let temp = self.links.get(&dc)?.temp.as_ref()?;
        temp.bound.then(|| temp.key.id())
    }

    /// The transport session id on `dc`, while a key is held there.
    pub fn session_id(&self, dc: DcId) -> Option<SessionId> {
        self.links.get(&dc).map(|link| link.session.session_id())
    }

    /// Whether `dc`'s key is bound to the account (home login or import).
    pub fn is_dc_authorized(&self, dc: DcId) -> bool {
        self.links.get(&dc).is_some_and(|link| link.authorized)
    }

    /// The future auth tokens kept, oldest first.
    pub fn future_auth_tokens(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.future_tokens.iter().map(Vec::as_slice)
    }

    /// Requests sent and not yet answered, lost or expired.
    pub fn pending_requests(&self) -> usize {
        self.requests.len()
    }

    /// Packet bytes sent to every DC.
    pub fn bytes_sent(&self) -> u64 {
        self.retired_bytes.0 + self.links.values().map(|link| link.bytes_sent).sum::<u64>()
    }

    /// Packet bytes received from every DC.
    pub fn bytes_received(&self) -> u64 {
        self.retired_bytes.1 + self.links.values().map(|link| link.bytes_received).sum::<u64>()
    }

    /// Events lost because the caller did not poll them.
    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }
}
