//! The replay window: the last [`REPLAY_WINDOW_MESSAGES`] message ids a
//! session received, with their seqnos — and the ids it refused.
//!
//! A duplicate id is ignored (re-acknowledged, never processed twice). An
//! id below every remembered one, once the window is full, can no longer
//! be verified and gets code 20. The seqnos of the neighbours by id tell
//! whether a new message's seqno is consistent (codes 32 and 33).
//!
//! Refused ids are remembered too, because a client answers a refusal by
//! sending the same content under a new id: a late copy of the refused id
//! (a network duplicate, or the same message inside another packet) must
//! then be refused again, or the content would be processed twice. Some
//! refusals (17, too far ahead) would otherwise stop applying as time
//! passes; remembering them makes every refusal final.

use std::collections::VecDeque;

use crate::wire::BadMsgCode;

/// How many ids a session remembers (TDLib keeps 1000).
pub const REPLAY_WINDOW_MESSAGES: usize = 1000;

/// What the window knows about an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdStatus {
    /// Never seen and verifiable.
    Fresh,
    /// Already received and processed.
    Duplicate,
    /// Already refused with this code: refuse it again.
    Refused(BadMsgCode),
    /// Below the whole (full) window: cannot tell whether it was seen.
    TooOld,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Accepted { seq_no: u32 },
    Refused { code: BadMsgCode },
}

/// Bytes one accepted id takes: an element of each parallel deque (for
/// [`crate::footprint`]).
pub(crate) const REPLAY_BYTES_PER_ID: usize = std::mem::size_of::<u64>() + std::mem::size_of::<u32>();

/// Remembered ids of one direction of one session, sorted by id in ring
/// buffers: ids arrive almost in order, so a record is a push at the back
/// and forgetting the lowest a pop at the front, and a lookup a binary
/// search. Accepted ids and their seqnos sit in two parallel deques, 12
/// bytes an id (a deque of `(id, entry)` pairs took 16, a B-tree 24); the
/// rare refused ids have a deque of their own. An id is in one of them at
/// most, and the window's order and bound are over both together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplayWindow {
    accepted_ids: VecDeque<u64>,
    /// The seqno of `accepted_ids[i]` at `i`.
    accepted_seq_nos: VecDeque<u32>,
    refused: VecDeque<(u64, BadMsgCode)>,
    /// No id remembered is above this (0 before the first): the highest
    /// recorded, kept beside the deques. Nearly every id is above it, and
    /// answering those from here spares a cache miss on each deque's
    /// back, which made `status` 4 % of a run. Forgetting takes the
    /// lowest, so the highest stays until a higher one comes.
    newest_id: u64,
    /// The highest accepted id and its seqno ((0, 0) before the first),
    /// for the seqno check of an id above it; meaningless while no id is
    /// accepted.
    newest_accepted: (u64, u32),
}

impl ReplayWindow {
    /// An empty window.
    pub fn new() -> ReplayWindow {
        ReplayWindow::default()
    }

    /// Ids remembered (accepted and refused).
    pub fn len(&self) -> usize {
        self.accepted_ids.len() + self.refused.len()
    }

    /// Whether no id is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `msg_id` is new, a duplicate or too old to tell.
    pub fn status(&self, msg_id: u64) -> IdStatus {
        if msg_id > self.newest_id {
            return IdStatus::Fresh;
        }
        match self.get(msg_id) {
            Some(Entry::Accepted { .. }) => IdStatus::Duplicate,
            Some(Entry::Refused { code }) => IdStatus::Refused(code),
            None if self.len() >= REPLAY_WINDOW_MESSAGES && self.lowest().is_some_and(|low| msg_id < low) => {
                IdStatus::TooOld
            }
            None => IdStatus::Fresh,
        }
    }

    /// Whether `seq_no` for a fresh `msg_id` contradicts the neighbours:
    /// an earlier id with a higher seqno, or an equal odd one, is 32 (too
    /// low); a later id with a lower seqno, or an equal one when the new
    /// message is content-related (odd), is 33 (too high). Refused ids
    /// have no seqno that counts.
    pub fn seqno_conflict(&self, msg_id: u64, seq_no: u32) -> Option<BadMsgCode> {
        if self.accepted_ids.is_empty() {
            return None;
        }
        let (newest, newest_seq_no) = self.newest_accepted;
        if msg_id > newest {
            // The only neighbour is the newest accepted id, below.
            return seqno_below_conflicts(newest_seq_no, seq_no).then_some(BadMsgCode::SeqNoTooLow);
        }
        // Accepted ids below msg_id end at `split`; ids above start at `after`.
        let (split, after) = match accepted_position(&self.accepted_ids, msg_id) {
            Ok(index) => (index, index + 1),
            Err(index) => (index, index),
        };
        if let Some(&before) = split.checked_sub(1).and_then(|index| self.accepted_seq_nos.get(index)) {
            if seqno_below_conflicts(before, seq_no) {
                return Some(BadMsgCode::SeqNoTooLow);
            }
        }
        if let Some(&later) = self.accepted_seq_nos.get(after) {
            if later < seq_no || (later == seq_no && seq_no % 2 == 1) {
                return Some(BadMsgCode::SeqNoTooHigh);
            }
        }
        None
    }

    /// Remember a processed message, forgetting the lowest id when full.
    /// A refusal of the same id is replaced.
    pub fn record(&mut self, msg_id: u64, seq_no: u32) {
        if msg_id > self.newest_id {
            // Above every id remembered: a push at the back of each deque.
            reserve_one(&mut self.accepted_ids);
            reserve_one(&mut self.accepted_seq_nos);
            self.accepted_ids.push_back(msg_id);
            self.accepted_seq_nos.push_back(seq_no);
            self.newest_id = msg_id;
            self.newest_accepted = (msg_id, seq_no);
            self.forget_beyond_window();
            return;
        }
        if let Ok(index) = refused_position(&self.refused, msg_id) {
            self.refused.remove(index);
        }
        match accepted_position(&self.accepted_ids, msg_id) {
            Ok(index) => self.accepted_seq_nos[index] = seq_no,
            Err(index) => {
                reserve_one(&mut self.accepted_ids);
                reserve_one(&mut self.accepted_seq_nos);
                self.accepted_ids.insert(index, msg_id);
                self.accepted_seq_nos.insert(index, seq_no);
            }
        }
        self.refresh_newest();
        self.forget_beyond_window();
    }

    /// Remember a refused message so that copies of it stay refused. An id
    /// already accepted stays accepted.
    pub fn record_refusal(&mut self, msg_id: u64, code: BadMsgCode) {
        if accepted_position(&self.accepted_ids, msg_id).is_ok() {
            return;
        }
        match refused_position(&self.refused, msg_id) {
            Ok(index) => self.refused[index].1 = code,
            Err(index) => self.refused.insert(index, (msg_id, code)),
        }
        self.refresh_newest();
        self.forget_beyond_window();
    }

    /// Recompute the newest ids from the deques' backs (after an insert
    /// below the newest).
    fn refresh_newest(&mut self) {
        self.newest_accepted = match (self.accepted_ids.back(), self.accepted_seq_nos.back()) {
            (Some(&id), Some(&seq_no)) => (id, seq_no),
            _ => (0, 0),
        };
        let refused = self.refused.back().map_or(0, |&(id, _)| id);
        self.newest_id = self.newest_accepted.0.max(refused);
    }

    fn get(&self, msg_id: u64) -> Option<Entry> {
        if let Ok(index) = accepted_position(&self.accepted_ids, msg_id) {
            let seq_no = *self.accepted_seq_nos.get(index)?;
            return Some(Entry::Accepted { seq_no });
        }
        let index = refused_position(&self.refused, msg_id).ok()?;
        self.refused.get(index).map(|&(_, code)| Entry::Refused { code })
    }

    /// The lowest id remembered, accepted or refused.
    fn lowest(&self) -> Option<u64> {
        let refused = self.refused.front().map(|&(id, _)| id);
        match (self.accepted_ids.front().copied(), refused) {
            (Some(accepted), Some(refused)) => Some(accepted.min(refused)),
            (accepted, refused) => accepted.or(refused),
        }
    }

    /// Forget the lowest ids, of either kind, beyond the window.
    fn forget_beyond_window(&mut self) {
        // One pop per id beyond the window, no more: a loop until the
        // window fits would spin forever if a pop ever missed.
        // The newest ids stay true: the lowest goes, and the newest of a
        // kind is the lowest only when it is the last of its kind. Then
        // `newest_id` may stay above every id (still an upper bound), and
        // `newest_accepted` goes with an emptied deque, which
        // `seqno_conflict` checks before it.
        for _ in 0..self.len().saturating_sub(REPLAY_WINDOW_MESSAGES) {
            match self.lowest() {
                Some(lowest) if self.accepted_ids.front() == Some(&lowest) => {
                    self.accepted_ids.pop_front();
                    self.accepted_seq_nos.pop_front();
                }
                Some(_) => {
                    self.refused.pop_front();
                }
                None => break,
            }
        }
        debug_assert!(self.len() <= REPLAY_WINDOW_MESSAGES);
        debug_assert_eq!(self.accepted_ids.len(), self.accepted_seq_nos.len());
        debug_assert!(self.accepted_ids.back().is_none_or(|&id| id == self.newest_accepted.0));
        debug_assert!(self.refused.back().is_none_or(|&(id, _)| id <= self.newest_id));
    }

    /// Every remembered id in order with its entry (for the tests' oracle).
    #[cfg(test)]
    fn entries(&self) -> Vec<(u64, Entry)> {
        let accepted = self.accepted_ids.iter().zip(&self.accepted_seq_nos);
        let mut all: Vec<(u64, Entry)> = accepted
            .map(|(&id, &seq_no)| (id, Entry::Accepted { seq_no }))
            .chain(self.refused.iter().map(|&(id, code)| (id, Entry::Refused { code })))
            .collect();
        all.sort_by_key(|&(id, _)| id);
        all
    }
}

/// Whether an accepted neighbour below with seqno `before` contradicts
/// `seq_no`: higher, or equal and odd (code 32).
fn seqno_below_conflicts(before: u32, seq_no: u32) -> bool {
    before > seq_no || (before == seq_no && before % 2 == 1)
}

/// Room for one more id: a quarter more than held (at least four), never
/// more than the window and the one id a record adds before it forgets
/// the lowest. A `VecDeque` doubles, so a window held up to twice its ids
/// (2 % of a 100,000-account run's heap was that spare room).
fn reserve_one<T>(deque: &mut VecDeque<T>) {
    let len = deque.len();
    if len == deque.capacity() {
        let room = (len / 4).max(4).min((REPLAY_WINDOW_MESSAGES + 1).saturating_sub(len));
        deque.reserve_exact(room.max(1));
    }
}

/// Where `msg_id` is (`Ok`) or would go (`Err`) among the sorted accepted
/// ids; an id above every one — nearly every id, since a session's ids
/// rise — is answered without searching.
fn accepted_position(ids: &VecDeque<u64>, msg_id: u64) -> Result<usize, usize> {
    position(ids, msg_id, |&id| id)
}

/// [`accepted_position`] among the refused ids.
fn refused_position(refused: &VecDeque<(u64, BadMsgCode)>, msg_id: u64) -> Result<usize, usize> {
    position(refused, msg_id, |&(id, _)| id)
}

fn position<T>(sorted: &VecDeque<T>, msg_id: u64, id_of: impl Fn(&T) -> u64) -> Result<usize, usize> {
    if sorted.back().is_none_or(|newest| id_of(newest) < msg_id) {
        return Err(sorted.len());
    }
    sorted.binary_search_by_key(&msg_id, id_of)
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
    fn a_window_grows_by_a_quarter_and_stops_at_its_bound() {
        let mut window = ReplayWindow::new();
        let capacity = |window: &ReplayWindow| (window.accepted_ids.capacity(), window.accepted_seq_nos.capacity());
        window.record(4, 0);
        assert_eq!(capacity(&window), (4, 4));
        for index in 2..=100u64 {
            window.record(index * 4, 0);
        }
        // 4, 8, 12, 16, 20, 25, 31, 38, 47, 58, 72, 90, 112.
        assert_eq!(capacity(&window), (112, 112));
        for index in 101..=3000u64 {
            window.record(index * 4, 0);
        }
        assert_eq!(window.len(), REPLAY_WINDOW_MESSAGES);
        assert_eq!(capacity(&window), (1001, 1001), "the window and the id a record adds");
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

    #[test]
    fn refusals_are_remembered_and_ignored_by_seqno_checks() {
        let mut window = ReplayWindow::new();
        window.record(100, 3);
        window.record_refusal(150, BadMsgCode::MsgIdTooHigh);
        assert_eq!(window.status(150), IdStatus::Refused(BadMsgCode::MsgIdTooHigh));
        assert_eq!(
            window.seqno_conflict(200, 4),
            None,
            "the refused id's seqno does not count"
        );
        window.record_refusal(100, BadMsgCode::BadServerSalt);
        assert_eq!(window.status(100), IdStatus::Duplicate, "an accepted id stays accepted");
    }

    /// The oracle: the window as a B-tree, as it was written first.
    #[derive(Default)]
    struct Oracle {
        seen: std::collections::BTreeMap<u64, Entry>,
    }

    impl Oracle {
        fn status(&self, msg_id: u64) -> IdStatus {
            match self.seen.get(&msg_id) {
                Some(Entry::Accepted { .. }) => IdStatus::Duplicate,
                Some(Entry::Refused { code }) => IdStatus::Refused(*code),
                None if self.seen.len() >= REPLAY_WINDOW_MESSAGES
                    && self.seen.keys().next().is_some_and(|&low| msg_id < low) =>
                {
                    IdStatus::TooOld
                }
                None => IdStatus::Fresh,
            }
        }

        fn seqno_conflict(&self, msg_id: u64, seq_no: u32) -> Option<BadMsgCode> {
            let accepted = |(_, entry): (&u64, &Entry)| match entry {
                Entry::Accepted { seq_no } => Some(*seq_no),
                Entry::Refused { .. } => None,
            };
            if let Some(before) = self.seen.range(..msg_id).rev().find_map(accepted) {
                if before > seq_no || (before == seq_no && before % 2 == 1) {
                    return Some(BadMsgCode::SeqNoTooLow);
                }
            }
            if let Some(after) = self.seen.range(msg_id.saturating_add(1)..).find_map(accepted) {
                if after < seq_no || (after == seq_no && seq_no % 2 == 1) {
                    return Some(BadMsgCode::SeqNoTooHigh);
                }
            }
            None
        }

        fn insert(&mut self, msg_id: u64, entry: Entry) {
            if matches!(entry, Entry::Refused { .. }) && matches!(self.seen.get(&msg_id), Some(Entry::Accepted { .. }))
            {
                return;
            }
            self.seen.insert(msg_id, entry);
            while self.seen.len() > REPLAY_WINDOW_MESSAGES {
                self.seen.pop_first();
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_b_tree_window_after_every_step(
            steps in proptest::collection::vec((0u8..3, 0u64..1_500, 0u32..40, proptest::bool::ANY), 1..2_500),
        ) {
            let mut window = ReplayWindow::new();
            let mut oracle = Oracle::default();
            for (step, (operation, offset, seq_no, backwards)) in steps.into_iter().enumerate() {
                // Mostly rising ids, as a session's are, with some arriving late.
                let msg_id = if backwards { (step as u64).saturating_sub(offset) } else { step as u64 + offset % 4 };
                match operation {
                    0 => {
                        window.record(msg_id, seq_no);
                        oracle.insert(msg_id, Entry::Accepted { seq_no });
                    }
                    1 => {
                        window.record_refusal(msg_id, BadMsgCode::SeqNoTooLow);
                        oracle.insert(msg_id, Entry::Refused { code: BadMsgCode::SeqNoTooLow });
                    }
                    _ => {}
                }
                proptest::prop_assert_eq!(window.status(msg_id + 1), oracle.status(msg_id + 1));
                proptest::prop_assert_eq!(window.status(msg_id / 2), oracle.status(msg_id / 2));
                proptest::prop_assert_eq!(window.seqno_conflict(msg_id + 1, seq_no), oracle.seqno_conflict(msg_id + 1, seq_no));
                proptest::prop_assert_eq!(window.seqno_conflict(msg_id / 2, seq_no), oracle.seqno_conflict(msg_id / 2, seq_no));
                // Just above the highest id: the answers kept beside the deques.
                let above = oracle.seen.keys().next_back().map_or(0, |&id| id + 1);
                proptest::prop_assert_eq!(window.status(above), oracle.status(above));
                proptest::prop_assert_eq!(window.seqno_conflict(above, seq_no), oracle.seqno_conflict(above, seq_no));
                proptest::prop_assert_eq!(window.len(), oracle.seen.len());
            }
            let expected: Vec<(u64, Entry)> = oracle.seen.into_iter().collect();
            proptest::prop_assert_eq!(window.entries(), expected);
        }
    }
}
