//! The bodies of the fuzz targets, in the testkit so that plain
//! `cargo test` replays every kept crash input and seed through exactly
//! the code the fuzzer ran (see `tests/it/fuzz_regressions.rs`).
//!
//! Each function panics only when an invariant breaks; bad input itself
//! must come back as an error value.

use arbitrary::{Arbitrary, Unstructured};

use sessionlab::scenario::parse_scenario;
use sessionlab_proto::crypto::{self, AuthKey, Direction};
use sessionlab_proto::transport::open_bind_message;
use sessionlab_proto::wire::api::{
    AccountAuthorizations, ApiRequest, ApiResponse, AuthAuthorization, BindAuthKeyInner, JsonValue, Message, TlObject,
    Update, Updates, User,
};
use sessionlab_proto::wire::{Body, Envelope};

use crate::transport::{self, Action};

/// A fuzz target's body.
pub type FuzzTarget = fn(&[u8]);

/// Every fuzz target by name, for the replay test.
pub const TARGETS: &[(&str, FuzzTarget)] = &[
    ("wire_decode", wire_decode),
    ("transport_sequence", transport_sequence),
    ("scenario_parse", scenario_parse),
    ("server_ops", server_ops),
    ("sim_swarm", crate::swarm::sim_swarm),
    ("sync_sequence", crate::sync_model::fuzz),
    ("shard_files", crate::fuzz_shard::shard_files),
    ("sweep_settings", crate::fuzz_sweep::sweep_settings),
    ("compare_runs", crate::fuzz_compare::compare_runs),
    ("transport_framing", crate::fuzz_framing::transport_framing),
    ("key_exchange", crate::fuzz_key_exchange::key_exchange),
    ("session_string", crate::fuzz_session_string::session_string),
];

/// Random operations against a three-DC cluster of real servers, checked
/// after every step against the session model (`sessionlab_testkit::server_model`).
pub fn server_ops(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(seed) = u64::arbitrary(&mut input) else { return };
    let Ok(operations) = Vec::<crate::server_model::Operation>::arbitrary(&mut input) else {
        return;
    };
    if let Err(mismatch) = crate::server_model::run(seed, &operations) {
        panic!("{mismatch}");
    }
}

/// Whatever `bytes` decode to as a `T` must re-encode to bytes that decode
/// to the same value; bad bytes must be an error value, never a panic.
pub fn decode_round_trip<T: TlObject + PartialEq + std::fmt::Debug>(bytes: &[u8]) {
    if let Ok(value) = T::decode(bytes) {
        assert_eq!(
            T::decode(&value.encode()).as_ref(),
            Ok(&value),
            "{}: encode∘decode is not the identity",
            T::NAME
        );
    }
}

/// Arbitrary bytes into every decoder, and decryption with a fixed key.
/// Whatever decodes must re-encode to something that decodes the same.
pub fn wire_decode(data: &[u8]) {
    // The API: requests and answers, and the layer-229 objects inside them.
    decode_round_trip::<ApiRequest>(data);
    decode_round_trip::<ApiResponse>(data);
    decode_round_trip::<AccountAuthorizations>(data);
    decode_round_trip::<AuthAuthorization>(data);
    decode_round_trip::<User>(data);
    decode_round_trip::<Message>(data);
    decode_round_trip::<Update>(data);
    decode_round_trip::<Updates>(data);
    decode_round_trip::<JsonValue>(data);
    decode_round_trip::<BindAuthKeyInner>(data);
    // A client's gzip_packed: opened within the body limit, or refused.
    if let Ok(Some(inflated)) = sessionlab_proto::wire::unpack_gzip(data) {
        assert!(inflated.len() <= sessionlab_proto::wire::MAX_BODY_BYTES);
        assert_eq!(
            sessionlab_proto::wire::unpack_gzip(&sessionlab_proto::wire::pack_gzip(&inflated)),
            Ok(Some(inflated)),
            "pack∘unpack is not the identity"
        );
    }
    if let Ok(body) = Body::decode(data) {
        let encoded = body.encode();
        assert_eq!(
            Body::decode(&encoded).as_ref(),
            Ok(&body),
            "encode∘decode is not the identity"
        );
    }
    // The receive paths decode into the plaintext's own buffer: that must
    // be the borrowed decoder without the copy, error for error.
    let decoded = Envelope::decode(data);
    assert_eq!(
        Envelope::decode_owned(data.to_vec()),
        decoded,
        "owned and borrowed decoders differ"
    );
    if let Ok(envelope) = decoded {
        let mut encoded = envelope.encode();
        encoded.extend_from_slice(&[0; 12]);
        assert_eq!(
            Envelope::decode(&encoded).as_ref(),
            Ok(&envelope),
            "envelope round trip"
        );
    }
    let key = AuthKey::from_bytes(std::array::from_fn(|i| i as u8));
    for direction in [Direction::ClientToServer, Direction::ServerToClient] {
        // A forged packet: take the key's own id so decryption is attempted.
        let mut packet = key.id().get().to_le_bytes().to_vec();
        packet.extend_from_slice(data);
        if let Ok(plaintext) = crypto::decrypt(&key, direction, &packet) {
            // Only a correct msg_key gets here; decoding must still not panic.
            let _ = Envelope::decode(&plaintext);
        }
        let _ = crypto::decrypt(&key, direction, data);
    }
    // A binding message (MTProto 1.0 under the permanent key): forged
    // bytes are an error value; one that opens names the msg_id asked for.
    let mut sealed = key.id().get().to_le_bytes().to_vec();
    sealed.extend_from_slice(data);
    for candidate in [&sealed[..], data] {
        if let Ok(inner) = open_bind_message(&key, candidate, 4) {
            assert_eq!(BindAuthKeyInner::decode(&inner.encode()), Ok(inner));
        }
    }
}

/// An adversary's sequence of moves against one client and one server:
/// nothing is processed twice, nothing is lost silently.
pub fn transport_sequence(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let Ok(seed) = u64::arbitrary(&mut input) else { return };
    let Ok(actions) = Vec::<Action>::arbitrary(&mut input) else {
        return;
    };
    if let Err(violation) = transport::run(seed, &actions) {
        panic!("{violation}");
    }
}

/// The file name scenario errors carry in [`scenario_parse`].
const SCENARIO_FILE: &str = "fuzz.toml";

/// Arbitrary bytes as a scenario file: parsing never panics, every error
/// names the file and a 1-based line and column, errors come in file order
/// and at most `MAX_ERRORS_PER_FILE` of them, and a valid scenario
/// resolves deterministically for a few seeds (its first, 0 and the largest).
pub fn scenario_parse(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else { return };
    match parse_scenario(source, SCENARIO_FILE) {
        Err(errors) => {
            let mut previous = (0, 0);
            for error in errors.iter() {
                assert_eq!(error.file, SCENARIO_FILE, "{error}");
                assert!(error.line >= 1 && error.column >= 1, "position from 1: {error}");
                assert!((error.line, error.column) >= previous, "in file order: {errors}");
                previous = (error.line, error.column);
            }
            assert!(errors.iter().count() <= sessionlab::scenario::limits::MAX_ERRORS_PER_FILE);
        }
        Ok(scenario) => {
            for seed in [scenario.meta.seeds.start(), 0, u64::MAX] {
                assert_eq!(scenario.resolve(seed), scenario.resolve(seed), "resolve is pure");
            }
        }
    }
}
