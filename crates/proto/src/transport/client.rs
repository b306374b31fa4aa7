//! The client side of the transport for one session of one auth key:
//! message ids from the device's own (possibly skewed) clock, seqnos,
//! salts (the key exchange's, then future salts asked ahead of expiry),
//! acknowledgements, bounded resends, and recovery from the server's
//! refusals — clock correction on 16/17, the new salt on 48, a fresh id
//! for every other refused message.
//!
//! msg_ids never go back within a session. A correction that moves the
//! clock forward (16) only makes the next ids larger; one that moves it
//! back (17) leaves the next ids ahead of the server's clock: within
//! [`RESTART_SESSION_LEAD`] they are still accepted, beyond it the client
//! starts a new session and moves every pending message into it under
//! fresh ids ([`TransportEvent::SessionRestarted`]). A message the server
//! had processed but not yet acknowledged may then be processed again in
//! the new session: MTProto's at-most-once holds within one session.
//!
//! `now` is the device's clock; the session adds the offset it learned
//! from the server. Sans-IO: [`ClientSession::poll_transmit`] hands out
//! packets, [`ClientSession::poll_timeout`] says when to call
//! [`ClientSession::handle_timeout`].

use std::sync::Arc;
use std::time::Duration;

use litemap::LiteMap;
use rand_core::RngCore;
use smallvec::{smallvec, SmallVec};

pub use super::client_delivery::{ClientReceiveError, Delivery, SendError};
use super::client_salts::{ClientSalts, SALT_REQUEST_RETRY};
use super::events::TransportEvent;
use super::msg_id::{msg_id_instant, MsgIdGenerator, MsgIdKind};
use super::replay::{IdStatus, ReplayWindow};
use super::seqno::SeqNoCounter;
use super::sync_meter::{SyncMeter, SyncTraffic};
use crate::crypto::{self, AuthKey, Direction};
use crate::id::{AuthKeyId, SessionId};
use crate::time::Instant;
use crate::wire::{ids, BadMsgCode, Body, Envelope, Message, MAX_ACK_IDS, MAX_CONTAINER_MESSAGES, MAX_FUTURE_SALTS};

/// Ids of ours one packet settled so far (acknowledged or answered),
/// sorted, on the stack for the usual few: a refusal later in the packet
/// of a container they were in is still about messages we waited on. At
/// most [`MAX_PENDING_MESSAGES`]: only a pending id is settled.
pub(super) type SettledInPacket = SmallVec<[u64; 8]>;

/// First wait for an acknowledgement before resending.
pub(crate) const INITIAL_RESEND_TIMEOUT: Duration = Duration::from_secs(2);
/// Attempts per message (first send included); the waits double, so the
/// last attempt is sent 2+4+8+16 = 30 s after the first, well inside the
/// server's 300 s window, and given up 62 s after the first.
pub(crate) const MAX_SEND_ATTEMPTS: u32 = 5;
/// Unacknowledged messages a session holds at most.
pub(crate) const MAX_PENDING_MESSAGES: usize = 1024;
/// How long an acknowledgement may wait for a message to ride along with.
pub(crate) const ACK_DELAY: Duration = Duration::from_millis(200);
/// Acknowledgements due that make the client send them alone at once
/// ("over 16", service_messages_about_messages).
pub(crate) const ACKS_SENT_ALONE_ABOVE: usize = 16;
/// A backwards clock correction that leaves the last id this far ahead of
/// the corrected clock restarts the session; a smaller lead stays inside
/// the server's 30 s window ([`MAX_MSG_LEAD`](super::MAX_MSG_LEAD)) and
/// ids simply continue above the last one.
pub(crate) const RESTART_SESSION_LEAD: Duration = Duration::from_secs(25);
/// Service answers waiting for a packet at most; the server asks again
/// if one is dropped.
pub(crate) const MAX_SERVICE_REPLIES_DUE: usize = 16;
/// A message whose id is older than this by the server's clock is sent
/// inside a container with a fresh id: alone, the server would refuse it
/// past [`MAX_MSG_AGE`](super::MAX_MSG_AGE) (300 s); the 60 s between
/// leave room for transit and for the clock offset's error.
pub const RESEND_IN_CONTAINER_AFTER: Duration = Duration::from_secs(240);
/// Settled containers a session may hold before it prunes them.
const CONTAINERS_KEPT_UNPRUNED: usize = 16;
/// Messages per packet (one container).
const MAX_MESSAGES_PER_PACKET: usize = MAX_CONTAINER_MESSAGES - 1;

#[path = "client_recovery.rs"]
mod recovery;

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;

#[derive(Clone, Debug)]
struct Pending {
    seq_no: u32,
    body: Vec<u8>,
    /// For a body that names its own msg_id and session: how to build it
    /// again when it is re-issued under a new id (or session).
    rebuild: Option<SelfNamingBody>,
    attempts: u32,
    /// When to send (again); `None` when due at the next transmit.
    resend_at: Option<Instant>,
}

/// A body that names the msg_id and session it is sent under, as the
/// binding message of `auth.bindTempAuthKey` does (api/pfs: its
/// `encrypted_message` carries the outer msg_id and `temp_session_id`):
/// the transport builds it again for every id it is re-issued under, or a
/// re-issued binding would be refused with `ENCRYPTED_MESSAGE_INVALID`.
#[derive(Clone)]
pub struct SelfNamingBody(Arc<dyn Fn(u64, SessionId) -> Vec<u8> + Send + Sync>);

impl SelfNamingBody {
    /// A body built by `build(msg_id, session_id)`.
    pub fn new(build: impl Fn(u64, SessionId) -> Vec<u8> + Send + Sync + 'static) -> SelfNamingBody {
        SelfNamingBody(Arc::new(build))
    }

    fn build(&self, msg_id: u64, session_id: SessionId) -> Vec<u8> {
        (self.0)(msg_id, session_id)
    }
}

impl std::fmt::Debug for SelfNamingBody {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SelfNamingBody")
    }
}

/// One session of one auth key, as the client sees it.
#[derive(Clone, Debug)]
pub struct ClientSession {
    key: AuthKey,
    session_id: SessionId,
    salts: ClientSalts,
    /// The `get_future_salts` waiting for its answer, and when it was asked.
    salt_request: Option<(u64, Instant)>,
    clock_offset_micros: i64,
    ids: MsgIdGenerator,
    seqno: SeqNoCounter,
    /// Unacknowledged messages by id. This map, `containers` and
    /// `acks_due` are sorted Vecs: a session holds a few entries at a time
    /// (at most [`MAX_PENDING_MESSAGES`]), ids rise so inserts land at the
    /// end, and a B-tree kept a node of about a kilobyte allocated in
    /// every session that ever used it.
    pending: LiteMap<u64, Pending>,
    /// Containers sent, with their inner ids, so a refused container's
    /// content can be re-issued. Pruned as the inner messages settle.
    containers: LiteMap<u64, Vec<u64>>,
    /// Containers kept by the last prune: the next waits for twice as many.
    containers_after_prune: usize,
    acks_due: LiteMap<u64, ()>,
    /// Service answers that need no acknowledgement (`msgs_state_info`),
    /// sent with the next packet; at most [`MAX_SERVICE_REPLIES_DUE`].
    service_due: Vec<Body>,
    ack_deadline: Option<Instant>,
    /// The latest `now` seen, to notice the device clock jumping back.
    latest_now: Option<Instant>,
    received: ReplayWindow,
    /// Sessions this one restarted as (for a fresh, deterministic id).
    restarts: u32,
    /// The sync share of the packets sent and received.
    sync_meter: SyncMeter,
    events: Vec<TransportEvent>,
}

impl ClientSession {
    /// A session `session_id` of `key`, starting with `salt` (the one the
    /// key exchange ended with; 0 when unknown) and no clock offset.
    pub fn new(key: AuthKey, session_id: SessionId, salt: u64) -> ClientSession {
        ClientSession {
            key,
            session_id,
            salts: ClientSalts::new(salt),
            salt_request: None,
            clock_offset_micros: 0,
            ids: MsgIdGenerator::new(),
            seqno: SeqNoCounter::new(),
            pending: LiteMap::new(),
            containers: LiteMap::new(),
            containers_after_prune: 0,
            acks_due: LiteMap::new(),
            service_due: Vec::new(),
            ack_deadline: None,
            latest_now: None,
            received: ReplayWindow::new(),
            restarts: 0,
            sync_meter: SyncMeter::default(),
            events: Vec::new(),
        }
    }

    /// The random id the client chose for this session.
    pub fn session_id(&self) -> SessionId {
        self.session_id
    }

    /// The `auth_key_id` of the session's key.
    pub fn auth_key_id(&self) -> AuthKeyId {
        self.key.id()
    }

    /// The server salt the session sends with at device time `now`.
    pub fn salt_at(&self, now: Instant) -> u64 {
        self.salts.salt_at(now)
    }

    /// The salt the server issued with the key (the key exchange's last
    /// step): used until future salts arrive.
    pub fn handle_issued_salt(&mut self, salt: u64) {
        self.salts.adopt_named(salt, false);
    }

    /// The salts held for the key.
    pub fn salts(&self) -> &ClientSalts {
        &self.salts
    }

    /// The server's clock minus the device's (µs), learned from server msg_ids; added to `now` for new ids.
    pub fn clock_offset_micros(&self) -> i64 {
        self.clock_offset_micros
    }

    /// Messages not yet acknowledged.
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// The ids of the messages not yet acknowledged, in order.
    pub fn pending_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.pending.keys().copied()
    }

    /// The body of pending message `msg_id`, for the crate's tests to
    /// check what an id carries.
    #[cfg(test)]
    pub(crate) fn pending_body(&self, msg_id: u64) -> Option<&[u8]> {
        self.pending.get(&msg_id).map(|pending| pending.body.as_slice())
    }

    /// Events since the last call.
    pub fn take_events(&mut self) -> Vec<TransportEvent> {
        std::mem::take(&mut self.events)
    }

    fn server_time(&self, now: Instant) -> Instant {
        now.offset_by_micros(self.clock_offset_micros)
    }

    /// `now` is the device's wall clock, which can jump. A jump back would
    /// freeze every timer until the clock caught up again (hours, for a
    /// badly set clock), so deadlines move back with it: timers then behave
    /// as if they ran on a monotonic clock. A jump forward fires them early,
    /// which only costs an early resend.
    fn observe_clock(&mut self, now: Instant) {
        if let Some(latest) = self.latest_now {
            if now < latest {
                let jump = latest.saturating_duration_since(now);
                for (_, pending) in self.pending.iter_mut() {
                    pending.resend_at = pending.resend_at.map(|at| at.saturating_sub(jump));
                }
                self.ack_deadline = self.ack_deadline.map(|at| at.saturating_sub(jump));
            }
        }
        self.latest_now = Some(now);
    }

    /// A fresh id from the corrected clock, above every earlier id of the session.
    fn next_msg_id(&mut self, now: Instant) -> u64 {
        self.ids.next(self.server_time(now), MsgIdKind::Client)
    }

    /// Queue a content-related body; returns its msg_id (what an
    /// `rpc_result` will name).
    pub fn send(&mut self, now: Instant, body: Vec<u8>) -> Result<u64, SendError> {
        self.queue(now, |_, _| body, None)
    }

    /// [`ClientSession::send`] for a body that names its own msg_id and
    /// session (the binding message of `auth.bindTempAuthKey`): built for
    /// the id it gets, and again for each id it is re-issued under.
    pub fn send_with(&mut self, now: Instant, body: SelfNamingBody) -> Result<u64, SendError> {
        let build = body.clone();
        self.queue(
            now,
            move |msg_id, session_id| build.build(msg_id, session_id),
            Some(body),
        )
    }

    fn queue(
        &mut self,
        now: Instant,
        body: impl FnOnce(u64, SessionId) -> Vec<u8>,
        rebuild: Option<SelfNamingBody>,
    ) -> Result<u64, SendError> {
        self.observe_clock(now);
        if self.pending.len() >= MAX_PENDING_MESSAGES {
            return Err(SendError::QueueFull);
        }
        // An id refused with its body is skipped: ids only need to grow.
        let msg_id = self.next_msg_id(now);
        let body = body(msg_id, self.session_id);
        if body.is_empty() || body.len() % 4 != 0 {
            return Err(SendError::MalformedBody);
        }
        let seq_no = self.seqno.next(true);
        self.pending.insert(
            msg_id,
            Pending {
                seq_no,
                body,
                rebuild,
                attempts: 0,
                resend_at: None,
            },
        );
        Ok(msg_id)
    }

    /// Ask for future salts when the held ones run out within
    /// [`SALT_REFRESH_LEAD`](super::client_salts::SALT_REFRESH_LEAD), unless
    /// a request is under way (or went unanswered less than
    /// [`SALT_REQUEST_RETRY`] ago). Only with something else to send: an
    /// idle session costs no traffic.
    fn ask_for_salts(&mut self, now: Instant) {
        let waiting = self.salt_request.is_some_and(|(msg_id, asked_at)| {
            self.pending.contains_key(&msg_id) || now < asked_at.saturating_add(SALT_REQUEST_RETRY)
        });
        if waiting || !self.salts.needs_more(now) || self.pending.len() >= MAX_PENDING_MESSAGES {
            return;
        }
        let body = Body::GetFutureSalts {
            num: MAX_FUTURE_SALTS as i32,
        };
        if let Ok(msg_id) = self.send(now, body.encode()) {
            self.salt_request = Some((msg_id, now));
        }
    }

    /// The next packet to put on the wire, if any: due messages (new or to
    /// be resent) and pending acknowledgements, in one container when more
    /// than one. Acknowledgements ride along with messages, or go alone
    /// once [`ACK_DELAY`] has passed or more than
    /// [`ACKS_SENT_ALONE_ABOVE`] are due.
    pub fn poll_transmit(&mut self, now: Instant, rng: &mut impl RngCore) -> Option<Vec<u8>> {
        self.observe_clock(now);
        if self.pending.values().any(|pending| pending.attempts == 0) {
            self.ask_for_salts(now);
        }
        let mut messages = self.due_messages(now);
        let acks_ripe =
            self.ack_deadline.is_some_and(|deadline| deadline <= now) || self.acks_due.len() > ACKS_SENT_ALONE_ABOVE;
        for body in std::mem::take(&mut self.service_due) {
            let msg_id = self.next_msg_id(now);
            messages.push(Message {
                msg_id,
                seq_no: self.seqno.next(false),
                body: body.encode(),
            });
        }
        if !self.acks_due.is_empty() && (acks_ripe || !messages.is_empty()) {
            let acked: Vec<u64> = self.acks_due.keys().copied().take(MAX_ACK_IDS).collect();
            for id in &acked {
                self.acks_due.remove(id);
            }
            self.ack_deadline = if self.acks_due.is_empty() { None } else { Some(now) };
            let msg_id = self.next_msg_id(now);
            messages.push(Message {
                msg_id,
                seq_no: self.seqno.next(false),
                body: Body::Ack(acked).encode(),
            });
        }
        let wrap = messages.len() > 1 || messages.iter().any(|message| self.waited_too_long(now, message.msg_id));
        let weights = self.sync_meter.weigh_sent(&messages);
        let mut container_id = None;
        let message = match messages.len() {
            0 => return None,
            1 if !wrap => messages.pop()?,
            _ => {
                let msg_id = self.next_msg_id(now);
                container_id = Some(msg_id);
                self.containers
                    .insert(msg_id, messages.iter().map(|message| message.msg_id).collect());
                Message {
                    msg_id,
                    seq_no: self.seqno.next(false),
                    body: Body::Container(messages).encode(),
                }
            }
        };
        let envelope = Envelope {
            salt: self.salts.salt_to_send(now),
            session_id: self.session_id.get(),
            message,
        };
        let packet = crypto::encrypt(&self.key, Direction::ClientToServer, &envelope.encode(), rng);
        self.sync_meter.on_sent(packet.len(), container_id, weights);
        Some(packet)
    }

    /// The sync share of the packets sent and received since the last
    /// call, from their encoded lengths (see `sync_meter`).
    pub fn take_sync_traffic(&mut self) -> SyncTraffic {
        self.sync_meter.take()
    }

    /// Whether `msg_id` is so old by the server's clock that the server
    /// would refuse it alone (16): such a message goes "in a container with
    /// a new msg_id" (mtproto/service_messages_about_messages).
    fn waited_too_long(&self, now: Instant, msg_id: u64) -> bool {
        msg_id_instant(msg_id).saturating_add(RESEND_IN_CONTAINER_AFTER) < self.server_time(now)
    }

    /// Pending messages due now, marked as sent.
    fn due_messages(&mut self, now: Instant) -> Vec<Message> {
        let mut due = Vec::new();
        for (&msg_id, pending) in self.pending.iter_mut() {
            if due.len() >= MAX_MESSAGES_PER_PACKET {
                break;
            }
            if pending.resend_at.is_some_and(|at| at > now) || pending.attempts >= MAX_SEND_ATTEMPTS {
                continue;
            }
            pending.attempts += 1;
            if pending.attempts > 1 {
                self.events.push(TransportEvent::Resent {
                    msg_id,
                    attempt: pending.attempts,
                });
            }
            let wait = INITIAL_RESEND_TIMEOUT.saturating_mul(1 << (pending.attempts - 1));
            pending.resend_at = Some(now.saturating_add(wait));
            due.push(Message {
                msg_id,
                seq_no: pending.seq_no,
                body: pending.body.clone(),
            });
        }
        due
    }

    /// When [`ClientSession::handle_timeout`] (or `poll_transmit`) has work.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let resend = self.pending.values().filter_map(|pending| pending.resend_at).min();
        [resend, self.ack_deadline].into_iter().flatten().min()
    }

    /// Give up on messages whose last attempt went unanswered; the rest
    /// become due and go out at the next `poll_transmit`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.observe_clock(now);
        let exhausted: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, pending)| {
                pending.attempts >= MAX_SEND_ATTEMPTS && pending.resend_at.is_some_and(|at| at <= now)
            })
            .map(|(&msg_id, _)| msg_id)
            .collect();
        for msg_id in exhausted {
            self.pending.remove(&msg_id);
            self.events.push(TransportEvent::GaveUp { msg_id });
        }

        self.prune_containers();
    }

    /// Decrypt and handle one server packet.
    pub fn receive(&mut self, now: Instant, packet: &[u8]) -> Result<Vec<Delivery>, ClientReceiveError> {
        self.observe_clock(now);
        let plaintext = crypto::decrypt(&self.key, Direction::ServerToClient, packet)?;
        let envelope = Envelope::decode_owned(plaintext)?;
        let found = SessionId::new(envelope.session_id);
        if found != self.session_id {
            return Err(ClientReceiveError::WrongSession {
                expected: self.session_id,
                found,
            });
        }
        let outer = envelope.message;
        if outer.msg_id % 4 != 1 && outer.msg_id % 4 != 3 {
            return Err(ClientReceiveError::BadServerMsgId { msg_id: outer.msg_id });
        }
        // Only a container's constructor can decode to a container: any
        // other body is decoded once, in `handle_message`, and a lone
        // message stays off the heap.
        let messages: SmallVec<[Message; 1]> = if outer.constructor() == Some(ids::MSG_CONTAINER) {
            match Body::decode(&outer.body) {
                Ok(Body::Container(inner)) => SmallVec::from_vec(inner),
                _ => smallvec![outer],
            }
        } else {
            smallvec![outer]
        };
        self.sync_meter.on_received(packet.len(), &messages);
        let mut deliveries = Vec::new();
        let mut settled = SettledInPacket::new();
        for message in messages {
            self.handle_message(now, message, &mut deliveries, &mut settled);
            if self.session_id != found {
                // The session restarted: the rest of the packet is the old
                // session's, and its ids may name the new session's messages.
                break;
            }
        }
        self.prune_containers();
        Ok(deliveries)
    }

    /// Remove `msg_id` from the pending messages (acknowledged or
    /// answered), noting it among those the packet settled.
    fn settle(&mut self, msg_id: u64, settled: &mut SettledInPacket) {
        if self.pending.remove(&msg_id).is_none() {
            return;
        }
        // Kept sorted: a hostile server's packet of refusals, each of a
        // full container, looks each inner id up in it.
        if let Err(index) = settled.binary_search(&msg_id) {
            settled.insert(index, msg_id);
        }
    }

    fn handle_message(
        &mut self,
        now: Instant,
        message: Message,
        deliveries: &mut Vec<Delivery>,
        settled: &mut SettledInPacket,
    ) {
        let content_related = message.constructor().is_some_and(ids::is_content_related);
        if content_related {
            self.acks_due.insert(message.msg_id, ());
            self.ack_deadline.get_or_insert(now.saturating_add(ACK_DELAY));
        }
        if message.msg_id % 4 == 0 || self.received.status(message.msg_id) != IdStatus::Fresh {
            return; // a client-parity id from the server, or a duplicate: ignore
        }
        self.received.record(message.msg_id, message.seq_no);
        let Ok(body) = Body::decode(&message.body) else {
            // Undecodable content is still the layers above's to judge.
            deliveries.push(Delivery::Notification {
                msg_id: message.msg_id,
                body: message.body,
            });
            return;
        };
        match body {
            Body::Ack(msg_ids) => {
                for msg_id in msg_ids {
                    self.settle(msg_id, settled);
                }
            }
            Body::BadMsgNotification {
                bad_msg_id, error_code, ..
            } => {
                if !self.was_pending_in_packet(bad_msg_id, settled) {
                    return; // not a message we still wait on: nothing to correct or re-send
                }
                let code = BadMsgCode::from_code(error_code);
                if matches!(code, Some(BadMsgCode::MsgIdTooLow | BadMsgCode::MsgIdTooHigh)) {
                    let session_before = self.session_id;
                    self.correct_clock(now, message.msg_id);
                    if self.session_id != session_before {
                        // The restart moved every pending message, the
                        // refused one included; `bad_msg_id` is the old
                        // session's and may equal a new message's id.
                        return;
                    }
                }
                if code == Some(BadMsgCode::SeqNoTooLow) {
                    // Only the refused message is re-issued, as for every
                    // code: pending ones may have been processed already.
                    self.seqno.catch_up();
                }
                self.reissue(now, bad_msg_id, deliveries);
            }
            Body::BadServerSalt {
                bad_msg_id,
                new_server_salt,
                ..
            } => {
                if !self.was_pending_in_packet(bad_msg_id, settled) {
                    return;
                }
                self.salts.adopt_named(new_server_salt, true);
                self.events.push(TransportEvent::SaltUpdated { salt: new_server_salt });
                self.reissue(now, bad_msg_id, deliveries);
            }
            Body::FutureSalts {
                req_msg_id,
                now: server_now,
                salts,
            } => {
                self.settle(req_msg_id, settled);
                if self.salt_request.is_some_and(|(asked, _)| asked == req_msg_id) {
                    self.salt_request = None;
                }
                self.salts.adopt_future(now, server_now, &salts);
            }
            Body::NewSessionCreated {
                first_msg_id,
                server_salt,
                ..
            } => {
                self.salts.adopt_named(server_salt, false);
                deliveries.push(Delivery::NewSessionCreated {
                    first_msg_id,
                    server_salt,
                });
                // What was sent before the session's first message may
                // never have reached it: sent again under new ids.
                let older: Vec<u64> = self
                    .pending
                    .iter()
                    .filter(|(msg_id, pending)| **msg_id < first_msg_id && pending.attempts > 0)
                    .map(|(msg_id, _)| *msg_id)
                    .collect();
                for old_id in older {
                    self.reissue(now, old_id, deliveries);
                }
            }
            Body::RpcResult { req_msg_id, result } => {
                self.settle(req_msg_id, settled);
                deliveries.push(Delivery::RpcResult { req_msg_id, result });
            }
            Body::Pong { msg_id, .. } => {
                self.settle(msg_id, settled);
            }
            Body::MsgDetailedInfo {
                msg_id, answer_msg_id, ..
            } => {
                // Our message was received and answered as `answer_msg_id`.
                self.settle(msg_id, settled);
                self.want_answer(now, answer_msg_id);
            }
            Body::MsgNewDetailedInfo { answer_msg_id, .. } => self.want_answer(now, answer_msg_id),
            Body::MsgsStateReq { msg_ids } => {
                if self.service_due.len() < MAX_SERVICE_REPLIES_DUE {
                    let info = msg_ids.iter().map(|msg_id| self.state_of(*msg_id)).collect();
                    self.service_due.push(Body::MsgsStateInfo {
                        req_msg_id: message.msg_id,
                        info,
                    });
                }
            }
            Body::MsgResendReq { msg_ids } => {
                // Ours still pending go out again at the next transmit.
                for msg_id in msg_ids {
                    if let Some(pending) = self.pending.get_mut(&msg_id) {
                        pending.resend_at = None;
                    }
                }
            }
            Body::MsgsStateInfo { .. } | Body::MsgsAllInfo { .. } => {}
            _ => deliveries.push(Delivery::Notification {
                msg_id: message.msg_id,
                body: message.body,
            }),
        }
    }

    /// Send a refused message (or a refused container's content) again
    /// under a fresh id and seqno; attempts carry over, so it stays bounded.
    fn reissue(&mut self, now: Instant, refused_id: u64, reissued: &mut Vec<Delivery>) {
        let targets = self.containers.remove(&refused_id).unwrap_or_else(|| vec![refused_id]);
        for old_id in targets {
            let Some(pending) = self.pending.remove(&old_id) else {
                continue;
            };
            let Some(new_id) = self.requeue(now, old_id, pending) else {
                continue;
            };
            reissued.push(Delivery::Reissued {
                old_msg_id: old_id,
                new_msg_id: new_id,
            });
        }
    }

    /// Queue `pending` again under a fresh id and seqno, unless its
    /// attempts are spent (then it is given up); returns the new id.
    /// Attempts carry over, so re-issues stay bounded.
    fn requeue(&mut self, now: Instant, old_id: u64, mut pending: Pending) -> Option<u64> {
        if pending.attempts >= MAX_SEND_ATTEMPTS {
            self.events.push(TransportEvent::GaveUp { msg_id: old_id });
            return None;
        }
        let new_id = self.next_msg_id(now);
        pending.seq_no = self.seqno.next(true);
        pending.resend_at = None;
        if let Some(rebuild) = &pending.rebuild {
            pending.body = rebuild.build(new_id, self.session_id);
        }
        if self.salt_request.is_some_and(|(asked, _)| asked == old_id) {
            self.salt_request = self.salt_request.map(|(_, at)| (new_id, at));
        }
        self.events.push(TransportEvent::Reissued {
            old_msg_id: old_id,
            new_msg_id: new_id,
            attempt: pending.attempts + 1,
        });
        self.pending.insert(new_id, pending);
        Some(new_id)
    }

    /// Forget containers none of whose messages is pending any more, once
    /// they have doubled since the last prune (amortised O(1) a container;
    /// pruning after every packet took 2.5 % of a large run). When a
    /// settled container goes is invisible: every reader — a refusal's
    /// re-issue, `was_pending_in_packet` — looks only at its pending messages
    /// (and at those the packet being read settled).
    fn prune_containers(&mut self) {
        if self.containers.len() < 2 * self.containers_after_prune + CONTAINERS_KEPT_UNPRUNED {
            return;
        }
        let pending = &self.pending;
        self.containers
            .retain(|_, inner| inner.iter().any(|msg_id| pending.contains_key(msg_id)));
        self.containers_after_prune = self.containers.len();
    }
}
