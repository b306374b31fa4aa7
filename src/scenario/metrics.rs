//! The metrics a run reports (one CSV column each), with unit and meaning.
//!
//! This is the one list: `[expect]` keys are checked against it, the
//! command line's `list-metrics` prints it, and the report writes its columns
//! in this order.

/// What kind of value a metric holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// A number (count, bytes, milliseconds, ratio).
    Number,
    /// true or false.
    Bool,
}

/// One metric: its CSV column name, unit and one-line meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    pub name: &'static str,
    pub unit: &'static str,
    pub kind: MetricKind,
    pub meaning: &'static str,
}

const fn number(name: &'static str, unit: &'static str, meaning: &'static str) -> Metric {
    Metric {
        name,
        unit,
        kind: MetricKind::Number,
        meaning,
    }
}

/// Every metric, in CSV column order.
pub const METRICS: &[Metric] = &[
    number("seed", "id", "the seed of this run"),
    number("accounts", "count", "accounts simulated"),
    number("devices", "count", "devices simulated"),
    number(
        "authorizations_created",
        "count",
        "authorizations created (logins, QR logins, imports)",
    ),
    number(
        "authorizations_revoked",
        "count",
        "authorizations terminated for any reason",
    ),
    number(
        "sync_bytes_up",
        "bytes",
        "bytes devices sent for sync (getState, getDifference, acks)",
    ),
    number(
        "sync_bytes_down",
        "bytes",
        "bytes devices received for sync (updates, differences)",
    ),
    number(
        "sync_payload_bytes",
        "bytes",
        "bytes of the updates themselves, once per device",
    ),
    number(
        "sync_overhead_ratio",
        "ratio",
        "(sync_bytes_up + sync_bytes_down) / sync_payload_bytes",
    ),
    number("difference_calls", "count", "updates.getDifference calls"),
    number(
        "difference_slices",
        "count",
        "differenceSlice answers (partial, call again)",
    ),
    number(
        "difference_too_long",
        "count",
        "differenceTooLong answers (full resync)",
    ),
    number("gaps_detected", "count", "pts gaps a client detected"),
    number(
        "convergence_p50_ms",
        "ms",
        "median time from an update to its arrival on every online device",
    ),
    number("convergence_p99_ms", "ms", "99th percentile of the same"),
    Metric {
        name: "sync_converged",
        unit: "bool",
        kind: MetricKind::Bool,
        meaning: "after the quiet period every online device holds exactly the server's updates",
    },
    number("updates_lost", "count", "updates a device never got by the end"),
    number("updates_duplicated", "count", "updates a device applied twice"),
    number("messages_sent", "count", "MTProto messages sent by anyone"),
    number("messages_lost", "count", "messages the network dropped"),
    number(
        "bad_msg_notifications",
        "count",
        "bad_msg_notification and bad_server_salt answers",
    ),
    number(
        "resends",
        "count",
        "messages resent after a timeout or a bad-message answer",
    ),
    number("attacker_requests", "count", "requests attackers sent"),
    number(
        "attacker_requests_accepted",
        "count",
        "attacker requests a datacenter accepted",
    ),
    number(
        "replayed_packets",
        "count",
        "captured packets attackers re-injected (reordered and stale copies)",
    ),
    number(
        "replays_accepted",
        "count",
        "replayed packets a datacenter processed (their original was lost); twice is a violation",
    ),
    number(
        "logout_bypasses",
        "count",
        "requests accepted under a key after its revocation was committed",
    ),
    number(
        "max_bypass_window_ms",
        "ms",
        "longest time from a revocation to an accepted bypass",
    ),
    number(
        "oracle_violations",
        "count",
        "broken promises (bugs): bypasses beyond the policy's window, terminated devices that did not wipe, replayed messages processed twice",
    ),
    number(
        "footholds_minted",
        "count",
        "authorizations attackers minted (QR login, future tokens)",
    ),
    number(
        "surviving_footholds",
        "count",
        "attacker access still working at the end",
    ),
    number(
        "updates_exfiltrated_after_revocation",
        "count",
        "updates attackers read after a revocation",
    ),
    number(
        "detection_true_positives",
        "count",
        "attacker sessions an audit flagged",
    ),
    number("detection_false_positives", "count", "owner sessions an audit flagged"),
    number("devices_wiped", "count", "terminated devices that wiped their data"),
];

/// The metric names alone, in the same order as [`METRICS`].
pub const METRIC_NAMES: &[&str] = &names();

const METRIC_COUNT: usize = METRICS.len();

const fn names() -> [&'static str; METRIC_COUNT] {
    let mut names = [""; METRIC_COUNT];
    let mut index = 0;
    while index < METRIC_COUNT {
        names[index] = METRICS[index].name;
        index += 1;
    }
    names
}

/// The metric called `name`, if there is one.
pub fn metric(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|metric| metric.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_follow_metrics_and_are_unique() {
        assert_eq!(METRIC_NAMES.len(), METRICS.len());
        assert!(METRICS
            .iter()
            .zip(METRIC_NAMES)
            .all(|(metric, name)| metric.name == *name));
        let unique: BTreeSet<_> = METRIC_NAMES.iter().collect();
        assert_eq!(unique.len(), METRIC_NAMES.len());
    }

    #[test]
    fn design_section_6_metrics_are_all_present() {
        for name in [
            "seed",
            "sync_overhead_ratio",
            "logout_bypasses",
            "surviving_footholds",
            "devices_wiped",
        ] {
            assert!(metric(name).is_some(), "{name}");
        }
        assert_eq!(METRIC_NAMES.len(), 35);
        assert_eq!(metric("sync_converged").map(|m| m.kind), Some(MetricKind::Bool));
        assert_eq!(metric("nope"), None);
    }
}
