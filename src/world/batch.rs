//! Many seeds of one scenario, in parallel (rayon), with results in seed
//! order whatever the number of threads: the outputs of a batch are a pure
//! function of (scenario, seeds, version), never of `--jobs`.
//!
//! A seed that panics is caught and named ([`BatchError::Panicked`]), so
//! one broken seed says which one it was instead of aborting the batch
//! anonymously; `sessionlab replay SCENARIO --seed N` reproduces it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::scenario::Scenario;

use crate::world::{self, RunOptions, RunOutcome, SimError};

/// Threads a batch uses at most.
pub const MAX_JOBS: usize = 256;

/// Why a batch stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// A run ended with an error (bad configuration, or it ran away).
    #[error("seed {seed}: {error}")]
    Run { seed: u64, error: SimError },
    /// A run panicked: a bug in sessionlab, reproducible with `replay`.
    #[error("seed {seed} panicked: {message}")]
    Panicked { seed: u64, message: String },
    /// The thread pool could not start.
    #[error("could not start {jobs} worker threads: {detail}")]
    Threads { jobs: usize, detail: String },
}

impl BatchError {
    /// The seed that failed, when one did.
    pub fn seed(&self) -> Option<u64> {
        match self {
            BatchError::Run { seed, .. } | BatchError::Panicked { seed, .. } => Some(*seed),
            BatchError::Threads { .. } => None,
        }
    }
}

/// Runs one seed of `scenario`, turning a panic into [`BatchError::Panicked`].
pub fn run_seed(scenario: &Scenario, seed: u64, options: RunOptions) -> Result<RunOutcome, BatchError> {
    caught(seed, || world::run(&scenario.resolve(seed), seed, options))
}

/// Calls `run` for `seed`, naming the seed in its error or panic.
fn caught(seed: u64, run: impl FnOnce() -> Result<RunOutcome, SimError>) -> Result<RunOutcome, BatchError> {
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(outcome) => outcome.map_err(|error| BatchError::Run { seed, error }),
        Err(payload) => Err(BatchError::Panicked {
            seed,
            message: panic_message(payload.as_ref()),
        }),
    }
}

/// The text a panic carried (`panic!("…")` payloads are `&str` or `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        return (*text).to_string();
    }
    if let Some(text) = payload.downcast_ref::<String>() {
        return text.clone();
    }
    "a panic without a message".to_string()
}

/// Run every seed of `seeds` on `jobs` threads; `on_done` is called once
/// per finished seed (from any thread) for progress display. The error of
/// the lowest failing seed is returned, whatever the thread count.
pub fn run_seeds(
    scenario: &Scenario,
    seeds: &[u64],
    jobs: usize,
    on_done: &(dyn Fn(u64) + Sync),
) -> Result<Vec<RunOutcome>, BatchError> {
    run_each(seeds, jobs, on_done, &|seed| {
        world::run(&scenario.resolve(seed), seed, RunOptions::default())
    })
}

/// [`run_seeds`] with the run of one seed given as `run`.
fn run_each(
    seeds: &[u64],
    jobs: usize,
    on_done: &(dyn Fn(u64) + Sync),
    run: &(dyn Fn(u64) -> Result<RunOutcome, SimError> + Sync),
) -> Result<Vec<RunOutcome>, BatchError> {
    let jobs = jobs.clamp(1, MAX_JOBS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|error| BatchError::Threads {
            jobs,
            detail: error.to_string(),
        })?;
    let results: Vec<Result<RunOutcome, BatchError>> = pool.install(|| {
        seeds
            .par_iter()
            .map(|&seed| {
                let outcome = caught(seed, || run(seed));
                on_done(seed);
                outcome
            })
            .collect()
    });
    let mut outcomes = Vec::with_capacity(results.len());
    let mut first_failure: Option<BatchError> = None;
    for result in results {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) if first_failure.as_ref().is_none_or(|first| error.seed() < first.seed()) => {
                first_failure = Some(error);
            }
            Err(_) => {}
        }
    }
    if let Some(error) = first_failure {
        return Err(error);
    }
    outcomes.sort_by_key(|outcome| outcome.seed);
    Ok(outcomes)
}

#[cfg(test)]
mod tests;
