//! What a client tells about itself (`initConnection`) and where its
//! connection comes from. Strings are client-controlled, so they are cut to
//! a bound at a character boundary when recorded.

use super::limits::MAX_CLIENT_STRING_BYTES;

/// A point on Earth in millionths of a degree (integers keep comparisons exact).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct GeoPoint {
    /// Latitude, in millionths of a degree (north positive).
    pub lat_micro_deg: i32,
    /// Longitude, in millionths of a degree (east positive).
    pub lon_micro_deg: i32,
}

impl GeoPoint {
    /// A point from degrees (for tests and scenarios).
    pub fn from_degrees(lat: f64, lon: f64) -> GeoPoint {
        // `as` saturates on out-of-range floats, which is what we want here.
        GeoPoint {
            lat_micro_deg: (lat * 1e6) as i32,
            lon_micro_deg: (lon * 1e6) as i32,
        }
    }
}

/// Where a connection comes from: IP and its geolocation (region code,
/// optionally coordinates).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkOrigin {
    /// The client's IP address, as text.
    pub ip: String,
    /// The country the IP geolocates to, e.g. `Portugal`.
    pub country: String,
    /// The region the IP geolocates to, e.g. `Lisbon`.
    pub region: String,
    /// The IP's coordinates, when known (needed for the impossible-travel signal).
    pub coordinates: Option<GeoPoint>,
}

/// Client-reported device and app data plus the connection's origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// `initConnection.device_model`, e.g. `Pixel 8`.
    pub device_model: String,
    /// The platform, e.g. `android`.
    pub platform: String,
    /// `initConnection.system_version`: the OS version.
    pub system_version: String,
    /// `initConnection.api_id`: the app's id from my.telegram.org (official apps have known ones).
    pub api_id: i32,
    /// The app's name.
    pub app_name: String,
    /// `initConnection.app_version`; an outdated one is an anomaly signal.
    pub app_version: String,
    /// Where the connection comes from.
    pub origin: NetworkOrigin,
}

/// api_ids of Telegram's official apps (Android, iOS, Desktop, Web, macOS...).
pub(crate) const OFFICIAL_API_IDS: [i32; 8] = [4, 6, 8, 9, 2040, 2496, 10840, 21724];

impl ClientInfo {
    /// The same info with every string cut to [`MAX_CLIENT_STRING_BYTES`].
    pub fn bounded(&self) -> ClientInfo {
        ClientInfo {
            device_model: bounded_string(&self.device_model),
            platform: bounded_string(&self.platform),
            system_version: bounded_string(&self.system_version),
            api_id: self.api_id,
            app_name: bounded_string(&self.app_name),
            app_version: bounded_string(&self.app_version),
            origin: self.origin.bounded(),
        }
    }

    /// Whether the api_id belongs to an official app.
    pub fn is_official_app(&self) -> bool {
        OFFICIAL_API_IDS.contains(&self.api_id)
    }
}

impl NetworkOrigin {
    /// The same origin with every string cut to [`MAX_CLIENT_STRING_BYTES`].
    pub fn bounded(&self) -> NetworkOrigin {
        NetworkOrigin {
            ip: bounded_string(&self.ip),
            country: bounded_string(&self.country),
            region: bounded_string(&self.region),
            coordinates: self.coordinates,
        }
    }
}

/// `text` cut to at most [`MAX_CLIENT_STRING_BYTES`] bytes at a char boundary.
pub(crate) fn bounded_string(text: &str) -> String {
    if text.len() <= MAX_CLIENT_STRING_BYTES {
        return text.to_string();
    }
    let mut end = MAX_CLIENT_STRING_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_cut_at_a_char_boundary() {
        assert_eq!(bounded_string("abc"), "abc");
        let long = "é".repeat(100); // 200 bytes, 2 per char
        let cut = bounded_string(&long);
        assert_eq!(cut.len(), MAX_CLIENT_STRING_BYTES);
        let odd = format!("a{}", "é".repeat(100));
        assert_eq!(bounded_string(&odd).len(), MAX_CLIENT_STRING_BYTES - 1);
    }

    #[test]
    fn official_app_and_degrees() {
        let info = ClientInfo {
            api_id: 2040,
            ..ClientInfo::default()
        };
        assert!(info.is_official_app());
        assert!(!ClientInfo { api_id: 12345, ..info }.is_official_app());
        let point = GeoPoint::from_degrees(51.5, -0.25);
        assert_eq!(
            point,
            GeoPoint {
                lat_micro_deg: 51_500_000,
                lon_micro_deg: -250_000
            }
        );
    }

    proptest::proptest! {
        #[test]
        fn bounded_strings_are_prefixes_within_the_limit(text in ".{0,200}") {
            let cut = bounded_string(&text);
            proptest::prop_assert!(cut.len() <= MAX_CLIENT_STRING_BYTES);
            proptest::prop_assert!(text.starts_with(&cut));
            proptest::prop_assert!(cut.len() == text.len() || cut.len() + 4 > MAX_CLIENT_STRING_BYTES);
        }
    }
}
