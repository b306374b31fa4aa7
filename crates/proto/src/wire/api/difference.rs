//! Batches of updates: the `updates.Difference` answers of
//! `updates.getDifference`, and the `Updates` containers the server pushes.
//!
//! ```text
//! updates.differenceEmpty#5d75a138 date:int seq:int = updates.Difference;
//! updates.difference#f49ca0 new_messages:Vector<Message>
//!   new_encrypted_messages:Vector<EncryptedMessage> other_updates:Vector<Update>
//!   chats:Vector<Chat> users:Vector<User> state:updates.State = updates.Difference;
//! updates.differenceSlice#a8fb1981 new_messages:Vector<Message>
//!   new_encrypted_messages:Vector<EncryptedMessage> other_updates:Vector<Update>
//!   chats:Vector<Chat> users:Vector<User> intermediate_state:updates.State = updates.Difference;
//! updates.differenceTooLong#4afe8f6d pts:int = updates.Difference;
//! updatesTooLong#e317af7e = Updates;
//! updateShort#78d4dec1 update:Update date:int = Updates;
//! updates#74ae4240 updates:Vector<Update> users:Vector<User> chats:Vector<Chat>
//!   date:int seq:int = Updates;
//! updatesCombined#725b04c3 updates:Vector<Update> users:Vector<User>
//!   chats:Vector<Chat> date:int seq_start:int seq:int = Updates;
//! ```
//!
//! Missed messages travel as `updateNewMessage` in `other_updates` (see
//! [`Update::NewMessage`]), not as bare messages in `new_messages`: the
//! sync layer checks each update's `pts`/`pts_count`, which only the update
//! carries, and a stock client applies an `updateNewMessage` from
//! `other_updates` like a pushed one. `new_messages`,
//! `new_encrypted_messages` and `chats` are therefore always written
//! empty; a non-empty one decodes to [`DecodeError::Invalid`].

use super::limits::{MAX_UPDATES, MAX_USERS};
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{read_empty_vector, read_vector, unknown, write_empty_vector, write_vector, TlObject};
use super::update::{Update, UpdatesState};
use super::user::User;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// The body shared by `updates.difference` and `updates.differenceSlice`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct DifferencePart {
    /// The missed updates, in pts order (messages as `updateNewMessage`).
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<Update, MAX_UPDATES>))]
    pub other_updates: Vec<Update>,
    /// The users the updates mention.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<User, MAX_USERS>))]
    pub users: Vec<User>,
    /// The final state (`difference`) or the intermediate one (`differenceSlice`).
    pub state: UpdatesState,
}

impl DifferencePart {
    fn write(&self, writer: &mut Writer) {
        write_empty_vector(writer);
        write_empty_vector(writer);
        write_vector(writer, &self.other_updates);
        write_empty_vector(writer);
        write_vector(writer, &self.users);
        self.state.write(writer);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_empty_vector(reader, "updates.difference.new_messages")?;
        read_empty_vector(reader, "updates.difference.new_encrypted_messages")?;
        let other_updates = read_vector(reader, MAX_UPDATES)?;
        read_empty_vector(reader, "updates.difference.chats")?;
        Ok(DifferencePart {
            other_updates,
            users: read_vector(reader, MAX_USERS)?,
            state: UpdatesState::read(reader)?,
        })
    }
}

/// `updates.Difference`: what the client missed since its state.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Difference {
    /// `updates.differenceEmpty`: nothing missed.
    Empty {
        /// The server's date (Unix seconds).
        date: i32,
        /// The server's current `seq`.
        seq: i32,
    },
    /// `updates.difference`: everything missed, and the new state.
    Full(DifferencePart),
    /// `updates.differenceSlice`: part of it; call again from the state.
    Slice(DifferencePart),
    /// `updates.differenceTooLong`: the gap exceeds `pts_total_limit`;
    /// resynchronise fully from `pts`.
    TooLong {
        /// The server's current pts: the state to resynchronise to.
        pts: i32,
    },
}

impl TlObject for Difference {
    const NAME: &'static str = "updates.Difference";
    const MIN_BYTES: usize = 8;

    fn write(&self, writer: &mut Writer) {
        match self {
            Difference::Empty { date, seq } => {
                writer.u32(ids::UPDATES_DIFFERENCE_EMPTY).i32(*date).i32(*seq);
            }
            Difference::Full(part) => {
                writer.u32(ids::UPDATES_DIFFERENCE);
                part.write(writer);
            }
            Difference::Slice(part) => {
                writer.u32(ids::UPDATES_DIFFERENCE_SLICE);
                part.write(writer);
            }
            Difference::TooLong { pts } => {
                writer.u32(ids::UPDATES_DIFFERENCE_TOO_LONG).i32(*pts);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::UPDATES_DIFFERENCE_EMPTY => Ok(Difference::Empty {
                date: reader.i32()?,
                seq: reader.i32()?,
            }),
            ids::UPDATES_DIFFERENCE => Ok(Difference::Full(DifferencePart::read(reader)?)),
            ids::UPDATES_DIFFERENCE_SLICE => Ok(Difference::Slice(DifferencePart::read(reader)?)),
            ids::UPDATES_DIFFERENCE_TOO_LONG => Ok(Difference::TooLong { pts: reader.i32()? }),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

/// `Updates`: what the server pushes outside any RPC answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Updates {
    /// `updatesTooLong`: too many to push; call `updates.getDifference`.
    TooLong,
    /// `updateShort`: one update without pts bookkeeping of its own.
    Short {
        /// The one update.
        update: Update,
        /// When it happened (Unix seconds).
        date: i32,
    },
    /// `updates`: a batch ordered by `seq` (chats always empty).
    Batch {
        /// The updates of the batch.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<Update, MAX_UPDATES>))]
        updates: Vec<Update>,
        /// The users the updates mention.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<User, MAX_USERS>))]
        users: Vec<User>,
        /// When the batch was sent (Unix seconds).
        date: i32,
        /// The batch's sequence number: update batches sent so far, this one included.
        seq: i32,
    },
    /// `updatesCombined`: several batches in one, covering `seq_start..=seq`
    /// (chats always empty).
    Combined {
        /// The updates of the batches.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<Update, MAX_UPDATES>))]
        updates: Vec<Update>,
        /// The users the updates mention.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<User, MAX_USERS>))]
        users: Vec<User>,
        /// When the batches were sent (Unix seconds).
        date: i32,
        /// The `seq` of the first batch.
        seq_start: i32,
        /// The `seq` of the last batch.
        seq: i32,
    },
}

impl TlObject for Updates {
    const NAME: &'static str = "Updates";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        match self {
            Updates::TooLong => {
                writer.u32(ids::UPDATES_TOO_LONG);
            }
            Updates::Short { update, date } => {
                writer.u32(ids::UPDATE_SHORT);
                update.write(writer);
                writer.i32(*date);
            }
            Updates::Batch {
                updates,
                users,
                date,
                seq,
            } => {
                writer.u32(ids::UPDATES);
                write_vector(writer, updates);
                write_vector(writer, users);
                write_empty_vector(writer);
                writer.i32(*date).i32(*seq);
            }
            Updates::Combined {
                updates,
                users,
                date,
                seq_start,
                seq,
            } => {
                writer.u32(ids::UPDATES_COMBINED);
                write_vector(writer, updates);
                write_vector(writer, users);
                write_empty_vector(writer);
                writer.i32(*date).i32(*seq_start).i32(*seq);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::UPDATES_TOO_LONG => Ok(Updates::TooLong),
            ids::UPDATE_SHORT => Ok(Updates::Short {
                update: Update::read(reader)?,
                date: reader.i32()?,
            }),
            ids::UPDATES => {
                let updates = read_vector(reader, MAX_UPDATES)?;
                let users = read_vector(reader, MAX_USERS)?;
                read_empty_vector(reader, "updates.chats")?;
                Ok(Updates::Batch {
                    updates,
                    users,
                    date: reader.i32()?,
                    seq: reader.i32()?,
                })
            }
            ids::UPDATES_COMBINED => {
                let updates = read_vector(reader, MAX_UPDATES)?;
                let users = read_vector(reader, MAX_USERS)?;
                read_empty_vector(reader, "updatesCombined.chats")?;
                Ok(Updates::Combined {
                    updates,
                    users,
                    date: reader.i32()?,
                    seq_start: reader.i32()?,
                    seq: reader.i32()?,
                })
            }
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::api::message::Message;
    use crate::wire::codec::VECTOR_ID;

    fn new_message(pts: i32) -> Update {
        Update::NewMessage {
            message: Message {
                id: pts,
                peer_user_id: 1,
                date: 2,
                text: "abc".into(),
            },
            pts,
            pts_count: 1,
        }
    }

    fn part() -> DifferencePart {
        DifferencePart {
            other_updates: vec![new_message(1), new_message(2)],
            users: vec![User {
                is_self: false,
                id: 1,
                phone: Some("+1".into()),
            }],
            state: UpdatesState {
                pts: 2,
                ..UpdatesState::default()
            },
        }
    }

    #[test]
    fn short_differences_are_byte_exact() {
        let empty = Difference::Empty { date: 1, seq: 2 };
        assert_eq!(hex::encode(empty.encode()), "38a1755d0100000002000000");
        let too_long = Difference::TooLong { pts: 100 };
        assert_eq!(hex::encode(too_long.encode()), "6d8ffe4a64000000");
        for difference in [empty, too_long] {
            assert_eq!(Difference::decode(&difference.encode()), Ok(difference));
        }
    }

    #[test]
    fn difference_layout_has_empty_unmodelled_vectors() {
        let full = Difference::Full(part());
        let encoded = full.encode();
        assert_eq!(
            hex::encode(&encoded[..20]),
            "a09cf40015c4b51c0000000015c4b51c00000000",
            "id, empty new_messages, empty new_encrypted_messages"
        );
        assert_eq!(hex::encode(&encoded[20..28]), "15c4b51c02000000", "two other_updates");
        assert_eq!(Difference::decode(&encoded), Ok(full));
        let slice = Difference::Slice(part());
        assert_eq!(slice.encode()[..4], ids::UPDATES_DIFFERENCE_SLICE.to_le_bytes());
        assert_eq!(slice.encode()[4..], encoded[4..], "same body, other constructor");
        assert_eq!(Difference::decode(&slice.encode()), Ok(slice));
    }

    #[test]
    fn non_empty_message_vector_is_an_error() {
        let mut writer = Writer::new();
        writer
            .u32(ids::UPDATES_DIFFERENCE)
            .u32(VECTOR_ID)
            .u32(1)
            .u32(0x1234_5678);
        assert!(matches!(
            Difference::decode(&writer.finish()),
            Err(DecodeError::Invalid {
                field: "updates.difference.new_messages",
                ..
            })
        ));
    }

    #[test]
    fn updates_containers_layouts_and_round_trips() {
        assert_eq!(hex::encode(Updates::TooLong.encode()), "7eaf17e3");
        let short = Updates::Short {
            update: Update::LoginToken,
            date: 5,
        };
        assert_eq!(hex::encode(short.encode()), "c1ded47891e64f5605000000");
        let batch = Updates::Batch {
            updates: vec![new_message(3)],
            users: vec![],
            date: 7,
            seq: 8,
        };
        let encoded = batch.encode();
        assert_eq!(encoded[..4], ids::UPDATES.to_le_bytes());
        assert_eq!(
            hex::encode(&encoded[encoded.len() - 24..]),
            "15c4b51c0000000015c4b51c000000000700000008000000",
            "empty users and chats, date, seq"
        );
        let combined = Updates::Combined {
            updates: vec![new_message(4), new_message(5)],
            users: vec![],
            date: 7,
            seq_start: 9,
            seq: 10,
        };
        let encoded = combined.encode();
        assert_eq!(encoded[..4], ids::UPDATES_COMBINED.to_le_bytes());
        assert_eq!(
            hex::encode(&encoded[encoded.len() - 12..]),
            "07000000090000000a000000",
            "date, seq_start, seq"
        );
        for updates in [Updates::TooLong, short, batch, combined] {
            assert_eq!(Updates::decode(&updates.encode()), Ok(updates));
        }
    }
}
