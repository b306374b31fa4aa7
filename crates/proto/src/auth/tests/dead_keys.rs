//! A revoked key is dead: whatever ended its authorization (log-out,
//! terminate one, terminate all, the inactivity TTL, a derived key's end),
//! every login entry point under it answers AUTH_KEY_UNREGISTERED and no
//! authorization is bound to it again.

use crate::id::AuthorizationHash;
use std::time::Duration;

use super::*;
use crate::auth::login::{SentCode, SignIn};
use crate::auth::{AuthRejection, RpcError};

const NO_TOKENS: [[u8; 32]; 0] = [];

fn send(world: &mut AuthFixture, key: AuthKeyId) -> Result<SentCode, RpcError> {
    let now = world.now;
    world
        .cluster
        .dc(HOME)
        .send_code(now, key, PHONE, &NO_TOKENS, &info("Laptop"), &mut world.rng)
}

fn sign_in(world: &mut AuthFixture, key: AuthKeyId, hash: u64, code: &str) -> Result<LoginResult, RpcError> {
    let now = world.now;
    let laptop = info("Laptop");
    let request = SignIn {
        phone: PHONE,
        phone_code_hash: hash,
        code,
        info: &laptop,
    };
    world.cluster.dc(HOME).sign_in(now, key, &request, &mut world.rng)
}

fn export_token(world: &mut AuthFixture, key: AuthKeyId) -> Result<Vec<u8>, RpcError> {
    let now = world.now;
    world
        .cluster
        .dc(HOME)
        .export_login_token(now, key, &info("Web"), &mut world.rng)
        .map(|exported| exported.token)
}

/// Every login entry point on HOME under `key` is AUTH_KEY_UNREGISTERED,
/// and the key stays unbound.
fn assert_dead_on_home(world: &mut AuthFixture, key: AuthKeyId) {
    assert!(world.home().is_key_revoked(key));
    assert_eq!(send(world, key), Err(RpcError::AuthKeyUnregistered));
    assert_eq!(sign_in(world, key, 1, "00000"), Err(RpcError::AuthKeyUnregistered));
    let now = world.now;
    assert_eq!(
        world.home().resend_code(now, key, PHONE, 1),
        Err(RpcError::AuthKeyUnregistered)
    );
    assert_eq!(export_token(world, key), Err(RpcError::AuthKeyUnregistered));
    let far = now + Duration::from_secs(3600);
    assert_eq!(
        world
            .home()
            .register_and_bind_temp(now, key, AuthKeyId(900 + key.0), far),
        Err(RpcError::AuthKeyUnregistered),
        "a dead permanent key"
    );
    assert_eq!(
        world.home().register_and_bind_temp(now, AuthKeyId::new(1), key, far),
        Err(RpcError::AuthKeyUnregistered),
        "a dead key as a temp key"
    );
    assert!(!world.home().is_key_bound(key));
    let refused = world.take_events().iter().any(|event| {
        matches!(
            event,
            AuthEventKind::RequestRejected {
                key_id,
                rejection: AuthRejection::KeyUnregistered
            } if *key_id == key
        )
    });
    assert!(refused, "the refusals are visible as events");
}

#[test]
fn a_logged_out_key_never_logs_in_again() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "Laptop");
    let now = world.now;
    world
        .home()
        .log_out(now, AuthKeyId::new(2), &mut ChaCha8Rng::seed_from_u64(3))
        .expect("log out");
    assert_dead_on_home(&mut world, AuthKeyId::new(2));
    // A fresh key logs in as usual.
    assert!(world.try_login(AuthKeyId::new(3), "Laptop").is_ok());
}

#[test]
fn terminated_keys_are_dead_whatever_ended_them() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    let laptop = world.login(AuthKeyId::new(2), "Laptop");
    world.login(AuthKeyId::new(3), "Tablet");
    let now = world.now;
    world
        .home()
        .reset_authorization(now, AuthKeyId::new(1), AuthorizationHash::new(laptop.get()))
        .expect("terminate one");
    assert_dead_on_home(&mut world, AuthKeyId::new(2));
    world
        .home()
        .reset_authorizations(now, AuthKeyId::new(1))
        .expect("terminate all");
    // Authenticated calls keep telling why (SESSION_REVOKED); login steps are
    // AUTH_KEY_UNREGISTERED, which every client also treats as the end.
    assert_eq!(world.auth(HOME, AuthKeyId::new(3)), Err(RpcError::SessionRevoked));
    assert_dead_on_home(&mut world, AuthKeyId::new(3));
}

#[test]
fn an_expired_key_is_dead() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "Laptop");
    let now = world.now;
    world
        .home()
        .set_authorization_ttl(now, AuthKeyId::new(1), 7)
        .expect_err("fresh session");
    world.advance(DAY + Duration::from_secs(1));
    let now = world.now;
    world
        .home()
        .set_authorization_ttl(now, AuthKeyId::new(1), 7)
        .expect("ttl");
    // The phone stays active; the laptop is never used again.
    for _ in 0..8 {
        world.advance(DAY);
        let _ = world.auth(HOME, AuthKeyId::new(1));
    }
    assert_eq!(world.auth(HOME, AuthKeyId::new(2)), Err(RpcError::SessionExpired));
    assert_dead_on_home(&mut world, AuthKeyId::new(2));
}

#[test]
fn a_qr_token_exported_by_a_key_revoked_meanwhile_is_worthless() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    let token = export_token(&mut world, AuthKeyId::new(9)).expect("exported while unbound");
    // Key 9 is bound by another path, then logged out: now it is dead.
    world.login(AuthKeyId::new(9), "Web");
    let now = world.now;
    world
        .home()
        .log_out(now, AuthKeyId::new(9), &mut ChaCha8Rng::seed_from_u64(8))
        .expect("log out");
    let now = world.now;
    // The acceptor hears AUTH_TOKEN_INVALID (not a 401 that would wipe it).
    assert_eq!(
        world
            .home()
            .accept_login_token(now, AuthKeyId::new(1), &token, &mut ChaCha8Rng::seed_from_u64(9)),
        Err(RpcError::AuthTokenInvalid)
    );
    assert!(!world.home().is_key_bound(AuthKeyId::new(9)));
    assert!(world.auth(HOME, AuthKeyId::new(1)).is_ok());
}

#[test]
fn a_derived_key_ended_with_its_home_authorization_cannot_be_imported_again() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "Laptop");
    let now = world.now;
    let first = world
        .home()
        .export_authorization(now, AuthKeyId::new(2), OTHER, &mut ChaCha8Rng::seed_from_u64(10))
        .expect("export");
    world
        .dc(OTHER)
        .import_authorization(now, AuthKeyId::new(42), first.id, &first.bytes)
        .expect("import");
    world
        .home()
        .log_out(now, AuthKeyId::new(2), &mut ChaCha8Rng::seed_from_u64(11))
        .expect("log out");
    world.pump();
    assert!(world.dc(OTHER).is_key_revoked(AuthKeyId::new(42)));
    // The phone exports a fresh, valid token: the dead key still cannot use it.
    let fresh = world
        .home()
        .export_authorization(now, AuthKeyId::new(1), OTHER, &mut ChaCha8Rng::seed_from_u64(12))
        .expect("export");
    assert_eq!(
        world
            .dc(OTHER)
            .import_authorization(now, AuthKeyId::new(42), fresh.id, &fresh.bytes),
        Err(RpcError::AuthKeyUnregistered)
    );
    assert!(!world.dc(OTHER).is_key_bound(AuthKeyId::new(42)));
    assert!(world
        .dc(OTHER)
        .import_authorization(now, AuthKeyId::new(43), fresh.id, &fresh.bytes)
        .is_ok());
}

#[test]
fn revoked_temp_keys_are_dead_too() {
    let mut world = AuthFixture::new(Policy::default());
    world.login_aged(AuthKeyId::new(1), "Pixel 8");
    world.login(AuthKeyId::new(2), "Laptop");
    let now = world.now;
    let until = now + Duration::from_secs(3600);
    world
        .home()
        .register_and_bind_temp(now, AuthKeyId::new(2), AuthKeyId::new(20), until)
        .expect("temp key");
    world
        .home()
        .log_out(now, AuthKeyId::new(2), &mut ChaCha8Rng::seed_from_u64(13))
        .expect("log out");
    assert!(world.home().is_key_revoked(AuthKeyId::new(20)));
    assert_eq!(
        world
            .home()
            .register_and_bind_temp(now, AuthKeyId::new(1), AuthKeyId::new(20), until),
        Err(RpcError::AuthKeyUnregistered)
    );
    assert_eq!(send(&mut world, AuthKeyId::new(20)), Err(RpcError::AuthKeyUnregistered));
}
