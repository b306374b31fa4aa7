//! Conversion of single spanned values into typed values: text, booleans,
//! bounded integers, probabilities, durations, shares, names from a fixed
//! list, revocation policies. Each rule fails with a typed [`Problem`] at the
//! value's line and column; `key` is the setting's dotted path, used in messages.

use std::ops::Range;
use std::time::Duration;

use super::duration::{format_duration, parse_duration, parse_signed_duration, DurationError, SignedDuration};
use super::error::{Locator, Problem, ScenarioError};
use super::limits::{DAY_SECONDS, MAX_AUTHORIZATION_TTL, MAX_DURATION, MAX_TEXT_CHARS, MIN_AUTHORIZATION_TTL};
use super::model::{DuplicateKey, Revocation};
use super::node::{Key, Node, NodeValue};
use super::quantity::{parse_percent, Probability, Share, ShareError};

pub(crate) type Result<T> = std::result::Result<T, ScenarioError>;

/// One `[swarm]` entry: a setting's path and the values to draw from.
#[derive(Debug)]
pub(crate) struct SwarmEntry {
    pub key: Key,
    pub node: Node,
    pub used: bool,
}

/// What conversion needs: where to report errors, and the `[swarm]` overrides.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub locator: Locator<'a>,
    pub swarm: Vec<SwarmEntry>,
    /// The paths of the settings that may vary per seed, in the order the
    /// format reads them (what a `[swarm]` entry may name).
    pub per_seed_paths: Vec<String>,
}

impl Ctx<'_> {
    /// An error at `span`.
    pub fn error(&self, span: &Range<usize>, problem: Problem) -> ScenarioError {
        self.locator.error(Some(span.clone()), problem)
    }

    /// `key` holds the wrong kind of value.
    pub fn wrong_type(&self, key: &str, node: &Node, expected: &str) -> ScenarioError {
        let found = node.value.kind_name();
        self.error(
            &node.span,
            Problem::WrongType(format!("`{key}` must be {expected}, found {found}")),
        )
    }

    /// `key` holds a value outside its range.
    pub fn out_of_range(&self, key: &str, node: &Node, expected: impl Into<String>) -> ScenarioError {
        let problem = Problem::OutOfRange {
            key: key.to_string(),
            value: node.to_string(),
            expected: expected.into(),
        };
        self.error(&node.span, problem)
    }

    /// A string of at most [`MAX_TEXT_CHARS`] characters.
    pub fn text(&self, key: &str, node: &Node) -> Result<String> {
        let NodeValue::String(text) = &node.value else {
            return Err(self.wrong_type(key, node, "a string"));
        };
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(self.out_of_range(key, node, format!("at most {MAX_TEXT_CHARS} characters")));
        }
        Ok(text.clone())
    }

    /// `true` or `false`.
    pub fn boolean(&self, key: &str, node: &Node) -> Result<bool> {
        match node.value {
            NodeValue::Boolean(value) => Ok(value),
            _ => Err(self.wrong_type(key, node, "true or false")),
        }
    }

    /// A whole number in `min..=max`.
    pub fn integer(&self, key: &str, node: &Node, min: u64, max: u64) -> Result<u64> {
        let NodeValue::Integer(value) = node.value else {
            return Err(self.wrong_type(key, node, "a whole number"));
        };
        match u64::try_from(value) {
            Ok(value) if (min..=max).contains(&value) => Ok(value),
            _ => Err(self.out_of_range(key, node, format!("a whole number between {min} and {max}"))),
        }
    }

    /// An integer or a finite float.
    pub fn number(&self, key: &str, node: &Node) -> Result<f64> {
        match node.value {
            NodeValue::Integer(value) => Ok(value as f64),
            NodeValue::Float(value) if value.is_finite() => Ok(value),
            NodeValue::Float(_) => Err(self.out_of_range(key, node, "a finite number")),
            _ => Err(self.wrong_type(key, node, "a number")),
        }
    }

    /// A number in `0..=1`.
    pub fn probability(&self, key: &str, node: &Node) -> Result<Probability> {
        let value = self.number(key, node)?;
        Probability::new(value).ok_or_else(|| self.out_of_range(key, node, "a probability between 0 and 1"))
    }

    /// A duration with a unit in `min..=max`.
    pub fn duration(&self, key: &str, node: &Node, min: Duration, max: Duration) -> Result<Duration> {
        let text = self.duration_text(key, node)?;
        let duration = parse_duration(text).map_err(|error| self.duration_error(key, node, error))?;
        if duration < min || duration > max {
            let expected = format!(
                "a duration between {} and {}",
                format_duration(min),
                format_duration(max)
            );
            return Err(self.out_of_range(key, node, expected));
        }
        Ok(duration)
    }

    /// An authorization TTL: whole days between the core's limits (the
    /// API, `account.setAuthorizationTTL`, counts in days), for both
    /// `policy.authorization_ttl` and an owner's `set_ttl` action.
    pub fn whole_days(&self, key: &str, node: &Node) -> Result<Duration> {
        let ttl = self.duration(key, node, MIN_AUTHORIZATION_TTL, MAX_AUTHORIZATION_TTL)?;
        if ttl.as_secs() % DAY_SECONDS != 0 {
            return Err(self.out_of_range(key, node, "whole days, such as \"30d\""));
        }
        Ok(ttl)
    }

    /// Any duration up to the global limit.
    pub fn any_duration(&self, key: &str, node: &Node) -> Result<Duration> {
        self.duration(key, node, Duration::ZERO, MAX_DURATION)
    }

    /// A signed duration ("-2s").
    pub fn offset(&self, key: &str, node: &Node) -> Result<SignedDuration> {
        let text = self.duration_text(key, node)?;
        parse_signed_duration(text).map_err(|error| self.duration_error(key, node, error))
    }

    fn duration_text<'n>(&self, key: &str, node: &'n Node) -> Result<&'n str> {
        match &node.value {
            NodeValue::String(text) => Ok(text),
            // A bare number is the most common unit mistake: say so.
            NodeValue::Integer(_) | NodeValue::Float(_) => Err(self.no_unit(key, node)),
            _ => Err(self.wrong_type(key, node, "a duration such as \"30s\"")),
        }
    }

    /// `key` holds a duration without a unit (`node` as written).
    fn no_unit(&self, key: &str, node: &Node) -> ScenarioError {
        let problem = Problem::DurationWithoutUnit {
            key: key.to_string(),
            value: node.to_string(),
        };
        self.error(&node.span, problem)
    }

    fn duration_error(&self, key: &str, node: &Node, error: DurationError) -> ScenarioError {
        match error {
            DurationError::NoUnit => self.no_unit(key, node),
            DurationError::TooLong => {
                self.out_of_range(key, node, format!("at most {}", format_duration(MAX_DURATION)))
            }
            other => self.error(
                &node.span,
                Problem::Invalid(format!("`{key}` = {node} is not a duration: {other}")),
            ),
        }
    }

    /// A percentage ("5%") or a whole count.
    pub fn share(&self, key: &str, node: &Node) -> Result<Share> {
        match &node.value {
            NodeValue::Integer(_) => Ok(Share::Count(self.integer(key, node, 0, u64::MAX)?)),
            NodeValue::String(text) => parse_percent(text).map_err(|error| match error {
                ShareError::OutOfRange => self.out_of_range(key, node, "a percentage between 0% and 100%"),
                ShareError::Malformed => self.error(
                    &node.span,
                    Problem::Invalid(format!(
                        "`{key}` = {node} is not a percentage such as \"5%\" or a whole count"
                    )),
                ),
            }),
            _ => Err(self.wrong_type(key, node, "a percentage such as \"5%\" or a whole count")),
        }
    }

    /// One of a fixed list of names.
    pub fn name_of<T: Copy>(&self, key: &str, node: &Node, names: &[(&str, T)]) -> Result<T> {
        let listed = names
            .iter()
            .map(|(name, _)| format!("{name:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let NodeValue::String(text) = &node.value else {
            return Err(self.wrong_type(key, node, &format!("one of {listed}")));
        };
        names
            .iter()
            .find(|(name, _)| name == text)
            .map(|(_, value)| *value)
            .ok_or_else(|| self.out_of_range(key, node, format!("one of {listed}")))
    }

    /// "sync", "async:DURATION" or "lazy:DURATION".
    /// `"on"` (the default window), `"on:DURATION"` or `"off"`.
    pub fn duplicate_key(&self, key: &str, node: &Node) -> Result<DuplicateKey> {
        const EXPECTED: &str = "\"on\", \"on:DURATION\" (e.g. \"on:5m\") or \"off\"";
        let NodeValue::String(text) = &node.value else {
            return Err(self.wrong_type(key, node, EXPECTED));
        };
        match text.split_once(':') {
            None if text == "on" => Ok(DuplicateKey::On {
                window: sessionlab_proto::auth::DUPLICATE_KEY_WINDOW_DEFAULT,
            }),
            None if text == "off" => Ok(DuplicateKey::Off),
            Some(("on", window)) => match parse_duration(window) {
                Ok(window) if !window.is_zero() && window <= MAX_DURATION => Ok(DuplicateKey::On { window }),
                Err(DurationError::NoUnit) => Err(self.no_unit(key, node)),
                _ => Err(self.out_of_range(key, node, EXPECTED)),
            },
            _ => Err(self.out_of_range(key, node, EXPECTED)),
        }
    }

    pub fn revocation(&self, key: &str, node: &Node) -> Result<Revocation> {
        const EXPECTED: &str = "\"sync\", \"async:DURATION\" or \"lazy:DURATION\" (e.g. \"async:2s\")";
        let NodeValue::String(text) = &node.value else {
            return Err(self.wrong_type(key, node, EXPECTED));
        };
        let (mode, delay) = text.split_once(':').unwrap_or((text, ""));
        let delay = || {
            parse_duration(delay).map_err(|error| match error {
                DurationError::NoUnit => self.no_unit(key, node),
                _ => self.out_of_range(key, node, EXPECTED),
            })
        };
        match mode {
            "sync" if !text.contains(':') => Ok(Revocation::Sync),
            "async" => Ok(Revocation::Async { delay: delay()? }),
            "lazy" => Ok(Revocation::Lazy { cache_ttl: delay()? }),
            _ => Err(self.out_of_range(key, node, EXPECTED)),
        }
    }
}
