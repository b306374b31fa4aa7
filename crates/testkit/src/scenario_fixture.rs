//! Scenario files as typed values: a builder that renders TOML, so that the
//! file parser (`sessionlab::scenario::parse_scenario`) is still what reads
//! a test's scenario, with positions in its errors, and no test templates
//! text with `.replace(...)`.
//!
//! ```
//! use sessionlab_testkit::scenario_fixture::{device, ScenarioFixture};
//!
//! let text = ScenarioFixture::new("t").duration("7d").accounts(10).devices([device("phone")]).render();
//! assert_eq!(
//!     text,
//!     "[scenario]\nname = \"t\"\nduration = \"7d\"\n[population]\naccounts = 10\ndevices = [{ kind = \"phone\" }]\n"
//! );
//! ```
//!
//! Sections render in the order they were first set, keys in the order
//! they were set, with no blank line between sections (line numbers in a
//! test's expected error stay easy to count). [`ScenarioFixture::from_toml`]
//! reads any scenario file back into a fixture: `tests/it/scenario_files.rs`
//! checks that every shipped scenario survives parse → render → parse.

use sessionlab::scenario::{parse_scenario, ResolvedScenario, Scenario, ScenarioErrors};

/// A TOML value: what a key of a scenario file holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A basic string.
    Str(String),
    /// A whole number.
    Int(i64),
    /// A float (rendered with a decimal point, as the file would write it).
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// An offset date-time, local date or time, as TOML writes it.
    Datetime(String),
    /// `[a, b]`.
    Array(Vec<Value>),
    /// `{ key = value, ... }`, keys in order.
    Table(Vec<(String, Value)>),
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Str(value.to_string())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Str(value)
    }
}

impl From<i32> for Value {
    fn from(value: i32) -> Value {
        Value::Int(i64::from(value))
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Int(value)
    }
}

impl From<u32> for Value {
    fn from(value: u32) -> Value {
        Value::Int(i64::from(value))
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Value {
        Value::Float(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Bool(value)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(values: Vec<T>) -> Value {
        Value::Array(values.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>, const N: usize> From<[T; N]> for Value {
    fn from(values: [T; N]) -> Value {
        Value::Array(values.into_iter().map(Into::into).collect())
    }
}

impl From<Section> for Value {
    fn from(section: Section) -> Value {
        Value::Table(section.entries)
    }
}

/// An inline table from (key, value) pairs, in order.
pub fn inline<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Table(pairs.into_iter().map(|(key, value)| (key.to_string(), value)).collect())
}

/// One entry of `population.devices`: `{ kind = "<kind>" }`.
pub fn device(kind: &str) -> Value {
    inline([("kind", kind.into())])
}

/// One entry of `population.devices` with its probability.
pub fn device_with(kind: &str, probability: f64) -> Value {
    inline([("kind", kind.into()), ("probability", probability.into())])
}

/// The keys of one table: `[name]`, one `[[name]]` entry, or an inline table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    entries: Vec<(String, Value)>,
}

impl Section {
    /// No keys.
    pub fn new() -> Section {
        Section::default()
    }

    /// `key = value`, replacing an earlier value of `key` in place.
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Section {
        self.insert(key, value.into());
        self
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    fn insert(&mut self, key: &str, value: Value) {
        match self.entries.iter_mut().find(|(name, _)| name == key) {
            Some((_, slot)) => *slot = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }
}

/// `[[attacker]]`: `name`, `targets` and `acquire` (an inline table) set;
/// add `behavior` and the rest with [`Section::set`].
pub fn attacker(name: &str, targets: &str, acquire: Value) -> Section {
    Section::new()
        .set("name", name)
        .set("targets", targets)
        .set("acquire", acquire)
}

/// `attacker.acquire = { kind, device, at }`: the acquisitions that take a
/// victim's device (`"stolen_key"`, `"session_file"`, `"stolen_device"`).
/// `"sim_swap"` and `"phished_code"` take no `device`: write them with [`inline`].
///
/// ```
/// use sessionlab_testkit::scenario_fixture::{acquire, inline};
///
/// assert_eq!(
///     acquire("stolen_key", "desktop", "6h"),
///     inline([("kind", "stolen_key".into()), ("device", "desktop".into()), ("at", "6h".into())])
/// );
/// ```
pub fn acquire(kind: &str, device: &str, at: &str) -> Value {
    inline([("kind", kind.into()), ("device", device.into()), ("at", at.into())])
}

/// `[[fault]]`: `kind` from `at` for `duration`; add `devices`, `dc` and
/// the rest with [`Section::set`].
pub fn fault(kind: &str, at: &str, duration: &str) -> Section {
    Section::new().set("kind", kind).set("at", at).set("duration", duration)
}

/// `[[owner_action]]`: `action` at `at`, from the device kind `from`.
pub fn owner_action(action: &str, at: &str, from: &str) -> Section {
    Section::new().set("action", action).set("at", at).set("from", from)
}

/// `[[device_event]]`: `kind` happening to the device kind `device` at `at`.
pub fn device_event(kind: &str, device: &str, at: &str) -> Section {
    Section::new().set("kind", kind).set("device", device).set("at", at)
}

#[derive(Clone, Debug, PartialEq)]
enum Block {
    /// `[name]`.
    Table(String, Section),
    /// One `[[name]]`.
    Entry(String, Section),
}

/// A scenario file under construction.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioFixture {
    blocks: Vec<Block>,
}

impl ScenarioFixture {
    /// `[scenario]` with `name = "<name>"`, nothing else.
    pub fn new(name: &str) -> ScenarioFixture {
        ScenarioFixture { blocks: Vec::new() }.set("scenario", "name", name)
    }

    /// `key = value` in the table `[table]` (created, at the end, if absent).
    pub fn set(mut self, table: &str, key: &str, value: impl Into<Value>) -> ScenarioFixture {
        let value = value.into();
        let existing = self.blocks.iter_mut().find_map(|block| match block {
            Block::Table(name, section) if name == table => Some(section),
            _ => None,
        });
        match existing {
            Some(section) => section.insert(key, value),
            None => {
                let mut section = Section::new();
                section.insert(key, value);
                self.blocks.push(Block::Table(table.to_string(), section));
            }
        }
        self
    }

    /// One more `[[array]]` entry, after the existing ones.
    pub fn push(mut self, array: &str, entry: Section) -> ScenarioFixture {
        self.blocks.push(Block::Entry(array.to_string(), entry));
        self
    }

    /// Every `[[array]]` entry removed.
    pub fn without(mut self, array: &str) -> ScenarioFixture {
        self.blocks
            .retain(|block| !matches!(block, Block::Entry(name, _) if name == array));
        self
    }

    /// `scenario.duration`.
    pub fn duration(self, duration: &str) -> ScenarioFixture {
        self.set("scenario", "duration", duration)
    }

    /// `scenario.quiet_period`.
    pub fn quiet_period(self, quiet_period: &str) -> ScenarioFixture {
        self.set("scenario", "quiet_period", quiet_period)
    }

    /// `scenario.seeds`, e.g. `"0..2"`.
    pub fn seeds(self, seeds: &str) -> ScenarioFixture {
        self.set("scenario", "seeds", seeds)
    }

    /// `policy.<key>`.
    pub fn policy(self, key: &str, value: impl Into<Value>) -> ScenarioFixture {
        self.set("policy", key, value)
    }

    /// `policy.revocation`: `"sync"`, `"async:30s"`, `"lazy:10m"`.
    pub fn revocation(self, revocation: &str) -> ScenarioFixture {
        self.policy("revocation", revocation)
    }

    /// `datacenters.count`.
    pub fn datacenters(self, count: u32) -> ScenarioFixture {
        self.set("datacenters", "count", count)
    }

    /// `network.<key>`.
    pub fn network(self, key: &str, value: impl Into<Value>) -> ScenarioFixture {
        self.set("network", key, value)
    }

    /// `network.latency`.
    pub fn latency(self, latency: &str) -> ScenarioFixture {
        self.network("latency", latency)
    }

    /// `population.<key>`.
    pub fn population(self, key: &str, value: impl Into<Value>) -> ScenarioFixture {
        self.set("population", key, value)
    }

    /// `population.accounts`.
    pub fn accounts(self, accounts: u32) -> ScenarioFixture {
        self.population("accounts", accounts)
    }

    /// `population.two_factor`, a probability.
    pub fn two_factor(self, probability: f64) -> ScenarioFixture {
        self.population("two_factor", probability)
    }

    /// `population.devices` (see [`device`], [`device_with`]).
    pub fn devices(self, devices: impl Into<Value>) -> ScenarioFixture {
        self.population("devices", devices)
    }

    /// `population.online = { mean_session, mean_gap }`.
    pub fn online(self, mean_session: &str, mean_gap: &str) -> ScenarioFixture {
        self.population(
            "online",
            inline([("mean_session", mean_session.into()), ("mean_gap", mean_gap.into())]),
        )
    }

    /// `population.updates_per_day` and `population.update_bytes`.
    pub fn updates(self, per_day: u32, bytes: u32) -> ScenarioFixture {
        self.population("updates_per_day", per_day)
            .population("update_bytes", bytes)
    }

    /// `population.audit = { every, probability, action }`.
    pub fn audit(self, every: &str, probability: f64, action: &str) -> ScenarioFixture {
        self.population(
            "audit",
            inline([
                ("every", every.into()),
                ("probability", probability.into()),
                ("action", action.into()),
            ]),
        )
    }

    /// One more `[[fault]]` (see [`fault`]).
    pub fn fault(self, fault: Section) -> ScenarioFixture {
        self.push("fault", fault)
    }

    /// One more `[[attacker]]` (see [`attacker`]).
    pub fn attacker(self, attacker: Section) -> ScenarioFixture {
        self.push("attacker", attacker)
    }

    /// One more `[[owner_action]]` (see [`owner_action`]).
    pub fn owner_action(self, action: Section) -> ScenarioFixture {
        self.push("owner_action", action)
    }

    /// One more `[[device_event]]` (see [`device_event`]).
    pub fn device_event(self, event: Section) -> ScenarioFixture {
        self.push("device_event", event)
    }

    /// `expect.<metric> = value`.
    pub fn expect(self, metric: &str, value: impl Into<Value>) -> ScenarioFixture {
        self.set("expect", metric, value)
    }

    /// The scenario file's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            let (header, section) = match block {
                Block::Table(name, section) => (format!("[{}]", key(name)), section),
                Block::Entry(name, section) => (format!("[[{}]]", key(name)), section),
            };
            out.push_str(&header);
            out.push('\n');
            for (name, value) in &section.entries {
                out.push_str(&key(name));
                out.push_str(" = ");
                render_value(value, &mut out);
                out.push('\n');
            }
        }
        out
    }

    /// The rendered text as the file parser reads it (`<name>.toml` in errors).
    pub fn parse(&self, file_name: &str) -> Result<Scenario, ScenarioErrors> {
        parse_scenario(&self.render(), file_name)
    }

    /// Seed 0's draw of the scenario. Panics when it does not parse: a test's bug.
    pub fn resolved(&self) -> ResolvedScenario {
        match self.parse("test.toml") {
            Ok(scenario) => scenario.resolve(0),
            Err(error) => panic!("fixture does not parse: {error}\n{}", self.render()),
        }
    }

    /// A scenario file's text read back into a fixture: top-level tables
    /// become `[table]`s, arrays of tables `[[array]]` entries, nested
    /// tables inline tables. Keys come out sorted, which TOML ignores.
    pub fn from_toml(text: &str) -> Result<ScenarioFixture, String> {
        let table: toml::Table = toml::from_str(text).map_err(|error| error.to_string())?;
        let mut blocks = Vec::new();
        for (name, value) in table {
            match value {
                toml::Value::Table(inner) => blocks.push(Block::Table(name, section_of(inner))),
                toml::Value::Array(entries) if entries.iter().all(toml::Value::is_table) => {
                    for entry in entries {
                        if let toml::Value::Table(inner) = entry {
                            blocks.push(Block::Entry(name.clone(), section_of(inner)));
                        }
                    }
                }
                other => return Err(format!("top-level key `{name}` = {other} is not a table")),
            }
        }
        Ok(ScenarioFixture { blocks })
    }
}

fn section_of(table: toml::Table) -> Section {
    Section {
        entries: table.into_iter().map(|(key, value)| (key, value_of(value))).collect(),
    }
}

fn value_of(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::Str(text),
        toml::Value::Integer(number) => Value::Int(number),
        toml::Value::Float(number) => Value::Float(number),
        toml::Value::Boolean(flag) => Value::Bool(flag),
        toml::Value::Datetime(datetime) => Value::Datetime(datetime.to_string()),
        toml::Value::Array(values) => Value::Array(values.into_iter().map(value_of).collect()),
        toml::Value::Table(table) => Value::from(section_of(table)),
    }
}

/// A key, bare when TOML allows it, else quoted.
fn key(name: &str) -> String {
    let bare = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_string()
    } else {
        quoted(name)
    }
}

fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render_value(value: &Value, out: &mut String) {
    match value {
        Value::Str(text) => out.push_str(&quoted(text)),
        Value::Int(number) => out.push_str(&number.to_string()),
        Value::Float(number) if number.is_nan() => out.push_str("nan"),
        Value::Float(number) if number.is_infinite() => out.push_str(if *number > 0.0 { "inf" } else { "-inf" }),
        // `{:?}` keeps the decimal point (1.0, not 1) and round-trips exactly.
        Value::Float(number) => out.push_str(&format!("{number:?}")),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Datetime(text) => out.push_str(text),
        Value::Array(values) => {
            out.push('[');
            for (index, value) in values.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                render_value(value, out);
            }
            out.push(']');
        }
        Value::Table(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Table(entries) => {
            out.push_str("{ ");
            for (index, (name, value)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(&key(name));
                out.push_str(" = ");
                render_value(value, out);
            }
            out.push_str(" }");
        }
    }
}
