//! Criterion benchmark of a whole reference run: `scenarios/reference-10k.toml`
//! (10,000 accounts, one simulated day, real crypto on every packet). One
//! iteration takes minutes, so criterion takes the minimum 10 samples; CI
//! only compiles this bench (see `.ci/run`). Figures are in README.md.

use criterion::{criterion_group, criterion_main, Criterion};
use sessionlab::scenario::load_scenario;
use sessionlab::world::{run, RunOptions};

fn reference_day(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference-10k.toml");
    let scenario = load_scenario(&path)
        .expect("the reference scenario is valid")
        .resolve(0);
    let mut group = c.benchmark_group("simulation");
    group.sample_size(10);
    group.bench_function("reference_10k_accounts_one_day", |b| {
        b.iter(|| run(&scenario, 0, RunOptions::default()).expect("runs"))
    });
    group.finish();
}

criterion_group!(benches, reference_day);
criterion_main!(benches);
