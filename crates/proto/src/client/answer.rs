//! Answers: an `rpc_result` finds its request by msg_id, and is either an
//! `rpc_error` (a failure, the 2FA step, or a revocation that wipes the
//! client) or an [`ApiResponse`] of the type the call expects, which moves
//! the login, the DC transfer or the sync state machine on.

use super::event::{ClientError, ClientEvent, RequestId, WipeReason};
use super::login::LoginState;
use super::temp_key::AUTH_KEY_PERM_EMPTY;
use super::{Client, Outstanding};
use crate::id::DcId;
use crate::sync::wire::{difference_from_wire, message_from_wire, state_from_wire};
use crate::time::Instant;
use crate::wire::api::{
    self, ApiCall, ApiResponse, AuthorizationsWithSignals, ImportAuthorization, ImportLoginToken, LoginToken, SentCode,
};
use crate::wire::{ids, Body};

impl Client {
    /// `rpc_result(req_msg_id, result)` from `dc`.
    pub(super) fn on_rpc_result(&mut self, now: Instant, dc: DcId, req_msg_id: u64, result: &[u8]) {
        let Some(link) = self.links.get_mut(&dc) else {
            // The key was dropped while this packet was being handled.
            self.ignore(dc, ClientError::UnknownRequest { msg_id: req_msg_id });
            return;
        };
        // Any answer shows the server has the connection's initConnection.
        link.connection_initialized = true;
        let Some(request) = link.by_msg_id.remove(&req_msg_id) else {
            self.ignore(dc, ClientError::UnknownRequest { msg_id: req_msg_id });
            return;
        };
        let Some(outstanding) = self.requests.remove(&request) else {
            return; // expired or wiped meanwhile
        };
        let method = outstanding.call.name();
        if result.get(..4) == Some(&ids::RPC_ERROR.to_le_bytes()[..]) {
            match Body::decode(result) {
                Ok(Body::RpcError {
                    error_code,
                    error_message,
                }) if error_code == 401 && error_message == AUTH_KEY_PERM_EMPTY => {
                    self.retry_after_unbound(now, dc, request, outstanding);
                }
                Ok(Body::RpcError {
                    error_code,
                    error_message,
                }) if matches!(outstanding.call, ApiCall::BindTempAuthKey(_))
                    && WipeReason::from_rpc_error(error_code, &error_message).is_none() =>
                {
                    self.emit(ClientEvent::RequestFailed {
                        request,
                        method,
                        code: error_code,
                        message: error_message.clone(),
                    });
                    self.on_temp_key_unbound(dc, error_message, true);
                }
                Ok(Body::RpcError {
                    error_code,
                    error_message,
                }) => self.on_rpc_error(dc, request, method, error_code, error_message),
                Ok(_) => self.ignore(dc, ClientError::WrongAnswerType { method }),
                Err(error) => self.ignore(dc, error.into()),
            }
            return;
        }
        match ApiResponse::decode(result) {
            Ok(response) if outstanding.call.expects(&response) => {
                self.emit(ClientEvent::RequestDone { request, method });
                self.on_response(now, outstanding, response);
            }
            Ok(_) => self.ignore(dc, ClientError::WrongAnswerType { method }),
            Err(error) => self.ignore(dc, error.into()),
        }
    }

    fn on_rpc_error(&mut self, dc: DcId, request: RequestId, method: &'static str, code: i32, message: String) {
        if code == 401 && message == "SESSION_PASSWORD_NEEDED" {
            self.advance_login(LoginState::password_needed);
            self.emit(ClientEvent::PasswordNeeded);
            return;
        }
        let revoked = WipeReason::from_rpc_error(code, &message);
        self.emit(ClientEvent::RequestFailed {
            request,
            method,
            code,
            message,
        });
        match revoked {
            // Another DC's key was duplicated: only that DC's derived
            // authorization ended; the app makes a new key there when it
            // next needs it.
            Some(WipeReason::AuthKeyDuplicated) if dc != self.config.home_dc => {
                self.drop_key(dc);
                self.emit(ClientEvent::KeyDropped { dc });
            }
            Some(reason) if self.login.is_logged_in() => self.wipe(reason),
            // No account to wipe, but the key is dead (or was never bound):
            // a login under it can never succeed.
            Some(_) => {
                self.drop_key(dc);
                self.emit(ClientEvent::KeyDropped { dc });
            }
            None => {}
        }
    }

    fn on_response(&mut self, now: Instant, outstanding: Outstanding, response: ApiResponse) {
        let dc = outstanding.dc;
        match (outstanding.call, response) {
            (
                ApiCall::SendCode(_) | ApiCall::ResendCode(_),
                ApiResponse::SentCode(SentCode::Sent {
                    kind,
                    phone_code_hash,
                    next_type,
                    timeout_s,
                }),
            ) => {
                self.advance_login(|state| state.code_sent(phone_code_hash));
                self.emit(ClientEvent::CodeSent {
                    kind,
                    next_type,
                    timeout_s,
                });
            }
            (ApiCall::BindTempAuthKey(_), ApiResponse::Bool(true)) => self.on_temp_key_bound(now, dc),
            (ApiCall::UpdatePasswordSettings(update), ApiResponse::Bool(true)) => {
                self.emit(ClientEvent::PasswordUpdated {
                    enabled: update.new_settings.new_password.is_some(),
                });
            }
            (ApiCall::ImportLoginToken(_), ApiResponse::LoginToken(LoginToken::Success(authorization))) => {
                // The QR login finished on the account's home DC: that is
                // this instance's home from now on.
                self.config.home_dc = dc;
                self.logged_in(now, authorization);
            }
            (ApiCall::ExportLoginToken(_), ApiResponse::LoginToken(LoginToken::MigrateTo { dc_id, token })) => {
                self.migrate_login_token(now, dc, dc_id, token);
            }
            (_, ApiResponse::SentCode(SentCode::Success(authorization)))
            | (_, ApiResponse::LoginToken(LoginToken::Success(authorization))) => self.logged_in(now, authorization),
            (ApiCall::ImportAuthorization(_), ApiResponse::AuthAuthorization(_)) => {
                if let Some(link) = self.links.get_mut(&dc) {
                    link.authorized = true;
                }
                self.emit(ClientEvent::DcConnected { dc });
            }
            (_, ApiResponse::AuthAuthorization(authorization)) => self.logged_in(now, authorization),
            (_, ApiResponse::LoggedOut(logged_out)) => self.logged_out(logged_out.future_auth_token),
            (_, ApiResponse::LoginToken(LoginToken::Token { expires, token })) => {
                self.emit(ClientEvent::LoginTokenExported { token, expires });
            }
            (_, ApiResponse::Authorizations(authorizations)) => {
                self.emit(ClientEvent::Authorizations(AuthorizationsWithSignals {
                    authorizations,
                    signals: Vec::new(),
                }));
            }
            (_, ApiResponse::AuthorizationsWithSignals(list)) => self.emit(ClientEvent::Authorizations(list)),
            (ApiCall::ExportAuthorization(export), ApiResponse::ExportedAuthorization(exported)) => {
                self.import_authorization(now, export.dc_id, exported);
            }
            (call, response) => self.on_sync_response(now, dc, &call, outstanding.sync_request, response),
        }
    }

    /// The second half of `Command::ConnectDc`: present the exported
    /// authorization to the target DC (its session's first request, so
    /// wrapped in `initConnection` like any first request).
    fn import_authorization(&mut self, now: Instant, dc_id: i32, exported: api::ExportedAuthorization) {
        let Ok(dc) = u32::try_from(dc_id).map(DcId::new) else {
            return;
        };
        let call = ApiCall::ImportAuthorization(ImportAuthorization {
            id: exported.id,
            bytes: exported.bytes,
        });
        // A refusal (queue full) ends the transfer; the caller may retry ConnectDc.
        let _ = self.submit(now, dc, call, None);
    }

    /// `auth.loginTokenMigrateTo`: import the token on the account's home
    /// DC, at once when a key is there, else once the caller made one.
    fn migrate_login_token(&mut self, now: Instant, from: DcId, dc_id: i32, token: Vec<u8>) {
        let Ok(dc) = u32::try_from(dc_id).map(DcId::new) else {
            self.ignore(
                from,
                ClientError::WrongAnswerType {
                    method: "auth.exportLoginToken",
                },
            );
            return;
        };
        if !self.links.contains_key(&dc) {
            self.emit(ClientEvent::LoginTokenMigrate { dc, token });
            return;
        }
        let call = ApiCall::ImportLoginToken(ImportLoginToken { token });
        // A refusal (queue full) loses the login; the user shows a new QR code.
        let _ = self.submit(now, dc, call, None);
    }

    /// Answers to sync fetches go to the sync state machine; a manual
    /// `GetState` (no sync id) was already reported done.
    fn on_sync_response(
        &mut self,
        now: Instant,
        dc: DcId,
        call: &ApiCall,
        sync_request: Option<u64>,
        response: ApiResponse,
    ) {
        let (Some(request_id), Some(sync)) = (sync_request, self.sync.as_mut()) else {
            return;
        };
        let outcome = match (call, response) {
            (ApiCall::GetState(_), ApiResponse::State(state)) => state_from_wire(state)
                .map(|state| sync.on_state(now, request_id, state))
                .map_err(ClientError::from),
            (ApiCall::GetDifference(_), ApiResponse::Difference(difference)) => {
                match difference_from_wire(&difference, sync.state()) {
                    Ok(difference) => sync
                        .on_difference(now, request_id, difference)
                        .map_err(ClientError::from),
                    Err(error) => Err(error.into()),
                }
            }
            (ApiCall::GetHistory(_), ApiResponse::Messages(page)) => {
                // Newest first on the wire; the store wants log order.
                page.messages()
                    .iter()
                    .rev()
                    .map(message_from_wire)
                    .collect::<Result<Vec<_>, _>>()
                    .map(|messages| sync.on_history(now, request_id, messages))
                    .map_err(ClientError::from)
            }
            _ => Ok(()),
        };
        if let Err(error) = outcome {
            self.ignore(dc, error);
        }
    }

    pub(super) fn ignore(&mut self, dc: DcId, error: ClientError) {
        self.emit(ClientEvent::Ignored { dc, error });
    }
}
