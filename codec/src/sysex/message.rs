//! Framing of one System Exclusive message: `F0`, manufacturer id, 7-bit payload, `F7`.
//!
//! ```
//! use mox_codec::sysex::message::{encode, encoded_len, ManufacturerId, SysEx};
//!
//! // Encode a non-commercial (`7D`) message into a caller-provided buffer.
//! let mut buf = [0u8; 16];
//! let len = encode(ManufacturerId::NonCommercial, &[0x01, 0x02], &mut buf).unwrap();
//! assert_eq!(len, encoded_len(ManufacturerId::NonCommercial, &[0x01, 0x02]));
//! assert_eq!(&buf[..len], &[0xF0, 0x7D, 0x01, 0x02, 0xF7]);
//!
//! // Parse it back: the view borrows `buf`.
//! let message = SysEx::parse(&buf[..len]).unwrap();
//! assert_eq!(message.manufacturer(), ManufacturerId::NonCommercial);
//! assert_eq!(message.payload(), &[0x01, 0x02]);
//! assert_eq!(message.body(), &[0x7D, 0x01, 0x02]);
//!
//! // A Universal Non-Real-Time Identity Request, device 7F (all call).
//! let identity = SysEx::parse(&[0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]).unwrap();
//! let universal = identity.universal().unwrap();
//! assert_eq!(universal.device_id, Some(0x7F));
//! assert_eq!((universal.sub_id1, universal.sub_id2), (Some(0x06), Some(0x01)));
//! ```
//!
//! # Contract
//! [`SysEx::parse`] and [`SysEx::parse_body`] accept exactly the byte strings that
//! [`encode`] can produce (with and without `F0`/`F7`), so `encode(parse(x))` gives back `x`.
//! Once parsed, no accessor panics. [`encode`] never panics and never writes past
//! [`encoded_len`]; with a short buffer it returns [`EncodeError::BufferTooSmall`] and leaves
//! the buffer untouched.
//!
//! Specification: MIDI 1.0 Detailed Specification 4.2.1, "System Exclusive Messages" and
//! Table VIIb (manufacturer ids); universal SysEx sub-ids in the same document.
use core::fmt;

use super::status::{SYSEX_END, SYSEX_START};

/// `7D`: the id reserved for non-commercial, educational and development use.
pub const NON_COMMERCIAL: u8 = 0x7D;
/// `7E`: Universal Non-Real-Time SysEx.
pub const UNIVERSAL_NON_REAL_TIME: u8 = 0x7E;
/// `7F`: Universal Real-Time SysEx.
pub const UNIVERSAL_REAL_TIME: u8 = 0x7F;
/// Device id `7F` in a universal message: "all call", addressed to every device.
pub const ALL_CALL: u8 = 0x7F;

/// The manufacturer id that starts every SysEx body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ManufacturerId {
    /// A one-byte id, `01`–`7C`. Other values are not one-byte ids; [`encode`] rejects them.
    OneByte(u8),
    /// A three-byte id `00 xx yy`, holding `xx` and `yy` (each 7-bit).
    ThreeByte(u8, u8),
    /// `7D`: non-commercial (development, education, DIY).
    NonCommercial,
    /// `7E`: Universal Non-Real-Time (sample dump, identity, MIDI-CI...).
    UniversalNonRealTime,
    /// `7F`: Universal Real-Time (MTC, MMC, device control...).
    UniversalRealTime,
}

impl ManufacturerId {
    /// Reads the id at the start of `body` (the bytes after `F0`) and returns it with its
    /// length in bytes (1 or 3). `None` if `body` is empty, starts with a byte above `7F`,
    /// or starts with `00` and has fewer than 3 bytes or a non-7-bit byte among them.
    pub fn read(body: &[u8]) -> Option<(Self, usize)> {
        match *body {
            [0x00, hi, lo, ..] if hi < 0x80 && lo < 0x80 => Some((Self::ThreeByte(hi, lo), 3)),
            [0x00, ..] => None,
            [NON_COMMERCIAL, ..] => Some((Self::NonCommercial, 1)),
            [UNIVERSAL_NON_REAL_TIME, ..] => Some((Self::UniversalNonRealTime, 1)),
            [UNIVERSAL_REAL_TIME, ..] => Some((Self::UniversalRealTime, 1)),
            [id @ 0x01..=0x7C, ..] => Some((Self::OneByte(id), 1)),
            _ => None,
        }
    }

    /// Whether the id can be encoded: a [`OneByte`](Self::OneByte) id in `01`–`7C`, a
    /// [`ThreeByte`](Self::ThreeByte) id with two 7-bit bytes, or one of the reserved ids.
    pub const fn is_valid(self) -> bool {
        match self {
            Self::OneByte(id) => matches!(id, 0x01..=0x7C),
            Self::ThreeByte(hi, lo) => hi < 0x80 && lo < 0x80,
            Self::NonCommercial | Self::UniversalNonRealTime | Self::UniversalRealTime => true,
        }
    }

    /// Encoded length in bytes: 3 for [`ThreeByte`](Self::ThreeByte), 1 otherwise.
    #[allow(clippy::len_without_is_empty)] // an id is never empty
    pub const fn len(self) -> usize {
        match self {
            Self::ThreeByte(..) => 3,
            _ => 1,
        }
    }

    /// The id's bytes in the first [`len`](Self::len) entries of the array (the rest are 0).
    /// For an invalid id (see [`is_valid`](Self::is_valid)) the bytes are what it holds,
    /// unchecked.
    pub const fn to_bytes(self) -> [u8; 3] {
        match self {
            Self::OneByte(id) => [id, 0, 0],
            Self::ThreeByte(hi, lo) => [0x00, hi, lo],
            Self::NonCommercial => [NON_COMMERCIAL, 0, 0],
            Self::UniversalNonRealTime => [UNIVERSAL_NON_REAL_TIME, 0, 0],
            Self::UniversalRealTime => [UNIVERSAL_REAL_TIME, 0, 0],
        }
    }

    /// Whether this is `7E` or `7F`, whose payload starts with a device id and sub-ids.
    pub const fn is_universal(self) -> bool {
        matches!(self, Self::UniversalNonRealTime | Self::UniversalRealTime)
    }
}

/// The fixed header of a Universal SysEx payload (`7E`/`7F`): device id, then sub-id #1
/// and sub-id #2. Each is `None` when the message ends before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Universal {
    /// Target device (the "SysEx channel"); [`ALL_CALL`] (`7F`) addresses every device.
    pub device_id: Option<u8>,
    /// Sub-id #1: the message family (for `7E`: `06` General Information, `0D` MIDI-CI...).
    pub sub_id1: Option<u8>,
    /// Sub-id #2: the message within the family.
    pub sub_id2: Option<u8>,
}

/// A parsed System Exclusive message, borrowing its bytes.
///
/// Built by [`SysEx::parse`] (with `F0`/`F7`) or [`SysEx::parse_body`] (without, as UMP and
/// some APIs carry it). Both guarantee: every body byte is 7-bit and the body starts with a
/// complete manufacturer id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SysEx<'a> {
    body: &'a [u8],
    manufacturer: ManufacturerId,
    id_len: usize,
}

impl<'a> SysEx<'a> {
    /// Parses a complete message: `F0`, a manufacturer id, 7-bit bytes, `F7` as last byte.
    ///
    /// # Errors
    /// The first problem found, checked in this order, with its offset in `bytes`:
    /// [`Empty`](FramingErrorKind::Empty), [`MissingStart`](FramingErrorKind::MissingStart)
    /// (first byte not `F0`), [`NonSevenBit`](FramingErrorKind::NonSevenBit) (a status
    /// byte other than a final `F7`), [`TrailingData`](FramingErrorKind::TrailingData)
    /// (bytes after an `F7`), [`MissingEnd`](FramingErrorKind::MissingEnd) (no `F7`), then
    /// the manufacturer id errors of [`parse_body`](Self::parse_body).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, FramingError> {
        let Some((&first, rest)) = bytes.split_first() else {
            return Err(FramingError::new(FramingErrorKind::Empty, 0));
        };
        if first != SYSEX_START {
            return Err(FramingError::new(FramingErrorKind::MissingStart, 0));
        }
        let body = match rest.iter().position(|&b| b >= 0x80) {
            None => return Err(FramingError::new(FramingErrorKind::MissingEnd, bytes.len())),
            Some(at) => {
                let (body, tail) = rest.split_at(at);
                if tail.first() != Some(&SYSEX_END) {
                    return Err(FramingError::new(FramingErrorKind::NonSevenBit, at + 1));
                }
                if tail.len() > 1 {
                    return Err(FramingError::new(FramingErrorKind::TrailingData, at + 2));
                }
                body
            }
        };
        Self::with_checked_body(body, 1)
    }

    /// Parses a body without `F0` and `F7`: a manufacturer id followed by 7-bit bytes.
    ///
    /// # Errors
    /// With its offset in `body`: [`NonSevenBit`](FramingErrorKind::NonSevenBit) at the
    /// first byte above `7F`; [`MissingManufacturer`](FramingErrorKind::MissingManufacturer)
    /// if `body` is empty; [`TruncatedManufacturer`](FramingErrorKind::TruncatedManufacturer)
    /// (at the end of `body`) if it holds only part of a three-byte id.
    pub fn parse_body(body: &'a [u8]) -> Result<Self, FramingError> {
        if let Some(at) = body.iter().position(|&b| b >= 0x80) {
            return Err(FramingError::new(FramingErrorKind::NonSevenBit, at));
        }
        Self::with_checked_body(body, 0)
    }

    /// `body` is known to be 7-bit; `base` is its offset in what the caller passed.
    fn with_checked_body(body: &'a [u8], base: usize) -> Result<Self, FramingError> {
        match ManufacturerId::read(body) {
            Some((manufacturer, id_len)) => Ok(Self {
                body,
                manufacturer,
                id_len,
            }),
            None if body.is_empty() => Err(FramingError::new(
                FramingErrorKind::MissingManufacturer,
                base,
            )),
            // All bytes are 7-bit, so only a short `00 xx yy` can fail.
            None => Err(FramingError::new(
                FramingErrorKind::TruncatedManufacturer,
                base + body.len(),
            )),
        }
    }

    /// The manufacturer id.
    pub const fn manufacturer(&self) -> ManufacturerId {
        self.manufacturer
    }

    /// The bytes after the manufacturer id, up to (not including) `F7`.
    pub fn payload(&self) -> &'a [u8] {
        self.body.get(self.id_len..).unwrap_or_default()
    }

    /// Everything between `F0` and `F7`: the manufacturer id and the payload.
    pub const fn body(&self) -> &'a [u8] {
        self.body
    }

    /// For a universal message (`7E`/`7F`), its device id and sub-ids; `None` otherwise.
    pub fn universal(&self) -> Option<Universal> {
        if !self.manufacturer.is_universal() {
            return None;
        }
        let payload = self.payload();
        Some(Universal {
            device_id: payload.first().copied(),
            sub_id1: payload.get(1).copied(),
            sub_id2: payload.get(2).copied(),
        })
    }

    /// Size of the message with `F0` and `F7`.
    pub const fn encoded_len(&self) -> usize {
        self.body.len() + 2
    }

    /// Writes the message, `F0 body F7`, into the front of `out`; returns the bytes written.
    ///
    /// # Errors
    /// [`EncodeError::BufferTooSmall`] if `out` is shorter than
    /// [`encoded_len`](Self::encoded_len); `out` is then untouched.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        frame(&[], self.body, out)
    }
}

/// Exact size of the message [`encode`] writes: `F0`, the id, the payload, `F7`.
pub const fn encoded_len(manufacturer: ManufacturerId, payload: &[u8]) -> usize {
    // Saturating: no buffer that large exists, so `encode` then reports it as too small.
    payload.len().saturating_add(manufacturer.len() + 2)
}

/// Writes `F0`, `manufacturer`, `payload`, `F7` into the front of `out` and returns the
/// number of bytes written ([`encoded_len`]).
///
/// # Errors
/// Checked in this order, leaving `out` untouched:
/// [`EncodeError::InvalidManufacturer`] if the id is not [valid](ManufacturerId::is_valid);
/// [`EncodeError::NonSevenBit`] with the offset in `payload` of its first byte above `7F`;
/// [`EncodeError::BufferTooSmall`] with the exact size needed.
pub fn encode(
    manufacturer: ManufacturerId,
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    if !manufacturer.is_valid() {
        return Err(EncodeError::InvalidManufacturer);
    }
    if let Some(offset) = payload.iter().position(|&b| b >= 0x80) {
        return Err(EncodeError::NonSevenBit { offset });
    }
    let id = manufacturer.to_bytes();
    frame(
        id.get(..manufacturer.len()).unwrap_or_default(),
        payload,
        out,
    )
}

/// Writes `F0 head tail F7`; the caller has checked that `head` and `tail` are 7-bit.
fn frame(head: &[u8], tail: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
    let needed = tail.len().saturating_add(head.len() + 2);
    let Some(out) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall { needed });
    };
    // `out` is exactly `needed` long, so every split below succeeds; splitting instead of
    // indexing keeps the function free of panicking paths.
    if let Some((start, rest)) = out.split_first_mut() {
        *start = SYSEX_START;
        if let Some((end, inner)) = rest.split_last_mut() {
            *end = SYSEX_END;
            let (id, payload) = inner.split_at_mut(head.len().min(inner.len()));
            id.copy_from_slice(head);
            payload.copy_from_slice(tail);
        }
    }
    Ok(needed)
}

/// What is wrong with a byte string that should be a SysEx message.
///
/// The numeric values are stable (the C and WASM bindings export them) and are in the block
/// 301–319 (SysEx framing) of the crate-wide code space (`docs/errors.md`); retired numbers
/// are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u16)]
pub enum FramingErrorKind {
    /// No bytes at all.
    Empty = 301,
    /// The first byte is not `F0`.
    MissingStart = 302,
    /// No `F7` follows the 7-bit bytes (the message is cut short).
    MissingEnd = 303,
    /// A byte between `F0` and `F7` (or in a body) has its high bit set.
    NonSevenBit = 304,
    /// Bytes follow the `F7`.
    TrailingData = 305,
    /// The body is empty: there is no manufacturer id.
    MissingManufacturer = 306,
    /// The body starts with `00` but ends before the two further id bytes.
    TruncatedManufacturer = 307,
}

impl FramingErrorKind {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::MissingStart => "missing-start",
            Self::MissingEnd => "missing-end",
            Self::NonSevenBit => "not-seven-bit",
            Self::TrailingData => "trailing-data",
            Self::MissingManufacturer => "missing-manufacturer",
            Self::TruncatedManufacturer => "truncated-manufacturer",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(self) -> u16 {
        self as u16
    }

    const fn describe(self) -> &'static str {
        match self {
            Self::Empty => "no bytes",
            Self::MissingStart => "first byte is not F0",
            Self::MissingEnd => "no F7 after the data",
            Self::NonSevenBit => "byte with the high bit set inside SysEx",
            Self::TrailingData => "bytes after F7",
            Self::MissingManufacturer => "no manufacturer id",
            Self::TruncatedManufacturer => "three-byte manufacturer id cut short",
        }
    }
}

/// A framing error with the byte offset (in the slice given to the parser) where it was
/// found: the offending byte, or for missing bytes the position where one was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FramingError {
    kind: FramingErrorKind,
    offset: usize,
}

impl FramingError {
    /// An error of `kind` at byte `offset`.
    pub const fn new(kind: FramingErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What went wrong.
    pub const fn kind(&self) -> FramingErrorKind {
        self.kind
    }

    /// Byte offset in the parsed slice.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        self.kind.class()
    }

    /// The stable numeric code of the kind.
    pub const fn code(&self) -> u16 {
        self.kind.code()
    }
}

impl fmt::Display for FramingError {
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

impl core::error::Error for FramingError {}

/// Why a SysEx message could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is shorter than the `needed` bytes of the message.
    BufferTooSmall {
        /// Exact size of the encoded message.
        needed: usize,
    },
    /// The payload byte at `offset` has its high bit set.
    NonSevenBit {
        /// Offset in the payload.
        offset: usize,
    },
    /// The manufacturer id is not encodable (a one-byte id outside `01`–`7C`, or a
    /// three-byte id with a byte above `7F`).
    InvalidManufacturer,
}

impl EncodeError {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::BufferTooSmall { .. } => "buffer-too-small",
            Self::NonSevenBit { .. } => "not-seven-bit",
            Self::InvalidManufacturer => "invalid-manufacturer",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript), in the SysEx framing
    /// block 301–319; [`NonSevenBit`](Self::NonSevenBit) shares its code with
    /// [`FramingErrorKind::NonSevenBit`] (the only code two enums share).
    pub const fn code(&self) -> u16 {
        match self {
            Self::NonSevenBit { .. } => FramingErrorKind::NonSevenBit.code(),
            Self::BufferTooSmall { .. } => 310,
            Self::InvalidManufacturer => 311,
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
            Self::NonSevenBit { offset } => {
                write!(f, "payload byte {offset} has the high bit set")
            }
            Self::InvalidManufacturer => f.write_str("manufacturer id is not encodable"),
        }
    }
}

impl core::error::Error for EncodeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use FramingErrorKind::*;

    fn err(bytes: &[u8]) -> (FramingErrorKind, usize) {
        let e = SysEx::parse(bytes).unwrap_err();
        (e.kind(), e.offset())
    }

    #[test]
    fn parses_each_manufacturer_id_form() {
        let one = SysEx::parse(&[0xF0, 0x41, 0x10, 0x42, 0xF7]).unwrap();
        assert_eq!(one.manufacturer(), ManufacturerId::OneByte(0x41));
        assert_eq!(one.payload(), &[0x10, 0x42]);
        assert_eq!(one.body(), &[0x41, 0x10, 0x42]);
        assert_eq!(one.universal(), None);

        let three = SysEx::parse(&[0xF0, 0x00, 0x20, 0x29, 0x02, 0xF7]).unwrap();
        assert_eq!(three.manufacturer(), ManufacturerId::ThreeByte(0x20, 0x29));
        assert_eq!(three.payload(), &[0x02]);

        let dev = SysEx::parse(&[0xF0, 0x7D, 0xF7]).unwrap();
        assert_eq!(dev.manufacturer(), ManufacturerId::NonCommercial);
        assert_eq!(dev.payload(), &[] as &[u8]);
        assert_eq!(dev.universal(), None);

        let mtc = SysEx::parse(&[0xF0, 0x7F, 0x7F, 0x01, 0x01, 0, 0, 0, 0, 0xF7]).unwrap();
        assert_eq!(mtc.manufacturer(), ManufacturerId::UniversalRealTime);
        assert_eq!(
            mtc.universal(),
            Some(Universal {
                device_id: Some(ALL_CALL),
                sub_id1: Some(0x01),
                sub_id2: Some(0x01)
            })
        );
    }

    #[test]
    fn universal_header_fields_are_absent_when_the_message_ends_early() {
        let short = SysEx::parse(&[0xF0, 0x7E, 0x05, 0xF7]).unwrap();
        assert_eq!(short.manufacturer(), ManufacturerId::UniversalNonRealTime);
        let header = short.universal().unwrap();
        assert_eq!(header.device_id, Some(0x05));
        assert_eq!((header.sub_id1, header.sub_id2), (None, None));
        let bare = SysEx::parse(&[0xF0, 0x7E, 0xF7]).unwrap();
        assert_eq!(bare.universal(), Some(Universal::default()));
    }

    #[test]
    fn framing_errors_name_the_first_bad_byte() {
        assert_eq!(err(&[]), (Empty, 0));
        assert_eq!(err(&[0x41, 0xF7]), (MissingStart, 0));
        assert_eq!(err(&[0xF7]), (MissingStart, 0));
        assert_eq!(err(&[0xF0]), (MissingEnd, 1));
        assert_eq!(err(&[0xF0, 0x41, 0x01]), (MissingEnd, 3));
        assert_eq!(err(&[0xF0, 0x41, 0x01, 0x90, 0x02, 0xF7]), (NonSevenBit, 3));
        assert_eq!(err(&[0xF0, 0x41, 0xF8, 0xF7]), (NonSevenBit, 2));
        assert_eq!(err(&[0xF0, 0xF0, 0xF7]), (NonSevenBit, 1));
        assert_eq!(err(&[0xF0, 0x41, 0xF7, 0x00]), (TrailingData, 3));
        assert_eq!(err(&[0xF0, 0x41, 0xF7, 0xF7]), (TrailingData, 3));
        assert_eq!(err(&[0xF0, 0xF7]), (MissingManufacturer, 1));
        assert_eq!(err(&[0xF0, 0x00, 0xF7]), (TruncatedManufacturer, 2));
        assert_eq!(err(&[0xF0, 0x00, 0x21, 0xF7]), (TruncatedManufacturer, 3));
    }

    #[test]
    fn body_without_framing_bytes() {
        let body = SysEx::parse_body(&[0x00, 0x21, 0x09, 0x7F]).unwrap();
        assert_eq!(body.manufacturer(), ManufacturerId::ThreeByte(0x21, 0x09));
        assert_eq!(body.payload(), &[0x7F]);
        let mut out = [0; 8];
        assert_eq!(body.encode(&mut out), Ok(6));
        assert_eq!(out[..6], [0xF0, 0x00, 0x21, 0x09, 0x7F, 0xF7]);

        let e = SysEx::parse_body(&[]).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (MissingManufacturer, 0));
        let e = SysEx::parse_body(&[0x00, 0x01]).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (TruncatedManufacturer, 2));
        let e = SysEx::parse_body(&[0xF0, 0x41, 0xF7]).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (NonSevenBit, 0));
        let e = SysEx::parse_body(&[0x41, 0x01, 0xF7]).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (NonSevenBit, 2));
    }

    #[test]
    fn encodes_exactly_and_refuses_bad_input_without_writing() {
        let id = ManufacturerId::ThreeByte(0x00, 0x41);
        assert_eq!(encoded_len(id, &[1, 2]), 7);
        let mut out = [0xA5; 7];
        assert_eq!(encode(id, &[1, 2], &mut out), Ok(7));
        assert_eq!(out, [0xF0, 0x00, 0x00, 0x41, 1, 2, 0xF7]);

        let mut short = [0xA5; 6];
        assert_eq!(
            encode(id, &[1, 2], &mut short),
            Err(EncodeError::BufferTooSmall { needed: 7 })
        );
        assert_eq!(short, [0xA5; 6]);
        assert_eq!(
            encode(id, &[1, 0x80, 0xFF], &mut out),
            Err(EncodeError::NonSevenBit { offset: 1 })
        );
        for bad in [
            ManufacturerId::OneByte(0x00),
            ManufacturerId::OneByte(0x7D),
            ManufacturerId::OneByte(0x80),
            ManufacturerId::ThreeByte(0x80, 0x00),
            ManufacturerId::ThreeByte(0x00, 0xFF),
        ] {
            assert!(!bad.is_valid());
            assert_eq!(
                encode(bad, &[], &mut out),
                Err(EncodeError::InvalidManufacturer)
            );
        }
    }

    #[test]
    fn every_valid_one_byte_id_round_trips() {
        let mut out = [0u8; 4];
        for byte in 0x01..=0x7F {
            let (id, len) = ManufacturerId::read(&[byte]).unwrap();
            assert_eq!(len, 1);
            assert!(id.is_valid());
            let n = encode(id, &[], &mut out).unwrap();
            assert_eq!(out[..n], [0xF0, byte, 0xF7]);
            assert_eq!(SysEx::parse(&out[..n]).unwrap().manufacturer(), id);
        }
        assert_eq!(ManufacturerId::read(&[0x80]), None);
        assert_eq!(ManufacturerId::read(&[0x00, 0x01, 0x80]), None);
    }

    #[test]
    fn errors_have_stable_names_and_codes() {
        let e = FramingError::new(NonSevenBit, 3);
        assert_eq!(e.class(), "not-seven-bit");
        assert_eq!(e.code(), 304);
        assert_eq!(
            e.to_string(),
            "byte with the high bit set inside SysEx at byte 3 (not-seven-bit)"
        );
        assert_eq!(TruncatedManufacturer.class(), "truncated-manufacturer");
        assert_eq!(Empty.code(), 301);
        let enc = EncodeError::NonSevenBit { offset: 0 };
        assert_eq!((enc.class(), enc.code()), ("not-seven-bit", 304));
        assert_eq!(EncodeError::InvalidManufacturer.code(), 311);
        assert_eq!(
            EncodeError::BufferTooSmall { needed: 9 }.to_string(),
            "output buffer too small: 9 bytes needed"
        );
    }
}
