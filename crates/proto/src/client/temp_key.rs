//! Perfect forward secrecy as official apps do it (api/pfs): with
//! [`ClientConfig::temp_key_lifetime`](super::ClientConfig) non-zero, no
//! request goes under a permanent key. A request for a DC without a bound,
//! live temp key waits ([`DcLink::held`](super::dc::DcLink)) while the
//! caller runs the temp key exchange:
//!
//! ```text
//! send_call ─ no usable temp key ─► held, wants_temp_key
//! caller: temp_key_wanted → new_temp_key → Server::register_temp_key → handle_issued_temp_key
//! handle_issued_temp_key ─► new session under the temp key, auth.bindTempAuthKey
//! Bool(true) ─► bound: held requests go (the first wrapped in initConnection again)
//! AUTH_KEY_PERM_EMPTY / a refused binding ─► temp key dropped, requests held again
//! ```
//!
//! The binding message is sealed with the permanent key for the request's
//! own msg_id (`transport::seal_bind_message`). A temp key is renewed
//! [`TEMP_KEY_RENEW_LEAD`](super::config::TEMP_KEY_RENEW_LEAD) before it
//! dies, once its requests have settled.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use super::config::{MAX_BIND_ATTEMPTS, MAX_REQUEST_ATTEMPTS, REQUEST_TIMEOUT};
use super::dc::TempKey;
use super::event::{ClientEvent, CommandError, RequestId};
use super::{Client, Outstanding};
use crate::crypto::AuthKey;
use crate::id::{DcId, SessionId};
use crate::time::Instant;
use crate::transport::{ClientSession, TRANSPORT_ERROR_UNKNOWN_KEY};
use crate::wire::api::{ApiCall, BindTempAuthKey};

/// The error string of a request under a temp key that acts for nobody.
pub(super) const AUTH_KEY_PERM_EMPTY: &str = "AUTH_KEY_PERM_EMPTY";

impl Client {
    /// Whether traffic goes under temp keys.
    pub(super) fn forward_secrecy(&self) -> bool {
        !self.config.temp_key_lifetime.is_zero()
    }

    /// Put `call` (the call of `request`) on `dc`'s session now, or hold it
    /// until a temp key is bound there.
    pub(super) fn send_call(
        &mut self,
        now: Instant,
        dc: DcId,
        request: RequestId,
        call: &ApiCall,
    ) -> Result<(), CommandError> {
        let forward_secrecy = self.forward_secrecy();
        let link = self.links.get_mut(&dc).ok_or(CommandError::NoKey { dc })?;
        if let ApiCall::BindTempAuthKey(bind) = call {
            return link.send_bind(now, bind, request);
        }
        if forward_secrecy && !link.temp_key_usable(now) {
            link.held.push(request);
            // An unbound key is being bound; a bound one is due or dead.
            if link.exchanging.is_none() && link.temp.as_ref().is_none_or(|temp| temp.bound) {
                link.wants_temp_key = true;
            }
            return Ok(());
        }
        let body = link.request_body(call.clone(), &self.config.device);
        link.send(now, body, request)
    }

    /// A DC whose requests wait for a new temp key: make one with
    /// [`Client::new_temp_key`], register it there
    /// ([`Server::register_temp_key`](crate::server::Server::register_temp_key))
    /// and hand the result to [`Client::handle_issued_temp_key`].
    #[must_use]
    pub fn temp_key_wanted(&self) -> Option<DcId> {
        self.links
            .iter()
            .find(|(_, link)| link.wants_temp_key)
            .map(|(dc, _)| *dc)
    }

    /// A fresh temp key for `dc` (what the temp DH exchange would make) and
    /// the life to ask for it; `None` without forward secrecy or a key there.
    pub fn new_temp_key(&mut self, dc: DcId, rng: &mut impl RngCore) -> Option<(AuthKey, std::time::Duration)> {
        let lifetime = self.config.temp_key_lifetime;
        if lifetime.is_zero() {
            return None;
        }
        let link = self.links.get_mut(&dc)?;
        let mut stream = ChaCha20Rng::from_rng(rng);
        let key = AuthKey::generate(&mut stream);
        let nonce = stream.next_u64() as i64;
        let session_id = SessionId::new(stream.next_u64());
        let temp = TempKey {
            key: key.clone(),
            expires_at: Instant::EPOCH,
            nonce,
            bound: false,
        };
        link.exchanging = Some(Box::new((temp, session_id)));
        link.wants_temp_key = false;
        Some((key, lifetime))
    }

    /// The DC registered the temp key from [`Client::new_temp_key`], issued
    /// `salt` with it and will forget it at `expires_at` (server time): a
    /// new session starts under it and binds it to the permanent key.
    pub fn handle_issued_temp_key(&mut self, now: Instant, dc: DcId, salt: u64, expires_at: Instant) {
        let Some(link) = self.links.get_mut(&dc) else {
            return;
        };
        let Some(exchanging) = link.exchanging.take() else {
            return;
        };
        let (mut temp, session_id) = *exchanging;
        temp.expires_at = expires_at;
        let (nonce, temp_expires) = (temp.nonce, expires_at.unix_seconds());
        // What was in flight on the old session goes again on the new one.
        let in_flight: Vec<RequestId> = std::mem::take(&mut link.by_msg_id)
            .into_iter()
            .map(|(_, request)| request)
            .collect();
        link.held.splice(0..0, in_flight);
        link.session = ClientSession::new(temp.key.clone(), session_id, salt);
        link.temp = Some(Box::new(temp));
        link.connection_initialized = false;
        let call = ApiCall::BindTempAuthKey(BindTempAuthKey {
            perm_auth_key_id: link.key.id().get() as i64,
            nonce,
            expires_at: i32::try_from(temp_expires).unwrap_or(i32::MAX),
            encrypted_message: Vec::new(),
        });
        let request = RequestId(self.next_request);
        self.next_request += 1;
        self.requests.insert(
            request,
            Outstanding {
                dc,
                call: call.clone(),
                sync_request: None,
                deadline: now.saturating_add(REQUEST_TIMEOUT),
                attempts: 1,
            },
        );
        if self.send_call(now, dc, request, &call).is_err() {
            self.lose(request);
        }
    }

    /// The DC refused to register the temp key from [`Client::new_temp_key`]:
    /// what waits for it is lost.
    pub fn temp_key_refused(&mut self, dc: DcId) {
        if let Some(link) = self.links.get_mut(&dc) {
            link.exchanging = None;
        }
        self.lose_held(dc);
    }

    /// `auth.bindTempAuthKey` answered `true`: requests go under the key.
    pub(super) fn on_temp_key_bound(&mut self, now: Instant, dc: DcId) {
        let Some(link) = self.links.get_mut(&dc) else {
            return;
        };
        let Some(temp) = link.temp.as_mut() else {
            return;
        };
        temp.bound = true;
        let event = ClientEvent::TempKeyBound {
            dc,
            temp_key_id: temp.key.id(),
            expires_at: temp.expires_at,
        };
        link.bind_failures = 0;
        // api/pfs: client info is rewritten with initConnection after each binding.
        link.connection_initialized = false;
        let held = std::mem::take(&mut link.held);
        self.emit(event);
        for request in held {
            let Some(call) = self.requests.get(&request).map(|outstanding| outstanding.call.clone()) else {
                continue;
            };
            if self.send_call(now, dc, request, &call).is_err() {
                self.lose(request);
            }
        }
    }

    /// The binding was refused, or a request got `AUTH_KEY_PERM_EMPTY`:
    /// drop the temp key; the next send makes a new one. A binding refused
    /// [`MAX_BIND_ATTEMPTS`] times in a row loses what waits for it.
    pub(super) fn on_temp_key_unbound(&mut self, dc: DcId, message: String, binding_refused: bool) {
        let Some(link) = self.links.get_mut(&dc) else {
            return;
        };
        let had_key = link.temp.take().is_some();
        if binding_refused {
            link.bind_failures += 1;
        }
        let exhausted = link.bind_failures >= MAX_BIND_ATTEMPTS;
        if exhausted {
            link.bind_failures = 0;
        } else if !link.held.is_empty() && link.exchanging.is_none() {
            link.wants_temp_key = true;
        }
        if had_key {
            self.emit(ClientEvent::TempKeyUnbound { dc, message });
        }
        if exhausted {
            self.lose_held(dc);
        }
    }

    /// `request` was answered `AUTH_KEY_PERM_EMPTY`: it goes again once a
    /// new temp key is bound, within its attempts.
    pub(super) fn retry_after_unbound(&mut self, now: Instant, dc: DcId, request: RequestId, outstanding: Outstanding) {
        self.on_temp_key_unbound(dc, AUTH_KEY_PERM_EMPTY.to_string(), false);
        if outstanding.attempts >= MAX_REQUEST_ATTEMPTS || outstanding.sync_request.is_some() {
            self.requests.insert(request, outstanding);
            self.lose(request);
            return;
        }
        let call = outstanding.call.clone();
        self.requests.insert(
            request,
            Outstanding {
                attempts: outstanding.attempts + 1,
                deadline: now.saturating_add(REQUEST_TIMEOUT),
                ..outstanding
            },
        );
        if self.send_call(now, dc, request, &call).is_err() {
            self.lose(request);
        }
    }

    /// A transport error from `dc`. -404 (no such key) for the temp key:
    /// the server forgot it before its time (api/pfs: temp keys live in
    /// the server's RAM), so what was in flight waits for a new one.
    pub(super) fn on_transport_error(&mut self, now: Instant, dc: DcId, code: i32) {
        self.emit(ClientEvent::TransportError { dc, code });
        let Some(link) = self.links.get_mut(&dc) else {
            return;
        };
        if code != TRANSPORT_ERROR_UNKNOWN_KEY || link.temp.is_none() {
            return;
        }
        let in_flight: Vec<RequestId> = std::mem::take(&mut link.by_msg_id)
            .into_iter()
            .map(|(_, request)| request)
            .collect();
        link.held.splice(0..0, in_flight);
        self.on_temp_key_unbound(dc, code.to_string(), false);
        self.after_input(now);
    }

    fn lose_held(&mut self, dc: DcId) {
        let held = self
            .links
            .get_mut(&dc)
            .map(|link| std::mem::take(&mut link.held))
            .unwrap_or_default();
        for request in held {
            self.lose(request);
        }
    }
}
