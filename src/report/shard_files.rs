//! The files of one shard (`sessionlab run --shard I/N`): its per-seed rows
//! and what `merge` needs to judge and render them as one run would.
//!
//! In `DIR/<scenario name>/`:
//!
//! - `shard.json` — the manifest ([`ShardManifest`]);
//! - `scenario.toml` — the scenario file's text, whose SHA-256 the
//!   manifest holds (`merge` takes the description and `[expect]` from it);
//! - `runs.csv` — `run`'s columns for the shard's seeds, metric values in
//!   Rust's exact shortest form ([`Numbers::Exact`]) so that the merged
//!   summaries are those of the unrounded values;
//! - `attackers.csv` — exactly as `run` writes it, for the shard's seeds;
//! - `violations.csv` — `seed,violation`: each oracle violation, described.
//!
//! [`read_shard_rows`] reads them back into [`Row`]s and refuses anything
//! not written exactly so: a damaged file is an error value, never a panic
//! and never a silently different report.

use std::path::{Path, PathBuf};

use crate::scenario::{Draws, MetricKind, MetricRow, MetricValue, METRICS};

use super::aggregate::Row;
use super::attacker_row::{AttackerRow, ATTACKERS_CSV_HEADER};
use super::files::{create_dir, write, ReportError};
use super::shard_manifest::{ShardManifest, MANIFEST_FILE};
use super::text::{attackers_csv, csv_text, draw_cell, format_value, runs_csv_header, runs_csv_with, Numbers};

/// The copy of the scenario file in a shard's directory.
pub const SCENARIO_COPY: &str = "scenario.toml";
/// The header of `violations.csv`.
pub const VIOLATIONS_CSV_HEADER: [&str; 2] = ["seed", "violation"];

/// Why a shard's rows cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ShardFileError {
    #[error("{}: cannot read it: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: damaged: {problem}", path.display())]
    Damaged { path: PathBuf, problem: String },
}

/// Writes a shard's files (the module's list) into `dir`.
pub fn write_shard(dir: &Path, manifest: &ShardManifest, scenario_text: &str, rows: &[Row]) -> Result<(), ReportError> {
    create_dir(dir)?;
    let mut sorted = rows.to_vec();
    sorted.sort_by_key(|row| row.seed);
    let mut violations = vec![VIOLATIONS_CSV_HEADER.iter().map(|cell| cell.to_string()).collect()];
    for row in &sorted {
        violations.extend(
            row.violations
                .iter()
                .map(|text| vec![row.seed.to_string(), text.clone()]),
        );
    }
    // Reports of an earlier plain run into the same directory would pass
    // for this shard's; the merge writes them.
    for stale in ["summary.csv", "summary.md", "report.html"] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    write(dir.join(SCENARIO_COPY), scenario_text)?;
    write(dir.join("runs.csv"), &runs_csv_with(&sorted, Numbers::Exact))?;
    write(dir.join("attackers.csv"), &attackers_csv(&sorted))?;
    write(dir.join("violations.csv"), &csv_text(violations))?;
    // The manifest last: a directory with one holds a finished shard.
    write(dir.join(MANIFEST_FILE), &manifest.to_json())?;
    Ok(())
}

/// Reads the scenario text a shard recorded.
pub fn read_scenario_copy(dir: &Path) -> Result<String, ShardFileError> {
    let path = dir.join(SCENARIO_COPY);
    std::fs::read(&path)
        .map_err(|source| ShardFileError::Read {
            path: path.clone(),
            source,
        })
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| ShardFileError::Damaged {
                path,
                problem: "not UTF-8".into(),
            })
        })
}

/// One CSV file being read: its path, for errors.
struct CsvFile {
    path: PathBuf,
}

impl CsvFile {
    fn damaged(&self, problem: impl Into<String>) -> ShardFileError {
        ShardFileError::Damaged {
            path: self.path.clone(),
            problem: problem.into(),
        }
    }

    /// Every record after a header that must be `header`, with its line.
    fn records(&self, header: &[String]) -> Result<Vec<(u64, csv::StringRecord)>, ShardFileError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&self.path)
            .map_err(|error| match error.into_kind() {
                csv::ErrorKind::Io(source) => ShardFileError::Read {
                    path: self.path.clone(),
                    source,
                },
                other => self.damaged(format!("{other:?}")),
            })?;
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|error| self.damaged(error.to_string()))?;
            let line = record.position().map_or(0, csv::Position::line);
            records.push((line, record));
        }
        let (_, first) = records.first().ok_or_else(|| self.damaged("empty: no header"))?;
        if first.iter().ne(header.iter().map(String::as_str)) {
            return Err(self.damaged("line 1: not the columns this version of sessionlab writes for this scenario"));
        }
        records.remove(0);
        Ok(records)
    }

    /// The seed in `cell` on `line`, when it is one of `seeds` (sorted).
    fn seed_index(&self, line: u64, cell: Option<&str>, seeds: &[u64]) -> Result<usize, ShardFileError> {
        let cell = cell.unwrap_or_default();
        let seed: u64 = cell
            .parse()
            .ok()
            .filter(|seed: &u64| seed.to_string() == cell)
            .ok_or_else(|| self.damaged(format!("line {line}: {cell:?} is not a seed")))?;
        seeds
            .binary_search(&seed)
            .map_err(|_| self.damaged(format!("line {line}: seed {seed} is not one of this shard's seeds")))
    }
}

/// A metric's cell as [`Numbers::Exact`] writes it, back to the value.
fn parse_value(kind: MetricKind, cell: &str) -> Option<MetricValue> {
    let value = match kind {
        MetricKind::Bool => MetricValue::Bool(cell.parse().ok()?),
        MetricKind::Number => MetricValue::Number(cell.parse().ok()?),
    };
    (format_value(value, Numbers::Exact) == cell).then_some(value)
}

/// The metric values of one `runs.csv` record, whose draws are `params`.
fn parse_runs_record(
    file: &CsvFile,
    line: u64,
    record: &csv::StringRecord,
    params: &Draws,
) -> Result<MetricRow, ShardFileError> {
    for (draw, cell) in params.iter().zip(record.iter().skip(1)) {
        let drawn = draw_cell(&draw.value);
        if cell != drawn {
            return Err(file.damaged(format!(
                "line {line}: {} is {cell:?}, but the scenario draws {drawn:?} for this seed",
                draw.column()
            )));
        }
    }
    let mut cells = record.iter().take(1).chain(record.iter().skip(1 + params.len()));
    let mut values = Vec::with_capacity(METRICS.len());
    for metric in METRICS {
        let cell = cells.next().unwrap_or_default();
        let value = parse_value(metric.kind, cell).ok_or_else(|| {
            file.damaged(format!(
                "line {line}: {} {cell:?} is not a value as sessionlab writes it",
                metric.name
            ))
        })?;
        values.push(value);
    }
    Ok(MetricRow::from_fn(|id| values[id as usize]))
}

/// The rows of the shard in `dir`, whose seeds are `seeds` (sorted) and
/// whose scenario draws `draws(seed)` per seed.
pub fn read_shard_rows(dir: &Path, seeds: &[u64], draws: &dyn Fn(u64) -> Draws) -> Result<Vec<Row>, ShardFileError> {
    let header = |cells: &[&str]| cells.iter().map(|cell| cell.to_string()).collect::<Vec<_>>();
    let mut rows = Vec::with_capacity(seeds.len());
    let runs = CsvFile {
        path: dir.join("runs.csv"),
    };
    let params = seeds.first().map(|seed| draws(*seed)).unwrap_or_default();
    for (line, record) in runs.records(&runs_csv_header(&params))? {
        let index = runs.seed_index(line, record.get(0), seeds)?;
        if index != rows.len() {
            let expected = seeds
                .get(rows.len())
                .map_or_else(|| "no more rows".to_string(), |seed| format!("seed {seed}"));
            return Err(runs.damaged(format!(
                "line {line}: seed {} is out of place: expected {expected}",
                seeds[index]
            )));
        }
        let seed = seeds[index];
        let params = draws(seed);
        rows.push(Row {
            seed,
            values: parse_runs_record(&runs, line, &record, &params)?,
            params,
            attackers: Vec::new(),
            violations: Vec::new(),
        });
    }
    if let Some(missing) = seeds.get(rows.len()) {
        return Err(runs.damaged(format!("no row for seed {missing}")));
    }
    let attackers = CsvFile {
        path: dir.join("attackers.csv"),
    };
    let mut last = 0;
    for (line, record) in attackers.records(&header(&ATTACKERS_CSV_HEADER))? {
        let index = attackers.seed_index(line, record.get(0), seeds)?;
        if index < last {
            return Err(attackers.damaged(format!("line {line}: seed {} is out of order", seeds[index])));
        }
        last = index;
        let cells: Vec<&str> = record.iter().skip(1).collect();
        let row = AttackerRow::from_cells(&cells)
            .ok_or_else(|| attackers.damaged(format!("line {line}: not a row as sessionlab writes it")))?;
        rows[index].attackers.push(row);
    }
    let violations = CsvFile {
        path: dir.join("violations.csv"),
    };
    for (line, record) in violations.records(&header(&VIOLATIONS_CSV_HEADER))? {
        let index = violations.seed_index(line, record.get(0), seeds)?;
        rows[index]
            .violations
            .push(record.get(1).unwrap_or_default().to_string());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DrawnValue, MetricId, SeedRange, Shard};

    fn draws(seed: u64) -> Draws {
        let mut draws = Draws::default();
        draws.push("network.loss", DrawnValue::Number(seed as f64 / 7.0));
        draws
    }

    fn row(seed: u64) -> Row {
        Row {
            seed,
            values: MetricRow::from_fn(|id| match (id.spec().kind, id) {
                (MetricKind::Bool, _) => MetricValue::Bool(seed % 2 == 0),
                (_, MetricId::Seed) => MetricValue::Number(seed as f64),
                (_, MetricId::SyncOverheadRatio) => MetricValue::Number(1.0 / 3.0 + seed as f64),
                (_, MetricId::Resends) => MetricValue::Number(f64::INFINITY),
                _ => MetricValue::Number(0.1 + 0.2),
            }),
            params: draws(seed),
            attackers: Vec::new(),
            violations: vec![format!("seed {seed}: a \"quoted\",\nmultiline problem")],
        }
    }

    fn manifest() -> ShardManifest {
        ShardManifest {
            version: "0.1.0".into(),
            scenario: "t".into(),
            scenario_file: "t.toml".into(),
            scenario_sha256: super::super::shard_manifest::sha256_hex("text"),
            seeds: SeedRange::new(1, 7, 10).expect("range"),
            shard: Shard::new(0, 3).expect("shard"),
        }
    }

    #[test]
    fn a_shard_reads_back_into_its_exact_rows_and_a_changed_draw_is_damage() {
        let dir = std::env::temp_dir().join(format!("sessionlab-shard-files-{}", std::process::id()));
        let rows = vec![row(4), row(1)];
        write_shard(&dir, &manifest(), "text", &rows).expect("written");
        let read = read_shard_rows(&dir, &[1, 4], &draws).expect("read back");
        assert_eq!(read, vec![row(1), row(4)], "every value exactly, in seed order");
        assert_eq!(read_scenario_copy(&dir).expect("copy"), "text");
        let other = |seed: u64| {
            let mut draws = Draws::default();
            draws.push("network.loss", DrawnValue::Number(seed as f64));
            draws
        };
        let error = read_shard_rows(&dir, &[1, 4], &other).expect_err("another draw");
        assert_eq!(
            error.to_string(),
            format!(
                "{}: damaged: line 2: param.network.loss is \"0.142857\", but the scenario draws \"1\" for this seed",
                dir.join("runs.csv").display()
            )
        );
        let error = read_shard_rows(&dir, &[1, 4, 7], &draws).expect_err("a seed short");
        assert!(
            error.to_string().ends_with("runs.csv: damaged: no row for seed 7"),
            "{error}"
        );
        let error = read_shard_rows(&dir, &[1], &draws).expect_err("a seed too many");
        assert!(
            error
                .to_string()
                .ends_with("line 3: seed 4 is not one of this shard's seeds"),
            "{error}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
