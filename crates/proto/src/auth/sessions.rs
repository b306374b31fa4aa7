//! Session management as the owner sees it: the list with anomaly signals,
//! terminating one or all others, the inactivity TTL, confirming or denying
//! new logins, and the timers behind TTL expiry and auto-confirmation.
//!
//! Rules: a caller younger than `fresh_reset_window` may not terminate
//! others or change the TTL (406); an unconfirmed caller may do neither
//! unless `unconfirmed_can_reset`. "Terminate all" with a non-zero
//! `terminate_all_limit` ends the OLDEST authorizations first (lowest
//! creation serial), so the newest — e.g. one an attacker just minted —
//! are the ones left: the seed-000 design, measurable rather than adopted.

use crate::id::{AuthKeyId, AuthorizationHash, UserId};
use std::time::Duration;

use super::anomaly::{signals, AnomalySignals};
use super::error::RpcError;
use super::events::{AuthEventKind, RevocationCause};
use super::keys::KeyBinding;
use super::limits::{MAX_TTL_DAYS, MIN_TTL_DAYS, SECONDS_PER_DAY};
use super::revoke::ResetAnswer;
use super::timers::Timer;
use super::{Authorization, DcAuthority};
use crate::time::Instant;

/// One row of `account.authorizations`, as seen by one caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationView {
    /// Whether this row is the caller's own authorization.
    pub current: bool,
    /// The authorization as the home DC stores it.
    pub authorization: Authorization,
    /// The anomaly signals computed for it.
    pub signals: AnomalySignals,
}

/// `account.authorizations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizationList {
    /// Authorizations inactive this many days are terminated.
    pub authorization_ttl_days: u32,
    /// The caller's first, then the most recently active first.
    pub authorizations: Vec<AuthorizationView>,
}

impl DcAuthority {
    /// Authenticate `key_id` and require a home authorization on this DC.
    pub(crate) fn home_session(&mut self, now: Instant, key_id: AuthKeyId) -> Result<(UserId, u64), RpcError> {
        let handle = self
            .authenticate(now, key_id)
            .map_err(|rejection| rejection.rpc_error())?;
        match self.keys.binding(handle.perm_key_id) {
            Some(KeyBinding::Home { user_id, serial }) => Ok((*user_id, *serial)),
            Some(KeyBinding::Derived(derived)) => Err(RpcError::UserMigrate(derived.home_dc)),
            None => Err(RpcError::AuthKeyUnregistered),
        }
    }

    /// The home authorization `serial` of `user_id`.
    pub(crate) fn authorization(&self, user_id: UserId, serial: u64) -> Result<&Authorization, RpcError> {
        self.accounts
            .get(&user_id)
            .and_then(|account| account.authorizations.get(&serial))
            .ok_or(RpcError::AuthKeyUnregistered)
    }

    pub(crate) fn authorization_mut(&mut self, user_id: UserId, serial: u64) -> Result<&mut Authorization, RpcError> {
        let account = self.accounts.get_mut(&user_id);
        account
            .and_then(|account| account.authorizations.get_mut(&serial))
            .ok_or(RpcError::AuthKeyUnregistered)
    }

    /// The fresh-session and unconfirmed-session rules for terminating others
    /// and changing the TTL.
    fn check_may_reset(&self, now: Instant, user_id: UserId, serial: u64) -> Result<(), RpcError> {
        let caller = self.authorization(user_id, serial)?;
        let fresh = now < caller.date_created.saturating_add(self.policy.fresh_reset_window);
        #[cfg(feature = "mutants")]
        let fresh = fresh && !crate::mutant::is(self.policy.mutant, crate::mutant::Mutant::FreshSessionRuleOff);
        if fresh {
            return Err(RpcError::FreshResetForbidden);
        }
        if caller.unconfirmed && !self.policy.unconfirmed_can_reset {
            return Err(RpcError::UnconfirmedForbidden);
        }
        Ok(())
    }

    /// `account.getAuthorizations`.
    pub fn get_authorizations(&mut self, now: Instant, key_id: AuthKeyId) -> Result<AuthorizationList, RpcError> {
        let (user_id, serial) = self.home_session(now, key_id)?;
        let account = self.accounts.get(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        let mut authorizations: Vec<AuthorizationView> = account
            .authorizations()
            .map(|auth| AuthorizationView {
                current: auth.serial == serial,
                authorization: auth.clone(),
                signals: signals(account, auth),
            })
            .collect();
        authorizations.sort_by_key(|view| {
            (
                !view.current,
                std::cmp::Reverse(view.authorization.date_active),
                view.authorization.serial,
            )
        });
        Ok(AuthorizationList {
            authorization_ttl_days: account.authorization_ttl_days,
            authorizations,
        })
    }

    /// `account.resetAuthorization(hash)`: end one other authorization.
    /// Ending an unconfirmed one is denying that login.
    pub fn reset_authorization(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        hash: AuthorizationHash,
    ) -> Result<ResetAnswer, RpcError> {
        let (user_id, serial) = self.home_session(now, key_id)?;
        self.check_may_reset(now, user_id, serial)?;
        let account = self.accounts.get(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        let target = account
            .serial_of_hash(hash)
            .filter(|target| *target != serial)
            .ok_or(RpcError::HashInvalid)?;
        let denied = account.authorizations.get(&target).is_some_and(|auth| auth.unconfirmed);
        let cause = if denied {
            RevocationCause::DeniedLogin
        } else {
            RevocationCause::ResetOne
        };
        Ok(self.revoke_serials(now, user_id, &[target], cause, Some(key_id)))
    }

    /// `auth.resetAuthorizations`: end every other authorization (at most
    /// `terminate_all_limit`, oldest first, when it is non-zero).
    pub fn reset_authorizations(&mut self, now: Instant, key_id: AuthKeyId) -> Result<ResetAnswer, RpcError> {
        let (user_id, serial) = self.home_session(now, key_id)?;
        self.check_may_reset(now, user_id, serial)?;
        let account = self.accounts.get(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        let limit = match self.policy.terminate_all_limit {
            0 => usize::MAX,
            limit => limit as usize,
        };
        // BTreeMap order is serial order: oldest first.
        #[allow(unused_mut)]
        let mut targets: Vec<u64> = account
            .authorizations
            .keys()
            .copied()
            .filter(|s| *s != serial)
            .take(limit)
            .collect();
        #[cfg(feature = "mutants")]
        if crate::mutant::is(self.policy.mutant, crate::mutant::Mutant::TerminateAllSparesOne) {
            targets.pop();
        }
        Ok(self.revoke_serials(now, user_id, &targets, RevocationCause::ResetAll, Some(key_id)))
    }

    /// `account.setAuthorizationTTL(days)`.
    pub fn set_authorization_ttl(&mut self, now: Instant, key_id: AuthKeyId, days: u32) -> Result<(), RpcError> {
        if !(MIN_TTL_DAYS..=MAX_TTL_DAYS).contains(&days) {
            return Err(RpcError::TtlDaysInvalid);
        }
        let (user_id, serial) = self.home_session(now, key_id)?;
        self.check_may_reset(now, user_id, serial)?;
        let account = self.accounts.get_mut(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        account.authorization_ttl_days = days;
        let ttl = ttl_duration(days);
        let deadlines: Vec<(Instant, u64)> = account
            .authorizations()
            .map(|auth| (auth.date_active.saturating_add(ttl), auth.serial))
            .collect();
        for (at, serial) in deadlines {
            self.timers.schedule(at, Timer::AuthorizationTtl { user_id, serial });
        }
        self.event(now, AuthEventKind::TtlChanged { user_id, days });
        Ok(())
    }

    /// `account.changeAuthorizationSettings(hash, confirmed = true)`.
    /// Only a confirmed session may confirm another.
    pub fn confirm_authorization(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        hash: AuthorizationHash,
    ) -> Result<(), RpcError> {
        let (user_id, serial) = self.home_session(now, key_id)?;
        if self.authorization(user_id, serial)?.unconfirmed {
            return Err(RpcError::UnconfirmedForbidden);
        }
        let account = self.accounts.get(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        let target = account
            .serial_of_hash(hash)
            .filter(|target| *target != serial)
            .ok_or(RpcError::HashInvalid)?;
        self.confirm(now, user_id, target, false);
        Ok(())
    }

    fn confirm(&mut self, now: Instant, user_id: UserId, serial: u64, automatically: bool) {
        let Some(account) = self.accounts.get_mut(&user_id) else {
            return;
        };
        let Some(auth) = account.authorizations.get_mut(&serial) else {
            return;
        };
        if !auth.unconfirmed {
            return;
        }
        auth.unconfirmed = false;
        let (hash, model) = (auth.hash, auth.info.device_model.clone());
        account.profile.learn_device_model(&model);
        self.event(
            now,
            AuthEventKind::AuthorizationConfirmed {
                user_id,
                hash,
                automatically,
            },
        );
    }

    /// Timer: confirm a login nobody denied within the period.
    pub(crate) fn auto_confirm(&mut self, now: Instant, user_id: UserId, serial: u64) {
        self.confirm(now, user_id, serial, true);
    }

    /// Timer: end an authorization inactive longer than the account's TTL,
    /// or re-arm for when it would be.
    pub(crate) fn check_ttl(&mut self, now: Instant, user_id: UserId, serial: u64) {
        let Some(account) = self.accounts.get(&user_id) else {
            return;
        };
        let Some(auth) = account.authorizations.get(&serial) else {
            return;
        };
        #[cfg(feature = "mutants")]
        if crate::mutant::is(self.policy.mutant, crate::mutant::Mutant::TtlNeverApplied) {
            return;
        }
        let deadline = auth
            .date_active
            .saturating_add(ttl_duration(account.authorization_ttl_days));
        if now >= deadline {
            self.revoke_serials(now, user_id, &[serial], RevocationCause::Ttl, None);
        } else {
            self.timers
                .schedule(deadline, Timer::AuthorizationTtl { user_id, serial });
        }
    }
}

/// A TTL in days as a duration.
pub(crate) fn ttl_duration(days: u32) -> Duration {
    Duration::from_secs(u64::from(days) * SECONDS_PER_DAY)
}
