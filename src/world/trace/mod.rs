//! The trace of one run, kept when `replay --trace` asks for it: typed
//! [`TraceEvent`]s, each stamped with the simulated time it happened at,
//! written as JSON Lines through serde (one object per line, `at_ms` and
//! `event` first). `scenarios/README.md` § Trace schema documents it.
//!
//! Time is `at_ms`: simulated milliseconds since the Unix epoch, a JSON
//! number with the microseconds as its fraction (the simulator's clock
//! ticks in µs; a double holds them exactly at these magnitudes). Records
//! are in simulated time order, so `at_ms` never decreases.
//!
//! Faults are not engine events (the network applies them by time), so
//! their starts and ends are queued when the world is built and written
//! just before the first record at or after their time: recording a trace
//! schedules nothing and changes no run.

mod event;
pub mod names;
pub(super) mod notes;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::Write;

use serde::Serialize;
use sessionlab_proto::auth::InterDcMessage;
use sessionlab_proto::time::Instant;

pub use event::*;

use crate::engine::network::{Fault, Node};

/// The schema's version, in the header; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceRecord {
    /// Simulated milliseconds since the Unix epoch (µs as the fraction).
    pub at_ms: f64,
    #[serde(flatten)]
    pub event: TraceEvent,
}

/// `at` in the trace's unit.
pub fn millis(at: Instant) -> f64 {
    at.unix_micros() as f64 / 1000.0
}

/// A run's trace while it is recorded, and after.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    records: Vec<TraceRecord>,
    /// Fault starts and ends not yet reached, in time order.
    pending: VecDeque<(Instant, TraceEvent)>,
    /// The run's accounts (what `replay --account` may name).
    user_ids: BTreeSet<u64>,
    /// (home DC, revocation id) → its account, to attribute the acks.
    revocations: BTreeMap<(u32, u64), u64>,
}

impl Trace {
    /// A trace starting with `header` at `at` (the run's start), with the
    /// starts and ends of `faults` to come.
    pub fn new(at: Instant, header: TraceEvent, faults: Vec<(Instant, TraceEvent)>) -> Trace {
        let user_ids = match &header {
            TraceEvent::Header { accounts, .. } => accounts.iter().map(|account| account.user_id).collect(),
            _ => BTreeSet::new(),
        };
        let mut pending: Vec<(Instant, TraceEvent)> = faults;
        // Stable: at one instant, the schedule's order (an end before a
        // start only when the schedule put it first).
        pending.sort_by_key(|(at, _)| *at);
        Trace {
            records: vec![TraceRecord {
                at_ms: millis(at),
                event: header,
            }],
            pending: pending.into(),
            user_ids,
            revocations: BTreeMap::new(),
        }
    }

    /// Record `event` at `at` (never before the last record's time).
    pub fn push(&mut self, at: Instant, event: TraceEvent) {
        self.flush_until(at);
        self.records.push(TraceRecord {
            at_ms: millis(at),
            event,
        });
    }

    /// Write the fault boundaries up to `at` (the end of the run).
    pub fn flush_until(&mut self, at: Instant) {
        while self.pending.front().is_some_and(|(when, _)| *when <= at) {
            if let Some((when, event)) = self.pending.pop_front() {
                self.records.push(TraceRecord {
                    at_ms: millis(when),
                    event,
                });
            }
        }
    }

    /// `message` as the trace describes it; a `revoke` teaches the trace
    /// its account, which its `revoke_ack` then carries.
    pub fn inter_dc(&mut self, message: &InterDcMessage) -> InterDcEntry {
        use sessionlab_proto::auth::InterDcBody;
        let (from_dc, to_dc) = (message.from.get(), message.to.get());
        let mut entry = InterDcEntry {
            from_dc,
            to_dc,
            message: names::inter_dc_name(&message.body),
            user_id: None,
            revocation_id: None,
            home_hashes: Vec::new(),
        };
        match &message.body {
            InterDcBody::Revoke {
                revocation_id,
                user_id,
                home_hashes,
                ..
            } => {
                self.revocations.insert((from_dc, *revocation_id), user_id.get());
                entry.user_id = Some(user_id.get());
                entry.revocation_id = Some(*revocation_id);
                entry.home_hashes = home_hashes.iter().map(|hash| Hex16::from(*hash)).collect();
            }
            InterDcBody::RevokeAck { revocation_id } => {
                entry.user_id = self.revocations.get(&(to_dc, *revocation_id)).copied();
                entry.revocation_id = Some(*revocation_id);
            }
            InterDcBody::Validate { user_id, .. } | InterDcBody::ValidateReply { user_id, .. } => {
                entry.user_id = Some(user_id.get());
            }
            InterDcBody::LoginTokenAccepted { .. } => {}
        }
        entry
    }

    /// Every record, the header first.
    pub fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    /// Whether `user_id` is an account of the run.
    pub fn has_account(&self, user_id: u64) -> bool {
        self.user_ids.contains(&user_id)
    }

    /// The records `replay --account` keeps: the header (saying so), the
    /// account's events and the run-wide ones ([`TraceEvent::user_id`]).
    pub fn filtered(&self, account: Option<u64>) -> impl Iterator<Item = TraceRecord> + '_ {
        self.records
            .iter()
            .filter_map(move |record| match (&record.event, account) {
                (_, None) => Some(record.clone()),
                (TraceEvent::Header { .. }, Some(user_id)) => {
                    let mut header = record.clone();
                    if let TraceEvent::Header { account_filter, .. } = &mut header.event {
                        *account_filter = Some(user_id);
                    }
                    Some(header)
                }
                (event, Some(user_id)) => match event.user_id() {
                    Some(other) if other != user_id => None,
                    _ => Some(record.clone()),
                },
            })
    }

    /// Write the kept records as JSON Lines.
    pub fn write_jsonl(&self, out: &mut dyn Write, account: Option<u64>) -> std::io::Result<()> {
        for record in self.filtered(account) {
            serde_json::to_writer(&mut *out, &record)?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }

    /// The trace as JSON Lines, one string per record (for tests and tools).
    pub fn lines(&self) -> Vec<String> {
        self.records
            .iter()
            .map(|record| serde_json::to_string(record).unwrap_or_default())
            .collect()
    }
}

/// The start and end records of each fault of a schedule; `user_of`
/// names the account of an owner's device (an app index).
pub fn fault_boundaries(faults: &[Fault], user_of: impl Fn(usize) -> Option<u64>) -> Vec<(Instant, TraceEvent)> {
    let mut boundaries = Vec::new();
    for (index, fault) in faults.iter().enumerate() {
        let (at, duration_micros, entry) = match fault {
            Fault::DcOutage {
                at,
                duration_micros,
                dc,
            } => (
                *at,
                *duration_micros,
                FaultEntry {
                    fault: index,
                    kind: "dc_outage",
                    dc: Some(*dc),
                    apps: Vec::new(),
                    direction: None,
                    user_id: None,
                },
            ),
            Fault::Partition {
                at,
                duration_micros,
                nodes,
                direction,
            } => (
                *at,
                *duration_micros,
                FaultEntry {
                    fault: index,
                    kind: "partition",
                    dc: None,
                    apps: nodes
                        .iter()
                        .filter_map(|node| match node {
                            Node::Device(id) => Some(*id as usize),
                            _ => None,
                        })
                        .collect(),
                    direction: Some(names::direction_name(*direction)),
                    user_id: None,
                },
            ),
            Fault::DeviceOffline {
                at,
                duration_micros,
                device,
            } => {
                let app = *device as usize;
                (
                    *at,
                    *duration_micros,
                    FaultEntry {
                        fault: index,
                        kind: "device_offline",
                        dc: None,
                        apps: vec![app],
                        direction: None,
                        user_id: user_of(app),
                    },
                )
            }
        };
        let end = at.saturating_add(std::time::Duration::from_micros(duration_micros));
        boundaries.push((at, TraceEvent::FaultStarted(entry.clone())));
        boundaries.push((end, TraceEvent::FaultEnded(entry)));
    }
    boundaries
}
