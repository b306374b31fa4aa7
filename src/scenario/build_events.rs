//! From the serde shape to the typed model for the scheduled events of a
//! scenario: `[[owner_action]]` (what owners do at a time) and
//! `[[device_event]]` (devices lost or restored from a stale backup).
//! Keys that do not apply to the chosen action or kind are errors, not
//! silently ignored.

use std::time::Duration;

use toml::Spanned;

use super::build_actors::{starts_before_end, DEVICE_KINDS};
use super::error::Problem;
use super::leaf::{Ctx, Result};
use super::limits::*;
use super::model::*;
use super::node::Node;
use super::quantity::Share;
use super::raw::{RawDeviceEvent, RawOwnerAction};
use super::sampled::Spec;

const OWNER_ACTIONS: &[(&str, u8)] = &[
    ("terminate_all_others", 0),
    ("terminate_device", 1),
    ("log_out", 2),
    ("set_ttl", 3),
    ("enable_2fa", 4),
    ("change_password", 5),
    ("delete_account", 6),
];
const DEVICE_EVENT_KINDS: &[(&str, u8)] = &[("lost", 0), ("restored_from_backup", 1)];

/// A list section holds at most `limit` entries.
fn bounded<T>(ctx: &Ctx<'_>, raw: &[Spanned<T>], limit: usize, section: &str) -> Result<()> {
    match raw.get(limit) {
        Some(extra) => Err(ctx.error(
            &extra.span(),
            Problem::Invalid(format!("more than {limit} [[{section}]] entries")),
        )),
        None => Ok(()),
    }
}

/// A device kind that the population owns.
fn owned_device(ctx: &Ctx<'_>, key: &str, node: &Node, population: &Population<Spec>) -> Result<DeviceKind> {
    let device = ctx.name_of(key, node, DEVICE_KINDS)?;
    if !population.devices.iter().any(|spec| spec.kind == device) {
        let message = format!("`{key}` = {node}: no device of that kind in `population.devices`");
        return Err(ctx.error(&node.span, Problem::Invalid(message)));
    }
    Ok(device)
}

/// `accounts`, defaulting to every account.
fn accounts_share(ctx: &Ctx<'_>, key: &str, node: Option<&Node>) -> Result<Share> {
    match node {
        Some(node) => ctx.share(key, node),
        None => Ok(Share::Fraction(super::quantity::Probability::ONE)),
    }
}

/// Refuse a key given to an action or kind it does not apply to.
fn refuse_unused(ctx: &Ctx<'_>, keys: &[(Option<&Node>, String, bool)], what: &str) -> Result<()> {
    for (node, key, allowed) in keys {
        if let (Some(node), false) = (node, allowed) {
            let message = format!("`{key}` does not apply to {what}");
            return Err(ctx.error(&node.span, Problem::Invalid(message)));
        }
    }
    Ok(())
}

/// `[[owner_action]]` entries.
pub(crate) fn owner_actions(
    ctx: &mut Ctx<'_>,
    raw: &[Spanned<RawOwnerAction>],
    meta: &Meta,
    population: &Population<Spec>,
) -> Result<Vec<OwnerAction<Spec>>> {
    bounded(ctx, raw, MAX_OWNER_ACTIONS, "owner_action")?;
    let mut actions = Vec::with_capacity(raw.len());
    for (index, spanned) in raw.iter().enumerate() {
        let raw = spanned.get_ref();
        let path = |key: &str| format!("owner_action.{index}.{key}");
        let code = ctx.name_of(&path("action"), &raw.action, OWNER_ACTIONS)?;
        let name = OWNER_ACTIONS[usize::from(code)].0;
        refuse_unused(
            ctx,
            &[
                (raw.device.as_ref(), path("device"), code == 1),
                (raw.ttl.as_ref(), path("ttl"), code == 3),
            ],
            &format!("action = \"{name}\""),
        )?;
        let missing = |key: &str| ctx.error(&spanned.span(), Problem::MissingKey(path(key)));
        let action = match code {
            0 => OwnerActionKind::TerminateAllOthers,
            1 => {
                let node = raw.device.as_ref().ok_or_else(|| missing("device"))?;
                OwnerActionKind::TerminateDevice {
                    device: owned_device(ctx, &path("device"), node, population)?,
                }
            }
            2 => OwnerActionKind::LogOut,
            3 => {
                let node = raw.ttl.as_ref().ok_or_else(|| missing("ttl"))?;
                let ttl = ctx.whole_days(&path("ttl"), node)?;
                OwnerActionKind::SetTtl {
                    days: u32::try_from(ttl.as_secs() / DAY_SECONDS).unwrap_or(u32::MAX),
                }
            }
            4 => OwnerActionKind::EnableTwoFactor,
            5 => OwnerActionKind::ChangePassword,
            _ => OwnerActionKind::DeleteAccount,
        };
        let from = match &raw.from {
            Some(node) => Some(owned_device(ctx, &path("from"), node, population)?),
            None => None,
        };
        actions.push(OwnerAction {
            action,
            at: starts_before_end(ctx, &path("at"), &raw.at, meta)?,
            accounts: accounts_share(ctx, &path("accounts"), raw.accounts.as_ref())?,
            from,
        });
    }
    Ok(actions)
}

/// `[[device_event]]` entries.
pub(crate) fn device_events(
    ctx: &mut Ctx<'_>,
    raw: &[Spanned<RawDeviceEvent>],
    meta: &Meta,
    population: &Population<Spec>,
) -> Result<Vec<DeviceEvent<Spec>>> {
    bounded(ctx, raw, MAX_DEVICE_EVENTS, "device_event")?;
    let mut events = Vec::with_capacity(raw.len());
    for (index, spanned) in raw.iter().enumerate() {
        let raw = spanned.get_ref();
        let path = |key: &str| format!("device_event.{index}.{key}");
        let code = ctx.name_of(&path("kind"), &raw.kind, DEVICE_EVENT_KINDS)?;
        let name = DEVICE_EVENT_KINDS[usize::from(code)].0;
        refuse_unused(
            ctx,
            &[(raw.backup_age.as_ref(), path("backup_age"), code == 1)],
            &format!("kind = \"{name}\""),
        )?;
        let kind = match (code, raw.backup_age.as_ref()) {
            (0, _) => DeviceEventKind::Lost,
            (_, Some(node)) => DeviceEventKind::RestoredFromBackup {
                backup_age: ctx.duration(&path("backup_age"), node, Duration::from_secs(1), MAX_DURATION)?,
            },
            (_, None) => return Err(ctx.error(&spanned.span(), Problem::MissingKey(path("backup_age")))),
        };
        events.push(DeviceEvent {
            kind,
            device: owned_device(ctx, &path("device"), &raw.device, population)?,
            accounts: accounts_share(ctx, &path("accounts"), raw.accounts.as_ref())?,
            at: starts_before_end(ctx, &path("at"), &raw.at, meta)?,
        });
    }
    Ok(events)
}
