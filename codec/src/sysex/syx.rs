//! `.syx` files: complete SysEx messages (`F0 … F7`) one after another with nothing in
//! between, as librarians save them and `amidi -s` sends them (`amidi -r` records them).
//!
//! ```
//! use mox_codec::sysex::syx;
//!
//! let messages: [&[u8]; 2] = [&[0xF0, 0x7D, 0x01, 0xF7], &[0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]];
//! let mut file = [0u8; 16];
//! let len = syx::write(&messages, &mut file).unwrap();
//! assert_eq!(len, syx::written_len(&messages).unwrap());
//!
//! let mut reader = syx::Reader::new(&file[..len]);
//! assert_eq!(reader.next(), Some(Ok(messages[0])));
//! assert_eq!(reader.next(), Some(Ok(messages[1])));
//! assert_eq!(reader.next(), None);
//!
//! // A message cut short is reported, and the next one is still read.
//! let damaged = [0xF0, 0x7D, 0x01, 0xF0, 0x7D, 0x02, 0xF7];
//! let frames: Vec<_> = syx::Reader::new(&damaged).collect();
//! assert_eq!(frames[0], Err(syx::ReadError::Interrupted { offset: 0, status_offset: 3 }));
//! assert_eq!(frames[1], Ok(&damaged[3..]));
//! ```
//!
//! The reader yields each message as the raw slice of the file, `F0` and `F7` included, for
//! the SysEx framing view to interpret. It is strict: anything that is not part of a
//! complete message is reported, then reading resynchronises at the next `F0`, so one bad
//! message never hides the good ones after it. System Real-Time bytes (`F8`–`FF`), which a
//! live byte stream may interleave with SysEx, cannot be part of a contiguous message slice;
//! a file produced by a librarian has none, so here they interrupt a message like any other
//! status byte (the byte-stream parser in [`stream`](super::stream) handles live input).
use core::fmt;

use super::status::{SYSEX_END, SYSEX_START};

/// Why bytes of a `.syx` file are not a message. Offsets count from the start of the file.
///
/// [`ReadError::class`] gives the language-neutral class used by the vector corpus and
/// [`ReadError::code`] a stable number for the C and WASM bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReadError {
    /// `len` bytes at `offset` lie outside any message (the file or the gap after a message
    /// does not start with `F0`). They run up to the next `F0` or the end of the file, and
    /// are skipped. A repeated `F7` after a message is such junk.
    Junk {
        /// Offset of the first junk byte.
        offset: usize,
        /// Junk bytes skipped.
        len: usize,
    },
    /// The message starting at `offset` is cut short by the status byte at `status_offset`,
    /// which is neither a data byte nor `F7`. If that byte is `F0` the next message starts
    /// there; otherwise the bytes up to the next `F0` belong to this error.
    Interrupted {
        /// Offset of the message's `F0`.
        offset: usize,
        /// Offset of the status byte that cut it short.
        status_offset: usize,
    },
    /// The file ends inside the message starting at `offset`: its `F7` is missing.
    Unterminated {
        /// Offset of the message's `F0`.
        offset: usize,
    },
}

impl ReadError {
    /// The language-neutral error class of the vector corpus: `junk-between-messages`,
    /// `interrupted-message` or `missing-end`.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::Junk { .. } => "junk-between-messages",
            Self::Interrupted { .. } => "interrupted-message",
            Self::Unterminated { .. } => "missing-end",
        }
    }

    /// A stable number per variant, for bindings, in the block 431–439 of the crate-wide code
    /// space (`docs/errors.md`): new variants get new numbers and retired numbers are never
    /// reused.
    pub const fn code(&self) -> u16 {
        match self {
            Self::Junk { .. } => 431,
            Self::Interrupted { .. } => 432,
            Self::Unterminated { .. } => 433,
        }
    }

    /// Offset of the first byte the error is about.
    pub const fn offset(&self) -> usize {
        match *self {
            Self::Junk { offset, .. }
            | Self::Interrupted { offset, .. }
            | Self::Unterminated { offset } => offset,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Junk { offset, len } => {
                write!(f, "{len} bytes outside any message at byte {offset}")?
            }
            Self::Interrupted {
                offset,
                status_offset,
            } => write!(
                f,
                "message at byte {offset} cut short by the status byte at {status_offset}"
            )?,
            Self::Unterminated { offset } => {
                write!(f, "file ends inside the message at byte {offset}")?
            }
        }
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for ReadError {}

/// Reads the messages of a `.syx` file in order: each item is one complete message
/// (`F0 … F7`, borrowed from the file) or one error, after which reading goes on at the
/// next `F0`. Every item consumes at least one byte, so iteration ends.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    file: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `file`.
    pub const fn new(file: &'a [u8]) -> Self {
        Self { file, position: 0 }
    }

    /// Offset of the next byte to read.
    pub const fn position(&self) -> usize {
        self.position
    }

    /// Offset of the next `F0` at or after `from`, or the end of the file.
    fn next_start(&self, from: usize) -> usize {
        let rest = self.file.get(from..).unwrap_or_default();
        rest.iter()
            .position(|&b| b == SYSEX_START)
            .map_or(self.file.len(), |i| from + i)
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<&'a [u8], ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.position;
        let rest = self.file.get(start..)?;
        let (&first, body) = rest.split_first()?;
        if first != SYSEX_START {
            let end = self.next_start(start);
            self.position = end;
            return Some(Err(ReadError::Junk {
                offset: start,
                len: end - start,
            }));
        }
        let Some(status) = body.iter().position(|&b| b & 0x80 != 0) else {
            self.position = self.file.len();
            return Some(Err(ReadError::Unterminated { offset: start }));
        };
        let status_offset = start + 1 + status;
        if body.get(status) == Some(&SYSEX_END) {
            self.position = status_offset + 1;
            return rest.get(..status + 2).map(Ok);
        }
        self.position = self.next_start(status_offset);
        Some(Err(ReadError::Interrupted {
            offset: start,
            status_offset,
        }))
    }
}

impl core::iter::FusedIterator for Reader<'_> {}

/// Why messages cannot be written as a `.syx` file.
///
/// [`WriteError::class`] gives the language-neutral class used by the vector corpus and
/// [`WriteError::code`] a stable number for the C and WASM bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteError {
    /// Message number `index` does not start with `F0` and end with a separate `F7`.
    NotSysEx {
        /// Index of the message in the list.
        index: usize,
    },
    /// Byte `offset` of message number `index` lies between its `F0` and `F7` but has bit
    /// 7 set (a status byte, such as a second `F7`).
    NotSevenBit {
        /// Index of the message in the list.
        index: usize,
        /// Offset of the byte within that message.
        offset: usize,
    },
    /// The output buffer is too small; `needed` bytes are required. Nothing was written.
    BufferTooSmall {
        /// Bytes required.
        needed: usize,
    },
}

impl WriteError {
    /// The language-neutral error class of the vector corpus: `not-sysex`,
    /// `not-seven-bit` or `buffer-too-small`.
    pub const fn class(&self) -> &'static str {
        match self {
            Self::NotSysEx { .. } => "not-sysex",
            Self::NotSevenBit { .. } => "not-seven-bit",
            Self::BufferTooSmall { .. } => "buffer-too-small",
        }
    }

    /// A stable number per variant, for bindings, in the block 441–449 of the crate-wide code
    /// space (`docs/errors.md`): new variants get new numbers and retired numbers are never
    /// reused.
    pub const fn code(&self) -> u16 {
        match self {
            Self::NotSysEx { .. } => 441,
            Self::NotSevenBit { .. } => 442,
            Self::BufferTooSmall { .. } => 443,
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NotSysEx { index } => write!(f, "message {index} is not framed by F0 and F7")?,
            Self::NotSevenBit { index, offset } => {
                write!(f, "byte {offset} of message {index} has bit 7 set")?
            }
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")?
            }
        }
        write!(f, " ({})", self.class())
    }
}

impl core::error::Error for WriteError {}

/// Checks that `message` is `F0`, 7-bit data bytes, `F7`.
fn check(index: usize, message: &[u8]) -> Result<(), WriteError> {
    let [SYSEX_START, data @ .., SYSEX_END] = message else {
        return Err(WriteError::NotSysEx { index });
    };
    match data.iter().position(|&b| b & 0x80 != 0) {
        Some(offset) => Err(WriteError::NotSevenBit {
            index,
            offset: offset + 1,
        }),
        None => Ok(()),
    }
}

/// Exact size of the `.syx` file that [`write()`] makes of `messages`: the sum of their
/// lengths, after checking each one.
///
/// # Errors
/// [`WriteError::NotSysEx`] or [`WriteError::NotSevenBit`] for the first malformed message.
pub fn written_len(messages: &[&[u8]]) -> Result<usize, WriteError> {
    messages
        .iter()
        .enumerate()
        .try_fold(0usize, |len, (index, message)| {
            check(index, message)?;
            // Saturating: such a total cannot be a buffer, so `write` reports it too small.
            Ok(len.saturating_add(message.len()))
        })
}

/// Writes `messages` one after another into the front of `out` and returns the number of
/// bytes written ([`written_len`]).
///
/// # Errors
/// The errors of [`written_len`], then [`WriteError::BufferTooSmall`]; `out` is untouched
/// on any error.
pub fn write(messages: &[&[u8]], out: &mut [u8]) -> Result<usize, WriteError> {
    let needed = written_len(messages)?;
    let Some(mut rest) = out.get_mut(..needed) else {
        return Err(WriteError::BufferTooSmall { needed });
    };
    for message in messages {
        // `needed` is the sum of the lengths, so every split succeeds.
        let Some((slot, after)) = rest.split_at_mut_checked(message.len()) else {
            break;
        };
        slot.copy_from_slice(message);
        rest = after;
    }
    Ok(needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(file: &[u8]) -> Vec<Result<&[u8], ReadError>> {
        Reader::new(file).collect()
    }

    #[test]
    fn reads_concatenated_messages() {
        let file = [0xF0, 0x41, 0x10, 0xF7, 0xF0, 0xF7, 0xF0, 0x7D, 0xF7];
        assert_eq!(
            read(&file),
            [Ok(&file[..4]), Ok(&file[4..6]), Ok(&file[6..])]
        );
        assert!(read(&[]).is_empty());
    }

    #[test]
    fn junk_is_reported_once_per_run_and_skipped() {
        let file = [
            0x00, 0x01, 0xF7, 0xF0, 0x7D, 0xF7, 0xF7, 0x90, 0x40, 0xF0, 0x7E, 0xF7, 0x0A,
        ];
        assert_eq!(
            read(&file),
            [
                Err(ReadError::Junk { offset: 0, len: 3 }),
                Ok(&file[3..6]),
                Err(ReadError::Junk { offset: 6, len: 3 }), // duplicate F7 and a note on
                Ok(&file[9..12]),
                Err(ReadError::Junk { offset: 12, len: 1 }), // trailing newline-like byte
            ]
        );
    }

    #[test]
    fn interrupted_and_unterminated_messages_do_not_hide_later_ones() {
        // F0 interrupts: the next message starts at it.
        let file = [0xF0, 0x7D, 0xF0, 0x7D, 0x01, 0xF7];
        assert_eq!(
            read(&file),
            [
                Err(ReadError::Interrupted {
                    offset: 0,
                    status_offset: 2
                }),
                Ok(&file[2..]),
            ]
        );
        // Another status byte (here a clock byte) interrupts; its leftovers up to the next
        // F0 belong to the same error.
        let file = [0xF0, 0x7D, 0xF8, 0x01, 0xF7, 0xF0, 0x7E, 0xF7, 0xF0, 0x7D];
        assert_eq!(
            read(&file),
            [
                Err(ReadError::Interrupted {
                    offset: 0,
                    status_offset: 2
                }),
                Ok(&file[5..8]),
                Err(ReadError::Unterminated { offset: 8 }),
            ]
        );
        assert_eq!(read(&[0xF0]), [Err(ReadError::Unterminated { offset: 0 })]);
    }

    #[test]
    fn writer_checks_every_message() {
        let good: &[u8] = &[0xF0, 0x7D, 0xF7];
        let cases: [(&[u8], WriteError); 5] = [
            (&[0xF0], WriteError::NotSysEx { index: 1 }),
            (&[0xF7], WriteError::NotSysEx { index: 1 }),
            (&[0x7D, 0xF7], WriteError::NotSysEx { index: 1 }),
            (
                &[0xF0, 0x7D, 0xF7, 0xF7],
                WriteError::NotSevenBit {
                    index: 1,
                    offset: 2,
                },
            ),
            (
                &[0xF0, 0x80, 0xF7],
                WriteError::NotSevenBit {
                    index: 1,
                    offset: 1,
                },
            ),
        ];
        for (bad, error) in cases {
            let mut out = [0xEE; 16];
            assert_eq!(written_len(&[good, bad]), Err(error));
            assert_eq!(write(&[good, bad], &mut out), Err(error));
            assert_eq!(out, [0xEE; 16]);
        }
        let mut out = [0xEE; 5];
        assert_eq!(
            write(&[good, good], &mut out),
            Err(WriteError::BufferTooSmall { needed: 6 })
        );
        assert_eq!(out, [0xEE; 5]);
        assert_eq!(write(&[], &mut out), Ok(0));
    }

    #[test]
    fn classes_are_distinct() {
        let read = [
            ReadError::Junk { offset: 0, len: 1 },
            ReadError::Interrupted {
                offset: 0,
                status_offset: 1,
            },
            ReadError::Unterminated { offset: 0 },
        ];
        let classes: Vec<_> = read.iter().map(ReadError::class).collect();
        assert_eq!(
            classes,
            [
                "junk-between-messages",
                "interrupted-message",
                "missing-end"
            ]
        );
        let codes: Vec<_> = read.iter().map(ReadError::code).collect();
        assert_eq!(codes, [431, 432, 433]);
        assert!(read[1].to_string().ends_with("(interrupted-message)"));
    }
}
