//! Creating an auth key (core.telegram.org/mtproto/auth_key): the
//! unencrypted exchange a client and a datacenter run before anything is
//! encrypted.
//!
//! ```text
//! client                                   server
//! req_pq_multi(nonce)                 →
//!                                     ←    resPQ(server_nonce, pq, fingerprints)
//! req_DH_params(p, q, RSA(p_q_inner_data(new_nonce)))
//!                                     →
//!                                     ←    server_DH_params_ok(AES(g, dh_prime, g_a, server_time))
//! set_client_DH_params(AES(g_b))      →
//!                                     ←    dh_gen_ok(new_nonce_hash1)
//!                                          (dh_gen_retry(new_nonce_hash2) when the key id is
//!                                           taken: set_client_DH_params again, new b, retry_id;
//!                                           dh_gen_fail(new_nonce_hash3) on a bad g_b or retry_id)
//! ```
//!
//! The worked example of core.telegram.org/mtproto/samples-auth_key is
//! replayed value for value, Diffie-Hellman included, by the tests in
//! `sample_exchange.rs` (`samples_auth_key.txt`).
//!
//! Both ends are sans-IO state machines, written as rustls writes its
//! handshakes: an enum of states, each consumed by its transition, and
//! errors split by fault ([`PeerError`] against [`LocalError`]).
//! [`ServerKeyExchange`] accepts both `p_q_inner_data` paddings (RSA_PAD
//! and the older SHA1 scheme Telethon 1.45 uses) and all three inner-data
//! forms; [`ClientKeyExchange`] sends RSA_PAD. The DH group is Telegram's
//! 2048-bit safe prime with `g = 3`.

mod client;
mod dh;
mod error;
mod factor;
mod hashed;
mod messages;
mod rsa_key;
mod server;

#[cfg(test)]
mod sample_exchange;
#[cfg(test)]
mod tests;

pub use client::{ClientKeyExchange, ClientKeyRequest, ClientStep};
pub use dh::{
    dh_prime, first_server_salt, generator_is_acceptable, new_nonce_hash, public_value_in_range, temporary_aes_key_iv,
    DH_GENERATOR, DH_PRIME_HEX,
};
pub use error::{DhValue, KeyExchangeError, LocalError, PeerError};
pub use factor::{factorize_pq, is_prime};
pub use messages::{
    open_plain_message, seal_plain_message, ClientDhInnerData, ClientMessage, DhGenOutcome, NewNonce, Nonce,
    PqInnerData, ServerDhInnerData, ServerMessage, CLIENT_DH_INNER_DATA_ID, DH_GEN_FAIL_ID, DH_GEN_OK_ID,
    DH_GEN_RETRY_ID, PLAIN_HEADER_BYTES, P_Q_INNER_DATA_DC_ID, P_Q_INNER_DATA_ID, P_Q_INNER_DATA_TEMP_DC_ID,
    REQ_DH_PARAMS_ID, REQ_PQ_ID, REQ_PQ_MULTI_ID, RES_PQ_ID, SERVER_DH_INNER_DATA_ID, SERVER_DH_PARAMS_FAIL_ID,
    SERVER_DH_PARAMS_OK_ID, SET_CLIENT_DH_PARAMS_ID,
};
pub use rsa_key::{ServerPublicKey, ServerRsaKey, RSA_BLOCK_BYTES};
pub use server::{ServerKeyExchange, ServerStep, MAX_DH_GEN_RETRIES};

use crate::crypto::AuthKey;

/// What a finished exchange leaves both sides with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyExchangeOutcome {
    /// The new key: `g_ab` as 256 big-endian bytes.
    pub auth_key: AuthKey,
    /// The first server salt: `new_nonce[0..8] XOR server_nonce[0..8]`.
    pub server_salt: u64,
    /// A temporary key's lifetime; `None` for a permanent key.
    pub expires_in_seconds: Option<i32>,
    /// `server_time` from `server_DH_inner_data` (the client's clock offset source).
    pub server_time: i32,
}
