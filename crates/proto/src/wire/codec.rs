//! TL-style primitive encoding: little-endian integers, length-prefixed
//! byte strings padded to 4, and boxed vectors — every length bounded.
//!
//! [`Reader`] never panics and never allocates more than the bytes it was
//! given: every length is checked against what remains before it is used.

/// The constructor id of a boxed `Vector`.
pub(crate) const VECTOR_ID: u32 = 0x1cb5_c415;

/// Largest message body the core accepts (1 MiB, like Telegram's limit on
/// one encrypted message). Bounds every allocation driven by a peer.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Why bytes could not be decoded. A peer can cause every one of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended inside a value.
    #[error("unexpected end of input: needed {needed} bytes at offset {offset}, {remaining} left")]
    UnexpectedEnd {
        /// Byte offset at which the value started.
        offset: usize,
        /// Bytes the value needed.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A constructor id that no type expected at this position has.
    #[error("unknown constructor {constructor:#010x} where {context} was expected")]
    UnknownConstructor {
        /// The constructor id that was read.
        constructor: u32,
        /// The TL type expected at this position.
        context: &'static str,
    },
    /// A length or element count above the core's limit, refused before anything is allocated.
    #[error("{what} of {length} exceeds the limit {limit}")]
    TooLong {
        /// What was too long (`bytes`, `vector`, `body`, ...).
        what: &'static str,
        /// The length (bytes) or element count announced.
        length: usize,
        /// The largest one accepted.
        limit: usize,
    },
    /// Bytes left over after one complete object.
    #[error("{length} trailing bytes after {context}")]
    TrailingBytes {
        /// How many bytes were left over.
        length: usize,
        /// The object they followed.
        context: &'static str,
    },
    /// A well-formed encoding of a value the codec refuses: a flag bit it does not model, a string that is not
    /// UTF-8, a non-empty vector that must be empty, a bad length marker or padding.
    #[error("invalid value for {field}: {detail}")]
    Invalid {
        /// The field or TL type the value belongs to.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
}

/// Appends TL-encoded values to a byte vector.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// An empty writer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Writer {
        Writer {
            bytes: Vec::with_capacity(capacity),
        }
    }

    /// A `u32` (constructor ids, `flags:#`): 4 bytes, little-endian.
    pub fn u32(&mut self, value: u32) -> &mut Writer {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// TL `int`: 4 bytes, little-endian.
    pub fn i32(&mut self, value: i32) -> &mut Writer {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// A `u64` (msg ids, salts, auth key ids as TL `long`): 8 bytes, little-endian.
    pub fn u64(&mut self, value: u64) -> &mut Writer {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// TL `long`: 8 bytes, little-endian.
    pub fn i64(&mut self, value: i64) -> &mut Writer {
        self.bytes.extend_from_slice(&value.to_le_bytes());
        self
    }

    /// TL `Bool`: the constructor `boolTrue#997275b5` or `boolFalse#bc799737`.
    pub fn bool(&mut self, value: bool) -> &mut Writer {
        self.u32(if value { BOOL_TRUE } else { BOOL_FALSE })
    }

    /// Raw bytes with no length prefix (an already-encoded object).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Writer {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// TL `bytes`: a 1-byte length below 254, else 0xfe and a 3-byte length;
    /// then the data, padded with zeros to a multiple of 4.
    ///
    /// # Panics
    /// When `bytes` is longer than [`MAX_BODY_BYTES`]: the encoder's caller
    /// built an object no peer would accept, which is a bug.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Writer {
        assert!(bytes.len() <= MAX_BODY_BYTES, "TL bytes longer than the body limit");
        let header = if bytes.len() < 254 {
            self.bytes.push(bytes.len() as u8);
            1
        } else {
            self.bytes.push(0xfe);
            self.bytes.extend_from_slice(&(bytes.len() as u32).to_le_bytes()[..3]);
            4
        };
        self.bytes.extend_from_slice(bytes);
        let padding = (4 - (header + bytes.len()) % 4) % 4;
        self.bytes.extend(std::iter::repeat_n(0u8, padding));
        self
    }

    /// TL `string`: the UTF-8 bytes of `value`, encoded as TL `bytes`.
    pub fn string(&mut self, value: &str) -> &mut Writer {
        self.bytes(value.as_bytes())
    }

    /// A boxed `Vector<long>`.
    pub fn vector_u64(&mut self, values: &[u64]) -> &mut Writer {
        self.u32(VECTOR_ID).u32(values.len() as u32);
        for value in values {
            self.u64(*value);
        }
        self
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The encoded bytes.
    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// `boolTrue#997275b5`.
pub(crate) const BOOL_TRUE: u32 = 0x9972_75b5;
/// `boolFalse#bc799737`.
pub(crate) const BOOL_FALSE: u32 = 0xbc79_9737;

/// Reads TL-encoded values from a byte slice, checking every length.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, offset: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// Bytes read so far (the position of the next read).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The next `count` bytes, or an error when fewer remain.
    pub fn take(&mut self, count: usize) -> Result<&'a [u8], DecodeError> {
        if count > self.remaining() {
            return Err(DecodeError::UnexpectedEnd {
                offset: self.offset,
                needed: count,
                remaining: self.remaining(),
            });
        }
        let slice = &self.bytes[self.offset..self.offset + count];
        self.offset += count;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// A `u32` (constructor ids, `flags:#`): 4 bytes, little-endian.
    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        self.array().map(u32::from_le_bytes)
    }

    /// TL `int`: 4 bytes, little-endian.
    pub fn i32(&mut self) -> Result<i32, DecodeError> {
        self.array().map(i32::from_le_bytes)
    }

    /// A `u64` (msg ids, salts, auth key ids as TL `long`): 8 bytes, little-endian.
    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        self.array().map(u64::from_le_bytes)
    }

    /// TL `long`: 8 bytes, little-endian.
    pub fn i64(&mut self) -> Result<i64, DecodeError> {
        self.array().map(i64::from_le_bytes)
    }

    /// The next constructor id without consuming it.
    pub fn peek_u32(&self) -> Result<u32, DecodeError> {
        self.clone().u32()
    }

    /// TL `Bool`; any constructor other than `boolTrue`/`boolFalse` is an error.
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u32()? {
            BOOL_TRUE => Ok(true),
            BOOL_FALSE => Ok(false),
            constructor => Err(DecodeError::UnknownConstructor {
                constructor,
                context: "Bool",
            }),
        }
    }

    /// TL `bytes`, at most `limit` long.
    pub fn bytes(&mut self, limit: usize) -> Result<&'a [u8], DecodeError> {
        let first = self.take(1)?[0];
        let (header, length) = if first < 254 {
            (1, usize::from(first))
        } else if first == 254 {
            let length = self.take(3)?;
            (
                4,
                usize::from(length[0]) | usize::from(length[1]) << 8 | usize::from(length[2]) << 16,
            )
        } else {
            return Err(DecodeError::Invalid {
                field: "bytes",
                detail: "length marker 0xff".into(),
            });
        };
        if length > limit {
            return Err(DecodeError::TooLong {
                what: "bytes",
                length,
                limit,
            });
        }
        let data = self.take(length)?;
        self.take((4 - (header + length) % 4) % 4)?;
        Ok(data)
    }

    /// TL `string`: UTF-8 `bytes`, at most `limit` long.
    pub fn string(&mut self, limit: usize) -> Result<String, DecodeError> {
        let data = self.bytes(limit)?;
        String::from_utf8(data.to_vec()).map_err(|_| DecodeError::Invalid {
            field: "string",
            detail: "not UTF-8".into(),
        })
    }

    /// Expect a specific constructor id.
    pub fn expect_constructor(&mut self, expected: u32, context: &'static str) -> Result<(), DecodeError> {
        let constructor = self.u32()?;
        if constructor == expected {
            Ok(())
        } else {
            Err(DecodeError::UnknownConstructor { constructor, context })
        }
    }

    /// A vector's element count, at most `limit`, and never more than the
    /// bytes left could hold at `min_element_bytes` each.
    pub fn vector_length(&mut self, limit: usize, min_element_bytes: usize) -> Result<usize, DecodeError> {
        self.expect_constructor(VECTOR_ID, "Vector")?;
        let count = self.u32()? as usize;
        if count > limit {
            return Err(DecodeError::TooLong {
                what: "vector",
                length: count,
                limit,
            });
        }
        let needed = count.saturating_mul(min_element_bytes);
        if needed > self.remaining() {
            return Err(DecodeError::UnexpectedEnd {
                offset: self.offset,
                needed,
                remaining: self.remaining(),
            });
        }
        Ok(count)
    }

    /// A boxed `Vector<long>` of at most `limit` elements.
    pub fn vector_u64(&mut self, limit: usize) -> Result<Vec<u64>, DecodeError> {
        let count = self.vector_length(limit, 8)?;
        (0..count).map(|_| self.u64()).collect()
    }

    /// Fail when bytes remain after a complete object.
    pub fn finish(self, context: &'static str) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            length => Err(DecodeError::TrailingBytes { length, context }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_short_and_long() {
        for length in [0usize, 1, 3, 4, 253, 254, 255, 1000] {
            let data: Vec<u8> = (0..length).map(|i| i as u8).collect();
            let mut writer = Writer::new();
            writer.bytes(&data);
            let encoded = writer.finish();
            assert_eq!(encoded.len() % 4, 0, "length {length}");
            let mut reader = Reader::new(&encoded);
            assert_eq!(reader.bytes(MAX_BODY_BYTES).expect("decode"), &data[..]);
            reader.finish("bytes").expect("no trailing bytes");
        }
    }

    #[test]
    fn bytes_longer_than_limit_is_an_error() {
        let mut writer = Writer::new();
        writer.bytes(&[1; 10]);
        let encoded = writer.finish();
        assert_eq!(
            Reader::new(&encoded).bytes(5),
            Err(DecodeError::TooLong {
                what: "bytes",
                length: 10,
                limit: 5
            })
        );
    }

    #[test]
    fn truncated_input_is_an_error() {
        assert!(matches!(
            Reader::new(&[1, 2, 3]).u32(),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
        assert!(matches!(
            Reader::new(&[200]).bytes(1000),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
        assert!(matches!(
            Reader::new(&[0xff, 0, 0, 0]).bytes(1000),
            Err(DecodeError::Invalid { .. })
        ));
    }

    #[test]
    fn vector_count_is_bounded_by_remaining_bytes() {
        let mut writer = Writer::new();
        writer.u32(VECTOR_ID).u32(1_000_000);
        let encoded = writer.finish();
        assert!(matches!(
            Reader::new(&encoded).vector_u64(usize::MAX),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
        assert!(matches!(
            Reader::new(&encoded).vector_u64(10),
            Err(DecodeError::TooLong { .. })
        ));
    }

    #[test]
    fn bool_round_trip_and_unknown() {
        let mut writer = Writer::new();
        writer.bool(true).bool(false).u32(7);
        let encoded = writer.finish();
        let mut reader = Reader::new(&encoded);
        assert_eq!(reader.bool(), Ok(true));
        assert_eq!(reader.bool(), Ok(false));
        assert!(matches!(
            reader.bool(),
            Err(DecodeError::UnknownConstructor { constructor: 7, .. })
        ));
    }
}
