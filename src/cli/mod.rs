//! Subcommands of the `sessionlab` binary. `main.rs` stays thin and calls
//! [`main_with_args`]; this file parses the arguments (clap derive) and maps
//! every outcome to an exit code ([`Exit`]); each subcommand has its own file.
//!
//! `anyhow` is used here, at the edge, only for failures to write output;
//! everything a file can get wrong arrives as a typed error from the library.

mod check;
mod compare;
mod determinism;
mod exit;
mod fail_if;
mod finish;
mod list_metrics;
mod merge;
mod mutants;
mod replay;
mod run;
mod serve;
mod shrink;
mod slurm;
mod slurm_script;
mod status;
mod sweep;
mod sweep_merge;
mod table;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use check::{check, ok_line, printable, write_scenario_errors, MAX_CHECK_FILES};
pub use compare::{compare, CompareArguments};
pub use determinism::{first_divergence, Divergence};
pub use exit::{report_batch_error, Exit, EXIT_BAD_INPUT, EXIT_CRASHED, EXIT_EXPECTATION_FAILED, EXIT_OK};
pub use fail_if::{FailIf, FailIfError, Operator};
pub use list_metrics::{kind_name, list_metrics, metrics_table, write_metrics_csv, MetricsFormat, CSV_HEADER};
pub use merge::{merge, MergeArguments};
pub use mutants::{mutants, MutantsArguments, DEFAULT_MUTANT_SEEDS};
#[cfg(feature = "mutants")]
pub use mutants::{targets as mutant_targets, Catch};
pub use replay::{replay, ReplayArguments};
pub use run::{run_command, RunArguments, MAX_SEEDS};
pub use serve::{device_kind_name, serve_command, serve_config, sessions_jsonl, ServeArguments};
pub use shrink::{shrink_command, Budget, ShrinkArguments, Size};
pub use slurm::{slurm, Partition, SlurmArguments, TimeLimit};
pub use status::status_text;
pub use sweep::{sweep, SweepArguments, DEFAULT_CHARTED};
pub use table::aligned_table;

/// Deterministic simulator and fuzzing testbed for multi-device session management.
#[derive(Debug, Parser)]
#[command(
    name = "sessionlab",
    version,
    about,
    long_about = "Deterministic discrete-event simulator and fuzzing testbed for multi-device session \
                  management modelled on Telegram's MTProto. Scenarios are TOML files (see \
                  scenarios/README.md). Exit codes: 0 ok, 1 an expectation failed or an oracle was \
                  violated (for compare: a --fail-if bound was crossed), 2 bad input (arguments, unreadable or invalid files, shards that do not \
                  merge), 3 a run \
                  crashed or ran away (the seed is named with the replay command that \
                  reproduces it).",
    after_help = "Example:\n  sessionlab check scenarios/*.toml"
)]
pub struct Arguments {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands that exist today.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate scenario files without running them.
    #[command(
        long_about = "Validate scenario files without running them. Each SCENARIO is read and checked \
                      against the scenario format (scenarios/README.md): known keys, right types, values \
                      in range, durations with units, complete distributions, a non-empty population. A \
                      valid file prints `ok  <file>  (<name>: <n> seeds, <duration>)` on stdout, an \
                      invalid one its `file:line:column: problem` on stderr; every file is checked even \
                      after one fails. Exits 0 when all are valid, 2 otherwise.",
        after_help = "Example:\n  sessionlab check scenarios/*.toml"
    )]
    Check(CheckArguments),
    /// List the metrics a run reports, with unit and meaning.
    #[command(
        long_about = "List the metrics a run reports, with unit and meaning: the columns of runs.csv and \
                      the keys an [expect] section may bound. The default is an aligned table for \
                      reading; `--format csv` prints `name,unit,kind,meaning` CSV for scripts.",
        after_help = "Example:\n  sessionlab list-metrics --format csv > metrics.csv"
    )]
    ListMetrics(ListMetricsArguments),
    /// Run scenarios over many seeds and write their reports.
    #[command(
        long_about = "Run every seed of each SCENARIO (the file's `seeds` range, or --seeds) on --jobs \
                      threads. Writes DIR/<name>/runs.csv (one row per seed), summary.csv (mean, p50, \
                      p95, p99, min, max per metric), summary.md and report.html, byte-identical for \
                      the same inputs whatever --jobs is, and prints a short summary. Exits 0 when every \
                      [expect] bound holds on every seed and no oracle was violated, 1 otherwise, 2 on \
                      bad input. With --shard I/N, runs only the seeds s with (s - A) % N == I and \
                      writes their rows with a manifest (shard.json) for `sessionlab merge`, which \
                      writes the reports and judges [expect]; a shard exits 0 unless its input is bad \
                      (2) or a run crashed (3). With --check-determinism, every seed runs a second time \
                      in the opposite order across the threads, and the first seed whose trace hash or \
                      metrics differ between its two runs is named with exit 3.",
        after_help = "Example:\n  sessionlab run scenarios/healthy-baseline.toml --seeds 0..10 --jobs 2 --out out"
    )]
    Run(RunArguments),
    /// Merge the shards of a run into the reports of one run.
    #[command(
        long_about = "Merge the shards of a run (`run --shard I/N`, perhaps on several machines) into \
                      DIR/<name>/: runs.csv, attackers.csv, summary.csv, summary.md and report.html, \
                      byte-identical to what one `run` over the whole seed range writes. Each DIR is a \
                      shard's directory (holding shard.json) or the --out directory of a sharded run. \
                      Shards of a sweep (`sweep --shard I/N`, holding sweep.json) merge into the sweep's \
                      sweep.csv, sweep.md and sweep.html, byte-identical to one `sweep` over all the seeds. \
                      Parts of one scenario must come from the same scenario file, the same sessionlab \
                      version and the same seed range in the same number of shards, each shard exactly \
                      once. Exits as that run would: 0 when every [expect] bound holds and no oracle was \
                      violated, 1 otherwise; 2 when the parts do not make a whole (a missing, repeated or \
                      foreign shard, a damaged file), naming the problem.",
        after_help = "Example:\n  sessionlab run scenarios/smoke.toml --seeds 0..6 --shard 0/2 --out part0\n  \
                      sessionlab run scenarios/smoke.toml --seeds 0..6 --shard 1/2 --out part1\n  \
                      sessionlab merge part0 part1 --out out"
    )]
    Merge(MergeArguments),
    /// Run a grid of variants of a scenario and chart the metrics against the settings.
    #[command(
        long_about = "Run the grid of variants of SCENARIO: each --set PATH=V1,V2,… fixes a per-seed \
                      setting (any path [swarm] accepts: network.loss, policy.revocation, \
                      population.accounts, …) to each of its values in turn, and every combination runs \
                      the same seeds (the file's range, or --seeds). Writes DIR/<name>/sweep.csv (tidy: one \
                      row per variant and seed, a column per swept setting, then seed, the other per-seed \
                      draws and every metric), sweep.md (per charted metric, each variant's mean and 95 % \
                      interval) and sweep.html (each charted metric against each swept setting). --metric \
                      chooses the metrics charted (by default the main ones that vary). The [expect] bounds \
                      are reported per variant in sweep.md, not judged. Exits 0, or 1 when an oracle was \
                      violated, 2 on bad input (a setting that is not per-seed, a value out of range: every \
                      variant is checked before any runs). With --shard I/N, runs shard I of the seeds for \
                      every variant and writes sweep.json and one run shard per variant for `sessionlab \
                      merge`.",
        after_help = "Example:\n  sessionlab sweep scenarios/healthy-baseline.toml --set network.loss=0,0.1,0.2 \
                      --seeds 0..8 --jobs 2 --out out\n  \
                      sessionlab sweep scenarios/healthy-baseline.toml --set network.loss=0,0.1 --seeds 0..8 \
                      --shard 0/2 --out part0"
    )]
    Sweep(SweepArguments),
    /// Write (and submit) Slurm jobs that run the shards and merge them.
    #[command(
        long_about = "Write Slurm batch scripts that run the seeds of each SCENARIO as a job array of \
                      --tasks N shard tasks (task I runs `run --shard I/N`) and a merge job that starts \
                      once every task succeeded (`--dependency=afterok:`) and merges them into DIR: DIR \
                      then holds exactly what `run SCENARIO... --seeds A..B --out DIR` writes. The \
                      scripts (array.sh, merge.sh, submit.sh), the shards, the Slurm logs (logs/) and \
                      the merge's exit status (merge.status) go in DIR.parts/ beside DIR. The jobs call \
                      this binary (or --bin) and the scenarios by absolute path, with --jobs set from \
                      SLURM_CPUS_PER_TASK. With --submit, submits both with `sbatch --parsable` and \
                      prints their ids; without, `bash DIR.parts/submit.sh` does it later. The merge \
                      job fails (exit 1) when an [expect] bound failed. Exits 2 on bad input: \
                      arguments, invalid scenarios, more tasks than seeds, no sbatch for --submit.",
        after_help = "Example:\n  sessionlab slurm scenarios/stolen-desktop-key.toml --seeds 0..400 --tasks 40 \
                      --out out --time 2:00:00 --submit"
    )]
    Slurm(SlurmArguments),
    /// Compare two designs' runs, paired by seed.
    #[command(
        long_about = "Compare two designs' runs, paired by seed: per metric, the mean difference B − A \
                      over the seeds both ran, a 95 % percentile bootstrap interval of it (--resamples \
                      draws, 10,000 by default, from ChaCha8 streams seeded by --seed: the same inputs \
                      give the same interval) and a two-sided exact sign test over the seeds where they \
                      differ. Each DIR is a scenario's report directory (holding runs.csv) or a run's \
                      --out directory; when both hold one scenario they are compared whatever their \
                      names, otherwise scenarios of the same name are. Writes compare.csv and \
                      compare.md into --out (DIR/<name>/ when pairing by name) and prints the metrics \
                      that differ. Exits 1 when a --fail-if bound on a mean difference is crossed, 2 \
                      on bad input (an unknown metric or malformed bound, a missing or damaged \
                      runs.csv, metric columns that differ, no seed in common).",
        after_help = "Example:\n  sessionlab run scenarios/terminate-all-sync.toml --seeds 0..20 --out sync\n  \
                      sessionlab run scenarios/terminate-all-lazy.toml --seeds 0..20 --out lazy\n  \
                      sessionlab compare sync lazy --out compare --fail-if 'max_bypass_window_ms>1000'"
    )]
    Compare(CompareArguments),
    /// Serve the core's datacenters over TCP to real Telegram clients.
    #[command(
        long_about = "Run the core's datacenters behind TCP sockets with the wall clock, for stock \
                      Telegram clients (Telethon) and people: DC i listens on PORT + i - 1 and speaks \
                      every TCP transport Telegram does (abridged, intermediate, padded intermediate, \
                      full; detected per connection), the key exchange with the server's own RSA key \
                      (--rsa-key-out writes it for the client to add), and the layer-229 calls a stock \
                      client makes. With SCENARIO, its [policy] is enforced. --accounts N provisions N \
                      accounts whose --devices logged in two days ago; --sessions-out writes one JSON \
                      line per device with a Telethon session_string. Login codes are printed on \
                      standard error (or fixed with --login-code); so is one line per connection and \
                      per RPC unless --quiet. Standard output says where each DC listens once it does. \
                      Runs until Ctrl-C or SIGTERM, then exits 0; exits 2 on bad input (arguments, the \
                      scenario, a port that cannot be bound, a file that cannot be written).",
        after_help = "Example:\n  sessionlab serve --listen 127.0.0.1:4430 --dcs 2 --accounts 1 \
                      --devices phone,desktop --sessions-out sessions.jsonl --rsa-key-out server.pem \
                      --login-code 12345"
    )]
    Serve(ServeArguments),
    /// Run one seed and explain its bypasses and footholds.
    #[command(
        long_about = "Run one seed of a scenario and explain it: the metric row, every logout bypass by \
                      an attacker with how long after the revocation it got through, and the causal \
                      chain of every surviving foothold (stolen material → minted or derived \
                      credentials → the key still accepted). With --trace, the run's events are \
                      written as JSON Lines. Exits 1 when an oracle is violated.",
        after_help = "Example:\n  sessionlab replay scenarios/stolen-desktop-key.toml --seed 3 --trace trace.jsonl"
    )]
    Replay(ReplayArguments),
    /// Run the core's deliberately broken variants and say what caught each.
    #[command(
        long_about = "Run each mutant of the core (a deliberately broken rule: derived-not-revoked, \
                      sync-answers-early, temp-keys-outlive-permanent, replay-window-off, \
                      ttl-never-applied, fresh-session-rule-off, revoked-device-never-wipes, \
                      lost-update-never-refetched, terminate-all-spares-one) against the shipped \
                      scenarios that exercise its rule, printed first, on --seeds (0..2 by default), \
                      stopping at the first seed an oracle or an [expect] bound fails. Prints and writes \
                      DIR/mutants.csv (mutant, caught, scenario, seed, by). Exits 0 when every mutant was \
                      caught, 1 when one survived, 2 on bad input, and 2 in a build without the \
                      `mutants` feature, which has no mutants.",
        after_help = "Example:\n  sessionlab mutants --seeds 0..2 --out out\n(sessionlab built with `cargo build --release --features mutants`)"
    )]
    Mutants(MutantsArguments),
    /// Shrink a failing seed's scenario to a minimal one that fails the same way.
    #[command(
        long_about = "Take a seed of SCENARIO that fails (an oracle violation or an [expect] bound) and \
                      search greedily, in a fixed order, for a smaller scenario that fails the same way \
                      at that seed (the same oracle, or the same metric failing the same bound): fewer \
                      accounts, attackers, faults, owner actions, device events, device kinds and \
                      behaviours, a shorter duration, no [swarm], simpler network settings, fewer DCs. \
                      Prints every step tried and writes DIR/NAME.min.toml, which `sessionlab run \
                      NAME.min.toml --seeds N..N+1` reproduces, and its trace NAME.min.trace.jsonl. \
                      --budget bounds the search in candidate runs (200runs by default: the same steps \
                      on any machine) or wall time (5m). Exits 0 once written, 2 on bad input or a seed \
                      that passes, 3 when the seed crashes.",
        after_help = "Example:\n  sessionlab shrink scenarios/stolen-phone.toml --seed 3 --budget 100runs --out ."
    )]
    Shrink(ShrinkArguments),
    /// Print the version, the layers that exist so far and the subcommands.
    #[command(
        long_about = "Print the version, the layers of the protocol core and the simulator that exist \
                      so far, what each can do, what is not built yet, and the subcommands.",
        after_help = "Example:\n  sessionlab status"
    )]
    Status,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArguments {
    /// Scenario files (TOML) to validate.
    #[arg(value_name = "SCENARIO", required = true, num_args = 1..=MAX_CHECK_FILES)]
    pub scenarios: Vec<PathBuf>,
}

/// Arguments of `list-metrics`.
#[derive(Debug, clap::Args)]
pub struct ListMetricsArguments {
    /// Output format.
    #[arg(long, value_enum, default_value_t = MetricsFormat::Table)]
    pub format: MetricsFormat,
}

/// Parse `args` (the program name first) and run the chosen subcommand on the
/// process's stdout and stderr; returns the process exit code.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Not locked for the whole run: a seed that panics on a worker thread
    // prints its message to stderr, and a held lock would hang the run.
    run_with_args(args, &mut std::io::stdout(), &mut std::io::stderr()).into()
}

/// [`main_with_args`] writing to `out` and `err`, for tests.
pub fn run_with_args<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let arguments = match Arguments::try_parse_from(args) {
        Ok(arguments) => arguments,
        Err(error) => return report_parse_error(&error, out, err),
    };
    match run(arguments.command, out, err) {
        Ok(exit) => exit,
        Err(error) => {
            // A closed pipe (`sessionlab list-metrics | head`) is not worth a
            // message, but the command did not finish, so it is not a success.
            if !is_broken_pipe(&error) {
                let _ = writeln!(err, "sessionlab: cannot write the output: {error:#}");
            }
            Exit::BadInput
        }
    }
}

/// Runs one parsed subcommand.
pub fn run(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    match command {
        Command::Check(arguments) => check(&arguments.scenarios, out, err),
        Command::Compare(arguments) => compare(&arguments, out, err),
        Command::ListMetrics(arguments) => list_metrics(arguments.format, out),
        Command::Merge(arguments) => merge(&arguments, out, err),
        Command::Mutants(arguments) => mutants(&arguments, out, err),
        Command::Replay(arguments) => replay(&arguments, out, err),
        Command::Run(arguments) => run_command(&arguments, out, err),
        Command::Serve(arguments) => serve_command(&arguments, out, err),
        Command::Shrink(arguments) => shrink_command(&arguments, out, err),
        Command::Sweep(arguments) => sweep(&arguments, out, err),
        Command::Slurm(arguments) => slurm(&arguments, out, err),
        Command::Status => {
            writeln!(out, "{}", status_text())?;
            out.flush()?;
            Ok(Exit::Ok)
        }
    }
}

/// clap renders `--help` and `--version` as errors meant for stdout (exit 0)
/// and real argument errors for stderr (exit 2, bad input).
fn report_parse_error(error: &clap::Error, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let text = error.render().to_string();
    if error.use_stderr() {
        let _ = write!(err, "{text}").and_then(|()| err.flush());
        Exit::BadInput
    } else {
        let _ = write!(out, "{text}").and_then(|()| out.flush());
        Exit::Ok
    }
}

/// Whether `error` comes from writing to a pipe whose reader has gone
/// (directly or inside a csv error, which does not expose its source).
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    let broken = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        let csv_io = cause.downcast_ref::<csv::Error>().and_then(|csv| match csv.kind() {
            csv::ErrorKind::Io(io) => Some(io),
            _ => None,
        });
        cause.downcast_ref::<std::io::Error>().or(csv_io).is_some_and(broken)
    })
}

#[cfg(test)]
mod tests;
