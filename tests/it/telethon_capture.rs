//! Frames captured from a real Telethon 1.45.0 connection to `sessionlab
//! serve` (`tests/vectors/telethon-1.45/`, see its README), replayed
//! through the core's decoders: the full framing both ways, the phone's
//! encrypted requests under its provisioned key, the server's answers
//! (published constructors only), and the newcomer's key exchange opened
//! with the server's RSA key, regenerated from the capture's seed.

use std::path::PathBuf;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sessionlab::serve::TelethonSession;
use sessionlab_proto::crypto::{decrypt, AuthKey, Direction};
use sessionlab_proto::framing::{Frame, FrameDecoder, Framing};
use sessionlab_proto::key_exchange::{open_plain_message, ClientMessage, ServerMessage, ServerRsaKey};
use sessionlab_proto::wire::api::ApiRequest;
use sessionlab_proto::wire::{Body, Envelope, Message, PRIVATE_ID_FIRST, PRIVATE_ID_LAST};
use sessionlab_testkit::tl_walk::Schema;

/// `sessionlab serve --seed 3` made the capture: its RSA key is the first draw.
const CAPTURE_SEED: u64 = 3;

fn vector(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors/telethon-1.45")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Every packet of a captured stream; the decoder must accept all of it.
fn packets(bytes: &[u8], decoder: &mut FrameDecoder) -> Vec<Vec<u8>> {
    decoder.handle_bytes(bytes);
    let mut packets = Vec::new();
    while let Some(frame) = decoder.poll_frame() {
        match frame {
            Ok(Frame::Packet { payload, .. }) => packets.push(payload),
            other => panic!("a captured frame: {other:?}"),
        }
    }
    assert_eq!(decoder.buffered_bytes(), 0, "nothing left over");
    packets
}

fn phone_key() -> AuthKey {
    let sessions = String::from_utf8(vector("sessions.jsonl")).expect("UTF-8");
    let phone = sessions.lines().next().expect("the phone's line");
    let line: serde_json::Value = serde_json::from_str(phone).expect("JSON");
    assert_eq!(line["device"], "phone");
    let session = TelethonSession::decode(line["session_string"].as_str().expect("a string")).expect("decodes");
    session.auth_key
}

/// Messages of a decrypted packet, containers opened.
fn messages(key: &AuthKey, direction: Direction, packet: &[u8]) -> Vec<Message> {
    let plaintext = decrypt(key, direction, packet).expect("the provisioned key opens it");
    let envelope = Envelope::decode(&plaintext).expect("an envelope");
    match Body::decode(&envelope.message.body) {
        Ok(Body::Container(inner)) => inner,
        _ => vec![envelope.message],
    }
}

fn describe(request: &ApiRequest) -> String {
    match request {
        ApiRequest::InvokeWithLayer { layer, query } => format!("invokeWithLayer({layer}, {})", describe(query)),
        ApiRequest::InitConnection { query, .. } => format!("initConnection({})", describe(query)),
        ApiRequest::InvokeWithoutUpdates { query } => format!("invokeWithoutUpdates({})", describe(query)),
        ApiRequest::Call(call) => call.name().to_string(),
    }
}

#[test]
fn telethons_frames_decode_in_the_full_framing_both_ways() {
    for connection in ["phone", "newcomer"] {
        let mut server_side = FrameDecoder::for_server();
        let sent = packets(&vector(&format!("{connection}.client.bin")), &mut server_side);
        assert_eq!(
            server_side.framing(),
            Some(Framing::Full),
            "{connection}: Telethon's default"
        );
        let mut client_side = FrameDecoder::for_client(Framing::Full);
        let received = packets(&vector(&format!("{connection}.server.bin")), &mut client_side);
        assert!(
            sent.len() >= 5 && received.len() >= 5,
            "{connection}: {} / {}",
            sent.len(),
            received.len()
        );
    }
}

#[test]
fn the_phones_requests_are_layer_229_calls_and_its_answers_are_published() {
    let key = phone_key();
    let sent = packets(&vector("phone.client.bin"), &mut FrameDecoder::for_server());
    let mut calls = Vec::new();
    for packet in &sent {
        for message in messages(&key, Direction::ClientToServer, packet) {
            match Body::decode(&message.body) {
                Ok(Body::Application { .. }) => {
                    let request = ApiRequest::decode(&message.body).expect("every Telethon request decodes");
                    calls.push(describe(&request));
                }
                Ok(_) => {}
                Err(error) => panic!("a service message that does not decode: {error}"),
            }
        }
    }
    // Telethon's first call, wrapped in invokeWithoutUpdates because the
    // example runs with receive_updates=False (and resent after
    // bad_server_salt: a copied session has no salt).
    assert_eq!(
        calls,
        [
            "invokeWithLayer(229, invokeWithoutUpdates(initConnection(help.getConfig)))",
            "invokeWithLayer(229, invokeWithoutUpdates(initConnection(help.getConfig)))",
            "invokeWithoutUpdates(users.getUsers)",
            "invokeWithoutUpdates(updates.getState)",
            "invokeWithoutUpdates(updates.getDifference)",
            "invokeWithoutUpdates(account.getAuthorizations)",
            "invokeWithoutUpdates(auth.resetAuthorizations)",
            "invokeWithoutUpdates(account.getAuthorizations)",
            "invokeWithoutUpdates(account.resetAuthorization)",
            "invokeWithoutUpdates(account.getAuthorizations)",
        ]
    );
    let schema = Schema::of_the_core();
    let received = packets(
        &vector("phone.server.bin"),
        &mut FrameDecoder::for_client(Framing::Full),
    );
    let mut names = std::collections::BTreeSet::new();
    for packet in &received {
        for message in messages(&key, Direction::ServerToClient, packet) {
            let ids = schema
                .constructors_in(&message.body)
                .expect("the schema walks every answer");
            assert!(
                !ids.iter().any(|id| (PRIVATE_ID_FIRST..=PRIVATE_ID_LAST).contains(id)),
                "a private constructor went to Telethon"
            );
            names.extend(ids.iter().filter_map(|id| schema.name_of(*id)).map(str::to_string));
        }
    }
    for expected in [
        "bad_server_salt",
        "new_session_created",
        "rpc_result",
        "config",
        "account.authorizations",
    ] {
        assert!(names.contains(expected), "{expected} in {names:?}");
    }
}

#[test]
fn the_newcomers_key_exchange_opens_with_the_servers_regenerated_key() {
    let server_key = ServerRsaKey::generate(&mut ChaCha20Rng::seed_from_u64(CAPTURE_SEED)).expect("a key");
    let pem = String::from_utf8(vector("server.pem")).expect("UTF-8");
    assert_eq!(server_key.public_key().to_pem().expect("PEM"), pem, "the capture's key");
    let sent = packets(&vector("newcomer.client.bin"), &mut FrameDecoder::for_server());
    let received = packets(
        &vector("newcomer.server.bin"),
        &mut FrameDecoder::for_client(Framing::Full),
    );
    let plain = |packet: &Vec<u8>| open_plain_message(packet).map(|(_, data)| data.to_vec());
    let req_pq = ClientMessage::decode(&plain(&sent[0]).expect("unencrypted")).expect("req_pq_multi");
    let ClientMessage::ReqPq { nonce } = req_pq else {
        panic!("{req_pq:?}")
    };
    let res_pq = ServerMessage::decode(&plain(&received[0]).expect("unencrypted")).expect("resPQ");
    let ServerMessage::ResPq { pq, fingerprints, .. } = res_pq else {
        panic!("{res_pq:?}")
    };
    assert_eq!(fingerprints, [server_key.fingerprint()]);
    let req_dh = ClientMessage::decode(&plain(&sent[1]).expect("unencrypted")).expect("req_DH_params");
    let ClientMessage::ReqDhParams {
        public_key_fingerprint,
        encrypted_data,
        ..
    } = req_dh
    else {
        panic!("{req_dh:?}")
    };
    assert_eq!(public_key_fingerprint, server_key.fingerprint());
    // Telethon 1.45 pads p_q_inner_data the old way (SHA1 ‖ data ‖ random).
    let inner = server_key
        .decrypt_inner_data(&encrypted_data)
        .expect("the server's key opens Telethon's inner data");
    assert_eq!((inner.nonce, inner.pq), (nonce, pq));
    assert!(
        matches!(
            ClientMessage::decode(&plain(&sent[2]).expect("unencrypted")),
            Ok(ClientMessage::SetClientDhParams { .. })
        ),
        "then set_client_DH_params"
    );
    assert!(
        plain(&sent[3]).is_err(),
        "and then everything is encrypted under the new key"
    );
}
