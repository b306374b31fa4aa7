//! The binding message of `auth.bindTempAuthKey` (api/pfs): a
//! `bind_auth_key_inner` wrapped as an MTProto 1.0 message and encrypted
//! with the *permanent* key, so that only a holder of the permanent key can
//! bind a temp key to it (the permanent key's id travels in clear in every
//! packet, so the id alone proves nothing).
//!
//! Plaintext: `random (16) ‖ msg_id (8) ‖ seqno = 0 (4) ‖ length = 40 (4) ‖
//! bind_auth_key_inner (40)`, then MTProto 1.0 padding. `msg_id` is the id
//! of the `auth.bindTempAuthKey` request itself, which the server checks.

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::crypto::{decrypt_v1, encrypt_v1, AuthKey, CryptoError, Direction};
use crate::wire::api::{BindAuthKeyInner, TlObject};

/// Bytes of the inner message (its constructor and five fields).
pub const BIND_INNER_BYTES: usize = 40;
/// Bytes before the inner message: random, msg_id, seqno, length.
const HEADER_BYTES: usize = 16 + 8 + 4 + 4;

/// Why a binding message was refused: each is `ENCRYPTED_MESSAGE_INVALID`
/// to the client, and each is something a peer can cause.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BindMessageError {
    /// Not decryptable with the permanent key (wrong key, forged, cut).
    #[error("binding message does not decrypt with the permanent key: {0}")]
    Crypto(#[from] CryptoError),
    /// The message's msg_id is not the request's.
    #[error("binding message names msg_id {found:#x}, the request is {expected:#x}")]
    WrongMsgId {
        /// The request's msg_id.
        expected: u64,
        /// The one inside the binding message.
        found: u64,
    },
    /// seqno is not 0 or the length is not that of `bind_auth_key_inner`.
    #[error("binding message header is malformed")]
    MalformedHeader,
    /// The inner message does not decode.
    #[error("binding message body is not a bind_auth_key_inner")]
    NotBindInner,
}

/// Encrypt `inner` with `perm_key` for the request `msg_id`. The random
/// prefix and padding come from a stream seeded by `seed`, so a client can
/// re-encrypt a binding under a new msg_id without an RNG at hand.
pub fn seal_bind_message(perm_key: &AuthKey, msg_id: u64, inner: &BindAuthKeyInner, seed: u64) -> Vec<u8> {
    let mut stream = ChaCha8Rng::seed_from_u64(seed ^ msg_id);
    let mut plaintext = vec![0u8; 16];
    stream.fill_bytes(&mut plaintext);
    plaintext.extend_from_slice(&msg_id.to_le_bytes());
    plaintext.extend_from_slice(&0u32.to_le_bytes());
    plaintext.extend_from_slice(&(BIND_INNER_BYTES as u32).to_le_bytes());
    plaintext.extend_from_slice(&inner.encode());
    let mut padding = [0u8; 16];
    stream.fill_bytes(&mut padding);
    encrypt_v1(perm_key, Direction::ClientToServer, &plaintext, &padding)
}

/// Decrypt and check a binding message sent in request `msg_id`.
pub fn open_bind_message(
    perm_key: &AuthKey,
    encrypted: &[u8],
    msg_id: u64,
) -> Result<BindAuthKeyInner, BindMessageError> {
    let plaintext = decrypt_v1(perm_key, Direction::ClientToServer, encrypted, |plaintext| {
        let length = plaintext.get(28..32)?;
        let length = u32::from_le_bytes([length[0], length[1], length[2], length[3]]) as usize;
        (length == BIND_INNER_BYTES).then_some(HEADER_BYTES + length)
    })?;
    let word = |offset: usize| {
        u32::from_le_bytes([
            plaintext[offset],
            plaintext[offset + 1],
            plaintext[offset + 2],
            plaintext[offset + 3],
        ])
    };
    let found = u64::from(word(16)) | (u64::from(word(20)) << 32);
    if found != msg_id {
        return Err(BindMessageError::WrongMsgId {
            expected: msg_id,
            found,
        });
    }
    if word(24) != 0 {
        return Err(BindMessageError::MalformedHeader);
    }
    BindAuthKeyInner::decode(&plaintext[HEADER_BYTES..HEADER_BYTES + BIND_INNER_BYTES])
        .map_err(|_| BindMessageError::NotBindInner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner() -> BindAuthKeyInner {
        BindAuthKeyInner {
            nonce: 77,
            temp_auth_key_id: 1,
            perm_auth_key_id: 2,
            temp_session_id: 3,
            expires_at: 86_400,
        }
    }

    #[test]
    fn a_sealed_binding_opens_with_the_same_key_and_msg_id() {
        let perm = AuthKey::from_bytes([5; 256]);
        let sealed = seal_bind_message(&perm, 0x6000_0000_0000_0004, &inner(), 9);
        assert_eq!(sealed.len(), 8 + 16 + 80, "72 bytes padded to 80");
        assert_eq!(open_bind_message(&perm, &sealed, 0x6000_0000_0000_0004), Ok(inner()));
    }

    #[test]
    fn another_key_msg_id_or_a_flipped_bit_is_refused() {
        let perm = AuthKey::from_bytes([5; 256]);
        let sealed = seal_bind_message(&perm, 8, &inner(), 9);
        let other = AuthKey::from_bytes([6; 256]);
        assert!(matches!(
            open_bind_message(&other, &sealed, 8),
            Err(BindMessageError::Crypto(CryptoError::WrongKeyId { .. }))
        ));
        assert_eq!(
            open_bind_message(&perm, &sealed, 12),
            Err(BindMessageError::WrongMsgId { expected: 12, found: 8 })
        );
        for index in 24..sealed.len() {
            let mut flipped = sealed.clone();
            flipped[index] ^= 0x10;
            assert!(open_bind_message(&perm, &flipped, 8).is_err(), "byte {index}");
        }
        assert!(open_bind_message(&perm, &[], 8).is_err());
    }

    #[test]
    fn resealing_under_a_new_msg_id_changes_the_ciphertext() {
        let perm = AuthKey::from_bytes([5; 256]);
        assert_ne!(
            seal_bind_message(&perm, 8, &inner(), 9),
            seal_bind_message(&perm, 12, &inner(), 9)
        );
    }
}
