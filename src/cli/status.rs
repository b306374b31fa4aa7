//! `sessionlab status`: the version, the layers in their one reading
//! order with where each lives, what is not built yet, and the
//! subcommands. What each layer holds is the code map in `ARCHITECTURE.md`
//! (the one place for it); the tests below check that the two agree.

/// The layers, in the one direction they read (each uses only those
/// before it), with the folder each lives in.
pub const LAYERS: &[(&str, &str)] = &[
    ("core", "crates/proto"),
    ("engine", "src/engine"),
    ("scenario", "src/scenario"),
    ("world", "src/world"),
    ("report", "src/report"),
    ("serve", "src/serve"),
    ("cli", "src/cli"),
];

/// The subcommands that exist, in the order `--help` lists them.
const SUBCOMMANDS: &[&str] = &[
    "run",
    "merge",
    "slurm",
    "sweep",
    "compare",
    "serve",
    "check",
    "replay",
    "shrink",
    "mutants",
    "list-metrics",
    "status",
];

/// What scenarios cannot drive yet.
const NOT_YET: &str =
    "device replacement after a loss (a new phone logging in), account number changes and blocks driven by scenarios";

/// The layer order as one line: `core ← engine ← … ← cli`.
pub fn layer_order() -> String {
    LAYERS.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(" ← ")
}

/// The text of `sessionlab status`.
pub fn status_text() -> String {
    let rows: Vec<Vec<&str>> = LAYERS.iter().map(|(name, folder)| vec![*name, *folder]).collect();
    let layers: String = super::table::aligned_table(&rows)
        .lines()
        .map(|line| format!("  {line}\n"))
        .collect();
    format!(
        "sessionlab {}\nlayers, each using only those above it: {}\n{layers}\
         code map and invariants: ARCHITECTURE.md\n\
         not yet: {NOT_YET}\n\
         subcommands: {}",
        env!("CARGO_PKG_VERSION"),
        layer_order(),
        SUBCOMMANDS.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository_file(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }

    #[test]
    fn status_reads_exactly() {
        let text = status_text();
        let expected = format!(
            "sessionlab {}\n\
             layers, each using only those above it: core ← engine ← scenario ← world ← report ← serve ← cli\n  \
             core      crates/proto\n  \
             engine    src/engine\n  \
             scenario  src/scenario\n  \
             world     src/world\n  \
             report    src/report\n  \
             serve     src/serve\n  \
             cli       src/cli\n\
             code map and invariants: ARCHITECTURE.md\n\
             not yet: {NOT_YET}\n\
             subcommands: run, merge, slurm, sweep, compare, serve, check, replay, shrink, mutants, list-metrics, status",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn every_layer_exists_and_architecture_and_readme_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let architecture = repository_file("ARCHITECTURE.md")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let readme = repository_file("README.md")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            architecture.contains(&layer_order()),
            "ARCHITECTURE.md names another order"
        );
        assert!(readme.contains(&layer_order()), "README.md names another order");
        for (name, folder) in LAYERS {
            assert!(
                root.join(folder).is_dir(),
                "status lists `{folder}`, which does not exist"
            );
            assert!(
                architecture.contains(&format!("`{folder}")),
                "ARCHITECTURE.md's code map lacks {name} ({folder})"
            );
        }
    }
}
