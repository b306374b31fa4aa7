//! Fuzz target `transport_framing`: arbitrary bytes as a connection's
//! stream into a server's [`FrameDecoder`] and into a client's of every
//! framing, cut into arbitrary chunks. Nothing may panic, the buffer
//! stays bounded, every packet is within the limit, an error comes once;
//! and frames the input describes, encoded, decode to themselves.

use arbitrary::{Arbitrary, Unstructured};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use sessionlab_proto::framing::{Frame, FrameDecoder, FrameEncoder, Framing, MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES};

/// Feed `stream` in chunks of the lengths `chunk_lengths` gives (cycled),
/// polling after each; returns what came out, checking the decoder's bounds.
fn feed(mut decoder: FrameDecoder, stream: &[u8], chunk_lengths: &[u8]) -> Vec<Frame> {
    let mut frames = Vec::new();
    let mut errors = 0;
    let mut rest = stream;
    let mut lengths = chunk_lengths.iter().map(|length| usize::from(*length).max(1)).cycle();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(lengths.next().unwrap_or(rest.len()).min(rest.len()));
        rest = tail;
        decoder.handle_bytes(chunk);
        assert!(decoder.buffered_bytes() <= MAX_BUFFERED_BYTES, "buffer over its bound");
        while let Some(outcome) = decoder.poll_frame() {
            match outcome {
                Ok(Frame::Packet { payload, .. }) => {
                    assert!(
                        (8..=MAX_PAYLOAD_BYTES).contains(&payload.len()),
                        "packet length out of bounds"
                    );
                    frames.push(Frame::Packet {
                        payload,
                        quick_ack_requested: false,
                    });
                }
                Ok(frame) => frames.push(frame),
                Err(_) => errors += 1,
            }
        }
    }
    assert!(errors <= 1, "an error comes once");
    assert!(errors == 0 || decoder.has_failed());
    frames
}

/// A frame to send, as the input describes it.
#[derive(Debug, Arbitrary)]
enum Outgoing {
    Packet(Vec<u32>),
    QuickAck(u32),
    TransportError(i32),
}

pub fn transport_framing(data: &[u8]) {
    let split = data.len().min(usize::from(data.first().copied().unwrap_or(0)));
    let (chunk_lengths, stream) = data.split_at(split);
    feed(FrameDecoder::for_server(), stream, chunk_lengths);
    for framing in Framing::ALL {
        feed(FrameDecoder::for_client(framing), stream, chunk_lengths);
    }
    // What the input describes, from a server in every framing.
    let mut input = Unstructured::new(stream);
    let Ok(outgoing) = Vec::<Outgoing>::arbitrary(&mut input) else {
        return;
    };
    let mut random = ChaCha20Rng::seed_from_u64(u64::from(split as u32));
    for framing in Framing::ALL {
        let mut encoder = FrameEncoder::for_server(framing);
        let mut bytes = Vec::new();
        let mut sent = Vec::new();
        for frame in &outgoing {
            let frame = match frame {
                // Plaintext-shaped, so that padded intermediate can delimit it.
                Outgoing::Packet(words) => {
                    let mut payload = vec![0u8; 16];
                    payload.extend_from_slice(&(words.len() as u32 * 4).to_le_bytes());
                    payload.extend(words.iter().flat_map(|word| word.to_le_bytes()));
                    Frame::Packet {
                        payload,
                        quick_ack_requested: false,
                    }
                }
                Outgoing::QuickAck(token) => Frame::QuickAck {
                    token: token | (1 << 31),
                },
                Outgoing::TransportError(code) => Frame::TransportError { code: *code },
            };
            if encoder.encode(&frame, &mut random, &mut bytes).is_ok() {
                sent.push(frame);
            }
        }
        assert_eq!(
            feed(FrameDecoder::for_client(framing), &bytes, chunk_lengths),
            sent,
            "{framing:?}: encode then decode is not the identity"
        );
    }
}
