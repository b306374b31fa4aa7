//! Ending home authorizations and propagating the end to other DCs per the
//! revocation policy: `sync` holds the owner's answer until every DC that
//! may hold a derived authorization acknowledged; `async` answers at once and
//! sends after the delay; `lazy` sends nothing (targets re-validate).
//! Unacknowledged revocations are resent with exponential backoff.
//!
//! What each policy promises, for the logout-bypass oracle. The home DC
//! commits a revocation (`AuthEventKind::AuthorizationRevoked`, time t) and
//! rejects the key at once. Then, for derived keys on other DCs:
//! - `sync`: rejected everywhere before `AnswerReleased` (the owner's answer);
//!   between t and the release they may still pass — that gap is the price of
//!   the network, bounded by acknowledgements, never by hope.
//! - `async(delay)`: revocations leave at t + delay; with reliable delivery
//!   they are rejected from t + delay + inter-DC latency on; with loss, only
//!   eventually (retries).
//! - `lazy(cache_ttl)`: rejected from t + cache_ttl on, whatever the network.
//!
//! `tests/auth_model/promises.rs` checks all three under random loss.

use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use std::collections::BTreeSet;

use super::error::{AuthRejection, RpcError};
use super::events::{AuthEventKind, Effect, Notification, RevocationCause};
use super::interdc::InterDcBody;
use super::keys::KeyBinding;
use super::limits::{INTER_DC_RETRY_INITIAL, INTER_DC_RETRY_MAX, MAX_PENDING_REVOCATIONS};
use super::policy::RevocationPolicy;
use super::timers::Timer;
use super::DcAuthority;
use crate::time::Instant;

/// A revocation some DCs have not acknowledged yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingRevocation {
    pub user_id: UserId,
    pub home_hashes: Vec<AuthorizationHash>,
    pub reason: AuthRejection,
    pub awaiting: BTreeSet<DcId>,
    pub attempts: u32,
    /// The held answer (sync): released when `awaiting` empties.
    pub answer: Option<HeldAnswer>,
}

/// An answer held back until a sync revocation is acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeldAnswer {
    pub answer_id: u64,
    pub key_id: AuthKeyId,
}

/// The answer to a request that ended authorizations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetAnswer {
    /// Done everywhere this DC promises: answer now.
    Done,
    /// Sync policy: the answer is released by `Effect::ReleaseAnswer` with
    /// this id once every DC acknowledged.
    Held {
        /// Names the `Effect::ReleaseAnswer` that carries the answer.
        answer_id: u64,
    },
}

/// What ending one authorization left to propagate: its hash and the DCs it
/// was exported to.
pub(crate) type Ended = (AuthorizationHash, BTreeSet<DcId>);

impl DcAuthority {
    /// End one home authorization here: unbind its key (remembering why),
    /// kill its temp keys, tell its device to wipe. Returns what to propagate.
    pub(crate) fn end_authorization(
        &mut self,
        now: Instant,
        user_id: UserId,
        serial: u64,
        cause: RevocationCause,
    ) -> Option<Ended> {
        let auth = self.accounts.get_mut(&user_id)?.authorizations.remove(&serial)?;
        let reason = cause.rejection();
        let bound_here =
            matches!(self.keys.binding(auth.key_id), Some(KeyBinding::Home { serial: s, .. }) if *s == serial);
        assert!(bound_here, "authorization {serial} lost its key binding");
        let temps = self.keys.revoke(auth.key_id, reason);
        self.revoked_homes.insert((user_id, auth.hash), reason);
        self.event(
            now,
            AuthEventKind::AuthorizationRevoked {
                user_id,
                hash: auth.hash,
                key_id: auth.key_id,
                cause,
            },
        );
        for temp_key_id in temps {
            self.event(
                now,
                AuthEventKind::TempKeyEnded {
                    temp_key_id,
                    perm_key_id: auth.key_id,
                },
            );
        }
        if cause != RevocationCause::Logout {
            // The device asked itself on logout; anyone else is told to wipe.
            self.effect(
                now,
                Effect::Notify {
                    key_id: auth.key_id,
                    notification: Notification::Terminated { reason },
                },
            );
            self.event(
                now,
                AuthEventKind::WipeRequested {
                    user_id,
                    key_id: auth.key_id,
                },
            );
        }
        Some((auth.hash, auth.exported_to))
    }

    /// End `serials` of `user_id` and propagate. `answer_to` is the key
    /// waiting for an answer, if any (held under `sync`).
    pub(crate) fn revoke_serials(
        &mut self,
        now: Instant,
        user_id: UserId,
        serials: &[u64],
        cause: RevocationCause,
        answer_to: Option<AuthKeyId>,
    ) -> ResetAnswer {
        let ended: Vec<Ended> = serials
            .iter()
            .filter_map(|serial| self.end_authorization(now, user_id, *serial, cause))
            .collect();
        self.propagate(now, user_id, ended, cause.rejection(), answer_to)
    }

    /// Send the end of `ended` to the DCs they were exported to, per policy.
    pub(crate) fn propagate(
        &mut self,
        now: Instant,
        user_id: UserId,
        ended: Vec<Ended>,
        reason: AuthRejection,
        answer_to: Option<AuthKeyId>,
    ) -> ResetAnswer {
        let awaiting: BTreeSet<DcId> = ended.iter().flat_map(|(_, dcs)| dcs.iter().copied()).collect();
        let send_at = match self.policy.revocation {
            _ if awaiting.is_empty() => return ResetAnswer::Done,
            RevocationPolicy::Lazy { .. } => return ResetAnswer::Done,
            RevocationPolicy::Sync => now,
            RevocationPolicy::Async { delay } => now.saturating_add(delay),
        };
        let held = matches!(self.policy.revocation, RevocationPolicy::Sync);
        #[cfg(feature = "mutants")]
        let held = held && !crate::mutant::is(self.policy.mutant, crate::mutant::Mutant::SyncAnswersEarly);
        let answer = match answer_to {
            Some(key_id) if held => Some(HeldAnswer {
                answer_id: self.allocate_id(),
                key_id,
            }),
            _ => None,
        };
        let revocation_id = self.allocate_id();
        let home_hashes = ended.into_iter().map(|(hash, _)| hash).collect();
        let pending = PendingRevocation {
            user_id,
            home_hashes,
            reason,
            awaiting,
            attempts: 0,
            answer,
        };
        self.make_room_for_revocation(now);
        self.revocations.insert(revocation_id, pending);
        if send_at <= now {
            self.send_revocation(now, revocation_id);
        } else {
            self.timers.schedule(send_at, Timer::RevocationSend { revocation_id });
        }
        match answer {
            Some(held) => ResetAnswer::Held {
                answer_id: held.answer_id,
            },
            None => ResetAnswer::Done,
        }
    }

    /// Keep pending revocations under their bound by abandoning the oldest.
    fn make_room_for_revocation(&mut self, now: Instant) {
        while self.revocations.len() >= MAX_PENDING_REVOCATIONS {
            let Some((revocation_id, pending)) = self.revocations.pop_first() else {
                break;
            };
            self.event(now, AuthEventKind::RevocationAbandoned { revocation_id });
            if let Some(held) = pending.answer {
                self.release_answer(now, held, Err(RpcError::Timeout));
            }
        }
    }

    /// (Re)send a pending revocation to every DC that has not acknowledged.
    pub(crate) fn send_revocation(&mut self, now: Instant, revocation_id: u64) {
        let Some(pending) = self.revocations.get_mut(&revocation_id) else {
            return;
        };
        pending.attempts = pending.attempts.saturating_add(1);
        let backoff = INTER_DC_RETRY_INITIAL
            .saturating_mul(1u32 << pending.attempts.saturating_sub(1).min(16))
            .min(INTER_DC_RETRY_MAX);
        let (user_id, dcs) = (pending.user_id, pending.awaiting.iter().copied().collect::<Vec<_>>());
        let body = InterDcBody::Revoke {
            revocation_id,
            user_id,
            home_hashes: pending.home_hashes.clone(),
            reason: pending.reason,
        };
        if pending.attempts == 1 {
            self.event(
                now,
                AuthEventKind::RevocationSent {
                    revocation_id,
                    user_id,
                    dcs: dcs.clone(),
                },
            );
        }
        for dc in dcs {
            self.send_inter_dc(now, dc, body.clone());
        }
        self.timers
            .schedule(now.saturating_add(backoff), Timer::RevocationSend { revocation_id });
    }

    /// A DC acknowledged; when all did, release the held answer.
    pub(crate) fn on_revoke_ack(&mut self, now: Instant, from: DcId, revocation_id: u64) {
        let Some(pending) = self.revocations.get_mut(&revocation_id) else {
            return;
        };
        if !pending.awaiting.remove(&from) {
            return; // a duplicate ack
        }
        let done = pending.awaiting.is_empty();
        let answer = pending.answer;
        self.event(
            now,
            AuthEventKind::RevocationAcknowledged {
                revocation_id,
                by_dc: from,
            },
        );
        if done {
            self.revocations.remove(&revocation_id);
            if let Some(held) = answer {
                self.release_answer(now, held, Ok(()));
            }
        }
    }

    fn release_answer(&mut self, now: Instant, held: HeldAnswer, result: Result<(), RpcError>) {
        self.effect(
            now,
            Effect::ReleaseAnswer {
                answer_id: held.answer_id,
                key_id: held.key_id,
                result,
            },
        );
        self.event(
            now,
            AuthEventKind::AnswerReleased {
                answer_id: held.answer_id,
            },
        );
    }
}
