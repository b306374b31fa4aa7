//! A `LiteMap` store that grows by exactly one entry at a time.
//!
//! A `Vec`'s first allocation holds four entries and each growth doubles
//! it. For a map that holds one or two large values — a key's sessions
//! (200 bytes each), an account's authorizations (400) — that slack was
//! the larger part of the map: the heap profile of the 100,000-account
//! scale run had a key's one session cost 800 bytes. [`TightVec`] grows to
//! exactly the entries it holds, which costs a copy of the entries on each
//! insert past the capacity; that is cheap only because these maps are
//! small and bounded, so use it for nothing else.

use std::cmp::Ordering;

use litemap::store::{Store, StoreConstEmpty, StoreIterable, StoreIterableMut, StoreMut};
use litemap::LiteMap;

/// A sorted map of few, large values, with no spare capacity.
pub(crate) type TightMap<K, V> = LiteMap<K, V, TightVec<(K, V)>>;

/// The entries of a [`TightMap`], sorted by key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TightVec<T>(Vec<T>);

impl<T> Default for TightVec<T> {
    fn default() -> TightVec<T> {
        TightVec(Vec::new())
    }
}

impl<K, V> StoreConstEmpty<K, V> for TightVec<(K, V)> {
    const EMPTY: TightVec<(K, V)> = TightVec(Vec::new());
}

impl<T> TightVec<T> {
    /// Make room for one more entry, and no more than that.
    fn reserve_one(&mut self) {
        if self.0.len() == self.0.capacity() {
            self.0.reserve_exact(1);
        }
    }
}

impl<K, V> Store<K, V> for TightVec<(K, V)> {
    fn lm_len(&self) -> usize {
        self.0.len()
    }

    fn lm_is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn lm_get(&self, index: usize) -> Option<(&K, &V)> {
        self.0.get(index).map(|(key, value)| (key, value))
    }

    fn lm_last(&self) -> Option<(&K, &V)> {
        self.0.last().map(|(key, value)| (key, value))
    }

    fn lm_binary_search_by<F>(&self, mut compare: F) -> Result<usize, usize>
    where
        F: FnMut(&K) -> Ordering,
    {
        self.0.binary_search_by(|(key, _)| compare(key))
    }
}

impl<K, V> StoreMut<K, V> for TightVec<(K, V)> {
    fn lm_with_capacity(capacity: usize) -> TightVec<(K, V)> {
        TightVec(Vec::with_capacity(capacity))
    }

    fn lm_reserve(&mut self, additional: usize) {
        self.0.reserve_exact(additional);
    }

    fn lm_get_mut(&mut self, index: usize) -> Option<(&K, &mut V)> {
        self.0.get_mut(index).map(|(key, value)| (&*key, value))
    }

    fn lm_push(&mut self, key: K, value: V) {
        self.reserve_one();
        self.0.push((key, value));
    }

    fn lm_insert(&mut self, index: usize, key: K, value: V) {
        self.reserve_one();
        self.0.insert(index, (key, value));
    }

    fn lm_remove(&mut self, index: usize) -> (K, V) {
        self.0.remove(index)
    }

    fn lm_clear(&mut self) {
        self.0.clear();
    }
}

impl<'a, K: 'a, V: 'a> StoreIterable<'a, K, V> for TightVec<(K, V)> {
    type KeyValueIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn lm_iter(&'a self) -> Self::KeyValueIter {
        self.0.iter().map(|(key, value)| (key, value))
    }
}

impl<'a, K: 'a, V: 'a> StoreIterableMut<'a, K, V> for TightVec<(K, V)> {
    type KeyValueIterMut = std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;

    fn lm_iter_mut(&'a mut self) -> Self::KeyValueIterMut {
        self.0.iter_mut().map(|(key, value)| (&*key, value))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn an_insert_grows_the_capacity_to_the_length_only() {
        let mut store: TightVec<(u64, [u8; 200])> = TightVec::default();
        assert_eq!(store.0.capacity(), 0);
        store.lm_push(1, [0; 200]);
        assert_eq!(store.0.capacity(), 1, "a Vec would hold four");
        store.lm_insert(0, 0, [0; 200]);
        store.lm_push(5, [0; 200]);
        assert_eq!((store.lm_len(), store.0.capacity()), (3, 3));
        store.lm_remove(1);
        store.lm_insert(1, 2, [0; 200]);
        assert_eq!(store.0.capacity(), 3, "a removal leaves room for the next insert");
        let keys: Vec<u64> = store.lm_iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, [0, 2, 5]);
    }

    #[test]
    fn matches_a_btree_map_after_every_step() {
        arbtest::arbtest(|u| {
            let mut map: TightMap<u8, u32> = TightMap::new();
            let mut oracle: BTreeMap<u8, u32> = BTreeMap::new();
            for _ in 0..u.int_in_range(0..=64)? {
                let key: u8 = u.int_in_range(0..=15)?;
                match u.int_in_range(0..=2)? {
                    0 => {
                        let value: u32 = u.arbitrary()?;
                        assert_eq!(map.insert(key, value), oracle.insert(key, value));
                    }
                    1 => assert_eq!(map.remove(&key), oracle.remove(&key)),
                    _ => {
                        if let (Some(value), Some(expected)) = (map.get_mut(&key), oracle.get_mut(&key)) {
                            *value = value.wrapping_add(1);
                            *expected = expected.wrapping_add(1);
                        }
                    }
                }
                let entries: Vec<(u8, u32)> = map.iter().map(|(key, value)| (*key, *value)).collect();
                let expected: Vec<(u8, u32)> = oracle.iter().map(|(key, value)| (*key, *value)).collect();
                assert_eq!(entries, expected);
                assert_eq!(map.get(&key), oracle.get(&key));
                assert_eq!(map.len(), oracle.len());
            }
            Ok(())
        });
    }
}
