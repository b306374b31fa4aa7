//! `run --check-determinism`: every seed runs a second time, in the
//! opposite order across the same threads, and the two runs of each seed
//! must agree on the trace hash (which covers every event) and on every
//! metric. A seed that does not is a bug in sessionlab — a hash-map order,
//! a clock or a thread reaching a result — and exits 3, the seed named,
//! with the command that runs it alone.

use std::collections::BTreeMap;
use std::io::Write;

use super::Exit;
use crate::world::RunOutcome;

/// The first seed whose two runs disagree, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    pub seed: u64,
    /// The trace hash of the first run and of the second.
    pub trace_hashes: (String, String),
    /// The metrics whose values differ (empty when only the trace does).
    pub metrics: Vec<&'static str>,
}

/// The lowest seed whose outcomes in `first` and `second` differ, or a
/// seed one of them lacks (as a divergence with an empty hash).
pub fn first_divergence(first: &[RunOutcome], second: &[RunOutcome]) -> Option<Divergence> {
    let by_seed = |outcomes: &[RunOutcome]| -> BTreeMap<u64, usize> {
        outcomes
            .iter()
            .enumerate()
            .map(|(index, outcome)| (outcome.seed, index))
            .collect()
    };
    let (first_seeds, second_seeds) = (by_seed(first), by_seed(second));
    let mut seeds: Vec<u64> = first_seeds.keys().chain(second_seeds.keys()).copied().collect();
    seeds.sort_unstable();
    seeds.dedup();
    seeds.into_iter().find_map(|seed| {
        let a = first_seeds.get(&seed).map(|&index| &first[index]);
        let b = second_seeds.get(&seed).map(|&index| &second[index]);
        let hash = |outcome: Option<&RunOutcome>| outcome.map(|outcome| outcome.trace_hash.clone()).unwrap_or_default();
        let metrics: Vec<&'static str> = match (a, b) {
            (Some(a), Some(b)) => crate::scenario::METRICS
                .iter()
                .filter(|metric| {
                    let (x, y) = (a.metrics.get(metric.id), b.metrics.get(metric.id));
                    // NaN is a value like any other here: equal to itself.
                    x != y && !(x.as_number().is_nan() && y.as_number().is_nan())
                })
                .map(|metric| metric.name)
                .collect(),
            _ => Vec::new(),
        };
        let same = a.is_some() && b.is_some() && hash(a) == hash(b) && metrics.is_empty();
        (!same).then(|| Divergence {
            seed,
            trace_hashes: (hash(a), hash(b)),
            metrics,
        })
    })
}

/// Judges the second run against the first: one line on `out` when every
/// seed agrees; otherwise the divergence on `err` and exit 3.
pub(super) fn judge(
    name: &str,
    label: &str,
    first: &[RunOutcome],
    second: &[RunOutcome],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let Some(divergence) = first_divergence(first, second) else {
        writeln!(
            out,
            "{name}: determinism: {} seeds run twice, in opposite orders: every trace hash and metric agrees",
            first.len()
        )?;
        return Ok(Exit::Ok);
    };
    let (a, b) = &divergence.trace_hashes;
    writeln!(
        err,
        "{label}: seed {}: not deterministic: trace hash {a} on the first run, {b} on the second",
        divergence.seed
    )?;
    if !divergence.metrics.is_empty() {
        writeln!(err, "  metrics that differ: {}", divergence.metrics.join(", "))?;
    }
    writeln!(
        err,
        "  run it alone: sessionlab run {label} --seeds {}..{} --check-determinism",
        divergence.seed,
        divergence.seed + 1
    )?;
    Ok(Exit::Crashed)
}
