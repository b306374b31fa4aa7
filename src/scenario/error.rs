//! The one error type of the scenario format: what went wrong, in which
//! file, at which line and column.
//!
//! Every problem a scenario file can cause is reported as a [`ScenarioError`]
//! (never a panic). Positions come from the byte spans toml and our own
//! spanned value tree keep; [`line_column`] maps a byte offset to a 1-based
//! line and a 1-based column counted in characters, as editors show them.

use std::ops::Range;

/// A problem in a scenario file, with where it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {problem}")]
pub struct ScenarioError {
    /// The file name given to the parser (or the path that was read).
    pub file: String,
    /// 1-based line of the offending key or value.
    pub line: usize,
    /// 1-based column, in characters, of the offending key or value.
    pub column: usize,
    /// What is wrong and what was expected.
    pub problem: Problem,
}

/// What is wrong with a scenario file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// The file could not be read at all.
    #[error("cannot read the file: {0}")]
    Read(String),
    /// The text is not valid TOML.
    #[error("TOML syntax error: {0}")]
    Syntax(String),
    /// A key that the format does not define.
    #[error("unknown key `{key}`, expected {expected}")]
    UnknownKey { key: String, expected: String },
    /// A value of the wrong TOML type (a string where a number belongs, ...).
    #[error("wrong type: {0}")]
    WrongType(String),
    /// A required key is absent.
    #[error("missing key `{0}`")]
    MissingKey(String),
    /// A value outside the range the key allows.
    #[error("`{key}` = {value} is out of range: expected {expected}")]
    OutOfRange {
        key: String,
        value: String,
        expected: String,
    },
    /// A duration written as a bare number or without a known unit.
    #[error("`{key}` = {value} has no unit: write a whole number followed by us, ms, s, m, h or d, e.g. \"30s\"")]
    DurationWithoutUnit { key: String, value: String },
    /// A distribution table lacking one of its parameters.
    #[error("`{key}`: distribution \"{dist}\" needs parameter `{parameter}`")]
    MissingParameter {
        key: String,
        dist: String,
        parameter: String,
    },
    /// No accounts or no devices: nothing to simulate.
    #[error("empty population: {0}")]
    EmptyPopulation(String),
    /// An `[expect]` key that is not a metric.
    #[error("unknown metric `{0}` (`sessionlab list-metrics` prints the list)")]
    UnknownMetric(String),
    /// Any other rule of the format (a duplicate name, a key that does not fit its kind, ...).
    #[error("{0}")]
    Invalid(String),
}

/// Maps byte spans of one source text to [`ScenarioError`]s.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Locator<'a> {
    pub source: &'a str,
    pub file: &'a str,
}

impl Locator<'_> {
    /// An error at the start of `span` (at 1:1 when there is no span).
    pub fn error(&self, span: Option<Range<usize>>, problem: Problem) -> ScenarioError {
        let offset = span.map_or(0, |span| span.start);
        let (line, column) = line_column(self.source, offset);
        ScenarioError {
            file: self.file.to_string(),
            line,
            column,
            problem,
        }
    }

    /// A toml syntax error.
    pub fn syntax(&self, error: &toml::de::Error) -> ScenarioError {
        self.error(error.span(), Problem::Syntax(first_line(error.message())))
    }

    /// A serde error raised while deserializing the document's structure.
    pub fn structure(&self, error: &toml::de::Error) -> ScenarioError {
        self.error(error.span(), classify(error.message(), &key_path(error)))
    }
}

/// 1-based (line, column) of byte `offset` in `source`; the column counts characters.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(source.len());
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let before = &source[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The dotted path of the table or value a structure error is in ("" at the
/// top). toml only shows it in its Display, as a line "in `a.b`".
fn key_path(error: &toml::de::Error) -> String {
    // Without the input, Display prints the key path instead of a snippet.
    let mut bare = error.clone();
    bare.set_input(None);
    let text = bare.to_string();
    let path = text
        .lines()
        .find_map(|line| line.strip_prefix("in `").and_then(|rest| rest.strip_suffix('`')));
    path.unwrap_or("").to_string()
}

/// Turns serde's stable message shapes into a typed [`Problem`]; `path` is
/// where the error is (the table for a key error, the value for a type error).
fn classify(message: &str, path: &str) -> Problem {
    let message = first_line(message);
    let qualified = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((key, tail)) = rest.split_once('`') {
            let expected = tail.trim_start_matches(", ").trim_start_matches("expected ");
            return Problem::UnknownKey {
                key: qualified(key),
                expected: expected.to_string(),
            };
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        return Problem::MissingKey(qualified(rest.trim_end_matches('`')));
    }
    if message.contains("$__toml_private_datetime") {
        return Problem::WrongType(format!("`{path}` cannot be a date-time"));
    }
    let type_error = message
        .strip_prefix("invalid type: ")
        .or(message.starts_with("invalid length").then_some(&*message));
    if let Some(rest) = type_error {
        let subject = if path.is_empty() {
            String::new()
        } else {
            format!("`{path}`: ")
        };
        return Problem::WrongType(format!("{subject}{rest}"));
    }
    Problem::Invalid(message)
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one_in_characters() {
        let source = "ab\nçd = 1\n";
        assert_eq!(line_column(source, 0), (1, 1));
        assert_eq!(line_column(source, 2), (1, 3));
        assert_eq!(line_column(source, 3), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(line_column(source, 5), (2, 2));
        // Inside a multi-byte character: the character's own column.
        assert_eq!(line_column(source, 4), (2, 1));
        assert_eq!(line_column(source, 999), (3, 1));
    }

    #[test]
    fn serde_messages_are_classified() {
        let unknown = |key: &str, expected: &str| Problem::UnknownKey {
            key: key.into(),
            expected: expected.into(),
        };
        assert_eq!(
            classify("unknown field `foo`, expected one of `a`, `b`", "policy"),
            unknown("policy.foo", "one of `a`, `b`")
        );
        assert_eq!(classify("unknown field `foo`, expected `a`", ""), unknown("foo", "`a`"));
        assert_eq!(
            classify("missing field `name`", "scenario"),
            Problem::MissingKey("scenario.name".into())
        );
        assert_eq!(
            classify("invalid type: integer `3`, expected a string", "a.b"),
            Problem::WrongType("`a.b`: integer `3`, expected a string".into())
        );
        assert_eq!(
            classify("invalid length 1, expected a table", ""),
            Problem::WrongType("invalid length 1, expected a table".into())
        );
        assert_eq!(
            classify("something else\nmore", ""),
            Problem::Invalid("something else".into())
        );
    }

    #[test]
    fn error_display_names_file_line_and_column() {
        let locator = Locator {
            source: "a = 1\nb = 2\n",
            file: "x.toml",
        };
        let error = locator.error(Some(6..7), Problem::MissingKey("c".into()));
        assert_eq!(error.to_string(), "x.toml:2:1: missing key `c`");
        let error = locator.error(None, Problem::Invalid("boom".into()));
        assert_eq!((error.line, error.column), (1, 1));
    }

    proptest::proptest! {
        #[test]
        fn every_offset_maps_to_a_position_from_one(source in "\\PC{0,40}", offset in 0usize..60) {
            let (line, column) = line_column(&source, offset);
            proptest::prop_assert!(line >= 1 && column >= 1);
            proptest::prop_assert!(line <= source.matches('\n').count() + 1);
        }
    }
}
