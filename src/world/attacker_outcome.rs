//! What each attacker got: one [`AttackerOutcome`] per attacker against one
//! target account (an `[[attacker]]` and one of the accounts it targets),
//! the rows of `attackers.csv`.
//!
//! While the run goes, each attacker keeps an [`AttackerLedger`] (the
//! authorizations of its target it held, when it got them, when
//! datacenters accepted its requests, what it read and minted) and the
//! world keeps every committed revocation with its cause
//! ([`Revocations`]). At the end a ledger becomes its row:
//!
//! - the attacker *acquired* access when it first held a usable
//!   authorization of the account: when it copied a key or session file
//!   (or took the device) that a datacenter knew as an authorization of the
//!   account, or when its own login completed (its app logged in; a login
//!   stopped at the 2FA password is no acquisition);
//! - it was *evicted* when it had acquired access and the home datacenter
//!   had committed the revocation of every authorization it held before the
//!   run ended, at the last of those commits, by that revocation's cause;
//!   an attacker holding one still unrevoked authorization at the end is
//!   not evicted.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use sessionlab_proto::auth::RevocationCause;
use sessionlab_proto::id::UserId;
use sessionlab_proto::time::Instant;

use crate::scenario::model::AcquireKind;
use crate::world::oracle::bypass::AuthorizationId;

use super::{Foothold, World};

/// What one attacker did to its target account while the run went.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttackerLedger {
    /// When it first held a usable authorization of the account.
    pub acquired_at: Option<Instant>,
    /// When a datacenter first and last accepted a request from one of its
    /// apps (replayed packets included) under an authorization of the account.
    pub first_accepted_at: Option<Instant>,
    pub last_accepted_at: Option<Instant>,
    /// Every home authorization of the account it held (stolen or its own).
    pub held: BTreeSet<AuthorizationId>,
    /// Updates its apps applied (each app counts each update once).
    pub updates_exfiltrated: u64,
    /// Authorizations its apps created (logins, QR logins; not imports),
    /// a login stopped at the 2FA password included.
    pub footholds_minted: u64,
}

impl AttackerLedger {
    /// It has had usable access since `at` (the first call counts).
    pub fn acquired(&mut self, at: Instant) {
        self.acquired_at.get_or_insert(at);
    }

    /// A datacenter accepted one of its requests at `at`.
    pub fn accepted(&mut self, at: Instant) {
        self.first_accepted_at.get_or_insert(at);
        self.last_accepted_at = Some(at);
    }

    /// When and why its last held authorization ended, if it acquired
    /// access and every authorization it held was revoked (the latest
    /// commit; of two at one instant, the greater cause).
    fn eviction(&self, revocations: &Revocations) -> Option<(Instant, RevocationCause)> {
        self.acquired_at?;
        let mut last: Option<(Instant, RevocationCause)> = None;
        for authorization in &self.held {
            let revoked = revocations.of(*authorization)?;
            last = last.max(Some(revoked));
        }
        last
    }
}

/// The first committed revocation of each authorization, with its cause.
#[derive(Clone, Debug, Default)]
pub struct Revocations {
    committed: BTreeMap<AuthorizationId, (Instant, RevocationCause)>,
}

impl Revocations {
    /// The home datacenter committed the end of `authorization` at `at`.
    pub fn record(&mut self, authorization: AuthorizationId, at: Instant, cause: RevocationCause) {
        self.committed.entry(authorization).or_insert((at, cause));
    }

    /// When and why `authorization` ended, if it did.
    pub fn of(&self, authorization: AuthorizationId) -> Option<(Instant, RevocationCause)> {
        self.committed.get(&authorization).copied()
    }
}

/// `evicted_by`: what ended the attacker's last authorization.
pub fn cause_name(cause: RevocationCause) -> &'static str {
    match cause {
        // `account.resetAuthorization` of a confirmed session: an owner's
        // `terminate_device`, or an audit terminating a suspicious session.
        RevocationCause::ResetOne => "terminate_session",
        RevocationCause::ResetAll => "terminate_all_others",
        RevocationCause::Ttl => "authorization_ttl",
        RevocationCause::Logout => "log_out",
        RevocationCause::Block => "account_blocked",
        RevocationCause::NumberChange => "number_change",
        RevocationCause::Deletion => "account_deleted",
        // The same call on a login still unconfirmed: the owner refused it.
        RevocationCause::DeniedLogin => "denied_login",
        // AUTH_KEY_DUPLICATED: the key was used by the attacker and its
        // victim at once.
        RevocationCause::KeyDuplicated => "key_duplicated",
    }
}

/// One row of `attackers.csv`: an attacker against one target account.
/// Times are from the scenario's epoch (the run's start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttackerOutcome {
    /// The `[[attacker]]`'s name.
    pub attacker: String,
    /// The target account's user id (as in the replay trace).
    pub account: UserId,
    /// `acquire.kind` as the file writes it.
    pub acquisition: &'static str,
    /// `None`: it never held a usable authorization (no device of that
    /// kind, the device logged out or lost, the login refused or stopped at
    /// the 2FA password).
    pub acquired_at: Option<Duration>,
    pub first_accepted_at: Option<Duration>,
    pub last_accepted_at: Option<Duration>,
    /// `None`: never acquired, or some authorization it held was not revoked.
    pub evicted_at: Option<Duration>,
    /// The cause of the revocation at `evicted_at` ([`cause_name`]).
    pub evicted_by: Option<&'static str>,
    pub updates_exfiltrated: u64,
    pub footholds_minted: u64,
    /// Its surviving footholds: keys its apps hold that their datacenter
    /// still accepts for the account at the end.
    pub footholds_surviving: u64,
}

impl AttackerOutcome {
    /// From acquisition to eviction, when it was evicted (zero when the
    /// stolen authorization had already been revoked when it was taken).
    pub fn time_to_eviction(&self) -> Option<Duration> {
        Some(self.evicted_at?.saturating_sub(self.acquired_at?))
    }
}

/// The eviction times of `outcomes` in µs, sorted (what `eviction_p50_ms`
/// and `eviction_p99_ms` are percentiles of).
pub fn eviction_times_sorted_micros(outcomes: &[AttackerOutcome]) -> Vec<u64> {
    let mut micros: Vec<u64> = outcomes
        .iter()
        .filter_map(AttackerOutcome::time_to_eviction)
        .map(|time| u64::try_from(time.as_micros()).unwrap_or(u64::MAX))
        .collect();
    micros.sort_unstable();
    micros
}

/// Accounts with at least one surviving foothold of some attacker.
pub fn accounts_compromised(outcomes: &[AttackerOutcome]) -> u64 {
    let accounts: BTreeSet<UserId> = outcomes
        .iter()
        .filter(|outcome| outcome.footholds_surviving > 0)
        .map(|outcome| outcome.account)
        .collect();
    accounts.len() as u64
}

/// `acquire.kind` as a scenario file writes it.
pub fn acquisition_name(kind: AcquireKind) -> &'static str {
    match kind {
        AcquireKind::StolenKey { .. } => "stolen_key",
        AcquireKind::SessionFile { .. } => "session_file",
        AcquireKind::SimSwap => "sim_swap",
        AcquireKind::PhishedCode => "phished_code",
        AcquireKind::StolenDevice { .. } => "stolen_device",
    }
}

impl World {
    /// Attacker `attacker` holds `authorization` (ground truth for the
    /// audit's signals and for its row of `attackers.csv`).
    pub(super) fn attacker_holds(&mut self, attacker: usize, authorization: AuthorizationId) {
        self.attacker_held.insert(authorization);
        if let Some(record) = self.attackers.get_mut(attacker) {
            record.ledger.held.insert(authorization);
        }
    }

    /// Every attacker's row, in attacker order (`[[attacker]]` file order,
    /// then target accounts in account order); `footholds` are the run's
    /// surviving footholds.
    pub(super) fn attacker_outcomes(&self, footholds: &[Foothold]) -> Vec<AttackerOutcome> {
        let mut surviving: BTreeMap<(&str, UserId), u64> = BTreeMap::new();
        for foothold in footholds {
            *surviving
                .entry((foothold.attacker.as_str(), foothold.account_user_id))
                .or_default() += 1;
        }
        let since_epoch = |at: Instant| at.saturating_duration_since(self.config.epoch);
        self.attackers
            .iter()
            .map(|record| {
                let ledger = &record.ledger;
                let account = self.accounts[record.account].user_id;
                let eviction = ledger.eviction(&self.revocations);
                AttackerOutcome {
                    attacker: record.name.clone(),
                    account,
                    acquisition: acquisition_name(record.acquire),
                    acquired_at: ledger.acquired_at.map(since_epoch),
                    first_accepted_at: ledger.first_accepted_at.map(since_epoch),
                    last_accepted_at: ledger.last_accepted_at.map(since_epoch),
                    evicted_at: eviction.map(|(at, _)| since_epoch(at)),
                    evicted_by: eviction.map(|(_, cause)| cause_name(cause)),
                    updates_exfiltrated: ledger.updates_exfiltrated,
                    footholds_minted: ledger.footholds_minted,
                    footholds_surviving: surviving.get(&(record.name.as_str(), account)).copied().unwrap_or(0),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessionlab_proto::id::AuthorizationHash;

    fn at(seconds: u64) -> Instant {
        Instant::from_unix_seconds(1_767_225_600 + seconds)
    }

    fn authorization(hash: i64) -> AuthorizationId {
        (UserId(1000), AuthorizationHash(hash))
    }

    #[test]
    fn an_attacker_is_evicted_at_the_last_revocation_of_what_it_held() {
        let mut ledger = AttackerLedger::default();
        assert_eq!(ledger.eviction(&Revocations::default()), None, "nothing held");
        ledger.held.insert(authorization(1));
        ledger.held.insert(authorization(2));
        let mut revocations = Revocations::default();
        revocations.record(authorization(2), at(50), RevocationCause::Ttl);
        revocations.record(authorization(1), at(40), RevocationCause::ResetAll);
        assert_eq!(ledger.eviction(&revocations), None, "no usable access was acquired");
        ledger.acquired(at(10));
        ledger.acquired(at(20));
        assert_eq!(ledger.acquired_at, Some(at(10)));
        assert_eq!(ledger.eviction(&revocations), Some((at(50), RevocationCause::Ttl)));
        ledger.held.insert(authorization(3));
        assert_eq!(ledger.eviction(&revocations), None, "authorization 3 still works");
        revocations.record(authorization(3), at(45), RevocationCause::ResetOne);
        revocations.record(authorization(3), at(90), RevocationCause::Logout);
        assert_eq!(
            ledger.eviction(&revocations),
            Some((at(50), RevocationCause::Ttl)),
            "the first commit counts"
        );
        ledger.accepted(at(11));
        ledger.accepted(at(12));
        assert_eq!(
            (ledger.first_accepted_at, ledger.last_accepted_at),
            (Some(at(11)), Some(at(12)))
        );
    }

    fn outcome(account: u64, acquired_s: Option<u64>, evicted_s: Option<u64>, surviving: u64) -> AttackerOutcome {
        AttackerOutcome {
            attacker: "a".into(),
            account: UserId(account),
            acquisition: "stolen_key",
            acquired_at: acquired_s.map(Duration::from_secs),
            first_accepted_at: None,
            last_accepted_at: None,
            evicted_at: evicted_s.map(Duration::from_secs),
            evicted_by: evicted_s.map(|_| "terminate_all_others"),
            updates_exfiltrated: 0,
            footholds_minted: 0,
            footholds_surviving: surviving,
        }
    }

    #[test]
    fn run_figures_count_evicted_pairs_and_compromised_accounts() {
        let outcomes = [
            outcome(1000, Some(10), Some(70), 0),
            outcome(1001, Some(10), None, 2),
            outcome(1001, Some(5), Some(8), 1),
            outcome(1002, None, None, 0),
            outcome(1003, Some(30), Some(20), 0),
        ];
        assert_eq!(eviction_times_sorted_micros(&outcomes), [0, 3_000_000, 60_000_000]);
        assert_eq!(accounts_compromised(&outcomes), 1);
        assert_eq!(accounts_compromised(&[]), 0);
    }

    #[test]
    fn causes_have_their_names() {
        assert_eq!(cause_name(RevocationCause::ResetAll), "terminate_all_others");
        assert_eq!(cause_name(RevocationCause::ResetOne), "terminate_session");
        assert_eq!(cause_name(RevocationCause::Ttl), "authorization_ttl");
        assert_eq!(cause_name(RevocationCause::Deletion), "account_deleted");
        assert_eq!(cause_name(RevocationCause::KeyDuplicated), "key_duplicated");
    }

    #[test]
    fn acquisitions_read_as_the_file_writes_them() {
        for name in [
            "stolen_key",
            "session_file",
            "stolen_device",
            "sim_swap",
            "phished_code",
        ] {
            let device = if matches!(name, "stolen_key" | "session_file" | "stolen_device") {
                ", device = \"phone\""
            } else {
                ""
            };
            let text = format!(
                "[scenario]\nname = \"t\"\nduration = \"1d\"\n[population]\naccounts = 1\n\
                 devices = [{{ kind = \"phone\" }}]\n[[attacker]]\nname = \"a\"\ntargets = 1\n\
                 acquire = {{ kind = \"{name}\"{device}, at = \"1h\" }}\n"
            );
            let scenario = crate::scenario::parse_scenario(&text, "t.toml").unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(acquisition_name(scenario.attackers[0].acquire.kind), name);
        }
    }
}
