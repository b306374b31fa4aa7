//! A model-based check of `proto::Server` (sled style): random operations —
//! logins (by an in-app code re-sent by SMS too), stolen copies, terminate
//! one, terminate all, log out, logging in again under an old key, setting
//! the 2FA password, time passing, requests — run against a real three-DC
//! cluster over encrypted packets, and after every step each device's
//! request must be accepted exactly when a simple model says its
//! authorization is alive.
//!
//! The model: a device is alive from its login until it logs out or is
//! terminated; a copy shares its original's key and so its fate. A key
//! whose authorization ended is dead: logging in under it again is refused
//! (AUTH_KEY_UNREGISTERED), under a live one too (AUTH_KEY_ALREADY_AUTHORIZED);
//! only a key that never logged in may. A code goes in-app when a session
//! is alive (then `next_type` SMS after 60 s), else by SMS; `resendCode`
//! before 60 s is FLOOD_WAIT, after it the same code comes by SMS. With a
//! password set, every login also owes it. A terminate (one or all)
//! succeeds only from a live session that is at least 24 h old (the
//! fresh-session rule) and confirmed (logins after the first are
//! unconfirmed for 7 days unless confirmed; unconfirmed sessions may not
//! terminate others). Time advances by at most a few days per step and
//! every live device is used on each `Advance`, so the 180-day inactivity
//! TTL never fires.

use sessionlab_proto::id::UserId;
use std::time::Duration;

use arbitrary::Arbitrary;

use crate::cluster_temp_keys::Binding;
use crate::server_cluster::{CallError, DeviceId, ServerCluster};
use sessionlab_proto::auth::CodeDelivery;
use sessionlab_proto::auth::Policy;
use sessionlab_proto::time::Instant;
use sessionlab_proto::wire::api::{self, ApiCall, ApiResponse};

const PHONE: &str = "+15550100";
const USER: u64 = 100;
const PASSWORD: &[u8] = b"model password";
/// The policy's `resend_code_after`, in seconds.
const RESEND_AFTER_S: u64 = 60;
/// Devices one run creates at most (bounds the run's cost).
pub const MAX_DEVICES: usize = 12;
/// Operations one run executes at most.
pub const MAX_OPERATIONS: usize = 64;

/// One step of a run; indices are taken modulo the devices that exist.
#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Login,
    Copy {
        device: u8,
    },
    TerminateAll {
        from: u8,
    },
    Terminate {
        from: u8,
        target: u8,
    },
    Confirm {
        from: u8,
        target: u8,
    },
    LogOut {
        device: u8,
    },
    Advance {
        hours: u8,
    },
    Request {
        device: u8,
    },
    /// A new device asks for a code, waits `wait_s` seconds, asks for it
    /// again (`auth.resendCode`) and signs in with the SMS when it came.
    LoginBySms {
        wait_s: u8,
    },
    /// `device` logs in by code again under its (possibly dead) key.
    Relogin {
        device: u8,
    },
    /// `from` turns 2FA on (`enable`) or off with the current password.
    SetPassword {
        from: u8,
        enable: bool,
    },
    /// A new device under a fresh temp key binds it to `device`'s
    /// permanent key (api/pfs): it acts for that key until a newer binding
    /// replaces it or a day passes (then its packets get -404).
    BindTemp {
        device: u8,
    },
}

#[derive(Clone, Debug)]
struct ModelDevice {
    /// Index of the original device whose key this one uses (itself if none).
    key_of: usize,
    /// Set for originals only.
    login: Option<Login>,
    /// Set for temp-key devices: which binding (of `key_of`'s key) and
    /// when the key dies.
    temp: Option<TempDevice>,
}

#[derive(Clone, Copy, Debug)]
struct TempDevice {
    /// The binding's number; `None`: refused.
    binding: Option<u64>,
    expires_at: Instant,
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

struct ServerModel {
    cluster: ServerCluster,
    model: Vec<ModelDevice>,
    /// The 2FA password set now, if any.
    password: Option<&'static [u8]>,
    /// Original device → the binding its permanent key acts through now.
    current_binding: std::collections::BTreeMap<usize, u64>,
    bindings_made: u64,
}

const FRESH_WINDOW: Duration = Duration::from_secs(86_400);
const AUTOCONFIRM: Duration = Duration::from_secs(7 * 86_400);

impl ServerModel {
    fn login_of(&self, device: usize) -> Option<Login> {
        let entry = self.model.get(device)?;
        if let Some(temp) = entry.temp {
            // Only the live, current binding acts for the permanent key.
            let current = self.current_binding.get(&entry.key_of).copied();
            if self.is_dead_temp(device) || temp.binding.is_none() || temp.binding != current {
                return None;
            }
        }
        self.model.get(entry.key_of)?.login
    }

    /// A temp-key device whose key died: the server forgot it.
    fn is_dead_temp(&self, device: usize) -> bool {
        self.model
            .get(device)
            .and_then(|entry| entry.temp)
            .is_some_and(|temp| self.cluster.now >= temp.expires_at)
    }

    /// The devices `operation` acts from or on.
    fn named_devices(&self, operation: Operation) -> Vec<usize> {
        let indexes = match operation {
            Operation::TerminateAll { from } | Operation::SetPassword { from, .. } => vec![from],
            Operation::Terminate { from, target } | Operation::Confirm { from, target } => vec![from, target],
            Operation::LogOut { device } | Operation::Relogin { device } | Operation::Copy { device } => vec![device],
            _ => Vec::new(),
        };
        indexes.into_iter().filter_map(|index| self.pick(index)).collect()
    }

    /// `BindTemp`: a temp key bound to `device`'s permanent key, unless
    /// that key is dead (then `AUTH_KEY_UNREGISTERED`).
    fn bind_temp(&mut self, device: usize) -> Result<(), String> {
        let original = self.model[device].key_of;
        let perm_key = self.cluster.devices[original].key.clone();
        let dead = self.model[original].login.is_some_and(|login| !login.alive);
        let (temp, expires_at) = self
            .cluster
            .add_temp_device(1, FRESH_WINDOW)
            .map_err(|error| format!("temp key exchange refused: {error:?}"))?;
        let result = self
            .cluster
            .bind_temp_key(temp, &Binding::honest(&perm_key, expires_at));
        let binding = if dead {
            expect_error(&result, (401, "AUTH_KEY_UNREGISTERED"))?;
            None
        } else {
            if result != Ok(ApiResponse::Bool(true)) {
                return Err(format!("expected the binding to succeed, got {result:?}"));
            }
            self.bindings_made += 1;
            self.current_binding.insert(original, self.bindings_made);
            Some(self.bindings_made)
        };
        self.model.push(ModelDevice {
            key_of: original,
            login: None,
            temp: Some(TempDevice { binding, expires_at }),
        });
        Ok(())
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
        // A dead temp key gets nothing but -404: only requests check that.
        let named = self.named_devices(operation);
        if named.iter().any(|device| self.is_dead_temp(*device)) {
            return Ok(());
        }
        match operation {
            Operation::BindTemp { device } if self.model.len() < MAX_DEVICES => {
                if let Some(device) = self.pick(device) {
                    self.bind_temp(device).map_err(mismatch)?;
                }
            }
            // A temp key's device logs in as its permanent key, which the
            // original's entry models.
            Operation::Relogin { device } if self.pick(device).is_some_and(|d| self.model[d].temp.is_some()) => {}
            Operation::Login if self.model.len() < MAX_DEVICES => {
                let device = self.cluster.add_device(1);
                let had_others = self.any_alive();
                let result = self.cluster.login_with_code(device, PHONE);
                self.complete_login(device, result).map_err(mismatch)?;
                let login = self.new_login(had_others);
                self.model.push(ModelDevice {
                    key_of: device,
                    login: Some(login),
                    temp: None,
                });
            }
            Operation::LoginBySms { wait_s } if self.model.len() < MAX_DEVICES => {
                let device = self.cluster.add_device(1);
                let had_others = self.any_alive();
                let logged_in = self
                    .login_by_sms(device, u64::from(wait_s), had_others)
                    .map_err(mismatch)?;
                let login = logged_in.then(|| self.new_login(had_others));
                self.model.push(ModelDevice {
                    key_of: device,
                    login,
                    temp: None,
                });
            }
            Operation::Relogin { device } => {
                let Some(device) = self.pick(device) else { return Ok(()) };
                let key_of = self.model[device].key_of;
                let had_others = self.any_alive();
                let result = self.cluster.login_with_code(device, PHONE);
                match self.model[key_of].login {
                    None => {
                        self.complete_login(device, result).map_err(mismatch)?;
                        self.model[key_of].login = Some(self.new_login(had_others));
                    }
                    Some(login) => {
                        let expected = if login.alive {
                            (400, "AUTH_KEY_ALREADY_AUTHORIZED")
                        } else {
                            (401, "AUTH_KEY_UNREGISTERED")
                        };
                        expect_error(&result, expected).map_err(mismatch)?;
                    }
                }
            }
            Operation::SetPassword { from, enable } => {
                let Some(from) = self.pick(from) else { return Ok(()) };
                let expected = self.alive(from);
                let call = ApiCall::UpdatePasswordSettings(api::UpdatePasswordSettings {
                    password: self.password.map_or(api::InputCheckPassword::Empty, |current| {
                        api::InputCheckPassword::Plain(current.to_vec())
                    }),
                    new_settings: api::PasswordInputSettings {
                        new_password: enable.then(|| PASSWORD.to_vec()),
                    },
                });
                let result = self.cluster.call(from, call);
                check_outcome(expected, &result).map_err(mismatch)?;
                if expected {
                    self.password = enable.then_some(PASSWORD);
                }
            }
            Operation::Copy { device } if self.model.len() < MAX_DEVICES => {
                if let Some(original) = self.pick(device) {
                    let key_of = self.model[original].key_of;
                    let key = self.cluster.devices[key_of].key.clone();
                    self.cluster.add_device_with_key(1, key);
                    self.model.push(ModelDevice {
                        key_of,
                        login: None,
                        temp: None,
                    });
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
                if let Some(login) = self.model[key_of].login.as_mut().filter(|_| expected) {
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
            Operation::Login | Operation::Copy { .. } | Operation::LoginBySms { .. } | Operation::BindTemp { .. } => {}
        }
        Ok(())
    }

    fn any_alive(&self) -> bool {
        (0..self.model.len()).any(|index| self.alive(index))
    }

    /// A login completed now; confirmed when it was the only live one.
    fn new_login(&self, had_others: bool) -> Login {
        Login {
            at: self.cluster.now,
            alive: true,
            confirmed: !had_others,
        }
    }

    /// The sign-in answer must log in, or ask for the password the model
    /// knows is set, which then logs in.
    fn complete_login(&mut self, device: DeviceId, result: Result<ApiResponse, CallError>) -> Result<(), String> {
        match (result, self.password) {
            (Ok(ApiResponse::AuthAuthorization(_)), None) => Ok(()),
            (Err(error), Some(password)) if error.code == 401 && error.message == "SESSION_PASSWORD_NEEDED" => {
                let check = ApiCall::CheckPassword(api::CheckPassword {
                    password: api::InputCheckPassword::Plain(password.to_vec()),
                });
                match self.cluster.call(device, check) {
                    Ok(ApiResponse::AuthAuthorization(_)) => Ok(()),
                    other => Err(format!("checkPassword failed: {other:?}")),
                }
            }
            (other, password) => Err(format!(
                "login ended in {other:?} (password set: {})",
                password.is_some()
            )),
        }
    }

    /// `sendCode`, `wait_s` seconds, `resendCode`, and the sign-in with the
    /// SMS when it came. Returns whether `device` logged in.
    fn login_by_sms(&mut self, device: DeviceId, wait_s: u64, had_others: bool) -> Result<bool, String> {
        let send = ApiCall::SendCode(api::SendCode {
            phone_number: PHONE.into(),
            api_id: 4,
            api_hash: "hash".into(),
            settings: api::CodeSettings::default(),
        });
        let sent = self.cluster.call(device, send);
        let Ok(ApiResponse::SentCode(api::SentCode::Sent {
            kind,
            phone_code_hash,
            next_type,
            timeout_s,
        })) = sent
        else {
            return Err(format!("sendCode answered {sent:?}"));
        };
        let in_app = matches!(kind, api::SentCodeType::App { .. });
        let announced = (next_type, timeout_s);
        let expected = if had_others {
            (Some(api::CodeType::Sms), i32::try_from(RESEND_AFTER_S).ok())
        } else {
            (None, None)
        };
        if in_app != had_others || announced != expected {
            return Err(format!(
                "code type {kind:?}, next {announced:?} with others alive: {had_others}"
            ));
        }
        let first = self.last_code();
        self.cluster.advance(Duration::from_secs(wait_s));
        let resend = ApiCall::ResendCode(api::ResendCode {
            phone_number: PHONE.into(),
            phone_code_hash: phone_code_hash.clone(),
            reason: None,
        });
        let resent = self.cluster.call(device, resend);
        if wait_s < RESEND_AFTER_S {
            let message = format!("FLOOD_WAIT_{}", RESEND_AFTER_S - wait_s);
            expect_error(&resent, (420, &message))?;
            return Ok(false);
        }
        if !matches!(
            resent,
            Ok(ApiResponse::SentCode(api::SentCode::Sent {
                kind: api::SentCodeType::Sms { .. },
                next_type: None,
                ..
            }))
        ) {
            return Err(format!("resendCode answered {resent:?}"));
        }
        let by_sms = self.last_code();
        match (&first, &by_sms) {
            (Some((code, _)), Some((again, CodeDelivery::Sms))) if code == again => {}
            _ => return Err(format!("resent {by_sms:?} after {first:?}")),
        }
        let code = by_sms.map(|(code, _)| code);
        let sign_in = ApiCall::SignIn(api::SignIn {
            phone_number: PHONE.into(),
            phone_code_hash,
            phone_code: code,
        });
        let result = self.cluster.call(device, sign_in);
        self.complete_login(device, result)?;
        Ok(true)
    }

    /// The last code delivered for the account's phone, and where it went.
    fn last_code(&self) -> Option<(String, CodeDelivery)> {
        self.cluster
            .codes
            .iter()
            .rev()
            .find(|(to, _, _)| to == PHONE)
            .map(|(_, code, delivery)| (code.clone(), delivery.clone()))
    }

    /// The hash of `target_key`'s authorization, as `from` would list it
    /// (the model reads it from the server: the hash is a random handle).
    fn hash_of(&self, target_key: usize) -> Option<i64> {
        let key_id = self.cluster.devices[target_key].key.id();
        let account = self.cluster.server(1).authority().account(UserId(USER))?;
        account
            .authorizations()
            .find(|authorization| authorization.key_id == key_id)
            .map(|a| a.hash.get())
    }

    fn expect_request(&mut self, device: usize) -> Result<(), String> {
        let dead_temp = self.is_dead_temp(device);
        let expected = self.alive(device);
        let result = self.cluster.call(device, ApiCall::GetState(api::GetState));
        match (dead_temp, &result) {
            (true, Err(error)) if error.code == 0 => Ok(()),
            (true, _) => Err(format!("a dead temp key was answered: {result:?}")),
            (false, _) => check_outcome(expected, &result),
        }
    }

    fn use_every_live_device(&mut self) -> Result<(), String> {
        for device in 0..self.model.len() {
            self.expect_request(device)?;
        }
        Ok(())
    }
}

/// Exactly the RPC error `(code, message)`.
fn expect_error(result: &Result<ApiResponse, CallError>, (code, message): (i32, &str)) -> Result<(), String> {
    match result {
        Err(error) if error.code == code && error.message == message => Ok(()),
        other => Err(format!("expected {code} {message}, got {other:?}")),
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

/// ServerModel `operations` against a fresh cluster, checking after every step.
pub fn run(seed: u64, operations: &[Operation]) -> Result<(), Mismatch> {
    let mut cluster = ServerCluster::new(3, Policy::default(), seed);
    cluster.add_account(1, USER, PHONE);
    let mut run = ServerModel {
        cluster,
        model: Vec::new(),
        password: None,
        current_binding: std::collections::BTreeMap::new(),
        bindings_made: 0,
    };
    for operation in operations.iter().take(MAX_OPERATIONS) {
        run.apply(*operation)?;
        run.cluster.server(1).authority().check_invariants();
    }
    Ok(())
}
