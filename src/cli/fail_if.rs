//! `--fail-if METRIC>BOUND` of `sessionlab compare`: a bound on a metric's
//! mean difference B − A, parsed by clap into a [`FailIf`] so that an
//! unknown metric or a malformed bound is a usage error (exit 2) before
//! anything is read.
//!
//! The operators are `>`, `>=`, `<` and `<=`; the bound is *crossed* (the
//! command exits 1) when `mean difference OPERATOR BOUND` holds:
//! `--fail-if logout_bypasses>0` fails when B has more bypasses than A on
//! average. Spaces around the parts are allowed (`'resends > 2.5'`).

use std::fmt;
use std::str::FromStr;

use crate::scenario::{MetricId, METRICS};

/// How a mean difference crosses the bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

impl Operator {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
        }
    }

    /// Whether `value OPERATOR bound` holds.
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Operator::Greater => value > bound,
            Operator::GreaterOrEqual => value >= bound,
            Operator::Less => value < bound,
            Operator::LessOrEqual => value <= bound,
        }
    }
}

/// One `--fail-if`: a metric of this sessionlab, an operator and a finite bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailIf {
    pub metric: MetricId,
    pub operator: Operator,
    pub bound: f64,
}

impl FailIf {
    /// Whether `mean_difference` crosses the bound.
    pub fn crossed(&self, mean_difference: f64) -> bool {
        self.operator.holds(mean_difference, self.bound)
    }
}

/// Why a `--fail-if` value is not one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FailIfError {
    #[error("no comparison: write METRIC>BOUND, METRIC>=BOUND, METRIC<BOUND or METRIC<=BOUND")]
    NoOperator,
    #[error("{0:?} is not a metric (`sessionlab list-metrics` lists them)")]
    UnknownMetric(String),
    #[error("seed is not a metric that compares")]
    Seed,
    #[error("the bound {0:?} is not a number")]
    NotANumber(String),
}

impl FromStr for FailIf {
    type Err = FailIfError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let at = text.find(['<', '>']).ok_or(FailIfError::NoOperator)?;
        let (name, rest) = text.split_at(at);
        let (operator, bound) = if let Some(bound) = rest.strip_prefix(">=") {
            (Operator::GreaterOrEqual, bound)
        } else if let Some(bound) = rest.strip_prefix("<=") {
            (Operator::LessOrEqual, bound)
        } else if let Some(bound) = rest.strip_prefix('>') {
            (Operator::Greater, bound)
        } else {
            (Operator::Less, rest.get(1..).unwrap_or_default())
        };
        let name = name.trim();
        let metric = METRICS
            .iter()
            .find(|metric| metric.name == name)
            .ok_or_else(|| FailIfError::UnknownMetric(name.to_string()))?
            .id;
        if metric == MetricId::Seed {
            return Err(FailIfError::Seed);
        }
        let bound_text = bound.trim();
        let bound = bound_text
            .parse::<f64>()
            .ok()
            .filter(|bound| bound.is_finite())
            .ok_or_else(|| FailIfError::NotANumber(bound_text.to_string()))?;
        Ok(FailIf {
            metric,
            operator,
            bound,
        })
    }
}

impl fmt::Display for FailIf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.metric.name(), self.operator.symbol(), self.bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse_into_metric_operator_and_number() {
        let cases = [
            ("logout_bypasses>0", MetricId::LogoutBypasses, Operator::Greater, 0.0),
            ("resends >= 2.5", MetricId::Resends, Operator::GreaterOrEqual, 2.5),
            ("sync_converged<-0.1", MetricId::SyncConverged, Operator::Less, -0.1),
            (
                "push_latency_p99_ms<=1e3",
                MetricId::PushLatencyP99Ms,
                Operator::LessOrEqual,
                1000.0,
            ),
        ];
        for (text, metric, operator, bound) in cases {
            let parsed: FailIf = text.parse().expect("a bound");
            assert_eq!(
                parsed,
                FailIf {
                    metric,
                    operator,
                    bound
                },
                "{text}"
            );
        }
        assert_eq!(
            "resends >= 2.5".parse::<FailIf>().map(|bound| bound.to_string()),
            Ok("resends>=2.5".to_string())
        );
    }

    #[test]
    fn malformed_bounds_say_what_is_wrong() {
        let cases = [
            ("resends", FailIfError::NoOperator),
            ("resends=3", FailIfError::NoOperator),
            ("frobnicate>1", FailIfError::UnknownMetric("frobnicate".into())),
            (">1", FailIfError::UnknownMetric(String::new())),
            ("seed>1", FailIfError::Seed),
            ("resends>abc", FailIfError::NotANumber("abc".into())),
            ("resends>", FailIfError::NotANumber(String::new())),
            ("resends>>1", FailIfError::NotANumber(">1".into())),
            ("resends<inf", FailIfError::NotANumber("inf".into())),
            ("resends<NaN", FailIfError::NotANumber("NaN".into())),
        ];
        for (text, error) in cases {
            assert_eq!(text.parse::<FailIf>(), Err(error), "{text}");
        }
    }

    #[test]
    fn each_operator_crosses_where_it_says() {
        let bound = |text: &str| text.parse::<FailIf>().expect("a bound");
        assert!(bound("resends>1").crossed(1.5));
        assert!(!bound("resends>1").crossed(1.0));
        assert!(bound("resends>=1").crossed(1.0));
        assert!(bound("resends<1").crossed(0.5));
        assert!(!bound("resends<1").crossed(1.0));
        assert!(bound("resends<=1").crossed(1.0));
        assert!(!bound("resends<=1").crossed(1.5));
    }
}
