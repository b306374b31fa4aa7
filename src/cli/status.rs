//! `sessionlab status`: the version, the layers that exist so far and the
//! subcommands. Kept in step with the code map in `src/lib.rs` by hand; the
//! test below checks it names every top-level module that has code.

/// One layer that exists: its module path and what it does today.
const LAYERS: &[(&str, &str)] = &[
    (
        "crates/proto/src/crypto",
        "MTProto 2.0 auth keys, msg_key, key derivation, AES-256-IGE",
    ),
    (
        "crates/proto/src/wire",
        "TL codec, packet envelope, service messages, auth/account/updates API codecs",
    ),
    (
        "crates/proto/src/transport",
        "message ids, seqnos, salts, replay window, bad_msg codes, acks, resends",
    ),
    (
        "crates/proto/src/sync",
        "update log, differences, client gap rule and timers, list hash",
    ),
    (
        "crates/proto/src/auth",
        "accounts, logins, code re-send by SMS, 2FA changes, QR, authorizations, dead revoked keys, revocation across DCs, temp keys, lifecycle",
    ),
    (
        "crates/proto/src/server",
        "one datacenter: API dispatch, pushes to online sessions, held answers",
    ),
    (
        "crates/proto/src/client",
        "one app instance: logins, sync driving, revocation wipe (keys too), session file",
    ),
    (
        "src/engine",
        "protocol-free engine: clock, event queue, RNG streams, distributions, skew, trace hash, network faults",
    ),
    (
        "src/scenario",
        "TOML scenarios: validation with file:line:column errors, swarm draws, metrics",
    ),
    (
        "src/world",
        "one run: owners and their scheduled actions, lost/stolen/restored devices, attackers (replay, SIM swap with SMS re-send), oracles, metrics, batches of seeds",
    ),
    ("src/report", "runs.csv, summary.csv, summary.md, report.html"),
    ("src/cli", "the subcommands behind the thin main.rs"),
];

/// The subcommands that exist, in the order `--help` lists them.
const SUBCOMMANDS: &[&str] = &["run", "check", "replay", "list-metrics", "status"];

/// The text of `sessionlab status`.
pub fn status_text() -> String {
    let rows: Vec<Vec<&str>> = LAYERS.iter().map(|(module, what)| vec![*module, *what]).collect();
    let layers: String = super::table::aligned_table(&rows)
        .lines()
        .map(|line| format!("  {line}\n"))
        .collect();
    format!(
        "sessionlab {}\nlayers:\n{layers}not yet: device replacement after a loss (a new phone logging in), account number changes and blocks driven by scenarios\n\
         subcommands: {}",
        env!("CARGO_PKG_VERSION"),
        SUBCOMMANDS.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_the_version_every_layer_and_subcommand() {
        let text = status_text();
        assert!(text.starts_with(&format!("sessionlab {}\nlayers:\n", env!("CARGO_PKG_VERSION"))));
        for (module, what) in LAYERS {
            let line = text
                .lines()
                .find(|line| line.trim_start().starts_with(&format!("{module} ")))
                .unwrap_or_else(|| panic!("{module} missing from\n{text}"));
            assert!(line.ends_with(what), "{line}");
        }
        assert!(text.ends_with("subcommands: run, check, replay, list-metrics, status"));
    }

    #[test]
    fn every_layer_listed_exists_in_the_source() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (folder, _) in LAYERS {
            let path = root.join(folder);
            let exists = path.is_dir() || path.with_extension("rs").is_file();
            assert!(exists, "status lists `{folder}`, which does not exist: update LAYERS");
        }
    }
}
