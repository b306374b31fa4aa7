//! The framing rules byte for byte, and the round trip of every framing
//! through arbitrary chunkings.

use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(7)
}

fn counting(length: usize) -> Vec<u8> {
    (0..length).map(|i| i as u8).collect()
}

/// A plaintext MTProto packet: `auth_key_id = 0 ‖ message_id ‖ length ‖ data`.
fn plaintext_packet(data: &[u8]) -> Vec<u8> {
    let mut packet = vec![0; 8];
    packet.extend_from_slice(&0x51e5_7ac4_2000_0000u64.to_le_bytes());
    packet.extend_from_slice(&(data.len() as u32).to_le_bytes());
    packet.extend_from_slice(data);
    packet
}

/// Everything a decoder yields from `bytes` fed at once.
fn decode_all(mut decoder: FrameDecoder, bytes: &[u8]) -> Vec<Result<Frame, FramingError>> {
    decoder.handle_bytes(bytes);
    std::iter::from_fn(|| decoder.poll_frame()).collect()
}

fn packet(payload: Vec<u8>, quick_ack_requested: bool) -> Result<Frame, FramingError> {
    Ok(Frame::Packet {
        payload,
        quick_ack_requested,
    })
}

fn client_bytes(framing: Framing, frames: &[Frame]) -> Vec<u8> {
    let mut encoder = FrameEncoder::for_client(framing);
    let mut out = Vec::new();
    for frame in frames {
        encoder.encode(frame, &mut rng(), &mut out).expect("encodable");
    }
    out
}

#[test]
fn abridged_lengths_in_one_byte_and_in_four() {
    let short = counting(8);
    let long = counting(127 * 4);
    let bytes = client_bytes(
        Framing::Abridged,
        &[
            Frame::Packet {
                payload: short.clone(),
                quick_ack_requested: false,
            },
            Frame::Packet {
                payload: long.clone(),
                quick_ack_requested: true,
            },
        ],
    );
    assert_eq!(&bytes[..2], &[0xef, 0x02]);
    assert_eq!(&bytes[2..10], &short[..]);
    assert_eq!(&bytes[10..14], &[0xff, 0x7f, 0x00, 0x00]);
    assert_eq!(bytes.len(), 14 + long.len());
    assert_eq!(
        decode_all(FrameDecoder::for_server(), &bytes),
        vec![packet(short, false), packet(long, true)]
    );
}

#[test]
fn abridged_quick_acks_are_big_endian_with_the_top_bit() {
    let mut encoder = FrameEncoder::for_server(Framing::Abridged);
    let mut out = Vec::new();
    encoder
        .encode_quick_ack(0x1234_5678, &mut out)
        .expect("server sends quick acks");
    encoder.encode_transport_error(-404, &mut out);
    assert_eq!(out, [0x92, 0x34, 0x56, 0x78, 0x01, 0x6c, 0xfe, 0xff, 0xff]);
    assert_eq!(
        decode_all(FrameDecoder::for_client(Framing::Abridged), &out),
        vec![
            Ok(Frame::QuickAck { token: 0x9234_5678 }),
            Ok(Frame::TransportError { code: -404 })
        ]
    );
}

#[test]
fn intermediate_is_a_little_endian_length_and_the_top_bit_asks_for_a_quick_ack() {
    let payload = counting(8);
    let bytes = client_bytes(
        Framing::Intermediate,
        &[Frame::Packet {
            payload: payload.clone(),
            quick_ack_requested: true,
        }],
    );
    assert_eq!(&bytes[..8], &[0xee, 0xee, 0xee, 0xee, 0x08, 0x00, 0x00, 0x80]);
    assert_eq!(
        decode_all(FrameDecoder::for_server(), &bytes),
        vec![packet(payload, true)]
    );
    let mut out = Vec::new();
    let mut encoder = FrameEncoder::for_server(Framing::Intermediate);
    encoder.encode_quick_ack(0x0102_0304, &mut out).expect("quick ack");
    encoder.encode_transport_error(-429, &mut out);
    assert_eq!(
        out,
        [0x04, 0x03, 0x02, 0x81, 0x04, 0x00, 0x00, 0x00, 0x53, 0xfe, 0xff, 0xff]
    );
    assert_eq!(
        decode_all(FrameDecoder::for_client(Framing::Intermediate), &out),
        vec![
            Ok(Frame::QuickAck { token: 0x8102_0304 }),
            Ok(Frame::TransportError { code: -429 })
        ]
    );
}

#[test]
fn padded_intermediate_strips_what_the_packet_does_not_claim() {
    let plaintext = plaintext_packet(&counting(8));
    let mut bytes = PADDED_INTERMEDIATE_TAG.to_vec();
    bytes.extend_from_slice(&(plaintext.len() as u32 + 7).to_le_bytes());
    bytes.extend_from_slice(&plaintext);
    bytes.extend_from_slice(&[0xaa; 7]);
    let mut encrypted = vec![1; 24 + 32];
    encrypted[0] = 0x42;
    bytes.extend_from_slice(&(encrypted.len() as u32 + 15).to_le_bytes());
    bytes.extend_from_slice(&encrypted);
    bytes.extend_from_slice(&[0xbb; 15]);
    assert_eq!(
        decode_all(FrameDecoder::for_server(), &bytes),
        vec![packet(plaintext.clone(), false), packet(encrypted, false)]
    );
    // Sixteen bytes past a plaintext packet are not padding.
    let mut bad = PADDED_INTERMEDIATE_TAG.to_vec();
    bad.extend_from_slice(&(plaintext.len() as u32 + 16).to_le_bytes());
    bad.extend_from_slice(&plaintext);
    bad.extend_from_slice(&[0; 16]);
    assert_eq!(
        decode_all(FrameDecoder::for_server(), &bad),
        vec![Err(FramingError::BadPadding { length_bytes: 44 })]
    );
    assert_eq!(
        padded_packet_length(&[0; 6]),
        Err(FramingError::BadPadding { length_bytes: 6 })
    );
    assert_eq!(
        padded_packet_length(&[1; 30]),
        Err(FramingError::BadPadding { length_bytes: 30 })
    );
}

#[test]
fn full_frames_carry_length_sequence_and_crc() {
    let payload = counting(8);
    let frame = Frame::Packet {
        payload: payload.clone(),
        quick_ack_requested: false,
    };
    let bytes = client_bytes(Framing::Full, &[frame.clone(), frame]);
    let mut first = vec![0x14, 0, 0, 0, 0, 0, 0, 0];
    first.extend_from_slice(&payload);
    first.extend_from_slice(&0x3325_8ebau32.to_le_bytes());
    assert_eq!(&bytes[..20], &first[..]);
    assert_eq!(&bytes[24..28], &[1, 0, 0, 0]);
    assert_eq!(&bytes[36..40], &0xa880_c2d5u32.to_le_bytes());
    assert_eq!(
        decode_all(FrameDecoder::for_server(), &bytes),
        vec![packet(payload.clone(), false), packet(payload, false)]
    );
}

#[test]
fn full_frames_with_a_bad_crc_or_sequence_end_the_connection() {
    let frame = Frame::Packet {
        payload: counting(8),
        quick_ack_requested: false,
    };
    let mut corrupted = client_bytes(Framing::Full, std::slice::from_ref(&frame));
    corrupted[10] ^= 1;
    assert_eq!(
        decode_all(FrameDecoder::for_server(), &corrupted),
        vec![Err(FramingError::BadChecksum {
            expected: crc32fast::hash(&corrupted[..16]),
            found: 0x3325_8eba
        })]
    );
    let twice = client_bytes(Framing::Full, &[frame.clone(), frame]);
    let mut repeated = twice[..20].to_vec();
    repeated.extend_from_slice(&twice[..20]);
    repeated.extend_from_slice(&twice[20..]);
    let decoded = decode_all(FrameDecoder::for_server(), &repeated);
    assert_eq!(decoded.len(), 2);
    assert_eq!(decoded[1], Err(FramingError::BadSequence { expected: 1, found: 0 }));
}

#[test]
fn the_first_bytes_name_the_framing_or_what_is_refused() {
    let cases: [(&[u8], Result<Detection, FramingError>); 8] = [
        (&[], Ok(Detection::NeedMoreBytes)),
        (&[0xee, 0xee, 0xee], Ok(Detection::NeedMoreBytes)),
        (&[0x34, 0, 0, 0, 0, 0], Ok(Detection::NeedMoreBytes)),
        (
            &[0x34, 0, 0, 0, 0, 0, 0, 0],
            Ok(Detection::Framing {
                framing: Framing::Full,
                tag_bytes: 0,
            }),
        ),
        (&[0x34, 0, 0, 0, 9, 0, 0, 0], Err(FramingError::Obfuscated)),
        (b"POST /api", Err(FramingError::Http)),
        (&[0x16, 0x03, 0x01, 0x02, 0x00], Err(FramingError::Tls)),
        (
            &[0xdd; 4],
            Ok(Detection::Framing {
                framing: Framing::PaddedIntermediate,
                tag_bytes: 4,
            }),
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(detect_framing(bytes), expected, "{bytes:02x?}");
    }
}

#[test]
fn lengths_out_of_bounds_are_refused_before_the_payload_arrives() {
    let cases: [(&[u8], FramingError); 5] = [
        (&[0xef, 0x00], FramingError::FrameTooShort { length_bytes: 0 }),
        (
            &[0xef, 0x7f, 0xff, 0xff, 0xff],
            FramingError::FrameTooLarge {
                length_bytes: 0xff_ffff * 4,
            },
        ),
        (
            &[0xee, 0xee, 0xee, 0xee, 0x06, 0, 0, 0],
            FramingError::NotMultipleOfFour { length_bytes: 6 },
        ),
        (
            &[0xee, 0xee, 0xee, 0xee, 0xff, 0xff, 0xff, 0x7f],
            FramingError::FrameTooLarge {
                length_bytes: 0x7fff_ffff,
            },
        ),
        (
            &[0x0e, 0, 0, 0, 0, 0, 0, 0],
            FramingError::NotMultipleOfFour { length_bytes: 14 },
        ),
    ];
    for (bytes, expected) in cases {
        let mut decoder = FrameDecoder::for_server();
        decoder.handle_bytes(bytes);
        assert_eq!(decoder.poll_frame(), Some(Err(expected)), "{bytes:02x?}");
        assert_eq!(decoder.poll_frame(), None, "the error comes once");
        assert!(decoder.has_failed());
        decoder.handle_bytes(&[0xef, 0x01, 0, 0, 0, 0]);
        assert_eq!(decoder.poll_frame(), None, "input after the error is ignored");
    }
}

#[test]
fn more_than_the_buffer_holds_is_an_error_after_the_whole_frames() {
    let mut decoder = FrameDecoder::for_server();
    let mut bytes = client_bytes(Framing::Intermediate, &[Frame::TransportError { code: -1 }]);
    let longest = MAX_PAYLOAD_BYTES & !3;
    bytes.extend_from_slice(&(longest as u32).to_le_bytes());
    decoder.handle_bytes(&bytes);
    decoder.handle_bytes(&vec![0; longest - 1]);
    assert_eq!(decoder.buffered_bytes(), bytes.len() + longest - 1);
    decoder.handle_bytes(&vec![0; MAX_BUFFERED_BYTES]);
    assert_eq!(decoder.poll_frame(), Some(Ok(Frame::TransportError { code: -1 })));
    assert_eq!(decoder.poll_frame(), Some(Err(FramingError::BufferFull)));
    assert_eq!(decoder.poll_frame(), None);
}

#[test]
fn quick_acks_only_go_where_the_framing_and_direction_allow() {
    let mut out = Vec::new();
    let request = Frame::Packet {
        payload: counting(8),
        quick_ack_requested: true,
    };
    let cases = [
        (FrameEncoder::for_client(Framing::Full), request.clone()),
        (FrameEncoder::for_server(Framing::Abridged), request),
        (
            FrameEncoder::for_client(Framing::Abridged),
            Frame::QuickAck { token: 1 },
        ),
        (FrameEncoder::for_server(Framing::Full), Frame::QuickAck { token: 1 }),
    ];
    for (mut encoder, frame) in cases {
        assert_eq!(
            encoder.encode(&frame, &mut rng(), &mut out),
            Err(FramingError::UnexpectedQuickAck)
        );
    }
    let mut encoder = FrameEncoder::for_client(Framing::Abridged);
    let payloads: [(&[u8], FramingError); 2] = [
        (&[1, 2], FramingError::FrameTooShort { length_bytes: 2 }),
        (&[0; 6], FramingError::NotMultipleOfFour { length_bytes: 6 }),
    ];
    for (payload, expected) in payloads {
        assert_eq!(encoder.encode_packet(payload, &mut rng(), &mut out), Err(expected));
    }
    assert!(out.is_empty(), "nothing is written on error");
}

/// Payloads the padded framing can delimit: plaintext or encrypted packets.
fn packet_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u32>(), 1..40)
            .prop_map(|words| plaintext_packet(&words.iter().flat_map(|word| word.to_le_bytes()).collect::<Vec<_>>())),
        (1usize..30, any::<u8>()).prop_map(|(blocks, fill)| {
            let mut packet = vec![fill; 24 + 16 * blocks];
            packet[0] = 1;
            packet
        }),
    ]
}

fn frame_strategy() -> impl Strategy<Value = (Vec<u8>, bool)> {
    (packet_strategy(), any::<bool>())
}

/// `frames` through `encoder`, then through `decoder` in chunks of `chunk_lengths` (cycled).
fn round_trip(
    mut encoder: FrameEncoder,
    mut decoder: FrameDecoder,
    frames: &[Frame],
    chunk_lengths: &[usize],
    random: &mut ChaCha20Rng,
) -> Vec<Frame> {
    let mut bytes = Vec::new();
    for frame in frames {
        encoder.encode(frame, random, &mut bytes).expect("encodable");
    }
    let mut decoded = Vec::new();
    let mut rest = &bytes[..];
    for length in chunk_lengths.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at((*length).min(rest.len()));
        decoder.handle_bytes(chunk);
        rest = tail;
        while let Some(frame) = decoder.poll_frame() {
            decoded.push(frame.expect("well-formed stream"));
        }
    }
    assert_eq!(decoder.buffered_bytes(), 0);
    decoded
}

proptest! {
    #[test]
    fn every_framing_round_trips_in_any_chunking(
        packets in proptest::collection::vec(frame_strategy(), 0..12),
        chunk_lengths in proptest::collection::vec(1usize..64, 1..16),
        seed in any::<u64>(),
    ) {
        let mut random = ChaCha20Rng::seed_from_u64(seed);
        for framing in Framing::ALL {
            let requests: Vec<Frame> = packets
                .iter()
                .map(|(payload, quick)| Frame::Packet {
                    payload: payload.clone(),
                    quick_ack_requested: *quick && framing.supports_quick_ack(),
                })
                .collect();
            let client = (FrameEncoder::for_client(framing), FrameDecoder::for_server());
            let decoded = round_trip(client.0, client.1, &requests, &chunk_lengths, &mut random);
            prop_assert_eq!(decoded, requests);
            let answers: Vec<Frame> = packets
                .iter()
                .map(|(payload, quick)| match (*quick, framing.supports_quick_ack()) {
                    (true, true) => Frame::QuickAck { token: QUICK_ACK_BIT | payload.len() as u32 },
                    (true, false) => Frame::TransportError { code: -404 },
                    _ => Frame::Packet { payload: payload.clone(), quick_ack_requested: false },
                })
                .collect();
            let server = (FrameEncoder::for_server(framing), FrameDecoder::for_client(framing));
            let decoded = round_trip(server.0, server.1, &answers, &chunk_lengths, &mut random);
            prop_assert_eq!(decoded, answers);
        }
    }
}
