//! The seq rule for pushed containers, each test failing without it.

use super::*;

fn batch(seq_start: u32, seq: u32, updates: Vec<Update>) -> UpdateBatch {
    UpdateBatch {
        seq_start,
        seq,
        updates,
    }
}

fn fetch_reasons(events: &[SyncEvent]) -> Vec<FetchReason> {
    events
        .iter()
        .filter_map(|event| match event {
            SyncEvent::FetchSent { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect()
}

#[test]
fn a_container_beyond_a_seq_gap_waits_even_when_its_pts_fits() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    events(&mut client);
    // Container seq 1 (say, with no log update) was lost; seq 2 carries pts 1.
    let update = push(&mut log, ms(0));
    assert_eq!(
        client.on_batch(ms(10), batch(2, 2, vec![update])),
        Ok(UpdateOutcome::GapPending)
    );
    assert_eq!(client.state().pts, 0, "held, not applied by the pts rule");
    assert_eq!(client.pending_len(), 1);
    client.handle_timeout(ms(509));
    assert_eq!(client.poll_action(), None, "not before 0.5 s");
    client.handle_timeout(ms(510));
    assert!(matches!(
        serve(&mut client, &log, ms(600)),
        Some(SyncAction::GetDifference { .. })
    ));
    assert_eq!(stored_seqs(&client), [1]);
    let events = events(&mut client);
    assert!(events.contains(&SyncEvent::SeqGapDetected { local: 0, seq_start: 2 }));
    assert_eq!(fetch_reasons(&events), [FetchReason::SeqGap]);
    let mut totals = SyncTotals::default();
    events.iter().for_each(|event| totals.record(event));
    assert_eq!((totals.seq_gaps_detected, totals.gaps_detected), (1, 0));
}

#[test]
fn a_container_at_or_below_the_local_seq_is_ignored() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    assert_eq!(
        client.on_update(ms(1), push(&mut log, ms(0))),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(client.state().seq, 1);
    events(&mut client);
    // A replayed container seq 1 now carrying the next pts: already applied by seq.
    let next = push(&mut log, ms(0));
    assert_eq!(
        client.on_batch(ms(2), batch(1, 1, vec![next])),
        Ok(UpdateOutcome::Duplicate)
    );
    assert_eq!(client.state().pts, 1, "nothing inside was applied");
    assert_eq!(events(&mut client), [SyncEvent::OldBatchIgnored { seq: 1, updates: 1 }]);
}

#[test]
fn containers_out_of_order_apply_in_seq_order_within_the_wait() {
    let totals = gap_fills_in_time(true);
    assert_eq!((totals.seq_gaps_detected, totals.gaps_detected), (1, 0));
    assert_eq!(totals.updates_applied, 3);
}

#[test]
fn a_held_container_covered_by_the_difference_is_dropped() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    events(&mut client);
    push(&mut log, ms(0)); // lost
    let second = push(&mut log, ms(0));
    client.on_update(ms(10), second).unwrap();
    client.handle_timeout(ms(510));
    serve(&mut client, &log, ms(600));
    assert_eq!(client.state(), log.state());
    assert_eq!(client.pending_len(), 0);
    let totals_seen = events(&mut client);
    assert!(totals_seen.contains(&SyncEvent::OldBatchIgnored { seq: 2, updates: 1 }));
    assert_eq!(
        totals_seen
            .iter()
            .filter(|event| matches!(event, SyncEvent::Applied { .. }))
            .count(),
        2,
        "each once"
    );
}

#[test]
fn seq_zero_skips_the_seq_check() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    push(&mut log, ms(0));
    let second = push(&mut log, ms(0));
    let mut first_again = log.updates().next().cloned().unwrap();
    first_again.seq = 1;
    assert_eq!(
        client.on_batch(ms(1), UpdateBatch::unordered(vec![first_again])),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(client.state().seq, 0, "an unordered container leaves seq alone");
    assert_eq!(
        client.on_batch(ms(2), UpdateBatch::unordered(vec![second])),
        Ok(UpdateOutcome::Applied)
    );
    assert_eq!(client.state().pts, 2);
}

#[test]
fn a_combined_container_covers_seq_start_to_seq() {
    let mut log = UpdateLog::new(100).unwrap();
    let mut client = synced_client(&log, 100);
    let updates: Vec<Update> = (0..3).map(|_| push(&mut log, ms(0))).collect();
    assert_eq!(client.on_batch(ms(1), batch(1, 3, updates)), Ok(UpdateOutcome::Applied));
    assert_eq!(client.state(), log.state());
    assert_eq!(
        client.on_batch(ms(2), batch(4, 4, Vec::new())),
        Ok(UpdateOutcome::Applied),
        "a container of no log update still advances seq"
    );
    assert_eq!(client.state().seq, 4);
    assert_eq!(
        client.on_batch(ms(3), batch(3, 4, Vec::new())),
        Ok(UpdateOutcome::Duplicate)
    );
}

#[test]
fn the_seq_buffer_is_bounded() {
    let (_, mut client, _) = overflowed_gap_buffer(true);
    assert!(matches!(client.poll_action(), Some(SyncAction::GetDifference { .. })));
}
