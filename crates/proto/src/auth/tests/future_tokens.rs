//! Future auth token rules: issued with an expiry, honoured once before it,
//! refused (a code is sent instead) after it, and bounded per account.

use crate::id::AuthKeyId;
use std::time::Duration;

use super::login::send;
use super::*;
use crate::auth::account::FUTURE_TOKEN_BYTES;
use crate::auth::login::SentCode;
use crate::auth::RpcError;

const LIFETIME: Duration = Duration::from_secs(3600);

fn policy() -> Policy {
    Policy {
        future_token_lifetime: LIFETIME,
        ..Policy::default()
    }
}

fn issue_to(world: &mut AuthFixture, user_id: UserId) -> Option<[u8; FUTURE_TOKEN_BYTES]> {
    let now = world.now;
    world.cluster.dc(HOME).issue_future_token(now, user_id, &mut world.rng)
}

fn issue(world: &mut AuthFixture) -> [u8; FUTURE_TOKEN_BYTES] {
    issue_to(world, USER).expect("a token")
}

fn token_count(world: &mut AuthFixture) -> usize {
    world.home().account(USER).expect("account").future_token_count()
}

#[test]
fn a_token_is_honoured_until_its_expiry() {
    let mut world = AuthFixture::new(policy());
    let token = issue(&mut world);
    world.advance(LIFETIME - Duration::from_secs(1));
    assert!(matches!(
        send(&mut world, AuthKeyId::new(3), &[token]),
        Ok(SentCode::Success(LoginResult::Authorized { .. }))
    ));
    assert!(world.auth(HOME, AuthKeyId::new(3)).is_ok());
}

#[test]
fn an_expired_token_is_refused_with_a_code_and_forgotten() {
    let mut world = AuthFixture::new(policy());
    let token = issue(&mut world);
    world.advance(LIFETIME);
    assert!(matches!(
        send(&mut world, AuthKeyId::new(3), &[token]),
        Ok(SentCode::Code { .. })
    ));
    assert_eq!(world.auth(HOME, AuthKeyId::new(3)), Err(RpcError::AuthKeyUnregistered));
    assert_eq!(token_count(&mut world), 0, "presented after expiry: dropped");
}

#[test]
fn expired_tokens_are_forgotten_at_the_next_issue() {
    let mut world = AuthFixture::new(policy());
    issue(&mut world);
    issue(&mut world);
    world.advance(LIFETIME);
    let fresh = issue(&mut world);
    assert_eq!(token_count(&mut world), 1);
    assert!(matches!(
        send(&mut world, AuthKeyId::new(3), &[fresh]),
        Ok(SentCode::Success(_))
    ));
}

#[test]
fn one_login_uses_up_one_token_of_those_presented() {
    let mut world = AuthFixture::new(policy());
    let tokens = [issue(&mut world), issue(&mut world)];
    assert!(matches!(
        send(&mut world, AuthKeyId::new(3), &tokens),
        Ok(SentCode::Success(_))
    ));
    assert_eq!(token_count(&mut world), 1);
    assert!(matches!(
        send(&mut world, AuthKeyId::new(4), &tokens),
        Ok(SentCode::Success(_))
    ));
    assert!(matches!(
        send(&mut world, AuthKeyId::new(5), &tokens),
        Ok(SentCode::Code { .. })
    ));
}

#[test]
fn a_token_of_another_account_is_not_honoured() {
    let mut world = AuthFixture::new(policy());
    world
        .home()
        .register_account(UserId::new(78), "+15550002")
        .expect("register");
    let theirs = issue_to(&mut world, UserId::new(78)).expect("their token");
    assert!(matches!(
        send(&mut world, AuthKeyId::new(3), &[theirs]),
        Ok(SentCode::Code { .. })
    ));
}

#[test]
fn no_token_is_issued_when_the_account_keeps_none() {
    let mut world = AuthFixture::new(Policy {
        max_future_tokens: 0,
        ..policy()
    });
    assert_eq!(issue_to(&mut world, USER), None);
    assert_eq!(token_count(&mut world), 0);
}
