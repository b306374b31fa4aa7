//! A map with a bound that forgets its oldest entry first: for tombstones
//! and one-time nonces, where forgetting is safe but unbounded growth is not.

use std::collections::{BTreeMap, VecDeque};

/// At most `capacity` entries; inserting past it evicts the oldest.
#[derive(Clone, Debug)]
pub(crate) struct FifoMap<K: Ord + Clone, V> {
    capacity: usize,
    map: BTreeMap<K, V>,
    order: VecDeque<K>,
}

impl<K: Ord + Clone, V> FifoMap<K, V> {
    pub(crate) fn new(capacity: usize) -> FifoMap<K, V> {
        assert!(capacity > 0, "a FifoMap needs room for one entry");
        FifoMap {
            capacity,
            map: BTreeMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Insert or overwrite; a new key may evict the oldest one.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
        }
        while self.map.len() > self.capacity {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.map.remove(&oldest);
                }
                None => break,
            }
        }
        assert!(self.map.len() <= self.capacity);
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }

    pub(crate) fn contains(&self, key: &K) -> bool {
        self.map.contains_key(key)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_oldest_past_capacity() {
        let mut map = FifoMap::new(2);
        map.insert(1, 'a');
        map.insert(2, 'b');
        map.insert(1, 'c');
        assert_eq!(map.len(), 2);
        map.insert(3, 'd');
        assert_eq!(map.get(&1), None);
        assert_eq!(map.get(&2), Some(&'b'));
        assert_eq!(map.get(&3), Some(&'d'));
    }

    proptest::proptest! {
        #[test]
        fn never_exceeds_capacity_and_keeps_the_newest(capacity in 1usize..8, keys in proptest::collection::vec(0u8..16, 0..64)) {
            let mut map = FifoMap::new(capacity);
            for key in &keys {
                map.insert(*key, ());
                proptest::prop_assert!(map.len() <= capacity);
                proptest::prop_assert!(map.contains(key));
            }
        }
    }
}
