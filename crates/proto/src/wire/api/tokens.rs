//! Credentials that mint or move authorizations: the future auth token of
//! `auth.loggedOut`, QR login tokens, and authorizations exported to
//! another datacenter.
//!
//! ```text
//! auth.loggedOut#c3a2835f flags:# future_auth_token:flags.0?bytes = auth.LoggedOut;
//! auth.loginToken#629f1980 expires:int token:bytes = auth.LoginToken;
//! auth.loginTokenMigrateTo#68e9916 dc_id:int token:bytes = auth.LoginToken;
//! auth.loginTokenSuccess#390d5c5e authorization:auth.Authorization = auth.LoginToken;
//! auth.exportedAuthorization#b434e2b8 id:long bytes:bytes = auth.ExportedAuthorization;
//! ```

use super::limits::MAX_TOKEN_BYTES;
use super::login::AuthAuthorization;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_bytes, read_flags, unknown, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// `auth.loggedOut`: the answer to `auth.logOut`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct LoggedOut {
    /// flags.0: present it at the next login to skip the code (not 2FA).
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::option_bytes::<MAX_TOKEN_BYTES>))]
    pub future_auth_token: Option<Vec<u8>>,
}

impl TlObject for LoggedOut {
    const NAME: &'static str = "auth.LoggedOut";
    const MIN_BYTES: usize = 8;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::AUTH_LOGGED_OUT)
            .u32(bit(self.future_auth_token.is_some(), 0));
        if let Some(token) = &self.future_auth_token {
            writer.bytes(token);
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::AUTH_LOGGED_OUT, Self::NAME)?;
        let flags = read_flags(reader, 0b1, "auth.loggedOut.flags")?;
        Ok(LoggedOut {
            future_auth_token: has(flags, 0).then(|| read_bytes(reader, MAX_TOKEN_BYTES)).transpose()?,
        })
    }
}

/// `auth.LoginToken`: the answer to `auth.exportLoginToken` (QR login).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum LoginToken {
    /// Show this token as a QR code until `expires` (Unix seconds).
    Token {
        /// When the token expires (Unix seconds).
        expires: i32,
        /// The token to show as a QR code (`tg://login?token=...`).
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_TOKEN_BYTES>))]
        token: Vec<u8>,
    },
    /// Accepted, but the account lives on `dc_id`: import the token there.
    MigrateTo {
        /// The account's home DC.
        dc_id: i32,
        /// The token to pass to `auth.importLoginToken` there.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_TOKEN_BYTES>))]
        token: Vec<u8>,
    },
    /// Accepted: the exporting key is now logged in.
    Success(AuthAuthorization),
}

impl TlObject for LoginToken {
    const NAME: &'static str = "auth.LoginToken";
    const MIN_BYTES: usize = 12;

    fn write(&self, writer: &mut Writer) {
        match self {
            LoginToken::Token { expires, token } => {
                writer.u32(ids::AUTH_LOGIN_TOKEN).i32(*expires).bytes(token);
            }
            LoginToken::MigrateTo { dc_id, token } => {
                writer.u32(ids::AUTH_LOGIN_TOKEN_MIGRATE_TO).i32(*dc_id).bytes(token);
            }
            LoginToken::Success(authorization) => {
                writer.u32(ids::AUTH_LOGIN_TOKEN_SUCCESS);
                authorization.write(writer);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::AUTH_LOGIN_TOKEN => Ok(LoginToken::Token {
                expires: reader.i32()?,
                token: read_bytes(reader, MAX_TOKEN_BYTES)?,
            }),
            ids::AUTH_LOGIN_TOKEN_MIGRATE_TO => Ok(LoginToken::MigrateTo {
                dc_id: reader.i32()?,
                token: read_bytes(reader, MAX_TOKEN_BYTES)?,
            }),
            ids::AUTH_LOGIN_TOKEN_SUCCESS => Ok(LoginToken::Success(AuthAuthorization::read(reader)?)),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

/// `auth.exportedAuthorization`: what `auth.importAuthorization` presents
/// to another datacenter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ExportedAuthorization {
    /// The user id.
    pub id: i64,
    /// The one-time secret that authorizes the import.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_TOKEN_BYTES>))]
    pub bytes: Vec<u8>,
}

impl TlObject for ExportedAuthorization {
    const NAME: &'static str = "auth.ExportedAuthorization";
    const MIN_BYTES: usize = 16;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::AUTH_EXPORTED_AUTHORIZATION)
            .i64(self.id)
            .bytes(&self.bytes);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::AUTH_EXPORTED_AUTHORIZATION, Self::NAME)?;
        Ok(ExportedAuthorization {
            id: reader.i64()?,
            bytes: read_bytes(reader, MAX_TOKEN_BYTES)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::login::sample_auth_authorization;
    use super::*;

    #[test]
    fn logged_out_layouts() {
        assert_eq!(hex::encode(LoggedOut::default().encode()), "5f83a2c300000000");
        let with_token = LoggedOut {
            future_auth_token: Some(vec![1, 2]),
        };
        assert_eq!(hex::encode(with_token.encode()), "5f83a2c30100000002010200");
        assert_eq!(LoggedOut::decode(&with_token.encode()), Ok(with_token));
    }

    #[test]
    fn login_token_layouts_and_round_trips() {
        let token = LoginToken::Token {
            expires: 30,
            token: vec![7; 3],
        };
        assert_eq!(hex::encode(token.encode()), "80199f621e00000003070707");
        let migrate = LoginToken::MigrateTo {
            dc_id: 2,
            token: vec![],
        };
        assert_eq!(hex::encode(migrate.encode()), "16998e060200000000000000");
        let success = LoginToken::Success(sample_auth_authorization());
        for value in [token, migrate, success] {
            assert_eq!(LoginToken::decode(&value.encode()), Ok(value));
        }
    }

    #[test]
    fn exported_authorization_layout_and_limit() {
        let exported = ExportedAuthorization {
            id: 1,
            bytes: vec![0xff],
        };
        assert_eq!(hex::encode(exported.encode()), "b8e234b4010000000000000001ff0000");
        assert_eq!(ExportedAuthorization::decode(&exported.encode()), Ok(exported));
        let oversized = ExportedAuthorization {
            id: 1,
            bytes: vec![0; MAX_TOKEN_BYTES + 1],
        };
        assert!(matches!(
            ExportedAuthorization::decode(&oversized.encode()),
            Err(DecodeError::TooLong { .. })
        ));
    }
}
