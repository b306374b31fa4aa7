//! Limits on everything a scenario file controls, as named constants.
//!
//! A scenario is untrusted input to a long simulation: each limit keeps one
//! file from asking for unbounded memory or time, and each is far above what
//! a useful experiment needs.

use std::time::Duration;

/// Largest scenario file we read, in bytes.
pub const MAX_SOURCE_BYTES: u64 = 1024 * 1024;
/// Entries in one table or items in one array of a value.
pub const MAX_TABLE_ENTRIES: usize = 256;
/// Longest duration anywhere in a file: ten years of virtual time.
pub const MAX_DURATION: Duration = Duration::from_secs(10 * 366 * 24 * 3600);
/// Accounts in one population.
pub const MAX_ACCOUNTS: u64 = 10_000_000;
/// Device kinds listed in a population.
pub const MAX_DEVICE_KINDS: usize = 16;
/// Datacenters (Telegram runs five).
pub const MAX_DATACENTERS: u64 = 16;
/// `[[fault]]` entries.
pub const MAX_FAULTS: usize = 256;
/// `[[attacker]]` entries.
pub const MAX_ATTACKERS: usize = 64;
/// `[[owner_action]]` entries.
pub const MAX_OWNER_ACTIONS: usize = 256;
/// `[[device_event]]` entries.
pub const MAX_DEVICE_EVENTS: usize = 256;
/// Authorizations one attacker's `persist` mints.
pub const MAX_FOOTHOLDS_PER_ATTACKER: u64 = 32;
/// Seeds in one range, so that a typo cannot schedule a billion runs.
pub const MAX_SEEDS: u64 = 1_000_000;
/// Characters in a name or a description.
pub const MAX_TEXT_CHARS: usize = 4096;
/// Updates per account per day.
pub const MAX_UPDATES_PER_DAY: u64 = 1_000_000;
/// Bytes of one update.
pub const MAX_UPDATE_BYTES: u64 = 16 * 1024 * 1024;
/// `pts_total_limit` and `pts_limit` ceiling.
pub const MAX_PTS_LIMIT: u64 = 100_000_000;
/// Sessions "terminate all others" may be limited to.
pub const MAX_TERMINATE_ALL_LIMIT: u64 = 1_000_000;
/// Future auth tokens a client keeps (Telegram clients keep at most 20).
pub const MAX_FUTURE_AUTH_TOKENS: u64 = 1_000;
/// Problems of one file reported at most (the rest are counted).
pub const MAX_ERRORS_PER_FILE: usize = 20;

/// Seconds in a day: TTLs count in whole days.
pub const DAY_SECONDS: u64 = 86_400;

/// Shortest and longest inactivity TTL `account.setAuthorizationTTL` accepts: 1..=366 days.
pub const MIN_AUTHORIZATION_TTL: Duration = Duration::from_secs(24 * 3600);
pub const MAX_AUTHORIZATION_TTL: Duration = Duration::from_secs(366 * 24 * 3600);
