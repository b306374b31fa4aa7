//! Account lifecycle: block (every authorization ends), change of number
//! (every other authorization ends), and deletion in phases (seed 000):
//! lock (freeze: requests rejected, derived authorizations elsewhere ended)
//! → erase (the caller reports the bytes erased) → release (every
//! authorization ended, the number freed). With 2FA and no password given,
//! deletion first waits `deletion_wait_2fa` (the account still works and the
//! owner can cancel).

use super::account::{AccountState, DeletionPhase};
use super::authority::phone_index_key;
use super::error::{AuthRejection, RpcError};
use super::events::{AuthEventKind, RevocationCause};
use super::limits::MAX_PASSWORD_BYTES;
use super::revoke::{Ended, ResetAnswer};
use super::timers::Timer;
use super::DcAuthority;
use crate::id::{AuthKeyId, UserId};
use crate::time::Instant;

impl DcAuthority {
    /// Block an account (an operator action): every authorization ends.
    pub fn block_account(&mut self, now: Instant, user_id: UserId) -> Result<ResetAnswer, RpcError> {
        let account = self.accounts.get_mut(&user_id).ok_or(RpcError::PhoneNumberUnoccupied)?;
        if matches!(account.state, AccountState::Deleted { .. }) {
            return Err(RpcError::AccountStateInvalid);
        }
        account.state = AccountState::Blocked;
        let serials: Vec<u64> = account.authorizations.keys().copied().collect();
        self.event(now, AuthEventKind::AccountBlocked { user_id });
        Ok(self.revoke_serials(now, user_id, &serials, RevocationCause::Block, None))
    }

    /// Change the account's number (the new number's code check is the
    /// caller's business): every other authorization ends.
    pub fn change_number(&mut self, now: Instant, key_id: AuthKeyId, new_phone: &str) -> Result<ResetAnswer, RpcError> {
        if phone_index_key(new_phone).is_empty() || new_phone.len() > 32 {
            return Err(RpcError::PhoneNumberInvalid);
        }
        if self.phones.contains_key(&phone_index_key(new_phone)) {
            return Err(RpcError::PhoneNumberOccupied);
        }
        let (user_id, serial) = self.home_session(now, key_id)?;
        let account = self.accounts.get_mut(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        let old_phone = std::mem::replace(&mut account.phone, new_phone.to_string());
        let others: Vec<u64> = account
            .authorizations
            .keys()
            .copied()
            .filter(|s| *s != serial)
            .collect();
        self.phones.remove(&phone_index_key(&old_phone));
        self.phones.insert(phone_index_key(new_phone), user_id);
        self.event(now, AuthEventKind::NumberChanged { user_id });
        Ok(self.revoke_serials(now, user_id, &others, RevocationCause::NumberChange, Some(key_id)))
    }

    /// `account.deleteAccount` under a home session. With 2FA, the right
    /// password locks at once; no password schedules the lock after the wait.
    pub fn delete_account(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        password: Option<&[u8]>,
    ) -> Result<DeletionPhase, RpcError> {
        let (user_id, _) = self.home_session(now, key_id)?;
        let wait = self.policy.deletion_wait_2fa;
        let account = self.accounts.get(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        if account.state != AccountState::Active {
            return Err(RpcError::AccountStateInvalid);
        }
        match (&account.password, password) {
            (Some(_), None) => {
                let until = now.saturating_add(wait);
                self.set_deleting(now, user_id, DeletionPhase::Scheduled, Some(until));
                self.timers.schedule(until, Timer::DeletionLock { user_id });
                Ok(DeletionPhase::Scheduled)
            }
            (Some(verifier), Some(given)) if given.len() > MAX_PASSWORD_BYTES || !verifier.verify(given) => {
                Err(self.failed_attempt(now, user_id, key_id, RpcError::PasswordHashInvalid))
            }
            _ => {
                self.lock_account(now, user_id);
                Ok(DeletionPhase::Lock)
            }
        }
    }

    /// Cancel a deletion still waiting out the 2FA period.
    pub fn cancel_account_deletion(&mut self, now: Instant, key_id: AuthKeyId) -> Result<(), RpcError> {
        let (user_id, _) = self.home_session(now, key_id)?;
        let account = self.accounts.get_mut(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        match account.state {
            AccountState::Deleting {
                phase: DeletionPhase::Scheduled,
                ..
            } => {
                account.state = AccountState::Active;
                Ok(())
            }
            _ => Err(RpcError::AccountStateInvalid),
        }
    }

    /// Move a locked account to erase (reporting `stored_bytes` erased), or
    /// an erased one to release. Returns the phase reached.
    pub fn advance_deletion(
        &mut self,
        now: Instant,
        user_id: UserId,
        stored_bytes: u64,
    ) -> Result<DeletionPhase, RpcError> {
        let account = self.accounts.get(&user_id).ok_or(RpcError::PhoneNumberUnoccupied)?;
        match account.state {
            AccountState::Deleting {
                phase: DeletionPhase::Lock,
                ..
            } => {
                self.set_deleting(now, user_id, DeletionPhase::Erase, None);
                if let Some(account) = self.accounts.get_mut(&user_id) {
                    // Erase: what the account stored is gone; only the record remains.
                    account.erased_bytes = stored_bytes;
                    account.future_tokens.clear();
                    account.password = None;
                    account.profile = Default::default();
                }
                let phase = DeletionPhase::Erase;
                self.event(
                    now,
                    AuthEventKind::DeletionAdvanced {
                        user_id,
                        phase,
                        erased_bytes: stored_bytes,
                    },
                );
                Ok(DeletionPhase::Erase)
            }
            AccountState::Deleting {
                phase: DeletionPhase::Erase,
                ..
            } => {
                self.release_account(now, user_id);
                Ok(DeletionPhase::Release)
            }
            _ => Err(RpcError::AccountStateInvalid),
        }
    }

    /// Timer: the 2FA wait is over.
    pub(crate) fn lock_after_wait(&mut self, now: Instant, user_id: UserId) {
        let due = self.accounts.get(&user_id).is_some_and(|account| {
            matches!(account.state, AccountState::Deleting { phase: DeletionPhase::Scheduled, waiting_for_2fa_until: Some(until), .. } if now >= until)
        });
        if due {
            self.lock_account(now, user_id);
        }
    }

    fn set_deleting(&mut self, now: Instant, user_id: UserId, phase: DeletionPhase, until: Option<Instant>) {
        if let Some(account) = self.accounts.get_mut(&user_id) {
            account.state = AccountState::Deleting {
                phase,
                since: now,
                waiting_for_2fa_until: until,
            };
        }
    }

    /// Freeze the account and end its derived authorizations on other DCs
    /// (home authorizations stay until release, rejected meanwhile).
    fn lock_account(&mut self, now: Instant, user_id: UserId) {
        self.set_deleting(now, user_id, DeletionPhase::Lock, None);
        self.event(
            now,
            AuthEventKind::DeletionAdvanced {
                user_id,
                phase: DeletionPhase::Lock,
                erased_bytes: 0,
            },
        );
        let exported: Vec<Ended> = self
            .accounts
            .get(&user_id)
            .map(|account| {
                account
                    .authorizations()
                    .map(|auth| (auth.hash, auth.exported_to.clone()))
                    .collect()
            })
            .unwrap_or_default();
        self.propagate(now, user_id, exported, AuthRejection::UserDeactivated, None);
    }

    fn release_account(&mut self, now: Instant, user_id: UserId) {
        let serials: Vec<u64> = self
            .accounts
            .get(&user_id)
            .map(|account| account.authorizations.keys().copied().collect())
            .unwrap_or_default();
        self.revoke_serials(now, user_id, &serials, RevocationCause::Deletion, None);
        let mut erased_bytes = 0;
        if let Some(account) = self.accounts.get_mut(&user_id) {
            erased_bytes = account.erased_bytes;
            account.state = AccountState::Deleted { erased_bytes };
            let phone = phone_index_key(&account.phone);
            self.phones.remove(&phone);
        }
        let released = AuthEventKind::DeletionAdvanced {
            user_id,
            phase: DeletionPhase::Release,
            erased_bytes,
        };
        self.event(now, released);
    }
}
