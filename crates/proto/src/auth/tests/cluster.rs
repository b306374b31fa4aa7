//! The session-layer unit tests' in-process cluster of DCs, which carries
//! inter-DC messages itself (delivering them at once, optionally dropping
//! some to exercise retries).
//!
//! A `#[cfg(test)]` copy of `sessionlab_testkit::auth_cluster::AuthCluster`:
//! these unit tests stay in the core because they read crate-private limits
//! (`auth::limits`), and a unit test cannot use the testkit (it depends on
//! this crate, so its types would be another build's).

use crate::id::{AuthKeyId, DcId, UserId};
use std::collections::BTreeMap;

use rand_core::RngCore;

use crate::auth::account::FUTURE_TOKEN_BYTES;
use crate::auth::authority::CLUSTER_SECRET_BYTES;
use crate::auth::client_info::ClientInfo;
use crate::auth::error::RpcError;
use crate::auth::events::{AuthEvent, Effect};
use crate::auth::interdc::InterDcMessage;
use crate::auth::login::{LoginResult, SentCode, SignIn};
use crate::auth::policy::Policy;
use crate::auth::DcAuthority;
use crate::time::Instant;

/// Delivery rounds per `pump`: revoke → ack is two; a bound stops ping-pong.
const MAX_PUMP_ROUNDS: usize = 64;

/// DCs by id plus everything they produced for the outside world.
#[derive(Debug)]
pub(crate) struct InProcessDcs {
    /// The datacenters, by id.
    pub(crate) dcs: BTreeMap<DcId, DcAuthority>,
    /// Effects other than inter-DC messages, with the DC that produced them.
    pub(crate) outside: Vec<(DcId, Effect)>,
    /// Every DC's events, in the order they were polled.
    pub(crate) events: Vec<AuthEvent>,
}

impl InProcessDcs {
    /// DCs `dc_ids`, sharing one secret and one policy.
    pub(crate) fn new(dc_ids: &[DcId], secret: [u8; CLUSTER_SECRET_BYTES], policy: &Policy) -> InProcessDcs {
        let dcs = dc_ids
            .iter()
            .map(|id| (*id, DcAuthority::new(*id, secret, policy.clone())))
            .collect();
        InProcessDcs {
            dcs,
            outside: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The DC `id`. Panics when the cluster has none: a caller's bug.
    pub(crate) fn dc(&mut self, id: DcId) -> &mut DcAuthority {
        self.dcs
            .get_mut(&id)
            .unwrap_or_else(|| panic!("no DC {id} in the cluster"))
    }

    /// Deliver every inter-DC message until none is left.
    pub(crate) fn pump(&mut self, now: Instant) {
        self.pump_filtered(now, |_| true);
    }

    /// Like `pump`, delivering only the messages `deliver` accepts (the
    /// rest are lost, as on a faulty network).
    pub(crate) fn pump_filtered(&mut self, now: Instant, mut deliver: impl FnMut(&InterDcMessage) -> bool) {
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

    /// Run every DC's timers due by `now`, then deliver.
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        for dc in self.dcs.values_mut() {
            dc.handle_timeout(now);
        }
        self.pump(now);
    }

    /// Poll every effect DC `id` queued, in order, carrying none out (for
    /// tests that carry messages by hand).
    pub(crate) fn take_effects(&mut self, id: DcId) -> Vec<Effect> {
        let dc = self.dc(id);
        std::iter::from_fn(|| dc.poll_effect()).collect()
    }

    /// The last login code delivered for `user_id`, if any.
    pub(crate) fn last_code(&self, user_id: UserId) -> Option<String> {
        self.outside.iter().rev().find_map(|(_, effect)| match effect {
            Effect::DeliverCode { user_id: to, code, .. } if *to == user_id => Some(code.clone()),
            _ => None,
        })
    }

    /// send_code + sign_in on `dc` as the owner who reads the code.
    pub(crate) fn login_with_code(
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
