//! Single updates and the sync state: `updates.state`,
//! `updateNewAuthorization`, `updateLoginToken` and `updateNewMessage`.
//!
//! ```text
//! updates.state#a56c2a3e pts:int qts:int date:int seq:int unread_count:int = updates.State;
//! updateNewAuthorization#8951abef flags:# unconfirmed:flags.0?true hash:long
//!   date:flags.0?int device:flags.0?string location:flags.0?string = Update;
//! updateLoginToken#564fe691 = Update;
//! updateNewMessage#1f2b0afd message:Message pts:int pts_count:int = Update;
//! ```
//!
//! `updateNewMessage` is how every pts-carrying event of the sync layer
//! travels: the sync layer needs the common-box `pts`/`pts_count` and the
//! size of what is delivered, and a text [`Message`] of that size is the
//! real layer-229 update a stock client parses (see `proto::sync::wire`
//! for what the message's fields carry).

use super::limits::MAX_SHORT_STRING_BYTES;
use super::message::Message;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_flags, unknown, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// `updates.state`: where an account's update log stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct UpdatesState {
    /// Events of the common box so far.
    pub pts: i32,
    /// Events of the secondary box so far.
    pub qts: i32,
    /// Unix seconds.
    pub date: i32,
    /// Update batches so far.
    pub seq: i32,
    /// Unread messages (always 0: the project models none).
    pub unread_count: i32,
}

impl TlObject for UpdatesState {
    const NAME: &'static str = "updates.State";
    const MIN_BYTES: usize = 24;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::UPDATES_STATE)
            .i32(self.pts)
            .i32(self.qts)
            .i32(self.date)
            .i32(self.seq)
            .i32(self.unread_count);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::UPDATES_STATE, Self::NAME)?;
        Ok(UpdatesState {
            pts: reader.i32()?,
            qts: reader.i32()?,
            date: reader.i32()?,
            seq: reader.i32()?,
            unread_count: reader.i32()?,
        })
    }
}

/// The fields `updateNewAuthorization` carries when the login is unconfirmed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct UnconfirmedLogin {
    /// Unix seconds of the login.
    pub date: i32,
    /// Device model and app, as the notification shows it.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub device: String,
    /// Location derived from the IP.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub location: String,
}

/// One update, as pushed or as listed in a difference.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Update {
    /// `updateNewAuthorization`: someone logged in to the account.
    /// `unconfirmed` (flags.0) carries the details the owner must judge.
    NewAuthorization {
        /// The `hash` of the new authorization, as the session list shows it.
        hash: i64,
        /// flags.0: the login awaits confirmation, with what the owner is shown.
        unconfirmed: Option<UnconfirmedLogin>,
    },
    /// `updateLoginToken`: a QR token was accepted; export it again.
    LoginToken,
    /// `updateNewMessage`: a pts-carrying event, as a new message.
    NewMessage {
        /// The message.
        message: Message,
        /// The pts after this update.
        pts: i32,
        /// How many pts the update takes (the pts before it is `pts - pts_count`).
        pts_count: i32,
    },
}

impl Update {
    /// `(pts, pts_count)` for updates of the common box.
    pub fn pts(&self) -> Option<(i32, i32)> {
        match self {
            Update::NewMessage { pts, pts_count, .. } => Some((*pts, *pts_count)),
            Update::NewAuthorization { .. } | Update::LoginToken => None,
        }
    }

    fn write_new_authorization(writer: &mut Writer, hash: i64, unconfirmed: &Option<UnconfirmedLogin>) {
        writer
            .u32(ids::UPDATE_NEW_AUTHORIZATION)
            .u32(bit(unconfirmed.is_some(), 0))
            .i64(hash);
        if let Some(login) = unconfirmed {
            writer.i32(login.date).string(&login.device).string(&login.location);
        }
    }

    fn read_new_authorization(reader: &mut Reader<'_>) -> Result<Update, DecodeError> {
        let flags = read_flags(reader, 0b1, "updateNewAuthorization.flags")?;
        let hash = reader.i64()?;
        let unconfirmed = if has(flags, 0) {
            Some(UnconfirmedLogin {
                date: reader.i32()?,
                device: reader.string(MAX_SHORT_STRING_BYTES)?,
                location: reader.string(MAX_SHORT_STRING_BYTES)?,
            })
        } else {
            None
        };
        Ok(Update::NewAuthorization { hash, unconfirmed })
    }
}

impl TlObject for Update {
    const NAME: &'static str = "Update";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        match self {
            Update::NewAuthorization { hash, unconfirmed } => {
                Update::write_new_authorization(writer, *hash, unconfirmed)
            }
            Update::LoginToken => {
                writer.u32(ids::UPDATE_LOGIN_TOKEN);
            }
            Update::NewMessage {
                message,
                pts,
                pts_count,
            } => {
                writer.u32(ids::UPDATE_NEW_MESSAGE);
                message.write(writer);
                writer.i32(*pts).i32(*pts_count);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::UPDATE_NEW_AUTHORIZATION => Update::read_new_authorization(reader),
            ids::UPDATE_LOGIN_TOKEN => Ok(Update::LoginToken),
            ids::UPDATE_NEW_MESSAGE => Ok(Update::NewMessage {
                message: Message::read(reader)?,
                pts: reader.i32()?,
                pts_count: reader.i32()?,
            }),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_layout_is_byte_exact() {
        let state = UpdatesState {
            pts: 1,
            qts: 2,
            date: 3,
            seq: 4,
            unread_count: 5,
        };
        assert_eq!(
            hex::encode(state.encode()),
            "3e2a6ca50100000002000000030000000400000005000000"
        );
        assert_eq!(UpdatesState::decode(&state.encode()), Ok(state));
    }

    #[test]
    fn new_authorization_layouts() {
        let confirmed = Update::NewAuthorization {
            hash: 2,
            unconfirmed: None,
        };
        assert_eq!(hex::encode(confirmed.encode()), "efab5189000000000200000000000000");
        let unconfirmed = Update::NewAuthorization {
            hash: 2,
            unconfirmed: Some(UnconfirmedLogin {
                date: 9,
                device: "A".into(),
                location: "".into(),
            }),
        };
        let encoded = unconfirmed.encode();
        assert_eq!(
            hex::encode(&encoded),
            "efab5189010000000200000000000000090000000141000000000000"
        );
        for update in [confirmed, unconfirmed] {
            assert_eq!(Update::decode(&update.encode()), Ok(update));
        }
    }

    #[test]
    fn login_token_and_new_message_layouts() {
        assert_eq!(hex::encode(Update::LoginToken.encode()), "91e64f56");
        let message = Message {
            id: 7,
            peer_user_id: 42,
            date: 9,
            text: "abc".into(),
        };
        let update = Update::NewMessage {
            message: message.clone(),
            pts: 10,
            pts_count: 1,
        };
        let encoded = update.encode();
        assert_eq!(hex::encode(&encoded[..4]), "fd0a2b1f", "updateNewMessage#1f2b0afd");
        assert_eq!(encoded[4..encoded.len() - 8], message.encode()[..]);
        assert_eq!(
            hex::encode(&encoded[encoded.len() - 8..]),
            "0a00000001000000",
            "pts, pts_count"
        );
        assert_eq!(update.pts(), Some((10, 1)));
        assert_eq!(Update::LoginToken.pts(), None);
        assert_eq!(Update::decode(&encoded), Ok(update));
    }

    #[test]
    fn malformed_updates_are_errors() {
        let update = Update::NewMessage {
            message: Message::default(),
            pts: 1,
            pts_count: 1,
        };
        let encoded = update.encode();
        for end in 0..encoded.len() {
            assert!(Update::decode(&encoded[..end]).is_err(), "{end}");
        }
        // The retired sessionlab.updateOpaque#5e551ab2 is no update any more.
        assert!(matches!(
            Update::decode(&0x5e55_1ab2u32.to_le_bytes()),
            Err(DecodeError::UnknownConstructor { context: "Update", .. })
        ));
    }
}
