//! Telegram's published TL constructor ids for everything the core models.
//! One place, so that a wrong id is fixed once.

// Service messages (core.telegram.org/mtproto/service_messages).
pub const MSG_CONTAINER: u32 = 0x73f1_f8dc;
pub const MSGS_ACK: u32 = 0x62d6_b459;
pub const BAD_MSG_NOTIFICATION: u32 = 0xa7ef_f811;
pub const BAD_SERVER_SALT: u32 = 0xedab_447b;
pub const NEW_SESSION_CREATED: u32 = 0x9ec2_0908;
pub const RPC_RESULT: u32 = 0xf35c_6d01;
pub const RPC_ERROR: u32 = 0x2144_ca19;
pub const PING: u32 = 0x7abe_77ec;
pub const PONG: u32 = 0x3477_73c5;
pub const GZIP_PACKED: u32 = 0x3072_cfa1;

/// Whether a message with this body constructor is content-related, i.e.
/// needs an acknowledgement and an odd seqno. Acks, containers and
/// `gzip_packed` wrappers never are; everything else is.
pub fn is_content_related(constructor: u32) -> bool {
    !matches!(constructor, MSGS_ACK | MSG_CONTAINER | GZIP_PACKED)
}
