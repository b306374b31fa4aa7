//! The `sessionlab` command line: parse arguments, call the library, map
//! errors to exit codes (0 ok, 1 expectation failed, 2 bad input).

use std::process::ExitCode;

/// mimalloc rather than glibc's malloc: the simulator allocates and frees
/// small buffers on every packet, and mimalloc made whole runs 15-18 %
/// faster (5,000 to 100,000 accounts) for the same results and about the
/// same peak memory. Only the binary: the libraries leave the choice to
/// whoever links them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    sessionlab::cli::main_with_args(std::env::args_os())
}
