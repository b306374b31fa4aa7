//! Why a key exchange stopped, split by whose fault it is.

use super::messages::Nonce;
use crate::wire::DecodeError;

/// A key exchange failure. Any error ends the exchange.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyExchangeError {
    /// The other side broke the protocol (or an attacker stands between).
    #[error("the peer broke the key exchange: {0}")]
    Peer(#[from] PeerError),
    /// This side was used wrongly or cannot go on.
    #[error("the key exchange cannot go on: {0}")]
    Local(#[from] LocalError),
}

/// Which Diffie-Hellman value was out of range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhValue {
    /// The server's `g_a`.
    GA,
    /// The client's `g_b`.
    GB,
}

/// What the peer did wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeerError {
    /// The message does not parse (or is not an unencrypted message).
    #[error("malformed message: {0}")]
    Malformed(#[from] DecodeError),
    /// A well-formed message that this step does not expect.
    #[error("{found} where {expected} was expected")]
    UnexpectedMessage {
        /// What this step waits for.
        expected: &'static str,
        /// What came.
        found: &'static str,
    },
    /// `nonce` is not the client's.
    #[error("the nonce does not match")]
    WrongNonce,
    /// `server_nonce` is not the server's.
    #[error("the server nonce does not match")]
    WrongServerNonce,
    /// `req_DH_params` names a key the server does not have.
    #[error("no server key has fingerprint {fingerprint:#018x}")]
    UnknownFingerprint {
        /// The fingerprint named.
        fingerprint: u64,
    },
    /// None of the server's fingerprints is a key the client knows.
    #[error("the server offers no key the client knows")]
    NoKnownKey,
    /// `p` and `q` are not the factors of the `pq` sent.
    #[error("p and q are not the factors of pq")]
    WrongFactors,
    /// `pq` is not a product of two primes the client can find.
    #[error("pq cannot be factorised")]
    UnfactorablePq,
    /// `encrypted_data` does not open under the server key with either padding.
    #[error("encrypted_data does not decrypt to p_q_inner_data")]
    BadEncryptedData,
    /// The inner data contradicts the outer message (pq, p, q or a nonce).
    #[error("the inner data does not match the exchange")]
    InnerDataMismatch,
    /// An AES-IGE answer is not whole blocks, or its SHA1 does not match.
    #[error("the encrypted answer's hash does not match")]
    BadAnswerHash,
    /// The server offers a prime or generator the client does not accept.
    #[error("the DH prime or generator is not acceptable")]
    BadDhParameters,
    /// `g_a` or `g_b` is outside `[2^{2048-64}, p - 2^{2048-64}]`.
    #[error("{0:?} is out of range")]
    DhValueOutOfRange(DhValue),
    /// `retry_id` is not the one this attempt allows.
    #[error("retry_id {found:#018x} where {expected:#018x} was due")]
    WrongRetryId {
        /// The id due.
        expected: u64,
        /// The id sent.
        found: u64,
    },
    /// The new key's id was taken again after every `dh_gen_retry` allowed.
    #[error("the key id was taken after {} dh_gen_retry", super::server::MAX_DH_GEN_RETRIES)]
    TooManyRetries,
    /// `new_nonce_hash` does not match the key (or `new_nonce`).
    #[error("new_nonce_hash does not match")]
    BadNewNonceHash,
    /// The server refused: `server_DH_params_fail`, `dh_gen_retry` or `dh_gen_fail`.
    #[error("the server refused with {0}")]
    Refused(&'static str),
}

/// What this side cannot do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalError {
    /// A message arrived after the exchange ended (made a key or failed).
    #[error("the key exchange is over")]
    Finished,
    /// `p_q_inner_data` is too long for RSA_PAD (a bug: it never is).
    #[error("p_q_inner_data does not fit the RSA block")]
    InnerDataTooLong,
}

/// `nonce` and `server_nonce` as echoed, against the ones this side holds.
pub(crate) fn check_nonces(expected: (&Nonce, &Nonce), found: (&Nonce, &Nonce)) -> Result<(), PeerError> {
    if expected.0 != found.0 {
        Err(PeerError::WrongNonce)
    } else if expected.1 != found.1 {
        Err(PeerError::WrongServerNonce)
    } else {
        Ok(())
    }
}
