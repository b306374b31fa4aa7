//! The discrete-event engine: the virtual [`Clock`], the bounded [`EventQueue`]
//! and the [`TraceHash`] of everything processed, in one owner.
//!
//! Popping an event advances virtual time to it and folds it into the trace;
//! nothing else moves the clock, so a run is a pure function of the events
//! scheduled. The engine runs at full speed and never sleeps.

use crate::engine::clock::Clock;
use crate::engine::queue::{EventId, EventQueue, QueueError, MAX_PENDING_EVENTS};
use crate::engine::trace::{TraceEncode, TraceHash};
use sessionlab_proto::time::Instant;

/// Why [`Engine::run_until`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStop {
    /// The next event lies after the deadline; the clock now stands at the deadline.
    Deadline,
    /// No event is pending; the clock stands at the deadline.
    Idle,
    /// The event budget was spent; the clock stands at the last event processed.
    Budget,
}

/// A discrete-event engine over events of type `E`.
pub struct Engine<E> {
    clock: Clock,
    queue: EventQueue<E>,
    trace: TraceHash,
}

impl<E: TraceEncode> Default for Engine<E> {
    fn default() -> Engine<E> {
        Engine::new(Instant::SCENARIO_EPOCH)
    }
}

impl<E: TraceEncode> Engine<E> {
    /// An engine whose clock starts at `epoch`, bounded by [`MAX_PENDING_EVENTS`].
    pub fn new(epoch: Instant) -> Engine<E> {
        Engine::with_limit(epoch, MAX_PENDING_EVENTS)
    }

    /// An engine bounded by `limit` pending events.
    pub fn with_limit(epoch: Instant, limit: usize) -> Engine<E> {
        Engine {
            clock: Clock::new(epoch),
            queue: EventQueue::with_limit(epoch, limit),
            trace: TraceHash::new(),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The virtual clock (epoch, elapsed time, offsets).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Schedule `event` at `at` (not before now).
    #[inline(always)]
    pub fn schedule(&mut self, at: Instant, event: E) -> Result<EventId, QueueError> {
        self.queue.schedule(at, event)
    }

    /// Schedule `event` `delay_micros` after now.
    pub fn schedule_after_micros(&mut self, delay_micros: u64, event: E) -> Result<EventId, QueueError> {
        let at = self.clock.after_micros(delay_micros);
        self.queue.schedule(at, event)
    }

    /// Cancel a pending event; returns whether it was pending.
    pub fn cancel(&mut self, id: EventId) -> bool {
        self.queue.cancel(id)
    }

    /// Whether `id` is still pending.
    pub fn is_pending(&self, id: EventId) -> bool {
        self.queue.is_pending(id)
    }

    /// Pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// The time of the next pending event.
    pub fn peek_time(&mut self) -> Option<Instant> {
        self.queue.peek_time()
    }

    /// Pop the next event, advance the clock to it and record it in the trace.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(Instant, E)> {
        let (at, _id, event) = self.queue.pop()?;
        self.clock.advance_to(at);
        self.trace.record(at, &event);
        Some((at, event))
    }

    /// Pop the next event if it is due by `deadline`; otherwise move the clock
    /// to `deadline` (when that is later than now) and return `None`.
    pub fn pop_until(&mut self, deadline: Instant) -> Option<(Instant, E)> {
        match self.queue.peek_time() {
            Some(at) if at <= deadline => self.pop(),
            _ => {
                if deadline > self.clock.now() {
                    self.clock.advance_to(deadline);
                    self.queue.advance_floor(deadline);
                }
                None
            }
        }
    }

    /// Process events due by `deadline` with `handle`, at most `max_events` of
    /// them (a bound so a handler that keeps rescheduling cannot spin forever).
    /// `handle` gets the engine back so it can schedule and cancel.
    pub fn run_until<Error>(
        &mut self,
        deadline: Instant,
        max_events: u64,
        mut handle: impl FnMut(&mut Engine<E>, Instant, E) -> Result<(), Error>,
    ) -> Result<RunStop, Error> {
        for _ in 0..max_events {
            match self.pop_until(deadline) {
                Some((at, event)) => handle(self, at, event)?,
                None if self.queue.is_empty() => return Ok(RunStop::Idle),
                None => return Ok(RunStop::Deadline),
            }
        }
        Ok(RunStop::Budget)
    }

    /// Events processed so far.
    pub fn processed(&self) -> u64 {
        self.trace.events()
    }

    /// The trace of every event processed so far.
    pub fn trace(&self) -> &TraceHash {
        &self.trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_s(seconds: u64) -> Instant {
        Instant::SCENARIO_EPOCH.saturating_add(std::time::Duration::from_secs(seconds))
    }

    #[test]
    fn popping_advances_the_clock_and_the_trace() {
        let mut engine: Engine<u32> = Engine::default();
        engine.schedule(at_s(2), 20).unwrap();
        engine.schedule(at_s(1), 10).unwrap();
        assert_eq!(engine.now(), Instant::SCENARIO_EPOCH);
        assert_eq!(engine.pop(), Some((at_s(1), 10)));
        assert_eq!(engine.now(), at_s(1));
        assert_eq!(engine.pop(), Some((at_s(2), 20)));
        assert_eq!(engine.pop(), None);
        assert_eq!(engine.now(), at_s(2));
        assert_eq!(engine.processed(), 2);
    }

    #[test]
    fn trace_covers_processed_events_only() {
        let mut with_cancel: Engine<u32> = Engine::default();
        let id = with_cancel.schedule(at_s(1), 1).unwrap();
        with_cancel.schedule(at_s(2), 2).unwrap();
        assert!(with_cancel.cancel(id));
        while with_cancel.pop().is_some() {}
        let mut direct: Engine<u32> = Engine::default();
        direct.schedule(at_s(2), 2).unwrap();
        while direct.pop().is_some() {}
        assert_eq!(with_cancel.trace().digest(), direct.trace().digest());
    }

    #[test]
    fn pop_until_stops_at_the_deadline() {
        let mut engine: Engine<u32> = Engine::default();
        engine.schedule(at_s(5), 5).unwrap();
        assert_eq!(engine.pop_until(at_s(3)), None);
        assert_eq!(engine.now(), at_s(3));
        assert_eq!(
            engine.schedule(at_s(2), 2),
            Err(QueueError::InThePast {
                at: at_s(2),
                now: at_s(3)
            }),
            "time skipped to the deadline is closed too"
        );
        assert_eq!(engine.pop_until(at_s(5)), Some((at_s(5), 5)));
    }

    #[test]
    fn schedule_after_is_relative_to_now() {
        let mut engine: Engine<u32> = Engine::default();
        engine.schedule(at_s(1), 1).unwrap();
        engine.pop();
        engine.schedule_after_micros(500, 2).unwrap();
        assert_eq!(engine.pop().map(|(at, _)| at), Some(at_s(1).offset_by_micros(500)));
        assert!(engine.schedule(at_s(0), 3).is_err(), "the past is closed");
    }

    #[test]
    fn run_until_hands_the_engine_to_the_handler() {
        let mut engine: Engine<u32> = Engine::default();
        engine.schedule(at_s(0), 0).unwrap();
        let mut seen = Vec::new();
        let stop = engine.run_until(at_s(10), 1_000, |engine, at, n| {
            seen.push(n);
            engine.schedule(at.offset_by_micros(3_000_000), n + 1).map(|_| ())
        });
        assert_eq!(stop, Ok(RunStop::Deadline));
        assert_eq!(seen, vec![0, 1, 2, 3]);
        assert_eq!(engine.now(), at_s(10));
        let stop = engine.run_until(at_s(100), 2, |engine, at, n| engine.schedule(at, n).map(|_| ()));
        assert_eq!(stop, Ok(RunStop::Budget));
        engine
            .run_until(at_s(100), 10, |_, _, _| Ok::<(), QueueError>(()))
            .unwrap();
        assert_eq!(
            engine.run_until(at_s(100), 10, |_, _, _| Ok::<(), QueueError>(())),
            Ok(RunStop::Idle)
        );
    }
}
