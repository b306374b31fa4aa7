//! Exit codes of the `sessionlab` binary, the one contract scripts and CI
//! rely on: 0 everything held, 1 an expectation failed or an oracle was
//! violated, 2 bad input (arguments, unreadable or invalid files).

use std::process::ExitCode;

/// Exit code: everything held.
pub const EXIT_OK: u8 = 0;
/// Exit code: an expectation failed or an oracle was violated.
pub const EXIT_EXPECTATION_FAILED: u8 = 1;
/// Exit code: bad input (arguments, files).
pub const EXIT_BAD_INPUT: u8 = 2;

/// How a subcommand ended, as the process will report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything held.
    Ok,
    /// An expectation failed or an oracle was violated.
    ExpectationFailed,
    /// Bad input: arguments, unreadable or invalid files.
    BadInput,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => EXIT_OK,
            Exit::ExpectationFailed => EXIT_EXPECTATION_FAILED,
            Exit::BadInput => EXIT_BAD_INPUT,
        }
    }

    /// The outcome of two parts of one command: bad input outranks a failed
    /// expectation, which outranks success (the enum's order).
    pub fn worst(self, other: Exit) -> Exit {
        self.max(other)
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(Exit::Ok.code(), 0);
        assert_eq!(Exit::ExpectationFailed.code(), 1);
        assert_eq!(Exit::BadInput.code(), 2);
    }

    #[test]
    fn bad_input_outranks_a_failed_expectation_which_outranks_ok() {
        assert_eq!(Exit::Ok.worst(Exit::Ok), Exit::Ok);
        assert_eq!(Exit::Ok.worst(Exit::ExpectationFailed), Exit::ExpectationFailed);
        assert_eq!(Exit::ExpectationFailed.worst(Exit::BadInput), Exit::BadInput);
        assert_eq!(Exit::BadInput.worst(Exit::Ok), Exit::BadInput);
    }
}
