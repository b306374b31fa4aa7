//! The credential graph behind every bypass and foothold's causal chain.
//!
//! Nodes are credentials — stolen material, authorizations, keys on a
//! datacenter — and an edge says "this one was obtained with that one": a
//! stolen key gives its authorization, an authorization accepts a QR token
//! that mints another, a home authorization is exported as a derived key
//! on another DC. A chain is the path from the stolen material to the
//! credential a request used. Built from typed events only (invariant 6).

use sessionlab_proto::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use std::collections::BTreeMap;
use std::fmt;

use petgraph::graph::{DiGraph, NodeIndex};

use sessionlab_proto::auth::{AuthEvent, AuthEventKind, CreatedVia};

/// One credential.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Credential {
    /// What an attacker acquired, named as the scenario names it.
    Stolen { attacker: String, what: String },
    /// An authorization: (account, hash).
    Authorization { user_id: UserId, hash: AuthorizationHash },
    /// A key on a datacenter.
    Key { dc: DcId, key_id: AuthKeyId },
}

impl fmt::Display for Credential {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Stolen { attacker, what } => write!(formatter, "{what} stolen by {attacker}"),
            Credential::Authorization { user_id, hash } => {
                write!(formatter, "authorization {hash:#018x} of account {user_id}")
            }
            Credential::Key { dc, key_id } => write!(formatter, "key {key_id:#018x} on DC {dc}"),
        }
    }
}

/// How one credential led to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// The material is (or holds) this credential.
    Holds,
    /// The key is bound to this authorization / the authorization to this key.
    BoundTo,
    /// An authorization accepted a QR token and minted another.
    MintedByQrLogin,
    /// A future auth token skipped the code.
    MintedByFutureToken,
    /// A home authorization was exported to another DC.
    DerivedOnAnotherDc,
}

/// The graph, with an index from credential to node.
#[derive(Clone, Debug, Default)]
pub struct CredentialGraph {
    graph: DiGraph<Credential, Link>,
    nodes: BTreeMap<Credential, NodeIndex>,
    /// (dc, key) → the authorization it is bound to.
    key_owner: BTreeMap<(DcId, AuthKeyId), (UserId, AuthorizationHash)>,
}

/// Nodes the graph holds at most: beyond, new credentials are not linked.
pub const MAX_CREDENTIALS: usize = 1 << 20;

impl CredentialGraph {
    pub fn new() -> CredentialGraph {
        CredentialGraph::default()
    }

    fn node(&mut self, credential: Credential) -> Option<NodeIndex> {
        if let Some(index) = self.nodes.get(&credential) {
            return Some(*index);
        }
        if self.nodes.len() >= MAX_CREDENTIALS {
            return None;
        }
        let index = self.graph.add_node(credential.clone());
        self.nodes.insert(credential, index);
        Some(index)
    }

    /// `from` led to `to`.
    pub fn link(&mut self, from: Credential, to: Credential, link: Link) {
        if let (Some(from), Some(to)) = (self.node(from), self.node(to)) {
            if self.graph.find_edge(from, to).is_none() {
                self.graph.add_edge(from, to, link);
            }
        }
    }

    /// Learn from one event of datacenter `event.dc`.
    pub fn observe(&mut self, event: &AuthEvent) {
        let AuthEventKind::AuthorizationCreated {
            user_id,
            hash,
            key_id,
            via,
            ..
        } = &event.kind
        else {
            return;
        };
        let key = Credential::Key {
            dc: event.dc,
            key_id: *key_id,
        };
        let (user_id, hash) = (*user_id, *hash);
        match via {
            CreatedVia::Import { home_hash, .. } => {
                self.key_owner.insert((event.dc, *key_id), (user_id, *home_hash));
                let home = Credential::Authorization {
                    user_id,
                    hash: *home_hash,
                };
                self.link(home, key, Link::DerivedOnAnotherDc);
            }
            other => {
                self.key_owner.insert((event.dc, *key_id), (user_id, hash));
                let authorization = Credential::Authorization { user_id, hash };
                self.link(key.clone(), authorization.clone(), Link::BoundTo);
                self.link(authorization.clone(), key, Link::BoundTo);
                match other {
                    CreatedVia::QrLogin { accepted_by_hash } => self.link(
                        Credential::Authorization {
                            user_id,
                            hash: *accepted_by_hash,
                        },
                        authorization,
                        Link::MintedByQrLogin,
                    ),
                    CreatedVia::FutureToken => {}
                    _ => {}
                }
            }
        }
    }

    /// The authorization a key acts for, as far as the graph knows.
    pub fn owner_of(&self, dc: DcId, key_id: AuthKeyId) -> Option<(UserId, AuthorizationHash)> {
        self.key_owner.get(&(dc, key_id)).copied()
    }

    /// The shortest chain from any stolen material to `target`, as
    /// readable steps; empty when no stolen material leads there.
    pub fn chain_to(&self, target: &Credential) -> Vec<String> {
        let Some(&goal) = self.nodes.get(target) else {
            return Vec::new();
        };
        let mut best: Option<Vec<NodeIndex>> = None;
        for (credential, &start) in &self.nodes {
            if !matches!(credential, Credential::Stolen { .. }) {
                continue;
            }
            if let Some((_, path)) =
                petgraph::algo::astar(&self.graph, start, |node| node == goal, |_| 1usize, |_| 0usize)
            {
                if best.as_ref().is_none_or(|current| path.len() < current.len()) {
                    best = Some(path);
                }
            }
        }
        best.map(|path| path.iter().map(|node| self.graph[*node].to_string()).collect())
            .unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessionlab_proto::time::Instant;

    fn created(dc: DcId, hash: AuthorizationHash, key_id: AuthKeyId, via: CreatedVia) -> AuthEvent {
        AuthEvent {
            at: Instant::SCENARIO_EPOCH,
            dc,
            kind: AuthEventKind::AuthorizationCreated {
                user_id: UserId(1),
                hash,
                key_id,
                via,
                unconfirmed: false,
            },
        }
    }

    #[test]
    fn a_qr_minted_session_on_another_dc_chains_back_to_the_stolen_key() {
        let mut graph = CredentialGraph::new();
        graph.observe(&created(
            DcId(1),
            AuthorizationHash(10),
            AuthKeyId(100),
            CreatedVia::Code,
        ));
        let stolen = Credential::Stolen {
            attacker: "malware".into(),
            what: "desktop key".into(),
        };
        graph.link(
            stolen,
            Credential::Key {
                dc: DcId(1),
                key_id: AuthKeyId(100),
            },
            Link::Holds,
        );
        graph.observe(&created(
            DcId(1),
            AuthorizationHash(20),
            AuthKeyId(300),
            CreatedVia::QrLogin {
                accepted_by_hash: AuthorizationHash(10),
            },
        ));
        graph.observe(&created(
            DcId(2),
            AuthorizationHash(77),
            AuthKeyId(400),
            CreatedVia::Import {
                home_dc: DcId(1),
                home_hash: AuthorizationHash(20),
            },
        ));
        let chain = graph.chain_to(&Credential::Key {
            dc: DcId(2),
            key_id: AuthKeyId(400),
        });
        assert_eq!(
            chain,
            [
                "desktop key stolen by malware",
                "key 0x0000000000000064 on DC 1",
                "authorization 0x000000000000000a of account 1",
                "authorization 0x0000000000000014 of account 1",
                "key 0x0000000000000190 on DC 2",
            ]
        );
        assert_eq!(
            graph.owner_of(DcId(2), AuthKeyId(400)),
            Some((UserId(1), AuthorizationHash(20)))
        );
    }

    #[test]
    fn credentials_no_stolen_material_reaches_have_no_chain() {
        let mut graph = CredentialGraph::new();
        graph.observe(&created(
            DcId(1),
            AuthorizationHash(10),
            AuthKeyId(100),
            CreatedVia::Code,
        ));
        assert!(graph
            .chain_to(&Credential::Key {
                dc: DcId(1),
                key_id: AuthKeyId(100)
            })
            .is_empty());
        assert!(graph
            .chain_to(&Credential::Key {
                dc: DcId(9),
                key_id: AuthKeyId(9)
            })
            .is_empty());
    }
}
