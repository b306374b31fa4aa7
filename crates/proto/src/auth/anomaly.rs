//! The four anomaly signals of seed 003, computed per authorization for the
//! session list: a device model the account never used, an app version far
//! older than the newest seen, travel faster than possible relative to the
//! owner's older confirmed sessions, and activity at hours the rest of the
//! account is quiet. The simulator knows the truth and scores them.
//!
//! Arithmetic is deterministic on every machine: coordinates are integers,
//! and the one trigonometric function is a fixed polynomial (IEEE `+ * sqrt`
//! are correctly rounded everywhere; libm's `cos` need not be).

use super::account::Account;
use super::authorization::{Authorization, HOURS_PER_DAY};
use super::client_info::GeoPoint;
use super::limits::MAX_KNOWN_DEVICE_MODELS;
use crate::tight_store::TightMap;
use crate::time::Instant;

/// Faster than an airliner is impossible travel.
pub(crate) const MAX_TRAVEL_SPEED_KMH: f64 = 1000.0;
/// IP geolocation is off by a city or two: closer than this never flags.
pub(crate) const MIN_TRAVEL_DISTANCE_KM: f64 = 150.0;
/// Time gaps shorter than this count as this (one minute) to bound the speed.
pub(crate) const MIN_TRAVEL_WINDOW_S: f64 = 60.0;
/// An app this many version ranks (100 per major version) older than the
/// newest seen on the account is "far older".
pub(crate) const OUTDATED_APP_VERSION_LAG: u32 = 100;
/// Below this many requests from the rest of the account, hours say nothing.
pub(crate) const MIN_ACTIVITY_SAMPLES: u64 = 50;
/// An hour holding less than 1/this of the rest's activity is unusual.
pub(crate) const UNUSUAL_HOUR_DIVISOR: u64 = 50;
/// Past this many requests in the account histogram every bin is halved,
/// so old habits fade and counters stay bounded.
pub(crate) const ACTIVITY_DECAY_THRESHOLD: u64 = 1 << 20;
/// Mean Earth radius.
pub(crate) const EARTH_RADIUS_KM: f64 = 6371.0;

/// What the account's history says is normal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ActivityProfile {
    /// Requests per UTC hour of day over all authorizations.
    pub hours: [u64; HOURS_PER_DAY],
    /// Device models of confirmed authorizations (bounded; first ones
    /// kept), sorted with no spare room: an account knows one or two, and
    /// a B-tree node kept room for eleven.
    pub known_device_models: TightMap<String, ()>,
}

impl ActivityProfile {
    /// Count one request at `now`; returns the hour bin.
    pub(crate) fn record_request(&mut self, now: Instant) -> usize {
        let hour = hour_of_day(now);
        if let Some(bin) = self.hours.get_mut(hour) {
            *bin += 1;
        }
        if self.hours.iter().sum::<u64>() > ACTIVITY_DECAY_THRESHOLD {
            self.hours.iter_mut().for_each(|bin| *bin /= 2);
        }
        hour
    }

    /// Whether a confirmed authorization used `model`.
    pub(crate) fn knows_device_model(&self, model: &str) -> bool {
        self.known_device_models
            .get_by(|known| known.as_str().cmp(model))
            .is_some()
    }

    /// Remember a device model the owner uses (on confirmation).
    pub(crate) fn learn_device_model(&mut self, model: &str) {
        if self.known_device_models.len() < MAX_KNOWN_DEVICE_MODELS && !self.knows_device_model(model) {
            self.known_device_models.insert(model.to_string(), ());
        }
    }
}

/// The signals of one authorization, as shown with the session list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnomalySignals {
    pub new_device_model: bool,
    pub outdated_app_version: bool,
    pub impossible_travel: bool,
    pub unusual_hours: bool,
}

impl AnomalySignals {
    /// How many signals fire (seed 003: two or more means act now).
    pub fn count(self) -> u32 {
        [
            self.new_device_model,
            self.outdated_app_version,
            self.impossible_travel,
            self.unusual_hours,
        ]
        .iter()
        .filter(|signal| **signal)
        .count() as u32
    }
}

/// Compute the signals of `auth` within `account`.
pub(crate) fn signals(account: &Account, auth: &Authorization) -> AnomalySignals {
    AnomalySignals {
        new_device_model: !account.profile.knows_device_model(&auth.info.device_model),
        outdated_app_version: is_outdated(account, auth),
        impossible_travel: is_impossible_travel(account, auth),
        unusual_hours: is_unusual_hours(account, auth),
    }
}

/// UTC hour of day, 0..24.
pub(crate) fn hour_of_day(now: Instant) -> usize {
    ((now.unix_seconds() / 3600) % HOURS_PER_DAY as u64) as usize
}

/// "10.2.3" → 1002: major·100 + minor (minor capped at 99). None if unparsable.
pub(crate) fn version_rank(version: &str) -> Option<u32> {
    let mut parts = version.split('.').map(|part| part.trim().parse::<u32>().ok());
    let major = parts.next().flatten()?;
    let minor = parts.next().flatten().unwrap_or(0).min(99);
    Some(major.saturating_mul(100).saturating_add(minor))
}

fn is_outdated(account: &Account, auth: &Authorization) -> bool {
    let Some(rank) = version_rank(&auth.info.app_version) else {
        return false;
    };
    let newest = account
        .authorizations()
        .filter_map(|other| version_rank(&other.info.app_version))
        .max();
    newest.is_some_and(|newest| newest.saturating_sub(rank) >= OUTDATED_APP_VERSION_LAG)
}

fn is_impossible_travel(account: &Account, auth: &Authorization) -> bool {
    let Some(here) = auth.info.origin.coordinates else {
        return false;
    };
    account
        .authorizations()
        .filter(|other| other.serial < auth.serial && !other.unconfirmed)
        .filter_map(|other| other.info.origin.coordinates.map(|there| (there, other.date_active)))
        .any(|(there, then)| {
            let distance_km = distance_km(here, there);
            let gap_s = (auth.date_active.saturating_duration_since(then))
                .max(then.saturating_duration_since(auth.date_active))
                .as_secs_f64()
                .max(MIN_TRAVEL_WINDOW_S);
            distance_km > MIN_TRAVEL_DISTANCE_KM && distance_km / (gap_s / 3600.0) > MAX_TRAVEL_SPEED_KMH
        })
}

fn is_unusual_hours(account: &Account, auth: &Authorization) -> bool {
    let rest: Vec<u64> = account
        .profile
        .hours
        .iter()
        .zip(auth.hours.iter())
        .map(|(all, own)| all.saturating_sub(u64::from(*own)))
        .collect();
    let total: u64 = rest.iter().sum();
    if total < MIN_ACTIVITY_SAMPLES {
        return false;
    }
    auth.hours
        .iter()
        .zip(rest.iter())
        .any(|(own, others)| *own > 0 && others * UNUSUAL_HOUR_DIVISOR < total)
}

/// Equirectangular distance between two points in km: accurate to a few
/// percent at the distances that matter, and deterministic.
pub(crate) fn distance_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let to_rad = |micro_deg: i64| micro_deg as f64 * 1e-6 * std::f64::consts::PI / 180.0;
    let mut delta_lon = i64::from(a.lon_micro_deg) - i64::from(b.lon_micro_deg);
    // Wrap across the antimeridian into -180..=180 degrees.
    const FULL_TURN: i64 = 360_000_000;
    delta_lon = (delta_lon % FULL_TURN + FULL_TURN + FULL_TURN / 2) % FULL_TURN - FULL_TURN / 2;
    let mean_lat = to_rad((i64::from(a.lat_micro_deg) + i64::from(b.lat_micro_deg)) / 2);
    let x = to_rad(delta_lon) * cos_poly(mean_lat);
    let y = to_rad(i64::from(a.lat_micro_deg) - i64::from(b.lat_micro_deg));
    EARTH_RADIUS_KM * (x * x + y * y).sqrt()
}

/// cos(x) for |x| ≤ π/2 by its Taylor series to x¹²: error below 1e-9.
fn cos_poly(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=6u32 {
        let k = f64::from(2 * n);
        term *= -x2 / ((k - 1.0) * k);
        sum += term;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_match_known_city_pairs() {
        let london = GeoPoint::from_degrees(51.5074, -0.1278);
        let paris = GeoPoint::from_degrees(48.8566, 2.3522);
        let london_paris = distance_km(london, paris);
        assert!((330.0..360.0).contains(&london_paris), "{london_paris}");
        assert_eq!(distance_km(london, london), 0.0);
        let east = GeoPoint::from_degrees(0.0, 179.5);
        let west = GeoPoint::from_degrees(0.0, -179.5);
        let across = distance_km(east, west);
        assert!((110.0..113.0).contains(&across), "antimeridian: {across}");
    }

    #[test]
    fn cosine_polynomial_is_accurate() {
        for step in 0..=20 {
            let x = -std::f64::consts::FRAC_PI_2 + f64::from(step) * std::f64::consts::PI / 20.0;
            assert!((cos_poly(x) - x.cos()).abs() < 1e-6, "{x}");
        }
    }

    #[test]
    fn version_ranks() {
        assert_eq!(version_rank("10.2.3"), Some(1002));
        assert_eq!(version_rank("9"), Some(900));
        assert_eq!(version_rank("8.150"), Some(899));
        assert_eq!(version_rank("beta"), None);
        assert_eq!(version_rank(""), None);
    }

    #[test]
    fn profile_counts_hours_and_bounds_models() {
        let mut profile = ActivityProfile::default();
        assert_eq!(profile.record_request(Instant::from_unix_seconds(3 * 3600 + 5)), 3);
        assert_eq!(profile.hours[3], 1);
        for model in 0..(MAX_KNOWN_DEVICE_MODELS + 5) {
            profile.learn_device_model(&format!("m{model}"));
        }
        assert_eq!(profile.known_device_models.len(), MAX_KNOWN_DEVICE_MODELS);
        profile.learn_device_model("m3");
        assert_eq!(
            profile.known_device_models.len(),
            MAX_KNOWN_DEVICE_MODELS,
            "known already"
        );
        assert!(profile.knows_device_model("m0") && profile.knows_device_model("m31"));
        assert!(
            !profile.knows_device_model("m32"),
            "past the bound: the first ones are kept"
        );
        let signals = AnomalySignals {
            new_device_model: true,
            unusual_hours: true,
            ..AnomalySignals::default()
        };
        assert_eq!(signals.count(), 2);
    }

    proptest::proptest! {
        #[test]
        fn distance_is_symmetric_non_negative_and_zero_on_itself(
            a_lat in -90_000_000i32..=90_000_000, a_lon in -180_000_000i32..=180_000_000,
            b_lat in -90_000_000i32..=90_000_000, b_lon in -180_000_000i32..=180_000_000,
        ) {
            let a = GeoPoint { lat_micro_deg: a_lat, lon_micro_deg: a_lon };
            let b = GeoPoint { lat_micro_deg: b_lat, lon_micro_deg: b_lon };
            let ab = distance_km(a, b);
            proptest::prop_assert!(ab >= 0.0 && ab.is_finite());
            proptest::prop_assert_eq!(ab, distance_km(b, a));
            proptest::prop_assert_eq!(distance_km(a, a), 0.0);
        }

        #[test]
        fn version_rank_never_panics(version in ".{0,40}") {
            let _ = version_rank(&version);
        }
    }
}
