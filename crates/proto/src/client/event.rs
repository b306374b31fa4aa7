//! What a client tells its caller: [`ClientEvent`]s (typed, so metrics and
//! oracles never parse logs), and the error values for commands the caller
//! got wrong ([`CommandError`]) and for what a server sent that the client
//! cannot use ([`ClientError`]).

use crate::sync::wire::WireSyncError;
use crate::sync::{SyncError, SyncEvent};
use crate::transport::{ClientReceiveError, SendError, TransportEvent};
use crate::wire::api::{AuthorizationsWithSignals, CodeType, SentCodeType};
use crate::wire::DecodeError;

/// Names one request the client sent (commands, sync fetches, transfers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// Why the client wiped its local data: the 401 the server answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WipeReason {
    /// `AUTH_KEY_UNREGISTERED`: the authorization is gone (terminated).
    AuthKeyUnregistered,
    /// `SESSION_REVOKED`: "terminate all other sessions" or a number change.
    SessionRevoked,
    /// `SESSION_EXPIRED`: the inactivity TTL ran out.
    SessionExpired,
    /// `USER_DEACTIVATED`: the account was blocked or deleted.
    UserDeactivated,
}

impl WipeReason {
    /// The reason an `rpc_error` names, if it revokes this app instance.
    /// `SESSION_PASSWORD_NEEDED` is a 401 too, but only asks for 2FA.
    pub fn from_rpc_error(code: i32, message: &str) -> Option<WipeReason> {
        if code != 401 {
            return None;
        }
        match message {
            "AUTH_KEY_UNREGISTERED" => Some(WipeReason::AuthKeyUnregistered),
            "SESSION_REVOKED" => Some(WipeReason::SessionRevoked),
            "SESSION_EXPIRED" => Some(WipeReason::SessionExpired),
            "USER_DEACTIVATED" => Some(WipeReason::UserDeactivated),
            _ => None,
        }
    }
}

/// Something the client did or learned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEvent {
    /// `auth.sentCode`: a code is on its way (issue `Command::SignIn`).
    /// With `next_type`, `Command::ResendCode` sends it that way once
    /// `timeout_s` seconds have passed.
    CodeSent {
        kind: SentCodeType,
        next_type: Option<CodeType>,
        timeout_s: Option<i32>,
    },
    /// This app instance is logged in as `user_id`.
    LoggedIn { user_id: i64 },
    /// The account has 2FA: issue `Command::CheckPassword`.
    PasswordNeeded,
    /// `auth.logOut` succeeded; `token_kept` when it returned a future auth
    /// token. The keys are gone: call `auth_key_for` before the next login.
    LoggedOut { token_kept: bool },
    /// `account.updatePasswordSettings` succeeded: 2FA is now on
    /// (`enabled`, with the new password) or off.
    PasswordUpdated { enabled: bool },
    /// A QR login token to show until `expires` (Unix seconds).
    LoginTokenExported { token: Vec<u8>, expires: i32 },
    /// The answer to `Command::GetAuthorizations` (signals empty when the
    /// server sent the plain `account.authorizations`).
    Authorizations(AuthorizationsWithSignals),
    /// A request was answered successfully.
    RequestDone { request: RequestId, method: &'static str },
    /// A request was answered with an `rpc_error`.
    RequestFailed {
        request: RequestId,
        method: &'static str,
        code: i32,
        message: String,
    },
    /// The transport gave up on a request: no answer will come.
    RequestLost { request: RequestId, method: &'static str },
    /// `updateNewAuthorization`: someone logged in to the account.
    NewLogin {
        hash: i64,
        unconfirmed: bool,
        date: i32,
        device: String,
        location: String,
    },
    /// The authorization was revoked; local data and keys are gone (call
    /// `auth_key_for` for fresh keys before logging in again).
    Wiped { reason: WipeReason },
    /// The server called `dc`'s key unregistered while no account was logged
    /// in (a revoked key is dead): the key is dropped; `auth_key_for` makes
    /// a fresh one.
    KeyDropped { dc: u32 },
    /// `auth.importAuthorization` succeeded on `dc`.
    DcConnected { dc: u32 },
    /// Sync accounting, passed through from the sync state machine.
    Sync(SyncEvent),
    /// Transport accounting of one DC's session.
    Transport { dc: u32, event: TransportEvent },
    /// Part of a packet was unusable and ignored; the rest was processed.
    Ignored { dc: u32, error: ClientError },
}

/// Why a command was refused. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("this command needs a logged-in client")]
    NotLoggedIn,
    #[error("this command is for a client that is not logged in")]
    AlreadyLoggedIn,
    #[error("sign in needs a code requested first (auth.sendCode)")]
    NoCodeRequested,
    #[error("no auth key for DC {dc}: call auth_key_for first")]
    NoKey { dc: u32 },
    #[error("DC {dc} is the home DC; there is nothing to import")]
    HomeDc { dc: u32 },
    #[error("DC {dc} already has {limit} requests waiting", limit = super::MAX_PENDING_REQUESTS_PER_DC)]
    TooManyPending { dc: u32 },
    #[error("transport refused the request: {0}")]
    Send(#[from] SendError),
}

/// Something a server sent that the client cannot use: always a value,
/// never a panic. Packet-level errors are returned by `handle_packet`;
/// message-level ones arrive as [`ClientEvent::Ignored`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("no session with DC {dc}")]
    UnknownDc { dc: u32 },
    #[error("packet rejected by the transport: {0}")]
    Transport(#[from] ClientReceiveError),
    #[error("undecodable body: {0}")]
    Decode(#[from] DecodeError),
    #[error("answer to {method} has the wrong type")]
    WrongAnswerType { method: &'static str },
    #[error("answer to unknown request msg_id {msg_id:#018x}")]
    UnknownRequest { msg_id: u64 },
    #[error("server pushed something other than Updates")]
    NotUpdates,
    #[error("malformed sync value: {0}")]
    WireSync(#[from] WireSyncError),
    #[error("sync refused update seq {seq}: pts_count {count} outside 1..={end}")]
    MalformedUpdate { seq: u32, count: u32, end: u32 },
}

impl From<SyncError> for ClientError {
    fn from(error: SyncError) -> ClientError {
        match error {
            SyncError::MalformedUpdate { seq, count, end } => ClientError::MalformedUpdate { seq, count, end },
        }
    }
}
