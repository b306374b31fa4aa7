//! Deliberately broken variants of the core, for measuring the oracles
//! (`sessionlab mutants`): each [`Mutant`] names one rule the core keeps
//! and a `#[cfg(feature = "mutants")]` branch at the exact point of that
//! rule breaks it when the mutant is switched on.
//!
//! The whole module exists only with the `mutants` feature, so a normal
//! build carries no trace of it. A mutant is switched on per run, not per
//! process: it travels in configuration ([`crate::auth::Policy::mutant`]
//! for the datacenters, [`crate::sync::ClientConfig::mutant`] for the
//! apps), so seeds running in parallel never see each other's mutant.

use std::fmt;
use std::str::FromStr;

/// One broken rule of the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mutant {
    /// A target DC acknowledges a revocation without ending the derived
    /// authorizations of the revoked home authorization.
    DerivedNotRevoked,
    /// Under `sync` revocation the owner's answer is released at once,
    /// before every DC acknowledged.
    SyncAnswersEarly,
    /// Ending an authorization leaves its temp keys bound.
    TempKeysOutlivePermanent,
    /// The transport's replay window is off: a duplicate msg_id is processed again.
    ReplayWindowOff,
    /// The inactivity TTL never ends an authorization.
    TtlNeverApplied,
    /// The fresh-session rule is off: a young session may terminate others.
    FreshSessionRuleOff,
    /// A revoked app never wipes its local data.
    RevokedDeviceNeverWipes,
    /// What an app missed never comes back: a pts gap is skipped instead of
    /// fetched, and the updates a difference brings are dropped while the
    /// state moves past them.
    LostUpdateNeverRefetched,
    /// "Terminate all other sessions" spares the newest other session.
    TerminateAllSparesOne,
}

impl Mutant {
    /// Every mutant, in a fixed order (the order `sessionlab mutants` runs them).
    pub const ALL: [Mutant; 9] = [
        Mutant::DerivedNotRevoked,
        Mutant::SyncAnswersEarly,
        Mutant::TempKeysOutlivePermanent,
        Mutant::ReplayWindowOff,
        Mutant::TtlNeverApplied,
        Mutant::FreshSessionRuleOff,
        Mutant::RevokedDeviceNeverWipes,
        Mutant::LostUpdateNeverRefetched,
        Mutant::TerminateAllSparesOne,
    ];

    /// The kebab-case name scenario files and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            Mutant::DerivedNotRevoked => "derived-not-revoked",
            Mutant::SyncAnswersEarly => "sync-answers-early",
            Mutant::TempKeysOutlivePermanent => "temp-keys-outlive-permanent",
            Mutant::ReplayWindowOff => "replay-window-off",
            Mutant::TtlNeverApplied => "ttl-never-applied",
            Mutant::FreshSessionRuleOff => "fresh-session-rule-off",
            Mutant::RevokedDeviceNeverWipes => "revoked-device-never-wipes",
            Mutant::LostUpdateNeverRefetched => "lost-update-never-refetched",
            Mutant::TerminateAllSparesOne => "terminate-all-spares-one",
        }
    }

    /// What the mutant breaks, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Mutant::DerivedNotRevoked => "derived authorizations are not revoked with their home authorization",
            Mutant::SyncAnswersEarly => "a sync revocation answers the owner before every DC acknowledged",
            Mutant::TempKeysOutlivePermanent => "temp keys outlive the permanent key whose authorization ended",
            Mutant::ReplayWindowOff => "the transport's replay window is off",
            Mutant::TtlNeverApplied => "the inactivity TTL is never applied",
            Mutant::FreshSessionRuleOff => "the fresh-session rule is off",
            Mutant::RevokedDeviceNeverWipes => "a revoked device never wipes its data",
            Mutant::LostUpdateNeverRefetched => "a lost update is never re-fetched",
            Mutant::TerminateAllSparesOne => "terminate all spares one session",
        }
    }
}

/// Whether `active` (a run's mutant, if any) is `mutant`.
pub fn is(active: Option<Mutant>, mutant: Mutant) -> bool {
    active == Some(mutant)
}

impl fmt::Display for Mutant {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// A name that is no mutant's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no mutant is called `{name}` (the mutants: {})", Mutant::ALL.map(Mutant::name).join(", "))]
pub struct UnknownMutant {
    /// The name given.
    pub name: String,
}

impl FromStr for Mutant {
    type Err = UnknownMutant;

    fn from_str(text: &str) -> Result<Mutant, UnknownMutant> {
        Mutant::ALL
            .into_iter()
            .find(|mutant| mutant.name() == text.trim())
            .ok_or_else(|| UnknownMutant { name: text.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_and_names_are_unique() {
        for mutant in Mutant::ALL {
            assert_eq!(mutant.name().parse::<Mutant>(), Ok(mutant));
            assert_eq!(mutant.to_string(), mutant.name());
        }
        let mut names: Vec<&str> = Mutant::ALL.iter().map(|mutant| mutant.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Mutant::ALL.len());
    }

    #[test]
    fn an_unknown_name_lists_the_mutants() {
        let error = "replay-off".parse::<Mutant>().unwrap_err();
        assert!(error.to_string().contains("replay-window-off"), "{error}");
    }
}
