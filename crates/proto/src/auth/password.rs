//! The 2FA password verifier: salted SHA-256, `SHA256(salt ‖ pw ‖ salt)`.
//! DESIGN.md allows it in place of full SRP; the simulator models who knows
//! the password, not the strength of the exchange.

use sha2::{Digest, Sha256};

/// Bytes of salt.
/// Bytes of the random salt of a password verifier.
pub const PASSWORD_SALT_BYTES: usize = 16;

/// What the server stores instead of the password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PasswordVerifier {
    salt: [u8; PASSWORD_SALT_BYTES],
    hash: [u8; 32],
}

impl std::fmt::Debug for PasswordVerifier {
    // Never print the verifier.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PasswordVerifier(..)")
    }
}

impl PasswordVerifier {
    /// A verifier for `password` with a given salt.
    pub(crate) fn with_salt(password: &[u8], salt: [u8; PASSWORD_SALT_BYTES]) -> PasswordVerifier {
        PasswordVerifier {
            salt,
            hash: salted_hash(&salt, password),
        }
    }

    /// Whether `password` matches. Compares without early exit, out of habit.
    pub(crate) fn verify(&self, password: &[u8]) -> bool {
        constant_time_eq(&salted_hash(&self.salt, password), &self.hash)
    }
}

/// Equal lengths and bytes, compared without early exit.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b.iter()).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// `SHA256(salt ‖ password ‖ salt)`; also the cluster MAC, with the secret as salt.
pub(crate) fn salted_hash(salt: &[u8], password: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(password);
    hasher.update(salt);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_right_password() {
        let verifier = PasswordVerifier::with_salt(b"hunter2", [7; PASSWORD_SALT_BYTES]);
        assert!(verifier.verify(b"hunter2"));
        assert!(!verifier.verify(b"hunter3"));
        assert!(!verifier.verify(b""));
    }

    #[test]
    fn hash_is_salt_password_salt() {
        let expected: [u8; 32] = Sha256::digest(b"SpwS").into();
        assert_eq!(salted_hash(b"S", b"pw"), expected);
    }
}
