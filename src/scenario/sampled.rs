//! Values drawn per seed (swarm testing): [`Sampled`], the [`Stage`] markers
//! that let one set of model types hold either sampled or concrete values,
//! and [`SwarmRng`], the deterministic stream the draws come from.
//!
//! A scenario as parsed is a `Scenario<Spec>`: every knob that may vary per
//! seed is a `Sampled<T>`. `Scenario::resolve(seed)` turns it into a
//! `Scenario<Resolved>`, where the same fields are plain `T`, so the simulator
//! never sees a range.
//!
//! Draws are independent per setting: each one reads its own ChaCha stream
//! (stream id = hash of the setting's path, e.g. "network.loss") under a key
//! derived from (seed, "swarm"). Turning one range into a fixed value, or
//! adding a new range, therefore leaves every other draw unchanged.

use std::fmt::Debug;
use std::time::Duration;

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

use super::draws::{DrawnValue, Draws};

/// A value that can be drawn per seed.
pub trait Value: Clone + Debug + PartialEq {
    /// A value between `min` and `max` inclusive, drawn uniformly where the
    /// type is ordered; for unordered types, one of the two.
    fn draw_between<R: RngCore>(min: &Self, max: &Self, rng: &mut R) -> Self;

    /// The value as a report writes it (a `runs.csv` `param.` column).
    fn drawn(&self) -> DrawnValue;
}

/// A setting fixed in the file, or drawn per seed.
#[derive(Debug, Clone, PartialEq)]
pub enum Sampled<T> {
    /// The same value for every seed.
    Fixed(T),
    /// Uniform between `min` and `max` inclusive (`min <= max`).
    Range { min: T, max: T },
    /// One of these, each equally likely (never empty).
    OneOf(Vec<T>),
}

impl<T: Value> Sampled<T> {
    /// Draws this seed's value.
    pub fn draw<R: RngCore>(&self, rng: &mut R) -> T {
        match self {
            Sampled::Fixed(value) => value.clone(),
            Sampled::Range { min, max } => T::draw_between(min, max, rng),
            Sampled::OneOf(choices) => {
                assert!(!choices.is_empty(), "OneOf is built non-empty by the parser");
                let last = u64::try_from(choices.len() - 1).unwrap_or(u64::MAX);
                let index = usize::try_from(uniform_u64(0, last, rng)).unwrap_or(0);
                choices.get(index).unwrap_or(&choices[0]).clone()
            }
        }
    }

    /// The value when it is the same for every seed.
    pub fn fixed(&self) -> Option<&T> {
        match self {
            Sampled::Fixed(value) => Some(value),
            _ => None,
        }
    }

    /// The values that bound every draw: the fixed value, both ends of a
    /// range, or every choice. Validation checks all of them.
    pub fn extremes(&self) -> Vec<&T> {
        match self {
            Sampled::Fixed(value) => vec![value],
            Sampled::Range { min, max } => vec![min, max],
            Sampled::OneOf(choices) => choices.iter().collect(),
        }
    }
}

/// Which model a set of types describes: the file ([`Spec`]) or one seed's
/// concrete values ([`Resolved`]).
pub trait Stage: Clone + Debug + PartialEq {
    /// How a per-seed setting of type `T` is held in this stage.
    type Of<T: Value>: Clone + Debug + PartialEq;
}

/// The model as written: per-seed settings are [`Sampled`].
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {}

/// One seed's model: every setting is a concrete value.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {}

impl Stage for Spec {
    type Of<T: Value> = Sampled<T>;
}

impl Stage for Resolved {
    type Of<T: Value> = T;
}

/// The ChaCha streams swarm draws come from, keyed by (seed, "swarm"),
/// and the record of every setting drawn that varies per seed.
pub struct SwarmRng {
    rng: ChaCha20Rng,
    draws: Draws,
}

impl SwarmRng {
    /// The stable label of the swarm streams.
    pub const LABEL: &'static str = "swarm";

    /// The streams of `seed`: key = SHA-256(seed as little-endian u64 ‖ "swarm").
    pub fn new(seed: u64) -> SwarmRng {
        let mut hasher = Sha256::new();
        hasher.update(seed.to_le_bytes());
        hasher.update(Self::LABEL.as_bytes());
        SwarmRng {
            rng: ChaCha20Rng::from_seed(hasher.finalize().into()),
            draws: Draws::default(),
        }
    }

    /// Draws the setting at `path` from that path's own stream; a setting
    /// that varies per seed (not [`Sampled::Fixed`]) is recorded in
    /// [`SwarmRng::draws`].
    pub fn draw<T: Value>(&mut self, path: &str, sampled: &Sampled<T>) -> T {
        self.rng.set_stream(stream_id(path));
        self.rng.set_word_pos(0);
        let value = sampled.draw(&mut self.rng);
        if sampled.fixed().is_none() {
            self.draws.push(path, value.drawn());
        }
        value
    }

    /// The settings drawn so far that vary per seed, in drawing order.
    pub fn draws(&self) -> &Draws {
        &self.draws
    }

    /// The record of per-seed draws, consuming the streams.
    pub fn into_draws(self) -> Draws {
        self.draws
    }
}

/// The stream id of a setting: the first 8 bytes of SHA-256(path), little-endian.
fn stream_id(path: &str) -> u64 {
    let digest = Sha256::digest(path.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

/// Uniform in `min..=max` without modulo bias (Lemire's multiply-and-reject).
pub fn uniform_u64<R: RngCore>(min: u64, max: u64, rng: &mut R) -> u64 {
    assert!(min <= max, "ranges are validated min <= max");
    let span = max - min;
    if span == u64::MAX {
        return rng.next_u64();
    }
    let bound = span + 1;
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let product = u128::from(rng.next_u64()) * u128::from(bound);
        if (product as u64) >= threshold {
            return min + (product >> 64) as u64;
        }
    }
}

/// Uniform in `[min, max]` for floats (53 random bits).
pub fn uniform_f64<R: RngCore>(min: f64, max: f64, rng: &mut R) -> f64 {
    assert!(min <= max, "ranges are validated min <= max");
    let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (min + (max - min) * unit).clamp(min, max)
}

impl Value for u64 {
    fn draw_between<R: RngCore>(min: &u64, max: &u64, rng: &mut R) -> u64 {
        uniform_u64(*min, *max, rng)
    }

    fn drawn(&self) -> DrawnValue {
        DrawnValue::Count(*self)
    }
}

impl Value for Duration {
    fn draw_between<R: RngCore>(min: &Duration, max: &Duration, rng: &mut R) -> Duration {
        let micros = |duration: &Duration| u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(uniform_u64(micros(min), micros(max), rng))
    }

    fn drawn(&self) -> DrawnValue {
        DrawnValue::Duration(*self)
    }
}

impl Value for bool {
    fn draw_between<R: RngCore>(min: &bool, max: &bool, rng: &mut R) -> bool {
        either(min, max, rng)
    }

    fn drawn(&self) -> DrawnValue {
        DrawnValue::Flag(*self)
    }
}

/// One of two values, each with probability 1/2.
pub fn either<T: Clone, R: RngCore>(first: &T, second: &T, rng: &mut R) -> T {
    if uniform_u64(0, 1, rng) == 0 {
        first.clone()
    } else {
        second.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_values_are_returned_as_is() {
        let mut swarm = SwarmRng::new(7);
        assert_eq!(swarm.draw("a", &Sampled::Fixed(5u64)), 5);
        assert_eq!(Sampled::Fixed(5u64).fixed(), Some(&5));
        assert_eq!(Sampled::Range { min: 1u64, max: 2 }.fixed(), None);
    }

    #[test]
    fn draws_are_deterministic_per_seed_and_path() {
        let range = Sampled::Range {
            min: 0u64,
            max: u64::MAX / 2,
        };
        let first = SwarmRng::new(1).draw("x", &range);
        assert_eq!(SwarmRng::new(1).draw("x", &range), first);
        // Another path or another seed reads another stream.
        assert_ne!(SwarmRng::new(1).draw("y", &range), first);
        assert_ne!(SwarmRng::new(2).draw("x", &range), first);
        // Drawing other paths first does not perturb this one.
        let mut swarm = SwarmRng::new(1);
        swarm.draw("y", &range);
        swarm.draw("z", &range);
        assert_eq!(swarm.draw("x", &range), first);
    }

    #[test]
    fn extremes_list_every_bound() {
        assert_eq!(Sampled::Range { min: 1u64, max: 9 }.extremes(), vec![&1, &9]);
        assert_eq!(Sampled::OneOf(vec![3u64, 4, 5]).extremes(), vec![&3, &4, &5]);
    }

    #[test]
    fn uniform_covers_both_ends_of_a_small_range() {
        let mut rng = ChaCha20Rng::seed_from_u64(0);
        let mut seen = [false; 3];
        for _ in 0..200 {
            seen[usize::try_from(uniform_u64(10, 12, &mut rng) - 10).unwrap()] = true;
        }
        assert_eq!(seen, [true, true, true]);
        assert_eq!(uniform_u64(4, 4, &mut rng), 4);
    }

    proptest::proptest! {
        #[test]
        fn draws_stay_in_range(seed: u64, a: u64, b: u64, x: f64, y: f64) {
            let (min, max) = (a.min(b), a.max(b));
            let value = SwarmRng::new(seed).draw("p", &Sampled::Range { min, max });
            proptest::prop_assert!(min <= value && value <= max);
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            if x.is_finite() && y.is_finite() && (x - y).is_finite() {
                let (low, high) = (x.min(y), x.max(y));
                let float = uniform_f64(low, high, &mut rng);
                proptest::prop_assert!(low <= float && float <= high);
            }
            let choices = vec![a, b, 7];
            let picked = SwarmRng::new(seed).draw("q", &Sampled::OneOf(choices.clone()));
            proptest::prop_assert!(choices.contains(&picked));
        }
    }
}
