//! Unit tests of the client session's private bookkeeping.

use super::*;

fn session() -> ClientSession {
    ClientSession::new(AuthKey::from_bytes([7; 256]), SessionId::new(1), 99)
}

/// A container of two settled messages (never pending), under `id`.
fn settled_container(session: &mut ClientSession, id: u64) {
    session.containers.insert(id, vec![id + 1, id + 2]);
}

#[test]
fn settled_containers_are_pruned_once_they_have_doubled() {
    let mut session = session();
    let now = Instant::SCENARIO_EPOCH;
    let live = session.send(now, vec![1, 2, 3, 4]).expect("queued");
    session.containers.insert(1, vec![live]);
    // 1 live + 14 settled: below the first bound of 0 × 2 + 16.
    for index in 1..CONTAINERS_KEPT_UNPRUNED as u64 - 1 {
        settled_container(&mut session, 100 * index);
        session.prune_containers();
    }
    assert_eq!(
        session.containers.len(),
        CONTAINERS_KEPT_UNPRUNED - 1,
        "below the bound: none pruned"
    );
    settled_container(&mut session, 10_000);
    session.prune_containers();
    assert_eq!(
        session.containers.keys().copied().collect::<Vec<_>>(),
        [1],
        "at the bound only the container with a pending message stays"
    );
    assert_eq!(session.containers_after_prune, 1);
    // The next bound is 1 × 2 + 16 = 18: 1 + 16 settled stay.
    for index in 0..CONTAINERS_KEPT_UNPRUNED as u64 {
        settled_container(&mut session, 20_000 + 100 * index);
        session.prune_containers();
    }
    assert_eq!(
        session.containers.len(),
        CONTAINERS_KEPT_UNPRUNED + 1,
        "the next waits for 2 × 1 + 16"
    );
    settled_container(&mut session, 90_000);
    session.prune_containers();
    assert_eq!(session.containers.len(), 1);
}

#[test]
fn a_settled_container_reads_as_settled_before_and_after_the_prune() {
    let mut session = session();
    settled_container(&mut session, 500);
    assert!(
        !session.was_pending_in_packet(500, &[]),
        "kept, but none of its messages is pending"
    );
    session.containers.clear();
    assert!(!session.was_pending_in_packet(500, &[]), "pruned");
}
