//! Request authentication: which authorization, if any, a request under an
//! auth key id acts as. Accepting bumps `date_active` (which is what keeps a
//! heartbeat attacker alive past the TTL) and feeds the activity profile.

use super::authorization::{AuthorizationHandle, AuthorizationKind};
use super::client_info::NetworkOrigin;
use super::error::AuthRejection;
use super::events::AuthEventKind;
use super::interdc::InterDcBody;
use super::keys::KeyBinding;
use super::limits::INTER_DC_RETRY_INITIAL;
use super::policy::RevocationPolicy;
use super::{DcAuthority, KeyId, UserId};
use crate::proto::time::Instant;

impl DcAuthority {
    /// Authenticate a request under `key_id` (a permanent or a bound temp key).
    /// Emits `RequestAccepted` or `RequestRejected`.
    pub fn authenticate(&mut self, now: Instant, key_id: KeyId) -> Result<AuthorizationHandle, AuthRejection> {
        let result = self.check_key(now, key_id);
        let kind = match result {
            Ok(handle) => AuthEventKind::RequestAccepted { handle },
            Err(rejection) => AuthEventKind::RequestRejected { key_id, rejection },
        };
        self.event(now, kind);
        result
    }

    fn check_key(&mut self, now: Instant, key_id: KeyId) -> Result<AuthorizationHandle, AuthRejection> {
        let (perm_key_id, via_temp) = self.keys.resolve(now, key_id)?;
        let home = match self.keys.binding(perm_key_id) {
            None => return Err(self.keys.rejection_of_unbound(perm_key_id)),
            Some(KeyBinding::Home { user_id, serial }) => Some((*user_id, *serial)),
            Some(KeyBinding::Derived(_)) => None,
        };
        let handle = AuthorizationHandle {
            user_id: 0,
            hash: 0,
            kind: AuthorizationKind::Home,
            key_id,
            perm_key_id,
            via_temp,
        };
        match home {
            Some((user_id, serial)) => self.check_home(now, handle, user_id, serial),
            None => self.check_derived(now, handle),
        }
    }

    fn check_home(
        &mut self,
        now: Instant,
        handle: AuthorizationHandle,
        user_id: UserId,
        serial: u64,
    ) -> Result<AuthorizationHandle, AuthRejection> {
        let account = self.accounts.get_mut(&user_id).ok_or(AuthRejection::KeyUnregistered)?;
        if !account.state.serves_requests() {
            return Err(AuthRejection::UserDeactivated);
        }
        let auth = account
            .authorizations
            .get_mut(&serial)
            .ok_or(AuthRejection::KeyUnregistered)?;
        if auth.password_pending {
            return Err(AuthRejection::PasswordNeeded);
        }
        auth.date_active = now;
        let hour = account.profile.record_request(now);
        if let Some(bin) = auth.hours.get_mut(hour) {
            *bin = bin.saturating_add(1);
        }
        Ok(AuthorizationHandle {
            user_id,
            hash: auth.hash,
            ..handle
        })
    }

    fn check_derived(
        &mut self,
        now: Instant,
        handle: AuthorizationHandle,
    ) -> Result<AuthorizationHandle, AuthRejection> {
        let revocation = self.policy.revocation;
        let Some(KeyBinding::Derived(derived)) = self.keys.binding_mut(handle.perm_key_id) else {
            return Err(AuthRejection::KeyUnregistered);
        };
        if let RevocationPolicy::Lazy { cache_ttl } = revocation {
            // Lazy promise: never accept more than `cache_ttl` after the home
            // DC last vouched, so a revocation at t stops us by t + cache_ttl.
            if now >= derived.validated_at.saturating_add(cache_ttl) {
                let ask = derived
                    .validation_requested_at
                    .map_or(true, |asked| now >= asked.saturating_add(INTER_DC_RETRY_INITIAL));
                let (user_id, home_hash, home_dc) = (derived.user_id, derived.home_hash, derived.home_dc);
                if ask {
                    derived.validation_requested_at = Some(now);
                    self.send_inter_dc(home_dc, InterDcBody::Validate { user_id, home_hash });
                }
                return Err(AuthRejection::Revalidating);
            }
        }
        derived.date_active = now;
        Ok(AuthorizationHandle {
            user_id: derived.user_id,
            hash: derived.home_hash,
            kind: AuthorizationKind::Derived {
                home_dc: derived.home_dc,
            },
            ..handle
        })
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
