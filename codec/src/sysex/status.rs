//! MIDI 1.0 status bytes: what kind of message a byte starts and how many data bytes follow.
//!
//! Shared by the byte-stream parser and the USB-MIDI and UMP packetisers, so they agree on
//! message lengths (MIDI 1.0 Detailed Specification, Table I "Summary of Status Bytes").

/// `F0`: start of System Exclusive.
pub const SYSEX_START: u8 = 0xF0;
/// `F7`: end of System Exclusive (EOX).
pub const SYSEX_END: u8 = 0xF7;

/// What a byte is in a MIDI 1.0 byte stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteKind {
    /// `00`–`7F`: a data byte.
    Data,
    /// `80`–`EF`: a channel voice or mode message status with this many data bytes (1 or 2).
    /// It can be the running status.
    Channel {
        /// Data bytes that follow (`C0`–`DF`: 1, the others: 2).
        data_len: u8,
    },
    /// `F0`: start of System Exclusive.
    SysExStart,
    /// `F1`–`F3`, `F6`: a System Common message with this many data bytes (0–2). It cancels
    /// the running status.
    SystemCommon {
        /// Data bytes that follow (`F1`, `F3`: 1; `F2`: 2; `F6`: 0).
        data_len: u8,
    },
    /// `F4`, `F5`: undefined System Common status. It cancels the running status and any
    /// data bytes up to the next status byte are ignored.
    UndefinedCommon,
    /// `F7`: end of System Exclusive.
    SysExEnd,
    /// `F8`–`FF`: System Real-Time (including the undefined `F9` and `FD`). One byte, may
    /// appear anywhere, even inside another message, and changes no state.
    RealTime,
}

/// Classifies `byte`.
pub const fn classify(byte: u8) -> ByteKind {
    match byte {
        0x00..=0x7F => ByteKind::Data,
        0x80..=0xBF | 0xE0..=0xEF => ByteKind::Channel { data_len: 2 },
        0xC0..=0xDF => ByteKind::Channel { data_len: 1 },
        0xF0 => ByteKind::SysExStart,
        0xF1 | 0xF3 => ByteKind::SystemCommon { data_len: 1 },
        0xF2 => ByteKind::SystemCommon { data_len: 2 },
        0xF6 => ByteKind::SystemCommon { data_len: 0 },
        0xF4 | 0xF5 => ByteKind::UndefinedCommon,
        0xF7 => ByteKind::SysExEnd,
        0xF8..=0xFF => ByteKind::RealTime,
    }
}

/// Whether `byte` is a status byte (high bit set).
pub const fn is_status(byte: u8) -> bool {
    byte & 0x80 != 0
}

/// Whether `byte` is a System Real-Time status (`F8`–`FF`).
pub const fn is_realtime(byte: u8) -> bool {
    byte >= 0xF8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_follow_the_midi_1_0_status_table() {
        assert_eq!(classify(0x45), ByteKind::Data);
        assert_eq!(classify(0x90), ByteKind::Channel { data_len: 2 });
        assert_eq!(classify(0xC3), ByteKind::Channel { data_len: 1 });
        assert_eq!(classify(0xD0), ByteKind::Channel { data_len: 1 });
        assert_eq!(classify(0xEF), ByteKind::Channel { data_len: 2 });
        assert_eq!(classify(0xF1), ByteKind::SystemCommon { data_len: 1 });
        assert_eq!(classify(0xF2), ByteKind::SystemCommon { data_len: 2 });
        assert_eq!(classify(0xF6), ByteKind::SystemCommon { data_len: 0 });
        assert_eq!(classify(0xF4), ByteKind::UndefinedCommon);
        assert_eq!(classify(0xF0), ByteKind::SysExStart);
        assert_eq!(classify(0xF7), ByteKind::SysExEnd);
        assert_eq!(classify(0xF9), ByteKind::RealTime);
        assert!(is_realtime(0xFF) && !is_realtime(0xF7));
        assert!(is_status(0x80) && !is_status(0x7F));
    }
}
