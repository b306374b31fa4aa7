//! The client session's recovery rules: clock correction only from a
//! refusal of a message still pending, a new session when a correction
//! would lower the msg_ids, and the answers to the server's messages about
//! messages (`msg_detailed_info`, `msg_new_detailed_info`, `msgs_state_req`).

use sha2::{Digest, Sha256};

use super::super::events::TransportEvent;
use super::super::msg_id::{msg_id_instant, MsgIdGenerator};
use super::super::replay::{IdStatus, ReplayWindow};
use super::super::seqno::SeqNoCounter;
use super::{ClientSession, ACK_DELAY, MAX_PENDING_MESSAGES, RESTART_SESSION_LEAD};
use crate::id::SessionId;
use crate::time::{signed_micros_between, Instant};
use crate::wire::{Body, MSG_STATE_NOT_RECEIVED, MSG_STATE_RECEIVED, MSG_STATE_UNKNOWN};

impl ClientSession {
    /// The server has message `answer_msg_id` for us: acknowledge it if it
    /// came, else ask for it again (`msg_resend_req`).
    pub(super) fn want_answer(&mut self, now: Instant, answer_msg_id: u64) {
        if self.received.status(answer_msg_id) == IdStatus::Duplicate {
            self.acks_due.insert(answer_msg_id, ());
            self.ack_deadline.get_or_insert(now.saturating_add(ACK_DELAY));
        } else if self.pending.len() < MAX_PENDING_MESSAGES {
            let body = Body::MsgResendReq {
                msg_ids: vec![answer_msg_id],
            };
            let _ = self.send(now, body.encode());
        }
    }

    /// The `msgs_state_info` byte for one of the server's msg_ids.
    pub(super) fn state_of(&self, msg_id: u64) -> u8 {
        match self.received.status(msg_id) {
            IdStatus::Duplicate => MSG_STATE_RECEIVED,
            IdStatus::TooOld => MSG_STATE_UNKNOWN,
            _ => MSG_STATE_NOT_RECEIVED,
        }
    }

    /// Whether a refusal of `msg_id`, read after the packet settled
    /// `settled`, is about a message (or a container of messages) this
    /// session waited on when the packet came: only such a refusal may
    /// move the clock or the salt, so a stale notice changes nothing. A
    /// container whose content the same packet answered before refusing
    /// it still counts: its new salt is current, and ignoring it cost the
    /// next message a refusal of its own. `settled` is sorted.
    pub(super) fn was_pending_in_packet(&self, msg_id: u64, settled: &[u64]) -> bool {
        debug_assert!(settled.is_sorted(), "settled ids are kept sorted");
        let was_pending = |id: &u64| self.pending.contains_key(id) || settled.binary_search(id).is_ok();
        was_pending(&msg_id)
            || self
                .containers
                .get(&msg_id)
                .is_some_and(|inner| inner.iter().any(was_pending))
    }

    /// Adopt the server's clock from one of its msg_ids (codes 16 and 17).
    /// When the corrected clock would issue ids below the last one, the
    /// session restarts: ids never go back within a session.
    pub(super) fn correct_clock(&mut self, now: Instant, server_msg_id: u64) {
        self.clock_offset_micros = signed_micros_between(msg_id_instant(server_msg_id), now);
        self.events.push(TransportEvent::ClockCorrected {
            offset_micros: self.clock_offset_micros,
        });
        // Ids continue above the last one; the server takes ids up to 30 s
        // ahead of its clock, so only a larger lead needs a new session.
        let lead = msg_id_instant(self.ids.last()).saturating_duration_since(self.server_time(now));
        if lead >= RESTART_SESSION_LEAD {
            self.restart_session(now);
        }
    }

    /// Continue under a new session id with fresh ids and seqnos; every
    /// pending message moves over (a refused one is then re-issued from
    /// there as usual). The id is derived from the key, the old id and a
    /// counter, so a restart needs no randomness from the caller.
    pub(super) fn restart_session(&mut self, now: Instant) {
        self.restarts += 1;
        let digest = Sha256::new()
            .chain_update(self.key.id().get().to_le_bytes())
            .chain_update(self.session_id.get().to_le_bytes())
            .chain_update(self.restarts.to_le_bytes())
            .finalize();
        let mut id_bytes = [0u8; 8];
        id_bytes.copy_from_slice(&digest[..8]);
        let old_session = self.session_id;
        self.session_id = SessionId::new(u64::from_le_bytes(id_bytes));
        self.ids = MsgIdGenerator::new();
        self.seqno = SeqNoCounter::new();
        self.received = ReplayWindow::new();
        self.acks_due.clear();
        self.ack_deadline = None;
        self.containers.clear();
        self.containers_after_prune = 0;
        self.events.push(TransportEvent::SessionRestarted {
            old_session_id: old_session,
            new_session_id: self.session_id,
        });
        let moved = std::mem::take(&mut self.pending);
        for (old_id, pending) in moved {
            let _ = self.requeue(now, old_id, pending);
        }
    }
}
