//! Telegram's TCP transports: how MTProto packets are cut out of a byte
//! stream (core.telegram.org/mtproto/mtproto-transports).
//!
//! A client picks one framing per connection and announces it with its
//! first bytes; a server detects it from them (as Telegram's does) and
//! answers in the same framing:
//!
//! | framing | client's first bytes | one packet |
//! | --- | --- | --- |
//! | [`Framing::Abridged`] | `ef` | `length/4` in 1 byte, or `7f` + 3 bytes LE; payload |
//! | [`Framing::Intermediate`] | `ee ee ee ee` | length (4 LE); payload |
//! | [`Framing::PaddedIntermediate`] | `dd dd dd dd` | length (4 LE) incl. 0–15 random bytes; payload; padding |
//! | [`Framing::Full`] | none | total length (4 LE); seq (4 LE, from 0 per direction); payload; CRC32 (4 LE) |
//!
//! Besides packets, a stream carries quick acks (a 4-byte token with its
//! most significant bit set, server to client) and transport errors (a
//! packet whose payload is one negative `int32`, such as `-404`): both are
//! [`Frame`] variants. Obfuscated2 and HTTP are recognised and refused.
//!
//! [`FrameDecoder`] and [`FrameEncoder`] are sans-IO: bytes in, frames out
//! (and frames in, bytes out), with every size bounded.

mod decoder;
mod detect;
mod encoder;
mod error;
mod padded;

#[cfg(test)]
mod tests;

pub use decoder::FrameDecoder;
pub use detect::{detect_framing, Detection};
pub use encoder::FrameEncoder;
pub use error::FramingError;
pub use padded::{padded_packet_length, MAX_TRANSPORT_PADDING_BYTES};

use crate::crypto::{MAX_PADDING_BYTES, PACKET_HEADER_BYTES};
use crate::wire::MAX_BODY_BYTES;

/// Bytes an encrypted message adds around its body: salt, session id,
/// message id, seqno and length (32), then at most 1024 bytes of padding.
const ENCRYPTED_ENVELOPE_BYTES: usize = 32 + MAX_PADDING_BYTES;

/// The largest MTProto packet a frame may carry: the core's largest body
/// inside an encrypted message, plus the transport padding of
/// [`Framing::PaddedIntermediate`].
pub const MAX_PAYLOAD_BYTES: usize =
    PACKET_HEADER_BYTES + ENCRYPTED_ENVELOPE_BYTES + MAX_BODY_BYTES + MAX_TRANSPORT_PADDING_BYTES;

/// The longest envelope around a payload: [`Framing::Full`]'s length, seq and CRC.
pub const MAX_ENVELOPE_BYTES: usize = 12;

/// How many received bytes a [`FrameDecoder`] holds at most before they
/// are polled out as frames: one largest frame and its envelope, plus a
/// 64 KiB read's worth.
pub const MAX_BUFFERED_BYTES: usize = MAX_PAYLOAD_BYTES + MAX_ENVELOPE_BYTES + (64 << 10);

/// The 4-byte tag an intermediate connection starts with.
pub const INTERMEDIATE_TAG: [u8; 4] = [0xee; 4];
/// The 4-byte tag a padded intermediate connection starts with.
pub const PADDED_INTERMEDIATE_TAG: [u8; 4] = [0xdd; 4];
/// The byte an abridged connection starts with.
pub const ABRIDGED_TAG: u8 = 0xef;

/// Quick acks and quick-ack requests are marked by the most significant
/// bit of a length (or of the token itself).
pub const QUICK_ACK_BIT: u32 = 1 << 31;

/// One of Telegram's TCP transports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Framing {
    /// One byte of `length / 4` (or `7f` and three bytes) before each payload.
    Abridged,
    /// Four bytes of length before each payload.
    Intermediate,
    /// Intermediate with 0–15 random bytes after each payload.
    PaddedIntermediate,
    /// Length, sequence number, payload and CRC32.
    Full,
}

impl Framing {
    /// Every framing, for tests and exhaustive loops.
    pub const ALL: [Framing; 4] = [
        Framing::Abridged,
        Framing::Intermediate,
        Framing::PaddedIntermediate,
        Framing::Full,
    ];

    /// The bytes a client sends before its first frame.
    pub fn tag(self) -> &'static [u8] {
        match self {
            Framing::Abridged => &[ABRIDGED_TAG],
            Framing::Intermediate => &INTERMEDIATE_TAG,
            Framing::PaddedIntermediate => &PADDED_INTERMEDIATE_TAG,
            Framing::Full => &[],
        }
    }

    /// Whether the framing can carry quick acks and quick-ack requests.
    pub fn supports_quick_ack(self) -> bool {
        self != Framing::Full
    }
}

/// Which end of the connection a decoder or encoder serves: it decides
/// who sends the tag and what a set most significant bit means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Side {
    /// Sends the tag; receives quick acks.
    Client,
    /// Detects the tag; receives quick-ack requests.
    Server,
}

/// What a decoder cuts out of the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// An MTProto packet (transport padding already removed).
    Packet {
        /// The packet: `auth_key_id ‖ …`, as the MTProto layer reads it.
        payload: Vec<u8>,
        /// The client asked for a quick ack (client to server only).
        quick_ack_requested: bool,
    },
    /// A quick ack (server to client only): the token as sent, its most
    /// significant bit set.
    QuickAck {
        /// The first 32 bits of the SHA-256 the packet's `msg_key` was cut
        /// from, with [`QUICK_ACK_BIT`] set.
        token: u32,
    },
    /// A packet whose whole payload is one `int32`: a transport error such
    /// as `-404` (no such auth key) or `-429` (flood).
    TransportError {
        /// The error code, negative as Telegram sends it.
        code: i32,
    },
}
