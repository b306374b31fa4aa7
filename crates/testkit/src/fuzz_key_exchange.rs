//! Fuzz target `key_exchange`: a server's [`ServerKeyExchange`] fed what a
//! real client sends, with the input choosing at which of the three
//! client messages the bytes are flipped, cut, extended or replaced.
//!
//! Whatever arrives, the server answers with a step or an error value and
//! never panics; after an error, or after the key is made, it refuses
//! every further message ([`LocalError::Finished`]); and an exchange the
//! input left untouched ends with the client and the server holding the
//! same auth key and salt.

use std::sync::{Arc, OnceLock};

use arbitrary::{Arbitrary, Unstructured};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use sessionlab_proto::key_exchange::{
    ClientKeyExchange, ClientKeyRequest, ClientStep, KeyExchangeError, LocalError, ServerKeyExchange, ServerRsaKey,
    ServerStep,
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
    for (step, tamper) in (1u64..).zip(&input.tampers) {
        tamper.apply(&mut packet);
        let reply = match server.handle_packet(&packet, step * 4 + 1, NOW_SECONDS, &mut rng) {
            Ok(ServerStep::Reply(reply)) => reply,
            Ok(ServerStep::Finished { reply, outcome }) => {
                if let Ok(ClientStep::Finished(mine)) = client.handle_packet(&reply, 0, &mut rng) {
                    made = Some((mine, outcome));
                }
                break;
            }
            Err(_) => break,
        };
        match client.handle_packet(&reply, step * 4 + 4, &mut rng) {
            Ok(ClientStep::Send(next)) => packet = next,
            _ => break,
        }
    }
    if untouched {
        let (mine, theirs) = made.unwrap_or_else(|| panic!("an untouched exchange makes a key"));
        assert!(mine.auth_key == theirs.auth_key, "both sides hold the same key");
        assert_eq!(mine.server_salt, theirs.server_salt, "both sides hold the same salt");
    }
    if server.is_finished() {
        for message in &input.after {
            assert!(
                matches!(
                    server.handle_packet(message, 99, NOW_SECONDS, &mut rng),
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
        // seed 0, three Keep tampers, nothing after.
        key_exchange(&[0; 8 + 3 + 1]);
        let mut flipped = vec![0; 8];
        flipped.extend_from_slice(&[1, 5, 0, 3]); // FlipBit at byte 5, bit 3
        flipped.extend_from_slice(&[0, 0, 1, 0]);
        key_exchange(&flipped);
    }
}
