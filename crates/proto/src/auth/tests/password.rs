//! Changing the 2FA password (`account.updatePasswordSettings`): the current
//! password is needed and a wrong one counts toward FLOOD_WAIT; the change
//! applies to the next login; other sessions stay logged in.

use super::*;
use crate::auth::RpcError;
use crate::id::AuthKeyId;

fn update(world: &mut AuthFixture, key: AuthKeyId, current: Option<&[u8]>, new: Option<&[u8]>) -> Result<(), RpcError> {
    let now = world.now;
    world
        .home()
        .update_password(now, key, current, new, &mut ChaCha8Rng::seed_from_u64(21))
}

#[test]
fn a_wrong_current_password_is_refused_and_counts_toward_flood_wait() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.enable_two_factor(AuthKeyId::new(1));
    for _ in 1..Policy::default().max_sign_in_attempts {
        assert_eq!(
            update(&mut world, AuthKeyId::new(1), Some(b"wrong"), Some(b"new")),
            Err(RpcError::PasswordHashInvalid)
        );
    }
    assert_eq!(
        update(&mut world, AuthKeyId::new(1), Some(b"wrong"), Some(b"new")),
        Err(RpcError::FloodWait { seconds: 3600 })
    );
    // Even the right password waits out the flood.
    assert!(matches!(
        update(&mut world, AuthKeyId::new(1), Some(b"pw"), Some(b"new")),
        Err(RpcError::FloodWait { .. })
    ));
    let failures = world
        .take_events()
        .into_iter()
        .filter(|event| {
            matches!(
                event,
                AuthEventKind::SignInFailed {
                    key_id: AuthKeyId(1),
                    ..
                }
            )
        })
        .count();
    assert_eq!(failures, Policy::default().max_sign_in_attempts as usize);
}

#[test]
fn the_right_current_password_changes_it_for_the_next_login_and_keeps_other_sessions() {
    let mut world = AuthFixture::new(Policy::default());
    let phone = world.login_aged(AuthKeyId::new(1), "Pixel 8");
    world.enable_two_factor(AuthKeyId::new(1));
    assert!(world
        .try_login(AuthKeyId::new(2), "Laptop")
        .is_ok_and(|r| r.rpc_error().is_some()));
    let now = world.now;
    world
        .home()
        .check_password(now, AuthKeyId::new(2), b"pw")
        .expect("laptop logged in");
    world.take_events();
    update(&mut world, AuthKeyId::new(2), Some(b"pw"), Some(b"new")).expect("changed");
    assert!(world.take_events().iter().any(|event| matches!(
        event,
        AuthEventKind::PasswordUpdated {
            user_id: USER,
            enabled: true,
            ..
        }
    )));
    // Not a termination: both sessions (and so a stolen one) stay in.
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Ok(phone));
    assert!(world.auth(HOME, AuthKeyId::new(2)).is_ok());
    // The next login owes the new password; the old one is wrong now.
    let result = world.try_login(AuthKeyId::new(3), "Tablet").expect("code accepted");
    assert_eq!(result.rpc_error(), Some(RpcError::SessionPasswordNeeded));
    let now = world.now;
    assert_eq!(
        world.home().check_password(now, AuthKeyId::new(3), b"pw"),
        Err(RpcError::PasswordHashInvalid)
    );
    assert!(world.home().check_password(now, AuthKeyId::new(3), b"new").is_ok());
}

#[test]
fn turning_two_factor_off_needs_the_password_and_on_needs_none() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    // No password yet: no current password is asked for.
    update(&mut world, AuthKeyId::new(1), None, Some(b"first")).expect("on");
    assert_eq!(
        update(&mut world, AuthKeyId::new(1), None, None),
        Err(RpcError::PasswordHashInvalid)
    );
    update(&mut world, AuthKeyId::new(1), Some(b"first"), None).expect("off");
    assert!(!world.home().account(USER).is_some_and(|a| a.has_password()));
    assert!(world
        .take_events()
        .iter()
        .any(|event| matches!(event, AuthEventKind::PasswordUpdated { enabled: false, .. })));
    assert!(matches!(
        world.try_login(AuthKeyId::new(2), "Laptop"),
        Ok(LoginResult::Authorized { .. })
    ));
}

#[test]
fn only_a_logged_in_home_session_may_change_it() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.enable_two_factor(AuthKeyId::new(1));
    // Key 2 logged in with the code but still owes the password.
    world.try_login(AuthKeyId::new(2), "Laptop").expect("code accepted");
    assert_eq!(
        update(&mut world, AuthKeyId::new(2), None, Some(b"mine")),
        Err(RpcError::SessionPasswordNeeded)
    );
    assert_eq!(
        update(&mut world, AuthKeyId::new(7), Some(b"pw"), None),
        Err(RpcError::AuthKeyUnregistered)
    );
    assert!(world.home().account(USER).is_some_and(|a| a.has_password()));
}
