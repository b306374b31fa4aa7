//! Subcommands of the `sessionlab` binary. `main.rs` stays thin and calls
//! [`main_with_args`]; each subcommand lives in its own file as it arrives.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: everything held.
pub const EXIT_OK: u8 = 0;
/// Exit code: an expectation failed or an oracle was violated.
pub const EXIT_EXPECTATION_FAILED: u8 = 1;
/// Exit code: bad input (arguments, files).
pub const EXIT_BAD_INPUT: u8 = 2;

/// Deterministic simulator and fuzzing testbed for multi-device session management.
#[derive(Debug, Parser)]
#[command(name = "sessionlab", version, about, long_about = None)]
pub struct Arguments {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands that exist today.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version and what each layer of the core can do so far.
    Status,
}

/// Parse `args` and run the chosen subcommand; returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let arguments = match Arguments::try_parse_from(args) {
        Ok(arguments) => arguments,
        Err(error) => {
            // clap prints help/version to stdout with exit 0, and errors to stderr.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_BAD_INPUT } else { EXIT_OK });
        }
    };
    match arguments.command {
        Command::Status => {
            println!("{}", status_text());
            ExitCode::from(EXIT_OK)
        }
    }
}

/// The text of `sessionlab status`.
pub fn status_text() -> String {
    format!(
        "sessionlab {}\n\
         layers:\n  \
         proto::crypto     MTProto 2.0 auth keys, msg_key, AES-256-IGE\n  \
         proto::wire       packet envelope and service-message codecs\n  \
         proto::transport  message ids, seqno, salts, replay window, resend\n\
         subcommands: status",
        env!("CARGO_PKG_VERSION")
    )
}
