//! The login state's transitions, one rule a test.

use super::state::{CodeLogin, LoginAttempt, LoginState};
use crate::client::event::WipeReason;
use crate::wire::api::User;

const PHONE: &str = "+351912345678";
const OTHER_PHONE: &str = "+351912345679";

fn user() -> User {
    User {
        is_self: true,
        id: 7,
        phone: Some(PHONE.to_string()),
    }
}

fn code_sent(phone: &str, phone_code_hash: &str) -> LoginState {
    LoginState::default()
        .code_requested(phone.to_string())
        .code_sent(phone_code_hash.to_string())
}

fn logged_in() -> LoginState {
    LoginState::default().logged_in(user())
}

fn wiped() -> LoginState {
    logged_in().wiped(WipeReason::SessionRevoked)
}

#[test]
fn a_new_client_is_logged_out_with_nothing_under_way() {
    let state = LoginState::default();
    assert_eq!(state, LoginState::LoggedOut(LoginAttempt::default()));
    assert!(!state.is_logged_in() && state.user().is_none());
    assert_eq!(state.wipe_reason(), None);
    assert!(!state.is_password_needed() && !state.is_qr_exported());
    assert_eq!(state.sent_code(), None);
}

#[test]
fn a_code_can_be_signed_in_with_once_its_hash_came_back() {
    let requested = LoginState::default().code_requested(PHONE.to_string());
    assert_eq!(requested.sent_code(), None, "no hash yet");
    let sent = requested.code_sent("hash-1".to_string());
    assert_eq!(sent.sent_code(), Some((PHONE, "hash-1")));
    // auth.resendCode's answer replaces the hash.
    let resent = sent.code_sent("hash-2".to_string());
    assert_eq!(resent.sent_code(), Some((PHONE, "hash-2")));
}

#[test]
fn a_new_send_code_keeps_the_earlier_hash_until_its_answer() {
    let again = code_sent(PHONE, "hash-1").code_requested(OTHER_PHONE.to_string());
    assert_eq!(again.sent_code(), Some((OTHER_PHONE, "hash-1")));
    let answered = again.code_sent("hash-2".to_string());
    assert_eq!(answered.sent_code(), Some((OTHER_PHONE, "hash-2")));
}

#[test]
fn a_sent_code_without_a_request_is_ignored() {
    let state = LoginState::default().code_sent("hash".to_string());
    assert_eq!(state, LoginState::default());
    let answered = logged_in().code_sent("hash".to_string());
    assert_eq!(answered, logged_in());
}

#[test]
fn the_password_is_asked_for_after_a_code_and_keeps_it() {
    let state = code_sent(PHONE, "hash").password_needed();
    assert!(state.is_password_needed() && !state.is_logged_in());
    assert_eq!(state.sent_code(), Some((PHONE, "hash")));
    // Still asked for after a new code is requested.
    let again = state.code_requested(OTHER_PHONE.to_string());
    assert!(again.is_password_needed());
    assert_eq!(again.sent_code(), Some((OTHER_PHONE, "hash")));
}

#[test]
fn qr_and_code_logins_run_side_by_side() {
    let state = LoginState::default()
        .qr_exported()
        .code_requested(PHONE.to_string())
        .code_sent("hash".to_string())
        .password_needed();
    assert_eq!(
        state,
        LoginState::LoggedOut(LoginAttempt {
            code: CodeLogin::Sent {
                phone: PHONE.to_string(),
                phone_code_hash: "hash".to_string(),
            },
            qr_exported: true,
            password_needed: true,
        })
    );
    assert!(state.is_qr_exported());
}

#[test]
fn logging_in_ends_the_attempt_and_a_wipe() {
    let from_attempt = code_sent(PHONE, "hash").qr_exported().password_needed();
    let from_wipe = wiped().code_requested(PHONE.to_string());
    for state in [from_attempt, from_wipe] {
        let state = state.logged_in(user());
        assert_eq!(state, logged_in());
        assert_eq!(state.user(), Some(&user()));
        assert!(!state.is_password_needed() && !state.is_qr_exported());
        assert_eq!(state.sent_code(), None);
        assert_eq!(state.wipe_reason(), None);
    }
}

#[test]
fn login_steps_do_not_touch_a_logged_in_client() {
    let stepped = logged_in()
        .code_requested(PHONE.to_string())
        .qr_exported()
        .code_sent("hash".to_string());
    assert_eq!(stepped, logged_in());
}

#[test]
fn a_password_request_after_the_login_is_reported_until_the_account_is_left() {
    let state = logged_in().password_needed();
    assert!(state.is_logged_in() && state.is_password_needed());
    let left = state.account_left();
    assert_eq!(left, LoginState::default());
}

#[test]
fn only_a_logged_in_client_is_wiped() {
    let state = wiped();
    assert_eq!(state.wipe_reason(), Some(WipeReason::SessionRevoked));
    assert!(!state.is_logged_in());
    // A second 401 changes nothing; nor does one to a logged-out client.
    assert_eq!(state.clone().wiped(WipeReason::UserDeactivated), state);
    let attempt = code_sent(PHONE, "hash");
    assert_eq!(attempt.clone().wiped(WipeReason::SessionExpired), attempt);
}

#[test]
fn a_wipe_is_remembered_while_a_new_login_is_under_way() {
    let state = wiped().qr_exported().code_requested(PHONE.to_string());
    assert_eq!(state.wipe_reason(), Some(WipeReason::SessionRevoked));
    assert!(state.is_qr_exported());
    // Leaving (a late auth.loggedOut) forgets the attempt, not the wipe.
    let left = state.account_left();
    assert_eq!(
        left,
        LoginState::Wiped {
            reason: WipeReason::SessionRevoked,
            attempt: LoginAttempt::default(),
        }
    );
}

#[test]
fn logging_out_forgets_the_account_and_the_attempt() {
    assert_eq!(logged_in().account_left(), LoginState::default());
    assert_eq!(code_sent(PHONE, "hash").account_left(), LoginState::default());
}

#[test]
fn a_session_file_logs_in_as_its_user_or_not_at_all() {
    assert_eq!(LoginState::from_user(Some(user())), logged_in());
    assert_eq!(LoginState::from_user(None), LoginState::default());
}
