//! Fuzz target `shard_files`: what `sessionlab merge` reads from a shard
//! directory — `shard.json`, `runs.csv`, `attackers.csv`,
//! `violations.csv`, and a sweep shard's `sweep.json` — as arbitrary
//! bytes. A damaged file must be an error value, never a panic; rows that
//! read back must write and read back to the same rows, and a sweep
//! manifest that reads must write and read back to itself.

use std::path::PathBuf;

use sessionlab::report::{read_shard_rows, write_shard, ShardManifest, SweepManifest, MANIFEST_FILE};
use sessionlab::scenario::Draws;

/// The files a shard directory holds, in the order the input gives them
/// (separated by NUL bytes).
const SHARD_FILES: [&str; 4] = [MANIFEST_FILE, "runs.csv", "attackers.csv", "violations.csv"];
/// The seeds the shard is read for (a seed file covers 0..3).
const SEEDS: [u64; 3] = [0, 1, 2];

/// A directory of this process's own (the fuzzer runs one input at a time).
fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("sessionlab-fuzz-{name}-{}", std::process::id()))
}

/// A `sweep.json` that reads must be written back to the same manifest.
fn sweep_manifest(bytes: &[u8]) {
    let Some(manifest) = std::str::from_utf8(bytes)
        .ok()
        .and_then(|json| SweepManifest::from_json(json).ok())
    else {
        return;
    };
    assert_eq!(
        SweepManifest::from_json(&manifest.to_json()).as_ref(),
        Ok(&manifest),
        "a sweep manifest does not survive a write and a read"
    );
}

pub fn shard_files(data: &[u8]) {
    // The fifth part, after the shard's four files, is a sweep.json.
    sweep_manifest(data.split(|byte| *byte == 0).nth(SHARD_FILES.len()).unwrap_or_default());
    let dir = scratch("shard");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let mut parts = data.split(|byte| *byte == 0);
    for file in SHARD_FILES {
        if std::fs::write(dir.join(file), parts.next().unwrap_or_default()).is_err() {
            return;
        }
    }
    let manifest = std::str::from_utf8(data.split(|byte| *byte == 0).next().unwrap_or_default())
        .ok()
        .and_then(|json| ShardManifest::from_json(json).ok());
    let draws = |_seed: u64| Draws::default();
    let Ok(rows) = read_shard_rows(&dir, &SEEDS, &draws) else {
        return;
    };
    let Some(manifest) = manifest else {
        return;
    };
    let again = scratch("shard-again");
    if std::fs::create_dir_all(&again).is_err() || write_shard(&again, &manifest, "", &rows).is_err() {
        return;
    }
    let reread = read_shard_rows(&again, &SEEDS, &draws);
    assert_eq!(
        reread.as_ref().ok(),
        Some(&rows),
        "rows do not survive a write and a read"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_seed_reaches_the_round_trip() {
        // The seed is a real shard of smoke over seeds 0..3: it must read
        // back, or the fuzzer would only ever see the error paths.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/seeds/shard_files/smoke-0-3");
        let data = std::fs::read(path).expect("the seed is kept");
        let dir = scratch("shard-seed-test");
        std::fs::create_dir_all(&dir).expect("scratch directory");
        for (file, part) in SHARD_FILES.iter().zip(data.split(|byte| *byte == 0)) {
            std::fs::write(dir.join(file), part).expect("written");
        }
        let rows = read_shard_rows(&dir, &SEEDS, &|_| Draws::default()).expect("the seed reads back");
        assert_eq!(rows.iter().map(|row| row.seed).collect::<Vec<_>>(), SEEDS);
        shard_files(&data);
    }
}
