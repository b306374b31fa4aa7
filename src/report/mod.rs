//! Outputs of a batch of runs: one metric row per seed, the aggregate over
//! seeds, and the files a researcher reads — `runs.csv`, `attackers.csv`
//! (one row per seed, attacker and target account), `summary.csv`,
//! `summary.md`, `report.html`.
//!
//! Every renderer is a pure function of the rows (sorted by seed) and the
//! scenario's name and description: no wall-clock figure, no hash-map
//! order, floats in one fixed format. The same inputs give byte-identical
//! files on any machine, whatever `--jobs` was.

pub mod aggregate;
pub mod files;
pub mod html;
pub mod text;

pub use aggregate::{aggregate, MetricSummary, Row};
pub use files::{check_expectations, write_reports, ExpectationOutcome, ReportError, ReportPaths};
