//! Which sessions are online, so that pushed updates and notifications go
//! where a client is listening.
//!
//! A session counts as online for [`ONLINE_WINDOW`] after the server last
//! heard from it; clients ping every minute while connected. The registry
//! is bounded: the least recently heard session goes first.

use crate::id::{AuthKeyId, SessionId, UserId};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::time::Instant;

/// How long after its last packet a session still receives pushes.
pub(crate) const ONLINE_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Sessions tracked at most per datacenter.
pub(crate) const MAX_TRACKED_SESSIONS: usize = 1 << 20;

/// (auth key, session id): where a pushed packet goes.
pub(crate) type SessionAddress = (AuthKeyId, SessionId);

#[derive(Clone, Debug, Default)]
pub(crate) struct OnlineSessions {
    last_heard: BTreeMap<SessionAddress, Instant>,
    by_user: BTreeMap<UserId, BTreeSet<SessionAddress>>,
    user_of: BTreeMap<SessionAddress, UserId>,
    /// (last heard, address), to find the stalest quickly.
    by_time: BTreeSet<(Instant, SessionAddress)>,
}

impl OnlineSessions {
    /// The server heard from `address`, authenticated as `user` when known.
    pub(crate) fn heard(&mut self, now: Instant, address: SessionAddress, user: Option<UserId>) {
        if let Some(previous) = self.last_heard.insert(address, now) {
            self.by_time.remove(&(previous, address));
        }
        self.by_time.insert((now, address));
        if let Some(user) = user {
            if let Some(old_user) = self.user_of.insert(address, user) {
                if old_user != user {
                    self.unlink(old_user, address);
                }
            }
            self.by_user.entry(user).or_default().insert(address);
        }
        while self.last_heard.len() > MAX_TRACKED_SESSIONS {
            let Some(&(_, stalest)) = self.by_time.iter().next() else {
                break;
            };
            self.forget(stalest);
        }
    }

    fn unlink(&mut self, user: UserId, address: SessionAddress) {
        if let Some(addresses) = self.by_user.get_mut(&user) {
            addresses.remove(&address);
            if addresses.is_empty() {
                self.by_user.remove(&user);
            }
        }
    }

    /// Stop tracking a session (its key was destroyed).
    pub(crate) fn forget(&mut self, address: SessionAddress) {
        if let Some(heard) = self.last_heard.remove(&address) {
            self.by_time.remove(&(heard, address));
        }
        if let Some(user) = self.user_of.remove(&address) {
            self.unlink(user, address);
        }
    }

    fn is_online(&self, now: Instant, address: &SessionAddress) -> bool {
        self.last_heard
            .get(address)
            .is_some_and(|heard| now.saturating_duration_since(*heard) <= ONLINE_WINDOW)
    }

    /// The online sessions of `user`, in a stable order.
    pub(crate) fn of_user(&self, now: Instant, user: UserId) -> Vec<SessionAddress> {
        self.by_user
            .get(&user)
            .map(|addresses| {
                addresses
                    .iter()
                    .filter(|address| self.is_online(now, address))
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The online sessions of one auth key.
    pub(crate) fn of_key(&self, now: Instant, key_id: AuthKeyId) -> Vec<SessionAddress> {
        self.last_heard
            .range((key_id, SessionId::new(0))..=(key_id, SessionId::new(u64::MAX)))
            .map(|(address, _)| *address)
            .filter(|address| self.is_online(now, address))
            .collect()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.last_heard.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_online_for_the_window_and_grouped_by_user_and_key() {
        let start = Instant::SCENARIO_EPOCH;
        let mut online = OnlineSessions::default();
        online.heard(start, (AuthKeyId::new(1), SessionId::new(10)), Some(UserId::new(7)));
        online.heard(start, (AuthKeyId::new(1), SessionId::new(11)), Some(UserId::new(7)));
        online.heard(start, (AuthKeyId::new(2), SessionId::new(20)), None);
        assert_eq!(
            online.of_user(start, UserId::new(7)),
            [(AuthKeyId(1), SessionId(10)), (AuthKeyId(1), SessionId(11))]
        );
        assert_eq!(online.of_key(start, AuthKeyId::new(2)), [(AuthKeyId(2), SessionId(20))]);
        let later = start + ONLINE_WINDOW + Duration::from_secs(1);
        online.heard(later, (AuthKeyId::new(1), SessionId::new(11)), Some(UserId::new(7)));
        assert_eq!(
            online.of_user(later, UserId::new(7)),
            [(AuthKeyId(1), SessionId(11))],
            "session 10 went quiet"
        );
        online.forget((AuthKeyId::new(1), SessionId::new(11)));
        assert!(online.of_user(later, UserId::new(7)).is_empty());
        assert_eq!(online.len(), 2);
    }

    #[test]
    fn a_key_moving_to_another_user_leaves_the_first() {
        let start = Instant::SCENARIO_EPOCH;
        let mut online = OnlineSessions::default();
        online.heard(start, (AuthKeyId::new(1), SessionId::new(10)), Some(UserId::new(7)));
        online.heard(start, (AuthKeyId::new(1), SessionId::new(10)), Some(UserId::new(8)));
        assert!(online.of_user(start, UserId::new(7)).is_empty());
        assert_eq!(online.of_user(start, UserId::new(8)), [(AuthKeyId(1), SessionId(10))]);
    }
}
