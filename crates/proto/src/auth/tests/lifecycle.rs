//! Account lifecycle rules: block, change of number, deletion phases.

use super::*;
use crate::auth::account::{AccountState, DeletionPhase};
use crate::auth::events::RevocationCause;
use crate::auth::{ResetAnswer, RpcError};
use crate::id::AuthKeyId;

fn state(world: &mut AuthFixture) -> AccountState {
    world.home().account(USER).expect("account").state
}

#[test]
fn blocking_ends_every_session_and_logins() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "ThinkPad");
    let now = world.now;
    assert_eq!(world.home().block_account(now, USER), Ok(ResetAnswer::Done));
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::UserDeactivated));
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::UserDeactivated));
    assert_eq!(world.try_login(AuthKeyId::new(3), "x"), Err(RpcError::UserDeactivated));
    let events = world.take_events();
    let blocked = events.iter().filter(|e| {
        matches!(
            e,
            AuthEventKind::AuthorizationRevoked {
                cause: RevocationCause::Block,
                ..
            }
        )
    });
    assert_eq!(blocked.count(), 2);
}

#[test]
fn changing_the_number_ends_every_other_session() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "ThinkPad");
    let now = world.now;
    assert_eq!(
        world.home().change_number(now, AuthKeyId::new(1), PHONE),
        Err(RpcError::PhoneNumberOccupied)
    );
    assert_eq!(
        world.home().change_number(now, AuthKeyId::new(1), "+15550002"),
        Ok(ResetAnswer::Done)
    );
    assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::SessionRevoked));
    assert_eq!(
        world.try_login(AuthKeyId::new(3), "x"),
        Err(RpcError::PhoneNumberUnoccupied)
    );
    assert_eq!(world.home().user_of_phone("+15550002"), Some(USER));
}

#[test]
fn deletion_locks_then_erases_then_releases() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "ThinkPad");
    let now = world.now;
    assert_eq!(
        world.home().delete_account(now, AuthKeyId::new(1), None),
        Ok(DeletionPhase::Lock)
    );
    // Locked: frozen, not yet ended.
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::UserDeactivated));
    assert_eq!(world.home().account(USER).expect("account").authorizations().count(), 2);
    assert_eq!(
        world.home().advance_deletion(now, USER, 4_700_000),
        Ok(DeletionPhase::Erase)
    );
    assert_eq!(world.home().advance_deletion(now, USER, 0), Ok(DeletionPhase::Release));
    assert_eq!(
        state(&mut world),
        AccountState::Deleted {
            erased_bytes: 4_700_000
        }
    );
    assert_eq!(world.home().account(USER).expect("account").authorizations().count(), 0);
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::UserDeactivated));
    assert_eq!(
        world.home().advance_deletion(now, USER, 0),
        Err(RpcError::AccountStateInvalid)
    );
    assert_eq!(world.home().user_of_phone(PHONE), None, "the number is released");
    let events = world.take_events();
    let phases: Vec<(DeletionPhase, u64)> = events
        .iter()
        .filter_map(|e| match e {
            AuthEventKind::DeletionAdvanced {
                phase, erased_bytes, ..
            } => Some((*phase, *erased_bytes)),
            _ => None,
        })
        .collect();
    let expected = [
        (DeletionPhase::Lock, 0),
        (DeletionPhase::Erase, 4_700_000),
        (DeletionPhase::Release, 4_700_000),
    ];
    assert_eq!(phases, expected);
}

#[test]
fn deletion_with_two_factor_and_no_password_waits_seven_days() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.enable_two_factor(AuthKeyId::new(1));
    let now = world.now;
    assert_eq!(
        world.home().delete_account(now, AuthKeyId::new(1), Some(b"bad")),
        Err(RpcError::PasswordHashInvalid)
    );
    assert_eq!(
        world.home().delete_account(now, AuthKeyId::new(1), None),
        Ok(DeletionPhase::Scheduled)
    );
    assert!(matches!(
        state(&mut world),
        AccountState::Deleting {
            waiting_for_2fa_until: Some(_),
            ..
        }
    ));
    world.advance(6 * DAY);
    assert!(
        world.auth(HOME, AuthKeyId::new(1)).is_ok(),
        "still usable while waiting"
    );
    world.advance(DAY);
    assert!(matches!(
        state(&mut world),
        AccountState::Deleting {
            phase: DeletionPhase::Lock,
            ..
        }
    ));
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::UserDeactivated));
}

#[test]
fn a_waiting_deletion_can_be_cancelled_and_a_password_skips_the_wait() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.enable_two_factor(AuthKeyId::new(1));
    let now = world.now;
    world
        .home()
        .delete_account(now, AuthKeyId::new(1), None)
        .expect("scheduled");
    world
        .home()
        .cancel_account_deletion(now, AuthKeyId::new(1))
        .expect("cancelled");
    assert_eq!(state(&mut world), AccountState::Active);
    world.advance(8 * DAY);
    assert_eq!(state(&mut world), AccountState::Active, "the stale timer does nothing");
    let now = world.now;
    assert_eq!(
        world.home().delete_account(now, AuthKeyId::new(1), Some(b"pw")),
        Ok(DeletionPhase::Lock)
    );
    assert_eq!(
        world.home().cancel_account_deletion(now, AuthKeyId::new(1)),
        Err(RpcError::UserDeactivated)
    );
}
