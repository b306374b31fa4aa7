//! A model-based check of `proto::Server` (sled style): random operations —
//! logins, stolen copies, terminate one, terminate all, log out, time
//! passing, requests — run against a real three-DC cluster over encrypted
//! packets, and after every step each device's request must be accepted
//! exactly when a simple model says its authorization is alive.
//!
//! The model: a device is alive from its login until it logs out or is
//! terminated; a copy shares its original's key and so its fate. A
//! terminate (one or all) succeeds only from a live session that is at
//! least 24 h old (the fresh-session rule) and confirmed (logins after the
//! first are unconfirmed for 7 days unless confirmed; unconfirmed sessions
//! may not terminate others). Time advances by at most a few days per
//! step and every live device is used on each `Advance`, so the 180-day
//! inactivity TTL never fires.

use std::time::Duration;

use arbitrary::Arbitrary;

use super::cluster::{CallError, Cluster};
use crate::proto::auth::policy::Policy;
use crate::proto::time::Instant;
use crate::proto::wire::api::{self, ApiCall, ApiResponse};

const PHONE: &str = "+15550100";
const USER: u64 = 100;
/// Devices one run creates at most (bounds the run's cost).
pub const MAX_DEVICES: usize = 12;
/// Operations one run executes at most.
pub const MAX_OPERATIONS: usize = 64;

/// One step of a run; indices are taken modulo the devices that exist.
#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Login,
    Copy { device: u8 },
    TerminateAll { from: u8 },
    Terminate { from: u8, target: u8 },
    Confirm { from: u8, target: u8 },
    LogOut { device: u8 },
    Advance { hours: u8 },
    Request { device: u8 },
}

#[derive(Clone, Debug)]
struct ModelDevice {
    /// Index of the original device whose key this one uses (itself if none).
    key_of: usize,
    /// Set for originals only.
    login: Option<Login>,
}

#[derive(Clone, Copy, Debug)]
struct Login {
    at: Instant,
    alive: bool,
    confirmed: bool,
}

/// A broken expectation, described.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("server model mismatch after {operation:?}: {detail}")]
pub struct Mismatch {
    pub operation: Operation,
    pub detail: String,
}

struct Run {
    cluster: Cluster,
    model: Vec<ModelDevice>,
}

const FRESH_WINDOW: Duration = Duration::from_secs(86_400);
const AUTOCONFIRM: Duration = Duration::from_secs(7 * 86_400);

impl Run {
    fn login_of(&self, device: usize) -> Option<Login> {
        self.model.get(self.model.get(device)?.key_of)?.login
    }

    fn alive(&self, device: usize) -> bool {
        self.login_of(device).is_some_and(|login| login.alive)
    }

    fn may_terminate(&self, device: usize) -> bool {
        self.login_of(device).is_some_and(|login| {
            let age = self.cluster.now.saturating_duration_since(login.at);
            login.alive && age >= FRESH_WINDOW && (login.confirmed || age >= AUTOCONFIRM)
        })
    }

    fn pick(&self, index: u8) -> Option<usize> {
        (!self.model.is_empty()).then(|| usize::from(index) % self.model.len())
    }

    fn kill_other_keys(&mut self, keep_key: usize, only: Option<usize>) {
        for index in 0..self.model.len() {
            let original = self.model[index].key_of;
            if original != keep_key && only.is_none_or(|target| target == original) {
                if let Some(login) = self.model[index].login.as_mut() {
                    login.alive = false;
                }
            }
        }
    }

    fn apply(&mut self, operation: Operation) -> Result<(), Mismatch> {
        let mismatch = |detail: String| Mismatch { operation, detail };
        match operation {
            Operation::Login if self.model.len() < MAX_DEVICES => {
                let device = self.cluster.add_device(1);
                let had_others = (0..self.model.len()).any(|index| self.alive(index));
                let result = self.cluster.login_with_code(device, PHONE);
                if !matches!(result, Ok(ApiResponse::AuthAuthorization(_))) {
                    return Err(mismatch(format!("login failed: {result:?}")));
                }
                let login = Login {
                    at: self.cluster.now,
                    alive: true,
                    confirmed: !had_others,
                };
                self.model.push(ModelDevice {
                    key_of: device,
                    login: Some(login),
                });
            }
            Operation::Copy { device } if self.model.len() < MAX_DEVICES => {
                if let Some(original) = self.pick(device) {
                    let key_of = self.model[original].key_of;
                    let key = self.cluster.devices[key_of].key.clone();
                    self.cluster.add_device_with_key(1, key);
                    self.model.push(ModelDevice { key_of, login: None });
                }
            }
            Operation::TerminateAll { from } => {
                let Some(from) = self.pick(from) else { return Ok(()) };
                let expected = self.may_terminate(from);
                let result = self
                    .cluster
                    .call(from, ApiCall::ResetAuthorizations(api::ResetAuthorizations));
                check_outcome(expected, &result).map_err(mismatch)?;
                if expected {
                    self.kill_other_keys(self.model[from].key_of, None);
                }
            }
            Operation::Terminate { from, target } => {
                let (Some(from), Some(target)) = (self.pick(from), self.pick(target)) else {
                    return Ok(());
                };
                let target_key = self.model[target].key_of;
                let own = target_key == self.model[from].key_of;
                let Some(hash) = self.hash_of(target_key) else {
                    return Ok(());
                };
                let expected = self.may_terminate(from) && !own && self.alive(target);
                let result = self
                    .cluster
                    .call(from, ApiCall::ResetAuthorization(api::ResetAuthorization { hash }));
                check_outcome(expected, &result).map_err(mismatch)?;
                if expected {
                    self.kill_other_keys(self.model[from].key_of, Some(target_key));
                }
            }
            Operation::Confirm { from, target } => {
                let (Some(from), Some(target)) = (self.pick(from), self.pick(target)) else {
                    return Ok(());
                };
                let target_key = self.model[target].key_of;
                let Some(hash) = self.hash_of(target_key) else {
                    return Ok(());
                };
                let call = ApiCall::ChangeAuthorizationSettings(api::ChangeAuthorizationSettings {
                    confirmed: true,
                    hash,
                    ..Default::default()
                });
                if self.cluster.call(from, call).is_ok() {
                    if let Some(login) = self.model[target_key].login.as_mut() {
                        login.confirmed = true;
                    }
                }
            }
            Operation::LogOut { device } => {
                let Some(device) = self.pick(device) else { return Ok(()) };
                let expected = self.alive(device);
                let result = self.cluster.call(device, ApiCall::LogOut(api::LogOut));
                check_outcome(expected, &result).map_err(mismatch)?;
                let key_of = self.model[device].key_of;
                if let Some(login) = self.model[key_of].login.as_mut() {
                    login.alive = false;
                }
            }
            Operation::Advance { hours } => {
                self.cluster.advance(Duration::from_secs(u64::from(hours % 97) * 3600));
                self.use_every_live_device().map_err(mismatch)?;
            }
            Operation::Request { device } => {
                if let Some(device) = self.pick(device) {
                    self.expect_request(device).map_err(mismatch)?;
                }
            }
            Operation::Login | Operation::Copy { .. } => {}
        }
        Ok(())
    }

    /// The hash of `target_key`'s authorization, as `from` would list it
    /// (the model reads it from the server: the hash is a random handle).
    fn hash_of(&self, target_key: usize) -> Option<i64> {
        let key_id = self.cluster.devices[target_key].key.id();
        let account = self.cluster.server(1).authority().account(USER)?;
        account
            .authorizations()
            .find(|authorization| authorization.key_id == key_id)
            .map(|a| a.hash)
    }

    fn expect_request(&mut self, device: usize) -> Result<(), String> {
        let expected = self.alive(device);
        let result = self.cluster.call(device, ApiCall::GetState(api::GetState));
        check_outcome(expected, &result)
    }

    fn use_every_live_device(&mut self) -> Result<(), String> {
        for device in 0..self.model.len() {
            self.expect_request(device)?;
        }
        Ok(())
    }
}

/// Success when expected; otherwise a 401/406/400 RPC error (never a lost answer).
fn check_outcome(expected: bool, result: &Result<ApiResponse, CallError>) -> Result<(), String> {
    match (expected, result) {
        (true, Ok(_)) => Ok(()),
        (false, Err(error)) if error.code != 0 => Ok(()),
        _ => Err(format!(
            "expected {}, got {result:?}",
            if expected { "success" } else { "an RPC error" }
        )),
    }
}

/// Run `operations` against a fresh cluster, checking after every step.
pub fn run(seed: u64, operations: &[Operation]) -> Result<(), Mismatch> {
    let mut cluster = Cluster::new(3, Policy::default(), seed);
    cluster.add_account(1, USER, PHONE);
    let mut run = Run {
        cluster,
        model: Vec::new(),
    };
    for operation in operations.iter().take(MAX_OPERATIONS) {
        run.apply(*operation)?;
        run.cluster.server(1).authority().check_invariants();
    }
    Ok(())
}
