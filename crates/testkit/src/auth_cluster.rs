//! An in-process cluster of DCs that carries inter-DC messages itself: a
//! small driver for tests and benchmarks. The simulator
//! carries messages through its network model instead; this one delivers
//! them at once, optionally dropping some (to exercise retries).

use sessionlab_proto::id::{AuthKeyId, DcId, UserId};
use std::collections::BTreeMap;

use rand_core::RngCore;

use sessionlab_proto::auth::{
    AuthEvent, ClientInfo, DcAuthority, Effect, InterDcMessage, LoginResult, Policy, RpcError, SentCode, SignIn,
};
use sessionlab_proto::time::Instant;

/// Bytes of a future auth token (`auth.sendCode` offers none here).
const FUTURE_TOKEN_BYTES: usize = 32;
/// Bytes of the secret the cluster's DCs share.
pub const CLUSTER_SECRET_BYTES: usize = 32;

/// Delivery rounds per `pump`: revoke → ack is two; a bound stops ping-pong.
pub const MAX_PUMP_ROUNDS: usize = 64;

/// DCs by id plus everything they produced for the outside world.
#[derive(Debug)]
pub struct AuthCluster {
    /// The datacenters, by id.
    pub dcs: BTreeMap<DcId, DcAuthority>,
    /// Effects other than inter-DC messages, with the DC that produced them.
    pub outside: Vec<(DcId, Effect)>,
    /// Every DC's events, in the order they were polled.
    pub events: Vec<AuthEvent>,
}

impl AuthCluster {
    /// DCs `dc_ids`, sharing one secret and one policy.
    pub fn new(dc_ids: &[DcId], secret: [u8; CLUSTER_SECRET_BYTES], policy: &Policy) -> AuthCluster {
        let dcs = dc_ids
            .iter()
            .map(|id| (*id, DcAuthority::new(*id, secret, policy.clone())))
            .collect();
        AuthCluster {
            dcs,
            outside: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The DC `id`. Panics when the cluster has none: a caller's bug.
    pub fn dc(&mut self, id: DcId) -> &mut DcAuthority {
        self.dcs
            .get_mut(&id)
            .unwrap_or_else(|| panic!("no DC {id} in the cluster"))
    }

    /// Deliver every inter-DC message until none is left.
    pub fn pump(&mut self, now: Instant) {
        self.pump_filtered(now, |_| true);
    }

    /// Like `pump`, delivering only the messages `deliver` accepts (the
    /// rest are lost, as on a faulty network).
    pub fn pump_filtered(&mut self, now: Instant, mut deliver: impl FnMut(&InterDcMessage) -> bool) {
        for _ in 0..MAX_PUMP_ROUNDS {
            let mut in_flight = Vec::new();
            for (id, dc) in &mut self.dcs {
                while let Some(effect) = dc.poll_effect() {
                    match effect {
                        Effect::InterDc(message) => in_flight.push(message),
                        other => self.outside.push((*id, other)),
                    }
                }
                self.events.extend(std::iter::from_fn(|| dc.poll_event()));
            }
            if in_flight.is_empty() {
                return;
            }
            for message in in_flight.into_iter().filter(|message| deliver(message)) {
                if let Some(dc) = self.dcs.get_mut(&message.to) {
                    // A wrong destination cannot happen: we route by `to`.
                    let _ = dc.handle_inter_dc(now, message);
                }
            }
        }
    }

    /// The earliest timer of any DC.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.dcs.values().filter_map(DcAuthority::poll_timeout).min()
    }

    /// Run every DC's timers due by `now`, then deliver.
    pub fn handle_timeout(&mut self, now: Instant) {
        for dc in self.dcs.values_mut() {
            dc.handle_timeout(now);
        }
        self.pump(now);
    }

    /// Poll every effect DC `id` queued, in order, carrying none out (for
    /// tests that carry messages by hand).
    pub fn take_effects(&mut self, id: DcId) -> Vec<Effect> {
        let dc = self.dc(id);
        std::iter::from_fn(|| dc.poll_effect()).collect()
    }

    /// The last login code delivered for `user_id`, if any.
    pub fn last_code(&self, user_id: UserId) -> Option<String> {
        self.outside.iter().rev().find_map(|(_, effect)| match effect {
            Effect::DeliverCode { user_id: to, code, .. } if *to == user_id => Some(code.clone()),
            _ => None,
        })
    }

    /// send_code + sign_in on `dc` as the owner who reads the code.
    pub fn login_with_code(
        &mut self,
        now: Instant,
        dc: DcId,
        key_id: AuthKeyId,
        phone: &str,
        info: &ClientInfo,
        rng: &mut impl RngCore,
    ) -> Result<LoginResult, RpcError> {
        let no_tokens: [[u8; FUTURE_TOKEN_BYTES]; 0] = [];
        let sent = self.dc(dc).send_code(now, key_id, phone, &no_tokens, info, rng)?;
        let phone_code_hash = match sent {
            SentCode::Success(result) => return Ok(result),
            SentCode::Code { phone_code_hash, .. } => phone_code_hash,
        };
        self.pump(now);
        let user_id = self.dcs.get(&dc).and_then(|authority| authority.user_of_phone(phone));
        let code = user_id
            .and_then(|user_id| self.last_code(user_id))
            .ok_or(RpcError::PhoneCodeExpired)?;
        let request = SignIn {
            phone,
            phone_code_hash,
            code: &code,
            info,
        };
        let result = self.dc(dc).sign_in(now, key_id, &request, rng);
        self.pump(now);
        result
    }
}
