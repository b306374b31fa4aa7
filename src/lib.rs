//! # sessionlab
//!
//! A deterministic discrete-event simulator and fuzzing testbed for
//! multi-device session management as Telegram's MTProto does it. The
//! protocol core is the crate `sessionlab-proto`; this package holds the
//! layers above it, which read in one direction:
//! core ← [`engine`] ← [`scenario`] ← [`world`] ← [`report`] ← [`serve`] ← [`cli`].
//!
//! The bird's-eye view, the code map and the architecture invariants are
//! in one place: `ARCHITECTURE.md` at the repository root.

pub mod cli;
pub mod engine;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod world;
