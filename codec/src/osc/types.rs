//! Argument values.
use super::args::ArrayRepr;
use super::{DecodeError, TimeTag};

/// An RGBA colour (`r`): on the wire the bytes are red, green, blue, alpha in that order,
/// i.e. the big-endian int32 `0xRRGGBBAA` (OSC 1.0). One Arduino library had this reversed
/// for years; the vectors pin it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Alpha.
    pub a: u8,
}

impl Rgba {
    /// The four bytes in wire order.
    pub const fn to_bytes(self) -> [u8; 4] {
        [self.r, self.g, self.b, self.a]
    }
    /// From the four bytes in wire order.
    pub const fn from_bytes(bytes: [u8; 4]) -> Self {
        Self {
            r: bytes[0],
            g: bytes[1],
            b: bytes[2],
            a: bytes[3],
        }
    }
}

/// A 4-byte MIDI message (`m`): on the wire port id, status byte, data1, data2 in that order
/// (OSC 1.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MidiMessage {
    /// Port id.
    pub port: u8,
    /// Status byte.
    pub status: u8,
    /// First data byte.
    pub data1: u8,
    /// Second data byte.
    pub data2: u8,
}

impl MidiMessage {
    /// The four bytes in wire order.
    pub const fn to_bytes(self) -> [u8; 4] {
        [self.port, self.status, self.data1, self.data2]
    }
    /// From the four bytes in wire order.
    pub const fn from_bytes(bytes: [u8; 4]) -> Self {
        Self {
            port: bytes[0],
            status: bytes[1],
            data1: bytes[2],
            data2: bytes[3],
        }
    }
}

/// One OSC argument. Strings and blobs borrow from the decoded packet (or from the caller,
/// when encoding).
///
/// Equality compares floats by bit pattern, so a NaN equals itself and `0.0 != -0.0`:
/// the codec is about bytes, not arithmetic.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// `i`: 32-bit two's-complement integer.
    Int(i32),
    /// `f`: 32-bit IEEE 754 float.
    Float(f32),
    /// `s`: OSC-string.
    String(&'a str),
    /// `b`: blob.
    Blob(&'a [u8]),
    /// `h`: 64-bit two's-complement integer.
    Long(i64),
    /// `t`: timetag.
    TimeTag(TimeTag),
    /// `d`: 64-bit IEEE 754 double.
    Double(f64),
    /// `S`: symbol, an alternate string type.
    Symbol(&'a str),
    /// `c`: a character sent as 32 bits.
    Char(char),
    /// `r`: RGBA colour.
    Color(Rgba),
    /// `m`: 4-byte MIDI message.
    Midi(MidiMessage),
    /// `T`: true (no argument bytes).
    True,
    /// `F`: false (no argument bytes).
    False,
    /// `N`: nil (no argument bytes).
    Nil,
    /// `I`: impulse, "bang" (OSC 1.1; "Infinitum" in OSC 1.0). No argument bytes.
    Impulse,
    /// `[` … `]`: an array of arguments.
    Array(Array<'a>),
}

impl Arg<'_> {
    /// The type tag character (`[` for arrays).
    pub const fn tag(&self) -> u8 {
        match self {
            Arg::Int(_) => b'i',
            Arg::Float(_) => b'f',
            Arg::String(_) => b's',
            Arg::Blob(_) => b'b',
            Arg::Long(_) => b'h',
            Arg::TimeTag(_) => b't',
            Arg::Double(_) => b'd',
            Arg::Symbol(_) => b'S',
            Arg::Char(_) => b'c',
            Arg::Color(_) => b'r',
            Arg::Midi(_) => b'm',
            Arg::True => b'T',
            Arg::False => b'F',
            Arg::Nil => b'N',
            Arg::Impulse => b'I',
            Arg::Array(_) => b'[',
        }
    }

    /// `T` or `F` as a `bool`.
    pub const fn as_bool(&self) -> Option<bool> {
        match self {
            Arg::True => Some(true),
            Arg::False => Some(false),
            _ => None,
        }
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        if value {
            Arg::True
        } else {
            Arg::False
        }
    }
}

impl PartialEq for Arg<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Arg::Int(a), Arg::Int(b)) => a == b,
            (Arg::Float(a), Arg::Float(b)) => a.to_bits() == b.to_bits(),
            (Arg::String(a), Arg::String(b)) | (Arg::Symbol(a), Arg::Symbol(b)) => a == b,
            (Arg::Blob(a), Arg::Blob(b)) => a == b,
            (Arg::Long(a), Arg::Long(b)) => a == b,
            (Arg::TimeTag(a), Arg::TimeTag(b)) => a == b,
            (Arg::Double(a), Arg::Double(b)) => a.to_bits() == b.to_bits(),
            (Arg::Char(a), Arg::Char(b)) => a == b,
            (Arg::Color(a), Arg::Color(b)) => a == b,
            (Arg::Midi(a), Arg::Midi(b)) => a == b,
            (Arg::True, Arg::True)
            | (Arg::False, Arg::False)
            | (Arg::Nil, Arg::Nil)
            | (Arg::Impulse, Arg::Impulse) => true,
            (Arg::Array(a), Arg::Array(b)) => a == b,
            _ => false,
        }
    }
}

/// An array argument: either items the caller supplies for encoding, or a view of a decoded
/// array whose items are checked as they are read.
#[derive(Clone, Copy, Debug)]
pub struct Array<'a>(pub(super) ArrayRepr<'a>);

impl<'a> Array<'a> {
    /// An array of the given items, for encoding.
    pub const fn new(items: &'a [Arg<'a>]) -> Self {
        Array(ArrayRepr::Items(items))
    }

    /// The items. A decoded array was checked when it was read, so its items are all `Ok`
    /// unless the packet is malformed inside the array.
    pub fn iter(&self) -> ArrayIter<'a> {
        ArrayIter(self.0.iter())
    }
}

impl PartialEq for Array<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<'a> IntoIterator for &Array<'a> {
    type Item = Result<Arg<'a>, DecodeError>;
    type IntoIter = ArrayIter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over an [`Array`]'s items.
#[derive(Clone, Debug)]
pub struct ArrayIter<'a>(pub(super) super::args::ReprIter<'a>);

impl<'a> Iterator for ArrayIter<'a> {
    type Item = Result<Arg<'a>, DecodeError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}
