//! The TOML scenario format: parsing, validation and the typed model.
//!
//! ```text
//!  text ──toml──► RawDocument (serde, deny_unknown_fields, spanned values)
//!       ──build──► Scenario<Spec>   (validated; per-seed settings are Sampled)
//!       ──resolve(seed)──► Scenario<Resolved>   (concrete values for one run)
//! ```
//!
//! Every problem is a [`ScenarioError`] naming the file, line and column.
//! `scenarios/README.md` documents every key, its default and its meaning.
//! This module reads files; `proto` never does (architecture invariant 2).

mod build;
mod build_actors;
mod build_events;
mod compound;
pub mod distribution;
pub mod draws;
pub mod duration;
pub mod epoch;
pub mod error;
mod errors;
pub mod expect;
mod leaf;
pub mod limits;
pub mod metrics;
pub mod model;
mod node;
pub mod quantity;
mod raw;
mod resolve;
pub mod sampled;
pub mod shard;
pub mod variant;

use std::io::Read;
use std::path::Path;

use serde::Deserialize;

/// The device kinds as scenario files spell them (the trace's test checks
/// it writes the same).
#[cfg(test)]
pub(crate) use build_actors::DEVICE_KINDS;
pub use distribution::{ByteDistribution, Distribution, DurationDistribution, OffsetDistribution};
pub use draws::{Draw, DrawnValue, Draws};
pub use duration::{parse_duration, SignedDuration};
pub use error::{Problem, ScenarioError};
pub use errors::ScenarioErrors;
pub use expect::{Bound, Expectation, ExpectationFailure};
pub use metrics::{Metric, MetricId, MetricKind, MetricRow, MetricValue, METRICS, METRIC_COUNT};
pub use model::*;
pub use quantity::{Probability, SeedRange, Share};
pub use sampled::{Resolved, Sampled, Spec, Stage, SwarmRng};
pub use shard::{Shard, ShardError, MAX_SHARDS};

use error::Locator;

/// Parses and validates scenario text; `file_name` only labels errors.
pub fn parse_scenario(source: &str, file_name: &str) -> Result<Scenario, ScenarioErrors> {
    let locator = Locator {
        source,
        file: file_name,
    };
    let deserializer = toml::de::Deserializer::parse(source).map_err(|error| locator.syntax(&error))?;
    let document = raw::RawDocument::deserialize(deserializer).map_err(|error| locator.structure(&error))?;
    build::build(locator, document)
}

/// Reads and parses a scenario file (at most [`limits::MAX_SOURCE_BYTES`]).
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioErrors> {
    load_scenario_source(path).map(|(_, scenario)| scenario)
}

/// [`load_scenario`], with the text it parsed (what a shard records).
pub fn load_scenario_source(path: &Path) -> Result<(String, Scenario), ScenarioErrors> {
    let file_name = path.display().to_string();
    let read_error = |reason: String| ScenarioError {
        file: file_name.clone(),
        line: 1,
        column: 1,
        problem: Problem::Read(reason),
    };
    let source = read_source(path).map_err(read_error)?;
    let scenario = parse_scenario(&source, &file_name)?;
    Ok((source, scenario))
}

/// The text of `path`, at most [`limits::MAX_SOURCE_BYTES`], or why not.
fn read_source(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|error| error.to_string())?;
    let mut source = String::new();
    file.take(limits::MAX_SOURCE_BYTES + 1)
        .read_to_string(&mut source)
        .map_err(|error| error.to_string())?;
    if source.len() as u64 > limits::MAX_SOURCE_BYTES {
        return Err(format!("larger than {} bytes", limits::MAX_SOURCE_BYTES));
    }
    Ok(source)
}
/// The error for `path`, whose scenario is called `name` like the one
/// `first` holds, in one command: their reports would share one directory.
/// It points at `path`'s `scenario.name` (at 1:1 if the file cannot be
/// read again within the size limit).
pub fn duplicate_name(path: &Path, name: &str, first: &Path) -> ScenarioError {
    #[derive(Deserialize)]
    struct NameOnly {
        scenario: NameTable,
    }
    #[derive(Deserialize)]
    struct NameTable {
        name: toml::Spanned<String>,
    }
    let source = read_source(path).unwrap_or_default();
    let offset = toml::from_str::<NameOnly>(&source).map_or(0, |only| only.scenario.name.span().start);
    let (line, column) = error::line_column(&source, offset);
    ScenarioError {
        file: path.display().to_string(),
        line,
        column,
        problem: Problem::Invalid(format!(
            "scenario name {name:?} is already the name of {}: their reports would overwrite each other; \
             give each scenario its own name",
            first.display()
        )),
    }
}

#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_events;
#[cfg(test)]
mod tests_ranges;
#[cfg(test)]
mod tests_rules;
