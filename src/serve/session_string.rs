//! Telethon's `StringSession`: how a researcher (or an attacker) carries a
//! logged-in session from one process to another as one line of text.
//!
//! The format (telethon/sessions/string.py, version `'1'`): the character
//! `1`, then the URL-safe base64 (with padding) of
//! `struct.pack('>B4sH256s', dc_id, ipv4, port, auth_key)` — 263 bytes, 352
//! characters. It carries no server salt and no session id: a client that
//! loads it starts a new session and learns the salt from the server.

use std::net::Ipv4Addr;

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use sessionlab_proto::crypto::{AuthKey, AUTH_KEY_BYTES};
use sessionlab_proto::id::DcId;

/// The version character Telethon writes first.
pub const SESSION_STRING_VERSION: char = '1';

/// Bytes of the packed session: dc id (1), IPv4 address (4), port (2), key (256).
pub const PACKED_SESSION_BYTES: usize = 1 + 4 + 2 + AUTH_KEY_BYTES;

/// What a session string holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TelethonSession {
    /// The datacenter the key belongs to.
    pub dc: DcId,
    /// The datacenter's address.
    pub ip: Ipv4Addr,
    /// The datacenter's port.
    pub port: u16,
    /// The auth key.
    pub auth_key: AuthKey,
}

/// Why a string is not a session string this module reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionStringError {
    /// The first character is not `1`.
    #[error("a session string starts with '{SESSION_STRING_VERSION}'")]
    Version,
    /// The rest is not URL-safe base64.
    #[error("a session string is URL-safe base64 after its version: {0}")]
    Base64(String),
    /// The decoded bytes are not dc, IPv4, port and key (IPv6 strings are not read).
    #[error("a session string packs {PACKED_SESSION_BYTES} bytes (IPv4), found {0}")]
    Length(usize),
    /// The datacenter id is zero.
    #[error("a session string's datacenter id is positive")]
    DcId,
}

impl TelethonSession {
    /// The session string Telethon's `StringSession(…)` loads.
    pub fn encode(&self) -> String {
        let mut packed = Vec::with_capacity(PACKED_SESSION_BYTES);
        // Telethon packs the dc id as an unsigned byte: ids above 255 cannot be carried.
        packed.push(u8::try_from(self.dc.get()).unwrap_or(u8::MAX));
        packed.extend_from_slice(&self.ip.octets());
        packed.extend_from_slice(&self.port.to_be_bytes());
        packed.extend_from_slice(self.auth_key.bytes());
        debug_assert_eq!(packed.len(), PACKED_SESSION_BYTES);
        format!("{SESSION_STRING_VERSION}{}", URL_SAFE.encode(packed))
    }

    /// Read a session string (the IPv4 form).
    pub fn decode(text: &str) -> Result<TelethonSession, SessionStringError> {
        let rest = text
            .strip_prefix(SESSION_STRING_VERSION)
            .ok_or(SessionStringError::Version)?;
        let packed = URL_SAFE
            .decode(rest.trim_end())
            .map_err(|error| SessionStringError::Base64(error.to_string()))?;
        if packed.len() != PACKED_SESSION_BYTES {
            return Err(SessionStringError::Length(packed.len()));
        }
        let dc = u32::from(packed[0]);
        if dc == 0 {
            return Err(SessionStringError::DcId);
        }
        let ip = Ipv4Addr::new(packed[1], packed[2], packed[3], packed[4]);
        let port = u16::from_be_bytes([packed[5], packed[6]]);
        let mut key = [0u8; AUTH_KEY_BYTES];
        key.copy_from_slice(&packed[7..]);
        Ok(TelethonSession {
            dc: DcId::new(dc),
            ip,
            port,
            auth_key: AuthKey::from_bytes(key),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> TelethonSession {
        let mut key = [0u8; AUTH_KEY_BYTES];
        for (index, byte) in key.iter_mut().enumerate() {
            *byte = index as u8;
        }
        TelethonSession {
            dc: DcId::new(2),
            ip: Ipv4Addr::new(127, 0, 0, 1),
            port: 4431,
            auth_key: AuthKey::from_bytes(key),
        }
    }

    #[test]
    fn the_string_is_telethons_struct_in_url_safe_base64() {
        let text = session().encode();
        assert_eq!(text.len(), 352 + 1, "Telethon tells IPv4 from IPv6 by this length");
        // struct.pack('>B4sH256s', 2, b'\x7f\0\0\x01', 4431, bytes(range(256)))
        // starts 02 7f 00 00 01 11 4f 00 01 02: base64 "An8AAAERTwABAg".
        assert!(text.starts_with("1An8AAAERTwABAg"), "{text}");
        assert!(text.ends_with('='), "padded, as Python's urlsafe_b64decode needs");
        assert_eq!(TelethonSession::decode(&text), Ok(session()));
    }

    #[test]
    fn bad_strings_are_refused_with_their_reason() {
        let text = session().encode();
        assert_eq!(TelethonSession::decode(&text[1..]), Err(SessionStringError::Version));
        assert!(matches!(
            TelethonSession::decode("1!!!!"),
            Err(SessionStringError::Base64(_))
        ));
        assert_eq!(TelethonSession::decode("1AAAA"), Err(SessionStringError::Length(3)));
        let mut zero_dc = session();
        zero_dc.dc = DcId::new(0);
        assert_eq!(
            TelethonSession::decode(&zero_dc.encode()),
            Err(SessionStringError::DcId)
        );
    }
}
