//! The deadline queue behind `poll_timeout` / `handle_timeout`: a set ordered by
//! (deadline, timer), so ties break the same way every run. Timers are hints:
//! the handler re-checks the state when one fires, so a stale timer (an
//! authorization already gone, a TTL pushed back by activity) is harmless.
//! Each timer identity is armed at most once: re-arming moves it, so the
//! queue never holds more entries than there are objects with deadlines.

use crate::id::{AuthKeyId, UserId};
use std::collections::{BTreeMap, BTreeSet};

use crate::time::Instant;

/// Timers pending on one DC at once. Every timer belongs to a bounded object
/// (authorization, code, token, revocation, temp key), so this is generous.
pub(crate) const MAX_TIMERS: usize = 1 << 22;

/// What is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// Check an authorization's inactivity against the account's TTL.
    AuthorizationTtl { user_id: UserId, serial: u64 },
    /// Confirm an unconfirmed login once the period passed.
    AutoConfirm { user_id: UserId, serial: u64 },
    /// Forget an expired login code.
    CodeExpiry { user_id: UserId, phone_code_hash: u64 },
    /// Forget an expired or accepted QR login token.
    LoginTokenPurge { token_id: u64 },
    /// Forget an expired or imported acceptance of a token exported on another DC.
    LoginImportPurge { import_id: u64 },
    /// Send (or resend) an inter-DC revocation.
    RevocationSend { revocation_id: u64 },
    /// The 2FA wait of a deletion is over: lock the account.
    DeletionLock { user_id: UserId },
    /// A temp key binding ran out.
    TempKeyExpiry { temp_key_id: AuthKeyId },
}

/// Deadlines, earliest first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timers {
    queue: BTreeSet<(Instant, Timer)>,
    armed: BTreeMap<Timer, Instant>,
}

impl Timers {
    /// Arm `timer` for `at`, moving it if it was armed already.
    pub(crate) fn schedule(&mut self, at: Instant, timer: Timer) {
        if let Some(previous) = self.armed.insert(timer, at) {
            self.queue.remove(&(previous, timer));
        }
        self.queue.insert((at, timer));
        assert_eq!(self.queue.len(), self.armed.len(), "timer index out of step");
        assert!(self.queue.len() <= MAX_TIMERS, "timer queue over its bound");
    }

    /// When `timer` is armed for, if it is.
    #[cfg(test)]
    pub(crate) fn armed_at(&self, timer: Timer) -> Option<Instant> {
        self.armed.get(&timer).copied()
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.queue.first().map(|(at, _)| *at)
    }

    /// Take the earliest timer due at or before `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(Instant, Timer)> {
        let first = *self.queue.first()?;
        if first.0 > now {
            return None;
        }
        self.armed.remove(&first.1);
        self.queue.pop_first()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_deadline_order_and_only_when_due() {
        let mut timers = Timers::default();
        let t = |s| Instant::from_unix_seconds(s);
        timers.schedule(
            t(20),
            Timer::DeletionLock {
                user_id: UserId::new(1),
            },
        );
        timers.schedule(
            t(5),
            Timer::TempKeyExpiry {
                temp_key_id: AuthKeyId::new(7),
            },
        );
        timers.schedule(
            t(10),
            Timer::TempKeyExpiry {
                temp_key_id: AuthKeyId::new(7),
            },
        );
        assert_eq!(timers.len(), 2);
        assert_eq!(
            timers.armed_at(Timer::TempKeyExpiry {
                temp_key_id: AuthKeyId::new(7)
            }),
            Some(t(10))
        );
        assert_eq!(timers.next(), Some(t(10)));
        assert_eq!(timers.pop_due(t(9)), None);
        assert_eq!(
            timers.pop_due(t(15)),
            Some((
                t(10),
                Timer::TempKeyExpiry {
                    temp_key_id: AuthKeyId::new(7)
                }
            ))
        );
        assert_eq!(timers.pop_due(t(15)), None);
        assert_eq!(
            timers.pop_due(t(20)),
            Some((
                t(20),
                Timer::DeletionLock {
                    user_id: UserId::new(1)
                }
            ))
        );
        assert!(timers.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn one_entry_per_timer_and_pops_in_order(arms in proptest::collection::vec((0u64..100, 0u64..5), 0..50)) {
            let mut timers = Timers::default();
            let mut latest = std::collections::BTreeMap::new();
            for (at, key) in &arms {
                timers.schedule(Instant::from_unix_seconds(*at), Timer::TempKeyExpiry { temp_key_id: AuthKeyId::new(*key) });
                latest.insert(*key, *at);
            }
            proptest::prop_assert_eq!(timers.len(), latest.len());
            let mut last = Instant::EPOCH;
            while let Some((at, Timer::TempKeyExpiry { temp_key_id })) = timers.pop_due(Instant::from_unix_seconds(100)) {
                proptest::prop_assert!(at >= last);
                proptest::prop_assert_eq!(Some(&at.unix_seconds()), latest.get(&temp_key_id.get()));
                last = at;
            }
            proptest::prop_assert!(timers.is_empty());
        }
    }
}
