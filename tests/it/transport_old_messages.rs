//! An old message is re-sent the documented way: "wrap it in a container
//! with a new msg_id if the original message had waited too long on the
//! client to be transmitted" (mtproto/service_messages_about_messages,
//! code 16). The client wraps a message whose id is older than
//! `RESEND_IN_CONTAINER_AFTER`; the server waives the −300 s bound for a
//! message inside a container it admitted, and nothing else.

use std::time::Duration;

use sessionlab_proto::crypto::Direction;
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{Received, ServerTransport, MAX_MSG_AGE, RESEND_IN_CONTAINER_AFTER};
use sessionlab_proto::wire::{Body, Message};

use crate::support::{
    answer, bad_codes, client_msg_id, container, craft, inner_messages, key, opened, pair, ping, rng, start, SESSION_ID,
};

fn receive(server: &mut ServerTransport, packet: &[u8], now: Instant) -> Received {
    server.receive(now, packet, &mut rng(3)).expect("packet decrypts")
}

fn query() -> Vec<u8> {
    Body::Application {
        constructor: 0x1234_5678,
        bytes: 0x1234_5678u32.to_le_bytes().to_vec(),
    }
    .encode()
}

/// A settled session; then a query queued and first transmitted `wait`
/// later. Returns the query's id, the message on the wire and what the
/// server made of it.
fn sent_after_waiting(wait: Duration) -> (u64, Message, Received) {
    let now = start();
    let key = key(1);
    let (mut server, mut client) = pair(&key, now);
    client.send(now, Body::Ping { ping_id: 1 }.encode()).expect("queued");
    let packet = client.poll_transmit(now, &mut rng(4)).expect("a packet");
    let received = receive(&mut server, &packet, now);
    answer(&mut server, &mut client, &received, now);
    // The acknowledgements go alone once their delay is up.
    let settled = now + Duration::from_secs(1);
    while let Some(packet) = client.poll_transmit(settled, &mut rng(4)) {
        receive(&mut server, &packet, settled);
    }
    let queued_at = settled + Duration::from_secs(1);
    let query_id = client.send(queued_at, query()).expect("queued");
    let sent_at = queued_at + wait;
    let packet = client.poll_transmit(sent_at, &mut rng(4)).expect("the query");
    let message = opened(&key, Direction::ClientToServer, &packet);
    (query_id, message, receive(&mut server, &packet, sent_at))
}

#[test]
fn a_message_that_waited_too_long_goes_in_a_container_with_a_new_id() {
    let (query_id, message, received) = sent_after_waiting(RESEND_IN_CONTAINER_AFTER + Duration::from_secs(10));
    assert_ne!(message.msg_id, query_id, "the container has a fresh id");
    assert!(message.msg_id > query_id);
    let inner = inner_messages(message);
    assert_eq!(inner.len(), 1);
    assert_eq!(inner[0].msg_id, query_id, "the message keeps its own id inside");
    assert_eq!(bad_codes(&received.processed), Vec::<i32>::new());
    assert_eq!(received.processed.accepted.len(), 1, "processed once");
    assert_eq!(received.processed.accepted[0].msg_id, query_id);
}

#[test]
fn a_message_that_waited_less_goes_alone_under_its_own_id() {
    let (query_id, message, received) = sent_after_waiting(RESEND_IN_CONTAINER_AFTER - Duration::from_secs(10));
    assert_eq!(message.msg_id, query_id);
    assert!(!matches!(Body::decode(&message.body), Ok(Body::Container(_))));
    assert_eq!(bad_codes(&received.processed), Vec::<i32>::new());
    assert_eq!(received.processed.accepted.len(), 1);
}

#[test]
fn the_server_waives_the_age_bound_inside_a_fresh_container_only() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let salt = client.salt_at(now);
    // The session begins with a ping at `now`.
    let old_id = client_msg_id(now, 0);
    let first = receive(&mut server, &craft(&key, salt, SESSION_ID, ping(old_id, 1)), now);
    assert_eq!(bad_codes(&first.processed), Vec::<i32>::new());
    let late = now + MAX_MSG_AGE + Duration::from_secs(100);
    let waited = ping(old_id + 4, 3);
    // Alone, a message this old is refused: 16.
    let alone = receive(&mut server, &craft(&key, salt, SESSION_ID, waited.clone()), late);
    assert_eq!(bad_codes(&alone.processed), [16]);
    // A refusal is final for that id; the waiting message (a new one).
    let waited = ping(old_id + 8, 5);
    let wrapped = container(client_msg_id(late, 0), 6, vec![waited.clone()]);
    let received = receive(&mut server, &craft(&key, salt, SESSION_ID, wrapped), late);
    assert_eq!(bad_codes(&received.processed), Vec::<i32>::new());
    let pongs = |received: &Received| {
        received
            .processed
            .replies
            .iter()
            .filter(|body| matches!(body, Body::Pong { .. }))
            .count()
    };
    assert_eq!(pongs(&received), 1);
    // The same inner message again, in another fresh container: a
    // duplicate, never processed twice.
    let again = container(client_msg_id(late, 1), 8, vec![waited]);
    let duplicate = receive(&mut server, &craft(&key, salt, SESSION_ID, again), late);
    assert_eq!(pongs(&duplicate), 0);
    // A message from before the session began stays refused (20), in a
    // container or not.
    let before_session = ping(client_msg_id(now.saturating_sub(Duration::from_secs(1)), 0), 1);
    let wrapped = container(client_msg_id(late, 2), 10, vec![before_session]);
    let refused = receive(&mut server, &craft(&key, salt, SESSION_ID, wrapped), late);
    assert_eq!(bad_codes(&refused.processed), [20]);
}

#[test]
fn a_container_that_is_itself_too_old_is_refused_whole() {
    let key = key(1);
    let now = start();
    let (mut server, client) = pair(&key, now);
    let salt = client.salt_at(now);
    let id = client_msg_id(now, 0);
    let late = now + MAX_MSG_AGE + Duration::from_secs(1);
    let stale = container(id + 8, 4, vec![ping(id, 1), ping(id + 4, 3)]);
    let received = receive(&mut server, &craft(&key, salt, SESSION_ID, stale), late);
    assert_eq!(bad_codes(&received.processed), [16]);
    assert!(received.processed.accepted.is_empty());
    assert!(!received
        .processed
        .replies
        .iter()
        .any(|body| matches!(body, Body::Pong { .. })));
}
