//! The one metrics table: every metric a run reports, one row each — a
//! typed id ([`MetricId`]), its CSV column name, unit, kind and meaning.
//!
//! Everything else iterates this table: `[expect]` keys are looked up in
//! it, `list-metrics` prints it, the reports write their columns in its
//! order, and a run fills a [`MetricRow`] by an exhaustive `match` on
//! [`MetricId`] (`world::outcome`), so a metric missing or misspelled
//! anywhere is a compile error rather than an empty column.

use std::fmt;

/// What kind of value a metric holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// A number (count, bytes, milliseconds, ratio).
    Number,
    /// true or false.
    Bool,
}

/// One row of the table: a metric's id, CSV column name, unit, kind and
/// one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    pub id: MetricId,
    pub name: &'static str,
    pub unit: &'static str,
    pub kind: MetricKind,
    pub meaning: &'static str,
}

/// Declares [`MetricId`] and [`METRICS`] from one list of rows, so the
/// enum and the table cannot drift apart.
macro_rules! metric_table {
    ($($id:ident: $name:literal, $unit:literal, $kind:ident, $meaning:literal;)+) => {
        /// A metric's typed id, in CSV column order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum MetricId {
            $(#[doc = $meaning] $id,)+
        }

        impl MetricId {
            /// Every metric, in CSV column order.
            pub const ALL: &'static [MetricId] = &[$(MetricId::$id,)+];
        }

        /// Every metric, in CSV column order (`METRICS[id as usize].id == id`).
        pub const METRICS: &[Metric] = &[$(Metric {
            id: MetricId::$id,
            name: $name,
            unit: $unit,
            kind: MetricKind::$kind,
            meaning: $meaning,
        },)+];
    };
}

metric_table! {
    Seed: "seed", "id", Number, "the seed of this run";
    Accounts: "accounts", "count", Number, "accounts simulated";
    Devices: "devices", "count", Number, "devices simulated";
    AuthorizationsCreated: "authorizations_created", "count", Number,
        "authorizations created (logins, QR logins, imports)";
    AuthorizationsRevoked: "authorizations_revoked", "count", Number,
        "authorizations terminated for any reason";
    SyncBytesUp: "sync_bytes_up", "bytes", Number,
        "bytes of the packets owner devices put on the wire that carried sync, each packet's whole encoded length (auth_key_id, msg_key, envelope, padding) split over its messages by their encoded lengths, the sync part counted: updates.getState, updates.getDifference and messages.getHistory (every send, resends and re-issues included), and acks, msg_resend_req and msgs_state_req for the part of their ids that are sync messages";
    SyncBytesDown: "sync_bytes_down", "bytes", Number,
        "bytes of the packets owner devices received and decrypted that carried sync, split the same way (duplicate copies included): pushed updates, updatesCombined and updatesTooLong, answers and refusals (rpc_result, rpc_error, bad_msg_notification, bad_server_salt, msg_detailed_info) naming a sync request, and the server's acks for the part of their ids that are sync requests";
    SyncPayloadBytes: "sync_payload_bytes", "bytes", Number,
        "bytes of the updates themselves, once per device";
    SyncOverheadRatio: "sync_overhead_ratio", "ratio", Number,
        "(sync_bytes_up + sync_bytes_down) / sync_payload_bytes";
    DifferenceCalls: "difference_calls", "count", Number, "updates.getDifference calls";
    DifferenceSlices: "difference_slices", "count", Number,
        "differenceSlice answers (partial, call again)";
    DifferenceTooLong: "difference_too_long", "count", Number,
        "differenceTooLong answers (each followed by updates.getState and a messages.getHistory page)";
    GapsDetected: "gaps_detected", "count", Number,
        "pts gaps a client detected (seq gaps between pushed containers are not counted here)";
    PushLatencyP50Ms: "push_latency_p50_ms", "ms", Number,
        "nearest-rank median, over each (owner device, update created while that device was connected and logged in: since it connected, or since its login completed if it was logging in), of the time from the server creating the update to the device applying it (pushed, or fetched after a gap), on the simulator's true clock; 0 when there is none";
    PushLatencyP99Ms: "push_latency_p99_ms", "ms", Number, "nearest-rank 99th percentile of the same";
    CatchUpP50Ms: "catch_up_p50_ms", "ms", Number,
        "nearest-rank median, over each time an owner device connected and then caught up before disconnecting, of the time from connecting (for a device logging in, from its login completing) to being caught up (synced, nothing in flight, nothing buffered beyond a gap), on the simulator's true clock; 0 when there is none";
    CatchUpP99Ms: "catch_up_p99_ms", "ms", Number, "nearest-rank 99th percentile of the same";
    SyncConverged: "sync_converged", "bool", Bool,
        "after the quiet period every online device holds exactly the server's updates";
    UpdatesLost: "updates_lost", "count", Number, "updates a device never got by the end";
    UpdatesDuplicated: "updates_duplicated", "count", Number, "updates a device applied twice";
    MessagesSent: "messages_sent", "count", Number,
        "packets handed to the network by anyone: each client or datacenter packet once (one MTProto envelope; a container of many messages is one packet), each inter-DC message and each replayed copy";
    MessagesLost: "messages_lost", "count", Number,
        "packet copies the network dropped: link loss, partitions, datacenter outages and packets to an offline device";
    BadMsgNotifications: "bad_msg_notifications", "count", Number,
        "bad_msg_notification and bad_server_salt answers";
    Resends: "resends", "count", Number,
        "client transport retransmissions, each counted once: every send of a message after its first, under the same msg_id (no acknowledgement in time) or a new one (re-issued after a bad-message answer, or moved into a restarted session)";
    AttackerRequests: "attacker_requests", "count", Number, "requests attackers sent";
    AttackerRequestsAccepted: "attacker_requests_accepted", "count", Number,
        "attacker requests a datacenter accepted";
    ReplayedPackets: "replayed_packets", "count", Number,
        "captured packets attackers re-injected (reordered and stale copies)";
    ReplaysAccepted: "replays_accepted", "count", Number,
        "replayed packets a datacenter processed (their original was lost); twice is a violation";
    LogoutBypasses: "logout_bypasses", "count", Number,
        "requests accepted under a key after its revocation was committed";
    MaxBypassWindowMs: "max_bypass_window_ms", "ms", Number,
        "longest time from a revocation to an accepted bypass";
    OracleViolations: "oracle_violations", "count", Number,
        "broken promises (bugs), one per finding: a bypass beyond the policy's window, a terminated device that did not wipe, a temp key still bound after its permanent key's authorization ended, an authorization alive at the end although idle beyond its TTL (plus 60 s), and one each for replayed packets processed twice and for events the bounded queue dropped";
    FootholdsMinted: "footholds_minted", "count", Number,
        "authorizations attackers minted (QR login, future tokens)";
    SurvivingFootholds: "surviving_footholds", "count", Number,
        "attacker access still working at the end: keys an attacker's app holds that their datacenter still accepts for the target account, one per (app, datacenter)";
    UpdatesExfiltratedAfterRevocation: "updates_exfiltrated_after_revocation", "count", Number,
        "updates attackers read after a revocation";
    DetectionTruePositives: "detection_true_positives", "count", Number,
        "attacker sessions an audit flagged";
    DetectionFalsePositives: "detection_false_positives", "count", Number,
        "owner sessions an audit flagged";
    DetectionPrecision: "detection_precision", "ratio", Number,
        "detection_true_positives / (detection_true_positives + detection_false_positives): of the sessions owners terminated as suspicious (an audit, or a denied login), the share an attacker held, by the simulator's ground truth; 1 when none was terminated";
    DetectionRecall: "detection_recall", "ratio", Number,
        "of the distinct authorizations attackers held (stolen or minted), the share owners terminated as suspicious (an audit, or a denied login); 1 when attackers held none";
    DevicesWiped: "devices_wiped", "count", Number, "terminated devices that wiped their data";
    AccountsCompromisedAtEnd: "accounts_compromised_at_end", "count", Number,
        "accounts with at least one surviving foothold at the end (a key an attacker's app holds that its datacenter still accepts for the account)";
    EvictionP50Ms: "eviction_p50_ms", "ms", Number,
        "nearest-rank median of evicted_at_ms - acquired_at_ms over the rows of attackers.csv with an evicted_at_ms: from the attacker's acquisition (it copied a live authorization of the account, or its own login completed) to the home DC's commit of the revocation of the last authorization of the account it held, when every one was revoked by the end; 0 when none was evicted";
    EvictionP99Ms: "eviction_p99_ms", "ms", Number,
        "nearest-rank 99th percentile of the same; 0 when none was evicted";
    AttacksNotStarted: "attacks_not_started", "count", Number,
        "(attacker, target account) pairs whose acquisition found nothing to take: a stolen_key, session_file or stolen_device attacker whose target has no device of that kind, or whose device is lost or logged out at the acquisition time; such a pair has a row in attackers.csv with no acquired_at_ms";
    OwnerRequestsAbandoned: "owner_requests_abandoned", "count", Number,
        "requests an owner asked for (owner actions such as terminate all, audits, answers to a new login) that never got an answer: the app sent each up to 3 times (120 s apart, each with the transport's resends) and the owner asked again 10 minutes later, up to 3 times in all; plus logins the owner gave up after 3 failed starts";
}

/// How many metrics there are.
pub const METRIC_COUNT: usize = METRICS.len();

impl MetricId {
    /// This metric's row of [`METRICS`].
    pub fn spec(self) -> &'static Metric {
        &METRICS[self as usize]
    }

    /// The CSV column name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The metric whose column is called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<MetricId> {
        METRICS
            .iter()
            .find(|metric| metric.name == name)
            .map(|metric| metric.id)
    }
}

impl fmt::Display for MetricId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An observed metric value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricValue {
    Number(f64),
    Bool(bool),
}

impl MetricValue {
    /// The value as a number: booleans count as 1 (true) and 0 (false).
    pub fn as_number(self) -> f64 {
        match self {
            MetricValue::Number(number) => number,
            MetricValue::Bool(flag) => f64::from(u8::from(flag)),
        }
    }
}

impl From<f64> for MetricValue {
    fn from(value: f64) -> MetricValue {
        MetricValue::Number(value)
    }
}

impl From<u64> for MetricValue {
    fn from(value: u64) -> MetricValue {
        MetricValue::Number(value as f64)
    }
}

impl From<bool> for MetricValue {
    fn from(value: bool) -> MetricValue {
        MetricValue::Bool(value)
    }
}

impl fmt::Display for MetricValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricValue::Number(value) => write!(f, "{value}"),
            MetricValue::Bool(value) => write!(f, "{value}"),
        }
    }
}

/// One run's value for every metric, indexed by [`MetricId`]: a row has no
/// missing or extra column by construction.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    values: [MetricValue; METRIC_COUNT],
}

impl MetricRow {
    /// The row whose value for each metric is `value(id)`.
    pub fn from_fn(mut value: impl FnMut(MetricId) -> MetricValue) -> MetricRow {
        MetricRow {
            values: std::array::from_fn(|index| value(MetricId::ALL[index])),
        }
    }

    /// The value of `id`.
    pub fn get(&self, id: MetricId) -> MetricValue {
        self.values[id as usize]
    }

    /// The value of `id` as a number (booleans as 0/1).
    pub fn number(&self, id: MetricId) -> f64 {
        self.get(id).as_number()
    }

    /// The value of the metric called `name`, if there is such a metric.
    pub fn by_name(&self, name: &str) -> Option<MetricValue> {
        MetricId::from_name(name).map(|id| self.get(id))
    }

    /// Every (metric, value), in CSV column order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Metric, MetricValue)> + '_ {
        METRICS.iter().zip(self.values.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn each_row_sits_at_its_ids_index_and_names_are_unique() {
        assert_eq!(MetricId::ALL.len(), METRICS.len());
        for (index, metric) in METRICS.iter().enumerate() {
            assert_eq!(metric.id as usize, index);
            assert_eq!(MetricId::ALL[index], metric.id);
            assert_eq!(metric.id.spec(), metric);
            assert_eq!(MetricId::from_name(metric.name), Some(metric.id));
        }
        let unique: BTreeSet<_> = METRICS.iter().map(|metric| metric.name).collect();
        assert_eq!(unique.len(), METRICS.len());
    }

    #[test]
    fn design_section_6_metrics_are_all_present() {
        for name in [
            "seed",
            "sync_overhead_ratio",
            "logout_bypasses",
            "surviving_footholds",
            "devices_wiped",
            "accounts_compromised_at_end",
            "eviction_p50_ms",
            "eviction_p99_ms",
            "owner_requests_abandoned",
            "detection_precision",
            "detection_recall",
            "push_latency_p50_ms",
            "push_latency_p99_ms",
            "catch_up_p50_ms",
            "catch_up_p99_ms",
        ] {
            assert!(MetricId::from_name(name).is_some(), "{name}");
        }
        assert_eq!(METRIC_COUNT, 44);
        assert_eq!(MetricId::SyncConverged.spec().kind, MetricKind::Bool);
        assert_eq!(MetricId::from_name("nope"), None);
        assert_eq!(
            MetricId::from_name("convergence_p50_ms"),
            None,
            "replaced by the latency split"
        );
        assert_eq!(MetricId::MaxBypassWindowMs.to_string(), "max_bypass_window_ms");
    }

    #[test]
    fn a_row_holds_one_value_per_metric_in_column_order() {
        let row = MetricRow::from_fn(|id| MetricValue::Number(id as usize as f64));
        assert_eq!(row.get(MetricId::Resends), MetricValue::Number(23.0));
        assert_eq!(row.by_name("resends"), Some(MetricValue::Number(23.0)));
        assert_eq!(row.by_name("nope"), None);
        let names: Vec<_> = row.iter().map(|(metric, _)| metric.name).collect();
        let expected: Vec<_> = METRICS.iter().map(|metric| metric.name).collect();
        assert_eq!(names, expected);
        assert_eq!(MetricValue::Bool(true).as_number(), 1.0);
        assert_eq!(MetricValue::Bool(false).as_number(), 0.0);
    }
}
