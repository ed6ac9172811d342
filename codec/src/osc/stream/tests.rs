//! Shared test helpers and the properties that hold for every framing.
use super::{length_prefix, slip, AutoDecoder, FrameError, LengthPrefixDecoder, SlipDecoder};
use proptest::prelude::*;
use std::vec::Vec;

/// `/foo ,i 1`.
pub(super) const FOO_I1: &[u8] = b"/foo\0\0\0\0,i\0\0\0\0\0\x01";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Event {
    Frame(Vec<u8>),
    Error(FrameError),
}

/// The three decoders behind one face, so every property runs on each.
pub(super) trait Decoder {
    fn next_event(&mut self, input: &mut &[u8]) -> Option<Event>;
    fn end(&mut self) -> Result<(), FrameError>;
    fn capacity(&self) -> usize;
}

macro_rules! impl_decoder {
    ($ty:ident) => {
        impl<B: AsRef<[u8]> + AsMut<[u8]>> Decoder for $ty<B> {
            fn next_event(&mut self, input: &mut &[u8]) -> Option<Event> {
                Some(match self.feed(input)? {
                    Ok(frame) => Event::Frame(frame.to_vec()),
                    Err(error) => Event::Error(error),
                })
            }
            fn end(&mut self) -> Result<(), FrameError> {
                self.finish()
            }
            fn capacity(&self) -> usize {
                self.frame_capacity()
            }
        }
    };
}
impl_decoder!(SlipDecoder);
impl_decoder!(LengthPrefixDecoder);
impl_decoder!(AutoDecoder);

/// Feeds `chunks` in order and returns the events (without calling `finish`), checking on
/// the way that `feed` makes progress and that no frame exceeds the capacity.
pub(super) fn collect_chunks<'a>(
    decoder: &mut impl Decoder,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Vec<Event> {
    let mut events = Vec::new();
    for mut chunk in chunks {
        let mut bound = chunk.len() + 1;
        while let Some(event) = decoder.next_event(&mut chunk) {
            if let Event::Frame(frame) = &event {
                assert!(frame.len() <= decoder.capacity());
            }
            events.push(event);
            bound -= 1;
            assert!(bound > 0, "feed returned more events than bytes");
        }
        assert!(chunk.is_empty(), "feed returned None with input left");
    }
    events
}

pub(super) fn collect(decoder: &mut impl Decoder, stream: &[u8]) -> Vec<Event> {
    collect_chunks(decoder, [stream])
}

/// Checks that `stream` yields `expected` (and the same `finish` result) however it is cut:
/// at every single point, at every pair of points (short streams), in chunks of every size.
pub(super) fn collect_split<D: Decoder>(make: impl Fn() -> D, stream: &[u8], expected: &[Event]) {
    let mut whole = make();
    assert_eq!(collect(&mut whole, stream), expected, "whole stream");
    let end = whole.end();
    let check = |chunks: &[&[u8]], what: &dyn core::fmt::Debug| {
        let mut decoder = make();
        assert_eq!(
            collect_chunks(&mut decoder, chunks.iter().copied()),
            expected,
            "{what:?}"
        );
        assert_eq!(decoder.end(), end, "finish after {what:?}");
    };
    for at in 0..=stream.len() {
        let (a, b) = stream.split_at(at);
        check(&[a, b], &("split at", at));
        if stream.len() <= 64 {
            for at2 in at..=stream.len() {
                let (b1, b2) = b.split_at(at2 - at);
                check(&[a, b1, b2], &("split at", at, at2));
            }
        }
    }
    for size in 1..=stream.len().max(1) {
        let chunks: Vec<&[u8]> = stream.chunks(size).collect();
        check(&chunks, &("chunks of", size));
    }
}

/// Cuts `stream` into pieces whose sizes cycle through `sizes`.
fn chunked<'a>(stream: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = stream;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(size.min(rest.len()));
        chunks.push(head);
        rest = tail;
    }
    chunks
}

fn encode_all(
    packets: &[Vec<u8>],
    encode: fn(&[u8], &mut [u8]) -> Result<usize, crate::osc::EncodeError>,
    len: fn(&[u8]) -> usize,
) -> Vec<u8> {
    let mut out = Vec::new();
    for packet in packets {
        let mut buf = vec![0; len(packet)];
        assert_eq!(encode(packet, &mut buf), Ok(buf.len()));
        out.extend_from_slice(&buf);
    }
    out
}

fn packets() -> impl Strategy<Value = Vec<Vec<u8>>> {
    // Biased toward the SLIP specials so escapes land on chunk boundaries often.
    let byte = prop_oneof![
        any::<u8>(),
        Just(slip::END),
        Just(slip::ESC),
        Just(slip::ESC_END)
    ];
    prop::collection::vec(prop::collection::vec(byte, 0..48), 0..8)
}

fn chunk_sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..20, 1..8)
}

proptest! {
    #[test]
    fn slip_round_trips(packets in packets(), sizes in chunk_sizes()) {
        let stream = encode_all(&packets, slip::encode, slip::encoded_len);
        let expected: Vec<Event> = packets.iter().filter(|p| !p.is_empty()).cloned().map(Event::Frame).collect();
        let mut decoder = SlipDecoder::new([0u8; 48]);
        prop_assert_eq!(collect_chunks(&mut decoder, chunked(&stream, &sizes)), expected.clone());
        prop_assert_eq!(decoder.finish(), Ok(()));
        let mut auto = AutoDecoder::new([0u8; 48]);
        prop_assert_eq!(collect_chunks(&mut auto, chunked(&stream, &sizes)), expected);
        prop_assert_eq!(auto.finish(), Ok(()));
    }

    #[test]
    fn length_prefix_round_trips(packets in packets(), sizes in chunk_sizes()) {
        let stream = encode_all(&packets, length_prefix::encode, length_prefix::encoded_len);
        let expected: Vec<Event> = packets.iter().cloned().map(Event::Frame).collect();
        let mut decoder = LengthPrefixDecoder::new([0u8; 48]);
        prop_assert_eq!(collect_chunks(&mut decoder, chunked(&stream, &sizes)), expected.clone());
        prop_assert_eq!(decoder.finish(), Ok(()));
        let mut auto = AutoDecoder::new(vec![0u8; 48]);
        prop_assert_eq!(collect_chunks(&mut auto, chunked(&stream, &sizes)), expected);
        prop_assert_eq!(auto.finish(), Ok(()));
    }

    #[test]
    fn oversized_packets_are_reported_and_the_rest_survive(packets in packets(), sizes in chunk_sizes(), cap in 0usize..24) {
        let too_large = |p: &Vec<u8>| p.len() > cap;
        let stream = encode_all(&packets, slip::encode, slip::encoded_len);
        let expected: Vec<Event> = packets.iter().filter(|p| !p.is_empty()).map(|p| {
            if too_large(p) { Event::Error(FrameError::FrameTooLarge { limit: cap }) } else { Event::Frame(p.clone()) }
        }).collect();
        let mut decoder = SlipDecoder::new(vec![0u8; cap]);
        prop_assert_eq!(collect_chunks(&mut decoder, chunked(&stream, &sizes)), expected);

        let stream = encode_all(&packets, length_prefix::encode, length_prefix::encoded_len);
        let expected: Vec<Event> = packets.iter().map(|p| {
            if too_large(p) {
                Event::Error(FrameError::LengthTooLarge { declared: p.len() as u32, limit: cap })
            } else {
                Event::Frame(p.clone())
            }
        }).collect();
        let mut decoder = LengthPrefixDecoder::with_max_frame([0u8; 64], cap);
        prop_assert_eq!(collect_chunks(&mut decoder, chunked(&stream, &sizes)), expected);
    }

    /// On any input whatsoever: no panic, progress, bounded frames, and the same events
    /// whether the bytes come at once or in pieces.
    #[test]
    fn any_input_is_chunking_invariant(stream in prop::collection::vec(prop_oneof![any::<u8>(), Just(slip::END), Just(slip::ESC), Just(0u8)], 0..200), sizes in chunk_sizes(), cap in 0usize..16) {
        fn check<D: Decoder>(make: impl Fn() -> D, stream: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
            let mut whole = make();
            let expected = collect(&mut whole, stream);
            let mut pieces = make();
            prop_assert_eq!(collect_chunks(&mut pieces, chunked(stream, sizes)), expected);
            prop_assert_eq!(pieces.end(), whole.end());
            Ok(())
        }
        check(|| SlipDecoder::new(vec![0u8; cap]), &stream, &sizes)?;
        check(|| LengthPrefixDecoder::new(vec![0u8; cap]), &stream, &sizes)?;
        check(|| AutoDecoder::new(vec![0u8; cap]), &stream, &sizes)?;
    }
}

#[test]
fn errors_have_classes_codes_and_messages() {
    let all = [
        FrameError::BadEscape { byte: 0x41 },
        FrameError::FrameTooLarge { limit: 4 },
        FrameError::LengthTooLarge {
            declared: 9,
            limit: 4,
        },
        FrameError::NegativeLength { declared: -1 },
        FrameError::TruncatedFrame {
            received: 1,
            expected: Some(4),
        },
        FrameError::TruncatedFrame {
            received: 1,
            expected: None,
        },
        FrameError::TruncatedPrefix { received: 3 },
    ];
    let classes: Vec<_> = all.iter().map(FrameError::class).collect();
    assert_eq!(
        classes,
        [
            "slip-bad-escape",
            "frame-too-large",
            "frame-too-large",
            "bad-length-prefix",
            "truncated-frame",
            "truncated-frame",
            "truncated-frame"
        ]
    );
    let codes: Vec<_> = all.iter().map(FrameError::code).collect();
    assert_eq!(codes, [101, 102, 103, 104, 105, 105, 106]);
    for error in all {
        let text = std::format!("{error}");
        assert!(
            text.ends_with(&std::format!("({})", error.class())),
            "{text}"
        );
    }
    assert_eq!(
        std::format!("{}", super::Framing::LengthPrefix),
        "length-prefix"
    );
}
