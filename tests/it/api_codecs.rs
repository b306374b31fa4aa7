//! Property tests of the API codecs (`proto::wire::api`):
//!
//! - every request, response, inter-DC message and every object type
//!   round-trips (encode∘decode is the identity) for arbitrary field values
//!   within the limits, and encodes to at least its declared minimum size;
//! - every strict prefix of a valid encoding is refused;
//! - arbitrary bytes, and valid encodings with bytes flipped, never make a
//!   decoder panic, and whatever decodes re-encodes to something that
//!   decodes to the same value;
//! - the generators reach every function and every result type.

use std::collections::BTreeSet;
use std::fmt::Debug;

use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use sessionlab_proto::wire::api::*;

/// Decode `value`'s encoding, compare, and check the size bound.
fn assert_round_trip<T: TlObject + PartialEq + Debug>(value: &T) {
    let encoded = value.encode();
    assert!(encoded.len() >= T::MIN_BYTES, "{} shorter than MIN_BYTES", T::NAME);
    assert_eq!(encoded.len() % 4, 0, "TL objects are 4-byte aligned");
    assert_eq!(T::decode(&encoded).as_ref(), Ok(value));
}

/// Build a `T` from `data` (when `data` suffices) and round-trip it.
fn round_trip_from<T>(data: &[u8])
where
    T: TlObject + PartialEq + Debug + for<'a> Arbitrary<'a>,
{
    if let Ok(value) = T::arbitrary(&mut Unstructured::new(data)) {
        assert_round_trip(&value);
    }
}

/// Every decoder in the module, on the same bytes.
fn every_decoder(bytes: &[u8]) {
    use sessionlab_testkit::fuzz::decode_round_trip as decodes_without_panic;
    decodes_without_panic::<ApiRequest>(bytes);
    decodes_without_panic::<ApiResponse>(bytes);
    decodes_without_panic::<Authorization>(bytes);
    decodes_without_panic::<AuthorizationSignals>(bytes);
    decodes_without_panic::<AccountAuthorizations>(bytes);
    decodes_without_panic::<AuthorizationsWithSignals>(bytes);
    decodes_without_panic::<SentCode>(bytes);
    decodes_without_panic::<AuthAuthorization>(bytes);
    decodes_without_panic::<CodeSettings>(bytes);
    decodes_without_panic::<LoggedOut>(bytes);
    decodes_without_panic::<LoginToken>(bytes);
    decodes_without_panic::<ExportedAuthorization>(bytes);
    decodes_without_panic::<InputCheckPassword>(bytes);
    decodes_without_panic::<PasswordInputSettings>(bytes);
    decodes_without_panic::<UpdatesState>(bytes);
    decodes_without_panic::<Update>(bytes);
    decodes_without_panic::<Updates>(bytes);
    decodes_without_panic::<Difference>(bytes);
    decodes_without_panic::<User>(bytes);
    decodes_without_panic::<Message>(bytes);
    decodes_without_panic::<JsonValue>(bytes);
}

fn data() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..4096)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn requests_round_trip(data in data()) {
        round_trip_from::<ApiRequest>(&data);
    }

    #[test]
    fn responses_round_trip(data in data()) {
        round_trip_from::<ApiResponse>(&data);
    }


    #[test]
    fn objects_round_trip(data in data()) {
        round_trip_from::<Authorization>(&data);
        round_trip_from::<AccountAuthorizations>(&data);
        round_trip_from::<AuthorizationSignals>(&data);
        round_trip_from::<AuthorizationsWithSignals>(&data);
        round_trip_from::<CodeSettings>(&data);
        round_trip_from::<SentCode>(&data);
        round_trip_from::<AuthAuthorization>(&data);
        round_trip_from::<LoggedOut>(&data);
        round_trip_from::<LoginToken>(&data);
        round_trip_from::<ExportedAuthorization>(&data);
        round_trip_from::<InputCheckPassword>(&data);
        round_trip_from::<PasswordInputSettings>(&data);
        round_trip_from::<UpdatesState>(&data);
        round_trip_from::<Update>(&data);
        round_trip_from::<Updates>(&data);
        round_trip_from::<Difference>(&data);
        round_trip_from::<User>(&data);
        round_trip_from::<Message>(&data);
        round_trip_from::<JsonValue>(&data);
    }

    #[test]
    fn new_functions_round_trip(data in data()) {
        // auth.resendCode and account.updatePasswordSettings on their own
        // (the request generator also reaches them, wrapped or not).
        round_trip_from::<ResendCode>(&data);
        round_trip_from::<UpdatePasswordSettings>(&data);
        if let Ok(call) = ResendCode::arbitrary(&mut Unstructured::new(&data)) {
            assert_round_trip(&ApiRequest::Call(ApiCall::ResendCode(call)));
        }
        if let Ok(call) = UpdatePasswordSettings::arbitrary(&mut Unstructured::new(&data)) {
            assert_round_trip(&ApiRequest::Call(ApiCall::UpdatePasswordSettings(call)));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        every_decoder(&bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_a_known_id_never_panic(
        id in proptest::sample::select(known_ids()),
        tail in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        // Random bytes rarely start with a real id; these always do, so the
        // decoders get past dispatch into every field reader.
        let mut bytes = id.to_le_bytes().to_vec();
        bytes.extend_from_slice(&tail);
        every_decoder(&bytes);
    }
}

/// Every public and private constructor id of the module.
fn known_ids() -> Vec<u32> {
    PUBLIC_DEFINITIONS
        .iter()
        .chain(PRIVATE_DEFINITIONS)
        .map(|(id, _)| *id)
        .collect()
}

#[test]
fn strict_prefixes_of_valid_encodings_are_refused() {
    arbtest::arbtest(|u| {
        let request: ApiRequest = u.arbitrary()?;
        let response: ApiResponse = u.arbitrary()?;
        let (request, response) = (request.encode(), response.encode());
        for cut in [0, 1, 3, 4, request.len() / 2, request.len().saturating_sub(1)] {
            if cut < request.len() {
                assert!(ApiRequest::decode(&request[..cut]).is_err(), "request prefix {cut}");
            }
        }
        for cut in [0, 4, response.len() / 2, response.len().saturating_sub(1)] {
            if cut < response.len() {
                assert!(ApiResponse::decode(&response[..cut]).is_err(), "response prefix {cut}");
            }
        }
        Ok(())
    })
    .budget_ms(500);
}

#[test]
fn mutated_valid_encodings_never_panic() {
    arbtest::arbtest(|u| {
        let mut bytes = if u.arbitrary()? {
            u.arbitrary::<ApiRequest>()?.encode()
        } else {
            u.arbitrary::<ApiResponse>()?.encode()
        };
        for _ in 0..u.int_in_range(1..=4)? {
            let index = u.choose_index(bytes.len())?;
            bytes[index] ^= u.int_in_range(1..=255)?;
        }
        if u.arbitrary()? {
            let keep = u.int_in_range(0..=bytes.len())?;
            bytes.truncate(keep);
        }
        every_decoder(&bytes);
        Ok(())
    })
    .budget_ms(500);
}

#[test]
fn generators_reach_every_function_and_result_type() {
    let mut calls = BTreeSet::new();
    let mut responses = BTreeSet::new();
    let mut wrapped = false;
    for seed in 0u32..4000 {
        let data: Vec<u8> = (0..256u32)
            .map(|i| (seed.wrapping_mul(2_654_435_761).wrapping_add(i.wrapping_mul(40_503)) >> 13) as u8)
            .collect();
        let mut u = Unstructured::new(&data);
        if let Ok(request) = ApiRequest::arbitrary(&mut u) {
            calls.insert(request.call().constructor());
            wrapped |= request.depth() > 0;
        }
        if let Ok(response) = ApiResponse::arbitrary(&mut u) {
            let first: [u8; 4] = response.encode()[..4].try_into().expect("4 bytes");
            let id = u32::from_le_bytes(first);
            let kind = API_RESPONSE_IDS.iter().position(|ids| ids.contains(&id));
            responses.insert(kind.expect("every response id belongs to a result type"));
        }
    }
    assert_eq!(calls, API_CALL_IDS.iter().copied().collect());
    assert_eq!(responses, (0..API_RESPONSE_IDS.len()).collect());
    assert!(wrapped, "wrappers are generated too");
}

#[test]
fn typical_login_exchange_decodes_as_sent() {
    let request = ApiRequest::InvokeWithLayer {
        layer: 214,
        query: Box::new(ApiRequest::InitConnection {
            params: InitConnection {
                api_id: 4,
                device_model: "iPhone 15".into(),
                system_version: "iOS 18.1".into(),
                app_version: "11.4".into(),
                system_lang_code: "en".into(),
                lang_pack: "ios".into(),
                lang_code: "en".into(),
                params: Some(JsonValue::Object(vec![("tz_offset".into(), JsonValue::number(3600.0))])),
            },
            query: Box::new(ApiRequest::Call(ApiCall::SendCode(SendCode {
                phone_number: "+351912345678".into(),
                api_id: 4,
                api_hash: "0123456789abcdef".into(),
                settings: CodeSettings {
                    logout_tokens: Some(vec![vec![0x42; 32]]),
                    ..CodeSettings::default()
                },
            }))),
        }),
    };
    let decoded = ApiRequest::decode(&request.encode()).expect("decodes");
    assert_eq!(
        decoded.init_connection().map(|init| init.device_model.as_str()),
        Some("iPhone 15")
    );
    assert!(matches!(decoded.call(), ApiCall::SendCode(call) if call.settings.logout_tokens.is_some()));
    let answer = ApiResponse::SentCode(SentCode::Sent {
        kind: SentCodeType::App { length: 5 },
        phone_code_hash: "f00d".into(),
        next_type: Some(CodeType::Sms),
        timeout_s: Some(120),
    });
    assert_eq!(ApiResponse::decode(&answer.encode()), Ok(answer));
}

#[test]
fn resend_and_password_change_requests_decode_as_sent() {
    let resend = ApiRequest::Call(ApiCall::ResendCode(ResendCode {
        phone_number: "+351912345678".into(),
        phone_code_hash: "00000000deadbeef".into(),
        reason: None,
    }));
    let decoded = ApiRequest::decode(&resend.encode()).expect("decodes");
    assert_eq!(decoded.call().name(), "auth.resendCode");
    assert!(decoded.call().expects(&ApiResponse::SentCode(SentCode::Sent {
        kind: SentCodeType::Sms { length: 5 },
        phone_code_hash: "00000000deadbeef".into(),
        next_type: None,
        timeout_s: None,
    })));
    assert_eq!(decoded, resend);
    let change = ApiRequest::Call(ApiCall::UpdatePasswordSettings(UpdatePasswordSettings {
        password: InputCheckPassword::Plain(b"old".to_vec()),
        new_settings: PasswordInputSettings {
            new_password: Some(b"new".to_vec()),
        },
    }));
    let decoded = ApiRequest::decode(&change.encode()).expect("decodes");
    assert_eq!(decoded.call().name(), "account.updatePasswordSettings");
    assert!(decoded.call().expects(&ApiResponse::Bool(true)));
    assert_eq!(decoded, change);
}
