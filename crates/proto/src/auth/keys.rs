//! The key table of one DC: which authorization each auth key id is bound
//! to, why each revoked key was revoked (so the right 401 comes back), and
//! temp keys bound to permanent keys (PFS).
//!
//! A revoked key is dead: it is remembered (a FIFO of at most
//! [`MAX_REVOKED_KEYS_REMEMBERED`] keys) and never bound again, neither to a
//! new authorization nor as a temp key. Whoever holds a stolen copy of it
//! cannot log back in with it; the device that owned it makes a new key.

use crate::id::{AuthKeyId, UserId};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::authorization::DerivedAuthorization;
use super::error::AuthRejection;
use super::limits::{MAX_REVOKED_KEYS_REMEMBERED, MAX_TEMP_KEYS_PER_PERM_KEY};

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

/// Why binding a temp key failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TempBindError {
    AlreadyBound,
    TooMany,
    /// The temp key was revoked before: it is dead.
    Revoked,
}

/// Key id → binding, revoked reasons and temp keys.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyTable {
    bindings: BTreeMap<AuthKeyId, KeyBinding>,
    revoked: BTreeMap<AuthKeyId, AuthRejection>,
    /// Revocation order, for evicting the oldest reason past the bound.
    revoked_order: VecDeque<AuthKeyId>,
    temp: BTreeMap<AuthKeyId, TempBinding>,
    temp_by_perm: BTreeMap<AuthKeyId, BTreeSet<AuthKeyId>>,
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

    /// Unbind a permanent key, remember why, and end its temp keys.
    /// Returns the ended temp keys.
    pub(crate) fn revoke(&mut self, key_id: AuthKeyId, reason: AuthRejection) -> Vec<AuthKeyId> {
        self.bindings.remove(&key_id);
        // A temp key revoked on its own stops acting for its permanent key.
        if let Some(binding) = self.temp.remove(&key_id) {
            self.unindex_temp(binding.perm_key_id, key_id);
        }
        self.remember_revoked(key_id, reason);
        let temps: Vec<AuthKeyId> = self
            .temp_by_perm
            .remove(&key_id)
            .unwrap_or_default()
            .into_iter()
            .collect();
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
    /// permanent key of an unexpired temp binding. Returns (perm, via_temp).
    pub(crate) fn resolve(&self, now: Instant, key_id: AuthKeyId) -> Result<(AuthKeyId, bool), AuthRejection> {
        match self.temp.get(&key_id) {
            Some(binding) if now < binding.expires_at => Ok((binding.perm_key_id, true)),
            Some(_) => Err(AuthRejection::KeyUnregistered),
            None => Ok((key_id, false)),
        }
    }

    pub(crate) fn temp_binding(&self, temp_key_id: AuthKeyId) -> Option<TempBinding> {
        self.temp.get(&temp_key_id).copied()
    }

    /// Bind a temp key to a permanent key until `expires_at`.
    pub(crate) fn bind_temp(&mut self, temp_key_id: AuthKeyId, binding: TempBinding) -> Result<(), TempBindError> {
        match self.temp.get(&temp_key_id) {
            Some(existing) if existing.perm_key_id != binding.perm_key_id => return Err(TempBindError::AlreadyBound),
            _ => {}
        }
        if self.bindings.contains_key(&temp_key_id) {
            return Err(TempBindError::AlreadyBound);
        }
        if self.is_revoked(temp_key_id) {
            return Err(TempBindError::Revoked);
        }
        let temps = self.temp_by_perm.entry(binding.perm_key_id).or_default();
        if !temps.contains(&temp_key_id) && temps.len() >= MAX_TEMP_KEYS_PER_PERM_KEY {
            return Err(TempBindError::TooMany);
        }
        temps.insert(temp_key_id);
        self.temp.insert(temp_key_id, binding);
        Ok(())
    }

    /// Drop a temp binding whose time is up; returns it when it was due.
    pub(crate) fn expire_temp(&mut self, now: Instant, temp_key_id: AuthKeyId) -> Option<TempBinding> {
        let binding = self
            .temp
            .get(&temp_key_id)
            .copied()
            .filter(|binding| now >= binding.expires_at)?;
        self.temp.remove(&temp_key_id);
        self.unindex_temp(binding.perm_key_id, temp_key_id);
        Some(binding)
    }

    fn unindex_temp(&mut self, perm_key_id: AuthKeyId, temp_key_id: AuthKeyId) {
        if let Some(temps) = self.temp_by_perm.get_mut(&perm_key_id) {
            temps.remove(&temp_key_id);
            if temps.is_empty() {
                self.temp_by_perm.remove(&perm_key_id);
            }
        }
    }

    /// Keys bound to derived authorizations.
    pub(crate) fn derived_keys(&self) -> impl Iterator<Item = AuthKeyId> + '_ {
        self.bindings
            .iter()
            .filter(|(_, b)| matches!(b, KeyBinding::Derived(_)))
            .map(|(k, _)| *k)
    }

    /// The temp-key indexes agree and respect their bounds.
    pub(crate) fn check_invariants(&self) {
        let indexed: usize = self.temp_by_perm.values().map(BTreeSet::len).sum();
        assert_eq!(indexed, self.temp.len(), "temp index out of step");
        for (perm, temps) in &self.temp_by_perm {
            assert!(!temps.is_empty() && temps.len() <= MAX_TEMP_KEYS_PER_PERM_KEY);
            for temp in temps {
                assert_eq!(self.temp.get(temp).map(|b| b.perm_key_id), Some(*perm));
                assert!(!self.bindings.contains_key(temp), "a key is both temp and permanent");
            }
        }
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

    /// Temp keys currently bound to `perm_key_id`.
    #[cfg(test)]
    pub(crate) fn temps_of(&self, perm_key_id: AuthKeyId) -> Vec<AuthKeyId> {
        self.temp_by_perm
            .get(&perm_key_id)
            .map(|temps| temps.iter().copied().collect())
            .unwrap_or_default()
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

    #[test]
    fn a_revoked_key_cannot_become_a_temp_key() {
        let mut table = KeyTable::default();
        table.bind(AuthKeyId::new(5), home(1));
        table.revoke(AuthKeyId::new(5), AuthRejection::KeyUnregistered);
        let binding = TempBinding {
            perm_key_id: AuthKeyId::new(1),
            expires_at: Instant::from_unix_seconds(10),
        };
        assert_eq!(table.bind_temp(AuthKeyId::new(5), binding), Err(TempBindError::Revoked));
        assert!(table.temps_of(AuthKeyId::new(1)).is_empty());
    }

    #[test]
    fn temp_keys_resolve_until_expiry_and_die_with_their_perm_key() {
        let mut table = KeyTable::default();
        table.bind(AuthKeyId::new(1), home(1));
        let expires_at = Instant::from_unix_seconds(100);
        table
            .bind_temp(
                AuthKeyId::new(9),
                TempBinding {
                    perm_key_id: AuthKeyId::new(1),
                    expires_at,
                },
            )
            .expect("bind");
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
            table.bind_temp(
                AuthKeyId::new(9),
                TempBinding {
                    perm_key_id: AuthKeyId::new(2),
                    expires_at
                }
            ),
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
    fn temp_keys_per_perm_key_are_bounded_and_expire() {
        let mut table = KeyTable::default();
        let expires_at = Instant::from_unix_seconds(10);
        for temp in 0..MAX_TEMP_KEYS_PER_PERM_KEY as u64 {
            table
                .bind_temp(
                    AuthKeyId::new(100 + temp),
                    TempBinding {
                        perm_key_id: AuthKeyId::new(1),
                        expires_at,
                    },
                )
                .expect("bind");
        }
        assert_eq!(
            table.bind_temp(
                AuthKeyId::new(99),
                TempBinding {
                    perm_key_id: AuthKeyId::new(1),
                    expires_at
                }
            ),
            Err(TempBindError::TooMany)
        );
        assert_eq!(
            table.expire_temp(Instant::from_unix_seconds(9), AuthKeyId::new(100)),
            None
        );
        assert!(table.expire_temp(expires_at, AuthKeyId::new(100)).is_some());
        assert_eq!(table.temps_of(AuthKeyId::new(1)).len(), MAX_TEMP_KEYS_PER_PERM_KEY - 1);
    }

    #[derive(Clone, Debug)]
    enum KeyOp {
        Bind(u64),
        Revoke(u64),
        BindTemp(u64, u64, u64),
        Expire(u64, u64),
    }

    fn key_op() -> impl proptest::strategy::Strategy<Value = KeyOp> {
        use proptest::prelude::*;
        prop_oneof![
            (0u64..6).prop_map(KeyOp::Bind),
            (0u64..6).prop_map(KeyOp::Revoke),
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
