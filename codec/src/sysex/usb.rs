//! USB-MIDI 1.0 event packets: a MIDI 1.0 byte stream to 4-byte packets and back, streaming
//! and allocation-free.
//!
//! ```
//! use mox_codec::sysex::usb::{UsbDecoder, UsbEncoder, UsbPacket};
//!
//! // Note on with running status, a clock tick inside a SysEx, cable 1.
//! let stream = [0x90, 0x40, 0x7F, 0x41, 0x7F, 0xF0, 0x7D, 0xF8, 0x01, 0x02, 0xF7];
//! let mut encoder = UsbEncoder::new(1).unwrap();
//! let mut packets = [[0u8; 4]; 8];
//! let mut input = &stream[..];
//! let n = encoder.encode(&mut input, &mut packets).unwrap();
//! assert_eq!(
//!     packets[..n],
//!     [
//!         [0x19, 0x90, 0x40, 0x7F], // CIN 9: note on
//!         [0x19, 0x90, 0x41, 0x7F], // running status expanded
//!         [0x1F, 0xF8, 0x00, 0x00], // CIN F: the clock goes out at once
//!         [0x14, 0xF0, 0x7D, 0x01], // CIN 4: SysEx starts
//!         [0x16, 0x02, 0xF7, 0x00], // CIN 6: SysEx ends with two bytes
//!     ]
//! );
//! assert_eq!(encoder.finish(), Ok(()));
//!
//! // And back: the byte stream, running status expanded, cable reported.
//! let mut decoder = UsbDecoder::new();
//! let mut input: &[UsbPacket] = &packets[..n];
//! let mut bytes = [0u8; 32];
//! let run = decoder.decode(&mut input, &mut bytes).unwrap();
//! assert_eq!(run.cable, 1);
//! assert_eq!(
//!     bytes[..run.len],
//!     [0x90, 0x40, 0x7F, 0x90, 0x41, 0x7F, 0xF8, 0xF0, 0x7D, 0x01, 0x02, 0xF7]
//! );
//! ```
//!
//! # The packet (USB Device Class Definition for MIDI Devices 1.0, §4, Table 4-1)
//! Byte 0 is the cable number (high nibble) and the Code Index Number (CIN, low nibble);
//! bytes 1–3 carry the MIDI bytes, as many as the CIN says:
//!
//! | CIN | bytes | meaning |
//! |-----|-------|---------|
//! | 0x0 | –     | miscellaneous, reserved |
//! | 0x1 | –     | cable events, reserved |
//! | 0x2 | 2     | two-byte System Common (`F1`, `F3`) |
//! | 0x3 | 3     | three-byte System Common (`F2`) |
//! | 0x4 | 3     | SysEx starts or continues |
//! | 0x5 | 1     | single-byte System Common (`F6`), or SysEx ends with one byte (`F7`) |
//! | 0x6 | 2     | SysEx ends with two bytes |
//! | 0x7 | 3     | SysEx ends with three bytes |
//! | 0x8–0xE | 3, 3, 3, 3, 2, 2, 3 | channel message; CIN = status high nibble |
//! | 0xF | 1     | single byte (System Real-Time, or a byte sent unparsed) |
//!
//! Bytes beyond the count are unused (senders write zeros); the decoder ignores them, as
//! Linux's `snd-usb-midi` does.
//!
//! # Encoder rules
//! Every packet carries its own status, so running status is expanded. Real-Time bytes go
//! out at once as CIN 0xF packets, even inside a SysEx or between a status and its data,
//! and change nothing else. What the MIDI 1.0 byte stream gets wrong is reported as a
//! [`ByteStreamError`] and never turned into something valid:
//! - a data byte with no running status: [`ByteStreamError::StrayDataByte`], dropped;
//! - `F7` outside a SysEx: [`ByteStreamError::StrayEndOfExclusive`], dropped;
//! - `F4`/`F5`: [`ByteStreamError::UndefinedStatus`]; it and its data bytes are dropped and
//!   running status is cancelled (MIDI 1.0 asks receivers to ignore them);
//! - a status byte before a channel or System Common message is complete, including a
//!   status byte that got no data byte at all (`90 80 3C 00`):
//!   [`ByteStreamError::IncompleteMessage`], the partial message is dropped. A running
//!   status left over from a complete message is not a message and ends nothing;
//! - a status byte other than Real-Time or `F7` inside a SysEx:
//!   [`ByteStreamError::SysExAborted`]. Packets already sent stay sent; the at most two bytes
//!   not yet sent are dropped. No end packet is invented, so the receiver sees a SysEx that
//!   never ends, exactly as the source sent it.
//!
//! These rules are those of [`StreamParser`](super::stream::StreamParser), from the same
//! implementation, so both report the same problems for the same bytes. The encoder keeps
//! at most 3 message bytes and 2 SysEx bytes of state.
//!
//! # Decoder rules
//! Each packet is checked against its CIN; a bad packet is reported as a [`UsbPacketError`]
//! and skipped, and decoding goes on with the next one. All-zero packets (cable 0, CIN 0,
//! which many hosts send as padding) are skipped silently. CIN 0xF bytes pass through
//! unparsed, as the specification allows.
use core::fmt;

use super::status::{classify, ByteKind, SYSEX_END, SYSEX_START};
use super::stream::tokenizer::{Mode, Token, Tokenizer, Unfinished};

/// One USB-MIDI 1.0 event packet, in wire order.
pub type UsbPacket = [u8; 4];

/// Most MIDI bytes one packet carries.
pub const MAX_BYTES_PER_PACKET: usize = 3;

/// Code Index Numbers (USB-MIDI 1.0 Table 4-1).
pub mod cin {
    /// Miscellaneous function codes, reserved.
    pub const MISC: u8 = 0x0;
    /// Cable events, reserved.
    pub const CABLE_EVENT: u8 = 0x1;
    /// Two-byte System Common message (`F1`, `F3`).
    pub const SYSTEM_COMMON_2: u8 = 0x2;
    /// Three-byte System Common message (`F2`).
    pub const SYSTEM_COMMON_3: u8 = 0x3;
    /// SysEx starts or continues (3 bytes).
    pub const SYSEX_START_OR_CONTINUE: u8 = 0x4;
    /// Single-byte System Common (`F6`) or SysEx ends with one byte.
    pub const SYSEX_END_1: u8 = 0x5;
    /// SysEx ends with two bytes.
    pub const SYSEX_END_2: u8 = 0x6;
    /// SysEx ends with three bytes.
    pub const SYSEX_END_3: u8 = 0x7;
    /// Single byte: System Real-Time, or a byte sent unparsed.
    pub const SINGLE_BYTE: u8 = 0xF;
}

/// What the MIDI 1.0 byte stream given to an encoder gets wrong (shared by the USB-MIDI and
/// UMP encoders). The offending bytes are dropped, never repaired.
///
/// [`code`](Self::code) values are stable (C and WASM export them), in the block 381–399 of
/// the crate-wide code space (`docs/errors.md`), and never reused; [`class`](Self::class)
/// is the language-neutral name of the vector corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ByteStreamError {
    /// A data byte with no status to belong to (no running status: at the start, after a
    /// System Common message, a SysEx, or an undefined status).
    StrayDataByte {
        /// The byte.
        byte: u8,
    },
    /// `F7` with no SysEx open.
    StrayEndOfExclusive,
    /// `F4` or `F5`, undefined in MIDI 1.0; it and its data bytes are dropped.
    UndefinedStatus {
        /// The status byte.
        byte: u8,
    },
    /// A channel or System Common message ended (by another status byte or the end of the
    /// stream) before all its data bytes came; it is dropped.
    IncompleteMessage {
        /// The message's status byte.
        status: u8,
    },
    /// A status byte (not Real-Time, not `F7`) came inside a SysEx and ended it; the SysEx
    /// stays unterminated on the wire.
    SysExAborted {
        /// The status byte that ended it.
        by: u8,
    },
    /// The stream ended inside a SysEx.
    UnterminatedSysEx,
    /// The output buffer cannot hold the result; `needed` units are required.
    BufferTooSmall {
        /// Units (packets or words) required.
        needed: usize,
    },
}

impl ByteStreamError {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::StrayDataByte { .. } => "stray-data",
            Self::StrayEndOfExclusive => "stray-end",
            Self::UndefinedStatus { .. } => "undefined-status",
            Self::IncompleteMessage { .. } => "truncated-message",
            Self::SysExAborted { .. } => "sysex-aborted",
            Self::UnterminatedSysEx => "unterminated-sysex",
            Self::BufferTooSmall { .. } => "buffer-too-small",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(&self) -> u16 {
        match self {
            Self::StrayDataByte { .. } => 381,
            Self::StrayEndOfExclusive => 382,
            Self::UndefinedStatus { .. } => 383,
            Self::IncompleteMessage { .. } => 384,
            Self::SysExAborted { .. } => 385,
            Self::UnterminatedSysEx => 386,
            Self::BufferTooSmall { .. } => 387,
        }
    }
}

impl fmt::Display for ByteStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StrayDataByte { byte } => write!(f, "data byte {byte:#04x} with no status"),
            Self::StrayEndOfExclusive => f.write_str("F7 with no SysEx open"),
            Self::UndefinedStatus { byte } => write!(f, "undefined status byte {byte:#04x}"),
            Self::IncompleteMessage { status } => {
                write!(f, "message {status:#04x} ended before its data bytes")
            }
            Self::SysExAborted { by } => write!(f, "SysEx aborted by status byte {by:#04x}"),
            Self::UnterminatedSysEx => f.write_str("stream ended inside a SysEx"),
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} needed")
            }
        }?;
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for ByteStreamError {}

impl ByteStreamError {
    /// The error a token of the shared byte-stream grammar reports to an encoder, if it
    /// reports one. Both encoders use it, so they report the same input the same way.
    #[inline]
    pub(crate) const fn of(token: &Token) -> Option<Self> {
        match *token {
            Token::StrayData(byte) => Some(Self::StrayDataByte { byte }),
            Token::StrayEnd => Some(Self::StrayEndOfExclusive),
            Token::Undefined(byte) => Some(Self::UndefinedStatus { byte }),
            Token::Truncated(message) => Some(Self::IncompleteMessage {
                status: message.status(),
            }),
            Token::Aborted(by) => Some(Self::SysExAborted { by }),
            Token::Channel(_)
            | Token::Common(_)
            | Token::RealTime(_)
            | Token::SysExStart
            | Token::SysExData(_)
            | Token::SysExEnd => None,
        }
    }

    /// What an encoder's `finish` reports for what the stream left unfinished.
    pub(crate) const fn unfinished(unfinished: Option<Unfinished>) -> Result<(), Self> {
        match unfinished {
            None => Ok(()),
            Some(Unfinished::SysEx) => Err(Self::UnterminatedSysEx),
            Some(Unfinished::Message(message)) => Err(Self::IncompleteMessage {
                status: message.status(),
            }),
        }
    }
}

/// Streaming converter from a MIDI 1.0 byte stream to USB-MIDI 1.0 event packets on one
/// cable. See the [module documentation](self) for the rules.
///
/// Feed it chunks of any size with [`encode`](Self::encode) (packets into a slice) or
/// [`feed`](Self::feed) (one packet at a time); call [`finish`](Self::finish) when the
/// stream ends. Packets come out as soon as they are complete; nothing is held back that
/// could be sent, so there is no separate flush.
#[derive(Clone, Debug)]
pub struct UsbEncoder {
    header: u8,
    tokens: Tokenizer,
    /// SysEx bytes not yet sent (at most 2 between calls; `F0` included).
    sysex: [u8; 3],
    sysex_len: u8,
    /// An error found after packets were written in the same call, returned next.
    stashed: Option<ByteStreamError>,
}

impl UsbEncoder {
    /// An encoder for `cable` (0–15); `None` if `cable` is larger.
    pub const fn new(cable: u8) -> Option<Self> {
        if cable > 0x0F {
            return None;
        }
        Some(Self {
            header: cable << 4,
            tokens: Tokenizer::new(),
            sysex: [0; 3],
            sysex_len: 0,
            stashed: None,
        })
    }

    /// The cable number every packet carries.
    pub const fn cable(&self) -> u8 {
        self.header >> 4
    }

    fn packet(&self, cin: u8, bytes: [u8; 3]) -> UsbPacket {
        [self.header | cin, bytes[0], bytes[1], bytes[2]]
    }

    /// Handles one token that is not an error; returns the packet it completes.
    fn item(&mut self, token: Token) -> Option<UsbPacket> {
        match token {
            Token::Channel(message) | Token::Common(message) => {
                let bytes = message.padded();
                let cin = match (bytes[0] >> 4, message.as_bytes().len()) {
                    (0xF, 1) => cin::SYSEX_END_1,
                    (0xF, 2) => cin::SYSTEM_COMMON_2,
                    (0xF, _) => cin::SYSTEM_COMMON_3,
                    (nibble, _) => nibble,
                };
                Some(self.packet(cin, bytes))
            }
            Token::RealTime(byte) => Some(self.packet(cin::SINGLE_BYTE, [byte, 0, 0])),
            Token::SysExStart => {
                self.sysex = [SYSEX_START, 0, 0];
                self.sysex_len = 1;
                None
            }
            Token::SysExData(byte) => {
                if let Some(slot) = self.sysex.get_mut(usize::from(self.sysex_len)) {
                    *slot = byte;
                }
                self.sysex_len += 1;
                if self.sysex_len >= 3 {
                    self.sysex_len = 0;
                    Some(self.packet(cin::SYSEX_START_OR_CONTINUE, self.sysex))
                } else {
                    None
                }
            }
            Token::SysExEnd => {
                let mut bytes = [0; 3];
                let len = usize::from(self.sysex_len).min(2);
                bytes[..len].copy_from_slice(&self.sysex[..len]);
                bytes[len] = SYSEX_END;
                self.sysex_len = 0;
                Some(self.packet(cin::SYSEX_END_1 + len as u8, bytes))
            }
            // Errors are handled by `encode`.
            Token::StrayData(_)
            | Token::StrayEnd
            | Token::Undefined(_)
            | Token::Truncated(_)
            | Token::Aborted(_) => None,
        }
    }

    /// Consumes bytes from the front of `input` and writes packets into `out`, returning how
    /// many. It stops when `input` is used up or `out` is full (so `Ok(n)` with bytes left in
    /// `input` means: call again with more room), or at an error.
    ///
    /// # Errors
    /// A [`ByteStreamError`] for bad input (see the [module documentation](self)); the bad
    /// bytes are consumed and dropped and the next call carries on. An error found after
    /// packets were written is held back and returned by the next call, so no packet is
    /// lost: call `encode` until it returns `Ok(0)`.
    pub fn encode(
        &mut self,
        input: &mut &[u8],
        out: &mut [UsbPacket],
    ) -> Result<usize, ByteStreamError> {
        if let Some(error) = self.stashed.take() {
            return Err(error);
        }
        let mut written = 0;
        loop {
            if written >= out.len() {
                return Ok(written);
            }
            // Fast path: whole 3-byte SysEx packets straight from the input.
            if self.tokens.mode() == Mode::SysEx && self.sysex_len == 0 {
                while let (Some(&[a, b, c]), Some(slot)) =
                    (input.first_chunk::<3>(), out.get_mut(written))
                {
                    if (a | b | c) & 0x80 != 0 {
                        break;
                    }
                    *slot = [self.header | cin::SYSEX_START_OR_CONTINUE, a, b, c];
                    written += 1;
                    *input = input.get(3..).unwrap_or_default();
                }
                if written >= out.len() {
                    return Ok(written);
                }
            }
            let Some(token) = self.tokens.next(input) else {
                return Ok(written);
            };
            let Some(error) = ByteStreamError::of(&token) else {
                if let (Some(packet), Some(slot)) = (self.item(token), out.get_mut(written)) {
                    *slot = packet;
                    written += 1;
                }
                continue;
            };
            // Unsent SysEx bytes of an aborted SysEx are dropped (see the module docs).
            self.sysex_len = 0;
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
    pub fn feed(&mut self, input: &mut &[u8]) -> Option<Result<UsbPacket, ByteStreamError>> {
        let mut out = [[0u8; 4]; 1];
        match self.encode(input, &mut out) {
            Ok(0) => None,
            Ok(_) => Some(Ok(out[0])),
            Err(error) => Some(Err(error)),
        }
    }

    /// Ends the stream: reports a message or SysEx left unfinished (its unsent bytes are
    /// dropped; an open SysEx is not closed, since inventing an `F7` would make a truncated
    /// SysEx look complete) and resets the encoder, running status included, for a new
    /// stream on the same cable. Produces no packet.
    ///
    /// # Errors
    /// [`ByteStreamError::IncompleteMessage`] or [`ByteStreamError::UnterminatedSysEx`].
    pub fn finish(&mut self) -> Result<(), ByteStreamError> {
        self.sysex_len = 0;
        let stashed = self.stashed.take();
        let unfinished = ByteStreamError::unfinished(self.tokens.finish());
        match stashed {
            Some(error) => Err(error),
            None => unfinished,
        }
    }
}

/// Why a USB-MIDI packet was skipped by [`UsbDecoder`].
///
/// [`code`](Self::code) values are stable (C and WASM export them), in the block 361–379 of
/// the crate-wide code space (`docs/errors.md`), and never reused; [`class`](Self::class)
/// is the language-neutral name of the vector corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UsbPacketError {
    /// CIN 0x0 or 0x1 (reserved for future extensions) in a packet that is not all zeros.
    ReservedCin {
        /// The packet.
        packet: UsbPacket,
    },
    /// The MIDI bytes do not fit the CIN: a channel CIN whose status nibble differs, a
    /// System Common CIN with the wrong status, a status byte where a data byte belongs (or
    /// the reverse), a SysEx packet whose last byte is not `F7`.
    CinMismatch {
        /// The packet.
        packet: UsbPacket,
    },
    /// A SysEx continue or end packet on a cable with no SysEx open.
    SysExNotStarted {
        /// The packet.
        packet: UsbPacket,
    },
    /// A packet other than SysEx continuation or Real-Time arrived while a SysEx was open on
    /// its cable, which ends that SysEx unterminated. Reported before the packet, which is
    /// then decoded normally.
    SysExInterrupted {
        /// The interrupting packet.
        packet: UsbPacket,
    },
    /// [`UsbDecoder::finish`]: the stream ended with SysEx open on these cables (bit n set
    /// for cable n).
    UnterminatedSysEx {
        /// One bit per cable.
        cables: u16,
    },
}

impl UsbPacketError {
    /// The language-neutral error class of the vector corpus.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::ReservedCin { .. } => "reserved-cin",
            Self::CinMismatch { .. } => "cin-mismatch",
            Self::SysExNotStarted { .. } => "sysex-not-started",
            Self::SysExInterrupted { .. } => "sysex-interrupted",
            Self::UnterminatedSysEx { .. } => "unterminated-sysex",
        }
    }

    /// The stable numeric code (as exported to C and JavaScript).
    pub const fn code(&self) -> u16 {
        match self {
            Self::ReservedCin { .. } => 361,
            Self::CinMismatch { .. } => 362,
            Self::SysExNotStarted { .. } => 363,
            Self::SysExInterrupted { .. } => 364,
            Self::UnterminatedSysEx { .. } => 365,
        }
    }
}

impl fmt::Display for UsbPacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReservedCin { packet } => write!(f, "reserved CIN in packet {packet:02x?}"),
            Self::CinMismatch { packet } => {
                write!(f, "bytes do not match the CIN in packet {packet:02x?}")
            }
            Self::SysExNotStarted { packet } => {
                write!(f, "SysEx continuation with no SysEx open: {packet:02x?}")
            }
            Self::SysExInterrupted { packet } => {
                write!(f, "open SysEx interrupted by packet {packet:02x?}")
            }
            Self::UnterminatedSysEx { cables } => {
                write!(f, "stream ended with SysEx open on cables {cables:#06x}")
            }
        }?;
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for UsbPacketError {}

/// A run of decoded bytes, all from one cable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsbBytes {
    /// The cable the bytes came from.
    pub cable: u8,
    /// Bytes written to the output.
    pub len: usize,
}

/// What one packet means, once checked.
enum Meaning {
    /// Padding: nothing.
    Skip,
    /// These bytes; opens, closes or continues a SysEx on the cable, or none of these.
    Bytes {
        bytes: [u8; 3],
        len: usize,
        sysex: SysExEffect,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SysExEffect {
    /// Not SysEx, and not Real-Time: interrupts an open SysEx.
    Interrupts,
    /// Real-Time: allowed anywhere.
    Neutral,
    /// Starts (and perhaps ends) a SysEx: interrupts an open one.
    Starts { ends: bool },
    /// Continues (and perhaps ends) an open SysEx.
    Continues { ends: bool },
}

const fn is_data(byte: u8) -> bool {
    byte < 0x80
}

/// Checks `packet` against its CIN.
fn meaning(packet: UsbPacket) -> Result<Meaning, UsbPacketError> {
    let [head, b0, b1, b2] = packet;
    let mismatch = Err(UsbPacketError::CinMismatch { packet });
    let bytes = [b0, b1, b2];
    let plain = |len: usize, sysex| Ok(Meaning::Bytes { bytes, len, sysex });
    match head & 0x0F {
        _ if packet == [0; 4] => Ok(Meaning::Skip),
        cin::MISC | cin::CABLE_EVENT => Err(UsbPacketError::ReservedCin { packet }),
        cin::SYSTEM_COMMON_2 if (b0 == 0xF1 || b0 == 0xF3) && is_data(b1) => {
            plain(2, SysExEffect::Interrupts)
        }
        cin::SYSTEM_COMMON_3 if b0 == 0xF2 && is_data(b1) && is_data(b2) => {
            plain(3, SysExEffect::Interrupts)
        }
        cin::SYSEX_START_OR_CONTINUE if is_data(b1) && is_data(b2) => match b0 {
            SYSEX_START => plain(3, SysExEffect::Starts { ends: false }),
            _ if is_data(b0) => plain(3, SysExEffect::Continues { ends: false }),
            _ => mismatch,
        },
        cin::SYSEX_END_1 => match b0 {
            0xF6 => plain(1, SysExEffect::Interrupts),
            SYSEX_END => plain(1, SysExEffect::Continues { ends: true }),
            _ => mismatch,
        },
        cin::SYSEX_END_2 if b1 == SYSEX_END => match b0 {
            SYSEX_START => plain(2, SysExEffect::Starts { ends: true }),
            _ if is_data(b0) => plain(2, SysExEffect::Continues { ends: true }),
            _ => mismatch,
        },
        cin::SYSEX_END_3 if is_data(b1) && b2 == SYSEX_END => match b0 {
            SYSEX_START => plain(3, SysExEffect::Starts { ends: true }),
            _ if is_data(b0) => plain(3, SysExEffect::Continues { ends: true }),
            _ => mismatch,
        },
        cin::SINGLE_BYTE => match classify(b0) {
            ByteKind::RealTime | ByteKind::Data => plain(1, SysExEffect::Neutral),
            ByteKind::SysExStart => plain(1, SysExEffect::Starts { ends: false }),
            ByteKind::SysExEnd => plain(1, SysExEffect::Continues { ends: true }),
            _ => plain(1, SysExEffect::Interrupts),
        },
        nibble @ 0x8..=0xE if b0 >> 4 == nibble => match classify(b0) {
            ByteKind::Channel { data_len: 1 } if is_data(b1) => plain(2, SysExEffect::Interrupts),
            ByteKind::Channel { .. } if is_data(b1) && is_data(b2) => {
                plain(3, SysExEffect::Interrupts)
            }
            _ => mismatch,
        },
        _ => mismatch,
    }
}

/// Streaming converter from USB-MIDI 1.0 event packets (any cables) to MIDI 1.0 bytes.
/// See the [module documentation](self) for the rules. Its whole state is one bit per
/// cable (SysEx open or not).
#[derive(Clone, Copy, Debug, Default)]
pub struct UsbDecoder {
    open: u16,
}

impl UsbDecoder {
    /// A decoder with no SysEx open.
    pub const fn new() -> Self {
        Self { open: 0 }
    }

    /// Cables with a SysEx open (bit n for cable n).
    pub const fn open_sysex(&self) -> u16 {
        self.open
    }

    /// Decodes packets from the front of `input` into `out` while they come from the same
    /// cable as the first one, returning that cable and the number of bytes written. It
    /// stops at a cable change, when fewer than [`MAX_BYTES_PER_PACKET`] bytes of `out`
    /// are left, when `input` is used up, or at an error. `len == 0` with `input` empty
    /// means done.
    ///
    /// # Errors
    /// A [`UsbPacketError`]: the packet is skipped, except for
    /// [`UsbPacketError::SysExInterrupted`], which is reported before its (valid) packet is
    /// decoded by the next call. An error is only returned when no bytes were written in the
    /// same call, so nothing decoded is lost.
    pub fn decode(
        &mut self,
        input: &mut &[UsbPacket],
        out: &mut [u8],
    ) -> Result<UsbBytes, UsbPacketError> {
        let mut run = UsbBytes { cable: 0, len: 0 };
        while let Some((&packet, rest)) = input.split_first() {
            let cable = packet[0] >> 4;
            let Some(slot) = out.get_mut(run.len..run.len + MAX_BYTES_PER_PACKET) else {
                break;
            };
            let (bytes, len, sysex) = match meaning(packet) {
                Ok(Meaning::Skip) => {
                    *input = rest;
                    continue;
                }
                Ok(Meaning::Bytes { bytes, len, sysex }) => (bytes, len, sysex),
                Err(error) if run.len == 0 => {
                    *input = rest;
                    return Err(error);
                }
                Err(_) => break,
            };
            if run.len > 0 && cable != run.cable {
                break;
            }
            let bit = 1u16 << cable;
            let open = self.open & bit != 0;
            let error = match sysex {
                SysExEffect::Interrupts | SysExEffect::Starts { .. } if open => {
                    Some(UsbPacketError::SysExInterrupted { packet })
                }
                SysExEffect::Continues { .. } if !open => {
                    Some(UsbPacketError::SysExNotStarted { packet })
                }
                _ => None,
            };
            if let Some(error) = error {
                if run.len > 0 {
                    break;
                }
                if matches!(error, UsbPacketError::SysExInterrupted { .. }) {
                    // Reported now; the packet itself is decoded by the next call.
                    self.open &= !bit;
                } else {
                    *input = rest;
                }
                return Err(error);
            }
            match sysex {
                SysExEffect::Starts { ends: false } => self.open |= bit,
                SysExEffect::Starts { ends: true } | SysExEffect::Continues { ends: true } => {
                    self.open &= !bit;
                }
                _ => {}
            }
            slot[..len].copy_from_slice(&bytes[..len]);
            run.cable = cable;
            run.len += len;
            *input = rest;
        }
        Ok(run)
    }

    /// Decodes packets from the front of a raw byte buffer (for instance a USB bulk
    /// transfer), 4 bytes per packet, like [`decode`](Self::decode), at most 16 packets per
    /// call. A trailing part of fewer than 4 bytes stays in `input`.
    ///
    /// # Errors
    /// As [`decode`](Self::decode).
    pub fn decode_bytes(
        &mut self,
        input: &mut &[u8],
        out: &mut [u8],
    ) -> Result<UsbBytes, UsbPacketError> {
        // Copy a bounded batch of packets into typed form and run `decode` on it, so both
        // entry points share one implementation; only the packets it used are consumed.
        const BATCH: usize = 16;
        let mut batch = [[0u8; 4]; BATCH];
        let mut count = 0;
        for (slot, packet) in batch.iter_mut().zip(input.chunks_exact(4)) {
            slot.copy_from_slice(packet);
            count += 1;
        }
        let mut packets = batch.get(..count).unwrap_or_default();
        let result = self.decode(&mut packets, out);
        let used = (count - packets.len()) * 4;
        *input = input.get(used..).unwrap_or_default();
        result
    }

    /// Ends the stream: reports the cables with a SysEx still open, then forgets them.
    ///
    /// # Errors
    /// [`UsbPacketError::UnterminatedSysEx`] if any SysEx is open.
    pub fn finish(&mut self) -> Result<(), UsbPacketError> {
        let cables = core::mem::take(&mut self.open);
        if cables == 0 {
            Ok(())
        } else {
            Err(UsbPacketError::UnterminatedSysEx { cables })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn encode_all(cable: u8, stream: &[u8]) -> (Vec<UsbPacket>, Vec<ByteStreamError>) {
        let mut encoder = UsbEncoder::new(cable).unwrap();
        let mut input = stream;
        let (mut packets, mut errors) = (Vec::new(), Vec::new());
        while let Some(event) = encoder.feed(&mut input) {
            match event {
                Ok(packet) => packets.push(packet),
                Err(error) => errors.push(error),
            }
        }
        if let Err(error) = encoder.finish() {
            errors.push(error);
        }
        (packets, errors)
    }

    fn decode_all(packets: &[UsbPacket]) -> (Vec<(u8, u8)>, Vec<UsbPacketError>) {
        let mut decoder = UsbDecoder::new();
        let mut input = packets;
        let (mut bytes, mut errors) = (Vec::new(), Vec::new());
        let mut out = [0u8; 7];
        loop {
            match decoder.decode(&mut input, &mut out) {
                Ok(run) if run.len == 0 && input.is_empty() => break,
                Ok(run) => bytes.extend(out[..run.len].iter().map(|&b| (run.cable, b))),
                Err(error) => errors.push(error),
            }
        }
        if let Err(error) = decoder.finish() {
            errors.push(error);
        }
        (bytes, errors)
    }

    #[test]
    fn channel_and_system_common_packets_follow_table_4_1() {
        let stream = [
            0x80, 0x3C, 0x00, 0xC5, 0x07, 0xD0, 0x10, 0xEF, 0x00, 0x40, 0xB2, 0x07, 0x64, 0xF1,
            0x21, 0xF2, 0x01, 0x02, 0xF3, 0x05, 0xF6, 0xA1, 0x3C, 0x20,
        ];
        let (packets, errors) = encode_all(0, &stream);
        assert_eq!(errors, []);
        assert_eq!(
            packets,
            [
                [0x08, 0x80, 0x3C, 0x00],
                [0x0C, 0xC5, 0x07, 0x00],
                [0x0D, 0xD0, 0x10, 0x00],
                [0x0E, 0xEF, 0x00, 0x40],
                [0x0B, 0xB2, 0x07, 0x64],
                [0x02, 0xF1, 0x21, 0x00],
                [0x03, 0xF2, 0x01, 0x02],
                [0x02, 0xF3, 0x05, 0x00],
                [0x05, 0xF6, 0x00, 0x00],
                [0x0A, 0xA1, 0x3C, 0x20],
            ]
        );
        let (bytes, errors) = decode_all(&packets);
        assert_eq!(errors, []);
        assert_eq!(bytes.iter().map(|&(_, b)| b).collect::<Vec<_>>(), stream);
    }

    #[test]
    fn sysex_ends_with_one_two_or_three_bytes() {
        let cases: [(&[u8], &[UsbPacket]); 4] = [
            (&[0xF0, 0xF7], &[[0x36, 0xF0, 0xF7, 0]]),
            (&[0xF0, 0x01, 0xF7], &[[0x37, 0xF0, 0x01, 0xF7]]),
            (
                &[0xF0, 0x01, 0x02, 0xF7],
                &[[0x34, 0xF0, 0x01, 0x02], [0x35, 0xF7, 0, 0]],
            ),
            (
                &[0xF0, 0x01, 0x02, 0x03, 0xF7],
                &[[0x34, 0xF0, 0x01, 0x02], [0x36, 0x03, 0xF7, 0]],
            ),
        ];
        for (stream, expected) in cases {
            assert_eq!(encode_all(3, stream), (expected.to_vec(), vec![]));
            let (bytes, errors) = decode_all(expected);
            assert_eq!(errors, []);
            assert!(bytes.iter().all(|&(cable, _)| cable == 3));
            assert_eq!(bytes.iter().map(|&(_, b)| b).collect::<Vec<_>>(), stream);
        }
    }

    #[test]
    fn realtime_inside_sysex_and_messages_goes_out_first() {
        let stream = [0xF0, 0x01, 0xF8, 0x02, 0x03, 0xF7, 0x90, 0xFE, 0x40, 0x7F];
        let (packets, errors) = encode_all(0, &stream);
        assert_eq!(errors, []);
        assert_eq!(
            packets,
            [
                [0x0F, 0xF8, 0, 0],
                [0x04, 0xF0, 0x01, 0x02],
                [0x06, 0x03, 0xF7, 0],
                [0x0F, 0xFE, 0, 0],
                [0x09, 0x90, 0x40, 0x7F],
            ]
        );
        // The decoder accepts the Real-Time packet inside the open SysEx.
        assert_eq!(decode_all(&packets).1, []);
    }

    #[test]
    fn bad_byte_streams_are_reported_not_repaired() {
        let stream = [
            0x40, // stray data
            0xF7, // stray EOX
            0xF4, 0x01, 0x02, // undefined + its data
            0x90, 0x40, 0xF6, // incomplete note on, then tune request
            0xF0, 0x01, 0x02, 0x03, 0x04, 0x91, 0x40, 0x7F, // SysEx aborted
            0x41, 0x7F, // running status after the abort
            0xF0, 0x05, // unterminated
        ];
        let (packets, errors) = encode_all(0, &stream);
        assert_eq!(
            errors,
            [
                ByteStreamError::StrayDataByte { byte: 0x40 },
                ByteStreamError::StrayEndOfExclusive,
                ByteStreamError::UndefinedStatus { byte: 0xF4 },
                ByteStreamError::IncompleteMessage { status: 0x90 },
                ByteStreamError::SysExAborted { by: 0x91 },
                ByteStreamError::UnterminatedSysEx,
            ]
        );
        assert_eq!(
            packets,
            [
                [0x05, 0xF6, 0, 0],
                [0x04, 0xF0, 0x01, 0x02],
                [0x09, 0x91, 0x40, 0x7F],
                [0x09, 0x91, 0x41, 0x7F],
            ]
        );
        // The receiver sees the SysEx interrupted, not completed.
        let (_, errors) = decode_all(&packets);
        assert_eq!(
            errors,
            [UsbPacketError::SysExInterrupted {
                packet: [0x09, 0x91, 0x40, 0x7F]
            }]
        );
    }

    #[test]
    fn a_lone_status_byte_is_an_incomplete_message_left_over_running_status_is_not() {
        // The same rule as `StreamParser` (one tokenizer serves both).
        assert_eq!(
            encode_all(0, &[0x90, 0x80, 0x3C, 0x00]),
            (
                vec![[0x08, 0x80, 0x3C, 0x00]],
                vec![ByteStreamError::IncompleteMessage { status: 0x90 }]
            )
        );
        assert_eq!(
            encode_all(0, &[0xC5, 0xF8, 0xF6, 0xF2]),
            (
                vec![[0x0F, 0xF8, 0, 0], [0x05, 0xF6, 0, 0]],
                vec![
                    ByteStreamError::IncompleteMessage { status: 0xC5 },
                    // At the end of the stream too.
                    ByteStreamError::IncompleteMessage { status: 0xF2 },
                ]
            )
        );
        assert_eq!(
            encode_all(0, &[0x90, 0x3C, 0x40, 0x80, 0x3C, 0x00, 0xF6]),
            (
                vec![
                    [0x09, 0x90, 0x3C, 0x40],
                    [0x08, 0x80, 0x3C, 0x00],
                    [0x05, 0xF6, 0, 0]
                ],
                vec![]
            )
        );
    }

    #[test]
    fn errors_after_packets_in_one_call_are_not_lost() {
        let mut encoder = UsbEncoder::new(0).unwrap();
        let mut input: &[u8] = &[0xF8, 0x40, 0xF8];
        let mut out = [[0u8; 4]; 4];
        assert_eq!(encoder.encode(&mut input, &mut out), Ok(1));
        assert_eq!(
            encoder.encode(&mut input, &mut out),
            Err(ByteStreamError::StrayDataByte { byte: 0x40 })
        );
        assert_eq!(encoder.encode(&mut input, &mut out), Ok(1));
        assert_eq!(encoder.encode(&mut input, &mut out), Ok(0));
    }

    #[test]
    fn decoder_checks_packets_against_the_cin() {
        let bad = [
            [0x00, 0x90, 0x40, 0x7F], // reserved CIN 0, not padding
            [0x01, 0x00, 0x00, 0x00], // reserved CIN 1
            [0x09, 0x80, 0x40, 0x7F], // CIN 9 with a note off
            [0x09, 0x90, 0x80, 0x7F], // status byte where data belongs
            [0x0C, 0xC0, 0xF8, 0x00], // program change with a status byte
            [0x02, 0xF2, 0x01, 0x00], // song position under CIN 2
            [0x03, 0xF1, 0x01, 0x02], // MTC under CIN 3
            [0x04, 0xF0, 0x01, 0xF7], // F7 inside CIN 4
            [0x04, 0xF8, 0x01, 0x02], // Real-Time inside CIN 4
            [0x05, 0x01, 0x00, 0x00], // CIN 5 with a data byte
            [0x06, 0x01, 0x02, 0x00], // CIN 6 not ending in F7
            [0x07, 0x01, 0xF7, 0x00], // CIN 7 with F7 in the middle
        ];
        for packet in bad {
            let mut decoder = UsbDecoder::new();
            let mut input: &[UsbPacket] = &[packet, [0x0F, 0xF8, 0, 0]];
            let mut out = [0u8; 8];
            let error = decoder.decode(&mut input, &mut out).unwrap_err();
            assert!(
                matches!(
                    error,
                    UsbPacketError::CinMismatch { .. } | UsbPacketError::ReservedCin { .. }
                ),
                "{packet:02x?}: {error}"
            );
            // Skipped; decoding goes on.
            assert_eq!(
                decoder.decode(&mut input, &mut out),
                Ok(UsbBytes { cable: 0, len: 1 })
            );
            assert_eq!(out[0], 0xF8);
        }
    }

    #[test]
    fn padding_is_skipped_and_unused_bytes_ignored() {
        let packets = [
            [0, 0, 0, 0],
            [0x2C, 0xC1, 0x05, 0x55], // unused byte not zero: ignored
            [0, 0, 0, 0],
            [0x2F, 0xFA, 0x12, 0x34],
        ];
        let (bytes, errors) = decode_all(&packets);
        assert_eq!(errors, []);
        assert_eq!(bytes, [(2, 0xC1), (2, 0x05), (2, 0xFA)]);
    }

    #[test]
    fn sysex_state_is_per_cable() {
        let packets = [
            [0x14, 0xF0, 0x01, 0x02], // cable 1 opens
            [0x29, 0x90, 0x40, 0x7F], // cable 2: no interruption
            [0x24, 0x01, 0x02, 0x03], // cable 2: nothing open
            [0x16, 0x03, 0xF7, 0x00], // cable 1 closes
        ];
        let (bytes, errors) = decode_all(&packets);
        assert_eq!(
            errors,
            [UsbPacketError::SysExNotStarted {
                packet: [0x24, 0x01, 0x02, 0x03]
            }]
        );
        assert_eq!(
            bytes,
            [
                (1, 0xF0),
                (1, 0x01),
                (1, 0x02),
                (2, 0x90),
                (2, 0x40),
                (2, 0x7F),
                (1, 0x03),
                (1, 0xF7)
            ]
        );
        let mut decoder = UsbDecoder::new();
        let mut input: &[UsbPacket] = &packets[..1];
        let mut out = [0u8; 3];
        assert!(decoder.decode(&mut input, &mut out).is_ok());
        assert_eq!(decoder.open_sysex(), 0b10);
        assert_eq!(
            decoder.finish(),
            Err(UsbPacketError::UnterminatedSysEx { cables: 0b10 })
        );
        assert_eq!(decoder.finish(), Ok(()));
    }

    #[test]
    fn decode_bytes_reads_raw_transfers() {
        let raw = [
            0x09, 0x90, 0x40, 0x7F, 0x19, 0x90, 0x41, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x1F,
        ];
        let mut decoder = UsbDecoder::new();
        let mut input = &raw[..];
        let mut out = [0u8; 16];
        assert_eq!(
            decoder.decode_bytes(&mut input, &mut out),
            Ok(UsbBytes { cable: 0, len: 3 })
        );
        assert_eq!(
            decoder.decode_bytes(&mut input, &mut out),
            Ok(UsbBytes { cable: 1, len: 3 })
        );
        assert_eq!(out[..3], [0x90, 0x41, 0x7F]);
        assert_eq!(
            decoder.decode_bytes(&mut input, &mut out),
            Ok(UsbBytes { cable: 0, len: 0 })
        );
        assert_eq!(input, [0x1F]);
    }

    #[test]
    fn cable_numbers_above_15_are_refused() {
        assert!(UsbEncoder::new(16).is_none());
        assert_eq!(UsbEncoder::new(15).unwrap().cable(), 15);
    }

    #[test]
    fn error_classes_and_codes_are_distinct() {
        let classes = [
            ByteStreamError::StrayDataByte { byte: 0 }.class(),
            ByteStreamError::StrayEndOfExclusive.class(),
            ByteStreamError::UndefinedStatus { byte: 0 }.class(),
            ByteStreamError::IncompleteMessage { status: 0 }.class(),
            ByteStreamError::SysExAborted { by: 0 }.class(),
            ByteStreamError::UnterminatedSysEx.class(),
            ByteStreamError::BufferTooSmall { needed: 0 }.class(),
        ];
        let mut sorted = classes.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), classes.len());
        let text = std::format!("{}", UsbPacketError::ReservedCin { packet: [0; 4] });
        assert!(text.ends_with("(reserved-cin)"), "{text}");
    }
}
