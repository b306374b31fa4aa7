//! The `auth.*` functions the project models, one struct per function.
//!
//! ```text
//! auth.sendCode#a677244f phone_number:string api_id:int api_hash:string
//!   settings:CodeSettings = auth.SentCode;
//! auth.signIn#8d52a951 flags:# phone_number:string phone_code_hash:string
//!   phone_code:flags.0?string email_verification:flags.1?EmailVerification = auth.Authorization;
//! auth.resendCode#cae47523 flags:# phone_number:string phone_code_hash:string
//!   reason:flags.0?string = auth.SentCode;
//! auth.checkPassword#d18b4d16 password:InputCheckPasswordSRP = auth.Authorization;
//! auth.logOut#3e72ba19 = auth.LoggedOut;
//! auth.exportLoginToken#b7e085fe api_id:int api_hash:string except_ids:Vector<long> = auth.LoginToken;
//! auth.acceptLoginToken#e894ad4d token:bytes = Authorization;
//! auth.importLoginToken#95ac5ce4 token:bytes = auth.LoginToken;
//! auth.exportAuthorization#e5bfffcd dc_id:int = auth.ExportedAuthorization;
//! auth.importAuthorization#a57a7dad id:long bytes:bytes = auth.Authorization;
//! auth.bindTempAuthKey#cdd42a05 perm_auth_key_id:long nonce:long expires_at:int
//!   encrypted_message:bytes = Bool;
//! auth.resetAuthorizations#9fab0d1a = Bool;
//! bind_auth_key_inner#75a3f765 nonce:long temp_auth_key_id:long
//!   perm_auth_key_id:long temp_session_id:long expires_at:int = BindAuthKeyInner;
//! ```
//!
//! `auth.signIn.email_verification` (flags.1) is not modelled and decodes
//! to an error; `auth.resendCode.reason` (flags.0, a device-integrity
//! failure official apps report) is carried but ignored by the server;
//! `auth.checkPassword` carries the project's SHA-256 verifier (see
//! [`InputCheckPassword`]).

use super::limits::{
    MAX_ENCRYPTED_MESSAGE_BYTES, MAX_EXCEPT_IDS, MAX_PHONE_BYTES, MAX_PHONE_CODE_BYTES, MAX_SHORT_STRING_BYTES,
    MAX_TOKEN_BYTES,
};
use super::login::CodeSettings;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_bytes, read_flags, read_i64_vector, write_i64_vector, Bare, TlObject};
use super::password::InputCheckPassword;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// A function without parameters: a unit struct and its id.
macro_rules! parameterless {
    ($name:ident, $id:expr, $tl:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        pub struct $name;

        impl Bare for $name {
            const ID: u32 = $id;
            const NAME: &'static str = $tl;
            const MIN_BODY_BYTES: usize = 0;

            fn write_body(&self, _writer: &mut Writer) {}

            fn read_body(_reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok($name)
            }
        }
    };
}
pub(crate) use parameterless;

parameterless!(
    LogOut,
    ids::AUTH_LOG_OUT,
    "auth.logOut",
    "`auth.logOut`: end this key's authorization."
);
parameterless!(
    ResetAuthorizations,
    ids::AUTH_RESET_AUTHORIZATIONS,
    "auth.resetAuthorizations",
    "`auth.resetAuthorizations`: terminate every other authorization."
);

/// `auth.sendCode`: ask for a login code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SendCode {
    /// The phone number to log in with, in international format.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_PHONE_BYTES>))]
    pub phone_number: String,
    /// The app's id from my.telegram.org.
    pub api_id: i32,
    /// The app's secret hash, paired with `api_id`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub api_hash: String,
    /// How the client wants the code delivered, and its logout tokens.
    pub settings: CodeSettings,
}

impl Bare for SendCode {
    const ID: u32 = ids::AUTH_SEND_CODE;
    const NAME: &'static str = "auth.sendCode";
    const MIN_BODY_BYTES: usize = 4 + 4 + 4 + CodeSettings::MIN_BYTES;

    fn write_body(&self, writer: &mut Writer) {
        writer
            .string(&self.phone_number)
            .i32(self.api_id)
            .string(&self.api_hash);
        self.settings.write(writer);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SendCode {
            phone_number: reader.string(MAX_PHONE_BYTES)?,
            api_id: reader.i32()?,
            api_hash: reader.string(MAX_SHORT_STRING_BYTES)?,
            settings: CodeSettings::read(reader)?,
        })
    }
}

/// `auth.signIn`: log in with the code (absent: a future auth token matched).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SignIn {
    /// The phone number the code was sent to.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_PHONE_BYTES>))]
    pub phone_number: String,
    /// The `phone_code_hash` of the `auth.sentCode` answer.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub phone_code_hash: String,
    /// flags.0
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::option_string::<MAX_PHONE_CODE_BYTES>))]
    pub phone_code: Option<String>,
}

impl Bare for SignIn {
    const ID: u32 = ids::AUTH_SIGN_IN;
    const NAME: &'static str = "auth.signIn";
    const MIN_BODY_BYTES: usize = 4 + 4 + 4;

    fn write_body(&self, writer: &mut Writer) {
        writer
            .u32(bit(self.phone_code.is_some(), 0))
            .string(&self.phone_number)
            .string(&self.phone_code_hash);
        if let Some(code) = &self.phone_code {
            writer.string(code);
        }
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = read_flags(reader, 0b1, "auth.signIn.flags")?;
        Ok(SignIn {
            phone_number: reader.string(MAX_PHONE_BYTES)?,
            phone_code_hash: reader.string(MAX_SHORT_STRING_BYTES)?,
            phone_code: has(flags, 0).then(|| reader.string(MAX_PHONE_CODE_BYTES)).transpose()?,
        })
    }
}

/// `auth.resendCode`: deliver the pending code again, by the `next_type`
/// the last `auth.sentCode` announced (this project: SMS).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ResendCode {
    /// The phone number the code was sent to.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_PHONE_BYTES>))]
    pub phone_number: String,
    /// The `phone_code_hash` of the pending code.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub phone_code_hash: String,
    /// flags.0
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::option_string::<MAX_SHORT_STRING_BYTES>))]
    pub reason: Option<String>,
}

impl Bare for ResendCode {
    const ID: u32 = ids::AUTH_RESEND_CODE;
    const NAME: &'static str = "auth.resendCode";
    const MIN_BODY_BYTES: usize = 4 + 4 + 4;

    fn write_body(&self, writer: &mut Writer) {
        writer
            .u32(bit(self.reason.is_some(), 0))
            .string(&self.phone_number)
            .string(&self.phone_code_hash);
        if let Some(reason) = &self.reason {
            writer.string(reason);
        }
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = read_flags(reader, 0b1, "auth.resendCode.flags")?;
        Ok(ResendCode {
            phone_number: reader.string(MAX_PHONE_BYTES)?,
            phone_code_hash: reader.string(MAX_SHORT_STRING_BYTES)?,
            reason: has(flags, 0)
                .then(|| reader.string(MAX_SHORT_STRING_BYTES))
                .transpose()?,
        })
    }
}

/// `auth.checkPassword`: the 2FA step after `SESSION_PASSWORD_NEEDED`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CheckPassword {
    /// Proof of the account's 2FA password.
    pub password: InputCheckPassword,
}

impl Bare for CheckPassword {
    const ID: u32 = ids::AUTH_CHECK_PASSWORD;
    const NAME: &'static str = "auth.checkPassword";
    const MIN_BODY_BYTES: usize = InputCheckPassword::MIN_BYTES;

    fn write_body(&self, writer: &mut Writer) {
        self.password.write(writer);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(CheckPassword {
            password: InputCheckPassword::read(reader)?,
        })
    }
}

/// `auth.exportLoginToken`: a fresh key asks for a QR login token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ExportLoginToken {
    /// The app's id from my.telegram.org.
    pub api_id: i32,
    /// The app's secret hash, paired with `api_id`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub api_hash: String,
    /// User ids already logged in on this device.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<i64, MAX_EXCEPT_IDS>))]
    pub except_ids: Vec<i64>,
}

impl Bare for ExportLoginToken {
    const ID: u32 = ids::AUTH_EXPORT_LOGIN_TOKEN;
    const NAME: &'static str = "auth.exportLoginToken";
    const MIN_BODY_BYTES: usize = 4 + 4 + 8;

    fn write_body(&self, writer: &mut Writer) {
        writer.i32(self.api_id).string(&self.api_hash);
        write_i64_vector(writer, &self.except_ids);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ExportLoginToken {
            api_id: reader.i32()?,
            api_hash: reader.string(MAX_SHORT_STRING_BYTES)?,
            except_ids: read_i64_vector(reader, MAX_EXCEPT_IDS)?,
        })
    }
}

/// A function whose only parameter is a `token:bytes`.
macro_rules! token_function {
    ($name:ident, $id:expr, $tl:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        pub struct $name {
            /// The login token's bytes, as the QR code carries them.
            #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_TOKEN_BYTES>))]
            pub token: Vec<u8>,
        }

        impl Bare for $name {
            const ID: u32 = $id;
            const NAME: &'static str = $tl;
            const MIN_BODY_BYTES: usize = 4;

            fn write_body(&self, writer: &mut Writer) {
                writer.bytes(&self.token);
            }

            fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok($name {
                    token: read_bytes(reader, MAX_TOKEN_BYTES)?,
                })
            }
        }
    };
}

token_function!(
    AcceptLoginToken,
    ids::AUTH_ACCEPT_LOGIN_TOKEN,
    "auth.acceptLoginToken",
    "`auth.acceptLoginToken`: an authorized device accepts a scanned QR token."
);
token_function!(
    ImportLoginToken,
    ids::AUTH_IMPORT_LOGIN_TOKEN,
    "auth.importLoginToken",
    "`auth.importLoginToken`: finish a QR login on the account's home DC."
);

/// `auth.exportAuthorization`: ask the home DC for a transfer to `dc_id`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ExportAuthorization {
    /// The DC that will import the authorization.
    pub dc_id: i32,
}

impl Bare for ExportAuthorization {
    const ID: u32 = ids::AUTH_EXPORT_AUTHORIZATION;
    const NAME: &'static str = "auth.exportAuthorization";
    const MIN_BODY_BYTES: usize = 4;

    fn write_body(&self, writer: &mut Writer) {
        writer.i32(self.dc_id);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ExportAuthorization { dc_id: reader.i32()? })
    }
}

/// `auth.importAuthorization`: bind this DC's key as a derived authorization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ImportAuthorization {
    /// The user id from `auth.exportedAuthorization`.
    pub id: i64,
    /// The opaque bytes from `auth.exportedAuthorization`, MACed by the home DC.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_TOKEN_BYTES>))]
    pub bytes: Vec<u8>,
}

impl Bare for ImportAuthorization {
    const ID: u32 = ids::AUTH_IMPORT_AUTHORIZATION;
    const NAME: &'static str = "auth.importAuthorization";
    const MIN_BODY_BYTES: usize = 8 + 4;

    fn write_body(&self, writer: &mut Writer) {
        writer.i64(self.id).bytes(&self.bytes);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ImportAuthorization {
            id: reader.i64()?,
            bytes: read_bytes(reader, MAX_TOKEN_BYTES)?,
        })
    }
}

/// `auth.bindTempAuthKey`: sent under a temp key, binds it to a permanent one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct BindTempAuthKey {
    /// The id of the permanent key the temp key is bound to.
    pub perm_auth_key_id: i64,
    /// A random nonce, the one inside `encrypted_message` (`bind_auth_key_inner.nonce`).
    pub nonce: i64,
    /// Unix seconds after which the temp key is dead.
    pub expires_at: i32,
    /// The binding message, encrypted with the permanent key.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_ENCRYPTED_MESSAGE_BYTES>))]
    pub encrypted_message: Vec<u8>,
}

impl Bare for BindTempAuthKey {
    const ID: u32 = ids::AUTH_BIND_TEMP_AUTH_KEY;
    const NAME: &'static str = "auth.bindTempAuthKey";
    const MIN_BODY_BYTES: usize = 8 + 8 + 4 + 4;

    fn write_body(&self, writer: &mut Writer) {
        writer
            .i64(self.perm_auth_key_id)
            .i64(self.nonce)
            .i32(self.expires_at)
            .bytes(&self.encrypted_message);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(BindTempAuthKey {
            perm_auth_key_id: reader.i64()?,
            nonce: reader.i64()?,
            expires_at: reader.i32()?,
            encrypted_message: read_bytes(reader, MAX_ENCRYPTED_MESSAGE_BYTES)?,
        })
    }
}

/// `bind_auth_key_inner`: the binding message inside
/// `auth.bindTempAuthKey.encrypted_message` (MTProto schema, api/pfs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct BindAuthKeyInner {
    /// The same random nonce as `auth.bindTempAuthKey.nonce`.
    pub nonce: i64,
    /// The temp key the request is sent under.
    pub temp_auth_key_id: i64,
    /// The permanent key it binds to.
    pub perm_auth_key_id: i64,
    /// The session `auth.bindTempAuthKey` is sent in.
    pub temp_session_id: i64,
    /// The same `expires_at` as the request's.
    pub expires_at: i32,
}

impl Bare for BindAuthKeyInner {
    const ID: u32 = ids::BIND_AUTH_KEY_INNER;
    const NAME: &'static str = "bind_auth_key_inner";
    const MIN_BODY_BYTES: usize = 8 * 4 + 4;

    fn write_body(&self, writer: &mut Writer) {
        writer
            .i64(self.nonce)
            .i64(self.temp_auth_key_id)
            .i64(self.perm_auth_key_id)
            .i64(self.temp_session_id)
            .i32(self.expires_at);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(BindAuthKeyInner {
            nonce: reader.i64()?,
            temp_auth_key_id: reader.i64()?,
            perm_auth_key_id: reader.i64()?,
            temp_session_id: reader.i64()?,
            expires_at: reader.i32()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_auth_key_inner_is_forty_bytes_with_its_id() {
        let inner = BindAuthKeyInner {
            nonce: 1,
            temp_auth_key_id: 2,
            perm_auth_key_id: 3,
            temp_session_id: 4,
            expires_at: 5,
        };
        let bytes = inner.encode();
        assert_eq!(bytes.len(), 40);
        assert_eq!(bytes[..4], 0x75a3_f765u32.to_le_bytes());
        assert_eq!(BindAuthKeyInner::decode(&bytes), Ok(inner));
    }

    #[test]
    fn parameterless_functions_are_just_their_ids() {
        assert_eq!(hex::encode(LogOut.encode()), "19ba723e");
        assert_eq!(hex::encode(ResetAuthorizations.encode()), "1a0dab9f");
        assert_eq!(LogOut::decode(&LogOut.encode()), Ok(LogOut));
        assert!(matches!(
            LogOut::decode(&[0x19, 0xba, 0x72, 0x3e, 0]),
            Err(DecodeError::TrailingBytes { .. })
        ));
    }

    #[test]
    fn send_code_layout() {
        let call = SendCode {
            phone_number: "+1".into(),
            api_id: 6,
            api_hash: "h".into(),
            settings: CodeSettings::default(),
        };
        assert_eq!(
            hex::encode(call.encode()),
            "4f2477a6022b31000600000001680000783d25ad00000000"
        );
        assert_eq!(SendCode::decode(&call.encode()), Ok(call));
    }

    #[test]
    fn sign_in_code_is_flags_0() {
        let with_code = SignIn {
            phone_number: "1".into(),
            phone_code_hash: "h".into(),
            phone_code: Some("12345".into()),
        };
        assert_eq!(
            hex::encode(with_code.encode()),
            "51a9528d0100000001310000016800000531323334350000"
        );
        let without = SignIn {
            phone_code: None,
            ..with_code.clone()
        };
        assert_eq!(hex::encode(&without.encode()[4..8]), "00000000");
        for call in [with_code, without] {
            assert_eq!(SignIn::decode(&call.encode()), Ok(call));
        }
        // email_verification (flags.1) is not modelled.
        let mut encoded = SignIn::default().encode();
        encoded[4] = 0b10;
        assert!(matches!(SignIn::decode(&encoded), Err(DecodeError::Invalid { .. })));
    }

    #[test]
    fn resend_code_layout_and_reason_flag() {
        let plain = ResendCode {
            phone_number: "1".into(),
            phone_code_hash: "h".into(),
            reason: None,
        };
        assert_eq!(hex::encode(plain.encode()), "2375e4ca000000000131000001680000");
        let with_reason = ResendCode {
            reason: Some("x".into()),
            ..plain.clone()
        };
        assert_eq!(
            hex::encode(with_reason.encode()),
            "2375e4ca01000000013100000168000001780000"
        );
        for call in [plain, with_reason] {
            assert_eq!(ResendCode::decode(&call.encode()), Ok(call));
        }
        let mut encoded = ResendCode::default().encode();
        encoded[4] = 0b10;
        assert!(matches!(ResendCode::decode(&encoded), Err(DecodeError::Invalid { .. })));
    }

    #[test]
    fn token_and_transfer_layouts() {
        let accept = AcceptLoginToken { token: vec![1] };
        assert_eq!(hex::encode(accept.encode()), "4dad94e801010000");
        let import = ImportLoginToken { token: vec![] };
        assert_eq!(hex::encode(import.encode()), "e45cac9500000000");
        let export = ExportAuthorization { dc_id: 4 };
        assert_eq!(hex::encode(export.encode()), "cdffbfe504000000");
        let login_token = ExportLoginToken {
            api_id: 1,
            api_hash: String::new(),
            except_ids: vec![3],
        };
        assert_eq!(
            hex::encode(login_token.encode()),
            "fe85e0b7010000000000000015c4b51c010000000300000000000000"
        );
        assert_eq!(AcceptLoginToken::decode(&accept.encode()), Ok(accept));
        assert_eq!(ImportLoginToken::decode(&import.encode()), Ok(import));
        assert_eq!(ExportAuthorization::decode(&export.encode()), Ok(export));
        assert_eq!(ExportLoginToken::decode(&login_token.encode()), Ok(login_token));
    }

    #[test]
    fn import_and_bind_layouts() {
        let import = ImportAuthorization { id: 9, bytes: vec![2] };
        assert_eq!(hex::encode(import.encode()), "ad7d7aa5090000000000000001020000");
        let bind = BindTempAuthKey {
            perm_auth_key_id: 1,
            nonce: 2,
            expires_at: 3,
            encrypted_message: vec![],
        };
        assert_eq!(
            hex::encode(bind.encode()),
            "052ad4cd010000000000000002000000000000000300000000000000"
        );
        assert_eq!(ImportAuthorization::decode(&import.encode()), Ok(import));
        assert_eq!(BindTempAuthKey::decode(&bind.encode()), Ok(bind));
        let check = CheckPassword {
            password: InputCheckPassword::Empty,
        };
        assert_eq!(hex::encode(check.encode()), "164d8bd158f68098");
        assert_eq!(CheckPassword::decode(&check.encode()), Ok(check));
    }
}
