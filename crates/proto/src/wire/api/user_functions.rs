//! `users.getUsers`: how a stock client asks who it is logged in as
//! (`[inputUserSelf]`) right after connecting.
//!
//! ```text
//! users.getUsers#0d91a548 id:Vector<InputUser> = Vector<User>;
//! inputUserEmpty#b98886cf = InputUser;
//! inputUserSelf#f7c1b13f = InputUser;
//! inputUser#f21158c6 user_id:long access_hash:long = InputUser;
//! ```
//!
//! `inputUserFromMessage` is not modelled: it decodes to an error.

use super::object::{read_vector, unknown, write_vector, Bare, TlObject};
use super::user::MAX_USERS;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// Who a `users.getUsers` entry names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum InputUser {
    /// `inputUserEmpty`: nobody.
    Empty,
    /// `inputUserSelf`: the caller.
    Caller,
    /// `inputUser`: a user by id and the access hash the caller was given.
    User {
        /// The user's id.
        user_id: i64,
        /// The caller's access hash for that user.
        access_hash: i64,
    },
}

impl TlObject for InputUser {
    const NAME: &'static str = "InputUser";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        match self {
            InputUser::Empty => {
                writer.u32(ids::INPUT_USER_EMPTY);
            }
            InputUser::Caller => {
                writer.u32(ids::INPUT_USER_SELF);
            }
            InputUser::User { user_id, access_hash } => {
                writer.u32(ids::INPUT_USER).i64(*user_id).i64(*access_hash);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::INPUT_USER_EMPTY => Ok(InputUser::Empty),
            ids::INPUT_USER_SELF => Ok(InputUser::Caller),
            ids::INPUT_USER => Ok(InputUser::User {
                user_id: reader.i64()?,
                access_hash: reader.i64()?,
            }),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

/// `users.getUsers`: the users named, those the caller may see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct GetUsers {
    /// At most [`MAX_USERS`] entries (Telegram's own limit is 200).
    #[cfg_attr(
        feature = "arbitrary",
        arbitrary(with = super::object::arb::vec::<InputUser, MAX_USERS>)
    )]
    pub ids: Vec<InputUser>,
}

impl Bare for GetUsers {
    const ID: u32 = ids::USERS_GET_USERS;
    const NAME: &'static str = "users.getUsers";
    const MIN_BODY_BYTES: usize = 8;

    fn write_body(&self, writer: &mut Writer) {
        write_vector(writer, &self.ids);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_vector(reader, MAX_USERS).map(|ids| GetUsers { ids })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_users_of_the_caller_is_byte_exact_and_other_inputs_round_trip() {
        let request = GetUsers {
            ids: vec![InputUser::Caller],
        };
        // As Telethon's get_me sends it.
        assert_eq!(hex::encode(request.encode()), "48a5910d15c4b51c010000003fb1c1f7");
        let all = GetUsers {
            ids: vec![
                InputUser::Empty,
                InputUser::Caller,
                InputUser::User {
                    user_id: 5,
                    access_hash: -1,
                },
            ],
        };
        assert_eq!(GetUsers::decode(&all.encode()), Ok(all));
        let mut unknown_input = request.encode();
        unknown_input[12] ^= 1;
        assert!(matches!(
            GetUsers::decode(&unknown_input),
            Err(DecodeError::UnknownConstructor {
                context: "InputUser",
                ..
            })
        ));
    }
}
