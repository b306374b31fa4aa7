//! `sessionlab replay SCENARIO --seed N [--trace FILE [--account USER_ID]]`:
//! one seed, its event trace as JSON Lines (`scenarios/README.md` § Trace
//! schema; with `--account`, one account's events), its per-seed draws and
//! metrics, and the causal chain of every logout bypass and surviving
//! foothold, each step with its time and each edge with its label,
//! printed for a human.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::check::write_scenario_errors;
use super::Exit;
use crate::report::text::draw_cell;
use crate::scenario::load_scenario;
use crate::world::batch::run_seed;
use crate::world::config::WorldConfig;
use crate::world::oracle::credentials::ChainStep;
use crate::world::trace::Trace;
use crate::world::{user_ids, RunOptions};
use sessionlab_proto::time::Instant;

/// Arguments of `replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArguments {
    /// The scenario file.
    #[arg(value_name = "SCENARIO")]
    pub scenario: PathBuf,
    /// The seed to run.
    #[arg(long)]
    pub seed: u64,
    /// Where to write the event trace (JSON Lines).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Keep only this account's events in the trace (and the header, and
    /// run-wide events such as DC outages).
    #[arg(long, value_name = "USER_ID", requires = "trace")]
    pub account: Option<UserIdArgument>,
}

/// A user id as `--account` takes it: a whole number (the trace's `user_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserIdArgument(pub u64);

impl std::str::FromStr for UserIdArgument {
    type Err = String;

    fn from_str(text: &str) -> Result<UserIdArgument, String> {
        text.trim()
            .parse::<u64>()
            .map(UserIdArgument)
            .map_err(|_| format!("expected a user id (a whole number such as 1000), found `{text}`"))
    }
}

pub fn replay(arguments: &ReplayArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let scenario = match load_scenario(&arguments.scenario) {
        Ok(scenario) => scenario,
        Err(error) => {
            write_scenario_errors(err, &error)?;
            return Ok(Exit::BadInput);
        }
    };
    if let Some(UserIdArgument(user_id)) = arguments.account {
        let user_ids = user_ids(&WorldConfig::from_scenario(&scenario.resolve(arguments.seed)));
        if !user_ids.contains(&user_id) {
            writeln!(
                err,
                "--account {user_id}: no account of {} seed {} has this user id (its accounts are {}..{})",
                scenario.meta.name, arguments.seed, user_ids.start, user_ids.end
            )?;
            return Ok(Exit::BadInput);
        }
    }
    // Always recorded: the trace is what gives each bypass its chain.
    let options = RunOptions { record_trace: true };
    let outcome = match run_seed(&scenario, arguments.seed, options) {
        Ok(outcome) => outcome,
        Err(error) => {
            writeln!(err, "{}: {error}", arguments.scenario.display())?;
            return Ok(Exit::for_batch_error(&error));
        }
    };
    if let (Some(path), Some(trace)) = (&arguments.trace, &outcome.trace) {
        if let Err(error) = write_trace(path, trace, arguments.account.map(|account| account.0)) {
            writeln!(err, "{}: cannot write the trace: {error}", path.display())?;
            return Ok(Exit::BadInput);
        }
    }
    writeln!(
        out,
        "{} seed {}: trace hash {}",
        scenario.meta.name, outcome.seed, outcome.trace_hash
    )?;
    for draw in scenario.draws(outcome.seed).iter() {
        writeln!(out, "  {:<38} {}", draw.column(), draw_cell(&draw.value))?;
    }
    for (metric, value) in outcome.metrics.iter() {
        writeln!(out, "  {:<38} {value}", metric.name)?;
    }
    for bypass in outcome.bypasses.iter().filter(|bypass| bypass.by_attacker) {
        writeln!(
            out,
            "bypass: DC {} accepted key {:016x} {} ms after authorization {:016x} was revoked{}",
            bypass.dc,
            bypass.key_id,
            bypass.window().as_millis(),
            bypass.authorization.1,
            if bypass.violation { " (ORACLE VIOLATION)" } else { "" }
        )?;
        write_chain(out, &bypass.chain, scenario.meta.epoch)?;
    }
    for foothold in &outcome.footholds {
        writeln!(
            out,
            "surviving foothold of {} on DC {}:",
            foothold.attacker, foothold.dc
        )?;
        write_chain(out, &foothold.chain, scenario.meta.epoch)?;
    }
    for violation in &outcome.violations {
        writeln!(out, "oracle violation: {violation}")?;
    }
    out.flush()?;
    Ok(if outcome.violations.is_empty() {
        Exit::Ok
    } else {
        Exit::ExpectationFailed
    })
}

/// A causal chain, one step a line: its time since the run's start, the
/// label of the edge that led to it, the credential.
fn write_chain(out: &mut dyn Write, chain: &[ChainStep], epoch: Instant) -> std::io::Result<()> {
    for step in chain {
        let at = elapsed(step.at.saturating_duration_since(epoch));
        match step.link {
            None => writeln!(out, "  {at}  {}", step.credential)?,
            Some(link) => writeln!(out, "  {at}  → {} → {}", link.label(), step.credential)?,
        }
    }
    Ok(())
}

/// `+H:MM:SS.mmm` since the run's start.
fn elapsed(since_start: std::time::Duration) -> String {
    let millis = since_start.as_millis();
    let (hours, rest) = (millis / 3_600_000, millis % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    format!("+{hours}:{minutes:02}:{:02}.{:03}", rest / 1000, rest % 1000)
}

pub(super) fn write_trace(path: &Path, trace: &Trace, account: Option<u64>) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    trace.write_jsonl(&mut file, account)
}
