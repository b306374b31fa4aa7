//! `sync_bytes_up` / `sync_bytes_down` from the packets' encoded lengths,
//! pinned on one phone whose every packet can be worked out by hand.
//!
//! A packet is `auth_key_id` (8) + `msg_key` (16) + the encrypted envelope
//! (salt, session_id, msg_id: 8 each; seqno, length: 4 each) + the body +
//! the least padding (12 bytes at least, to a multiple of 16). An answer
//! is its request's acknowledgement: the server sends no `msgs_ack` for a
//! request it answers in the same packet. A container leaf costs its
//! body + 16 (msg_id, seqno, length), and a packet's bytes are split over
//! its leaves by that length.
//! - `getDifference` (28-byte body): 24 + 32 + 28 + 12 → 104 bytes, all sync.
//! - its answer, `rpc_result(updates.differenceEmpty)` alone (24-byte
//!   body): 24 + 32 + 24 + 12 → 104.
//! - the client's ack of that answer, alone (20-byte body): 88.
//! - a push of one 200-byte update (`updates`, 304-byte body): 376, and
//!   the client's ack of it: 88.
//! - the first sync packet: `updates.getState` (4-byte body) rides in a
//!   container with the ack of the login answer (20): 136 bytes, of which
//!   the state request's part is 136 × 20 / 56 = 48; the state answer
//!   alone (`rpc_result(updates.state)`, 36-byte body) is 104; its ack
//!   alone 88.

use sessionlab::world::{run, RunOptions};
use sessionlab_testkit::scenario_fixture::device_with;

use crate::support::sim::{metric, show, tiny_world};

#[test]
fn sync_bytes_are_the_encoded_packets_of_one_phone() {
    let fixture = tiny_world("sync-bytes")
        .duration("4h")
        .datacenters(1)
        .accounts(1)
        .devices([device_with("phone", 1.0)])
        .online("1000d", "1s")
        .updates(100, 200);
    let outcome = run(&fixture.resolved(), 0, RunOptions::default()).expect("runs");
    show(&outcome);
    assert!(outcome.violations.is_empty(), "{:?}", outcome.violations);
    // Seed 0 draws 8 updates; the phone polls when idle for 15 minutes.
    let pushes = metric(&outcome, "sync_payload_bytes") / 200.0;
    let differences = metric(&outcome, "difference_calls");
    assert_eq!((pushes, differences), (8.0, 13.0));
    let state = 48.0 + 88.0;
    assert_eq!(
        metric(&outcome, "sync_bytes_up"),
        state + differences * (104.0 + 88.0) + pushes * 88.0
    );
    assert_eq!(metric(&outcome, "sync_bytes_up"), 3336.0);
    assert_eq!(
        metric(&outcome, "sync_bytes_down"),
        104.0 + differences * 104.0 + pushes * 376.0
    );
    assert_eq!(metric(&outcome, "sync_bytes_down"), 4464.0);
    assert_eq!(metric(&outcome, "sync_overhead_ratio"), (3336.0 + 4464.0) / 1600.0);
}
