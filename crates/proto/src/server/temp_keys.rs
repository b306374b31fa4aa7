//! Temp keys (api/pfs) at the server: a temp key exchange registers the key
//! with the transport and the session layer; `auth.bindTempAuthKey` is
//! checked against its binding message, decrypted with the permanent key,
//! before the session layer binds; any other call under an unbound temp
//! key gets `AUTH_KEY_PERM_EMPTY`; a temp key that dies is forgotten, and
//! packets under it get -404.

use rand_core::RngCore;

use super::dispatch::Reply;
use super::Server;
use crate::auth::error::RpcError;
use crate::crypto::AuthKey;
use crate::id::{AuthKeyId, SessionId};
use crate::time::Instant;
use crate::transport::open_bind_message;
use crate::wire::api::{ApiResponse, BindTempAuthKey};

impl Server {
    /// A temp key, as if the temp DH exchange (`p_q_inner_data_temp_dc`
    /// with `expires_in`) had just completed at `now`. Returns the server
    /// salt the exchange ends with and when the key dies (`expires_in`
    /// capped by the policy's `temp_key_lifetime`).
    pub fn register_temp_key(
        &mut self,
        now: Instant,
        key: AuthKey,
        expires_in: std::time::Duration,
        rng: &mut impl RngCore,
    ) -> Result<(u64, Instant), RpcError> {
        let key_id = key.id();
        if self.transport.has_key(key_id) {
            return Err(RpcError::TempAuthKeyAlreadyBound);
        }
        let expires_at = self.authority.register_temp_key(now, key_id, expires_in)?;
        self.transport.add_key(key, rng);
        let salt = self.transport.current_salt(key_id, now).unwrap_or(0);
        Ok((salt, expires_at))
    }

    /// `auth.bindTempAuthKey` sent as `req_msg_id` in `session` under
    /// `temp_key_id`. The binding message must decrypt with the permanent
    /// key and name this request, this key, this session and the
    /// request's nonce, permanent key and expiry; else
    /// `ENCRYPTED_MESSAGE_INVALID`.
    pub(super) fn bind_temp_key(
        &mut self,
        now: Instant,
        (temp_key_id, session): (AuthKeyId, SessionId),
        req_msg_id: u64,
        request: &BindTempAuthKey,
    ) -> Reply {
        if !self.authority.is_temp_key(temp_key_id) {
            return Reply::Error(RpcError::TempKeysDisabled);
        }
        let perm_key_id = AuthKeyId::new(request.perm_auth_key_id as u64);
        let Some(perm_key) = self.transport.key(perm_key_id) else {
            return Reply::Error(RpcError::EncryptedMessageInvalid);
        };
        let Ok(inner) = open_bind_message(perm_key, &request.encrypted_message, req_msg_id) else {
            return Reply::Error(RpcError::EncryptedMessageInvalid);
        };
        let matches = inner.nonce == request.nonce
            && inner.temp_auth_key_id as u64 == temp_key_id.get()
            && inner.perm_auth_key_id == request.perm_auth_key_id
            && inner.temp_session_id as u64 == session.get()
            && inner.expires_at == request.expires_at;
        if !matches {
            return Reply::Error(RpcError::EncryptedMessageInvalid);
        }
        let expires_at = Instant::from_unix_seconds(u64::try_from(request.expires_at).unwrap_or(0));
        self.authority
            .bind_temp_auth_key(now, perm_key_id, temp_key_id, expires_at)
            .map(|_| ApiResponse::Bool(true))
            .into()
    }
}
