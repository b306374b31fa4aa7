//! Which messages are update-sync traffic, read from their first words
//! (no body is decoded whole): the requests `updates.getState`,
//! `updates.getDifference` and `messages.getHistory` (inside any
//! `invokeWithLayer`/`initConnection`), the pushed update containers
//! `updates`, `updatesCombined` and `updatesTooLong`, and the ids that an
//! answer, a refusal or an acknowledgement names, so that the transport
//! can tell whether *it* is about sync.
//!
//! `updateShort` is not sync traffic here: the server sends it only for
//! login notices (`updateNewAuthorization`, `updateLoginToken`), which are
//! outside the update log.

use super::codec::Reader;
use super::ids;
use super::service::MAX_ACK_IDS;
use crate::wire::api::ApiRequest;

/// The ids a message names, if it is an answer, a refusal or a list of ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamedIds {
    /// Names no message.
    None,
    /// Answers or refuses one message: `rpc_result` (`req_msg_id`),
    /// `bad_msg_notification` and `bad_server_salt` (`bad_msg_id`),
    /// `msg_detailed_info` (`msg_id`).
    One(u64),
    /// Lists messages: `msgs_ack`, `msg_resend_req`, `msgs_state_req`.
    Many(Vec<u64>),
}

/// Whether `body` is a sync request: `updates.getState`,
/// `updates.getDifference` or `messages.getHistory`, wrapped or not.
pub fn is_sync_request(body: &[u8]) -> bool {
    matches!(
        ApiRequest::invoked_function(body),
        Some(ids::UPDATES_GET_STATE | ids::UPDATES_GET_DIFFERENCE | ids::MESSAGES_GET_HISTORY)
    )
}

/// Whether `body` is a pushed update container of the update log.
pub fn is_sync_push(body: &[u8]) -> bool {
    matches!(
        Reader::new(body).u32(),
        Ok(ids::UPDATES | ids::UPDATES_COMBINED | ids::UPDATES_TOO_LONG)
    )
}

/// The message ids `body` names (see [`NamedIds`]); a list longer than
/// [`MAX_ACK_IDS`] or cut short names none.
pub fn named_ids(body: &[u8]) -> NamedIds {
    let mut reader = Reader::new(body);
    let Ok(constructor) = reader.u32() else {
        return NamedIds::None;
    };
    match constructor {
        ids::RPC_RESULT | ids::BAD_MSG_NOTIFICATION | ids::BAD_SERVER_SALT | ids::MSG_DETAILED_INFO => {
            reader.u64().map_or(NamedIds::None, NamedIds::One)
        }
        ids::MSGS_ACK | ids::MSG_RESEND_REQ | ids::MSGS_STATE_REQ => {
            reader.vector_u64(MAX_ACK_IDS).map_or(NamedIds::None, NamedIds::Many)
        }
        _ => NamedIds::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::api::{ApiCall, GetState, InitConnection, JsonValue};
    use crate::wire::Body;

    fn get_state() -> ApiRequest {
        ApiRequest::Call(ApiCall::GetState(GetState))
    }

    #[test]
    fn sync_requests_are_found_inside_their_wrappers() {
        assert!(is_sync_request(&get_state().encode()));
        let wrapped = ApiRequest::InvokeWithLayer {
            layer: 229,
            query: Box::new(ApiRequest::InitConnection {
                params: InitConnection {
                    api_id: 1,
                    device_model: "phone".into(),
                    system_version: "1".into(),
                    app_version: "1".into(),
                    system_lang_code: "en".into(),
                    lang_pack: "android".into(),
                    lang_code: "en".into(),
                    params: Some(JsonValue::opt_in()),
                },
                query: Box::new(get_state()),
            }),
        };
        assert!(is_sync_request(&wrapped.encode()));
        assert!(!is_sync_request(&Body::Ping { ping_id: 7 }.encode()));
        assert!(!is_sync_request(&[]));
        // A wrapper with nothing inside names no function.
        assert!(!is_sync_request(&ids::INVOKE_WITH_LAYER.to_le_bytes()));
    }

    #[test]
    fn pushes_are_the_update_log_containers_only() {
        assert!(is_sync_push(&ids::UPDATES.to_le_bytes()));
        assert!(is_sync_push(&ids::UPDATES_COMBINED.to_le_bytes()));
        assert!(is_sync_push(&ids::UPDATES_TOO_LONG.to_le_bytes()));
        assert!(!is_sync_push(&ids::UPDATE_SHORT.to_le_bytes()));
        assert!(!is_sync_push(&[1, 2]));
    }

    #[test]
    fn answers_refusals_and_acks_name_their_ids() {
        let result = Body::RpcResult {
            req_msg_id: 40,
            result: vec![0; 4],
        };
        assert_eq!(named_ids(&result.encode()), NamedIds::One(40));
        let refusal = Body::BadMsgNotification {
            bad_msg_id: 44,
            bad_msg_seqno: 1,
            error_code: 16,
        };
        assert_eq!(named_ids(&refusal.encode()), NamedIds::One(44));
        assert_eq!(named_ids(&Body::Ack(vec![1, 5]).encode()), NamedIds::Many(vec![1, 5]));
        assert_eq!(
            named_ids(&Body::MsgResendReq { msg_ids: vec![9] }.encode()),
            NamedIds::Many(vec![9])
        );
        assert_eq!(named_ids(&Body::Ping { ping_id: 1 }.encode()), NamedIds::None);
        assert_eq!(named_ids(&ids::RPC_RESULT.to_le_bytes()), NamedIds::None);
    }
}
