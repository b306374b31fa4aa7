//! The 2FA password proof carried by `auth.checkPassword` and
//! `account.deleteAccount`.
//!
//! ```text
//! inputCheckPasswordEmpty#9880f658 = InputCheckPasswordSRP;
//! sessionlab.inputCheckPasswordSha256#5e551ab1 verifier:int256 = InputCheckPasswordSRP;
//! ```
//!
//! Telegram proves the password with SRP (`inputCheckPasswordSRP#d27ff082
//! srp_id:long A:bytes M1:bytes`). The simulator only models *who knows the
//! password*, not SRP's resistance to a malicious server, so the project
//! replaces SRP with a project-private constructor of the same boxed type
//! carrying a salted SHA-256 verifier, `SHA256(salt ‖ password ‖ salt)`
//! (DESIGN.md §3.2), as a raw 32-byte `int256`. The real
//! `inputCheckPasswordEmpty` stays for "no password given".

use arbitrary::Arbitrary;

use super::object::{unknown, TlObject};
use crate::proto::wire::codec::{DecodeError, Reader, Writer};
use crate::proto::wire::ids;

/// Bytes of a SHA-256 verifier.
pub const VERIFIER_BYTES: usize = 32;

/// A password proof, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Arbitrary)]
pub enum InputCheckPassword {
    /// `inputCheckPasswordEmpty`: no password supplied.
    Empty,
    /// `sessionlab.inputCheckPasswordSha256`: `SHA256(salt ‖ password ‖ salt)`.
    Sha256([u8; VERIFIER_BYTES]),
}

impl TlObject for InputCheckPassword {
    const NAME: &'static str = "InputCheckPasswordSRP";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        match self {
            InputCheckPassword::Empty => writer.u32(ids::INPUT_CHECK_PASSWORD_EMPTY),
            InputCheckPassword::Sha256(verifier) => {
                writer.u32(ids::SESSIONLAB_INPUT_CHECK_PASSWORD_SHA256).raw(verifier)
            }
        };
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::INPUT_CHECK_PASSWORD_EMPTY => Ok(InputCheckPassword::Empty),
            ids::SESSIONLAB_INPUT_CHECK_PASSWORD_SHA256 => {
                let mut verifier = [0u8; VERIFIER_BYTES];
                verifier.copy_from_slice(reader.take(VERIFIER_BYTES)?);
                Ok(InputCheckPassword::Sha256(verifier))
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
        let proof = InputCheckPassword::Sha256([0xab; VERIFIER_BYTES]);
        let encoded = proof.encode();
        assert_eq!(hex::encode(&encoded[..4]), "b11a555e");
        assert_eq!(encoded.len(), 4 + VERIFIER_BYTES, "int256 is raw, no length prefix");
        assert_eq!(InputCheckPassword::decode(&encoded), Ok(proof));
        assert_eq!(
            InputCheckPassword::decode(&InputCheckPassword::Empty.encode()),
            Ok(InputCheckPassword::Empty)
        );
    }

    #[test]
    fn real_srp_and_short_verifier_are_errors() {
        // inputCheckPasswordSRP#d27ff082 is deliberately not supported.
        assert!(matches!(
            InputCheckPassword::decode(&0xd27f_f082u32.to_le_bytes()),
            Err(DecodeError::UnknownConstructor { .. })
        ));
        let encoded = InputCheckPassword::Sha256([1; VERIFIER_BYTES]).encode();
        assert!(matches!(
            InputCheckPassword::decode(&encoded[..20]),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
    }
}
