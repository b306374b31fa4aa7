//! What an owner does when the app gives up on one of the owner's requests
//! (the app already sent it [`MAX_REQUEST_ATTEMPTS`] times): like a
//! person, the owner tries again [`OWNER_RETRY_AFTER`] later, at most
//! [`MAX_OWNER_TRIES`] times in all; past that the request is abandoned,
//! a typed trace event and a count (`owner_requests_abandoned`). A
//! "terminate all other sessions" that never took effect is therefore
//! either retried until it does or visible in the metrics.
//!
//! Only requests a person asks for go through here (owner actions,
//! audits, answers to a new login); the app's own traffic (sync, media,
//! keep-alive) is the app's to retry.
//!
//! [`MAX_REQUEST_ATTEMPTS`]: sessionlab_proto::client::MAX_REQUEST_ATTEMPTS

use std::time::Duration;

use sessionlab_proto::client::{Command, RequestId};
use sessionlab_proto::time::Instant;

use super::trace::TraceEvent;
use super::{AppId, Event, World};

/// Times an owner asks for one thing at most, the first included.
pub(super) const MAX_OWNER_TRIES: u32 = 3;
/// How long an owner waits before asking again after the app gave up.
pub(super) const OWNER_RETRY_AFTER: Duration = Duration::from_secs(600);
/// Owner requests awaiting an answer the world remembers at most; beyond,
/// a new one is sent without being remembered (and so never retried).
pub(super) const MAX_OWNER_REQUESTS_TRACKED: usize = 1 << 20;

/// A request an owner asked for and the world waits on.
#[derive(Clone, Debug)]
pub struct OwnerRequest {
    pub command: Command,
    /// Which try this is (1 for the first).
    pub tries: u32,
}

impl World {
    /// The owner asks `app` for `command` (try number `tries`).
    pub(super) fn owner_command(&mut self, now: Instant, app: AppId, command: Command, tries: u32) {
        let local = self.local_now(app, now);
        match self.apps[app].client.command(local, command.clone()) {
            Ok(request) if self.owner_requests.len() < MAX_OWNER_REQUESTS_TRACKED => {
                self.owner_requests
                    .insert((app, request), OwnerRequest { command, tries });
            }
            Ok(_) => {}
            Err(_) => self.counters.commands_refused += 1,
        }
        self.pump_app(now, app);
    }

    /// The request was answered (a result or an error): nothing to retry.
    /// Returns whether it was one the owner asked for.
    pub(super) fn owner_request_settled(&mut self, app: AppId, request: RequestId) -> bool {
        self.owner_requests.remove(&(app, request)).is_some()
    }

    /// The app gave up on `request`: ask again later, or abandon it.
    pub(super) fn owner_request_lost(&mut self, now: Instant, app: AppId, request: RequestId, method: &'static str) {
        let Some(lost) = self.owner_requests.remove(&(app, request)) else {
            return;
        };
        let at = now.saturating_add(OWNER_RETRY_AFTER);
        if lost.tries < MAX_OWNER_TRIES && at < self.config.quiet_from {
            self.note(now, |world| TraceEvent::OwnerRequestRetriedLater {
                user_id: world.user_of(app),
                app,
                method,
                attempt: lost.tries + 1,
            });
            self.schedule(
                at,
                Event::OwnerRetry {
                    app,
                    command: lost.command,
                    tries: lost.tries + 1,
                },
            );
        } else {
            self.counters.owner_requests_abandoned += 1;
            self.note(now, |world| TraceEvent::OwnerRequestAbandoned {
                user_id: world.user_of(app),
                app,
                method,
            });
        }
    }

    /// The owner asks again, if the device is still at hand and logged in.
    pub(super) fn owner_retry(&mut self, now: Instant, app: AppId, command: Command, tries: u32) {
        if self.apps[app].lost || !self.apps[app].client.is_logged_in() {
            self.counters.owner_requests_abandoned += 1;
            return;
        }
        if !self.apps[app].online {
            self.owner_online(now, app, true);
        }
        self.owner_command(now, app, command, tries);
    }
}
