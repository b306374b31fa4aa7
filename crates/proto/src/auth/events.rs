//! What the session layer tells the world: [`Effect`]s the caller must carry
//! out (deliver a notification, a login code, an inter-DC message, release a
//! held answer, order a wipe) and typed [`AuthEvent`]s the simulator turns
//! into metrics and oracles (architecture invariant 6).

use super::account::DeletionPhase;
use super::authorization::AuthorizationHandle;
use super::error::{AuthRejection, RpcError};
use super::interdc::InterDcMessage;
use crate::id::{AuthKeyId, AuthorizationHash, DcId, UserId};

use crate::time::Instant;

/// How an authorization came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CreatedVia {
    /// Phone code (and, with 2FA, the password).
    Code,
    /// A future auth token presented to `send_code` (skips the code, never 2FA).
    FutureToken,
    /// QR login accepted by the authorization with this hash.
    QrLogin {
        /// The hash of the authorization that scanned and accepted the token.
        accepted_by_hash: AuthorizationHash,
    },
    /// Imported from the home DC (a derived authorization).
    Import {
        /// The account's home DC, which exported the authorization.
        home_dc: DcId,
        /// The hash of the home authorization it derives from.
        home_hash: AuthorizationHash,
    },
}

/// Why an authorization ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RevocationCause {
    /// `account.resetAuthorization`: another session of the owner terminated it.
    ResetOne,
    /// `auth.resetAuthorizations`: "terminate all other sessions".
    ResetAll,
    /// Inactive for longer than the account's TTL.
    Ttl,
    /// `auth.logOut` from the session itself.
    Logout,
    /// The service blocked the account.
    Block,
    /// The account's phone number changed.
    NumberChange,
    /// The account was deleted (the release phase).
    Deletion,
    /// The owner terminated a login that was still unconfirmed ("it wasn't me").
    DeniedLogin,
    /// The key was used from two addresses at once (`AUTH_KEY_DUPLICATED`).
    KeyDuplicated,
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
            RevocationCause::KeyDuplicated => AuthRejection::KeyDuplicated,
        }
    }
}

/// Where a login code went.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CodeDelivery {
    /// By SMS to the SIM of the phone number.
    Sms,
    /// In-app, to these keys of the account's logged-in sessions.
    App {
        /// The auth keys of the sessions that receive the code.
        key_ids: Vec<AuthKeyId>,
    },
}

/// A push to one session (an update in Telegram terms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notification {
    /// `updateNewAuthorization`: a new login on the account.
    NewAuthorization {
        hash: AuthorizationHash,
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
    Notify {
        /// The key whose session receives the push.
        key_id: AuthKeyId,
        /// What to push.
        notification: Notification,
    },
    /// Deliver a login code (the SIM or the listed sessions learn it).
    DeliverCode {
        /// The account logging in.
        user_id: UserId,
        /// The account's phone number (where an SMS goes).
        phone: String,
        /// The login code itself.
        code: String,
        /// By SMS, or in-app to these sessions.
        delivery: CodeDelivery,
    },
    /// Send to another DC.
    InterDc(InterDcMessage),
    /// A held answer (sync revocation) may now be sent to `key_id`.
    ReleaseAnswer {
        /// Names the held answer (`ResetAnswer::Held`).
        answer_id: u64,
        /// The key waiting for the answer.
        key_id: AuthKeyId,
        /// The answer: done, or the error to send.
        result: Result<(), RpcError>,
    },
}

/// A typed, timestamped event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthEvent {
    /// When it happened (the `now` of the call).
    pub at: Instant,
    /// The DC it happened on.
    pub dc: DcId,
    /// What happened.
    pub kind: AuthEventKind,
}

/// Every fact metrics and oracles need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthEventKind {
    /// A login bound a key to the account: a new authorization.
    AuthorizationCreated {
        /// The account.
        user_id: UserId,
        /// The new authorization's hash.
        hash: AuthorizationHash,
        /// The key it is bound to.
        key_id: AuthKeyId,
        /// How it was created.
        via: CreatedVia,
        /// Whether it starts unconfirmed (the other sessions are told of it).
        unconfirmed: bool,
    },
    /// `auth.checkPassword` succeeded: the authorization no longer owes the password.
    PasswordAccepted {
        /// The account.
        user_id: UserId,
        /// The authorization that owed the password.
        hash: AuthorizationHash,
    },
    /// An unconfirmed login became confirmed.
    AuthorizationConfirmed {
        /// The account.
        user_id: UserId,
        /// The confirmed authorization.
        hash: AuthorizationHash,
        /// Confirmed by the autoconfirm period running out, not by the owner.
        automatically: bool,
    },
    /// The home DC committed the end of an authorization (the oracle's `t`).
    AuthorizationRevoked {
        /// The account.
        user_id: UserId,
        /// The ended authorization's hash.
        hash: AuthorizationHash,
        /// Its key, dead from now on.
        key_id: AuthKeyId,
        /// Why it ended.
        cause: RevocationCause,
    },
    /// A key was used from two addresses at once and is invalidated here
    /// (its authorization's end follows as `AuthorizationRevoked` or
    /// `DerivedRevoked` with cause / reason `KeyDuplicated`).
    KeyDuplicated {
        /// The permanent key invalidated.
        key_id: AuthKeyId,
    },
    /// A derived authorization ended on this DC.
    DerivedRevoked {
        /// The account.
        user_id: UserId,
        /// The hash of the home authorization it derived from.
        home_hash: AuthorizationHash,
        /// The derived authorization's key on this DC, dead from now on.
        key_id: AuthKeyId,
        /// What requests under the key get from now on.
        reason: AuthRejection,
    },
    /// `auth.bindTempAuthKey`: a temp key now acts for a permanent one.
    TempKeyBound {
        /// The temp key.
        temp_key_id: AuthKeyId,
        /// The permanent key it acts for.
        perm_key_id: AuthKeyId,
        /// When the binding ends (capped by the policy's temp-key lifetime).
        expires_at: Instant,
    },
    /// A temp key binding ended: it expired, or its permanent key's authorization ended.
    TempKeyEnded {
        /// The temp key.
        temp_key_id: AuthKeyId,
        /// The permanent key it acted for.
        perm_key_id: AuthKeyId,
    },
    /// A request under a key was served.
    RequestAccepted {
        /// The authorization it was served under.
        handle: AuthorizationHandle,
    },
    /// A request under a key was refused: a 401, or `-503 Timeout` while a derived authorization is re-validated.
    RequestRejected {
        /// The key the request came under.
        key_id: AuthKeyId,
        /// Why it was refused.
        rejection: AuthRejection,
    },
    /// `auth.sendCode` delivered a new login code.
    CodeSent {
        /// The account logging in.
        user_id: UserId,
        /// By SMS, or in-app to these sessions.
        delivery: CodeDelivery,
    },
    /// `auth.resendCode` sent a pending code again, by SMS; `resends`
    /// counts the re-sends of that code so far.
    CodeResent {
        /// The account logging in.
        user_id: UserId,
        /// The key that asked for the code.
        key_id: AuthKeyId,
        /// Re-sends of this code so far, this one included.
        resends: u32,
    },
    /// The 2FA password was set, changed (`enabled`) or removed from the
    /// session `hash`. Other sessions are not terminated.
    PasswordUpdated {
        /// The account.
        user_id: UserId,
        /// The authorization the change was made from.
        hash: AuthorizationHash,
        /// Whether a password is set after the change (false: removed).
        enabled: bool,
    },
    /// A sign-in or password attempt failed (wrong code or password, or flood wait).
    SignInFailed {
        /// The account.
        user_id: UserId,
        /// The key the attempt came under.
        key_id: AuthKeyId,
        /// The error returned, e.g. `PHONE_CODE_INVALID` or `FLOOD_WAIT_X`.
        error: RpcError,
    },
    /// `updateNewAuthorization` was pushed to one of the account's other sessions.
    NotificationSent {
        /// The account.
        user_id: UserId,
        /// The key of the session told.
        to_key_id: AuthKeyId,
        /// The hash of the new authorization it was told about.
        about_hash: AuthorizationHash,
    },
    /// A terminated session was told to wipe its local data (every cause but log-out).
    WipeRequested {
        /// The account.
        user_id: UserId,
        /// The key of the terminated session.
        key_id: AuthKeyId,
    },
    /// `account.setAuthorizationTTL` changed the inactivity TTL.
    TtlChanged {
        /// The account.
        user_id: UserId,
        /// The new TTL in days.
        days: u32,
    },
    /// The service blocked the account: every authorization ended.
    AccountBlocked {
        /// The account.
        user_id: UserId,
    },
    /// The account's phone number changed: every other authorization ended.
    NumberChanged {
        /// The account.
        user_id: UserId,
    },
    /// Account deletion entered a new phase.
    DeletionAdvanced {
        /// The account.
        user_id: UserId,
        /// The phase entered.
        phase: DeletionPhase,
        /// Bytes erased, as the erase phase reported (0 before it).
        erased_bytes: u64,
    },
    /// A revocation went out to other DCs; `dcs` must acknowledge.
    RevocationSent {
        /// Names the revocation; the acks echo it.
        revocation_id: u64,
        /// The account.
        user_id: UserId,
        /// The DCs it was sent to.
        dcs: Vec<DcId>,
    },
    /// A DC acknowledged a revocation.
    RevocationAcknowledged {
        /// The revocation acknowledged.
        revocation_id: u64,
        /// The DC that acknowledged it.
        by_dc: DcId,
    },
    /// The bound on pending revocations forced one out unacknowledged.
    RevocationAbandoned {
        /// The revocation given up on.
        revocation_id: u64,
    },
    /// A held answer was released.
    AnswerReleased {
        /// The `answer_id` of `ResetAnswer::Held`.
        answer_id: u64,
    },
    /// An effect was dropped because nobody polled the effect queue
    /// ([`MAX_QUEUED_EFFECTS`](super::MAX_QUEUED_EFFECTS)); also counted in
    /// [`AuthDrops`].
    EffectDropped,
}

/// How many things a DC's session layer dropped, by kind, since it was
/// created ([`DcAuthority::drops`](super::DcAuthority::drops)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthDrops {
    /// Effects dropped because the effect queue was full.
    pub effects_over_limit: u64,
    /// Events dropped because the event queue was full.
    pub events_over_limit: u64,
}
