//! A bounded map that remembers when each key was last touched and gives up
//! the least recently touched key first: the shape of "who was heard from
//! lately" (online sessions) and "where was this key used last" (duplicate
//! key detection), both touched on every packet a DC receives.
//!
//! A hash map with a fixed-key hasher holds the entries, so a touch costs a
//! hash lookup rather than a walk down a tree of every key a DC knows (the
//! B-tree this replaced grew with the population and was a tenth of a large
//! run's time). The touch order lives in a queue with lazy deletion: a
//! touch appends `(touch number, key)`, and an element whose number is no
//! longer its key's is stale and skipped. Nothing iterates the hash map,
//! so its order never reaches an output.
//!
//! "Least recently touched" is in call order; for callers whose clock never
//! goes back (a DC's) that is also the oldest time, ties in touch order.

use std::collections::VecDeque;
use std::hash::Hash;

use rustc_hash::FxHashMap;

use crate::time::Instant;

/// Stale queue elements tolerated beyond the live entries before the
/// queue is swept, so it stays within about twice the map.
const SWEEP_SLACK: usize = 1024;

/// At most `limit` keys with the time each was last touched and a value.
#[derive(Clone, Debug)]
pub(crate) struct RecencyMap<K, V> {
    /// Per key: (last touched, value) and the number of that touch.
    entries: FxHashMap<K, ((Instant, V), u64)>,
    /// `(touch number, key)` per touch, oldest first; stale once the key
    /// was touched again or removed.
    order: VecDeque<(u64, K)>,
    touches: u64,
    limit: usize,
}

impl<K: Copy + Eq + Hash, V> RecencyMap<K, V> {
    /// An empty map of at most `limit` keys.
    pub(crate) fn new(limit: usize) -> RecencyMap<K, V> {
        assert!(limit > 0, "a recency map holds at least one key");
        RecencyMap {
            entries: FxHashMap::default(),
            order: VecDeque::new(),
            touches: 0,
            limit,
        }
    }

    /// The time `key` was last touched and its value.
    pub(crate) fn get(&self, key: &K) -> Option<&(Instant, V)> {
        self.entries.get(key).map(|(entry, _)| entry)
    }

    /// Keys held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Touch `key` at `now` with `value`; returns what it held before. A
    /// new key beyond the limit is made room for by the caller, with
    /// [`pop_stalest_beyond_limit`](Self::pop_stalest_beyond_limit).
    pub(crate) fn touch(&mut self, now: Instant, key: K, value: V) -> Option<(Instant, V)> {
        self.touches += 1;
        let previous = self.entries.insert(key, ((now, value), self.touches));
        self.order.push_back((self.touches, key));
        if self.order.len() > 2 * self.entries.len() + SWEEP_SLACK {
            self.sweep();
        }
        previous.map(|(entry, _)| entry)
    }

    /// Forget `key`; returns what it held.
    pub(crate) fn remove(&mut self, key: &K) -> Option<(Instant, V)> {
        self.entries.remove(key).map(|(entry, _)| entry)
    }

    /// While more than the limit are held, the least recently touched key
    /// and its value, forgotten; `None` once within the limit.
    pub(crate) fn pop_stalest_beyond_limit(&mut self) -> Option<(K, V)> {
        while self.entries.len() > self.limit {
            let (touch, key) = self.order.pop_front()?;
            if self.entries.get(&key).is_some_and(|(_, number)| *number == touch) {
                let ((_, value), _) = self.entries.remove(&key)?;
                return Some((key, value));
            }
        }
        None
    }

    /// Drop the stale elements of the touch order.
    fn sweep(&mut self) {
        let entries = &self.entries;
        self.order
            .retain(|(touch, key)| entries.get(key).is_some_and(|(_, number)| number == touch));
    }

    /// Elements of the touch order, stale ones included (for tests).
    #[cfg(test)]
    pub(crate) fn order_len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> Instant {
        Instant::SCENARIO_EPOCH.saturating_add(Duration::from_secs(seconds))
    }

    #[test]
    fn touching_keeps_the_latest_time_and_value() {
        let mut map = RecencyMap::new(4);
        assert_eq!(map.touch(at(1), 7u64, "a"), None);
        assert_eq!(map.touch(at(2), 7, "b"), Some((at(1), "a")));
        assert_eq!(map.get(&7), Some(&(at(2), "b")));
        assert_eq!(map.remove(&7), Some((at(2), "b")));
        assert_eq!((map.get(&7), map.len()), (None, 0));
    }

    #[test]
    fn beyond_the_limit_the_least_recently_touched_goes_first() {
        let mut map = RecencyMap::new(2);
        map.touch(at(1), 1u64, ());
        map.touch(at(2), 2, ());
        map.touch(at(3), 1, ());
        assert_eq!(map.pop_stalest_beyond_limit(), None, "within the limit");
        map.touch(at(4), 3, ());
        assert_eq!(
            map.pop_stalest_beyond_limit(),
            Some((2, ())),
            "1 was touched again at 3"
        );
        assert_eq!(map.pop_stalest_beyond_limit(), None);
        map.touch(at(5), 4, ());
        assert_eq!(map.pop_stalest_beyond_limit(), Some((1, ())));
        assert_eq!(
            (map.get(&3).is_some(), map.get(&4).is_some(), map.len()),
            (true, true, 2)
        );
    }

    #[test]
    fn a_removed_key_is_never_evicted_and_stale_elements_are_swept() {
        let mut map = RecencyMap::new(1);
        map.touch(at(1), 1u64, ());
        map.remove(&1);
        map.touch(at(2), 2, ());
        assert_eq!(map.pop_stalest_beyond_limit(), None);
        for second in 0..10_000 {
            map.touch(at(3 + second), 2, ());
        }
        assert!(
            map.order_len() <= 2 * map.len() + SWEEP_SLACK + 1,
            "kept {}",
            map.order_len()
        );
        map.touch(at(20_000), 2, ());
        map.touch(at(20_000), 2, ());
        assert!(map.order_len() <= 2 * map.len() + SWEEP_SLACK + 1);
    }

    /// The oracle: a B-tree by (time, touch number), as the maps were.
    #[derive(Default)]
    struct Oracle {
        entries: std::collections::BTreeMap<u64, (u64, u64, u8)>,
        by_time: std::collections::BTreeSet<(u64, u64, u64)>,
        touches: u64,
    }

    impl Oracle {
        fn touch(&mut self, second: u64, key: u64, value: u8) -> Option<(u64, u8)> {
            let previous = self.entries.get(&key).copied();
            self.touches += 1;
            let number = self.touches;
            if let Some((time, old_number, _)) = previous {
                self.by_time.remove(&(time, old_number, key));
            }
            self.entries.insert(key, (second, number, value));
            self.by_time.insert((second, number, key));
            previous.map(|(time, _, value)| (time, value))
        }

        fn remove(&mut self, key: u64) -> Option<(u64, u8)> {
            let (time, number, value) = self.entries.remove(&key)?;
            self.by_time.remove(&(time, number, key));
            Some((time, value))
        }

        fn pop_beyond(&mut self, limit: usize) -> Option<(u64, u8)> {
            if self.entries.len() <= limit {
                return None;
            }
            let (_, _, key) = self.by_time.pop_first()?;
            let (_, _, value) = self.entries.remove(&key)?;
            Some((key, value))
        }
    }

    proptest::proptest! {
        #[test]
        fn behaves_as_an_ordered_oracle_after_every_step(
            steps in proptest::collection::vec((0u8..4, 0u64..3, 0u64..12, proptest::num::u8::ANY), 1..400),
            limit in 1usize..8,
        ) {
            let mut map = RecencyMap::new(limit);
            let mut oracle = Oracle::default();
            let mut second = 0;
            for (operation, advance, key, value) in steps {
                second += advance;
                match operation {
                    0 | 1 => {
                        let got = map.touch(at(second), key, value);
                        let want = oracle.touch(second, key, value);
                        proptest::prop_assert_eq!(got, want.map(|(time, value)| (at(time), value)));
                    }
                    2 => {
                        let want = oracle.remove(key).map(|(time, value)| (at(time), value));
                        proptest::prop_assert_eq!(map.remove(&key), want);
                    }
                    _ => loop {
                        let got = map.pop_stalest_beyond_limit();
                        proptest::prop_assert_eq!(got, oracle.pop_beyond(limit));
                        if got.is_none() {
                            break;
                        }
                    },
                }
                proptest::prop_assert_eq!(map.len(), oracle.entries.len());
                for (key, (time, _, value)) in &oracle.entries {
                    proptest::prop_assert_eq!(map.get(key), Some(&(at(*time), *value)));
                }
                proptest::prop_assert!(map.order_len() <= 2 * map.len() + SWEEP_SLACK + 1);
            }
        }
    }
}
