//! Rules about the wire: the first request of a session is wrapped in
//! `invokeWithLayer(initConnection)`, later ones are plain; re-issued
//! requests keep their identity; keep-alive pings; offline means silent.

use std::time::Duration;

use super::*;
use sessionlab_proto::client::{DeviceInfo, RequestId};
use sessionlab_proto::client::{API_LAYER, KEEP_ALIVE_INTERVAL, MAX_REQUEST_ATTEMPTS, REQUEST_TIMEOUT};
use sessionlab_proto::transport::TransportEvent;
use sessionlab_proto::wire::api::{ApiCall, ApiRequest, CodeSettings, InitConnection, JsonValue, SendCode};

#[test]
fn first_request_is_wrapped_in_init_connection_and_later_ones_are_plain() {
    let mut world = ClientHarness::new();
    world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    let device = DeviceInfo::default();
    let expected = ApiRequest::InvokeWithLayer {
        layer: API_LAYER,
        query: Box::new(ApiRequest::InitConnection {
            params: InitConnection {
                api_id: 6,
                device_model: "Pixel 8".into(),
                system_version: "Android 14".into(),
                app_version: "11.0.0".into(),
                system_lang_code: "en".into(),
                lang_pack: "android".into(),
                lang_code: "en".into(),
                params: Some(JsonValue::opt_in()),
            },
            query: Box::new(ApiRequest::Call(ApiCall::SendCode(SendCode {
                phone_number: PHONE.into(),
                api_id: device.api_id,
                api_hash: device.api_hash.clone(),
                settings: CodeSettings::default(),
            }))),
        }),
    };
    assert_eq!(send_code.request, Ok(expected));
    world.answer(&send_code, sent_code());
    world.command(Command::SignIn { code: "1".into() });
    let sign_in = world.expect_one("auth.signIn");
    assert!(matches!(sign_in.request, Ok(ApiRequest::Call(ApiCall::SignIn(_)))));
}

#[test]
fn every_request_is_wrapped_until_the_session_has_an_answer() {
    let mut world = ClientHarness::new();
    world.command(Command::SendCode { phone: PHONE.into() });
    world.command(Command::ExportLoginToken);
    let inbound = world.pump();
    assert_eq!(inbound.len(), 2);
    for request in &inbound {
        assert_eq!(request.request.as_ref().map(ApiRequest::depth), Ok(2), "{request:?}");
    }
}

#[test]
fn a_request_refused_for_its_salt_is_resent_and_its_answer_still_found() {
    let mut world = ClientHarness::new();
    let request = world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    let transport: Vec<TransportEvent> = world
        .all_events()
        .into_iter()
        .filter_map(|event| match event {
            ClientEvent::Transport { dc: HOME, event } => Some(event),
            _ => None,
        })
        .collect();
    // Salt 0 is refused: the client adopts the salt and re-issues under a
    // new id (the transport reports the re-issue and the send that follows)
    // both the request and the get_future_salts that rode with it.
    assert!(
        matches!(
            transport[..],
            [
                TransportEvent::SaltUpdated { .. },
                TransportEvent::Reissued { new_msg_id: reissued, attempt: 2, .. },
                TransportEvent::Reissued { new_msg_id: salts_reissued, attempt: 2, .. },
                TransportEvent::Resent { msg_id: sent, attempt: 2 },
                TransportEvent::Resent { msg_id: salts_sent, attempt: 2 },
            ] if reissued == sent && reissued == send_code.msg_id && salts_reissued == salts_sent
        ),
        "{transport:?}"
    );
    world.answer(&send_code, sent_code());
    assert_eq!(
        world.events(),
        [
            ClientEvent::RequestDone {
                request,
                method: "auth.sendCode"
            },
            ClientEvent::CodeSent {
                kind: SentCodeType::Sms { length: 5 },
                next_type: None,
                timeout_s: None,
            },
        ]
    );
    assert_eq!(world.client.pending_requests(), 0);
}

#[test]
fn a_logged_in_online_client_pings_its_home_dc_every_minute() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    assert_eq!(world.dc(HOME).pings_answered, 0);
    world.advance(KEEP_ALIVE_INTERVAL - Duration::from_secs(1));
    world.tick();
    assert!(world.pump().is_empty());
    assert_eq!(world.dc(HOME).pings_answered, 0);
    world.advance(Duration::from_secs(1));
    world.tick();
    assert!(world.pump().is_empty());
    assert_eq!(world.dc(HOME).pings_answered, 1);
    assert_eq!(world.dc(MEDIA).pings_answered, 0);
    world.advance(KEEP_ALIVE_INTERVAL);
    world.tick();
    world.pump();
    assert_eq!(world.dc(HOME).pings_answered, 2);
}

#[test]
fn a_logged_out_client_does_not_ping() {
    let mut world = ClientHarness::new();
    world.advance(KEEP_ALIVE_INTERVAL * 3);
    world.tick();
    world.pump();
    assert_eq!(world.dc(HOME).pings_answered, 0);
}

#[test]
fn offline_nothing_is_transmitted_and_no_timer_runs_until_reconnect() {
    let mut world = ClientHarness::new();
    world.log_in(state(3));
    world.client.on_disconnected();
    assert!(!world.client.is_online());
    world.command(Command::GetAuthorizations);
    assert_eq!(world.client.poll_transmit(world.now, &mut world.rng), None);
    assert_eq!(world.client.poll_timeout(), None);
    world.advance(Duration::from_secs(600));
    world.client.handle_timeout(world.now);
    assert_eq!(world.client.poll_transmit(world.now, &mut world.rng), None);
    assert_eq!(world.dc(HOME).pings_answered, 0);
    world.client.on_connected(world.now);
    let methods: Vec<&str> = world.pump().iter().map(Inbound::method).collect();
    // The queued command, and the difference every reconnect fetches. The
    // command's msg_id is ten minutes old: it goes in a container with a
    // fresh id (alone the server would refuse it, 16) and is processed
    // first, under its own id.
    assert_eq!(methods, ["account.getAuthorizations", "updates.getDifference"]);
}

#[test]
fn an_acknowledged_request_whose_answer_never_comes_is_sent_again_then_reported_lost() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    let request = world.command(Command::GetAuthorizations);
    world.expect_one("account.getAuthorizations");
    for attempt in 2..=MAX_REQUEST_ATTEMPTS {
        world.advance(REQUEST_TIMEOUT);
        world.tick();
        // The same request again, as a new message the DC receives.
        world.expect_one("account.getAuthorizations");
        assert_eq!(
            outcomes(&mut world),
            [ClientEvent::RequestRetried {
                request,
                method: "account.getAuthorizations",
                attempt
            }]
        );
    }
    world.advance(REQUEST_TIMEOUT);
    world.tick();
    assert_lost_alone(&mut world, request, "account.getAuthorizations");
}

#[test]
fn a_request_that_never_reaches_the_dc_is_sent_again_then_reported_lost_when_the_transport_gives_up() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    let request = world.command(Command::GetAuthorizations);
    let mut seen = Vec::new();
    // Three sends, each given up by the transport after 62 s.
    for _ in 0..3 * 64 {
        // Every packet is lost on the way.
        while world.client.poll_transmit(world.now, &mut world.rng).is_some() {}
        world.advance(Duration::from_secs(1));
        world.tick();
        seen.extend(outcomes(&mut world));
    }
    let method = "account.getAuthorizations";
    assert_eq!(
        seen,
        [
            ClientEvent::RequestRetried {
                request,
                method,
                attempt: 2
            },
            ClientEvent::RequestRetried {
                request,
                method,
                attempt: 3
            },
            ClientEvent::RequestLost { request, method },
        ]
    );
    assert_eq!(world.client.pending_requests(), 0);
}

/// The retry and loss events since the last call.
fn outcomes(world: &mut ClientHarness) -> Vec<ClientEvent> {
    world
        .events()
        .into_iter()
        .filter(|event| {
            matches!(
                event,
                ClientEvent::RequestLost { .. } | ClientEvent::RequestRetried { .. }
            )
        })
        .collect()
}

/// `request` was reported lost, no other request was, and nothing is pending.
fn assert_lost_alone(world: &mut ClientHarness, request: RequestId, method: &'static str) {
    assert_eq!(outcomes(world), [ClientEvent::RequestLost { request, method }]);
    assert_eq!(world.client.pending_requests(), 0);
}
