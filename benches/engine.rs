//! Criterion benchmarks of the simulator's hot paths: events per second of
//! the bare queue and of the engine (clock + trace hash), and network send
//! decisions per second on a lossy, reordering link.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand_chacha::ChaCha12Rng;
use rand_core::{RngCore, SeedableRng};
use sessionlab::engine::distribution::Distribution;
use sessionlab::engine::event_loop::Engine;
use sessionlab::engine::network::link::{LinkModel, NetworkConfig};
use sessionlab::engine::network::topology::Node;
use sessionlab::engine::network::Network;
use sessionlab::engine::queue::EventQueue;
use sessionlab_proto::time::Instant;

const EVENTS: u64 = 100_000;
const SENDS: u64 = 100_000;
/// Spread of event times: a minute of virtual time, so many events interleave.
const SPREAD_MICROS: u64 = 60_000_000;

fn event_times() -> Vec<Instant> {
    let mut rng = ChaCha12Rng::seed_from_u64(1);
    (0..EVENTS)
        .map(|_| Instant::SCENARIO_EPOCH.offset_by_micros((rng.next_u64() % SPREAD_MICROS) as i64))
        .collect()
}

fn queue_schedule_pop(c: &mut Criterion) {
    let times = event_times();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("queue_schedule_pop_100k", |b| {
        b.iter(|| {
            let mut queue: EventQueue<u64> = EventQueue::new(Instant::SCENARIO_EPOCH);
            for (i, at) in times.iter().enumerate() {
                queue.schedule(*at, i as u64).expect("room");
            }
            while let Some(popped) = queue.pop() {
                black_box(popped);
            }
        })
    });
    group.bench_function("engine_schedule_pop_traced_100k", |b| {
        b.iter(|| {
            let mut engine: Engine<u64> = Engine::default();
            for (i, at) in times.iter().enumerate() {
                engine.schedule(*at, i as u64).expect("room");
            }
            while let Some(popped) = engine.pop() {
                black_box(popped);
            }
            black_box(engine.trace().digest())
        })
    });
    group.finish();
}

fn network_sends(c: &mut Criterion) {
    let access = LinkModel {
        latency: Distribution::LogNormal {
            median: 80_000.0,
            p99: 600_000.0,
        },
        loss: 0.02,
        duplicate: 0.001,
        reorder: 0.01,
    };
    let config = NetworkConfig {
        access,
        ..NetworkConfig::default()
    };
    let mut network = Network::new(config, Vec::new()).expect("valid network");
    network.add_device(1).expect("new device");
    let mut group = c.benchmark_group("network");
    group.throughput(Throughput::Elements(SENDS));
    group.bench_function("send_decisions_100k", |b| {
        b.iter_batched(
            || (network.clone(), ChaCha12Rng::seed_from_u64(2)),
            |(mut network, mut rng)| {
                for i in 0..SENDS {
                    let now = Instant::SCENARIO_EPOCH.offset_by_micros(i as i64 * 1_000);
                    let outcome = network.send(now, Node::Device(1), Node::Datacenter(1), 200, &mut rng);
                    black_box(outcome.expect("linked"));
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, queue_schedule_pop, network_sends);
criterion_main!(benches);
