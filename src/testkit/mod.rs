//! Deterministic harnesses shared by property tests, fuzz targets and
//! benchmarks: they wire the sans-IO core together over an adversarial,
//! action-driven channel and check invariants after every step.
//!
//! They live in the library (not under `tests/`) so that the cargo-fuzz
//! crate and the criterion benches can drive exactly the same code.

pub mod cluster;
pub mod fuzz;
pub mod server_model;
pub mod swarm;
pub mod sync_model;
pub mod transport;
