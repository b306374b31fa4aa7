//! Single updates and the sync state: `updates.state`,
//! `updateNewAuthorization`, `updateLoginToken`, and the project's opaque
//! update that stands in for `updateNewMessage`.
//!
//! ```text
//! updates.state#a56c2a3e pts:int qts:int date:int seq:int unread_count:int = updates.State;
//! updateNewAuthorization#8951abef flags:# unconfirmed:flags.0?true hash:long
//!   date:flags.0?int device:flags.0?string location:flags.0?string = Update;
//! updateLoginToken#564fe691 = Update;
//! sessionlab.updateOpaque#5e551ab2 pts:int pts_count:int payload:bytes = Update;
//! ```
//!
//! `sessionlab.updateOpaque` is project-private (id in the reserved range
//! [`ids::PRIVATE_ID_FIRST`]`..=`[`ids::PRIVATE_ID_LAST`]). It is the
//! project's stand-in for `updateNewMessage#1f2b0afd message:Message
//! pts:int pts_count:int`: the sync layer only needs the common-box
//! `pts`/`pts_count` and the size of what is delivered, so a chat message
//! (or any other pts-carrying event) travels as N opaque payload bytes
//! instead of Telegram's large `Message` type.

use super::limits::{MAX_SHORT_STRING_BYTES, MAX_UPDATE_PAYLOAD_BYTES};
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_bytes, read_flags, unknown, TlObject};
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
    /// `sessionlab.updateOpaque`: a pts-carrying event of `payload.len()` bytes.
    Opaque {
        /// The pts after this update.
        pts: i32,
        /// How many pts the update takes (the pts before it is `pts - pts_count`).
        pts_count: i32,
        /// The event's bytes: the sync layer's header, then the content.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_UPDATE_PAYLOAD_BYTES>))]
        payload: Vec<u8>,
    },
}

impl Update {
    /// `(pts, pts_count)` for updates of the common box.
    pub fn pts(&self) -> Option<(i32, i32)> {
        match self {
            Update::Opaque { pts, pts_count, .. } => Some((*pts, *pts_count)),
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
            Update::Opaque {
                pts,
                pts_count,
                payload,
            } => {
                writer
                    .u32(ids::SESSIONLAB_UPDATE_OPAQUE)
                    .i32(*pts)
                    .i32(*pts_count)
                    .bytes(payload);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::UPDATE_NEW_AUTHORIZATION => Update::read_new_authorization(reader),
            ids::UPDATE_LOGIN_TOKEN => Ok(Update::LoginToken),
            ids::SESSIONLAB_UPDATE_OPAQUE => Ok(Update::Opaque {
                pts: reader.i32()?,
                pts_count: reader.i32()?,
                payload: read_bytes(reader, MAX_UPDATE_PAYLOAD_BYTES)?,
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
    fn login_token_and_opaque_layouts() {
        assert_eq!(hex::encode(Update::LoginToken.encode()), "91e64f56");
        let opaque = Update::Opaque {
            pts: 10,
            pts_count: 1,
            payload: vec![0xaa; 5],
        };
        assert_eq!(hex::encode(opaque.encode()), "b21a555e0a0000000100000005aaaaaaaaaa0000");
        assert_eq!(opaque.pts(), Some((10, 1)));
        assert_eq!(Update::LoginToken.pts(), None);
        assert_eq!(Update::decode(&opaque.encode()), Ok(opaque));
    }

    #[test]
    fn oversized_payload_and_unknown_update_are_errors() {
        let opaque = Update::Opaque {
            pts: 1,
            pts_count: 1,
            payload: vec![0; MAX_UPDATE_PAYLOAD_BYTES + 1],
        };
        assert!(matches!(
            Update::decode(&opaque.encode()),
            Err(DecodeError::TooLong { .. })
        ));
        // updateNewMessage#1f2b0afd is represented by the opaque stand-in only.
        assert!(matches!(
            Update::decode(&0x1f2b_0afdu32.to_le_bytes()),
            Err(DecodeError::UnknownConstructor { context: "Update", .. })
        ));
    }
}
