//! Universal MIDI Packets: a MIDI 1.0 byte stream to UMP and back, streaming and
//! allocation-free. SysEx becomes SysEx7 (message type 3), System Real-Time and System
//! Common become message type 1, channel messages become MIDI 1.0 Channel Voice (message
//! type 2), so a whole MIDI 1.0 stream round-trips, Real-Time inside SysEx included.
//!
//! ```
//! use mox_codec::sysex::ump::{encode_sysex7, UmpDecoder, UmpEncoder};
//!
//! // A SysEx of 8 body bytes on group 5: a Start packet with 6 bytes, an End with 2.
//! // F0 and F7 are not carried; the packet status says where the SysEx starts and ends.
//! let sysex = [0xF0, 0x7D, 1, 2, 3, 4, 5, 6, 7, 0xF7];
//! let mut packets = [[0u32; 2]; 4];
//! let n = encode_sysex7(5, &sysex, &mut packets).unwrap();
//! assert_eq!(packets[..n], [[0x3516_7D01, 0x0203_0405], [0x3532_0607, 0x0000_0000]]);
//!
//! // The streaming encoder takes any MIDI 1.0 byte stream; a clock inside the SysEx
//! // becomes its own message-type-1 packet and leaves the SysEx intact.
//! let mut encoder = UmpEncoder::new(5).unwrap();
//! let mut input: &[u8] = &[0xF0, 0x7D, 1, 2, 0xF8, 3, 4, 5, 6, 7, 0xF7, 0x90, 0x40, 0x7F];
//! let mut words = [0u32; 16];
//! let n = encoder.encode(&mut input, &mut words).unwrap();
//! assert_eq!(
//!     words[..n],
//!     [0x15F8_0000, 0x3516_7D01, 0x0203_0405, 0x3532_0607, 0x0000_0000, 0x2590_407F]
//! );
//!
//! // And back, with F0/F7 restored.
//! let mut decoder = UmpDecoder::new();
//! let mut input = &words[..n];
//! let mut bytes = [0u8; 32];
//! let run = decoder.decode(&mut input, &mut bytes).unwrap();
//! assert_eq!(run.group, 5);
//! assert_eq!(
//!     bytes[..run.len],
//!     [0xF8, 0xF0, 0x7D, 1, 2, 3, 4, 5, 6, 7, 0xF7, 0x90, 0x40, 0x7F]
//! );
//! ```
//!
//! # Packets (Universal MIDI Packet and MIDI 2.0 Protocol Specification 1.1)
//! Words are `u32` in host order; on a byte transport (USB-MIDI 2.0, network) each word is
//! sent big-endian ([`write_be_bytes`], [`read_be_words`]). The top nibble of the first
//! word is the message type (MT), the next the group.
//!
//! | MT | words | here |
//! |----|-------|------|
//! | 0x0 | 1 | utility (NOOP, JR timestamps): skipped, nothing in MIDI 1.0 matches |
//! | 0x1 | 1 | `1g ss d1 d2`: System Real-Time (`F8`–`FF`) and Common (`F1`–`F3`, `F6`) |
//! | 0x2 | 1 | `2g ss d1 d2`: MIDI 1.0 channel voice (`80`–`EF`) |
//! | 0x3 | 2 | SysEx7: `3g sn b0 b1`, `b2 b3 b4 b5`; s = 0 complete, 1 start, 2 continue, 3 end; n = bytes used, 0–6 |
//! | 0x4, 0x5, 0x8–0xA | 2/4 | reported ([`UmpError::UnsupportedMessageType`]) and skipped |
//! | 0x6, 0x7, 0xB–0xF | 1/3/4 | the same |
//!
//! Unused bytes (past the byte count, or past a message's length) are written as zero and
//! ignored when read.
//!
//! # Encoder rules
//! As for USB-MIDI ([`super::usb`]): running status expanded, Real-Time bytes out at once,
//! bad input reported as [`ByteStreamError`] and dropped. The SysEx7 encoder holds up to 6
//! bytes, because a packet's status (start or complete, continue or end) depends on whether
//! more bytes follow; a SysEx aborted by a status byte drops those (never sent) bytes and
//! leaves what was sent unterminated: UMP has no abort, and an End packet would make a
//! truncated SysEx look complete.
//!
//! # Decoder rules
//! Each packet is checked; a bad one is reported as a [`UmpError`] and skipped. SysEx state
//! is kept per group. A channel or System Common message in a group with a SysEx open
//! cannot be written into a MIDI 1.0 byte stream without ending that SysEx, so it is
//! reported as [`UmpError::SysExInterrupted`] and then decoded, and the SysEx counts as
//! ended; Real-Time messages pass inside a SysEx as MIDI 1.0 allows.
use core::fmt;

use super::status::{classify, ByteKind, SYSEX_END, SYSEX_START};
use super::stream::tokenizer::{Mode, Token, Tokenizer};
use super::usb::ByteStreamError;

/// Message type 0: utility messages.
pub const MT_UTILITY: u8 = 0x0;
/// Message type 1: System Real-Time and System Common (except SysEx).
pub const MT_SYSTEM: u8 = 0x1;
/// Message type 2: MIDI 1.0 Channel Voice.
pub const MT_MIDI1_CHANNEL_VOICE: u8 = 0x2;
/// Message type 3: 64-bit data messages, SysEx7.
pub const MT_SYSEX7: u8 = 0x3;

/// SysEx7 status: the whole SysEx in one packet.
pub const SYSEX7_COMPLETE: u8 = 0x0;
/// SysEx7 status: the first packet of several.
pub const SYSEX7_START: u8 = 0x1;
/// SysEx7 status: neither first nor last.
pub const SYSEX7_CONTINUE: u8 = 0x2;
/// SysEx7 status: the last packet of several.
pub const SYSEX7_END: u8 = 0x3;

/// Most SysEx data bytes one SysEx7 packet carries.
pub const SYSEX7_MAX_BYTES: usize = 6;

/// Most MIDI 1.0 bytes one packet decodes to (a complete SysEx7: `F0`, 6 bytes, `F7`).
pub const MAX_BYTES_PER_PACKET: usize = 8;

/// Words in a packet of message type `mt` (0–15; higher bits are ignored).
pub const fn packet_words(mt: u8) -> usize {
    match mt & 0x0F {
        0x0..=0x2 | 0x6 | 0x7 => 1,
        0x3 | 0x4 | 0x8..=0xA => 2,
        0xB | 0xC => 3,
        _ => 4,
    }
}

/// One packet produced by [`UmpEncoder::feed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ump {
    /// A 32-bit packet (message types 1 and 2).
    One(u32),
    /// A 64-bit packet (SysEx7).
    Two([u32; 2]),
}

impl Ump {
    /// The packet's words.
    pub fn words(&self) -> &[u32] {
        match self {
            Self::One(word) => core::slice::from_ref(word),
            Self::Two(words) => words,
        }
    }
}

/// Builds a SysEx7 packet; `data` beyond 6 bytes is not used (callers pass at most 6).
pub fn sysex7_packet(group: u8, status: u8, data: &[u8]) -> [u32; 2] {
    let count = data.len().min(SYSEX7_MAX_BYTES);
    let mut bytes = [0u8; 8];
    bytes[0] = (MT_SYSEX7 << 4) | (group & 0x0F);
    bytes[1] = ((status & 0x0F) << 4) | count as u8;
    if let (Some(dst), Some(src)) = (bytes.get_mut(2..2 + count), data.get(..count)) {
        dst.copy_from_slice(src);
    }
    sysex7_from_be_bytes(bytes)
}

/// A SysEx7 packet as its 8 bytes on a byte transport (each word big-endian).
pub const fn sysex7_to_be_bytes(packet: [u32; 2]) -> [u8; 8] {
    let [a, b, c, d] = packet[0].to_be_bytes();
    let [e, f, g, h] = packet[1].to_be_bytes();
    [a, b, c, d, e, f, g, h]
}

/// A SysEx7 packet from its 8 bytes on a byte transport.
pub const fn sysex7_from_be_bytes(bytes: [u8; 8]) -> [u32; 2] {
    let [a, b, c, d, e, f, g, h] = bytes;
    [
        u32::from_be_bytes([a, b, c, d]),
        u32::from_be_bytes([e, f, g, h]),
    ]
}

/// Writes `words` big-endian into the front of `out`, returning the number of bytes.
///
/// # Errors
/// [`UmpError::BufferTooSmall`] with the bytes needed; `out` is left untouched.
pub fn write_be_bytes(words: &[u32], out: &mut [u8]) -> Result<usize, UmpError> {
    let needed = words.len().saturating_mul(4);
    let Some(out) = out.get_mut(..needed) else {
        return Err(UmpError::BufferTooSmall { needed });
    };
    for (chunk, word) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    Ok(needed)
}

/// Reads big-endian words from the front of `bytes` into `out`, as many as both hold, and
/// returns how many; bytes past the last whole word read are the caller's to keep.
pub fn read_be_words(bytes: &[u8], out: &mut [u32]) -> usize {
    let mut count = 0;
    for (word, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        if let Ok(chunk) = <[u8; 4]>::try_from(chunk) {
            *word = u32::from_be_bytes(chunk);
            count += 1;
        }
    }
    count
}

/// Number of SysEx7 packets for a SysEx body of `len` bytes (F0/F7 not counted): one
/// packet per 6 bytes, and one for an empty SysEx.
pub const fn sysex7_packet_count(len: usize) -> usize {
    if len == 0 {
        1
    } else {
        len.div_ceil(SYSEX7_MAX_BYTES)
    }
}

/// Packetises one whole SysEx, given as `F0 … F7` or as its body alone, into SysEx7 packets
/// on `group` (masked to 4 bits), returning how many were written.
///
/// # Errors
/// [`ByteStreamError::SysExAborted`] if the body holds a status byte,
/// [`ByteStreamError::UnterminatedSysEx`] for `F0` without `F7`,
/// [`ByteStreamError::StrayEndOfExclusive`] for `F7` without `F0`,
/// [`ByteStreamError::BufferTooSmall`] with the packets needed. Nothing is written then.
pub fn encode_sysex7(
    group: u8,
    sysex: &[u8],
    out: &mut [[u32; 2]],
) -> Result<usize, ByteStreamError> {
    let body = match (sysex.first(), sysex.last()) {
        (Some(&SYSEX_START), Some(&SYSEX_END)) if sysex.len() >= 2 => {
            sysex.get(1..sysex.len() - 1).unwrap_or_default()
        }
        (Some(&SYSEX_START), _) => return Err(ByteStreamError::UnterminatedSysEx),
        (_, Some(&SYSEX_END)) => return Err(ByteStreamError::StrayEndOfExclusive),
        _ => sysex,
    };
    if let Some(&by) = body.iter().find(|&&b| b >= 0x80) {
        return Err(ByteStreamError::SysExAborted { by });
    }
    let needed = sysex7_packet_count(body.len());
    let Some(out) = out.get_mut(..needed) else {
        return Err(ByteStreamError::BufferTooSmall { needed });
    };
    if needed == 1 {
        out[0] = sysex7_packet(group, SYSEX7_COMPLETE, body);
        return Ok(1);
    }
    for (index, (slot, chunk)) in out
        .iter_mut()
        .zip(body.chunks(SYSEX7_MAX_BYTES))
        .enumerate()
    {
        let status = match index {
            0 => SYSEX7_START,
            _ if index + 1 == needed => SYSEX7_END,
            _ => SYSEX7_CONTINUE,
        };
        *slot = sysex7_packet(group, status, chunk);
    }
    Ok(needed)
}

/// Streaming converter from a MIDI 1.0 byte stream to UMP on one group: SysEx to SysEx7,
/// System messages to message type 1, channel messages to message type 2. See the
/// [module documentation](self) for the rules.
#[derive(Clone, Debug)]
pub struct UmpEncoder {
    group: u8,
    tokens: Tokenizer,
    /// SysEx bytes not yet sent, and whether a Start packet went out for this SysEx.
    sysex: [u8; SYSEX7_MAX_BYTES],
    sysex_len: u8,
    started: bool,
    stashed: Option<ByteStreamError>,
}

impl UmpEncoder {
    /// An encoder for `group` (0–15); `None` if `group` is larger.
    pub const fn new(group: u8) -> Option<Self> {
        if group > 0x0F {
            return None;
        }
        Some(Self {
            group,
            tokens: Tokenizer::new(),
            sysex: [0; SYSEX7_MAX_BYTES],
            sysex_len: 0,
            started: false,
            stashed: None,
        })
    }

    /// The group every packet carries.
    pub const fn group(&self) -> u8 {
        self.group
    }

    fn word(&self, mt: u8, bytes: [u8; 3]) -> u32 {
        u32::from_be_bytes([(mt << 4) | self.group, bytes[0], bytes[1], bytes[2]])
    }

    fn sysex_packet(&mut self, last: bool) -> [u32; 2] {
        let status = match (self.started, last) {
            (false, true) => SYSEX7_COMPLETE,
            (false, false) => SYSEX7_START,
            (true, false) => SYSEX7_CONTINUE,
            (true, true) => SYSEX7_END,
        };
        self.started = !last;
        let len = usize::from(self.sysex_len).min(SYSEX7_MAX_BYTES);
        self.sysex_len = 0;
        sysex7_packet(
            self.group,
            status,
            self.sysex.get(..len).unwrap_or_default(),
        )
    }

    /// Handles one token that is not an error; returns the packet it completes.
    fn item(&mut self, token: Token) -> Option<Ump> {
        match token {
            Token::Channel(message) => Some(Ump::One(
                self.word(MT_MIDI1_CHANNEL_VOICE, message.padded()),
            )),
            Token::Common(message) => Some(Ump::One(self.word(MT_SYSTEM, message.padded()))),
            Token::RealTime(byte) => Some(Ump::One(self.word(MT_SYSTEM, [byte, 0, 0]))),
            Token::SysExStart => {
                self.sysex_len = 0;
                self.started = false;
                None
            }
            Token::SysExData(byte) => {
                let full = usize::from(self.sysex_len) >= SYSEX7_MAX_BYTES;
                let packet = full.then(|| Ump::Two(self.sysex_packet(false)));
                if let Some(slot) = self.sysex.get_mut(usize::from(self.sysex_len)) {
                    *slot = byte;
                }
                self.sysex_len += 1;
                packet
            }
            Token::SysExEnd => Some(Ump::Two(self.sysex_packet(true))),
            // Errors are handled by `encode`.
            Token::StrayData(_)
            | Token::StrayEnd
            | Token::Undefined(_)
            | Token::Truncated(_)
            | Token::Aborted(_) => None,
        }
    }

    /// Consumes bytes from the front of `input` and writes packets into `out` (1 word for
    /// message types 1 and 2, 2 for SysEx7), returning the number of words written. It stops
    /// when `input` is used up, when fewer than 2 words of `out` are left, or at an error.
    ///
    /// # Errors
    /// A [`ByteStreamError`] for bad input; the bad bytes are dropped and the next call
    /// carries on. An error found after packets were written is returned by the next call:
    /// call `encode` until it returns `Ok(0)`.
    pub fn encode(&mut self, input: &mut &[u8], out: &mut [u32]) -> Result<usize, ByteStreamError> {
        if let Some(error) = self.stashed.take() {
            return Err(error);
        }
        let mut written = 0;
        loop {
            // Room for the largest packet one byte can complete.
            let Some(room) = out.get_mut(written..written + 2) else {
                return Ok(written);
            };
            // Fast path: with nothing pending, 7 data bytes ahead mean the first 6 make a
            // packet that is not the last one of its SysEx.
            if self.tokens.mode() == Mode::SysEx && self.sysex_len == 0 {
                if let Some(ahead) = input.first_chunk::<7>() {
                    if ahead.iter().all(|&b| b < 0x80) {
                        let status = if self.started {
                            SYSEX7_CONTINUE
                        } else {
                            SYSEX7_START
                        };
                        self.started = true;
                        room.copy_from_slice(&sysex7_packet(
                            self.group,
                            status,
                            input.get(..SYSEX7_MAX_BYTES).unwrap_or_default(),
                        ));
                        written += 2;
                        *input = input.get(SYSEX7_MAX_BYTES..).unwrap_or_default();
                        continue;
                    }
                }
            }
            let Some(token) = self.tokens.next(input) else {
                return Ok(written);
            };
            let Some(error) = ByteStreamError::of(&token) else {
                match self.item(token) {
                    Some(Ump::One(word)) => {
                        room[0] = word;
                        written += 1;
                    }
                    Some(Ump::Two(words)) => {
                        room.copy_from_slice(&words);
                        written += 2;
                    }
                    None => {}
                }
                continue;
            };
            // The unsent bytes of an aborted SysEx are dropped (see the module docs).
            self.sysex_len = 0;
            self.started = false;
            if written == 0 {
                return Err(error);
            }
            self.stashed = Some(error);
            return Ok(written);
        }
    }

    /// Consumes bytes from the front of `input` until a packet is complete (returned), an
    /// error is found, or `input` is used up (`None`). Call it in a loop until `None`.
    #[must_use = "a returned packet or error is consumed from the input and not reported again"]
    pub fn feed(&mut self, input: &mut &[u8]) -> Option<Result<Ump, ByteStreamError>> {
        let mut out = [0u32; 2];
        match self.encode(input, &mut out) {
            Ok(0) => None,
            Ok(1) => Some(Ok(Ump::One(out[0]))),
            Ok(_) => Some(Ok(Ump::Two(out))),
            Err(error) => Some(Err(error)),
        }
    }

    /// Ends the stream: reports a message or SysEx left unfinished (held SysEx bytes are
    /// dropped and no End packet is invented) and resets the encoder for a new stream.
    /// Produces no packet.
    ///
    /// # Errors
    /// [`ByteStreamError::IncompleteMessage`] or [`ByteStreamError::UnterminatedSysEx`].
    pub fn finish(&mut self) -> Result<(), ByteStreamError> {
        self.sysex_len = 0;
        self.started = false;
        let stashed = self.stashed.take();
        let unfinished = ByteStreamError::unfinished(self.tokens.finish());
        match stashed {
            Some(error) => Err(error),
            None => unfinished,
        }
    }
}

/// Why a UMP was skipped by [`UmpDecoder`], or a UMP helper failed.
///
/// [`code`](Self::code) values are stable (C and WASM export them), in the block 341–359 of
/// the crate-wide code space (`docs/errors.md`), and never reused; [`class`](Self::class)
/// is the language-neutral name of the vector corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UmpError {
    /// A message type with no MIDI 1.0 byte-stream form (MIDI 2.0 channel voice, SysEx8,
    /// Flex Data, UMP Stream, reserved types); the whole packet is skipped.
    UnsupportedMessageType {
        /// The message type.
        mt: u8,
    },
    /// A message type 1 or 2 packet whose status byte does not belong to it (for example
    /// `F0`, `F4`, `F7` or a channel status in type 1).
    BadStatus {
        /// The packet's first word.
        word: u32,
    },
    /// A SysEx7 status nibble of 4–15.
    ReservedSysExStatus {
        /// The packet's first word.
        word: u32,
    },
    /// A SysEx7 byte count above 6.
    BadByteCount {
        /// The packet's first word.
        word: u32,
    },
    /// A data byte (within the message's length or the SysEx7 byte count) with its top bit
    /// set.
    NonSevenBitData {
        /// The packet's first word.
        word: u32,
    },
    /// A SysEx7 Continue or End packet in a group with no SysEx open.
    SysExNotStarted {
        /// The group.
        group: u8,
    },
    /// A SysEx7 Start or Complete packet, a System Common or channel message, in a group
    /// with a SysEx open: the open SysEx ends unterminated. Reported before the packet,
    /// which is then decoded normally.
    SysExInterrupted {
        /// The group.
        group: u8,
    },
    /// [`UmpDecoder::finish`]: the stream ended with SysEx open in these groups (bit n for
    /// group n).
    UnterminatedSysEx {
        /// One bit per group.
        groups: u16,
    },
    /// [`UmpDecoder::finish`]: the stream ended inside a multi-word packet.
    TruncatedPacket {
        /// Words of it received.
        received: u8,
    },
    /// The output buffer is too small; `needed` units are required.
    BufferTooSmall {
        /// Units required.
        needed: usize,
    },
}

impl UmpError {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::UnsupportedMessageType { .. } => "unsupported-message-type",
            Self::BadStatus { .. } => "bad-status",
            Self::ReservedSysExStatus { .. } => "reserved-sysex-status",
            Self::BadByteCount { .. } => "bad-byte-count",
            Self::NonSevenBitData { .. } => "not-seven-bit",
            Self::SysExNotStarted { .. } => "sysex-not-started",
            Self::SysExInterrupted { .. } => "sysex-interrupted",
            Self::UnterminatedSysEx { .. } => "unterminated-sysex",
            Self::TruncatedPacket { .. } => "truncated-packet",
            Self::BufferTooSmall { .. } => "buffer-too-small",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(&self) -> u16 {
        match self {
            Self::UnsupportedMessageType { .. } => 341,
            Self::BadStatus { .. } => 342,
            Self::ReservedSysExStatus { .. } => 343,
            Self::BadByteCount { .. } => 344,
            Self::NonSevenBitData { .. } => 345,
            Self::SysExNotStarted { .. } => 346,
            Self::SysExInterrupted { .. } => 347,
            Self::UnterminatedSysEx { .. } => 348,
            Self::TruncatedPacket { .. } => 349,
            Self::BufferTooSmall { .. } => 350,
        }
    }
}

impl fmt::Display for UmpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedMessageType { mt } => {
                write!(f, "message type {mt:#x} has no MIDI 1.0 form")
            }
            Self::BadStatus { word } => write!(f, "bad status byte in {word:#010x}"),
            Self::ReservedSysExStatus { word } => {
                write!(f, "reserved SysEx7 status in {word:#010x}")
            }
            Self::BadByteCount { word } => write!(f, "SysEx7 byte count above 6 in {word:#010x}"),
            Self::NonSevenBitData { word } => {
                write!(f, "data byte with the top bit set in packet {word:#010x}")
            }
            Self::SysExNotStarted { group } => {
                write!(f, "SysEx7 continuation with no SysEx open in group {group}")
            }
            Self::SysExInterrupted { group } => {
                write!(f, "open SysEx in group {group} interrupted")
            }
            Self::UnterminatedSysEx { groups } => {
                write!(f, "stream ended with SysEx open in groups {groups:#06x}")
            }
            Self::TruncatedPacket { received } => {
                write!(f, "stream ended after {received} word(s) of a packet")
            }
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} needed")
            }
        }?;
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for UmpError {}

/// A run of decoded bytes, all from one group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UmpBytes {
    /// The group the bytes came from.
    pub group: u8,
    /// Bytes written to the output.
    pub len: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SysExEffect {
    Interrupts,
    Neutral,
    Starts { ends: bool },
    Continues { ends: bool },
}

struct Decoded {
    bytes: [u8; MAX_BYTES_PER_PACKET],
    len: usize,
    sysex: SysExEffect,
}

/// Checks a complete packet; `Ok(None)` for one with nothing to decode (utility messages).
fn meaning(words: &[u32]) -> Result<Option<Decoded>, UmpError> {
    let first = words.first().copied().unwrap_or_default();
    let [head, status, d1, d2] = first.to_be_bytes();
    let mt = head >> 4;
    let mut bytes = [0u8; MAX_BYTES_PER_PACKET];
    let seven_bit = |data: &[u8]| {
        if data.iter().all(|&b| b < 0x80) {
            Ok(())
        } else {
            Err(UmpError::NonSevenBitData { word: first })
        }
    };
    let (len, sysex) = match mt {
        MT_UTILITY => return Ok(None),
        MT_SYSTEM => {
            let (len, sysex) = match classify(status) {
                ByteKind::RealTime => (1, SysExEffect::Neutral),
                ByteKind::SystemCommon { data_len } => {
                    (1 + usize::from(data_len), SysExEffect::Interrupts)
                }
                _ => return Err(UmpError::BadStatus { word: first }),
            };
            bytes[..3].copy_from_slice(&[status, d1, d2]);
            seven_bit(bytes.get(1..len).unwrap_or_default())?;
            (len, sysex)
        }
        MT_MIDI1_CHANNEL_VOICE => {
            let ByteKind::Channel { data_len } = classify(status) else {
                return Err(UmpError::BadStatus { word: first });
            };
            let len = 1 + usize::from(data_len);
            bytes[..3].copy_from_slice(&[status, d1, d2]);
            seven_bit(bytes.get(1..len).unwrap_or_default())?;
            (len, SysExEffect::Interrupts)
        }
        MT_SYSEX7 => {
            let second = words.get(1).copied().unwrap_or_default();
            let count = usize::from(status & 0x0F);
            if count > SYSEX7_MAX_BYTES {
                return Err(UmpError::BadByteCount { word: first });
            }
            let [d3, d4, d5, d6] = second.to_be_bytes();
            let data = [d1, d2, d3, d4, d5, d6];
            let data = data.get(..count).unwrap_or_default();
            seven_bit(data)?;
            let (opens, ends) = match status >> 4 {
                SYSEX7_COMPLETE => (true, true),
                SYSEX7_START => (true, false),
                SYSEX7_CONTINUE => (false, false),
                SYSEX7_END => (false, true),
                _ => return Err(UmpError::ReservedSysExStatus { word: first }),
            };
            let mut len = 0;
            let mut put = |byte: u8| {
                if let Some(slot) = bytes.get_mut(len) {
                    *slot = byte;
                    len += 1;
                }
            };
            if opens {
                put(SYSEX_START);
            }
            data.iter().for_each(|&b| put(b));
            if ends {
                put(SYSEX_END);
            }
            let sysex = if opens {
                SysExEffect::Starts { ends }
            } else {
                SysExEffect::Continues { ends }
            };
            (len, sysex)
        }
        mt => return Err(UmpError::UnsupportedMessageType { mt }),
    };
    Ok(Some(Decoded { bytes, len, sysex }))
}

/// Streaming converter from UMP words (any groups) to MIDI 1.0 bytes. See the
/// [module documentation](self) for the rules. Its state is one bit per group and the
/// words of a packet split across calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct UmpDecoder {
    open: u16,
    held: [u32; 4],
    held_len: u8,
}

impl UmpDecoder {
    /// A decoder with no SysEx open.
    pub const fn new() -> Self {
        Self {
            open: 0,
            held: [0; 4],
            held_len: 0,
        }
    }

    /// Groups with a SysEx open (bit n for group n).
    pub const fn open_sysex(&self) -> u16 {
        self.open
    }

    /// Decodes words from the front of `input` into `out` while the packets come from the
    /// same group as the first one, returning that group and the number of bytes written.
    /// It stops at a group change, when fewer than [`MAX_BYTES_PER_PACKET`] bytes of `out`
    /// are left, when `input` is used up (a packet cut short is kept for the next call), or
    /// at an error. `len == 0` with `input` empty means done.
    ///
    /// # Errors
    /// A [`UmpError`]: the packet is skipped, except for [`UmpError::SysExInterrupted`],
    /// which is reported before its (valid) packet is decoded by the next call. An error is
    /// only returned when no bytes were written in the same call.
    pub fn decode(&mut self, input: &mut &[u32], out: &mut [u8]) -> Result<UmpBytes, UmpError> {
        let mut run = UmpBytes { group: 0, len: 0 };
        loop {
            let Some(slot) = out.get_mut(run.len..run.len + MAX_BYTES_PER_PACKET) else {
                return Ok(run);
            };
            // Gather one whole packet into `held`.
            let size = match self.held_len {
                0 => match input.split_first() {
                    Some((&word, rest)) => {
                        self.held[0] = word;
                        self.held_len = 1;
                        *input = rest;
                        packet_words((word >> 28) as u8)
                    }
                    None => return Ok(run),
                },
                _ => packet_words((self.held[0] >> 28) as u8),
            };
            while usize::from(self.held_len) < size {
                let Some((&word, rest)) = input.split_first() else {
                    return Ok(run);
                };
                if let Some(held) = self.held.get_mut(usize::from(self.held_len)) {
                    *held = word;
                }
                self.held_len += 1;
                *input = rest;
            }
            let words = self.held.get(..size).unwrap_or_default();
            let group = ((self.held[0] >> 24) & 0x0F) as u8;
            let decoded = match meaning(words) {
                Ok(None) => {
                    self.held_len = 0;
                    continue;
                }
                Ok(Some(decoded)) => decoded,
                Err(_) if run.len > 0 => return Ok(run),
                Err(error) => {
                    self.held_len = 0;
                    return Err(error);
                }
            };
            if run.len > 0 && group != run.group {
                return Ok(run);
            }
            let bit = 1u16 << group;
            let open = self.open & bit != 0;
            let error = match decoded.sysex {
                SysExEffect::Interrupts | SysExEffect::Starts { .. } if open => {
                    Some(UmpError::SysExInterrupted { group })
                }
                SysExEffect::Continues { .. } if !open => Some(UmpError::SysExNotStarted { group }),
                _ => None,
            };
            if let Some(error) = error {
                if run.len > 0 {
                    return Ok(run);
                }
                if matches!(error, UmpError::SysExInterrupted { .. }) {
                    // Reported now; the held packet itself is decoded by the next call.
                    self.open &= !bit;
                } else {
                    self.held_len = 0;
                }
                return Err(error);
            }
            match decoded.sysex {
                SysExEffect::Starts { ends: false } => self.open |= bit,
                SysExEffect::Starts { ends: true } | SysExEffect::Continues { ends: true } => {
                    self.open &= !bit;
                }
                _ => {}
            }
            let len = decoded.len.min(MAX_BYTES_PER_PACKET);
            slot[..len].copy_from_slice(&decoded.bytes[..len]);
            run.group = group;
            run.len += len;
            self.held_len = 0;
        }
    }

    /// Ends the stream: reports a packet cut short, or groups with a SysEx still open, then
    /// starts afresh.
    ///
    /// # Errors
    /// [`UmpError::TruncatedPacket`] or [`UmpError::UnterminatedSysEx`].
    pub fn finish(&mut self) -> Result<(), UmpError> {
        let old = core::mem::take(self);
        if old.held_len > 0 {
            Err(UmpError::TruncatedPacket {
                received: old.held_len,
            })
        } else if old.open != 0 {
            Err(UmpError::UnterminatedSysEx { groups: old.open })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn encode_all(group: u8, stream: &[u8]) -> (Vec<u32>, Vec<ByteStreamError>) {
        let mut encoder = UmpEncoder::new(group).unwrap();
        let mut input = stream;
        let (mut words, mut errors) = (Vec::new(), Vec::new());
        while let Some(event) = encoder.feed(&mut input) {
            match event {
                Ok(packet) => words.extend_from_slice(packet.words()),
                Err(error) => errors.push(error),
            }
        }
        if let Err(error) = encoder.finish() {
            errors.push(error);
        }
        (words, errors)
    }

    fn decode_all(words: &[u32]) -> (Vec<(u8, u8)>, Vec<UmpError>) {
        let mut decoder = UmpDecoder::new();
        let mut input = words;
        let (mut bytes, mut errors) = (Vec::new(), Vec::new());
        let mut out = [0u8; 9];
        loop {
            match decoder.decode(&mut input, &mut out) {
                Ok(run) if run.len == 0 && input.is_empty() => break,
                Ok(run) => bytes.extend(out[..run.len].iter().map(|&b| (run.group, b))),
                Err(error) => errors.push(error),
            }
        }
        if let Err(error) = decoder.finish() {
            errors.push(error);
        }
        (bytes, errors)
    }

    #[test]
    fn a_lone_status_byte_is_an_incomplete_message_left_over_running_status_is_not() {
        // The same rule as `StreamParser` and `UsbEncoder` (one tokenizer serves all three).
        assert_eq!(
            encode_all(3, &[0x90, 0x80, 0x3C, 0x00]),
            (
                vec![0x2380_3C00],
                vec![ByteStreamError::IncompleteMessage { status: 0x90 }]
            )
        );
        assert_eq!(
            encode_all(3, &[0xC5, 0xF8, 0xF0, 0x01, 0xF7, 0xF3]),
            (
                vec![0x13F8_0000, 0x3301_0100, 0],
                vec![
                    ByteStreamError::IncompleteMessage { status: 0xC5 },
                    ByteStreamError::IncompleteMessage { status: 0xF3 },
                ]
            )
        );
        assert_eq!(
            encode_all(3, &[0x90, 0x3C, 0x40, 0x80, 0x3C, 0x00, 0xF6]),
            (vec![0x2390_3C40, 0x2380_3C00, 0x13F6_0000], vec![])
        );
    }

    #[test]
    fn sysex7_packets_by_length() {
        // Hand-worked from the UMP 1.1 SysEx7 layout: 3g sn b0 b1 / b2 b3 b4 b5.
        let mut out = [[0u32; 2]; 4];
        assert_eq!(encode_sysex7(0, &[0xF0, 0xF7], &mut out), Ok(1));
        assert_eq!(out[0], [0x3000_0000, 0]);
        assert_eq!(encode_sysex7(0xA, &[1, 2, 3, 4, 5, 6], &mut out), Ok(1));
        assert_eq!(out[0], [0x3A06_0102, 0x0304_0506]);
        assert_eq!(
            encode_sysex7(1, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], &mut out),
            Ok(3)
        );
        assert_eq!(
            out[..3],
            [
                [0x3116_0102, 0x0304_0506],
                [0x3126_0708, 0x090A_0B0C],
                [0x3131_0D00, 0x0000_0000]
            ]
        );
        assert_eq!(sysex7_packet_count(12), 2);
    }

    #[test]
    fn encode_sysex7_refuses_what_is_not_one_sysex() {
        let mut out = [[0u32; 2]; 1];
        assert_eq!(
            encode_sysex7(0, &[0xF0, 1, 2], &mut out),
            Err(ByteStreamError::UnterminatedSysEx)
        );
        assert_eq!(
            encode_sysex7(0, &[1, 2, 0xF7], &mut out),
            Err(ByteStreamError::StrayEndOfExclusive)
        );
        assert_eq!(
            encode_sysex7(0, &[0xF0, 1, 0x90, 0xF7], &mut out),
            Err(ByteStreamError::SysExAborted { by: 0x90 })
        );
        assert_eq!(
            encode_sysex7(0, &[0; 7], &mut out),
            Err(ByteStreamError::BufferTooSmall { needed: 2 })
        );
        assert_eq!(out, [[0, 0]]);
    }

    #[test]
    fn system_and_channel_messages_become_mt1_and_mt2() {
        let stream = [
            0xF1, 0x21, 0xF2, 0x01, 0x02, 0xF3, 0x05, 0xF6, 0xFF, 0xC3, 0x07, 0x07, 0xE0, 0x00,
            0x40,
        ];
        let (words, errors) = encode_all(2, &stream);
        assert_eq!(errors, []);
        assert_eq!(
            words,
            [
                0x12F1_2100,
                0x12F2_0102,
                0x12F3_0500,
                0x12F6_0000,
                0x12FF_0000,
                0x22C3_0700,
                0x22C3_0700,
                0x22E0_0040
            ]
        );
        let (bytes, errors) = decode_all(&words);
        assert_eq!(errors, []);
        let mut expected = stream.to_vec();
        expected.insert(11, 0xC3); // running status expanded
        assert_eq!(bytes.iter().map(|&(_, b)| b).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn sysex_split_at_every_length_round_trips() {
        for len in 0..20u8 {
            let mut stream = vec![0xF0];
            stream.extend(0..len);
            stream.push(0xF7);
            let (words, errors) = encode_all(0, &stream);
            assert_eq!(errors, []);
            let mut one_shot = vec![[0u32; 2]; 8];
            let n = encode_sysex7(0, &stream, &mut one_shot).unwrap();
            assert_eq!(words, one_shot[..n].concat(), "length {len}");
            let (bytes, errors) = decode_all(&words);
            assert_eq!(errors, []);
            assert_eq!(bytes.iter().map(|&(_, b)| b).collect::<Vec<_>>(), stream);
        }
    }

    #[test]
    fn aborted_sysex_is_never_completed() {
        let stream = [0xF0, 1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x40, 0x7F];
        let (words, errors) = encode_all(0, &stream);
        assert_eq!(errors, [ByteStreamError::SysExAborted { by: 0x90 }]);
        assert_eq!(words, [0x3016_0102, 0x0304_0506, 0x2090_407F]);
        assert_eq!(
            decode_all(&words).1,
            [UmpError::SysExInterrupted { group: 0 }]
        );
    }

    #[test]
    fn decoder_validates_sysex7() {
        let cases: [(&[u32], UmpError); 7] = [
            (
                &[0x3027_0102, 0],
                UmpError::BadByteCount { word: 0x3027_0102 },
            ),
            (
                &[0x3042_0102, 0],
                UmpError::ReservedSysExStatus { word: 0x3042_0102 },
            ),
            (
                &[0x3003_0180, 0x0300_0000],
                UmpError::NonSevenBitData { word: 0x3003_0180 },
            ),
            (
                &[0x3004_0102, 0x8000_0000],
                UmpError::NonSevenBitData { word: 0x3004_0102 },
            ),
            (&[0x3526_0102, 0], UmpError::SysExNotStarted { group: 5 }),
            (&[0x3531_0100, 0], UmpError::SysExNotStarted { group: 5 }),
            (
                &[0x4090_4000, 0xFFFF_0000],
                UmpError::UnsupportedMessageType { mt: 4 },
            ),
        ];
        for (words, expected) in cases {
            let (bytes, errors) = decode_all(words);
            assert_eq!((bytes, errors), (vec![], vec![expected]), "{words:08x?}");
        }
        // Byte 3 of a 2-byte SysEx7 packet is unused: ignored even if not zero.
        assert_eq!(decode_all(&[0x3002_0102, 0xFF00_0000]).1, []);
        // Start while open: reported, then the new SysEx is decoded.
        let (bytes, errors) = decode_all(&[0x3011_0100, 0, 0x3001_0200, 0]);
        assert_eq!(errors, [UmpError::SysExInterrupted { group: 0 }]);
        assert_eq!(
            bytes.iter().map(|&(_, b)| b).collect::<Vec<_>>(),
            [0xF0, 1, 0xF0, 2, 0xF7]
        );
    }

    #[test]
    fn decoder_validates_mt1_and_mt2() {
        let bad = [
            0x10F0_0000,
            0x10F4_0000,
            0x10F7_0000,
            0x1090_4040,
            0x20F8_0000,
        ];
        for word in bad {
            assert_eq!(decode_all(&[word]).1, [UmpError::BadStatus { word }]);
        }
        assert_eq!(
            decode_all(&[0x2090_8040]).1,
            [UmpError::NonSevenBitData { word: 0x2090_8040 }]
        );
        // Unused byte of a program change ignored.
        assert_eq!(decode_all(&[0x20C0_05FF]).0, [(0, 0xC0), (0, 0x05)]);
    }

    #[test]
    fn realtime_passes_inside_sysex_and_other_groups_do_not_interrupt() {
        let words = [
            0x3011_0100,
            0,
            0x10F8_0000, // clock in the same group: fine
            0x2390_407F, // other group: fine
            0x0000_0000, // NOOP
            0x3031_0200,
            0,
        ];
        let (bytes, errors) = decode_all(&words);
        assert_eq!(errors, []);
        assert_eq!(
            bytes,
            [
                (0, 0xF0),
                (0, 1),
                (0, 0xF8),
                (3, 0x90),
                (3, 0x40),
                (3, 0x7F),
                (0, 2),
                (0, 0xF7)
            ]
        );
    }

    #[test]
    fn packets_split_across_calls_are_held() {
        let mut decoder = UmpDecoder::new();
        let mut out = [0u8; 16];
        let mut input: &[u32] = &[0x3001_0500];
        assert_eq!(
            decoder.decode(&mut input, &mut out),
            Ok(UmpBytes { group: 0, len: 0 })
        );
        assert_eq!(
            decoder.finish(),
            Err(UmpError::TruncatedPacket { received: 1 })
        );
        let mut input: &[u32] = &[0x3001_0500];
        let _ = decoder.decode(&mut input, &mut out);
        let mut input: &[u32] = &[0];
        assert_eq!(
            decoder.decode(&mut input, &mut out),
            Ok(UmpBytes { group: 0, len: 3 })
        );
        assert_eq!(out[..3], [0xF0, 0x05, 0xF7]);
        assert_eq!(decoder.finish(), Ok(()));
    }

    #[test]
    fn byte_order_helpers() {
        let packet = [0x3516_7D01, 0x0203_0405];
        let bytes = sysex7_to_be_bytes(packet);
        assert_eq!(bytes, [0x35, 0x16, 0x7D, 0x01, 0x02, 0x03, 0x04, 0x05]);
        assert_eq!(sysex7_from_be_bytes(bytes), packet);
        let mut out = [0u8; 8];
        assert_eq!(write_be_bytes(&packet, &mut out), Ok(8));
        assert_eq!(out, bytes);
        assert_eq!(
            write_be_bytes(&packet, &mut out[..7]),
            Err(UmpError::BufferTooSmall { needed: 8 })
        );
        let mut words = [0u32; 4];
        assert_eq!(read_be_words(&[0x10, 0xF8, 0, 0, 0xAA], &mut words), 1);
        assert_eq!(words[0], 0x10F8_0000);
        assert_eq!(packet_words(0x5), 4);
        assert_eq!(packet_words(0xB), 3);
    }

    #[test]
    fn groups_above_15_are_refused() {
        assert!(UmpEncoder::new(16).is_none());
        assert_eq!(UmpEncoder::new(15).unwrap().group(), 15);
    }
}
