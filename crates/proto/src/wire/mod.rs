//! Wire codecs: the packet envelope, TL primitives and the service-message
//! bodies of the transport layer. Decoding never panics and never allocates
//! more than the input justifies; encode∘decode is the identity.

pub mod api;
pub(crate) mod codec;
pub(crate) mod envelope;
pub(crate) mod gzip;
pub(crate) mod ids;
pub(crate) mod service;
pub(crate) mod traffic;

pub use codec::{DecodeError, Reader, Writer, MAX_BODY_BYTES};
pub use envelope::{Envelope, Message, ENVELOPE_HEADER_BYTES};
pub use gzip::{pack_gzip, unpack_gzip};
pub use ids::{PRIVATE_ID_FIRST, PRIVATE_ID_LAST};
pub use service::{
    BadMsgCode, Body, FutureSalt, MAX_ACK_IDS, MAX_CONTAINER_MESSAGES, MAX_FUTURE_SALTS, MSG_STATE_ANSWERED,
    MSG_STATE_NOT_RECEIVED, MSG_STATE_NOT_RECEIVED_YET, MSG_STATE_RECEIVED, MSG_STATE_UNKNOWN,
};
pub use traffic::{is_sync_push, is_sync_request, named_ids, NamedIds};
