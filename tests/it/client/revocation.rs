//! Revocation: a 401 `AUTH_KEY_UNREGISTERED`, `SESSION_REVOKED`,
//! `SESSION_EXPIRED` or `USER_DEACTIVATED` wipes the client exactly once
//! (local data, tokens and keys go: a revoked key is dead at the server);
//! `SESSION_PASSWORD_NEEDED` and other errors do not. A 406
//! `AUTH_KEY_DUPLICATED` wipes too when it comes from the home DC, and
//! only drops that DC's key when it comes from another.

use super::*;
use sessionlab_proto::client::{CommandError, WipeReason};
use sessionlab_proto::wire::api::{ExportedAuthorization, Updates};

const REVOKING: [(&str, WipeReason); 4] = [
    ("AUTH_KEY_UNREGISTERED", WipeReason::AuthKeyUnregistered),
    ("SESSION_REVOKED", WipeReason::SessionRevoked),
    ("SESSION_EXPIRED", WipeReason::SessionExpired),
    ("USER_DEACTIVATED", WipeReason::UserDeactivated),
];

/// A logged-in client holding one applied update and a future token.
fn world_with_data() -> (ClientHarness, Inbound) {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    world.log_out(vec![3; 4]);
    let get_state = world.log_in(state(0));
    world.push(
        &get_state,
        Updates::Short {
            update: wire_update(1),
            date: 0,
        },
    );
    assert_eq!(world.client.applied_updates().count(), 1);
    world.events();
    (world, get_state)
}

#[test]
fn each_revoking_401_wipes_local_data_and_keys_once() {
    for (message, reason) in REVOKING {
        let (mut world, _) = world_with_data();
        let key_id = world.client.auth_key_id(HOME);
        let first = world.command(Command::GetAuthorizations);
        let second = world.command(Command::SetAuthorizationTtl { days: 30 });
        let inbound = world.pump();
        assert_eq!(inbound.len(), 2, "{message}");
        world.fail(&inbound[0], 401, message);
        // The second answer comes under the key the wipe dropped: the
        // client cannot even decrypt it any more.
        let now = world.now;
        let late = world.dc(HOME).answer_error(now, &inbound[1], 401, message);
        assert_eq!(
            world.client.handle_packet(now, HOME, &late),
            Err(sessionlab_proto::client::ClientError::UnknownDc { dc: HOME })
        );
        assert_eq!(
            world.events(),
            [
                ClientEvent::RequestFailed {
                    request: first,
                    method: "account.getAuthorizations",
                    code: 401,
                    message: message.into()
                },
                ClientEvent::Wiped { reason },
            ],
            "{message} (second request {second:?})"
        );
        assert!(world.client.is_wiped() && !world.client.is_logged_in());
        assert_eq!(world.client.wipe_reason(), Some(reason));
        assert_eq!(world.client.user_id(), None);
        assert_eq!(world.client.applied_updates().count(), 0);
        assert_eq!(world.client.future_auth_tokens().count(), 0);
        assert_eq!(world.client.auth_key_id(HOME), None, "{message}");
        assert_eq!(world.client.auth_key_id(MEDIA), None, "{message}");
        assert!(!world.client.is_dc_authorized(HOME));
        assert_eq!(world.client.pending_requests(), 0);
        assert!(world.client.bytes_sent() > 0, "the byte totals survive the keys");
        // A fresh key, never the dead one, for the next login.
        world.ensure_keys();
        assert!(world.client.auth_key_id(HOME).is_some());
        assert_ne!(world.client.auth_key_id(HOME), key_id, "{message}");
    }
}

#[test]
fn a_wiped_client_sends_nothing_but_a_new_login() {
    let (mut world, get_state) = world_with_data();
    world.command(Command::GetState);
    let request = world.expect_one("updates.getState");
    world.fail(&request, 401, "SESSION_REVOKED");
    world.events();
    assert_eq!(
        world.client.command(world.now, Command::GetAuthorizations),
        Err(CommandError::NotLoggedIn)
    );
    // Pushes under the dropped key cannot be read; no keep-alive, no fetch.
    let pushed = world.push_packet(
        &get_state,
        Updates::Short {
            update: wire_update(2),
            date: 0,
        },
    );
    assert!(world.client.handle_packet(world.now, HOME, &pushed).is_err());
    world.advance(std::time::Duration::from_secs(3600));
    world.tick();
    assert!(world.pump().is_empty());
    assert_eq!(world.client.applied_updates().count(), 0);
    assert_eq!(
        world
            .client
            .command(world.now, Command::SendCode { phone: PHONE.into() }),
        Err(CommandError::NoKey { dc: HOME })
    );
    world.log_in(state(2));
    assert!(!world.client.is_wiped() && world.client.is_logged_in());
}

#[test]
fn password_needed_and_other_errors_do_not_wipe() {
    for (code, message) in [
        (401, "SESSION_PASSWORD_NEEDED"),
        (406, "FRESH_RESET_AUTHORISATION_FORBIDDEN"),
        (420, "FLOOD_WAIT_30"),
        (400, "SESSION_REVOKED"),
    ] {
        let (mut world, _) = world_with_data();
        world.command(Command::ResetAuthorizations);
        let request = world.expect_one("auth.resetAuthorizations");
        world.fail(&request, code, message);
        assert!(!world.client.is_wiped(), "{message}");
        assert!(world.client.is_logged_in(), "{message}");
        assert_eq!(world.client.applied_updates().count(), 1, "{message}");
        let wiped = world
            .events()
            .iter()
            .any(|event| matches!(event, ClientEvent::Wiped { .. }));
        assert!(!wiped, "{message}");
    }
}

#[test]
fn a_revoking_error_before_any_login_wipes_nothing_but_drops_the_dead_key() {
    let mut world = ClientHarness::new();
    let dead = world.client.auth_key_id(HOME);
    world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    world.fail(&send_code, 401, "AUTH_KEY_UNREGISTERED");
    assert!(!world.client.is_wiped());
    assert!(matches!(
        world.events()[..],
        [
            ClientEvent::RequestFailed { code: 401, .. },
            ClientEvent::KeyDropped { dc: HOME }
        ]
    ));
    assert_eq!(world.client.auth_key_id(HOME), None);
    assert!(world.client.auth_key_id(MEDIA).is_some(), "only that DC's key");
    // The next login runs under a fresh key.
    world.log_in(state(0));
    assert!(world.client.is_logged_in());
    assert_ne!(world.client.auth_key_id(HOME), dead);
}

#[test]
fn wipe_reasons_come_from_401s_and_the_duplicated_key_406_only() {
    for (message, reason) in REVOKING {
        assert_eq!(WipeReason::from_rpc_error(401, message), Some(reason));
        assert_eq!(WipeReason::from_rpc_error(400, message), None);
    }
    assert_eq!(WipeReason::from_rpc_error(401, "SESSION_PASSWORD_NEEDED"), None);
    assert_eq!(
        WipeReason::from_rpc_error(406, "AUTH_KEY_DUPLICATED"),
        Some(WipeReason::AuthKeyDuplicated)
    );
    assert_eq!(
        WipeReason::from_rpc_error(406, "FRESH_RESET_AUTHORISATION_FORBIDDEN"),
        None
    );
}

#[test]
fn a_duplicated_media_key_only_drops_that_key_and_a_duplicated_home_key_wipes() {
    let (mut world, _) = world_with_data();
    world.command(Command::ConnectDc { dc: MEDIA });
    let export = world.expect_one("auth.exportAuthorization");
    world.answer(
        &export,
        ApiResponse::ExportedAuthorization(ExportedAuthorization {
            id: USER_ID,
            bytes: vec![8; 32],
        }),
    );
    let import = world.expect_one("auth.importAuthorization");
    world.answer(&import, authorization(None));
    assert!(world.client.is_dc_authorized(MEDIA));
    world.events();
    world.command(Command::FetchFile { dc: MEDIA });
    let fetch = world.expect_one("updates.getState");
    assert_eq!(fetch.dc, MEDIA);
    world.fail(&fetch, 406, "AUTH_KEY_DUPLICATED");
    assert!(world.client.is_logged_in(), "the home authorization lives on");
    assert_eq!(world.client.auth_key_id(MEDIA), None, "the media key is dropped");
    assert!(world.events().contains(&ClientEvent::KeyDropped { dc: MEDIA }));
    world.command(Command::GetAuthorizations);
    let home = world.expect_one("account.getAuthorizations");
    world.fail(&home, 406, "AUTH_KEY_DUPLICATED");
    assert!(world.client.is_wiped());
    assert_eq!(world.client.wipe_reason(), Some(WipeReason::AuthKeyDuplicated));
    assert_eq!(world.client.auth_key_id(HOME), None);
}
