//! QR login across datacenters (api/qr-login). The new device exported its
//! token on the DC it happened to connect to; the scanning session accepts
//! it on the account's home DC. Home authorizations live only on the home
//! DC, so the exporting device must finish there:
//!
//! ```text
//!  new device (DC 4)           home DC (2)                     scanning phone (DC 2)
//!  exportLoginToken ──► token (sealed, names DC 4)
//!                              acceptLoginToken(token) ◄────── scans the QR code
//!          ◄── LoginTokenAccepted(nonce, import token) ─┘      ──► authorization (to be)
//!  updateLoginToken; exportLoginToken ──► loginTokenMigrateTo(2, import token)
//!  importLoginToken(import token) on DC 2 ──► loginTokenSuccess
//! ```
//!
//! The import token is a fresh secret the home DC hands only to the
//! exporting DC, which gives it only to the exporting key: whoever merely
//! saw the QR code cannot finish the login. It is good once, for the
//! policy's `login_token_lifetime` after the acceptance, and only while the
//! accepting authorization still exists. The acceptor's answer names the
//! authorization's hash, drawn at acceptance and kept at the import.

use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use rand_core::RngCore;

use super::client_info::ClientInfo;
use super::error::RpcError;
use super::events::CreatedVia;
use super::interdc::InterDcBody;
use super::limits::{LOGIN_TOKEN_TOMBSTONE, MAX_LOGIN_TOKENS_PER_DC};
use super::login::LoginResult;
use super::qr::{token_id, AcceptedLoginToken, Nonce, QrClaims, LOGIN_TOKEN_NONCE_BYTES};
use super::timers::Timer;
use super::DcAuthority;
use crate::time::Instant;

/// The secret of `auth.loginTokenMigrateTo`, as the home DC issued it.
pub(crate) type ImportToken = [u8; LOGIN_TOKEN_NONCE_BYTES];

/// On the home DC: an acceptance waiting for `auth.importLoginToken`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingImport {
    pub import_token: ImportToken,
    pub user_id: UserId,
    pub accepted_by_hash: AuthorizationHash,
    /// The hash the acceptor was told; the authorization gets it.
    pub hash: AuthorizationHash,
    pub expires_at: Instant,
    pub imported: bool,
}

/// On the exporting DC: where a key's accepted token is to be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Migration {
    pub to: DcId,
    pub import_token: ImportToken,
    pub expires_at: Instant,
}

impl DcAuthority {
    /// On the home DC: a session of `user_id` accepted a token another DC
    /// exported (its seal was checked).
    pub(crate) fn accept_foreign_login_token(
        &mut self,
        now: Instant,
        user_id: UserId,
        accepted_by_hash: AuthorizationHash,
        claims: &QrClaims,
        rng: &mut impl RngCore,
    ) -> Result<AcceptedLoginToken, RpcError> {
        if now >= claims.expires_at {
            return Err(RpcError::AuthTokenExpired);
        }
        let foreign = (claims.exporting_dc, token_id(&claims.nonce));
        if self.accepted_foreign_tokens.contains(&foreign) {
            return Err(RpcError::AuthTokenAlreadyAccepted);
        }
        if self.login_imports.len() >= MAX_LOGIN_TOKENS_PER_DC {
            return Err(RpcError::LimitExceeded);
        }
        let mut import_token = [0u8; LOGIN_TOKEN_NONCE_BYTES];
        rng.fill_bytes(&mut import_token);
        let hash = self.fresh_hash(user_id, rng);
        let expires_at = now.saturating_add(self.policy.login_token_lifetime);
        let import_id = token_id(&import_token);
        self.login_imports.insert(
            import_id,
            PendingImport {
                import_token,
                user_id,
                accepted_by_hash,
                hash,
                expires_at,
                imported: false,
            },
        );
        self.accepted_foreign_tokens.insert(foreign, ());
        self.timers.schedule(
            expires_at.saturating_add(LOGIN_TOKEN_TOMBSTONE),
            Timer::LoginImportPurge { import_id },
        );
        let body = InterDcBody::LoginTokenAccepted {
            nonce: claims.nonce,
            import_token,
            expires_at,
        };
        self.send_inter_dc(now, claims.exporting_dc, body);
        Ok(AcceptedLoginToken::Elsewhere { user_id, hash })
    }

    /// On the exporting DC: the home DC `from` says the token with `nonce`
    /// was accepted there. A token unknown, accepted already, or whose key
    /// was revoked or logged in meanwhile is left alone: its import token
    /// then expires unused.
    pub(crate) fn on_login_token_accepted(
        &mut self,
        now: Instant,
        from: DcId,
        nonce: &Nonce,
        import_token: ImportToken,
        expires_at: Instant,
    ) {
        let Some(record) = self.login_tokens.get_mut(&token_id(nonce)) else {
            return;
        };
        if record.nonce != *nonce || record.accepted {
            return;
        }
        let key_id = record.key_id;
        if self.keys.is_revoked(key_id) || self.keys.is_bound(key_id) {
            return;
        }
        record.accepted = true;
        let migration = Migration {
            to: from,
            import_token,
            expires_at,
        };
        self.login_migrations.insert(key_id, migration);
        self.tell_login_token_accepted(now, key_id);
    }

    /// On the exporting DC: for a key whose token another DC accepted, the
    /// DC and token of `auth.loginTokenMigrateTo`, while the import is open.
    pub fn login_migration(&self, now: Instant, key_id: AuthKeyId) -> Option<(DcId, Vec<u8>)> {
        self.login_migrations
            .get(&key_id)
            .filter(|migration| now < migration.expires_at)
            .map(|migration| (migration.to, migration.import_token.to_vec()))
    }

    /// `auth.importLoginToken` on the home DC under an unauthorized key: the
    /// token of `auth.loginTokenMigrateTo` creates the accepted authorization.
    pub fn import_login_token(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        token: &[u8],
        info: &ClientInfo,
    ) -> Result<LoginResult, RpcError> {
        self.check_key_unbound(now, key_id)?;
        let pending = match self.login_imports.get(&token_id(token)) {
            Some(pending) if pending.import_token[..] == *token => pending.clone(),
            _ => return Err(RpcError::AuthTokenInvalid),
        };
        if pending.imported {
            return Err(RpcError::AuthTokenAlreadyAccepted);
        }
        if now >= pending.expires_at {
            return Err(RpcError::AuthTokenExpired);
        }
        let account = self.accounts.get(&pending.user_id).ok_or(RpcError::AuthTokenInvalid)?;
        // The acceptance is worth what the accepting session is: one ended
        // meanwhile (terminated, logged out) accepted nothing.
        if account.serial_of_hash(pending.accepted_by_hash).is_none() {
            return Err(RpcError::AuthTokenInvalid);
        }
        let hash = match account.serial_of_hash(pending.hash) {
            None => pending.hash,
            // Drawn again meanwhile by another login (1 in 2^64): the
            // acceptor's answer named a hash that is now another's.
            Some(_) => return Err(RpcError::AuthTokenInvalid),
        };
        let via = CreatedVia::QrLogin {
            accepted_by_hash: pending.accepted_by_hash,
        };
        let result = self.bind_new_authorization(now, pending.user_id, key_id, info, via, hash)?;
        if let Some(pending) = self.login_imports.get_mut(&token_id(token)) {
            pending.imported = true;
        }
        Ok(result)
    }

    /// Timer: forget an acceptance past its tombstone period.
    pub(crate) fn purge_login_import(&mut self, now: Instant, import_id: u64) {
        let due = self
            .login_imports
            .get(&import_id)
            .is_some_and(|pending| now >= pending.expires_at.saturating_add(LOGIN_TOKEN_TOMBSTONE));
        if due {
            self.login_imports.remove(&import_id);
        }
    }
}
