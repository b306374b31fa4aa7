//! The server side of the transport for one datacenter: auth keys, their
//! salt schedules and sessions; packets in, validated messages out, and
//! sealing of replies.
//!
//! `receive` decrypts with the key the packet names (an unknown key is the
//! transport error −404), finds or creates the session (announcing
//! `new_session_created`), and validates via [`ServerSession`].

use crate::tight_store::TightMap;

use rustc_hash::FxHashMap;

use rand_core::RngCore;

use super::events::TransportEvent;
use super::msg_id::MsgIdKind;
use super::salt::SaltSchedule;
use super::server_session::{Processed, SaltCheck, ServerSession};
use crate::crypto::{self, AuthKey, CryptoError, Direction};
use crate::id::{AuthKeyId, SessionId};
use crate::time::Instant;
use crate::wire::{Body, DecodeError, Envelope, Message, MAX_BODY_BYTES, MAX_CONTAINER_MESSAGES};

/// Sessions one auth key may have at once; the least recently active one
/// is dropped beyond this (a client that comes back gets a new session).
pub(crate) const MAX_SESSIONS_PER_KEY: usize = 64;
/// The transport error code for an unknown auth key.
pub const TRANSPORT_ERROR_UNKNOWN_KEY: i32 = -404;

/// Why a packet was not processed at all. No state changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    /// The packet has fewer than 8 bytes, so names no `auth_key_id`.
    #[error("packet too short to name an auth key ({length} bytes)")]
    TooShort {
        /// The packet's length in bytes.
        length: usize,
    },
    /// No key with this id is registered (transport error -404).
    #[error("unknown auth key {auth_key_id:#018x} (transport error -404)")]
    UnknownAuthKey {
        /// The `auth_key_id` the packet named.
        auth_key_id: AuthKeyId,
    },
    /// The packet did not decrypt under the key it names.
    #[error("decryption failed: {0}")]
    Crypto(#[from] CryptoError),
    /// The decrypted plaintext is not a valid envelope.
    #[error("malformed envelope: {0}")]
    Decode(#[from] DecodeError),
}

/// Why replies could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// No key with this id is registered.
    #[error("unknown auth key {auth_key_id:#018x}")]
    UnknownAuthKey {
        /// The `auth_key_id` asked for.
        auth_key_id: AuthKeyId,
    },
    /// The key has no session with this id.
    #[error("unknown session {session_id:#018x}")]
    UnknownSession {
        /// The session id asked for.
        session_id: SessionId,
    },
    /// More messages than one container holds ([`MAX_CONTAINER_MESSAGES`]).
    #[error("{count} messages do not fit one container (at most {MAX_CONTAINER_MESSAGES})")]
    TooManyMessages {
        /// How many messages were given.
        count: usize,
    },
    /// No message was given.
    #[error("nothing to send")]
    Empty,
    /// The sealed body would exceed [`MAX_BODY_BYTES`].
    #[error("a packet body of {bytes} bytes is over the {MAX_BODY_BYTES}-byte limit")]
    TooLarge {
        /// The body's size in bytes.
        bytes: usize,
    },
}

/// The result of one accepted packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The key the packet was encrypted with.
    pub auth_key_id: AuthKeyId,
    /// The session the envelope named.
    pub session_id: SessionId,
    /// Whether this packet created the session.
    pub new_session: bool,
    /// What validation accepted, answered and saw.
    pub processed: Processed,
}

/// One body to send and whether it answers a client message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The TL-encoded body.
    pub body: Vec<u8>,
    /// Response (msg_id ≡ 1 mod 4) or notification (≡ 3 mod 4).
    pub kind: MsgIdKind,
}

impl Outgoing {
    /// `body` as the answer to a client message.
    pub fn response(body: &Body) -> Outgoing {
        Outgoing {
            body: body.encode(),
            kind: MsgIdKind::ServerResponse,
        }
    }

    /// `body` as a message the server sends on its own.
    pub fn notification(body: &Body) -> Outgoing {
        Outgoing {
            body: body.encode(),
            kind: MsgIdKind::ServerNotification,
        }
    }
}

/// Inline bytes of one key's state (for [`crate::footprint`]).
pub(crate) const KEY_STATE_BYTES: usize = std::mem::size_of::<KeyState>();

#[derive(Clone, Debug)]
struct KeyState {
    key: AuthKey,
    salts: SaltSchedule,
    /// A key's few sessions, sorted, with no spare room: a B-tree node
    /// padded them to eleven, a `Vec` to four.
    sessions: TightMap<SessionId, ServerSession>,
}

/// Every auth key a datacenter knows, with its sessions.
#[derive(Clone, Debug, Default)]
pub struct ServerTransport {
    /// Looked up on every packet, never iterated: a fixed-key hash map.
    /// Its states are boxed: a hash table keeps up to half its buckets
    /// empty, and an empty bucket of 400-byte states cost as much as a key.
    keys: FxHashMap<AuthKeyId, Box<KeyState>>,
    /// The datacenter's mutant, handed to every session it makes.
    #[cfg(feature = "mutants")]
    mutant: Option<crate::mutant::Mutant>,
}

impl ServerTransport {
    /// A datacenter with no key.
    pub fn new() -> ServerTransport {
        ServerTransport::default()
    }

    /// Run every session this transport makes from now on with `mutant`.
    #[cfg(feature = "mutants")]
    pub fn set_mutant(&mut self, mutant: Option<crate::mutant::Mutant>) {
        self.mutant = mutant;
    }

    /// Register a key (after a key exchange). Re-adding keeps the sessions.
    pub fn add_key(&mut self, key: AuthKey, rng: &mut impl RngCore) {
        let salts = SaltSchedule::new(rng);
        self.insert_key(key, salts);
    }

    /// Register a key the key exchange made at `now`, whose first salt
    /// (`new_nonce XOR server_nonce`) the client will send with. Re-adding
    /// keeps the sessions and the first schedule.
    pub fn add_exchanged_key(&mut self, now: Instant, key: AuthKey, first_salt: u64, rng: &mut impl RngCore) {
        let salts = SaltSchedule::with_first_salt(rng, first_salt, now);
        self.insert_key(key, salts);
    }

    /// A new key with `salts` and no session; a known key keeps its own.
    fn insert_key(&mut self, key: AuthKey, salts: SaltSchedule) {
        self.keys.entry(key.id()).or_insert_with(|| {
            Box::new(KeyState {
                key,
                salts,
                sessions: TightMap::new(),
            })
        });
    }

    /// Forget a key and its sessions (`destroy_auth_key`). Returns whether it existed.
    pub fn remove_key(&mut self, auth_key_id: AuthKeyId) -> bool {
        self.keys.remove(&auth_key_id).is_some()
    }

    /// The registered key with this id (the server checks a temp key's
    /// binding message with the permanent key).
    pub fn key(&self, auth_key_id: AuthKeyId) -> Option<&AuthKey> {
        self.keys.get(&auth_key_id).map(|state| &state.key)
    }

    /// Whether a key with this id is registered.
    pub fn has_key(&self, auth_key_id: AuthKeyId) -> bool {
        self.keys.contains_key(&auth_key_id)
    }

    /// The salt a client of this key should use now.
    pub fn current_salt(&self, auth_key_id: AuthKeyId, now: Instant) -> Option<u64> {
        self.keys.get(&auth_key_id).map(|state| state.salts.current(now))
    }

    /// Decrypt and validate one client packet.
    pub fn receive(&mut self, now: Instant, packet: &[u8], rng: &mut impl RngCore) -> Result<Received, ReceiveError> {
        let auth_key_id = crypto::packet_key_id(packet).ok_or(ReceiveError::TooShort { length: packet.len() })?;
        let state = self
            .keys
            .get_mut(&auth_key_id)
            .ok_or(ReceiveError::UnknownAuthKey { auth_key_id })?;
        let plaintext = crypto::decrypt(&state.key, Direction::ClientToServer, packet)?;
        let envelope = Envelope::decode_owned(plaintext)?;
        let salt = SaltCheck {
            valid: state.salts.is_valid(envelope.salt, now),
            current: state.salts.current(now),
        };
        let session_id = SessionId::new(envelope.session_id);
        let mut events = Vec::new();
        let new_session = !state.sessions.contains_key(&session_id);
        if new_session {
            if state.sessions.len() >= MAX_SESSIONS_PER_KEY {
                if let Some(evicted) = least_recently_active(&state.sessions) {
                    state.sessions.remove(&evicted);
                    events.push(TransportEvent::SessionEvicted { session_id: evicted });
                }
            }
            #[allow(unused_mut)]
            let mut session = ServerSession::new(session_id, now, first_msg_id(&envelope.message));
            #[cfg(feature = "mutants")]
            {
                session.mutant = self.mutant;
            }
            state.sessions.insert(session_id, session);
            events.push(TransportEvent::SessionCreated { session_id });
        }
        let session = state
            .sessions
            .get_mut(&session_id)
            .ok_or(ReceiveError::UnknownAuthKey { auth_key_id })?;
        let mut processed = session.process(now, salt, &envelope.message);
        for (req_msg_id, num) in std::mem::take(&mut processed.salt_requests) {
            processed.replies.push(Body::FutureSalts {
                req_msg_id,
                now: u32::try_from(now.unix_seconds()).unwrap_or(u32::MAX),
                salts: state.salts.future_salts(now, num),
            });
        }
        if new_session {
            processed.replies.insert(
                0,
                Body::NewSessionCreated {
                    first_msg_id: first_msg_id(&envelope.message),
                    unique_id: rng.next_u64(),
                    server_salt: salt.current,
                },
            );
        }
        events.append(&mut processed.events);
        processed.events = events;
        Ok(Received {
            auth_key_id,
            session_id,
            new_session,
            processed,
        })
    }

    /// Encrypt `messages` for a session: one message, or a container of
    /// several. Returns the packet.
    pub fn seal(
        &mut self,
        now: Instant,
        auth_key_id: AuthKeyId,
        session_id: SessionId,
        messages: &[Outgoing],
        rng: &mut impl RngCore,
    ) -> Result<Vec<u8>, SealError> {
        let state = self
            .keys
            .get_mut(&auth_key_id)
            .ok_or(SealError::UnknownAuthKey { auth_key_id })?;
        let session = state
            .sessions
            .get_mut(&session_id)
            .ok_or(SealError::UnknownSession { session_id })?;
        // Refused before any id is stamped: the envelope asserts its limit.
        let bytes = sealed_body_bytes(messages);
        if bytes > MAX_BODY_BYTES {
            return Err(SealError::TooLarge { bytes });
        }
        let mut stamp = |outgoing: &Outgoing| {
            let decoded = Body::decode(&outgoing.body);
            let content = decoded.as_ref().map_or(true, |body| body.is_content_related());
            let (msg_id, seq_no) = session.next_outgoing(now, outgoing.kind, content);
            if let Ok(Body::RpcResult { req_msg_id, result }) = decoded {
                session.remember_answer(now, req_msg_id, result, msg_id);
            }
            Message {
                msg_id,
                seq_no,
                body: outgoing.body.clone(),
            }
        };
        let message = match messages {
            [] => return Err(SealError::Empty),
            [one] => stamp(one),
            many if many.len() > MAX_CONTAINER_MESSAGES => {
                return Err(SealError::TooManyMessages { count: many.len() })
            }
            many => {
                let inner: Vec<Message> = many.iter().map(&mut stamp).collect();
                let (msg_id, seq_no) = session.next_outgoing(now, MsgIdKind::ServerNotification, false);
                Message {
                    msg_id,
                    seq_no,
                    body: Body::Container(inner).encode(),
                }
            }
        };
        let envelope = Envelope {
            salt: state.salts.current(now),
            session_id: session_id.get(),
            message,
        };
        Ok(crypto::encrypt(
            &state.key,
            Direction::ServerToClient,
            &envelope.encode(),
            rng,
        ))
    }
}

/// Bytes of one inner message of a container besides its body: msg_id,
/// seqno and length.
pub const CONTAINER_ITEM_OVERHEAD_BYTES: usize = 16;
/// Bytes of a container's constructor and count.
pub const CONTAINER_HEADER_BYTES: usize = 8;

/// The body length `seal` would produce for `messages`: the one body, or a
/// container of them.
pub fn sealed_body_bytes(messages: &[Outgoing]) -> usize {
    match messages {
        [one] => one.body.len(),
        many => {
            CONTAINER_HEADER_BYTES
                + many
                    .iter()
                    .map(|outgoing| outgoing.body.len() + CONTAINER_ITEM_OVERHEAD_BYTES)
                    .sum::<usize>()
        }
    }
}

/// The msg_id of the first message a packet carries: the lowest inner id
/// of a container, else the message's own.
fn first_msg_id(message: &Message) -> u64 {
    match Body::decode(&message.body) {
        Ok(Body::Container(inner)) => inner.iter().map(|inner| inner.msg_id).min().unwrap_or(message.msg_id),
        _ => message.msg_id,
    }
}

fn least_recently_active(sessions: &TightMap<SessionId, ServerSession>) -> Option<SessionId> {
    sessions
        .values()
        .min_by_key(|session| (session.last_active(), session.session_id()))
        .map(|s| s.session_id())
}
