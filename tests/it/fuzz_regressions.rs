//! Replays every fuzz target's kept inputs — the seed corpus under
//! `fuzz/seeds/<target>/` and the crash inputs under
//! `fuzz/regressions/<target>/` — through the same code the fuzzer runs.

use std::path::Path;

use sessionlab_testkit::fuzz::TARGETS;

fn inputs(directory: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file() && path.file_name().is_some_and(|name| name != ".gitkeep"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read(&path).expect("input is readable"),
            )
        })
        .collect()
}

#[test]
fn every_kept_fuzz_input_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut replayed = 0;
    for (target, run) in TARGETS {
        for kind in ["seeds", "regressions"] {
            for (name, data) in inputs(&root.join(kind).join(target)) {
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{target}: {name} fails");
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= TARGETS.len(),
        "every target has at least one seed ({replayed} replayed)"
    );
}
