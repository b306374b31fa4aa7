//! Outputs of a batch of runs: one metric row per seed, the aggregate over
//! seeds, and the files a researcher reads — `runs.csv`, `attackers.csv`
//! (one row per seed, attacker and target account), `summary.csv`,
//! `summary.md`, `report.html`; and a sweep's `sweep.csv`, `sweep.md` and
//! `sweep.html` (`sweep_files`).
//!
//! A shard of a run (`run --shard I/N`) writes its per-seed rows and a
//! manifest instead (`shard_files`, `shard_manifest`); `merge` reads them
//! back into rows and writes the same files through the same renderers.
//! A shard of a sweep writes one run shard per variant and `sweep.json`
//! (`sweep_manifest`).
//!
//! Every renderer is a pure function of the rows (sorted by seed) and the
//! scenario's name and description: no wall-clock figure, no hash-map
//! order, floats in one fixed format. The same inputs give byte-identical
//! files on any machine, whatever `--jobs` was.
//!
//! `sessionlab compare` reads two runs' `runs.csv` back (`compare_runs`),
//! pairs their rows by seed and compares each metric (`compare`), and
//! writes `compare.csv` and `compare.md` (`compare_text`).

pub mod aggregate;
pub mod attack_charts;
pub mod attacker_row;
pub mod chart_axis;
pub mod compare;
pub mod compare_runs;
pub mod compare_text;
pub mod failure;
pub mod files;
pub mod html;
pub mod interval;
pub mod layout_check;
pub mod shard_files;
pub mod shard_manifest;
pub mod step_chart;
pub mod strip_chart;
pub mod sweep_chart;
pub mod sweep_files;
pub mod sweep_manifest;
pub mod text;

pub use aggregate::{aggregate, MetricSummary, Row};
pub use attacker_row::AttackerRow;
pub use compare::{compare_tables, BootstrapSettings, CompareError, Comparison, MetricComparison};
pub use compare_runs::{read_runs, RunsTable, RunsTableError};
pub use compare_text::{compare_csv, compare_markdown, BoundOutcome, Sides};
pub use failure::{failures, Failure, Side};
pub use files::{check_expectations, write_reports, Batch, ExpectationOutcome, ReportError, ReportPaths};
pub use shard_files::{read_scenario_copy, read_shard_rows, write_shard, ShardFileError};
pub use shard_manifest::{sha256_hex, ManifestError, ShardManifest, MANIFEST_FILE};
pub use sweep_files::{write_sweep, Sweep, VariantRows, SWEEP_FILES};
pub use sweep_manifest::{variant_dir, SweepManifest, SWEEP_MANIFEST_FILE};
