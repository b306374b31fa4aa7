//! The sync layer (DESIGN.md 3.3) as pure state machines, before any wire
//! encoding: the server's per-account [`UpdateLog`] (pts/qts boxes, seq
//! batches, bounded retention, getState/getDifference/history page), the
//! client's [`ClientSync`] (the seq and pts rules, gap buffers, difference
//! fetching, the documented recovery after `differenceTooLong`),
//! the list hash with [`CachedList`], and typed accounting [`SyncEvent`]s.
//! Sync bytes are measured by the transport from the packets' encoded
//! lengths (`transport::sync_meter`) and reported by the client as
//! [`SyncEvent::Traffic`].
//!
//! ```text
//!   server                                   client
//!   UpdateLog::push ── UpdateBatch (seq) ──► ClientSync::on_batch ── seq rule ─► pts rule
//!                                                                  apply | duplicate | buffer
//!   UpdateLog::difference ◄── SyncAction ─── ClientSync::poll_action (gaps 0.5 s, idle 15 min,
//!        │                                     connect, new_session_created, slice, retry)
//!        └── Difference ───────────────────► ClientSync::on_difference ── TooLong { pts }
//!   UpdateLog::state ─── SyncState ────────► ClientSync::on_state          ─► take pts, getState,
//!   UpdateLog::history ─ StoredUpdate… ────► ClientSync::on_history           then getHistory
//! ```

pub(crate) mod client;
pub(crate) mod difference;
pub(crate) mod event;
pub(crate) mod list_hash;
pub(crate) mod log;
pub(crate) mod pending;
pub(crate) mod store;
pub(crate) mod update;
pub(crate) mod wire;

pub use client::{Bootstrap, ClientConfig, ClientSync, SyncAction, SyncError, UpdateOutcome, HISTORY_PAGE_MAX};
pub use difference::{Difference, DifferenceRequest};
pub use event::{ApplyPath, Direction, FetchKind, FetchReason, SyncEvent, SyncTotals};
pub use list_hash::{list_hash, CachedList, ListAnswer, ListEntry};
pub use log::{DifferenceError, PushError, UpdateLog};
pub use store::StoredUpdate;
pub use update::{Position, SyncBox, SyncState, Update, UpdateBatch, UpdateKind};
pub use wire::{difference_to_wire, state_to_wire, update_to_wire};
