//! The current worked example of core.telegram.org/mtproto/samples-auth_key
//! (`samples_auth_key.txt`), Diffie-Hellman included: every value the page
//! gives that does not need Telegram's RSA private key or the server's
//! secret `a` is recomputed here and must match byte for byte.

use std::collections::BTreeMap;

use rand_core::RngCore;
use rsa::BigUint;

use super::dh::{shared_key_bytes, temporary_aes_key_iv};
use super::hashed::{open_hashed, seal_hashed};
use super::rsa_key::minimal_bytes;
use super::*;

/// The page's values, by name.
fn sample() -> BTreeMap<&'static str, Vec<u8>> {
    include_str!("samples_auth_key.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (name, value) = line.split_once(" = ").expect("name = hex");
            let digits: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            (name, hex::decode(digits).expect("hex"))
        })
        .collect()
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.try_into().expect("length")
}

/// Yields the given bytes, then zeros: the page's "random" padding.
struct Given(Vec<u8>);

impl RngCore for Given {
    fn next_u32(&mut self) -> u32 {
        let mut bytes = [0; 4];
        self.fill_bytes(&mut bytes);
        u32::from_le_bytes(bytes)
    }
    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }
    fn fill_bytes(&mut self, out: &mut [u8]) {
        for byte in out.iter_mut() {
            *byte = if self.0.is_empty() { 0 } else { self.0.remove(0) };
        }
    }
}

/// The body of a server packet as the page prints it. The page's
/// `message_length` of server packets is wrong (resPQ says 184 for an
/// 80-byte body, dh_gen_ok 112 for 52), so the packet as printed is
/// refused, exactly, and the body is read from its fixed offset.
fn server_body(packet: &[u8], printed_length: usize) -> &[u8] {
    let body = &packet[PLAIN_HEADER_BYTES..];
    assert_eq!(
        open_plain_message(packet),
        Err(crate::wire::DecodeError::UnexpectedEnd {
            offset: PLAIN_HEADER_BYTES,
            needed: printed_length,
            remaining: body.len(),
        })
    );
    body
}

#[test]
fn the_first_round_trip_and_the_inner_data_match_the_page() {
    let sample = sample();
    let nonce: Nonce = array(&sample["nonce"]);
    let server_nonce: Nonce = array(&sample["server_nonce"]);
    let (message_id, data) = open_plain_message(&sample["req_pq_multi"]).expect("plain");
    assert_eq!(message_id, 0x65ab_c0fc_000d_f764);
    assert_eq!(ClientMessage::decode(data), Ok(ClientMessage::ReqPq { nonce }));
    let data = server_body(&sample["res_pq"], 184);
    let pq = 1_468_428_376_148_703_121u64;
    assert_eq!(
        ServerMessage::decode(data),
        Ok(ServerMessage::ResPq {
            nonce,
            server_nonce,
            pq: pq.to_be_bytes().to_vec(),
            fingerprints: vec![0x0bc3_5f35_09f7_b7a5, 0xc3b4_2b02_6ce8_6b21, 0xd09d_1d85_de64_fd85],
        })
    );
    assert_eq!(factorize_pq(pq), Some((1_008_949_199, 1_455_403_679)));
    let inner = PqInnerData {
        pq: pq.to_be_bytes().to_vec(),
        p: 1_008_949_199u32.to_be_bytes().to_vec(),
        q: 1_455_403_679u32.to_be_bytes().to_vec(),
        nonce,
        server_nonce,
        new_nonce: array(&sample["new_nonce"]),
        dc: Some(2),
        expires_in_seconds: None,
    };
    assert_eq!(inner.encode(), sample["p_q_inner_data_dc"]);
    assert_eq!(
        PqInnerData::decode_prefix(&sample["p_q_inner_data_dc"]),
        Ok((inner, 100))
    );
}

#[test]
fn the_diffie_hellman_half_matches_the_page() {
    let sample = sample();
    let nonce: Nonce = array(&sample["nonce"]);
    let server_nonce: Nonce = array(&sample["server_nonce"]);
    let new_nonce: NewNonce = array(&sample["new_nonce"]);
    let (key, iv) = temporary_aes_key_iv(&server_nonce, &new_nonce);
    assert_eq!(
        (key.to_vec(), iv.to_vec()),
        (sample["tmp_aes_key"].clone(), sample["tmp_aes_iv"].clone())
    );

    // server_DH_params_ok opens to the page's server_DH_inner_data.
    let answer = open_hashed(&sample["encrypted_answer"], &key, &iv, ServerDhInnerData::decode_prefix)
        .expect("the hash matches");
    assert_eq!(answer.encode(), sample["answer"]);
    assert_eq!((answer.nonce, answer.server_nonce), (nonce, server_nonce));
    assert_eq!((answer.g, answer.server_time), (DH_GENERATOR, 1_705_754_877));
    let prime = dh_prime();
    assert_eq!(
        BigUint::from_bytes_be(&answer.dh_prime),
        prime,
        "Telegram's prime is ours"
    );
    let g_a = BigUint::from_bytes_be(&answer.g_a);
    assert!(public_value_in_range(&g_a, &prime));

    // The client's b gives the page's g_b and auth key.
    let b = BigUint::from_bytes_be(&sample["b"]);
    let g_b = BigUint::from(answer.g).modpow(&b, &prime);
    assert_eq!(minimal_bytes(&g_b), sample["g_b"]);
    let auth_key = crate::crypto::AuthKey::from_bytes(shared_key_bytes(&g_a, &b, &prime));
    assert_eq!(auth_key.bytes().to_vec(), sample["auth_key"]);

    // client_DH_inner_data, sealed with the page's padding.
    let client_inner = ClientDhInnerData {
        nonce,
        server_nonce,
        retry_id: 0,
        g_b: minimal_bytes(&g_b),
    };
    assert_eq!(client_inner.encode(), sample["client_dh_inner_data"]);
    let mut padding = Given(sample["client_padding"].clone());
    let sealed = seal_hashed(&client_inner.encode(), &key, &iv, &mut padding);
    assert_eq!(sealed, sample["client_encrypted_data"]);

    // dh_gen_ok carries new_nonce_hash1 of this key.
    let data = server_body(&sample["dh_gen_ok"], 112);
    assert_eq!(
        ServerMessage::decode(data),
        Ok(ServerMessage::DhGen {
            outcome: DhGenOutcome::Ok,
            nonce,
            server_nonce,
            new_nonce_hash: new_nonce_hash(&new_nonce, 1, auth_key.aux_hash()),
        })
    );
    // 845FAD32D10A4C79 XOR D6701FCD212CEB87, read little-endian.
    assert_eq!(first_server_salt(&new_nonce, &server_nonce), 0xfea7_26f0_ffb2_2f52);
}
