//! 7-bit encodings of 8-bit data: the MSB-header group packing of MMA File Dump and MIDI-CI
//! ("Mcoded7"), its reversed-header variant (Korg, M-Audio), and nibble splitting in both
//! orders (Yamaha; Oberheim, Clavia).
//!
//! ```
//! use mox_codec::sysex::sevenbit::{self, Encoding};
//!
//! // The data of the Arduino MIDI library's example (`doc/sysex-codec.md`).
//! let data = [0xCA, 0xFE, 0xBA, 0xBE, 0xBA, 0xAD, 0xF0, 0x0D, 0xFA, 0xCA, 0xDE, 0x42];
//! let mut wire = [0u8; sevenbit::encoded_len(Encoding::Mcoded7, 12)];
//! assert_eq!(sevenbit::encode(Encoding::Mcoded7, &data, &mut wire), Ok(14));
//! assert_eq!(
//!     wire,
//!     [0x7F, 0x4A, 0x7E, 0x3A, 0x3E, 0x3A, 0x2D, 0x70, 0x38, 0x0D, 0x7A, 0x4A, 0x5E, 0x42]
//! );
//!
//! let mut back = [0u8; 12];
//! assert_eq!(sevenbit::decode(Encoding::Mcoded7, &wire, &mut back), Ok(12));
//! assert_eq!(back, data);
//!
//! // A byte with its high bit set cannot be inside a SysEx message.
//! let error = sevenbit::decode(Encoding::Mcoded7, &[0x00, 0x80], &mut back).unwrap_err();
//! assert_eq!((error.class(), error.offset()), ("not-seven-bit", Some(1)));
//! ```
//!
//! # Bit orders
//! Source bytes `AAAAaaaa BBBBbbbb … GGGGgggg` (capital letters: bit 7 first).
//!
//! | [`Encoding`] | Wire bytes | Published in |
//! |---|---|---|
//! | [`Mcoded7`](Encoding::Mcoded7) | `0ABCDEFG 0AAAaaaa 0BBBbbbb … 0GGGgggg` | MMA File Dump (MIDI 1.0 Detailed Specification 4.2, via somascape.org and the Arduino MIDI library `doc/sysex-codec.md`); MIDI-CI Property Exchange "Mcoded7"; Zoom 9030 manual "8-7 Conversion" |
//! | [`Mcoded7Reversed`](Encoding::Mcoded7Reversed) | `0GFEDCBA 0AAAaaaa 0BBBbbbb … 0GGGgggg` | M-Audio Black Box user guide "7-Bit Data Packing"; Korg MIDI implementations ("7n+6,5,4,3,2,1,0"); Arduino MIDI library `inFlipHeaderBits` |
//! | [`NibblesHighFirst`](Encoding::NibblesHighFirst) | `0000AAAA 0000aaaa` per byte | Yamaha 02R "dxH = (dx / 16) AND 0Fh, dxL = dx AND 0Fh", sent `dsH dsL` |
//! | [`NibblesLowFirst`](Encoding::NibblesLowFirst) | `0000aaaa 0000AAAA` per byte | Oberheim Matrix-6 "xx = dd&0x0F; yy = dd>>4"; Clavia Nord Lead 2X "low Nybble transmitted first" |
//!
//! The group packings allow a short final group of 1 to 6 bytes, preceded by its own
//! header: `AAAAaaaa BBBBbbbb CCCCcccc` becomes `0ABC0000 0AAAaaaa 0BBBbbbb 0CCCcccc`
//! (Mcoded7, the File Dump text's own example) or `00000CBA …` (reversed; the M-Audio
//! guide's two-byte example is `000000BA 0AAAaaaa 0BBBbbbb`).
//!
//! # Strictness
//! Decoding rejects, with the offset of the offending byte: a byte with bit 7 set
//! ([`Error::NotSevenBit`]), a nibble byte above `0F` ([`Error::NibbleOutOfRange`]), and a
//! set header bit that belongs to no byte of a short final group
//! ([`Error::NonzeroUnusedHeaderBits`]). Both published descriptions write those bits as
//! zero, so a set one means the sender is not doing what we think (a different bit order,
//! or a header that was cut off): accepting it would decode garbage silently. Strictness
//! also makes every encoding a bijection, so a successful decode re-encodes to exactly the
//! bytes it came from. Impossible lengths ([`Error::HeaderWithoutData`],
//! [`Error::OddNibbleCount`]) are found from the length alone, by [`decoded_len`].
//!
//! # In pieces
//! Groups are independent: data split at multiples of 7 bytes (group packings) or any
//! point (nibbles) encodes to the concatenation of the pieces' encodings, and wire bytes
//! split at multiples of 8 bytes (group packings) or 2 bytes (nibbles) decode piecewise.
//!
//! # Speed
//! Whole groups go through `u64` arithmetic (SWAR, safe code only); see
//! `codec/benches/sysex_sevenbit.rs` for the figures against a byte-at-a-time baseline.
use core::fmt;

/// How 8-bit data is carried in 7-bit SysEx data bytes. See the [module](self) for the bit
/// orders and their sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// Groups of up to 7 bytes, each preceded by a header holding their bit 7s: bit 6 of the
    /// header is the first byte's, bit 5 the second's, and so on (MMA File Dump, MIDI-CI
    /// "Mcoded7").
    Mcoded7,
    /// As [`Mcoded7`](Self::Mcoded7) but the header's bit 0 is the first byte's bit 7, bit
    /// 1 the second's, and so on (Korg, M-Audio).
    Mcoded7Reversed,
    /// Each byte as two bytes `0000hhhh 0000llll`: high nibble first (Yamaha).
    NibblesHighFirst,
    /// Each byte as two bytes `0000llll 0000hhhh`: low nibble first (Oberheim, Clavia).
    NibblesLowFirst,
}

impl Encoding {
    /// Every encoding, in declaration order.
    pub const ALL: [Encoding; 4] = [
        Self::Mcoded7,
        Self::Mcoded7Reversed,
        Self::NibblesHighFirst,
        Self::NibblesLowFirst,
    ];

    /// A stable, language-neutral name (used by the vector corpus): `mcoded7`,
    /// `mcoded7-reversed`, `nibbles-high-first` or `nibbles-low-first`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Mcoded7 => "mcoded7",
            Self::Mcoded7Reversed => "mcoded7-reversed",
            Self::NibblesHighFirst => "nibbles-high-first",
            Self::NibblesLowFirst => "nibbles-low-first",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong while encoding or decoding. Offsets count from the start of the wire
/// bytes given to [`decode`].
///
/// [`Error::class`] gives the language-neutral class used by the vector corpus and
/// [`Error::code`] a stable number for the C and WASM bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The byte at `offset` has bit 7 set, so it cannot be a SysEx data byte.
    NotSevenBit {
        /// Offset of the byte.
        offset: usize,
    },
    /// Nibble encodings: the byte at `offset` is in `10`–`7F`, so it is not a nibble.
    NibbleOutOfRange {
        /// Offset of the byte.
        offset: usize,
    },
    /// Group packings: the input ends with a header (at `offset`) that no data byte follows,
    /// which no encoder produces (the length is `1` more than a multiple of 8).
    HeaderWithoutData {
        /// Offset of the lone header byte.
        offset: usize,
    },
    /// Nibble encodings: the input has an odd number of bytes, so its last byte (at
    /// `offset`) is half of a byte.
    OddNibbleCount {
        /// Offset of the unpaired nibble.
        offset: usize,
    },
    /// Group packings: the header at `offset` of a short final group has a bit set that
    /// stands for a byte the group does not have.
    NonzeroUnusedHeaderBits {
        /// Offset of the header byte.
        offset: usize,
    },
    /// The output buffer is too small; `needed` bytes are required. Nothing was written.
    BufferTooSmall {
        /// Bytes required.
        needed: usize,
    },
}

impl Error {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::NotSevenBit { .. } => "not-seven-bit",
            Self::NibbleOutOfRange { .. } => "nibble-out-of-range",
            Self::HeaderWithoutData { .. } => "header-without-data",
            Self::OddNibbleCount { .. } => "odd-nibble-count",
            Self::NonzeroUnusedHeaderBits { .. } => "nonzero-unused-header-bits",
            Self::BufferTooSmall { .. } => "buffer-too-small",
        }
    }

    /// A stable number per variant, for bindings, in the block 401–419 of the crate-wide code
    /// space (`docs/errors.md`): new variants get new numbers and retired numbers are never
    /// reused.
    pub const fn code(&self) -> u16 {
        match self {
            Self::NotSevenBit { .. } => 401,
            Self::NibbleOutOfRange { .. } => 402,
            Self::HeaderWithoutData { .. } => 403,
            Self::OddNibbleCount { .. } => 404,
            Self::NonzeroUnusedHeaderBits { .. } => 405,
            Self::BufferTooSmall { .. } => 406,
        }
    }

    /// The offset of the offending wire byte, for the errors that have one.
    pub const fn offset(&self) -> Option<usize> {
        match *self {
            Self::NotSevenBit { offset }
            | Self::NibbleOutOfRange { offset }
            | Self::HeaderWithoutData { offset }
            | Self::OddNibbleCount { offset }
            | Self::NonzeroUnusedHeaderBits { offset } => Some(offset),
            Self::BufferTooSmall { .. } => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NotSevenBit { offset } => write!(f, "byte {offset} has bit 7 set")?,
            Self::NibbleOutOfRange { offset } => {
                write!(f, "byte {offset} is above 0x0F, so not a nibble")?
            }
            Self::HeaderWithoutData { offset } => {
                write!(f, "header at byte {offset} has no data bytes after it")?
            }
            Self::OddNibbleCount { offset } => {
                write!(f, "odd number of nibbles: byte {offset} has no partner")?
            }
            Self::NonzeroUnusedHeaderBits { offset } => write!(
                f,
                "header at byte {offset} has bits set for bytes its short group lacks"
            )?,
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")?
            }
        }
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for Error {}

/// Data bytes per group of the group packings.
const GROUP: usize = 7;
/// Wire bytes per full group: a header and 7 data bytes.
const WIRE_GROUP: usize = 8;

/// Exact number of wire bytes that [`encode`] writes for `len` bytes of data.
///
/// Group packings: `len + ceil(len / 7)`; nibbles: `2 * len`. The result saturates at
/// `usize::MAX` for lengths no slice can have, so [`encode`] then reports the buffer as too
/// small rather than overflowing.
pub const fn encoded_len(encoding: Encoding, len: usize) -> usize {
    match encoding {
        Encoding::Mcoded7 | Encoding::Mcoded7Reversed => len.saturating_add(len.div_ceil(GROUP)),
        Encoding::NibblesHighFirst | Encoding::NibblesLowFirst => len.saturating_mul(2),
    }
}

/// Exact number of data bytes that `len` wire bytes decode to.
///
/// # Errors
/// [`Error::HeaderWithoutData`] when a group packing's length is 1 more than a multiple of
/// 8, [`Error::OddNibbleCount`] when a nibble encoding's length is odd; the offset is that
/// of the last byte.
pub const fn decoded_len(encoding: Encoding, len: usize) -> Result<usize, Error> {
    match encoding {
        Encoding::Mcoded7 | Encoding::Mcoded7Reversed => {
            let rest = len % WIRE_GROUP;
            if rest == 1 {
                return Err(Error::HeaderWithoutData { offset: len - 1 });
            }
            let full = len / WIRE_GROUP * GROUP;
            Ok(if rest == 0 { full } else { full + rest - 1 })
        }
        Encoding::NibblesHighFirst | Encoding::NibblesLowFirst => {
            if len % 2 == 1 {
                return Err(Error::OddNibbleCount { offset: len - 1 });
            }
            Ok(len / 2)
        }
    }
}

/// Encodes `data` into the front of `out` and returns the number of bytes written
/// ([`encoded_len`]). Every byte written is `00`–`7F`.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` is shorter than [`encoded_len`]; `out` is then left
/// untouched.
pub fn encode(encoding: Encoding, data: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let needed = encoded_len(encoding, data.len());
    let Some(out) = out.get_mut(..needed) else {
        return Err(Error::BufferTooSmall { needed });
    };
    match encoding {
        Encoding::Mcoded7 => pack::<false>(data, out),
        Encoding::Mcoded7Reversed => pack::<true>(data, out),
        Encoding::NibblesHighFirst => split::<true>(data, out),
        Encoding::NibblesLowFirst => split::<false>(data, out),
    }
    Ok(needed)
}

/// Decodes `wire` (the data bytes only, without `F0`/`F7` or any message header) into the
/// front of `out` and returns the number of bytes written ([`decoded_len`]).
///
/// # Errors
/// The length errors of [`decoded_len`]; then [`Error::BufferTooSmall`] when `out` is
/// shorter than the decoded length; then the first offending byte in `wire` order
/// ([`Error::NotSevenBit`], [`Error::NibbleOutOfRange`],
/// [`Error::NonzeroUnusedHeaderBits`]). On error the contents of `out` are unspecified.
pub fn decode(encoding: Encoding, wire: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let needed = decoded_len(encoding, wire.len())?;
    let Some(out) = out.get_mut(..needed) else {
        return Err(Error::BufferTooSmall { needed });
    };
    match encoding {
        Encoding::Mcoded7 => unpack::<false>(wire, out)?,
        Encoding::Mcoded7Reversed => unpack::<true>(wire, out)?,
        Encoding::NibblesHighFirst => join::<true>(wire, out)?,
        Encoding::NibblesLowFirst => join::<false>(wire, out)?,
    }
    Ok(needed)
}

// ---------------------------------------------------------------------------------------
// Group packings.
//
// A group of 7 data bytes is handled as one little-endian `u64` (byte i of the group in
// bits 8i..8i+8, the top byte zero); its wire form is another `u64` whose byte 0 is the
// header and bytes 1..8 are the data bytes' low 7 bits.

/// Bit 7 of each of the low 7 bytes.
const MSBS_7: u64 = 0x0080_8080_8080_8080;
/// Bits 0–6 of each of the low 7 bytes.
const LOWS_7: u64 = 0x007F_7F7F_7F7F_7F7F;
/// Bit 7 of every byte.
const MSBS_8: u64 = 0x8080_8080_8080_8080;
/// Bit 0 of each of the low 7 bytes.
const ONES_7: u64 = 0x0001_0101_0101_0101;

/// Gathers bit 0 of byte i (i < 7) of `ones` into bit `i` (REVERSED) or bit `6 - i` of the
/// result's top byte, with one multiplication: the multiplier has one set bit per source
/// byte, placed so that byte i's bit lands on its header position in bits 56..63. Every
/// other partial product lands on a distinct position (they differ by multiples of 8 plus
/// less than 8), so none carries into the header bits, and those above bit 63 fall off.
#[inline(always)]
const fn gather_header<const REVERSED: bool>(ones: u64) -> u8 {
    // Byte i's bit is at 8i; it must land on 56 + i (reversed) or 62 - i.
    const REVERSED_MUL: u64 = 1 << 56 | 1 << 49 | 1 << 42 | 1 << 35 | 1 << 28 | 1 << 21 | 1 << 14;
    const FORWARD_MUL: u64 = 1 << 62 | 1 << 53 | 1 << 44 | 1 << 35 | 1 << 26 | 1 << 17 | 1 << 8;
    let mul = if REVERSED { REVERSED_MUL } else { FORWARD_MUL };
    (ones.wrapping_mul(mul) >> 56) as u8 & 0x7F
}

/// The inverse of [`gather_header`]: bit 7 of byte i (i < 7) is header bit `i` (REVERSED)
/// or `6 - i`. The header is copied into every byte, each byte keeps only its own bit, and
/// adding `7F` to a byte that holds a single bit (at most `40`) sets its bit 7 without
/// carrying into the next byte.
#[inline(always)]
const fn scatter_header<const REVERSED: bool>(header: u8) -> u64 {
    const REVERSED_SELECT: u64 = 0x0040_2010_0804_0201;
    const FORWARD_SELECT: u64 = 0x0001_0204_0810_2040;
    let select = if REVERSED {
        REVERSED_SELECT
    } else {
        FORWARD_SELECT
    };
    let copies = (header as u64).wrapping_mul(0x0101_0101_0101_0101);
    ((copies & select) + LOWS_7) & MSBS_7
}

/// Header bit for data byte `index` (0–6) of a group.
#[inline(always)]
const fn header_bit<const REVERSED: bool>(index: usize) -> u8 {
    if REVERSED {
        1 << index
    } else {
        0x40 >> index
    }
}

/// The header bits a final group of `len` (1–6) data bytes leaves unused.
const fn unused_header_bits<const REVERSED: bool>(len: usize) -> u8 {
    let used = if REVERSED {
        (1u8 << len) - 1
    } else {
        0x7F & !((0x80u8 >> len) - 1)
    };
    0x7F & !used
}

/// `out.len()` is exactly `encoded_len(data.len())`.
fn pack<const REVERSED: bool>(data: &[u8], out: &mut [u8]) {
    let mut groups = data.chunks_exact(GROUP);
    let mut wire_groups = out.chunks_exact_mut(WIRE_GROUP);
    for (group, wire) in (&mut groups).zip(&mut wire_groups) {
        let mut bytes = [0u8; 8];
        bytes[..GROUP].copy_from_slice(group);
        let word = u64::from_le_bytes(bytes);
        let header = gather_header::<REVERSED>((word >> 7) & ONES_7);
        let packed = (word & LOWS_7) << 8 | u64::from(header);
        wire.copy_from_slice(&packed.to_le_bytes());
    }
    let last = groups.remainder();
    let last_wire = wire_groups.into_remainder();
    if let Some((header, body)) = last_wire.split_first_mut() {
        *header = 0;
        for (index, (&byte, slot)) in last.iter().zip(body).enumerate() {
            if byte & 0x80 != 0 {
                *header |= header_bit::<REVERSED>(index);
            }
            *slot = byte & 0x7F;
        }
    }
}

/// `out.len()` is exactly `decoded_len(wire.len())`, which succeeded.
fn unpack<const REVERSED: bool>(wire: &[u8], out: &mut [u8]) -> Result<(), Error> {
    let mut wire_groups = wire.chunks_exact(WIRE_GROUP);
    let mut groups = out.chunks_exact_mut(GROUP);
    for (start, (group_wire, group)) in (&mut wire_groups).zip(&mut groups).enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(group_wire);
        let word = u64::from_le_bytes(bytes);
        let high = word & MSBS_8;
        if high != 0 {
            let offset = start * WIRE_GROUP + (high.trailing_zeros() / 8) as usize;
            return Err(Error::NotSevenBit { offset });
        }
        let data = word >> 8 | scatter_header::<REVERSED>(word as u8);
        group.copy_from_slice(&data.to_le_bytes()[..GROUP]);
    }
    let base = wire.len() - wire_groups.remainder().len();
    let last_wire = wire_groups.remainder();
    let last = groups.into_remainder();
    if let Some(offset) = last_wire.iter().position(|&b| b & 0x80 != 0) {
        return Err(Error::NotSevenBit {
            offset: base + offset,
        });
    }
    if let Some((&header, body)) = last_wire.split_first() {
        if header & unused_header_bits::<REVERSED>(body.len()) != 0 {
            return Err(Error::NonzeroUnusedHeaderBits { offset: base });
        }
        for (index, (&byte, slot)) in body.iter().zip(last).enumerate() {
            let msb = if header & header_bit::<REVERSED>(index) != 0 {
                0x80
            } else {
                0
            };
            *slot = byte | msb;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Nibbles. Per-byte loops over fixed-size steps with no early exit, which the compiler
// vectorises; decoding
// ORs every wire byte of a block into an accumulator and looks for the offending byte only
// when the block turns out to contain one.

/// Wire bytes per block checked at once when joining nibbles.
const NIBBLE_BLOCK: usize = 256;
/// Wire bytes per step: fixed-size arrays let the compiler drop the bounds checks and turn
/// the loops into vector shuffles.
const NIBBLE_STEP: usize = 32;

/// `out.len()` is exactly `2 * data.len()`.
fn split<const HIGH_FIRST: bool>(data: &[u8], out: &mut [u8]) {
    // Unlike joining, fixed-size steps measured slower here than this plain zip.
    for (&byte, pair) in data.iter().zip(out.chunks_exact_mut(2)) {
        if let [first, second] = pair {
            (*first, *second) = split_byte::<HIGH_FIRST>(byte);
        }
    }
}

#[inline(always)]
const fn split_byte<const HIGH_FIRST: bool>(byte: u8) -> (u8, u8) {
    let (high, low) = (byte >> 4, byte & 0x0F);
    if HIGH_FIRST {
        (high, low)
    } else {
        (low, high)
    }
}

/// The first byte of `wire` that is not a nibble, as an error at `base` + its offset.
fn first_non_nibble(wire: &[u8], base: usize) -> Option<Error> {
    let offset = wire.iter().position(|&b| b > 0x0F)?;
    let byte = wire.get(offset).copied().unwrap_or(0);
    let offset = base + offset;
    Some(if byte & 0x80 != 0 {
        Error::NotSevenBit { offset }
    } else {
        Error::NibbleOutOfRange { offset }
    })
}

/// `out.len()` is exactly `wire.len() / 2`, and `wire.len()` is even.
fn join<const HIGH_FIRST: bool>(wire: &[u8], out: &mut [u8]) -> Result<(), Error> {
    let blocks = wire
        .chunks(NIBBLE_BLOCK)
        .zip(out.chunks_mut(NIBBLE_BLOCK / 2));
    for (index, (wire_block, block)) in blocks.enumerate() {
        let mut seen = 0;
        let mut wire_steps = wire_block.chunks_exact(NIBBLE_STEP);
        let mut steps = block.chunks_exact_mut(NIBBLE_STEP / 2);
        for (wire_step, step) in (&mut wire_steps).zip(&mut steps) {
            let (Ok(wire_step), Ok(step)) = (
                <&[u8; NIBBLE_STEP]>::try_from(wire_step),
                <&mut [u8; NIBBLE_STEP / 2]>::try_from(step),
            ) else {
                continue; // unreachable: `chunks_exact` yields exactly these sizes
            };
            for (i, slot) in step.iter_mut().enumerate() {
                let (first, second) = (wire_step[2 * i], wire_step[2 * i + 1]);
                seen |= first | second;
                *slot = join_pair::<HIGH_FIRST>(first, second);
            }
        }
        let pairs = wire_steps.remainder().chunks_exact(2);
        for (pair, slot) in pairs.zip(steps.into_remainder()) {
            if let [first, second] = *pair {
                seen |= first | second;
                *slot = join_pair::<HIGH_FIRST>(first, second);
            }
        }
        if seen > 0x0F {
            if let Some(error) = first_non_nibble(wire_block, index * NIBBLE_BLOCK) {
                return Err(error);
            }
        }
    }
    Ok(())
}

#[inline(always)]
const fn join_pair<const HIGH_FIRST: bool>(first: u8, second: u8) -> u8 {
    if HIGH_FIRST {
        first << 4 | second
    } else {
        second << 4 | first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(encoding: Encoding, data: &[u8]) -> Vec<u8> {
        let mut out = vec![0xEE; encoded_len(encoding, data.len())];
        assert_eq!(encode(encoding, data, &mut out), Ok(out.len()));
        out
    }

    fn decoded(encoding: Encoding, wire: &[u8]) -> Result<Vec<u8>, Error> {
        let mut out = vec![0xEE; decoded_len(encoding, wire.len())?];
        let n = decode(encoding, wire, &mut out)?;
        assert_eq!(n, out.len());
        Ok(out)
    }

    /// The bytes of the Arduino MIDI library's `doc/sysex-codec.md` example. That page gives
    /// `07` for both headers, which contradicts its own encoder (`msb << (6 - count)`) and the
    /// File Dump rule it quotes: every byte of the first group has bit 7 set (`7F`), and of
    /// `0D FA CA DE 42` the 2nd to 4th do (`0111000` = `38`). The data bytes agree.
    const CAFE: [u8; 12] = [
        0xCA, 0xFE, 0xBA, 0xBE, 0xBA, 0xAD, 0xF0, 0x0D, 0xFA, 0xCA, 0xDE, 0x42,
    ];

    #[test]
    fn mcoded7_matches_the_file_dump_bit_order() {
        assert_eq!(
            encoded(Encoding::Mcoded7, &CAFE),
            [0x7F, 0x4A, 0x7E, 0x3A, 0x3E, 0x3A, 0x2D, 0x70, 0x38, 0x0D, 0x7A, 0x4A, 0x5E, 0x42]
        );
        // File Dump's short-group example: `AAAAaaaa BBBBbbbb CCCCcccc` → `0ABC0000 …`.
        assert_eq!(
            encoded(Encoding::Mcoded7, &[0x81, 0x02, 0x83]),
            [0x50, 0x01, 0x02, 0x03]
        );
        // One set MSB per position walks from bit 6 down to bit 0.
        for index in 0..7 {
            let mut group = [0u8; 7];
            group[index] = 0x80;
            assert_eq!(encoded(Encoding::Mcoded7, &group)[0], 0x40 >> index);
            assert_eq!(encoded(Encoding::Mcoded7Reversed, &group)[0], 1 << index);
        }
    }

    #[test]
    fn reversed_matches_the_m_audio_two_byte_example() {
        // `AAAAaaaa BBBBbbbb` → `000000BA 0AAAaaaa 0BBBbbbb`, with A = 1 and B = 0 and then
        // the other way round.
        assert_eq!(
            encoded(Encoding::Mcoded7Reversed, &[0x85, 0x06]),
            [0x01, 0x05, 0x06]
        );
        assert_eq!(
            encoded(Encoding::Mcoded7Reversed, &[0x05, 0x86]),
            [0x02, 0x05, 0x06]
        );
        assert_eq!(
            encoded(Encoding::Mcoded7Reversed, &CAFE),
            [0x7F, 0x4A, 0x7E, 0x3A, 0x3E, 0x3A, 0x2D, 0x70, 0x0E, 0x0D, 0x7A, 0x4A, 0x5E, 0x42]
        );
    }

    #[test]
    fn nibble_orders() {
        // Yamaha 02R: dxH = dx / 16, dxL = dx AND 0Fh, sent dsH then dsL.
        assert_eq!(
            encoded(Encoding::NibblesHighFirst, &[0xA5, 0x3C]),
            [0x0A, 0x05, 0x03, 0x0C]
        );
        // Oberheim Matrix-6: xx = dd & 0x0F; yy = dd >> 4.
        assert_eq!(
            encoded(Encoding::NibblesLowFirst, &[0xA5, 0x3C]),
            [0x05, 0x0A, 0x0C, 0x03]
        );
        let all: Vec<u8> = (0..=255).collect();
        for encoding in [Encoding::NibblesHighFirst, Encoding::NibblesLowFirst] {
            let wire = encoded(encoding, &all);
            for (byte, pair) in all.iter().zip(wire.chunks_exact(2)) {
                let (high, low) = if encoding == Encoding::NibblesHighFirst {
                    (pair[0], pair[1])
                } else {
                    (pair[1], pair[0])
                };
                assert_eq!(high << 4 | low, *byte);
            }
            assert_eq!(decoded(encoding, &wire).as_deref(), Ok(&all[..]));
        }
    }

    #[test]
    fn lengths() {
        for (n, m) in [(0, 0), (1, 2), (6, 7), (7, 8), (8, 10), (14, 16), (15, 18)] {
            assert_eq!(encoded_len(Encoding::Mcoded7, n), m);
            assert_eq!(decoded_len(Encoding::Mcoded7Reversed, m), Ok(n));
        }
        assert_eq!(
            decoded_len(Encoding::Mcoded7, 9),
            Err(Error::HeaderWithoutData { offset: 8 })
        );
        assert_eq!(
            decoded_len(Encoding::Mcoded7, 1),
            Err(Error::HeaderWithoutData { offset: 0 })
        );
        assert_eq!(
            decoded_len(Encoding::NibblesLowFirst, 3),
            Err(Error::OddNibbleCount { offset: 2 })
        );
        assert_eq!(
            encoded_len(Encoding::NibblesHighFirst, usize::MAX),
            usize::MAX
        );
        assert_eq!(encoded_len(Encoding::Mcoded7, usize::MAX), usize::MAX);
    }

    #[test]
    fn strict_decoding() {
        // 0ABC0000 with a bit set below C: three data bytes do not use bits 0–3.
        assert_eq!(
            decoded(Encoding::Mcoded7, &[0x51, 0x01, 0x02, 0x03]),
            Err(Error::NonzeroUnusedHeaderBits { offset: 0 })
        );
        assert_eq!(
            decoded(Encoding::Mcoded7Reversed, &[0x08, 0x01, 0x02, 0x03]),
            Err(Error::NonzeroUnusedHeaderBits { offset: 0 })
        );
        // In a full group every header bit is used.
        assert!(decoded(Encoding::Mcoded7, &[0x7F; 8]).is_ok());
        // Offsets count from the start of the wire bytes, in every group.
        let mut wire = encoded(Encoding::Mcoded7, &[0xFF; 20]);
        wire[17] = 0x80;
        assert_eq!(
            decoded(Encoding::Mcoded7, &wire),
            Err(Error::NotSevenBit { offset: 17 })
        );
        wire[9] = 0x90;
        assert_eq!(
            decoded(Encoding::Mcoded7, &wire),
            Err(Error::NotSevenBit { offset: 9 })
        );
        let mut wire = encoded(Encoding::NibblesHighFirst, &[0x12; 9]);
        wire[16] = 0x10;
        assert_eq!(
            decoded(Encoding::NibblesHighFirst, &wire),
            Err(Error::NibbleOutOfRange { offset: 16 })
        );
        wire[3] = 0xFF;
        assert_eq!(
            decoded(Encoding::NibblesHighFirst, &wire),
            Err(Error::NotSevenBit { offset: 3 })
        );
    }

    #[test]
    fn buffers_too_small_are_reported_and_left_untouched() {
        let mut out = [0xEE; 3];
        assert_eq!(
            encode(Encoding::Mcoded7, &[1, 2, 3], &mut out),
            Err(Error::BufferTooSmall { needed: 4 })
        );
        assert_eq!(out, [0xEE; 3]);
        assert_eq!(
            decode(Encoding::NibblesLowFirst, &[1; 8], &mut out),
            Err(Error::BufferTooSmall { needed: 4 })
        );
        assert_eq!(out, [0xEE; 3]);
        // A longer buffer is fine; only the front is written.
        let mut out = [0xEE; 6];
        assert_eq!(encode(Encoding::Mcoded7, &[1, 2, 3], &mut out), Ok(4));
        assert_eq!(out, [0, 1, 2, 3, 0xEE, 0xEE]);
    }

    #[test]
    fn every_class_is_distinct_and_kebab_case() {
        let errors = [
            Error::NotSevenBit { offset: 0 },
            Error::NibbleOutOfRange { offset: 0 },
            Error::HeaderWithoutData { offset: 0 },
            Error::OddNibbleCount { offset: 0 },
            Error::NonzeroUnusedHeaderBits { offset: 0 },
            Error::BufferTooSmall { needed: 0 },
        ];
        for (i, a) in errors.iter().enumerate() {
            assert!(a
                .class()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'));
            assert!(a.to_string().ends_with(&format!("({})", a.class())));
            for b in &errors[i + 1..] {
                assert_ne!(a.class(), b.class());
                assert_ne!(a.code(), b.code());
            }
        }
    }
}
