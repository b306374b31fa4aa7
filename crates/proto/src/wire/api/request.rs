//! Client → server: [`ApiRequest`], one API function ([`ApiCall`]) possibly
//! wrapped in `invokeWithLayer`, `initConnection` and `invokeWithoutUpdates`.
//!
//! ```text
//! invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;
//! invokeWithoutUpdates#bf9459b7 {X:Type} query:!X = X;
//! initConnection#c1cd5ea9 {X:Type} flags:# api_id:int device_model:string
//!   system_version:string app_version:string system_lang_code:string lang_pack:string
//!   lang_code:string proxy:flags.0?InputClientProxy params:flags.1?JSONValue query:!X = X;
//! ```
//!
//! `initConnection` is how a device tells the server what it is; the server
//! records these on the authorization (device model, versions, api_id).
//! `params` (flags.1) is any JSON tree ([`JsonValue`]); the server reads
//! the project's opt-in marker from it (see [`super::json`]). `proxy` is
//! not modelled: its flag decodes to an error.
//! Wrappers nest at most [`MAX_WRAPPER_DEPTH`] deep, bounding recursion.

use super::account_functions::{
    ChangeAuthorizationSettings, DeleteAccount, GetAuthorizations, ResetAuthorization, SetAuthorizationTtl,
    UpdatePasswordSettings,
};
use super::auth_functions::{
    AcceptLoginToken, BindTempAuthKey, CheckPassword, ExportAuthorization, ExportLoginToken, ImportAuthorization,
    ImportLoginToken, LogOut, ResendCode, ResetAuthorizations, SendCode, SignIn,
};
use super::config::GetConfig;
use super::history::GetHistory;
use super::json::JsonValue;
use super::limits::{MAX_SHORT_STRING_BYTES, MAX_WRAPPER_DEPTH};
#[cfg(feature = "arbitrary")]
use super::object::arb;
use super::object::{bit, has, read_flags, unknown, Bare, TlObject};
use super::sync_functions::{GetDifference, GetState};
use super::user_functions::GetUsers;
use crate::wire::codec::{DecodeError, Reader, Writer};
use crate::wire::ids;

/// Declares [`ApiCall`] with one variant per function struct, and its
/// dispatch on the constructor id.
macro_rules! api_calls {
    ($($(#[doc = $doc:literal])* $variant:ident($function:ty),)*) => {
        /// Every API function the project models.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
        pub enum ApiCall {
            $($(#[doc = $doc])* $variant($function),)*
        }

        impl ApiCall {
            /// The function's constructor id.
            pub fn constructor(&self) -> u32 {
                match self {
                    $(ApiCall::$variant(_) => <$function as Bare>::ID,)*
                }
            }

            /// The function's TL name, e.g. `auth.signIn`.
            pub fn name(&self) -> &'static str {
                match self {
                    $(ApiCall::$variant(_) => <$function as Bare>::NAME,)*
                }
            }

            fn write_call(&self, writer: &mut Writer) {
                match self {
                    $(ApiCall::$variant(function) => function.write(writer),)*
                }
            }

            /// The body of the function whose id `constructor` was just read.
            fn read_call(constructor: u32, reader: &mut Reader<'_>) -> Result<ApiCall, DecodeError> {
                $(
                    if constructor == <$function as Bare>::ID {
                        return <$function>::read_body(reader).map(ApiCall::$variant);
                    }
                )*
                Err(unknown(constructor, "API function"))
            }
        }

        /// Every modelled function's constructor id.
        pub const API_CALL_IDS: &[u32] = &[$(<$function as Bare>::ID,)*];
    };
}

api_calls! {
    /// `auth.sendCode`: ask for a login code.
    SendCode(SendCode),
    /// `auth.resendCode`: deliver the pending code again.
    ResendCode(ResendCode),
    /// `auth.signIn`: log in with the code.
    SignIn(SignIn),
    /// `auth.checkPassword`: the 2FA step.
    CheckPassword(CheckPassword),
    /// `auth.logOut`: end this key's authorization.
    LogOut(LogOut),
    /// `auth.exportLoginToken`: ask for a QR login token.
    ExportLoginToken(ExportLoginToken),
    /// `auth.acceptLoginToken`: accept a scanned QR token.
    AcceptLoginToken(AcceptLoginToken),
    /// `auth.importLoginToken`: finish a QR login on the home DC.
    ImportLoginToken(ImportLoginToken),
    /// `auth.exportAuthorization`: ask for a transfer to another DC.
    ExportAuthorization(ExportAuthorization),
    /// `auth.importAuthorization`: bind this DC's key to an exported authorization.
    ImportAuthorization(ImportAuthorization),
    /// `auth.bindTempAuthKey`: bind a temp key to a permanent one.
    BindTempAuthKey(BindTempAuthKey),
    /// `auth.resetAuthorizations`: terminate every other session.
    ResetAuthorizations(ResetAuthorizations),
    /// `account.getAuthorizations`: list the sessions.
    GetAuthorizations(GetAuthorizations),
    /// `account.resetAuthorization`: terminate one session.
    ResetAuthorization(ResetAuthorization),
    /// `account.setAuthorizationTTL`: set the inactivity TTL.
    SetAuthorizationTtl(SetAuthorizationTtl),
    /// `account.changeAuthorizationSettings`: confirm a login or change a session's settings.
    ChangeAuthorizationSettings(ChangeAuthorizationSettings),
    /// `account.deleteAccount`: delete the account.
    DeleteAccount(DeleteAccount),
    /// `account.updatePasswordSettings`: set, change or remove the 2FA password.
    UpdatePasswordSettings(UpdatePasswordSettings),
    /// `updates.getState`: the current sync state.
    GetState(GetState),
    /// `updates.getDifference`: what was missed since a state.
    GetDifference(GetDifference),
    /// `messages.getHistory`: a page of the account's own chat (the history
    /// reload after `updates.differenceTooLong`).
    GetHistory(GetHistory),
    /// `help.getConfig`: the datacenters' addresses and limits (no
    /// authorization needed: a stock client's first call).
    GetConfig(GetConfig),
    /// `users.getUsers`: who the caller is (`[inputUserSelf]`).
    GetUsers(GetUsers),
}

/// What `initConnection` says about the connecting app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct InitConnection {
    /// The app's id from my.telegram.org.
    pub api_id: i32,
    /// The device model, e.g. `Pixel 8`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub device_model: String,
    /// The OS version.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub system_version: String,
    /// The app's version.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub app_version: String,
    /// The OS language code, e.g. `en`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub system_lang_code: String,
    /// The language pack, e.g. `android` (empty: none).
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub lang_pack: String,
    /// The app language code, e.g. `en`.
    #[cfg_attr(feature = "arbitrary", arbitrary(with = arb::string::<MAX_SHORT_STRING_BYTES>))]
    pub lang_code: String,
    /// flags.1: additional parameters; [`JsonValue::opt_in`] asks for the
    /// project-private answers.
    pub params: Option<JsonValue>,
}

impl InitConnection {
    /// Whether the app asks for the project-private answers
    /// ([`JsonValue::opts_in`]).
    pub fn opts_in(&self) -> bool {
        self.params.as_ref().is_some_and(JsonValue::opts_in)
    }

    fn write_head(&self, writer: &mut Writer) {
        writer
            .u32(ids::INIT_CONNECTION)
            .u32(bit(self.params.is_some(), 1))
            .i32(self.api_id)
            .string(&self.device_model)
            .string(&self.system_version)
            .string(&self.app_version)
            .string(&self.system_lang_code)
            .string(&self.lang_pack)
            .string(&self.lang_code);
        if let Some(params) = &self.params {
            params.write(writer);
        }
    }

    /// Everything after the constructor id and before `query`.
    fn read_head(reader: &mut Reader<'_>) -> Result<InitConnection, DecodeError> {
        let flags = read_flags(reader, 0b10, "initConnection.flags")?;
        let limit = MAX_SHORT_STRING_BYTES;
        Ok(InitConnection {
            api_id: reader.i32()?,
            device_model: reader.string(limit)?,
            system_version: reader.string(limit)?,
            app_version: reader.string(limit)?,
            system_lang_code: reader.string(limit)?,
            lang_pack: reader.string(limit)?,
            lang_code: reader.string(limit)?,
            params: if has(flags, 1) {
                Some(JsonValue::read(reader)?)
            } else {
                None
            },
        })
    }
}

/// One request body: a function, maybe wrapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiRequest {
    /// `invokeWithLayer`: run `query` with schema layer `layer`.
    InvokeWithLayer {
        /// The schema layer the client speaks.
        layer: i32,
        /// The request to run.
        query: Box<ApiRequest>,
    },
    /// `initConnection`: describe the app, then run `query`.
    InitConnection {
        /// What the app says about itself.
        params: InitConnection,
        /// The request to run.
        query: Box<ApiRequest>,
    },
    /// `invokeWithoutUpdates`: run `query`, and push no updates to this
    /// session for it.
    InvokeWithoutUpdates {
        /// The request to run.
        query: Box<ApiRequest>,
    },
    /// A bare function.
    Call(ApiCall),
}

impl ApiRequest {
    /// The innermost function.
    pub fn call(&self) -> &ApiCall {
        match self {
            ApiRequest::InvokeWithLayer { query, .. }
            | ApiRequest::InitConnection { query, .. }
            | ApiRequest::InvokeWithoutUpdates { query } => query.call(),
            ApiRequest::Call(call) => call,
        }
    }

    /// The outermost layer given, if any.
    pub fn layer(&self) -> Option<i32> {
        match self {
            ApiRequest::InvokeWithLayer { layer, .. } => Some(*layer),
            ApiRequest::InitConnection { query, .. } | ApiRequest::InvokeWithoutUpdates { query } => query.layer(),
            ApiRequest::Call(_) => None,
        }
    }

    /// The outermost `initConnection` parameters, if any.
    pub fn init_connection(&self) -> Option<&InitConnection> {
        match self {
            ApiRequest::InvokeWithLayer { query, .. } | ApiRequest::InvokeWithoutUpdates { query } => {
                query.init_connection()
            }
            ApiRequest::InitConnection { params, .. } => Some(params),
            ApiRequest::Call(_) => None,
        }
    }

    /// How many wrappers surround the function.
    pub fn depth(&self) -> usize {
        match self {
            ApiRequest::InvokeWithLayer { query, .. }
            | ApiRequest::InitConnection { query, .. }
            | ApiRequest::InvokeWithoutUpdates { query } => 1 + query.depth(),
            ApiRequest::Call(_) => 0,
        }
    }

    /// Whether an `invokeWithoutUpdates` surrounds the function.
    pub fn without_updates(&self) -> bool {
        match self {
            ApiRequest::InvokeWithoutUpdates { .. } => true,
            ApiRequest::InvokeWithLayer { query, .. } | ApiRequest::InitConnection { query, .. } => {
                query.without_updates()
            }
            ApiRequest::Call(_) => false,
        }
    }

    /// TL-encode the request.
    ///
    /// # Panics
    /// When wrapped deeper than [`MAX_WRAPPER_DEPTH`]: no peer would accept
    /// it, so building one is a bug.
    pub fn encode(&self) -> Vec<u8> {
        TlObject::encode(self)
    }

    /// Decode one whole request body.
    pub fn decode(bytes: &[u8]) -> Result<ApiRequest, DecodeError> {
        TlObject::decode(bytes)
    }

    /// The constructor of the API function `bytes` invokes, inside any
    /// `invokeWithLayer`/`initConnection` wrappers (at most
    /// [`MAX_WRAPPER_DEPTH`]), read without decoding the function itself;
    /// `None` when the wrappers do not decode.
    pub fn invoked_function(bytes: &[u8]) -> Option<u32> {
        let mut reader = Reader::new(bytes);
        for _ in 0..=MAX_WRAPPER_DEPTH {
            match reader.u32().ok()? {
                ids::INVOKE_WITH_LAYER => {
                    reader.i32().ok()?;
                }
                ids::INIT_CONNECTION => {
                    InitConnection::read_head(&mut reader).ok()?;
                }
                ids::INVOKE_WITHOUT_UPDATES => {}
                function => return Some(function),
            }
        }
        None
    }

    fn read_at_depth(reader: &mut Reader<'_>, depth: usize) -> Result<ApiRequest, DecodeError> {
        let constructor = reader.u32()?;
        if ![
            ids::INVOKE_WITH_LAYER,
            ids::INIT_CONNECTION,
            ids::INVOKE_WITHOUT_UPDATES,
        ]
        .contains(&constructor)
        {
            return ApiCall::read_call(constructor, reader).map(ApiRequest::Call);
        }
        if depth == MAX_WRAPPER_DEPTH {
            return Err(DecodeError::TooLong {
                what: "request wrapper depth",
                length: depth + 1,
                limit: MAX_WRAPPER_DEPTH,
            });
        }
        if constructor == ids::INVOKE_WITH_LAYER {
            let layer = reader.i32()?;
            let query = Box::new(ApiRequest::read_at_depth(reader, depth + 1)?);
            Ok(ApiRequest::InvokeWithLayer { layer, query })
        } else if constructor == ids::INVOKE_WITHOUT_UPDATES {
            let query = Box::new(ApiRequest::read_at_depth(reader, depth + 1)?);
            Ok(ApiRequest::InvokeWithoutUpdates { query })
        } else {
            let params = InitConnection::read_head(reader)?;
            let query = Box::new(ApiRequest::read_at_depth(reader, depth + 1)?);
            Ok(ApiRequest::InitConnection { params, query })
        }
    }
}

impl TlObject for ApiRequest {
    const NAME: &'static str = "API request";
    const MIN_BYTES: usize = 4;

    fn write(&self, writer: &mut Writer) {
        assert!(self.depth() <= MAX_WRAPPER_DEPTH, "request wrapped too deeply");
        match self {
            ApiRequest::InvokeWithLayer { layer, query } => {
                writer.u32(ids::INVOKE_WITH_LAYER).i32(*layer);
                query.write(writer);
            }
            ApiRequest::InitConnection { params, query } => {
                params.write_head(writer);
                query.write(writer);
            }
            ApiRequest::InvokeWithoutUpdates { query } => {
                writer.u32(ids::INVOKE_WITHOUT_UPDATES);
                query.write(writer);
            }
            ApiRequest::Call(call) => call.write_call(writer),
        }
    }

    fn read(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        ApiRequest::read_at_depth(reader, 0)
    }
}

/// Generates at most [`MAX_WRAPPER_DEPTH`] wrappers, so that every
/// generated request is one a peer would accept.
#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for ApiRequest {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let depth = u.int_in_range(0..=MAX_WRAPPER_DEPTH)?;
        let mut request = ApiRequest::Call(u.arbitrary()?);
        for _ in 0..depth {
            let query = Box::new(request);
            request = match u.int_in_range(0..=2u8)? {
                0 => ApiRequest::InvokeWithLayer {
                    layer: u.arbitrary()?,
                    query,
                },
                1 => ApiRequest::InitConnection {
                    params: u.arbitrary()?,
                    query,
                },
                _ => ApiRequest::InvokeWithoutUpdates { query },
            };
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(call: ApiCall) -> ApiRequest {
        ApiRequest::InvokeWithLayer {
            layer: 214,
            query: Box::new(ApiRequest::InitConnection {
                params: InitConnection {
                    api_id: 6,
                    device_model: "PC".into(),
                    app_version: "5.0".into(),
                    ..InitConnection::default()
                },
                query: Box::new(ApiRequest::Call(call)),
            }),
        }
    }

    #[test]
    fn wrapped_request_layout_is_byte_exact() {
        let request = wrapped(ApiCall::GetState(GetState));
        let encoded = request.encode();
        assert_eq!(
            hex::encode(&encoded),
            concat!(
                "0d0d9bda", "d6000000", // invokeWithLayer, layer 214
                "a95ecdc1", "00000000", "06000000", // initConnection, flags, api_id
                "02504300", "00000000", "03352e30", // "PC", "", "5.0"
                "00000000", "00000000", "00000000", // three empty strings
                "2a88d4ed", // updates.getState
            )
        );
        assert_eq!(ApiRequest::decode(&encoded), Ok(request.clone()));
        assert_eq!(request.layer(), Some(214));
        assert_eq!(request.init_connection().map(|params| params.api_id), Some(6));
        assert_eq!(request.call(), &ApiCall::GetState(GetState));
        assert_eq!(request.depth(), 2);
    }

    #[test]
    fn bare_call_has_no_wrappers() {
        let request = ApiRequest::Call(ApiCall::LogOut(LogOut));
        assert_eq!(request.encode(), ids::AUTH_LOG_OUT.to_le_bytes());
        assert_eq!(request.layer(), None);
        assert_eq!(request.init_connection(), None);
        assert_eq!(request.call().name(), "auth.logOut");
        assert_eq!(request.call().constructor(), ids::AUTH_LOG_OUT);
    }

    #[test]
    fn wrapper_depth_is_bounded() {
        let mut writer = Writer::new();
        for _ in 0..=MAX_WRAPPER_DEPTH {
            writer.u32(ids::INVOKE_WITH_LAYER).i32(1);
        }
        writer.u32(ids::UPDATES_GET_STATE);
        assert!(matches!(
            ApiRequest::decode(&writer.finish()),
            Err(DecodeError::TooLong {
                what: "request wrapper depth",
                ..
            })
        ));
        let mut request = ApiRequest::Call(ApiCall::GetState(GetState));
        for _ in 0..MAX_WRAPPER_DEPTH {
            request = ApiRequest::InvokeWithLayer {
                layer: 1,
                query: Box::new(request),
            };
        }
        assert_eq!(ApiRequest::decode(&request.encode()), Ok(request));
    }

    #[test]
    fn telethons_first_call_decodes_with_its_wrappers() {
        // invokeWithLayer(229, initConnection(…, help.getConfig)), as
        // Telethon 1.45 sends it first; here inside invokeWithoutUpdates
        // too, as it does with receive_updates=False.
        let first = ApiRequest::InvokeWithoutUpdates {
            query: Box::new(wrapped(ApiCall::GetConfig(GetConfig))),
        };
        let encoded = first.encode();
        assert_eq!(&encoded[..4], &ids::INVOKE_WITHOUT_UPDATES.to_le_bytes());
        assert_eq!(&encoded[encoded.len() - 4..], &ids::HELP_GET_CONFIG.to_le_bytes());
        assert_eq!(ApiRequest::decode(&encoded), Ok(first.clone()));
        assert!(first.without_updates());
        assert!(!wrapped(ApiCall::GetConfig(GetConfig)).without_updates());
        assert_eq!(first.layer(), Some(214));
        assert_eq!(first.depth(), 3);
        assert_eq!(ApiRequest::invoked_function(&encoded), Some(ids::HELP_GET_CONFIG));
    }

    #[test]
    fn unknown_function_and_proxy_flag_are_errors() {
        assert!(matches!(
            ApiRequest::decode(&0x1fb3_3026u32.to_le_bytes()), // help.getNearestDc
            Err(DecodeError::UnknownConstructor { .. })
        ));
        let mut encoded = wrapped(ApiCall::GetState(GetState)).encode();
        encoded[12] = 1; // initConnection.flags.0: proxy
        assert!(matches!(ApiRequest::decode(&encoded), Err(DecodeError::Invalid { .. })));
    }

    #[test]
    fn every_function_id_is_distinct_and_dispatches() {
        let mut sorted = API_CALL_IDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), API_CALL_IDS.len());
        assert_eq!(API_CALL_IDS.len(), 23);
        for id in API_CALL_IDS {
            // Each id is recognised: a truncated body fails later than dispatch.
            let result = ApiRequest::decode(&id.to_le_bytes());
            assert!(
                !matches!(result, Err(DecodeError::UnknownConstructor { .. })),
                "{id:#x}"
            );
        }
    }
}
