//! `JSONValue`: the JSON tree `initConnection.params` carries, and the
//! project's opt-in marker inside it.
//!
//! ```text
//! jsonObjectValue#c0de1bd9 key:string value:JSONValue = JSONObjectValue;
//! jsonNull#3f6d7b68 = JSONValue;
//! jsonBool#c7345e6a value:Bool = JSONValue;
//! jsonNumber#2be0dfa4 value:double = JSONValue;
//! jsonString#b71e767a value:string = JSONValue;
//! jsonArray#f7444763 value:Vector<JSONValue> = JSONValue;
//! jsonObject#99c1d49d value:Vector<JSONObjectValue> = JSONValue;
//! ```
//!
//! Telegram documents `params` as "additional initConnection parameters"
//! (official apps send e.g. `{"tz_offset": 3600}`); the server reads any
//! well-formed tree and looks for one key only:
//!
//! **The opt-in to project-private answers.** A client whose `params` is an
//! object with `"sessionlab_extensions": true` ([`OPT_IN_KEY`],
//! [`JsonValue::opt_in`]) declares that it understands the
//! `sessionlab.*` constructors the server may answer with (today
//! `sessionlab.authorizationsWithSignals`, the session list with anomaly
//! signals). The server records that per auth key, like the rest of
//! `initConnection`; every other client — Telethon, tdesktop, anything
//! that does not send the key — gets only Telegram's published
//! constructors. The marker is 48 bytes on the wire, a multiple of the
//! 16-byte AES block, so adding it changes no packet's padding.
//!
//! Decoding is bounded: nesting at most [`MAX_JSON_DEPTH`] deep, at most
//! [`MAX_JSON_ITEMS`] items per array or object, strings at most
//! [`MAX_JSON_STRING_BYTES`]. A number keeps its IEEE-754 bits, so that
//! encode∘decode is the identity (NaN payloads included).

use super::limits::{MAX_JSON_DEPTH, MAX_JSON_ITEMS, MAX_JSON_STRING_BYTES};
use super::object::{unknown, TlObject};
use crate::wire::codec::{DecodeError, Reader, Writer, VECTOR_ID};
use crate::wire::ids;

/// The key of [`JsonValue::opt_in`]: a client that sends it as `true`
/// understands the project-private constructors.
pub const OPT_IN_KEY: &str = "sessionlab_extensions";

/// One JSON value, as TL carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonValue {
    /// `jsonNull`.
    Null,
    /// `jsonBool`.
    Bool(bool),
    /// `jsonNumber`: the IEEE-754 bits of the double (see [`JsonValue::number`]).
    Number(u64),
    /// `jsonString`.
    String(String),
    /// `jsonArray`.
    Array(Vec<JsonValue>),
    /// `jsonObject`: `(key, value)` pairs in wire order (`jsonObjectValue`).
    Object(Vec<(String, JsonValue)>),
}

impl JsonValue {
    /// `jsonNumber` holding `value`.
    pub fn number(value: f64) -> JsonValue {
        JsonValue::Number(value.to_bits())
    }

    /// The project's opt-in marker: `{"sessionlab_extensions": true}`.
    pub fn opt_in() -> JsonValue {
        JsonValue::Object(vec![(OPT_IN_KEY.to_string(), JsonValue::Bool(true))])
    }

    /// Whether these `initConnection.params` opt in: an object whose
    /// [`OPT_IN_KEY`] is `true` (the last one wins, as in JSON parsers).
    pub fn opts_in(&self) -> bool {
        let JsonValue::Object(members) = self else {
            return false;
        };
        members
            .iter()
            .rev()
            .find(|(key, _)| key == OPT_IN_KEY)
            .is_some_and(|(_, value)| *value == JsonValue::Bool(true))
    }

    fn read_at_depth(reader: &mut Reader<'_>, depth: usize) -> Result<JsonValue, DecodeError> {
        if depth > MAX_JSON_DEPTH {
            return Err(DecodeError::TooLong {
                what: "JSON nesting",
                length: depth,
                limit: MAX_JSON_DEPTH,
            });
        }
        match reader.u32()? {
            ids::JSON_NULL => Ok(JsonValue::Null),
            ids::JSON_BOOL => Ok(JsonValue::Bool(reader.bool()?)),
            ids::JSON_NUMBER => Ok(JsonValue::Number(reader.u64()?)),
            ids::JSON_STRING => Ok(JsonValue::String(reader.string(MAX_JSON_STRING_BYTES)?)),
            ids::JSON_ARRAY => {
                let count = reader.vector_length(MAX_JSON_ITEMS, JsonValue::MIN_BYTES)?;
                (0..count)
                    .map(|_| JsonValue::read_at_depth(reader, depth + 1))
                    .collect::<Result<_, _>>()
                    .map(JsonValue::Array)
            }
            ids::JSON_OBJECT => {
                // jsonObjectValue: id, an empty key, the smallest value.
                let count = reader.vector_length(MAX_JSON_ITEMS, 4 + 4 + JsonValue::MIN_BYTES)?;
                (0..count)
                    .map(|_| {
                        reader.expect_constructor(ids::JSON_OBJECT_VALUE, "JSONObjectValue")?;
                        let key = reader.string(MAX_JSON_STRING_BYTES)?;
                        Ok((key, JsonValue::read_at_depth(reader, depth + 1)?))
                    })
                    .collect::<Result<_, _>>()
                    .map(JsonValue::Object)
            }
            constructor => Err(unknown(constructor, Self::NAME)),
        }
    }

    /// How deeply the tree nests (a scalar is 0).
    fn depth(&self) -> usize {
        match self {
            JsonValue::Array(items) => 1 + items.iter().map(JsonValue::depth).max().unwrap_or(0),
            JsonValue::Object(members) => 1 + members.iter().map(|(_, value)| value.depth()).max().unwrap_or(0),
            JsonValue::Null | JsonValue::Bool(_) | JsonValue::Number(_) | JsonValue::String(_) => 0,
        }
    }
}

impl TlObject for JsonValue {
    const NAME: &'static str = "JSONValue";
    const MIN_BYTES: usize = 4;

    /// # Panics
    /// When nested deeper than [`MAX_JSON_DEPTH`]: no peer would accept
    /// it, so building one is a bug.
    fn write(&self, writer: &mut Writer) {
        assert!(self.depth() <= MAX_JSON_DEPTH, "JSON nested too deeply");
        match self {
            JsonValue::Null => {
                writer.u32(ids::JSON_NULL);
            }
            JsonValue::Bool(value) => {
                writer.u32(ids::JSON_BOOL).bool(*value);
            }
            JsonValue::Number(bits) => {
                writer.u32(ids::JSON_NUMBER).u64(*bits);
            }
            JsonValue::String(value) => {
                writer.u32(ids::JSON_STRING).string(value);
            }
            JsonValue::Array(items) => {
                writer.u32(ids::JSON_ARRAY).u32(VECTOR_ID).u32(items.len() as u32);
                for item in items {
                    item.write(writer);
                }
            }
            JsonValue::Object(members) => {
                writer.u32(ids::JSON_OBJECT).u32(VECTOR_ID).u32(members.len() as u32);
                for (key, value) in members {
                    writer.u32(ids::JSON_OBJECT_VALUE).string(key);
                    value.write(writer);
                }
            }
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        JsonValue::read_at_depth(reader, 0)
    }
}

/// Generates trees at most [`MAX_JSON_DEPTH`] deep with short strings and
/// few items, so that every generated value round-trips.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for JsonValue {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        arbitrary_at_depth(u, 0)
    }
}

#[cfg(feature = "arbitrary")]
fn arbitrary_at_depth(u: &mut arbitrary::Unstructured<'_>, depth: usize) -> arbitrary::Result<JsonValue> {
    use super::object::arb;
    const STRING: usize = 32;
    let leaf_only = depth >= MAX_JSON_DEPTH;
    let choice = u.int_in_range(0..=if leaf_only { 3 } else { 5 })?;
    Ok(match choice {
        0 => JsonValue::Null,
        1 => JsonValue::Bool(u.arbitrary()?),
        2 => JsonValue::Number(u.arbitrary()?),
        3 => JsonValue::String(arb::string::<STRING>(u)?),
        4 => {
            let count = u.int_in_range(0..=4)?;
            JsonValue::Array(
                (0..count)
                    .map(|_| arbitrary_at_depth(u, depth + 1))
                    .collect::<arbitrary::Result<_>>()?,
            )
        }
        _ => {
            let count = u.int_in_range(0..=4)?;
            JsonValue::Object(
                (0..count)
                    .map(|_| Ok((arb::string::<STRING>(u)?, arbitrary_at_depth(u, depth + 1)?)))
                    .collect::<arbitrary::Result<_>>()?,
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_in_marker_is_byte_exact_and_block_sized() {
        let encoded = JsonValue::opt_in().encode();
        assert_eq!(
            hex::encode(&encoded),
            concat!(
                "9dd4c199",
                "15c4b51c",
                "01000000",                                         // jsonObject, Vector, 1 member
                "d91bdec0",                                         // jsonObjectValue
                "1573657373696f6e6c61625f657874656e73696f6e730000", // "sessionlab_extensions", 2 padding
                "6a5e34c7",
                "b5757299", // jsonBool boolTrue
            )
        );
        assert_eq!(encoded.len(), 48);
        assert_eq!(encoded.len() % 16, 0);
        assert_eq!(JsonValue::decode(&encoded), Ok(JsonValue::opt_in()));
        assert!(JsonValue::opt_in().opts_in());
    }

    #[test]
    fn only_a_true_marker_in_an_object_opts_in() {
        let member = |value| JsonValue::Object(vec![(OPT_IN_KEY.to_string(), value)]);
        assert!(!member(JsonValue::Bool(false)).opts_in());
        assert!(!member(JsonValue::String("true".into())).opts_in());
        assert!(!JsonValue::Array(vec![JsonValue::opt_in()]).opts_in());
        assert!(!JsonValue::Object(vec![("tz_offset".into(), JsonValue::number(3600.0))]).opts_in());
        let overridden = JsonValue::Object(vec![
            (OPT_IN_KEY.to_string(), JsonValue::Bool(true)),
            (OPT_IN_KEY.to_string(), JsonValue::Null),
        ]);
        assert!(!overridden.opts_in());
    }

    #[test]
    fn every_value_kind_round_trips() {
        let tree = JsonValue::Object(vec![
            ("tz_offset".into(), JsonValue::number(-7200.0)),
            ("name".into(), JsonValue::String("é".into())),
            (
                "list".into(),
                JsonValue::Array(vec![
                    JsonValue::Null,
                    JsonValue::Bool(false),
                    JsonValue::Number(u64::MAX),
                ]),
            ),
        ]);
        let encoded = tree.encode();
        assert_eq!(encoded[..4], ids::JSON_OBJECT.to_le_bytes());
        assert_eq!(JsonValue::decode(&encoded), Ok(tree));
        assert_eq!(hex::encode(JsonValue::Null.encode()), "687b6d3f");
        assert_eq!(hex::encode(JsonValue::number(1.0).encode()), "a4dfe02b000000000000f03f");
    }

    #[test]
    fn deep_long_and_unknown_trees_are_errors() {
        let mut writer = Writer::new();
        for _ in 0..=MAX_JSON_DEPTH {
            writer.u32(ids::JSON_ARRAY).u32(VECTOR_ID).u32(1);
        }
        writer.u32(ids::JSON_NULL);
        assert!(matches!(
            JsonValue::decode(&writer.finish()),
            Err(DecodeError::TooLong {
                what: "JSON nesting",
                ..
            })
        ));
        let mut writer = Writer::new();
        writer
            .u32(ids::JSON_ARRAY)
            .u32(VECTOR_ID)
            .u32(MAX_JSON_ITEMS as u32 + 1);
        assert!(matches!(
            JsonValue::decode(&writer.finish()),
            Err(DecodeError::TooLong { .. })
        ));
        let mut writer = Writer::new();
        writer
            .u32(ids::JSON_STRING)
            .string(&"x".repeat(MAX_JSON_STRING_BYTES + 1));
        assert!(matches!(
            JsonValue::decode(&writer.finish()),
            Err(DecodeError::TooLong { .. })
        ));
        let mut writer = Writer::new();
        writer.u32(ids::JSON_OBJECT).u32(VECTOR_ID).u32(1).u32(ids::JSON_NULL);
        assert!(matches!(
            JsonValue::decode(&writer.finish()),
            Err(DecodeError::UnknownConstructor { .. } | DecodeError::UnexpectedEnd { .. })
        ));
        assert!(matches!(
            JsonValue::decode(&0x1234_5678u32.to_le_bytes()),
            Err(DecodeError::UnknownConstructor {
                context: "JSONValue",
                ..
            })
        ));
    }
}
