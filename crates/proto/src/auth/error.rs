//! Telegram's RPC errors as one enum ([`RpcError`], code + error string),
//! and the reasons a request under some key is rejected ([`AuthRejection`]).

use super::DcId;

/// Why a request under an auth key was not accepted. Kept per revoked key so
/// that the right 401 comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuthRejection {
    /// Unknown or never-authorized key, or its authorization is gone.
    KeyUnregistered,
    /// Ended by "terminate all other sessions" or a number change.
    SessionRevoked,
    /// Ended by inactivity (the TTL).
    SessionExpired,
    /// The account is blocked, frozen for deletion, or deleted.
    UserDeactivated,
    /// Logged in with a code but the 2FA password is still owed.
    PasswordNeeded,
    /// A derived authorization whose cached validity is stale (lazy
    /// revocation): the home DC is being asked; retry shortly.
    Revalidating,
}

impl AuthRejection {
    /// The RPC error the client sees.
    pub fn rpc_error(self) -> RpcError {
        match self {
            AuthRejection::KeyUnregistered => RpcError::AuthKeyUnregistered,
            AuthRejection::SessionRevoked => RpcError::SessionRevoked,
            AuthRejection::SessionExpired => RpcError::SessionExpired,
            AuthRejection::UserDeactivated => RpcError::UserDeactivated,
            AuthRejection::PasswordNeeded => RpcError::SessionPasswordNeeded,
            AuthRejection::Revalidating => RpcError::Timeout,
        }
    }
}

/// An RPC error: Telegram's numeric code and error string.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    #[error("406 FRESH_RESET_AUTHORISATION_FORBIDDEN")]
    FreshResetForbidden,
    #[error("400 TTL_DAYS_INVALID")]
    TtlDaysInvalid,
    #[error("400 PHONE_CODE_INVALID")]
    PhoneCodeInvalid,
    #[error("400 PHONE_CODE_EXPIRED")]
    PhoneCodeExpired,
    #[error("400 PHONE_NUMBER_INVALID")]
    PhoneNumberInvalid,
    #[error("400 PHONE_NUMBER_UNOCCUPIED")]
    PhoneNumberUnoccupied,
    #[error("400 PHONE_NUMBER_OCCUPIED")]
    PhoneNumberOccupied,
    #[error("420 FLOOD_WAIT_{seconds}")]
    FloodWait { seconds: u64 },
    #[error("401 SESSION_PASSWORD_NEEDED")]
    SessionPasswordNeeded,
    #[error("400 PASSWORD_HASH_INVALID")]
    PasswordHashInvalid,
    #[error("400 PASSWORD_TOO_LONG")]
    PasswordTooLong,
    #[error("400 AUTH_TOKEN_INVALID")]
    AuthTokenInvalid,
    #[error("400 AUTH_TOKEN_EXPIRED")]
    AuthTokenExpired,
    #[error("400 AUTH_TOKEN_ALREADY_ACCEPTED")]
    AuthTokenAlreadyAccepted,
    #[error("401 AUTH_KEY_UNREGISTERED")]
    AuthKeyUnregistered,
    #[error("401 SESSION_REVOKED")]
    SessionRevoked,
    #[error("401 SESSION_EXPIRED")]
    SessionExpired,
    #[error("401 USER_DEACTIVATED")]
    UserDeactivated,
    #[error("400 HASH_INVALID")]
    HashInvalid,
    #[error("400 AUTH_BYTES_INVALID")]
    AuthBytesInvalid,
    #[error("400 DC_ID_INVALID")]
    DcIdInvalid,
    #[error("303 USER_MIGRATE_{0}")]
    UserMigrate(DcId),
    #[error("400 TEMP_AUTH_KEY_ALREADY_BOUND")]
    TempAuthKeyAlreadyBound,
    #[error("400 TEMP_AUTH_KEY_EMPTY")]
    TempKeysDisabled,
    #[error("400 EXPIRE_DATE_INVALID")]
    ExpireDateInvalid,
    /// The key already holds a live authorization; log out first.
    #[error("400 AUTH_KEY_ALREADY_AUTHORIZED")]
    KeyAlreadyAuthorized,
    /// A per-account or per-DC limit was reached.
    #[error("400 LIMIT_EXCEEDED")]
    LimitExceeded,
    /// An unconfirmed session tried what the policy reserves for confirmed ones.
    #[error("406 UNCONFIRMED_SESSION_FORBIDDEN")]
    UnconfirmedForbidden,
    /// The account is not in a state that allows the request.
    #[error("400 ACCOUNT_STATE_INVALID")]
    AccountStateInvalid,
    /// A transient server-side wait (lazy re-validation in flight).
    #[error("-503 Timeout")]
    Timeout,
    /// `updates.getDifference` from a state the server never had (ahead of it).
    #[error("400 PERSISTENT_TIMESTAMP_INVALID")]
    PersistentTimestampInvalid,
    /// `auth.resendCode` past the resend limit: ask for a new code.
    #[error("406 SEND_CODE_UNAVAILABLE")]
    SendCodeUnavailable,
    /// A request body that decodes to no known function.
    #[error("400 INPUT_METHOD_INVALID")]
    InputMethodInvalid,
}

impl RpcError {
    /// Telegram's numeric error code.
    pub fn code(&self) -> i32 {
        match self {
            RpcError::FreshResetForbidden | RpcError::UnconfirmedForbidden | RpcError::SendCodeUnavailable => 406,
            RpcError::FloodWait { .. } => 420,
            RpcError::SessionPasswordNeeded
            | RpcError::AuthKeyUnregistered
            | RpcError::SessionRevoked
            | RpcError::SessionExpired
            | RpcError::UserDeactivated => 401,
            RpcError::UserMigrate(_) => 303,
            RpcError::Timeout => -503,
            _ => 400,
        }
    }

    /// Telegram's error string, e.g. `FLOOD_WAIT_3600`.
    pub fn message(&self) -> String {
        let text = self.to_string();
        match text.split_once(' ') {
            Some((_, message)) => message.to_string(),
            None => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_strings_match_telegram() {
        let cases = [
            (
                RpcError::FreshResetForbidden,
                406,
                "FRESH_RESET_AUTHORISATION_FORBIDDEN",
            ),
            (RpcError::TtlDaysInvalid, 400, "TTL_DAYS_INVALID"),
            (RpcError::PhoneCodeInvalid, 400, "PHONE_CODE_INVALID"),
            (RpcError::PhoneCodeExpired, 400, "PHONE_CODE_EXPIRED"),
            (RpcError::FloodWait { seconds: 42 }, 420, "FLOOD_WAIT_42"),
            (RpcError::SessionPasswordNeeded, 401, "SESSION_PASSWORD_NEEDED"),
            (RpcError::PasswordHashInvalid, 400, "PASSWORD_HASH_INVALID"),
            (RpcError::AuthTokenExpired, 400, "AUTH_TOKEN_EXPIRED"),
            (RpcError::AuthKeyUnregistered, 401, "AUTH_KEY_UNREGISTERED"),
            (RpcError::SessionRevoked, 401, "SESSION_REVOKED"),
            (RpcError::UserDeactivated, 401, "USER_DEACTIVATED"),
            (RpcError::HashInvalid, 400, "HASH_INVALID"),
            (RpcError::UserMigrate(2), 303, "USER_MIGRATE_2"),
            (RpcError::Timeout, -503, "Timeout"),
            (
                RpcError::PersistentTimestampInvalid,
                400,
                "PERSISTENT_TIMESTAMP_INVALID",
            ),
            (RpcError::InputMethodInvalid, 400, "INPUT_METHOD_INVALID"),
            (RpcError::SendCodeUnavailable, 406, "SEND_CODE_UNAVAILABLE"),
        ];
        for (error, code, message) in cases {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(error.message(), message, "{error:?}");
        }
    }

    #[test]
    fn rejections_map_to_401s() {
        assert_eq!(
            AuthRejection::KeyUnregistered.rpc_error(),
            RpcError::AuthKeyUnregistered
        );
        assert_eq!(AuthRejection::SessionRevoked.rpc_error(), RpcError::SessionRevoked);
        assert_eq!(AuthRejection::SessionExpired.rpc_error(), RpcError::SessionExpired);
        assert_eq!(AuthRejection::UserDeactivated.rpc_error(), RpcError::UserDeactivated);
        assert_eq!(
            AuthRejection::PasswordNeeded.rpc_error(),
            RpcError::SessionPasswordNeeded
        );
        assert_eq!(AuthRejection::Revalidating.rpc_error().code(), -503);
    }
}
