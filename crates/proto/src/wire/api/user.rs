//! The project's compact user: `sessionlab.user`, standing in for Telegram's
//! `User` wherever the schema carries one (`auth.authorization.user`,
//! `updates.difference.users`, `updates.users`).
//!
//! ```text
//! sessionlab.user#5e551ab0 id:long phone:string = User;
//! ```
//!
//! Telegram's real `user` constructor has two flags words, dozens of
//! conditional fields (photo, status, usernames, emoji status, colours, ...)
//! and changes with every layer; none of it matters to session management.
//! The simulator needs the account id and the phone number only, so the
//! project defines this private constructor (id in the reserved range
//! [`ids::PRIVATE_ID_FIRST`]`..=`[`ids::PRIVATE_ID_LAST`]) of the same
//! boxed type `User`.

use super::limits::MAX_PHONE_BYTES;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::TlObject;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// An account as the API shows it: its id and phone number.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct User {
    /// The account's user id.
    pub id: i64,
    /// International format, e.g. "+351912345678".
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_PHONE_BYTES>))]
    pub phone: String,
}

impl TlObject for User {
    const NAME: &'static str = "User";
    const MIN_BYTES: usize = 4 + 8 + 4;

    fn write(&self, writer: &mut Writer) {
        writer.u32(ids::SESSIONLAB_USER).i64(self.id).string(&self.phone);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::SESSIONLAB_USER, Self::NAME)?;
        Ok(User {
            id: reader.i64()?,
            phone: reader.string(MAX_PHONE_BYTES)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_layout_is_byte_exact() {
        let user = User {
            id: 42,
            phone: "+1".into(),
        };
        let encoded = user.encode();
        assert_eq!(hex::encode(&encoded), "b01a555e2a00000000000000022b3100");
        assert_eq!(User::decode(&encoded), Ok(user));
    }

    #[test]
    fn long_phone_and_wrong_constructor_are_errors() {
        let user = User {
            id: 1,
            phone: "9".repeat(MAX_PHONE_BYTES + 1),
        };
        assert!(matches!(User::decode(&user.encode()), Err(DecodeError::TooLong { .. })));
        let mut encoded = User::default().encode();
        encoded[0] ^= 1;
        assert!(matches!(
            User::decode(&encoded),
            Err(DecodeError::UnknownConstructor { context: "User", .. })
        ));
    }
}
