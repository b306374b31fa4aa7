//! QR login when the account lives on another DC than the one the new
//! device exported its token on: `updateLoginToken` is followed up on the
//! exporting DC, `auth.loginTokenMigrateTo` leads to `auth.importLoginToken`
//! on the account's DC, which becomes the client's home.

use super::*;
use sessionlab_proto::client::{Client, ClientConfig};
use sessionlab_proto::wire::api::{ApiCall, ApiRequest, LoginToken, Update, Updates};

/// A logged-out client that believes its home is MEDIA, with a key there
/// and, if `key_on_home`, on HOME too.
fn new_device_on_media(key_on_home: bool) -> ClientHarness {
    let mut world = ClientHarness::new();
    let config = ClientConfig {
        home_dc: MEDIA,
        ..ClientConfig::default()
    };
    world.client = Client::new(config).expect("valid config");
    if key_on_home {
        world.ensure_keys();
    } else {
        register_key(&mut world, MEDIA);
    }
    world.client.on_connected(world.now);
    world
}

fn register_key(world: &mut ClientHarness, dc: sessionlab_proto::id::DcId) {
    let key = world.client.auth_key_for(dc, &mut world.rng);
    world.dc(dc).add_key(key);
}

/// Export on MEDIA, the token accepted elsewhere, exported again on MEDIA
/// and answered with `loginTokenMigrateTo(HOME)`.
fn migrated(world: &mut ClientHarness) {
    world.command(Command::ExportLoginToken);
    let export = world.expect_one("auth.exportLoginToken");
    assert_eq!(export.dc, MEDIA);
    world.answer(
        &export,
        ApiResponse::LoginToken(LoginToken::Token {
            expires: 1_767_225_630,
            token: vec![5; 60],
        }),
    );
    let accepted = Updates::Short {
        update: Update::LoginToken,
        date: 1_767_225_610,
    };
    world.push(&export, accepted);
    let again = world.expect_one("auth.exportLoginToken");
    assert_eq!(again.dc, MEDIA, "asked where the token was exported");
    let migrate = LoginToken::MigrateTo {
        dc_id: i32::try_from(HOME.get()).expect("small"),
        token: vec![6; 16],
    };
    world.answer(&again, ApiResponse::LoginToken(migrate));
}

fn imported_token(inbound: &Inbound) -> Vec<u8> {
    match inbound.request.as_ref().map(ApiRequest::call) {
        Ok(ApiCall::ImportLoginToken(import)) => import.token.clone(),
        other => panic!("not auth.importLoginToken: {other:?}"),
    }
}

#[test]
fn a_migrated_qr_login_imports_on_the_account_dc_which_becomes_home() {
    let mut world = new_device_on_media(true);
    migrated(&mut world);
    let import = world.expect_one("auth.importLoginToken");
    assert_eq!(import.dc, HOME);
    assert_eq!(imported_token(&import), vec![6; 16]);
    let success = LoginToken::Success(auth_authorization(Some(vec![8; 32])));
    world.answer(&import, ApiResponse::LoginToken(success));
    assert!(world.events().contains(&ClientEvent::LoggedIn {
        user_id: sessionlab_proto::id::UserId::from_wire(USER_ID),
    }));
    assert_eq!(world.client.home_dc(), HOME);
    assert!(world.client.is_dc_authorized(HOME));
    assert_eq!(world.client.future_auth_tokens().collect::<Vec<_>>(), [&[8u8; 32][..]]);
}

#[test]
fn without_a_key_on_the_account_dc_the_caller_is_asked_for_one() {
    let mut world = new_device_on_media(false);
    migrated(&mut world);
    assert!(world.pump().is_empty(), "no key on HOME: nothing sent yet");
    let token = vec![6; 16];
    assert!(world.events().contains(&ClientEvent::LoginTokenMigrate {
        dc: HOME,
        token: token.clone()
    }));
    register_key(&mut world, HOME);
    world.command(Command::ImportLoginToken { dc: HOME, token });
    let import = world.expect_one("auth.importLoginToken");
    assert_eq!(import.dc, HOME);
}
