//! The `sessionlab` command line: parse arguments, call the library, map
//! errors to exit codes (0 ok, 1 expectation failed, 2 bad input).

use std::process::ExitCode;

fn main() -> ExitCode {
    sessionlab::cli::main_with_args(std::env::args_os())
}
