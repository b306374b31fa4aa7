//! Model-based test of the sync layer: one `UpdateLog` and several
//! `ClientSync`s connected by a tiny network with virtual time that loses,
//! duplicates and reorders messages, while clients disconnect, go offline,
//! get `new_session_created` and are wiped (harness:
//! `sessionlab_testkit::sync_model`). After every operation each client is
//! compared with the model; after a quiet period every live client must
//! hold exactly the server's updates, in order, none lost, none twice, and a
//! wiped one none.

use std::time::Duration;

use proptest::prelude::*;
use sessionlab_testkit::sync_model::{run, Faults, Limits, Op, SyncModel, CLIENTS};

fn op_strategy() -> impl Strategy<Value = Op> {
    let client = 0..CLIENTS;
    prop_oneof![
        8 => (any::<bool>(), 1u32..4, 0u32..500).prop_map(|(secondary, pts_count, payload_bytes)| Op::Push {
            secondary: secondary && pts_count == 1,
            pts_count,
            payload_bytes
        }),
        2 => (1u8..5, 0u32..500).prop_map(|(updates, payload_bytes)| Op::PushCombined { updates, payload_bytes }),
        6 => (1u64..3_000).prop_map(|millis| Op::Advance { millis }),
        1 => (60_000u64..3_600_000).prop_map(|millis| Op::Advance { millis }),
        2 => client.clone().prop_map(|client| Op::Disconnect { client }),
        2 => client.clone().prop_map(|client| Op::Reconnect { client }),
        1 => client.clone().prop_map(|client| Op::NewSession { client }),
    ]
}

fn faults_strategy() -> impl Strategy<Value = Faults> {
    (0u32..60, 0u32..30, 1u64..15_000).prop_map(|(loss_percent, duplicate_percent, latency_max_ms)| Faults {
        loss_percent,
        duplicate_percent,
        latency_max_ms,
    })
}

fn limits_strategy() -> impl Strategy<Value = Limits> {
    (5usize..60, 5usize..80, 1u32..20, 5u32..200).prop_map(
        |(retained_limit, store_limit, pts_limit, pts_total_limit)| Limits {
            retained_limit,
            store_limit,
            pts_limit,
            pts_total_limit,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn clients_converge_to_the_server_log(
        seed in any::<u64>(),
        faults in faults_strategy(),
        limits in limits_strategy(),
        ops in prop::collection::vec(op_strategy(), 1..200),
        wipe_at in prop::option::of(0usize..400),
    ) {
        run(seed, faults, &limits, &ops, wipe_at);
    }
}

/// A lossy, reordering run with a short log: the seq rule holds containers
/// beyond a seq gap and fetches after the wait, and `differenceTooLong` is
/// recovered through the state and a history page — and every client still
/// converges, each update applied once.
#[test]
fn seq_gaps_and_too_long_recoveries_still_converge() {
    let limits = Limits {
        retained_limit: 8,
        store_limit: 20,
        pts_limit: 3,
        pts_total_limit: 6,
    };
    let faults = Faults {
        loss_percent: 30,
        duplicate_percent: 10,
        latency_max_ms: 800,
    };
    let mut ops = Vec::new();
    for round in 0..40u32 {
        ops.push(Op::Push {
            secondary: round % 7 == 3,
            pts_count: 1 + round % 2,
            payload_bytes: 50,
        });
        ops.push(Op::PushCombined {
            updates: 3,
            payload_bytes: 20,
        });
        ops.push(Op::Advance { millis: 300 });
        if round % 10 == 4 {
            ops.push(Op::Disconnect { client: 1 });
        }
        if round % 10 == 9 {
            ops.push(Op::Reconnect { client: 1 });
        }
    }
    let totals = run(7, faults, &limits, &ops, None);
    assert!(totals.seq_gaps_detected > 0, "{totals:?}");
    assert!(totals.old_batches_ignored > 0, "{totals:?}");
    assert!(totals.difference_too_long > 0, "{totals:?}");
    assert!(
        totals.full_resyncs > CLIENTS as u64,
        "start-up reloads and at least one after differenceTooLong: {totals:?}"
    );
}

/// The harness itself is not vacuous: a client that misses updates and never
/// hears from the server again is caught by the convergence check.
#[test]
#[should_panic(expected = "state")]
fn convergence_check_catches_a_stale_client() {
    let limits = Limits {
        retained_limit: 10,
        store_limit: 10,
        pts_limit: 10,
        pts_total_limit: 100,
    };
    let faults = Faults {
        loss_percent: 0,
        duplicate_percent: 0,
        latency_max_ms: 10,
    };
    let mut harness = SyncModel::new(1, faults, &limits);
    harness.run_until(harness.now() + Duration::from_secs(1));
    harness.disconnect(0);
    harness.push(false, 1, 10);
    harness.run_until(harness.now() + Duration::from_secs(1));
    harness.check_converged();
}
