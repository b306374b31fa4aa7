//! Future auth tokens (api/auth, "Future auth tokens"): the home DC puts a
//! fresh one in the `auth.authorization` of every completed login and in
//! `auth.loggedOut`; the client keeps up to 20 and presents them in
//! `codeSettings.logout_tokens` at a later `auth.sendCode`, where one that
//! matches the account and has not expired logs in without a code (never
//! without 2FA) and is used up.
//!
//! Telegram documents neither a lifetime nor an error for a stale token:
//! `auth.sendCode` lists no token error, and a token is only a hint. So an
//! expired or already used token is refused by not honouring it — the
//! server sends a code exactly as if none had been presented — and an
//! expired one is dropped on the spot. The lifetime is the policy's
//! [`future_token_lifetime`](super::Policy::future_token_lifetime).

use rand_core::RngCore;

use super::account::FUTURE_TOKEN_BYTES;
use super::DcAuthority;
use crate::id::UserId;
use crate::time::Instant;

/// One future auth token as the account's home DC keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FutureToken {
    pub bytes: [u8; FUTURE_TOKEN_BYTES],
    /// From this instant the token is no longer honoured.
    pub expires_at: Instant,
}

impl DcAuthority {
    /// A fresh future auth token for `user_id`, valid for the policy's
    /// `future_token_lifetime`. The account keeps the newest
    /// `max_future_tokens` (none when that is 0: no token is issued) and
    /// forgets expired ones here, so its list never holds dead weight.
    pub(crate) fn issue_future_token(
        &mut self,
        now: Instant,
        user_id: UserId,
        rng: &mut impl RngCore,
    ) -> Option<[u8; FUTURE_TOKEN_BYTES]> {
        let keep = self.policy.max_future_tokens;
        let expires_at = now.saturating_add(self.policy.future_token_lifetime);
        let account = self.accounts.get_mut(&user_id)?;
        if keep == 0 {
            return None;
        }
        let mut bytes = [0u8; FUTURE_TOKEN_BYTES];
        rng.fill_bytes(&mut bytes);
        account.future_tokens.retain(|token| now < token.expires_at);
        account.future_tokens.push_back(FutureToken { bytes, expires_at });
        while account.future_tokens.len() > keep {
            account.future_tokens.pop_front();
        }
        Some(bytes)
    }

    /// Whether one of `presented` is a live token of `user_id`; if so it is
    /// used up. A presented token that has expired is forgotten and does
    /// not count.
    pub(crate) fn redeem_future_token(
        &mut self,
        now: Instant,
        user_id: UserId,
        presented: &[[u8; FUTURE_TOKEN_BYTES]],
    ) -> bool {
        let Some(account) = self.accounts.get_mut(&user_id) else {
            return false;
        };
        let mut redeemed = false;
        account.future_tokens.retain(|token| {
            if !presented.contains(&token.bytes) {
                return true;
            }
            if now < token.expires_at && !redeemed {
                redeemed = true;
                return false;
            }
            // Expired: refused and forgotten. A second live match stays
            // for a later login: one login uses up one token.
            now < token.expires_at
        });
        redeemed
    }
}
