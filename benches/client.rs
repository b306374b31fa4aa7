//! Criterion benchmark of the client's hot path: one pushed update handled
//! end to end — decrypt the packet, decode the envelope and `Updates`, turn
//! the `updateNewMessage` into a sync update and apply it by the pts rule.
//!
//! Packets are sealed by a scripted DC outside the timed section, a chunk
//! at a time; between chunks the client's acknowledgements are flushed so
//! that its queues stay as small as in a live session.

use std::hint::black_box;
use std::time::{Duration, Instant as WallClock};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sessionlab_proto::wire::api::Updates;
use sessionlab_testkit::client_harness::{state, wire_update, ClientHarness, HOME};

/// Packets sealed ahead of each timed run.
const CHUNK_PACKETS: u64 = 1_000;

fn handle_pushed_update(c: &mut Criterion) {
    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(1));
    group.bench_function("handle_pushed_update", |b| {
        b.iter_custom(|iterations| {
            let mut world = ClientHarness::new();
            let like = world.log_in(state(0));
            let mut next_pts = 1u32;
            let mut elapsed = Duration::ZERO;
            let mut remaining = iterations;
            while remaining > 0 {
                let count = remaining.min(CHUNK_PACKETS);
                let packets: Vec<Vec<u8>> = (0..count)
                    .map(|_| {
                        let updates = Updates::Short {
                            update: wire_update(next_pts),
                            date: 0,
                        };
                        next_pts += 1;
                        world.push_packet(&like, updates)
                    })
                    .collect();
                let started = WallClock::now();
                for packet in &packets {
                    black_box(world.client.handle_packet(world.now, HOME, packet)).expect("accepted");
                }
                elapsed += started.elapsed();
                remaining -= count;
                world.all_events();
                world.advance(Duration::from_secs(1));
                world.pump();
            }
            assert_eq!(world.client.sync_state().map(|state| state.pts), Some(next_pts - 1));
            elapsed
        });
    });
    group.finish();
}

criterion_group!(benches, handle_pushed_update);
criterion_main!(benches);
