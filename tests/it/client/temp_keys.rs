//! Perfect forward secrecy at the client (api/pfs): with a temp key
//! lifetime, no request goes under the permanent key; requests wait for a
//! bound temp key; the binding is sealed with the permanent key for the
//! request's msg_id; after binding the first request carries
//! initConnection again; `AUTH_KEY_PERM_EMPTY` and -404 drop the temp key
//! without wiping anything, and the request goes again under a new one; a
//! key due to die is renewed before it does.

use std::time::Duration;

use super::*;
use sessionlab_proto::client::{ClientConfig, TEMP_KEY_RENEW_LEAD};
use sessionlab_proto::transport::open_bind_message;
use sessionlab_proto::wire::api::{ApiCall, ApiRequest};

const LIFETIME: Duration = Duration::from_secs(86_400);

fn forward_secret() -> ClientHarness {
    ClientHarness::with_config(ClientConfig {
        temp_key_lifetime: LIFETIME,
        ..ClientConfig::default()
    })
}

/// Bind a temp key on HOME for whatever waits; returns the waiting requests' inbound.
fn bind(world: &mut ClientHarness) -> Vec<Inbound> {
    assert_eq!(world.exchange_temp_key(LIFETIME), Some(HOME));
    let bind = world.expect_one("auth.bindTempAuthKey");
    world.answer(&bind, ApiResponse::Bool(true));
    world.pump()
}

#[test]
fn requests_wait_for_a_temp_key_bound_with_the_permanent_key() {
    let mut world = forward_secret();
    let perm_key_id = world.client.auth_key_id(HOME).expect("key");
    world.command(Command::SendCode { phone: PHONE.into() });
    assert!(world.pump().is_empty(), "nothing goes under the permanent key");
    assert_eq!(world.client.temp_key_wanted(), Some(HOME));
    assert_eq!(world.exchange_temp_key(LIFETIME), Some(HOME));
    assert_eq!(world.client.temp_key_wanted(), None);
    let bind = world.expect_one("auth.bindTempAuthKey");
    assert_ne!(bind.auth_key_id, perm_key_id, "sent under the temp key");
    let Ok(ApiCall::BindTempAuthKey(request)) = bind.request.as_ref().map(ApiRequest::call) else {
        panic!("not a binding: {:?}", bind.request);
    };
    assert_eq!(request.perm_auth_key_id as u64, perm_key_id.get());
    // The binding opens with the permanent key, for this very request.
    let perm_key = world.client.session_file().keys[&HOME].key.clone();
    let inner = open_bind_message(&perm_key, &request.encrypted_message, bind.msg_id).expect("sealed for this msg_id");
    assert_eq!(inner.temp_auth_key_id as u64, bind.auth_key_id.get());
    assert_eq!(inner.temp_session_id as u64, bind.session_id.get());
    assert_eq!((inner.nonce, inner.expires_at), (request.nonce, request.expires_at));
    world.answer(&bind, ApiResponse::Bool(true));
    assert!(world
        .events()
        .iter()
        .any(|event| matches!(event, ClientEvent::TempKeyBound { dc: HOME, .. })));
    let sent = world.pump();
    assert_eq!(sent.iter().map(Inbound::method).collect::<Vec<_>>(), ["auth.sendCode"]);
    assert_eq!(sent[0].auth_key_id, bind.auth_key_id);
    assert!(
        matches!(sent[0].request, Ok(ApiRequest::InvokeWithLayer { layer: 229, .. })),
        "client info is rewritten after each binding, at layer 229"
    );
    assert_eq!(world.client.temp_key_id(HOME), Some(bind.auth_key_id));
}

#[test]
fn auth_key_perm_empty_rebinds_and_sends_again_without_wiping() {
    let mut world = forward_secret();
    world.command(Command::SendCode { phone: PHONE.into() });
    let sent = bind(&mut world);
    world.events();
    world.fail(&sent[0], 401, "AUTH_KEY_PERM_EMPTY");
    let events = world.events();
    assert!(events
        .iter()
        .any(|event| matches!(event, ClientEvent::TempKeyUnbound { dc: HOME, .. })));
    assert!(!events
        .iter()
        .any(|event| matches!(event, ClientEvent::Wiped { .. } | ClientEvent::KeyDropped { .. })));
    assert!(world.client.auth_key_id(HOME).is_some(), "the permanent key stays");
    assert_eq!(world.client.temp_key_id(HOME), None);
    let again = bind(&mut world);
    assert_eq!(again.iter().map(Inbound::method).collect::<Vec<_>>(), ["auth.sendCode"]);
    assert_ne!(again[0].auth_key_id, sent[0].auth_key_id, "under a new temp key");
}

#[test]
fn a_404_for_the_temp_key_drops_it_and_what_was_in_flight_goes_again() {
    let mut world = forward_secret();
    world.command(Command::SendCode { phone: PHONE.into() });
    let sent = bind(&mut world);
    let now = world.now;
    world
        .client
        .handle_packet(now, HOME, &(-404i32).to_le_bytes())
        .expect("a transport error is no packet error");
    assert!(world
        .events()
        .contains(&ClientEvent::TransportError { dc: HOME, code: -404 }));
    assert_eq!(world.client.temp_key_wanted(), Some(HOME));
    let again = bind(&mut world);
    assert_eq!(again.iter().map(Inbound::method).collect::<Vec<_>>(), ["auth.sendCode"]);
    assert_ne!(again[0].auth_key_id, sent[0].auth_key_id);
}

fn send_code(world: &mut ClientHarness) -> Vec<Inbound> {
    world.command(Command::SendCode { phone: PHONE.into() });
    world.pump()
}

fn code_sent() -> ApiResponse {
    ApiResponse::SentCode(SentCode::Sent {
        kind: SentCodeType::App { length: 5 },
        phone_code_hash: "h".into(),
        next_type: None,
        timeout_s: None,
    })
}

#[test]
fn a_temp_key_is_renewed_before_it_dies_once_idle() {
    let mut world = forward_secret();
    world.command(Command::SendCode { phone: PHONE.into() });
    let first = bind(&mut world);
    world.answer(&first[0], code_sent());
    // Just outside the renewal lead: the key carries on.
    world.now = world
        .now
        .saturating_add(LIFETIME - TEMP_KEY_RENEW_LEAD - Duration::from_secs(1));
    let second = send_code(&mut world);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].auth_key_id, first[0].auth_key_id);
    world.answer(&second[0], code_sent());
    // Inside it, with nothing in flight: a new key first.
    world.now = world.now.saturating_add(Duration::from_secs(2));
    assert!(send_code(&mut world).is_empty());
    assert_eq!(world.client.temp_key_wanted(), Some(HOME));
    let third = bind(&mut world);
    assert_eq!(third.iter().map(Inbound::method).collect::<Vec<_>>(), ["auth.sendCode"]);
    assert_ne!(third[0].auth_key_id, first[0].auth_key_id);
}
