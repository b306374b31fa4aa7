//! How a client stores its future salts: one `get_future_salts` answer is
//! an evenly spaced run (a salt every period, each valid for the same
//! span), kept as the salts alone, 8 bytes each; any other set is listed
//! in full, 24 bytes a salt.
//!
//! Every device holds up to 64 salts for each DC it talks to, and listed
//! in full they were the largest single item of the 100,000-account scale
//! run's heap (3 KiB a device). The run form is exact: a set is stored as
//! a run only when expanding the run gives back every start and end.

use crate::time::Instant;

/// One salt with its validity on the device's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct HeldSalt {
    pub(super) valid_until: Instant,
    pub(super) salt: u64,
}

/// Bytes one held future salt takes in a run, the form one answer takes
/// (for [`crate::footprint`]).
pub(crate) const RUN_SALT_BYTES: usize = std::mem::size_of::<u64>();
/// Bytes one held future salt takes when the set is not a run.
pub(crate) const LISTED_SALT_BYTES: usize = std::mem::size_of::<(Instant, HeldSalt)>();

/// Future salts sorted by `valid_since`, at most one per start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HeldSalts {
    /// Salt `i` is valid from `first_since + i × step` for `lifetime`.
    Run {
        first_since: Instant,
        step_micros: u64,
        lifetime_micros: u64,
        salts: Vec<u64>,
    },
    /// `(valid_since, salt)` for a set that is not evenly spaced.
    Listed(Vec<(Instant, HeldSalt)>),
}

impl Default for HeldSalts {
    fn default() -> HeldSalts {
        HeldSalts::Listed(Vec::new())
    }
}

impl HeldSalts {
    /// Store `listed` (sorted by start, starts distinct) as a run if it is
    /// one, else as it is.
    pub(super) fn from_listed(listed: Vec<(Instant, HeldSalt)>) -> HeldSalts {
        match run_of(&listed) {
            Some((first_since, step_micros, lifetime_micros)) => HeldSalts::Run {
                first_since,
                step_micros,
                lifetime_micros,
                salts: listed.iter().map(|(_, held)| held.salt).collect(),
            },
            None => HeldSalts::Listed(listed),
        }
    }

    /// Every salt with its start, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (Instant, HeldSalt)> + '_ {
        (0..self.len()).filter_map(|index| self.get(index))
    }

    /// [`iter`](Self::iter), collected.
    pub(super) fn to_listed(&self) -> Vec<(Instant, HeldSalt)> {
        self.iter().collect()
    }

    pub(super) fn len(&self) -> usize {
        match self {
            HeldSalts::Run { salts, .. } => salts.len(),
            HeldSalts::Listed(listed) => listed.len(),
        }
    }

    /// The `index`th salt by start, with its start.
    pub(super) fn get(&self, index: usize) -> Option<(Instant, HeldSalt)> {
        match self {
            HeldSalts::Run {
                first_since,
                step_micros,
                lifetime_micros,
                salts,
            } => {
                let salt = *salts.get(index)?;
                let offset = step_micros.checked_mul(u64::try_from(index).ok()?)?;
                let since = first_since.unix_micros().checked_add(offset)?;
                let until = since.checked_add(*lifetime_micros)?;
                Some((
                    Instant::from_unix_micros(since),
                    HeldSalt {
                        valid_until: Instant::from_unix_micros(until),
                        salt,
                    },
                ))
            }
            HeldSalts::Listed(listed) => listed.get(index).copied(),
        }
    }

    /// How many salts start at or before `now`.
    pub(super) fn started_by(&self, now: Instant) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle) {
                Some((since, _)) if since <= now => low = middle + 1,
                _ => high = middle,
            }
        }
        low
    }
}

/// `(first_since, step, lifetime)` when `listed` is evenly spaced with one
/// lifetime and its expansion is exact; a set of one is a run of step 0.
fn run_of(listed: &[(Instant, HeldSalt)]) -> Option<(Instant, u64, u64)> {
    let (first_since, first) = *listed.first()?;
    let lifetime_micros = first.valid_until.unix_micros().checked_sub(first_since.unix_micros())?;
    let step_micros = match listed.get(1) {
        Some((second_since, _)) => second_since.unix_micros().checked_sub(first_since.unix_micros())?,
        None => 0,
    };
    let expected = |index: usize| {
        let since = first_since
            .unix_micros()
            .checked_add(step_micros.checked_mul(u64::try_from(index).ok()?)?)?;
        Some((since, since.checked_add(lifetime_micros)?))
    };
    let exact = listed
        .iter()
        .enumerate()
        .all(|(index, (since, held))| expected(index) == Some((since.unix_micros(), held.valid_until.unix_micros())));
    exact.then_some((first_since, step_micros, lifetime_micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(since_seconds: u64, until_seconds: u64, salt: u64) -> (Instant, HeldSalt) {
        (
            Instant::from_unix_seconds(since_seconds),
            HeldSalt {
                valid_until: Instant::from_unix_seconds(until_seconds),
                salt,
            },
        )
    }

    #[test]
    fn an_evenly_spaced_set_is_a_run_and_expands_to_itself() {
        let listed: Vec<_> = (0..64)
            .map(|index| held(1000 + index * 1800, 4600 + index * 1800, index))
            .collect();
        let stored = HeldSalts::from_listed(listed.clone());
        assert!(matches!(&stored, HeldSalts::Run { salts, .. } if salts.capacity() == 64));
        assert_eq!(stored.to_listed(), listed);
        assert_eq!(stored.started_by(Instant::from_unix_seconds(999)), 0);
        assert_eq!(stored.started_by(Instant::from_unix_seconds(1000)), 1);
        assert_eq!(stored.started_by(Instant::from_unix_seconds(1000 + 1800 * 63)), 64);
    }

    #[test]
    fn an_uneven_gap_or_lifetime_keeps_the_list() {
        let gap = vec![held(0, 10, 1), held(5, 15, 2), held(11, 21, 3)];
        assert_eq!(HeldSalts::from_listed(gap.clone()), HeldSalts::Listed(gap));
        let lifetime = vec![held(0, 10, 1), held(5, 16, 2)];
        assert_eq!(HeldSalts::from_listed(lifetime.clone()), HeldSalts::Listed(lifetime));
        let one = vec![held(7, 9, 4)];
        assert_eq!(HeldSalts::from_listed(one.clone()).to_listed(), one);
        assert_eq!(HeldSalts::from_listed(Vec::new()).len(), 0);
    }

    #[test]
    fn any_sorted_set_expands_to_itself() {
        arbtest::arbtest(|u| {
            let mut since = 0u64;
            let mut listed = Vec::new();
            for _ in 0..u.int_in_range(0..=8)? {
                since += u.int_in_range(1..=3)?;
                let until = since + u.int_in_range(0..=3)?;
                listed.push(held(since, until, u.arbitrary()?));
            }
            let stored = HeldSalts::from_listed(listed.clone());
            assert_eq!(stored.to_listed(), listed);
            for probe in 0..=since + 1 {
                let now = Instant::from_unix_seconds(probe);
                assert_eq!(
                    stored.started_by(now),
                    listed.partition_point(|(start, _)| *start <= now)
                );
            }
            Ok(())
        });
    }
}
