//! Criterion benchmarks of the transport layer's hot paths: MTProto 2.0
//! encryption and decryption of one 256-byte message, packet decoding, and
//! the server's validation of one incoming message, its answer cache (an
//! answer sealed and kept, then acknowledged; a duplicate query answered
//! from the cache), and the replay window every received message passes
//! (a full window taking the next id; a late id looked up inside it).

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sessionlab_proto::crypto::{self, AuthKey, Direction};
use sessionlab_proto::id::{AuthKeyId, SessionId};
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{
    IdStatus, MsgIdGenerator, MsgIdKind, Outgoing, ReplayWindow, SeqNoCounter, ServerTransport, REPLAY_WINDOW_MESSAGES,
};
use sessionlab_proto::wire::{Body, Envelope, Message};

fn key() -> AuthKey {
    AuthKey::from_bytes(std::array::from_fn(|i| (i as u8).wrapping_mul(7)))
}

fn crypto_per_message(c: &mut Criterion) {
    let key = key();
    let plaintext = [0x5au8; 256];
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let packet = crypto::encrypt(&key, Direction::ClientToServer, &plaintext, &mut rng);
    let mut group = c.benchmark_group("crypto");
    group.throughput(Throughput::Bytes(plaintext.len() as u64));
    group.bench_function("encrypt_256_bytes", |b| {
        b.iter(|| crypto::encrypt(&key, Direction::ClientToServer, black_box(&plaintext), &mut rng))
    });
    group.bench_function("decrypt_256_bytes", |b| {
        b.iter(|| crypto::decrypt(&key, Direction::ClientToServer, black_box(&packet)))
    });
    group.bench_function("encrypt_then_decrypt_256_bytes", |b| {
        b.iter(|| {
            let packet = crypto::encrypt(&key, Direction::ClientToServer, black_box(&plaintext), &mut rng);
            crypto::decrypt(&key, Direction::ClientToServer, &packet)
        })
    });
    group.finish();
}

fn packet_decode(c: &mut Criterion) {
    let inner: Vec<Message> = (0..8u64)
        .map(|index| Message {
            msg_id: 4 * (index + 1),
            seq_no: 1,
            body: Body::Ping { ping_id: index }.encode(),
        })
        .collect();
    let envelope = Envelope {
        salt: 1,
        session_id: 2,
        message: Message {
            msg_id: 64,
            seq_no: 2,
            body: Body::Container(inner).encode(),
        },
    };
    let mut plaintext = envelope.encode();
    plaintext.extend_from_slice(&[0; 16]);
    c.bench_function("wire/decode_envelope_and_container_of_8", |b| {
        b.iter(|| {
            let envelope = Envelope::decode(black_box(&plaintext)).expect("valid");
            Body::decode(&envelope.message.body).expect("valid")
        })
    });
}

fn server_validation(c: &mut Criterion) {
    let key = key();
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut server = ServerTransport::new();
    server.add_key(key.clone(), &mut rng);
    let mut now = Instant::SCENARIO_EPOCH;
    let salt = server.current_salt(key.id(), now).expect("registered");
    let mut ids = MsgIdGenerator::new();
    let mut seqno = SeqNoCounter::new();
    let body = Body::Ping { ping_id: 1 }.encode();
    c.bench_function("transport/server_receive_one_message", |b| {
        b.iter_batched(
            || {
                // Each iteration: the session's next message, 1 ms later.
                now = now + Duration::from_millis(1);
                let message = Message {
                    msg_id: ids.next(now, MsgIdKind::Client),
                    seq_no: seqno.next(true),
                    body: body.clone(),
                };
                let envelope = Envelope {
                    salt,
                    session_id: 42,
                    message,
                };
                (
                    crypto::encrypt(&key, Direction::ClientToServer, &envelope.encode(), &mut rng),
                    now,
                )
            },
            |(packet, at)| {
                server
                    .receive(at, &packet, &mut ChaCha8Rng::seed_from_u64(3))
                    .expect("accepted")
            },
            BatchSize::SmallInput,
        )
    });
}

/// A client's messages to one session of `key`, with the right ids and seqnos.
struct ClientStream {
    key: AuthKey,
    salt: u64,
    ids: MsgIdGenerator,
    seqno: SeqNoCounter,
    rng: ChaCha8Rng,
}

impl ClientStream {
    fn packet(&mut self, now: Instant, body: &Body, content: bool) -> (u64, Vec<u8>) {
        let message = Message {
            msg_id: self.ids.next(now, MsgIdKind::Client),
            seq_no: self.seqno.next(content),
            body: body.encode(),
        };
        let msg_id = message.msg_id;
        (msg_id, self.seal(message))
    }

    fn seal(&mut self, message: Message) -> Vec<u8> {
        let envelope = Envelope {
            salt: self.salt,
            session_id: 42,
            message,
        };
        crypto::encrypt(&self.key, Direction::ClientToServer, &envelope.encode(), &mut self.rng)
    }
}

fn answer_cache(c: &mut Criterion) {
    let key = key();
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut server = ServerTransport::new();
    server.add_key(key.clone(), &mut rng);
    let mut now = Instant::SCENARIO_EPOCH;
    let salt = server.current_salt(key.id(), now).expect("registered");
    let mut client = ClientStream {
        key,
        salt,
        ids: MsgIdGenerator::new(),
        seqno: SeqNoCounter::new(),
        rng: ChaCha8Rng::seed_from_u64(5),
    };
    let query = Body::Application {
        constructor: 0x1234_5678,
        bytes: 0x1234_5678u32.to_le_bytes().to_vec(),
    };
    let key_id: AuthKeyId = client.key.id();
    let session = SessionId::new(42);
    let result = vec![0x5au8; 256];
    c.bench_function("transport/answer_cached_then_acknowledged", |b| {
        b.iter(|| {
            now = now + Duration::from_millis(1);
            let (req_msg_id, packet) = client.packet(now, &query, true);
            server.receive(now, &packet, &mut rng).expect("accepted");
            let answer = Outgoing::response(&Body::RpcResult {
                req_msg_id,
                result: result.clone(),
            });
            let sealed = server.seal(now, key_id, session, &[answer], &mut rng).expect("sealed");
            // The client's ack names the answer's msg_id, which clears it.
            let plaintext = crypto::decrypt(&client.key, Direction::ServerToClient, &sealed).expect("decrypts");
            let answer_id = Envelope::decode(&plaintext).expect("valid").message.msg_id;
            let (_, ack) = client.packet(now, &Body::Ack(vec![answer_id]), false);
            server.receive(now, &ack, &mut rng).expect("accepted")
        })
    });
    c.bench_function("transport/duplicate_query_answered_from_the_cache", |b| {
        now = now + Duration::from_millis(1);
        let message = Message {
            msg_id: client.ids.next(now, MsgIdKind::Client),
            seq_no: client.seqno.next(true),
            body: query.encode(),
        };
        let req_msg_id = message.msg_id;
        let packet = client.seal(message);
        server.receive(now, &packet, &mut rng).expect("accepted");
        let answer = Outgoing::response(&Body::RpcResult {
            req_msg_id,
            result: result.clone(),
        });
        server.seal(now, key_id, session, &[answer], &mut rng).expect("sealed");
        b.iter(|| server.receive(now, black_box(&packet), &mut rng).expect("a duplicate"))
    });
}

/// A window holding its full 1,000 ids, 4 apart as a session's rise, with
/// even seqnos: the state of every session after its first thousand messages.
fn full_window() -> (ReplayWindow, u64) {
    let mut window = ReplayWindow::new();
    let mut msg_id = 1 << 32;
    for index in 0..REPLAY_WINDOW_MESSAGES as u32 {
        msg_id += 4;
        window.record(msg_id, 2 * index);
    }
    (window, msg_id)
}

fn replay_window(c: &mut Criterion) {
    // What a session does with each message: is it new, is its seqno
    // consistent, remember it (forgetting the lowest).
    c.bench_function("replay/full_window_takes_the_next_id", |b| {
        let (mut window, mut msg_id) = full_window();
        let mut seq_no = 2 * REPLAY_WINDOW_MESSAGES as u32;
        b.iter(|| {
            msg_id += 4;
            seq_no += 2;
            assert_eq!(window.status(msg_id), IdStatus::Fresh);
            assert_eq!(window.seqno_conflict(msg_id, seq_no), None);
            window.record(black_box(msg_id), seq_no);
        })
    });
    // A late copy of an id in the middle: the binary searches.
    c.bench_function("replay/late_id_found_inside_a_full_window", |b| {
        let (window, newest) = full_window();
        let late = newest - 4 * (REPLAY_WINDOW_MESSAGES as u64 / 2);
        b.iter(|| {
            assert_eq!(window.status(black_box(late)), IdStatus::Duplicate);
            window.seqno_conflict(black_box(late + 1), 999)
        })
    });
}

criterion_group!(
    benches,
    crypto_per_message,
    packet_decode,
    server_validation,
    answer_cache,
    replay_window
);
criterion_main!(benches);
