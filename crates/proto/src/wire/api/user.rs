//! Telegram's `user`, reduced to what session management needs: the id and
//! the phone number. It travels wherever the schema carries a `User`
//! (`auth.authorization.user`, `updates.difference.users`, `updates.users`).
//!
//! ```text
//! user#b1b8cc83 flags:# self:flags.10?true contact:flags.11?true ... flags2:# ...
//!   id:long access_hash:flags.0?long first_name:flags.1?string
//!   last_name:flags.2?string username:flags.3?string phone:flags.4?string
//!   photo:flags.5?UserProfilePhoto status:flags.6?UserStatus ... = User;
//! ```
//!
//! The whole layer-229 definition is in [`super::schema::PUBLIC_DEFINITIONS`].
//! The project writes `flags` with bit 10 (`self`) for the caller's own
//! user and bit 4 (`phone`) when there is a phone, `flags2 = 0`, the `id`,
//! and the phone: every other conditional field is absent. Decoding accepts exactly that: a set bit of any other
//! field or `true` flag is [`DecodeError::Invalid`], since its data (or its
//! meaning) would be lost and encode∘decode would no longer be the identity.

use super::limits::MAX_PHONE_BYTES;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_flags, read_vector, write_vector, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// `user.flags` bit 4: `phone` is present.
const PHONE_FLAG: u32 = 4;
/// `user.flags` bit 10: the user is the caller (`users.getUsers([inputUserSelf])`).
const SELF_FLAG: u32 = 10;

/// An account as the API shows it: its id and phone number.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct User {
    /// flags.10 (`self`): the caller's own user.
    pub is_self: bool,
    /// The account's user id.
    pub id: i64,
    /// flags.4: international format, e.g. "+351912345678".
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::option_string::<MAX_PHONE_BYTES>))]
    pub phone: Option<String>,
}

impl TlObject for User {
    const NAME: &'static str = "User";
    // id, flags, flags2, id.
    const MIN_BYTES: usize = 4 + 4 + 4 + 8;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::USER)
            .u32(bit(self.phone.is_some(), PHONE_FLAG) | bit(self.is_self, SELF_FLAG))
            .u32(0)
            .i64(self.id);
        if let Some(phone) = &self.phone {
            writer.string(phone);
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::USER, Self::NAME)?;
        let flags = read_flags(reader, (1 << PHONE_FLAG) | (1 << SELF_FLAG), "user.flags")?;
        read_flags(reader, 0, "user.flags2")?;
        let id = reader.i64()?;
        let phone = if has(flags, PHONE_FLAG) {
            Some(reader.string(MAX_PHONE_BYTES)?)
        } else {
            None
        };
        Ok(User {
            is_self: has(flags, SELF_FLAG),
            id,
            phone,
        })
    }
}

/// Users one `Vector<User>` answer carries at most.
pub(crate) const MAX_USERS: usize = 200;

/// `Vector<User>`: the answer to `users.getUsers`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct UserList(#[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<User, MAX_USERS>))] pub Vec<User>);

impl TlObject for UserList {
    const NAME: &'static str = "Vector<User>";
    const MIN_BYTES: usize = 8;

    fn write(&self, writer: &mut Writer) {
        write_vector(writer, &self.0);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        read_vector(reader, MAX_USERS).map(UserList)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_layout_is_byte_exact() {
        let user = User {
            is_self: false,
            id: 42,
            phone: Some("+1".into()),
        };
        let encoded = user.encode();
        assert_eq!(
            hex::encode(&encoded),
            concat!(
                "83ccb8b1",         // user#b1b8cc83
                "10000000",         // flags: phone (bit 4)
                "00000000",         // flags2
                "2a00000000000000", // id
                "022b3100",         // "+1"
            )
        );
        assert_eq!(User::decode(&encoded), Ok(user));
        let without_phone = User {
            id: 7,
            ..User::default()
        };
        assert_eq!(
            hex::encode(without_phone.encode()),
            "83ccb8b100000000000000000700000000000000"
        );
        assert_eq!(User::decode(&without_phone.encode()), Ok(without_phone));
        let me = User {
            is_self: true,
            id: 7,
            phone: None,
        };
        assert_eq!(hex::encode(me.encode()), "83ccb8b100040000000000000700000000000000");
        assert_eq!(User::decode(&me.encode()), Ok(me.clone()));
        let list = UserList(vec![me]);
        assert_eq!(hex::encode(&list.encode()[..8]), "15c4b51c01000000");
        assert_eq!(UserList::decode(&list.encode()), Ok(list));
    }

    #[test]
    fn long_phone_unmodelled_flags_and_wrong_constructor_are_errors() {
        let user = User {
            id: 1,
            phone: Some("9".repeat(MAX_PHONE_BYTES + 1)),
            ..User::default()
        };
        assert!(matches!(User::decode(&user.encode()), Err(DecodeError::TooLong { .. })));
        let mut encoded = User::default().encode();
        encoded[4] = 1; // flags.0: access_hash, not modelled
        assert!(matches!(
            User::decode(&encoded),
            Err(DecodeError::Invalid {
                field: "user.flags",
                ..
            })
        ));
        let mut encoded = User::default().encode();
        encoded[8] = 1; // flags2.0: usernames, not modelled
        assert!(matches!(
            User::decode(&encoded),
            Err(DecodeError::Invalid {
                field: "user.flags2",
                ..
            })
        ));
        let mut encoded = User::default().encode();
        encoded[0] ^= 1;
        assert!(matches!(
            User::decode(&encoded),
            Err(DecodeError::UnknownConstructor { context: "User", .. })
        ));
        // Cut anywhere: an error, never a panic.
        let full = User {
            id: 3,
            phone: Some("+351".into()),
            ..User::default()
        }
        .encode();
        for end in 0..full.len() {
            assert!(User::decode(&full[..end]).is_err(), "{end}");
        }
    }
}
