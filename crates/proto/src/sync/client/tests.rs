//! Unit tests of the client rules, each with exact outcomes.

use super::*;
use crate::sync::difference::Difference;
use crate::sync::event::{ApplyPath, FetchKind, FetchReason, SyncTotals};
use crate::sync::log::UpdateLog;
use crate::sync::update::{Position, SyncBox, UpdateBatch, UpdateKind};

const T0: Instant = Instant::SCENARIO_EPOCH;

fn ms(millis: u64) -> Instant {
    T0 + Duration::from_millis(millis)
}

// The update fills the `mutant` field of a `mutants` build.
#[allow(clippy::needless_update)]
fn config(pts_limit: u32) -> ClientConfig {
    ClientConfig {
        store_limit: 100,
        pts_limit,
        pts_total_limit: 1_000,
        ..ClientConfig::default()
    }
}

/// A connected client already in sync with `log` (its start-up fetches answered).
fn synced_client(log: &UpdateLog, pts_limit: u32) -> ClientSync {
    let mut client = ClientSync::new(config(pts_limit), Bootstrap::FullHistory).unwrap();
    client.on_connected(T0);
    assert!(
        matches!(serve(&mut client, log, T0), Some(SyncAction::GetState { .. })),
        "a fresh client starts with the state"
    );
    assert!(
        matches!(serve(&mut client, log, T0), Some(SyncAction::GetHistory { .. })),
        "then the history"
    );
    client
}

/// A history page of `log`, as the client gets it.
fn history(log: &UpdateLog, limit: u32) -> Vec<StoredUpdate> {
    log.history(limit).into_iter().map(StoredUpdate::from).collect()
}

/// Serve the client's pending action from `log`; returns what it was.
fn serve(client: &mut ClientSync, log: &UpdateLog, now: Instant) -> Option<SyncAction> {
    let action = client.poll_action()?;
    match &action {
        SyncAction::GetDifference { request_id, request } => {
            client
                .on_difference(now, *request_id, log.difference(request).unwrap())
                .unwrap();
        }
        SyncAction::GetState { request_id } => client.on_state(now, *request_id, log.state()),
        SyncAction::GetHistory { request_id, limit } => client.on_history(now, *request_id, history(log, *limit)),
    }
    Some(action)
}

fn events(client: &mut ClientSync) -> Vec<SyncEvent> {
    std::iter::from_fn(|| client.poll_event()).collect()
}

fn totals(client: &mut ClientSync) -> SyncTotals {
    let mut totals = SyncTotals::default();
    for event in events(client) {
        totals.record(&event);
    }
    totals
}

fn stored_seqs(client: &ClientSync) -> Vec<u32> {
    client.updates().map(|update| update.seq).collect()
}

/// Offer `update` in a seq-less container (`updateShort`): the pts rule alone.
fn unordered(client: &mut ClientSync, now: Instant, update: Update) -> Result<UpdateOutcome, SyncError> {
    client.on_batch(now, UpdateBatch::unordered(vec![update]))
}

fn push(log: &mut UpdateLog, now: Instant) -> Update {
    log.push(now, UpdateKind::NewMessage, 100, 1).unwrap()
}

#[test]
fn next_update_applies() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    events(&mut client);
    let update = push(&mut log, ms(0));
    assert_eq!(client.on_update(ms(30), update), Ok(UpdateOutcome::Applied));
    assert_eq!(client.state(), log.state());
    assert_eq!(stored_seqs(&client), [1]);
    let applied: Vec<_> = events(&mut client)
        .into_iter()
        .filter(|event| matches!(event, SyncEvent::Applied { .. }))
        .collect();
    assert_eq!(
        applied,
        [SyncEvent::Applied {
            seq: 1,
            payload_bytes: 100,
            created_at: ms(0),
            path: ApplyPath::Push
        }]
    );
}

#[test]
fn duplicate_is_ignored() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    let update = push(&mut log, ms(0));
    client.on_update(ms(1), update.clone()).unwrap();
    assert_eq!(client.on_update(ms(2), update), Ok(UpdateOutcome::Duplicate));
    assert_eq!(stored_seqs(&client), [1]);
    assert_eq!(totals(&mut client).old_batches_ignored, 1, "the seq rule sees it first");
}

#[test]
fn partial_overlap_counts_as_already_applied() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    unordered(&mut client, ms(1), push(&mut log, ms(0))).unwrap();
    // pts 2 with pts_count 2 covers pts 1 (already applied) and 2.
    let overlapping = Update {
        position: Position {
            sync_box: SyncBox::Common,
            end: 2,
            count: 2,
        },
        ..push(&mut log, ms(0))
    };
    assert_eq!(unordered(&mut client, ms(2), overlapping), Ok(UpdateOutcome::Duplicate));
}

/// Updates 3, 2, then 1 arrive within the gap wait — in their own seq'd
/// containers when `ordered`, seq-less otherwise — and all apply in order
/// without a fetch. Returns what the client counted.
fn gap_fills_in_time(ordered: bool) -> SyncTotals {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    events(&mut client);
    let first = push(&mut log, ms(0));
    let second = push(&mut log, ms(0));
    let third = push(&mut log, ms(0));
    let mut offer = |now, update| {
        if ordered {
            client.on_update(now, update)
        } else {
            unordered(&mut client, now, update)
        }
    };
    assert_eq!(offer(ms(10), third), Ok(UpdateOutcome::GapPending));
    assert_eq!(offer(ms(20), second), Ok(UpdateOutcome::GapPending));
    assert_eq!(offer(ms(400), first), Ok(UpdateOutcome::Applied));
    assert_eq!(stored_seqs(&client), [1, 2, 3]);
    assert_eq!(client.pending_len(), 0);
    assert_eq!(client.state().pts, 3);
    assert_eq!(
        client.poll_timeout(),
        Some(ms(400) + IDLE_DIFFERENCE_AFTER),
        "only the idle timer is left"
    );
    client.handle_timeout(ms(510));
    assert_eq!(client.poll_action(), None);
    totals(&mut client)
}

#[test]
fn gap_filled_in_time_applies_in_order_without_fetching() {
    let totals = gap_fills_in_time(false);
    assert_eq!((totals.gaps_detected, totals.seq_gaps_detected), (1, 0));
}

#[test]
fn gap_wait_runs_from_the_first_gap() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    push(&mut log, ms(0));
    let second = push(&mut log, ms(0));
    let third = push(&mut log, ms(0));
    unordered(&mut client, ms(10), third).unwrap();
    unordered(&mut client, ms(20), second.clone()).unwrap();
    assert_eq!(client.poll_timeout(), Some(ms(510)));
    client.on_update(ms(30), second).unwrap();
    assert_eq!(
        client.poll_timeout(),
        Some(ms(510)),
        "the earlier of the two waits comes first"
    );
}

#[test]
fn gap_not_filled_fetches_a_difference_after_the_wait() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    events(&mut client);
    push(&mut log, ms(0)); // lost
    let second = push(&mut log, ms(0));
    assert_eq!(unordered(&mut client, ms(10), second), Ok(UpdateOutcome::GapPending));
    client.handle_timeout(ms(509));
    assert_eq!(client.poll_action(), None, "not before 0.5 s");
    client.handle_timeout(ms(510));
    let Some(SyncAction::GetDifference { request, .. }) = serve(&mut client, &log, ms(600)) else {
        panic!("expected a difference request");
    };
    assert_eq!((request.pts, request.qts), (0, 0));
    assert_eq!(stored_seqs(&client), [1, 2]);
    assert_eq!(client.pending_len(), 0);
    let events = events(&mut client);
    assert!(events.contains(&SyncEvent::FetchSent {
        kind: FetchKind::Difference,
        reason: FetchReason::Gap,
        attempt: 1
    }));
    // The buffered copy of update 2 is discarded once the difference covered it.
    assert!(events.contains(&SyncEvent::Duplicate { seq: 2 }));
}

/// A synced client with `pts_limit` 2 that missed five updates while
/// offline and reconnected at `at`: slices, then the full difference.
fn reconnected_after_missing_five(at: Instant) -> (UpdateLog, ClientSync) {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 2);
    client.on_disconnected();
    for _ in 0..5 {
        push(&mut log, ms(0));
    }
    events(&mut client);
    client.on_connected(at);
    (log, client)
}

#[test]
fn slices_chain_until_the_full_difference() {
    let (log, mut client) = reconnected_after_missing_five(ms(100));
    let mut requests = 0;
    while serve(&mut client, &log, ms(200)).is_some() {
        requests += 1;
    }
    assert_eq!(requests, 3);
    assert_eq!(stored_seqs(&client), [1, 2, 3, 4, 5]);
    assert_eq!(client.state(), log.state());
    let totals = totals(&mut client);
    assert_eq!((totals.difference_calls, totals.difference_slices), (3, 2));
    assert_eq!(totals.updates_applied, 5);
}

#[test]
fn idle_for_15_minutes_fetches_a_difference() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    push(&mut log, ms(0)); // lost, and nothing follows it
    assert_eq!(client.poll_timeout(), Some(T0 + IDLE_DIFFERENCE_AFTER));
    client.handle_timeout((T0 + IDLE_DIFFERENCE_AFTER).saturating_sub(Duration::from_micros(1)));
    assert_eq!(client.poll_action(), None);
    client.handle_timeout(T0 + IDLE_DIFFERENCE_AFTER);
    assert!(matches!(
        serve(&mut client, &log, T0 + IDLE_DIFFERENCE_AFTER),
        Some(SyncAction::GetDifference { .. })
    ));
    assert_eq!(stored_seqs(&client), [1]);
}

#[test]
fn new_session_created_fetches_a_difference() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    push(&mut log, ms(0));
    client.on_new_session_created(ms(5));
    assert!(matches!(
        serve(&mut client, &log, ms(6)),
        Some(SyncAction::GetDifference { .. })
    ));
    assert_eq!(stored_seqs(&client), [1]);
}

#[test]
fn one_request_in_flight_retried_then_abandoned() {
    let log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    client.on_new_session_created(ms(0));
    let Some(SyncAction::GetDifference { request_id: first, .. }) = client.poll_action() else {
        panic!("expected a request");
    };
    client.on_new_session_created(ms(1));
    assert_eq!(client.poll_action(), None, "at most one request in flight");
    let mut now = ms(0);
    for attempt in 2..=FETCH_ATTEMPTS_MAX {
        now = now + FETCH_ANSWER_TIMEOUT;
        assert_eq!(client.poll_timeout(), Some(now));
        client.handle_timeout(now);
        let Some(SyncAction::GetDifference { request_id, .. }) = client.poll_action() else {
            panic!("attempt {attempt} expected");
        };
        assert_eq!(request_id, first + u64::from(attempt) - 1);
    }
    now = now + FETCH_ANSWER_TIMEOUT;
    client.handle_timeout(now);
    assert_eq!(client.poll_action(), None);
    assert_eq!(client.in_flight_request(), None);
    assert_eq!(
        client.poll_timeout(),
        Some(now + IDLE_DIFFERENCE_AFTER),
        "back off to the idle timer"
    );
    let events = events(&mut client);
    assert!(events.contains(&SyncEvent::FetchAbandoned {
        kind: FetchKind::Difference
    }));
    // A late answer to the first attempt is stale and ignored.
    client
        .on_difference(now, first, Difference::Empty { state: log.state() })
        .unwrap();
    assert_eq!(client.poll_event(), Some(SyncEvent::StaleAnswer { request_id: first }));
}

#[test]
fn disconnect_drops_the_request_and_reconnect_fetches() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    client.on_new_session_created(ms(0));
    let Some(SyncAction::GetDifference { request_id, .. }) = client.poll_action() else {
        panic!("expected a request");
    };
    client.on_disconnected();
    assert_eq!(client.poll_timeout(), None, "no timers while disconnected");
    client.on_new_session_created(ms(1));
    assert_eq!(client.poll_action(), None, "nothing is sent while disconnected");
    push(&mut log, ms(2));
    client.on_connected(ms(3));
    client
        .on_difference(
            ms(4),
            request_id,
            log.difference(&DifferenceRequest::from_state(SyncState::default(), 10, 10))
                .unwrap(),
        )
        .unwrap();
    assert!(stored_seqs(&client).is_empty(), "the pre-disconnect answer is stale");
    assert!(serve(&mut client, &log, ms(5)).is_some());
    assert_eq!(stored_seqs(&client), [1]);
}

#[test]
fn current_state_only_bootstrap_skips_history() {
    let mut log = UpdateLog::new(100).unwrap();
    push(&mut log, ms(0));
    let mut client = ClientSync::new(config(100), Bootstrap::CurrentStateOnly).unwrap();
    assert_eq!(client.poll_action(), None, "nothing before connecting");
    client.on_connected(ms(1));
    assert!(matches!(
        serve(&mut client, &log, ms(2)),
        Some(SyncAction::GetState { .. })
    ));
    assert_eq!(client.state(), log.state());
    assert_eq!(client.store_len(), 0);
    assert_eq!(
        client.on_update(ms(3), push(&mut log, ms(3))),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(stored_seqs(&client), [2]);
}

#[test]
fn secondary_box_follows_the_same_rule() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    let first = log.push_secondary(ms(0), UpdateKind::SecondaryBoxEvent, 10).unwrap();
    let common = push(&mut log, ms(0));
    let second = log.push_secondary(ms(0), UpdateKind::SecondaryBoxEvent, 10).unwrap();
    assert_eq!(unordered(&mut client, ms(1), second), Ok(UpdateOutcome::GapPending));
    assert_eq!(
        unordered(&mut client, ms(1), common),
        Ok(UpdateOutcome::Applied),
        "boxes are independent"
    );
    assert_eq!(unordered(&mut client, ms(2), first), Ok(UpdateOutcome::Applied));
    assert_eq!(stored_seqs(&client), [1, 2, 3]);
    assert_eq!(
        (client.state().pts, client.state().qts),
        (log.state().pts, log.state().qts)
    );
}

#[test]
fn wipe_empties_the_store_and_ignores_everything_after() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    client.on_update(ms(1), push(&mut log, ms(0))).unwrap();
    events(&mut client);
    client.wipe();
    assert_eq!(client.poll_event(), Some(SyncEvent::Wiped { updates_dropped: 1 }));
    assert!(client.is_wiped());
    assert_eq!(client.store_len(), 0);
    assert_eq!(client.state(), SyncState::default());
    assert_eq!(
        client.on_update(ms(2), push(&mut log, ms(2))),
        Ok(UpdateOutcome::Ignored)
    );
    client.on_connected(ms(3));
    client.handle_timeout(ms(3) + IDLE_DIFFERENCE_AFTER);
    assert_eq!(client.poll_action(), None);
    assert_eq!(client.poll_timeout(), None);
    assert_eq!(client.store_len(), 0);
}

#[test]
fn malformed_updates_are_errors_not_panics() {
    let log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    let mut update = Update {
        position: Position {
            sync_box: SyncBox::Common,
            end: 1,
            count: 0,
        },
        seq: 9,
        date: 0,
        created_at: T0,
        kind: UpdateKind::NewMessage,
        payload_bytes: 1,
    };
    assert_eq!(
        client.on_update(ms(1), update.clone()),
        Err(SyncError::MalformedUpdate {
            seq: 9,
            count: 0,
            end: 1
        })
    );
    update.position.count = 2;
    assert!(client.on_update(ms(1), update.clone()).is_err());
    assert!(client.on_batch(ms(1), UpdateBatch::unordered(vec![update])).is_err());
    let backwards = UpdateBatch {
        seq_start: 3,
        seq: 2,
        updates: Vec::new(),
    };
    assert_eq!(
        client.on_batch(ms(1), backwards),
        Err(SyncError::MalformedBatch { seq_start: 3, seq: 2 })
    );
    assert_eq!(client.state(), SyncState::default());
}

/// A synced client whose gap buffer — the seq one for `ordered` pushes,
/// the pts one for seq-less ones — just overflowed; and the `seq` of the
/// update that did not fit.
fn overflowed_gap_buffer(ordered: bool) -> (UpdateLog, ClientSync, u32) {
    let mut log = UpdateLog::new(10_000).unwrap();
    let mut client = synced_client(&log, 100);
    push(&mut log, ms(0)); // lost
    let capacity = if ordered {
        crate::sync::pending::PENDING_BATCHES_MAX
    } else {
        crate::sync::pending::PENDING_UPDATES_MAX
    };
    let offer = |client: &mut ClientSync, update| {
        if ordered {
            client.on_update(ms(1), update)
        } else {
            unordered(client, ms(1), update)
        }
    };
    for _ in 0..capacity {
        let update = push(&mut log, ms(0));
        assert_eq!(offer(&mut client, update), Ok(UpdateOutcome::GapPending));
    }
    assert_eq!(client.poll_action(), None);
    let overflowing = push(&mut log, ms(0));
    let seq = overflowing.seq;
    offer(&mut client, overflowing).unwrap();
    assert!(events(&mut client).contains(&SyncEvent::PendingOverflow { seq }));
    (log, client, seq)
}

#[test]
fn pending_overflow_stops_waiting_and_fetches() {
    let (log, mut client, _) = overflowed_gap_buffer(false);
    assert!(matches!(
        serve(&mut client, &log, ms(2)),
        Some(SyncAction::GetDifference { .. })
    ));
    // The 1,026-pts gap exceeds pts_total_limit (1,000): a full resync follows.
    assert!(matches!(
        serve(&mut client, &log, ms(3)),
        Some(SyncAction::GetState { .. })
    ));
    assert!(matches!(
        serve(&mut client, &log, ms(4)),
        Some(SyncAction::GetHistory { .. })
    ));
    assert_eq!(client.state(), log.state());
    assert_eq!(client.pending_len(), 0);
}

#[test]
fn bad_config_is_an_error() {
    let zero_store = ClientConfig {
        store_limit: 0,
        ..ClientConfig::default()
    };
    assert_eq!(
        ClientSync::new(zero_store, Bootstrap::FullHistory).unwrap_err(),
        ClientConfigError::StoreLimit(0)
    );
    let zero_limit = ClientConfig {
        pts_limit: 0,
        ..ClientConfig::default()
    };
    assert_eq!(
        ClientSync::new(zero_limit, Bootstrap::FullHistory).unwrap_err(),
        ClientConfigError::ZeroLimit
    );
}

#[test]
fn restore_starts_from_the_saved_state() {
    let mut log = UpdateLog::new(100).unwrap();
    let saved = push(&mut log, ms(0));
    push(&mut log, ms(0));
    let state = SyncState {
        pts: 1,
        qts: 0,
        seq: 1,
        date: saved.date,
    };
    let mut client = ClientSync::restore(config(100), state, [saved]).unwrap();
    client.on_connected(ms(1));
    assert!(matches!(
        serve(&mut client, &log, ms(2)),
        Some(SyncAction::GetDifference { .. })
    ));
    assert_eq!(stored_seqs(&client), [1, 2]);
}

#[test]
fn unpolled_events_are_bounded_and_counted() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    let update = push(&mut log, ms(0));
    client.on_update(ms(1), update.clone()).unwrap();
    events(&mut client);
    // Each duplicate emits one duplicate event: two too many.
    for _ in 0..EVENTS_MAX + 2 {
        client.on_update(ms(2), update.clone()).unwrap();
    }
    assert_eq!(events(&mut client).len(), EVENTS_MAX);
    assert_eq!(client.events_dropped(), 2);
    client.on_update(ms(3), update).unwrap();
    assert_eq!(events(&mut client).len(), 1, "polling frees room again");
}

#[test]
fn a_late_answer_to_an_earlier_attempt_completes_the_fetch() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    push(&mut log, ms(0));
    client.on_new_session_created(ms(0));
    let Some(SyncAction::GetDifference {
        request_id: first,
        request,
    }) = client.poll_action()
    else {
        panic!("expected a request");
    };
    client.handle_timeout(ms(0) + FETCH_ANSWER_TIMEOUT);
    let Some(SyncAction::GetDifference { request_id: second, .. }) = client.poll_action() else {
        panic!("expected a retry");
    };
    assert_eq!(second, first + 1);
    client
        .on_difference(ms(15_000), first, log.difference(&request).unwrap())
        .unwrap();
    assert_eq!(stored_seqs(&client), [1]);
    assert_eq!(client.in_flight_request(), None);
    // The retry's answer, arriving after, is now stale.
    client
        .on_difference(ms(16_000), second, log.difference(&request).unwrap())
        .unwrap();
    assert_eq!(
        events(&mut client).last(),
        Some(&SyncEvent::StaleAnswer { request_id: second })
    );
}

mod full_resync;
mod seq_rule;
