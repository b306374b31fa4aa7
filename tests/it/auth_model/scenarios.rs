//! Scenario tests: the attacker stories DESIGN.md asks the simulator to
//! measure (stolen keys, QR footholds, fresh sessions, TTL, deletion), run
//! directly against the core on a three-DC cluster.

use super::*;
use sessionlab_proto::auth::AcceptedLoginToken;

const PHONE: &str = "+1000";
const DAY: Duration = Duration::from_secs(DAY_S);

/// An account on HOME with the owner's phone (key 1, aged past the fresh
/// window) and desktop (key 2) holding derived keys 24 on DC 4 and 25 on DC 5.
/// The attacker copied the desktop's session file: it holds keys 2, 24, 25.
struct Scene {
    cluster: AuthCluster,
    rng: ChaCha8Rng,
    now: Instant,
}

impl Scene {
    fn new(policy: Policy) -> Scene {
        let mut dcs = vec![HOME];
        dcs.extend(OTHERS);
        let mut cluster = AuthCluster::new(&dcs, [5; 32], &policy);
        cluster
            .dc(HOME)
            .register_account(UserId(USER), PHONE)
            .expect("register");
        let mut scene = Scene {
            cluster,
            rng: ChaCha8Rng::seed_from_u64(1),
            now: Instant::SCENARIO_EPOCH,
        };
        scene.login(AuthKeyId(1));
        scene.login(AuthKeyId(2));
        let phone_hash = scene.hash(AuthKeyId(2));
        scene
            .cluster
            .dc(HOME)
            .confirm_authorization(scene.now, AuthKeyId(1), AuthorizationHash(phone_hash))
            .expect("owner confirms the desktop");
        for (dc, key) in [(4, 24), (5, 25)] {
            let exported = scene
                .cluster
                .dc(HOME)
                .export_authorization(scene.now, AuthKeyId(2), DcId(dc), &mut scene.rng)
                .expect("export");
            scene
                .cluster
                .dc(DcId(dc))
                .import_authorization(scene.now, AuthKeyId(key), exported.id, &exported.bytes)
                .expect("import");
        }
        scene.advance(DAY + Duration::from_secs(1));
        scene
    }

    fn login(&mut self, key: AuthKeyId) -> LoginResult {
        let result = self
            .cluster
            .login_with_code(self.now, HOME, key, PHONE, &info(), &mut self.rng);
        result.expect("login")
    }

    fn hash(&mut self, key: AuthKeyId) -> i64 {
        hash_of(&mut self.cluster, key)
    }

    fn advance(&mut self, by: Duration) {
        self.now = self.now + by;
        self.cluster.handle_timeout(self.now);
    }

    /// Whether a request under `key` on `dc` gets through.
    fn accepted(&mut self, dc: DcId, key: AuthKeyId) -> bool {
        self.cluster.dc(dc).authenticate(self.now, key).is_ok()
    }

    fn attacker_everywhere(&mut self) -> [bool; 3] {
        [
            self.accepted(HOME, AuthKeyId(2)),
            self.accepted(DcId(4), AuthKeyId(24)),
            self.accepted(DcId(5), AuthKeyId(25)),
        ]
    }

    /// The owner runs "terminate all other sessions" from the phone (key 1).
    fn owner_terminates_all(&mut self) {
        self.cluster
            .dc(HOME)
            .reset_authorizations(self.now, AuthKeyId(1))
            .expect("terminate all");
        self.cluster.pump(self.now);
    }

    /// The attacker, holding key `via`, mints an authorization for its own
    /// fresh key `new_key` by accepting a QR login token.
    fn mint_by_qr(&mut self, via: AuthKeyId, new_key: AuthKeyId) -> Result<LoginResult, RpcError> {
        let token = self
            .cluster
            .dc(HOME)
            .export_login_token(self.now, new_key, &info(), &mut self.rng)
            .expect("export");
        match self
            .cluster
            .dc(HOME)
            .accept_login_token(self.now, via, &token.token, &mut self.rng)?
        {
            AcceptedLoginToken::Here(result) => Ok(result),
            elsewhere => panic!("a token exported on HOME was accepted elsewhere: {elsewhere:?}"),
        }
    }
}

#[test]
fn stolen_key_is_cut_off_on_every_dc_before_a_sync_terminate_all_answers() {
    let mut scene = Scene::new(Policy::default());
    scene.cluster.pump(scene.now);
    scene.cluster.outside.clear();
    assert_eq!(scene.attacker_everywhere(), [true, true, true]);
    let now = scene.now;
    let answer = scene
        .cluster
        .dc(HOME)
        .reset_authorizations(now, AuthKeyId(1))
        .expect("terminate all");
    let ResetAnswer::Held { answer_id } = answer else {
        panic!("sync holds the answer: {answer:?}")
    };
    assert!(!scene.accepted(HOME, AuthKeyId(2)), "home rejects at once");
    // Carry the revocations by hand: no answer before every ack.
    let revocations = scene.cluster.take_effects(HOME);
    assert!(
        !revocations.iter().any(|e| matches!(e, Effect::ReleaseAnswer { .. })),
        "{revocations:?}"
    );
    let mut acks = Vec::new();
    for effect in revocations {
        let Effect::InterDc(message) = effect else { continue };
        let to = message.to;
        scene.cluster.dc(to).handle_inter_dc(now, message).expect("deliver");
        acks.extend(scene.cluster.take_effects(to));
    }
    assert_eq!(scene.attacker_everywhere(), [false, false, false]);
    let (first, rest) = acks.split_first().expect("two acks");
    let Effect::InterDc(first) = first.clone() else {
        panic!("an ack")
    };
    scene.cluster.dc(HOME).handle_inter_dc(now, first).expect("ack");
    assert!(scene.cluster.take_effects(HOME).is_empty(), "one DC still owes its ack");
    for effect in rest {
        let Effect::InterDc(ack) = effect.clone() else {
            panic!("an ack")
        };
        scene.cluster.dc(HOME).handle_inter_dc(now, ack).expect("ack");
    }
    let released = scene.cluster.take_effects(HOME);
    assert_eq!(
        released,
        vec![Effect::ReleaseAnswer {
            answer_id,
            key_id: AuthKeyId(1),
            result: Ok(())
        }]
    );
    assert_eq!(
        scene.cluster.dc(DcId(4)).peek(now, AuthKeyId(24)).map(|_| ()),
        Err(AuthRejection::SessionRevoked)
    );
    assert!(scene.accepted(HOME, AuthKeyId(1)), "the owner stays in");
}

#[test]
fn under_async_the_stolen_derived_keys_last_until_the_delay() {
    let delay = Duration::from_secs(5);
    let mut scene = Scene::new(Policy {
        revocation: RevocationPolicy::Async { delay },
        ..Policy::default()
    });
    let answer = scene
        .cluster
        .dc(HOME)
        .reset_authorizations(scene.now, AuthKeyId(1))
        .expect("terminate all");
    assert_eq!(answer, ResetAnswer::Done);
    scene.cluster.pump(scene.now);
    assert_eq!(
        scene.attacker_everywhere(),
        [false, true, true],
        "bypass window on other DCs"
    );
    scene.advance(Duration::from_secs(4));
    assert_eq!(scene.attacker_everywhere(), [false, true, true]);
    scene.advance(Duration::from_secs(1));
    assert_eq!(scene.attacker_everywhere(), [false, false, false]);
}

#[test]
fn a_qr_foothold_minted_by_the_stolen_key_dies_with_an_unlimited_terminate_all() {
    let mut scene = Scene::new(Policy::default());
    assert!(
        scene.mint_by_qr(AuthKeyId(2), AuthKeyId(99)).is_ok(),
        "the stolen desktop is a confirmed session"
    );
    scene.owner_terminates_all();
    assert!(!scene.accepted(HOME, AuthKeyId(99)));
    assert!(!scene.accepted(HOME, AuthKeyId(2)));
}

#[test]
fn a_qr_foothold_survives_when_the_terminate_all_limit_leaves_it() {
    let mut scene = Scene::new(Policy {
        terminate_all_limit: 5,
        ..Policy::default()
    });
    for key in 3..=6 {
        scene.login(AuthKeyId(key)); // the owner's other devices, older than the foothold
    }
    assert!(scene.mint_by_qr(AuthKeyId(2), AuthKeyId(99)).is_ok());
    scene.owner_terminates_all();
    assert!(
        !scene.accepted(HOME, AuthKeyId(2)),
        "the stolen desktop itself is among the oldest five"
    );
    assert!(
        scene.accepted(HOME, AuthKeyId(99)),
        "the minted foothold survives the limited sweep"
    );
}

#[test]
fn an_unconfirmed_phished_session_mints_only_when_the_policy_allows() {
    for (allowed, limit, survives) in [(false, 0, false), (true, 0, false), (true, 1, true)] {
        let policy = Policy {
            unconfirmed_can_accept_login_token: allowed,
            terminate_all_limit: limit,
            ..Policy::default()
        };
        let mut scene = Scene::new(policy);
        scene.login(AuthKeyId(7)); // the attacker's phished-code login: unconfirmed
        let minted = scene.mint_by_qr(AuthKeyId(7), AuthKeyId(99));
        assert_eq!(minted.is_ok(), allowed, "{minted:?}");
        scene
            .cluster
            .dc(HOME)
            .reset_authorizations(scene.now, AuthKeyId(1))
            .expect("terminate all");
        scene.cluster.pump(scene.now);
        assert_eq!(
            scene.accepted(HOME, AuthKeyId(99)),
            survives,
            "allowed={allowed} limit={limit}"
        );
    }
}

#[test]
fn a_fresh_attacker_session_cannot_terminate_the_owner() {
    let mut scene = Scene::new(Policy {
        unconfirmed_can_reset: true,
        ..Policy::default()
    });
    scene.login(AuthKeyId(7));
    let result = scene.cluster.dc(HOME).reset_authorizations(scene.now, AuthKeyId(7));
    assert_eq!(result, Err(RpcError::FreshResetForbidden));
    let owner = scene.hash(AuthKeyId(1));
    assert_eq!(
        scene
            .cluster
            .dc(HOME)
            .reset_authorization(scene.now, AuthKeyId(7), AuthorizationHash(owner)),
        Err(RpcError::FreshResetForbidden)
    );
    assert!(scene.accepted(HOME, AuthKeyId(1)));
    // A stolen OLD key is not fresh: it can sweep the owner out.
    assert!(scene
        .cluster
        .dc(HOME)
        .reset_authorizations(scene.now, AuthKeyId(2))
        .is_ok());
    scene.cluster.pump(scene.now);
    assert!(!scene.accepted(HOME, AuthKeyId(1)));
}

#[test]
fn ttl_expiry_ends_idle_sessions_and_their_derived_keys() {
    let mut scene = Scene::new(Policy::default());
    scene
        .cluster
        .dc(HOME)
        .set_authorization_ttl(scene.now, AuthKeyId(1), 7)
        .expect("ttl");
    for _ in 0..8 {
        scene.advance(DAY);
        assert!(scene.accepted(HOME, AuthKeyId(1)), "the owner's phone stays active");
    }
    assert_eq!(
        scene.cluster.dc(HOME).peek(scene.now, AuthKeyId(2)).map(|_| ()),
        Err(AuthRejection::SessionExpired)
    );
    assert_eq!(
        scene.cluster.dc(DcId(4)).peek(scene.now, AuthKeyId(24)).map(|_| ()),
        Err(AuthRejection::SessionExpired)
    );
}

#[test]
fn deletion_freezes_then_erases_then_releases_everywhere() {
    let mut scene = Scene::new(Policy::default());
    let phase = scene
        .cluster
        .dc(HOME)
        .delete_account(scene.now, AuthKeyId(1), None)
        .expect("delete");
    assert_eq!(format!("{phase:?}"), "Lock");
    scene.cluster.pump(scene.now);
    assert_eq!(scene.attacker_everywhere(), [false, false, false]);
    assert_eq!(
        scene.cluster.dc(HOME).peek(scene.now, AuthKeyId(1)).map(|_| ()),
        Err(AuthRejection::UserDeactivated)
    );
    scene
        .cluster
        .dc(HOME)
        .advance_deletion(scene.now, UserId(USER), 4_700_000)
        .expect("erase");
    scene
        .cluster
        .dc(HOME)
        .advance_deletion(scene.now, UserId(USER), 0)
        .expect("release");
    let account = scene.cluster.dc(HOME).account(UserId(USER)).expect("account");
    assert_eq!(account.authorizations().count(), 0);
    assert_eq!(format!("{:?}", account.state), "Deleted { erased_bytes: 4700000 }");
}
