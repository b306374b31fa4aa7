//! Service messages of the transport layer: containers, acks, bad-message
//! notifications, bad salts, new sessions, RPC results and errors, ping/pong,
//! future salts, and the messages about messages (state requests and
//! answers, resend requests, detailed info).
//!
//! Anything else is an application body ([`Body::Application`]) that the
//! session and sync layers decode themselves.

use super::codec::{DecodeError, Reader, Writer, MAX_BODY_BYTES};
use super::envelope::Message;
use super::ids;

/// At most this many messages in one container.
pub const MAX_CONTAINER_MESSAGES: usize = 1024;
/// At most this many ids in one `msgs_ack`.
pub const MAX_ACK_IDS: usize = 8192;
/// `msgs_state_info` status: nothing is known of the message (its id is
/// too low: the other side may have forgotten it).
pub const MSG_STATE_UNKNOWN: u8 = 1;
/// Not received (its id is within the stored range).
pub const MSG_STATE_NOT_RECEIVED: u8 = 2;
/// Not received (its id is too high: the other side cannot have it yet).
pub const MSG_STATE_NOT_RECEIVED_YET: u8 = 3;
/// Received (this answer is also its acknowledgement).
pub const MSG_STATE_RECEIVED: u8 = 4;
/// Added to [`MSG_STATE_RECEIVED`]: a content-related answer to it was
/// already generated.
pub const MSG_STATE_ANSWERED: u8 = 64;

/// At most this many salts in one `future_salts` (the documented maximum of
/// `get_future_salts`'s `num`).
pub const MAX_FUTURE_SALTS: usize = 64;
/// Longest `rpc_error` message text accepted.
pub(crate) const MAX_ERROR_MESSAGE_BYTES: usize = 256;

/// `bad_msg_notification` error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BadMsgCode {
    /// 16: msg_id too low (the client's clock is behind).
    MsgIdTooLow,
    /// 17: msg_id too high (the client's clock is ahead).
    MsgIdTooHigh,
    /// 18: wrong two lower bits of msg_id (or lower 32 bits zero).
    MsgIdBadLowBits,
    /// 19: container msg_id reused from an earlier message.
    ContainerIdReused,
    /// 20: message too old to verify whether it was received.
    MessageTooOld,
    /// 32: msg_seqno too low.
    SeqNoTooLow,
    /// 33: msg_seqno too high.
    SeqNoTooHigh,
    /// 34: even seqno expected (not content-related), odd received.
    EvenSeqNoExpected,
    /// 35: odd seqno expected (content-related), even received.
    OddSeqNoExpected,
    /// 48: bad server salt (sent as `bad_server_salt`).
    BadServerSalt,
    /// 64: invalid container.
    InvalidContainer,
}

impl BadMsgCode {
    /// Every code, in numeric order.
    pub const ALL: [BadMsgCode; 11] = [
        BadMsgCode::MsgIdTooLow,
        BadMsgCode::MsgIdTooHigh,
        BadMsgCode::MsgIdBadLowBits,
        BadMsgCode::ContainerIdReused,
        BadMsgCode::MessageTooOld,
        BadMsgCode::SeqNoTooLow,
        BadMsgCode::SeqNoTooHigh,
        BadMsgCode::EvenSeqNoExpected,
        BadMsgCode::OddSeqNoExpected,
        BadMsgCode::BadServerSalt,
        BadMsgCode::InvalidContainer,
    ];

    /// The documented numeric code.
    pub fn code(self) -> i32 {
        match self {
            BadMsgCode::MsgIdTooLow => 16,
            BadMsgCode::MsgIdTooHigh => 17,
            BadMsgCode::MsgIdBadLowBits => 18,
            BadMsgCode::ContainerIdReused => 19,
            BadMsgCode::MessageTooOld => 20,
            BadMsgCode::SeqNoTooLow => 32,
            BadMsgCode::SeqNoTooHigh => 33,
            BadMsgCode::EvenSeqNoExpected => 34,
            BadMsgCode::OddSeqNoExpected => 35,
            BadMsgCode::BadServerSalt => 48,
            BadMsgCode::InvalidContainer => 64,
        }
    }

    /// The code for a number, if it is a documented one.
    pub fn from_code(code: i32) -> Option<BadMsgCode> {
        BadMsgCode::ALL.into_iter().find(|candidate| candidate.code() == code)
    }
}

/// `future_salt#0949d9dc`: one salt and the Unix seconds it is valid in,
/// `valid_since` included and `valid_until` excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FutureSalt {
    /// When the salt starts being accepted (Unix seconds).
    pub valid_since: u32,
    /// When the salt stops being accepted (Unix seconds).
    pub valid_until: u32,
    /// The salt.
    pub salt: u64,
}

/// A decoded message body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// `msg_container#73f1f8dc`: inner messages with opaque bodies.
    Container(Vec<Message>),
    /// `msgs_ack#62d6b459 msg_ids:Vector<long>`.
    Ack(Vec<u64>),
    /// `bad_msg_notification#a7eff811`; the code is kept raw so that an
    /// unknown one still decodes.
    BadMsgNotification {
        /// The msg_id of the refused message.
        bad_msg_id: u64,
        /// The seqno of the refused message.
        bad_msg_seqno: u32,
        /// Why it was refused: a [`BadMsgCode`] number.
        error_code: i32,
    },
    /// `bad_server_salt#edab447b` (error code 48).
    BadServerSalt {
        /// The msg_id of the refused message.
        bad_msg_id: u64,
        /// The seqno of the refused message.
        bad_msg_seqno: u32,
        /// Always 48 ([`BadMsgCode::BadServerSalt`]).
        error_code: i32,
        /// The salt to resend the message with.
        new_server_salt: u64,
    },
    /// `new_session_created#9ec20908`.
    NewSessionCreated {
        /// The msg_id of the first message the server saw in the new session.
        first_msg_id: u64,
        /// A random id the server chose for the new session.
        unique_id: u64,
        /// The server salt now current.
        server_salt: u64,
    },
    /// `rpc_result#f35c6d01`: the answer to `req_msg_id`, an encoded object.
    RpcResult {
        /// The msg_id of the request this answers.
        req_msg_id: u64,
        /// The answer: one encoded object (an `rpc_error` or the function's result type).
        result: Vec<u8>,
    },
    /// `rpc_error#2144ca19`.
    RpcError {
        /// The error's number: 303 (migrate), 400, 401, 406, 420 (flood wait) or -503.
        error_code: i32,
        /// The error's name, e.g. `AUTH_KEY_UNREGISTERED`.
        error_message: String,
    },
    /// `ping#7abe77ec`.
    Ping {
        /// An id of the client's choosing, echoed by the pong.
        ping_id: u64,
    },
    /// `ping_delay_disconnect#f3427b8c`: a ping that also asks the server
    /// to close the connection if no other comes within `disconnect_delay`
    /// seconds (what keeps a client's socket alive through NATs). Answered
    /// with `pong` like `ping`.
    PingDelayDisconnect {
        /// An id of the client's choosing, echoed by the pong.
        ping_id: u64,
        /// Seconds of silence after which the server may close the connection.
        disconnect_delay: i32,
    },
    /// `pong#347773c5`.
    Pong {
        /// The msg_id of the ping this answers.
        msg_id: u64,
        /// The ping's `ping_id`.
        ping_id: u64,
    },
    /// `get_future_salts#b921bd04`: ask for up to `num` salts (at most 64).
    GetFutureSalts {
        /// How many salts are asked for.
        num: i32,
    },
    /// `future_salts#ae500895`: the answer to `get_future_salts` (it also
    /// settles the request, as an `rpc_result` would).
    FutureSalts {
        /// The msg_id of the `get_future_salts` this answers.
        req_msg_id: u64,
        /// The server's Unix time when it answered.
        now: u32,
        /// The salts, oldest first (a bare vector of bare `future_salt`).
        salts: Vec<FutureSalt>,
    },
    /// `msgs_state_req#da69fb52`: what do you know of these messages of mine?
    MsgsStateReq {
        /// The sender's msg_ids asked about (at most [`MAX_ACK_IDS`]).
        msg_ids: Vec<u64>,
    },
    /// `msgs_state_info#04deb57d`: one status byte per id asked about
    /// ([`MSG_STATE_UNKNOWN`] …), in the order asked.
    MsgsStateInfo {
        /// The msg_id of the `msgs_state_req` answered.
        req_msg_id: u64,
        /// One byte per id.
        info: Vec<u8>,
    },
    /// `msgs_all_info#8cc0d131`: the sender's status of these messages, unasked.
    MsgsAllInfo {
        /// The ids described.
        msg_ids: Vec<u64>,
        /// One byte per id.
        info: Vec<u8>,
    },
    /// `msg_resend_req#7d861a08`: send these messages of yours again.
    MsgResendReq {
        /// The other side's msg_ids to re-send.
        msg_ids: Vec<u64>,
    },
    /// `msg_detailed_info#276d3ec6`: `msg_id` was answered by `answer_msg_id`.
    MsgDetailedInfo {
        /// The message (usually a query) described.
        msg_id: u64,
        /// The answer's msg_id.
        answer_msg_id: u64,
        /// The answer's size.
        bytes: i32,
        /// Reserved status (0).
        status: i32,
    },
    /// `msg_new_detailed_info#809db6df`: the sender has a message
    /// `answer_msg_id` for the other side, unasked.
    MsgNewDetailedInfo {
        /// The message's msg_id.
        answer_msg_id: u64,
        /// Its size.
        bytes: i32,
        /// Reserved status (0).
        status: i32,
    },
    /// Any other constructor: left to the layers above, bytes kept whole.
    Application {
        /// The body's constructor id.
        constructor: u32,
        /// The whole body, constructor id included.
        bytes: Vec<u8>,
    },
}

impl Body {
    /// The body's constructor id.
    pub fn constructor(&self) -> u32 {
        match self {
            Body::Container(_) => ids::MSG_CONTAINER,
            Body::Ack(_) => ids::MSGS_ACK,
            Body::BadMsgNotification { .. } => ids::BAD_MSG_NOTIFICATION,
            Body::BadServerSalt { .. } => ids::BAD_SERVER_SALT,
            Body::NewSessionCreated { .. } => ids::NEW_SESSION_CREATED,
            Body::RpcResult { .. } => ids::RPC_RESULT,
            Body::RpcError { .. } => ids::RPC_ERROR,
            Body::Ping { .. } => ids::PING,
            Body::PingDelayDisconnect { .. } => ids::PING_DELAY_DISCONNECT,
            Body::Pong { .. } => ids::PONG,
            Body::GetFutureSalts { .. } => ids::GET_FUTURE_SALTS,
            Body::FutureSalts { .. } => ids::FUTURE_SALTS,
            Body::MsgsStateReq { .. } => ids::MSGS_STATE_REQ,
            Body::MsgsStateInfo { .. } => ids::MSGS_STATE_INFO,
            Body::MsgsAllInfo { .. } => ids::MSGS_ALL_INFO,
            Body::MsgResendReq { .. } => ids::MSG_RESEND_REQ,
            Body::MsgDetailedInfo { .. } => ids::MSG_DETAILED_INFO,
            Body::MsgNewDetailedInfo { .. } => ids::MSG_NEW_DETAILED_INFO,
            Body::Application { constructor, .. } => *constructor,
        }
    }

    /// Whether a message carrying this body needs an ack and an odd seqno.
    pub fn is_content_related(&self) -> bool {
        ids::is_content_related(self.constructor())
    }

    /// TL-encode the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        match self {
            Body::Container(messages) => {
                writer.u32(ids::MSG_CONTAINER).u32(messages.len() as u32);
                for message in messages {
                    writer
                        .u64(message.msg_id)
                        .u32(message.seq_no)
                        .u32(message.body.len() as u32)
                        .raw(&message.body);
                }
            }
            Body::Ack(msg_ids) => {
                writer.u32(ids::MSGS_ACK).vector_u64(msg_ids);
            }
            Body::BadMsgNotification {
                bad_msg_id,
                bad_msg_seqno,
                error_code,
            } => {
                writer
                    .u32(ids::BAD_MSG_NOTIFICATION)
                    .u64(*bad_msg_id)
                    .u32(*bad_msg_seqno)
                    .i32(*error_code);
            }
            Body::BadServerSalt {
                bad_msg_id,
                bad_msg_seqno,
                error_code,
                new_server_salt,
            } => {
                writer
                    .u32(ids::BAD_SERVER_SALT)
                    .u64(*bad_msg_id)
                    .u32(*bad_msg_seqno)
                    .i32(*error_code)
                    .u64(*new_server_salt);
            }
            Body::NewSessionCreated {
                first_msg_id,
                unique_id,
                server_salt,
            } => {
                writer
                    .u32(ids::NEW_SESSION_CREATED)
                    .u64(*first_msg_id)
                    .u64(*unique_id)
                    .u64(*server_salt);
            }
            Body::RpcResult { req_msg_id, result } => {
                writer.u32(ids::RPC_RESULT).u64(*req_msg_id).raw(result);
            }
            Body::RpcError {
                error_code,
                error_message,
            } => {
                writer.u32(ids::RPC_ERROR).i32(*error_code).string(error_message);
            }
            Body::Ping { ping_id } => {
                writer.u32(ids::PING).u64(*ping_id);
            }
            Body::PingDelayDisconnect {
                ping_id,
                disconnect_delay,
            } => {
                writer
                    .u32(ids::PING_DELAY_DISCONNECT)
                    .u64(*ping_id)
                    .i32(*disconnect_delay);
            }
            Body::Pong { msg_id, ping_id } => {
                writer.u32(ids::PONG).u64(*msg_id).u64(*ping_id);
            }
            Body::GetFutureSalts { num } => {
                writer.u32(ids::GET_FUTURE_SALTS).i32(*num);
            }
            Body::FutureSalts { req_msg_id, now, salts } => {
                writer
                    .u32(ids::FUTURE_SALTS)
                    .u64(*req_msg_id)
                    .u32(*now)
                    .u32(salts.len() as u32);
                for salt in salts {
                    writer.u32(salt.valid_since).u32(salt.valid_until).u64(salt.salt);
                }
            }
            Body::MsgsStateReq { msg_ids } => {
                writer.u32(ids::MSGS_STATE_REQ).vector_u64(msg_ids);
            }
            Body::MsgsStateInfo { req_msg_id, info } => {
                writer.u32(ids::MSGS_STATE_INFO).u64(*req_msg_id).bytes(info);
            }
            Body::MsgsAllInfo { msg_ids, info } => {
                writer.u32(ids::MSGS_ALL_INFO).vector_u64(msg_ids).bytes(info);
            }
            Body::MsgResendReq { msg_ids } => {
                writer.u32(ids::MSG_RESEND_REQ).vector_u64(msg_ids);
            }
            Body::MsgDetailedInfo {
                msg_id,
                answer_msg_id,
                bytes,
                status,
            } => {
                writer
                    .u32(ids::MSG_DETAILED_INFO)
                    .u64(*msg_id)
                    .u64(*answer_msg_id)
                    .i32(*bytes)
                    .i32(*status);
            }
            Body::MsgNewDetailedInfo {
                answer_msg_id,
                bytes,
                status,
            } => {
                writer
                    .u32(ids::MSG_NEW_DETAILED_INFO)
                    .u64(*answer_msg_id)
                    .i32(*bytes)
                    .i32(*status);
            }
            Body::Application { bytes, .. } => {
                writer.raw(bytes);
            }
        }
        writer.finish()
    }

    /// Decode a whole body; trailing bytes are an error.
    pub fn decode(bytes: &[u8]) -> Result<Body, DecodeError> {
        if bytes.len() > MAX_BODY_BYTES {
            return Err(DecodeError::TooLong {
                what: "body",
                length: bytes.len(),
                limit: MAX_BODY_BYTES,
            });
        }
        let mut reader = Reader::new(bytes);
        let constructor = reader.u32()?;
        let body = match constructor {
            ids::MSG_CONTAINER => Body::Container(decode_container_messages(&mut reader)?),
            ids::MSGS_ACK => Body::Ack(reader.vector_u64(MAX_ACK_IDS)?),
            ids::BAD_MSG_NOTIFICATION => Body::BadMsgNotification {
                bad_msg_id: reader.u64()?,
                bad_msg_seqno: reader.u32()?,
                error_code: reader.i32()?,
            },
            ids::BAD_SERVER_SALT => Body::BadServerSalt {
                bad_msg_id: reader.u64()?,
                bad_msg_seqno: reader.u32()?,
                error_code: reader.i32()?,
                new_server_salt: reader.u64()?,
            },
            ids::NEW_SESSION_CREATED => Body::NewSessionCreated {
                first_msg_id: reader.u64()?,
                unique_id: reader.u64()?,
                server_salt: reader.u64()?,
            },
            ids::RPC_RESULT => {
                let req_msg_id = reader.u64()?;
                let result = reader.take(reader.remaining())?.to_vec();
                if result.len() < 4 {
                    return Err(DecodeError::Invalid {
                        field: "rpc_result.result",
                        detail: "missing object".into(),
                    });
                }
                Body::RpcResult { req_msg_id, result }
            }
            ids::RPC_ERROR => Body::RpcError {
                error_code: reader.i32()?,
                error_message: reader.string(MAX_ERROR_MESSAGE_BYTES)?,
            },
            ids::PING => Body::Ping { ping_id: reader.u64()? },
            ids::PING_DELAY_DISCONNECT => Body::PingDelayDisconnect {
                ping_id: reader.u64()?,
                disconnect_delay: reader.i32()?,
            },
            ids::PONG => Body::Pong {
                msg_id: reader.u64()?,
                ping_id: reader.u64()?,
            },
            ids::GET_FUTURE_SALTS => Body::GetFutureSalts { num: reader.i32()? },
            ids::FUTURE_SALTS => Body::FutureSalts {
                req_msg_id: reader.u64()?,
                now: reader.u32()?,
                salts: decode_future_salts(&mut reader)?,
            },
            ids::MSGS_STATE_REQ => Body::MsgsStateReq {
                msg_ids: reader.vector_u64(MAX_ACK_IDS)?,
            },
            ids::MSGS_STATE_INFO => Body::MsgsStateInfo {
                req_msg_id: reader.u64()?,
                info: reader.bytes(MAX_ACK_IDS)?.to_vec(),
            },
            ids::MSGS_ALL_INFO => Body::MsgsAllInfo {
                msg_ids: reader.vector_u64(MAX_ACK_IDS)?,
                info: reader.bytes(MAX_ACK_IDS)?.to_vec(),
            },
            ids::MSG_RESEND_REQ => Body::MsgResendReq {
                msg_ids: reader.vector_u64(MAX_ACK_IDS)?,
            },
            ids::MSG_DETAILED_INFO => Body::MsgDetailedInfo {
                msg_id: reader.u64()?,
                answer_msg_id: reader.u64()?,
                bytes: reader.i32()?,
                status: reader.i32()?,
            },
            ids::MSG_NEW_DETAILED_INFO => Body::MsgNewDetailedInfo {
                answer_msg_id: reader.u64()?,
                bytes: reader.i32()?,
                status: reader.i32()?,
            },
            ids::GZIP_PACKED => {
                // The core never compresses; a peer that does is refused, not trusted.
                return Err(DecodeError::UnknownConstructor {
                    constructor,
                    context: "uncompressed body",
                });
            }
            _ => {
                return Ok(Body::Application {
                    constructor,
                    bytes: bytes.to_vec(),
                })
            }
        };
        reader.finish("service message")?;
        Ok(body)
    }
}

/// A bare vector of bare `future_salt`: a count, then 16 bytes each.
fn decode_future_salts(reader: &mut Reader<'_>) -> Result<Vec<FutureSalt>, DecodeError> {
    const SALT_BYTES: usize = 16;
    let count = reader.u32()? as usize;
    if count > MAX_FUTURE_SALTS {
        return Err(DecodeError::TooLong {
            what: "future_salts",
            length: count,
            limit: MAX_FUTURE_SALTS,
        });
    }
    if count * SALT_BYTES > reader.remaining() {
        return Err(DecodeError::UnexpectedEnd {
            offset: reader.offset(),
            needed: count * SALT_BYTES,
            remaining: reader.remaining(),
        });
    }
    let mut salts = Vec::with_capacity(count);
    for _ in 0..count {
        salts.push(FutureSalt {
            valid_since: reader.u32()?,
            valid_until: reader.u32()?,
            salt: reader.u64()?,
        });
    }
    Ok(salts)
}

/// The messages of a container, after its constructor id. Inner bodies stay
/// opaque: nesting and id rules are the transport's to judge (code 64).
fn decode_container_messages(reader: &mut Reader<'_>) -> Result<Vec<Message>, DecodeError> {
    let count = reader.u32()? as usize;
    if count > MAX_CONTAINER_MESSAGES {
        return Err(DecodeError::TooLong {
            what: "container",
            length: count,
            limit: MAX_CONTAINER_MESSAGES,
        });
    }
    // Each inner message takes at least 16 header bytes and a 4-byte body.
    const MIN_INNER_BYTES: usize = 20;
    if count.saturating_mul(MIN_INNER_BYTES) > reader.remaining() {
        return Err(DecodeError::UnexpectedEnd {
            offset: reader.offset(),
            needed: count * MIN_INNER_BYTES,
            remaining: reader.remaining(),
        });
    }
    let mut messages = Vec::with_capacity(count);
    for _ in 0..count {
        let msg_id = reader.u64()?;
        let seq_no = reader.u32()?;
        let length = reader.u32()? as usize;
        if length % 4 != 0 || length < 4 {
            return Err(DecodeError::Invalid {
                field: "container message length",
                detail: length.to_string(),
            });
        }
        let body = reader.take(length)?.to_vec();
        messages.push(Message { msg_id, seq_no, body });
    }
    Ok(messages)
}

#[cfg(test)]
#[path = "service_tests.rs"]
pub(crate) mod tests;
