//! What the server pushes outside any answer: `Updates` containers
//! carrying `updateNewMessage` pts updates (for the sync state machine,
//! which checks the container's `seq` first), new-login notifications, and
//! the QR-login signal that a token this client exported was accepted.

use super::event::{ClientError, ClientEvent};
use super::Client;
use crate::id::{AuthorizationHash, DcId};
use crate::sync::wire::update_from_wire;
use crate::sync::UpdateBatch;
use crate::time::Instant;
use crate::wire::api::{ApiCall, ApiResponse, ExportLoginToken, Update, Updates};

impl Client {
    /// A content message from `dc` that is not an answer.
    pub(super) fn on_notification(&mut self, now: Instant, dc: DcId, body: &[u8]) {
        match ApiResponse::decode(body) {
            Ok(ApiResponse::Updates(updates)) => self.on_updates(now, dc, updates),
            Ok(_) => self.ignore(dc, ClientError::NotUpdates),
            Err(error) => self.ignore(dc, error.into()),
        }
    }

    fn on_updates(&mut self, now: Instant, dc: DcId, updates: Updates) {
        match updates {
            Updates::TooLong => {
                // "Too many to push: fetch a difference." The sync state
                // machine's entry point for "updates may have been missed"
                // is the new-session one; its fetch covers this case exactly.
                if let Some(sync) = self.sync.as_mut().filter(|_| self.login.is_logged_in()) {
                    sync.on_new_session_created(now);
                }
            }
            // `updateShort` has no seq: only the pts rule applies.
            Updates::Short { update, .. } => self.on_container(now, dc, vec![update], 0, 0),
            Updates::Batch { updates, seq, .. } => self.on_container(now, dc, updates, seq, seq),
            Updates::Combined {
                updates,
                seq_start,
                seq,
                ..
            } => self.on_container(now, dc, updates, seq_start, seq),
        }
    }

    /// One container: its other updates are handled at once, its log
    /// updates go to the sync state machine as one batch under the seq
    /// rule. A negative `seq` (a peer's doing) counts as none.
    fn on_container(&mut self, now: Instant, dc: DcId, updates: Vec<Update>, seq_start: i32, seq: i32) {
        let mut log_updates = Vec::new();
        for update in updates {
            if matches!(update, Update::NewMessage { .. }) {
                match update_from_wire(&update) {
                    Ok(Some(update)) => log_updates.push(update),
                    Ok(None) => {}
                    Err(error) => self.ignore(dc, error.into()),
                }
            } else {
                self.on_update(now, dc, update);
            }
        }
        if !self.login.is_logged_in() {
            return;
        }
        let Some(sync) = self.sync.as_mut() else {
            return;
        };
        let seq = u32::try_from(seq).unwrap_or(0);
        let batch = UpdateBatch {
            seq_start: u32::try_from(seq_start).unwrap_or(0),
            seq,
            updates: log_updates,
        };
        if batch.updates.is_empty() && !batch.is_ordered() {
            return;
        }
        if let Err(error) = sync.on_batch(now, batch) {
            self.ignore(dc, error.into());
        }
    }

    fn on_update(&mut self, now: Instant, dc: DcId, update: Update) {
        match update {
            // Log updates travel through `on_container`.
            Update::NewMessage { .. } => {}
            Update::NewAuthorization { hash, unconfirmed } => {
                if !self.login.is_logged_in() {
                    return;
                }
                let unconfirmed_login = unconfirmed.is_some();
                let details = unconfirmed.unwrap_or_default();
                self.emit(ClientEvent::NewLogin {
                    hash: AuthorizationHash::new(hash),
                    unconfirmed: unconfirmed_login,
                    date: details.date,
                    device: details.device,
                    location: details.location,
                });
            }
            Update::LoginToken => {
                // Only a client no account is logged in on has exported one.
                if !self.login.is_qr_exported() {
                    return;
                }
                // The token was accepted: exporting again returns
                // auth.loginTokenSuccess, which logs this client in.
                let call = ApiCall::ExportLoginToken(ExportLoginToken {
                    api_id: self.config.device.api_id,
                    api_hash: self.config.device.api_hash.clone(),
                    except_ids: Vec::new(),
                });
                // Ask the DC that exported it (the account may live on
                // another: then the answer is auth.loginTokenMigrateTo). A
                // full queue loses this signal; the token expires and the
                // user exports a new one.
                let _ = self.submit(now, dc, call, None);
            }
        }
    }
}
