//! Logging in with a phone code: `send_code` (or a future auth token, which
//! skips the code), `sign_in`, bounded attempts then FLOOD_WAIT, and the
//! creation of the authorization every login path shares (with its
//! new-login notification to the account's other sessions). Re-sending a
//! pending code by SMS is in [`resend`](super::resend).
//!
//! A revoked key is dead: every login step under it is refused with
//! `AUTH_KEY_UNREGISTERED` and no authorization is ever bound to it again.

use crate::id::{AuthKeyId, AuthorizationHash, UserId};
use rand_core::RngCore;

use super::account::FUTURE_TOKEN_BYTES;
use super::authority::phone_index_key;
use super::authorization::{Authorization, HOURS_PER_DAY};
use super::client_info::ClientInfo;
use super::error::RpcError;
use super::events::{AuthEventKind, CodeDelivery, CreatedVia, Effect, Notification};
use super::keys::KeyBinding;
use super::limits::{MAX_AUTHORIZATIONS_PER_ACCOUNT, MAX_PENDING_CODES_PER_ACCOUNT, MAX_PENDING_CODES_PER_DC};
use super::sessions::ttl_duration;
use super::timers::Timer;
use super::DcAuthority;
use crate::time::Instant;

/// Digits in a login code.
pub(crate) const CODE_DIGITS: u32 = 5;

/// A login code waiting to be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingCode {
    pub code: String,
    pub key_id: AuthKeyId,
    pub expires_at: Instant,
    /// Sending order, so that "oldest first" holds when expiries tie.
    pub sent_serial: u64,
    /// The earliest instant `auth.resendCode` may deliver it again (by SMS):
    /// the last delivery plus the policy's `resend_code_after`.
    pub resend_at: Instant,
    /// Times it was re-sent (at most `MAX_CODE_RESENDS`).
    pub resends: u32,
}

/// The outcome of a login step that can create an authorization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginResult {
    /// Logged in: requests under the key are served.
    Authorized {
        /// The account logged in to.
        user_id: UserId,
        /// The new authorization's hash.
        hash: AuthorizationHash,
    },
    /// 2FA: the authorization exists but owes the password
    /// (the server answers SESSION_PASSWORD_NEEDED; see `rpc_error`).
    PasswordNeeded {
        /// The account logged in to.
        user_id: UserId,
        /// The new authorization's hash.
        hash: AuthorizationHash,
    },
}

impl LoginResult {
    /// The error the server sends for this outcome, if any.
    pub fn rpc_error(self) -> Option<RpcError> {
        match self {
            LoginResult::Authorized { .. } => None,
            LoginResult::PasswordNeeded { .. } => Some(RpcError::SessionPasswordNeeded),
        }
    }
}

/// The arguments of `auth.signIn`, plus what the client said about itself.
#[derive(Clone, Copy, Debug)]
pub struct SignIn<'a> {
    /// The phone number the code was sent to.
    pub phone: &'a str,
    /// The `phone_code_hash` of `SentCode::Code`.
    pub phone_code_hash: u64,
    /// The code the user typed.
    pub code: &'a str,
    /// What the client said about itself (`initConnection`) and where it connects from.
    pub info: &'a ClientInfo,
}

/// `auth.sentCode` or, with a valid future auth token, `auth.sentCodeSuccess`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentCode {
    /// `auth.sentCode`: a code is on its way.
    Code {
        /// To be echoed in `auth.signIn` (a random number, sent as a string).
        phone_code_hash: u64,
        /// Where the code went: in-app or by SMS.
        delivery: CodeDelivery,
        /// When the code stops being valid (`PHONE_CODE_EXPIRED` after).
        expires_at: Instant,
        /// When the code went in-app: from this instant `auth.resendCode`
        /// sends it by SMS (`next_type = auth.codeTypeSms`, `timeout`).
        sms_from: Option<Instant>,
    },
    /// `auth.sentCodeSuccess`: a future auth token matched; logged in without a code.
    Success(LoginResult),
}

impl DcAuthority {
    /// `auth.sendCode` under `key_id` (unauthorized). A live future auth
    /// token for this account logs in at once (it is used up); an expired
    /// or used one is not honoured and a code is sent.
    pub fn send_code(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        phone: &str,
        future_tokens: &[[u8; FUTURE_TOKEN_BYTES]],
        info: &ClientInfo,
        rng: &mut impl RngCore,
    ) -> Result<SentCode, RpcError> {
        self.refuse_revoked_key(now, key_id)?;
        let user_id = self.login_account(now, phone)?;
        if self.keys.is_bound(key_id) {
            return Err(RpcError::KeyAlreadyAuthorized);
        }
        if self.redeem_future_token(now, user_id, future_tokens) {
            let result = self.create_authorization(now, user_id, key_id, info, CreatedVia::FutureToken, rng)?;
            return Ok(SentCode::Success(result));
        }
        if self.codes.len() >= MAX_PENDING_CODES_PER_DC {
            return Err(RpcError::LimitExceeded);
        }
        self.evict_codes_beyond(user_id, MAX_PENDING_CODES_PER_ACCOUNT - 1);
        let drawn = rng.next_u32() % 10u32.pow(CODE_DIGITS);
        let code = format!(
            "{:0width$}",
            self.policy.fixed_login_code.unwrap_or(drawn),
            width = CODE_DIGITS as usize
        );
        let phone_code_hash = rng.next_u64();
        let expires_at = now.saturating_add(self.policy.code_lifetime);
        let resend_at = now.saturating_add(self.policy.resend_code_after);
        let delivery = self.code_delivery(user_id);
        self.codes.insert(
            (user_id, phone_code_hash),
            PendingCode {
                code: code.clone(),
                key_id,
                expires_at,
                sent_serial: self.next_id,
                resend_at,
                resends: 0,
            },
        );
        self.next_id += 1;
        self.timers.schedule(
            expires_at,
            Timer::CodeExpiry {
                user_id,
                phone_code_hash,
            },
        );
        // The SMS goes to the number as registered, however it was typed.
        let phone = self
            .accounts
            .get(&user_id)
            .map_or_else(|| phone.to_string(), |account| account.phone.clone());
        self.effect(
            now,
            Effect::DeliverCode {
                user_id,
                phone,
                code,
                delivery: delivery.clone(),
            },
        );
        self.event(
            now,
            AuthEventKind::CodeSent {
                user_id,
                delivery: delivery.clone(),
            },
        );
        let sms_from = matches!(delivery, CodeDelivery::App { .. }).then_some(resend_at);
        Ok(SentCode::Code {
            phone_code_hash,
            delivery,
            expires_at,
            sms_from,
        })
    }

    /// `auth.signIn` under `key_id` with the code sent for `phone_code_hash`.
    pub fn sign_in(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        request: &SignIn<'_>,
        rng: &mut impl RngCore,
    ) -> Result<LoginResult, RpcError> {
        let SignIn {
            phone,
            phone_code_hash,
            code,
            info,
        } = *request;
        let (user_id, pending) = self.live_pending_code(now, key_id, phone, phone_code_hash)?;
        if pending.code != code {
            return Err(self.failed_attempt(now, user_id, key_id, RpcError::PhoneCodeInvalid));
        }
        self.codes.remove(&(user_id, phone_code_hash));
        if let Some(account) = self.accounts.get_mut(&user_id) {
            account.failed_attempts = 0;
        }
        self.create_authorization(now, user_id, key_id, info, CreatedVia::Code, rng)
    }

    /// The account behind `phone`, if it may log in now (not flooded,
    /// not deactivated).
    pub(crate) fn login_account(&self, now: Instant, phone: &str) -> Result<UserId, RpcError> {
        let user_id = *self
            .phones
            .get(&phone_index_key(phone))
            .ok_or(RpcError::PhoneNumberUnoccupied)?;
        let account = self.accounts.get(&user_id).ok_or(RpcError::PhoneNumberUnoccupied)?;
        if !account.state.serves_requests() {
            return Err(RpcError::UserDeactivated);
        }
        self.check_flood(now, user_id)?;
        Ok(user_id)
    }

    pub(crate) fn check_flood(&self, now: Instant, user_id: UserId) -> Result<(), RpcError> {
        match self.accounts.get(&user_id).and_then(|account| account.flood_until) {
            Some(until) if now < until => {
                let wait = until.saturating_duration_since(now);
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Err(RpcError::FloodWait { seconds })
            }
            _ => Ok(()),
        }
    }

    /// Count a failed code or password attempt; the one that reaches the
    /// limit starts FLOOD_WAIT and drops the account's pending codes.
    pub(crate) fn failed_attempt(
        &mut self,
        now: Instant,
        user_id: UserId,
        key_id: AuthKeyId,
        error: RpcError,
    ) -> RpcError {
        let limit = self.policy.max_sign_in_attempts;
        let flood_until = now.saturating_add(self.policy.flood_wait);
        let Some(account) = self.accounts.get_mut(&user_id) else {
            return error;
        };
        account.failed_attempts += 1;
        let error = if account.failed_attempts >= limit {
            account.failed_attempts = 0;
            account.flood_until = Some(flood_until);
            self.evict_codes_beyond(user_id, 0);
            self.check_flood(now, user_id).err().unwrap_or(error)
        } else {
            error
        };
        self.event(
            now,
            AuthEventKind::SignInFailed {
                user_id,
                key_id,
                error: error.clone(),
            },
        );
        error
    }

    /// The unexpired code `key_id` asked for under `phone_code_hash`, for a
    /// sign-in or a re-send: the key must be live and unbound, the code its
    /// own. An expired code is forgotten here.
    pub(crate) fn live_pending_code(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        phone: &str,
        phone_code_hash: u64,
    ) -> Result<(UserId, PendingCode), RpcError> {
        self.refuse_revoked_key(now, key_id)?;
        let user_id = self.login_account(now, phone)?;
        if self.keys.is_bound(key_id) {
            return Err(RpcError::KeyAlreadyAuthorized);
        }
        let pending = match self.codes.get(&(user_id, phone_code_hash)) {
            Some(pending) if pending.key_id == key_id => pending.clone(),
            _ => return Err(RpcError::PhoneCodeExpired),
        };
        if now >= pending.expires_at {
            self.codes.remove(&(user_id, phone_code_hash));
            return Err(RpcError::PhoneCodeExpired);
        }
        Ok((user_id, pending))
    }

    /// Drop the account's oldest codes until at most `keep` remain.
    fn evict_codes_beyond(&mut self, user_id: UserId, keep: usize) {
        loop {
            let mut mine: Vec<(u64, u64)> = self
                .codes
                .range((user_id, 0)..=(user_id, u64::MAX))
                .map(|((_, hash), pending)| (pending.sent_serial, *hash))
                .collect();
            if mine.len() <= keep {
                return;
            }
            mine.sort();
            if let Some((_, hash)) = mine.first() {
                self.codes.remove(&(user_id, *hash));
            }
        }
    }

    /// In-app to the account's usable sessions when it has any, else SMS.
    fn code_delivery(&self, user_id: UserId) -> CodeDelivery {
        let key_ids: Vec<AuthKeyId> = self
            .accounts
            .get(&user_id)
            .map(|account| {
                account
                    .authorizations()
                    .filter(|a| !a.password_pending)
                    .map(|a| a.key_id)
                    .collect()
            })
            .unwrap_or_default();
        if key_ids.is_empty() {
            CodeDelivery::Sms
        } else {
            CodeDelivery::App { key_ids }
        }
    }

    /// Timer: forget an expired code.
    pub(crate) fn expire_code(&mut self, now: Instant, user_id: UserId, phone_code_hash: u64) {
        if self
            .codes
            .get(&(user_id, phone_code_hash))
            .is_some_and(|pending| now >= pending.expires_at)
        {
            self.codes.remove(&(user_id, phone_code_hash));
        }
    }

    /// Create an authorization binding `key_id` to `user_id`. It owes the
    /// password when 2FA is on; it starts unconfirmed when the account had
    /// other authorizations and `notify_new_login` (a QR login accepted by
    /// a confirmed session is confirmed by that very act). A revoked key is
    /// refused with `AUTH_KEY_UNREGISTERED`.
    pub(crate) fn create_authorization(
        &mut self,
        now: Instant,
        user_id: UserId,
        key_id: AuthKeyId,
        info: &ClientInfo,
        via: CreatedVia,
        rng: &mut impl RngCore,
    ) -> Result<LoginResult, RpcError> {
        if self.keys.is_revoked(key_id) {
            return Err(RpcError::AuthKeyUnregistered);
        }
        if self.keys.is_bound(key_id) {
            return Err(RpcError::KeyAlreadyAuthorized);
        }
        let hash = self.fresh_hash(user_id, rng);
        self.bind_new_authorization(now, user_id, key_id, info, via, hash)
    }

    /// [`create_authorization`](Self::create_authorization) with its hash
    /// chosen (unused in the account) and its key checked unbound and live.
    pub(crate) fn bind_new_authorization(
        &mut self,
        now: Instant,
        user_id: UserId,
        key_id: AuthKeyId,
        info: &ClientInfo,
        via: CreatedVia,
        hash: AuthorizationHash,
    ) -> Result<LoginResult, RpcError> {
        let serial = self.next_serial;
        let notify = self.policy.notify_new_login;
        let autoconfirm_at = now.saturating_add(self.policy.autoconfirm_period);
        let account = self.accounts.get_mut(&user_id).ok_or(RpcError::PhoneNumberUnoccupied)?;
        if account.authorizations.len() >= MAX_AUTHORIZATIONS_PER_ACCOUNT {
            return Err(RpcError::LimitExceeded);
        }
        let needs_confirmation = match via {
            CreatedVia::QrLogin { accepted_by_hash } => account
                .authorizations()
                .any(|a| a.hash == accepted_by_hash && a.unconfirmed),
            _ => account.authorizations.values().any(|a| !a.password_pending),
        };
        let info = info.bounded();
        let auth = Authorization {
            serial,
            hash,
            key_id,
            official_app: info.is_official_app(),
            device_model_was_new: !account.profile.knows_device_model(&info.device_model),
            info,
            date_created: now,
            date_active: now,
            password_pending: account.has_password(),
            unconfirmed: notify && needs_confirmation,
            created_via: via,
            exported_to: Default::default(),
            hours: [0; HOURS_PER_DAY],
        };
        let (unconfirmed, password_pending) = (auth.unconfirmed, auth.password_pending);
        if !unconfirmed {
            account.profile.learn_device_model(&auth.info.device_model);
        }
        let ttl_at = now.saturating_add(ttl_duration(account.authorization_ttl_days));
        account.authorizations.insert(serial, auth);
        self.next_serial += 1;
        self.keys.bind(key_id, KeyBinding::Home { user_id, serial });
        self.timers
            .schedule(ttl_at, Timer::AuthorizationTtl { user_id, serial });
        if unconfirmed {
            self.timers
                .schedule(autoconfirm_at, Timer::AutoConfirm { user_id, serial });
        }
        self.event(
            now,
            AuthEventKind::AuthorizationCreated {
                user_id,
                hash,
                key_id,
                via,
                unconfirmed,
            },
        );
        if password_pending {
            return Ok(LoginResult::PasswordNeeded { user_id, hash });
        }
        self.announce_login(now, user_id, serial);
        Ok(LoginResult::Authorized { user_id, hash })
    }

    /// Tell every other usable session of the account about a new login
    /// (`updateNewAuthorization`), when the policy says so.
    pub(crate) fn announce_login(&mut self, now: Instant, user_id: UserId, serial: u64) {
        if !self.policy.notify_new_login {
            return;
        }
        let Some(account) = self.accounts.get(&user_id) else {
            return;
        };
        let Some(new) = account.authorizations.get(&serial) else {
            return;
        };
        let notification = Notification::NewAuthorization {
            hash: new.hash,
            unconfirmed: new.unconfirmed,
            date: new.date_created,
            device_model: new.info.device_model.clone(),
            location: format!("{} {}", new.info.origin.country, new.info.origin.region)
                .trim()
                .to_string(),
        };
        let about_hash = new.hash;
        let recipients: Vec<AuthKeyId> = account
            .authorizations()
            .filter(|a| a.serial != serial && !a.password_pending)
            .map(|a| a.key_id)
            .collect();
        for to_key_id in recipients {
            self.effect(
                now,
                Effect::Notify {
                    key_id: to_key_id,
                    notification: notification.clone(),
                },
            );
            self.event(
                now,
                AuthEventKind::NotificationSent {
                    user_id,
                    to_key_id,
                    about_hash,
                },
            );
        }
    }
}
