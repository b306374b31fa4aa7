//! The document's shape as serde sees it: sections and keys, with
//! `deny_unknown_fields` everywhere so that a misspelt key is an error.
//!
//! Values with a grammar of their own stay [`Node`]s (spanned values) and are
//! converted by `build`, which reports each rule at the value's position.
//! Nothing here leaves the `scenario` module.

use serde::Deserialize;
use toml::Spanned;

use super::node::Node;

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDocument {
    pub scenario: RawMeta,
    #[serde(default)]
    pub policy: RawPolicy,
    #[serde(default)]
    pub datacenters: RawDatacenters,
    #[serde(default)]
    pub network: RawNetwork,
    #[serde(default)]
    pub fault: Vec<Spanned<RawFault>>,
    pub population: Option<RawPopulation>,
    #[serde(default)]
    pub attacker: Vec<Spanned<RawAttacker>>,
    #[serde(default)]
    pub owner_action: Vec<Spanned<RawOwnerAction>>,
    #[serde(default)]
    pub device_event: Vec<Spanned<RawDeviceEvent>>,
    pub expect: Option<Node>,
    pub swarm: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawMeta {
    pub name: Node,
    pub description: Option<Node>,
    pub duration: Node,
    pub seeds: Option<Node>,
    pub quiet_period: Option<Node>,
    pub epoch: Option<Spanned<toml::Value>>,
    /// Read in every build, so that a build without the `mutants` feature
    /// says why it refuses the key instead of calling it unknown.
    pub mutant: Option<Node>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawPolicy {
    pub fresh_reset_window: Option<Node>,
    pub authorization_ttl: Option<Node>,
    pub autoconfirm_period: Option<Node>,
    pub unconfirmed_can_reset: Option<Node>,
    pub unconfirmed_can_accept_login_token: Option<Node>,
    pub terminate_all_limit: Option<Node>,
    pub revocation: Option<Node>,
    pub temp_key_lifetime: Option<Node>,
    pub notify_new_login: Option<Node>,
    pub pts_limit: Option<Node>,
    pub pts_total_limit: Option<Node>,
    pub login_token_lifetime: Option<Node>,
    pub future_auth_token_limit: Option<Node>,
    pub duplicate_key: Option<Node>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawDatacenters {
    pub count: Option<Node>,
    pub inter_dc_latency: Option<Node>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawNetwork {
    pub latency: Option<Node>,
    pub loss: Option<Node>,
    pub duplicate: Option<Node>,
    pub reorder: Option<Node>,
    pub clock_skew: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawFault {
    pub kind: Node,
    pub at: Node,
    pub duration: Node,
    pub devices: Option<Node>,
    pub direction: Option<Node>,
    pub dc: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawPopulation {
    pub accounts: Node,
    pub two_factor: Option<Node>,
    pub devices: Spanned<Vec<RawDevice>>,
    pub online: Option<RawOnline>,
    pub updates_per_day: Option<Node>,
    pub update_bytes: Option<Node>,
    pub audit: Option<RawAudit>,
    pub sleep: Option<Node>,
    pub deny_unrecognized_login: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table { kind, probability }")]
pub(crate) struct RawDevice {
    pub kind: Node,
    pub probability: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table { mean_session, mean_gap }")]
pub(crate) struct RawOnline {
    pub mean_session: Option<Node>,
    pub mean_gap: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table { every, probability, action, min_signals }"
)]
pub(crate) struct RawAudit {
    pub every: Option<Node>,
    pub probability: Option<Node>,
    pub action: Option<Node>,
    pub min_signals: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawAttacker {
    pub name: Node,
    pub targets: Node,
    pub acquire: Spanned<RawAcquire>,
    pub behavior: Option<Node>,
    pub footholds: Option<Node>,
    pub heartbeat_every: Option<Node>,
    pub fetch_every: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table { kind, device, at }")]
pub(crate) struct RawAcquire {
    pub kind: Node,
    pub device: Option<Node>,
    pub at: Node,
}

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table { action, at, accounts, from, device, ttl }"
)]
pub(crate) struct RawOwnerAction {
    pub action: Node,
    pub at: Node,
    pub accounts: Option<Node>,
    pub from: Option<Node>,
    pub device: Option<Node>,
    pub ttl: Option<Node>,
}

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a table { kind, device, accounts, at, backup_age }"
)]
pub(crate) struct RawDeviceEvent {
    pub kind: Node,
    pub device: Node,
    pub accounts: Option<Node>,
    pub at: Node,
    pub backup_age: Option<Node>,
}
