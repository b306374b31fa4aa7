//! How one run failed, as a value two runs can be compared by: an oracle
//! violation (named by its oracle, `world::oracle::names`) or an `[expect]`
//! bound that did not hold (named by its metric and bound). `sessionlab
//! mutants` reports what caught a mutant with it, and `sessionlab shrink`
//! keeps a smaller scenario only when it fails [`Failure::same_way`].

use std::fmt;

use crate::scenario::{Bound, Expectation, MetricId, MetricRow, MetricValue};
use crate::world::oracle::oracle_of;

/// One reason a run failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// An oracle was violated.
    Oracle {
        /// The oracle's name (`logout-bypass`, `wipe`, …).
        oracle: String,
        /// The violation as the run described it.
        detail: String,
    },
    /// An `[expect]` bound did not hold.
    Expect {
        metric: MetricId,
        /// The bound as messages state it (`= 0`, `<= 1000`).
        wanted: String,
        actual: MetricValue,
        /// Which side of the bound the value fell on.
        side: Side,
    },
}

/// Which side of its bound a failing value is on: a run with no attacker
/// fails `surviving_footholds in 4..=12` too, but from below, which is not
/// the failure of a run that kept too many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
    /// A boolean bound, or a value of the wrong kind (NaN included).
    Other,
}

impl Side {
    fn of(bound: &Bound, actual: MetricValue) -> Side {
        let MetricValue::Number(value) = actual else {
            return Side::Other;
        };
        let (low, high) = match bound {
            Bound::Equal(wanted) => (*wanted, *wanted),
            Bound::AtMost(max) => (f64::NEG_INFINITY, *max),
            Bound::AtLeast(min) => (*min, f64::INFINITY),
            Bound::Between { min, max } => (*min, *max),
            Bound::Is(_) => return Side::Other,
        };
        if value > high {
            Side::Above
        } else if value < low {
            Side::Below
        } else {
            Side::Other
        }
    }
}

impl Failure {
    /// What caught the run, for tables: the oracle's name, or
    /// `expect: METRIC BOUND`.
    pub fn by(&self) -> String {
        match self {
            Failure::Oracle { oracle, .. } => oracle.clone(),
            Failure::Expect { metric, wanted, .. } => format!("expect: {} {wanted}", metric.name()),
        }
    }

    /// Whether `other` is the same failure: the same oracle, or the same
    /// metric failing the same bound on the same side (whatever the values).
    pub fn same_way(&self, other: &Failure) -> bool {
        match (self, other) {
            (Failure::Oracle { oracle: a, .. }, Failure::Oracle { oracle: b, .. }) => a == b,
            (
                Failure::Expect {
                    metric: a,
                    wanted: x,
                    side: s,
                    ..
                },
                Failure::Expect {
                    metric: b,
                    wanted: y,
                    side: t,
                    ..
                },
            ) => a == b && x == y && s == t,
            _ => false,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Oracle { detail, .. } => write!(formatter, "oracle violation: {detail}"),
            Failure::Expect {
                metric, wanted, actual, ..
            } => {
                write!(formatter, "expected {} {wanted}, got {actual}", metric.name())
            }
        }
    }
}

/// Every way one run failed: its oracle violations in the order the run
/// reported them, then the `[expect]` bounds that failed, in file order.
pub fn failures(values: &MetricRow, violations: &[String], expectations: &[Expectation]) -> Vec<Failure> {
    let oracles = violations.iter().map(|violation| Failure::Oracle {
        oracle: oracle_of(violation).to_string(),
        detail: violation.clone(),
    });
    let bounds = expectations.iter().filter_map(|expectation| {
        expectation
            .check(values.get(expectation.metric))
            .err()
            .map(|failure| Failure::Expect {
                metric: failure.metric,
                wanted: failure.wanted,
                actual: failure.actual,
                side: Side::of(&expectation.bound, failure.actual),
            })
    });
    oracles.chain(bounds).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Bound;

    #[test]
    fn oracles_come_first_and_name_themselves() {
        let values = MetricRow::from_fn(|_| MetricValue::Number(3.0));
        let expectations = [Expectation {
            metric: MetricId::LogoutBypasses,
            bound: Bound::Equal(0.0),
            line: 7,
        }];
        let violations = ["wipe: device 3 (account 1) was terminated at 10 s and did not wipe its data".to_string()];
        let found = failures(&values, &violations, &expectations);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].by(), "wipe");
        assert_eq!(found[1].by(), "expect: logout_bypasses = 0");
        assert_eq!(found[1].to_string(), "expected logout_bypasses = 0, got 3");
        let other_value = Failure::Expect {
            metric: MetricId::LogoutBypasses,
            wanted: "= 0".into(),
            actual: MetricValue::Number(9.0),
            side: Side::Above,
        };
        assert!(found[1].same_way(&other_value));
        let from_below = Failure::Expect {
            metric: MetricId::LogoutBypasses,
            wanted: "= 0".into(),
            actual: MetricValue::Number(-1.0),
            side: Side::Below,
        };
        assert!(!found[1].same_way(&from_below), "the other side of the bound");
        assert!(!found[0].same_way(&other_value));
        let other_wipe = Failure::Oracle {
            oracle: "wipe".into(),
            detail: "wipe: device 9".into(),
        };
        assert!(found[0].same_way(&other_wipe));
    }
}
