//! The snake_case names the trace writes for the simulator's and the core's
//! enums, as the scenario format or Telegram names them: never Rust's
//! `Debug` output, which would change when a variant is renamed.

use sessionlab_proto::auth::{AuthRejection, CreatedVia, InterDcBody};

use crate::engine::network::fault::Direction;
use crate::scenario::model::{AcquireKind, DeviceKind, OwnerActionKind};

/// A device kind as `[population] devices` writes it.
pub fn device_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Phone => "phone",
        DeviceKind::Desktop => "desktop",
        DeviceKind::Tablet => "tablet",
        DeviceKind::Web => "web",
    }
}

/// The device an acquisition takes, if it takes one.
pub fn acquired_device(kind: AcquireKind) -> Option<DeviceKind> {
    match kind {
        AcquireKind::StolenKey { device }
        | AcquireKind::SessionFile { device }
        | AcquireKind::StolenDevice { device } => Some(device),
        AcquireKind::SimSwap | AcquireKind::PhishedCode => None,
    }
}

/// `[[owner_action]] action` as the scenario writes it.
pub fn owner_action_name(kind: OwnerActionKind) -> &'static str {
    match kind {
        OwnerActionKind::TerminateAllOthers => "terminate_all_others",
        OwnerActionKind::TerminateDevice { .. } => "terminate_device",
        OwnerActionKind::LogOut => "log_out",
        OwnerActionKind::SetTtl { .. } => "set_ttl",
        OwnerActionKind::EnableTwoFactor => "enable_2fa",
        OwnerActionKind::ChangePassword => "change_password",
        OwnerActionKind::DeleteAccount => "delete_account",
    }
}

/// How an authorization came to be.
pub fn via_name(via: &CreatedVia) -> &'static str {
    match via {
        CreatedVia::Code => "code",
        CreatedVia::FutureToken => "future_token",
        CreatedVia::QrLogin { .. } => "qr_login",
        CreatedVia::Import { .. } => "import",
    }
}

/// Why requests under an ended key are refused.
pub fn rejection_name(rejection: AuthRejection) -> &'static str {
    match rejection {
        AuthRejection::KeyUnregistered => "key_unregistered",
        AuthRejection::SessionRevoked => "session_revoked",
        AuthRejection::SessionExpired => "session_expired",
        AuthRejection::UserDeactivated => "user_deactivated",
        AuthRejection::PasswordNeeded => "password_needed",
        AuthRejection::Revalidating => "revalidating",
        AuthRejection::KeyDuplicated => "key_duplicated",
        AuthRejection::PermKeyEmpty => "perm_key_empty",
    }
}

/// What one DC says to another.
pub fn inter_dc_name(body: &InterDcBody) -> &'static str {
    match body {
        InterDcBody::Revoke { .. } => "revoke",
        InterDcBody::RevokeAck { .. } => "revoke_ack",
        InterDcBody::Validate { .. } => "validate",
        InterDcBody::ValidateReply { .. } => "validate_reply",
        InterDcBody::LoginTokenAccepted { .. } => "login_token_accepted",
    }
}

/// Which packets a partition cuts, as `[[fault]] direction` writes it.
pub fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Both => "both",
        Direction::ToDc => "to_dc",
        Direction::FromDc => "from_dc",
    }
}
