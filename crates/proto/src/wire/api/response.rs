//! Server → client: [`ApiResponse`], every result type of the modelled
//! functions plus the `Updates` the server pushes. Errors travel as
//! `rpc_error` in [`wire::service`](crate::wire::service).
//!
//! TL results are boxed, and every constructor id belongs to exactly one
//! result type, so a response decodes from its first four bytes alone
//! without knowing which request it answers.

use super::authorization::{AccountAuthorizations, Authorization, AuthorizationsWithSignals};
use super::config::Config;
use super::difference::{Difference, Updates};
use super::history::Messages;
use super::login::{AuthAuthorization, SentCode};
use super::object::{unknown, Constructors, TlObject};
use super::request::ApiCall;
use super::tokens::{ExportedAuthorization, LoggedOut, LoginToken};
use super::update::UpdatesState;
use super::user::UserList;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

impl Constructors for SentCode {
    const IDS: &'static [u32] = &[ids::AUTH_SENT_CODE, ids::AUTH_SENT_CODE_SUCCESS];
}
impl Constructors for AuthAuthorization {
    const IDS: &'static [u32] = &[ids::AUTH_AUTHORIZATION];
}
impl Constructors for Authorization {
    const IDS: &'static [u32] = &[ids::AUTHORIZATION];
}
impl Constructors for AccountAuthorizations {
    const IDS: &'static [u32] = &[ids::ACCOUNT_AUTHORIZATIONS];
}
impl Constructors for AuthorizationsWithSignals {
    const IDS: &'static [u32] = &[ids::SESSIONLAB_AUTHORIZATIONS_WITH_SIGNALS];
}
impl Constructors for LoggedOut {
    const IDS: &'static [u32] = &[ids::AUTH_LOGGED_OUT];
}
impl Constructors for LoginToken {
    const IDS: &'static [u32] = &[
        ids::AUTH_LOGIN_TOKEN,
        ids::AUTH_LOGIN_TOKEN_MIGRATE_TO,
        ids::AUTH_LOGIN_TOKEN_SUCCESS,
    ];
}
impl Constructors for ExportedAuthorization {
    const IDS: &'static [u32] = &[ids::AUTH_EXPORTED_AUTHORIZATION];
}
impl Constructors for UpdatesState {
    const IDS: &'static [u32] = &[ids::UPDATES_STATE];
}
impl Constructors for Difference {
    const IDS: &'static [u32] = &[
        ids::UPDATES_DIFFERENCE_EMPTY,
        ids::UPDATES_DIFFERENCE,
        ids::UPDATES_DIFFERENCE_SLICE,
        ids::UPDATES_DIFFERENCE_TOO_LONG,
    ];
}
impl Constructors for Updates {
    const IDS: &'static [u32] = &[
        ids::UPDATES_TOO_LONG,
        ids::UPDATE_SHORT,
        ids::UPDATES,
        ids::UPDATES_COMBINED,
    ];
}
impl Constructors for Config {
    const IDS: &'static [u32] = &[ids::CONFIG];
}
impl Constructors for UserList {
    const IDS: &'static [u32] = &[crate::wire::codec::VECTOR_ID];
}
impl Constructors for Messages {
    const IDS: &'static [u32] = &[ids::MESSAGES_MESSAGES, ids::MESSAGES_MESSAGES_SLICE];
}

/// Declares [`ApiResponse`] with one variant per result type, and its
/// dispatch on the constructor id.
macro_rules! api_responses {
    ($($(#[$doc:meta])* $variant:ident($result:ty),)*) => {
        /// Every body the server sends as a result or a push.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        pub enum ApiResponse {
            $($(#[$doc])* $variant($result),)*
        }

        impl ApiResponse {
            fn write_response(&self, writer: &mut Writer) {
                match self {
                    $(ApiResponse::$variant(result) => result.write(writer),)*
                }
            }

            fn read_response(reader: &mut Reader<'_>) -> Result<ApiResponse, DecodeError> {
                let constructor = reader.peek_u32()?;
                $(
                    if <$result as Constructors>::IDS.contains(&constructor) {
                        return <$result>::read(reader).map(ApiResponse::$variant);
                    }
                )*
                Err(unknown(constructor, "API response"))
            }
        }

        /// Every constructor id a response may start with, per result type.
        pub const API_RESPONSE_IDS: &[&[u32]] = &[$(<$result as Constructors>::IDS,)*];
    };
}

api_responses! {
    /// `Bool`: most account functions (`account.updatePasswordSettings` too),
    /// `auth.bindTempAuthKey`, `auth.resetAuthorizations`.
    Bool(bool),
    /// `auth.SentCode`: `auth.sendCode`, `auth.resendCode`.
    SentCode(SentCode),
    /// `auth.Authorization`: `auth.signIn`, `auth.checkPassword`, `auth.importAuthorization`.
    AuthAuthorization(AuthAuthorization),
    /// `Authorization`: `auth.acceptLoginToken`.
    Authorization(Authorization),
    /// `account.Authorizations`: `account.getAuthorizations`.
    Authorizations(AccountAuthorizations),
    /// Project-private: `account.getAuthorizations` with anomaly signals.
    AuthorizationsWithSignals(AuthorizationsWithSignals),
    /// `auth.LoggedOut`: `auth.logOut`.
    LoggedOut(LoggedOut),
    /// `auth.LoginToken`: `auth.exportLoginToken`, `auth.importLoginToken`.
    LoginToken(LoginToken),
    /// `auth.ExportedAuthorization`: `auth.exportAuthorization`.
    ExportedAuthorization(ExportedAuthorization),
    /// `updates.State`: `updates.getState`.
    State(UpdatesState),
    /// `updates.Difference`: `updates.getDifference`.
    Difference(Difference),
    /// `Updates`: pushed by the server.
    Updates(Updates),
    /// `messages.Messages`: `messages.getHistory`.
    Messages(Messages),
    /// `Config`: `help.getConfig`.
    Config(Config),
    /// `Vector<User>`: `users.getUsers`.
    Users(UserList),
}

impl ApiResponse {
    /// TL-encode the response.
    pub fn encode(&self) -> Vec<u8> {
        TlObject::encode(self)
    }

    /// Decode one whole response body.
    pub fn decode(bytes: &[u8]) -> Result<ApiResponse, DecodeError> {
        TlObject::decode(bytes)
    }
}

impl ApiCall {
    /// Whether `response` is of the result type this function returns, so
    /// that a client can refuse a well-formed answer of the wrong type
    /// (`rpc_error` travels separately and is always possible).
    pub fn expects(&self, response: &ApiResponse) -> bool {
        use ApiResponse as R;
        match self {
            ApiCall::SendCode(_) | ApiCall::ResendCode(_) => matches!(response, R::SentCode(_)),
            ApiCall::SignIn(_) | ApiCall::CheckPassword(_) | ApiCall::ImportAuthorization(_) => {
                matches!(response, R::AuthAuthorization(_))
            }
            ApiCall::LogOut(_) => matches!(response, R::LoggedOut(_)),
            ApiCall::ExportLoginToken(_) | ApiCall::ImportLoginToken(_) => matches!(response, R::LoginToken(_)),
            ApiCall::AcceptLoginToken(_) => matches!(response, R::Authorization(_)),
            ApiCall::ExportAuthorization(_) => matches!(response, R::ExportedAuthorization(_)),
            ApiCall::BindTempAuthKey(_)
            | ApiCall::ResetAuthorizations(_)
            | ApiCall::ResetAuthorization(_)
            | ApiCall::SetAuthorizationTtl(_)
            | ApiCall::ChangeAuthorizationSettings(_)
            | ApiCall::DeleteAccount(_)
            | ApiCall::UpdatePasswordSettings(_) => matches!(response, R::Bool(_)),
            ApiCall::GetAuthorizations(_) => {
                matches!(response, R::Authorizations(_) | R::AuthorizationsWithSignals(_))
            }
            ApiCall::GetState(_) => matches!(response, R::State(_)),
            ApiCall::GetDifference(_) => matches!(response, R::Difference(_)),
            ApiCall::GetHistory(_) => matches!(response, R::Messages(_)),
            ApiCall::GetConfig(_) => matches!(response, R::Config(_)),
            ApiCall::GetUsers(_) => matches!(response, R::Users(_)),
        }
    }
}

impl TlObject for ApiResponse {
    const NAME: &'static str = "API response";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        self.write_response(writer);
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        ApiResponse::read_response(reader)
    }
}

#[cfg(test)]
mod tests {
    use super::super::authorization::sample_authorization;
    use super::super::login::sample_auth_authorization;
    use super::*;

    #[test]
    fn response_constructor_sets_are_disjoint() {
        let mut all: Vec<u32> = API_RESPONSE_IDS.iter().flat_map(|ids| ids.iter().copied()).collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count, "a constructor id belongs to two result types");
    }

    #[test]
    fn bool_responses_are_byte_exact() {
        assert_eq!(hex::encode(ApiResponse::Bool(true).encode()), "b5757299");
        assert_eq!(hex::encode(ApiResponse::Bool(false).encode()), "379779bc");
        assert_eq!(
            ApiResponse::decode(&[0xb5, 0x75, 0x72, 0x99]),
            Ok(ApiResponse::Bool(true))
        );
    }

    #[test]
    fn each_result_type_dispatches_to_its_variant() {
        let responses = [
            ApiResponse::SentCode(SentCode::Success(sample_auth_authorization())),
            ApiResponse::AuthAuthorization(sample_auth_authorization()),
            ApiResponse::Authorization(sample_authorization(1)),
            ApiResponse::Authorizations(AccountAuthorizations {
                authorization_ttl_days: 30,
                authorizations: vec![sample_authorization(1)],
            }),
            ApiResponse::AuthorizationsWithSignals(AuthorizationsWithSignals::default()),
            ApiResponse::LoggedOut(LoggedOut::default()),
            ApiResponse::LoginToken(LoginToken::MigrateTo {
                dc_id: 2,
                token: vec![1],
            }),
            ApiResponse::ExportedAuthorization(ExportedAuthorization::default()),
            ApiResponse::State(UpdatesState::default()),
            ApiResponse::Difference(Difference::TooLong { pts: 3 }),
            ApiResponse::Updates(Updates::TooLong),
        ];
        for response in responses {
            assert_eq!(ApiResponse::decode(&response.encode()), Ok(response));
        }
    }

    #[test]
    fn each_function_expects_its_result_types() {
        use super::super::{GetAuthorizations, GetDifference, LogOut, ResetAuthorization};
        let list = ApiResponse::Authorizations(AccountAuthorizations::default());
        let with_signals = ApiResponse::AuthorizationsWithSignals(AuthorizationsWithSignals::default());
        let get = ApiCall::GetAuthorizations(GetAuthorizations);
        assert!(get.expects(&list) && get.expects(&with_signals));
        assert!(!get.expects(&ApiResponse::Bool(true)));
        let reset = ApiCall::ResetAuthorization(ResetAuthorization { hash: 1 });
        assert!(reset.expects(&ApiResponse::Bool(false)) && !reset.expects(&list));
        let log_out = ApiCall::LogOut(LogOut);
        assert!(log_out.expects(&ApiResponse::LoggedOut(LoggedOut::default())));
        assert!(!log_out.expects(&ApiResponse::Bool(true)));
        let difference = ApiCall::GetDifference(GetDifference::default());
        assert!(difference.expects(&ApiResponse::Difference(Difference::TooLong { pts: 1 })));
        assert!(!difference.expects(&ApiResponse::Updates(Updates::TooLong)));
    }

    #[test]
    fn unknown_and_trailing_are_errors() {
        assert!(matches!(
            ApiResponse::decode(&ids::RPC_ERROR.to_le_bytes()),
            Err(DecodeError::UnknownConstructor {
                context: "API response",
                ..
            })
        ));
        assert!(matches!(
            ApiResponse::decode(&[0xb5, 0x75, 0x72, 0x99, 0]),
            Err(DecodeError::TrailingBytes { .. })
        ));
        assert!(matches!(
            ApiResponse::decode(&[1, 2]),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
    }
}
