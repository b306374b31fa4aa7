//! Conversion of values built from tables and lists: distributions,
//! per-seed settings (`{ min, max }` ranges, lists of choices, `[swarm]`
//! overrides) and `[expect]` entries.

use std::collections::BTreeMap;

use super::distribution::{Distribution, Quantity};
use super::error::{Problem, ScenarioError};
use super::expect::{Bound, Expectation};
use super::leaf::{Ctx, Result, SwarmEntry};
use super::limits::MAX_TABLE_ENTRIES;
use super::metrics::{MetricId, MetricKind};
use super::node::{Key, Node, NodeValue};
use super::sampled::{Sampled, Value};

/// Parameters of each distribution, after `dist`.
const DISTRIBUTIONS: &[(&str, &[&str])] = &[
    ("constant", &["value"]),
    ("uniform", &["min", "max"]),
    ("normal", &["mean", "stddev"]),
    ("lognormal", &["median", "p99"]),
    ("pareto", &["scale", "shape"]),
];

/// The keys of a `{ min, max }` range.
const RANGE_KEYS: &[&str] = &["min", "max"];

impl Ctx<'_> {
    /// The entries of a table whose keys must all be in `allowed`.
    fn keyed<'n>(&self, key: &str, node: &'n Node, allowed: &[&str]) -> Result<BTreeMap<&'n str, &'n Node>> {
        let NodeValue::Table(entries) = &node.value else {
            return Err(self.wrong_type(key, node, "a table"));
        };
        let mut keyed = BTreeMap::new();
        for (entry_key, value) in entries {
            if !allowed.contains(&entry_key.name.as_str()) {
                let expected = allowed
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let problem = Problem::UnknownKey {
                    key: format!("{key}.{}", entry_key.name),
                    expected,
                };
                return Err(self.error(&entry_key.span, problem));
            }
            keyed.insert(entry_key.name.as_str(), value);
        }
        Ok(keyed)
    }

    /// A distribution, or a plain value meaning a constant one. `leaf`
    /// converts one parameter value.
    pub fn distribution<Q: Quantity>(
        &self,
        key: &str,
        node: &Node,
        leaf: impl Fn(&Self, &str, &Node) -> Result<Q>,
    ) -> Result<Distribution<Q>> {
        if !matches!(node.value, NodeValue::Table(_)) {
            return Ok(Distribution::Constant(leaf(self, key, node)?));
        }
        let mut allowed = vec!["dist"];
        DISTRIBUTIONS
            .iter()
            .for_each(|(_, parameters)| allowed.extend_from_slice(parameters));
        let table = self.keyed(key, node, &allowed)?;
        let dist_key = format!("{key}.dist");
        let dist_node = table
            .get("dist")
            .ok_or_else(|| self.error(&node.span, Problem::MissingKey(dist_key.clone())))?;
        let names: Vec<(&str, usize)> = DISTRIBUTIONS
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (*name, i))
            .collect();
        let (dist, parameters) = DISTRIBUTIONS[self.name_of(&dist_key, dist_node, &names)?];
        for (name, value) in &table {
            if *name != "dist" && !parameters.contains(name) {
                let expected = format!("`{}` for dist = \"{dist}\"", parameters.join("`, `"));
                let problem = Problem::UnknownKey {
                    key: format!("{key}.{name}"),
                    expected,
                };
                return Err(self.error(&self.key_span(node, name).unwrap_or(value.span.clone()), problem));
            }
        }
        let parameter = |name: &str| -> Result<&Node> {
            table.get(name).copied().ok_or_else(|| {
                let problem = Problem::MissingParameter {
                    key: key.to_string(),
                    dist: dist.to_string(),
                    parameter: name.to_string(),
                };
                self.error(&node.span, problem)
            })
        };
        let value = |name: &str| -> Result<(Q, &Node)> {
            let parameter_node = parameter(name)?;
            Ok((leaf(self, &format!("{key}.{name}"), parameter_node)?, parameter_node))
        };
        let distribution = match dist {
            "constant" => Distribution::Constant(value("value")?.0),
            "uniform" => {
                let ((min, min_node), (max, max_node)) = (value("min")?, value("max")?);
                self.ordered(
                    &format!("{key}.max"),
                    max_node,
                    min.to_base() <= max.to_base(),
                    "min",
                    min_node,
                )?;
                Distribution::Uniform { min, max }
            }
            "normal" => {
                let ((mean, _), (stddev, stddev_node)) = (value("mean")?, value("stddev")?);
                if stddev.to_base() < 0.0 {
                    return Err(self.out_of_range(&format!("{key}.stddev"), stddev_node, "a spread of at least 0s"));
                }
                Distribution::Normal { mean, stddev }
            }
            "lognormal" => {
                let ((median, median_node), (p99, p99_node)) = (value("median")?, value("p99")?);
                if median.to_base() <= 0.0 {
                    return Err(self.out_of_range(&format!("{key}.median"), median_node, "greater than zero"));
                }
                let ordered = median.to_base() <= p99.to_base();
                self.ordered(&format!("{key}.p99"), p99_node, ordered, "median", median_node)?;
                Distribution::LogNormal { median, p99 }
            }
            _ => {
                let (scale, scale_node) = value("scale")?;
                if scale.to_base() <= 0.0 {
                    return Err(self.out_of_range(&format!("{key}.scale"), scale_node, "greater than zero"));
                }
                let shape_key = format!("{key}.shape");
                let shape_node = parameter("shape")?;
                let shape = self.number(&shape_key, shape_node)?;
                if shape <= 0.0 {
                    return Err(self.out_of_range(&shape_key, shape_node, "greater than zero"));
                }
                Distribution::Pareto { scale, shape }
            }
        };
        Ok(distribution)
    }

    /// Fails at `node` unless `holds` (`node` must be at least `lower`).
    fn ordered(&self, key: &str, node: &Node, holds: bool, lower_name: &str, lower: &Node) -> Result<()> {
        if holds {
            return Ok(());
        }
        Err(self.out_of_range(key, node, format!("at least `{lower_name}` = {lower}")))
    }

    /// The span of key `name` in table `node`.
    fn key_span(&self, node: &Node, name: &str) -> Option<std::ops::Range<usize>> {
        let NodeValue::Table(entries) = &node.value else {
            return None;
        };
        entries
            .iter()
            .find(|(key, _)| key.name == name)
            .map(|(key, _)| key.span.clone())
    }

    /// A per-seed setting at `path`: a `[swarm]` override when there is one,
    /// else `node`, else `default`. A `{ min, max }` table is a range (only
    /// when `rangeable`), a list is a set of choices, anything else a fixed value.
    pub fn sampled<T: Value + PartialOrd>(
        &mut self,
        path: &str,
        node: Option<&Node>,
        default: T,
        rangeable: bool,
        leaf: impl Fn(&Self, &str, &Node) -> Result<T>,
    ) -> Result<Sampled<T>> {
        if !self.per_seed_paths.iter().any(|known| known == path) {
            self.per_seed_paths.push(path.to_string());
        }
        let overridden = self.swarm.iter_mut().find(|entry| entry.key.name == path).map(|entry| {
            entry.used = true;
            entry.node.clone()
        });
        let Some(node) = overridden.as_ref().or(node) else {
            return Ok(Sampled::Fixed(default));
        };
        match &node.value {
            NodeValue::Table(_) if rangeable => {
                let table = self.keyed(path, node, RANGE_KEYS)?;
                let bound = |name: &str| -> Result<(T, &Node)> {
                    let bound_node = table
                        .get(name)
                        .copied()
                        .ok_or_else(|| self.error(&node.span, Problem::MissingKey(format!("{path}.{name}"))))?;
                    Ok((leaf(self, &format!("{path}.{name}"), bound_node)?, bound_node))
                };
                let ((min, min_node), (max, max_node)) = (bound("min")?, bound("max")?);
                self.ordered(&format!("{path}.max"), max_node, min <= max, "min", min_node)?;
                Ok(Sampled::Range { min, max })
            }
            NodeValue::Table(_) => {
                let message = format!("`{path}` takes no {{ min, max }} range; list the choices instead, e.g. [a, b]");
                Err(self.error(&node.span, Problem::Invalid(message)))
            }
            NodeValue::Array(items) => {
                if items.is_empty() || items.len() > MAX_TABLE_ENTRIES {
                    let expected = format!("a list of 1 to {MAX_TABLE_ENTRIES} choices");
                    return Err(self.out_of_range(path, node, expected));
                }
                let choices = items
                    .iter()
                    .map(|item| leaf(self, path, item))
                    .collect::<Result<Vec<T>>>()?;
                Ok(Sampled::OneOf(choices))
            }
            _ => Ok(Sampled::Fixed(leaf(self, path, node)?)),
        }
    }

    /// The span of the value that set `path`: its `[swarm]` entry, else `node`.
    pub fn setting_span(&self, path: &str, node: Option<&Node>) -> Option<std::ops::Range<usize>> {
        let swarm = self.swarm.iter().find(|entry| entry.key.name == path);
        swarm
            .map(|entry| entry.node.span.clone())
            .or_else(|| node.map(|node| node.span.clone()))
    }

    /// Every `[swarm]` entry no setting consumed, each naming the settings
    /// that may vary per seed.
    pub fn unused_swarm_entries(&self) -> Vec<ScenarioError> {
        self.swarm
            .iter()
            .filter(|entry| !entry.used)
            .map(|entry| {
                let message = format!(
                    "`{}` cannot vary per seed; the settings that can are {}",
                    entry.key.name,
                    self.per_seed_paths.join(", ")
                );
                self.error(&entry.key.span, Problem::Invalid(message))
            })
            .collect()
    }

    /// `[expect]`: each key a metric, each value a bound of the metric's kind.
    pub fn expectations(&self, node: &Node) -> Result<Vec<Expectation>> {
        let NodeValue::Table(entries) = &node.value else {
            return Err(self.wrong_type("expect", node, "a table"));
        };
        entries
            .iter()
            .map(|(key, value)| self.expectation(key, value))
            .collect()
    }

    fn expectation(&self, key: &Key, node: &Node) -> Result<Expectation> {
        let Some(metric) = MetricId::from_name(&key.name).map(MetricId::spec) else {
            return Err(self.error(&key.span, Problem::UnknownMetric(key.name.clone())));
        };
        let path = format!("expect.{}", key.name);
        let bound = match (metric.kind, &node.value) {
            (MetricKind::Bool, NodeValue::Boolean(value)) => Bound::Is(*value),
            (MetricKind::Bool, _) => return Err(self.wrong_type(&path, node, "true or false")),
            (MetricKind::Number, NodeValue::Table(_)) => {
                let table = self.keyed(&path, node, RANGE_KEYS)?;
                let number = |name: &str| {
                    table
                        .get(name)
                        .map(|value| self.number(&format!("{path}.{name}"), value))
                        .transpose()
                };
                match (number("min")?, number("max")?, table.get("min"), table.get("max")) {
                    (Some(min), Some(max), Some(min_node), Some(max_node)) => {
                        self.ordered(&format!("{path}.max"), max_node, min <= max, "min", min_node)?;
                        Bound::Between { min, max }
                    }
                    (Some(min), None, ..) => Bound::AtLeast(min),
                    (None, Some(max), ..) => Bound::AtMost(max),
                    _ => return Err(self.error(&node.span, Problem::MissingKey(format!("{path}.max")))),
                }
            }
            (MetricKind::Number, _) => Bound::Equal(self.number(&path, node)?),
        };
        let (line, _) = super::error::line_column(self.locator.source, key.span.start);
        Ok(Expectation {
            metric: metric.id,
            bound,
            line,
        })
    }
}

/// Flattens `[swarm]` into (dotted path, value) entries: nested tables and
/// dotted keys both name a path; a `{ min, max }` table, a list or a plain
/// value ends it.
pub(crate) fn flatten_swarm(ctx: &Ctx<'_>, node: &Node) -> Result<Vec<SwarmEntry>> {
    let mut entries = Vec::new();
    flatten_into(ctx, "", node, &mut entries)?;
    Ok(entries)
}

fn flatten_into(ctx: &Ctx<'_>, prefix: &str, node: &Node, out: &mut Vec<SwarmEntry>) -> Result<()> {
    let NodeValue::Table(children) = &node.value else {
        return Err(ctx.wrong_type("swarm", node, "a table of settings"));
    };
    for (key, value) in children {
        let path = if prefix.is_empty() {
            key.name.clone()
        } else {
            format!("{prefix}.{}", key.name)
        };
        let is_range = matches!(&value.value, NodeValue::Table(inner)
            if !inner.is_empty() && inner.iter().all(|(k, _)| RANGE_KEYS.contains(&k.name.as_str())));
        if matches!(value.value, NodeValue::Table(_)) && !is_range {
            flatten_into(ctx, &path, value, out)?;
        } else if out.len() >= MAX_TABLE_ENTRIES {
            return Err(ctx.out_of_range("swarm", value, format!("at most {MAX_TABLE_ENTRIES} settings")));
        } else {
            out.push(SwarmEntry {
                key: Key {
                    span: key.span.clone(),
                    name: path,
                },
                node: value.clone(),
                used: false,
            });
        }
    }
    Ok(())
}
