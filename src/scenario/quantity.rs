//! Plain quantities of the format: probabilities, shares of a population
//! ("5%" or a count) and seed ranges ("0..100").

use std::ops::Range;

use rand_core::RngCore;

use super::draws::DrawnValue;
use super::sampled::{uniform_f64, Value};

/// A probability in `0.0..=1.0` (never NaN).
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct Probability(f64);

impl Probability {
    /// Never.
    pub const ZERO: Probability = Probability(0.0);
    /// Always.
    pub const ONE: Probability = Probability(1.0);

    /// `value` when it is a probability.
    pub fn new(value: f64) -> Option<Probability> {
        (0.0..=1.0).contains(&value).then_some(Probability(value))
    }

    /// The probability as a float in `0.0..=1.0`.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Value for Probability {
    fn draw_between<R: RngCore>(min: &Probability, max: &Probability, rng: &mut R) -> Probability {
        Probability(uniform_f64(min.0, max.0, rng))
    }

    fn drawn(&self) -> DrawnValue {
        DrawnValue::Number(self.0)
    }
}

/// Part of a population: a fraction ("5%") or a number of members.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Share {
    /// This fraction of the members, rounded to the nearest whole member.
    Fraction(Probability),
    /// This many members (all of them when there are fewer).
    Count(u64),
}

impl Share {
    /// Everyone.
    pub const ALL: Share = Share::Fraction(Probability::ONE);

    /// How many of `total` members this share selects (at most `total`).
    pub fn of(self, total: u64) -> u64 {
        match self {
            Share::Count(count) => count.min(total),
            Share::Fraction(fraction) => {
                let members = (fraction.get() * total as f64).round();
                // Rounding a product of a value in [0, 1] and `total` stays in range.
                (members as u64).min(total)
            }
        }
    }
}

/// Why a share text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("expected a percentage such as \"5%\" or a whole count")]
    Malformed,
    #[error("a percentage must be between 0% and 100%")]
    OutOfRange,
}

/// Parses "5%", "12.5%" or "100%".
pub fn parse_percent(text: &str) -> Result<Share, ShareError> {
    let number = text.strip_suffix('%').ok_or(ShareError::Malformed)?;
    // "-5%" is a percentage, just not one a share can be.
    if number
        .strip_prefix('-')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    {
        return Err(ShareError::OutOfRange);
    }
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(ShareError::Malformed);
    }
    let percent: f64 = number.parse().map_err(|_| ShareError::Malformed)?;
    let fraction = Probability::new(percent / 100.0).ok_or(ShareError::OutOfRange)?;
    Ok(Share::Fraction(fraction))
}

/// A half-open range of seeds, `start..end`, never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedRange {
    range: Range<u64>,
}

/// Why a seed range does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedRangeError {
    #[error("not a half-open range of seeds such as \"0..100\"")]
    Malformed,
    #[error("an empty range: the end must be greater than the start")]
    Empty,
    #[error("more than {limit} seeds")]
    TooMany { limit: u64 },
}

impl SeedRange {
    /// `start..end` when it holds between 1 and `limit` seeds.
    pub fn new(start: u64, end: u64, limit: u64) -> Result<SeedRange, SeedRangeError> {
        if end <= start {
            return Err(SeedRangeError::Empty);
        }
        if end - start > limit {
            return Err(SeedRangeError::TooMany { limit });
        }
        Ok(SeedRange { range: start..end })
    }

    /// Parses "A..B" (half-open, like Rust's ranges).
    pub fn parse(text: &str, limit: u64) -> Result<SeedRange, SeedRangeError> {
        let (start, end) = text.split_once("..").ok_or(SeedRangeError::Malformed)?;
        let number = |digits: &str| -> Result<u64, SeedRangeError> {
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(SeedRangeError::Malformed);
            }
            digits.parse().map_err(|_| SeedRangeError::Malformed)
        };
        SeedRange::new(number(start)?, number(end)?, limit)
    }

    /// The first seed.
    pub fn start(&self) -> u64 {
        self.range.start
    }

    /// One past the last seed.
    pub fn end(&self) -> u64 {
        self.range.end
    }

    /// How many seeds (at least one).
    pub fn len(&self) -> u64 {
        self.range.end - self.range.start
    }

    /// Always false: a seed range holds at least one seed.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The seeds in order.
    pub fn iter(&self) -> Range<u64> {
        self.range.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_are_bounded() {
        assert_eq!(Probability::new(0.3).map(Probability::get), Some(0.3));
        assert_eq!(Probability::new(1.0), Some(Probability::ONE));
        assert_eq!(Probability::new(1.01), None);
        assert_eq!(Probability::new(-0.01), None);
        assert_eq!(Probability::new(f64::NAN), None);
    }

    #[test]
    fn percentages_parse() {
        assert_eq!(parse_percent("5%"), Ok(Share::Fraction(Probability(0.05))));
        assert_eq!(parse_percent("12.5%"), Ok(Share::Fraction(Probability(0.125))));
        assert_eq!(parse_percent("100%"), Ok(Share::ALL));
        assert_eq!(parse_percent("101%"), Err(ShareError::OutOfRange));
        assert_eq!(parse_percent("-5%"), Err(ShareError::OutOfRange));
        assert_eq!(parse_percent("-%"), Err(ShareError::Malformed));
        assert_eq!(parse_percent("5"), Err(ShareError::Malformed));
        assert_eq!(parse_percent("%"), Err(ShareError::Malformed));
        assert_eq!(parse_percent("1.2.3%"), Err(ShareError::Malformed));
    }

    #[test]
    fn shares_select_members() {
        assert_eq!(Share::Fraction(Probability(0.05)).of(1000), 50);
        assert_eq!(Share::Fraction(Probability(0.5)).of(3), 2);
        assert_eq!(Share::ALL.of(7), 7);
        assert_eq!(Share::Count(10).of(1000), 10);
        assert_eq!(Share::Count(10).of(4), 4);
    }

    #[test]
    fn seed_ranges_are_half_open() {
        let seeds = SeedRange::parse("0..100", 1000).unwrap();
        assert_eq!((seeds.start(), seeds.end(), seeds.len()), (0, 100, 100));
        assert_eq!(seeds.iter().last(), Some(99));
        assert_eq!(SeedRange::parse("5..5", 1000), Err(SeedRangeError::Empty));
        assert_eq!(SeedRange::parse("9..5", 1000), Err(SeedRangeError::Empty));
        assert_eq!(
            SeedRange::parse("0..1001", 1000),
            Err(SeedRangeError::TooMany { limit: 1000 })
        );
        assert_eq!(SeedRange::parse("0-100", 1000), Err(SeedRangeError::Malformed));
        assert_eq!(SeedRange::parse("..100", 1000), Err(SeedRangeError::Malformed));
        assert_eq!(SeedRange::parse("0..=100", 1000), Err(SeedRangeError::Malformed));
    }

    proptest::proptest! {
        #[test]
        fn a_share_never_exceeds_the_total(percent in 0.0f64..=100.0, count: u64, total in 0u64..10_000_000) {
            let fraction = Share::Fraction(Probability::new(percent / 100.0).unwrap());
            proptest::prop_assert!(fraction.of(total) <= total);
            proptest::prop_assert_eq!(Share::Count(count).of(total), count.min(total));
            proptest::prop_assert_eq!(Share::ALL.of(total), total);
        }

        #[test]
        fn seed_ranges_parse_what_they_print(start in 0u64..1000, length in 1u64..1000) {
            let seeds = SeedRange::parse(&format!("{start}..{}", start + length), 1000).unwrap();
            proptest::prop_assert_eq!((seeds.start(), seeds.len()), (start, length));
        }
    }
}
