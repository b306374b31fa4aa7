//! Using other DCs: `export_authorization` on the home DC mints a MACed token
//! for one target DC; `import_authorization` on the target binds a key there
//! as a derived authorization. And temp keys (PFS): `bind_temp_auth_key`
//! makes a temp key act as a permanent key until it expires.

use crate::id::{AuthKeyId, DcId, UserId};
use rand_core::RngCore;

use super::authorization::{AuthorizationKind, DerivedAuthorization};
use super::error::RpcError;
use super::events::{AuthEventKind, CreatedVia};
use super::keys::{KeyBinding, TempBindError, TempBinding};
use super::limits::{EXPORTED_AUTHORIZATION_LIFETIME, MAX_DERIVED_PER_DC};
use super::timers::Timer;
use super::token::ExportClaims;
use super::DcAuthority;
use crate::time::Instant;

/// `auth.exportedAuthorization`: the user id and the token bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedAuthorization {
    pub id: UserId,
    pub bytes: Vec<u8>,
}

impl DcAuthority {
    /// `auth.exportAuthorization(dc_id)` under `key_id` on the home DC.
    pub fn export_authorization(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        target_dc: DcId,
        rng: &mut impl RngCore,
    ) -> Result<ExportedAuthorization, RpcError> {
        if target_dc == self.dc_id {
            return Err(RpcError::DcIdInvalid);
        }
        let (user_id, serial) = self.home_session(now, key_id)?;
        let home_dc = self.dc_id;
        let auth = self.authorization_mut(user_id, serial)?;
        auth.exported_to.insert(target_dc);
        let claims = ExportClaims {
            user_id,
            home_dc,
            home_hash: auth.hash,
            target_dc,
            issued_at: now,
            expires_at: now.saturating_add(EXPORTED_AUTHORIZATION_LIFETIME),
            nonce: rng.next_u64(),
        };
        Ok(ExportedAuthorization {
            id: user_id,
            bytes: claims.encode(&self.cluster_secret),
        })
    }

    /// `auth.importAuthorization(id, bytes)` under `key_id` on the target DC.
    pub fn import_authorization(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        id: UserId,
        bytes: &[u8],
    ) -> Result<AuthorizationKind, RpcError> {
        self.refuse_revoked_key(now, key_id)?;
        let claims = ExportClaims::decode(&self.cluster_secret, bytes).map_err(|_| RpcError::AuthBytesInvalid)?;
        let valid = claims.user_id == id
            && claims.target_dc == self.dc_id
            && claims.home_dc != self.dc_id
            && now < claims.expires_at
            && !self.used_export_nonces.contains(&claims.nonce);
        if !valid {
            return Err(RpcError::AuthBytesInvalid);
        }
        if let Some(reason) = self.revoked_homes.get(&(claims.user_id, claims.home_hash)) {
            return Err(reason.rpc_error());
        }
        if self.keys.is_bound(key_id) {
            return Err(RpcError::KeyAlreadyAuthorized);
        }
        if self.derived_count() >= MAX_DERIVED_PER_DC {
            return Err(RpcError::LimitExceeded);
        }
        self.used_export_nonces.insert(claims.nonce, ());
        let derived = DerivedAuthorization {
            user_id: claims.user_id,
            home_dc: claims.home_dc,
            home_hash: claims.home_hash,
            key_id,
            date_created: now,
            date_active: now,
            // The home DC vouched when it issued the token, not when we got it.
            validated_at: claims.issued_at,
            validation_requested_at: None,
        };
        self.keys.bind(key_id, KeyBinding::Derived(derived));
        let added = self
            .derived_by_home
            .entry((claims.user_id, claims.home_hash))
            .or_default()
            .insert(key_id);
        self.derived_total += usize::from(added);
        let via = CreatedVia::Import {
            home_dc: claims.home_dc,
            home_hash: claims.home_hash,
        };
        let created = AuthEventKind::AuthorizationCreated {
            user_id: id,
            hash: claims.home_hash,
            key_id,
            via,
            unconfirmed: false,
        };
        self.event(now, created);
        Ok(AuthorizationKind::Derived {
            home_dc: claims.home_dc,
        })
    }

    /// A temp key exchange (`p_q_inner_data_temp_dc`) made `temp_key_id`,
    /// alive for `expires_in` at most (capped by the policy's lifetime).
    /// Returns when it dies. Until bound it serves only `bindTempAuthKey`.
    pub fn register_temp_key(
        &mut self,
        now: Instant,
        temp_key_id: AuthKeyId,
        expires_in: std::time::Duration,
    ) -> Result<Instant, RpcError> {
        if !self.policy.temp_keys_enabled() {
            return Err(RpcError::TempKeysDisabled);
        }
        let expires_at = now.saturating_add(expires_in.min(self.policy.temp_key_lifetime));
        self.keys
            .register_temp(temp_key_id, expires_at)
            .map_err(temp_bind_error)?;
        self.timers.schedule(expires_at, Timer::TempKeyExpiry { temp_key_id });
        Ok(expires_at)
    }

    /// `auth.bindTempAuthKey` under `temp_key_id`, whose binding message the
    /// caller has verified with the permanent key: `temp_key_id` acts as
    /// `perm_key_id` until `expires_at` (it dies then, if not sooner). The
    /// permanent key need not be authorized yet (clients bind before
    /// logging in). A temp key bound to the permanent key before is
    /// unbound: one temp key per permanent key (api/pfs).
    pub fn bind_temp_auth_key(
        &mut self,
        now: Instant,
        perm_key_id: AuthKeyId,
        temp_key_id: AuthKeyId,
        expires_at: Instant,
    ) -> Result<Instant, RpcError> {
        if !self.policy.temp_keys_enabled() {
            return Err(RpcError::TempKeysDisabled);
        }
        // Neither a dead temp key nor a dead permanent key comes back this way.
        self.refuse_revoked_key(now, temp_key_id)?;
        self.refuse_revoked_key(now, perm_key_id)?;
        if expires_at <= now {
            return Err(RpcError::ExpireDateInvalid);
        }
        if temp_key_id == perm_key_id {
            return Err(RpcError::TempAuthKeyAlreadyBound);
        }
        let binding = TempBinding {
            perm_key_id,
            expires_at,
        };
        let replaced = self.keys.bind_temp(temp_key_id, binding).map_err(temp_bind_error)?;
        let expires_at = self
            .keys
            .temp_binding(temp_key_id)
            .map_or(expires_at, |binding| binding.expires_at);
        self.timers.schedule(expires_at, Timer::TempKeyExpiry { temp_key_id });
        if let Some(previous) = replaced {
            self.event(
                now,
                AuthEventKind::TempKeyEnded {
                    temp_key_id: previous,
                    perm_key_id,
                },
            );
        }
        self.event(
            now,
            AuthEventKind::TempKeyBound {
                temp_key_id,
                perm_key_id,
                expires_at,
            },
        );
        Ok(expires_at)
    }

    /// For tests: the temp key exchange (if the key is new) and the binding.
    #[cfg(test)]
    pub(crate) fn register_and_bind_temp(
        &mut self,
        now: Instant,
        perm_key_id: AuthKeyId,
        temp_key_id: AuthKeyId,
        expires_at: Instant,
    ) -> Result<Instant, RpcError> {
        if !self.keys.is_temp(temp_key_id) && self.policy.temp_keys_enabled() {
            let _ = self.register_temp_key(now, temp_key_id, self.policy.temp_key_lifetime);
        }
        self.bind_temp_auth_key(now, perm_key_id, temp_key_id, expires_at)
    }

    /// Refuse any call but `bindTempAuthKey` under a temp key that acts
    /// for no permanent key, with `AUTH_KEY_PERM_EMPTY` (api/pfs). Emits
    /// `RequestRejected`.
    pub fn refuse_unbound_temp_key(&mut self, now: Instant, key_id: AuthKeyId) -> Result<(), RpcError> {
        if !self.keys.is_temp(key_id) || self.keys.temp_binding(key_id).is_some() {
            return Ok(());
        }
        let rejection = super::error::AuthRejection::PermKeyEmpty;
        self.event(now, AuthEventKind::RequestRejected { key_id, rejection });
        Err(rejection.rpc_error())
    }

    /// The temp key bound to the permanent key `perm_key_id`, if any.
    pub fn temp_key_of(&self, perm_key_id: AuthKeyId) -> Option<AuthKeyId> {
        self.keys.temp_of(perm_key_id)
    }

    /// Whether `key_id` is a live temp key (bound or not).
    pub fn is_temp_key(&self, key_id: AuthKeyId) -> bool {
        self.keys.is_temp(key_id)
    }

    /// Temp keys that died since the last call (their time ran out): the
    /// transport forgets them, and packets under them get -404.
    pub fn take_dead_temp_keys(&mut self) -> Vec<AuthKeyId> {
        std::mem::take(&mut self.dead_temp_keys)
    }

    /// The permanent key a request under `key_id` acts as (itself when it
    /// is not a live temp key). Servers resolve before login calls.
    pub fn resolve_key(&self, now: Instant, key_id: AuthKeyId) -> AuthKeyId {
        self.keys
            .resolve(now, key_id)
            .map_or(key_id, |(perm_key_id, _)| perm_key_id)
    }

    pub(crate) fn expire_temp_key(&mut self, now: Instant, temp_key_id: AuthKeyId) {
        let Some(temp) = self.keys.expire_temp(now, temp_key_id) else {
            // Revoked with its permanent key before its time: it dies now
            // all the same (a second timer repeats this: harmless).
            if self.keys.is_revoked(temp_key_id) && self.dead_temp_keys.len() < super::limits::MAX_LIVE_TEMP_KEYS {
                self.dead_temp_keys.push(temp_key_id);
            }
            return;
        };
        if self.dead_temp_keys.len() < super::limits::MAX_LIVE_TEMP_KEYS {
            self.dead_temp_keys.push(temp_key_id);
        }
        if let Some(perm_key_id) = temp.bound_to {
            self.event(
                now,
                AuthEventKind::TempKeyEnded {
                    temp_key_id,
                    perm_key_id,
                },
            );
        }
    }
}

fn temp_bind_error(error: TempBindError) -> RpcError {
    match error {
        TempBindError::NotTemp => RpcError::TempKeysDisabled,
        TempBindError::AlreadyBound => RpcError::TempAuthKeyAlreadyBound,
        TempBindError::TooMany => RpcError::LimitExceeded,
        TempBindError::Revoked => RpcError::AuthKeyUnregistered,
    }
}
