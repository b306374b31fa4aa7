//! The batch's contract: seed order whatever the threads, and a failing or
//! panicking seed named (the lowest one, whatever the thread count).

use super::*;
use crate::scenario::{MetricRow, MetricValue};

fn outcome(seed: u64) -> RunOutcome {
    RunOutcome {
        seed,
        metrics: MetricRow::from_fn(|_| MetricValue::Number(seed as f64)),
        trace_hash: format!("{seed:016x}"),
        bypasses: Vec::new(),
        footholds: Vec::new(),
        attackers: Vec::new(),
        violations: Vec::new(),
        trace: None,
    }
}

fn fine(seed: u64) -> Result<RunOutcome, SimError> {
    Ok(outcome(seed))
}

#[test]
fn outcomes_come_back_in_seed_order_for_any_thread_count() {
    let seeds = [5, 1, 4, 2, 3];
    for jobs in [1, 2, 7] {
        let outcomes = run_each(&seeds, jobs, &|_| {}, &fine).expect("no seed fails");
        let order: Vec<u64> = outcomes.iter().map(|outcome| outcome.seed).collect();
        assert_eq!(order, [1, 2, 3, 4, 5], "jobs {jobs}");
    }
}

#[test]
fn a_panicking_seed_is_caught_and_named() {
    let run = |seed: u64| {
        if seed == 3 {
            panic!("boom at {seed}");
        }
        fine(seed)
    };
    for jobs in [1, 2] {
        let error = run_each(&[1, 2, 3, 4], jobs, &|_| {}, &run).expect_err("seed 3 panics");
        assert_eq!(
            error,
            BatchError::Panicked {
                seed: 3,
                message: "boom at 3".into()
            }
        );
        assert_eq!(error.to_string(), "seed 3 panicked: boom at 3");
        assert_eq!(error.seed(), Some(3));
    }
}

#[test]
fn the_lowest_failing_seed_is_reported_and_every_seed_still_runs() {
    let done = std::sync::atomic::AtomicU64::new(0);
    let on_done = |_seed: u64| {
        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    let run = |seed: u64| match seed {
        7 => panic!("late"),
        4 => Err(SimError::TooManyEvents),
        _ => fine(seed),
    };
    let error = run_each(&[9, 7, 4, 1], 2, &on_done, &run).expect_err("two seeds fail");
    assert_eq!(
        error,
        BatchError::Run {
            seed: 4,
            error: SimError::TooManyEvents
        }
    );
    assert_eq!(done.load(std::sync::atomic::Ordering::Relaxed), 4);
}

#[test]
fn panic_payloads_of_both_kinds_and_none_read_as_text() {
    assert_eq!(panic_message(&"static"), "static");
    assert_eq!(panic_message(&String::from("owned")), "owned");
    assert_eq!(panic_message(&17u32), "a panic without a message");
}
