//! The plaintext inside an encrypted packet:
//! `salt (8) ‖ session_id (8) ‖ msg_id (8) ‖ seq_no (4) ‖ length (4) ‖ body ‖ padding`.

use super::codec::{DecodeError, Reader, Writer, MAX_BODY_BYTES};
use crate::crypto::{MAX_PADDING_BYTES, MIN_PADDING_BYTES};

/// Bytes before the body in the plaintext.
pub const ENVELOPE_HEADER_BYTES: usize = 32;

/// One message: an id, a sequence number and a TL-encoded body.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message {
    /// The message id: roughly the sender's Unix time × 2³², its low bits telling client from server messages.
    pub msg_id: u64,
    /// The sequence number: twice the content-related messages sent before, plus one if this one is
    /// content-related.
    pub seq_no: u32,
    /// The TL-encoded body, a multiple of 4 bytes.
    pub body: Vec<u8>,
}

impl Message {
    /// The body's constructor id, if the body has one.
    pub fn constructor(&self) -> Option<u32> {
        Reader::new(&self.body).u32().ok()
    }
}

/// The decrypted plaintext of one packet (padding excluded).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Envelope {
    /// The server salt the sender believes current.
    pub salt: u64,
    /// The random id the client chose for its session.
    pub session_id: u64,
    /// The one message the packet carries (a container holds more).
    pub message: Message,
}

impl Envelope {
    /// Encode without padding; the crypto layer adds it.
    ///
    /// # Panics
    /// When the body is longer than [`MAX_BODY_BYTES`] or not a multiple of
    /// 4 bytes: TL objects always are, so that is an encoder bug.
    pub fn encode(&self) -> Vec<u8> {
        let body = &self.message.body;
        assert!(body.len() <= MAX_BODY_BYTES, "message body over the limit");
        assert!(body.len() % 4 == 0, "TL bodies are multiples of 4 bytes");
        let mut writer = Writer::with_capacity(ENVELOPE_HEADER_BYTES + body.len());
        writer
            .u64(self.salt)
            .u64(self.session_id)
            .u64(self.message.msg_id)
            .u32(self.message.seq_no)
            .u32(body.len() as u32)
            .raw(body);
        writer.finish()
    }

    /// Decode plaintext followed by 12..=1024 bytes of padding.
    pub fn decode(padded_plaintext: &[u8]) -> Result<Envelope, DecodeError> {
        let header = EnvelopeHeader::read(padded_plaintext)?;
        let body = padded_plaintext[ENVELOPE_HEADER_BYTES..ENVELOPE_HEADER_BYTES + header.length].to_vec();
        Ok(header.with_body(body))
    }

    /// [`decode`](Self::decode) a buffer the caller gives up: the body is
    /// the buffer itself, moved down over the header, not a copy (every
    /// packet a run receives is decoded, and the copy was one allocation
    /// of each).
    pub fn decode_owned(mut padded_plaintext: Vec<u8>) -> Result<Envelope, DecodeError> {
        let header = EnvelopeHeader::read(&padded_plaintext)?;
        padded_plaintext.truncate(ENVELOPE_HEADER_BYTES + header.length);
        padded_plaintext.drain(..ENVELOPE_HEADER_BYTES);
        Ok(header.with_body(padded_plaintext))
    }
}

/// The checked fields before the body, and the body's length.
struct EnvelopeHeader {
    salt: u64,
    session_id: u64,
    msg_id: u64,
    seq_no: u32,
    length: usize,
}

impl EnvelopeHeader {
    fn read(padded_plaintext: &[u8]) -> Result<EnvelopeHeader, DecodeError> {
        let mut reader = Reader::new(padded_plaintext);
        let salt = reader.u64()?;
        let session_id = reader.u64()?;
        let msg_id = reader.u64()?;
        let seq_no = reader.u32()?;
        let length = reader.u32()? as usize;
        if length > MAX_BODY_BYTES {
            return Err(DecodeError::TooLong {
                what: "message body",
                length,
                limit: MAX_BODY_BYTES,
            });
        }
        if length % 4 != 0 {
            return Err(DecodeError::Invalid {
                field: "length",
                detail: format!("{length} is not a multiple of 4"),
            });
        }
        reader.take(length)?;
        let padding = reader.remaining();
        if !(MIN_PADDING_BYTES..=MAX_PADDING_BYTES).contains(&padding) {
            return Err(DecodeError::Invalid {
                field: "padding",
                detail: format!("{padding} bytes, expected 12..=1024"),
            });
        }
        Ok(EnvelopeHeader {
            salt,
            session_id,
            msg_id,
            seq_no,
            length,
        })
    }

    fn with_body(self, body: Vec<u8>) -> Envelope {
        debug_assert_eq!(body.len(), self.length);
        Envelope {
            salt: self.salt,
            session_id: self.session_id,
            message: Message {
                msg_id: self.msg_id,
                seq_no: self.seq_no,
                body,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Envelope {
        Envelope {
            salt: 0x1122_3344_5566_7788,
            session_id: 42,
            message: Message {
                msg_id: 0x6000_0000_0000_0004,
                seq_no: 1,
                body: vec![1, 2, 3, 4],
            },
        }
    }

    #[test]
    fn encode_then_decode_with_padding() {
        let mut bytes = sample().encode();
        assert_eq!(bytes.len(), ENVELOPE_HEADER_BYTES + 4);
        bytes.extend_from_slice(&[0; 12]);
        assert_eq!(Envelope::decode(&bytes), Ok(sample()));
    }

    #[test]
    fn rejects_missing_padding_bad_length_and_overlong_body() {
        let bytes = sample().encode();
        assert!(matches!(
            Envelope::decode(&bytes),
            Err(DecodeError::Invalid { field: "padding", .. })
        ));
        let mut odd = bytes.clone();
        odd[28] = 3;
        odd.extend_from_slice(&[0; 16]);
        assert!(matches!(
            Envelope::decode(&odd),
            Err(DecodeError::Invalid { field: "length", .. })
        ));
        let mut huge = bytes;
        huge[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(Envelope::decode(&huge), Err(DecodeError::TooLong { .. })));
    }

    proptest::proptest! {
        /// The owned decoder is the borrowed one without the copy: the same
        /// envelope or the same error for any bytes, well formed or not.
        #[test]
        fn the_owned_decoder_agrees_with_the_borrowed_one(
            body_words in 0usize..40,
            padding in 0usize..1100,
            corrupt in proptest::option::of((0usize..40, proptest::num::u8::ANY)),
        ) {
            let mut envelope = sample();
            envelope.message.body = (0..body_words * 4).map(|index| index as u8).collect();
            let mut bytes = envelope.encode();
            bytes.extend(std::iter::repeat_n(7u8, padding));
            if let Some((index, value)) = corrupt {
                if let Some(byte) = bytes.get_mut(index) {
                    *byte = value;
                }
            }
            proptest::prop_assert_eq!(Envelope::decode_owned(bytes.clone()), Envelope::decode(&bytes));
        }
    }
}
