//! Model-based test of the session layer (sled-style): random sequences of
//! logins, QR logins, log-outs, resets, terminate-all, TTL changes, time
//! jumps, block, number change, deletion and cross-DC imports run against a
//! three-DC cluster (revocation `sync`, messages delivered at once), and
//! after every step each key ever used is checked on its DC against a
//! simple model of which authorizations exist — accepted or rejected, and
//! with which error. Scenario tests and the revocation policies' promises
//! live in the submodules.

use sessionlab_proto::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
pub use sessionlab_proto::auth::Effect;
use sessionlab_proto::auth::{AuthRejection, ClientInfo, LoginResult, Policy, RpcError};
pub use sessionlab_proto::auth::{ResetAnswer, RevocationPolicy};
use sessionlab_proto::time::Instant;
use sessionlab_testkit::auth_cluster::AuthCluster;

const HOME: DcId = DcId(2);
const OTHERS: [DcId; 2] = [DcId(4), DcId(5)];
const USER: u64 = 7;
const DAY_S: u64 = 86_400;
const PASSWORD: &[u8] = b"correct horse";

#[derive(Clone, Debug)]
enum Op {
    Login,
    Qr { acceptor: usize },
    Logout { who: usize },
    ResetOne { caller: usize, target: usize },
    ResetAll { caller: usize },
    SetTtl { caller: usize, days: u32 },
    Confirm { caller: usize, target: usize },
    Derive { who: usize, dc: usize },
    Advance { seconds: u64 },
    Block,
    ChangeNumber { caller: usize },
    Delete { caller: usize },
    AdvanceDeletion,
    EnablePassword { caller: usize },
    CheckPassword { who: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let pick = 0usize..8;
    prop_oneof![
        4 => Just(Op::Login),
        2 => pick.clone().prop_map(|acceptor| Op::Qr { acceptor }),
        2 => pick.clone().prop_map(|who| Op::Logout { who }),
        2 => (pick.clone(), pick.clone()).prop_map(|(caller, target)| Op::ResetOne { caller, target }),
        2 => pick.clone().prop_map(|caller| Op::ResetAll { caller }),
        1 => (pick.clone(), prop::sample::select(vec![0u32, 1, 7, 30, 366, 400]))
            .prop_map(|(caller, days)| Op::SetTtl { caller, days }),
        2 => (pick.clone(), pick.clone()).prop_map(|(caller, target)| Op::Confirm { caller, target }),
        3 => (pick.clone(), 0usize..2).prop_map(|(who, dc)| Op::Derive { who, dc }),
        4 => prop::sample::select(vec![1u64, 3600, DAY_S + 1, 7 * DAY_S, 40 * DAY_S])
            .prop_map(|seconds| Op::Advance { seconds }),
        1 => pick.clone().prop_map(|caller| Op::ChangeNumber { caller }),
        1 => pick.clone().prop_map(|caller| Op::Delete { caller }),
        1 => Just(Op::AdvanceDeletion),
        1 => Just(Op::Block),
        1 => pick.clone().prop_map(|caller| Op::EnablePassword { caller }),
        2 => pick.clone().prop_map(|who| Op::CheckPassword { who }),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Active,
    Frozen,
    Erased,
    Blocked,
    Deleted,
}

#[derive(Clone, Debug)]
struct ModelAuth {
    created: Instant,
    active: Instant,
    unconfirmed: bool,
    derived: Vec<(DcId, AuthKeyId)>,
    /// Logged in with a code while 2FA is on; the password is still owed.
    pending: bool,
}

/// What the implementation should do, kept as simply as possible.
struct Model {
    now: Instant,
    ttl_days: u64,
    state: State,
    limit: usize,
    /// Whether 2FA is on (the password is always `PASSWORD`).
    password: bool,
    auths: BTreeMap<AuthKeyId, ModelAuth>,
    /// Every key ever used, with its DC and, once ended, why.
    keys: BTreeMap<AuthKeyId, (DcId, Option<AuthRejection>)>,
}

impl Model {
    fn live(&self, index: usize) -> Option<AuthKeyId> {
        let live: Vec<AuthKeyId> = self.auths.keys().copied().collect();
        live.get(index % live.len().max(1)).copied()
    }

    fn serves(&self) -> bool {
        self.state == State::Active
    }

    /// The model's answer to a request under `key`.
    fn expect(&self, key: AuthKeyId) -> Result<(), AuthRejection> {
        let (dc, ended) = self.keys[&key];
        if let Some(reason) = ended {
            return Err(reason);
        }
        if dc == HOME && !self.serves() {
            return Err(AuthRejection::UserDeactivated);
        }
        if self.auths.get(&key).is_some_and(|auth| auth.pending) {
            return Err(AuthRejection::PasswordNeeded);
        }
        Ok(())
    }

    fn end(&mut self, key: AuthKeyId, reason: AuthRejection) {
        if let Some(auth) = self.auths.remove(&key) {
            for (dc, derived) in auth.derived {
                self.keys.insert(derived, (dc, Some(reason)));
            }
        }
        if let Some(entry) = self.keys.get_mut(&key) {
            entry.1 = Some(reason);
        }
    }

    fn end_derived(&mut self, reason: AuthRejection) {
        let derived: Vec<(DcId, AuthKeyId)> = self
            .auths
            .values_mut()
            .flat_map(|auth| std::mem::take(&mut auth.derived))
            .collect();
        for (dc, key) in derived {
            self.keys.insert(key, (dc, Some(reason)));
        }
    }

    /// Whether `caller` may terminate others / change the TTL now.
    fn may_reset(&self, caller: AuthKeyId) -> Result<(), RpcError> {
        let auth = &self.auths[&caller];
        if self.now < auth.created + Duration::from_secs(DAY_S) {
            return Err(RpcError::FreshResetForbidden);
        }
        if auth.unconfirmed {
            return Err(RpcError::UnconfirmedForbidden);
        }
        Ok(())
    }

    /// Timers up to `now`: TTL expiry and auto-confirmation.
    fn run_timers(&mut self) {
        let ttl = Duration::from_secs(self.ttl_days * DAY_S);
        let expired: Vec<AuthKeyId> = self
            .auths
            .iter()
            .filter(|(_, a)| self.now >= a.active + ttl)
            .map(|(k, _)| *k)
            .collect();
        for key in expired {
            self.end(key, AuthRejection::SessionExpired);
        }
        let period = Duration::from_secs(7 * DAY_S);
        for auth in self.auths.values_mut() {
            if self.now >= auth.created + period {
                auth.unconfirmed = false;
            }
        }
    }
}

struct AuthModel {
    cluster: AuthCluster,
    rng: ChaCha8Rng,
    model: Model,
    next_key: AuthKeyId,
    next_phone: u32,
}

/// The hash of the live authorization bound to `key` on HOME.
fn hash_of(cluster: &mut AuthCluster, key: AuthKeyId) -> i64 {
    let account = cluster.dc(HOME).account(UserId(USER)).expect("account");
    account
        .authorizations()
        .find(|a| a.key_id == key)
        .map(|a| a.hash)
        .expect("live key has a hash")
        .into()
}

fn info() -> ClientInfo {
    ClientInfo {
        device_model: "Pixel 8".into(),
        app_version: "11.0".into(),
        api_id: 4,
        ..ClientInfo::default()
    }
}

impl AuthModel {
    fn new(limit: usize) -> AuthModel {
        let policy = Policy {
            terminate_all_limit: limit as u32,
            ..Policy::default()
        };
        let mut dcs = vec![HOME];
        dcs.extend(OTHERS);
        let mut cluster = AuthCluster::new(&dcs, [3; 32], &policy);
        cluster
            .dc(HOME)
            .register_account(UserId(USER), "+1000")
            .expect("register");
        let model = Model {
            now: Instant::SCENARIO_EPOCH,
            ttl_days: 180,
            password: false,
            state: State::Active,
            limit: if limit == 0 { usize::MAX } else { limit },
            auths: BTreeMap::new(),
            keys: BTreeMap::new(),
        };
        AuthModel {
            cluster,
            rng: ChaCha8Rng::seed_from_u64(11),
            model,
            next_key: AuthKeyId(1),
            next_phone: 1000,
        }
    }

    fn fresh_key(&mut self, dc: DcId) -> AuthKeyId {
        let key = self.next_key;
        self.next_key = AuthKeyId(key.get() + 1);
        self.model.keys.insert(key, (dc, None));
        key
    }

    fn phone(&self) -> String {
        format!("+{}", self.next_phone)
    }

    /// The caller authenticated: its activity is bumped (when accepted).
    fn touch(&mut self, caller: AuthKeyId) {
        if self.model.expect(caller).is_ok() {
            let now = self.model.now;
            if let Some(auth) = self.model.auths.get_mut(&caller) {
                auth.active = now;
            }
        }
    }

    fn new_auth(&mut self, key: AuthKeyId, unconfirmed: bool) {
        let now = self.model.now;
        self.model.auths.insert(
            key,
            ModelAuth {
                created: now,
                active: now,
                unconfirmed,
                derived: Vec::new(),
                pending: self.model.password,
            },
        );
    }

    fn apply(&mut self, op: &Op) {
        let now = self.model.now;
        match *op {
            Op::Login => self.login(),
            Op::Qr { acceptor } => self.qr(acceptor),
            Op::Logout { who } => {
                let Some(key) = self.model.live(who) else { return };
                let result = self.cluster.dc(HOME).log_out(now, key, &mut self.rng);
                assert!(result.is_ok(), "{result:?}");
                self.model.end(key, AuthRejection::KeyUnregistered);
            }
            Op::ResetOne { caller, target } => self.reset_one(caller, target),
            Op::ResetAll { caller } => self.reset_all(caller),
            Op::SetTtl { caller, days } => self.set_ttl(caller, days),
            Op::Confirm { caller, target } => self.confirm(caller, target),
            Op::Derive { who, dc } => self.derive(who, OTHERS[dc]),
            Op::Advance { seconds } => {
                self.model.now = now + Duration::from_secs(seconds);
                self.cluster.handle_timeout(self.model.now);
                self.model.run_timers();
            }
            Op::Block => {
                let result = self.cluster.dc(HOME).block_account(now, UserId(USER));
                if self.model.state == State::Deleted {
                    assert_eq!(result, Err(RpcError::AccountStateInvalid));
                    return;
                }
                assert!(result.is_ok());
                self.model.state = State::Blocked;
                for key in self.model.auths.keys().copied().collect::<Vec<_>>() {
                    self.model.end(key, AuthRejection::UserDeactivated);
                }
            }
            Op::ChangeNumber { caller } => self.change_number(caller),
            Op::Delete { caller } => self.delete(caller),
            Op::AdvanceDeletion => self.advance_deletion(),
            Op::EnablePassword { caller } => self.enable_password(caller),
            Op::CheckPassword { who } => self.check_password(who),
        }
        self.cluster.pump(self.model.now);
    }

    fn login(&mut self) {
        let key = self.fresh_key(HOME);
        let (now, phone) = (self.model.now, self.phone());
        let result = self
            .cluster
            .login_with_code(now, HOME, key, &phone, &info(), &mut self.rng);
        if self.model.serves() {
            assert!(result.is_ok(), "{result:?}");
            let expected = if self.model.password {
                "PasswordNeeded"
            } else {
                "Authorized"
            };
            assert!(format!("{result:?}").contains(expected), "{result:?}");
            let others = self.model.auths.values().any(|auth| !auth.pending);
            self.new_auth(key, others);
        } else {
            assert!(result.is_err());
            self.model
                .keys
                .insert(key, (HOME, Some(AuthRejection::KeyUnregistered)));
        }
    }

    fn qr(&mut self, acceptor: usize) {
        let Some(acceptor) = self.model.live(acceptor) else {
            return;
        };
        let key = self.fresh_key(HOME);
        let now = self.model.now;
        let token = self
            .cluster
            .dc(HOME)
            .export_login_token(now, key, &info(), &mut self.rng)
            .expect("export");
        let result = self
            .cluster
            .dc(HOME)
            .accept_login_token(now, acceptor, &token.token, &mut self.rng);
        self.touch(acceptor);
        self.model
            .keys
            .insert(key, (HOME, Some(AuthRejection::KeyUnregistered)));
        if let Err(expected) = self.model.expect(acceptor) {
            assert_eq!(result, Err(expected.rpc_error()));
        } else if self.model.auths[&acceptor].unconfirmed {
            assert_eq!(result, Err(RpcError::UnconfirmedForbidden));
        } else {
            assert!(result.is_ok(), "{result:?}");
            self.model.keys.insert(key, (HOME, None));
            self.new_auth(key, false);
        }
    }

    fn reset_one(&mut self, caller: usize, target: usize) {
        let (Some(caller), Some(target)) = (self.model.live(caller), self.model.live(target)) else {
            return;
        };
        let now = self.model.now;
        let hash = self.hash_of(target);
        let result = self
            .cluster
            .dc(HOME)
            .reset_authorization(now, caller, AuthorizationHash(hash));
        self.touch(caller);
        let expected = match self.model.expect(caller) {
            Err(rejection) => Err(rejection.rpc_error()),
            Ok(()) => self.model.may_reset(caller).and(if caller == target {
                Err(RpcError::HashInvalid)
            } else {
                Ok(())
            }),
        };
        assert_eq!(result.map(|_| ()), expected);
        if expected.is_ok() {
            self.model.end(target, AuthRejection::KeyUnregistered);
        }
    }

    fn reset_all(&mut self, caller: usize) {
        let Some(caller) = self.model.live(caller) else { return };
        let now = self.model.now;
        let result = self.cluster.dc(HOME).reset_authorizations(now, caller);
        self.touch(caller);
        let expected = match self.model.expect(caller) {
            Err(rejection) => Err(rejection.rpc_error()),
            Ok(()) => self.model.may_reset(caller),
        };
        assert_eq!(result.map(|_| ()), expected);
        if expected.is_ok() {
            let others: Vec<AuthKeyId> = self
                .model
                .auths
                .keys()
                .copied()
                .filter(|k| *k != caller)
                .take(self.model.limit)
                .collect();
            for key in others {
                self.model.end(key, AuthRejection::SessionRevoked);
            }
        }
    }

    fn set_ttl(&mut self, caller: usize, days: u32) {
        let Some(caller) = self.model.live(caller) else { return };
        let now = self.model.now;
        let result = self.cluster.dc(HOME).set_authorization_ttl(now, caller, days);
        if !(1..=366).contains(&days) {
            assert_eq!(result, Err(RpcError::TtlDaysInvalid));
            return;
        }
        self.touch(caller);
        let expected = match self.model.expect(caller) {
            Err(rejection) => Err(rejection.rpc_error()),
            Ok(()) => self.model.may_reset(caller),
        };
        assert_eq!(result, expected);
        if expected.is_ok() {
            self.model.ttl_days = u64::from(days);
        }
    }

    fn confirm(&mut self, caller: usize, target: usize) {
        let (Some(caller), Some(target)) = (self.model.live(caller), self.model.live(target)) else {
            return;
        };
        let now = self.model.now;
        let hash = self.hash_of(target);
        let result = self
            .cluster
            .dc(HOME)
            .confirm_authorization(now, caller, AuthorizationHash(hash));
        self.touch(caller);
        let expected = match self.model.expect(caller) {
            Err(rejection) => Err(rejection.rpc_error()),
            Ok(()) if self.model.auths[&caller].unconfirmed => Err(RpcError::UnconfirmedForbidden),
            Ok(()) if caller == target => Err(RpcError::HashInvalid),
            Ok(()) => Ok(()),
        };
        assert_eq!(result, expected);
        if expected.is_ok() {
            if let Some(auth) = self.model.auths.get_mut(&target) {
                auth.unconfirmed = false;
            }
        }
    }

    fn derive(&mut self, who: usize, dc: DcId) {
        let Some(home_key) = self.model.live(who) else { return };
        let now = self.model.now;
        let exported = self
            .cluster
            .dc(HOME)
            .export_authorization(now, home_key, dc, &mut self.rng);
        self.touch(home_key);
        if let Err(rejection) = self.model.expect(home_key) {
            assert_eq!(exported, Err(rejection.rpc_error()));
            return;
        }
        let exported = exported.expect("export");
        let key = self.fresh_key(dc);
        let imported = self
            .cluster
            .dc(dc)
            .import_authorization(now, key, exported.id, &exported.bytes);
        assert!(imported.is_ok(), "{imported:?}");
        if let Some(auth) = self.model.auths.get_mut(&home_key) {
            auth.derived.push((dc, key));
        }
    }

    fn change_number(&mut self, caller: usize) {
        let Some(caller) = self.model.live(caller) else { return };
        let now = self.model.now;
        let new_phone = format!("+{}", self.next_phone + 1);
        let result = self.cluster.dc(HOME).change_number(now, caller, &new_phone);
        self.touch(caller);
        if let Err(rejection) = self.model.expect(caller) {
            assert_eq!(result, Err(rejection.rpc_error()));
            return;
        }
        assert!(result.is_ok(), "{result:?}");
        self.next_phone += 1;
        for key in self
            .model
            .auths
            .keys()
            .copied()
            .filter(|k| *k != caller)
            .collect::<Vec<_>>()
        {
            self.model.end(key, AuthRejection::SessionRevoked);
        }
    }

    fn delete(&mut self, caller: usize) {
        let Some(caller) = self.model.live(caller) else { return };
        let now = self.model.now;
        let password = Some(PASSWORD).filter(|_| self.model.password);
        let result = self.cluster.dc(HOME).delete_account(now, caller, password);
        self.touch(caller);
        if let Err(rejection) = self.model.expect(caller) {
            assert_eq!(result.map(|_| ()), Err(rejection.rpc_error()));
            return;
        }
        assert!(result.is_ok(), "{result:?}");
        self.model.state = State::Frozen;
        self.model.end_derived(AuthRejection::UserDeactivated);
    }

    fn advance_deletion(&mut self) {
        let now = self.model.now;
        let result = self.cluster.dc(HOME).advance_deletion(now, UserId(USER), 1234);
        match self.model.state {
            State::Frozen => {
                // Erasing forgets the 2FA verifier with everything else.
                self.model.state = State::Erased;
                self.model.password = false;
            }
            State::Erased => {
                self.model.state = State::Deleted;
                for key in self.model.auths.keys().copied().collect::<Vec<_>>() {
                    self.model.end(key, AuthRejection::UserDeactivated);
                }
            }
            _ => {
                assert_eq!(result, Err(RpcError::AccountStateInvalid));
                return;
            }
        }
        assert!(result.is_ok(), "{result:?}");
    }

    fn enable_password(&mut self, caller: usize) {
        let Some(caller) = self.model.live(caller) else { return };
        let now = self.model.now;
        let current = Some(PASSWORD).filter(|_| self.model.password);
        let result = self
            .cluster
            .dc(HOME)
            .update_password(now, caller, current, Some(PASSWORD), &mut self.rng);
        self.touch(caller);
        let expected = self.model.expect(caller).map_err(AuthRejection::rpc_error);
        assert_eq!(result, expected);
        if expected.is_ok() {
            self.model.password = true;
        }
    }

    fn check_password(&mut self, who: usize) {
        let Some(key) = self.model.live(who) else { return };
        let now = self.model.now;
        let result = self.cluster.dc(HOME).check_password(now, key, PASSWORD);
        let pending = self.model.auths[&key].pending;
        if !self.model.serves() {
            assert_eq!(result.map(|_| ()), Err(RpcError::UserDeactivated));
        } else if !pending {
            assert_eq!(result.map(|_| ()), Err(RpcError::AccountStateInvalid));
        } else {
            assert!(matches!(result, Ok(LoginResult::Authorized { .. })), "{result:?}");
            if let Some(auth) = self.model.auths.get_mut(&key) {
                auth.pending = false;
            }
        }
    }

    fn hash_of(&mut self, key: AuthKeyId) -> i64 {
        hash_of(&mut self.cluster, key)
    }

    /// Every key ever used, on its DC, against the model; and the list.
    fn check(&mut self) {
        for dc in self.cluster.dcs.values() {
            dc.check_invariants();
        }
        let now = self.model.now;
        for (key, (dc, _)) in self.model.keys.clone() {
            let actual = self.cluster.dc(dc).peek(now, key).map(|_| ());
            assert_eq!(actual, self.model.expect(key), "key {key} on DC {dc} at {now:?}");
        }
        let account = self.cluster.dc(HOME).account(UserId(USER)).expect("account");
        let actual: Vec<(AuthKeyId, bool, bool)> = account
            .authorizations()
            .map(|a| (a.key_id, a.unconfirmed, a.password_pending))
            .collect();
        let expected: Vec<(AuthKeyId, bool, bool)> = self
            .model
            .auths
            .iter()
            .map(|(k, a)| (*k, a.unconfirmed, a.pending))
            .collect();
        assert_eq!(actual, expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_session_layer_matches_the_model(ops in prop::collection::vec(op(), 1..60), limit in prop::sample::select(vec![0usize, 2])) {
        let mut harness = AuthModel::new(limit);
        for op in &ops {
            harness.apply(op);
            harness.check();
        }
    }
}

mod promises;
mod scenarios;
