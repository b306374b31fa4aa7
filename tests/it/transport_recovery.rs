//! The transport's recovery rules as Telegram documents them: future salts
//! asked ahead of expiry (no refused message at a salt rotation), msg_ids
//! that never go back within a session, clock corrections only from a
//! refusal of a message still pending, lost answers recovered from the
//! server's cache of unacknowledged answers, and the messages about
//! messages in both directions (`msgs_state_req`/`msgs_state_info`,
//! `msg_resend_req`, `msg_new_detailed_info`).

use std::time::Duration;

use sessionlab_proto::crypto::Direction;
use sessionlab_proto::id::SessionId;
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{
    ClientSession, Outgoing, Received, SelfNamingBody, ServerTransport, TransportEvent, ANSWER_RESEND_AFTER,
};
use sessionlab_proto::wire::{
    Body, Message, MAX_FUTURE_SALTS, MSG_STATE_ANSWERED, MSG_STATE_NOT_RECEIVED, MSG_STATE_NOT_RECEIVED_YET,
    MSG_STATE_RECEIVED,
};

use crate::support::{
    answer, answer_skewed, bad_codes, client_msg_id, craft, inner_messages, key, opened, pair, rng, start, SESSION_ID,
};

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

/// A server and a client of one key whose clock is 35 s fast: the
/// server's time, and the client's lead.
fn fast_clock_client() -> (ServerTransport, ClientSession, Instant, Duration) {
    let key = key(1);
    let now = start();
    let (server, _) = pair(&key, now);
    let salt = server.current_salt(key.id(), now).expect("key");
    let client = ClientSession::new(key, SessionId(SESSION_ID), salt);
    (server, client, now, Duration::from_secs(35))
}

/// A client whose clock is 35 s fast sends a ping; the 17 reaches it after
/// `notice_delay`. Returns the client's events and whether the re-issued
/// ping was accepted.
fn fast_clock_ping(notice_delay: Duration) -> (Vec<TransportEvent>, bool, SessionId) {
    let (mut server, mut client, now, fast) = fast_clock_client();
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

#[test]
fn a_restart_moves_the_refused_message_once_even_when_its_new_id_equals_the_old() {
    // A ping goes out at the right time; then the client's clock jumps
    // 2,057 s ahead and a second ping goes out. A 17 about the first, on
    // the server's clock, corrects the clock back by 2,057 s: the last id
    // leads by far more than 25 s, so the session restarts and both pings
    // move. The new session's first id is the first ping's old id (the
    // same instant on a fresh generator); the refusal names the old
    // session's message and must not move the new one a second time.
    let key = key(1);
    let now = start();
    let (mut server, mut client) = pair(&key, now);
    let jumped = now + Duration::from_secs(2057);
    let first = client.send(now, Body::Ping { ping_id: 1 }.encode()).expect("queued");
    let second = client.send(jumped, Body::Ping { ping_id: 2 }.encode()).expect("queued");
    let packet = client.poll_transmit(jumped, &mut rng(4)).expect("a packet");
    let received = receive(&mut server, &packet, now);
    let refusal = Body::BadMsgNotification {
        bad_msg_id: first,
        bad_msg_seqno: 1,
        error_code: 17,
    };
    let notice = server
        .seal(
            now,
            received.auth_key_id,
            received.session_id,
            &[Outgoing::response(&refusal)],
            &mut rng(5),
        )
        .expect("sealed");
    client.take_events();
    client.receive(jumped, &notice).expect("decrypts");
    let events = client.take_events();
    let moves: Vec<(u64, u64, u32)> = events
        .iter()
        .filter_map(|event| match event {
            TransportEvent::Reissued {
                old_msg_id,
                new_msg_id,
                attempt,
            } => Some((*old_msg_id, *new_msg_id, *attempt)),
            _ => None,
        })
        .collect();
    // Three moves, one per pending message (the first packet also asked
    // for future salts), each of an old id, each once.
    assert_eq!(moves.len(), 3, "{events:?}");
    assert_eq!((moves[0].0, moves[0].1), (first, first), "{events:?}");
    assert_eq!(moves.iter().filter(|(old, _, _)| *old == second).count(), 1);
    assert!(moves
        .iter()
        .all(|(old, new, attempt)| *attempt == 2 && *new < second && *old >= first));
    let mut moved_to: Vec<u64> = moves.iter().map(|(_, new, _)| *new).collect();
    moved_to.sort_unstable();
    assert_eq!(client.pending_ids().collect::<Vec<_>>(), moved_to);
    assert_ne!(client.session_id(), SessionId(SESSION_ID));
}

/// A query answered by the server; the answer's packet is returned, not
/// delivered (lost unless the caller hands it on).
struct Answered {
    server: ServerTransport,
    client: ClientSession,
    received: Received,
    req_msg_id: u64,
    answer_packet: Vec<u8>,
}

/// The server's answer to a client query, sealed at `now`.
fn answered(now: Instant) -> Answered {
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
    let answer_packet = server
        .seal(
            now,
            received.auth_key_id,
            received.session_id,
            &[Outgoing::response(&result)],
            &mut rng(5),
        )
        .expect("sealed");
    Answered {
        server,
        client,
        received,
        req_msg_id,
        answer_packet,
    }
}

/// [`answered`] with the answer lost: (server, client, received, query id).
fn lost_answer(now: Instant) -> (ServerTransport, ClientSession, Received, u64) {
    let answered = answered(now);
    (answered.server, answered.client, answered.received, answered.req_msg_id)
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
    let Answered {
        mut server,
        mut client,
        answer_packet,
        ..
    } = answered(now);
    client.receive(now, &answer_packet).expect("decrypts");
    let ack_at = now + Duration::from_millis(200);
    let ack = client.poll_transmit(ack_at, &mut rng(4)).expect("the ack");
    receive(&mut server, &ack, ack_at);
    let later = now + ANSWER_RESEND_AFTER * 2;
    let salt = server.current_salt(key.id(), later).expect("key");
    let ping = craft(&key, salt, SESSION_ID, crate::support::ping(client_msg_id(later, 0), 9));
    assert_eq!(answers_in(&receive(&mut server, &ping, later)), Vec::<u64>::new());
}

#[test]
fn the_server_answers_a_state_request_one_byte_per_id() {
    let now = start();
    let (mut server, mut client, _, answered) = lost_answer(now);
    let key = key(1);
    let salt = server.current_salt(key.id(), now).expect("key");
    let never_sent = client_msg_id(now, 9);
    let far_ahead = client_msg_id(now + Duration::from_secs(120), 0);
    let asked = vec![answered, never_sent, far_ahead];
    let later = now + Duration::from_secs(1);
    let request = Message {
        msg_id: client_msg_id(later, 1),
        seq_no: 101,
        body: Body::MsgsStateReq { msg_ids: asked }.encode(),
    };
    let received = receive(&mut server, &craft(&key, salt, SESSION_ID, request.clone()), later);
    let info = received.processed.replies.iter().find_map(|body| match body {
        Body::MsgsStateInfo { req_msg_id, info } => Some((*req_msg_id, info.clone())),
        _ => None,
    });
    assert_eq!(
        info,
        Some((
            request.msg_id,
            vec![
                MSG_STATE_RECEIVED | MSG_STATE_ANSWERED,
                MSG_STATE_NOT_RECEIVED,
                MSG_STATE_NOT_RECEIVED_YET
            ]
        ))
    );
    let _ = client.take_events();
}

#[test]
fn a_resend_request_names_the_lost_answer_and_gets_it_again() {
    let now = start();
    let key = key(1);
    let Answered {
        mut server,
        req_msg_id,
        answer_packet: lost,
        ..
    } = answered(now);
    let answer_id = opened(&key, Direction::ServerToClient, &lost).msg_id;
    let salt = server.current_salt(key.id(), now).expect("key");
    let later = now + Duration::from_secs(1);
    let request = Message {
        msg_id: client_msg_id(later, 1),
        seq_no: 101,
        body: Body::MsgResendReq {
            msg_ids: vec![answer_id],
        }
        .encode(),
    };
    let again = receive(&mut server, &craft(&key, salt, SESSION_ID, request), later);
    assert_eq!(answers_in(&again), [req_msg_id]);
}

/// A server message about `answer_msg_id` reaches a client that sent a
/// query and got (`answer_came`) or did not get its answer.
fn detailed_info(answer_came: bool) -> (Received, Vec<Body>) {
    let now = start();
    let key = key(1);
    let Answered {
        mut server,
        mut client,
        received,
        answer_packet,
        ..
    } = answered(now);
    // The session's service replies (new session, acks, future salts) arrive.
    answer(&mut server, &mut client, &received, now);
    let answer_msg_id = opened(&key, Direction::ServerToClient, &answer_packet).msg_id;
    if answer_came {
        client.receive(now, &answer_packet).expect("decrypts");
    }
    let info = [Body::MsgNewDetailedInfo {
        answer_msg_id,
        bytes: 12,
        status: 0,
    }];
    let outgoing: Vec<Outgoing> = info.iter().map(Outgoing::notification).collect();
    let packet = server
        .seal(now, received.auth_key_id, received.session_id, &outgoing, &mut rng(6))
        .expect("sealed");
    client.receive(now, &packet).expect("decrypts");
    let later = now + Duration::from_millis(200);
    let reply = client.poll_transmit(later, &mut rng(4)).expect("a reply");
    let bodies = inner_messages(opened(&key, Direction::ClientToServer, &reply))
        .iter()
        .map(|inner| Body::decode(&inner.body).expect("valid"))
        .collect();
    let received = receive(&mut server, &reply, later);
    (received, bodies)
}

#[test]
fn a_client_asks_again_for_an_answer_it_never_got_and_acknowledges_one_it_has() {
    let (missing, bodies) = detailed_info(false);
    assert!(
        bodies
            .iter()
            .any(|body| matches!(body, Body::MsgResendReq { msg_ids } if msg_ids.len() == 1)),
        "{bodies:?}"
    );
    assert_eq!(answers_in(&missing).len(), 1, "the server sends the answer again");
    let (_, bodies) = detailed_info(true);
    assert!(
        !bodies.iter().any(|body| matches!(body, Body::MsgResendReq { .. })),
        "{bodies:?}"
    );
    assert!(
        bodies
            .iter()
            .any(|body| matches!(body, Body::Ack(ids) if ids.len() >= 2)),
        "{bodies:?}"
    );
}

#[test]
fn a_client_answers_a_state_request_without_content_seqno() {
    let now = start();
    let key = key(1);
    let (mut server, mut client) = pair(&key, now);
    let received = ping_round(&mut server, &mut client, now);
    let asked = [Body::MsgsStateReq {
        // An id above every server message the client has seen.
        msg_ids: vec![client_msg_id(now + Duration::from_secs(5), 0) | 3],
    }];
    let outgoing: Vec<Outgoing> = asked.iter().map(Outgoing::notification).collect();
    let packet = server
        .seal(now, received.auth_key_id, received.session_id, &outgoing, &mut rng(6))
        .expect("sealed");
    client.receive(now, &packet).expect("decrypts");
    let reply = client
        .poll_transmit(now, &mut rng(4))
        .expect("the state answer goes at once");
    let inner = inner_messages(opened(&key, Direction::ClientToServer, &reply));
    let state = inner
        .iter()
        .find(|inner| matches!(Body::decode(&inner.body), Ok(Body::MsgsStateInfo { .. })))
        .expect("a msgs_state_info");
    assert_eq!(state.seq_no % 2, 0, "not content-related");
    assert_eq!(
        Body::decode(&state.body).expect("valid"),
        Body::MsgsStateInfo {
            req_msg_id: opened(&key, Direction::ServerToClient, &packet).msg_id,
            info: vec![MSG_STATE_NOT_RECEIVED],
        }
    );
}

#[test]
fn messages_older_than_the_new_session_s_first_are_sent_again_under_new_ids() {
    let now = start();
    let key = key(1);
    let (mut server, mut client) = pair(&key, now);
    let lost_id = client.send(now, query()).expect("queued");
    let lost = client.poll_transmit(now, &mut rng(4)).expect("a packet, lost");
    // A second later, before the first is due again, a ping goes alone.
    let later = now + Duration::from_secs(1);
    client.send(later, Body::Ping { ping_id: 3 }.encode()).expect("queued");
    let packet = client.poll_transmit(later, &mut rng(4)).expect("the ping");
    let received = receive(&mut server, &packet, later);
    assert!(received.new_session);
    let deliveries = answer(&mut server, &mut client, &received, later);
    let reissued: Vec<u64> = deliveries
        .iter()
        .filter_map(|delivery| match delivery {
            sessionlab_proto::transport::Delivery::Reissued { old_msg_id, .. } => Some(*old_msg_id),
            _ => None,
        })
        .collect();
    // The query and the get_future_salts that rode with it.
    assert_eq!(reissued.len(), 2);
    assert_eq!(reissued[0], lost_id);
    let again = client.poll_transmit(later, &mut rng(4)).expect("the query again");
    let received = receive(&mut server, &again, later);
    assert_eq!(received.processed.accepted.len(), 1, "processed once, under its new id");
    // The lost packet, arriving late, is refused: older than the session.
    assert_eq!(bad_codes(&receive(&mut server, &lost, later).processed), [20]);
}

/// The client gets `count` content-related notifications at once; returns
/// whether it sends its acknowledgements before the ack delay is up.
fn acks_go_at_once(count: usize) -> bool {
    let now = start();
    let key = key(1);
    let (mut server, mut client) = pair(&key, now);
    let received = ping_round(&mut server, &mut client, now);
    let later = now + Duration::from_secs(1);
    let _ = client.poll_transmit(later, &mut rng(4));
    let notices: Vec<Outgoing> = (0..count).map(|_| Outgoing::notification(&query_body())).collect();
    let packet = server
        .seal(later, received.auth_key_id, received.session_id, &notices, &mut rng(6))
        .expect("sealed");
    client.receive(later, &packet).expect("decrypts");
    client.poll_transmit(later, &mut rng(4)).is_some()
}

fn query_body() -> Body {
    Body::decode(&query()).expect("valid")
}

#[test]
fn more_than_sixteen_acks_due_go_alone_at_once_and_fewer_wait() {
    assert!(!acks_go_at_once(16), "16 wait for the ack delay");
    assert!(acks_go_at_once(17), "over 16 go at once");
}

#[test]
fn a_body_that_names_its_id_is_built_again_under_the_new_id_and_session() {
    // As the binding message of auth.bindTempAuthKey names its outer
    // msg_id and session: here a ping whose ping_id is msg_id ^ session.
    // The client is 35 s fast and the 17 comes at once, so the re-issue
    // is under a new id in a restarted session.
    let (mut server, mut client, now, fast) = fast_clock_client();
    let body = SelfNamingBody::new(|msg_id, session| {
        Body::Ping {
            ping_id: msg_id ^ session.get(),
        }
        .encode()
    });
    let first_id = client.send_with(now + fast, body).expect("queued");
    let packet = client.poll_transmit(now + fast, &mut rng(4)).expect("a packet");
    let refused = receive(&mut server, &packet, now);
    assert_eq!(bad_codes(&refused.processed), [17]);
    answer_skewed(&mut server, &mut client, &refused, now, now + fast);
    let packet = client.poll_transmit(now + fast, &mut rng(4)).expect("the re-issue");
    let again = receive(&mut server, &packet, now);
    let pongs: Vec<(u64, u64)> = again
        .processed
        .replies
        .iter()
        .filter_map(|body| match body {
            Body::Pong { msg_id, ping_id } => Some((*msg_id, *ping_id)),
            _ => None,
        })
        .collect();
    let session = client.session_id();
    assert_ne!(session, SessionId(SESSION_ID), "the session restarted");
    assert_eq!(pongs.len(), 1, "{pongs:?}");
    let (new_id, ping_id) = pongs[0];
    assert_ne!(new_id, first_id);
    assert_eq!(ping_id, new_id ^ session.get(), "built for the new id and session");
}

#[test]
fn a_query_answered_before_its_container_s_refusal_is_not_sent_again() {
    // The answer to a query is lost. Past ANSWER_RESEND_AFTER the client
    // sends the query again (same id) in a container with a new one, under
    // a salt the server no longer takes. The server refuses the container
    // (48) and sends the kept answer again; the server puts the answer
    // where the query's ack was, before the refusal (`answers_before_acks`).
    // Read in that order, only the new message is re-issued: re-issuing the
    // answered query would make the server run it a second time.
    let now = start();
    let (mut server, mut client, _, req_msg_id) = lost_answer(now);
    let later = now + ANSWER_RESEND_AFTER + Duration::from_secs(1);
    client.handle_timeout(later);
    let second = client.send(later, query()).expect("queued");
    client.handle_issued_salt(0x0bad_5a17);
    let packet = client.poll_transmit(later, &mut rng(4)).expect("a container");
    let received = receive(&mut server, &packet, later);
    let is_answer = |body: &Body| matches!(body, Body::RpcResult { req_msg_id: id, .. } if *id == req_msg_id);
    let (answers, rest): (Vec<Body>, Vec<Body>) = received.processed.replies.iter().cloned().partition(is_answer);
    assert_eq!(answers.len(), 1, "{:?}", received.processed.replies);
    assert!(
        rest.iter().any(|body| matches!(body, Body::BadServerSalt { .. })),
        "{rest:?}"
    );
    let ordered: Vec<Outgoing> = answers.iter().chain(&rest).map(Outgoing::response).collect();
    let reply = server
        .seal(later, received.auth_key_id, received.session_id, &ordered, &mut rng(5))
        .expect("sealed");
    client.take_events();
    let deliveries = client.receive(later, &reply).expect("decrypts");
    assert!(deliveries.iter().any(
        |delivery| matches!(delivery, sessionlab_proto::transport::Delivery::RpcResult { req_msg_id: id, .. } if *id == req_msg_id)
    ));
    let reissued: Vec<u64> = client
        .take_events()
        .iter()
        .filter_map(|event| match event {
            TransportEvent::Reissued { old_msg_id, .. } => Some(*old_msg_id),
            _ => None,
        })
        .collect();
    assert_eq!(reissued, [second]);
}

#[test]
fn a_container_settled_earlier_in_the_packet_that_refuses_it_still_gives_its_salt() {
    // Every message of a container is acknowledged, then the container is
    // refused for its salt, in one packet. Nothing is left to re-issue, but
    // the salt is current: the client takes it, or its next message would
    // be refused for the same salt.
    let now = start();
    let key = key(1);
    let (mut server, mut client) = pair(&key, now);
    client.send(now, query()).expect("queued");
    client.send(now, query()).expect("queued");
    let packet = client.poll_transmit(now, &mut rng(4)).expect("a container");
    let container_id = opened(&key, Direction::ClientToServer, &packet).msg_id;
    // The two queries and the first packet's get_future_salts.
    let in_flight: Vec<u64> = client.pending_ids().collect();
    assert_eq!(in_flight.len(), 3);
    let received = receive(&mut server, &packet, now);
    let new_server_salt = 0x5a17_0002;
    let replies = [
        Outgoing::response(&Body::Ack(in_flight)),
        Outgoing::response(&Body::BadServerSalt {
            bad_msg_id: container_id,
            bad_msg_seqno: 4,
            error_code: 48,
            new_server_salt,
        }),
    ];
    let reply = server
        .seal(now, received.auth_key_id, received.session_id, &replies, &mut rng(5))
        .expect("sealed");
    client.take_events();
    client.receive(now, &reply).expect("decrypts");
    let events = client.take_events();
    assert!(
        events.contains(&TransportEvent::SaltUpdated { salt: new_server_salt }),
        "{events:?}"
    );
    assert!(
        !events
            .iter()
            .any(|event| matches!(event, TransportEvent::Reissued { .. })),
        "{events:?}"
    );
    // A notice about a container settled in an earlier packet is stale.
    let stale = [Outgoing::response(&Body::BadServerSalt {
        bad_msg_id: container_id,
        bad_msg_seqno: 4,
        error_code: 48,
        new_server_salt: 0x5a17_0003,
    })];
    let later = server
        .seal(now, received.auth_key_id, received.session_id, &stale, &mut rng(6))
        .expect("sealed");
    client.receive(now, &later).expect("decrypts");
    assert!(client.take_events().is_empty());
}
