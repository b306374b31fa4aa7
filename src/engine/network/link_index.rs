//! A direct index of the links from endpoints (devices and attacker hosts)
//! to datacenters, beside the petgraph graph that stays the topology's
//! record.
//!
//! Every packet looks its link up. In the graph that is a hash of the node
//! pair and two probes into an `IndexMap` spread over the whole population,
//! which grew with it (petgraph's `edge_weight` took 3.6 % of a 5,000-account
//! run, more at 40,000). Here it is one row of an array, indexed by the
//! endpoint's id: endpoint ids are app indices, so they are dense.
//!
//! The index answers only what it holds and says `None` otherwise; the
//! topology then asks the graph. So it can decline anything unusual — a
//! sparse id, a datacenter past [`INDEXED_DATACENTERS`], more distinct link
//! models than [`MAX_INTERNED_MODELS`], a device and an attacker host that
//! share an id — and stay exact: every `connect` writes its slot, with the
//! model or with "ask the graph".

use crate::engine::network::link::LinkModel;
use crate::engine::network::topology::Node;

/// Datacenters per endpoint row: Telegram runs five, and seven fill a
/// 16-byte row with its owner, four rows to a cache line. Links to
/// datacenters past it stay in the graph.
pub const INDEXED_DATACENTERS: usize = 7;
/// Distinct link models the index holds (access, inter-DC and a few
/// overrides in every scenario so far); further ones stay in the graph
/// alone, so that interning stays a short scan.
pub const MAX_INTERNED_MODELS: usize = 256;
/// How far past the highest indexed id a new id may be and still be
/// indexed: ids arrive densely, and a stray huge id must not allocate rows
/// for every id below it.
const MAX_ID_GAP: usize = 1024;

/// Which kind of endpoint owns an id's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RowOwner {
    Nobody,
    Device,
    AttackerHost,
    /// A device and an attacker host share the id: the graph answers.
    Both,
}

impl RowOwner {
    fn of(node: Node) -> RowOwner {
        match node {
            Node::Device(_) => RowOwner::Device,
            Node::AttackerHost(_) => RowOwner::AttackerHost,
            Node::Datacenter(_) => RowOwner::Nobody,
        }
    }
}

/// One endpoint id's links: one cache miss finds the owner and the slot.
#[derive(Clone, Copy, Debug)]
struct Row {
    owner: RowOwner,
    /// Per datacenter, a model's position plus one; 0 is "ask the graph".
    slots: [u16; INDEXED_DATACENTERS],
}

const EMPTY_ROW: Row = Row {
    owner: RowOwner::Nobody,
    slots: [0; INDEXED_DATACENTERS],
};

/// Endpoint-to-datacenter links by endpoint id, as interned model slots.
#[derive(Clone, Debug, Default)]
pub struct LinkIndex {
    /// The distinct models; a slot holds a position here plus one.
    models: Vec<LinkModel>,
    /// Per endpoint id, its row.
    rows: Vec<Row>,
}

impl LinkIndex {
    /// Record the link `a`–`b` (either way round) as `model`, or, when the
    /// index cannot hold it, make sure it answers `None` for the pair.
    pub fn record(&mut self, a: Node, b: Node, model: LinkModel) {
        let Some((endpoint, id, dc)) = endpoint_and_datacenter(a, b) else {
            return;
        };
        if id >= self.rows.len() {
            if id > self.rows.len() + MAX_ID_GAP {
                return;
            }
            self.rows.resize(id + 1, EMPTY_ROW);
        }
        let slot = dc.map(|_| self.intern(model).map_or(0, |position| position as u16 + 1));
        let row = &mut self.rows[id];
        let owner = RowOwner::of(endpoint);
        row.owner = match row.owner {
            RowOwner::Nobody => owner,
            held if held == owner => held,
            _ => RowOwner::Both,
        };
        if let (Some(dc), Some(slot)) = (dc, slot) {
            row.slots[dc] = slot;
        }
    }

    /// The link `a`–`b` if the index holds it; `None` means "ask the graph".
    pub fn get(&self, a: Node, b: Node) -> Option<&LinkModel> {
        let (endpoint, id, dc) = endpoint_and_datacenter(a, b)?;
        let row = self.rows.get(id)?;
        if row.owner != RowOwner::of(endpoint) {
            return None;
        }
        let slot = *row.slots.get(dc?)?;
        self.models.get(usize::from(slot).checked_sub(1)?)
    }

    fn intern(&mut self, model: LinkModel) -> Option<usize> {
        if let Some(position) = self.models.iter().position(|held| *held == model) {
            return Some(position);
        }
        if self.models.len() >= MAX_INTERNED_MODELS {
            return None;
        }
        self.models.push(model);
        Some(self.models.len() - 1)
    }
}

/// The endpoint, its id as an index, and the datacenter's column (`None`
/// past [`INDEXED_DATACENTERS`]) of an endpoint–datacenter pair, in either
/// order; `None` for any other pair.
fn endpoint_and_datacenter(a: Node, b: Node) -> Option<(Node, usize, Option<usize>)> {
    let (endpoint, dc) = match (a, b) {
        (Node::Datacenter(dc), endpoint) | (endpoint, Node::Datacenter(dc)) if !endpoint.is_datacenter() => {
            (endpoint, dc)
        }
        _ => return None,
    };
    let id = match endpoint {
        Node::Device(id) | Node::AttackerHost(id) => usize::try_from(id).ok()?,
        Node::Datacenter(_) => return None,
    };
    let column = usize::try_from(dc)
        .ok()?
        .checked_sub(1)
        .filter(|column| *column < INDEXED_DATACENTERS);
    Some((endpoint, id, column))
}

const _: () = assert!(std::mem::size_of::<Row>() == 16, "four rows to a cache line");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::distribution::Distribution;

    fn model(latency_micros: f64) -> LinkModel {
        LinkModel::lossless(Distribution::Constant { value: latency_micros })
    }

    #[test]
    fn holds_endpoint_links_either_way_round() {
        let mut index = LinkIndex::default();
        index.record(Node::Device(0), Node::Datacenter(2), model(5.0));
        assert_eq!(index.get(Node::Datacenter(2), Node::Device(0)), Some(&model(5.0)));
        assert_eq!(index.get(Node::Device(0), Node::Datacenter(2)), Some(&model(5.0)));
        assert_eq!(index.get(Node::Device(0), Node::Datacenter(1)), None, "never linked");
        assert_eq!(
            index.get(Node::AttackerHost(0), Node::Datacenter(2)),
            None,
            "another kind"
        );
        assert_eq!(index.get(Node::Device(1), Node::Datacenter(2)), None, "no row");
    }

    #[test]
    fn declines_what_it_cannot_hold() {
        let mut index = LinkIndex::default();
        let declined = [
            (Node::Datacenter(1), Node::Datacenter(2), "DC pairs stay in the graph"),
            (Node::Device(0), Node::Datacenter(8), "past the indexed DCs"),
            (Node::Device(5_000), Node::Datacenter(1), "a sparse id"),
            (Node::AttackerHost(0), Node::Datacenter(1), "an id a device shares"),
            (Node::Device(0), Node::Datacenter(1), "an id an attacker host shares"),
        ];
        for (a, b, _) in declined {
            index.record(a, b, model(1.0));
        }
        for (a, b, why) in declined {
            assert_eq!(index.get(a, b), None, "{why}");
        }
    }

    #[test]
    fn a_relink_replaces_the_slot_even_when_the_model_cannot_be_interned() {
        let mut index = LinkIndex::default();
        index.record(Node::Device(0), Node::Datacenter(1), model(0.0));
        for latency in 1..MAX_INTERNED_MODELS {
            index.record(Node::Device(1), Node::Datacenter(1), model(latency as f64));
        }
        assert_eq!(index.models.len(), MAX_INTERNED_MODELS);
        index.record(Node::Device(0), Node::Datacenter(1), model(1e9));
        assert_eq!(
            index.get(Node::Device(0), Node::Datacenter(1)),
            None,
            "the old model is gone"
        );
        index.record(Node::Device(0), Node::Datacenter(1), model(7.0));
        assert_eq!(
            index.get(Node::Device(0), Node::Datacenter(1)),
            Some(&model(7.0)),
            "interned before"
        );
    }
}
