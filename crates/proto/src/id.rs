//! The identifiers every layer shares, as types of their own: a datacenter
//! id cannot be passed where a user id is meant, nor an auth key id where
//! a session id is.
//!
//! Each is a `#[repr(transparent)]` wrapper around the integer it was, and
//! prints exactly as that integer did (`Debug`, `Display`, `{:x}`): trace
//! lines and reports are hashed, and committed reports must reproduce byte
//! for byte. The wire keeps its own integer fields (`dc_id:int`,
//! `perm_auth_key_id:long`, ...); they convert where a codec meets these
//! types.

use std::fmt;

/// Defines one identifier type: the struct, its conversions and its
/// formatting, which forwards to the inner integer.
macro_rules! identifier {
    ($(#[$meta:meta])* $name:ident($inner:ty)) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        #[repr(transparent)]
        pub struct $name(pub $inner);

        impl $name {
            /// The identifier with this value.
            pub const fn new(value: $inner) -> $name {
                $name(value)
            }

            /// The bare value.
            pub const fn get(self) -> $inner {
                self.0
            }
        }

        impl From<$inner> for $name {
            fn from(value: $inner) -> $name {
                $name(value)
            }
        }

        impl From<$name> for $inner {
            fn from(id: $name) -> $inner {
                id.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, formatter)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, formatter)
            }
        }

        impl fmt::LowerHex for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::LowerHex::fmt(&self.0, formatter)
            }
        }
    };
}

identifier! {
    /// A datacenter id (Telegram numbers them 1..=5).
    DcId(u32)
}

identifier! {
    /// A user id: the account's, on the server and on the client alike.
    UserId(u64)
}

identifier! {
    /// An `auth_key_id`: the lower 64 bits of the SHA-1 of an auth key.
    AuthKeyId(u64)
}

identifier! {
    /// A transport session id, drawn by the client for each of its sessions.
    SessionId(u64)
}

identifier! {
    /// An authorization's hash: what `account.getAuthorizations` lists and
    /// `account.resetAuthorization` names (Telegram's signed `long`, so
    /// that it orders and prints as before).
    AuthorizationHash(i64)
}

impl UserId {
    /// The user id a wire `long` names: the same 64 bits.
    pub const fn from_wire(id: i64) -> UserId {
        UserId(id as u64)
    }

    /// The wire `long` for this user id; an id beyond its range is sent as
    /// the largest one.
    pub fn to_wire(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_print_as_their_integers() {
        let key = AuthKeyId::new(0xdead_beef);
        assert_eq!(
            format!("{key:?} {key} {key:x} {key:#018x}"),
            "3735928559 3735928559 deadbeef 0x00000000deadbeef"
        );
        let hash = AuthorizationHash::new(-7);
        assert_eq!(format!("{hash:?} {hash}"), "-7 -7");
        let dcs = [DcId::new(1), DcId::new(2)];
        assert_eq!(format!("{dcs:?}"), "[1, 2]");
        assert_eq!(format!("{:?}", Some(UserId::new(100))), "Some(100)");
        assert_eq!(
            format!("{:>5}|{:<5}|", SessionId::new(42), DcId::new(3)),
            "   42|3    |"
        );
    }

    #[test]
    fn a_wire_user_id_converts_both_ways() {
        for id in [0, 1, i64::MAX] {
            assert_eq!(UserId::from_wire(id).to_wire(), id);
        }
        assert_eq!(UserId::from_wire(-1), UserId::new(u64::MAX));
        assert_eq!(UserId::new(u64::MAX).to_wire(), i64::MAX);
        assert_eq!(UserId::from(7u64).get(), 7);
        assert_eq!(u32::from(DcId::from(4)), 4);
    }
}
