//! What the caller (the simulated user, a test) asks the client to do, and
//! the API call each command becomes. Commands that make no sense in the
//! client's state are refused with a [`CommandError`] and send nothing.

use super::event::{CommandError, RequestId};
use super::login::LoginState;
use super::Client;
use crate::id::{AuthorizationHash, DcId};
use crate::time::Instant;
use crate::wire::api::{
    AcceptLoginToken, ApiCall, ChangeAuthorizationSettings, CheckPassword, CodeSettings, DeleteAccount,
    ExportAuthorization, ExportLoginToken, GetAuthorizations, GetState, ImportLoginToken, InputCheckPassword, LogOut,
    PasswordInputSettings, ResendCode, ResetAuthorization, ResetAuthorizations, SendCode, SetAuthorizationTtl, SignIn,
    UpdatePasswordSettings,
};

/// A 2FA password as the user types it. Its `Debug` never shows it, so
/// commands can be logged and traced.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub Vec<u8>);

impl std::fmt::Debug for Password {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Password({} bytes)", self.0.len())
    }
}

impl From<&[u8]> for Password {
    fn from(bytes: &[u8]) -> Password {
        Password(bytes.to_vec())
    }
}

/// A user action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `auth.sendCode`, presenting the future auth tokens kept.
    SendCode {
        /// The account's phone number, in international format.
        phone: String,
    },
    /// `auth.resendCode` for the code of the last `SendCode`: once the
    /// `timeout` of `CodeSent` has passed, the server sends it again by the
    /// announced `next_type` (SMS). Answered by `CodeSent` again.
    ResendCode,
    /// `auth.signIn` with the code received out of band.
    SignIn {
        /// The code as the user read it (in-app or SMS).
        code: String,
    },
    /// `auth.checkPassword` after `PasswordNeeded`.
    CheckPassword {
        /// The account's 2FA password.
        password: Password,
    },
    /// `auth.logOut`: end this authorization; any future auth token returned is kept for the next login.
    LogOut,
    /// `auth.exportLoginToken`: show a QR code (not logged in).
    ExportLoginToken,
    /// `auth.importLoginToken` on `dc`, after `LoginTokenMigrate` (not
    /// logged in; a key on `dc` registered first).
    ImportLoginToken {
        /// The account's home DC, as `LoginTokenMigrate` named it.
        dc: DcId,
        /// The token of `LoginTokenMigrate`.
        token: Vec<u8>,
    },
    /// `auth.acceptLoginToken`: scan another device's QR code (logged in).
    AcceptLoginToken {
        /// The token the other device shows as a QR code.
        token: Vec<u8>,
    },
    /// `account.getAuthorizations`: list the account's sessions (answered by `Authorizations`).
    GetAuthorizations,
    /// `account.resetAuthorization`: terminate one session.
    ResetAuthorization {
        /// The session's `authorization.hash`, from the session list.
        hash: AuthorizationHash,
    },
    /// `auth.resetAuthorizations`: terminate every other session.
    ResetAuthorizations,
    /// `account.setAuthorizationTTL`: terminate sessions inactive this long.
    SetAuthorizationTtl {
        /// The TTL in days (the server accepts 1..=366).
        days: i32,
    },
    /// `account.changeAuthorizationSettings(confirmed)`: "yes, this was me".
    ConfirmAuthorization {
        /// The new login's `authorization.hash`, as `NewLogin` or the session list named it.
        hash: AuthorizationHash,
    },
    /// `account.deleteAccount`: delete the account.
    DeleteAccount {
        /// The 2FA password, if the account has one (without it the deletion waits a week).
        password: Option<Password>,
    },
    /// `account.updatePasswordSettings`: turn 2FA on (`current` None, `new`
    /// Some), change it, or off (`new` None); `current` proves the password
    /// set now. Answered by `PasswordUpdated`. Other sessions stay logged in.
    UpdatePassword {
        /// The password set now (None when 2FA is off).
        current: Option<Password>,
        /// The password to set (None: turn 2FA off).
        new: Option<Password>,
    },
    /// `auth.exportAuthorization` on the home DC, then `auth.importAuthorization` on `dc`.
    ConnectDc {
        /// The DC to import the authorization on.
        dc: DcId,
    },
    /// A manual `updates.getState` (sync fetches its own).
    GetState,
    /// Fetch a file from datacenter `dc` (a media DC the client connected
    /// with `ConnectDc`). The project models only that an authorized key
    /// makes a request there: it travels as `updates.getState` on that DC,
    /// standing in for `upload.getFile`.
    FetchFile {
        /// The DC the file lives on.
        dc: DcId,
    },
}

impl Client {
    /// Queue `command`'s request; its answer arrives as events naming the
    /// returned id.
    pub fn command(&mut self, now: Instant, command: Command) -> Result<RequestId, CommandError> {
        let call = self.call_for(&command)?;
        let target = match command {
            Command::FetchFile { dc } | Command::ImportLoginToken { dc, .. } => dc,
            _ => self.config.home_dc,
        };
        let request = self.submit(now, target, call, None)?;
        match command {
            Command::SendCode { phone } => self.advance_login(|state| state.code_requested(phone)),
            Command::ExportLoginToken => self.advance_login(LoginState::qr_exported),
            _ => {}
        }
        self.after_input(now);
        Ok(request)
    }

    fn call_for(&self, command: &Command) -> Result<ApiCall, CommandError> {
        let device = &self.config.device;
        if let Some(call) = self.login_call_for(command)? {
            return Ok(call);
        }
        if !self.login.is_logged_in() {
            return Err(CommandError::NotLoggedIn);
        }
        Ok(match command {
            Command::LogOut => ApiCall::LogOut(LogOut),
            Command::AcceptLoginToken { token } => ApiCall::AcceptLoginToken(AcceptLoginToken { token: token.clone() }),
            Command::GetAuthorizations => ApiCall::GetAuthorizations(GetAuthorizations),
            Command::ResetAuthorization { hash } => {
                ApiCall::ResetAuthorization(ResetAuthorization { hash: hash.get() })
            }
            Command::ResetAuthorizations => ApiCall::ResetAuthorizations(ResetAuthorizations),
            Command::SetAuthorizationTtl { days } => ApiCall::SetAuthorizationTtl(SetAuthorizationTtl {
                authorization_ttl_days: *days,
            }),
            Command::ConfirmAuthorization { hash } => {
                ApiCall::ChangeAuthorizationSettings(ChangeAuthorizationSettings {
                    confirmed: true,
                    hash: hash.get(),
                    ..ChangeAuthorizationSettings::default()
                })
            }
            Command::DeleteAccount { password } => ApiCall::DeleteAccount(DeleteAccount {
                reason: format!("deleted from {}", device.app_name),
                password: password.clone().map(|password| InputCheckPassword::Plain(password.0)),
            }),
            Command::UpdatePassword { current, new } => ApiCall::UpdatePasswordSettings(UpdatePasswordSettings {
                password: current.clone().map_or(InputCheckPassword::Empty, |password| {
                    InputCheckPassword::Plain(password.0)
                }),
                new_settings: PasswordInputSettings {
                    new_password: new.clone().map(|password| password.0),
                },
            }),
            Command::ConnectDc { dc } => {
                if *dc == self.config.home_dc {
                    return Err(CommandError::HomeDc { dc: *dc });
                }
                if !self.links.contains_key(dc) {
                    return Err(CommandError::NoKey { dc: *dc });
                }
                ApiCall::ExportAuthorization(ExportAuthorization {
                    dc_id: i32::try_from(dc.get()).unwrap_or(i32::MAX),
                })
            }
            Command::GetState => ApiCall::GetState(GetState),
            Command::FetchFile { dc } => {
                if !self.is_dc_authorized(*dc) {
                    return Err(CommandError::NoKey { dc: *dc });
                }
                ApiCall::GetState(GetState)
            }
            Command::SendCode { .. }
            | Command::ResendCode
            | Command::SignIn { .. }
            | Command::CheckPassword { .. }
            | Command::ExportLoginToken
            | Command::ImportLoginToken { .. } => unreachable!("login commands are handled above"),
        })
    }

    /// The call for a login command (which needs a logged-out client), or
    /// `None` for any other command.
    fn login_call_for(&self, command: &Command) -> Result<Option<ApiCall>, CommandError> {
        let device = &self.config.device;
        let call = match command {
            Command::SendCode { phone } => ApiCall::SendCode(SendCode {
                phone_number: phone.clone(),
                api_id: device.api_id,
                api_hash: device.api_hash.clone(),
                settings: CodeSettings {
                    logout_tokens: (!self.future_tokens.is_empty())
                        .then(|| self.future_tokens.iter().cloned().collect()),
                    ..CodeSettings::default()
                },
            }),
            Command::ResendCode => {
                let Some((phone, hash)) = self.login.sent_code() else {
                    return Err(CommandError::NoCodeRequested);
                };
                ApiCall::ResendCode(ResendCode {
                    phone_number: phone.to_owned(),
                    phone_code_hash: hash.to_owned(),
                    reason: None,
                })
            }
            Command::SignIn { code } => {
                let Some((phone, hash)) = self.login.sent_code() else {
                    return Err(CommandError::NoCodeRequested);
                };
                ApiCall::SignIn(SignIn {
                    phone_number: phone.to_owned(),
                    phone_code_hash: hash.to_owned(),
                    phone_code: Some(code.clone()),
                })
            }
            Command::CheckPassword { password } => ApiCall::CheckPassword(CheckPassword {
                password: InputCheckPassword::Plain(password.0.clone()),
            }),
            Command::ExportLoginToken => ApiCall::ExportLoginToken(ExportLoginToken {
                api_id: device.api_id,
                api_hash: device.api_hash.clone(),
                except_ids: Vec::new(),
            }),
            Command::ImportLoginToken { token, .. } => {
                ApiCall::ImportLoginToken(ImportLoginToken { token: token.clone() })
            }
            _ => return Ok(None),
        };
        if self.login.is_logged_in() {
            return Err(CommandError::AlreadyLoggedIn);
        }
        Ok(Some(call))
    }

    /// Queue `call` on `dc`'s session and remember it.
    pub(super) fn submit(
        &mut self,
        now: Instant,
        dc: DcId,
        call: ApiCall,
        sync_request: Option<u64>,
    ) -> Result<RequestId, CommandError> {
        let link = self.links.get_mut(&dc).ok_or(CommandError::NoKey { dc })?;
        link.check_capacity(dc)?;
        let request = RequestId(self.next_request);
        self.send_call(now, dc, request, &call)?;
        self.next_request += 1;
        self.requests.insert(
            request,
            super::Outstanding {
                dc,
                call,
                sync_request,
                deadline: now.saturating_add(super::REQUEST_TIMEOUT),
                attempts: 1,
            },
        );
        Ok(request)
    }
}
