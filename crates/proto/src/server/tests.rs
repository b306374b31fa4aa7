//! Unit tests of the server: packet chunking, and the sans-IO contract's
//! promise that nothing is dropped silently.

use super::*;
use crate::id::{AuthKeyId, DcId, SessionId, UserId};
use crate::transport::sealed_body_bytes;
use crate::wire::{MAX_BODY_BYTES, MAX_CONTAINER_MESSAGES};

fn outgoing(bytes: usize) -> Outgoing {
    Outgoing {
        body: vec![0; bytes],
        kind: crate::transport::MsgIdKind::ServerResponse,
    }
}

#[test]
fn chunks_respect_the_message_count_and_the_byte_limit() {
    let many: Vec<Outgoing> = (0..2500).map(|_| outgoing(8)).collect();
    let sizes: Vec<usize> = packet_chunks(&many).map(|chunk| chunk.len()).collect();
    assert_eq!(sizes, [MAX_CONTAINER_MESSAGES, MAX_CONTAINER_MESSAGES, 452]);
    let big: Vec<Outgoing> = (0..5).map(|_| outgoing(400 * 1024)).collect();
    let chunks: Vec<&[Outgoing]> = packet_chunks(&big).collect();
    assert_eq!(chunks.iter().map(|chunk| chunk.len()).collect::<Vec<_>>(), [2, 2, 1]);
    assert!(chunks.iter().all(|chunk| sealed_body_bytes(chunk) <= MAX_BODY_BYTES));
    // Too large alone: a run of its own, which `seal` refuses.
    let huge = [outgoing(8), outgoing(MAX_BODY_BYTES + 4), outgoing(8)];
    let sizes: Vec<usize> = packet_chunks(&huge).map(|chunk| chunk.len()).collect();
    assert_eq!(sizes, [1, 1, 1]);
    assert_eq!(packet_chunks(&[]).count(), 0, "nothing to send: no run");
}

fn server() -> Server {
    Server::new(ServerConfig::new(DcId::new(1), [7; 32], crate::auth::Policy::default()))
}

fn rng() -> rand_chacha::ChaCha8Rng {
    use rand_core::SeedableRng;
    rand_chacha::ChaCha8Rng::seed_from_u64(5)
}

#[test]
fn a_packet_under_an_unknown_key_gets_the_transport_error() {
    let mut server = server();
    let mut packet = vec![0u8; 64];
    packet[..8].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
    server.handle_packet(Instant::SCENARIO_EPOCH, &packet, &NetworkOrigin::default(), &mut rng());
    assert_eq!(
        server.poll_output(),
        Some(ServerOutput::TransportError {
            auth_key_id: AuthKeyId::new(0x1122_3344_5566_7788),
            code: crate::transport::TRANSPORT_ERROR_UNKNOWN_KEY,
        })
    );
    assert_eq!(server.poll_output(), None);
    assert_eq!(server.drops(), ServerDrops::default());
}

#[test]
fn a_misaddressed_inter_dc_message_is_a_counted_drop() {
    let mut server = server();
    let message = InterDcMessage {
        from: DcId::new(2),
        to: DcId::new(3),
        body: crate::auth::InterDcBody::RevokeAck { revocation_id: 9 },
    };
    server.handle_inter_dc(Instant::SCENARIO_EPOCH, message, &mut rng());
    assert_eq!(
        server.poll_event(),
        Some(ServerEvent::Dropped(DropKind::InterDcRefused {
            error: crate::auth::InterDcError::WrongDestination {
                to: DcId::new(3),
                me: DcId::new(1)
            },
        }))
    );
    assert_eq!(server.poll_event(), None);
    assert_eq!(server.poll_output(), None);
    assert_eq!(server.drops().inter_dc_refused, 1);
}

#[test]
fn a_reply_that_cannot_be_sealed_is_a_counted_drop() {
    let mut server = server();
    let sent = server.send(
        Instant::SCENARIO_EPOCH,
        (AuthKeyId::new(42), SessionId::new(1)),
        &[outgoing(8)],
        &mut rng(),
    );
    assert!(!sent);
    assert_eq!(server.poll_output(), None);
    assert_eq!(
        server.poll_event(),
        Some(ServerEvent::Dropped(DropKind::Unsealable {
            auth_key_id: AuthKeyId::new(42),
            error: crate::transport::SealError::UnknownAuthKey {
                auth_key_id: AuthKeyId::new(42)
            },
        }))
    );
    assert_eq!(server.drops().unsealable, 1);
}

#[test]
fn admin_commands_answer_with_typed_results() {
    let mut server = server();
    let refused = server.handle_admin(
        Instant::SCENARIO_EPOCH,
        AdminCommand::AdvanceDeletion {
            user_id: UserId::new(77),
            stored_bytes: 0,
        },
        &mut rng(),
    );
    assert_eq!(refused, Err(RpcError::PhoneNumberUnoccupied));
    assert_eq!(server.poll_output(), None);
}
