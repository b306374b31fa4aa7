//! `AUTH_KEY_DUPLICATED` (api/errors, 406: "the authorization key was used
//! under two different IP addresses simultaneously, and can no longer be
//! used"): a DC remembers, per bound key, the address and time of its last
//! packet. A packet from another address within the policy's window
//! ([`DuplicateKeyPolicy::On`]) invalidates the key for both holders: a
//! home key's authorization ends (cause
//! [`RevocationCause::KeyDuplicated`], propagated like any other end), a
//! derived key's authorization on this DC ends, and every later request
//! under the key gets 406 `AUTH_KEY_DUPLICATED`.
//!
//! Bounded: at most [`MAX_WATCHED_KEYS`] keys are remembered; past that
//! the key heard from longest ago is forgotten (it is then judged afresh).

use super::authority::DcAuthority;
use super::events::{AuthEventKind, RevocationCause};
use super::keys::KeyBinding;
use super::policy::DuplicateKeyPolicy;
use crate::id::AuthKeyId;
use crate::recency::RecencyMap;
use crate::time::Instant;

/// Keys whose last use a DC remembers at most.
pub(crate) const MAX_WATCHED_KEYS: usize = 1 << 20;

/// Where and when each bound key was last used. The address is kept as a
/// fixed-key hash: its length is the caller's, and only equality matters.
/// Touched on every packet of a bound key: a [`RecencyMap`], whose hash
/// lookups cost the same at any population.
#[derive(Clone, Debug)]
pub(crate) struct KeyUseWatch {
    last: RecencyMap<AuthKeyId, u64>,
}

impl Default for KeyUseWatch {
    fn default() -> KeyUseWatch {
        KeyUseWatch::with_limit(MAX_WATCHED_KEYS)
    }
}

impl KeyUseWatch {
    fn with_limit(limit: usize) -> KeyUseWatch {
        KeyUseWatch {
            last: RecencyMap::new(limit),
        }
    }

    /// Record a use of `key_id` from `address` at `now`; returns whether it
    /// was a use from another address less than `window` after the last one.
    pub(crate) fn record(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        address: &str,
        window: std::time::Duration,
    ) -> bool {
        let address = address_hash(address);
        let duplicated = match self.last.get(&key_id) {
            Some((at, previous)) => *previous != address && now < at.saturating_add(window),
            None => false,
        };
        self.last.touch(now, key_id, address);
        while self.last.pop_stalest_beyond_limit().is_some() {}
        duplicated
    }

    /// Forget `key_id` (it was invalidated).
    pub(crate) fn forget(&mut self, key_id: AuthKeyId) {
        self.last.remove(&key_id);
    }
}

/// SipHash with fixed keys (`DefaultHasher::new`): the same on every run.
fn address_hash(address: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    address.hash(&mut hasher);
    hasher.finish()
}

impl DcAuthority {
    /// A packet under `key_id` arrived from `address` at `now`. Under
    /// [`DuplicateKeyPolicy::On`], a bound key used from two addresses
    /// within the window is invalidated here; returns whether it was.
    pub fn handle_key_use(&mut self, now: Instant, key_id: AuthKeyId, address: &str) -> bool {
        let DuplicateKeyPolicy::On { window } = self.policy.duplicate_key else {
            return false;
        };
        // A temp key whose binding a newer one replaced still counts for
        // its permanent key: two holders taking turns are two holders.
        let Some(perm_key_id) = self.keys.used_for(now, key_id) else {
            return false;
        };
        let Some(binding) = self.keys.binding(perm_key_id).cloned() else {
            return false;
        };
        if !self.key_uses.record(now, perm_key_id, address, window) {
            return false;
        }
        self.key_uses.forget(perm_key_id);
        self.event(now, AuthEventKind::KeyDuplicated { key_id: perm_key_id });
        match binding {
            KeyBinding::Home { user_id, serial } => {
                self.revoke_serials(now, user_id, &[serial], RevocationCause::KeyDuplicated, None);
            }
            KeyBinding::Derived(derived) => {
                let reason = RevocationCause::KeyDuplicated.rejection();
                self.end_derived_key(now, derived.user_id, derived.home_hash, perm_key_id, reason);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> Instant {
        Instant::from_unix_seconds(1_767_225_600 + seconds)
    }

    const WINDOW: Duration = Duration::from_secs(60);

    #[test]
    fn two_addresses_within_the_window_are_a_duplicate_and_not_after_it() {
        let mut watch = KeyUseWatch::default();
        let key = AuthKeyId::new(7);
        assert!(!watch.record(at(0), key, "198.51.0.1", WINDOW), "a first use");
        assert!(!watch.record(at(30), key, "198.51.0.1", WINDOW), "the same address");
        assert!(
            watch.record(at(89), key, "203.0.113.1", WINDOW),
            "59 s after, elsewhere"
        );
        let mut watch = KeyUseWatch::default();
        watch.record(at(0), key, "198.51.0.1", WINDOW);
        assert!(
            !watch.record(at(60), key, "203.0.113.1", WINDOW),
            "a move after a minute's silence"
        );
        assert!(!watch.record(at(200), key, "198.51.0.1", WINDOW), "and back, later");
    }

    #[test]
    fn keys_are_judged_apart_and_the_watch_is_bounded() {
        let mut watch = KeyUseWatch::default();
        watch.record(at(0), AuthKeyId::new(1), "a", WINDOW);
        assert!(!watch.record(at(1), AuthKeyId::new(2), "b", WINDOW));
        watch.forget(AuthKeyId::new(1));
        assert!(
            !watch.record(at(2), AuthKeyId::new(1), "c", WINDOW),
            "a forgotten key starts afresh"
        );
        assert_eq!(watch.last.len(), 2);
    }

    #[test]
    fn past_the_bound_the_longest_silent_key_is_judged_afresh() {
        let mut watch = KeyUseWatch::with_limit(2);
        let (one, two, three) = (AuthKeyId::new(1), AuthKeyId::new(2), AuthKeyId::new(3));
        watch.record(at(0), one, "a", WINDOW);
        watch.record(at(1), two, "b", WINDOW);
        watch.record(at(2), three, "c", WINDOW);
        assert_eq!(watch.last.len(), 2);
        assert!(!watch.record(at(3), one, "elsewhere", WINDOW), "key 1 was forgotten");
        assert!(watch.record(at(4), three, "elsewhere", WINDOW), "key 3 was kept");
    }
}
