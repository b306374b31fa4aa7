//! Typed events of the transport layer, from which the simulator computes
//! metrics (`bad_msg_notifications`, `resends`, ...). Never parsed from logs.

use crate::id::SessionId;
use crate::wire::BadMsgCode;

/// Something the transport layer did or saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    /// A message was refused and answered with this code.
    BadMessage {
        /// The refused message's id.
        msg_id: u64,
        /// The code it was refused with.
        code: BadMsgCode,
    },
    /// A message id was seen before: ignored (re-acknowledged if content).
    DuplicateIgnored {
        /// The repeated id.
        msg_id: u64,
    },
    /// The first message of an unknown session id created the session.
    SessionCreated {
        /// The new session's id.
        session_id: SessionId,
    },
    /// The least recently active session of a key was dropped to make room.
    SessionEvicted {
        /// The dropped session's id.
        session_id: SessionId,
    },
    /// A client message was sent again under the same id (no ack in time).
    Resent {
        /// The message's id (a resend keeps it).
        msg_id: u64,
        /// Which send this was: 2 for the first resend.
        attempt: u32,
    },
    /// A refused client message was queued again under a new id.
    Reissued {
        /// The refused id.
        old_msg_id: u64,
        /// The id the content is sent again under.
        new_msg_id: u64,
        /// Which send the new one will be (the first send counts as 1).
        attempt: u32,
    },
    /// A client message was dropped after the last allowed attempt.
    GaveUp {
        /// The id of the abandoned message.
        msg_id: u64,
    },
    /// A client adopted a new server salt.
    SaltUpdated {
        /// The salt now used.
        salt: u64,
    },
    /// A client's clock correction moved its clock back, so it continued
    /// in a new session (ids never go back within one); its pending
    /// messages moved over under fresh ids.
    SessionRestarted {
        /// The session left.
        old_session_id: SessionId,
        /// The session continued in.
        new_session_id: SessionId,
    },
    /// A server sent an answer again: the query came again, or the answer
    /// went unacknowledged for [`ANSWER_RESEND_AFTER`](super::ANSWER_RESEND_AFTER).
    AnswerResent {
        /// The msg_id of the query the answer is for.
        req_msg_id: u64,
    },
    /// A client sent `ping_delay_disconnect`: the connection it came on is
    /// to be closed after `disconnect_delay_seconds` unless another one
    /// arrives first (the socket's business, so it is only announced).
    DisconnectDelayRequested {
        /// The delay the client asked for (at least 0).
        disconnect_delay_seconds: u32,
    },
    /// A client corrected its clock offset from a server msg_id.
    ClockCorrected {
        /// The new offset: server clock minus device clock (µs).
        offset_micros: i64,
    },
}
