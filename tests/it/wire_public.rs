//! What a stock Telegram client receives: only Telegram's published
//! constructors, unless its `initConnection` opted in to the
//! project-private answers (`params = {"sessionlab_extensions": true}`).
//! Answers are walked by the schema text (`sessionlab_testkit::tl_walk`),
//! independently of the core's typed decoders.

use sessionlab_proto::auth::Policy;
use sessionlab_proto::id::{DcId, UserId};
use sessionlab_proto::sync::UpdateKind;
use sessionlab_proto::wire::api::{self, ApiCall, ApiRequest, ApiResponse, TlObject};
use sessionlab_proto::wire::{PRIVATE_ID_FIRST, PRIVATE_ID_LAST};
use sessionlab_testkit::server_cluster::ServerCluster;
use sessionlab_testkit::tl_walk::Schema;

const PHONE: &str = "+15550001";
const USER: u64 = 42;

/// One account on DC 1 with a stock phone (device 0) and a desktop that
/// opted in (device 1), both logged in.
fn stock_phone_and_opted_in_desktop() -> (ServerCluster, usize, usize) {
    let mut cluster = ServerCluster::new(2, Policy::default(), 7);
    cluster.add_account(1, USER, PHONE);
    let phone = cluster.add_device(1);
    cluster.login_with_code(phone, PHONE).expect("phone logs in");
    let desktop = cluster.add_device(1);
    cluster.devices[desktop].opts_in = true;
    cluster.login_with_code(desktop, PHONE).expect("desktop logs in");
    (cluster, phone, desktop)
}

fn get_authorizations() -> ApiCall {
    ApiCall::GetAuthorizations(api::GetAuthorizations)
}

#[test]
fn a_stock_client_gets_the_published_account_authorizations() {
    let (mut cluster, phone, _) = stock_phone_and_opted_in_desktop();
    let bytes = cluster.call_bytes(phone, get_authorizations()).expect("answered");
    assert_eq!(hex::encode(&bytes[..4]), "a08eff4b", "account.authorizations#4bff8ea0");
    assert_eq!(
        hex::encode(&bytes[4..16]),
        "b400000015c4b51c02000000",
        "180 days, two sessions"
    );
    assert_eq!(hex::encode(&bytes[16..20]), "1dd601ad", "authorization#ad01d61d");
    let list = api::AccountAuthorizations::decode(&bytes).expect("a whole account.authorizations");
    assert_eq!(list.authorization_ttl_days, 180);
    let sessions: Vec<(bool, &str, bool)> = list
        .authorizations
        .iter()
        .map(|authorization| {
            (
                authorization.current,
                authorization.device_model.as_str(),
                authorization.unconfirmed,
            )
        })
        .collect();
    assert_eq!(sessions, [(true, "Device 0", false), (false, "Device 1", true)]);
}

#[test]
fn an_opted_in_client_gets_the_same_list_with_signals() {
    let (mut cluster, phone, desktop) = stock_phone_and_opted_in_desktop();
    let public = match cluster.call(phone, get_authorizations()) {
        Ok(ApiResponse::Authorizations(list)) => list,
        other => panic!("{other:?}"),
    };
    let bytes = cluster.call_bytes(desktop, get_authorizations()).expect("answered");
    assert_eq!(
        hex::encode(&bytes[..4]),
        "b41a555e",
        "sessionlab.authorizationsWithSignals#5e551ab4"
    );
    let private = api::AuthorizationsWithSignals::decode(&bytes).expect("a whole answer");
    // The same sessions, seen from the other one (the current one first).
    let hashes = |list: &api::AccountAuthorizations| -> Vec<i64> {
        list.authorizations
            .iter()
            .map(|authorization| authorization.hash)
            .collect()
    };
    let (phone_hash, desktop_hash) = (public.authorizations[0].hash, public.authorizations[1].hash);
    assert_eq!(hashes(&private.authorizations), [desktop_hash, phone_hash]);
    let signalled: Vec<i64> = private.signals.iter().map(|signals| signals.hash).collect();
    assert_eq!(
        signalled,
        [desktop_hash, phone_hash],
        "one signals entry per authorization"
    );
    // The desktop's model had never been used on the account: its login is flagged.
    assert_eq!(
        private
            .signals_of(desktop_hash)
            .map(|signals| signals.unseen_device_model),
        Some(true)
    );
}

#[test]
fn the_latest_init_connection_of_a_key_decides() {
    let (mut cluster, _, desktop) = stock_phone_and_opted_in_desktop();
    // The same key starts a new session without the marker: stock again.
    let key = cluster.devices[desktop].key.clone();
    let again = cluster.add_device_with_key(1, key);
    assert!(cluster.call(again, ApiCall::GetState(api::GetState)).is_ok());
    let bytes = cluster.call_bytes(desktop, get_authorizations()).expect("answered");
    assert_eq!(hex::encode(&bytes[..4]), "a08eff4b");
}

/// Every id in the project-private range that `bytes` hold in a
/// constructor position (walked by the schema text, not the typed codecs).
fn private_constructors(schema: &Schema, bytes: &[u8]) -> Vec<String> {
    let ids = schema
        .constructors_in(bytes)
        .unwrap_or_else(|error| panic!("{error}: {}", hex::encode(bytes)));
    ids.into_iter()
        .filter(|id| (PRIVATE_ID_FIRST..=PRIVATE_ID_LAST).contains(id))
        .map(|id| format!("{id:#010x} {}", schema.name_of(id).unwrap_or("?")))
        .collect()
}

#[test]
fn a_stock_client_receives_no_private_constructor_anywhere() {
    let mut cluster = ServerCluster::new(2, Policy::default(), 11);
    cluster.add_account(1, USER, PHONE);
    let phone = cluster.add_device(1);
    let code = ApiCall::SendCode(api::SendCode {
        phone_number: PHONE.into(),
        api_id: 4,
        api_hash: "h".into(),
        settings: api::CodeSettings::default(),
    });
    // auth.sentCode, then an rpc_error for a wrong code, then auth.authorization.
    let sent = match cluster.call(phone, code) {
        Ok(ApiResponse::SentCode(api::SentCode::Sent { phone_code_hash, .. })) => phone_code_hash,
        other => panic!("{other:?}"),
    };
    let sign_in = |code: &str| {
        ApiCall::SignIn(api::SignIn {
            phone_number: PHONE.into(),
            phone_code_hash: sent.clone(),
            phone_code: Some(code.into()),
        })
    };
    assert!(cluster.call(phone, sign_in("000000x")).is_err());
    let code = cluster.codes.last().expect("a code").1.clone();
    assert!(matches!(
        cluster.call(phone, sign_in(&code)),
        Ok(ApiResponse::AuthAuthorization(_))
    ));
    // A second device logs in: the phone is pushed updateNewAuthorization.
    let desktop = cluster.add_device(1);
    cluster.login_with_code(desktop, PHONE).expect("desktop logs in");
    // Past the fresh-session rule: the phone may change settings.
    cluster.advance(std::time::Duration::from_secs(2 * 86_400));
    let calls = [
        ApiCall::GetAuthorizations(api::GetAuthorizations),
        ApiCall::GetState(api::GetState),
        ApiCall::SetAuthorizationTtl(api::SetAuthorizationTtl {
            authorization_ttl_days: 30,
        }),
    ];
    for call in calls {
        let name = call.name();
        assert!(cluster.call(phone, call).is_ok(), "{name}");
    }
    // Log updates: pushed to the online phone, then listed in differences.
    for index in 0..3 {
        let server = cluster.servers.get_mut(&DcId(1)).expect("dc 1");
        let mut rng = sessionlab_testkit::server_cluster::seeded(index);
        server
            .push_update(
                cluster.now,
                UserId(USER),
                UpdateKind::NewMessage,
                5 * index as u32,
                &mut rng,
            )
            .expect("logged");
        cluster.settle();
    }
    let difference = |pts| {
        ApiCall::GetDifference(api::GetDifference {
            pts,
            pts_limit: Some(10),
            date: 0,
            qts: 0,
            ..Default::default()
        })
    };
    assert!(matches!(
        cluster.call(phone, difference(0)),
        Ok(ApiResponse::Difference(api::Difference::Full(_)))
    ));
    assert!(matches!(
        cluster.call(phone, difference(3)),
        Ok(ApiResponse::Difference(api::Difference::Empty { .. }))
    ));
    // The history reload after differenceTooLong: a published method and answer.
    let history = ApiCall::GetHistory(api::GetHistory {
        limit: 2,
        ..Default::default()
    });
    match cluster.call(phone, history) {
        Ok(ApiResponse::Messages(api::Messages::Slice { count, messages, .. })) => {
            assert_eq!(count, 3);
            assert_eq!(messages.iter().map(|message| message.id).collect::<Vec<_>>(), [3, 2]);
        }
        other => panic!("{other:?}"),
    }
    // QR login: auth.loginToken, an authorization, updateLoginToken, auth.loginTokenSuccess.
    let tablet = cluster.add_device(1);
    let export = ApiCall::ExportLoginToken(api::ExportLoginToken {
        api_id: 4,
        api_hash: "h".into(),
        except_ids: vec![],
    });
    let token = match cluster.call(tablet, export.clone()) {
        Ok(ApiResponse::LoginToken(api::LoginToken::Token { token, .. })) => token,
        other => panic!("{other:?}"),
    };
    let accepted = cluster.call(phone, ApiCall::AcceptLoginToken(api::AcceptLoginToken { token }));
    assert!(matches!(accepted, Ok(ApiResponse::Authorization(_))), "{accepted:?}");
    assert!(matches!(
        cluster.call(tablet, export),
        Ok(ApiResponse::LoginToken(api::LoginToken::Success(_)))
    ));
    let desktop_hash = match cluster.call(phone, ApiCall::GetAuthorizations(api::GetAuthorizations)) {
        Ok(ApiResponse::Authorizations(list)) => list
            .authorizations
            .iter()
            .find(|authorization| authorization.device_model == "Device 1")
            .map(|authorization| authorization.hash)
            .expect("the desktop is listed"),
        other => panic!("{other:?}"),
    };
    let terminate = ApiCall::ResetAuthorization(api::ResetAuthorization { hash: desktop_hash });
    assert_eq!(cluster.call(phone, terminate), Ok(ApiResponse::Bool(true)));
    assert!(matches!(
        cluster.call(tablet, ApiCall::LogOut(api::LogOut)),
        Ok(ApiResponse::LoggedOut(_))
    ));

    let schema = Schema::of_the_core();
    let mut walked = std::collections::BTreeSet::new();
    for device in [phone, desktop, tablet] {
        for body in &cluster.devices[device].received {
            assert_eq!(private_constructors(&schema, body), Vec::<String>::new());
            walked.extend(schema.constructors_in(body).expect("walked"));
        }
    }
    let names: Vec<&str> = walked.iter().filter_map(|id| schema.name_of(*id)).collect();
    for expected in [
        "auth.sentCode",
        "rpc_error",
        "auth.authorization",
        "user",
        "updateShort",
        "updateNewAuthorization",
        "updateNewMessage",
        "message",
        "peerUser",
        "account.authorizations",
        "authorization",
        "updates.state",
        "updates.difference",
        "updates.differenceEmpty",
        "auth.loginToken",
        "updateLoginToken",
        "auth.loginTokenSuccess",
        "auth.loggedOut",
    ] {
        assert!(names.contains(&expected), "{expected} was not exercised: {names:?}");
    }
}

#[test]
fn an_opted_in_answer_is_walked_to_its_private_constructors() {
    let (mut cluster, _, desktop) = stock_phone_and_opted_in_desktop();
    let bytes = cluster.call_bytes(desktop, get_authorizations()).expect("answered");
    let schema = Schema::of_the_core();
    let private = private_constructors(&schema, &bytes);
    assert_eq!(private[0], "0x5e551ab4 sessionlab.authorizationsWithSignals");
    assert!(private[1..]
        .iter()
        .all(|name| name == "0x5e551ab3 sessionlab.authorizationSignals"));
    assert_eq!(private.len(), 3, "the wrapper and one signals entry per session");
}

#[test]
fn the_fuzz_seeds_of_the_layer_229_objects_decode() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/wire_decode");
    let read = |name: &str| std::fs::read(seeds.join(name)).expect("a seed");
    assert!(api::User::decode(&read("user")).is_ok());
    assert!(api::Updates::decode(&read("update_new_message")).is_ok());
    assert!(api::AccountAuthorizations::decode(&read("account_authorizations")).is_ok());
    assert_eq!(
        api::JsonValue::decode(&read("init_connection_params")),
        Ok(api::JsonValue::opt_in())
    );
}

#[test]
fn a_stock_clients_first_calls_are_answered_before_and_after_login() {
    let mut cluster = ServerCluster::new(2, Policy::default(), 13);
    cluster.add_account(1, USER, PHONE);
    let phone = cluster.add_device(1);
    // help.getConfig needs no authorization: Telethon sends it first.
    let config = match cluster.call(phone, ApiCall::GetConfig(api::GetConfig)) {
        Ok(ApiResponse::Config(config)) => config,
        other => panic!("{other:?}"),
    };
    assert_eq!(config.this_dc, 1);
    assert_eq!(config.expires - config.date, 3_600);
    assert_eq!(config.limits, api::DEFAULT_CONFIG_LIMITS);
    // users.getUsers([inputUserSelf]) before login: the key is unregistered.
    let me = || {
        ApiCall::GetUsers(api::GetUsers {
            ids: vec![api::InputUser::Caller, api::InputUser::Empty],
        })
    };
    let refused = cluster.call(phone, me()).expect_err("not logged in");
    assert!(format!("{refused:?}").contains("AUTH_KEY_UNREGISTERED"), "{refused:?}");
    cluster.login_with_code(phone, PHONE).expect("phone logs in");
    let users = match cluster.call(phone, me()) {
        Ok(ApiResponse::Users(users)) => users,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        users.0,
        [api::User {
            is_self: true,
            id: USER as i64,
            phone: Some(PHONE.into()),
        }],
        "the caller, flagged self; the empty input names nobody"
    );
    let schema = Schema::of_the_core();
    let mut names = std::collections::BTreeSet::new();
    for body in &cluster.devices[phone].received {
        assert_eq!(private_constructors(&schema, body), Vec::<String>::new());
        for id in schema.constructors_in(body).expect("walked") {
            names.extend(schema.name_of(id));
        }
    }
    for expected in ["config", "user", "rpc_error"] {
        assert!(names.contains(expected), "{expected}: {names:?}");
    }
}

#[test]
fn a_gzip_packed_request_is_opened_and_answered() {
    let mut cluster = ServerCluster::new(1, Policy::default(), 17);
    let device = cluster.add_device(1);
    let request = ApiRequest::InvokeWithLayer {
        layer: sessionlab_proto::client::API_LAYER,
        query: Box::new(ApiRequest::Call(ApiCall::GetConfig(api::GetConfig))),
    };
    let packed = sessionlab_proto::wire::pack_gzip(&request.encode());
    let id = cluster.send_body(device, packed);
    cluster.settle();
    match cluster.answer(device, id) {
        Ok(ApiResponse::Config(config)) => assert_eq!(config.this_dc, 1),
        other => panic!("{other:?}"),
    }
    // A pack that does not inflate is answered with an error, not dropped.
    let mut broken = sessionlab_proto::wire::pack_gzip(&request.encode());
    let middle = broken.len() / 2;
    broken[middle] ^= 0x55;
    let id = cluster.send_body(device, broken);
    cluster.settle();
    let unopened = cluster
        .answer(device, id)
        .expect_err("a body that does not open is refused");
    assert_eq!((unopened.code, unopened.message.as_str()), (400, "INPUT_FETCH_FAIL"));
    let methods: Vec<(&str, Option<String>)> = cluster
        .events
        .iter()
        .filter_map(|(_, event)| match event {
            sessionlab_proto::server::ServerEvent::Rpc { method, error, .. } => {
                Some((*method, error.as_ref().map(|error| error.message())))
            }
            _ => None,
        })
        .collect();
    // A client packs only queries: the broken pack is judged as content
    // (acknowledged, answered), and nothing in it runs.
    assert_eq!(
        methods,
        [
            ("help.getConfig", None),
            ("gzip_packed", Some("INPUT_FETCH_FAIL".to_string()))
        ]
    );
    // And the session goes on.
    let id = cluster.send_body(device, sessionlab_proto::wire::pack_gzip(&request.encode()));
    cluster.settle();
    assert!(matches!(cluster.answer(device, id), Ok(ApiResponse::Config(_))));
}
