//! The exported-authorization token (`auth.exportedAuthorization.bytes`):
//! what the home DC vouches for, MACed with the cluster secret so that a
//! target DC can check it without asking. Layout, little-endian:
//! `user (8) ‖ home_dc (4) ‖ home_hash (8) ‖ target_dc (4) ‖ issued_at (8)
//! ‖ expires_at (8) ‖ nonce (8) ‖ mac (32)`, mac = SHA256(secret ‖ fields ‖ secret).

use super::password::{constant_time_eq, salted_hash};
use crate::id::{AuthorizationHash, DcId, UserId};

use crate::time::Instant;
use crate::wire::{DecodeError, Reader, Writer};

/// Bytes of the MACed fields.
pub(crate) const TOKEN_FIELDS_BYTES: usize = 8 + 4 + 8 + 4 + 8 + 8 + 8;
/// Bytes of the MAC that ends every sealed token.
pub(crate) const MAC_BYTES: usize = 32;
/// Bytes of a whole token.
pub(crate) const TOKEN_BYTES: usize = TOKEN_FIELDS_BYTES + MAC_BYTES;

/// What an exported token says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ExportClaims {
    pub user_id: UserId,
    pub home_dc: DcId,
    pub home_hash: AuthorizationHash,
    pub target_dc: DcId,
    pub issued_at: Instant,
    pub expires_at: Instant,
    pub nonce: u64,
}

/// Why token bytes were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TokenError {
    #[error("token bytes: {0}")]
    Decode(#[from] DecodeError),
    #[error("token MAC does not verify")]
    BadMac,
}

impl ExportClaims {
    fn fields(&self) -> Vec<u8> {
        let mut writer = Writer::with_capacity(TOKEN_FIELDS_BYTES);
        writer
            .u64(self.user_id.get())
            .u32(self.home_dc.get())
            .i64(self.home_hash.get())
            .u32(self.target_dc.get())
            .u64(self.issued_at.unix_micros())
            .u64(self.expires_at.unix_micros())
            .u64(self.nonce);
        writer.finish()
    }

    /// The token bytes: fields then MAC.
    pub(crate) fn encode(&self, secret: &[u8]) -> Vec<u8> {
        let bytes = seal(secret, self.fields());
        assert_eq!(bytes.len(), TOKEN_BYTES);
        bytes
    }

    /// Parse and verify token bytes.
    pub(crate) fn decode(secret: &[u8], bytes: &[u8]) -> Result<ExportClaims, TokenError> {
        let mut reader = unseal(secret, bytes, TOKEN_FIELDS_BYTES, "exported authorization")?;
        Ok(ExportClaims {
            user_id: UserId::new(reader.u64()?),
            home_dc: DcId::new(reader.u32()?),
            home_hash: AuthorizationHash::new(reader.i64()?),
            target_dc: DcId::new(reader.u32()?),
            issued_at: Instant::from_unix_micros(reader.u64()?),
            expires_at: Instant::from_unix_micros(reader.u64()?),
            nonce: reader.u64()?,
        })
    }
}

/// `fields ‖ mac`, mac = SHA256(secret ‖ fields ‖ secret): bytes that
/// cross untrusted hands and come back to a DC of the cluster.
pub(crate) fn seal(secret: &[u8], mut fields: Vec<u8>) -> Vec<u8> {
    let mac = salted_hash(secret, &fields);
    fields.extend_from_slice(&mac);
    fields
}

/// A reader over the `fields_bytes` fields of sealed `bytes` (named
/// `context` in errors), once their length and MAC check out.
pub(crate) fn unseal<'a>(
    secret: &[u8],
    bytes: &'a [u8],
    fields_bytes: usize,
    context: &'static str,
) -> Result<Reader<'a>, TokenError> {
    let mut reader = Reader::new(bytes);
    let fields = reader.take(fields_bytes)?;
    let tag = reader.take(MAC_BYTES)?;
    reader.finish(context)?;
    if !constant_time_eq(&salted_hash(secret, fields), tag) {
        return Err(TokenError::BadMac);
    }
    Ok(Reader::new(fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> ExportClaims {
        ExportClaims {
            user_id: UserId::new(42),
            home_dc: DcId::new(2),
            home_hash: AuthorizationHash::new(-7),
            target_dc: DcId::new(4),
            issued_at: Instant::from_unix_seconds(100),
            expires_at: Instant::from_unix_seconds(400),
            nonce: 9,
        }
    }

    #[test]
    fn round_trips_and_rejects_tampering() {
        let bytes = claims().encode(b"secret");
        assert_eq!(bytes.len(), TOKEN_BYTES);
        assert_eq!(ExportClaims::decode(b"secret", &bytes), Ok(claims()));
        assert_eq!(ExportClaims::decode(b"other", &bytes), Err(TokenError::BadMac));
        let mut flipped = bytes.clone();
        flipped[0] ^= 1;
        assert_eq!(ExportClaims::decode(b"secret", &flipped), Err(TokenError::BadMac));
        assert!(matches!(
            ExportClaims::decode(b"secret", &bytes[..10]),
            Err(TokenError::Decode(_))
        ));
        let mut long = bytes;
        long.push(0);
        assert!(matches!(
            ExportClaims::decode(b"secret", &long),
            Err(TokenError::Decode(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120)) {
            let result = ExportClaims::decode(b"secret", &bytes);
            proptest::prop_assert!(result.is_err() || bytes.len() == TOKEN_BYTES);
        }

        #[test]
        fn every_claim_round_trips(user_id: u64, home_dc: u32, home_hash: i64, target_dc: u32, issued: u64, expires: u64, nonce: u64) {
            let claims = ExportClaims {
                user_id: UserId::new(user_id),
                home_dc: DcId::new(home_dc),
                home_hash: AuthorizationHash::new(home_hash),
                target_dc: DcId::new(target_dc),
                issued_at: Instant::from_unix_micros(issued),
                expires_at: Instant::from_unix_micros(expires),
                nonce,
            };
            proptest::prop_assert_eq!(ExportClaims::decode(b"k", &claims.encode(b"k")), Ok(claims));
        }
    }
}
