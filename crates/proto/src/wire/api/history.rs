//! `messages.getHistory` and its `messages.Messages` answers: how a client
//! reloads its history after `updates.differenceTooLong` (the full resync
//! of core.telegram.org/api/updates, done through public methods).
//!
//! ```text
//! messages.getHistory#4423e6c5 peer:InputPeer offset_id:int offset_date:int
//!   add_offset:int limit:int max_id:int min_id:int hash:long = messages.Messages;
//! inputPeerSelf#7da07ec9 = InputPeer;
//! messages.messages#1d73e7ea messages:Vector<Message> topics:Vector<ForumTopic>
//!   chats:Vector<Chat> users:Vector<User> = messages.Messages;
//! messages.messagesSlice#5f206716 flags:# inexact:flags.1?true count:int
//!   next_rate:flags.0?int offset_id_offset:flags.2?int
//!   search_flood:flags.3?SearchPostsFlood messages:Vector<Message>
//!   topics:Vector<ForumTopic> chats:Vector<Chat> users:Vector<User> = messages.Messages;
//! ```
//!
//! The sync layer's updates are messages of the account's own chat, so the
//! only peer modelled is `inputPeerSelf`; any other `InputPeer` decodes to
//! [`DecodeError::UnknownConstructor`]. `topics` and `chats` are always
//! written empty (a non-empty one is [`DecodeError::Invalid`]), and of the
//! slice's flags only `inexact` is accepted.

use super::limits::{MAX_UPDATES, MAX_USERS};
use super::message::Message;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_empty_vector, read_flags, read_vector, unknown, write_empty_vector, write_vector};
use super::object::{Bare, TlObject};
use super::user::User;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// `messages.getHistory` of the account's own chat (`inputPeerSelf`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct GetHistory {
    /// Messages older than this id (0: from the newest).
    pub offset_id: i32,
    /// Messages older than this date (0: any).
    pub offset_date: i32,
    /// Skip this many from the offset (negative: newer ones too).
    pub add_offset: i32,
    /// At most this many messages (Telegram serves at most 100).
    pub limit: i32,
    /// Only ids below this (0: no bound).
    pub max_id: i32,
    /// Only ids above this (0: no bound).
    pub min_id: i32,
    /// The list hash (api/offsets) of the ids the client holds; 0 for none.
    pub hash: i64,
}

impl Bare for GetHistory {
    const ID: u32 = ids::MESSAGES_GET_HISTORY;
    const NAME: &'static str = "messages.getHistory";
    const MIN_BODY_BYTES: usize = 4 + 6 * 4 + 8;

    fn write_body(&self, writer: &mut Writer) {
        writer
            .u32(ids::INPUT_PEER_SELF)
            .i32(self.offset_id)
            .i32(self.offset_date)
            .i32(self.add_offset)
            .i32(self.limit)
            .i32(self.max_id)
            .i32(self.min_id)
            .i64(self.hash);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::INPUT_PEER_SELF => {}
            constructor => return Err(unknown(constructor, "InputPeer")),
        }
        Ok(GetHistory {
            offset_id: reader.i32()?,
            offset_date: reader.i32()?,
            add_offset: reader.i32()?,
            limit: reader.i32()?,
            max_id: reader.i32()?,
            min_id: reader.i32()?,
            hash: reader.i64()?,
        })
    }
}

/// `messages.Messages`: a page of history, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Messages {
    /// `messages.messages`: every message the query matches.
    All {
        /// The messages, newest first.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<Message, MAX_UPDATES>))]
        messages: Vec<Message>,
        /// The users they mention.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<User, MAX_USERS>))]
        users: Vec<User>,
    },
    /// `messages.messagesSlice`: the first `messages` of `count`.
    Slice {
        /// flags.1: `count` is approximate.
        inexact: bool,
        /// How many messages the query matches in all.
        count: i32,
        /// The messages, newest first.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<Message, MAX_UPDATES>))]
        messages: Vec<Message>,
        /// The users they mention.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<User, MAX_USERS>))]
        users: Vec<User>,
    },
}

impl Messages {
    /// The messages of the page, newest first.
    pub fn messages(&self) -> &[Message] {
        match self {
            Messages::All { messages, .. } | Messages::Slice { messages, .. } => messages,
        }
    }
}

/// `topics`, `chats`, then `users` (the tail both constructors share).
fn write_tail(writer: &mut Writer, users: &[User]) {
    write_empty_vector(writer);
    write_empty_vector(writer);
    write_vector(writer, users);
}

fn read_tail(reader: &mut Reader<'_>) -> Result<Vec<User>, DecodeError> {
    read_empty_vector(reader, "messages.messages.topics")?;
    read_empty_vector(reader, "messages.messages.chats")?;
    read_vector(reader, MAX_USERS)
}

impl TlObject for Messages {
    const NAME: &'static str = "messages.Messages";
    // Constructor and four vector headers.
    const MIN_BYTES: usize = 4 + 4 * 8;

    fn write(&self, writer: &mut Writer) {
        match self {
            Messages::All { messages, users } => {
                writer.u32(ids::MESSAGES_MESSAGES);
                write_vector(writer, messages);
                write_tail(writer, users);
            }
            Messages::Slice {
                inexact,
                count,
                messages,
                users,
            } => {
                writer
                    .u32(ids::MESSAGES_MESSAGES_SLICE)
                    .u32(bit(*inexact, 1))
                    .i32(*count);
                write_vector(writer, messages);
                write_tail(writer, users);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::MESSAGES_MESSAGES => {
                let messages = read_vector(reader, MAX_UPDATES)?;
                Ok(Messages::All {
                    messages,
                    users: read_tail(reader)?,
                })
            }
            ids::MESSAGES_MESSAGES_SLICE => {
                let flags = read_flags(reader, 0b10, "messages.messagesSlice.flags")?;
                let count = reader.i32()?;
                let messages = read_vector(reader, MAX_UPDATES)?;
                Ok(Messages::Slice {
                    inexact: has(flags, 1),
                    count,
                    messages,
                    users: read_tail(reader)?,
                })
            }
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i32) -> Message {
        Message {
            id,
            peer_user_id: 7,
            date: 9,
            text: "hello".into(),
        }
    }

    #[test]
    fn get_history_layout_follows_the_schema() {
        let call = GetHistory {
            limit: 100,
            hash: -1,
            ..GetHistory::default()
        };
        let encoded = call.encode();
        assert_eq!(
            hex::encode(&encoded),
            "c5e62344c97ea07d000000000000000000000000640000000000000000000000ffffffffffffffff"
        );
        assert_eq!(GetHistory::decode(&encoded), Ok(call));
        let mut other_peer = encoded.clone();
        other_peer[4..8].copy_from_slice(&0x3529_7a31u32.to_le_bytes());
        assert!(matches!(
            GetHistory::decode(&other_peer),
            Err(DecodeError::UnknownConstructor { .. })
        ));
    }

    #[test]
    fn pages_round_trip_with_empty_topics_and_chats() {
        let all = Messages::All {
            messages: vec![message(2), message(1)],
            users: vec![],
        };
        let slice = Messages::Slice {
            inexact: true,
            count: 300,
            messages: vec![message(3)],
            users: vec![User {
                id: 7,
                ..User::default()
            }],
        };
        assert_eq!(
            slice.encode()[..12],
            hex::decode("1667205f020000002c010000").unwrap()[..]
        );
        for page in [all, slice] {
            assert_eq!(Messages::decode(&page.encode()), Ok(page.clone()));
            assert!(!page.messages().is_empty());
        }
        let mut unknown_flag = Messages::Slice {
            inexact: false,
            count: 0,
            messages: vec![],
            users: vec![],
        }
        .encode();
        unknown_flag[4] = 1; // next_rate
        assert!(matches!(
            Messages::decode(&unknown_flag),
            Err(DecodeError::Invalid { .. })
        ));
    }
}
