//! Cached lists that may come back `notModified` (core.telegram.org/api/offsets):
//! the client sends the hash of the ids it holds; the server answers
//! "not modified" when its own list hashes the same, else the whole list.

use thiserror::Error;

/// The most entries one cached list may hold (bounds an answer's size).
pub(crate) const LIST_ENTRIES_MAX: usize = 100_000;

/// Telegram's list hash: for each id in order,
/// `h ^= h >> 21; h ^= h << 35; h ^= h >> 4; h = h + id` on u64, wrapping.
pub fn list_hash(ids: impl IntoIterator<Item = u64>) -> u64 {
    ids.into_iter().fold(0u64, |mut hash, id| {
        hash ^= hash >> 21;
        hash ^= hash << 35;
        hash ^= hash >> 4;
        hash.wrapping_add(id)
    })
}

/// One list item: its id and the bytes it takes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// The item's id, the input of [`list_hash`].
    pub id: u64,
    /// The bytes the item takes on the wire.
    pub bytes: u32,
}

/// The answer to a list fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListAnswer {
    /// The client's copy is current.
    NotModified,
    /// The whole list and its hash.
    Full {
        /// [`list_hash`] of the entries' ids.
        hash: u64,
        /// The whole list, in order.
        entries: Vec<ListEntry>,
    },
}

/// Why a list cannot be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ListError {
    #[error("a list holds at most {LIST_ENTRIES_MAX} entries, got {0}")]
    TooManyEntries(usize),
}

/// A server-side list with its hash kept current.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CachedList {
    entries: Vec<ListEntry>,
    hash: u64,
}

impl CachedList {
    /// A list of `entries` in the order clients see them.
    pub fn new(entries: Vec<ListEntry>) -> Result<CachedList, ListError> {
        if entries.len() > LIST_ENTRIES_MAX {
            return Err(ListError::TooManyEntries(entries.len()));
        }
        let hash = list_hash(entries.iter().map(|entry| entry.id));
        Ok(CachedList { entries, hash })
    }

    /// Replace the contents (e.g. after an authorization was added or removed).
    pub fn replace(&mut self, entries: Vec<ListEntry>) -> Result<(), ListError> {
        *self = CachedList::new(entries)?;
        Ok(())
    }

    /// The hash a client holding this exact list would send.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[ListEntry] {
        &self.entries
    }

    /// Answer a fetch from a client holding a list with `client_hash`.
    /// Hash 0 means "I hold nothing" and always gets the full list, as in Telegram.
    pub fn answer(&self, client_hash: u64) -> ListAnswer {
        if client_hash != 0 && client_hash == self.hash {
            ListAnswer::NotModified
        } else {
            ListAnswer::Full {
                hash: self.hash,
                entries: self.entries.clone(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The formula step by step for two ids, computed independently.
    #[test]
    fn list_hash_matches_the_formula() {
        assert_eq!(list_hash([]), 0);
        assert_eq!(list_hash([7]), 7);
        // h = 7: 7>>21 = 0; 7<<35 = 0x38_0000_0000; h = 0x38_0000_0007;
        // h>>4 = 0x3_8000_0000; h ^= that -> 0x3B_8000_0007; + 5.
        assert_eq!(list_hash([7, 5]), 0x3B_8000_000C);
        // Order matters.
        assert_ne!(list_hash([1, 2]), list_hash([2, 1]));
    }

    #[test]
    fn list_hash_wraps_instead_of_overflowing() {
        let hash = list_hash([u64::MAX, u64::MAX]);
        let mut expected = u64::MAX;
        expected ^= expected >> 21;
        expected ^= expected << 35;
        expected ^= expected >> 4;
        assert_eq!(hash, expected.wrapping_add(u64::MAX));
    }

    fn list(ids: &[u64]) -> CachedList {
        CachedList::new(ids.iter().map(|&id| ListEntry { id, bytes: 100 }).collect()).unwrap()
    }

    #[test]
    fn matching_hash_is_not_modified() {
        let cached = list(&[10, 20, 30]);
        assert_eq!(cached.answer(list_hash([10, 20, 30])), ListAnswer::NotModified);
    }

    #[test]
    fn stale_or_zero_hash_gets_the_full_list() {
        let mut cached = list(&[10, 20]);
        let old_hash = cached.hash();
        cached.replace(vec![ListEntry { id: 10, bytes: 1 }]).unwrap();
        assert_eq!(
            cached.answer(old_hash),
            ListAnswer::Full {
                hash: 10,
                entries: vec![ListEntry { id: 10, bytes: 1 }]
            }
        );
        assert!(matches!(list(&[]).answer(0), ListAnswer::Full { hash: 0, .. }));
    }

    proptest::proptest! {
        /// The hash is a fold: extending a list extends its hash by one step,
        /// and a client holding the same non-empty list always gets `NotModified`.
        #[test]
        fn hash_is_incremental_and_matches_itself(ids in proptest::collection::vec(proptest::num::u64::ANY, 0..64), next: u64) {
            let mut extended = ids.clone();
            extended.push(next);
            // list_hash([h, 0]) is the mixing step applied to h, plus zero.
            let mixed = list_hash([list_hash(ids.iter().copied()), 0]);
            proptest::prop_assert_eq!(list_hash(extended.iter().copied()), mixed.wrapping_add(next));
            let cached = list(&ids);
            let expected = if cached.hash() == 0 { ListAnswer::Full { hash: 0, entries: cached.entries().to_vec() } } else { ListAnswer::NotModified };
            proptest::prop_assert_eq!(cached.answer(list_hash(ids.iter().copied())), expected);
        }
    }

    #[test]
    fn oversized_list_is_an_error() {
        let entries = vec![ListEntry { id: 1, bytes: 1 }; LIST_ENTRIES_MAX + 1];
        assert_eq!(
            CachedList::new(entries),
            Err(ListError::TooManyEntries(LIST_ENTRIES_MAX + 1))
        );
    }
}
