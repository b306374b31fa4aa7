//! [`DcAuthority`]: one datacenter's session-layer state and its queues of
//! effects and events. The operations live in the sibling modules as
//! further `impl DcAuthority` blocks; this file holds the state, account
//! registration, timers and the plumbing every operation shares.

use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use std::collections::{BTreeMap, BTreeSet};

use rand_core::RngCore;

use super::account::Account;
use super::account_table::AccountTable;
use super::duplicate::KeyUseWatch;
use super::events::{AuthDrops, AuthEvent, AuthEventKind, Effect};
use super::fifo::FifoMap;
use super::keys::KeyTable;
use super::limits::{
    MAX_ACCOUNTS_PER_DC, MAX_LOGIN_TOKENS_PER_DC, MAX_QUEUED_EFFECTS, MAX_QUEUED_EVENTS, MAX_REVOKED_HOME_TOMBSTONES,
    MAX_USED_EXPORT_NONCES,
};
use super::login::PendingCode;
use super::policy::Policy;
use super::qr::LoginToken;
use super::qr_migrate::{Migration, PendingImport};
use super::revoke::PendingRevocation;
use super::timers::{Timer, Timers};
use super::{error::AuthRejection, error::RpcError};
use crate::queue::BoundedQueue;
use crate::time::Instant;

/// Bytes of the secret all DCs of a cluster share (MACs exported tokens).
pub(crate) const CLUSTER_SECRET_BYTES: usize = 32;

/// One DC's session layer, sans-IO.
///
/// A `DcAuthority` is driven by calls that take `now` and emits polled
/// [`Effect`]s and [`AuthEvent`]s; it reads no clock, RNG or network of its
/// own. Its methods are of four kinds:
///
/// - A. Simple getters, taking `&self` ([`dc_id`](Self::dc_id),
///   [`account`](Self::account), [`peek`](Self::peek), ...).
/// - B. Handlers for what arrives from outside, named `handle_*`:
///   [`handle_inter_dc`](Self::handle_inter_dc) (a message from another
///   datacenter) and [`handle_timeout`](Self::handle_timeout) (time passed).
/// - C. The API operations a server runs for a decoded request
///   ([`send_code`](Self::send_code), [`sign_in`](Self::sign_in),
///   [`reset_authorizations`](Self::reset_authorizations), ...): each
///   answers with a value or an [`RpcError`] and may queue effects and events.
/// - D. Polling functions for what the caller must carry out or observe,
///   named `poll_*`, each returning `None` when nothing is left.
///
/// The simplest way to use it correctly is to call (B) and (C) whenever
/// appropriate and, after each of those calls, call the polling functions
/// in this order until each returns `None`:
///
/// 1. [`poll_effect`](Self::poll_effect): notifications, login codes,
///    inter-DC messages and released answers to carry out;
/// 2. [`poll_event`](Self::poll_event): typed facts for metrics and oracles;
/// 3. [`poll_timeout`](Self::poll_timeout): the instant to call
///    [`handle_timeout`](Self::handle_timeout) at next.
///
/// Effects and events each leave in the order they were queued (first in,
/// first out). The only dependency between the steps is from (3) to (1) and
/// (2): carrying out an effect never queues more of them, but a later (B) or
/// (C) call may arm a new timer. (A) may be called whenever desired.
///
/// Both queues are bounded ([`MAX_QUEUED_EFFECTS`](super::MAX_QUEUED_EFFECTS),
/// [`MAX_QUEUED_EVENTS`](super::MAX_QUEUED_EVENTS)); a caller that polls
/// after every call never comes near them. Past a bound the newest item is
/// dropped and counted in [`drops`](Self::drops); a dropped effect is also
/// reported as [`AuthEventKind::EffectDropped`] — nothing is lost silently.
///
/// Time must not go backwards: every call's `now` is at or after the
/// previous call's.
#[derive(Debug)]
pub struct DcAuthority {
    pub(crate) dc_id: DcId,
    pub(crate) cluster_secret: [u8; CLUSTER_SECRET_BYTES],
    pub(crate) policy: Policy,
    pub(crate) accounts: AccountTable,
    /// Accounts by [`phone_index_key`] of their number.
    pub(crate) phones: BTreeMap<String, UserId>,
    pub(crate) keys: KeyTable,
    /// Where and when each bound key was last used (`AUTH_KEY_DUPLICATED`).
    pub(crate) key_uses: KeyUseWatch,
    /// Derived authorizations on this DC by the home authorization they derive from.
    pub(crate) derived_by_home: BTreeMap<(UserId, AuthorizationHash), BTreeSet<AuthKeyId>>,
    /// Keys in `derived_by_home`, counted as they come and go: the limit
    /// check on every import must not walk the whole index.
    pub(crate) derived_total: usize,
    /// Temp keys whose time ran out, for the transport to forget.
    pub(crate) dead_temp_keys: Vec<AuthKeyId>,
    /// Login codes by (user, phone_code_hash).
    pub(crate) codes: BTreeMap<(UserId, u64), PendingCode>,
    /// QR login tokens exported here, by id.
    pub(crate) login_tokens: BTreeMap<u64, LoginToken>,
    /// Keys whose token another DC accepted: where to import it.
    pub(crate) login_migrations: BTreeMap<AuthKeyId, Migration>,
    /// Tokens exported elsewhere and accepted here, by import token id.
    pub(crate) login_imports: BTreeMap<u64, PendingImport>,
    /// (exporting DC, token id) of tokens accepted here (one-time use).
    pub(crate) accepted_foreign_tokens: FifoMap<(DcId, u64), ()>,
    /// Revocations awaiting acknowledgements (home side).
    pub(crate) revocations: BTreeMap<u64, PendingRevocation>,
    /// Home authorizations known to be revoked, with why: on the home DC to
    /// answer lazy re-validation, on a target DC to refuse late imports.
    pub(crate) revoked_homes: FifoMap<(UserId, AuthorizationHash), AuthRejection>,
    /// Nonces of imported tokens (one-time use).
    pub(crate) used_export_nonces: FifoMap<u64, ()>,
    pub(crate) timers: Timers,
    effects: BoundedQueue<Effect>,
    events: BoundedQueue<AuthEvent>,
    drops: AuthDrops,
    /// Creation counter of authorizations: "oldest first" is lowest first.
    pub(crate) next_serial: u64,
    /// Counter for revocation and held-answer ids.
    pub(crate) next_id: u64,
}

impl DcAuthority {
    /// A DC with no accounts. All DCs of a cluster share `cluster_secret`.
    pub fn new(dc_id: DcId, cluster_secret: [u8; CLUSTER_SECRET_BYTES], policy: Policy) -> DcAuthority {
        #[allow(unused_mut)]
        let mut keys = KeyTable::default();
        #[cfg(feature = "mutants")]
        {
            keys.mutant = policy.mutant;
        }
        DcAuthority {
            dc_id,
            cluster_secret,
            policy,
            accounts: AccountTable::default(),
            phones: BTreeMap::new(),
            keys,
            key_uses: KeyUseWatch::default(),
            derived_by_home: BTreeMap::new(),
            derived_total: 0,
            dead_temp_keys: Vec::new(),
            codes: BTreeMap::new(),
            login_tokens: BTreeMap::new(),
            login_migrations: BTreeMap::new(),
            login_imports: BTreeMap::new(),
            accepted_foreign_tokens: FifoMap::new(MAX_LOGIN_TOKENS_PER_DC),
            revocations: BTreeMap::new(),
            revoked_homes: FifoMap::new(MAX_REVOKED_HOME_TOMBSTONES),
            used_export_nonces: FifoMap::new(MAX_USED_EXPORT_NONCES),
            timers: Timers::default(),
            effects: BoundedQueue::new(MAX_QUEUED_EFFECTS),
            events: BoundedQueue::new(MAX_QUEUED_EVENTS),
            drops: AuthDrops::default(),
            next_serial: 1,
            next_id: 1,
        }
    }

    /// This datacenter's id.
    pub fn dc_id(&self) -> DcId {
        self.dc_id
    }

    /// The knobs this DC runs with.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Register an account homed on this DC (sign-up is not modelled: the
    /// simulator creates its population this way).
    pub fn register_account(&mut self, user_id: UserId, phone: &str) -> Result<(), RpcError> {
        if phone_index_key(phone).is_empty() || phone.len() > 32 {
            return Err(RpcError::PhoneNumberInvalid);
        }
        if self.phones.contains_key(&phone_index_key(phone)) || self.accounts.contains_key(&user_id) {
            return Err(RpcError::PhoneNumberOccupied);
        }
        if self.accounts.len() >= MAX_ACCOUNTS_PER_DC {
            return Err(RpcError::LimitExceeded);
        }
        let account = Account::new(
            user_id,
            phone.to_string(),
            self.dc_id,
            self.policy.authorization_ttl_days,
        );
        let stored = self.accounts.insert(account);
        debug_assert!(stored, "checked above: the user id is new");
        self.phones.insert(phone_index_key(phone), user_id);
        Ok(())
    }

    /// An account homed here.
    pub fn account(&self, user_id: UserId) -> Option<&Account> {
        self.accounts.get(&user_id)
    }

    /// The account registered with `phone` (`+` and separators aside:
    /// Telethon sends `9996610001` for `+9996610001`).
    pub fn user_of_phone(&self, phone: &str) -> Option<UserId> {
        self.phones.get(&phone_index_key(phone)).copied()
    }

    /// Accounts homed here, by user id.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// Whether `key_id` is bound to a (home or derived) authorization here.
    pub fn is_key_bound(&self, key_id: AuthKeyId) -> bool {
        self.keys.is_bound(key_id)
    }

    /// Number of derived authorizations on this DC.
    pub fn derived_count(&self) -> usize {
        self.derived_total
    }

    /// Revocations still waiting for other DCs.
    pub fn pending_revocations(&self) -> usize {
        self.revocations.len()
    }

    /// The earliest instant at which [`handle_timeout`](Self::handle_timeout) has work.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// Run every timer due at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((_, timer)) = self.timers.pop_due(now) {
            self.fire(now, timer);
        }
    }

    fn fire(&mut self, now: Instant, timer: Timer) {
        match timer {
            Timer::AuthorizationTtl { user_id, serial } => self.check_ttl(now, user_id, serial),
            Timer::AutoConfirm { user_id, serial } => self.auto_confirm(now, user_id, serial),
            Timer::CodeExpiry {
                user_id,
                phone_code_hash,
            } => self.expire_code(now, user_id, phone_code_hash),
            Timer::LoginTokenPurge { token_id } => self.purge_login_token(now, token_id),
            Timer::LoginImportPurge { import_id } => self.purge_login_import(now, import_id),
            Timer::RevocationSend { revocation_id } => self.send_revocation(now, revocation_id),
            Timer::DeletionLock { user_id } => self.lock_after_wait(now, user_id),
            Timer::TempKeyExpiry { temp_key_id } => self.expire_temp_key(now, temp_key_id),
        }
    }

    /// The next effect the caller must carry out, in the order queued.
    #[must_use]
    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop()
    }

    /// The next event, in the order it happened.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<AuthEvent> {
        self.events.pop()
    }

    /// What this DC's session layer dropped so far, by kind.
    #[must_use]
    pub fn drops(&self) -> AuthDrops {
        self.drops
    }

    /// Queue an effect; past [`MAX_QUEUED_EFFECTS`] it is dropped, counted
    /// and reported as [`AuthEventKind::EffectDropped`] at `at`.
    pub(crate) fn effect(&mut self, at: Instant, effect: Effect) {
        if self.effects.push(effect).is_err() {
            self.drops.effects_over_limit += 1;
            self.event(at, AuthEventKind::EffectDropped);
        }
    }

    /// Queue an event; past [`MAX_QUEUED_EVENTS`] it is dropped and counted.
    pub(crate) fn event(&mut self, at: Instant, kind: AuthEventKind) {
        let event = AuthEvent {
            at,
            dc: self.dc_id,
            kind,
        };
        if self.events.push(event).is_err() {
            self.drops.events_over_limit += 1;
        }
    }

    /// A fresh id for revocations and held answers.
    pub(crate) fn allocate_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A random authorization hash, never 0 and unique within the account.
    /// A degenerate RNG cannot spin us forever: after a bounded number of
    /// draws the next creation serial (unique on this DC) is used.
    pub(crate) fn fresh_hash(&self, user_id: UserId, rng: &mut impl RngCore) -> AuthorizationHash {
        const MAX_HASH_DRAWS: usize = 16;
        let free = |hash: AuthorizationHash| {
            hash != AuthorizationHash::new(0)
                && self
                    .accounts
                    .get(&user_id)
                    .is_none_or(|account| account.serial_of_hash(hash).is_none())
        };
        (0..MAX_HASH_DRAWS)
            .map(|_| AuthorizationHash::new(rng.next_u64() as i64))
            .find(|hash| free(*hash))
            .unwrap_or_else(|| {
                AuthorizationHash::new(i64::try_from(self.next_serial).unwrap_or(i64::MAX).wrapping_neg())
            })
    }
}

/// How a phone number is looked up: its digits only. Telegram takes
/// `+351 912 345 678`, `+351912345678` and `351912345678` as one number,
/// and stock clients send it without the `+`.
pub(crate) fn phone_index_key(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RNG that always yields zero: the worst case for `fresh_hash`.
    struct Zeros;

    impl RngCore for Zeros {
        fn next_u32(&mut self) -> u32 {
            0
        }
        fn next_u64(&mut self) -> u64 {
            0
        }
        fn fill_bytes(&mut self, bytes: &mut [u8]) {
            bytes.fill(0);
        }
    }

    #[test]
    fn registration_rejects_bad_and_taken_numbers() {
        let mut dc = DcAuthority::new(DcId::new(1), [0; CLUSTER_SECRET_BYTES], Policy::default());
        assert_eq!(
            dc.register_account(UserId::new(1), ""),
            Err(RpcError::PhoneNumberInvalid)
        );
        assert_eq!(
            dc.register_account(UserId::new(1), &"9".repeat(33)),
            Err(RpcError::PhoneNumberInvalid)
        );
        assert_eq!(dc.register_account(UserId::new(1), "+1"), Ok(()));
        assert_eq!(
            dc.register_account(UserId::new(2), "+1"),
            Err(RpcError::PhoneNumberOccupied)
        );
        assert_eq!(
            dc.register_account(UserId::new(1), "+2"),
            Err(RpcError::PhoneNumberOccupied)
        );
        assert_eq!(dc.user_of_phone("+1"), Some(UserId(1)));
        assert_eq!(dc.account(UserId::new(1)).map(|a| a.authorization_ttl_days), Some(180));
    }

    #[test]
    fn a_degenerate_rng_still_yields_a_nonzero_hash() {
        let dc = DcAuthority::new(DcId::new(1), [0; CLUSTER_SECRET_BYTES], Policy::default());
        assert_eq!(dc.fresh_hash(UserId::new(1), &mut Zeros), AuthorizationHash::new(-1));
    }

    #[test]
    fn unpolled_events_past_the_bound_are_dropped_newest_first_and_counted() {
        let mut dc = DcAuthority::new(DcId::new(1), [0; CLUSTER_SECRET_BYTES], Policy::default());
        for user_id in 0..MAX_QUEUED_EVENTS as u64 + 3 {
            dc.event(
                Instant::EPOCH,
                AuthEventKind::AccountBlocked {
                    user_id: UserId::new(user_id),
                },
            );
        }
        assert_eq!(dc.drops().events_over_limit, 3);
        let events: Vec<AuthEvent> = std::iter::from_fn(|| dc.poll_event()).collect();
        assert_eq!(events.len(), MAX_QUEUED_EVENTS);
        assert_eq!(
            events.first().map(|e| e.kind.clone()),
            Some(AuthEventKind::AccountBlocked {
                user_id: UserId::new(0)
            })
        );
        assert_eq!(
            events.last().map(|e| e.kind.clone()),
            Some(AuthEventKind::AccountBlocked {
                user_id: UserId::new(MAX_QUEUED_EVENTS as u64 - 1)
            })
        );
        assert_eq!(dc.poll_event(), None);
    }

    #[test]
    fn a_dropped_effect_is_counted_and_reported() {
        let mut dc = DcAuthority::new(DcId::new(1), [0; CLUSTER_SECRET_BYTES], Policy::default());
        let released = |answer_id| Effect::ReleaseAnswer {
            answer_id,
            key_id: AuthKeyId::new(1),
            result: Ok(()),
        };
        for answer_id in 0..MAX_QUEUED_EFFECTS as u64 + 1 {
            dc.effect(Instant::EPOCH, released(answer_id));
        }
        assert_eq!(
            dc.drops(),
            AuthDrops {
                effects_over_limit: 1,
                events_over_limit: 0
            }
        );
        assert_eq!(dc.poll_effect(), Some(released(0)));
        assert_eq!(dc.poll_event().map(|e| e.kind), Some(AuthEventKind::EffectDropped));
        assert_eq!(dc.poll_event(), None);
    }
}
