//! A cluster of datacenters ([`Server`]s) and raw app instances (a
//! transport session per device, requests encoded by hand) wired together
//! with instant delivery and a virtual clock. Integration tests, the
//! `server_ops` fuzz target and the benches drive the real server through
//! it over encrypted packets; nothing bypasses the transport.

use sessionlab_proto::id::{AuthKeyId, DcId, SessionId, UserId};
use std::collections::BTreeMap;
use std::time::Duration;

use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use sessionlab_proto::auth::CodeDelivery;
use sessionlab_proto::auth::NetworkOrigin;
use sessionlab_proto::auth::Policy;

use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::server::{Server, ServerConfig, ServerEvent, ServerOutput};
use sessionlab_proto::time::Instant;
use sessionlab_proto::transport::{ClientSession, Delivery};
use sessionlab_proto::wire::api::{self, ApiCall, ApiRequest, ApiResponse};
use sessionlab_proto::wire::Body;

/// A deterministic RNG for tests that drive a server directly.
pub fn seeded(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Deliveries one `settle` carries out at most: a broken loop ends as an error.
pub const MAX_DELIVERIES_PER_SETTLE: usize = 100_000;

/// An `rpc_result` payload as the caller sees it: the answer, or the
/// `rpc_error` (code 0 when the payload decodes as neither).
pub fn decode_answer(bytes: &[u8]) -> Result<ApiResponse, CallError> {
    match Body::decode(bytes) {
        Ok(Body::RpcError {
            error_code,
            error_message,
        }) => Err(CallError {
            code: error_code,
            message: error_message,
        }),
        _ => ApiResponse::decode(bytes).map_err(|error| CallError {
            code: 0,
            message: error.to_string(),
        }),
    }
}

/// Index of a device in the cluster.
pub type DeviceId = usize;

/// An RPC error as the device saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallError {
    pub code: i32,
    pub message: String,
}

/// One app instance: a key, a transport session on one datacenter.
#[derive(Debug)]
pub struct RawDevice {
    pub dc: DcId,
    pub key: AuthKey,
    pub session: ClientSession,
    initialized: bool,
    answers: BTreeMap<u64, Vec<u8>>,
    /// A reissued request's current msg_id → the id `send` returned.
    aliases: BTreeMap<u64, u64>,
    /// Content the server pushed (encoded `Updates`), oldest first.
    pub pushed: Vec<Vec<u8>>,
    /// Every body the server sent above the transport — `rpc_result`
    /// payloads and pushed content — in arrival order.
    pub received: Vec<Vec<u8>>,
    pub origin: NetworkOrigin,
    /// Whether the first request's `initConnection` carries the opt-in to
    /// the project-private answers. Off by default: a raw device is a
    /// stock Telegram client.
    pub opts_in: bool,
}

/// Datacenters and devices with instant delivery.
#[derive(Debug)]
pub struct ServerCluster {
    pub now: Instant,
    pub servers: BTreeMap<DcId, Server>,
    pub devices: Vec<RawDevice>,
    /// Codes delivered so far: (phone, code, delivery).
    pub codes: Vec<(String, String, CodeDelivery)>,
    pub events: Vec<(DcId, ServerEvent)>,
    /// Transport error packets (-404) the servers sent back.
    pub transport_errors: usize,
    rng: ChaCha8Rng,
}

impl ServerCluster {
    /// `dc_count` datacenters (ids 1..=dc_count) under one policy.
    pub fn new(dc_count: u32, policy: Policy, seed: u64) -> ServerCluster {
        let servers = (1..=dc_count)
            .map(|dc| {
                (
                    DcId(dc),
                    Server::new(ServerConfig::new(DcId(dc), [7; 32], policy.clone())),
                )
            })
            .collect();
        ServerCluster {
            now: Instant::SCENARIO_EPOCH,
            servers,
            devices: Vec::new(),
            codes: Vec::new(),
            events: Vec::new(),
            transport_errors: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The cluster's randomness (for helpers in other files).
    pub(crate) fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    pub fn server(&self, dc: impl Into<DcId>) -> &Server {
        let dc = dc.into();
        &self.servers[&dc]
    }

    /// Register an account on its home datacenter.
    pub fn add_account(&mut self, home_dc: impl Into<DcId>, user_id: impl Into<UserId>, phone: &str) {
        let (home_dc, user_id) = (home_dc.into(), user_id.into());
        if let Some(server) = self.servers.get_mut(&home_dc) {
            let _ = server.register_account(user_id, phone);
        }
    }

    /// A new app instance with a fresh key on `dc`.
    pub fn add_device(&mut self, dc: impl Into<DcId>) -> DeviceId {
        let dc = dc.into();
        let key = AuthKey::generate(&mut self.rng);
        self.add_device_with_key(dc, key)
    }

    /// An app instance using an existing key (a copied session file).
    pub fn add_device_with_key(&mut self, dc: impl Into<DcId>, key: AuthKey) -> DeviceId {
        let dc = dc.into();
        let salt = match self.servers.get_mut(&dc) {
            Some(server) => server.register_key(self.now, key.clone(), &mut self.rng),
            None => 0,
        };
        let session_id = self.rng.next_u64();
        self.devices.push(RawDevice {
            dc,
            key: key.clone(),
            session: ClientSession::new(key, SessionId(session_id), salt),
            initialized: false,
            answers: BTreeMap::new(),
            aliases: BTreeMap::new(),
            pushed: Vec::new(),
            received: Vec::new(),
            origin: NetworkOrigin::default(),
            opts_in: false,
        });
        self.devices.len() - 1
    }

    /// Virtual time passes; every server's timers fire, then messages settle.
    pub fn advance(&mut self, by: Duration) {
        let target = self.now.saturating_add(by);
        loop {
            let next = self
                .servers
                .values()
                .filter_map(Server::poll_timeout)
                .filter(|at| *at <= target)
                .min();
            let Some(at) = next else { break };
            self.now = self.now.max(at);
            for server in self.servers.values_mut() {
                if server.poll_timeout().is_some_and(|deadline| deadline <= self.now) {
                    server.handle_timeout(self.now, &mut self.rng);
                }
            }
            self.settle();
        }
        self.now = target;
        self.settle();
    }

    /// Send `call` from `device` and deliver everything until it is answered.
    pub fn call(&mut self, device: DeviceId, call: ApiCall) -> Result<ApiResponse, CallError> {
        let request_id = self.send(device, call);
        self.settle();
        self.answer(device, request_id)
    }

    /// Send without waiting; returns the request's msg_id.
    pub fn send(&mut self, device: DeviceId, call: ApiCall) -> u64 {
        let raw = &mut self.devices[device];
        let request = if raw.initialized {
            ApiRequest::Call(call)
        } else {
            raw.initialized = true;
            ApiRequest::InvokeWithLayer {
                layer: sessionlab_proto::client::API_LAYER,
                query: Box::new(ApiRequest::InitConnection {
                    params: api::InitConnection {
                        api_id: 4,
                        device_model: format!("Device {device}"),
                        system_version: "Android 15".into(),
                        app_version: "11.0".into(),
                        system_lang_code: "en".into(),
                        lang_pack: "android".into(),
                        lang_code: "en".into(),
                        params: raw.opts_in.then(api::JsonValue::opt_in),
                    },
                    query: Box::new(ApiRequest::Call(call)),
                }),
            }
        };
        raw.session.send(self.now, request.encode()).unwrap_or(0)
    }

    /// Send an already encoded body (a hand-made or gzip-packed request)
    /// from `device`; returns its msg_id, for [`ServerCluster::answer`].
    pub fn send_body(&mut self, device: DeviceId, body: Vec<u8>) -> u64 {
        self.devices[device].session.send(self.now, body).unwrap_or(0)
    }

    /// Send `call` from `device`, deliver everything, and return the
    /// `rpc_result` payload undecoded (`None` when no answer arrived).
    pub fn call_bytes(&mut self, device: DeviceId, call: ApiCall) -> Option<Vec<u8>> {
        let request_id = self.send(device, call);
        self.settle();
        self.devices[device].answers.remove(&request_id)
    }

    /// The answer to `request_id`, if it arrived.
    pub fn answer(&mut self, device: DeviceId, request_id: u64) -> Result<ApiResponse, CallError> {
        let Some(bytes) = self.devices[device].answers.remove(&request_id) else {
            return Err(CallError {
                code: 0,
                message: "NO_ANSWER".into(),
            });
        };
        decode_answer(&bytes)
    }

    /// Deliver every queued packet and message until nothing moves.
    pub fn settle(&mut self) {
        for _ in 0..MAX_DELIVERIES_PER_SETTLE {
            if !self.step() {
                return;
            }
        }
        panic!("cluster did not settle within {MAX_DELIVERIES_PER_SETTLE} deliveries");
    }

    fn step(&mut self) -> bool {
        let mut moved = false;
        for index in 0..self.devices.len() {
            let device = &mut self.devices[index];
            while let Some(packet) = device.session.poll_transmit(self.now, &mut self.rng) {
                moved = true;
                if let Some(server) = self.servers.get_mut(&device.dc) {
                    server.handle_packet(self.now, &packet, &device.origin, &mut self.rng);
                }
            }
            if device.session.poll_timeout().is_some_and(|at| at <= self.now) {
                device.session.handle_timeout(self.now);
            }
        }
        let dcs: Vec<DcId> = self.servers.keys().copied().collect();
        for dc in dcs {
            let Some(server) = self.servers.get_mut(&dc) else {
                continue;
            };
            let outputs: Vec<ServerOutput> = std::iter::from_fn(|| server.poll_output()).collect();
            while let Some(event) = server.poll_event() {
                self.events.push((dc, event));
            }
            for output in outputs {
                moved = true;
                self.route(dc, output);
            }
        }
        moved
    }

    fn route(&mut self, from_dc: DcId, output: ServerOutput) {
        match output {
            ServerOutput::Packet {
                auth_key_id,
                session_id,
                bytes,
            } => {
                let now = self.now;
                for device in self.devices.iter_mut().filter(|device| {
                    device.dc == from_dc && device.key.id() == auth_key_id && device.session.session_id() == session_id
                }) {
                    for delivery in device.session.receive(now, &bytes).unwrap_or_default() {
                        match delivery {
                            Delivery::RpcResult { req_msg_id, result } => {
                                let original = device.aliases.remove(&req_msg_id).unwrap_or(req_msg_id);
                                device.received.push(result.clone());
                                device.answers.insert(original, result);
                            }
                            Delivery::Reissued { old_msg_id, new_msg_id } => {
                                let original = device.aliases.remove(&old_msg_id).unwrap_or(old_msg_id);
                                device.aliases.insert(new_msg_id, original);
                            }
                            Delivery::Notification { body, .. } => {
                                device.received.push(body.clone());
                                device.pushed.push(body);
                            }
                            Delivery::NewSessionCreated { .. } => {}
                        }
                    }
                }
            }
            ServerOutput::TransportError { .. } => self.transport_errors += 1,
            ServerOutput::InterDc(message) => {
                let now = self.now;
                if let Some(server) = self.servers.get_mut(&message.to) {
                    server.handle_inter_dc(now, message, &mut self.rng);
                }
            }
            ServerOutput::DeliverCode {
                phone, code, delivery, ..
            } => self.codes.push((phone, code, delivery)),
        }
    }

    /// Log in `device` by code (sendCode → the delivered code → signIn);
    /// returns the error of the first step that failed.
    pub fn login_with_code(&mut self, device: DeviceId, phone: &str) -> Result<ApiResponse, CallError> {
        let sent = self.call(
            device,
            ApiCall::SendCode(api::SendCode {
                phone_number: phone.into(),
                api_id: 4,
                api_hash: "hash".into(),
                settings: api::CodeSettings::default(),
            }),
        )?;
        let ApiResponse::SentCode(api::SentCode::Sent { phone_code_hash, .. }) = sent else {
            return Ok(sent);
        };
        let code = self
            .codes
            .iter()
            .rev()
            .find(|(to, _, _)| to == phone)
            .map(|(_, code, _)| code.clone());
        self.call(
            device,
            ApiCall::SignIn(api::SignIn {
                phone_number: phone.into(),
                phone_code_hash,
                phone_code: code,
            }),
        )
    }

    /// Requests accepted under `key_id` on `dc` since the start.
    pub fn accepted_requests(&self, dc: impl Into<DcId>, key_id: impl Into<AuthKeyId>) -> usize {
        let (dc, key_id) = (dc.into(), key_id.into());
        use sessionlab_proto::auth::AuthEventKind;
        self.events
            .iter()
            .filter(|(at, event)| {
                *at == dc
                    && matches!(event, ServerEvent::Auth(auth) if matches!(&auth.kind, AuthEventKind::RequestAccepted { handle } if handle.key_id == key_id))
            })
            .count()
    }
}
