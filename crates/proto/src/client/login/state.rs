//! [`LoginState`]: where a client stands with its account, as one value
//! that every transition consumes and replaces (the style of rustls'
//! handshake states), so that no combination the client cannot be in — a
//! logged-in client that is also wiped, or one with a code login under
//! way — can be written down.
//!
//! A logged-out client may run both login methods at once (a phone code
//! and a QR token), and the 2FA password may be asked for after either, so
//! a login under way ([`LoginAttempt`]) is the code login's step plus two
//! facts that outlive it. A wipe is remembered until the next login, while
//! a new login is under way.

use crate::client::event::WipeReason;
use crate::wire::api::User;

/// Where the client stands with its account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::client) enum LoginState {
    /// No account is logged in (never yet, or logged out since).
    LoggedOut(LoginAttempt),
    /// A 401 revoked the last authorization and nobody logged in since.
    Wiped {
        /// The 401 that wiped the client.
        reason: WipeReason,
        /// The login under way since the wipe.
        attempt: LoginAttempt,
    },
    /// An account is logged in.
    LoggedIn {
        /// The account, as `auth.authorization` (or a session file) named it.
        user: User,
        /// A `SESSION_PASSWORD_NEEDED` arrived after the login. Only a
        /// server that breaks the protocol sends one, but the client
        /// reports what it was told until the account is left.
        password_needed: bool,
    },
}

/// A login under way on a client no account is logged in on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(in crate::client) struct LoginAttempt {
    /// How far the login by phone code has come.
    pub(in crate::client) code: CodeLogin,
    /// A QR token was exported: `updateLoginToken` means export again.
    pub(in crate::client) qr_exported: bool,
    /// `SESSION_PASSWORD_NEEDED` came back: `auth.checkPassword` is next.
    pub(in crate::client) password_needed: bool,
}

/// The login by phone code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(in crate::client) enum CodeLogin {
    /// No `auth.sendCode` yet.
    #[default]
    NotRequested,
    /// `auth.sendCode` went out for `phone`; no `auth.sentCode` yet.
    Requested {
        /// The phone of the last `auth.sendCode`.
        phone: String,
    },
    /// An `auth.sentCode` came back: `auth.signIn` and `auth.resendCode`
    /// echo its hash with the phone.
    Sent {
        /// The phone of the last `auth.sendCode`. A new `auth.sendCode`
        /// replaces it at once, while the hash stays that of the earlier
        /// code until the new `auth.sentCode` arrives.
        phone: String,
        /// From the last `auth.sentCode`.
        phone_code_hash: String,
    },
}

impl Default for LoginState {
    fn default() -> LoginState {
        LoginState::LoggedOut(LoginAttempt::default())
    }
}

impl LoginState {
    /// A session file's state: logged in as its user, or logged out.
    pub(in crate::client) fn from_user(user: Option<User>) -> LoginState {
        match user {
            Some(user) => LoginState::default().logged_in(user),
            None => LoginState::default(),
        }
    }

    /// Logged in as `user`, from whatever state: the login under way and a
    /// wipe are over.
    pub(in crate::client) fn logged_in(self, user: User) -> LoginState {
        let _over = self;
        LoginState::LoggedIn {
            user,
            password_needed: false,
        }
    }

    /// `auth.sendCode` went out for `phone` (only a client no account is
    /// logged in on sends one).
    pub(in crate::client) fn code_requested(self, phone: String) -> LoginState {
        self.map_attempt(|attempt| LoginAttempt {
            code: match attempt.code {
                CodeLogin::NotRequested | CodeLogin::Requested { .. } => CodeLogin::Requested { phone },
                CodeLogin::Sent { phone_code_hash, .. } => CodeLogin::Sent { phone, phone_code_hash },
            },
            ..attempt
        })
    }

    /// An `auth.sentCode` came back with `phone_code_hash`. Only a login
    /// by code under way can use it: a logged-in client has none, and a
    /// logged-out one without a request cannot have an answer (its
    /// requests went with its keys).
    pub(in crate::client) fn code_sent(self, phone_code_hash: String) -> LoginState {
        self.map_attempt(|attempt| LoginAttempt {
            code: match attempt.code {
                CodeLogin::NotRequested => CodeLogin::NotRequested,
                CodeLogin::Requested { phone } | CodeLogin::Sent { phone, .. } => {
                    CodeLogin::Sent { phone, phone_code_hash }
                }
            },
            ..attempt
        })
    }

    /// `auth.exportLoginToken` went out (only a client no account is
    /// logged in on sends one).
    pub(in crate::client) fn qr_exported(self) -> LoginState {
        self.map_attempt(|attempt| LoginAttempt {
            qr_exported: true,
            ..attempt
        })
    }

    /// `SESSION_PASSWORD_NEEDED` came back, to whatever request.
    pub(in crate::client) fn password_needed(self) -> LoginState {
        match self {
            LoginState::LoggedIn { user, .. } => LoginState::LoggedIn {
                user,
                password_needed: true,
            },
            other => other.map_attempt(|attempt| LoginAttempt {
                password_needed: true,
                ..attempt
            }),
        }
    }

    /// The account is left (logged out or wiped): the login under way is
    /// forgotten, a wipe before it is still remembered.
    pub(in crate::client) fn account_left(self) -> LoginState {
        match self {
            LoginState::Wiped { reason, .. } => LoginState::Wiped {
                reason,
                attempt: LoginAttempt::default(),
            },
            LoginState::LoggedOut(_) | LoginState::LoggedIn { .. } => LoginState::default(),
        }
    }

    /// A 401 revoked the logged-in account's authorization; a client no
    /// account is logged in on has nothing to wipe and stays as it is.
    pub(in crate::client) fn wiped(self, reason: WipeReason) -> LoginState {
        match self {
            LoginState::LoggedIn { .. } => LoginState::Wiped {
                reason,
                attempt: LoginAttempt::default(),
            },
            other => other,
        }
    }

    /// The logged-in account.
    pub(in crate::client) fn user(&self) -> Option<&User> {
        match self {
            LoginState::LoggedIn { user, .. } => Some(user),
            LoginState::LoggedOut(_) | LoginState::Wiped { .. } => None,
        }
    }

    /// Whether an account is logged in.
    pub(in crate::client) fn is_logged_in(&self) -> bool {
        self.user().is_some()
    }

    /// The 401 that wiped the client, while wiped.
    pub(in crate::client) fn wipe_reason(&self) -> Option<WipeReason> {
        match self {
            LoginState::Wiped { reason, .. } => Some(*reason),
            LoginState::LoggedOut(_) | LoginState::LoggedIn { .. } => None,
        }
    }

    /// Whether `SESSION_PASSWORD_NEEDED` came back since the account was
    /// last logged in or left.
    pub(in crate::client) fn is_password_needed(&self) -> bool {
        match self {
            LoginState::LoggedIn { password_needed, .. } => *password_needed,
            LoginState::LoggedOut(attempt) | LoginState::Wiped { attempt, .. } => attempt.password_needed,
        }
    }

    /// Whether a QR token was exported by a client no account is logged in on.
    pub(in crate::client) fn is_qr_exported(&self) -> bool {
        self.attempt().is_some_and(|attempt| attempt.qr_exported)
    }

    /// The (phone, phone_code_hash) that `auth.signIn` and
    /// `auth.resendCode` echo, once a code was sent.
    pub(in crate::client) fn sent_code(&self) -> Option<(&str, &str)> {
        match self.attempt().map(|attempt| &attempt.code) {
            Some(CodeLogin::Sent { phone, phone_code_hash }) => Some((phone, phone_code_hash)),
            Some(CodeLogin::NotRequested | CodeLogin::Requested { .. }) | None => None,
        }
    }

    /// The login under way, while no account is logged in.
    fn attempt(&self) -> Option<&LoginAttempt> {
        match self {
            LoginState::LoggedOut(attempt) | LoginState::Wiped { attempt, .. } => Some(attempt),
            LoginState::LoggedIn { .. } => None,
        }
    }

    /// Advance the login under way; a logged-in client has none and stays
    /// as it is.
    fn map_attempt(self, step: impl FnOnce(LoginAttempt) -> LoginAttempt) -> LoginState {
        match self {
            LoginState::LoggedOut(attempt) => LoginState::LoggedOut(step(attempt)),
            LoginState::Wiped { reason, attempt } => LoginState::Wiped {
                reason,
                attempt: step(attempt),
            },
            logged_in @ LoginState::LoggedIn { .. } => logged_in,
        }
    }
}
