//! `proto::Server`: one datacenter, sans-IO.
//!
//! Packets in, packets out: [`Server::handle_packet`] decrypts and validates
//! through the transport layer, decodes each accepted message as an API
//! request, runs it against the session layer ([`DcAuthority`]) or the
//! account's update log, and seals the answers — transport replies and
//! `rpc_result`s — into one packet for the session.
//!
//! # The contract
//!
//! Inputs are `handle_*` calls that take `now` (and `rng` where the server
//! draws randomness): [`Server::handle_packet`], [`Server::handle_inter_dc`],
//! [`Server::handle_timeout`], [`Server::handle_admin`], and
//! [`Server::push_update`] for what happens on an account. Outputs are
//! polled, each `poll_*` returning `None` when nothing is left:
//! [`Server::poll_output`] (packets, transport errors, inter-DC messages,
//! login codes, in the order they were queued), [`Server::poll_event`]
//! (typed [`ServerEvent`]s for metrics and oracles) and
//! [`Server::poll_timeout`] (the instant `handle_timeout` has work).
//!
//! The call order: after every `handle_*`, poll outputs and events until
//! `None`, then ask `poll_timeout` and arm a timer for it. Both queues are
//! bounded ([`MAX_QUEUED_OUTPUTS`], [`MAX_QUEUED_EVENTS`]); whatever cannot
//! be queued, sealed or held is a [`DropKind`], counted in
//! [`Server::drops`] and reported as [`ServerEvent::Dropped`] — never lost
//! silently. The server reads no clock, RNG, socket or file of its own.
//!
//! Conventions shared with `proto::client`:
//! - The key exchange runs outside the server, on the connection
//!   ([`crate::key_exchange::ServerKeyExchange`]); the caller registers the
//!   key it made with [`Server::register_exchanged_key`] (its first salt
//!   accepted), or, in a simulation that does not model the exchange, a
//!   drawn key with [`Server::register_key`].
//! - [`Server::handle_packet`] says which session a packet was on, so a
//!   caller holding real connections can send that session's packets back
//!   down the connection it last heard it on.
//! - The first request of a session is `invokeWithLayer(initConnection(…))`;
//!   the server records the device it describes for the key, and whether
//!   the app opted in to project-private answers (`params` with
//!   `{"sessionlab_extensions": true}`; see `connection`). A key that did
//!   not opt in is answered with Telegram's published constructors only.
//! - Every request gets `rpc_result(req_msg_id, answer | rpc_error)`.
//! - Log updates are pushed as `updates` containers (one update each, the
//!   container's `seq` the log's, so clients can apply the seq rule) to the
//!   sessions of the account heard from within [`online::ONLINE_WINDOW`]
//!   whose key is still valid; they travel as `updateNewMessage` (see
//!   `proto::sync::wire`). Login notifications go as seq-less `updateShort`.
//! - A revoked key learns it at its next request (401); the session layer's
//!   `Terminated` notification is not pushed, because nothing could be
//!   delivered under a key the server no longer accepts.

mod acks;
mod admin;
mod connection;
mod convert;
mod dispatch;
pub(crate) mod online;
mod outputs;
mod temp_keys;

use crate::id::{AuthKeyId, DcId, SessionId, UserId};
use std::collections::BTreeMap;

use rand_core::RngCore;
use rustc_hash::FxHashMap;

use crate::auth::client_info::NetworkOrigin;
use crate::auth::error::RpcError;
use crate::auth::events::{Effect, Notification};
use crate::auth::interdc::InterDcMessage;
use crate::auth::policy::Policy;
use crate::auth::DcAuthority;
use crate::crypto::AuthKey;
use crate::sync::log::RETAINED_UPDATES_DEFAULT;
use crate::sync::wire::update_to_wire;
use crate::sync::{PushError, SyncState, Update, UpdateKind, UpdateLog};
use crate::time::Instant;
use crate::transport::{MsgIdKind, Outgoing, ReceiveError, ServerTransport};
use crate::wire::api::{self, ApiCall, ApiRequest, TlObject};
use crate::wire::Body;

use acks::answers_before_acks;
use connection::Connections;
use dispatch::Reply;
use online::{OnlineSessions, SessionAddress};
use outputs::Queues;

pub use admin::{AdminAnswer, AdminCommand};
pub use outputs::{DropKind, ServerDrops, ServerEvent, ServerOutput, MAX_QUEUED_EVENTS, MAX_QUEUED_OUTPUTS};

/// The default most pts events one difference answer carries.
pub const DEFAULT_PTS_LIMIT: u32 = 1_000;
/// The default gap above which `getDifference` answers `differenceTooLong`.
pub const DEFAULT_PTS_TOTAL_LIMIT: u32 = 100_000;

/// Keys whose `initConnection` device description a server remembers.
pub const MAX_CONNECTION_INFOS: usize = 1 << 20;
/// Answers held for other datacenters' acknowledgements at once.
pub const MAX_HELD_ANSWERS: usize = 1 << 16;

/// Everything that makes one datacenter what it is.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// This datacenter's id (Telegram numbers them 1..=5).
    pub dc_id: DcId,
    /// Shared by every datacenter of the cluster: it authenticates exported authorizations.
    pub cluster_secret: [u8; 32],
    /// The session layer's policy knobs (fresh-session rule, TTL, revocation, …).
    pub policy: Policy,
    /// Most pts events one difference answer carries (the client may ask for fewer).
    pub pts_limit: u32,
    /// A gap above this answers `differenceTooLong`.
    pub pts_total_limit: u32,
    /// Updates an account's log keeps before compacting the oldest.
    pub log_retained_limit: usize,
    /// Every datacenter's addresses, as `help.getConfig` lists them (at
    /// most `api::config::MAX_DC_OPTIONS`; `sessionlab serve` fills them
    /// with its sockets, a simulation leaves them empty).
    pub dc_options: Vec<api::DcOption>,
}

impl ServerConfig {
    /// The documented defaults for datacenter `dc_id`.
    pub fn new(dc_id: DcId, cluster_secret: [u8; 32], policy: Policy) -> ServerConfig {
        ServerConfig {
            dc_id,
            cluster_secret,
            policy,
            pts_limit: DEFAULT_PTS_LIMIT,
            pts_total_limit: DEFAULT_PTS_TOTAL_LIMIT,
            log_retained_limit: RETAINED_UPDATES_DEFAULT,
            dc_options: Vec::new(),
        }
    }
}

/// One datacenter.
#[derive(Debug)]
pub struct Server {
    config: ServerConfig,
    transport: ServerTransport,
    authority: DcAuthority,
    /// Each home account's update log. Only ever looked up by user, never
    /// walked, so hashed: a B-tree over every account of the DC cost a
    /// cache miss a level on every update and sync call.
    logs: FxHashMap<UserId, UpdateLog>,
    online: OnlineSessions,
    connections: Connections,
    /// answer_id → where the held `rpc_result` goes.
    held: BTreeMap<u64, (SessionAddress, u64)>,
    queues: Queues,
}

impl Server {
    /// A datacenter with no keys, accounts or sessions yet.
    pub fn new(config: ServerConfig) -> Server {
        let authority = DcAuthority::new(config.dc_id, config.cluster_secret, config.policy.clone());
        #[allow(unused_mut)]
        let mut transport = ServerTransport::new();
        #[cfg(feature = "mutants")]
        transport.set_mutant(config.policy.mutant);
        Server {
            config,
            transport,
            authority,
            logs: FxHashMap::default(),
            online: OnlineSessions::default(),
            connections: Connections::default(),
            held: BTreeMap::new(),
            queues: Queues::default(),
        }
    }

    /// This datacenter's id.
    pub fn dc_id(&self) -> DcId {
        self.config.dc_id
    }

    /// The session layer, read-only (for oracles: `peek`, accounts).
    pub fn authority(&self) -> &DcAuthority {
        &self.authority
    }

    /// A client's auth key, as if the DH exchange had just completed at
    /// `now`. Returns the server salt the exchange ends with (the current
    /// one), for the client's first messages.
    pub fn register_key(&mut self, now: Instant, key: AuthKey, rng: &mut impl RngCore) -> u64 {
        let key_id = key.id();
        self.transport.add_key(key, rng);
        self.transport.current_salt(key_id, now).unwrap_or(0)
    }

    /// A key the key exchange just made at `now` (on a connection), with
    /// the first salt it ended with: the client's first messages carry it.
    pub fn register_exchanged_key(&mut self, now: Instant, key: AuthKey, first_salt: u64, rng: &mut impl RngCore) {
        self.transport.add_exchanged_key(now, key, first_salt, rng);
    }

    /// Whether a key (permanent or temporary) with this id is known here:
    /// a key exchange that makes one gets `dh_gen_retry`.
    pub fn has_key(&self, auth_key_id: AuthKeyId) -> bool {
        self.transport.has_key(auth_key_id)
    }

    /// An account whose home is this datacenter.
    pub fn register_account(&mut self, user_id: UserId, phone: &str) -> Result<(), RpcError> {
        self.authority.register_account(user_id, phone)?;
        self.logs
            .entry(user_id)
            .or_insert_with(|| new_log(self.config.log_retained_limit));
        Ok(())
    }

    /// An administrative command (see [`AdminCommand`]); its effects are
    /// carried out and queued like those of a client's request.
    pub fn handle_admin(
        &mut self,
        now: Instant,
        command: AdminCommand<'_>,
        rng: &mut impl RngCore,
    ) -> Result<AdminAnswer, RpcError> {
        let answer = match command {
            AdminCommand::AdvanceDeletion { user_id, stored_bytes } => self
                .authority
                .advance_deletion(now, user_id, stored_bytes)
                .map(AdminAnswer::Deletion),
            AdminCommand::UpdatePassword {
                key_id,
                current,
                new,
                salt,
            } => self
                .authority
                .update_password_salted(now, key_id, current, new, || salt)
                .map(|()| AdminAnswer::PasswordUpdated),
        };
        self.after_authority(now, rng);
        answer
    }

    /// The account's update log position (zero for accounts homed elsewhere).
    pub fn sync_state(&self, user_id: UserId) -> SyncState {
        self.logs.get(&user_id).map(UpdateLog::state).unwrap_or_default()
    }

    /// The account's retained updates, oldest first.
    pub fn updates(&self, user_id: UserId) -> impl Iterator<Item = &Update> + '_ {
        self.logs.get(&user_id).into_iter().flat_map(UpdateLog::updates)
    }

    /// The next thing the caller must carry out, in the order queued.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<ServerOutput> {
        self.queues.poll_output()
    }

    /// The next event, in the order it happened.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.queues.poll_event()
    }

    /// The earliest instant [`Server::handle_timeout`] has work.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.authority.poll_timeout()
    }

    /// What this server dropped so far, by kind.
    #[must_use]
    pub fn drops(&self) -> ServerDrops {
        self.queues.drops()
    }

    /// Time passed to `now`: expiry, auto-confirmation, revocation retries.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut impl RngCore) {
        self.authority.handle_timeout(now);
        self.after_authority(now, rng);
    }

    /// A message from another datacenter.
    pub fn handle_inter_dc(&mut self, now: Instant, message: InterDcMessage, rng: &mut impl RngCore) {
        // A misaddressed message is refused (and counted); the sender
        // retries on its timer.
        if let Err(error) = self.authority.handle_inter_dc(now, message) {
            self.queues.drop(DropKind::InterDcRefused { error });
        }
        self.after_authority(now, rng);
    }

    /// Something happened on the account (a chat message arrived, a read
    /// receipt, a settings change): log it and push it to the account's
    /// online sessions.
    pub fn push_update(
        &mut self,
        now: Instant,
        user_id: UserId,
        kind: UpdateKind,
        payload_bytes: u32,
        rng: &mut impl RngCore,
    ) -> Result<Update, PushError> {
        let log = self
            .logs
            .entry(user_id)
            .or_insert_with(|| new_log(self.config.log_retained_limit));
        let update = log.push(now, kind, payload_bytes, 1)?;
        if let Some(wire) = update_to_wire(&update, user_id) {
            // The log numbers every update it appends: that is the seq of
            // the one-update container carrying it.
            let body = api::Updates::Batch {
                updates: vec![wire],
                users: Vec::new(),
                date: convert::date(now),
                seq: i32::try_from(update.seq).unwrap_or(i32::MAX),
            }
            .encode();
            for address in self.online.of_user(now, user_id) {
                if self
                    .authority
                    .peek(now, address.0)
                    .is_ok_and(|handle| handle.user_id == user_id)
                {
                    let bytes = body.len();
                    if self.send(
                        now,
                        address,
                        &[Outgoing {
                            body: body.clone(),
                            kind: MsgIdKind::ServerNotification,
                        }],
                        rng,
                    ) {
                        self.queues.event(ServerEvent::UpdatePushed {
                            user_id,
                            to: address,
                            pts: update.position.end,
                            bytes,
                        });
                    }
                }
            }
        }
        Ok(update)
    }

    /// One packet from a client; `origin` is where it came from. Returns
    /// the session the packet was on — (auth key id, session id) — when it
    /// decrypted and was accepted by the transport, `None` when it was
    /// refused (the reason is queued as an output or an event).
    pub fn handle_packet(
        &mut self,
        now: Instant,
        packet: &[u8],
        origin: &NetworkOrigin,
        rng: &mut impl RngCore,
    ) -> Option<(AuthKeyId, SessionId)> {
        let received = match self.transport.receive(now, packet, rng) {
            Ok(received) => received,
            Err(ReceiveError::UnknownAuthKey { auth_key_id }) => {
                self.queues.output(ServerOutput::TransportError {
                    auth_key_id,
                    code: crate::transport::TRANSPORT_ERROR_UNKNOWN_KEY,
                });
                return None;
            }
            Err(error) => {
                self.queues.event(ServerEvent::PacketDropped { error });
                return None;
            }
        };
        let key_id = received.auth_key_id;
        let address = (key_id, received.session_id);
        // Before any request: a key used from two addresses at once is
        // dead for this packet's requests too.
        self.authority.handle_key_use(now, key_id, &origin.ip);
        for event in received.processed.events.iter().cloned() {
            self.queues.event(ServerEvent::Transport {
                auth_key_id: key_id,
                event,
            });
        }
        let mut bodies = received.processed.replies;
        for message in &received.processed.accepted {
            if let Some(answer) = self.handle_request(now, address, message.msg_id, &message.body, origin, rng) {
                bodies.push(answer);
            }
        }
        let replies: Vec<Outgoing> = answers_before_acks(bodies).iter().map(Outgoing::response).collect();
        let user = self.authority.peek(now, key_id).ok().map(|handle| handle.user_id);
        self.online.heard(now, address, user);
        self.send(now, address, &replies, rng);
        self.after_authority(now, rng);
        Some(address)
    }

    /// Decode and run one request; returns the `rpc_result` to send now
    /// (none when the answer is held for other datacenters).
    fn handle_request(
        &mut self,
        now: Instant,
        address: SessionAddress,
        req_msg_id: u64,
        body: &[u8],
        origin: &NetworkOrigin,
        rng: &mut impl RngCore,
    ) -> Option<Body> {
        let key_id = address.0;
        let (method, reply) = match ApiRequest::decode(body) {
            Ok(request) => {
                if let Some(init) = request.init_connection() {
                    self.connections.remember(key_id, init, origin);
                }
                let reply = match request.call() {
                    ApiCall::BindTempAuthKey(bind) => self.bind_temp_key(now, address, req_msg_id, bind),
                    // Under a bound temp key every call acts as its permanent key.
                    call => match self.authority.refuse_unbound_temp_key(now, key_id) {
                        Ok(()) => {
                            let acting_key_id = self.authority.resolve_key(now, key_id);
                            let caller = self.connections.caller(key_id, origin);
                            self.dispatch(now, acting_key_id, call, &caller, rng)
                        }
                        Err(error) => Reply::Error(error),
                    },
                };
                if !matches!(reply, Reply::Error(_)) {
                    if let Ok(handle) = self.authority.peek(now, key_id) {
                        self.authority.record_origin(&handle, origin);
                    }
                }
                (request.call().name(), reply)
            }
            // A pack the transport could not open is still packed here.
            Err(_) if body.get(..4) == Some(&crate::wire::ids::GZIP_PACKED.to_le_bytes()[..]) => {
                ("gzip_packed", Reply::Error(RpcError::InputFetchFail))
            }
            Err(_) => ("unknown", Reply::Error(RpcError::InputMethodInvalid)),
        };
        let (result, error) = match reply {
            Reply::Answer(response) => (response.encode(), None),
            Reply::Error(error) => (convert::rpc_error(&error).encode(), Some(error)),
            Reply::Held { answer_id } => {
                if self.held.len() < MAX_HELD_ANSWERS {
                    self.held.insert(answer_id, (address, req_msg_id));
                } else {
                    self.queues.drop(DropKind::HeldAnswerOverLimit {
                        auth_key_id: key_id,
                        method,
                    });
                }
                self.queues.event(ServerEvent::Rpc {
                    auth_key_id: key_id,
                    method,
                    error: None,
                    request_bytes: body.len(),
                    answer_bytes: 0,
                });
                return None;
            }
        };
        self.queues.event(ServerEvent::Rpc {
            auth_key_id: key_id,
            method,
            error,
            request_bytes: body.len(),
            answer_bytes: result.len(),
        });
        Some(Body::RpcResult { req_msg_id, result })
    }

    /// Seal `messages` for a session and queue the packet. Returns whether
    /// anything was sent (the session may be gone).
    fn send(&mut self, now: Instant, address: SessionAddress, messages: &[Outgoing], rng: &mut impl RngCore) -> bool {
        if messages.is_empty() {
            return false;
        }
        let mut sent = false;
        // A container holds at most 1024 messages and 1 MiB; more go in
        // several packets. A message too large for any packet is refused
        // by `seal` (an error value, counted as a drop), never sent cut.
        for chunk in packet_chunks(messages) {
            match self.transport.seal(now, address.0, address.1, chunk, rng) {
                Ok(bytes) => {
                    self.queues.output(ServerOutput::Packet {
                        auth_key_id: address.0,
                        session_id: address.1,
                        bytes,
                    });
                    sent = true;
                }
                Err(error) => self.queues.drop(DropKind::Unsealable {
                    auth_key_id: address.0,
                    error,
                }),
            }
        }
        sent
    }

    /// Carry out what the session layer asked for and record its events.
    fn after_authority(&mut self, now: Instant, rng: &mut impl RngCore) {
        while let Some(effect) = self.authority.poll_effect() {
            match effect {
                Effect::Notify { key_id, notification } => self.notify(now, key_id, notification, rng),
                Effect::DeliverCode {
                    user_id,
                    phone,
                    code,
                    delivery,
                } => self.queues.output(ServerOutput::DeliverCode {
                    user_id,
                    phone,
                    code,
                    delivery,
                }),
                Effect::InterDc(message) => self.queues.output(ServerOutput::InterDc(message)),
                Effect::ReleaseAnswer { answer_id, result, .. } => self.release(now, answer_id, result, rng),
            }
        }
        while let Some(event) = self.authority.poll_event() {
            self.queues.event(ServerEvent::Auth(event));
        }
        // A temp key that died is forgotten: packets under it get -404.
        for temp_key_id in self.authority.take_dead_temp_keys() {
            self.transport.remove_key(temp_key_id);
        }
    }

    fn notify(&mut self, now: Instant, key_id: AuthKeyId, notification: Notification, rng: &mut impl RngCore) {
        let update = match notification {
            Notification::NewAuthorization {
                hash,
                unconfirmed,
                date,
                device_model,
                location,
            } => api::Update::NewAuthorization {
                hash: hash.get(),
                unconfirmed: unconfirmed.then(|| api::UnconfirmedLogin {
                    date: convert::date(date),
                    device: device_model,
                    location,
                }),
            },
            Notification::LoginTokenAccepted => api::Update::LoginToken,
            Notification::Terminated { .. } => return,
        };
        let body = api::Updates::Short {
            update,
            date: convert::date(now),
        }
        .encode();
        // The key's sessions, and those of the temp key bound to it.
        let mut addresses = self.online.of_key(now, key_id);
        if let Some(temp_key_id) = self.authority.temp_key_of(key_id) {
            addresses.extend(self.online.of_key(now, temp_key_id));
        }
        for address in addresses {
            let outgoing = Outgoing {
                body: body.clone(),
                kind: MsgIdKind::ServerNotification,
            };
            self.send(now, address, &[outgoing], rng);
        }
    }

    fn release(&mut self, now: Instant, answer_id: u64, result: Result<(), RpcError>, rng: &mut impl RngCore) {
        let Some((address, req_msg_id)) = self.held.remove(&answer_id) else {
            return;
        };
        let answer = match result {
            Ok(()) => api::ApiResponse::Bool(true).encode(),
            Err(error) => convert::rpc_error(&error).encode(),
        };
        self.send(
            now,
            address,
            &[Outgoing::response(&Body::RpcResult {
                req_msg_id,
                result: answer,
            })],
            rng,
        );
    }
}

fn new_log(retained_limit: usize) -> UpdateLog {
    // A configured limit outside the log's bounds falls back to the default.
    UpdateLog::new(retained_limit)
        .or_else(|_| UpdateLog::new(RETAINED_UPDATES_DEFAULT))
        .unwrap_or_else(|_| unreachable!("the default retention limit is valid"))
}

/// Split `messages` into runs that each fit one packet: at most
/// [`MAX_CONTAINER_MESSAGES`](crate::wire::MAX_CONTAINER_MESSAGES)
/// messages and a body of at most [`MAX_BODY_BYTES`](crate::wire::MAX_BODY_BYTES).
/// A message too large even alone gets a run of its own (which `seal` refuses).
fn packet_chunks(messages: &[Outgoing]) -> impl Iterator<Item = &[Outgoing]> {
    use crate::transport::{CONTAINER_HEADER_BYTES, CONTAINER_ITEM_OVERHEAD_BYTES};
    use crate::wire::{MAX_BODY_BYTES, MAX_CONTAINER_MESSAGES};
    // An iterator, not a Vec: one packet's send allocated a list of runs
    // that is nearly always one run long.
    let mut start = 0;
    std::iter::from_fn(move || {
        let first = messages.get(start)?;
        // The run grows while it fits as a container.
        let mut container_bytes = CONTAINER_HEADER_BYTES + first.body.len() + CONTAINER_ITEM_OVERHEAD_BYTES;
        let mut end = start + 1;
        while end < messages.len() && end - start < MAX_CONTAINER_MESSAGES {
            let grown = container_bytes + messages[end].body.len() + CONTAINER_ITEM_OVERHEAD_BYTES;
            if grown > MAX_BODY_BYTES {
                break;
            }
            container_bytes = grown;
            end += 1;
        }
        let chunk = &messages[start..end];
        start = end;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests;
