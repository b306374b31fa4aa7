//! Durations written with units: "500ms", "30s", "15m", "2h", "7d" (also
//! "250us" and "0s"); a signed variant ("-2s") for clock offsets.
//!
//! A bare number is rejected on purpose: `timeout = 30` could mean seconds or
//! milliseconds, and a factor-1000 mistake in a scenario silently changes
//! what is measured.

use std::time::Duration;

use super::limits::MAX_DURATION;

/// Why a duration text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("no unit")]
    NoUnit,
    #[error("unknown unit {0:?} (expected us, ms, s, m, h or d)")]
    UnknownUnit(String),
    #[error("expected a whole number followed by a unit, e.g. \"30s\"")]
    BadNumber,
    #[error("longer than the limit of {}", format_duration(MAX_DURATION))]
    TooLong,
}

/// Units from the smallest, with their length in microseconds.
const UNITS: &[(&str, u64)] = &[
    ("us", 1),
    ("ms", 1_000),
    ("s", 1_000_000),
    ("m", 60_000_000),
    ("h", 3_600_000_000),
    ("d", 86_400_000_000),
];

/// Parses "30s"-style text: a whole number then a unit, nothing else.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(digits_end);
    if digits.is_empty() {
        return Err(DurationError::BadNumber);
    }
    if unit.is_empty() {
        return Err(DurationError::NoUnit);
    }
    let micros_per_unit = UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, micros)| *micros)
        .ok_or_else(|| DurationError::UnknownUnit(unit.to_string()))?;
    let count: u64 = digits.parse().map_err(|_| DurationError::TooLong)?;
    let micros = count.checked_mul(micros_per_unit).ok_or(DurationError::TooLong)?;
    let duration = Duration::from_micros(micros);
    if duration > MAX_DURATION {
        return Err(DurationError::TooLong);
    }
    Ok(duration)
}

/// A signed span of time in microseconds: a clock offset, which may be negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct SignedDuration {
    pub micros: i64,
}

impl SignedDuration {
    /// Zero offset.
    pub const ZERO: SignedDuration = SignedDuration { micros: 0 };

    /// A non-negative offset equal to `duration` (saturating).
    pub fn from_duration(duration: Duration) -> SignedDuration {
        SignedDuration {
            micros: i64::try_from(duration.as_micros()).unwrap_or(i64::MAX),
        }
    }
}

/// Parses "30s" or "-30s".
pub fn parse_signed_duration(text: &str) -> Result<SignedDuration, DurationError> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = SignedDuration::from_duration(parse_duration(magnitude)?);
    // MAX_DURATION fits in i64 microseconds, so negation cannot overflow.
    Ok(if negative {
        SignedDuration {
            micros: -magnitude.micros,
        }
    } else {
        magnitude
    })
}

/// Formats a duration with the largest unit that divides it exactly ("90m", "7d").
pub fn format_duration(duration: Duration) -> String {
    let micros = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
    let (name, per_unit) = UNITS
        .iter()
        .rev()
        .find(|(_, per_unit)| micros % per_unit == 0)
        .copied()
        .unwrap_or(("us", 1));
    if micros == 0 {
        return "0s".to_string();
    }
    format!("{}{}", micros / per_unit, name)
}

/// Formats a signed duration: "-2s", "0s", "500ms".
pub fn format_signed_duration(duration: SignedDuration) -> String {
    let magnitude = format_duration(Duration::from_micros(duration.micros.unsigned_abs()));
    if duration.micros < 0 {
        format!("-{magnitude}")
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_parses() {
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn malformed_durations_are_errors() {
        assert_eq!(parse_duration("30"), Err(DurationError::NoUnit));
        assert_eq!(parse_duration("0"), Err(DurationError::NoUnit));
        assert_eq!(parse_duration("s"), Err(DurationError::BadNumber));
        assert_eq!(parse_duration(""), Err(DurationError::BadNumber));
        assert_eq!(parse_duration("-1s"), Err(DurationError::BadNumber));
        assert_eq!(parse_duration("1.5h"), Err(DurationError::UnknownUnit(".5h".into())));
        assert_eq!(parse_duration("3 s"), Err(DurationError::UnknownUnit(" s".into())));
        assert_eq!(parse_duration("3w"), Err(DurationError::UnknownUnit("w".into())));
        assert_eq!(parse_duration("99999999999999999999999d"), Err(DurationError::TooLong));
        assert_eq!(parse_duration("3661d"), Err(DurationError::TooLong));
        assert_eq!(parse_duration("3660d"), Ok(MAX_DURATION));
    }

    #[test]
    fn signed_durations_accept_a_minus() {
        assert_eq!(parse_signed_duration("-2s"), Ok(SignedDuration { micros: -2_000_000 }));
        assert_eq!(parse_signed_duration("2s"), Ok(SignedDuration { micros: 2_000_000 }));
        assert_eq!(parse_signed_duration("-2"), Err(DurationError::NoUnit));
        assert_eq!(parse_signed_duration("--2s"), Err(DurationError::BadNumber));
    }

    #[test]
    fn formatting_picks_the_largest_exact_unit() {
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(format_duration(Duration::from_secs(86_400)), "1d");
        assert_eq!(format_duration(Duration::from_secs(5400)), "90m");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(format_duration(Duration::from_nanos(1500)), "1us");
        assert_eq!(format_signed_duration(SignedDuration { micros: -2_000_000 }), "-2s");
    }

    proptest::proptest! {
        #[test]
        fn formatted_durations_parse_back(micros in 0u64..=315_000_000_000_000) {
            let duration = Duration::from_micros(micros);
            proptest::prop_assert_eq!(parse_duration(&format_duration(duration)), Ok(duration));
            let negative = SignedDuration { micros: -i64::try_from(micros).unwrap() };
            proptest::prop_assert_eq!(parse_signed_duration(&format_signed_duration(negative)), Ok(negative));
        }
    }
}
