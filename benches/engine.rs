//! Criterion benchmarks of the simulator's hot paths: events per second of
//! the bare queue and of the engine (clock + trace hash), the engine against
//! a bare `BinaryHeap` floor on one ping-pong workload (1 and 1,000 pairs, 1
//! ms hops), and network send decisions per second on a lossy, reordering
//! link. `scripts/performance-report` reads the ping-pong figures.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
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
use sessionlab::engine::trace::TraceEncode;
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

/// Events each ping-pong iteration processes, whatever the number of pairs.
const PING_PONG_EVENTS: u64 = 100_000;
/// One hop of the ping-pong: every ball is answered 1 ms after it lands.
const HOP_MICROS: u64 = 1_000;

/// A ball in flight between the two ends of pair `pair`: the event of the
/// ping-pong workload, as small as a simulator's timer event.
#[derive(Clone, Copy)]
struct Ball {
    pair: u32,
    hops: u32,
}

impl TraceEncode for Ball {
    fn encode_trace(&self, out: &mut Vec<u8>) {
        self.pair.encode_trace(out);
        self.hops.encode_trace(out);
    }
}

/// The floor: a bare `BinaryHeap` of (time, insertion sequence, ball), the
/// least a queue with the engine's total order can do. Returns the last
/// time reached, so the work cannot be optimised away.
fn ping_pong_floor(pairs: u32) -> u64 {
    let mut heap = BinaryHeap::with_capacity(pairs as usize);
    let mut sequence = 0u64;
    for pair in 0..pairs {
        heap.push(Reverse((0u64, sequence, pair, 0u32)));
        sequence += 1;
    }
    let mut last = 0;
    for _ in 0..PING_PONG_EVENTS {
        let Some(Reverse((at, _, pair, hops))) = heap.pop() else {
            break;
        };
        last = at;
        heap.push(Reverse((at + HOP_MICROS, sequence, pair, hops + 1)));
        sequence += 1;
    }
    last
}

/// The engine on the same workload: its queue (slots, lazy cancellation,
/// the floor check), its clock and its trace hash of every event.
fn ping_pong_engine(pairs: u32) -> [u8; 32] {
    let mut engine: Engine<Ball> = Engine::default();
    for pair in 0..pairs {
        engine
            .schedule(Instant::SCENARIO_EPOCH, Ball { pair, hops: 0 })
            .expect("room");
    }
    for _ in 0..PING_PONG_EVENTS {
        let Some((at, ball)) = engine.pop() else {
            break;
        };
        let answer = Ball {
            pair: ball.pair,
            hops: ball.hops + 1,
        };
        engine
            .schedule(at.offset_by_micros(HOP_MICROS as i64), answer)
            .expect("room");
    }
    engine.trace().digest()
}

fn ping_pong(c: &mut Criterion) {
    let mut group = c.benchmark_group("ping_pong");
    group.throughput(Throughput::Elements(PING_PONG_EVENTS));
    for pairs in [1u32, 1_000] {
        group.bench_function(format!("floor_{pairs}_pairs"), |b| {
            b.iter(|| black_box(ping_pong_floor(pairs)))
        });
        group.bench_function(format!("engine_{pairs}_pairs"), |b| {
            b.iter(|| black_box(ping_pong_engine(pairs)))
        });
    }
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
    // The same sends spread over a large population: the link lookup must
    // not grow with it (the cost the scaling benchmark watches).
    let mut crowded = Network::new(network.config().clone(), Vec::new()).expect("valid network");
    for device in 0..CROWD_DEVICES {
        crowded.add_device(device).expect("new device");
    }
    let mut rng = ChaCha12Rng::seed_from_u64(3);
    group.bench_function("send_decisions_100k_over_100k_devices", |b| {
        b.iter(|| {
            for i in 0..SENDS {
                let now = Instant::SCENARIO_EPOCH.offset_by_micros(i as i64 * 1_000);
                let device = Node::Device((i * 7_919 % u64::from(CROWD_DEVICES)) as u32);
                let dc = Node::Datacenter(1 + (i % 3) as u32);
                black_box(crowded.send(now, device, dc, 200, &mut rng).expect("linked"));
            }
        })
    });
    group.finish();
}

/// Devices of the crowded network bench.
const CROWD_DEVICES: u32 = 100_000;

criterion_group!(benches, queue_schedule_pop, ping_pong, network_sends);
criterion_main!(benches);
