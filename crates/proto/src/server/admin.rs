//! Administrative commands: what the datacenter's operator (not a client)
//! does to the session layer, handed to [`Server::handle_admin`](super::Server::handle_admin).

use crate::auth::{DeletionPhase, PASSWORD_SALT_BYTES};
use crate::id::{AuthKeyId, UserId};

/// One administrative command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminCommand<'a> {
    /// Advance an account deletion one phase (lock → erase → release);
    /// `stored_bytes` is what the erase phase removes.
    AdvanceDeletion {
        /// The account being deleted.
        user_id: UserId,
        /// Bytes of the account's stored data (counted when erased).
        stored_bytes: u64,
    },
    /// Set, change or remove the account's 2FA password on behalf of the
    /// home session `key_id`, as `account.updatePasswordSettings` does;
    /// `salt` salts the new verifier.
    UpdatePassword {
        /// The home session acting.
        key_id: AuthKeyId,
        /// The current password, when one is set.
        current: Option<&'a [u8]>,
        /// The new password, or `None` to turn 2FA off.
        new: Option<&'a [u8]>,
        /// The new verifier's salt (the caller's randomness).
        salt: [u8; PASSWORD_SALT_BYTES],
    },
}

/// What an administrative command did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminAnswer {
    /// The deletion reached this phase.
    Deletion(DeletionPhase),
    /// The password was set, changed or removed.
    PasswordUpdated,
}
