//! Architecture invariants (see `ARCHITECTURE.md`).
//!
//! Invariant 1 — the core depends on nothing of the simulator, the scenario
//! format, the reports or the command line — is enforced by the compiler:
//! `sessionlab-proto` is its own crate. What this file checks is that the
//! crate stays that way (its manifest names only the allowed dependencies)
//! and invariant 2, by reading the core's source: it touches no clock,
//! global RNG, socket, file or environment.

use std::path::{Path, PathBuf};

/// What the core's source must never name (invariant 2).
const FORBIDDEN: &[&str] = &[
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

/// The only crates `sessionlab-proto` may depend on outside its tests: the
/// crypto crates (with `crc32fast` for the full transport's checksum,
/// `flate2` for inbound `gzip_packed` bodies, and
/// `rsa` for the key exchange, which needs a `rand_chacha` 0.3 under its
/// own name), `rand_core` (with ChaCha for key material), `thiserror`,
/// `rustc-hash` (a fixed-key hasher: the same hashes on every run and
/// machine, for maps no output's order comes from), `litemap` (a sorted
/// vector map for the few entries of one client or session), `smallvec`
/// (per-packet scratch lists on the stack instead of the heap), and
/// `arbitrary` behind the fuzzing feature.
const ALLOWED_DEPENDENCIES: &[&str] = &[
    "aes",
    "ige",
    "sha1",
    "sha2",
    "crc32fast",
    "flate2",
    "rsa",
    "rand_chacha_for_rsa",
    "rand_core",
    "rand_chacha",
    "thiserror",
    "rustc-hash",
    "litemap",
    "smallvec",
    "arbitrary",
];

fn core_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/proto")
}

fn rust_files(directory: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(directory)
        .expect("crates/proto/src is readable")
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

/// The dependency names of the `[dependencies]` table of a manifest.
fn normal_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_table = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_table = line == "[dependencies]";
            continue;
        }
        if in_table && !line.is_empty() && !line.starts_with('#') {
            if let Some((name, _)) = line.split_once('=') {
                names.push(name.trim().to_string());
            }
        }
    }
    names
}

#[test]
fn core_does_no_io() {
    let mut files = Vec::new();
    rust_files(&core_root().join("src"), &mut files);
    assert!(files.len() >= 5, "expected the core's sources, found {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("source is UTF-8");
        for needle in violations(&source) {
            found.push(format!("{}: {needle}", file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "architecture invariant 2 broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn core_depends_only_on_the_allowed_crates() {
    let manifest = std::fs::read_to_string(core_root().join("Cargo.toml")).expect("core manifest");
    let names = normal_dependencies(&manifest);
    assert!(names.contains(&"sha2".to_string()), "parsed {names:?}");
    let extra: Vec<_> = names
        .iter()
        .filter(|name| !ALLOWED_DEPENDENCIES.contains(&name.as_str()))
        .collect();
    assert!(
        extra.is_empty(),
        "sessionlab-proto depends on {extra:?}: the core takes no such crate"
    );
}

#[test]
fn the_checkers_catch_each_kind_of_violation() {
    // The negative side: the checkers are not vacuous.
    assert_eq!(
        violations("let t = std::time::SystemTime::now();"),
        ["SystemTime::now", "std::time::SystemTime"]
    );
    assert_eq!(violations("let r = rand::thread_rng();"), ["thread_rng"]);
    assert_eq!(violations("std::fs::read(path)"), ["std::fs"]);
    assert_eq!(violations("std::env::var(\"X\")"), ["std::env"]);
    assert_eq!(violations("std::net::UdpSocket::bind(a)"), ["std::net"]);
    assert!(violations("use crate::client::Client;").is_empty());
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nsha2 = \"0.10\"\n# a comment\nclap = \"4\"\n\n[dev-dependencies]\nproptest = \"1\"\n";
    assert_eq!(normal_dependencies(manifest), ["sha2", "clap"]);
}
