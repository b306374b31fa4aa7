//! `updates.getDifference`: the request a client sends after a gap, at
//! start-up, on reconnect, on `new_session_created` and when idle, and the
//! four answers a server can give.

use super::update::{SyncState, Update};

/// The largest `pts_limit` a server honours; larger requests are clamped so
/// that one answer stays bounded whatever the client asks for.
pub(crate) const PTS_LIMIT_MAX: u32 = 100_000;

/// What the client knows (its state) and how much it is willing to receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DifferenceRequest {
    /// The client's `pts`: the common box up to here is applied.
    pub pts: u32,
    /// The client's `qts`: the secondary box up to here is applied.
    pub qts: u32,
    /// Unix seconds of the client's state; carried for fidelity with the TL
    /// request, the log itself orders by counters.
    pub date: u32,
    /// At most this many updates per answer; more come as a [`Difference::Slice`].
    pub pts_limit: u32,
    /// A `pts` gap larger than this is answered [`Difference::TooLong`].
    pub pts_total_limit: u32,
}

impl DifferenceRequest {
    /// A request from `state` with the given limits.
    pub fn from_state(state: SyncState, pts_limit: u32, pts_total_limit: u32) -> DifferenceRequest {
        DifferenceRequest {
            pts: state.pts,
            qts: state.qts,
            date: state.date,
            pts_limit,
            pts_total_limit,
        }
    }
}

/// The answer to a [`DifferenceRequest`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// Nothing new (`updates.differenceEmpty`).
    Empty {
        /// The server's current state.
        state: SyncState,
    },
    /// Every missing update and the final state (`updates.difference`).
    Full {
        /// The missing updates, in log order.
        updates: Vec<Update>,
        /// The server's state after them.
        state: SyncState,
    },
    /// The first missing updates and the state after them
    /// (`updates.differenceSlice`): the client must ask again from there.
    Slice {
        /// The first missing updates, in log order (at most `pts_limit`).
        updates: Vec<Update>,
        /// The state right after them: where the next request starts.
        intermediate_state: SyncState,
    },
    /// The gap cannot be served incrementally (`updates.differenceTooLong`):
    /// the client sets its `pts` to this one, refetches the state and
    /// reloads its history (a full resync).
    TooLong {
        /// The server's current `pts`.
        pts: u32,
    },
}

impl Difference {
    /// The updates carried, in log order (empty for `Empty` and `TooLong`).
    pub fn updates(&self) -> &[Update] {
        match self {
            Difference::Full { updates, .. } | Difference::Slice { updates, .. } => updates,
            Difference::Empty { .. } | Difference::TooLong { .. } => &[],
        }
    }

    /// The state the answer leads to, if it names a full one.
    pub fn state(&self) -> Option<SyncState> {
        match self {
            Difference::Empty { state } | Difference::Full { state, .. } => Some(*state),
            Difference::Slice { intermediate_state, .. } => Some(*intermediate_state),
            Difference::TooLong { .. } => None,
        }
    }
}
