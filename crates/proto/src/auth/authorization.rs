//! An authorization — what users call a session — binds one auth key to an
//! account, with what the client said about itself and the flags of
//! DESIGN.md 3.2. A [`AuthorizationHandle`] is what an accepted request is
//! attributed to.

use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use std::collections::BTreeSet;

use super::client_info::ClientInfo;
use super::events::CreatedVia;

use crate::time::Instant;

/// Hours in a day: the activity histogram's bins.
pub(crate) const HOURS_PER_DAY: usize = 24;

/// One authorization on the account's home DC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// DC-wide creation counter: orders "oldest first".
    pub serial: u64,
    /// The random public handle (`authorization.hash`).
    pub hash: AuthorizationHash,
    /// The auth key the authorization is bound to (a permanent key).
    pub key_id: AuthKeyId,
    /// What the client said about itself at login, and where it connected from.
    pub info: ClientInfo,
    /// When the login completed (`authorization.date_created`).
    pub date_created: Instant,
    /// When a request was last accepted under it (`authorization.date_active`); the TTL counts from here.
    pub date_active: Instant,
    /// Whether the app's api_id is an official Telegram app's (`authorization.official_app`).
    pub official_app: bool,
    /// Logged in with a code; the 2FA password is still owed.
    pub password_pending: bool,
    /// A new login the owner has not confirmed yet.
    pub unconfirmed: bool,
    /// How the authorization came to be: code, future token, QR login or import.
    pub created_via: CreatedVia,
    /// DCs this authorization was exported to: where derived ones may live.
    pub exported_to: BTreeSet<DcId>,
    /// Whether the device model was new to the account when it logged in.
    pub device_model_was_new: bool,
    /// Requests per UTC hour of day, saturating.
    pub hours: [u32; HOURS_PER_DAY],
}

/// Where the authorization that accepted a request lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuthorizationKind {
    /// On the account's home DC.
    Home,
    /// Imported from the home DC via export/import.
    Derived {
        /// The account's home DC, where the authorization it derives from lives.
        home_dc: DcId,
    },
}

/// What an accepted request is attributed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AuthorizationHandle {
    /// The account the request is served for.
    pub user_id: UserId,
    /// The home authorization's hash (for a derived one, the one it derives from).
    pub hash: AuthorizationHash,
    /// Home, or derived on this DC from a home authorization.
    pub kind: AuthorizationKind,
    /// The key the request came under (a temp key when `via_temp`).
    pub key_id: AuthKeyId,
    /// The permanent key the authorization is bound to.
    pub perm_key_id: AuthKeyId,
    /// Whether the session layer was asked under a temp key bound to
    /// `perm_key_id` (`auth.bindTempAuthKey`). `proto::Server` resolves a
    /// bound temp key to its permanent key before it calls the session
    /// layer, so its requests arrive here as the permanent key's.
    pub via_temp: bool,
}

/// An authorization on a non-home DC, derived from a home authorization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DerivedAuthorization {
    pub user_id: UserId,
    pub home_dc: DcId,
    pub home_hash: AuthorizationHash,
    pub key_id: AuthKeyId,
    pub date_created: Instant,
    pub date_active: Instant,
    /// When the home DC last vouched for it (lazy revocation's cache).
    pub validated_at: Instant,
    /// When a re-validation was last asked for, to avoid asking on every request.
    pub validation_requested_at: Option<Instant>,
}
