//! [`AttackerRow`]: one row of `attackers.csv` as the report layer holds it
//! — what one attacker got against one target account, with owned text —
//! so that the same row comes from a live run ([`From<&AttackerOutcome>`])
//! and from a shard's `attackers.csv` ([`AttackerRow::from_cells`]), and
//! one writer renders both.

use std::time::Duration;

use crate::world::AttackerOutcome;

use super::text::format_number;

/// The columns of `attackers.csv`, in order.
pub const ATTACKERS_CSV_HEADER: [&str; 12] = [
    "seed",
    "attacker",
    "account",
    "acquisition",
    "acquired_at_ms",
    "first_accepted_ms",
    "last_accepted_ms",
    "evicted_at_ms",
    "evicted_by",
    "updates_exfiltrated",
    "footholds_minted",
    "footholds_surviving",
];

/// One (attacker, target account) of one seed; `AttackerOutcome`'s fields
/// (scenarios/README.md § Outputs says what each means).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttackerRow {
    pub attacker: String,
    /// The target account's user id.
    pub account: u64,
    pub acquisition: String,
    pub acquired_at: Option<Duration>,
    pub first_accepted_at: Option<Duration>,
    pub last_accepted_at: Option<Duration>,
    pub evicted_at: Option<Duration>,
    pub evicted_by: Option<String>,
    pub updates_exfiltrated: u64,
    pub footholds_minted: u64,
    pub footholds_surviving: u64,
}

impl From<&AttackerOutcome> for AttackerRow {
    fn from(outcome: &AttackerOutcome) -> AttackerRow {
        AttackerRow {
            attacker: outcome.attacker.clone(),
            account: outcome.account.0,
            acquisition: outcome.acquisition.to_string(),
            acquired_at: outcome.acquired_at,
            first_accepted_at: outcome.first_accepted_at,
            last_accepted_at: outcome.last_accepted_at,
            evicted_at: outcome.evicted_at,
            evicted_by: outcome.evicted_by.map(str::to_string),
            updates_exfiltrated: outcome.updates_exfiltrated,
            footholds_minted: outcome.footholds_minted,
            footholds_surviving: outcome.footholds_surviving,
        }
    }
}

/// A time from the run's start in milliseconds (µs precision); empty for none.
fn milliseconds(time: Option<Duration>) -> String {
    time.map_or_else(String::new, |time| format_number(time.as_micros() as f64 / 1000.0))
}

/// A cell written by [`milliseconds`], back to the time.
fn parse_milliseconds(cell: &str) -> Option<Option<Duration>> {
    if cell.is_empty() {
        return Some(None);
    }
    let millis: f64 = cell.parse().ok()?;
    let micros = (millis * 1000.0).round();
    (micros.is_finite() && micros >= 0.0 && micros < u64::MAX as f64)
        .then(|| Some(Duration::from_micros(micros as u64)))
}

impl AttackerRow {
    /// The row's cells after `seed`, in [`ATTACKERS_CSV_HEADER`] order.
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.attacker.clone(),
            self.account.to_string(),
            self.acquisition.clone(),
            milliseconds(self.acquired_at),
            milliseconds(self.first_accepted_at),
            milliseconds(self.last_accepted_at),
            milliseconds(self.evicted_at),
            self.evicted_by.clone().unwrap_or_default(),
            self.updates_exfiltrated.to_string(),
            self.footholds_minted.to_string(),
            self.footholds_surviving.to_string(),
        ]
    }

    /// The row [`AttackerRow::cells`] wrote as `cells`, or `None` when they
    /// are not cells it writes (a wrong count, a number that is not one,
    /// a cell it would write differently).
    pub fn from_cells(cells: &[&str]) -> Option<AttackerRow> {
        let [attacker, account, acquisition, acquired, first, last, evicted, evicted_by, updates, minted, surviving] =
            cells
        else {
            return None;
        };
        let row = AttackerRow {
            attacker: attacker.to_string(),
            account: account.parse().ok()?,
            acquisition: acquisition.to_string(),
            acquired_at: parse_milliseconds(acquired)?,
            first_accepted_at: parse_milliseconds(first)?,
            last_accepted_at: parse_milliseconds(last)?,
            evicted_at: parse_milliseconds(evicted)?,
            evicted_by: (!evicted_by.is_empty()).then(|| evicted_by.to_string()),
            updates_exfiltrated: updates.parse().ok()?,
            footholds_minted: minted.parse().ok()?,
            footholds_surviving: surviving.parse().ok()?,
        };
        // Only a row written exactly as this writer writes it merges into
        // byte-identical files.
        (row.cells() == cells).then_some(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_into_the_same_row_and_odd_cells_are_refused() {
        let row = AttackerRow {
            attacker: "thief".into(),
            account: 1000,
            acquisition: "session_file".into(),
            acquired_at: Some(Duration::from_secs(3600)),
            first_accepted_at: Some(Duration::from_micros(3_600_040_251)),
            last_accepted_at: None,
            evicted_at: None,
            evicted_by: Some("log_out".into()),
            updates_exfiltrated: 12,
            footholds_minted: 1,
            footholds_surviving: 0,
        };
        let cells = row.cells();
        let borrowed: Vec<&str> = cells.iter().map(String::as_str).collect();
        assert_eq!(AttackerRow::from_cells(&borrowed), Some(row));
        let mut odd = borrowed.clone();
        odd[3] = "3600000.0";
        assert_eq!(AttackerRow::from_cells(&odd), None, "not as the writer writes it");
        odd[3] = "-5";
        assert_eq!(AttackerRow::from_cells(&odd), None);
        assert_eq!(AttackerRow::from_cells(&borrowed[1..]), None, "a cell short");
        let mut not_a_number = borrowed;
        not_a_number[1] = "x";
        assert_eq!(AttackerRow::from_cells(&not_a_number), None);
    }
}
