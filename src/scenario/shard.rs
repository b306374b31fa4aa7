//! [`Shard`]: one of N interleaved parts of a seed range, written `I/N`
//! (`--shard 1/4`, zero-based). Shard I of `A..B` holds the seeds s with
//! (s − A) mod N = I, so the N shards of a range partition it exactly and
//! each gets a spread of the range rather than one end of it.

use std::fmt;
use std::str::FromStr;

use super::quantity::SeedRange;

/// Shards one range is split into at most (one per seed is the most that
/// makes sense; this bounds what a typo can ask for).
pub const MAX_SHARDS: u64 = 1_000_000;

/// Shard `index` of `count` (`index < count`, `count ≥ 1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// Why a shard does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("not a shard such as \"0/4\" (I/N: shard I of N, counting from 0)")]
    Malformed,
    #[error("no shards: N must be at least 1")]
    NoShards,
    #[error("shard {index} of {count} does not exist: I must be below N (shards count from 0)")]
    OutOfRange { index: u64, count: u64 },
    #[error("more than {MAX_SHARDS} shards")]
    TooMany,
}

impl Shard {
    /// Shard `index` of `count`, if it exists.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::NoShards);
        }
        if count > MAX_SHARDS {
            return Err(ShardError::TooMany);
        }
        if index >= count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    /// I, counting from 0.
    pub fn index(self) -> u64 {
        self.index
    }

    /// N.
    pub fn count(self) -> u64 {
        self.count
    }

    /// The seeds of `range` in this shard, in order (none when the range
    /// has fewer seeds than I + 1).
    pub fn seeds(self, range: &SeedRange) -> impl Iterator<Item = u64> {
        let step = usize::try_from(self.count).unwrap_or(usize::MAX);
        range
            .start()
            .checked_add(self.index)
            .filter(|first| *first < range.end())
            .map(|first| first..range.end())
            .into_iter()
            .flat_map(move |seeds| seeds.step_by(step))
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    /// `I/N` in decimal digits, nothing else.
    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let (index, count) = text.split_once('/').ok_or(ShardError::Malformed)?;
        let number = |digits: &str| -> Result<u64, ShardError> {
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(ShardError::Malformed);
            }
            digits.parse().map_err(|_| ShardError::TooMany)
        };
        Shard::new(number(index)?, number(count)?)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_as_i_of_n_and_nothing_else_does() {
        assert_eq!("0/1".parse(), Shard::new(0, 1));
        assert_eq!("2/3".parse::<Shard>().map(|shard| shard.to_string()), Ok("2/3".into()));
        assert_eq!(
            "3/3".parse::<Shard>(),
            Err(ShardError::OutOfRange { index: 3, count: 3 })
        );
        assert_eq!("0/0".parse::<Shard>(), Err(ShardError::NoShards));
        assert_eq!("1/2000000".parse::<Shard>(), Err(ShardError::TooMany));
        assert_eq!("1/99999999999999999999999".parse::<Shard>(), Err(ShardError::TooMany));
        for text in [
            "", "1", "/3", "1/", "-1/3", "1/+3", " 1/3", "1/3/4", "a/b", "1.0/3", "1 / 3",
        ] {
            assert_eq!(text.parse::<Shard>(), Err(ShardError::Malformed), "{text:?}");
        }
    }

    #[test]
    fn a_shard_takes_every_nth_seed_from_its_offset() {
        let range = SeedRange::new(10, 17, 100).expect("range");
        let seeds = |index, count| {
            Shard::new(index, count)
                .expect("shard")
                .seeds(&range)
                .collect::<Vec<_>>()
        };
        assert_eq!(seeds(0, 3), [10, 13, 16]);
        assert_eq!(seeds(2, 3), [12, 15]);
        assert_eq!(seeds(0, 1), (10..17).collect::<Vec<_>>());
        assert_eq!(seeds(7, 9), Vec::<u64>::new(), "more shards than seeds: some are empty");
        let top = SeedRange::new(u64::MAX - 2, u64::MAX, 100).expect("range");
        let last = Shard::new(1, 2).expect("shard").seeds(&top).collect::<Vec<_>>();
        assert_eq!(last, [u64::MAX - 1]);
    }

    #[test]
    fn the_shards_of_a_range_partition_it_exactly() {
        arbtest::arbtest(|u| {
            let start: u64 = u.int_in_range(0..=u64::MAX - 1)?;
            let len: u64 = u.int_in_range(1..=300u64.min(u64::MAX - start))?;
            let count: u64 = u.int_in_range(1..=400)?;
            let range = SeedRange::new(start, start + len, 1000).expect("range");
            let mut all: Vec<u64> = Vec::new();
            for index in 0..count {
                let shard = Shard::new(index, count).expect("shard");
                let seeds: Vec<u64> = shard.seeds(&range).collect();
                assert!(seeds.windows(2).all(|pair| pair[0] < pair[1]), "in order");
                assert!(seeds.iter().all(|seed| (seed - start) % count == index), "interleaved");
                all.extend(seeds);
            }
            all.sort_unstable();
            assert_eq!(all, range.iter().collect::<Vec<_>>(), "every seed exactly once");
            Ok(())
        });
    }
}
