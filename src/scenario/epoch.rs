//! The scenario epoch: an RFC 3339 date-time with an offset (a TOML
//! date-time or a string) converted to a [`proto::time::Instant`].
//!
//! [`proto::time::Instant`]: sessionlab_proto::time::Instant

use toml::value::{Datetime, Offset};

use sessionlab_proto::time::{Instant, MICROS_PER_SECOND};

/// Why an epoch is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpochError {
    #[error("expected a date-time with an offset, e.g. 2026-01-01T00:00:00Z")]
    Malformed,
    #[error("the epoch must not be before 1970-01-01T00:00:00Z")]
    BeforeUnixEpoch,
}

/// Parses "2026-01-01T00:00:00Z" (or with an offset such as "+02:00").
pub fn parse_epoch(text: &str) -> Result<Instant, EpochError> {
    let datetime: Datetime = text.parse().map_err(|_| EpochError::Malformed)?;
    let (Some(date), Some(time), Some(offset)) = (datetime.date, datetime.time, datetime.offset) else {
        return Err(EpochError::Malformed);
    };
    let offset_minutes = match offset {
        Offset::Z => 0,
        Offset::Custom { minutes } => i64::from(minutes),
    };
    let days = days_from_civil(i64::from(date.year), i64::from(date.month), i64::from(date.day));
    let seconds = days * 86_400 + i64::from(time.hour) * 3_600 + i64::from(time.minute) * 60 + i64::from(time.second)
        - offset_minutes * 60;
    let seconds = u64::try_from(seconds).map_err(|_| EpochError::BeforeUnixEpoch)?;
    let micros = seconds * MICROS_PER_SECOND + u64::from(time.nanosecond / 1_000);
    Ok(Instant::from_unix_micros(micros))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_epoch_round_trips() {
        assert_eq!(parse_epoch("2026-01-01T00:00:00Z"), Ok(Instant::SCENARIO_EPOCH));
        assert_eq!(parse_epoch("1970-01-01T00:00:00Z"), Ok(Instant::EPOCH));
    }

    #[test]
    fn offsets_and_fractions_count() {
        assert_eq!(parse_epoch("2026-01-01T02:00:00+02:00"), Ok(Instant::SCENARIO_EPOCH));
        assert_eq!(
            parse_epoch("2000-03-01T00:00:00.5Z"),
            Ok(Instant::from_unix_micros(951_868_800_500_000))
        );
        assert_eq!(
            parse_epoch("2024-02-29T12:00:00Z"),
            Ok(Instant::from_unix_seconds(1_709_208_000))
        );
    }

    #[test]
    fn incomplete_or_early_epochs_are_errors() {
        assert_eq!(parse_epoch("2026-01-01"), Err(EpochError::Malformed));
        assert_eq!(parse_epoch("2026-01-01T00:00:00"), Err(EpochError::Malformed));
        assert_eq!(parse_epoch("yesterday"), Err(EpochError::Malformed));
        assert_eq!(parse_epoch("1969-12-31T23:59:59Z"), Err(EpochError::BeforeUnixEpoch));
    }
}
