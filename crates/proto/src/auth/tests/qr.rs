//! QR login rules: export from an unauthorized key only, accept once,
//! before expiry, from a session the policy allows.

use crate::id::{AuthKeyId, AuthorizationHash, DcId};
use std::time::Duration;

use super::*;
use crate::auth::events::{CreatedVia, Notification};
use crate::auth::{AcceptedLoginToken, RpcError};

/// `auth.exportLoginToken` under `key` on `dc`.
pub(super) fn export_on(world: &mut AuthFixture, dc: DcId, key: AuthKeyId) -> Result<Vec<u8>, RpcError> {
    let now = world.now;
    world
        .cluster
        .dc(dc)
        .export_login_token(now, key, &info("Web"), &mut world.rng)
        .map(|t| t.token)
}

/// `auth.acceptLoginToken` under `key` on HOME.
pub(super) fn accept_on_home(
    world: &mut AuthFixture,
    key: AuthKeyId,
    token: &[u8],
) -> Result<AcceptedLoginToken, RpcError> {
    let now = world.now;
    world
        .cluster
        .dc(HOME)
        .accept_login_token(now, key, token, &mut world.rng)
}

fn export(world: &mut AuthFixture, key: AuthKeyId) -> Result<Vec<u8>, RpcError> {
    export_on(world, HOME, key)
}

fn accept(world: &mut AuthFixture, key: AuthKeyId, token: &[u8]) -> Result<LoginResult, RpcError> {
    accept_on_home(world, key, token).map(|accepted| match accepted {
        AcceptedLoginToken::Here(result) => result,
        other => panic!("a HOME token accepted elsewhere: {other:?}"),
    })
}

#[test]
fn accepted_token_authorizes_the_exporting_key_once() {
    let mut world = AuthFixture::new(Policy::default());
    let phone_hash = world.login(AuthKeyId::new(1), "Pixel 8");
    let token = export(&mut world, AuthKeyId::new(9)).expect("export");
    world.take_outside();
    assert!(matches!(
        accept(&mut world, AuthKeyId::new(1), &token),
        Ok(LoginResult::Authorized { .. })
    ));
    assert!(world.auth(HOME, AuthKeyId::new(9)).is_ok());
    let account = world.home().account(USER).expect("account");
    let web = account
        .authorizations()
        .find(|a| a.key_id == AuthKeyId::new(9))
        .expect("web session");
    assert_eq!(
        web.created_via,
        CreatedVia::QrLogin {
            accepted_by_hash: AuthorizationHash::new(phone_hash.get())
        }
    );
    assert!(!web.unconfirmed, "accepted by a confirmed session");
    assert_eq!(web.info.device_model, "Web");
    let told = world.take_outside().into_iter().any(|(_, effect)| {
        effect
            == Effect::Notify {
                key_id: AuthKeyId::new(9),
                notification: Notification::LoginTokenAccepted,
            }
    });
    assert!(told);
    assert_eq!(
        accept(&mut world, AuthKeyId::new(1), &token),
        Err(RpcError::AuthTokenAlreadyAccepted)
    );
}

#[test]
fn export_needs_an_unauthorized_key() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    assert_eq!(
        export(&mut world, AuthKeyId::new(1)),
        Err(RpcError::KeyAlreadyAuthorized)
    );
}

#[test]
fn expired_and_unknown_tokens_are_refused() {
    let mut world = AuthFixture::new(Policy::default());
    world.login(AuthKeyId::new(1), "Pixel 8");
    let token = export(&mut world, AuthKeyId::new(9)).expect("export");
    assert_eq!(
        accept(&mut world, AuthKeyId::new(1), &[1, 2, 3]),
        Err(RpcError::AuthTokenInvalid)
    );
    assert_eq!(
        accept(&mut world, AuthKeyId::new(1), &[0; 16]),
        Err(RpcError::AuthTokenInvalid)
    );
    world.advance(Duration::from_secs(30));
    assert_eq!(
        accept(&mut world, AuthKeyId::new(1), &token),
        Err(RpcError::AuthTokenExpired)
    );
    // Forgotten after the tombstone period: then simply invalid.
    world.advance(Duration::from_secs(601));
    assert_eq!(
        accept(&mut world, AuthKeyId::new(1), &token),
        Err(RpcError::AuthTokenInvalid)
    );
}

#[test]
fn an_unauthorized_key_cannot_accept() {
    let mut world = AuthFixture::new(Policy::default());
    let token = export(&mut world, AuthKeyId::new(9)).expect("export");
    assert_eq!(
        accept(&mut world, AuthKeyId::new(3), &token),
        Err(RpcError::AuthKeyUnregistered)
    );
}

#[test]
fn unconfirmed_sessions_accept_only_when_the_policy_allows() {
    for allowed in [false, true] {
        let policy = Policy {
            unconfirmed_can_accept_login_token: allowed,
            ..Policy::default()
        };
        let mut world = AuthFixture::new(policy);
        world.login(AuthKeyId::new(1), "Pixel 8");
        world.login(AuthKeyId::new(2), "Attacker box"); // unconfirmed
        let token = export(&mut world, AuthKeyId::new(9)).expect("export");
        let result = accept(&mut world, AuthKeyId::new(2), &token);
        if allowed {
            assert!(result.is_ok());
            let account = world.home().account(USER).expect("account");
            let minted = account
                .authorizations()
                .find(|a| a.key_id == AuthKeyId::new(9))
                .expect("minted");
            assert!(
                minted.unconfirmed,
                "a login minted by an unconfirmed session stays unconfirmed"
            );
        } else {
            assert_eq!(result, Err(RpcError::UnconfirmedForbidden));
            assert_eq!(world.auth(HOME, AuthKeyId::new(9)), Err(RpcError::AuthKeyUnregistered));
        }
    }
}
