//! `msg_seqno`: twice the number of content-related messages sent before,
//! plus one when this message is itself content-related.

/// Counts content-related messages sent in one session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeqNoCounter {
    content_messages_sent: u32,
}

impl SeqNoCounter {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
