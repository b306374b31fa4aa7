//! The sans-IO protocol core: what a production server and client would embed.
//!
//! Nothing in here reads a clock, a global RNG, a socket, a file or the
//! environment; time comes in as `now`, randomness as `&mut impl RngCore`,
//! and effects leave as returned values. See the crate docs for the layers.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod auth;
pub mod client;
pub mod crypto;
pub mod footprint;
pub mod framing;
pub mod id;
pub mod key_exchange;
#[cfg(feature = "mutants")]
pub mod mutant;
mod queue;
mod recency;
pub mod server;
pub mod sync;
mod tight_store;
pub mod time;
pub mod transport;
pub mod wire;
