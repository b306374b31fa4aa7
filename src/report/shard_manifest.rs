//! `shard.json`, the manifest of one shard's outputs: which scenario (its
//! name, the file as the command named it, the SHA-256 of its text), which
//! sessionlab version, the whole seed range and which shard of how many.
//! `sessionlab merge` reads it to tell whether parts belong together.
//!
//! ```json
//! {
//!   "format": "sessionlab-shard/1",
//!   "sessionlab_version": "0.1.0",
//!   "scenario": "smoke",
//!   "scenario_file": "scenarios/smoke.toml",
//!   "scenario_sha256": "9f2c…",
//!   "seeds": "0..5",
//!   "shard": "1/3"
//! }
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::scenario::{SeedRange, Shard};

/// The manifest's file name inside a shard's directory.
pub const MANIFEST_FILE: &str = "shard.json";
/// The value of `format` this version writes and reads.
pub const MANIFEST_FORMAT: &str = "sessionlab-shard/1";
/// Seeds a range in a manifest may hold at most: as many as one `run`
/// runs (`cli::MAX_SEEDS`, which a test keeps equal).
pub const MAX_MANIFEST_SEEDS: u64 = 1_000_000;
/// A manifest is a few hundred bytes; anything far larger is not one.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024;

/// The manifest as it is written: every value as text, in the command
/// line's own forms (`0..5`, `1/3`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    format: String,
    sessionlab_version: String,
    scenario: String,
    scenario_file: String,
    scenario_sha256: String,
    seeds: String,
    shard: String,
}

/// A shard's manifest, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardManifest {
    /// The version of sessionlab that ran the shard.
    pub version: String,
    /// `scenario.name`.
    pub scenario: String,
    /// The scenario file as the shard's command named it (messages only).
    pub scenario_file: String,
    /// SHA-256 of the scenario file's text, lower-case hex.
    pub scenario_sha256: String,
    /// The whole range the shards split, not this shard's part of it.
    pub seeds: SeedRange,
    pub shard: Shard,
}

/// Why a manifest cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{}: cannot read the shard manifest: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: damaged shard manifest: {problem}", path.display())]
    Damaged { path: PathBuf, problem: String },
}

/// SHA-256 of `text`, lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl ShardManifest {
    /// The manifest as `shard.json` holds it, with a final newline.
    pub fn to_json(&self) -> String {
        let file = ManifestFile {
            format: MANIFEST_FORMAT.to_string(),
            sessionlab_version: self.version.clone(),
            scenario: self.scenario.clone(),
            scenario_file: self.scenario_file.clone(),
            scenario_sha256: self.scenario_sha256.clone(),
            seeds: format!("{}..{}", self.seeds.start(), self.seeds.end()),
            shard: self.shard.to_string(),
        };
        // A struct of strings always serializes.
        let mut json = serde_json::to_string_pretty(&file).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The manifest `json` holds, or what is wrong with it.
    pub fn from_json(json: &str) -> Result<ShardManifest, String> {
        let file: ManifestFile = serde_json::from_str(json).map_err(|error| error.to_string())?;
        if file.format != MANIFEST_FORMAT {
            return Err(format!("format {:?} is not {MANIFEST_FORMAT:?}", file.format));
        }
        let seeds = SeedRange::parse(&file.seeds, MAX_MANIFEST_SEEDS)
            .map_err(|error| format!("seeds {:?}: {error}", file.seeds))?;
        let shard: Shard = file
            .shard
            .parse()
            .map_err(|error| format!("shard {:?}: {error}", file.shard))?;
        let is_hex = file.scenario_sha256.len() == 64
            && file
                .scenario_sha256
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        if !is_hex {
            return Err(format!(
                "scenario_sha256 {:?} is not a SHA-256 in hex",
                file.scenario_sha256
            ));
        }
        if file.scenario.is_empty() {
            return Err("no scenario name".to_string());
        }
        Ok(ShardManifest {
            version: file.sessionlab_version,
            scenario: file.scenario,
            scenario_file: file.scenario_file,
            scenario_sha256: file.scenario_sha256,
            seeds,
            shard,
        })
    }

    /// Reads `dir`'s [`MANIFEST_FILE`].
    pub fn read(dir: &Path) -> Result<ShardManifest, ManifestError> {
        let path = dir.join(MANIFEST_FILE);
        let json = read_bounded_text(&path)?;
        ShardManifest::from_json(&json).map_err(|problem| ManifestError::Damaged { path, problem })
    }
}

/// A manifest file's text: at most [`MAX_MANIFEST_BYTES`], UTF-8.
pub(crate) fn read_bounded_text(path: &Path) -> Result<String, ManifestError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|source| ManifestError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let damaged = |problem: &str| ManifestError::Damaged {
        path: path.to_path_buf(),
        problem: problem.to_string(),
    };
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(damaged(&format!("larger than {MAX_MANIFEST_BYTES} bytes")));
    }
    String::from_utf8(bytes).map_err(|_| damaged("not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> ShardManifest {
        ShardManifest {
            version: "0.1.0".into(),
            scenario: "smoke".into(),
            scenario_file: "scenarios/smoke.toml".into(),
            scenario_sha256: sha256_hex("text"),
            seeds: SeedRange::new(0, 5, 10).expect("range"),
            shard: Shard::new(1, 3).expect("shard"),
        }
    }

    #[test]
    fn a_manifest_reads_back_and_names_what_is_wrong_with_a_damaged_one() {
        let json = manifest().to_json();
        assert!(json.contains("\"shard\": \"1/3\""), "{json}");
        assert!(json.contains("\"seeds\": \"0..5\""), "{json}");
        assert_eq!(ShardManifest::from_json(&json), Ok(manifest()));
        let damaged = |from: &str, to: &str| ShardManifest::from_json(&json.replace(from, to)).unwrap_err();
        assert_eq!(
            damaged("\"1/3\"", "\"3/3\""),
            "shard \"3/3\": shard 3 of 3 does not exist: I must be below N (shards count from 0)"
        );
        assert_eq!(
            damaged("\"0..5\"", "\"5..0\""),
            "seeds \"5..0\": an empty range: the end must be greater than the start"
        );
        assert_eq!(
            damaged("sessionlab-shard/1", "other/9"),
            "format \"other/9\" is not \"sessionlab-shard/1\""
        );
        assert!(damaged("\"smoke\"", "\"\"").contains("no scenario name"));
        assert!(damaged(&manifest().scenario_sha256, "xyz").contains("is not a SHA-256"));
        assert!(damaged("{", "").contains("expected"), "not JSON");
        assert!(damaged("\"format\"", "\"colour\"").contains("unknown field"));
    }
}
