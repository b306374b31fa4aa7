//! Session-management rules: the list, terminate one / all others, the
//! fresh-session rule, unconfirmed restrictions, TTL, confirmation, signals.

use crate::id::{AuthKeyId, AuthorizationHash};
use std::time::Duration;

use super::*;
use crate::auth::client_info::{GeoPoint, NetworkOrigin};
use crate::auth::events::{Notification, RevocationCause};
use crate::auth::{AuthRejection, ResetAnswer, RpcError};

fn reset_one(world: &mut AuthFixture, key: AuthKeyId, hash: AuthorizationHash) -> Result<ResetAnswer, RpcError> {
    let now = world.now;
    world
        .home()
        .reset_authorization(now, key, AuthorizationHash::new(hash.get()))
}

fn reset_all(world: &mut AuthFixture, key: AuthKeyId) -> Result<ResetAnswer, RpcError> {
    let now = world.now;
    world.home().reset_authorizations(now, key)
}

fn set_ttl(world: &mut AuthFixture, key: AuthKeyId, days: u32) -> Result<(), RpcError> {
    let now = world.now;
    world.home().set_authorization_ttl(now, key, days)
}

#[test]
fn list_puts_the_caller_first_and_carries_the_ttl() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.advance(Duration::from_secs(60));
    world.login(AuthKeyId::new(2), "ThinkPad");
    let now = world.now;
    let list = world.home().get_authorizations(now, AuthKeyId::new(1)).expect("list");
    assert_eq!(list.authorization_ttl_days, 180);
    let rows: Vec<(AuthKeyId, bool)> = list
        .authorizations
        .iter()
        .map(|v| (v.authorization.key_id, v.current))
        .collect();
    assert_eq!(rows, vec![(AuthKeyId(1), true), (AuthKeyId(2), false)]);
    let thinkpad = &list.authorizations[1].authorization;
    assert_eq!(
        (thinkpad.info.device_model.as_str(), thinkpad.official_app),
        ("ThinkPad", true)
    );
    assert!(thinkpad.unconfirmed && !thinkpad.password_pending);
}

#[test]
fn fresh_sessions_may_not_terminate_others_or_change_the_ttl() {
    let mut world = AuthFixture::new(Policy::default());
    let old = world.login_aged(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "ThinkPad");
    world.now = world.now + Duration::from_secs(3600);
    assert_eq!(
        reset_one(&mut world, AuthKeyId::new(2), old),
        Err(RpcError::FreshResetForbidden)
    );
    assert_eq!(
        reset_all(&mut world, AuthKeyId::new(2)),
        Err(RpcError::FreshResetForbidden)
    );
    assert_eq!(
        set_ttl(&mut world, AuthKeyId::new(2), 30),
        Err(RpcError::FreshResetForbidden)
    );
    assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
}

#[test]
fn unconfirmed_sessions_may_reset_only_when_the_policy_allows() {
    for allowed in [false, true] {
        let mut world = AuthFixture::new(Policy {
            unconfirmed_can_reset: allowed,
            ..Policy::default()
        });
        let owner = world.login(AuthKeyId::new(1), "Pixel 8");
        world.login(AuthKeyId::new(2), "Attacker box");
        // Past the fresh window but before auto-confirmation (7 days).
        world.advance(Duration::from_secs(2 * 86_400));
        let result = reset_one(&mut world, AuthKeyId::new(2), owner);
        if allowed {
            assert_eq!(result, Ok(ResetAnswer::Done));
            assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::AuthKeyUnregistered));
        } else {
            assert_eq!(result, Err(RpcError::UnconfirmedForbidden));
            assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
        }
    }
}

#[test]
fn terminating_one_session_unregisters_its_key_and_orders_a_wipe() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    let laptop = world.login(AuthKeyId::new(2), "ThinkPad");
    world.take_outside();
    assert_eq!(reset_one(&mut world, AuthKeyId::new(1), laptop), Ok(ResetAnswer::Done));
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::AuthKeyUnregistered));
    assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
    let wiped = world.take_outside().into_iter().any(|(_, effect)| {
        effect
            == Effect::Notify {
                key_id: AuthKeyId::new(2),
                notification: Notification::Terminated {
                    reason: AuthRejection::KeyUnregistered,
                },
            }
    });
    assert!(wiped);
    // Denying an unconfirmed login is recorded as such.
    let events = world.take_events();
    assert!(events.iter().any(|e| matches!(
        e,
        AuthEventKind::AuthorizationRevoked {
            cause: RevocationCause::DeniedLogin,
            ..
        }
    )));
}

#[test]
fn reset_of_own_or_unknown_hash_is_hash_invalid() {
    let mut world = AuthFixture::new(Policy::default());
    let own = world.login_aged(AuthKeyId::new(1), "Pixel 8");
    assert_eq!(
        reset_one(&mut world, AuthKeyId::new(1), own),
        Err(RpcError::HashInvalid)
    );
    assert_eq!(
        reset_one(&mut world, AuthKeyId::new(1), AuthorizationHash::new(12345)),
        Err(RpcError::HashInvalid)
    );
}

#[test]
fn terminate_all_revokes_every_other_session() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    for key in 2..=6 {
        world.login(AuthKeyId::new(key), "ThinkPad");
    }
    assert_eq!(reset_all(&mut world, AuthKeyId::new(1)), Ok(ResetAnswer::Done));
    for key in 2..=6 {
        assert_eq!(world.auth(HOME, AuthKeyId::new(key)), Err(RpcError::SessionRevoked));
    }
    assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
    assert_eq!(world.home().account(USER).expect("account").authorizations().count(), 1);
}

#[test]
fn terminate_all_limit_ends_the_oldest_first() {
    let mut world = AuthFixture::new(Policy {
        terminate_all_limit: 2,
        ..Policy::default()
    });
    world.login(AuthKeyId::new(1), "ThinkPad");
    world.login(AuthKeyId::new(2), "iPad");
    let phone = world.login_aged(AuthKeyId::new(3), "Pixel 8");
    let now = world.now;
    world
        .home()
        .confirm_authorization(now, AuthKeyId::new(1), AuthorizationHash::new(phone.get()))
        .expect("the owner confirms the new phone");
    world.login(AuthKeyId::new(4), "Attacker box");
    assert_eq!(reset_all(&mut world, AuthKeyId::new(3)), Ok(ResetAnswer::Done));
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::SessionRevoked));
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::SessionRevoked));
    assert!(
        world.auth(HOME, AuthKeyId::new(4)).is_ok(),
        "the newest survives the limit"
    );
}

#[test]
fn ttl_outside_one_to_366_days_is_invalid() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    assert_eq!(set_ttl(&mut world, AuthKeyId::new(1), 0), Err(RpcError::TtlDaysInvalid));
    assert_eq!(
        set_ttl(&mut world, AuthKeyId::new(1), 367),
        Err(RpcError::TtlDaysInvalid)
    );
    assert_eq!(set_ttl(&mut world, AuthKeyId::new(1), 366), Ok(()));
    assert_eq!(set_ttl(&mut world, AuthKeyId::new(1), 1), Ok(()));
}

#[test]
fn inactive_sessions_expire_after_the_ttl_and_activity_defers_it() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "ThinkPad");
    world.login(AuthKeyId::new(3), "Heartbeat");
    set_ttl(&mut world, AuthKeyId::new(1), 7).expect("ttl");
    for _ in 0..10 {
        world.advance(DAY);
        world.auth(HOME, AuthKeyId::new(1)).expect("owner is active");
        world.auth(HOME, AuthKeyId::new(3)).expect("heartbeat is active");
    }
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::SessionExpired));
    assert!(
        world.auth(HOME, AuthKeyId::new(3)).is_ok(),
        "a heartbeat defeats the TTL"
    );
    let next = world.home().poll_timeout().expect("TTL timers stay armed");
    assert!(next > world.now);
}

#[test]
fn owner_confirms_and_unconfirmed_logins_autoconfirm() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    let laptop = world.login(AuthKeyId::new(2), "ThinkPad");
    let tablet = world.login(AuthKeyId::new(3), "iPad");
    let now = world.now;
    assert_eq!(
        world
            .home()
            .confirm_authorization(now, AuthKeyId::new(2), AuthorizationHash::new(tablet.get())),
        Err(RpcError::UnconfirmedForbidden)
    );
    world
        .home()
        .confirm_authorization(now, AuthKeyId::new(1), AuthorizationHash::new(laptop.get()))
        .expect("confirm");
    assert_eq!(
        world
            .home()
            .confirm_authorization(now, AuthKeyId::new(1), AuthorizationHash::new(999)),
        Err(RpcError::HashInvalid)
    );
    let unconfirmed = |world: &mut AuthFixture| -> Vec<AuthKeyId> {
        let account = world.home().account(USER).expect("account");
        account
            .authorizations()
            .filter(|a| a.unconfirmed)
            .map(|a| a.key_id)
            .collect()
    };
    assert_eq!(unconfirmed(&mut world), vec![AuthKeyId(3)]);
    world.advance(7 * DAY);
    assert_eq!(unconfirmed(&mut world), Vec::<AuthKeyId>::new());
    let events = world.take_events();
    assert!(events.iter().any(|e| matches!(
        e,
        AuthEventKind::AuthorizationConfirmed {
            automatically: true,
            ..
        }
    )));
}

#[test]
fn anomaly_signals_flag_model_version_travel_and_hours() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    let london = NetworkOrigin {
        coordinates: Some(GeoPoint::from_degrees(51.5, -0.12)),
        ..Default::default()
    };
    let sydney = NetworkOrigin {
        coordinates: Some(GeoPoint::from_degrees(-33.87, 151.2)),
        ..Default::default()
    };
    // The owner is active at 12:00 UTC every day for a while.
    for _ in 0..60 {
        let now = world.now;
        let handle = world.home().authenticate(now, AuthKeyId::new(1)).expect("owner");
        world.home().record_origin(&handle, &london);
        world.now = world.now + Duration::from_secs(60);
    }
    let mut old = info("Evil phone");
    old.app_version = "9.0".to_string();
    let now = world.now;
    world
        .cluster
        .login_with_code(now, HOME, AuthKeyId::new(2), PHONE, &old, &mut world.rng)
        .expect("login");
    // Active from Sydney a few minutes later, at 03:00 UTC.
    world.now = Instant::SCENARIO_EPOCH + Duration::from_secs(3 * 3600);
    let now = world.now;
    let handle = world.home().authenticate(now, AuthKeyId::new(2)).expect("attacker");
    world.home().record_origin(&handle, &sydney);
    let now = world.now;
    let list = world.home().get_authorizations(now, AuthKeyId::new(1)).expect("list");
    let owner = list
        .authorizations
        .iter()
        .find(|v| v.authorization.key_id == AuthKeyId::new(1))
        .expect("owner row");
    let evil = list
        .authorizations
        .iter()
        .find(|v| v.authorization.key_id == AuthKeyId::new(2))
        .expect("evil row");
    assert_eq!(owner.signals.count(), 0, "{:?}", owner.signals);
    assert!(evil.signals.new_device_model);
    assert!(evil.signals.outdated_app_version);
    assert!(evil.signals.impossible_travel);
    assert!(evil.signals.unusual_hours);
}
