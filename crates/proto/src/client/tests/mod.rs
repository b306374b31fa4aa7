//! Unit tests of the client, one file per rule family, against scripted
//! datacenters (a real server transport, hand-built answers).

mod flows;
mod login;
mod revocation;
mod transport;

pub(super) use super::harness::*;
pub(super) use super::scripted::Inbound;
pub(super) use super::{ClientEvent, Command};
pub(super) use crate::wire::api::{ApiResponse, SentCode, SentCodeType};
