//! Which sessions are online, so that pushed updates and notifications go
//! where a client is listening.
//!
//! A session counts as online for [`ONLINE_WINDOW`] after the server last
//! heard from it; clients ping every minute while connected. The registry
//! is bounded: the least recently heard session goes first.

use rustc_hash::FxHashMap;
use std::time::Duration;

use crate::id::{AuthKeyId, SessionId, UserId};
use crate::recency::RecencyMap;
use crate::time::Instant;

/// How long after its last packet a session still receives pushes.
pub(crate) const ONLINE_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Sessions tracked at most per datacenter.
pub(crate) const MAX_TRACKED_SESSIONS: usize = 1 << 20;

/// (auth key, session id): where a pushed packet goes.
pub(crate) type SessionAddress = (AuthKeyId, SessionId);

/// Heard from on every packet, asked on every push: hash maps (never
/// iterated) with the few sessions of one user or key in sorted vectors,
/// so the pushes go out in a stable order.
#[derive(Clone, Debug)]
pub(crate) struct OnlineSessions {
    /// Each session's last packet and the user it was authenticated as.
    heard: RecencyMap<SessionAddress, Option<UserId>>,
    by_user: FxHashMap<UserId, Vec<SessionAddress>>,
    by_key: FxHashMap<AuthKeyId, Vec<SessionId>>,
}

impl Default for OnlineSessions {
    fn default() -> OnlineSessions {
        OnlineSessions::with_limit(MAX_TRACKED_SESSIONS)
    }
}

/// Insert `item` into the sorted `items` unless it is there.
fn insert_sorted<T: Ord>(items: &mut Vec<T>, item: T) {
    if let Err(index) = items.binary_search(&item) {
        items.insert(index, item);
    }
}

/// Remove `item` from the sorted vector under `key`, and the vector once empty.
fn remove_sorted<K: Eq + std::hash::Hash, T: Ord>(map: &mut FxHashMap<K, Vec<T>>, key: K, item: &T) {
    if let Some(items) = map.get_mut(&key) {
        if let Ok(index) = items.binary_search(item) {
            items.remove(index);
        }
        if items.is_empty() {
            map.remove(&key);
        }
    }
}

impl OnlineSessions {
    /// A registry of at most `limit` sessions.
    fn with_limit(limit: usize) -> OnlineSessions {
        OnlineSessions {
            heard: RecencyMap::new(limit),
            by_user: FxHashMap::default(),
            by_key: FxHashMap::default(),
        }
    }

    /// The server heard from `address`, authenticated as `user` when known
    /// (an unauthenticated packet keeps the user the session had).
    pub(crate) fn heard(&mut self, now: Instant, address: SessionAddress, user: Option<UserId>) {
        let previous = self.heard.get(&address).map(|(_, user)| *user);
        let user = user.or(previous.flatten());
        self.heard.touch(now, address, user);
        match previous {
            None => insert_sorted(self.by_key.entry(address.0).or_default(), address.1),
            Some(Some(old_user)) if Some(old_user) != user => {
                remove_sorted(&mut self.by_user, old_user, &address);
            }
            Some(_) => {}
        }
        if let Some(user) = user {
            if previous.flatten() != Some(user) {
                insert_sorted(self.by_user.entry(user).or_default(), address);
            }
        }
        while let Some((stalest, user)) = self.heard.pop_stalest_beyond_limit() {
            self.unlink(stalest, user);
        }
    }

    fn unlink(&mut self, address: SessionAddress, user: Option<UserId>) {
        remove_sorted(&mut self.by_key, address.0, &address.1);
        if let Some(user) = user {
            remove_sorted(&mut self.by_user, user, &address);
        }
    }

    /// Stop tracking a session. Nothing outside the tests calls it yet: a
    /// destroyed key's sessions stay listed until the window runs out.
    #[cfg(test)]
    pub(crate) fn forget(&mut self, address: SessionAddress) {
        if let Some((_, user)) = self.heard.remove(&address) {
            self.unlink(address, user);
        }
    }

    fn is_online(&self, now: Instant, address: &SessionAddress) -> bool {
        self.heard
            .get(address)
            .is_some_and(|(heard, _)| now.saturating_duration_since(*heard) <= ONLINE_WINDOW)
    }

    /// The online sessions of `user`, in (key, session) order.
    pub(crate) fn of_user(&self, now: Instant, user: UserId) -> Vec<SessionAddress> {
        let addresses = self.by_user.get(&user).map_or(&[][..], Vec::as_slice);
        addresses
            .iter()
            .filter(|address| self.is_online(now, address))
            .copied()
            .collect()
    }

    /// The online sessions of one auth key, in session order.
    pub(crate) fn of_key(&self, now: Instant, key_id: AuthKeyId) -> Vec<SessionAddress> {
        let sessions = self.by_key.get(&key_id).map_or(&[][..], Vec::as_slice);
        sessions
            .iter()
            .map(|session| (key_id, *session))
            .filter(|address| self.is_online(now, address))
            .collect()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.heard.len()
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

    #[test]
    fn past_the_bound_the_stalest_session_is_forgotten_everywhere() {
        let start = Instant::SCENARIO_EPOCH;
        let mut online = OnlineSessions::with_limit(2);
        let (user, key) = (UserId::new(7), AuthKeyId::new(1));
        online.heard(start, (key, SessionId::new(10)), Some(user));
        online.heard(start + Duration::from_secs(1), (key, SessionId::new(11)), Some(user));
        online.heard(
            start + Duration::from_secs(2),
            (AuthKeyId::new(2), SessionId::new(20)),
            None,
        );
        let now = start + Duration::from_secs(3);
        assert_eq!(online.len(), 2);
        assert_eq!(online.of_user(now, user), [(key, SessionId(11))]);
        assert_eq!(online.of_key(now, key), [(key, SessionId(11))]);
        assert!(online.by_user.values().all(|addresses| !addresses.is_empty()));
        online.forget((key, SessionId::new(11)));
        assert!(online.of_key(now, key).is_empty() && !online.by_key.contains_key(&key));
        assert!(!online.by_user.contains_key(&user), "no empty lists are kept");
    }
}
