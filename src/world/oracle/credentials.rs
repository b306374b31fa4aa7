//! The credential graph behind every bypass and foothold's causal chain.
//!
//! Nodes are credentials — stolen material, authorizations, keys on a
//! datacenter — and an edge says "this one was obtained with that one": a
//! stolen key gives its authorization, an authorization accepts a QR token
//! that mints another, a home authorization is exported as a derived key
//! on another DC. A chain is the path from the stolen material to the
//! credential a request used, each step with the time its edge was made
//! (the theft, the login, the mint, the export) and the edge's label.
//! Built from typed events only (invariant 6).

use sessionlab_proto::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use std::collections::BTreeMap;
use std::fmt;

use petgraph::graph::{DiGraph, NodeIndex};

use sessionlab_proto::auth::{AuthEvent, AuthEventKind, CreatedVia};
use sessionlab_proto::time::Instant;

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
                write!(formatter, "authorization {hash:016x} of account {user_id}")
            }
            Credential::Key { dc, key_id } => write!(formatter, "key {key_id:016x} on DC {dc}"),
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
    /// (Bypass chains only.) The home DC committed the authorization's end.
    RevokedAt,
    /// (Bypass chains only.) A DC accepted a request under the key after it.
    AcceptedAfterRevocation,
}

impl Link {
    /// The edge's label, as `replay` prints it (read "previous → label → next").
    pub fn label(self) -> &'static str {
        match self {
            Link::Holds => "holds",
            Link::BoundTo => "bound to",
            Link::MintedByQrLogin => "minted by QR login",
            Link::MintedByFutureToken => "minted by future token",
            Link::DerivedOnAnotherDc => "exported to another DC as",
            Link::RevokedAt => "revoked at",
            Link::AcceptedAfterRevocation => "request accepted after",
        }
    }
}

/// One step of a causal chain: a credential, reached by `link` (none for
/// the first, the stolen material) at `at` (when that edge was made; for
/// the first, when the material was taken).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainStep {
    pub credential: Credential,
    pub link: Option<Link>,
    pub at: Instant,
}

/// The graph, with an index from credential to node.
#[derive(Clone, Debug, Default)]
pub struct CredentialGraph {
    /// Nodes: a credential and when it was first seen; edges: how and when.
    graph: DiGraph<(Credential, Instant), (Link, Instant)>,
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

    fn node(&mut self, credential: Credential, at: Instant) -> Option<NodeIndex> {
        if let Some(index) = self.nodes.get(&credential) {
            return Some(*index);
        }
        if self.nodes.len() >= MAX_CREDENTIALS {
            return None;
        }
        let index = self.graph.add_node((credential.clone(), at));
        self.nodes.insert(credential, index);
        Some(index)
    }

    /// `from` led to `to` at `at` (the first time counts).
    pub fn link(&mut self, from: Credential, to: Credential, link: Link, at: Instant) {
        if let (Some(from), Some(to)) = (self.node(from, at), self.node(to, at)) {
            if self.graph.find_edge(from, to).is_none() {
                self.graph.add_edge(from, to, (link, at));
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
        let at = event.at;
        match via {
            CreatedVia::Import { home_hash, .. } => {
                self.key_owner.insert((event.dc, *key_id), (user_id, *home_hash));
                let home = Credential::Authorization {
                    user_id,
                    hash: *home_hash,
                };
                self.link(home, key, Link::DerivedOnAnotherDc, at);
            }
            other => {
                self.key_owner.insert((event.dc, *key_id), (user_id, hash));
                let authorization = Credential::Authorization { user_id, hash };
                self.link(key.clone(), authorization.clone(), Link::BoundTo, at);
                self.link(authorization.clone(), key, Link::BoundTo, at);
                match other {
                    CreatedVia::QrLogin { accepted_by_hash } => self.link(
                        Credential::Authorization {
                            user_id,
                            hash: *accepted_by_hash,
                        },
                        authorization,
                        Link::MintedByQrLogin,
                        at,
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

    /// The shortest chain from any stolen material to `target`; empty
    /// when no stolen material leads there.
    pub fn chain_to(&self, target: &Credential) -> Vec<ChainStep> {
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
        let Some(path) = best else {
            return Vec::new();
        };
        let mut steps = Vec::with_capacity(path.len());
        let mut previous: Option<NodeIndex> = None;
        for &node in &path {
            let (credential, first_seen) = &self.graph[node];
            let edge = previous
                .and_then(|from| self.graph.find_edge(from, node))
                .map(|edge| self.graph[edge]);
            steps.push(ChainStep {
                credential: credential.clone(),
                link: edge.map(|(link, _)| link),
                at: edge.map_or(*first_seen, |(_, at)| at),
            });
            previous = Some(node);
        }
        steps
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
            Instant::SCENARIO_EPOCH,
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
        let credentials: Vec<String> = chain.iter().map(|step| step.credential.to_string()).collect();
        assert_eq!(
            credentials,
            [
                "desktop key stolen by malware",
                "key 0000000000000064 on DC 1",
                "authorization 000000000000000a of account 1",
                "authorization 0000000000000014 of account 1",
                "key 0000000000000190 on DC 2",
            ]
        );
        let links: Vec<Option<&str>> = chain.iter().map(|step| step.link.map(Link::label)).collect();
        assert_eq!(
            links,
            [
                None,
                Some("holds"),
                Some("bound to"),
                Some("minted by QR login"),
                Some("exported to another DC as"),
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
