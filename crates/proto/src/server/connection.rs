//! What each key's `initConnection` said: the device it describes (which
//! the session layer records on the authorization) and whether the app
//! opted in to the project-private answers.
//!
//! **The opt-in.** A client that sends `initConnection.params =
//! {"sessionlab_extensions": true}` ([`api::JsonValue::opt_in`]) declares
//! that it understands the `sessionlab.*` constructors; the server records
//! that per auth key, with the rest of `initConnection`, and the latest
//! `initConnection` of a key wins. Only an opted-in key is answered with a
//! private constructor (today: `account.getAuthorizations` with
//! `sessionlab.authorizationsWithSignals`); a key that never sent the
//! marker — a stock Telegram client — gets Telegram's published
//! constructors only. The simulator's apps (`proto::client`) always opt in.

use std::collections::BTreeSet;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::auth::client_info::{ClientInfo, NetworkOrigin};
use crate::id::AuthKeyId;
use crate::wire::api;

use super::convert;
use super::dispatch::Caller;
use super::MAX_CONNECTION_INFOS;

/// One key's `initConnection`, as the server keeps it.
#[derive(Clone, Debug, Default)]
struct Connection {
    /// Shared, because every call hands it to the dispatcher.
    info: Arc<ClientInfo>,
    private_answers: bool,
}

/// The connections of every key, at most [`MAX_CONNECTION_INFOS`] (the
/// lowest key id is forgotten first).
///
/// Every request looks its key up twice, so the connections are hashed; the
/// ids are also kept in order, for the eviction only. A B-tree over every
/// key of the DC cost a cache miss a level on each lookup, more as the
/// population grew.
#[derive(Debug, Default)]
pub(super) struct Connections {
    by_key: FxHashMap<AuthKeyId, Connection>,
    /// The keys of `by_key`, in order: the lowest is forgotten first.
    order: BTreeSet<AuthKeyId>,
    /// What a key that never sent `initConnection` is described as.
    unknown: Arc<ClientInfo>,
}

impl Connections {
    /// Record what `init` says for `key_id`, connecting from `origin`.
    pub(super) fn remember(&mut self, key_id: AuthKeyId, init: &api::InitConnection, origin: &NetworkOrigin) {
        if self.by_key.len() >= MAX_CONNECTION_INFOS && !self.by_key.contains_key(&key_id) {
            if let Some(lowest) = self.order.pop_first() {
                self.by_key.remove(&lowest);
            }
        }
        let connection = Connection {
            info: Arc::new(convert::client_info(init, origin)),
            private_answers: init.opts_in(),
        };
        self.by_key.insert(key_id, connection);
        self.order.insert(key_id);
        debug_assert_eq!(self.by_key.len(), self.order.len());
    }

    /// Who a call on `key_id`'s connection, from `origin`, comes from:
    /// the device its `initConnection` described (empty when none did; a
    /// reference count, not a copy of its strings) and whether it opted
    /// in to the project-private answers. One lookup a call.
    pub(super) fn caller<'a>(&self, key_id: AuthKeyId, origin: &'a NetworkOrigin) -> Caller<'a> {
        let connection = self.by_key.get(&key_id);
        Caller {
            private_answers: connection.is_some_and(|connection| connection.private_answers),
            device: connection.map_or_else(|| self.unknown.clone(), |connection| connection.info.clone()),
            origin,
        }
    }
}
