//! Fuzz target `session_string`: a Telethon `StringSession` line as
//! arbitrary text, the way `sessionlab serve --session-string` and a stolen
//! session file reach the core. A damaged string must be an error value,
//! never a panic, and a string that reads must write back to a canonical
//! string that reads to the same session: nothing is lost on the way.

use sessionlab::serve::{TelethonSession, PACKED_SESSION_BYTES, SESSION_STRING_VERSION};

pub fn session_string(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(session) = TelethonSession::decode(&text) else {
        return;
    };
    let written = session.encode();
    assert!(written.starts_with(SESSION_STRING_VERSION));
    assert_eq!(
        written.len(),
        1 + PACKED_SESSION_BYTES.div_ceil(3) * 4,
        "the padded base64 of the packed session"
    );
    assert_eq!(
        TelethonSession::decode(&written).as_ref(),
        Ok(&session),
        "a session does not survive a write and a read"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_wrong_and_good_strings_all_pass() {
        for text in ["", "1", "2AAAA", "1!!!!", "1AAAA", "1AAAAAAAAAAA\n"] {
            session_string(text.as_bytes());
        }
        let mut packed = vec![2u8, 127, 0, 0, 1, 0x11, 0x4f];
        packed.extend(0..=255u8);
        let good = format!("1{}", base64_url(&packed));
        assert!(TelethonSession::decode(&good).is_ok());
        session_string(good.as_bytes());
        session_string(format!("{good}\n").as_bytes());
    }

    /// URL-safe base64 with padding, written out so the test does not
    /// lean on the code under test.
    fn base64_url(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let word = (u32::from(chunk[0]) << 16)
                | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
                | u32::from(*chunk.get(2).unwrap_or(&0));
            for index in 0..4 {
                if index <= chunk.len() {
                    out.push(char::from(ALPHABET[(word >> (18 - 6 * index)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}
