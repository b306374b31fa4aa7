//! The `account.*` functions the project models: the session list and what
//! an owner can do with it, and account deletion.
//!
//! ```text
//! account.getAuthorizations#e320c158 = account.Authorizations;
//! account.resetAuthorization#df77f3bc hash:long = Bool;
//! account.setAuthorizationTTL#bf899aa0 authorization_ttl_days:int = Bool;
//! account.changeAuthorizationSettings#40f48462 flags:# confirmed:flags.3?true hash:long
//!   encrypted_requests_disabled:flags.0?Bool call_requests_disabled:flags.1?Bool = Bool;
//! account.deleteAccount#a2c0cf74 flags:# reason:string
//!   password:flags.0?InputCheckPasswordSRP = Bool;
//! account.updatePasswordSettings#a59b102f password:InputCheckPasswordSRP
//!   new_settings:account.PasswordInputSettings = Bool;
//! ```
//!
//! `account.updatePasswordSettings` carries the project's plain password
//! proof and new-password settings (see [`InputCheckPassword`] and
//! [`PasswordInputSettings`]), as `auth.checkPassword` does.
//!
//! The project's server may answer `account.getAuthorizations` with the
//! private `sessionlab.authorizationsWithSignals` (see
//! [`AuthorizationsWithSignals`](super::AuthorizationsWithSignals)).

use super::auth_functions::parameterless;
use super::limits::MAX_SHORT_STRING_BYTES;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_flags, Bare, TlObject};
use super::password::{InputCheckPassword, PasswordInputSettings};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

parameterless!(
    GetAuthorizations,
    ids::ACCOUNT_GET_AUTHORIZATIONS,
    "account.getAuthorizations",
    "`account.getAuthorizations`: list the account's sessions."
);

/// `account.resetAuthorization`: terminate the session with this `hash`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ResetAuthorization {
    /// The `hash` of the session to terminate, as `authorization.hash` lists it.
    pub hash: i64,
}

impl Bare for ResetAuthorization {
    const ID: u32 = ids::ACCOUNT_RESET_AUTHORIZATION;
    const NAME: &'static str = "account.resetAuthorization";
    const MIN_BODY_BYTES: usize = 8;

    fn write_body(&self, writer: &mut Writer) {
        writer.i64(self.hash);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(ResetAuthorization { hash: reader.i64()? })
    }
}

/// `account.setAuthorizationTTL`: terminate sessions inactive this long.
/// The value is not range-checked here: 1..=366 is a server rule
/// (`TTL_DAYS_INVALID`), not a wire one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SetAuthorizationTtl {
    /// The new inactivity TTL in days (1..=366 is accepted).
    pub authorization_ttl_days: i32,
}

impl Bare for SetAuthorizationTtl {
    const ID: u32 = ids::ACCOUNT_SET_AUTHORIZATION_TTL;
    const NAME: &'static str = "account.setAuthorizationTTL";
    const MIN_BODY_BYTES: usize = 4;

    fn write_body(&self, writer: &mut Writer) {
        writer.i32(self.authorization_ttl_days);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(SetAuthorizationTtl {
            authorization_ttl_days: reader.i32()?,
        })
    }
}

/// `account.changeAuthorizationSettings`: confirm a new login, or toggle
/// what a session accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct ChangeAuthorizationSettings {
    /// flags.3: "yes, this was me".
    pub confirmed: bool,
    /// The `hash` of the session to confirm or change, as `authorization.hash` lists it.
    pub hash: i64,
    /// flags.0
    pub encrypted_requests_disabled: Option<bool>,
    /// flags.1
    pub call_requests_disabled: Option<bool>,
}

impl Bare for ChangeAuthorizationSettings {
    const ID: u32 = ids::ACCOUNT_CHANGE_AUTHORIZATION_SETTINGS;
    const NAME: &'static str = "account.changeAuthorizationSettings";
    const MIN_BODY_BYTES: usize = 4 + 8;

    fn write_body(&self, writer: &mut Writer) {
        let flags = bit(self.encrypted_requests_disabled.is_some(), 0)
            | bit(self.call_requests_disabled.is_some(), 1)
            | bit(self.confirmed, 3);
        writer.u32(flags).i64(self.hash);
        if let Some(disabled) = self.encrypted_requests_disabled {
            writer.bool(disabled);
        }
        if let Some(disabled) = self.call_requests_disabled {
            writer.bool(disabled);
        }
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = read_flags(reader, 0b1011, "account.changeAuthorizationSettings.flags")?;
        Ok(ChangeAuthorizationSettings {
            confirmed: has(flags, 3),
            hash: reader.i64()?,
            encrypted_requests_disabled: has(flags, 0).then(|| reader.bool()).transpose()?,
            call_requests_disabled: has(flags, 1).then(|| reader.bool()).transpose()?,
        })
    }
}

/// `account.deleteAccount`: delete the account (with 2FA and no password,
/// the deletion waits a week).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct DeleteAccount {
    /// Why the account is deleted, free text.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub reason: String,
    /// flags.0
    pub password: Option<InputCheckPassword>,
}

impl Bare for DeleteAccount {
    const ID: u32 = ids::ACCOUNT_DELETE_ACCOUNT;
    const NAME: &'static str = "account.deleteAccount";
    const MIN_BODY_BYTES: usize = 4 + 4;

    fn write_body(&self, writer: &mut Writer) {
        writer.u32(bit(self.password.is_some(), 0)).string(&self.reason);
        if let Some(password) = &self.password {
            password.write(writer);
        }
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let flags = read_flags(reader, 0b1, "account.deleteAccount.flags")?;
        Ok(DeleteAccount {
            reason: reader.string(MAX_SHORT_STRING_BYTES)?,
            password: has(flags, 0).then(|| InputCheckPassword::read(reader)).transpose()?,
        })
    }
}

/// `account.updatePasswordSettings`: set, change or remove the 2FA
/// password. `password` proves the current one (`inputCheckPasswordEmpty`
/// when there is none).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct UpdatePasswordSettings {
    /// Proof of the current password (`inputCheckPasswordEmpty` when none is set).
    pub password: InputCheckPassword,
    /// The new password, hint and recovery settings (no new password: remove it).
    pub new_settings: PasswordInputSettings,
}

impl Bare for UpdatePasswordSettings {
    const ID: u32 = ids::ACCOUNT_UPDATE_PASSWORD_SETTINGS;
    const NAME: &'static str = "account.updatePasswordSettings";
    const MIN_BODY_BYTES: usize = InputCheckPassword::MIN_BYTES + PasswordInputSettings::MIN_BYTES;

    fn write_body(&self, writer: &mut Writer) {
        self.password.write(writer);
        self.new_settings.write(writer);
    }

    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(UpdatePasswordSettings {
            password: InputCheckPassword::read(reader)?,
            new_settings: PasswordInputSettings::read(reader)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_account_functions_are_byte_exact() {
        assert_eq!(hex::encode(GetAuthorizations.encode()), "58c120e3");
        let reset = ResetAuthorization { hash: -2 };
        assert_eq!(hex::encode(reset.encode()), "bcf377dffeffffffffffffff");
        let ttl = SetAuthorizationTtl {
            authorization_ttl_days: 366,
        };
        assert_eq!(hex::encode(ttl.encode()), "a09a89bf6e010000");
        assert_eq!(ResetAuthorization::decode(&reset.encode()), Ok(reset));
        assert_eq!(SetAuthorizationTtl::decode(&ttl.encode()), Ok(ttl));
    }

    #[test]
    fn change_settings_flags_and_bools() {
        let confirm = ChangeAuthorizationSettings {
            confirmed: true,
            hash: 1,
            ..ChangeAuthorizationSettings::default()
        };
        assert_eq!(hex::encode(confirm.encode()), "6284f440080000000100000000000000");
        let toggles = ChangeAuthorizationSettings {
            confirmed: false,
            hash: 1,
            encrypted_requests_disabled: Some(true),
            call_requests_disabled: Some(false),
        };
        assert_eq!(
            hex::encode(toggles.encode()),
            "6284f440030000000100000000000000b5757299379779bc"
        );
        for call in [confirm, toggles] {
            assert_eq!(ChangeAuthorizationSettings::decode(&call.encode()), Ok(call));
        }
        // flags.2 is not part of the schema.
        let mut encoded = confirm.encode();
        encoded[4] |= 0b100;
        assert!(matches!(
            ChangeAuthorizationSettings::decode(&encoded),
            Err(DecodeError::Invalid { .. })
        ));
    }

    #[test]
    fn delete_account_with_and_without_password() {
        let plain = DeleteAccount {
            reason: "x".into(),
            password: None,
        };
        assert_eq!(hex::encode(plain.encode()), "74cfc0a20000000001780000");
        let with_password = DeleteAccount {
            reason: String::new(),
            password: Some(InputCheckPassword::Plain(vec![3; 32])),
        };
        let encoded = with_password.encode();
        assert_eq!(hex::encode(&encoded[4..12]), "0100000000000000");
        assert_eq!(
            encoded[12..16],
            ids::SESSIONLAB_INPUT_CHECK_PASSWORD_PLAIN.to_le_bytes()
        );
        for call in [plain, with_password] {
            assert_eq!(DeleteAccount::decode(&call.encode()), Ok(call));
        }
    }

    #[test]
    fn update_password_settings_layout() {
        let enable = UpdatePasswordSettings {
            password: InputCheckPassword::Empty,
            new_settings: PasswordInputSettings {
                new_password: Some(b"pw".to_vec()),
            },
        };
        assert_eq!(hex::encode(enable.encode()), "2f109ba558f68098ba1a555e0100000002707700");
        let disable = UpdatePasswordSettings {
            password: InputCheckPassword::Plain(b"pw".to_vec()),
            new_settings: PasswordInputSettings::default(),
        };
        assert_eq!(
            hex::encode(disable.encode()),
            "2f109ba5b11a555e02707700ba1a555e00000000"
        );
        for call in [enable, disable] {
            assert_eq!(UpdatePasswordSettings::decode(&call.encode()), Ok(call));
        }
    }
}
