//! A scripted datacenter for tests and benches: a real [`ServerTransport`]
//! (keys, salts, sessions, acks) with no server logic. The script reads the
//! API requests a client sent and decides, by hand, which answers, errors
//! and pushes go back. `proto::Server` is the real thing; this exists so the
//! client can be tested against exact, hand-built answers.

use std::collections::BTreeMap;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;

use sessionlab_proto::client::Client;
use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::id::{AuthKeyId, DcId, SessionId};
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{Outgoing, ReceiveError, ServerTransport};
use sessionlab_proto::wire::api::{ApiRequest, ApiResponse, Updates};
use sessionlab_proto::wire::{Body, DecodeError};

/// Packets one [`pump`] moves at most: a client with nothing left to say
/// stops long before; the bound keeps a buggy exchange from spinning.
pub const MAX_PUMP_PACKETS: usize = 1_000;

/// An API request as the scripted DC received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inbound {
    /// The DC that received it.
    pub dc: DcId,
    /// The key it came under.
    pub auth_key_id: AuthKeyId,
    /// The session it came in.
    pub session_id: SessionId,
    /// Its msg_id: what the answer's `req_msg_id` names.
    pub msg_id: u64,
    /// The decoded request, or why it did not decode.
    pub request: Result<ApiRequest, DecodeError>,
}

impl Inbound {
    /// The innermost function's TL name, or "undecodable".
    pub fn method(&self) -> &'static str {
        self.request
            .as_ref()
            .map_or("undecodable", |request| request.call().name())
    }
}

/// One datacenter driven by a script.
#[derive(Clone, Debug)]
pub struct ScriptedDc {
    /// This DC's id.
    pub dc: DcId,
    /// Transport pings answered so far (keep-alives).
    pub pings_answered: u64,
    transport: ServerTransport,
    rng: ChaCha8Rng,
}

impl ScriptedDc {
    /// A DC `dc` without keys, its randomness seeded with `seed`.
    pub fn new(dc: impl Into<DcId>, seed: u64) -> ScriptedDc {
        let dc = dc.into();
        ScriptedDc {
            dc,
            pings_answered: 0,
            transport: ServerTransport::new(),
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Register a client's key (what the key exchange would do).
    pub fn add_key(&mut self, key: AuthKey) {
        self.transport.add_key(key, &mut self.rng);
    }

    /// The DC's transport (keys, salts, sessions).
    pub fn transport(&self) -> &ServerTransport {
        &self.transport
    }

    /// Take one client packet: the API requests it carried, and a packet of
    /// transport replies (acks, pongs, `new_session_created`, refusals) if any.
    pub fn receive(&mut self, now: Instant, packet: &[u8]) -> Result<(Vec<Inbound>, Option<Vec<u8>>), ReceiveError> {
        let received = self.transport.receive(now, packet, &mut self.rng)?;
        let inbound = received
            .processed
            .accepted
            .iter()
            .map(|message| Inbound {
                dc: self.dc,
                auth_key_id: received.auth_key_id,
                session_id: received.session_id,
                msg_id: message.msg_id,
                request: ApiRequest::decode(&message.body),
            })
            .collect();
        let pongs = received
            .processed
            .replies
            .iter()
            .filter(|body| matches!(body, Body::Pong { .. }));
        self.pings_answered += pongs.count() as u64;
        let replies: Vec<Outgoing> = received
            .processed
            .replies
            .iter()
            .map(|body| match body {
                Body::NewSessionCreated { .. } => Outgoing::notification(body),
                _ => Outgoing::response(body),
            })
            .collect();
        let reply = self.seal(now, received.auth_key_id, received.session_id, &replies);
        Ok((inbound, reply))
    }

    /// `rpc_result(request, response)`.
    pub fn answer(&mut self, now: Instant, to: &Inbound, response: &ApiResponse) -> Vec<u8> {
        self.answer_raw(now, to, response.encode())
    }

    /// `rpc_result(request, rpc_error(code, message))`.
    pub fn answer_error(&mut self, now: Instant, to: &Inbound, code: i32, message: &str) -> Vec<u8> {
        let error = Body::RpcError {
            error_code: code,
            error_message: message.to_string(),
        };
        self.answer_raw(now, to, error.encode())
    }

    /// `rpc_result(request, result)` with arbitrary result bytes.
    pub fn answer_raw(&mut self, now: Instant, to: &Inbound, result: Vec<u8>) -> Vec<u8> {
        let body = Body::RpcResult {
            req_msg_id: to.msg_id,
            result,
        };
        self.seal(now, to.auth_key_id, to.session_id, &[Outgoing::response(&body)])
            .expect("the session answered is known")
    }

    /// Push `updates` to the session `like` came from.
    pub fn push(&mut self, now: Instant, like: &Inbound, updates: &Updates) -> Vec<u8> {
        self.push_raw(now, like, ApiResponse::Updates(updates.clone()).encode())
    }

    /// Push an arbitrary content body to the session `like` came from.
    pub fn push_raw(&mut self, now: Instant, like: &Inbound, body: Vec<u8>) -> Vec<u8> {
        let outgoing = Outgoing {
            body,
            kind: sessionlab_proto::transport::MsgIdKind::ServerNotification,
        };
        self.seal(now, like.auth_key_id, like.session_id, &[outgoing])
            .expect("the session pushed to is known")
    }

    fn seal(
        &mut self,
        now: Instant,
        auth_key_id: AuthKeyId,
        session_id: SessionId,
        messages: &[Outgoing],
    ) -> Option<Vec<u8>> {
        if messages.is_empty() {
            return None;
        }
        self.transport
            .seal(now, auth_key_id, session_id, messages, &mut self.rng)
            .ok()
    }
}

/// Move every packet the client has to its DCs and every transport reply
/// back, until the client is quiet; returns the API requests the DCs got,
/// in order. Packets for a DC not in `dcs` are dropped.
///
/// # Panics
/// When the client transmits more than [`MAX_PUMP_PACKETS`] packets in a
/// row: a test harness's way to report a client that never goes quiet.
pub fn pump(
    client: &mut Client,
    dcs: &mut BTreeMap<DcId, ScriptedDc>,
    now: Instant,
    rng: &mut impl RngCore,
) -> Vec<Inbound> {
    let mut inbound = Vec::new();
    for _ in 0..MAX_PUMP_PACKETS {
        let Some((dc, packet)) = client.poll_transmit(now, rng) else {
            return inbound;
        };
        let Some(scripted) = dcs.get_mut(&dc) else {
            continue;
        };
        let Ok((mut requests, reply)) = scripted.receive(now, &packet) else {
            continue;
        };
        inbound.append(&mut requests);
        if let Some(reply) = reply {
            // A reply the client refuses is the script's bug, visible in its events.
            let _ = client.handle_packet(now, dc, &reply);
        }
    }
    panic!("the client kept transmitting for {MAX_PUMP_PACKETS} packets");
}
