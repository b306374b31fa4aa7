//! The deterministic discrete-event simulator's protocol-independent base:
//! virtual time, the event queue, RNG streams, distributions and the network.
//!
//! Everything here is a pure function of (scenario, seed): virtual time never
//! touches the wall clock, every random draw comes from a labelled ChaCha
//! stream, and every collection whose order can reach an output is ordered.
//! Actors, oracles and metrics sit on top of these pieces and drive `proto`.

pub mod batch;
pub mod clock;
pub mod config;
pub mod distribution;
pub mod engine;
pub mod network;
pub mod oracle;
pub mod queue;
pub mod rng;
pub mod skew;
pub mod trace;
pub mod world;
