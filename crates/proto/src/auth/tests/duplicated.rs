//! `AUTH_KEY_DUPLICATED`: a key used from two addresses within the window
//! is invalidated for both holders, on its home DC (the authorization
//! ends, cause `KeyDuplicated`, and propagates) and on a DC holding a
//! derived key (only that derived authorization ends); with the rule off,
//! nothing happens.

use std::time::Duration;

use super::*;
use crate::auth::policy::{DuplicateKeyPolicy, DUPLICATE_KEY_WINDOW_DEFAULT};
use crate::auth::{RevocationCause, RpcError};

const OWNER_IP: &str = "198.51.0.1";
const THIEF_IP: &str = "203.0.113.1";

fn used(world: &mut AuthFixture, dc: DcId, key: AuthKeyId, ip: &str) -> bool {
    let now = world.now;
    world.dc(dc).handle_key_use(now, key, ip)
}

#[test]
fn a_home_key_used_from_two_addresses_within_the_window_dies_with_its_authorization() {
    let mut world = AuthFixture::new(Policy::default());
    let hash = world.login_aged(AuthKeyId::new(1), "Pixel 8");
    assert!(!used(&mut world, HOME, AuthKeyId::new(1), OWNER_IP));
    world.advance(Duration::from_secs(59));
    assert!(!used(&mut world, HOME, AuthKeyId::new(1), OWNER_IP), "the same address");
    let _ = world.take_events();
    world.advance(Duration::from_secs(30));
    assert!(
        used(&mut world, HOME, AuthKeyId::new(1), THIEF_IP),
        "another address 30 s later"
    );
    let events = world.take_events();
    assert!(events.contains(&AuthEventKind::KeyDuplicated {
        key_id: AuthKeyId::new(1)
    }));
    assert!(events.contains(&AuthEventKind::AuthorizationRevoked {
        user_id: USER,
        hash,
        key_id: AuthKeyId::new(1),
        cause: RevocationCause::KeyDuplicated,
    }));
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::AuthKeyDuplicated));
    assert!(
        !used(&mut world, HOME, AuthKeyId::new(1), OWNER_IP),
        "a dead key is not judged again"
    );
}

#[test]
fn uses_a_window_apart_are_a_move_not_a_duplicate() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    used(&mut world, HOME, AuthKeyId::new(1), OWNER_IP);
    world.advance(DUPLICATE_KEY_WINDOW_DEFAULT);
    assert!(!used(&mut world, HOME, AuthKeyId::new(1), THIEF_IP));
    assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
}

#[test]
fn a_duplicated_derived_key_ends_only_its_own_authorization() {
    let mut world = AuthFixture::new(Policy::default());
    world.owner_and_stolen_laptop();
    super::datacenters::derive(&mut world, AuthKeyId::new(2), OTHER, AuthKeyId::new(41)).expect("derive");
    used(&mut world, OTHER, AuthKeyId::new(41), OWNER_IP);
    world.advance(Duration::from_secs(5));
    assert!(used(&mut world, OTHER, AuthKeyId::new(41), THIEF_IP));
    assert_eq!(world.auth(OTHER, AuthKeyId::new(41)), Err(RpcError::AuthKeyDuplicated));
    assert!(
        world.auth(HOME, AuthKeyId::new(2)).is_ok(),
        "the home authorization lives on"
    );
}

#[test]
fn with_the_rule_off_a_shared_key_lives_on() {
    let mut world = AuthFixture::new(Policy {
        duplicate_key: DuplicateKeyPolicy::Off,
        ..Policy::default()
    });
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    used(&mut world, HOME, AuthKeyId::new(1), OWNER_IP);
    world.advance(Duration::from_secs(1));
    assert!(!used(&mut world, HOME, AuthKeyId::new(1), THIEF_IP));
    assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
}

#[test]
fn an_unbound_key_is_not_watched() {
    let mut world = AuthFixture::new(Policy::default());
    assert!(!used(&mut world, HOME, AuthKeyId::new(9), OWNER_IP));
    assert!(!used(&mut world, HOME, AuthKeyId::new(9), THIEF_IP));
}

#[test]
fn holders_taking_turns_at_binding_temp_keys_are_two_holders() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    let now = world.now;
    let until = now + Duration::from_secs(3600);
    // The owner's temp key 10, then the thief's 20, bound to key 1: the
    // thief's binding unbinds the owner's.
    let home = world.home();
    home.register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(10), until)
        .expect("owner binds");
    home.register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(20), until)
        .expect("thief binds");
    assert!(!used(&mut world, HOME, AuthKeyId::new(20), THIEF_IP), "a first use");
    // The owner's next request, under its replaced key (refused
    // AUTH_KEY_PERM_EMPTY), still uses key 1: from another address.
    world.advance(Duration::from_secs(5));
    assert!(used(&mut world, HOME, AuthKeyId::new(10), OWNER_IP));
    assert_eq!(world.auth(HOME, AuthKeyId::new(1)), Err(RpcError::AuthKeyDuplicated));
}
