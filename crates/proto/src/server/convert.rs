//! Session-layer values to their TL form: the authorization list with its
//! anomaly signals, login answers, RPC errors. One place, so that the
//! server's dispatch reads as protocol and not as field copying.

use crate::auth::client_info::ClientInfo;
use crate::auth::error::RpcError;
use crate::auth::sessions::{AuthorizationList, AuthorizationView};
use crate::id::{AuthorizationHash, UserId};
use crate::time::Instant;
use crate::wire::api;
use crate::wire::Body;

/// Unix seconds as TL's `int` date.
pub(super) fn date(at: Instant) -> i32 {
    i32::try_from(at.unix_seconds()).unwrap_or(i32::MAX)
}

/// Whole seconds from `now` until `at`, rounded up (0 when past), as TL's
/// `int`: the `timeout` of `auth.sentCode`.
pub(super) fn seconds_until(now: Instant, at: Instant) -> i32 {
    let wait = at.saturating_duration_since(now);
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    i32::try_from(seconds).unwrap_or(i32::MAX)
}

/// `rpc_error` for a session-layer error.
pub(super) fn rpc_error(error: &RpcError) -> Body {
    Body::RpcError {
        error_code: error.code(),
        error_message: error.message(),
    }
}

/// A phone_code_hash as the API carries it (a string): 16 hex digits.
pub(super) fn phone_code_hash_to_wire(hash: u64) -> String {
    format!("{hash:016x}")
}

/// The phone_code_hash a client sent back; anything malformed is simply a
/// hash that matches no code.
pub(super) fn phone_code_hash_from_wire(text: &str) -> u64 {
    if text.len() == 16 {
        u64::from_str_radix(text, 16).unwrap_or(0)
    } else {
        0
    }
}

/// The compact user the API returns to its own account (`self` set): with
/// a login, and for `users.getUsers([inputUserSelf])`.
pub(super) fn user(user_id: UserId, phone: &str) -> api::User {
    api::User {
        is_self: true,
        id: user_id.to_wire(),
        phone: Some(phone.to_string()),
    }
}

/// `auth.authorization` for a completed login.
pub(super) fn auth_authorization(
    user_id: UserId,
    phone: &str,
    future_auth_token: Option<Vec<u8>>,
) -> api::AuthAuthorization {
    api::AuthAuthorization {
        setup_password_relogin_days: None,
        tmp_sessions: None,
        future_auth_token,
        user: user(user_id, phone),
    }
}

/// The `authorization` `auth.acceptLoginToken` answers for a token exported
/// on another DC: the login completes when that device imports it here,
/// so only the hash it will have and the date are known yet.
pub(super) fn authorization_to_be(now: Instant, hash: AuthorizationHash) -> api::Authorization {
    api::Authorization {
        hash: hash.get(),
        date_created: date(now),
        date_active: date(now),
        ..api::Authorization::default()
    }
}

/// One `authorization` as `account.getAuthorizations` lists it.
pub(super) fn authorization(view: &AuthorizationView) -> api::Authorization {
    let record = &view.authorization;
    let info = &record.info;
    api::Authorization {
        current: view.current,
        official_app: record.official_app,
        password_pending: record.password_pending,
        encrypted_requests_disabled: false,
        call_requests_disabled: false,
        unconfirmed: record.unconfirmed,
        hash: record.hash.get(),
        device_model: info.device_model.clone(),
        platform: info.platform.clone(),
        system_version: info.system_version.clone(),
        api_id: info.api_id,
        app_name: info.app_name.clone(),
        app_version: info.app_version.clone(),
        date_created: date(record.date_created),
        date_active: date(record.date_active),
        ip: info.origin.ip.clone(),
        country: info.origin.country.clone(),
        region: info.origin.region.clone(),
    }
}

/// The answer to `account.getAuthorizations`: Telegram's
/// `account.authorizations`, or — to a key that opted in to the
/// project-private answers — `sessionlab.authorizationsWithSignals`, the
/// same list with the anomaly signals beside it.
pub(super) fn authorizations_answer(list: &AuthorizationList, private_answers: bool) -> api::ApiResponse {
    let authorizations = api::AccountAuthorizations {
        authorization_ttl_days: i32::try_from(list.authorization_ttl_days).unwrap_or(i32::MAX),
        authorizations: list.authorizations.iter().map(authorization).collect(),
    };
    if private_answers {
        api::ApiResponse::AuthorizationsWithSignals(with_signals(list, authorizations))
    } else {
        api::ApiResponse::Authorizations(authorizations)
    }
}

/// The authorization list with the project's anomaly signals beside it.
fn with_signals(
    list: &AuthorizationList,
    authorizations: api::AccountAuthorizations,
) -> api::AuthorizationsWithSignals {
    api::AuthorizationsWithSignals {
        authorizations,
        signals: list
            .authorizations
            .iter()
            .map(|view| api::AuthorizationSignals {
                unseen_device_model: view.signals.new_device_model,
                outdated_app_version: view.signals.outdated_app_version,
                impossible_travel: view.signals.impossible_travel,
                unusual_hours: view.signals.unusual_hours,
                hash: view.authorization.hash.get(),
            })
            .collect(),
    }
}

/// What `initConnection` tells about a device, with the connection's origin.
pub(super) fn client_info(init: &api::InitConnection, origin: &crate::auth::client_info::NetworkOrigin) -> ClientInfo {
    ClientInfo {
        device_model: init.device_model.clone(),
        platform: platform_of(&init.device_model, &init.system_version),
        system_version: init.system_version.clone(),
        api_id: init.api_id,
        app_name: app_name_of(init.api_id),
        app_version: init.app_version.clone(),
        origin: origin.clone(),
    }
    .bounded()
}

/// Telegram derives the platform from what the app reports; so do we.
fn platform_of(device_model: &str, system_version: &str) -> String {
    let text = format!("{device_model} {system_version}").to_ascii_lowercase();
    let platform = if text.contains("iphone") || text.contains("ipad") || text.contains("ios") {
        "ios"
    } else if text.contains("android") {
        "android"
    } else if text.contains("windows") {
        "windows"
    } else if text.contains("mac") {
        "macos"
    } else if text.contains("linux") {
        "linux"
    } else if text.contains("web") || text.contains("browser") {
        "web"
    } else {
        "unknown"
    };
    platform.to_string()
}

fn app_name_of(api_id: i32) -> String {
    if crate::auth::client_info::OFFICIAL_API_IDS.contains(&api_id) {
        "Telegram".to_string()
    } else {
        format!("app {api_id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_code_hashes_round_trip_and_garbage_matches_nothing() {
        for hash in [0, 1, u64::MAX, 0x1234_5678_9abc_def0] {
            assert_eq!(phone_code_hash_from_wire(&phone_code_hash_to_wire(hash)), hash);
        }
        assert_eq!(phone_code_hash_from_wire("xyz"), 0);
        assert_eq!(phone_code_hash_from_wire("zzzzzzzzzzzzzzzz"), 0);
    }

    #[test]
    fn seconds_until_rounds_up_and_stops_at_zero() {
        let now = Instant::from_unix_seconds(100);
        assert_eq!(seconds_until(now, Instant::from_unix_seconds(160)), 60);
        assert_eq!(
            seconds_until(now, now.saturating_add(std::time::Duration::from_millis(1))),
            1
        );
        assert_eq!(seconds_until(now, Instant::from_unix_seconds(99)), 0);
    }

    #[test]
    fn platforms_and_app_names() {
        assert_eq!(platform_of("iPhone 15", "iOS 18"), "ios");
        assert_eq!(platform_of("Pixel 8", "Android 15"), "android");
        assert_eq!(platform_of("Desktop", "Windows 11"), "windows");
        assert_eq!(platform_of("Thing", "Plan 9"), "unknown");
        assert_eq!(app_name_of(4), "Telegram");
        assert_eq!(app_name_of(12345), "app 12345");
    }

    #[test]
    fn rpc_errors_carry_code_and_name() {
        assert_eq!(
            rpc_error(&RpcError::FreshResetForbidden),
            Body::RpcError {
                error_code: 406,
                error_message: "FRESH_RESET_AUTHORISATION_FORBIDDEN".into()
            }
        );
    }
}
