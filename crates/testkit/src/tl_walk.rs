//! A second, independent reader of the core's TL: it walks encoded bytes
//! by the schema *text* (`PUBLIC_DEFINITIONS` and `PRIVATE_DEFINITIONS`),
//! not by the core's typed decoders, and lists every constructor id in a
//! constructor position, nested ones included. Tests use it to check that
//! what a stock client receives holds only published constructors, and
//! that the encoders follow the definitions they cite.
//!
//! It understands what the core's answers use: `#` flag words and
//! `flags.N?` / `flags2.N?` conditions, `int`, `long`, `double`, `string`,
//! `bytes`, `Bool`, boxed `Vector<T>` and boxed types (any other type name:
//! the constructor id picks the definition). `Object` (`rpc_result`) is
//! any boxed value. Anything else is an error, never a panic.

use std::collections::BTreeMap;

use sessionlab_proto::wire::api::{PRIVATE_DEFINITIONS, PUBLIC_DEFINITIONS};

const VECTOR_ID: u32 = 0x1cb5_c415;
const BOOL_TRUE: u32 = 0x9972_75b5;
const BOOL_FALSE: u32 = 0xbc79_9737;
/// Deeper nesting than any answer has: the walk refuses it.
const MAX_DEPTH: usize = 16;

/// One field of a definition: its condition (flag word, bit) and type.
#[derive(Clone, Debug)]
struct Field {
    name: String,
    condition: Option<(String, u32)>,
    kind: String,
}

/// The schema, by constructor id.
#[derive(Debug)]
pub struct Schema {
    constructors: BTreeMap<u32, (String, Vec<Field>)>,
}

impl Schema {
    /// Every public and private definition of the core.
    pub fn of_the_core() -> Schema {
        let mut constructors = BTreeMap::new();
        for (id, definition) in PUBLIC_DEFINITIONS.iter().chain(PRIVATE_DEFINITIONS) {
            constructors.insert(*id, parse(definition));
        }
        Schema { constructors }
    }

    /// Every constructor id in `bytes`, one boxed object, in order of
    /// appearance; an error when the bytes do not follow the schema or
    /// are not consumed exactly.
    pub fn constructors_in(&self, bytes: &[u8]) -> Result<Vec<u32>, String> {
        let mut walk = Walk {
            schema: self,
            bytes,
            at: 0,
            seen: Vec::new(),
        };
        // A function's answer may be a boxed vector of objects
        // (`users.getUsers` answers `Vector<User>`).
        if bytes.get(..4) == Some(&VECTOR_ID.to_le_bytes()[..]) {
            walk.value("Vector<Object>", 0)?;
        } else {
            walk.boxed(0)?;
        }
        if walk.at != bytes.len() {
            return Err(format!("{} trailing bytes", bytes.len() - walk.at));
        }
        Ok(walk.seen)
    }

    /// The name of the constructor `id`, if the schema has it.
    pub fn name_of(&self, id: u32) -> Option<&str> {
        self.constructors.get(&id).map(|(name, _)| name.as_str())
    }
}

fn parse(definition: &str) -> (String, Vec<Field>) {
    let body = definition.trim().trim_end_matches(';');
    let (left, _) = body.split_once(" = ").unwrap_or((body, ""));
    let mut tokens = left.split(' ').filter(|token| !token.is_empty());
    let name = tokens
        .next()
        .and_then(|head| head.split('#').next())
        .unwrap_or_default()
        .to_string();
    let fields = tokens
        .filter(|token| !token.starts_with('{'))
        .filter_map(|token| {
            let (field, kind) = token.split_once(':')?;
            let (condition, kind) = match kind.split_once('?') {
                Some((flag, kind)) => {
                    let (word, bit) = flag.split_once('.')?;
                    (Some((word.to_string(), bit.parse().ok()?)), kind)
                }
                None => (None, kind),
            };
            Some(Field {
                name: field.to_string(),
                condition,
                kind: kind.to_string(),
            })
        })
        .collect();
    (name, fields)
}

struct Walk<'a> {
    schema: &'a Schema,
    bytes: &'a [u8],
    at: usize,
    seen: Vec<u32>,
}

impl Walk<'_> {
    fn take(&mut self, count: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(count).filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| format!("{count} bytes wanted at {}", self.at))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let word = self.take(4)?;
        Ok(u32::from_le_bytes([word[0], word[1], word[2], word[3]]))
    }

    fn tl_bytes(&mut self) -> Result<(), String> {
        let first = usize::from(self.take(1)?[0]);
        let (header, length) = if first < 254 {
            (1, first)
        } else {
            let rest = self.take(3)?;
            (
                4,
                usize::from(rest[0]) | usize::from(rest[1]) << 8 | usize::from(rest[2]) << 16,
            )
        };
        self.take(length)?;
        self.take((4 - (header + length) % 4) % 4)?;
        Ok(())
    }

    fn boxed(&mut self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        let id = self.u32()?;
        self.seen.push(id);
        if id == BOOL_TRUE || id == BOOL_FALSE {
            return Ok(());
        }
        let (name, fields) = self
            .schema
            .constructors
            .get(&id)
            .ok_or_else(|| format!("unknown constructor {id:#010x} at {}", self.at - 4))?;
        let mut flags: BTreeMap<&str, u32> = BTreeMap::new();
        for field in fields {
            if let Some((word, bit)) = &field.condition {
                let value = flags.get(word.as_str()).copied().unwrap_or(0);
                if value & (1 << bit) == 0 || field.kind == "true" {
                    continue;
                }
            }
            if field.kind == "#" {
                flags.insert(field.name.as_str(), self.u32()?);
                continue;
            }
            self.value(&field.kind, depth)
                .map_err(|error| format!("{name}.{}: {error}", field.name))?;
        }
        Ok(())
    }

    fn value(&mut self, kind: &str, depth: usize) -> Result<(), String> {
        match kind {
            "int" => self.take(4).map(drop),
            "long" | "double" => self.take(8).map(drop),
            "string" | "bytes" => self.tl_bytes(),
            _ => {
                if let Some(element) = kind.strip_prefix("Vector<").and_then(|rest| rest.strip_suffix('>')) {
                    if self.u32()? != VECTOR_ID {
                        return Err("not a boxed vector".into());
                    }
                    let count = self.u32()?;
                    if count as usize > self.bytes.len() {
                        return Err(format!("{count} items cannot fit"));
                    }
                    (0..count).try_for_each(|_| self.value(element, depth + 1))
                } else if kind == "Object" && self.bytes.get(self.at..self.at + 4) == Some(&VECTOR_ID.to_le_bytes()[..])
                {
                    // `rpc_result`'s `result:Object` may be a boxed vector of
                    // objects (`users.getUsers` answers `Vector<User>`).
                    self.value("Vector<Object>", depth)
                } else if kind.starts_with(|first: char| first.is_ascii_lowercase()) && !kind.contains('.') {
                    Err(format!("bare type {kind} is not walked"))
                } else {
                    self.boxed(depth + 1)
                }
            }
        }
    }
}
