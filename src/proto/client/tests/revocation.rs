//! Revocation: a 401 `AUTH_KEY_UNREGISTERED`, `SESSION_REVOKED`,
//! `SESSION_EXPIRED` or `USER_DEACTIVATED` wipes the client exactly once
//! (local data and tokens go, keys stay); `SESSION_PASSWORD_NEEDED` and
//! other errors do not.

use super::*;
use crate::proto::client::{CommandError, WipeReason};
use crate::proto::wire::api::Updates;

const REVOKING: [(&str, WipeReason); 4] = [
    ("AUTH_KEY_UNREGISTERED", WipeReason::AuthKeyUnregistered),
    ("SESSION_REVOKED", WipeReason::SessionRevoked),
    ("SESSION_EXPIRED", WipeReason::SessionExpired),
    ("USER_DEACTIVATED", WipeReason::UserDeactivated),
];

/// A logged-in client holding one applied update and a future token.
fn world_with_data() -> (World, Inbound) {
    let mut world = World::new();
    world.log_in(state(0));
    world.log_out(vec![3; 4]);
    let get_state = world.log_in(state(0));
    world.push(
        &get_state,
        Updates::Short {
            update: opaque(1),
            date: 0,
        },
    );
    assert_eq!(world.client.applied_updates().count(), 1);
    world.events();
    (world, get_state)
}

#[test]
fn each_revoking_401_wipes_local_data_once_and_keeps_the_keys() {
    for (message, reason) in REVOKING {
        let (mut world, _) = world_with_data();
        let key_id = world.client.auth_key_id(HOME);
        let first = world.command(Command::GetAuthorizations);
        let second = world.command(Command::SetAuthorizationTtl { days: 30 });
        let inbound = world.pump();
        assert_eq!(inbound.len(), 2, "{message}");
        world.fail(&inbound[0], 401, message);
        world.fail(&inbound[1], 401, message);
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
                // The second answer belongs to a request the wipe dropped.
                ClientEvent::Ignored {
                    dc: HOME,
                    error: crate::proto::client::ClientError::UnknownRequest {
                        msg_id: inbound[1].msg_id
                    }
                },
            ],
            "{message} (second request {second:?})"
        );
        assert!(world.client.is_wiped() && !world.client.is_logged_in());
        assert_eq!(world.client.wipe_reason(), Some(reason));
        assert_eq!(world.client.user_id(), None);
        assert_eq!(world.client.applied_updates().count(), 0);
        assert_eq!(world.client.future_auth_tokens().count(), 0);
        assert_eq!(world.client.auth_key_id(HOME), key_id);
        assert!(!world.client.is_dc_authorized(HOME));
        assert_eq!(world.client.pending_requests(), 0);
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
    // Pushed updates are not applied any more; no keep-alive, no fetch.
    world.push(
        &get_state,
        Updates::Short {
            update: opaque(2),
            date: 0,
        },
    );
    world.advance(std::time::Duration::from_secs(3600));
    world.tick();
    assert!(world.pump().is_empty());
    assert_eq!(world.client.applied_updates().count(), 0);
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
fn a_revoking_error_before_any_login_wipes_nothing() {
    let mut world = World::new();
    world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    world.fail(&send_code, 401, "AUTH_KEY_UNREGISTERED");
    assert!(!world.client.is_wiped());
    assert!(matches!(
        world.events()[..],
        [ClientEvent::RequestFailed { code: 401, .. }]
    ));
}

#[test]
fn wipe_reasons_come_from_401s_only() {
    for (message, reason) in REVOKING {
        assert_eq!(WipeReason::from_rpc_error(401, message), Some(reason));
        assert_eq!(WipeReason::from_rpc_error(400, message), None);
    }
    assert_eq!(WipeReason::from_rpc_error(401, "SESSION_PASSWORD_NEEDED"), None);
}
