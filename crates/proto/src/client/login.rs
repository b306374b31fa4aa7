//! The client's login state and its transitions: logged in (by code, 2FA,
//! future token or QR), logged out (keeping the future auth token), and
//! wiped (the authorization was revoked: local data goes).
//!
//! Keys go with the authorization: the server never binds a revoked key
//! again (a logged-out, terminated or expired key is dead), so after a
//! log-out or a wipe every DC's key and session is dropped and
//! [`Client::auth_key_for`] makes fresh ones, which the caller registers
//! before the next login. A key the server calls unregistered while no
//! account is logged in is dropped the same way (`KeyDropped`).

mod state;
#[cfg(test)]
mod tests;

use super::config::{KEEP_ALIVE_INTERVAL, MAX_FUTURE_AUTH_TOKENS};
use super::event::{ClientEvent, WipeReason};
use super::Client;
use crate::id::{DcId, UserId};
use crate::sync::ClientSync;
use crate::time::Instant;
use crate::wire::api::AuthAuthorization;

pub(super) use state::LoginState;

impl Client {
    /// An `auth.authorization` arrived: this instance is logged in.
    pub(super) fn logged_in(&mut self, now: Instant, authorization: AuthAuthorization) {
        if let Some(token) = authorization.future_auth_token {
            self.keep_future_token(token);
        }
        let user_id = UserId::from_wire(authorization.user.id);
        self.advance_login(|state| state.logged_in(authorization.user));
        let home = self.config.home_dc;
        if let Some(link) = self.links.get_mut(&home) {
            link.authorized = true;
        }
        let mut sync = ClientSync::new(self.config.sync, self.config.bootstrap)
            .expect("the sync config was validated in Client::new");
        if self.online {
            sync.on_connected(now);
            self.next_ping_at = Some(now.saturating_add(KEEP_ALIVE_INTERVAL));
        }
        self.sync = Some(sync);
        self.emit(ClientEvent::LoggedIn { user_id });
    }

    /// `auth.loggedOut` arrived: local data goes, the token is kept.
    pub(super) fn logged_out(&mut self, future_auth_token: Option<Vec<u8>>) {
        let token_kept = future_auth_token.is_some();
        if let Some(token) = future_auth_token {
            self.keep_future_token(token);
        }
        self.forget_account();
        self.sync = None;
        self.drop_keys();
        self.emit(ClientEvent::LoggedOut { token_kept });
    }

    /// The authorization was revoked. A client that is not logged in has
    /// nothing to wipe, and a wiped one has already said so: `Wiped` is
    /// emitted once per authorization.
    pub(super) fn wipe(&mut self, reason: WipeReason) {
        if !self.login.is_logged_in() {
            return;
        }
        #[cfg(feature = "mutants")]
        if crate::mutant::is(self.config.sync.mutant, crate::mutant::Mutant::RevokedDeviceNeverWipes) {
            return;
        }
        if let Some(sync) = self.sync.as_mut() {
            sync.wipe();
        }
        self.advance_login(|state| state.wiped(reason));
        self.forget_account();
        self.future_tokens.clear();
        // Nothing outstanding can be answered usefully any more.
        self.requests.clear();
        for link in self.links.iter_mut().map(|(_, link)| link) {
            link.by_msg_id.clear();
        }
        self.drop_keys();
        self.emit(ClientEvent::Wiped { reason });
    }

    /// Drop every DC's key and session. What their transports still had to
    /// report is reported first; requests still waiting on them are lost.
    fn drop_keys(&mut self) {
        let dcs: Vec<DcId> = self.links.keys().copied().collect();
        for dc in dcs {
            self.drop_key(dc);
        }
    }

    /// Drop `dc`'s key and session (see [`Client::drop_keys`]).
    pub(super) fn drop_key(&mut self, dc: DcId) {
        // The key goes: what the transport gave up on is lost with it.
        for request in self.drain_transport_events() {
            self.lose(request);
        }
        let Some(link) = self.links.remove(&dc) else {
            return;
        };
        self.retired_bytes.0 += link.bytes_sent;
        self.retired_bytes.1 += link.bytes_received;
        let waiting: Vec<_> = link.by_msg_id.into_iter().map(|(_, request)| request).collect();
        for request in waiting {
            self.lose(request);
        }
    }

    /// Move the login state on: `step` consumes the current state.
    pub(super) fn advance_login(&mut self, step: impl FnOnce(LoginState) -> LoginState) {
        let state = std::mem::take(&mut self.login);
        self.login = step(state);
    }

    fn forget_account(&mut self) {
        self.advance_login(LoginState::account_left);
        self.next_ping_at = None;
        for link in self.links.iter_mut().map(|(_, link)| link) {
            link.authorized = false;
        }
    }

    /// Keep a future auth token, dropping the oldest beyond the limit.
    pub(super) fn keep_future_token(&mut self, token: Vec<u8>) {
        if self.future_tokens.contains(&token) {
            return;
        }
        if self.future_tokens.len() == MAX_FUTURE_AUTH_TOKENS {
            self.future_tokens.pop_front();
        }
        self.future_tokens.push_back(token);
        assert!(self.future_tokens.len() <= MAX_FUTURE_AUTH_TOKENS);
    }
}
