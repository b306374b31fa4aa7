//! The TL schema of everything in this directory, as data: each
//! constructor id next to its definition. For Telegram's published
//! constructors the id is, by TL's rules, the CRC32 of the normalised
//! definition; [`constructor_id_of`] computes it and the tests check every
//! constant in [`ids`] against it — a typo in an id cannot survive.
//!
//! Project-private constructors ([`PRIVATE_DEFINITIONS`]) take fixed ids in
//! the reserved range [`ids::PRIVATE_ID_FIRST`]`..=`[`ids::PRIVATE_ID_LAST`]
//! instead, so that they stand out in a hex dump; the tests check that they
//! are in range, distinct, and collide with no published id. Client →
//! server only: `sessionlab.inputCheckPasswordPlain`,
//! `sessionlab.passwordInputSettings`; server →
//! client only to a client that opted in (see [`super::json`]):
//! `sessionlab.authorizationsWithSignals` and its
//! `sessionlab.authorizationSignals`.

use crate::wire::{codec, ids};

/// Telegram's published definitions of the constructors this project uses
/// (core.telegram.org/schema; layer 229, as Telethon 1.45's
/// `telethon_generator/data/api.tl` has them), with their ids.
pub const PUBLIC_DEFINITIONS: &[(u32, &str)] = &[
    (ids::AUTHORIZATION, "authorization#ad01d61d flags:# current:flags.0?true official_app:flags.1?true password_pending:flags.2?true encrypted_requests_disabled:flags.3?true call_requests_disabled:flags.4?true unconfirmed:flags.5?true hash:long device_model:string platform:string system_version:string api_id:int app_name:string app_version:string date_created:int date_active:int ip:string country:string region:string = Authorization;"),
    (ids::ACCOUNT_AUTHORIZATIONS, "account.authorizations#4bff8ea0 authorization_ttl_days:int authorizations:Vector<Authorization> = account.Authorizations;"),
    (ids::UPDATE_NEW_AUTHORIZATION, "updateNewAuthorization#8951abef flags:# unconfirmed:flags.0?true hash:long date:flags.0?int device:flags.0?string location:flags.0?string = Update;"),
    (ids::ACCOUNT_GET_AUTHORIZATIONS, "account.getAuthorizations#e320c158 = account.Authorizations;"),
    (ids::ACCOUNT_CHANGE_AUTHORIZATION_SETTINGS, "account.changeAuthorizationSettings#40f48462 flags:# confirmed:flags.3?true hash:long encrypted_requests_disabled:flags.0?Bool call_requests_disabled:flags.1?Bool = Bool;"),
    (ids::ACCOUNT_RESET_AUTHORIZATION, "account.resetAuthorization#df77f3bc hash:long = Bool;"),
    (ids::CODE_SETTINGS, "codeSettings#ad253d78 flags:# allow_flashcall:flags.0?true current_number:flags.1?true allow_app_hash:flags.4?true allow_missed_call:flags.5?true allow_firebase:flags.7?true unknown_number:flags.9?true logout_tokens:flags.6?Vector<bytes> token:flags.8?string app_sandbox:flags.8?Bool = CodeSettings;"),
    (ids::AUTH_SENT_CODE_TYPE_APP, "auth.sentCodeTypeApp#3dbb5986 length:int = auth.SentCodeType;"),
    (ids::AUTH_SENT_CODE_TYPE_SMS, "auth.sentCodeTypeSms#c000bba2 length:int = auth.SentCodeType;"),
    (ids::AUTH_SENT_CODE, "auth.sentCode#5e002502 flags:# type:auth.SentCodeType phone_code_hash:string next_type:flags.1?auth.CodeType timeout:flags.2?int = auth.SentCode;"),
    (ids::AUTH_SENT_CODE_SUCCESS, "auth.sentCodeSuccess#2390fe44 authorization:auth.Authorization = auth.SentCode;"),
    (ids::AUTH_SEND_CODE, "auth.sendCode#a677244f phone_number:string api_id:int api_hash:string settings:CodeSettings = auth.SentCode;"),
    (ids::AUTH_AUTHORIZATION, "auth.authorization#2ea2c0d4 flags:# setup_password_required:flags.1?true otherwise_relogin_days:flags.1?int tmp_sessions:flags.0?int future_auth_token:flags.2?bytes user:User = auth.Authorization;"),
    (ids::AUTH_CHECK_PASSWORD, "auth.checkPassword#d18b4d16 password:InputCheckPasswordSRP = auth.Authorization;"),
    (ids::AUTH_SIGN_IN, "auth.signIn#8d52a951 flags:# phone_number:string phone_code_hash:string phone_code:flags.0?string email_verification:flags.1?EmailVerification = auth.Authorization;"),
    (ids::AUTH_IMPORT_AUTHORIZATION, "auth.importAuthorization#a57a7dad id:long bytes:bytes = auth.Authorization;"),
    (ids::AUTH_LOG_OUT, "auth.logOut#3e72ba19 = auth.LoggedOut;"),
    (ids::AUTH_LOGGED_OUT, "auth.loggedOut#c3a2835f flags:# future_auth_token:flags.0?bytes = auth.LoggedOut;"),
    (ids::AUTH_RESET_AUTHORIZATIONS, "auth.resetAuthorizations#9fab0d1a = Bool;"),
    (ids::AUTH_RESEND_CODE, "auth.resendCode#cae47523 flags:# phone_number:string phone_code_hash:string reason:flags.0?string = auth.SentCode;"),
    (ids::AUTH_LOGIN_TOKEN, "auth.loginToken#629f1980 expires:int token:bytes = auth.LoginToken;"),
    (ids::AUTH_LOGIN_TOKEN_MIGRATE_TO, "auth.loginTokenMigrateTo#68e9916 dc_id:int token:bytes = auth.LoginToken;"),
    (ids::AUTH_LOGIN_TOKEN_SUCCESS, "auth.loginTokenSuccess#390d5c5e authorization:auth.Authorization = auth.LoginToken;"),
    (ids::UPDATE_LOGIN_TOKEN, "updateLoginToken#564fe691 = Update;"),
    (ids::AUTH_EXPORT_LOGIN_TOKEN, "auth.exportLoginToken#b7e085fe api_id:int api_hash:string except_ids:Vector<long> = auth.LoginToken;"),
    (ids::AUTH_ACCEPT_LOGIN_TOKEN, "auth.acceptLoginToken#e894ad4d token:bytes = Authorization;"),
    (ids::AUTH_IMPORT_LOGIN_TOKEN, "auth.importLoginToken#95ac5ce4 token:bytes = auth.LoginToken;"),
    (ids::AUTH_EXPORTED_AUTHORIZATION, "auth.exportedAuthorization#b434e2b8 id:long bytes:bytes = auth.ExportedAuthorization;"),
    (ids::AUTH_EXPORT_AUTHORIZATION, "auth.exportAuthorization#e5bfffcd dc_id:int = auth.ExportedAuthorization;"),
    (ids::AUTH_BIND_TEMP_AUTH_KEY, "auth.bindTempAuthKey#cdd42a05 perm_auth_key_id:long nonce:long expires_at:int encrypted_message:bytes = Bool;"),
    (ids::ACCOUNT_SET_AUTHORIZATION_TTL, "account.setAuthorizationTTL#bf899aa0 authorization_ttl_days:int = Bool;"),
    (ids::ACCOUNT_DELETE_ACCOUNT, "account.deleteAccount#a2c0cf74 flags:# reason:string password:flags.0?InputCheckPasswordSRP = Bool;"),
    (ids::ACCOUNT_UPDATE_PASSWORD_SETTINGS, "account.updatePasswordSettings#a59b102f password:InputCheckPasswordSRP new_settings:account.PasswordInputSettings = Bool;"),
    (ids::UPDATES_GET_STATE, "updates.getState#edd4882a = updates.State;"),
    (ids::UPDATES_STATE, "updates.state#a56c2a3e pts:int qts:int date:int seq:int unread_count:int = updates.State;"),
    (ids::UPDATES_GET_DIFFERENCE, "updates.getDifference#19c2f763 flags:# pts:int pts_limit:flags.1?int pts_total_limit:flags.0?int date:int qts:int qts_limit:flags.2?int = updates.Difference;"),
    (ids::UPDATES_DIFFERENCE_EMPTY, "updates.differenceEmpty#5d75a138 date:int seq:int = updates.Difference;"),
    (ids::UPDATES_DIFFERENCE, "updates.difference#f49ca0 new_messages:Vector<Message> new_encrypted_messages:Vector<EncryptedMessage> other_updates:Vector<Update> chats:Vector<Chat> users:Vector<User> state:updates.State = updates.Difference;"),
    (ids::UPDATES_DIFFERENCE_SLICE, "updates.differenceSlice#a8fb1981 new_messages:Vector<Message> new_encrypted_messages:Vector<EncryptedMessage> other_updates:Vector<Update> chats:Vector<Chat> users:Vector<User> intermediate_state:updates.State = updates.Difference;"),
    (ids::UPDATES_DIFFERENCE_TOO_LONG, "updates.differenceTooLong#4afe8f6d pts:int = updates.Difference;"),
    (ids::UPDATES_TOO_LONG, "updatesTooLong#e317af7e = Updates;"),
    (ids::UPDATE_SHORT, "updateShort#78d4dec1 update:Update date:int = Updates;"),
    (ids::UPDATES, "updates#74ae4240 updates:Vector<Update> users:Vector<User> chats:Vector<Chat> date:int seq:int = Updates;"),
    (ids::UPDATES_COMBINED, "updatesCombined#725b04c3 updates:Vector<Update> users:Vector<User> chats:Vector<Chat> date:int seq_start:int seq:int = Updates;"),
    (ids::MESSAGES_GET_HISTORY, "messages.getHistory#4423e6c5 peer:InputPeer offset_id:int offset_date:int add_offset:int limit:int max_id:int min_id:int hash:long = messages.Messages;"),
    (ids::INPUT_PEER_SELF, "inputPeerSelf#7da07ec9 = InputPeer;"),
    (ids::MESSAGES_MESSAGES, "messages.messages#1d73e7ea messages:Vector<Message> topics:Vector<ForumTopic> chats:Vector<Chat> users:Vector<User> = messages.Messages;"),
    (ids::MESSAGES_MESSAGES_SLICE, "messages.messagesSlice#5f206716 flags:# inexact:flags.1?true count:int next_rate:flags.0?int offset_id_offset:flags.2?int search_flood:flags.3?SearchPostsFlood messages:Vector<Message> topics:Vector<ForumTopic> chats:Vector<Chat> users:Vector<User> = messages.Messages;"),
    (ids::INVOKE_WITH_LAYER, "invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;"),
    (ids::INIT_CONNECTION, "initConnection#c1cd5ea9 {X:Type} flags:# api_id:int device_model:string system_version:string app_version:string system_lang_code:string lang_pack:string lang_code:string proxy:flags.0?InputClientProxy params:flags.1?JSONValue query:!X = X;"),
    // Layer 229 (Telethon 1.45), whole: the project writes only some of
    // their fields (see `user`, `message`), but the id is the CRC of all.
    (ids::USER, "user#b1b8cc83 flags:# self:flags.10?true contact:flags.11?true mutual_contact:flags.12?true deleted:flags.13?true bot:flags.14?true bot_chat_history:flags.15?true bot_nochats:flags.16?true verified:flags.17?true restricted:flags.18?true min:flags.20?true bot_inline_geo:flags.21?true support:flags.23?true scam:flags.24?true apply_min_photo:flags.25?true fake:flags.26?true bot_attach_menu:flags.27?true premium:flags.28?true attach_menu_enabled:flags.29?true flags2:# bot_can_edit:flags2.1?true close_friend:flags2.2?true stories_hidden:flags2.3?true stories_unavailable:flags2.4?true contact_require_premium:flags2.10?true bot_business:flags2.11?true bot_has_main_app:flags2.13?true bot_forum_view:flags2.16?true bot_forum_can_manage_topics:flags2.17?true bot_can_manage_bots:flags2.18?true bot_guestchat:flags2.19?true bot_guard:flags2.20?true id:long access_hash:flags.0?long first_name:flags.1?string last_name:flags.2?string username:flags.3?string phone:flags.4?string photo:flags.5?UserProfilePhoto status:flags.6?UserStatus bot_info_version:flags.14?int restriction_reason:flags.18?Vector<RestrictionReason> bot_inline_placeholder:flags.19?string lang_code:flags.22?string emoji_status:flags.30?EmojiStatus usernames:flags2.0?Vector<Username> stories_max_id:flags2.5?RecentStory color:flags2.8?PeerColor profile_color:flags2.9?PeerColor bot_active_users:flags2.12?int bot_verification_icon:flags2.14?long send_paid_messages_stars:flags2.15?long linked_community_id:flags2.21?long = User;"),
    (ids::MESSAGE, "message#7600b9d3 flags:# out:flags.1?true mentioned:flags.4?true media_unread:flags.5?true silent:flags.13?true post:flags.14?true from_scheduled:flags.18?true legacy:flags.19?true edit_hide:flags.21?true pinned:flags.24?true noforwards:flags.26?true invert_media:flags.27?true flags2:# offline:flags2.1?true video_processing_pending:flags2.4?true paid_suggested_post_stars:flags2.8?true paid_suggested_post_ton:flags2.9?true id:int from_id:flags.8?Peer from_boosts_applied:flags.29?int from_rank:flags2.12?string peer_id:Peer saved_peer_id:flags.28?Peer fwd_from:flags.2?MessageFwdHeader via_bot_id:flags.11?long via_business_bot_id:flags2.0?long guestchat_via_from:flags2.19?Peer reply_to:flags.3?MessageReplyHeader date:int message:string media:flags.9?MessageMedia reply_markup:flags.6?ReplyMarkup entities:flags.7?Vector<MessageEntity> views:flags.10?int forwards:flags.10?int replies:flags.23?MessageReplies edit_date:flags.15?int post_author:flags.16?string grouped_id:flags.17?long reactions:flags.20?MessageReactions restriction_reason:flags.22?Vector<RestrictionReason> ttl_period:flags.25?int quick_reply_shortcut_id:flags.30?int effect:flags2.2?long factcheck:flags2.3?FactCheck report_delivery_until_date:flags2.5?int paid_message_stars:flags2.6?long suggested_post:flags2.7?SuggestedPost schedule_repeat_period:flags2.10?int summary_from_language:flags2.11?string rich_message:flags2.13?RichMessage = Message;"),
    (ids::PEER_USER, "peerUser#59511722 user_id:long = Peer;"),
    (ids::UPDATE_NEW_MESSAGE, "updateNewMessage#1f2b0afd message:Message pts:int pts_count:int = Update;"),
    (ids::HELP_GET_CONFIG, "help.getConfig#c4f9186b = Config;"),
    (ids::CONFIG, "config#cc1a241e flags:# default_p2p_contacts:flags.3?true preload_featured_stickers:flags.4?true revoke_pm_inbox:flags.6?true blocked_mode:flags.8?true force_try_ipv6:flags.14?true date:int expires:int test_mode:Bool this_dc:int dc_options:Vector<DcOption> dc_txt_domain_name:string chat_size_max:int megagroup_size_max:int forwarded_count_max:int online_update_period_ms:int offline_blur_timeout_ms:int offline_idle_timeout_ms:int online_cloud_timeout_ms:int notify_cloud_delay_ms:int notify_default_delay_ms:int push_chat_period_ms:int push_chat_limit:int edit_time_limit:int revoke_time_limit:int revoke_pm_time_limit:int rating_e_decay:int stickers_recent_limit:int channels_read_media_period:int tmp_sessions:flags.0?int call_receive_timeout_ms:int call_ring_timeout_ms:int call_connect_timeout_ms:int call_packet_timeout_ms:int me_url_prefix:string autoupdate_url_prefix:flags.7?string gif_search_username:flags.9?string venue_search_username:flags.10?string img_search_username:flags.11?string static_maps_provider:flags.12?string caption_length_max:int message_length_max:int webfile_dc_id:int suggested_lang_code:flags.2?string lang_pack_version:flags.2?int base_lang_pack_version:flags.2?int reactions_default:flags.15?Reaction autologin_token:flags.16?string = Config;"),
    (ids::DC_OPTION, "dcOption#18b7a10d flags:# ipv6:flags.0?true media_only:flags.1?true tcpo_only:flags.2?true cdn:flags.3?true static:flags.4?true this_port_only:flags.5?true id:int ip_address:string port:int secret:flags.10?bytes = DcOption;"),
    (ids::USERS_GET_USERS, "users.getUsers#0d91a548 id:Vector<InputUser> = Vector<User>;"),
    (ids::INPUT_USER_EMPTY, "inputUserEmpty#b98886cf = InputUser;"),
    (ids::INPUT_USER_SELF, "inputUserSelf#f7c1b13f = InputUser;"),
    (ids::INPUT_USER, "inputUser#f21158c6 user_id:long access_hash:long = InputUser;"),
    (ids::INVOKE_WITHOUT_UPDATES, "invokeWithoutUpdates#bf9459b7 {X:Type} query:!X = X;"),
    (ids::JSON_OBJECT_VALUE, "jsonObjectValue#c0de1bd9 key:string value:JSONValue = JSONObjectValue;"),
    (ids::JSON_NULL, "jsonNull#3f6d7b68 = JSONValue;"),
    (ids::JSON_BOOL, "jsonBool#c7345e6a value:Bool = JSONValue;"),
    (ids::JSON_NUMBER, "jsonNumber#2be0dfa4 value:double = JSONValue;"),
    (ids::JSON_STRING, "jsonString#b71e767a value:string = JSONValue;"),
    (ids::JSON_ARRAY, "jsonArray#f7444763 value:Vector<JSONValue> = JSONValue;"),
    (ids::JSON_OBJECT, "jsonObject#99c1d49d value:Vector<JSONObjectValue> = JSONValue;"),
    (codec::BOOL_TRUE, "boolTrue#997275b5 = Bool;"),
    (codec::BOOL_FALSE, "boolFalse#bc799737 = Bool;"),
    (ids::INPUT_CHECK_PASSWORD_EMPTY, "inputCheckPasswordEmpty#9880f658 = InputCheckPasswordSRP;"),
    (ids::AUTH_CODE_TYPE_SMS, "auth.codeTypeSms#72a3158c = auth.CodeType;"),
    (ids::AUTH_CODE_TYPE_CALL, "auth.codeTypeCall#741cd3e3 = auth.CodeType;"),
    // The transport's service messages (core.telegram.org/schema/mtproto);
    // `msg_container#73f1f8dc` is left out: its id is fixed by the
    // protocol, not the CRC of its schema line.
    (ids::MSGS_ACK, "msgs_ack#62d6b459 msg_ids:Vector<long> = MsgsAck;"),
    (ids::BAD_MSG_NOTIFICATION, "bad_msg_notification#a7eff811 bad_msg_id:long bad_msg_seqno:int error_code:int = BadMsgNotification;"),
    (ids::BAD_SERVER_SALT, "bad_server_salt#edab447b bad_msg_id:long bad_msg_seqno:int error_code:int new_server_salt:long = BadMsgNotification;"),
    (ids::NEW_SESSION_CREATED, "new_session_created#9ec20908 first_msg_id:long unique_id:long server_salt:long = NewSession;"),
    (ids::RPC_RESULT, "rpc_result#f35c6d01 req_msg_id:long result:Object = RpcResult;"),
    (ids::RPC_ERROR, "rpc_error#2144ca19 error_code:int error_message:string = RpcError;"),
    (ids::PING, "ping#7abe77ec ping_id:long = Pong;"),
    (ids::PING_DELAY_DISCONNECT, "ping_delay_disconnect#f3427b8c ping_id:long disconnect_delay:int = Pong;"),
    (ids::PONG, "pong#347773c5 msg_id:long ping_id:long = Pong;"),
    (ids::GZIP_PACKED, "gzip_packed#3072cfa1 packed_data:bytes = Object;"),
    (ids::GET_FUTURE_SALTS, "get_future_salts#b921bd04 num:int = FutureSalts;"),
    (ids::FUTURE_SALT, "future_salt#0949d9dc valid_since:int valid_until:int salt:long = FutureSalt;"),
    (ids::FUTURE_SALTS, "future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt> = FutureSalts;"),
    (ids::MSG_COPY, "msg_copy#e06046b2 orig_message:Message = MessageCopy;"),
    (ids::MSGS_STATE_REQ, "msgs_state_req#da69fb52 msg_ids:Vector<long> = MsgsStateReq;"),
    (ids::MSGS_STATE_INFO, "msgs_state_info#04deb57d req_msg_id:long info:bytes = MsgsStateInfo;"),
    (ids::MSGS_ALL_INFO, "msgs_all_info#8cc0d131 msg_ids:Vector<long> info:bytes = MsgsAllInfo;"),
    (ids::MSG_DETAILED_INFO, "msg_detailed_info#276d3ec6 msg_id:long answer_msg_id:long bytes:int status:int = MsgDetailedInfo;"),
    (ids::MSG_NEW_DETAILED_INFO, "msg_new_detailed_info#809db6df answer_msg_id:long bytes:int status:int = MsgDetailedInfo;"),
    (ids::MSG_RESEND_REQ, "msg_resend_req#7d861a08 msg_ids:Vector<long> = MsgResendReq;"),
    (ids::HTTP_WAIT, "http_wait#9299359f max_delay:int wait_after:int max_wait:int = HttpWait;"),
];

/// The project-private constructors, with their ids and definitions.
pub const PRIVATE_DEFINITIONS: &[(u32, &str)] = &[
    (
        ids::SESSIONLAB_INPUT_CHECK_PASSWORD_PLAIN,
        "sessionlab.inputCheckPasswordPlain#5e551ab1 password:bytes = InputCheckPasswordSRP;",
    ),
    (
        ids::SESSIONLAB_AUTHORIZATION_SIGNALS,
        "sessionlab.authorizationSignals#5e551ab3 flags:# unseen_device_model:flags.0?true outdated_app_version:flags.1?true impossible_travel:flags.2?true unusual_hours:flags.3?true hash:long = sessionlab.AuthorizationSignals;",
    ),
    (
        ids::SESSIONLAB_AUTHORIZATIONS_WITH_SIGNALS,
        "sessionlab.authorizationsWithSignals#5e551ab4 authorizations:account.Authorizations signals:Vector<sessionlab.AuthorizationSignals> = sessionlab.AuthorizationsWithSignals;",
    ),
    (
        ids::SESSIONLAB_PASSWORD_INPUT_SETTINGS,
        "sessionlab.passwordInputSettings#5e551aba flags:# new_password:flags.0?bytes = account.PasswordInputSettings;",
    ),
];

/// The constructor id TL assigns to `definition` (`name#id fields = Type;`):
/// the CRC32 (IEEE) of the definition without its `#id` and `;`, with
/// `flags.N?true` fields dropped, `bytes` spelt `string`, `<` as a space and
/// `>`, `{`, `}` removed.
pub fn constructor_id_of(definition: &str) -> u32 {
    let body = definition.trim().trim_end_matches(';');
    let (head, rest) = body.split_once(' ').unwrap_or((body, ""));
    let name = head.split('#').next().unwrap_or(head);
    let mut text = String::from(name);
    for token in rest.split(' ').filter(|token| !token.is_empty()) {
        if token.contains(":flags") && token.ends_with("?true") {
            continue;
        }
        text.push(' ');
        match token.strip_suffix("bytes") {
            Some(prefix) if prefix.ends_with(':') || prefix.ends_with('?') => {
                text.push_str(prefix);
                text.push_str("string");
            }
            _ => text.push_str(token),
        }
    }
    let text = text.replace('<', " ").replace(['>', '{', '}'], "");
    crc32(text.as_bytes())
}

/// CRC-32/ISO-HDLC (zlib's), bit by bit: only tests and tools call it.
fn crc32(bytes: &[u8]) -> u32 {
    const POLYNOMIAL: u32 = 0xedb8_8320;
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLYNOMIAL
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn every_published_id_is_the_crc_of_its_definition() {
        for (id, definition) in PUBLIC_DEFINITIONS {
            assert_eq!(constructor_id_of(definition), *id, "{definition}");
            let written = definition.split([' ', '#']).nth(1).expect("an id");
            assert_eq!(u32::from_str_radix(written, 16), Ok(*id), "{definition}");
        }
        // The normalisation matters: a wrong id is caught.
        assert_ne!(
            constructor_id_of("authorization#ad01d61d hash:long = Authorization;"),
            ids::AUTHORIZATION
        );
    }

    #[test]
    fn private_ids_are_in_range_distinct_and_unpublished() {
        let mut seen = Vec::new();
        for (id, definition) in PRIVATE_DEFINITIONS {
            assert!(
                (ids::PRIVATE_ID_FIRST..=ids::PRIVATE_ID_LAST).contains(id),
                "{definition}"
            );
            assert!(definition.starts_with("sessionlab."), "{definition}");
            let written = definition.split([' ', '#']).nth(1).expect("an id");
            assert_eq!(u32::from_str_radix(written, 16), Ok(*id), "{definition}");
            assert!(!seen.contains(id), "{definition}");
            seen.push(*id);
        }
        for (id, definition) in PUBLIC_DEFINITIONS {
            assert!(
                !(ids::PRIVATE_ID_FIRST..=ids::PRIVATE_ID_LAST).contains(id),
                "{definition}"
            );
        }
    }
}
