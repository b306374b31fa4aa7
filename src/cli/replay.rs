//! `sessionlab replay SCENARIO --seed N [--trace FILE]`: one seed, its
//! event trace as JSON Lines, its per-seed draws and metrics, and the
//! causal chain of every logout bypass and surviving foothold, printed for
//! a human.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::check::write_scenario_errors;
use super::Exit;
use crate::report::text::draw_cell;
use crate::scenario::load_scenario;
use crate::world::batch::run_seed;
use crate::world::RunOptions;

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
}

pub fn replay(arguments: &ReplayArguments, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let scenario = match load_scenario(&arguments.scenario) {
        Ok(scenario) => scenario,
        Err(error) => {
            write_scenario_errors(err, &error)?;
            return Ok(Exit::BadInput);
        }
    };
    let options = RunOptions {
        record_trace: arguments.trace.is_some(),
    };
    let outcome = match run_seed(&scenario, arguments.seed, options) {
        Ok(outcome) => outcome,
        Err(error) => {
            writeln!(err, "{}: {error}", arguments.scenario.display())?;
            return Ok(Exit::for_batch_error(&error));
        }
    };
    if let (Some(path), Some(trace)) = (&arguments.trace, &outcome.trace) {
        if let Err(error) = write_trace(path, trace) {
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
            "bypass: DC {} accepted key {:#018x} {} ms after authorization {:#018x} was revoked{}",
            bypass.dc,
            bypass.key_id,
            bypass.window().as_millis(),
            bypass.authorization.1,
            if bypass.violation { " (ORACLE VIOLATION)" } else { "" }
        )?;
    }
    for foothold in &outcome.footholds {
        writeln!(
            out,
            "surviving foothold of {} on DC {}:",
            foothold.attacker, foothold.dc
        )?;
        for (step, link) in foothold.chain.iter().enumerate() {
            writeln!(out, "  {}{link}", if step == 0 { "" } else { "→ " })?;
        }
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

fn write_trace(path: &Path, lines: &[String]) -> std::io::Result<()> {
    let mut text = String::with_capacity(lines.iter().map(|line| line.len() + 1).sum());
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(path, text)
}
