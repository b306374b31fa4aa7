//! What happens to devices themselves: lost (it never comes online again,
//! and its session lives on the server until someone ends it), restored from
//! a stale backup (the app's whole state — keys, sessions, message ids, sync
//! position — is replaced by a copy taken earlier), and stolen (a thief holds
//! the unlocked device: its sessions are the thief's, the owner has lost it).

use crate::scenario::model::DeviceEventKind;
use sessionlab_proto::time::Instant;

use super::build::{choose, stream};
use super::trace::TraceEvent;
use super::{AppId, Event, Holder, World};

/// Backups kept at once in one run (one per restore event and device).
pub const MAX_BACKUPS: usize = 100_000;

impl World {
    /// Schedule every `[[device_event]]` on the accounts it picks.
    pub(super) fn schedule_device_events(&mut self, seed: u64) {
        let epoch = self.config.epoch;
        for (index, spec) in self.config.device_events.clone().into_iter().enumerate() {
            let mut picker = stream(seed, &format!("device_event/{index}"));
            let total = self.accounts.len();
            let count = spec.accounts.of(total as u64) as usize;
            for account in choose(&mut picker, total, count) {
                let Some(app) = self.device_of(account, spec.device) else {
                    continue;
                };
                let at = epoch.saturating_add(spec.at);
                if let DeviceEventKind::RestoredFromBackup { backup_age } = spec.kind {
                    // A backup older than the run is the app as first installed.
                    let taken = epoch.saturating_add(spec.at.saturating_sub(backup_age));
                    self.schedule(taken, Event::Backup { app, event: index });
                }
                self.schedule(at, Event::DeviceFate { app, event: index });
            }
        }
    }

    /// The owner's device of `kind` on `account`, if it has one.
    pub(super) fn device_of(&self, account: usize, kind: crate::scenario::model::DeviceKind) -> Option<AppId> {
        self.accounts[account]
            .devices
            .iter()
            .copied()
            .find(|app| matches!(self.apps[*app].holder, Holder::Owner { kind: owned, .. } if owned == kind))
    }

    /// The device's storage is backed up (to a cloud, to a laptop).
    pub(super) fn back_up(&mut self, app: AppId, event: usize) {
        if self.backups.len() < MAX_BACKUPS {
            self.backups.insert((app, event), self.apps[app].client.clone());
        }
    }

    pub(super) fn device_fate(&mut self, now: Instant, app: AppId, event: usize) {
        let Some(spec) = self.config.device_events.get(event) else {
            return;
        };
        match spec.kind {
            DeviceEventKind::Lost => self.lose_device(now, app),
            DeviceEventKind::RestoredFromBackup { .. } => self.restore_backup(now, app, event),
        }
    }

    /// The app's client connects at `now`: a logged-in app's catch-up is
    /// timed from here (one still logging in, from its login).
    pub(super) fn connect_client(&mut self, now: Instant, app: AppId) {
        let local = self.local_now(app, now);
        let logged_in = self.apps[app].client.is_logged_in();
        self.apps[app].connected_at = logged_in.then_some(now);
        self.apps[app].client.on_connected(local);
    }

    /// The app's client disconnects: what was in flight is lost with it.
    pub(super) fn disconnect_client(&mut self, app: AppId) {
        self.apps[app].connected_at = None;
        self.apps[app].client.on_disconnected();
    }

    /// The owner no longer has the device: it goes dark for good.
    pub(super) fn lose_device(&mut self, now: Instant, app: AppId) {
        if self.apps[app].lost {
            return;
        }
        self.apps[app].lost = true;
        self.counters.devices_lost += 1;
        if self.apps[app].online {
            self.apps[app].online = false;
            self.disconnect_client(app);
            self.pump_app(now, app);
        }
        self.note(now, |world| TraceEvent::DeviceLost {
            user_id: world.user_of(app),
            app,
        });
    }

    /// Replace the app's state with the backup; it reconnects as it was then.
    fn restore_backup(&mut self, now: Instant, app: AppId, event: usize) {
        let Some(backup) = self.backups.remove(&(app, event)) else {
            return;
        };
        if self.apps[app].lost {
            return;
        }
        self.counters.devices_restored += 1;
        let entry = &mut self.apps[app];
        entry.client = backup;
        entry.timer_at = None;
        entry.timer_generation += 1;
        if self.apps[app].online {
            self.disconnect_client(app);
            self.connect_client(now, app);
        }
        // Answers addressed to the sessions of the newer state reach the
        // device but mean nothing to the restored one: it must recover.
        self.pump_app(now, app);
        self.note(now, |world| TraceEvent::DeviceRestored {
            user_id: world.user_of(app),
            app,
        });
    }
}
