//! Every knob of the session layer in one [`Policy`] value (no globals).
//! `Default` is Telegram's documented behaviour; the seeds' weaker claims
//! (e.g. "terminate all" limited to 5) are settings a scenario turns on.

use std::time::Duration;

use super::limits::{MAX_FUTURE_TOKENS_PER_ACCOUNT, MAX_TTL_DAYS, MIN_TTL_DAYS, SECONDS_PER_DAY};
use super::login::CODE_DIGITS;

/// How a revocation on the home DC reaches derived authorizations elsewhere.
// Ordered (Sync < Async < Lazy, then by duration) only so that generic
// settings code can hold it; the order means nothing in the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RevocationPolicy {
    /// The owner's answer is released only once every DC that may hold a
    /// derived authorization acknowledged the revocation.
    Sync,
    /// Answer at once; send the revocations `delay` later.
    Async {
        /// How long after the answer the revocations are sent.
        delay: Duration,
    },
    /// Send nothing; other DCs re-validate a derived authorization with the
    /// home DC when their cached validity is older than `cache_ttl`.
    Lazy {
        /// How long a derived authorization's validity is trusted before asking the home DC again.
        cache_ttl: Duration,
    },
}

impl RevocationPolicy {
    /// How long after the home DC commits a revocation a derived key may
    /// still be accepted under this policy (the oracle's promised window).
    pub fn promised_window(self) -> Duration {
        match self {
            RevocationPolicy::Sync => Duration::ZERO,
            RevocationPolicy::Async { delay } => delay,
            RevocationPolicy::Lazy { cache_ttl } => cache_ttl,
        }
    }
}

/// Whether a DC invalidates a key used from two network origins at once
/// (`AUTH_KEY_DUPLICATED`, 406: "the authorization key was used under two
/// different IP addresses simultaneously, and can no longer be used").
// Ordered only so that generic settings code can hold it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DuplicateKeyPolicy {
    /// Keys are never invalidated for being shared (a design without the rule).
    Off,
    /// A packet under a key from another IP address than the key's last
    /// packet, less than `window` after it, invalidates the key for both.
    On {
        /// How close two uses from different addresses must be to count
        /// as simultaneous.
        window: Duration,
    },
}

/// The default concurrency window of [`DuplicateKeyPolicy::On`]: one
/// keep-alive interval (60 s), the longest an app with an open connection
/// stays silent, so two apps online at once are always caught.
pub const DUPLICATE_KEY_WINDOW_DEFAULT: Duration = Duration::from_secs(60);

/// The default lifetime of a future auth token. Telegram documents none;
/// we take the default inactivity TTL (180 days, seed 002's "about 6
/// months"): a token stands for a session in waiting, and should not
/// outlive what an idle session would.
pub const FUTURE_TOKEN_LIFETIME_DEFAULT: Duration = Duration::from_secs(180 * SECONDS_PER_DAY);

/// Every session-layer knob of the `[policy]` scenario section, plus login knobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// A session younger than this may not terminate others or change the TTL.
    pub fresh_reset_window: Duration,
    /// Default inactivity TTL of a new account, in days.
    pub authorization_ttl_days: u32,
    /// An unconfirmed login becomes confirmed by itself after this.
    pub autoconfirm_period: Duration,
    /// Whether an unconfirmed session may terminate others or change the TTL.
    pub unconfirmed_can_reset: bool,
    /// Whether an unconfirmed session may accept a QR login token.
    pub unconfirmed_can_accept_login_token: bool,
    /// "Terminate all other sessions" ends at most this many (oldest first);
    /// 0 = no limit. Seed 000 claims 5.
    pub terminate_all_limit: u32,
    /// How revocations reach derived authorizations on other DCs.
    pub revocation: RevocationPolicy,
    /// Longest life of a temp key binding; zero disables temp keys.
    pub temp_key_lifetime: Duration,
    /// Whether other sessions hear of a new login (and it starts unconfirmed).
    pub notify_new_login: bool,
    /// How long a login code is valid.
    pub code_lifetime: Duration,
    /// How long after a code was delivered `auth.resendCode` may deliver it
    /// again by SMS (the `timeout` of `auth.sentCode`). Telegram: about 60 s.
    pub resend_code_after: Duration,
    /// Failed sign-in or password attempts before FLOOD_WAIT.
    pub max_sign_in_attempts: u32,
    /// How long FLOOD_WAIT lasts.
    pub flood_wait: Duration,
    /// Lifetime of a QR login token (about 30 s).
    pub login_token_lifetime: Duration,
    /// Future auth tokens kept per account (≤ 20).
    pub max_future_tokens: usize,
    /// How long a future auth token is honoured after it was issued.
    pub future_token_lifetime: Duration,
    /// With 2FA and no password given, deletion waits this long.
    pub deletion_wait_2fa: Duration,
    /// Whether a key used from two addresses at once is invalidated.
    pub duplicate_key: DuplicateKeyPolicy,
    /// Every login code is this one (printed with five digits, zeros first)
    /// instead of a random one: for a person or a test script talking to
    /// `sessionlab serve`. The RNG is drawn from all the same, so a run's
    /// other draws do not move. `None` (the default): random codes.
    pub fixed_login_code: Option<u32>,
    /// The deliberately broken rule this datacenter runs with, if any
    /// (`sessionlab mutants`); only with the `mutants` feature.
    #[cfg(feature = "mutants")]
    pub mutant: Option<crate::mutant::Mutant>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            fresh_reset_window: Duration::from_secs(SECONDS_PER_DAY),
            authorization_ttl_days: 180,
            autoconfirm_period: Duration::from_secs(7 * SECONDS_PER_DAY),
            unconfirmed_can_reset: false,
            unconfirmed_can_accept_login_token: false,
            terminate_all_limit: 0,
            revocation: RevocationPolicy::Sync,
            temp_key_lifetime: Duration::from_secs(SECONDS_PER_DAY),
            notify_new_login: true,
            code_lifetime: Duration::from_secs(300),
            resend_code_after: Duration::from_secs(60),
            max_sign_in_attempts: 5,
            flood_wait: Duration::from_secs(3600),
            login_token_lifetime: Duration::from_secs(30),
            max_future_tokens: MAX_FUTURE_TOKENS_PER_ACCOUNT,
            future_token_lifetime: FUTURE_TOKEN_LIFETIME_DEFAULT,
            deletion_wait_2fa: Duration::from_secs(7 * SECONDS_PER_DAY),
            duplicate_key: DuplicateKeyPolicy::On {
                window: DUPLICATE_KEY_WINDOW_DEFAULT,
            },
            fixed_login_code: None,
            #[cfg(feature = "mutants")]
            mutant: None,
        }
    }
}

/// A policy value out of range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("authorization_ttl must be {MIN_TTL_DAYS}..={MAX_TTL_DAYS} days, got {0}")]
    TtlDays(u32),
    #[error("max_future_tokens must be at most {MAX_FUTURE_TOKENS_PER_ACCOUNT}, got {0}")]
    FutureTokens(usize),
    #[error("max_sign_in_attempts must be at least 1")]
    SignInAttempts,
    #[error("{0} must be positive")]
    ZeroDuration(&'static str),
    #[error("a fixed login code has at most {CODE_DIGITS} digits, got {0}")]
    LoginCode(u32),
}

impl Policy {
    /// Check every value against its documented range.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if !(MIN_TTL_DAYS..=MAX_TTL_DAYS).contains(&self.authorization_ttl_days) {
            return Err(PolicyError::TtlDays(self.authorization_ttl_days));
        }
        if self.max_future_tokens > MAX_FUTURE_TOKENS_PER_ACCOUNT {
            return Err(PolicyError::FutureTokens(self.max_future_tokens));
        }
        if self.max_sign_in_attempts == 0 {
            return Err(PolicyError::SignInAttempts);
        }
        if let Some(code) = self.fixed_login_code.filter(|code| *code >= 10u32.pow(CODE_DIGITS)) {
            return Err(PolicyError::LoginCode(code));
        }
        let durations = [
            ("code_lifetime", self.code_lifetime),
            ("login_token_lifetime", self.login_token_lifetime),
            ("autoconfirm_period", self.autoconfirm_period),
            ("future_token_lifetime", self.future_token_lifetime),
        ];
        match durations.iter().find(|(_, duration)| duration.is_zero()) {
            Some((name, _)) => Err(PolicyError::ZeroDuration(name)),
            None => Ok(()),
        }
    }

    /// Whether temp keys (PFS) may be bound at all.
    pub fn temp_keys_enabled(&self) -> bool {
        !self.temp_key_lifetime.is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_documented_telegram_behaviour() {
        let policy = Policy::default();
        assert_eq!(policy.fresh_reset_window, Duration::from_secs(86_400));
        assert_eq!(policy.authorization_ttl_days, 180);
        assert_eq!(policy.autoconfirm_period, Duration::from_secs(7 * 86_400));
        assert!(!policy.unconfirmed_can_reset);
        assert!(!policy.unconfirmed_can_accept_login_token);
        assert_eq!(policy.terminate_all_limit, 0);
        assert_eq!(policy.revocation, RevocationPolicy::Sync);
        assert_eq!(policy.temp_key_lifetime, Duration::from_secs(86_400));
        assert!(policy.notify_new_login);
        assert_eq!(policy.login_token_lifetime, Duration::from_secs(30));
        assert_eq!(policy.resend_code_after, Duration::from_secs(60));
        assert_eq!(policy.max_future_tokens, 20);
        assert_eq!(policy.future_token_lifetime, Duration::from_secs(180 * 86_400));
        assert_eq!(
            policy.duplicate_key,
            DuplicateKeyPolicy::On {
                window: Duration::from_secs(60)
            }
        );
        assert_eq!(policy.validate(), Ok(()));
    }

    #[test]
    fn validate_rejects_out_of_range_values() {
        let bad_ttl = Policy {
            authorization_ttl_days: 367,
            ..Policy::default()
        };
        assert_eq!(bad_ttl.validate(), Err(PolicyError::TtlDays(367)));
        let bad_tokens = Policy {
            max_future_tokens: 21,
            ..Policy::default()
        };
        assert_eq!(bad_tokens.validate(), Err(PolicyError::FutureTokens(21)));
        let bad_attempts = Policy {
            max_sign_in_attempts: 0,
            ..Policy::default()
        };
        assert_eq!(bad_attempts.validate(), Err(PolicyError::SignInAttempts));
        let bad_code = Policy {
            code_lifetime: Duration::ZERO,
            ..Policy::default()
        };
        assert_eq!(bad_code.validate(), Err(PolicyError::ZeroDuration("code_lifetime")));
    }

    #[test]
    fn promised_windows_and_temp_key_switch() {
        assert_eq!(RevocationPolicy::Sync.promised_window(), Duration::ZERO);
        let delay = Duration::from_secs(2);
        assert_eq!(RevocationPolicy::Async { delay }.promised_window(), delay);
        assert_eq!(RevocationPolicy::Lazy { cache_ttl: delay }.promised_window(), delay);
        let no_temp = Policy {
            temp_key_lifetime: Duration::ZERO,
            ..Policy::default()
        };
        assert!(!no_temp.temp_keys_enabled());
        assert!(Policy::default().temp_keys_enabled());
    }
}
