//! Typed code for the reference extensions, generated from their schemas (spec chapter 14,
//! BRIEF decision 11: one source of truth), plus the small hand-written runtime it uses.
//!
//! [`fader`](crate::envelope::ext::fader) (`mox.fader`) and
//! [`grid`](crate::envelope::ext::grid) (`mox.grid`) are written by
//! `mox schema gen spec/extensions/<name>.toml` and checked in; a test of the `mox` crate
//! fails when they differ from the generator's output, so they are never edited by hand.
//! Each holds, per major (`v1`, `v2`, …):
//!
//! - the receiver description: `DEF` (the newest minor) and `DEF_<major>_<minor>` for each
//!   older minor, both [`MajorDef`](crate::envelope::MajorDef)s, and at the top
//!   `EXTENSION_DEF`, an [`ExtensionDef`](crate::envelope::ExtensionDef) with every major,
//!   for a [`ReceiverDesc`](crate::envelope::ReceiverDesc);
//! - one plain struct per message (values, borrowed slices for text and bytes), which
//!   encodes itself through [`encode_body`](crate::envelope::encode_body) after computing the exact
//!   size, and renders its fallback ([`Fallback`](crate::envelope::ext::Fallback));
//! - one zero-copy view per message over a [`Delivered`](crate::envelope::Delivered) message, with an accessor per
//!   field (`Option` for an optional field: `None` when it is absent *or* unknown to the
//!   description, for example a field of a later minor) and the unknown fields kept;
//! - a `Message` enum of the major, to dispatch a delivered message by type.
//!
//! The fallback renderers are the schema's expressions compiled to straight-line `i32`
//! code over the functions of [`ops`](crate::envelope::ext::ops). `mox schema doc` evaluates the
//! same expressions with the same functions, so the two cannot disagree about what `/`, `%`, `>>`,
//! `clamp` or `scale` mean (spec §14.6.4); a test of the `mox` crate compares them on
//! every documented example and on random messages.
//!
//! See `docs/extensions/README.md` for a guide.
use core::fmt;

use super::{Delivered, EncodeError, ExtensionId, Field, FieldClass, FieldId, KnownField};
use crate::osc::{self, Packet, TimeTag};

#[rustfmt::skip]
pub mod fader;
#[rustfmt::skip]
pub mod grid;
/// A test fixture of the generator (`conformance/src/schema/testdata/acme.sample.toml`): every
/// feature it supports, compiled and tested here. Not an extension; not for use.
#[doc(hidden)]
#[rustfmt::skip]
pub mod sample;

/// Every reference extension, ready for a [`ReceiverDesc`](crate::envelope::ReceiverDesc)'s
/// `extensions` (each at its newest minor, every major).
pub static EXTENSIONS: [super::ExtensionDef<'static>; 2] =
    [fader::EXTENSION_DEF, grid::EXTENSION_DEF];

/// A delivered message of any reference extension and major, typed: what a bridge or a tool
/// needs to render the fallback of "any message" it has the schema for (issue 5, BRIEF 10).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Reference<'a> {
    /// `mox.fader` major 1.
    FaderV1(fader::v1::Message),
    /// `mox.fader` major 2.
    FaderV2(fader::v2::Message),
    /// `mox.grid` major 1.
    GridV1(grid::v1::Message<'a>),
}

impl<'a> Reference<'a> {
    /// The typed message, when `message` belongs to a reference extension and major.
    ///
    /// # Errors
    /// [`ViewError::OtherMessage`] for any other extension or major; the views' errors
    /// otherwise.
    pub fn from_delivered(message: &Delivered<'a, '_>) -> Result<Self, ViewError> {
        let header = message.header();
        match (header.extension, header.major) {
            (fader::EXTENSION, 1) => fader::v1::Message::from_delivered(message).map(Self::FaderV1),
            (fader::EXTENSION, 2) => fader::v2::Message::from_delivered(message).map(Self::FaderV2),
            (grid::EXTENSION, 1) => grid::v1::Message::from_delivered(message).map(Self::GridV1),
            _ => Err(ViewError::OtherMessage),
        }
    }

    fn as_fallback(&self) -> &dyn Fallback {
        match self {
            Self::FaderV1(m) => m,
            Self::FaderV2(m) => m,
            Self::GridV1(m) => m,
        }
    }
}

impl Fallback for Reference<'_> {
    fn for_each_midi(&self, emit: &mut dyn FnMut(MidiMessage)) -> Result<(), SendError> {
        self.as_fallback().for_each_midi(emit)
    }

    fn for_each_osc(&self, emit: &mut dyn FnMut(&osc::Message<'_>)) -> Result<(), SendError> {
        self.as_fallback().for_each_osc(emit)
    }
}

/// The semantics of the fallback expression language (spec §14.6.4) as `i32` functions.
///
/// A valid schema proves that every sub-expression of a valid message stays inside `i32`
/// (MOX-SCH-052), so these never wrap for such messages; they wrap (instead of panicking)
/// on anything else, which only an invalid message or an unchecked expression can reach.
pub mod ops {
    /// `a + b`.
    pub const fn add(a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }

    /// `a - b`.
    pub const fn sub(a: i32, b: i32) -> i32 {
        a.wrapping_sub(b)
    }

    /// `a * b`.
    pub const fn mul(a: i32, b: i32) -> i32 {
        a.wrapping_mul(b)
    }

    /// `-a`.
    pub const fn neg(a: i32) -> i32 {
        a.wrapping_neg()
    }

    /// `a / b`: truncates toward zero, and `a / 0 = 0` (the language is total).
    pub const fn div(a: i32, b: i32) -> i32 {
        if b == 0 {
            0
        } else {
            a.wrapping_div(b)
        }
    }

    /// `a % b`: the sign of the dividend, and `a % 0 = 0`.
    pub const fn rem(a: i32, b: i32) -> i32 {
        if b == 0 {
            0
        } else {
            a.wrapping_rem(b)
        }
    }

    /// `a << k`, i.e. `a · 2^k`. Valid schemas shift by a literal 0–30; other amounts
    /// give 0.
    pub const fn shl(a: i32, k: i32) -> i32 {
        if k < 0 || k > 31 {
            0
        } else {
            a.wrapping_shl(k as u32)
        }
    }

    /// `a >> k`: the arithmetic shift, `⌊a / 2^k⌋`. Valid schemas shift by a literal
    /// 0–30; a negative amount gives `a`, one above 31 the sign (`0` or `-1`).
    pub const fn shr(a: i32, k: i32) -> i32 {
        if k < 0 {
            a
        } else if k > 31 {
            a >> 31
        } else {
            a >> k
        }
    }

    /// `a & b` (valid schemas apply it to non-negative values only).
    pub const fn and(a: i32, b: i32) -> i32 {
        a & b
    }

    /// `a | b` (valid schemas apply it to non-negative values only).
    pub const fn or(a: i32, b: i32) -> i32 {
        a | b
    }

    /// `a == b`: 1 or 0.
    pub const fn eq(a: i32, b: i32) -> i32 {
        (a == b) as i32
    }

    /// `a != b`: 1 or 0.
    pub const fn ne(a: i32, b: i32) -> i32 {
        (a != b) as i32
    }

    /// `a < b`: 1 or 0.
    pub const fn lt(a: i32, b: i32) -> i32 {
        (a < b) as i32
    }

    /// `a <= b`: 1 or 0.
    pub const fn le(a: i32, b: i32) -> i32 {
        (a <= b) as i32
    }

    /// `a > b`: 1 or 0.
    pub const fn gt(a: i32, b: i32) -> i32 {
        (a > b) as i32
    }

    /// `a >= b`: 1 or 0.
    pub const fn ge(a: i32, b: i32) -> i32 {
        (a >= b) as i32
    }

    /// `abs(a)`.
    pub const fn abs(a: i32) -> i32 {
        a.wrapping_abs()
    }

    /// `min(a, b)`.
    pub const fn min(a: i32, b: i32) -> i32 {
        if a < b {
            a
        } else {
            b
        }
    }

    /// `max(a, b)`.
    pub const fn max(a: i32, b: i32) -> i32 {
        if a > b {
            a
        } else {
            b
        }
    }

    /// `clamp(x, l, h) = max(l, min(x, h))`: `l` wins when `l > h` (unlike
    /// [`Ord::clamp`], which panics then).
    pub const fn clamp(x: i32, l: i32, h: i32) -> i32 {
        max(l, min(x, h))
    }

    /// `scale(x, a, b, c, d) = c + ((x − a)·(d − c)) / (b − a)`, with [`div`] (so it
    /// extrapolates outside `a…b`, and gives `c` when `a = b`, which valid schemas exclude).
    pub const fn scale(x: i32, a: i32, b: i32, c: i32, d: i32) -> i32 {
        add(c, div(mul(sub(x, a), sub(d, c)), sub(b, a)))
    }

    /// `byte(f, k)`: byte `k` (from 0) of a `text7`/`bytes7` value, 0 when `k` is negative
    /// or not below its length.
    pub fn byte(value: &[u8], k: i32) -> i32 {
        usize::try_from(k)
            .ok()
            .and_then(|k| value.get(k))
            .map_or(0, |b| i32::from(*b))
    }

    /// Whether a `when` condition holds: nonzero.
    pub const fn holds(v: i32) -> bool {
        v != 0
    }

    /// A `u21`/`u28` value as an expression operand (valid values are below 2^28).
    pub const fn wide(v: u32) -> i32 {
        v as i32
    }

    /// An OSC `f` argument with `normalise = [lo, hi]`: `(x − lo) / (hi − lo)` rounded to
    /// the nearest binary32. The quotient is computed in binary64 and rounded once more,
    /// which gives the correctly rounded result (53 ≥ 2·24 + 2, spec MOX-SCH-056).
    pub fn normalise(x: i32, lo: i64, hi: i64) -> f32 {
        (i64::from(x).wrapping_sub(lo) as f64 / hi.wrapping_sub(lo) as f64) as f32
    }

    /// An OSC `f` argument without `normalise`: the value itself (valid schemas keep it
    /// within ±2^24, where binary32 is exact).
    pub const fn float(x: i32) -> f32 {
        x as f32
    }
}

/// One MIDI 1.0 channel message of a fallback rendering (spec MOX-SCH-053): 2 or 3 bytes,
/// no running status. The constructors take the expression values and keep the low 4
/// bits of the channel and the low 7 bits of each data byte, which is the value itself for
/// every valid message (the schema checker proves the ranges).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MidiMessage {
    bytes: [u8; 3],
    len: u8,
}

impl MidiMessage {
    const fn three(status: u8, channel: i32, a: i32, b: i32) -> Self {
        Self {
            bytes: [
                status | (channel & 0x0F) as u8,
                (a & 0x7F) as u8,
                (b & 0x7F) as u8,
            ],
            len: 3,
        }
    }

    const fn two(status: u8, channel: i32, a: i32) -> Self {
        Self {
            bytes: [status | (channel & 0x0F) as u8, (a & 0x7F) as u8, 0],
            len: 2,
        }
    }

    /// `9c note velocity`.
    pub const fn note_on(channel: i32, note: i32, velocity: i32) -> Self {
        Self::three(0x90, channel, note, velocity)
    }

    /// `8c note velocity`.
    pub const fn note_off(channel: i32, note: i32, velocity: i32) -> Self {
        Self::three(0x80, channel, note, velocity)
    }

    /// `Ac note value`.
    pub const fn poly_pressure(channel: i32, note: i32, value: i32) -> Self {
        Self::three(0xA0, channel, note, value)
    }

    /// `Bc controller value`.
    pub const fn control_change(channel: i32, controller: i32, value: i32) -> Self {
        Self::three(0xB0, channel, controller, value)
    }

    /// `Cc program`.
    pub const fn program_change(channel: i32, program: i32) -> Self {
        Self::two(0xC0, channel, program)
    }

    /// `Dc value`.
    pub const fn channel_pressure(channel: i32, value: i32) -> Self {
        Self::two(0xD0, channel, value)
    }

    /// `Ec value&7F value>>7` for a value 0–16383.
    pub const fn pitch_bend(channel: i32, value: i32) -> Self {
        Self::three(0xE0, channel, value, value >> 7)
    }

    /// The 2 or 3 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// 2 or 3.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a channel message has a status byte.
    pub const fn is_empty(&self) -> bool {
        false
    }
}

/// A fixed-capacity OSC address being rendered from a template (spec MOX-SCH-055). The
/// generated code sizes `N` for the longest possible rendering (11 bytes per `{…}` part:
/// `-2147483648`), so nothing is ever cut; if it were, the text is cut, not a panic.
#[derive(Clone, Copy, Debug)]
pub struct Address<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Default for Address<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Address<N> {
    /// Empty.
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
        }
    }

    /// Appends literal text (ASCII in generated code).
    pub fn push_str(&mut self, text: &str) {
        for &b in text.as_bytes() {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
    }

    /// Appends `v` in decimal: `-` for negative values, no leading zeros.
    pub fn push_int(&mut self, v: i32) {
        let mut digits = [0u8; 10];
        let mut n = v.unsigned_abs();
        let mut count = 0;
        loop {
            if let Some(d) = digits.get_mut(count) {
                *d = b'0' + (n % 10) as u8;
            }
            count += 1;
            n /= 10;
            if n == 0 || count == digits.len() {
                break;
            }
        }
        if v < 0 {
            self.push_str("-");
        }
        for i in (0..count).rev() {
            if let (Some(&d), Some(slot)) = (digits.get(i), self.buf.get_mut(self.len)) {
                *slot = d;
                self.len += 1;
            }
        }
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever pushed by generated code; anything else reads as empty.
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

/// Why a typed message could not be encoded or rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// A field's value is outside its type, `min`/`max` or `max_len`, or (`text7`) not
    /// printable ASCII, or (`bytes7`) not 7-bit (spec MOX-SCH-041).
    Invalid {
        /// The field.
        field: FieldId,
    },
    /// A field is set that the header's minor does not have (it was added later).
    NotInMinor {
        /// The field.
        field: FieldId,
    },
    /// The header names another extension, major or message type, a minor older than the
    /// message, or has `H=1` (chunks are made from an encoded body).
    WrongHeader,
    /// The body encoder refused.
    Encode(EncodeError),
    /// The OSC encoder refused a fallback message.
    Osc(osc::EncodeError),
    /// The output buffer is shorter than `needed` bytes; nothing was written.
    BufferTooSmall {
        /// The exact size.
        needed: usize,
    },
}

impl From<EncodeError> for SendError {
    fn from(error: EncodeError) -> Self {
        match error {
            EncodeError::BufferTooSmall { needed } => Self::BufferTooSmall { needed },
            other => Self::Encode(other),
        }
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { field } => write!(f, "field {field} holds an invalid value"),
            Self::NotInMinor { field } => {
                write!(f, "field {field} does not exist in the header's minor")
            }
            Self::WrongHeader => f.write_str("the header is not this message's"),
            Self::Encode(error) => write!(f, "cannot encode the body: {error}"),
            Self::Osc(error) => write!(f, "cannot encode an OSC fallback message: {error}"),
            Self::BufferTooSmall { needed } => write!(f, "output buffer too small: need {needed}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SendError {}

/// Why a delivered message does not make a typed view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViewError {
    /// Another extension, major or message type.
    OtherMessage,
    /// A `required` field is absent, or unknown to the receiver description (an `enum7`
    /// value it does not list). The pipeline does not check `required` (its
    /// [`FieldDef`](super::FieldDef) has no such member), so the view does.
    Missing {
        /// The field.
        field: FieldId,
    },
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OtherMessage => f.write_str("another extension, major or message type"),
            Self::Missing { field } => write!(f, "required field {field} is missing"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ViewError {}

/// The fallback rendering of a typed message for peers without the extension (spec
/// §14.7): MIDI 1.0 channel messages and plain OSC messages, in the schema's rule order.
/// Rules whose fields are absent emit nothing (MOX-SCH-058).
pub trait Fallback {
    /// Calls `emit` with each MIDI message, in order. Nothing is emitted for an invalid
    /// message.
    ///
    /// # Errors
    /// [`SendError::Invalid`] before anything is emitted.
    fn for_each_midi(&self, emit: &mut dyn FnMut(MidiMessage)) -> Result<(), SendError>;

    /// Calls `emit` with each OSC message, in order.
    ///
    /// # Errors
    /// [`SendError::Invalid`] before anything is emitted.
    fn for_each_osc(&self, emit: &mut dyn FnMut(&osc::Message<'_>)) -> Result<(), SendError>;

    /// The exact size of [`encode_midi`](Self::encode_midi)'s output.
    ///
    /// # Errors
    /// As [`for_each_midi`](Self::for_each_midi).
    fn midi_len(&self) -> Result<usize, SendError> {
        let mut len = 0usize;
        self.for_each_midi(&mut |m| len = len.saturating_add(m.len()))?;
        Ok(len)
    }

    /// Writes the MIDI messages one after the other into `out` (a MIDI 1.0 byte stream,
    /// no running status); returns the bytes written.
    ///
    /// # Errors
    /// As [`for_each_midi`](Self::for_each_midi), or [`SendError::BufferTooSmall`] with the
    /// exact size; nothing is written on error.
    fn encode_midi(&self, out: &mut [u8]) -> Result<usize, SendError> {
        let needed = self.midi_len()?;
        let Some(out) = out.get_mut(..needed) else {
            return Err(SendError::BufferTooSmall { needed });
        };
        let mut at = 0usize;
        self.for_each_midi(&mut |m| {
            let bytes = m.as_bytes();
            if let Some(slot) = out.get_mut(at..at + bytes.len()) {
                slot.copy_from_slice(bytes);
            }
            at += bytes.len();
        })?;
        Ok(needed)
    }

    /// The exact size of [`encode_osc_group`](Self::encode_osc_group)'s output.
    ///
    /// # Errors
    /// As [`encode_osc_group`](Self::encode_osc_group), except `BufferTooSmall`.
    fn osc_group_len(&self, body: &[u8]) -> Result<usize, SendError> {
        let mut len = super::osc::group_len(body, &[])?;
        let mut failed = None;
        self.for_each_osc(&mut |m| match m.encoded_len() {
            Ok(n) => len = len.saturating_add(4).saturating_add(n),
            Err(e) => {
                failed.get_or_insert(e);
            }
        })?;
        match failed {
            Some(e) => Err(SendError::Osc(e)),
            None => Ok(len),
        }
    }

    /// Writes the OSC bundle group of spec §5 (design §4.2 rule 3): a bundle (timetag
    /// "immediately") with `/mox ,b <body>` followed by this message's OSC fallback, so
    /// that a MOX peer acts on the body and a plain peer on the fallback. `body` is the
    /// message's encoded body ([`encode`](fader::v1::Strip::encode)). Returns the bytes
    /// written.
    ///
    /// # Errors
    /// [`SendError::Invalid`], [`SendError::Encode`] (a body byte above `7F`),
    /// [`SendError::Osc`], or [`SendError::BufferTooSmall`] with the exact size.
    fn encode_osc_group(&self, body: &[u8], out: &mut [u8]) -> Result<usize, SendError> {
        let needed = self.osc_group_len(body)?;
        let Some(out) = out.get_mut(..needed) else {
            return Err(SendError::BufferTooSmall { needed });
        };
        let mut builder = crate::osc::builder::BundleBuilder::new(out, TimeTag::IMMEDIATELY)
            .map_err(SendError::Osc)?;
        let args = [osc::Arg::Blob(body)];
        builder
            .packet(&Packet::Message(osc::Message::new(
                super::osc::ADDRESS,
                &args,
            )))
            .map_err(SendError::Osc)?;
        let mut failed = None;
        self.for_each_osc(&mut |m| {
            if failed.is_none() {
                if let Err(e) = builder.packet(&Packet::Message(*m)) {
                    failed = Some(e);
                }
            }
        })?;
        match failed {
            Some(e) => Err(SendError::Osc(e)),
            None => Ok(builder.finish()),
        }
    }
}

/// What a delivered message says about an optional field: its value, or which kind of
/// absence (spec MOX-VER-011 tells "absent by choice" from "not known by the sender").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Presence<T> {
    /// Present, and known to the receiver description: the decoded value.
    Value(T),
    /// Absent, though the sender's minor has the field: absent by choice (for most fields,
    /// "unchanged").
    Absent,
    /// Absent because the message's minor predates the field: not known by the sender,
    /// which an extension may give another default than absent by choice.
    NotInSendersMinor,
    /// On the wire, but unknown to the receiver description (a field of a later minor than
    /// the description's, or an `enum7` value it does not list): its flags applied, and it
    /// is among the view's unknown fields.
    Unknown,
}

impl<T> Presence<T> {
    /// The value, if present and known.
    pub fn value(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// The presence of the optional field `id`, added in minor `added`, in `message`.
#[doc(hidden)]
pub fn presence<'a, 'r, T>(
    message: &Delivered<'a, 'r>,
    id: FieldId,
    added: u8,
    decode: impl FnOnce(KnownField<'a, 'r>) -> Option<T>,
) -> Presence<T> {
    if let Some(known) = known(message, id) {
        // A known field always decodes to its type (the pipeline validated it).
        return decode(known).map_or(Presence::Unknown, Presence::Value);
    }
    // Not known, yet on the wire: unknown to this description (a later minor's field, an
    // enum7 value it does not list).
    if message.field_section().iter().any(|field| field.id() == id) {
        Presence::Unknown
    } else if message.header().minor < added {
        Presence::NotInSendersMinor
    } else {
        Presence::Absent
    }
}

/// The known field with id `id` of a delivered message, if present and known.
#[doc(hidden)]
pub fn known<'a, 'r>(message: &Delivered<'a, 'r>, id: FieldId) -> Option<KnownField<'a, 'r>> {
    message.known(id)
}

/// Whether `message` is of this extension, major and type.
#[doc(hidden)]
pub fn is_message(
    message: &Delivered<'_, '_>,
    extension: ExtensionId,
    major: u8,
    msg_type: u8,
) -> bool {
    let header = message.header();
    header.extension == extension && header.major == major && header.msg_type == msg_type
}

/// A field id from a value the generator has checked (below 2^18).
#[doc(hidden)]
pub const fn id(value: u32) -> FieldId {
    match FieldId::from_value(value) {
        Some(id) => id,
        None => FieldId::MIN,
    }
}

/// The unknown fields of a delivered message, in wire order: kept, as the spec requires,
/// so that a re-originating node can forward them (spec §13.3).
#[derive(Clone, Debug)]
pub struct UnknownFields<'a, 'r> {
    inner: super::Classified<'a, 'r>,
}

impl<'a, 'r> UnknownFields<'a, 'r> {
    /// The unknown fields of `message`.
    pub fn of(message: &Delivered<'a, 'r>) -> Self {
        Self {
            inner: message.fields(),
        }
    }
}

impl<'a> Iterator for UnknownFields<'a, '_> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.by_ref().find_map(|field| match field {
            FieldClass::Unknown(field) => Some(field),
            FieldClass::Known(_) => None,
        })
    }
}

/// The examples in `docs/extensions/README.md` run as doctests, so the guide cannot drift
/// from the generated code.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/extensions/README.md")]
pub struct ExtensionsGuideDoctests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{ExtensionDef, Limits, Outcome, ReceiverDesc};
    use crate::osc::Arg;

    #[test]
    fn ops_follow_spec_14_6_4() {
        // The spec's own examples.
        assert_eq!(ops::div(-7, 2), -3);
        assert_eq!(ops::rem(-7, 2), -1);
        assert_eq!((ops::div(5, 0), ops::rem(5, 0)), (0, 0));
        assert_eq!(ops::shr(-7, 1), -4);
        assert_eq!(ops::shl(-3, 4), -48);
        assert_eq!(ops::clamp(300, 0, 127), 127);
        assert_eq!(ops::clamp(5, 10, 3), 10, "l wins when l > h");
        assert_eq!(ops::scale(8192, 0, 16383, 0, 127), 63);
        assert_eq!(ops::scale(-3, -24, 24, 0, 127), 55);
        assert_eq!(ops::scale(200, 0, 100, 0, 10), 20, "extrapolates");
        assert_eq!(ops::byte(&[5, 6], 1), 6);
        assert_eq!((ops::byte(&[5, 6], 2), ops::byte(&[5, 6], -1)), (0, 0));
        assert_eq!(
            (ops::lt(1, 2), ops::ge(1, 2), ops::eq(3, 3), ops::ne(3, 3)),
            (1, 0, 1, 0)
        );
        assert_eq!((ops::abs(-9), ops::min(2, -2), ops::max(2, -2)), (9, -2, 2));
        assert_eq!(ops::or(ops::shr(300, 7), 64), 66);
        // Exactly 0.5 + 2^-15 rounded to binary32, as the fader page shows.
        assert_eq!(ops::normalise(8192, 0, 16383), 0.500_030_5);
        assert_eq!(
            ops::normalise(64, 0, 127).to_bits(),
            0.503_937_f32.to_bits()
        );
        assert_eq!(ops::float(-3), -3.0);
    }

    #[test]
    fn midi_messages_and_addresses() {
        assert_eq!(
            MidiMessage::pitch_bend(3, 8192).as_bytes(),
            [0xE3, 0x00, 0x40]
        );
        assert_eq!(
            MidiMessage::pitch_bend(15, 16383).as_bytes(),
            [0xEF, 0x7F, 0x7F]
        );
        assert_eq!(MidiMessage::program_change(0, 5).as_bytes(), [0xC0, 0x05]);
        assert_eq!(MidiMessage::channel_pressure(1, 9).len(), 2);
        assert_eq!(MidiMessage::note_off(2, 60, 0).as_bytes(), [0x82, 60, 0]);
        let mut a = Address::<32>::new();
        a.push_str("/x/");
        a.push_int(i32::MIN);
        a.push_str("/");
        a.push_int(0);
        assert_eq!(a.as_str(), "/x/-2147483648/0");
        // Too small: cut, never a panic.
        let mut tiny = Address::<3>::new();
        tiny.push_str("/abc");
        tiny.push_int(-12);
        assert_eq!(tiny.as_str(), "/ab");
    }

    /// The generator's fixture, by hand: the values below are computed from the schema text
    /// (`conformance/src/schema/testdata/acme.sample.toml`), not by the shared `ops`.
    #[test]
    fn the_fixture_renders_and_versions_as_its_schema_says() {
        use sample::v1::{Patch, PatchEngine, PatchView};
        let patch = Patch {
            slot: 300,
            engine: PatchEngine::Wavetable,
            name: Some("Bell"),
            gain: Some(-3),
            level: Some(0.5),
            offset: Some(-70_000),
            label: Some("AB"),
        };
        let mut midi = [0u8; 32];
        let n = patch.encode_midi(&mut midi).unwrap();
        // slot ≥ 128: no program change; CC 32 on channel 2 = (300 >> 7) | 64 = 66;
        // gain −3 → scale = 21·127/48 = 55, then 56; poly pressure on channel 3 from "Be".
        assert_eq!(
            &midi[..n],
            [0xB1, 0x20, 66, 0xBF, 20, 55, 0xBF, 21, 56, 0xA2, b'B', b'e']
        );
        let mut osc = [[0u8; 40]; 2];
        let mut args = [(0, 0.0f32); 2];
        let mut count = 0;
        patch
            .for_each_osc(&mut |m| {
                let a = m.address().as_bytes();
                osc[count][..a.len()].copy_from_slice(a);
                let list: [Option<Arg<'_>>; 3] = {
                    let mut it = m.args();
                    [
                        it.next().and_then(|a| a.ok()),
                        it.next().and_then(|a| a.ok()),
                        it.next().and_then(|a| a.ok()),
                    ]
                };
                args[count] = match list {
                    [Some(Arg::String("Bell")), Some(Arg::Int(2)), Some(Arg::Float(g))] => (1, g),
                    [Some(Arg::Float(x)), None, None] => (2, x),
                    _ => (0, 0.0),
                };
                count += 1;
            })
            .unwrap();
        assert_eq!(count, 2);
        assert!(osc[0].starts_with(b"/patch/300/name\0"));
        assert!(osc[1].starts_with(b"/patch/0/offset/70\0"));
        assert_eq!(args[0], (1, -3.0));
        assert_eq!(args[1].0, 2);
        assert_eq!(
            args[1].1,
            ((-70_000f64 + 134_217_728.0) / 268_435_455.0) as f32
        );

        // Version rules: `label` (1.1) cannot go out at 1.0; `wavetable` (1.1) is unknown
        // to a 1.0 receiver, so the required `engine` is missing there.
        let mut header = Patch::header();
        header.minor = 0;
        let mut body = [0u8; 64];
        assert_eq!(
            patch.encode(&header, &mut body),
            Err(SendError::NotInMinor {
                field: Patch::ID_LABEL
            })
        );
        let n = patch.encode(&Patch::header(), &mut body).unwrap();
        // slot: number 0 with C and R set = id 03; label: number 64 = id 512 = 40 08.
        // After hdr, owner 00 21 09, number 300 (6C 04), major, minor, type: 9 bytes.
        assert_eq!(&body[9..13], [0x03, 0x02, 0x2C, 0x02]);
        assert!(body[..n].windows(3).any(|w| w == [0x40, 0x08, 0x02]));
        let old = [ExtensionDef {
            owner: sample::EXTENSION.owner,
            number: 300,
            majors: core::slice::from_ref(&sample::v1::DEF_1_0),
        }];
        let rx = ReceiverDesc {
            node_id: 1,
            limits: Limits::DEFAULT,
            extensions: &old,
        };
        let Outcome::Delivered(delivered) = rx.receive(&body[..n]) else {
            panic!("{:?}", rx.receive(&body[..n]))
        };
        assert_eq!(
            PatchView::new(delivered).err(),
            Some(ViewError::Missing {
                field: Patch::ID_ENGINE
            })
        );
        let new = [sample::EXTENSION_DEF];
        let rx = ReceiverDesc {
            node_id: 1,
            limits: Limits::DEFAULT,
            extensions: &new,
        };
        let Outcome::Delivered(delivered) = rx.receive(&body[..n]) else {
            panic!("not delivered")
        };
        let view = PatchView::new(delivered).unwrap();
        assert_eq!(view.to_message(), patch);
        assert_eq!(view.label_presence(), Presence::Value("AB"));
        // A 1.0 message: `label` is absent because the sender's minor predates it.
        let old_patch = Patch {
            engine: PatchEngine::Fm,
            label: None,
            ..patch
        };
        let n = old_patch.encode(&header, &mut body).unwrap();
        let Outcome::Delivered(delivered) = rx.receive(&body[..n]) else {
            panic!("not delivered")
        };
        let view = PatchView::new(delivered).unwrap();
        assert_eq!(view.label_presence(), Presence::NotInSendersMinor);
        assert_eq!(view.to_message(), old_patch);
        let bare = Patch {
            name: None,
            ..old_patch
        };
        let n = bare.encode(&header, &mut body).unwrap();
        let Outcome::Delivered(delivered) = rx.receive(&body[..n]) else {
            panic!("not delivered")
        };
        assert_eq!(
            PatchView::new(delivered).unwrap().name_presence(),
            Presence::Absent
        );
    }
}
