//! `msg_seqno`: twice the number of content-related messages sent before,
//! plus one when this message is itself content-related.

/// Counts content-related messages sent in one session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeqNoCounter {
    content_messages_sent: u32,
}

impl SeqNoCounter {
    /// A counter for a session that has sent nothing yet.
    pub fn new() -> SeqNoCounter {
        SeqNoCounter::default()
    }

    /// The seqno for the next message: `2n + 1` (and `n += 1`) when it is
    /// content-related, `2n` otherwise.
    pub fn next(&mut self, content_related: bool) -> u32 {
        let base = self.content_messages_sent.wrapping_mul(2);
        if content_related {
            self.content_messages_sent = self.content_messages_sent.wrapping_add(1);
            base | 1
        } else {
            base
        }
    }

    /// Code 32 (seqno too low): the server holds an earlier message of this
    /// session with a higher seqno than ours — our count is behind (the
    /// client's state was restored from an old copy). The server does not
    /// say by how much, so the count at least doubles (plus
    /// [`SEQNO_CATCH_UP_STEP`]): a gap of any size closes in a few
    /// refusals, and since later ids only ever carry higher seqnos,
    /// overshooting can never cause code 33.
    pub fn catch_up(&mut self) {
        let doubled = self.content_messages_sent.saturating_mul(2);
        let stepped = self.content_messages_sent.saturating_add(SEQNO_CATCH_UP_STEP);
        // Bounded: seqnos are 32-bit and 2n + 1 must fit.
        self.content_messages_sent = doubled.max(stepped).min(u32::MAX / 2 - 1);
    }
}

/// The least a seqno count moves forward on code 32.
pub(crate) const SEQNO_CATCH_UP_STEP: u32 = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catching_up_at_least_doubles_and_stays_bounded() {
        let mut counter = SeqNoCounter::new();
        counter.catch_up();
        assert_eq!(counter.next(true), 2 * SEQNO_CATCH_UP_STEP + 1);
        let mut counter = SeqNoCounter {
            content_messages_sent: 1000,
        };
        counter.catch_up();
        assert_eq!(counter.next(false), 4000);
        let mut counter = SeqNoCounter {
            content_messages_sent: u32::MAX / 2 - 10,
        };
        counter.catch_up();
        assert_eq!(counter.next(true), (u32::MAX / 2 - 1) * 2 + 1);
    }

    #[test]
    fn content_messages_are_odd_and_advance() {
        let mut counter = SeqNoCounter::new();
        assert_eq!(counter.next(false), 0);
        assert_eq!(counter.next(true), 1);
        assert_eq!(counter.next(false), 2);
        assert_eq!(counter.next(true), 3);
        assert_eq!(counter.next(true), 5);
        assert_eq!(counter.next(false), 6);
    }
}
