//! Request authentication: which authorization, if any, a request under an
//! auth key id acts as. Accepting bumps `date_active` (which is what keeps a
//! heartbeat attacker alive past the TTL) and feeds the activity profile.

use super::authorization::{AuthorizationHandle, AuthorizationKind};
use super::client_info::NetworkOrigin;
use super::error::{AuthRejection, RpcError};
use super::events::AuthEventKind;
use super::interdc::InterDcBody;
use super::keys::KeyBinding;
use super::limits::INTER_DC_RETRY_INITIAL;
use super::policy::RevocationPolicy;
use super::DcAuthority;
use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use crate::time::Instant;

/// What a key resolves to, before any side effect.
enum Resolved {
    Home {
        user_id: UserId,
        serial: u64,
        handle: AuthorizationHandle,
    },
    Derived {
        handle: AuthorizationHandle,
    },
    /// A derived authorization whose lazy cache ran dry.
    Stale {
        user_id: UserId,
        home_hash: AuthorizationHash,
        home_dc: DcId,
    },
}

impl DcAuthority {
    /// Authenticate a request under `key_id` (a permanent or a bound temp key).
    /// Emits `RequestAccepted` or `RequestRejected`.
    pub fn authenticate(&mut self, now: Instant, key_id: AuthKeyId) -> Result<AuthorizationHandle, AuthRejection> {
        let result = match self.resolve_request(now, key_id) {
            Ok(Resolved::Home {
                user_id,
                serial,
                handle,
            }) => {
                self.note_activity(now, user_id, serial);
                Ok(handle)
            }
            Ok(Resolved::Derived { handle }) => {
                if let Some(KeyBinding::Derived(derived)) = self.keys.binding_mut(handle.perm_key_id) {
                    derived.date_active = now;
                }
                Ok(handle)
            }
            Ok(Resolved::Stale {
                user_id,
                home_hash,
                home_dc,
            }) => {
                self.request_validation(now, key_id, user_id, home_hash, home_dc);
                Err(AuthRejection::Revalidating)
            }
            Err(rejection) => Err(rejection),
        };
        let kind = match result {
            Ok(handle) => AuthEventKind::RequestAccepted { handle },
            Err(rejection) => AuthEventKind::RequestRejected { key_id, rejection },
        };
        self.event(now, kind);
        result
    }

    /// Whether `key_id` was revoked here (and is still remembered): a dead
    /// key, which never logs in again.
    pub fn is_key_revoked(&self, key_id: AuthKeyId) -> bool {
        self.keys.is_revoked(key_id)
    }

    /// Refuse a login step (`sendCode`, `signIn`, `resendCode`,
    /// `exportLoginToken`, `importLoginToken`, `importAuthorization`,
    /// `bindTempAuthKey`) under a dead key with `AUTH_KEY_UNREGISTERED`, the
    /// error that makes a client drop its keys. Emits `RequestRejected`.
    pub fn refuse_revoked_key(&mut self, now: Instant, key_id: AuthKeyId) -> Result<(), RpcError> {
        if !self.keys.is_revoked(key_id) {
            return Ok(());
        }
        let rejection = AuthRejection::KeyUnregistered;
        self.event(now, AuthEventKind::RequestRejected { key_id, rejection });
        Err(rejection.rpc_error())
    }

    /// Refuse a login step under a dead key ([`refuse_revoked_key`](Self::refuse_revoked_key))
    /// or one that is logged in already (`KeyAlreadyAuthorized`).
    pub(crate) fn check_key_unbound(&mut self, now: Instant, key_id: AuthKeyId) -> Result<(), RpcError> {
        self.refuse_revoked_key(now, key_id)?;
        if self.keys.is_bound(key_id) {
            return Err(RpcError::KeyAlreadyAuthorized);
        }
        Ok(())
    }

    /// What `authenticate` would answer, without touching anything (no
    /// activity bump, no event, no re-validation request): for oracles.
    pub fn peek(&self, now: Instant, key_id: AuthKeyId) -> Result<AuthorizationHandle, AuthRejection> {
        match self.resolve_request(now, key_id)? {
            Resolved::Home { handle, .. } | Resolved::Derived { handle } => Ok(handle),
            Resolved::Stale { .. } => Err(AuthRejection::Revalidating),
        }
    }

    fn resolve_request(&self, now: Instant, key_id: AuthKeyId) -> Result<Resolved, AuthRejection> {
        let (perm_key_id, via_temp) = self.keys.resolve(now, key_id)?;
        let base = AuthorizationHandle {
            user_id: UserId::new(0),
            hash: AuthorizationHash::new(0),
            kind: AuthorizationKind::Home,
            key_id,
            perm_key_id,
            via_temp,
        };
        match self.keys.binding(perm_key_id) {
            None => Err(self.keys.rejection_of_unbound(perm_key_id)),
            Some(KeyBinding::Home { user_id, serial }) => {
                let account = self.accounts.get(user_id).ok_or(AuthRejection::KeyUnregistered)?;
                if !account.state.serves_requests() {
                    return Err(AuthRejection::UserDeactivated);
                }
                let auth = account
                    .authorizations
                    .get(serial)
                    .ok_or(AuthRejection::KeyUnregistered)?;
                if auth.password_pending {
                    return Err(AuthRejection::PasswordNeeded);
                }
                let handle = AuthorizationHandle {
                    user_id: *user_id,
                    hash: auth.hash,
                    ..base
                };
                Ok(Resolved::Home {
                    user_id: *user_id,
                    serial: *serial,
                    handle,
                })
            }
            Some(KeyBinding::Derived(derived)) => {
                if let RevocationPolicy::Lazy { cache_ttl } = self.policy.revocation {
                    // Lazy promise: never accept more than `cache_ttl` after the home
                    // DC last vouched, so a revocation at t stops us by t + cache_ttl.
                    if now >= derived.validated_at.saturating_add(cache_ttl) {
                        let (user_id, home_hash, home_dc) = (derived.user_id, derived.home_hash, derived.home_dc);
                        return Ok(Resolved::Stale {
                            user_id,
                            home_hash,
                            home_dc,
                        });
                    }
                }
                let kind = AuthorizationKind::Derived {
                    home_dc: derived.home_dc,
                };
                let handle = AuthorizationHandle {
                    user_id: derived.user_id,
                    hash: derived.home_hash,
                    kind,
                    ..base
                };
                Ok(Resolved::Derived { handle })
            }
        }
    }

    fn note_activity(&mut self, now: Instant, user_id: UserId, serial: u64) {
        let Some(account) = self.accounts.get_mut(&user_id) else {
            return;
        };
        let hour = account.profile.record_request(now);
        if let Some(auth) = account.authorizations.get_mut(&serial) {
            auth.date_active = now;
            if let Some(bin) = auth.hours.get_mut(hour) {
                *bin = bin.saturating_add(1);
            }
        }
    }

    /// Ask the home DC to vouch again, at most once per retry interval.
    fn request_validation(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        user_id: UserId,
        home_hash: AuthorizationHash,
        home_dc: DcId,
    ) {
        let perm_key_id = self.resolve_key(now, key_id);
        let Some(KeyBinding::Derived(derived)) = self.keys.binding_mut(perm_key_id) else {
            return;
        };
        let due = derived
            .validation_requested_at
            .is_none_or(|asked| now >= asked.saturating_add(INTER_DC_RETRY_INITIAL));
        if due {
            derived.validation_requested_at = Some(now);
            self.send_inter_dc(now, home_dc, InterDcBody::Validate { user_id, home_hash });
        }
    }

    /// Record where an authenticated request came from (IP, region,
    /// coordinates): what the session list shows and travel is judged on.
    pub fn record_origin(&mut self, handle: &AuthorizationHandle, origin: &NetworkOrigin) {
        if handle.kind != AuthorizationKind::Home {
            return;
        }
        let Some(account) = self.accounts.get_mut(&handle.user_id) else {
            return;
        };
        if let Some(serial) = account.serial_of_hash(handle.hash) {
            if let Some(auth) = account.authorizations.get_mut(&serial) {
                auth.info.origin = origin.bounded();
            }
        }
    }
}
