//! Flows across requests and pushes: pushed updates routed to the sync
//! state machine, new-login notifications, the session list, moving to
//! another DC, and what happens to answers and pushes that make no sense.

use super::*;
use sessionlab_proto::client::ClientError;
use sessionlab_proto::id::{AuthorizationHash, DcId, UserId};
use sessionlab_proto::sync::ApplyPath;
use sessionlab_proto::wire::api::{
    AccountAuthorizations, ApiCall, AuthorizationsWithSignals, ExportedAuthorization, UnconfirmedLogin,
    Update as WireUpdate, Updates,
};
use sessionlab_proto::wire::DecodeError;

fn applied_seqs(world: &mut ClientHarness) -> Vec<u32> {
    let applied = world.applied();
    assert!(applied.iter().all(|(_, path)| *path == ApplyPath::Push), "{applied:?}");
    applied.into_iter().map(|(seq, _)| seq).collect()
}

#[test]
fn pushed_new_message_updates_are_applied_by_the_sync_state_machine() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(4));
    world.push(
        &like,
        Updates::Batch {
            updates: vec![wire_update(5), wire_update(6)],
            users: Vec::new(),
            date: 0,
            seq: 0,
        },
    );
    world.push(
        &like,
        Updates::Short {
            update: wire_update(7),
            date: 0,
        },
    );
    assert_eq!(applied_seqs(&mut world), [5, 6, 7]);
    assert_eq!(world.client.sync_state().map(|state| state.pts), Some(7));
    let stored: Vec<u32> = world.client.applied_updates().map(|update| update.seq).collect();
    assert_eq!(stored, [5, 6, 7]);
    // A duplicate is not applied twice.
    world.push(
        &like,
        Updates::Short {
            update: wire_update(6),
            date: 0,
        },
    );
    assert_eq!(applied_seqs(&mut world), Vec::<u32>::new());
}

#[test]
fn updates_too_long_makes_the_client_fetch_a_difference() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(4));
    world.push(&like, Updates::TooLong);
    world.expect_one("updates.getDifference");
}

#[test]
fn new_authorization_becomes_a_new_login_event() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    let update = WireUpdate::NewAuthorization {
        hash: -77,
        unconfirmed: Some(UnconfirmedLogin {
            date: 1_767_225_700,
            device: "Desktop".into(),
            location: "Lisbon, PT".into(),
        }),
    };
    world.push(&like, Updates::Short { update, date: 0 });
    let confirmed = WireUpdate::NewAuthorization {
        hash: 12,
        unconfirmed: None,
    };
    world.push(
        &like,
        Updates::Short {
            update: confirmed,
            date: 0,
        },
    );
    assert_eq!(
        world.events(),
        [
            ClientEvent::NewLogin {
                hash: AuthorizationHash(-77),
                unconfirmed: true,
                date: 1_767_225_700,
                device: "Desktop".into(),
                location: "Lisbon, PT".into(),
            },
            ClientEvent::NewLogin {
                hash: AuthorizationHash(12),
                unconfirmed: false,
                date: 0,
                device: String::new(),
                location: String::new(),
            },
        ]
    );
}

#[test]
fn the_session_list_arrives_with_or_without_signals() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    let list = AccountAuthorizations {
        authorization_ttl_days: 180,
        authorizations: Vec::new(),
    };
    world.command(Command::GetAuthorizations);
    let request = world.expect_one("account.getAuthorizations");
    world.answer(&request, ApiResponse::Authorizations(list.clone()));
    let expected = AuthorizationsWithSignals {
        authorizations: list,
        signals: Vec::new(),
    };
    assert_eq!(world.events()[1..], [ClientEvent::Authorizations(expected.clone())]);
    world.command(Command::GetAuthorizations);
    let request = world.expect_one("account.getAuthorizations");
    world.answer(&request, ApiResponse::AuthorizationsWithSignals(expected.clone()));
    assert_eq!(world.events()[1..], [ClientEvent::Authorizations(expected)]);
}

#[test]
fn connect_dc_exports_on_home_and_imports_wrapped_on_the_target() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    world.command(Command::ConnectDc { dc: MEDIA });
    let export = world.expect_one("auth.exportAuthorization");
    assert_eq!(export.dc, HOME);
    world.answer(
        &export,
        ApiResponse::ExportedAuthorization(ExportedAuthorization {
            id: USER_ID,
            bytes: vec![8; 32],
        }),
    );
    let import = world.expect_one("auth.importAuthorization");
    assert_eq!(import.dc, MEDIA);
    let request = import.request.clone().expect("decodes");
    assert_eq!(request.depth(), 2, "first request of the session is wrapped");
    match request.call() {
        ApiCall::ImportAuthorization(import) => {
            assert_eq!((import.id, import.bytes.clone()), (USER_ID, vec![8; 32]))
        }
        other => panic!("{other:?}"),
    }
    assert!(!world.client.is_dc_authorized(MEDIA));
    world.answer(&import, authorization(None));
    assert_eq!(world.events().last(), Some(&ClientEvent::DcConnected { dc: MEDIA }));
    assert!(world.client.is_dc_authorized(MEDIA));
    // Still logged in as before, with the same sync.
    assert_eq!(world.client.user_id(), Some(UserId::from_wire(USER_ID)));
}

#[test]
fn answers_of_the_wrong_type_or_undecodable_are_ignored_with_an_event() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    world.command(Command::GetAuthorizations);
    let request = world.expect_one("account.getAuthorizations");
    world.answer(&request, ApiResponse::Bool(true));
    assert_eq!(
        world.events(),
        [ClientEvent::Ignored {
            dc: HOME,
            error: ClientError::WrongAnswerType {
                method: "account.getAuthorizations"
            }
        }]
    );
    world.command(Command::GetAuthorizations);
    let request = world.expect_one("account.getAuthorizations");
    let now = world.now;
    let packet = world.dc(HOME).answer_raw(now, &request, vec![1, 2, 3, 4]);
    world.client.handle_packet(world.now, HOME, &packet).expect("accepted");
    assert!(matches!(
        world.events()[..],
        [ClientEvent::Ignored {
            error: ClientError::Decode(DecodeError::UnknownConstructor { .. }),
            ..
        }]
    ));
    assert_eq!(world.client.pending_requests(), 0);
}

#[test]
fn a_push_that_is_not_updates_is_ignored_with_an_event() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    let now = world.now;
    let packet = world.dc(HOME).push_raw(now, &like, ApiResponse::Bool(true).encode());
    world.client.handle_packet(world.now, HOME, &packet).expect("accepted");
    assert_eq!(
        world.events(),
        [ClientEvent::Ignored {
            dc: HOME,
            error: ClientError::NotUpdates
        }]
    );
}

#[test]
fn a_packet_from_an_unknown_dc_or_under_another_key_is_an_error() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    let packet = world.push_packet(&like, Updates::TooLong);
    assert_eq!(
        world.client.handle_packet(world.now, DcId(9), &packet),
        Err(ClientError::UnknownDc { dc: DcId(9) })
    );
    assert!(matches!(
        world.client.handle_packet(world.now, MEDIA, &packet),
        Err(ClientError::Transport(_))
    ));
}

#[test]
fn account_commands_become_their_api_calls() {
    use sessionlab_proto::wire::api::{
        ChangeAuthorizationSettings, DeleteAccount, InputCheckPassword, ResetAuthorization, SetAuthorizationTtl,
    };
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    let cases = [
        (
            Command::ResetAuthorization {
                hash: AuthorizationHash(-5),
            },
            ApiCall::ResetAuthorization(ResetAuthorization { hash: -5 }),
        ),
        (
            Command::SetAuthorizationTtl { days: 7 },
            ApiCall::SetAuthorizationTtl(SetAuthorizationTtl {
                authorization_ttl_days: 7,
            }),
        ),
        (
            Command::ConfirmAuthorization {
                hash: AuthorizationHash(9),
            },
            ApiCall::ChangeAuthorizationSettings(ChangeAuthorizationSettings {
                confirmed: true,
                hash: 9,
                ..ChangeAuthorizationSettings::default()
            }),
        ),
        (
            Command::DeleteAccount {
                password: Some(b"pw"[..].into()),
            },
            ApiCall::DeleteAccount(DeleteAccount {
                reason: "deleted from Telegram Android".into(),
                password: Some(InputCheckPassword::Plain(b"pw".to_vec())),
            }),
        ),
    ];
    for (command, call) in cases {
        world.command(command);
        let inbound = world.expect_one(call.name());
        assert_eq!(
            inbound.request,
            Ok(sessionlab_proto::wire::api::ApiRequest::Call(call.clone()))
        );
        world.answer(&inbound, ApiResponse::Bool(true));
        assert!(matches!(world.events()[..], [ClientEvent::RequestDone { method, .. }] if method == call.name()));
    }
}

#[test]
fn a_session_file_of_a_logged_out_device_gives_a_logged_out_client() {
    let world = ClientHarness::new();
    let file = world.client.session_file();
    assert_eq!(file.user, None);
    assert!(file.keys.values().all(|stored| !stored.authorized));
    let mut rng = <rand_chacha::ChaCha8Rng as rand_chacha::rand_core::SeedableRng>::seed_from_u64(5);
    let copy = sessionlab_proto::client::Client::from_session_file(
        file,
        sessionlab_proto::client::ClientConfig::default(),
        &mut rng,
    )
    .expect("valid config");
    assert!(!copy.is_logged_in() && copy.sync().is_none());
    assert_eq!(copy.auth_key_id(HOME), world.client.auth_key_id(HOME));
    assert_ne!(copy.session_id(HOME), world.client.session_id(HOME));
}
