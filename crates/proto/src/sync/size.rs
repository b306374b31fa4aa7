//! The one place that estimates how many bytes a sync message takes on the
//! wire. The TL encoding of these messages comes later; until then every
//! size is a documented per-message overhead plus the payload, and this
//! module is what gets replaced by the real encoded lengths.
//!
//! Overheads follow the MTProto 2.0 packet and Telegram's TL schema:
//! - transport: `auth_key_id` (8) + `msg_key` (16) + salt, session_id,
//!   msg_id (8 each) + seq_no, length (4 each) + padding (12..=1024, about 20
//!   on average for small bodies) = 76 bytes per packet;
//! - an RPC answer adds `rpc_result` (constructor 4 + req_msg_id 8);
//! - an update inside a batch: `updateNewMessage` with its `message`
//!   (constructor 4, flags and flags2 8, id 4, `peerUser` 12, date 4) and
//!   pts, pts_count (8) = 44, plus the text's 20-character header
//!   (`sync::wire`) = 64; the text's length prefix and padding (1..=7) are
//!   not counted;
//! - a pushed batch (`updates`): constructor 4 + three vectors (8 each) + date 4 + seq 4;
//! - a history message (`messages.getHistory`): `message` without the
//!   update around it (constructor 4, flags and flags2 8, id 4, `peerUser`
//!   12, date 4) = 32, plus the 20-character header = 52; the request is
//!   `messages.getHistory` with `inputPeerSelf` and six ints and a long;
//!   the answer `messages.messages` (constructor and four vectors) or
//!   `messages.messagesSlice` (flags and count too).

use super::difference::Difference;
use super::list_hash::ListAnswer;
use super::store::StoredUpdate;
use super::update::Update;

/// Bytes every encrypted packet costs beyond its body (see the module docs).
pub(crate) const PACKET_OVERHEAD_BYTES: u64 = 76;
/// `rpc_result` wrapper around every answer.
pub(crate) const RPC_RESULT_BYTES: u64 = 12;
/// Framing of one update inside a batch or a difference.
pub(crate) const UPDATE_FRAMING_BYTES: u64 = 64;
/// `updates` batch framing for a push.
pub(crate) const PUSH_BATCH_BYTES: u64 = 36;
/// `updates.getDifference` with pts, pts_limit, pts_total_limit, date, qts and flags.
pub(crate) const DIFFERENCE_REQUEST_BYTES: u64 = 28;
/// `updates.difference`/`differenceSlice` framing: constructor, five vectors, a state.
pub(crate) const DIFFERENCE_FRAMING_BYTES: u64 = 68;
/// `updates.differenceEmpty`: constructor, date, seq.
pub(crate) const DIFFERENCE_EMPTY_BYTES: u64 = 12;
/// `updates.differenceTooLong`: constructor, pts.
pub(crate) const DIFFERENCE_TOO_LONG_BYTES: u64 = 8;
/// `updates.getState` (constructor only) and `updates.state` (constructor + 5 ints).
pub(crate) const STATE_REQUEST_BYTES: u64 = 4;
pub(crate) const STATE_ANSWER_BYTES: u64 = 24;
/// `messages.getHistory`: constructor, `inputPeerSelf`, six ints, the hash.
pub(crate) const HISTORY_REQUEST_BYTES: u64 = 40;
/// `messages.messagesSlice` framing: constructor, flags, count, four vectors.
pub(crate) const HISTORY_FRAMING_BYTES: u64 = 44;
/// Framing of one message inside a history answer.
pub(crate) const HISTORY_MESSAGE_FRAMING_BYTES: u64 = 52;
/// A list fetch carries its constructor and the client's 64-bit hash.
pub(crate) const LIST_REQUEST_BYTES: u64 = 12;
/// A `*NotModified` answer is a bare constructor.
pub(crate) const NOT_MODIFIED_BYTES: u64 = 4;
/// Framing of a full list answer: constructor, hash, vector header.
pub(crate) const LIST_FRAMING_BYTES: u64 = 20;

/// A sync message whose size is to be estimated.
#[derive(Clone, Copy, Debug)]
pub enum SyncMessage<'a> {
    PushedUpdate(&'a Update),
    PushedBatch(&'a [Update]),
    DifferenceRequest,
    DifferenceAnswer(&'a Difference),
    StateRequest,
    StateAnswer,
    HistoryRequest,
    HistoryAnswer(&'a [StoredUpdate]),
    ListRequest,
    ListAnswer(&'a ListAnswer),
}

/// The estimated size of `message` on the wire, in bytes, packet included.
pub(crate) fn wire_bytes(message: SyncMessage<'_>) -> u64 {
    let body = match message {
        SyncMessage::PushedUpdate(update) => PUSH_BATCH_BYTES + update_bytes(update),
        SyncMessage::DifferenceRequest => DIFFERENCE_REQUEST_BYTES,
        SyncMessage::DifferenceAnswer(difference) => RPC_RESULT_BYTES + difference_bytes(difference),
        SyncMessage::StateRequest => STATE_REQUEST_BYTES,
        SyncMessage::StateAnswer => RPC_RESULT_BYTES + STATE_ANSWER_BYTES,
        SyncMessage::PushedBatch(updates) => PUSH_BATCH_BYTES + updates.iter().map(update_bytes).sum::<u64>(),
        SyncMessage::HistoryRequest => HISTORY_REQUEST_BYTES,
        SyncMessage::HistoryAnswer(messages) => {
            let message_bytes =
                |message: &StoredUpdate| HISTORY_MESSAGE_FRAMING_BYTES + u64::from(message.payload_bytes);
            RPC_RESULT_BYTES + HISTORY_FRAMING_BYTES + messages.iter().map(message_bytes).sum::<u64>()
        }
        SyncMessage::ListRequest => LIST_REQUEST_BYTES,
        SyncMessage::ListAnswer(ListAnswer::NotModified) => RPC_RESULT_BYTES + NOT_MODIFIED_BYTES,
        SyncMessage::ListAnswer(ListAnswer::Full { entries, .. }) => {
            RPC_RESULT_BYTES + LIST_FRAMING_BYTES + entries.iter().map(|entry| u64::from(entry.bytes)).sum::<u64>()
        }
    };
    PACKET_OVERHEAD_BYTES + body
}

fn update_bytes(update: &Update) -> u64 {
    UPDATE_FRAMING_BYTES + u64::from(update.payload_bytes)
}

fn difference_bytes(difference: &Difference) -> u64 {
    match difference {
        Difference::Empty { .. } => DIFFERENCE_EMPTY_BYTES,
        Difference::TooLong { .. } => DIFFERENCE_TOO_LONG_BYTES,
        Difference::Full { updates, .. } | Difference::Slice { updates, .. } => {
            DIFFERENCE_FRAMING_BYTES + updates.iter().map(update_bytes).sum::<u64>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::list_hash::ListEntry;
    use crate::sync::update::{Position, SyncBox, SyncState, UpdateKind};
    use crate::time::Instant;

    fn update(payload_bytes: u32) -> Update {
        Update {
            position: Position {
                sync_box: SyncBox::Common,
                end: 1,
                count: 1,
            },
            seq: 1,
            date: 0,
            created_at: Instant::EPOCH,
            kind: UpdateKind::NewMessage,
            payload_bytes,
        }
    }

    #[test]
    fn sizes_are_overhead_plus_payload() {
        assert_eq!(wire_bytes(SyncMessage::PushedUpdate(&update(200))), 76 + 36 + 64 + 200);
        assert_eq!(wire_bytes(SyncMessage::DifferenceRequest), 76 + 28);
        let full = Difference::Full {
            updates: vec![update(10), update(20)],
            state: SyncState::default(),
        };
        assert_eq!(wire_bytes(SyncMessage::DifferenceAnswer(&full)), 76 + 12 + 68 + 74 + 84);
        let empty = Difference::Empty {
            state: SyncState::default(),
        };
        assert_eq!(wire_bytes(SyncMessage::DifferenceAnswer(&empty)), 76 + 12 + 12);
        assert_eq!(
            wire_bytes(SyncMessage::DifferenceAnswer(&Difference::TooLong { pts: 1 })),
            76 + 12 + 8
        );
        let stored = StoredUpdate::from(&update(5));
        assert_eq!(
            wire_bytes(SyncMessage::HistoryAnswer(&[stored.clone(), stored])),
            76 + 12 + 44 + 57 + 57
        );
        assert_eq!(wire_bytes(SyncMessage::HistoryRequest), 76 + 40);
        assert_eq!(
            wire_bytes(SyncMessage::PushedBatch(&[update(1), update(2)])),
            76 + 36 + 65 + 66
        );
        assert_eq!(
            wire_bytes(SyncMessage::ListAnswer(&ListAnswer::NotModified)),
            76 + 12 + 4
        );
        let list = ListAnswer::Full {
            hash: 1,
            entries: vec![ListEntry { id: 1, bytes: 300 }],
        };
        assert_eq!(wire_bytes(SyncMessage::ListAnswer(&list)), 76 + 12 + 20 + 300);
        assert_eq!(wire_bytes(SyncMessage::StateAnswer), 76 + 12 + 24);
    }
}
