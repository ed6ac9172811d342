//! Errors of the envelope codec: one decode kind per class of `docs/design/envelope.md`
//! §A.4, and the encoder's own.
use core::fmt;

/// What is wrong with an envelope body, a field section or a known field's value.
///
/// The numeric values are stable (the C and WASM bindings export them) and are in the block
/// 501–529 of the crate-wide code space (`docs/errors.md`); new kinds get new numbers and
/// retired numbers are never reused. [`DecodeErrorKind::class`] is the language-neutral
/// class the vector corpus uses (design §A.4).
///
/// Two kinds are not "malformed": [`UnknownFormat`](Self::UnknownFormat) is the `ignored`
/// outcome and [`BadCheck`](Self::BadCheck) the silent `discarded` outcome of the receiver
/// pipeline ([`Outcome`](super::Outcome)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u16)]
pub enum DecodeErrorKind {
    /// A byte of the body has bit 7 set (only possible on OSC, or in a body given directly:
    /// inside `F0 … F7` such a byte ends the SysEx message).
    NotSevenBit = 501,
    /// The body ends inside the header: the header byte, owner, extension number, version,
    /// type or node ids.
    TruncatedHeader = 502,
    /// A must-be-zero bit (4 or 3) of the header byte is set.
    ReservedBitSet = 503,
    /// `K=1` and the CRC-14/DARC does not match, or the body is too short to hold it.
    BadCheck = 504,
    /// A varint uses more bytes than its value needs (a final `00` byte).
    VarintOverlong = 505,
    /// A varint's third byte has its "more" bit set.
    VarintTooLong = 506,
    /// A field's id, length or value runs past the end of its field section.
    FieldOverrun = 507,
    /// A field section holds more fields than [`Limits::max_fields`](super::Limits).
    TooManyFields = 508,
    /// Records nest deeper than [`Limits::max_depth`](super::Limits).
    RecordTooDeep = 509,
    /// A known field's value has a length its type does not allow (or exceeds `max_len`).
    BadFieldLength = 510,
    /// A known field that is not `repeated` appears twice.
    DuplicateField = 511,
    /// A known field's value is outside its range (`min`/`max`, `bool`), not valid UTF-8,
    /// or not a valid Mcoded7 packing.
    ValueOutOfRange = 512,
    /// The header's format bits are not `00`: another envelope format, which this receiver
    /// ignores silently.
    UnknownFormat = 513,
}

impl DecodeErrorKind {
    /// The language-neutral error class of the vector corpus (design §A.4).
    pub const fn class(self) -> &'static str {
        match self {
            Self::NotSevenBit => "not-seven-bit",
            Self::TruncatedHeader => "truncated-header",
            Self::ReservedBitSet => "reserved-bit-set",
            Self::BadCheck => "bad-check",
            Self::VarintOverlong => "varint-overlong",
            Self::VarintTooLong => "varint-too-long",
            Self::FieldOverrun => "field-overrun",
            Self::TooManyFields => "too-many-fields",
            Self::RecordTooDeep => "record-too-deep",
            Self::BadFieldLength => "bad-field-length",
            Self::DuplicateField => "duplicate-field",
            Self::ValueOutOfRange => "value-out-of-range",
            Self::UnknownFormat => "unknown-format",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// The error-reply code (design §6.3) a receiver sends for this kind when it may reply:
    /// `07` `reserved-bit-set`, `08` `value-out-of-range`, `41` `malformed` for the other
    /// parse errors; `None` for [`BadCheck`](Self::BadCheck) and
    /// [`UnknownFormat`](Self::UnknownFormat), which never get a reply.
    pub const fn reply_code(self) -> Option<u8> {
        match self {
            Self::ReservedBitSet => Some(0x07),
            Self::ValueOutOfRange => Some(0x08),
            Self::BadCheck | Self::UnknownFormat => None,
            _ => Some(0x41),
        }
    }

    const fn describe(self) -> &'static str {
        match self {
            Self::NotSevenBit => "byte with the high bit set in an envelope body",
            Self::TruncatedHeader => "envelope header cut short",
            Self::ReservedBitSet => "reserved header bit set",
            Self::BadCheck => "CRC-14 check failed or missing",
            Self::VarintOverlong => "varint longer than its value needs",
            Self::VarintTooLong => "varint longer than 3 bytes",
            Self::FieldOverrun => "field runs past the end of its section",
            Self::TooManyFields => "too many fields",
            Self::RecordTooDeep => "records nested too deep",
            Self::BadFieldLength => "known field has a length its type does not allow",
            Self::DuplicateField => "known field appears twice",
            Self::ValueOutOfRange => "known field's value out of range",
            Self::UnknownFormat => "unknown envelope format",
        }
    }
}

/// A decode error with the byte offset, in the body (the bytes after the `MOX` signature,
/// or an OSC blob), where it was found: the offending byte, or for missing bytes the
/// position where one was expected. For a field error it is the start of the field's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: usize,
}

impl DecodeError {
    /// An error of `kind` at byte `offset`.
    pub const fn new(kind: DecodeErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What went wrong.
    pub const fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// Byte offset in the body.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The kind's language-neutral class.
    pub const fn class(&self) -> &'static str {
        self.kind.class()
    }

    /// The kind's stable numeric code.
    pub const fn code(&self) -> u16 {
        self.kind.code()
    }

    /// Same error, `base` bytes further on (for sections inside a body).
    pub(crate) const fn shifted(self, base: usize) -> Self {
        Self::new(self.kind, self.offset.saturating_add(base))
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.kind.describe(),
            self.offset,
            self.kind.class()
        )
    }
}

impl core::error::Error for DecodeError {}

/// Why an envelope could not be encoded. Nothing is written when one is returned.
///
/// Codes are in the block 531–549 of the crate-wide code space (`docs/errors.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is shorter than the `needed` bytes of the encoding.
    BufferTooSmall {
        /// Exact size of the encoding.
        needed: usize,
    },
    /// A byte that goes on the wire as is (a field value, a chunk section, a body) has its
    /// high bit set, at `offset` in what was given.
    NotSevenBit {
        /// Offset in the offending input.
        offset: usize,
    },
    /// A number does not fit its wire field: a field id or extension number above 2^18 − 1,
    /// a node id above 2^28 − 1, a major, minor or type above `7F`, or a field value longer
    /// than 262 143 bytes.
    OutOfRange,
    /// The owner is not encodable: a one-byte owner `00` or above `7F`, or a three-byte
    /// owner with a byte above `7F`.
    InvalidOwner,
    /// The SysEx carrier id is not a manufacturer id MOX may send under: `7E`, `7F` or an
    /// invalid id (design §3.1).
    InvalidCarrier,
    /// Fields were given for a header with `H=1`, or a chunk section for one with `H=0`.
    ChunkFlagMismatch,
    /// A fallback packet of an OSC group cannot be encoded (the OSC encoder's error).
    FallbackNotEncodable(crate::osc::EncodeError),
}

impl EncodeError {
    /// The language-neutral error class.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::BufferTooSmall { .. } => "buffer-too-small",
            Self::NotSevenBit { .. } => "not-seven-bit",
            Self::OutOfRange => "out-of-range",
            Self::InvalidOwner => "invalid-owner",
            Self::InvalidCarrier => "invalid-carrier",
            Self::ChunkFlagMismatch => "chunk-flag-mismatch",
            Self::FallbackNotEncodable(_) => "fallback-not-encodable",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(&self) -> u16 {
        match self {
            Self::BufferTooSmall { .. } => 531,
            Self::NotSevenBit { .. } => 532,
            Self::OutOfRange => 533,
            Self::InvalidOwner => 534,
            Self::InvalidCarrier => 535,
            Self::ChunkFlagMismatch => 536,
            Self::FallbackNotEncodable(_) => 537,
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
            Self::NotSevenBit { offset } => write!(f, "byte {offset} has the high bit set"),
            Self::OutOfRange => f.write_str("a number does not fit its wire field"),
            Self::InvalidOwner => f.write_str("extension owner is not encodable"),
            Self::InvalidCarrier => f.write_str("carrier id may not carry MOX"),
            Self::ChunkFlagMismatch => f.write_str("H flag does not match what was given"),
            Self::FallbackNotEncodable(error) => write!(f, "fallback packet: {error}"),
        }
    }
}

impl core::error::Error for EncodeError {}
