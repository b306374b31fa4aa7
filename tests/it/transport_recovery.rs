//! The transport's recovery rules as Telegram documents them: future salts
//! asked ahead of expiry (no refused message at a salt rotation), msg_ids
//! that never go back within a session, clock corrections only from a
//! refusal of a message still pending, and lost answers recovered from the
//! server's cache of unacknowledged answers.

use std::time::Duration;

use sessionlab_proto::id::SessionId;
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{
    ClientSession, Outgoing, Received, ServerTransport, TransportEvent, ANSWER_RESEND_AFTER,
};
use sessionlab_proto::wire::{Body, MAX_FUTURE_SALTS};

use crate::support::{answer, answer_skewed, bad_codes, client_msg_id, craft, key, pair, rng, start, SESSION_ID};

const QUERY_CONSTRUCTOR: u32 = 0x1234_5678;

fn receive(server: &mut ServerTransport, packet: &[u8], now: Instant) -> Received {
    server.receive(now, packet, &mut rng(3)).expect("packet decrypts")
}

fn query() -> Vec<u8> {
    Body::Application {
        constructor: QUERY_CONSTRUCTOR,
        bytes: QUERY_CONSTRUCTOR.to_le_bytes().to_vec(),
    }
    .encode()
}

fn future_salts_in(received: &Received) -> usize {
    received
        .processed
        .replies
        .iter()
        .filter_map(|body| match body {
            Body::FutureSalts { salts, .. } => Some(salts.len()),
            _ => None,
        })
        .sum()
}

/// Send one ping at `now` and carry the exchange through; returns what the
/// server received.
fn ping_round(server: &mut ServerTransport, client: &mut ClientSession, now: Instant) -> Received {
    client.send(now, Body::Ping { ping_id: 1 }.encode()).expect("queued");
    let packet = client.poll_transmit(now, &mut rng(4)).expect("a packet");
    let received = receive(server, &packet, now);
    answer(server, client, &received, now);
    received
}

#[test]
fn a_new_key_s_first_packet_carries_its_issued_salt_and_asks_for_future_salts() {
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    let received = ping_round(&mut server, &mut client, now);
    assert!(bad_codes(&received.processed).is_empty(), "the issued salt is accepted");
    assert_eq!(future_salts_in(&received), MAX_FUTURE_SALTS);
    assert_eq!(client.salts().future_count(), MAX_FUTURE_SALTS);
}

#[test]
fn salt_rotations_cost_no_refused_message_in_steady_state() {
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    let issued = client.salt_at(now);
    ping_round(&mut server, &mut client, now);
    for hours in 1..=30u64 {
        let later = now + Duration::from_secs(hours * 3600);
        let received = ping_round(&mut server, &mut client, later);
        assert!(bad_codes(&received.processed).is_empty(), "hour {hours}");
    }
    // Without the future salts the issued one would have been refused.
    let later = now + Duration::from_secs(2 * 3600);
    let stale = craft(
        &key,
        issued,
        SESSION_ID,
        crate::support::ping(client_msg_id(later + Duration::from_millis(500), 0), 1),
    );
    assert_eq!(bad_codes(&receive(&mut server, &stale, later).processed), [48]);
}

#[test]
fn future_salts_are_asked_for_again_an_hour_before_they_run_out() {
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    ping_round(&mut server, &mut client, now);
    // 64 salts of 30 minutes, the last valid an hour longer: 32.5 h covered.
    let covered = Duration::from_secs(32 * 3600 + 1800);
    let early = now + (covered - Duration::from_secs(2 * 3600));
    assert_eq!(future_salts_in(&ping_round(&mut server, &mut client, early)), 0);
    let due = now + (covered - Duration::from_secs(1800));
    assert_eq!(
        future_salts_in(&ping_round(&mut server, &mut client, due)),
        MAX_FUTURE_SALTS
    );
}

#[test]
fn a_notice_about_a_message_not_pending_changes_nothing() {
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    let received = ping_round(&mut server, &mut client, now);
    let _ = client.take_events();
    let forged = [Body::BadMsgNotification {
        bad_msg_id: client_msg_id(now, 77),
        bad_msg_seqno: 1,
        error_code: 17,
    }];
    let outgoing: Vec<Outgoing> = forged.iter().map(Outgoing::response).collect();
    let later = now + Duration::from_secs(600);
    let packet = server
        .seal(later, received.auth_key_id, received.session_id, &outgoing, &mut rng(5))
        .expect("sealed");
    client.receive(now, &packet).expect("decrypts");
    assert_eq!(
        client.clock_offset_micros(),
        0,
        "a 17 for an id never sent moves no clock"
    );
    assert_eq!(client.take_events(), []);
}

/// A client whose clock is 35 s fast sends a ping; the 17 reaches it after
/// `notice_delay`. Returns the client's events and whether the re-issued
/// ping was accepted.
fn fast_clock_ping(notice_delay: Duration) -> (Vec<TransportEvent>, bool, SessionId) {
    let key = key(1);
    let now = start();
    let (mut server, _) = pair(&key, now);
    let salt = server.current_salt(key.id(), now).expect("key");
    let mut client = ClientSession::new(key, SessionId(SESSION_ID), salt);
    let fast = Duration::from_secs(35);
    let first_id = client
        .send(now + fast, Body::Ping { ping_id: 1 }.encode())
        .expect("queued");
    let packet = client.poll_transmit(now + fast, &mut rng(4)).expect("a packet");
    let refused = receive(&mut server, &packet, now);
    assert_eq!(bad_codes(&refused.processed), [17]);
    // The notice is sealed (and stamped with the server's clock) and
    // read `notice_delay` later, as when the ping waited in the server's queue.
    let later = now + notice_delay;
    answer_skewed(&mut server, &mut client, &refused, later, later + fast);
    let packet = client.poll_transmit(later + fast, &mut rng(4)).expect("the re-issue");
    let again = receive(&mut server, &packet, later);
    let pong = again
        .processed
        .replies
        .iter()
        .any(|body| matches!(body, Body::Pong { .. }));
    let events = client.take_events();
    let new_id = events.iter().find_map(|event| match event {
        TransportEvent::Reissued { new_msg_id, .. } => Some(*new_msg_id),
        _ => None,
    });
    assert!(new_id.is_some_and(|id| id != first_id));
    (
        events,
        pong && bad_codes(&again.processed).is_empty(),
        client.session_id(),
    )
}

#[test]
fn a_small_backwards_correction_keeps_the_session_and_ids_go_on_rising() {
    // The notice is 15 s late: the last id is 20 s ahead of the corrected
    // clock, inside the server's 30 s, so ids continue above it.
    let (events, accepted, session) = fast_clock_ping(Duration::from_secs(15));
    assert!(accepted);
    assert_eq!(session, SessionId(SESSION_ID));
    assert!(!events
        .iter()
        .any(|event| matches!(event, TransportEvent::SessionRestarted { .. })));
    let reissued = events.iter().find_map(|event| match event {
        TransportEvent::Reissued {
            old_msg_id, new_msg_id, ..
        } => Some((*old_msg_id, *new_msg_id)),
        _ => None,
    });
    assert!(reissued.is_some_and(|(old, new)| new > old), "{events:?}");
}

#[test]
fn a_large_backwards_correction_restarts_the_session_instead_of_lowering_ids() {
    // The notice comes at once: the last id stays 35 s ahead, beyond 25 s.
    let (events, accepted, session) = fast_clock_ping(Duration::ZERO);
    assert!(accepted);
    assert_ne!(session, SessionId(SESSION_ID));
    assert!(events.iter().any(|event| matches!(
        event,
        TransportEvent::SessionRestarted { old_session_id, new_session_id }
            if *old_session_id == SessionId(SESSION_ID) && *new_session_id == session
    )));
}

/// A query answered by the server whose answer packet is lost. Returns the
/// server, the client and the query's msg_id.
fn lost_answer(now: Instant) -> (ServerTransport, ClientSession, Received, u64) {
    let key = key(1);
    let (mut server, mut client) = pair(&key, now);
    let req_msg_id = client.send(now, query()).expect("queued");
    let packet = client.poll_transmit(now, &mut rng(4)).expect("a packet");
    let received = receive(&mut server, &packet, now);
    assert_eq!(received.processed.accepted.len(), 1);
    let result = Body::RpcResult {
        req_msg_id,
        result: Body::Ping { ping_id: 5 }.encode(),
    };
    let _lost = server
        .seal(
            now,
            received.auth_key_id,
            received.session_id,
            &[Outgoing::response(&result)],
            &mut rng(5),
        )
        .expect("sealed");
    (server, client, received, req_msg_id)
}

fn answers_in(received: &Received) -> Vec<u64> {
    received
        .processed
        .replies
        .iter()
        .filter_map(|body| match body {
            Body::RpcResult { req_msg_id, .. } => Some(*req_msg_id),
            _ => None,
        })
        .collect()
}

#[test]
fn a_resent_query_whose_answer_was_lost_gets_the_answer_again() {
    let now = start();
    let (mut server, mut client, _, req_msg_id) = lost_answer(now);
    let resend_at = now + Duration::from_secs(2);
    client.handle_timeout(resend_at);
    let packet = client.poll_transmit(resend_at, &mut rng(4)).expect("the resend");
    let received = receive(&mut server, &packet, resend_at);
    assert!(received.processed.accepted.is_empty(), "not processed twice");
    assert_eq!(answers_in(&received), [req_msg_id]);
    assert!(received
        .processed
        .events
        .contains(&TransportEvent::AnswerResent { req_msg_id }));
    let deliveries = answer(&mut server, &mut client, &received, resend_at);
    assert!(deliveries.iter().any(
        |delivery| matches!(delivery, sessionlab_proto::transport::Delivery::RpcResult { req_msg_id: id, .. } if *id == req_msg_id)
    ));
}

#[test]
fn an_unacknowledged_answer_goes_out_again_when_the_client_is_next_heard_from() {
    let now = start();
    let (mut server, _, _, req_msg_id) = lost_answer(now);
    let key = key(1);
    let salt = server.current_salt(key.id(), now).expect("key");
    let soon = now + (ANSWER_RESEND_AFTER - Duration::from_secs(1));
    let ping_soon = craft(&key, salt, SESSION_ID, crate::support::ping(client_msg_id(soon, 0), 5));
    assert_eq!(answers_in(&receive(&mut server, &ping_soon, soon)), Vec::<u64>::new());
    let later = now + ANSWER_RESEND_AFTER + Duration::from_secs(1);
    let ping_later = craft(&key, salt, SESSION_ID, crate::support::ping(client_msg_id(later, 0), 7));
    assert_eq!(answers_in(&receive(&mut server, &ping_later, later)), [req_msg_id]);
}

#[test]
fn an_acknowledged_answer_is_not_sent_again() {
    let now = start();
    let key = key(1);
    let (mut server, mut client) = pair(&key, now);
    let req_msg_id = client.send(now, query()).expect("queued");
    let packet = client.poll_transmit(now, &mut rng(4)).expect("a packet");
    let received = receive(&mut server, &packet, now);
    let result = Body::RpcResult {
        req_msg_id,
        result: Body::Ping { ping_id: 5 }.encode(),
    };
    let answer_packet = server
        .seal(
            now,
            received.auth_key_id,
            received.session_id,
            &[Outgoing::response(&result)],
            &mut rng(5),
        )
        .expect("sealed");
    client.receive(now, &answer_packet).expect("decrypts");
    let ack_at = now + Duration::from_millis(200);
    let ack = client.poll_transmit(ack_at, &mut rng(4)).expect("the ack");
    receive(&mut server, &ack, ack_at);
    let later = now + ANSWER_RESEND_AFTER * 2;
    let salt = server.current_salt(key.id(), later).expect("key");
    let ping = craft(&key, salt, SESSION_ID, crate::support::ping(client_msg_id(later, 0), 9));
    assert_eq!(answers_in(&receive(&mut server, &ping, later)), Vec::<u64>::new());
}
