//! What a client is configured with (the device it runs on, its home DC,
//! its sync settings) and the named limits every client queue obeys.

use crate::id::DcId;
use std::time::Duration;

use crate::sync::{Bootstrap, ClientConfig as SyncConfig};

/// The schema layer this client speaks, sent in `invokeWithLayer`: 229,
/// the layer of the constructors the server sends (Telethon 1.45.0).
pub const API_LAYER: i32 = 229;
/// Requests waiting for an answer on one DC at most: a caller that issues
/// more gets [`CommandError::TooManyPending`](super::CommandError), so a
/// dead DC cannot make the client grow without bound.
pub const MAX_PENDING_REQUESTS_PER_DC: usize = 256;
/// Events kept until polled; beyond this they are counted and dropped.
pub const MAX_EVENTS: usize = 65_536;
/// Future auth tokens kept from earlier log-outs (Telegram clients keep 20;
/// the oldest is dropped first).
pub const MAX_FUTURE_AUTH_TOKENS: usize = 20;
/// Datacenters a client holds keys for at most (Telegram has five).
pub const MAX_DATACENTERS: usize = 16;
/// How often an online, logged-in client pings its home DC: the server
/// pushes updates only to sessions seen within the last five minutes, so a
/// minute keeps the session well inside that window.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(60);

/// The device and app, as `initConnection` and the session list show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// `initConnection.device_model`, e.g. `Pixel 8`.
    pub device_model: String,
    /// Sent as `initConnection.lang_pack` (Telegram's lang packs are named
    /// after platforms: "android", "ios", "tdesktop"), the one field of
    /// `initConnection` that says which platform the app is for.
    pub platform: String,
    /// `initConnection.system_version`: the OS, e.g. `Android 14`.
    pub system_version: String,
    /// The app's name, e.g. `Telegram Android`.
    pub app_name: String,
    /// `initConnection.app_version`, e.g. `11.0.0`.
    pub app_version: String,
    /// The app's id from my.telegram.org (6: Telegram Android).
    pub api_id: i32,
    /// The app's secret hash, paired with `api_id`.
    pub api_hash: String,
    /// `initConnection.lang_code` and `system_lang_code`, e.g. `en`.
    pub lang_code: String,
}

impl Default for DeviceInfo {
    fn default() -> DeviceInfo {
        DeviceInfo {
            device_model: "Pixel 8".into(),
            platform: "android".into(),
            system_version: "Android 14".into(),
            app_name: "Telegram Android".into(),
            app_version: "11.0.0".into(),
            api_id: 6,
            api_hash: "eb06d4abfb49dc3eeb1aeb98ae0f581e".into(),
            lang_code: "en".into(),
        }
    }
}

/// Everything a [`Client`](super::Client) is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// The account's home datacenter: logins, sync and keep-alives go there.
    pub home_dc: DcId,
    /// The device and app the client says it is.
    pub device: DeviceInfo,
    /// The sync state machine's settings.
    pub sync: SyncConfig,
    /// How a freshly logged-in client starts syncing.
    pub bootstrap: Bootstrap,
    /// Perfect forward secrecy (api/pfs): when non-zero, every DC's traffic
    /// goes under a temp key bound to the permanent key, living this long
    /// (the server may cap it), renewed [`TEMP_KEY_RENEW_LEAD`] before it
    /// dies. Zero: the permanent keys carry the traffic.
    pub temp_key_lifetime: Duration,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            home_dc: DcId::new(1),
            device: DeviceInfo::default(),
            sync: SyncConfig::default(),
            bootstrap: Bootstrap::CurrentStateOnly,
            temp_key_lifetime: Duration::ZERO,
        }
    }
}

/// How long before its temp key dies a client makes a new one, when the
/// link is idle then (with requests in flight it keeps the key until they
/// settle or it dies): an hour's margin for clock skew and slow exchanges,
/// the same lead the future salts get.
pub const TEMP_KEY_RENEW_LEAD: Duration = Duration::from_secs(3600);

/// Binding attempts in a row (each with a fresh temp key) before the
/// requests waiting for a bound key are reported lost.
pub const MAX_BIND_ATTEMPTS: u32 = 3;

/// How long a request may wait for its answer while online. Longer than
/// the transport's give-up time (62 s), so this only fires when every
/// attempt was acknowledged but the answer itself was lost: the request
/// is then reported lost instead of occupying a slot forever.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Times the app sends one request at most (the first included) when it
/// goes unanswered — its deadline passed or the transport gave up on it —
/// before reporting it lost. Each send is a new message (transport
/// resends of each message come on top). Sync fetches are not re-sent
/// here: the sync state machine retries them itself.
pub const MAX_REQUEST_ATTEMPTS: u32 = 3;
