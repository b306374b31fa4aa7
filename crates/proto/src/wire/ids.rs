//! Telegram's published TL constructor ids for everything the core models.
//! One place, so that a wrong id is fixed once.

// Service messages (core.telegram.org/mtproto/service_messages).
pub(crate) const MSG_CONTAINER: u32 = 0x73f1_f8dc;
pub(crate) const MSGS_ACK: u32 = 0x62d6_b459;
pub(crate) const BAD_MSG_NOTIFICATION: u32 = 0xa7ef_f811;
pub(crate) const BAD_SERVER_SALT: u32 = 0xedab_447b;
pub(crate) const NEW_SESSION_CREATED: u32 = 0x9ec2_0908;
pub(crate) const RPC_RESULT: u32 = 0xf35c_6d01;
pub(crate) const RPC_ERROR: u32 = 0x2144_ca19;
pub(crate) const PING: u32 = 0x7abe_77ec;
pub(crate) const PING_DELAY_DISCONNECT: u32 = 0xf342_7b8c;
pub(crate) const PONG: u32 = 0x3477_73c5;
pub(crate) const GZIP_PACKED: u32 = 0x3072_cfa1;
pub(crate) const GET_FUTURE_SALTS: u32 = 0xb921_bd04;
pub(crate) const FUTURE_SALTS: u32 = 0xae50_0895;
pub(crate) const FUTURE_SALT: u32 = 0x0949_d9dc;
pub(crate) const MSG_COPY: u32 = 0xe060_46b2;
pub(crate) const MSGS_STATE_REQ: u32 = 0xda69_fb52;
pub(crate) const MSGS_STATE_INFO: u32 = 0x04de_b57d;
pub(crate) const MSGS_ALL_INFO: u32 = 0x8cc0_d131;
pub(crate) const MSG_DETAILED_INFO: u32 = 0x276d_3ec6;
pub(crate) const MSG_NEW_DETAILED_INFO: u32 = 0x809d_b6df;
pub(crate) const MSG_RESEND_REQ: u32 = 0x7d86_1a08;
pub(crate) const HTTP_WAIT: u32 = 0x9299_359f;

/// Whether a message with this body constructor is content-related, i.e.
/// needs an acknowledgement and an odd seqno. Not content-related, as the
/// MTProto documents say ("mtproto/service_messages_about_messages"):
/// acknowledgements, containers and their `msg_copy`, `gzip_packed`
/// wrappers, the notices of an ignored message (`bad_msg_notification`,
/// `bad_server_salt`: "do not require acknowledgment"), `pong`, the
/// state and detailed-info messages (`msgs_state_info`, `msgs_all_info`,
/// `msg_detailed_info`, `msg_new_detailed_info`) and `http_wait`.
/// Everything else (queries, answers, updates, `ping`, `msgs_state_req`,
/// `msg_resend_req`, `new_session_created`, `future_salts`) is.
pub(crate) fn is_content_related(constructor: u32) -> bool {
    !matches!(
        constructor,
        MSGS_ACK
            | MSG_CONTAINER
            | MSG_COPY
            | GZIP_PACKED
            | BAD_MSG_NOTIFICATION
            | BAD_SERVER_SALT
            | PONG
            | MSGS_STATE_INFO
            | MSGS_ALL_INFO
            | MSG_DETAILED_INFO
            | MSG_NEW_DETAILED_INFO
            | HTTP_WAIT
    )
}

// API functions and types (core.telegram.org/schema). Every id below is
// checked against the CRC32 of its TL definition by
// `proto::wire::api::schema`'s tests.
pub(crate) const INVOKE_WITH_LAYER: u32 = 0xda9b_0d0d;
pub(crate) const INIT_CONNECTION: u32 = 0xc1cd_5ea9;
pub(crate) const AUTHORIZATION: u32 = 0xad01_d61d;
pub(crate) const ACCOUNT_AUTHORIZATIONS: u32 = 0x4bff_8ea0;
pub(crate) const CODE_SETTINGS: u32 = 0xad25_3d78;
pub(crate) const AUTH_SENT_CODE_TYPE_APP: u32 = 0x3dbb_5986;
pub(crate) const AUTH_SENT_CODE_TYPE_SMS: u32 = 0xc000_bba2;
pub(crate) const AUTH_CODE_TYPE_SMS: u32 = 0x72a3_158c;
pub(crate) const AUTH_CODE_TYPE_CALL: u32 = 0x741c_d3e3;
pub(crate) const AUTH_SENT_CODE: u32 = 0x5e00_2502;
pub(crate) const AUTH_SENT_CODE_SUCCESS: u32 = 0x2390_fe44;
pub(crate) const AUTH_AUTHORIZATION: u32 = 0x2ea2_c0d4;
pub(crate) const AUTH_LOGGED_OUT: u32 = 0xc3a2_835f;
pub(crate) const AUTH_LOGIN_TOKEN: u32 = 0x629f_1980;
pub(crate) const AUTH_LOGIN_TOKEN_MIGRATE_TO: u32 = 0x068e_9916;
pub(crate) const AUTH_LOGIN_TOKEN_SUCCESS: u32 = 0x390d_5c5e;
pub(crate) const AUTH_EXPORTED_AUTHORIZATION: u32 = 0xb434_e2b8;
pub(crate) const INPUT_CHECK_PASSWORD_EMPTY: u32 = 0x9880_f658;
pub(crate) const UPDATES_STATE: u32 = 0xa56c_2a3e;
pub(crate) const UPDATES_DIFFERENCE_EMPTY: u32 = 0x5d75_a138;
pub(crate) const UPDATES_DIFFERENCE: u32 = 0x00f4_9ca0;
pub(crate) const UPDATES_DIFFERENCE_SLICE: u32 = 0xa8fb_1981;
pub(crate) const UPDATES_DIFFERENCE_TOO_LONG: u32 = 0x4afe_8f6d;
pub(crate) const UPDATE_NEW_AUTHORIZATION: u32 = 0x8951_abef;
pub(crate) const UPDATE_LOGIN_TOKEN: u32 = 0x564f_e691;
pub(crate) const UPDATES_TOO_LONG: u32 = 0xe317_af7e;
pub(crate) const UPDATE_SHORT: u32 = 0x78d4_dec1;
pub(crate) const UPDATES: u32 = 0x74ae_4240;
pub(crate) const AUTH_SEND_CODE: u32 = 0xa677_244f;
pub(crate) const AUTH_SIGN_IN: u32 = 0x8d52_a951;
pub(crate) const AUTH_CHECK_PASSWORD: u32 = 0xd18b_4d16;
pub(crate) const AUTH_LOG_OUT: u32 = 0x3e72_ba19;
pub(crate) const AUTH_EXPORT_LOGIN_TOKEN: u32 = 0xb7e0_85fe;
pub(crate) const AUTH_ACCEPT_LOGIN_TOKEN: u32 = 0xe894_ad4d;
pub(crate) const AUTH_IMPORT_LOGIN_TOKEN: u32 = 0x95ac_5ce4;
pub(crate) const AUTH_EXPORT_AUTHORIZATION: u32 = 0xe5bf_ffcd;
pub(crate) const AUTH_IMPORT_AUTHORIZATION: u32 = 0xa57a_7dad;
pub(crate) const AUTH_BIND_TEMP_AUTH_KEY: u32 = 0xcdd4_2a05;
/// `bind_auth_key_inner` (MTProto schema): what `encrypted_message` holds.
pub(crate) const BIND_AUTH_KEY_INNER: u32 = 0x75a3_f765;
pub(crate) const AUTH_RESET_AUTHORIZATIONS: u32 = 0x9fab_0d1a;
pub(crate) const AUTH_RESEND_CODE: u32 = 0xcae4_7523;
pub(crate) const ACCOUNT_GET_AUTHORIZATIONS: u32 = 0xe320_c158;
pub(crate) const ACCOUNT_RESET_AUTHORIZATION: u32 = 0xdf77_f3bc;
pub(crate) const ACCOUNT_SET_AUTHORIZATION_TTL: u32 = 0xbf89_9aa0;
pub(crate) const ACCOUNT_CHANGE_AUTHORIZATION_SETTINGS: u32 = 0x40f4_8462;
pub(crate) const ACCOUNT_DELETE_ACCOUNT: u32 = 0xa2c0_cf74;
pub(crate) const ACCOUNT_UPDATE_PASSWORD_SETTINGS: u32 = 0xa59b_102f;
pub(crate) const UPDATES_GET_STATE: u32 = 0xedd4_882a;
pub(crate) const UPDATES_GET_DIFFERENCE: u32 = 0x19c2_f763;
pub(crate) const USER: u32 = 0xb1b8_cc83;
pub(crate) const MESSAGE: u32 = 0x7600_b9d3;
pub(crate) const PEER_USER: u32 = 0x5951_1722;
pub(crate) const UPDATE_NEW_MESSAGE: u32 = 0x1f2b_0afd;
pub(crate) const UPDATES_COMBINED: u32 = 0x725b_04c3;
pub(crate) const MESSAGES_GET_HISTORY: u32 = 0x4423_e6c5;
pub(crate) const INPUT_PEER_SELF: u32 = 0x7da0_7ec9;
pub(crate) const MESSAGES_MESSAGES: u32 = 0x1d73_e7ea;
pub(crate) const MESSAGES_MESSAGES_SLICE: u32 = 0x5f20_6716;
pub(crate) const HELP_GET_CONFIG: u32 = 0xc4f9_186b;
pub(crate) const CONFIG: u32 = 0xcc1a_241e;
pub(crate) const DC_OPTION: u32 = 0x18b7_a10d;
pub(crate) const USERS_GET_USERS: u32 = 0x0d91_a548;
pub(crate) const INPUT_USER_EMPTY: u32 = 0xb988_86cf;
pub(crate) const INPUT_USER_SELF: u32 = 0xf7c1_b13f;
pub(crate) const INPUT_USER: u32 = 0xf211_58c6;
pub(crate) const INVOKE_WITHOUT_UPDATES: u32 = 0xbf94_59b7;
pub(crate) const JSON_OBJECT_VALUE: u32 = 0xc0de_1bd9;
pub(crate) const JSON_NULL: u32 = 0x3f6d_7b68;
pub(crate) const JSON_BOOL: u32 = 0xc734_5e6a;
pub(crate) const JSON_NUMBER: u32 = 0x2be0_dfa4;
pub(crate) const JSON_STRING: u32 = 0xb71e_767a;
pub(crate) const JSON_ARRAY: u32 = 0xf744_4763;
pub(crate) const JSON_OBJECT: u32 = 0x99c1_d49d;

// Project-private constructors: what this project needs and Telegram does
// not publish. They live in one reserved range, `PRIVATE_ID_FIRST ..=
// PRIVATE_ID_LAST` (0x5e551ab0..=0x5e551abf, "sessionlab"), so that a
// reader can tell them apart at a glance; a test checks that none of them
// collides with a published id above. Each one's TL definition (namespace
// `sessionlab.`) is in `proto::wire::api::schema::PRIVATE_DEFINITIONS`.
// A stock client never receives one: they go client → server only, or
// server → client only to a key whose `initConnection` opted in
// (`proto::wire::api::json`, `tests/it/wire_public.rs`).
/// The first id of the project-private range.
pub const PRIVATE_ID_FIRST: u32 = 0x5e55_1ab0;
/// The last id of the project-private range.
pub const PRIVATE_ID_LAST: u32 = 0x5e55_1abf;
// 0x5e551ab0 was `sessionlab.user`, replaced by Telegram's `user`: not reused.
/// `sessionlab.inputCheckPasswordPlain`: the password itself (encrypted in transit) instead of SRP.
pub(crate) const SESSIONLAB_INPUT_CHECK_PASSWORD_PLAIN: u32 = 0x5e55_1ab1;
// 0x5e551ab2 was `sessionlab.updateOpaque`, replaced by Telegram's
// `updateNewMessage`: not reused.
/// `sessionlab.authorizationSignals`: anomaly signals of one authorization.
pub(crate) const SESSIONLAB_AUTHORIZATION_SIGNALS: u32 = 0x5e55_1ab3;
/// `sessionlab.authorizationsWithSignals`: `account.authorizations` plus signals.
pub(crate) const SESSIONLAB_AUTHORIZATIONS_WITH_SIGNALS: u32 = 0x5e55_1ab4;
// 0x5e551ab9 was `sessionlab.getFullState`, replaced by `updates.getState`
// and `messages.getHistory` (the documented recovery): not reused.
/// `sessionlab.passwordInputSettings`: the new 2FA password itself (or none:
/// 2FA off) instead of SRP's `account.passwordInputSettings`.
pub(crate) const SESSIONLAB_PASSWORD_INPUT_SETTINGS: u32 = 0x5e55_1aba;
