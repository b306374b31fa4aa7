//! Unit tests of the session layer's rules, one test per rule, on a small
//! in-process cluster (home DC 2, other DCs 4 and 5) with a seeded RNG.

mod cluster;
mod datacenters;
mod dead_keys;
mod duplicated;
mod future_tokens;
mod lifecycle;
mod login;
mod password;
mod qr;
mod qr_migrate;
mod resend;
mod sessions;

use std::time::Duration;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::events::{AuthEventKind, Effect};
use super::login::LoginResult;
use super::{ClientInfo, DcAuthority, Policy};
use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use crate::time::Instant;
use cluster::InProcessDcs;

pub(super) const HOME: DcId = DcId::new(2);
pub(super) const OTHER: DcId = DcId::new(4);
pub(super) const THIRD: DcId = DcId::new(5);
pub(super) const USER: UserId = UserId::new(77);
pub(super) const PHONE: &str = "+15550001";
pub(super) const DAY: Duration = Duration::from_secs(86_400);

pub(super) struct AuthFixture {
    pub cluster: InProcessDcs,
    pub rng: ChaCha8Rng,
    pub now: Instant,
}

pub(super) fn info(model: &str) -> ClientInfo {
    ClientInfo {
        device_model: model.to_string(),
        platform: "android".to_string(),
        system_version: "14".to_string(),
        api_id: 4,
        app_name: "Telegram".to_string(),
        app_version: "11.2.0".to_string(),
        origin: Default::default(),
    }
}

impl AuthFixture {
    /// A cluster with one account homed on HOME.
    pub(super) fn new(policy: Policy) -> AuthFixture {
        let mut cluster = InProcessDcs::new(&[HOME, OTHER, THIRD], [9; 32], &policy);
        cluster.dc(HOME).register_account(USER, PHONE).expect("register");
        AuthFixture {
            cluster,
            rng: ChaCha8Rng::seed_from_u64(7),
            now: Instant::SCENARIO_EPOCH,
        }
    }

    pub(super) fn home(&mut self) -> &mut DcAuthority {
        self.cluster.dc(HOME)
    }

    pub(super) fn dc(&mut self, id: DcId) -> &mut DcAuthority {
        self.cluster.dc(id)
    }

    /// Move time forward and run every timer due.
    pub(super) fn advance(&mut self, by: Duration) {
        self.now = self.now + by;
        self.cluster.handle_timeout(self.now);
    }

    /// Deliver inter-DC messages, then check every DC's invariants.
    pub(super) fn pump(&mut self) {
        self.cluster.pump(self.now);
        for dc in self.cluster.dcs.values() {
            dc.check_invariants();
        }
    }

    /// Log `key` in with a code; returns the result.
    pub(super) fn try_login(&mut self, key: AuthKeyId, model: &str) -> Result<LoginResult, super::RpcError> {
        let now = self.now;
        self.cluster
            .login_with_code(now, HOME, key, PHONE, &info(model), &mut self.rng)
    }

    /// Log `key` in with a code; returns the new authorization's hash.
    pub(super) fn login(&mut self, key: AuthKeyId, model: &str) -> AuthorizationHash {
        match self.try_login(key, model) {
            Ok(LoginResult::Authorized { hash, .. }) => AuthorizationHash::new(hash.get()),
            other => panic!("login failed: {other:?}"),
        }
    }

    /// Log in and let the fresh-session window pass.
    pub(super) fn login_aged(&mut self, key: AuthKeyId, model: &str) -> AuthorizationHash {
        let hash = self.login(key, model);
        self.advance(DAY + Duration::from_secs(1));
        hash
    }

    /// The owner's aged phone (key 1) and a stolen laptop session (key 2).
    pub(super) fn owner_and_stolen_laptop(&mut self) {
        self.login_aged(AuthKeyId::new(1), "Pixel 8");
        self.login(AuthKeyId::new(2), "Stolen laptop");
    }

    /// Turn 2FA on with password "pw" from `key`.
    pub(super) fn enable_two_factor(&mut self, key: AuthKeyId) {
        let now = self.now;
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        self.home()
            .update_password(now, key, None, Some(b"pw"), &mut rng)
            .expect("2FA on");
    }

    /// Every effect produced so far for the outside world; clears them.
    pub(super) fn take_outside(&mut self) -> Vec<(DcId, Effect)> {
        self.pump();
        std::mem::take(&mut self.cluster.outside)
    }

    /// Every event kind so far; clears them.
    pub(super) fn take_events(&mut self) -> Vec<AuthEventKind> {
        self.pump();
        std::mem::take(&mut self.cluster.events)
            .into_iter()
            .map(|event| event.kind)
            .collect()
    }

    /// Authenticate `key` on `dc` and map the rejection to its RPC error.
    pub(super) fn auth(&mut self, dc: DcId, key: AuthKeyId) -> Result<AuthorizationHash, super::RpcError> {
        let now = self.now;
        self.cluster
            .dc(dc)
            .authenticate(now, key)
            .map(|handle| handle.hash)
            .map_err(|r| r.rpc_error())
    }
}
