//! The server's RSA key: what `req_DH_params.encrypted_data` is encrypted
//! to, its fingerprint, and the two ways clients pad `p_q_inner_data`.
//!
//! - RSA_PAD (current docs): `temp_key_xor ‖ AES-IGE(reverse(data ‖
//!   padding to 192) ‖ SHA256(temp_key ‖ data ‖ padding), temp_key, 0)`.
//! - The older SHA1 scheme, which Telethon 1.45 still sends:
//!   `SHA1(data) ‖ data ‖ random` to 255 bytes.
//!
//! Both are raw RSA (no PKCS#1 padding) over 256 big-endian bytes. The
//! server tries RSA_PAD first, then the SHA1 scheme.

use rand_chacha_for_rsa::rand_core::SeedableRng as LegacySeedableRng;
use rand_core::RngCore;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::messages::PqInnerData;
use crate::crypto::{ige_decrypt, ige_encrypt};
use crate::wire::Writer;

/// Bytes of an RSA block (2048-bit keys).
pub const RSA_BLOCK_BYTES: usize = 256;
/// RSA_PAD pads the data to this many bytes.
const PADDED_DATA_BYTES: usize = 192;
/// The SHA1 scheme's data plus hash plus padding.
const SHA1_SCHEME_BYTES: usize = 255;

/// A server's RSA private key and its fingerprint.
#[derive(Clone)]
pub struct ServerRsaKey {
    private: RsaPrivateKey,
    public: ServerPublicKey,
}

impl std::fmt::Debug for ServerRsaKey {
    // Never print the private key.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "ServerRsaKey({:#018x})", self.public.fingerprint)
    }
}

/// A server's RSA public key as a client holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerPublicKey {
    key: RsaPublicKey,
    fingerprint: u64,
}

/// The big-endian bytes of `value` without leading zeros.
pub(crate) fn minimal_bytes(value: &BigUint) -> Vec<u8> {
    value.to_bytes_be()
}

/// `value` as exactly `N` big-endian bytes, if it fits.
pub(crate) fn fixed_bytes<const N: usize>(value: &BigUint) -> Option<[u8; N]> {
    let bytes = value.to_bytes_be();
    let mut out = [0u8; N];
    out.get_mut(N.checked_sub(bytes.len())?..)?.copy_from_slice(&bytes);
    Some(out)
}

impl ServerPublicKey {
    /// Wrap an RSA public key, computing its fingerprint: the lower 64 bits
    /// of `SHA1(rsa_public_key n:string e:string)` (its last 8 bytes, little-endian).
    pub fn new(key: RsaPublicKey) -> ServerPublicKey {
        let mut writer = Writer::new();
        writer.bytes(&minimal_bytes(key.n())).bytes(&minimal_bytes(key.e()));
        let digest = Sha1::digest(writer.finish());
        let mut low = [0u8; 8];
        low.copy_from_slice(&digest[12..20]);
        ServerPublicKey {
            key,
            fingerprint: u64::from_le_bytes(low),
        }
    }

    /// Read a PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`).
    pub fn from_pem(pem: &str) -> Result<ServerPublicKey, rsa::pkcs1::Error> {
        RsaPublicKey::from_pkcs1_pem(pem).map(ServerPublicKey::new)
    }

    /// The PKCS#1 PEM, as Telethon's `telethon.crypto.rsa.add_key` takes it.
    pub fn to_pem(&self) -> Result<String, rsa::pkcs1::Error> {
        self.key.to_pkcs1_pem(LineEnding::LF)
    }

    /// The fingerprint `resPQ` lists and `req_DH_params` names.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn raw_encrypt(&self, block: &[u8; RSA_BLOCK_BYTES]) -> Option<[u8; RSA_BLOCK_BYTES]> {
        let message = BigUint::from_bytes_be(block);
        if &message >= self.key.n() {
            return None;
        }
        fixed_bytes(&message.modpow(self.key.e(), self.key.n()))
    }

    /// RSA_PAD-encrypt `data` (at most 144 bytes); `None` when it is longer.
    pub fn encrypt_rsa_pad(&self, data: &[u8], rng: &mut impl RngCore) -> Option<[u8; RSA_BLOCK_BYTES]> {
        let mut padded = [0u8; PADDED_DATA_BYTES];
        padded.get_mut(..data.len())?.copy_from_slice(data);
        rng.fill_bytes(&mut padded[data.len()..]);
        let mut reversed = padded;
        reversed.reverse();
        // A key_aes_encrypted at or above the modulus is retried with
        // another temp_key; with a 2048-bit modulus that is rare.
        for _ in 0..64 {
            let mut temp_key = [0u8; 32];
            rng.fill_bytes(&mut temp_key);
            let hash = Sha256::new().chain_update(temp_key).chain_update(padded).finalize();
            let mut with_hash = reversed.to_vec();
            with_hash.extend_from_slice(&hash);
            let aes_encrypted = ige_encrypt(&temp_key, &[0; 32], &with_hash);
            let mask = Sha256::digest(&aes_encrypted);
            let mut block = [0u8; RSA_BLOCK_BYTES];
            for (index, byte) in block[..32].iter_mut().enumerate() {
                *byte = temp_key[index] ^ mask[index];
            }
            block[32..].copy_from_slice(&aes_encrypted);
            if let Some(encrypted) = self.raw_encrypt(&block) {
                return Some(encrypted);
            }
        }
        None
    }

    /// The older scheme: `SHA1(data) ‖ data ‖ random` to 255 bytes (at most 235 bytes of data).
    pub fn encrypt_sha1_padded(&self, data: &[u8], rng: &mut impl RngCore) -> Option<[u8; RSA_BLOCK_BYTES]> {
        let mut block = [0u8; RSA_BLOCK_BYTES];
        let body = &mut block[RSA_BLOCK_BYTES - SHA1_SCHEME_BYTES..];
        body[..20].copy_from_slice(&Sha1::digest(data));
        body.get_mut(20..20 + data.len())?.copy_from_slice(data);
        rng.fill_bytes(&mut body[20 + data.len()..]);
        self.raw_encrypt(&block)
    }
}

impl ServerRsaKey {
    /// A fresh 2048-bit key (`e = 65537`) drawn from `rng`.
    pub fn generate(rng: &mut impl RngCore) -> Result<ServerRsaKey, rsa::Error> {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        let mut legacy = rand_chacha_for_rsa::ChaCha20Rng::from_seed(seed);
        RsaPrivateKey::new(&mut legacy, 2048).map(ServerRsaKey::from_private)
    }

    /// Wrap an existing private key.
    pub fn from_private(private: RsaPrivateKey) -> ServerRsaKey {
        let public = ServerPublicKey::new(private.to_public_key());
        ServerRsaKey { private, public }
    }

    /// The public half.
    pub fn public_key(&self) -> &ServerPublicKey {
        &self.public
    }

    /// The fingerprint `resPQ` lists.
    pub fn fingerprint(&self) -> u64 {
        self.public.fingerprint
    }

    fn raw_decrypt(&self, encrypted: &[u8]) -> Option<[u8; RSA_BLOCK_BYTES]> {
        if encrypted.len() != RSA_BLOCK_BYTES {
            return None;
        }
        let cipher = BigUint::from_bytes_be(encrypted);
        if &cipher >= self.private.n() {
            return None;
        }
        fixed_bytes(&cipher.modpow(self.private.d(), self.private.n()))
    }

    /// The `p_q_inner_data` in `encrypted_data`, under either padding
    /// scheme; `None` when neither opens (a wrong key, or forged data).
    pub fn decrypt_inner_data(&self, encrypted: &[u8]) -> Option<PqInnerData> {
        let block = self.raw_decrypt(encrypted)?;
        open_rsa_pad(&block).or_else(|| open_sha1_padded(&block))
    }
}

fn open_rsa_pad(block: &[u8; RSA_BLOCK_BYTES]) -> Option<PqInnerData> {
    let (temp_key_xor, aes_encrypted) = block.split_at(32);
    let mask = Sha256::digest(aes_encrypted);
    let mut temp_key = [0u8; 32];
    for (index, byte) in temp_key.iter_mut().enumerate() {
        *byte = temp_key_xor[index] ^ mask[index];
    }
    let with_hash = ige_decrypt(&temp_key, &[0; 32], aes_encrypted);
    let (reversed, hash) = with_hash.split_at(PADDED_DATA_BYTES);
    let mut padded = reversed.to_vec();
    padded.reverse();
    let expected = Sha256::new().chain_update(temp_key).chain_update(&padded).finalize();
    if expected.as_slice() != hash {
        return None;
    }
    PqInnerData::decode_prefix(&padded).ok().map(|(value, _)| value)
}

fn open_sha1_padded(block: &[u8; RSA_BLOCK_BYTES]) -> Option<PqInnerData> {
    if block[0] != 0 {
        return None;
    }
    let (hash, data) = block[1..].split_at(20);
    let (value, length) = PqInnerData::decode_prefix(data).ok()?;
    (Sha1::digest(&data[..length]).as_slice() == hash).then_some(value)
}
