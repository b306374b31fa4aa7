//! What the core keeps per device, per session, per key and per
//! authorization: the inline size of each record (`size_of`) and the
//! bounded heap behind it, for the performance report's footprint table
//! (`examples/footprint.rs` prints it; `scripts/performance-report` puts
//! it beside the measured bytes per device).
//!
//! Inline sizes come from the compiler, so they cannot drift from the
//! code; the heap rows name the bound that caps them.

use std::mem::size_of;

use crate::auth::{Account, Authorization};
use crate::client::Client;
use crate::crypto::AUTH_KEY_BYTES;
use crate::transport::{ClientSession, ReplayWindow, ServerSession, REPLAY_WINDOW_MESSAGES};
use crate::wire::MAX_FUTURE_SALTS;

/// One row of the footprint table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The record, as the code names it.
    pub name: &'static str,
    /// What one of it is kept for: a device, a session, a key, ...
    pub per: &'static str,
    /// Bytes: the inline size, or the heap bound for a heap row.
    pub bytes: usize,
    /// Whether `bytes` is a heap bound (grown as used) rather than inline.
    pub heap: bool,
    /// What the bytes are; a heap row's text is made from the same
    /// constants as its bound.
    pub what: String,
}

use crate::transport::held_salts::{LISTED_SALT_BYTES, RUN_SALT_BYTES};
use crate::transport::replay::REPLAY_BYTES_PER_ID;

/// The heap text of a bound of `per_item` bytes for each of `limit` items.
fn bound_text(per_item: usize, item: &str, limit: usize) -> String {
    format!("{per_item} bytes {item}, up to {limit} of them")
}

/// The core's records, client side first.
pub fn records() -> Vec<Record> {
    let inline = |name, per, bytes, what: &str| Record {
        name,
        per,
        bytes,
        heap: false,
        what: what.to_owned(),
    };
    let heap = |name, per, per_item, item: &str, limit| Record {
        name,
        per,
        bytes: per_item * limit,
        heap: true,
        what: bound_text(per_item, item, limit),
    };
    vec![
        inline(
            "Client",
            "device",
            size_of::<Client>(),
            "the app's client: config, login, sync, links",
        ),
        inline(
            "DcLink",
            "device and DC it talks to",
            crate::client::DC_LINK_BYTES,
            "boxed; holds its ClientSession",
        ),
        inline(
            "ClientSession",
            "device and DC",
            size_of::<ClientSession>(),
            "inside DcLink",
        ),
        heap(
            "ClientSession replay window",
            "device and DC",
            REPLAY_BYTES_PER_ID,
            "an id received",
            REPLAY_WINDOW_MESSAGES,
        ),
        heap(
            "ClientSalts future salts, one answer",
            "device and DC",
            RUN_SALT_BYTES,
            "a salt of an evenly spaced run",
            MAX_FUTURE_SALTS,
        ),
        heap(
            "ClientSalts future salts, merged answers",
            "device and DC",
            LISTED_SALT_BYTES,
            "a salt with its validity",
            MAX_FUTURE_SALTS,
        ),
        inline(
            "KeyState",
            "key a DC holds",
            crate::transport::KEY_STATE_BYTES,
            "boxed; its sessions and salts",
        ),
        inline(
            "AuthKey bytes",
            "key",
            AUTH_KEY_BYTES + 2 * size_of::<usize>(),
            "shared by every holder (Arc)",
        ),
        inline(
            "ServerSession",
            "session a DC holds",
            size_of::<ServerSession>(),
            "in its KeyState",
        ),
        heap(
            "ServerSession replay window",
            "session a DC holds",
            REPLAY_BYTES_PER_ID,
            "an id received",
            REPLAY_WINDOW_MESSAGES,
        ),
        inline(
            "ReplayWindow",
            "window",
            size_of::<ReplayWindow>(),
            "three deque headers and the newest ids",
        ),
        inline(
            "Account",
            "account a DC serves",
            size_of::<Account>(),
            "in the DC's account table",
        ),
        inline(
            "Authorization",
            "authorization",
            size_of::<Authorization>(),
            "in its account's sorted list",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_has_bytes_and_a_unique_name() {
        let records = records();
        assert!(records.iter().all(|record| record.bytes > 0));
        let mut names: Vec<_> = records.iter().map(|record| record.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), records.len());
    }

    #[test]
    fn the_replay_bound_is_twelve_kilobytes() {
        assert_eq!(REPLAY_BYTES_PER_ID, 12);
        assert_eq!(REPLAY_WINDOW_MESSAGES * REPLAY_BYTES_PER_ID, 12_000);
        let window = records()
            .into_iter()
            .find(|record| record.name == "ServerSession replay window")
            .expect("the server's window");
        assert_eq!(window.bytes, 12_000);
        assert_eq!(window.what, "12 bytes an id received, up to 1000 of them");
    }

    #[test]
    fn one_answer_of_salts_takes_a_third_of_a_merged_set() {
        let bytes = |name: &str| {
            records()
                .into_iter()
                .find(|record| record.name == name)
                .map(|record| record.bytes)
        };
        assert_eq!(bytes("ClientSalts future salts, one answer"), Some(512));
        assert_eq!(bytes("ClientSalts future salts, merged answers"), Some(1536));
    }
}
