//! Fetching: at most one request in flight, its timeout and bounded retries,
//! and the timers (pts and seq gap waits, answer timeout, idle period).

use super::{
    ClientSync, InFlight, Phase, SyncAction, FETCH_ANSWER_TIMEOUT, FETCH_ATTEMPTS_MAX, HISTORY_PAGE_MAX,
    IDLE_DIFFERENCE_AFTER,
};
use crate::sync::difference::DifferenceRequest;
use crate::sync::event::{FetchKind, FetchReason, SyncEvent};
use crate::time::Instant;

impl ClientSync {
    /// Ask the server for what this client lacks, unless a request is
    /// already in flight (its answer will cover it), the transport is down
    /// (reconnecting fetches anyway) or the client was wiped.
    pub(super) fn fetch(&mut self, now: Instant, reason: FetchReason) {
        if self.phase == Phase::Wiped || self.in_flight.is_some() || !self.connected {
            return;
        }
        self.send(now, reason, None);
    }

    /// Send a first attempt, or a retry of the fetch `previous`.
    fn send(&mut self, now: Instant, reason: FetchReason, previous: Option<InFlight>) {
        let attempt = previous.map_or(1, |previous| previous.attempt + 1);
        assert!((1..=FETCH_ATTEMPTS_MAX).contains(&attempt));
        let request_id = self.next_request_id;
        let first_request_id = previous.map_or(request_id, |previous| previous.first_request_id);
        self.next_request_id += 1;
        let (kind, action) = match self.phase {
            Phase::NeedsHistory => {
                let limit = u32::try_from(self.config.store_limit)
                    .map_or(HISTORY_PAGE_MAX, |store_limit| store_limit.min(HISTORY_PAGE_MAX));
                (FetchKind::History, SyncAction::GetHistory { request_id, limit })
            }
            Phase::NeedsState | Phase::NeedsStateThenHistory => (FetchKind::State, SyncAction::GetState { request_id }),
            Phase::Synced => {
                let request =
                    DifferenceRequest::from_state(self.state, self.config.pts_limit, self.config.pts_total_limit);
                let action = SyncAction::GetDifference { request_id, request };
                (FetchKind::Difference, action)
            }
            Phase::Wiped => unreachable!("a wiped client never fetches"),
        };
        self.in_flight = Some(InFlight {
            request_id,
            first_request_id,
            kind,
            attempt,
            deadline: now + FETCH_ANSWER_TIMEOUT,
        });
        self.action = Some(action);
        self.emit(SyncEvent::FetchSent { kind, reason, attempt });
    }

    /// Whether an answer belongs to the fetch in flight (any of its attempts:
    /// on a slow link the first attempt's answer may come after the retry
    /// was sent, and it is just as valid); if so the fetch is done. Answers
    /// to earlier fetches (abandoned, or sent before a disconnect) are ignored.
    pub(super) fn accept_answer(&mut self, request_id: u64, kind: FetchKind) -> bool {
        match self.in_flight {
            Some(in_flight)
                if (in_flight.first_request_id..=in_flight.request_id).contains(&request_id)
                    && in_flight.kind == kind =>
            {
                self.in_flight = None;
                true
            }
            _ => {
                self.emit(SyncEvent::StaleAnswer { request_id });
                false
            }
        }
    }

    /// The id of the request in flight, if any.
    pub fn in_flight_request(&self) -> Option<u64> {
        self.in_flight.map(|in_flight| in_flight.request_id)
    }

    fn idle_deadline(&self) -> Option<Instant> {
        let idle_timer_runs = self.connected && self.in_flight.is_none() && self.phase != Phase::Wiped;
        idle_timer_runs.then(|| self.last_activity + IDLE_DIFFERENCE_AFTER)
    }

    /// When `handle_timeout` must next be called.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let answer_deadline = self.in_flight.map(|in_flight| in_flight.deadline);
        [
            answer_deadline,
            self.gap_deadline,
            self.seq_gap_deadline,
            self.idle_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Fire every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(in_flight) = self.in_flight.filter(|in_flight| in_flight.deadline <= now) {
            self.in_flight = None;
            self.emit(SyncEvent::FetchTimedOut {
                kind: in_flight.kind,
                attempt: in_flight.attempt,
            });
            if in_flight.attempt < FETCH_ATTEMPTS_MAX {
                self.send(now, FetchReason::Retry, Some(in_flight));
            } else {
                self.emit(SyncEvent::FetchAbandoned { kind: in_flight.kind });
                // The idle timer, restarted here, is the back-off.
                self.last_activity = now;
            }
        }
        if self.gap_deadline.is_some_and(|deadline| deadline <= now) {
            self.gap_deadline = None;
            self.fetch(now, FetchReason::Gap);
        }
        if self.seq_gap_deadline.is_some_and(|deadline| deadline <= now) {
            self.seq_gap_deadline = None;
            self.fetch(now, FetchReason::SeqGap);
        }
        if self.idle_deadline().is_some_and(|deadline| deadline <= now) {
            self.fetch(now, FetchReason::Idle);
        }
    }
}
