//! Property tests for USB-MIDI 1.0 and UMP packetisation: arbitrary message sequences
//! (running status, Real-Time inside SysEx and between a status and its data), arbitrary
//! chunking and output sizes, arbitrary cable/group; and SysEx7 packets checked against the
//! `midi2` crate.
use midi2::prelude::*;
use mox_codec::sysex::stream::{Event, StreamParser};
use mox_codec::sysex::ump::{self, UmpDecoder, UmpEncoder};
use mox_codec::sysex::usb::{UsbDecoder, UsbEncoder, UsbPacket};
use proptest::prelude::*;

/// One MIDI 1.0 message, as a generator sees it.
#[derive(Clone, Debug)]
enum Msg {
    /// Channel message; `running` asks to omit the status if it repeats the previous one.
    Channel {
        status: u8,
        data: [u8; 2],
        running: bool,
    },
    Common(u8, [u8; 2]),
    RealTime(u8),
    /// SysEx body, with Real-Time bytes to insert before the given body positions.
    SysEx(Vec<u8>, Vec<(usize, u8)>),
}

fn msg() -> impl Strategy<Value = Msg> {
    let data = [0u8..0x80, 0u8..0x80];
    prop_oneof![
        4 => (0x80u8..0xF0, data.clone(), any::<bool>())
            .prop_map(|(status, data, running)| Msg::Channel { status, data, running }),
        1 => (prop::sample::select(vec![0xF1u8, 0xF2, 0xF3, 0xF6]), data)
            .prop_map(|(status, data)| Msg::Common(status, data)),
        1 => (0xF8u8..=0xFF).prop_map(Msg::RealTime),
        3 => (
            prop::collection::vec(0u8..0x80, 0..40),
            prop::collection::vec((0usize..40, 0xF8u8..=0xFF), 0..3)
        )
            .prop_map(|(body, rt)| Msg::SysEx(body, rt)),
    ]
}

/// The byte stream, and the canonical stream (running status expanded) that must come back.
fn render(msgs: &[Msg]) -> (Vec<u8>, Vec<u8>) {
    let (mut stream, mut canonical) = (Vec::new(), Vec::new());
    let mut running = 0u8;
    for msg in msgs {
        let mut both = |bytes: &[u8]| {
            stream.extend_from_slice(bytes);
            canonical.extend_from_slice(bytes);
        };
        match msg {
            Msg::Channel {
                status,
                data,
                running: use_running,
            } => {
                let len = if (0xC0..0xE0).contains(status) { 1 } else { 2 };
                canonical.push(*status);
                canonical.extend_from_slice(&data[..len]);
                if !(*use_running && running == *status) {
                    stream.push(*status);
                }
                stream.extend_from_slice(&data[..len]);
                running = *status;
            }
            Msg::Common(status, data) => {
                let len = match status {
                    0xF2 => 2,
                    0xF6 => 0,
                    _ => 1,
                };
                both(&[*status]);
                both(&data[..len]);
                running = 0;
            }
            Msg::RealTime(byte) => both(&[*byte]),
            Msg::SysEx(body, realtime) => {
                both(&[0xF0]);
                for (at, &byte) in body.iter().enumerate() {
                    for &(_, rt) in realtime.iter().filter(|&&(pos, _)| pos == at) {
                        both(&[rt]);
                    }
                    both(&[byte]);
                }
                both(&[0xF7]);
                running = 0;
            }
        }
    }
    (stream, canonical)
}

/// Splits `bytes` into its Real-Time bytes and the rest: packetisers may move Real-Time
/// bytes earlier (they go out at once), never reorder anything else.
fn split_realtime(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    bytes.iter().partition(|&&b| b >= 0xF8)
}

/// Cuts `stream` at the given sizes (cycled); a size of 0 adds an empty piece before a
/// one-byte piece, so the cutting always ends.
fn chunks<'a>(stream: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut rest = stream;
    let mut out = Vec::new();
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        if size == 0 {
            out.push(&rest[..0]);
        }
        let (chunk, tail) = rest.split_at(size.clamp(1, rest.len()));
        out.push(chunk);
        rest = tail;
    }
    out
}

fn usb_round_trip(cable: u8, stream: &[u8], sizes: &[usize], out_len: usize) -> Vec<u8> {
    let mut encoder = UsbEncoder::new(cable).unwrap();
    let mut packets: Vec<UsbPacket> = Vec::new();
    let mut out = vec![[0u8; 4]; out_len];
    for mut chunk in chunks(stream, sizes) {
        loop {
            let n = encoder.encode(&mut chunk, &mut out).expect("valid stream");
            packets.extend_from_slice(&out[..n]);
            if n == 0 && chunk.is_empty() {
                break;
            }
        }
    }
    encoder.finish().expect("stream complete");
    assert!(packets.iter().all(|p| p[0] >> 4 == cable));
    let mut decoder = UsbDecoder::new();
    let mut input = &packets[..];
    let mut bytes = Vec::new();
    let mut buf = [0u8; 5];
    loop {
        let run = decoder.decode(&mut input, &mut buf).expect("valid packets");
        if run.len == 0 && input.is_empty() {
            break;
        }
        assert_eq!(run.cable, cable);
        bytes.extend_from_slice(&buf[..run.len]);
    }
    decoder.finish().expect("no SysEx left open");
    bytes
}

fn ump_round_trip(group: u8, stream: &[u8], sizes: &[usize], out_len: usize) -> Vec<u8> {
    let mut encoder = UmpEncoder::new(group).unwrap();
    let mut words = Vec::new();
    let mut out = vec![0u32; out_len];
    for mut chunk in chunks(stream, sizes) {
        loop {
            let n = encoder.encode(&mut chunk, &mut out).expect("valid stream");
            words.extend_from_slice(&out[..n]);
            if n == 0 && chunk.is_empty() {
                break;
            }
        }
    }
    encoder.finish().expect("stream complete");
    // Through the byte form a USB-MIDI 2.0 or network transport would carry.
    let mut wire = vec![0u8; words.len() * 4];
    assert_eq!(ump::write_be_bytes(&words, &mut wire), Ok(wire.len()));
    let mut again = vec![0u32; words.len()];
    assert_eq!(ump::read_be_words(&wire, &mut again), words.len());
    assert_eq!(again, words);
    let mut decoder = UmpDecoder::new();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 11];
    // Words arrive in pieces too; packets cut short are held by the decoder.
    for mut piece in words.chunks(3) {
        loop {
            let run = decoder.decode(&mut piece, &mut buf).expect("valid packets");
            if run.len == 0 && piece.is_empty() {
                break;
            }
            assert_eq!(run.group, group);
            bytes.extend_from_slice(&buf[..run.len]);
        }
    }
    decoder.finish().expect("no SysEx left open");
    bytes
}

/// Bytes that are mostly MIDI-like: many status bytes (lone ones too), F0/F7 and realtime.
fn noisy_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => 0u8..0x80,
            1 => any::<u8>(),
            1 => prop::sample::select(vec![0xF0u8, 0xF7, 0xF8, 0xF4, 0xF6, 0xF2, 0x90, 0xC0]),
        ],
        0..200,
    )
}

/// What `StreamParser` makes of `stream` (buffer large enough that nothing overflows): the
/// bytes of each message (SysEx from `F0` to `F7`), the Real-Time bytes, and the class of
/// each problem, finish included.
fn parse(stream: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>, Vec<&'static str>) {
    let mut parser = StreamParser::new(vec![0u8; stream.len() + 2]);
    let (mut messages, mut realtime, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    let mut sort = |event: Event<'_>| match event {
        Event::RealTime(byte) => realtime.push(byte),
        event if event.is_error() => problems.push(event.class()),
        event => messages.push(event.bytes().to_vec()),
    };
    let mut input = stream;
    while let Some(event) = parser.feed(&mut input) {
        sort(event);
    }
    if let Some(event) = parser.finish() {
        sort(event);
    }
    (messages, realtime, problems)
}

/// Encodes any `stream` to USB-MIDI packets, `out_len` at a time, and decodes them back to
/// bytes: the bytes, and the encoder's error classes (the decoder's are ignored: an aborted
/// SysEx is sent unterminated on purpose).
fn usb_through(stream: &[u8], out_len: usize) -> (Vec<u8>, Vec<&'static str>) {
    let mut encoder = UsbEncoder::new(0).unwrap();
    let (mut packets, mut errors) = (Vec::new(), Vec::new());
    let mut out = vec![[0u8; 4]; out_len];
    let mut input = stream;
    loop {
        match encoder.encode(&mut input, &mut out) {
            Ok(0) if input.is_empty() => break,
            Ok(n) => packets.extend_from_slice(&out[..n]),
            Err(error) => errors.push(error.class()),
        }
    }
    if let Err(error) = encoder.finish() {
        errors.push(error.class());
    }
    let mut decoder = UsbDecoder::new();
    let mut input = &packets[..];
    let mut bytes = Vec::new();
    let mut buf = [0u8; 6];
    // An interrupting packet is reported first and decoded by the next call (the UMP
    // decoder holds it after taking it from `input`).
    loop {
        match decoder.decode(&mut input, &mut buf) {
            Ok(run) if run.len == 0 && input.is_empty() => break,
            Ok(run) => bytes.extend_from_slice(&buf[..run.len]),
            Err(_) => {}
        }
    }
    (bytes, errors)
}

/// The same through UMP.
fn ump_through(stream: &[u8], out_len: usize) -> (Vec<u8>, Vec<&'static str>) {
    let mut encoder = UmpEncoder::new(0).unwrap();
    let (mut words, mut errors) = (Vec::new(), Vec::new());
    let mut out = vec![0u32; out_len];
    let mut input = stream;
    loop {
        match encoder.encode(&mut input, &mut out) {
            Ok(0) if input.is_empty() => break,
            Ok(n) => words.extend_from_slice(&out[..n]),
            Err(error) => errors.push(error.class()),
        }
    }
    if let Err(error) = encoder.finish() {
        errors.push(error.class());
    }
    let mut decoder = UmpDecoder::new();
    let mut input = &words[..];
    let mut bytes = Vec::new();
    let mut buf = [0u8; 12];
    // An interrupting packet is reported first and decoded by the next call (the UMP
    // decoder holds it after taking it from `input`).
    loop {
        match decoder.decode(&mut input, &mut buf) {
            Ok(run) if run.len == 0 && input.is_empty() => break,
            Ok(run) => bytes.extend_from_slice(&buf[..run.len]),
            Err(_) => {}
        }
    }
    (bytes, errors)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// For any input, the stream parser and the packet encoders share one grammar: the
    /// encoders report the same problems, in the same order, and what they send, decoded
    /// and parsed again, is exactly the messages (and Real-Time bytes) the parser found.
    #[test]
    fn stream_parser_and_encoders_agree_on_any_input(
        stream in noisy_bytes(),
        usb_out in 1usize..4,
        ump_out in 2usize..6,
    ) {
        let (messages, realtime, problems) = parse(&stream);
        for (name, (bytes, errors)) in [
            ("usb", usb_through(&stream, usb_out)),
            ("ump", ump_through(&stream, ump_out)),
        ] {
            prop_assert_eq!(&errors, &problems, "{} errors", name);
            let (again, again_realtime, _) = parse(&bytes);
            prop_assert_eq!(&again, &messages, "{} messages", name);
            prop_assert_eq!(&again_realtime, &realtime, "{} realtime", name);
        }
    }

    #[test]
    fn usb_round_trip_gives_the_canonical_stream(
        msgs in prop::collection::vec(msg(), 0..30),
        cable in 0u8..16,
        sizes in prop::collection::vec(0usize..9, 1..6),
        out_len in 1usize..5,
    ) {
        let (stream, canonical) = render(&msgs);
        let bytes = usb_round_trip(cable, &stream, &sizes, out_len);
        prop_assert_eq!(split_realtime(&bytes), split_realtime(&canonical));
    }

    #[test]
    fn ump_round_trip_gives_the_canonical_stream(
        msgs in prop::collection::vec(msg(), 0..30),
        group in 0u8..16,
        sizes in prop::collection::vec(0usize..9, 1..6),
        out_len in 2usize..7,
    ) {
        let (stream, canonical) = render(&msgs);
        let bytes = ump_round_trip(group, &stream, &sizes, out_len);
        prop_assert_eq!(split_realtime(&bytes), split_realtime(&canonical));
    }

    #[test]
    fn sysex_without_realtime_round_trips_byte_exactly(
        body in prop::collection::vec(0u8..0x80, 0..64),
        id in 0u8..16,
        sizes in prop::collection::vec(1usize..9, 1..4),
    ) {
        let mut stream = vec![0xF0];
        stream.extend_from_slice(&body);
        stream.push(0xF7);
        prop_assert_eq!(&usb_round_trip(id, &stream, &sizes, 2), &stream);
        prop_assert_eq!(&ump_round_trip(id, &stream, &sizes, 2), &stream);
    }

    #[test]
    fn sysex7_packets_match_midi2(
        body in prop::collection::vec(0u8..0x80, 0..100),
        group in 0u8..16,
        framed in any::<bool>(),
    ) {
        let mut reference = sysex7::Sysex7::<Vec<u32>>::new();
        reference.set_payload(body.iter().map(|&b| u7::new(b)));
        reference.set_group(u4::new(group));

        let mut sysex = body.clone();
        if framed {
            sysex.insert(0, 0xF0);
            sysex.push(0xF7);
        }
        let mut packets = vec![[0u32; 2]; ump::sysex7_packet_count(body.len())];
        let n = ump::encode_sysex7(group, &sysex, &mut packets).unwrap();
        prop_assert_eq!(n, packets.len());
        prop_assert_eq!(packets.concat(), reference.data());

        // midi2 reads our packets back to the same payload.
        let words = packets.concat();
        let parsed = sysex7::Sysex7::try_from(&words[..]).expect("midi2 accepts the packets");
        prop_assert_eq!(parsed.payload().map(u8::from).collect::<Vec<_>>(), body);
    }
}

#[test]
fn realtime_between_status_and_data_is_not_reordered_into_the_message() {
    // A clock between a note-on's status and data, and inside a SysEx: the Real-Time byte
    // comes out whole, the messages around it intact.
    let stream = [0x90, 0xF8, 0x40, 0x7F, 0xF0, 0x01, 0xFA, 0x02, 0xF7];
    let usb = usb_round_trip(0, &stream, &[1], 1);
    assert_eq!(usb, [0xF8, 0x90, 0x40, 0x7F, 0xFA, 0xF0, 0x01, 0x02, 0xF7]);
    let ump = ump_round_trip(0, &stream, &[2], 2);
    assert_eq!(ump, usb);
}
