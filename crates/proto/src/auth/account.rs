//! An account as its home DC stores it: phone, 2FA verifier, inactivity TTL,
//! lifecycle state, future auth tokens, its authorizations and the activity
//! profile behind the anomaly signals.

use crate::id::{AuthorizationHash, DcId, UserId};
use std::collections::VecDeque;

use super::anomaly::ActivityProfile;
use super::authorization::Authorization;
use super::future_tokens::FutureToken;
use super::password::PasswordVerifier;
use crate::tight_store::TightMap;

use crate::time::Instant;

/// Bytes of a future auth token.
pub(crate) const FUTURE_TOKEN_BYTES: usize = 32;

/// Where an account is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountState {
    /// In normal use: requests are served.
    Active,
    /// Blocked by the service: every authorization ended.
    Blocked,
    /// Being deleted, phase by phase (seed 000).
    Deleting {
        /// The phase deletion is in.
        phase: DeletionPhase,
        /// When that phase began.
        since: Instant,
        /// With 2FA and no password, deletion waits until then (7 days).
        waiting_for_2fa_until: Option<Instant>,
    },
    /// Deleted; `erased_bytes` is what the erase phase reported.
    Deleted {
        /// Bytes the erase phase reported erased.
        erased_bytes: u64,
    },
}

/// The phases of deletion. `Scheduled` is the 2FA wait before `Lock`;
/// `Release` ends in [`AccountState::Deleted`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeletionPhase {
    /// Waiting for the 2FA grace period; the account still works.
    Scheduled,
    /// Frozen: every request is rejected, nothing is ended yet.
    Lock,
    /// Data erased (the caller reported how many bytes).
    Erase,
    /// Devices unbound: every authorization ended.
    Release,
}

impl AccountState {
    /// Whether requests under the account's authorizations are served.
    pub fn serves_requests(self) -> bool {
        match self {
            AccountState::Active => true,
            AccountState::Deleting { phase, .. } => phase == DeletionPhase::Scheduled,
            AccountState::Blocked | AccountState::Deleted { .. } => false,
        }
    }
}

/// One account on its home DC.
#[derive(Clone, Debug)]
pub struct Account {
    /// Telegram's user id of the account.
    pub user_id: UserId,
    /// The phone number the account logs in with, in international format.
    pub phone: String,
    /// The DC that stores the account and its home authorizations.
    pub home_dc: DcId,
    /// Authorizations inactive this many days are terminated (`account.setAuthorizationTTL`).
    pub authorization_ttl_days: u32,
    /// Active, blocked, being deleted or deleted.
    pub state: AccountState,
    pub(crate) password: Option<PasswordVerifier>,
    /// Future auth tokens handed out by logins and log-outs, oldest first.
    pub(crate) future_tokens: VecDeque<FutureToken>,
    /// Authorizations by serial (creation order: lowest is oldest).
    /// Sorted, with no spare room: an account holds a few, and a B-tree
    /// node padded them to eleven (3 KiB per account in a heap profile), a
    /// `Vec` to four.
    pub(crate) authorizations: TightMap<u64, Authorization>,
    pub(crate) profile: ActivityProfile,
    /// Failed sign-in or password attempts since the last success or flood.
    pub(crate) failed_attempts: u32,
    pub(crate) flood_until: Option<Instant>,
    /// Bytes the erase phase of deletion reported.
    pub(crate) erased_bytes: u64,
}

impl Account {
    /// A fresh, active account without authorizations.
    pub fn new(user_id: UserId, phone: String, home_dc: DcId, authorization_ttl_days: u32) -> Account {
        Account {
            user_id,
            phone,
            home_dc,
            authorization_ttl_days,
            state: AccountState::Active,
            password: None,
            future_tokens: VecDeque::new(),
            authorizations: TightMap::new(),
            profile: ActivityProfile::default(),
            failed_attempts: 0,
            flood_until: None,
            erased_bytes: 0,
        }
    }

    /// Whether 2FA is on.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// The account's authorizations, oldest first.
    pub fn authorizations(&self) -> impl Iterator<Item = &Authorization> {
        self.authorizations.values()
    }

    /// The serial of the authorization with public handle `hash`.
    pub fn serial_of_hash(&self, hash: AuthorizationHash) -> Option<u64> {
        self.authorizations
            .values()
            .find(|auth| auth.hash == hash)
            .map(|auth| auth.serial)
    }

    /// Future auth tokens kept (an expired one is forgotten at the next
    /// issue or when presented).
    pub fn future_token_count(&self) -> usize {
        self.future_tokens.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_active_and_scheduled_accounts_serve_requests() {
        let at = Instant::from_unix_seconds(1);
        let deleting = |phase| AccountState::Deleting {
            phase,
            since: at,
            waiting_for_2fa_until: None,
        };
        assert!(AccountState::Active.serves_requests());
        assert!(deleting(DeletionPhase::Scheduled).serves_requests());
        assert!(!deleting(DeletionPhase::Lock).serves_requests());
        assert!(!deleting(DeletionPhase::Erase).serves_requests());
        assert!(!AccountState::Blocked.serves_requests());
        assert!(!AccountState::Deleted { erased_bytes: 0 }.serves_requests());
    }
}
