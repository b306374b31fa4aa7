//! `sessionlab serve` in process on port 0, driven over real TCP by the
//! project's own client (`sessionlab_testkit::tcp_device`): the key
//! exchange in every framing, `help.getConfig`, a login by code announced
//! to the owner and denied by them, `ping_delay_disconnect`, bad frames
//! and the connection limit.

use std::net::SocketAddr;
use std::time::Duration;

use sessionlab::scenario::model::DeviceKind;
use sessionlab::serve::{self, RunningServer, ServeConfig, TelethonSession};
use sessionlab_proto::auth::Policy;
use sessionlab_proto::framing::Framing;
use sessionlab_proto::wire::api::{self, ApiCall, ApiResponse};
use sessionlab_testkit::tcp_device::{TcpDevice, TcpLink};
use sessionlab_testkit::tl_walk::Schema;

const CODE: u32 = 24_680;

fn config(dcs: u32, accounts: u32) -> ServeConfig {
    ServeConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        dcs,
        max_connections: 16,
        seed: Some(5),
        accounts,
        devices: vec![DeviceKind::Phone, DeviceKind::Desktop],
        policy: Policy {
            fixed_login_code: Some(CODE),
            ..Policy::default()
        },
        quiet: true,
        capture: None,
    }
}

fn start(config: &ServeConfig) -> RunningServer {
    serve::start(config).expect("serve starts on free ports")
}

/// A new key on `dc` over a new connection, and a session on it.
fn fresh_device(server: &RunningServer, dc: u32, framing: Framing, seed: u64) -> TcpDevice {
    let address = server.addresses()[dc as usize - 1];
    let mut link = TcpLink::connect(address, framing, seed).expect("connects");
    let outcome = link
        .exchange_key(server.public_key(), dc as i32)
        .expect("the key exchange succeeds");
    TcpDevice::new(link, outcome.auth_key, outcome.server_salt, seed)
}

fn authorizations(device: &mut TcpDevice) -> Vec<api::Authorization> {
    match device.call(ApiCall::GetAuthorizations(api::GetAuthorizations)) {
        Ok(ApiResponse::Authorizations(list)) => list.authorizations,
        other => panic!("account.getAuthorizations: {other:?}"),
    }
}

#[test]
fn a_key_made_over_tcp_in_every_framing_gets_the_config_listing_every_dc() {
    let server = start(&config(2, 0));
    for (seed, framing) in (1..).zip(Framing::ALL) {
        let mut device = fresh_device(&server, 2, framing, seed);
        let config = match device.call(ApiCall::GetConfig(api::GetConfig)) {
            Ok(ApiResponse::Config(config)) => config,
            other => panic!("{framing:?}: {other:?}"),
        };
        assert_eq!(config.this_dc, 2, "{framing:?}");
        let listed: Vec<(i32, String, i32)> = config
            .dc_options
            .iter()
            .map(|option| (option.id, option.ip_address.clone(), option.port))
            .collect();
        let expected: Vec<(i32, String, i32)> = (1..)
            .zip(server.addresses())
            .map(|(id, address)| (id, address.ip().to_string(), i32::from(address.port())))
            .collect();
        assert_eq!(listed, expected, "{framing:?}");
    }
    let statistics = server.shutdown();
    assert_eq!(statistics.keys_exchanged, 4);
    assert_eq!(statistics.connections_accepted, 4);
    assert_eq!((statistics.malformed_frames, statistics.key_exchanges_failed), (0, 0));
}

#[test]
fn ping_delay_disconnect_closes_the_connection_when_its_delay_runs_out() {
    use sessionlab_proto::wire::Body;
    let server = start(&config(1, 0));
    let mut device = fresh_device(&server, 1, Framing::Abridged, 21);
    assert!(matches!(
        device.call(ApiCall::GetConfig(api::GetConfig)),
        Ok(ApiResponse::Config(_))
    ));
    let ping = |disconnect_delay| {
        Body::PingDelayDisconnect {
            ping_id: 7,
            disconnect_delay,
        }
        .encode()
    };
    // 75 s, as Telethon asks: the connection stays open.
    device.send_body(ping(75)).expect("sent");
    assert!(!device.link.is_closed_within(Duration::from_millis(400)));
    // A new delay replaces the old one: 0 s closes it after the pong.
    device.send_body(ping(0)).expect("sent");
    assert!(device.link.is_closed_within(Duration::from_secs(5)));
    let statistics = server.shutdown();
    assert_eq!(statistics.connections_timed_out, 1);
    assert_eq!(statistics.connections_accepted, 1);
}

#[test]
fn a_login_over_tcp_is_announced_unconfirmed_and_the_owner_denies_it() {
    let server = start(&config(1, 1));
    let phone_key = server.devices()[0].auth_key.clone();
    let phone_number = server.devices()[0].phone.clone();
    let link = TcpLink::connect(server.addresses()[0], Framing::Full, 11).expect("connects");
    // A copied session carries no salt: the server's bad_server_salt corrects it.
    let mut phone = TcpDevice::new(link, phone_key, 0, 11);
    let before = authorizations(&mut phone);
    let shown: Vec<(bool, bool, &str)> = before
        .iter()
        .map(|entry| (entry.current, entry.unconfirmed, entry.device_model.as_str()))
        .collect();
    assert_eq!(shown, [(true, false, "Pixel 8"), (false, false, "Desktop")]);

    let mut newcomer = fresh_device(&server, 1, Framing::Intermediate, 12);
    let sent = newcomer.call(ApiCall::SendCode(api::SendCode {
        phone_number: phone_number.clone(),
        api_id: 4,
        api_hash: "hash".into(),
        settings: api::CodeSettings::default(),
    }));
    let Ok(ApiResponse::SentCode(api::SentCode::Sent { phone_code_hash, .. })) = sent else {
        panic!("auth.sendCode: {sent:?}");
    };
    let signed_in = newcomer.call(ApiCall::SignIn(api::SignIn {
        phone_number,
        phone_code_hash,
        phone_code: Some(format!("{CODE:05}")),
    }));
    assert!(
        matches!(signed_in, Ok(ApiResponse::AuthAuthorization(_))),
        "{signed_in:?}"
    );

    phone
        .listen(Duration::from_millis(300))
        .expect("the phone's connection stays open");
    let schema = Schema::of_the_core();
    let pushed: Vec<&str> = phone
        .pushed
        .iter()
        .flat_map(|body| schema.constructors_in(body).unwrap_or_default())
        .filter_map(|id| schema.name_of(id))
        .collect();
    assert!(pushed.contains(&"updateNewAuthorization"), "{pushed:?}");
    let after = authorizations(&mut phone);
    let unconfirmed: Vec<&api::Authorization> = after.iter().filter(|entry| entry.unconfirmed).collect();
    assert_eq!(unconfirmed.len(), 1, "{after:?}");
    assert_eq!(unconfirmed[0].device_model, "TcpDevice");
    let hash = unconfirmed[0].hash;
    let denied = phone.call(ApiCall::ResetAuthorization(api::ResetAuthorization { hash }));
    assert!(matches!(denied, Ok(ApiResponse::Bool(true))), "{denied:?}");

    let refused = newcomer
        .call(ApiCall::GetUsers(api::GetUsers {
            ids: vec![api::InputUser::Caller],
        }))
        .expect_err("the denied login is logged out");
    assert_eq!(refused.code, 401, "{refused:?}");
    assert_eq!(authorizations(&mut phone).len(), 2);
    server.shutdown();
}

#[test]
fn a_malformed_frame_closes_only_its_connection_and_is_counted() {
    let mut config = config(1, 0);
    config.max_connections = 2;
    let server = start(&config);
    let address = server.addresses()[0];
    let mut bad = TcpLink::connect(address, Framing::Intermediate, 1).expect("connects");
    // The intermediate tag, then a length past any frame the core takes.
    bad.send_raw(&[0xee, 0xee, 0xee, 0xee, 0xff, 0xff, 0xff, 0x0f])
        .expect("sent");
    assert!(bad.is_closed_within(Duration::from_secs(5)), "the server closes it");
    let mut good = fresh_device(&server, 1, Framing::Abridged, 2);
    assert!(matches!(
        good.call(ApiCall::GetConfig(api::GetConfig)),
        Ok(ApiResponse::Config(_))
    ));
    // Two are open (the good one, and a third below the limit would be
    // refused): the limit closes the newest at once.
    let _second = TcpLink::connect(address, Framing::Abridged, 3).expect("connects");
    let mut third = TcpLink::connect(address, Framing::Abridged, 4).expect("the accept itself succeeds");
    assert!(third.is_closed_within(Duration::from_secs(5)), "over the limit");
    let statistics = server.shutdown();
    assert_eq!(statistics.malformed_frames, 1);
    assert_eq!(statistics.connections_refused, 1);
    assert_eq!(statistics.connections_accepted, 3);
}

#[test]
fn provisioned_session_strings_name_the_dc_address_and_key() {
    let server = start(&config(2, 2));
    let kinds: Vec<(u32, DeviceKind, u32)> = server
        .devices()
        .iter()
        .map(|device| (device.account, device.kind, device.dc.get()))
        .collect();
    assert_eq!(
        kinds,
        [
            (1, DeviceKind::Phone, 1),
            (1, DeviceKind::Desktop, 1),
            (2, DeviceKind::Phone, 2),
            (2, DeviceKind::Desktop, 2),
        ]
    );
    for device in server.devices() {
        let session = TelethonSession::decode(&server.session_string(device)).expect("decodes");
        let address = server.address_of(device.dc);
        assert_eq!(session.dc, device.dc);
        assert_eq!(
            (session.ip.to_string(), session.port),
            (address.ip().to_string(), address.port())
        );
        assert_eq!(session.auth_key, device.auth_key);
    }
    server.shutdown();
}
