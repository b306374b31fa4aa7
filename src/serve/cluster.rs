//! The datacenters behind the sockets: every [`Server`] under one lock,
//! the routes from a client's session to the connection it was last heard
//! on, and what is counted and logged.
//!
//! The servers stay sans-IO: a connection thread hands in a packet with
//! the wall-clock `now`, the cluster runs it, carries inter-DC messages
//! at once, and returns what must be written to which connection. A
//! session's packets go down the connection its last packet came up;
//! pushes to a session with no connection are dropped and counted (the
//! client catches up with `updates.getDifference`, as with Telegram).

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use rand_chacha::ChaCha20Rng;
use sessionlab_proto::auth::NetworkOrigin;
use sessionlab_proto::auth::{CodeDelivery, RpcError};
use sessionlab_proto::crypto::packet_key_id;
use sessionlab_proto::id::{AuthKeyId, DcId, SessionId};
use sessionlab_proto::key_exchange::KeyExchangeOutcome;
use sessionlab_proto::server::{Server, ServerEvent, ServerOutput};
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::TransportEvent;

/// A connection's number, in the order they were accepted (from 1).
pub type ConnectionId = u64;

/// What goes down a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outbound {
    /// An MTProto packet.
    Packet(Vec<u8>),
    /// A transport error (`-404`: no such auth key here).
    TransportError(i32),
    /// `ping_delay_disconnect`: close the connection after this long
    /// unless another one comes first (it replaces any earlier deadline).
    CloseAfter(Duration),
}

/// What `serve` counted since it started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServeStatistics {
    /// Connections accepted.
    pub connections_accepted: u64,
    /// Connections refused because `--max-connections` were open.
    pub connections_refused: u64,
    /// Connections closed for a malformed frame (bad length, CRC, framing).
    pub malformed_frames: u64,
    /// Key exchanges that made a key.
    pub keys_exchanged: u64,
    /// Key exchanges a client got wrong (`dh_gen_fail`, or the
    /// connection was closed).
    pub key_exchanges_failed: u64,
    /// Connections closed because a `ping_delay_disconnect` delay passed.
    pub connections_timed_out: u64,
    /// Encrypted packets handed to the servers.
    pub packets_received: u64,
    /// Packets and transport errors written to connections.
    pub packets_sent: u64,
    /// Packets for a session with no open connection (dropped).
    pub packets_unrouted: u64,
    /// API calls answered (or held) by the servers.
    pub rpcs: u64,
}

/// Lines on standard error: one per connection and per RPC unless quiet;
/// login codes always (a person needs them to log in).
#[derive(Clone, Copy, Debug)]
pub struct Log {
    /// `--quiet`: no connection or RPC lines.
    pub quiet: bool,
}

impl Log {
    /// A connection or RPC line.
    pub fn line(&self, text: std::fmt::Arguments<'_>) {
        if !self.quiet {
            Log::always(text);
        }
    }

    /// A line printed even when quiet.
    pub fn always(text: std::fmt::Arguments<'_>) {
        let mut stderr = std::io::stderr().lock();
        // Standard error gone (a closed pipe) must not stop the server.
        let _ = writeln!(stderr, "serve: {text}");
    }
}

/// The servers, their RNG, the routes and the counters.
pub struct Cluster {
    servers: BTreeMap<DcId, Server>,
    rng: ChaCha20Rng,
    routes: BTreeMap<(DcId, AuthKeyId, SessionId), ConnectionId>,
    /// The connection each key was last heard on (where a `-404` goes).
    last_connection_of_key: BTreeMap<(DcId, AuthKeyId), ConnectionId>,
    /// The latest `now` handed in: the servers never see time go back.
    now: Instant,
    log: Log,
    /// What was counted.
    pub statistics: ServeStatistics,
}

impl Cluster {
    /// The servers (provisioned already) as of `now`.
    pub fn new(servers: BTreeMap<DcId, Server>, rng: ChaCha20Rng, now: Instant, log: Log) -> Cluster {
        Cluster {
            servers,
            rng,
            routes: BTreeMap::new(),
            last_connection_of_key: BTreeMap::new(),
            now,
            log,
            statistics: ServeStatistics::default(),
        }
    }

    /// The cluster's RNG (each connection seeds its own from it).
    pub fn rng(&mut self) -> &mut ChaCha20Rng {
        &mut self.rng
    }

    /// The servers, read-only (for tests and the shutdown summary).
    pub fn servers(&self) -> &BTreeMap<DcId, Server> {
        &self.servers
    }

    fn advance(&mut self, wall: Instant) -> Instant {
        self.now = self.now.max(wall);
        self.now
    }

    /// Whether `dc` already knows a key with this id.
    pub fn key_is_taken(&self, dc: DcId, auth_key_id: AuthKeyId) -> bool {
        self.servers.get(&dc).is_some_and(|server| server.has_key(auth_key_id))
    }

    /// A key a connection's exchange made, registered on `dc`: a
    /// permanent key with its first salt, a temp key (PFS) with its
    /// lifetime, to be bound with `auth.bindTempAuthKey`.
    pub fn register_exchanged_key(
        &mut self,
        wall: Instant,
        dc: DcId,
        outcome: &KeyExchangeOutcome,
    ) -> Result<(), RpcError> {
        let now = self.advance(wall);
        let Some(server) = self.servers.get_mut(&dc) else {
            return Ok(());
        };
        let key = outcome.auth_key.clone();
        match outcome.expires_in_seconds {
            None => server.register_exchanged_key(now, key, outcome.server_salt, &mut self.rng),
            Some(seconds) => {
                let lifetime = Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
                server.register_temp_key(now, key, lifetime, &mut self.rng)?;
            }
        }
        self.statistics.keys_exchanged += 1;
        Ok(())
    }

    /// An encrypted packet that came up `connection` to `dc`; returns what
    /// to write, and where.
    pub fn handle_packet(
        &mut self,
        wall: Instant,
        connection: ConnectionId,
        dc: DcId,
        origin: &NetworkOrigin,
        packet: &[u8],
    ) -> Vec<(ConnectionId, Outbound)> {
        let now = self.advance(wall);
        self.statistics.packets_received += 1;
        if let Some(key_id) = packet_key_id(packet) {
            self.last_connection_of_key.insert((dc, key_id), connection);
        }
        if let Some(server) = self.servers.get_mut(&dc) {
            if let Some((key_id, session_id)) = server.handle_packet(now, packet, origin, &mut self.rng) {
                self.routes.insert((dc, key_id, session_id), connection);
            }
        }
        self.drain(now)
    }

    /// Run every server's due timers; returns what to write.
    pub fn handle_timeouts(&mut self, wall: Instant) -> Vec<(ConnectionId, Outbound)> {
        let now = self.advance(wall);
        for server in self.servers.values_mut() {
            if server.poll_timeout().is_some_and(|at| at <= now) {
                server.handle_timeout(now, &mut self.rng);
            }
        }
        self.drain(now)
    }

    /// A connection closed: nothing is routed to it any more.
    pub fn forget(&mut self, connection: ConnectionId) {
        self.routes.retain(|_, to| *to != connection);
        self.last_connection_of_key.retain(|_, to| *to != connection);
    }

    /// Poll every server until nothing is left: log events, carry
    /// inter-DC messages, collect packets by connection.
    fn drain(&mut self, now: Instant) -> Vec<(ConnectionId, Outbound)> {
        let mut writes = Vec::new();
        // Inter-DC messages can cause more outputs; each round carries them
        // once. A bounded number of rounds: a loop between DCs is a bug,
        // which must not hang a connection thread.
        for _ in 0..MAX_DRAIN_ROUNDS {
            let mut inter_dc = Vec::new();
            for (dc, server) in self.servers.iter_mut() {
                while let Some(event) = server.poll_event() {
                    match &event {
                        ServerEvent::Rpc { .. } => self.statistics.rpcs += 1,
                        ServerEvent::Transport {
                            auth_key_id,
                            event:
                                TransportEvent::DisconnectDelayRequested {
                                    disconnect_delay_seconds,
                                },
                        } => {
                            if let Some(connection) = self.last_connection_of_key.get(&(*dc, *auth_key_id)) {
                                let delay = Duration::from_secs(u64::from(*disconnect_delay_seconds));
                                writes.push((*connection, Outbound::CloseAfter(delay)));
                            }
                        }
                        _ => {}
                    }
                    log_event(self.log, *dc, &event);
                }
                while let Some(output) = server.poll_output() {
                    match output {
                        ServerOutput::Packet {
                            auth_key_id,
                            session_id,
                            bytes,
                        } => match self.routes.get(&(*dc, auth_key_id, session_id)) {
                            Some(connection) => writes.push((*connection, Outbound::Packet(bytes))),
                            None => self.statistics.packets_unrouted += 1,
                        },
                        ServerOutput::TransportError { auth_key_id, code } => {
                            match self.last_connection_of_key.get(&(*dc, auth_key_id)) {
                                Some(connection) => writes.push((*connection, Outbound::TransportError(code))),
                                None => self.statistics.packets_unrouted += 1,
                            }
                        }
                        ServerOutput::InterDc(message) => inter_dc.push(message),
                        ServerOutput::DeliverCode {
                            phone, code, delivery, ..
                        } => {
                            let how = match delivery {
                                CodeDelivery::Sms => "by SMS".to_string(),
                                CodeDelivery::App { key_ids } => format!("in the app, to {} sessions", key_ids.len()),
                            };
                            Log::always(format_args!("login code for {phone}: {code} ({how})"));
                        }
                    }
                }
            }
            if inter_dc.is_empty() {
                break;
            }
            for message in inter_dc {
                if let Some(server) = self.servers.get_mut(&message.to) {
                    server.handle_inter_dc(now, message, &mut self.rng);
                }
            }
        }
        self.statistics.packets_sent += writes.len() as u64;
        writes
    }
}

/// Rounds of inter-DC delivery one input may cause at most.
const MAX_DRAIN_ROUNDS: usize = 16;

/// One line per RPC (and per dropped packet, which a client would want to know of).
fn log_event(log: Log, dc: DcId, event: &ServerEvent) {
    match event {
        ServerEvent::Rpc {
            auth_key_id,
            method,
            error,
            answer_bytes,
            ..
        } => match error {
            None => log.line(format_args!(
                "dc{} key {:016x} {method} -> ok ({answer_bytes} bytes)",
                dc.get(),
                auth_key_id.get()
            )),
            Some(error) => log.line(format_args!(
                "dc{} key {:016x} {method} -> {} {}",
                dc.get(),
                auth_key_id.get(),
                error.code(),
                error.message()
            )),
        },
        ServerEvent::PacketDropped { error } => log.line(format_args!("dc{} packet refused: {error}", dc.get())),
        _ => {}
    }
}
