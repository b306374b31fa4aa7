//! The replay window: the last [`REPLAY_WINDOW_MESSAGES`] message ids a
//! session received, with their seqnos.
//!
//! A duplicate id is ignored (re-acknowledged, never processed twice). An
//! id below every remembered one, once the window is full, can no longer
//! be verified and gets code 20. The seqnos of the neighbours by id tell
//! whether a new message's seqno is consistent (codes 32 and 33).

use std::collections::BTreeMap;

use crate::proto::wire::BadMsgCode;

/// How many ids a session remembers (TDLib keeps 1000).
pub const REPLAY_WINDOW_MESSAGES: usize = 1000;

/// What the window knows about an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdStatus {
    /// Never seen and verifiable.
    Fresh,
    /// Already received.
    Duplicate,
    /// Below the whole (full) window: cannot tell whether it was seen.
    TooOld,
}

/// Remembered (msg_id → seqno) pairs of one direction of one session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplayWindow {
    seen: BTreeMap<u64, u32>,
}

impl ReplayWindow {
    pub fn new() -> ReplayWindow {
        ReplayWindow::default()
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Whether `msg_id` is new, a duplicate or too old to tell.
    pub fn status(&self, msg_id: u64) -> IdStatus {
        if self.seen.contains_key(&msg_id) {
            IdStatus::Duplicate
        } else if self.seen.len() >= REPLAY_WINDOW_MESSAGES && self.seen.keys().next().is_some_and(|&low| msg_id < low)
        {
            IdStatus::TooOld
        } else {
            IdStatus::Fresh
        }
    }

    /// Whether `seq_no` for a fresh `msg_id` contradicts the neighbours:
    /// an earlier id with a higher seqno, or an equal odd one, is 32 (too
    /// low); a later id with a lower seqno, or an equal one when the new
    /// message is content-related (odd), is 33 (too high).
    pub fn seqno_conflict(&self, msg_id: u64, seq_no: u32) -> Option<BadMsgCode> {
        if let Some((_, &before)) = self.seen.range(..msg_id).next_back() {
            if before > seq_no || (before == seq_no && before % 2 == 1) {
                return Some(BadMsgCode::SeqNoTooLow);
            }
        }
        if let Some((_, &after)) = self.seen.range(msg_id + 1..).next() {
            if after < seq_no || (after == seq_no && seq_no % 2 == 1) {
                return Some(BadMsgCode::SeqNoTooHigh);
            }
        }
        None
    }

    /// Remember a processed message, forgetting the lowest id when full.
    pub fn record(&mut self, msg_id: u64, seq_no: u32) {
        self.seen.insert(msg_id, seq_no);
        while self.seen.len() > REPLAY_WINDOW_MESSAGES {
            self.seen.pop_first();
        }
        debug_assert!(self.seen.len() <= REPLAY_WINDOW_MESSAGES);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_and_too_old() {
        let mut window = ReplayWindow::new();
        for index in 0..REPLAY_WINDOW_MESSAGES as u64 {
            assert_eq!(window.status(1000 + index * 4), IdStatus::Fresh);
            window.record(1000 + index * 4, 0);
        }
        assert_eq!(window.status(1000), IdStatus::Duplicate);
        assert_eq!(window.status(996), IdStatus::TooOld);
        window.record(100_000, 0);
        assert_eq!(window.len(), REPLAY_WINDOW_MESSAGES);
        assert_eq!(window.status(1000), IdStatus::TooOld, "the lowest id was forgotten");
        assert_eq!(window.status(1008), IdStatus::Duplicate);
    }

    #[test]
    fn window_not_full_accepts_low_ids() {
        let mut window = ReplayWindow::new();
        window.record(1000, 1);
        assert_eq!(window.status(8), IdStatus::Fresh);
    }

    #[test]
    fn seqno_consistency_with_neighbours() {
        let mut window = ReplayWindow::new();
        window.record(100, 3);
        window.record(200, 6);
        // Between them: anything from 4 to 6 (6 only when even).
        assert_eq!(window.seqno_conflict(150, 4), None);
        assert_eq!(window.seqno_conflict(150, 5), None);
        assert_eq!(window.seqno_conflict(150, 6), None);
        assert_eq!(
            window.seqno_conflict(150, 3),
            Some(BadMsgCode::SeqNoTooLow),
            "equal odd predecessor"
        );
        assert_eq!(window.seqno_conflict(150, 2), Some(BadMsgCode::SeqNoTooLow));
        assert_eq!(window.seqno_conflict(150, 7), Some(BadMsgCode::SeqNoTooHigh));
        assert_eq!(
            window.seqno_conflict(50, 3),
            Some(BadMsgCode::SeqNoTooHigh),
            "equal odd successor"
        );
        assert_eq!(window.seqno_conflict(50, 2), None);
        assert_eq!(window.seqno_conflict(300, 7), None);
    }
}
