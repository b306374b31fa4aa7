//! Architecture invariants 1 and 2 (see `src/lib.rs`), checked by reading
//! the source of `src/proto/`: the core imports no outer layer and touches
//! no clock, global RNG, socket, file or environment.

use std::path::{Path, PathBuf};

const FORBIDDEN: &[&str] = &[
    "crate::sim",
    "crate::scenario",
    "crate::report",
    "crate::cli",
    "sessionlab::sim",
    "SystemTime::now",
    "Instant::now",
    "thread_rng",
    "rand::rng(",
    "OsRng",
    "getrandom",
    "std::net",
    "std::fs",
    "std::env",
    "std::time::SystemTime",
    "std::io::stdin",
    "println!",
];

fn rust_files(directory: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(directory)
        .expect("src/proto is readable")
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            out.push(path);
        }
    }
}

fn violations(source: &str) -> Vec<&'static str> {
    FORBIDDEN
        .iter()
        .copied()
        .filter(|needle| source.contains(needle))
        .collect()
}

#[test]
fn proto_imports_no_outer_layer_and_does_no_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/proto");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() >= 5, "expected the proto sources, found {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("source is UTF-8");
        for needle in violations(&source) {
            found.push(format!("{}: {needle}", file.display()));
        }
    }
    assert!(found.is_empty(), "architecture invariant broken:\n{}", found.join("\n"));
}

#[test]
fn the_checker_catches_each_kind_of_violation() {
    // The negative side: the checker is not vacuous.
    assert_eq!(violations("use crate::sim::engine;"), ["crate::sim"]);
    assert_eq!(
        violations("let t = std::time::SystemTime::now();"),
        ["SystemTime::now", "std::time::SystemTime"]
    );
    assert_eq!(violations("let r = rand::thread_rng();"), ["thread_rng"]);
    assert_eq!(violations("std::fs::read(path)"), ["std::fs"]);
    assert_eq!(violations("std::env::var(\"X\")"), ["std::env"]);
    assert_eq!(violations("std::net::UdpSocket::bind(a)"), ["std::net"]);
    assert!(violations("use crate::proto::wire;").is_empty());
}
