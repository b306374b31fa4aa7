//! From the serde shape to the typed model for the actors and events of a
//! scenario: `[population]`, `[[fault]]` and `[[attacker]]`, with the rules
//! that tie them to each other and to `[scenario]` (a fault starts before the
//! end, an attacker steals a device kind the population owns, ...).

use std::collections::BTreeSet;
use std::time::Duration;

use toml::Spanned;

use super::build::probability_setting;
use super::distribution::ByteDistribution;
use super::duration::format_duration;
use super::error::Problem;
use super::leaf::{Ctx, Result};
use super::limits::*;
use super::model::*;
use super::node::{Node, NodeValue};
use super::quantity::Probability;
use super::raw::{RawAcquire, RawAttacker, RawFault, RawPopulation};
use super::sampled::{Sampled, Spec};

pub(crate) const DEVICE_KINDS: &[(&str, DeviceKind)] = &[
    ("phone", DeviceKind::Phone),
    ("desktop", DeviceKind::Desktop),
    ("tablet", DeviceKind::Tablet),
    ("web", DeviceKind::Web),
];
const AUDIT_ACTIONS: &[(&str, AuditAction)] = &[
    ("none", AuditAction::None),
    ("terminate_suspicious", AuditAction::TerminateSuspicious),
    ("terminate_all_others", AuditAction::TerminateAllOthers),
];
const BEHAVIORS: &[(&str, Behavior)] = &[
    ("exfiltrate", Behavior::Exfiltrate),
    ("dormant", Behavior::Dormant),
    ("heartbeat", Behavior::Heartbeat),
    ("persist", Behavior::Persist),
    ("replay", Behavior::Replay),
    ("relogin", Behavior::Relogin),
    ("terminate_others", Behavior::TerminateOthers),
];
const DIRECTIONS: &[(&str, Direction)] = &[
    ("both", Direction::Both),
    ("to_dc", Direction::ToDc),
    ("from_dc", Direction::FromDc),
];

/// `[population]`, which must exist and hold at least one account and one device.
pub(crate) fn population(ctx: &mut Ctx<'_>, raw: Option<&RawPopulation>) -> Result<Population<Spec>> {
    let Some(raw) = raw else {
        let problem = Problem::EmptyPopulation("no [population] section: a scenario needs accounts and devices".into());
        return Err(ctx.locator.error(None, problem));
    };
    let accounts = ctx.sampled("population.accounts", Some(&raw.accounts), 1, true, |ctx, key, node| {
        if node.value == NodeValue::Integer(0) {
            let message = format!("`{key}` = 0: a scenario needs at least one account");
            return Err(ctx.error(&node.span, Problem::EmptyPopulation(message)));
        }
        ctx.integer(key, node, 1, MAX_ACCOUNTS)
    })?;
    let two_factor = probability_setting(ctx, "population.two_factor", raw.two_factor.as_ref(), Probability::ZERO)?;
    let devices = devices(ctx, &raw.devices)?;
    let online = Online {
        mean_session: positive_duration(
            ctx,
            "population.online.mean_session",
            raw.online.as_ref().and_then(|o| o.mean_session.as_ref()),
            20 * 60,
        )?,
        mean_gap: positive_duration(
            ctx,
            "population.online.mean_gap",
            raw.online.as_ref().and_then(|o| o.mean_gap.as_ref()),
            2 * 3600,
        )?,
    };
    let updates_per_day = ctx.sampled(
        "population.updates_per_day",
        raw.updates_per_day.as_ref(),
        100,
        true,
        |ctx, key, node| ctx.integer(key, node, 0, MAX_UPDATES_PER_DAY),
    )?;
    let update_bytes = match &raw.update_bytes {
        None => ByteDistribution::Constant(200),
        Some(node) => ctx.distribution("population.update_bytes", node, |ctx, key, node| {
            ctx.integer(key, node, 0, MAX_UPDATE_BYTES)
        })?,
    };
    let audit = audit(ctx, raw)?;
    let sleep = ctx.sampled(
        "population.sleep",
        raw.sleep.as_ref(),
        DEFAULT_SLEEP,
        true,
        |ctx, key, node| ctx.duration(key, node, Duration::ZERO, MAX_SLEEP),
    )?;
    let deny_unrecognized_login = probability_setting(
        ctx,
        "population.deny_unrecognized_login",
        raw.deny_unrecognized_login.as_ref(),
        Probability::new(0.5).expect("0.5 is a probability"),
    )?;
    Ok(Population {
        accounts,
        two_factor,
        devices,
        online,
        updates_per_day,
        update_bytes,
        audit,
        sleep,
        deny_unrecognized_login,
    })
}

/// A per-seed duration of at least one second, `default_s` when absent.
fn positive_duration(ctx: &mut Ctx<'_>, path: &str, node: Option<&Node>, default_s: u64) -> Result<Sampled<Duration>> {
    ctx.sampled(path, node, Duration::from_secs(default_s), true, |ctx, key, node| {
        ctx.duration(key, node, Duration::from_secs(1), MAX_DURATION)
    })
}

fn devices(ctx: &mut Ctx<'_>, raw: &Spanned<Vec<super::raw::RawDevice>>) -> Result<Vec<DeviceSpec<Spec>>> {
    let span = raw.span();
    if raw.get_ref().is_empty() {
        let problem = Problem::EmptyPopulation("`population.devices` is empty: list at least one device kind".into());
        return Err(ctx.error(&span, problem));
    }
    if raw.get_ref().len() > MAX_DEVICE_KINDS {
        let problem = Problem::Invalid(format!("`population.devices` lists more than {MAX_DEVICE_KINDS} kinds"));
        return Err(ctx.error(&span, problem));
    }
    let mut devices: Vec<DeviceSpec<Spec>> = Vec::new();
    for (index, device) in raw.get_ref().iter().enumerate() {
        let kind = ctx.name_of(&format!("population.devices.{index}.kind"), &device.kind, DEVICE_KINDS)?;
        if devices.iter().any(|seen| seen.kind == kind) {
            let message = format!("device kind {} is listed twice in `population.devices`", device.kind);
            return Err(ctx.error(&device.kind.span, Problem::Invalid(message)));
        }
        let path = format!("population.devices.{index}.probability");
        let probability = probability_setting(ctx, &path, device.probability.as_ref(), Probability::ONE)?;
        devices.push(DeviceSpec { kind, probability });
    }
    let never = |device: &DeviceSpec<Spec>| device.probability.extremes().iter().all(|p| p.get() == 0.0);
    if devices.iter().all(never) {
        let problem = Problem::EmptyPopulation("every device in `population.devices` has probability 0".into());
        return Err(ctx.error(&span, problem));
    }
    Ok(devices)
}

/// Owners sleep this long a day unless `population.sleep` says otherwise.
const DEFAULT_SLEEP: Duration = Duration::from_secs(8 * 3600);
/// Nobody sleeps more than this.
const MAX_SLEEP: Duration = Duration::from_secs(16 * 3600);
/// Signals an audit needs to terminate a session (seed 003: two or more).
const DEFAULT_MIN_SIGNALS: u32 = 2;
/// The anomaly signals there are: `min_signals` is at most this.
const ANOMALY_SIGNALS: u64 = 4;

fn audit(ctx: &mut Ctx<'_>, raw: &RawPopulation) -> Result<Audit<Spec>> {
    let audit = raw.audit.as_ref();
    let every = positive_duration(
        ctx,
        "population.audit.every",
        audit.and_then(|a| a.every.as_ref()),
        7 * 24 * 3600,
    )?;
    let probability = probability_setting(
        ctx,
        "population.audit.probability",
        audit.and_then(|a| a.probability.as_ref()),
        Probability::ZERO,
    )?;
    let action = match audit.and_then(|a| a.action.as_ref()) {
        None => AuditAction::TerminateSuspicious,
        Some(node) => ctx.name_of("population.audit.action", node, AUDIT_ACTIONS)?,
    };
    let min_signals = match audit.and_then(|a| a.min_signals.as_ref()) {
        None => DEFAULT_MIN_SIGNALS,
        Some(node) => ctx.integer("population.audit.min_signals", node, 1, ANOMALY_SIGNALS)? as u32,
    };
    Ok(Audit {
        every,
        probability,
        action,
        min_signals,
    })
}

/// `[[fault]]` entries.
pub(crate) fn faults(
    ctx: &mut Ctx<'_>,
    raw: &[Spanned<RawFault>],
    meta: &Meta,
    datacenters: &Datacenters<Spec>,
) -> Result<Vec<Fault<Spec>>> {
    if let Some(extra) = raw.get(MAX_FAULTS) {
        return Err(ctx.error(
            &extra.span(),
            Problem::Invalid(format!("more than {MAX_FAULTS} [[fault]] entries")),
        ));
    }
    raw.iter()
        .enumerate()
        .map(|(index, fault)| self::fault(ctx, index, fault, meta, datacenters))
        .collect()
}

fn fault(
    ctx: &mut Ctx<'_>,
    index: usize,
    spanned: &Spanned<RawFault>,
    meta: &Meta,
    datacenters: &Datacenters<Spec>,
) -> Result<Fault<Spec>> {
    let raw = spanned.get_ref();
    let path = |key: &str| format!("fault.{index}.{key}");
    let at = starts_before_end(ctx, &path("at"), &raw.at, meta)?;
    let duration = positive_duration(ctx, &path("duration"), Some(&raw.duration), 0)?;
    let kinds = &[("partition", 0), ("dc_outage", 1), ("device_offline", 2)];
    let kind_code = ctx.name_of(&path("kind"), &raw.kind, kinds)?;
    let kind_name = kinds[kind_code].0;
    // Reject keys that belong to another kind rather than ignore them.
    let applies = [
        (&raw.devices, "devices", kind_code != 1),
        (&raw.direction, "direction", kind_code == 0),
        (&raw.dc, "dc", kind_code == 1),
    ];
    for (node, key, allowed) in applies {
        if let (Some(node), false) = (node, allowed) {
            let message = format!("`{}` does not apply to kind = \"{kind_name}\"", path(key));
            return Err(ctx.error(&node.span, Problem::Invalid(message)));
        }
    }
    let missing = |key: &str| ctx.error(&spanned.span(), Problem::MissingKey(path(key)));
    let kind = match kind_code {
        1 => {
            let node = raw.dc.as_ref().ok_or_else(|| missing("dc"))?;
            let fewest = datacenters.count.extremes().into_iter().min().copied().unwrap_or(1);
            FaultKind::DcOutage {
                dc: ctx.integer(&path("dc"), node, 1, fewest)?,
            }
        }
        code => {
            let node = raw.devices.as_ref().ok_or_else(|| missing("devices"))?;
            let devices = ctx.share(&path("devices"), node)?;
            if code == 2 {
                FaultKind::DeviceOffline { devices }
            } else {
                let direction = match &raw.direction {
                    None => Direction::Both,
                    Some(node) => ctx.name_of(&path("direction"), node, DIRECTIONS)?,
                };
                FaultKind::Partition { devices, direction }
            }
        }
    };
    Ok(Fault { at, duration, kind })
}

/// A per-seed start time that is before the end of the scenario for every draw.
pub(crate) fn starts_before_end(ctx: &mut Ctx<'_>, path: &str, node: &Node, meta: &Meta) -> Result<Sampled<Duration>> {
    let end = meta.duration;
    ctx.sampled(path, Some(node), Duration::ZERO, true, |ctx, key, node| {
        let at = ctx.any_duration(key, node)?;
        if at >= end {
            let expected = format!(
                "before the end of the scenario (`scenario.duration` = {})",
                format_duration(end)
            );
            return Err(ctx.out_of_range(key, node, expected));
        }
        Ok(at)
    })
}

/// `[[attacker]]` entries.
pub(crate) fn attackers(
    ctx: &mut Ctx<'_>,
    raw: &[Spanned<RawAttacker>],
    meta: &Meta,
    population: &Population<Spec>,
) -> Result<Vec<Attacker<Spec>>> {
    if let Some(extra) = raw.get(MAX_ATTACKERS) {
        let problem = Problem::Invalid(format!("more than {MAX_ATTACKERS} [[attacker]] entries"));
        return Err(ctx.error(&extra.span(), problem));
    }
    let mut attackers: Vec<Attacker<Spec>> = Vec::new();
    for (index, spanned) in raw.iter().enumerate() {
        let raw = spanned.get_ref();
        let path = |key: &str| format!("attacker.{index}.{key}");
        let name = ctx.text(&path("name"), &raw.name)?;
        if name.trim().is_empty() || attackers.iter().any(|seen| seen.name == name) {
            return Err(ctx.out_of_range(&path("name"), &raw.name, "a non-empty name no other attacker uses"));
        }
        let targets = targets(ctx, &path("targets"), &raw.targets, &attackers)?;
        let acquire = acquire(ctx, &path("acquire"), &raw.acquire, meta, population)?;
        let behavior = match &raw.behavior {
            None => BTreeSet::from([Behavior::Exfiltrate]),
            Some(node) => behaviors(ctx, &path("behavior"), node)?,
        };
        let on_device = matches!(
            acquire.kind,
            AcquireKind::StolenKey { .. } | AcquireKind::SessionFile { .. }
        );
        if let (Some(node), true) = (&raw.behavior, behavior.contains(&Behavior::Replay) && !on_device) {
            let message = format!(
                "`{}` has \"replay\", which captures packets with malware on the victim's device: \
                 it needs `{}.kind` = \"stolen_key\" or \"session_file\", not {}",
                path("behavior"),
                path("acquire"),
                raw.acquire.get_ref().kind
            );
            return Err(ctx.error(&node.span, Problem::Invalid(message)));
        }
        let footholds = match &raw.footholds {
            None => 1,
            Some(node) if !behavior.contains(&Behavior::Persist) => {
                let message = format!("`{}` needs \"persist\" in `{}`", path("footholds"), path("behavior"));
                return Err(ctx.error(&node.span, Problem::Invalid(message)));
            }
            Some(node) => ctx.integer(&path("footholds"), node, 1, MAX_FOOTHOLDS_PER_ATTACKER)? as u32,
        };
        let period = |ctx: &mut Ctx<'_>, key: &str, node: Option<&Node>, default: Duration| match node {
            None => Ok(default),
            Some(node) => ctx.duration(&path(key), node, Duration::from_secs(1), MAX_DURATION),
        };
        let heartbeat_every = period(
            ctx,
            "heartbeat_every",
            raw.heartbeat_every.as_ref(),
            DEFAULT_HEARTBEAT_EVERY,
        )?;
        let fetch_every = period(ctx, "fetch_every", raw.fetch_every.as_ref(), DEFAULT_FETCH_EVERY)?;
        attackers.push(Attacker {
            name,
            targets,
            acquire,
            behavior,
            footholds,
            heartbeat_every,
            fetch_every,
        });
    }
    Ok(attackers)
}

/// `heartbeat` keeps a session alive past a TTL of days: twice a day.
pub const DEFAULT_HEARTBEAT_EVERY: Duration = Duration::from_secs(12 * 3600);
/// `exfiltrate` fetches often enough to land inside short revocation
/// windows (`async:2s` aside).
pub const DEFAULT_FETCH_EVERY: Duration = Duration::from_secs(20);

/// `targets`: a share (`"5%"`, a count) or `{ same_as = "NAME" }`, an
/// attacker listed before this one.
fn targets(ctx: &mut Ctx<'_>, key: &str, node: &Node, before: &[Attacker<Spec>]) -> Result<Targets> {
    let NodeValue::Table(entries) = &node.value else {
        return Ok(Targets::Share(ctx.share(key, node)?));
    };
    let [(entry_key, value)] = entries.as_slice() else {
        return Err(ctx.wrong_type(key, node, "a percentage, a whole count or { same_as = \"NAME\" }"));
    };
    if entry_key.name != "same_as" {
        let problem = Problem::UnknownKey {
            key: format!("{key}.{}", entry_key.name),
            expected: "`same_as`".into(),
        };
        return Err(ctx.error(&entry_key.span, problem));
    }
    let name = ctx.text(&format!("{key}.same_as"), value)?;
    if !before.iter().any(|attacker| attacker.name == name) {
        return Err(ctx.out_of_range(
            &format!("{key}.same_as"),
            value,
            "the name of an attacker listed before this one",
        ));
    }
    Ok(Targets::SameAs(name))
}

fn acquire(
    ctx: &mut Ctx<'_>,
    path: &str,
    spanned: &Spanned<RawAcquire>,
    meta: &Meta,
    population: &Population<Spec>,
) -> Result<Acquire<Spec>> {
    let raw = spanned.get_ref();
    let kinds = &[
        ("stolen_key", 0),
        ("session_file", 1),
        ("sim_swap", 2),
        ("phished_code", 3),
        ("stolen_device", 4),
    ];
    let kind_code = ctx.name_of(&format!("{path}.kind"), &raw.kind, kinds)?;
    let at = starts_before_end(ctx, &format!("{path}.at"), &raw.at, meta)?;
    let device_key = format!("{path}.device");
    let device = match (&raw.device, kind_code) {
        (Some(node), 0 | 1 | 4) => {
            let device = ctx.name_of(&device_key, node, DEVICE_KINDS)?;
            if !population.devices.iter().any(|spec| spec.kind == device) {
                let message = format!("`{device_key}` = {node}: no device of that kind in `population.devices`");
                return Err(ctx.error(&node.span, Problem::Invalid(message)));
            }
            Some(device)
        }
        (None, 0 | 1 | 4) => return Err(ctx.error(&spanned.span(), Problem::MissingKey(device_key))),
        (Some(node), _) => {
            let message = format!("`{device_key}` does not apply to kind = {}", raw.kind);
            return Err(ctx.error(&node.span, Problem::Invalid(message)));
        }
        (None, _) => None,
    };
    let kind = match (kind_code, device) {
        (0, Some(device)) => AcquireKind::StolenKey { device },
        (1, Some(device)) => AcquireKind::SessionFile { device },
        (4, Some(device)) => AcquireKind::StolenDevice { device },
        (2, _) => AcquireKind::SimSwap,
        _ => AcquireKind::PhishedCode,
    };
    Ok(Acquire { kind, at })
}

fn behaviors(ctx: &Ctx<'_>, key: &str, node: &Node) -> Result<BTreeSet<Behavior>> {
    let NodeValue::Array(items) = &node.value else {
        return Err(ctx.wrong_type(key, node, "a list such as [\"exfiltrate\", \"persist\"]"));
    };
    let mut behaviors = BTreeSet::new();
    for item in items {
        if !behaviors.insert(ctx.name_of(key, item, BEHAVIORS)?) {
            return Err(ctx.error(&item.span, Problem::Invalid(format!("`{key}` lists {item} twice"))));
        }
    }
    Ok(behaviors)
}
