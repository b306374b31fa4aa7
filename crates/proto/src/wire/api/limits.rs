//! Named limits on every length an API body can carry.
//!
//! A decoder rejects anything longer with [`DecodeError::TooLong`]
//! (crate::wire::DecodeError::TooLong) before allocating, so a peer
//! cannot make the core allocate more than these bounds — and never more than
//! the body itself, which [`MAX_BODY_BYTES`](crate::wire::MAX_BODY_BYTES)
//! already caps at 1 MiB. The values are generous compared with what
//! Telegram's clients send, tight compared with the body limit.

/// Short human-readable strings: device model, platform, system and app
/// versions, app name, IP, country, region, language codes, phone-code hash,
/// api_hash, deletion reason. Telegram truncates these far below 256.
pub(crate) const MAX_SHORT_STRING_BYTES: usize = 255;

/// A phone number in international format: at most 15 digits by E.164, plus
/// room for a leading `+` and separators some clients leave in.
pub(crate) const MAX_PHONE_BYTES: usize = 32;

/// A login code typed by the user (Telegram's are 5–7 digits).
pub(crate) const MAX_PHONE_CODE_BYTES: usize = 16;

/// Opaque tokens: future auth tokens, QR login tokens, exported
/// authorization bytes. Telegram's are a few dozen to ~256 bytes.
pub(crate) const MAX_TOKEN_BYTES: usize = 512;

/// `auth.bindTempAuthKey.encrypted_message`: an MTProto-encrypted binding
/// message of 40 bytes of content plus header and padding — well under 1 KiB.
pub(crate) const MAX_ENCRYPTED_MESSAGE_BYTES: usize = 1024;

/// The text of one `message` (how the sync layer's updates travel).
/// Telegram caps a message at 4096 characters; media are references, so
/// 64 KiB leaves room for anything the simulator's size distributions draw.
pub(crate) const MAX_MESSAGE_TEXT_BYTES: usize = 64 * 1024;

/// Authorizations in one `account.authorizations` (and signals alongside).
/// Telegram lists every session; 1024 is far beyond any real account.
pub(crate) const MAX_AUTHORIZATIONS: usize = 1024;

/// `codeSettings.logout_tokens`: clients keep at most 20 future auth tokens
/// (core.telegram.org/api/auth).
pub(crate) const MAX_LOGOUT_TOKENS: usize = 20;

/// `auth.exportLoginToken.except_ids`: user ids already logged in on the
/// exporting device.
pub(crate) const MAX_EXCEPT_IDS: usize = 1024;

/// Updates in one difference or one `updates` batch. The project's
/// `pts_limit` defaults to 1000; the bound leaves headroom for larger knobs.
pub(crate) const MAX_UPDATES: usize = 10_000;

/// Users in one difference or `updates` batch.
pub(crate) const MAX_USERS: usize = 1024;

/// How deeply a `JSONValue` (`initConnection.params`) may nest. Official
/// apps send a flat object; the bound keeps decoding recursion shallow.
pub(crate) const MAX_JSON_DEPTH: usize = 8;

/// Items of one `jsonArray` or members of one `jsonObject`.
pub(crate) const MAX_JSON_ITEMS: usize = 256;

/// One JSON string or key.
pub(crate) const MAX_JSON_STRING_BYTES: usize = 1024;

/// How deeply `invokeWithLayer` / `initConnection` may wrap a query. Real
/// clients use two levels; the bound keeps decoding recursion shallow.
pub(crate) const MAX_WRAPPER_DEPTH: usize = 4;
