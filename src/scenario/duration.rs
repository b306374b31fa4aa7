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
    /// "1.5d": durations are whole numbers of a unit.
    #[error("durations are whole numbers of a unit: write {}", whole_hint(.0))]
    Fraction(Option<String>),
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
    if let Some(fraction) = unit.strip_prefix('.') {
        return Err(DurationError::Fraction(whole_equivalent(digits, fraction)));
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

/// How [`DurationError::Fraction`] says what to write instead.
fn whole_hint(equivalent: &Option<String>) -> String {
    match equivalent {
        Some(text) => format!("{text:?}"),
        None => "a whole number of a smaller unit".to_string(),
    }
}

/// The whole-number spelling of "`whole`.`fraction`" (the fraction still
/// carrying its unit: "5d" of "1.5d"), in the largest unit that keeps it
/// whole: "1.5d" → "36h", "0.25s" → "250ms". `None` when it is no whole
/// number of microseconds, or not a fraction followed by a known unit.
fn whole_equivalent(whole: &str, fraction: &str) -> Option<String> {
    let digits_end = fraction.find(|c: char| !c.is_ascii_digit()).unwrap_or(fraction.len());
    let (fraction_digits, unit) = fraction.split_at(digits_end);
    let places = u32::try_from(fraction_digits.len())
        .ok()
        .filter(|places| (1..=18).contains(places))?;
    let micros_per_unit = u128::from(UNITS.iter().find(|(name, _)| *name == unit)?.1);
    let scale = 10u128.pow(places);
    let scaled = whole
        .parse::<u128>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(fraction_digits.parse::<u128>().ok()?)?;
    let total = scaled.checked_mul(micros_per_unit)?;
    if total % scale != 0 {
        return None;
    }
    let micros = total / scale;
    let (name, size) = UNITS.iter().rev().find(|(_, size)| micros % u128::from(*size) == 0)?;
    Some(format!("{}{name}", micros / u128::from(*size)))
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
        assert_eq!(parse_duration("1.5h"), Err(DurationError::Fraction(Some("90m".into()))));
        assert_eq!(parse_duration("3 s"), Err(DurationError::UnknownUnit(" s".into())));
        assert_eq!(parse_duration("3w"), Err(DurationError::UnknownUnit("w".into())));
        assert_eq!(parse_duration("99999999999999999999999d"), Err(DurationError::TooLong));
        assert_eq!(parse_duration("3661d"), Err(DurationError::TooLong));
        assert_eq!(parse_duration("3660d"), Ok(MAX_DURATION));
    }

    #[test]
    fn a_fraction_suggests_its_whole_spelling() {
        let fraction = |text: &str| match parse_duration(text) {
            Err(DurationError::Fraction(equivalent)) => equivalent,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(fraction("1.5d").as_deref(), Some("36h"));
        assert_eq!(fraction("0.25s").as_deref(), Some("250ms"));
        assert_eq!(fraction("2.0h").as_deref(), Some("2h"));
        assert_eq!(fraction("0.0000001s"), None, "not a whole number of microseconds");
        assert_eq!(fraction("1.5w"), None, "unknown unit");
        assert_eq!(fraction("1.d"), None, "no fraction digits");
        // u128::MAX / 10, then ".9": scaling fits, adding the fraction does not.
        assert_eq!(fraction("34028236692093846346337460743176821145.9d"), None, "too large");
        assert_eq!(
            DurationError::Fraction(Some("36h".into())).to_string(),
            "durations are whole numbers of a unit: write \"36h\""
        );
        assert_eq!(
            DurationError::Fraction(None).to_string(),
            "durations are whole numbers of a unit: write a whole number of a smaller unit"
        );
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
