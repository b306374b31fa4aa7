//! One decoded API call → the session or sync layer → an answer.
//!
//! Calls the session layer authenticates itself (everything that acts on
//! an existing authorization) go straight to it; the sync calls are
//! authenticated here. Either way each call under a key yields exactly one
//! `RequestAccepted` or `RequestRejected` event, which is what the logout
//! bypass oracle counts.

use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};
use rand_core::RngCore;

use super::convert;
use super::Server;
use crate::auth::account::FUTURE_TOKEN_BYTES;
use crate::auth::client_info::{ClientInfo, NetworkOrigin};
use crate::auth::error::RpcError;
use crate::auth::events::CodeDelivery;
use crate::auth::login::{LoginResult, SentCode, SignIn, CODE_DIGITS};
use crate::auth::qr::AcceptedLoginToken;
use crate::auth::revoke::ResetAnswer;
use std::sync::Arc;

use crate::sync::difference::DifferenceRequest;
use crate::sync::log::HISTORY_PAGE_MAX;
use crate::sync::wire::{difference_to_wire, message_to_wire, state_to_wire};
use crate::sync::{Difference, SyncState};
use crate::time::Instant;
use crate::wire::api::{self, ApiCall, ApiResponse, InputCheckPassword};

/// What a call produced. Short-lived, one per call: its size does not matter.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(super) enum Reply {
    Answer(ApiResponse),
    Error(RpcError),
    /// The answer waits for other datacenters (`sync` revocation).
    Held {
        answer_id: u64,
    },
}

impl From<Result<ApiResponse, RpcError>> for Reply {
    fn from(result: Result<ApiResponse, RpcError>) -> Reply {
        match result {
            Ok(response) => Reply::Answer(response),
            Err(error) => Reply::Error(error),
        }
    }
}

fn done(answer: ResetAnswer) -> Reply {
    match answer {
        ResetAnswer::Done => Reply::Answer(ApiResponse::Bool(true)),
        ResetAnswer::Held { answer_id } => Reply::Held { answer_id },
    }
}

/// `length` of `auth.sentCodeType*`: the digits of a code.
const CODE_LENGTH: i32 = CODE_DIGITS as i32;

fn non_negative(value: i32) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// Who a call came from, beyond the key it acts as.
#[derive(Clone, Debug)]
pub(super) struct Caller<'a> {
    /// Whether the connection the call came on opted in to the
    /// project-private answers (its own key's `initConnection`: a temp
    /// key's, not the permanent key's it acts as).
    pub private_answers: bool,
    /// What the key's connection told about the device.
    pub device: Arc<ClientInfo>,
    /// Where this call came from.
    pub origin: &'a NetworkOrigin,
}

impl Caller<'_> {
    /// The device described, from where this call came: built only for
    /// the calls that record it (logins and login tokens), so that the
    /// others copy no strings.
    fn client_info(&self) -> ClientInfo {
        ClientInfo {
            origin: self.origin.clone(),
            ..(*self.device).clone()
        }
    }
}

impl Server {
    /// Run one call under `key_id`, from `caller`.
    pub(super) fn dispatch(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        call: &ApiCall,
        caller: &Caller,
        rng: &mut impl RngCore,
    ) -> Reply {
        let authority = &mut self.authority;
        match call {
            ApiCall::SendCode(request) => {
                let tokens: Vec<[u8; FUTURE_TOKEN_BYTES]> = request
                    .settings
                    .logout_tokens
                    .iter()
                    .flatten()
                    .filter_map(|token| token.as_slice().try_into().ok())
                    .collect();
                let sent = authority.send_code(now, key_id, &request.phone_number, &tokens, &caller.client_info(), rng);
                self.sent_code_answer(now, sent, rng)
            }
            ApiCall::ResendCode(request) => {
                let hash = convert::phone_code_hash_from_wire(&request.phone_code_hash);
                let sent = authority.resend_code(now, key_id, &request.phone_number, hash);
                self.sent_code_answer(now, sent, rng)
            }
            ApiCall::SignIn(request) => {
                let info = caller.client_info();
                let sign_in = SignIn {
                    phone: &request.phone_number,
                    phone_code_hash: convert::phone_code_hash_from_wire(&request.phone_code_hash),
                    code: request.phone_code.as_deref().unwrap_or(""),
                    info: &info,
                };
                match authority.sign_in(now, key_id, &sign_in, rng) {
                    Ok(result) => self.login_answer(now, result, ApiResponse::AuthAuthorization, rng),
                    Err(error) => Reply::Error(error),
                }
            }
            ApiCall::CheckPassword(request) => {
                let password = match &request.password {
                    InputCheckPassword::Plain(password) => password.as_slice(),
                    InputCheckPassword::Empty => &[],
                };
                match authority.check_password(now, key_id, password) {
                    Ok(result) => self.login_answer(now, result, ApiResponse::AuthAuthorization, rng),
                    Err(error) => Reply::Error(error),
                }
            }
            ApiCall::LogOut(_) => authority
                .log_out(now, key_id, rng)
                .map(|token| {
                    ApiResponse::LoggedOut(api::LoggedOut {
                        future_auth_token: token.map(|t| t.to_vec()),
                    })
                })
                .into(),
            ApiCall::ExportLoginToken(_) => self.export_login_token(now, key_id, &caller.client_info(), rng),
            ApiCall::ImportLoginToken(request) => {
                match authority.import_login_token(now, key_id, &request.token, &caller.client_info()) {
                    Ok(result) => self.login_answer(
                        now,
                        result,
                        |auth| ApiResponse::LoginToken(api::LoginToken::Success(auth)),
                        rng,
                    ),
                    Err(error) => Reply::Error(error),
                }
            }
            ApiCall::AcceptLoginToken(request) => {
                match authority.accept_login_token(now, key_id, &request.token, rng) {
                    Ok(AcceptedLoginToken::Here(
                        LoginResult::Authorized { user_id, hash } | LoginResult::PasswordNeeded { user_id, hash },
                    )) => self.listed_authorization(user_id, hash),
                    Ok(AcceptedLoginToken::Elsewhere { hash, .. }) => {
                        Reply::Answer(ApiResponse::Authorization(convert::authorization_to_be(now, hash)))
                    }
                    Err(error) => Reply::Error(error),
                }
            }
            ApiCall::ExportAuthorization(request) => authority
                .export_authorization(now, key_id, DcId::new(non_negative(request.dc_id)), rng)
                .map(|exported| {
                    ApiResponse::ExportedAuthorization(api::ExportedAuthorization {
                        id: exported.id.to_wire(),
                        bytes: exported.bytes,
                    })
                })
                .into(),
            ApiCall::ImportAuthorization(request) => {
                let user_id = UserId::new(u64::try_from(request.id).unwrap_or(0));
                match authority.import_authorization(now, key_id, user_id, &request.bytes) {
                    Ok(_) => Reply::Answer(ApiResponse::AuthAuthorization(convert::auth_authorization(
                        user_id, "", None,
                    ))),
                    Err(error) => Reply::Error(error),
                }
            }
            // Checked against its binding message first (`temp_keys.rs`).
            ApiCall::BindTempAuthKey(_) => Reply::Error(RpcError::EncryptedMessageInvalid),
            ApiCall::ResetAuthorizations(_) => authority
                .reset_authorizations(now, key_id)
                .map_or_else(Reply::Error, done),
            ApiCall::ResetAuthorization(request) => authority
                .reset_authorization(now, key_id, AuthorizationHash::new(request.hash))
                .map_or_else(Reply::Error, done),
            ApiCall::SetAuthorizationTtl(request) => {
                let days = u32::try_from(request.authorization_ttl_days).unwrap_or(0);
                authority
                    .set_authorization_ttl(now, key_id, days)
                    .map(|_| ApiResponse::Bool(true))
                    .into()
            }
            ApiCall::ChangeAuthorizationSettings(request) if request.confirmed => authority
                .confirm_authorization(now, key_id, AuthorizationHash::new(request.hash))
                .map(|_| ApiResponse::Bool(true))
                .into(),
            ApiCall::ChangeAuthorizationSettings(_) => {
                self.authenticated(now, key_id).map(|_| ApiResponse::Bool(true)).into()
            }
            ApiCall::DeleteAccount(request) => {
                let password = match &request.password {
                    Some(InputCheckPassword::Plain(password)) => Some(password.as_slice()),
                    _ => None,
                };
                authority
                    .delete_account(now, key_id, password)
                    .map(|_| ApiResponse::Bool(true))
                    .into()
            }
            ApiCall::UpdatePasswordSettings(request) => {
                let current = match &request.password {
                    InputCheckPassword::Plain(password) => Some(password.as_slice()),
                    InputCheckPassword::Empty => None,
                };
                let new = request.new_settings.new_password.as_deref();
                authority
                    .update_password(now, key_id, current, new, rng)
                    .map(|_| ApiResponse::Bool(true))
                    .into()
            }
            ApiCall::GetAuthorizations(_) => {
                let private_answers = caller.private_answers;
                authority
                    .get_authorizations(now, key_id)
                    .map(|list| convert::authorizations_answer(&list, private_answers))
                    .into()
            }
            ApiCall::GetState(_) => self
                .authenticated(now, key_id)
                .map(|user_id| ApiResponse::State(state_to_wire(self.sync_state(user_id))))
                .into(),
            ApiCall::GetDifference(request) => self.get_difference(now, key_id, request),
            ApiCall::GetHistory(request) => self.get_history(now, key_id, request),
            ApiCall::GetConfig(_) => Reply::Answer(ApiResponse::Config(self.config_answer(now))),
            ApiCall::GetUsers(request) => self
                .authenticated(now, key_id)
                .map(|user_id| ApiResponse::Users(self.users_answer(user_id, &request.ids)))
                .into(),
        }
    }

    /// `config`: this datacenter and every one's addresses, valid for an
    /// hour. Open to any key: a client asks before it has logged in.
    fn config_answer(&self, now: Instant) -> api::Config {
        let date = i32::try_from(now.unix_seconds()).unwrap_or(i32::MAX);
        let dc_options = self
            .config
            .dc_options
            .iter()
            .take(api::MAX_DC_OPTIONS)
            .cloned()
            .collect();
        api::Config::new(date, i32::try_from(self.config.dc_id.0).unwrap_or(i32::MAX), dc_options)
    }

    /// The users of `inputs` the caller may see: itself (`inputUserSelf`,
    /// or its own id), in the order asked. Other accounts are not
    /// modelled as contacts, so they are left out, as Telegram leaves out
    /// users the caller has no access to.
    fn users_answer(&self, user_id: UserId, inputs: &[api::InputUser]) -> api::UserList {
        let phone = self
            .authority
            .account(user_id)
            .map(|account| account.phone.clone())
            .unwrap_or_default();
        let own = |input: &api::InputUser| match input {
            api::InputUser::Caller => true,
            api::InputUser::User { user_id: id, .. } => *id == user_id.to_wire(),
            api::InputUser::Empty => false,
        };
        api::UserList(
            inputs
                .iter()
                .filter(|input| own(input))
                .map(|_| convert::user(user_id, &phone))
                .collect(),
        )
    }

    /// Authenticate a call the session layer does not check itself.
    fn authenticated(&mut self, now: Instant, key_id: AuthKeyId) -> Result<UserId, RpcError> {
        self.authority
            .authenticate(now, key_id)
            .map(|handle| handle.user_id)
            .map_err(|rejection| rejection.rpc_error())
    }

    /// `auth.sentCode` for a code on its way: its type, and for a code that
    /// went in-app `next_type = auth.codeTypeSms` with the seconds until
    /// `auth.resendCode` may send it by SMS.
    fn sent_code_answer(&mut self, now: Instant, sent: Result<SentCode, RpcError>, rng: &mut impl RngCore) -> Reply {
        match sent {
            Ok(SentCode::Code {
                phone_code_hash,
                delivery,
                sms_from,
                ..
            }) => Reply::Answer(ApiResponse::SentCode(api::SentCode::Sent {
                kind: match delivery {
                    CodeDelivery::Sms => api::SentCodeType::Sms { length: CODE_LENGTH },
                    CodeDelivery::App { .. } => api::SentCodeType::App { length: CODE_LENGTH },
                },
                phone_code_hash: convert::phone_code_hash_to_wire(phone_code_hash),
                next_type: sms_from.map(|_| api::CodeType::Sms),
                timeout_s: sms_from.map(|at| convert::seconds_until(now, at)),
            })),
            Ok(SentCode::Success(result)) => self.login_answer(
                now,
                result,
                |auth| ApiResponse::SentCode(api::SentCode::Success(auth)),
                rng,
            ),
            Err(error) => Reply::Error(error),
        }
    }

    /// The answer to a completed login: its `auth.authorization`, with a
    /// fresh future auth token for the next login on this device.
    fn login_answer(
        &mut self,
        now: Instant,
        result: LoginResult,
        wrap: impl FnOnce(api::AuthAuthorization) -> ApiResponse,
        rng: &mut impl RngCore,
    ) -> Reply {
        match result {
            LoginResult::Authorized { user_id, .. } => {
                let phone = self
                    .authority
                    .account(user_id)
                    .map(|account| account.phone.clone())
                    .unwrap_or_default();
                let future_auth_token = self
                    .authority
                    .issue_future_token(now, user_id, rng)
                    .map(|token| token.to_vec());
                Reply::Answer(wrap(convert::auth_authorization(user_id, &phone, future_auth_token)))
            }
            LoginResult::PasswordNeeded { .. } => Reply::Error(RpcError::SessionPasswordNeeded),
        }
    }

    /// `auth.exportLoginToken`: a fresh token, or — once another session
    /// accepted this key's token — `auth.loginTokenSuccess`, or, when it
    /// was accepted on the account's home DC elsewhere,
    /// `auth.loginTokenMigrateTo` that DC.
    fn export_login_token(
        &mut self,
        now: Instant,
        key_id: AuthKeyId,
        info: &ClientInfo,
        rng: &mut impl RngCore,
    ) -> Reply {
        if let Ok(handle) = self.authority.peek(now, key_id) {
            let result = LoginResult::Authorized {
                user_id: handle.user_id,
                hash: handle.hash,
            };
            return self.login_answer(
                now,
                result,
                |auth| ApiResponse::LoginToken(api::LoginToken::Success(auth)),
                rng,
            );
        }
        if let Some((dc, token)) = self.authority.login_migration(now, key_id) {
            let dc_id = i32::try_from(dc.get()).unwrap_or(i32::MAX);
            return Reply::Answer(ApiResponse::LoginToken(api::LoginToken::MigrateTo { dc_id, token }));
        }
        self.authority
            .export_login_token(now, key_id, info, rng)
            .map(|exported| {
                ApiResponse::LoginToken(api::LoginToken::Token {
                    expires: convert::date(exported.expires_at),
                    token: exported.token,
                })
            })
            .into()
    }

    /// The `authorization` a QR acceptance created, as the list shows it.
    fn listed_authorization(&self, user_id: UserId, hash: AuthorizationHash) -> Reply {
        let Some(account) = self.authority.account(user_id) else {
            return Reply::Error(RpcError::AuthKeyUnregistered);
        };
        match account
            .authorizations()
            .find(|authorization| authorization.hash == hash)
        {
            Some(record) => {
                let view = crate::auth::sessions::AuthorizationView {
                    current: false,
                    authorization: record.clone(),
                    signals: Default::default(),
                };
                Reply::Answer(ApiResponse::Authorization(convert::authorization(&view)))
            }
            None => Reply::Error(RpcError::AuthKeyUnregistered),
        }
    }

    fn get_difference(&mut self, now: Instant, key_id: AuthKeyId, request: &api::GetDifference) -> Reply {
        let user_id = match self.authenticated(now, key_id) {
            Ok(user_id) => user_id,
            Err(error) => return Reply::Error(error),
        };
        let limit =
            |asked: Option<i32>, ceiling: u32| asked.map_or(ceiling, |asked| non_negative(asked).clamp(1, ceiling));
        let sync_request = DifferenceRequest::from_state(
            SyncState {
                pts: non_negative(request.pts),
                qts: non_negative(request.qts),
                seq: 0,
                date: non_negative(request.date),
            },
            limit(request.pts_limit, self.config.pts_limit),
            limit(request.pts_total_limit, self.config.pts_total_limit),
        );
        let Some(log) = self.logs.get(&user_id) else {
            // Not this account's home DC: nothing was logged here.
            return Reply::Answer(ApiResponse::Difference(difference_to_wire(
                &Difference::Empty {
                    state: SyncState::default(),
                },
                user_id,
            )));
        };
        match log.difference(&sync_request) {
            Ok(difference) => Reply::Answer(ApiResponse::Difference(difference_to_wire(&difference, user_id))),
            Err(_) => Reply::Error(RpcError::PersistentTimestampInvalid),
        }
    }

    /// `messages.getHistory` of the caller's own chat: the newest log
    /// updates as messages, newest first — a page of at most `limit`
    /// (Telegram serves at most 100) and about half a megabyte; a page
    /// that is not the whole log is a `messages.messagesSlice` with the
    /// log's retained count. Only the common box has messages.
    fn get_history(&mut self, now: Instant, key_id: AuthKeyId, request: &api::GetHistory) -> Reply {
        let user_id = match self.authenticated(now, key_id) {
            Ok(user_id) => user_id,
            Err(error) => return Reply::Error(error),
        };
        let limit = u32::try_from(request.limit).unwrap_or(0).clamp(1, HISTORY_PAGE_MAX);
        let (messages, retained) = self.logs.get(&user_id).map_or((Vec::new(), 0), |log| {
            let messages: Vec<api::Message> = log
                .history(limit)
                .into_iter()
                .rev()
                .filter_map(|update| message_to_wire(update, user_id))
                .collect();
            (messages, log.retained_len())
        });
        let page = if messages.len() == retained {
            api::Messages::All {
                messages,
                users: Vec::new(),
            }
        } else {
            api::Messages::Slice {
                inexact: false,
                count: i32::try_from(retained).unwrap_or(i32::MAX),
                messages,
                users: Vec::new(),
            }
        };
        Reply::Answer(ApiResponse::Messages(page))
    }
}
