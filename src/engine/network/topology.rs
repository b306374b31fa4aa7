//! The network's shape: a petgraph graph of nodes (devices, datacenters,
//! attacker hosts) whose undirected edges carry each link's [`LinkModel`].
//!
//! The graph is a `GraphMap` with a fixed-key hasher: iteration follows
//! insertion order and lookups never depend on a per-process random seed.
//! Every packet looks its link up, so the hasher is FxHash, not SipHash
//! (which took 3 % of a large run); the order is the same with either.

use rustc_hash::FxBuildHasher;

use petgraph::graphmap::GraphMap;
use petgraph::Undirected;

use crate::engine::network::link::LinkModel;

/// Most nodes a network holds: devices and attacker hosts of a large
/// scenario (a thousand accounts × a few devices) with ample room.
pub const MAX_NODES: usize = 1 << 20;

/// An endpoint of the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    Device(u32),
    Datacenter(u32),
    AttackerHost(u32),
}

impl Node {
    /// Whether this node is a datacenter.
    pub fn is_datacenter(self) -> bool {
        matches!(self, Node::Datacenter(_))
    }
}

/// The graph type: fixed-key hashing keeps lookups deterministic.
pub type Graph = GraphMap<Node, LinkModel, Undirected, FxBuildHasher>;

/// Why the topology refused a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TopologyError {
    #[error("{0:?} is already in the network")]
    DuplicateNode(Node),
    #[error("{0:?} is not in the network")]
    UnknownNode(Node),
    #[error("too many network nodes: limit {MAX_NODES}")]
    TooManyNodes,
}

/// Nodes and links.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    graph: Graph,
}

impl Topology {
    /// An empty topology.
    pub fn new() -> Topology {
        Topology::default()
    }

    /// Add a node with no links.
    pub fn add_node(&mut self, node: Node) -> Result<(), TopologyError> {
        if self.graph.contains_node(node) {
            return Err(TopologyError::DuplicateNode(node));
        }
        if self.graph.node_count() >= MAX_NODES {
            return Err(TopologyError::TooManyNodes);
        }
        self.graph.add_node(node);
        Ok(())
    }

    /// Link two existing nodes (replacing any link between them).
    pub fn connect(&mut self, a: Node, b: Node, model: LinkModel) -> Result<(), TopologyError> {
        for node in [a, b] {
            if !self.graph.contains_node(node) {
                return Err(TopologyError::UnknownNode(node));
            }
        }
        self.graph.add_edge(a, b, model);
        Ok(())
    }

    /// The link between `a` and `b`, either way round.
    pub fn link(&self, a: Node, b: Node) -> Option<&LinkModel> {
        self.graph.edge_weight(a, b)
    }

    /// Whether `node` is in the network.
    pub fn contains(&self, node: Node) -> bool {
        self.graph.contains_node(node)
    }

    /// Nodes in insertion order.
    pub fn nodes(&self) -> impl Iterator<Item = Node> + '_ {
        self.graph.nodes()
    }

    /// The datacenters, in insertion order.
    pub fn datacenters(&self) -> impl Iterator<Item = Node> + '_ {
        self.nodes().filter(|node| node.is_datacenter())
    }

    /// The underlying petgraph graph, for analyses.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_undirected_and_need_both_ends() {
        let mut topology = Topology::new();
        let (phone, dc) = (Node::Device(1), Node::Datacenter(2));
        topology.add_node(phone).unwrap();
        assert_eq!(topology.add_node(phone), Err(TopologyError::DuplicateNode(phone)));
        assert_eq!(
            topology.connect(phone, dc, LinkModel::default()),
            Err(TopologyError::UnknownNode(dc))
        );
        topology.add_node(dc).unwrap();
        topology.connect(phone, dc, LinkModel::default()).unwrap();
        assert_eq!(topology.link(dc, phone), Some(&LinkModel::default()));
        assert_eq!(topology.link(phone, Node::AttackerHost(1)), None);
        assert_eq!(topology.datacenters().collect::<Vec<_>>(), vec![dc]);
        assert_eq!(topology.graph().edge_count(), 1);
    }
}
