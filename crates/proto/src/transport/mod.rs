//! Transport state per (auth key, session): message ids, seqnos, salts
//! (the server's schedule, the client's future salts), the replay window,
//! bad-message codes, acknowledgements, resends and the server's cache of
//! unacknowledged answers.
//!
//! [`ServerTransport`] is a datacenter's side (many keys, many sessions);
//! [`ClientSession`] is one app instance's side of one session. Both are
//! sans-IO: packets in and out as bytes, time as `now`.

pub(crate) mod answer_cache;
pub(crate) mod bind_message;
pub(crate) mod client;
pub(crate) mod client_delivery;
pub(crate) mod client_salts;
pub(crate) mod events;
pub(crate) mod held_salts;
pub(crate) mod msg_id;
pub(crate) mod replay;
pub(crate) mod salt;
pub(crate) mod seqno;
pub(crate) mod server;
pub(crate) mod server_session;
pub(crate) mod sync_meter;

pub use bind_message::{open_bind_message, seal_bind_message, BindMessageError, BIND_INNER_BYTES};
pub use client::{ClientReceiveError, ClientSession, Delivery, SelfNamingBody, SendError, RESEND_IN_CONTAINER_AFTER};
pub use client_salts::ClientSalts;
pub use events::TransportEvent;
pub use msg_id::{msg_id_instant, msg_id_unix_seconds, MsgIdGenerator, MsgIdKind};
pub use replay::{IdStatus, ReplayWindow, REPLAY_WINDOW_MESSAGES};
pub use salt::SaltSchedule;
pub use seqno::SeqNoCounter;
pub(crate) use server::KEY_STATE_BYTES;
pub use server::{
    sealed_body_bytes, Outgoing, ReceiveError, Received, SealError, ServerTransport, CONTAINER_HEADER_BYTES,
    CONTAINER_ITEM_OVERHEAD_BYTES, TRANSPORT_ERROR_UNKNOWN_KEY,
};
pub use server_session::{Processed, SaltCheck, ServerSession, ANSWER_RESEND_AFTER, MAX_MSG_AGE, MAX_MSG_LEAD};
pub use sync_meter::SyncTraffic;
