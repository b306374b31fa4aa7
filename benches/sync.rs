//! Criterion benchmarks of the sync layer's hot paths: a client applying a
//! pushed update, the server appending one, a difference over 1,000 and
//! 100,000 pending updates, and the list hash over 1,000 ids.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use sessionlab_proto::sync::{
    list_hash, Bootstrap, ClientConfig, ClientSync, DifferenceRequest, SyncAction, SyncState, UpdateKind, UpdateLog,
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
    let Some(SyncAction::FullResync { request_id }) = client.poll_action() else {
        panic!("a fresh client starts with a full resync");
    };
    client
        .on_full_resync(NOW, request_id, log.full_resync())
        .expect("resync");
    while client.poll_event().is_some() {}
    client
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

criterion_group!(benches, apply_pushed_update, push_update, difference, hash_of_list);
criterion_main!(benches);
