//! [`FrameDecoder`]: one connection's incoming bytes, cut into frames.

use super::padded::padded_packet_length;
use super::{
    detect_framing, Detection, Frame, Framing, FramingError, Side, MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, QUICK_ACK_BIT,
};

/// Cuts one connection's incoming byte stream into [`Frame`]s.
///
/// Sans-IO: the caller reads the socket and hands what it read to
/// [`handle_bytes`](FrameDecoder::handle_bytes) (input), then calls
/// [`poll_frame`](FrameDecoder::poll_frame) until it returns `None`
/// (output). Nothing here reads, writes, sleeps or allocates by what a
/// peer announces: a payload is copied out only once all of it has
/// arrived, and at most [`MAX_BUFFERED_BYTES`] are held.
///
/// A server's decoder ([`FrameDecoder::for_server`]) learns the framing
/// from the first bytes; [`framing`](FrameDecoder::framing) then names it,
/// for the [`FrameEncoder`](super::FrameEncoder) of the answers. A
/// client's decoder ([`FrameDecoder::for_client`]) knows it already.
///
/// Any error ends the connection: `poll_frame` returns it once (after the
/// frames that arrived whole before it) and then `None`, and later input
/// is ignored.
#[derive(Debug)]
#[must_use = "a decoder does nothing until bytes are handled and frames polled"]
pub struct FrameDecoder {
    side: Side,
    framing: Option<Framing>,
    buffer: Vec<u8>,
    /// Bytes at the front of `buffer` already decoded.
    consumed: usize,
    /// The full framing's next sequence number from the peer.
    next_sequence: u32,
    /// `handle_bytes` refused input because the buffer was full.
    overflowed: bool,
    /// The error was returned; the connection is over.
    failed: bool,
}

/// A decoded frame and the bytes it took.
type Cut = Option<(Frame, usize)>;

impl FrameDecoder {
    /// A server's decoder: detects the client's framing from its tag.
    pub fn for_server() -> FrameDecoder {
        FrameDecoder::new(Side::Server, None)
    }

    /// A client's decoder for the server's answers in `framing` (they carry no tag).
    pub fn for_client(framing: Framing) -> FrameDecoder {
        FrameDecoder::new(Side::Client, Some(framing))
    }

    fn new(side: Side, framing: Option<Framing>) -> FrameDecoder {
        FrameDecoder {
            side,
            framing,
            buffer: Vec::new(),
            consumed: 0,
            next_sequence: 0,
            overflowed: false,
            failed: false,
        }
    }

    /// The connection's framing, once known.
    pub fn framing(&self) -> Option<Framing> {
        self.framing
    }

    /// Whether an error has ended the connection.
    pub fn has_failed(&self) -> bool {
        self.failed
    }

    /// How many received bytes are held, not yet polled out as frames.
    pub fn buffered_bytes(&self) -> usize {
        self.buffer.len() - self.consumed
    }

    /// Input: bytes read from the connection, in order. Bytes that would
    /// take the buffer over [`MAX_BUFFERED_BYTES`] are refused, and
    /// `poll_frame` then reports [`FramingError::BufferFull`].
    pub fn handle_bytes(&mut self, bytes: &[u8]) {
        if self.failed || self.overflowed || bytes.is_empty() {
            return;
        }
        self.buffer.drain(..self.consumed);
        self.consumed = 0;
        if self.buffer.len().saturating_add(bytes.len()) > MAX_BUFFERED_BYTES {
            self.overflowed = true;
        } else {
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// Output: the next whole frame, `None` when more bytes are needed, or
    /// the error that ends the connection (once).
    #[must_use = "a polled frame or error is consumed"]
    pub fn poll_frame(&mut self) -> Option<Result<Frame, FramingError>> {
        if self.failed {
            return None;
        }
        let outcome = match self.cut() {
            Ok(Some((frame, used_bytes))) => {
                self.consumed += used_bytes;
                return Some(Ok(frame));
            }
            Ok(None) if self.overflowed => FramingError::BufferFull,
            Ok(None) => return None,
            Err(error) => error,
        };
        self.failed = true;
        self.buffer = Vec::new();
        self.consumed = 0;
        Some(Err(outcome))
    }

    /// The next frame in the buffer, if all of it is there.
    fn cut(&mut self) -> Result<Cut, FramingError> {
        let framing = match self.framing {
            Some(framing) => framing,
            None => match detect_framing(&self.buffer[self.consumed..])? {
                Detection::NeedMoreBytes => return Ok(None),
                Detection::Framing { framing, tag_bytes } => {
                    self.framing = Some(framing);
                    self.consumed += tag_bytes;
                    framing
                }
            },
        };
        let available = &self.buffer[self.consumed..];
        match framing {
            Framing::Abridged => cut_abridged(available, self.side),
            Framing::Intermediate | Framing::PaddedIntermediate => cut_intermediate(available, self.side, framing),
            Framing::Full => {
                let cut = cut_full(available, self.next_sequence)?;
                if cut.is_some() {
                    self.next_sequence = self.next_sequence.wrapping_add(1);
                }
                Ok(cut)
            }
        }
    }
}

/// `N` bytes at `offset`, if the buffer holds them.
fn bytes_at<const N: usize>(available: &[u8], offset: usize) -> Option<[u8; N]> {
    let slice = available.get(offset..offset.checked_add(N)?)?;
    let mut out = [0u8; N];
    out.copy_from_slice(slice);
    Some(out)
}

/// A payload length within bounds, checked before waiting for the payload.
fn check_length(length_bytes: usize) -> Result<usize, FramingError> {
    if length_bytes < 4 {
        Err(FramingError::FrameTooShort { length_bytes })
    } else if length_bytes > MAX_PAYLOAD_BYTES {
        Err(FramingError::FrameTooLarge { length_bytes })
    } else {
        Ok(length_bytes)
    }
}

/// A payload as a frame: four bytes are a transport error's code.
fn classify(payload: &[u8], quick_ack_requested: bool) -> Frame {
    match <[u8; 4]>::try_from(payload) {
        Ok(code) => Frame::TransportError {
            code: i32::from_le_bytes(code),
        },
        Err(_) => Frame::Packet {
            payload: payload.to_vec(),
            quick_ack_requested,
        },
    }
}

/// Abridged: `length/4` in one byte (`7f` then three bytes when longer);
/// from a client a set top bit asks for a quick ack, from a server it
/// starts a 4-byte big-endian quick ack.
fn cut_abridged(available: &[u8], side: Side) -> Result<Cut, FramingError> {
    let Some(&first) = available.first() else {
        return Ok(None);
    };
    let marked = first & 0x80 != 0;
    if marked && side == Side::Client {
        return Ok(bytes_at::<4>(available, 0).map(|token| {
            let token = u32::from_be_bytes(token);
            (Frame::QuickAck { token }, 4)
        }));
    }
    let (units, header_bytes) = match first & 0x7f {
        0x7f => match bytes_at::<3>(available, 1) {
            Some([low, middle, high]) => (u32::from_le_bytes([low, middle, high, 0]), 4),
            None => return Ok(None),
        },
        short => (u32::from(short), 1),
    };
    let length_bytes = check_length(units as usize * 4)?;
    Ok(available
        .get(header_bytes..header_bytes + length_bytes)
        .map(|payload| (classify(payload, marked), header_bytes + length_bytes)))
}

/// Intermediate and padded intermediate: a 4-byte little-endian length;
/// from a client its top bit asks for a quick ack, from a server a word
/// with the top bit set is a quick ack.
fn cut_intermediate(available: &[u8], side: Side, framing: Framing) -> Result<Cut, FramingError> {
    let Some(word) = bytes_at::<4>(available, 0).map(u32::from_le_bytes) else {
        return Ok(None);
    };
    let marked = word & QUICK_ACK_BIT != 0;
    if marked && side == Side::Client {
        return Ok(Some((Frame::QuickAck { token: word }, 4)));
    }
    let length_bytes = check_length((word & !QUICK_ACK_BIT) as usize)?;
    if framing == Framing::Intermediate && length_bytes % 4 != 0 {
        return Err(FramingError::NotMultipleOfFour { length_bytes });
    }
    let Some(payload) = available.get(4..4 + length_bytes) else {
        return Ok(None);
    };
    let packet = if framing == Framing::PaddedIntermediate {
        &payload[..padded_packet_length(payload)?]
    } else {
        payload
    };
    Ok(Some((classify(packet, marked), 4 + length_bytes)))
}

/// Full: `length (incl. itself, seq and CRC) ‖ seq ‖ payload ‖ crc32`.
fn cut_full(available: &[u8], expected_sequence: u32) -> Result<Cut, FramingError> {
    let Some(total) = bytes_at::<4>(available, 0).map(u32::from_le_bytes) else {
        return Ok(None);
    };
    let total = total as usize;
    if total % 4 != 0 {
        return Err(FramingError::NotMultipleOfFour { length_bytes: total });
    }
    let payload_bytes = check_length(total.saturating_sub(12))?;
    let Some(frame) = available.get(..12 + payload_bytes) else {
        return Ok(None);
    };
    let (covered, checksum) = frame.split_at(8 + payload_bytes);
    let found = u32::from_le_bytes([checksum[0], checksum[1], checksum[2], checksum[3]]);
    let expected = crc32fast::hash(covered);
    if found != expected {
        return Err(FramingError::BadChecksum { expected, found });
    }
    let sequence = u32::from_le_bytes([covered[4], covered[5], covered[6], covered[7]]);
    if sequence != expected_sequence {
        return Err(FramingError::BadSequence {
            expected: expected_sequence,
            found: sequence,
        });
    }
    Ok(Some((classify(&covered[8..], false), 12 + payload_bytes)))
}
