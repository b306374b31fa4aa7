//! The logout-bypass oracle.
//!
//! Once the home DC commits the revocation of authorization A at time t,
//! every request that any DC accepts after t under A's key — or under a key
//! derived from A on another DC — is a **bypass**. Bypasses are counted
//! under every policy: they are what a weaker design costs.
//!
//! A bypass is also an **oracle violation** when the core broke its own
//! promise:
//! - the accepting DC had already recorded the revocation (the home DC
//!   after its commit; another DC after it processed the revocation
//!   message) — under every policy, a DC that knows must refuse;
//! - under `lazy`, the request was accepted more than the cache TTL after
//!   t (any re-validation after t would have said "revoked");
//! - under `sync`, the request was accepted after the owner's app had its
//!   answer to the request that revoked A (`account.resetAuthorization`,
//!   `auth.resetAuthorizations`): the home DC promises that answer only
//!   once every DC acknowledged, so no DC may accept A's keys after it.
//!
//! Delivery delays between DCs are the network's, not the core's: under
//! `sync` and `async` a DC that has not yet heard may still accept, which
//! counts as a bypass but not as a violation (DESIGN.md §4: the promise is
//! what a DC does once informed, and the owner's `sync` answer waits for
//! every acknowledgement).

use sessionlab_proto::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use std::collections::BTreeMap;
use std::time::Duration;

use sessionlab_proto::auth::RevocationPolicy;
use sessionlab_proto::auth::{AuthEvent, AuthEventKind, CreatedVia, RevocationCause};

use super::credentials::{ChainStep, Credential, Link};

use sessionlab_proto::time::Instant;

/// (account, home authorization hash): what a revocation ends.
pub type AuthorizationId = (UserId, AuthorizationHash);

/// One request that got through after its authorization was revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bypass {
    pub authorization: AuthorizationId,
    pub dc: DcId,
    pub key_id: AuthKeyId,
    pub revoked_at: Instant,
    pub accepted_at: Instant,
    pub by_attacker: bool,
    pub violation: bool,
    /// Under `sync`: accepted after the owner was answered that the
    /// revocation was done (a violation even where the DC had not heard).
    pub after_sync_answer: bool,
    /// How the attacker came to hold the key, then the revocation and the
    /// acceptance (filled in when `replay` explains the run; else empty).
    pub chain: Vec<ChainStep>,
}

impl Bypass {
    pub fn window(&self) -> Duration {
        self.accepted_at.saturating_duration_since(self.revoked_at)
    }
}

/// Watches every DC's events in time order.
#[derive(Clone, Debug)]
pub struct BypassOracle {
    policy: RevocationPolicy,
    /// (dc, key) → the home authorization it acts for.
    acts_for: BTreeMap<(DcId, AuthKeyId), AuthorizationId>,
    /// Home commits of revocations.
    revoked_at: BTreeMap<AuthorizationId, Instant>,
    /// (dc, key) → when that DC recorded the key's revocation.
    known_at: BTreeMap<(DcId, AuthKeyId), Instant>,
    /// Revocations an owner's request caused (their answer is held under
    /// `sync`), per account: (hash, commit time), until the answer comes.
    awaiting_answer: BTreeMap<UserId, Vec<(AuthorizationHash, Instant)>>,
    /// When the owner's app was told the revocation was done.
    answered_at: BTreeMap<AuthorizationId, Instant>,
    bypasses: Vec<Bypass>,
}

/// Bypasses kept in detail at most (counts go on beyond it).
pub const MAX_RECORDED_BYPASSES: usize = 10_000;

impl BypassOracle {
    pub fn new(policy: RevocationPolicy) -> BypassOracle {
        BypassOracle {
            policy,
            acts_for: BTreeMap::new(),
            revoked_at: BTreeMap::new(),
            known_at: BTreeMap::new(),
            awaiting_answer: BTreeMap::new(),
            answered_at: BTreeMap::new(),
            bypasses: Vec::new(),
        }
    }

    /// Feed one event; `by_attacker` says whether the packet that caused it
    /// came from an attacker (the simulator knows). Returns the bypass the
    /// event was, if it was one (also beyond [`MAX_RECORDED_BYPASSES`]).
    pub fn observe(&mut self, event: &AuthEvent, by_attacker: bool) -> Option<Bypass> {
        let dc = event.dc;
        match &event.kind {
            AuthEventKind::AuthorizationCreated {
                user_id,
                hash,
                key_id,
                via,
                ..
            } => {
                let home_hash = match via {
                    CreatedVia::Import { home_hash, .. } => *home_hash,
                    _ => *hash,
                };
                self.acts_for.insert((dc, *key_id), (*user_id, home_hash));
            }
            AuthEventKind::AuthorizationRevoked {
                user_id,
                hash,
                key_id,
                cause,
            } => {
                self.revoked_at.entry((*user_id, *hash)).or_insert(event.at);
                self.known_at.entry((dc, *key_id)).or_insert(event.at);
                let asked = matches!(
                    cause,
                    RevocationCause::ResetOne | RevocationCause::ResetAll | RevocationCause::DeniedLogin
                );
                if asked && self.policy == RevocationPolicy::Sync {
                    self.awaiting_answer
                        .entry(*user_id)
                        .or_default()
                        .push((*hash, event.at));
                }
            }
            AuthEventKind::DerivedRevoked { key_id, .. } => {
                self.known_at.entry((dc, *key_id)).or_insert(event.at);
            }
            AuthEventKind::RequestAccepted { handle } => {
                let &authorization = self.acts_for.get(&(dc, handle.perm_key_id))?;
                let &revoked_at = self.revoked_at.get(&authorization)?;
                if event.at <= revoked_at {
                    return None;
                }
                let informed = self
                    .known_at
                    .get(&(dc, handle.perm_key_id))
                    .is_some_and(|at| *at < event.at);
                let lazy_expired = matches!(self.policy, RevocationPolicy::Lazy { cache_ttl }
                    if event.at > revoked_at.saturating_add(cache_ttl));
                let after_sync_answer = self.answered_at.get(&authorization).is_some_and(|at| event.at > *at);
                let bypass = Bypass {
                    authorization,
                    dc,
                    key_id: handle.key_id,
                    revoked_at,
                    accepted_at: event.at,
                    by_attacker,
                    violation: informed || lazy_expired || after_sync_answer,
                    after_sync_answer,
                    chain: Vec::new(),
                };
                if self.bypasses.len() < MAX_RECORDED_BYPASSES {
                    self.bypasses.push(bypass.clone());
                }
                return Some(bypass);
            }
            _ => {}
        }
        None
    }

    /// An owner's app had the successful answer to a request that ends
    /// authorizations of `user_id` (`account.resetAuthorization`,
    /// `auth.resetAuthorizations`) at `at`: every revocation of the account
    /// such a request committed by then is promised done everywhere.
    pub fn owner_answered(&mut self, user_id: UserId, at: Instant) {
        let Some(awaiting) = self.awaiting_answer.get_mut(&user_id) else {
            return;
        };
        let (answered, still): (Vec<_>, Vec<_>) = awaiting.drain(..).partition(|(_, revoked)| *revoked <= at);
        *awaiting = still;
        for (hash, _) in answered {
            self.answered_at.entry((user_id, hash)).or_insert(at);
        }
    }

    pub fn bypasses(&self) -> &[Bypass] {
        &self.bypasses
    }

    /// Bypasses by attackers (what `logout_bypasses` counts).
    pub fn attacker_bypasses(&self) -> impl Iterator<Item = &Bypass> + '_ {
        self.bypasses.iter().filter(|bypass| bypass.by_attacker)
    }

    pub fn violations(&self) -> impl Iterator<Item = &Bypass> + '_ {
        self.bypasses.iter().filter(|bypass| bypass.violation)
    }

    /// Give each attacker bypass its causal chain: how the attacker came
    /// to hold the key (`chain_to`, asked once per key), then "revoked at"
    /// the authorization, then "request accepted after" on the key.
    pub fn explain(&mut self, chain_to: impl Fn(&Credential) -> Vec<ChainStep>) {
        let mut known: BTreeMap<(DcId, AuthKeyId), Vec<ChainStep>> = BTreeMap::new();
        for bypass in self.bypasses.iter_mut().filter(|bypass| bypass.by_attacker) {
            let key = Credential::Key {
                dc: bypass.dc,
                key_id: bypass.key_id,
            };
            let mut chain = known
                .entry((bypass.dc, bypass.key_id))
                .or_insert_with(|| chain_to(&key))
                .clone();
            let (user_id, hash) = bypass.authorization;
            chain.push(ChainStep {
                credential: Credential::Authorization { user_id, hash },
                link: Some(Link::RevokedAt),
                at: bypass.revoked_at,
            });
            chain.push(ChainStep {
                credential: key,
                link: Some(Link::AcceptedAfterRevocation),
                at: bypass.accepted_at,
            });
            bypass.chain = chain;
        }
    }

    /// When authorization `id` was revoked, if it was.
    pub fn revoked_at(&self, id: AuthorizationId) -> Option<Instant> {
        self.revoked_at.get(&id).copied()
    }

    /// The home authorization a key acts for on a DC.
    pub fn acts_for(&self, dc: DcId, key_id: AuthKeyId) -> Option<AuthorizationId> {
        self.acts_for.get(&(dc, key_id)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessionlab_proto::auth::RevocationCause;
    use sessionlab_proto::auth::{AuthorizationHandle, AuthorizationKind};

    fn at(seconds: u64) -> Instant {
        Instant::from_unix_seconds(1_767_225_600 + seconds)
    }

    fn event(seconds: u64, dc: DcId, kind: AuthEventKind) -> AuthEvent {
        AuthEvent {
            at: at(seconds),
            dc,
            kind,
        }
    }

    fn accepted(seconds: u64, dc: DcId, key_id: AuthKeyId) -> AuthEvent {
        let handle = AuthorizationHandle {
            user_id: UserId(1),
            hash: AuthorizationHash(10),
            kind: AuthorizationKind::Home,
            key_id,
            perm_key_id: key_id,
            via_temp: false,
        };
        event(seconds, dc, AuthEventKind::RequestAccepted { handle })
    }

    fn setup(policy: RevocationPolicy) -> BypassOracle {
        let mut oracle = BypassOracle::new(policy);
        let created = AuthEventKind::AuthorizationCreated {
            user_id: UserId(1),
            hash: AuthorizationHash(10),
            key_id: AuthKeyId(100),
            via: CreatedVia::Code,
            unconfirmed: false,
        };
        oracle.observe(&event(0, DcId(1), created), false);
        let imported = AuthEventKind::AuthorizationCreated {
            user_id: UserId(1),
            hash: AuthorizationHash(99),
            key_id: AuthKeyId(200),
            via: CreatedVia::Import {
                home_dc: DcId(1),
                home_hash: AuthorizationHash(10),
            },
            unconfirmed: false,
        };
        oracle.observe(&event(1, DcId(2), imported), false);
        let revoked = AuthEventKind::AuthorizationRevoked {
            user_id: UserId(1),
            hash: AuthorizationHash(10),
            key_id: AuthKeyId(100),
            cause: RevocationCause::ResetAll,
        };
        oracle.observe(&event(100, DcId(1), revoked), false);
        oracle
    }

    #[test]
    fn requests_before_the_commit_are_not_bypasses() {
        let mut oracle = setup(RevocationPolicy::Sync);
        oracle.observe(&accepted(100, DcId(1), AuthKeyId(100)), true);
        oracle.observe(&accepted(50, DcId(2), AuthKeyId(200)), true);
        assert!(oracle.bypasses().is_empty());
    }

    #[test]
    fn an_uninformed_dc_accepting_is_a_bypass_not_a_violation() {
        let mut oracle = setup(RevocationPolicy::Async {
            delay: Duration::from_secs(2),
        });
        oracle.observe(&accepted(101, DcId(2), AuthKeyId(200)), true);
        assert_eq!(oracle.attacker_bypasses().count(), 1);
        assert_eq!(oracle.violations().count(), 0);
        assert_eq!(oracle.bypasses()[0].window(), Duration::from_secs(1));
    }

    #[test]
    fn an_informed_dc_accepting_is_a_violation() {
        let mut oracle = setup(RevocationPolicy::Sync);
        oracle.observe(&accepted(101, DcId(1), AuthKeyId(100)), true);
        let derived = AuthEventKind::DerivedRevoked {
            user_id: UserId(1),
            home_hash: AuthorizationHash(10),
            key_id: AuthKeyId(200),
            reason: sessionlab_proto::auth::AuthRejection::SessionRevoked,
        };
        oracle.observe(&event(102, DcId(2), derived), false);
        oracle.observe(&accepted(103, DcId(2), AuthKeyId(200)), false);
        assert_eq!(oracle.violations().count(), 2);
        assert_eq!(
            oracle.attacker_bypasses().count(),
            1,
            "the second was the owner's own copy"
        );
    }

    #[test]
    fn lazy_promises_the_cache_ttl() {
        let mut oracle = setup(RevocationPolicy::Lazy {
            cache_ttl: Duration::from_secs(60),
        });
        oracle.observe(&accepted(150, DcId(2), AuthKeyId(200)), true);
        oracle.observe(&accepted(170, DcId(2), AuthKeyId(200)), true);
        let violations: Vec<u64> = oracle
            .violations()
            .map(|bypass| bypass.accepted_at.unix_seconds() - 1_767_225_600)
            .collect();
        assert_eq!(violations, [170]);
    }
}
