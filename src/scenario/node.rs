//! A TOML value tree that keeps the byte span of every value and every key.
//!
//! serde structs with `deny_unknown_fields` give the document its shape; the
//! values that have their own grammar (durations, distributions, ranges,
//! percentages, ...) are kept as [`Node`]s and converted by our code, so that
//! each rule can report a typed [`super::Problem`] at the exact position of the
//! offending value, even inside an inline table.
//!
//! A native TOML date-time cannot be a `Node` (toml passes it through serde
//! as a private map that `Spanned` keys cannot read); the only date-time key,
//! `scenario.epoch`, is read as a `Spanned<toml::Value>` instead.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// A TOML value with the byte span it occupies in the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub span: Range<usize>,
    pub value: NodeValue,
}

/// The value part of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeValue {
    Integer(i64),
    Float(f64),
    Boolean(bool),
    String(String),
    Array(Vec<Node>),
    Table(Vec<(Key, Node)>),
}

/// A table key with its span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub span: Range<usize>,
    pub name: String,
}

impl NodeValue {
    /// How a message names this kind of value ("a string", "a table", ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            NodeValue::Integer(_) => "an integer",
            NodeValue::Float(_) => "a float",
            NodeValue::Boolean(_) => "a boolean",
            NodeValue::String(_) => "a string",
            NodeValue::Array(_) => "an array",
            NodeValue::Table(_) => "a table",
        }
    }
}

impl fmt::Display for Node {
    /// The value as a message quotes it: short, TOML-like.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            NodeValue::Integer(value) => write!(f, "{value}"),
            NodeValue::Float(value) => write!(f, "{value}"),
            NodeValue::Boolean(value) => write!(f, "{value}"),
            NodeValue::String(value) => write!(f, "{value:?}"),
            NodeValue::Array(_) => write!(f, "[...]"),
            NodeValue::Table(_) => write!(f, "{{...}}"),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<NodeValue>::deserialize(deserializer)?;
        let span = spanned.span();
        Ok(Node {
            span,
            value: spanned.into_inner(),
        })
    }
}

impl<'de> Deserialize<'de> for NodeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = NodeValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a TOML value")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<NodeValue, E> {
        Ok(NodeValue::Boolean(value))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<NodeValue, E> {
        Ok(NodeValue::Integer(value))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<NodeValue, E> {
        let value = i64::try_from(value).map_err(|_| E::custom("integer number overflowed"))?;
        Ok(NodeValue::Integer(value))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<NodeValue, E> {
        Ok(NodeValue::Float(value))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<NodeValue, E> {
        Ok(NodeValue::String(value.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let span = key.span();
            let value = map.next_value::<Node>()?;
            entries.push((
                Key {
                    span,
                    name: key.into_inner(),
                },
                value,
            ));
        }
        if entries.len() > super::limits::MAX_TABLE_ENTRIES {
            return Err(A::Error::custom("table has too many entries"));
        }
        Ok(NodeValue::Table(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Node {
        #[derive(serde::Deserialize)]
        struct Doc {
            v: Node,
        }
        let doc: Doc = toml::from_str(source).expect("valid toml");
        doc.v
    }

    #[test]
    fn scalars_keep_their_spans() {
        let node = parse("v = 42");
        assert_eq!(
            node,
            Node {
                span: 4..6,
                value: NodeValue::Integer(42)
            }
        );
        assert_eq!(parse("v = 'x'").value, NodeValue::String("x".into()));
        assert_eq!(parse("v = 1.5").value, NodeValue::Float(1.5));
        assert_eq!(parse("v = true").value, NodeValue::Boolean(true));
    }

    #[test]
    fn inline_tables_keep_key_and_value_spans() {
        let node = parse("v = { a = 1 }");
        let NodeValue::Table(entries) = node.value else {
            panic!("not a table")
        };
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0].0,
            Key {
                span: 6..7,
                name: "a".into()
            }
        );
        assert_eq!(entries[0].1.span, 10..11);
    }

    #[test]
    fn arrays_hold_nodes() {
        let node = parse("v = [1, 'b']");
        let NodeValue::Array(items) = node.value else {
            panic!("not an array")
        };
        assert_eq!(
            items[1],
            Node {
                span: 8..11,
                value: NodeValue::String("b".into())
            }
        );
    }

    #[test]
    fn display_quotes_values_briefly() {
        assert_eq!(parse("v = '30'").to_string(), "\"30\"");
        assert_eq!(parse("v = [1]").to_string(), "[...]");
        assert_eq!(parse("v = {a=1}").to_string(), "{...}");
    }
}
