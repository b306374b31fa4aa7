//! Shared helpers for integration tests: fixed keys, a seeded RNG and raw
//! packet crafting, so that tests can send what a real client never would.
#![allow(dead_code)]

pub mod binary;
pub mod sim;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sessionlab_proto::crypto::{self, AuthKey, Direction};
use sessionlab_proto::id::SessionId;
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{ClientSession, Delivery, Processed, Received, ServerTransport};
use sessionlab_proto::wire::{Body, Envelope, Message};

pub const SESSION_ID: u64 = 0x5e55_1011;

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

pub fn key(fill: u8) -> AuthKey {
    AuthKey::from_bytes(std::array::from_fn(|i| (i as u8).wrapping_mul(31).wrapping_add(fill)))
}

pub fn start() -> Instant {
    Instant::SCENARIO_EPOCH
}

/// A server that knows `key`, and a client session for it with the right salt.
pub fn pair(key: &AuthKey, now: Instant) -> (ServerTransport, ClientSession) {
    let mut server = ServerTransport::new();
    server.add_key(key.clone(), &mut rng(1));
    let salt = server.current_salt(key.id(), now).expect("key registered");
    (server, ClientSession::new(key.clone(), SessionId(SESSION_ID), salt))
}

/// Encrypt an arbitrary message as a client would.
pub fn craft(key: &AuthKey, salt: u64, session_id: u64, message: Message) -> Vec<u8> {
    let envelope = Envelope {
        salt,
        session_id,
        message,
    };
    crypto::encrypt(key, Direction::ClientToServer, &envelope.encode(), &mut rng(7))
}

/// A client msg_id for an instant (divisible by 4, low bits nonzero).
pub fn client_msg_id(at: Instant, tick: u64) -> u64 {
    let micros = at.unix_micros();
    let seconds = micros / 1_000_000;
    let fraction = ((micros % 1_000_000) << 32) / 1_000_000;
    (((seconds << 32) | fraction) & !3) + 4 * (tick + 1)
}

pub fn ping(msg_id: u64, seq_no: u32) -> Message {
    Message {
        msg_id,
        seq_no,
        body: Body::Ping { ping_id: msg_id }.encode(),
    }
}

/// The bad_msg codes in a reply set.
pub fn bad_codes(processed: &Processed) -> Vec<i32> {
    processed
        .replies
        .iter()
        .filter_map(|body| match body {
            Body::BadMsgNotification { error_code, .. } | Body::BadServerSalt { error_code, .. } => Some(*error_code),
            _ => None,
        })
        .collect()
}

/// Ids the server acknowledged in its replies.
pub fn acked_ids(processed: &Processed) -> Vec<u64> {
    processed
        .replies
        .iter()
        .filter_map(|body| match body {
            Body::Ack(ids) => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Seal the server's replies for a received packet and hand them to the client.
pub fn answer(
    server: &mut ServerTransport,
    client: &mut ClientSession,
    received: &Received,
    now: Instant,
) -> Vec<Delivery> {
    answer_skewed(server, client, received, now, now)
}

/// [`answer`] for a client whose own clock reads `client_now`.
pub fn answer_skewed(
    server: &mut ServerTransport,
    client: &mut ClientSession,
    received: &Received,
    now: Instant,
    client_now: Instant,
) -> Vec<Delivery> {
    use sessionlab_proto::transport::Outgoing;
    let replies: Vec<Outgoing> = received.processed.replies.iter().map(Outgoing::response).collect();
    if replies.is_empty() {
        return Vec::new();
    }
    let packet = server
        .seal(now, received.auth_key_id, received.session_id, &replies, &mut rng(9))
        .expect("session exists");
    client.receive(client_now, &packet).expect("server packet decrypts")
}

/// The message a packet carries, decrypted with `key`.
pub fn opened(key: &AuthKey, direction: Direction, packet: &[u8]) -> Message {
    let plaintext = crypto::decrypt(key, direction, packet).expect("decrypts");
    Envelope::decode(&plaintext).expect("valid").message
}

/// A container's messages, or the message itself.
pub fn inner_messages(message: Message) -> Vec<Message> {
    match Body::decode(&message.body) {
        Ok(Body::Container(inner)) => inner,
        _ => vec![message],
    }
}

/// A container of `inner` under `msg_id`.
pub fn container(msg_id: u64, seq_no: u32, inner: Vec<Message>) -> Message {
    Message {
        msg_id,
        seq_no,
        body: Body::Container(inner).encode(),
    }
}
