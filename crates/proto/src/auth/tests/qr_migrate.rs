//! QR login across DCs: a token exported on OTHER, accepted by a session on
//! the account's HOME, finished by `auth.importLoginToken` on HOME with the
//! secret only the exporting key learns (`auth.loginTokenMigrateTo`).

use crate::id::{AuthKeyId, AuthorizationHash};
use std::time::Duration;

use super::qr::{accept_on_home, export_on};
use super::*;
use crate::auth::events::{CreatedVia, Notification};
use crate::auth::{AcceptedLoginToken, RpcError};

const PHONE_KEY: AuthKeyId = AuthKeyId::new(1);
/// The new device's key on OTHER, where it exports.
const EXPORTING_KEY: AuthKeyId = AuthKeyId::new(40);
/// The new device's key on HOME, where it imports.
const IMPORTING_KEY: AuthKeyId = AuthKeyId::new(41);

/// The phone logged in on HOME, a token exported on OTHER and accepted by
/// the phone, the acceptance delivered to OTHER: (phone hash, hash the
/// acceptor was told, the QR token, the import token OTHER holds).
fn accepted_elsewhere(world: &mut AuthFixture) -> (AuthorizationHash, AuthorizationHash, Vec<u8>, Vec<u8>) {
    let phone_hash = world.login(PHONE_KEY, "Pixel 8");
    let token = export_on(world, OTHER, EXPORTING_KEY).expect("export on OTHER");
    let hash = match accept_on_home(world, PHONE_KEY, &token) {
        Ok(AcceptedLoginToken::Elsewhere { user_id, hash }) => {
            assert_eq!(user_id, USER);
            hash
        }
        other => panic!("{other:?}"),
    };
    world.pump();
    let now = world.now;
    let (dc, import_token) = world
        .dc(OTHER)
        .login_migration(now, EXPORTING_KEY)
        .expect("OTHER learnt where to import");
    assert_eq!(dc, HOME);
    (phone_hash, hash, token, import_token)
}

fn import(world: &mut AuthFixture, key: AuthKeyId, token: &[u8]) -> Result<LoginResult, RpcError> {
    let now = world.now;
    world.home().import_login_token(now, key, token, &info("Web"))
}

#[test]
fn a_token_exported_elsewhere_is_imported_on_the_home_dc() {
    let mut world = AuthFixture::new(Policy::default());
    let (phone_hash, hash, _, import_token) = accepted_elsewhere(&mut world);
    let told = world.take_outside().into_iter().any(|(dc, effect)| {
        dc == OTHER
            && effect
                == Effect::Notify {
                    key_id: EXPORTING_KEY,
                    notification: Notification::LoginTokenAccepted,
                }
    });
    assert!(told, "the exporting key hears updateLoginToken on its DC");
    assert_eq!(
        import(&mut world, IMPORTING_KEY, &import_token),
        Ok(LoginResult::Authorized { user_id: USER, hash })
    );
    assert_eq!(world.auth(HOME, IMPORTING_KEY), Ok(hash));
    let account = world.home().account(USER).expect("account");
    let web = account.authorizations().find(|a| a.hash == hash).expect("web session");
    assert_eq!(
        web.created_via,
        CreatedVia::QrLogin {
            accepted_by_hash: phone_hash
        }
    );
    assert_eq!(web.info.device_model, "Web");
}

#[test]
fn only_the_exporting_key_learns_the_import_token() {
    let mut world = AuthFixture::new(Policy::default());
    let (_, _, qr_token, _) = accepted_elsewhere(&mut world);
    let now = world.now;
    assert_eq!(world.dc(OTHER).login_migration(now, AuthKeyId::new(99)), None);
    // Whoever saw the QR code cannot finish the login with it.
    assert_eq!(
        import(&mut world, IMPORTING_KEY, &qr_token),
        Err(RpcError::AuthTokenInvalid)
    );
    assert_eq!(world.auth(HOME, IMPORTING_KEY), Err(RpcError::AuthKeyUnregistered));
}

#[test]
fn the_import_token_works_once() {
    let mut world = AuthFixture::new(Policy::default());
    let (_, _, _, import_token) = accepted_elsewhere(&mut world);
    assert!(import(&mut world, IMPORTING_KEY, &import_token).is_ok());
    assert_eq!(
        import(&mut world, AuthKeyId::new(42), &import_token),
        Err(RpcError::AuthTokenAlreadyAccepted)
    );
}

#[test]
fn an_import_after_its_lifetime_is_expired() {
    let mut world = AuthFixture::new(Policy::default());
    let (_, _, _, import_token) = accepted_elsewhere(&mut world);
    world.advance(Duration::from_secs(30));
    let now = world.now;
    assert_eq!(world.dc(OTHER).login_migration(now, EXPORTING_KEY), None);
    assert_eq!(
        import(&mut world, IMPORTING_KEY, &import_token),
        Err(RpcError::AuthTokenExpired)
    );
}

#[test]
fn a_token_exported_elsewhere_is_accepted_once() {
    let mut world = AuthFixture::new(Policy::default());
    let (_, _, qr_token, _) = accepted_elsewhere(&mut world);
    assert_eq!(
        accept_on_home(&mut world, PHONE_KEY, &qr_token),
        Err(RpcError::AuthTokenAlreadyAccepted)
    );
}

#[test]
fn a_token_exported_elsewhere_is_refused_after_its_expiry() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(PHONE_KEY, "Pixel 8");
    let token = export_on(&mut world, OTHER, EXPORTING_KEY).expect("export");
    world.advance(Duration::from_secs(30));
    assert_eq!(
        accept_on_home(&mut world, PHONE_KEY, &token),
        Err(RpcError::AuthTokenExpired)
    );
}

#[test]
fn an_acceptance_dies_with_the_accepting_session() {
    let mut world = AuthFixture::new(Policy::default());
    let (_, _, _, import_token) = accepted_elsewhere(&mut world);
    let now = world.now;
    world
        .cluster
        .dc(HOME)
        .log_out(now, PHONE_KEY, &mut world.rng)
        .expect("log out");
    assert_eq!(
        import(&mut world, IMPORTING_KEY, &import_token),
        Err(RpcError::AuthTokenInvalid)
    );
}

#[test]
fn an_acceptance_for_a_key_that_logged_in_meanwhile_is_not_migrated() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(PHONE_KEY, "Pixel 8");
    let token = export_on(&mut world, OTHER, EXPORTING_KEY).expect("export");
    // The exporting key got bound on OTHER by another path before the
    // acceptance arrived: OTHER ignores it.
    world
        .dc(OTHER)
        .register_account(UserId::new(78), "+15550002")
        .expect("register");
    let now = world.now;
    let other_info = info("Web");
    world
        .cluster
        .login_with_code(now, OTHER, EXPORTING_KEY, "+15550002", &other_info, &mut world.rng)
        .expect("login on OTHER");
    assert!(accept_on_home(&mut world, PHONE_KEY, &token).is_ok());
    world.pump();
    let now = world.now;
    assert_eq!(world.dc(OTHER).login_migration(now, EXPORTING_KEY), None);
}
