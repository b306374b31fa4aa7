//! Print what a `sync_sequence` fuzz input does: its seed, faults, limits
//! and operations, then run it (a broken invariant panics with its
//! message). Usage:
//! `cargo run -p sessionlab-testkit --example explain_sync_input FILE`

use sessionlab_testkit::sync_model::{decode_fuzz_input, run};

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("usage: explain_sync_input FILE")?;
    let data = std::fs::read(&path).map_err(|error| format!("{path}: {error}"))?;
    let (seed, faults, limits, ops, wipe_at) = decode_fuzz_input(&data).ok_or("input too short")?;
    println!("seed {seed}, {faults:?}, {limits:?}, wipe before op {wipe_at:?}");
    for (index, op) in ops.iter().enumerate() {
        println!("  {index}: {op:?}");
    }
    println!("{:?}", run(seed, faults, &limits, &ops, wipe_at));
    Ok(())
}
