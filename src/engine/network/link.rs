//! Link models and the network configuration: latency distribution (µs),
//! loss, duplication and reordering probabilities, with defaults for access
//! links (device or attacker host ↔ datacenter), inter-DC links, and
//! per-link overrides.

use std::collections::BTreeMap;

use crate::engine::distribution::{Distribution, DistributionError};
use crate::engine::network::topology::Node;

/// Most datacenters: Telegram runs five; the bound leaves room for experiments.
pub const MAX_DATACENTERS: u32 = 64;

/// Most per-link overrides in one configuration.
pub const MAX_LINK_OVERRIDES: usize = 1 << 16;

/// Default access-link latency: median 80 ms, p99 600 ms (a mobile network).
const DEFAULT_ACCESS_MEDIAN_MICROS: f64 = 80_000.0;
const DEFAULT_ACCESS_P99_MICROS: f64 = 600_000.0;

/// Default inter-DC latency: 20 ms, constant (a private backbone).
const DEFAULT_INTER_DC_MICROS: f64 = 20_000.0;

/// Why a link model or configuration is rejected (they come from scenario files).
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum LinkError {
    #[error("invalid latency: {0}")]
    Latency(#[from] DistributionError),
    #[error("{what} probability must lie in [0, 1], got {value}")]
    Probability { what: &'static str, value: f64 },
    #[error("datacenter count {count} outside 1..={MAX_DATACENTERS}")]
    DatacenterCount { count: u32 },
    #[error("too many link overrides: limit {MAX_LINK_OVERRIDES}")]
    TooManyOverrides,
}

/// How one link treats a packet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkModel {
    /// One-way latency in µs.
    pub latency: Distribution,
    /// Probability a packet is lost.
    pub loss: f64,
    /// Probability a delivered packet arrives twice.
    pub duplicate: f64,
    /// Probability a packet is held back by an extra latency draw, so a later one can overtake it.
    pub reorder: f64,
}

impl Default for LinkModel {
    /// A lossless link with mobile-network latency.
    fn default() -> LinkModel {
        LinkModel::lossless(Distribution::LogNormal {
            median: DEFAULT_ACCESS_MEDIAN_MICROS,
            p99: DEFAULT_ACCESS_P99_MICROS,
        })
    }
}

impl LinkModel {
    /// A link with `latency` and no loss, duplication or reordering.
    pub fn lossless(latency: Distribution) -> LinkModel {
        LinkModel {
            latency,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
        }
    }

    /// Check the latency distribution and every probability.
    pub fn validate(&self) -> Result<(), LinkError> {
        self.latency.validate()?;
        probability("loss", self.loss)?;
        probability("duplicate", self.duplicate)?;
        probability("reorder", self.reorder)
    }
}

fn probability(what: &'static str, value: f64) -> Result<(), LinkError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(LinkError::Probability { what, value })
    }
}

/// The network a scenario asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkConfig {
    /// Datacenters, numbered 1..=count like Telegram's.
    pub datacenters: u32,
    /// Links between a device or attacker host and each datacenter.
    pub access: LinkModel,
    /// Links between datacenters.
    pub inter_dc: LinkModel,
    /// Per-link replacements, keyed by the link's ends in ascending order
    /// (use [`NetworkConfig::override_link`], which normalises the key).
    pub overrides: BTreeMap<(Node, Node), LinkModel>,
}

impl Default for NetworkConfig {
    fn default() -> NetworkConfig {
        NetworkConfig {
            datacenters: 3,
            access: LinkModel::default(),
            inter_dc: LinkModel::lossless(Distribution::Constant {
                value: DEFAULT_INTER_DC_MICROS,
            }),
            overrides: BTreeMap::new(),
        }
    }
}

impl NetworkConfig {
    /// Set the inter-DC latency (µs), keeping the inter-DC link otherwise lossless.
    pub fn with_inter_dc_latency(mut self, latency: Distribution) -> NetworkConfig {
        self.inter_dc.latency = latency;
        self
    }

    /// Use `model` for the link between `a` and `b` instead of the default.
    pub fn override_link(&mut self, a: Node, b: Node, model: LinkModel) -> Result<(), LinkError> {
        let key = link_key(a, b);
        if !self.overrides.contains_key(&key) && self.overrides.len() >= MAX_LINK_OVERRIDES {
            return Err(LinkError::TooManyOverrides);
        }
        model.validate()?;
        self.overrides.insert(key, model);
        Ok(())
    }

    /// The model for the link between `a` and `b`: its override, else the
    /// inter-DC default between two datacenters, else the access default.
    pub fn model_for(&self, a: Node, b: Node) -> LinkModel {
        if let Some(model) = self.overrides.get(&link_key(a, b)) {
            return *model;
        }
        if a.is_datacenter() && b.is_datacenter() {
            self.inter_dc
        } else {
            self.access
        }
    }

    /// Check the datacenter count and every link model.
    pub fn validate(&self) -> Result<(), LinkError> {
        if self.datacenters == 0 || self.datacenters > MAX_DATACENTERS {
            return Err(LinkError::DatacenterCount {
                count: self.datacenters,
            });
        }
        if self.overrides.len() > MAX_LINK_OVERRIDES {
            return Err(LinkError::TooManyOverrides);
        }
        self.access.validate()?;
        self.inter_dc.validate()?;
        self.overrides.values().try_for_each(LinkModel::validate)
    }
}

fn link_key(a: Node, b: Node) -> (Node, Node) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_must_lie_in_the_unit_interval() {
        let mut model = LinkModel::default();
        assert_eq!(model.validate(), Ok(()));
        model.duplicate = 1.5;
        assert_eq!(
            model.validate(),
            Err(LinkError::Probability {
                what: "duplicate",
                value: 1.5
            })
        );
        model.duplicate = 0.0;
        model.loss = -0.1;
        assert_eq!(
            model.validate(),
            Err(LinkError::Probability {
                what: "loss",
                value: -0.1
            })
        );
        model.loss = f64::NAN;
        assert!(model.validate().is_err());
    }

    #[test]
    fn models_resolve_override_then_inter_dc_then_access() {
        let mut config = NetworkConfig::default().with_inter_dc_latency(Distribution::Constant { value: 5_000.0 });
        let (phone, dc1, dc2) = (Node::Device(1), Node::Datacenter(1), Node::Datacenter(2));
        assert_eq!(config.model_for(phone, dc1), LinkModel::default());
        assert_eq!(
            config.model_for(dc2, dc1).latency,
            Distribution::Constant { value: 5_000.0 }
        );
        let slow = LinkModel::lossless(Distribution::Constant { value: 1e6 });
        config.override_link(dc1, phone, slow).unwrap();
        assert_eq!(config.model_for(phone, dc1), slow);
        assert_eq!(config.model_for(phone, dc2), LinkModel::default());
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn configuration_is_validated() {
        let config = NetworkConfig {
            datacenters: 0,
            ..NetworkConfig::default()
        };
        assert_eq!(config.validate(), Err(LinkError::DatacenterCount { count: 0 }));
        let mut config = NetworkConfig::default();
        let bad = LinkModel {
            reorder: 2.0,
            ..LinkModel::default()
        };
        assert!(config.override_link(Node::Device(1), Node::Datacenter(1), bad).is_err());
        config.access.latency = Distribution::Uniform { min: 2.0, max: 1.0 };
        assert!(matches!(config.validate(), Err(LinkError::Latency(_))));
    }
}
