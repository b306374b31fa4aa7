//! Every problem of one scenario file at once: [`ScenarioErrors`] holds
//! them in file order (line, then column), at most
//! [`MAX_ERRORS_PER_FILE`], and counts the rest.
//!
//! What is collected: the first problem of each section (`[scenario]`,
//! `[policy]`, `[datacenters]`, `[network]`, `[population]`, `[expect]`,
//! and each array of tables — all `[[fault]]`s, all `[[attacker]]`s, all
//! `[[owner_action]]`s, all `[[device_event]]`s — as one section), and
//! every unused `[swarm]` entry once the rest holds. Sections that need a
//! broken one (faults need `[scenario]` and `[datacenters]`; actors need
//! `[scenario]` and `[population]`) are skipped. A TOML syntax error or a key the format does not know stops the
//! file at that first problem, since nothing after it can be trusted.

use std::fmt;

use super::error::ScenarioError;
use super::limits::MAX_ERRORS_PER_FILE;

/// One or more problems of one scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioErrors {
    /// Never empty; sorted by (line, column).
    errors: Vec<ScenarioError>,
    /// Problems found beyond [`MAX_ERRORS_PER_FILE`].
    omitted: usize,
}

impl ScenarioErrors {
    /// The errors collected, in file order; `None` when there are none.
    pub(crate) fn from_collected(mut errors: Vec<ScenarioError>) -> Option<ScenarioErrors> {
        if errors.is_empty() {
            return None;
        }
        errors.sort_by_key(|error| (error.line, error.column));
        let omitted = errors.len().saturating_sub(MAX_ERRORS_PER_FILE);
        errors.truncate(MAX_ERRORS_PER_FILE);
        Some(ScenarioErrors { errors, omitted })
    }

    /// The first problem in file order.
    pub fn first(&self) -> &ScenarioError {
        // `errors` is never empty: both constructors guarantee it.
        &self.errors[0]
    }

    /// Every problem kept, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &ScenarioError> {
        self.errors.iter()
    }

    /// How many problems were found beyond the ones kept.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// The lines a command prints: one per problem, and one saying how
    /// many more there were, if any.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        if self.omitted > 0 {
            lines.push(format!(
                "{}: {} more problems not shown",
                self.first().file,
                self.omitted
            ));
        }
        lines
    }
}

impl From<ScenarioError> for ScenarioErrors {
    fn from(error: ScenarioError) -> ScenarioErrors {
        ScenarioErrors {
            errors: vec![error],
            omitted: 0,
        }
    }
}

impl fmt::Display for ScenarioErrors {
    /// One problem per line, `file:line:column: problem`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

impl std::error::Error for ScenarioErrors {}

/// Gathers the problems of one file while building it.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    errors: Vec<ScenarioError>,
}

impl Collector {
    /// The value of `result`, or `None` with its error kept.
    pub fn keep<T>(&mut self, result: Result<T, ScenarioError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    /// Keeps `errors` too.
    pub fn extend(&mut self, errors: impl IntoIterator<Item = ScenarioError>) {
        self.errors.extend(errors);
    }

    /// Whether nothing went wrong so far.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// `value` if nothing went wrong, else every problem.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, ScenarioErrors> {
        match (ScenarioErrors::from_collected(self.errors), value) {
            (None, Some(value)) => Ok(value),
            (Some(errors), _) => Err(errors),
            // A section failed without an error: cannot happen, since every
            // `None` above comes from `keep` recording one.
            (None, None) => Err(ScenarioErrors::from(ScenarioError {
                file: String::new(),
                line: 1,
                column: 1,
                problem: super::error::Problem::Invalid("the scenario could not be built".into()),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::error::Problem;

    fn at(line: usize, column: usize) -> ScenarioError {
        ScenarioError {
            file: "t.toml".into(),
            line,
            column,
            problem: Problem::Invalid(format!("problem at {line}")),
        }
    }

    #[test]
    fn errors_come_in_file_order_and_beyond_the_limit_are_counted() {
        let mut collected: Vec<ScenarioError> =
            (0..MAX_ERRORS_PER_FILE + 3).rev().map(|line| at(line + 1, 1)).collect();
        collected.push(at(1, 0));
        let errors = ScenarioErrors::from_collected(collected).expect("errors");
        assert_eq!(errors.first(), &at(1, 0));
        assert_eq!(errors.iter().count(), MAX_ERRORS_PER_FILE);
        assert_eq!(errors.omitted(), 4);
        let lines = errors.lines();
        assert_eq!(lines[1], "t.toml:1:1: problem at 1");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("t.toml: 4 more problems not shown")
        );
        assert_eq!(errors.to_string().lines().count(), MAX_ERRORS_PER_FILE + 1);
    }

    #[test]
    fn one_error_reads_as_itself() {
        let errors = ScenarioErrors::from(at(3, 4));
        assert_eq!(errors.to_string(), "t.toml:3:4: problem at 3");
        assert_eq!(ScenarioErrors::from_collected(Vec::new()), None);
    }

    #[test]
    fn a_collector_keeps_values_and_errors() {
        let mut collector = Collector::default();
        assert_eq!(collector.keep(Ok::<_, ScenarioError>(5)), Some(5));
        assert!(collector.is_clean());
        assert_eq!(collector.keep(Err::<u8, _>(at(2, 1))), None);
        assert!(!collector.is_clean());
        assert_eq!(
            collector.finish(Some(1)).map_err(|errors| errors.to_string()),
            Err("t.toml:2:1: problem at 2".into())
        );
    }
}
