//! # sessionlab-testkit
//!
//! Every deterministic harness of sessionlab, in one crate that the root
//! package's integration tests (`tests/it`), the criterion benches and the
//! cargo-fuzz crate depend on, so that they all drive exactly the same code
//! and none of it ships in `sessionlab` or `sessionlab-proto`.
//!
//! - [`transport`]: a client session and a server transport over an
//!   adversarial channel ([`transport::run`] drives a private `TransportPair`).
//! - [`server_cluster`]: real `Server`s and raw devices over encrypted
//!   packets ([`server_cluster::ServerCluster`]).
//! - [`auth_cluster`]: `DcAuthority`s that carry inter-DC messages
//!   themselves ([`auth_cluster::AuthCluster`]).
//! - [`scripted_dc`], [`client_harness`]: a `Client` against scripted
//!   datacenters ([`scripted_dc::ScriptedDc`], [`client_harness::ClientHarness`]).
//! - [`sync_model`], [`server_model`]: model-based checks of the sync layer
//!   ([`sync_model::SyncModel`]) and the server ([`server_model::run`]
//!   against a private `ServerModel`).
//! - [`fuzz`], [`swarm`]: the bodies of the fuzz targets.
//! - [`fuzz_compare`]: the body of `compare_runs` (`sessionlab compare`'s input).
//! - [`fuzz_framing`]: the body of `transport_framing` (TCP transport framings).
//! - [`scenario_fixture`]: scenario files as typed values
//!   ([`scenario_fixture::ScenarioFixture`]).
//! - [`tcp_device`]: the project's client over TCP for `sessionlab serve`
//!   ([`tcp_device::TcpLink`], [`tcp_device::TcpDevice`]).
//! - [`tl_walk`]: encoded TL walked by the schema text, listing every
//!   constructor id ([`tl_walk::Schema`]).

pub mod auth_cluster;
pub mod client_harness;
pub mod cluster_temp_keys;
pub mod fuzz;
pub mod fuzz_compare;
pub mod fuzz_framing;
pub mod fuzz_key_exchange;
pub mod fuzz_session_string;
pub mod fuzz_shard;
pub mod fuzz_sweep;
pub mod scenario_fixture;
pub mod scripted_dc;
pub mod server_cluster;
pub mod server_model;
pub mod swarm;
pub mod sync_model;
pub mod tcp_device;
pub mod tl_walk;
pub mod transport;
