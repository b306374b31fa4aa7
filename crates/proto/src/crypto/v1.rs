//! MTProto 1.0 encryption, kept for the one message that still uses it:
//! the `bind_auth_key_inner` a client encrypts with its permanent key to
//! bind a temp key (`auth.bindTempAuthKey`, api/pfs).
//!
//! `msg_key` is bytes 4..20 of SHA1 of the plaintext *before* padding; the
//! AES key and IV come from four SHA1s over `msg_key` and slices of the key
//! (`x` = 0 client to server, 8 back); padding is 0..15 bytes up to a
//! whole AES block. The result is `auth_key_id ‖ msg_key ‖ ciphertext`.

use sha1::{Digest, Sha1};

use super::{array_at, ige_decrypt, ige_encrypt, split_packet, AuthKey, CryptoError, Direction, BLOCK_BYTES};

/// `(aes_key, aes_iv)` for `msg_key` and `direction`, per MTProto 1.0.
fn derive_aes_key_iv_v1(key: &AuthKey, msg_key: &[u8; 16], direction: Direction) -> ([u8; 32], [u8; 32]) {
    let x = direction.x();
    let auth = key.bytes();
    let a = Sha1::new()
        .chain_update(msg_key)
        .chain_update(&auth[x..x + 32])
        .finalize();
    let b = Sha1::new()
        .chain_update(&auth[32 + x..48 + x])
        .chain_update(msg_key)
        .chain_update(&auth[48 + x..64 + x])
        .finalize();
    let c = Sha1::new()
        .chain_update(&auth[64 + x..96 + x])
        .chain_update(msg_key)
        .finalize();
    let d = Sha1::new()
        .chain_update(msg_key)
        .chain_update(&auth[96 + x..128 + x])
        .finalize();
    let mut aes_key = [0u8; 32];
    aes_key[..8].copy_from_slice(&a[..8]);
    aes_key[8..20].copy_from_slice(&b[8..20]);
    aes_key[20..].copy_from_slice(&c[4..16]);
    let mut aes_iv = [0u8; 32];
    aes_iv[..12].copy_from_slice(&a[8..20]);
    aes_iv[12..20].copy_from_slice(&b[..8]);
    aes_iv[20..24].copy_from_slice(&c[16..20]);
    aes_iv[24..].copy_from_slice(&d[..8]);
    (aes_key, aes_iv)
}

fn msg_key_v1(plaintext: &[u8]) -> [u8; 16] {
    array_at(&Sha1::digest(plaintext), 4)
}

/// Encrypt `plaintext` with `key` the MTProto 1.0 way. `padding` supplies
/// the padding bytes (only as many as a whole block needs are used), so
/// the caller decides where randomness comes from.
pub fn encrypt_v1(key: &AuthKey, direction: Direction, plaintext: &[u8], padding: &[u8; BLOCK_BYTES]) -> Vec<u8> {
    let msg_key = msg_key_v1(plaintext);
    let (aes_key, aes_iv) = derive_aes_key_iv_v1(key, &msg_key, direction);
    let padding_length = (BLOCK_BYTES - plaintext.len() % BLOCK_BYTES) % BLOCK_BYTES;
    let mut padded = plaintext.to_vec();
    padded.extend_from_slice(&padding[..padding_length]);
    let mut packet = key.id().get().to_le_bytes().to_vec();
    packet.extend_from_slice(&msg_key);
    packet.extend_from_slice(&ige_encrypt(&aes_key, &aes_iv, &padded));
    packet
}

/// Decrypt an MTProto 1.0 message. The plaintext's own length is inside
/// it, so padding cannot be told apart here: `plaintext_length` says how
/// many leading bytes the `msg_key` covers (the caller reads it from the
/// decrypted header). Returns the whole padded plaintext.
pub fn decrypt_v1(
    key: &AuthKey,
    direction: Direction,
    packet: &[u8],
    plaintext_length: impl Fn(&[u8]) -> Option<usize>,
) -> Result<Vec<u8>, CryptoError> {
    let (msg_key, ciphertext) = split_packet(key, packet)?;
    let (aes_key, aes_iv) = derive_aes_key_iv_v1(key, &msg_key, direction);
    let plaintext = ige_decrypt(&aes_key, &aes_iv, ciphertext);
    let covered = plaintext_length(&plaintext)
        .filter(|length| *length <= plaintext.len() && plaintext.len() - length < BLOCK_BYTES)
        .ok_or(CryptoError::MsgKeyMismatch)?;
    if msg_key_v1(&plaintext[..covered]) != msg_key {
        return Err(CryptoError::MsgKeyMismatch);
    }
    Ok(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AuthKey {
        AuthKey::from_bytes(std::array::from_fn(|i| (i * 7) as u8))
    }

    fn whole(plaintext: &[u8]) -> Option<usize> {
        // The tests' plaintexts say their length in their first byte.
        plaintext.first().map(|length| usize::from(*length))
    }

    #[test]
    fn round_trip_with_and_without_padding() {
        for length in [16usize, 40, 72, 73] {
            let mut plaintext = vec![0u8; length];
            plaintext[0] = length as u8;
            let packet = encrypt_v1(&key(), Direction::ClientToServer, &plaintext, &[0xAA; 16]);
            assert_eq!(packet.len(), 24 + length.div_ceil(16) * 16);
            let decrypted = decrypt_v1(&key(), Direction::ClientToServer, &packet, whole).expect("decrypts");
            assert_eq!(&decrypted[..length], &plaintext[..]);
        }
    }

    #[test]
    fn msg_key_is_sha1_of_the_unpadded_plaintext() {
        let mut plaintext = vec![1u8; 40];
        plaintext[0] = 40;
        let packet = encrypt_v1(&key(), Direction::ClientToServer, &plaintext, &[0; 16]);
        assert_eq!(packet[8..24], Sha1::digest(&plaintext)[4..20]);
        assert_eq!(packet[..8], key().id().get().to_le_bytes());
    }

    #[test]
    fn wrong_key_direction_or_tampering_is_an_error() {
        let mut plaintext = vec![3u8; 40];
        plaintext[0] = 40;
        let packet = encrypt_v1(&key(), Direction::ClientToServer, &plaintext, &[0; 16]);
        let other = AuthKey::from_bytes([9; 256]);
        assert!(matches!(
            decrypt_v1(&other, Direction::ClientToServer, &packet, whole),
            Err(CryptoError::WrongKeyId { .. })
        ));
        assert_eq!(
            decrypt_v1(&key(), Direction::ServerToClient, &packet, whole),
            Err(CryptoError::MsgKeyMismatch)
        );
        let mut tampered = packet.clone();
        tampered[30] ^= 1;
        assert_eq!(
            decrypt_v1(&key(), Direction::ClientToServer, &tampered, whole),
            Err(CryptoError::MsgKeyMismatch)
        );
        assert!(matches!(
            decrypt_v1(&key(), Direction::ClientToServer, &packet[..30], whole),
            Err(CryptoError::TooShort { .. }) | Err(CryptoError::BadLength { .. })
        ));
    }
}
