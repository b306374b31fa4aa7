//! `sessionlab serve`: the core's datacenters behind real TCP sockets and
//! the wall clock, for stock Telegram clients (Telethon) and researchers.
//!
//! ```text
//!  DC i listener (PORT + i − 1) ── accept ──► connection thread (one per client)
//!      bytes ─► FrameDecoder (framing detected) ─► auth_key_id 0 ? ServerKeyExchange (per connection)
//!                                                       : Cluster::handle_packet ─► Server (sans-IO)
//!      ConnectionWriter ◄─ FrameEncoder ◄─ routed by (dc, key, session) ◄─ outputs
//!  timer thread ── every TICK ──► Cluster::handle_timeouts
//! ```
//!
//! Why std threads and one lock: a researcher's server holds tens of
//! connections, not thousands; the servers are one deterministic state
//! behind one `Mutex`, as in a simulation, and blocking reads with a short
//! timeout keep shutdown simple. No async runtime is needed. The core
//! stays sans-IO: this module owns every socket and reads every clock.
//!
//! Limits: `--max-connections` open at once (more are closed at accept and
//! counted), frames and buffers bounded by the core's [`FrameDecoder`]
//! (`framing::MAX_BUFFERED_BYTES`), writes time out after
//! [`connection::WRITE_TIMEOUT`].
//!
//! [`FrameDecoder`]: sessionlab_proto::framing::FrameDecoder

mod capture;
mod cluster;
mod connection;
mod provision;
mod session_string;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sessionlab_proto::auth::Policy;
use sessionlab_proto::id::DcId;
use sessionlab_proto::key_exchange::{ServerPublicKey, ServerRsaKey};
use sessionlab_proto::server::{Server, ServerConfig};
use sessionlab_proto::time::Instant;
use sessionlab_proto::wire::api::DcOption;

pub use capture::{capture_file_name, CaptureDirection, MAX_CAPTURED_BYTES};
pub use cluster::{ConnectionId, Log, Outbound, ServeStatistics};
pub use provision::{
    provision, provisioned_phone, ProvisionError, ProvisionedDevice, FIRST_USER_ID, MAX_DEVICES_PER_ACCOUNT,
    MAX_PROVISIONED_ACCOUNTS, PROVISIONED_AGE,
};
pub use session_string::{SessionStringError, TelethonSession, PACKED_SESSION_BYTES, SESSION_STRING_VERSION};

use crate::scenario::model::DeviceKind;
use cluster::Cluster;
use connection::{log_refused, serve_connection, ConnectionWriter};

/// Datacenters `--dcs` may ask for (Telegram has five).
pub const MAX_DATACENTERS: u32 = 5;
/// The most connections `--max-connections` may allow.
pub const MAX_CONNECTIONS_LIMIT: usize = 4096;
/// How often the timer thread runs the servers' timers.
pub const TICK: Duration = Duration::from_millis(200);
/// How long the accept loop sleeps when no client is waiting.
const ACCEPT_POLL: Duration = Duration::from_millis(20);

/// Everything `serve` is started with.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Where DC 1 listens; DC i on `port + i − 1` (port 0: each DC its own free port).
    pub listen: SocketAddr,
    /// Datacenters, 1..=[`MAX_DATACENTERS`].
    pub dcs: u32,
    /// Connections open at once, 1..=[`MAX_CONNECTIONS_LIMIT`].
    pub max_connections: usize,
    /// Seeds the servers' randomness (keys' salts, nonces, codes); `None`: from the OS.
    pub seed: Option<u64>,
    /// Accounts to provision before listening.
    pub accounts: u32,
    /// One logged-in device of each kind per account.
    pub devices: Vec<DeviceKind>,
    /// The session layer's policy on every DC.
    pub policy: Policy,
    /// No connection or RPC lines.
    pub quiet: bool,
    /// Write every connection's bytes, both ways, into this directory.
    pub capture: Option<PathBuf>,
}

/// Why `serve` could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A setting out of range.
    #[error("{0}")]
    Setting(String),
    /// A socket could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    /// The RSA key could not be made.
    #[error("cannot make the server's RSA key: {0}")]
    RsaKey(String),
    /// Provisioning failed.
    #[error("provisioning failed: {0}")]
    Provision(#[from] ProvisionError),
    /// A thread could not be started.
    #[error("cannot start a thread: {0}")]
    Thread(std::io::Error),
}

/// What every thread shares.
pub(crate) struct Shared {
    cluster: Mutex<Cluster>,
    writers: Mutex<BTreeMap<ConnectionId, Arc<ConnectionWriter>>>,
    shutdown: AtomicBool,
    open_connections: AtomicUsize,
    next_connection: AtomicU64,
    rsa_key: Arc<ServerRsaKey>,
    log: Log,
    max_connections: usize,
    capture: Option<PathBuf>,
}

impl Shared {
    fn count(&self, change: impl FnOnce(&mut ServeStatistics)) {
        let mut cluster = self.cluster.lock().unwrap_or_else(PoisonError::into_inner);
        change(&mut cluster.statistics);
    }

    /// Write each frame to its connection; a connection whose write fails
    /// is shut down (its thread then ends it).
    fn deliver(&self, writes: Vec<(ConnectionId, Outbound)>) {
        for (connection, outbound) in writes {
            let writer = self
                .writers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&connection)
                .cloned();
            if let Some(writer) = writer {
                if writer.write(&outbound).is_err() {
                    self.writers
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&connection);
                }
            }
        }
    }
}

/// A running server: its addresses, what was provisioned, and the handle to stop it.
pub struct RunningServer {
    addresses: Vec<SocketAddr>,
    devices: Vec<ProvisionedDevice>,
    public_key: ServerPublicKey,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    connection_threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl RunningServer {
    /// Where each DC listens, DC 1 first.
    pub fn addresses(&self) -> &[SocketAddr] {
        &self.addresses
    }

    /// The provisioned devices, account by account.
    pub fn devices(&self) -> &[ProvisionedDevice] {
        &self.devices
    }

    /// The server's RSA public key (clients must know it for the key exchange).
    pub fn public_key(&self) -> &ServerPublicKey {
        &self.public_key
    }

    /// A device's Telethon session string.
    pub fn session_string(&self, device: &ProvisionedDevice) -> String {
        let address = self.address_of(device.dc);
        let ip = match address.ip() {
            IpAddr::V4(ip) => ip,
            IpAddr::V6(_) => Ipv4Addr::LOCALHOST,
        };
        TelethonSession {
            dc: device.dc,
            ip,
            port: address.port(),
            auth_key: device.auth_key.clone(),
        }
        .encode()
    }

    /// DC `dc`'s address (DC 1's when there is no such DC).
    pub fn address_of(&self, dc: DcId) -> SocketAddr {
        let index = usize::try_from(dc.get().saturating_sub(1)).unwrap_or(0);
        self.addresses
            .get(index)
            .or(self.addresses.first())
            .copied()
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// What was counted so far.
    pub fn statistics(&self) -> ServeStatistics {
        self.shared
            .cluster
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .statistics
    }

    /// Run `read` on the servers (tests look at authorizations).
    pub fn with_servers<T>(&self, read: impl FnOnce(&BTreeMap<DcId, Server>) -> T) -> T {
        read(
            self.shared
                .cluster
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .servers(),
        )
    }

    /// Stop accepting, close every connection, join every thread; returns the counters.
    pub fn shutdown(self) -> ServeStatistics {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        for thread in self.threads {
            let _ = thread.join();
        }
        let connections: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.connection_threads.lock().unwrap_or_else(PoisonError::into_inner));
        for thread in connections {
            let _ = thread.join();
        }
        self.shared
            .cluster
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .statistics
    }
}

/// The wall clock as the core's [`Instant`].
pub fn wall_now() -> Instant {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    Instant::from_unix_micros(micros)
}

fn check(config: &ServeConfig) -> Result<(), ServeError> {
    let setting = |text: String| Err(ServeError::Setting(text));
    if !(1..=MAX_DATACENTERS).contains(&config.dcs) {
        return setting(format!("--dcs must be 1..={MAX_DATACENTERS}, got {}", config.dcs));
    }
    if !(1..=MAX_CONNECTIONS_LIMIT).contains(&config.max_connections) {
        return setting(format!(
            "--max-connections must be 1..={MAX_CONNECTIONS_LIMIT}, got {}",
            config.max_connections
        ));
    }
    if config.accounts > MAX_PROVISIONED_ACCOUNTS {
        return setting(format!(
            "--accounts must be at most {MAX_PROVISIONED_ACCOUNTS}, got {}",
            config.accounts
        ));
    }
    if config.devices.len() > MAX_DEVICES_PER_ACCOUNT {
        return setting(format!("--devices lists at most {MAX_DEVICES_PER_ACCOUNT} devices"));
    }
    if config.accounts > 0 && config.devices.is_empty() {
        return setting("--accounts needs at least one device in --devices".into());
    }
    if config.listen.port() != 0 && u32::from(config.listen.port()) + config.dcs - 1 > u32::from(u16::MAX) {
        return setting(format!("ports {}.. run past 65535", config.listen.port()));
    }
    config
        .policy
        .validate()
        .map_err(|error| ServeError::Setting(format!("policy: {error}")))
}

fn bind(config: &ServeConfig) -> Result<Vec<TcpListener>, ServeError> {
    (0..config.dcs)
        .map(|index| {
            let port = match config.listen.port() {
                0 => 0,
                first => first + u16::try_from(index).unwrap_or(0),
            };
            let address = SocketAddr::new(config.listen.ip(), port);
            let listener = TcpListener::bind(address).map_err(|source| ServeError::Bind { address, source })?;
            listener
                .set_nonblocking(true)
                .map_err(|source| ServeError::Bind { address, source })?;
            Ok(listener)
        })
        .collect()
}

/// Bind every DC's socket, provision, and start serving in the background.
pub fn start(config: &ServeConfig) -> Result<RunningServer, ServeError> {
    check(config)?;
    let listeners = bind(config)?;
    let addresses: Vec<SocketAddr> = listeners
        .iter()
        .map(|listener| listener.local_addr())
        .collect::<Result<_, _>>()
        .map_err(|source| ServeError::Bind {
            address: config.listen,
            source,
        })?;
    let mut rng = match config.seed {
        Some(seed) => ChaCha20Rng::seed_from_u64(seed),
        None => ChaCha20Rng::from_os_rng(),
    };
    let rsa_key = ServerRsaKey::generate(&mut rng).map_err(|error| ServeError::RsaKey(error.to_string()))?;
    let public_key = rsa_key.public_key().clone();
    let mut cluster_secret = [0u8; 32];
    rand_chacha::rand_core::RngCore::fill_bytes(&mut rng, &mut cluster_secret);
    let dc_options: Vec<DcOption> = addresses
        .iter()
        .zip(1..)
        .map(|(address, id)| DcOption {
            ipv6: address.is_ipv6(),
            media_only: false,
            id,
            ip_address: address.ip().to_string(),
            port: i32::from(address.port()),
        })
        .collect();
    let mut servers: BTreeMap<DcId, Server> = (1..=config.dcs)
        .map(|dc| {
            let mut server_config = ServerConfig::new(DcId::new(dc), cluster_secret, config.policy.clone());
            server_config.dc_options = dc_options.clone();
            (DcId::new(dc), Server::new(server_config))
        })
        .collect();
    let now = wall_now();
    let devices = provision(
        &mut servers,
        config.accounts,
        &config.devices,
        now.saturating_sub(PROVISIONED_AGE),
        &mut rng,
    )?;
    let log = Log { quiet: config.quiet };
    let shared = Arc::new(Shared {
        cluster: Mutex::new(Cluster::new(servers, rng, now, log)),
        writers: Mutex::new(BTreeMap::new()),
        shutdown: AtomicBool::new(false),
        open_connections: AtomicUsize::new(0),
        next_connection: AtomicU64::new(1),
        rsa_key: Arc::new(rsa_key),
        log,
        max_connections: config.max_connections,
        capture: config.capture.clone(),
    });
    // Bring the servers from the provisioning instant to now.
    let writes = shared
        .cluster
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .handle_timeouts(now);
    shared.deliver(writes);
    let connection_threads = Arc::new(Mutex::new(Vec::new()));
    let mut threads = Vec::new();
    for (listener, dc) in listeners.into_iter().zip(1..) {
        let shared = Arc::clone(&shared);
        let connections = Arc::clone(&connection_threads);
        let thread = std::thread::Builder::new()
            .name(format!("serve-dc{dc}"))
            .spawn(move || accept_loop(listener, DcId::new(dc), shared, connections))
            .map_err(ServeError::Thread)?;
        threads.push(thread);
    }
    let timer_shared = Arc::clone(&shared);
    let timer = std::thread::Builder::new()
        .name("serve-timers".into())
        .spawn(move || timer_loop(timer_shared))
        .map_err(ServeError::Thread)?;
    threads.push(timer);
    Ok(RunningServer {
        addresses,
        devices,
        public_key,
        shared,
        threads,
        connection_threads,
    })
}

fn accept_loop(listener: TcpListener, dc: DcId, shared: Arc<Shared>, connections: Arc<Mutex<Vec<JoinHandle<()>>>>) {
    while !shared.shutdown.load(Ordering::SeqCst) {
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(ACCEPT_POLL);
                continue;
            }
            Err(error) => {
                shared.log.line(format_args!("dc{} accept failed: {error}", dc.get()));
                std::thread::sleep(ACCEPT_POLL);
                continue;
            }
        };
        if shared.open_connections.load(Ordering::SeqCst) >= shared.max_connections {
            shared.count(|statistics| statistics.connections_refused += 1);
            log_refused(shared.log, peer, shared.max_connections);
            drop(stream);
            continue;
        }
        shared.open_connections.fetch_add(1, Ordering::SeqCst);
        shared.count(|statistics| statistics.connections_accepted += 1);
        let id = shared.next_connection.fetch_add(1, Ordering::SeqCst);
        let connection_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name(format!("serve-connection-{id}"))
            .spawn(move || serve_connection(stream, peer, id, dc, connection_shared));
        let mut threads = connections.lock().unwrap_or_else(PoisonError::into_inner);
        threads.retain(|thread| !thread.is_finished());
        match spawned {
            Ok(thread) => threads.push(thread),
            Err(error) => {
                shared.open_connections.fetch_sub(1, Ordering::SeqCst);
                shared
                    .log
                    .line(format_args!("connection {id} dropped: no thread: {error}"));
            }
        }
    }
}

fn timer_loop(shared: Arc<Shared>) {
    while !shared.shutdown.load(Ordering::SeqCst) {
        std::thread::sleep(TICK);
        let writes = shared
            .cluster
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .handle_timeouts(wall_now());
        shared.deliver(writes);
    }
}
