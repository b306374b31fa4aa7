//! Server-side validation of one session's incoming messages.
//!
//! Order of checks for each message (outer or inside a container): low
//! bits (18) → duplicate (ignored, re-acked) → refused before as too far
//! ahead (17 again) → time window −300 s / +30 s
//! (16, 17) → below the replay window or the session's first msg_id (20)
//! → salt (48, outer only) →
//! seqno parity (34, 35) → seqno order (32, 33). Duplicates come before
//! the time window so that a resend of an accepted message is re-acked,
//! never processed twice. Containers add: no nesting, every inner id below
//! the container's, no id twice (64), and a container id seen before while
//! its content is new (19). An inner message is exempt from the −300 s
//! bound (16) once its container passed it: that is how a client re-sends
//! a message that "had waited too long on the client to be transmitted",
//! wrapped "in a container with a new msg_id"
//! (mtproto/service_messages_about_messages); the replay window and the
//! session's first msg_id still bound it (20).
//!
//! Answers are kept until the client acknowledges them ([`AnswerCache`]):
//! a duplicate of an answered query gets its answer again, and an answer
//! still unacknowledged [`ANSWER_RESEND_AFTER`] after it was sent goes out
//! again the next time the client is heard from — "the server would
//! re-send the missing response at the first opportunity"
//! (mtproto/service_messages).

use std::time::Duration;

use super::answer_cache::AnswerCache;
pub use super::answer_cache::ANSWER_RESEND_AFTER;
use super::events::TransportEvent;
use super::msg_id::{msg_id_instant, MsgIdGenerator, MsgIdKind};
use super::replay::{IdStatus, ReplayWindow};
use super::seqno::SeqNoCounter;
use crate::id::SessionId;
use crate::time::Instant;
use std::borrow::Cow;

use crate::wire::{
    ids, unpack_gzip, BadMsgCode, Body, Message, MAX_ACK_IDS, MSG_STATE_ANSWERED, MSG_STATE_NOT_RECEIVED,
    MSG_STATE_NOT_RECEIVED_YET, MSG_STATE_RECEIVED, MSG_STATE_UNKNOWN,
};

/// A message more than this far in the past is refused (16).
pub const MAX_MSG_AGE: Duration = Duration::from_secs(300);
/// A message more than this far in the future is refused (17).
pub const MAX_MSG_LEAD: Duration = Duration::from_secs(30);

/// What one incoming envelope produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Processed {
    /// Accepted messages for the layers above, containers flattened, in order.
    /// Acks and pings are handled here and not included.
    pub accepted: Vec<Message>,
    /// Server message ids the client acknowledged.
    pub acknowledged: Vec<u64>,
    /// Service replies to send back: acks, pongs, bad-message notices,
    /// re-sent answers.
    pub replies: Vec<Body>,
    /// `get_future_salts` asked (msg_id, num): the transport, which holds
    /// the key's salt schedule, answers them.
    pub salt_requests: Vec<(u64, i32)>,
    /// What validation did and saw (refusals, duplicates).
    pub events: Vec<TransportEvent>,
}

/// How the envelope's salt was judged by the key's schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaltCheck {
    /// Whether the salt is accepted: the current one or the previous one within its grace.
    pub valid: bool,
    /// The salt current now, sent in `bad_server_salt` when `valid` is false.
    pub current: u64,
}

/// One client session as the server sees it.
#[derive(Clone, Debug)]
pub struct ServerSession {
    session_id: SessionId,
    received: ReplayWindow,
    outgoing_ids: MsgIdGenerator,
    outgoing_seqno: SeqNoCounter,
    answers: AnswerCache,
    /// The lowest msg_id of the packet that created the session (what
    /// `new_session_created` names): anything below is refused (20) and
    /// the client re-sends it under a new id.
    first_msg_id: u64,
    last_active: Instant,
    /// The datacenter's mutant, set by the transport that made the session.
    #[cfg(feature = "mutants")]
    pub(crate) mutant: Option<crate::mutant::Mutant>,
}

impl ServerSession {
    /// A session first seen at `now` in a packet whose lowest msg_id is
    /// `first_msg_id`, with nothing received or sent yet.
    pub fn new(session_id: SessionId, now: Instant, first_msg_id: u64) -> ServerSession {
        ServerSession {
            session_id,
            received: ReplayWindow::new(),
            outgoing_ids: MsgIdGenerator::new(),
            outgoing_seqno: SeqNoCounter::new(),
            answers: AnswerCache::new(),
            first_msg_id,
            last_active: now,
            #[cfg(feature = "mutants")]
            mutant: None,
        }
    }

    /// The id the client chose for the session.
    pub fn session_id(&self) -> SessionId {
        self.session_id
    }

    /// When the session last received a packet; the least recently active one is evicted first.
    pub fn last_active(&self) -> Instant {
        self.last_active
    }

    /// Id and seqno for the next message the server sends in this session.
    pub fn next_outgoing(&mut self, now: Instant, kind: MsgIdKind, content_related: bool) -> (u64, u32) {
        (
            self.outgoing_ids.next(now, kind),
            self.outgoing_seqno.next(content_related),
        )
    }

    /// Keep the answer to `req_msg_id`, just sent as `msg_id`, until the
    /// client acknowledges it.
    pub fn remember_answer(&mut self, now: Instant, req_msg_id: u64, result: Vec<u8>, msg_id: u64) {
        self.answers.remember(now, req_msg_id, result, msg_id);
    }

    /// Answers kept and not yet acknowledged.
    pub fn cached_answers(&self) -> usize {
        self.answers.len()
    }

    /// Validate one decrypted top-level message of this session.
    pub fn process(&mut self, now: Instant, salt: SaltCheck, message: &Message) -> Processed {
        self.last_active = now;
        let mut out = Processed::default();
        let mut to_ack = Vec::new();
        if message.constructor() == Some(ids::MSG_CONTAINER) {
            self.process_container(now, salt, message, &mut out, &mut to_ack);
        } else {
            let message = opened(message);
            if self.admit(now, Place::Outer(salt), &message, &mut out, &mut to_ack) {
                self.deliver(now, &message, &mut out);
            }
        }
        for (req_msg_id, result) in self.answers.due(now) {
            out.events.push(TransportEvent::AnswerResent { req_msg_id });
            out.replies.push(Body::RpcResult { req_msg_id, result });
        }
        if !to_ack.is_empty() {
            debug_assert!(to_ack.len() <= MAX_ACK_IDS);
            // Acks go first: a client reading a refusal of a container must
            // already know which of its messages were processed before.
            out.replies.insert(0, Body::Ack(to_ack));
        }
        out
    }

    /// Run the per-message checks; on success record the id. Returns
    /// whether the message is to be processed.
    fn admit(
        &mut self,
        now: Instant,
        place: Place,
        message: &Message,
        out: &mut Processed,
        to_ack: &mut Vec<u64>,
    ) -> bool {
        // A `gzip_packed` still packed here did not open: only queries are
        // packed (Telethon numbers one as its query), so it is judged as
        // content and answered with INPUT_FETCH_FAIL above.
        let content_related = message
            .constructor()
            .is_some_and(|constructor| ids::is_content_related(constructor) || constructor == ids::GZIP_PACKED);
        if message.msg_id % 4 != 0 || message.msg_id & 0xffff_ffff == 0 {
            // Never a valid client id: nothing to remember.
            return refuse(message, BadMsgCode::MsgIdBadLowBits, out);
        }
        let duplicate = self.received.status(message.msg_id) == IdStatus::Duplicate;
        #[cfg(feature = "mutants")]
        let duplicate = duplicate && !crate::mutant::is(self.mutant, crate::mutant::Mutant::ReplayWindowOff);
        if duplicate {
            out.events
                .push(TransportEvent::DuplicateIgnored { msg_id: message.msg_id });
            if let Some(result) = self.answers.answer_to(now, message.msg_id) {
                // The answer is the acknowledgement.
                out.events.push(TransportEvent::AnswerResent {
                    req_msg_id: message.msg_id,
                });
                out.replies.push(Body::RpcResult {
                    req_msg_id: message.msg_id,
                    result,
                });
            } else if content_related {
                to_ack.push(message.msg_id);
            }
            return false;
        }
        if let IdStatus::Refused(code) = self.received.status(message.msg_id) {
            return self.refuse(message, code, out);
        }
        match time_window_violation(now, message.msg_id) {
            // The container's own fresh id vouched for the time.
            Some(BadMsgCode::MsgIdTooLow) if place == Place::InContainer => {}
            Some(code) => return self.refuse(message, code, out),
            None => {}
        }
        if self.received.status(message.msg_id) == IdStatus::TooOld || message.msg_id < self.first_msg_id {
            // Below the window, or sent before the session began here: it
            // cannot be told whether an earlier session processed it.
            return self.refuse(message, BadMsgCode::MessageTooOld, out);
        }
        if let Place::Outer(salt) = place {
            if !salt.valid {
                self.received.record_refusal(message.msg_id, BadMsgCode::BadServerSalt);
                out.events.push(TransportEvent::BadMessage {
                    msg_id: message.msg_id,
                    code: BadMsgCode::BadServerSalt,
                });
                out.replies.push(Body::BadServerSalt {
                    bad_msg_id: message.msg_id,
                    bad_msg_seqno: message.seq_no,
                    error_code: BadMsgCode::BadServerSalt.code(),
                    new_server_salt: salt.current,
                });
                return false;
            }
        }
        let odd = message.seq_no % 2 == 1;
        if content_related && !odd {
            return self.refuse(message, BadMsgCode::OddSeqNoExpected, out);
        }
        if !content_related && odd {
            return self.refuse(message, BadMsgCode::EvenSeqNoExpected, out);
        }
        if let Some(code) = self.received.seqno_conflict(message.msg_id, message.seq_no) {
            return self.refuse(message, code, out);
        }
        self.received.record(message.msg_id, message.seq_no);
        if content_related {
            to_ack.push(message.msg_id);
        }
        true
    }

    /// Hand an admitted message up, or answer it here (acks, pings).
    fn deliver(&mut self, now: Instant, message: &Message, out: &mut Processed) {
        if !message.constructor().is_some_and(answered_here) {
            // A body decodes to its constructor's variant, so no other body
            // reaches an arm below but the last: it goes up undecoded (an
            // application body's decode copied every byte only to drop it).
            out.accepted.push(message.clone());
            return;
        }
        match Body::decode(&message.body) {
            Ok(Body::Ack(msg_ids)) => {
                self.answers.acknowledged(&msg_ids);
                out.acknowledged.extend(msg_ids);
            }
            Ok(Body::Ping { ping_id }) => out.replies.push(Body::Pong {
                msg_id: message.msg_id,
                ping_id,
            }),
            // The disconnect delay is the socket's business (serve), not the
            // session's: announced, and answered like a ping.
            Ok(Body::PingDelayDisconnect {
                ping_id,
                disconnect_delay,
            }) => {
                out.events.push(TransportEvent::DisconnectDelayRequested {
                    disconnect_delay_seconds: u32::try_from(disconnect_delay).unwrap_or(0),
                });
                out.replies.push(Body::Pong {
                    msg_id: message.msg_id,
                    ping_id,
                });
            }
            Ok(Body::GetFutureSalts { num }) => out.salt_requests.push((message.msg_id, num)),
            Ok(Body::MsgsStateReq { msg_ids }) => out.replies.push(Body::MsgsStateInfo {
                req_msg_id: message.msg_id,
                info: msg_ids.iter().map(|msg_id| self.state_of(now, *msg_id)).collect(),
            }),
            Ok(Body::MsgResendReq { msg_ids }) => {
                for msg_id in msg_ids {
                    if let Some((req_msg_id, result)) = self.answers.sent_as(now, msg_id) {
                        out.events.push(TransportEvent::AnswerResent { req_msg_id });
                        out.replies.push(Body::RpcResult { req_msg_id, result });
                    }
                }
            }
            // What the client knows of the server's messages: informative
            // only (the server re-sends what it still holds on its own).
            Ok(Body::MsgsStateInfo { .. } | Body::MsgsAllInfo { .. })
            | Ok(Body::MsgDetailedInfo { .. } | Body::MsgNewDetailedInfo { .. }) => {}
            // Application bodies and anything undecodable go up whole: the
            // layer above answers with an rpc_error it can name.
            _ => out.accepted.push(message.clone()),
        }
    }

    fn process_container(
        &mut self,
        now: Instant,
        salt: SaltCheck,
        container: &Message,
        out: &mut Processed,
        to_ack: &mut Vec<u64>,
    ) {
        let Ok(Body::Container(inner)) = Body::decode(&container.body) else {
            // Undecodable: there is no inner message to judge.
            refuse(container, BadMsgCode::InvalidContainer, out);
            return;
        };
        let all_seen = inner
            .iter()
            .all(|message| self.received.status(message.msg_id) == IdStatus::Duplicate);
        let admitted = if !container_is_well_formed(container.msg_id, &inner) {
            self.refuse(container, BadMsgCode::InvalidContainer, out)
        } else if self.received.status(container.msg_id) == IdStatus::Duplicate && !all_seen {
            self.refuse(container, BadMsgCode::ContainerIdReused, out)
        } else {
            self.admit(now, Place::Outer(salt), container, out, to_ack)
        };
        if admitted {
            for message in &inner {
                let message = opened(message);
                if self.admit(now, Place::InContainer, &message, out, to_ack) {
                    self.deliver(now, &message, out);
                }
            }
        } else {
            self.settle_refused_container(container.msg_id, &inner, to_ack);
        }
    }

    /// The container was refused (or is a duplicate). The client will
    /// re-send its content under new ids, so: ack what was processed
    /// before (the client then drops it instead of re-sending it), and make
    /// every other inner id final-refused so that no copy of it counts.
    fn settle_refused_container(&mut self, container_id: u64, inner: &[Message], to_ack: &mut Vec<u64>) {
        let code = match self.received.status(container_id) {
            IdStatus::Refused(code) => code,
            _ => BadMsgCode::ContainerIdReused,
        };
        for message in inner {
            match self.received.status(message.msg_id) {
                IdStatus::Duplicate if message.constructor().is_some_and(ids::is_content_related) => {
                    to_ack.push(message.msg_id)
                }
                IdStatus::Fresh | IdStatus::TooOld => self.received.record_refusal(message.msg_id, code),
                _ => {}
            }
        }
    }

    /// The `msgs_state_info` byte for one of the client's msg_ids.
    fn state_of(&self, now: Instant, msg_id: u64) -> u8 {
        match self.received.status(msg_id) {
            IdStatus::Duplicate if self.answers.answers(msg_id) => MSG_STATE_RECEIVED | MSG_STATE_ANSWERED,
            IdStatus::Duplicate => MSG_STATE_RECEIVED,
            IdStatus::TooOld => MSG_STATE_UNKNOWN,
            _ if time_window_violation(now, msg_id) == Some(BadMsgCode::MsgIdTooHigh) => MSG_STATE_NOT_RECEIVED_YET,
            _ => MSG_STATE_NOT_RECEIVED,
        }
    }

    /// Refuse `message` with `code` and remember the refusal.
    fn refuse(&mut self, message: &Message, code: BadMsgCode, out: &mut Processed) -> bool {
        self.received.record_refusal(message.msg_id, code);
        refuse(message, code, out)
    }
}

/// Whether a message with this constructor is answered by the session
/// itself ([`ServerSession::deliver`]'s arms) rather than handed up.
fn answered_here(constructor: u32) -> bool {
    matches!(
        constructor,
        ids::MSGS_ACK
            | ids::PING
            | ids::PING_DELAY_DISCONNECT
            | ids::GET_FUTURE_SALTS
            | ids::MSGS_STATE_REQ
            | ids::MSG_RESEND_REQ
            | ids::MSGS_STATE_INFO
            | ids::MSGS_ALL_INFO
            | ids::MSG_DETAILED_INFO
            | ids::MSG_NEW_DETAILED_INFO
    )
}

/// The message a client sent inside `gzip_packed`, in its place: its
/// seqno, acknowledgement and answer are the packed content's (Telethon
/// numbers a packed query as the query). A pack that does not open is
/// kept as sent, admitted as content, and answered by the layer above
/// with `rpc_error` 400 INPUT_FETCH_FAIL.
fn opened(message: &Message) -> Cow<'_, Message> {
    match unpack_gzip(&message.body) {
        Ok(Some(body)) => Cow::Owned(Message {
            body,
            ..message.clone()
        }),
        Ok(None) | Err(_) => Cow::Borrowed(message),
    }
}

/// Where a message sits in its envelope: the salt is judged on the
/// outer message only, and the −300 s bound is waived inside a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// The outer message: one sent alone, or a container.
    Outer(SaltCheck),
    /// A message inside an admitted container.
    InContainer,
}

/// 16 or 17 when the id's time is outside [now − 300 s, now + 30 s].
fn time_window_violation(now: Instant, msg_id: u64) -> Option<BadMsgCode> {
    let claimed = msg_id_instant(msg_id);
    if claimed < now.saturating_sub(MAX_MSG_AGE) {
        Some(BadMsgCode::MsgIdTooLow)
    } else if claimed > now.saturating_add(MAX_MSG_LEAD) {
        Some(BadMsgCode::MsgIdTooHigh)
    } else {
        None
    }
}

/// No nesting, every inner id below the container's, no id twice.
fn container_is_well_formed(container_id: u64, inner: &[Message]) -> bool {
    let mut inner_ids: Vec<u64> = inner.iter().map(|message| message.msg_id).collect();
    inner_ids.sort_unstable();
    let unique = inner_ids.windows(2).all(|pair| pair[0] != pair[1]);
    unique
        && inner
            .iter()
            .all(|message| message.msg_id < container_id && message.constructor() != Some(ids::MSG_CONTAINER))
}

fn refuse(message: &Message, code: BadMsgCode, out: &mut Processed) -> bool {
    out.events.push(TransportEvent::BadMessage {
        msg_id: message.msg_id,
        code,
    });
    out.replies.push(Body::BadMsgNotification {
        bad_msg_id: message.msg_id,
        bad_msg_seqno: message.seq_no,
        error_code: code.code(),
    });
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::service::tests::samples;

    /// `answered_here` names exactly the constructors `deliver` answers
    /// itself: each sample body is handed up whole if and only if its
    /// constructor is not on the list.
    #[test]
    fn the_answered_list_agrees_with_deliver() {
        let now = Instant::SCENARIO_EPOCH;
        for body in samples() {
            let message = Message {
                msg_id: 4,
                seq_no: 1,
                body: body.encode(),
            };
            let mut session = ServerSession::new(SessionId::new(1), now, 4);
            let mut out = Processed::default();
            session.deliver(now, &message, &mut out);
            let handed_up = out.accepted == [message.clone()];
            assert_eq!(handed_up, !answered_here(body.constructor()), "{body:?}");
            assert!(handed_up || out.accepted.is_empty(), "{body:?}");
        }
    }
}
