//! Oracles: what must (or must not) happen in a run, judged against the
//! simulator's ground truth — logout bypasses, surviving footholds with
//! their causal chains, sync convergence, wipes of terminated devices,
//! temp keys ended with their permanent key (`temp_keys`), the inactivity
//! TTL applied (`ttl`).

pub mod bypass;
pub mod credentials;
pub mod temp_keys;
pub mod ttl;

/// The oracles' names, each the first word of the violations it reports
/// (`NAME: what happened`): what `sessionlab mutants` and `sessionlab
/// shrink` say caught a run.
pub mod names {
    /// A DC accepted a revoked key it already knew was revoked (`bypass`).
    pub const LOGOUT_BYPASS: &str = "logout-bypass";
    /// A terminated device that came online did not wipe its data.
    pub const WIPE: &str = "wipe";
    /// A replayed packet was processed a second time.
    pub const REPLAY: &str = "replay";
    /// The world's bounded event queue dropped events.
    pub const EVENT_QUEUE: &str = "event-queue";
    /// A temp key stayed bound after its permanent key's authorization ended.
    pub const TEMP_KEY: &str = "temp-key";
    /// An authorization idle past its TTL was still alive at the end.
    pub const TTL: &str = "ttl";
    /// Every oracle name, in the order the run reports them.
    pub const ALL: [&str; 6] = [LOGOUT_BYPASS, WIPE, TEMP_KEY, TTL, REPLAY, EVENT_QUEUE];
}

/// The oracle a violation's text names (its first word, before `: `).
pub fn oracle_of(violation: &str) -> &str {
    violation.split_once(": ").map_or(violation, |(name, _)| name)
}
