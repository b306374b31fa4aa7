//! QR login: a fresh, unauthorized key exports a short-lived token; an
//! authorized session accepts it and a new authorization is created for the
//! exporting key. A persistence path for whoever holds a stolen key, so an
//! unconfirmed session may accept only when the policy allows.

use crate::id::AuthKeyId;
use rand_core::RngCore;

use super::client_info::ClientInfo;
use super::error::RpcError;
use super::events::{CreatedVia, Effect, Notification};
use super::limits::{LOGIN_TOKEN_TOMBSTONE, MAX_LOGIN_TOKENS_PER_DC};
use super::login::LoginResult;
use super::timers::Timer;
use super::DcAuthority;
use crate::time::Instant;

/// Bytes of a QR login token.
pub(crate) const LOGIN_TOKEN_BYTES: usize = 16;

/// An exported QR login token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoginToken {
    pub bytes: [u8; LOGIN_TOKEN_BYTES],
    /// The exporting (unauthorized) key and what it said about itself.
    pub key_id: AuthKeyId,
    pub info: ClientInfo,
    pub expires_at: Instant,
    pub accepted: bool,
}

/// `auth.loginToken`: the token to show as a QR code and its expiry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedLoginToken {
    pub token: [u8; LOGIN_TOKEN_BYTES],
    pub expires_at: Instant,
}

impl DcAuthority {
    /// `auth.exportLoginToken` under an unauthorized key.
    pub fn export_login_token(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        info: &ClientInfo,
        rng: &mut impl RngCore,
    ) -> Result<ExportedLoginToken, RpcError> {
        self.refuse_revoked_key(now, key_id)?;
        if self.keys.is_bound(key_id) {
            return Err(RpcError::KeyAlreadyAuthorized);
        }
        if self.login_tokens.len() >= MAX_LOGIN_TOKENS_PER_DC {
            return Err(RpcError::LimitExceeded);
        }
        let mut token = [0u8; LOGIN_TOKEN_BYTES];
        rng.fill_bytes(&mut token);
        let token_id = token_id(&token);
        let expires_at = now.saturating_add(self.policy.login_token_lifetime);
        let record = LoginToken {
            bytes: token,
            key_id,
            info: info.bounded(),
            expires_at,
            accepted: false,
        };
        self.login_tokens.insert(token_id, record);
        self.timers.schedule(
            expires_at.saturating_add(LOGIN_TOKEN_TOMBSTONE),
            Timer::LoginTokenPurge { token_id },
        );
        Ok(ExportedLoginToken { token, expires_at })
    }

    /// `auth.acceptLoginToken` under an authorized home session.
    pub fn accept_login_token(
        &mut self,
        now: Instant,
        accepting_key_id: AuthKeyId,
        token: &[u8],
        rng: &mut impl RngCore,
    ) -> Result<LoginResult, RpcError> {
        let (user_id, serial) = self.home_session(now, accepting_key_id)?;
        let caller = self.authorization(user_id, serial)?;
        if caller.unconfirmed && !self.policy.unconfirmed_can_accept_login_token {
            return Err(RpcError::UnconfirmedForbidden);
        }
        let accepted_by_hash = caller.hash;
        let token: [u8; LOGIN_TOKEN_BYTES] = token.try_into().map_err(|_| RpcError::AuthTokenInvalid)?;
        let token_id = token_id(&token);
        let record = match self.login_tokens.get(&token_id) {
            Some(record) if record.bytes == token => record.clone(),
            _ => return Err(RpcError::AuthTokenInvalid),
        };
        if record.accepted {
            return Err(RpcError::AuthTokenAlreadyAccepted);
        }
        if now >= record.expires_at {
            return Err(RpcError::AuthTokenExpired);
        }
        let via = CreatedVia::QrLogin { accepted_by_hash };
        let result = self.create_authorization(now, user_id, record.key_id, &record.info, via, rng);
        // The exporting key logged in otherwise, or was revoked meanwhile:
        // the token is worthless, and the acceptor must not hear a 401 that
        // would make its own app wipe.
        let result = result.map_err(|error| match error {
            RpcError::KeyAlreadyAuthorized | RpcError::AuthKeyUnregistered => RpcError::AuthTokenInvalid,
            other => other,
        })?;
        if let Some(record) = self.login_tokens.get_mut(&token_id) {
            record.accepted = true;
        }
        self.effect(
            now,
            Effect::Notify {
                key_id: record.key_id,
                notification: Notification::LoginTokenAccepted,
            },
        );
        Ok(result)
    }

    /// Timer: forget a token past its tombstone period.
    pub(crate) fn purge_login_token(&mut self, now: Instant, token_id: u64) {
        let due = self
            .login_tokens
            .get(&token_id)
            .is_some_and(|record| now >= record.expires_at.saturating_add(LOGIN_TOKEN_TOMBSTONE));
        if due {
            self.login_tokens.remove(&token_id);
        }
    }
}

/// The map key of a token: its first 8 bytes (the full bytes are compared).
fn token_id(token: &[u8; LOGIN_TOKEN_BYTES]) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&token[..8]);
    u64::from_le_bytes(first)
}
