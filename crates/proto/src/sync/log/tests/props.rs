//! Property tests of the update log against a model: the full history of
//! pushes. For any client state (each box at any prefix of the history),
//! chaining difference answers yields exactly the updates the client lacks,
//! in log order, or `TooLong` exactly when the model says it must.

use proptest::prelude::*;

use super::super::*;

#[derive(Clone, Debug)]
struct Push {
    secondary: bool,
    pts_count: u32,
}

fn pushes() -> impl Strategy<Value = Vec<Push>> {
    prop::collection::vec(
        (any::<bool>(), 1u32..5).prop_map(|(secondary, pts_count)| Push { secondary, pts_count }),
        0..120,
    )
}

/// Counters after the first `prefix` updates of `history`.
fn counters_after(history: &[Update], prefix: usize) -> (u32, u32) {
    let mut counters = (0, 0);
    for update in history.iter().take(prefix) {
        match update.position.sync_box {
            SyncBox::Common => counters.0 = update.position.end,
            SyncBox::Secondary => counters.1 = update.position.end,
        }
    }
    counters
}

proptest! {
    #[test]
    fn chained_differences_return_exactly_the_missing_updates(
        pushes in pushes(),
        retained_limit in 1usize..150,
        pts_prefix in 0usize..=120,
        qts_prefix in 0usize..=120,
        pts_limit in 1u32..30,
        pts_total_limit in 1u32..400,
    ) {
        let mut log = UpdateLog::new(retained_limit).unwrap();
        let mut history = Vec::new();
        for push in &pushes {
            let now = Instant::SCENARIO_EPOCH;
            let update = if push.secondary {
                log.push_secondary(now, UpdateKind::SecondaryBoxEvent, 1)
            } else {
                log.push(now, UpdateKind::NewMessage, 1, push.pts_count)
            };
            history.push(update.unwrap());
        }
        let (pts, _) = counters_after(&history, pts_prefix.min(history.len()));
        let (_, qts) = counters_after(&history, qts_prefix.min(history.len()));
        let dropped = history.len().saturating_sub(retained_limit);
        let (floor_pts, floor_qts) = counters_after(&history, dropped);
        let server = log.state();
        let too_long = server.pts - pts > pts_total_limit || pts < floor_pts || qts < floor_qts;

        let mut request = DifferenceRequest { pts, qts, date: 0, pts_limit, pts_total_limit };
        let mut received = Vec::new();
        for _ in 0..=history.len() {
            match log.difference(&request).unwrap() {
                Difference::TooLong { pts } => {
                    prop_assert!(too_long && received.is_empty());
                    prop_assert_eq!(pts, server.pts);
                    return Ok(());
                }
                Difference::Full { updates, state } => {
                    prop_assert_eq!(state, server);
                    received.extend(updates);
                    break;
                }
                Difference::Empty { state } => {
                    // A slice that reaches the end is answered as `Full`, so `Empty` comes only first.
                    prop_assert!(received.is_empty());
                    prop_assert_eq!(state, server);
                    break;
                }
                Difference::Slice { updates, intermediate_state } => {
                    prop_assert_eq!(updates.len(), pts_limit as usize);
                    prop_assert!(intermediate_state.pts >= request.pts && intermediate_state.qts >= request.qts);
                    received.extend(updates);
                    request.pts = intermediate_state.pts;
                    request.qts = intermediate_state.qts;
                }
            }
        }
        prop_assert!(!too_long);
        let expected: Vec<Update> = history
            .iter()
            .filter(|update| match update.position.sync_box {
                SyncBox::Common => update.position.end > pts,
                SyncBox::Secondary => update.position.end > qts,
            })
            .cloned()
            .collect();
        prop_assert_eq!(received, expected);
    }
}
