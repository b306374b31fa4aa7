//! The figures a run ends with, and the one mapping from each metric of the
//! table to its value: an exhaustive `match` on [`MetricId`], so a metric
//! added to the table without a value here does not compile.

use crate::engine::percentile::nearest_rank;
use crate::scenario::{MetricId, MetricValue};

use super::outcome::Counters;

/// Everything the metric row of one run is computed from.
pub(super) struct Tally<'run> {
    pub seed: u64,
    pub accounts: u64,
    /// Owner devices (attackers' apps are not counted).
    pub devices: u64,
    pub counters: &'run Counters,
    /// Push latencies (an update created while the device was connected:
    /// creation → application), µs, sorted.
    pub push_latencies_sorted_micros: &'run [u64],
    /// Catch-up times (connect → first caught up), µs, sorted.
    pub catch_up_sorted_micros: &'run [u64],
    pub converged: bool,
    pub updates_lost: u64,
    pub updates_duplicated: u64,
    pub messages_sent: u64,
    pub messages_lost: u64,
    /// Bypasses by attackers (owners' own late requests are not counted).
    pub logout_bypasses: u64,
    pub max_bypass_window_ms: f64,
    pub oracle_violations: u64,
    pub surviving_footholds: u64,
    /// Accounts with a surviving foothold of some attacker.
    pub accounts_compromised_at_end: u64,
    /// Acquisition → eviction of evicted (attacker, account) pairs, µs, sorted.
    pub evictions_sorted_micros: &'run [u64],
    /// Distinct authorizations attackers held.
    pub attacker_authorizations: u64,
    /// Of those, how many owners terminated as suspicious.
    pub attacker_authorizations_detected: u64,
}

impl Tally<'_> {
    /// The value of metric `id` for this run.
    pub fn value(&self, id: MetricId) -> MetricValue {
        let counters = self.counters;
        let sync = &counters.sync;
        let count = |value: u64| MetricValue::Number(value as f64);
        match id {
            MetricId::Seed => count(self.seed),
            MetricId::Accounts => count(self.accounts),
            MetricId::Devices => count(self.devices),
            MetricId::AuthorizationsCreated => count(counters.authorizations_created),
            MetricId::AuthorizationsRevoked => count(counters.authorizations_revoked),
            MetricId::SyncBytesUp => count(sync.bytes_up),
            MetricId::SyncBytesDown => count(sync.bytes_down),
            MetricId::SyncPayloadBytes => count(sync.payload_bytes_applied),
            MetricId::SyncOverheadRatio => MetricValue::Number(self.overhead_ratio()),
            MetricId::DifferenceCalls => count(sync.difference_calls),
            MetricId::DifferenceSlices => count(sync.difference_slices),
            MetricId::DifferenceTooLong => count(sync.difference_too_long),
            MetricId::GapsDetected => count(sync.gaps_detected),
            MetricId::PushLatencyP50Ms => MetricValue::Number(percentile_ms(self.push_latencies_sorted_micros, 0.50)),
            MetricId::PushLatencyP99Ms => MetricValue::Number(percentile_ms(self.push_latencies_sorted_micros, 0.99)),
            MetricId::CatchUpP50Ms => MetricValue::Number(percentile_ms(self.catch_up_sorted_micros, 0.50)),
            MetricId::CatchUpP99Ms => MetricValue::Number(percentile_ms(self.catch_up_sorted_micros, 0.99)),
            MetricId::SyncConverged => MetricValue::Bool(self.converged),
            MetricId::UpdatesLost => count(self.updates_lost),
            MetricId::UpdatesDuplicated => count(self.updates_duplicated),
            MetricId::MessagesSent => count(self.messages_sent),
            MetricId::MessagesLost => count(self.messages_lost),
            MetricId::BadMsgNotifications => count(counters.bad_msg_notifications),
            MetricId::Resends => count(counters.resends),
            MetricId::AttackerRequests => count(counters.attacker_requests),
            MetricId::AttackerRequestsAccepted => count(counters.attacker_requests_accepted),
            MetricId::ReplayedPackets => count(counters.replayed_packets),
            MetricId::ReplaysAccepted => count(counters.replays_accepted),
            MetricId::LogoutBypasses => count(self.logout_bypasses),
            MetricId::MaxBypassWindowMs => MetricValue::Number(self.max_bypass_window_ms),
            MetricId::OracleViolations => count(self.oracle_violations),
            MetricId::FootholdsMinted => count(counters.footholds_minted),
            MetricId::SurvivingFootholds => count(self.surviving_footholds),
            MetricId::UpdatesExfiltratedAfterRevocation => count(counters.updates_exfiltrated_after_revocation),
            MetricId::DetectionTruePositives => count(counters.detection_true_positives),
            MetricId::DetectionFalsePositives => count(counters.detection_false_positives),
            MetricId::DetectionPrecision => MetricValue::Number(share_or_one(
                counters.detection_true_positives,
                counters.detection_true_positives + counters.detection_false_positives,
            )),
            MetricId::DetectionRecall => MetricValue::Number(share_or_one(
                self.attacker_authorizations_detected,
                self.attacker_authorizations,
            )),
            MetricId::DevicesWiped => count(counters.devices_wiped),
            MetricId::AccountsCompromisedAtEnd => count(self.accounts_compromised_at_end),
            MetricId::EvictionP50Ms => MetricValue::Number(percentile_ms(self.evictions_sorted_micros, 0.50)),
            MetricId::EvictionP99Ms => MetricValue::Number(percentile_ms(self.evictions_sorted_micros, 0.99)),
            MetricId::OwnerRequestsAbandoned => count(counters.owner_requests_abandoned),
            MetricId::AttacksNotStarted => count(counters.attacks_not_started),
        }
    }

    /// (sync bytes up + down) / payload bytes applied; 0 when nothing was applied.
    fn overhead_ratio(&self) -> f64 {
        let sync = &self.counters.sync;
        if sync.payload_bytes_applied == 0 {
            return 0.0;
        }
        (sync.bytes_up + sync.bytes_down) as f64 / sync.payload_bytes_applied as f64
    }
}

/// `part / whole`, or 1 when `whole` is 0 (nothing to get wrong).
fn share_or_one(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Nearest-rank percentile of sorted µs values, in ms: the value at rank
/// ⌈fraction·n⌉; 0 for no values.
fn percentile_ms(sorted_micros: &[u64], fraction: f64) -> f64 {
    nearest_rank(sorted_micros, fraction).map_or(0.0, |micros| micros as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::MetricRow;

    #[test]
    fn percentiles_are_nearest_rank_in_milliseconds() {
        let micros: Vec<u64> = (1..=10).map(|ms| ms * 1000).collect();
        assert_eq!(percentile_ms(&micros, 0.50), 5.0);
        assert_eq!(percentile_ms(&micros, 0.99), 10.0);
        assert_eq!(percentile_ms(&[1500], 0.5), 1.5);
        assert_eq!(percentile_ms(&[], 0.5), 0.0);
    }

    #[test]
    fn every_metric_gets_the_figure_it_names() {
        let mut counters = Counters {
            resends: 7,
            devices_wiped: 2,
            detection_true_positives: 1,
            detection_false_positives: 3,
            attacks_not_started: 6,
            ..Counters::default()
        };
        counters.sync.bytes_up = 30;
        counters.sync.bytes_down = 70;
        counters.sync.payload_bytes_applied = 50;
        let push_latencies = [2000, 4000];
        let catch_ups = [1000, 5000, 9000];
        let tally = Tally {
            seed: 9,
            accounts: 3,
            devices: 5,
            counters: &counters,
            push_latencies_sorted_micros: &push_latencies,
            catch_up_sorted_micros: &catch_ups,
            converged: true,
            updates_lost: 0,
            updates_duplicated: 1,
            messages_sent: 11,
            messages_lost: 4,
            logout_bypasses: 6,
            max_bypass_window_ms: 12.5,
            oracle_violations: 0,
            surviving_footholds: 8,
            accounts_compromised_at_end: 2,
            evictions_sorted_micros: &[1000, 3000, 250_000],
            attacker_authorizations: 4,
            attacker_authorizations_detected: 1,
        };
        let row = MetricRow::from_fn(|id| tally.value(id));
        let number = |id| row.number(id);
        assert_eq!(number(MetricId::Seed), 9.0);
        assert_eq!(number(MetricId::Devices), 5.0);
        assert_eq!(number(MetricId::SyncOverheadRatio), 2.0);
        assert_eq!(number(MetricId::PushLatencyP50Ms), 2.0);
        assert_eq!(number(MetricId::PushLatencyP99Ms), 4.0);
        assert_eq!(number(MetricId::CatchUpP50Ms), 5.0);
        assert_eq!(number(MetricId::CatchUpP99Ms), 9.0);
        assert_eq!(row.get(MetricId::SyncConverged), MetricValue::Bool(true));
        assert_eq!(number(MetricId::UpdatesDuplicated), 1.0);
        assert_eq!(number(MetricId::MessagesLost), 4.0);
        assert_eq!(number(MetricId::Resends), 7.0);
        assert_eq!(number(MetricId::LogoutBypasses), 6.0);
        assert_eq!(number(MetricId::MaxBypassWindowMs), 12.5);
        assert_eq!(number(MetricId::SurvivingFootholds), 8.0);
        assert_eq!(number(MetricId::DevicesWiped), 2.0);
        assert_eq!(number(MetricId::AccountsCompromisedAtEnd), 2.0);
        assert_eq!(number(MetricId::EvictionP50Ms), 3.0);
        assert_eq!(number(MetricId::EvictionP99Ms), 250.0);
        assert_eq!(number(MetricId::DetectionPrecision), 0.25);
        assert_eq!(number(MetricId::AttacksNotStarted), 6.0);
        assert_eq!(number(MetricId::DetectionRecall), 0.25);
    }

    #[test]
    fn no_payload_means_no_overhead_ratio() {
        let counters = Counters::default();
        let tally = Tally {
            seed: 0,
            accounts: 0,
            devices: 0,
            counters: &counters,
            push_latencies_sorted_micros: &[],
            catch_up_sorted_micros: &[],
            converged: true,
            updates_lost: 0,
            updates_duplicated: 0,
            messages_sent: 0,
            messages_lost: 0,
            logout_bypasses: 0,
            max_bypass_window_ms: 0.0,
            oracle_violations: 0,
            surviving_footholds: 0,
            accounts_compromised_at_end: 0,
            evictions_sorted_micros: &[],
            attacker_authorizations: 0,
            attacker_authorizations_detected: 0,
        };
        assert_eq!(tally.value(MetricId::SyncOverheadRatio), MetricValue::Number(0.0));
        assert_eq!(tally.value(MetricId::EvictionP50Ms), MetricValue::Number(0.0));
        assert_eq!(tally.value(MetricId::EvictionP99Ms), MetricValue::Number(0.0));
        // Nothing terminated, nothing held: nothing got wrong.
        assert_eq!(tally.value(MetricId::DetectionPrecision), MetricValue::Number(1.0));
        assert_eq!(tally.value(MetricId::DetectionRecall), MetricValue::Number(1.0));
    }
}
