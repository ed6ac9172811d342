//! `Message::visit_args` and `Message::try_for_each_arg` (the fast, internally iterated
//! readers) must give exactly what iterating `Message::args()` gives: the same values, then
//! the same first error (kind and offset), on every corpus packet and on many damaged
//! variants of them. Likewise `Packet::visit_bytes` and `Packet::visit` (the packet
//! visitor) must make exactly the calls, and give exactly the first error, of decoding with
//! `Packet::decode_with` and walking the packet with `Bundle::elements` and `Message::args`.
use mox_codec::osc::{
    Arg, ArgVisitor, Array, Bundle, DecodeConfig, DecodeError, Message, MidiMessage, Packet,
    PacketVisitor, Rgba, TimeTag,
};
use mox_vectors::{Case, Corpus};
use proptest::prelude::*;

/// What reading a message's arguments gives: the values read, then the error if any.
#[derive(Debug, PartialEq)]
struct Reading {
    args: Vec<String>,
    error: Option<DecodeError>,
}

fn show(arg: &Arg<'_>) -> String {
    match arg {
        // Array items too, through their own iterator.
        Arg::Array(array) => {
            let items: Vec<String> = array
                .iter()
                .map(|item| match item {
                    Ok(item) => show(&item),
                    Err(e) => format!("error {e:?}"),
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        other => format!("{other:?}"),
    }
}

fn by_iterator(message: &mox_codec::osc::Message<'_>) -> Reading {
    let mut reading = Reading {
        args: Vec::new(),
        error: None,
    };
    for arg in message.args() {
        match arg {
            Ok(arg) => reading.args.push(show(&arg)),
            Err(e) => {
                reading.error = Some(e);
                break;
            }
        }
    }
    reading
}

fn by_callback(message: &mox_codec::osc::Message<'_>) -> Reading {
    let mut args = Vec::new();
    let result = message.try_for_each_arg(|arg| {
        args.push(show(&arg));
        Ok::<(), DecodeError>(())
    });
    Reading {
        args,
        error: result.err(),
    }
}

/// Records what each typed method receives, as the `Arg` it stands for.
struct Typed(Vec<String>);

impl<'a> ArgVisitor<'a> for Typed {
    type Error = DecodeError;
    fn arg(&mut self, arg: Arg<'a>) -> Result<(), DecodeError> {
        panic!("every typed method is overridden, yet `arg` got {arg:?}")
    }
    fn int(&mut self, v: i32) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Int(v)));
        Ok(())
    }
    fn float(&mut self, v: f32) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Float(v)));
        Ok(())
    }
    fn string(&mut self, v: &'a str) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::String(v)));
        Ok(())
    }
    fn blob(&mut self, v: &'a [u8]) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Blob(v)));
        Ok(())
    }
    fn long(&mut self, v: i64) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Long(v)));
        Ok(())
    }
    fn time_tag(&mut self, v: TimeTag) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::TimeTag(v)));
        Ok(())
    }
    fn double(&mut self, v: f64) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Double(v)));
        Ok(())
    }
    fn symbol(&mut self, v: &'a str) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Symbol(v)));
        Ok(())
    }
    fn char(&mut self, v: char) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Char(v)));
        Ok(())
    }
    fn color(&mut self, v: Rgba) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Color(v)));
        Ok(())
    }
    fn midi(&mut self, v: MidiMessage) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Midi(v)));
        Ok(())
    }
    fn bool(&mut self, v: bool) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::from(v)));
        Ok(())
    }
    fn nil(&mut self) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Nil));
        Ok(())
    }
    fn impulse(&mut self) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Impulse));
        Ok(())
    }
    fn array(&mut self, v: Array<'a>) -> Result<(), DecodeError> {
        self.0.push(show(&Arg::Array(v)));
        Ok(())
    }
}

fn by_visitor(message: &mox_codec::osc::Message<'_>) -> Reading {
    let mut typed = Typed(Vec::new());
    let result = message.visit_args(&mut typed);
    Reading {
        args: typed.0,
        error: result.err(),
    }
}

/// What walking a whole packet gives: one entry per message, bundle start, argument and
/// bundle end, in reading order, then the first error if any.
#[derive(Debug, PartialEq)]
struct Walk {
    events: Vec<String>,
    error: Option<DecodeError>,
}

fn message_event(message: &Message<'_>) -> String {
    format!(
        "message {:?} {:?} {:?}",
        message.address(),
        message.type_tags(),
        message.untyped_payload()
    )
}

/// The reference: `decode_with`, then `Bundle::elements` and `Message::args`, stopping at
/// the first error.
fn walk_by_iterators(bytes: &[u8], config: &DecodeConfig) -> Walk {
    fn walk(packet: &Packet<'_>, events: &mut Vec<String>) -> Result<(), DecodeError> {
        match packet {
            Packet::Message(message) => {
                events.push(message_event(message));
                let reading = by_iterator(message);
                events.extend(reading.args);
                reading.error.map_or(Ok(()), Err)
            }
            Packet::Bundle(bundle) => {
                events.push(format!("bundle {:?}", bundle.timetag()));
                for element in bundle.elements() {
                    walk(&element?, events)?;
                }
                events.push("end".into());
                Ok(())
            }
        }
    }
    let mut events = Vec::new();
    let result = Packet::decode_with(bytes, config).and_then(|packet| walk(&packet, &mut events));
    Walk {
        events,
        error: result.err(),
    }
}

/// A packet visitor recording what it gets (arguments through the typed methods).
struct Recorder {
    typed: Typed,
    /// Fail (with offset `usize::MAX`) at this call, to check that the visit stops there.
    fail_at: Option<usize>,
}

impl Recorder {
    fn record(&mut self, event: String) -> Result<(), DecodeError> {
        self.typed.0.push(event);
        if self.fail_at == Some(self.typed.0.len()) {
            return Err(DecodeError::new(
                mox_codec::osc::DecodeErrorKind::EmptyPacket,
                usize::MAX,
            ));
        }
        Ok(())
    }
}

impl<'a> PacketVisitor<'a> for Recorder {
    type Error = DecodeError;
    fn message(&mut self, message: &Message<'a>) -> Result<(), DecodeError> {
        self.record(message_event(message))?;
        message.visit_args(&mut self.typed)
    }
    fn bundle(&mut self, timetag: TimeTag) -> Result<(), DecodeError> {
        self.record(format!("bundle {timetag:?}"))
    }
    fn bundle_end(&mut self) -> Result<(), DecodeError> {
        self.record("end".into())
    }
}

fn walk_by_visitor(bytes: &[u8], config: &DecodeConfig, fail_at: Option<usize>) -> Walk {
    let mut recorder = Recorder {
        typed: Typed(Vec::new()),
        fail_at,
    };
    let result = Packet::visit_bytes_with(bytes, config, &mut recorder);
    Walk {
        events: recorder.typed.0,
        error: result.err(),
    }
}

fn walk_decoded_by_visitor(bytes: &[u8], config: &DecodeConfig) -> Walk {
    let mut recorder = Recorder {
        typed: Typed(Vec::new()),
        fail_at: None,
    };
    let result = Packet::decode_with(bytes, config).and_then(|p| p.visit(&mut recorder));
    Walk {
        events: recorder.typed.0,
        error: result.err(),
    }
}

/// Compares the packet visitor with the iterators on `bytes`.
fn compare_packet(bytes: &[u8], config: &DecodeConfig) {
    let expected = walk_by_iterators(bytes, config);
    assert_eq!(
        walk_by_visitor(bytes, config, None),
        expected,
        "{bytes:02x?}"
    );
    assert_eq!(
        walk_decoded_by_visitor(bytes, config),
        expected,
        "{bytes:02x?}"
    );
    // An error from the visitor (here from a message, bundle or bundle-end call) stops the
    // visit at once and is returned as is.
    let calls: Vec<usize> = (1..=expected.events.len())
        .filter(|&n| {
            let event = &expected.events[n - 1];
            event.starts_with("message ") || event.starts_with("bundle ") || event == "end"
        })
        .collect();
    let picked = calls.iter().take(2).chain(calls.last());
    for &fail_at in picked {
        let stopped = walk_by_visitor(bytes, config, Some(fail_at));
        assert_eq!(stopped.events, expected.events[..fail_at], "{bytes:02x?}");
        assert_eq!(stopped.error.map(|e| e.offset()), Some(usize::MAX));
    }
}

/// Compares the readers on every message of `bytes` (recursively), and the packet visitor
/// on the whole packet; returns how many messages were compared.
fn compare(bytes: &[u8], config: &DecodeConfig) -> usize {
    compare_packet(bytes, config);
    fn walk(packet: &Packet<'_>) -> usize {
        match packet {
            Packet::Message(message) => {
                let expected = by_iterator(message);
                assert_eq!(by_callback(message), expected, "{message:?}");
                assert_eq!(by_visitor(message), expected, "{message:?}");
                assert_eq!(message.validate().err(), expected.error);
                // A callback error stops the reading at once and is returned as is.
                let mut calls = 0;
                let stopped = message.try_for_each_arg(|_| {
                    calls += 1;
                    Err::<(), DecodeError>(DecodeError::new(
                        mox_codec::osc::DecodeErrorKind::EmptyPacket,
                        usize::MAX,
                    ))
                });
                if expected.args.is_empty() {
                    assert_eq!(calls, 0);
                    assert_eq!(stopped.err(), expected.error);
                } else {
                    assert_eq!(calls, 1);
                    assert_eq!(stopped.unwrap_err().offset(), usize::MAX);
                }
                1
            }
            Packet::Bundle(bundle) => bundle
                .elements()
                .map(|element| element.map_or(0, |packet| walk(&packet)))
                .sum(),
        }
    }
    match Packet::decode_with(bytes, config) {
        Ok(packet) => walk(&packet),
        Err(_) => 0,
    }
}

fn corpus_packets() -> Vec<(Vec<u8>, DecodeConfig)> {
    let corpus = Corpus::load_default().unwrap_or_else(|e| panic!("{e}"));
    corpus
        .cases()
        .filter_map(|(_, case)| match case {
            Case::OscPacket(case) => Some((
                case.hex.as_bytes().to_vec(),
                case.config.unwrap_or_default().decode_config(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn corpus_packets_read_the_same() {
    let packets = corpus_packets();
    let compared: usize = packets
        .iter()
        .map(|(bytes, config)| compare(bytes, config))
        .sum();
    assert!(compared > 50, "only {compared} messages compared");
}

/// Every single-byte change and every 4-aligned truncation of every corpus packet.
#[test]
fn damaged_corpus_packets_read_the_same() {
    for (bytes, config) in corpus_packets() {
        if bytes.len() > 256 {
            continue;
        }
        for i in 0..bytes.len() {
            for value in [
                0x00, 0x01, 0x20, 0x2c, 0x5b, 0x5d, 0x62, 0x63, 0x73, 0x7f, 0x80, 0xc3, 0xff,
            ] {
                let mut damaged = bytes.clone();
                damaged[i] = value;
                compare(&damaged, &config);
            }
        }
        for len in (0..bytes.len()).step_by(4) {
            compare(&bytes[..len], &config);
        }
    }
}

/// Packets built from values (not decoded) visit like their encoding does.
#[test]
fn value_packets_visit_like_their_encoding() {
    static ITEMS: [Arg<'static>; 3] = [Arg::Int(7), Arg::String("hi"), Arg::Nil];
    static INNER: [Packet<'static>; 1] = [Packet::Message(Message::new("/in", &ITEMS))];
    static OUTER: [Packet<'static>; 2] = [
        Packet::Message(Message::new("/out", &ITEMS)),
        Packet::Bundle(Bundle::new(TimeTag::IMMEDIATELY, &INNER)),
    ];
    let packet = Packet::Bundle(Bundle::new(TimeTag::new(5, 6), &OUTER));
    let mut bytes = vec![0; packet.encoded_len().unwrap()];
    packet.encode(&mut bytes).unwrap();
    let mut recorder = Recorder {
        typed: Typed(Vec::new()),
        fail_at: None,
    };
    packet.visit(&mut recorder).unwrap();
    let expected = walk_by_iterators(&bytes, &DecodeConfig::default());
    assert_eq!(expected.error, None);
    assert_eq!(expected.events.len(), 12);
    // A message built from values has no type-tag string to show.
    let events: Vec<String> = recorder
        .typed
        .0
        .iter()
        .map(|e| e.replace("None None", "Some(\"isN\") None"))
        .collect();
    assert_eq!(events, expected.events);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        // An integration test has no `lib.rs` to keep regressions next to.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random type tags over random data.
    #[test]
    fn random_messages_read_the_same(
        tags in proptest::collection::vec(
            prop::sample::select(b"ifsbhtdScrmTFNI[]x".to_vec()), 0..12),
        data in proptest::collection::vec(
            prop::sample::select(vec![0u8, 0, 0, 1, 3, 0x41, 0x61, 0x7f, 0x80, 0xc3, 0xa9, 0xff]), 0..96),
    ) {
        let mut bytes = b"/t\0\0,".to_vec();
        bytes.extend_from_slice(&tags);
        bytes.push(0);
        while bytes.len() % 4 != 0 {
            bytes.push(0);
        }
        bytes.extend_from_slice(&data);
        while bytes.len() % 4 != 0 {
            bytes.push(0);
        }
        compare(&bytes, &DecodeConfig::default());
    }
}
