//! The key table of one DC: which authorization each auth key id is bound
//! to, why each revoked key was revoked (so the right 401 comes back), and
//! temp keys bound to permanent keys (PFS).
//!
//! A revoked key is dead: it is remembered (a FIFO of at most
//! [`MAX_REVOKED_KEYS_REMEMBERED`] keys) and never bound again, neither to a
//! new authorization nor as a temp key. Whoever holds a stolen copy of it
//! cannot log back in with it; the device that owned it makes a new key.

use crate::id::{AuthKeyId, UserId};
use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use super::authorization::DerivedAuthorization;
use super::error::AuthRejection;
use super::limits::{MAX_LIVE_TEMP_KEYS, MAX_REVOKED_KEYS_REMEMBERED};

use crate::time::Instant;

/// What a permanent key is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyBinding {
    /// A home authorization: the account and the authorization's serial.
    Home { user_id: UserId, serial: u64 },
    /// A derived authorization imported from another DC.
    Derived(DerivedAuthorization),
}

/// A temp key's binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TempBinding {
    pub perm_key_id: AuthKeyId,
    pub expires_at: Instant,
}

/// A temp key, from a temp key exchange (`p_q_inner_data_temp_dc`): it
/// dies at `expires_at`, and acts for a permanent key only while bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TempKey {
    pub expires_at: Instant,
    pub bound_to: Option<AuthKeyId>,
    /// The permanent key a newer binding took it from, once replaced.
    pub replaced_from: Option<AuthKeyId>,
}

/// Why binding a temp key failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TempBindError {
    /// The key the request came under is not a temp key.
    NotTemp,
    /// Bound to another permanent key, or the "permanent" key is a temp key.
    AlreadyBound,
    /// [`MAX_LIVE_TEMP_KEYS`] are alive already.
    TooMany,
    /// The temp key was revoked before: it is dead.
    Revoked,
}

/// Key id → binding, revoked reasons and temp keys. Every packet looks its
/// key up here: hash maps with a fixed-key hasher, which nothing iterates
/// in an order that reaches an output (only counts and invariant checks).
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyTable {
    bindings: FxHashMap<AuthKeyId, KeyBinding>,
    revoked: FxHashMap<AuthKeyId, AuthRejection>,
    /// Revocation order, for evicting the oldest reason past the bound.
    revoked_order: VecDeque<AuthKeyId>,
    /// Every live temp key, bound or not.
    temp: FxHashMap<AuthKeyId, TempKey>,
    /// Permanent key → the one temp key bound to it (api/pfs: binding a
    /// new one overwrites the previous).
    temp_by_perm: FxHashMap<AuthKeyId, AuthKeyId>,
    /// The policy's mutant (the table has no policy of its own).
    #[cfg(feature = "mutants")]
    pub(crate) mutant: Option<crate::mutant::Mutant>,
}

impl KeyTable {
    pub(crate) fn binding(&self, key_id: AuthKeyId) -> Option<&KeyBinding> {
        self.bindings.get(&key_id)
    }

    pub(crate) fn binding_mut(&mut self, key_id: AuthKeyId) -> Option<&mut KeyBinding> {
        self.bindings.get_mut(&key_id)
    }

    /// Whether `key_id` is in use: bound to an authorization or as a temp key.
    pub(crate) fn is_bound(&self, key_id: AuthKeyId) -> bool {
        self.bindings.contains_key(&key_id) || self.temp.contains_key(&key_id)
    }

    pub(crate) fn bound_count(&self) -> usize {
        self.bindings.len()
    }

    /// Whether `key_id` was revoked (and is still remembered): a dead key.
    pub(crate) fn is_revoked(&self, key_id: AuthKeyId) -> bool {
        self.revoked.contains_key(&key_id)
    }

    /// Bind a permanent key; it must be neither bound already nor revoked
    /// (callers check both).
    pub(crate) fn bind(&mut self, key_id: AuthKeyId, binding: KeyBinding) {
        assert!(!self.temp.contains_key(&key_id), "key {key_id:#x} is a temp key");
        assert!(!self.is_revoked(key_id), "key {key_id:#x} was revoked: it is dead");
        let previous = self.bindings.insert(key_id, binding);
        assert!(previous.is_none(), "key {key_id:#x} bound twice");
    }

    /// Unbind a permanent key, remember why, and end its temp key.
    /// Returns the ended temp keys.
    pub(crate) fn revoke(&mut self, key_id: AuthKeyId, reason: AuthRejection) -> Vec<AuthKeyId> {
        self.bindings.remove(&key_id);
        // A temp key revoked on its own stops acting for its permanent key.
        if let Some(temp) = self.temp.remove(&key_id) {
            if let Some(perm_key_id) = temp.bound_to {
                self.temp_by_perm.remove(&perm_key_id);
            }
        }
        self.remember_revoked(key_id, reason);
        #[cfg(feature = "mutants")]
        if crate::mutant::is(self.mutant, crate::mutant::Mutant::TempKeysOutlivePermanent) {
            return Vec::new();
        }
        let temps: Vec<AuthKeyId> = self.temp_by_perm.remove(&key_id).into_iter().collect();
        for temp_key_id in &temps {
            self.temp.remove(temp_key_id);
            self.remember_revoked(*temp_key_id, reason);
        }
        temps
    }

    fn remember_revoked(&mut self, key_id: AuthKeyId, reason: AuthRejection) {
        if self.revoked.insert(key_id, reason).is_none() {
            self.revoked_order.push_back(key_id);
        }
        while self.revoked_order.len() > MAX_REVOKED_KEYS_REMEMBERED {
            if let Some(oldest) = self.revoked_order.pop_front() {
                self.revoked.remove(&oldest);
            }
        }
    }

    /// Why a key that is not bound is rejected.
    pub(crate) fn rejection_of_unbound(&self, key_id: AuthKeyId) -> AuthRejection {
        self.revoked
            .get(&key_id)
            .copied()
            .unwrap_or(AuthRejection::KeyUnregistered)
    }

    /// Resolve a key to the permanent key it acts as: itself, or the
    /// permanent key of a live bound temp key. Returns (perm, via_temp).
    /// An unbound temp key acts for nobody (`AUTH_KEY_PERM_EMPTY`).
    pub(crate) fn resolve(&self, now: Instant, key_id: AuthKeyId) -> Result<(AuthKeyId, bool), AuthRejection> {
        match self.temp.get(&key_id) {
            Some(temp) if now >= temp.expires_at => Err(AuthRejection::KeyUnregistered),
            Some(TempKey {
                bound_to: Some(perm_key_id),
                ..
            }) => Ok((*perm_key_id, true)),
            Some(_) => Err(AuthRejection::PermKeyEmpty),
            None => Ok((key_id, false)),
        }
    }

    /// The temp key bound to `perm_key_id`, if any.
    pub(crate) fn temp_of(&self, perm_key_id: AuthKeyId) -> Option<AuthKeyId> {
        self.temp_by_perm.get(&perm_key_id).copied()
    }

    /// The permanent key a request under `key_id` is a use of: itself, the
    /// one a live temp key is bound to, or the one a newer binding took it
    /// from (its holder still uses that permanent key's authorization).
    pub(crate) fn used_for(&self, now: Instant, key_id: AuthKeyId) -> Option<AuthKeyId> {
        match self.temp.get(&key_id) {
            Some(temp) if now >= temp.expires_at => None,
            Some(temp) => temp.bound_to.or(temp.replaced_from),
            None => Some(key_id),
        }
    }

    /// Whether `key_id` is a live temp key (bound or not).
    pub(crate) fn is_temp(&self, key_id: AuthKeyId) -> bool {
        self.temp.contains_key(&key_id)
    }

    /// The binding of a bound temp key.
    pub(crate) fn temp_binding(&self, temp_key_id: AuthKeyId) -> Option<TempBinding> {
        let temp = self.temp.get(&temp_key_id)?;
        temp.bound_to.map(|perm_key_id| TempBinding {
            perm_key_id,
            expires_at: temp.expires_at,
        })
    }

    /// A temp key the key exchange just made, alive until `expires_at`.
    pub(crate) fn register_temp(&mut self, temp_key_id: AuthKeyId, expires_at: Instant) -> Result<(), TempBindError> {
        let known = self.bindings.contains_key(&temp_key_id)
            || self.temp.contains_key(&temp_key_id)
            || self.temp_by_perm.contains_key(&temp_key_id);
        if known {
            return Err(TempBindError::AlreadyBound);
        }
        if self.is_revoked(temp_key_id) {
            return Err(TempBindError::Revoked);
        }
        if self.temp.len() >= MAX_LIVE_TEMP_KEYS {
            return Err(TempBindError::TooMany);
        }
        self.temp.insert(
            temp_key_id,
            TempKey {
                expires_at,
                bound_to: None,
                replaced_from: None,
            },
        );
        Ok(())
    }

    /// Bind a temp key to a permanent key; it dies at `binding.expires_at`
    /// if that is sooner. A temp key bound to the permanent key before is
    /// unbound and returned (it stays alive, acting for nobody).
    pub(crate) fn bind_temp(
        &mut self,
        temp_key_id: AuthKeyId,
        binding: TempBinding,
    ) -> Result<Option<AuthKeyId>, TempBindError> {
        if self.is_revoked(temp_key_id) {
            return Err(TempBindError::Revoked);
        }
        if self.temp.contains_key(&binding.perm_key_id) {
            return Err(TempBindError::AlreadyBound);
        }
        let temp = self.temp.get_mut(&temp_key_id).ok_or(TempBindError::NotTemp)?;
        match temp.bound_to {
            Some(perm_key_id) if perm_key_id != binding.perm_key_id => return Err(TempBindError::AlreadyBound),
            _ => {}
        }
        temp.bound_to = Some(binding.perm_key_id);
        temp.expires_at = temp.expires_at.min(binding.expires_at);
        let replaced = self
            .temp_by_perm
            .insert(binding.perm_key_id, temp_key_id)
            .filter(|previous| *previous != temp_key_id);
        if let Some(previous) = replaced {
            if let Some(previous_key) = self.temp.get_mut(&previous) {
                previous_key.bound_to = None;
                previous_key.replaced_from = Some(binding.perm_key_id);
            }
        }
        Ok(replaced)
    }

    /// Forget a temp key whose time is up; returns it when it was due.
    pub(crate) fn expire_temp(&mut self, now: Instant, temp_key_id: AuthKeyId) -> Option<TempKey> {
        let temp = self
            .temp
            .get(&temp_key_id)
            .copied()
            .filter(|temp| now >= temp.expires_at)?;
        self.temp.remove(&temp_key_id);
        if let Some(perm_key_id) = temp.bound_to {
            self.temp_by_perm.remove(&perm_key_id);
        }
        Some(temp)
    }

    /// Keys bound to derived authorizations, in no set order (callers count).
    pub(crate) fn derived_keys(&self) -> impl Iterator<Item = AuthKeyId> + '_ {
        self.bindings
            .iter()
            .filter(|(_, b)| matches!(b, KeyBinding::Derived(_)))
            .map(|(k, _)| *k)
    }

    /// The temp-key indexes agree: one temp key per permanent key, and a
    /// key is never both temp and permanent.
    pub(crate) fn check_invariants(&self) {
        let bound = self.temp.values().filter(|temp| temp.bound_to.is_some()).count();
        assert_eq!(bound, self.temp_by_perm.len(), "temp index out of step");
        for (perm, temp) in &self.temp_by_perm {
            assert_eq!(self.temp.get(temp).and_then(|key| key.bound_to), Some(*perm));
            assert!(!self.bindings.contains_key(temp), "a key is both temp and permanent");
            assert!(!self.temp.contains_key(perm), "a temp key acts as a permanent key");
        }
        assert!(self.temp.len() <= MAX_LIVE_TEMP_KEYS);
        assert!(self.revoked.len() <= MAX_REVOKED_KEYS_REMEMBERED);
        assert_eq!(
            self.revoked.len(),
            self.revoked_order.len(),
            "revoked index out of step"
        );
        for key_id in self.bindings.keys().chain(self.temp.keys()) {
            assert!(!self.revoked.contains_key(key_id), "revoked key {key_id:#x} is bound");
        }
    }

    /// The temp key bound to `perm_key_id`, if any.
    #[cfg(test)]
    pub(crate) fn temps_of(&self, perm_key_id: AuthKeyId) -> Vec<AuthKeyId> {
        self.temp_by_perm.get(&perm_key_id).copied().into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(serial: u64) -> KeyBinding {
        KeyBinding::Home {
            user_id: UserId::new(1),
            serial,
        }
    }

    #[test]
    fn revoked_keys_keep_their_reason_and_stay_dead() {
        let mut table = KeyTable::default();
        assert_eq!(
            table.rejection_of_unbound(AuthKeyId::new(5)),
            AuthRejection::KeyUnregistered
        );
        assert!(!table.is_revoked(AuthKeyId::new(5)));
        table.bind(AuthKeyId::new(5), home(1));
        assert!(table.is_bound(AuthKeyId::new(5)));
        table.revoke(AuthKeyId::new(5), AuthRejection::SessionRevoked);
        assert!(!table.is_bound(AuthKeyId::new(5)) && table.is_revoked(AuthKeyId::new(5)));
        assert_eq!(
            table.rejection_of_unbound(AuthKeyId::new(5)),
            AuthRejection::SessionRevoked
        );
        // Revoking again keeps the first reason's place in the FIFO.
        table.revoke(AuthKeyId::new(5), AuthRejection::KeyUnregistered);
        assert_eq!(
            table.rejection_of_unbound(AuthKeyId::new(5)),
            AuthRejection::KeyUnregistered
        );
        table.check_invariants();
    }

    #[test]
    #[should_panic(expected = "dead")]
    fn binding_a_revoked_key_is_a_bug() {
        let mut table = KeyTable::default();
        table.bind(AuthKeyId::new(5), home(1));
        table.revoke(AuthKeyId::new(5), AuthRejection::KeyUnregistered);
        table.bind(AuthKeyId::new(5), home(2));
    }

    fn temp(key: u64, perm: u64, expires: u64) -> (AuthKeyId, TempBinding) {
        (
            AuthKeyId::new(key),
            TempBinding {
                perm_key_id: AuthKeyId::new(perm),
                expires_at: Instant::from_unix_seconds(expires),
            },
        )
    }

    #[test]
    fn a_revoked_key_cannot_become_a_temp_key() {
        let mut table = KeyTable::default();
        table.bind(AuthKeyId::new(5), home(1));
        table.revoke(AuthKeyId::new(5), AuthRejection::KeyUnregistered);
        assert_eq!(
            table.register_temp(AuthKeyId::new(5), Instant::from_unix_seconds(10)),
            Err(TempBindError::Revoked)
        );
        let (key, binding) = temp(5, 1, 10);
        assert_eq!(table.bind_temp(key, binding), Err(TempBindError::Revoked));
        assert!(table.temps_of(AuthKeyId::new(1)).is_empty());
    }

    #[test]
    fn only_a_temp_key_from_a_temp_exchange_binds() {
        let mut table = KeyTable::default();
        table.bind(AuthKeyId::new(1), home(1));
        let (key, binding) = temp(1, 2, 10);
        assert_eq!(table.bind_temp(key, binding), Err(TempBindError::NotTemp));
        let (key, binding) = temp(9, 1, 10);
        assert_eq!(table.bind_temp(key, binding), Err(TempBindError::NotTemp));
        table
            .register_temp(key, Instant::from_unix_seconds(50))
            .expect("register");
        assert_eq!(
            table.register_temp(key, Instant::from_unix_seconds(50)),
            Err(TempBindError::AlreadyBound)
        );
        // A temp key cannot stand in for the permanent key either.
        let (other, _) = temp(8, 9, 10);
        table
            .register_temp(other, Instant::from_unix_seconds(50))
            .expect("register");
        assert_eq!(
            table.bind_temp(other, temp(8, 9, 10).1),
            Err(TempBindError::AlreadyBound)
        );
    }

    #[test]
    fn an_unbound_temp_key_acts_for_nobody() {
        let mut table = KeyTable::default();
        table
            .register_temp(AuthKeyId::new(9), Instant::from_unix_seconds(100))
            .expect("register");
        assert_eq!(
            table.resolve(Instant::from_unix_seconds(1), AuthKeyId::new(9)),
            Err(AuthRejection::PermKeyEmpty)
        );
        assert!(table.is_temp(AuthKeyId::new(9)) && table.temp_binding(AuthKeyId::new(9)).is_none());
    }

    #[test]
    fn temp_keys_resolve_until_expiry_and_die_with_their_perm_key() {
        let mut table = KeyTable::default();
        table.bind(AuthKeyId::new(1), home(1));
        let expires_at = Instant::from_unix_seconds(100);
        table
            .register_temp(AuthKeyId::new(9), Instant::from_unix_seconds(500))
            .expect("register");
        assert_eq!(table.bind_temp(AuthKeyId::new(9), temp(9, 1, 100).1), Ok(None));
        assert_eq!(
            table.temp_binding(AuthKeyId::new(9)).map(|binding| binding.expires_at),
            Some(expires_at),
            "the key dies with its binding"
        );
        assert_eq!(
            table.resolve(Instant::from_unix_seconds(99), AuthKeyId::new(9)),
            Ok((AuthKeyId(1), true))
        );
        assert_eq!(
            table.resolve(expires_at, AuthKeyId::new(9)),
            Err(AuthRejection::KeyUnregistered)
        );
        assert_eq!(table.resolve(expires_at, AuthKeyId::new(1)), Ok((AuthKeyId(1), false)));
        assert_eq!(
            table.bind_temp(AuthKeyId::new(9), temp(9, 2, 100).1),
            Err(TempBindError::AlreadyBound)
        );
        assert_eq!(
            table.revoke(AuthKeyId::new(1), AuthRejection::SessionRevoked),
            vec![AuthKeyId(9)]
        );
        assert_eq!(
            table.resolve(Instant::EPOCH, AuthKeyId::new(9)),
            Ok((AuthKeyId(9), false))
        );
        assert_eq!(
            table.rejection_of_unbound(AuthKeyId::new(9)),
            AuthRejection::SessionRevoked
        );
    }

    #[test]
    fn a_new_binding_replaces_the_previous_temp_key() {
        let mut table = KeyTable::default();
        table.bind(AuthKeyId::new(1), home(1));
        for key in [10, 11] {
            table
                .register_temp(AuthKeyId::new(key), Instant::from_unix_seconds(100))
                .expect("register");
        }
        assert_eq!(table.bind_temp(AuthKeyId::new(10), temp(10, 1, 90).1), Ok(None));
        assert_eq!(
            table.bind_temp(AuthKeyId::new(11), temp(11, 1, 90).1),
            Ok(Some(AuthKeyId::new(10)))
        );
        assert_eq!(table.temps_of(AuthKeyId::new(1)), vec![AuthKeyId::new(11)]);
        assert_eq!(
            table.resolve(Instant::EPOCH, AuthKeyId::new(10)),
            Err(AuthRejection::PermKeyEmpty)
        );
        // Binding the same key again is no replacement.
        assert_eq!(table.bind_temp(AuthKeyId::new(11), temp(11, 1, 90).1), Ok(None));
        table.check_invariants();
    }

    #[test]
    fn temp_keys_are_forgotten_when_their_time_is_up() {
        let mut table = KeyTable::default();
        table
            .register_temp(AuthKeyId::new(10), Instant::from_unix_seconds(10))
            .expect("register");
        table.bind_temp(AuthKeyId::new(10), temp(10, 1, 90).1).expect("bind");
        assert_eq!(
            table.expire_temp(Instant::from_unix_seconds(9), AuthKeyId::new(10)),
            None
        );
        assert!(table
            .expire_temp(Instant::from_unix_seconds(10), AuthKeyId::new(10))
            .is_some());
        assert!(!table.is_temp(AuthKeyId::new(10)) && table.temps_of(AuthKeyId::new(1)).is_empty());
        table.check_invariants();
    }

    #[derive(Clone, Debug)]
    enum KeyOp {
        Bind(u64),
        Revoke(u64),
        RegisterTemp(u64, u64),
        BindTemp(u64, u64, u64),
        Expire(u64, u64),
    }

    fn key_op() -> impl proptest::strategy::Strategy<Value = KeyOp> {
        use proptest::prelude::*;
        prop_oneof![
            (0u64..6).prop_map(KeyOp::Bind),
            (0u64..6).prop_map(KeyOp::Revoke),
            (0u64..12, 1u64..10).prop_map(|(t, e)| KeyOp::RegisterTemp(t, e)),
            (0u64..12, 0u64..6, 1u64..10).prop_map(|(t, p, e)| KeyOp::BindTemp(t, p, e)),
            (0u64..12, 0u64..12).prop_map(|(t, now)| KeyOp::Expire(t, now)),
        ]
    }

    proptest::proptest! {
        #[test]
        fn indexes_stay_consistent(ops in proptest::collection::vec(key_op(), 0..80)) {
            let mut table = KeyTable::default();
            for op in ops {
                match op {
                    KeyOp::Bind(key) if !table.is_bound(AuthKeyId::new(key)) && !table.is_revoked(AuthKeyId::new(key)) => table.bind(AuthKeyId::new(key), home(key)),
                    KeyOp::Bind(_) => {}
                    KeyOp::Revoke(key) => {
                        let temps = table.revoke(AuthKeyId::new(key), AuthRejection::SessionRevoked);
                        for temp in temps {
                            proptest::prop_assert_eq!(table.rejection_of_unbound(temp), AuthRejection::SessionRevoked);
                        }
                    }
                    KeyOp::RegisterTemp(temp, expires) => {
                        let _ = table.register_temp(AuthKeyId::new(temp), Instant::from_unix_seconds(expires));
                    }
                    KeyOp::BindTemp(temp, perm, expires) => {
                        let binding = TempBinding { perm_key_id: AuthKeyId::new(perm), expires_at: Instant::from_unix_seconds(expires) };
                        let _ = table.bind_temp(AuthKeyId::new(temp), binding);
                    }
                    KeyOp::Expire(temp, now) => {
                        let _ = table.expire_temp(Instant::from_unix_seconds(now), AuthKeyId::new(temp));
                    }
                }
                table.check_invariants();
            }
        }
    }
}
