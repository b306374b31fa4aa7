//! Why a byte stream (or a payload to send) does not fit a framing.

use super::{MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES};

/// A framing failure. Every decoding variant is the peer's doing and ends
/// the connection: the decoder returns the same error from then on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// The first bytes are an obfuscated2 header (random, with a non-zero
    /// second word): that transport is not supported.
    #[error("the connection starts with an obfuscated2 header, which is not supported")]
    Obfuscated,
    /// The first bytes are an HTTP request (`POST`, `GET `, `HEAD`, `OPTI`).
    #[error("the connection starts with an HTTP request, which is not supported")]
    Http,
    /// The first bytes are a TLS record (MTProxy's fake TLS).
    #[error("the connection starts with a TLS record, which is not supported")]
    Tls,
    /// A frame announces more than [`MAX_PAYLOAD_BYTES`].
    #[error("a frame of {length_bytes} bytes is over the {MAX_PAYLOAD_BYTES}-byte limit")]
    FrameTooLarge {
        /// The announced payload length.
        length_bytes: usize,
    },
    /// A frame is too short to hold anything (payloads are at least 4 bytes).
    #[error("a frame of {length_bytes} bytes is too short")]
    FrameTooShort {
        /// The announced payload length.
        length_bytes: usize,
    },
    /// A length that must be a multiple of 4 is not.
    #[error("a frame length of {length_bytes} bytes is not a multiple of 4")]
    NotMultipleOfFour {
        /// The offending length.
        length_bytes: usize,
    },
    /// A full-framing packet's CRC32 does not match its bytes.
    #[error("CRC32 {found:#010x} does not match the computed {expected:#010x}")]
    BadChecksum {
        /// The CRC32 of the length, seq and payload as received.
        expected: u32,
        /// The CRC32 the frame carries.
        found: u32,
    },
    /// A full-framing packet's sequence number is not the next one.
    #[error("sequence number {found} where {expected} was due")]
    BadSequence {
        /// The next number in this direction.
        expected: u32,
        /// The number the frame carries.
        found: u32,
    },
    /// A padded-intermediate payload is neither a plaintext nor an
    /// encrypted MTProto packet followed by at most 15 bytes of padding.
    #[error("a padded payload of {length_bytes} bytes holds no MTProto packet")]
    BadPadding {
        /// The payload length, padding included.
        length_bytes: usize,
    },
    /// The peer sent a quick ack or a quick-ack request where the framing
    /// or the direction has none.
    #[error("a quick ack where none can come")]
    UnexpectedQuickAck,
    /// More than [`MAX_BUFFERED_BYTES`] arrived without being polled out.
    #[error("more than {MAX_BUFFERED_BYTES} bytes are buffered")]
    BufferFull,
}
