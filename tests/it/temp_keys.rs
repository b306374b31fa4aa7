//! Temp keys (api/pfs) at the server, over encrypted packets: an unbound
//! temp key serves nothing but its binding; a binding must be sealed with
//! the permanent key for this request, key and session; one temp key per
//! permanent key; a temp key dies at its time. And what follows for a
//! thief: a stolen temp key dies with its binding and cannot be renewed,
//! a stolen permanent key binds new temp keys at will — and every binding
//! it makes unbinds the owner's, which the owner's app sees.

use std::time::Duration;

use sessionlab_proto::auth::Policy;
use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::id::SessionId;
use sessionlab_proto::wire::api::{self, ApiCall, ApiResponse};
use sessionlab_testkit::cluster_temp_keys::Binding;
use sessionlab_testkit::server_cluster::{CallError, DeviceId, ServerCluster};

const PHONE: &str = "+15550001";
const DAY: Duration = Duration::from_secs(86_400);

fn get_state() -> ApiCall {
    ApiCall::GetState(api::GetState)
}

fn error(message: &str) -> Result<ApiResponse, CallError> {
    let code = if message.starts_with("AUTH_KEY") { 401 } else { 400 };
    Err(CallError {
        code,
        message: message.into(),
    })
}

/// One DC, one account logged in on a device under its permanent key.
fn logged_in() -> (ServerCluster, DeviceId, AuthKey) {
    let mut cluster = ServerCluster::new(1, Policy::default(), 5);
    cluster.add_account(1, 42, PHONE);
    let device = cluster.add_device(1);
    cluster.login_with_code(device, PHONE).expect("login");
    let perm_key = cluster.devices[device].key.clone();
    (cluster, device, perm_key)
}

fn bound_temp_device(cluster: &mut ServerCluster, perm_key: &AuthKey) -> DeviceId {
    let (device, expires_at) = cluster.add_temp_device(1, DAY).expect("temp key exchange");
    let bound = cluster.bind_temp_key(device, &Binding::honest(perm_key, expires_at));
    assert_eq!(bound, Ok(ApiResponse::Bool(true)));
    device
}

#[test]
fn an_unbound_temp_key_serves_only_its_binding() {
    let (mut cluster, _, perm_key) = logged_in();
    let (temp, expires_at) = cluster.add_temp_device(1, 2 * DAY).expect("temp key exchange");
    assert_eq!(
        expires_at,
        cluster.now + DAY,
        "capped at the policy's temp_key_lifetime"
    );
    assert_eq!(cluster.call(temp, get_state()), error("AUTH_KEY_PERM_EMPTY"));
    assert_eq!(
        cluster.bind_temp_key(temp, &Binding::honest(&perm_key, expires_at)),
        Ok(ApiResponse::Bool(true))
    );
    assert!(matches!(cluster.call(temp, get_state()), Ok(ApiResponse::State(_))));
}

#[test]
fn a_binding_not_sealed_for_this_request_key_and_session_is_refused() {
    let (mut cluster, _, perm_key) = logged_in();
    let (temp, expires_at) = cluster.add_temp_device(1, DAY).expect("temp key exchange");
    let honest = Binding::honest(&perm_key, expires_at);
    // The permanent key's id travels in clear; without its bytes a binding
    // cannot be sealed.
    let forged = Binding {
        sealing_key: AuthKey::from_bytes([9; 256]),
        ..honest.clone()
    };
    assert_eq!(cluster.bind_temp_key(temp, &forged), error("ENCRYPTED_MESSAGE_INVALID"));
    let other_session = Binding {
        inner_session_id: Some(SessionId::new(1)),
        ..honest.clone()
    };
    assert_eq!(
        cluster.bind_temp_key(temp, &other_session),
        error("ENCRYPTED_MESSAGE_INVALID")
    );
    // Under the permanent key itself: not a temp key.
    let (mut cluster, device, perm_key) = logged_in();
    assert_eq!(
        cluster.bind_temp_key(device, &Binding::honest(&perm_key, expires_at)),
        error("TEMP_AUTH_KEY_EMPTY")
    );
}

#[test]
fn a_new_binding_unbinds_the_previous_temp_key() {
    let (mut cluster, _, perm_key) = logged_in();
    let first = bound_temp_device(&mut cluster, &perm_key);
    let second = bound_temp_device(&mut cluster, &perm_key);
    assert!(matches!(cluster.call(second, get_state()), Ok(ApiResponse::State(_))));
    assert_eq!(cluster.call(first, get_state()), error("AUTH_KEY_PERM_EMPTY"));
}

#[test]
fn a_temp_key_dies_at_its_time_and_its_packets_get_404() {
    let (mut cluster, _, perm_key) = logged_in();
    let temp = bound_temp_device(&mut cluster, &perm_key);
    cluster.advance(DAY);
    let before = transport_errors(&cluster);
    assert_eq!(
        cluster.call(temp, get_state()),
        Err(CallError {
            code: 0,
            message: "NO_ANSWER".into()
        })
    );
    assert_eq!(transport_errors(&cluster), before + 1, "the packet got -404");
    assert!(!cluster
        .server(1)
        .authority()
        .is_temp_key(cluster.devices[temp].key.id()));
}

fn transport_errors(cluster: &ServerCluster) -> usize {
    cluster.transport_errors
}

#[test]
fn a_stolen_temp_key_dies_with_its_binding_a_stolen_permanent_key_does_not() {
    let (mut cluster, _, perm_key) = logged_in();
    let owner = bound_temp_device(&mut cluster, &perm_key);
    // Thief A copies the owner's temp key (RAM only, api/pfs); thief B the
    // permanent key (the session file).
    let temp_thief = cluster.add_device_with_key(1, cluster.devices[owner].key.clone());
    assert!(matches!(
        cluster.call(temp_thief, get_state()),
        Ok(ApiResponse::State(_))
    ));
    cluster.advance(DAY);
    assert!(
        cluster.call(temp_thief, get_state()).is_err(),
        "the temp key died with its binding"
    );
    // Renewing needs a binding sealed with the permanent key, which A lacks.
    let (fresh, expires_at) = cluster.add_temp_device(1, DAY).expect("temp key exchange");
    let guessed = Binding {
        sealing_key: cluster.devices[owner].key.clone(),
        ..Binding::honest(&perm_key, expires_at)
    };
    assert_eq!(
        cluster.bind_temp_key(fresh, &guessed),
        error("ENCRYPTED_MESSAGE_INVALID")
    );
    // B binds temp keys of its own for as long as the authorization lives.
    let owner_again = bound_temp_device(&mut cluster, &perm_key);
    let perm_thief = bound_temp_device(&mut cluster, &perm_key);
    assert!(matches!(
        cluster.call(perm_thief, get_state()),
        Ok(ApiResponse::State(_))
    ));
    // ...and each of its bindings unbinds the owner's: a signal.
    assert_eq!(cluster.call(owner_again, get_state()), error("AUTH_KEY_PERM_EMPTY"));
}

#[test]
fn an_opted_in_app_under_a_temp_key_gets_the_private_answers_its_connection_asked_for() {
    let (mut cluster, _, perm_key) = logged_in();
    let (temp, expires_at) = cluster.add_temp_device(1, DAY).expect("temp key exchange");
    cluster.devices[temp].opts_in = true;
    assert_eq!(
        cluster.bind_temp_key(temp, &Binding::honest(&perm_key, expires_at)),
        Ok(ApiResponse::Bool(true))
    );
    let list = cluster.call(temp, ApiCall::GetAuthorizations(api::GetAuthorizations));
    assert!(
        matches!(list, Ok(ApiResponse::AuthorizationsWithSignals(_))),
        "{list:?}"
    );
    // The permanent key's own connection (a stock client) still gets the
    // published constructor.
    let stock = bound_temp_device(&mut cluster, &perm_key);
    let list = cluster.call(stock, ApiCall::GetAuthorizations(api::GetAuthorizations));
    assert!(matches!(list, Ok(ApiResponse::Authorizations(_))), "{list:?}");
}
