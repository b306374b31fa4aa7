//! The answers of one server session that the client has not yet
//! acknowledged, so that a lost answer can be sent again: to a duplicate
//! of its query, or on its own when the client is heard from again and
//! the answer is still unacknowledged after [`ANSWER_RESEND_AFTER`].
//!
//! Bounded three ways: [`MAX_CACHED_ANSWERS`] answers and
//! [`MAX_CACHED_ANSWER_BYTES`] bytes per session (the oldest query's
//! answer goes first), and [`MAX_ANSWER_SENDS`] sends per answer, after
//! which it is dropped — the client's own resend of the query then gets
//! an acknowledgement only, as for an answer never cached.

use std::time::Duration;

use litemap::LiteMap;

use crate::time::Instant;

/// Answers one session keeps at most.
pub(crate) const MAX_CACHED_ANSWERS: usize = 64;
/// Bytes of answers one session keeps at most; a larger answer is not kept.
pub(crate) const MAX_CACHED_ANSWER_BYTES: usize = 1 << 20;
/// An answer still unacknowledged this long after it was sent goes out
/// again with the next packet the client sends in the session. A client
/// acknowledges within its ack delay (200 ms) of receiving, so ten
/// seconds without one means the answer (or the ack) was lost.
pub const ANSWER_RESEND_AFTER: Duration = Duration::from_secs(10);
/// Times one answer is sent at most (the first send included).
pub(crate) const MAX_ANSWER_SENDS: u32 = 4;
/// Answers re-sent on their own in one reply at most.
const MAX_DUE_PER_PACKET: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq)]
struct CachedAnswer {
    result: Vec<u8>,
    /// The msg_id the answer last went out under.
    sent_as: u64,
    sent_at: Instant,
    sends: u32,
}

/// One session's unacknowledged answers, by the msg_id of their query.
///
/// The maps are sorted Vecs: a session holds a few answers at a time, and
/// a B-tree kept a whole node (about 800 bytes for the two) allocated in
/// every session that ever cached an answer, emptied or not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AnswerCache {
    by_query: LiteMap<u64, CachedAnswer>,
    /// The server msg_id each answer last went out under → its query.
    by_answer_id: LiteMap<u64, u64>,
    bytes: usize,
}

impl AnswerCache {
    pub(crate) fn new() -> AnswerCache {
        AnswerCache::default()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_query.len()
    }

    /// The answer to `req_msg_id` was just sent as `msg_id`.
    pub(crate) fn remember(&mut self, now: Instant, req_msg_id: u64, result: Vec<u8>, msg_id: u64) {
        let sends = match self.remove(req_msg_id) {
            Some(earlier) => earlier.sends + 1,
            None => 1,
        };
        if sends > MAX_ANSWER_SENDS || result.len() > MAX_CACHED_ANSWER_BYTES {
            return;
        }
        while self.by_query.len() >= MAX_CACHED_ANSWERS || self.bytes + result.len() > MAX_CACHED_ANSWER_BYTES {
            let Some(oldest) = self.by_query.first().map(|(&req_msg_id, _)| req_msg_id) else {
                break;
            };
            self.remove(oldest);
        }
        self.bytes += result.len();
        self.by_answer_id.insert(msg_id, req_msg_id);
        self.by_query.insert(
            req_msg_id,
            CachedAnswer {
                result,
                sent_as: msg_id,
                sent_at: now,
                sends,
            },
        );
        debug_assert!(self.by_query.len() <= MAX_CACHED_ANSWERS && self.bytes <= MAX_CACHED_ANSWER_BYTES);
        debug_assert_eq!(self.by_query.len(), self.by_answer_id.len());
    }

    /// The client acknowledged these server msg_ids.
    pub(crate) fn acknowledged(&mut self, msg_ids: &[u64]) {
        for msg_id in msg_ids {
            if let Some(req_msg_id) = self.by_answer_id.get(msg_id).copied() {
                self.remove(req_msg_id);
            }
        }
    }

    /// The answer to send again for a duplicate of query `req_msg_id`, if kept.
    pub(crate) fn answer_to(&mut self, now: Instant, req_msg_id: u64) -> Option<Vec<u8>> {
        let cached = self.by_query.get_mut(&req_msg_id)?;
        cached.sent_at = now;
        Some(cached.result.clone())
    }

    /// The answer last sent as server msg_id `msg_id` (a `msg_resend_req`
    /// names it), with its query's id; marked as sent now.
    pub(crate) fn sent_as(&mut self, now: Instant, msg_id: u64) -> Option<(u64, Vec<u8>)> {
        let req_msg_id = *self.by_answer_id.get(&msg_id)?;
        self.answer_to(now, req_msg_id).map(|result| (req_msg_id, result))
    }

    /// Whether an answer to `req_msg_id` is kept.
    pub(crate) fn answers(&self, req_msg_id: u64) -> bool {
        self.by_query.contains_key(&req_msg_id)
    }

    /// Answers unacknowledged for [`ANSWER_RESEND_AFTER`], oldest query
    /// first, at most [`MAX_DUE_PER_PACKET`]; each is marked as sent now.
    pub(crate) fn due(&mut self, now: Instant) -> Vec<(u64, Vec<u8>)> {
        let mut due = Vec::new();
        for (&req_msg_id, cached) in self.by_query.iter_mut() {
            if due.len() >= MAX_DUE_PER_PACKET {
                break;
            }
            if cached.sent_at.saturating_add(ANSWER_RESEND_AFTER) <= now {
                cached.sent_at = now;
                due.push((req_msg_id, cached.result.clone()));
            }
        }
        due
    }

    fn remove(&mut self, req_msg_id: u64) -> Option<CachedAnswer> {
        let cached = self.by_query.remove(&req_msg_id)?;
        self.by_answer_id.remove(&cached.sent_as);
        self.bytes -= cached.result.len();
        Some(cached)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> Instant {
        Instant::from_unix_seconds(1_767_225_600 + seconds)
    }

    #[test]
    fn an_answer_is_kept_until_acknowledged() {
        let mut cache = AnswerCache::new();
        cache.remember(at(0), 4, vec![1; 8], 101);
        assert_eq!(cache.answer_to(at(1), 4), Some(vec![1; 8]));
        assert_eq!(cache.answer_to(at(1), 8), None, "never answered");
        cache.acknowledged(&[999]);
        assert_eq!(cache.len(), 1, "an unrelated ack keeps it");
        cache.acknowledged(&[101]);
        assert_eq!((cache.len(), cache.bytes), (0, 0));
    }

    #[test]
    fn an_answer_is_found_by_the_id_it_went_out_under() {
        let mut cache = AnswerCache::new();
        cache.remember(at(0), 4, vec![1; 8], 101);
        assert!(cache.answers(4) && !cache.answers(8));
        assert_eq!(cache.sent_as(at(1), 101), Some((4, vec![1; 8])));
        assert_eq!(cache.sent_as(at(1), 4), None, "a query id is not an answer id");
        assert!(cache.due(at(10)).is_empty(), "a requested re-send counts as a send");
    }

    #[test]
    fn a_re_sent_answer_is_acknowledged_under_its_new_id() {
        let mut cache = AnswerCache::new();
        cache.remember(at(0), 4, vec![1; 8], 101);
        cache.remember(at(20), 4, vec![1; 8], 205);
        cache.acknowledged(&[101]);
        assert_eq!(cache.len(), 1, "the old id no longer names it");
        cache.acknowledged(&[205]);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn unacknowledged_answers_come_due_after_the_wait_and_not_before() {
        let mut cache = AnswerCache::new();
        cache.remember(at(0), 4, vec![1; 8], 101);
        cache.remember(at(5), 8, vec![2; 8], 105);
        assert!(cache.due(at(9)).is_empty());
        assert_eq!(cache.due(at(10)), vec![(4, vec![1; 8])]);
        assert!(cache.due(at(12)).is_empty(), "marked as sent");
        assert_eq!(cache.due(at(15)), vec![(8, vec![2; 8])]);
        let _ = cache.answer_to(at(19), 4);
        assert_eq!(
            cache.due(at(21)),
            Vec::<(u64, Vec<u8>)>::new(),
            "a duplicate's answer counts as a send"
        );
    }

    #[test]
    fn sends_per_answer_are_bounded() {
        let mut cache = AnswerCache::new();
        for send in 0..MAX_ANSWER_SENDS {
            cache.remember(at(u64::from(send) * 10), 4, vec![1; 8], 101 + u64::from(send));
            assert_eq!(cache.len(), 1);
        }
        cache.remember(at(100), 4, vec![1; 8], 999);
        assert_eq!((cache.len(), cache.bytes), (0, 0), "given up after the last send");
    }

    #[test]
    fn count_and_bytes_are_bounded_oldest_query_first() {
        let mut cache = AnswerCache::new();
        for query in 0..(MAX_CACHED_ANSWERS as u64 + 3) {
            cache.remember(at(0), 4 * (query + 1), vec![0; 4], 1000 + query);
        }
        assert_eq!(cache.len(), MAX_CACHED_ANSWERS);
        assert_eq!(cache.answer_to(at(0), 4), None, "the oldest went first");
        cache.remember(at(0), 10_000, vec![0; MAX_CACHED_ANSWER_BYTES], 5000);
        assert_eq!(cache.len(), 1, "a megabyte answer evicts the rest");
        cache.remember(at(0), 10_004, vec![0; MAX_CACHED_ANSWER_BYTES + 4], 5001);
        assert_eq!(cache.answer_to(at(0), 10_004), None, "too large to keep");
        assert!(cache.bytes <= MAX_CACHED_ANSWER_BYTES);
    }
}
