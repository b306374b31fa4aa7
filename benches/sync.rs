//! Criterion benchmarks of the sync layer's hot paths: a client applying a
//! pushed update, and 100 containers arriving in reverse seq order (the seq
//! gap buffer), the server appending an update, a difference over 1,000 and
//! 100,000 pending updates, a history page, and the list hash over 1,000 ids.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use sessionlab_proto::sync::{
    list_hash, Bootstrap, ClientConfig, ClientSync, DifferenceRequest, StoredUpdate, SyncAction, SyncState, Update,
    UpdateKind, UpdateLog,
};
use sessionlab_proto::time::Instant;

const NOW: Instant = Instant::SCENARIO_EPOCH;
const PAYLOAD_BYTES: u32 = 200;

fn log_with(updates: u32) -> UpdateLog {
    let mut log = UpdateLog::new(updates as usize).expect("valid limit");
    for _ in 0..updates {
        log.push(NOW, UpdateKind::NewMessage, PAYLOAD_BYTES, 1).expect("push");
    }
    log
}

/// A connected client in sync with `log`.
fn synced_client(log: &UpdateLog) -> ClientSync {
    let mut client = ClientSync::new(ClientConfig::default(), Bootstrap::FullHistory).expect("config");
    client.on_connected(NOW);
    let Some(SyncAction::GetState { request_id }) = client.poll_action() else {
        panic!("a fresh client starts with the state");
    };
    client.on_state(NOW, request_id, log.state());
    let Some(SyncAction::GetHistory { request_id, limit }) = client.poll_action() else {
        panic!("then the history");
    };
    let page = log.history(limit).into_iter().map(StoredUpdate::from).collect();
    client.on_history(NOW, request_id, page);
    while client.poll_event().is_some() {}
    client
}

fn apply_batches_out_of_seq_order(c: &mut Criterion) {
    let mut log = log_with(1_000);
    let client = synced_client(&log);
    let reversed: Vec<Update> = (0..100)
        .map(|_| log.push(NOW, UpdateKind::NewMessage, PAYLOAD_BYTES, 1).expect("push"))
        .rev()
        .collect();
    c.bench_function("sync/client_apply_100_containers_in_reverse_seq_order", |b| {
        b.iter_batched(
            || (client.clone(), reversed.clone()),
            |(mut client, updates)| {
                for update in updates {
                    black_box(client.on_update(NOW, update)).expect("valid");
                }
                assert_eq!(client.pending_len(), 0);
                client
            },
            BatchSize::SmallInput,
        )
    });
}

fn history_page(c: &mut Criterion) {
    let log = log_with(100_000);
    c.bench_function("sync/log_history_page_of_100", |b| {
        b.iter(|| black_box(log.history(100).len()))
    });
}

fn apply_pushed_update(c: &mut Criterion) {
    let mut log = log_with(1_000);
    let client = synced_client(&log);
    let update = log.push(NOW, UpdateKind::NewMessage, PAYLOAD_BYTES, 1).expect("push");
    c.bench_function("sync/client_apply_pushed_update", |b| {
        b.iter_batched(
            || (client.clone(), update.clone()),
            |(mut client, update)| black_box(client.on_update(NOW, update)),
            BatchSize::SmallInput,
        )
    });
}

fn push_update(c: &mut Criterion) {
    // At its retention limit, so every push also compacts one entry.
    let mut log = log_with(1_000);
    c.bench_function("sync/log_push_with_compaction", |b| {
        b.iter(|| black_box(log.push(NOW, UpdateKind::NewMessage, PAYLOAD_BYTES, 1)))
    });
}

fn difference(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync/difference");
    for pending in [1_000u32, 100_000] {
        let log = log_with(pending);
        let request = DifferenceRequest::from_state(SyncState::default(), pending, pending);
        group.throughput(Throughput::Elements(u64::from(pending)));
        group.bench_with_input(BenchmarkId::from_parameter(pending), &request, |b, request| {
            b.iter(|| black_box(log.difference(request)))
        });
    }
    group.finish();
}

fn hash_of_list(c: &mut Criterion) {
    let ids: Vec<u64> = (0..1_000u64).map(|id| id.wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();
    c.bench_function("sync/list_hash_1000_ids", |b| {
        b.iter(|| black_box(list_hash(ids.iter().copied())))
    });
}

criterion_group!(
    benches,
    apply_pushed_update,
    apply_batches_out_of_seq_order,
    push_update,
    difference,
    history_page,
    hash_of_list
);
criterion_main!(benches);
