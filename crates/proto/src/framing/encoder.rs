//! [`FrameEncoder`]: one connection's outgoing frames, as bytes.

use rand_core::RngCore;

use super::{Frame, Framing, FramingError, Side, MAX_PAYLOAD_BYTES, MAX_TRANSPORT_PADDING_BYTES, QUICK_ACK_BIT};

/// Turns one connection's outgoing [`Frame`]s into bytes in one framing.
///
/// Sans-IO: each `encode*` call appends the bytes to send to `out`; the
/// caller writes them to the socket in order. A client's encoder puts the
/// framing's tag before its first frame; a server's encoder
/// ([`FrameEncoder::for_server`] with the framing its
/// [`FrameDecoder`](super::FrameDecoder) detected) sends none.
///
/// Encoding errors are the caller's: a payload that is empty, not whole
/// 4-byte words, or too long, or a quick ack the framing or the direction
/// cannot carry. Nothing is appended then.
#[derive(Debug)]
#[must_use = "an encoder does nothing until frames are encoded"]
pub struct FrameEncoder {
    framing: Framing,
    side: Side,
    tag_pending: bool,
    next_sequence: u32,
}

impl FrameEncoder {
    /// A client's encoder: the tag goes before the first frame.
    pub fn for_client(framing: Framing) -> FrameEncoder {
        FrameEncoder {
            framing,
            side: Side::Client,
            tag_pending: true,
            next_sequence: 0,
        }
    }

    /// A server's encoder, answering in the framing the client chose.
    pub fn for_server(framing: Framing) -> FrameEncoder {
        FrameEncoder {
            framing,
            side: Side::Server,
            tag_pending: false,
            next_sequence: 0,
        }
    }

    /// The framing this encoder writes.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Append one MTProto packet. `rng` draws padded intermediate's 0–15
    /// random bytes; the other framings draw nothing.
    pub fn encode_packet(
        &mut self,
        payload: &[u8],
        rng: &mut impl RngCore,
        out: &mut Vec<u8>,
    ) -> Result<(), FramingError> {
        self.write_payload(payload, false, rng, out)
    }

    /// Append any frame: a packet (a client may ask for a quick ack), a
    /// quick ack (server only) or a transport error.
    pub fn encode(&mut self, frame: &Frame, rng: &mut impl RngCore, out: &mut Vec<u8>) -> Result<(), FramingError> {
        match frame {
            Frame::Packet {
                payload,
                quick_ack_requested,
            } => {
                if *quick_ack_requested && (self.side == Side::Server || !self.framing.supports_quick_ack()) {
                    return Err(FramingError::UnexpectedQuickAck);
                }
                self.write_payload(payload, *quick_ack_requested, rng, out)
            }
            Frame::QuickAck { token } => self.encode_quick_ack(*token, out),
            Frame::TransportError { code } => {
                self.encode_transport_error(*code, out);
                Ok(())
            }
        }
    }

    /// Append a quick ack (server to client): `token` gets its most
    /// significant bit set; abridged sends it big-endian, the
    /// intermediates little-endian, full has none.
    pub fn encode_quick_ack(&mut self, token: u32, out: &mut Vec<u8>) -> Result<(), FramingError> {
        if self.side == Side::Client || !self.framing.supports_quick_ack() {
            return Err(FramingError::UnexpectedQuickAck);
        }
        let token = token | QUICK_ACK_BIT;
        match self.framing {
            Framing::Abridged => out.extend_from_slice(&token.to_be_bytes()),
            _ => out.extend_from_slice(&token.to_le_bytes()),
        }
        Ok(())
    }

    /// Append a transport error: a packet whose payload is the `int32`
    /// `code` (never padded).
    pub fn encode_transport_error(&mut self, code: i32, out: &mut Vec<u8>) {
        self.write_frame(&code.to_le_bytes(), false, &[], out);
    }

    fn write_payload(
        &mut self,
        payload: &[u8],
        quick_ack_requested: bool,
        rng: &mut impl RngCore,
        out: &mut Vec<u8>,
    ) -> Result<(), FramingError> {
        let length_bytes = payload.len();
        if length_bytes < 4 {
            return Err(FramingError::FrameTooShort { length_bytes });
        }
        if length_bytes > MAX_PAYLOAD_BYTES - MAX_TRANSPORT_PADDING_BYTES {
            return Err(FramingError::FrameTooLarge { length_bytes });
        }
        if length_bytes % 4 != 0 {
            return Err(FramingError::NotMultipleOfFour { length_bytes });
        }
        let mut padding = [0u8; MAX_TRANSPORT_PADDING_BYTES];
        let padding_bytes = if self.framing == Framing::PaddedIntermediate {
            let count = (rng.next_u32() as usize) % (MAX_TRANSPORT_PADDING_BYTES + 1);
            rng.fill_bytes(&mut padding[..count]);
            count
        } else {
            0
        };
        self.write_frame(payload, quick_ack_requested, &padding[..padding_bytes], out);
        Ok(())
    }

    /// The envelope around a checked payload.
    fn write_frame(&mut self, payload: &[u8], quick_ack_requested: bool, padding: &[u8], out: &mut Vec<u8>) {
        if self.tag_pending {
            out.extend_from_slice(self.framing.tag());
            self.tag_pending = false;
        }
        let length_bytes = payload.len() + padding.len();
        // Checked lengths are under 2^21, so they fit every length field.
        let length = length_bytes as u32;
        match self.framing {
            Framing::Abridged => {
                let units = length / 4;
                let mark = if quick_ack_requested { 0x80 } else { 0 };
                if units < 0x7f {
                    out.push(units as u8 | mark);
                } else {
                    out.push(0x7f | mark);
                    out.extend_from_slice(&units.to_le_bytes()[..3]);
                }
                out.extend_from_slice(payload);
            }
            Framing::Intermediate | Framing::PaddedIntermediate => {
                let mark = if quick_ack_requested { QUICK_ACK_BIT } else { 0 };
                out.extend_from_slice(&(length | mark).to_le_bytes());
                out.extend_from_slice(payload);
                out.extend_from_slice(padding);
            }
            Framing::Full => {
                let start = out.len();
                out.extend_from_slice(&(length + 12).to_le_bytes());
                out.extend_from_slice(&self.next_sequence.to_le_bytes());
                out.extend_from_slice(payload);
                let checksum = crc32fast::hash(&out[start..]);
                out.extend_from_slice(&checksum.to_le_bytes());
                self.next_sequence = self.next_sequence.wrapping_add(1);
            }
        }
    }
}
