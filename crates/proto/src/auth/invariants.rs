//! Internal consistency of a [`DcAuthority`], checked by tests and fuzzers
//! after every operation: the indexes agree with the records they index.
//! A failure is a bug in this module, never something a peer can cause.

use super::authority::phone_index_key;
use super::keys::KeyBinding;
use super::limits::{MAX_AUTHORIZATIONS_PER_ACCOUNT, MAX_FUTURE_TOKENS_PER_ACCOUNT, MAX_PENDING_CODES_PER_ACCOUNT};
use super::DcAuthority;

impl DcAuthority {
    /// Panic with a description if any internal invariant is broken.
    pub fn check_invariants(&self) {
        for (phone, user_id) in &self.phones {
            let account = self.accounts.get(user_id);
            assert!(
                account.is_some_and(|a| phone_index_key(&a.phone) == *phone),
                "phone index {phone} → {user_id} is stale"
            );
        }
        for account in self.accounts.values() {
            let user_id = account.user_id;
            assert!(account.authorizations.len() <= MAX_AUTHORIZATIONS_PER_ACCOUNT);
            assert!(account.future_tokens.len() <= MAX_FUTURE_TOKENS_PER_ACCOUNT);
            for (serial, auth) in &account.authorizations {
                assert_eq!(*serial, auth.serial);
                assert!(*serial < self.next_serial, "serial from the future");
                let binding = self.keys.binding(auth.key_id);
                let bound =
                    matches!(binding, Some(KeyBinding::Home { user_id: u, serial: s }) if *u == user_id && s == serial);
                assert!(
                    bound,
                    "authorization {serial} of {user_id} lost its key {:#x}",
                    auth.key_id
                );
                assert!(auth.date_active >= auth.date_created);
            }
            let codes = self.codes.range((user_id, 0)..=(user_id, u64::MAX)).count();
            assert!(
                codes <= MAX_PENDING_CODES_PER_ACCOUNT,
                "{codes} codes pending for {user_id}"
            );
        }
        for ((user_id, home_hash), keys) in &self.derived_by_home {
            assert!(!keys.is_empty(), "empty derived index entry");
            for key_id in keys {
                let derived = match self.keys.binding(*key_id) {
                    Some(KeyBinding::Derived(derived)) => derived,
                    other => panic!("derived index points at {other:?}"),
                };
                assert_eq!((derived.user_id, derived.home_hash), (*user_id, *home_hash));
            }
        }
        let indexed: usize = self.derived_by_home.values().map(|keys| keys.len()).sum();
        assert_eq!(indexed, self.derived_total, "derived count drifted from the index");
        let derived_bound = self.keys.derived_keys().count();
        assert_eq!(
            derived_bound,
            self.derived_count(),
            "derived bindings and index disagree"
        );
        let home_bound = self.keys.bound_count() - derived_bound;
        let authorizations: usize = self.accounts.values().map(|a| a.authorizations.len()).sum();
        assert_eq!(home_bound, authorizations, "home bindings and authorizations disagree");
        self.keys.check_invariants();
    }
}
