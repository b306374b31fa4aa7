//! The machinery every API codec shares: the [`TlObject`] trait (a boxed TL
//! object with its constructor id), boxed vectors of objects, bounded
//! strings and bytes, `flags:#` words, and bounded generators for
//! `arbitrary` so that fuzzers and property tests only build encodable values.

use crate::wire::codec::{DecodeError, Reader, Writer, BOOL_FALSE, BOOL_TRUE, MAX_BODY_BYTES, VECTOR_ID};

/// A boxed TL object: written with its constructor id, read by checking it.
pub trait TlObject: Sized {
    /// The TL type's name, for error messages.
    const NAME: &'static str;
    /// The fewest bytes one encoded object takes. Bounds a vector's element
    /// count by the bytes left before anything is allocated.
    const MIN_BYTES: usize;

    /// Append the object, constructor id first.
    fn write(&self, writer: &mut Writer);

    /// Read one object, constructor id first.
    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// The object's encoding on its own.
    fn encode(&self) -> Vec<u8> {
        let mut writer = Writer::new();
        self.write(&mut writer);
        writer.finish()
    }

    /// Decode exactly one object; trailing bytes are an error.
    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        check_body_length(bytes)?;
        let mut reader = Reader::new(bytes);
        let object = Self::read(&mut reader)?;
        reader.finish(Self::NAME)?;
        Ok(object)
    }
}

/// A TL combinator with exactly one constructor id, written as the id and
/// then its body. Every API *function* is one: its struct implements this
/// and gets [`TlObject`] for free, and a dispatcher that has already read
/// the id calls [`Bare::read_body`].
pub trait Bare: Sized {
    /// The constructor id.
    const ID: u32;
    /// The combinator's name, for error messages.
    const NAME: &'static str;
    /// The fewest bytes of the body (after the id).
    const MIN_BODY_BYTES: usize;

    /// Append the body, without the constructor id.
    fn write_body(&self, writer: &mut Writer);

    /// Read the body; the constructor id has already been read.
    fn read_body(reader: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

impl<T: Bare> TlObject for T {
    const NAME: &'static str = <T as Bare>::NAME;
    const MIN_BYTES: usize = 4 + T::MIN_BODY_BYTES;

    fn write(&self, writer: &mut Writer) {
        writer.u32(T::ID);
        self.write_body(writer);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.expect_constructor(T::ID, <T as Bare>::NAME)?;
        T::read_body(reader)
    }
}

/// A boxed type's constructor ids: lets a dispatcher pick the type of an
/// answer from its first four bytes.
pub trait Constructors {
    /// Every constructor id of the type.
    const IDS: &'static [u32];
}

/// `Bool`: `boolTrue#997275b5` or `boolFalse#bc799737`.
impl TlObject for bool {
    const NAME: &'static str = "Bool";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        writer.bool(*self);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        reader.bool()
    }
}

impl Constructors for bool {
    const IDS: &'static [u32] = &[BOOL_TRUE, BOOL_FALSE];
}

/// Refuse a body above [`MAX_BODY_BYTES`] before looking at it.
pub(crate) fn check_body_length(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.len() > MAX_BODY_BYTES {
        return Err(DecodeError::TooLong {
            what: "body",
            length: bytes.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(())
}

/// The error for a constructor id that is not one of `context`'s.
pub(crate) fn unknown(constructor: u32, context: &'static str) -> DecodeError {
    DecodeError::UnknownConstructor { constructor, context }
}

/// Write a boxed `Vector<T>` of objects.
pub(crate) fn write_vector<T: TlObject>(writer: &mut Writer, items: &[T]) {
    writer.u32(VECTOR_ID).u32(items.len() as u32);
    for item in items {
        item.write(writer);
    }
}

/// Read a boxed `Vector<T>` of at most `limit` objects.
pub(crate) fn read_vector<T: TlObject>(reader: &mut Reader<'_>, limit: usize) -> Result<Vec<T>, DecodeError> {
    let count = reader.vector_length(limit, T::MIN_BYTES)?;
    (0..count).map(|_| T::read(reader)).collect()
}

/// Write a boxed `Vector<bytes>`.
pub(crate) fn write_bytes_vector(writer: &mut Writer, items: &[Vec<u8>]) {
    writer.u32(VECTOR_ID).u32(items.len() as u32);
    for item in items {
        writer.bytes(item);
    }
}

/// Read a boxed `Vector<bytes>` of at most `limit` items of at most
/// `item_limit` bytes each. An empty `bytes` takes 4 bytes on the wire.
pub(crate) fn read_bytes_vector(
    reader: &mut Reader<'_>,
    limit: usize,
    item_limit: usize,
) -> Result<Vec<Vec<u8>>, DecodeError> {
    let count = reader.vector_length(limit, 4)?;
    (0..count).map(|_| read_bytes(reader, item_limit)).collect()
}

/// Write a boxed `Vector<long>`.
pub(crate) fn write_i64_vector(writer: &mut Writer, items: &[i64]) {
    writer.u32(VECTOR_ID).u32(items.len() as u32);
    for item in items {
        writer.i64(*item);
    }
}

/// Read a boxed `Vector<long>` of at most `limit` items.
pub(crate) fn read_i64_vector(reader: &mut Reader<'_>, limit: usize) -> Result<Vec<i64>, DecodeError> {
    let count = reader.vector_length(limit, 8)?;
    (0..count).map(|_| reader.i64()).collect()
}

/// Write an empty boxed vector: a field of a type this project does not
/// model (`Message`, `Chat`, ...), which it therefore always leaves empty.
pub(crate) fn write_empty_vector(writer: &mut Writer) {
    writer.u32(VECTOR_ID).u32(0);
}

/// Read a boxed vector that must be empty (see [`write_empty_vector`]).
pub(crate) fn read_empty_vector(reader: &mut Reader<'_>, field: &'static str) -> Result<(), DecodeError> {
    match reader.vector_length(0, 0) {
        Ok(_) => Ok(()),
        Err(DecodeError::TooLong { length, .. }) => Err(DecodeError::Invalid {
            field,
            detail: format!("{length} items of a type this project does not model"),
        }),
        Err(error) => Err(error),
    }
}

/// TL `bytes` of at most `limit`, copied out.
pub(crate) fn read_bytes(reader: &mut Reader<'_>, limit: usize) -> Result<Vec<u8>, DecodeError> {
    reader.bytes(limit).map(<[u8]>::to_vec)
}

/// A `flags:#` word whose set bits must all be in `known`: a bit this
/// project does not model would carry fields it cannot decode, so it is an
/// error rather than silently dropped (which would break encode∘decode).
pub(crate) fn read_flags(reader: &mut Reader<'_>, known: u32, context: &'static str) -> Result<u32, DecodeError> {
    let flags = reader.u32()?;
    let unknown_bits = flags & !known;
    if unknown_bits != 0 {
        return Err(DecodeError::Invalid {
            field: context,
            detail: format!("unsupported flag bits {unknown_bits:#x}"),
        });
    }
    Ok(flags)
}

/// Whether bit `index` of a flags word is set.
pub(crate) fn has(flags: u32, index: u32) -> bool {
    debug_assert!(index < 32);
    flags & (1 << index) != 0
}

/// The flags bit `index` when `set`, else 0.
pub(crate) fn bit(set: bool, index: u32) -> u32 {
    debug_assert!(index < 32);
    u32::from(set) << index
}

/// Generators for `#[arbitrary(with = ...)]`: values within the decoder's
/// limits, so that a generated object always round-trips.
#[cfg(feature = "arbitrary")]
pub(crate) mod arb {
    use arbitrary::{Arbitrary, Result, Unstructured};

    /// A string of at most `LIMIT` bytes (cut at a character boundary).
    pub(crate) fn string<const LIMIT: usize>(u: &mut Unstructured<'_>) -> Result<String> {
        let mut value: String = u.arbitrary()?;
        let mut end = value.len().min(LIMIT);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        value.truncate(end);
        Ok(value)
    }

    /// An optional string of at most `LIMIT` bytes.
    pub(crate) fn option_string<const LIMIT: usize>(u: &mut Unstructured<'_>) -> Result<Option<String>> {
        if u.arbitrary()? {
            string::<LIMIT>(u).map(Some)
        } else {
            Ok(None)
        }
    }

    /// At most `LIMIT` bytes.
    pub(crate) fn bytes<const LIMIT: usize>(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
        let mut value: Vec<u8> = u.arbitrary()?;
        value.truncate(LIMIT);
        Ok(value)
    }

    /// Optionally at most `LIMIT` bytes.
    pub(crate) fn option_bytes<const LIMIT: usize>(u: &mut Unstructured<'_>) -> Result<Option<Vec<u8>>> {
        if u.arbitrary()? {
            bytes::<LIMIT>(u).map(Some)
        } else {
            Ok(None)
        }
    }

    /// At most `LIMIT` arbitrary items.
    pub(crate) fn vec<'a, T: Arbitrary<'a>, const LIMIT: usize>(u: &mut Unstructured<'a>) -> Result<Vec<T>> {
        let mut value: Vec<T> = u.arbitrary()?;
        value.truncate(LIMIT);
        Ok(value)
    }

    /// At most `LIMIT` items of at most `ITEM_LIMIT` bytes each.
    pub(crate) fn bytes_vec<const LIMIT: usize, const ITEM_LIMIT: usize>(
        u: &mut Unstructured<'_>,
    ) -> Result<Vec<Vec<u8>>> {
        let count = u.int_in_range(0..=LIMIT)?;
        (0..count).map(|_| bytes::<ITEM_LIMIT>(u)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_outside_the_known_mask_are_errors() {
        let bytes = 0b1011u32.to_le_bytes();
        assert_eq!(read_flags(&mut Reader::new(&bytes), 0b1011, "f"), Ok(0b1011));
        assert_eq!(
            read_flags(&mut Reader::new(&bytes), 0b0011, "f"),
            Err(DecodeError::Invalid {
                field: "f",
                detail: "unsupported flag bits 0x8".into()
            })
        );
        assert!(has(0b100, 2) && !has(0b100, 1));
        assert_eq!(bit(true, 5) | bit(false, 6), 32);
    }

    #[test]
    fn vectors_round_trip_and_respect_limits() {
        let mut writer = Writer::new();
        write_i64_vector(&mut writer, &[-1, 2]);
        write_bytes_vector(&mut writer, &[vec![1, 2, 3], vec![]]);
        let encoded = writer.finish();
        assert_eq!(
            hex::encode(&encoded[..8]),
            "15c4b51c02000000",
            "boxed Vector: 0x1cb5c415 then the count"
        );
        let mut reader = Reader::new(&encoded);
        assert_eq!(read_i64_vector(&mut reader, 2), Ok(vec![-1, 2]));
        assert_eq!(read_bytes_vector(&mut reader, 2, 3), Ok(vec![vec![1, 2, 3], vec![]]));
        reader.finish("vectors").expect("consumed");
        assert!(matches!(
            read_i64_vector(&mut Reader::new(&encoded), 1),
            Err(DecodeError::TooLong { .. })
        ));
        let mut reader = Reader::new(&encoded);
        read_i64_vector(&mut reader, 2).expect("longs");
        assert!(matches!(
            read_bytes_vector(&mut reader, 2, 2),
            Err(DecodeError::TooLong { what: "bytes", .. })
        ));
    }

    #[cfg(feature = "arbitrary")]
    #[cfg(feature = "arbitrary")]
    #[test]
    fn bounded_generators_stay_within_limits() {
        let data: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        let mut u = arbitrary::Unstructured::new(&data);
        for _ in 0..20 {
            assert!(arb::string::<5>(&mut u).expect("string").len() <= 5);
            assert!(arb::bytes::<3>(&mut u).expect("bytes").len() <= 3);
            let items = arb::bytes_vec::<2, 4>(&mut u).expect("vec");
            assert!(items.len() <= 2 && items.iter().all(|item| item.len() <= 4));
        }
    }

    #[test]
    fn oversized_body_is_refused_up_front() {
        let body = vec![0u8; MAX_BODY_BYTES + 1];
        assert!(matches!(
            check_body_length(&body),
            Err(DecodeError::TooLong { what: "body", .. })
        ));
        assert_eq!(check_body_length(&body[..MAX_BODY_BYTES]), Ok(()));
    }
}
