//! What attackers do: acquire access (a copied key, a whole session file,
//! codes after a SIM swap, a phished code), then exfiltrate, heartbeat,
//! persist by minting new authorizations, terminate the owner's sessions,
//! and log in again after being thrown out. Replaying captured packets is
//! in [`super::replay`].

use sessionlab_proto::id::{AuthKeyId, DcId};
use std::time::Duration;

use crate::scenario::model::{AcquireKind, Behavior, DeviceKind};
use crate::world::oracle::credentials::{Credential, Link};
use sessionlab_proto::client::{ClientConfig, ClientEvent, Command, SessionFile};
use sessionlab_proto::time::Instant;

use super::apps::{ready_code, sms_resend_at};
use super::attacker_outcome::acquisition_name;
use super::build::device_info;
use super::trace::names::{acquired_device, device_name};
use super::trace::TraceEvent;
use super::{AppId, Event, Holder, World};

/// How long after being thrown out a re-logging attacker tries again.
const RELOGIN_AFTER: Duration = Duration::from_secs(3600);

impl World {
    fn attacker_config(&self, attacker: usize) -> ClientConfig {
        let account = self.attackers[attacker].account;
        let mut device = device_info(DeviceKind::Desktop);
        device.device_model = "Linux desktop".into();
        device.system_version = "Ubuntu 22.04".into();
        ClientConfig {
            home_dc: self.accounts[account].home_dc,
            device,
            // A thief's app is a stock app: temp keys like the owner's.
            temp_key_lifetime: self.config.policy.temp_key_lifetime,
            sync: self.config.app_sync_config(),
            ..ClientConfig::default()
        }
    }

    pub(super) fn acquire(&mut self, now: Instant, attacker: usize) {
        let account = self.attackers[attacker].account;
        let kind = self.attackers[attacker].acquire;
        match kind {
            AcquireKind::StolenKey { device }
            | AcquireKind::SessionFile { device }
            | AcquireKind::StolenDevice { device } => {
                let victim = self
                    .device_of(account, device)
                    .filter(|victim| self.apps[*victim].client.is_logged_in() && !self.apps[*victim].lost);
                let Some(victim) = victim else {
                    // No such device, or nothing on it to take: counted,
                    // never silent (`attacks_not_started`).
                    self.counters.attacks_not_started += 1;
                    self.note(now, |world| TraceEvent::AttackNotStarted {
                        attacker: world.attackers[attacker].name.clone(),
                        user_id: world.accounts[account].user_id.get(),
                        kind: acquisition_name(kind),
                        device: Some(device_name(device)),
                    });
                    return;
                };
                let mut file = self.apps[victim].client.session_file();
                let mut config = self.attacker_config(attacker);
                match kind {
                    // One key: the home DC's (what a key-stealing tool takes).
                    AcquireKind::StolenKey { .. } => {
                        let home_dc = file.home_dc;
                        file.keys.retain(|dc, _| *dc == home_dc);
                    }
                    // The device itself: the same app, and the owner loses it.
                    AcquireKind::StolenDevice { .. } => {
                        config = self.apps[victim].client.config().clone();
                        self.lose_device(now, victim);
                    }
                    _ => {}
                }
                let what = format!("{} {}", device_name(device), describe(kind));
                let taken = self.take_session_file(now, attacker, file, config, &what, device);
                self.note_acquisition(now, attacker, taken);
                if matches!(kind, AcquireKind::StolenDevice { .. }) {
                    // The thief starts where the device was taken.
                    if let Some(app) = self.attackers[attacker].apps.last().copied() {
                        self.apps[app].origin = self.apps[victim].origin.clone();
                    }
                }
                self.start_tap(now, attacker, victim);
            }
            AcquireKind::SimSwap => {
                self.accounts[account].sim_holder = Some(attacker);
                let app = self.attacker_login(now, attacker);
                self.note_acquisition(now, attacker, Some(app));
            }
            AcquireKind::PhishedCode => {
                let app = self.attacker_login(now, attacker);
                self.note_acquisition(now, attacker, Some(app));
            }
        }
        self.attackers[attacker].acquired = true;
        let heartbeat_every = self.attackers[attacker].heartbeat_every;
        self.schedule(now.saturating_add(heartbeat_every), Event::AttackerTick { attacker });
    }

    fn take_session_file(
        &mut self,
        now: Instant,
        attacker: usize,
        file: SessionFile,
        config: ClientConfig,
        what: &str,
        device: DeviceKind,
    ) -> Option<AppId> {
        let id = self.apps.len();
        let holder = Holder::Attacker { attacker };
        let mut app = super::build::new_app(id, config.clone(), holder, self.seed, 0);
        match sessionlab_proto::client::Client::from_session_file(file.clone(), config, &mut app.rng) {
            Ok(client) => app.client = client,
            Err(_) => return None,
        }
        app.keys_held = file.keys.iter().map(|(dc, stored)| (*dc, stored.key.id())).collect();
        self.apps.push(app);
        self.register_attacker_node(id);
        self.note_app_created(now, id, device);
        self.attackers[attacker].apps.push(id);
        let name = self.attackers[attacker].name.clone();
        let account = self.attackers[attacker].account;
        let user_id = self.accounts[account].user_id;
        for (dc, key_id) in file.keys.iter().map(|(dc, stored)| (*dc, stored.key.id())) {
            let key = Credential::Key { dc, key_id };
            self.credentials.link(
                Credential::Stolen {
                    attacker: name.clone(),
                    what: what.to_string(),
                },
                key,
                Link::Holds,
                now,
            );
            if let Some((owner, hash)) = self.bypasses.acts_for(dc, key_id) {
                if owner == user_id {
                    self.attacker_holds(attacker, (owner, hash));
                    self.attackers[attacker].ledger.acquired(now);
                }
            }
        }
        self.connect_client(now, id);
        self.after_access(now, attacker, id);
        Some(id)
    }

    /// Trace what attacker `attacker` acquired, from app `app`.
    fn note_acquisition(&mut self, now: Instant, attacker: usize, app: Option<AppId>) {
        let Some(app) = app else {
            return;
        };
        self.note(now, |world| {
            let record = &world.attackers[attacker];
            TraceEvent::Acquisition {
                attacker: record.name.clone(),
                user_id: world.accounts[record.account].user_id.get(),
                kind: acquisition_name(record.acquire),
                device: acquired_device(record.acquire).map(device_name),
                app,
            }
        });
    }

    /// A fresh attacker app asks for a login code (SIM swap, phishing).
    fn attacker_login(&mut self, now: Instant, attacker: usize) -> AppId {
        let account = self.attackers[attacker].account;
        let config = self.attacker_config(attacker);
        let app = self.add_app(config, Holder::Attacker { attacker });
        self.attackers[attacker].apps.push(app);
        self.attackers[attacker].pending_login = Some(app);
        let home_dc = self.accounts[account].home_dc;
        let key = self.exchange_key(now, app, home_dc);
        self.apps[app].keys_held.insert(home_dc, key.id());
        let name = self.attackers[attacker].name.clone();
        let what = describe(self.attackers[attacker].acquire).to_string();
        self.credentials.link(
            Credential::Stolen { attacker: name, what },
            Credential::Key {
                dc: home_dc,
                key_id: key_id_of(&self.apps[app].client, home_dc),
            },
            Link::Holds,
            now,
        );
        self.connect_client(now, app);
        let phone = self.accounts[account].phone.clone();
        self.command(now, app, Command::SendCode { phone });
        if self.attackers[attacker].acquire == AcquireKind::PhishedCode {
            // The phished owner will hand over the next code the account
            // gets, wherever it is delivered (SMS or in the app).
            self.accounts[account].phished_by = Some(attacker);
        }
        app
    }

    /// The SIM-swap attacker's `auth.resendCode`: the same code, by SMS.
    pub(super) fn attacker_resend_code(&mut self, now: Instant, attacker: usize) {
        if let Some(app) = self.attackers[attacker].pending_login {
            self.command(now, app, Command::ResendCode);
        }
    }

    pub(super) fn attacker_got_code(&mut self, now: Instant, attacker: usize, code: &str) {
        self.attackers[attacker].code = Some(code.to_string());
        self.attacker_try_sign_in(now, attacker);
    }

    fn attacker_try_sign_in(&mut self, now: Instant, attacker: usize) {
        let record = &mut self.attackers[attacker];
        if let Some((app, code)) = ready_code(record.pending_login, &mut record.code_requested, &mut record.code) {
            self.command(now, app, Command::SignIn { code });
        }
    }

    /// What an attacker does once it holds a working session.
    fn after_access(&mut self, now: Instant, attacker: usize, app: AppId) {
        let behavior = self.attackers[attacker].behavior.clone();
        if behavior.contains(&Behavior::Exfiltrate) {
            // Like the owner's apps, export the authorization to the media
            // DC (a copied session file may already hold a key there).
            let account = self.attackers[attacker].account;
            if let Some(media) = self.media_dc_of(account) {
                if !self.apps[app].keys_held.contains_key(&media) {
                    self.connect_media_dc(now, account, app);
                    if let Some(key_id) = self.apps[app].client.auth_key_id(media) {
                        self.apps[app].keys_held.insert(media, key_id);
                    }
                }
            }
            if !self.attackers[attacker].fetching {
                self.attackers[attacker].fetching = true;
                let fetch_every = self.attackers[attacker].fetch_every;
                self.schedule(now.saturating_add(fetch_every), Event::AttackerFetch { attacker });
            }
        }
        if behavior.contains(&Behavior::TerminateOthers) {
            self.command(now, app, Command::ResetAuthorizations);
        }
        if behavior.contains(&Behavior::Persist) {
            // Mint authorizations by QR login: fresh apps export tokens, the
            // stolen session accepts them.
            self.attackers[attacker].persist_from = Some(app);
            let home_dc = self.apps[app].client.home_dc();
            for _ in 0..self.attackers[attacker].footholds {
                let config = self.attacker_config(attacker);
                let minter = self.add_app(config, Holder::Attacker { attacker });
                self.attackers[attacker].apps.push(minter);
                let key = self.exchange_key(now, minter, home_dc);
                self.apps[minter].keys_held.insert(home_dc, key.id());
                self.connect_client(now, minter);
                self.command(now, minter, Command::ExportLoginToken);
            }
        }
    }

    pub(super) fn attacker_tick(&mut self, now: Instant, attacker: usize) {
        let behavior = self.attackers[attacker].behavior.clone();
        if behavior.contains(&Behavior::Heartbeat) {
            for app in self.attackers[attacker].apps.clone() {
                if self.apps[app].client.is_logged_in() {
                    self.command(now, app, Command::GetState);
                }
            }
        }
        let next = now.saturating_add(self.attackers[attacker].heartbeat_every);
        if next < self.config.end {
            self.schedule(next, Event::AttackerTick { attacker });
        }
    }

    /// Fetch from every media DC a held session is authorized on.
    pub(super) fn attacker_fetch(&mut self, now: Instant, attacker: usize) {
        let dcs: Vec<DcId> = self.servers.keys().copied().collect();
        let mut active = false;
        for app in self.attackers[attacker].apps.clone() {
            let client = &self.apps[app].client;
            if client.is_wiped() {
                continue;
            }
            let home = client.home_dc();
            let media: Vec<DcId> = dcs
                .iter()
                .copied()
                .filter(|dc| *dc != home && client.is_dc_authorized(*dc))
                .collect();
            for dc in media {
                active = true;
                self.command(now, app, Command::FetchFile { dc });
            }
        }
        let next = now.saturating_add(self.attackers[attacker].fetch_every);
        if active && next < self.config.end {
            self.schedule(next, Event::AttackerFetch { attacker });
        } else {
            // Nothing left to fetch from: a later access starts again.
            self.attackers[attacker].fetching = false;
        }
    }

    pub(super) fn attacker_event(&mut self, now: Instant, attacker: usize, app: AppId, event: ClientEvent) {
        match event {
            ClientEvent::CodeSent {
                kind,
                next_type,
                timeout_s,
            } if self.attackers[attacker].pending_login == Some(app) => {
                self.attackers[attacker].code_requested = true;
                self.attacker_try_sign_in(now, attacker);
                // The code went to the owner's logged-in devices; with the
                // SIM in hand, ask for it again by SMS once allowed.
                let swapped = self.attackers[attacker].acquire == AcquireKind::SimSwap;
                if let (true, Some(at)) = (swapped, sms_resend_at(now, &kind, next_type, timeout_s)) {
                    if at < self.config.end {
                        self.schedule(at, Event::AttackerResendCode { attacker });
                    }
                }
            }
            ClientEvent::LoginTokenExported { token, .. } => {
                // Hand the token to the stolen session, which accepts it.
                if let Some(accepter) = self.attackers[attacker].persist_from {
                    self.command(now, accepter, Command::AcceptLoginToken { token });
                }
            }
            ClientEvent::LoggedIn { .. } if self.attackers[attacker].pending_login == Some(app) => {
                self.attackers[attacker].pending_login = None;
                self.attackers[attacker].ledger.acquired(now);
                self.after_access(now, attacker, app);
            }
            ClientEvent::Sync(sessionlab_proto::sync::SyncEvent::Applied { .. }) => {
                self.attackers[attacker].ledger.updates_exfiltrated += 1;
                self.count_exfiltration(now, app);
            }
            ClientEvent::Wiped { .. } => {
                let relogin = self.attackers[attacker].behavior.contains(&Behavior::Relogin);
                let by_code = matches!(self.attackers[attacker].acquire, AcquireKind::SimSwap);
                if relogin && by_code {
                    let at = now.saturating_add(RELOGIN_AFTER);
                    if at < self.config.end {
                        self.schedule(at, Event::Acquire { attacker });
                    }
                }
            }
            _ => {}
        }
    }

    /// An update read by an attacker after its authorization was revoked.
    fn count_exfiltration(&mut self, now: Instant, app: AppId) {
        let home_dc = self.apps[app].client.home_dc();
        let Some(key_id) = self.apps[app].client.auth_key_id(home_dc) else {
            return;
        };
        let Some(authorization) = self.bypasses.acts_for(home_dc, key_id) else {
            return;
        };
        if self.bypasses.revoked_at(authorization).is_some_and(|at| at < now) {
            self.counters.updates_exfiltrated_after_revocation += 1;
        }
    }
}

fn describe(kind: AcquireKind) -> &'static str {
    match kind {
        AcquireKind::StolenKey { .. } => "auth key",
        AcquireKind::SessionFile { .. } => "session file",
        AcquireKind::SimSwap => "SIM (swapped)",
        AcquireKind::PhishedCode => "phished login code",
        AcquireKind::StolenDevice { .. } => "device (stolen, unlocked)",
    }
}

fn key_id_of(client: &sessionlab_proto::client::Client, dc: DcId) -> AuthKeyId {
    client.auth_key_id(dc).unwrap_or_default()
}
