//! [`ServerKeyExchange`]: a datacenter's side of creating an auth key.

use std::sync::Arc;

use rand_core::RngCore;
use rsa::BigUint;

use super::dh::{
    dh_prime, first_server_salt, generate_secret, new_nonce_hash, public_value_in_range, shared_key_bytes,
    temporary_aes_key_iv, DH_GENERATOR,
};
use super::error::{check_nonces, DhValue, KeyExchangeError, LocalError, PeerError};
use super::hashed::{open_hashed, seal_hashed};
use super::messages::{
    open_plain_message, seal_plain_message, ClientDhInnerData, ClientMessage, DhGenOutcome, NewNonce, Nonce,
    ServerDhInnerData, ServerMessage,
};
use super::rsa_key::{minimal_bytes, ServerRsaKey};
use super::{factor::random_pq, KeyExchangeOutcome};
use crate::crypto::AuthKey;
use crate::id::AuthKeyId;

/// A datacenter's side of one key exchange, on one connection.
///
/// Sans-IO: [`handle_packet`](ServerKeyExchange::handle_packet) takes each
/// unencrypted packet the client sends (input) and returns the packet to
/// answer with (output), until [`ServerStep::Finished`] hands over the
/// key. Time and message ids come in as arguments, randomness as `rng`,
/// and the datacenter's key table as `key_is_taken`: a new key whose id
/// is taken is answered with `dh_gen_retry` (the client tries again with
/// a new `b` and `retry_id` = the refused key's `auth_key_aux_hash`), at
/// most [`MAX_DH_GEN_RETRIES`] times. A bad `g_b` or `retry_id`, or one
/// retry too many, is answered with `dh_gen_fail` and ends the exchange
/// ([`ServerStep::Failed`]); any other error ends it with no answer.
/// Later packets get [`LocalError::Finished`].
#[derive(Debug)]
#[must_use = "a key exchange does nothing until packets are handled"]
pub struct ServerKeyExchange {
    key: Arc<ServerRsaKey>,
    state: ServerState,
}

/// What the server answers with.
#[derive(Debug)]
#[must_use = "the reply must be sent"]
pub enum ServerStep {
    /// Send this unencrypted packet; the exchange goes on.
    Reply(Vec<u8>),
    /// Send this packet (`dh_gen_ok`); the key is made.
    Finished {
        /// The `dh_gen_ok` packet.
        reply: Vec<u8>,
        /// The key, salt and lifetime.
        outcome: Box<KeyExchangeOutcome>,
    },
    /// Send this packet (`dh_gen_fail`); the exchange is over, no key.
    Failed {
        /// The `dh_gen_fail` packet.
        reply: Vec<u8>,
        /// What the client did wrong.
        error: PeerError,
    },
}

/// How many `dh_gen_retry` one exchange may get before `dh_gen_fail`.
pub const MAX_DH_GEN_RETRIES: u32 = 3;

/// The states, each consumed by the transition out of it.
#[derive(Debug)]
enum ServerState {
    AwaitingReqPq,
    AwaitingReqDhParams(PqSent),
    AwaitingClientDhParams(Box<DhSent>),
    Finished,
}

#[derive(Debug)]
struct PqSent {
    nonce: Nonce,
    server_nonce: Nonce,
    p: u32,
    q: u32,
}

#[derive(Debug)]
struct DhSent {
    nonce: Nonce,
    server_nonce: Nonce,
    new_nonce: NewNonce,
    secret: BigUint,
    tmp_aes_key: [u8; 32],
    tmp_aes_iv: [u8; 32],
    expires_in_seconds: Option<i32>,
    /// `retry_id` the next `client_DH_inner_data` must carry: 0 at first,
    /// then the aux hash of the key refused by `dh_gen_retry`.
    expected_retry_id: u64,
    retries: u32,
}

fn message_name(message: &ClientMessage) -> &'static str {
    match message {
        ClientMessage::ReqPq { .. } => "req_pq_multi",
        ClientMessage::ReqDhParams { .. } => "req_DH_params",
        ClientMessage::SetClientDhParams { .. } => "set_client_DH_params",
    }
}

/// A big-endian number of at most 8 bytes.
fn small_number(bytes: &[u8]) -> Option<u64> {
    (bytes.len() <= 8).then(|| bytes.iter().fold(0u64, |value, byte| (value << 8) | u64::from(*byte)))
}

impl ServerKeyExchange {
    /// A new exchange with `key` as the server's RSA key.
    pub fn new(key: Arc<ServerRsaKey>) -> ServerKeyExchange {
        ServerKeyExchange {
            key,
            state: ServerState::AwaitingReqPq,
        }
    }

    /// Whether the exchange has ended (a key made, or an error).
    pub fn is_finished(&self) -> bool {
        matches!(self.state, ServerState::Finished)
    }

    /// Input: one unencrypted packet from the client. `reply_message_id`
    /// names the answer (a server message id); `now_unix_seconds` is
    /// `server_time`.
    pub fn handle_packet(
        &mut self,
        packet: &[u8],
        reply_message_id: u64,
        now_unix_seconds: i32,
        key_is_taken: &dyn Fn(AuthKeyId) -> bool,
        rng: &mut impl RngCore,
    ) -> Result<ServerStep, KeyExchangeError> {
        let state = std::mem::replace(&mut self.state, ServerState::Finished);
        if matches!(state, ServerState::Finished) {
            return Err(LocalError::Finished.into());
        }
        let message = open_plain_message(packet)
            .and_then(|(_, data)| ClientMessage::decode(data))
            .map_err(PeerError::from)?;
        let seal = |message: ServerMessage| seal_plain_message(reply_message_id, &message.encode());
        match (state, message) {
            (ServerState::AwaitingReqPq, ClientMessage::ReqPq { nonce }) => {
                let mut server_nonce = [0u8; 16];
                rng.fill_bytes(&mut server_nonce);
                let (p, q, pq) = random_pq(rng);
                self.state = ServerState::AwaitingReqDhParams(PqSent {
                    nonce,
                    server_nonce,
                    p,
                    q,
                });
                Ok(ServerStep::Reply(seal(ServerMessage::ResPq {
                    nonce,
                    server_nonce,
                    pq: pq.to_be_bytes().to_vec(),
                    fingerprints: vec![self.key.fingerprint()],
                })))
            }
            (ServerState::AwaitingReqDhParams(sent), message @ ClientMessage::ReqDhParams { .. }) => {
                let (next, reply) = self.answer_dh_params(sent, &message, now_unix_seconds, rng)?;
                self.state = ServerState::AwaitingClientDhParams(Box::new(next));
                Ok(ServerStep::Reply(seal(reply)))
            }
            (ServerState::AwaitingClientDhParams(sent), message @ ClientMessage::SetClientDhParams { .. }) => {
                Ok(match finish(*sent, &message, now_unix_seconds, key_is_taken)? {
                    Finish::Made(reply, outcome) => ServerStep::Finished {
                        reply: seal(reply),
                        outcome,
                    },
                    Finish::Retry(reply, sent) => {
                        self.state = ServerState::AwaitingClientDhParams(sent);
                        ServerStep::Reply(seal(reply))
                    }
                    Finish::Failed(reply, error) => ServerStep::Failed {
                        reply: seal(reply),
                        error,
                    },
                })
            }
            (state, message) => Err(PeerError::UnexpectedMessage {
                expected: match state {
                    ServerState::AwaitingReqPq => "req_pq_multi",
                    ServerState::AwaitingReqDhParams(_) => "req_DH_params",
                    _ => "set_client_DH_params",
                },
                found: message_name(&message),
            }
            .into()),
        }
    }

    /// `req_DH_params` → `server_DH_params_ok`.
    fn answer_dh_params(
        &self,
        sent: PqSent,
        message: &ClientMessage,
        now_unix_seconds: i32,
        rng: &mut impl RngCore,
    ) -> Result<(DhSent, ServerMessage), PeerError> {
        let ClientMessage::ReqDhParams {
            nonce,
            server_nonce,
            p,
            q,
            public_key_fingerprint,
            encrypted_data,
        } = message
        else {
            return Err(PeerError::UnexpectedMessage {
                expected: "req_DH_params",
                found: message_name(message),
            });
        };
        check_nonces((&sent.nonce, &sent.server_nonce), (nonce, server_nonce))?;
        let factors = (u64::from(sent.p), u64::from(sent.q));
        if (small_number(p), small_number(q)) != (Some(factors.0), Some(factors.1)) {
            return Err(PeerError::WrongFactors);
        }
        if *public_key_fingerprint != self.key.fingerprint() {
            return Err(PeerError::UnknownFingerprint {
                fingerprint: *public_key_fingerprint,
            });
        }
        let inner = self
            .key
            .decrypt_inner_data(encrypted_data)
            .ok_or(PeerError::BadEncryptedData)?;
        let pq = factors.0 * factors.1;
        let matches = inner.nonce == sent.nonce
            && inner.server_nonce == sent.server_nonce
            && small_number(&inner.pq) == Some(pq)
            && (small_number(&inner.p), small_number(&inner.q)) == (Some(factors.0), Some(factors.1));
        if !matches {
            return Err(PeerError::InnerDataMismatch);
        }
        let prime = dh_prime();
        let (secret, g_a) = generate_secret(rng, DH_GENERATOR, &prime);
        let (tmp_aes_key, tmp_aes_iv) = temporary_aes_key_iv(&sent.server_nonce, &inner.new_nonce);
        let answer = ServerDhInnerData {
            nonce: sent.nonce,
            server_nonce: sent.server_nonce,
            g: DH_GENERATOR,
            dh_prime: minimal_bytes(&prime),
            g_a: minimal_bytes(&g_a),
            server_time: now_unix_seconds,
        };
        let encrypted_answer = seal_hashed(&answer.encode(), &tmp_aes_key, &tmp_aes_iv, rng);
        let next = DhSent {
            nonce: sent.nonce,
            server_nonce: sent.server_nonce,
            new_nonce: inner.new_nonce,
            secret,
            tmp_aes_key,
            tmp_aes_iv,
            expires_in_seconds: inner.expires_in_seconds,
            expected_retry_id: 0,
            retries: 0,
        };
        let reply = ServerMessage::DhParamsOk {
            nonce: sent.nonce,
            server_nonce: sent.server_nonce,
            encrypted_answer,
        };
        Ok((next, reply))
    }
}

/// What `set_client_DH_params` leads to.
enum Finish {
    /// `dh_gen_ok` and the key.
    Made(ServerMessage, Box<KeyExchangeOutcome>),
    /// `dh_gen_retry`; the exchange waits for the next attempt.
    Retry(ServerMessage, Box<DhSent>),
    /// `dh_gen_fail`; the exchange is over.
    Failed(ServerMessage, PeerError),
}

/// `set_client_DH_params` → `dh_gen_ok` and the key, `dh_gen_retry` when
/// the key's id is taken, or `dh_gen_fail`.
fn finish(
    mut sent: DhSent,
    message: &ClientMessage,
    now_unix_seconds: i32,
    key_is_taken: &dyn Fn(AuthKeyId) -> bool,
) -> Result<Finish, PeerError> {
    let ClientMessage::SetClientDhParams {
        nonce,
        server_nonce,
        encrypted_data,
    } = message
    else {
        return Err(PeerError::UnexpectedMessage {
            expected: "set_client_DH_params",
            found: message_name(message),
        });
    };
    check_nonces((&sent.nonce, &sent.server_nonce), (nonce, server_nonce))?;
    let inner = open_hashed(
        encrypted_data,
        &sent.tmp_aes_key,
        &sent.tmp_aes_iv,
        ClientDhInnerData::decode_prefix,
    )?;
    if inner.nonce != sent.nonce || inner.server_nonce != sent.server_nonce {
        return Err(PeerError::InnerDataMismatch);
    }
    let prime = dh_prime();
    let g_b = BigUint::from_bytes_be(&inner.g_b);
    let auth_key = AuthKey::from_bytes(shared_key_bytes(&g_b, &sent.secret, &prime));
    let (nonces, new_nonce, aux_hash) = ((sent.nonce, sent.server_nonce), sent.new_nonce, auth_key.aux_hash());
    let answer = |outcome: DhGenOutcome| ServerMessage::DhGen {
        outcome,
        nonce: nonces.0,
        server_nonce: nonces.1,
        new_nonce_hash: new_nonce_hash(&new_nonce, outcome as u8, aux_hash),
    };
    let taken = key_is_taken(auth_key.id());
    let refusal = if !public_value_in_range(&g_b, &prime) {
        Some(PeerError::DhValueOutOfRange(DhValue::GB))
    } else if inner.retry_id != sent.expected_retry_id {
        Some(PeerError::WrongRetryId {
            expected: sent.expected_retry_id,
            found: inner.retry_id,
        })
    } else if taken && sent.retries >= MAX_DH_GEN_RETRIES {
        Some(PeerError::TooManyRetries)
    } else {
        None
    };
    if let Some(error) = refusal {
        return Ok(Finish::Failed(answer(DhGenOutcome::Fail), error));
    }
    if taken {
        let reply = answer(DhGenOutcome::Retry);
        sent.expected_retry_id = aux_hash;
        sent.retries += 1;
        return Ok(Finish::Retry(reply, Box::new(sent)));
    }
    let outcome = KeyExchangeOutcome {
        server_salt: first_server_salt(&sent.new_nonce, &sent.server_nonce),
        auth_key,
        expires_in_seconds: sent.expires_in_seconds,
        server_time: now_unix_seconds,
    };
    Ok(Finish::Made(answer(DhGenOutcome::Ok), Box::new(outcome)))
}
