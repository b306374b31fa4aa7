//! The network model: who can reach whom (a petgraph topology of devices,
//! datacenters and attacker hosts), how each link treats a packet, and the
//! scheduled faults that cut paths.
//!
//! [`Network::send`] decides a packet's fate at send time, drawing from the
//! caller's RNG stream in a fixed order: faults at send time (no draw), loss
//! (one draw), latency (one sample) and reordering (one draw, plus a second
//! latency sample as extra delay when it strikes), then duplication (one
//! draw; a duplicate gets its own latency and reordering). A copy whose
//! arrival time falls inside a fault cutting its path is dropped as well: it
//! was in flight when the path went down or it reached an offline end.

pub mod counters;
pub mod fault;
pub mod link;
pub mod link_index;
pub mod topology;

use rand_core::RngCore;

use crate::engine::distribution::bernoulli;
pub use counters::{DropReason, NetworkCounters};
pub use fault::{Direction, Fault, FaultError, FaultSchedule};
pub use link::{LinkError, LinkModel, NetworkConfig};
use sessionlab_proto::time::Instant;
pub use topology::{Node, Topology, TopologyError};

/// Copies one send can produce: the packet and at most one duplicate.
pub const MAX_DELIVERIES_PER_SEND: usize = 2;

/// Why the network could not be built or a send could not be decided.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum NetworkError {
    #[error(transparent)]
    Topology(#[from] TopologyError),
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(transparent)]
    Fault(#[from] FaultError),
    #[error("no link between {from:?} and {to:?}")]
    NoLink { from: Node, to: Node },
}

/// One copy of a packet arriving.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Arrival time.
    pub at: Instant,
    /// Whether this copy is the network's duplicate.
    pub duplicate: bool,
}

/// The copies of one packet that arrive: none, one, or two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deliveries {
    items: [Delivery; MAX_DELIVERIES_PER_SEND],
    len: usize,
}

impl Deliveries {
    fn push(&mut self, delivery: Delivery) {
        assert!(self.len < MAX_DELIVERIES_PER_SEND, "more copies than the network makes");
        self.items[self.len] = delivery;
        self.len += 1;
    }

    /// The arriving copies, in the order decided (not necessarily by time).
    pub fn as_slice(&self) -> &[Delivery] {
        &self.items[..self.len]
    }

    /// How many copies arrive.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing arrives.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What the network decided for one packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendOutcome {
    /// The copies that arrive.
    pub deliveries: Deliveries,
    /// Why a copy was dropped, if one was (the first such reason).
    pub dropped: Option<DropReason>,
}

/// The network of one run.
#[derive(Clone, Debug)]
pub struct Network {
    config: NetworkConfig,
    topology: Topology,
    faults: FaultSchedule,
    counters: NetworkCounters,
}

impl Network {
    /// Datacenters 1..=count, fully meshed by inter-DC links, and `faults`.
    pub fn new(config: NetworkConfig, faults: Vec<Fault>) -> Result<Network, NetworkError> {
        config.validate()?;
        let faults = FaultSchedule::new(faults)?;
        let mut topology = Topology::new();
        for dc in 1..=config.datacenters {
            topology.add_node(Node::Datacenter(dc))?;
            for other in 1..dc {
                let (a, b) = (Node::Datacenter(other), Node::Datacenter(dc));
                topology.connect(a, b, config.model_for(a, b))?;
            }
        }
        Ok(Network {
            config,
            topology,
            faults,
            counters: NetworkCounters::default(),
        })
    }

    /// Add device `id`, linked to every datacenter (it fetches media from
    /// other DCs, so it talks to them all).
    pub fn add_device(&mut self, id: u32) -> Result<(), NetworkError> {
        self.add_endpoint(Node::Device(id))
    }

    /// Add attacker host `id`, linked to every datacenter.
    pub fn add_attacker_host(&mut self, id: u32) -> Result<(), NetworkError> {
        self.add_endpoint(Node::AttackerHost(id))
    }

    fn add_endpoint(&mut self, node: Node) -> Result<(), NetworkError> {
        self.topology.add_node(node)?;
        for dc in 1..=self.config.datacenters {
            let datacenter = Node::Datacenter(dc);
            self.topology
                .connect(node, datacenter, self.config.model_for(node, datacenter))?;
        }
        Ok(())
    }

    /// Decide the fate of a packet of `bytes_len` bytes sent at `now`.
    pub fn send(
        &mut self,
        now: Instant,
        from: Node,
        to: Node,
        bytes_len: u64,
        rng: &mut impl RngCore,
    ) -> Result<SendOutcome, NetworkError> {
        let link = *self.topology.link(from, to).ok_or(NetworkError::NoLink { from, to })?;
        self.counters.sent += 1;
        self.counters.bytes_sent = self.counters.bytes_sent.saturating_add(bytes_len);
        let mut outcome = SendOutcome::default();
        let cut = self.faults.cut(now, from, to);
        let fate = cut.or_else(|| bernoulli(rng, link.loss).then_some(DropReason::Loss));
        if let Some(reason) = fate {
            self.counters.record_drop(reason);
            outcome.dropped = Some(reason);
            return Ok(outcome);
        }
        let first = self.arrival(now, &link, rng);
        let second = bernoulli(rng, link.duplicate).then(|| self.arrival(now, &link, rng));
        if second.is_some() {
            self.counters.duplicated += 1;
        }
        let copies = [Some((first, false)), second.map(|at| (at, true))];
        for (at, duplicate) in copies.into_iter().flatten() {
            match self.faults.cut(at, from, to) {
                Some(reason) => {
                    self.counters.record_drop(reason);
                    outcome.dropped = outcome.dropped.or(Some(reason));
                }
                None => {
                    self.counters.delivered += 1;
                    outcome.deliveries.push(Delivery { at, duplicate });
                }
            }
        }
        Ok(outcome)
    }

    /// One copy's arrival time: latency, plus a second latency draw as extra
    /// delay when reordering strikes (so packets sent after it can overtake).
    fn arrival(&mut self, now: Instant, link: &LinkModel, rng: &mut impl RngCore) -> Instant {
        let mut delay_micros = link.latency.sample_micros(rng);
        if bernoulli(rng, link.reorder) {
            self.counters.reordered += 1;
            delay_micros = delay_micros.saturating_add(link.latency.sample_micros(rng));
        }
        Instant::from_unix_micros(now.unix_micros().saturating_add(delay_micros))
    }

    /// Why a packet from `from` to `to` at `at` would be cut by a fault, if it would.
    pub fn cut(&self, at: Instant, from: Node, to: Node) -> Option<DropReason> {
        self.faults.cut(at, from, to)
    }

    /// The counters so far.
    pub fn counters(&self) -> &NetworkCounters {
        &self.counters
    }

    /// The topology (nodes, links and their models).
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// The fault schedule.
    pub fn faults(&self) -> &FaultSchedule {
        &self.faults
    }

    /// The configuration the network was built from.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }
}

#[cfg(test)]
mod tests;
