//! The session file: what malware copies from a device — every DC's auth
//! key (and whether it is authorized), the user, the home DC — and the
//! attacker's app instance built from it, with its own session ids.

use crate::id::{DcId, SessionId};
use std::collections::BTreeMap;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_core::RngCore;

use super::config::{ClientConfig, MAX_DATACENTERS};
use super::dc::DcLink;
use super::login::LoginState;
use super::Client;
use crate::crypto::AuthKey;
use crate::sync::client::ClientConfigError;
use crate::sync::ClientSync;
use crate::wire::api::User;

/// One DC's key as stored on the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionKey {
    /// The DC's auth key.
    pub key: AuthKey,
    /// Whether the key was bound to the account (home login or import).
    pub authorized: bool,
}

/// A copy of a device's credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFile {
    /// The account's home DC.
    pub home_dc: DcId,
    /// The logged-in account, if any.
    pub user: Option<User>,
    /// Every DC's key, by DC id.
    pub keys: BTreeMap<DcId, SessionKey>,
}

impl Client {
    /// What a copy of this device's storage holds.
    pub fn session_file(&self) -> SessionFile {
        SessionFile {
            home_dc: self.config.home_dc,
            user: self.login.user().cloned(),
            keys: self
                .links
                .iter()
                .map(|(dc, link)| {
                    let key = SessionKey {
                        key: link.key.clone(),
                        authorized: link.authorized,
                    };
                    (*dc, key)
                })
                .collect(),
        }
    }

    /// Another app instance using a copied file's keys (the file decides
    /// the home DC). Its sessions are new, with ids from `rng`; it starts
    /// with empty local sync data and offline. At most [`MAX_DATACENTERS`]
    /// keys are taken from the file, lowest DC first.
    pub fn from_session_file(
        file: SessionFile,
        config: ClientConfig,
        rng: &mut impl RngCore,
    ) -> Result<Client, ClientConfigError> {
        let mut client = Client::new(ClientConfig {
            home_dc: file.home_dc,
            ..config
        })?;
        let mut stream = ChaCha20Rng::from_rng(rng);
        for (dc, stored) in file.keys.into_iter().take(MAX_DATACENTERS) {
            let mut link = DcLink::new(stored.key, SessionId::new(stream.next_u64()));
            link.authorized = stored.authorized;
            client.links.insert(dc, Box::new(link));
        }
        if file.user.is_some() {
            client.sync = Some(ClientSync::new(client.config.sync, client.config.bootstrap)?);
        }
        client.login = LoginState::from_user(file.user);
        Ok(client)
    }
}
