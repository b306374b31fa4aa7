//! The sync layer (DESIGN.md 3.3) as pure state machines, before any wire
//! encoding: the server's per-account [`UpdateLog`] (pts/qts boxes, seq
//! batches, bounded retention, getState/getDifference/full resync), the
//! client's [`ClientSync`] (the pts rule, gap buffer, difference fetching),
//! the list hash with [`CachedList`], and typed accounting [`SyncEvent`]s
//! whose byte sizes come from one replaceable place ([`size`]).
//!
//! ```text
//!   server                                   client
//!   UpdateLog::push ── Update ─────────────► ClientSync::on_update ── apply | duplicate | buffer
//!   UpdateLog::difference ◄── SyncAction ─── ClientSync::poll_action (gap 0.5 s, idle 15 min,
//!        │                                     connect, new_session_created, slice, retry)
//!        └── Difference ───────────────────► ClientSync::on_difference ── TooLong ─► full resync
//!   UpdateLog::full_resync ── FullResync ──► ClientSync::on_full_resync
//! ```

pub(crate) mod client;
pub(crate) mod difference;
pub(crate) mod event;
pub(crate) mod list_hash;
pub(crate) mod log;
pub(crate) mod pending;
pub(crate) mod size;
pub(crate) mod store;
pub(crate) mod update;
pub(crate) mod wire;

pub use client::{Bootstrap, ClientConfig, ClientSync, SyncAction, SyncError, UpdateOutcome};
pub use difference::{Difference, DifferenceRequest, FullResync};
pub use event::{ApplyPath, FetchKind, FetchReason, SyncEvent, SyncTotals};
pub use list_hash::{list_hash, CachedList, ListAnswer, ListEntry};
pub use log::{DifferenceError, PushError, UpdateLog};
pub use update::{Position, SyncBox, SyncState, Update, UpdateKind};
pub use wire::{difference_to_wire, state_to_wire, update_to_wire};
