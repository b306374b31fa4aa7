//! The client's rules, one file per rule family (once unit tests of the
//! core, now driven through its public API), against scripted
//! datacenters (a real server transport, hand-built answers).

mod flows;
mod login;
mod qr_migrate;
mod revocation;
mod temp_keys;
mod transport;

pub(super) use sessionlab_proto::client::{ClientEvent, Command};
pub(super) use sessionlab_proto::wire::api::{ApiResponse, SentCode, SentCodeType};
pub(super) use sessionlab_testkit::client_harness::*;
pub(super) use sessionlab_testkit::scripted_dc::Inbound;
