//! Reassembly of a MIDI 1.0 byte stream (DIN, serial, USB-MIDI 1.0 payloads) into SysEx
//! messages, channel messages, System Common and realtime bytes.
//!
//! ```
//! use mox_codec::sysex::stream::{Event, StreamParser};
//!
//! // Note on with running status, a SysEx with a clock byte inside, then a stray F7.
//! let wire = [0x90, 0x3C, 0x40, 0x3E, 0x40, 0xF0, 0x7D, 0x01, 0xF8, 0x02, 0xF7, 0xF7];
//! let mut parser = StreamParser::new([0u8; 64]);
//! let mut seen = Vec::new();
//! // Chunks can be cut anywhere: one byte from a UART interrupt or a whole USB transfer.
//! for mut chunk in wire.chunks(4) {
//!     // `feed` consumes bytes from the front of `chunk` until it has an event, or returns
//!     // `None` when the chunk is used up (a partial message is kept for the next chunk).
//!     while let Some(event) = parser.feed(&mut chunk) {
//!         seen.push(format!("{} {:02X?}", event.class(), event.bytes()));
//!     }
//! }
//! assert_eq!(seen, [
//!     "channel [90, 3C, 40]",
//!     "channel [90, 3E, 40]",
//!     "realtime [F8]",
//!     "sysex [F0, 7D, 01, 02, F7]",
//!     "stray-end [F7]",
//! ]);
//! ```
//!
//! # Rules
//! The parser follows the MIDI 1.0 Detailed Specification 4.2.1 ("Running Status",
//! "System Real-Time Messages", "System Exclusive"), and reports every deviation as an
//! [`Event`] of its own, once, without losing anything valid around it. The USB-MIDI and
//! UMP encoders ([`super::usb`], [`super::ump`]) share this implementation of the rules, so
//! they report the same problems for the same bytes.
//!
//! - Realtime bytes (`F8`–`FF`, including the undefined `F9`/`FD`) are delivered at once
//!   wherever they appear, also inside a SysEx or between a status and its data, and change
//!   no state.
//! - A SysEx is delivered from `F0` to `F7` inclusive. Any other status byte before its `F7`
//!   aborts it ([`Event::SysExAborted`], with the bytes received) and then starts its own
//!   message.
//! - A SysEx larger than the buffer is reported once ([`Event::SysExOverflow`]) when its first
//!   byte that does not fit arrives; the rest of it is dropped up to its `F7` (consumed
//!   silently) or the next other status byte (processed normally). Realtime bytes keep
//!   flowing meanwhile.
//! - An `F7` outside a SysEx is [`Event::StrayEnd`].
//! - Channel messages use running status: data bytes after a complete channel message start
//!   a new one with the same status, and each event carries the status explicitly. SysEx,
//!   System Common and `F7` cancel running status; realtime does not.
//! - A data byte with no status to belong to is [`Event::StrayData`], **one event per byte**
//!   (so the event sequence does not depend on how the stream is chunked, and the caller
//!   sees every byte).
//! - A channel or System Common message cut short by another status byte is
//!   [`Event::TruncatedMessage`] with the bytes received; the status byte then starts its own
//!   message. This includes a status byte sent explicitly that got no data byte at all
//!   (`90 80 3C 00` reports `90`, then `80 3C 00`): nothing invalid is dropped silently. A
//!   running status left over from a complete message is not a message, so a status byte
//!   after it truncates nothing (`90 3C 40 80 3C 00` is two channel messages).
//! - The undefined System Common statuses `F4`/`F5` are [`Event::UndefinedStatus`]; they
//!   cancel running status and the data bytes after them are dropped without further events
//!   (they belong to the reported message), as [`status`](super::status) specifies.
//! - The parser cannot see the end of the stream: [`StreamParser::finish`] says it ended.
//!   A SysEx still open is then [`Event::UnterminatedSysEx`] (the bytes received) and a
//!   channel or System Common message missing data bytes is [`Event::TruncatedMessage`],
//!   exactly as if a status byte had cut them short.
//!
//! # Memory and speed
//! The parser owns a caller-provided buffer `B` (`[u8; N]`, `&mut [u8]`, `Vec<u8>`); its
//! length is the largest SysEx accepted, `F0` and `F7` included. Nothing else is stored.
//! Inside a SysEx the parser does not walk bytes through its state machine: it finds the
//! next byte with the high bit set eight bytes at a time and copies the run in one go.
use core::fmt;

use super::status::{classify, ByteKind, SYSEX_END, SYSEX_START};
use tokenizer::{Mode, Token, Tokenizer, Unfinished};

pub(crate) mod tokenizer;

/// A channel voice/mode or System Common message: a status byte and its 0–2 data bytes.
///
/// Channel messages received with running status carry the status byte they ran under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShortMessage {
    bytes: [u8; 3],
    len: u8,
}

impl ShortMessage {
    /// The message from its bytes; `None` unless `bytes` is a status byte (`80`–`EF`,
    /// `F1`–`F6`) followed by at most as many data bytes as that status takes.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        let (&status, data) = bytes.split_first()?;
        let max = match classify(status) {
            ByteKind::Channel { data_len } | ByteKind::SystemCommon { data_len } => data_len,
            _ => return None,
        };
        if data.len() > usize::from(max) || data.iter().any(|&b| b >= 0x80) {
            return None;
        }
        let mut message = Self {
            bytes: [status, 0, 0],
            len: 1,
        };
        for &byte in data {
            message.push(byte);
        }
        Some(message)
    }

    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(usize::from(self.len)) {
            *slot = byte;
            self.len += 1;
        }
    }

    /// The status byte followed by the data bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The status byte.
    pub const fn status(&self) -> u8 {
        self.bytes[0]
    }

    /// The data bytes (0–2).
    pub fn data(&self) -> &[u8] {
        self.as_bytes().get(1..).unwrap_or_default()
    }

    /// The three message bytes, unused ones zero (as packet formats want them).
    pub(crate) const fn padded(&self) -> [u8; 3] {
        self.bytes
    }

    /// The channel (0–15) of a channel message; `None` for System Common.
    pub const fn channel(&self) -> Option<u8> {
        match self.bytes[0] {
            0x80..=0xEF => Some(self.bytes[0] & 0x0F),
            _ => None,
        }
    }
}

/// What the parser found in the stream. SysEx bytes are borrowed from the parser's buffer
/// until the next call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A complete SysEx message, `F0` to `F7` inclusive, all bytes between 7-bit. It may
    /// lack a manufacturer id (`F0 F7`); [`SysEx::parse`](super::message::SysEx::parse)
    /// checks that.
    SysEx(&'a [u8]),
    /// A complete channel voice or mode message (`80`–`EF` and its data bytes).
    Channel(ShortMessage),
    /// A complete System Common message (`F1` + 1, `F2` + 2, `F3` + 1, `F6` + 0 data bytes).
    SystemCommon(ShortMessage),
    /// A System Real-Time byte (`F8`–`FF`).
    RealTime(u8),
    /// A SysEx ended by a status byte other than `F7` or realtime: the bytes received,
    /// starting with `F0`, without `F7`. The status byte is processed next.
    SysExAborted(&'a [u8]),
    /// A SysEx does not fit in the buffer of `limit` bytes; the rest of it is dropped.
    SysExOverflow {
        /// The buffer length (largest SysEx accepted, `F0` and `F7` included).
        limit: usize,
    },
    /// An `F7` outside a SysEx.
    StrayEnd,
    /// A data byte with no running status or System Common status to belong to.
    StrayData(u8),
    /// A channel or System Common message cut short by a status byte, or by the end of the
    /// stream ([`StreamParser::finish`]): the bytes received (the status byte alone if it
    /// got no data byte).
    TruncatedMessage(ShortMessage),
    /// An undefined System Common status, `F4` or `F5`.
    UndefinedStatus(u8),
    /// The stream ended inside a SysEx (reported by [`StreamParser::finish`]): the bytes
    /// received, starting with `F0`, without `F7`.
    UnterminatedSysEx(&'a [u8]),
}

impl Event<'_> {
    /// What kind of event this is.
    pub const fn kind(&self) -> EventKind {
        match self {
            Self::SysEx(_) => EventKind::SysEx,
            Self::Channel(_) => EventKind::Channel,
            Self::SystemCommon(_) => EventKind::SystemCommon,
            Self::RealTime(_) => EventKind::RealTime,
            Self::SysExAborted(_) => EventKind::SysExAborted,
            Self::SysExOverflow { .. } => EventKind::SysExOverflow,
            Self::StrayEnd => EventKind::StrayEnd,
            Self::StrayData(_) => EventKind::StrayData,
            Self::TruncatedMessage(_) => EventKind::TruncatedMessage,
            Self::UndefinedStatus(_) => EventKind::UndefinedStatus,
            Self::UnterminatedSysEx(_) => EventKind::UnterminatedSysEx,
        }
    }

    /// The language-neutral name of the event's kind ([`EventKind::class`]).
    pub const fn class(&self) -> &'static str {
        self.kind().class()
    }

    /// Whether the event reports a problem in the stream rather than a message.
    pub const fn is_error(&self) -> bool {
        self.kind().is_error()
    }

    /// The stream bytes the event stands for: the message, the aborted or truncated bytes,
    /// the stray or undefined byte. Empty for [`SysExOverflow`](Self::SysExOverflow), whose
    /// bytes were dropped.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::SysEx(bytes) | Self::SysExAborted(bytes) | Self::UnterminatedSysEx(bytes) => {
                bytes
            }
            Self::Channel(message)
            | Self::SystemCommon(message)
            | Self::TruncatedMessage(message) => message.as_bytes(),
            Self::RealTime(byte) | Self::StrayData(byte) | Self::UndefinedStatus(byte) => {
                core::slice::from_ref(byte)
            }
            Self::StrayEnd => &[SYSEX_END],
            Self::SysExOverflow { .. } => &[],
        }
    }
}

/// The kinds of [`Event`], with stable names and numbers for the vector corpus and the
/// bindings. Numbers are in the block 320–339 (SysEx streams) of the crate-wide code space
/// (`docs/errors.md`); retired numbers are never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u16)]
pub enum EventKind {
    /// [`Event::SysEx`]: `sysex`.
    SysEx = 320,
    /// [`Event::Channel`]: `channel`.
    Channel = 321,
    /// [`Event::SystemCommon`]: `system-common`.
    SystemCommon = 322,
    /// [`Event::RealTime`]: `realtime`.
    RealTime = 323,
    /// [`Event::SysExAborted`]: `sysex-aborted`.
    SysExAborted = 324,
    /// [`Event::SysExOverflow`]: `sysex-overflow`.
    SysExOverflow = 325,
    /// [`Event::StrayEnd`]: `stray-end`.
    StrayEnd = 326,
    /// [`Event::StrayData`]: `stray-data`.
    StrayData = 327,
    /// [`Event::TruncatedMessage`]: `truncated-message`.
    TruncatedMessage = 328,
    /// [`Event::UndefinedStatus`]: `undefined-status`.
    UndefinedStatus = 329,
    /// [`Event::UnterminatedSysEx`]: `unterminated-sysex`.
    UnterminatedSysEx = 330,
}

impl EventKind {
    /// The language-neutral name used by the vector corpus.
    pub const fn class(self) -> &'static str {
        match self {
            Self::SysEx => "sysex",
            Self::Channel => "channel",
            Self::SystemCommon => "system-common",
            Self::RealTime => "realtime",
            Self::SysExAborted => "sysex-aborted",
            Self::SysExOverflow => "sysex-overflow",
            Self::StrayEnd => "stray-end",
            Self::StrayData => "stray-data",
            Self::TruncatedMessage => "truncated-message",
            Self::UndefinedStatus => "undefined-status",
            Self::UnterminatedSysEx => "unterminated-sysex",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(self) -> u16 {
        self as u16
    }

    /// Whether this kind reports a problem in the stream rather than a message.
    pub const fn is_error(self) -> bool {
        !matches!(
            self,
            Self::SysEx | Self::Channel | Self::SystemCommon | Self::RealTime
        )
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.class())
    }
}

/// What the state machine found, by position in the buffer rather than by reference, so
/// [`StreamParser::push`] can run it twice before borrowing the buffer.
#[derive(Clone, Copy, Debug)]
enum Found {
    SysEx(usize),
    Aborted(usize),
    Overflow(usize),
    Channel(ShortMessage),
    Common(ShortMessage),
    RealTime(u8),
    StrayEnd,
    StrayData(u8),
    Truncated(ShortMessage),
    Undefined(u8),
    Unterminated(usize),
}

impl Found {
    #[inline]
    fn into_event(self, buf: &[u8]) -> Event<'_> {
        match self {
            Self::SysEx(len) => Event::SysEx(buf.get(..len).unwrap_or_default()),
            Self::Aborted(len) => Event::SysExAborted(buf.get(..len).unwrap_or_default()),
            Self::Overflow(limit) => Event::SysExOverflow { limit },
            Self::Channel(message) => Event::Channel(message),
            Self::Common(message) => Event::SystemCommon(message),
            Self::RealTime(byte) => Event::RealTime(byte),
            Self::StrayEnd => Event::StrayEnd,
            Self::StrayData(byte) => Event::StrayData(byte),
            Self::Truncated(message) => Event::TruncatedMessage(message),
            Self::Undefined(byte) => Event::UndefinedStatus(byte),
            Self::Unterminated(len) => Event::UnterminatedSysEx(buf.get(..len).unwrap_or_default()),
        }
    }
}

/// The state without the buffer: the shared grammar, and where the SysEx it reports is
/// stored.
#[derive(Clone, Copy, Debug)]
struct State {
    tokens: Tokenizer,
    /// SysEx bytes stored so far.
    sysex_len: usize,
    /// The open SysEx overflowed: it was reported, and its rest is dropped up to its end.
    overflowed: bool,
}

impl State {
    const fn new() -> Self {
        Self {
            tokens: Tokenizer::new(),
            sysex_len: 0,
            overflowed: false,
        }
    }

    /// Consumes `input` until something is found or `input` is used up (`None`). A status
    /// byte that ends an aborted SysEx or a truncated message is left in `input`, so the
    /// next call starts its message. Each pass of the loop consumes at least one byte or
    /// closes the message or SysEx that the kept byte ended, so it ends.
    fn step(&mut self, buf: &mut [u8], input: &mut &[u8]) -> Option<Found> {
        loop {
            if self.tokens.mode() == Mode::SysEx {
                // Data bytes inside a SysEx change no tokenizer state (see `Mode`), so the
                // run up to the next status byte is stored (or dropped) in one go instead of
                // byte by byte.
                let run = data_run(input);
                if run > 0 {
                    if !self.overflowed {
                        let end = self.sysex_len.saturating_add(run);
                        let (Some(dst), Some(src)) =
                            (buf.get_mut(self.sysex_len..end), input.get(..run))
                        else {
                            advance(input, run);
                            self.overflowed = true;
                            return Some(Found::Overflow(buf.len()));
                        };
                        dst.copy_from_slice(src);
                        self.sysex_len = end;
                    }
                    advance(input, run);
                }
            }
            let token = self.tokens.next(input)?;
            if let Some(found) = self.found(buf, token) {
                return Some(found);
            }
        }
    }

    /// What a token means for the caller: SysEx bytes go into `buf`, and the end or abort of
    /// a SysEx that overflowed is silent (the overflow was its report).
    #[inline]
    fn found(&mut self, buf: &mut [u8], token: Token) -> Option<Found> {
        match token {
            Token::Channel(message) => Some(Found::Channel(message)),
            Token::Common(message) => Some(Found::Common(message)),
            Token::RealTime(byte) => Some(Found::RealTime(byte)),
            Token::SysExStart => {
                self.overflowed = false;
                self.sysex_len = 0;
                self.store(buf, SYSEX_START)
            }
            Token::SysExData(byte) => self.store(buf, byte),
            Token::SysExEnd => {
                if core::mem::take(&mut self.overflowed) {
                    return None;
                }
                // The SysEx is closed either way: an `F7` that does not fit is its overflow.
                let overflow = self.store(buf, SYSEX_END);
                self.overflowed = false;
                overflow.or(Some(Found::SysEx(self.sysex_len)))
            }
            Token::Aborted(_) => {
                if core::mem::take(&mut self.overflowed) {
                    return None;
                }
                Some(Found::Aborted(self.sysex_len))
            }
            Token::StrayData(byte) => Some(Found::StrayData(byte)),
            Token::StrayEnd => Some(Found::StrayEnd),
            Token::Undefined(byte) => Some(Found::Undefined(byte)),
            Token::Truncated(message) => Some(Found::Truncated(message)),
        }
    }

    /// Appends a SysEx byte; the overflow, once, if it does not fit.
    #[inline]
    fn store(&mut self, buf: &mut [u8], byte: u8) -> Option<Found> {
        if self.overflowed {
            return None;
        }
        match buf.get_mut(self.sysex_len) {
            Some(slot) => {
                *slot = byte;
                self.sysex_len += 1;
                None
            }
            None => {
                self.overflowed = true;
                Some(Found::Overflow(buf.len()))
            }
        }
    }

    /// What the end of the stream leaves unfinished: an open SysEx, or a message without all
    /// its data bytes. The same as a status byte would report, except that an open SysEx is
    /// unterminated rather than aborted, and one that overflowed was reported already.
    fn finish(&mut self) -> Option<Found> {
        let mut old = core::mem::replace(self, Self::new());
        match old.tokens.finish()? {
            Unfinished::SysEx if old.overflowed => None,
            Unfinished::SysEx => Some(Found::Unterminated(old.sysex_len)),
            Unfinished::Message(message) => Some(Found::Truncated(message)),
        }
    }

    /// Takes a data byte that only extends a SysEx or is dropped with one, as
    /// [`step`](Self::step) would, and says whether it did. Most bytes of a stream are such
    /// bytes, and [`StreamParser::push`] is called once per byte.
    #[inline]
    fn absorb(&mut self, buf: &mut [u8], byte: u8) -> bool {
        if byte >= 0x80 {
            return false;
        }
        match self.tokens.mode() {
            Mode::SysEx if self.overflowed => true,
            Mode::SysEx => match buf.get_mut(self.sysex_len) {
                Some(slot) => {
                    *slot = byte;
                    self.sysex_len += 1;
                    true
                }
                None => false,
            },
            Mode::Undefined => true,
            Mode::Short => false,
        }
    }
}

/// Length of the run of 7-bit bytes at the start of `bytes`.
///
/// SysEx payloads are long runs of data bytes; testing eight at a time with one mask
/// instead of one per byte is what makes reassembly run at memory speed.
fn data_run(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or([0x80; 8]));
        let high = word & HIGH_BITS;
        if high != 0 {
            // Little-endian: the lowest set bit belongs to the first byte in memory.
            return offset + (high.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    let tail = words.remainder();
    offset + tail.iter().position(|&b| b >= 0x80).unwrap_or(tail.len())
}

#[inline]
fn advance(input: &mut &[u8], n: usize) {
    *input = input.get(n..).unwrap_or_default();
}

/// Incremental parser for a MIDI 1.0 byte stream with a bounded, caller-provided SysEx
/// buffer. See the [module documentation](self) for the rules it follows.
///
/// ```
/// use mox_codec::sysex::stream::{Event, StreamParser};
///
/// let mut storage = [0u8; 4];
/// let mut parser = StreamParser::new(&mut storage[..]);
/// // A 6-byte SysEx does not fit in 4 bytes. The clock inside it arrives before the
/// // byte that overflows; the rest of the SysEx is dropped up to its F7.
/// let mut input: &[u8] = &[0xF0, 0x7D, 0x01, 0xF8, 0x02, 0x03, 0xF7, 0xF6];
/// assert_eq!(parser.feed(&mut input), Some(Event::RealTime(0xF8)));
/// assert_eq!(parser.feed(&mut input), Some(Event::SysExOverflow { limit: 4 }));
/// assert_eq!(parser.feed(&mut input).map(|e| e.class()), Some("system-common"));
/// assert_eq!(parser.feed(&mut input), None);
/// ```
#[derive(Clone, Debug)]
pub struct StreamParser<B> {
    buf: B,
    max_sysex: usize,
    state: State,
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> StreamParser<B> {
    /// A parser whose SysEx capacity is the whole of `buf` (for a `Vec`, its length, not its
    /// capacity: pass `vec![0; n]`).
    pub const fn new(buf: B) -> Self {
        Self::with_max_sysex(buf, usize::MAX)
    }

    /// A parser that accepts SysEx messages up to `max_sysex` bytes (`F0` and `F7`
    /// included), or the length of `buf` if that is smaller — for instance a limit
    /// negotiated with the peer.
    pub const fn with_max_sysex(buf: B, max_sysex: usize) -> Self {
        Self {
            buf,
            max_sysex,
            state: State::new(),
        }
    }

    /// The largest SysEx accepted, `F0` and `F7` included.
    #[inline]
    pub fn sysex_capacity(&self) -> usize {
        self.buf.as_ref().len().min(self.max_sysex)
    }

    /// Consumes bytes from the front of `input` until an event is found (returned; a SysEx
    /// is borrowed from the parser's buffer until the next call) or `input` is used up
    /// (`None`; a partial message is kept for the next chunk). Call it in a loop until it
    /// returns `None`.
    #[must_use = "a returned event is consumed from the input and not reported again"]
    pub fn feed<'s>(&'s mut self, input: &mut &[u8]) -> Option<Event<'s>> {
        let limit = self.sysex_capacity();
        let found = self.state.step(limited(self.buf.as_mut(), limit), input)?;
        Some(found.into_event(self.buf.as_ref()))
    }

    /// Feeds one byte and returns the events it produces: none, one, or two when a status
    /// byte both ends something unfinished (an aborted SysEx, a truncated message) and is a
    /// complete message itself (`F6`, or `F4`/`F5`). Gives the same events as
    /// [`feed`](Self::feed).
    #[must_use = "the returned events are not reported again"]
    #[inline]
    pub fn push(&mut self, byte: u8) -> Pushed<'_> {
        let limit = self.sysex_capacity();
        let buf = limited(self.buf.as_mut(), limit);
        if self.state.absorb(buf, byte) {
            return Pushed {
                first: None,
                second: None,
            };
        }
        let bytes = [byte];
        let mut input = &bytes[..];
        let first = self.state.step(buf, &mut input);
        // Only a status byte left in place by an abort or truncation remains; the second
        // pass consumes it, as the next `feed` would.
        let second = if input.is_empty() {
            None
        } else {
            self.state.step(buf, &mut input)
        };
        let buf = self.buf.as_ref();
        Pushed {
            first: first.map(|found| found.into_event(buf)),
            second: second.map(|found| found.into_event(buf)),
        }
    }

    /// Ends the stream: returns what it left unfinished, if anything, and resets the parser
    /// (running status included) for a new stream, like [`reset`](Self::reset). Call it when
    /// the input is known to have ended (end of file, port closed, cable unplugged), since a
    /// byte stream has no end marker of its own.
    ///
    /// It reports what a status byte arriving now would report, and nothing else:
    ///
    /// - a SysEx without its `F7`: [`Event::UnterminatedSysEx`] with the bytes received
    ///   (borrowed from the buffer like a SysEx; they stay there until the next call);
    /// - a channel or System Common message without all its data bytes, including a status
    ///   byte that got none: [`Event::TruncatedMessage`];
    /// - otherwise `None`. This includes a running status left over from a complete message
    ///   (nothing was started), the data bytes after `F4`/`F5` (already reported as
    ///   [`Event::UndefinedStatus`]) and a SysEx that overflowed (already reported once as
    ///   [`Event::SysExOverflow`]; its bytes were dropped, so there is nothing to deliver).
    ///
    /// ```
    /// use mox_codec::sysex::stream::{Event, StreamParser};
    ///
    /// let mut parser = StreamParser::new([0u8; 16]);
    /// let mut input: &[u8] = &[0xF0, 0x7D, 0x01];
    /// assert_eq!(parser.feed(&mut input), None);
    /// assert_eq!(parser.finish(), Some(Event::UnterminatedSysEx(&[0xF0, 0x7D, 0x01])));
    /// assert_eq!(parser.finish(), None);
    ///
    /// let mut input: &[u8] = &[0x90, 0x3C, 0x40, 0x3E];
    /// assert_eq!(parser.feed(&mut input).map(|e| e.class()), Some("channel"));
    /// assert_eq!(parser.feed(&mut input), None);
    /// assert_eq!(parser.finish().map(|e| e.class()), Some("truncated-message"));
    /// // Running status is gone.
    /// let mut input: &[u8] = &[0x3C];
    /// assert_eq!(parser.feed(&mut input), Some(Event::StrayData(0x3C)));
    /// ```
    #[must_use = "the returned event is not reported again"]
    pub fn finish(&mut self) -> Option<Event<'_>> {
        let found = self.state.finish()?;
        Some(found.into_event(self.buf.as_ref()))
    }

    /// Forgets any partial message and the running status, as after a cable was replugged.
    pub fn reset(&mut self) {
        self.state = State::new();
    }

    /// Gives the buffer back.
    pub fn into_inner(self) -> B {
        self.buf
    }
}

#[inline]
fn limited(buf: &mut [u8], limit: usize) -> &mut [u8] {
    let len = buf.len().min(limit);
    buf.split_at_mut(len).0
}

/// The events produced by one [`StreamParser::push`], in stream order.
#[derive(Clone, Debug)]
pub struct Pushed<'a> {
    first: Option<Event<'a>>,
    second: Option<Event<'a>>,
}

impl<'a> Iterator for Pushed<'a> {
    type Item = Event<'a>;

    #[inline]
    fn next(&mut self) -> Option<Event<'a>> {
        self.first.take().or_else(|| self.second.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// An owned copy of an event, so events of one parser run can be compared.
    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Ev {
        Msg(&'static str, Vec<u8>),
        Overflow(usize),
    }

    fn own(event: Event<'_>) -> Ev {
        match event {
            Event::SysExOverflow { limit } => Ev::Overflow(limit),
            other => Ev::Msg(other.class(), other.bytes().to_vec()),
        }
    }

    fn ev(class: &'static str, bytes: &[u8]) -> Ev {
        Ev::Msg(class, bytes.to_vec())
    }

    fn feed_chunks(cap: usize, chunks: &[&[u8]]) -> Vec<Ev> {
        let mut parser = StreamParser::new(vec![0u8; cap]);
        let mut events = Vec::new();
        for chunk in chunks {
            let mut input = *chunk;
            while let Some(event) = parser.feed(&mut input) {
                events.push(own(event));
            }
            assert!(input.is_empty());
        }
        events
    }

    fn push_all(cap: usize, stream: &[u8]) -> Vec<Ev> {
        let mut parser = StreamParser::new(vec![0u8; cap]);
        stream
            .iter()
            .flat_map(|&b| parser.push(b).map(own).collect::<Vec<_>>())
            .collect()
    }

    /// Parses `stream` whole, byte by byte with `feed` and with `push`, and at every split
    /// point, checking that each gives `expected`.
    fn check(cap: usize, stream: &[u8], expected: &[Ev]) {
        assert_eq!(feed_chunks(cap, &[stream]), expected, "whole");
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(feed_chunks(cap, &bytes), expected, "byte by byte");
        assert_eq!(push_all(cap, stream), expected, "push");
        for at in 0..=stream.len() {
            let (a, b) = stream.split_at(at);
            assert_eq!(feed_chunks(cap, &[a, b]), expected, "split at {at}");
        }
    }

    #[test]
    fn data_run_finds_the_first_status_byte_in_every_position() {
        for len in 0..40 {
            let mut bytes = vec![0x7F; len];
            assert_eq!(data_run(&bytes), len);
            for at in 0..len {
                bytes[at] = 0x80;
                assert_eq!(data_run(&bytes), at);
                bytes[at] = 0xFF;
                assert_eq!(data_run(&bytes), at);
                bytes[at] = 0x7F;
            }
        }
    }

    #[test]
    fn running_status_is_expanded() {
        let stream = [0x90, 0x3C, 0x40, 0x3C, 0x00, 0xC1, 0x05, 0x06, 0xD2, 0x10];
        check(
            16,
            &stream,
            &[
                ev("channel", &[0x90, 0x3C, 0x40]),
                ev("channel", &[0x90, 0x3C, 0x00]),
                ev("channel", &[0xC1, 0x05]),
                ev("channel", &[0xC1, 0x06]),
                ev("channel", &[0xD2, 0x10]),
            ],
        );
    }

    #[test]
    fn realtime_inside_sysex_is_delivered_and_does_not_disturb_it() {
        let stream = [0xF8, 0xF0, 0x7D, 0xFA, 0x01, 0xF9, 0xFF, 0x02, 0xF7, 0xFE];
        check(
            16,
            &stream,
            &[
                ev("realtime", &[0xF8]),
                ev("realtime", &[0xFA]),
                ev("realtime", &[0xF9]),
                ev("realtime", &[0xFF]),
                ev("sysex", &[0xF0, 0x7D, 0x01, 0x02, 0xF7]),
                ev("realtime", &[0xFE]),
            ],
        );
    }

    #[test]
    fn realtime_between_status_and_data_keeps_the_message() {
        let stream = [0xB0, 0xF8, 0x07, 0xF8, 0x64, 0xF8, 0x08, 0x10];
        check(
            16,
            &stream,
            &[
                ev("realtime", &[0xF8]),
                ev("realtime", &[0xF8]),
                ev("channel", &[0xB0, 0x07, 0x64]),
                ev("realtime", &[0xF8]),
                ev("channel", &[0xB0, 0x08, 0x10]),
            ],
        );
    }

    #[test]
    fn any_other_status_aborts_a_sysex_and_starts_its_own_message() {
        // Channel status, tune request (complete in one byte), undefined F4, a new F0.
        check(
            16,
            &[0xF0, 0x7D, 0x01, 0x90, 0x3C, 0x40],
            &[
                ev("sysex-aborted", &[0xF0, 0x7D, 0x01]),
                ev("channel", &[0x90, 0x3C, 0x40]),
            ],
        );
        check(
            16,
            &[0xF0, 0x7D, 0xF6, 0x01],
            &[
                ev("sysex-aborted", &[0xF0, 0x7D]),
                ev("system-common", &[0xF6]),
                ev("stray-data", &[0x01]),
            ],
        );
        check(
            16,
            &[0xF0, 0xF4, 0x01],
            &[
                ev("sysex-aborted", &[0xF0]),
                ev("undefined-status", &[0xF4]),
            ],
        );
        check(
            16,
            &[0xF0, 0x41, 0xF0, 0x42, 0xF7],
            &[
                ev("sysex-aborted", &[0xF0, 0x41]),
                ev("sysex", &[0xF0, 0x42, 0xF7]),
            ],
        );
    }

    #[test]
    fn stray_and_duplicate_end_are_reported() {
        check(
            16,
            &[0xF7, 0xF0, 0x41, 0xF7, 0xF7, 0xF8],
            &[
                ev("stray-end", &[0xF7]),
                ev("sysex", &[0xF0, 0x41, 0xF7]),
                ev("stray-end", &[0xF7]),
                ev("realtime", &[0xF8]),
            ],
        );
    }

    #[test]
    fn overflow_is_reported_once_and_the_rest_dropped_to_its_end() {
        // Capacity 4: `F0 41 01 F7` fits exactly; one data byte more does not, nor does an
        // `F7` that arrives when the buffer is already full.
        let stream = [
            0xF0, 0x41, 0x01, 0xF7, // fits
            0xF0, 0x41, 0x01, 0x02, 0x03, 0xF8, 0x04, 0xF7, // overflow on 0x03.. run
            0xF0, 0x41, 0x01, 0x02, 0xF7, // overflow on F7
            0xF0, 0x41, 0x01, 0x02, 0x03, 0x90, 0x3C, 0x40, // overflow, then a status
        ];
        check(
            4,
            &stream,
            &[
                ev("sysex", &[0xF0, 0x41, 0x01, 0xF7]),
                Ev::Overflow(4),
                ev("realtime", &[0xF8]),
                Ev::Overflow(4),
                Ev::Overflow(4),
                ev("channel", &[0x90, 0x3C, 0x40]),
            ],
        );
    }

    #[test]
    fn zero_capacity_drops_every_sysex_but_nothing_else() {
        check(
            0,
            &[0xF0, 0xF7, 0xF6, 0xF0, 0x01, 0xF8, 0xF7],
            &[
                Ev::Overflow(0),
                ev("system-common", &[0xF6]),
                Ev::Overflow(0),
                ev("realtime", &[0xF8]),
            ],
        );
    }

    #[test]
    fn data_without_status_is_reported_byte_by_byte() {
        check(
            16,
            &[0x01, 0x02, 0xF8, 0x03, 0x90, 0x3C, 0x40],
            &[
                ev("stray-data", &[0x01]),
                ev("stray-data", &[0x02]),
                ev("realtime", &[0xF8]),
                ev("stray-data", &[0x03]),
                ev("channel", &[0x90, 0x3C, 0x40]),
            ],
        );
    }

    #[test]
    fn sysex_and_system_common_cancel_running_status_realtime_does_not() {
        check(
            16,
            &[
                0x90, 0x3C, 0x40, 0xF8, 0x3D, 0x40, // realtime keeps it
                0xF0, 0x41, 0xF7, 0x3E, // SysEx cancels it
                0x80, 0x3C, 0x00, 0xF1, 0x12, 0x3C, // MTC quarter frame cancels it
                0xB0, 0x07, 0x64, 0xF7, 0x08, // a stray F7 cancels it too
            ],
            &[
                ev("channel", &[0x90, 0x3C, 0x40]),
                ev("realtime", &[0xF8]),
                ev("channel", &[0x90, 0x3D, 0x40]),
                ev("sysex", &[0xF0, 0x41, 0xF7]),
                ev("stray-data", &[0x3E]),
                ev("channel", &[0x80, 0x3C, 0x00]),
                ev("system-common", &[0xF1, 0x12]),
                ev("stray-data", &[0x3C]),
                ev("channel", &[0xB0, 0x07, 0x64]),
                ev("stray-end", &[0xF7]),
                ev("stray-data", &[0x08]),
            ],
        );
    }

    #[test]
    fn system_common_lengths_follow_the_status_table() {
        check(
            16,
            &[0xF2, 0x01, 0x02, 0xF3, 0x05, 0xF6, 0xF1, 0x7F],
            &[
                ev("system-common", &[0xF2, 0x01, 0x02]),
                ev("system-common", &[0xF3, 0x05]),
                ev("system-common", &[0xF6]),
                ev("system-common", &[0xF1, 0x7F]),
            ],
        );
    }

    #[test]
    fn truncated_messages_are_reported_and_the_interrupting_status_kept() {
        check(
            16,
            &[
                0x90, 0x3C, 0xF6, 0xF2, 0x01, 0xF0, 0x41, 0xF7, 0x90, 0x80, 0x01, 0x02,
            ],
            &[
                ev("truncated-message", &[0x90, 0x3C]),
                ev("system-common", &[0xF6]),
                ev("truncated-message", &[0xF2, 0x01]),
                ev("sysex", &[0xF0, 0x41, 0xF7]),
                // A status that got no data byte is truncated too, not silently replaced.
                ev("truncated-message", &[0x90]),
                ev("channel", &[0x80, 0x01, 0x02]),
            ],
        );
    }

    #[test]
    fn a_lone_status_byte_is_truncated_but_left_over_running_status_is_not() {
        // MIDI 1.0: a status byte followed by another status byte (not realtime) leaves an
        // incomplete message.
        check(
            16,
            &[0x90, 0x80, 0x3C, 0x00],
            &[
                ev("truncated-message", &[0x90]),
                ev("channel", &[0x80, 0x3C, 0x00]),
            ],
        );
        // Across realtime, before System Common, SysEx, F7 and F4; one-data-byte statuses.
        check(
            16,
            &[
                0xC5, 0xF8, 0xF6, 0xF1, 0xF0, 0x41, 0xF7, 0xD0, 0xF7, 0xF3, 0xF4, 0x01,
            ],
            &[
                ev("realtime", &[0xF8]),
                ev("truncated-message", &[0xC5]),
                ev("system-common", &[0xF6]),
                ev("truncated-message", &[0xF1]),
                ev("sysex", &[0xF0, 0x41, 0xF7]),
                ev("truncated-message", &[0xD0]),
                ev("stray-end", &[0xF7]),
                ev("truncated-message", &[0xF3]),
                ev("undefined-status", &[0xF4]),
            ],
        );
        // Running status after a complete message is not a message; F6 is complete alone.
        check(
            16,
            &[0x90, 0x3C, 0x40, 0x80, 0x3C, 0x00, 0xF6, 0x90, 0x3C, 0x40],
            &[
                ev("channel", &[0x90, 0x3C, 0x40]),
                ev("channel", &[0x80, 0x3C, 0x00]),
                ev("system-common", &[0xF6]),
                ev("channel", &[0x90, 0x3C, 0x40]),
            ],
        );
        // At the end of the stream, as if a status byte had come.
        assert_eq!(
            feed_and_finish(16, &[0x90, 0x3C, 0x40, 0x91]),
            (
                vec![ev("channel", &[0x90, 0x3C, 0x40])],
                Some(ev("truncated-message", &[0x91])),
                vec![ev("stray-data", &[0x3C])],
            )
        );
        let mut parser = StreamParser::new([0u8; 4]);
        assert_eq!(
            parser.push(0xE0).count() + parser.push(0xF8).count(),
            1,
            "realtime only"
        );
        let events: Vec<_> = parser.push(0xB0).map(own).collect();
        assert_eq!(events, [ev("truncated-message", &[0xE0])]);
    }

    #[test]
    fn undefined_status_swallows_its_data_and_cancels_running_status() {
        check(
            16,
            &[
                0x90, 0x3C, 0x40, 0xF5, 0x01, 0x02, 0xF8, 0x03, 0xF4, 0xC0, 0x05,
            ],
            &[
                ev("channel", &[0x90, 0x3C, 0x40]),
                ev("undefined-status", &[0xF5]),
                ev("realtime", &[0xF8]),
                ev("undefined-status", &[0xF4]),
                ev("channel", &[0xC0, 0x05]),
            ],
        );
    }

    #[test]
    fn reset_forgets_partial_state() {
        let mut parser = StreamParser::new([0u8; 8]);
        let mut input: &[u8] = &[0xF0, 0x41, 0x01];
        assert_eq!(parser.feed(&mut input), None);
        parser.reset();
        let mut input: &[u8] = &[0x02, 0xF7, 0x90, 0x3C];
        assert_eq!(parser.feed(&mut input), Some(Event::StrayData(0x02)));
        assert_eq!(parser.feed(&mut input), Some(Event::StrayEnd));
        assert_eq!(parser.feed(&mut input), None);
        parser.reset();
        let mut input: &[u8] = &[0x40];
        assert_eq!(parser.feed(&mut input), Some(Event::StrayData(0x40)));
    }

    /// Feeds `stream` whole, then finishes: the events, what `finish` reported, and the event
    /// a data byte gives afterwards (to show the parser was reset).
    fn feed_and_finish(cap: usize, stream: &[u8]) -> (Vec<Ev>, Option<Ev>, Vec<Ev>) {
        let mut parser = StreamParser::new(vec![0u8; cap]);
        let mut events = Vec::new();
        let mut input = stream;
        while let Some(event) = parser.feed(&mut input) {
            events.push(own(event));
        }
        let finished = parser.finish().map(own);
        assert_eq!(parser.finish(), None, "finish twice");
        let mut after = Vec::new();
        let mut input: &[u8] = &[0x3C];
        while let Some(event) = parser.feed(&mut input) {
            after.push(own(event));
        }
        (events, finished, after)
    }

    #[test]
    fn finish_reports_an_open_sysex_with_its_bytes_and_resets() {
        let stray = vec![ev("stray-data", &[0x3C])];
        assert_eq!(
            feed_and_finish(16, &[0x90, 0x3C, 0x40, 0xF0, 0x41, 0xF8, 0x01]),
            (
                vec![ev("channel", &[0x90, 0x3C, 0x40]), ev("realtime", &[0xF8])],
                Some(ev("unterminated-sysex", &[0xF0, 0x41, 0x01])),
                stray.clone(),
            )
        );
        // A lone F0, and a SysEx that fills the buffer exactly without overflowing yet.
        assert_eq!(
            feed_and_finish(16, &[0xF0]),
            (
                vec![],
                Some(ev("unterminated-sysex", &[0xF0])),
                stray.clone()
            )
        );
        assert_eq!(
            feed_and_finish(4, &[0xF0, 0x41, 0x01, 0x02]),
            (
                vec![],
                Some(ev("unterminated-sysex", &[0xF0, 0x41, 0x01, 0x02])),
                stray
            )
        );
        let mut parser = StreamParser::new([0u8; 8]);
        let mut input: &[u8] = &[0xF0, 0x7D];
        assert_eq!(parser.feed(&mut input), None);
        let event = parser.finish().unwrap();
        assert_eq!(event, Event::UnterminatedSysEx(&[0xF0, 0x7D]));
        assert_eq!(
            (event.kind(), event.class(), event.kind().code()),
            (EventKind::UnterminatedSysEx, "unterminated-sysex", 330)
        );
        assert!(event.is_error());
    }

    #[test]
    fn finish_reports_a_message_missing_data_bytes_and_clears_running_status() {
        let stray = vec![ev("stray-data", &[0x3C])];
        assert_eq!(
            feed_and_finish(16, &[0x90, 0x3C]),
            (
                vec![],
                Some(ev("truncated-message", &[0x90, 0x3C])),
                stray.clone()
            )
        );
        assert_eq!(
            feed_and_finish(16, &[0x90, 0x3C, 0x40, 0x3E]),
            (
                vec![ev("channel", &[0x90, 0x3C, 0x40])],
                Some(ev("truncated-message", &[0x90, 0x3E])),
                stray.clone()
            )
        );
        assert_eq!(
            feed_and_finish(16, &[0xF2, 0x01, 0xF8]),
            (
                vec![ev("realtime", &[0xF8])],
                Some(ev("truncated-message", &[0xF2, 0x01])),
                stray.clone()
            )
        );
        // Complete, running status pending: nothing to report, but running status is gone.
        assert_eq!(
            feed_and_finish(16, &[0x90, 0x3C, 0x40]),
            (vec![ev("channel", &[0x90, 0x3C, 0x40])], None, stray)
        );
    }

    #[test]
    fn finish_reports_nothing_already_reported_or_left_over_running_status() {
        let stray = vec![ev("stray-data", &[0x3C])];
        let nothing = |cap: usize, stream: &[u8], events: Vec<Ev>| {
            assert_eq!(
                feed_and_finish(cap, stream),
                (events, None, stray.clone()),
                "{stream:02X?}"
            );
        };
        nothing(16, &[], vec![]);
        // Running status left over from a complete message is not a message.
        nothing(
            16,
            &[0x90, 0x3C, 0x40, 0xF8],
            vec![ev("channel", &[0x90, 0x3C, 0x40]), ev("realtime", &[0xF8])],
        );
        nothing(
            16,
            &[0xF0, 0x41, 0xF7],
            vec![ev("sysex", &[0xF0, 0x41, 0xF7])],
        );
        nothing(
            16,
            &[0xF5, 0x01, 0x02],
            vec![ev("undefined-status", &[0xF5])],
        );
        nothing(16, &[0xF7], vec![ev("stray-end", &[0xF7])]);
        // An overflowed SysEx was reported when it overflowed; the end of the stream inside
        // its dropped rest adds nothing, with or without realtime bytes after it.
        nothing(4, &[0xF0, 0x41, 0x01, 0x02, 0x03], vec![Ev::Overflow(4)]);
        nothing(
            4,
            &[0xF0, 0x41, 0x01, 0x02, 0x03, 0xF8, 0x04],
            vec![Ev::Overflow(4), ev("realtime", &[0xF8])],
        );
        nothing(0, &[0xF0, 0x01], vec![Ev::Overflow(0)]);
    }

    /// Every stream of up to 4 bytes from an alphabet of every byte kind: `finish` reports
    /// what a System Common status arriving instead would, with an open SysEx unterminated
    /// rather than aborted, and leaves a parser that behaves like a new one.
    #[test]
    fn finish_reports_what_an_interrupting_status_would() {
        const ALPHABET: [u8; 10] = [0x01, 0x90, 0xC0, 0xF0, 0xF7, 0xF2, 0xF4, 0xF6, 0xF8, 0x7F];
        let mut stream = Vec::new();
        for n in 0..=4u32 {
            for mut index in 0..ALPHABET.len().pow(n) {
                stream.clear();
                for _ in 0..n {
                    stream.push(ALPHABET[index % ALPHABET.len()]);
                    index /= ALPHABET.len();
                }
                let (events, finished, after) = feed_and_finish(3, &stream);
                let interrupted = feed_chunks(3, &[&stream, &[0xF6]]);
                let mut expected = events.clone();
                expected.extend(finished.map(|event| match event {
                    Ev::Msg("unterminated-sysex", bytes) => Ev::Msg("sysex-aborted", bytes),
                    other => other,
                }));
                expected.push(ev("system-common", &[0xF6]));
                assert_eq!(interrupted, expected, "{stream:02X?}");
                assert_eq!(after, [ev("stray-data", &[0x3C])], "{stream:02X?}");
            }
        }
    }

    #[test]
    fn max_sysex_caps_the_buffer() {
        let mut parser = StreamParser::with_max_sysex([0u8; 64], 3);
        assert_eq!(parser.sysex_capacity(), 3);
        let mut input: &[u8] = &[0xF0, 0x41, 0xF7, 0xF0, 0x41, 0x01, 0xF7];
        assert_eq!(
            parser.feed(&mut input),
            Some(Event::SysEx(&[0xF0, 0x41, 0xF7]))
        );
        assert_eq!(
            parser.feed(&mut input),
            Some(Event::SysExOverflow { limit: 3 })
        );
        assert_eq!(parser.feed(&mut input), None);
        assert_eq!(StreamParser::new(vec![0u8; 5]).sysex_capacity(), 5);
        assert_eq!(parser.into_inner().len(), 64);
    }

    #[test]
    fn push_yields_both_events_of_a_byte_in_order() {
        let mut parser = StreamParser::new([0u8; 8]);
        assert_eq!(parser.push(0xF0).count(), 0);
        assert_eq!(parser.push(0x41).count(), 0);
        let events: Vec<_> = parser.push(0xF6).map(own).collect();
        assert_eq!(
            events,
            [
                ev("sysex-aborted", &[0xF0, 0x41]),
                ev("system-common", &[0xF6])
            ]
        );
    }

    #[test]
    fn short_message_accessors() {
        let note = ShortMessage::new(&[0x93, 0x3C, 0x40]).unwrap();
        assert_eq!(note.status(), 0x93);
        assert_eq!(note.channel(), Some(3));
        assert_eq!(note.data(), &[0x3C, 0x40]);
        let tune = ShortMessage::new(&[0xF6]).unwrap();
        assert_eq!((tune.channel(), tune.data()), (None, &[][..]));
        assert_eq!(ShortMessage::new(&[0xC0, 1, 2]), None);
        assert_eq!(ShortMessage::new(&[0x90, 0x80]), None);
        assert_eq!(ShortMessage::new(&[0xF0]), None);
        assert_eq!(ShortMessage::new(&[0x01]), None);
        assert_eq!(ShortMessage::new(&[]), None);
    }

    #[test]
    fn event_kinds_have_stable_names_and_codes() {
        let all = [
            (EventKind::SysEx, "sysex", 320, false),
            (EventKind::Channel, "channel", 321, false),
            (EventKind::SystemCommon, "system-common", 322, false),
            (EventKind::RealTime, "realtime", 323, false),
            (EventKind::SysExAborted, "sysex-aborted", 324, true),
            (EventKind::SysExOverflow, "sysex-overflow", 325, true),
            (EventKind::StrayEnd, "stray-end", 326, true),
            (EventKind::StrayData, "stray-data", 327, true),
            (EventKind::TruncatedMessage, "truncated-message", 328, true),
            (EventKind::UndefinedStatus, "undefined-status", 329, true),
            (
                EventKind::UnterminatedSysEx,
                "unterminated-sysex",
                330,
                true,
            ),
        ];
        for (kind, class, code, error) in all {
            assert_eq!(
                (kind.class(), kind.code(), kind.is_error()),
                (class, code, error)
            );
            assert_eq!(kind.to_string(), class);
        }
        assert!(Event::StrayEnd.is_error());
        assert_eq!(Event::RealTime(0xF8).kind(), EventKind::RealTime);
    }
}
