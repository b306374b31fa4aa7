//! What a [`Server`](super::Server) hands back: the outputs the caller must
//! carry out, the events it observes, and the bounded queues that hold
//! them until the caller polls.
//!
//! Nothing is dropped silently. When a queue is full, or a packet cannot be
//! sealed, or an answer cannot be held, the loss is a [`DropKind`]: it is
//! counted in [`ServerDrops`] and reported as [`ServerEvent::Dropped`]
//! (unless the event queue itself is full, when only the counter moves).

use crate::auth::{AuthEvent, CodeDelivery, InterDcError, InterDcMessage, RpcError};
use crate::id::{AuthKeyId, SessionId, UserId};
use crate::queue::BoundedQueue;
use crate::transport::{ReceiveError, SealError, TransportEvent};

/// Outputs a server queues before the caller polls them; beyond this the
/// newest is dropped and counted. A caller that polls after every input
/// never comes near it.
pub const MAX_QUEUED_OUTPUTS: usize = 1 << 16;
/// Events a server queues before the caller polls them; beyond this the
/// newest is dropped and counted.
pub const MAX_QUEUED_EVENTS: usize = 1 << 16;

/// Something the caller must carry out, in the order the server queued it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerOutput {
    /// Bytes for whoever holds session `session_id` of key `auth_key_id`.
    Packet {
        /// The key the packet is sealed under.
        auth_key_id: AuthKeyId,
        /// The client's session the packet belongs to.
        session_id: SessionId,
        /// The sealed packet.
        bytes: Vec<u8>,
    },
    /// A transport error for the sender of a packet
    /// ([`TRANSPORT_ERROR_UNKNOWN_KEY`](crate::transport::TRANSPORT_ERROR_UNKNOWN_KEY):
    /// the auth key is unknown here).
    TransportError {
        /// The auth key id the packet named.
        auth_key_id: AuthKeyId,
        /// The (negative) transport error code.
        code: i32,
    },
    /// A message for another datacenter.
    InterDc(InterDcMessage),
    /// A login code, to the SIM (`Sms`) or to the listed sessions (`App`).
    DeliverCode {
        /// The account the code logs into.
        user_id: UserId,
        /// The account's phone number (where an SMS goes).
        phone: String,
        /// The code itself.
        code: String,
        /// By SMS or in-app, and to which sessions.
        delivery: CodeDelivery,
    },
}

/// What happened, for metrics and oracles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerEvent {
    /// The session layer's own event.
    Auth(AuthEvent),
    /// A transport-level event of one client session.
    Transport {
        /// The key the event concerns.
        auth_key_id: AuthKeyId,
        /// What the transport did.
        event: TransportEvent,
    },
    /// A packet that could not be processed at all.
    PacketDropped {
        /// Why it was refused.
        error: ReceiveError,
    },
    /// One API call and its outcome; bytes are the encoded request and answer.
    Rpc {
        /// The key the call came under.
        auth_key_id: AuthKeyId,
        /// The TL method's name (`"unknown"` when undecodable).
        method: &'static str,
        /// The error answered, if any (`None` for an answer or a held answer).
        error: Option<RpcError>,
        /// Bytes of the encoded request.
        request_bytes: usize,
        /// Bytes of the encoded answer (0 when it is held for other DCs).
        answer_bytes: usize,
    },
    /// A log update pushed to one session.
    UpdatePushed {
        /// The account whose update it is.
        user_id: UserId,
        /// The session it went to: (auth key id, session id).
        to: (AuthKeyId, SessionId),
        /// The update's `pts`.
        pts: u32,
        /// Bytes of the pushed body.
        bytes: usize,
    },
    /// Something the server could not carry out or keep; also counted.
    Dropped(DropKind),
}

/// Why a server dropped something. Each kind has a counter in
/// [`ServerDrops`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DropKind {
    /// The output queue was full ([`MAX_QUEUED_OUTPUTS`]).
    OutputQueueFull,
    /// A reply or push could not be sealed into a packet.
    Unsealable {
        /// The key it was for.
        auth_key_id: AuthKeyId,
        /// Why sealing failed (for example a body over the size limit).
        error: SealError,
    },
    /// An answer that waits for other datacenters could not be held
    /// ([`MAX_HELD_ANSWERS`](super::MAX_HELD_ANSWERS) are held already): the
    /// caller never gets it and must re-send its request.
    HeldAnswerOverLimit {
        /// The key of the caller.
        auth_key_id: AuthKeyId,
        /// The TL method's name.
        method: &'static str,
    },
    /// A message from another datacenter that this one refused.
    InterDcRefused {
        /// Why it was refused.
        error: InterDcError,
    },
}

/// How many things a server dropped, by kind, since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerDrops {
    /// Outputs dropped because the output queue was full.
    pub outputs_over_limit: u64,
    /// Events dropped because the event queue was full.
    pub events_over_limit: u64,
    /// Replies and pushes that could not be sealed.
    pub unsealable: u64,
    /// Answers that could not be held for other datacenters.
    pub held_answers_over_limit: u64,
    /// Inter-DC messages refused.
    pub inter_dc_refused: u64,
}

/// The server's two bounded queues and the drop counters.
#[derive(Debug)]
pub(crate) struct Queues {
    outputs: BoundedQueue<ServerOutput>,
    events: BoundedQueue<ServerEvent>,
    drops: ServerDrops,
}

impl Default for Queues {
    fn default() -> Queues {
        Queues {
            outputs: BoundedQueue::new(MAX_QUEUED_OUTPUTS),
            events: BoundedQueue::new(MAX_QUEUED_EVENTS),
            drops: ServerDrops::default(),
        }
    }
}

impl Queues {
    pub(crate) fn output(&mut self, output: ServerOutput) {
        if self.outputs.push(output).is_err() {
            self.drop(DropKind::OutputQueueFull);
        }
    }

    pub(crate) fn event(&mut self, event: ServerEvent) {
        if self.events.push(event).is_err() {
            self.drops.events_over_limit += 1;
        }
    }

    /// Count a drop and report it as an event.
    pub(crate) fn drop(&mut self, kind: DropKind) {
        let counter = match &kind {
            DropKind::OutputQueueFull => &mut self.drops.outputs_over_limit,
            DropKind::Unsealable { .. } => &mut self.drops.unsealable,
            DropKind::HeldAnswerOverLimit { .. } => &mut self.drops.held_answers_over_limit,
            DropKind::InterDcRefused { .. } => &mut self.drops.inter_dc_refused,
        };
        *counter += 1;
        self.event(ServerEvent::Dropped(kind));
    }

    pub(crate) fn poll_output(&mut self) -> Option<ServerOutput> {
        self.outputs.pop()
    }

    pub(crate) fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop()
    }

    pub(crate) fn drops(&self) -> ServerDrops {
        self.drops
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::DcId;

    #[test]
    fn a_full_output_queue_drops_the_newest_and_says_so() {
        let mut queues = Queues::default();
        for code in 0..MAX_QUEUED_OUTPUTS {
            queues.output(ServerOutput::TransportError {
                auth_key_id: AuthKeyId::new(1),
                code: -(code as i32),
            });
        }
        assert_eq!(queues.drops(), ServerDrops::default());
        queues.output(ServerOutput::TransportError {
            auth_key_id: AuthKeyId::new(2),
            code: -404,
        });
        assert_eq!(queues.drops().outputs_over_limit, 1);
        assert_eq!(
            queues.poll_event(),
            Some(ServerEvent::Dropped(DropKind::OutputQueueFull))
        );
        assert_eq!(queues.poll_event(), None);
        // The oldest output is still first; the dropped one is not queued.
        assert_eq!(
            queues.poll_output(),
            Some(ServerOutput::TransportError {
                auth_key_id: AuthKeyId::new(1),
                code: 0
            })
        );
        let rest = std::iter::from_fn(|| queues.poll_output()).count();
        assert_eq!(rest, MAX_QUEUED_OUTPUTS - 1);
    }

    #[test]
    fn a_full_event_queue_only_counts() {
        let mut queues = Queues::default();
        for _ in 0..MAX_QUEUED_EVENTS {
            queues.event(ServerEvent::Dropped(DropKind::OutputQueueFull));
        }
        queues.drop(DropKind::HeldAnswerOverLimit {
            auth_key_id: AuthKeyId::new(7),
            method: "auth.resetAuthorizations",
        });
        let drops = queues.drops();
        assert_eq!(drops.held_answers_over_limit, 1);
        assert_eq!(drops.events_over_limit, 1);
        assert_eq!(std::iter::from_fn(|| queues.poll_event()).count(), MAX_QUEUED_EVENTS);
    }

    #[test]
    fn every_drop_kind_has_its_own_counter() {
        let mut queues = Queues::default();
        queues.drop(DropKind::Unsealable {
            auth_key_id: AuthKeyId::new(1),
            error: SealError::TooLarge { bytes: 2 << 20 },
        });
        queues.drop(DropKind::InterDcRefused {
            error: InterDcError::WrongDestination {
                to: DcId::new(2),
                me: DcId::new(1),
            },
        });
        assert_eq!(
            queues.drops(),
            ServerDrops {
                unsealable: 1,
                inter_dc_refused: 1,
                ..ServerDrops::default()
            }
        );
        assert_eq!(std::iter::from_fn(|| queues.poll_event()).count(), 2);
    }
}
