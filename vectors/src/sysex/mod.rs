//! The SysEx part of the format: framing, byte streams, 7-bit encodings, checksums, chunking,
//! USB-MIDI 1.0 and UMP packets, and `.syx` files. `vectors/README.md` describes each kind.
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Expected, Item};
use crate::scalar::{ErrorClass, Hex};

pub(crate) mod run;

case_header! {
    /// Kind `sysex-message`: parse `hex` as one `F0 … F7` message.
    pub struct SysExMessageCase {
        /// The message's bytes, `F0` and `F7` included.
        pub hex: Hex,
        /// The expected view.
        pub expected: Expected<SysExValue>,
    }
}

/// A parsed SysEx message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SysExValue {
    /// The manufacturer id as sent: one byte (`41`, `7d`, `7e`, `7f`) or three (`002029`).
    pub manufacturer: Hex,
    /// The bytes after the id, up to but not including `F7`.
    pub payload: Hex,
}

case_header! {
    /// Kind `sysex-stream`: feed `chunks` in order to a MIDI 1.0 byte-stream parser whose
    /// SysEx buffer holds `buffer_size` bytes; the value is the sequence of events.
    pub struct SysExStreamCase {
        /// The size of the parser's SysEx buffer, `F0` and `F7` included.
        pub buffer_size: u32,
        /// The bytes, as received in separate reads.
        pub chunks: Vec<Hex>,
        /// The expected events.
        pub expected: Expected<Vec<MidiStreamEvent>>,
    }
}

/// One event of a MIDI 1.0 byte-stream parser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum MidiStreamEvent {
    /// A complete SysEx message, `F0` and `F7` included.
    Sysex(Hex),
    /// A channel or System Common message, with its status byte (running status expanded).
    Message(Hex),
    /// A System Real-Time byte.
    Realtime(Hex),
    /// Something the parser reports about the stream (`sysex-aborted`, `stray-end`, …).
    Outcome(ErrorClass),
}

/// The 7-bit encodings of 8-bit data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SevenBitEncoding {
    /// Groups of up to 7 bytes after a header whose bit 6 holds the first byte's MSB
    /// (MIDI-CI "Mcoded7").
    Mcoded7,
    /// As `mcoded7`, but header bit 0 holds the first byte's MSB.
    Mcoded7Reversed,
    /// Two bytes per byte, high nibble first.
    NibblesHighFirst,
    /// Two bytes per byte, low nibble first.
    NibblesLowFirst,
}

/// Which way a conversion runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// 8-bit data to the 7-bit form.
    Encode,
    /// The 7-bit form to 8-bit data.
    Decode,
}

case_header! {
    /// Kind `sysex-7bit`: convert `input` with `encoding` in `direction`; the value is the
    /// output bytes.
    pub struct SevenBitCase {
        /// The encoding.
        pub encoding: SevenBitEncoding,
        /// Encode or decode.
        pub direction: Direction,
        /// The input bytes.
        pub input: Hex,
        /// The expected output.
        pub expected: Expected<Hex>,
    }
}

/// The vendor checksums.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ChecksumAlgorithm {
    /// Roland: address + data + checksum ≡ 0 (mod 128).
    Roland,
}

case_header! {
    /// Kind `sysex-checksum`: the checksum of `input` (the bytes it covers); the value is
    /// one byte.
    pub struct ChecksumCase {
        /// The algorithm.
        pub algorithm: ChecksumAlgorithm,
        /// The covered bytes.
        pub input: Hex,
        /// The expected checksum byte.
        pub expected: Expected<Hex>,
    }
}

case_header! {
    /// Kind `usb-midi-encode`: packetise the byte stream `chunks` for USB-MIDI 1.0 on
    /// `cable`; the value is the packets, concatenated.
    pub struct UsbEncodeCase {
        /// The cable number (0–15).
        pub cable: u8,
        /// The MIDI 1.0 byte stream, as separate writes.
        pub chunks: Vec<Hex>,
        /// The expected packets, 4 bytes each, concatenated.
        pub expected: Expected<Hex>,
    }
}

/// Bytes of a MIDI 1.0 byte stream recovered from packets on one cable or group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CableBytes {
    /// The USB-MIDI cable number.
    pub cable: u8,
    /// The bytes one packet carries.
    pub bytes: Hex,
}

case_header! {
    /// Kind `usb-midi-decode`: depacketise USB-MIDI 1.0 `packets`; the value has one item
    /// per packet that carries bytes, and an error marker per packet that is malformed.
    pub struct UsbDecodeCase {
        /// The packets, 4 bytes each, concatenated.
        pub packets: Hex,
        /// The expected items.
        pub expected: Expected<Vec<Item<CableBytes>>>,
    }
}

case_header! {
    /// Kind `ump-encode`: convert the SysEx messages in the byte stream `chunks` to UMP
    /// SysEx7 packets (message type 3) in `group`; the value is the packets.
    pub struct UmpEncodeCase {
        /// The UMP group (0–15).
        pub group: u8,
        /// The byte stream, as separate writes.
        pub chunks: Vec<Hex>,
        /// The expected packets, each 8 bytes (two big-endian 32-bit words).
        pub expected: Expected<Vec<Hex>>,
    }
}

/// A complete SysEx message recovered from UMP packets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBytes {
    /// The UMP group.
    pub group: u8,
    /// The SysEx message, `F0` and `F7` restored.
    pub bytes: Hex,
}

case_header! {
    /// Kind `ump-decode`: convert UMP SysEx7 `packets` back to SysEx messages; the value has
    /// one item per completed message and an error marker per malformed packet.
    pub struct UmpDecodeCase {
        /// The packets, each 8 bytes (two big-endian 32-bit words).
        pub packets: Vec<Hex>,
        /// The expected items.
        pub expected: Expected<Vec<Item<GroupBytes>>>,
    }
}

/// One message of a `.syx` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyxFrame {
    /// The message, `F0` and `F7` included.
    pub frame: Hex,
}

case_header! {
    /// Kind `syx-file`: read `hex` as a `.syx` file; the value has one item per message and
    /// an error marker where the file is malformed.
    pub struct SyxCase {
        /// The file's bytes.
        pub hex: Hex,
        /// The expected items.
        pub expected: Expected<Vec<Item<SyxFrame>>>,
    }
}

/// The error classes of SysEx framing (kind `sysex-message`).
pub const MESSAGE_ERROR_CLASSES: &[&str] = &[
    "empty",
    "missing-start",
    "missing-end",
    "missing-manufacturer",
    "truncated-manufacturer",
    "non-7-bit",
];

/// What a MIDI 1.0 byte-stream parser reports (kind `sysex-stream`, `outcome` events).
pub const STREAM_OUTCOME_CLASSES: &[&str] =
    &["sysex-aborted", "stray-end", "sysex-overflow", "stray-data"];

/// The error classes of the 7-bit decoders (kind `sysex-7bit`).
pub const SEVEN_BIT_ERROR_CLASSES: &[&str] = &["non-7-bit", "bad-length", "bad-header", "bad-nibble"];

/// The error classes of USB-MIDI 1.0 depacketising (kind `usb-midi-decode`).
pub const USB_ERROR_CLASSES: &[&str] = &["cin-mismatch", "reserved-cin"];

/// The error classes of UMP SysEx7 depacketising (kind `ump-decode`).
pub const UMP_ERROR_CLASSES: &[&str] = &[
    "unexpected-continue",
    "unexpected-end",
    "bad-byte-count",
    "non-7-bit",
];

/// The error classes of `.syx` reading (kind `syx-file`).
pub const SYX_ERROR_CLASSES: &[&str] = &["junk", "missing-end", "cut-short"];

/// Every SysEx class list, for [`ErrorClass::new`].
pub(crate) const ALL_CLASS_LISTS: &[&[&str]] = &[
    MESSAGE_ERROR_CLASSES,
    STREAM_OUTCOME_CLASSES,
    SEVEN_BIT_ERROR_CLASSES,
    USB_ERROR_CLASSES,
    UMP_ERROR_CLASSES,
    SYX_ERROR_CLASSES,
];

/// The classes a case of a SysEx `kind` may name.
pub(crate) fn error_classes(kind: crate::Kind) -> &'static [&'static str] {
    use crate::Kind;
    match kind {
        Kind::SysExMessage => MESSAGE_ERROR_CLASSES,
        Kind::SysExStream => STREAM_OUTCOME_CLASSES,
        Kind::SevenBit => SEVEN_BIT_ERROR_CLASSES,
        Kind::UsbDecode => USB_ERROR_CLASSES,
        Kind::UmpDecode => UMP_ERROR_CLASSES,
        Kind::Syx => SYX_ERROR_CLASSES,
        _ => &[],
    }
}

/// The rules the types cannot express, for the SysEx kinds: every error class named in an
/// expectation, an error marker or an outcome event belongs to the kind.
pub(crate) fn check_case(case: &crate::Case, rules: &mut Vec<String>) {
    use crate::load::{check_class, check_expected};
    use crate::model::Verdict;
    use crate::Case;

    fn markers<T>(items: &[Item<T>]) -> impl Iterator<Item = ErrorClass> + '_ {
        items.iter().filter_map(|item| match item {
            Item::Error { error } => Some(*error),
            Item::Value(_) => None,
        })
    }
    fn each_value<V: Clone>(expected: &Expected<V>, mut f: impl FnMut(&V)) {
        for verdict in expected.outcomes().iter() {
            match verdict {
                Verdict::Valid { value }
                | Verdict::Invalid {
                    partial: Some(value),
                    ..
                } => f(value),
                Verdict::Invalid { partial: None, .. } => {}
            }
        }
    }

    let kind = case.kind();
    match case {
        Case::SysExMessage(c) => check_expected(&c.expected, kind, rules, |_, _| {}),
        Case::SysExStream(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |events| {
                for event in events {
                    if let MidiStreamEvent::Outcome(class) = event {
                        check_class(*class, kind, rules);
                    }
                }
            });
        }
        Case::SevenBit(c) => check_expected(&c.expected, kind, rules, |_, _| {}),
        Case::Checksum(c) => check_expected(&c.expected, kind, rules, |_, _| {}),
        Case::UsbEncode(c) => check_expected(&c.expected, kind, rules, |_, _| {}),
        Case::UsbDecode(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |items| {
                markers(items).for_each(|class| check_class(class, kind, rules))
            });
        }
        Case::UmpEncode(c) => check_expected(&c.expected, kind, rules, |_, _| {}),
        Case::UmpDecode(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |items| {
                markers(items).for_each(|class| check_class(class, kind, rules))
            });
        }
        Case::Syx(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |items| {
                markers(items).for_each(|class| check_class(class, kind, rules))
            });
        }
        Case::OscPacket(_) | Case::OscStream(_) | Case::OscStreamEncode(_) | Case::OscMatch(_) => {}
    }
}
