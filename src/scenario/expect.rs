//! `[expect]`: bounds on metrics that turn a scenario into a regression test.

use std::fmt;

use super::metrics::{MetricId, MetricValue};

/// A bound on one metric.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    /// `metric = 0`
    Equal(f64),
    /// `metric = { max = 1.3 }`
    AtMost(f64),
    /// `metric = { min = 10 }`
    AtLeast(f64),
    /// `metric = { min = 1, max = 5 }` (`min <= max`)
    Between { min: f64, max: f64 },
    /// `metric = true`
    Is(bool),
}

/// One `[expect]` entry: a metric, its bound, and where the file states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub metric: MetricId,
    pub bound: Bound,
    /// 1-based line of the entry in the scenario file.
    pub line: usize,
}

/// An expectation a run did not meet.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("expected {metric} {wanted} (line {line}), got {actual}")]
pub struct ExpectationFailure {
    pub metric: MetricId,
    /// The bound as the message states it ("= 0", "<= 1.3", "in 1..=5", "= true").
    pub wanted: String,
    pub actual: MetricValue,
    pub line: usize,
}

impl Expectation {
    /// Whether `actual` meets the bound. A NaN never does; a boolean never
    /// meets a numeric bound nor a number a boolean one.
    pub fn check(&self, actual: impl Into<MetricValue>) -> Result<(), ExpectationFailure> {
        let actual = actual.into();
        let holds = match (&self.bound, actual) {
            (Bound::Equal(wanted), MetricValue::Number(value)) => value == *wanted,
            (Bound::AtMost(max), MetricValue::Number(value)) => value <= *max,
            (Bound::AtLeast(min), MetricValue::Number(value)) => value >= *min,
            (Bound::Between { min, max }, MetricValue::Number(value)) => *min <= value && value <= *max,
            (Bound::Is(wanted), MetricValue::Bool(value)) => value == *wanted,
            _ => false,
        };
        if holds {
            return Ok(());
        }
        Err(ExpectationFailure {
            metric: self.metric,
            wanted: self.bound.to_string(),
            actual,
            line: self.line,
        })
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Equal(value) => write!(f, "= {value}"),
            Bound::AtMost(max) => write!(f, "<= {max}"),
            Bound::AtLeast(min) => write!(f, ">= {min}"),
            Bound::Between { min, max } => write!(f, "in {min}..={max}"),
            Bound::Is(value) => write!(f, "= {value}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(bound: Bound) -> Expectation {
        Expectation {
            metric: MetricId::Resends,
            bound,
            line: 4,
        }
    }

    #[test]
    fn numeric_bounds() {
        assert_eq!(expect(Bound::Equal(0.0)).check(0u64), Ok(()));
        assert_eq!(expect(Bound::AtMost(1.3)).check(1.3), Ok(()));
        assert_eq!(expect(Bound::AtLeast(2.0)).check(2.0), Ok(()));
        assert_eq!(expect(Bound::Between { min: 1.0, max: 5.0 }).check(5.0), Ok(()));
        assert!(expect(Bound::Between { min: 1.0, max: 5.0 }).check(0.5).is_err());
        assert!(expect(Bound::AtMost(1.0)).check(f64::NAN).is_err());
    }

    #[test]
    fn failures_read_well() {
        let failure = expect(Bound::Equal(0.0)).check(3u64).unwrap_err();
        assert_eq!(failure.to_string(), "expected resends = 0 (line 4), got 3");
        let failure = expect(Bound::AtMost(1.3)).check(1.5).unwrap_err();
        assert_eq!(failure.to_string(), "expected resends <= 1.3 (line 4), got 1.5");
        let failure = expect(Bound::AtLeast(2.0)).check(1.0).unwrap_err();
        assert_eq!(failure.to_string(), "expected resends >= 2 (line 4), got 1");
        let failure = expect(Bound::Between { min: 1.0, max: 5.0 }).check(7.0).unwrap_err();
        assert_eq!(failure.to_string(), "expected resends in 1..=5 (line 4), got 7");
        let failure = expect(Bound::Is(true)).check(false).unwrap_err();
        assert_eq!(failure.to_string(), "expected resends = true (line 4), got false");
    }

    #[test]
    fn kinds_must_match() {
        assert_eq!(expect(Bound::Is(true)).check(true), Ok(()));
        assert!(expect(Bound::Is(true)).check(1.0).is_err());
        assert!(expect(Bound::Equal(1.0)).check(true).is_err());
    }
}
