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

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::auth::client_info::{ClientInfo, NetworkOrigin};
use crate::id::AuthKeyId;
use crate::wire::api;

use super::convert;
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
#[derive(Debug, Default)]
pub(super) struct Connections {
    by_key: BTreeMap<AuthKeyId, Connection>,
    /// What a key that never sent `initConnection` is described as.
    unknown: Arc<ClientInfo>,
}

impl Connections {
    /// Record what `init` says for `key_id`, connecting from `origin`.
    pub(super) fn remember(&mut self, key_id: AuthKeyId, init: &api::InitConnection, origin: &NetworkOrigin) {
        if self.by_key.len() >= MAX_CONNECTION_INFOS && !self.by_key.contains_key(&key_id) {
            self.by_key.pop_first();
        }
        let connection = Connection {
            info: Arc::new(convert::client_info(init, origin)),
            private_answers: init.opts_in(),
        };
        self.by_key.insert(key_id, connection);
    }

    /// The device `key_id`'s connection described (empty when none did):
    /// a reference count, not a copy of its strings.
    pub(super) fn info(&self, key_id: AuthKeyId) -> Arc<ClientInfo> {
        self.by_key
            .get(&key_id)
            .map_or_else(|| self.unknown.clone(), |connection| connection.info.clone())
    }

    /// Whether `key_id`'s app opted in to the project-private answers.
    pub(super) fn private_answers(&self, key_id: AuthKeyId) -> bool {
        self.by_key
            .get(&key_id)
            .is_some_and(|connection| connection.private_answers)
    }
}
