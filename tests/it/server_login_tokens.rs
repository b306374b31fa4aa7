//! End-to-end login tokens through `proto::Server` over encrypted packets:
//! the future auth token every login answer carries (used once, refused
//! after its expiry by sending a code), and QR login where the new device
//! exported its token on another DC than the account's home.

use std::time::Duration;

use sessionlab_proto::auth::{Policy, FUTURE_TOKEN_LIFETIME_DEFAULT};
use sessionlab_proto::wire::api::{self, ApiCall, ApiResponse};
use sessionlab_testkit::server_cluster::ServerCluster;

const PHONE: &str = "+15550003";
const USER: u64 = 44;

fn send_code(tokens: &[Vec<u8>]) -> ApiCall {
    ApiCall::SendCode(api::SendCode {
        phone_number: PHONE.into(),
        api_id: 4,
        api_hash: "h".into(),
        settings: api::CodeSettings {
            logout_tokens: Some(tokens.to_vec()),
            ..api::CodeSettings::default()
        },
    })
}

fn token_of(answer: &ApiResponse) -> Vec<u8> {
    let authorization = match answer {
        ApiResponse::AuthAuthorization(authorization)
        | ApiResponse::SentCode(api::SentCode::Success(authorization))
        | ApiResponse::LoginToken(api::LoginToken::Success(authorization)) => authorization,
        other => panic!("not a login answer: {other:?}"),
    };
    authorization.future_auth_token.clone().expect("a future auth token")
}

#[test]
fn a_login_answer_carries_a_future_token_that_skips_the_next_code_once() {
    let mut cluster = ServerCluster::new(2, Policy::default(), 3);
    cluster.add_account(2, USER, PHONE);
    let phone = cluster.add_device(2);
    let signed_in = cluster.login_with_code(phone, PHONE).expect("login");
    let token = token_of(&signed_in);

    // A later login on the same device presents it: no code is sent.
    let tablet = cluster.add_device(2);
    let codes_before = cluster.codes.len();
    let skipped = cluster
        .call(tablet, send_code(std::slice::from_ref(&token)))
        .expect("sendCode");
    assert_ne!(token_of(&skipped), token, "a fresh token for the next login");
    assert_eq!(cluster.codes.len(), codes_before, "no code was delivered");

    // Used up: presenting it again gets a code.
    let laptop = cluster.add_device(2);
    let again = cluster.call(laptop, send_code(&[token])).expect("sendCode");
    assert!(matches!(again, ApiResponse::SentCode(api::SentCode::Sent { .. })));
}

#[test]
fn a_future_token_past_its_expiry_gets_a_code() {
    let mut cluster = ServerCluster::new(2, Policy::default(), 4);
    cluster.add_account(2, USER, PHONE);
    let phone = cluster.add_device(2);
    let token = token_of(&cluster.login_with_code(phone, PHONE).expect("login"));
    cluster.advance(FUTURE_TOKEN_LIFETIME_DEFAULT + Duration::from_secs(1));
    let tablet = cluster.add_device(2);
    let answer = cluster.call(tablet, send_code(&[token])).expect("sendCode");
    assert!(matches!(answer, ApiResponse::SentCode(api::SentCode::Sent { .. })));
}

fn export_login_token() -> ApiCall {
    ApiCall::ExportLoginToken(api::ExportLoginToken {
        api_id: 4,
        api_hash: "h".into(),
        except_ids: Vec::new(),
    })
}

#[test]
fn qr_login_exported_on_another_dc_completes_on_the_home_dc() {
    // The account lives on DC 2; the new device connected to DC 4.
    let mut cluster = ServerCluster::new(4, Policy::default(), 5);
    cluster.add_account(2, USER, PHONE);
    let phone = cluster.add_device(2);
    cluster.login_with_code(phone, PHONE).expect("phone login");
    let desktop_on_4 = cluster.add_device(4);
    let shown = cluster.call(desktop_on_4, export_login_token()).expect("export");
    let ApiResponse::LoginToken(api::LoginToken::Token { token, .. }) = shown else {
        panic!("{shown:?}");
    };

    // The phone scans the code on the home DC.
    let accepted = cluster
        .call(phone, ApiCall::AcceptLoginToken(api::AcceptLoginToken { token }))
        .expect("accept");
    let ApiResponse::Authorization(to_be) = accepted else {
        panic!("{accepted:?}");
    };

    // DC 4 pushes updateLoginToken; exporting again says where to go.
    assert!(!cluster.devices[desktop_on_4].pushed.is_empty(), "updateLoginToken");
    let moved = cluster.call(desktop_on_4, export_login_token()).expect("export again");
    let ApiResponse::LoginToken(api::LoginToken::MigrateTo { dc_id, token }) = moved else {
        panic!("{moved:?}");
    };
    assert_eq!(dc_id, 2);

    // A key on DC 2 imports the token: logged in, with a future token.
    let desktop_on_2 = cluster.add_device(2);
    let import = ApiCall::ImportLoginToken(api::ImportLoginToken { token: token.clone() });
    let success = cluster.call(desktop_on_2, import.clone()).expect("import");
    let _ = token_of(&success);
    let listed = cluster
        .call(phone, ApiCall::GetAuthorizations(api::GetAuthorizations))
        .expect("list");
    let ApiResponse::Authorizations(list) = listed else {
        panic!("{listed:?}");
    };
    assert!(
        list.authorizations.iter().any(|a| a.hash == to_be.hash),
        "the accepted authorization is the imported one"
    );

    // Once only.
    let again = cluster.add_device(2);
    let refused = cluster.call(again, import).expect_err("second import");
    assert_eq!(refused.message, "AUTH_TOKEN_ALREADY_ACCEPTED");
}
