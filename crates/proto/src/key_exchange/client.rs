//! [`ClientKeyExchange`]: an app's side of creating an auth key.

use rand_core::RngCore;
use rsa::BigUint;

use super::dh::{
    dh_prime, first_server_salt, generate_secret, generator_is_acceptable, new_nonce_hash, params_fail_hash,
    public_value_in_range, shared_key_bytes, temporary_aes_key_iv,
};
use super::error::{check_nonces, DhValue, KeyExchangeError, LocalError, PeerError};
use super::factor::factorize_pq;
use super::hashed::{open_hashed, seal_hashed};
use super::messages::{
    open_plain_message, seal_plain_message, ClientDhInnerData, ClientMessage, DhGenOutcome, NewNonce, Nonce,
    PqInnerData, ServerDhInnerData, ServerMessage,
};
use super::rsa_key::{minimal_bytes, ServerPublicKey};
use super::server::MAX_DH_GEN_RETRIES;
use super::KeyExchangeOutcome;
use crate::crypto::AuthKey;

/// What kind of key to make, and for which datacenter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientKeyRequest {
    /// The server keys the client trusts.
    pub server_keys: Vec<ServerPublicKey>,
    /// The datacenter (sent as `p_q_inner_data_dc`; `None` sends plain `p_q_inner_data`).
    pub dc: Option<i32>,
    /// A temporary key's lifetime (sent as `p_q_inner_data_temp_dc`; needs `dc`).
    pub expires_in_seconds: Option<i32>,
}

/// An app's side of one key exchange, on one connection.
///
/// Sans-IO: [`start`](ClientKeyExchange::start) gives the first packet;
/// [`handle_packet`](ClientKeyExchange::handle_packet) takes each server
/// answer (input) and returns the next packet to send or the key
/// (output). Message ids come in as arguments, randomness as `rng`. A
/// `dh_gen_retry` is answered with a new `b` and `retry_id` = the refused
/// key's `auth_key_aux_hash`, at most [`MAX_DH_GEN_RETRIES`] times. Any
/// error ends the exchange.
#[derive(Debug)]
#[must_use = "a key exchange does nothing until packets are handled"]
pub struct ClientKeyExchange {
    request: ClientKeyRequest,
    state: ClientState,
}

/// What the client does next.
#[derive(Debug)]
#[must_use = "the packet must be sent"]
pub enum ClientStep {
    /// Send this unencrypted packet.
    Send(Vec<u8>),
    /// The key is made.
    Finished(Box<KeyExchangeOutcome>),
}

#[derive(Debug)]
enum ClientState {
    AwaitingResPq {
        nonce: Nonce,
    },
    AwaitingDhParams {
        nonce: Nonce,
        server_nonce: Nonce,
        new_nonce: NewNonce,
    },
    AwaitingDhGen {
        nonce: Nonce,
        server_nonce: Nonce,
        new_nonce: NewNonce,
        attempt: Box<Attempt>,
    },
    Finished,
}

/// What `server_DH_inner_data` gave: enough to send `set_client_DH_params`
/// again, with a new `b`, after a `dh_gen_retry`.
#[derive(Debug)]
struct ServerDhAnswer {
    g: u32,
    g_a: BigUint,
    tmp_aes_key: [u8; 32],
    tmp_aes_iv: [u8; 32],
    server_time: i32,
}

/// One `set_client_DH_params` sent.
#[derive(Debug)]
struct Attempt {
    answer: ServerDhAnswer,
    /// The key this attempt makes.
    auth_key: AuthKey,
    /// How many `dh_gen_retry` came before this attempt.
    retries: u32,
}

fn message_name(message: &ServerMessage) -> &'static str {
    match message {
        ServerMessage::ResPq { .. } => "resPQ",
        ServerMessage::DhParamsOk { .. } => "server_DH_params_ok",
        ServerMessage::DhParamsFail { .. } => "server_DH_params_fail",
        ServerMessage::DhGen { .. } => "dh_gen",
    }
}

impl ClientKeyExchange {
    /// Begin: the `req_pq_multi` packet to send as `message_id`.
    pub fn start(request: ClientKeyRequest, message_id: u64, rng: &mut impl RngCore) -> (ClientKeyExchange, Vec<u8>) {
        let mut nonce = [0u8; 16];
        rng.fill_bytes(&mut nonce);
        let packet = seal_plain_message(message_id, &ClientMessage::ReqPq { nonce }.encode());
        let exchange = ClientKeyExchange {
            request,
            state: ClientState::AwaitingResPq { nonce },
        };
        (exchange, packet)
    }

    /// Input: one unencrypted packet from the server. `message_id` names
    /// the packet sent next, if any.
    pub fn handle_packet(
        &mut self,
        packet: &[u8],
        message_id: u64,
        rng: &mut impl RngCore,
    ) -> Result<ClientStep, KeyExchangeError> {
        let state = std::mem::replace(&mut self.state, ClientState::Finished);
        if matches!(state, ClientState::Finished) {
            return Err(LocalError::Finished.into());
        }
        let message = open_plain_message(packet)
            .and_then(|(_, data)| ServerMessage::decode(data))
            .map_err(PeerError::from)?;
        let seal = |message: ClientMessage| ClientStep::Send(seal_plain_message(message_id, &message.encode()));
        match (state, message) {
            (
                ClientState::AwaitingResPq { nonce },
                ServerMessage::ResPq {
                    nonce: echoed,
                    server_nonce,
                    pq,
                    fingerprints,
                },
            ) => {
                if echoed != nonce {
                    return Err(PeerError::WrongNonce.into());
                }
                let mut new_nonce = [0u8; 32];
                rng.fill_bytes(&mut new_nonce);
                let request = self.request_dh_params(nonce, server_nonce, new_nonce, &pq, &fingerprints, rng)?;
                self.state = ClientState::AwaitingDhParams {
                    nonce,
                    server_nonce,
                    new_nonce,
                };
                Ok(seal(request))
            }
            (
                ClientState::AwaitingDhParams {
                    nonce,
                    server_nonce,
                    new_nonce,
                },
                message @ (ServerMessage::DhParamsOk { .. } | ServerMessage::DhParamsFail { .. }),
            ) => {
                let (request, attempt) = answer_dh_params(&message, (&nonce, &server_nonce, &new_nonce), rng)?;
                self.state = ClientState::AwaitingDhGen {
                    nonce,
                    server_nonce,
                    new_nonce,
                    attempt: Box::new(attempt),
                };
                Ok(seal(request))
            }
            (
                ClientState::AwaitingDhGen {
                    nonce,
                    server_nonce,
                    new_nonce,
                    attempt,
                },
                ServerMessage::DhGen {
                    outcome,
                    nonce: echoed,
                    server_nonce: echoed_server,
                    new_nonce_hash: hash,
                },
            ) => {
                check_nonces((&nonce, &server_nonce), (&echoed, &echoed_server))?;
                if hash != new_nonce_hash(&new_nonce, outcome as u8, attempt.auth_key.aux_hash()) {
                    return Err(PeerError::BadNewNonceHash.into());
                }
                match outcome {
                    DhGenOutcome::Ok => Ok(ClientStep::Finished(Box::new(KeyExchangeOutcome {
                        auth_key: attempt.auth_key,
                        server_salt: first_server_salt(&new_nonce, &server_nonce),
                        expires_in_seconds: self.request.expires_in_seconds,
                        server_time: attempt.answer.server_time,
                    }))),
                    DhGenOutcome::Retry if attempt.retries < MAX_DH_GEN_RETRIES => {
                        let retry_id = attempt.auth_key.aux_hash();
                        let (request, next) =
                            attempt
                                .answer
                                .attempt((&nonce, &server_nonce), (retry_id, attempt.retries + 1), rng);
                        self.state = ClientState::AwaitingDhGen {
                            nonce,
                            server_nonce,
                            new_nonce,
                            attempt: Box::new(next),
                        };
                        Ok(seal(request))
                    }
                    DhGenOutcome::Retry => Err(PeerError::TooManyRetries.into()),
                    DhGenOutcome::Fail => Err(PeerError::Refused("dh_gen_fail").into()),
                }
            }
            (state, message) => Err(PeerError::UnexpectedMessage {
                expected: match state {
                    ClientState::AwaitingResPq { .. } => "resPQ",
                    ClientState::AwaitingDhParams { .. } => "server_DH_params",
                    _ => "dh_gen",
                },
                found: message_name(&message),
            }
            .into()),
        }
    }

    /// `resPQ` → `req_DH_params`: factorise, pick a key, encrypt.
    fn request_dh_params(
        &self,
        nonce: Nonce,
        server_nonce: Nonce,
        new_nonce: NewNonce,
        pq: &[u8],
        fingerprints: &[u64],
        rng: &mut impl RngCore,
    ) -> Result<ClientMessage, KeyExchangeError> {
        if pq.len() > 8 {
            return Err(PeerError::UnfactorablePq.into());
        }
        let product = pq.iter().fold(0u64, |value, byte| (value << 8) | u64::from(*byte));
        let (p, q) = factorize_pq(product).ok_or(PeerError::UnfactorablePq)?;
        let key = fingerprints
            .iter()
            .find_map(|fingerprint| {
                self.request
                    .server_keys
                    .iter()
                    .find(|key| key.fingerprint() == *fingerprint)
            })
            .ok_or(PeerError::NoKnownKey)?;
        let (p, q) = (minimal_bytes(&BigUint::from(p)), minimal_bytes(&BigUint::from(q)));
        let inner = PqInnerData {
            pq: pq.to_vec(),
            p: p.clone(),
            q: q.clone(),
            nonce,
            server_nonce,
            new_nonce,
            dc: self.request.dc,
            expires_in_seconds: self.request.dc.and(self.request.expires_in_seconds),
        };
        let encrypted = key
            .encrypt_rsa_pad(&inner.encode(), rng)
            .ok_or(LocalError::InnerDataTooLong)?;
        Ok(ClientMessage::ReqDhParams {
            nonce,
            server_nonce,
            p,
            q,
            public_key_fingerprint: key.fingerprint(),
            encrypted_data: encrypted.to_vec(),
        })
    }
}

/// `server_DH_params_ok` → `set_client_DH_params` and the key it makes.
fn answer_dh_params(
    message: &ServerMessage,
    (nonce, server_nonce, new_nonce): (&Nonce, &Nonce, &NewNonce),
    rng: &mut impl RngCore,
) -> Result<(ClientMessage, Attempt), PeerError> {
    let encrypted_answer = match message {
        ServerMessage::DhParamsOk {
            nonce: echoed,
            server_nonce: echoed_server,
            encrypted_answer,
        } => {
            check_nonces((nonce, server_nonce), (echoed, echoed_server))?;
            encrypted_answer
        }
        ServerMessage::DhParamsFail {
            nonce: echoed,
            server_nonce: echoed_server,
            new_nonce_hash,
        } => {
            check_nonces((nonce, server_nonce), (echoed, echoed_server))?;
            if *new_nonce_hash != params_fail_hash(new_nonce) {
                return Err(PeerError::BadNewNonceHash);
            }
            return Err(PeerError::Refused("server_DH_params_fail"));
        }
        other => {
            return Err(PeerError::UnexpectedMessage {
                expected: "server_DH_params",
                found: message_name(other),
            })
        }
    };
    let (tmp_aes_key, tmp_aes_iv) = temporary_aes_key_iv(server_nonce, new_nonce);
    let inner = open_hashed(
        encrypted_answer,
        &tmp_aes_key,
        &tmp_aes_iv,
        ServerDhInnerData::decode_prefix,
    )?;
    if inner.nonce != *nonce || inner.server_nonce != *server_nonce {
        return Err(PeerError::InnerDataMismatch);
    }
    let prime = dh_prime();
    if BigUint::from_bytes_be(&inner.dh_prime) != prime || !generator_is_acceptable(inner.g, &prime) {
        return Err(PeerError::BadDhParameters);
    }
    let g_a = BigUint::from_bytes_be(&inner.g_a);
    if !public_value_in_range(&g_a, &prime) {
        return Err(PeerError::DhValueOutOfRange(DhValue::GA));
    }
    let answer = ServerDhAnswer {
        g: inner.g,
        g_a,
        tmp_aes_key,
        tmp_aes_iv,
        server_time: inner.server_time,
    };
    Ok(answer.attempt((nonce, server_nonce), (0, 0), rng))
}

impl ServerDhAnswer {
    /// Draw a `b`, make its key, and seal `client_DH_inner_data` with
    /// `retry_id`, as attempt number `retries + 1`: the request, and the
    /// attempt that waits for `dh_gen`.
    fn attempt(
        self,
        (nonce, server_nonce): (&Nonce, &Nonce),
        (retry_id, retries): (u64, u32),
        rng: &mut impl RngCore,
    ) -> (ClientMessage, Attempt) {
        let prime = dh_prime();
        let (secret, g_b) = generate_secret(rng, self.g, &prime);
        let auth_key = AuthKey::from_bytes(shared_key_bytes(&self.g_a, &secret, &prime));
        let client_inner = ClientDhInnerData {
            nonce: *nonce,
            server_nonce: *server_nonce,
            retry_id,
            g_b: minimal_bytes(&g_b),
        };
        let request = ClientMessage::SetClientDhParams {
            nonce: *nonce,
            server_nonce: *server_nonce,
            encrypted_data: seal_hashed(&client_inner.encode(), &self.tmp_aes_key, &self.tmp_aes_iv, rng),
        };
        let attempt = Attempt {
            answer: self,
            auth_key,
            retries,
        };
        (request, attempt)
    }
}
