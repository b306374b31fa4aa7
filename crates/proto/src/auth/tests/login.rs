//! Login rules: code delivery, invalid/expired codes, flood limits, 2FA,
//! confirmation of new logins, log-out and future auth tokens.

use crate::id::{AuthKeyId, AuthorizationHash};
use std::time::Duration;

use super::*;
use crate::auth::events::{CodeDelivery, CreatedVia, Notification, RevocationCause};
use crate::auth::login::{SentCode, SignIn};
use crate::auth::{AuthRejection, RpcError};

const NO_TOKENS: [[u8; 32]; 0] = [];

pub(super) fn send(world: &mut AuthFixture, key: AuthKeyId, tokens: &[[u8; 32]]) -> Result<SentCode, RpcError> {
    let now = world.now;
    world
        .cluster
        .dc(HOME)
        .send_code(now, key, PHONE, tokens, &info("Pixel 8"), &mut world.rng)
}

fn sign_in(world: &mut AuthFixture, key: AuthKeyId, hash: u64, code: &str) -> Result<LoginResult, RpcError> {
    let now = world.now;
    let phone_info = info("Pixel 8");
    let request = SignIn {
        phone: PHONE,
        phone_code_hash: hash,
        code,
        info: &phone_info,
    };
    world.cluster.dc(HOME).sign_in(now, key, &request, &mut world.rng)
}

fn code_hash(sent: SentCode) -> u64 {
    match sent {
        SentCode::Code { phone_code_hash, .. } => phone_code_hash,
        SentCode::Success(result) => panic!("unexpected success {result:?}"),
    }
}

fn wrong(code: &str) -> String {
    let digit = if code.starts_with('0') { '1' } else { '0' };
    format!("{digit}{}", code.get(1..).unwrap_or_default())
}

#[test]
fn code_goes_by_sms_without_sessions_and_in_app_to_logged_in_keys() {
    let mut world = AuthFixture::new(Policy::default());
    match send(&mut world, AuthKeyId::new(1), &NO_TOKENS) {
        Ok(SentCode::Code { delivery, .. }) => assert_eq!(delivery, CodeDelivery::Sms),
        other => panic!("{other:?}"),
    }
    world.login(AuthKeyId::new(1), "Pixel 8");
    match send(&mut world, AuthKeyId::new(2), &NO_TOKENS) {
        Ok(SentCode::Code { delivery, .. }) => assert_eq!(
            delivery,
            CodeDelivery::App {
                key_ids: vec![AuthKeyId::new(1)]
            }
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_fixed_login_code_is_the_code_and_draws_as_a_random_one_does() {
    let fixed = Policy {
        fixed_login_code: Some(42),
        ..Policy::default()
    };
    let mut pinned = AuthFixture::new(fixed);
    let mut random = AuthFixture::new(Policy::default());
    let pinned_hash = code_hash(send(&mut pinned, AuthKeyId::new(1), &NO_TOKENS).expect("sent"));
    let random_hash = code_hash(send(&mut random, AuthKeyId::new(1), &NO_TOKENS).expect("sent"));
    assert_eq!(pinned_hash, random_hash, "the same draws either way");
    pinned.pump();
    let user_id = pinned.home().user_of_phone(PHONE).expect("the account");
    assert_eq!(pinned.cluster.last_code(user_id).as_deref(), Some("00042"));
    assert!(sign_in(&mut pinned, AuthKeyId::new(1), pinned_hash, "00042").is_ok());
    assert_eq!(
        Policy {
            fixed_login_code: Some(100_000),
            ..Policy::default()
        }
        .validate(),
        Err(crate::auth::policy::PolicyError::LoginCode(100_000))
    );
}

#[test]
fn a_number_typed_without_plus_or_with_spaces_is_the_same_account() {
    for typed in ["15550001", "+1 555 0001", "+1-555-0001"] {
        let mut world = AuthFixture::new(Policy::default());
        let now = world.now;
        let sent = world.home().send_code(
            now,
            AuthKeyId::new(1),
            typed,
            &NO_TOKENS,
            &info("x"),
            &mut ChaCha8Rng::seed_from_u64(1),
        );
        assert!(matches!(sent, Ok(SentCode::Code { .. })), "{typed}: {sent:?}");
        world.pump();
        let user_id = world.home().user_of_phone(typed).expect("found by any spelling");
        assert_eq!(world.home().user_of_phone(PHONE), Some(user_id));
        let delivered: Vec<&str> = world
            .cluster
            .outside
            .iter()
            .filter_map(|(_, effect)| match effect {
                Effect::DeliverCode { phone, .. } => Some(phone.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(delivered, [PHONE], "the SMS goes to the number as registered");
    }
    let mut world = AuthFixture::new(Policy::default());
    assert_eq!(
        world.home().register_account(crate::id::UserId::new(77), "+ -"),
        Err(RpcError::PhoneNumberInvalid),
        "no digits, no number"
    );
    assert_eq!(
        world.home().register_account(crate::id::UserId::new(78), "1555 0001"),
        Err(RpcError::PhoneNumberOccupied),
        "the same digits are the same number"
    );
}

#[test]
fn unknown_phone_is_unoccupied() {
    let mut world = AuthFixture::new(Policy::default());
    let now = world.now;
    let result = world.home().send_code(
        now,
        AuthKeyId::new(1),
        "+999",
        &NO_TOKENS,
        &info("x"),
        &mut ChaCha8Rng::seed_from_u64(1),
    );
    assert_eq!(result, Err(RpcError::PhoneNumberUnoccupied));
}

#[test]
fn wrong_code_is_invalid_then_flood_wait_after_the_limit() {
    let policy = Policy {
        max_sign_in_attempts: 3,
        flood_wait: Duration::from_secs(600),
        ..Policy::default()
    };
    let mut world = AuthFixture::new(policy);
    let hash = code_hash(send(&mut world, AuthKeyId::new(1), &NO_TOKENS).expect("sent"));
    world.pump();
    let code = world.cluster.last_code(USER).expect("code");
    assert_eq!(
        sign_in(&mut world, AuthKeyId::new(1), hash, &wrong(&code)),
        Err(RpcError::PhoneCodeInvalid)
    );
    assert_eq!(
        sign_in(&mut world, AuthKeyId::new(1), hash, &wrong(&code)),
        Err(RpcError::PhoneCodeInvalid)
    );
    assert_eq!(
        sign_in(&mut world, AuthKeyId::new(1), hash, &wrong(&code)),
        Err(RpcError::FloodWait { seconds: 600 })
    );
    // The right code no longer helps, and no new code can be asked for.
    assert_eq!(
        sign_in(&mut world, AuthKeyId::new(1), hash, &code),
        Err(RpcError::FloodWait { seconds: 600 })
    );
    world.advance(Duration::from_secs(100));
    assert_eq!(
        send(&mut world, AuthKeyId::new(1), &NO_TOKENS),
        Err(RpcError::FloodWait { seconds: 500 })
    );
    world.advance(Duration::from_secs(500));
    let hash = code_hash(send(&mut world, AuthKeyId::new(1), &NO_TOKENS).expect("sent after the wait"));
    world.pump();
    let code = world.cluster.last_code(USER).expect("code");
    assert!(matches!(
        sign_in(&mut world, AuthKeyId::new(1), hash, &code),
        Ok(LoginResult::Authorized { .. })
    ));
}

#[test]
fn expired_code_and_code_of_another_key_are_expired() {
    let mut world = AuthFixture::new(Policy::default());
    let hash = code_hash(send(&mut world, AuthKeyId::new(1), &NO_TOKENS).expect("sent"));
    world.pump();
    let code = world.cluster.last_code(USER).expect("code");
    assert_eq!(
        sign_in(&mut world, AuthKeyId::new(2), hash, &code),
        Err(RpcError::PhoneCodeExpired)
    );
    world.now = world.now + Duration::from_secs(300);
    assert_eq!(
        sign_in(&mut world, AuthKeyId::new(1), hash, &code),
        Err(RpcError::PhoneCodeExpired)
    );
}

#[test]
fn pending_codes_per_account_are_bounded_oldest_dropped() {
    let mut world = AuthFixture::new(Policy::default());
    let first = code_hash(send(&mut world, AuthKeyId::new(1), &NO_TOKENS).expect("sent"));
    world.pump();
    let first_code = world.cluster.last_code(USER).expect("code");
    for key in 2..=crate::auth::limits::MAX_PENDING_CODES_PER_ACCOUNT as u64 + 1 {
        send(&mut world, AuthKeyId::new(key), &NO_TOKENS).expect("sent");
    }
    assert_eq!(
        sign_in(&mut world, AuthKeyId::new(1), first, &first_code),
        Err(RpcError::PhoneCodeExpired)
    );
}

#[test]
fn second_login_is_unconfirmed_and_announced_to_the_others() {
    let mut world = AuthFixture::new(Policy::default());
    let first = world.login(AuthKeyId::new(1), "Pixel 8");
    world.take_outside();
    let second = world.login(AuthKeyId::new(2), "ThinkPad");
    let account = world.home().account(USER).expect("account");
    let flags: Vec<(AuthorizationHash, bool)> = account.authorizations().map(|a| (a.hash, a.unconfirmed)).collect();
    assert_eq!(flags, vec![(first, false), (second, true)]);
    let notified: Vec<AuthKeyId> = world
        .take_outside()
        .into_iter()
        .filter_map(|(_, effect)| match effect {
            Effect::Notify {
                key_id,
                notification:
                    Notification::NewAuthorization {
                        hash,
                        unconfirmed: true,
                        ..
                    },
            } => {
                assert_eq!(hash, AuthorizationHash::new(second.get()));
                Some(key_id)
            }
            _ => None,
        })
        .collect();
    assert_eq!(notified, vec![AuthKeyId(1)]);
}

#[test]
fn without_notify_new_login_logins_start_confirmed_and_silent() {
    let mut world = AuthFixture::new(Policy {
        notify_new_login: false,
        ..Policy::default()
    });
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.take_outside();
    world.login(AuthKeyId::new(2), "ThinkPad");
    assert!(world
        .home()
        .account(USER)
        .expect("account")
        .authorizations()
        .all(|a| !a.unconfirmed));
    let notes = world
        .take_outside()
        .into_iter()
        .filter(|(_, e)| matches!(e, Effect::Notify { .. }))
        .count();
    assert_eq!(notes, 0);
}

#[test]
fn two_factor_keeps_the_authorization_pending_until_the_password() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    world
        .home()
        .update_password(
            now,
            AuthKeyId::new(1),
            None,
            Some(b"pw"),
            &mut ChaCha8Rng::seed_from_u64(3),
        )
        .expect("2FA on");
    let result = world.try_login(AuthKeyId::new(2), "ThinkPad").expect("code accepted");
    assert_eq!(result.rpc_error(), Some(RpcError::SessionPasswordNeeded));
    assert_eq!(
        world.auth(HOME, AuthKeyId::new(2)),
        Err(RpcError::SessionPasswordNeeded)
    );
    world.take_outside();
    assert_eq!(
        world.home().check_password(now, AuthKeyId::new(2), b"nope"),
        Err(RpcError::PasswordHashInvalid)
    );
    assert!(matches!(
        world.home().check_password(now, AuthKeyId::new(2), b"pw"),
        Ok(LoginResult::Authorized { .. })
    ));
    assert!(world.auth(HOME, AuthKeyId::new(2)).is_ok());
    // Announced only once the password was given.
    let notes = world
        .take_outside()
        .into_iter()
        .filter(|(_, e)| matches!(e, Effect::Notify { .. }))
        .count();
    assert_eq!(notes, 1);
    assert_eq!(
        world.home().check_password(now, AuthKeyId::new(2), b"pw"),
        Err(RpcError::AccountStateInvalid)
    );
}

#[test]
fn changing_the_password_needs_the_current_one() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    world
        .home()
        .update_password(now, AuthKeyId::new(1), None, Some(b"one"), &mut rng)
        .expect("on");
    assert_eq!(
        world
            .home()
            .update_password(now, AuthKeyId::new(1), None, Some(b"two"), &mut rng),
        Err(RpcError::PasswordHashInvalid)
    );
    world
        .home()
        .update_password(now, AuthKeyId::new(1), Some(b"one"), None, &mut rng)
        .expect("off");
    assert!(!world.home().account(USER).expect("account").has_password());
    assert_eq!(
        world
            .home()
            .update_password(now, AuthKeyId::new(1), None, Some(b""), &mut rng),
        Err(RpcError::PasswordTooLong)
    );
}

#[test]
fn log_out_ends_the_key_and_its_future_token_skips_the_code_once() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    let token = world
        .home()
        .log_out(now, AuthKeyId::new(1), &mut ChaCha8Rng::seed_from_u64(5))
        .expect("logout")
        .expect("token");
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::AuthKeyUnregistered));
    let events = world.take_events();
    assert!(events.iter().any(|e| matches!(
        e,
        AuthEventKind::AuthorizationRevoked {
            cause: RevocationCause::Logout,
            ..
        }
    )));
    match send(&mut world, AuthKeyId::new(3), &[token]) {
        Ok(SentCode::Success(LoginResult::Authorized { .. })) => {}
        other => panic!("{other:?}"),
    }
    assert!(world.auth(HOME, AuthKeyId::new(3)).is_ok());
    let created = world.take_events().into_iter().any(|e| {
        matches!(
            e,
            AuthEventKind::AuthorizationCreated {
                key_id: AuthKeyId(3),
                via: CreatedVia::FutureToken,
                ..
            }
        )
    });
    assert!(created);
    // Used up: the next login with it needs a code.
    assert!(matches!(
        send(&mut world, AuthKeyId::new(4), &[token]),
        Ok(SentCode::Code { .. })
    ));
}

#[test]
fn future_tokens_are_capped_and_never_skip_two_factor() {
    let mut world = AuthFixture::new(Policy::default());
    let mut tokens = Vec::new();
    for key in 1..=22u64 {
        world.login(AuthKeyId::new(key), "Pixel 8");
        let now = world.now;
        tokens.push(
            world
                .home()
                .log_out(now, AuthKeyId::new(key), &mut ChaCha8Rng::seed_from_u64(key))
                .expect("out")
                .expect("token"),
        );
    }
    assert_eq!(world.home().account(USER).expect("account").future_token_count(), 20);
    // The two oldest were dropped.
    assert!(matches!(
        send(&mut world, AuthKeyId::new(100), &tokens[..2]),
        Ok(SentCode::Code { .. })
    ));
    world.login(AuthKeyId::new(50), "Pixel 8");
    let now = world.now;
    world
        .home()
        .update_password(
            now,
            AuthKeyId::new(50),
            None,
            Some(b"pw"),
            &mut ChaCha8Rng::seed_from_u64(1),
        )
        .expect("2FA");
    match send(&mut world, AuthKeyId::new(101), &tokens[5..6]) {
        Ok(SentCode::Success(result)) => assert_eq!(result.rpc_error(), Some(RpcError::SessionPasswordNeeded)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn authenticate_rejects_unknown_keys_and_bumps_activity() {
    let mut world = AuthFixture::new(Policy::default());
    let now = world.now;
    assert_eq!(
        world.home().authenticate(now, AuthKeyId::new(42)),
        Err(AuthRejection::KeyUnregistered)
    );
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.now = world.now + Duration::from_secs(3600);
    let now = world.now;
    let handle = world.home().authenticate(now, AuthKeyId::new(1)).expect("accepted");
    assert_eq!(handle.user_id, USER);
    let account = world.home().account(USER).expect("account");
    assert_eq!(account.authorizations().next().map(|a| a.date_active), Some(now));
    let kinds = world.take_events();
    assert!(kinds.contains(&AuthEventKind::RequestAccepted { handle }));
    assert!(kinds.contains(&AuthEventKind::RequestRejected {
        key_id: AuthKeyId::new(42),
        rejection: AuthRejection::KeyUnregistered
    }));
}

#[test]
fn a_bound_key_cannot_log_in_again() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    assert_eq!(
        send(&mut world, AuthKeyId::new(1), &NO_TOKENS),
        Err(RpcError::KeyAlreadyAuthorized)
    );
}

#[test]
fn peek_answers_like_authenticate_without_side_effects() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.take_events();
    let created = world.now;
    world.now = world.now + Duration::from_secs(60);
    let now = world.now;
    assert_eq!(world.home().peek(now, AuthKeyId::new(1)).map(|h| h.user_id), Ok(USER));
    assert_eq!(
        world.home().peek(now, AuthKeyId::new(2)),
        Err(AuthRejection::KeyUnregistered)
    );
    let account = world.home().account(USER).expect("account");
    assert_eq!(account.authorizations().next().map(|a| a.date_active), Some(created));
    assert!(world.take_events().is_empty());
}

#[test]
fn a_temp_key_cannot_log_in_as_a_permanent_key() {
    let mut world = AuthFixture::new(Policy::default());
    let now = world.now;
    world
        .home()
        .register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(9), now + DAY)
        .expect("bind before login");
    assert_eq!(
        send(&mut world, AuthKeyId::new(9), &NO_TOKENS),
        Err(RpcError::KeyAlreadyAuthorized)
    );
    // Logging in under the temp key means logging in the permanent key it resolves to.
    assert_eq!(world.home().resolve_key(now, AuthKeyId::new(9)), AuthKeyId::new(1));
    world.login(AuthKeyId::new(1), "Pixel 8");
    assert_eq!(world.auth(HOME, AuthKeyId::new(9)).map(|_| ()), Ok(()));
}
