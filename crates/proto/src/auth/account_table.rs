//! The accounts a DC stores. Every authenticated request looks its
//! account up by user id, so the accounts sit in a hash map; the
//! invariants and the oracles walk them in user-id order, so the ids are
//! also kept in a sorted list. A B-tree served both before, but its
//! lookups grew with the population (a node holds eleven accounts of
//! hundreds of bytes each, and each level is a cache miss).

use rustc_hash::FxHashMap;

use super::account::Account;
use crate::id::UserId;

/// The accounts of one DC, by user id.
#[derive(Debug, Default)]
pub(crate) struct AccountTable {
    by_user: FxHashMap<UserId, Account>,
    /// Every key of `by_user`, ascending.
    order: Vec<UserId>,
}

impl AccountTable {
    pub(crate) fn len(&self) -> usize {
        self.by_user.len()
    }

    pub(crate) fn contains_key(&self, user_id: &UserId) -> bool {
        self.by_user.contains_key(user_id)
    }

    pub(crate) fn get(&self, user_id: &UserId) -> Option<&Account> {
        self.by_user.get(user_id)
    }

    pub(crate) fn get_mut(&mut self, user_id: &UserId) -> Option<&mut Account> {
        self.by_user.get_mut(user_id)
    }

    /// Store `account` under its user id. An account is never replaced:
    /// the caller checks first, and a second one with the same id is
    /// refused (`false`).
    pub(crate) fn insert(&mut self, account: Account) -> bool {
        let user_id = account.user_id;
        if self.by_user.contains_key(&user_id) {
            return false;
        }
        self.by_user.insert(user_id, account);
        // Populations register in ascending order: a push, not a shift.
        match self.order.last() {
            Some(last) if *last > user_id => {
                let index = self.order.partition_point(|id| *id < user_id);
                self.order.insert(index, user_id);
            }
            _ => self.order.push(user_id),
        }
        debug_assert_eq!(self.order.len(), self.by_user.len());
        true
    }

    /// The accounts by ascending user id.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Account> {
        self.order.iter().filter_map(|user_id| self.by_user.get(user_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::DcId;

    fn account(user_id: u64) -> Account {
        Account::new(UserId::new(user_id), format!("+{user_id}"), DcId::new(1), 365)
    }

    #[test]
    fn walks_in_user_id_order_whatever_the_order_of_insertion() {
        let mut table = AccountTable::default();
        for user_id in [5, 1, 9, 3, 7] {
            assert!(table.insert(account(user_id)));
        }
        let walked: Vec<u64> = table.values().map(|account| account.user_id.get()).collect();
        assert_eq!(walked, vec![1, 3, 5, 7, 9]);
        assert_eq!(table.len(), 5);
    }

    #[test]
    fn a_second_account_with_the_same_id_is_refused_and_the_first_kept() {
        let mut table = AccountTable::default();
        assert!(table.insert(account(4)));
        let mut second = account(4);
        second.phone = "+other".to_string();
        assert!(!table.insert(second));
        assert_eq!(table.len(), 1);
        assert_eq!(
            table.get(&UserId::new(4)).map(|account| account.phone.as_str()),
            Some("+4")
        );
        assert!(table.get(&UserId::new(5)).is_none());
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_b_tree_after_every_insertion(ids in proptest::collection::vec(0u64..500, 0..300)) {
            let mut table = AccountTable::default();
            let mut oracle = std::collections::BTreeMap::new();
            for user_id in ids {
                let fresh = !oracle.contains_key(&user_id);
                proptest::prop_assert_eq!(table.insert(account(user_id)), fresh);
                oracle.entry(user_id).or_insert(());
                let walked: Vec<u64> = table.values().map(|account| account.user_id.get()).collect();
                proptest::prop_assert_eq!(walked, oracle.keys().copied().collect::<Vec<_>>());
                proptest::prop_assert!(table.contains_key(&UserId::new(user_id)));
            }
        }
    }
}
