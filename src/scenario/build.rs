//! From the serde shape ([`RawDocument`]) to the typed model
//! ([`Scenario<Spec>`]): defaults, value rules and the sections that stand on
//! their own (`[scenario]`, `[policy]`, `[datacenters]`, `[network]`).
//! Population, faults and attackers are in `build_actors.rs`.
//!
//! The defaults are the documented Telegram behaviour, written next to their key.

use std::time::Duration;

use super::compound::flatten_swarm;
use super::distribution::{DurationDistribution, OffsetDistribution};
use super::duration::{format_duration, SignedDuration};
use super::epoch::parse_epoch;
use super::error::{Locator, Problem};
use super::errors::{Collector, ScenarioErrors};
use super::leaf::{Ctx, Result};
use super::limits::*;
use super::model::{Datacenters, Meta, Network, Policy, Scenario};
use super::node::{Node, NodeValue};
use super::quantity::{Probability, SeedRange};
use super::raw::{RawDatacenters, RawDocument, RawMeta, RawNetwork, RawPolicy};
use super::sampled::Spec;
use sessionlab_proto::auth::Policy as CorePolicy;
use sessionlab_proto::server::{DEFAULT_PTS_LIMIT, DEFAULT_PTS_TOTAL_LIMIT};
use sessionlab_proto::time::Instant;
use toml::Spanned;

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

/// Converts and validates a whole document, collecting the first problem
/// of every section (sections that depend on a broken one are skipped).
pub(crate) fn build(
    locator: Locator<'_>,
    document: RawDocument,
) -> std::result::Result<Scenario<Spec>, ScenarioErrors> {
    let mut ctx = Ctx {
        locator,
        swarm: Vec::new(),
        per_seed_paths: Vec::new(),
    };
    let mut found = Collector::default();
    if let Some(swarm) = &document.swarm {
        ctx.swarm = found.keep(flatten_swarm(&ctx, swarm)).unwrap_or_default();
    }
    let meta = found.keep(meta(&ctx, &document.scenario));
    let policy = found.keep(policy(&mut ctx, &document.policy));
    let datacenters = found.keep(datacenters(&mut ctx, &document.datacenters));
    let network = found.keep(network(&mut ctx, &document.network));
    let population = found.keep(super::build_actors::population(&mut ctx, document.population.as_ref()));
    let faults = match (&meta, &datacenters) {
        (Some(meta), Some(datacenters)) => found.keep(super::build_actors::faults(
            &mut ctx,
            &document.fault,
            meta,
            datacenters,
        )),
        _ => None,
    };
    let (attackers, owner_actions, device_events) = match (&meta, &population) {
        (Some(meta), Some(population)) => (
            found.keep(super::build_actors::attackers(
                &mut ctx,
                &document.attacker,
                meta,
                population,
            )),
            found.keep(super::build_events::owner_actions(
                &mut ctx,
                &document.owner_action,
                meta,
                population,
            )),
            found.keep(super::build_events::device_events(
                &mut ctx,
                &document.device_event,
                meta,
                population,
            )),
        ),
        _ => (None, None, None),
    };
    let expectations = match &document.expect {
        Some(expect) => found.keep(ctx.expectations(expect)),
        None => Some(Vec::new()),
    };
    // A broken section may not have read its [swarm] entries: judge them
    // only when everything else held.
    if found.is_clean() {
        found.extend(ctx.unused_swarm_entries());
    }
    let scenario = (|| {
        Some(Scenario {
            meta: meta?,
            policy: policy?,
            datacenters: datacenters?,
            network: network?,
            faults: faults?,
            population: population?,
            attackers: attackers?,
            owner_actions: owner_actions?,
            device_events: device_events?,
            expectations: expectations?,
        })
    })();
    found.finish(scenario)
}

fn meta(ctx: &Ctx<'_>, raw: &RawMeta) -> Result<Meta> {
    #[cfg(not(feature = "mutants"))]
    if let Some(node) = &raw.mutant {
        let message = "`scenario.mutant` needs sessionlab built with `--features mutants`".to_string();
        return Err(ctx.error(&node.span, Problem::Invalid(message)));
    }
    let name = ctx.text("scenario.name", &raw.name)?;
    if name.trim().is_empty() {
        return Err(ctx.out_of_range("scenario.name", &raw.name, "a non-empty name"));
    }
    let description = raw
        .description
        .as_ref()
        .map(|node| ctx.text("scenario.description", node))
        .transpose()?;
    let duration = ctx.duration("scenario.duration", &raw.duration, Duration::from_secs(1), MAX_DURATION)?;
    let seeds = match &raw.seeds {
        None => SeedRange::new(0, 100, MAX_SEEDS).expect("the default seed range is valid"),
        Some(node) => seed_range(ctx, node)?,
    };
    // Default: an hour of calm, or a tenth of a shorter scenario.
    let quiet_period = match &raw.quiet_period {
        None => HOUR.min(duration / 10),
        Some(node) => {
            let quiet = ctx.any_duration("scenario.quiet_period", node)?;
            if quiet >= duration {
                let expected = format!("shorter than `scenario.duration` = {}", format_duration(duration));
                return Err(ctx.out_of_range("scenario.quiet_period", node, expected));
            }
            quiet
        }
    };
    let epoch = raw
        .epoch
        .as_ref()
        .map(|node| epoch(ctx, node))
        .transpose()?
        .unwrap_or(Instant::SCENARIO_EPOCH);
    Ok(Meta {
        name,
        description: description.unwrap_or_default(),
        duration,
        seeds,
        quiet_period,
        epoch,
        #[cfg(feature = "mutants")]
        mutant: raw.mutant.as_ref().map(|node| mutant(ctx, node)).transpose()?,
    })
}

/// `scenario.mutant`: a mutant's name, in a build with the `mutants` feature.
#[cfg(feature = "mutants")]
fn mutant(ctx: &Ctx<'_>, node: &Node) -> Result<sessionlab_proto::mutant::Mutant> {
    let name = ctx.text("scenario.mutant", node)?;
    name.parse().map_err(|error: sessionlab_proto::mutant::UnknownMutant| {
        ctx.error(&node.span, Problem::Invalid(error.to_string()))
    })
}

fn seed_range(ctx: &Ctx<'_>, node: &Node) -> Result<SeedRange> {
    let NodeValue::String(text) = &node.value else {
        return Err(ctx.wrong_type("scenario.seeds", node, "a range such as \"0..100\""));
    };
    SeedRange::parse(text, MAX_SEEDS).map_err(|error| {
        ctx.error(
            &node.span,
            Problem::Invalid(format!("`scenario.seeds` = {node} is {error}")),
        )
    })
}

fn epoch(ctx: &Ctx<'_>, value: &Spanned<toml::Value>) -> Result<Instant> {
    let span = value.span();
    let text = match value.get_ref() {
        toml::Value::Datetime(datetime) => datetime.to_string(),
        toml::Value::String(text) => text.clone(),
        other => {
            let message = format!(
                "`scenario.epoch` must be a date-time such as 2026-01-01T00:00:00Z, found a {}",
                other.type_str()
            );
            return Err(ctx.error(&span, Problem::WrongType(message)));
        }
    };
    parse_epoch(&text).map_err(|error| ctx.error(&span, Problem::Invalid(format!("`scenario.epoch`: {error}"))))
}

/// A per-seed duration in `min..=max`.
fn duration_setting(
    ctx: &mut Ctx<'_>,
    path: &str,
    node: Option<&Node>,
    default: Duration,
    min: Duration,
    max: Duration,
) -> Result<super::sampled::Sampled<Duration>> {
    ctx.sampled(path, node, default, true, |ctx, key, node| {
        ctx.duration(key, node, min, max)
    })
}

/// A per-seed whole number in `min..=max`.
fn count_setting(
    ctx: &mut Ctx<'_>,
    path: &str,
    node: Option<&Node>,
    default: u64,
    (min, max): (u64, u64),
) -> Result<super::sampled::Sampled<u64>> {
    ctx.sampled(path, node, default, true, |ctx, key, node| {
        ctx.integer(key, node, min, max)
    })
}

/// A per-seed boolean (a list `[true, false]` draws one).
fn bool_setting(
    ctx: &mut Ctx<'_>,
    path: &str,
    node: Option<&Node>,
    default: bool,
) -> Result<super::sampled::Sampled<bool>> {
    ctx.sampled(path, node, default, false, |ctx, key, node| ctx.boolean(key, node))
}

/// A per-seed probability.
pub(crate) fn probability_setting(
    ctx: &mut Ctx<'_>,
    path: &str,
    node: Option<&Node>,
    default: Probability,
) -> Result<super::sampled::Sampled<Probability>> {
    ctx.sampled(path, node, default, true, |ctx, key, node| ctx.probability(key, node))
}

fn policy(ctx: &mut Ctx<'_>, raw: &RawPolicy) -> Result<Policy<Spec>> {
    let any = (Duration::ZERO, MAX_DURATION);
    // Every default is the core's own, written once there.
    let core = CorePolicy::default();
    let ttl_default = Duration::from_secs(u64::from(core.authorization_ttl_days) * DAY.as_secs());
    let policy: Policy<Spec> = Policy {
        fresh_reset_window: duration_setting(
            ctx,
            "policy.fresh_reset_window",
            raw.fresh_reset_window.as_ref(),
            core.fresh_reset_window,
            any.0,
            any.1,
        )?,
        authorization_ttl: ctx.sampled(
            "policy.authorization_ttl",
            raw.authorization_ttl.as_ref(),
            ttl_default,
            true,
            |ctx, key, node| ctx.whole_days(key, node),
        )?,
        autoconfirm_period: duration_setting(
            ctx,
            "policy.autoconfirm_period",
            raw.autoconfirm_period.as_ref(),
            core.autoconfirm_period,
            any.0,
            any.1,
        )?,
        unconfirmed_can_reset: bool_setting(
            ctx,
            "policy.unconfirmed_can_reset",
            raw.unconfirmed_can_reset.as_ref(),
            core.unconfirmed_can_reset,
        )?,
        unconfirmed_can_accept_login_token: bool_setting(
            ctx,
            "policy.unconfirmed_can_accept_login_token",
            raw.unconfirmed_can_accept_login_token.as_ref(),
            core.unconfirmed_can_accept_login_token,
        )?,
        terminate_all_limit: count_setting(
            ctx,
            "policy.terminate_all_limit",
            raw.terminate_all_limit.as_ref(),
            u64::from(core.terminate_all_limit),
            (0, MAX_TERMINATE_ALL_LIMIT),
        )?,
        revocation: ctx.sampled(
            "policy.revocation",
            raw.revocation.as_ref(),
            core.revocation,
            false,
            |ctx, key, node| ctx.revocation(key, node),
        )?,
        temp_key_lifetime: duration_setting(
            ctx,
            "policy.temp_key_lifetime",
            raw.temp_key_lifetime.as_ref(),
            core.temp_key_lifetime,
            any.0,
            any.1,
        )?,
        notify_new_login: bool_setting(
            ctx,
            "policy.notify_new_login",
            raw.notify_new_login.as_ref(),
            core.notify_new_login,
        )?,
        pts_limit: count_setting(
            ctx,
            "policy.pts_limit",
            raw.pts_limit.as_ref(),
            u64::from(DEFAULT_PTS_LIMIT),
            (1, MAX_PTS_LIMIT),
        )?,
        pts_total_limit: count_setting(
            ctx,
            "policy.pts_total_limit",
            raw.pts_total_limit.as_ref(),
            u64::from(DEFAULT_PTS_TOTAL_LIMIT),
            (1, MAX_PTS_LIMIT),
        )?,
        login_token_lifetime: duration_setting(
            ctx,
            "policy.login_token_lifetime",
            raw.login_token_lifetime.as_ref(),
            core.login_token_lifetime,
            Duration::from_secs(1),
            DAY,
        )?,
        future_auth_token_limit: count_setting(
            ctx,
            "policy.future_auth_token_limit",
            raw.future_auth_token_limit.as_ref(),
            core.max_future_tokens as u64,
            (0, MAX_FUTURE_AUTH_TOKENS),
        )?,
        duplicate_key: ctx.sampled(
            "policy.duplicate_key",
            raw.duplicate_key.as_ref(),
            core.duplicate_key,
            false,
            |ctx, key, node| ctx.duplicate_key(key, node),
        )?,
    };
    // Every draw must keep a slice no larger than the too-long threshold.
    let largest_slice = policy.pts_limit.extremes().into_iter().max().copied().unwrap_or(0);
    let smallest_total = policy
        .pts_total_limit
        .extremes()
        .into_iter()
        .min()
        .copied()
        .unwrap_or(0);
    if largest_slice > smallest_total {
        let span = ctx
            .setting_span("policy.pts_limit", raw.pts_limit.as_ref())
            .unwrap_or_default();
        let problem = Problem::OutOfRange {
            key: "policy.pts_limit".into(),
            value: largest_slice.to_string(),
            expected: format!("at most `policy.pts_total_limit` = {smallest_total}"),
        };
        return Err(ctx.error(&span, problem));
    }
    Ok(policy)
}

fn datacenters(ctx: &mut Ctx<'_>, raw: &RawDatacenters) -> Result<Datacenters<Spec>> {
    // Telegram's production datacenters are numbered 1 to 5.
    let count = count_setting(ctx, "datacenters.count", raw.count.as_ref(), 5, (1, MAX_DATACENTERS))?;
    let inter_dc_latency =
        duration_distribution(ctx, "datacenters.inter_dc_latency", raw.inter_dc_latency.as_ref(), 20)?;
    Ok(Datacenters {
        count,
        inter_dc_latency,
    })
}

fn network(ctx: &mut Ctx<'_>, raw: &RawNetwork) -> Result<Network<Spec>> {
    let latency = duration_distribution(ctx, "network.latency", raw.latency.as_ref(), 50)?;
    let loss = probability_setting(ctx, "network.loss", raw.loss.as_ref(), Probability::ZERO)?;
    let duplicate = probability_setting(ctx, "network.duplicate", raw.duplicate.as_ref(), Probability::ZERO)?;
    let reorder = probability_setting(ctx, "network.reorder", raw.reorder.as_ref(), Probability::ZERO)?;
    let clock_skew = match &raw.clock_skew {
        None => OffsetDistribution::Constant(SignedDuration::ZERO),
        Some(node) => ctx.distribution("network.clock_skew", node, |ctx, key, node| ctx.offset(key, node))?,
    };
    Ok(Network {
        latency,
        loss,
        duplicate,
        reorder,
        clock_skew,
    })
}

/// A latency distribution, constant `default_ms` when absent.
fn duration_distribution(
    ctx: &Ctx<'_>,
    key: &str,
    node: Option<&Node>,
    default_ms: u64,
) -> Result<DurationDistribution> {
    match node {
        None => Ok(DurationDistribution::Constant(Duration::from_millis(default_ms))),
        Some(node) => ctx.distribution(key, node, |ctx, key, node| ctx.any_duration(key, node)),
    }
}
