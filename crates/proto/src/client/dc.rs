//! One datacenter as the client sees it: its auth key, the transport
//! session, whether the connection was initialised (`initConnection`) and
//! the key authorized, which request each outstanding msg_id carries, and
//! the bytes exchanged.
//!
//! The transport re-issues a refused message under a new msg_id and says
//! only the new id (`TransportEvent::Resent`). [`DcLink::receive`] follows
//! the move so that the answer, which names the new id, still finds its
//! request (see [`settled_in_packet`]).

use crate::id::{DcId, SessionId};
use std::collections::BTreeSet;

use litemap::LiteMap;

use rand_core::RngCore;
use smallvec::SmallVec;

use super::config::{DeviceInfo, API_LAYER, MAX_PENDING_REQUESTS_PER_DC, TEMP_KEY_RENEW_LEAD};
use super::event::{CommandError, RequestId};
use crate::crypto::{self, AuthKey, Direction};
use crate::time::Instant;
use crate::transport::{
    seal_bind_message, ClientReceiveError, ClientSession, Delivery, SelfNamingBody, TransportEvent,
};
use crate::wire::api::{ApiCall, ApiRequest, BindAuthKeyInner, BindTempAuthKey, InitConnection, JsonValue};
use crate::wire::{Body, Envelope};

/// Pending ids a packet's re-issue check keeps on the stack: a link has a
/// few messages in flight (more spill to the heap).
const PENDING_IDS_INLINE: usize = 16;

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
    events: Vec<TransportEvent>,
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

    /// The key the session's packets are encrypted with.
    pub(super) fn session_key(&self) -> &AuthKey {
        self.temp.as_ref().map_or(&self.key, |temp| &temp.key)
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
        self.events.append(&mut self.session.take_events());
        // Both in id order (the session keeps pending messages sorted), as
        // sets were; a Vec and a binary search cost no tree per packet.
        let before: SmallVec<[u64; PENDING_IDS_INLINE]> = self.session.pending_ids().collect();
        debug_assert!(before.is_sorted(), "pending ids come in order");
        let deliveries = self.session.receive(now, packet)?;
        self.bytes_received += packet.len() as u64;
        let events = self.session.take_events();
        let fresh: SmallVec<[u64; PENDING_IDS_INLINE]> = self
            .session
            .pending_ids()
            .filter(|msg_id| before.binary_search(msg_id).is_err())
            .collect();
        if !fresh.is_empty() {
            let after: Vec<u64> = self.session.pending_ids().collect();
            let mut settled = settled_in_packet(self.session_key(), packet);
            settled.extend(events.iter().filter_map(|event| match event {
                TransportEvent::GaveUp { msg_id } => Some(*msg_id),
                _ => None,
            }));
            let reissued = before
                .iter()
                .filter(|msg_id| after.binary_search(msg_id).is_err() && !settled.contains(msg_id));
            // The transport re-issues in the order of the refused ids and
            // hands out increasing ids, so the k-th re-issued old id is the
            // k-th fresh one.
            for (old, new) in reissued.zip(fresh) {
                if let Some(request) = self.by_msg_id.remove(old) {
                    self.by_msg_id.insert(new, request);
                }
            }
        }
        self.events.extend(events);
        Ok(deliveries)
    }

    /// Transport events since the last call.
    pub(super) fn take_events(&mut self) -> Vec<TransportEvent> {
        self.events.append(&mut self.session.take_events());
        std::mem::take(&mut self.events)
    }

    /// Forget `request` (answered, lost or expired).
    pub(super) fn forget(&mut self, request: RequestId) {
        self.by_msg_id.retain(|_, candidate| *candidate != request);
        self.held.retain(|candidate| *candidate != request);
    }
}

/// The client msg_ids a server packet settles without re-issuing them:
/// acknowledged, answered by `rpc_result`, or answered by `pong`. Only
/// needed when the packet made the transport re-issue something, so the
/// second decryption is paid on refusals only.
fn settled_in_packet(key: &AuthKey, packet: &[u8]) -> BTreeSet<u64> {
    let mut settled = BTreeSet::new();
    let Ok(plaintext) = crypto::decrypt(key, Direction::ServerToClient, packet) else {
        return settled;
    };
    let Ok(envelope) = Envelope::decode(&plaintext) else {
        return settled;
    };
    let bodies = match Body::decode(&envelope.message.body) {
        Ok(Body::Container(inner)) => inner
            .into_iter()
            .filter_map(|message| Body::decode(&message.body).ok())
            .collect(),
        Ok(body) => vec![body],
        Err(_) => Vec::new(),
    };
    for body in bodies {
        match body {
            Body::Ack(msg_ids) => settled.extend(msg_ids),
            Body::RpcResult { req_msg_id, .. } => {
                settled.insert(req_msg_id);
            }
            Body::Pong { msg_id, .. } => {
                settled.insert(msg_id);
            }
            _ => {}
        }
    }
    settled
}
