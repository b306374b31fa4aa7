//! What the session layer tells the world: [`Effect`]s the caller must carry
//! out (deliver a notification, a login code, an inter-DC message, release a
//! held answer, order a wipe) and typed [`AuthEvent`]s the simulator turns
//! into metrics and oracles (architecture invariant 6).

use super::account::DeletionPhase;
use super::authorization::AuthorizationHandle;
use super::error::{AuthRejection, RpcError};
use super::interdc::InterDcMessage;
use super::{DcId, KeyId, UserId};
use crate::time::Instant;

/// How an authorization came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CreatedVia {
    /// Phone code (and, with 2FA, the password).
    Code,
    /// A future auth token presented to `send_code` (skips the code, never 2FA).
    FutureToken,
    /// QR login accepted by the authorization with this hash.
    QrLogin { accepted_by_hash: i64 },
    /// Imported from the home DC (a derived authorization).
    Import { home_dc: DcId, home_hash: i64 },
}

/// Why an authorization ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RevocationCause {
    ResetOne,
    ResetAll,
    Ttl,
    Logout,
    Block,
    NumberChange,
    Deletion,
    DeniedLogin,
}

impl RevocationCause {
    /// What a later request under the ended key gets.
    pub fn rejection(self) -> AuthRejection {
        match self {
            RevocationCause::ResetOne | RevocationCause::Logout | RevocationCause::DeniedLogin => {
                AuthRejection::KeyUnregistered
            }
            RevocationCause::ResetAll | RevocationCause::NumberChange => AuthRejection::SessionRevoked,
            RevocationCause::Ttl => AuthRejection::SessionExpired,
            RevocationCause::Block | RevocationCause::Deletion => AuthRejection::UserDeactivated,
        }
    }
}

/// Where a login code went.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CodeDelivery {
    /// By SMS to the SIM of the phone number.
    Sms,
    /// In-app, to these keys of the account's logged-in sessions.
    App { key_ids: Vec<KeyId> },
}

/// A push to one session (an update in Telegram terms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notification {
    /// `updateNewAuthorization`: a new login on the account.
    NewAuthorization {
        hash: i64,
        unconfirmed: bool,
        date: Instant,
        device_model: String,
        location: String,
    },
    /// `updateLoginToken`: the QR token this key exported was accepted.
    LoginTokenAccepted,
    /// The session was terminated: the device must wipe its local data.
    Terminated { reason: AuthRejection },
}

/// Something the caller must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Push `notification` to whoever holds `key_id`.
    Notify { key_id: KeyId, notification: Notification },
    /// Deliver a login code (the SIM or the listed sessions learn it).
    DeliverCode {
        user_id: UserId,
        phone: String,
        code: String,
        delivery: CodeDelivery,
    },
    /// Send to another DC.
    InterDc(InterDcMessage),
    /// A held answer (sync revocation) may now be sent to `key_id`.
    ReleaseAnswer {
        answer_id: u64,
        key_id: KeyId,
        result: Result<(), RpcError>,
    },
}

/// A typed, timestamped event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthEvent {
    pub at: Instant,
    pub dc: DcId,
    pub kind: AuthEventKind,
}

/// Every fact metrics and oracles need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthEventKind {
    AuthorizationCreated {
        user_id: UserId,
        hash: i64,
        key_id: KeyId,
        via: CreatedVia,
        unconfirmed: bool,
    },
    PasswordAccepted {
        user_id: UserId,
        hash: i64,
    },
    AuthorizationConfirmed {
        user_id: UserId,
        hash: i64,
        automatically: bool,
    },
    /// The home DC committed the end of an authorization (the oracle's `t`).
    AuthorizationRevoked {
        user_id: UserId,
        hash: i64,
        key_id: KeyId,
        cause: RevocationCause,
    },
    /// A derived authorization ended on this DC.
    DerivedRevoked {
        user_id: UserId,
        home_hash: i64,
        key_id: KeyId,
        reason: AuthRejection,
    },
    TempKeyBound {
        temp_key_id: KeyId,
        perm_key_id: KeyId,
        expires_at: Instant,
    },
    TempKeyEnded {
        temp_key_id: KeyId,
        perm_key_id: KeyId,
    },
    RequestAccepted {
        handle: AuthorizationHandle,
    },
    RequestRejected {
        key_id: KeyId,
        rejection: AuthRejection,
    },
    CodeSent {
        user_id: UserId,
        delivery: CodeDelivery,
    },
    /// `auth.resendCode` sent a pending code again, by SMS; `resends`
    /// counts the re-sends of that code so far.
    CodeResent {
        user_id: UserId,
        key_id: KeyId,
        resends: u32,
    },
    /// The 2FA password was set, changed (`enabled`) or removed from the
    /// session `hash`. Other sessions are not terminated.
    PasswordUpdated {
        user_id: UserId,
        hash: i64,
        enabled: bool,
    },
    SignInFailed {
        user_id: UserId,
        key_id: KeyId,
        error: RpcError,
    },
    NotificationSent {
        user_id: UserId,
        to_key_id: KeyId,
        about_hash: i64,
    },
    WipeRequested {
        user_id: UserId,
        key_id: KeyId,
    },
    TtlChanged {
        user_id: UserId,
        days: u32,
    },
    AccountBlocked {
        user_id: UserId,
    },
    NumberChanged {
        user_id: UserId,
    },
    DeletionAdvanced {
        user_id: UserId,
        phase: DeletionPhase,
        erased_bytes: u64,
    },
    /// A revocation went out to other DCs; `dcs` must acknowledge.
    RevocationSent {
        revocation_id: u64,
        user_id: UserId,
        dcs: Vec<DcId>,
    },
    RevocationAcknowledged {
        revocation_id: u64,
        by_dc: DcId,
    },
    /// The bound on pending revocations forced one out unacknowledged.
    RevocationAbandoned {
        revocation_id: u64,
    },
    /// A held answer was released.
    AnswerReleased {
        answer_id: u64,
    },
    /// Events were dropped because nobody drained the queue.
    EventsDropped {
        count: u64,
    },
}
