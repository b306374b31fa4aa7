//! The sync layer on the wire: conversions between [`Update`],
//! [`SyncState`], [`Difference`] and the API's TL types, shared by the
//! server (which encodes) and the client (which decodes).
//!
//! A common-box update travels as `sessionlab.updateOpaque` (the project's
//! stand-in for `updateNewMessage`). Its payload is a 20-byte header —
//! `created_at_micros: u64 ‖ kind: u32 ‖ seq: u32 ‖ date: u32`, little-endian —
//! followed by `payload_bytes` filler bytes, the update's content. The
//! header plays the part of a real message's ids and date; it is protocol
//! overhead, the filler is payload. Only the common box travels: the
//! secondary (`qts`) box is a server-side model of its own.

use crate::time::Instant;
use crate::wire::api;

use super::difference::Difference;
use super::update::{Position, SyncBox, SyncState, Update, UpdateKind};

/// Bytes of the header inside an opaque update's payload.
pub(crate) const OPAQUE_HEADER_BYTES: usize = 20;

/// Why a wire update or difference cannot become a sync value. A server (or
/// an attacker in its place) controls these bytes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireSyncError {
    #[error("opaque update payload of {length} bytes is shorter than its {OPAQUE_HEADER_BYTES}-byte header")]
    ShortPayload { length: usize },
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

/// A common-box update as `sessionlab.updateOpaque`; `None` for the secondary box.
pub fn update_to_wire(update: &Update) -> Option<api::Update> {
    if update.position.sync_box != SyncBox::Common {
        return None;
    }
    let mut payload = Vec::with_capacity(OPAQUE_HEADER_BYTES + update.payload_bytes as usize);
    payload.extend_from_slice(&update.created_at.unix_micros().to_le_bytes());
    payload.extend_from_slice(&kind_code(update.kind).to_le_bytes());
    payload.extend_from_slice(&update.seq.to_le_bytes());
    payload.extend_from_slice(&update.date.to_le_bytes());
    payload.resize(OPAQUE_HEADER_BYTES + update.payload_bytes as usize, 0);
    Some(api::Update::Opaque {
        pts: saturating_i32(update.position.end),
        pts_count: saturating_i32(update.position.count),
        payload,
    })
}

/// The sync update an opaque wire update carries; `Ok(None)` for other
/// update kinds (login notifications), which are not part of the log.
pub(crate) fn update_from_wire(update: &api::Update) -> Result<Option<Update>, WireSyncError> {
    let api::Update::Opaque {
        pts,
        pts_count,
        payload,
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
    let header = payload
        .get(..OPAQUE_HEADER_BYTES)
        .ok_or(WireSyncError::ShortPayload { length: payload.len() })?;
    let word = |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let created_at_micros = u64::from(word(0)) | (u64::from(word(4)) << 32);
    let kind = word(8);
    let kind = *KINDS.get(kind as usize).ok_or(WireSyncError::UnknownKind { kind })?;
    Ok(Some(Update {
        position: Position {
            sync_box: SyncBox::Common,
            end,
            count,
        },
        seq: word(12),
        date: word(16),
        created_at: Instant::from_unix_micros(created_at_micros),
        kind,
        payload_bytes: u32::try_from(payload.len() - OPAQUE_HEADER_BYTES).unwrap_or(u32::MAX),
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

fn part_to_wire(updates: &[Update], state: SyncState) -> api::DifferencePart {
    api::DifferencePart {
        other_updates: updates.iter().filter_map(update_to_wire).collect(),
        users: Vec::new(),
        state: state_to_wire(state),
    }
}

/// `updates.Difference` for a sync difference.
pub fn difference_to_wire(difference: &Difference) -> api::Difference {
    match difference {
        Difference::Empty { state } => api::Difference::Empty {
            date: saturating_i32(state.date),
            seq: saturating_i32(state.seq),
        },
        Difference::Full { updates, state } => api::Difference::Full(part_to_wire(updates, *state)),
        Difference::Slice {
            updates,
            intermediate_state,
        } => api::Difference::Slice(part_to_wire(updates, *intermediate_state)),
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

    #[test]
    fn updates_round_trip_and_carry_their_payload_size() {
        for payload_bytes in [0, 1, 200, 4000] {
            let original = update(7, 2, payload_bytes);
            let wire = update_to_wire(&original).expect("common box");
            let api::Update::Opaque { payload, .. } = &wire else {
                panic!("opaque")
            };
            assert_eq!(payload.len(), OPAQUE_HEADER_BYTES + payload_bytes as usize);
            assert_eq!(update_from_wire(&wire), Ok(Some(original)));
        }
    }

    #[test]
    fn secondary_box_and_login_updates_are_not_log_updates() {
        let mut secondary = update(3, 1, 10);
        secondary.position.sync_box = SyncBox::Secondary;
        assert_eq!(update_to_wire(&secondary), None);
        assert_eq!(update_from_wire(&api::Update::LoginToken), Ok(None));
    }

    #[test]
    fn malformed_wire_updates_are_errors() {
        let short = api::Update::Opaque {
            pts: 1,
            pts_count: 1,
            payload: vec![0; 19],
        };
        assert_eq!(
            update_from_wire(&short),
            Err(WireSyncError::ShortPayload { length: 19 })
        );
        let negative = api::Update::Opaque {
            pts: -1,
            pts_count: 1,
            payload: vec![0; 20],
        };
        assert!(matches!(
            update_from_wire(&negative),
            Err(WireSyncError::BadCounters { .. })
        ));
        let too_many = api::Update::Opaque {
            pts: 1,
            pts_count: 2,
            payload: vec![0; 20],
        };
        assert!(matches!(
            update_from_wire(&too_many),
            Err(WireSyncError::BadCounters { .. })
        ));
        let mut unknown = vec![0; 20];
        unknown[8] = 99;
        let unknown = api::Update::Opaque {
            pts: 1,
            pts_count: 1,
            payload: unknown,
        };
        assert_eq!(update_from_wire(&unknown), Err(WireSyncError::UnknownKind { kind: 99 }));
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
            let wire = difference_to_wire(&difference);
            assert_eq!(difference_from_wire(&wire, state), Ok(difference));
        }
        assert_eq!(state_from_wire(state_to_wire(state)), Ok(state));
    }
}
