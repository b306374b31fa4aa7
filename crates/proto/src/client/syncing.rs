//! Driving the sync state machine: its actions become requests on the home
//! DC (`updates.getState`, `updates.getDifference`, and `messages.getHistory`
//! of the account's own chat for the history reload of a full resync)
//! tagged with its request ids, and its accounting events are passed on.

use super::event::ClientEvent;
use super::Client;
use crate::sync::SyncAction;
use crate::time::Instant;
use crate::wire::api::{ApiCall, GetDifference, GetHistory, GetState};

/// A counter for the wire, where TL has signed 32-bit ints.
fn wire_int(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// The API call for a sync action, and the sync's id for it.
fn call_for(action: SyncAction) -> (ApiCall, u64) {
    match action {
        SyncAction::GetState { request_id } => (ApiCall::GetState(GetState), request_id),
        SyncAction::GetHistory { request_id, limit } => {
            // The newest `limit` messages; hash 0: the store was given up.
            let call = ApiCall::GetHistory(GetHistory {
                limit: wire_int(limit),
                ..GetHistory::default()
            });
            (call, request_id)
        }
        SyncAction::GetDifference { request_id, request } => {
            let call = ApiCall::GetDifference(GetDifference {
                pts: wire_int(request.pts),
                pts_limit: Some(wire_int(request.pts_limit)),
                pts_total_limit: Some(wire_int(request.pts_total_limit)),
                date: wire_int(request.date),
                qts: wire_int(request.qts),
                qts_limit: None,
            });
            (call, request_id)
        }
    }
}

impl Client {
    /// Send what the sync state machine asks for and pass its events on.
    pub(super) fn drive_sync(&mut self, now: Instant) {
        let Some(sync) = self.sync.as_mut() else {
            return;
        };
        let action = sync.poll_action();
        let mut events = Vec::new();
        while let Some(event) = sync.poll_event() {
            events.push(event);
        }
        for event in events {
            self.emit(ClientEvent::Sync(event));
        }
        if let Some(action) = action {
            let (call, request_id) = call_for(action);
            let home = self.config.home_dc;
            // If the request cannot be queued, the sync's answer timeout
            // retries it: nothing is lost but time.
            let _ = self.submit(now, home, call, Some(request_id));
        }
    }
}
