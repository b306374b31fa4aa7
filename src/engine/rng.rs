//! RNG streams: every component draws from its own ChaCha12 stream, seeded
//! from (scenario seed, stable label).
//!
//! The 32-byte stream seed is `SHA-256("sessionlab/rng/v1" ‖ 0 ‖ seed (u64 LE) ‖ label)`.
//! A stream depends on nothing but the seed and its label, so adding a device
//! or an attacker (a new label) never perturbs the draws of any other stream,
//! and the order in which streams are first used does not matter.

use std::collections::BTreeMap;

use rand_chacha::ChaCha12Rng;
use rand_core::SeedableRng;
use sha2::{Digest, Sha256};

/// Domain separation for stream seeds, versioned so a change of derivation is visible.
const SEED_DOMAIN: &[u8] = b"sessionlab/rng/v1\0";

/// Longest label accepted. Labels embed names from scenario files
/// ("attacker/malware-copy/3"), so their length is bounded.
pub const MAX_LABEL_BYTES: usize = 256;

/// Most streams one [`RngStreams`] holds: a few per device and attacker of a
/// large scenario, with room to spare.
pub const MAX_STREAMS: usize = 1 << 20;

/// The label of the network model's stream.
pub const NETWORK_LABEL: &str = "network";

/// Why a stream could not be created.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RngError {
    #[error("RNG stream label is empty")]
    EmptyLabel,
    #[error("RNG stream label of {length} bytes exceeds {MAX_LABEL_BYTES}")]
    LabelTooLong { length: usize },
    #[error("too many RNG streams: limit {MAX_STREAMS}")]
    TooManyStreams,
}

/// The label of device `id`'s stream.
pub fn device_label(id: u64) -> String {
    format!("device/{id}")
}

/// The label of the `index`-th instance of attacker `name`.
pub fn attacker_label(name: &str, index: u64) -> String {
    format!("attacker/{name}/{index}")
}

/// The 32-byte ChaCha seed of stream `label` under scenario `seed`.
pub fn derive_seed(seed: u64, label: &str) -> Result<[u8; 32], RngError> {
    check_label(label)?;
    let mut hasher = Sha256::new();
    hasher.update(SEED_DOMAIN);
    hasher.update(seed.to_le_bytes());
    hasher.update(label.as_bytes());
    Ok(hasher.finalize().into())
}

/// A fresh stream for `label` under scenario `seed`, independent of every other.
pub fn stream(seed: u64, label: &str) -> Result<ChaCha12Rng, RngError> {
    Ok(ChaCha12Rng::from_seed(derive_seed(seed, label)?))
}

fn check_label(label: &str) -> Result<(), RngError> {
    if label.is_empty() {
        return Err(RngError::EmptyLabel);
    }
    if label.len() > MAX_LABEL_BYTES {
        return Err(RngError::LabelTooLong { length: label.len() });
    }
    Ok(())
}

/// The streams of one run, created on first use and kept by label.
#[derive(Clone, Debug)]
pub struct RngStreams {
    seed: u64,
    streams: BTreeMap<String, ChaCha12Rng>,
}

impl RngStreams {
    /// No streams yet, for scenario seed `seed`.
    pub fn new(seed: u64) -> RngStreams {
        RngStreams {
            seed,
            streams: BTreeMap::new(),
        }
    }

    /// The scenario seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The stream for `label`, created at its start on first use and
    /// continuing where it left off afterwards.
    pub fn get(&mut self, label: &str) -> Result<&mut ChaCha12Rng, RngError> {
        if !self.streams.contains_key(label) {
            if self.streams.len() >= MAX_STREAMS {
                return Err(RngError::TooManyStreams);
            }
            let rng = stream(self.seed, label)?;
            self.streams.insert(label.to_owned(), rng);
        }
        Ok(self.streams.get_mut(label).expect("inserted above"))
    }

    /// How many streams exist.
    pub fn len(&self) -> usize {
        self.streams.len()
    }

    /// Whether no stream exists yet.
    pub fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::RngCore;

    fn draws(rng: &mut impl RngCore, count: usize) -> Vec<u64> {
        (0..count).map(|_| rng.next_u64()).collect()
    }

    #[test]
    fn seed_derivation_is_sha256_of_domain_seed_label() {
        let mut hasher = Sha256::new();
        hasher.update(b"sessionlab/rng/v1\0");
        hasher.update(7u64.to_le_bytes());
        hasher.update(b"network");
        let expected: [u8; 32] = hasher.finalize().into();
        assert_eq!(derive_seed(7, NETWORK_LABEL), Ok(expected));
    }

    #[test]
    fn streams_differ_by_label_and_by_seed() {
        let network = draws(&mut stream(1, "network").unwrap(), 4);
        assert_ne!(network, draws(&mut stream(1, "device/0").unwrap(), 4));
        assert_ne!(network, draws(&mut stream(2, "network").unwrap(), 4));
        assert_eq!(network, draws(&mut stream(1, "network").unwrap(), 4));
    }

    #[test]
    fn adding_a_stream_does_not_perturb_others() {
        let mut alone = RngStreams::new(42);
        let expected = draws(alone.get("device/1").unwrap(), 8);
        let mut crowded = RngStreams::new(42);
        let mut interleaved = Vec::new();
        for _ in 0..8 {
            draws(crowded.get("device/0").unwrap(), 3);
            interleaved.push(crowded.get("device/1").unwrap().next_u64());
            draws(crowded.get(&attacker_label("malware-copy", 3)).unwrap(), 1);
        }
        assert_eq!(interleaved, expected);
        assert_eq!(crowded.len(), 3);
    }

    #[test]
    fn labels_are_bounded() {
        let mut streams = RngStreams::new(0);
        assert_eq!(streams.get("").err(), Some(RngError::EmptyLabel));
        let long = "x".repeat(MAX_LABEL_BYTES + 1);
        assert_eq!(streams.get(&long).err(), Some(RngError::LabelTooLong { length: 257 }));
        assert!(streams.get(&"x".repeat(MAX_LABEL_BYTES)).is_ok());
    }

    #[test]
    fn label_helpers_are_stable() {
        assert_eq!(device_label(17), "device/17");
        assert_eq!(attacker_label("malware-copy", 3), "attacker/malware-copy/3");
    }
}
