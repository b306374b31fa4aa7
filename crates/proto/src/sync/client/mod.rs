//! The client side: [`ClientSync`], one app instance's sync state machine.
//!
//! It keeps the local state (pts, qts, seq, date) and a bounded store of
//! applied updates. Pushed containers pass the seq rule first
//! (core.telegram.org/api/updates: `seq_start == local + 1` applies,
//! `seq_start <= local` was already applied and is ignored, beyond that is
//! a gap; `seq == 0` skips the check), then each update the pts rule. Both
//! kinds of gap wait at most [`GAP_WAIT`] for the missing pieces; then the
//! client fetches a difference, as it does at start-up and reconnect, on
//! `new_session_created`, and after [`IDLE_DIFFERENCE_AFTER`] without
//! updates. At most one fetch is in flight; an unanswered one is retried
//! [`FETCH_ATTEMPTS_MAX`] times.
//!
//! A full resync — at start-up with [`Bootstrap::FullHistory`] and after
//! `differenceTooLong` — goes the documented public way: take the `pts` the
//! server named, refetch the state (`updates.getState`), then reload the
//! history (`messages.getHistory` of the account's chat, one page of at most
//! [`HISTORY_PAGE_MAX`] messages), in that order so that the state never
//! claims an update the reloaded history lacks.
//!
//! Sans-IO: inputs are `on_*` calls with `now`, outputs are polled
//! [`SyncAction`]s (requests to send) and [`SyncEvent`]s (accounting).

mod apply;
mod fetch;
mod seq;

use std::collections::VecDeque;
use std::time::Duration;

use thiserror::Error;

use super::difference::DifferenceRequest;
use super::event::{FetchKind, FetchReason, SyncEvent};
pub use super::log::HISTORY_PAGE_MAX;
use super::pending::{PendingBatches, PendingUpdates};
use super::store::{StoredUpdate, UpdateStore, STORE_UPDATES_DEFAULT, STORE_UPDATES_MAX};
use super::update::{SyncState, Update};
use crate::time::Instant;

/// How long a gap may stay open before the client asks for a difference.
pub(crate) const GAP_WAIT: Duration = Duration::from_millis(500);
/// A connected client that heard nothing for this long fetches a difference.
pub(crate) const IDLE_DIFFERENCE_AFTER: Duration = Duration::from_secs(15 * 60);
/// How long the client waits for the answer to a fetch before retrying.
pub(crate) const FETCH_ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts per fetch (the first included); then the client gives up until
/// the idle timer or a reconnect, so a dead server is not hammered.
pub(crate) const FETCH_ATTEMPTS_MAX: u32 = 5;
/// Accounting events kept until polled; beyond this they are counted and dropped.
pub(crate) const EVENTS_MAX: usize = 65_536;
/// `pts_limit` a client asks for unless configured otherwise.
pub(crate) const PTS_LIMIT_DEFAULT: u32 = 1_000;
/// `pts_total_limit` a client asks for unless configured otherwise.
pub(crate) const PTS_TOTAL_LIMIT_DEFAULT: u32 = 100_000;

/// Client settings (from the scenario's policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// Updates the local store keeps at most (oldest dropped first).
    pub store_limit: usize,
    /// `pts_limit` of every `updates.getDifference`: at most this many updates per answer.
    pub pts_limit: u32,
    /// `pts_total_limit` of every `updates.getDifference`: a larger gap is answered `differenceTooLong`.
    pub pts_total_limit: u32,
    /// The deliberately broken rule this app runs with, if any (`sessionlab
    /// mutants`; the whole client reads it here); only with the `mutants` feature.
    #[cfg(feature = "mutants")]
    pub mutant: Option<crate::mutant::Mutant>,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            store_limit: STORE_UPDATES_DEFAULT,
            pts_limit: PTS_LIMIT_DEFAULT,
            pts_total_limit: PTS_TOTAL_LIMIT_DEFAULT,
            #[cfg(feature = "mutants")]
            mutant: None,
        }
    }
}

/// Why a client cannot be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClientConfigError {
    #[error("store_limit {0} is outside 1..={STORE_UPDATES_MAX}")]
    StoreLimit(usize),
    #[error("pts_limit and pts_total_limit must be at least 1")]
    ZeroLimit,
}

/// A peer sent something the client cannot use; the input is ignored.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SyncError {
    /// A `pts_count` of 0 or above the update's own `pts`.
    #[error("update seq {seq} has pts_count {count} outside 1..={end}")]
    MalformedUpdate {
        /// The update's `seq`.
        seq: u32,
        /// Its `pts_count`.
        count: u32,
        /// Its `pts` (the counter after it).
        end: u32,
    },
    /// A container whose `seq_start` is above its `seq`.
    #[error("container seq_start {seq_start} is above its seq {seq}")]
    MalformedBatch {
        /// The container's `seq_start`.
        seq_start: u32,
        /// Its `seq`.
        seq: u32,
    },
}

/// How a client without local state starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// Fetch the state, then load the newest history (a full resync).
    FullHistory,
    /// Only learn the current state (`updates.getState`) and sync from there.
    CurrentStateOnly,
}

/// A request the caller must send to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncAction {
    /// Send `updates.getDifference`.
    GetDifference {
        /// Pass it back with the answer (`on_difference`); an answer to a fetch no longer in flight is ignored.
        request_id: u64,
        /// The client's state and limits.
        request: DifferenceRequest,
    },
    /// Send `updates.getState`.
    GetState {
        /// Pass it back with the answer (`on_state`).
        request_id: u64,
    },
    /// Send `messages.getHistory` for the account's own chat (`inputPeerSelf`),
    /// newest first, `limit` messages.
    GetHistory {
        /// Pass it back with the answer (`on_history`).
        request_id: u64,
        /// Messages to ask for (at most [`HISTORY_PAGE_MAX`]).
        limit: u32,
    },
}

/// What `on_update` did with a pushed update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// Next by the seq and pts rules: applied.
    Applied,
    /// Already applied (by seq or by pts); ignored.
    Duplicate,
    /// Beyond a seq or pts gap (or before the client has a state): buffered.
    GapPending,
    /// The client was wiped; nothing is applied any more.
    Ignored,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// A full resync's first step: fetch the state, then the history.
    NeedsStateThenHistory,
    /// Fetch the state only.
    NeedsState,
    /// A full resync's second step: the state is known, reload the history.
    NeedsHistory,
    Synced,
    Wiped,
}

#[derive(Clone, Copy, Debug)]
struct InFlight {
    /// The id of the latest attempt.
    request_id: u64,
    /// The id of the first attempt: attempts of one fetch have consecutive
    /// ids, and an answer to any of them is as good as any other.
    first_request_id: u64,
    kind: FetchKind,
    attempt: u32,
    deadline: Instant,
}

/// One app instance's sync state machine.
#[derive(Clone, Debug)]
pub struct ClientSync {
    config: ClientConfig,
    phase: Phase,
    state: SyncState,
    store: UpdateStore,
    pending: PendingUpdates,
    /// Containers beyond a seq gap.
    pending_batches: PendingBatches,
    connected: bool,
    gap_deadline: Option<Instant>,
    seq_gap_deadline: Option<Instant>,
    /// The highest `seq` ever reported applied: a history reload counts
    /// only what lies above it (and within the refetched state) as new.
    applied_seq_max: u32,
    /// Why the full resync under way started (its history fetch says so).
    resync_reason: FetchReason,
    in_flight: Option<InFlight>,
    /// Last time an update or an answer arrived (or the client connected).
    last_activity: Instant,
    next_request_id: u64,
    action: Option<SyncAction>,
    events: VecDeque<SyncEvent>,
    events_dropped: u64,
    full_resyncs: u64,
    /// Connected and not yet caught up since: the next time nothing is
    /// left to fetch, [`SyncEvent::CaughtUp`] says so.
    catching_up: bool,
}

impl ClientSync {
    /// A client without local state, disconnected until `on_connected`.
    pub fn new(config: ClientConfig, bootstrap: Bootstrap) -> Result<ClientSync, ClientConfigError> {
        if !(1..=STORE_UPDATES_MAX).contains(&config.store_limit) {
            return Err(ClientConfigError::StoreLimit(config.store_limit));
        }
        if config.pts_limit == 0 || config.pts_total_limit == 0 {
            return Err(ClientConfigError::ZeroLimit);
        }
        let phase = match bootstrap {
            Bootstrap::FullHistory => Phase::NeedsStateThenHistory,
            Bootstrap::CurrentStateOnly => Phase::NeedsState,
        };
        Ok(ClientSync {
            config,
            phase,
            state: SyncState::default(),
            store: UpdateStore::new(config.store_limit),
            pending: PendingUpdates::default(),
            pending_batches: PendingBatches::default(),
            connected: false,
            gap_deadline: None,
            seq_gap_deadline: None,
            applied_seq_max: 0,
            resync_reason: FetchReason::Connected,
            in_flight: None,
            last_activity: Instant::EPOCH,
            next_request_id: 1,
            action: None,
            events: VecDeque::new(),
            events_dropped: 0,
            full_resyncs: 0,
            catching_up: false,
        })
    }

    /// A client restarted from local storage (possibly a stale backup).
    pub fn restore(
        config: ClientConfig,
        state: SyncState,
        updates: impl IntoIterator<Item = Update>,
    ) -> Result<ClientSync, ClientConfigError> {
        let mut client = ClientSync::new(config, Bootstrap::FullHistory)?;
        client.phase = Phase::Synced;
        client.state = state;
        client.applied_seq_max = state.seq;
        for update in updates {
            client.applied_seq_max = client.applied_seq_max.max(update.seq);
            client.store.insert(StoredUpdate::from(&update));
        }
        Ok(client)
    }

    /// The local state: what the client has applied.
    pub fn state(&self) -> SyncState {
        self.state
    }

    /// The stored updates in log order.
    pub fn updates(&self) -> impl Iterator<Item = &StoredUpdate> + '_ {
        self.store.iter()
    }

    /// Updates in the local store.
    pub fn store_len(&self) -> usize {
        self.store.len()
    }

    /// Updates buffered beyond a pts gap, and containers beyond a seq gap.
    pub fn pending_len(&self) -> usize {
        self.pending.len() + self.pending_batches.len()
    }

    /// Whether the authorization was revoked and the local data wiped (final).
    pub fn is_wiped(&self) -> bool {
        self.phase == Phase::Wiped
    }

    /// Whether the client is connected (between `on_connected` and `on_disconnected`).
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// Full resyncs (history reloads) loaded so far.
    pub fn full_resyncs(&self) -> u64 {
        self.full_resyncs
    }

    /// Events lost because the caller did not poll them.
    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }

    /// The next request to send, if any.
    pub fn poll_action(&mut self) -> Option<SyncAction> {
        self.action.take()
    }

    /// The next accounting event, if any.
    pub fn poll_event(&mut self) -> Option<SyncEvent> {
        self.events.pop_front()
    }

    /// The transport is up (start-up or reconnect): fetch what was missed.
    pub fn on_connected(&mut self, now: Instant) {
        self.connected = true;
        self.catching_up = true;
        self.last_activity = now;
        self.fetch(now, FetchReason::Connected);
    }

    /// The transport is down: whatever was in flight is lost with it.
    pub fn on_disconnected(&mut self) {
        self.connected = false;
        self.in_flight = None;
        self.action = None;
        self.gap_deadline = None;
        self.seq_gap_deadline = None;
    }

    /// The server started a new session for us: updates may have been missed.
    pub fn on_new_session_created(&mut self, now: Instant) {
        self.fetch(now, FetchReason::NewSessionCreated);
    }

    /// The authorization was revoked: drop everything and accept nothing more.
    pub fn wipe(&mut self) {
        let updates_dropped = self.store.clear() as u64;
        self.pending.clear();
        self.pending_batches.clear();
        self.phase = Phase::Wiped;
        self.catching_up = false;
        self.state = SyncState::default();
        self.gap_deadline = None;
        self.seq_gap_deadline = None;
        self.in_flight = None;
        self.action = None;
        self.emit(SyncEvent::Wiped { updates_dropped });
    }

    /// Once per connection: the first time after `on_connected` that the
    /// client is synced with nothing in flight and nothing buffered beyond
    /// a gap, it has caught up.
    pub(super) fn report_caught_up(&mut self) {
        let settled = self.phase == Phase::Synced
            && self.in_flight.is_none()
            && self.pending.is_empty()
            && self.pending_batches.is_empty();
        if self.catching_up && self.connected && settled {
            self.catching_up = false;
            self.emit(SyncEvent::CaughtUp);
        }
    }

    fn emit(&mut self, event: SyncEvent) {
        if self.events.len() < EVENTS_MAX {
            self.events.push_back(event);
        } else {
            self.events_dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests;
