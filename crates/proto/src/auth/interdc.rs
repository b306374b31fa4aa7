//! Messages between DCs and how a DC handles them. DCs never share state:
//! the caller carries each [`InterDcMessage`] (the simulator may delay, lose
//! or duplicate it), so every handler is idempotent. The cluster network is
//! assumed authentic; what crosses untrusted hands (exported tokens) is MACed.

use super::error::AuthRejection;
use super::events::{AuthEventKind, Effect};
use super::keys::KeyBinding;
use super::qr::Nonce;
use super::qr_migrate::ImportToken;
use super::DcAuthority;
use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use crate::time::Instant;

/// A message from one DC to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterDcMessage {
    /// The sending DC.
    pub from: DcId,
    /// The DC it is addressed to.
    pub to: DcId,
    /// What it says.
    pub body: InterDcBody,
}

/// What DCs say to each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterDcBody {
    /// Home → target: end every derived authorization of these home hashes.
    Revoke {
        /// Chosen by the home DC; echoed in the ack.
        revocation_id: u64,
        /// The account whose authorizations ended.
        user_id: UserId,
        /// The hashes of the ended home authorizations.
        home_hashes: Vec<AuthorizationHash>,
        /// What requests under the derived keys get from now on.
        reason: AuthRejection,
    },
    /// Target → home: done (also sent when nothing was derived).
    RevokeAck {
        /// The `revocation_id` of the `Revoke` applied.
        revocation_id: u64,
    },
    /// Target → home (lazy): is this home authorization still valid?
    Validate {
        /// The account.
        user_id: UserId,
        /// The hash of the home authorization the derived one comes from.
        home_hash: AuthorizationHash,
    },
    /// Home → target: the verdict, as of `vouched_at` on the home DC.
    ValidateReply {
        /// The account.
        user_id: UserId,
        /// The hash of the home authorization asked about.
        home_hash: AuthorizationHash,
        /// `Ok`: still valid; else why it ended.
        verdict: Result<(), AuthRejection>,
        /// When the home DC judged it (its clock); the target caches from here.
        vouched_at: Instant,
    },
    /// Home → exporting DC: a session accepted the QR token with `nonce`;
    /// its key is to import `import_token` on the home DC before `expires_at`.
    LoginTokenAccepted {
        /// The random part of the accepted QR token.
        nonce: Nonce,
        /// The secret of `auth.loginTokenMigrateTo`, for the exporting key only.
        import_token: ImportToken,
        /// When the home DC stops accepting the import.
        expires_at: Instant,
    },
}

/// A message this DC cannot take.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InterDcError {
    /// The message was addressed to another datacenter.
    #[error("message for DC {to} delivered to DC {me}")]
    WrongDestination {
        /// The datacenter the message names.
        to: DcId,
        /// The datacenter it reached.
        me: DcId,
    },
}

impl DcAuthority {
    /// Queue a message to `to`.
    pub(crate) fn send_inter_dc(&mut self, now: Instant, to: DcId, body: InterDcBody) {
        let message = InterDcMessage {
            from: self.dc_id,
            to,
            body,
        };
        self.effect(now, Effect::InterDc(message));
    }

    /// Handle a message from another DC.
    pub fn handle_inter_dc(&mut self, now: Instant, message: InterDcMessage) -> Result<(), InterDcError> {
        if message.to != self.dc_id {
            return Err(InterDcError::WrongDestination {
                to: message.to,
                me: self.dc_id,
            });
        }
        match message.body {
            InterDcBody::Revoke {
                revocation_id,
                user_id,
                home_hashes,
                reason,
            } => {
                for home_hash in home_hashes {
                    #[cfg(feature = "mutants")]
                    if crate::mutant::is(self.policy.mutant, crate::mutant::Mutant::DerivedNotRevoked) {
                        continue;
                    }
                    self.end_derived(now, user_id, home_hash, reason);
                }
                self.send_inter_dc(now, message.from, InterDcBody::RevokeAck { revocation_id });
            }
            InterDcBody::RevokeAck { revocation_id } => self.on_revoke_ack(now, message.from, revocation_id),
            InterDcBody::Validate { user_id, home_hash } => {
                let verdict = self.home_verdict(user_id, home_hash);
                let reply = InterDcBody::ValidateReply {
                    user_id,
                    home_hash,
                    verdict,
                    vouched_at: now,
                };
                self.send_inter_dc(now, message.from, reply);
            }
            InterDcBody::ValidateReply {
                user_id,
                home_hash,
                verdict,
                vouched_at,
            } => match verdict {
                Ok(()) => self.revalidated(user_id, home_hash, vouched_at),
                Err(reason) => self.end_derived(now, user_id, home_hash, reason),
            },
            InterDcBody::LoginTokenAccepted {
                nonce,
                import_token,
                expires_at,
            } => self.on_login_token_accepted(now, message.from, &nonce, import_token, expires_at),
        }
        Ok(())
    }

    /// On the home DC: whether (user, hash) is a live, usable authorization.
    fn home_verdict(&self, user_id: UserId, home_hash: AuthorizationHash) -> Result<(), AuthRejection> {
        let Some(account) = self.accounts.get(&user_id) else {
            return Err(AuthRejection::KeyUnregistered);
        };
        if !account.state.serves_requests() {
            return Err(AuthRejection::UserDeactivated);
        }
        match account.authorizations().find(|auth| auth.hash == home_hash) {
            Some(auth) if !auth.password_pending => Ok(()),
            Some(_) => Err(AuthRejection::PasswordNeeded),
            None => Err(self
                .revoked_homes
                .get(&(user_id, home_hash))
                .copied()
                .unwrap_or(AuthRejection::KeyUnregistered)),
        }
    }

    /// The home DC vouched at `vouched_at`: refresh the cache (never backwards).
    fn revalidated(&mut self, user_id: UserId, home_hash: AuthorizationHash, vouched_at: Instant) {
        let keys: Vec<_> = self
            .derived_by_home
            .get(&(user_id, home_hash))
            .into_iter()
            .flatten()
            .copied()
            .collect();
        for key_id in keys {
            if let Some(KeyBinding::Derived(derived)) = self.keys.binding_mut(key_id) {
                derived.validated_at = derived.validated_at.max(vouched_at);
                derived.validation_requested_at = None;
            }
        }
    }

    /// End every derived authorization of (user, home hash) here, and
    /// remember the home hash as revoked so a late import fails.
    pub(crate) fn end_derived(
        &mut self,
        now: Instant,
        user_id: UserId,
        home_hash: AuthorizationHash,
        reason: AuthRejection,
    ) {
        // PasswordNeeded is transient on the home DC, not an end.
        if reason != AuthRejection::PasswordNeeded {
            self.revoked_homes.insert((user_id, home_hash), reason);
        }
        let keys = self
            .derived_by_home
            .get(&(user_id, home_hash))
            .cloned()
            .unwrap_or_default();
        for key_id in keys {
            self.end_derived_key(now, user_id, home_hash, key_id, reason);
        }
    }

    /// End one derived authorization (its key and temp keys) here.
    pub(crate) fn end_derived_key(
        &mut self,
        now: Instant,
        user_id: UserId,
        home_hash: AuthorizationHash,
        key_id: AuthKeyId,
        reason: AuthRejection,
    ) {
        if let Some(keys) = self.derived_by_home.get_mut(&(user_id, home_hash)) {
            if keys.remove(&key_id) {
                self.derived_total -= 1;
            }
            if keys.is_empty() {
                self.derived_by_home.remove(&(user_id, home_hash));
            }
        }
        let temps = self.keys.revoke(key_id, reason);
        self.event(
            now,
            AuthEventKind::DerivedRevoked {
                user_id,
                home_hash,
                key_id,
                reason,
            },
        );
        for temp_key_id in temps {
            self.event(
                now,
                AuthEventKind::TempKeyEnded {
                    temp_key_id,
                    perm_key_id: key_id,
                },
            );
        }
    }
}
