//! The full resync through public methods: after `differenceTooLong` (and
//! at start-up) the client takes the named pts, refetches the state, then
//! reloads one history page, counting every update once.

use super::*;

/// A client that applied update 1, then missed 2..=6 of a log retaining 3,
/// reconnected: its difference request is out.
fn reconnected_too_far_behind() -> (UpdateLog, ClientSync) {
    let mut log = UpdateLog::new(3).unwrap();
    let mut client = synced_client(&log, 100);
    client.on_update(ms(1), push(&mut log, ms(0))).unwrap();
    client.on_disconnected();
    for _ in 0..5 {
        push(&mut log, ms(0));
    }
    events(&mut client);
    client.on_connected(ms(100));
    (log, client)
}

#[test]
fn too_long_takes_the_pts_then_refetches_state_then_history() {
    let (log, mut client) = reconnected_too_far_behind();
    let Some(SyncAction::GetDifference { request_id, .. }) = client.poll_action() else {
        panic!("expected a difference request");
    };
    client
        .on_difference(ms(200), request_id, Difference::TooLong { pts: 6 })
        .unwrap();
    assert_eq!(
        client.state().pts,
        6,
        "the client takes the pts differenceTooLong names"
    );
    assert!(matches!(
        serve(&mut client, &log, ms(300)),
        Some(SyncAction::GetState { .. })
    ));
    assert!(matches!(
        serve(&mut client, &log, ms(400)),
        Some(SyncAction::GetHistory { limit: 100, .. })
    ));
    assert_eq!(client.poll_action(), None);
    let fetches: Vec<_> = events(&mut client)
        .into_iter()
        .filter_map(|event| match event {
            SyncEvent::FetchSent { kind, reason, .. } => Some((kind, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(
        fetches,
        [
            (FetchKind::Difference, FetchReason::Connected),
            (FetchKind::State, FetchReason::TooLong),
            (FetchKind::History, FetchReason::TooLong)
        ]
    );
    assert_eq!(
        stored_seqs(&client),
        [4, 5, 6],
        "the store is exactly what the server retains"
    );
    assert_eq!(client.state(), log.state());
    assert_eq!(client.full_resyncs(), 2, "start-up and this one");
}

#[test]
fn too_long_recovery_counts_each_reloaded_update_once() {
    let (log, mut client) = reconnected_too_far_behind();
    while serve(&mut client, &log, ms(200)).is_some() {}
    assert_eq!(stored_seqs(&client), [4, 5, 6]);
    let totals = totals(&mut client);
    assert_eq!((totals.difference_too_long, totals.full_resyncs), (1, 1));
    assert_eq!(totals.updates_applied, 3, "updates 2 and 3 were never delivered");
}

/// A synced client told `differenceTooLong` after a new session: its
/// state is refetched, the history page is yet to be asked for.
fn state_refetched_after_too_long() -> (UpdateLog, ClientSync) {
    let log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    events(&mut client);
    client.on_new_session_created(ms(0));
    let Some(SyncAction::GetDifference { request_id, .. }) = client.poll_action() else {
        panic!("expected a difference request");
    };
    client
        .on_difference(ms(1), request_id, Difference::TooLong { pts: 0 })
        .unwrap();
    assert!(matches!(
        serve(&mut client, &log, ms(2)),
        Some(SyncAction::GetState { .. })
    ));
    (log, client)
}

#[test]
fn history_newer_than_the_refetched_state_is_counted_when_the_pts_rule_applies_it() {
    let (mut log, mut client) = state_refetched_after_too_long();
    // An update happens between the state and the history answers.
    let update = push(&mut log, ms(3));
    assert!(matches!(
        serve(&mut client, &log, ms(4)),
        Some(SyncAction::GetHistory { .. })
    ));
    assert_eq!(stored_seqs(&client), [1], "the page holds it");
    assert_eq!(
        totals(&mut client).updates_applied,
        0,
        "but the state does not cover it yet"
    );
    assert_eq!(client.on_update(ms(5), update), Ok(UpdateOutcome::Applied));
    assert_eq!(totals(&mut client).updates_applied, 1);
    assert_eq!(client.state(), log.state());
}

#[test]
fn updates_before_the_first_state_wait_for_it() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = ClientSync::new(config(100), Bootstrap::FullHistory).unwrap();
    client.on_connected(ms(0));
    let Some(SyncAction::GetState { request_id }) = client.poll_action() else {
        panic!("expected a state fetch");
    };
    let state = log.state();
    let update = push(&mut log, ms(1));
    assert_eq!(client.on_update(ms(2), update), Ok(UpdateOutcome::GapPending));
    client.on_state(ms(3), request_id, state);
    let Some(SyncAction::GetHistory { request_id, .. }) = client.poll_action() else {
        panic!("expected a history fetch");
    };
    client.on_history(ms(4), request_id, Vec::new());
    assert_eq!(stored_seqs(&client), [1]);
    assert_eq!(client.state(), log.state());
}

#[test]
fn history_ahead_of_the_state_asks_for_the_difference_when_no_push_follows() {
    // As above, but the push of the update is lost: the page alone shows
    // it, so the client asks for the difference at once (HistoryAhead).
    let (mut log, mut client) = state_refetched_after_too_long();
    push(&mut log, ms(3));
    events(&mut client);
    assert!(matches!(
        serve(&mut client, &log, ms(4)),
        Some(SyncAction::GetHistory { .. })
    ));
    let reasons: Vec<FetchReason> = events(&mut client)
        .into_iter()
        .filter_map(|event| match event {
            SyncEvent::FetchSent { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, [FetchReason::HistoryAhead]);
    assert!(matches!(
        serve(&mut client, &log, ms(5)),
        Some(SyncAction::GetDifference { .. })
    ));
    while serve(&mut client, &log, ms(6)).is_some() {}
    assert_eq!(client.state(), log.state());
    assert_eq!(stored_seqs(&client), [1]);
    assert_eq!(totals(&mut client).updates_applied, 1, "counted once");
}

#[test]
fn a_connection_is_caught_up_once_nothing_is_left_to_fetch() {
    // Five updates missed with a pts_limit of 2: two slices, then the
    // final difference; only then, once, CaughtUp.
    let (mut log, mut client) = reconnected_after_missing_five(ms(10));
    let mut caught_up_after = Vec::new();
    let mut answers = 0;
    while serve(&mut client, &log, ms(20)).is_some() {
        answers += 1;
        let caught = events(&mut client)
            .into_iter()
            .filter(|event| *event == SyncEvent::CaughtUp)
            .count();
        caught_up_after.push(caught);
    }
    assert_eq!(client.state(), log.state());
    assert!(answers >= 3, "two slices, then the rest: {caught_up_after:?}");
    assert_eq!(caught_up_after.iter().sum::<usize>(), 1, "{caught_up_after:?}");
    assert_eq!(caught_up_after.last(), Some(&1), "only after the last answer");
    // A push while connected does not report it again.
    client.on_update(ms(30), push(&mut log, ms(29))).unwrap();
    assert!(!events(&mut client).contains(&SyncEvent::CaughtUp));
}
