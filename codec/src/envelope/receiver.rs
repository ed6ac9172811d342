//! The receiver pipeline (design §7, §A.3): one message in, exactly one [`Outcome`] out,
//! against a [`ReceiverDesc`] given as data.
use core::fmt;

use super::body::Body;
use super::fields::{read_field, FieldSection, Fields, Limits};
use super::header::{Header, Owner, BROADCAST};
use super::sysex::SysExEnvelope;
use super::{value, DecodeError, DecodeErrorKind, Field, FieldId, NotMox};
use crate::sysex::chunk::{ChunkError, ChunkHeader};
use crate::sysex::sevenbit::{self, Encoding};

/// The schema type of a known field (design §3.3, §A.3a).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum FieldType {
    /// Unsigned, 1 byte.
    U7,
    /// Unsigned, 2 bytes, LSB group first.
    U14,
    /// Unsigned, 3 bytes.
    U21,
    /// Unsigned, 4 bytes.
    U28,
    /// Two's complement in 7 bits, 1 byte.
    I7,
    /// Two's complement in 14 bits, 2 bytes.
    I14,
    /// Two's complement in 21 bits, 3 bytes.
    I21,
    /// Two's complement in 28 bits, 4 bytes.
    I28,
    /// 1 byte, `00` or `01`.
    Bool,
    /// 1 byte; a value not in [`FieldDef::values`] makes the field unknown (its flags apply).
    Enum7,
    /// 7-bit ASCII text, raw.
    Text7,
    /// 7-bit data, raw.
    Bytes7,
    /// UTF-8 text, Mcoded7-packed; must be valid UTF-8.
    Utf8,
    /// 8-bit data, Mcoded7-packed.
    Bytes,
    /// IEEE 754 binary32, big-endian (as OSC), Mcoded7-packed: exactly 5 value bytes (spec §6.4).
    F32,
    /// Nested fields ([`FieldDef::fields`]); the handling flags apply inside too.
    Record,
}

impl FieldType {
    /// Value bytes of a fixed-size type; `None` for the variable-length ones.
    pub const fn fixed_len(self) -> Option<usize> {
        match self {
            Self::U7 | Self::I7 | Self::Bool | Self::Enum7 => Some(1),
            Self::U14 | Self::I14 => Some(2),
            Self::U21 | Self::I21 => Some(3),
            Self::U28 | Self::I28 => Some(4),
            Self::F32 => Some(5),
            Self::Text7 | Self::Bytes7 | Self::Utf8 | Self::Bytes | Self::Record => None,
        }
    }

    const fn is_signed(self) -> bool {
        matches!(self, Self::I7 | Self::I14 | Self::I21 | Self::I28)
    }

    const fn is_unsigned(self) -> bool {
        matches!(self, Self::U7 | Self::U14 | Self::U21 | Self::U28)
    }
}

/// A field the receiver knows (design §A.3a). Build with [`FieldDef::new`] and the `const`
/// setters, so generated code can put the whole description in `static`s.
///
/// A record may hold itself (a `static` can refer to itself), so `Debug` and `PartialEq`
/// do not follow [`fields`](Self#structfield.fields): `Debug` shows how many there are, and
/// two definitions are equal when their other members are and `fields` is the same slice.
#[derive(Clone, Copy)]
pub struct FieldDef<'r> {
    /// The whole id, number << 3 | U R C: the flags are part of the id.
    pub id: u32,
    /// The value's type.
    pub ty: FieldType,
    /// The minor version that added the field.
    pub added: u8,
    /// Smallest allowed value (integer types), if bounded.
    pub min: Option<i32>,
    /// Largest allowed value (integer types), if bounded.
    pub max: Option<i32>,
    /// The known values of an `enum7`.
    pub values: &'r [u8],
    /// Longest allowed value of `text7`, `bytes7` (wire bytes) or `utf8`, `bytes` (bytes
    /// after unpacking), if bounded.
    pub max_len: Option<u32>,
    /// Whether the field may appear more than once.
    pub repeated: bool,
    /// The fields of a `record`.
    pub fields: &'r [FieldDef<'r>],
}

impl fmt::Debug for FieldDef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldDef")
            .field("id", &self.id)
            .field("ty", &self.ty)
            .field("added", &self.added)
            .field("min", &self.min)
            .field("max", &self.max)
            .field("values", &self.values)
            .field("max_len", &self.max_len)
            .field("repeated", &self.repeated)
            .field("fields", &self.fields.len())
            .finish()
    }
}

impl PartialEq for FieldDef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.ty == other.ty
            && self.added == other.added
            && self.min == other.min
            && self.max == other.max
            && self.values == other.values
            && self.max_len == other.max_len
            && self.repeated == other.repeated
            && core::ptr::eq(self.fields, other.fields)
    }
}

impl Eq for FieldDef<'_> {}

impl<'r> FieldDef<'r> {
    /// A field of type `ty` with id `id`, added in minor 0, unbounded, not repeated.
    pub const fn new(id: u32, ty: FieldType) -> Self {
        Self {
            id,
            ty,
            added: 0,
            min: None,
            max: None,
            values: &[],
            max_len: None,
            repeated: false,
            fields: &[],
        }
    }

    /// A `record` field holding `fields`.
    pub const fn record(id: u32, fields: &'r [FieldDef<'r>]) -> Self {
        let mut def = Self::new(id, FieldType::Record);
        def.fields = fields;
        def
    }

    /// Added in minor `minor`.
    pub const fn added(mut self, minor: u8) -> Self {
        self.added = minor;
        self
    }

    /// Values from `min` to `max` inclusive.
    pub const fn range(mut self, min: i32, max: i32) -> Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }

    /// The known values of an `enum7`.
    pub const fn values(mut self, values: &'r [u8]) -> Self {
        self.values = values;
        self
    }

    /// At most `len` bytes (see [`FieldDef::max_len`](Self#structfield.max_len)).
    pub const fn max_len(mut self, len: u32) -> Self {
        self.max_len = Some(len);
        self
    }

    /// May appear more than once.
    pub const fn repeated(mut self) -> Self {
        self.repeated = true;
        self
    }
}

/// A message type the receiver knows, with its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageDef<'r> {
    /// The type, `00`–`7F` (bit 6: request).
    pub msg_type: u8,
    /// Its known fields.
    pub fields: &'r [FieldDef<'r>],
}

/// A major version the receiver implements, up to `minor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MajorDef<'r> {
    /// The major version.
    pub major: u8,
    /// The highest minor the receiver implements (informational: messages of any minor are
    /// processed, design §5.2).
    pub minor: u8,
    /// Its message types.
    pub messages: &'r [MessageDef<'r>],
}

/// An extension the receiver supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtensionDef<'r> {
    /// The owner.
    pub owner: Owner,
    /// The number under that owner.
    pub number: u32,
    /// The majors the receiver supports.
    pub majors: &'r [MajorDef<'r>],
}

/// What a receiver is and supports (design §A.3a): its node id, limits and extensions. All
/// borrowed slices, so a description can be `const`/`static` data.
///
/// ```
/// use mox_codec::envelope::{ExtensionDef, FieldDef, FieldType, Limits, MajorDef, MessageDef, Owner, ReceiverDesc};
///
/// static FADER: [FieldDef<'static>; 2] = [
///     FieldDef::new(0x00, FieldType::U7),                       // strip
///     FieldDef::new(0x08, FieldType::U14).range(0, 16383),      // position
/// ];
/// static RECEIVER: ReceiverDesc<'static> = ReceiverDesc {
///     node_id: 0x0123_4567,
///     limits: Limits::DEFAULT,
///     extensions: &[ExtensionDef {
///         owner: Owner::MOX,
///         number: 1,
///         majors: &[MajorDef { major: 1, minor: 0, messages: &[MessageDef { msg_type: 0x01, fields: &FADER }] }],
///     }],
/// };
/// # let _ = &RECEIVER;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiverDesc<'r> {
    /// The receiver's node id (28 bits).
    pub node_id: u32,
    /// Field-section limits.
    pub limits: Limits,
    /// The extensions it supports.
    pub extensions: &'r [ExtensionDef<'r>],
}

/// Why a message was rejected at pipeline step 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// The extension is not supported.
    UnsupportedExtension,
    /// The extension is, but not this major (or the major is 0).
    UnsupportedVersion,
    /// The major is, but not this message type.
    UnsupportedMessageType,
}

impl Rejection {
    /// The language-neutral class (design §6.3 names).
    pub const fn class(self) -> &'static str {
        match self {
            Self::UnsupportedExtension => "unsupported-extension",
            Self::UnsupportedVersion => "unsupported-version",
            Self::UnsupportedMessageType => "unsupported-message-type",
        }
    }

    /// The error-reply code: `05`, `02`, `01`.
    pub const fn reply_code(self) -> u8 {
        match self {
            Self::UnsupportedExtension => 0x05,
            Self::UnsupportedVersion => 0x02,
            Self::UnsupportedMessageType => 0x01,
        }
    }
}

/// An error reply (or notification) the receiver may send: the message was addressed to
/// it (`A=1`, destination = its node id) and is not itself a `mox.core` error. Rate
/// limiting is the node's job (design §2.1 item 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reply {
    /// The code (design §6.3), e.g. `41` malformed.
    pub code: u8,
    /// Where to send it: the original's source node id.
    pub to: u32,
    /// The field id the reply names (error field 4), if any.
    pub field: Option<FieldId>,
    /// The byte offset in the original body (error field 8), if any.
    pub offset: Option<usize>,
}

/// The one outcome of receiving one SysEx message or one OSC message (design §A.3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome<'a, 'r> {
    /// Step 1: not a MOX message; hand it to the legacy or plain handlers.
    NotMox(NotMox),
    /// Step 2: the format bits are not `00`; ignored silently.
    Ignored,
    /// Step 3: `bad-check`; discarded silently, never a reply.
    Discarded(DecodeError),
    /// Steps 4 and 8: a parse or validation error.
    Malformed {
        /// What and where.
        error: DecodeError,
        /// `07`, `08` or `41`, when the receiver may reply.
        reply: Option<Reply>,
        /// Whether the header named an extension, major and type the receiver supports
        /// (the error was in the fields).
        supported: bool,
    },
    /// Step 5: addressed to another node (bridges still forward it).
    OtherDestination {
        /// The header.
        header: Header,
        /// Whether the receiver supports the extension and major (spec MOX-OSC-012).
        supported: bool,
    },
    /// Step 6: extension, major or type not supported.
    Rejected {
        /// Which.
        rejection: Rejection,
        /// The header.
        header: Header,
        /// `05`, `02`, or `01` (request types only), when the receiver may reply.
        reply: Option<Reply>,
    },
    /// Step 9: an unknown field with `C=1` (the first one in wire order decides).
    Dropped {
        /// The header.
        header: Header,
        /// That field's id.
        field: FieldId,
        /// `06` when that field has `R=1` and the receiver may reply.
        reply: Option<Reply>,
    },
    /// Step 10: delivered, known and unknown fields in wire order.
    Delivered(Delivered<'a, 'r>),
    /// Step 7: a chunk (`H=1`) of a supported message. Not an outcome yet: give it to a
    /// [`ChunkReceiver`](super::ChunkReceiver), which ends it as [`Outcome::Consumed`] or
    /// with the outcome of the message it completes (or hand [`ChunkMessage::section`] to
    /// your own [`Reassembler`](crate::sysex::chunk::Reassembler) and call
    /// [`ReceiverDesc::receive_reassembled`] on completion).
    Chunk(ChunkMessage<'a, 'r>),
    /// Step 7: a chunk that did not complete a message, with its chapter 11 class
    /// (`chunk-accepted`, `chunk-duplicate`, `chunk-missing`, …; spec §15.4).
    Consumed {
        /// The chunk's header.
        header: Header,
        /// The chapter 11 class.
        class: &'static str,
        /// The reply MOX-ERR-031 maps the class to, when eligible.
        reply: Option<Reply>,
    },
}

impl Outcome<'_, '_> {
    /// The outcome's name in the vector corpus (spec §15.4): `not-mox`, `ignored`,
    /// `discarded`, `malformed`, `other-destination`, `rejected`, `consumed`, `dropped`,
    /// `delivered`; `chunk` for a chunk not yet given to a reassembler.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::NotMox(_) => "not-mox",
            Self::Ignored => "ignored",
            Self::Discarded(_) => "discarded",
            Self::Malformed { .. } => "malformed",
            Self::OtherDestination { .. } => "other-destination",
            Self::Rejected { .. } => "rejected",
            Self::Dropped { .. } => "dropped",
            Self::Delivered(_) => "delivered",
            Self::Chunk(_) => "chunk",
            Self::Consumed { .. } => "consumed",
        }
    }

    /// The error class behind the outcome, where there is one: the decode error's class for
    /// `discarded` and `malformed`, the rejection's for `rejected`, `unknown-critical-field`
    /// for `dropped`.
    pub const fn error_class(&self) -> Option<&'static str> {
        match self {
            Self::Discarded(error) | Self::Malformed { error, .. } => Some(error.class()),
            Self::Rejected { rejection, .. } => Some(rejection.class()),
            Self::Dropped { .. } => Some("unknown-critical-field"),
            Self::Consumed { class, .. } => Some(class),
            _ => None,
        }
    }

    /// The reply the receiver may send, if any.
    pub const fn reply(&self) -> Option<Reply> {
        match self {
            Self::Malformed { reply, .. }
            | Self::Rejected { reply, .. }
            | Self::Dropped { reply, .. }
            | Self::Consumed { reply, .. } => *reply,
            Self::Delivered(delivered) => delivered.notify,
            _ => None,
        }
    }

    /// Whether a receiver must not act on the OSC fallback elements grouped with this
    /// message (spec MOX-OSC-012): its header was parsed and the receiver supports its
    /// extension and major. True for `delivered`, `dropped`, `chunk`, `rejected` for an
    /// unsupported type, `malformed` in the fields, and `other-destination` of a supported
    /// extension and major.
    pub const fn suppresses_fallback(&self) -> bool {
        match self {
            Self::Delivered(_) | Self::Dropped { .. } | Self::Chunk(_) | Self::Consumed { .. } => {
                true
            }
            Self::OtherDestination { supported, .. } => *supported,
            Self::Rejected { rejection, .. } => {
                matches!(rejection, Rejection::UnsupportedMessageType)
            }
            Self::Malformed { supported, .. } => *supported,
            _ => false,
        }
    }
}

/// A chunk of a supported message, ready for reassembly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkMessage<'a, 'r> {
    header: Header,
    section: &'a [u8],
    message: &'r MessageDef<'r>,
}

impl<'a, 'r> ChunkMessage<'a, 'r> {
    /// The header, repeated in every chunk of the transfer.
    pub const fn header(&self) -> &Header {
        &self.header
    }

    /// The chunk body (chunk header and payload) for
    /// [`Reassembler::accept`](crate::sysex::chunk::Reassembler::accept).
    pub const fn section(&self) -> &'a [u8] {
        self.section
    }

    /// The message type's definition.
    pub const fn message_def(&self) -> &'r MessageDef<'r> {
        self.message
    }

    /// The chunk header and payload.
    ///
    /// # Errors
    /// [`ChunkHeader::parse`]'s.
    pub fn chunk(&self) -> Result<(ChunkHeader, &'a [u8]), ChunkError> {
        ChunkHeader::parse(self.section)
    }
}

/// A delivered message: its header and its fields, each classified as known or unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivered<'a, 'r> {
    header: Header,
    fields: FieldSection<'a>,
    message: &'r MessageDef<'r>,
    notify: Option<Reply>,
}

impl<'a, 'r> Delivered<'a, 'r> {
    /// The header.
    pub const fn header(&self) -> &Header {
        &self.header
    }

    /// The message type's definition.
    pub const fn message_def(&self) -> &'r MessageDef<'r> {
        self.message
    }

    /// The raw field section (every field, in wire order).
    pub const fn field_section(&self) -> FieldSection<'a> {
        self.fields
    }

    /// The `24` `unknown-field-ignored` notification to send, naming the first unknown
    /// field with `C=0 R=1`, when the receiver may reply.
    pub const fn notify(&self) -> Option<Reply> {
        self.notify
    }

    /// The fields in wire order, each known (with its definition) or unknown.
    pub fn fields(&self) -> Classified<'a, 'r> {
        Classified {
            fields: self.fields.iter(),
            defs: self.message.fields,
            minor: self.header.minor,
            top: true,
        }
    }

    /// The first known top-level field with id `id`, if any. Faster than searching
    /// [`fields`](Self::fields): only fields with that id are classified.
    pub fn known(&self, id: FieldId) -> Option<KnownField<'a, 'r>> {
        let minor = self.header.minor;
        self.fields
            .iter()
            .filter(|field| field.id() == id)
            .find_map(|field| {
                classify(self.message.fields, minor, true, &field).map(|def| KnownField {
                    def,
                    field,
                    minor,
                })
            })
    }
}

/// A field of a delivered message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldClass<'a, 'r> {
    /// Known: validated against its definition.
    Known(KnownField<'a, 'r>),
    /// Unknown (not defined, added in a later minor than the message's, or an `enum7`
    /// value the receiver does not know); its flags said to keep going.
    Unknown(Field<'a>),
}

/// Iterator over classified fields; see [`Delivered::fields`] and [`KnownField::record`].
#[derive(Clone, Debug)]
pub struct Classified<'a, 'r> {
    fields: Fields<'a>,
    defs: &'r [FieldDef<'r>],
    minor: u8,
    top: bool,
}

impl<'a, 'r> Classified<'a, 'r> {
    /// The top-level fields of a message of minor `minor` against `defs`.
    pub(crate) fn new(fields: FieldSection<'a>, defs: &'r [FieldDef<'r>], minor: u8) -> Self {
        Self {
            fields: fields.iter(),
            defs,
            minor,
            top: true,
        }
    }
}

impl<'a, 'r> Iterator for Classified<'a, 'r> {
    type Item = FieldClass<'a, 'r>;

    fn next(&mut self) -> Option<Self::Item> {
        let field = self.fields.next()?;
        Some(match classify(self.defs, self.minor, self.top, &field) {
            Some(def) => FieldClass::Known(KnownField {
                def,
                field,
                minor: self.minor,
            }),
            None => FieldClass::Unknown(field),
        })
    }
}

/// A known, validated field and its definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownField<'a, 'r> {
    def: &'r FieldDef<'r>,
    field: Field<'a>,
    minor: u8,
}

impl<'a, 'r> KnownField<'a, 'r> {
    /// The definition.
    pub const fn def(&self) -> &'r FieldDef<'r> {
        self.def
    }

    /// The field as received.
    pub const fn field(&self) -> Field<'a> {
        self.field
    }

    /// The value of a `u7`…`u28`, `bool` or `enum7`.
    pub fn uint(&self) -> Option<u32> {
        match self.def.ty {
            FieldType::Bool | FieldType::Enum7 => value::decode_uint(self.field.value()),
            ty if ty.is_unsigned() => value::decode_uint(self.field.value()),
            _ => None,
        }
    }

    /// The value of an `i7`…`i28`.
    pub fn int(&self) -> Option<i32> {
        if self.def.ty.is_signed() {
            value::decode_int(self.field.value())
        } else {
            None
        }
    }

    /// The value of a `bool`.
    pub fn bool(&self) -> Option<bool> {
        match (self.def.ty, self.field.value()) {
            (FieldType::Bool, [b]) => Some(*b == 1),
            _ => None,
        }
    }

    /// The value of an `f32`.
    pub fn f32(&self) -> Option<f32> {
        match self.def.ty {
            FieldType::F32 => value::decode_f32(self.field.value()),
            _ => None,
        }
    }

    /// The unpacked bytes of a `utf8` or `bytes` field, written into `out`; `None` for
    /// another type or when `out` is too short
    /// ([`sevenbit::decoded_len`](crate::sysex::sevenbit::decoded_len) gives the size).
    pub fn unpack_into<'o>(&self, out: &'o mut [u8]) -> Option<&'o [u8]> {
        if !matches!(self.def.ty, FieldType::Utf8 | FieldType::Bytes) {
            return None;
        }
        let n = sevenbit::decode(Encoding::Mcoded7, self.field.value(), out).ok()?;
        out.get(..n)
    }

    /// The text of a `utf8` field (unpacked into `out`) or a `text7` field.
    pub fn text<'o>(&self, out: &'o mut [u8]) -> Option<&'o str>
    where
        'a: 'o,
    {
        match self.def.ty {
            FieldType::Text7 => core::str::from_utf8(self.field.value()).ok(),
            FieldType::Utf8 => core::str::from_utf8(self.unpack_into(out)?).ok(),
            _ => None,
        }
    }

    /// The nested fields of a `record`, classified against its definition.
    pub fn record(&self) -> Option<Classified<'a, 'r>> {
        if self.def.ty != FieldType::Record {
            return None;
        }
        let base = self.field.offset() + self.field.raw().len() - self.field.value().len();
        // Validated by the pipeline; an unbounded limit cannot fail where it passed.
        let section = FieldSection::parse_at(self.field.value(), base, &UNBOUNDED).ok()?;
        Some(Classified {
            fields: section.iter(),
            defs: self.def.fields,
            minor: self.minor,
            top: false,
        })
    }
}

/// The request id envelope field (spec MOX-FLD-050): known in every message's own field
/// section, `u14`, flags `000`.
pub static REQUEST_ID_DEF: FieldDef<'static> =
    FieldDef::new(super::field_id::REQUEST_ID << 3, FieldType::U14);

/// The definition that makes `field` known in a message of minor `minor`, if any (spec
/// MOX-RCV-010). An `enum7` whose value is not listed is unknown.
fn classify<'r>(
    defs: &'r [FieldDef<'r>],
    minor: u8,
    top: bool,
    field: &Field<'_>,
) -> Option<&'r FieldDef<'r>> {
    let (_, def) = lookup_indexed(defs, minor, field.id(), top)?;
    if def.ty == FieldType::Enum7
        && !field
            .value()
            .first()
            .is_some_and(|v| def.values.contains(v))
    {
        return None;
    }
    Some(def)
}

/// The definition of `id` if it exists and was added no later than `minor` (a field added
/// after the message's minor is unknown, MOX-VER-011), with its index in `defs`; at the top
/// level also the request id, with no index.
fn lookup_indexed<'r>(
    defs: &'r [FieldDef<'r>],
    minor: u8,
    id: FieldId,
    top: bool,
) -> Option<(Option<usize>, &'r FieldDef<'r>)> {
    if let Some(found) = defs
        .iter()
        .enumerate()
        .find(|(_, def)| def.id == id.value() && def.added <= minor)
    {
        return Some((Some(found.0), found.1));
    }
    (top && id.value() == REQUEST_ID_DEF.id).then_some((None, &REQUEST_ID_DEF))
}

impl<'r> ReceiverDesc<'r> {
    /// Receives one complete SysEx message (`F0` … `F7`): spec §15.3 from step 1.
    pub fn receive_sysex<'a>(&self, bytes: &'a [u8]) -> Outcome<'a, 'r> {
        match SysExEnvelope::parse(bytes) {
            Ok(envelope) => self.receive(envelope.body()),
            Err(not_mox) => Outcome::NotMox(not_mox),
        }
    }

    /// Receives one OSC message (a packet, or one element of a bundle: see
    /// [`osc::groups`](super::osc::groups) for the fallback rule): spec §15.3 from step 1.
    pub fn receive_osc<'a>(&self, message: &crate::osc::Message<'a>) -> Outcome<'a, 'r> {
        match super::osc::body_of(message) {
            Ok(body) => self.receive(body),
            Err(not_mox) => Outcome::NotMox(not_mox),
        }
    }

    /// Receives one OSC message given as its bytes, as the OSC layer delimits it (a packet
    /// that is a message, or the bytes of one bundle element): spec §15.3 from step 1, with
    /// MOX-OSC-004 applied to the bytes ([`osc::message_body`](super::osc::message_body)),
    /// so that a `/mox` message whose address or type-tag string is not valid OSC ends as
    /// `not-mox` with the OSC layer's class. A message at another address is
    /// [`NotMox::OtherAddress`](super::NotMox::OtherAddress): the caller's plain handlers
    /// decode it.
    pub fn receive_osc_unit<'a>(&self, bytes: &'a [u8]) -> Outcome<'a, 'r> {
        match super::osc::message_body(bytes) {
            Ok(body) => self.receive(body),
            Err(not_mox) => Outcome::NotMox(not_mox),
        }
    }

    /// Receives one envelope body (from either binding): spec §15.3 steps 1a–10.
    pub fn receive<'a>(&self, body: &'a [u8]) -> Outcome<'a, 'r> {
        let (header, header_len, section) = match Body::parse_header(body) {
            Ok(parsed) => parsed,
            Err(error) => return self.header_failure(body, error),
        };
        if let Some(addresses) = header.addresses {
            if addresses.destination != self.node_id && addresses.destination != BROADCAST {
                return Outcome::OtherDestination {
                    header,
                    supported: self.supports(&header),
                };
            }
        }
        let message = match self.message_def(&header) {
            Ok(message) => message,
            Err(rejection) => {
                let reply =
                    if rejection == Rejection::UnsupportedMessageType && !header.is_request() {
                        None
                    } else {
                        self.reply(&header, rejection.reply_code(), None, None)
                    };
                return Outcome::Rejected {
                    rejection,
                    header,
                    reply,
                };
            }
        };
        if header.chunked {
            return Outcome::Chunk(ChunkMessage {
                header,
                section,
                message,
            });
        }
        self.field_stage(header, message, section, header_len)
    }

    /// Steps 8–10 for a reassembled transfer (spec MOX-RCV-052): `fields` is the
    /// reassembled payload (the field section) and `header` the first chunk's header.
    /// Offsets in errors and replies count from the start of `fields`.
    pub fn receive_reassembled<'a>(&self, header: &Header, fields: &'a [u8]) -> Outcome<'a, 'r> {
        match self.message_def(header) {
            Ok(message) => self.field_stage(*header, message, fields, 0),
            Err(rejection) => Outcome::Rejected {
                rejection,
                header: *header,
                reply: None,
            },
        }
    }

    /// The reply to `header` with `code`, if the message is eligible (spec MOX-ERR-020).
    pub fn reply_to(&self, header: &Header, code: u8) -> Option<Reply> {
        self.reply(header, code, None, None)
    }

    /// The reply to `header` with `code` naming `field`, if the message is eligible.
    pub(crate) fn reply_naming(&self, header: &Header, code: u8, field: FieldId) -> Option<Reply> {
        self.reply(header, code, Some(field), None)
    }

    /// [`message_def`](Self::message_def) for the other modules.
    pub(crate) fn message_def_of(&self, header: &Header) -> Result<&'r MessageDef<'r>, Rejection> {
        self.message_def(header)
    }

    /// Whether the extension and major are supported (spec MOX-OSC-012).
    fn supports(&self, header: &Header) -> bool {
        !matches!(
            self.message_def(header),
            Err(Rejection::UnsupportedExtension | Rejection::UnsupportedVersion)
        )
    }

    /// Step 6: the definition of the message's type.
    fn message_def(&self, header: &Header) -> Result<&'r MessageDef<'r>, Rejection> {
        let extension = self
            .extensions
            .iter()
            .find(|ext| {
                ext.owner == header.extension.owner && ext.number == header.extension.number
            })
            .ok_or(Rejection::UnsupportedExtension)?;
        let major = extension
            .majors
            .iter()
            .find(|major| major.major == header.major && header.major != 0)
            .ok_or(Rejection::UnsupportedVersion)?;
        major
            .messages
            .iter()
            .find(|message| message.msg_type == header.msg_type)
            .ok_or(Rejection::UnsupportedMessageType)
    }

    /// The reply to `header`, if the message is eligible (spec MOX-ERR-020): `A=1`,
    /// destination = own id, a source that is a possible node id, not an error message.
    fn reply(
        &self,
        header: &Header,
        code: u8,
        field: Option<FieldId>,
        offset: Option<usize>,
    ) -> Option<Reply> {
        let addresses = header.addresses?;
        if addresses.destination != self.node_id
            || addresses.destination >= RESERVED_NODE_IDS
            || addresses.source >= RESERVED_NODE_IDS
            || header.is_core_error()
        {
            return None;
        }
        Some(Reply {
            code,
            to: addresses.source,
            field,
            offset,
        })
    }

    /// The outcome of a failure before the header was read (steps 1a–4a).
    fn header_failure<'a>(&self, body: &'a [u8], error: DecodeError) -> Outcome<'a, 'r> {
        match error.kind() {
            DecodeErrorKind::UnknownFormat => Outcome::Ignored,
            DecodeErrorKind::BadCheck => Outcome::Discarded(error),
            DecodeErrorKind::ReservedBitSet => {
                // MOX-ERR-022: eligibility from the header read as if bits 4–3 were zero
                // (`Header::read` does not look at them); the CRC, if any, passed.
                let covered = match body.first() {
                    Some(flags) if flags & super::header::FLAG_CHECK != 0 => {
                        body.get(..body.len().saturating_sub(2)).unwrap_or_default()
                    }
                    _ => body,
                };
                let reply = Header::read(covered)
                    .ok()
                    .and_then(|(header, _)| self.reply(&header, 0x07, None, Some(0)));
                Outcome::Malformed {
                    error,
                    reply,
                    supported: false,
                }
            }
            // Not eligible: the header was not parsed, or (not-seven-bit) never answered.
            _ => Outcome::Malformed {
                error,
                reply: None,
                supported: false,
            },
        }
    }

    /// Steps 8–10 (spec §15.6, §15.7).
    fn field_stage<'a>(
        &self,
        header: Header,
        message: &'r MessageDef<'r>,
        section: &'a [u8],
        base: usize,
    ) -> Outcome<'a, 'r> {
        let mut walk = Walk {
            count: 0,
            minor: header.minor,
            first_critical: None,
            first_report: None,
        };
        if let Err((error, field, start)) =
            self.parse_section(section, base, message.fields, 0, &mut walk)
        {
            let reply = error.kind().reply_code().and_then(|code| {
                // Field 4 names the field only for value-out-of-range (spec §9.2).
                let named = field.filter(|_| code == 0x08);
                self.reply(&header, code, named, Some(start))
            });
            return Outcome::Malformed {
                error,
                reply,
                supported: true,
            };
        }
        if let Some(field) = walk.first_critical {
            let reply = if field.is_report() {
                self.reply(&header, 0x06, Some(field), None)
            } else {
                None
            };
            return Outcome::Dropped {
                header,
                field,
                reply,
            };
        }
        let notify = walk
            .first_report
            .and_then(|field| self.reply(&header, 0x24, Some(field), None));
        // Every TLV was read by `parse_section`, so this cannot fail.
        let fields =
            FieldSection::parse_at(section, base, &UNBOUNDED).unwrap_or(FieldSection::EMPTY);
        Outcome::Delivered(Delivered {
            header,
            fields,
            message,
            notify,
        })
    }

    /// `parse_section` of spec §15.6: one field at a time, in wire order, every check of a
    /// field before the next field is read; the first failure decides (a [`Failure`]).
    fn parse_section(
        &self,
        bytes: &[u8],
        base: usize,
        defs: &'r [FieldDef<'r>],
        depth: u8,
        walk: &mut Walk,
    ) -> Result<(), Failure> {
        // Ids of known, non-repeated fields met, by index in `defs` (the first 128) or, for
        // the request id, a flag of its own; others are looked for among earlier fields.
        let mut seen = [0u64; 2];
        let mut seen_request_id = false;
        let mut pos = 0usize;
        while let Some(rest) = bytes.get(pos..).filter(|rest| !rest.is_empty()) {
            let at = base + pos;
            if walk.count >= self.limits.max_fields {
                return Err((
                    DecodeError::new(DecodeErrorKind::TooManyFields, at),
                    None,
                    at,
                ));
            }
            let (field, len) = read_field(rest, at).map_err(|error| (error, None, at))?;
            walk.count += 1;
            let id = field.id();
            let fail = |kind| Err((DecodeError::new(kind, at), Some(id), at));
            let Some((index, def)) = lookup_indexed(defs, walk.minor, id, depth == 0) else {
                walk.unknown(id);
                pos += len;
                continue;
            };
            if !def.repeated {
                let duplicate = match index {
                    Some(i) if i < 128 => {
                        let (word, bit) = (i / 64, i % 64);
                        let hit = seen.get(word).is_some_and(|w| w & (1 << bit) != 0);
                        if let Some(w) = seen.get_mut(word) {
                            *w |= 1 << bit;
                        }
                        hit
                    }
                    Some(_) => earlier_has(bytes, base, pos, id),
                    None => core::mem::replace(&mut seen_request_id, true),
                };
                if duplicate {
                    return fail(DecodeErrorKind::DuplicateField);
                }
            }
            match self.check_value(def, &field, depth, walk)? {
                Known::Yes => {}
                Known::No => walk.unknown(id),
            }
            pos += len;
        }
        Ok(())
    }

    /// Checks a known field's length, then its value (spec §6.4, MOX-FLD-026 steps 6–7);
    /// for a record, its depth and then its nested section.
    fn check_value(
        &self,
        def: &'r FieldDef<'r>,
        field: &Field<'_>,
        depth: u8,
        walk: &mut Walk,
    ) -> Result<Known, Failure> {
        let at = field.offset();
        let fail = |kind| Err((DecodeError::new(kind, at), Some(field.id()), at));
        let bytes = field.value();
        // Lengths first.
        let too_long = |len: usize| def.max_len.is_some_and(|max| len > max as usize);
        match def.ty.fixed_len() {
            Some(len) if bytes.len() != len => return fail(DecodeErrorKind::BadFieldLength),
            Some(_) => {}
            None => match def.ty {
                FieldType::Utf8 | FieldType::Bytes => {
                    match sevenbit::decoded_len(Encoding::Mcoded7, bytes.len()) {
                        Ok(len) if !too_long(len) => {}
                        _ => return fail(DecodeErrorKind::BadFieldLength),
                    }
                }
                FieldType::Text7 | FieldType::Bytes7 if too_long(bytes.len()) => {
                    return fail(DecodeErrorKind::BadFieldLength)
                }
                _ => {}
            },
        }
        // Then values.
        let valid = match def.ty {
            FieldType::Bool => bytes.first().is_some_and(|&b| b <= 1),
            FieldType::Enum7 => {
                return Ok(if bytes.first().is_some_and(|b| def.values.contains(b)) {
                    Known::Yes
                } else {
                    Known::No
                })
            }
            FieldType::Text7 => bytes.iter().all(|&b| (0x20..=0x7E).contains(&b)),
            FieldType::Bytes7 => true,
            FieldType::Utf8 | FieldType::Bytes | FieldType::F32 => {
                unpacks(bytes, def.ty == FieldType::Utf8)
            }
            FieldType::Record => {
                if depth >= self.limits.max_depth {
                    return fail(DecodeErrorKind::RecordTooDeep);
                }
                let base = at + field.raw().len() - bytes.len();
                self.parse_section(bytes, base, def.fields, depth + 1, walk)?;
                true
            }
            ty => {
                let number = if ty.is_signed() {
                    value::decode_int(bytes).map(i64::from)
                } else {
                    value::decode_uint(bytes).map(i64::from)
                };
                number.is_some_and(|n| {
                    def.min.is_none_or(|min| n >= i64::from(min))
                        && def.max.is_none_or(|max| n <= i64::from(max))
                })
            }
        };
        if valid {
            Ok(Known::Yes)
        } else {
            fail(DecodeErrorKind::ValueOutOfRange)
        }
    }
}

/// A field-stage failure: the error, the id of the field it is about (when one was read)
/// and the offset of that field's first byte (the error reply's offset, spec §9.2).
type Failure = (DecodeError, Option<FieldId>, usize);

/// Node ids from here up are the broadcast id and the reserved ones (spec MOX-SYX-051).
const RESERVED_NODE_IDS: u32 = 0x0FFF_FF00;

/// Limits that let a section already walked by the pipeline be viewed again.
const UNBOUNDED: Limits = Limits {
    max_fields: u16::MAX,
    max_depth: u8::MAX,
};

/// Whether a field with `id` occurs in `bytes[..end]` (a section at `base`).
fn earlier_has(bytes: &[u8], base: usize, end: usize, id: FieldId) -> bool {
    let Some(earlier) = bytes.get(..end) else {
        return false;
    };
    FieldSection::parse_at(earlier, base, &UNBOUNDED)
        .map(|section| section.iter().any(|field| field.id() == id))
        .unwrap_or(false)
}

/// What a value check found.
enum Known {
    Yes,
    /// An `enum7` with an unlisted value.
    No,
}

/// The state of one message's walk: the field count (one counter for the whole message,
/// MOX-FLD-040), its minor, and the first unknown fields with `C=1` and with `C=0 R=1`, in
/// the order the walk met them (wire order, depth first).
struct Walk {
    count: u16,
    minor: u8,
    first_critical: Option<FieldId>,
    first_report: Option<FieldId>,
}

impl Walk {
    fn unknown(&mut self, id: FieldId) {
        if id.is_critical() {
            self.first_critical.get_or_insert(id);
        } else if id.is_report() {
            self.first_report.get_or_insert(id);
        }
    }
}

/// Whether `wire` is a valid Mcoded7 packing (and, for `utf8`, of valid UTF-8). Group by
/// group, with no buffer beyond one group and a 3-byte carry for a character split across
/// groups.
fn unpacks(wire: &[u8], utf8: bool) -> bool {
    let mut carry = [0u8; 3];
    let mut carried = 0usize;
    for group in wire.chunks(8) {
        let mut buf = [0u8; 10];
        let (head, tail) = buf.split_at_mut(carried);
        head.copy_from_slice(carry.get(..carried).unwrap_or_default());
        let Ok(n) = sevenbit::decode(Encoding::Mcoded7, group, tail) else {
            return false;
        };
        if !utf8 {
            continue;
        }
        let text = buf.get(..carried + n).unwrap_or_default();
        carried = match core::str::from_utf8(text) {
            Ok(_) => 0,
            // Cut inside a character at the end of the group: carry its first bytes on.
            Err(error) if error.error_len().is_none() => {
                let rest = text.get(error.valid_up_to()..).unwrap_or_default();
                let Some(slot) = carry.get_mut(..rest.len()) else {
                    return false;
                };
                slot.copy_from_slice(rest);
                rest.len()
            }
            Err(_) => return false,
        };
    }
    carried == 0
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "reply {:02X} to {:07X}", self.code, self.to)?;
        if let Some(field) = self.field {
            write!(f, " naming field {:#x}", field.value())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysex::sevenbit;

    fn packed(data: &[u8]) -> ([u8; 64], usize) {
        let mut out = [0u8; 64];
        let n = sevenbit::encode(Encoding::Mcoded7, data, &mut out).unwrap();
        (out, n)
    }

    #[test]
    fn utf8_characters_split_across_groups_are_carried() {
        // "aaaaaa€": the euro sign's 3 bytes straddle the first 7-byte group.
        for text in ["aaaaaa€", "aaaaa€€€", "ü", "", "𝄞𝄞𝄞𝄞"] {
            let (wire, n) = packed(text.as_bytes());
            assert!(unpacks(&wire[..n], true), "{text}");
        }
        for bad in [
            &[0xC3][..],
            &[0x61, 0xFF],
            &[0xE2, 0x82],
            &[0xED, 0xA0, 0x80],
        ] {
            let (wire, n) = packed(bad);
            assert!(!unpacks(&wire[..n], true), "{bad:02x?}");
            assert!(unpacks(&wire[..n], false), "{bad:02x?}");
        }
        // A header bit for a byte the last group does not have.
        assert!(!unpacks(&[0x01, 0x00], false));
    }

    #[test]
    fn request_id_is_known_only_at_the_top() {
        let id = FieldId::from_value(REQUEST_ID_DEF.id).unwrap();
        assert!(lookup_indexed(&[], 0, id, true).is_some_and(|(index, _)| index.is_none()));
        assert!(lookup_indexed(&[], 0, id, false).is_none());
        let defs = [FieldDef::new(0x08, FieldType::U7).added(2)];
        let field = FieldId::from_value(0x08).unwrap();
        assert!(lookup_indexed(&defs, 1, field, true).is_none());
        assert_eq!(
            lookup_indexed(&defs, 2, field, true).map(|(i, _)| i),
            Some(Some(0))
        );
    }

    #[test]
    fn field_defs_compare_without_following_records() {
        static SELF: [FieldDef<'static>; 1] = [FieldDef::record(0x08, &SELF)];
        assert_eq!(SELF[0], SELF[0]);
        assert!(format!("{:?}", SELF[0]).contains("fields: 1"));
        assert_ne!(FieldDef::record(0x08, &[]), SELF[0]);
    }
}
