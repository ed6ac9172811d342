//! The MIDI 1.0 byte-stream grammar, in one place: which message a byte belongs to, running
//! status, message lengths (from [`status`](crate::sysex::status)), SysEx boundaries and
//! Real-Time bytes anywhere. [`StreamParser`](super::StreamParser) (which buffers SysEx) and
//! the USB-MIDI and UMP encoders (which stream it) are built on [`Tokenizer`], so they cannot
//! disagree on where a message starts, ends or goes wrong.
//!
//! The tokenizer stores no SysEx byte: it reports `F0`, each data byte and `F7` as tokens, and
//! each user keeps what it needs. It holds at most one data byte (the first of a two-byte
//! message).
use super::ShortMessage;
use crate::sysex::status::{classify, ByteKind, SYSEX_END};

/// Where the tokenizer is in the stream.
///
/// In [`SysEx`](Self::SysEx) and [`Undefined`](Self::Undefined) a data byte changes no state
/// (it is a [`Token::SysExData`], or nothing), so a user may consume runs of data bytes itself
/// there without pushing them: that is what makes the bulk SysEx paths possible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Between messages, or collecting the data bytes of a channel or System Common message.
    Short,
    /// Inside a SysEx (after `F0`).
    SysEx,
    /// After `F4`/`F5`: data bytes are dropped up to the next status byte.
    Undefined,
}

/// What a byte completed or got wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// A complete channel message; with running status, the status it ran under.
    Channel(ShortMessage),
    /// A complete System Common message (`F1`–`F3`, `F6`).
    Common(ShortMessage),
    /// A System Real-Time byte, wherever it appeared.
    RealTime(u8),
    /// `F0`: a SysEx opens.
    SysExStart,
    /// A data byte inside a SysEx.
    SysExData(u8),
    /// `F7` closing a SysEx.
    SysExEnd,
    /// A data byte with no status to belong to.
    StrayData(u8),
    /// `F7` with no SysEx open.
    StrayEnd,
    /// `F4` or `F5`.
    Undefined(u8),
    /// A channel or System Common message that got a status byte before all its data bytes:
    /// the bytes received (the status alone when it got none). The status byte is **not**
    /// taken.
    Truncated(ShortMessage),
    /// A status byte other than `F7` or Real-Time inside a SysEx, which ends it. The byte is
    /// **not** taken.
    Aborted(u8),
}

impl Token {
    /// Whether the byte that produced the token was left for the next push: it ended
    /// something unfinished and still has to start its own message. The tokenizer is then
    /// between messages, so pushing the byte again cannot give such a token twice.
    #[inline]
    pub(crate) const fn keeps_byte(&self) -> bool {
        matches!(self, Self::Truncated(_) | Self::Aborted(_))
    }
}

/// What the end of the stream leaves unfinished ([`Tokenizer::finish`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unfinished {
    /// A SysEx without its `F7`.
    SysEx,
    /// A message without all its data bytes: the bytes received.
    Message(ShortMessage),
}

/// The MIDI 1.0 byte-stream state machine (MIDI 1.0 Detailed Specification 4.2.1).
///
/// - Real-Time bytes are tokens wherever they appear and change no state.
/// - A channel status sets the running status; data bytes after a complete channel message
///   start another one under it. System Common, SysEx, `F4`/`F5` and `F7` cancel it.
/// - A status byte (not Real-Time) before a message has all its data bytes truncates it,
///   **including a status byte sent explicitly that got no data byte at all** (`90 80 ..`):
///   nothing is silently dropped. A running status left over from a complete message is not
///   a message, so a status byte after it truncates nothing.
/// - Inside a SysEx, data bytes are SysEx data, `F7` ends it, any other status aborts it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tokenizer {
    mode: Mode,
    /// In [`Mode::Short`]: the status of the message being collected, or the running status
    /// between channel messages; 0: none.
    status: u8,
    /// Data bytes `status` takes (1 or 2).
    data_len: u8,
    /// Bytes of the message being collected, status included: 0 when none is (running
    /// status may still be set), 1 after an explicit status byte, 2 with its first data byte.
    got: u8,
    /// The first data byte, when `got` is 2.
    first: u8,
}

impl Tokenizer {
    /// Between messages, no running status.
    pub(crate) const fn new() -> Self {
        Self {
            mode: Mode::Short,
            status: 0,
            data_len: 0,
            got: 0,
            first: 0,
        }
    }

    /// Where the tokenizer is; see [`Mode`] for what a user may do with it.
    #[inline]
    pub(crate) const fn mode(&self) -> Mode {
        self.mode
    }

    /// Consumes bytes from the front of `input` up to the first token (returned) or the end
    /// of `input` (`None`). A byte whose token [keeps it](Token::keeps_byte) stays in `input`.
    /// Bounded by the length of `input`: every byte that gives no token is consumed.
    #[inline]
    pub(crate) fn next(&mut self, input: &mut &[u8]) -> Option<Token> {
        while let Some((&byte, rest)) = input.split_first() {
            if let Some(token) = self.push(byte) {
                if !token.keeps_byte() {
                    *input = rest;
                }
                return Some(token);
            }
            *input = rest;
        }
        None
    }

    /// Takes one byte; the token it gives, if any. If the token
    /// [keeps the byte](Token::keeps_byte), push the same byte again.
    #[inline]
    pub(crate) fn push(&mut self, byte: u8) -> Option<Token> {
        if byte < 0x80 {
            return match self.mode {
                Mode::Short => self.data(byte),
                Mode::SysEx => Some(Token::SysExData(byte)),
                Mode::Undefined => None,
            };
        }
        self.status_byte(byte)
    }

    /// A data byte between messages or inside a channel or System Common message.
    #[inline]
    fn data(&mut self, byte: u8) -> Option<Token> {
        if self.status == 0 {
            return Some(Token::StrayData(byte));
        }
        // With running status, the status byte that was not repeated counts as received.
        let got = if self.got == 0 { 1 } else { self.got };
        if got < self.data_len {
            self.first = byte;
            self.got = 2;
            return None;
        }
        // Built from registers rather than read back from `self`: reading a message just
        // written byte by byte stalls store forwarding, which cost a third of the run time.
        let complete = ShortMessage {
            bytes: match self.data_len {
                1 => [self.status, byte, 0],
                _ => [self.status, self.first, byte],
            },
            len: self.data_len + 1,
        };
        self.got = 0;
        if self.status < 0xF0 {
            // Running status: the next data byte starts another message of the same status.
            Some(Token::Channel(complete))
        } else {
            self.status = 0;
            Some(Token::Common(complete))
        }
    }

    /// The message being collected, as received so far (unused bytes zero).
    const fn partial(&self) -> ShortMessage {
        ShortMessage {
            bytes: [self.status, if self.got > 1 { self.first } else { 0 }, 0],
            len: self.got,
        }
    }

    fn status_byte(&mut self, byte: u8) -> Option<Token> {
        let kind = classify(byte);
        if kind == ByteKind::RealTime {
            return Some(Token::RealTime(byte));
        }
        match self.mode {
            Mode::SysEx => {
                self.mode = Mode::Short;
                return Some(if byte == SYSEX_END {
                    Token::SysExEnd
                } else {
                    Token::Aborted(byte)
                });
            }
            Mode::Short if self.got > 0 => {
                let partial = self.partial();
                self.got = 0;
                self.status = 0;
                return Some(Token::Truncated(partial));
            }
            Mode::Short | Mode::Undefined => {}
        }
        // A status byte starting its own message. Only a channel status sets running status.
        self.mode = Mode::Short;
        self.status = 0;
        match kind {
            ByteKind::Channel { data_len } | ByteKind::SystemCommon { data_len } => {
                if data_len == 0 {
                    return Some(Token::Common(ShortMessage {
                        bytes: [byte, 0, 0],
                        len: 1,
                    }));
                }
                self.status = byte;
                self.data_len = data_len;
                self.got = 1;
                None
            }
            ByteKind::UndefinedCommon => {
                self.mode = Mode::Undefined;
                Some(Token::Undefined(byte))
            }
            ByteKind::SysExStart => {
                self.mode = Mode::SysEx;
                Some(Token::SysExStart)
            }
            ByteKind::SysExEnd => Some(Token::StrayEnd),
            // Handled above; a data byte never gets here.
            ByteKind::Data | ByteKind::RealTime => None,
        }
    }

    /// Ends the stream: what it left unfinished, if anything, as a status byte arriving now
    /// would report it (an open SysEx, or a message the status byte would truncate). Then
    /// starts afresh, running status included.
    pub(crate) fn finish(&mut self) -> Option<Unfinished> {
        let old = core::mem::replace(self, Self::new());
        match old.mode {
            Mode::SysEx => Some(Unfinished::SysEx),
            Mode::Short if old.got > 0 => Some(Unfinished::Message(old.partial())),
            Mode::Short | Mode::Undefined => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// Every token of `stream`, and what `finish` reports after it.
    fn tokens(stream: &[u8]) -> (Vec<Token>, Option<Unfinished>) {
        let mut tokenizer = Tokenizer::new();
        let mut input = stream;
        let mut out = Vec::new();
        while let Some(token) = tokenizer.next(&mut input) {
            out.push(token);
        }
        (out, tokenizer.finish())
    }

    fn short(bytes: &[u8]) -> ShortMessage {
        ShortMessage::new(bytes).unwrap()
    }

    #[test]
    fn a_lone_status_followed_by_a_status_is_truncated() {
        assert_eq!(
            tokens(&[0x90, 0x80, 0x3C, 0x00]),
            (
                vec![
                    Token::Truncated(short(&[0x90])),
                    Token::Channel(short(&[0x80, 0x3C, 0x00]))
                ],
                None
            )
        );
        // Also by a System Common, a SysEx, an F7 or an undefined status, and across
        // Real-Time bytes; a one-data-byte status too.
        for next in [0xF6, 0xF0, 0xF7, 0xF4, 0xC0] {
            let (got, _) = tokens(&[0xC5, 0xF8, next]);
            assert_eq!(
                got[..2],
                [Token::RealTime(0xF8), Token::Truncated(short(&[0xC5]))],
                "{next:02X}"
            );
        }
        // The end of the stream truncates it as well.
        assert_eq!(
            tokens(&[0xF2]),
            (vec![], Some(Unfinished::Message(short(&[0xF2]))))
        );
    }

    #[test]
    fn running_status_left_after_a_complete_message_is_not_truncated() {
        assert_eq!(
            tokens(&[0x90, 0x3C, 0x40, 0x80, 0x3C, 0x00]),
            (
                vec![
                    Token::Channel(short(&[0x90, 0x3C, 0x40])),
                    Token::Channel(short(&[0x80, 0x3C, 0x00]))
                ],
                None
            )
        );
        assert_eq!(
            tokens(&[0x90, 0x3C, 0x40]),
            (vec![Token::Channel(short(&[0x90, 0x3C, 0x40]))], None)
        );
        // F6 takes no data bytes: complete on its own, nothing to truncate.
        assert_eq!(
            tokens(&[0xF6, 0x90, 0x3C, 0x40]),
            (
                vec![
                    Token::Common(short(&[0xF6])),
                    Token::Channel(short(&[0x90, 0x3C, 0x40]))
                ],
                None
            )
        );
    }

    #[test]
    fn sysex_boundaries_and_kept_bytes() {
        let (got, end) = tokens(&[0xF0, 0x01, 0xF8, 0xF7, 0xF0, 0x02, 0x91, 0x40, 0x7F]);
        assert_eq!(
            got,
            [
                Token::SysExStart,
                Token::SysExData(0x01),
                Token::RealTime(0xF8),
                Token::SysExEnd,
                Token::SysExStart,
                Token::SysExData(0x02),
                Token::Aborted(0x91),
                Token::Channel(short(&[0x91, 0x40, 0x7F])),
            ]
        );
        assert_eq!(end, None);
        assert_eq!(tokens(&[0xF0, 0x01]).1, Some(Unfinished::SysEx));
        assert!(Token::Aborted(0x90).keeps_byte() && !Token::SysExEnd.keeps_byte());
    }
}
