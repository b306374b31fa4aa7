//! The temp-key oracle: a temp key acts only for its permanent key's
//! authorization, so when that authorization ends (on its home DC, or a
//! derived one on another DC) every temp key bound to the permanent key
//! must end with it (`TempKeyEnded`, at the same instant) — unless it had
//! expired already. A temp key still bound after its permanent key was
//! revoked is a **violation**: the core left a credential alive that
//! nothing can vouch for any more (DESIGN.md §3.2, temp keys).
//!
//! Judged from the DCs' typed events alone, at the end of the run.

use std::collections::BTreeMap;

use sessionlab_proto::auth::{AuthEvent, AuthEventKind};
use sessionlab_proto::id::{AuthKeyId, DcId};
use sessionlab_proto::time::Instant;

use super::names;

/// A live binding: the temp key and when it would have ended by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Binding {
    temp_key_id: AuthKeyId,
    expires_at: Instant,
}

/// Watches every DC's events in time order.
#[derive(Clone, Debug, Default)]
pub struct TempKeyOracle {
    /// (dc, permanent key) → the temp key bound to it now.
    bound: BTreeMap<(DcId, AuthKeyId), Binding>,
    /// (dc, permanent key) → when its authorization ended there.
    revoked_at: BTreeMap<(DcId, AuthKeyId), Instant>,
}

impl TempKeyOracle {
    /// Feed one event.
    pub fn observe(&mut self, event: &AuthEvent) {
        let dc = event.dc;
        match &event.kind {
            AuthEventKind::TempKeyBound {
                temp_key_id,
                perm_key_id,
                expires_at,
            } => {
                // A new binding replaces the previous one (api/pfs).
                let binding = Binding {
                    temp_key_id: *temp_key_id,
                    expires_at: *expires_at,
                };
                self.bound.insert((dc, *perm_key_id), binding);
            }
            AuthEventKind::TempKeyEnded {
                temp_key_id,
                perm_key_id,
            } => {
                let key = (dc, *perm_key_id);
                if self
                    .bound
                    .get(&key)
                    .is_some_and(|binding| binding.temp_key_id == *temp_key_id)
                {
                    self.bound.remove(&key);
                }
            }
            AuthEventKind::AuthorizationRevoked { key_id, .. } | AuthEventKind::DerivedRevoked { key_id, .. } => {
                self.revoked_at.entry((dc, *key_id)).or_insert(event.at);
            }
            _ => {}
        }
    }

    /// Every temp key that outlived its permanent key, described.
    pub fn violations(&self) -> Vec<String> {
        self.bound
            .iter()
            .filter_map(|(&(dc, perm_key_id), binding)| {
                let &revoked_at = self.revoked_at.get(&(dc, perm_key_id))?;
                (binding.expires_at > revoked_at).then(|| {
                    format!(
                        "{}: DC {dc} kept temp key {:#018x} bound after the authorization of its permanent key {:#018x} ended",
                        names::TEMP_KEY,
                        binding.temp_key_id.get(),
                        perm_key_id.get()
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessionlab_proto::auth::RevocationCause;
    use sessionlab_proto::id::{AuthorizationHash, UserId};
    use std::time::Duration;

    fn event(at: Instant, kind: AuthEventKind) -> AuthEvent {
        AuthEvent { at, dc: DcId(1), kind }
    }

    fn bound(at: Instant) -> AuthEvent {
        event(
            at,
            AuthEventKind::TempKeyBound {
                temp_key_id: AuthKeyId::new(7),
                perm_key_id: AuthKeyId::new(3),
                expires_at: at.saturating_add(Duration::from_secs(3600)),
            },
        )
    }

    fn revoked(at: Instant) -> AuthEvent {
        event(
            at,
            AuthEventKind::AuthorizationRevoked {
                user_id: UserId::new(1),
                hash: AuthorizationHash::new(9),
                key_id: AuthKeyId::new(3),
                cause: RevocationCause::ResetAll,
            },
        )
    }

    #[test]
    fn a_temp_key_ended_with_its_permanent_key_is_fine() {
        let at = Instant::from_unix_seconds(1_000);
        let mut oracle = TempKeyOracle::default();
        oracle.observe(&bound(at));
        oracle.observe(&revoked(at.saturating_add(Duration::from_secs(60))));
        let ended = AuthEventKind::TempKeyEnded {
            temp_key_id: AuthKeyId::new(7),
            perm_key_id: AuthKeyId::new(3),
        };
        oracle.observe(&event(at.saturating_add(Duration::from_secs(60)), ended));
        assert_eq!(oracle.violations(), Vec::<String>::new());
    }

    #[test]
    fn a_temp_key_left_bound_is_a_violation_unless_it_had_expired() {
        let at = Instant::from_unix_seconds(1_000);
        let mut oracle = TempKeyOracle::default();
        oracle.observe(&bound(at));
        oracle.observe(&revoked(at.saturating_add(Duration::from_secs(60))));
        let violations = oracle.violations();
        assert_eq!(violations.len(), 1);
        assert!(
            violations[0].starts_with("temp-key: DC 1 kept temp key 0x0000000000000007"),
            "{violations:?}"
        );
        let mut expired = TempKeyOracle::default();
        expired.observe(&bound(at));
        expired.observe(&revoked(at.saturating_add(Duration::from_secs(7200))));
        assert_eq!(expired.violations(), Vec::<String>::new());
    }
}
