//! The steps after and around a login: `check_password` (2FA),
//! `update_password` (turn 2FA on, change or off), and `log_out`, which
//! ends the caller's authorization and hands back a future auth token.
//!
//! Changing the password does not terminate other sessions, as in
//! Telegram: a session that is already logged in stays so. Terminating them
//! is a separate step (`auth.resetAuthorizations`); a stolen, logged-in key
//! survives a password change. Sessions still owing the password
//! (`password_pending`) must give the new one.

use crate::id::{AuthKeyId, AuthorizationHash};
use rand_core::RngCore;

use super::account::FUTURE_TOKEN_BYTES;
use super::error::RpcError;
use super::events::{AuthEventKind, RevocationCause};
use super::keys::KeyBinding;
use super::limits::MAX_PASSWORD_BYTES;
use super::login::LoginResult;
use super::password::{PasswordVerifier, PASSWORD_SALT_BYTES};
use super::DcAuthority;
use crate::time::Instant;

impl DcAuthority {
    /// `auth.checkPassword` under a key whose authorization owes the password.
    pub fn check_password(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        password: &[u8],
    ) -> Result<LoginResult, RpcError> {
        let perm_key_id = self.resolve_key(now, key_id);
        let Some(KeyBinding::Home { user_id, serial }) = self.keys.binding(perm_key_id).cloned() else {
            return Err(self.keys.rejection_of_unbound(perm_key_id).rpc_error());
        };
        self.check_flood(now, user_id)?;
        let account = self.accounts.get_mut(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        if !account.state.serves_requests() {
            return Err(RpcError::UserDeactivated);
        }
        let pending = account
            .authorizations
            .get(&serial)
            .is_some_and(|auth| auth.password_pending);
        let verifier = account
            .password
            .as_ref()
            .filter(|_| pending)
            .ok_or(RpcError::AccountStateInvalid)?;
        if password.len() > MAX_PASSWORD_BYTES || !verifier.verify(password) {
            return Err(self.failed_attempt(now, user_id, key_id, RpcError::PasswordHashInvalid));
        }
        account.failed_attempts = 0;
        let auth = account
            .authorizations
            .get_mut(&serial)
            .ok_or(RpcError::AuthKeyUnregistered)?;
        auth.password_pending = false;
        let hash = auth.hash;
        self.event(now, AuthEventKind::PasswordAccepted { user_id, hash });
        self.announce_login(now, user_id, serial);
        Ok(LoginResult::Authorized { user_id, hash })
    }

    /// `account.updatePasswordSettings`: turn 2FA on (`new` = Some), change
    /// it, or off (`new` = None), from a logged-in home session. With a
    /// password set, `current` must match it (a wrong one counts as a failed
    /// attempt toward FLOOD_WAIT). Other sessions are left alone.
    pub fn update_password(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        current: Option<&[u8]>,
        new: Option<&[u8]>,
        rng: &mut impl RngCore,
    ) -> Result<(), RpcError> {
        self.update_password_salted(now, key_id, current, new, || {
            let mut salt = [0u8; PASSWORD_SALT_BYTES];
            rng.fill_bytes(&mut salt);
            salt
        })
    }

    /// [`DcAuthority::update_password`] with the new verifier's salt from
    /// `salt` (called only when a new password is set and every check
    /// passed, so a refused change draws nothing).
    pub(crate) fn update_password_salted(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        current: Option<&[u8]>,
        new: Option<&[u8]>,
        salt: impl FnOnce() -> [u8; PASSWORD_SALT_BYTES],
    ) -> Result<(), RpcError> {
        if new.is_some_and(|password| password.len() > MAX_PASSWORD_BYTES || password.is_empty()) {
            return Err(RpcError::PasswordTooLong);
        }
        let (user_id, serial) = self.home_session(now, key_id)?;
        self.check_flood(now, user_id)?;
        let account = self.accounts.get(&user_id).ok_or(RpcError::AuthKeyUnregistered)?;
        if let Some(verifier) = &account.password {
            let matches =
                current.is_some_and(|current| current.len() <= MAX_PASSWORD_BYTES && verifier.verify(current));
            if !matches {
                return Err(self.failed_attempt(now, user_id, key_id, RpcError::PasswordHashInvalid));
            }
        }
        let verifier = new.map(|password| PasswordVerifier::with_salt(password, salt()));
        let enabled = verifier.is_some();
        let mut hash = AuthorizationHash::new(0);
        if let Some(account) = self.accounts.get_mut(&user_id) {
            account.password = verifier;
            account.failed_attempts = 0;
            hash = account.authorizations.get(&serial).map_or(hash, |auth| auth.hash);
        }
        self.event(now, AuthEventKind::PasswordUpdated { user_id, hash, enabled });
        Ok(())
    }

    /// `auth.logOut`: end the caller's authorization (everywhere, per the
    /// revocation policy) and return a future auth token (the account keeps
    /// the newest `max_future_tokens`). On a non-home DC it ends only the
    /// derived authorization there and returns no token.
    pub fn log_out(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        rng: &mut impl RngCore,
    ) -> Result<Option<[u8; FUTURE_TOKEN_BYTES]>, RpcError> {
        let perm_key_id = self.resolve_key(now, key_id);
        let binding = self.keys.binding(perm_key_id).cloned();
        match binding {
            Some(KeyBinding::Home { user_id, serial }) => {
                self.revoke_serials(now, user_id, &[serial], RevocationCause::Logout, None);
                Ok(self.issue_future_token(now, user_id, rng))
            }
            Some(KeyBinding::Derived(derived)) => {
                let reason = RevocationCause::Logout.rejection();
                self.end_derived_key(now, derived.user_id, derived.home_hash, perm_key_id, reason);
                Ok(None)
            }
            None => Err(self.keys.rejection_of_unbound(perm_key_id).rpc_error()),
        }
    }
}
