//! The exchange's AES-IGE layer under `tmp_aes_key`/`tmp_aes_iv`:
//! `AES-IGE(SHA1(data) ‖ data ‖ 0–15 random bytes)`, for
//! `server_DH_inner_data` and `client_DH_inner_data`.

use rand_core::RngCore;
use sha1::{Digest, Sha1};

use super::error::PeerError;
use crate::crypto::{ige_decrypt, ige_encrypt, BLOCK_BYTES};
use crate::wire::DecodeError;

/// Encrypt `data` with its SHA1 in front and random padding to whole blocks.
pub(crate) fn seal_hashed(data: &[u8], key: &[u8; 32], iv: &[u8; 32], rng: &mut impl RngCore) -> Vec<u8> {
    let mut plain = Sha1::digest(data).to_vec();
    plain.extend_from_slice(data);
    let mut padding = vec![0u8; (BLOCK_BYTES - plain.len() % BLOCK_BYTES) % BLOCK_BYTES];
    rng.fill_bytes(&mut padding);
    plain.extend_from_slice(&padding);
    ige_encrypt(key, iv, &plain)
}

/// Decrypt and parse what [`seal_hashed`] made: the hash must match the
/// parsed value's bytes, and at most 15 bytes may follow them.
pub(crate) fn open_hashed<T>(
    encrypted: &[u8],
    key: &[u8; 32],
    iv: &[u8; 32],
    decode_prefix: impl Fn(&[u8]) -> Result<(T, usize), DecodeError>,
) -> Result<T, PeerError> {
    if encrypted.is_empty() || encrypted.len() % BLOCK_BYTES != 0 {
        return Err(PeerError::BadAnswerHash);
    }
    let plain = ige_decrypt(key, iv, encrypted);
    let (hash, data) = plain.split_at(20.min(plain.len()));
    let (value, length) = decode_prefix(data).map_err(|_| PeerError::BadAnswerHash)?;
    if data.len() - length >= BLOCK_BYTES || Sha1::digest(&data[..length]).as_slice() != hash {
        return Err(PeerError::BadAnswerHash);
    }
    Ok(value)
}
