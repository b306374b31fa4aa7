//! `[[owner_action]]`: owners of a share of accounts act at a set time from
//! the device in their hand — terminate all other sessions, terminate one
//! device's session, log out, set the inactivity TTL, turn on 2FA, change
//! the password, delete the account. The device in hand matters: "terminate
//! all other sessions" from a device whose session file was copied leaves
//! the copy in.

use crate::scenario::model::OwnerActionKind;
use sessionlab_proto::client::{Command, Password};
use sessionlab_proto::id::{AuthorizationHash, UserId};
use sessionlab_proto::server::AdminCommand;
use sessionlab_proto::time::Instant;

use super::build::{choose, stream};
use super::trace::names::{device_name, owner_action_name};
use super::trace::TraceEvent;
use super::{AccountIndex, AppId, Event, World};

/// How long the operator takes between the phases of an account deletion
/// (lock → erase → release): the real service takes longer, but what the
/// oracles see is the order, and a short step keeps it inside short runs.
pub const DELETION_STEP: std::time::Duration = std::time::Duration::from_secs(3600);

impl World {
    /// Schedule every `[[owner_action]]` on the accounts it picks.
    pub(super) fn schedule_owner_actions(&mut self, seed: u64) {
        let epoch = self.config.epoch;
        for (index, spec) in self.config.owner_actions.clone().into_iter().enumerate() {
            let mut picker = stream(seed, &format!("owner_action/{index}"));
            let total = self.accounts.len();
            let count = spec.accounts.of(total as u64) as usize;
            for account in choose(&mut picker, total, count) {
                self.schedule(
                    epoch.saturating_add(spec.at),
                    Event::OwnerAction { account, action: index },
                );
            }
        }
    }

    /// The device the owner acts from: the one the action names when it is
    /// logged in and at hand, else the first logged-in device at hand.
    fn device_in_hand(&self, account: AccountIndex, from: Option<crate::scenario::model::DeviceKind>) -> Option<AppId> {
        let usable = |app: &AppId| !self.apps[*app].lost && self.apps[*app].client.is_logged_in();
        let named = from.and_then(|kind| self.device_of(account, kind)).filter(usable);
        named.or_else(|| self.accounts[account].devices.iter().copied().find(usable))
    }

    pub(super) fn owner_action(&mut self, now: Instant, account: AccountIndex, action: usize) {
        let Some(spec) = self.config.owner_actions.get(action).cloned() else {
            return;
        };
        if self.accounts[account].deleted {
            return;
        }
        let Some(app) = self.device_in_hand(account, spec.from) else {
            self.counters.owner_actions_skipped += 1;
            return;
        };
        if !self.apps[app].online {
            self.owner_online(now, app, true);
        }
        self.counters.owner_actions += 1;
        self.note(now, |world| TraceEvent::OwnerAction {
            user_id: world.user_of(app),
            app,
            action: owner_action_name(spec.action),
            target_device: match spec.action {
                OwnerActionKind::TerminateDevice { device } => Some(device_name(device)),
                _ => None,
            },
            ttl_days: match spec.action {
                OwnerActionKind::SetTtl { days } => Some(days),
                _ => None,
            },
        });
        let command = match spec.action {
            OwnerActionKind::TerminateAllOthers => Command::ResetAuthorizations,
            OwnerActionKind::TerminateDevice { device } => {
                let Some(hash) = self
                    .device_of(account, device)
                    .and_then(|target| self.current_hash(account, target))
                else {
                    self.counters.owner_actions_skipped += 1;
                    return;
                };
                Command::ResetAuthorization { hash }
            }
            OwnerActionKind::LogOut => Command::LogOut,
            OwnerActionKind::SetTtl { days } => Command::SetAuthorizationTtl {
                days: i32::try_from(days).unwrap_or(i32::MAX),
            },
            OwnerActionKind::EnableTwoFactor | OwnerActionKind::ChangePassword => {
                self.set_password(now, account, app, spec.action);
                return;
            }
            OwnerActionKind::DeleteAccount => {
                self.accounts[account].deleted = true;
                Command::DeleteAccount {
                    password: self.accounts[account].password.clone().map(Password),
                }
            }
        };
        self.owner_command(now, app, command, 1);
    }

    /// The home authorization `app` holds now (the newest one it logged in with).
    fn current_hash(&self, account: AccountIndex, app: AppId) -> Option<AuthorizationHash> {
        let user_id = self.accounts[account].user_id;
        let home_dc = self.accounts[account].home_dc;
        let key_id = self.apps[app].client.auth_key_id(home_dc)?;
        let (owner, hash) = self.bypasses.acts_for(home_dc, key_id)?;
        (owner == user_id).then_some(hash)
    }

    /// Turn 2FA on, or change the password, through the API
    /// (`account.updatePasswordSettings`); the owner remembers the new one
    /// once the server confirms it.
    fn set_password(&mut self, now: Instant, account: AccountIndex, app: AppId, action: OwnerActionKind) {
        let current = self.accounts[account].password.clone();
        if action == OwnerActionKind::EnableTwoFactor && current.is_some() {
            return;
        }
        let generation = self.counters.owner_actions;
        let new = format!("password-{account}-{generation}").into_bytes();
        self.accounts[account].new_password = Some(new.clone());
        let command = Command::UpdatePassword {
            current: current.map(Password),
            new: Some(Password(new)),
        };
        self.owner_command(now, app, command, 1);
    }

    /// The server took the new password.
    pub(super) fn password_updated(&mut self, account: AccountIndex) {
        if let Some(new) = self.accounts[account].new_password.take() {
            self.accounts[account].password = Some(new);
        }
    }

    /// The operator moves a deletion on: a locked account is erased, an
    /// erased one released (its authorizations revoked, its number free).
    pub(super) fn advance_deletion(&mut self, now: Instant, account: AccountIndex) {
        let (home_dc, user_id) = (self.accounts[account].home_dc, self.accounts[account].user_id);
        let Some(server) = self.servers.get_mut(&home_dc) else {
            return;
        };
        let stored_bytes: u64 = server
            .updates(user_id)
            .map(|update| u64::from(update.payload_bytes))
            .sum();
        // A refused step (the account is gone or not deleting) changes
        // nothing; the next step is tried on schedule.
        let _refused = server.handle_admin(
            now,
            AdminCommand::AdvanceDeletion { user_id, stored_bytes },
            &mut self.server_rng,
        );
        self.drain_server(now, home_dc, None);
    }

    /// A deletion reached `phase`: the operator takes the next step later.
    pub(super) fn deletion_advanced(
        &mut self,
        now: Instant,
        user_id: UserId,
        phase: sessionlab_proto::auth::DeletionPhase,
    ) {
        use sessionlab_proto::auth::DeletionPhase;
        if !matches!(phase, DeletionPhase::Lock | DeletionPhase::Erase) {
            return;
        }
        if let Some(account) = self.account_of(user_id) {
            self.schedule(now.saturating_add(DELETION_STEP), Event::AdvanceDeletion { account });
        }
    }
}
