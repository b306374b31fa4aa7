//! Unit tests of the update log: one test per rule, exact outcomes.

mod props;

use super::*;

const T0: Instant = Instant::SCENARIO_EPOCH;

fn request(pts: u32, qts: u32, pts_limit: u32, pts_total_limit: u32) -> DifferenceRequest {
    DifferenceRequest {
        pts,
        qts,
        date: 0,
        pts_limit,
        pts_total_limit,
    }
}

fn log_with(retained_limit: usize, pts_counts: &[u32]) -> UpdateLog {
    let mut log = UpdateLog::new(retained_limit).unwrap();
    for (index, &count) in pts_counts.iter().enumerate() {
        let now = T0 + std::time::Duration::from_secs(index as u64);
        log.push(now, UpdateKind::NewMessage, 100, count).unwrap();
    }
    log
}

fn ends(updates: &[Update]) -> Vec<u32> {
    updates.iter().map(|update| update.position.end).collect()
}

#[test]
fn push_advances_pts_seq_and_date() {
    let mut log = UpdateLog::new(10).unwrap();
    let first = log.push(T0, UpdateKind::NewMessage, 200, 1).unwrap();
    let second = log
        .push(
            T0 + std::time::Duration::from_secs(5),
            UpdateKind::DeleteMessages,
            10,
            3,
        )
        .unwrap();
    assert_eq!(
        first.position,
        Position {
            sync_box: SyncBox::Common,
            end: 1,
            count: 1
        }
    );
    assert_eq!(first.seq, 1);
    assert_eq!(first.date, date_of(T0));
    assert_eq!(first.created_at, T0);
    assert_eq!(
        second.position,
        Position {
            sync_box: SyncBox::Common,
            end: 4,
            count: 3
        }
    );
    assert_eq!(second.seq, 2);
    assert_eq!(
        log.state(),
        SyncState {
            pts: 4,
            qts: 0,
            seq: 2,
            date: date_of(T0) + 5
        }
    );
}

#[test]
fn secondary_box_advances_qts_only() {
    let mut log = log_with(10, &[2]);
    let update = log.push_secondary(T0, UpdateKind::SecondaryBoxEvent, 50).unwrap();
    assert_eq!(
        update.position,
        Position {
            sync_box: SyncBox::Secondary,
            end: 1,
            count: 1
        }
    );
    assert_eq!(update.qts(), Some(1));
    assert_eq!(update.pts(), None);
    assert_eq!(
        log.state(),
        SyncState {
            pts: 2,
            qts: 1,
            seq: 2,
            date: date_of(T0)
        }
    );
}

#[test]
fn date_never_goes_backwards() {
    let mut log = UpdateLog::new(10).unwrap();
    log.push(T0 + std::time::Duration::from_secs(10), UpdateKind::NewMessage, 1, 1)
        .unwrap();
    let update = log.push(T0, UpdateKind::NewMessage, 1, 1).unwrap();
    assert_eq!(update.date, date_of(T0) + 10);
}

#[test]
fn push_rejects_bad_input() {
    let mut log = UpdateLog::new(10).unwrap();
    assert_eq!(log.push(T0, UpdateKind::NewMessage, 1, 0), Err(PushError::PtsCount(0)));
    assert_eq!(
        log.push(T0, UpdateKind::NewMessage, 1, PTS_COUNT_MAX + 1),
        Err(PushError::PtsCount(PTS_COUNT_MAX + 1))
    );
    assert_eq!(
        log.push(T0, UpdateKind::NewMessage, UPDATE_PAYLOAD_MAX_BYTES + 1, 1),
        Err(PushError::PayloadTooLarge(UPDATE_PAYLOAD_MAX_BYTES + 1))
    );
    assert_eq!(log.state(), SyncState::default(), "a rejected push changes nothing");
    assert_eq!(UpdateLog::new(0).unwrap_err(), LogConfigError::RetainedLimit(0));
    assert!(UpdateLog::new(RETAINED_UPDATES_MAX + 1).is_err());
}

#[test]
fn pts_overflow_is_an_error() {
    let mut log = UpdateLog::new(10).unwrap();
    log.state.pts = u32::MAX - 1;
    assert_eq!(
        log.push(T0, UpdateKind::NewMessage, 1, 2),
        Err(PushError::CounterOverflow(SyncBox::Common))
    );
    assert_eq!(log.retained_len(), 0);
}

#[test]
fn compaction_keeps_the_newest_retained_limit_updates() {
    let log = log_with(3, &[1, 1, 1, 1, 1]);
    assert_eq!(log.retained_len(), 3);
    assert_eq!(log.compacted_count(), 2);
    assert_eq!(
        log.updates().map(|update| update.position.end).collect::<Vec<_>>(),
        [3, 4, 5]
    );
    let history: Vec<u32> = log.history(100).iter().map(|update| update.position.end).collect();
    assert_eq!(history, [3, 4, 5]);
}

#[test]
fn history_is_the_newest_page_in_log_order() {
    let log = log_with(200, &[1; 150]);
    let seqs = |page: Vec<&Update>| page.iter().map(|update| update.seq).collect::<Vec<_>>();
    assert_eq!(seqs(log.history(2)), [149, 150]);
    let page = log.history(1_000);
    assert_eq!(
        page.len(),
        HISTORY_PAGE_MAX as usize,
        "capped at the documented maximum"
    );
    assert_eq!(page.first().map(|update| update.seq), Some(51));
    assert!(UpdateLog::new(1).unwrap().history(10).is_empty());
}

#[test]
fn difference_empty_when_up_to_date() {
    let log = log_with(10, &[1, 1]);
    assert_eq!(
        log.difference(&request(2, 0, 10, 100)),
        Ok(Difference::Empty { state: log.state() })
    );
}

#[test]
fn difference_full_returns_exactly_the_missing_updates() {
    let log = log_with(10, &[1, 2, 1]);
    let Ok(Difference::Full { updates, state }) = log.difference(&request(1, 0, 10, 100)) else {
        panic!("expected a full difference");
    };
    assert_eq!(ends(&updates), [3, 4]);
    assert_eq!(state, log.state());
}

#[test]
fn difference_slices_at_pts_limit_then_completes() {
    let log = log_with(10, &[1, 1, 1, 1, 1]);
    let Ok(Difference::Slice {
        updates,
        intermediate_state,
    }) = log.difference(&request(0, 0, 2, 100))
    else {
        panic!("expected a slice");
    };
    assert_eq!(ends(&updates), [1, 2]);
    assert_eq!(
        intermediate_state,
        SyncState {
            pts: 2,
            qts: 0,
            seq: 2,
            date: updates[1].date
        }
    );
    let Ok(Difference::Slice {
        updates,
        intermediate_state,
    }) = log.difference(&request(2, 0, 2, 100))
    else {
        panic!("expected a second slice");
    };
    assert_eq!(ends(&updates), [3, 4]);
    assert_eq!(intermediate_state.pts, 4);
    let Ok(Difference::Full { updates, .. }) = log.difference(&request(4, 0, 2, 100)) else {
        panic!("expected the final part");
    };
    assert_eq!(ends(&updates), [5]);
}

#[test]
fn difference_slices_at_the_byte_limit_but_always_carries_one_update() {
    let mut log = UpdateLog::new(100).unwrap();
    // 200 KiB payloads: two fit under DIFFERENCE_MAX_BYTES, a third does not.
    let big = 200 * 1024;
    for index in 0..5u64 {
        let now = T0 + std::time::Duration::from_secs(index);
        log.push(now, UpdateKind::NewMessage, big, 1).unwrap();
    }
    let Ok(Difference::Slice { updates, .. }) = log.difference(&request(0, 0, 1000, 100_000)) else {
        panic!("expected a slice cut by bytes");
    };
    assert_eq!(ends(&updates), [1, 2]);
    // One update larger than the limit still travels alone.
    let mut huge = UpdateLog::new(10).unwrap();
    huge.push(T0, UpdateKind::NewMessage, 600 * 1024, 1).unwrap();
    huge.push(T0, UpdateKind::NewMessage, 10, 1).unwrap();
    let Ok(Difference::Slice { updates, .. }) = huge.difference(&request(0, 0, 1000, 100_000)) else {
        panic!("expected a slice of one");
    };
    assert_eq!(ends(&updates), [1]);
}

#[test]
fn difference_skips_what_the_other_box_already_has() {
    let mut log = log_with(10, &[1]);
    log.push_secondary(T0, UpdateKind::SecondaryBoxEvent, 1).unwrap();
    log.push(T0, UpdateKind::NewMessage, 1, 1).unwrap();
    log.push_secondary(T0, UpdateKind::SecondaryBoxEvent, 1).unwrap();
    // The client has pts 2 (both common updates) but qts 0.
    let Ok(Difference::Full { updates, state }) = log.difference(&request(2, 0, 10, 100)) else {
        panic!("expected a full difference");
    };
    assert_eq!(updates.iter().map(|update| update.seq).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(
        state,
        SyncState {
            pts: 2,
            qts: 2,
            seq: 4,
            date: date_of(T0)
        }
    );
}

#[test]
fn slice_state_across_boxes_never_goes_below_the_request() {
    let mut log = log_with(10, &[1, 1]);
    log.push_secondary(T0, UpdateKind::SecondaryBoxEvent, 1).unwrap();
    log.push_secondary(T0, UpdateKind::SecondaryBoxEvent, 1).unwrap();
    let Ok(Difference::Slice {
        updates,
        intermediate_state,
    }) = log.difference(&request(2, 0, 1, 100))
    else {
        panic!("expected a slice");
    };
    assert_eq!(updates.iter().map(|update| update.seq).collect::<Vec<_>>(), [3]);
    assert_eq!((intermediate_state.pts, intermediate_state.qts), (2, 1));
}

#[test]
fn difference_too_long_beyond_pts_total_limit() {
    let log = log_with(10, &[1, 1, 1, 1]);
    assert_eq!(
        log.difference(&request(0, 0, 10, 3)),
        Ok(Difference::TooLong { pts: 4 })
    );
    assert!(matches!(
        log.difference(&request(1, 0, 10, 3)),
        Ok(Difference::Full { .. })
    ));
}

#[test]
fn difference_too_long_when_compacted_away() {
    let log = log_with(2, &[1, 1, 1, 1]);
    assert_eq!(
        log.difference(&request(1, 0, 10, 100)),
        Ok(Difference::TooLong { pts: 4 })
    );
    let Ok(Difference::Full { updates, .. }) = log.difference(&request(2, 0, 10, 100)) else {
        panic!("pts 2 is exactly the compacted floor and still servable");
    };
    assert_eq!(ends(&updates), [3, 4]);
}

#[test]
fn difference_rejects_requests_from_the_future_and_zero_limits() {
    let log = log_with(10, &[1]);
    assert_eq!(
        log.difference(&request(2, 0, 10, 100)),
        Err(DifferenceError::FromTheFuture {
            client_pts: 2,
            client_qts: 0,
            server_pts: 1,
            server_qts: 0
        })
    );
    assert!(matches!(
        log.difference(&request(0, 1, 10, 100)),
        Err(DifferenceError::FromTheFuture { .. })
    ));
    assert_eq!(log.difference(&request(0, 0, 0, 100)), Err(DifferenceError::ZeroLimit));
    assert_eq!(log.difference(&request(0, 0, 10, 0)), Err(DifferenceError::ZeroLimit));
}

#[test]
fn pts_limit_is_clamped() {
    let log = log_with(10, &[1, 1]);
    let Ok(Difference::Full { updates, .. }) = log.difference(&request(0, 0, u32::MAX, u32::MAX)) else {
        panic!("expected a full difference");
    };
    assert_eq!(updates.len(), 2);
}
