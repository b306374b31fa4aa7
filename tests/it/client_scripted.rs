//! `proto::Client` against scripted datacenters: a real server transport
//! with hand-built answers and pushes, so every step of a flow is exact.
//! Login (code, 2FA, future token), sync catch-up (getState, a difference
//! slice, differenceTooLong and the full resync through getState and
//! getHistory), pushed updates with a gap
//! filled by getDifference, revocation, and a copied session file used by
//! a second app instance. Ends with a property: arbitrary answers and
//! pushes, correctly encrypted, never panic the client.

use sessionlab_proto::id::{AuthKeyId, DcId, UserId};
use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sessionlab_proto::client::{Client, ClientConfig, ClientEvent, Command, WipeReason};
use sessionlab_proto::sync::difference_to_wire;
use sessionlab_proto::sync::{ApplyPath, FetchKind};
use sessionlab_proto::sync::{Difference, Direction, SyncEvent};
use sessionlab_proto::wire::api::{
    ApiCall, ApiRequest, ApiResponse, GetDifference, InputCheckPassword, Messages, SentCode, Update as WireUpdate,
    Updates,
};
use sessionlab_testkit::client_harness::*;
use sessionlab_testkit::scripted_dc::{pump, Inbound};

fn difference_request(inbound: &Inbound) -> GetDifference {
    match inbound.request.as_ref().map(ApiRequest::call) {
        Ok(ApiCall::GetDifference(request)) => *request,
        other => panic!("not updates.getDifference: {other:?}"),
    }
}

fn answer_difference(world: &mut ClientHarness, to: &Inbound, difference: Difference) {
    world.answer(
        to,
        ApiResponse::Difference(difference_to_wire(&difference, UserId::from_wire(USER_ID))),
    );
}

fn stored_seqs(world: &ClientHarness) -> Vec<u32> {
    world.client.applied_updates().map(|update| update.seq).collect()
}

#[test]
fn full_login_with_a_code() {
    let mut world = ClientHarness::new();
    let send = world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    world.answer(&send_code, sent_code());
    let sign = world.command(Command::SignIn { code: "24680".into() });
    let sign_in = world.expect_one("auth.signIn");
    match sign_in.request.as_ref().map(ApiRequest::call) {
        Ok(ApiCall::SignIn(request)) => {
            assert_eq!(request.phone_number, PHONE);
            assert_eq!(request.phone_code_hash, "hash-1");
            assert_eq!(request.phone_code.as_deref(), Some("24680"));
        }
        other => panic!("{other:?}"),
    }
    world.answer(&sign_in, authorization(None));
    assert!(world.client.is_dc_authorized(HOME) && !world.client.is_dc_authorized(MEDIA));
    let get_state = world.expect_one("updates.getState");
    world.answer(&get_state, ApiResponse::State(wire_state(state(42))));
    assert_eq!(
        world.events(),
        [
            ClientEvent::RequestDone {
                request: send,
                method: "auth.sendCode"
            },
            ClientEvent::CodeSent {
                kind: sessionlab_proto::wire::api::SentCodeType::Sms { length: 5 },
                next_type: None,
                timeout_s: None,
            },
            ClientEvent::RequestDone {
                request: sign,
                method: "auth.signIn"
            },
            ClientEvent::LoggedIn {
                user_id: UserId::from_wire(USER_ID),
            },
            ClientEvent::RequestDone {
                request: sessionlab_proto::client::RequestId(sign.0 + 1),
                method: "updates.getState"
            },
        ]
    );
    assert_eq!(world.client.user_id(), Some(UserId::from_wire(USER_ID)));
    assert_eq!(world.client.sync_state(), Some(state(42)));
    assert!(world.client.bytes_sent() > 0 && world.client.bytes_received() > 0);
}

#[test]
fn login_with_two_factor_authentication() {
    let mut world = ClientHarness::new();
    let sign_in = world.request_code_and_sign_in();
    world.fail(&sign_in, 401, "SESSION_PASSWORD_NEEDED");
    assert_eq!(world.events().last(), Some(&ClientEvent::PasswordNeeded));
    assert!(world.client.is_password_needed() && !world.client.is_logged_in());
    assert_eq!(
        format!(
            "{:?}",
            Command::CheckPassword {
                password: b"secret"[..].into()
            }
        ),
        "CheckPassword { password: Password(6 bytes) }"
    );
    world.command(Command::CheckPassword {
        password: b"wrong"[..].into(),
    });
    let check = world.expect_one("auth.checkPassword");
    world.fail(&check, 400, "PASSWORD_HASH_INVALID");
    assert!(matches!(
        world.events()[..],
        [ClientEvent::RequestFailed { code: 400, ref message, .. }] if message == "PASSWORD_HASH_INVALID"
    ));
    world.command(Command::CheckPassword {
        password: b"right"[..].into(),
    });
    let check = world.expect_one("auth.checkPassword");
    match check.request.as_ref().map(ApiRequest::call) {
        Ok(ApiCall::CheckPassword(check)) => {
            assert_eq!(check.password, InputCheckPassword::Plain(b"right".to_vec()))
        }
        other => panic!("{other:?}"),
    }
    world.answer(&check, authorization(None));
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::LoggedIn {
            user_id: UserId::from_wire(USER_ID),
        })
    );
    world.expect_one("updates.getState");
}

#[test]
fn login_with_a_future_token_skips_the_code() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    world.log_out(vec![0xf0; 16]);
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::LoggedOut { token_kept: true })
    );
    // The logged-out key is dead: the next login runs under a fresh one.
    world.ensure_keys();
    world.command(Command::SendCode { phone: PHONE.into() });
    let send_code = world.expect_one("auth.sendCode");
    match send_code.request.as_ref().map(ApiRequest::call) {
        Ok(ApiCall::SendCode(request)) => assert_eq!(request.settings.logout_tokens, Some(vec![vec![0xf0; 16]])),
        other => panic!("{other:?}"),
    }
    world.answer(
        &send_code,
        ApiResponse::SentCode(SentCode::Success(auth_authorization(None))),
    );
    assert_eq!(
        world.events().last(),
        Some(&ClientEvent::LoggedIn {
            user_id: UserId::from_wire(USER_ID),
        })
    );
    // No auth.signIn: straight to sync.
    world.expect_one("updates.getState");
}

#[test]
fn sync_catch_up_through_a_slice_and_too_long_to_a_full_resync() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(5));
    world.push(
        &like,
        Updates::Short {
            update: wire_update(8),
            date: 0,
        },
    );
    assert!(world.pump().is_empty(), "a gap waits 0.5 s before fetching");
    world.advance(Duration::from_millis(500));
    world.tick();
    let first = world.expect_one("updates.getDifference");
    let request = difference_request(&first);
    assert_eq!(
        (request.pts, request.pts_limit, request.pts_total_limit),
        (5, Some(1000), Some(100_000))
    );
    answer_difference(
        &mut world,
        &first,
        Difference::Slice {
            updates: vec![sync_update(6)],
            intermediate_state: state(6),
        },
    );
    let second = world.expect_one("updates.getDifference");
    assert_eq!(difference_request(&second).pts, 6);
    answer_difference(&mut world, &second, Difference::TooLong { pts: 8 });
    // The documented recovery, through public methods only: the state, then the history.
    let get_state = world.expect_one("updates.getState");
    world.answer(&get_state, ApiResponse::State(wire_state(state(8))));
    let get_history = world.expect_one("messages.getHistory");
    match get_history.request.as_ref().map(ApiRequest::call) {
        Ok(ApiCall::GetHistory(request)) => assert_eq!((request.limit, request.hash), (100, 0)),
        other => panic!("{other:?}"),
    }
    let newest_first = (1..=8)
        .rev()
        .map(|pts| match wire_update(pts) {
            WireUpdate::NewMessage { message, .. } => message,
            other => panic!("{other:?}"),
        })
        .collect();
    world.answer(
        &get_history,
        ApiResponse::Messages(Messages::All {
            messages: newest_first,
            users: Vec::new(),
        }),
    );
    let sync_events = world.sync_events();
    let milestones: Vec<&SyncEvent> = sync_events
        .iter()
        .filter(|event| {
            matches!(
                event,
                SyncEvent::DifferenceSlice { .. }
                    | SyncEvent::DifferenceTooLong { .. }
                    | SyncEvent::FullResyncLoaded { .. }
            )
        })
        .collect();
    assert_eq!(
        milestones,
        [
            &SyncEvent::DifferenceSlice { updates: 1 },
            &SyncEvent::DifferenceTooLong { pts: 8 },
            &SyncEvent::FullResyncLoaded { updates: 8 },
        ]
    );
    assert!(sync_events.contains(&SyncEvent::FetchSent {
        kind: FetchKind::History,
        reason: sessionlab_proto::sync::FetchReason::TooLong,
        attempt: 1
    }));
    assert_eq!(world.client.sync_state(), Some(state(8)));
    assert_eq!(stored_seqs(&world), (1..=8).collect::<Vec<u32>>());
}

#[test]
fn pushed_updates_apply_in_order_and_a_gap_is_filled_by_get_difference() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    for pts in [1, 2, 4] {
        world.push(
            &like,
            Updates::Short {
                update: wire_update(pts),
                date: 0,
            },
        );
    }
    assert_eq!(world.applied(), [(1, ApplyPath::Push), (2, ApplyPath::Push)]);
    world.advance(Duration::from_millis(500));
    world.tick();
    let fetch = world.expect_one("updates.getDifference");
    assert_eq!(difference_request(&fetch).pts, 2);
    answer_difference(
        &mut world,
        &fetch,
        Difference::Full {
            updates: vec![sync_update(3), sync_update(4)],
            state: state(4),
        },
    );
    // 3 comes with the difference; 4, buffered since its push, then fits
    // and applies from the buffer (its copy in the difference is a duplicate).
    assert_eq!(world.applied(), [(3, ApplyPath::Difference), (4, ApplyPath::Push)]);
    assert_eq!(stored_seqs(&world), [1, 2, 3, 4]);
    assert_eq!(world.client.sync_state().map(|state| state.pts), Some(4));
}

#[test]
fn a_gap_that_fills_by_itself_needs_no_difference() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    for pts in [1, 3, 2] {
        world.push(
            &like,
            Updates::Short {
                update: wire_update(pts),
                date: 0,
            },
        );
    }
    assert_eq!(
        world.applied(),
        [(1, ApplyPath::Push), (2, ApplyPath::Push), (3, ApplyPath::Push)]
    );
    world.advance(Duration::from_millis(500));
    world.tick();
    assert!(world.pump().is_empty());
}

#[test]
fn session_revoked_wipes_the_client() {
    let mut world = ClientHarness::new();
    let like = world.log_in(state(0));
    world.push(
        &like,
        Updates::Short {
            update: wire_update(1),
            date: 0,
        },
    );
    world.all_events();
    let request = world.command(Command::GetAuthorizations);
    let inbound = world.expect_one("account.getAuthorizations");
    world.fail(&inbound, 401, "SESSION_REVOKED");
    let events = world.all_events();
    assert_eq!(
        events,
        [
            // The request's packet also carried the acks due, among them
            // that of the sync answer: its share of the packet is sync.
            ClientEvent::Sync(SyncEvent::Traffic {
                direction: Direction::Up,
                bytes: 52
            }),
            ClientEvent::RequestFailed {
                request,
                method: "account.getAuthorizations",
                code: 401,
                message: "SESSION_REVOKED".into()
            },
            ClientEvent::Wiped {
                reason: WipeReason::SessionRevoked
            },
            ClientEvent::Sync(SyncEvent::Wiped { updates_dropped: 1 }),
        ]
    );
    assert!(world.client.is_wiped());
    assert_eq!(world.client.applied_updates().count(), 0);
}

#[test]
fn a_copied_session_file_works_as_a_second_app_instance() {
    let mut world = ClientHarness::new();
    world.log_in(state(0));
    world.command(Command::ConnectDc { dc: MEDIA });
    let export = world.expect_one("auth.exportAuthorization");
    world.answer(
        &export,
        ApiResponse::ExportedAuthorization(sessionlab_proto::wire::api::ExportedAuthorization {
            id: USER_ID,
            bytes: vec![1; 8],
        }),
    );
    let import = world.expect_one("auth.importAuthorization");
    world.answer(&import, authorization(None));
    let file = world.client.session_file();
    assert_eq!(file.home_dc, HOME);
    assert_eq!(file.user.as_ref().map(|user| user.id), Some(USER_ID));
    let keys: BTreeMap<DcId, (AuthKeyId, bool)> = file
        .keys
        .iter()
        .map(|(dc, stored)| (*dc, (stored.key.id(), stored.authorized)))
        .collect();
    let expected: BTreeMap<DcId, (AuthKeyId, bool)> = [HOME, MEDIA]
        .into_iter()
        .map(|dc| (dc, (world.client.auth_key_id(dc).expect("key"), true)))
        .collect();
    assert_eq!(keys, expected);

    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut attacker = Client::from_session_file(file, ClientConfig::default(), &mut rng).expect("valid config");
    assert_eq!(attacker.home_dc(), HOME);
    assert!(attacker.is_logged_in() && attacker.is_dc_authorized(MEDIA));
    attacker.on_connected(world.now);
    attacker
        .command(world.now, Command::GetAuthorizations)
        .expect("logged in");
    let inbound = pump(&mut attacker, &mut world.dcs, world.now, &mut rng);
    let methods: Vec<&str> = inbound.iter().map(Inbound::method).collect();
    assert_eq!(methods, ["updates.getState", "account.getAuthorizations"]);
    for request in &inbound {
        assert_eq!(request.auth_key_id, world.client.auth_key_id(HOME).expect("key"));
        assert_ne!(Some(request.session_id), world.client.session_id(HOME));
        assert_eq!(
            request.request.as_ref().map(ApiRequest::depth),
            Ok(2),
            "a new session: wrapped"
        );
    }
    let now = world.now;
    let packet = world.dc(HOME).answer(now, &inbound[1], &ApiResponse::Bool(true));
    // A Bool is the wrong answer type for the list: ignored, but it proves
    // the attacker's instance decrypts what the DC sends its session.
    attacker.handle_packet(world.now, HOME, &packet).expect("accepted");
    let ignored = std::iter::from_fn(|| attacker.poll_event())
        .filter(|event| matches!(event, ClientEvent::Ignored { .. }))
        .count();
    assert_eq!(ignored, 1);
}

/// What the script does to the client in one fuzz step.
#[derive(Clone, Debug)]
enum Step {
    Answer(Vec<u8>),
    Push(Vec<u8>),
    Structured(ApiResponse),
    Error(i32, String),
    Tick(u16),
}

/// TL bodies are whole 4-byte words (the server's transport asserts it):
/// arbitrary bytes, cut to whole words, at least one.
fn words() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..24).prop_map(|word_bytes| {
        let words = word_bytes.len();
        word_bytes.into_iter().cycle().take(4 * words).collect()
    })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        words().prop_map(Step::Answer),
        words().prop_map(Step::Push),
        any::<u64>().prop_map(|seed| {
            let bytes: Vec<u8> = (0..512)
                .map(|index| (seed.rotate_left(index % 64) >> (index % 8)) as u8)
                .collect();
            let mut unstructured = arbitrary::Unstructured::new(&bytes);
            Step::Structured(
                unstructured
                    .arbitrary()
                    .unwrap_or(ApiResponse::Updates(Updates::TooLong)),
            )
        }),
        (prop_oneof![Just(400), Just(401), Just(406), Just(420)], "[A-Z_]{0,24}")
            .prop_map(|(code, message)| Step::Error(code, message)),
        any::<u16>().prop_map(Step::Tick),
    ]
}

/// Commands the fuzzed client cycles through; those that do not fit its
/// state (logged in or not) are refused and send nothing.
const COMMANDS: [fn() -> Command; 8] = [
    || Command::GetAuthorizations,
    || Command::SendCode { phone: PHONE.into() },
    || Command::SignIn { code: "1".into() },
    || Command::ExportLoginToken,
    || Command::GetState,
    || Command::ResetAuthorizations,
    || Command::ConnectDc { dc: MEDIA },
    || Command::LogOut,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Arbitrary answers (raw bytes, any well-formed response, any error)
    /// to whatever the client asks, and arbitrary pushes, all correctly
    /// encrypted, never panic the client; it keeps its bounds.
    #[test]
    fn arbitrary_answers_and_pushes_never_panic(steps in proptest::collection::vec(step(), 1..24)) {
        let mut world = ClientHarness::new();
        let like = world.log_in(state(0));
        let mut waiting: Vec<Inbound> = Vec::new();
        for (index, step) in steps.into_iter().enumerate() {
            let _ = world.client.command(world.now, COMMANDS[index % COMMANDS.len()]());
            waiting.extend(world.pump());
            let now = world.now;
            let packet = match step {
                Step::Push(body) => world.dc(HOME).push_raw(now, &like, body),
                // Structured Updates go where updates go: pushed.
                Step::Structured(ApiResponse::Updates(updates)) => world.dc(HOME).push(now, &like, &updates),
                Step::Tick(millis) => {
                    world.advance(Duration::from_millis(u64::from(millis)));
                    world.tick();
                    continue;
                }
                answer => {
                    let Some(to) = waiting.pop() else { continue };
                    let result = match answer {
                        Step::Answer(bytes) => bytes,
                        Step::Structured(response) => response.encode(),
                        Step::Error(code, message) => sessionlab_proto::wire::Body::RpcError {
                            error_code: code,
                            error_message: message,
                        }
                        .encode(),
                        Step::Push(_) | Step::Tick(_) => unreachable!("handled above"),
                    };
                    world.dc(to.dc).answer_raw(now, &to, result)
                }
            };
            let _ = world.client.handle_packet(now, HOME, &packet);
            let _ = world.client.handle_packet(now, MEDIA, &packet);
            world.all_events();
            prop_assert!(world.client.pending_requests() <= 2 * sessionlab_proto::client::MAX_PENDING_REQUESTS_PER_DC);
            prop_assert!(world.client.future_auth_tokens().count() <= sessionlab_proto::client::MAX_FUTURE_AUTH_TOKENS);
        }
    }
}
