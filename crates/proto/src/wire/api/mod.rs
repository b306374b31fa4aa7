//! TL codecs for the API functions and types the project models: what the
//! client and server exchange inside the encrypted transport (as
//! `rpc_result` payloads, pushes and request bodies).
//!
//! - [`ApiRequest`]: client → server, one [`ApiCall`] (every modelled
//!   function) optionally wrapped in `invokeWithLayer` / `initConnection`.
//! - [`ApiResponse`]: server → client, every result type plus pushed
//!   [`Updates`]. Errors are `rpc_error` in [`super::service`].
//!
//! Constructor ids and field layouts are Telegram's published ones
//! ([`schema::PUBLIC_DEFINITIONS`], each id checked against the CRC32 of its
//! definition; layer 229). Large published types (`user`, `message`) are
//! written with only the fields session management needs, every other
//! conditional field absent. Where the project needs something Telegram
//! does not publish — a SHA-256 password verifier instead of SRP (both to
//! check and to set a password), anomaly signals next to the
//! session list — it uses project-private constructors in the reserved id
//! range `0x5e551ab0..=0x5e551abf` ([`schema::PRIVATE_DEFINITIONS`]). Those
//! a server sends reach only a client that opted in ([`json`]); the others
//! go from client to server only.
//!
//! Decoding never panics, rejects every length above [`limits`] before
//! allocating, rejects flag bits it does not model, and encode∘decode is the
//! identity on every value the types can hold within those limits (the
//! `arbitrary` implementations generate exactly those values).

pub(crate) mod account_functions;
pub(crate) mod auth_functions;
pub(crate) mod authorization;
pub(crate) mod config;
pub(crate) mod difference;
pub(crate) mod history;
pub(crate) mod json;
pub(crate) mod limits;
pub(crate) mod login;
pub(crate) mod message;
pub(crate) mod object;
pub(crate) mod password;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod schema;
pub(crate) mod sync_functions;
pub(crate) mod tokens;
pub(crate) mod update;
pub(crate) mod user;
pub(crate) mod user_functions;

pub use account_functions::{
    ChangeAuthorizationSettings, DeleteAccount, GetAuthorizations, ResetAuthorization, SetAuthorizationTtl,
    UpdatePasswordSettings,
};
pub use auth_functions::{
    AcceptLoginToken, BindAuthKeyInner, BindTempAuthKey, CheckPassword, ExportAuthorization, ExportLoginToken,
    ImportAuthorization, ImportLoginToken, LogOut, ResendCode, ResetAuthorizations, SendCode, SignIn,
};
pub use authorization::{AccountAuthorizations, Authorization, AuthorizationSignals, AuthorizationsWithSignals};
pub use config::{Config, DcOption, GetConfig, CONFIG_LIMIT_NAMES, DEFAULT_CONFIG_LIMITS, MAX_DC_OPTIONS};
pub use difference::{Difference, DifferencePart, Updates};
pub use history::{GetHistory, Messages};
pub use json::{JsonValue, OPT_IN_KEY};
pub use login::{AuthAuthorization, CodeSettings, CodeType, SentCode, SentCodeType};
pub use message::Message;
pub use object::{Bare, Constructors, TlObject};
pub use password::{InputCheckPassword, PasswordInputSettings, MAX_PASSWORD_BYTES};
pub use request::{ApiCall, ApiRequest, InitConnection, API_CALL_IDS};
pub use response::{ApiResponse, API_RESPONSE_IDS};
pub use schema::{constructor_id_of, PRIVATE_DEFINITIONS, PUBLIC_DEFINITIONS};
pub use sync_functions::{GetDifference, GetState};
pub use tokens::{ExportedAuthorization, LoggedOut, LoginToken};
pub use update::{UnconfirmedLogin, Update, UpdatesState};
pub use user::{User, UserList};
pub use user_functions::{GetUsers, InputUser};
