//! `sweep.json`, the manifest of one shard of a sweep (`sessionlab sweep
//! --shard I/N`): which scenario, the swept settings as `--set` gave them,
//! the metrics asked for, and how many variants the grid has. Each variant
//! `k` is a run shard of its own in the subdirectory [`variant_dir`]`(k)`,
//! with its own `shard.json` (version, variant file hash, seeds, shard),
//! so `merge` checks each variant's shards exactly as it checks a run's.
//!
//! ```json
//! {
//!   "format": "sessionlab-sweep-shard/1",
//!   "sessionlab_version": "0.1.0",
//!   "scenario": "healthy-baseline",
//!   "settings": ["network.loss=0,0.1"],
//!   "metrics": [],
//!   "variants": 2
//! }
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::shard_manifest::{read_bounded_text, ManifestError};
use crate::scenario::variant::{SweepSetting, MAX_VARIANTS};
use crate::scenario::MetricId;

/// The manifest's file name inside a sweep shard's directory.
pub const SWEEP_MANIFEST_FILE: &str = "sweep.json";
/// The value of `format` this version writes and reads.
pub const SWEEP_MANIFEST_FORMAT: &str = "sessionlab-sweep-shard/1";

/// The subdirectory of a sweep shard holding variant `index`'s run shard.
pub fn variant_dir(index: usize) -> String {
    format!("variant-{index:04}")
}

/// The manifest as it is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepManifestFile {
    format: String,
    sessionlab_version: String,
    scenario: String,
    settings: Vec<String>,
    metrics: Vec<String>,
    variants: usize,
}

/// A sweep shard's manifest, read and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepManifest {
    /// The version of sessionlab that ran the shard.
    pub version: String,
    /// `scenario.name` of the swept file.
    pub scenario: String,
    /// The swept settings, in `--set` order.
    pub settings: Vec<SweepSetting>,
    /// The metrics `--metric` asked for (none: the default choice).
    pub metrics: Vec<MetricId>,
    /// The grid's size: variant directories `0..variants`.
    pub variants: usize,
}

impl SweepManifest {
    /// The manifest as `sweep.json` holds it, with a final newline.
    pub fn to_json(&self) -> String {
        let file = SweepManifestFile {
            format: SWEEP_MANIFEST_FORMAT.to_string(),
            sessionlab_version: self.version.clone(),
            scenario: self.scenario.clone(),
            settings: self.settings.iter().map(SweepSetting::to_string).collect(),
            metrics: self.metrics.iter().map(|metric| metric.name().to_string()).collect(),
            variants: self.variants,
        };
        // A struct of strings and a number always serializes.
        let mut json = serde_json::to_string_pretty(&file).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The manifest `json` holds, or what is wrong with it.
    pub fn from_json(json: &str) -> Result<SweepManifest, String> {
        let file: SweepManifestFile = serde_json::from_str(json).map_err(|error| error.to_string())?;
        if file.format != SWEEP_MANIFEST_FORMAT {
            return Err(format!("format {:?} is not {SWEEP_MANIFEST_FORMAT:?}", file.format));
        }
        if file.scenario.is_empty() {
            return Err("no scenario name".to_string());
        }
        if file.settings.is_empty() {
            return Err("no swept setting".to_string());
        }
        if file.variants == 0 || file.variants > MAX_VARIANTS {
            return Err(format!("variants {} is not in 1..={MAX_VARIANTS}", file.variants));
        }
        let settings = file
            .settings
            .iter()
            .map(|text| text.parse().map_err(|error| format!("setting {text:?}: {error}")))
            .collect::<Result<Vec<SweepSetting>, String>>()?;
        let metrics = file
            .metrics
            .iter()
            .map(|name| MetricId::from_name(name).ok_or_else(|| format!("metric {name:?} does not exist")))
            .collect::<Result<Vec<MetricId>, String>>()?;
        Ok(SweepManifest {
            version: file.sessionlab_version,
            scenario: file.scenario,
            settings,
            metrics,
            variants: file.variants,
        })
    }

    /// Reads `dir`'s [`SWEEP_MANIFEST_FILE`].
    pub fn read(dir: &Path) -> Result<SweepManifest, ManifestError> {
        let path = dir.join(SWEEP_MANIFEST_FILE);
        let json = read_bounded_text(&path)?;
        SweepManifest::from_json(&json).map_err(|problem| ManifestError::Damaged { path, problem })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> SweepManifest {
        SweepManifest {
            version: "0.1.0".into(),
            scenario: "healthy-baseline".into(),
            settings: vec![
                "network.loss=0,0.1".parse().expect("a setting"),
                "policy.revocation=sync,lazy:10m".parse().expect("a setting"),
            ],
            metrics: vec![MetricId::SyncBytesUp],
            variants: 4,
        }
    }

    #[test]
    fn a_sweep_manifest_reads_back_and_names_what_is_wrong_with_a_damaged_one() {
        let json = manifest().to_json();
        assert!(json.contains("\"network.loss=0,0.1\""), "{json}");
        assert!(json.contains("\"policy.revocation=sync,lazy:10m\""), "{json}");
        assert!(json.contains("\"sync_bytes_up\""), "{json}");
        assert_eq!(SweepManifest::from_json(&json), Ok(manifest()));
        let damaged = |from: &str, to: &str| SweepManifest::from_json(&json.replace(from, to)).unwrap_err();
        assert_eq!(
            damaged(SWEEP_MANIFEST_FORMAT, "sessionlab-shard/1"),
            "format \"sessionlab-shard/1\" is not \"sessionlab-sweep-shard/1\""
        );
        assert_eq!(
            damaged("\"variants\": 4", "\"variants\": 0"),
            "variants 0 is not in 1..=1024"
        );
        assert_eq!(
            damaged("sync_bytes_up", "sync_bytes_sideways"),
            "metric \"sync_bytes_sideways\" does not exist"
        );
        assert!(damaged("network.loss=0,0.1", "network.loss").starts_with("setting \"network.loss\": "));
        assert!(damaged("\"healthy-baseline\"", "\"\"").contains("no scenario name"));
        assert!(damaged("\"format\"", "\"colour\"").contains("unknown field"));
    }

    #[test]
    fn variant_directories_sort_in_grid_order() {
        assert_eq!(variant_dir(0), "variant-0000");
        assert_eq!(variant_dir(MAX_VARIANTS - 1), "variant-1023");
        assert!(variant_dir(9) < variant_dir(10));
    }
}
