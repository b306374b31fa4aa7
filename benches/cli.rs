//! Criterion benchmarks of what `sessionlab check` spends its time on and
//! the fuzzer's `scenario_parse` runs millions of times: parsing and
//! validating the largest example scenario, and resolving it for one seed.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sessionlab::scenario::parse_scenario;

/// The largest example (DESIGN.md section 5's): attackers, faults, swarm.
const EXAMPLE: &str = include_str!("../scenarios/stolen-desktop-key.toml");

fn parse_example(c: &mut Criterion) {
    let mut group = c.benchmark_group("scenario");
    group.throughput(Throughput::Bytes(EXAMPLE.len() as u64));
    group.bench_function("parse stolen-desktop-key", |b| {
        b.iter(|| parse_scenario(black_box(EXAMPLE), "stolen-desktop-key.toml").expect("valid"))
    });
    group.finish();
}

fn resolve_example(c: &mut Criterion) {
    let scenario = parse_scenario(EXAMPLE, "stolen-desktop-key.toml").expect("valid");
    let mut seed = 0_u64;
    c.bench_function("scenario/resolve one seed", |b| {
        b.iter(|| {
            seed = seed.wrapping_add(1);
            scenario.resolve(black_box(seed))
        })
    });
}

criterion_group!(benches, parse_example, resolve_example);
criterion_main!(benches);
