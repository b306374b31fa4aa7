//! Named bounds on everything the session layer stores, so that no peer and
//! no long simulation can grow a collection without limit.

use std::time::Duration;

/// Accounts homed on one DC.
pub(crate) const MAX_ACCOUNTS_PER_DC: usize = 1 << 20;
/// Authorizations of one account. Telegram documents none; a bound is still
/// needed so that one account cannot exhaust a DC.
pub(crate) const MAX_AUTHORIZATIONS_PER_ACCOUNT: usize = 512;
/// Unexpired login codes kept per account; the oldest is dropped first.
pub(crate) const MAX_PENDING_CODES_PER_ACCOUNT: usize = 4;
/// Times one login code may be re-sent (`auth.resendCode`, by SMS); the
/// next attempt gets SEND_CODE_UNAVAILABLE and the user must ask for a new code.
pub(crate) const MAX_CODE_RESENDS: u32 = 2;
/// Login codes pending on one DC.
pub(crate) const MAX_PENDING_CODES_PER_DC: usize = 1 << 16;
/// Future auth tokens kept per account (clients keep at most 20, api/auth).
pub(crate) const MAX_FUTURE_TOKENS_PER_ACCOUNT: usize = 20;
/// QR login tokens pending on one DC.
pub(crate) const MAX_LOGIN_TOKENS_PER_DC: usize = 1 << 16;
/// How long an expired or accepted QR token is remembered, so that a late
/// use gets AUTH_TOKEN_EXPIRED / AUTH_TOKEN_ALREADY_ACCEPTED rather than INVALID.
pub(crate) const LOGIN_TOKEN_TOMBSTONE: Duration = Duration::from_secs(600);
/// Live temp keys per DC, bound or not: more than one per device and DC
/// of the largest committed scenario (100,000 accounts). A key exchange
/// beyond it is refused. (One temp key is bound per permanent key at once:
/// a new binding replaces the old, api/pfs.)
pub(crate) const MAX_LIVE_TEMP_KEYS: usize = 1 << 21;
/// Revoked keys remembered per DC, oldest forgotten first. A remembered key
/// is dead: it is never bound to an authorization again and every request
/// under it is refused (with its revocation's 401). Beyond the bound the
/// oldest is forgotten: it then looks like a key never seen, which could log
/// in again — an attacker would have to hold a stolen key across this many
/// later revocations on the same DC.
pub(crate) const MAX_REVOKED_KEYS_REMEMBERED: usize = 1 << 18;
/// Derived authorizations on one DC.
pub(crate) const MAX_DERIVED_PER_DC: usize = 1 << 20;
/// Revocations still awaiting acknowledgements from other DCs. Past it the
/// oldest is abandoned with an event (metrics see it), never silently.
pub(crate) const MAX_PENDING_REVOCATIONS: usize = 4096;
/// Revoked home authorizations a target DC remembers, so that an exported
/// token minted before the revocation cannot be imported after it.
pub(crate) const MAX_REVOKED_HOME_TOMBSTONES: usize = 1 << 16;
/// Exported-authorization nonces remembered (one-time use) per DC.
pub(crate) const MAX_USED_EXPORT_NONCES: usize = 1 << 16;
/// Lifetime of an exported authorization token.
pub(crate) const EXPORTED_AUTHORIZATION_LIFETIME: Duration = Duration::from_secs(300);
/// First retry of an unacknowledged inter-DC revocation; doubles each time.
pub(crate) const INTER_DC_RETRY_INITIAL: Duration = Duration::from_secs(1);
/// Longest wait between two retries.
pub(crate) const INTER_DC_RETRY_MAX: Duration = Duration::from_secs(60);
/// Effects a DC's session layer queues before the caller polls them; beyond
/// this the newest is dropped, counted and reported. One timeout can end
/// authorizations of every account of the DC at once (TTL checks falling
/// due together), so the bound is as large as the accounts a DC holds.
pub const MAX_QUEUED_EFFECTS: usize = MAX_ACCOUNTS_PER_DC;
/// Events a DC's session layer queues before the caller polls them; beyond
/// this the newest is dropped and counted.
pub const MAX_QUEUED_EVENTS: usize = 1 << 16;
/// Bytes kept of any client-supplied string (device model, app version, ...).
pub(crate) const MAX_CLIENT_STRING_BYTES: usize = 128;
/// Bytes of a 2FA password accepted.
pub(crate) const MAX_PASSWORD_BYTES: usize = 256;
/// Device models remembered per account for the "never used" signal.
pub(crate) const MAX_KNOWN_DEVICE_MODELS: usize = 32;
/// Smallest and largest inactivity TTL in days (account.setAuthorizationTTL).
pub(crate) const MIN_TTL_DAYS: u32 = 1;
pub(crate) const MAX_TTL_DAYS: u32 = 366;
/// Seconds in a day.
pub(crate) const SECONDS_PER_DAY: u64 = 86_400;
