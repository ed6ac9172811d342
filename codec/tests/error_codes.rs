//! The crate-wide registry of error codes and classes (`docs/errors.md`).
//!
//! Every error enum's `code()` is a number in one flat space, so a C binding can expose a
//! single `mox_error` enum, and its `class()` is the name the vector corpus uses. This test
//! lists one value of every variant of every such enum and pins the whole table: changing a
//! number or a class, or adding a variant without registering it here, has to be deliberate.
use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

use mox_codec::envelope;
use mox_codec::osc::stream::FrameError;
use mox_codec::osc::DecodeErrorKind;
use mox_codec::sysex::stream::EventKind;
use mox_codec::sysex::{checksum, chunk, message, sevenbit, syx, ump, usb};

/// One registered variant: its enum, `Debug` form, class and code.
#[derive(Debug)]
struct Row {
    enum_name: &'static str,
    variant: String,
    class: &'static str,
    code: u16,
}

/// Each enum's block of the code space.
const BLOCKS: [(&str, RangeInclusive<u16>); 16] = [
    ("osc::DecodeErrorKind", 1..=99),
    ("osc::stream::FrameError", 101..=199),
    ("sysex::message::FramingErrorKind", 301..=309),
    ("sysex::message::EncodeError", 310..=319),
    ("sysex::stream::EventKind", 320..=339),
    ("sysex::ump::UmpError", 341..=359),
    ("sysex::usb::UsbPacketError", 361..=379),
    ("sysex::usb::ByteStreamError", 381..=399),
    ("sysex::sevenbit::Error", 401..=419),
    ("sysex::checksum::Error", 421..=429),
    ("sysex::syx::ReadError", 431..=439),
    ("sysex::syx::WriteError", 441..=449),
    ("sysex::chunk::SplitError", 451..=469),
    ("sysex::chunk::ChunkErrorKind", 471..=499),
    ("envelope::DecodeErrorKind", 501..=529),
    ("envelope::EncodeError", 531..=549),
];

/// The one code two enums share: a 7-bit violation found while encoding a SysEx message is
/// the same condition as one found while parsing it.
const SHARED: (u16, &str) = (304, "sysex::message::EncodeError");

macro_rules! rows {
    ($rows:ident, $enum_name:literal: $($value:expr),+ $(,)?) => {
        $(
            let value = $value;
            $rows.push(Row {
                enum_name: $enum_name,
                variant: format!("{value:?}"),
                class: value.class(),
                code: value.code(),
            });
        )+
    };
}

fn registry() -> Vec<Row> {
    let mut rows = Vec::new();
    {
        use DecodeErrorKind::*;
        rows!(rows, "osc::DecodeErrorKind":
            EmptyPacket, MisalignedSize, UnknownPacketType, BadBundleHeader, BadAddress,
            Truncated, UnterminatedString, NonzeroPadding, InvalidUtf8, UnknownTypeTag,
            UnbalancedArray, ArrayTooDeep, BundleTooDeep, BadElementSize, ElementOverrun,
            BadBlobSize, BlobTooLarge, InvalidChar, PacketTooLarge, TooManyArguments,
            TrailingData,
        );
    }
    rows!(rows, "osc::stream::FrameError":
        FrameError::BadEscape { byte: 0 },
        FrameError::FrameTooLarge { limit: 0 },
        FrameError::LengthTooLarge { declared: 0, limit: 0 },
        FrameError::NegativeLength { declared: -1 },
        FrameError::TruncatedFrame { received: 0, expected: None },
        FrameError::TruncatedPrefix { received: 1 },
    );
    {
        use message::FramingErrorKind::*;
        rows!(rows, "sysex::message::FramingErrorKind":
            Empty, MissingStart, MissingEnd, NonSevenBit, TrailingData, MissingManufacturer,
            TruncatedManufacturer,
        );
    }
    rows!(rows, "sysex::message::EncodeError":
        message::EncodeError::BufferTooSmall { needed: 0 },
        message::EncodeError::NonSevenBit { offset: 0 },
        message::EncodeError::InvalidManufacturer,
    );
    {
        use EventKind::*;
        rows!(rows, "sysex::stream::EventKind":
            SysEx, Channel, SystemCommon, RealTime, SysExAborted, SysExOverflow, StrayEnd,
            StrayData, TruncatedMessage, UndefinedStatus, UnterminatedSysEx,
        );
    }
    {
        use ump::UmpError::*;
        rows!(rows, "sysex::ump::UmpError":
            UnsupportedMessageType { mt: 0 },
            BadStatus { word: 0 },
            ReservedSysExStatus { word: 0 },
            BadByteCount { word: 0 },
            NonSevenBitData { word: 0 },
            SysExNotStarted { group: 0 },
            SysExInterrupted { group: 0 },
            UnterminatedSysEx { groups: 0 },
            TruncatedPacket { received: 0 },
            BufferTooSmall { needed: 0 },
        );
    }
    {
        use usb::UsbPacketError::*;
        rows!(rows, "sysex::usb::UsbPacketError":
            ReservedCin { packet: [0; 4] },
            CinMismatch { packet: [0; 4] },
            SysExNotStarted { packet: [0; 4] },
            SysExInterrupted { packet: [0; 4] },
            UnterminatedSysEx { cables: 0 },
        );
    }
    {
        use usb::ByteStreamError::*;
        rows!(rows, "sysex::usb::ByteStreamError":
            StrayDataByte { byte: 0 },
            StrayEndOfExclusive,
            UndefinedStatus { byte: 0xF4 },
            IncompleteMessage { status: 0x90 },
            SysExAborted { by: 0x90 },
            UnterminatedSysEx,
            BufferTooSmall { needed: 0 },
        );
    }
    {
        use sevenbit::Error::*;
        rows!(rows, "sysex::sevenbit::Error":
            NotSevenBit { offset: 0 },
            NibbleOutOfRange { offset: 0 },
            HeaderWithoutData { offset: 0 },
            OddNibbleCount { offset: 0 },
            NonzeroUnusedHeaderBits { offset: 0 },
            BufferTooSmall { needed: 0 },
        );
    }
    rows!(rows, "sysex::checksum::Error":
        checksum::Error::Mismatch { expected: 0, found: 1 },
        checksum::Error::MissingChecksum,
    );
    rows!(rows, "sysex::syx::ReadError":
        syx::ReadError::Junk { offset: 0, len: 1 },
        syx::ReadError::Interrupted { offset: 0, status_offset: 1 },
        syx::ReadError::Unterminated { offset: 0 },
    );
    rows!(rows, "sysex::syx::WriteError":
        syx::WriteError::NotSysEx { index: 0 },
        syx::WriteError::NotSevenBit { index: 0, offset: 1 },
        syx::WriteError::BufferTooSmall { needed: 0 },
    );
    {
        use chunk::SplitError::*;
        rows!(rows, "sysex::chunk::SplitError":
            MaxSizeTooSmall { minimum: 0 },
            TooManyChunks { needed: 0 },
            NotSevenBit { offset: 0 },
            BadTransferId,
            BufferTooSmall { needed: 0 },
        );
    }
    {
        use chunk::ChunkErrorKind::*;
        rows!(rows, "sysex::chunk::ChunkErrorKind":
            Truncated, NotSevenBit, OutOfSequence, MissingChunk, DuplicateChunk,
            ConflictingChunk, ChunkCountMismatch, ChunkLengthMismatch, TransferTooLarge,
            TooManyTransfers, Abandoned, TimedOut,
        );
    }
    {
        use envelope::DecodeErrorKind::*;
        rows!(rows, "envelope::DecodeErrorKind":
            NotSevenBit, TruncatedHeader, ReservedBitSet, BadCheck, VarintOverlong,
            VarintTooLong, FieldOverrun, TooManyFields, RecordTooDeep, BadFieldLength,
            DuplicateField, ValueOutOfRange, UnknownFormat,
        );
    }
    {
        use envelope::EncodeError::*;
        rows!(rows, "envelope::EncodeError":
            BufferTooSmall { needed: 0 },
            NotSevenBit { offset: 0 },
            OutOfRange,
            InvalidOwner,
            InvalidCarrier,
            ChunkFlagMismatch,
            FallbackNotEncodable(mox_codec::osc::EncodeError::BadAddress),
        );
    }
    rows
}

/// The registry as published in `docs/errors.md`: (enum, class, code), in declaration order.
const EXPECTED: &[(&str, &str, u16)] = &[
    ("osc::DecodeErrorKind", "empty-packet", 1),
    ("osc::DecodeErrorKind", "misaligned-size", 2),
    ("osc::DecodeErrorKind", "unknown-packet-type", 3),
    ("osc::DecodeErrorKind", "bad-bundle-header", 4),
    ("osc::DecodeErrorKind", "bad-address", 5),
    ("osc::DecodeErrorKind", "truncated", 6),
    ("osc::DecodeErrorKind", "unterminated-string", 7),
    ("osc::DecodeErrorKind", "nonzero-padding", 8),
    ("osc::DecodeErrorKind", "invalid-utf8", 9),
    ("osc::DecodeErrorKind", "unknown-type-tag", 10),
    ("osc::DecodeErrorKind", "unbalanced-array", 11),
    ("osc::DecodeErrorKind", "array-too-deep", 12),
    ("osc::DecodeErrorKind", "bundle-too-deep", 13),
    ("osc::DecodeErrorKind", "bad-element-size", 14),
    ("osc::DecodeErrorKind", "element-overrun", 15),
    ("osc::DecodeErrorKind", "bad-blob-size", 16),
    ("osc::DecodeErrorKind", "blob-too-large", 17),
    ("osc::DecodeErrorKind", "invalid-char", 18),
    ("osc::DecodeErrorKind", "packet-too-large", 19),
    ("osc::DecodeErrorKind", "too-many-arguments", 20),
    ("osc::DecodeErrorKind", "trailing-data", 21),
    ("osc::stream::FrameError", "slip-bad-escape", 101),
    ("osc::stream::FrameError", "frame-too-large", 102),
    ("osc::stream::FrameError", "frame-too-large", 103),
    ("osc::stream::FrameError", "bad-length-prefix", 104),
    ("osc::stream::FrameError", "truncated-frame", 105),
    ("osc::stream::FrameError", "truncated-frame", 106),
    ("sysex::message::FramingErrorKind", "empty", 301),
    ("sysex::message::FramingErrorKind", "missing-start", 302),
    ("sysex::message::FramingErrorKind", "missing-end", 303),
    ("sysex::message::FramingErrorKind", "not-seven-bit", 304),
    ("sysex::message::FramingErrorKind", "trailing-data", 305),
    (
        "sysex::message::FramingErrorKind",
        "missing-manufacturer",
        306,
    ),
    (
        "sysex::message::FramingErrorKind",
        "truncated-manufacturer",
        307,
    ),
    ("sysex::message::EncodeError", "buffer-too-small", 310),
    ("sysex::message::EncodeError", "not-seven-bit", 304),
    ("sysex::message::EncodeError", "invalid-manufacturer", 311),
    ("sysex::stream::EventKind", "sysex", 320),
    ("sysex::stream::EventKind", "channel", 321),
    ("sysex::stream::EventKind", "system-common", 322),
    ("sysex::stream::EventKind", "realtime", 323),
    ("sysex::stream::EventKind", "sysex-aborted", 324),
    ("sysex::stream::EventKind", "sysex-overflow", 325),
    ("sysex::stream::EventKind", "stray-end", 326),
    ("sysex::stream::EventKind", "stray-data", 327),
    ("sysex::stream::EventKind", "truncated-message", 328),
    ("sysex::stream::EventKind", "undefined-status", 329),
    ("sysex::stream::EventKind", "unterminated-sysex", 330),
    ("sysex::ump::UmpError", "unsupported-message-type", 341),
    ("sysex::ump::UmpError", "bad-status", 342),
    ("sysex::ump::UmpError", "reserved-sysex-status", 343),
    ("sysex::ump::UmpError", "bad-byte-count", 344),
    ("sysex::ump::UmpError", "not-seven-bit", 345),
    ("sysex::ump::UmpError", "sysex-not-started", 346),
    ("sysex::ump::UmpError", "sysex-interrupted", 347),
    ("sysex::ump::UmpError", "unterminated-sysex", 348),
    ("sysex::ump::UmpError", "truncated-packet", 349),
    ("sysex::ump::UmpError", "buffer-too-small", 350),
    ("sysex::usb::UsbPacketError", "reserved-cin", 361),
    ("sysex::usb::UsbPacketError", "cin-mismatch", 362),
    ("sysex::usb::UsbPacketError", "sysex-not-started", 363),
    ("sysex::usb::UsbPacketError", "sysex-interrupted", 364),
    ("sysex::usb::UsbPacketError", "unterminated-sysex", 365),
    ("sysex::usb::ByteStreamError", "stray-data", 381),
    ("sysex::usb::ByteStreamError", "stray-end", 382),
    ("sysex::usb::ByteStreamError", "undefined-status", 383),
    ("sysex::usb::ByteStreamError", "truncated-message", 384),
    ("sysex::usb::ByteStreamError", "sysex-aborted", 385),
    ("sysex::usb::ByteStreamError", "unterminated-sysex", 386),
    ("sysex::usb::ByteStreamError", "buffer-too-small", 387),
    ("sysex::sevenbit::Error", "not-seven-bit", 401),
    ("sysex::sevenbit::Error", "nibble-out-of-range", 402),
    ("sysex::sevenbit::Error", "header-without-data", 403),
    ("sysex::sevenbit::Error", "odd-nibble-count", 404),
    ("sysex::sevenbit::Error", "nonzero-unused-header-bits", 405),
    ("sysex::sevenbit::Error", "buffer-too-small", 406),
    ("sysex::checksum::Error", "checksum-mismatch", 421),
    ("sysex::checksum::Error", "missing-checksum", 422),
    ("sysex::syx::ReadError", "junk-between-messages", 431),
    ("sysex::syx::ReadError", "interrupted-message", 432),
    ("sysex::syx::ReadError", "missing-end", 433),
    ("sysex::syx::WriteError", "not-sysex", 441),
    ("sysex::syx::WriteError", "not-seven-bit", 442),
    ("sysex::syx::WriteError", "buffer-too-small", 443),
    ("sysex::chunk::SplitError", "max-size-too-small", 451),
    ("sysex::chunk::SplitError", "too-many-chunks", 452),
    ("sysex::chunk::SplitError", "payload-not-seven-bit", 453),
    ("sysex::chunk::SplitError", "bad-transfer-id", 454),
    ("sysex::chunk::SplitError", "buffer-too-small", 455),
    ("sysex::chunk::ChunkErrorKind", "chunk-truncated", 471),
    ("sysex::chunk::ChunkErrorKind", "chunk-not-seven-bit", 472),
    ("sysex::chunk::ChunkErrorKind", "chunk-out-of-sequence", 473),
    ("sysex::chunk::ChunkErrorKind", "chunk-missing", 474),
    ("sysex::chunk::ChunkErrorKind", "chunk-duplicate", 475),
    ("sysex::chunk::ChunkErrorKind", "chunk-conflicting", 476),
    ("sysex::chunk::ChunkErrorKind", "chunk-count-mismatch", 477),
    ("sysex::chunk::ChunkErrorKind", "chunk-length-mismatch", 478),
    ("sysex::chunk::ChunkErrorKind", "transfer-too-large", 479),
    ("sysex::chunk::ChunkErrorKind", "too-many-transfers", 480),
    ("sysex::chunk::ChunkErrorKind", "transfer-abandoned", 481),
    ("sysex::chunk::ChunkErrorKind", "transfer-timed-out", 482),
    ("envelope::DecodeErrorKind", "not-seven-bit", 501),
    ("envelope::DecodeErrorKind", "truncated-header", 502),
    ("envelope::DecodeErrorKind", "reserved-bit-set", 503),
    ("envelope::DecodeErrorKind", "bad-check", 504),
    ("envelope::DecodeErrorKind", "varint-overlong", 505),
    ("envelope::DecodeErrorKind", "varint-too-long", 506),
    ("envelope::DecodeErrorKind", "field-overrun", 507),
    ("envelope::DecodeErrorKind", "too-many-fields", 508),
    ("envelope::DecodeErrorKind", "record-too-deep", 509),
    ("envelope::DecodeErrorKind", "bad-field-length", 510),
    ("envelope::DecodeErrorKind", "duplicate-field", 511),
    ("envelope::DecodeErrorKind", "value-out-of-range", 512),
    ("envelope::DecodeErrorKind", "unknown-format", 513),
    ("envelope::EncodeError", "buffer-too-small", 531),
    ("envelope::EncodeError", "not-seven-bit", 532),
    ("envelope::EncodeError", "out-of-range", 533),
    ("envelope::EncodeError", "invalid-owner", 534),
    ("envelope::EncodeError", "invalid-carrier", 535),
    ("envelope::EncodeError", "chunk-flag-mismatch", 536),
    ("envelope::EncodeError", "fallback-not-encodable", 537),
];

fn block(enum_name: &str) -> &'static RangeInclusive<u16> {
    &BLOCKS
        .iter()
        .find(|(name, _)| *name == enum_name)
        .unwrap_or_else(|| panic!("{enum_name} has no block"))
        .1
}

#[test]
fn the_registry_is_pinned() {
    let actual: Vec<(&str, &str, u16)> = registry()
        .iter()
        .map(|row| (row.enum_name, row.class, row.code))
        .collect();
    assert_eq!(actual, EXPECTED);
}

#[test]
fn every_code_is_in_its_enums_block() {
    for row in registry() {
        let block = block(row.enum_name);
        let shared = (row.code, row.enum_name) == SHARED;
        assert!(
            block.contains(&row.code) || shared,
            "{} {}: code {} outside {block:?}",
            row.enum_name,
            row.variant,
            row.code
        );
        assert_ne!(row.code, 0, "0 is left for success in C");
    }
}

#[test]
fn blocks_do_not_overlap() {
    for (i, (a, block_a)) in BLOCKS.iter().enumerate() {
        for (b, block_b) in &BLOCKS[i + 1..] {
            assert!(
                block_a.end() < block_b.start(),
                "{a} {block_a:?} and {b} {block_b:?} overlap or are out of order"
            );
        }
    }
}

#[test]
fn every_code_has_one_meaning() {
    let mut by_code: BTreeMap<u16, Vec<&Row>> = BTreeMap::new();
    let rows = registry();
    for row in &rows {
        by_code.entry(row.code).or_default().push(row);
    }
    for (code, users) in by_code {
        if code == SHARED.0 {
            let users: BTreeSet<_> = users.iter().map(|r| (r.enum_name, r.class)).collect();
            assert_eq!(
                users,
                BTreeSet::from([
                    ("sysex::message::FramingErrorKind", "not-seven-bit"),
                    ("sysex::message::EncodeError", "not-seven-bit"),
                ]),
                "code {code}"
            );
        } else {
            assert_eq!(users.len(), 1, "code {code} is used by {users:?}");
        }
    }
}

fn is_kebab_case(class: &str) -> bool {
    !class.is_empty()
        && class.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[test]
fn classes_are_kebab_case() {
    for row in registry() {
        assert!(
            is_kebab_case(row.class),
            "{} {}: class {:?}",
            row.enum_name,
            row.variant,
            row.class
        );
    }
    assert!(is_kebab_case("a-b2-c"));
    for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a b"] {
        assert!(!is_kebab_case(bad), "{bad:?}");
    }
}

/// Classes used by more than one enum. Each must name the same condition wherever it
/// appears (the vector corpus matches on the class alone); a new entry here needs that
/// check, and a class that means something else needs a name of its own.
#[test]
fn classes_shared_between_enums_are_the_known_ones() {
    let mut enums_by_class: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for row in registry() {
        enums_by_class
            .entry(row.class)
            .or_default()
            .insert(row.enum_name);
    }
    let shared: BTreeSet<&str> = enums_by_class
        .iter()
        .filter(|(_, enums)| enums.len() > 1)
        .map(|(class, _)| *class)
        .collect();
    assert_eq!(
        shared,
        BTreeSet::from([
            "buffer-too-small",
            "missing-end",
            "not-seven-bit",
            "stray-data",
            "stray-end",
            "sysex-aborted",
            "sysex-interrupted",
            "sysex-not-started",
            "trailing-data",
            "truncated-message",
            "undefined-status",
            "unterminated-sysex",
        ])
    );
}
