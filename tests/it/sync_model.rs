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
