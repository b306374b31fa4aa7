//! Project-private messages between datacenters, for revocation
//! propagation (DESIGN.md §3.2). Telegram does not publish how its DCs talk
//! to each other; these constructors (ids in the reserved range
//! [`ids::PRIVATE_ID_FIRST`]`..=`[`ids::PRIVATE_ID_LAST`]) are what the
//! simulator's DCs exchange:
//!
//! ```text
//! sessionlab.dcRevokeAuthorization#5e551ab5 revocation_id:long user_id:long
//!   auth_key_ids:Vector<long> = sessionlab.DcMessage;
//! sessionlab.dcRevocationAck#5e551ab6 revocation_id:long = sessionlab.DcMessage;
//! sessionlab.dcCheckAuthorization#5e551ab7 query_id:long auth_key_id:long = sessionlab.DcMessage;
//! sessionlab.dcAuthorizationStatus#5e551ab8 query_id:long auth_key_id:long valid:Bool
//!   cache_ttl_s:int = sessionlab.DcMessage;
//! ```
//!
//! `sync` and `async` revocation send `dcRevokeAuthorization` (and `sync`
//! waits for every `dcRevocationAck`); `lazy` revocation has the other DC
//! ask `dcCheckAuthorization` and cache the answer for `cache_ttl_s`.

use super::limits::MAX_REVOKED_KEYS;
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{read_i64_vector, unknown, write_i64_vector, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// One message from one DC to another.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum DcMessage {
    /// Home DC → other DC: these keys' derived authorizations are revoked.
    RevokeAuthorization {
        /// Chosen by the home DC; echoed in the ack.
        revocation_id: i64,
        /// The account whose authorizations are revoked.
        user_id: i64,
        /// The revoked keys' ids on the receiving DC.
        #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::vec::<i64, MAX_REVOKED_KEYS>))]
        auth_key_ids: Vec<i64>,
    },
    /// Other DC → home DC: revocation `revocation_id` is applied.
    RevocationAck {
        /// The `revocation_id` of the `RevokeAuthorization` applied.
        revocation_id: i64,
    },
    /// Other DC → home DC: is the authorization behind this key alive?
    CheckAuthorization {
        /// Chosen by the asking DC; echoed in the answer.
        query_id: i64,
        /// The key whose derived authorization is in question.
        auth_key_id: i64,
    },
    /// Home DC → other DC: the answer, cacheable for `cache_ttl_s` seconds.
    AuthorizationStatus {
        /// The `query_id` of the `CheckAuthorization` answered.
        query_id: i64,
        /// The key asked about.
        auth_key_id: i64,
        /// Whether the authorization behind the key is still alive.
        valid: bool,
        /// Seconds the asking DC may cache the answer.
        cache_ttl_s: i32,
    },
}

impl DcMessage {
    /// TL-encode the message.
    pub fn encode(&self) -> Vec<u8> {
        TlObject::encode(self)
    }

    /// Decode one whole message.
    pub fn decode(bytes: &[u8]) -> Result<DcMessage, DecodeError> {
        TlObject::decode(bytes)
    }
}

impl TlObject for DcMessage {
    const NAME: &'static str = "sessionlab.DcMessage";
    const MIN_BYTES: usize = 12;

    fn write(&self, writer: &mut Writer) {
        match self {
            DcMessage::RevokeAuthorization {
                revocation_id,
                user_id,
                auth_key_ids,
            } => {
                writer
                    .u32(ids::SESSIONLAB_DC_REVOKE_AUTHORIZATION)
                    .i64(*revocation_id)
                    .i64(*user_id);
                write_i64_vector(writer, auth_key_ids);
            }
            DcMessage::RevocationAck { revocation_id } => {
                writer.u32(ids::SESSIONLAB_DC_REVOCATION_ACK).i64(*revocation_id);
            }
            DcMessage::CheckAuthorization { query_id, auth_key_id } => {
                writer
                    .u32(ids::SESSIONLAB_DC_CHECK_AUTHORIZATION)
                    .i64(*query_id)
                    .i64(*auth_key_id);
            }
            DcMessage::AuthorizationStatus {
                query_id,
                auth_key_id,
                valid,
                cache_ttl_s,
            } => {
                writer
                    .u32(ids::SESSIONLAB_DC_AUTHORIZATION_STATUS)
                    .i64(*query_id)
                    .i64(*auth_key_id)
                    .bool(*valid)
                    .i32(*cache_ttl_s);
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match reader.u32()? {
            ids::SESSIONLAB_DC_REVOKE_AUTHORIZATION => Ok(DcMessage::RevokeAuthorization {
                revocation_id: reader.i64()?,
                user_id: reader.i64()?,
                auth_key_ids: read_i64_vector(reader, MAX_REVOKED_KEYS)?,
            }),
            ids::SESSIONLAB_DC_REVOCATION_ACK => Ok(DcMessage::RevocationAck {
                revocation_id: reader.i64()?,
            }),
            ids::SESSIONLAB_DC_CHECK_AUTHORIZATION => Ok(DcMessage::CheckAuthorization {
                query_id: reader.i64()?,
                auth_key_id: reader.i64()?,
            }),
            ids::SESSIONLAB_DC_AUTHORIZATION_STATUS => Ok(DcMessage::AuthorizationStatus {
                query_id: reader.i64()?,
                auth_key_id: reader.i64()?,
                valid: reader.bool()?,
                cache_ttl_s: reader.i32()?,
            }),
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_are_byte_exact() {
        let ack = DcMessage::RevocationAck { revocation_id: 1 };
        assert_eq!(hex::encode(ack.encode()), "b61a555e0100000000000000");
        let status = DcMessage::AuthorizationStatus {
            query_id: 1,
            auth_key_id: 2,
            valid: false,
            cache_ttl_s: 300,
        };
        assert_eq!(
            hex::encode(status.encode()),
            "b81a555e01000000000000000200000000000000379779bc2c010000"
        );
        let revoke = DcMessage::RevokeAuthorization {
            revocation_id: 1,
            user_id: 2,
            auth_key_ids: vec![3],
        };
        let encoded = revoke.encode();
        assert_eq!(hex::encode(&encoded[20..28]), "15c4b51c01000000");
        let check = DcMessage::CheckAuthorization {
            query_id: 4,
            auth_key_id: 5,
        };
        for message in [ack, status, revoke, check] {
            assert_eq!(DcMessage::decode(&message.encode()), Ok(message));
        }
    }

    #[test]
    fn too_many_keys_and_unknown_ids_are_errors() {
        let revoke = DcMessage::RevokeAuthorization {
            revocation_id: 1,
            user_id: 2,
            auth_key_ids: vec![0; MAX_REVOKED_KEYS + 1],
        };
        assert!(matches!(
            DcMessage::decode(&revoke.encode()),
            Err(DecodeError::TooLong { .. })
        ));
        assert!(matches!(
            DcMessage::decode(&ids::PRIVATE_ID_LAST.to_le_bytes()),
            Err(DecodeError::UnknownConstructor { .. })
        ));
    }
}
