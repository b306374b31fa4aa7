//! Login by code: the settings sent with `auth.sendCode`, the `auth.sentCode`
//! answer, and `auth.authorization`, the result of every successful login.
//!
//! ```text
//! codeSettings#ad253d78 flags:# allow_flashcall:flags.0?true current_number:flags.1?true
//!   allow_app_hash:flags.4?true allow_missed_call:flags.5?true allow_firebase:flags.7?true
//!   unknown_number:flags.9?true logout_tokens:flags.6?Vector<bytes> token:flags.8?string
//!   app_sandbox:flags.8?Bool = CodeSettings;
//! auth.sentCodeTypeApp#3dbb5986 length:int = auth.SentCodeType;
//! auth.sentCodeTypeSms#c000bba2 length:int = auth.SentCodeType;
//! auth.codeTypeSms#72a3158c = auth.CodeType;
//! auth.codeTypeCall#741cd3e3 = auth.CodeType;
//! auth.sentCode#5e002502 flags:# type:auth.SentCodeType phone_code_hash:string
//!   next_type:flags.1?auth.CodeType timeout:flags.2?int = auth.SentCode;
//! auth.sentCodeSuccess#2390fe44 authorization:auth.Authorization = auth.SentCode;
//! auth.authorization#2ea2c0d4 flags:# setup_password_required:flags.1?true
//!   otherwise_relogin_days:flags.1?int tmp_sessions:flags.0?int
//!   future_auth_token:flags.2?bytes user:User = auth.Authorization;
//! ```
//!
//! Simplifications, each an error on decode rather than a silent loss:
//! `codeSettings.token`/`app_sandbox` (flags.8, push-token plumbing) are not
//! modelled; `auth.SentCodeType` is only app (in-app, to the account's other
//! devices) or SMS (to the SIM); `auth.CodeType` is SMS or call. `User` is
//! the project's compact [`User`].

use super::limits::{MAX_LOGOUT_TOKENS, MAX_SHORT_STRING_BYTES, MAX_TOKEN_BYTES};
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_bytes, read_bytes_vector, read_flags, unknown, write_bytes_vector, TlObject};
use super::user::User;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// `codeSettings`: how the client wants the login code delivered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CodeSettings {
    /// flags.0
    pub allow_flashcall: bool,
    /// flags.1: the number is the SIM in this very device.
    pub current_number: bool,
    /// flags.4
    pub allow_app_hash: bool,
    /// flags.5
    pub allow_missed_call: bool,
    /// flags.7
    pub allow_firebase: bool,
    /// flags.9
    pub unknown_number: bool,
    /// flags.6: future auth tokens from earlier `auth.logOut` calls; a
    /// matching one lets the server skip the code.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = option_logout_tokens))]
    pub logout_tokens: Option<Vec<Vec<u8>>>,
}

#[cfg(feature = "arbitrary")]
fn option_logout_tokens(u: &mut arbitrary::Unstructured<'_>) -> arbitrary::Result<Option<Vec<Vec<u8>>>> {
    if u.arbitrary()? {
        arb::bytes_vec::<MAX_LOGOUT_TOKENS, MAX_TOKEN_BYTES>(u).map(Some)
    } else {
        Ok(None)
    }
}

const CODE_SETTINGS_FLAGS: u32 = 0b10_1111_0011;

impl CodeSettings {
    fn flags(&self) -> u32 {
        bit(self.allow_flashcall, 0)
            | bit(self.current_number, 1)
            | bit(self.allow_app_hash, 4)
            | bit(self.allow_missed_call, 5)
            | bit(self.logout_tokens.is_some(), 6)
            | bit(self.allow_firebase, 7)
            | bit(self.unknown_number, 9)
    }
}

impl TlObject for CodeSettings {
    const NAME: &'static str = "CodeSettings";
    const MIN_BYTES: usize = 8;

    fn write(&self, writer: &mut Writer) {
        writer.u32(ids::CODE_SETTINGS).u32(self.flags());
        if let Some(tokens) = &self.logout_tokens {
            write_bytes_vector(writer, tokens);
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::CODE_SETTINGS, Self::NAME)?;
        let flags = read_flags(reader, CODE_SETTINGS_FLAGS, "codeSettings.flags")?;
        let logout_tokens = if has(flags, 6) {
            Some(read_bytes_vector(reader, MAX_LOGOUT_TOKENS, MAX_TOKEN_BYTES)?)
        } else {
            None
        };
        Ok(CodeSettings {
            allow_flashcall: has(flags, 0),
            current_number: has(flags, 1),
            allow_app_hash: has(flags, 4),
            allow_missed_call: has(flags, 5),
            allow_firebase: has(flags, 7),
            unknown_number: has(flags, 9),
            logout_tokens,
        })
    }
}

/// `auth.SentCodeType`: where the code went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum SentCodeType {
    /// In-app, as a service message to the account's logged-in devices.
    App {
        /// Digits in the code.
        length: i32,
    },
    /// By SMS to the SIM (interceptable after a SIM swap).
    Sms {
        /// Digits in the code.
        length: i32,
    },
}

impl TlObject for SentCodeType {
    const NAME: &'static str = "auth.SentCodeType";
    const MIN_BYTES: usize = 8;

    fn write(&self, writer: &mut Writer) {
        let (constructor, length) = match self {
            SentCodeType::App { length } => (ids::AUTH_SENT_CODE_TYPE_APP, length),
            SentCodeType::Sms { length } => (ids::AUTH_SENT_CODE_TYPE_SMS, length),
        };
        writer.u32(constructor).i32(*length);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::AUTH_SENT_CODE_TYPE_APP => Ok(SentCodeType::App { length: reader.i32()? }),
            ids::AUTH_SENT_CODE_TYPE_SMS => Ok(SentCodeType::Sms { length: reader.i32()? }),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

/// `auth.CodeType`: how the code will be sent next time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum CodeType {
    /// `auth.codeTypeSms`: by SMS.
    Sms,
    /// `auth.codeTypeCall`: by a phone call that reads the code out.
    Call,
}

impl TlObject for CodeType {
    const NAME: &'static str = "auth.CodeType";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        writer.u32(match self {
            CodeType::Sms => ids::AUTH_CODE_TYPE_SMS,
            CodeType::Call => ids::AUTH_CODE_TYPE_CALL,
        });
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::AUTH_CODE_TYPE_SMS => Ok(CodeType::Sms),
            ids::AUTH_CODE_TYPE_CALL => Ok(CodeType::Call),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

/// `auth.SentCode`: the answer to `auth.sendCode`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum SentCode {
    /// `auth.sentCode`: a code is on its way.
    Sent {
        /// Where this code went.
        kind: SentCodeType,
        /// To be echoed in `auth.signIn`.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
        phone_code_hash: String,
        /// flags.1
        next_type: Option<CodeType>,
        /// flags.2: seconds before `next_type` may be requested.
        timeout_s: Option<i32>,
    },
    /// `auth.sentCodeSuccess`: a future auth token matched; logged in.
    Success(AuthAuthorization),
}

const SENT_CODE_FLAGS: u32 = 0b110;

impl TlObject for SentCode {
    const NAME: &'static str = "auth.SentCode";
    // auth.sentCode with no optional fields and an empty hash; shorter than
    // auth.sentCodeSuccess.
    const MIN_BYTES: usize = 4 + 4 + SentCodeType::MIN_BYTES + 4;

    fn write(&self, writer: &mut Writer) {
        match self {
            SentCode::Sent {
                kind,
                phone_code_hash,
                next_type,
                timeout_s,
            } => {
                let flags = bit(next_type.is_some(), 1) | bit(timeout_s.is_some(), 2);
                writer.u32(ids::AUTH_SENT_CODE).u32(flags);
                kind.write(writer);
                writer.string(phone_code_hash);
                if let Some(next_type) = next_type {
                    next_type.write(writer);
                }
                if let Some(timeout_s) = timeout_s {
                    writer.i32(*timeout_s);
                }
            }
            SentCode::Success(authorization) => {
                writer.u32(ids::AUTH_SENT_CODE_SUCCESS);
                authorization.write(writer);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::AUTH_SENT_CODE => {
                let flags = read_flags(reader, SENT_CODE_FLAGS, "auth.sentCode.flags")?;
                Ok(SentCode::Sent {
                    kind: SentCodeType::read(reader)?,
                    phone_code_hash: reader.string(MAX_SHORT_STRING_BYTES)?,
                    next_type: has(flags, 1).then(|| CodeType::read(reader)).transpose()?,
                    timeout_s: has(flags, 2).then(|| reader.i32()).transpose()?,
                })
            }
            ids::AUTH_SENT_CODE_SUCCESS => Ok(SentCode::Success(AuthAuthorization::read(reader)?)),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

/// `auth.authorization`: the key is now bound to `user`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct AuthAuthorization {
    /// flags.1, both `setup_password_required` and `otherwise_relogin_days`:
    /// the server asks the user to set a 2FA password, else to log in again
    /// within this many days.
    pub setup_password_relogin_days: Option<i32>,
    /// flags.0: for temporary sessions, their count.
    pub tmp_sessions: Option<i32>,
    /// flags.2: a token to present at the next login to skip the code.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::option_bytes::<MAX_TOKEN_BYTES>))]
    pub future_auth_token: Option<Vec<u8>>,
    /// The account the key is now logged in to.
    pub user: User,
}

const AUTH_AUTHORIZATION_FLAGS: u32 = 0b111;

impl TlObject for AuthAuthorization {
    const NAME: &'static str = "auth.Authorization";
    const MIN_BYTES: usize = 8 + User::MIN_BYTES;

    fn write(&self, writer: &mut Writer) {
        let flags = bit(self.tmp_sessions.is_some(), 0)
            | bit(self.setup_password_relogin_days.is_some(), 1)
            | bit(self.future_auth_token.is_some(), 2);
        writer.u32(ids::AUTH_AUTHORIZATION).u32(flags);
        // Field order is the schema's: otherwise_relogin_days, tmp_sessions,
        // future_auth_token, user.
        if let Some(days) = self.setup_password_relogin_days {
            writer.i32(days);
        }
        if let Some(count) = self.tmp_sessions {
            writer.i32(count);
        }
        if let Some(token) = &self.future_auth_token {
            writer.bytes(token);
        }
        self.user.write(writer);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::AUTH_AUTHORIZATION, Self::NAME)?;
        let flags = read_flags(reader, AUTH_AUTHORIZATION_FLAGS, "auth.authorization.flags")?;
        Ok(AuthAuthorization {
            setup_password_relogin_days: has(flags, 1).then(|| reader.i32()).transpose()?,
            tmp_sessions: has(flags, 0).then(|| reader.i32()).transpose()?,
            future_auth_token: has(flags, 2).then(|| read_bytes(reader, MAX_TOKEN_BYTES)).transpose()?,
            user: User::read(reader)?,
        })
    }
}

#[cfg(test)]
pub(crate) fn sample_auth_authorization() -> AuthAuthorization {
    AuthAuthorization {
        future_auth_token: Some(vec![9; 40]),
        user: User {
            is_self: true,
            id: 777,
            phone: Some("+351912345678".into()),
        },
        ..AuthAuthorization::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_settings_layout_with_logout_tokens() {
        let settings = CodeSettings {
            current_number: true,
            logout_tokens: Some(vec![vec![1, 2, 3]]),
            ..CodeSettings::default()
        };
        let encoded = settings.encode();
        // id, flags = bit 1 | bit 6 = 0x42, Vector<bytes> of one 3-byte item.
        assert_eq!(hex::encode(&encoded), "783d25ad4200000015c4b51c0100000003010203");
        assert_eq!(CodeSettings::decode(&encoded), Ok(settings));
        assert_eq!(hex::encode(CodeSettings::default().encode()), "783d25ad00000000");
    }

    #[test]
    fn code_settings_push_token_flag_is_unsupported() {
        let mut encoded = CodeSettings::default().encode();
        encoded[4..8].copy_from_slice(&(1u32 << 8).to_le_bytes());
        assert!(matches!(
            CodeSettings::decode(&encoded),
            Err(DecodeError::Invalid { .. })
        ));
    }

    #[test]
    fn too_many_logout_tokens_is_an_error() {
        let settings = CodeSettings {
            logout_tokens: Some(vec![vec![]; MAX_LOGOUT_TOKENS + 1]),
            ..CodeSettings::default()
        };
        assert!(matches!(
            CodeSettings::decode(&settings.encode()),
            Err(DecodeError::TooLong { what: "vector", .. })
        ));
    }

    #[test]
    fn sent_code_layout_and_round_trips() {
        let sent = SentCode::Sent {
            kind: SentCodeType::Sms { length: 5 },
            phone_code_hash: "ab".into(),
            next_type: None,
            timeout_s: Some(60),
        };
        let encoded = sent.encode();
        assert_eq!(
            hex::encode(&encoded),
            "0225005e04000000a2bb00c005000000026162003c000000"
        );
        assert_eq!(SentCode::decode(&encoded), Ok(sent));
        let with_next = SentCode::Sent {
            kind: SentCodeType::App { length: 6 },
            phone_code_hash: String::new(),
            next_type: Some(CodeType::Call),
            timeout_s: None,
        };
        assert_eq!(SentCode::decode(&with_next.encode()), Ok(with_next));
        let success = SentCode::Success(sample_auth_authorization());
        let encoded = success.encode();
        assert_eq!(encoded[..4], ids::AUTH_SENT_CODE_SUCCESS.to_le_bytes());
        assert_eq!(encoded[4..8], ids::AUTH_AUTHORIZATION.to_le_bytes());
        assert_eq!(SentCode::decode(&encoded), Ok(success));
    }

    #[test]
    fn auth_authorization_field_order_follows_the_schema() {
        let authorization = AuthAuthorization {
            setup_password_relogin_days: Some(30),
            tmp_sessions: Some(2),
            future_auth_token: Some(vec![0xee]),
            user: User {
                is_self: true,
                id: 5,
                phone: Some("".into()),
            },
        };
        let encoded = authorization.encode();
        assert_eq!(
            hex::encode(&encoded[..20]),
            "d4c0a22e070000001e0000000200000001ee0000",
            "flags 0b111, relogin days, tmp_sessions, token"
        );
        assert_eq!(encoded[20..24], ids::USER.to_le_bytes());
        assert_eq!(AuthAuthorization::decode(&encoded), Ok(authorization));
        let plain = AuthAuthorization::default();
        assert_eq!(AuthAuthorization::decode(&plain.encode()), Ok(plain));
    }

    #[test]
    fn unknown_sent_code_type_is_an_error() {
        let mut writer = Writer::new();
        // auth.sentCodeTypeCall#5353e5a7 is not modelled.
        writer
            .u32(ids::AUTH_SENT_CODE)
            .u32(0)
            .u32(0x5353_e5a7)
            .i32(5)
            .string("");
        assert!(matches!(
            SentCode::decode(&writer.finish()),
            Err(DecodeError::UnknownConstructor {
                context: "auth.SentCodeType",
                ..
            })
        ));
    }
}
