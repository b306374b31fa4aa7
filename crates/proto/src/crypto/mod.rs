//! MTProto 2.0 cryptography: auth keys, `msg_key`, AES key/IV derivation and
//! AES-256-IGE, built on RustCrypto's `sha1`, `sha2`, `aes` and `ige`.
//!
//! The public API is fixed because outside test vectors are checked against
//! it (see `tests/it/crypto_vectors.rs`). Packets produced here are
//! `auth_key_id (8) ‖ msg_key (16) ‖ ciphertext`, as on the wire.

use crate::id::AuthKeyId;
use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use rand_core::RngCore;
use sha1::Sha1;
use sha2::{Digest, Sha256};

mod v1;

pub use v1::{decrypt_v1, encrypt_v1};

/// Bytes in an auth key (2048 bits).
pub const AUTH_KEY_BYTES: usize = 256;
/// Bytes in `msg_key`.
pub const MSG_KEY_BYTES: usize = 16;
/// Bytes before the ciphertext: `auth_key_id` and `msg_key`.
pub const PACKET_HEADER_BYTES: usize = 8 + MSG_KEY_BYTES;
/// MTProto 2.0 requires at least 12 bytes of padding...
pub const MIN_PADDING_BYTES: usize = 12;
/// ...and at most 1024.
pub const MAX_PADDING_BYTES: usize = 1024;
/// AES block size; plaintext plus padding must be a multiple of it.
pub const BLOCK_BYTES: usize = 16;

type Aes256IgeEncryptor = ige::Encryptor<aes::Aes256>;
type Aes256IgeDecryptor = ige::Decryptor<aes::Aes256>;

/// A 2048-bit authorization key shared by one client and one datacenter.
///
/// The bytes are shared: a key is held by the client's DC link, its
/// session, the server's key table and the simulator's records at once,
/// and a clone is a reference count, not 256 bytes more for each holder.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey {
    bytes: std::sync::Arc<[u8; AUTH_KEY_BYTES]>,
    id: AuthKeyId,
    aux_hash: u64,
}

impl std::fmt::Debug for AuthKey {
    // Never print key material: only the public id.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "AuthKey({:#018x})", self.id)
    }
}

impl AuthKey {
    /// Wrap raw key bytes, computing `auth_key_id` and `aux_hash` once.
    pub fn from_bytes(bytes: [u8; AUTH_KEY_BYTES]) -> AuthKey {
        let digest = Sha1::digest(bytes);
        let id = AuthKeyId::new(u64::from_le_bytes(array_at(&digest, 12)));
        let aux_hash = u64::from_le_bytes(array_at(&digest, 0));
        AuthKey {
            bytes: std::sync::Arc::new(bytes),
            id,
            aux_hash,
        }
    }

    /// A fresh random key (the result of a DH exchange, as far as the simulator cares).
    pub fn generate(rng: &mut impl RngCore) -> AuthKey {
        let mut bytes = [0u8; AUTH_KEY_BYTES];
        rng.fill_bytes(&mut bytes);
        AuthKey::from_bytes(bytes)
    }

    /// `auth_key_id`: bytes 12..20 of SHA1(auth_key), little-endian.
    pub fn id(&self) -> AuthKeyId {
        self.id
    }

    /// `aux_hash`: bytes 0..8 of SHA1(auth_key), little-endian.
    pub fn aux_hash(&self) -> u64 {
        self.aux_hash
    }

    /// The raw key bytes (needed to copy a "session file").
    pub fn bytes(&self) -> &[u8; AUTH_KEY_BYTES] {
        &self.bytes
    }
}

/// Which way a message travels; selects `x` in the key derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// x = 0.
    ClientToServer,
    /// x = 8.
    ServerToClient,
}

impl Direction {
    fn x(self) -> usize {
        match self {
            Direction::ClientToServer => 0,
            Direction::ServerToClient => 8,
        }
    }
}

/// Why a packet could not be decrypted. Every variant is something a peer
/// or an attacker can cause, so none of them panics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The packet is shorter than `auth_key_id`, `msg_key` and one AES block.
    #[error("packet of {length} bytes is too short for an encrypted message")]
    TooShort {
        /// The packet's length in bytes.
        length: usize,
    },
    /// The packet's `auth_key_id` names another key.
    #[error("auth_key_id {found:#018x} does not match the key {expected:#018x}")]
    WrongKeyId {
        /// The id of the key the packet was decrypted with.
        expected: AuthKeyId,
        /// The `auth_key_id` the packet carries.
        found: AuthKeyId,
    },
    /// The ciphertext is not whole 16-byte AES blocks.
    #[error("ciphertext of {length} bytes is not a multiple of 16")]
    BadLength {
        /// The ciphertext's length in bytes.
        length: usize,
    },
    /// The `msg_key` does not match the SHA-256 of the decrypted data: a forged or corrupted packet.
    #[error("msg_key does not match the decrypted data")]
    MsgKeyMismatch,
}

/// `(aes_key, aes_iv)` for `msg_key` and `direction`, per MTProto 2.0.
pub fn derive_aes_key_iv(key: &AuthKey, msg_key: &[u8; 16], direction: Direction) -> ([u8; 32], [u8; 32]) {
    let x = direction.x();
    let auth = &key.bytes;
    let a: [u8; 32] = Sha256::new()
        .chain_update(msg_key)
        .chain_update(&auth[x..x + 36])
        .finalize()
        .into();
    let b: [u8; 32] = Sha256::new()
        .chain_update(&auth[40 + x..76 + x])
        .chain_update(msg_key)
        .finalize()
        .into();
    let mut aes_key = [0u8; 32];
    aes_key[..8].copy_from_slice(&a[..8]);
    aes_key[8..24].copy_from_slice(&b[8..24]);
    aes_key[24..].copy_from_slice(&a[24..32]);
    let mut aes_iv = [0u8; 32];
    aes_iv[..8].copy_from_slice(&b[..8]);
    aes_iv[8..24].copy_from_slice(&a[8..24]);
    aes_iv[24..].copy_from_slice(&b[24..32]);
    (aes_key, aes_iv)
}

/// `msg_key = SHA256(auth_key[88+x..120+x] ‖ plaintext ‖ padding)[8..24]`.
fn compute_msg_key(key: &AuthKey, direction: Direction, padded_plaintext: &[u8]) -> [u8; 16] {
    let x = direction.x();
    let large = Sha256::new()
        .chain_update(&key.bytes[88 + x..120 + x])
        .chain_update(padded_plaintext)
        .finalize();
    array_at(&large, 8)
}

/// How many padding bytes MTProto 2.0 needs after `plaintext_len` bytes when
/// `extra_blocks` more 16-byte blocks are added to hide the length.
pub fn padding_length(plaintext_len: usize, extra_blocks: usize) -> usize {
    let base = MIN_PADDING_BYTES + (BLOCK_BYTES - (plaintext_len + MIN_PADDING_BYTES) % BLOCK_BYTES) % BLOCK_BYTES;
    let most_extra = (MAX_PADDING_BYTES - base) / BLOCK_BYTES;
    base + extra_blocks.min(most_extra) * BLOCK_BYTES
}

/// Encrypt `plaintext ‖ padding` into `auth_key_id ‖ msg_key ‖ ciphertext`.
///
/// # Panics
/// When `padding` is not 12..=1024 bytes or the total is not a multiple of
/// 16: the caller chose the padding, so that is a caller bug.
pub fn encrypt_with_padding(key: &AuthKey, direction: Direction, plaintext: &[u8], padding: &[u8]) -> Vec<u8> {
    assert!(
        (MIN_PADDING_BYTES..=MAX_PADDING_BYTES).contains(&padding.len()),
        "padding must be 12..=1024 bytes, got {}",
        padding.len()
    );
    assert!(
        (plaintext.len() + padding.len()) % BLOCK_BYTES == 0,
        "plaintext + padding must be a multiple of 16"
    );
    seal(key, direction, plaintext, padding.len(), |tail| {
        tail.copy_from_slice(padding)
    })
}

/// Encrypt with random padding of the minimal length drawn from `rng`.
pub fn encrypt(key: &AuthKey, direction: Direction, plaintext: &[u8], rng: &mut impl RngCore) -> Vec<u8> {
    let padding_bytes = padding_length(plaintext.len(), 0);
    seal(key, direction, plaintext, padding_bytes, |tail| rng.fill_bytes(tail))
}

/// The packet `auth_key_id | msg_key | AES-IGE(plaintext | padding)`,
/// built in one buffer and encrypted in place: every packet of a run
/// goes through here, and the four buffers this took before (padding,
/// padded plaintext, ciphertext, packet) were a tenth of a run's
/// allocations. `pad` writes the `padding_bytes` of padding.
fn seal(
    key: &AuthKey,
    direction: Direction,
    plaintext: &[u8],
    padding_bytes: usize,
    pad: impl FnOnce(&mut [u8]),
) -> Vec<u8> {
    let padded_bytes = plaintext.len() + padding_bytes;
    debug_assert_eq!(padded_bytes % BLOCK_BYTES, 0);
    let mut packet = vec![0u8; PACKET_HEADER_BYTES + padded_bytes];
    packet[..8].copy_from_slice(&key.id.get().to_le_bytes());
    let body = &mut packet[PACKET_HEADER_BYTES..];
    body[..plaintext.len()].copy_from_slice(plaintext);
    pad(&mut body[plaintext.len()..]);
    let msg_key = compute_msg_key(key, direction, body);
    let (aes_key, aes_iv) = derive_aes_key_iv(key, &msg_key, direction);
    let encrypted = Aes256IgeEncryptor::new((&aes_key).into(), (&aes_iv).into())
        .encrypt_padded_mut::<NoPadding>(body, padded_bytes)
        .map(<[u8]>::len)
        .ok();
    // NoPadding over whole blocks cannot fail: the length is checked above.
    assert_eq!(encrypted, Some(padded_bytes), "IGE input must be whole blocks");
    packet[8..PACKET_HEADER_BYTES].copy_from_slice(&msg_key);
    packet
}

/// The `auth_key_id` a packet claims, if it is long enough to claim one.
pub fn packet_key_id(packet: &[u8]) -> Option<AuthKeyId> {
    packet
        .get(..8)
        .map(|bytes| AuthKeyId::new(u64::from_le_bytes(array_at(bytes, 0))))
}

/// A packet's `msg_key` and whole-block ciphertext, once its length and
/// `auth_key_id` (it must be `key`'s) are checked.
fn split_packet<'a>(key: &AuthKey, packet: &'a [u8]) -> Result<([u8; MSG_KEY_BYTES], &'a [u8]), CryptoError> {
    if packet.len() < PACKET_HEADER_BYTES + BLOCK_BYTES {
        return Err(CryptoError::TooShort { length: packet.len() });
    }
    let found = AuthKeyId::new(u64::from_le_bytes(array_at(packet, 0)));
    if found != key.id {
        return Err(CryptoError::WrongKeyId {
            expected: key.id,
            found,
        });
    }
    let ciphertext = &packet[PACKET_HEADER_BYTES..];
    if ciphertext.len() % BLOCK_BYTES != 0 {
        return Err(CryptoError::BadLength {
            length: ciphertext.len(),
        });
    }
    Ok((array_at(packet, 8), ciphertext))
}

/// Decrypt a packet; returns plaintext plus padding.
pub fn decrypt(key: &AuthKey, direction: Direction, packet: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (msg_key, ciphertext) = split_packet(key, packet)?;
    let (aes_key, aes_iv) = derive_aes_key_iv(key, &msg_key, direction);
    let padded = ige_decrypt(&aes_key, &aes_iv, ciphertext);
    // Constant-time comparison is not needed in a simulator, but costs nothing.
    let expected = compute_msg_key(key, direction, &padded);
    let difference = expected
        .iter()
        .zip(msg_key.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if difference != 0 {
        return Err(CryptoError::MsgKeyMismatch);
    }
    Ok(padded)
}

/// AES-256-IGE encryption of whole blocks.
///
/// # Panics
/// When `data` is not a multiple of 16 bytes (a caller bug).
pub fn ige_encrypt(key: &[u8; 32], iv: &[u8; 32], data: &[u8]) -> Vec<u8> {
    assert!(data.len() % BLOCK_BYTES == 0, "IGE input must be whole blocks");
    Aes256IgeEncryptor::new(key.into(), iv.into()).encrypt_padded_vec_mut::<NoPadding>(data)
}

/// AES-256-IGE decryption of whole blocks.
///
/// # Panics
/// When `data` is not a multiple of 16 bytes (a caller bug; [`decrypt`]
/// checks lengths first).
pub fn ige_decrypt(key: &[u8; 32], iv: &[u8; 32], data: &[u8]) -> Vec<u8> {
    assert!(data.len() % BLOCK_BYTES == 0, "IGE input must be whole blocks");
    match Aes256IgeDecryptor::new(key.into(), iv.into()).decrypt_padded_vec_mut::<NoPadding>(data) {
        Ok(plaintext) => plaintext,
        // NoPadding never fails on whole blocks; the assert above guarantees them.
        Err(_) => unreachable!("NoPadding unpadding cannot fail on whole blocks"),
    }
}

/// `N` bytes of `slice` from `offset`. Callers check lengths first.
pub(crate) fn array_at<const N: usize>(slice: &[u8], offset: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&slice[offset..offset + N]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counting_key() -> AuthKey {
        AuthKey::from_bytes(std::array::from_fn(|i| i as u8))
    }

    #[test]
    fn padding_length_is_in_range_and_aligns() {
        for len in 0..200 {
            for extra in [0, 1, 70] {
                let padding = padding_length(len, extra);
                assert!((MIN_PADDING_BYTES..=MAX_PADDING_BYTES).contains(&padding));
                assert_eq!((len + padding) % 16, 0);
            }
        }
        assert_eq!(padding_length(45, 0), 19);
        assert_eq!(padding_length(4, 0), 12);
    }

    #[test]
    fn round_trip_both_directions() {
        let key = counting_key();
        for direction in [Direction::ClientToServer, Direction::ServerToClient] {
            let padding = [7u8; 12];
            let packet = encrypt_with_padding(&key, direction, b"abcd", &padding);
            let padded = decrypt(&key, direction, &packet).expect("round trip");
            assert_eq!(&padded[..4], b"abcd");
            assert_eq!(&padded[4..], &padding);
        }
    }

    #[test]
    fn decrypt_rejects_wrong_direction_key_and_tampering() {
        let key = counting_key();
        let packet = encrypt_with_padding(&key, Direction::ClientToServer, b"abcd", &[0; 12]);
        assert_eq!(
            decrypt(&key, Direction::ServerToClient, &packet),
            Err(CryptoError::MsgKeyMismatch)
        );
        let other = AuthKey::from_bytes([9; 256]);
        assert!(matches!(
            decrypt(&other, Direction::ClientToServer, &packet),
            Err(CryptoError::WrongKeyId { .. })
        ));
        let mut tampered = packet.clone();
        tampered[30] ^= 1;
        assert_eq!(
            decrypt(&key, Direction::ClientToServer, &tampered),
            Err(CryptoError::MsgKeyMismatch)
        );
        let two_blocks = encrypt_with_padding(&key, Direction::ClientToServer, b"abcd", &[0; 28]);
        assert_eq!(
            decrypt(&key, Direction::ClientToServer, &two_blocks[..two_blocks.len() - 1]),
            Err(CryptoError::BadLength { length: 31 })
        );
        assert_eq!(
            decrypt(&key, Direction::ClientToServer, &packet[..20]),
            Err(CryptoError::TooShort { length: 20 })
        );
    }

    #[test]
    #[should_panic(expected = "padding must be 12..=1024 bytes")]
    fn short_padding_is_a_caller_bug() {
        encrypt_with_padding(&counting_key(), Direction::ClientToServer, &[0; 8], &[0; 8]);
    }

    #[test]
    #[should_panic(expected = "multiple of 16")]
    fn misaligned_padding_is_a_caller_bug() {
        encrypt_with_padding(&counting_key(), Direction::ClientToServer, &[0; 5], &[0; 12]);
    }
}
