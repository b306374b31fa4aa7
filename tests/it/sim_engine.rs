//! Property tests of the simulator's base: the event queue against a simple
//! model after every operation, trace-hash determinism of a small randomized
//! network workload, and independence of RNG streams.

use std::collections::BTreeSet;

use proptest::prelude::*;
use rand_chacha::ChaCha12Rng;
use rand_core::{RngCore, SeedableRng};
use sessionlab::engine::distribution::{Distribution, MAX_SAMPLED_BYTES, MAX_SAMPLED_MICROS};
use sessionlab::engine::event_loop::{Engine, RunStop};
use sessionlab::engine::network::fault::{Direction, Fault};
use sessionlab::engine::network::link::{LinkModel, NetworkConfig};
use sessionlab::engine::network::topology::Node;
use sessionlab::engine::network::Network;
use sessionlab::engine::queue::{EventId, EventQueue, QueueError};
use sessionlab::engine::rng::{device_label, RngStreams, NETWORK_LABEL};
use sessionlab::engine::trace::TraceEncode;
use sessionlab_proto::time::Instant;

#[derive(Clone, Debug)]
enum Op {
    Schedule { delay_micros: u64 },
    Cancel { pick: usize },
    Pop,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u64..50).prop_map(|delay_micros| Op::Schedule { delay_micros }),
        1 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        2 => Just(Op::Pop),
    ]
}

/// The model: pending events as a plain list; the next one is the minimum (time, seq).
#[derive(Default)]
struct Model {
    pending: Vec<(u64, u64)>,
    issued: Vec<EventId>,
    now: u64,
}

impl Model {
    fn pop(&mut self) -> Option<(u64, u64)> {
        let next = *self.pending.iter().min()?;
        self.pending.retain(|entry| *entry != next);
        self.now = next.0;
        Some(next)
    }
}

const QUEUE_LIMIT: usize = 16;

proptest! {
    #[test]
    fn queue_matches_model_and_pops_non_decreasing(ops in prop::collection::vec(op(), 1..300)) {
        let mut queue: EventQueue<u64> = EventQueue::with_limit(Instant::EPOCH, QUEUE_LIMIT);
        let mut model = Model::default();
        let mut last_popped: Option<(u64, u64)> = None;
        for op in ops {
            match op {
                Op::Schedule { delay_micros } => {
                    let at = model.now + delay_micros;
                    let result = queue.schedule(Instant::from_unix_micros(at), at);
                    if model.pending.len() >= QUEUE_LIMIT {
                        prop_assert_eq!(result, Err(QueueError::Full { limit: QUEUE_LIMIT }));
                    } else {
                        let id = result.expect("room in the queue");
                        prop_assert_eq!(id.sequence(), model.issued.len() as u64);
                        model.pending.push((at, id.sequence()));
                        model.issued.push(id);
                    }
                }
                Op::Cancel { pick } => {
                    if let Some(id) = model.issued.get(pick % model.issued.len().max(1)).copied() {
                        let was_pending = model.pending.iter().any(|(_, seq)| *seq == id.sequence());
                        model.pending.retain(|(_, seq)| *seq != id.sequence());
                        prop_assert_eq!(queue.cancel(id), was_pending);
                    }
                }
                Op::Pop => {
                    let got = queue.pop().map(|(at, id, payload)| {
                        assert_eq!(payload, at.unix_micros(), "payload travels with its event");
                        (at.unix_micros(), id.sequence())
                    });
                    let expected = model.pop();
                    prop_assert_eq!(got, expected);
                    if let Some(popped) = got {
                        prop_assert!(last_popped.is_none_or(|last| last <= popped));
                        last_popped = Some(popped);
                    }
                }
            }
            prop_assert_eq!(queue.len(), model.pending.len());
        }
    }
}

/// The workload's events: a device decides to send, or a packet arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Wake { device: u32 },
    Arrive { from: Node, to: Node, bytes: u64 },
}

fn encode_node(node: Node, out: &mut Vec<u8>) {
    let (kind, id) = match node {
        Node::Device(id) => (0u8, id),
        Node::Datacenter(id) => (1, id),
        Node::AttackerHost(id) => (2, id),
    };
    kind.encode_trace(out);
    id.encode_trace(out);
}

impl TraceEncode for Event {
    fn encode_trace(&self, out: &mut Vec<u8>) {
        match *self {
            Event::Wake { device } => (0u8, device).encode_trace(out),
            Event::Arrive { from, to, bytes } => {
                1u8.encode_trace(out);
                encode_node(from, out);
                encode_node(to, out);
                bytes.encode_trace(out);
            }
        }
    }
}

const DEVICES: u32 = 4;
const WORKLOAD_SECONDS: u64 = 60;
const MAX_WORKLOAD_EVENTS: u64 = 100_000;

fn lossy_network() -> Network {
    let access = LinkModel {
        latency: Distribution::LogNormal {
            median: 80_000.0,
            p99: 600_000.0,
        },
        loss: 0.05,
        duplicate: 0.05,
        reorder: 0.1,
    };
    let partition = Fault::Partition {
        at: Instant::SCENARIO_EPOCH.offset_by_micros(20_000_000),
        duration_micros: 10_000_000,
        nodes: BTreeSet::from([Node::Device(0)]),
        direction: Direction::ToDc,
    };
    let config = NetworkConfig {
        access,
        ..NetworkConfig::default()
    };
    let mut network = Network::new(config, vec![partition]).expect("valid network");
    for device in 0..DEVICES {
        network.add_device(device).expect("new device");
    }
    network
}

/// Devices wake at random times and send to a random DC, which echoes back;
/// returns the trace digest and the number of events processed.
fn run_workload(seed: u64) -> ([u8; 32], u64) {
    let mut streams = RngStreams::new(seed);
    let mut network = lossy_network();
    let mut engine: Engine<Event> = Engine::default();
    for device in 0..DEVICES {
        engine.schedule(engine.now(), Event::Wake { device }).expect("room");
    }
    let deadline = engine.clock().after_micros(WORKLOAD_SECONDS * 1_000_000);
    let stop = engine.run_until(deadline, MAX_WORKLOAD_EVENTS, |engine, now, event| {
        let (from, to, bytes) = match event {
            Event::Wake { device } => {
                let rng = streams.get(&device_label(u64::from(device))).expect("valid label");
                let next_wake = Distribution::Uniform {
                    min: 100_000.0,
                    max: 2_000_000.0,
                }
                .sample_micros(rng);
                engine.schedule_after_micros(next_wake, Event::Wake { device })?;
                let dc = Node::Datacenter(1 + (rng.next_u32() % 3));
                (Node::Device(device), dc, 64 + u64::from(rng.next_u32() % 512))
            }
            Event::Arrive {
                from,
                to: to @ Node::Datacenter(_),
                bytes,
            } => (to, from, bytes * 2),
            Event::Arrive { .. } => return Ok(()),
        };
        let network_rng = streams.get(NETWORK_LABEL).expect("valid label");
        let outcome = network.send(now, from, to, bytes, network_rng).expect("linked");
        for delivery in outcome.deliveries.as_slice() {
            engine.schedule(delivery.at, Event::Arrive { from, to, bytes })?;
        }
        Ok::<(), QueueError>(())
    });
    assert_eq!(stop, Ok(RunStop::Deadline));
    assert!(network.counters().dropped_partition > 0, "the partition was exercised");
    (engine.trace().digest(), engine.processed())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn same_seed_same_trace_and_different_seeds_differ(seed in any::<u64>()) {
        let (digest, events) = run_workload(seed);
        prop_assert!(events > 100, "a real workload ran: {} events", events);
        prop_assert_eq!(run_workload(seed), (digest, events));
        prop_assert_ne!(run_workload(seed.wrapping_add(1)).0, digest);
    }

    #[test]
    fn adding_a_stream_does_not_change_other_streams(
        seed in any::<u64>(),
        labels in prop::collection::btree_set("[a-z]{1,8}(/[0-9]{1,3})?", 1..6),
        extra in "[A-Z]{1,8}",
        draws_per_turn in 1usize..4,
    ) {
        let run = |with_extra: bool| {
            let mut streams = RngStreams::new(seed);
            let mut outputs = Vec::new();
            for _turn in 0..5 {
                if with_extra {
                    streams.get(&extra).expect("valid label").next_u64();
                }
                for label in &labels {
                    let rng = streams.get(label).expect("valid label");
                    outputs.extend((0..draws_per_turn).map(|_| rng.next_u64()));
                }
            }
            outputs
        };
        prop_assert_eq!(run(false), run(true));
    }
}

fn distribution() -> impl Strategy<Value = Distribution> {
    prop_oneof![
        (-1e9f64..1e9).prop_map(|value| Distribution::Constant { value }),
        (-1e9f64..1e9, 0f64..1e9).prop_map(|(min, width)| Distribution::Uniform { min, max: min + width }),
        (-1e9f64..1e9, 0f64..1e9).prop_map(|(mean, stddev)| Distribution::Normal { mean, stddev }),
        (1e-3f64..1e9, 1f64..100.0).prop_map(|(median, ratio)| Distribution::LogNormal {
            median,
            p99: median * ratio
        }),
        (1e-3f64..1e9, 0.05f64..10.0).prop_map(|(scale, shape)| Distribution::Pareto { scale, shape }),
    ]
}

fn in_support(distribution: Distribution, sample: f64) -> bool {
    match distribution {
        Distribution::Constant { value } => sample == value,
        // Closed above: min + width·u can round up to max in floating point.
        Distribution::Uniform { min, max } => min <= sample && sample <= max,
        Distribution::Normal { .. } => sample.is_finite(),
        Distribution::LogNormal { .. } => sample >= 0.0,
        Distribution::Pareto { scale, .. } => sample >= scale,
    }
}

proptest! {
    #[test]
    fn samples_stay_in_support_and_helpers_stay_bounded(distribution in distribution(), seed in any::<u64>()) {
        prop_assert_eq!(distribution.validate(), Ok(()));
        let mut rng = ChaCha12Rng::seed_from_u64(seed);
        let mut replay = ChaCha12Rng::seed_from_u64(seed);
        for _ in 0..64 {
            let sample = distribution.sample(&mut rng);
            prop_assert!(in_support(distribution, sample), "{:?} gave {}", distribution, sample);
            prop_assert_eq!(sample.to_bits(), distribution.sample(&mut replay).to_bits());
            prop_assert!(distribution.sample_micros(&mut rng) <= MAX_SAMPLED_MICROS);
            prop_assert!(distribution.sample_bytes(&mut rng) <= MAX_SAMPLED_BYTES);
            prop_assert!(distribution.sample_signed_micros(&mut rng).unsigned_abs() <= MAX_SAMPLED_MICROS);
            distribution.sample_micros(&mut replay);
            distribution.sample_bytes(&mut replay);
            distribution.sample_signed_micros(&mut replay);
        }
    }

    #[test]
    fn network_counters_balance_and_no_copy_lands_in_a_cut(
        loss in 0f64..=1.0,
        duplicate in 0f64..=1.0,
        reorder in 0f64..=1.0,
        offline in prop::collection::vec((0u64..2_000_000, 1u64..500_000, 0u32..3), 0..4),
        sends in prop::collection::vec((0u64..2_000_000, 0u32..3, any::<bool>()), 1..200),
        seed in any::<u64>(),
    ) {
        let start = Instant::SCENARIO_EPOCH;
        let faults = offline
            .iter()
            .map(|&(at, duration_micros, device)| Fault::DeviceOffline {
                at: start.offset_by_micros(at as i64),
                duration_micros,
                device,
            })
            .collect();
        let access = LinkModel {
            latency: Distribution::Uniform { min: 1_000.0, max: 300_000.0 },
            loss,
            duplicate,
            reorder,
        };
        let config = NetworkConfig { access, ..NetworkConfig::default() };
        let mut network = Network::new(config, faults).expect("valid network");
        for device in 0..3 {
            network.add_device(device).expect("new device");
        }
        let mut rng = ChaCha12Rng::seed_from_u64(seed);
        for (offset, device, upstream) in sends {
            let now = start.offset_by_micros(offset as i64);
            let (from, to) = if upstream {
                (Node::Device(device), Node::Datacenter(1))
            } else {
                (Node::Datacenter(2), Node::Device(device))
            };
            let cut_at_send = network.cut(now, from, to);
            let outcome = network.send(now, from, to, 10, &mut rng).expect("linked");
            prop_assert!(outcome.deliveries.len() <= 2);
            if cut_at_send.is_some() {
                prop_assert!(outcome.deliveries.is_empty());
                prop_assert_eq!(outcome.dropped, cut_at_send);
            }
            for delivery in outcome.deliveries.as_slice() {
                prop_assert!(delivery.at >= now);
                prop_assert_eq!(network.cut(delivery.at, from, to), None);
            }
            let counters = network.counters();
            prop_assert_eq!(counters.delivered + counters.dropped_total(), counters.sent + counters.duplicated);
        }
    }
}
