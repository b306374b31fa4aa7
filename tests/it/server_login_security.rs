//! End-to-end login-security flows through `proto::Server` over encrypted
//! packets: a SIM swap against an account with a logged-in phone (the code
//! goes in-app, `auth.resendCode` after the timeout sends the same code by
//! SMS), a revoked key that can never log in again, and changing the 2FA
//! password through the API.

use std::time::Duration;

use sessionlab_proto::auth::CodeDelivery;
use sessionlab_proto::auth::Policy;
use sessionlab_proto::wire::api::{self, ApiCall, ApiResponse};
use sessionlab_testkit::server_cluster::{CallError, ServerCluster};

const PHONE: &str = "+15550002";
const USER: u64 = 43;
const DAY: Duration = Duration::from_secs(86_400);
const PASSWORD: &[u8] = b"correct horse";

fn error(code: i32, message: &str) -> CallError {
    CallError {
        code,
        message: message.into(),
    }
}

fn send_code(phone: &str) -> ApiCall {
    ApiCall::SendCode(api::SendCode {
        phone_number: phone.into(),
        api_id: 4,
        api_hash: "h".into(),
        settings: api::CodeSettings::default(),
    })
}

fn resend_code(phone_code_hash: &str) -> ApiCall {
    ApiCall::ResendCode(api::ResendCode {
        phone_number: PHONE.into(),
        phone_code_hash: phone_code_hash.into(),
        reason: None,
    })
}

fn sign_in(phone_code_hash: &str, code: &str) -> ApiCall {
    ApiCall::SignIn(api::SignIn {
        phone_number: PHONE.into(),
        phone_code_hash: phone_code_hash.into(),
        phone_code: Some(code.into()),
    })
}

fn update_password(current: Option<&[u8]>, new: Option<&[u8]>) -> ApiCall {
    ApiCall::UpdatePasswordSettings(api::UpdatePasswordSettings {
        password: current.map_or(api::InputCheckPassword::Empty, |current| {
            api::InputCheckPassword::Plain(current.to_vec())
        }),
        new_settings: api::PasswordInputSettings {
            new_password: new.map(<[u8]>::to_vec),
        },
    })
}

fn check_password(password: &[u8]) -> ApiCall {
    ApiCall::CheckPassword(api::CheckPassword {
        password: api::InputCheckPassword::Plain(password.to_vec()),
    })
}

fn get_state() -> ApiCall {
    ApiCall::GetState(api::GetState)
}

/// One account on DC 1 with a phone logged in a week ago (and 2FA set from
/// it through the API when `two_factor`).
fn account_with_phone(two_factor: bool) -> (ServerCluster, usize) {
    let mut cluster = ServerCluster::new(3, Policy::default(), 11);
    cluster.add_account(1, USER, PHONE);
    let phone = cluster.add_device(1);
    cluster.login_with_code(phone, PHONE).expect("phone logs in");
    cluster.advance(7 * DAY);
    if two_factor {
        let answer = cluster.call(phone, update_password(None, Some(PASSWORD)));
        assert_eq!(answer, Ok(ApiResponse::Bool(true)));
    }
    (cluster, phone)
}

/// The last code delivered for PHONE and where it went.
fn last_code(cluster: &ServerCluster) -> (String, CodeDelivery) {
    let (_, code, delivery) = cluster
        .codes
        .iter()
        .rev()
        .find(|(to, _, _)| to == PHONE)
        .expect("a code was delivered");
    (code.clone(), delivery.clone())
}

/// A SIM-swap attacker's device asks for a code, waits out the timeout,
/// has it re-sent by SMS to the swapped SIM, and signs in with it.
/// Returns the attacker's device and its sign-in answer.
fn sim_swap(cluster: &mut ServerCluster, phone: usize) -> (usize, Result<ApiResponse, CallError>) {
    let attacker = cluster.add_device(1);
    let hash = match cluster.call(attacker, send_code(PHONE)) {
        Ok(ApiResponse::SentCode(api::SentCode::Sent {
            kind,
            phone_code_hash,
            next_type,
            timeout_s,
        })) => {
            // The phone is logged in, so the code goes there, with SMS next.
            assert_eq!(kind, api::SentCodeType::App { length: 5 });
            assert_eq!((next_type, timeout_s), (Some(api::CodeType::Sms), Some(60)));
            phone_code_hash
        }
        other => panic!("expected auth.sentCode, got {other:?}"),
    };
    let (in_app, delivery) = last_code(cluster);
    let phone_key = cluster.devices[phone].key.id();
    assert_eq!(
        delivery,
        CodeDelivery::App {
            key_ids: vec![phone_key]
        }
    );
    // The swapped SIM has nothing yet, and asking early is a flood wait.
    assert_eq!(
        cluster.call(attacker, resend_code(&hash)),
        Err(error(420, "FLOOD_WAIT_60"))
    );
    cluster.advance(Duration::from_secs(60));
    match cluster.call(attacker, resend_code(&hash)) {
        Ok(ApiResponse::SentCode(api::SentCode::Sent {
            kind,
            phone_code_hash,
            next_type,
            timeout_s,
        })) => {
            assert_eq!(kind, api::SentCodeType::Sms { length: 5 });
            assert_eq!(phone_code_hash, hash);
            assert_eq!((next_type, timeout_s), (None, None));
        }
        other => panic!("expected auth.sentCode, got {other:?}"),
    }
    // The SIM gets the very code the phone was shown.
    let (by_sms, delivery) = last_code(cluster);
    assert_eq!(delivery, CodeDelivery::Sms);
    assert_eq!(by_sms, in_app);
    let answer = cluster.call(attacker, sign_in(&hash, &by_sms));
    (attacker, answer)
}

#[test]
fn a_sim_swap_gets_the_in_app_code_by_sms_after_the_timeout_and_logs_in() {
    let (mut cluster, phone) = account_with_phone(false);
    let (attacker, answer) = sim_swap(&mut cluster, phone);
    assert!(
        matches!(answer, Ok(ApiResponse::AuthAuthorization(ref auth)) if auth.user.id == USER as i64),
        "{answer:?}"
    );
    assert!(cluster.call(attacker, get_state()).is_ok());
    assert!(cluster.call(phone, get_state()).is_ok());
}

#[test]
fn with_two_factor_the_sim_swap_still_owes_the_password() {
    let (mut cluster, phone) = account_with_phone(true);
    let (attacker, answer) = sim_swap(&mut cluster, phone);
    assert_eq!(answer, Err(error(401, "SESSION_PASSWORD_NEEDED")));
    assert_eq!(
        cluster.call(attacker, get_state()),
        Err(error(401, "SESSION_PASSWORD_NEEDED"))
    );
    assert_eq!(
        cluster.call(attacker, check_password(b"guess")),
        Err(error(400, "PASSWORD_HASH_INVALID"))
    );
    // Only whoever also knows the password gets in.
    assert!(matches!(
        cluster.call(attacker, check_password(PASSWORD)),
        Ok(ApiResponse::AuthAuthorization(_))
    ));
    assert!(cluster.call(attacker, get_state()).is_ok());
}

#[test]
fn a_code_sent_by_sms_to_an_account_without_sessions_announces_no_next_type() {
    let mut cluster = ServerCluster::new(1, Policy::default(), 12);
    cluster.add_account(1, USER, PHONE);
    let device = cluster.add_device(1);
    match cluster.call(device, send_code(PHONE)) {
        Ok(ApiResponse::SentCode(api::SentCode::Sent {
            kind,
            next_type,
            timeout_s,
            ..
        })) => {
            assert_eq!(kind, api::SentCodeType::Sms { length: 5 });
            assert_eq!((next_type, timeout_s), (None, None));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_logged_out_or_terminated_key_never_logs_in_again() {
    let (mut cluster, phone) = account_with_phone(false);
    // A copy of the phone's key (a stolen session file) and a desktop.
    let stolen = cluster.add_device_with_key(1, cluster.devices[phone].key.clone());
    let desktop = cluster.add_device(1);
    cluster.login_with_code(desktop, PHONE).expect("desktop logs in");
    assert!(cluster.call(stolen, get_state()).is_ok());
    // The phone terminates the desktop: its key is dead.
    let desktop_hash = match cluster.call(phone, ApiCall::GetAuthorizations(api::GetAuthorizations)) {
        Ok(ApiResponse::Authorizations(list)) => list
            .authorizations
            .iter()
            .find(|authorization| !authorization.current)
            .map(|authorization| authorization.hash)
            .expect("the desktop is listed"),
        other => panic!("{other:?}"),
    };
    let terminate = ApiCall::ResetAuthorization(api::ResetAuthorization { hash: desktop_hash });
    assert_eq!(cluster.call(phone, terminate), Ok(ApiResponse::Bool(true)));
    assert_eq!(
        cluster.login_with_code(desktop, PHONE),
        Err(error(401, "AUTH_KEY_UNREGISTERED"))
    );
    // The phone logs out: its key, and so the stolen copy, is dead.
    let logged_out = cluster.call(phone, ApiCall::LogOut(api::LogOut));
    assert!(matches!(logged_out, Ok(ApiResponse::LoggedOut(_))), "{logged_out:?}");
    // Every login entry point under the dead key, from either holder.
    for device in [phone, stolen] {
        assert_eq!(
            cluster.login_with_code(device, PHONE),
            Err(error(401, "AUTH_KEY_UNREGISTERED"))
        );
        assert_eq!(
            cluster.call(device, resend_code("0000000000000001")),
            Err(error(401, "AUTH_KEY_UNREGISTERED"))
        );
        let export = ApiCall::ExportLoginToken(api::ExportLoginToken {
            api_id: 4,
            api_hash: "h".into(),
            except_ids: vec![],
        });
        assert_eq!(cluster.call(device, export), Err(error(401, "AUTH_KEY_UNREGISTERED")));
        let import = ApiCall::ImportLoginToken(api::ImportLoginToken { token: vec![1; 16] });
        assert_eq!(cluster.call(device, import), Err(error(401, "AUTH_KEY_UNREGISTERED")));
        assert_eq!(
            cluster.call(device, get_state()),
            Err(error(401, "AUTH_KEY_UNREGISTERED"))
        );
    }
    let authority = cluster.server(1).authority();
    for device in [phone, desktop] {
        let key_id = cluster.devices[device].key.id();
        assert!(authority.is_key_revoked(key_id) && !authority.is_key_bound(key_id));
    }
    // A fresh key (what a client makes after a log-out) logs in as usual.
    let fresh = cluster.add_device(1);
    assert!(cluster.login_with_code(fresh, PHONE).is_ok());
}

#[test]
fn the_password_changes_through_the_api_and_other_sessions_stay() {
    let (mut cluster, phone) = account_with_phone(true);
    let stolen = cluster.add_device_with_key(1, cluster.devices[phone].key.clone());
    assert_eq!(
        cluster.call(phone, update_password(Some(b"guess"), Some(b"new"))),
        Err(error(400, "PASSWORD_HASH_INVALID"))
    );
    assert_eq!(
        cluster.call(phone, update_password(None, Some(b"new"))),
        Err(error(400, "PASSWORD_HASH_INVALID"))
    );
    assert_eq!(
        cluster.call(phone, update_password(Some(PASSWORD), Some(b"new"))),
        Ok(ApiResponse::Bool(true))
    );
    // Changing the password terminates nothing: the stolen copy still works.
    assert!(cluster.call(stolen, get_state()).is_ok());
    // The next login owes the new password.
    let laptop = cluster.add_device(1);
    assert_eq!(
        cluster.login_with_code(laptop, PHONE),
        Err(error(401, "SESSION_PASSWORD_NEEDED"))
    );
    assert_eq!(
        cluster.call(laptop, check_password(PASSWORD)),
        Err(error(400, "PASSWORD_HASH_INVALID"))
    );
    assert!(cluster.call(laptop, check_password(b"new")).is_ok());
    // Off again, with the current password.
    assert_eq!(
        cluster.call(laptop, update_password(Some(b"new"), None)),
        Ok(ApiResponse::Bool(true))
    );
    let tablet = cluster.add_device(1);
    assert!(matches!(
        cluster.login_with_code(tablet, PHONE),
        Ok(ApiResponse::AuthAuthorization(_))
    ));
}
