//! What the humans behind accounts do: log their devices in, come and go
//! online, answer new-login notifications, and audit the session list now
//! and then using the anomaly signals.

use crate::engine::distribution::bernoulli;
use crate::scenario::model::AuditAction;
use rand_chacha::rand_core::RngCore;
use sessionlab_proto::auth::PASSWORD_SALT_BYTES;
use sessionlab_proto::client::{ClientEvent, Command};
use sessionlab_proto::id::{AuthorizationHash, DcId, UserId};
use sessionlab_proto::server::AdminCommand;
use sessionlab_proto::sync::UpdateKind;
use sessionlab_proto::time::Instant;
use sessionlab_proto::wire::api::AuthorizationSignals;

use super::apps::{ready_code, sms_resend_at};
use super::build::exponential;
use super::trace::TraceEvent;
use super::{AccountIndex, AppId, Event, Holder, World};

/// Logins an owner starts again in a row after failed ones.
pub(super) const MAX_OWNER_LOGIN_RETRIES: u32 = 3;
/// How long past the code's lifetime an owner waits for a code that never
/// comes before taking the login as failed.
const OWNER_CODE_GRACE: std::time::Duration = std::time::Duration::from_secs(60);
/// How long an owner waits before starting a failed login again.
const OWNER_LOGIN_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Whether an audit terminates a session with these signals: at least
/// `min_signals` of the four fire (seed 003: one alone is often a false
/// positive, two or more mean act).
pub(super) fn suspicious(signals: &AuthorizationSignals, min_signals: u32) -> bool {
    let fired = [
        signals.unseen_device_model,
        signals.outdated_app_version,
        signals.impossible_travel,
        signals.unusual_hours,
    ];
    fired.iter().filter(|signal| **signal).count() as u32 >= min_signals
}

impl World {
    /// An owner's device starts a login (the first one ever, or after a wipe).
    pub(super) fn owner_login(&mut self, now: Instant, app: AppId) {
        let Holder::Owner { account, .. } = self.apps[app].holder else {
            return;
        };
        if self.apps[app].client.is_logged_in() || self.apps[app].lost || self.accounts[account].deleted {
            return;
        }
        if self.apps[app].client.is_wiped() {
            // A wiped app starts from scratch, with new keys: an old key
            // (which an attacker may hold) is never logged in again.
            let config = self.apps[app].client.config().clone();
            match sessionlab_proto::client::Client::new(config) {
                Ok(client) => self.apps[app].client = client,
                Err(_) => return,
            }
        }
        let home_dc = self.accounts[account].home_dc;
        self.exchange_key(now, app, home_dc);
        self.accounts[account]
            .pending_logins
            .insert(app, super::PendingLogin::default());
        if self.apps[app].online && !self.apps[app].client.is_online() {
            self.connect_client(now, app);
            // Devices then alternate between online and offline sessions.
            let mean = self.config.population.online.mean_session;
            let next = now.saturating_add(exponential(&mut self.accounts[account].rng, mean));
            self.schedule(next, Event::Online { app, online: false });
        }
        let phone = self.accounts[account].phone.clone();
        self.command(now, app, Command::SendCode { phone });
    }

    /// The owner's patience with login attempt `attempt` of `app` ran out.
    pub(super) fn owner_login_patience(&mut self, now: Instant, app: AppId, attempt: u32) {
        let Holder::Owner { account, .. } = self.apps[app].holder else {
            return;
        };
        let same_attempt = self.apps[app].login_retries == attempt;
        let waiting = self.accounts[account].pending_logins.contains_key(&app);
        if same_attempt && waiting && !self.apps[app].client.is_logged_in() {
            self.accounts[account].end_pending_login(app);
            self.owner_login_failed(now, app);
        }
    }

    /// A code for the owner: it types it into the device that asked.
    /// The code may arrive before the device has the server's answer (the
    /// phone_code_hash); the owner types it once both are there.
    pub(super) fn owner_got_code(&mut self, now: Instant, account: AccountIndex, app: AppId, code: &str) {
        if let Some(pending) = self.accounts[account].pending_logins.get_mut(&app) {
            pending.code = Some(code.to_string());
            self.owner_try_sign_in(now, account, app);
        }
    }

    /// The owner, still without the in-app code, asks for it by SMS.
    pub(super) fn owner_resend_code(&mut self, now: Instant, app: AppId) {
        let Holder::Owner { account, .. } = self.apps[app].holder else {
            return;
        };
        let waiting = self.accounts[account]
            .pending_logins
            .get(&app)
            .is_some_and(|pending| pending.code.is_none());
        if waiting && !self.apps[app].client.is_logged_in() {
            self.command(now, app, Command::ResendCode);
        }
    }

    fn owner_try_sign_in(&mut self, now: Instant, account: AccountIndex, app: AppId) {
        let Some(pending) = self.accounts[account].pending_logins.get_mut(&app) else {
            return;
        };
        if let Some((app, code)) = ready_code(Some(app), &mut pending.code_requested, &mut pending.code) {
            self.command(now, app, Command::SignIn { code });
        }
    }

    pub(super) fn owner_online(&mut self, now: Instant, app: AppId, online: bool) {
        let Holder::Owner { .. } = self.apps[app].holder else {
            return;
        };
        if self.apps[app].lost {
            return;
        }
        let in_quiet_period = now >= self.config.quiet_from;
        let online = online || in_quiet_period;
        if let Holder::Owner { account, .. } = self.apps[app].holder {
            let wake = self.accounts[account].rhythm.awake_from(now);
            if online && !in_quiet_period && wake > now {
                // The owner sleeps: the device comes online when they wake.
                self.schedule(wake, Event::Online { app, online: true });
                return;
            }
        }
        if self.apps[app].online == online && self.apps[app].client.is_online() == online {
            // Already so (an audit brought it online early): this chain ends here,
            // the newer one goes on.
            return;
        }
        self.apps[app].online = online;
        if online {
            self.connect_client(now, app);
            self.fetch_media(now, app);
        } else {
            self.disconnect_client(app);
        }
        self.pump_app(now, app);
        if in_quiet_period {
            return;
        }
        let habits = &self.config.population.online;
        let mean = if online { habits.mean_session } else { habits.mean_gap };
        let Holder::Owner { account, .. } = self.apps[app].holder else {
            return;
        };
        let next = now.saturating_add(exponential(&mut self.accounts[account].rng, mean));
        self.schedule(next, Event::Online { app, online: !online });
    }

    pub(super) fn quiet_period(&mut self, now: Instant) {
        for app in 0..self.apps.len() {
            if matches!(self.apps[app].holder, Holder::Owner { .. }) && !self.apps[app].online {
                self.owner_online(now, app, true);
            }
        }
    }

    /// Something happens on the account: a message arrives.
    pub(super) fn new_update(&mut self, now: Instant, account: AccountIndex) {
        let bytes = self
            .config
            .population
            .update_bytes
            .sample(&mut self.accounts[account].rng);
        let payload_bytes = u32::try_from(bytes).unwrap_or(u32::MAX).min(64 * 1024 - 64);
        let (home_dc, user_id) = (self.accounts[account].home_dc, self.accounts[account].user_id);
        if let Some(server) = self.servers.get_mut(&home_dc) {
            if server
                .push_update(
                    now,
                    user_id,
                    UpdateKind::NewMessage,
                    payload_bytes,
                    &mut self.server_rng,
                )
                .is_ok()
            {
                self.counters.updates_created += 1;
            }
        }
        self.drain_server(now, home_dc, None);
        // No new traffic during the quiet period: sync must converge on what exists.
        let per_day = self.config.population.updates_per_day.max(1);
        let mean = std::time::Duration::from_secs_f64(86_400.0 / per_day as f64);
        let next = now.saturating_add(exponential(&mut self.accounts[account].rng, mean));
        if next < self.config.quiet_from {
            self.schedule(next, Event::NewUpdate { account });
        }
    }

    /// The owner looks at the session list from a logged-in device.
    pub(super) fn audit(&mut self, now: Instant, account: AccountIndex) {
        let audit = self.config.population.audit.clone();
        let next = now.saturating_add(audit.every);
        if next < self.config.end {
            self.schedule(next, Event::Audit { account });
        }
        if !bernoulli(&mut self.accounts[account].rng, audit.probability.get()) {
            return;
        }
        let wake = self.accounts[account].rhythm.awake_from(now);
        if wake > now {
            // The owner sleeps: this audit happens when they wake.
            self.schedule(wake, Event::DeferredAudit { account });
            return;
        }
        self.audit_now(now, account);
    }

    /// The owner audits now (awake, and the audit's draw taken).
    pub(super) fn audit_now(&mut self, now: Instant, account: AccountIndex) {
        // The owner picks up the first logged-in device (the phone, usually),
        // bringing it online if it was not.
        let device = self.accounts[account]
            .devices
            .iter()
            .copied()
            .find(|app| !self.apps[*app].lost && self.apps[*app].client.is_logged_in());
        if let Some(app) = device {
            if !self.apps[app].online {
                self.owner_online(now, app, true);
            }
            self.counters.audits += 1;
            self.owner_command(now, app, Command::GetAuthorizations, 1);
        }
    }

    pub(super) fn owner_event(&mut self, now: Instant, account: AccountIndex, app: AppId, event: ClientEvent) {
        match event {
            ClientEvent::CodeSent {
                kind,
                next_type,
                timeout_s,
            } => {
                if let Some(pending) = self.accounts[account].pending_logins.get_mut(&app) {
                    pending.code_requested = true;
                    self.owner_try_sign_in(now, account, app);
                    // A code that never comes: once it would have expired,
                    // the owner takes the login as failed.
                    let patience = self.config.policy.code_lifetime.saturating_add(OWNER_CODE_GRACE);
                    let attempt = self.apps[app].login_retries;
                    self.schedule(now.saturating_add(patience), Event::OwnerLoginPatience { app, attempt });
                }
                // An in-app code the owner may never see (no device of
                // theirs is logged in): once allowed, they ask for an SMS.
                if let Some(at) = sms_resend_at(now, &kind, next_type, timeout_s) {
                    if at < self.config.quiet_from {
                        self.schedule(at, Event::OwnerResendCode { app });
                    }
                }
            }
            ClientEvent::PasswordNeeded => {
                if let Some(password) = self.accounts[account].password.clone() {
                    self.command(
                        now,
                        app,
                        Command::CheckPassword {
                            password: sessionlab_proto::client::Password(password),
                        },
                    );
                }
            }
            ClientEvent::LoggedIn { .. } => {
                // Its sync starts now: catch-up and push latencies run from here.
                if self.apps[app].client.is_online() {
                    self.apps[app].connected_at = Some(now);
                }
                self.accounts[account].end_pending_login(app);
                self.apps[app].login_retries = 0;
                self.enable_two_factor_once(now, account, app);
                self.connect_media_dc(now, account, app);
            }
            ClientEvent::NewLogin {
                hash,
                unconfirmed: true,
                ..
            } => self.answer_new_login(now, account, app, hash),
            ClientEvent::Authorizations(list) => self.act_on_audit(now, account, app, &list),
            ClientEvent::PasswordUpdated { .. } => self.password_updated(account),
            ClientEvent::RequestLost { request, method } => {
                self.note(now, |world| TraceEvent::OwnerRequestLost {
                    user_id: world.user_of(app),
                    app,
                    method,
                });
                if matches!(method, "auth.sendCode" | "auth.signIn" | "auth.checkPassword") {
                    self.owner_login_failed(now, app);
                } else {
                    self.owner_request_lost(now, app, request, method);
                }
            }
            ClientEvent::RequestDone { request, method } => {
                let asked_for = self.owner_request_settled(app, request);
                if matches!(method, "account.resetAuthorization" | "auth.resetAuthorizations") {
                    self.bypasses.owner_answered(UserId::new(self.user_of(app)), now);
                }
                if asked_for {
                    self.note(now, |world| TraceEvent::OwnerRequestDone {
                        user_id: world.user_of(app),
                        app,
                        method,
                    });
                }
            }
            ClientEvent::Ignored { dc, ref error } => {
                self.note(now, |world| TraceEvent::OwnerAppIgnored {
                    user_id: world.user_of(app),
                    app,
                    dc: dc.get(),
                    error: error.to_string(),
                });
            }
            ClientEvent::RequestFailed {
                request,
                method,
                code,
                ref message,
            } => {
                self.owner_request_settled(app, request);
                self.note(now, |world| TraceEvent::OwnerRequestFailed {
                    user_id: world.user_of(app),
                    app,
                    method,
                    error: format!("{code} {message}"),
                });
                if matches!(method, "auth.sendCode" | "auth.signIn" | "auth.checkPassword") {
                    self.owner_login_failed(now, app);
                }
            }
            ClientEvent::Wiped { .. } => {
                // The owner logs the device in again an hour later.
                let at = now.saturating_add(std::time::Duration::from_secs(3600));
                if at < self.config.quiet_from {
                    self.schedule(at, Event::Login { app });
                }
            }
            _ => {}
        }
    }

    /// A login step failed or was lost (a code that expired before it was
    /// typed in, a wrong one, no answer after every attempt): the owner
    /// starts the login again ten minutes later, as a person would, at most
    /// [`MAX_OWNER_LOGIN_RETRIES`] times in a row; then gives up (counted
    /// in `owner_requests_abandoned`).
    fn owner_login_failed(&mut self, now: Instant, app: AppId) {
        if self.apps[app].client.is_logged_in() {
            return;
        }
        if self.apps[app].login_retries >= MAX_OWNER_LOGIN_RETRIES {
            self.counters.owner_requests_abandoned += 1;
            return;
        }
        self.apps[app].login_retries += 1;
        let at = now.saturating_add(OWNER_LOGIN_RETRY_AFTER);
        if at < self.config.quiet_from {
            self.schedule(at, Event::Login { app });
        }
    }

    /// Devices fetch media from another datacenter, so they hold a derived
    /// authorization and a key there (which a copied session file carries).
    pub(super) fn connect_media_dc(&mut self, now: Instant, account: AccountIndex, app: AppId) {
        let Some(media) = self.media_dc_of(account) else {
            return;
        };
        self.exchange_key(now, app, media);
        self.command(now, app, Command::ConnectDc { dc: media });
    }

    /// The DC an account's apps fetch media from: the one after its home
    /// DC, in a world of two or more.
    pub(super) fn media_dc_of(&self, account: AccountIndex) -> Option<DcId> {
        let count = self.servers.len() as u32;
        if count < 2 {
            return None;
        }
        let home = self.accounts[account].home_dc;
        Some(DcId(home.get() % count + 1))
    }

    /// Fetch media from every connected media DC (when the device comes online).
    fn fetch_media(&mut self, now: Instant, app: AppId) {
        let home = self.apps[app].client.home_dc();
        let media: Vec<DcId> = self
            .servers
            .keys()
            .copied()
            .filter(|dc| *dc != home && self.apps[app].client.is_dc_authorized(*dc))
            .collect();
        for dc in media {
            self.command(now, app, Command::FetchFile { dc });
        }
    }

    /// 2FA is set up from the first device to log in, when the owner uses it.
    fn enable_two_factor_once(&mut self, now: Instant, account: AccountIndex, app: AppId) {
        let Some(password) = self.accounts[account].password.clone() else {
            return;
        };
        let (home_dc, user_id) = (self.accounts[account].home_dc, self.accounts[account].user_id);
        let Some(key_id) = self.apps[app].client.auth_key_id(home_dc) else {
            return;
        };
        let Some(server) = self.servers.get_mut(&home_dc) else {
            return;
        };
        let has_password = server
            .authority()
            .account(user_id)
            .is_some_and(|record| record.has_password());
        if !has_password {
            let mut rng = super::build::stream(self.seed, &format!("password/{account}"));
            let mut salt = [0u8; PASSWORD_SALT_BYTES];
            rng.fill_bytes(&mut salt);
            let command = AdminCommand::UpdatePassword {
                key_id,
                current: None,
                new: Some(&password),
                salt,
            };
            // Refused only when the key is no longer a home session: the
            // owner then simply has no password to protect the account.
            let _refused = server.handle_admin(now, command, &mut self.server_rng);
            self.drain_server(now, home_dc, None);
        }
    }

    /// A new login on the account: confirm it when it is the owner's own
    /// device (the owner knows), deny an unrecognized one with the
    /// scenario's probability.
    fn answer_new_login(&mut self, now: Instant, account: AccountIndex, app: AppId, hash: AuthorizationHash) {
        let user_id = self.accounts[account].user_id;
        let holder = self
            .holders
            .get(&(user_id, hash))
            .map(|holder| self.apps[*holder].holder);
        let own = matches!(holder, Some(Holder::Owner { account: owner, .. }) if owner == account);
        if own {
            self.owner_command(now, app, Command::ConfirmAuthorization { hash }, 1);
        } else if bernoulli(
            &mut self.accounts[account].rng,
            self.config.population.deny_unrecognized_login.get(),
        ) {
            self.count_detection(user_id, hash);
            self.owner_command(now, app, Command::ResetAuthorization { hash }, 1);
        }
    }

    fn act_on_audit(
        &mut self,
        now: Instant,
        account: AccountIndex,
        app: AppId,
        list: &sessionlab_proto::wire::api::AuthorizationsWithSignals,
    ) {
        let user_id = self.accounts[account].user_id;
        match self.config.population.audit.action {
            AuditAction::None => {}
            AuditAction::TerminateAllOthers => {
                for authorization in list.authorizations.authorizations.iter().filter(|a| !a.current) {
                    self.count_detection(user_id, AuthorizationHash(authorization.hash));
                }
                self.owner_command(now, app, Command::ResetAuthorizations, 1);
            }
            AuditAction::TerminateSuspicious => {
                let min_signals = self.config.population.audit.min_signals;
                for authorization in list.authorizations.authorizations.iter().filter(|a| !a.current) {
                    let flagged = list
                        .signals_of(authorization.hash)
                        .is_some_and(|signals| suspicious(signals, min_signals));
                    if flagged {
                        self.count_detection(user_id, AuthorizationHash(authorization.hash));
                        self.owner_command(
                            now,
                            app,
                            Command::ResetAuthorization {
                                hash: AuthorizationHash(authorization.hash),
                            },
                            1,
                        );
                    }
                }
            }
        }
    }

    /// A session the owner terminates as suspicious: a true positive when an
    /// attacker holds it (the simulator knows), else a false positive.
    fn count_detection(&mut self, user_id: UserId, hash: AuthorizationHash) {
        if self.attacker_held.contains(&(user_id, hash)) {
            self.counters.detection_true_positives += 1;
            self.detected.insert((user_id, hash));
        } else {
            self.counters.detection_false_positives += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(fired: usize) -> AuthorizationSignals {
        AuthorizationSignals {
            unseen_device_model: fired > 0,
            outdated_app_version: fired > 1,
            impossible_travel: fired > 2,
            unusual_hours: fired > 3,
            hash: 1,
        }
    }

    #[test]
    fn an_audit_acts_on_at_least_min_signals() {
        for min_signals in 1..=4u32 {
            for fired in 0..=4usize {
                assert_eq!(
                    suspicious(&signals(fired), min_signals),
                    fired as u32 >= min_signals,
                    "{fired} fired, {min_signals} needed"
                );
            }
        }
        // Each signal counts alike.
        let hours_only = AuthorizationSignals {
            unusual_hours: true,
            ..signals(0)
        };
        assert!(suspicious(&hours_only, 1));
        assert!(!suspicious(&hours_only, 2));
    }
}
