//! The worked example of core.telegram.org/mtproto/samples-auth_key (the
//! values that do not depend on RSA), client against server, and every
//! rejection as an exact error.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;

fn hex_array<const N: usize>(text: &str) -> [u8; N] {
    let bytes = hex::decode(text).expect("hex");
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes);
    out
}

const SAMPLE_NONCE: &str = "3E0549828CCA27E966B301A48FECE2FC";
const SAMPLE_SERVER_NONCE: &str = "A5CF4D33F4A11EA877BA4AA573907330";
const SAMPLE_NEW_NONCE: &str = "311C85DB234AA2640AFC4A76A735CF5B1F0FD68BD17FA181E1229AD867CC024D";

/// A Telegram production key as Telethon 1.45 ships it (`telethon/crypto/rsa.py`).
const TELETHON_KEY_PEM: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAwVACPi9w23mF3tBkdZz+zwrzKOaaQdr01vAbU4E1pvkfj4sqDsm6
lyDONS789sVoD/xCS9Y0hkkC3gtL1tSfTlgCMOOul9lcixlEKzwKENj1Yz/s7daS
an9tqw3bfUV/nqgbhGX81v/+7RFAEd+RwFnK7a+XYl9sluzHRyVVaTTveB2GazTw
Efzk2DWgkBluml8OREmvfraX3bkHZJTKX4EQSjBbbdJ2ZXIsRrYOXfaA+xayEGB+
8hdlLmAjbCVfaigxX0CDqWeR1yFL9kwd9P0NsZRPsmoqVwMbMu7mStFai6aIhc3n
Slv8kg9qv1m6XHVQY3PnEw+QQtqSIXklHwIDAQAB
-----END RSA PUBLIC KEY-----
";

#[test]
fn the_sample_exchange_byte_for_byte() {
    let nonce: Nonce = hex_array(SAMPLE_NONCE);
    let server_nonce: Nonce = hex_array(SAMPLE_SERVER_NONCE);
    let new_nonce: NewNonce = hex_array(SAMPLE_NEW_NONCE);
    // resPQ as received in the sample.
    let res_pq = hex::decode(concat!(
        "000000000000000001C8831EC97AE55140000000632416053E0549828CCA27E966B301A4",
        "8FECE2FCA5CF4D33F4A11EA877BA4AA5739073300817ED48941A08F98100000015C4B51C",
        "01000000216BE86C022BB4C3"
    ))
    .expect("hex");
    let (message_id, data) = open_plain_message(&res_pq).expect("plain");
    assert_eq!(message_id, 0x51e5_7ac9_1e83_c801);
    assert_eq!(
        ServerMessage::decode(data),
        Ok(ServerMessage::ResPq {
            nonce,
            server_nonce,
            pq: vec![0x17, 0xed, 0x48, 0x94, 0x1a, 0x08, 0xf9, 0x81],
            fingerprints: vec![0xc3b4_2b02_6ce8_6b21],
        })
    );
    assert_eq!(factorize_pq(0x17ED_4894_1A08_F981), Some((0x494C_553B, 0x5391_1073)));
    let inner = PqInnerData {
        pq: vec![0x17, 0xed, 0x48, 0x94, 0x1a, 0x08, 0xf9, 0x81],
        p: vec![0x49, 0x4c, 0x55, 0x3b],
        q: vec![0x53, 0x91, 0x10, 0x73],
        nonce,
        server_nonce,
        new_nonce,
        dc: None,
        expires_in_seconds: None,
    };
    let encoded = inner.encode();
    assert_eq!(
        hex::encode_upper(&encoded),
        concat!(
            "EC5AC9830817ED48941A08F98100000004494C553B00000004539110730000003E0549",
            "828CCA27E966B301A48FECE2FCA5CF4D33F4A11EA877BA4AA573907330",
            "311C85DB234AA2640AFC4A76A735CF5B1F0FD68BD17FA181E1229AD867CC024D"
        )
    );
    use sha1::Digest;
    assert_eq!(
        hex::encode(sha1::Sha1::digest(&encoded)),
        "db761c27718a2305044f71f2ad951629d78b2449"
    );
    let (key, iv) = temporary_aes_key_iv(&server_nonce, &new_nonce);
    assert_eq!(
        hex::encode_upper(key),
        "F011280887C7BB01DF0FC4E17830E0B91FBB8BE4B2267CB985AE25F33B527253"
    );
    assert_eq!(
        hex::encode_upper(iv),
        "3212D579EE35452ED23E0D0C92841AA7D31B2E9BDEF2151E80D15860311C85DB"
    );
    assert_eq!(first_server_salt(&new_nonce, &server_nonce), 0xccbc_ebd7_e8c8_d394);
}

#[test]
fn fingerprints_match_telegram_and_pem_round_trips() {
    let key = ServerPublicKey::from_pem(TELETHON_KEY_PEM).expect("PKCS#1 PEM");
    assert_eq!(key.fingerprint(), 0xc3b4_2b02_6ce8_6b21);
    let pem = server_key().public_key().to_pem().expect("PEM");
    assert!(pem.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    assert_eq!(ServerPublicKey::from_pem(&pem).as_ref(), Ok(server_key().public_key()));
}

#[test]
fn the_dh_prime_and_generator_pass_the_documented_conditions() {
    let prime = dh_prime();
    assert_eq!(prime.bits(), 2048);
    assert!(generator_is_acceptable(DH_GENERATOR, &prime));
    assert!(!generator_is_acceptable(2, &prime), "p mod 8 is 3");
    assert!(!generator_is_acceptable(8, &prime));
}

fn server_key() -> &'static Arc<ServerRsaKey> {
    static KEY: OnceLock<Arc<ServerRsaKey>> = OnceLock::new();
    KEY.get_or_init(|| Arc::new(ServerRsaKey::generate(&mut ChaCha20Rng::seed_from_u64(1)).expect("keygen")))
}

fn request() -> ClientKeyRequest {
    ClientKeyRequest {
        server_keys: vec![server_key().public_key().clone()],
        dc: Some(2),
        expires_in_seconds: None,
    }
}

const NOW_SECONDS: i32 = 1_700_000_000;

/// No key id is taken.
fn none_taken(_: crate::id::AuthKeyId) -> bool {
    false
}

/// Run client against server; the client's and the server's outcomes.
fn run(request: ClientKeyRequest, seed: u64) -> (KeyExchangeOutcome, KeyExchangeOutcome) {
    match run_against(request, seed, &none_taken) {
        Ok(outcomes) => outcomes,
        Err((client, server)) => panic!("client {client:?}, server {server:?}"),
    }
}

/// Run client against a server whose key table is `key_is_taken`: both
/// outcomes, or the client's error and the server's `dh_gen_fail` reason.
#[allow(clippy::type_complexity)]
fn run_against(
    request: ClientKeyRequest,
    seed: u64,
    key_is_taken: &dyn Fn(crate::id::AuthKeyId) -> bool,
) -> Result<(KeyExchangeOutcome, KeyExchangeOutcome), (KeyExchangeError, Option<PeerError>)> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut server = ServerKeyExchange::new(server_key().clone());
    let (mut client, mut packet) = ClientKeyExchange::start(request, 4, &mut rng);
    for step in 1..=(3 + u64::from(MAX_DH_GEN_RETRIES)) {
        let (reply, made, failed) =
            match server.handle_packet(&packet, step * 4 + 1, NOW_SECONDS, key_is_taken, &mut rng) {
                Ok(ServerStep::Reply(reply)) => (reply, None, None),
                Ok(ServerStep::Finished { reply, outcome }) => (reply, Some(outcome), None),
                Ok(ServerStep::Failed { reply, error }) => (reply, None, Some(error)),
                Err(error) => panic!("server at step {step}: {error}"),
            };
        match (client.handle_packet(&reply, step * 4 + 4, &mut rng), made) {
            (Ok(ClientStep::Send(next)), None) => packet = next,
            (Ok(ClientStep::Finished(mine)), Some(theirs)) => return Ok((*mine, *theirs)),
            (Err(error), None) => return Err((error, failed)),
            other => panic!("client and server disagree at step {step}: {other:?}"),
        }
    }
    panic!("the exchange did not end")
}

#[test]
fn client_and_server_make_the_same_key_and_salt() {
    let (client, server) = run(request(), 5);
    assert_eq!(client, server);
    assert_eq!(client.server_time, NOW_SECONDS);
    assert_eq!(client.expires_in_seconds, None);
    let temporary = ClientKeyRequest {
        expires_in_seconds: Some(86_400),
        ..request()
    };
    let (client, server) = run(temporary, 6);
    assert_eq!(client, server);
    assert_eq!(server.expires_in_seconds, Some(86_400));
}

/// A hand-made client: the server after `resPQ`, with our own `new_nonce`
/// and the `req_DH_params` packet built by `encrypt`.
struct Manual {
    server: ServerKeyExchange,
    rng: ChaCha20Rng,
    nonce: Nonce,
    server_nonce: Nonce,
    new_nonce: NewNonce,
    p: Vec<u8>,
    q: Vec<u8>,
    pq: Vec<u8>,
}

impl Manual {
    fn after_res_pq() -> Manual {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let mut server = ServerKeyExchange::new(server_key().clone());
        let nonce = [7u8; 16];
        let hello = seal_plain_message(4, &ClientMessage::ReqPq { nonce }.encode());
        let Ok(ServerStep::Reply(reply)) = server.handle_packet(&hello, 5, NOW_SECONDS, &none_taken, &mut rng) else {
            panic!("resPQ")
        };
        let Ok(ServerMessage::ResPq { server_nonce, pq, .. }) = ServerMessage::decode(&reply[PLAIN_HEADER_BYTES..])
        else {
            panic!("resPQ decodes")
        };
        let product = u64::from_be_bytes(pq.clone().try_into().expect("8 bytes"));
        let (p, q) = factorize_pq(product).expect("factors");
        Manual {
            server,
            rng,
            nonce,
            server_nonce,
            new_nonce: [3u8; 32],
            p: (p as u32).to_be_bytes().to_vec(),
            q: (q as u32).to_be_bytes().to_vec(),
            pq,
        }
    }

    fn inner(&self) -> PqInnerData {
        PqInnerData {
            pq: self.pq.clone(),
            p: self.p.clone(),
            q: self.q.clone(),
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            new_nonce: self.new_nonce,
            dc: None,
            expires_in_seconds: None,
        }
    }

    fn send(&mut self, message: ClientMessage) -> Result<ServerStep, KeyExchangeError> {
        let packet = seal_plain_message(8, &message.encode());
        self.server
            .handle_packet(&packet, 9, NOW_SECONDS, &none_taken, &mut self.rng)
    }

    fn req_dh_params(&mut self, inner: &PqInnerData, fingerprint: u64) -> Result<ServerStep, KeyExchangeError> {
        // The SHA1 scheme, as Telethon 1.45 sends it.
        let encrypted = server_key()
            .public_key()
            .encrypt_sha1_padded(&inner.encode(), &mut self.rng)
            .expect("fits");
        self.send(ClientMessage::ReqDhParams {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            p: self.p.clone(),
            q: self.q.clone(),
            public_key_fingerprint: fingerprint,
            encrypted_data: encrypted.to_vec(),
        })
    }

    fn set_client_dh_params(&mut self, g_b: Vec<u8>) -> Result<ServerStep, KeyExchangeError> {
        self.set_client_dh_params_retry(g_b, 0)
    }

    fn set_client_dh_params_retry(&mut self, g_b: Vec<u8>, retry_id: u64) -> Result<ServerStep, KeyExchangeError> {
        let (key, iv) = temporary_aes_key_iv(&self.server_nonce, &self.new_nonce);
        let inner = ClientDhInnerData {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            retry_id,
            g_b,
        };
        let encrypted_data = super::hashed::seal_hashed(&inner.encode(), &key, &iv, &mut self.rng);
        self.send(ClientMessage::SetClientDhParams {
            nonce: self.nonce,
            server_nonce: self.server_nonce,
            encrypted_data,
        })
    }
}

fn peer(error: PeerError) -> Result<(), KeyExchangeError> {
    Err(KeyExchangeError::Peer(error))
}

/// The reason of a `dh_gen_fail` step; its packet must be `dh_gen_fail`.
fn dh_gen_fail(step: Result<ServerStep, KeyExchangeError>) -> PeerError {
    let Ok(ServerStep::Failed { reply, error }) = step else {
        panic!("not dh_gen_fail: {step:?}")
    };
    let message = ServerMessage::decode(&reply[PLAIN_HEADER_BYTES..]);
    assert!(
        matches!(
            message,
            Ok(ServerMessage::DhGen {
                outcome: DhGenOutcome::Fail,
                ..
            })
        ),
        "{message:?}"
    );
    error
}

fn outcome(step: Result<ServerStep, KeyExchangeError>) -> Result<(), KeyExchangeError> {
    step.map(|_| ())
}

#[test]
fn the_server_takes_telethons_sha1_padding_and_plain_inner_data() {
    let mut manual = Manual::after_res_pq();
    let inner = manual.inner();
    assert!(matches!(
        manual.req_dh_params(&inner, server_key().fingerprint()),
        Ok(ServerStep::Reply(_))
    ));
    // (p - 1) / 2 is inside [2^{2048-64}, p - 2^{2048-64}].
    let step = manual.set_client_dh_params((dh_prime() >> 1usize).to_bytes_be());
    assert!(matches!(step, Ok(ServerStep::Finished { .. })), "{step:?}");
}

#[test]
fn rejections_are_exact() {
    let mut manual = Manual::after_res_pq();
    let mut inner = manual.inner();
    inner.nonce = [8; 16];
    assert_eq!(
        outcome(manual.req_dh_params(&inner, server_key().fingerprint())),
        peer(PeerError::InnerDataMismatch)
    );
    assert_eq!(
        outcome(manual.send(ClientMessage::ReqPq { nonce: [0; 16] })),
        Err(KeyExchangeError::Local(LocalError::Finished)),
        "an error ends the exchange"
    );

    let mut manual = Manual::after_res_pq();
    let inner = manual.inner();
    assert_eq!(
        outcome(manual.req_dh_params(&inner, 42)),
        peer(PeerError::UnknownFingerprint { fingerprint: 42 })
    );

    let mut manual = Manual::after_res_pq();
    manual.nonce = [1; 16];
    let inner = manual.inner();
    assert_eq!(
        outcome(manual.req_dh_params(&inner, server_key().fingerprint())),
        peer(PeerError::WrongNonce)
    );

    let mut manual = Manual::after_res_pq();
    let inner = manual.inner();
    assert!(manual.req_dh_params(&inner, server_key().fingerprint()).is_ok());
    assert_eq!(
        dh_gen_fail(manual.set_client_dh_params(vec![1])),
        PeerError::DhValueOutOfRange(DhValue::GB)
    );

    let mut manual = Manual::after_res_pq();
    let inner = manual.inner();
    assert!(manual.req_dh_params(&inner, server_key().fingerprint()).is_ok());
    assert_eq!(
        dh_gen_fail(manual.set_client_dh_params_retry((dh_prime() >> 1usize).to_bytes_be(), 7)),
        PeerError::WrongRetryId { expected: 0, found: 7 }
    );

    let mut manual = Manual::after_res_pq();
    assert_eq!(
        outcome(manual.send(ClientMessage::SetClientDhParams {
            nonce: manual.nonce,
            server_nonce: manual.server_nonce,
            encrypted_data: vec![0; 16],
        })),
        peer(PeerError::UnexpectedMessage {
            expected: "req_DH_params",
            found: "set_client_DH_params"
        })
    );
}

#[test]
fn a_taken_key_id_is_retried_with_the_refused_keys_aux_hash() {
    // The first key the exchange makes is "taken": dh_gen_retry, then the
    // client's second b makes a key both sides agree on.
    let first = std::cell::RefCell::new(None);
    let taken = |id: crate::id::AuthKeyId| *first.borrow_mut().get_or_insert(id) == id;
    let (client, server) = run_against(request(), 5, &taken).expect("made after one retry");
    assert_eq!(client, server);
    let refused = first.borrow().expect("the server asked");
    assert_ne!(client.auth_key.id(), refused, "a new key");
    assert_eq!(client.server_salt, server.server_salt);
}

#[test]
fn a_key_id_taken_every_time_ends_in_dh_gen_fail() {
    let always = |_: crate::id::AuthKeyId| true;
    let (client, server) = run_against(request(), 5, &always).expect_err("no key");
    assert_eq!(client, KeyExchangeError::Peer(PeerError::Refused("dh_gen_fail")));
    assert_eq!(server, Some(PeerError::TooManyRetries));
}

#[test]
fn the_client_rejects_a_forged_new_nonce_hash() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let mut server = ServerKeyExchange::new(server_key().clone());
    let (mut client, mut packet) = ClientKeyExchange::start(request(), 4, &mut rng);
    loop {
        match server
            .handle_packet(&packet, 5, NOW_SECONDS, &none_taken, &mut rng)
            .expect("server")
        {
            ServerStep::Reply(reply) => match client.handle_packet(&reply, 8, &mut rng).expect("client") {
                ClientStep::Send(next) => packet = next,
                ClientStep::Finished(_) => panic!("early"),
            },
            ServerStep::Failed { error, .. } => panic!("{error}"),
            ServerStep::Finished { mut reply, .. } => {
                let last = reply.len() - 1;
                reply[last] ^= 1;
                assert_eq!(
                    client.handle_packet(&reply, 0, &mut rng).map(|_| ()),
                    peer(PeerError::BadNewNonceHash)
                );
                return;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_bytes_in_any_state_are_an_error(
        state in 0usize..3,
        wrapped in any::<bool>(),
        garbage in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut manual = Manual::after_res_pq();
        let mut server = match state {
            0 => ServerKeyExchange::new(server_key().clone()),
            1 => manual.server,
            _ => {
                let inner = manual.inner();
                prop_assert!(manual.req_dh_params(&inner, server_key().fingerprint()).is_ok());
                manual.server
            }
        };
        let packet = if wrapped { seal_plain_message(4, &garbage) } else { garbage };
        let step = server.handle_packet(&packet, 1, NOW_SECONDS, &none_taken, &mut ChaCha20Rng::seed_from_u64(3));
        prop_assert!(step.is_err(), "{:?}", step);
        prop_assert!(server.is_finished());
    }
}
