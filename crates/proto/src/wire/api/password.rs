//! The 2FA password proof carried by `auth.checkPassword`,
//! `account.deleteAccount` and `account.updatePasswordSettings`, and the new
//! password the last one sets.
//!
//! ```text
//! inputCheckPasswordEmpty#9880f658 = InputCheckPasswordSRP;
//! sessionlab.inputCheckPasswordPlain#5e551ab1 password:bytes = InputCheckPasswordSRP;
//! sessionlab.passwordInputSettings#5e551aba flags:# new_password:flags.0?bytes
//!   = account.PasswordInputSettings;
//! ```
//!
//! Telegram proves the password with SRP (`inputCheckPasswordSRP#d27ff082
//! srp_id:long A:bytes M1:bytes`). The simulator only models *who knows the
//! password*, not SRP's resistance to a malicious server, so the project
//! replaces SRP with a project-private constructor of the same boxed type
//! that carries the password itself, inside the encrypted channel. The
//! server keeps only a salted SHA-256 verifier, `SHA256(salt ‖ password ‖
//! salt)` (DESIGN.md §3.2), and checks the password against it; a client
//! therefore needs no salt. The real `inputCheckPasswordEmpty` stays for
//! "no password given".
//!
//! Likewise Telegram's `account.passwordInputSettings` (an SRP verifier with
//! its KDF parameters, a hint, a recovery email) is replaced by a private
//! constructor of the same boxed type carrying the new password itself, or
//! none to turn 2FA off; the server derives its own verifier.

#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_bytes, read_flags, unknown, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// Longest password accepted.
pub const MAX_PASSWORD_BYTES: usize = 256;

/// A password, or none.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum InputCheckPassword {
    /// `inputCheckPasswordEmpty`: no password supplied.
    Empty,
    /// `sessionlab.inputCheckPasswordPlain`: the password (encrypted in transit).
    Plain(#[cfg_attr(feature = "arbitrary", arbitrary(with = arb::bytes::<MAX_PASSWORD_BYTES>))] Vec<u8>),
}

impl std::fmt::Debug for InputCheckPassword {
    // Never print a password.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputCheckPassword::Empty => formatter.write_str("Empty"),
            InputCheckPassword::Plain(password) => write!(formatter, "Plain({} bytes)", password.len()),
        }
    }
}

/// `account.PasswordInputSettings`: the password to set, or none (2FA off).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct PasswordInputSettings {
    /// flags.0
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::option_bytes::<MAX_PASSWORD_BYTES>))]
    pub new_password: Option<Vec<u8>>,
}

impl std::fmt::Debug for PasswordInputSettings {
    // Never print a password.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.new_password {
            None => formatter.write_str("PasswordInputSettings(none)"),
            Some(password) => write!(formatter, "PasswordInputSettings({} bytes)", password.len()),
        }
    }
}

impl TlObject for PasswordInputSettings {
    const NAME: &'static str = "account.PasswordInputSettings";
    const MIN_BYTES: usize = 8;

    fn write(&self, writer: &mut Writer) {
        writer
            .u32(ids::SESSIONLAB_PASSWORD_INPUT_SETTINGS)
            .u32(bit(self.new_password.is_some(), 0));
        if let Some(password) = &self.new_password {
            writer.bytes(password);
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(ids::SESSIONLAB_PASSWORD_INPUT_SETTINGS, Self::NAME)?;
        let flags = read_flags(reader, 0b1, "sessionlab.passwordInputSettings.flags")?;
        Ok(PasswordInputSettings {
            new_password: has(flags, 0)
                .then(|| read_bytes(reader, MAX_PASSWORD_BYTES))
                .transpose()?,
        })
    }
}

impl TlObject for InputCheckPassword {
    const NAME: &'static str = "InputCheckPasswordSRP";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        match self {
            InputCheckPassword::Empty => writer.u32(ids::INPUT_CHECK_PASSWORD_EMPTY),
            InputCheckPassword::Plain(password) => {
                writer.u32(ids::SESSIONLAB_INPUT_CHECK_PASSWORD_PLAIN).bytes(password)
            }
        };
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::INPUT_CHECK_PASSWORD_EMPTY => Ok(InputCheckPassword::Empty),
            ids::SESSIONLAB_INPUT_CHECK_PASSWORD_PLAIN => {
                Ok(InputCheckPassword::Plain(reader.bytes(MAX_PASSWORD_BYTES)?.to_vec()))
            }
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_byte_exact() {
        assert_eq!(hex::encode(InputCheckPassword::Empty.encode()), "58f68098");
        let proof = InputCheckPassword::Plain(b"hunter2".to_vec());
        let encoded = proof.encode();
        assert_eq!(hex::encode(&encoded), "b11a555e0768756e74657232");
        assert_eq!(InputCheckPassword::decode(&encoded), Ok(proof));
        assert_eq!(
            InputCheckPassword::decode(&InputCheckPassword::Empty.encode()),
            Ok(InputCheckPassword::Empty)
        );
    }

    #[test]
    fn real_srp_long_and_truncated_passwords_are_errors() {
        // inputCheckPasswordSRP#d27ff082 is deliberately not supported.
        assert!(matches!(
            InputCheckPassword::decode(&0xd27f_f082u32.to_le_bytes()),
            Err(DecodeError::UnknownConstructor { .. })
        ));
        let encoded = InputCheckPassword::Plain(vec![1; 20]).encode();
        assert!(matches!(
            InputCheckPassword::decode(&encoded[..12]),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
        let mut long = Writer::new();
        long.u32(ids::SESSIONLAB_INPUT_CHECK_PASSWORD_PLAIN)
            .bytes(&[0; MAX_PASSWORD_BYTES + 1]);
        assert!(matches!(
            InputCheckPassword::decode(&long.finish()),
            Err(DecodeError::TooLong { .. })
        ));
    }

    #[test]
    fn debug_never_shows_the_password() {
        assert_eq!(
            format!("{:?}", InputCheckPassword::Plain(b"secret".to_vec())),
            "Plain(6 bytes)"
        );
        let settings = PasswordInputSettings {
            new_password: Some(b"secret".to_vec()),
        };
        assert_eq!(format!("{settings:?}"), "PasswordInputSettings(6 bytes)");
    }

    #[test]
    fn password_input_settings_layouts() {
        let off = PasswordInputSettings::default();
        assert_eq!(hex::encode(off.encode()), "ba1a555e00000000");
        let on = PasswordInputSettings {
            new_password: Some(b"pw".to_vec()),
        };
        assert_eq!(hex::encode(on.encode()), "ba1a555e0100000002707700");
        for settings in [off, on] {
            assert_eq!(PasswordInputSettings::decode(&settings.encode()), Ok(settings));
        }
        let mut long = Writer::new();
        long.u32(ids::SESSIONLAB_PASSWORD_INPUT_SETTINGS)
            .u32(1)
            .bytes(&[0; MAX_PASSWORD_BYTES + 1]);
        assert!(matches!(
            PasswordInputSettings::decode(&long.finish()),
            Err(DecodeError::TooLong { .. })
        ));
        // Telegram's SRP account.passwordInputSettings#c23727c9 is not supported.
        assert!(matches!(
            PasswordInputSettings::decode(&0xc237_27c9u32.to_le_bytes()),
            Err(DecodeError::UnknownConstructor { .. })
        ));
    }
}
