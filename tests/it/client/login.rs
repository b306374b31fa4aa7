//! Login rules: code (and its re-send by SMS), 2FA and changing the
//! password, future auth tokens (kept at most 20, presented at the next
//! login, skipping the code), QR login, and which commands a client in each
//! state refuses.

use super::*;
use sessionlab_proto::client::{CommandError, MAX_FUTURE_AUTH_TOKENS};
use sessionlab_proto::id::{DcId, UserId};
use sessionlab_proto::wire::api::{ApiCall, ApiRequest, LoginToken, Update, Updates};

fn logout_tokens(inbound: &Inbound) -> Option<Vec<Vec<u8>>> {
    match inbound.request.as_ref().map(ApiRequest::call) {
        Ok(ApiCall::SendCode(send_code)) => send_code.settings.logout_tokens.clone(),
        other => panic!("not auth.sendCode: {other:?}"),
    }
}

/// Log in, then log out receiving `token`.
fn log_in_and_out(world: &mut ClientHarness, token: Vec<u8>) {
    world.log_in(state(0));
    world.log_out(token);
}

#[test]
fn log_out_keeps_the_future_token_and_the_next_send_code_presents_it() {
    let mut world = ClientHarness::new();
    let old_key = world.client.auth_key_id(HOME);
    log_in_and_out(&mut world, vec![1; 8]);
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::LoggedOut { token_kept: true })
    );
    assert!(!world.client.is_logged_in() && !world.client.is_wiped());
    assert_eq!(world.client.sync_state(), None);
    // The logged-out key is dead at the server: it is gone, and the next
    // login needs a fresh one.
    assert_eq!(world.client.auth_key_id(HOME), None);
    assert_eq!(world.client.auth_key_id(MEDIA), None);
    assert_eq!(
        world
            .client
            .command(world.now, Command::SendCode { phone: PHONE.into() }),
        Err(CommandError::NoKey { dc: HOME })
    );
    world.ensure_keys();
    assert!(world.client.auth_key_id(HOME).is_some() && world.client.auth_key_id(HOME) != old_key);
    world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    assert_eq!(logout_tokens(&send_code), Some(vec![vec![1; 8]]));
    // A matching token skips the code.
    world.answer(
        &send_code,
        ApiResponse::SentCode(SentCode::Success(auth_authorization(None))),
    );
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::LoggedIn {
            user_id: UserId::from_wire(USER_ID),
        })
    );
}

#[test]
fn at_most_twenty_future_tokens_are_kept_oldest_dropped_first() {
    let mut world = ClientHarness::new();
    for index in 0..(MAX_FUTURE_AUTH_TOKENS as u8 + 2) {
        log_in_and_out(&mut world, vec![index; 4]);
    }
    let kept: Vec<Vec<u8>> = world.client.future_auth_tokens().map(<[u8]>::to_vec).collect();
    let expected: Vec<Vec<u8>> = (2..(MAX_FUTURE_AUTH_TOKENS as u8 + 2))
        .map(|index| vec![index; 4])
        .collect();
    assert_eq!(kept, expected);
}

#[test]
fn a_token_in_auth_authorization_is_kept_too() {
    let mut world = ClientHarness::new();
    let sign_in = world.request_code_and_sign_in();
    world.answer(&sign_in, authorization(Some(vec![9; 3])));
    assert_eq!(world.client.future_auth_tokens().collect::<Vec<_>>(), [&[9u8; 3][..]]);
}

#[test]
fn qr_login_exports_a_token_and_exports_again_when_it_was_accepted() {
    let mut world = ClientHarness::new();
    world.command(Command::ExportLoginToken);
    let export = world.expect_one("auth.exportLoginToken");
    world.answer(
        &export,
        ApiResponse::LoginToken(LoginToken::Token {
            expires: 1_767_225_630,
            token: vec![5; 16],
        }),
    );
    assert_eq!(
        world.events()[1..],
        [ClientEvent::LoginTokenExported {
            token: vec![5; 16],
            expires: 1_767_225_630
        }]
    );
    world.push(
        &export,
        Updates::Short {
            update: Update::LoginToken,
            date: 1_767_225_610,
        },
    );
    let again = world.expect_one("auth.exportLoginToken");
    world.answer(
        &again,
        ApiResponse::LoginToken(LoginToken::Success(auth_authorization(None))),
    );
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::LoggedIn {
            user_id: UserId::from_wire(USER_ID),
        })
    );
}

#[test]
fn update_login_token_without_an_export_is_ignored() {
    let mut world = ClientHarness::new();
    let get_state = world.log_in(state(0));
    world.push(
        &get_state,
        Updates::Short {
            update: Update::LoginToken,
            date: 0,
        },
    );
    assert!(world.pump().is_empty());
}

#[test]
fn commands_are_refused_in_the_wrong_state() {
    let mut world = ClientHarness::new();
    let now = world.now;
    let client = &mut world.client;
    assert_eq!(
        client.command(now, Command::SignIn { code: "1".into() }),
        Err(CommandError::NoCodeRequested)
    );
    for command in [
        Command::LogOut,
        Command::GetAuthorizations,
        Command::ResetAuthorizations,
        Command::GetState,
        Command::ConnectDc { dc: MEDIA },
    ] {
        assert_eq!(client.command(now, command), Err(CommandError::NotLoggedIn));
    }
    assert_eq!(client.pending_requests(), 0);
    world.log_in(state(0));
    let now = world.now;
    let client = &mut world.client;
    assert_eq!(
        client.command(now, Command::SendCode { phone: PHONE.into() }),
        Err(CommandError::AlreadyLoggedIn)
    );
    assert_eq!(
        client.command(now, Command::ExportLoginToken),
        Err(CommandError::AlreadyLoggedIn)
    );
    assert_eq!(
        client.command(now, Command::ConnectDc { dc: HOME }),
        Err(CommandError::HomeDc { dc: HOME })
    );
    assert_eq!(
        client.command(now, Command::ConnectDc { dc: DcId(5) }),
        Err(CommandError::NoKey { dc: DcId(5) })
    );
}

#[test]
fn requests_per_dc_are_bounded() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    let limit = sessionlab_proto::client::MAX_PENDING_REQUESTS_PER_DC;
    for _ in 0..limit {
        world.command(Command::GetAuthorizations);
    }
    assert_eq!(
        world.client.command(world.now, Command::GetAuthorizations),
        Err(CommandError::TooManyPending { dc: HOME })
    );
}

fn call_of(inbound: &Inbound) -> ApiCall {
    inbound
        .request
        .as_ref()
        .map(|request| request.call().clone())
        .expect("a decoded request")
}

#[test]
fn resend_code_asks_for_the_pending_code_by_sms_and_reports_it() {
    use sessionlab_proto::wire::api::CodeType;
    let mut world = ClientHarness::new();
    assert_eq!(
        world.client.command(world.now, Command::ResendCode),
        Err(CommandError::NoCodeRequested)
    );
    world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    world.answer(
        &send_code,
        ApiResponse::SentCode(SentCode::Sent {
            kind: SentCodeType::App { length: 5 },
            phone_code_hash: "hash-app".into(),
            next_type: Some(CodeType::Sms),
            timeout_s: Some(60),
        }),
    );
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::CodeSent {
            kind: SentCodeType::App { length: 5 },
            next_type: Some(CodeType::Sms),
            timeout_s: Some(60),
        })
    );
    world.command(Command::ResendCode);
    let resend = world.expect_one("auth.resendCode");
    match call_of(&resend) {
        ApiCall::ResendCode(call) => {
            assert_eq!(call.phone_number, PHONE);
            assert_eq!(call.phone_code_hash, "hash-app");
            assert_eq!(call.reason, None);
        }
        other => panic!("{other:?}"),
    }
    world.answer(
        &resend,
        ApiResponse::SentCode(SentCode::Sent {
            kind: SentCodeType::Sms { length: 5 },
            phone_code_hash: "hash-sms".into(),
            next_type: None,
            timeout_s: None,
        }),
    );
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::CodeSent {
            kind: SentCodeType::Sms { length: 5 },
            next_type: None,
            timeout_s: None,
        })
    );
    // The sign-in echoes the hash of the latest answer.
    world.command(Command::SignIn { code: "12345".into() });
    let sign_in = world.expect_one("auth.signIn");
    assert!(matches!(call_of(&sign_in), ApiCall::SignIn(call) if call.phone_code_hash == "hash-sms"));
    world.answer(&sign_in, authorization(None));
    assert!(world.client.is_logged_in());
    // The login is over: there is no pending code any more (as for SignIn).
    assert_eq!(
        world.client.command(world.now, Command::ResendCode),
        Err(CommandError::NoCodeRequested)
    );
}

#[test]
fn a_refused_resend_is_a_failed_request_and_the_login_goes_on() {
    let mut world = ClientHarness::new();
    world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    world.answer(&send_code, sent_code());
    world.events();
    world.command(Command::ResendCode);
    let resend = world.expect_one("auth.resendCode");
    world.fail(&resend, 420, "FLOOD_WAIT_42");
    assert!(matches!(
        world.events()[..],
        [ClientEvent::RequestFailed { code: 420, ref message, .. }] if message == "FLOOD_WAIT_42"
    ));
    world.command(Command::SignIn { code: "12345".into() });
    world.expect_one("auth.signIn");
}

#[test]
fn update_password_maps_current_and_new_and_reports_the_result() {
    use sessionlab_proto::client::Password;
    use sessionlab_proto::wire::api::InputCheckPassword;
    let mut world = ClientHarness::new();
    let enable = Command::UpdatePassword {
        current: None,
        new: Some(Password(b"secret".to_vec())),
    };
    assert!(
        !format!("{enable:?}").contains("secret"),
        "commands never show a password"
    );
    assert_eq!(
        world.client.command(world.now, enable.clone()),
        Err(CommandError::NotLoggedIn)
    );
    world.log_in(state(0));
    world.command(enable);
    let request = world.expect_one("account.updatePasswordSettings");
    match call_of(&request) {
        ApiCall::UpdatePasswordSettings(call) => {
            assert_eq!(call.password, InputCheckPassword::Empty);
            assert_eq!(call.new_settings.new_password, Some(b"secret".to_vec()));
        }
        other => panic!("{other:?}"),
    }
    world.answer(&request, ApiResponse::Bool(true));
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::PasswordUpdated { enabled: true })
    );
    // A wrong current password is a failed request; nothing is wiped.
    world.command(Command::UpdatePassword {
        current: Some(Password(b"guess".to_vec())),
        new: None,
    });
    let wrong = world.expect_one("account.updatePasswordSettings");
    world.fail(&wrong, 400, "PASSWORD_HASH_INVALID");
    assert!(matches!(
        world.events()[..],
        [ClientEvent::RequestFailed { code: 400, .. }]
    ));
    assert!(world.client.is_logged_in());
    world.command(Command::UpdatePassword {
        current: Some(Password(b"secret".to_vec())),
        new: None,
    });
    let disable = world.expect_one("account.updatePasswordSettings");
    match call_of(&disable) {
        ApiCall::UpdatePasswordSettings(call) => {
            assert_eq!(call.password, InputCheckPassword::Plain(b"secret".to_vec()));
            assert_eq!(call.new_settings.new_password, None);
        }
        other => panic!("{other:?}"),
    }
    world.answer(&disable, ApiResponse::Bool(true));
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::PasswordUpdated { enabled: false })
    );
}
