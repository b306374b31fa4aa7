//! The seq rule as a user of `proto::Client` sees it, against a scripted
//! datacenter: pushed `updates` containers apply in seq order, one beyond a
//! seq gap waits 0.5 s and then costs one `updates.getDifference`, one
//! already applied is ignored, `updatesCombined` covers its whole range,
//! and `updateShort` (no seq) only follows the pts rule. (That a real
//! `proto::Server` numbers the containers it pushes is in `server_flows`.)

use std::time::Duration;

use sessionlab_proto::id::UserId;
use sessionlab_proto::sync::{difference_to_wire, ApplyPath, Difference, FetchReason, SyncEvent, SyncState};
use sessionlab_proto::wire::api::{ApiResponse, Updates};
use sessionlab_testkit::client_harness::*;

fn container(seq: i32, pts: &[u32]) -> Updates {
    Updates::Batch {
        updates: pts.iter().map(|pts| wire_update(*pts)).collect(),
        users: Vec::new(),
        date: 0,
        seq,
    }
}

#[test]
fn a_container_beyond_a_seq_gap_waits_then_fetches_a_difference() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    world.push(&like, container(1, &[1]));
    assert_eq!(world.applied(), [(1, ApplyPath::Push)]);
    // Container 2 is lost; container 3 carries pts 2, which the pts rule alone would apply.
    world.push(&like, container(3, &[2]));
    let held = world.sync_events();
    assert!(held.contains(&SyncEvent::SeqGapDetected { local: 1, seq_start: 3 }));
    assert!(
        !held.iter().any(|event| matches!(event, SyncEvent::Applied { .. })),
        "held by the seq rule"
    );
    world.advance(Duration::from_millis(499));
    world.tick();
    assert!(world.pump().is_empty(), "no fetch before 0.5 s");
    world.advance(Duration::from_millis(1));
    world.tick();
    let fetch = world.expect_one("updates.getDifference");
    let server_state = SyncState { seq: 3, ..state(2) };
    let difference = Difference::Full {
        updates: vec![sync_update(2)],
        state: server_state,
    };
    world.answer(
        &fetch,
        ApiResponse::Difference(difference_to_wire(&difference, UserId::from_wire(USER_ID))),
    );
    assert_eq!(world.client.sync_state(), Some(server_state));
    let sync_events = world.sync_events();
    assert!(sync_events.contains(&SyncEvent::OldBatchIgnored { seq: 3, updates: 1 }));
    assert!(sync_events.iter().any(|event| matches!(
        event,
        SyncEvent::FetchSent {
            reason: FetchReason::SeqGap,
            ..
        }
    )));
    // A late copy of container 3 is old now: ignored, nothing applied twice.
    world.push(&like, container(3, &[2]));
    assert!(world.applied().is_empty());
}

#[test]
fn containers_out_of_order_combined_and_seqless_pushes() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    world.push(&like, container(2, &[2]));
    world.push(&like, container(1, &[1]));
    assert_eq!(world.applied(), [(1, ApplyPath::Push), (2, ApplyPath::Push)]);
    world.push(
        &like,
        Updates::Combined {
            updates: vec![wire_update(3), wire_update(4)],
            users: Vec::new(),
            date: 0,
            seq_start: 3,
            seq: 4,
        },
    );
    assert_eq!(world.applied(), [(3, ApplyPath::Push), (4, ApplyPath::Push)]);
    world.push(
        &like,
        Updates::Short {
            update: wire_update(5),
            date: 0,
        },
    );
    assert_eq!(world.applied(), [(5, ApplyPath::Push)]);
    assert_eq!(
        world.client.sync_state().map(|state| (state.pts, state.seq)),
        Some((5, 4))
    );
    world.advance(Duration::from_secs(1));
    world.tick();
    assert!(world.pump().is_empty(), "no gap was left open");
}
