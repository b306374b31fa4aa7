//! The shrinker's budget: a number of candidate runs (`200runs`, the
//! default: deterministic, the same steps on every machine) or a wall time
//! (`5m`: the search stops at the first step boundary past it, and the
//! report says how far it got, since where it stops depends on the machine).

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant as WallClock};

use crate::scenario::parse_duration;

/// Candidate runs the default budget allows.
pub const DEFAULT_RUNS: u64 = 200;

/// How much searching `shrink` may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// At most this many candidate runs.
    Runs(u64),
    /// Until this much wall time has passed.
    WallTime(Duration),
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::Runs(DEFAULT_RUNS)
    }
}

impl FromStr for Budget {
    type Err = String;

    fn from_str(text: &str) -> Result<Budget, String> {
        let text = text.trim();
        if let Some(count) = text.strip_suffix("runs") {
            return match count.trim().parse::<u64>() {
                Ok(runs) if runs > 0 => Ok(Budget::Runs(runs)),
                _ => Err(format!(
                    "`{text}`: a run budget is a positive whole number, e.g. 200runs"
                )),
            };
        }
        match parse_duration(text) {
            Ok(duration) if !duration.is_zero() => Ok(Budget::WallTime(duration)),
            _ => Err(format!(
                "`{text}`: expected a number of runs (200runs) or a wall time with a unit (5m, 90s)"
            )),
        }
    }
}

impl fmt::Display for Budget {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Budget::Runs(runs) => write!(formatter, "{runs}runs"),
            Budget::WallTime(duration) => write!(formatter, "{}s of wall time", duration.as_secs_f64()),
        }
    }
}

/// A budget being spent.
#[derive(Debug)]
pub struct Spending {
    budget: Budget,
    started: WallClock,
    runs: u64,
}

impl Spending {
    pub fn new(budget: Budget) -> Spending {
        Spending {
            budget,
            started: WallClock::now(),
            runs: 0,
        }
    }

    /// Whether another candidate may run.
    pub fn allows_another(&self) -> bool {
        match self.budget {
            Budget::Runs(runs) => self.runs < runs,
            Budget::WallTime(limit) => self.started.elapsed() < limit,
        }
    }

    /// Count one candidate run.
    pub fn spend(&mut self) {
        self.runs += 1;
    }

    /// Candidate runs so far.
    pub fn runs(&self) -> u64 {
        self.runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_parse_as_runs_or_wall_time() {
        assert_eq!("200runs".parse(), Ok(Budget::Runs(200)));
        assert_eq!("5m".parse(), Ok(Budget::WallTime(Duration::from_secs(300))));
        assert!("0runs".parse::<Budget>().is_err());
        assert!("five".parse::<Budget>().is_err());
        assert!("0s".parse::<Budget>().is_err());
        assert_eq!(Budget::default().to_string(), "200runs");
    }

    #[test]
    fn a_run_budget_counts_runs() {
        let mut spending = Spending::new(Budget::Runs(2));
        assert!(spending.allows_another());
        spending.spend();
        spending.spend();
        assert!(!spending.allows_another());
        assert_eq!(spending.runs(), 2);
    }
}
