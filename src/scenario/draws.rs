//! One seed's per-seed draws as report columns: [`Draws`], the settings a
//! scenario varies per seed (a `[swarm]` entry, or a `{ min, max }` range or
//! a list of choices in place of a value) with the value this seed drew.
//!
//! `runs.csv` writes each draw as a column `param.<dotted path>` (the path
//! `[swarm]` uses), with `_ms` appended for durations, whose value is then a
//! plain number of milliseconds. Counts, probabilities and booleans are
//! written as they are; a revocation policy in the file's own form
//! (`"sync"`, `"async:2s"`, `"lazy:10m"`). Columns come in the order the
//! format reads the settings (the order of the tables of
//! `scenarios/README.md`, `[[fault]]`s and `[[attacker]]`s by index), which
//! is the same for every seed of a scenario: which settings vary is a
//! property of the file, not of the seed.

use std::time::Duration;

use super::duration::format_duration;
use super::model::{DuplicateKey, Revocation};

/// A drawn value, in the form a report writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawnValue {
    /// A whole number (a count, a limit).
    Count(u64),
    /// A number such as a probability.
    Number(f64),
    /// A duration: written as milliseconds, in a column ending in `_ms`.
    Duration(Duration),
    /// true or false.
    Flag(bool),
    /// A revocation policy, written as in the file.
    Revocation(Revocation),
    /// An `AUTH_KEY_DUPLICATED` policy, written as in the file.
    DuplicateKey(DuplicateKey),
}

impl DrawnValue {
    /// What the column name adds after the dotted path: the unit, if the
    /// value is written as a plain number of one.
    pub fn unit_suffix(&self) -> &'static str {
        match self {
            DrawnValue::Duration(_) => "_ms",
            _ => "",
        }
    }

    /// The value as a plain number where it is one (durations in
    /// milliseconds, up to µs precision); `None` for booleans and
    /// revocation policies, which are written as [`DrawnValue::text`].
    pub fn number(&self) -> Option<f64> {
        match self {
            DrawnValue::Count(count) => Some(*count as f64),
            DrawnValue::Number(number) => Some(*number),
            DrawnValue::Duration(duration) => Some(duration.as_micros() as f64 / 1000.0),
            DrawnValue::Flag(_) | DrawnValue::Revocation(_) | DrawnValue::DuplicateKey(_) => None,
        }
    }

    /// The value as text: `true`/`false`, a revocation policy as in the
    /// file, a number in Rust's shortest form (reports format numbers
    /// with their one number format instead).
    pub fn text(&self) -> String {
        match self {
            DrawnValue::Flag(flag) => flag.to_string(),
            DrawnValue::Revocation(policy) => revocation_text(policy),
            DrawnValue::DuplicateKey(policy) => duplicate_key_text(policy),
            _ => self.number().map(|number| number.to_string()).unwrap_or_default(),
        }
    }
}

/// A revocation policy as a scenario file writes it.
pub fn revocation_text(policy: &Revocation) -> String {
    match policy {
        Revocation::Sync => "sync".to_string(),
        Revocation::Async { delay } => format!("async:{}", format_duration(*delay)),
        Revocation::Lazy { cache_ttl } => format!("lazy:{}", format_duration(*cache_ttl)),
    }
}

/// An `AUTH_KEY_DUPLICATED` policy as a scenario file writes it.
pub fn duplicate_key_text(policy: &DuplicateKey) -> String {
    match policy {
        DuplicateKey::Off => "off".to_string(),
        DuplicateKey::On { window } => format!("on:{}", format_duration(*window)),
    }
}

/// One setting drawn for one seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// The setting's dotted path, as `[swarm]` names it (`network.loss`).
    pub path: String,
    pub value: DrawnValue,
}

impl Draw {
    /// The `runs.csv` column: `param.<path>`, then the unit suffix.
    pub fn column(&self) -> String {
        format!("param.{}{}", self.path, self.value.unit_suffix())
    }
}

/// Every per-seed draw of one seed, in the order the format reads them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draws {
    draws: Vec<Draw>,
}

impl Draws {
    /// Records the draw of `path`.
    pub fn push(&mut self, path: &str, value: DrawnValue) {
        self.draws.push(Draw {
            path: path.to_string(),
            value,
        });
    }

    /// The draws, in column order.
    pub fn iter(&self) -> impl Iterator<Item = &Draw> + '_ {
        self.draws.iter()
    }

    /// The draw of `path`, if that setting varies per seed.
    pub fn get(&self, path: &str) -> Option<&DrawnValue> {
        self.draws.iter().find(|draw| draw.path == path).map(|draw| &draw.value)
    }

    pub fn is_empty(&self) -> bool {
        self.draws.is_empty()
    }

    pub fn len(&self) -> usize {
        self.draws.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_name_the_path_and_durations_their_unit() {
        let mut draws = Draws::default();
        draws.push("network.loss", DrawnValue::Number(0.125));
        draws.push("fault.0.at", DrawnValue::Duration(Duration::from_micros(90_061_500)));
        draws.push("population.accounts", DrawnValue::Count(7));
        draws.push("policy.notify_new_login", DrawnValue::Flag(false));
        draws.push(
            "policy.revocation",
            DrawnValue::Revocation(Revocation::Async {
                delay: Duration::from_secs(2),
            }),
        );
        let columns: Vec<(String, String)> = draws.iter().map(|draw| (draw.column(), draw.value.text())).collect();
        let expected = [
            ("param.network.loss", "0.125"),
            ("param.fault.0.at_ms", "90061.5"),
            ("param.population.accounts", "7"),
            ("param.policy.notify_new_login", "false"),
            ("param.policy.revocation", "async:2s"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(column, cell)| (column.to_string(), cell.to_string()))
            .collect();
        assert_eq!(columns, expected);
        assert_eq!(draws.get("population.accounts"), Some(&DrawnValue::Count(7)));
        assert_eq!(draws.get("network.duplicate"), None);
        assert_eq!(draws.len(), 5);
    }

    #[test]
    fn revocation_policies_read_as_in_the_file() {
        assert_eq!(revocation_text(&Revocation::Sync), "sync");
        let lazy = Revocation::Lazy {
            cache_ttl: Duration::from_secs(600),
        };
        assert_eq!(revocation_text(&lazy), "lazy:10m");
        assert_eq!(duplicate_key_text(&DuplicateKey::Off), "off");
        let on = DuplicateKey::On {
            window: Duration::from_secs(60),
        };
        assert_eq!(duplicate_key_text(&on), "on:1m");
    }
}
