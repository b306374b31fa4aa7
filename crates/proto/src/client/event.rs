//! What a client tells its caller: [`ClientEvent`]s (typed, so metrics and
//! oracles never parse logs), and the error values for commands the caller
//! got wrong ([`CommandError`]) and for what a server sent that the client
//! cannot use ([`ClientError`]).

use crate::id::{AuthorizationHash, DcId, UserId};
use crate::sync::wire::WireSyncError;
use crate::sync::{SyncError, SyncEvent};
use crate::time::Instant;
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
    /// `AUTH_KEY_DUPLICATED` (406) on the home DC: the key was used from
    /// two addresses at once, and the authorization ended with it.
    AuthKeyDuplicated,
}

impl WipeReason {
    /// The reason an `rpc_error` names, if it revokes this app instance.
    /// `SESSION_PASSWORD_NEEDED` is a 401 too, but only asks for 2FA.
    pub fn from_rpc_error(code: i32, message: &str) -> Option<WipeReason> {
        if code == 406 && message == "AUTH_KEY_DUPLICATED" {
            return Some(WipeReason::AuthKeyDuplicated);
        }
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
        /// Where the code went (in-app or SMS) and its length.
        kind: SentCodeType,
        /// How `Command::ResendCode` would send it next, if it can.
        next_type: Option<CodeType>,
        /// Seconds before `Command::ResendCode` may be used.
        timeout_s: Option<i32>,
    },
    /// This app instance is logged in as `user_id`.
    LoggedIn {
        /// The account's user id.
        user_id: UserId,
    },
    /// The account has 2FA: issue `Command::CheckPassword`.
    PasswordNeeded,
    /// `auth.logOut` succeeded; `token_kept` when it returned a future auth
    /// token. The keys are gone: call `auth_key_for` before the next login.
    LoggedOut {
        /// Whether a future auth token was returned and kept.
        token_kept: bool,
    },
    /// `account.updatePasswordSettings` succeeded: 2FA is now on
    /// (`enabled`, with the new password) or off.
    PasswordUpdated {
        /// Whether a 2FA password is set now.
        enabled: bool,
    },
    /// A QR login token to show until `expires` (Unix seconds).
    LoginTokenExported {
        /// The token's bytes, to show as a QR code.
        token: Vec<u8>,
        /// When the token expires (Unix seconds).
        expires: i32,
    },
    /// The exported QR token was accepted, but the account lives on `dc`
    /// and the client holds no key there: register one
    /// ([`Client::auth_key_for`](super::Client::auth_key_for)) and send
    /// `Command::ImportLoginToken` with this token. (With a key there the
    /// client imports at once and this is not emitted.)
    LoginTokenMigrate {
        /// The account's home DC.
        dc: DcId,
        /// The token of `auth.loginTokenMigrateTo`.
        token: Vec<u8>,
    },
    /// The answer to `Command::GetAuthorizations` (signals empty when the
    /// server sent the plain `account.authorizations`).
    Authorizations(AuthorizationsWithSignals),
    /// A request was answered successfully.
    RequestDone {
        /// The request answered.
        request: RequestId,
        /// The function's TL name, e.g. `auth.signIn`.
        method: &'static str,
    },
    /// A request was answered with an `rpc_error`.
    RequestFailed {
        /// The request answered.
        request: RequestId,
        /// The function's TL name, e.g. `auth.signIn`.
        method: &'static str,
        /// The `rpc_error` code, e.g. 400.
        code: i32,
        /// The `rpc_error` message, e.g. `PHONE_CODE_INVALID`.
        message: String,
    },
    /// A request went unanswered (its deadline passed or the transport
    /// gave up on it) and was sent again as a new message.
    RequestRetried {
        /// The request sent again.
        request: RequestId,
        /// The function's TL name.
        method: &'static str,
        /// Which send this is: 2 for the first retry.
        attempt: u32,
    },
    /// A request went unanswered after its last attempt
    /// ([`MAX_REQUEST_ATTEMPTS`](super::MAX_REQUEST_ATTEMPTS)), or its key
    /// was dropped: no answer will come.
    RequestLost {
        /// The request given up on.
        request: RequestId,
        /// The function's TL name, e.g. `auth.signIn`.
        method: &'static str,
    },
    /// `updateNewAuthorization`: someone logged in to the account.
    NewLogin {
        /// The new authorization's hash (to confirm or terminate it).
        hash: AuthorizationHash,
        /// Whether the login awaits confirmation.
        unconfirmed: bool,
        /// When the login happened (Unix seconds; 0 for a confirmed login, whose details are not sent).
        date: i32,
        /// The new login's device and app, as shown to the owner.
        device: String,
        /// Where the login came from (from its IP).
        location: String,
    },
    /// The authorization was revoked; local data and keys are gone (call
    /// `auth_key_for` for fresh keys before logging in again).
    Wiped {
        /// The 401 the server answered.
        reason: WipeReason,
    },
    /// The server called `dc`'s key unregistered while no account was logged
    /// in (a revoked key is dead): the key is dropped; `auth_key_for` makes
    /// a fresh one.
    KeyDropped {
        /// The DC whose key was dropped.
        dc: DcId,
    },
    /// `auth.bindTempAuthKey` succeeded: `dc`'s traffic goes under the new
    /// temp key until `expires_at` (server time).
    TempKeyBound {
        /// The DC.
        dc: DcId,
        /// The temp key's id.
        temp_key_id: crate::id::AuthKeyId,
        /// When the server forgets it.
        expires_at: Instant,
    },
    /// `dc` sent a transport error code instead of a packet (-404: no such
    /// auth key).
    TransportError {
        /// The DC.
        dc: DcId,
        /// The code.
        code: i32,
    },
    /// `dc` answered `AUTH_KEY_PERM_EMPTY` (another binding of the
    /// permanent key replaced ours, or the server lost the temp key) or
    /// refused a binding: the temp key is dropped, a new one is bound and
    /// the request goes again.
    TempKeyUnbound {
        /// The DC.
        dc: DcId,
        /// The error that said so.
        message: String,
    },
    /// `auth.importAuthorization` succeeded on `dc`.
    DcConnected {
        /// The DC now authorized.
        dc: DcId,
    },
    /// Sync accounting, passed through from the sync state machine.
    Sync(SyncEvent),
    /// Transport accounting of one DC's session.
    Transport {
        /// The DC the session belongs to.
        dc: DcId,
        /// What the transport did or saw.
        event: TransportEvent,
    },
    /// Part of a packet was unusable and ignored; the rest was processed.
    Ignored {
        /// The DC the packet came from.
        dc: DcId,
        /// What was wrong with it.
        error: ClientError,
    },
}

/// Why a command was refused. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The command needs a logged-in client.
    #[error("this command needs a logged-in client")]
    NotLoggedIn,
    /// The command is for a client that is not logged in.
    #[error("this command is for a client that is not logged in")]
    AlreadyLoggedIn,
    /// `SignIn` or `ResendCode` before any `SendCode`.
    #[error("sign in needs a code requested first (auth.sendCode)")]
    NoCodeRequested,
    /// No auth key for the DC: call `auth_key_for` first.
    #[error("no auth key for DC {dc}: call auth_key_for first")]
    NoKey {
        /// The DC without a key.
        dc: DcId,
    },
    /// `ConnectDc` to the home DC, which needs no import.
    #[error("DC {dc} is the home DC; there is nothing to import")]
    HomeDc {
        /// The home DC.
        dc: DcId,
    },
    /// [`MAX_PENDING_REQUESTS_PER_DC`](super::MAX_PENDING_REQUESTS_PER_DC) requests already wait on the DC.
    #[error("DC {dc} already has {limit} requests waiting", limit = super::MAX_PENDING_REQUESTS_PER_DC)]
    TooManyPending {
        /// The DC.
        dc: DcId,
    },
    /// The transport refused to queue the request.
    #[error("transport refused the request: {0}")]
    Send(#[from] SendError),
    /// `auth.bindTempAuthKey` without a temp key on the link.
    #[error("no temp key to bind")]
    NoTempKey,
}

/// Something a server sent that the client cannot use: always a value,
/// never a panic. Packet-level errors are returned by `handle_packet`;
/// message-level ones arrive as [`ClientEvent::Ignored`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// A packet from a DC the client holds no key for.
    #[error("no session with DC {dc}")]
    UnknownDc {
        /// The DC it came from.
        dc: DcId,
    },
    /// The packet did not decrypt, is not a valid envelope, or names another session.
    #[error("packet rejected by the transport: {0}")]
    Transport(#[from] ClientReceiveError),
    /// A body that does not decode as the TL object expected.
    #[error("undecodable body: {0}")]
    Decode(#[from] DecodeError),
    /// The answer's type is not one the method returns.
    #[error("answer to {method} has the wrong type")]
    WrongAnswerType {
        /// The function's TL name.
        method: &'static str,
    },
    /// An `rpc_result` for a msg_id no outstanding request was sent under.
    #[error("answer to unknown request msg_id {msg_id:#018x}")]
    UnknownRequest {
        /// The `req_msg_id` it named.
        msg_id: u64,
    },
    /// A message the server sent on its own that is not `Updates`.
    #[error("server pushed something other than Updates")]
    NotUpdates,
    /// An update or difference with no valid sync-layer form.
    #[error("malformed sync value: {0}")]
    WireSync(#[from] WireSyncError),
    /// The sync state machine refused an update: a `pts_count` of 0 or above its `pts`.
    #[error("sync refused update seq {seq}: pts_count {count} outside 1..={end}")]
    MalformedUpdate {
        /// The update's `seq`.
        seq: u32,
        /// Its `pts_count`.
        count: u32,
        /// Its `pts` (the counter after it).
        end: u32,
    },
    /// The sync state machine refused a container whose `seq_start` is above its `seq`.
    #[error("sync refused a container with seq_start {seq_start} above seq {seq}")]
    MalformedBatch {
        /// The container's `seq_start`.
        seq_start: u32,
        /// Its `seq`.
        seq: u32,
    },
}

impl From<SyncError> for ClientError {
    fn from(error: SyncError) -> ClientError {
        match error {
            SyncError::MalformedUpdate { seq, count, end } => ClientError::MalformedUpdate { seq, count, end },
            SyncError::MalformedBatch { seq_start, seq } => ClientError::MalformedBatch { seq_start, seq },
        }
    }
}
