//! The session layer's state machine: accounts, logins, authorizations (what
//! users call sessions), revocation, policies and datacenters.
//!
//! One [`DcAuthority`] runs per datacenter. A server that has decoded an RPC
//! from the encrypted transport calls it with `now`, the auth key id the
//! request came under and the request's arguments; it answers with a value
//! or an [`RpcError`]. Everything else it causes — notifications to other
//! sessions, inter-DC messages, released answers, wipe orders — is queued as
//! an [`Effect`] and every observable fact as an [`AuthEvent`]; the caller
//! drains both after each call (`drain_effects`, `drain_events`), like
//! quinn-proto's `poll_*`. Timers surface through `next_timeout` and
//! `on_timeout(now)`. Nothing here reads a clock, an RNG or the network.
//!
//! Map of the module:
//! - [`policy`]: every knob (fresh-session window, TTL, revocation mode, ...).
//! - [`error`]: Telegram's RPC errors and the reasons a request is rejected.
//! - [`limits`]: the named bound on every collection.
//! - [`account`], [`authorization`], [`client_info`]: the records.
//! - [`keys`]: auth key id → binding, revoked-key reasons, temp keys.
//! - [`authority`]: the per-DC state and its queues; [`authenticate`].
//! - [`login`], [`resend`], [`qr`], [`password`], [`credentials`]: getting an
//!   authorization (re-sending a code by SMS), 2FA and changing it, logging out.
//!   A revoked key is dead: it never logs in again ([`keys`]).
//! - [`sessions`], [`anomaly`]: listing, terminating, TTL, confirmation, signals.
//! - [`revoke`], [`interdc`], [`export`], [`token`]: ending authorizations
//!   everywhere, across DCs.
//! - [`lifecycle`]: block, number change, three-phase deletion.
//! - [`timers`]: the deadline queue behind `on_timeout`; [`fifo`]: bounded tombstones.
//! - [`events`]: typed events and effects.
//! - [`invariants`]: `check_invariants`, run by tests after every step.
//! - [`cluster`]: an in-process cluster that carries inter-DC messages (tests, benches).

pub mod account;
pub mod anomaly;
pub mod authenticate;
pub mod authority;
pub mod authorization;
pub mod client_info;
pub mod cluster;
pub mod credentials;
pub mod error;
pub mod events;
pub mod export;
pub mod fifo;
pub mod interdc;
pub mod invariants;
pub mod keys;
pub mod lifecycle;
pub mod limits;
pub mod login;
pub mod password;
pub mod policy;
pub mod qr;
pub mod resend;
pub mod revoke;
pub mod sessions;
pub mod timers;
pub mod token;

pub use account::{Account, AccountState, DeletionPhase};
pub use authority::DcAuthority;
pub use authorization::{Authorization, AuthorizationHandle, AuthorizationKind};
pub use client_info::{ClientInfo, GeoPoint, NetworkOrigin};
pub use cluster::Cluster;
pub use error::{AuthRejection, RpcError};
pub use events::{AuthEvent, AuthEventKind, CreatedVia, Effect, RevocationCause};
pub use interdc::{InterDcBody, InterDcMessage};
pub use login::{LoginResult, SentCode, SignIn};
pub use policy::{Policy, RevocationPolicy};
pub use revoke::ResetAnswer;
pub use sessions::{AuthorizationList, AuthorizationView};

/// A datacenter id (Telegram numbers them 1..=5).
pub type DcId = u32;
/// A user id (Telegram's `long` user id).
pub type UserId = u64;
/// An `auth_key_id` (lower 64 bits of SHA1 of the key).
pub type KeyId = u64;

#[cfg(test)]
mod tests;
