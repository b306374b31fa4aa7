//! `auth.resendCode` rules: an in-app code may be sent by SMS once the
//! policy's timeout has passed; the same code goes to the SIM; FLOOD_WAIT
//! before the timeout; a bounded number of re-sends; unknown, expired and
//! other keys' hashes are expired; the login completes with the SMS.

use crate::id::AuthKeyId;
use std::time::Duration;

use super::*;
use crate::auth::events::CodeDelivery;
use crate::auth::limits::MAX_CODE_RESENDS;
use crate::auth::login::{SentCode, SignIn};
use crate::auth::RpcError;

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

fn send(world: &mut AuthFixture, key: AuthKeyId) -> SentCode {
    let now = world.now;
    let no_tokens: [[u8; 32]; 0] = [];
    world
        .cluster
        .dc(HOME)
        .send_code(now, key, PHONE, &no_tokens, &info("Laptop"), &mut world.rng)
        .expect("code sent")
}

fn resend(world: &mut AuthFixture, key: AuthKeyId, hash: u64) -> Result<SentCode, RpcError> {
    let now = world.now;
    world.cluster.dc(HOME).resend_code(now, key, PHONE, hash)
}

fn hash_of(sent: &SentCode) -> u64 {
    match sent {
        SentCode::Code { phone_code_hash, .. } => *phone_code_hash,
        SentCode::Success(result) => panic!("unexpected success {result:?}"),
    }
}

/// Codes delivered since the last call, with where they went.
fn deliveries(world: &mut AuthFixture) -> Vec<(String, CodeDelivery)> {
    world
        .take_outside()
        .into_iter()
        .filter_map(|(_, effect)| match effect {
            Effect::DeliverCode { code, delivery, .. } => Some((code, delivery)),
            _ => None,
        })
        .collect()
}

/// The owner's phone (key 1) logged in; key 2 asked for a code, which went
/// in-app. Returns the code's hash and the code the phone was shown.
fn in_app_code(world: &mut AuthFixture) -> (u64, String) {
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.take_outside();
    let sent = send(world, AuthKeyId::new(2));
    let hash = hash_of(&sent);
    let delivered = deliveries(world);
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        delivered[0].1,
        CodeDelivery::App {
            key_ids: vec![AuthKeyId::new(1)]
        }
    );
    (hash, delivered[0].0.clone())
}

#[test]
fn an_in_app_code_announces_sms_after_the_policy_timeout_and_an_sms_code_does_not() {
    let mut world = AuthFixture::new(Policy::default());
    match send(&mut world, AuthKeyId::new(1)) {
        SentCode::Code {
            delivery: CodeDelivery::Sms,
            sms_from: None,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    world.login(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    match send(&mut world, AuthKeyId::new(2)) {
        SentCode::Code {
            delivery: CodeDelivery::App { .. },
            sms_from,
            ..
        } => assert_eq!(sms_from, Some(now + MINUTE)),
        other => panic!("{other:?}"),
    }
    let mut short = AuthFixture::new(Policy {
        resend_code_after: Duration::from_secs(10),
        ..Policy::default()
    });
    short.login(AuthKeyId::new(1), "Pixel 8");
    let now = short.now;
    assert!(matches!(
        send(&mut short, AuthKeyId::new(2)),
        SentCode::Code { sms_from: Some(at), .. } if at == now + Duration::from_secs(10)
    ));
}

#[test]
fn before_the_timeout_a_resend_is_flood_wait_with_the_seconds_left() {
    let mut world = AuthFixture::new(Policy::default());
    let (hash, _) = in_app_code(&mut world);
    assert_eq!(
        resend(&mut world, AuthKeyId::new(2), hash),
        Err(RpcError::FloodWait { seconds: 60 })
    );
    world.advance(Duration::from_millis(59_500));
    assert_eq!(
        resend(&mut world, AuthKeyId::new(2), hash),
        Err(RpcError::FloodWait { seconds: 1 })
    );
    assert!(deliveries(&mut world).is_empty(), "nothing was sent");
    // A refused resend is no failed sign-in attempt: the account is not flooded.
    assert!(world.home().account(USER).is_some_and(|a| a.flood_until.is_none()));
}

#[test]
fn after_the_timeout_the_same_code_goes_to_the_sim_and_signs_in() {
    let mut world = AuthFixture::new(Policy::default());
    let (hash, shown_in_app) = in_app_code(&mut world);
    world.advance(MINUTE);
    let sent = resend(&mut world, AuthKeyId::new(2), hash).expect("resent");
    assert!(matches!(
        sent,
        SentCode::Code {
            phone_code_hash,
            delivery: CodeDelivery::Sms,
            sms_from: None,
            ..
        } if phone_code_hash == hash
    ));
    let delivered = deliveries(&mut world);
    assert_eq!(delivered, vec![(shown_in_app.clone(), CodeDelivery::Sms)]);
    assert!(world.take_events().iter().any(|event| matches!(
        event,
        AuthEventKind::CodeResent {
            user_id: USER,
            key_id: AuthKeyId(2),
            resends: 1
        }
    )));
    let now = world.now;
    let laptop = info("Laptop");
    let request = SignIn {
        phone: PHONE,
        phone_code_hash: hash,
        code: &shown_in_app,
        info: &laptop,
    };
    assert!(matches!(
        world
            .home()
            .sign_in(now, AuthKeyId::new(2), &request, &mut ChaCha8Rng::seed_from_u64(4)),
        Ok(LoginResult::Authorized { .. })
    ));
}

#[test]
fn resends_are_spaced_by_the_timeout_and_bounded() {
    let mut world = AuthFixture::new(Policy::default());
    let (hash, code) = in_app_code(&mut world);
    for round in 1..=MAX_CODE_RESENDS {
        world.advance(MINUTE);
        assert!(resend(&mut world, AuthKeyId::new(2), hash).is_ok(), "resend {round}");
        if round < MAX_CODE_RESENDS {
            assert_eq!(
                resend(&mut world, AuthKeyId::new(2), hash),
                Err(RpcError::FloodWait { seconds: 60 })
            );
        }
    }
    // Past the bound the answer is final, whatever the time.
    assert_eq!(
        resend(&mut world, AuthKeyId::new(2), hash),
        Err(RpcError::SendCodeUnavailable)
    );
    world.advance(MINUTE);
    assert_eq!(
        resend(&mut world, AuthKeyId::new(2), hash),
        Err(RpcError::SendCodeUnavailable)
    );
    let sms: Vec<_> = deliveries(&mut world)
        .into_iter()
        .filter(|(_, delivery)| *delivery == CodeDelivery::Sms)
        .collect();
    assert_eq!(sms.len(), MAX_CODE_RESENDS as usize);
    assert!(sms.iter().all(|(sent, _)| *sent == code), "always the same code");
}

#[test]
fn an_sms_code_may_be_sent_again_by_sms() {
    let mut world = AuthFixture::new(Policy::default());
    let hash = hash_of(&send(&mut world, AuthKeyId::new(1)));
    let first = deliveries(&mut world);
    world.advance(MINUTE + SECOND);
    assert!(resend(&mut world, AuthKeyId::new(1), hash).is_ok());
    assert_eq!(deliveries(&mut world), first);
}

#[test]
fn unknown_expired_and_other_keys_hashes_are_expired() {
    let mut world = AuthFixture::new(Policy::default());
    let (hash, _) = in_app_code(&mut world);
    world.advance(MINUTE);
    assert_eq!(
        resend(&mut world, AuthKeyId::new(2), hash ^ 1),
        Err(RpcError::PhoneCodeExpired)
    );
    assert_eq!(
        resend(&mut world, AuthKeyId::new(3), hash),
        Err(RpcError::PhoneCodeExpired)
    );
    let now = world.now;
    assert_eq!(
        world.home().resend_code(now, AuthKeyId::new(2), "+10000000", hash),
        Err(RpcError::PhoneNumberUnoccupied)
    );
    // The code lives 300 s from its first delivery; a resend does not extend it.
    world.advance(Duration::from_secs(240));
    assert_eq!(
        resend(&mut world, AuthKeyId::new(2), hash),
        Err(RpcError::PhoneCodeExpired)
    );
    assert!(deliveries(&mut world).is_empty());
}

#[test]
fn authorized_and_revoked_keys_cannot_resend() {
    let mut world = AuthFixture::new(Policy::default());
    let (hash, _) = in_app_code(&mut world);
    world.advance(MINUTE);
    // The phone's own key is authorized: it has nothing to log in.
    assert_eq!(
        resend(&mut world, AuthKeyId::new(1), hash),
        Err(RpcError::KeyAlreadyAuthorized)
    );
    let now = world.now;
    world
        .home()
        .log_out(now, AuthKeyId::new(1), &mut ChaCha8Rng::seed_from_u64(6))
        .expect("log out");
    assert_eq!(
        resend(&mut world, AuthKeyId::new(1), hash),
        Err(RpcError::AuthKeyUnregistered)
    );
}

#[test]
fn a_flooded_account_cannot_resend() {
    let mut world = AuthFixture::new(Policy::default());
    let (hash, code) = in_app_code(&mut world);
    let laptop = info("Laptop");
    let wrong = if code.starts_with('0') { "11111" } else { "00000" };
    for _ in 0..Policy::default().max_sign_in_attempts {
        let now = world.now;
        let request = SignIn {
            phone: PHONE,
            phone_code_hash: hash,
            code: wrong,
            info: &laptop,
        };
        let _ = world
            .home()
            .sign_in(now, AuthKeyId::new(2), &request, &mut ChaCha8Rng::seed_from_u64(1));
    }
    world.advance(MINUTE);
    assert!(matches!(
        resend(&mut world, AuthKeyId::new(2), hash),
        Err(RpcError::FloodWait { .. })
    ));
}
