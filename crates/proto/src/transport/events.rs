//! Typed events of the transport layer, from which the simulator computes
//! metrics (`bad_msg_notifications`, `resends`, ...). Never parsed from logs.

use crate::wire::BadMsgCode;

/// Something the transport layer did or saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportEvent {
    /// A message was refused and answered with this code.
    BadMessage { msg_id: u64, code: BadMsgCode },
    /// A message id was seen before: ignored (re-acknowledged if content).
    DuplicateIgnored { msg_id: u64 },
    /// The first message of an unknown session id created the session.
    SessionCreated { session_id: u64 },
    /// The least recently active session of a key was dropped to make room.
    SessionEvicted { session_id: u64 },
    /// A client message was sent again under the same id (no ack in time).
    Resent { msg_id: u64, attempt: u32 },
    /// A refused client message was queued again under a new id.
    Reissued {
        old_msg_id: u64,
        new_msg_id: u64,
        attempt: u32,
    },
    /// A client message was dropped after the last allowed attempt.
    GaveUp { msg_id: u64 },
    /// A client adopted a new server salt.
    SaltUpdated { salt: u64 },
    /// A client corrected its clock offset from a server msg_id.
    ClockCorrected { offset_micros: i64 },
}
