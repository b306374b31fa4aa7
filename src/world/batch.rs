//! Many seeds of one scenario, in parallel (rayon), with results in seed
//! order whatever the number of threads: the outputs of a batch are a pure
//! function of (scenario, seeds, version), never of `--jobs`.

use rayon::prelude::*;

use crate::scenario::Scenario;

use crate::world::{self, RunOptions, RunOutcome, SimError};

/// Threads a batch uses at most.
pub const MAX_JOBS: usize = 256;

/// Why a batch stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error("seed {seed}: {error}")]
    Run { seed: u64, error: SimError },
    #[error("could not start {jobs} worker threads: {detail}")]
    Threads { jobs: usize, detail: String },
}

/// Run every seed of `seeds` on `jobs` threads; `on_done` is called once
/// per finished seed (from any thread) for progress display.
pub fn run_seeds(
    scenario: &Scenario,
    seeds: &[u64],
    jobs: usize,
    on_done: &(dyn Fn(u64) + Sync),
) -> Result<Vec<RunOutcome>, BatchError> {
    let jobs = jobs.clamp(1, MAX_JOBS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|error| BatchError::Threads {
            jobs,
            detail: error.to_string(),
        })?;
    let mut outcomes: Vec<RunOutcome> = pool.install(|| {
        seeds
            .par_iter()
            .map(|&seed| {
                let resolved = scenario.resolve(seed);
                let outcome =
                    world::run(&resolved, seed, RunOptions::default()).map_err(|error| BatchError::Run { seed, error });
                on_done(seed);
                outcome
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    outcomes.sort_by_key(|outcome| outcome.seed);
    Ok(outcomes)
}
