//! The values the sync layer exchanges: an [`Update`] (one event of an
//! account's update log, with its position in a box and its batch `seq`)
//! and a [`SyncState`] (what `updates.getState` answers and what a client
//! remembers between runs).
//!
//! Two boxes, as in Telegram: the common box counted by `pts` (an update may
//! advance it by `pts_count >= 1`) and a secondary box counted by `qts`
//! (always by one). `seq` numbers every batch the server sends; here a batch
//! holds exactly one update, so `seq` is also the update's global position in
//! the log and the order in which stores keep updates. An [`UpdateBatch`] is
//! what one pushed `updates`/`updatesCombined` container carries: its
//! updates and the `seq_start..=seq` it covers (0 for a container without
//! seq, such as `updateShort`).

use crate::time::Instant;

/// What an update is about. The sync layer treats every kind alike; the kind
/// exists so that metrics and the simulator can tell traffic apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UpdateKind {
    /// A new chat message (Telegram's `updateNewMessage`).
    NewMessage,
    /// An edited message (`updateEditMessage`).
    EditMessage,
    /// Deleted messages (`updateDeleteMessages`; may take several pts).
    DeleteMessages,
    /// A read receipt (`updateReadHistoryInbox`/`Outbox`).
    ReadReceipt,
    /// The account's session list changed.
    AuthorizationListChanged,
    /// A new login on the account (`updateNewAuthorization`).
    NewAuthorization,
    /// An account setting changed.
    SettingsChanged,
    /// A secondary-box (`qts`) event, e.g. an encrypted-chat message.
    SecondaryBoxEvent,
}

/// Which counter an update advances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SyncBox {
    /// The common box: `pts`.
    Common,
    /// The secondary box: `qts`.
    Secondary,
}

/// Where an update sits in its box: the counter *after* it and how far it
/// advanced the counter (the update covers `end - count + 1 ..= end`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The box whose counter the update advances.
    pub sync_box: SyncBox,
    /// `pts` or `qts` after this update.
    pub end: u32,
    /// `pts_count`, or 1 for the secondary box. Never zero for a valid update.
    pub count: u32,
}

impl Position {
    /// The counter value a client must hold for this update to apply next.
    /// `None` when the position is malformed (`count > end`).
    pub fn start(self) -> Option<u32> {
        self.end.checked_sub(self.count)
    }
}

/// One event of an account's update log, as pushed to online sessions and
/// returned in differences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    /// Where the update sits in its box.
    pub position: Position,
    /// The batch number; strictly increasing along the server's log.
    pub seq: u32,
    /// Unix seconds at which the server created the update (TL `date`).
    pub date: u32,
    /// Exact creation time, kept for the apply-latency metric only (on the
    /// wire in the message text's header, see `sync::wire`).
    pub created_at: Instant,
    /// What the update is about.
    pub kind: UpdateKind,
    /// Size of the update's content (message text, receipt, ...), not of its framing.
    pub payload_bytes: u32,
}

impl Update {
    /// `pts` when the update belongs to the common box.
    pub fn pts(&self) -> Option<u32> {
        (self.position.sync_box == SyncBox::Common).then_some(self.position.end)
    }

    /// `qts` when the update belongs to the secondary box.
    pub fn qts(&self) -> Option<u32> {
        (self.position.sync_box == SyncBox::Secondary).then_some(self.position.end)
    }
}

/// The updates of one pushed container and the `seq` range it covers
/// (`updates`: `seq_start == seq`; `updatesCombined`: `seq_start <= seq`;
/// `seq == 0`: unordered, the pts rule alone applies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateBatch {
    /// The `seq` of the container's first batch (`seq` itself for `updates`).
    pub seq_start: u32,
    /// The `seq` after the container; 0 when the container has none.
    pub seq: u32,
    /// The log updates inside, in order (possibly none: a container of
    /// updates that are not part of the log still advances `seq`).
    pub updates: Vec<Update>,
}

impl UpdateBatch {
    /// The one-update `updates` container the server pushes for `update`
    /// (its `seq` is the batch's).
    pub fn single(update: Update) -> UpdateBatch {
        UpdateBatch {
            seq_start: update.seq,
            seq: update.seq,
            updates: vec![update],
        }
    }

    /// A container without seq (`updateShort`): only the pts rule applies.
    pub fn unordered(updates: Vec<Update>) -> UpdateBatch {
        UpdateBatch {
            seq_start: 0,
            seq: 0,
            updates,
        }
    }

    /// Whether the container takes part in the seq rule.
    pub fn is_ordered(&self) -> bool {
        self.seq != 0
    }
}

/// The counters of an update log (TL `updates.state` without `unread_count`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SyncState {
    /// The common-box counter: the `pts` of the latest common-box update.
    pub pts: u32,
    /// The secondary-box counter: the `qts` of the latest secondary-box update.
    pub qts: u32,
    /// The `seq` of the latest batch (here: of the latest update).
    pub seq: u32,
    /// Unix seconds of the latest update (or of the state's creation).
    pub date: u32,
}

impl SyncState {
    /// The counter of one box.
    pub fn counter(&self, sync_box: SyncBox) -> u32 {
        match sync_box {
            SyncBox::Common => self.pts,
            SyncBox::Secondary => self.qts,
        }
    }

    /// Mutable access to the counter of one box.
    pub fn counter_mut(&mut self, sync_box: SyncBox) -> &mut u32 {
        match sync_box {
            SyncBox::Common => &mut self.pts,
            SyncBox::Secondary => &mut self.qts,
        }
    }

    /// Each field the larger of `self` and `other`: the state after learning
    /// `other` without ever moving a counter backwards.
    pub fn max_with(self, other: SyncState) -> SyncState {
        SyncState {
            pts: self.pts.max(other.pts),
            qts: self.qts.max(other.qts),
            seq: self.seq.max(other.seq),
            date: self.date.max(other.date),
        }
    }
}

/// Unix seconds of `now` as a TL `date` (saturating in the year 2106).
pub(crate) fn date_of(now: Instant) -> u32 {
    u32::try_from(now.unix_seconds()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_start_is_end_minus_count() {
        let position = Position {
            sync_box: SyncBox::Common,
            end: 10,
            count: 3,
        };
        assert_eq!(position.start(), Some(7));
        let malformed = Position {
            sync_box: SyncBox::Common,
            end: 2,
            count: 3,
        };
        assert_eq!(malformed.start(), None);
    }

    #[test]
    fn max_with_never_moves_backwards() {
        let a = SyncState {
            pts: 5,
            qts: 9,
            seq: 1,
            date: 100,
        };
        let b = SyncState {
            pts: 7,
            qts: 2,
            seq: 3,
            date: 50,
        };
        assert_eq!(
            a.max_with(b),
            SyncState {
                pts: 7,
                qts: 9,
                seq: 3,
                date: 100
            }
        );
    }

    #[test]
    fn box_accessors() {
        let mut state = SyncState::default();
        *state.counter_mut(SyncBox::Secondary) = 4;
        assert_eq!(state.counter(SyncBox::Secondary), 4);
        assert_eq!(state.counter(SyncBox::Common), 0);
        assert_eq!(date_of(Instant::from_unix_seconds(42)), 42);
    }
}
