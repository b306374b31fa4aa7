//! Provisioning: accounts with logged-in devices, made before the sockets
//! open, so a researcher starts `serve` with sessions to copy.
//!
//! Each device is the project's own app instance ([`Client`]) logging in
//! the way any client does — `auth.sendCode`, the delivered code,
//! `auth.signIn` — against the same [`Server`]s `serve` then puts behind
//! sockets, in process and at an instant in the past
//! ([`PROVISIONED_AGE`] ago), so the authorizations are older than the
//! fresh-session window and may terminate others. The first device of an
//! account confirms the later ones ("yes, this was me"), as an owner
//! would have long ago.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use rand_core::RngCore;
use sessionlab_proto::auth::{InterDcMessage, NetworkOrigin};
use sessionlab_proto::client::{Client, ClientConfig, ClientEvent, Command};
use sessionlab_proto::crypto::AuthKey;
use sessionlab_proto::id::{AuthorizationHash, DcId, UserId};
use sessionlab_proto::server::{Server, ServerOutput};
use sessionlab_proto::time::Instant;

use crate::scenario::model::DeviceKind;
use crate::world::device_info;

/// How long before `serve` starts the provisioned devices logged in: two
/// days, past the documented 24-hour fresh-session window.
pub const PROVISIONED_AGE: Duration = Duration::from_secs(2 * 86_400);

/// Accounts `--accounts` may ask for.
pub const MAX_PROVISIONED_ACCOUNTS: u32 = 10_000;
/// Devices per account `--devices` may list.
pub const MAX_DEVICES_PER_ACCOUNT: usize = 8;

/// Packet exchanges one provisioning step may take before it is called stuck.
const MAX_ROUNDS: usize = 64;

/// The first user id provisioned (account `k` is `FIRST_USER_ID + k`).
pub const FIRST_USER_ID: u64 = 1_000_000;

/// One device logged in by provisioning.
#[derive(Clone, Debug)]
pub struct ProvisionedDevice {
    /// The account's number, from 1.
    pub account: u32,
    /// The account's user id.
    pub user_id: UserId,
    /// The account's phone number.
    pub phone: String,
    /// What kind of device it is.
    pub kind: DeviceKind,
    /// The account's home datacenter, where the key lives.
    pub dc: DcId,
    /// The device's auth key on `dc`.
    pub auth_key: AuthKey,
}

/// Why provisioning stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProvisionError {
    /// A datacenter the accounts are spread over does not exist.
    #[error("no datacenter {0} to provision on")]
    NoDatacenter(u32),
    /// The server refused to create an account.
    #[error("account {phone} could not be registered: {reason}")]
    Account { phone: String, reason: String },
    /// A login step was answered with an error.
    #[error("{device} of account {account}: {method} failed with {code} {message}")]
    Refused {
        account: u32,
        device: String,
        method: &'static str,
        code: i32,
        message: String,
    },
    /// A login step never finished.
    #[error("{device} of account {account}: {step} did not finish")]
    Stuck {
        account: u32,
        device: String,
        step: &'static str,
    },
}

/// The phone number of account `account` (1-based) homed on `dc`: the
/// reserved test range `+999 66 D XXXX` Telegram's test DCs use.
pub fn provisioned_phone(dc: DcId, account: u32) -> String {
    format!("+99966{}{:04}", dc.get(), account % 10_000)
}

/// Where provisioned devices logged in from.
fn provisioning_origin(account: u32) -> NetworkOrigin {
    NetworkOrigin {
        ip: format!("198.51.100.{}", account % 250 + 1),
        country: "US".into(),
        region: "California".into(),
        coordinates: None,
    }
}

/// Create `accounts` accounts, spread over the datacenters round-robin,
/// each with one logged-in device per entry of `kinds`, logged in at
/// `logged_in_at`.
pub fn provision(
    servers: &mut BTreeMap<DcId, Server>,
    accounts: u32,
    kinds: &[DeviceKind],
    logged_in_at: Instant,
    rng: &mut impl RngCore,
) -> Result<Vec<ProvisionedDevice>, ProvisionError> {
    let dcs = u32::try_from(servers.len()).unwrap_or(u32::MAX).max(1);
    let mut devices = Vec::new();
    for account in 1..=accounts {
        let dc = DcId::new((account - 1) % dcs + 1);
        let user_id = UserId::new(FIRST_USER_ID + u64::from(account));
        let phone = provisioned_phone(dc, account);
        let server = servers.get_mut(&dc).ok_or(ProvisionError::NoDatacenter(dc.get()))?;
        server
            .register_account(user_id, &phone)
            .map_err(|error| ProvisionError::Account {
                phone: phone.clone(),
                reason: error.to_string(),
            })?;
        let mut link = LocalLink {
            servers: &mut *servers,
            now: logged_in_at,
            origin: provisioning_origin(account),
            clients: Vec::new(),
            codes: Vec::new(),
        };
        for kind in kinds {
            let auth_key = link.log_in(account, dc, &phone, *kind, rng)?;
            devices.push(ProvisionedDevice {
                account,
                user_id,
                phone: phone.clone(),
                kind: *kind,
                dc,
                auth_key,
            });
        }
        link.confirm_later_logins(account, rng)?;
    }
    Ok(devices)
}

/// The servers and one account's app instances, with instant delivery.
struct LocalLink<'a> {
    servers: &'a mut BTreeMap<DcId, Server>,
    now: Instant,
    origin: NetworkOrigin,
    clients: Vec<(DeviceKind, Client)>,
    /// Login codes delivered: (phone, code).
    codes: Vec<(String, String)>,
}

impl LocalLink<'_> {
    /// A new app instance of `kind` logs in by code; returns its key.
    fn log_in(
        &mut self,
        account: u32,
        dc: DcId,
        phone: &str,
        kind: DeviceKind,
        rng: &mut impl RngCore,
    ) -> Result<AuthKey, ProvisionError> {
        let config = ClientConfig {
            home_dc: dc,
            device: device_info(kind),
            ..ClientConfig::default()
        };
        let device = format!("{kind:?}").to_lowercase();
        let stuck = |step| ProvisionError::Stuck {
            account,
            device: device.clone(),
            step,
        };
        let mut client = Client::new(config).map_err(|_| stuck("the client's configuration"))?;
        let key = client.auth_key_for(dc, rng);
        let server = self
            .servers
            .get_mut(&dc)
            .ok_or(ProvisionError::NoDatacenter(dc.get()))?;
        let salt = server.register_key(self.now, key.clone(), rng);
        client.handle_issued_salt(dc, salt);
        client.on_connected(self.now);
        self.clients.push((kind, client));
        let index = self.clients.len() - 1;
        self.command(index, account, Command::SendCode { phone: phone.into() }, rng)?;
        let code = self
            .codes
            .iter()
            .rev()
            .find(|(to, _)| to == phone)
            .map(|(_, code)| code.clone())
            .ok_or_else(|| stuck("auth.sendCode"))?;
        let events = self.command(index, account, Command::SignIn { code }, rng)?;
        if !events.iter().any(|event| matches!(event, ClientEvent::LoggedIn { .. })) {
            return Err(stuck("auth.signIn"));
        }
        Ok(key)
    }

    /// The first device confirms every login announced to it as unconfirmed.
    fn confirm_later_logins(&mut self, account: u32, rng: &mut impl RngCore) -> Result<(), ProvisionError> {
        let mut announced: Vec<AuthorizationHash> = Vec::new();
        if let Some((_, first)) = self.clients.first_mut() {
            while let Some(event) = first.poll_event() {
                if let ClientEvent::NewLogin {
                    hash,
                    unconfirmed: true,
                    ..
                } = event
                {
                    announced.push(hash);
                }
            }
        }
        for hash in announced {
            self.command(0, account, Command::ConfirmAuthorization { hash }, rng)?;
        }
        Ok(())
    }

    /// Issue `command` on client `index` and deliver until nothing moves;
    /// returns that client's events, or the error it was answered with.
    fn command(
        &mut self,
        index: usize,
        account: u32,
        command: Command,
        rng: &mut impl RngCore,
    ) -> Result<Vec<ClientEvent>, ProvisionError> {
        let (kind, client) = &mut self.clients[index];
        let device = format!("{kind:?}").to_lowercase();
        let step = command_name(&command);
        client.command(self.now, command).map_err(|_| ProvisionError::Stuck {
            account,
            device: device.clone(),
            step,
        })?;
        if !self.settle(rng) {
            return Err(ProvisionError::Stuck { account, device, step });
        }
        // Only this client's events: the first device's announcements of
        // later logins stay queued on it for `confirm_later_logins`.
        let events: Vec<ClientEvent> = std::iter::from_fn(|| self.clients[index].1.poll_event()).collect();
        for event in &events {
            if let ClientEvent::RequestFailed {
                method, code, message, ..
            } = event
            {
                return Err(ProvisionError::Refused {
                    account,
                    device,
                    method,
                    code: *code,
                    message: message.clone(),
                });
            }
        }
        Ok(events)
    }

    /// Deliver packets both ways until nothing moves (false: it kept moving).
    fn settle(&mut self, rng: &mut impl RngCore) -> bool {
        let mut inter_dc: VecDeque<InterDcMessage> = VecDeque::new();
        for _ in 0..MAX_ROUNDS {
            let mut moved = false;
            for (_, client) in &mut self.clients {
                while let Some((dc, packet)) = client.poll_transmit(self.now, rng) {
                    moved = true;
                    if let Some(server) = self.servers.get_mut(&dc) {
                        let _session = server.handle_packet(self.now, &packet, &self.origin, rng);
                    }
                }
            }
            for (dc, server) in self.servers.iter_mut() {
                while server.poll_event().is_some() {}
                while let Some(output) = server.poll_output() {
                    moved = true;
                    match output {
                        ServerOutput::Packet { auth_key_id, bytes, .. } => {
                            for (_, client) in &mut self.clients {
                                if client.auth_key_id(*dc) == Some(auth_key_id) {
                                    // A packet the client cannot read is the
                                    // server's bug; provisioning then stalls
                                    // and says so.
                                    let _ = client.handle_packet(self.now, *dc, &bytes);
                                }
                            }
                        }
                        ServerOutput::DeliverCode { phone, code, .. } => self.codes.push((phone, code)),
                        ServerOutput::InterDc(message) => inter_dc.push_back(message),
                        ServerOutput::TransportError { .. } => {}
                    }
                }
            }
            while let Some(message) = inter_dc.pop_front() {
                moved = true;
                if let Some(server) = self.servers.get_mut(&message.to) {
                    server.handle_inter_dc(self.now, message, rng);
                }
            }
            if !moved {
                return true;
            }
        }
        false
    }
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::SendCode { .. } => "auth.sendCode",
        Command::SignIn { .. } => "auth.signIn",
        Command::ConfirmAuthorization { .. } => "account.changeAuthorizationSettings",
        _ => "a command",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;
    use sessionlab_proto::auth::Policy;
    use sessionlab_proto::server::ServerConfig;

    fn servers(count: u32) -> BTreeMap<DcId, Server> {
        (1..=count)
            .map(|dc| {
                let config = ServerConfig::new(DcId::new(dc), [9; 32], Policy::default());
                (DcId::new(dc), Server::new(config))
            })
            .collect()
    }

    #[test]
    fn accounts_are_spread_over_the_datacenters_with_one_key_per_device() {
        let mut servers = servers(2);
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let at = Instant::SCENARIO_EPOCH;
        let kinds = [DeviceKind::Phone, DeviceKind::Desktop];
        let devices = provision(&mut servers, 3, &kinds, at, &mut rng).expect("provisioned");
        let summary: Vec<(u32, u32, &str, DeviceKind)> = devices
            .iter()
            .map(|device| (device.account, device.dc.get(), device.phone.as_str(), device.kind))
            .collect();
        assert_eq!(
            summary,
            [
                (1, 1, "+9996610001", DeviceKind::Phone),
                (1, 1, "+9996610001", DeviceKind::Desktop),
                (2, 2, "+9996620002", DeviceKind::Phone),
                (2, 2, "+9996620002", DeviceKind::Desktop),
                (3, 1, "+9996610003", DeviceKind::Phone),
                (3, 1, "+9996610003", DeviceKind::Desktop),
            ]
        );
        let mut keys: Vec<_> = devices.iter().map(|device| device.auth_key.id()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 6, "every device has its own key");
        for device in &devices {
            let server = &servers[&device.dc];
            let handle = server.authority().peek(at, device.auth_key.id()).expect("logged in");
            assert_eq!(handle.user_id, device.user_id);
        }
    }

    #[test]
    fn a_missing_datacenter_is_an_error() {
        let mut empty = BTreeMap::new();
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let result = provision(&mut empty, 1, &[DeviceKind::Phone], Instant::SCENARIO_EPOCH, &mut rng);
        assert_eq!(result.err(), Some(ProvisionError::NoDatacenter(1)));
    }
}
