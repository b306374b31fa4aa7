//! The event queue: a min-heap keyed (virtual time, insertion sequence).
//!
//! The key is a total order, so two runs that schedule the same events in the
//! same order pop them in the same order, ties included: events at the same
//! instant come out first-scheduled first. Cancellation is lazy — a cancelled
//! entry stays in the heap as a tombstone until it reaches the top or a
//! compaction sweeps it; a slab of slots makes it O(1) — and the number of
//! pending events is bounded.
//!
//! The heap holds only 16-byte keys — time, sequence and slot packed into
//! one `u128` whose order is the queue's order — and the events wait in
//! their slots: a pop sifts keys, not 60-byte events, which made the heap
//! the hottest part of a large run when it held the events themselves.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use sessionlab_proto::time::Instant;

/// Default bound on pending events. A simulation of thousands of devices keeps
/// a few timers and packets in flight each; four million means a runaway
/// actor (a retry loop without backoff) fails loudly instead of eating memory.
pub const MAX_PENDING_EVENTS: usize = 1 << 22;

/// The largest bound a queue takes: slots (at most about twice the
/// pending events, tombstones included) must fit in [`SLOT_BITS`].
pub const MAX_EVENT_LIMIT: usize = 1 << 24;

/// Tombstones tolerated beyond the live count before the heap is compacted.
/// Keeps the heap within about twice the live events without rebuilding it
/// on every cancellation.
const COMPACTION_SLACK: usize = 1024;

/// Bits of a heap key's low word that hold the slot; the sequence takes
/// the rest (2^38 schedules, over a thousand times a run's event budget).
const SLOT_BITS: u32 = 26;
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;
/// Schedules a queue takes in its life at most.
const MAX_SEQUENCE: u64 = 1 << (64 - SLOT_BITS);

/// A handle on a scheduled event: its insertion sequence number (unique per
/// queue, and the tie-breaker of the order) and the slot tracking its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId {
    sequence: u64,
    slot: u32,
}

impl EventId {
    /// The insertion sequence number (0 for the first event ever scheduled).
    pub const fn sequence(self) -> u64 {
        self.sequence
    }
}

/// Why an event could not be scheduled. Actors can cause both (a retry storm,
/// a timer computed from a skewed clock), so they are values, not panics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    #[error("event queue full: {limit} events pending")]
    Full { limit: usize },
    #[error("event scheduled at {at:?}, before the current time {now:?}")]
    InThePast { at: Instant, now: Instant },
    #[error("event queue exhausted: {schedules} events scheduled in its life")]
    Exhausted { schedules: u64 },
}

/// A heap key: time in the high word, then (sequence, slot) in the low
/// word. Sequences are unique, so the slot never decides an order.
#[inline]
fn pack(at: Instant, sequence: u64, slot: u32) -> u128 {
    (u128::from(at.unix_micros()) << 64) | u128::from((sequence << SLOT_BITS) | u64::from(slot))
}

/// (time, sequence, slot) of a heap key.
#[inline]
fn unpack(key: u128) -> (Instant, u64, u32) {
    let low = key as u64;
    let slot = u32::try_from(low & SLOT_MASK).unwrap_or(u32::MAX);
    (Instant::from_unix_micros((key >> 64) as u64), low >> SLOT_BITS, slot)
}

/// One heap entry's state, so cancellation and pops are O(1) lookups. A
/// slot is recycled once its key has left the heap; the sequence number
/// tells a stale [`EventId`] from the slot's new occupant, and a slot
/// without an event is a tombstone (its event was popped or cancelled).
struct Slot<E> {
    sequence: u64,
    event: Option<E>,
}

/// A bounded min-heap of events of type `E`, ordered by (time, insertion sequence).
pub struct EventQueue<E> {
    /// Keys of live entries and tombstones, smallest on top.
    heap: BinaryHeap<Reverse<u128>>,
    /// One slot per heap key (live or tombstone), plus free ones.
    slots: Vec<Slot<E>>,
    free_slots: Vec<u32>,
    /// Events scheduled and neither popped nor cancelled.
    live: usize,
    next_sequence: u64,
    /// Time of the last popped event: nothing may be scheduled before it, so
    /// pops are non-decreasing in time.
    floor: Instant,
    limit: usize,
}

impl<E> EventQueue<E> {
    /// An empty queue that accepts nothing before `start`, bounded by [`MAX_PENDING_EVENTS`].
    pub fn new(start: Instant) -> EventQueue<E> {
        EventQueue::with_limit(start, MAX_PENDING_EVENTS)
    }

    /// An empty queue bounded by `limit` pending events, at most [`MAX_EVENT_LIMIT`].
    pub fn with_limit(start: Instant, limit: usize) -> EventQueue<E> {
        assert!(limit > 0, "an event queue must hold at least one event");
        assert!(limit <= MAX_EVENT_LIMIT, "event queue limit too large");
        EventQueue {
            heap: BinaryHeap::new(),
            slots: Vec::new(),
            free_slots: Vec::new(),
            live: 0,
            next_sequence: 0,
            floor: start,
            limit,
        }
    }

    /// Pending (scheduled, not popped, not cancelled) events.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The bound on pending events.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Schedule `event` at `at`, which must not be before the last popped event.
    #[inline]
    pub fn schedule(&mut self, at: Instant, event: E) -> Result<EventId, QueueError> {
        if at < self.floor {
            return Err(QueueError::InThePast { at, now: self.floor });
        }
        if self.live >= self.limit {
            return Err(QueueError::Full { limit: self.limit });
        }
        let sequence = self.next_sequence;
        if sequence >= MAX_SEQUENCE {
            return Err(QueueError::Exhausted { schedules: sequence });
        }
        self.next_sequence += 1;
        let state = Slot {
            sequence,
            event: Some(event),
        };
        let slot = match self.free_slots.pop() {
            Some(slot) => {
                self.slots[slot as usize] = state;
                slot
            }
            None => {
                self.slots.push(state);
                u32::try_from(self.slots.len() - 1).expect("slots bounded by the limit")
            }
        };
        debug_assert!(u64::from(slot) <= SLOT_MASK, "slots bounded by the limit");
        self.heap.push(Reverse(pack(at, sequence, slot)));
        self.live += 1;
        Ok(EventId { sequence, slot })
    }

    /// Cancel a pending event; returns whether it was pending (a popped or
    /// already-cancelled event is not).
    pub fn cancel(&mut self, id: EventId) -> bool {
        if !self.is_pending(id) {
            return false;
        }
        self.slots[id.slot as usize].event = None;
        self.live -= 1;
        if self.heap.len() > 2 * self.live + COMPACTION_SLACK {
            self.compact();
        }
        true
    }

    /// Whether `id` is scheduled and neither popped nor cancelled.
    pub fn is_pending(&self, id: EventId) -> bool {
        let slot = self.slots.get(id.slot as usize);
        slot.is_some_and(|slot| slot.event.is_some() && slot.sequence == id.sequence)
    }

    /// The time of the next pending event.
    pub fn peek_time(&mut self) -> Option<Instant> {
        self.drop_cancelled_top();
        self.heap.peek().map(|Reverse(key)| unpack(*key).0)
    }

    /// Remove and return the next pending event: earliest time, then earliest scheduled.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(Instant, EventId, E)> {
        // One pass over the top: a tombstone is dropped on the way (its
        // slot freed), without a peek before every pop.
        loop {
            let Reverse(key) = self.heap.pop()?;
            let (at, sequence, slot) = unpack(key);
            let state = &mut self.slots[slot as usize];
            assert_eq!(state.sequence, sequence, "a heap key names its slot's occupant");
            self.free_slots.push(slot);
            let Some(event) = state.event.take() else {
                continue; // cancelled: a tombstone
            };
            assert!(at >= self.floor, "the heap yielded an event before the floor");
            self.live -= 1;
            self.floor = at;
            return Some((at, EventId { sequence, slot }, event));
        }
    }

    /// Close the past up to `to`: nothing may be scheduled before it any more.
    /// The engine calls this when its clock moves to a deadline without an
    /// event; no pending event may lie before `to` (that would be skipped time).
    pub fn advance_floor(&mut self, to: Instant) {
        if to <= self.floor {
            return;
        }
        if let Some(next) = self.peek_time() {
            assert!(next >= to, "advancing past a pending event");
        }
        self.floor = to;
    }

    fn drop_cancelled_top(&mut self) {
        while let Some(Reverse(top)) = self.heap.peek() {
            let (_, _, slot) = unpack(*top);
            if self.slots[slot as usize].event.is_some() {
                return;
            }
            self.heap.pop();
            self.free_slots.push(slot);
        }
    }

    /// Drop every tombstone and rebuild the free list: after this, exactly
    /// the slots of live entries are in use.
    fn compact(&mut self) {
        let slots = &self.slots;
        self.heap
            .retain(|Reverse(key)| slots[unpack(*key).2 as usize].event.is_some());
        assert_eq!(self.heap.len(), self.live, "compaction left tombstones");
        self.free_slots.clear();
        let dead = self.slots.iter().enumerate().filter(|(_, slot)| slot.event.is_none());
        // Descending, so the lowest free slots are reused first.
        let mut free: Vec<u32> = dead.map(|(index, _)| index as u32).collect();
        free.reverse();
        self.free_slots = free;
    }

    /// Entries in the heap, tombstones included (for tests of compaction).
    #[cfg(test)]
    fn heap_len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(micros: u64) -> Instant {
        Instant::from_unix_micros(micros)
    }

    fn drain(queue: &mut EventQueue<&'static str>) -> Vec<(u64, &'static str)> {
        std::iter::from_fn(|| queue.pop().map(|(time, _, event)| (time.unix_micros(), event))).collect()
    }

    #[test]
    fn pops_by_time_then_insertion_order() {
        let mut queue = EventQueue::new(at(0));
        queue.schedule(at(20), "c").unwrap();
        queue.schedule(at(10), "a").unwrap();
        queue.schedule(at(20), "d").unwrap();
        queue.schedule(at(10), "b").unwrap();
        queue.schedule(at(5), "first").unwrap();
        assert_eq!(
            drain(&mut queue),
            vec![(5, "first"), (10, "a"), (10, "b"), (20, "c"), (20, "d")]
        );
        assert!(queue.is_empty());
    }

    #[test]
    fn ids_are_insertion_sequences() {
        let mut queue = EventQueue::new(at(0));
        let first = queue.schedule(at(9), "x").unwrap();
        let second = queue.schedule(at(1), "y").unwrap();
        assert_eq!((first.sequence(), second.sequence()), (0, 1));
        assert_eq!(queue.pop().map(|(_, id, _)| id), Some(second));
    }

    #[test]
    fn cancelled_events_never_pop() {
        let mut queue = EventQueue::new(at(0));
        let a = queue.schedule(at(1), "a").unwrap();
        let b = queue.schedule(at(2), "b").unwrap();
        queue.schedule(at(3), "c").unwrap();
        assert!(queue.cancel(b));
        assert!(!queue.cancel(b), "cancelling twice reports not pending");
        assert_eq!(queue.len(), 2);
        assert!(queue.cancel(a));
        assert_eq!(queue.peek_time(), Some(at(3)));
        assert_eq!(drain(&mut queue), vec![(3, "c")]);
    }

    #[test]
    fn cancelling_a_popped_event_reports_not_pending() {
        let mut queue = EventQueue::new(at(0));
        let a = queue.schedule(at(1), "a").unwrap();
        assert!(queue.is_pending(a));
        queue.pop().unwrap();
        assert!(!queue.is_pending(a));
        assert!(!queue.cancel(a));
    }

    #[test]
    fn a_stale_id_never_cancels_the_slot_s_next_occupant() {
        let mut queue = EventQueue::new(at(0));
        let old = queue.schedule(at(1), "old").unwrap();
        queue.pop().unwrap();
        let new = queue.schedule(at(2), "new").unwrap();
        assert_eq!(queue.slots.len(), 1, "the slot was recycled");
        assert!(!queue.cancel(old));
        assert!(queue.is_pending(new));
        assert_eq!(drain(&mut queue), vec![(2, "new")]);
    }

    #[test]
    fn full_queue_is_an_error_and_cancelling_frees_room() {
        let mut queue = EventQueue::with_limit(at(0), 2);
        let a = queue.schedule(at(1), "a").unwrap();
        queue.schedule(at(2), "b").unwrap();
        assert_eq!(queue.schedule(at(3), "c"), Err(QueueError::Full { limit: 2 }));
        queue.cancel(a);
        assert!(queue.schedule(at(3), "c").is_ok());
        assert_eq!(drain(&mut queue), vec![(2, "b"), (3, "c")]);
    }

    #[test]
    fn scheduling_before_the_last_pop_is_an_error() {
        let mut queue = EventQueue::new(at(100));
        assert_eq!(
            queue.schedule(at(99), "early"),
            Err(QueueError::InThePast {
                at: at(99),
                now: at(100)
            })
        );
        queue.schedule(at(150), "a").unwrap();
        queue.pop().unwrap();
        assert!(queue.schedule(at(149), "late").is_err());
        assert!(queue.schedule(at(150), "same instant").is_ok());
    }

    #[test]
    fn advancing_the_floor_closes_the_past() {
        let mut queue = EventQueue::new(at(0));
        queue.schedule(at(50), "a").unwrap();
        queue.advance_floor(at(40));
        queue.advance_floor(at(10)); // never backwards
        assert_eq!(
            queue.schedule(at(39), "b"),
            Err(QueueError::InThePast {
                at: at(39),
                now: at(40)
            })
        );
        assert!(queue.schedule(at(40), "c").is_ok());
    }

    #[test]
    #[should_panic(expected = "advancing past a pending event")]
    fn advancing_the_floor_past_a_pending_event_is_a_broken_invariant() {
        let mut queue = EventQueue::new(at(0));
        queue.schedule(at(5), "a").unwrap();
        queue.advance_floor(at(6));
    }

    #[test]
    fn compaction_bounds_tombstones() {
        let mut queue = EventQueue::new(at(0));
        let ids: Vec<EventId> = (0..5000).map(|i| queue.schedule(at(i), "e").unwrap()).collect();
        for id in &ids[..4900] {
            queue.cancel(*id);
        }
        assert_eq!(queue.len(), 100);
        assert!(
            queue.heap_len() <= 2 * 100 + COMPACTION_SLACK,
            "heap kept {}",
            queue.heap_len()
        );
        let times: Vec<u64> = drain(&mut queue).iter().map(|(time, _)| *time).collect();
        assert_eq!(times, (4900..5000).collect::<Vec<u64>>());
    }

    #[test]
    fn a_queue_whose_sequences_ran_out_refuses_more() {
        let mut queue = EventQueue::new(at(0));
        queue.next_sequence = MAX_SEQUENCE - 1;
        let last = queue.schedule(at(1), "last").unwrap();
        assert_eq!(last.sequence(), MAX_SEQUENCE - 1);
        assert_eq!(
            queue.schedule(at(1), "one more"),
            Err(QueueError::Exhausted {
                schedules: MAX_SEQUENCE
            })
        );
        assert_eq!(drain(&mut queue), vec![(1, "last")], "the refusal lost nothing");
    }

    #[test]
    fn keys_order_by_time_then_sequence_whatever_the_slot() {
        let early = pack(at(5), 9, 0);
        let later_time = pack(at(6), 0, 0);
        let later_sequence = pack(at(5), 10, 0);
        let high_slot = pack(at(5), 9, (SLOT_MASK) as u32);
        assert!(early < later_time && early < later_sequence && high_slot < later_sequence);
        assert_eq!(unpack(high_slot), (at(5), 9, SLOT_MASK as u32));
        assert_eq!(
            unpack(pack(at(u64::MAX), MAX_SEQUENCE - 1, 3)),
            (at(u64::MAX), MAX_SEQUENCE - 1, 3)
        );
    }
}
