//! `gzip_packed#3072cfa1 packed_data:bytes = Object`: a body a client
//! compressed (Telethon does for requests over 512 bytes when gzip makes
//! them smaller). The server opens it before anything else reads the body;
//! the core never compresses what it sends.
//!
//! The inflated body is bounded by [`MAX_BODY_BYTES`], checked while
//! inflating, so a small bomb cannot make the server allocate more: one
//! byte over is refused as [`DecodeError::TooLong`].

use std::io::Read;

use flate2::read::GzDecoder;

use super::codec::{DecodeError, Reader, Writer, MAX_BODY_BYTES};
use super::ids;

/// The body inside a `gzip_packed`, or `None` when `body` is not one.
pub fn unpack_gzip(body: &[u8]) -> Result<Option<Vec<u8>>, DecodeError> {
    let mut reader = Reader::new(body);
    if reader.u32().ok() != Some(ids::GZIP_PACKED) {
        return Ok(None);
    }
    let packed = reader.bytes(MAX_BODY_BYTES)?;
    reader.finish("gzip_packed")?;
    let mut inflated = Vec::new();
    let limit = u64::try_from(MAX_BODY_BYTES).unwrap_or(u64::MAX) + 1;
    GzDecoder::new(packed)
        .take(limit)
        .read_to_end(&mut inflated)
        .map_err(|error| DecodeError::Invalid {
            field: "gzip_packed.packed_data",
            detail: error.to_string(),
        })?;
    if inflated.len() > MAX_BODY_BYTES {
        return Err(DecodeError::TooLong {
            what: "inflated gzip_packed body",
            length: inflated.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(Some(inflated))
}

/// `gzip_packed` around `body` (for tests and clients; the server never sends one).
pub fn pack_gzip(body: &[u8]) -> Vec<u8> {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let packed = encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .unwrap_or_default();
    let mut writer = Writer::new();
    writer.u32(ids::GZIP_PACKED).bytes(&packed);
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_body_opens_to_itself_and_others_pass_through() {
        let body = [0x11u8; 3000];
        let packed = pack_gzip(&body);
        assert!(packed.len() < 200, "compressible: {}", packed.len());
        assert_eq!(unpack_gzip(&packed), Ok(Some(body.to_vec())));
        assert_eq!(unpack_gzip(&body), Ok(None), "not a gzip_packed");
        assert_eq!(unpack_gzip(&[]), Ok(None));
    }

    #[test]
    fn broken_or_oversized_packs_are_refused() {
        let mut broken = pack_gzip(b"hello");
        let last = broken.len() - 8;
        broken[last] ^= 0xff;
        assert!(matches!(unpack_gzip(&broken), Err(DecodeError::Invalid { .. })));
        let bomb = pack_gzip(&vec![0u8; MAX_BODY_BYTES + 1]);
        assert!(bomb.len() < MAX_BODY_BYTES / 100, "a small bomb");
        assert_eq!(
            unpack_gzip(&bomb),
            Err(DecodeError::TooLong {
                what: "inflated gzip_packed body",
                length: MAX_BODY_BYTES + 1,
                limit: MAX_BODY_BYTES
            })
        );
        let mut trailing = pack_gzip(b"hi");
        trailing.extend_from_slice(&[0; 4]);
        assert!(matches!(unpack_gzip(&trailing), Err(DecodeError::TrailingBytes { .. })));
    }
}
