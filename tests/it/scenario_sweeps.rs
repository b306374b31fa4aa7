//! The shipped sweep scenarios show what they say: in `loss-sweep.toml`
//! the sync traffic per device rises with the link loss each seed draws.

use std::collections::BTreeMap;
use std::path::Path;

use sessionlab::scenario::load_scenario;
use sessionlab::world::{run, RunOptions};

use crate::support::sim::metric;

#[test]
fn sync_traffic_per_device_rises_with_loss() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/loss-sweep.toml");
    let scenario = load_scenario(&path).expect("loss-sweep.toml parses");
    // Per drawn loss (in per mille): the bytes per device of each seed.
    let mut by_loss: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    for seed in 0..16 {
        let resolved = scenario.resolve(seed);
        let loss_per_mille = (resolved.network.loss.get() * 1000.0).round() as u64;
        let outcome = run(&resolved, seed, RunOptions::default()).expect("runs");
        assert!(outcome.violations.is_empty(), "seed {seed}: {:?}", outcome.violations);
        let bytes = metric(&outcome, "sync_bytes_up") + metric(&outcome, "sync_bytes_down");
        by_loss
            .entry(loss_per_mille)
            .or_default()
            .push(bytes / metric(&outcome, "devices"));
    }
    let means: Vec<(u64, f64)> = by_loss
        .iter()
        .map(|(loss, costs)| (*loss, costs.iter().sum::<f64>() / costs.len() as f64))
        .collect();
    eprintln!("loss ‰ → sync bytes per device: {means:?}");
    assert_eq!(
        means.iter().map(|(loss, _)| *loss).collect::<Vec<_>>(),
        [0, 100, 200, 300],
        "16 seeds draw every level"
    );
    for pair in means.windows(2) {
        assert!(pair[1].1 > pair[0].1, "more loss, more traffic per device: {means:?}");
    }
}
