//! Padded intermediate: where the MTProto packet ends inside a payload
//! that carries 0–15 random bytes after it.
//!
//! The padding's length is not sent; the packet's own shape gives it. A
//! plaintext packet (`auth_key_id = 0`) says its length in
//! `message_data_length`; an encrypted one is `auth_key_id ‖ msg_key` (24
//! bytes) and whole 16-byte blocks; a transport error is 4 bytes.

use super::FramingError;
use crate::crypto::{BLOCK_BYTES, PACKET_HEADER_BYTES};

/// The most random bytes padded intermediate puts after a packet.
pub const MAX_TRANSPORT_PADDING_BYTES: usize = 15;

/// `auth_key_id (8) ‖ message_id (8) ‖ message_data_length (4)`.
const PLAINTEXT_HEADER_BYTES: usize = 20;

/// How long the MTProto packet at the start of a padded payload is.
pub fn padded_packet_length(payload: &[u8]) -> Result<usize, FramingError> {
    let length_bytes = payload.len();
    let bad = FramingError::BadPadding { length_bytes };
    if length_bytes < 8 {
        // Only a transport error is this short, and it is never padded.
        return if length_bytes == 4 { Ok(4) } else { Err(bad) };
    }
    let packet_length = if payload[..8] == [0; 8] {
        let Some(length_field) = payload.get(16..PLAINTEXT_HEADER_BYTES) else {
            return Err(bad);
        };
        let mut word = [0u8; 4];
        word.copy_from_slice(length_field);
        let data_length = u32::from_le_bytes(word) as usize;
        if data_length % 4 != 0 {
            return Err(bad);
        }
        PLAINTEXT_HEADER_BYTES.saturating_add(data_length)
    } else {
        let blocks = length_bytes.saturating_sub(PACKET_HEADER_BYTES) / BLOCK_BYTES;
        if blocks == 0 {
            return Err(bad);
        }
        PACKET_HEADER_BYTES + blocks * BLOCK_BYTES
    };
    if packet_length <= length_bytes && length_bytes - packet_length <= MAX_TRANSPORT_PADDING_BYTES {
        Ok(packet_length)
    } else {
        Err(bad)
    }
}
