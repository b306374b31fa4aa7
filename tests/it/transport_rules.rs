//! Every rule of the transport layer, triggered end to end over encrypted
//! packets: the server's bad-message codes, salts, sessions, replay, and
//! the client's recovery (clock correction, new salt, acks, resends).

use sessionlab_proto::id::SessionId;
use std::time::Duration;

use crate::support::*;
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{
    ClientSession, Delivery, ReceiveError, Received, ServerTransport, TransportEvent, REPLAY_WINDOW_MESSAGES,
};
use sessionlab_proto::wire::{Body, Message};

fn receive_one(server: &mut ServerTransport, packet: &[u8], now: Instant) -> Received {
    server.receive(now, packet, &mut rng(3)).expect("packet decrypts")
}

#[test]
fn ping_delay_disconnect_is_answered_with_a_pong_and_acknowledged() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let id = client_msg_id(now, 0);
    let message = Message {
        msg_id: id,
        seq_no: 1,
        body: Body::PingDelayDisconnect {
            ping_id: 99,
            disconnect_delay: 75,
        }
        .encode(),
    };
    let received = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, message),
        now,
    );
    assert!(received.processed.replies.contains(&Body::Pong {
        msg_id: id,
        ping_id: 99
    }));
    assert_eq!(acked_ids(&received.processed), [id], "content-related, like ping");
    assert!(received.processed.accepted.is_empty(), "answered here, not sent up");
    assert!(
        received
            .processed
            .events
            .contains(&TransportEvent::DisconnectDelayRequested {
                disconnect_delay_seconds: 75
            }),
        "{:?}",
        received.processed.events
    );
}

#[test]
fn first_message_creates_the_session_and_is_accepted() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let id = client_msg_id(now, 0);
    let received = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, ping(id, 1)),
        now,
    );
    assert!(received.new_session);
    assert!(
        matches!(received.processed.replies[0], Body::NewSessionCreated { first_msg_id, .. } if first_msg_id == id)
    );
    assert!(received.processed.replies.contains(&Body::Pong {
        msg_id: id,
        ping_id: id
    }));
    assert_eq!(acked_ids(&received.processed), [id]);
    assert_eq!(bad_codes(&received.processed), Vec::<i32>::new());
    // The second message of the same session creates nothing.
    let again = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, ping(id + 4, 3)),
        now,
    );
    assert!(!again.new_session);
}

#[test]
fn unknown_key_is_transport_error_404_and_garbage_is_an_error() {
    let now = start();
    let (mut server, client) = pair(&key(1), now);
    let stranger = key(2);
    let packet = craft(
        &stranger,
        client.salt_at(start()),
        SESSION_ID,
        ping(client_msg_id(now, 0), 1),
    );
    assert_eq!(
        server.receive(now, &packet, &mut rng(3)),
        Err(ReceiveError::UnknownAuthKey {
            auth_key_id: stranger.id()
        })
    );
    assert_eq!(
        server.receive(now, &[1, 2, 3], &mut rng(3)),
        Err(ReceiveError::TooShort { length: 3 })
    );
    let mut tampered = craft(
        &key(1),
        client.salt_at(start()),
        SESSION_ID,
        ping(client_msg_id(now, 0), 1),
    );
    let last = tampered.len() - 1;
    tampered[last] ^= 0x80;
    assert!(matches!(
        server.receive(now, &tampered, &mut rng(3)),
        Err(ReceiveError::Crypto(_))
    ));
}

fn codes_for(message: Message, now_offset: Duration) -> Vec<i32> {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let received = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, message),
        now + now_offset,
    );
    bad_codes(&received.processed)
}

#[test]
fn code_18_wrong_low_bits_and_zero_low_word() {
    assert_eq!(codes_for(ping(client_msg_id(start(), 0) + 1, 1), Duration::ZERO), [18]);
    assert_eq!(codes_for(ping((start().unix_seconds()) << 32, 1), Duration::ZERO), [18]);
}

#[test]
fn code_16_too_old_and_17_too_far_ahead() {
    let id = client_msg_id(start(), 0);
    assert_eq!(codes_for(ping(id, 1), Duration::from_secs(301)), [16]);
    assert_eq!(codes_for(ping(id, 1), Duration::from_secs(299)), Vec::<i32>::new());
    let future = client_msg_id(start() + Duration::from_secs(31), 0);
    assert_eq!(codes_for(ping(future, 1), Duration::ZERO), [17]);
    let near_future = client_msg_id(start() + Duration::from_secs(29), 0);
    assert_eq!(codes_for(ping(near_future, 1), Duration::ZERO), Vec::<i32>::new());
}

#[test]
fn codes_34_and_35_seqno_parity() {
    let id = client_msg_id(start(), 0);
    assert_eq!(
        codes_for(ping(id, 2), Duration::ZERO),
        [35],
        "ping is content-related: odd expected"
    );
    let ack = Message {
        msg_id: id,
        seq_no: 1,
        body: Body::Ack(vec![1]).encode(),
    };
    assert_eq!(codes_for(ack, Duration::ZERO), [34], "acks are not: even expected");
}

#[test]
fn codes_32_and_33_seqno_order() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let base = client_msg_id(now, 0);
    let send = |server: &mut ServerTransport, message| {
        bad_codes(&receive_one(server, &craft(&key, client.salt_at(start()), SESSION_ID, message), now).processed)
    };
    // The session begins at `base`: ids below it would be refused (20).
    assert!(send(&mut server, ping(base, 1)).is_empty());
    assert!(send(&mut server, ping(base + 40, 5)).is_empty());
    assert_eq!(send(&mut server, ping(base + 80, 3)), [32], "later id, lower seqno");
    assert_eq!(send(&mut server, ping(base + 84, 5)), [32], "later id, equal odd seqno");
    assert_eq!(send(&mut server, ping(base + 8, 7)), [33], "earlier id, higher seqno");
    assert!(
        send(&mut server, ping(base + 4, 3)).is_empty(),
        "an earlier id may arrive late"
    );
    // A refusal is final: the client re-sends under a new id, so a copy of
    // the refused one must not be processed even with a seqno that fits.
    assert_eq!(send(&mut server, ping(base + 80, 7)), [32]);
}

#[test]
fn code_20_below_a_full_replay_window_and_duplicates_ignored() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let base = client_msg_id(now, 0);
    let mut seq_no = 1;
    for index in 1..=REPLAY_WINDOW_MESSAGES as u64 {
        let received = receive_one(
            &mut server,
            &craft(
                &key,
                client.salt_at(start()),
                SESSION_ID,
                ping(base + 4 * index, seq_no),
            ),
            now,
        );
        assert!(bad_codes(&received.processed).is_empty());
        seq_no += 2;
    }
    // Below the window (which now starts at base + 4): too old to verify.
    let old = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, ping(base, 1)),
        now,
    );
    assert_eq!(bad_codes(&old.processed), [20]);
    // A duplicate inside the window: not processed again, but re-acked.
    let duplicate_id = base + 4 * 500;
    let duplicate = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, ping(duplicate_id, 999)),
        now,
    );
    assert!(duplicate.processed.accepted.is_empty());
    assert!(!duplicate
        .processed
        .replies
        .iter()
        .any(|body| matches!(body, Body::Pong { .. })));
    assert_eq!(acked_ids(&duplicate.processed), [duplicate_id]);
    assert!(duplicate
        .processed
        .events
        .contains(&TransportEvent::DuplicateIgnored { msg_id: duplicate_id }));
}

#[test]
fn code_48_bad_salt_carries_the_new_salt_and_previous_salt_has_grace() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let id = client_msg_id(now, 0);
    let wrong = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()) ^ 1, SESSION_ID, ping(id, 1)),
        now,
    );
    let expected_salt = server.current_salt(key.id(), now).expect("key");
    assert!(wrong.processed.replies.iter().any(|body| matches!(
        body,
        Body::BadServerSalt { bad_msg_id, error_code: 48, new_server_salt, .. }
            if *bad_msg_id == id && *new_server_salt == expected_salt
    )));
    assert!(wrong.processed.accepted.is_empty());
    // 40 minutes later the salt has rotated once: the old one is still accepted.
    let later = now + Duration::from_secs(40 * 60);
    let grace = receive_one(
        &mut server,
        &craft(
            &key,
            client.salt_at(start()),
            SESSION_ID,
            ping(client_msg_id(later, 0), 1),
        ),
        later,
    );
    assert!(bad_codes(&grace.processed).is_empty());
    // Two hours later it is not.
    let much_later = now + Duration::from_secs(2 * 3600);
    let stale = receive_one(
        &mut server,
        &craft(
            &key,
            client.salt_at(start()),
            SESSION_ID,
            ping(client_msg_id(much_later, 0), 3),
        ),
        much_later,
    );
    assert_eq!(bad_codes(&stale.processed), [48]);
}

#[test]
fn containers_are_flattened_and_code_64_for_bad_ones() {
    let base = client_msg_id(start(), 0);
    let good = container(base + 12, 4, vec![ping(base, 1), ping(base + 4, 3)]);
    assert!(codes_for(good, Duration::ZERO).is_empty());
    let nested = container(base + 12, 2, vec![container(base + 4, 0, vec![ping(base, 1)])]);
    assert_eq!(codes_for(nested, Duration::ZERO), [64], "containers do not nest");
    let inner_not_lower = container(base + 4, 2, vec![ping(base + 8, 1)]);
    assert_eq!(
        codes_for(inner_not_lower, Duration::ZERO),
        [64],
        "inner ids below the container's"
    );
    let repeated = container(base + 12, 4, vec![ping(base, 1), ping(base, 3)]);
    assert_eq!(codes_for(repeated, Duration::ZERO), [64], "no id twice");
    let garbage = Message {
        msg_id: base,
        seq_no: 0,
        body: 0x73f1_f8dcu32.to_le_bytes().to_vec(),
    };
    assert_eq!(codes_for(garbage, Duration::ZERO), [64], "undecodable container");
}

#[test]
fn code_19_container_id_reused_with_new_content() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let base = client_msg_id(now, 0);
    let first = container(base + 12, 4, vec![ping(base, 1), ping(base + 4, 3)]);
    let received = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, first.clone()),
        now,
    );
    assert_eq!(
        received
            .processed
            .replies
            .iter()
            .filter(|b| matches!(b, Body::Pong { .. }))
            .count(),
        2
    );
    // The same container again (network duplicate): ignored, inner re-acked.
    let duplicate = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, first),
        now,
    );
    assert!(bad_codes(&duplicate.processed).is_empty());
    assert_eq!(acked_ids(&duplicate.processed), [base, base + 4]);
    assert!(!duplicate
        .processed
        .replies
        .iter()
        .any(|b| matches!(b, Body::Pong { .. })));
    // The same container id with new content: 19.
    let reused = container(base + 12, 6, vec![ping(base + 8, 5)]);
    let refused = receive_one(
        &mut server,
        &craft(&key, client.salt_at(start()), SESSION_ID, reused),
        now,
    );
    assert_eq!(bad_codes(&refused.processed), [19]);
}

#[test]
fn client_round_trip_acks_stop_resends() {
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    let request = Body::Application {
        constructor: 0x1234_5678,
        bytes: 0x1234_5678u32.to_le_bytes().to_vec(),
    };
    let msg_id = client.send(now, request.encode()).expect("queued");
    let packet = client.poll_transmit(now, &mut rng(4)).expect("something to send");
    assert!(client.poll_transmit(now, &mut rng(4)).is_none(), "nothing more is due");
    let received = receive_one(&mut server, &packet, now);
    assert_eq!(received.processed.accepted.len(), 1);
    assert_eq!(received.processed.accepted[0].msg_id, msg_id);
    let deliveries = answer(&mut server, &mut client, &received, now);
    assert!(matches!(deliveries[..], [Delivery::NewSessionCreated { .. }]));
    assert_eq!(client.pending_count(), 0, "the ack settled the message");
    // The server's content messages are acked back after ACK_DELAY.
    assert!(client.poll_transmit(now, &mut rng(4)).is_none());
    let later = now + Duration::from_millis(200);
    assert_eq!(client.poll_timeout(), Some(later));
    let ack_packet = client.poll_transmit(later, &mut rng(4)).expect("acks are due");
    let acked = receive_one(&mut server, &ack_packet, later);
    // Both were content-related: new_session_created and the future_salts
    // answering the get_future_salts the first packet carried.
    assert_eq!(acked.processed.acknowledged.len(), 2);
}

#[test]
fn client_resends_with_backoff_then_gives_up() {
    let key = key(1);
    let now = start();
    let (_server, mut client) = pair(&key, now);
    let msg_id = client.send(now, Body::Ping { ping_id: 1 }.encode()).expect("queued");
    let mut sent_at = Vec::new();
    let mut clock = now;
    for _ in 0..20 {
        if client.poll_transmit(clock, &mut rng(4)).is_some() {
            sent_at.push(clock.saturating_duration_since(now).as_secs());
        }
        match client.poll_timeout() {
            Some(deadline) => {
                clock = deadline;
                client.handle_timeout(clock);
            }
            None => break,
        }
    }
    assert_eq!(sent_at, [0, 2, 6, 14, 30], "waits of 2, 4, 8 and 16 s");
    let events = client.take_events();
    assert!(events.contains(&TransportEvent::Resent { msg_id, attempt: 5 }));
    assert!(events.contains(&TransportEvent::GaveUp { msg_id }));
    assert_eq!(client.pending_count(), 0);
    assert_eq!(clock.saturating_duration_since(now).as_secs(), 62);
}

/// Drive one client message through a server until it is settled; returns
/// the bad codes seen and the accepted count (application bodies and pings).
fn drive(
    client: &mut ClientSession,
    server: &mut ServerTransport,
    server_now: Instant,
    client_now: Instant,
) -> (Vec<i32>, usize) {
    let mut codes = Vec::new();
    let mut accepted = 0;
    for _ in 0..5 {
        let Some(packet) = client.poll_transmit(client_now, &mut rng(4)) else {
            break;
        };
        let received = receive_one(server, &packet, server_now);
        codes.extend(bad_codes(&received.processed));
        accepted += received.processed.accepted.len()
            + received
                .processed
                .replies
                .iter()
                .filter(|body| matches!(body, Body::Pong { .. }))
                .count();
        answer_skewed(server, client, &received, server_now, client_now);
    }
    (codes, accepted)
}

/// A client whose device clock is `skew_s` seconds off the server's sends
/// a ping; returns the codes seen on the way, the number accepted, and the
/// offset (s) the client learned.
fn skewed_ping(skew_s: i64) -> (Vec<i32>, usize, i64) {
    let key = key(1);
    let server_now = start();
    let (mut server, _) = pair(&key, server_now);
    let salt = server.current_salt(key.id(), server_now).expect("key");
    let mut client = ClientSession::new(key, SessionId(SESSION_ID), salt);
    let device_now = server_now.offset_by_micros(skew_s * 1_000_000);
    client
        .send(device_now, Body::Ping { ping_id: 9 }.encode())
        .expect("queued");
    let (codes, accepted) = drive(&mut client, &mut server, server_now, device_now);
    (codes, accepted, client.clock_offset_micros() / 1_000_000)
}

#[test]
fn client_with_a_slow_clock_corrects_itself_on_16() {
    let (codes, accepted, offset_s) = skewed_ping(-600);
    assert_eq!(codes, [16]);
    assert_eq!(accepted, 1);
    assert!((599..=600).contains(&offset_s), "offset {offset_s}");
}

#[test]
fn client_with_a_fast_clock_corrects_itself_on_17() {
    let (codes, accepted, offset_s) = skewed_ping(120);
    assert_eq!(codes, [17]);
    assert_eq!(accepted, 1);
    assert!((-120..=-119).contains(&offset_s), "offset {offset_s}");
}

#[test]
fn client_with_a_small_skew_needs_no_correction() {
    assert_eq!(skewed_ping(-20), (vec![], 1, 0));
    assert_eq!(skewed_ping(20), (vec![], 1, 0));
}

#[test]
fn client_resends_with_the_new_salt_on_48() {
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    let later = now + Duration::from_secs(3 * 3600);
    client.send(later, Body::Ping { ping_id: 5 }.encode()).expect("queued");
    let (codes, accepted) = drive(&mut client, &mut server, later, later);
    assert_eq!(codes, [48]);
    assert_eq!(accepted, 1);
    assert_eq!(Some(client.salt_at(later)), server.current_salt(key.id(), later));
    assert!(client
        .take_events()
        .iter()
        .any(|event| matches!(event, TransportEvent::SaltUpdated { .. })));
}

#[test]
fn an_id_refused_as_too_far_ahead_stays_refused_when_time_catches_up() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let ahead = client_msg_id(now + Duration::from_secs(40), 0);
    let packet = craft(&key, client.salt_at(start()), SESSION_ID, ping(ahead, 1));
    assert_eq!(bad_codes(&receive_one(&mut server, &packet, now).processed), [17]);
    // Twenty seconds later the id would be inside the window, but the client
    // has re-sent its content under a new id: the late copy must not count.
    let later = now + Duration::from_secs(20);
    assert_eq!(bad_codes(&receive_one(&mut server, &packet, later).processed), [17]);
}

#[test]
fn a_client_restored_from_an_old_copy_catches_up_its_seqno_after_one_refusal() {
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    let request = |n: u32| Body::Application {
        constructor: 0x1234_5678,
        bytes: n.to_le_bytes().to_vec(),
    };
    // The copy a backup keeps, then ten requests the server processes.
    let backup = client.clone();
    for n in 0..10u32 {
        client.send(now, request(n).encode()).expect("queued");
        let packet = client.poll_transmit(now, &mut rng(4)).expect("due");
        let received = receive_one(&mut server, &packet, now);
        assert_eq!(received.processed.accepted.len(), 1);
        answer(&mut server, &mut client, &received, now);
    }
    // The restored app's first request carries a seqno the session has
    // long passed: 32. It catches up and the re-issued request is processed once.
    let mut restored = backup;
    let later = now + Duration::from_secs(5);
    let first = restored.send(later, request(99).encode()).expect("queued");
    let packet = restored.poll_transmit(later, &mut rng(5)).expect("due");
    let refused = receive_one(&mut server, &packet, later);
    assert_eq!(bad_codes(&refused.processed), [32]);
    assert!(refused.processed.accepted.is_empty());
    let deliveries = answer(&mut server, &mut restored, &refused, later);
    let reissued = deliveries.iter().find_map(|delivery| match delivery {
        Delivery::Reissued { old_msg_id, new_msg_id } if *old_msg_id == first => Some(*new_msg_id),
        _ => None,
    });
    let new_id = reissued.expect("the refused request is re-issued");
    let packet = restored.poll_transmit(later, &mut rng(5)).expect("the re-issue is due");
    let accepted = receive_one(&mut server, &packet, later);
    assert_eq!(bad_codes(&accepted.processed), Vec::<i32>::new());
    let ids: Vec<u64> = accepted
        .processed
        .accepted
        .iter()
        .map(|message| message.msg_id)
        .collect();
    assert_eq!(ids, [new_id]);
}
