//! One client session and one server over a channel an adversary controls:
//! it decides which in-flight packet is delivered next (reordering), which
//! is delivered twice (duplication) or dropped (loss), how time passes, how
//! the client's clock jumps, and when salts rotate. The invariant: every
//! message the client queued is processed by the server at most once per
//! session, and exactly once unless the client gave up on it. A client
//! whose clock correction restarts its session
//! (`TransportEvent::SessionRestarted`) moves its pending messages into
//! the new session, where one the old session had processed may be
//! processed once more: MTProto promises at-most-once per session.
//!
//! Set `SESSIONLAB_HARNESS_TRACE=1` to print every step to stderr when a
//! property test or fuzz input needs explaining.

use sessionlab_proto::id::SessionId;
use std::collections::BTreeMap;
use std::time::Duration;

use arbitrary::Arbitrary;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{ClientReceiveError, ClientSession, Outgoing, ServerTransport, TransportEvent};
use sessionlab_proto::wire::Body;

/// The application constructor the harness sends; the payload is a counter.
const HARNESS_CONSTRUCTOR: u32 = 0x5e55_0001;
/// Packets in flight per direction at most: older ones are dropped (a
/// bounded channel, like a real router queue).
pub const MAX_IN_FLIGHT: usize = 64;
/// Messages one run may queue at most, below the 1000-id replay window so
/// that "exactly once" is a promise the protocol can keep.
pub const MAX_MESSAGES: u32 = 400;
/// Actions one run executes at most.
pub const MAX_ACTIONS: usize = 2000;

/// One adversary move.
#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The client queues a new message.
    Send,
    /// The client puts its next packet (if any) on the wire.
    Transmit,
    /// Deliver an in-flight client packet (chosen by index: reordering),
    /// keeping a copy in flight when `duplicate`.
    DeliverToServer {
        index: u8,
        duplicate: bool,
    },
    /// The same towards the client.
    DeliverToClient {
        index: u8,
        duplicate: bool,
    },
    /// Lose an in-flight packet.
    DropToServer {
        index: u8,
    },
    DropToClient {
        index: u8,
    },
    /// Time passes for everyone.
    Advance {
        millis: u16,
    },
    /// The client's clock jumps (seconds, either way).
    ClockJump {
        seconds: i16,
    },
    /// Half an hour passes: the salt rotates.
    RotateSalt,
    /// The server asks about the client's recent messages (`msgs_state_req`)
    /// or announces one of its own (`msg_new_detailed_info`), unasked.
    ServerAsks {
        /// Which message (by index into the ids the client used).
        index: u8,
        /// `msg_new_detailed_info` instead of `msgs_state_req`.
        detailed: bool,
    },
}

/// What a run observed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub messages_queued: u32,
    /// How many times the server processed each message (by counter).
    pub processed: BTreeMap<u32, u32>,
    /// Messages the client gave up on.
    pub given_up: u32,
    /// Sessions the client restarted as, after clock corrections.
    pub sessions_restarted: u32,
    pub bad_messages: u32,
    pub packets_delivered: u32,
}

/// A broken invariant, described.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("transport invariant broken: {0}")]
pub struct Violation(pub String);

struct TransportPair {
    server: ServerTransport,
    client: ClientSession,
    rng: ChaCha8Rng,
    server_now: Instant,
    client_skew_micros: i64,
    to_server: Vec<Vec<u8>>,
    to_client: Vec<Vec<u8>>,
    /// msg_id → counter of the harness's messages pending under each id,
    /// following re-issues (the client's own `get_future_salts` is not one).
    ids: BTreeMap<u64, u32>,
    /// The (key, session) the server last received from, once it has.
    server_session: Option<(sessionlab_proto::id::AuthKeyId, SessionId)>,
    outcome: Outcome,
}

impl TransportPair {
    fn new(seed: u64) -> TransportPair {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let key = AuthKey::generate(&mut rng);
        let mut server = ServerTransport::new();
        server.add_key(key.clone(), &mut rng);
        let server_now = Instant::SCENARIO_EPOCH;
        let salt = server.current_salt(key.id(), server_now).unwrap_or_default();
        let client = ClientSession::new(key, SessionId(0x5e55), salt);
        TransportPair {
            server,
            client,
            rng,
            server_now,
            client_skew_micros: 0,
            to_server: Vec::new(),
            to_client: Vec::new(),
            ids: BTreeMap::new(),
            server_session: None,
            outcome: Outcome::default(),
        }
    }

    fn client_now(&self) -> Instant {
        self.server_now.offset_by_micros(self.client_skew_micros)
    }

    fn apply(&mut self, action: Action) -> Result<(), Violation> {
        match action {
            Action::Send => self.send(),
            Action::Transmit => self.transmit(),
            Action::DeliverToServer { index, duplicate } => {
                if let Some(packet) = take(&mut self.to_server, index, duplicate) {
                    self.deliver_to_server(&packet)?;
                }
            }
            Action::DeliverToClient { index, duplicate } => {
                if let Some(packet) = take(&mut self.to_client, index, duplicate) {
                    self.deliver_to_client(&packet)?;
                }
            }
            Action::DropToServer { index } => drop(take(&mut self.to_server, index, false)),
            Action::DropToClient { index } => drop(take(&mut self.to_client, index, false)),
            Action::Advance { millis } => self.advance(Duration::from_millis(u64::from(millis))),
            Action::ClockJump { seconds } => self.client_skew_micros += i64::from(seconds) * 1_000_000,
            Action::RotateSalt => self.advance(Duration::from_secs(1800)),
            Action::ServerAsks { index, detailed } => self.server_asks(index, detailed)?,
        }
        Ok(())
    }

    fn send(&mut self) {
        if self.outcome.messages_queued >= MAX_MESSAGES {
            return;
        }
        let counter = self.outcome.messages_queued;
        let mut body = HARNESS_CONSTRUCTOR.to_le_bytes().to_vec();
        body.extend_from_slice(&counter.to_le_bytes());
        if let Ok(msg_id) = self.client.send(self.client_now(), body) {
            self.ids.insert(msg_id, counter);
            self.outcome.messages_queued += 1;
        }
    }

    fn transmit(&mut self) {
        let now = self.client_now();
        if let Some(packet) = self.client.poll_transmit(now, &mut self.rng) {
            push_bounded(&mut self.to_server, packet);
        }
    }

    /// Seal a message about messages from the server, if it knows the session.
    fn server_asks(&mut self, index: u8, detailed: bool) -> Result<(), Violation> {
        let Some(session) = self.server_session else {
            return Ok(());
        };
        let ids: Vec<u64> = self.ids.keys().copied().collect();
        let Some(msg_id) = ids.get(usize::from(index) % ids.len().max(1)).copied() else {
            return Ok(());
        };
        let body = if detailed {
            Body::MsgNewDetailedInfo {
                answer_msg_id: msg_id | 1,
                bytes: 16,
                status: 0,
            }
        } else {
            Body::MsgsStateReq { msg_ids: vec![msg_id] }
        };
        let packet = self
            .server
            .seal(
                self.server_now,
                session.0,
                session.1,
                &[Outgoing::notification(&body)],
                &mut self.rng,
            )
            .map_err(|error| Violation(format!("server could not seal: {error}")))?;
        push_bounded(&mut self.to_client, packet);
        Ok(())
    }

    fn advance(&mut self, by: Duration) {
        self.server_now = self.server_now.saturating_add(by);
        let now = self.client_now();
        if self.client.poll_timeout().is_some_and(|deadline| deadline <= now) {
            self.client.handle_timeout(now);
        }
        let events = self.client.take_events();
        self.count(&events);
    }

    fn count(&mut self, events: &[TransportEvent]) {
        // A restart moves every pending message at once, and the new
        // session's ids may equal old ones not yet moved. The client stops
        // reading the old session's packet at a restart, so every event
        // after it in the batch names an old session's id.
        let mut old_session: Option<BTreeMap<u64, u32>> = None;
        for event in events {
            let ids = old_session.as_mut().unwrap_or(&mut self.ids);
            match event {
                TransportEvent::GaveUp { msg_id } if ids.remove(msg_id).is_some() => {
                    self.outcome.given_up += 1;
                }
                TransportEvent::Reissued {
                    old_msg_id, new_msg_id, ..
                } => {
                    if let Some(counter) = ids.remove(old_msg_id) {
                        self.ids.insert(*new_msg_id, counter);
                    }
                }
                TransportEvent::SessionRestarted { .. } => {
                    self.outcome.sessions_restarted += 1;
                    old_session = Some(std::mem::take(&mut self.ids));
                }
                _ => {}
            }
        }
        // What did not move was acknowledged before the restart.
    }

    fn deliver_to_server(&mut self, packet: &[u8]) -> Result<(), Violation> {
        let received = self
            .server
            .receive(self.server_now, packet, &mut self.rng)
            .map_err(|error| Violation(format!("server refused a client packet: {error}")))?;
        self.outcome.packets_delivered += 1;
        self.server_session = Some((received.auth_key_id, received.session_id));
        for message in &received.processed.accepted {
            let counter = harness_counter(&message.body)
                .ok_or_else(|| Violation(format!("server accepted a body the client never sent: {message:?}")))?;
            if std::env::var_os("SESSIONLAB_HARNESS_TRACE").is_some() {
                eprintln!(
                    "t={} accepted counter={counter} id={:#x}",
                    self.server_now.unix_micros(),
                    message.msg_id
                );
            }
            let times = self.outcome.processed.entry(counter).or_insert(0);
            *times += 1;
            if *times > 1 + self.outcome.sessions_restarted {
                return Err(Violation(format!(
                    "message {counter} processed {times} times in {} sessions",
                    1 + self.outcome.sessions_restarted
                )));
            }
        }
        if std::env::var_os("SESSIONLAB_HARNESS_TRACE").is_some() {
            eprintln!(
                "  replies {:?} events {:?}",
                received.processed.replies, received.processed.events
            );
        }
        let replies: Vec<Outgoing> = received.processed.replies.iter().map(Outgoing::response).collect();
        if !replies.is_empty() {
            let packet = self
                .server
                .seal(
                    self.server_now,
                    received.auth_key_id,
                    received.session_id,
                    &replies,
                    &mut self.rng,
                )
                .map_err(|error| Violation(format!("server could not answer: {error}")))?;
            push_bounded(&mut self.to_client, packet);
        }
        Ok(())
    }

    fn deliver_to_client(&mut self, packet: &[u8]) -> Result<(), Violation> {
        let now = self.client_now();
        let deliveries = match self.client.receive(now, packet) {
            Ok(deliveries) => deliveries,
            // A packet of a session the client has left: dropped, as a
            // client drops what arrives on the old session's connection.
            Err(ClientReceiveError::WrongSession { .. }) if self.outcome.sessions_restarted > 0 => return Ok(()),
            Err(error) => return Err(Violation(format!("client refused a server packet: {error}"))),
        };
        let events = self.client.take_events();
        if std::env::var_os("SESSIONLAB_HARNESS_TRACE").is_some() {
            eprintln!(
                "  CLIENT got {:?}\n   events {:?}\n   pending {:?}",
                deliveries,
                events,
                self.client.pending_ids().collect::<Vec<_>>()
            );
        }
        self.count(&events);
        self.outcome.packets_delivered += 1;
        Ok(())
    }

    /// Faults stop: deliver everything promptly until the client settles.
    fn quiet_period(&mut self) -> Result<(), Violation> {
        for _ in 0..MAX_ACTIONS {
            self.transmit();
            while !self.to_server.is_empty() || !self.to_client.is_empty() {
                if !self.to_server.is_empty() {
                    let packet = self.to_server.remove(0);
                    self.deliver_to_server(&packet)?;
                }
                if !self.to_client.is_empty() {
                    let packet = self.to_client.remove(0);
                    self.deliver_to_client(&packet)?;
                }
                self.transmit();
            }
            if self.client.pending_count() == 0 {
                return Ok(());
            }
            self.advance(Duration::from_millis(500));
        }
        Err(Violation(format!(
            "client still has {} pending messages after the quiet period",
            self.client.pending_count()
        )))
    }
}

/// Run `actions` then a quiet period, checking the invariant throughout.
pub fn run(seed: u64, actions: &[Action]) -> Result<Outcome, Violation> {
    let mut harness = TransportPair::new(seed);
    for action in actions.iter().take(MAX_ACTIONS) {
        harness.apply(*action)?;
    }
    harness.quiet_period()?;
    let events = harness.client.take_events();
    harness.count(&events);
    let outcome = harness.outcome;
    let processed_once = outcome.processed.len() as u32;
    if processed_once + outcome.given_up < outcome.messages_queued {
        return Err(Violation(format!(
            "{} messages queued, {processed_once} processed, {} given up: some were lost silently",
            outcome.messages_queued, outcome.given_up
        )));
    }
    Ok(outcome)
}

fn harness_counter(body: &[u8]) -> Option<u32> {
    match Body::decode(body).ok()? {
        Body::Application {
            constructor: HARNESS_CONSTRUCTOR,
            bytes,
        } if bytes.len() == 8 => Some(u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]])),
        _ => None,
    }
}

fn take(queue: &mut Vec<Vec<u8>>, index: u8, duplicate: bool) -> Option<Vec<u8>> {
    if queue.is_empty() {
        return None;
    }
    let index = usize::from(index) % queue.len();
    Some(if duplicate {
        queue[index].clone()
    } else {
        queue.remove(index)
    })
}

fn push_bounded(queue: &mut Vec<Vec<u8>>, packet: Vec<u8>) {
    if queue.len() >= MAX_IN_FLIGHT {
        queue.remove(0);
    }
    queue.push(packet);
}
