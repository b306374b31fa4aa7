//! The crypto API checked against published test vectors of an independent
//! MTProto implementation (the grammers project's test suite): auth key =
//! bytes 0..=255, msg_key = bytes 0..16, AES key/IV = bytes 0..32.

use sessionlab_proto::crypto::{
    decrypt, derive_aes_key_iv, encrypt_with_padding, ige_decrypt, ige_encrypt, AuthKey, Direction,
};

fn counting<const N: usize>() -> [u8; N] {
    std::array::from_fn(|i| i as u8)
}

#[test]
fn auth_key_id_and_aux_hash() {
    let key = AuthKey::from_bytes(counting());
    assert_eq!(key.id().get().to_le_bytes(), [50, 209, 88, 110, 164, 87, 223, 200]);
    assert_eq!(key.aux_hash().to_le_bytes(), [73, 22, 214, 189, 183, 247, 142, 104]);
}

#[test]
fn key_derivation_client_to_server() {
    let (aes_key, aes_iv) = derive_aes_key_iv(&AuthKey::from_bytes(counting()), &counting(), Direction::ClientToServer);
    assert_eq!(
        aes_key,
        [
            112, 78, 208, 156, 139, 65, 102, 138, 232, 249, 157, 36, 71, 56, 247, 29, 189, 220, 68, 70, 155, 107, 189,
            74, 168, 87, 61, 208, 66, 189, 5, 158
        ]
    );
    assert_eq!(
        aes_iv,
        [
            77, 38, 96, 0, 165, 80, 237, 171, 191, 76, 124, 228, 15, 208, 4, 60, 201, 34, 48, 24, 76, 211, 23, 165,
            204, 156, 36, 130, 253, 59, 147, 24
        ]
    );
}

#[test]
fn key_derivation_server_to_client() {
    let (aes_key, aes_iv) = derive_aes_key_iv(&AuthKey::from_bytes(counting()), &counting(), Direction::ServerToClient);
    assert_eq!(
        aes_key,
        [
            33, 119, 37, 121, 155, 36, 88, 6, 69, 129, 116, 161, 252, 251, 200, 131, 144, 104, 7, 177, 80, 51, 253,
            208, 234, 43, 77, 105, 207, 156, 54, 78
        ]
    );
    assert_eq!(
        aes_iv,
        [
            102, 154, 101, 56, 145, 122, 79, 165, 108, 163, 35, 96, 164, 49, 201, 22, 11, 228, 173, 136, 113, 64, 152,
            13, 171, 145, 206, 123, 220, 71, 255, 188
        ]
    );
}

#[test]
fn encrypt_client_message_with_zero_padding() {
    let key = AuthKey::from_bytes(counting());
    let plaintext = b"Hello, world! This data should remain secure!";
    let packet = encrypt_with_padding(&key, Direction::ClientToServer, plaintext, &[0; 19]);
    let expected: [u8; 88] = [
        50, 209, 88, 110, 164, 87, 223, 200, 168, 23, 41, 212, 109, 181, 64, 25, 162, 191, 215, 247, 68, 249, 185, 108,
        79, 113, 108, 253, 196, 71, 125, 178, 162, 193, 95, 109, 219, 133, 35, 95, 185, 85, 47, 29, 132, 7, 198, 170,
        234, 0, 204, 132, 76, 90, 27, 246, 172, 68, 183, 155, 94, 220, 42, 35, 134, 139, 61, 96, 115, 165, 144, 153,
        44, 15, 41, 117, 36, 61, 86, 62, 161, 128, 210, 24, 238, 117, 124, 154,
    ];
    assert_eq!(packet, expected);
    let padded = decrypt(&key, Direction::ClientToServer, &packet).expect("vector decrypts");
    assert_eq!(&padded[..plaintext.len()], plaintext);
}

#[test]
fn ige_with_counting_key_iv_and_data() {
    let block: [u8; 32] = counting();
    assert_eq!(
        ige_encrypt(&block, &block, &block),
        [
            226, 129, 18, 165, 62, 92, 137, 199, 177, 234, 128, 113, 193, 51, 105, 159, 212, 232, 107, 38, 196, 186,
            201, 252, 90, 241, 171, 140, 226, 122, 68, 164
        ]
    );
    assert_eq!(
        ige_decrypt(&block, &block, &block),
        [
            229, 119, 122, 250, 205, 123, 44, 22, 247, 172, 64, 202, 230, 30, 246, 3, 254, 230, 9, 143, 184, 168, 134,
            10, 185, 238, 103, 44, 215, 229, 186, 204
        ]
    );
}
