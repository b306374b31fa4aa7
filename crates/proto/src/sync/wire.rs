//! The sync layer on the wire: conversions between [`Update`],
//! [`SyncState`], [`Difference`] and the API's TL types, shared by the
//! server (which encodes) and the client (which decodes).
//!
//! A common-box update travels as Telegram's `updateNewMessage` (layer
//! 229): `pts`/`pts_count` are the update's, and its `message` is a text
//! message in the account's own chat (`peer_id = peerUser(account)`) with
//! - `id` = the update's `seq` (strictly increasing along the log, as
//!   message ids are) and `date` = its `date`, both `int` bit for bit;
//! - `message` = a 20-character header — the creation time in µs as 16
//!   lowercase hex digits, then the [`UpdateKind`] as 4 — followed by
//!   `payload_bytes` filler characters (`.`), the update's content.
//!
//! The text is exactly as long as the opaque payload that carried the same
//! header as bytes before, so only the fixed framing grew: 44 bytes
//! instead of 12 per update. The header is protocol overhead, the filler
//! payload. Only the common box travels: the secondary (`qts`) box is a
//! server-side model of its own. A history page (`messages.getHistory`)
//! carries the same `message`s without the update around them: what a
//! device stores ([`StoredUpdate`]), without a `pts`.

use crate::id::UserId;
use crate::time::Instant;
use crate::wire::api;

use super::difference::Difference;
use super::store::StoredUpdate;
use super::update::{Position, SyncBox, SyncState, Update, UpdateKind};

/// Characters of the header at the start of an update's message text.
pub(crate) const MESSAGE_HEADER_BYTES: usize = 20;

/// The filler character of an update's content.
const FILLER: char = '.';

/// Why a wire update or difference cannot become a sync value. A server (or
/// an attacker in its place) controls these bytes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireSyncError {
    #[error("message text of {length} bytes has no valid {MESSAGE_HEADER_BYTES}-character header")]
    BadHeader { length: usize },
    #[error("unknown update kind {kind}")]
    UnknownKind { kind: u32 },
    #[error("negative or zero counter: pts {pts}, pts_count {pts_count}")]
    BadCounters { pts: i32, pts_count: i32 },
    #[error("negative state counter: {state:?}")]
    BadState { state: api::UpdatesState },
}

const KINDS: [UpdateKind; 8] = [
    UpdateKind::NewMessage,
    UpdateKind::EditMessage,
    UpdateKind::DeleteMessages,
    UpdateKind::ReadReceipt,
    UpdateKind::AuthorizationListChanged,
    UpdateKind::NewAuthorization,
    UpdateKind::SettingsChanged,
    UpdateKind::SecondaryBoxEvent,
];

fn kind_code(kind: UpdateKind) -> u32 {
    KINDS
        .iter()
        .position(|candidate| *candidate == kind)
        .map_or(0, |index| index as u32)
}

fn saturating_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn non_negative(value: i32) -> Option<u32> {
    u32::try_from(value).ok()
}

/// Lowercase hex digits only, so that every header has one spelling.
fn parse_hex(digits: &str) -> Option<u64> {
    if digits
        .bytes()
        .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
    {
        u64::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}

/// A common-box update of `user_id`'s log as `updateNewMessage`; `None`
/// for the secondary box.
pub fn update_to_wire(update: &Update, user_id: UserId) -> Option<api::Update> {
    Some(api::Update::NewMessage {
        message: message_to_wire(update, user_id)?,
        pts: saturating_i32(update.position.end),
        pts_count: saturating_i32(update.position.count),
    })
}

/// The `message` a common-box update of `user_id`'s log is (in a push, a
/// difference or a history page); `None` for the secondary box.
pub(crate) fn message_to_wire(update: &Update, user_id: UserId) -> Option<api::Message> {
    if update.position.sync_box != SyncBox::Common {
        return None;
    }
    let filler = update.payload_bytes as usize;
    let mut text = String::with_capacity(MESSAGE_HEADER_BYTES + filler);
    text.push_str(&format!(
        "{:016x}{:04x}",
        update.created_at.unix_micros(),
        kind_code(update.kind)
    ));
    text.extend(std::iter::repeat_n(FILLER, filler));
    Some(api::Message {
        id: update.seq as i32,
        peer_user_id: user_id.to_wire(),
        date: update.date as i32,
        text,
    })
}

/// What a device stores of a wire `message` (from a history page: no pts).
pub(crate) fn message_from_wire(message: &api::Message) -> Result<StoredUpdate, WireSyncError> {
    let text = &message.text;
    let bad_header = WireSyncError::BadHeader { length: text.len() };
    let (Some(created_at), Some(kind)) = (
        text.get(..16).and_then(parse_hex),
        text.get(16..MESSAGE_HEADER_BYTES).and_then(parse_hex),
    ) else {
        return Err(bad_header);
    };
    let kind = u32::try_from(kind).map_err(|_| bad_header)?;
    let kind = *KINDS.get(kind as usize).ok_or(WireSyncError::UnknownKind { kind })?;
    Ok(StoredUpdate {
        seq: message.id as u32,
        date: message.date as u32,
        created_at: Instant::from_unix_micros(created_at),
        kind,
        payload_bytes: u32::try_from(text.len() - MESSAGE_HEADER_BYTES).unwrap_or(u32::MAX),
    })
}

/// The sync update a wire `updateNewMessage` carries; `Ok(None)` for other
/// update kinds (login notifications), which are not part of the log.
pub(crate) fn update_from_wire(update: &api::Update) -> Result<Option<Update>, WireSyncError> {
    let api::Update::NewMessage {
        message,
        pts,
        pts_count,
    } = update
    else {
        return Ok(None);
    };
    let (Some(end), Some(count)) = (non_negative(*pts), non_negative(*pts_count)) else {
        return Err(WireSyncError::BadCounters {
            pts: *pts,
            pts_count: *pts_count,
        });
    };
    if count == 0 || count > end {
        return Err(WireSyncError::BadCounters {
            pts: *pts,
            pts_count: *pts_count,
        });
    }
    let stored = message_from_wire(message)?;
    Ok(Some(Update {
        position: Position {
            sync_box: SyncBox::Common,
            end,
            count,
        },
        seq: stored.seq,
        date: stored.date,
        created_at: stored.created_at,
        kind: stored.kind,
        payload_bytes: stored.payload_bytes,
    }))
}

/// `updates.state` for a sync state.
pub fn state_to_wire(state: SyncState) -> api::UpdatesState {
    api::UpdatesState {
        pts: saturating_i32(state.pts),
        qts: saturating_i32(state.qts),
        date: saturating_i32(state.date),
        seq: saturating_i32(state.seq),
        unread_count: 0,
    }
}

/// The sync state an `updates.state` describes.
pub(crate) fn state_from_wire(state: api::UpdatesState) -> Result<SyncState, WireSyncError> {
    match (
        non_negative(state.pts),
        non_negative(state.qts),
        non_negative(state.seq),
        non_negative(state.date),
    ) {
        (Some(pts), Some(qts), Some(seq), Some(date)) => Ok(SyncState { pts, qts, seq, date }),
        _ => Err(WireSyncError::BadState { state }),
    }
}

fn part_to_wire(updates: &[Update], state: SyncState, user_id: UserId) -> api::DifferencePart {
    api::DifferencePart {
        other_updates: updates
            .iter()
            .filter_map(|update| update_to_wire(update, user_id))
            .collect(),
        users: Vec::new(),
        state: state_to_wire(state),
    }
}

/// `updates.Difference` for a sync difference of `user_id`'s log.
pub fn difference_to_wire(difference: &Difference, user_id: UserId) -> api::Difference {
    match difference {
        Difference::Empty { state } => api::Difference::Empty {
            date: saturating_i32(state.date),
            seq: saturating_i32(state.seq),
        },
        Difference::Full { updates, state } => api::Difference::Full(part_to_wire(updates, *state, user_id)),
        Difference::Slice {
            updates,
            intermediate_state,
        } => api::Difference::Slice(part_to_wire(updates, *intermediate_state, user_id)),
        Difference::TooLong { pts } => api::Difference::TooLong {
            pts: saturating_i32(*pts),
        },
    }
}

fn part_from_wire(part: &api::DifferencePart) -> Result<(Vec<Update>, SyncState), WireSyncError> {
    let mut updates = Vec::with_capacity(part.other_updates.len());
    for update in &part.other_updates {
        if let Some(update) = update_from_wire(update)? {
            updates.push(update);
        }
    }
    Ok((updates, state_from_wire(part.state)?))
}

/// The sync difference an `updates.Difference` describes. `differenceEmpty`
/// carries no pts: the client's own state (`local`) stands, with the
/// server's date and seq.
pub(crate) fn difference_from_wire(
    difference: &api::Difference,
    local: SyncState,
) -> Result<Difference, WireSyncError> {
    Ok(match difference {
        api::Difference::Empty { date, seq } => Difference::Empty {
            state: SyncState {
                date: non_negative(*date).unwrap_or(local.date),
                seq: non_negative(*seq).unwrap_or(local.seq),
                ..local
            },
        },
        api::Difference::Full(part) => {
            let (updates, state) = part_from_wire(part)?;
            Difference::Full { updates, state }
        }
        api::Difference::Slice(part) => {
            let (updates, intermediate_state) = part_from_wire(part)?;
            Difference::Slice {
                updates,
                intermediate_state,
            }
        }
        api::Difference::TooLong { pts } => Difference::TooLong {
            pts: non_negative(*pts).ok_or(WireSyncError::BadCounters {
                pts: *pts,
                pts_count: 0,
            })?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(end: u32, count: u32, payload_bytes: u32) -> Update {
        Update {
            position: Position {
                sync_box: SyncBox::Common,
                end,
                count,
            },
            seq: end,
            date: 1_767_225_600,
            created_at: Instant::from_unix_micros(1_767_225_600_123_456),
            kind: UpdateKind::ReadReceipt,
            payload_bytes,
        }
    }

    const ACCOUNT: UserId = UserId(1001);

    fn wire_message(pts: i32, pts_count: i32, text: &str) -> api::Update {
        api::Update::NewMessage {
            message: api::Message {
                id: 1,
                peer_user_id: 1001,
                date: 2,
                text: text.into(),
            },
            pts,
            pts_count,
        }
    }

    #[test]
    fn an_update_is_a_message_whose_text_has_its_size() {
        let original = update(7, 2, 3);
        let wire = update_to_wire(&original, ACCOUNT).expect("common box");
        assert_eq!(
            wire,
            api::Update::NewMessage {
                message: api::Message {
                    id: 7,
                    peer_user_id: 1001,
                    date: 1_767_225_600,
                    text: "00064748462222400003...".into(),
                },
                pts: 7,
                pts_count: 2,
            }
        );
        assert_eq!(1_767_225_600_123_456u64, 0x0006_4748_4622_2240, "created_at, µs");
        assert_eq!(update_from_wire(&wire), Ok(Some(original)));
    }

    #[test]
    fn updates_round_trip_and_carry_their_payload_size() {
        for payload_bytes in [0, 1, 200, 4000] {
            let original = update(7, 2, payload_bytes);
            let wire = update_to_wire(&original, ACCOUNT).expect("common box");
            let api::Update::NewMessage { message, .. } = &wire else {
                panic!("updateNewMessage")
            };
            assert_eq!(message.text.len(), MESSAGE_HEADER_BYTES + payload_bytes as usize);
            assert_eq!(update_from_wire(&wire), Ok(Some(original)));
        }
    }

    #[test]
    fn a_history_message_is_the_stored_update() {
        let original = update(7, 2, 30);
        let message = message_to_wire(&original, ACCOUNT).expect("common box");
        assert_eq!(message_from_wire(&message), Ok(StoredUpdate::from(&original)));
        let bad = api::Message {
            text: "short".into(),
            ..message
        };
        assert_eq!(message_from_wire(&bad), Err(WireSyncError::BadHeader { length: 5 }));
    }

    #[test]
    fn secondary_box_and_login_updates_are_not_log_updates() {
        let mut secondary = update(3, 1, 10);
        secondary.position.sync_box = SyncBox::Secondary;
        assert_eq!(update_to_wire(&secondary, ACCOUNT), None);
        assert_eq!(update_from_wire(&api::Update::LoginToken), Ok(None));
    }

    #[test]
    fn malformed_wire_updates_are_errors() {
        let header = "00000000000000000000";
        for text in [
            "0000000000000000000",
            "000000000000000G0000",
            "00000000000000A00000",
            "é0000000000000000000",
        ] {
            assert_eq!(
                update_from_wire(&wire_message(1, 1, text)),
                Err(WireSyncError::BadHeader { length: text.len() }),
                "{text}"
            );
        }
        assert!(matches!(
            update_from_wire(&wire_message(-1, 1, header)),
            Err(WireSyncError::BadCounters { .. })
        ));
        assert!(matches!(
            update_from_wire(&wire_message(1, 2, header)),
            Err(WireSyncError::BadCounters { .. })
        ));
        assert_eq!(
            update_from_wire(&wire_message(1, 1, "00000000000000000063")),
            Err(WireSyncError::UnknownKind { kind: 99 })
        );
    }

    #[test]
    fn differences_round_trip() {
        let state = SyncState {
            pts: 9,
            qts: 0,
            seq: 9,
            date: 1_767_225_600,
        };
        let cases = [
            Difference::Full {
                updates: vec![update(8, 1, 5), update(9, 1, 0)],
                state,
            },
            Difference::Slice {
                updates: vec![update(8, 1, 5)],
                intermediate_state: SyncState { pts: 8, ..state },
            },
            Difference::TooLong { pts: 9 },
            Difference::Empty { state },
        ];
        for difference in cases {
            let wire = difference_to_wire(&difference, ACCOUNT);
            assert_eq!(difference_from_wire(&wire, state), Ok(difference));
        }
        assert_eq!(state_from_wire(state_to_wire(state)), Ok(state));
    }
}
