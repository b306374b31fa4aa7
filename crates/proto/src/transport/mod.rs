//! Transport state per (auth key, session): message ids, seqnos, salts,
//! the replay window, bad-message codes, acknowledgements and resends.
//!
//! [`ServerTransport`] is a datacenter's side (many keys, many sessions);
//! [`ClientSession`] is one app instance's side of one session. Both are
//! sans-IO: packets in and out as bytes, time as `now`.

pub mod client;
pub mod events;
pub mod msg_id;
pub mod replay;
pub mod salt;
pub mod seqno;
pub mod server;
pub mod server_session;

pub use client::{ClientReceiveError, ClientSession, Delivery, SendError};
pub use events::TransportEvent;
pub use msg_id::{msg_id_instant, msg_id_unix_seconds, MsgIdGenerator, MsgIdKind};
pub use replay::{IdStatus, ReplayWindow, REPLAY_WINDOW_MESSAGES};
pub use salt::SaltSchedule;
pub use seqno::SeqNoCounter;
pub use server::{
    sealed_body_bytes, Outgoing, ReceiveError, Received, SealError, ServerTransport, CONTAINER_HEADER_BYTES,
    CONTAINER_ITEM_OVERHEAD_BYTES,
};
pub use server_session::{Processed, SaltCheck, ServerSession, MAX_MSG_AGE, MAX_MSG_LEAD};
