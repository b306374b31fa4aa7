//! Scheduled faults: partitions (one-way or two-way), datacenter outages and
//! device offline periods, each active on `[at, at + duration)`.
//!
//! A partition cuts a set of nodes off from the rest: a packet crosses the
//! cut when exactly one of its ends is in the set. `ToDc` cuts only packets
//! leaving the set (toward the datacenters), `FromDc` only packets entering
//! it, `Both` either. Faults are checked in the order given, so when several
//! apply the first one names the drop reason.

use std::collections::BTreeSet;

use crate::engine::network::counters::DropReason;
use crate::engine::network::topology::Node;
use sessionlab_proto::time::Instant;

/// Most faults in one schedule (each packet checks them all).
pub const MAX_FAULTS: usize = 1024;

/// Most nodes one partition holds.
pub const MAX_PARTITION_NODES: usize = 1 << 20;

/// Which packets a partition cuts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Packets in both directions.
    Both,
    /// Packets leaving the partitioned set (devices can't reach the DCs).
    ToDc,
    /// Packets entering the partitioned set (the DCs can't reach the devices).
    FromDc,
}

/// One scheduled fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    Partition {
        at: Instant,
        duration_micros: u64,
        nodes: BTreeSet<Node>,
        direction: Direction,
    },
    DcOutage {
        at: Instant,
        duration_micros: u64,
        dc: u32,
    },
    DeviceOffline {
        at: Instant,
        duration_micros: u64,
        device: u32,
    },
}

/// Why a fault schedule is rejected (faults come from scenario files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    #[error("fault {index} has a zero duration")]
    ZeroDuration { index: usize },
    #[error("partition {index} has no nodes")]
    EmptyPartition { index: usize },
    #[error("partition {index} has {count} nodes, limit {MAX_PARTITION_NODES}")]
    PartitionTooLarge { index: usize, count: usize },
    #[error("{count} faults exceed the limit {MAX_FAULTS}")]
    TooManyFaults { count: usize },
}

impl Fault {
    fn window(&self) -> (Instant, u64) {
        match self {
            Fault::Partition {
                at, duration_micros, ..
            }
            | Fault::DcOutage {
                at, duration_micros, ..
            }
            | Fault::DeviceOffline {
                at, duration_micros, ..
            } => (*at, *duration_micros),
        }
    }

    /// When the fault starts.
    pub fn start(&self) -> Instant {
        self.window().0
    }

    /// When the fault is over (exclusive).
    pub fn end(&self) -> Instant {
        let (at, duration_micros) = self.window();
        Instant::from_unix_micros(at.unix_micros().saturating_add(duration_micros))
    }

    /// Whether the fault is in force at `at`.
    pub fn is_active(&self, at: Instant) -> bool {
        self.start() <= at && at < self.end()
    }

    /// Why this fault drops a packet from `from` to `to`, if it does, ignoring time.
    fn cuts(&self, from: Node, to: Node) -> Option<DropReason> {
        match self {
            Fault::Partition { nodes, direction, .. } => {
                let (from_inside, to_inside) = (nodes.contains(&from), nodes.contains(&to));
                let crosses = match direction {
                    Direction::Both => from_inside != to_inside,
                    Direction::ToDc => from_inside && !to_inside,
                    Direction::FromDc => !from_inside && to_inside,
                };
                crosses.then_some(DropReason::Partition)
            }
            Fault::DcOutage { dc, .. } => {
                let node = Node::Datacenter(*dc);
                (from == node || to == node).then_some(DropReason::DcOutage)
            }
            Fault::DeviceOffline { device, .. } => {
                let node = Node::Device(*device);
                (from == node || to == node).then_some(DropReason::DeviceOffline)
            }
        }
    }

    fn validate(&self, index: usize) -> Result<(), FaultError> {
        if self.window().1 == 0 {
            return Err(FaultError::ZeroDuration { index });
        }
        if let Fault::Partition { nodes, .. } = self {
            if nodes.is_empty() {
                return Err(FaultError::EmptyPartition { index });
            }
            if nodes.len() > MAX_PARTITION_NODES {
                return Err(FaultError::PartitionTooLarge {
                    index,
                    count: nodes.len(),
                });
            }
        }
        Ok(())
    }
}

/// A validated list of faults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultSchedule {
    faults: Vec<Fault>,
}

impl FaultSchedule {
    /// Validate and keep `faults` in the given order.
    pub fn new(faults: Vec<Fault>) -> Result<FaultSchedule, FaultError> {
        if faults.len() > MAX_FAULTS {
            return Err(FaultError::TooManyFaults { count: faults.len() });
        }
        for (index, fault) in faults.iter().enumerate() {
            fault.validate(index)?;
        }
        Ok(FaultSchedule { faults })
    }

    /// The faults, in the given order.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// Why a packet from `from` to `to` at `at` is cut, if it is.
    pub fn cut(&self, at: Instant, from: Node, to: Node) -> Option<DropReason> {
        self.faults
            .iter()
            .filter(|fault| fault.is_active(at))
            .find_map(|fault| fault.cuts(from, to))
    }

    /// When the last fault is over: the start of the quiet period, at the latest.
    pub fn last_end(&self) -> Option<Instant> {
        self.faults.iter().map(Fault::end).max()
    }
}

#[cfg(test)]
mod tests;
