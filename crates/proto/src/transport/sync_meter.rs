//! How many bytes of one session's packets are update-sync traffic, from
//! the packets' encoded lengths: what a device's data meter would charge
//! to sync.
//!
//! A packet's whole length (auth_key_id, msg_key, the encrypted envelope
//! and its padding) is split over the messages it carries (a container's
//! leaves) in proportion to their encoded lengths (body plus the 16 bytes
//! of msg_id, seqno and length each leaf costs in a container). A leaf is
//! sync when it is
//! - a sync request (`updates.getState`, `updates.getDifference`,
//!   `messages.getHistory`), first send, resend or re-issue alike;
//! - a pushed update container (`updates`, `updatesCombined`,
//!   `updatesTooLong`);
//! - an answer or refusal (`rpc_result`, `rpc_error` inside it,
//!   `bad_msg_notification`, `bad_server_salt`, `msg_detailed_info`) that
//!   names a sync request, or a container holding one;
//! - for the part of the ids it names that are sync, an acknowledgement,
//!   `msg_resend_req` or `msgs_state_req`.
//!
//! Packets are counted as they leave this side (sent, `Up` for a client)
//! and as they arrive and decrypt (received), duplicates included: every
//! copy costs the device its bytes. The ids it remembers as sync are
//! bounded ([`MAX_SYNC_IDS`], the oldest forgotten first).

use std::collections::BTreeSet;

use crate::wire::{is_sync_push, is_sync_request, named_ids, Message, NamedIds};

use super::server::CONTAINER_ITEM_OVERHEAD_BYTES;

/// Sync message ids remembered at most (requests sent and pushes or
/// answers received): an answer or ack names an id seconds after it was
/// used, well within this many sync messages.
pub(crate) const MAX_SYNC_IDS: usize = 1024;

/// Sync bytes one session sent and received since they were last taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncTraffic {
    /// Bytes of packets sent that carried sync messages (their share).
    pub sent_bytes: u64,
    /// Bytes of packets received that carried sync messages (their share).
    pub received_bytes: u64,
}

/// The sync share of a session's packets (see the module docs).
#[derive(Clone, Debug, Default)]
pub(crate) struct SyncMeter {
    /// Client and server ids never collide (0 mod 4 against 1 or 3), so
    /// one set holds both.
    sync_ids: BTreeSet<u64>,
    traffic: SyncTraffic,
}

/// The weights of a packet's leaves, measured before the packet is sealed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[must_use]
pub(crate) struct LeafWeights {
    total: u64,
    sync: u64,
}

impl LeafWeights {
    /// The sync share of a packet of `packet_bytes`.
    fn share_of(self, packet_bytes: usize) -> u64 {
        if self.total == 0 {
            return 0;
        }
        (packet_bytes as u128 * u128::from(self.sync) / u128::from(self.total)) as u64
    }
}

impl SyncMeter {
    /// Weigh the leaves of a packet this side is about to send.
    pub(crate) fn weigh_sent(&mut self, leaves: &[Message]) -> LeafWeights {
        self.weigh(leaves, is_sync_request)
    }

    /// Count the packet of `packet_bytes` whose leaves were weighed as
    /// `weights` (inside a container `container_id` when there is one).
    pub(crate) fn on_sent(&mut self, packet_bytes: usize, container_id: Option<u64>, weights: LeafWeights) {
        let share = weights.share_of(packet_bytes);
        if share > 0 {
            if let Some(container_id) = container_id {
                self.remember(container_id);
            }
        }
        self.traffic.sent_bytes += share;
    }

    /// Count a packet of `packet_bytes` this side received, carrying `leaves`.
    pub(crate) fn on_received(&mut self, packet_bytes: usize, leaves: &[Message]) {
        let share = self.weigh(leaves, is_sync_push).share_of(packet_bytes);
        self.traffic.received_bytes += share;
    }

    /// What was counted since the last call.
    pub(crate) fn take(&mut self) -> SyncTraffic {
        std::mem::take(&mut self.traffic)
    }

    /// The weights of `leaves`: each one's encoded length, and the part of
    /// it that is sync. A leaf `originates` sync traffic (a request sent, a
    /// push received) or names ids remembered as sync. Leaves that are
    /// sync are remembered, so that their answers and acks count too.
    fn weigh(&mut self, leaves: &[Message], originates: fn(&[u8]) -> bool) -> LeafWeights {
        let mut weights = LeafWeights::default();
        for leaf in leaves {
            let weight = (leaf.body.len() + CONTAINER_ITEM_OVERHEAD_BYTES) as u64;
            weights.total += weight;
            let (named, of) = match named_ids(&leaf.body) {
                NamedIds::None => (0, 1),
                NamedIds::One(id) => (u64::from(self.sync_ids.contains(&id)), 1),
                NamedIds::Many(ids) => (
                    ids.iter().filter(|id| self.sync_ids.contains(id)).count() as u64,
                    ids.len().max(1) as u64,
                ),
            };
            if originates(&leaf.body) || named == of {
                weights.sync += weight;
                self.remember(leaf.msg_id);
            } else {
                weights.sync += weight * named / of;
            }
        }
        weights
    }

    fn remember(&mut self, msg_id: u64) {
        self.sync_ids.insert(msg_id);
        if self.sync_ids.len() > MAX_SYNC_IDS {
            self.sync_ids.pop_first();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::api::{ApiCall, ApiRequest, GetState};
    use crate::wire::Body;

    fn leaf(msg_id: u64, body: Vec<u8>) -> Message {
        Message {
            msg_id,
            seq_no: 1,
            body,
        }
    }

    fn get_state() -> Vec<u8> {
        ApiRequest::Call(ApiCall::GetState(GetState)).encode()
    }

    #[test]
    fn a_lone_sync_request_is_the_whole_packet() {
        let mut meter = SyncMeter::default();
        let weights = meter.weigh_sent(&[leaf(4, get_state())]);
        meter.on_sent(88, None, weights);
        let weights = meter.weigh_sent(&[leaf(8, Body::Ping { ping_id: 1 }.encode())]);
        meter.on_sent(88, None, weights);
        assert_eq!(
            meter.take(),
            SyncTraffic {
                sent_bytes: 88,
                received_bytes: 0
            }
        );
        assert_eq!(meter.take(), SyncTraffic::default());
    }

    #[test]
    fn a_container_is_split_by_encoded_length() {
        let mut meter = SyncMeter::default();
        // getState: 4 + 16 = 20; ping: 12 + 16 = 28. 96 * 20 / 48 = 40.
        let leaves = [leaf(4, get_state()), leaf(8, Body::Ping { ping_id: 1 }.encode())];
        let weights = meter.weigh_sent(&leaves);
        meter.on_sent(96, Some(12), weights);
        assert_eq!(meter.take().sent_bytes, 40);
        // A refusal of the container is about sync as well.
        let refusal = Body::BadServerSalt {
            bad_msg_id: 12,
            bad_msg_seqno: 3,
            error_code: 48,
            new_server_salt: 9,
        };
        meter.on_received(72, &[leaf(13, refusal.encode())]);
        assert_eq!(meter.take().received_bytes, 72);
    }

    #[test]
    fn answers_and_acks_follow_the_ids_they_name() {
        let mut meter = SyncMeter::default();
        let weights = meter.weigh_sent(&[leaf(4, get_state())]);
        meter.on_sent(80, None, weights);
        let answer = Body::RpcResult {
            req_msg_id: 4,
            result: vec![0; 24],
        };
        let other = Body::RpcResult {
            req_msg_id: 100,
            result: vec![0; 24],
        };
        meter.on_received(120, &[leaf(5, answer.encode())]);
        meter.on_received(120, &[leaf(9, other.encode())]);
        assert_eq!(meter.take().received_bytes, 120);
        // An ack of the sync answer and of the other one: half of it is sync.
        let weights = meter.weigh_sent(&[leaf(16, Body::Ack(vec![5, 9]).encode())]);
        meter.on_sent(64, None, weights);
        assert_eq!(meter.take().sent_bytes, 32);
        // A push is sync, and so is the ack that names only it.
        meter.on_received(200, &[leaf(21, crate::wire::ids::UPDATES.to_le_bytes().to_vec())]);
        let weights = meter.weigh_sent(&[leaf(20, Body::Ack(vec![21]).encode())]);
        meter.on_sent(60, None, weights);
        assert_eq!(
            meter.take(),
            SyncTraffic {
                sent_bytes: 60,
                received_bytes: 200
            }
        );
    }

    #[test]
    fn remembered_ids_are_bounded() {
        let mut meter = SyncMeter::default();
        for index in 0..(MAX_SYNC_IDS as u64 + 10) {
            let weights = meter.weigh_sent(&[leaf(4 * (index + 1), get_state())]);
            meter.on_sent(10, None, weights);
        }
        assert_eq!(meter.sync_ids.len(), MAX_SYNC_IDS);
        assert!(!meter.sync_ids.contains(&4), "the oldest id is forgotten first");
    }
}
