//! Server salts: one per auth key per 30-minute period, the previous one
//! accepted for 1800 s more.
//!
//! A salt is derived from a per-key secret and the period number, so the
//! schedule needs no state and no clock: any period's salt can be computed
//! from `now`. The secret comes from the caller's RNG when the key is
//! registered.
//!
//! A key made by the key exchange also has its first salt,
//! `new_nonce[0..8] XOR server_nonce[0..8]` (mtproto/auth_key, step 9),
//! which the client sends its first messages with: it is accepted during
//! the period the key was made in and the grace after it, like the
//! previous period's salt.

use rand_core::RngCore;
use sha2::{Digest, Sha256};

use crate::time::Instant;
use crate::wire::{FutureSalt, MAX_FUTURE_SALTS};

/// How long one salt is current.
pub(crate) const SALT_PERIOD_SECONDS: u64 = 1800;
/// How long a salt stays valid after it stops being current.
pub(crate) const SALT_GRACE_SECONDS: u64 = 1800;

/// The salt schedule of one auth key.
#[derive(Clone)]
pub struct SaltSchedule {
    secret: [u8; 32],
    /// (period, salt of that period, salt of the one before): every packet
    /// asks, and a period lasts 30 minutes, so one SHA-256 per period
    /// instead of up to three per packet.
    cache: std::cell::Cell<Option<(u64, u64, u64)>>,
    /// The key exchange's salt and the period the key was made in.
    first: Option<(u64, u64)>,
}

impl PartialEq for SaltSchedule {
    fn eq(&self, other: &SaltSchedule) -> bool {
        self.secret == other.secret && self.first == other.first
    }
}

impl Eq for SaltSchedule {}

impl std::fmt::Debug for SaltSchedule {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SaltSchedule(..)")
    }
}

impl SaltSchedule {
    /// A schedule with a fresh secret from `rng` (when a key is registered).
    pub fn new(rng: &mut impl RngCore) -> SaltSchedule {
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        SaltSchedule::from_secret(secret)
    }

    /// The schedule of a known secret (tests, restored state).
    pub fn from_secret(secret: [u8; 32]) -> SaltSchedule {
        SaltSchedule {
            secret,
            cache: std::cell::Cell::new(None),
            first: None,
        }
    }

    /// The schedule of a key the exchange made at `made_at`, ending with
    /// `first_salt`: that salt is accepted too, until the grace after the
    /// period of `made_at` ends.
    pub fn with_first_salt(rng: &mut impl RngCore, first_salt: u64, made_at: Instant) -> SaltSchedule {
        SaltSchedule {
            first: Some((first_salt, Self::period(made_at))),
            ..SaltSchedule::new(rng)
        }
    }

    /// (current, previous) salts of `period`, computed once per period.
    fn salts_of(&self, period: u64) -> (u64, u64) {
        if let Some((cached, current, previous)) = self.cache.get() {
            if cached == period {
                return (current, previous);
            }
        }
        let current = self.salt_for_period(period);
        let previous = if period > 0 {
            self.salt_for_period(period - 1)
        } else {
            current
        };
        self.cache.set(Some((period, current, previous)));
        (current, previous)
    }

    fn period(at: Instant) -> u64 {
        at.unix_seconds() / SALT_PERIOD_SECONDS
    }

    fn salt_for_period(&self, period: u64) -> u64 {
        let digest = Sha256::new()
            .chain_update(self.secret)
            .chain_update(period.to_le_bytes())
            .finalize();
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(bytes)
    }

    /// The salt a client should use now.
    pub fn current(&self, now: Instant) -> u64 {
        self.salts_of(Self::period(now)).0
    }

    /// Whether `salt` is accepted now: the current one, or the previous one
    /// within its grace period.
    pub fn is_valid(&self, salt: u64, now: Instant) -> bool {
        let period = Self::period(now);
        let (current, previous) = self.salts_of(period);
        // The previous period's salt became non-current at period·1800 s;
        // with a 1800 s grace it is valid throughout the current period.
        const _: () = assert!(SALT_GRACE_SECONDS == SALT_PERIOD_SECONDS);
        let first_valid = self
            .first
            .is_some_and(|(first, made_in)| salt == first && period <= made_in.saturating_add(1));
        salt == current || (period > 0 && salt == previous) || first_valid
    }

    /// `future_salts`' list for `get_future_salts(num)`: the current salt
    /// and the ones after it, `num` in all (clamped to 1..=64), each valid
    /// from the start of its period until the end of its grace.
    pub fn future_salts(&self, now: Instant, num: i32) -> Vec<FutureSalt> {
        let count = usize::try_from(num).unwrap_or(0).clamp(1, MAX_FUTURE_SALTS) as u64;
        let first = Self::period(now);
        (first..first + count)
            .map(|period| {
                let since = period * SALT_PERIOD_SECONDS;
                FutureSalt {
                    valid_since: u32::try_from(since).unwrap_or(u32::MAX),
                    valid_until: u32::try_from(since + SALT_PERIOD_SECONDS + SALT_GRACE_SECONDS).unwrap_or(u32::MAX),
                    salt: if period == first {
                        self.current(now)
                    } else {
                        self.salt_for_period(period)
                    },
                }
            })
            .collect()
    }

    /// When the current salt stops being current.
    pub fn next_rotation(&self, now: Instant) -> Instant {
        Instant::from_unix_seconds((Self::period(now) + 1) * SALT_PERIOD_SECONDS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_previous_and_stale_salts() {
        let schedule = SaltSchedule::from_secret([3; 32]);
        let start = Instant::from_unix_seconds(1_767_225_600);
        let salt = schedule.current(start);
        assert!(schedule.is_valid(salt, start));
        let rotation = schedule.next_rotation(start);
        assert_ne!(schedule.current(rotation), salt, "salt rotates every 30 minutes");
        assert!(schedule.is_valid(salt, rotation), "previous salt valid for 1800 s more");
        let later = Instant::from_unix_seconds(rotation.unix_seconds() + SALT_GRACE_SECONDS);
        assert!(!schedule.is_valid(salt, later), "and no longer");
        assert!(!schedule.is_valid(salt ^ 1, start));
    }

    #[test]
    fn future_salts_are_the_salts_the_schedule_will_accept() {
        let schedule = SaltSchedule::from_secret([5; 32]);
        let start = Instant::from_unix_seconds(1_767_225_600 + 100);
        let salts = schedule.future_salts(start, 64);
        assert_eq!(salts.len(), 64);
        assert_eq!(salts[0].salt, schedule.current(start));
        assert_eq!(salts[0].valid_since, 1_767_225_600);
        for salt in &salts {
            let since = Instant::from_unix_seconds(u64::from(salt.valid_since));
            let last = Instant::from_unix_seconds(u64::from(salt.valid_until) - 1);
            let after = Instant::from_unix_seconds(u64::from(salt.valid_until));
            assert!(schedule.is_valid(salt.salt, since) && schedule.is_valid(salt.salt, last));
            assert!(!schedule.is_valid(salt.salt, after));
        }
        assert_eq!(schedule.future_salts(start, 0).len(), 1, "at least one");
        assert_eq!(schedule.future_salts(start, -5).len(), 1);
        assert_eq!(schedule.future_salts(start, 1000).len(), 64, "at most 64");
    }

    #[test]
    fn different_keys_have_different_salts() {
        let at = Instant::from_unix_seconds(1_767_225_600);
        assert_ne!(
            SaltSchedule::from_secret([1; 32]).current(at),
            SaltSchedule::from_secret([2; 32]).current(at)
        );
    }

    #[test]
    fn the_key_exchanges_salt_is_accepted_until_the_grace_after_its_period() {
        use rand_chacha::rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let made_at = Instant::from_unix_seconds(1_767_225_600 + 1799);
        let schedule = SaltSchedule::with_first_salt(&mut rng, 0xfeed, made_at);
        assert_ne!(schedule.current(made_at), 0xfeed);
        assert!(schedule.is_valid(0xfeed, made_at));
        let next_period_end = Instant::from_unix_seconds(1_767_225_600 + 2 * SALT_PERIOD_SECONDS - 1);
        assert!(schedule.is_valid(0xfeed, next_period_end), "valid through the grace");
        let after = Instant::from_unix_seconds(1_767_225_600 + 2 * SALT_PERIOD_SECONDS);
        assert!(!schedule.is_valid(0xfeed, after), "and no longer");
        assert!(!schedule.is_valid(0xfeee, made_at));
        assert!(
            !SaltSchedule::from_secret([7; 32]).is_valid(0xfeed, made_at),
            "a schedule without a first salt does not take it"
        );
    }
}
