//! The Diffie-Hellman half: Telegram's 2048-bit safe prime with `g = 3`,
//! the range checks both sides make, and what the nonces derive.

use rand_core::RngCore;
use rsa::BigUint;
use sha1::{Digest, Sha1};

use super::messages::{NewNonce, Nonce};
use super::rsa_key::fixed_bytes;
use crate::crypto::AUTH_KEY_BYTES;

/// Telegram's DH prime (a 2048-bit safe prime), big-endian.
pub const DH_PRIME_HEX: &str = concat!(
    "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F",
    "48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37",
    "20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64",
    "2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4",
    "A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754",
    "FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4",
    "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F",
    "0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B",
);

/// The generator the server offers.
pub const DH_GENERATOR: u32 = 3;

/// The prime as a number.
pub fn dh_prime() -> BigUint {
    // The constant is valid hex; an empty result cannot happen.
    BigUint::parse_bytes(DH_PRIME_HEX.as_bytes(), 16).unwrap_or_default()
}

/// Whether `g` generates the subgroup of order `(p − 1) / 2` for the
/// known prime, by the conditions the docs give for `g` in 2..=7.
pub fn generator_is_acceptable(g: u32, prime: &BigUint) -> bool {
    // Every modulus is below 256, so the residue is its lowest byte.
    let residue = |modulus: u32| u32::from((prime % BigUint::from(modulus)).to_bytes_le()[0]);
    match g {
        2 => residue(8) == 7,
        3 => residue(3) == 2,
        4 => true,
        5 => matches!(residue(5), 1 | 4),
        6 => matches!(residue(24), 19 | 23),
        7 => matches!(residue(7), 3 | 5 | 6),
        _ => false,
    }
}

/// `1 < value < p − 1` and `2^{2048−64} ≤ value ≤ p − 2^{2048−64}`.
pub fn public_value_in_range(value: &BigUint, prime: &BigUint) -> bool {
    let one = BigUint::from(1u32);
    let margin = one.clone() << (2048 - 64);
    if value <= &one || value >= &(prime - &one) {
        return false;
    }
    value >= &margin && value <= &(prime - &margin)
}

/// A secret exponent and its public value `g^x mod p`, drawn until the
/// public value is in range.
pub(crate) fn generate_secret(rng: &mut impl RngCore, g: u32, prime: &BigUint) -> (BigUint, BigUint) {
    loop {
        let mut bytes = [0u8; AUTH_KEY_BYTES];
        rng.fill_bytes(&mut bytes);
        let secret = BigUint::from_bytes_be(&bytes);
        let public = BigUint::from(g).modpow(&secret, prime);
        if public_value_in_range(&public, prime) {
            return (secret, public);
        }
    }
}

/// `peer^secret mod p` as the 256 big-endian bytes of an auth key.
pub(crate) fn shared_key_bytes(peer: &BigUint, secret: &BigUint, prime: &BigUint) -> [u8; AUTH_KEY_BYTES] {
    // Below a 2048-bit prime, so it always fits.
    fixed_bytes(&peer.modpow(secret, prime)).unwrap_or([0; AUTH_KEY_BYTES])
}

/// `(tmp_aes_key, tmp_aes_iv)` from the nonces:
/// `key = SHA1(new ‖ server) ‖ SHA1(server ‖ new)[0..12]`,
/// `iv = SHA1(server ‖ new)[12..20] ‖ SHA1(new ‖ new) ‖ new[0..4]`.
pub fn temporary_aes_key_iv(server_nonce: &Nonce, new_nonce: &NewNonce) -> ([u8; 32], [u8; 32]) {
    let first = Sha1::new()
        .chain_update(new_nonce)
        .chain_update(server_nonce)
        .finalize();
    let second = Sha1::new()
        .chain_update(server_nonce)
        .chain_update(new_nonce)
        .finalize();
    let third = Sha1::new().chain_update(new_nonce).chain_update(new_nonce).finalize();
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(&first);
    key[20..].copy_from_slice(&second[..12]);
    let mut iv = [0u8; 32];
    iv[..8].copy_from_slice(&second[12..]);
    iv[8..28].copy_from_slice(&third);
    iv[28..].copy_from_slice(&new_nonce[..4]);
    (key, iv)
}

/// `new_nonce_hash{number}`: `SHA1(new_nonce ‖ number ‖ auth_key_aux_hash)[4..20]`.
pub fn new_nonce_hash(new_nonce: &NewNonce, number: u8, aux_hash: u64) -> [u8; 16] {
    let digest = Sha1::new()
        .chain_update(new_nonce)
        .chain_update([number])
        .chain_update(aux_hash.to_le_bytes())
        .finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[4..20]);
    out
}

/// `server_DH_params_fail`'s hash: `SHA1(new_nonce)[4..20]`.
pub(crate) fn params_fail_hash(new_nonce: &NewNonce) -> [u8; 16] {
    let digest = Sha1::digest(new_nonce);
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[4..20]);
    out
}

/// The first server salt: `new_nonce[0..8] XOR server_nonce[0..8]`, little-endian.
pub fn first_server_salt(new_nonce: &NewNonce, server_nonce: &Nonce) -> u64 {
    let mut salt = [0u8; 8];
    for (index, byte) in salt.iter_mut().enumerate() {
        *byte = new_nonce[index] ^ server_nonce[index];
    }
    u64::from_le_bytes(salt)
}
