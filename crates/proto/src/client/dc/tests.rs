//! A link follows the transport's moves in order: each request stays with
//! its message through a refusal and through a session restart whose new
//! ids equal old ones, and a message given up names its own request.

use std::time::Duration;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::DcLink;
use crate::client::event::RequestId;
use crate::crypto::AuthKey;
use crate::id::SessionId;
use crate::time::Instant;
use crate::transport::{Outgoing, ServerTransport, TransportEvent};
use crate::wire::Body;

const SESSION_ID: u64 = 0x5e55_1011;

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

fn key() -> AuthKey {
    AuthKey::from_bytes(std::array::from_fn(|i| (i as u8).wrapping_mul(31).wrapping_add(1)))
}

/// A server that knows the key, and a link whose session has its salt.
fn server_and_link(now: Instant) -> (ServerTransport, DcLink) {
    let mut server = ServerTransport::new();
    server.add_key(key(), &mut rng(1));
    let mut link = DcLink::new(key(), SessionId::new(SESSION_ID));
    let salt = server.current_salt(key().id(), now).expect("key registered");
    link.session.handle_issued_salt(salt);
    (server, link)
}

fn request_body(ping_id: u64) -> Vec<u8> {
    Body::Ping { ping_id }.encode()
}

/// Every move the link reported, in order.
fn moves(events: &[TransportEvent]) -> Vec<(u64, u64)> {
    events
        .iter()
        .filter_map(|event| match event {
            TransportEvent::Reissued {
                old_msg_id, new_msg_id, ..
            } => Some((*old_msg_id, *new_msg_id)),
            _ => None,
        })
        .collect()
}

/// The new id the message first sent as `old` moved to.
fn moved_to(moves: &[(u64, u64)], old: u64) -> u64 {
    let found: Vec<u64> = moves
        .iter()
        .filter(|(from, _)| *from == old)
        .map(|(_, to)| *to)
        .collect();
    assert_eq!(found.len(), 1, "{old} moved once: {moves:?}");
    found[0]
}

/// Send what the link has queued at device time `sent_at`; the server,
/// at `server_now`, refuses `bad_msg_id` with `error_code`. Returns the
/// refusal's packet, with the link's events so far taken.
fn transmit_and_refuse(
    server: &mut ServerTransport,
    link: &mut DcLink,
    (sent_at, server_now): (Instant, Instant),
    bad_msg_id: u64,
    error_code: i32,
) -> Vec<u8> {
    let packet = link.transmit(sent_at, &mut rng(4)).expect("a packet");
    let received = server.receive(server_now, &packet, &mut rng(3)).expect("decrypts");
    let refusal = Body::BadMsgNotification {
        bad_msg_id,
        bad_msg_seqno: 1,
        error_code,
    };
    let notice = server
        .seal(
            server_now,
            received.auth_key_id,
            received.session_id,
            &[Outgoing::response(&refusal)],
            &mut rng(5),
        )
        .expect("sealed");
    link.take_events();
    notice
}

#[test]
fn a_restart_whose_new_ids_equal_old_ones_keeps_each_request_with_its_message() {
    // Request 0 is queued 10 s before request 1, request 2 after the
    // device clock jumps 2,057 s ahead. A 17 about request 0, on the
    // server's clock, moves the clock back by 2,057 s: the session
    // restarts and every message moves to ids that start again at request
    // 1's instant, so request 0's new id is request 1's old one.
    let early = Instant::SCENARIO_EPOCH + Duration::from_secs(90);
    let now = early + Duration::from_secs(10);
    let (mut server, mut link) = server_and_link(now);
    let jumped = now + Duration::from_secs(2057);
    link.send(early, request_body(0), RequestId(0)).expect("queued");
    link.send(now, request_body(1), RequestId(1)).expect("queued");
    link.send(jumped, request_body(2), RequestId(2)).expect("queued");
    let old_ids: Vec<u64> = link.by_msg_id.iter().map(|(msg_id, _)| *msg_id).collect();
    let notice = transmit_and_refuse(&mut server, &mut link, (jumped, now), old_ids[0], 17);
    link.receive(jumped, &notice).expect("decrypts");
    let events = link.take_events();
    assert!(
        events
            .iter()
            .any(|event| matches!(event, TransportEvent::SessionRestarted { .. })),
        "{events:?}"
    );
    let moves = moves(&events);
    let new_ids: Vec<u64> = old_ids.iter().map(|old| moved_to(&moves, *old)).collect();
    assert_eq!(new_ids[0], old_ids[1], "the collision this test is about: {moves:?}");
    let expected: Vec<(u64, RequestId)> = new_ids
        .iter()
        .zip(0..)
        .map(|(msg_id, request)| (*msg_id, RequestId(request)))
        .collect();
    let mut found: Vec<(u64, RequestId)> = link.by_msg_id.iter().map(|(id, request)| (*id, *request)).collect();
    found.sort_unstable();
    assert_eq!(found, expected);
    assert!(link.take_given_up().is_empty());
}

#[test]
fn a_refused_request_moves_to_its_new_id_and_the_others_stay() {
    let now = Instant::SCENARIO_EPOCH + Duration::from_secs(100);
    let (mut server, mut link) = server_and_link(now);
    link.send(now, request_body(0), RequestId(0)).expect("queued");
    link.send(now, request_body(1), RequestId(1)).expect("queued");
    let old_ids: Vec<u64> = link.by_msg_id.iter().map(|(msg_id, _)| *msg_id).collect();
    let notice = transmit_and_refuse(&mut server, &mut link, (now, now), old_ids[1], 32);
    link.receive(now, &notice).expect("decrypts");
    let moves = moves(&link.take_events());
    assert_eq!(moves.len(), 1, "{moves:?}");
    let new_id = moved_to(&moves, old_ids[1]);
    assert!(new_id > old_ids[1]);
    let found: Vec<(u64, RequestId)> = link.by_msg_id.iter().map(|(id, request)| (*id, *request)).collect();
    assert_eq!(found, vec![(old_ids[0], RequestId(0)), (new_id, RequestId(1))]);
}

#[test]
fn a_message_given_up_names_its_own_request_once() {
    let now = Instant::SCENARIO_EPOCH + Duration::from_secs(100);
    let (_server, mut link) = server_and_link(now);
    link.send(now, request_body(0), RequestId(0)).expect("queued");
    link.send(now, request_body(1), RequestId(1)).expect("queued");
    // Never answered: every resend goes, then the transport gives up.
    let mut at = now;
    let mut given_up = Vec::new();
    for _ in 0..64 {
        link.session.handle_timeout(at);
        let _ = link.transmit(at, &mut rng(4));
        given_up.extend(link.take_given_up());
        at = at + Duration::from_secs(60);
    }
    given_up.sort_unstable();
    assert_eq!(given_up, vec![RequestId(0), RequestId(1)]);
    assert!(link.by_msg_id.is_empty());
    assert!(link.take_given_up().is_empty());
}

/// The oracle: with nothing acknowledged or answered, the link maps
/// exactly the pending messages that carry a request, each to the request
/// its body names, and every request is either there or given up.
fn assert_each_request_with_its_message(link: &DcLink, given_up: &[RequestId], sent: u64) {
    let mut expected: Vec<(u64, RequestId)> = Vec::new();
    for msg_id in link.session.pending_ids() {
        let body = link.session.pending_body(msg_id).expect("pending");
        if let Ok(Body::Ping { ping_id }) = Body::decode(body) {
            expected.push((msg_id, RequestId(ping_id)));
        }
    }
    let found: Vec<(u64, RequestId)> = link.by_msg_id.iter().map(|(id, request)| (*id, *request)).collect();
    assert_eq!(found, expected);
    let mut accounted: Vec<RequestId> = found
        .iter()
        .map(|(_, request)| *request)
        .chain(given_up.iter().copied())
        .collect();
    accounted.sort_unstable();
    assert_eq!(accounted, (0..sent).map(RequestId).collect::<Vec<_>>());
}

#[test]
fn any_refusals_and_clock_jumps_keep_each_request_with_its_message() {
    arbtest::arbtest(|u| {
        let mut server_now = Instant::SCENARIO_EPOCH + Duration::from_secs(100);
        let (mut server, mut link) = server_and_link(server_now);
        let mut device_lead = Duration::ZERO;
        let mut last_received = None;
        let mut given_up = Vec::new();
        let mut sent = 0u64;
        for step in 0..u.int_in_range(1..=40)? {
            let device_now = server_now + device_lead;
            match u.int_in_range(0..=5)? {
                0 | 1 => {
                    if link.send(device_now, request_body(sent), RequestId(sent)).is_ok() {
                        sent += 1;
                    }
                }
                2 => {
                    if let Some(packet) = link.transmit(device_now, &mut rng(step)) {
                        last_received = server.receive(server_now, &packet, &mut rng(step)).ok();
                    }
                }
                3 => {
                    let pending: Vec<u64> = link.session.pending_ids().collect();
                    if let (Some(received), false) = (&last_received, pending.is_empty()) {
                        let bad_msg_id = pending[u.choose_index(pending.len())?];
                        let error_code = *u.choose(&[16, 17, 32, 33, 48])?;
                        let refusal = Body::BadMsgNotification {
                            bad_msg_id,
                            bad_msg_seqno: 1,
                            error_code,
                        };
                        let outgoing = [Outgoing::response(&refusal)];
                        let sealed = server.seal(
                            server_now,
                            received.auth_key_id,
                            received.session_id,
                            &outgoing,
                            &mut rng(step),
                        );
                        if let Ok(notice) = sealed {
                            let _ = link.receive(device_now, &notice);
                        }
                    }
                }
                4 => device_lead += Duration::from_secs(u.int_in_range(0..=3000)?),
                _ => {
                    server_now = server_now + Duration::from_secs(u.int_in_range(0..=40)?);
                    link.session.handle_timeout(server_now + device_lead);
                }
            }
            given_up.extend(link.take_given_up());
            assert_each_request_with_its_message(&link, &given_up, sent);
        }
        Ok(())
    });
}
