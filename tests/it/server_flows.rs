//! End-to-end flows through `proto::Server` over encrypted packets: logins,
//! the session list, terminate-all against a stolen key on every DC, the
//! fresh-session rule, pushed updates and differences, QR login, TTL expiry.

use sessionlab_proto::id::{DcId, UserId};
use std::time::Duration;

use sessionlab_proto::auth::CodeDelivery;
use sessionlab_proto::auth::{Policy, RevocationPolicy};
use sessionlab_proto::server::{AdminAnswer, AdminCommand};
use sessionlab_proto::sync::UpdateKind;
use sessionlab_proto::wire::api::{self, ApiCall, ApiResponse, TlObject};
use sessionlab_testkit::server_cluster::{CallError, ServerCluster};

const PHONE: &str = "+15550001";
const USER: u64 = 42;
const DAY: Duration = Duration::from_secs(86_400);

fn error(code: i32, message: &str) -> CallError {
    CallError {
        code,
        message: message.into(),
    }
}

fn get_state() -> ApiCall {
    ApiCall::GetState(api::GetState)
}

fn export_call() -> ApiCall {
    ApiCall::ExportLoginToken(api::ExportLoginToken {
        api_id: 4,
        api_hash: "h".into(),
        except_ids: vec![],
    })
}

/// A fresh QR login token exported by `device` (an unauthorized key).
fn export_login_token(cluster: &mut ServerCluster, device: usize) -> Vec<u8> {
    match cluster.call(device, export_call()) {
        Ok(ApiResponse::LoginToken(api::LoginToken::Token { token, .. })) => token,
        other => panic!("{other:?}"),
    }
}

fn authorizations(cluster: &mut ServerCluster, device: usize) -> api::AccountAuthorizations {
    match cluster.call(device, ApiCall::GetAuthorizations(api::GetAuthorizations)) {
        Ok(ApiResponse::Authorizations(list)) => list,
        other => panic!("unexpected answer {other:?}"),
    }
}

/// One account on DC 1 with a phone logged in a week ago.
fn account_with_phone(policy: Policy) -> (ServerCluster, usize) {
    let mut cluster = ServerCluster::new(3, policy, 1);
    cluster.add_account(1, USER, PHONE);
    let phone = cluster.add_device(1);
    let answer = cluster.login_with_code(phone, PHONE).expect("login");
    assert!(matches!(answer, ApiResponse::AuthAuthorization(ref auth) if auth.user.id == USER as i64));
    cluster.advance(7 * DAY);
    (cluster, phone)
}

#[test]
fn login_by_code_goes_to_the_sim_first_then_in_app() {
    let (mut cluster, phone) = account_with_phone(Policy::default());
    assert!(matches!(cluster.codes[0].2, CodeDelivery::Sms));
    let list = authorizations(&mut cluster, phone);
    assert_eq!(list.authorization_ttl_days, 180);
    assert_eq!(list.authorizations.len(), 1);
    assert!(list.authorizations[0].current);
    assert_eq!(list.authorizations[0].device_model, "Device 0");

    // A second login's code goes to the logged-in phone, which is also told.
    let desktop = cluster.add_device(1);
    cluster.login_with_code(desktop, PHONE).expect("second login");
    assert!(
        matches!(&cluster.codes[1].2, CodeDelivery::App { key_ids } if key_ids == &[cluster.devices[phone].key.id()])
    );
    let pushed = cluster.devices[phone].pushed.last().expect("a notification").clone();
    match api::Updates::decode(&pushed) {
        Ok(api::Updates::Short {
            update:
                api::Update::NewAuthorization {
                    unconfirmed: Some(login),
                    ..
                },
            ..
        }) => {
            assert_eq!(login.device, "Device 1");
        }
        other => panic!("expected updateNewAuthorization, got {other:?}"),
    }
    let list = authorizations(&mut cluster, phone);
    assert_eq!(list.authorizations.len(), 2);
    assert!(list.authorizations[1].unconfirmed);
}

#[test]
fn wrong_code_and_unknown_method_are_rpc_errors() {
    let mut cluster = ServerCluster::new(1, Policy::default(), 2);
    cluster.add_account(1, USER, PHONE);
    let device = cluster.add_device(1);
    let sent = cluster
        .call(
            device,
            ApiCall::SendCode(api::SendCode {
                phone_number: PHONE.into(),
                api_id: 4,
                api_hash: "h".into(),
                settings: Default::default(),
            }),
        )
        .expect("code sent");
    let ApiResponse::SentCode(api::SentCode::Sent { phone_code_hash, .. }) = sent else {
        panic!("{sent:?}")
    };
    let wrong = ApiCall::SignIn(api::SignIn {
        phone_number: PHONE.into(),
        phone_code_hash,
        phone_code: Some("00000x".into()),
    });
    assert_eq!(cluster.call(device, wrong), Err(error(400, "PHONE_CODE_INVALID")));
    // An unauthorized key cannot read the update log.
    assert_eq!(
        cluster.call(device, get_state()),
        Err(error(401, "AUTH_KEY_UNREGISTERED"))
    );
}

/// The owner's phone, its copy on DC 2 (media), and malware's copy of the
/// desktop's whole session file; the phone terminates all other sessions.
fn stolen_desktop(policy: Policy) -> (ServerCluster, usize, usize, usize) {
    let (mut cluster, phone) = account_with_phone(policy);
    let desktop = cluster.add_device(1);
    cluster.login_with_code(desktop, PHONE).expect("desktop login");
    // The desktop fetches media from DC 2: export on DC 1, import on DC 2.
    let exported = match cluster.call(
        desktop,
        ApiCall::ExportAuthorization(api::ExportAuthorization { dc_id: 2 }),
    ) {
        Ok(ApiResponse::ExportedAuthorization(exported)) => exported,
        other => panic!("{other:?}"),
    };
    let desktop_dc2 = cluster.add_device(2);
    let import = ApiCall::ImportAuthorization(api::ImportAuthorization {
        id: exported.id,
        bytes: exported.bytes,
    });
    cluster.call(desktop_dc2, import).expect("import on DC 2");
    // Malware copies both keys.
    let stolen_dc1 = cluster.add_device_with_key(1, cluster.devices[desktop].key.clone());
    let stolen_dc2 = cluster.add_device_with_key(2, cluster.devices[desktop_dc2].key.clone());
    assert!(
        cluster.call(stolen_dc1, get_state()).is_ok(),
        "the stolen key works before"
    );
    assert!(cluster.call(stolen_dc2, get_state()).is_ok(), "on both DCs");
    (cluster, phone, stolen_dc1, stolen_dc2)
}

#[test]
fn terminate_all_others_under_sync_revocation_stops_a_stolen_key_on_every_dc() {
    let (mut cluster, phone, stolen_dc1, stolen_dc2) = stolen_desktop(Policy::default());
    let reset = cluster.call(phone, ApiCall::ResetAuthorizations(api::ResetAuthorizations));
    assert_eq!(reset, Ok(ApiResponse::Bool(true)));
    assert_eq!(
        cluster.call(stolen_dc1, get_state()),
        Err(error(401, "SESSION_REVOKED"))
    );
    assert!(cluster.call(stolen_dc2, get_state()).is_err_and(|e| e.code == 401));
    assert_eq!(authorizations(&mut cluster, phone).authorizations.len(), 1);
}

#[test]
fn under_async_revocation_the_copy_on_another_dc_works_until_the_delay() {
    let policy = Policy {
        revocation: RevocationPolicy::Async {
            delay: Duration::from_secs(2),
        },
        ..Policy::default()
    };
    let (mut cluster, phone, stolen_dc1, stolen_dc2) = stolen_desktop(policy);
    assert_eq!(
        cluster.call(phone, ApiCall::ResetAuthorizations(api::ResetAuthorizations)),
        Ok(ApiResponse::Bool(true))
    );
    assert_eq!(
        cluster.call(stolen_dc1, get_state()),
        Err(error(401, "SESSION_REVOKED")),
        "home DC at once"
    );
    assert!(
        cluster.call(stolen_dc2, get_state()).is_ok(),
        "DC 2 has not heard yet: a bypass"
    );
    cluster.advance(Duration::from_secs(3));
    assert!(
        cluster.call(stolen_dc2, get_state()).is_err_and(|e| e.code == 401),
        "after the delay"
    );
}

#[test]
fn a_fresh_session_cannot_terminate_others_but_an_old_stolen_key_can() {
    let (mut cluster, phone) = account_with_phone(Policy::default());
    let fresh = cluster.add_device(1);
    cluster.login_with_code(fresh, PHONE).expect("login");
    assert_eq!(
        cluster.call(fresh, ApiCall::ResetAuthorizations(api::ResetAuthorizations)),
        Err(error(406, "FRESH_RESET_AUTHORISATION_FORBIDDEN"))
    );
    assert_eq!(
        cluster.call(
            fresh,
            ApiCall::SetAuthorizationTtl(api::SetAuthorizationTtl {
                authorization_ttl_days: 7
            })
        ),
        Err(error(406, "FRESH_RESET_AUTHORISATION_FORBIDDEN"))
    );
    // A copy of the week-old phone key is not fresh: it can evict the owner.
    let thief = cluster.add_device_with_key(1, cluster.devices[phone].key.clone());
    assert_eq!(
        cluster.call(thief, ApiCall::ResetAuthorizations(api::ResetAuthorizations)),
        Ok(ApiResponse::Bool(true))
    );
    assert!(cluster.call(fresh, get_state()).is_err_and(|e| e.code == 401));
}

#[test]
fn ttl_out_of_range_is_refused_and_inactive_sessions_expire() {
    let (mut cluster, phone) = account_with_phone(Policy::default());
    let tablet = cluster.add_device(1);
    cluster.login_with_code(tablet, PHONE).expect("login");
    for days in [0, 367] {
        let call = ApiCall::SetAuthorizationTtl(api::SetAuthorizationTtl {
            authorization_ttl_days: days,
        });
        assert_eq!(cluster.call(phone, call), Err(error(400, "TTL_DAYS_INVALID")));
    }
    let week = ApiCall::SetAuthorizationTtl(api::SetAuthorizationTtl {
        authorization_ttl_days: 7,
    });
    assert_eq!(cluster.call(phone, week), Ok(ApiResponse::Bool(true)));
    // The phone stays active; the tablet goes quiet for more than a week.
    for _ in 0..8 {
        cluster.advance(DAY);
        cluster.call(phone, get_state()).expect("phone active");
    }
    assert!(cluster.call(tablet, get_state()).is_err_and(|e| e.code == 401));
    assert_eq!(authorizations(&mut cluster, phone).authorizations.len(), 1);
}

#[test]
fn pushed_updates_reach_online_sessions_and_differences_fill_gaps() {
    let (mut cluster, phone) = account_with_phone(Policy::default());
    cluster.call(phone, get_state()).expect("online");
    for index in 0..5 {
        let server = cluster.servers.get_mut(&DcId(1)).expect("dc 1");
        let mut rng = sessionlab_testkit::server_cluster::seeded(index);
        server
            .push_update(cluster.now, UserId(USER), UpdateKind::NewMessage, 100, &mut rng)
            .expect("logged");
        cluster.settle();
    }
    // Each log update travels in its own `updates` container, numbered by
    // the account's seq, so that clients can apply the seq rule.
    let pushed: Vec<(i32, i32)> = cluster.devices[phone]
        .pushed
        .iter()
        .filter_map(|body| match api::Updates::decode(body) {
            Ok(api::Updates::Batch { updates, seq, .. }) => match updates.as_slice() {
                [api::Update::NewMessage { message, pts, .. }] => {
                    assert_eq!(message.text.len(), 20 + 100);
                    assert_eq!(message.peer_user_id, USER as i64);
                    Some((seq, *pts))
                }
                other => panic!("{other:?}"),
            },
            _ => None,
        })
        .collect();
    assert_eq!(pushed, [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]);
    let difference = |pts, limit| {
        ApiCall::GetDifference(api::GetDifference {
            pts,
            pts_limit: Some(limit),
            date: 0,
            qts: 0,
            ..Default::default()
        })
    };
    match cluster.call(phone, difference(1, 1000)) {
        Ok(ApiResponse::Difference(api::Difference::Full(part))) => {
            assert_eq!(part.other_updates.len(), 4);
            assert_eq!(part.state.pts, 5);
        }
        other => panic!("{other:?}"),
    }
    match cluster.call(phone, difference(0, 2)) {
        Ok(ApiResponse::Difference(api::Difference::Slice(part))) => {
            assert_eq!(part.other_updates.len(), 2);
            assert_eq!(part.state.pts, 2);
        }
        other => panic!("{other:?}"),
    }
    match cluster.call(phone, difference(5, 10)) {
        Ok(ApiResponse::Difference(api::Difference::Empty { .. })) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        cluster.call(phone, difference(9, 10)),
        Err(error(400, "PERSISTENT_TIMESTAMP_INVALID"))
    );
}

#[test]
fn qr_login_by_a_stolen_key_mints_a_session_that_terminate_all_ends() {
    let (mut cluster, phone) = account_with_phone(Policy::default());
    let thief = cluster.add_device_with_key(1, cluster.devices[phone].key.clone());
    let attacker_device = cluster.add_device(1);
    let token = export_login_token(&mut cluster, attacker_device);
    let accepted = cluster.call(thief, ApiCall::AcceptLoginToken(api::AcceptLoginToken { token }));
    assert!(matches!(accepted, Ok(ApiResponse::Authorization(_))), "{accepted:?}");
    // The exporting key is now logged in: exporting again says so.
    let again = cluster.call(attacker_device, export_call());
    assert!(
        matches!(again, Ok(ApiResponse::LoginToken(api::LoginToken::Success(_)))),
        "{again:?}"
    );
    assert!(cluster.call(attacker_device, get_state()).is_ok(), "a foothold");
    // The owner sees it and terminates all others from the phone. The thief
    // shares the phone's key, so it survives; the minted session does not.
    cluster.advance(DAY);
    assert_eq!(
        cluster.call(phone, ApiCall::ResetAuthorizations(api::ResetAuthorizations)),
        Ok(ApiResponse::Bool(true))
    );
    assert!(cluster.call(attacker_device, get_state()).is_err_and(|e| e.code == 401));
    assert!(
        cluster.call(thief, get_state()).is_ok(),
        "terminate-all from the copied device leaves the copy in"
    );
    assert!(cluster.accepted_requests(1, cluster.devices[thief].key.id()) >= 3);
}

#[test]
fn account_deletion_locks_erases_and_releases_and_waits_a_week_with_2fa() {
    use sessionlab_proto::auth::DeletionPhase;
    let (mut cluster, phone) = account_with_phone(Policy::default());
    let delete = |password: Option<&str>| {
        ApiCall::DeleteAccount(api::DeleteAccount {
            reason: "leaving".into(),
            password: password.map(|p| api::InputCheckPassword::Plain(p.as_bytes().to_vec())),
        })
    };
    // With 2FA and no password, deletion waits 7 days and requests still work.
    let key_id = cluster.devices[phone].key.id();
    let now = cluster.now;
    let mut rng = sessionlab_testkit::server_cluster::seeded(1);
    let server = cluster.servers.get_mut(&DcId(1)).expect("dc 1");
    let command = AdminCommand::UpdatePassword {
        key_id,
        current: None,
        new: Some(b"secret"),
        salt: [2; 16],
    };
    assert_eq!(
        server.handle_admin(now, command, &mut rng),
        Ok(AdminAnswer::PasswordUpdated),
        "2FA enabled"
    );
    assert_eq!(cluster.call(phone, delete(None)), Ok(ApiResponse::Bool(true)));
    assert!(cluster.call(phone, get_state()).is_ok(), "scheduled, not locked yet");
    cluster.advance(7 * DAY + Duration::from_secs(1));
    assert_eq!(
        cluster.call(phone, get_state()),
        Err(error(401, "USER_DEACTIVATED")),
        "locked after a week"
    );
    // Erase (with the bytes the account held) and release.
    let now = cluster.now;
    let server = cluster.servers.get_mut(&DcId(1)).expect("dc 1");
    let advance = |stored_bytes| AdminCommand::AdvanceDeletion {
        user_id: UserId(USER),
        stored_bytes,
    };
    let erase = server.handle_admin(now, advance(12_345), &mut rng);
    assert_eq!(erase, Ok(AdminAnswer::Deletion(DeletionPhase::Erase)));
    let release = server.handle_admin(now, advance(0), &mut rng);
    assert_eq!(release, Ok(AdminAnswer::Deletion(DeletionPhase::Release)));
    // A deletion past its last phase is refused, not a panic.
    assert!(server.handle_admin(now, advance(0), &mut rng).is_err());
    cluster.settle();
    let erased: Vec<u64> = cluster
        .events
        .iter()
        .filter_map(|(_, event)| match event {
            sessionlab_proto::server::ServerEvent::Auth(auth) => match auth.kind {
                sessionlab_proto::auth::AuthEventKind::DeletionAdvanced {
                    erased_bytes,
                    phase: DeletionPhase::Erase,
                    ..
                } => Some(erased_bytes),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(erased, [12_345]);
}

#[test]
fn a_qr_minted_session_survives_terminate_all_when_the_limit_leaves_it() {
    // Seed 000's claim: "terminate all" ends at most 5 sessions, oldest first.
    let policy = Policy {
        terminate_all_limit: 5,
        ..Policy::default()
    };
    let (mut cluster, phone) = account_with_phone(policy);
    for _ in 0..5 {
        let device = cluster.add_device(1);
        cluster.login_with_code(device, PHONE).expect("login");
    }
    let thief = cluster.add_device_with_key(1, cluster.devices[1].key.clone());
    let attacker_device = cluster.add_device(1);
    let token = export_login_token(&mut cluster, attacker_device);
    // A token lives about 30 s.
    cluster.advance(Duration::from_secs(31));
    let late = cluster.call(phone, ApiCall::AcceptLoginToken(api::AcceptLoginToken { token }));
    assert_eq!(late, Err(error(400, "AUTH_TOKEN_EXPIRED")));
    // A week later every session is confirmed (auto-confirm after 7 days) and old.
    cluster.advance(8 * DAY);
    // The thief (a copy of device 1) accepts a fresh token; then the owner
    // terminates all others: the five oldest go, the minted session is the sixth.
    let token = export_login_token(&mut cluster, attacker_device);
    assert!(cluster
        .call(thief, ApiCall::AcceptLoginToken(api::AcceptLoginToken { token }))
        .is_ok());
    assert_eq!(
        cluster.call(phone, ApiCall::ResetAuthorizations(api::ResetAuthorizations)),
        Ok(ApiResponse::Bool(true))
    );
    assert!(
        cluster.call(thief, get_state()).is_err_and(|e| e.code == 401),
        "device 1 was among the oldest five"
    );
    assert!(
        cluster.call(attacker_device, get_state()).is_ok(),
        "the minted session survives the limited sweep"
    );
    // Without the limit it would not have.
    let remaining = authorizations(&mut cluster, phone).authorizations.len();
    assert_eq!(remaining, 2, "the phone and the minted session");
}
