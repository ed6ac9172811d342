//! Properties of SysEx framing (`sysex::message`) and byte-stream reassembly
//! (`sysex::stream`) over generated messages and arbitrary bytes.
use mox_codec::sysex::message::{self, FramingErrorKind, ManufacturerId, SysEx};
use mox_codec::sysex::stream::{Event, ShortMessage, StreamParser};
use proptest::prelude::*;

/// An owned event: its class, its bytes, and the limit of an overflow.
type Owned = (&'static str, Vec<u8>, usize);

fn own(event: Event<'_>) -> Owned {
    let limit = match event {
        Event::SysExOverflow { limit } => limit,
        _ => 0,
    };
    (event.class(), event.bytes().to_vec(), limit)
}

/// Feeds `chunks` in order with `feed`, checking that every call makes progress, then
/// finishes the stream.
fn feed_chunks<'a>(capacity: usize, chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<Owned> {
    let mut parser = StreamParser::new(vec![0u8; capacity]);
    let mut events = Vec::new();
    for mut chunk in chunks {
        // At most two events per byte (an abort or truncation, then the status's own).
        let mut bound = 2 * chunk.len() + 1;
        while let Some(event) = parser.feed(&mut chunk) {
            events.push(own(event));
            bound -= 1;
            assert!(bound > 0, "feed returned more events than it can");
        }
        assert!(chunk.is_empty(), "feed returned None with input left");
    }
    events.extend(parser.finish().map(own));
    events
}

fn push_bytes(capacity: usize, stream: &[u8]) -> Vec<Owned> {
    let mut parser = StreamParser::new(vec![0u8; capacity]);
    let mut events = Vec::new();
    for &byte in stream {
        events.extend(parser.push(byte).map(own));
    }
    events.extend(parser.finish().map(own));
    events
}

/// Cuts `stream` at the given points (taken modulo its length, in any order).
fn split<'a>(stream: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for point in points {
        chunks.push(&stream[start..point]);
        start = point;
    }
    chunks.push(&stream[start..]);
    chunks
}

/// One message of a generated stream.
#[derive(Clone, Debug)]
enum Message {
    /// The body between `F0` and `F7`.
    SysEx(Vec<u8>),
    /// A channel or System Common message (status and data).
    Short(Vec<u8>),
    RealTime(u8),
}

fn data_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..0x80, 0..max)
}

fn short_message() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        0x80u8..=0xEF,
        prop::sample::select(vec![0xF1u8, 0xF2, 0xF3, 0xF6])
    ]
    .prop_flat_map(|status| {
        let len = match status {
            0xC0..=0xDF | 0xF1 | 0xF3 => 1,
            0xF6 => 0,
            _ => 2,
        };
        prop::collection::vec(0u8..0x80, len).prop_map(move |data| {
            let mut bytes = vec![status];
            bytes.extend(data);
            bytes
        })
    })
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        1 => data_bytes(40).prop_map(Message::SysEx),
        3 => short_message().prop_map(Message::Short),
        1 => (0xF8u8..=0xFF).prop_map(Message::RealTime),
    ]
}

/// Serialises `messages`, omitting a channel status where running status allows and the
/// paired flag asks for it, and returns the bytes with the events a parser with
/// `capacity` must produce.
fn serialise(messages: &[(Message, bool)], capacity: usize) -> (Vec<u8>, Vec<Owned>) {
    let mut bytes = Vec::new();
    let mut expected = Vec::new();
    let mut running = None;
    for (message, use_running) in messages {
        match message {
            Message::SysEx(body) => {
                let framed = [&[0xF0][..], body, &[0xF7]].concat();
                bytes.extend_from_slice(&framed);
                if framed.len() <= capacity {
                    expected.push(("sysex", framed, 0));
                } else {
                    expected.push(("sysex-overflow", vec![], capacity));
                }
                running = None;
            }
            Message::Short(short) => {
                let status = short[0];
                if status < 0xF0 {
                    if !(running == Some(status) && *use_running) {
                        bytes.push(status);
                    }
                    bytes.extend_from_slice(&short[1..]);
                    running = Some(status);
                    expected.push(("channel", short.clone(), 0));
                } else {
                    bytes.extend_from_slice(short);
                    running = None;
                    expected.push(("system-common", short.clone(), 0));
                }
            }
            Message::RealTime(byte) => {
                bytes.push(*byte);
                expected.push(("realtime", vec![*byte], 0));
            }
        }
    }
    (bytes, expected)
}

/// Bytes that are mostly MIDI-like: many status bytes, F0/F7 and realtime among them.
fn noisy_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => 0u8..0x80,
            1 => any::<u8>(),
            1 => prop::sample::select(vec![0xF0u8, 0xF7, 0xF8, 0xF4, 0xF6, 0x90, 0xC0]),
        ],
        0..300,
    )
}

fn manufacturer() -> impl Strategy<Value = ManufacturerId> {
    prop_oneof![
        (0x01u8..=0x7C).prop_map(ManufacturerId::OneByte),
        (0u8..0x80, 0u8..0x80).prop_map(|(hi, lo)| ManufacturerId::ThreeByte(hi, lo)),
        Just(ManufacturerId::NonCommercial),
        Just(ManufacturerId::UniversalNonRealTime),
        Just(ManufacturerId::UniversalRealTime),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Generated messages, serialised with running status and cut anywhere, come back as
    /// exactly those messages; SysEx larger than the buffer become one overflow each and
    /// disturb nothing around them.
    #[test]
    fn generated_messages_come_back_in_any_chunking(
        messages in prop::collection::vec((message(), any::<bool>()), 0..40),
        capacity in 0usize..48,
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let (bytes, expected) = serialise(&messages, capacity);
        prop_assert_eq!(feed_chunks(capacity, split(&bytes, &cuts)), expected.clone());
        prop_assert_eq!(push_bytes(capacity, &bytes), expected);
    }

    /// However any bytes are cut, `feed` gives the same events as feeding them one at a time
    /// and as `push`.
    #[test]
    fn chunking_never_changes_the_events(
        bytes in noisy_bytes(),
        capacity in 0usize..24,
        cuts in prop::collection::vec(any::<usize>(), 0..16),
    ) {
        let one_by_one = feed_chunks(capacity, bytes.chunks(1));
        prop_assert_eq!(&feed_chunks(capacity, [&bytes[..]]), &one_by_one);
        prop_assert_eq!(&feed_chunks(capacity, split(&bytes, &cuts)), &one_by_one);
        prop_assert_eq!(&push_bytes(capacity, &bytes), &one_by_one);
    }

    /// Whatever the input, what the parser delivers is well formed.
    #[test]
    fn events_are_well_formed(bytes in noisy_bytes(), capacity in 0usize..24) {
        let mut parser = StreamParser::new(vec![0u8; capacity]);
        let mut input = &bytes[..];
        while let Some(event) = parser.feed(&mut input) {
            match event {
                Event::SysEx(sysex) => {
                    prop_assert!(sysex.len() >= 2 && sysex.len() <= capacity);
                    prop_assert_eq!(sysex[0], 0xF0);
                    prop_assert_eq!(sysex[sysex.len() - 1], 0xF7);
                    prop_assert!(sysex[1..sysex.len() - 1].iter().all(|&b| b < 0x80));
                    // The framing parser agrees, up to the manufacturer id it checks.
                    match SysEx::parse(sysex) {
                        Ok(parsed) => prop_assert_eq!(parsed.body(), &sysex[1..sysex.len() - 1]),
                        Err(e) => prop_assert!(matches!(
                            e.kind(),
                            FramingErrorKind::MissingManufacturer
                                | FramingErrorKind::TruncatedManufacturer
                        )),
                    }
                }
                Event::SysExAborted(partial) => {
                    prop_assert!(!partial.is_empty() && partial.len() <= capacity);
                    prop_assert_eq!(partial[0], 0xF0);
                    prop_assert!(partial[1..].iter().all(|&b| b < 0x80));
                }
                Event::Channel(m) | Event::SystemCommon(m) => {
                    prop_assert_eq!(ShortMessage::new(m.as_bytes()), Some(m));
                    prop_assert_eq!(m.channel().is_some(), matches!(event, Event::Channel(_)));
                }
                Event::TruncatedMessage(m) => {
                    // The status byte alone, or with the first of its two data bytes.
                    prop_assert!(m.as_bytes().len() == 1 || m.as_bytes().len() == 2);
                    prop_assert_eq!(ShortMessage::new(m.as_bytes()), Some(m));
                }
                Event::RealTime(byte) => prop_assert!(byte >= 0xF8),
                Event::StrayData(byte) => prop_assert!(byte < 0x80),
                Event::UndefinedStatus(byte) => prop_assert!(byte == 0xF4 || byte == 0xF5),
                Event::SysExOverflow { limit } => prop_assert_eq!(limit, capacity),
                Event::StrayEnd => {}
                Event::UnterminatedSysEx(_) => prop_assert!(false, "only finish reports this"),
                other => prop_assert!(false, "an event kind this test does not check: {other:?}"),
            }
        }
        prop_assert!(input.is_empty());
        match parser.finish() {
            Some(Event::UnterminatedSysEx(partial)) => {
                prop_assert!(!partial.is_empty() && partial.len() <= capacity);
                prop_assert_eq!(partial[0], 0xF0);
                prop_assert!(partial[1..].iter().all(|&b| b < 0x80));
            }
            Some(Event::TruncatedMessage(m)) => {
                prop_assert!(m.as_bytes().len() == 1 || m.as_bytes().len() == 2);
                prop_assert_eq!(ShortMessage::new(m.as_bytes()), Some(m));
            }
            Some(other) => prop_assert!(false, "finish reported {:?}", other),
            None => {}
        }
        prop_assert_eq!(parser.finish(), None);
    }

    /// Realtime bytes anywhere inside a SysEx are all delivered, in order, and the SysEx
    /// arrives unchanged; the running status before it is cancelled as without them.
    #[test]
    fn realtime_inside_sysex_is_transparent(
        body in data_bytes(200),
        inserts in prop::collection::vec((any::<prop::sample::Index>(), 0xF8u8..=0xFF), 0..20),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut with_realtime = body.clone();
        let mut positions: Vec<(usize, u8)> = inserts
            .iter()
            .map(|(index, byte)| (index.index(body.len() + 1), *byte))
            .collect();
        positions.sort_by_key(|&(at, _)| at);
        for (shift, &(at, byte)) in positions.iter().enumerate() {
            with_realtime.insert(at + shift, byte);
        }
        let stream = [&[0x90, 0x3C, 0x40, 0xF0][..], &with_realtime, &[0xF7, 0x3D]].concat();

        let sysex = [&[0xF0][..], &body, &[0xF7]].concat();
        let mut expected = vec![("channel", vec![0x90, 0x3C, 0x40], 0)];
        expected.extend(positions.iter().map(|&(_, byte)| ("realtime", vec![byte], 0)));
        expected.push(("sysex", sysex, 0));
        expected.push(("stray-data", vec![0x3D], 0));
        prop_assert_eq!(feed_chunks(256, split(&stream, &cuts)), expected);
    }

    /// `parse(encode(x)) == x`, with and without `F0`/`F7`.
    #[test]
    fn framing_round_trips(id in manufacturer(), payload in data_bytes(64)) {
        let mut buf = vec![0u8; message::encoded_len(id, &payload)];
        prop_assert_eq!(message::encode(id, &payload, &mut buf), Ok(buf.len()));
        let parsed = SysEx::parse(&buf).unwrap();
        prop_assert_eq!(parsed.manufacturer(), id);
        prop_assert_eq!(parsed.payload(), &payload[..]);
        prop_assert_eq!(parsed.encoded_len(), buf.len());
        let body = SysEx::parse_body(&buf[1..buf.len() - 1]).unwrap();
        prop_assert_eq!(body, parsed);
        prop_assert_eq!(parsed.universal().is_some(), id.is_universal());
    }

    /// Whatever `parse` accepts re-encodes to the same bytes.
    #[test]
    fn accepted_framing_re_encodes_byte_exactly(bytes in noisy_bytes()) {
        let mut framed = vec![0xF0];
        framed.extend_from_slice(&bytes);
        for candidate in [&bytes[..], &framed[..]] {
            if let Ok(parsed) = SysEx::parse(candidate) {
                let mut out = vec![0u8; parsed.encoded_len()];
                prop_assert_eq!(parsed.encode(&mut out), Ok(candidate.len()));
                prop_assert_eq!(&out[..], candidate);
                let mut again = vec![0u8; candidate.len()];
                prop_assert_eq!(
                    message::encode(parsed.manufacturer(), parsed.payload(), &mut again),
                    Ok(candidate.len())
                );
                prop_assert_eq!(&again[..], candidate);
            }
        }
    }
}

#[test]
fn a_device_dump_with_clocks_and_notes_interleaved() {
    // A Roland DT1 (`41 10 42 12 ...`) sent while a sequencer plays: clocks inside the dump,
    // a note after it with running status.
    let stream = [
        0xF8, 0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0xF8, 0x00, 0x7F, 0x00, 0x41, 0xF7, 0x90, 0x3C,
        0x40, 0xF8, 0x3C, 0x00,
    ];
    let expected: Vec<Owned> = vec![
        ("realtime", vec![0xF8], 0),
        ("realtime", vec![0xF8], 0),
        (
            "sysex",
            vec![
                0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7,
            ],
            0,
        ),
        ("channel", vec![0x90, 0x3C, 0x40], 0),
        ("realtime", vec![0xF8], 0),
        ("channel", vec![0x90, 0x3C, 0x00], 0),
    ];
    assert_eq!(feed_chunks(64, [&stream[..]]), expected);
    let sysex = &expected[2].1;
    let parsed = SysEx::parse(sysex).unwrap();
    assert_eq!(parsed.manufacturer(), ManufacturerId::OneByte(0x41));
    assert_eq!(
        parsed.payload(),
        &[0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41]
    );
}
