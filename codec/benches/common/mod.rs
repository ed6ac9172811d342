//! The fixed OSC packet set shared by the criterion benchmark (`benches/osc.rs`), the
//! callgrind harness (`examples/callgrind_osc.rs`, which also writes the bytes out for the
//! C++ oscpack harness in `benches/callgrind/`) and the allocation test (`tests/no_alloc.rs`),
//! plus the "decode" and "encode" operations every one of them measures.
//!
//! "Decode" means: decode the packet, then read every value in it (every argument, every
//! array item, every bundle element, recursively), so a lazy view cannot win by skipping
//! work. Each value goes through `black_box`.
#![allow(dead_code)] // each includer uses a different part

use std::hint::black_box;

use mox_codec::osc::{
    Arg, ArgVisitor, Array, Bundle, DecodeError, Message, MidiMessage, Packet, PacketVisitor, Rgba,
    TimeTag,
};

/// One packet of the set.
#[derive(Clone, Copy)]
pub(crate) struct Case {
    /// Short name used in benchmark ids, file names and tables.
    pub(crate) name: &'static str,
    /// What the packet is, for tables.
    pub(crate) description: &'static str,
    /// The packet as values; its encoding is the packet's bytes.
    pub(crate) value: Packet<'static>,
    /// Whether `rosc` can decode and encode it (rosc has no `S`).
    pub(crate) rosc: bool,
}

impl Case {
    /// The packet's bytes (our encoding of `value`; `tests/no_alloc.rs` checks them against
    /// a hand-written literal and against rosc's encoding).
    pub(crate) fn bytes(&self) -> Vec<u8> {
        let mut buf = vec![0u8; self.value.encoded_len().expect("packet set encodes")];
        let len = self.value.encode(&mut buf).expect("packet set encodes");
        assert_eq!(len, buf.len());
        buf
    }
}

/// A bundle timetag: 2024-01-01 00:00:00.5 UTC in NTP time.
const TIME: TimeTag = TimeTag::new(3_913_056_000, 0x8000_0000);

/// `/feeooblah ,sif "beans" 1 2.0` (36 bytes): the packet FastOsc and others quote.
pub(crate) const FEEOOBLAH_BYTES: [u8; 36] =
    *b"/feeooblah\0\0,sif\0\0\0\0beans\0\0\0\0\0\0\x01\x40\0\0\0";

static FEEOOBLAH_ARGS: [Arg<'static>; 3] = [Arg::String("beans"), Arg::Int(1), Arg::Float(2.0)];

macro_rules! fader {
    ($n:literal, $v:expr) => {
        Packet::Message(Message::new(
            concat!("/mixer/channel/", $n, "/fader"),
            &[Arg::Float($v)],
        ))
    };
}

/// 16 messages `/mixer/channel/NN/fader ,f` (32 bytes each).
static FADERS: [Packet<'static>; 16] = [
    fader!("01", 0.0),
    fader!("02", 0.0625),
    fader!("03", 0.125),
    fader!("04", 0.1875),
    fader!("05", 0.25),
    fader!("06", 0.3125),
    fader!("07", 0.375),
    fader!("08", 0.4375),
    fader!("09", 0.5),
    fader!("10", 0.5625),
    fader!("11", 0.625),
    fader!("12", 0.6875),
    fader!("13", 0.75),
    fader!("14", 0.8125),
    fader!("15", 0.875),
    fader!("16", 0.9375),
];

/// 1 KiB of non-zero-ish bytes.
static BLOB_1K: [u8; 1024] = {
    let mut blob = [0u8; 1024];
    let mut i = 0;
    while i < blob.len() {
        blob[i] = (i * 7 + 3) as u8;
        i += 1;
    }
    blob
};

static BLOB_ARGS: [Arg<'static>; 1] = [Arg::Blob(&BLOB_1K)];

/// Three bundles, one inside the next; each holds a `,if` message.
static NESTED_INNER: [Packet<'static>; 1] = [Packet::Message(Message::new(
    "/level/three",
    &[Arg::Int(3), Arg::Float(0.75)],
))];
static NESTED_MIDDLE: [Packet<'static>; 2] = [
    Packet::Message(Message::new("/level/2", &[Arg::Int(2), Arg::Float(0.5)])),
    Packet::Bundle(Bundle::new(TIME, &NESTED_INNER)),
];
static NESTED_OUTER: [Packet<'static>; 2] = [
    Packet::Message(Message::new("/level/1", &[Arg::Int(1), Arg::Float(0.25)])),
    Packet::Bundle(Bundle::new(TIME, &NESTED_MIDDLE)),
];

static ARRAY_ITEMS: [Arg<'static>; 3] = [Arg::Int(1), Arg::Int(2), Arg::Float(3.0)];

/// Every type rosc supports: `ifsbhtdcrmTFNI[iif]`.
static ROSC_TYPES_ARGS: [Arg<'static>; 15] = [
    Arg::Int(-42),
    Arg::Float(440.0),
    Arg::String("sawtooth"),
    Arg::Blob(&[1, 2, 3, 4, 5]),
    Arg::Long(-1_234_567_890_123),
    Arg::TimeTag(TIME),
    Arg::Double(0.125),
    Arg::Char('x'),
    Arg::Color(Rgba {
        r: 255,
        g: 128,
        b: 0,
        a: 255,
    }),
    Arg::Midi(MidiMessage {
        port: 0,
        status: 0x90,
        data1: 60,
        data2: 100,
    }),
    Arg::True,
    Arg::False,
    Arg::Nil,
    Arg::Impulse,
    Arg::Array(Array::new(&ARRAY_ITEMS)),
];

/// All 16 type tags (the 15 value types plus an array): `ifsbhtdScrmTFNI[iif]`.
static ALL_TAGS_ARGS: [Arg<'static>; 16] = [
    Arg::Int(-42),
    Arg::Float(440.0),
    Arg::String("sawtooth"),
    Arg::Blob(&[1, 2, 3, 4, 5]),
    Arg::Long(-1_234_567_890_123),
    Arg::TimeTag(TIME),
    Arg::Double(0.125),
    Arg::Symbol("wave"),
    Arg::Char('x'),
    Arg::Color(Rgba {
        r: 255,
        g: 128,
        b: 0,
        a: 255,
    }),
    Arg::Midi(MidiMessage {
        port: 0,
        status: 0x90,
        data1: 60,
        data2: 100,
    }),
    Arg::True,
    Arg::False,
    Arg::Nil,
    Arg::Impulse,
    Arg::Array(Array::new(&ARRAY_ITEMS)),
];

/// The packet set, in table order.
pub(crate) static CASES: [Case; 6] = [
    Case {
        name: "feeooblah",
        description: "`/feeooblah ,sif \"beans\" 1 2.0`",
        value: Packet::Message(Message::new("/feeooblah", &FEEOOBLAH_ARGS)),
        rosc: true,
    },
    Case {
        name: "bundle16",
        description: "bundle of 16 `,f` messages",
        value: Packet::Bundle(Bundle::new(TIME, &FADERS)),
        rosc: true,
    },
    Case {
        name: "blob1k",
        description: "message with a 1 KiB blob",
        value: Packet::Message(Message::new("/data/blob", &BLOB_ARGS)),
        rosc: true,
    },
    Case {
        name: "nested3",
        description: "bundle nested 3 deep (a `,if` message at each level)",
        value: Packet::Bundle(Bundle::new(TIME, &NESTED_OUTER)),
        rosc: true,
    },
    Case {
        name: "rosc_types",
        description: "every type rosc supports, `,ifsbhtdcrmTFNI[iif]`",
        value: Packet::Message(Message::new("/synth/voice/1/all", &ROSC_TYPES_ARGS)),
        rosc: true,
    },
    Case {
        name: "all_tags",
        description: "all 16 tags, `,ifsbhtdScrmTFNI[iif]` (rosc lacks `S`)",
        value: Packet::Message(Message::new("/synth/voice/1/all", &ALL_TAGS_ARGS)),
        rosc: false,
    },
];

/// The case called `name`.
pub(crate) fn case(name: &str) -> Option<&'static Case> {
    CASES.iter().find(|case| case.name == name)
}

// ---- decode ---------------------------------------------------------------------------

/// Decodes `bytes` and reads every value; returns how many values were read (arguments,
/// array items and bundle timetags).
///
/// `Packet::visit_bytes` decodes and visits in one pass: every message's address and
/// arguments, every bundle's timetag, every element, recursively; the same work as
/// `Packet::decode` followed by `Bundle::elements` and `Message::visit_args` (which
/// `tests/osc_fast_path.rs` checks it matches exactly).
#[inline]
pub(crate) fn mox_decode(bytes: &[u8]) -> Result<usize, DecodeError> {
    let mut walk = Walk(0);
    Packet::visit_bytes(bytes, &mut walk)?;
    Ok(walk.0)
}

impl<'a> PacketVisitor<'a> for Walk {
    type Error = DecodeError;
    #[inline(always)]
    fn message(&mut self, message: &Message<'a>) -> Result<(), DecodeError> {
        black_box(message.address());
        message.visit_args(self)
    }
    #[inline]
    fn bundle(&mut self, timetag: TimeTag) -> Result<(), DecodeError> {
        self.value(timetag)
    }
}

/// Reads a message's arguments, each value through `black_box`, one method per type: the
/// oscpack harness's `switch` on the type tag calling the typed accessor. Counts the values.
struct Walk(usize);

impl Walk {
    #[inline(always)]
    fn value<T>(&mut self, value: T) -> Result<(), DecodeError> {
        drop(black_box(value));
        self.0 += 1;
        Ok(())
    }
}

impl<'a> ArgVisitor<'a> for Walk {
    type Error = DecodeError;
    fn arg(&mut self, arg: Arg<'a>) -> Result<(), DecodeError> {
        self.0 += walk_arg(arg)?;
        Ok(())
    }
    fn int(&mut self, v: i32) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn float(&mut self, v: f32) -> Result<(), DecodeError> {
        self.value(v)
    }
    // Strings and blobs are borrowed slices: their address and length go through
    // `black_box`; the bytes were already checked (size, padding, UTF-8) by the decoder.
    fn string(&mut self, v: &'a str) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn symbol(&mut self, v: &'a str) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn blob(&mut self, v: &'a [u8]) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn long(&mut self, v: i64) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn time_tag(&mut self, v: TimeTag) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn double(&mut self, v: f64) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn char(&mut self, v: char) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn color(&mut self, v: Rgba) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn midi(&mut self, v: MidiMessage) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn bool(&mut self, v: bool) -> Result<(), DecodeError> {
        self.value(v)
    }
    fn nil(&mut self) -> Result<(), DecodeError> {
        self.value(b'N')
    }
    fn impulse(&mut self) -> Result<(), DecodeError> {
        self.value(b'I')
    }
    fn array(&mut self, array: Array<'a>) -> Result<(), DecodeError> {
        self.0 += walk_array(&array)?;
        Ok(())
    }
}

/// Reads one argument's value (as a consumer would, like the oscpack harness's `switch`).
#[inline(always)]
fn walk_arg(arg: Arg<'_>) -> Result<usize, DecodeError> {
    match arg {
        Arg::Int(v) => drop(black_box(v)),
        Arg::Float(v) => drop(black_box(v)),
        // Strings and blobs are borrowed slices: their address and length go through
        // `black_box`; the bytes were already checked (size, padding, UTF-8) by the decoder.
        Arg::String(s) | Arg::Symbol(s) => drop(black_box(s)),
        Arg::Blob(b) => drop(black_box(b)),
        Arg::Long(v) => drop(black_box(v)),
        Arg::TimeTag(t) => drop(black_box(t)),
        Arg::Double(v) => drop(black_box(v)),
        Arg::Char(c) => drop(black_box(c)),
        Arg::Color(c) => drop(black_box(c)),
        Arg::Midi(m) => drop(black_box(m)),
        Arg::True | Arg::False => drop(black_box(arg.as_bool())),
        Arg::Nil | Arg::Impulse => drop(black_box(arg.tag())),
        Arg::Array(array) => return walk_array(&array),
    }
    Ok(1)
}

/// Reads every item of an array, recursively; counts the array itself as one value.
#[inline(never)]
fn walk_array(array: &Array<'_>) -> Result<usize, DecodeError> {
    let mut count = 1;
    for item in array.iter() {
        count += walk_arg(item?)?;
    }
    Ok(count)
}

/// rosc's decoder builds an owned tree (`String`s, `Vec`s), which reads everything.
#[inline]
pub(crate) fn rosc_decode(bytes: &[u8]) -> Result<(), rosc::OscError> {
    let (_, packet) = rosc::decoder::decode_udp(bytes)?;
    black_box(&packet);
    Ok(())
}

// ---- encode ---------------------------------------------------------------------------

/// Encodes the value form into `buf`; returns the length.
#[inline]
pub(crate) fn mox_encode(value: &Packet<'_>, buf: &mut [u8]) -> usize {
    value.encode(buf).expect("packet set encodes")
}

/// rosc's `encode_into` into a `Vec` that keeps its capacity between calls (no allocation
/// once warm); returns the length.
#[inline]
pub(crate) fn rosc_encode(value: &rosc::OscPacket, out: &mut Vec<u8>) -> usize {
    out.clear();
    match rosc::encoder::encode_into(value, out) {
        Ok(len) => len,
        Err(never) => match never {},
    }
}

/// The rosc value form of a packet (rosc decodes our bytes; `tests/no_alloc.rs` checks it
/// encodes back to the same bytes).
pub(crate) fn rosc_value(bytes: &[u8]) -> rosc::OscPacket {
    rosc::decoder::decode_udp(bytes)
        .expect("rosc decodes the packet set")
        .1
}
