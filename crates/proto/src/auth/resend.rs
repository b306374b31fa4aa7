//! `auth.resendCode`: deliver a pending login code again, by SMS.
//!
//! A code for an account with usable sessions goes in-app first, and
//! `auth.sentCode` says `next_type = auth.codeTypeSms` with a `timeout`
//! (the policy's `resend_code_after`). Once that time has passed since the
//! last delivery, `auth.resendCode` with the same phone and
//! `phone_code_hash`, under the key that asked for the code, sends the
//! *same* code to the SIM (`CodeDelivery::Sms`) and answers `auth.sentCode`
//! of type SMS with no `next_type`. An SMS code may be re-sent by SMS the
//! same way (the first SMS may have been lost). Rules:
//! - before the timeout: `FLOOD_WAIT_X`, X the seconds left (nothing is sent);
//! - unknown, expired, or another key's hash: `PHONE_CODE_EXPIRED`, as `signIn`;
//! - past [`MAX_CODE_RESENDS`] re-sends of one code: `SEND_CODE_UNAVAILABLE`;
//! - a revoked key: `AUTH_KEY_UNREGISTERED`; an authorized one:
//!   `AUTH_KEY_ALREADY_AUTHORIZED`; the account's flood wait and state apply.
//!
//! The code and its expiry do not change: whoever holds the SIM learns the
//! code the account's sessions were shown. That is what makes a SIM swap
//! work against an account with logged-in sessions.

use super::error::RpcError;
use super::events::{AuthEventKind, CodeDelivery, Effect};
use super::limits::MAX_CODE_RESENDS;
use super::login::SentCode;
use super::DcAuthority;
use crate::id::AuthKeyId;
use crate::time::Instant;

impl DcAuthority {
    /// `auth.resendCode(phone, phone_code_hash)` under `key_id` (unauthorized).
    pub fn resend_code(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        phone: &str,
        phone_code_hash: u64,
    ) -> Result<SentCode, RpcError> {
        let (user_id, pending) = self.live_pending_code(now, key_id, phone, phone_code_hash)?;
        if pending.resends >= MAX_CODE_RESENDS {
            return Err(RpcError::SendCodeUnavailable);
        }
        if now < pending.resend_at {
            let wait = pending.resend_at.saturating_duration_since(now);
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(RpcError::FloodWait { seconds });
        }
        let resend_at = now.saturating_add(self.policy.resend_code_after);
        if let Some(stored) = self.codes.get_mut(&(user_id, phone_code_hash)) {
            stored.resends += 1;
            stored.resend_at = resend_at;
        }
        let phone = self
            .accounts
            .get(&user_id)
            .map_or_else(|| phone.to_string(), |account| account.phone.clone());
        self.effect(
            now,
            Effect::DeliverCode {
                user_id,
                phone,
                code: pending.code,
                delivery: CodeDelivery::Sms,
            },
        );
        self.event(
            now,
            AuthEventKind::CodeResent {
                user_id,
                key_id,
                resends: pending.resends + 1,
            },
        );
        Ok(SentCode::Code {
            phone_code_hash,
            delivery: CodeDelivery::Sms,
            expires_at: pending.expires_at,
            sms_from: None,
        })
    }
}
