//! The server side: one account's [`UpdateLog`] — the `pts`/`qts` boxes, the
//! `seq` batch counter, a bounded window of retained updates, and the answers
//! to `updates.getState`, `updates.getDifference` and the history a client
//! reloads after `differenceTooLong` (`messages.getHistory`).
//!
//! The log keeps at most `retained_limit` updates; older ones are compacted
//! away. A client whose state predates the compacted floor can no longer be
//! served incrementally and gets `differenceTooLong`, as does one whose `pts`
//! gap exceeds the request's `pts_total_limit`.

use std::collections::VecDeque;

use thiserror::Error;

use super::difference::{Difference, DifferenceRequest, PTS_LIMIT_MAX};
use super::update::{date_of, Position, SyncBox, SyncState, Update, UpdateKind};
use crate::time::Instant;

/// Retained updates per account unless configured otherwise.
pub(crate) const RETAINED_UPDATES_DEFAULT: usize = 100_000;
/// The largest window a log may be configured with (memory bound per account).
pub(crate) const RETAINED_UPDATES_MAX: usize = 10_000_000;
/// The largest `pts_count` one update may carry (e.g. deleting this many messages).
pub(crate) const PTS_COUNT_MAX: u32 = 10_000;
/// The largest payload one update may carry.
pub(crate) const UPDATE_PAYLOAD_MAX_BYTES: u32 = 16 * 1024 * 1024;

/// Why a log cannot be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LogConfigError {
    #[error("retained_limit {0} is outside 1..={RETAINED_UPDATES_MAX}")]
    RetainedLimit(usize),
}

/// Why an update cannot be appended.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PushError {
    /// `pts_count` is 0 or above the largest one update may carry.
    #[error("pts_count {0} is outside 1..={PTS_COUNT_MAX}")]
    PtsCount(u32),
    /// The payload is above the largest one update may carry (16 MiB).
    #[error("payload of {0} bytes exceeds {UPDATE_PAYLOAD_MAX_BYTES}")]
    PayloadTooLarge(u32),
    /// The box's counter would pass `u32::MAX`.
    #[error("the {0:?} counter would overflow")]
    CounterOverflow(SyncBox),
}

/// Why a difference request cannot be answered. A client controls the
/// request, so every malformed one is an error value.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DifferenceError {
    /// The client claims a state the server never reached (`PERSISTENT_TIMESTAMP_INVALID` on the wire).
    #[error(
        "client state (pts {client_pts}, qts {client_qts}) is ahead of the server (pts {server_pts}, qts {server_qts})"
    )]
    FromTheFuture {
        /// The `pts` the client claimed.
        client_pts: u32,
        /// The `qts` the client claimed.
        client_qts: u32,
        /// The server's current `pts`.
        server_pts: u32,
        /// The server's current `qts`.
        server_qts: u32,
    },
    /// `pts_limit` or `pts_total_limit` is 0.
    #[error("pts_limit and pts_total_limit must be at least 1")]
    ZeroLimit,
}

/// One retained update with the log's counters right after it, so that a
/// difference can binary-search its starting point.
#[derive(Clone, Debug)]
struct Entry {
    update: Update,
    pts_after: u32,
    qts_after: u32,
}

/// One account's update log.
#[derive(Clone, Debug)]
pub struct UpdateLog {
    retained_limit: usize,
    entries: VecDeque<Entry>,
    state: SyncState,
    /// Counters after the newest compacted update: clients below either
    /// counter have missed something the log no longer holds.
    compacted_pts: u32,
    compacted_qts: u32,
    compacted_count: u64,
}

impl UpdateLog {
    /// An empty log that retains at most `retained_limit` updates.
    pub fn new(retained_limit: usize) -> Result<UpdateLog, LogConfigError> {
        if !(1..=RETAINED_UPDATES_MAX).contains(&retained_limit) {
            return Err(LogConfigError::RetainedLimit(retained_limit));
        }
        Ok(UpdateLog {
            retained_limit,
            entries: VecDeque::new(),
            state: SyncState::default(),
            compacted_pts: 0,
            compacted_qts: 0,
            compacted_count: 0,
        })
    }

    /// Append a common-box update advancing `pts` by `pts_count`; returns the
    /// update to push to the account's online sessions.
    pub fn push(
        &mut self,
        now: Instant,
        kind: UpdateKind,
        payload_bytes: u32,
        pts_count: u32,
    ) -> Result<Update, PushError> {
        if !(1..=PTS_COUNT_MAX).contains(&pts_count) {
            return Err(PushError::PtsCount(pts_count));
        }
        self.append(now, kind, payload_bytes, SyncBox::Common, pts_count)
    }

    /// Append a secondary-box update advancing `qts` by one.
    pub fn push_secondary(&mut self, now: Instant, kind: UpdateKind, payload_bytes: u32) -> Result<Update, PushError> {
        self.append(now, kind, payload_bytes, SyncBox::Secondary, 1)
    }

    fn append(
        &mut self,
        now: Instant,
        kind: UpdateKind,
        payload_bytes: u32,
        sync_box: SyncBox,
        count: u32,
    ) -> Result<Update, PushError> {
        if payload_bytes > UPDATE_PAYLOAD_MAX_BYTES {
            return Err(PushError::PayloadTooLarge(payload_bytes));
        }
        let end = self
            .state
            .counter(sync_box)
            .checked_add(count)
            .ok_or(PushError::CounterOverflow(sync_box))?;
        // seq numbers batches; it overflows with the boxes in practice, but check it alike.
        let seq = self
            .state
            .seq
            .checked_add(1)
            .ok_or(PushError::CounterOverflow(sync_box))?;
        *self.state.counter_mut(sync_box) = end;
        self.state.seq = seq;
        // Dates never go backwards even if a caller's clock does.
        self.state.date = self.state.date.max(date_of(now));
        let update = Update {
            position: Position { sync_box, end, count },
            seq,
            date: self.state.date,
            created_at: now,
            kind,
            payload_bytes,
        };
        self.entries.push_back(Entry {
            update: update.clone(),
            pts_after: self.state.pts,
            qts_after: self.state.qts,
        });
        self.compact();
        Ok(update)
    }

    /// Drop the oldest updates beyond the retention window, remembering the
    /// counters after them.
    fn compact(&mut self) {
        while self.entries.len() > self.retained_limit {
            if let Some(dropped) = self.entries.pop_front() {
                self.compacted_pts = dropped.pts_after;
                self.compacted_qts = dropped.qts_after;
                self.compacted_count += 1;
            }
        }
        assert!(self.entries.len() <= self.retained_limit);
    }

    /// The current counters (`updates.getState`).
    pub fn state(&self) -> SyncState {
        self.state
    }

    /// How many updates the log still holds.
    pub fn retained_len(&self) -> usize {
        self.entries.len()
    }

    /// How many updates compaction has dropped so far.
    pub fn compacted_count(&self) -> u64 {
        self.compacted_count
    }

    /// The retained updates, oldest first.
    pub fn updates(&self) -> impl Iterator<Item = &Update> + '_ {
        self.entries.iter().map(|entry| &entry.update)
    }

    /// The history page a client reloads (`messages.getHistory` of the
    /// account's chat): the newest retained updates, at most `limit` (and
    /// at most [`HISTORY_PAGE_MAX`]) and [`DIFFERENCE_MAX_BYTES`] of
    /// payload (but always one), in log order.
    pub fn history(&self, limit: u32) -> Vec<&Update> {
        let limit = limit.min(HISTORY_PAGE_MAX) as usize;
        let mut page = Vec::new();
        let mut bytes = 0u64;
        for entry in self.entries.iter().rev() {
            let entry_bytes = u64::from(entry.update.payload_bytes) + DIFFERENCE_UPDATE_OVERHEAD_BYTES;
            if page.len() == limit || (!page.is_empty() && bytes + entry_bytes > DIFFERENCE_MAX_BYTES) {
                break;
            }
            bytes += entry_bytes;
            page.push(&entry.update);
        }
        page.reverse();
        page
    }

    /// Answer `updates.getDifference`.
    pub fn difference(&self, request: &DifferenceRequest) -> Result<Difference, DifferenceError> {
        if request.pts > self.state.pts || request.qts > self.state.qts {
            return Err(DifferenceError::FromTheFuture {
                client_pts: request.pts,
                client_qts: request.qts,
                server_pts: self.state.pts,
                server_qts: self.state.qts,
            });
        }
        if request.pts_limit == 0 || request.pts_total_limit == 0 {
            return Err(DifferenceError::ZeroLimit);
        }
        let gap_too_long = self.state.pts - request.pts > request.pts_total_limit;
        let compacted_away = request.pts < self.compacted_pts || request.qts < self.compacted_qts;
        if gap_too_long || compacted_away {
            return Ok(Difference::TooLong { pts: self.state.pts });
        }
        // Counters are monotone along the log, so the first entry either box
        // still needs is found by binary search.
        let first_pts = self.entries.partition_point(|entry| entry.pts_after <= request.pts);
        let first_qts = self.entries.partition_point(|entry| entry.qts_after <= request.qts);
        let start = first_pts.min(first_qts);
        if start == self.entries.len() {
            return Ok(Difference::Empty { state: self.state });
        }
        Ok(self.collect_from(start, request))
    }

    /// The updates from index `start` on that the requester lacks, at most
    /// `pts_limit` of them, as a full difference or a slice.
    fn collect_from(&self, start: usize, request: &DifferenceRequest) -> Difference {
        let limit = request.pts_limit.min(PTS_LIMIT_MAX) as usize;
        let mut updates = Vec::new();
        let mut last: Option<&Entry> = None;
        let mut bytes = 0u64;
        for entry in self.entries.range(start..) {
            if updates.len() == limit {
                break;
            }
            // One answer must fit one packet: a slice also ends at
            // DIFFERENCE_MAX_BYTES (but always carries one update).
            let entry_bytes = u64::from(entry.update.payload_bytes) + DIFFERENCE_UPDATE_OVERHEAD_BYTES;
            if !updates.is_empty() && bytes + entry_bytes > DIFFERENCE_MAX_BYTES {
                break;
            }
            let client_counter = match entry.update.position.sync_box {
                SyncBox::Common => request.pts,
                SyncBox::Secondary => request.qts,
            };
            if entry.update.position.end > client_counter {
                updates.push(entry.update.clone());
                bytes += entry_bytes;
                last = Some(entry);
            }
        }
        let last = last.expect("the entry at `start` is needed by construction");
        let pts = last.pts_after.max(request.pts);
        let qts = last.qts_after.max(request.qts);
        // Anything still missing would push a counter beyond where the slice stops.
        if self.state.pts > pts || self.state.qts > qts {
            let intermediate_state = SyncState {
                pts,
                qts,
                seq: last.update.seq,
                date: last.update.date,
            };
            Difference::Slice {
                updates,
                intermediate_state,
            }
        } else {
            Difference::Full {
                updates,
                state: self.state,
            }
        }
    }
}

/// The most messages one `messages.getHistory` answer carries (Telegram's
/// documented maximum `limit`).
pub const HISTORY_PAGE_MAX: u32 = 100;

/// Payload bytes one difference carries at most: half the 1 MiB packet
/// body limit, leaving room for whatever shares the container.
pub(crate) const DIFFERENCE_MAX_BYTES: u64 = 512 * 1024;
/// Wire bytes of one update besides its payload, rounded up:
/// `updateNewMessage` and its `message` (44), the text's 20-character
/// header, its length prefix and padding (at most 7); see `sync::wire`.
pub(crate) const DIFFERENCE_UPDATE_OVERHEAD_BYTES: u64 = 72;

#[cfg(test)]
mod tests;
