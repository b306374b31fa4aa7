//! One datacenter as the client sees it: its auth key, the transport
//! session, whether the connection was initialised (`initConnection`) and
//! the key authorized, which request each outstanding msg_id carries, and
//! the bytes exchanged.
//!
//! The transport re-issues a refused message under a new msg_id and says
//! so (`TransportEvent::Reissued { old_msg_id, new_msg_id }`); a session
//! restart moves every pending message the same way, after
//! `TransportEvent::SessionRestarted`. [`DcLink`] follows each move, in the
//! order the transport made them, so that the answer, which names the new
//! id, still finds its request, and a message given up names its own
//! request (see `DcLink::follow`).

use crate::id::{DcId, SessionId};

use litemap::LiteMap;

use rand_core::RngCore;

use super::config::{DeviceInfo, API_LAYER, MAX_PENDING_REQUESTS_PER_DC, TEMP_KEY_RENEW_LEAD};
use super::event::{CommandError, RequestId};
use crate::crypto::AuthKey;
use crate::time::Instant;
use crate::transport::{
    seal_bind_message, ClientReceiveError, ClientSession, Delivery, SelfNamingBody, TransportEvent,
};
use crate::wire::api::{ApiCall, ApiRequest, BindAuthKeyInner, BindTempAuthKey, InitConnection, JsonValue};
use crate::wire::Body;

/// A temp key (api/pfs) and its binding to the link's permanent key.
#[derive(Clone, Debug)]
pub(super) struct TempKey {
    pub key: AuthKey,
    /// When the server forgets it (server time).
    pub expires_at: Instant,
    /// The binding's nonce (`bind_auth_key_inner.nonce`).
    pub nonce: i64,
    /// Whether `auth.bindTempAuthKey` succeeded.
    pub bound: bool,
}

/// The client's side of one datacenter.
#[derive(Clone, Debug)]
pub(super) struct DcLink {
    /// The permanent key (what a session file holds).
    pub key: AuthKey,
    /// Under the temp key when there is one, else under `key`.
    pub session: ClientSession,
    /// With perfect forward secrecy on: the temp key traffic goes under.
    /// Boxed, as is `exchanging`: most links never have one, and inline
    /// each `None` cost a 296-byte key (a link was 1,568 bytes, now 984).
    pub temp: Option<Box<TempKey>>,
    /// A temp key made by `Client::new_temp_key` and not yet registered,
    /// with the session id it will use.
    pub exchanging: Option<Box<(TempKey, SessionId)>>,
    /// Requests waiting for a bound temp key, oldest first.
    pub held: Vec<RequestId>,
    /// Requests wait and no temp key is on its way: the caller makes one.
    pub wants_temp_key: bool,
    /// Bindings in a row that failed.
    pub bind_failures: u32,
    /// Whether the server answered a request of this session. Until then
    /// every request is wrapped in `invokeWithLayer(initConnection(..))`:
    /// if the first one were lost, the server would otherwise never learn
    /// what the app is.
    pub connection_initialized: bool,
    /// Whether this DC's key is bound to the account (login or import).
    pub authorized: bool,
    /// The request each outstanding msg_id carries.
    pub by_msg_id: LiteMap<u64, RequestId>,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// The session's events, already followed, not yet taken.
    events: Vec<TransportEvent>,
    /// Requests whose message the transport gave up on, not yet taken.
    given_up: Vec<RequestId>,
}

impl DcLink {
    /// A link with a fresh session. The salt starts at 0 until the server's
    /// is handed in (`Client::handle_issued_salt`); a key from a session
    /// file keeps 0, and the server answers its first packet with
    /// `bad_server_salt`, which the transport adopts.
    pub(super) fn new(key: AuthKey, session_id: SessionId) -> DcLink {
        DcLink {
            session: ClientSession::new(key.clone(), session_id, 0),
            key,
            temp: None,
            exchanging: None,
            held: Vec::new(),
            wants_temp_key: false,
            bind_failures: 0,
            connection_initialized: false,
            authorized: false,
            by_msg_id: LiteMap::new(),
            bytes_sent: 0,
            bytes_received: 0,
            events: Vec::new(),
            given_up: Vec::new(),
        }
    }

    /// The request body for `call`: wrapped until the connection is
    /// initialised, with the opt-in to the project-private answers.
    pub(super) fn request_body(&self, call: ApiCall, device: &DeviceInfo) -> Vec<u8> {
        let call = ApiRequest::Call(call);
        if self.connection_initialized {
            return call.encode();
        }
        let params = InitConnection {
            api_id: device.api_id,
            device_model: device.device_model.clone(),
            system_version: device.system_version.clone(),
            app_version: device.app_version.clone(),
            system_lang_code: device.lang_code.clone(),
            lang_pack: device.platform.clone(),
            lang_code: device.lang_code.clone(),
            // The simulator's apps understand the project-private answers.
            params: Some(JsonValue::opt_in()),
        };
        ApiRequest::InvokeWithLayer {
            layer: API_LAYER,
            query: Box::new(ApiRequest::InitConnection {
                params,
                query: Box::new(call),
            }),
        }
        .encode()
    }

    /// Whether requests may go under the temp key now: it is bound and
    /// alive, and either not due for renewal or still carrying requests
    /// (renewal waits for them to settle, or for the key to die).
    pub(super) fn temp_key_usable(&self, now: Instant) -> bool {
        self.temp.as_ref().is_some_and(|temp| {
            let renew_at = temp.expires_at.saturating_sub(TEMP_KEY_RENEW_LEAD);
            temp.bound && now < temp.expires_at && (now < renew_at || !self.by_msg_id.is_empty())
        })
    }

    /// Queue `auth.bindTempAuthKey` under the temp key: the binding message
    /// is sealed with the permanent key for the msg_id the request gets.
    pub(super) fn send_bind(
        &mut self,
        now: Instant,
        bind: &BindTempAuthKey,
        request: RequestId,
    ) -> Result<(), CommandError> {
        let Some(temp) = self.temp.as_ref() else {
            return Err(CommandError::NoTempKey);
        };
        let temp_auth_key_id = temp.key.id().get() as i64;
        let perm_key = self.key.clone();
        let bind = bind.clone();
        let body = SelfNamingBody::new(move |msg_id, session_id| {
            let inner = BindAuthKeyInner {
                nonce: bind.nonce,
                temp_auth_key_id,
                perm_auth_key_id: perm_key.id().get() as i64,
                temp_session_id: session_id.get() as i64,
                expires_at: bind.expires_at,
            };
            let sealed = BindTempAuthKey {
                encrypted_message: seal_bind_message(&perm_key, msg_id, &inner, bind.nonce as u64),
                ..bind.clone()
            };
            ApiRequest::Call(ApiCall::BindTempAuthKey(sealed)).encode()
        });
        let msg_id = self.session.send_with(now, body)?;
        self.by_msg_id.insert(msg_id, request);
        Ok(())
    }

    /// Whether another request may be queued.
    pub(super) fn check_capacity(&self, dc: DcId) -> Result<(), CommandError> {
        if self.by_msg_id.len() + self.held.len() >= MAX_PENDING_REQUESTS_PER_DC {
            return Err(CommandError::TooManyPending { dc });
        }
        Ok(())
    }

    /// Queue a request body under `request`.
    pub(super) fn send(&mut self, now: Instant, body: Vec<u8>, request: RequestId) -> Result<(), CommandError> {
        let msg_id = self.session.send(now, body)?;
        self.by_msg_id.insert(msg_id, request);
        Ok(())
    }

    /// Queue a transport `ping` (not a request: it is answered by a pong).
    pub(super) fn ping(&mut self, now: Instant, ping_id: u64) {
        // A full transport queue only delays the keep-alive to the next interval.
        let _ = self.session.send(now, Body::Ping { ping_id }.encode());
    }

    pub(super) fn transmit(&mut self, now: Instant, rng: &mut impl RngCore) -> Option<Vec<u8>> {
        let packet = self.session.poll_transmit(now, rng)?;
        self.bytes_sent += packet.len() as u64;
        Some(packet)
    }

    /// Decrypt and handle one packet, following re-issued msg_ids.
    pub(super) fn receive(&mut self, now: Instant, packet: &[u8]) -> Result<Vec<Delivery>, ClientReceiveError> {
        // Events of earlier calls first: each call's batch is followed alone.
        self.collect_events();
        let deliveries = self.session.receive(now, packet)?;
        self.bytes_received += packet.len() as u64;
        self.collect_events();
        Ok(deliveries)
    }

    /// Transport events since the last call.
    pub(super) fn take_events(&mut self) -> Vec<TransportEvent> {
        self.collect_events();
        std::mem::take(&mut self.events)
    }

    /// Requests whose message the transport gave up on since the last call
    /// (the caller retries or loses them).
    pub(super) fn take_given_up(&mut self) -> Vec<RequestId> {
        self.collect_events();
        std::mem::take(&mut self.given_up)
    }

    /// Take the session's new events, follow them and keep them.
    fn collect_events(&mut self) {
        let events = self.session.take_events();
        if events.is_empty() {
            return;
        }
        self.follow(&events);
        self.events.extend(events);
    }

    /// Move each request along the transport's moves, in order, and set
    /// aside those whose message was given up.
    ///
    /// A move within a session names a fresh id, above every id the
    /// session issued, so it is applied at once. A restart's moves are not:
    /// their old ids are the old session's and their new ids the new
    /// session's, which start again from the clock and may equal old ones
    /// (A 604→608 while B 608→612). They are applied together, every old
    /// id out before any new id in. `events` is one call's worth of the
    /// session's: a restart ends the packet that caused it, so nothing
    /// after its moves names the new session's ids.
    fn follow(&mut self, events: &[TransportEvent]) {
        let mut restart_moves: Option<Vec<(u64, RequestId)>> = None;
        for event in events {
            match *event {
                TransportEvent::SessionRestarted { .. } => {
                    self.apply_moves(restart_moves.take());
                    restart_moves = Some(Vec::new());
                }
                TransportEvent::Reissued {
                    old_msg_id, new_msg_id, ..
                } => {
                    let Some(request) = self.by_msg_id.remove(&old_msg_id) else {
                        continue; // not a request: a ping, a salts query, acks
                    };
                    match restart_moves.as_mut() {
                        Some(moves) => moves.push((new_msg_id, request)),
                        None => {
                            // Fresh, so at most an entry of an earlier
                            // session's gives way: acknowledged, never
                            // answered (its answer cannot come on this one)
                            // and left to its deadline.
                            self.by_msg_id.insert(new_msg_id, request);
                        }
                    }
                }
                TransportEvent::GaveUp { msg_id } => self.given_up.extend(self.by_msg_id.remove(&msg_id)),
                _ => {}
            }
        }
        self.apply_moves(restart_moves);
    }

    /// Put a restart's moved requests under their new ids.
    fn apply_moves(&mut self, moves: Option<Vec<(u64, RequestId)>>) {
        for (new_msg_id, request) in moves.into_iter().flatten() {
            self.by_msg_id.insert(new_msg_id, request);
        }
    }

    /// Forget `request` (answered, lost or expired).
    pub(super) fn forget(&mut self, request: RequestId) {
        self.by_msg_id.retain(|_, candidate| *candidate != request);
        self.held.retain(|candidate| *candidate != request);
    }
}

#[cfg(test)]
mod tests;
