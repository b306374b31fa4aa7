//! Typed network counters: what happened to the packets, by cause. Metrics
//! are read from these values, never from logs.

/// Why a packet (or one copy of it) was not delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DropReason {
    /// The link's loss probability struck.
    Loss,
    /// A partition cut the path at send or arrival time.
    Partition,
    /// An end was a datacenter in an outage.
    DcOutage,
    /// An end was a device offline.
    DeviceOffline,
}

/// Counts of the network's decisions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetworkCounters {
    /// Packets handed to the network.
    pub sent: u64,
    /// Bytes of the packets handed to the network.
    pub bytes_sent: u64,
    /// Copies scheduled for delivery (duplicates count twice).
    pub delivered: u64,
    /// Packets that got a second copy.
    pub duplicated: u64,
    /// Copies held back by a reordering delay.
    pub reordered: u64,
    /// Packets lost to the link's loss probability.
    pub lost: u64,
    /// Copies dropped by a partition.
    pub dropped_partition: u64,
    /// Copies dropped by a datacenter outage.
    pub dropped_dc_outage: u64,
    /// Copies dropped because a device was offline.
    pub dropped_device_offline: u64,
}

impl NetworkCounters {
    /// Count one drop.
    pub fn record_drop(&mut self, reason: DropReason) {
        *self.counter_mut(reason) += 1;
    }

    /// Drops for `reason`.
    pub fn dropped(&self, reason: DropReason) -> u64 {
        match reason {
            DropReason::Loss => self.lost,
            DropReason::Partition => self.dropped_partition,
            DropReason::DcOutage => self.dropped_dc_outage,
            DropReason::DeviceOffline => self.dropped_device_offline,
        }
    }

    /// Drops for every reason.
    pub fn dropped_total(&self) -> u64 {
        self.lost + self.dropped_partition + self.dropped_dc_outage + self.dropped_device_offline
    }

    fn counter_mut(&mut self, reason: DropReason) -> &mut u64 {
        match reason {
            DropReason::Loss => &mut self.lost,
            DropReason::Partition => &mut self.dropped_partition,
            DropReason::DcOutage => &mut self.dropped_dc_outage,
            DropReason::DeviceOffline => &mut self.dropped_device_offline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_are_counted_by_reason() {
        let mut counters = NetworkCounters::default();
        counters.record_drop(DropReason::Loss);
        counters.record_drop(DropReason::DcOutage);
        counters.record_drop(DropReason::DcOutage);
        assert_eq!(counters.dropped(DropReason::Loss), 1);
        assert_eq!(counters.dropped(DropReason::DcOutage), 2);
        assert_eq!(counters.dropped(DropReason::Partition), 0);
        assert_eq!(counters.dropped_total(), 3);
    }
}
