//! The server salts a client holds for one auth key: the one the key
//! exchange ended with, then the future salts the server hands out on
//! `get_future_salts`, kept in a bounded set as TDLib's `AuthData` keeps
//! them (at most [`MAX_FUTURE_SALTS`], 64).
//!
//! A salt's validity is the server's clock; the set stores it on the
//! device's clock instead, shifted by the difference between the answer's
//! `now` and the device's clock when the answer arrived. Choosing a salt
//! then needs no clock correction, and a device whose clock is hours off
//! still sends a salt the server accepts.

use std::time::Duration;

use super::held_salts::{HeldSalt, HeldSalts};
use crate::time::{Instant, MICROS_PER_SECOND};
use crate::wire::{FutureSalt, MAX_FUTURE_SALTS};

/// Ask for more salts when the set covers less than this much of the
/// future: a session that stays connected never sends with a salt that
/// has expired.
pub(crate) const SALT_REFRESH_LEAD: Duration = Duration::from_secs(3600);
/// Wait at least this long between two `get_future_salts` of one session
/// when the first got no answer.
pub(crate) const SALT_REQUEST_RETRY: Duration = Duration::from_secs(60);

/// The salts of one auth key as its client holds them.
#[derive(Clone, Debug)]
pub struct ClientSalts {
    /// Sorted by `valid_since` on the device's clock, at most one salt
    /// per start: a run of 8-byte salts when one answer filled it, a
    /// sorted `Vec` otherwise, never a B-tree (a key holds up to 64 salts;
    /// a heap profile of a 1,000-account run had the B-tree at 13 % of the
    /// peak, and the 100,000-account run had the list at 14 %).
    future: HeldSalts,
    /// The salt the server last named (key exchange, `bad_server_salt`,
    /// `new_session_created`): used when no future salt is valid.
    named: u64,
    /// The latest `valid_until` in `future` (none when it is empty), kept
    /// with it: [`needs_more`](Self::needs_more) runs before every send,
    /// and scanning 64 salts each time was the hottest line of a run.
    covered_until: Option<Instant>,
    /// `(from, until, salt)`: [`salt_at`](Self::salt_at) answers `salt`
    /// for every time in `[from, until)`, as last computed. Sending asks
    /// once per packet, and the binary search over a cold set of 64 was
    /// 5 % of a large run; the answer changes only when a salt starts or
    /// the chosen one ends, or the set or the named salt changes (which
    /// clears this).
    current: Option<(Instant, Instant, u64)>,
}

impl ClientSalts {
    /// The salts of a key whose exchange ended with `salt` (0 when unknown,
    /// as for a key copied from a session file that stores none).
    pub fn new(salt: u64) -> ClientSalts {
        ClientSalts {
            future: HeldSalts::default(),
            named: salt,
            covered_until: None,
            current: None,
        }
    }

    /// The salt to send with at device time `now`: the future salt valid
    /// now that started last, or else the one the server last named.
    pub fn salt_at(&self, now: Instant) -> u64 {
        self.salt_and_span_at(now).2
    }

    /// [`salt_at`](Self::salt_at) for a packet about to go out: the same
    /// answer, remembered with the span it holds for.
    pub fn salt_to_send(&mut self, now: Instant) -> u64 {
        match self.current {
            Some((from, until, salt)) if from <= now && now < until => salt,
            _ => {
                let (from, until, salt) = self.salt_and_span_at(now);
                self.current = Some((from, until, salt));
                salt
            }
        }
    }

    /// The salt for `now` and a span `[now, until)` it stays the answer
    /// for: until the next salt starts or the chosen one ends.
    fn salt_and_span_at(&self, now: Instant) -> (Instant, Instant, u64) {
        let started = self.future.started_by(now);
        let next_start = self
            .future
            .get(started)
            .map_or(Instant::from_unix_micros(u64::MAX), |(since, _)| since);
        match (0..started)
            .rev()
            .filter_map(|index| self.future.get(index))
            .find(|(_, held)| held.valid_until > now)
        {
            Some((_, held)) => (now, next_start.min(held.valid_until), held.salt),
            None => (now, next_start, self.named),
        }
    }

    /// Whether the set covers less than [`SALT_REFRESH_LEAD`] beyond `now`.
    pub fn needs_more(&self, now: Instant) -> bool {
        debug_assert_eq!(self.covered_until, self.latest_valid_until());
        self.covered_until
            .is_none_or(|until| until < now.saturating_add(SALT_REFRESH_LEAD))
    }

    /// The server named `salt` as the one to use now (`bad_server_salt`,
    /// `new_session_created`). A refused salt means the set is stale or
    /// its clock shift wrong: the set is dropped and asked for again.
    pub fn adopt_named(&mut self, salt: u64, refused: bool) {
        self.named = salt;
        self.current = None;
        if refused {
            self.future = HeldSalts::default();
            self.covered_until = None;
        }
    }

    /// Take the salts of a `future_salts` answer sent at server time
    /// `server_now` (Unix seconds) and received at device time `now`.
    /// Expired salts go first, then the ones that start latest, so the set
    /// never holds more than [`MAX_FUTURE_SALTS`].
    pub fn adopt_future(&mut self, now: Instant, server_now: u32, salts: &[FutureSalt]) {
        let shift_micros = i128::from(now.unix_micros()) - i128::from(server_now) * i128::from(MICROS_PER_SECOND);
        let on_device = |unix_seconds: u32| {
            let micros = i128::from(unix_seconds) * i128::from(MICROS_PER_SECOND) + shift_micros;
            Instant::from_unix_micros(u64::try_from(micros.max(0)).unwrap_or(u64::MAX))
        };
        let mut future = self.future.to_listed();
        for salt in salts.iter().filter(|salt| salt.valid_since < salt.valid_until) {
            let valid_since = on_device(salt.valid_since);
            let held = HeldSalt {
                valid_until: on_device(salt.valid_until),
                salt: salt.salt,
            };
            match future.binary_search_by_key(&valid_since, |(start, _)| *start) {
                Ok(index) => future[index].1 = held,
                Err(index) => future.insert(index, (valid_since, held)),
            }
        }
        future.retain(|(_, held)| held.valid_until > now);
        future.truncate(MAX_FUTURE_SALTS);
        self.future = HeldSalts::from_listed(future);
        self.covered_until = self.latest_valid_until();
        self.current = None;
    }

    fn latest_valid_until(&self) -> Option<Instant> {
        self.future.iter().map(|(_, held)| held.valid_until).max()
    }

    /// How many future salts are held.
    pub fn future_count(&self) -> usize {
        self.future.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: u32 = 1800;
    const START: u32 = 1_767_225_600;

    fn answer(first_period: u32, count: u32) -> Vec<FutureSalt> {
        (0..count)
            .map(|index| {
                let since = START + (first_period + index) * PERIOD;
                FutureSalt {
                    valid_since: since,
                    valid_until: since + 2 * PERIOD,
                    salt: u64::from(first_period + index) + 100,
                }
            })
            .collect()
    }

    fn at(seconds: u32) -> Instant {
        Instant::from_unix_seconds(u64::from(seconds))
    }

    #[test]
    fn the_named_salt_serves_until_future_salts_arrive() {
        let mut salts = ClientSalts::new(7);
        assert_eq!(salts.salt_at(at(START)), 7);
        assert!(salts.needs_more(at(START)));
        salts.adopt_future(at(START), START, &answer(0, 4));
        assert_eq!(salts.salt_at(at(START + 10)), 100);
        assert_eq!(salts.salt_at(at(START + PERIOD + 10)), 101, "the newest valid one");
        assert!(!salts.needs_more(at(START)), "covered for 2.5 h");
        assert!(!salts.needs_more(at(START + 3 * PERIOD)), "an hour left");
        assert!(salts.needs_more(at(START + 3 * PERIOD + 1)), "less than an hour left");
        assert_eq!(
            salts.salt_at(at(START + 10 * PERIOD)),
            7,
            "all expired: the named one again"
        );
    }

    #[test]
    fn a_skewed_device_clock_still_picks_the_server_s_current_salt() {
        let mut salts = ClientSalts::new(0);
        // The device's clock is two hours behind the server's.
        let behind = 2 * 3600;
        salts.adopt_future(at(START - behind), START, &answer(0, 4));
        assert_eq!(salts.salt_at(at(START - behind + PERIOD + 5)), 101);
    }

    #[test]
    fn a_refusal_drops_the_set_and_the_set_is_bounded() {
        let mut salts = ClientSalts::new(0);
        salts.adopt_future(at(START), START, &answer(0, 64));
        salts.adopt_future(at(START), START, &answer(64, 10));
        assert_eq!(salts.future_count(), MAX_FUTURE_SALTS);
        assert_eq!(salts.salt_at(at(START)), 100, "the earliest ones are kept");
        salts.adopt_named(9, false);
        assert_eq!(
            salts.salt_at(at(START)),
            100,
            "a named salt does not override a valid future one"
        );
        salts.adopt_named(9, true);
        assert_eq!((salts.future_count(), salts.salt_at(at(START))), (0, 9));
    }

    #[test]
    fn empty_or_inverted_validity_is_ignored() {
        let mut salts = ClientSalts::new(1);
        let inverted = FutureSalt {
            valid_since: START + 10,
            valid_until: START,
            salt: 5,
        };
        salts.adopt_future(at(START), START, &[inverted]);
        assert_eq!(salts.future_count(), 0);
    }

    /// The set as it was written before it became a sorted `Vec`: a
    /// B-tree by `valid_since`, the oracle of the property below.
    #[derive(Default)]
    struct Oracle {
        future: std::collections::BTreeMap<Instant, HeldSalt>,
        named: u64,
    }

    impl Oracle {
        fn salt_at(&self, now: Instant) -> u64 {
            self.future
                .range(..=now)
                .rev()
                .find(|(_, held)| held.valid_until > now)
                .map_or(self.named, |(_, held)| held.salt)
        }

        fn adopt(&mut self, now: Instant, server_now: u32, salts: &[FutureSalt]) {
            let shift = i128::from(now.unix_micros()) - i128::from(server_now) * i128::from(MICROS_PER_SECOND);
            let on_device = |seconds: u32| {
                let micros = i128::from(seconds) * i128::from(MICROS_PER_SECOND) + shift;
                Instant::from_unix_micros(u64::try_from(micros.max(0)).unwrap_or(u64::MAX))
            };
            for salt in salts.iter().filter(|salt| salt.valid_since < salt.valid_until) {
                let held = HeldSalt {
                    valid_until: on_device(salt.valid_until),
                    salt: salt.salt,
                };
                self.future.insert(on_device(salt.valid_since), held);
            }
            self.future.retain(|_, held| held.valid_until > now);
            while self.future.len() > MAX_FUTURE_SALTS {
                self.future.pop_last();
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_b_tree_set_after_every_step(
            steps in proptest::collection::vec(
                (0u8..4, 0u32..200, 0u32..80, 0u32..4, proptest::bool::ANY), 1..200),
        ) {
            let mut salts = ClientSalts::new(0);
            let mut oracle = Oracle::default();
            for (step, (operation, first_period, count, skew_periods, refused)) in steps.into_iter().enumerate() {
                let now = at(START + step as u32 * PERIOD / 3);
                let server_now = START + step as u32 * PERIOD / 3 + skew_periods * PERIOD / 2;
                match operation {
                    0 | 1 => {
                        let mut answered = answer(first_period, count);
                        if operation == 1 {
                            // Overlapping and inverted validity, as a confused server sends.
                            answered.iter_mut().step_by(3).for_each(|salt| salt.valid_until = salt.valid_since);
                        }
                        salts.adopt_future(now, server_now, &answered);
                        oracle.adopt(now, server_now, &answered);
                    }
                    2 => {
                        salts.adopt_named(u64::from(first_period), refused);
                        oracle.named = u64::from(first_period);
                        if refused {
                            oracle.future.clear();
                        }
                    }
                    _ => {}
                }
                for probe in [now, at(START + first_period * PERIOD), at(START + (first_period + count) * PERIOD)] {
                    proptest::prop_assert_eq!(salts.salt_at(probe), oracle.salt_at(probe));
                    proptest::prop_assert_eq!(salts.salt_to_send(probe), oracle.salt_at(probe));
                    let covered = oracle.future.values().map(|held| held.valid_until).max();
                    let needs_more = covered.is_none_or(|until| until < probe.saturating_add(SALT_REFRESH_LEAD));
                    proptest::prop_assert_eq!(salts.needs_more(probe), needs_more);
                }
                proptest::prop_assert_eq!(salts.future_count(), oracle.future.len());
            }
            let expected: Vec<(Instant, HeldSalt)> = oracle.future.clone().into_iter().collect();
            proptest::prop_assert_eq!(&salts.future.to_listed(), &expected);
            // The remembered answer holds over its whole span.
            for minutes in 0..600u32 {
                let probe = at(START + minutes * 60);
                proptest::prop_assert_eq!(salts.salt_to_send(probe), oracle.salt_at(probe));
            }
        }
    }
}
