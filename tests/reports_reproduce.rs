//! The committed reports of the small example scenarios are reproduced byte
//! for byte: every output is a pure function of (scenario, seeds, version).
//! After a deliberate change to the simulator, regenerate them with
//! `cargo run --release -- run scenarios/smoke.toml --out reports`.

use std::path::Path;

use sessionlab::cli::run_with_args;

#[test]
fn smoke_reports_are_reproduced_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("sessionlab-reports-{}", std::process::id()));
    let scenario = root.join("scenarios/smoke.toml");
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let args = [
        "sessionlab",
        "run",
        scenario.to_str().expect("utf-8 path"),
        "--jobs",
        "2",
        "--out",
        out.to_str().expect("utf-8"),
    ];
    let exit = run_with_args(args, &mut stdout, &mut stderr);
    assert_eq!(exit.code(), 0, "{}", String::from_utf8_lossy(&stderr));
    for file in ["runs.csv", "summary.csv", "summary.md", "report.html"] {
        let committed = std::fs::read(root.join("reports/smoke").join(file)).expect("committed report");
        let fresh = std::fs::read(out.join("smoke").join(file)).expect("fresh report");
        assert!(committed == fresh, "reports/smoke/{file} differs from a fresh run");
    }
    let _ = std::fs::remove_dir_all(&out);
}
