//! What the client side of the transport hands up and why it refuses:
//! [`Delivery`] (answers, notifications, new sessions, re-issues),
//! [`SendError`] and [`ClientReceiveError`].

use super::client::MAX_PENDING_MESSAGES;
use crate::crypto::CryptoError;
use crate::id::SessionId;
use crate::wire::DecodeError;

/// Why a message could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// `MAX_PENDING_MESSAGES` (1024) messages already wait for an ack.
    #[error("{MAX_PENDING_MESSAGES} messages are already waiting for acknowledgement")]
    QueueFull,
    /// The body is empty or not whole 4-byte words.
    #[error("a body must be a TL object: whole 4-byte words, at least one")]
    MalformedBody,
}

/// Why an incoming packet was dropped. No state changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientReceiveError {
    /// The packet did not decrypt under the session's key.
    #[error("decryption failed: {0}")]
    Crypto(#[from] CryptoError),
    /// The decrypted plaintext is not a valid envelope.
    #[error("malformed envelope: {0}")]
    Decode(#[from] DecodeError),
    /// The envelope names another session.
    #[error("packet for session {found:#018x}, this is {expected:#018x}")]
    WrongSession {
        /// This session's id.
        expected: SessionId,
        /// The session id the envelope carries.
        found: SessionId,
    },
    /// The msg_id's residue mod 4 is not a server's (1: response, 3: notification).
    #[error("server msg_id {msg_id:#018x} is not 1 or 3 mod 4")]
    BadServerMsgId {
        /// The refused msg_id.
        msg_id: u64,
    },
}

/// What the layers above get from an incoming packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The answer to the request sent as `req_msg_id` (may be an `rpc_error`).
    RpcResult {
        /// The msg_id of the request answered.
        req_msg_id: u64,
        /// The encoded answer object.
        result: Vec<u8>,
    },
    /// A content message the server sent on its own (updates, notices).
    Notification {
        /// The server's msg_id of the message.
        msg_id: u64,
        /// The message's TL-encoded body.
        body: Vec<u8>,
    },
    /// The server created a new session: updates may have been missed.
    NewSessionCreated {
        /// The msg_id of the first message the server saw in the new session.
        first_msg_id: u64,
        /// The server salt now current, already adopted.
        server_salt: u64,
    },
    /// The server refused message `old_msg_id`; its content goes out again
    /// as `new_msg_id`, which is what its `rpc_result` will name.
    Reissued {
        /// The msg_id the server refused.
        old_msg_id: u64,
        /// The msg_id the content is sent again under.
        new_msg_id: u64,
    },
}
