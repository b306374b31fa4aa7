//! Temp keys (api/pfs) for [`ServerCluster`]'s raw devices: a device under
//! a fresh temp key from a temp key exchange, and `auth.bindTempAuthKey`
//! sealed by hand, so that tests can forge every part of a binding.

use std::time::Duration;

use rand_chacha::rand_core::RngCore;

use crate::server_cluster::{CallError, DeviceId, ServerCluster};
use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::id::{AuthKeyId, DcId, SessionId};
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{seal_bind_message, SelfNamingBody};
use sessionlab_proto::wire::api::{ApiCall, ApiRequest, ApiResponse, BindAuthKeyInner, BindTempAuthKey};

/// What a hand-made binding says; [`Binding::honest`] is what a real
/// client sends, and tests change one field to forge it.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The permanent key named in the request and in the inner message.
    pub perm_key_id: AuthKeyId,
    /// The key the binding message is sealed with (the permanent key,
    /// unless forged).
    pub sealing_key: AuthKey,
    /// The request's `expires_at`.
    pub expires_at: Instant,
    /// The inner message's session id; `None`: the device's own.
    pub inner_session_id: Option<SessionId>,
}

impl Binding {
    /// A binding to `perm_key` until `expires_at`, as a client makes it.
    pub fn honest(perm_key: &AuthKey, expires_at: Instant) -> Binding {
        Binding {
            perm_key_id: perm_key.id(),
            sealing_key: perm_key.clone(),
            expires_at,
            inner_session_id: None,
        }
    }
}

impl ServerCluster {
    /// A raw device on `dc` under a new temp key from a temp key exchange
    /// asking for `expires_in`; returns the device and when the key dies.
    pub fn add_temp_device(
        &mut self,
        dc: impl Into<DcId>,
        expires_in: Duration,
    ) -> Result<(DeviceId, Instant), CallError> {
        let dc = dc.into();
        let key = AuthKey::generate(self.rng());
        let now = self.now;
        let mut rng = crate::server_cluster::seeded(self.rng().next_u64());
        let server = self.servers.get_mut(&dc).ok_or(CallError {
            code: 0,
            message: "NO_DC".into(),
        })?;
        let (_, expires_at) = server
            .register_temp_key(now, key.clone(), expires_in, &mut rng)
            .map_err(|error| CallError {
                code: error.code(),
                message: error.message(),
            })?;
        Ok((self.add_device_with_key(dc, key), expires_at))
    }

    /// Send `auth.bindTempAuthKey` from `device` as `binding` says, sealed
    /// for the request's own msg_id, and wait for the answer.
    pub fn bind_temp_key(&mut self, device: DeviceId, binding: &Binding) -> Result<ApiResponse, CallError> {
        let nonce = self.rng().next_u64() as i64;
        let raw = &mut self.devices[device];
        let temp_auth_key_id = raw.key.id().get() as i64;
        let (perm_key_id, inner_session_id) = (binding.perm_key_id, binding.inner_session_id);
        let expires_at = binding.expires_at.unix_seconds() as i32;
        let sealing_key = binding.sealing_key.clone();
        let body = SelfNamingBody::new(move |msg_id, session_id| {
            let inner = BindAuthKeyInner {
                nonce,
                temp_auth_key_id,
                perm_auth_key_id: perm_key_id.get() as i64,
                temp_session_id: inner_session_id.unwrap_or(session_id).get() as i64,
                expires_at,
            };
            let request = BindTempAuthKey {
                perm_auth_key_id: inner.perm_auth_key_id,
                nonce,
                expires_at: inner.expires_at,
                encrypted_message: seal_bind_message(&sealing_key, msg_id, &inner, nonce as u64),
            };
            ApiRequest::Call(ApiCall::BindTempAuthKey(request)).encode()
        });
        let msg_id = raw.session.send_with(self.now, body).unwrap_or(0);
        self.settle();
        self.answer(device, msg_id)
    }
}
