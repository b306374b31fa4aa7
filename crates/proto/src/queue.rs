//! The bounded first-in first-out queue behind every polled output of the
//! core (`DcAuthority::poll_effect`, `Server::poll_output`, ...): items
//! leave in the order they came, and a full queue refuses the newest item
//! and hands it back, so that the owner can count the loss and say so
//! (architecture invariant 7) rather than lose it silently.

use std::collections::VecDeque;

/// At most `limit` items, oldest first.
#[derive(Clone, Debug)]
pub(crate) struct BoundedQueue<T> {
    items: VecDeque<T>,
    limit: usize,
}

impl<T> BoundedQueue<T> {
    /// An empty queue that holds at most `limit` items.
    pub(crate) const fn new(limit: usize) -> BoundedQueue<T> {
        BoundedQueue {
            items: VecDeque::new(),
            limit,
        }
    }

    /// Queue `item` last; a full queue refuses it and hands it back.
    pub(crate) fn push(&mut self, item: T) -> Result<(), T> {
        if self.items.len() < self.limit {
            self.items.push_back(item);
            Ok(())
        } else {
            Err(item)
        }
    }

    /// The oldest item.
    pub(crate) fn pop(&mut self) -> Option<T> {
        self.items.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_leave_in_order_and_a_full_queue_refuses_the_newest() {
        let mut queue = BoundedQueue::new(2);
        assert_eq!(queue.push(1), Ok(()));
        assert_eq!(queue.push(2), Ok(()));
        assert_eq!(queue.push(3), Err(3));
        assert_eq!(queue.pop(), Some(1));
        assert_eq!(queue.push(4), Ok(()));
        assert_eq!(std::iter::from_fn(|| queue.pop()).collect::<Vec<_>>(), [2, 4]);
    }
}
