//! QR login: a fresh, unauthorized key exports a short-lived token; an
//! authorized session accepts it and a new authorization is created for the
//! exporting key. A persistence path for whoever holds a stolen key, so an
//! unconfirmed session may accept only when the policy allows.
//!
//! The token is sealed with the cluster secret and names the DC that
//! exported it, so the accepting session's DC can check it and knows where
//! it came from. A token exported on the account's home DC is accepted here
//! directly; one exported elsewhere goes through
//! [`qr_migrate`](super::qr_migrate) (`auth.loginTokenMigrateTo`, then
//! `auth.importLoginToken` on the home DC).

use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use rand_core::RngCore;

use super::client_info::ClientInfo;
use super::error::RpcError;
use super::events::{CreatedVia, Effect, Notification};
use super::limits::{LOGIN_TOKEN_TOMBSTONE, MAX_LOGIN_TOKENS_PER_DC};
use super::login::LoginResult;
use super::timers::Timer;
use super::token::{seal, unseal, TokenError, MAC_BYTES};
use super::DcAuthority;
use crate::time::Instant;
use crate::wire::Writer;

/// Random bytes of a QR login token (its secret part).
pub(crate) const LOGIN_TOKEN_NONCE_BYTES: usize = 16;
/// Bytes of a QR token's sealed fields: `exporting_dc (4) ‖ nonce (16) ‖ expires_at (8)`.
const QR_FIELDS_BYTES: usize = 4 + LOGIN_TOKEN_NONCE_BYTES + 8;
/// Bytes of a whole QR login token (fields, then the MAC).
pub(crate) const LOGIN_TOKEN_BYTES: usize = QR_FIELDS_BYTES + MAC_BYTES;

/// The random part of a QR token.
pub(crate) type Nonce = [u8; LOGIN_TOKEN_NONCE_BYTES];

/// What a QR login token says, little-endian, sealed with the cluster secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QrClaims {
    /// The DC whose unauthorized key exported the token.
    pub exporting_dc: DcId,
    pub nonce: Nonce,
    pub expires_at: Instant,
}

impl QrClaims {
    pub(crate) fn encode(&self, secret: &[u8]) -> Vec<u8> {
        let mut writer = Writer::with_capacity(QR_FIELDS_BYTES);
        writer
            .u32(self.exporting_dc.get())
            .raw(&self.nonce)
            .u64(self.expires_at.unix_micros());
        let bytes = seal(secret, writer.finish());
        assert_eq!(bytes.len(), LOGIN_TOKEN_BYTES);
        bytes
    }

    pub(crate) fn decode(secret: &[u8], bytes: &[u8]) -> Result<QrClaims, TokenError> {
        let mut reader = unseal(secret, bytes, QR_FIELDS_BYTES, "QR login token")?;
        let exporting_dc = DcId::new(reader.u32()?);
        let mut nonce = [0u8; LOGIN_TOKEN_NONCE_BYTES];
        nonce.copy_from_slice(reader.take(LOGIN_TOKEN_NONCE_BYTES)?);
        let expires_at = Instant::from_unix_micros(reader.u64()?);
        Ok(QrClaims {
            exporting_dc,
            nonce,
            expires_at,
        })
    }
}

/// An exported QR login token, on the DC that exported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoginToken {
    pub nonce: Nonce,
    /// The exporting (unauthorized) key and what it said about itself.
    pub key_id: AuthKeyId,
    pub info: ClientInfo,
    pub expires_at: Instant,
    /// Accepted, here or (told by the home DC) on another DC.
    pub accepted: bool,
}

/// `auth.loginToken`: the token to show as a QR code and its expiry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedLoginToken {
    /// The token bytes the QR code carries.
    pub token: Vec<u8>,
    /// When it stops being accepted.
    pub expires_at: Instant,
}

/// What `auth.acceptLoginToken` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptedLoginToken {
    /// The token was exported on this DC: its key is logged in now.
    Here(LoginResult),
    /// The token was exported on another DC: the exporting device is told
    /// to import it here, where the authorization `hash` will be created.
    Elsewhere {
        /// The account the exporting device logs in to.
        user_id: UserId,
        /// The hash the authorization will have once imported.
        hash: AuthorizationHash,
    },
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
        self.check_key_unbound(now, key_id)?;
        if self.login_tokens.len() >= MAX_LOGIN_TOKENS_PER_DC {
            return Err(RpcError::LimitExceeded);
        }
        let mut nonce = [0u8; LOGIN_TOKEN_NONCE_BYTES];
        rng.fill_bytes(&mut nonce);
        let token_id = token_id(&nonce);
        let expires_at = now.saturating_add(self.policy.login_token_lifetime);
        let record = LoginToken {
            nonce,
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
        let claims = QrClaims {
            exporting_dc: self.dc_id,
            nonce,
            expires_at,
        };
        Ok(ExportedLoginToken {
            token: claims.encode(&self.cluster_secret),
            expires_at,
        })
    }

    /// `auth.acceptLoginToken` under an authorized home session.
    pub fn accept_login_token(
        &mut self,
        now: Instant,
        accepting_key_id: AuthKeyId,
        token: &[u8],
        rng: &mut impl RngCore,
    ) -> Result<AcceptedLoginToken, RpcError> {
        let (user_id, serial) = self.home_session(now, accepting_key_id)?;
        let caller = self.authorization(user_id, serial)?;
        if caller.unconfirmed && !self.policy.unconfirmed_can_accept_login_token {
            return Err(RpcError::UnconfirmedForbidden);
        }
        let accepted_by_hash = caller.hash;
        let claims = QrClaims::decode(&self.cluster_secret, token).map_err(|_| RpcError::AuthTokenInvalid)?;
        if claims.exporting_dc != self.dc_id {
            return self.accept_foreign_login_token(now, user_id, accepted_by_hash, &claims, rng);
        }
        let token_id = token_id(&claims.nonce);
        let record = match self.login_tokens.get(&token_id) {
            Some(record) if record.nonce == claims.nonce => record.clone(),
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
        self.tell_login_token_accepted(now, record.key_id);
        Ok(AcceptedLoginToken::Here(result))
    }

    /// `updateLoginToken` to the exporting key: export again to learn the outcome.
    pub(crate) fn tell_login_token_accepted(&mut self, now: Instant, key_id: AuthKeyId) {
        self.effect(
            now,
            Effect::Notify {
                key_id,
                notification: Notification::LoginTokenAccepted,
            },
        );
    }

    /// Timer: forget a token past its tombstone period (and where it migrated).
    pub(crate) fn purge_login_token(&mut self, now: Instant, token_id: u64) {
        let due = self
            .login_tokens
            .get(&token_id)
            .is_some_and(|record| now >= record.expires_at.saturating_add(LOGIN_TOKEN_TOMBSTONE));
        if !due {
            return;
        }
        if let Some(record) = self.login_tokens.remove(&token_id) {
            self.login_migrations.remove(&record.key_id);
        }
    }
}

/// The map key of a token: the first 8 bytes of its nonce (the full nonce is compared).
pub(crate) fn token_id(nonce: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    for (to, from) in first.iter_mut().zip(nonce) {
        *to = *from;
    }
    u64::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_round_trip_and_refuse_tampering() {
        let claims = QrClaims {
            exporting_dc: DcId::new(4),
            nonce: [3; LOGIN_TOKEN_NONCE_BYTES],
            expires_at: Instant::from_unix_seconds(30),
        };
        let bytes = claims.encode(b"secret");
        assert_eq!(bytes.len(), LOGIN_TOKEN_BYTES);
        assert_eq!(QrClaims::decode(b"secret", &bytes), Ok(claims));
        assert_eq!(QrClaims::decode(b"other", &bytes), Err(TokenError::BadMac));
        let mut moved = bytes.clone();
        moved[0] ^= 1; // claim another exporting DC
        assert_eq!(QrClaims::decode(b"secret", &moved), Err(TokenError::BadMac));
        assert!(matches!(
            QrClaims::decode(b"secret", &bytes[..20]),
            Err(TokenError::Decode(_))
        ));
    }
}
