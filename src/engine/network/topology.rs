//! The network's shape: a petgraph graph of nodes (devices, datacenters,
//! attacker hosts) whose undirected edges carry each link's [`LinkModel`].
//!
//! The graph is a `GraphMap` with a fixed-key hasher: iteration follows
//! insertion order and lookups never depend on a per-process random seed.
//! Every packet looks its link up, so the hasher is FxHash, not SipHash
//! (which took 3 % of a large run); the order is the same with either.
//! Endpoint-to-datacenter links, nearly every packet's, are also held in a
//! direct [`LinkIndex`] by endpoint id, which answers before the graph.

use rustc_hash::FxBuildHasher;

use petgraph::graphmap::GraphMap;
use petgraph::Undirected;

use crate::engine::network::link::LinkModel;
use crate::engine::network::link_index::LinkIndex;

/// Most nodes a network holds: the devices and attacker hosts of the
/// largest world (a million accounts with a phone and sometimes a desktop
/// each, 1.5 million devices), with room.
pub const MAX_NODES: usize = 1 << 22;

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
    /// The graph's endpoint-to-datacenter links by endpoint id.
    index: LinkIndex,
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
        self.index.record(a, b, model);
        Ok(())
    }

    /// The link between `a` and `b`, either way round.
    pub fn link(&self, a: Node, b: Node) -> Option<&LinkModel> {
        self.index.get(a, b).or_else(|| self.graph.edge_weight(a, b))
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

    fn node_of(kind: u8, id: u32) -> Node {
        match kind % 3 {
            0 => Node::Device(id),
            1 => Node::AttackerHost(id),
            _ => Node::Datacenter(id),
        }
    }

    proptest::proptest! {
        /// The direct index never disagrees with the graph it shortcuts,
        /// whatever is linked, relinked, shared or sparse.
        #[test]
        fn link_agrees_with_the_graph_after_every_connect(
            links in proptest::collection::vec((0u8..3, 0u32..40, 0u8..3, 0u32..20, 0u8..6), 1..300),
        ) {
            let mut topology = Topology::new();
            for (kind_a, id_a, kind_b, id_b, latency) in links {
                // Mostly small ids (indexed), some sparse or past the indexed DCs.
                let id_b = if id_b < 12 { id_b } else { id_b * 150 };
                let (a, b) = (node_of(kind_a, id_a), node_of(kind_b, id_b));
                for node in [a, b] {
                    if !topology.contains(node) {
                        topology.add_node(node).unwrap();
                    }
                }
                let model = LinkModel::lossless(crate::engine::distribution::Distribution::Constant {
                    value: f64::from(latency),
                });
                topology.connect(a, b, model).unwrap();
                for x in topology.nodes().collect::<Vec<_>>() {
                    for y in [a, b] {
                        proptest::prop_assert_eq!(topology.link(x, y), topology.graph().edge_weight(x, y));
                        proptest::prop_assert_eq!(topology.link(y, x), topology.graph().edge_weight(x, y));
                    }
                }
            }
        }
    }
}
