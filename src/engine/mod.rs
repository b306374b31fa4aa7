//! The protocol-free discrete-event engine: virtual time, the event queue,
//! RNG streams, distributions, clock skew, the trace hash and the network
//! model with its faults.
//!
//! Everything here is a pure function of its inputs: virtual time never
//! touches the wall clock, every random draw comes from a labelled ChaCha
//! stream, and every collection whose order can reach an output is ordered.
//! Nothing here knows the protocol, the scenario format or the world of a
//! run: it depends on the core's `Instant` and on nothing above it.

pub mod clock;
pub mod distribution;
pub mod event_loop;
pub mod network;
pub mod percentile;
pub mod queue;
pub mod rng;
pub mod skew;
pub mod trace;
