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
    /// SysEx buffer holds `buffer_size` bytes, then end the stream; the value is the
    /// sequence of events.
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
    /// Roland and Yamaha: the two's complement of the 7-bit sum, so that covered bytes +
    /// checksum ≡ 0 (mod 128).
    TwosComplementSum,
    /// The 7-bit sum (Waldorf, Oberheim).
    Sum,
    /// The XOR of the bytes, 7 bits (MMA Sample Dump Standard).
    Xor,
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
    /// Kind `usb-midi-encode`: packetise the MIDI 1.0 byte stream `chunks` for USB-MIDI 1.0
    /// on `cable`, then end the stream; the value has one item per packet and an error
    /// marker where the encoder refused bytes.
    pub struct UsbEncodeCase {
        /// The cable number (0–15).
        pub cable: u8,
        /// The MIDI 1.0 byte stream, as separate writes.
        pub chunks: Vec<Hex>,
        /// The expected packets (4 bytes each) and errors, in order.
        pub expected: Expected<Vec<Item<Hex>>>,
    }
}

/// Bytes of a MIDI 1.0 byte stream recovered from packets of one USB-MIDI cable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CableBytes {
    /// The USB-MIDI cable number.
    pub cable: u8,
    /// The bytes, from one or more packets in a row on that cable.
    pub bytes: Hex,
}

case_header! {
    /// Kind `usb-midi-decode`: depacketise USB-MIDI 1.0 `packets`, then end the stream. The
    /// value is the recovered bytes as runs (the bytes of consecutive packets on the same
    /// cable with no error between them form one run) and an error marker per problem.
    pub struct UsbDecodeCase {
        /// The packets, 4 bytes each, concatenated.
        pub packets: Hex,
        /// The expected runs and errors, in order.
        pub expected: Expected<Vec<Item<CableBytes>>>,
    }
}

case_header! {
    /// Kind `ump-encode`: convert the MIDI 1.0 byte stream `chunks` to Universal MIDI
    /// Packets in `group` (SysEx7 for System Exclusive, message type 1 for system messages,
    /// type 2 for channel voice), then end the stream; the value has one item per packet
    /// and an error marker where the encoder refused bytes.
    pub struct UmpEncodeCase {
        /// The UMP group (0–15).
        pub group: u8,
        /// The byte stream, as separate writes.
        pub chunks: Vec<Hex>,
        /// The expected packets (big-endian words: 4 or 8 bytes) and errors, in order.
        pub expected: Expected<Vec<Item<Hex>>>,
    }
}

/// Bytes of a MIDI 1.0 byte stream recovered from packets of one UMP group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBytes {
    /// The UMP group.
    pub group: u8,
    /// The bytes (`F0` and `F7` restored around SysEx), from one or more packets in a row
    /// in that group.
    pub bytes: Hex,
}

case_header! {
    /// Kind `ump-decode`: convert Universal MIDI `packets` back to the MIDI 1.0 byte
    /// stream, then end the stream. The value is runs of bytes per group (as for
    /// `usb-midi-decode`) and an error marker per problem.
    pub struct UmpDecodeCase {
        /// The packets, each as big-endian 32-bit words (4, 8, … bytes).
        pub packets: Vec<Hex>,
        /// The expected runs and errors, in order.
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

case_header! {
    /// Kind `sysex-chunk-split`: split `payload` into chunks for a peer whose largest SysEx
    /// message is `max_sysex` bytes, when the envelope adds `overhead` bytes around each
    /// chunk body (spec chapter 11); the value is the chunk bodies, header included.
    pub struct ChunkSplitCase {
        /// The transfer id (0–127).
        pub transfer_id: u8,
        /// The peer's largest SysEx message, `F0` to `F7` inclusive.
        pub max_sysex: u32,
        /// Bytes the envelope adds around each chunk body (`F0`, ids, headers, `F7`).
        pub overhead: u32,
        /// Whether the sender streams (total `0` until the last chunk).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub streaming: bool,
        /// The message body to split (7-bit bytes).
        pub payload: Hex,
        /// The expected chunk bodies.
        pub expected: Expected<Vec<Hex>>,
    }
}

/// Reassembler limits for a `sysex-chunk-reassemble` case; an absent field keeps the codec's
/// documented default (4 transfers, 1024 bytes, 3000 ms).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassemblerLimits {
    /// Most transfers in flight at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_transfers: Option<u32>,
    /// Largest message body, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_payload: Option<u32>,
    /// Inactivity after which a transfer is stale, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_timeout_ms: Option<u64>,
}

/// One input to a reassembler.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum ChunkStep {
    /// A chunk body arrives at time `at` (milliseconds, any origin) from `sender`.
    Chunk {
        /// The current time, in milliseconds.
        at: u64,
        /// Who sent it (the transfer key is sender and transfer id).
        sender: u32,
        /// The chunk body: header and payload.
        chunk: Hex,
    },
    /// The caller asks, at time `expire`, which transfers are stale.
    Expire {
        /// The current time, in milliseconds.
        expire: u64,
    },
}

/// What a reassembler answers to one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum ChunkResult {
    /// The chunk was taken: `chunk-accepted` or `transfer-restarted`.
    Outcome(String),
    /// The chunk completed a transfer: the message body.
    Complete(Hex),
    /// The chunk was refused or ended a transfer.
    Error(ErrorClass),
    /// The transfer ids found stale, in ascending order.
    Expired(Vec<u8>),
}

case_header! {
    /// Kind `sysex-chunk-reassemble`: feed `steps` to one reassembler; the value has one
    /// result per step.
    pub struct ChunkReassembleCase {
        /// Limits other than the defaults.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub config: Option<ReassemblerLimits>,
        /// The inputs, in order.
        pub steps: Vec<ChunkStep>,
        /// The expected results.
        pub expected: Expected<Vec<ChunkResult>>,
    }
}

/// The error classes of splitting (kind `sysex-chunk-split`).
pub const SPLIT_ERROR_CLASSES: &[&str] = &[
    "max-size-too-small",
    "too-many-chunks",
    "payload-not-seven-bit",
    "bad-transfer-id",
];

/// The error classes of reassembly (kind `sysex-chunk-reassemble`, `error` results).
pub const REASSEMBLY_ERROR_CLASSES: &[&str] = &[
    "chunk-truncated",
    "chunk-not-seven-bit",
    "chunk-out-of-sequence",
    "chunk-missing",
    "chunk-duplicate",
    "chunk-conflicting",
    "chunk-count-mismatch",
    "chunk-length-mismatch",
    "transfer-too-large",
    "too-many-transfers",
    "transfer-abandoned",
    "transfer-timed-out",
];

/// The error classes of SysEx framing (kind `sysex-message`).
pub const MESSAGE_ERROR_CLASSES: &[&str] = &[
    "empty",
    "missing-start",
    "missing-end",
    "not-seven-bit",
    "trailing-data",
    "missing-manufacturer",
    "truncated-manufacturer",
];

/// What a MIDI 1.0 byte-stream parser reports (kind `sysex-stream`, `outcome` events).
pub const STREAM_OUTCOME_CLASSES: &[&str] = &[
    "sysex-aborted",
    "sysex-overflow",
    "stray-end",
    "stray-data",
    "truncated-message",
    "undefined-status",
    "unterminated-sysex",
];

/// The error classes of the 7-bit decoders (kind `sysex-7bit`).
pub const SEVEN_BIT_ERROR_CLASSES: &[&str] = &[
    "not-seven-bit",
    "nibble-out-of-range",
    "header-without-data",
    "odd-nibble-count",
    "nonzero-unused-header-bits",
];

/// The error classes of packetising a byte stream (kinds `usb-midi-encode`, `ump-encode`).
pub const PACKETISE_ERROR_CLASSES: &[&str] = &[
    "stray-data",
    "stray-end",
    "undefined-status",
    "truncated-message",
    "sysex-aborted",
    "unterminated-sysex",
];

/// The error classes of USB-MIDI 1.0 depacketising (kind `usb-midi-decode`).
pub const USB_ERROR_CLASSES: &[&str] = &[
    "reserved-cin",
    "cin-mismatch",
    "sysex-not-started",
    "sysex-interrupted",
    "unterminated-sysex",
];

/// The error classes of UMP depacketising (kind `ump-decode`).
pub const UMP_ERROR_CLASSES: &[&str] = &[
    "unsupported-message-type",
    "bad-status",
    "reserved-sysex-status",
    "bad-byte-count",
    "not-seven-bit",
    "sysex-not-started",
    "sysex-interrupted",
    "unterminated-sysex",
    "truncated-packet",
];

/// The error classes of `.syx` reading (kind `syx-file`).
pub const SYX_ERROR_CLASSES: &[&str] = &[
    "junk-between-messages",
    "interrupted-message",
    "missing-end",
];

/// Every SysEx class list, for [`ErrorClass::new`].
pub(crate) const ALL_CLASS_LISTS: &[&[&str]] = &[
    MESSAGE_ERROR_CLASSES,
    STREAM_OUTCOME_CLASSES,
    SEVEN_BIT_ERROR_CLASSES,
    PACKETISE_ERROR_CLASSES,
    USB_ERROR_CLASSES,
    UMP_ERROR_CLASSES,
    SYX_ERROR_CLASSES,
    SPLIT_ERROR_CLASSES,
    REASSEMBLY_ERROR_CLASSES,
];

/// The classes a case of a SysEx `kind` may name.
pub(crate) fn error_classes(kind: crate::Kind) -> &'static [&'static str] {
    use crate::Kind;
    match kind {
        Kind::SysExMessage => MESSAGE_ERROR_CLASSES,
        Kind::SysExStream => STREAM_OUTCOME_CLASSES,
        Kind::SevenBit => SEVEN_BIT_ERROR_CLASSES,
        Kind::UsbEncode | Kind::UmpEncode => PACKETISE_ERROR_CLASSES,
        Kind::UsbDecode => USB_ERROR_CLASSES,
        Kind::UmpDecode => UMP_ERROR_CLASSES,
        Kind::Syx => SYX_ERROR_CLASSES,
        Kind::ChunkSplit => SPLIT_ERROR_CLASSES,
        Kind::ChunkReassemble => REASSEMBLY_ERROR_CLASSES,
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
        Case::UsbEncode(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |items| {
                markers(items).for_each(|class| check_class(class, kind, rules))
            });
        }
        Case::UsbDecode(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |items| {
                markers(items).for_each(|class| check_class(class, kind, rules))
            });
        }
        Case::UmpEncode(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |items| {
                markers(items).for_each(|class| check_class(class, kind, rules))
            });
        }
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
        Case::ChunkSplit(c) => check_expected(&c.expected, kind, rules, |_, _| {}),
        Case::ChunkReassemble(c) => {
            check_expected(&c.expected, kind, rules, |_, _| {});
            each_value(&c.expected, |results| {
                if results.len() != c.steps.len() {
                    rules.push(format!(
                        "{} results for {} steps: give one result per step",
                        results.len(),
                        c.steps.len()
                    ));
                }
                for result in results {
                    match result {
                        ChunkResult::Error(class) => check_class(*class, kind, rules),
                        ChunkResult::Outcome(name)
                            if !matches!(
                                name.as_str(),
                                "chunk-accepted" | "transfer-restarted"
                            ) =>
                        {
                            rules.push(format!(
                                "outcome {name:?} is neither chunk-accepted nor transfer-restarted"
                            ))
                        }
                        _ => {}
                    }
                }
            });
        }
        Case::OscPacket(_)
        | Case::OscStream(_)
        | Case::OscStreamEncode(_)
        | Case::OscMatch(_)
        | Case::EnvelopeSysEx(_)
        | Case::EnvelopeOsc(_)
        | Case::EnvelopeChunked(_)
        | Case::EnvelopeBridge(_)
        | Case::NegotiateTranscript(_) => {}
    }
}
