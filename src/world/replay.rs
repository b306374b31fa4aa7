//! The `replay` behaviour: an attacker with malware on the victim's device
//! (a stolen key or session file) captures the packets the device sends and
//! later re-injects them towards the datacenter from its own host — in
//! reverse order (reordered), and once more after the transport's 300-second
//! message-id window has passed (stale).
//!
//! The oracle: MTProto's replay protection promises that no message is
//! processed twice. Every captured packet is watched: each delivery of it —
//! the original or a replay — that makes the datacenter run an API call is
//! counted, and a packet processed twice is an oracle violation. A replay
//! processed once is not a bug (its original was lost on the way) but is
//! counted as `replays_accepted`.

use sessionlab_proto::id::DcId;
use std::collections::VecDeque;
use std::time::Duration;

use crate::engine::network::Node;
use crate::scenario::model::{AcquireKind, Behavior};
use sessionlab_proto::time::Instant;

use super::{AppId, Event, World};

/// Packets one attacker keeps captured between two replay rounds: the most
/// recent ones (older ones are dropped uncaptured).
pub const MAX_CAPTURED_PACKETS: usize = 16;
/// Packets watched for double processing in one run; beyond, capturing stops.
pub const MAX_WATCHED_PACKETS: usize = 100_000;
/// How often a replaying attacker re-injects what it captured.
pub const REPLAY_EVERY: Duration = Duration::from_secs(3600);
/// The stale copy of each replay arrives this much later: beyond the
/// transport's 300-second window for message ids from the past.
pub const REPLAY_STALE_AFTER: Duration = Duration::from_secs(600);

/// A packet's identity: its auth_key_id and msg_key (a SHA-256 over the
/// plaintext, so two packets share it only when they are the same packet).
pub type PacketFingerprint = [u8; 24];

/// A packet's identity, when it is long enough to have one.
pub fn fingerprint(bytes: &[u8]) -> Option<PacketFingerprint> {
    bytes.get(..24).and_then(|head| head.try_into().ok())
}

/// One captured packet: where it was going and what it was.
#[derive(Clone, Debug)]
pub struct CapturedPacket {
    pub dc: DcId,
    pub bytes: Vec<u8>,
}

/// What an attacker with the `replay` behaviour has captured.
#[derive(Clone, Debug, Default)]
pub struct Capture {
    pub packets: VecDeque<CapturedPacket>,
}

impl World {
    /// Start tapping the victim's device (malware on it): called when an
    /// attacker with the `replay` behaviour takes a key or session file.
    pub(super) fn start_tap(&mut self, now: Instant, attacker: usize, victim: AppId) {
        let record = &self.attackers[attacker];
        let on_device = matches!(
            record.acquire,
            AcquireKind::StolenKey { .. } | AcquireKind::SessionFile { .. }
        );
        if !on_device || !record.behavior.contains(&Behavior::Replay) {
            return;
        }
        self.taps.insert(victim, attacker);
        self.schedule(now.saturating_add(REPLAY_EVERY), Event::AttackerReplay { attacker });
    }

    /// A tapped device sends a packet: the malware keeps a copy.
    pub(super) fn capture(&mut self, app: AppId, dc: DcId, bytes: &[u8]) {
        let Some(attacker) = self.taps.get(&app).copied() else {
            return;
        };
        let Some(print) = fingerprint(bytes) else {
            return;
        };
        if self.replay_watch.len() >= MAX_WATCHED_PACKETS {
            return;
        }
        self.replay_watch.entry(print).or_insert(0);
        let captured = &mut self.attackers[attacker].capture.packets;
        if captured.len() == MAX_CAPTURED_PACKETS {
            captured.pop_front();
        }
        captured.push_back(CapturedPacket {
            dc,
            bytes: bytes.to_vec(),
        });
        debug_assert!(captured.len() <= MAX_CAPTURED_PACKETS);
    }

    /// A delivery of a watched packet made the datacenter run `calls` API
    /// calls: the second delivery that runs any is a replay the transport
    /// failed to stop.
    pub(super) fn observe_watched_delivery(&mut self, bytes: &[u8], calls: usize, replay: bool) {
        let Some(print) = fingerprint(bytes) else {
            return;
        };
        let Some(processed) = self.replay_watch.get_mut(&print) else {
            return;
        };
        if calls == 0 {
            return;
        }
        *processed += 1;
        if replay {
            self.counters.replays_accepted += 1;
        }
        if *processed == 2 {
            self.counters.replays_processed_twice += 1;
        }
    }

    /// Re-inject what was captured: newest first (reordered), and a stale
    /// copy of each after the message-id window.
    pub(super) fn attacker_replay(&mut self, now: Instant, attacker: usize) {
        let packets: Vec<CapturedPacket> = self.attackers[attacker].capture.packets.drain(..).rev().collect();
        let host = self.attackers[attacker].apps.first().map(|app| self.apps[*app].node);
        if let Some(from) = host {
            for packet in packets {
                for delay in [Duration::ZERO, REPLAY_STALE_AFTER] {
                    self.inject(now.saturating_add(delay), from, attacker, &packet);
                }
            }
        }
        let next = now.saturating_add(REPLAY_EVERY);
        if next < self.config.quiet_from {
            self.schedule(next, Event::AttackerReplay { attacker });
        }
    }

    fn inject(&mut self, at: Instant, from: Node, attacker: usize, packet: &CapturedPacket) {
        let size = packet.bytes.len() as u64;
        let Ok(outcome) = self
            .network
            .send(at, from, Node::Datacenter(packet.dc.get()), size, &mut self.network_rng)
        else {
            return;
        };
        for delivery in outcome.deliveries.as_slice() {
            self.counters.replayed_packets += 1;
            self.schedule(
                delivery.at,
                Event::ReplayToDc {
                    dc: packet.dc,
                    attacker,
                    bytes: packet.bytes.clone(),
                },
            );
        }
    }

    /// A replayed packet reaches its datacenter from the attacker's host.
    pub(super) fn deliver_replay(&mut self, now: Instant, dc: DcId, attacker: usize, bytes: &[u8]) {
        let Some(sender) = self.attackers[attacker].apps.first().copied() else {
            return;
        };
        let calls = self.deliver_packet_to_dc(now, dc, sender, bytes);
        self.observe_watched_delivery(bytes, calls, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;
    use crate::world::{build, RunOptions};

    fn tiny_world() -> World {
        let text = "[scenario]\nname = \"t\"\nduration = \"1h\"\n[population]\naccounts = 1\ndevices = [{ kind = \"phone\", probability = 1.0 }]\n";
        let scenario = parse_scenario(text, "t.toml").expect("valid").resolve(0);
        build::world(
            crate::world::config::WorldConfig::from_scenario(&scenario),
            0,
            RunOptions::default(),
        )
        .expect("builds")
    }

    #[test]
    fn a_watched_packet_processed_twice_is_a_violation_once() {
        let mut world = tiny_world();
        let packet = vec![7u8; 64];
        world.replay_watch.insert(fingerprint(&packet).expect("long"), 0);
        world.observe_watched_delivery(&packet, 0, false);
        assert_eq!(
            world.counters.replays_processed_twice, 0,
            "nothing ran: nothing counted"
        );
        world.observe_watched_delivery(&packet, 1, false);
        assert_eq!(world.counters.replays_processed_twice, 0, "the original, once");
        world.observe_watched_delivery(&packet, 2, true);
        assert_eq!(world.counters.replays_accepted, 1);
        assert_eq!(world.counters.replays_processed_twice, 1);
        world.observe_watched_delivery(&packet, 1, true);
        assert_eq!(world.counters.replays_accepted, 2);
        assert_eq!(world.counters.replays_processed_twice, 1, "one packet, one violation");
        let outcome = world.finish();
        assert_eq!(outcome.violations.len(), 1);
        assert!(outcome.violations[0].contains("processed a second time"));
    }

    #[test]
    fn an_unwatched_packet_is_ignored() {
        let mut world = tiny_world();
        world.observe_watched_delivery(&[1u8; 64], 3, true);
        assert_eq!(world.counters.replays_accepted, 0);
    }

    #[test]
    fn fingerprint_is_the_key_id_and_msg_key() {
        let packet: Vec<u8> = (0u8..40).collect();
        let print = fingerprint(&packet).expect("long enough");
        assert_eq!(&print[..], &packet[..24]);
        assert_eq!(fingerprint(&packet[..23]), None);
    }
}
