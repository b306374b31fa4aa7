//! One TCP connection: bytes in through a [`FrameDecoder`] (the framing
//! detected from the first bytes, as Telegram does), unencrypted packets
//! to this connection's key exchange, encrypted ones to the [`Cluster`];
//! frames out through a [`FrameEncoder`] in the same framing.
//!
//! A malformed frame, a client frame only a server may send, or a failed
//! key exchange closes this connection (counted and logged); nothing a
//! client sends can panic the server. Every connection has its own
//! thread, which reads with a short timeout so shutdown is noticed.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sessionlab_proto::auth::NetworkOrigin;
use sessionlab_proto::framing::{Frame, FrameDecoder, FrameEncoder, Framing};
use sessionlab_proto::id::DcId;
use sessionlab_proto::key_exchange::{ServerKeyExchange, ServerStep};
use sessionlab_proto::transport::{MsgIdGenerator, MsgIdKind};

use super::capture::{Capture, CaptureDirection};
use super::cluster::{ConnectionId, Log, Outbound};
use super::{wall_now, Shared};

/// How long a read waits before the thread looks at the shutdown flag.
pub const READ_POLL: Duration = Duration::from_millis(100);
/// How long a write may block before the connection is given up.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes read from the socket at once.
const READ_CHUNK_BYTES: usize = 64 << 10;

/// The writing half of a connection, shared with every thread that routes
/// packets to it; its lock keeps frames whole and in order.
pub struct ConnectionWriter {
    state: Mutex<WriterState>,
}

struct WriterState {
    stream: TcpStream,
    encoder: FrameEncoder,
    rng: ChaCha20Rng,
    capture: Option<Capture>,
    /// When a `ping_delay_disconnect` delay runs out.
    close_at: Option<std::time::Instant>,
}

impl ConnectionWriter {
    fn new(stream: TcpStream, framing: Framing, rng: ChaCha20Rng, capture: Option<Capture>) -> ConnectionWriter {
        ConnectionWriter {
            state: Mutex::new(WriterState {
                stream,
                encoder: FrameEncoder::for_server(framing),
                rng,
                capture,
                close_at: None,
            }),
        }
    }

    /// Whether a `ping_delay_disconnect` delay has run out.
    fn close_is_due(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.close_at.is_some_and(|at| std::time::Instant::now() >= at)
    }

    /// Encode and write one frame; an error means the connection is gone.
    pub fn write(&self, outbound: &Outbound) -> std::io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let WriterState {
            stream,
            encoder,
            rng,
            capture,
            close_at,
        } = &mut *state;
        let mut bytes = Vec::new();
        match outbound {
            Outbound::CloseAfter(delay) => {
                *close_at = std::time::Instant::now().checked_add(*delay);
                return Ok(());
            }
            Outbound::Packet(payload) => encoder
                .encode_packet(payload, rng, &mut bytes)
                .map_err(|error| std::io::Error::new(ErrorKind::InvalidData, error.to_string()))?,
            Outbound::TransportError(code) => encoder.encode_transport_error(*code, &mut bytes),
        }
        if let Some(capture) = capture {
            capture.record(&bytes);
        }
        stream.write_all(&bytes)
    }
}

/// Why a connection ended.
#[derive(Debug)]
enum Closed {
    ByPeer,
    DisconnectDelay,
    Shutdown,
    Malformed(String),
    KeyExchange(String),
    Io(std::io::Error),
}

/// Serve one accepted connection until it closes or the server shuts down.
pub fn serve_connection(stream: TcpStream, peer: SocketAddr, id: ConnectionId, dc: DcId, shared: Arc<Shared>) {
    let log = shared.log;
    log.line(format_args!("connection {id} from {peer} to dc{} open", dc.get()));
    let mut connection = None;
    let closed = match prepare(&stream) {
        Ok(()) => connection.insert(Connection::new(stream, peer, id, dc, &shared)).run(),
        Err(error) => {
            let _ = stream.shutdown(Shutdown::Both);
            Closed::Io(error)
        }
    };
    // Forget the connection before the client can see it closed, so a
    // client that reconnects at once finds its slot free.
    shared
        .writers
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&id);
    shared.cluster.lock().unwrap_or_else(PoisonError::into_inner).forget(id);
    shared.open_connections.fetch_sub(1, Ordering::SeqCst);
    if let Some(connection) = connection {
        // Every clone of the socket (a writer in flight) closes with it.
        let _ = connection.stream.shutdown(Shutdown::Both);
    }
    let reason = match &closed {
        Closed::ByPeer => "closed by the client".to_string(),
        Closed::DisconnectDelay => "closed: the ping_delay_disconnect delay ran out".to_string(),
        Closed::Shutdown => "closed: the server is shutting down".to_string(),
        Closed::Malformed(why) => format!("closed: malformed frame: {why}"),
        Closed::KeyExchange(why) => format!("closed: key exchange failed: {why}"),
        Closed::Io(error) => format!("closed: {error}"),
    };
    log.line(format_args!("connection {id} {reason}"));
}

fn prepare(stream: &TcpStream) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(READ_POLL))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    stream.set_nodelay(true)
}

struct Connection<'a> {
    stream: TcpStream,
    id: ConnectionId,
    dc: DcId,
    shared: &'a Shared,
    origin: NetworkOrigin,
    decoder: FrameDecoder,
    writer: Option<Arc<ConnectionWriter>>,
    exchange: Option<ServerKeyExchange>,
    message_ids: MsgIdGenerator,
    rng: ChaCha20Rng,
    capture: Option<Capture>,
}

impl<'a> Connection<'a> {
    fn new(stream: TcpStream, peer: SocketAddr, id: ConnectionId, dc: DcId, shared: &'a Shared) -> Connection<'a> {
        let rng = {
            let mut cluster = shared.cluster.lock().unwrap_or_else(PoisonError::into_inner);
            ChaCha20Rng::from_rng(cluster.rng())
        };
        Connection {
            stream,
            id,
            dc,
            shared,
            origin: NetworkOrigin {
                ip: peer.ip().to_string(),
                ..NetworkOrigin::default()
            },
            decoder: FrameDecoder::for_server(),
            writer: None,
            exchange: None,
            message_ids: MsgIdGenerator::new(),
            rng,
            capture: shared
                .capture
                .as_deref()
                .map(|directory| Capture::open(directory, id, dc, CaptureDirection::Client, shared.log)),
        }
    }

    fn run(&mut self) -> Closed {
        let mut chunk = vec![0u8; READ_CHUNK_BYTES];
        loop {
            if self.shared.shutdown.load(Ordering::SeqCst) {
                return Closed::Shutdown;
            }
            if self.writer.as_ref().is_some_and(|writer| writer.close_is_due()) {
                self.shared.count(|statistics| statistics.connections_timed_out += 1);
                return Closed::DisconnectDelay;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Closed::ByPeer,
                Ok(read) => {
                    if let Some(capture) = &mut self.capture {
                        capture.record(&chunk[..read]);
                    }
                    self.decoder.handle_bytes(&chunk[..read]);
                }
                Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => continue,
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => return Closed::Io(error),
            }
            while let Some(frame) = self.decoder.poll_frame() {
                if let Err(closed) = self.handle_frame(frame) {
                    return closed;
                }
            }
        }
    }

    fn handle_frame(&mut self, frame: Result<Frame, sessionlab_proto::framing::FramingError>) -> Result<(), Closed> {
        let malformed = |shared: &Shared, why: String| {
            shared.count(|statistics| statistics.malformed_frames += 1);
            Closed::Malformed(why)
        };
        let payload = match frame {
            Ok(Frame::Packet { payload, .. }) => payload,
            Ok(other) => return Err(malformed(self.shared, format!("a client may not send {other:?}"))),
            Err(error) => return Err(malformed(self.shared, error.to_string())),
        };
        self.ensure_writer()?;
        if payload.len() >= 8 && payload[..8] == [0; 8] {
            return self.handle_plain_packet(&payload);
        }
        let writes = {
            let mut cluster = self.shared.cluster.lock().unwrap_or_else(PoisonError::into_inner);
            cluster.handle_packet(wall_now(), self.id, self.dc, &self.origin, &payload)
        };
        self.shared.deliver(writes);
        Ok(())
    }

    /// The framing is known after the first frame: register the writer.
    fn ensure_writer(&mut self) -> Result<(), Closed> {
        if self.writer.is_some() {
            return Ok(());
        }
        let Some(framing) = self.decoder.framing() else {
            return Err(Closed::Malformed("a frame before the framing was known".into()));
        };
        let stream = self.stream.try_clone().map_err(Closed::Io)?;
        let capture = self
            .shared
            .capture
            .as_deref()
            .map(|directory| Capture::open(directory, self.id, self.dc, CaptureDirection::Server, self.shared.log));
        let writer = Arc::new(ConnectionWriter::new(
            stream,
            framing,
            ChaCha20Rng::from_rng(&mut self.rng),
            capture,
        ));
        self.shared
            .writers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(self.id, Arc::clone(&writer));
        self.shared
            .log
            .line(format_args!("connection {} speaks {framing:?}", self.id));
        self.writer = Some(writer);
        Ok(())
    }

    /// An unencrypted packet: a step of this connection's key exchange (a
    /// finished exchange followed by `req_pq_multi` starts a new one).
    fn handle_plain_packet(&mut self, payload: &[u8]) -> Result<(), Closed> {
        let mut exchange = match self.exchange.take() {
            Some(exchange) if !exchange.is_finished() => exchange,
            _ => ServerKeyExchange::new(Arc::clone(&self.shared.rsa_key)),
        };
        let now = wall_now();
        let message_id = self.message_ids.next(now, MsgIdKind::ServerResponse);
        let now_seconds = i32::try_from(now.unix_seconds()).unwrap_or(i32::MAX);
        let cluster = &self.shared.cluster;
        let key_is_taken = |id| {
            let cluster = cluster.lock().unwrap_or_else(PoisonError::into_inner);
            cluster.key_is_taken(self.dc, id)
        };
        let step = exchange.handle_packet(payload, message_id, now_seconds, &key_is_taken, &mut self.rng);
        self.exchange = Some(exchange);
        let reply = match step {
            Ok(ServerStep::Reply(reply)) => reply,
            Ok(ServerStep::Finished { reply, outcome }) => {
                let key_id = outcome.auth_key.id();
                let mut cluster = self.shared.cluster.lock().unwrap_or_else(PoisonError::into_inner);
                let registered = cluster.register_exchanged_key(now, self.dc, &outcome);
                drop(cluster);
                let kind = if outcome.expires_in_seconds.is_some() {
                    "temp"
                } else {
                    "auth"
                };
                match registered {
                    Ok(()) => self.shared.log.line(format_args!(
                        "connection {} made {kind} key {:016x} on dc{}",
                        self.id,
                        key_id.get(),
                        self.dc.get()
                    )),
                    Err(error) => self.shared.log.line(format_args!(
                        "connection {} made {kind} key {:016x}, refused: {error}",
                        self.id,
                        key_id.get()
                    )),
                }
                reply
            }
            Ok(ServerStep::Failed { reply, error }) => {
                // The client may start again on this connection.
                self.shared.count(|statistics| statistics.key_exchanges_failed += 1);
                self.shared
                    .log
                    .line(format_args!("connection {} sent dh_gen_fail: {error}", self.id));
                reply
            }
            Err(error) => {
                self.shared.count(|statistics| statistics.key_exchanges_failed += 1);
                return Err(Closed::KeyExchange(error.to_string()));
            }
        };
        match &self.writer {
            Some(writer) => writer.write(&Outbound::Packet(reply)).map_err(Closed::Io),
            None => Err(Closed::Malformed("no framing".into())),
        }
    }
}

/// The line for a connection closed at accept because `limit` are open.
pub fn log_refused(log: Log, peer: SocketAddr, limit: usize) {
    log.line(format_args!(
        "connection from {peer} refused: {limit} connections are open"
    ));
}
