//! Telegram's `message`, reduced to a text message in a private chat: the
//! form in which the sync layer's updates reach a client (inside
//! `updateNewMessage`, see [`super::update`]).
//!
//! ```text
//! message#7600b9d3 flags:# out:flags.1?true ... flags2:# ... id:int
//!   from_id:flags.8?Peer ... peer_id:Peer ... date:int message:string
//!   media:flags.9?MessageMedia ... = Message;
//! peerUser#59511722 user_id:long = Peer;
//! ```
//!
//! The whole layer-229 definition is in [`super::schema::PUBLIC_DEFINITIONS`].
//! The project writes `flags = 0`, `flags2 = 0`, the `id`, a `peerUser`,
//! the `date` and the text: every conditional field is absent. Decoding
//! accepts exactly that — a set flag bit is [`DecodeError::Invalid`], a
//! `Peer` other than `peerUser` is [`DecodeError::UnknownConstructor`] —
//! and the text is at most [`MAX_MESSAGE_TEXT_BYTES`] of UTF-8.

use super::limits::MAX_MESSAGE_TEXT_BYTES;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{read_flags, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// A text message in a private chat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Message {
    /// The message id.
    pub id: i32,
    /// `peer_id`: the `peerUser` of the chat.
    pub peer_user_id: i64,
    /// Unix seconds.
    pub date: i32,
    /// `message`: the text.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_MESSAGE_TEXT_BYTES>))]
    pub text: String,
}

impl TlObject for Message {
    const NAME: &'static str = "Message";
    // id, flags, flags2, id, peerUser, date, empty text.
    const MIN_BYTES: usize = 4 + 4 + 4 + 4 + 12 + 4 + 4;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::MESSAGE)
            .u32(0)
            .u32(0)
            .i32(self.id)
            .u32(ids::PEER_USER)
            .i64(self.peer_user_id)
            .i32(self.date)
            .string(&self.text);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::MESSAGE, Self::NAME)?;
        read_flags(reader, 0, "message.flags")?;
        read_flags(reader, 0, "message.flags2")?;
        let id = reader.i32()?;
        reader.expect_constructor(ids::PEER_USER, "Peer")?;
        Ok(Message {
            id,
            peer_user_id: reader.i64()?,
            date: reader.i32()?,
            text: reader.string(MAX_MESSAGE_TEXT_BYTES)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Message {
        Message {
            id: 3,
            peer_user_id: 42,
            date: 1_767_225_600,
            text: "hi".into(),
        }
    }

    #[test]
    fn message_layout_is_byte_exact() {
        let encoded = sample().encode();
        assert_eq!(
            hex::encode(&encoded),
            concat!(
                "d3b90076", // message#7600b9d3
                "00000000",
                "00000000", // flags, flags2
                "03000000", // id
                "22175159",
                "2a00000000000000", // peerUser#59511722 42
                "00b95569",         // date
                "02686900",         // "hi"
            )
        );
        assert_eq!(encoded.len(), Message::MIN_BYTES);
        assert_eq!(Message::decode(&encoded), Ok(sample()));
    }

    #[test]
    fn malformed_messages_are_errors() {
        let encoded = sample().encode();
        for end in 0..encoded.len() {
            assert!(Message::decode(&encoded[..end]).is_err(), "{end}");
        }
        let mut media = encoded.clone();
        media[5] = 0x02; // flags.9: media, not modelled
        assert!(matches!(
            Message::decode(&media),
            Err(DecodeError::Invalid {
                field: "message.flags",
                ..
            })
        ));
        let mut flags2 = encoded.clone();
        flags2[8] = 1; // flags2.0: via_business_bot_id
        assert!(matches!(
            Message::decode(&flags2),
            Err(DecodeError::Invalid {
                field: "message.flags2",
                ..
            })
        ));
        let mut channel = encoded.clone();
        channel[16..20].copy_from_slice(&0xa2a5_371eu32.to_le_bytes()); // peerChannel
        assert!(matches!(
            Message::decode(&channel),
            Err(DecodeError::UnknownConstructor { context: "Peer", .. })
        ));
        let long = Message {
            text: "x".repeat(MAX_MESSAGE_TEXT_BYTES + 1),
            ..sample()
        };
        assert!(matches!(
            Message::decode(&long.encode()),
            Err(DecodeError::TooLong { .. })
        ));
        let mut invalid_utf8 = encoded;
        invalid_utf8[33] = 0xff; // inside "hi"
        assert!(matches!(
            Message::decode(&invalid_utf8),
            Err(DecodeError::Invalid { .. })
        ));
    }
}
