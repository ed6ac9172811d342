//! OSC over byte streams (TCP, serial, pipes): framing packets so a receiver can find where
//! each one ends.
//!
//! Two framings are in use and MOX supports both, because peers disagree (klingtnet/rosc#58,
//! colinbdclark/osc.js#220, companion-module-generic-osc#54):
//!
//! - [`slip`]: OSC 1.1 (Freed & Schmeder, NIME 2009) requires SLIP (RFC 1055) with a
//!   *double END*: `END` (0xC0) before and after each packet, `0xC0` in the packet sent as
//!   `ESC ESC_END` (`DB DC`) and `0xDB` as `ESC ESC_ESC` (`DB DD`). The decoder also accepts
//!   single-END streams (END only after each packet), as liblo can send.
//! - [`length_prefix`]: OSC 1.0 ("Stream" transport): each packet preceded by its size as a
//!   big-endian int32.
//! - [`auto`]: a receiver that picks one of the two from the first byte of the stream, as
//!   liblo's `detect_slip()` does.
//!
//! # Decoders
//! Each decoder owns a caller-provided frame buffer `B` (`[u8; N]`, `&mut [u8]`, `Vec<u8>`:
//! anything `AsRef<[u8]> + AsMut<[u8]>`); its length is the largest frame accepted unless
//! a smaller `max_frame` is given. Nothing else is stored, so memory stays bounded whatever
//! the peer sends. A decoder is fed arbitrary chunks — one byte from a UART interrupt or
//! 64 KiB from a socket read — and hands back each complete frame borrowed from its buffer:
//!
//! ```
//! use mox_codec::osc::stream::{slip, SlipDecoder};
//!
//! // `/foo ,i 1`, SLIP-framed.
//! let packet = b"/foo\0\0\0\0,i\0\0\0\0\0\x01";
//! let mut wire = [0u8; 64];
//! let n = slip::encode(packet, &mut wire).unwrap();
//!
//! let mut decoder = SlipDecoder::new([0u8; 256]);
//! let mut frames = 0;
//! for mut chunk in wire[..n].chunks(5) {
//!     // `feed` consumes bytes from the front of `chunk` until a frame completes, an
//!     // error is found, or the chunk is used up (`None`; the state is kept).
//!     while let Some(event) = decoder.feed(&mut chunk) {
//!         assert_eq!(event, Ok(&packet[..]));
//!         frames += 1;
//!     }
//! }
//! assert_eq!(frames, 1);
//! // At end of stream, `finish` reports a frame left incomplete.
//! assert_eq!(decoder.finish(), Ok(()));
//! ```
//!
//! The decoders only delimit frames: a frame's bytes are whatever the peer put between the
//! delimiters, so pass each one to [`Packet::decode`](super::Packet::decode), which rejects
//! noise that happens to be framed.
//!
//! # Errors and recovery
//! Every error is reported once, as its own event, and the decoder then carries on as
//! documented on each decoder; frames before and after a bad one are delivered. At most one
//! error is reported per frame. No error is fatal to the decoder object, but after a
//! negative length prefix a length-prefix stream cannot be resynchronised, so that decoder
//! drops the rest of the stream until [`reset`](LengthPrefixDecoder::reset).
//!
//! # Encoders
//! [`slip::encode`] and [`length_prefix::encode`] write one framed packet into a caller's
//! buffer; `encoded_len` gives the exact size first.
use core::fmt;

pub mod auto;
pub mod length_prefix;
pub mod slip;

#[cfg(test)]
mod tests;

pub use auto::AutoDecoder;
pub use length_prefix::LengthPrefixDecoder;
pub use slip::SlipDecoder;

/// The two OSC stream framings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framing {
    /// OSC 1.1: double-END SLIP (RFC 1055).
    Slip,
    /// OSC 1.0: big-endian int32 length before each packet.
    LengthPrefix,
}

impl Framing {
    /// The framing a stream whose first byte is `first` uses, by the rule of
    /// [`AutoDecoder`]: `0xC0` (SLIP END), `/` (a message) or `#` (a bundle) mean SLIP,
    /// anything else a length prefix.
    ///
    /// One byte is enough: a length prefix starting with `0xC0` is negative, and one starting
    /// with `/` or `#` declares at least 587 202 560 bytes, both of which a length-prefix
    /// receiver rejects anyway. liblo's `detect_slip()` looks at four bytes (END then `/`, or
    /// `/`, or `#bun`) and so misreads a SLIP stream that starts with `END #bundle`; this
    /// rule does not.
    pub const fn detect(first: u8) -> Framing {
        match first {
            slip::END | b'/' | b'#' => Framing::Slip,
            _ => Framing::LengthPrefix,
        }
    }

    /// The name used in the vector corpus: `slip` or `length-prefix`.
    pub const fn name(self) -> &'static str {
        match self {
            Framing::Slip => "slip",
            Framing::LengthPrefix => "length-prefix",
        }
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What went wrong while splitting a stream into frames.
///
/// [`FrameError::class`] gives the language-neutral class used by the vector corpus and
/// [`FrameError::code`] a stable number for the C and WASM bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrameError {
    /// SLIP: `ESC` (0xDB) was followed by `byte`, which is neither `ESC_END` (0xDC) nor
    /// `ESC_ESC` (0xDD). OSC 1.1 says such a packet is invalid: it is dropped, up to and
    /// including the next `END` (when `byte` is `END` itself, that `END` closes it).
    BadEscape {
        /// The byte after `ESC`.
        byte: u8,
    },
    /// SLIP: the frame grew past `limit` bytes before its `END` arrived. Its length is not
    /// known yet; the rest of it is dropped up to the next `END`.
    FrameTooLarge {
        /// The decoder's frame capacity.
        limit: usize,
    },
    /// Length prefix: the prefix declares a frame longer than `limit`. Its bytes are skipped
    /// without being stored.
    LengthTooLarge {
        /// The declared length.
        declared: u32,
        /// The decoder's frame capacity.
        limit: usize,
    },
    /// Length prefix: the int32 prefix is negative. Nothing after it can be trusted to be a
    /// frame boundary, so the decoder drops the rest of the stream until reset.
    NegativeLength {
        /// The declared length.
        declared: i32,
    },
    /// The stream ended inside a frame (reported by `finish`).
    TruncatedFrame {
        /// Frame bytes received (after SLIP unescaping; not counting a length prefix).
        received: usize,
        /// The declared length, for a length-prefix frame; `None` for SLIP, where the end
        /// was never seen.
        expected: Option<usize>,
    },
    /// Length prefix: the stream ended inside a length prefix (reported by `finish`).
    TruncatedPrefix {
        /// Prefix bytes received: 1 to 3.
        received: u8,
    },
}

impl FrameError {
    /// The language-neutral error class of the vector corpus (`vectors/README.md`):
    /// `slip-bad-escape`, `frame-too-large`, `bad-length-prefix` or `truncated-frame`.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::BadEscape { .. } => "slip-bad-escape",
            Self::FrameTooLarge { .. } | Self::LengthTooLarge { .. } => "frame-too-large",
            Self::NegativeLength { .. } => "bad-length-prefix",
            Self::TruncatedFrame { .. } | Self::TruncatedPrefix { .. } => "truncated-frame",
        }
    }

    /// A stable number per variant, for bindings, in the block 101–199 of the crate-wide code
    /// space (`docs/errors.md`): new variants get new numbers and retired numbers are never
    /// reused.
    pub const fn code(&self) -> u16 {
        match self {
            Self::BadEscape { .. } => 101,
            Self::FrameTooLarge { .. } => 102,
            Self::LengthTooLarge { .. } => 103,
            Self::NegativeLength { .. } => 104,
            Self::TruncatedFrame { .. } => 105,
            Self::TruncatedPrefix { .. } => 106,
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BadEscape { byte } => write!(
                f,
                "SLIP ESC followed by {byte:#04x}, not ESC_END or ESC_ESC"
            )?,
            Self::FrameTooLarge { limit } => {
                write!(f, "SLIP frame longer than the {limit}-byte limit")?
            }
            Self::LengthTooLarge { declared, limit } => write!(
                f,
                "length prefix declares {declared} bytes, over the {limit}-byte limit"
            )?,
            Self::NegativeLength { declared } => write!(
                f,
                "negative length prefix {declared}; stream cannot be resynchronised"
            )?,
            Self::TruncatedFrame {
                received,
                expected: Some(expected),
            } => write!(f, "stream ended after {received} of {expected} frame bytes")?,
            Self::TruncatedFrame {
                received,
                expected: None,
            } => write!(f, "stream ended inside a SLIP frame after {received} bytes")?,
            Self::TruncatedPrefix { received } => {
                write!(f, "stream ended after {received} of 4 length-prefix bytes")?
            }
        }
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for FrameError {}

/// Drops the first `n` bytes of `input` (all of them if there are fewer).
fn advance(input: &mut &[u8], n: usize) {
    *input = input.get(n..).unwrap_or_default();
}

/// The first `limit` bytes of `buf` (all of it if shorter).
fn limited(buf: &mut [u8], limit: usize) -> &mut [u8] {
    let len = buf.len().min(limit);
    buf.get_mut(..len).unwrap_or_default()
}
