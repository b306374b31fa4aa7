//! Telegram's RPC errors as one enum ([`RpcError`], code + error string),
//! and the reasons a request under some key is rejected ([`AuthRejection`]).

use crate::id::DcId;

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
    /// The key was used from two addresses at once and is invalidated.
    KeyDuplicated,
    /// A temp key not bound to a permanent key (or no longer: a newer
    /// binding replaced it).
    PermKeyEmpty,
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
            AuthRejection::KeyDuplicated => RpcError::AuthKeyDuplicated,
            AuthRejection::PermKeyEmpty => RpcError::AuthKeyPermEmpty,
        }
    }
}

/// An RPC error: Telegram's numeric code and error string.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RpcError {
    /// `AUTH_KEY_DUPLICATED` (406): the key was used under two different
    /// IP addresses simultaneously and can no longer be used.
    #[error("406 AUTH_KEY_DUPLICATED")]
    AuthKeyDuplicated,
    /// `FRESH_RESET_AUTHORISATION_FORBIDDEN` (406): the session is too new to terminate others or change the TTL.
    #[error("406 FRESH_RESET_AUTHORISATION_FORBIDDEN")]
    FreshResetForbidden,
    /// `TTL_DAYS_INVALID`: the TTL is outside 1..=366 days.
    #[error("400 TTL_DAYS_INVALID")]
    TtlDaysInvalid,
    /// `PHONE_CODE_INVALID`: the code does not match the pending one.
    #[error("400 PHONE_CODE_INVALID")]
    PhoneCodeInvalid,
    /// `PHONE_CODE_EXPIRED`: the code's lifetime passed, or this key has no pending code with this hash.
    #[error("400 PHONE_CODE_EXPIRED")]
    PhoneCodeExpired,
    /// `PHONE_NUMBER_INVALID`: the number is empty or too long.
    #[error("400 PHONE_NUMBER_INVALID")]
    PhoneNumberInvalid,
    /// `PHONE_NUMBER_UNOCCUPIED`: no account has this number.
    #[error("400 PHONE_NUMBER_UNOCCUPIED")]
    PhoneNumberUnoccupied,
    /// `PHONE_NUMBER_OCCUPIED`: another account already has this number.
    #[error("400 PHONE_NUMBER_OCCUPIED")]
    PhoneNumberOccupied,
    /// `FLOOD_WAIT_X` (420): too many failed attempts; wait `seconds`.
    #[error("420 FLOOD_WAIT_{seconds}")]
    FloodWait {
        /// Seconds to wait before trying again.
        seconds: u64,
    },
    /// `SESSION_PASSWORD_NEEDED` (401): the login still owes the 2FA password (`auth.checkPassword`).
    #[error("401 SESSION_PASSWORD_NEEDED")]
    SessionPasswordNeeded,
    /// `PASSWORD_HASH_INVALID`: the 2FA password is wrong.
    #[error("400 PASSWORD_HASH_INVALID")]
    PasswordHashInvalid,
    /// `PASSWORD_TOO_LONG`: the new password is longer than the limit (or empty).
    #[error("400 PASSWORD_TOO_LONG")]
    PasswordTooLong,
    /// `AUTH_TOKEN_INVALID`: the QR login token is unknown or forged, or its exporting key can no longer log in.
    #[error("400 AUTH_TOKEN_INVALID")]
    AuthTokenInvalid,
    /// `AUTH_TOKEN_EXPIRED`: the QR login token's lifetime passed.
    #[error("400 AUTH_TOKEN_EXPIRED")]
    AuthTokenExpired,
    /// `AUTH_TOKEN_ALREADY_ACCEPTED`: the QR token was accepted already.
    #[error("400 AUTH_TOKEN_ALREADY_ACCEPTED")]
    AuthTokenAlreadyAccepted,
    /// `AUTH_KEY_UNREGISTERED` (401): the key is unknown or has no live authorization (never logged in, logged out,
    /// terminated).
    #[error("401 AUTH_KEY_UNREGISTERED")]
    AuthKeyUnregistered,
    /// `SESSION_REVOKED` (401): terminated by "terminate all other sessions" or a number change.
    #[error("401 SESSION_REVOKED")]
    SessionRevoked,
    /// `SESSION_EXPIRED` (401): terminated for inactivity (the TTL).
    #[error("401 SESSION_EXPIRED")]
    SessionExpired,
    /// `USER_DEACTIVATED` (401): the account is blocked, locked for deletion, or deleted.
    #[error("401 USER_DEACTIVATED")]
    UserDeactivated,
    /// `HASH_INVALID`: no other authorization of the account has this hash.
    #[error("400 HASH_INVALID")]
    HashInvalid,
    /// `AUTH_BYTES_INVALID`: the exported authorization is forged, expired, used already, or meant for another user
    /// or DC.
    #[error("400 AUTH_BYTES_INVALID")]
    AuthBytesInvalid,
    /// `DC_ID_INVALID`: the export targets the DC it is asked on.
    #[error("400 DC_ID_INVALID")]
    DcIdInvalid,
    /// `USER_MIGRATE_X` (303): the account lives on this DC; repeat the request there.
    #[error("303 USER_MIGRATE_{0}")]
    UserMigrate(DcId),
    /// `TEMP_AUTH_KEY_ALREADY_BOUND`: the temp key is bound already, or the "permanent" key is itself a temp key.
    #[error("400 TEMP_AUTH_KEY_ALREADY_BOUND")]
    TempAuthKeyAlreadyBound,
    /// `TEMP_AUTH_KEY_EMPTY`: the request was not sent under a temp key
    /// (or temp keys are disabled by policy: zero lifetime).
    #[error("400 TEMP_AUTH_KEY_EMPTY")]
    TempKeysDisabled,
    /// `AUTH_KEY_PERM_EMPTY` (401): the method is unavailable under a temp
    /// key not bound to a permanent key.
    #[error("401 AUTH_KEY_PERM_EMPTY")]
    AuthKeyPermEmpty,
    /// `ENCRYPTED_MESSAGE_INVALID`: the binding message does not decrypt
    /// with the permanent key or does not match the request.
    #[error("400 ENCRYPTED_MESSAGE_INVALID")]
    EncryptedMessageInvalid,
    /// `EXPIRE_DATE_INVALID`: the binding's `expires_at` is not in the future.
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
    /// A body that cannot be deserialised at all: a `gzip_packed` that
    /// does not inflate ("Failed deserializing TL payload").
    #[error("400 INPUT_FETCH_FAIL")]
    InputFetchFail,
}

impl RpcError {
    /// Telegram's numeric error code.
    pub fn code(&self) -> i32 {
        match self {
            RpcError::FreshResetForbidden
            | RpcError::UnconfirmedForbidden
            | RpcError::SendCodeUnavailable
            | RpcError::AuthKeyDuplicated => 406,
            RpcError::FloodWait { .. } => 420,
            RpcError::SessionPasswordNeeded
            | RpcError::AuthKeyUnregistered
            | RpcError::AuthKeyPermEmpty
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
    use crate::id::DcId;

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
            (RpcError::UserMigrate(DcId::new(2)), 303, "USER_MIGRATE_2"),
            (RpcError::Timeout, -503, "Timeout"),
            (
                RpcError::PersistentTimestampInvalid,
                400,
                "PERSISTENT_TIMESTAMP_INVALID",
            ),
            (RpcError::InputMethodInvalid, 400, "INPUT_METHOD_INVALID"),
            (RpcError::InputFetchFail, 400, "INPUT_FETCH_FAIL"),
            (RpcError::SendCodeUnavailable, 406, "SEND_CODE_UNAVAILABLE"),
            (RpcError::AuthKeyDuplicated, 406, "AUTH_KEY_DUPLICATED"),
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
