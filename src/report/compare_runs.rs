//! A `runs.csv` read back as a table, for `sessionlab compare`: the seed of
//! each row, its metric values, and its per-seed draws (`param.` columns).
//!
//! Unlike a shard's files (`shard_files`), the table is not checked
//! against a scenario: any `runs.csv` `run` or `run --shard` wrote reads,
//! whatever its scenario, and so does a hand-made one with the same shape:
//!
//! - the first column is `seed`, each cell a seed (a `u64` in decimal),
//!   each seed at most once;
//! - a column whose name starts with `param.` holds a per-seed draw: kept
//!   as text, never compared as a metric;
//! - every other column is a metric. A metric of this sessionlab
//!   ([`METRICS`]) takes its unit and kind from the table; another column
//!   has no unit. A cell is `true` or `false` (counted as 1 and 0) for a
//!   bool metric, a number for a number metric, either for another column;
//!   an empty cell, or a number that is not finite (`NaN`, `inf`), is a
//!   missing value (`run` writes an empty cell for a value that is not
//!   finite).
//!
//! Anything else is an error value naming the file and line, never a panic.

use std::collections::BTreeMap;
use std::io::Read;

use crate::scenario::{MetricKind, METRICS};

/// The prefix of the columns holding per-seed draws.
pub const PARAM_PREFIX: &str = "param.";
/// The first column of every `runs.csv`.
pub const SEED_COLUMN: &str = "seed";
/// The longest cell a message quotes, in characters.
const QUOTED_CHARACTERS: usize = 40;

/// Why a `runs.csv` cannot be read: the file as messages name it, and the
/// problem (starting with `line N: ` when one line is at fault).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct RunsTableError {
    pub file: String,
    pub problem: String,
}

/// A metric column: its name, unit (empty when it is not one of this
/// sessionlab's metrics) and kind (`None` for such a column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricColumn {
    pub name: String,
    pub unit: String,
    pub kind: Option<MetricKind>,
}

/// One seed's row: its line in the file, a value per metric column
/// (`None` when missing) and a cell per `param.` column.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedRow {
    pub line: u64,
    pub values: Vec<Option<f64>>,
    pub params: Vec<String>,
}

/// A `runs.csv` read back.
#[derive(Clone, Debug, PartialEq)]
pub struct RunsTable {
    /// The file as messages name it.
    pub file: String,
    /// The metric columns, in file order.
    pub metrics: Vec<MetricColumn>,
    /// The `param.` columns, in file order.
    pub params: Vec<String>,
    /// Every row, by seed.
    pub rows: BTreeMap<u64, SeedRow>,
}

/// What a column of the header is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColumnRole {
    Seed,
    Param,
    Metric(usize),
}

/// `cell` quoted for a message, cut to [`QUOTED_CHARACTERS`].
fn quoted(cell: &str) -> String {
    if cell.chars().count() <= QUOTED_CHARACTERS {
        return format!("{cell:?}");
    }
    let cut: String = cell.chars().take(QUOTED_CHARACTERS).collect();
    format!("{cut:?}…")
}

/// The value of a metric cell, `Ok(None)` when it is missing, `Err` with
/// what the cell should be when it is malformed.
fn parse_cell(kind: Option<MetricKind>, cell: &str) -> Result<Option<f64>, &'static str> {
    if cell.is_empty() {
        return Ok(None);
    }
    let flag = match cell {
        "true" => Some(1.0),
        "false" => Some(0.0),
        _ => None,
    };
    match (kind, flag) {
        (Some(MetricKind::Bool) | None, Some(value)) => Ok(Some(value)),
        (Some(MetricKind::Bool), None) => Err("true or false"),
        (Some(MetricKind::Number), Some(_)) => Err("a number"),
        (Some(MetricKind::Number) | None, None) => match cell.parse::<f64>() {
            Ok(number) => Ok(Some(number).filter(|number| number.is_finite())),
            Err(_) if kind.is_none() => Err("a number, true or false"),
            Err(_) => Err("a number"),
        },
    }
}

/// The roles of the header's columns, and the table they start.
fn read_header(file: &str, header: &csv::StringRecord) -> Result<(Vec<ColumnRole>, RunsTable), RunsTableError> {
    let problem = |problem: String| RunsTableError {
        file: file.to_string(),
        problem,
    };
    match header.get(0) {
        Some(SEED_COLUMN) => {}
        first => {
            return Err(problem(format!(
                "line 1: the first column is {}, not `seed`: not a runs.csv as `sessionlab run` writes it",
                quoted(first.unwrap_or_default())
            )))
        }
    }
    let mut table = RunsTable {
        file: file.to_string(),
        metrics: Vec::new(),
        params: Vec::new(),
        rows: BTreeMap::new(),
    };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut roles = Vec::with_capacity(header.len());
    for (index, name) in header.iter().enumerate() {
        if name.is_empty() {
            return Err(problem(format!("line 1: column {} has no name", index + 1)));
        }
        if let Some(first) = seen.insert(name, index) {
            return Err(problem(format!(
                "line 1: column {} is named {} again (as column {})",
                index + 1,
                quoted(name),
                first + 1
            )));
        }
        let role = if index == 0 {
            ColumnRole::Seed
        } else if name.starts_with(PARAM_PREFIX) {
            table.params.push(name.to_string());
            ColumnRole::Param
        } else {
            let known = METRICS.iter().find(|metric| metric.name == name);
            table.metrics.push(MetricColumn {
                name: name.to_string(),
                unit: known.map_or("", |metric| metric.unit).to_string(),
                kind: known.map(|metric| metric.kind),
            });
            ColumnRole::Metric(table.metrics.len() - 1)
        };
        roles.push(role);
    }
    Ok((roles, table))
}

/// What a record of the CSV reader's error is, in words.
fn csv_problem(error: &csv::Error) -> String {
    let line = |position: &Option<csv::Position>| position.as_ref().map_or(0, csv::Position::line);
    match error.kind() {
        csv::ErrorKind::Io(source) => format!("cannot read it: {source}"),
        csv::ErrorKind::Utf8 { pos, .. } => format!("line {}: not UTF-8", line(pos)),
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => format!(
            "line {}: {len} cells, but the header has {expected_len} columns",
            line(pos)
        ),
        _ => error.to_string(),
    }
}

/// Reads a `runs.csv` from `reader`; `file` names it in messages.
pub fn read_runs(reader: impl Read, file: &str) -> Result<RunsTable, RunsTableError> {
    let problem = |problem: String| RunsTableError {
        file: file.to_string(),
        problem,
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(reader);
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(problem("empty: no header".into())),
        Some(record) => record.map_err(|error| problem(csv_problem(&error)))?,
    };
    let (roles, mut table) = read_header(file, &header)?;
    for record in records {
        let record = record.map_err(|error| problem(csv_problem(&error)))?;
        let line = record.position().map_or(0, csv::Position::line);
        let mut row = SeedRow {
            line,
            values: vec![None; table.metrics.len()],
            params: Vec::with_capacity(table.params.len()),
        };
        let mut seed = None;
        for (cell, role) in record.iter().zip(&roles) {
            match *role {
                ColumnRole::Seed => {
                    let parsed = cell.parse::<u64>().ok().filter(|seed| seed.to_string() == cell);
                    seed = Some(parsed.ok_or_else(|| {
                        problem(format!("line {line}: seed {} is not a seed (0, 1, 2, …)", quoted(cell)))
                    })?);
                }
                ColumnRole::Param => row.params.push(cell.to_string()),
                ColumnRole::Metric(index) => {
                    let column = &table.metrics[index];
                    row.values[index] = parse_cell(column.kind, cell).map_err(|expected| {
                        problem(format!(
                            "line {line}: {} is {}, not {expected}",
                            column.name,
                            quoted(cell)
                        ))
                    })?;
                }
            }
        }
        // The reader refuses records of another length than the header's.
        let Some(seed) = seed else {
            return Err(problem(format!("line {line}: no seed")));
        };
        if let Some(first) = table.rows.get(&seed) {
            return Err(problem(format!(
                "line {line}: seed {seed} again (first on line {}): one row per seed",
                first.line
            )));
        }
        table.rows.insert(seed, row);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<RunsTable, String> {
        read_runs(text.as_bytes(), "a/runs.csv").map_err(|error| error.to_string())
    }

    #[test]
    fn a_table_reads_seeds_metrics_and_draws() {
        let table = read(
            "seed,param.network.loss,logout_bypasses,sync_converged,extra\n\
             3,0.25,2,true,false\n\
             1,0.5,,false,1.5\n",
        )
        .expect("reads");
        assert_eq!(table.params, ["param.network.loss"]);
        let names: Vec<&str> = table.metrics.iter().map(|column| column.name.as_str()).collect();
        assert_eq!(names, ["logout_bypasses", "sync_converged", "extra"]);
        assert_eq!(table.metrics[0].unit, "count");
        assert_eq!(table.metrics[1].kind, Some(MetricKind::Bool));
        assert_eq!((table.metrics[2].unit.as_str(), table.metrics[2].kind), ("", None));
        assert_eq!(table.rows.keys().copied().collect::<Vec<_>>(), [1, 3]);
        let three = &table.rows[&3];
        assert_eq!((three.line, three.params.as_slice()), (2, &["0.25".to_string()][..]));
        assert_eq!(three.values, [Some(2.0), Some(1.0), Some(0.0)]);
        assert_eq!(table.rows[&1].values, [None, Some(0.0), Some(1.5)]);
    }

    #[test]
    fn values_that_are_not_finite_are_missing() {
        let table = read("seed,resends\n0,NaN\n1,inf\n2,1e400\n3,-0.5\n").expect("reads");
        let values: Vec<Option<f64>> = table.rows.values().map(|row| row.values[0]).collect();
        assert_eq!(values, [None, None, None, Some(-0.5)]);
    }

    #[test]
    fn a_header_only_table_has_no_rows() {
        let table = read("seed,resends\n").expect("reads");
        assert!(table.rows.is_empty());
    }

    #[test]
    fn malformed_files_are_errors_naming_the_line() {
        let cases = [
            ("", "a/runs.csv: empty: no header"),
            (
                "metric,resends\n",
                "a/runs.csv: line 1: the first column is \"metric\", not `seed`: not a runs.csv as `sessionlab run` writes it",
            ),
            ("seed,resends,resends\n", "a/runs.csv: line 1: column 3 is named \"resends\" again (as column 2)"),
            ("seed,,resends\n", "a/runs.csv: line 1: column 2 has no name"),
            ("seed,resends\n0,1\n-1,2\n", "a/runs.csv: line 3: seed \"-1\" is not a seed (0, 1, 2, …)"),
            ("seed,resends\n007,1\n", "a/runs.csv: line 2: seed \"007\" is not a seed (0, 1, 2, …)"),
            ("seed,resends\n0,1\n0,2\n", "a/runs.csv: line 3: seed 0 again (first on line 2): one row per seed"),
            ("seed,resends\n0,many\n", "a/runs.csv: line 2: resends is \"many\", not a number"),
            ("seed,resends\n0,true\n", "a/runs.csv: line 2: resends is \"true\", not a number"),
            ("seed,sync_converged\n0,1\n", "a/runs.csv: line 2: sync_converged is \"1\", not true or false"),
            ("seed,other\n0,yes\n", "a/runs.csv: line 2: other is \"yes\", not a number, true or false"),
            ("seed,resends\n0,1,2\n", "a/runs.csv: line 2: 3 cells, but the header has 2 columns"),
        ];
        for (text, expected) in cases {
            assert_eq!(read(text).err().as_deref(), Some(expected), "{text:?}");
        }
        let long = format!("seed,resends\n0,{}\n", "9x".repeat(50));
        let message = read(&long).err().unwrap_or_default();
        assert!(
            message.ends_with(&format!("{:?}…, not a number", "9x".repeat(20))),
            "{message}"
        );
        let bytes: &[u8] = b"seed,resends\n0,\xff\n";
        let message = read_runs(bytes, "b").err().map(|error| error.to_string());
        assert_eq!(message.as_deref(), Some("b: line 2: not UTF-8"));
    }
}
