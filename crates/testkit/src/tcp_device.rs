//! The project's own client over a real TCP socket, for `sessionlab serve`:
//! a connection in any of Telegram's framings ([`TcpLink`]), the key
//! exchange run over it ([`TcpLink::exchange_key`]), and an app session on
//! a key ([`TcpDevice`]) whose calls are wrapped in
//! `invokeWithLayer(initConnection)` the first time, as a stock client's are.
//!
//! Every wait is bounded ([`WAIT`]); a test that gets no answer fails with
//! a message instead of hanging.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sessionlab_proto::client::API_LAYER;
use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::framing::{Frame, FrameDecoder, FrameEncoder, Framing};
use sessionlab_proto::id::SessionId;
use sessionlab_proto::key_exchange::{
    ClientKeyExchange, ClientKeyRequest, ClientStep, KeyExchangeOutcome, ServerPublicKey,
};
use sessionlab_proto::transport::{ClientSession, Delivery, MsgIdGenerator, MsgIdKind};
use sessionlab_proto::wire::api::{self, ApiCall, ApiRequest, ApiResponse};

use crate::server_cluster::{decode_answer, CallError};

/// How long any wait for the server lasts at most.
pub const WAIT: Duration = Duration::from_secs(10);

/// The wall clock as the core's instant (as `serve` reads it).
pub use sessionlab::serve::wall_now as now;

/// One TCP connection speaking one framing.
#[derive(Debug)]
pub struct TcpLink {
    stream: TcpStream,
    encoder: FrameEncoder,
    decoder: FrameDecoder,
    rng: ChaCha8Rng,
}

impl TcpLink {
    /// Connect to `address`; the framing's tag goes with the first frame.
    pub fn connect(address: SocketAddr, framing: Framing, seed: u64) -> std::io::Result<TcpLink> {
        let stream = TcpStream::connect_timeout(&address, WAIT)?;
        stream.set_read_timeout(Some(Duration::from_millis(50)))?;
        stream.set_nodelay(true)?;
        Ok(TcpLink {
            stream,
            encoder: FrameEncoder::for_client(framing),
            decoder: FrameDecoder::for_client(framing),
            rng: ChaCha8Rng::seed_from_u64(seed),
        })
    }

    /// Send one packet.
    pub fn send(&mut self, payload: &[u8]) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        self.encoder
            .encode_packet(payload, &mut self.rng, &mut bytes)
            .map_err(|error| std::io::Error::new(ErrorKind::InvalidInput, error.to_string()))?;
        self.stream.write_all(&bytes)
    }

    /// Send raw bytes (a test's garbage).
    pub fn send_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// The next frame, waiting at most `wait`; `Ok(None)` when none came,
    /// an `UnexpectedEof` error when the server closed the connection.
    pub fn receive(&mut self, wait: Duration) -> std::io::Result<Option<Frame>> {
        let deadline = std::time::Instant::now() + wait;
        let mut chunk = [0u8; 16 << 10];
        loop {
            if let Some(frame) = self.decoder.poll_frame() {
                return frame
                    .map(Some)
                    .map_err(|error| std::io::Error::new(ErrorKind::InvalidData, error.to_string()));
            }
            if std::time::Instant::now() >= deadline {
                return Ok(None);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
                Ok(read) => self.decoder.handle_bytes(&chunk[..read]),
                Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(error) => return Err(error),
            }
        }
    }

    /// Whether the server closed the connection within `wait`.
    pub fn is_closed_within(&mut self, wait: Duration) -> bool {
        let deadline = std::time::Instant::now() + wait;
        while std::time::Instant::now() < deadline {
            if self.receive(Duration::from_millis(100)).is_err() {
                return true;
            }
        }
        false
    }

    /// Run the key exchange for a permanent key on `dc` against `server_key`.
    pub fn exchange_key(&mut self, server_key: &ServerPublicKey, dc: i32) -> Result<KeyExchangeOutcome, String> {
        let request = ClientKeyRequest {
            server_keys: vec![server_key.clone()],
            dc: Some(dc),
            expires_in_seconds: None,
        };
        let mut message_ids = MsgIdGenerator::new();
        let mut rng = ChaCha8Rng::seed_from_u64(self.rng.next_u64());
        let (mut exchange, first) =
            ClientKeyExchange::start(request, message_ids.next(now(), MsgIdKind::Client), &mut rng);
        self.send(&first).map_err(|error| error.to_string())?;
        loop {
            let frame = self.receive(WAIT).map_err(|error| error.to_string())?;
            let payload = match frame {
                Some(Frame::Packet { payload, .. }) => payload,
                other => return Err(format!("expected a key exchange packet, got {other:?}")),
            };
            let step = exchange
                .handle_packet(&payload, message_ids.next(now(), MsgIdKind::Client), &mut rng)
                .map_err(|error| error.to_string())?;
            match step {
                ClientStep::Send(packet) => self.send(&packet).map_err(|error| error.to_string())?,
                ClientStep::Finished(outcome) => return Ok(*outcome),
            }
        }
    }
}

/// An app session on one key over one [`TcpLink`].
#[derive(Debug)]
pub struct TcpDevice {
    /// The connection.
    pub link: TcpLink,
    /// The key's transport session.
    pub session: ClientSession,
    initialized: bool,
    rng: ChaCha8Rng,
    /// Pushed content (encoded `Updates`), oldest first.
    pub pushed: Vec<Vec<u8>>,
    /// Transport errors the server sent (`-404`).
    pub transport_errors: Vec<i32>,
}

impl TcpDevice {
    /// A new session on `key`, starting with `salt` (0 when unknown: the
    /// server's `bad_server_salt` corrects it).
    pub fn new(link: TcpLink, key: AuthKey, salt: u64, seed: u64) -> TcpDevice {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let session = ClientSession::new(key, SessionId::new(rng.next_u64()), salt);
        TcpDevice {
            link,
            session,
            initialized: false,
            rng,
            pushed: Vec::new(),
            transport_errors: Vec::new(),
        }
    }

    /// Call `call` and wait for its answer: the answer, the `rpc_error`, or
    /// a `CallError` with code 0 when none came (the message says why).
    pub fn call(&mut self, call: ApiCall) -> Result<ApiResponse, CallError> {
        let request = if self.initialized {
            ApiRequest::Call(call)
        } else {
            self.initialized = true;
            ApiRequest::InvokeWithLayer {
                layer: API_LAYER,
                query: Box::new(ApiRequest::InitConnection {
                    params: api::InitConnection {
                        api_id: 4,
                        device_model: "TcpDevice".into(),
                        system_version: "Linux".into(),
                        app_version: "1.0".into(),
                        system_lang_code: "en".into(),
                        lang_pack: "".into(),
                        lang_code: "en".into(),
                        params: None,
                    },
                    query: Box::new(ApiRequest::Call(call)),
                }),
            }
        };
        let no_answer = |message: String| CallError { code: 0, message };
        let mut request_id = self
            .session
            .send(now(), request.encode())
            .map_err(|error| no_answer(error.to_string()))?;
        let deadline = std::time::Instant::now() + WAIT;
        while std::time::Instant::now() < deadline {
            while let Some(packet) = self.session.poll_transmit(now(), &mut self.rng) {
                self.link.send(&packet).map_err(|error| no_answer(error.to_string()))?;
            }
            let frame = self
                .link
                .receive(Duration::from_millis(50))
                .map_err(|error| no_answer(format!("connection: {error}")))?;
            let payload = match frame {
                None => continue,
                Some(Frame::TransportError { code }) => {
                    self.transport_errors.push(code);
                    return Err(CallError {
                        code,
                        message: "TRANSPORT_ERROR".into(),
                    });
                }
                Some(Frame::QuickAck { .. }) => continue,
                Some(Frame::Packet { payload, .. }) => payload,
            };
            let deliveries = self
                .session
                .receive(now(), &payload)
                .map_err(|error| no_answer(error.to_string()))?;
            for delivery in deliveries {
                match delivery {
                    Delivery::RpcResult { req_msg_id, result } if req_msg_id == request_id => {
                        return decode_answer(&result);
                    }
                    Delivery::Reissued { old_msg_id, new_msg_id } if old_msg_id == request_id => {
                        request_id = new_msg_id;
                    }
                    Delivery::Notification { body, .. } => self.pushed.push(body),
                    _ => {}
                }
            }
        }
        Err(no_answer("NO_ANSWER".into()))
    }

    /// Send `body` as is (a service message such as
    /// `ping_delay_disconnect`) and flush it; its msg_id.
    pub fn send_body(&mut self, body: Vec<u8>) -> Result<u64, String> {
        let msg_id = self.session.send(now(), body).map_err(|error| error.to_string())?;
        while let Some(packet) = self.session.poll_transmit(now(), &mut self.rng) {
            self.link.send(&packet).map_err(|error| error.to_string())?;
        }
        Ok(msg_id)
    }

    /// Read for `wait`, keeping pushed content (acknowledging as the
    /// session does).
    pub fn listen(&mut self, wait: Duration) -> std::io::Result<()> {
        let deadline = std::time::Instant::now() + wait;
        while std::time::Instant::now() < deadline {
            while let Some(packet) = self.session.poll_transmit(now(), &mut self.rng) {
                self.link.send(&packet)?;
            }
            if let Some(Frame::Packet { payload, .. }) = self.link.receive(Duration::from_millis(50))? {
                for delivery in self.session.receive(now(), &payload).unwrap_or_default() {
                    if let Delivery::Notification { body, .. } = delivery {
                        self.pushed.push(body);
                    }
                }
            }
        }
        Ok(())
    }
}
