//! Which framing a client chose, from its first bytes, as Telegram's
//! server tells them apart.

use super::{Framing, FramingError, ABRIDGED_TAG, INTERMEDIATE_TAG, PADDED_INTERMEDIATE_TAG};

/// What the first bytes of a connection say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detection {
    /// Not enough bytes yet to tell.
    NeedMoreBytes,
    /// The framing, and how many bytes of tag to skip.
    Framing {
        /// The client's framing.
        framing: Framing,
        /// The tag's length: 1, 4, or 0 for [`Framing::Full`].
        tag_bytes: usize,
    },
}

/// The first words of what the server refuses: HTTP methods and TLS.
const HTTP_PREFIXES: [&[u8; 4]; 4] = [b"POST", b"GET ", b"HEAD", b"OPTI"];
const TLS_PREFIX: [u8; 3] = [0x16, 0x03, 0x01];

/// Tell a connection's framing from its first bytes.
///
/// `ef` is abridged; `ee ee ee ee` intermediate; `dd dd dd dd` padded
/// intermediate. Otherwise the full framing's first packet starts with its
/// length and a sequence number of 0, so its second word is zero; an
/// obfuscated2 header is random with a non-zero second word (clients make
/// sure of it), which is how the two differ.
pub fn detect_framing(first_bytes: &[u8]) -> Result<Detection, FramingError> {
    let Some(&first) = first_bytes.first() else {
        return Ok(Detection::NeedMoreBytes);
    };
    if first == ABRIDGED_TAG {
        return Ok(Detection::Framing {
            framing: Framing::Abridged,
            tag_bytes: 1,
        });
    }
    if first_bytes.len() >= TLS_PREFIX.len() && first_bytes[..TLS_PREFIX.len()] == TLS_PREFIX {
        return Err(FramingError::Tls);
    }
    let Some(word) = first_bytes.get(..4) else {
        return Ok(Detection::NeedMoreBytes);
    };
    if word == INTERMEDIATE_TAG {
        return Ok(Detection::Framing {
            framing: Framing::Intermediate,
            tag_bytes: 4,
        });
    }
    if word == PADDED_INTERMEDIATE_TAG {
        return Ok(Detection::Framing {
            framing: Framing::PaddedIntermediate,
            tag_bytes: 4,
        });
    }
    if HTTP_PREFIXES.iter().any(|prefix| word == &prefix[..]) {
        return Err(FramingError::Http);
    }
    match first_bytes.get(4..8) {
        None => Ok(Detection::NeedMoreBytes),
        Some([0, 0, 0, 0]) => Ok(Detection::Framing {
            framing: Framing::Full,
            tag_bytes: 0,
        }),
        Some(_) => Err(FramingError::Obfuscated),
    }
}
