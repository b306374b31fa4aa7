//! Fuzz target `key_exchange`: a server's [`ServerKeyExchange`] fed what a
//! real client sends, with the input choosing at which of the three
//! client messages the bytes are flipped, cut, extended or replaced.
//!
//! Whatever arrives, the server answers with a step or an error value and
//! never panics; after an error, or after the key is made, it refuses
//! every further message ([`LocalError::Finished`]); and an exchange the
//! input left untouched ends with the client and the server holding the
//! same auth key and salt — after as many `dh_gen_retry` as the input
//! makes key ids "taken" (`taken_keys`), or with `dh_gen_fail` when that
//! is more than [`MAX_DH_GEN_RETRIES`].

use std::sync::{Arc, OnceLock};

use arbitrary::{Arbitrary, Unstructured};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use sessionlab_proto::key_exchange::{
    ClientKeyExchange, ClientKeyRequest, ClientStep, KeyExchangeError, LocalError, PeerError, ServerKeyExchange,
    ServerRsaKey, ServerStep, MAX_DH_GEN_RETRIES,
};

/// `server_time` of every answer.
const NOW_SECONDS: i32 = 1_767_225_600;

/// One RSA key for the whole campaign: generating one per input would
/// spend every execution in key generation.
fn server_key() -> &'static Arc<ServerRsaKey> {
    static KEY: OnceLock<Option<Arc<ServerRsaKey>>> = OnceLock::new();
    KEY.get_or_init(|| {
        ServerRsaKey::generate(&mut ChaCha20Rng::seed_from_u64(0x5e55))
            .ok()
            .map(Arc::new)
    })
    .as_ref()
    .unwrap_or_else(|| panic!("a 2048-bit RSA key is generated from a fixed seed"))
}

/// What the input does to one client message.
#[derive(Arbitrary, Debug)]
enum Tamper {
    Keep,
    FlipBit { at: u16, bit: u8 },
    Cut { keep: u16 },
    Append(Vec<u8>),
    Replace(Vec<u8>),
}

impl Tamper {
    fn apply(&self, packet: &mut Vec<u8>) {
        match self {
            Tamper::Keep => {}
            Tamper::FlipBit { at, bit } => {
                if !packet.is_empty() {
                    let index = usize::from(*at) % packet.len();
                    packet[index] ^= 1 << (bit % 8);
                }
            }
            Tamper::Cut { keep } => packet.truncate(usize::from(*keep)),
            Tamper::Append(extra) => packet.extend_from_slice(extra),
            Tamper::Replace(bytes) => bytes.clone_into(packet),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    seed: u64,
    /// How many of the keys the exchange makes the server finds taken.
    taken_keys: u8,
    /// What happens to the first, second and third client message.
    tampers: [Tamper; 3],
    /// Messages sent after the exchange ended.
    after: Vec<Vec<u8>>,
}

pub fn key_exchange(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut rng = ChaCha20Rng::seed_from_u64(input.seed);
    let request = ClientKeyRequest {
        server_keys: vec![server_key().public_key().clone()],
        dc: Some(2),
        expires_in_seconds: None,
    };
    let mut server = ServerKeyExchange::new(server_key().clone());
    let (mut client, mut packet) = ClientKeyExchange::start(request, 4, &mut rng);
    let untouched = input.tampers.iter().all(|tamper| matches!(tamper, Tamper::Keep));
    let mut made = None;
    let mut refused = None;
    let asked = std::cell::Cell::new(0u32);
    // The server asks once per attempt; the first `taken_keys` keys are taken.
    let taken = |_| {
        asked.set(asked.get() + 1);
        asked.get() <= u32::from(input.taken_keys)
    };
    let steps = 3 + u64::from(MAX_DH_GEN_RETRIES);
    for step in 1..=steps {
        let tamper = usize::try_from(step - 1)
            .ok()
            .and_then(|index| input.tampers.get(index));
        tamper.unwrap_or(&Tamper::Keep).apply(&mut packet);
        let reply = match server.handle_packet(&packet, step * 4 + 1, NOW_SECONDS, &taken, &mut rng) {
            Ok(ServerStep::Reply(reply)) => reply,
            Ok(ServerStep::Finished { reply, outcome }) => {
                if let Ok(ClientStep::Finished(mine)) = client.handle_packet(&reply, 0, &mut rng) {
                    made = Some((mine, outcome));
                }
                break;
            }
            Ok(ServerStep::Failed { reply, .. }) => {
                refused = client.handle_packet(&reply, 0, &mut rng).err();
                break;
            }
            Err(_) => break,
        };
        match client.handle_packet(&reply, step * 4 + 4, &mut rng) {
            Ok(ClientStep::Send(next)) => packet = next,
            _ => break,
        }
    }
    if untouched && u32::from(input.taken_keys) > MAX_DH_GEN_RETRIES {
        assert!(made.is_none(), "every key id was taken");
        assert_eq!(refused, Some(KeyExchangeError::Peer(PeerError::Refused("dh_gen_fail"))));
    } else if untouched {
        let (mine, theirs) = made.unwrap_or_else(|| panic!("an untouched exchange makes a key"));
        assert!(mine.auth_key == theirs.auth_key, "both sides hold the same key");
        assert_eq!(mine.server_salt, theirs.server_salt, "both sides hold the same salt");
    }
    if server.is_finished() {
        for message in &input.after {
            assert!(
                matches!(
                    server.handle_packet(message, 99, NOW_SECONDS, &taken, &mut rng),
                    Err(KeyExchangeError::Local(LocalError::Finished))
                ),
                "a finished exchange takes nothing more"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_untouched_exchange_and_a_flipped_one_do_not_panic() {
        // seed 0, no key taken, three Keep tampers, nothing after.
        key_exchange(&[0; 8 + 1 + 3 + 1]);
        // One key taken: made after one dh_gen_retry; all taken: dh_gen_fail.
        for taken in [1, MAX_DH_GEN_RETRIES as u8, MAX_DH_GEN_RETRIES as u8 + 1] {
            let mut data = [0; 8 + 1 + 3 + 1];
            data[8] = taken;
            key_exchange(&data);
        }
        let mut flipped = vec![0; 8 + 1];
        // Variant 1 of 5 is FlipBit (arbitrary maps a u32 x to x * 5 >> 32), at byte 5, bit 3.
        flipped.extend_from_slice(&[0, 0, 0, 0x40, 5, 0, 3]);
        flipped.extend_from_slice(&[0; 8]);
        key_exchange(&flipped);
    }
}
