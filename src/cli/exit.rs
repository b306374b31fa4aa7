//! Exit codes of the `sessionlab` binary, the one contract scripts and CI
//! rely on:
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | everything held |
//! | 1 | an `[expect]` bound failed or an oracle was violated |
//! | 2 | bad input: arguments (`replay --account` naming a user id the run does not have, or not a number, included), unreadable or invalid files, an output that cannot be written, shards that do not merge |
//! | 3 | a run crashed (a panic: a bug in sessionlab) or ran away (over its event limit), or `run --check-determinism` found a seed whose two runs differ |
//!
//! When one command meets several outcomes (many scenario files), the
//! highest code wins.
//!
//! `run --shard I/N` judges nothing: 0 unless its input is bad (2) or a
//! seed crashed (3). `merge` judges the merged rows as `run` does (0 or 1)
//! and is 2 when its parts do not make a whole: a missing, repeated or
//! overlapping shard, shards of different scenario files, versions or
//! seed ranges, a damaged manifest or CSV.
//!
//! `mutants` is 0 when every mutant was caught, 1 when one survived, 2 on
//! bad input and in a build without the `mutants` feature. `shrink` is 0
//! once it wrote the minimal scenario, 2 on bad input or a seed that
//! passes (nothing to shrink), 3 when the seed crashes.
//!
//! `compare` is 1 when a `--fail-if` bound on a mean difference is
//! crossed, 2 on bad input (an unknown metric or malformed bound, a missing
//! or damaged `runs.csv`, metric columns that differ, no seed in common).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::world::batch::BatchError;

/// Exit code: everything held.
pub const EXIT_OK: u8 = 0;
/// Exit code: an expectation failed or an oracle was violated.
pub const EXIT_EXPECTATION_FAILED: u8 = 1;
/// Exit code: bad input (arguments, files).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code: a run crashed or ran away.
pub const EXIT_CRASHED: u8 = 3;

/// How a subcommand ended, as the process will report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything held.
    Ok,
    /// An expectation failed or an oracle was violated.
    ExpectationFailed,
    /// Bad input: arguments, unreadable or invalid files.
    BadInput,
    /// A run panicked or exceeded its event limit.
    Crashed,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => EXIT_OK,
            Exit::ExpectationFailed => EXIT_EXPECTATION_FAILED,
            Exit::BadInput => EXIT_BAD_INPUT,
            Exit::Crashed => EXIT_CRASHED,
        }
    }

    /// The outcome of two parts of one command: a crash outranks bad input,
    /// which outranks a failed expectation, which outranks success (the
    /// enum's order).
    pub fn worst(self, other: Exit) -> Exit {
        self.max(other)
    }
}

impl Exit {
    /// How a failed seed ends the command: a panic or a runaway run is a
    /// crash, a configuration the simulator refused is bad input.
    pub fn for_batch_error(error: &BatchError) -> Exit {
        match error {
            BatchError::Run { error, .. } if !error.ran_away() => Exit::BadInput,
            BatchError::Run { .. } | BatchError::Panicked { .. } | BatchError::Threads { .. } => Exit::Crashed,
        }
    }
}

/// Writes why a batch of `scenario` stopped and, when a seed failed, the
/// command that reproduces it; returns the exit this means.
pub fn report_batch_error(scenario: &Path, error: &BatchError, err: &mut dyn Write) -> std::io::Result<Exit> {
    writeln!(err, "{}: {error}", scenario.display())?;
    if let Some(seed) = error.seed() {
        writeln!(
            err,
            "reproduce it with: sessionlab replay {} --seed {seed}",
            scenario.display()
        )?;
    }
    Ok(Exit::for_batch_error(error))
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::SimError;

    fn reported(error: BatchError) -> (Exit, String) {
        let mut err = Vec::new();
        let exit = report_batch_error(Path::new("scenarios/x.toml"), &error, &mut err).expect("writes");
        (exit, String::from_utf8(err).expect("utf-8"))
    }

    #[test]
    fn a_panicking_seed_is_a_crash_with_its_replay_command() {
        let (exit, text) = reported(BatchError::Panicked {
            seed: 7,
            message: "boom".into(),
        });
        assert_eq!(exit, Exit::Crashed);
        assert_eq!(
            text,
            "scenarios/x.toml: seed 7 panicked: boom\n\
             reproduce it with: sessionlab replay scenarios/x.toml --seed 7\n"
        );
    }

    #[test]
    fn a_runaway_run_is_a_crash_and_a_refused_configuration_bad_input() {
        let runaway = BatchError::Run {
            seed: 2,
            error: SimError::TooManyEvents,
        };
        assert_eq!(reported(runaway).0, Exit::Crashed);
        let refused = BatchError::Run {
            seed: 2,
            error: SimError::Network("no link".into()),
        };
        let (exit, text) = reported(refused);
        assert_eq!(exit, Exit::BadInput);
        assert!(
            text.starts_with("scenarios/x.toml: seed 2: invalid network: no link\n"),
            "{text}"
        );
        let threads = BatchError::Threads {
            jobs: 4,
            detail: "none".into(),
        };
        let (exit, text) = reported(threads);
        assert_eq!(exit, Exit::Crashed);
        assert_eq!(text, "scenarios/x.toml: could not start 4 worker threads: none\n");
    }

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(Exit::Ok.code(), 0);
        assert_eq!(Exit::ExpectationFailed.code(), 1);
        assert_eq!(Exit::BadInput.code(), 2);
        assert_eq!(Exit::Crashed.code(), 3);
    }

    #[test]
    fn bad_input_outranks_a_failed_expectation_which_outranks_ok() {
        assert_eq!(Exit::Ok.worst(Exit::Ok), Exit::Ok);
        assert_eq!(Exit::Ok.worst(Exit::ExpectationFailed), Exit::ExpectationFailed);
        assert_eq!(Exit::ExpectationFailed.worst(Exit::BadInput), Exit::BadInput);
        assert_eq!(Exit::BadInput.worst(Exit::Ok), Exit::BadInput);
        assert_eq!(Exit::BadInput.worst(Exit::Crashed), Exit::Crashed);
        assert_eq!(Exit::Crashed.worst(Exit::ExpectationFailed), Exit::Crashed);
    }
}
