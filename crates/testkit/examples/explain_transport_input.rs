//! Print what a `transport_sequence` fuzz input does: its seed, every
//! action, and the outcome. With `SESSIONLAB_HARNESS_TRACE=1` every step
//! too. Usage:
//! `cargo run -p sessionlab-testkit --example explain_transport_input FILE`

use arbitrary::{Arbitrary, Unstructured};
use sessionlab_testkit::transport::{self, Action};

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("usage: explain_transport_input FILE")?;
    let data = std::fs::read(&path).map_err(|error| format!("{path}: {error}"))?;
    let mut input = Unstructured::new(&data);
    let seed = u64::arbitrary(&mut input).map_err(|error| format!("no seed: {error}"))?;
    let actions = Vec::<Action>::arbitrary(&mut input).map_err(|error| format!("no actions: {error}"))?;
    println!("seed {seed}, {} actions", actions.len());
    for action in &actions {
        println!("  {action:?}");
    }
    match transport::run(seed, &actions) {
        Ok(outcome) => println!("{outcome:?}"),
        Err(violation) => return Err(violation.to_string()),
    }
    Ok(())
}
