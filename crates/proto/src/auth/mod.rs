//! The session layer's state machine: accounts, logins, authorizations (what
//! users call sessions), revocation, policies and datacenters.
//!
//! One [`DcAuthority`] runs per datacenter. A server that has decoded an RPC
//! from the encrypted transport calls it with `now`, the auth key id the
//! request came under and the request's arguments; it answers with a value
//! or an [`RpcError`]. Everything else it causes — notifications to other
//! sessions, inter-DC messages, released answers, wipe orders — is queued as
//! an [`Effect`] and every observable fact as an [`AuthEvent`]; the caller
//! polls both after each call (`poll_effect`, `poll_event`, bounded queues,
//! first in first out), like quinn-proto's `poll_*`. Timers surface through
//! `poll_timeout` and `handle_timeout(now)`. The call order is documented on
//! [`DcAuthority`]. Nothing here reads a clock, an RNG or the network.
//!
//! Map of the module:
//! - [`policy`]: every knob (fresh-session window, TTL, revocation mode, ...).
//! - [`error`]: Telegram's RPC errors and the reasons a request is rejected.
//! - [`limits`]: the named bound on every collection.
//! - [`account`], [`authorization`], [`client_info`]: the records;
//!   [`account_table`]: a DC's accounts, hashed by user id, walked in order.
//! - [`keys`]: auth key id → binding, revoked-key reasons, temp keys.
//! - [`authority`]: the per-DC state and its queues; [`authenticate`].
//! - [`login`], [`resend`], [`qr`] (across DCs: [`qr_migrate`]), [`password`], [`credentials`]: getting an
//!   authorization (re-sending a code by SMS), 2FA and changing it, logging out;
//!   [`future_tokens`]: the tokens that let a later login skip the code.
//!   A revoked key is dead: it never logs in again ([`keys`]).
//! - [`sessions`], [`anomaly`]: listing, terminating, TTL, confirmation, signals.
//! - [`revoke`], [`interdc`], [`export`], [`token`]: ending authorizations
//!   everywhere, across DCs.
//! - [`lifecycle`]: block, number change, three-phase deletion.
//! - [`timers`]: the deadline queue behind `handle_timeout`; [`fifo`]: bounded tombstones.
//! - [`events`]: typed events and effects.
//! - [`invariants`]: `check_invariants`, run by tests after every step.

pub(crate) mod account;
pub(crate) mod account_table;
pub(crate) mod anomaly;
pub(crate) mod authenticate;
pub(crate) mod authority;
pub(crate) mod authorization;
pub(crate) mod client_info;
pub(crate) mod credentials;
pub(crate) mod duplicate;
pub(crate) mod error;
pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod fifo;
pub(crate) mod future_tokens;
pub(crate) mod interdc;
pub(crate) mod invariants;
pub(crate) mod keys;
pub(crate) mod lifecycle;
pub(crate) mod limits;
pub(crate) mod login;
pub(crate) mod password;
pub(crate) mod policy;
pub(crate) mod qr;
pub(crate) mod qr_migrate;
pub(crate) mod resend;
pub(crate) mod revoke;
pub(crate) mod sessions;
pub(crate) mod timers;
pub(crate) mod token;

pub use account::{Account, AccountState, DeletionPhase};
pub use authority::DcAuthority;
pub use authorization::{Authorization, AuthorizationHandle, AuthorizationKind};
pub use client_info::{ClientInfo, GeoPoint, NetworkOrigin};
pub use error::{AuthRejection, RpcError};
pub use events::{AuthDrops, AuthEvent, AuthEventKind, CodeDelivery, CreatedVia, Effect, RevocationCause};
pub use interdc::{InterDcBody, InterDcError, InterDcMessage};
pub use limits::{MAX_QUEUED_EFFECTS, MAX_QUEUED_EVENTS};
pub use login::{LoginResult, SentCode, SignIn};
pub use password::PASSWORD_SALT_BYTES;
pub use policy::{
    DuplicateKeyPolicy, Policy, RevocationPolicy, DUPLICATE_KEY_WINDOW_DEFAULT, FUTURE_TOKEN_LIFETIME_DEFAULT,
};
pub use qr::{AcceptedLoginToken, ExportedLoginToken};
pub use revoke::ResetAnswer;
pub use sessions::{AuthorizationList, AuthorizationView};

#[cfg(test)]
mod tests;
