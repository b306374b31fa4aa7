//! What a stock Telegram client receives: only Telegram's published
//! constructors, unless its `initConnection` opted in to the
//! project-private answers (`params = {"sessionlab_extensions": true}`).

use sessionlab_proto::auth::Policy;
use sessionlab_proto::wire::api::{self, ApiCall, ApiResponse, TlObject};
use sessionlab_testkit::server_cluster::ServerCluster;

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
